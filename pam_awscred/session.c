/*
 * session.c: what one login does, shared by pam_sm_open_session and
 * `awscred session`: decide whether the user is in scope, build the
 * worker's request (argv without secrets, an environment built from
 * scratch), run it, check every value it returns and build the NAME=value
 * strings to export.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "common/number.h"
#include "pam_awscred/clock_policy.h"
#include "pam_awscred/internal.h"
#include "pam_awscred/request.h"

/* Everything we may set, and what must go when we do (pam_awscred(8),
   "ENVIRONMENT"): one consistent credential set, never a mix. */
const char *const pamaws_exported_names[] = {
    "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION", "AWS_REGION", "AWS_DEFAULT_REGION",
    "AWS_ACCOUNT_ID",
    /* deliver=endpoint (deliver.c) */
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN", /* token_env */ NULL,
};
const char *const pamaws_conflicting_names[] = {
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SECURITY_TOKEN", NULL,
};

#define WORKER_PATH "/usr/local/bin:/usr/bin:/bin"
#define SYSTEM_HOME "/nonexistent"
#define MAX_ENV 13

/* A request under construction: its fields (request.c, borrowed), then
   the argv built from them and the environment, both owned. */
struct request {
    struct pamaws_request fields;
    char **argv;
    char *envp[MAX_ENV + 1];
    size_t envc;
    bool nomem;
};

static void
request_env(struct request *req, const char *name, const char *value)
{
    char *entry;

    if (value == NULL || value[0] == '\0')
        return;
    if (req->envc >= MAX_ENV
        || asprintf(&entry, "%s=%s", name, value) < 0) {
        req->nomem = true;
        return;
    }
    req->envp[req->envc++] = entry;
}

static void
request_free(struct request *req)
{
    size_t i;

    pamaws_request_argv_free(req->argv);
    for (i = 0; i < req->envc; i++)
        pamaws_free_secret(req->envp[i]);  /* the MFA code, session */
    memset(req, 0, sizeof(*req));
}

gid_t *
pamaws_user_groups(const char *name, gid_t gid, size_t *count)
{
    int n = 64;
    gid_t *groups = NULL, *bigger;

    while (n <= PAMAWS_MAX_GROUPS) {
        int want = n;

        bigger = realloc(groups, sizeof(gid_t) * (size_t) n);
        if (bigger == NULL)
            break;
        groups = bigger;
        if (getgrouplist(name, gid, groups, &want) >= 0) {
            *count = (size_t) want;
            return groups;
        }
        n = want > n ? want : n * 2;
    }
    free(groups);
    return NULL;
}

gid_t *
pamaws_groups_copy(const gid_t *groups, size_t count)
{
    gid_t *copy = malloc(sizeof(gid_t) * (count > 0 ? count : 1));

    if (copy != NULL && count > 0)
        memcpy(copy, groups, sizeof(gid_t) * count);
    return copy;
}

/* The argv of the request's fields, once they are all set. */
static void
request_argv(struct request *req, const char *worker)
{
    req->argv = pamaws_request_argv(&req->fields, worker);
    req->nomem = req->nomem || req->argv == NULL;
}

/* What every worker request starts with: who it runs as, where, how
   long it may take (it stops a little before the module kills it after
   timeout_ms, so it can report what timed out), the admin's network
   settings and the clock thresholds (clock_policy.h). */
static void
request_worker(struct request *req, const struct pamaws_config *c,
               bool system, const char *name,
               const struct pamaws_identity *id, const char *home,
               long timeout_ms)
{
    struct pamaws_request *f = &req->fields;
    long margin = timeout_ms / 5 < 500 ? timeout_ms / 5 : 500;

    f->system = system;
    f->user = name;
    f->uid = (unsigned long) id->uid;
    f->gid = (unsigned long) id->gid;
    f->home = home;
    f->region = c->region;
    f->timeout_ms = (unsigned long) (timeout_ms - margin);
    f->net_module = c->net_module;
    f->proxy = c->proxy;
    f->no_proxy = c->no_proxy;
    f->clock.warn_s = (unsigned long) c->clock_warn;
    f->clock.refuse_s = (unsigned long) c->clock_refuse;
    request_env(req, "HOME", home);
    request_env(req, "USER", name);
    request_env(req, "LOGNAME", name);
    request_env(req, "PATH", WORKER_PATH);
    request_env(req, "LANG", "C.UTF-8");
}

