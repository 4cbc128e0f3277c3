/*
 * deliver.c: deliver=endpoint, the module's side of awscredd
 * (man/awscredd.8). The login's credentials go to the broker over its
 * control socket; the session gets AWS_CONTAINER_CREDENTIALS_FULL_URI and
 * AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE instead of the keys.
 *
 * The token file is <dir of broker_socket>/users/<uid>/token. Root makes
 * only the directories: users/ root's and 0755, users/<uid> the user's
 * and 0700 (mkdir, then fchown through an O_NOFOLLOW descriptor). The
 * file itself is written by the worker running as the user
 * (awscred-worker --write-token, through the process runner), so root
 * never writes in a directory the user owns.
 *
 * Bounded: one connection, 2 s per read or write, one answer frame.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "common/fdio.h"
#include "common/runner.h"
#include "pam_awscred/internal.h"

#define BROKER_IO_TIMEOUT_S 2
#define BROKER_TOKEN_CHARS  64

static const char *
broker_socket(const struct pamaws_args *args)
{
    return args->config.broker_socket != NULL ? args->config.broker_socket
                                              : PAMAWS_DEFAULT_BROKER;
}

/* A connection to the control socket at path, with the I/O bound; -1
   with errno (ENOENT, ECONNREFUSED: no broker). */
static int
broker_connect(const char *path)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    struct timeval timeout = {.tv_sec = BROKER_IO_TIMEOUT_S};
    int fd, err;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    (void) setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    (void) setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    if (connect(fd, (struct sockaddr *) &addr, sizeof(addr)) < 0) {
        err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    return fd;
}

/*
 * Sends request and reads the answer frame. 0, or -1 with errno (ENOENT,
 * ECONNREFUSED: no broker) or with why set (the broker refused).
 */
static int
broker_call(const char *path, const struct pamaws_result *request,
            struct pamaws_result *answer, char *why, size_t size)
{
    char *frame = NULL, *data = NULL;
    size_t len = 0, got = 0;
    int fd, status = -1, err = 0;

    memset(answer, 0, sizeof(*answer));
    why[0] = '\0';
    fd = broker_connect(path);
    if (fd < 0)
        return -1;
    frame = pamaws_frame_build(request, &len);
    if (frame == NULL || fd_write_all(fd, frame, len) < 0) {
        err = frame == NULL ? ENOMEM : errno;
        goto out;
    }
    if (fd_read_bounded(fd, PAMAWS_RESULT_MAX_BYTES + 64, &data, &got)
        != FD_READ_OK) {
        snprintf(why, size, "no answer from the broker");
        goto out;
    }
    if (pamaws_frame_parse(data, got, answer, why, size) < 0)
        goto out;
    if (strcmp(pamaws_result_get(answer, "result") ?: "", "ok") != 0) {
        snprintf(why, size, "%s",
                 pamaws_result_get(answer, "message") ?: "refused");
        pamaws_result_clear(answer);
        goto out;
    }
    status = 0;
out:
    if (frame != NULL)
        pamaws_wipe(frame, len);
    free(frame);
    if (data != NULL)
        pamaws_wipe(data, got);
    free(data);
    close(fd);
    errno = err;
    return status;
}

/* Opens (making it if missing) directory name under dirfd, checked to be
   a directory owned by uid with no access for group and others beyond
   mode_ok. Returns its descriptor or -1. */
static int
open_dir(int dirfd, const char *name, mode_t mode, uid_t uid, gid_t gid,
         mode_t forbidden)
{
    struct stat st;
    int fd;

    if (mkdirat(dirfd, name, mode) < 0 && errno != EEXIST)
        return -1;
    fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0)
        goto bad;
    /* A directory root just made (or left) becomes the user's. */
    if (st.st_uid == 0 && uid != 0
        && (fchown(fd, uid, gid) < 0 || fchmod(fd, mode) < 0
            || fstat(fd, &st) < 0))
        goto bad;
    if (st.st_uid != uid || (st.st_mode & forbidden) != 0) {
        errno = EPERM;
        goto bad;
    }
    return fd;
bad:
    close(fd);
    return -1;
}

/* Makes users/<uid> beside the broker socket; fills path with the token
   file's path. 0 or -1 (logged). */
