/*
 * net.h: the network layer. Everything that needs libcurl, OpenSSL or
 * expat lives in the module awscred-net.so, which the core loads with
 * dlopen() on the first call below, so a static-key resolution (and any
 * process that only links libawscred) never maps them.
 *
 * Core code calls only the net_* functions declared here; they load the
 * module, apply the context's deadline and limits, record the clock
 * reading from each response's Date header, and count requests.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_NET_H
#define AWSCRED_NET_H 1

#include "internal.h"

#pragma GCC visibility push(hidden)

struct net_header {
    const char *name;
    const char *value;
};

struct net_request {
    const char *method;              /* "GET", "PUT", "POST" */
    const char *url;
    const struct net_header *headers;
    size_t nheaders;
    const char *body;                /* may be NULL */
    size_t body_len;
    unsigned connect_timeout_ms;     /* 0: 1000 */
    unsigned timeout_ms;             /* 0: 5000; capped by the deadline */
    const char *ca_bundle;           /* NULL: the system store */
    const char *proxy;               /* NULL or "": no proxy, whatever
                                        the environment says */
    const char *endpoint_label;      /* for messages, e.g. "STS endpoint" */
};

struct net_response {
    long status;                     /* HTTP status */
    char *body;                      /* NUL-terminated; wiped on free */
    size_t body_len;
    int64_t date;                    /* Date header, epoch seconds; -1 */
};

/*
 * Performs one request. A transport failure (DNS, connect, TLS, timeout,
 * a body over the context's max_response_bytes, a redirect) returns
 * AWSCRED_ERR_NETWORK / AWSCRED_ERR_TIMEOUT naming the endpoint; any HTTP
 * status returns AWSCRED_OK with resp->status set.
 */
enum awscred_status net_http(struct awscred_context *ctx,
                             const struct net_request *req,
                             struct net_response *resp,
                             struct awscred_error *err);
void net_response_free(struct net_response *resp);

/* Lower-case hex SHA-1 / SHA-256 of data (out: 41 / 65 bytes). */
enum awscred_status net_sha1_hex(struct awscred_context *ctx, const void *data,
                                 size_t len, char out[41],
                                 struct awscred_error *err);

#pragma GCC visibility pop
#endif /* AWSCRED_NET_H */
