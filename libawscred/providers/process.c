/*
 * The credential_process provider (botocore ProcessProvider,
 * doc/credential-chain.md section 5): runs the profile's command,
 * split like shlex.split and without a shell, and reads version-1 JSON
 * credentials from its stdout.
 *
 * Where we deliberately differ from the AWS CLI, for a root login process
 * (doc/security.md D3):
 *  - The helper gets a built environment, not ours: HOME, USER, LOGNAME
 *    from the context's user, PATH=/usr/local/bin:/usr/bin:/bin,
 *    LANG=C.UTF-8, and, when set in the context's environment, the
 *    variables of passed_env below. Only when the context is not strict
 *    (no AWSCRED_FLAG_STRICT_FILES: the awscred command, whose environment
 *    is the user's own) are PATH, LANG and the variables of
 *    passed_env_trusted taken from the context's environment instead.
 *  - It runs in its own session (no controlling terminal), stdin from
 *    /dev/null, cwd = the user's home, only fds 0-2 open.
 *  - It runs under limits of its own (helper_limits below): CPU time
 *    within the timeout, 1 GiB of address space, 4096 processes of the
 *    user, no core file.
 *  - It is killed with its process group after the process timeout
 *    (default 30 s, capped by the resolution's budget); stdout is capped
 *    (max_process_output, 64 KiB), stderr to 4 KiB with control characters
 *    escaped before it reaches a message; a failure with nothing on stderr
 *    names its exit status or signal (the CLI's message ends empty).
 *  - Non-string credential values are refused (the CLI passes them on).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "common/runner.h"
#include "config/cfg.h"
#include "internal.h"
#include "providers/common.h"
#include "providers/provider.h"

#define METHOD "custom-process"
#define DEFAULT_TIMEOUT_MS 30000
#define DEFAULT_MAX_OUTPUT (64 * 1024)
#define MAX_STDERR 4096
#define FIXED_PATH "/usr/local/bin:/usr/bin:/bin"
#define MAX_ENV 40

/* Passed to every helper when the context's environment has them. */
static const char *const passed_env[] = {
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION",
    "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CA_BUNDLE",
    "_AWS_CLI_PROFILE_CHAIN", "TZ", NULL,
};

/* Also passed when the environment is the user's own (not strict). */
static const char *const passed_env_trusted[] = {
    "SHELL", "TMPDIR", "XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS",
    "SSH_AUTH_SOCK", "GNUPGHOME", "PASSWORD_STORE_DIR", "LC_ALL", NULL,
};

/* ---- The helper's environment and PATH search ---------------------- */

struct env_builder {
    char *vars[MAX_ENV + 1];
    size_t n;
    bool nomem;
};

static void
env_add(struct env_builder *b, const char *name, const char *value)
{
    char *v;

    if (value == NULL || b->n >= MAX_ENV)
        return;
    v = xasprintf("%s=%s", name, value);
    if (v == NULL)
        b->nomem = true;
    else
        b->vars[b->n++] = v;
}

static void
env_add_from_ctx(struct env_builder *b, const struct awscred_context *ctx,
                 const char *const *names)
{
    for (; *names != NULL; names++)
        env_add(b, *names, ctx_getenv(ctx, *names));
}

static bool
ctx_is_trusted(const struct awscred_context *ctx)
{
    return (ctx->flags & AWSCRED_FLAG_STRICT_FILES) == 0;
}

/* The PATH the helper gets, which is also the one we search. */
static const char *
helper_path(const struct awscred_context *ctx)
{
    const char *path = ctx_is_trusted(ctx) ? ctx_getenv(ctx, "PATH") : NULL;

    return path != NULL ? path : FIXED_PATH;
}

static const char *
ctx_home(const struct awscred_context *ctx)
{
    return ctx->home != NULL ? ctx->home : ctx_getenv(ctx, "HOME");
}

static bool
env_build(const struct awscred_context *ctx, struct env_builder *b)
{
    const char *user = ctx->user != NULL ? ctx->user : ctx_getenv(ctx, "USER");
    const char *lang = ctx_is_trusted(ctx) ? ctx_getenv(ctx, "LANG") : NULL;

    memset(b, 0, sizeof *b);
    env_add(b, "HOME", ctx_home(ctx));
    env_add(b, "USER", user);
    env_add(b, "LOGNAME", user);
    env_add(b, "PATH", helper_path(ctx));
    env_add(b, "LANG", lang != NULL ? lang : "C.UTF-8");
    env_add_from_ctx(b, ctx, passed_env);
    if (ctx_is_trusted(ctx))
        env_add_from_ctx(b, ctx, passed_env_trusted);
    return !b->nomem;
}

static void
env_free(struct env_builder *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->vars[i]);
    b->n = 0;
}

