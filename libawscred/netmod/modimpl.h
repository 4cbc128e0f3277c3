/*
 * modimpl.h: what the files of the network module (awscred-net.so) share.
 * Nothing here is visible outside the module.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_NET_MODIMPL_H
#define AWSCRED_NET_MODIMPL_H 1

#include "common/secret.h"
#include "net/module.h"

#pragma GCC visibility push(hidden)

/* Fills err (may be NULL) like the core's error_set; returns status. */
enum awscred_status mod_error(struct awscred_error *err,
                              enum awscred_status status, const char *where,
                              const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The one secret wipe (common/secret.h), under the names used here. */
#define mod_wipe(p, n) secret_wipe((p), (n))
#define mod_free_secret(s) secret_free(s)

/* digest.c: OpenSSL EVP. Return 0 on success. */
int mod_digest_hex(const char *alg, const void *data, size_t len, char *out,
                   size_t out_size);
int mod_hmac_sha256(const void *key, size_t key_len, const void *data,
                    size_t len, unsigned char out[32]);
void mod_hex(const unsigned char *in, size_t len, char *out);

/* http.c: libcurl. */
enum awscred_status mod_http_init_status(struct awscred_error *err);
enum awscred_status mod_http(const struct net_request *req,
                             const struct net_http_limits *limits,
                             struct net_response *resp,
                             struct awscred_error *err);

/* sigv4.c */
enum awscred_status mod_sigv4_sign(const struct net_sigv4_request *req,
                                   struct net_sigv4_result *out,
                                   struct awscred_error *err);

/* xml.c: expat. */
enum awscred_status mod_xml_parse(const char *text, size_t len,
                                  const char *source, struct net_xml *out,
                                  struct awscred_error *err);

/* dpop.c: OpenSSL EC. */
enum awscred_status mod_dpop_proof(const char *pem, const char *method,
                                   const char *url, int64_t iat, char **out,
                                   struct awscred_error *err);

#pragma GCC visibility pop
#endif /* AWSCRED_NET_MODIMPL_H */
