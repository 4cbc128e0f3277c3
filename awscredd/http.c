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
 * A request that finds no valid credentials while its user's refresh runs
 * (the first request after a restart, or after they ran out) is suspended
 * until the refresh ends, at most HTTP_REFRESH_WAIT_MS, and answered then:
 * an SDK's retry would only find the same refresh still running.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>

#include "awscredd/broker.h"
#include "common/secret.h"

/* Connections at once, per uid (all clients are 127.0.0.1, so libmicro-
   httpd's per-IP limit would be the whole limit), and how long an idle one
   is kept. */
#define HTTP_CONNECTION_LIMIT  BROKER_HTTP_CONNECTIONS
#define HTTP_PER_UID_LIMIT     32
#define HTTP_IDLE_TIMEOUT_S    10
/* Each connection's buffer for its request and headers: a GET with a
   64-digit token fits many times over, and 1000 connections waiting at
   once stay a few MiB (the RSS goal, bench/broker.py). */
#define HTTP_CONNECTION_MEMORY 8192
/* A refresh is the worker's run, bounded by its timeout (options.c,
   timeout=, 5 s by default) and the start of a thread. */
#define HTTP_REFRESH_WAIT_MS   10000

/* A request suspended until uid's refresh ends or the deadline. */
struct waiter {
    struct MHD_Connection *conn;
    uid_t uid;
    struct timespec deadline;       /* CLOCK_MONOTONIC */
    bool wake;
};

struct uid_count {
    uid_t uid;
    unsigned n;
};

struct broker_http {
    struct MHD_Daemon *daemon;
    const struct broker_config *cfg;
    struct broker_registry *reg;
    char host[32];              /* the one Host header accepted */
    pthread_mutex_t lock;       /* guards what follows */
    struct uid_count open[HTTP_CONNECTION_LIMIT];
    size_t nopen;
    /* The uid the accept policy found, for the connection it admitted. */
    struct sockaddr_in admitted;
    uid_t admitted_uid;
    /* The suspended requests, and the thread that resumes them. */
    struct waiter waiting[HTTP_CONNECTION_LIMIT];
    size_t nwaiting;
    pthread_cond_t wakeup;
    pthread_t resumer;
    bool stopping;
};

/* Marks a request that waited once: its second run answers. */
static char waited;

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

/* An error document; code and message hold nothing JSON escapes. */
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

/* Copies text into out as the inside of a JSON string. */
static void
json_text(const char *text, char *out, size_t size)
{
    size_t o = 0;

    for (; *text != '\0' && o + 7 < size; text++) {
        unsigned char c = (unsigned char) *text;

        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char) c;
        } else if (c < 0x20) {
            o += (size_t) snprintf(out + o, size - o, "\\u%04x", c);
        } else {
            out[o++] = (char) c;
        }
    }
    out[o] = '\0';
}

static void
deadline_after(struct timespec *t, long ms)
{
    clock_gettime(CLOCK_MONOTONIC, t);
    t->tv_sec += ms / 1000;
    t->tv_nsec += (ms % 1000) * 1000000;
    if (t->tv_nsec >= 1000000000) {
        t->tv_sec++;
        t->tv_nsec -= 1000000000;
    }
}

static bool
passed(const struct timespec *deadline, const struct timespec *now)
{
    return now->tv_sec > deadline->tv_sec
           || (now->tv_sec == deadline->tv_sec
               && now->tv_nsec >= deadline->tv_nsec);
}

/* Suspends conn until uid's refresh ends; whether it was. */
static bool
wait_for_refresh(struct broker_http *http, struct MHD_Connection *conn,
                 uid_t uid)
{
    struct waiter *w;
    char why[BROKER_WHY_MAX];

    pthread_mutex_lock(&http->lock);
    if (http->stopping || http->nwaiting >= HTTP_CONNECTION_LIMIT) {
        pthread_mutex_unlock(&http->lock);
        return false;
    }
    MHD_suspend_connection(conn);
    w = &http->waiting[http->nwaiting++];
    w->conn = conn;
    w->uid = uid;
    deadline_after(&w->deadline, HTTP_REFRESH_WAIT_MS);
    /* The refresh may have ended (and told refreshed()) before this
       request was listed. The registry's lock is taken under this one,
       never the other way round (registry.c notifies unlocked). */
    w->wake = !broker_registry_why(http->reg, uid, why, sizeof(why));
    if (w->wake)
        pthread_cond_signal(&http->wakeup);
    pthread_mutex_unlock(&http->lock);
    return true;
}