static int
token_dir(const struct pamaws_args *args, const struct pamaws_user *user,
          char *path, size_t size)
{
    char base[PATH_MAX], uid[24];
    const char *sock = broker_socket(args), *slash = strrchr(sock, '/');
    int dir, users, fd;

    if (slash == NULL || (size_t) (slash - sock) + 7 >= sizeof(base))
        return -1;
    snprintf(base, sizeof(base), "%.*s", (int) (slash - sock), sock);
    snprintf(uid, sizeof(uid), "%lu", (unsigned long) user->uid);
    dir = open(base[0] != '\0' ? base : "/",
               O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir < 0) {
        pamaws_log(args, LOG_ERR, "%s: %m", base);
        return -1;
    }
    users = open_dir(dir, "users", 0755, 0, 0, 022);
    close(dir);
    if (users < 0) {
        pamaws_log(args, LOG_ERR, "%s/users: %m (must be root's, 0755)", base);
        return -1;
    }
    fd = open_dir(users, uid, 0700, user->uid, user->gid, 077);
    close(users);
    if (fd < 0) {
        pamaws_log(args, LOG_ERR, "%s/users/%s: %m (must be the user's,"
                   " 0700)", base, uid);
        return -1;
    }
    close(fd);
    if ((size_t) snprintf(path, size, "%s/users/%s/token", base, uid) >= size)
        return -1;
    return 0;
}

/* Writes the token file as the user (awscred-worker --write-token). */
static int
token_write(const struct pamaws_args *args, const struct pamaws_user *user,
            const char *path, const char *token)
{
    char *const argv[] = {(char *) "awscred-worker", (char *) "--write-token",
                          (char *) path, NULL};
    char *const paths[] = {args->config.worker, NULL};
    char *const envp[] = {NULL};
    struct runner_identity id = {user->uid, user->gid, NULL, 0};
    gid_t *groups;
    size_t ngroups = 0;
    struct runner_plan plan = {
        .argv = argv,
        .exec_paths = paths,
        .envp = envp,
        .identity = &id,
        .cwd = "/",
        .stdin_data = token,
        .stdin_len = strlen(token),
        .timeout_ms = BROKER_IO_TIMEOUT_S * 1000,
        .max_stdout = 64,
        .max_stderr = 512,
    };
    struct runner_result res;
    int status;

    if (user->groups != NULL) {
        groups = pamaws_groups_copy(user->groups, user->ngroups);
        ngroups = user->ngroups;
    } else
        groups = pamaws_user_groups(user->name, user->gid, &ngroups);
    if (groups == NULL)
        return -1;
    id.groups = groups;
    id.ngroups = ngroups;
    if (geteuid() != 0)
        plan.identity = NULL;   /* tests as one user: already the user */
    status = runner_run(&plan, &res);
    if (status == 0 && !(res.exited && res.exit_status == 0)) {
        pamaws_log(args, LOG_ERR, "cannot write %s as %s: %s", path,
                   user->name, res.err != NULL && res.err[0] != '\0'
                                   ? res.err : "the worker failed");
        status = -1;
    }
    runner_result_free(&res);
    free(groups);
    return status;
}

/* The module's options (argc, arg.0 ...): how the broker resolves again
   (awscredd/refresh.c). All of them: deliver_choose keeps the keys for a
   login with more than the broker keeps. */
static int
request_args(const struct pamaws_login *login, struct pamaws_result *req)
{
    char key[16], count[16];
    int i, n = login->argc, rc = 0;

    snprintf(count, sizeof(count), "%d", n);
    rc |= pamaws_result_add(req, "argc", count);
    for (i = 0; i < n; i++) {
        snprintf(key, sizeof(key), "arg.%d", i);
        rc |= pamaws_result_add(req, key, login->argv[i]);
    }
    return rc;
}

/* A role's MFA session, for the broker to assume the role again from
   (awscredd/mfa.c); a secret like the keys. */
static int
request_session(const struct pamaws_mfa_session *session,
                struct pamaws_result *req)
{
    char expires[24];

    if (session->access_key_id == NULL)
        return 0;
    snprintf(expires, sizeof(expires), "%lld", (long long) session->expires);
    return pamaws_result_add(req, PAMAWS_MFA_SESSION_KEY,
                             session->access_key_id)
           | pamaws_result_add(req, PAMAWS_MFA_SESSION_SECRET,
                               session->secret_access_key)
           | pamaws_result_add(req, PAMAWS_MFA_SESSION_TOKEN,
                               session->session_token)
           | pamaws_result_add(req, PAMAWS_MFA_SESSION_EXPIRATION, expires);
}