/* What the worker resolves for, by mode: in user mode the user's files
   as the user; in system mode the admin's files as system_user, with no
   home of the user's. */
struct worker_target {
    bool system;
    const char *name;         /* who the worker runs as */
    const char *home;
    const char *profile;      /* NULL: the default rule */
    const char *config;       /* AWS_CONFIG_FILE, NULL: the default */
    const char *credentials;  /* AWS_SHARED_CREDENTIALS_FILE */
};

static void
worker_target(const struct pamaws_config *c, const struct pamaws_user *user,
              const char *worker_user, struct worker_target *t)
{
    t->system = c->mode == PAMAWS_MODE_SYSTEM;
    if (t->system) {
        t->name = worker_user;
        t->home = SYSTEM_HOME;
        t->profile = c->system_profile;
        t->config = c->system_config;
        t->credentials = c->system_credentials;
    } else {
        t->name = user->name;
        t->home = user->home;
        t->profile = c->profile;
        t->config = c->config_file;
        t->credentials = c->credentials_file;
    }
}

/*
 * Builds the worker's request for user. The worker learns everything from
 * argv and its environment: it does no passwd lookup and sees nothing of
 * the host's environ (CVE-2010-3853).
 */
static void
request_build(const struct pamaws_args *args, const struct pamaws_user *user,
              const char *worker_user, const struct pamaws_identity *id,
              const struct pamaws_attribution *attrib, struct request *req)
{
    const struct pamaws_config *c = &args->config;
    struct pamaws_request *f = &req->fields;
    struct worker_target t;

    worker_target(c, user, worker_user, &t);
    request_worker(req, c, t.system, t.name, id, t.home, c->timeout);
    f->profile = t.profile;
    f->session_name = user->name;  /* system mode only (request.c) */
    f->role_arn = attrib->role_arn;
    f->source_identity = attrib->source_identity;
    f->session_tags = attrib->session_tags;
    f->transitive_tag_keys = attrib->transitive_tag_keys;
    if (args->mfa_code != NULL) {
        f->mfa_serial = attrib->mfa_serial;
        f->mfa_session_s = (unsigned long) c->mfa_session_duration;
        f->mfa_role_session = args->mfa_role_session;  /* user mode only */
        request_env(req, "AWSCRED_MFA_CODE", args->mfa_code);
    }
    if (args->mfa_session != NULL) {
        f->from_mfa_session = true;  /* user mode only (request.c) */
        request_env(req, PAMAWS_MFA_SESSION_ENV_KEY,
                    args->mfa_session->access_key_id);
        request_env(req, PAMAWS_MFA_SESSION_ENV_SECRET,
                    args->mfa_session->secret_access_key);
        request_env(req, PAMAWS_MFA_SESSION_ENV_TOKEN,
                    args->mfa_session->session_token);
    }
    f->imds = c->imds;
    f->warn_unsafe_dirs = c->warn_unsafe_dirs;
    f->debug = c->debug;
    /* The admin's switches for what the user's files may do (user mode
       only, request.c). */
    f->no_process = !c->credential_process;
    f->no_user_endpoints = !c->user_endpoints;
    f->legacy_providers = c->legacy_providers;
    request_argv(req, c->worker);

    request_env(req, "AWS_CONFIG_FILE", t.config);
    request_env(req, "AWS_SHARED_CREDENTIALS_FILE", t.credentials);
}

/* The identity the worker runs as: the user, or system_user (system is
   true, or system mode). */
static int
worker_identity(const struct pamaws_args *args, const struct pamaws_user *user,
                bool system, struct pamaws_identity *id, char **worker_user)
{
    struct passwd pw, *found = NULL;
    char buf[4096];
    const char *name = user->name;

    id->uid = user->uid;
    id->gid = user->gid;
    if (system || args->config.mode == PAMAWS_MODE_SYSTEM) {
        name = args->config.system_user;
        if (getpwnam_r(name, &pw, buf, sizeof(buf), &found) != 0
            || found == NULL) {
            pamaws_log(args, LOG_ERR, "system_user %s not found", name);
            return -1;
        }
        id->uid = pw.pw_uid;
        id->gid = pw.pw_gid;
    }
    *worker_user = strdup(name);
    if (name == user->name && user->groups != NULL) {
        id->groups = pamaws_groups_copy(user->groups, user->ngroups);
        id->ngroups = user->ngroups;
    } else
        id->groups = pamaws_user_groups(name, id->gid, &id->ngroups);
    if (*worker_user == NULL || id->groups == NULL) {
        pamaws_log(args, LOG_ERR, "cannot get the groups of %s", name);
        return -1;
    }
    return 0;
}

