/*
 * digest.c: SHA-1, SHA-256 and HMAC-SHA256 through OpenSSL's EVP API
 * (no deprecated low-level calls, nothing global).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "netmod/modimpl.h"

void
mod_hex(const unsigned char *in, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0xf];
    }
    out[2 * len] = '\0';
}

int
mod_digest_hex(const char *alg, const void *data, size_t len, char *out,
               size_t out_size)
{
    const EVP_MD *md;
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;

    if (strcmp(alg, "SHA1") == 0)
        md = EVP_sha1();
    else if (strcmp(alg, "SHA256") == 0)
        md = EVP_sha256();
    else
        return -1;
    if (EVP_Digest(data, len, digest, &digest_len, md, NULL) != 1)
        return -1;
    if (out_size < 2 * (size_t) digest_len + 1)
        return -1;
    mod_hex(digest, digest_len, out);
    return 0;
}

int
mod_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                unsigned char out[32])
{
    unsigned int out_len = 0;

    if (HMAC(EVP_sha256(), key, (int) key_len, data, len, out, &out_len)
        == NULL)
        return -1;
    return out_len == 32 ? 0 : -1;
}
