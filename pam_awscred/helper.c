/*
 * helper.c: awscred-worker, the privilege-separated half of pam_awscred.
 *
 * pam_awscred.so starts it already running as the target identity (the
 * user in user mode, system_user in system mode), with stdin /dev/null,
 * stdout a pipe to the module, stderr a bounded pipe, no other fds and an
 * environment built from scratch. It resolves credentials with libawscred
 * (strict file checks, no IMDS unless --imds, one total deadline), writes
 * exactly one result frame (internal.h) to stdout and exits 0. Secrets
 * never appear in argv: the request carries only names and limits.
 *
 * Its request is argv, one table of fields in pam_awscred/request.c
 * (written by session.c, read here), where the protocol is documented.
 *
 * With --mfa-serial (pam_awscred/mfa.c) the MFA code comes in the
 * environment as AWSCRED_MFA_CODE (never argv, which every user can
 * read): taken out of the environment before the library starts, and
 * given to the library's prompt (AssumeRole's or GetSessionToken's
 * TokenCode), with an MFA session of --mfa-session-duration seconds
 * (awscred_context_set_mfa_session). With --mfa-role-session too, a role
 * profile over long-term keys gets its role from a GetSessionToken
 * session (AWSCRED_FLAG_MFA_ROLE_SESSION) that the result carries as
 * mfa_session_* records, for the broker; the broker's refresh gives that
 * session back in the environment (PAMAWS_MFA_SESSION_ENV_*, request.h)
 * with --from-mfa-session, and the role is assumed from it without a
 * code (awscred_context_set_source_credentials). --mfa-query resolves
 * nothing: it reports the profile's mfa_serial (record mfa_serial, empty
 * when none), read as the user in user mode, so that the auth phase knows
 * what to ask for without opening a user file as root.
 *
 * After resolving it reports what the resolution's own AWS responses said
 * about the clock (clock_worker.c), without a request of its own: the
 * user controls this process, so its readings may only warn. The clock
 * probe proper is a second, short run with --clock-only, as system_user
 * with the admin's settings and no user file: it resolves nothing and
 * writes only clock_* records, after the credentials are already safe in
 * the module (session.c, run_clock_worker).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <syslog.h>
#include <unistd.h>

#include "awscred-clock.h"
#include "awscred.h"
#include "common/fdio.h"
#include "common/number.h"
#include "pam_awscred/clock_policy.h"
#include "pam_awscred/internal.h"
#include "pam_awscred/request.h"

/* The module's request (request.c) and what came beside it. */
struct worker_request {
    struct pamaws_request r;
    char mfa_code[16];        /* from AWSCRED_MFA_CODE; wiped */
    /* from PAMAWS_MFA_SESSION_ENV_*, for --from-mfa-session; wiped */
    char *session_key, *session_secret, *session_token;
};

/* The worker owns its process: it may reset what the host handed down. */
static void
reset_signals(void)
{
    static const int sigs[] = { SIGCHLD, SIGPIPE, SIGALRM, SIGTERM, SIGINT,
                                SIGHUP, SIGQUIT };
    sigset_t none;
    size_t i;

    for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        signal(sigs[i], SIG_DFL);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
}

/*
 * The environment the resolver sees: the one the module built for us,
 * but proxies only from the admin's proxy= and no_proxy= (net/net.c reads
 * the lower-case names first; the upper-case ones are never anybody's).
 */
static const char *
worker_getenv(void *arg, const char *name)
{
    const struct pamaws_request *r = arg;

    if (strcmp(name, "https_proxy") == 0 || strcmp(name, "http_proxy") == 0)
        return r->proxy;
    if (strcmp(name, "no_proxy") == 0)
        return r->no_proxy;
    if (strcasecmp(name, "https_proxy") == 0
        || strcasecmp(name, "http_proxy") == 0
        || strcasecmp(name, "no_proxy") == 0)
        return NULL;
    return getenv(name);
}

/* Library diagnostics go to stderr, which the module relays with debug. */
static void
worker_log(void *arg, int priority, const char *message)
{
    const struct worker_request *req = arg;

    if (req->r.debug || priority <= LOG_WARNING)
        fprintf(stderr, "%s\n", message);
}

/* The AssumeRole extras for the requested profile, when the module sent
   any. 0, or -1 (too many, or out of memory). */