/* The profile named in messages. */
static const char *
profile_label(const struct pamaws_args *args)
{
    const char *p = args->config.mode == PAMAWS_MODE_SYSTEM
                        ? args->config.system_profile : args->config.profile;

    return p != NULL ? p : "default";
}

/*
 * Tells the user why the session got no credentials (pam_info): the text
 * of the log line, which never holds a secret, with the home directory
 * as "~". Not with quiet, and not for users without any AWS
 * configuration (no-credentials): they did not ask for any.
 */
static void
notice_failure(const struct pamaws_args *args, const struct pamaws_user *user,
               const char *status, const char *message, const char *where)
{
    size_t home_len = strlen(user->home);
    bool in_home;
    char text[900];

    if (args->config.quiet
        || (status != NULL && strcmp(status, "no-credentials") == 0))
        return;
    if (args->mfa_code != NULL
        && pamaws_mfa_failure(message, args->mfa_serial, text, sizeof(text))
               != NULL) {
        pamaws_notice(args, text);
        return;
    }
    if (where == NULL || where[0] == '\0') {
        snprintf(text, sizeof(text), "AWS credentials not loaded: %s",
                 message);
    } else {
        in_home = home_len > 1 && strncmp(where, user->home, home_len) == 0
                  && where[home_len] == '/';
        snprintf(text, sizeof(text), "AWS credentials not loaded: %s (%s%s)",
                 message, in_home ? "~" : "",
                 where + (in_home ? home_len : 0));
    }
    pamaws_notice(args, text);
}

/* Logs a failure reported by the worker (never a secret). */
static void
log_worker_error(const struct pamaws_args *args, const struct pamaws_user *user,
                 const struct pamaws_result *result)
{
    const char *status = pamaws_result_get(result, "status_name");
    const char *message = pamaws_result_get(result, "message");
    const char *where = pamaws_result_get(result, "where");
    const char *provider = pamaws_result_get(result, "provider");
    int priority = LOG_ERR;

    if (args->config.quiet && status != NULL
        && strcmp(status, "no-credentials") == 0)
        priority = LOG_INFO;
    pamaws_log(args, priority,
               "no AWS credentials for user %s (%s mode, profile %s): %s"
               " [provider %s, %s]",
               user->name,
               args->config.mode == PAMAWS_MODE_SYSTEM ? "system" : "user",
               profile_label(args), message != NULL ? message : "unknown error",
               provider != NULL && provider[0] != '\0' ? provider : "none",
               where != NULL && where[0] != '\0' ? where : "no file");
    notice_failure(args, user, status,
                   message != NULL ? message : "unknown error", where);
}

/* Adds "NAME=value" to vars. */
int
pamaws_vars_add(struct pamaws_vars *vars, const char *name, const char *value)
{
    char *entry;

    if (vars->count >= PAMAWS_MAX_VARS
        || asprintf(&entry, "%s=%s", name, value) < 0)
        return -1;
    vars->set[vars->count++] = entry;
    return 0;
}

void
pamaws_vars_clear(struct pamaws_vars *vars)
{
    size_t i;

    for (i = 0; i < vars->count; i++)
        pamaws_free_secret(vars->set[i]);
    pamaws_mfa_session_clear(&vars->mfa_session);
    memset(vars, 0, sizeof(*vars));
}

void
pamaws_mfa_session_clear(struct pamaws_mfa_session *s)
{
    free(s->access_key_id);
    pamaws_free_secret(s->secret_access_key);
    pamaws_free_secret(s->session_token);
    memset(s, 0, sizeof(*s));
}

/* Checks one value; logs and returns -1 when it may not be exported. */
static int
check(const struct pamaws_args *args, const char *user, const char *name,
      const char *value, const char *why)
{
    if (value == NULL) {
        pamaws_log(args, LOG_ERR, "%s for user %s is missing from the worker's"
                   " result", name, user);
        return -1;
    }
    if (why != NULL) {
        pamaws_log(args, LOG_ERR, "%s for user %s %s, nothing exported", name,
                   user, why);
        return -1;
    }
    return 0;
}

