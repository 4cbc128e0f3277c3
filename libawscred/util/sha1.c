/*
 * sha1.c: SHA-1 as FIPS 180-4 section 6.1 gives it, so a cache hit
 * hashes its key without loading the network module (libcurl, OpenSSL).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "common/secret.h"
#include "util/sha1.h"

struct sha1 {
    uint32_t h[5];
};

static uint32_t
rol(uint32_t x, unsigned n)
{
    return (x << n) | (x >> (32 - n));
}

static void
sha1_block(struct sha1 *s, const unsigned char *p)
{
    uint32_t w[80], a, b, c, d, e, f, k, t;
    unsigned i;

    for (i = 0; i < 16; i++)
        w[i] = (uint32_t) p[4 * i] << 24 | (uint32_t) p[4 * i + 1] << 16
               | (uint32_t) p[4 * i + 2] << 8 | (uint32_t) p[4 * i + 3];
    for (i = 16; i < 80; i++)
        w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    a = s->h[0];
    b = s->h[1];
    c = s->h[2];
    d = s->h[3];
    e = s->h[4];
    for (i = 0; i < 80; i++) {
        if (i < 20) {
            f = (b & c) | (~b & d);
            k = 0x5a827999;
        } else if (i < 40) {
            f = b ^ c ^ d;
            k = 0x6ed9eba1;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8f1bbcdc;
        } else {
            f = b ^ c ^ d;
            k = 0xca62c1d6;
        }
        t = rol(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rol(b, 30);
        b = a;
        a = t;
    }
    s->h[0] += a;
    s->h[1] += b;
    s->h[2] += c;
    s->h[3] += d;
    s->h[4] += e;
}

size_t
sha_pad(const unsigned char *tail, size_t len, uint64_t bits,
        unsigned char last[128])
{
    size_t rest = len < 56 ? 64 : 128;

    memset(last, 0, 128);
    if (len > 0)
        memcpy(last, tail, len);
    last[len] = 0x80;
    for (size_t i = 0; i < 8; i++)
        last[rest - 1 - i] = (unsigned char) (bits >> (8 * i));
    return rest;
}

void
sha1_hex(const void *data, size_t len, char out[41])
{
    static const char hex[] = "0123456789abcdef";
    struct sha1 s = {{0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
                      0xc3d2e1f0}};
    const unsigned char *p = data;
    unsigned char last[128];
    uint64_t bits = (uint64_t) len * 8;
    size_t i, rest;

    for (; len >= 64; p += 64, len -= 64)
        sha1_block(&s, p);
    rest = sha_pad(p, len, bits, last);
    sha1_block(&s, last);
    if (rest == 128)
        sha1_block(&s, last + 64);
    /* The key's text may hold an ExternalId. */
    secret_wipe(last, sizeof(last));
    for (i = 0; i < 20; i++) {
        out[2 * i] = hex[(s.h[i / 4] >> (24 - 8 * (i % 4))) >> 4 & 0xf];
        out[2 * i + 1] = hex[(s.h[i / 4] >> (24 - 8 * (i % 4))) & 0xf];
    }
    out[40] = '\0';
}
