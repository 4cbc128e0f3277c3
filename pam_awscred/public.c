/*
 * public.c: the PAM entry points of pam_awscred.so, the only symbols it
 * exports (pam_awscred.map). open_session resolves the user's AWS
 * credentials in a worker and puts them into the PAM environment, all or
 * nothing; close_session removes exactly what open_session set; setcred
 * does nothing, like pam-krb5 used only for sessions.
 *
 * The module links neither libawscred nor libcurl/OpenSSL: all of that
 * lives in the exec'd worker, so the host process never maps it.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <pwd.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>
#include <security/pam_modutil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "pam_awscred/internal.h"

/* The entry points are the only symbols not hidden (-fvisibility=hidden). */
#define PAM_PUBLIC __attribute__((visibility("default")))

/* pam_set_data name of what this module exported in this handle. */
#define DATA_EXPORTED "pam_awscred_exported"
/* pam_set_data name of the broker session to unregister (deliver.c). */
#define DATA_BROKER "pam_awscred_broker"

static void
log_to_syslog(void *arg, int priority, const char *message)
{
    pam_syslog(arg, priority, "%s", message);
}

/* A line on the user's terminal through the application's conversation
   (sshd shows it after login, like the motd). */
static void
notice_to_user(void *arg, const char *text)
{
    (void) pam_info(arg, "%s", text);
}

/* The names we set, NULL-terminated; freed by the PAM data cleanup. */
struct exported {
    char *names[PAMAWS_MAX_VARS + 1];
};

static void
exported_free(pam_handle_t *pamh, void *data, int error_status)
{
    struct exported *exported = data;
    size_t i;

    for (i = 0; exported->names[i] != NULL; i++)
        free(exported->names[i]);
    free(exported);
}

/* Removes name from the PAM environment if it is there. */
static void
env_unset(pam_handle_t *pamh, const char *name)
{
    if (pam_getenv(pamh, name) != NULL)
        pam_putenv(pamh, name);
}

static bool
exported_has(const struct exported *exported, const char *name)
{
    size_t i;

    for (i = 0; exported->names[i] != NULL; i++)
        if (strcmp(exported->names[i], name) == 0)
            return true;
    return false;
}

/*
 * Removes the conflicting variables and any of our names we did not set,
 * so the session holds exactly one credential set. late: a later stack
 * line (after pam_env) checks what modules after us set, and logs it.
 */
static void
unset_others(const struct pamaws_args *args, pam_handle_t *pamh,
             const struct exported *exported, bool late)
{
    const char *const *lists[] = { pamaws_conflicting_names,
                                   pamaws_exported_names };
    const char *name;
    size_t l, i;

    for (l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
        for (i = 0; (name = lists[l][i]) != NULL; i++) {
            if (exported_has(exported, name) || pam_getenv(pamh, name) == NULL)
                continue;
            pam_putenv(pamh, name);
            if (late)
                pamaws_log(args, LOG_WARNING, "removed %s, set after"
                           " pam_awscred exported credentials: a session"
                           " holds one credential set", name);
        }
    }
}

/*
 * Sets every variable in vars, or none: on a failure the ones already set
 * are removed again. Then unset_others(). Returns a PAM status code.
 */
static int
export_vars(const struct pamaws_args *args, pam_handle_t *pamh,
            const struct pamaws_vars *vars)
{
    struct exported *exported;
    size_t i, j;
    int status;

    exported = calloc(1, sizeof(*exported));
    if (exported == NULL)
        return PAM_BUF_ERR;
    for (i = 0; i < vars->count; i++) {
        size_t len = strcspn(vars->set[i], "=");

        exported->names[i] = strndup(vars->set[i], len);
        status = exported->names[i] == NULL ? PAM_BUF_ERR
                                            : pam_putenv(pamh, vars->set[i]);
        if (status != PAM_SUCCESS) {
            pamaws_log(args, LOG_ERR, "cannot set %s: %s",
                       exported->names[i] ? exported->names[i] : "variable",
                       pam_strerror(pamh, status));
            for (j = 0; j < i; j++)
                env_unset(pamh, exported->names[j]);
            exported_free(pamh, exported, 0);
            return status;
        }
    }
    unset_others(args, pamh, exported, false);
    status = pam_set_data(pamh, DATA_EXPORTED, exported, exported_free);
    if (status != PAM_SUCCESS)
        exported_free(pamh, exported, 0);
    return status;
}