static int
assume_role_set(struct awscred_context *ctx, const struct pamaws_request *r)
{
    struct pamaws_tag tags[PAMAWS_MAX_TAGS], keys[PAMAWS_MAX_TAGS];
    struct awscred_tag atags[PAMAWS_MAX_TAGS];
    const char *transitive[PAMAWS_MAX_TAGS];
    struct awscred_assume_role_options opts;
    /* split in place: copies of the request's lists */
    char tag_list[PAMAWS_REQUEST_VALUE_MAX + 1] = "";
    char key_list[PAMAWS_REQUEST_VALUE_MAX + 1] = "";
    size_t i;

    if (r->role_arn == NULL && r->source_identity == NULL
        && r->session_tags == NULL && r->transitive_tag_keys == NULL
        && r->mfa_serial == NULL)
        return 0;
    memset(&opts, 0, sizeof(opts));
    opts.role_arn = r->role_arn;
    opts.source_identity = r->source_identity;
    opts.mfa_serial = r->mfa_serial;
    if (r->session_tags != NULL) {
        snprintf(tag_list, sizeof(tag_list), "%s", r->session_tags);
        opts.ntags = pamaws_tags_split(tag_list, tags, PAMAWS_MAX_TAGS);
    }
    if (r->transitive_tag_keys != NULL) {
        snprintf(key_list, sizeof(key_list), "%s", r->transitive_tag_keys);
        opts.ntransitive = pamaws_tags_split(key_list, keys,
                                             PAMAWS_MAX_TAGS);
    }
    if (opts.ntags > PAMAWS_MAX_TAGS || opts.ntransitive > PAMAWS_MAX_TAGS)
        return -1;
    for (i = 0; i < opts.ntags; i++)
        atags[i] = (struct awscred_tag){ tags[i].key, tags[i].value };
    for (i = 0; i < opts.ntransitive; i++)
        transitive[i] = keys[i].key;
    opts.tags = atags;
    opts.transitive_tag_keys = transitive;
    return awscred_context_set_assume_role(ctx, &opts);
}

/* The assume-role provider's MFA prompt: the code the module asked for,
   once. */
static int
worker_prompt(void *arg, const char *prompt, int echo, char *buf,
              size_t size)
{
    struct worker_request *req = arg;
    size_t len = strlen(req->mfa_code);

    (void) prompt;
    (void) echo;
    if (len == 0 || len >= size)
        return -1;
    memcpy(buf, req->mfa_code, len + 1);
    pamaws_wipe(req->mfa_code, sizeof(req->mfa_code));
    return 0;
}

/* Takes a secret out of the environment: a copy, or NULL; the
   environment's value wiped. */
static char *
take_env(const char *name)
{
    char *value = getenv(name), *copy = NULL;

    if (value != NULL) {
        copy = strdup(value);
        pamaws_wipe(value, strlen(value));
    }
    (void) unsetenv(name);
    return copy;
}

/* Takes the MFA code and the MFA session out of the environment into
   req, before the library sees it. */
static void
take_secrets(struct worker_request *req)
{
    char *code = take_env("AWSCRED_MFA_CODE");

    if (code != NULL && strlen(code) < sizeof(req->mfa_code))
        memcpy(req->mfa_code, code, strlen(code) + 1);
    if (code != NULL)
        pamaws_free_secret(code);
    req->session_key = take_env(PAMAWS_MFA_SESSION_ENV_KEY);
    req->session_secret = take_env(PAMAWS_MFA_SESSION_ENV_SECRET);
    req->session_token = take_env(PAMAWS_MFA_SESSION_ENV_TOKEN);
}

/* --from-mfa-session: the role's source is the session in req. 0, or -1
   (no session given, or out of memory). */
static int
mfa_source_set(struct awscred_context *ctx, const struct worker_request *req)
{
    struct awscred_credentials src;

    if (!req->r.from_mfa_session)
        return 0;
    if (req->session_key == NULL || req->session_secret == NULL
        || req->session_token == NULL)
        return -1;
    memset(&src, 0, sizeof(src));
    src.access_key_id = req->session_key;
    src.secret_access_key = req->session_secret;
    src.session_token = req->session_token;
    return awscred_context_set_source_credentials(ctx, &src);
}