/* Parses the decimal expiration; -1 when malformed. */
static int
parse_epoch(const char *s, int64_t *out)
{
    uint64_t n;

    /* 18 digits at most, as before: far past any Expiration */
    if (!number_parse(s, 999999999999999999ULL, &n))
        return -1;
    *out = (int64_t) n;
    return 0;
}

int
pamaws_mfa_session_set(struct pamaws_mfa_session *s, const char *key,
                       const char *secret, const char *token,
                       const char *expiration)
{
    int64_t expires;

    pamaws_mfa_session_clear(s);
    if (key == NULL || secret == NULL || token == NULL || expiration == NULL
        || pamaws_check_key_id(key) != NULL
        || pamaws_check_base64(secret, 256) != NULL
        || pamaws_check_base64(token, PAMAWS_TOKEN_MAX_BYTES) != NULL
        || parse_epoch(expiration, &expires) < 0 || expires == 0)
        return -1;
    s->access_key_id = strdup(key);
    s->secret_access_key = strdup(secret);
    s->session_token = strdup(token);
    s->expires = expires;
    if (s->access_key_id == NULL || s->secret_access_key == NULL
        || s->session_token == NULL) {
        pamaws_mfa_session_clear(s);
        return -1;
    }
    return 0;
}

/* An expiration as the AWS CLI exports it (datetime.isoformat()). */
int
pamaws_expiration_text(int64_t expires, char *buf, size_t size)
{
    time_t t = (time_t) expires;
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL
        || strftime(buf, size, "%Y-%m-%dT%H:%M:%S+00:00", &tm) == 0)
        return -1;
    return 0;
}

/*
 * Validates a successful result and builds vars from it. Expiry is judged
 * by AWS's clock when the worker measured it, so credentials that have
 * really expired are not exported from a host whose clock is slow.
 * Returns 0, or -1 (logged) when any value is unacceptable: then nothing
 * is exported.
 */
static int
vars_from_result(const struct pamaws_args *args, const struct pamaws_user *user,
                 const struct pamaws_result *r,
                 const struct pamaws_result *host, struct pamaws_vars *vars)
{
    const char *key = pamaws_result_get(r, "access_key_id");
    const char *secret = pamaws_result_get(r, "secret_access_key");
    const char *token = pamaws_result_get(r, "session_token");
    const char *expiration = pamaws_result_get(r, "expiration");
    const char *region = pamaws_result_get(r, "region");
    /* The account the keys belong to, when the provider said (SDKs use it
       for account-based endpoints); an inherited one is removed. */
    const char *account = pamaws_result_get(r, "account_id");
    int64_t expires = 0;
    char when[40] = "";

    if (check(args, user->name, "AWS_ACCESS_KEY_ID", key,
              key ? pamaws_check_key_id(key) : NULL) < 0
        || check(args, user->name, "AWS_SECRET_ACCESS_KEY", secret,
                 secret ? pamaws_check_base64(secret, 256) : NULL) < 0)
        return -1;
    if (token != NULL && token[0] == '\0')
        token = NULL;
    if (token != NULL
        && check(args, user->name, "AWS_SESSION_TOKEN", token,
                 pamaws_check_base64(token, PAMAWS_TOKEN_MAX_BYTES)) < 0)
        return -1;
    if (region != NULL && region[0] == '\0')
        region = NULL;
    if (region != NULL
        && check(args, user->name, "AWS_REGION", region,
                 pamaws_check_region(region)) < 0)
        return -1;
    if (account != NULL && account[0] == '\0')
        account = NULL;
    if (account != NULL
        && check(args, user->name, "AWS_ACCOUNT_ID", account,
                 strlen(account) == 12 && strspn(account, "0123456789") == 12
                     ? NULL
                     : "is not 12 digits") < 0)
        return -1;
    if (expiration != NULL
        && (parse_epoch(expiration, &expires) < 0
            || (expires != 0
                && pamaws_expiration_text(expires, when, sizeof(when))
                       < 0))) {
        pamaws_log(args, LOG_ERR, "bad expiration for user %s, nothing exported",
                   user->name);
        return -1;
    }
    if (expires != 0 && pamaws_clock_expired(args, r, host, expires)) {
        pamaws_log(args, LOG_ERR, "AWS credentials for user %s expired at %s,"
                   " nothing exported", user->name, when);
        return -1;
    }
    if (pamaws_vars_add(vars, "AWS_ACCESS_KEY_ID", key) < 0
        || pamaws_vars_add(vars, "AWS_SECRET_ACCESS_KEY", secret) < 0
        || (token != NULL && pamaws_vars_add(vars, "AWS_SESSION_TOKEN", token) < 0))
        return -1;
    if (expires != 0 && pamaws_vars_add(vars, "AWS_CREDENTIAL_EXPIRATION", when) < 0)
        return -1;
    if (region != NULL
        && (pamaws_vars_add(vars, "AWS_REGION", region) < 0
            || pamaws_vars_add(vars, "AWS_DEFAULT_REGION", region) < 0))
        return -1;
    if (account != NULL && pamaws_vars_add(vars, "AWS_ACCOUNT_ID", account) < 0)
        return -1;
    /* The role's MFA session (--mfa-role-session), for the broker */
    if (pamaws_result_get(r, PAMAWS_MFA_SESSION_KEY) != NULL
        && pamaws_mfa_session_set(
               &vars->mfa_session, pamaws_result_get(r, PAMAWS_MFA_SESSION_KEY),
               pamaws_result_get(r, PAMAWS_MFA_SESSION_SECRET),
               pamaws_result_get(r, PAMAWS_MFA_SESSION_TOKEN),
               pamaws_result_get(r, PAMAWS_MFA_SESSION_EXPIRATION))
               < 0) {
        pamaws_log(args, LOG_ERR, "bad MFA session for user %s, nothing"
                   " exported", user->name);
        return -1;
    }
    /* For deliver.c: what the broker serves besides the keys. */
    vars->expires = expires;
    if (account != NULL && strlen(account) == 12
        && strspn(account, "0123456789") == 12)
        memcpy(vars->account_id, account, 13);
    return 0;
}