/* Loads the options for user (NULL when unknown), with the user's groups
   (kept for the worker). 0 or -1 (no memory). */
static int
args_init(struct pamaws_args *args, pam_handle_t *pamh, int argc,
          const char **argv, const struct passwd *pw, gid_t **groups,
          size_t *ngroups)
{
    memset(args, 0, sizeof(*args));
    args->log = log_to_syslog;
    args->log_arg = pamh;
    *groups = NULL;
    *ngroups = 0;
    if (pw != NULL)
        *groups = pamaws_user_groups(pw->pw_name, pw->pw_gid, ngroups);
    return pamaws_options_load(args, argc, argv, pw ? pw->pw_name : NULL,
                               *groups, *ngroups);
}

/* The PAM code for a failure: strict makes failures fatal. */
static int
failure(const struct pamaws_args *args, int strict_code)
{
    return args->config.strict ? strict_code : PAM_IGNORE;
}

static void
broker_free(pam_handle_t *pamh, void *data, int error_status)
{
    (void) pamh;
    (void) error_status;
    free(data);
}

/* Keys or the broker's pointers (deliver.c), then exported. */
static int
deliver(const struct pamaws_args *args, pam_handle_t *pamh, int argc,
        const char **argv, const struct pamaws_user *user,
        struct pamaws_vars *vars)
{
    const void *service = NULL, *rhost = NULL, *tty = NULL;
    struct pamaws_login login;
    char unreg[PAMAWS_BROKER_CLOSE_MAX], *data;
    int status;

    (void) pam_get_item(pamh, PAM_SERVICE, &service);
    (void) pam_get_item(pamh, PAM_RHOST, &rhost);
    (void) pam_get_item(pamh, PAM_TTY, &tty);
    login.service = service;
    login.rhost = rhost;
    login.tty = tty;
    login.argc = argc;
    login.argv = argv;
    if (pamaws_deliver(args, user, &login, vars, unreg, sizeof(unreg))
        != PAMAWS_EXPORT)
        return failure(args, PAM_SESSION_ERR);
    status = export_vars(args, pamh, vars);
    if (status != PAM_SUCCESS) {
        if (unreg[0] != '\0')
            pamaws_broker_close(args, unreg);
        return failure(args, status);
    }
    if (unreg[0] != '\0'
        && ((data = strdup(unreg)) == NULL
            || pam_set_data(pamh, DATA_BROKER, data, broker_free)
                   != PAM_SUCCESS)) {
        free(data);
        pamaws_log(args, LOG_ERR, "cannot keep the broker session: it is"
                   " unregistered at the broker's max_lifetime");
    }
    return PAM_SUCCESS;
}

/* What every entry point starts with: the user, the options for her and
   where the login comes from. PAM_SUCCESS, or the code to return. */
static int
login_init(pam_handle_t *pamh, int flags, int argc, const char **argv,
           struct pamaws_args *args, struct pamaws_user *user,
           gid_t **groups, size_t *ngroups)
{
    const void *name = NULL, *ruser = NULL, *item = NULL;
    struct passwd *pw = NULL;

    if (pam_get_item(pamh, PAM_USER, &name) == PAM_SUCCESS && name != NULL)
        pw = pam_modutil_getpwnam(pamh, name);
    if (args_init(args, pamh, argc, argv, pw, groups, ngroups) < 0) {
        pam_syslog(pamh, LOG_CRIT, "out of memory");
        return PAM_BUF_ERR;
    }
    if (pam_get_item(pamh, PAM_SERVICE, &item) == PAM_SUCCESS)
        args->service = item;
    if (pam_get_item(pamh, PAM_RHOST, &item) == PAM_SUCCESS)
        args->rhost = item;
    if (!(flags & PAM_SILENT)) {
        args->notice = notice_to_user;
        args->notice_arg = pamh;
    }
    if (name == NULL || pw == NULL) {
        pamaws_log(args, LOG_ERR,
                   "cannot get AWS credentials: user %s unknown",
                   name != NULL ? (const char *) name : "(not set)");
        return failure(args, PAM_USER_UNKNOWN);
    }
    user->name = pw->pw_name;
    user->uid = pw->pw_uid;
    user->gid = pw->pw_gid;
    user->home = pw->pw_dir;
    user->shell = pw->pw_shell;
    user->ruser = pam_get_item(pamh, PAM_RUSER, &ruser) == PAM_SUCCESS
                      ? ruser : NULL;
    user->groups = *groups;
    user->ngroups = *ngroups;
    return PAM_SUCCESS;
}