/* execvp's candidates for argv0, built here because the child may not
   allocate: argv0 itself when it holds a '/', else PATH entry + argv0 for
   each entry (an empty entry is the current directory). */
static char **
exec_candidates(const char *argv0, const char *path)
{
    size_t n = 2;
    char **v;
    const char *p = path;

    if (strchr(argv0, '/') != NULL)
        path = NULL;
    for (const char *c = path; c != NULL && *c != '\0'; c++)
        n += *c == ':';
    v = calloc(n, sizeof *v);
    if (v == NULL)
        return NULL;
    if (path == NULL) {
        v[0] = xstrdup(argv0);
        if (v[0] == NULL)
            goto nomem;
        return v;
    }
    for (size_t i = 0; p != NULL; i++) {
        const char *end = strchr(p, ':');
        size_t len = end != NULL ? (size_t) (end - p) : strlen(p);

        v[i] = len == 0 ? xstrdup(argv0)
                        : xasprintf("%.*s/%s", (int) len, p, argv0);
        if (v[i] == NULL)
            goto nomem;
        p = end != NULL ? end + 1 : NULL;
    }
    return v;
nomem:
    strv_free(v);
    return NULL;
}

/* ---- Messages ---------------------------------------------------------- */

/* Python's str() of a JSON value, for the Version message. */
static void
python_str(const cJSON *item, char *buf, size_t size)
{
    if (item == NULL)
        snprintf(buf, size, "<Version key not provided>");
    else if (json_is(item, cJSON_String))
        text_sanitize(item->valuestring, strlen(item->valuestring), buf,
                        size);
    else if (json_is(item, cJSON_Number)
             && floor(item->valuedouble) == item->valuedouble
             && fabs(item->valuedouble) < 1e15)
        snprintf(buf, size, "%.0f", item->valuedouble);
    else if (json_is(item, cJSON_Number))
        snprintf(buf, size, "%.17g", item->valuedouble);
    else if (json_is(item, cJSON_True | cJSON_False))
        snprintf(buf, size, "%s",
                 json_is(item, cJSON_True) ? "True" : "False");
    else if (json_is(item, cJSON_NULL))
        snprintf(buf, size, "None");
    else
        snprintf(buf, size, "%s",
                 json_is(item, cJSON_Array) ? "[...]" : "{...}");
}

/* Python's type name, for "'list' object has no attribute 'get'". */
static const char *
python_type(const cJSON *item)
{
    if (json_is(item, cJSON_Array))
        return "list";
    if (json_is(item, cJSON_String))
        return "str";
    if (json_is(item, cJSON_True | cJSON_False))
        return "bool";
    if (json_is(item, cJSON_NULL))
        return "NoneType";
    return floor(item->valuedouble) == item->valuedouble ? "int" : "float";
}

static enum provider_outcome
fail_retrieval(struct awscred_error *err, const char *where, const char *what)
{
    error_set(err, AWSCRED_ERR_RETRIEVAL, METHOD, where,
              "Error when retrieving credentials from custom-process: %s",
              what);
    return PROVIDER_FAILED;
}

/* ---- Reading the output ----------------------------------------------- */

/* A credential value: absent/null is NULL, a string is copied, anything
   else is refused. */
static bool
take_string(const cJSON *root, const char *key, char **out)
{
    const cJSON *item = json_get(root, key);

    *out = NULL;
    if (item == NULL || json_is(item, cJSON_NULL))
        return true;
    if (!json_is(item, cJSON_String))
        return false;
    *out = xstrdup(item->valuestring);
    return *out != NULL;
}

static enum provider_outcome
check_version(const cJSON *root, const char *where, struct awscred_error *err)
{
    const cJSON *version = json_get(root, "Version");
    char shown[256];

    /* Python compares with != 1, so 1.0 and true pass too. */
    if (version != NULL
        && ((json_is(version, cJSON_Number) && version->valuedouble == 1.0)
            || json_is(version, cJSON_True)))
        return PROVIDER_FOUND;
    python_str(version, shown, sizeof shown);
    error_set(err, AWSCRED_ERR_RETRIEVAL, METHOD, where,
              "Error when retrieving credentials from custom-process: "
              "Unsupported version '%s' for credential process provider, "
              "supported versions: 1", shown);
    return PROVIDER_FAILED;
}

