/*
 * broker.h: what the parts of awscredd, the session credential broker,
 * share (man/awscredd.8).
 *
 *   control.c  the control protocol: one request frame from the module
 *              (root only), one answer frame; its parser is fuzzed
 *   registry.c who is logged in: per user a token, the credentials and
 *              the open sessions, all in memory only
 *   peer.c     the uid that owns a loopback TCP client socket, from the
 *              kernel (NETLINK_SOCK_DIAG, inet_diag)
 *   http.c     the loopback credentials endpoint (libmicrohttpd)
 *   main.c     configuration, sockets, the main loop
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_BROKER_H
#define AWSCRED_BROKER_H 1

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "pam_awscred/internal.h"

#define BROKER_DEFAULT_PORT       9917
#define BROKER_DEFAULT_SOCKET     "/run/awscred/broker.sock"
#define BROKER_URL_PATH           "/v1/credentials"
#define BROKER_TOKEN_BYTES        32      /* random; sent as 64 hex digits */
#define BROKER_TOKEN_CHARS        (2 * BROKER_TOKEN_BYTES)
#define BROKER_MAX_USERS          4096
#define BROKER_MAX_SESSIONS       65536
#define BROKER_SECRET_MAX_BYTES   128
#define BROKER_FIELD_MAX_BYTES    1024    /* user, profile, tty, rhost ... */

struct broker_config {
    struct in_addr listen_addr;     /* loopback only */
    uint16_t port;
    char *control_socket;
    int64_t retain_after_close_s;   /* keep a user's token after logout */
    int64_t max_lifetime_s;         /* cap since the first login */
    int64_t refresh_before_s;
};

/* ---- The control protocol (control.c) ---------------------------------- */

enum broker_op { BROKER_OP_OPEN = 1, BROKER_OP_CLOSE };

/* A parsed request; the strings point into result (wiped by clear). */
struct broker_request {
    struct pamaws_result result;
    enum broker_op op;
    uid_t uid;
    const char *user, *mode, *profile, *files, *service, *rhost, *tty;
    const char *access_key_id, *secret_access_key, *session_token;
    const char *account_id, *region;
    int64_t expiration;             /* seconds since the epoch */
    uint64_t session;               /* close_session: the id open gave */
};

/* Parses and checks one request frame. 0, or -1 with why. */
int broker_request_parse(const char *buf, size_t len,
                         struct broker_request *req, char *why, size_t size);
void broker_request_clear(struct broker_request *req);

/* ---- The registry (registry.c) ------------------------------------------ */

/* The credentials one HTTP answer carries; secrets wiped by clear. */
struct broker_creds {
    char *access_key_id, *secret_access_key, *session_token, *account_id;
    int64_t expiration;
};

struct broker_registry;

struct broker_registry *broker_registry_new(const struct broker_config *cfg);
void broker_registry_free(struct broker_registry *reg);
/* Registers a session; fills token (BROKER_TOKEN_CHARS + 1) and *session.
   0, or -1 with why. */
int broker_registry_open(struct broker_registry *reg,
                         const struct broker_request *req, int64_t now,
                         char *token, uint64_t *session, char *why,
                         size_t size);
int broker_registry_close(struct broker_registry *reg, uid_t uid,
                          uint64_t session, int64_t now);
/* Forgets users whose last session closed longer ago than retained, or
   past max_lifetime. */
void broker_registry_expire(struct broker_registry *reg, int64_t now);

enum broker_lookup {
    BROKER_LOOKUP_OK = 0,
    BROKER_LOOKUP_DENIED,           /* no such user or a wrong token */
    BROKER_LOOKUP_LIMITED,          /* too many wrong tokens: wait */
    BROKER_LOOKUP_EXPIRED,          /* the credentials ran out */
};

/* The credentials of uid if token (of len bytes) is its token, compared in
   constant time. Wrong tokens count against uid's rate limit. */
enum broker_lookup broker_registry_lookup(struct broker_registry *reg,
                                          uid_t uid, const char *token,
                                          size_t len, int64_t now,
                                          struct broker_creds *out);
void broker_creds_clear(struct broker_creds *creds);

/* ---- The kernel's word on a client (peer.c) ---------------------------- */

/* The owner uid of the TCP socket client→server. 0, or -1 with errno. */
int broker_peer_uid(const struct sockaddr_in *client,
                    const struct sockaddr_in *server, uid_t *uid);

/* ---- HTTP (http.c) ----------------------------------------------------- */

struct broker_http;

struct broker_http *broker_http_start(const struct broker_config *cfg,
                                      struct broker_registry *reg);
void broker_http_stop(struct broker_http *http);

/* ---- Logging (main.c): stderr in the foreground, and syslog ------------ */

void broker_log(int priority, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif /* AWSCRED_BROKER_H */