/* The auth phase's MFA credentials (mfa.c), when it left a handle: the
   handle leaves the environment whatever happens. The broker gets the
   options with mfa last, so that it never renews them without a code
   (awscredd/mfa.c), even when the session line lacks mfa. */
static int
redeem_mfa(const struct pamaws_args *args, pam_handle_t *pamh, int argc,
           const char **argv, const struct pamaws_user *user,
           const char *handle)
{
    struct pamaws_vars vars;
    const char **with_mfa;
    char copy[64];
    int status, n = argc > 0 ? argc : 0;

    snprintf(copy, sizeof(copy), "%s", handle);
    pam_putenv(pamh, PAMAWS_MFA_HANDLE_ENV);
    if (pamaws_mfa_redeem(args, user, copy, &vars) < 0)
        return failure(args, PAM_SESSION_ERR);
    with_mfa = calloc((size_t) n + 1, sizeof(*with_mfa));
    if (with_mfa == NULL) {
        pamaws_vars_clear(&vars);
        pamaws_log(args, LOG_CRIT, "out of memory");
        return failure(args, PAM_BUF_ERR);
    }
    if (n > 0)
        memcpy(with_mfa, argv, sizeof(*argv) * (size_t) n);
    with_mfa[n] = "mfa";
    status = deliver(args, pamh, n + 1, with_mfa, user, &vars);
    free(with_mfa);
    pamaws_vars_clear(&vars);
    return status;
}

PAM_PUBLIC int
pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    struct pamaws_args args;
    struct pamaws_vars vars;
    struct pamaws_user user;
    const void *data = NULL;
    const char *handle;
    gid_t *groups = NULL;
    size_t ngroups = 0;
    int status;

    memset(&vars, 0, sizeof(vars));
    status = login_init(pamh, flags, argc, argv, &args, &user, &groups,
                        &ngroups);
    pamaws_debug(&args, "pam_sm_open_session: entry");
    if (status != PAM_SUCCESS)
        goto done;
    if (pam_get_data(pamh, DATA_EXPORTED, &data) == PAM_SUCCESS
        && data != NULL) {
        /* A second line, after pam_env: keep one set (pam_awscred(8),
           ENVIRONMENT). */
        pamaws_debug(&args, "session already open, credentials kept");
        unset_others(&args, pamh, data, true);
        status = PAM_SUCCESS;
        goto done;
    }
    handle = pam_getenv(pamh, PAMAWS_MFA_HANDLE_ENV);
    if (handle != NULL) {
        status = redeem_mfa(&args, pamh, argc, argv, &user, handle);
        goto done;
    }
    if (args.config.mfa) {
        /* Without the code (optional auth went on) the role is not
           assumed without it; a user out of scope had no prompt. */
        switch (pamaws_session_scope(&args, &user)) {
        case PAMAWS_SKIP:
            status = PAM_IGNORE;
            break;
        case PAMAWS_EXPORT:
            pamaws_log(&args, LOG_ERR, "no AWS credentials for user %s: mfa"
                       " is set and the auth phase left no MFA handle",
                       user.name);
            /* fall through */
        default:
            status = failure(&args, PAM_SESSION_ERR);
            break;
        }
        goto done;
    }
    switch (pamaws_session_resolve(&args, &user, &vars)) {
    case PAMAWS_SKIP:
        status = PAM_IGNORE;
        break;
    case PAMAWS_FAIL:
        status = failure(&args, PAM_SESSION_ERR);
        break;
    case PAMAWS_REFUSE:
        status = PAM_SESSION_ERR;
        break;
    case PAMAWS_EXPORT:
    default:
        status = deliver(&args, pamh, argc, argv, &user, &vars);
        break;
    }

