/*
 * broker.h: what the parts of awscredd, the session credential broker,
 * share (man/awscredd.8).
 *
 *   control.c  the control protocol: one request frame from the module
 *              (root only), one answer frame; its parser is fuzzed
 *   registry.c who is logged in: per user a token, the credentials and
 *              the open sessions, all in memory only
 *   refresh.c  a user's credentials resolved again, as the module does at
 *              login, one resolution per user at a time
 *   state.c    the root-only records a restarted broker reloads (no
 *              secret: who, how to resolve, a SHA-256 of the token)
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

/* Below 1024: while the broker is down (a restart, before it starts), no
   user can take the port and answer the sessions' SDKs with credentials
   of her own. */
#define BROKER_DEFAULT_PORT       917
#define BROKER_DEFAULT_SOCKET     "/run/awscred/broker.sock"
#define BROKER_URL_PATH           "/v1/credentials"
#define BROKER_TOKEN_BYTES        32      /* random; sent as 64 hex digits */
#define BROKER_TOKEN_CHARS        (2 * BROKER_TOKEN_BYTES)
#define BROKER_MAX_USERS          4096
#define BROKER_MAX_SESSIONS       65536
#define BROKER_SECRET_MAX_BYTES   128
#define BROKER_FIELD_MAX_BYTES    1024    /* user, profile, tty, rhost ... */
#define BROKER_MAX_ARGS           PAMAWS_BROKER_MAX_ARGS
#define BROKER_WHY_MAX            256
/* HTTP connections at once: enough for every process of 50 users
   waiting for a refresh together (bench/broker.py), 8 KiB each. */
#define BROKER_HTTP_CONNECTIONS   2048
#define BROKER_SAVED_SESSIONS     32      /* session ids in one record */
#define BROKER_STATE_DIR          "sessions"  /* beside control_socket */

struct broker_config {
    struct in_addr listen_addr;     /* loopback only */
    uint16_t port;
    char *control_socket;
    char *state_dir;                /* the saved records; NULL: none */
    int64_t retain_after_close_s;   /* keep a user's token after logout */
    int64_t max_lifetime_s;         /* cap since the first login */
    int64_t refresh_before_s;
};

/* ---- The control protocol (control.c) ---------------------------------- */

enum broker_op { BROKER_OP_OPEN = 1, BROKER_OP_CLOSE, BROKER_OP_SAVED };

/* A parsed request; the strings point into result (wiped by clear). */
struct broker_request {
    struct pamaws_result result;
    enum broker_op op;
    uid_t uid;
    const char *user, *mode, *profile, *files, *service, *rhost, *tty;
    const char *access_key_id, *secret_access_key, *session_token;
    const char *account_id, *region;
    const char *role, *source_identity;  /* system mode's, or NULL */
    int64_t expiration;             /* seconds since the epoch */
    int64_t clock_offset;           /* AWS's clock - ours, seconds */
    /* A role's MFA session (pam_awscred/internal.h, awscredd/mfa.c):
       access_key_id NULL when the login has none */
    struct {
        const char *access_key_id, *secret_access_key, *session_token;
        int64_t expiration;
    } mfa_session;
    uint64_t session;               /* close_session: the id open gave */
    const char *argv[BROKER_MAX_ARGS];  /* the module's options (arg.N) */
    size_t argc;
    /* A saved record's (state.c). */
    char token_sha256[BROKER_TOKEN_CHARS + 1];
    int64_t first_open, last_close;
    uint64_t saved[BROKER_SAVED_SESSIONS];
    size_t nsaved;
};

/* Parses and checks one request frame. 0, or -1 with why. */
int broker_request_parse(const char *buf, size_t len,
                         struct broker_request *req, char *why, size_t size);
void broker_request_clear(struct broker_request *req);

/* ---- The registry (registry.c) ------------------------------------------ */

/* The credentials one HTTP answer carries; secrets wiped by clear.
   expiration is in local-clock terms (broker_local_expiry). */
struct broker_creds {
    char *access_key_id, *secret_access_key, *session_token, *account_id;
    int64_t expiration;
};

/* An expiry by AWS's clock moved into ours by the module's measured
   offset (AWS's clock - ours), so that an SDK on this host's drifted
   clock refreshes in time. */
#define BROKER_MAX_OFFSET_S (24 * 3600)
static inline int64_t
broker_local_expiry(int64_t expiration, int64_t clock_offset)
{
    return expiration - clock_offset;
}