/* System mode's role and source identity, as the module's issuance line
   names them (session.c, log_success), for the broker's (awscredd/main.c,
   broker_log_issued): the same expansion of the same options. */
static int
request_attribution(const struct pamaws_args *args,
                    const struct pamaws_user *user, struct pamaws_result *req)
{
    struct pamaws_attribution attrib;
    int rc;

    if (pamaws_attribution_build(args, user, &attrib) < 0)
        return -1;
    rc = pamaws_result_add(req, "role", attrib.role_arn)
         | pamaws_result_add(req, "source_identity", attrib.source_identity);
    pamaws_attribution_free(&attrib);
    return rc;
}

/* The request frame: who, from where, the credentials, and how to
   resolve them again. */
static int
request_build(const struct pamaws_args *args, const struct pamaws_user *user,
              const struct pamaws_login *login, const struct pamaws_vars *vars,
              struct pamaws_result *req)
{
    const struct pamaws_config *c = &args->config;
    char uid[24], expires[24], offset[24];
    bool system = c->mode == PAMAWS_MODE_SYSTEM;
    int rc = 0;

    snprintf(uid, sizeof(uid), "%lu", (unsigned long) user->uid);
    snprintf(expires, sizeof(expires), "%lld", (long long) vars->expires);
    snprintf(offset, sizeof(offset), "%lld", (long long) vars->clock_offset_s);
    memset(req, 0, sizeof(*req));
    rc |= pamaws_result_add(req, "op", "open_session");
    rc |= pamaws_result_add(req, "user", user->name);
    rc |= pamaws_result_add(req, "uid", uid);
    rc |= pamaws_result_add(req, "mode", system ? "system" : "user");
    rc |= pamaws_result_add(req, "profile",
                            (system ? c->system_profile : c->profile) ?: "");
    rc |= pamaws_result_add(req, "files",
                            (system ? c->system_config : c->config_file) ?: "");
    rc |= pamaws_result_add(req, "service", login->service ?: "");
    rc |= pamaws_result_add(req, "rhost", login->rhost ?: "");
    rc |= pamaws_result_add(req, "tty", login->tty ?: "");
    rc |= pamaws_result_add(req, "access_key_id",
                            pamaws_vars_get(vars, "AWS_ACCESS_KEY_ID"));
    rc |= pamaws_result_add(req, "secret_access_key",
                            pamaws_vars_get(vars, "AWS_SECRET_ACCESS_KEY"));
    rc |= pamaws_result_add(req, "session_token",
                            pamaws_vars_get(vars, "AWS_SESSION_TOKEN"));
    rc |= pamaws_result_add(req, "expiration", expires);
    rc |= pamaws_result_add(req, "clock_offset", offset);
    if (vars->account_id[0] != '\0')
        rc |= pamaws_result_add(req, "account_id", vars->account_id);
    rc |= pamaws_result_add(req, "region",
                            pamaws_vars_get(vars, "AWS_REGION"));
    return rc | request_attribution(args, user, req)
           | request_session(&vars->mfa_session, req)
           | request_args(login, req);
}

/* Replaces vars by the pointer pair and the region; with token_env, the
   token itself too (SDKs that predate the token file). */