/* The end of uid's refresh (registry.c): its waiting requests go on. */
static void
refreshed(void *arg, uid_t uid)
{
    struct broker_http *http = arg;
    size_t i;

    pthread_mutex_lock(&http->lock);
    for (i = 0; i < http->nwaiting; i++)
        if (http->waiting[i].uid == uid)
            http->waiting[i].wake = true;
    pthread_cond_signal(&http->wakeup);
    pthread_mutex_unlock(&http->lock);
}

/* Resumes the requests whose refresh ended or whose wait ran out; all of
   them at the stop. MHD_resume_connection runs outside http->lock, which
   libmicrohttpd's own thread takes in notify(). */
static void *
resumer(void *arg)
{
    struct broker_http *http = arg;
    struct MHD_Connection *ready[HTTP_CONNECTION_LIMIT];
    struct timespec now, next;
    size_t i, n;
    bool stop;

    do {
        pthread_mutex_lock(&http->lock);
        clock_gettime(CLOCK_MONOTONIC, &now);
        deadline_after(&next, 1000);
        stop = http->stopping;
        for (i = 0, n = 0; i < http->nwaiting;) {
            struct waiter *w = &http->waiting[i];

            if (w->wake || stop || passed(&w->deadline, &now)) {
                ready[n++] = w->conn;
                *w = http->waiting[--http->nwaiting];
                continue;
            }
            if (passed(&w->deadline, &next))
                next = w->deadline;
            i++;
        }
        if (n == 0 && !stop)
            (void) pthread_cond_timedwait(&http->wakeup, &http->lock,
                                          &next);
        pthread_mutex_unlock(&http->lock);
        for (i = 0; i < n; i++)
            MHD_resume_connection(ready[i]);
    } while (!stop);
    return NULL;
}

/* No valid credentials: the last refresh's failure in the CLI's words, or
   a refresh still running. */
static enum MHD_Result
expired(struct broker_http *http, struct MHD_Connection *conn, uid_t uid,
        void **state)
{
    char why[BROKER_WHY_MAX], text[6 * BROKER_WHY_MAX + 1];
    bool running = broker_registry_why(http->reg, uid, why, sizeof(why));

    if (running && *state == NULL && wait_for_refresh(http, conn, uid)) {
        *state = &waited;
        return MHD_YES;
    }
    if (why[0] == '\0')
        return error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "Refreshing",
                     "the session's credentials expired and are being"
                     " refreshed; retry in a few seconds");
    json_text(why, text, sizeof(text));
    return error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "RefreshFailed", text);
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

/* The client address of conn, or -1. */
static int
client_address(struct MHD_Connection *conn, struct sockaddr_in *client)
{
    const union MHD_ConnectionInfo *info;

    info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL
        || info->client_addr->sa_family != AF_INET)
        return -1;
    memcpy(client, info->client_addr, sizeof(*client));
    return 0;
}

/* The caller's uid from the kernel, or -1: the one the accept policy
   asked for this connection (notify keeps it in the socket context; the
   kernel's owner of a socket never changes, even when its descriptor is
   passed on), else asked now. */
