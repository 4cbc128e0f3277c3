/*
 * cache.c: the AWS CLI's credential cache in ~/.aws/cli/cache, with the
 * CLI's file names and content, read and written as the user (the caller
 * is the user's own process or the PAM module's worker).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <cjson/cJSON.h>

#include "cache/cache.h"
#include "util/buf.h"
#include "util/sha1.h"

#define CACHE_DIR "~/.aws/cli/cache"

/* One code point from UTF-8; invalid bytes stand for themselves. */
static unsigned long
utf8_next(const unsigned char **p)
{
    const unsigned char *s = *p;
    unsigned long cp;
    int extra, i;

    if (s[0] < 0x80) {
        *p = s + 1;
        return s[0];
    }
    if ((s[0] & 0xe0) == 0xc0) {
        cp = s[0] & 0x1f;
        extra = 1;
    } else if ((s[0] & 0xf0) == 0xe0) {
        cp = s[0] & 0x0f;
        extra = 2;
    } else if ((s[0] & 0xf8) == 0xf0) {
        cp = s[0] & 0x07;
        extra = 3;
    } else {
        *p = s + 1;
        return s[0];
    }
    for (i = 1; i <= extra; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            *p = s + 1;
            return s[0];
        }
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    *p = s + extra + 1;
    return cp;
}

/* A string as Python's json.dumps (ensure_ascii=True) prints it. */
static void
buf_py_json_string(struct buf *t, const char *s)
{
    const unsigned char *p = (const unsigned char *) s;
    unsigned long cp;
    char esc[32];

    buf_add(t, "\"", 1);
    while (*p != '\0') {
        cp = utf8_next(&p);
        if (cp == '"' || cp == '\\') {
            esc[0] = '\\';
            esc[1] = (char) cp;
            buf_add(t, esc, 2);
        } else if (cp == '\n') {
            buf_str(t, "\\n");
        } else if (cp == '\r') {
            buf_str(t, "\\r");
        } else if (cp == '\t') {
            buf_str(t, "\\t");
        } else if (cp == '\b') {
            buf_str(t, "\\b");
        } else if (cp == '\f') {
            buf_str(t, "\\f");
        } else if (cp < 0x20 || (cp >= 0x7f && cp < 0x10000)) {
            snprintf(esc, sizeof(esc), "\\u%04lx", cp);
            buf_str(t, esc);
        } else if (cp >= 0x10000) {
            cp = (cp - 0x10000) & 0xfffff;
            snprintf(esc, sizeof(esc), "\\u%04lx\\u%04lx", 0xd800 + (cp >> 10),
                     0xdc00 + (cp & 0x3ff));
            buf_str(t, esc);
        } else {
            esc[0] = (char) cp;
            buf_add(t, esc, 1);
        }
    }
    buf_add(t, "\"", 1);
}

/* An argument of the key: a plain item or a list. */
struct key_arg {
    const char *name;
    const struct cache_key_item *item;
    const struct cache_key_list *list;
};

static int
arg_cmp(const void *a, const void *b)
{
    const struct key_arg *x = a, *y = b;

    return strcmp(x->name, y->name);
}

/* A list as json.dumps prints it (the objects' keys sorted). */
static void
put_list(struct buf *t, const struct cache_key_list *l, const char *comma,
         const char *colon)
{
    size_t i, step = l->pairs ? 2 : 1;

    buf_add(t, "[", 1);
    for (i = 0; i + step <= l->n; i += step) {
        if (i > 0)
            buf_str(t, comma);
        if (!l->pairs) {
            buf_py_json_string(t, l->list[i]);
            continue;
        }
        buf_str(t, "{\"Key\"");
        buf_str(t, colon);
        buf_py_json_string(t, l->list[i]);
        buf_str(t, comma);
        buf_str(t, "\"Value\"");
        buf_str(t, colon);
        buf_py_json_string(t, l->list[i + 1]);
        buf_add(t, "}", 1);
    }
    buf_add(t, "]", 1);
}

enum awscred_status
cache_key(struct awscred_context *ctx, const struct cache_key_item *items,
          size_t n, enum cache_key_style style, char out[41],
          struct awscred_error *err)
{
    return cache_key_lists(ctx, items, n, NULL, 0, style, out, err);
}

enum awscred_status
cache_key_lists(struct awscred_context *ctx,
                const struct cache_key_item *items, size_t n,
                const struct cache_key_list *lists, size_t nlists,
                enum cache_key_style style, char out[41],
                struct awscred_error *err)
{
    struct key_arg sorted[32];
    const char *comma = style == CACHE_KEY_SPACED ? ", " : ",";
    const char *colon = style == CACHE_KEY_SPACED ? ": " : ":";
    const size_t max = sizeof(sorted) / sizeof(sorted[0]);
    struct buf t = {0};
    char num[32];
    size_t i, m = 0;