static enum provider_outcome
read_credentials(const cJSON *root, struct awscred_credentials *c,
                 const char *where, struct awscred_error *err)
{
    static const char *const required[] = {"AccessKeyId", "SecretAccessKey"};
    char **required_out[] = {&c->access_key_id, &c->secret_access_key};
    char *expiration = NULL;
    enum provider_outcome outcome = PROVIDER_FAILED;

    for (size_t i = 0; i < 2; i++) {
        const cJSON *item = json_get(root, required[i]);

        if (item == NULL) {
            error_set(err, AWSCRED_ERR_RETRIEVAL, METHOD, where,
                      "Error when retrieving credentials from custom-process:"
                      " Missing required key in response: '%s'", required[i]);
            goto done;
        }
        if (!take_string(root, required[i], required_out[i])
            || *required_out[i] == NULL)
            goto bad_value;
    }
    if (!take_string(root, "SessionToken", &c->session_token)
        || !take_string(root, "AccountId", &c->account_id)
        || !take_string(root, "Expiration", &expiration))
        goto bad_value;
    if (expiration != NULL && time_parse_expiration(expiration, c) != 0) {
        char shown[256];

        text_sanitize(expiration, strlen(expiration), shown, sizeof shown);
        error_set(err, AWSCRED_ERR_RETRIEVAL, METHOD, where,
                  "Unknown string format: %s", shown);
        goto done;
    }
    outcome = PROVIDER_FOUND;
    goto done;
bad_value:
    fail_retrieval(err, where, "a credential value in the response is not a "
                   "string");
done:
    free(expiration);
    return outcome;
}

static enum provider_outcome
parse_output(struct awscred_context *ctx, const char *out, size_t len,
             const char *where, struct awscred_credentials *c,
             struct awscred_error *err)
{
    struct cJSON *root =
        json_parse(ctx, out, len, "credential_process output", err);
    enum provider_outcome outcome = PROVIDER_FAILED;

    if (root == NULL) {
        if (err != NULL) {
            err->status = AWSCRED_ERR_RETRIEVAL;
            snprintf(err->provider, sizeof err->provider, "%s", METHOD);
        }
        return PROVIDER_FAILED;
    }
    if (!json_is(root, cJSON_Object)) {
        error_set(err, AWSCRED_ERR_RETRIEVAL, METHOD, where,
                  "'%s' object has no attribute 'get'", python_type(root));
        goto done;
    }
    outcome = check_version(root, where, err);
    if (outcome == PROVIDER_FOUND)
        outcome = read_credentials(root, c, where, err);
done:
    json_free(root);
    return outcome;
}

/* ---- Running the helper ----------------------------------------------- */

static int64_t
process_timeout_ms(const struct awscred_context *ctx)
{
    int64_t limit = ctx->limits.process_timeout_ms != 0
                        ? ctx->limits.process_timeout_ms
                        : DEFAULT_TIMEOUT_MS;
    int64_t left = ctx_time_left_ms(ctx);

    return left < limit ? left : limit;
}

/* Turns a finished run into an outcome (or a failure message). */
static enum provider_outcome
judge_run(const struct awscred_context *ctx, const struct runner_result *res,
          const char *argv0, const char *where, struct awscred_error *err)
{
    char text[1024];

    if (res->setup_stage != RUNNER_STAGE_NONE) {
        error_set(err, AWSCRED_ERR_RETRIEVAL, METHOD, where,
                  "[Errno %d] %s: '%s'", res->setup_errno,
                  strerror(res->setup_errno), argv0);
        return PROVIDER_FAILED;
    }
    if (res->timed_out) {
        error_set(err, AWSCRED_ERR_TIMEOUT, METHOD, where,
                  "credential_process timed out after %.3g s and was killed",
                  (double) res->elapsed_ms / 1000.0);
        return PROVIDER_FAILED;
    }
    if (res->out_overflow) {
        error_set(err, AWSCRED_ERR_RETRIEVAL, METHOD, where,
                  "credential_process output exceeds %zu bytes",
                  ctx->limits.max_process_output != 0
                      ? ctx->limits.max_process_output
                      : (size_t) DEFAULT_MAX_OUTPUT);
        return PROVIDER_FAILED;
    }
    if (res->status_unknown)
        return fail_retrieval(err, where, "the status of credential_process "
                              "could not be obtained");
    if (res->exited && res->exit_status == 0)
        return PROVIDER_FOUND;
    text_sanitize(res->err, res->err_len, text, sizeof text);
    if (res->exited)
        ctx_log(ctx, LOG_ERR, "credential_process (%s) exited with status %d",
                where, res->exit_status);
    else
        ctx_log(ctx, LOG_ERR, "credential_process (%s) was killed by signal %d",
                where, res->term_signal);
    if (text[0] == '\0')
        snprintf(text, sizeof text, res->exited ? "exit status %d"
                                                : "killed by signal %d",
                 res->exited ? res->exit_status : res->term_signal);
    return fail_retrieval(err, where, text);
}

/*
 * The helper's own limits: sshd's are far above a login's needs, and
 * pam_limits runs after the session modules in Debian's stack. CPU
 * seconds: the timeout's whole seconds and two more; 1 GiB of address
 * space (`aws configure list` of the AWS CLI v1 runs in 200 MiB), not in
 * an ASan build, whose shadow memory reserves terabytes; 4096 processes
 * of the user; no core file, which would hold the credentials.
 */
