/*
 * net.c: the core's side of the network layer. Loads awscred-net.so on
 * first use (so resolutions that never touch the network never map
 * libcurl, OpenSSL or expat), applies the context's switches, deadline and
 * limits, counts requests and hands each response's Date header to the
 * clock code.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "net/module.h"
#include "net/net.h"

#define DEFAULT_NET_MODULE PKGLIBDIR "/awscred-net.so"
#define DEFAULT_CONNECT_TIMEOUT_MS 1000u
#define DEFAULT_TIMEOUT_MS 5000u

enum awscred_status
net_load(struct awscred_context *ctx, struct awscred_error *err)
{
    const char *path = ctx->net_module_path != NULL ? ctx->net_module_path
                                                     : DEFAULT_NET_MODULE;
    const struct net_ops *ops;
    const char *why;
    void *handle;

    if (ctx->net != NULL)
        return AWSCRED_OK;
    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        why = dlerror();
        return error_set(err, AWSCRED_ERR_UNSUPPORTED, NULL, path,
                         "Cannot load the network module %s: %s", path,
                         why != NULL ? why : "unknown error");
    }
    ops = dlsym(handle, NET_MODULE_SYMBOL);
    if (ops == NULL || ops->abi != NET_MODULE_ABI) {
        dlclose(handle);
        return error_set(err, AWSCRED_ERR_UNSUPPORTED, NULL, path,
                         "The network module %s is not compatible with "
                         "this libawscred",
                         path);
    }
    if (ops->init_status(err) != AWSCRED_OK) {
        dlclose(handle);
        return err != NULL ? err->status : AWSCRED_ERR_NETWORK;
    }
    ctx->net_handle = handle;
    ctx->net = ops;
    return AWSCRED_OK;
}

/* The module for a network call: refused under AWSCRED_FLAG_NO_NETWORK. */
static enum awscred_status
net_for_request(struct awscred_context *ctx, const char *url,
                struct awscred_error *err)
{
    if (ctx->flags & AWSCRED_FLAG_NO_NETWORK)
        return error_set(err, AWSCRED_ERR_UNSUPPORTED, NULL, url,
                         "Network access is disabled; cannot reach %s", url);
    return net_load(ctx, err);
}

static unsigned
cap_ms(unsigned wanted, unsigned dflt, int64_t left)
{
    unsigned ms = wanted != 0 ? wanted : dflt;

    return (int64_t) ms > left ? (unsigned) left : ms;
}

/* ---- Proxies (botocore's get_environ_proxies, urllib's rules) ---------- */

/* getproxies_environment: the lower-case variable wins, even empty (then
   none); the upper-case one counts when not empty, HTTP_PROXY not in a
   CGI request. */
static const char *
proxy_env(const struct awscred_context *ctx, const char *lower,
          const char *upper)
{
    const char *v = ctx_getenv(ctx, lower);

    if (v != NULL)
        return v[0] != '\0' ? v : NULL;
    if (strcmp(upper, "HTTP_PROXY") == 0
        && ctx_getenv(ctx, "REQUEST_METHOD") != NULL)
        return NULL;
    return ctx_getenv_nonempty(ctx, upper);
}

/* proxy_bypass_environment: "*", or a name equal to the host or a
   domain it is in (leading dots ignored, any case). */
static bool
proxy_bypassed(const char *no_proxy, const char *host)
{
    size_t hlen = strlen(host), n;
    const char *name;

    if (strcmp(no_proxy, "*") == 0)
        return true;
    for (const char *p = no_proxy; *p != '\0'; p += n + (p[n] == ',')) {
        n = strcspn(p, ",");
        name = p;
        size_t len = n;

        while (len > 0 && (*name == ' ' || *name == '\t')) {
            name++;
            len--;
        }
        while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
            len--;
        while (len > 0 && *name == '.') {
            name++;
            len--;
        }
        if (len == 0 || len > hlen)
            continue;
        if (strncasecmp(host + hlen - len, name, len) == 0
            && (len == hlen || host[hlen - len - 1] == '.'))
            return true;
    }
    return false;
}

/* The proxy for url, with botocore's _fix_proxy_url (malloc'd; NULL for
   none, or when out of memory: then no proxy, which fails closed for a
   network that needs one). */
static char *
proxy_for(const struct awscred_context *ctx, const char *url)
{
    char scheme[16], host[256];
    const char *proxy, *no_proxy;

    if (!(ctx->flags & AWSCRED_FLAG_ENV_PROXIES)
        || !url_parts(url, scheme, sizeof(scheme), host, sizeof(host)))
        return NULL;
    if (strcmp(scheme, "https") == 0)
        proxy = proxy_env(ctx, "https_proxy", "HTTPS_PROXY");
    else if (strcmp(scheme, "http") == 0)
        proxy = proxy_env(ctx, "http_proxy", "HTTP_PROXY");
    else
        proxy = NULL;
    no_proxy = proxy_env(ctx, "no_proxy", "NO_PROXY");
    if (proxy == NULL || (no_proxy != NULL && proxy_bypassed(no_proxy, host)))
        return NULL;
    if (strncmp(proxy, "http:", 5) == 0 || strncmp(proxy, "https:", 6) == 0)
        return xstrdup(proxy);
    return xasprintf("%s%s", strncmp(proxy, "//", 2) == 0 ? "http:"
                                                            : "http://",
                     proxy);
}

