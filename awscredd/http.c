/*
 * http.c: the credentials endpoint on loopback, served by libmicrohttpd.
 * A request is answered with credentials only when the kernel's owner of
 * the client socket (peer.c) is the user whose token it carries, and the
 * Host header is the loopback literal this broker listens on: a name
 * ("localhost" or any other) could be rebound by DNS to this address by a
 * web page, so no name is accepted.
 *
 * The answer is the container-credentials document botocore's
 * ContainerProvider reads (botocore/credentials.py, ContainerProvider):
 * AccessKeyId, SecretAccessKey, Token, Expiration, AccountId.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>

#include "awscredd/broker.h"
#include "common/secret.h"

/* Connections at once, and how long an idle one is kept. */
#define HTTP_CONNECTION_LIMIT  512
#define HTTP_IDLE_TIMEOUT_S    10

struct broker_http {
    struct MHD_Daemon *daemon;
    const struct broker_config *cfg;
    struct broker_registry *reg;
    char host[32];              /* the one Host header accepted */
};

static void
wipe_body(void *body)
{
    secret_free(body);
}

static enum MHD_Result
answer(struct MHD_Connection *conn, unsigned int code, char *body)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;

    if (body == NULL)
        return MHD_NO;
    resp = MHD_create_response_from_buffer_with_free_callback(
        strlen(body), body, wipe_body);
    if (resp == NULL) {
        secret_free(body);
        return MHD_NO;
    }
    (void) MHD_add_response_header(resp, "Content-Type", "application/json");
    (void) MHD_add_response_header(resp, "Cache-Control", "no-store");
    ret = MHD_queue_response(conn, code, resp);
    MHD_destroy_response(resp);
    return ret;
}

/* An error document; code and message are constant text. */
static enum MHD_Result
error(struct MHD_Connection *conn, unsigned int status, const char *code,
      const char *message)
{
    char *body = NULL;

    if (asprintf(&body, "{\"code\":\"%s\",\"message\":\"%s\"}", code,
                 message) < 0)
        return MHD_NO;
    return answer(conn, status, body);
}

/* The credentials document. Every value was checked by control.c to hold
   no character JSON would need escaped. */
static char *
document(const struct broker_creds *c)
{
    char expiration[32], *body = NULL;
    time_t t = (time_t) c->expiration;
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL
        || strftime(expiration, sizeof(expiration), "%Y-%m-%dT%H:%M:%SZ", &tm)
               == 0)
        return NULL;
    if (asprintf(&body,
                 "{\"AccessKeyId\":\"%s\",\"SecretAccessKey\":\"%s\","
                 "\"Token\":\"%s\",\"Expiration\":\"%s\"%s%s%s}",
                 c->access_key_id, c->secret_access_key,
                 c->session_token != NULL ? c->session_token : "", expiration,
                 c->account_id != NULL ? ",\"AccountId\":\"" : "",
                 c->account_id != NULL ? c->account_id : "",
                 c->account_id != NULL ? "\"" : "")
        < 0)
        return NULL;
    return body;
}

/* The caller's uid from the kernel, or -1. */
static int
caller_uid(struct MHD_Connection *conn, uid_t *uid)
{
    const union MHD_ConnectionInfo *info;
    struct sockaddr_in client, server;
    socklen_t len = sizeof(server);

    info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL
        || info->client_addr->sa_family != AF_INET)
        return -1;
    memcpy(&client, info->client_addr, sizeof(client));
    info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (info == NULL
        || getsockname(info->connect_fd, (struct sockaddr *) &server, &len)
               < 0
        || server.sin_family != AF_INET)
        return -1;
    return broker_peer_uid(&client, &server, uid);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url,
       const char *method, const char *version, const char *upload_data,
       size_t *upload_data_size, void **state)
{
    struct broker_http *http = cls;
    struct broker_creds creds;
    const char *host, *token;
    uid_t uid;
    enum broker_lookup found;

    (void) version;
    (void) upload_data;
    (void) state;
    if (*upload_data_size != 0)
        return error(conn, MHD_HTTP_BAD_REQUEST, "BadRequest",
                     "a request body is not accepted");
    if (strcmp(method, "GET") != 0)
        return error(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "MethodNotAllowed",
                     "only GET is served");
    host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
    if (host == NULL || strcmp(host, http->host) != 0)
        return error(conn, MHD_HTTP_FORBIDDEN, "InvalidHost",
                     "the Host header must be this broker's address");
    if (strcmp(url, BROKER_URL_PATH) != 0)
        return error(conn, MHD_HTTP_NOT_FOUND, "NotFound", "no such path");
    if (caller_uid(conn, &uid) < 0)
        return error(conn, MHD_HTTP_FORBIDDEN, "UnknownCaller",
                     "the calling process could not be identified");
    token = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                        "Authorization");
    found = broker_registry_lookup(http->reg, uid, token ? token : "",
                                   token ? strlen(token) : 0,
                                   (int64_t) time(NULL), &creds);
    switch (found) {
    case BROKER_LOOKUP_OK:
        break;
    case BROKER_LOOKUP_LIMITED:
        broker_log(LOG_WARNING, "uid %u: too many wrong tokens",
                   (unsigned) uid);
        return error(conn, MHD_HTTP_TOO_MANY_REQUESTS, "TooManyRequests",
                     "too many wrong tokens; wait a minute");
    case BROKER_LOOKUP_EXPIRED:
        return error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "ExpiredToken",
                     "the session's credentials have expired; log in again");
    default:
        broker_log(LOG_NOTICE, "uid %u: a request with a wrong or no token",
                   (unsigned) uid);
        return error(conn, MHD_HTTP_FORBIDDEN, "AccessDenied",
                     "no session of this user holds this token");
    }
    {
        char *body = document(&creds);

        broker_creds_clear(&creds);
        return body != NULL ? answer(conn, MHD_HTTP_OK, body) : MHD_NO;
    }
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[256];

    (void) cls;
    vsnprintf(line, sizeof(line), fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    broker_log(LOG_WARNING, "http: %s", line);
}

struct broker_http *
broker_http_start(const struct broker_config *cfg, struct broker_registry *reg)
{
    struct broker_http *http = calloc(1, sizeof(*http));
    struct sockaddr_in addr = {.sin_family = AF_INET};
    char ip[INET_ADDRSTRLEN];

    if (http == NULL)
        return NULL;
    http->cfg = cfg;
    http->reg = reg;
    addr.sin_addr = cfg->listen_addr;
    addr.sin_port = htons(cfg->port);
    inet_ntop(AF_INET, &cfg->listen_addr, ip, sizeof(ip));
    snprintf(http->host, sizeof(http->host), "%s:%u", ip,
             (unsigned) cfg->port);
    /* Every client is 127.0.0.1, so the per-IP limit is the whole limit;
       the idle timeout frees what a silent client holds. */
    http->daemon = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, cfg->port, NULL,
        NULL, handle, http, MHD_OPTION_SOCK_ADDR, (struct sockaddr *) &addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int) HTTP_CONNECTION_LIMIT,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) HTTP_IDLE_TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) 32768,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL, MHD_OPTION_END);
    if (http->daemon == NULL) {
        free(http);
        return NULL;
    }
    return http;
}

void
broker_http_stop(struct broker_http *http)
{
    if (http == NULL)
        return;
    MHD_stop_daemon(http->daemon);
    free(http);
}
