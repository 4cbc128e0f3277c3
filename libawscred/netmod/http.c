/*
 * http.c: the one HTTP client of libawscred, on libcurl, with the rules of
 * doc/security.md: no signals, connect and total timeouts, a body
 * size cap, http/https only, no redirects, no proxy unless one is given
 * (whatever the environment says), TLS verification always on.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "util/buf.h"
#include "netmod/modimpl.h"

#define USER_AGENT "awscred/" PACKAGE_VERSION

/*
 * curl_global_init runs once, when the dynamic loader maps this module
 * (linked -z nodelete, so once per process), and is never undone. It is
 * only thread-safe when libcurl says so (CURL_VERSION_THREADSAFE, 7.84+);
 * without that, it is still safe here because the module is only loaded
 * by the awscred command and the PAM module's worker process, both
 * single-threaded. Written only here, read-only afterwards.
 */
static CURLcode global_init_result = CURLE_FAILED_INIT;
static bool global_init_threadsafe;

__attribute__((constructor)) static void
http_module_loaded(void)
{
    const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);

    global_init_threadsafe = info != NULL
                             && (info->features & CURL_VERSION_THREADSAFE);
    global_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

enum awscred_status
mod_http_init_status(struct awscred_error *err)
{
    if (global_init_result != CURLE_OK)
        return mod_error(err, AWSCRED_ERR_NETWORK, NULL,
                         "libcurl initialisation failed: %s%s",
                         curl_easy_strerror(global_init_result),
                         global_init_threadsafe ? ""
                                                : " (libcurl without "
                                                  "thread-safe init)");
    return AWSCRED_OK;
}

struct body {
    struct buf b;
    size_t max;
    bool too_large;
};

static size_t
body_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
    struct body *body = arg;
    size_t n = size * nmemb;

    if (body->b.len + n > body->max) {
        body->too_large = true;
        return 0;
    }
    buf_add(&body->b, ptr, n);
    return body->b.failed ? 0 : n;
}

/* Keeps the Date header of the final response. */
static size_t
header_seen(char *line, size_t size, size_t nmemb, void *arg)
{
    int64_t *date = arg;
    size_t n = size * nmemb;
    char value[128];
    size_t vlen;
    time_t t;

    if (n > 5 && strncasecmp(line, "date:", 5) == 0) {
        vlen = n - 5 < sizeof(value) - 1 ? n - 5 : sizeof(value) - 1;
        memcpy(value, line + 5, vlen);
        value[vlen] = '\0';
        t = curl_getdate(value, NULL);
        *date = t == -1 ? -1 : (int64_t) t;
    }
    return n;
}

/* Header lines carry the Authorization and session token. */
static void
slist_free_wiped(struct curl_slist *list)
{
    struct curl_slist *p;

    for (p = list; p != NULL; p = p->next)
        mod_wipe(p->data, strlen(p->data));
    curl_slist_free_all(list);
}

static bool
header_is_safe(const struct net_header *h)
{
    return h->name != NULL && h->value != NULL && h->name[0] != '\0'
           && strpbrk(h->name, "\r\n:") == NULL
           && strpbrk(h->value, "\r\n") == NULL;
}

static enum awscred_status
build_headers(const struct net_request *req, struct curl_slist **out,
              struct awscred_error *err)
{
    struct curl_slist *list = NULL, *next;
    size_t i, len;
    char *line;

    /* No "Expect: 100-continue" round trip. */
    list = curl_slist_append(list, "Expect:");
    for (i = 0; list != NULL && i < req->nheaders; i++) {
        if (!header_is_safe(&req->headers[i])) {
            slist_free_wiped(list);
            return mod_error(err, AWSCRED_ERR_INVALID_ARG, req->url,
                             "invalid HTTP header for %s", req->url);
        }
        len = strlen(req->headers[i].name) + strlen(req->headers[i].value) + 3;
        line = malloc(len);
        if (line == NULL) {
            slist_free_wiped(list);
            list = NULL;
            break;
        }
        snprintf(line, len, "%s: %s", req->headers[i].name,
                 req->headers[i].value);
        next = curl_slist_append(list, line);
        mod_free_secret(line);
        if (next == NULL)
            slist_free_wiped(list);
        list = next;
    }
    if (list == NULL)
        return mod_error(err, AWSCRED_ERR_NOMEM, req->url, "out of memory");
    *out = list;
    return AWSCRED_OK;
}

#define SET(opt, val)                                                       \
    do {                                                                    \
        if (curl_easy_setopt(curl, (opt), (val)) != CURLE_OK)               \
            goto setopt_failed;                                             \
    } while (0)

static enum awscred_status
configure(CURL *curl, const struct net_request *req,
          const struct net_http_limits *limits, struct curl_slist *headers,
          struct body *body, int64_t *date, char *errbuf,
          struct awscred_error *err)
{
    const char *method = req->method != NULL ? req->method : "GET";

