/*
 * buf.h: a growing byte buffer for building requests, canonical strings
 * and cache keys, shared by the network module and the core's STS and
 * cache code (header-only, so each side compiles its own copy and the
 * module stays self-contained). Every discarded copy is wiped, because the
 * contents are often secret. After an allocation failure the buffer stays
 * failed and ignores further appends.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_NET_BUF_H
#define AWSCRED_NET_BUF_H 1

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/secret.h"

struct buf {
    char *data;  /* NUL-terminated once anything was added */
    size_t len;
    size_t cap;
    bool failed;
};

static inline void
buf_add(struct buf *b, const char *s, size_t n)
{
    size_t cap;
    char *grown;

    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        grown = malloc(cap);
        if (grown == NULL) {
            b->failed = true;
            return;
        }
        if (b->data != NULL) {
            memcpy(grown, b->data, b->len);
            secret_wipe(b->data, b->cap);
            free(b->data);
        }
        b->data = grown;
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static inline void
buf_str(struct buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static inline void
buf_char(struct buf *b, char c)
{
    buf_add(b, &c, 1);
}

/* Wipes and frees the contents; the buffer is empty and usable again. */
static inline void
buf_wipe(struct buf *b)
{
    if (b->data != NULL) {
        secret_wipe(b->data, b->cap);
        free(b->data);
    }
    memset(b, 0, sizeof(*b));
}

/* Hands over the string ("" when empty), or NULL after a failure. */
static inline char *
buf_take(struct buf *b)
{
    char *s;

    if (b->failed || b->data == NULL) {
        s = b->failed ? NULL : strdup("");
        buf_wipe(b);
        return s;
    }
    s = b->data;
    memset(b, 0, sizeof(*b));
    return s;
}

/* RFC 3986 percent-encoding of every byte but the unreserved ones (and
   '/' when keep_slash), as SigV4 and the STS form bodies want it. */
static inline void
buf_uri_encode(struct buf *b, const char *s, size_t n, bool keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    char esc[3];

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) s[i];

        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
            || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'
            || c == '~' || (keep_slash && c == '/')) {
            buf_char(b, (char) c);
        } else {
            esc[0] = '%';
            esc[1] = hex[c >> 4];
            esc[2] = hex[c & 0xf];
            buf_add(b, esc, 3);
        }
    }
}

#endif /* AWSCRED_NET_BUF_H */