    for (i = 0; i < n && m < max; i++)
        if (items[i].name != NULL)
            sorted[m++] = (struct key_arg){items[i].name, &items[i], NULL};
    for (i = 0; i < nlists && m < max; i++)
        sorted[m++] = (struct key_arg){lists[i].name, NULL, &lists[i]};
    qsort(sorted, m, sizeof(sorted[0]), arg_cmp);
    buf_add(&t, "{", 1);
    for (i = 0; i < m; i++) {
        if (i > 0)
            buf_str(&t, comma);
        buf_py_json_string(&t, sorted[i].name);
        buf_str(&t, colon);
        if (sorted[i].list != NULL) {
            put_list(&t, sorted[i].list, comma, colon);
        } else if (sorted[i].item->str != NULL) {
            buf_py_json_string(&t, sorted[i].item->str);
        } else {
            snprintf(num, sizeof(num), "%lld", sorted[i].item->num);
            buf_str(&t, num);
        }
    }
    buf_add(&t, "}", 1);
    if (t.failed) {
        buf_wipe(&t);
        return error_set(err, AWSCRED_ERR_NOMEM, NULL, NULL, "out of memory");
    }
    /* Hashed in the core: a cache hit loads no network module. */
    sha1_hex(t.data, t.len, out);
    buf_wipe(&t);
    for (i = 0; out[i] != '\0'; i++)
        if (out[i] == ':' || out[i] == '/')
            out[i] = '_';
    return AWSCRED_OK;
}

static char *
cache_path(const struct awscred_context *ctx, const char *key)
{
    char *dir, *path;

    if (ctx->home == NULL)
        return NULL;
    dir = path_expand(ctx, CACHE_DIR);
    if (dir == NULL)
        return NULL;
    path = xasprintf("%s/%s.json", dir, key);
    free(dir);
    return path;
}

/* The account from an ARN "arn:aws:sts::123456789012:assumed-role/...". */
static char *
arn_account(const char *arn)
{
    const char *p = arn;
    int i;

    for (i = 0; i < 4 && p != NULL; i++) {
        p = strchr(p, ':');
        if (p != NULL)
            p++;
    }
    if (p == NULL || strchr(p, ':') == NULL || strchr(p, ':') == p)
        return NULL;
    return xstrndup(p, (size_t) (strchr(p, ':') - p));
}

struct awscred_credentials *
cache_credentials(const struct cJSON *doc, const char *method)
{
    const struct cJSON *c = json_get(doc, "Credentials");
    const struct cJSON *user = json_get(doc, "AssumedRoleUser");
    const char *akid = json_get_string(c, "AccessKeyId");
    const char *secret = json_get_string(c, "SecretAccessKey");
    const char *token = json_get_string(c, "SessionToken");
    const char *expiration = json_get_string(c, "Expiration");
    const char *account = json_get_string(c, "AccountId");
    const char *arn = json_get_string(user, "Arn");
    struct awscred_credentials *creds;

    if (akid == NULL || secret == NULL || expiration == NULL)
        return NULL;
    creds = credentials_new();
    if (creds == NULL)
        return NULL;
    if (time_parse_expiration(expiration, creds) != 0) {
        awscred_credentials_free(creds);
        return NULL;
    }
    creds->access_key_id = xstrdup(akid);
    creds->secret_access_key = xstrdup(secret);
    creds->session_token = xstrdup(token);
    creds->account_id = account != NULL  ? xstrdup(account)
                        : arn != NULL ? arn_account(arn)
                                      : NULL;
    creds->method = method;
    if (creds->access_key_id == NULL || creds->secret_access_key == NULL
        || (token != NULL && creds->session_token == NULL)) {
        awscred_credentials_free(creds);
        return NULL;
    }
    return creds;
}

enum awscred_status
cache_load(struct awscred_context *ctx, const char *key, const char *method,
           struct awscred_credentials **out, struct awscred_error *err)
{
    char *path = cache_path(ctx, key), *data = NULL;
    struct awscred_error ignored;
    struct cJSON *doc = NULL;
    size_t len = 0;
    enum awscred_status st = AWSCRED_OK;

    *out = NULL;
    if (path == NULL)
        return AWSCRED_OK;
    /* An unreadable or broken entry is a miss, as in the CLI's
       JSONFileCache (it only ever rewrites it). */
    if (file_read(ctx, path, "credential cache", &data, &len, &ignored)
            != AWSCRED_OK
        || data == NULL)
        goto done;
    st = json_load(ctx, method, err);
    doc = st == AWSCRED_OK ? json_parse(ctx, data, len, path, &ignored) : NULL;
    if (doc == NULL)
        goto done;
    *out = cache_credentials(doc, method);
    if (*out != NULL
        && (*out)->expiration - ctx_now(ctx) < CACHE_EXPIRY_WINDOW_S) {
        awscred_credentials_free(*out);
        *out = NULL;
    }
    if (*out != NULL)
        ctx_log(ctx, LOG_DEBUG, "using cached credentials from %s", path);
done:
    json_free(doc);
    if (data != NULL)
        secret_free_n(data, len + 1);
    free(path);
    return st;
}

void
cache_store(struct awscred_context *ctx, const char *key, const char *doc)
{
    struct awscred_error err;
    char *path;

    if (ctx->flags & AWSCRED_FLAG_NO_CACHE_WRITE)
        return;
    path = cache_path(ctx, key);
    if (path == NULL)
        return;
    if (file_write_atomic(ctx, path, doc, strlen(doc), &err) != AWSCRED_OK)
        ctx_log(ctx, LOG_WARNING, "cannot write the credential cache: %s",
                err.message);
    free(path);
}