/* How to resolve a user's credentials again: the newest login's who and
   where, and the module's options (the configuration file they name is
   read again, as at login). No secret. */
struct broker_record {
    char *user, *service, *rhost, *tty, *profile;
    uid_t uid;
    char *argv[BROKER_MAX_ARGS];
    size_t argc;
};

void broker_record_clear(struct broker_record *rec);

struct broker_registry;

/* Starts resolving rec again (refresh.c), from the login's MFA session
   when it has one (awscredd/mfa.c); owns rec and mfa_session (wiped),
   and ends with broker_registry_refreshed(). */
typedef void broker_refresh_fn(struct broker_registry *reg,
                               struct broker_record *rec,
                               struct broker_creds *mfa_session);

struct broker_registry *broker_registry_new(const struct broker_config *cfg);
/* Refresh lazily with fn: without one, credentials only come from logins. */
void broker_registry_set_refresh(struct broker_registry *reg,
                                 broker_refresh_fn *fn);
/* The end of a refresh of uid: fresh credentials (copied), or NULL and
   why it failed (the CLI's words, answered once the old ones expire).
   Whether the registry kept fresh: not when uid logged out meanwhile. */
bool broker_registry_refreshed(struct broker_registry *reg, uid_t uid,
                               const struct broker_creds *fresh,
                               const char *why, int64_t now);
/* Why uid has no valid credentials: the last refresh's failure, or ""
   while one is running. Whether one is running. */
bool broker_registry_why(struct broker_registry *reg, uid_t uid, char *why,
                         size_t size);
/* Called with uid after each refresh of uid ends (http.c wakes the
   requests waiting for it). */
typedef void broker_refreshed_fn(void *arg, uid_t uid);
void broker_registry_set_notify(struct broker_registry *reg,
                                broker_refreshed_fn *fn, void *arg);
void broker_registry_free(struct broker_registry *reg);
/* A user from a saved record (op saved_session): its token known by its
   hash only, no credentials until the first request resolves them. 0, or
   -1 with why. */
int broker_registry_restore(struct broker_registry *reg,
                            const struct broker_request *saved, char *why,
                            size_t size);
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

/* ---- Saved records (state.c) ---------------------------------------- */

/* What a record holds; no secret. */
struct broker_saved {
    const struct broker_record *rec;
    const char *token_sha256;
    int64_t first_open, last_close;
    const uint64_t *ids;
    size_t nids;
};

/* Makes dir (0700 root) or checks it is. 0, or -1 with why. */
int broker_state_open(const char *dir, char *why, size_t size);
/* Replaces uid's record (written aside, then renamed). 0 or -1. */
int broker_state_save(const char *dir, const struct broker_saved *saved);
void broker_state_remove(const char *dir, uid_t uid);
/* Restores every record of dir into reg; one that is not root's, is
   readable by others or does not parse is ignored and told to ignored.
   How many were restored. */
typedef void broker_ignored_fn(const char *name, const char *why);
size_t broker_state_load(const char *dir, struct broker_registry *reg,
                         broker_ignored_fn *ignored);

/* ---- The kernel's word on a client (peer.c) ---------------------------- */

/* The owner uid of the TCP socket client→server. 0, or -1 with errno. */
int broker_peer_uid(const struct sockaddr_in *client,
                    const struct sockaddr_in *server, uid_t *uid);

/* ---- Refresh (refresh.c) ---------------------------------------------- */

broker_refresh_fn broker_refresh_start;
/* Waits up to ms for the running refreshes to end (at shutdown, before the
   registry they report to is freed). Whether none runs. */
bool broker_refresh_drain(long ms);

/* ---- HTTP (http.c) ----------------------------------------------------- */

struct broker_http;

struct broker_http *broker_http_start(const struct broker_config *cfg,
                                      struct broker_registry *reg);
void broker_http_stop(struct broker_http *http);

/* ---- Logging (main.c): stderr in the foreground, and syslog ------------ */

void broker_log(int priority, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The LOG_INFO line of the credential set req registered as session, in
   the module's format (pam_awscred/audit.c) with broker=issued; a
   refresh's line is the module's own, from the resolution, logged once
   the registry kept the set (refresh.c). */
void broker_log_issued(const struct broker_request *req, uint64_t session);

#endif /* AWSCRED_BROKER_H */
