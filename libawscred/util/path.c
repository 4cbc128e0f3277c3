/*
 * path.c: file paths from settings, expanded like Python's
 * os.path.expandvars followed by os.path.expanduser, which is what the
 * AWS CLI does to AWS_CONFIG_FILE and friends.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct buf {
    char *data;
    size_t len, cap;
    bool failed;
};

static void
buf_add(struct buf *b, const char *s, size_t n)
{
    char *grown;

    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;

        grown = realloc(b->data, cap);
        if (grown == NULL) {
            b->failed = true;
            return;
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static bool
is_name_char(char c)
{
    return isalnum((unsigned char) c) || c == '_';
}

/*
 * Length of the variable reference at s ("$NAME" or "${NAME}"), with the
 * name's start and length; 0 when s does not start one.
 */
static size_t
var_reference(const char *s, const char **name, size_t *name_len)
{
    size_t n = 0;

    if (s[0] != '$')
        return 0;
    if (s[1] == '{') {
        const char *close = strchr(s + 2, '}');

        if (close == NULL || close == s + 2)
            return 0;
        *name = s + 2;
        *name_len = (size_t) (close - s - 2);
        return *name_len + 3;
    }
    while (is_name_char(s[1 + n]))
        n++;
    *name = s + 1;
    *name_len = n;
    return n > 0 ? n + 1 : 0;
}

static void
expand_vars(const struct awscred_context *ctx, const char *raw, struct buf *b)
{
    while (*raw != '\0') {
        const char *name = NULL, *value = NULL;
        size_t name_len = 0, ref = var_reference(raw, &name, &name_len);

        if (ref > 0) {
            char *key = xstrndup(name, name_len);

            value = key != NULL ? ctx_getenv(ctx, key) : NULL;
            free(key);
        }
        if (value != NULL)
            buf_add(b, value, strlen(value));
        else
            buf_add(b, raw, ref > 0 ? ref : 1);
        raw += ref > 0 ? ref : 1;
    }
}

/* "~" and "~/..." only: "~other" stays as it is (we know one user). */
static char *
expand_user(const struct awscred_context *ctx, char *path)
{
    size_t home_len;
    char *out;

    if (path[0] != '~' || (path[1] != '\0' && path[1] != '/')
        || ctx->home == NULL)
        return path;
    home_len = strlen(ctx->home);
    while (home_len > 0 && ctx->home[home_len - 1] == '/')
        home_len--;
    out = xasprintf("%.*s%s", (int) home_len, ctx->home, path + 1);
    if (out != NULL && out[0] == '\0') {
        free(out);
        out = xstrdup("/");
    }
    free(path);
    return out;
}

char *
path_expand(const struct awscred_context *ctx, const char *raw)
{
    struct buf b = {NULL, 0, 0, false};

    buf_add(&b, "", 0);
    expand_vars(ctx, raw, &b);
    if (b.failed) {
        free(b.data);
        return NULL;
    }
    return expand_user(ctx, b.data);
}
