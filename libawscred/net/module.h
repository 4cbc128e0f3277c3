/*
 * module.h: the interface between the core (net.c) and the network
 * module awscred-net.so, which holds everything that needs libcurl,
 * OpenSSL or expat. The module exports exactly one symbol,
 * NET_MODULE_SYMBOL, a table of functions; the core finds it with dlsym()
 * and checks NET_MODULE_ABI before using it.
 *
 * The module is self-contained: it calls nothing in the core, reads no
 * context and fills struct awscred_error itself. Memory it returns is
 * malloc'd, so the core frees it with free() / secret_free_n().
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_NET_MODULE_H
#define AWSCRED_NET_MODULE_H 1

#include "net/net.h"

#pragma GCC visibility push(hidden)

#define NET_MODULE_SYMBOL "awscred_net_module_v1"
#define NET_MODULE_ABI 2u

/* What the core passes along with a request: the limits it computed. */
struct net_http_limits {
    unsigned connect_timeout_ms;
    unsigned timeout_ms;
    size_t max_response_bytes;
};

struct net_ops {
    unsigned abi;  /* NET_MODULE_ABI */
    /* The result of the module's one-time library initialisation:
       AWSCRED_OK, or an error saying what failed. */
    enum awscred_status (*init_status)(struct awscred_error *err);
    enum awscred_status (*http)(const struct net_request *req,
                                const struct net_http_limits *limits,
                                struct net_response *resp,
                                struct awscred_error *err);
    /* alg: "SHA1" or "SHA256"; out holds 2 * digest size + 1 bytes. */
    int (*digest_hex)(const char *alg, const void *data, size_t len,
                      char *out, size_t out_size);
    enum awscred_status (*sigv4_sign)(const struct net_sigv4_request *req,
                                      struct net_sigv4_result *out,
                                      struct awscred_error *err);
    enum awscred_status (*xml_parse)(const char *text, size_t len,
                                     const char *source, struct net_xml *out,
                                     struct awscred_error *err);
    /* ABI 2: the DPoP proof of net_dpop_proof (net.h). */
    enum awscred_status (*dpop_proof)(const char *pem, const char *method,
                                      const char *url, int64_t iat,
                                      char **out, struct awscred_error *err);
};

#pragma GCC visibility pop
#endif /* AWSCRED_NET_MODULE_H */