static size_t
helper_limits(int64_t timeout_ms, struct runner_limit *limits)
{
    rlim_t cpu = (rlim_t) (timeout_ms > 0 ? timeout_ms : 0) / 1000 + 2;
    size_t n = 0;

    limits[n++] = (struct runner_limit){RLIMIT_CPU, cpu};
    limits[n++] = (struct runner_limit){RLIMIT_CORE, 0};
    limits[n++] = (struct runner_limit){RLIMIT_NPROC, 4096};
#ifndef __SANITIZE_ADDRESS__
    limits[n++] = (struct runner_limit){RLIMIT_AS, (rlim_t) 1 << 30};
#endif
    return n;
}

static enum provider_outcome
run_helper(struct awscred_context *ctx, char **argv, const char *where,
           struct runner_result *res, struct awscred_error *err)
{
    struct env_builder env;
    struct runner_limit limits[4];
    char **paths = exec_candidates(argv[0], helper_path(ctx));
    struct runner_plan plan = {
        .argv = argv,
        .exec_paths = paths,
        .envp = env.vars,
        .cwd = ctx_home(ctx),
        .timeout_ms = process_timeout_ms(ctx),
        .max_stdout = ctx->limits.max_process_output != 0
                          ? ctx->limits.max_process_output
                          : DEFAULT_MAX_OUTPUT,
        .max_stderr = MAX_STDERR,
        .limits = limits,
    };
    enum provider_outcome outcome = PROVIDER_FAILED;

    plan.nlimits = helper_limits(plan.timeout_ms, limits);
    if (!env_build(ctx, &env) || paths == NULL) {
        error_set(err, AWSCRED_ERR_NOMEM, METHOD, where, "out of memory");
        goto done;
    }
    if (runner_run(&plan, res) < 0) {
        error_set(err, errno == ENOMEM ? AWSCRED_ERR_NOMEM
                                       : AWSCRED_ERR_RETRIEVAL,
                  METHOD, where, "cannot start credential_process: %s",
                  strerror(errno));
        goto done;
    }
    outcome = judge_run(ctx, res, argv[0], where, err);
done:
    env_free(&env);
    strv_free(paths);
    return outcome;
}

static enum provider_outcome
load(struct resolver *r, const char *profile, struct awscred_credentials **out,
     struct awscred_error *err)
{
    const struct cfg_section *sec = cfg_profile(r->cfg, profile);
    const char *command = cfg_get(sec, "credential_process");
    const char *split_error = NULL;
    struct runner_result res = {0};
    struct awscred_credentials *c = NULL;
    enum provider_outcome outcome = PROVIDER_FAILED;
    char where[512], what[300];
    char **argv;

    if (sec == NULL || command == NULL)
        return PROVIDER_SKIP;
    snprintf(where, sizeof where, "%s:%u", cfg_section_file(sec),
             cfg_key_line(sec, "credential_process"));
    if (r->ctx->flags & AWSCRED_FLAG_NO_PROCESS) {
        snprintf(what, sizeof what, "profile %s", profile);
        error_disabled(err, METHOD, sec, "credential_process", what);
        return PROVIDER_FAILED;
    }
    argv = shlex_split(command, &split_error);
    if (argv == NULL) {
        error_set(err, AWSCRED_ERR_INVALID_CONFIG, METHOD, where, "%s",
                  split_error != NULL ? split_error : "out of memory");
        return PROVIDER_FAILED;
    }
    if (argv[0] == NULL) {
        error_set(err, AWSCRED_ERR_INVALID_CONFIG, METHOD, where,
                  "credential_process is empty");
        goto done;
    }
    /* Its output is JSON: no command runs whose answer cannot be read. */
    if (json_load(r->ctx, METHOD, err) != AWSCRED_OK
        || run_helper(r->ctx, argv, where, &res, err) != PROVIDER_FOUND)
        goto done;
    c = credentials_new();
    if (c == NULL) {
        error_set(err, AWSCRED_ERR_NOMEM, METHOD, where, "out of memory");
        goto done;
    }
    outcome = parse_output(r->ctx, res.out, res.out_len, where, c, err);
    if (outcome == PROVIDER_FOUND && c->account_id == NULL)
        c->account_id = xstrdup(cfg_get(sec, "aws_account_id"));
    if (outcome == PROVIDER_FOUND) {
        c->method = METHOD;
        *out = c;
        c = NULL;
    }
done:
    awscred_credentials_free(c);
    runner_result_free(&res);
    strv_free(argv);
    return outcome;
}

const struct provider provider_process = {METHOD, load};