/* Logs why the worker produced no usable result. */
static void
log_run_failure(const struct pamaws_args *args, const struct pamaws_user *user,
                const struct pamaws_run *run, const char *why)
{
    const char *mode = args->config.mode == PAMAWS_MODE_SYSTEM ? "system"
                                                               : "user";

    if (run->timed_out)
        pamaws_log(args, LOG_ERR, "timed out after %ld ms resolving AWS"
                   " credentials for user %s (%s mode, profile %s); worker"
                   " killed", args->config.timeout, user->name, mode,
                   profile_label(args));
    else if (run->error[0] != '\0')
        pamaws_log(args, LOG_ERR, "no AWS credentials for user %s: %s",
                   user->name, run->error);
    else if (!run->status_known)
        pamaws_log(args, LOG_ERR, "no AWS credentials for user %s: worker exit"
                   " status unknown (the host reaped it)", user->name);
    else
        pamaws_log(args, LOG_ERR, "no AWS credentials for user %s (%s mode,"
                   " profile %s): worker exited with status %d: %s",
                   user->name, mode, profile_label(args), run->exit_status,
                   why);
    if (run->stderr_text[0] != '\0')
        pamaws_log(args, LOG_ERR, "worker diagnostics: %.400s",
                   run->stderr_text);
}

/* The value of NAME in vars, or NULL. */
const char *
pamaws_vars_get(const struct pamaws_vars *vars, const char *name)
{
    size_t i, len = strlen(name);

    for (i = 0; i < vars->count; i++)
        if (strncmp(vars->set[i], name, len) == 0 && vars->set[i][len] == '=')
            return vars->set[i] + len + 1;
    return NULL;
}

/* The audit line of a login about to get vars (audit.c). */
static void
log_success(const struct pamaws_args *args, const struct pamaws_user *user,
            const struct pamaws_result *result, const struct pamaws_vars *vars,
            const struct pamaws_attribution *attrib)
{
    struct pamaws_audit audit = {0};
    const char *profile = pamaws_result_get(result, "profile");
    char line[PAMAWS_AUDIT_LINE_MAX];

    audit.user = user->name;
    audit.service = args->service;
    audit.rhost = args->rhost;
    audit.profile = profile != NULL && profile[0] != '\0'
                        ? profile : profile_label(args);
    audit.provider = pamaws_result_get(result, "method");
    audit.access_key_id = pamaws_vars_get(vars, "AWS_ACCESS_KEY_ID");
    audit.expires = pamaws_vars_get(vars, "AWS_CREDENTIAL_EXPIRATION");
    audit.role = attrib->role_arn;
    audit.source_identity = attrib->source_identity;
    if (args->audit_broker != NULL) {
        audit.uid = args->audit_broker->uid;
        audit.tty = args->audit_broker->tty;
        audit.broker = args->audit_broker->broker;
        audit.session = args->audit_broker->session;
    }
    pamaws_audit_format(&audit, line, sizeof(line));
    if (args->audit_held != NULL)
        memcpy(args->audit_held, line, sizeof(line));
    else
        pamaws_log(args, LOG_INFO, "%s", line);
}