    SET(CURLOPT_URL, req->url);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_PROXY, req->proxy != NULL ? req->proxy : "");
    /* The core applied no_proxy already; libcurl must not read it. */
    SET(CURLOPT_NOPROXY, "");
    SET(CURLOPT_SSL_VERIFYPEER, 1L);
    SET(CURLOPT_SSL_VERIFYHOST, 2L);
    if (req->ca_bundle != NULL && req->ca_bundle[0] != '\0')
        SET(CURLOPT_CAINFO, req->ca_bundle);
    SET(CURLOPT_CONNECTTIMEOUT_MS, (long) limits->connect_timeout_ms);
    SET(CURLOPT_TIMEOUT_MS, (long) limits->timeout_ms);
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t) limits->max_response_bytes);
    SET(CURLOPT_USERAGENT, USER_AGENT);
    SET(CURLOPT_HTTPHEADER, headers);
    SET(CURLOPT_WRITEFUNCTION, body_write);
    SET(CURLOPT_WRITEDATA, body);
    SET(CURLOPT_HEADERFUNCTION, header_seen);
    SET(CURLOPT_HEADERDATA, date);
    SET(CURLOPT_ERRORBUFFER, errbuf);
#if LIBCURL_VERSION_NUM >= 0x075700
    /* The threaded resolver's cleanup would wait for a getaddrinfo() that
       outlived the timeout (a stalled resolver: 5 s per try); let the
       thread finish on its own instead (curl 7.87). */
    SET(CURLOPT_QUICK_EXIT, 1L);
#endif
    if (strcmp(method, "GET") != 0) {
        SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) req->body_len);
        SET(CURLOPT_POSTFIELDS, req->body != NULL ? req->body : "");
        if (strcmp(method, "POST") != 0)
            SET(CURLOPT_CUSTOMREQUEST, method);
    }
    return AWSCRED_OK;
setopt_failed:
    return mod_error(err, AWSCRED_ERR_NETWORK, req->url,
                     "cannot configure the HTTP request to %s", req->url);
}

#undef SET

/* botocore's words for transport failures (botocore/exceptions.py). */
static enum awscred_status
transport_error(CURL *curl, CURLcode rc, const struct net_request *req,
                const struct body *body, const char *errbuf,
                struct awscred_error *err)
{
    const char *detail = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    curl_off_t connect_us = 0;

    if (body->too_large || rc == CURLE_FILESIZE_EXCEEDED)
        return mod_error(err, AWSCRED_ERR_NETWORK, req->url,
                         "Response from endpoint URL \"%s\" is larger than "
                         "%zu bytes",
                         req->url, body->max);
    if (body->b.failed)
        return mod_error(err, AWSCRED_ERR_NOMEM, req->url, "out of memory");
    if (rc == CURLE_OPERATION_TIMEDOUT) {
        curl_off_t lookup_us = 0;

        curl_easy_getinfo(curl, CURLINFO_CONNECT_TIME_T, &connect_us);
        curl_easy_getinfo(curl, CURLINFO_NAMELOOKUP_TIME_T, &lookup_us);
        if (lookup_us == 0 && connect_us == 0)
            return mod_error(err, AWSCRED_ERR_TIMEOUT, req->url,
                             "Name lookup timeout on endpoint URL: \"%s\"",
                             req->url);
        return mod_error(err, AWSCRED_ERR_TIMEOUT, req->url,
                         "%s timeout on endpoint URL: \"%s\"",
                         connect_us > 0 ? "Read" : "Connect", req->url);
    }
    if (rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION
        || rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_CERTPROBLEM)
        return mod_error(err, AWSCRED_ERR_NETWORK, req->url,
                         "SSL validation failed for %s %s", req->url, detail);
    if (rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT)
        return mod_error(err, AWSCRED_ERR_NETWORK, req->url,
                         "Invalid endpoint: %s (%s)", req->url, detail);
    return mod_error(err, AWSCRED_ERR_NETWORK, req->url,
                     "Could not connect to the endpoint URL: \"%s\" (%s)",
                     req->url, detail);
}

enum awscred_status
mod_http(const struct net_request *req, const struct net_http_limits *limits,
         struct net_response *resp, struct awscred_error *err)
{
    CURL *curl = NULL;
    struct curl_slist *headers = NULL;
    struct body body = {0};
    char errbuf[CURL_ERROR_SIZE] = "";
    enum awscred_status st;
    CURLcode rc;

    memset(resp, 0, sizeof(*resp));
    resp->date = -1;
    body.max = limits->max_response_bytes;
    st = mod_http_init_status(err);
    if (st != AWSCRED_OK)
        return st;
    curl = curl_easy_init();
    if (curl == NULL)
        return mod_error(err, AWSCRED_ERR_NOMEM, req->url, "out of memory");
    st = build_headers(req, &headers, err);
    if (st == AWSCRED_OK)
        st = configure(curl, req, limits, headers, &body, &resp->date, errbuf,
                       err);
    if (st != AWSCRED_OK)
        goto done;
    rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) {
        st = transport_error(curl, rc, req, &body, errbuf, err);
        goto done;
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp->status);
    if (resp->status >= 300 && resp->status < 400) {
        st = mod_error(err, AWSCRED_ERR_NETWORK, req->url,
                       "Redirect (HTTP %ld) from endpoint URL \"%s\" not "
                       "followed",
                       resp->status, req->url);
        goto done;
    }
    resp->body_len = body.b.len;  /* may hold NUL bytes */
    resp->body = buf_take(&body.b);
    if (resp->body == NULL) {
        st = mod_error(err, AWSCRED_ERR_NOMEM, req->url, "out of memory");
        goto done;
    }
done:
    buf_wipe(&body.b);
    if (st != AWSCRED_OK) {
        resp->status = 0;
        resp->date = -1;
        resp->body_len = 0;
    }
    curl_easy_cleanup(curl);
    slist_free_wiped(headers);
    return st;
}