static int
vars_point(const struct pamaws_args *args, struct pamaws_vars *vars,
           const char *url, const char *file, const char *token)
{
    struct pamaws_vars next;
    const char *region = pamaws_vars_get(vars, "AWS_REGION");

    memset(&next, 0, sizeof(next));
    if (pamaws_vars_add(&next, "AWS_CONTAINER_CREDENTIALS_FULL_URI", url) < 0
        || pamaws_vars_add(&next, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
                           file) < 0
        || (args->config.token_env
            && pamaws_vars_add(&next, "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                               token) < 0)
        || (region != NULL
            && (pamaws_vars_add(&next, "AWS_REGION", region) < 0
                || pamaws_vars_add(&next, "AWS_DEFAULT_REGION", region) < 0))) {
        pamaws_vars_clear(&next);
        return -1;
    }
    pamaws_vars_clear(vars);
    *vars = next;
    return 0;
}

/* Whether the broker's answer is what a session may hold. */
static bool
answer_valid(const char *token, const char *url, const char *session)
{
    return token != NULL && strlen(token) == BROKER_TOKEN_CHARS
           && strspn(token, "0123456789abcdef") == BROKER_TOKEN_CHARS
           && url != NULL && strncmp(url, "http://127.", 11) == 0
           && strlen(url) < 96
           && strspn(url, "abcdefghijklmnopqrstuvwxyz0123456789:/.")
                  == strlen(url)
           && session != NULL && session[0] != '\0' && strlen(session) < 21
           && strspn(session, "0123456789") == strlen(session);
}

/* Registers with the broker or keeps the keys (pamaws_deliver). */
static enum pamaws_outcome
deliver_choose(const struct pamaws_args *args, const struct pamaws_user *user,
               const struct pamaws_login *login, struct pamaws_vars *vars,
               char *unreg, size_t unreg_size)
{
    const char *mode = args->config.deliver ?: "auto";
    const char *sock = broker_socket(args), *token, *url, *session;
    bool endpoint = strcmp(mode, "endpoint") == 0;
    struct pamaws_result req, answer;
    char why[256], file[PATH_MAX];
    enum pamaws_outcome outcome = PAMAWS_FAIL;

    unreg[0] = '\0';
    if (strcmp(mode, "keys") == 0)
        return PAMAWS_EXPORT;
    if (vars->expires == 0) {
        if (endpoint) {
            pamaws_log(args, LOG_ERR, "deliver=endpoint: the credentials of"
                       " user %s never expire (keys), nothing exported",
                       user->name);
            return PAMAWS_FAIL;
        }
        pamaws_debug(args, "keys that never expire are delivered as keys");
        return PAMAWS_EXPORT;
    }
    /* The broker resolves again with the login's options: with some
       dropped it would renew without, say, credential_process=deny. */
    if (login->argc > PAMAWS_BROKER_MAX_ARGS) {
        snprintf(why, sizeof(why), "the broker keeps %d options to resolve"
                 " again with, this login has %d (conf= holds more)",
                 PAMAWS_BROKER_MAX_ARGS, login->argc);
        if (endpoint) {
            pamaws_log(args, LOG_ERR, "deliver=endpoint: %s; nothing"
                       " exported for user %s", why, user->name);
            return PAMAWS_FAIL;
        }
        pamaws_log(args, LOG_NOTICE, "deliver=auto: keys, %s", why);
        return PAMAWS_EXPORT;
    }
    if (request_build(args, user, login, vars, &req) != 0) {
        pamaws_result_clear(&req);
        pamaws_log(args, LOG_CRIT, "out of memory");
        return PAMAWS_FAIL;
    }
    if (broker_call(sock, &req, &answer, why, sizeof(why)) < 0) {
        pamaws_result_clear(&req);
        if (why[0] == '\0')
            snprintf(why, sizeof(why), "%s", strerror(errno));
        if (endpoint) {
            pamaws_log(args, LOG_ERR, "deliver=endpoint: no broker on %s (%s),"
                       " nothing exported for user %s", sock, why,
                       user->name);
            return PAMAWS_FAIL;
        }
        /* No socket is the usual host without the broker: not worth a
           line at every login. A socket that fails is. */
        if (errno == ENOENT)
            pamaws_debug(args, "deliver=auto: keys, no broker at %s", sock);
        else
            pamaws_log(args, LOG_NOTICE, "deliver=auto: keys, the broker on"
                       " %s refused: %s", sock, why);
        return PAMAWS_EXPORT;
    }
    pamaws_result_clear(&req);
    token = pamaws_result_get(&answer, "token");
    url = pamaws_result_get(&answer, "url");
    session = pamaws_result_get(&answer, "session");
    if (!answer_valid(token, url, session)) {
        pamaws_log(args, LOG_ERR, "the broker on %s answered a malformed"
                   " registration", sock);
    } else if (token_dir(args, user, file, sizeof(file)) == 0
               && token_write(args, user, file, token) == 0
               && vars_point(args, vars, url, file, token) == 0) {
        snprintf(unreg, unreg_size, "%lu %s %s", (unsigned long) user->uid,
                 session, sock);
        if (endpoint)
            pamaws_debug(args, "delivering an endpoint to user %s (session"
                         " %s)", user->name, session);
        else
            pamaws_log(args, LOG_NOTICE, "deliver=auto: endpoint, the broker"
                       " answered on %s (session %s)", sock, session);
        outcome = PAMAWS_EXPORT;
    }
    if (outcome != PAMAWS_EXPORT) {
        char uid[24];

        /* Registered but not delivered: unregister again. */
        snprintf(uid, sizeof(uid), "%lu", (unsigned long) user->uid);
        snprintf(file, sizeof(file), "%s %s %s", uid, session ?: "0", sock);
        pamaws_broker_close(args, file);
        if (!endpoint) {
            pamaws_log(args, LOG_NOTICE, "deliver=auto: keys, the session"
                       " registered on %s could not get its token", sock);
            outcome = PAMAWS_EXPORT;   /* the keys, as for no broker */
        }
    }
    pamaws_result_clear(&answer);
    return outcome;
}

/*
 * keys: "AWS credentials expire at 07:53 UTC (in 2 min)" on an
 * interactive login (PAM_TTY set) when less than expiry_notice= is left,
 * and always after MFA (mfa): nothing refreshes keys in an environment,
 * and only a new login with a new code renews these.
 */
static void
expiry_notice(const struct pamaws_args *args, const struct pamaws_login *login,
              const struct pamaws_vars *vars, time_t now)
{
    time_t expires = (time_t) vars->expires;
    long left = (long) (expires - now), min = (left + 59) / 60;
    char at[16], text[96];
    struct tm tm;

    if (args->config.expiry_notice == 0 || vars->expires == 0
        || login->tty == NULL || login->tty[0] == '\0'
        || (!args->config.mfa && left >= args->config.expiry_notice)
        || pamaws_vars_get(vars, "AWS_ACCESS_KEY_ID") == NULL
        || gmtime_r(&expires, &tm) == NULL
        || strftime(at, sizeof(at), "%H:%M", &tm) == 0)
        return;
    if (min >= 60)
        snprintf(text, sizeof(text), "AWS credentials expire at %s UTC (in"
                 " %ld h %02ld min)", at, min / 60, min % 60);
    else
        snprintf(text, sizeof(text), "AWS credentials expire at %s UTC (in"
                 " %ld min)", at, min > 0 ? min : 0);
    pamaws_notice(args, text);
}

enum pamaws_outcome
pamaws_deliver(const struct pamaws_args *args, const struct pamaws_user *user,
               const struct pamaws_login *login, struct pamaws_vars *vars,
               char *unreg, size_t unreg_size)
{
    enum pamaws_outcome outcome;

    outcome = deliver_choose(args, user, login, vars, unreg, unreg_size);
    if (outcome == PAMAWS_EXPORT)
        expiry_notice(args, login, vars, time(NULL));
    return outcome;
}

const char *
pamaws_deliver_probe(const struct pamaws_args *args,
                     const struct pamaws_vars *vars, char *why, size_t size)
{
    const char *mode = args->config.deliver ?: "auto";
    const char *sock = broker_socket(args);
    bool endpoint = strcmp(mode, "endpoint") == 0;
    int fd;

    if (strcmp(mode, "keys") == 0) {
        snprintf(why, size, "deliver=keys");
        return "keys";
    }
    if (vars->expires == 0) {
        snprintf(why, size, "the credentials never expire%s",
                 endpoint ? " and deliver=endpoint exports nothing else" : "");
        return endpoint ? NULL : "keys";
    }
    fd = broker_connect(sock);
    if (fd < 0) {
        snprintf(why, size, "no broker at %s: %s", sock, strerror(errno));
        return endpoint ? NULL : "keys";
    }
    close(fd);
    snprintf(why, size, "the broker answers on %s (deliver=%s)", sock, mode);
    return "endpoint";
}

void
pamaws_broker_close(const struct pamaws_args *args, const char *unreg)
{
    struct pamaws_result req, answer;
    char uid[24], session[24], why[256];
    const char *sock = strchr(unreg, ' ');

    memset(&req, 0, sizeof(req));
    if (sock == NULL || (sock = strchr(sock + 1, ' ')) == NULL
        || sscanf(unreg, "%23s %23s", uid, session) != 2)
        return;
    sock++;
    if (pamaws_result_add(&req, "op", "close_session") < 0
        || pamaws_result_add(&req, "uid", uid) < 0
        || pamaws_result_add(&req, "session", session) < 0) {
        pamaws_result_clear(&req);
        return;
    }
    if (broker_call(sock, &req, &answer, why, sizeof(why)) < 0)
        pamaws_log(args, LOG_WARNING, "cannot unregister session %s of uid"
                   " %s from the broker on %s: %s", session, uid, sock,
                   why[0] != '\0' ? why : strerror(errno));
    pamaws_result_clear(&req);
    pamaws_result_clear(&answer);
}