done:
    pamaws_debug(&args, "pam_sm_open_session: exit (%s)",
                 pam_strerror(pamh, status));
    pamaws_vars_clear(&vars);
    pamaws_config_free(&args.config);
    free(groups);
    return status;
}

/* Asks for the MFA code of serial: 6 digits into code. 0, or -1 (told). */
static int
ask_mfa_code(const struct pamaws_args *args, pam_handle_t *pamh,
             const char *serial, char *code, size_t size)
{
    char *answer = NULL;
    int rc = -1;

    if (pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &answer, "AWS MFA code for %s:",
                   serial) != PAM_SUCCESS || answer == NULL) {
        pamaws_log(args, LOG_ERR, "no MFA code: the conversation failed");
    } else if (strlen(answer) != 6 || strspn(answer, "0123456789") != 6
               || size <= 6) {
        pamaws_log(args, LOG_ERR, "the MFA code is not 6 digits");
        (void) pam_error(pamh, "AWS MFA code: 6 digits, please");
    } else {
        memcpy(code, answer, 7);
        rc = 0;
    }
    if (answer != NULL)
        pamaws_free_secret(answer);
    return rc;
}

/*
 * The MFA device to ask a code for: mfa_serial= in system mode (NULL is
 * an error), the user's profile's mfa_serial in user mode, read as the
 * user (NULL: none, credentials without MFA). PAM_SUCCESS, PAM_IGNORE
 * (user out of scope, or her files name no usable device: her own
 * configuration cannot refuse her login, and her session gets nothing
 * without the auth phase's handle) or PAM_AUTH_ERR (logged).
 */
static int
mfa_device(const struct pamaws_args *args, const struct pamaws_user *user,
           struct pamaws_attribution *attrib, char **user_serial,
           const char **serial)
{
    *serial = NULL;
    /* No prompt for a login the session leaves alone (root, su from
       another user ...): a required line would refuse it. */
    switch (pamaws_session_scope(args, user)) {
    case PAMAWS_EXPORT:
        break;
    case PAMAWS_SKIP:
        return PAM_IGNORE;
    default:  /* logged */
        return PAM_AUTH_ERR;
    }
    if (args->config.mode != PAMAWS_MODE_SYSTEM) {
        switch (pamaws_session_mfa_serial(args, user, user_serial)) {
        case PAMAWS_EXPORT:
            *serial = *user_serial;
            return PAM_SUCCESS;
        default:  /* logged */
            return PAM_IGNORE;
        }
    }
    if (pamaws_attribution_build(args, user, attrib) < 0)
        return PAM_AUTH_ERR;  /* logged */
    if (attrib->mfa_serial == NULL) {
        pamaws_log(args, LOG_ERR, "mfa needs mfa_serial=: no MFA for user"
                   " %s", user->name);
        return PAM_AUTH_ERR;
    }
    *serial = attrib->mfa_serial;
    return PAM_SUCCESS;
}

/* Whether the broker will serve this login's session (deliver.c): then a
   role's MFA session is kept for it to assume the role again from. */
static bool
broker_serves(const struct pamaws_args *args)
{
    struct pamaws_vars expiring = { .expires = 1 };  /* a role's keys */
    const char *how;
    char why[256];

    how = pamaws_deliver_probe(args, &expiring, why, sizeof(why));
    return how != NULL && strcmp(how, "endpoint") == 0;
}

