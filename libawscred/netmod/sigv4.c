/*
 * sigv4.c: AWS Signature Version 4, header signing (the AWS General
 * Reference "Create a signed AWS API request"), checked against the public
 * SigV4 test suite in tests/data/sigv4.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/buf.h"
#include "netmod/modimpl.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
#define MAX_SIGNED_HEADERS 64
#define MAX_QUERY_PARAMS 256

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..n) into a new string. */
static char *
uri_decode(const char *s, size_t n)
{
    char *out = malloc(n + 1);
    size_t i, o = 0;

    if (out == NULL)
        return NULL;
    for (i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n && hex_value(s[i + 1]) >= 0
            && hex_value(s[i + 2]) >= 0) {
            out[o++] = (char) (hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

/* The canonical URI: dot segments and empty segments removed when
   normalize (RFC 3986 5.2.4), then each byte encoded. */
static void
canonical_uri(struct buf *b, const char *path, bool normalize)
{
    const char *segs[128];
    size_t lens[128];
    size_t nseg = 0, i;
    const char *p = path, *end;
    bool trailing_slash;

    if (path == NULL || *path == '\0') {
        buf_char(b, '/');
        return;
    }
    if (!normalize) {
        buf_uri_encode(b, path, strlen(path), true);
        return;
    }
    trailing_slash = path[strlen(path) - 1] == '/';
    while (*p != '\0') {
        while (*p == '/')
            p++;
        end = strchr(p, '/');
        if (end == NULL)
            end = p + strlen(p);
        if (end == p)
            break;
        if (end - p == 1 && p[0] == '.') {
            /* "." adds nothing */
        } else if (end - p == 2 && p[0] == '.' && p[1] == '.') {
            if (nseg > 0)
                nseg--;
        } else if (nseg < sizeof(segs) / sizeof(segs[0])) {
            segs[nseg] = p;
            lens[nseg++] = (size_t) (end - p);
        } else {
            b->failed = true;
            return;
        }
        p = end;
    }
    buf_char(b, '/');
    for (i = 0; i < nseg; i++) {
        buf_uri_encode(b, segs[i], lens[i], false);
        if (i + 1 < nseg || trailing_slash)
            buf_char(b, '/');
    }
}

struct query_param {
    char *key;    /* encoded */
    char *value;  /* encoded */
};

static int
query_param_cmp(const void *a, const void *b)
{
    const struct query_param *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    return c != 0 ? c : strcmp(x->value, y->value);
}

/* Decodes then re-encodes one "key=value" piece. */
static int
query_param_parse(const char *s, size_t n, struct query_param *out)
{
    const char *eq = memchr(s, '=', n);
    size_t klen = eq != NULL ? (size_t) (eq - s) : n;
    char *key = uri_decode(s, klen);
    char *value = eq != NULL ? uri_decode(eq + 1, n - klen - 1) : strdup("");
    struct buf kb = {0}, vb = {0};
    int rc = -1;

    if (key == NULL || value == NULL)
        goto done;
    buf_uri_encode(&kb, key, strlen(key), false);
    buf_uri_encode(&vb, value, strlen(value), false);
    out->key = buf_take(&kb);
    out->value = buf_take(&vb);
    if (out->key == NULL || out->value == NULL)
        goto done;
    rc = 0;
done:
    free(key);
    mod_free_secret(value);
    return rc;
}

static void
canonical_query(struct buf *b, const char *query)
{
    struct query_param params[MAX_QUERY_PARAMS];
    size_t n = 0, i;
    const char *p = query, *end;

    memset(params, 0, sizeof(params));
    while (p != NULL && *p != '\0') {
        end = strchr(p, '&');
        if (end == NULL)
            end = p + strlen(p);
        if (end > p) {
            if (n == MAX_QUERY_PARAMS
                || query_param_parse(p, (size_t) (end - p), &params[n]) != 0) {
                b->failed = true;
                n += n < MAX_QUERY_PARAMS;
                goto done;
            }
            n++;
        }
        p = *end != '\0' ? end + 1 : end;
    }
    qsort(params, n, sizeof(params[0]), query_param_cmp);
    for (i = 0; i < n; i++) {
        if (i > 0)
            buf_char(b, '&');
        buf_str(b, params[i].key);
        buf_char(b, '=');
        buf_str(b, params[i].value);
    }
done:
    for (i = 0; i < n; i++) {
        free(params[i].key);
        mod_free_secret(params[i].value);
    }
}

struct signed_header {
    char *name;        /* lower case */
    struct buf value;  /* trimmed, runs of white space collapsed; duplicates
                          joined with ',' */
};

/* Headers botocore never signs (auth.py SIGNED_HEADERS_BLACKLIST). */
static bool
header_is_unsigned(const char *name)
{
    return strcasecmp(name, "authorization") == 0
           || strcasecmp(name, "user-agent") == 0
           || strcasecmp(name, "expect") == 0
           || strcasecmp(name, "x-amzn-trace-id") == 0;
}

static void
buf_header_value(struct buf *b, const char *value)
{
    const char *p = value;
    bool pending_space = false;

    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    for (; *p != '\0'; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') {
            pending_space = true;
            continue;
        }
        if (pending_space)
            buf_char(b, ' ');
        pending_space = false;
        buf_char(b, *p);
    }
}

static int
signed_header_cmp(const void *a, const void *b)
{
    const struct signed_header *x = a, *y = b;

    return strcmp(x->name, y->name);
}

struct header_set {
    struct signed_header h[MAX_SIGNED_HEADERS];
    size_t n;
    bool failed;
};

static void
header_set_add(struct header_set *set, const char *name, const char *value)
{
    struct signed_header *h = NULL;
    size_t i;

    if (header_is_unsigned(name))
        return;
    for (i = 0; i < set->n; i++) {
        if (strcasecmp(set->h[i].name, name) == 0) {
            h = &set->h[i];
            buf_char(&h->value, ',');
            break;
        }
    }
    if (h == NULL) {
        if (set->n == MAX_SIGNED_HEADERS) {
            set->failed = true;
            return;
        }
        h = &set->h[set->n++];
        h->name = strdup(name);
        if (h->name == NULL) {
            set->failed = true;
            return;
        }
        for (i = 0; h->name[i] != '\0'; i++)
            if (h->name[i] >= 'A' && h->name[i] <= 'Z')
                h->name[i] = (char) (h->name[i] - 'A' + 'a');
    }
    buf_header_value(&h->value, value);
    if (h->value.failed)
        set->failed = true;
}

static void
header_set_free(struct header_set *set)
{
    size_t i;

    for (i = 0; i < set->n; i++) {
        free(set->h[i].name);
        buf_wipe(&set->h[i].value);
    }
    set->n = 0;
}

/* Appends the canonical headers and, to signed, the signed header list. */
static void
canonical_headers(struct buf *b, struct buf *signed_list,
                  struct header_set *set)
{
    size_t i;

    qsort(set->h, set->n, sizeof(set->h[0]), signed_header_cmp);
    for (i = 0; i < set->n; i++) {
        buf_str(b, set->h[i].name);
        buf_char(b, ':');
        if (set->h[i].value.data != NULL)
            buf_str(b, set->h[i].value.data);
        buf_char(b, '\n');
        if (i > 0)
            buf_char(signed_list, ';');
        buf_str(signed_list, set->h[i].name);
    }
}

/* kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" secret, date), region), service),
   "aws4_request"). */
static int
signing_key(const char *secret, const char *date, const char *region,
            const char *service, unsigned char key[32])
{
    struct buf k = {0};
    unsigned char a[32], b[32];
    int rc = -1;

    buf_str(&k, "AWS4");
    buf_str(&k, secret);
    if (k.failed)
        goto done;
    if (mod_hmac_sha256(k.data, k.len, date, strlen(date), a) != 0
        || mod_hmac_sha256(a, 32, region, strlen(region), b) != 0
        || mod_hmac_sha256(b, 32, service, strlen(service), a) != 0
        || mod_hmac_sha256(a, 32, "aws4_request", 12, key) != 0)
        goto done;
    rc = 0;
done:
    mod_wipe(a, sizeof(a));
    mod_wipe(b, sizeof(b));
    buf_wipe(&k);
    return rc;
}

static int
format_amz_date(int64_t t, char out[17])
{
    time_t tt = (time_t) t;
    struct tm tm;

    if (gmtime_r(&tt, &tm) == NULL)
        return -1;
    return strftime(out, 17, "%Y%m%dT%H%M%SZ", &tm) == 16 ? 0 : -1;
}

static enum awscred_status
build_canonical_request(const struct net_sigv4_request *req,
                        struct net_sigv4_result *out, char **signed_headers,
                        struct awscred_error *err)
{
    struct header_set set;
    struct buf creq = {0}, signed_list = {0};
    const void *payload = req->payload != NULL ? req->payload : "";
    char payload_hash[65];
    size_t i;

    memset(&set, 0, sizeof(set));
    if (mod_digest_hex("SHA256", payload, req->payload_len, payload_hash,
                       sizeof(payload_hash)) != 0)
        goto fail;
    for (i = 0; i < req->nheaders; i++)
        header_set_add(&set, req->headers[i].name, req->headers[i].value);
    header_set_add(&set, "X-Amz-Date", out->amz_date);
    if (req->sign_body) {
        memcpy(out->content_sha256, payload_hash, sizeof(payload_hash));
        header_set_add(&set, "X-Amz-Content-Sha256", payload_hash);
    }
    if (req->session_token != NULL && !req->omit_session_token)
        header_set_add(&set, "X-Amz-Security-Token", req->session_token);
    if (set.failed)
        goto fail;

    buf_str(&creq, req->method);
    buf_char(&creq, '\n');
    canonical_uri(&creq, req->path, req->normalize_path);
    buf_char(&creq, '\n');
    canonical_query(&creq, req->query);
    buf_char(&creq, '\n');
    canonical_headers(&creq, &signed_list, &set);
    buf_char(&creq, '\n');
    buf_str(&creq, signed_list.data != NULL ? signed_list.data : "");
    buf_char(&creq, '\n');
    buf_str(&creq, payload_hash);
    header_set_free(&set);
    out->canonical_request = buf_take(&creq);
    *signed_headers = buf_take(&signed_list);
    if (out->canonical_request == NULL || *signed_headers == NULL)
        return mod_error(err, AWSCRED_ERR_NOMEM, NULL, "out of memory");
    return AWSCRED_OK;
fail:
    header_set_free(&set);
    buf_wipe(&creq);
    buf_wipe(&signed_list);
    return mod_error(err, AWSCRED_ERR_NOMEM, NULL,
                     "cannot build the SigV4 canonical request");
}

enum awscred_status
mod_sigv4_sign(const struct net_sigv4_request *req,
               struct net_sigv4_result *out, struct awscred_error *err)
{
    struct buf sts = {0}, auth = {0};
    char date[9], creq_hash[65], *signed_headers = NULL;
    unsigned char key[32], sig[32];
    enum awscred_status st;

    memset(out, 0, sizeof(*out));
    if (req->access_key_id == NULL || req->secret_access_key == NULL
        || req->region == NULL || req->service == NULL || req->method == NULL)
        return mod_error(err, AWSCRED_ERR_INVALID_ARG, NULL,
                         "SigV4: missing credentials, region or service");
    if (format_amz_date(req->time, out->amz_date) != 0)
        return mod_error(err, AWSCRED_ERR_INVALID_ARG, NULL,
                         "SigV4: signing time out of range");
    memcpy(date, out->amz_date, 8);
    date[8] = '\0';
    st = build_canonical_request(req, out, &signed_headers, err);
    if (st != AWSCRED_OK)
        goto done;

    st = AWSCRED_ERR_NOMEM;
    mod_error(err, st, NULL, "SigV4: out of memory or digest failure");
    if (mod_digest_hex("SHA256", out->canonical_request,
                       strlen(out->canonical_request), creq_hash,
                       sizeof(creq_hash)) != 0)
        goto done;
    buf_str(&sts, SIGV4_ALGORITHM "\n");
    buf_str(&sts, out->amz_date);
    buf_char(&sts, '\n');
    buf_str(&sts, date);
    buf_char(&sts, '/');
    buf_str(&sts, req->region);
    buf_char(&sts, '/');
    buf_str(&sts, req->service);
    buf_str(&sts, "/aws4_request\n");
    buf_str(&sts, creq_hash);
    out->string_to_sign = buf_take(&sts);
    if (out->string_to_sign == NULL
        || signing_key(req->secret_access_key, date, req->region,
                       req->service, key) != 0
        || mod_hmac_sha256(key, 32, out->string_to_sign,
                           strlen(out->string_to_sign), sig) != 0)
        goto done;
    mod_hex(sig, 32, out->signature);

    buf_str(&auth, SIGV4_ALGORITHM " Credential=");
    buf_str(&auth, req->access_key_id);
    buf_char(&auth, '/');
    buf_str(&auth, date);
    buf_char(&auth, '/');
    buf_str(&auth, req->region);
    buf_char(&auth, '/');
    buf_str(&auth, req->service);
    buf_str(&auth, "/aws4_request, SignedHeaders=");
    buf_str(&auth, signed_headers);
    buf_str(&auth, ", Signature=");
    buf_str(&auth, out->signature);
    out->authorization = buf_take(&auth);
    if (out->authorization != NULL) {
        st = AWSCRED_OK;
        if (err != NULL)
            memset(err, 0, sizeof(*err));
    }
done:
    mod_wipe(key, sizeof(key));
    mod_wipe(sig, sizeof(sig));
    free(signed_headers);
    if (st != AWSCRED_OK) {
        mod_free_secret(out->canonical_request);
        mod_free_secret(out->string_to_sign);
        mod_free_secret(out->authorization);
        memset(out, 0, sizeof(*out));
    }
    return st;
}
