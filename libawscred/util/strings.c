/*
 * strings.c: string helpers, and secrets that are wiped before their
 * memory goes back to the allocator.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

char *
xstrdup(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

char *
xstrndup(const char *s, size_t n)
{
    return s != NULL ? strndup(s, n) : NULL;
}

char *
xasprintf(const char *fmt, ...)
{
    char *out = NULL;
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(&out, fmt, ap) < 0)
        out = NULL;
    va_end(ap);
    return out;
}

void
awscred_free_secret(char *secret)
{
    secret_free(secret);
}

struct awscred_credentials *
credentials_new(void)
{
    return calloc(1, sizeof(struct awscred_credentials));
}

void
awscred_credentials_free(struct awscred_credentials *creds)
{
    if (creds == NULL)
        return;
    secret_free(creds->access_key_id);
    secret_free(creds->secret_access_key);
    secret_free(creds->session_token);
    free(creds->account_id);
    free(creds->region);
    free(creds->profile);
    secret_wipe(creds, sizeof(*creds));
    free(creds);
}

bool
str_ieq(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char ca = (unsigned char) *a, cb = (unsigned char) *b;

        if (ca >= 'A' && ca <= 'Z')
            ca += 'a' - 'A';
        if (cb >= 'A' && cb <= 'Z')
            cb += 'a' - 'A';
        if (ca != cb)
            return false;
        if (ca == '\0')
            return true;
    }
}

unsigned
utf8_decode(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
    unsigned n;
    uint32_t c = p[0], min;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, c &= 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, c &= 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, c &= 0x07, min = 0x10000;
    else
        return 0;
    if ((size_t) (end - p) < n)
        return 0;
    for (unsigned i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return n;
}

bool
py_isspace(uint32_t c)
{
    return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85
           || c == 0xa0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200a)
           || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f
           || c == 0x3000;
}

/* The value of a Unicode decimal digit (category Nd), or -1. Each run of
   Nd digits is ten code points from a zero; these are the zeros of
   Unicode 14, the version of Debian 12's Python 3.11. */
static int
py_decimal(uint32_t c)
{
    static const uint32_t zeros[] = {
    0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6,
    0xc66, 0xce6, 0xd66, 0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0,
    0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90, 0x1b50, 0x1bb0, 0x1c40, 0x1c50,
    0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10, 0x104a0,
    0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0,
    0x11650, 0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0,
    0x16a60, 0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6,
    0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
    };

    for (size_t i = 0; i < sizeof(zeros) / sizeof(zeros[0]); i++)
        if (c >= zeros[i] && c < zeros[i] + 10)
            return (int) (c - zeros[i]);
    return -1;
}

bool
py_int(const char *s, long long *out)
{
    const unsigned char *p = (const unsigned char *) s, *end = p + strlen(s);
    unsigned long long v = 0, limit = (unsigned long long) LLONG_MAX;
    bool neg = false, digit = false, underscore = false;
    uint32_t c;
    unsigned n;
    int d;

    while (p < end && (n = utf8_decode(p, end, &c)) != 0 && py_isspace(c))
        p += n;
    if (p < end && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    for (; p < end && (n = utf8_decode(p, end, &c)) != 0; p += n) {
        if (c == '_' && digit && !underscore) {
            underscore = true;
            continue;
        }
        if ((d = py_decimal(c)) < 0)
            break;
        if (v > (limit + neg - (unsigned) d) / 10)
            return false;
        v = v * 10 + (unsigned) d;
        digit = true;
        underscore = false;
    }
    while (p < end && (n = utf8_decode(p, end, &c)) != 0 && py_isspace(c))
        p += n;
    if (!digit || underscore || p != end)
        return false;
    *out = neg ? (long long) (0 - v) : (long long) v;
    return true;
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