/*
 * What a worker's result means for the login. The clock verdict comes
 * first: its line reaches the user even when resolution failed (a skewed
 * clock is a likely reason), and with clock_strict it can refuse the
 * session although credentials came back.
 */
static enum pamaws_outcome
judge_result(const struct pamaws_args *args, const struct pamaws_user *user,
             const struct pamaws_result *result,
             const struct pamaws_result *host,
             const struct pamaws_attribution *attrib, struct pamaws_vars *vars)
{
    struct pamaws_clock_outcome clock;
    const char *status = pamaws_result_get(result, "status");

    pamaws_clock_policy(args, user->name, result, host, &clock);
    if (clock.notice[0] != '\0')
        pamaws_notice(args, clock.notice);
    if (status == NULL || strcmp(status, "0") != 0) {
        log_worker_error(args, user, result);
        return PAMAWS_FAIL;
    }
    if (clock.refuse)
        return PAMAWS_REFUSE;
    if (vars_from_result(args, user, result, host, vars) < 0) {
        pamaws_vars_clear(vars);
        return PAMAWS_FAIL;
    }
    log_success(args, user, result, vars, attrib);
    /* For deliver.c: the broker serves Expiration in local-clock terms. */
    vars->clock_offset_s = clock.measured ? clock.offset_ms / 1000 : 0;
    return PAMAWS_EXPORT;
}

/*
 * After a resolution: the worker writes to stderr only its warnings
 * (warn_unsafe_dirs) and, with debug, its trace. One syslog line each.
 */
static void
log_worker_warnings(const struct pamaws_args *args, const struct pamaws_run *run)
{
    const char *line = run->stderr_text, *end;

    for (; *line != '\0'; line = *end != '\0' ? end + 1 : end) {
        end = strchr(line, '\n');
        if (end == NULL)
            end = line + strlen(line);
        if (end == line)
            continue;
        if (args->config.debug)
            pamaws_debug(args, "worker: %.*s", (int) (end - line), line);
        else
            pamaws_log(args, LOG_WARNING, "%.*s", (int) (end - line), line);
    }
}

/*
 * The clock probe (clock_policy.h), once the credential worker answered:
 * a short run of the worker with --clock-only as system_user (as
 * ourselves when not root), with only the admin's settings, so nothing
 * the user controls reaches the measurement. It gets at most
 * PAMAWS_CLOCK_PROBE_MAX_MS, less when timeout= has less left, name
 * lookups included; one that runs out is killed and the credentials
 * already received are kept. Fills clock, which stays empty otherwise.
 */
static void
run_clock_worker(const struct pamaws_args *args, const struct pamaws_user *user,
                 const struct pamaws_identity *self, long left_ms,
                 struct pamaws_result *clock)
{
    const struct pamaws_config *c = &args->config;
    struct pamaws_identity id = { 0, 0, NULL, 0 };
    struct pamaws_run run;
    struct request req;
    char *name = NULL, why[128] = "no result";
    long bound = left_ms < PAMAWS_CLOCK_PROBE_MAX_MS
                     ? left_ms : PAMAWS_CLOCK_PROBE_MAX_MS;