enum awscred_status
net_http(struct awscred_context *ctx, const struct net_request *in,
         struct net_response *resp, struct awscred_error *err)
{
    struct net_http_limits limits;
    struct net_request proxied = *in, *req = &proxied;
    char *proxy = NULL;
    int64_t left, sent_ms, start_mono;
    enum awscred_status st;

    memset(resp, 0, sizeof(*resp));
    resp->date = -1;
    st = net_for_request(ctx, req->url, err);
    if (st != AWSCRED_OK)
        return st;
    left = ctx_time_left_ms(ctx);
    if (left <= 0)
        return error_set(err, AWSCRED_ERR_TIMEOUT, NULL, req->url,
                         "Time budget exhausted before calling endpoint "
                         "URL: \"%s\"",
                         req->url);
    limits.timeout_ms = cap_ms(req->timeout_ms, DEFAULT_TIMEOUT_MS, left);
    limits.connect_timeout_ms = cap_ms(req->connect_timeout_ms,
                                       DEFAULT_CONNECT_TIMEOUT_MS,
                                       limits.timeout_ms);
    limits.max_response_bytes = ctx->limits.max_response_bytes;

    /* The proxy is the context's decision, never the caller's. */
    proxy = req->direct ? NULL : proxy_for(ctx, req->url);
    proxied.proxy = proxy != NULL ? proxy : "";
    ctx->http_requests++;
    sent_ms = ctx_now_ms(ctx);
    start_mono = ctx_monotonic_ms(ctx);
    st = ctx->net->http(req, &limits, resp, err);
    secret_free(proxy);
    if (st == AWSCRED_OK && resp->date >= 0)
        clock_note_http(ctx, resp->date, sent_ms,
                        ctx_monotonic_ms(ctx) - start_mono, req->url);
    return st;
}

void
net_response_free(struct net_response *resp)
{
    if (resp == NULL)
        return;
    if (resp->body != NULL)
        secret_free_n(resp->body, resp->body_len + 1);
    memset(resp, 0, sizeof(*resp));
    resp->date = -1;
}

enum awscred_status
net_sigv4_sign(struct awscred_context *ctx, const struct net_sigv4_request *req,
               struct net_sigv4_result *out, struct awscred_error *err)
{
    enum awscred_status st = net_load(ctx, err);

    memset(out, 0, sizeof(*out));
    if (st != AWSCRED_OK)
        return st;
    return ctx->net->sigv4_sign(req, out, err);
}

void
net_sigv4_result_free(struct net_sigv4_result *res)
{
    if (res == NULL)
        return;
    secret_free(res->authorization);
    secret_free(res->canonical_request);
    secret_free(res->string_to_sign);
    secret_wipe(res, sizeof(*res));
}

enum awscred_status
net_dpop_proof(struct awscred_context *ctx, const char *pem,
               const char *method, const char *url, int64_t iat, char **out,
               struct awscred_error *err)
{
    enum awscred_status st = net_load(ctx, err);

    *out = NULL;
    if (st != AWSCRED_OK)
        return st;
    return ctx->net->dpop_proof(pem, method, url, iat, out, err);
}

enum awscred_status
net_xml_parse(struct awscred_context *ctx, const char *text, size_t len,
              const char *source, struct net_xml *out,
              struct awscred_error *err)
{
    enum awscred_status st = net_load(ctx, err);

    memset(out, 0, sizeof(*out));
    if (st != AWSCRED_OK)
        return st;
    return ctx->net->xml_parse(text, len, source, out, err);
}

const char *
net_xml_find(const struct net_xml *xml, const char *suffix)
{
    size_t i, plen, slen = strlen(suffix);
    const char *path;

    for (i = 0; i < xml->count; i++) {
        path = xml->leaves[i].path;
        plen = strlen(path);
        if (plen == slen && strcmp(path, suffix) == 0)
            return xml->leaves[i].text;
        if (plen > slen && path[plen - slen - 1] == '/'
            && strcmp(path + plen - slen, suffix) == 0)
            return xml->leaves[i].text;
    }
    return NULL;
}

void
net_xml_free(struct net_xml *xml)
{
    size_t i;

    if (xml == NULL)
        return;
    for (i = 0; xml->leaves != NULL && i < xml->count; i++) {
        free(xml->leaves[i].path);
        secret_free(xml->leaves[i].text);
    }
    free(xml->leaves);
    xml->leaves = NULL;
    xml->count = 0;
}