/*
 * auth with mfa: asks for the code of the MFA device (mfa_device), has
 * the worker assume the role (system mode; a role profile in user mode)
 * or get a session token (a user's profile with long-term keys) with it,
 * and leaves the credentials for the session behind a one-time handle
 * (mfa.c). A failure is told through the conversation and syslog and
 * returns PAM_AUTH_ERR: required refuses the login, optional goes on
 * without AWS credentials. A user whose profile has no mfa_serial (user
 * mode) gets her credentials the same way, without a prompt, and the
 * result is PAM_IGNORE: there was nothing to authenticate.
 */
PAM_PUBLIC int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc,
                    const char **argv)
{
    struct pamaws_args args;
    struct pamaws_attribution attrib;
    struct pamaws_vars vars;
    struct pamaws_user user;
    char code[8] = "", handle[64], env[96], *user_serial = NULL;
    const char *serial = NULL;
    gid_t *groups = NULL;
    size_t ngroups = 0;
    int status;

    memset(&vars, 0, sizeof(vars));
    memset(&attrib, 0, sizeof(attrib));
    status = login_init(pamh, flags, argc, argv, &args, &user, &groups,
                        &ngroups);
    if (status != PAM_SUCCESS || !args.config.mfa) {
        status = status != PAM_SUCCESS ? PAM_AUTH_ERR : PAM_IGNORE;
        goto done;
    }
    status = mfa_device(&args, &user, &attrib, &user_serial, &serial);
    if (status != PAM_SUCCESS)
        goto done;
    status = PAM_AUTH_ERR;
    if (serial != NULL) {
        if (ask_mfa_code(&args, pamh, serial, code, sizeof(code)) < 0)
            goto done;
        args.mfa_code = code;
        args.mfa_serial = serial;
        args.mfa_role_session = args.config.mode != PAMAWS_MODE_SYSTEM
                                && broker_serves(&args);
    }
    switch (pamaws_session_resolve(&args, &user, &vars)) {
    case PAMAWS_SKIP:
        status = PAM_IGNORE;
        break;
    case PAMAWS_EXPORT:
        if (pamaws_mfa_store(&args, &user, &vars, handle, sizeof(handle)) < 0)
            break;
        snprintf(env, sizeof(env), "%s=%s", PAMAWS_MFA_HANDLE_ENV, handle);
        status = pam_putenv(pamh, env) == PAM_SUCCESS ? PAM_SUCCESS
                                                      : PAM_AUTH_ERR;
        break;
    default:  /* logged, and told through the conversation */
        break;
    }
    if (serial == NULL && status != PAM_IGNORE)
        status = PAM_IGNORE;  /* no MFA asked: nothing to refuse */

done:
    pamaws_wipe(code, sizeof(code));
    pamaws_vars_clear(&vars);
    pamaws_attribution_free(&attrib);
    pamaws_config_free(&args.config);
    free(user_serial);
    free(groups);
    return status;
}

PAM_PUBLIC int
pam_sm_close_session(pam_handle_t *pamh, int flags, int argc,
                     const char **argv)
{
    const void *data = NULL;
    const struct exported *exported;
    size_t i;

    if (pam_get_data(pamh, DATA_BROKER, &data) == PAM_SUCCESS
        && data != NULL) {
        struct pamaws_args args;

        memset(&args, 0, sizeof(args));
        args.log = log_to_syslog;
        args.log_arg = pamh;
        pamaws_broker_close(&args, data);
        pam_set_data(pamh, DATA_BROKER, NULL, NULL);
    }
    if (pam_get_data(pamh, DATA_EXPORTED, &data) != PAM_SUCCESS || data == NULL)
        return PAM_SUCCESS;
    exported = data;
    for (i = 0; exported->names[i] != NULL; i++)
        env_unset(pamh, exported->names[i]);
    /* Replacing the data runs the cleanup, which frees the list. */
    pam_set_data(pamh, DATA_EXPORTED, NULL, NULL);
    return PAM_SUCCESS;
}

/*
 * Credentials live in the session environment set by open_session; like
 * pam-krb5 configured for sessions only, setcred has nothing to do.
 */
PAM_PUBLIC int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
    return PAM_SUCCESS;
}