    memset(&req, 0, sizeof(req));
    memset(&run, 0, sizeof(run));
    if (bound <= 0) {
        pamaws_debug(args, "no time left for a clock probe");
        return;
    }
    if (geteuid() != 0)
        id = *self;
    else if (worker_identity(args, user, true, &id, &name) < 0)
        goto done;
    request_worker(&req, c, true, name != NULL ? name : user->name, &id,
                   SYSTEM_HOME, bound);
    req.fields.clock_only = true;
    req.fields.clock.check = c->clock_check;
    req.fields.clock.url = c->clock_url;
    req.fields.clock.sntp_server = c->sntp_server;
    /* the admin's profile, for the STS endpoint only: no credentials */
    req.fields.profile = c->system_profile;
    request_argv(&req, c->worker);
    request_env(&req, "AWS_CONFIG_FILE", c->system_config);
    if (req.nomem) {
        pamaws_log(args, LOG_CRIT, "out of memory");
        goto done;
    }
    if (pamaws_spawn(c->worker, req.argv, req.envp, &id, bound, &run) < 0
        || run.error[0] != '\0') {
        pamaws_log(args, LOG_WARNING, "clock probe not run: %s", run.error);
    } else if (run.timed_out) {
        snprintf(why, sizeof(why), "clock probe timed out after %ld ms",
                 bound);
        pamaws_log(args, LOG_WARNING, "%s; clock worker killed", why);
        /* remembered like any failed measurement */
        if (pamaws_result_add(clock, "clock_measured", "0") < 0
            || pamaws_result_add(clock, "clock_error", why) < 0)
            pamaws_result_clear(clock);
    } else if (pamaws_frame_parse(run.output, run.output_len, clock, why,
                                  sizeof(why)) < 0) {
        pamaws_log(args, LOG_WARNING, "clock probe gave no result: %s", why);
        pamaws_result_clear(clock);
    } else if (pamaws_result_get(clock, "clock_error") != NULL) {
        pamaws_log(args, LOG_WARNING, "clock probe failed within %ld ms: %s",
                   bound, pamaws_result_get(clock, "clock_error"));
    }

done:
    pamaws_run_free(&run);
    request_free(&req);
    if (id.groups != self->groups)
        free(id.groups);
    free(name);
}

/*
 * The host's clock for this login, into clock: only when credentials came
 * back and the admin did not turn the check off; from the host's record
 * while it is fresh (clock_check=always ignores it), else measured by the
 * clock worker and recorded, failures included, so a host that cannot
 * reach its reference tries once per clock_max_age.
 */
static void
clock_host(const struct pamaws_args *args, const struct pamaws_user *user,
           const struct pamaws_identity *self, const struct pamaws_result *result,
           long left_ms, struct pamaws_result *clock)
{
    const char *status = pamaws_result_get(result, "status");
    const char *check = pamaws_clock_check_value(args);

    if (status == NULL || strcmp(status, "0") != 0
        || (check != NULL && strcmp(check, "never") == 0))
        return;
    if ((check == NULL || strcmp(check, "always") != 0)
        && pamaws_clock_state_load(args, clock) == 0)
        return;
    run_clock_worker(args, user, self, left_ms, clock);
    if (clock->count > 0)
        pamaws_clock_state_save(args, clock);
}

/* Runs the worker and interprets what it produced. */
static enum pamaws_outcome
run_worker(const struct pamaws_args *args, const struct pamaws_user *user,
           struct pamaws_vars *vars)
{
    struct pamaws_identity id = { 0, 0, NULL, 0 };
    struct pamaws_result result, clock;
    struct pamaws_attribution attrib;
    struct pamaws_run run;
    struct request req;
    enum pamaws_outcome outcome = PAMAWS_FAIL;
    char *worker_user = NULL, why[128] = "no result";
    int64_t started = pamaws_clock_monotonic_ms();
    int parsed = -1;

    memset(&req, 0, sizeof(req));
    memset(&run, 0, sizeof(run));
    memset(&result, 0, sizeof(result));
    memset(&clock, 0, sizeof(clock));
    memset(&attrib, 0, sizeof(attrib));
    if (pamaws_attribution_build(args, user, &attrib) < 0
        || worker_identity(args, user, false, &id, &worker_user) < 0)
        goto done;
    request_build(args, user, worker_user, &id, &attrib, &req);
    if (req.nomem) {
        pamaws_log(args, LOG_CRIT, "out of memory");
        goto done;
    }
    pamaws_debug(args, "running %s as uid %lu for user %s", args->config.worker,
                 (unsigned long) id.uid, user->name);
    if (pamaws_spawn(args->config.worker, req.argv, req.envp, &id,
                     args->config.timeout, &run) < 0
        || run.error[0] != '\0' || run.timed_out) {
        log_run_failure(args, user, &run, why);
        goto done;
    }
    parsed = pamaws_frame_parse(run.output, run.output_len, &result, why,
                                sizeof(why));
    if (parsed < 0 || !run.status_known || run.exit_status != 0) {
        log_run_failure(args, user, &run, why);
        goto done;
    }
    log_worker_warnings(args, &run);
    clock_host(args, user, &id, &result,
               args->config.timeout
                   - (long) (pamaws_clock_monotonic_ms() - started),
               &clock);
    outcome = judge_result(args, user, &result, &clock, &attrib, vars);
    if (outcome == PAMAWS_EXPORT)
        pamaws_clock_kernel_notice(args, &clock);

done:
    pamaws_result_clear(&clock);
    pamaws_result_clear(&result);
    pamaws_run_free(&run);
    request_free(&req);
    pamaws_attribution_free(&attrib);
    free(id.groups);
    free(worker_user);
    return outcome;
}

