/*
 * dpop.c: the DPoP proof (RFC 9449) botocore's _build_dpop_header sends
 * with the signin service's CreateOAuth2Token: a compact JWS, ES256,
 * whose protected header carries the public key as a JWK and whose
 * payload names the method, the URL, the time and a random id. The key
 * is the login cache's dpopKey, an EC P-256 private key in PEM (SEC1
 * "EC PRIVATE KEY" or PKCS#8 "PRIVATE KEY"), through OpenSSL.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "util/buf.h"
#include "netmod/modimpl.h"

#define DPOP_WHERE "dpopKey"

/* base64url without padding (RFC 7515 section 2). */
static void
b64url(struct buf *b, const unsigned char *p, size_t n)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                 "abcdefghijklmnopqrstuvwxyz0123456789-_";
    uint32_t v;
    size_t i, k;

    for (i = 0; i < n; i += 3) {
        k = n - i < 3 ? n - i : 3;
        v = (uint32_t) p[i] << 16;
        if (k > 1)
            v |= (uint32_t) p[i + 1] << 8;
        if (k > 2)
            v |= p[i + 2];
        for (size_t j = 0; j <= k; j++) {
            char ch = digits[(v >> (18 - 6 * j)) & 0x3f];

            buf_char(b, ch);
        }
    }
}

/* A JSON string (the URL may come from an endpoint override). */
static void
json_string(struct buf *b, const char *s)
{
    char esc[8];

    buf_str(b, "\"");
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char) *s;

        if (ch == '"' || ch == '\\' || ch < 0x20) {
            snprintf(esc, sizeof(esc), "\\u%04x", ch);
            buf_str(b, esc);
        } else {
            buf_add(b, s, 1);
        }
    }
    buf_str(b, "\"");
}

/* Never prompt for a pass phrase: an encrypted key just fails. */
static int
no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void) buf;
    (void) size;
    (void) rwflag;
    (void) u;
    return -1;
}

static EVP_PKEY *
load_p256(const char *pem)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    EVP_PKEY *key = NULL;
    char group[32] = "";
    size_t glen = 0;

    if (bio == NULL)
        return NULL;
    key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
    BIO_free(bio);
    if (key != NULL
        && (!EVP_PKEY_is_a(key, "EC")
            || EVP_PKEY_get_utf8_string_param(key,
                                              OSSL_PKEY_PARAM_GROUP_NAME,
                                              group, sizeof(group), &glen)
                   != 1
            || strcmp(group, "prime256v1") != 0)) {
        EVP_PKEY_free(key);
        key = NULL;
    }
    return key;
}

/* A BIGNUM parameter of key as 32 big-endian bytes. */
static bool
coord(const EVP_PKEY *key, const char *name, unsigned char out[32])
{
    BIGNUM *bn = NULL;
    bool ok = EVP_PKEY_get_bn_param(key, name, &bn) == 1
              && BN_bn2binpad(bn, out, 32) == 32;

    BN_free(bn);
    return ok;
}

/* The JWS header: typ, alg and the public key, as botocore orders them. */
static bool
add_header(struct buf *b, const EVP_PKEY *key)
{
    unsigned char x[32], y[32];
    struct buf h = {0};
    bool ok = coord(key, OSSL_PKEY_PARAM_EC_PUB_X, x)
              && coord(key, OSSL_PKEY_PARAM_EC_PUB_Y, y);

    if (!ok)
        return false;
    buf_str(&h, "{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":"
                "{\"kty\":\"EC\",\"x\":\"");
    b64url(&h, x, 32);
    buf_str(&h, "\",\"y\":\"");
    b64url(&h, y, 32);
    buf_str(&h, "\",\"crv\":\"P-256\"}}");
    ok = !h.failed;
    if (ok)
        b64url(b, (const unsigned char *) h.data, h.len);
    buf_wipe(&h);
    return ok;
}

/* htm, htu, iat and a version-4 UUID as jti. */
static bool
add_payload(struct buf *b, const char *method, const char *url, int64_t iat)
{
    unsigned char id[16];
    char jti[40], num[24];
    struct buf p = {0};
    bool ok;

    if (RAND_bytes(id, sizeof(id)) != 1)
        return false;
    id[6] = (unsigned char) ((id[6] & 0x0f) | 0x40);
    id[8] = (unsigned char) ((id[8] & 0x3f) | 0x80);
    snprintf(jti, sizeof(jti),
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             id[0], id[1], id[2], id[3], id[4], id[5], id[6], id[7], id[8],
             id[9], id[10], id[11], id[12], id[13], id[14], id[15]);
    snprintf(num, sizeof(num), "%" PRId64, iat);
    buf_str(&p, "{\"htm\":");
    json_string(&p, method);
    buf_str(&p, ",\"htu\":");
    json_string(&p, url);
    buf_str(&p, ",\"iat\":");
    buf_str(&p, num);
    buf_str(&p, ",\"jti\":\"");
    buf_str(&p, jti);
    buf_str(&p, "\"}");
    ok = !p.failed;
    if (ok)
        b64url(b, (const unsigned char *) p.data, p.len);
    buf_wipe(&p);
    return ok;
}

/* ES256 over the signing input: r and s, 32 bytes each (RFC 7518 3.4). */
static bool
add_signature(struct buf *b, EVP_PKEY *key)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    unsigned char der[80], rs[64];
    const unsigned char *q = der;
    size_t der_len = sizeof(der);
    ECDSA_SIG *sig = NULL;
    bool ok;

    ok = md != NULL
         && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1
         && EVP_DigestSign(md, der, &der_len, (const unsigned char *) b->data,
                           b->len) == 1
         && (sig = d2i_ECDSA_SIG(NULL, &q, (long) der_len)) != NULL
         && BN_bn2binpad(ECDSA_SIG_get0_r(sig), rs, 32) == 32
         && BN_bn2binpad(ECDSA_SIG_get0_s(sig), rs + 32, 32) == 32;
    if (ok) {
        buf_str(b, ".");
        b64url(b, rs, sizeof(rs));
    }
    ECDSA_SIG_free(sig);
    EVP_MD_CTX_free(md);
    return ok;
}

enum awscred_status
mod_dpop_proof(const char *pem, const char *method, const char *url,
               int64_t iat, char **out, struct awscred_error *err)
{
    EVP_PKEY *key = load_p256(pem);
    struct buf b = {0};
    bool ok;

    *out = NULL;
    if (key == NULL)
        return mod_error(err, AWSCRED_ERR_RETRIEVAL, DPOP_WHERE,
                         "Unable to load private key from cached token.");
    ok = add_header(&b, key);
    if (ok) {
        buf_str(&b, ".");
        ok = add_payload(&b, method, url, iat) && !b.failed
             && add_signature(&b, key);
    }
    EVP_PKEY_free(key);
    if (!ok || b.failed) {
        buf_wipe(&b);
        return mod_error(err, AWSCRED_ERR_RETRIEVAL, DPOP_WHERE,
                         "Cannot build the DPoP proof with the cached "
                         "token's key");
    }
    *out = buf_take(&b);
    return *out != NULL ? AWSCRED_OK
                        : mod_error(err, AWSCRED_ERR_NOMEM, NULL,
                                    "out of memory");
}