/* Builds the context for req. NULL when out of memory. */
static struct awscred_context *
context_build(struct worker_request *req)
{
    struct awscred_context *ctx = awscred_context_new();
    const struct pamaws_request *r = &req->r;
    struct awscred_limits limits;
    unsigned flags = AWSCRED_FLAG_STRICT_FILES;

    if (ctx == NULL)
        return NULL;
    awscred_context_set_env(ctx, worker_getenv, &req->r);
    awscred_context_set_log(ctx, worker_log, req);
    if (req->mfa_code[0] != '\0') {
        awscred_context_set_prompt(ctx, worker_prompt, req);
        awscred_context_set_mfa_session(ctx, (long) r->mfa_session_s);
    }
    memset(&limits, 0, sizeof(limits));
    limits.total_timeout_ms = (unsigned) r->timeout_ms;
    awscred_context_set_limits(ctx, &limits);
    if (!r->imds)
        flags |= AWSCRED_FLAG_NO_IMDS;
    if (r->warn_unsafe_dirs)
        flags |= AWSCRED_FLAG_WARN_UNSAFE_DIRS;
    if (r->no_process)
        flags |= AWSCRED_FLAG_NO_PROCESS;
    if (r->no_user_endpoints)
        flags |= AWSCRED_FLAG_NO_FILE_ENDPOINTS;
    if (r->proxy != NULL)
        flags |= AWSCRED_FLAG_ENV_PROXIES;  /* through worker_getenv */
    if (r->legacy_providers)
        flags |= AWSCRED_FLAG_LEGACY_PROVIDERS;
    if (r->mfa_role_session)
        flags |= AWSCRED_FLAG_MFA_ROLE_SESSION;
    /* System mode reads only the admin's files; no cache under root. */
    if (r->system)
        flags |= AWSCRED_FLAG_NO_CACHE_WRITE;
    awscred_context_set_flags(ctx, flags);
    if (awscred_context_set_user(ctx, r->user, (uid_t) r->uid,
                                 (gid_t) r->gid, r->home) != 0
        || (r->net_module != NULL
            && awscred_context_set_net_module(ctx, r->net_module) != 0)
        || (r->session_name != NULL
            && awscred_context_set_session_name(ctx, r->session_name) != 0)
        || assume_role_set(ctx, r) != 0 || mfa_source_set(ctx, req) != 0) {
        awscred_context_free(ctx);
        return NULL;
    }
    return ctx;
}

/* Fills result from a resolution's outcome. 0, or -1 when out of memory. */
static int
result_fill(struct pamaws_result *result, enum awscred_status status,
            const struct awscred_credentials *c, const struct awscred_error *e)
{
    char number[32];
    int rc = 0;

    snprintf(number, sizeof(number), "%d", (int) status);
    rc |= pamaws_result_add(result, "status", number);
    rc |= pamaws_result_add(result, "status_name", awscred_status_name(status));
    if (status != AWSCRED_OK) {
        rc |= pamaws_result_add(result, "message", e->message);
        rc |= pamaws_result_add(result, "where", e->where);
        rc |= pamaws_result_add(result, "provider", e->provider);
        return rc;
    }
    snprintf(number, sizeof(number), "%lld", (long long) c->expiration);
    rc |= pamaws_result_add(result, "access_key_id", c->access_key_id);
    rc |= pamaws_result_add(result, "secret_access_key", c->secret_access_key);
    rc |= pamaws_result_add(result, "session_token", c->session_token);
    rc |= pamaws_result_add(result, "expiration", number);
    rc |= pamaws_result_add(result, "region", c->region);
    rc |= pamaws_result_add(result, "account_id", c->account_id);
    rc |= pamaws_result_add(result, "method", c->method);
    rc |= pamaws_result_add(result, "profile", c->profile);
    return rc;
}

/* --mfa-role-session: the role's MFA session, when the resolution made
   one (pam_awscred/internal.h, struct pamaws_mfa_session). */
static int
mfa_session_fill(struct awscred_context *ctx, struct pamaws_result *result)
{
    struct awscred_credentials *s = awscred_context_take_mfa_session(ctx);
    char number[32];
    int rc;

    if (s == NULL)
        return 0;
    snprintf(number, sizeof(number), "%lld", (long long) s->expiration);
    rc = pamaws_result_add(result, PAMAWS_MFA_SESSION_KEY, s->access_key_id)
         | pamaws_result_add(result, PAMAWS_MFA_SESSION_SECRET,
                             s->secret_access_key)
         | pamaws_result_add(result, PAMAWS_MFA_SESSION_TOKEN,
                             s->session_token)
         | pamaws_result_add(result, PAMAWS_MFA_SESSION_EXPIRATION, number);
    awscred_credentials_free(s);
    return rc;
}

/* --mfa-query: the profile's mfa_serial, "" when it has none. */
static int
mfa_query_fill(struct awscred_context *ctx,
               const struct awscred_request *request,
               struct pamaws_result *result)
{
    struct awscred_error err;
    enum awscred_status status;
    char *serial = NULL;
    int rc;

    status = awscred_mfa_serial(ctx, request, &serial, &err);
    if (status != AWSCRED_OK)
        return result_fill(result, status, NULL, &err);
    rc = pamaws_result_add(result, "status", "0")
         | pamaws_result_add(result, "status_name",
                             awscred_status_name(status))
         | pamaws_result_add(result, "mfa_serial",
                             serial != NULL ? serial : "");
    free(serial);
    return rc;
}

/*
 * The clock records (clock_worker.c). With --clock-only: the probe, SNTP
 * and the kernel's view. Otherwise only what the resolution's own
 * responses gave: no request is made for the clock in the user's worker.
 */
