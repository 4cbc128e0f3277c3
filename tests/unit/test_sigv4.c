/*
 * test_sigv4.c: the SigV4 signer against every case of the public AWS
 * test suite (tests/data/sigv4/v4, Apache-2.0): canonical request, string
 * to sign, signature and Authorization header, signed through the network
 * module as the providers do (net_sigv4_sign loads AWSCRED_NET_MODULE).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "internal.h"
#include "net/net.h"

#define MAX_CASES 64
#define MAX_HEADERS 16

static char suite_dir[2048];

static char *
slurp(const char *dir, const char *name)
{
    char path[4096];
    FILE *f;
    char *data;
    long len;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = calloc(1, (size_t) len + 1);
    assert_non_null(data);
    assert_int_equal(fread(data, 1, (size_t) len, f), (size_t) len);
    fclose(f);
    return data;
}

/* A request.txt taken apart: request line, headers (continuation lines
   joined), body. Strings point into buf. */
struct parsed_request {
    char *method;
    char *path;
    char *query;
    struct net_header headers[MAX_HEADERS];
    size_t nheaders;
    char *body;
};

static void
parse_request(char *buf, struct parsed_request *r)
{
    char *line = buf, *next, *proto, *colon;

    memset(r, 0, sizeof(*r));
    next = strchr(line, '\n');
    if (next != NULL)
        *next++ = '\0';
    r->method = line;
    line = strchr(line, ' ');
    assert_non_null(line);
    *line++ = '\0';
    proto = strstr(line, " HTTP/");
    assert_non_null(proto);
    *proto = '\0';
    r->path = line;
    r->query = strchr(line, '?');
    if (r->query != NULL)
        *r->query++ = '\0';
    while ((line = next) != NULL) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        if (*line == '\0') {
            r->body = next;
            break;
        }
        if ((*line == ' ' || *line == '\t') && r->nheaders > 0) {
            /* A folded value: join it, keeping the line break as white
               space (the signer collapses runs of it). */
            line[-1] = ' ';
            continue;
        }
        colon = strchr(line, ':');
        assert_non_null(colon);
        *colon = '\0';
        assert_true(r->nheaders < MAX_HEADERS);
        r->headers[r->nheaders].name = line;
        r->headers[r->nheaders].value = colon + 1;
        r->nheaders++;
    }
}

static const char *
json_str(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool
json_true(const cJSON *o, const char *key)
{
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static int64_t
parse_timestamp(const char *s)
{
    struct tm tm;

    memset(&tm, 0, sizeof(tm));
    assert_non_null(strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm));
    return (int64_t) timegm(&tm);
}

/* The expected Authorization header value from header-signed-request.txt. */
static char *
expected_authorization(const char *dir)
{
    char *signed_req = slurp(dir, "header-signed-request.txt");
    char *p, *end, *value;

    assert_non_null(signed_req);
    p = strstr(signed_req, "\nAuthorization:");
    assert_non_null(p);
    p += strlen("\nAuthorization:");
    end = strchr(p, '\n');
    value = strndup(p, end != NULL ? (size_t) (end - p) : strlen(p));
    free(signed_req);
    return value;
}

static void
strip_trailing_newlines(char *s)
{
    size_t n = strlen(s);

    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

static void
assert_file_equals(const char *dir, const char *name, const char *actual)
{
    char *expected = slurp(dir, name);

    assert_non_null(expected);
    strip_trailing_newlines(expected);
    assert_string_equal(actual, expected);
    free(expected);
}

static void
test_case(void **state)
{
    const char *name = *state;
    char dir[4096];
    char *context_text, *request_text, *auth;
    cJSON *context, *creds;
    struct parsed_request req;
    struct net_sigv4_request sreq;
    struct net_sigv4_result res;
    struct awscred_error err;
    struct awscred_context *ctx;

    snprintf(dir, sizeof(dir), "%s/%s", suite_dir, name);
    context_text = slurp(dir, "context.json");
    request_text = slurp(dir, "request.txt");
    assert_non_null(context_text);
    assert_non_null(request_text);
    context = cJSON_Parse(context_text);
    assert_non_null(context);
    creds = cJSON_GetObjectItemCaseSensitive(context, "credentials");
    parse_request(request_text, &req);

    memset(&sreq, 0, sizeof(sreq));
    sreq.method = req.method;
    sreq.path = req.path;
    sreq.query = req.query;
    sreq.headers = req.headers;
    sreq.nheaders = req.nheaders;
    sreq.payload = req.body;
    sreq.payload_len = req.body != NULL ? strlen(req.body) : 0;
    sreq.region = json_str(context, "region");
    sreq.service = json_str(context, "service");
    sreq.time = parse_timestamp(json_str(context, "timestamp"));
    sreq.access_key_id = json_str(creds, "access_key_id");
    sreq.secret_access_key = json_str(creds, "secret_access_key");
    sreq.session_token = json_str(creds, "token");
    sreq.normalize_path = json_true(context, "normalize");
    sreq.sign_body = json_true(context, "sign_body");
    sreq.omit_session_token = json_true(context, "omit_session_token");

    ctx = awscred_context_new();
    assert_non_null(ctx);
    assert_int_equal(
        awscred_context_set_net_module(ctx, getenv("AWSCRED_NET_MODULE")), 0);
    assert_int_equal(net_sigv4_sign(ctx, &sreq, &res, &err), AWSCRED_OK);
    assert_file_equals(dir, "header-canonical-request.txt",
                       res.canonical_request);
    assert_file_equals(dir, "header-string-to-sign.txt", res.string_to_sign);
    assert_file_equals(dir, "header-signature.txt", res.signature);
    auth = expected_authorization(dir);
    assert_string_equal(res.authorization, auth);
    free(auth);

    net_sigv4_result_free(&res);
    awscred_context_free(ctx);
    cJSON_Delete(context);
    free(context_text);
    free(request_text);
}

static int
name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

int
main(void)
{
    static char *names[MAX_CASES];
    static struct CMUnitTest tests[MAX_CASES];
    const char *srcdir = getenv("top_srcdir");
    struct dirent *ent;
    size_t n = 0, i;
    DIR *d;

    if (getenv("AWSCRED_NET_MODULE") == NULL) {
        printf("1..0 # SKIP AWSCRED_NET_MODULE is not set\n");
        return 0;
    }
    snprintf(suite_dir, sizeof(suite_dir), "%s/tests/data/sigv4/v4",
             srcdir != NULL ? srcdir : ".");
    d = opendir(suite_dir);
    if (d == NULL) {
        printf("1..0 # SKIP no test suite at %s\n", suite_dir);
        return 0;
    }
    while ((ent = readdir(d)) != NULL && n < MAX_CASES)
        if (ent->d_name[0] != '.')
            names[n++] = strdup(ent->d_name);
    closedir(d);
    qsort(names, n, sizeof(names[0]), name_cmp);
    for (i = 0; i < n; i++) {
        tests[i].name = names[i];
        tests[i].test_func = test_case;
        tests[i].initial_state = names[i];
    }
    return _cmocka_run_group_tests("sigv4", tests, n, NULL, NULL);
}
