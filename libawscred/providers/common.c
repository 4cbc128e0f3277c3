/*
 * common.c: helpers shared by the process, container, IMDS and SSO
 * providers (see common.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "providers/common.h"

void
text_sanitize(const char *in, size_t len, char *out, size_t size)
{
    size_t o = 0;

    while (len > 0 && (in[len - 1] == '\n' || in[len - 1] == '\r'
                       || in[len - 1] == ' ' || in[len - 1] == '\t'))
        len--;
    for (size_t i = 0; i < len && o + 5 < size; i++) {
        unsigned char c = (unsigned char) in[i];

        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
            o += (size_t) snprintf(out + o, size - o, "\\x%02x", c);
        else
            out[o++] = (char) c;
    }
    if (size > 0)
        out[o < size ? o : size - 1] = '\0';
}

static bool
take(const cJSON *doc, const char *key, bool required, char **out,
     const char **missing)
{
    const char *value = json_get_string(doc, key);

    if (value == NULL) {
        if (required && *missing == NULL)
            *missing = key;
        return !required;
    }
    *out = xstrdup(value);
    return *out != NULL;
}

struct awscred_credentials *
credentials_from_metadata(const cJSON *doc, const char **missing)
{
    struct awscred_credentials *c = credentials_new();
    const char *expiration;

    *missing = NULL;
    if (c == NULL)
        return NULL;
    if (!take(doc, "AccessKeyId", true, &c->access_key_id, missing)
        || !take(doc, "SecretAccessKey", true, &c->secret_access_key, missing)
        || !take(doc, "Token", true, &c->session_token, missing)
        || !take(doc, "AccountId", false, &c->account_id, missing))
        goto fail;
    expiration = json_get_string(doc, "Expiration");
    if (expiration == NULL
        || time_parse_expiration(expiration, c) != 0) {
        *missing = "Expiration";
        goto fail;
    }
    return c;
fail:
    awscred_credentials_free(c);
    return NULL;
}

bool
sleep_within_deadline(const struct awscred_context *ctx, unsigned ms)
{
    int64_t left = ctx_time_left_ms(ctx);
    struct timespec ts;

    if (left <= 0)
        return false;
    if ((int64_t) ms > left)
        ms = (unsigned) left;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (long) (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        continue;
    return ctx_time_left_ms(ctx) > 0;
}

char *
str_strip_dup(const char *s)
{
    size_t len;

    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'
           || *s == '\v' || *s == '\f')
        s++;
    len = strlen(s);
    while (len > 0 && strchr(" \t\n\r\v\f", s[len - 1]) != NULL)
        len--;
    return xstrndup(s, len);
}

/* Copies n bytes lower-cased; false when they do not fit. */
static bool
copy_lower(const char *s, size_t n, char *out, size_t size)
{
    if (n >= size)
        return false;
    for (size_t i = 0; i < n; i++)
        out[i] = (char) tolower((unsigned char) s[i]);
    out[n] = '\0';
    return true;
}

bool
url_parts(const char *url, char *scheme, size_t scheme_size, char *host,
          size_t host_size)
{
    size_t n = strspn(url, "abcdefghijklmnopqrstuvwxyz"
                           "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
    const char *netloc, *end, *at, *h;
    size_t hlen;

    scheme[0] = host[0] = '\0';
    if (n > 0 && url[n] == ':' && isalpha((unsigned char) url[0])) {
        if (!copy_lower(url, n, scheme, scheme_size))
            return false;
        url += n + 1;
    }
    if (strncmp(url, "//", 2) != 0)
        return true;
    netloc = url + 2;
    end = netloc + strcspn(netloc, "/?#");
    at = NULL;
    for (const char *p = netloc; p < end; p++)
        if (*p == '@')
            at = p;
    h = at != NULL ? at + 1 : netloc;
    if (*h == '[') {
        const char *close = memchr(h, ']', (size_t) (end - h));

        h++;
        hlen = close != NULL ? (size_t) (close - h) : (size_t) (end - h);
    } else {
        const char *colon = memchr(h, ':', (size_t) (end - h));

        hlen = colon != NULL ? (size_t) (colon - h) : (size_t) (end - h);
    }
    return copy_lower(h, hlen, host, host_size);
}

/* botocore's validate_region_name (a host label), refusing "" too. */
bool
region_name_ok(const char *region)
{
    size_t n = strlen(region);
    bool digits_only = true;

    if (n == 0 || n > 63 || region[0] == '-' || region[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char) region[i];

        if (!isalnum(ch) && ch != '-')
            return false;
        if (!isdigit(ch))
            digits_only = false;
    }
    return !digits_only;
}