enum pamaws_outcome
pamaws_session_scope(const struct pamaws_args *args,
                     const struct pamaws_user *user)
{
    if (user->uid == 0 && args->config.ignore_root) {
        pamaws_debug(args, "ignoring root user");
        return PAMAWS_SKIP;
    }
    if ((long) user->uid < args->config.minimum_uid) {
        pamaws_debug(args, "ignoring low-UID user (%lu < %ld)",
                     (unsigned long) user->uid, args->config.minimum_uid);
        return PAMAWS_SKIP;
    }
    if (user->home == NULL || user->home[0] != '/') {
        pamaws_log(args, LOG_ERR, "user %s has no home directory",
                   user->name);
        return PAMAWS_FAIL;
    }
    return pamaws_policy_check(args, user);
}

enum pamaws_outcome
pamaws_session_resolve(const struct pamaws_args *args,
                       const struct pamaws_user *user, struct pamaws_vars *vars)
{
    enum pamaws_outcome outcome;

    memset(vars, 0, sizeof(*vars));
    outcome = pamaws_session_scope(args, user);
    if (outcome != PAMAWS_EXPORT)
        return outcome;
    return run_worker(args, user, vars);
}

/*
 * user mode's mfa: the user's profile's mfa_serial, read by the worker as
 * the user (--mfa-query), so the auth phase opens no user file as root.
 * PAMAWS_EXPORT with *serial (NULL when the profile has none, else
 * checked as STS's SerialNumber) or PAMAWS_FAIL logged; for a user in
 * scope (pamaws_session_scope).
 */
enum pamaws_outcome
pamaws_session_mfa_serial(const struct pamaws_args *args,
                          const struct pamaws_user *user, char **serial)
{
    struct pamaws_identity id = { 0, 0, NULL, 0 };
    struct pamaws_attribution none;
    struct pamaws_result result;
    struct pamaws_run run;
    struct request req;
    enum pamaws_outcome outcome = PAMAWS_FAIL;
    char *worker_user = NULL, why[128] = "no result";
    const char *value, *bad;

    *serial = NULL;
    memset(&none, 0, sizeof(none));
    memset(&req, 0, sizeof(req));
    memset(&run, 0, sizeof(run));
    memset(&result, 0, sizeof(result));
    if (worker_identity(args, user, false, &id, &worker_user) < 0)
        goto done;
    request_build(args, user, worker_user, &id, &none, &req);
    /* the same request, asking only for the profile's mfa_serial */
    req.fields.mfa_query = true;
    pamaws_request_argv_free(req.argv);
    request_argv(&req, args->config.worker);
    if (req.nomem) {
        pamaws_log(args, LOG_CRIT, "out of memory");
        goto done;
    }
    if (pamaws_spawn(args->config.worker, req.argv, req.envp, &id,
                     args->config.timeout, &run) < 0
        || run.error[0] != '\0' || run.timed_out
        || pamaws_frame_parse(run.output, run.output_len, &result, why,
                              sizeof(why)) < 0
        || !run.status_known || run.exit_status != 0) {
        log_run_failure(args, user, &run, why);
        goto done;
    }
    value = pamaws_result_get(&result, "mfa_serial");
    if (value == NULL) {
        log_worker_error(args, user, &result);
        goto done;
    }
    bad = value[0] != '\0' ? pamaws_check_mfa_serial(value) : NULL;
    if (bad != NULL) {
        pamaws_log(args, LOG_ERR, "no MFA for user %s: the mfa_serial of"
                   " profile %s %s", user->name, profile_label(args), bad);
        goto done;
    }
    if (value[0] != '\0' && (*serial = strdup(value)) == NULL)
        goto done;
    outcome = PAMAWS_EXPORT;
done:
    pamaws_result_clear(&result);
    pamaws_run_free(&run);
    request_free(&req);
    free(id.groups);
    free(worker_user);
    return outcome;
}