static int
caller_uid(struct MHD_Connection *conn, uid_t *uid)
{
    const union MHD_ConnectionInfo *info;
    struct sockaddr_in client, server;
    socklen_t len = sizeof(server);

    info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    if (info != NULL && info->socket_context != NULL) {
        *uid = (uid_t) ((uintptr_t) info->socket_context - 1);
        return 0;
    }
    if (client_address(conn, &client) < 0)
        return -1;
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
        return expired(http, conn, uid, state);
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

static struct uid_count *
uid_slot(struct broker_http *http, uid_t uid, bool add)
{
    size_t i;

    for (i = 0; i < http->nopen; i++)
        if (http->open[i].uid == uid)
            return &http->open[i];
    if (!add || http->nopen >= HTTP_CONNECTION_LIMIT)
        return NULL;
    http->open[http->nopen].uid = uid;
    http->open[http->nopen].n = 0;
    return &http->open[http->nopen++];
}

/* Admits a connection while its uid holds fewer than HTTP_PER_UID_LIMIT,
   so one user's idle connections cannot starve the others. */
static enum MHD_Result
accept_policy(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    struct broker_http *http = cls;
    struct sockaddr_in client, server = {.sin_family = AF_INET};
    struct uid_count *slot;
    enum MHD_Result admit = MHD_NO;
    uid_t uid;

    if (addr->sa_family != AF_INET || addrlen < sizeof(client))
        return MHD_NO;
    memcpy(&client, addr, sizeof(client));
    server.sin_addr = http->cfg->listen_addr;
    server.sin_port = htons(http->cfg->port);
    if (broker_peer_uid(&client, &server, &uid) < 0)
        return MHD_NO;
    pthread_mutex_lock(&http->lock);
    slot = uid_slot(http, uid, false);
    if (slot == NULL || slot->n < HTTP_PER_UID_LIMIT) {
        http->admitted = client;
        http->admitted_uid = uid;
        admit = MHD_YES;
    }
    pthread_mutex_unlock(&http->lock);
    if (admit == MHD_NO)
        broker_log(LOG_WARNING, "uid %u: over %d connections, refused",
                   (unsigned) uid, HTTP_PER_UID_LIMIT);
    return admit;
}

/* Counts a uid's connections from start to close; the uid rides in the
   socket context, offset by one so that NULL means "not counted". */
static void
notify(void *cls, struct MHD_Connection *conn, void **context,
       enum MHD_ConnectionNotificationCode code)
{
    struct broker_http *http = cls;
    struct sockaddr_in client;
    struct uid_count *slot;
    uid_t uid;

    pthread_mutex_lock(&http->lock);
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        if (client_address(conn, &client) == 0
            && client.sin_port == http->admitted.sin_port
            && client.sin_addr.s_addr == http->admitted.sin_addr.s_addr
            && (slot = uid_slot(http, http->admitted_uid, true)) != NULL) {
            slot->n++;
            *context = (void *) ((uintptr_t) http->admitted_uid + 1);
        }
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *context != NULL) {
        uid = (uid_t) ((uintptr_t) *context - 1);
        if ((slot = uid_slot(http, uid, false)) != NULL && --slot->n == 0)
            *slot = http->open[--http->nopen];
        *context = NULL;
    }
    pthread_mutex_unlock(&http->lock);
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
    if (pthread_mutex_init(&http->lock, NULL) != 0) {
        free(http);
        return NULL;
    }
    {
        pthread_condattr_t attr;

        if (pthread_condattr_init(&attr) != 0
            || pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0
            || pthread_cond_init(&http->wakeup, &attr) != 0) {
            pthread_mutex_destroy(&http->lock);
            free(http);
            return NULL;
        }
        pthread_condattr_destroy(&attr);
    }
    http->cfg = cfg;
    http->reg = reg;
    addr.sin_addr = cfg->listen_addr;
    addr.sin_port = htons(cfg->port);
    inet_ntop(AF_INET, &cfg->listen_addr, ip, sizeof(ip));
    snprintf(http->host, sizeof(http->host), "%s:%u", ip,
             (unsigned) cfg->port);
    /* One polling thread: the accept policy and the start notification of
       a connection run back to back in it. */
    http->daemon = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG
            | MHD_ALLOW_SUSPEND_RESUME,
        cfg->port,
        accept_policy, http, handle, http, MHD_OPTION_EXTERNAL_LOGGER,
        mhd_log, NULL, MHD_OPTION_SOCK_ADDR,
        (struct sockaddr *) &addr, MHD_OPTION_NOTIFY_CONNECTION, notify, http,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int) HTTP_CONNECTION_LIMIT,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) HTTP_IDLE_TIMEOUT_S,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t) HTTP_CONNECTION_MEMORY,
        MHD_OPTION_END);
    if (http->daemon != NULL
        && pthread_create(&http->resumer, NULL, resumer, http) != 0) {
        MHD_stop_daemon(http->daemon);
        http->daemon = NULL;
    }
    if (http->daemon == NULL) {
        pthread_cond_destroy(&http->wakeup);
        pthread_mutex_destroy(&http->lock);
        free(http);
        return NULL;
    }
    broker_registry_set_notify(reg, refreshed, http);
    return http;
}

void
broker_http_stop(struct broker_http *http)
{
    if (http == NULL)
        return;
    broker_registry_set_notify(http->reg, NULL, NULL);
    pthread_mutex_lock(&http->lock);
    http->stopping = true;
    pthread_cond_signal(&http->wakeup);
    pthread_mutex_unlock(&http->lock);
    (void) pthread_join(http->resumer, NULL);
    MHD_stop_daemon(http->daemon);
    pthread_cond_destroy(&http->wakeup);
    pthread_mutex_destroy(&http->lock);
    free(http);
}