static int
clock_fill(struct awscred_context *ctx, const struct worker_request *req,
           const struct awscred_request *request, int64_t started_ms,
           struct pamaws_result *result)
{
    struct pamaws_clock_request cr = req->r.clock;
    struct awscred_error err;
    char *url = NULL;
    int rc;

    if (!req->r.clock_only) {
        cr.check = "never";
        cr.sntp_server = NULL;
    } else if (cr.url == NULL
               && awscred_clock_endpoint(ctx, request, &url, &err)
                      == AWSCRED_OK) {
        cr.url = url;  /* STS as the admin's configuration reaches it */
    }
    rc = pamaws_clock_worker_measure(ctx, &cr, req->r.region,
                                     req->r.timeout_ms,
                                     started_ms, result);
    free(url);
    return rc;
}

/*
 * awscred-worker --write-token PATH: the module's deliver=endpoint runs
 * this as the user to write the broker's token (stdin, 64 hex digits) to
 * PATH, 0600, with no newline (pam_awscred/deliver.c): root never writes
 * in the user's directory. A new file, then renamed over the old one.
 */
static int
write_token(const char *path)
{
    char tmp[4096], *data = NULL;
    size_t len = 0;
    int fd, rc = 1;

    if (path[0] != '/'
        || (size_t) snprintf(tmp, sizeof(tmp), "%s.new", path) >= sizeof(tmp)
        || fd_read_bounded(STDIN_FILENO, 64, &data, &len) != FD_READ_OK
        || len != 64 || strspn(data, "0123456789abcdef") != 64) {
        fprintf(stderr, "awscred-worker: no token to write\n");
        goto out;
    }
    (void) unlink(tmp);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0 || fd_write_all(fd, data, len) < 0 || close(fd) < 0
        || rename(tmp, path) < 0) {
        fprintf(stderr, "awscred-worker: %s: %s\n", path, strerror(errno));
        (void) unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    if (data != NULL)
        pamaws_wipe(data, len);
    free(data);
    return rc;
}

int
main(int argc, char **argv)
{
    struct worker_request req;
    struct awscred_request request = { NULL, NULL };
    struct awscred_credentials *creds = NULL;
    struct awscred_context *ctx = NULL;
    struct awscred_error err;
    struct pamaws_result result;
    enum awscred_status status = AWSCRED_OK;
    char *frame = NULL, why[128];
    size_t len = 0;
    int exit_code = 1;
    int64_t started_ms = pamaws_clock_monotonic_ms();

    /* First thing: the user may not ptrace or read the memory of the
       process that holds her secrets and writes root's input. execve()
       reset this, so the runner cannot do it for us. */
    (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    reset_signals();
    if (argc == 3 && strcmp(argv[1], "--write-token") == 0)
        _exit(write_token(argv[2]));
    memset(&result, 0, sizeof(result));
    memset(&err, 0, sizeof(err));
    memset(&req, 0, sizeof(req));
    if (pamaws_request_parse(argc, argv, &req.r, why, sizeof(why)) < 0) {
        fprintf(stderr, "awscred-worker: %s\n", why);
        return 2;
    }
    take_secrets(&req);
    ctx = context_build(&req);
    if (ctx == NULL) {
        fprintf(stderr, "awscred-worker: %s\n",
                req.r.from_mfa_session && req.session_token == NULL
                    ? "no MFA session in the environment"
                    : "out of memory");
        goto done;
    }
    request.profile = req.r.profile;
    request.region = req.r.region;
    if (req.r.mfa_query) {
        if (mfa_query_fill(ctx, &request, &result) != 0)
            goto done;
    } else if (!req.r.clock_only) {
        status = awscred_resolve(ctx, &request, &creds, &err);
    }
    if ((!req.r.clock_only && !req.r.mfa_query
         && (result_fill(&result, status, creds, &err) < 0
             || mfa_session_fill(ctx, &result) < 0))
        || (!req.r.mfa_query
            && clock_fill(ctx, &req, &request, started_ms, &result) < 0)
        || (frame = pamaws_frame_build(&result, &len)) == NULL) {
        fprintf(stderr, "awscred-worker: cannot build the result\n");
        goto done;
    }
    if (fd_write_all(STDOUT_FILENO, frame, len) < 0)
        goto done;
    exit_code = 0;

done:
    if (frame != NULL) {
        pamaws_wipe(frame, len);
        free(frame);
    }
    pamaws_result_clear(&result);
    pamaws_wipe(req.mfa_code, sizeof(req.mfa_code));
    pamaws_free_secret(req.session_key);
    pamaws_free_secret(req.session_secret);
    pamaws_free_secret(req.session_token);
    awscred_credentials_free(creds);
    awscred_context_free(ctx);
    /* No atexit handlers of the libraries we loaded: just go. */
    _exit(exit_code);
}
