/*
 * test_process: the credential_process provider through awscred_resolve,
 * with real helper scripts (tests/data/process) and a real config file:
 * output validation with the AWS CLI's messages, exec errors, deadlines,
 * floods, a daemon holding stdout, no terminal, and the environment and
 * descriptors the helper sees.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"

struct fixture {
    char home[64];
    char data[4096];   /* tests/data/process */
    char probe[4096];  /* tests/unit/process_probe */
    const char *env[16][2];
    struct awscred_context *ctx;
};

static const char *
lookup(void *arg, const char *name)
{
    struct fixture *f = arg;

    for (size_t i = 0; i < 16 && f->env[i][0] != NULL; i++)
        if (strcmp(f->env[i][0], name) == 0)
            return f->env[i][1];
    return NULL;
}

static void
set_env(struct fixture *f, const char *name, const char *value)
{
    size_t i = 0;

    while (f->env[i][0] != NULL && strcmp(f->env[i][0], name) != 0)
        i++;
    assert_true(i < 15);
    f->env[i][0] = name;
    f->env[i][1] = value;
}

static void
write_file(const char *path, const char *text)
{
    FILE *fp = fopen(path, "we");

    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* Writes ~/.aws/config with one profile "p" whose credential_process is
   the printf-style command. */
static void
set_command(struct fixture *f, const char *fmt, ...)
{
    char path[256], command[8192], text[9000];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(command, sizeof command, fmt, ap);
    va_end(ap);
    snprintf(text, sizeof text, "[profile p]\ncredential_process = %s\n",
             command);
    snprintf(path, sizeof path, "%s/.aws/config", f->home);
    write_file(path, text);
}

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    const char *src = getenv("top_srcdir"), *build = getenv("top_builddir");
    char path[256];

    assert_non_null(f);
    snprintf(f->home, sizeof f->home, "/tmp/test_process.XXXXXX");
    assert_non_null(mkdtemp(f->home));
    snprintf(path, sizeof path, "%s/.aws", f->home);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(f->data, sizeof f->data, "%s/tests/data/process",
             src != NULL ? src : ".");
    snprintf(f->probe, sizeof f->probe, "%s/tests/unit/process_probe",
             build != NULL ? build : ".");
    set_env(f, "PATH", "/usr/bin:/bin");
    set_env(f, "AWS_PROFILE", "p");
    set_env(f, "NOT_PASSED", "secret-from-host");
    set_env(f, "SHELL", "/bin/zsh");
    f->ctx = awscred_context_new();
    assert_non_null(f->ctx);
    awscred_context_set_env(f->ctx, lookup, f);
    assert_int_equal(awscred_context_set_user(f->ctx, "alice", getuid(),
                                              getgid(), f->home), 0);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[300];

    awscred_context_free(f->ctx);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->home);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* Resolves profile p; returns the status, credentials in *out. */
static enum awscred_status
resolve(struct fixture *f, struct awscred_credentials **out,
        struct awscred_error *err)
{
    struct awscred_request req = {.profile = "p"};

    *out = NULL;
    memset(err, 0, sizeof *err);
    return awscred_resolve(f->ctx, &req, out, err);
}

/* Resolves and expects a failure with exactly this message. */
static void
expect_error(struct fixture *f, enum awscred_status status,
             const char *message)
{
    struct awscred_credentials *c;
    struct awscred_error err;

    assert_int_equal(resolve(f, &c, &err), status);
    assert_null(c);
    assert_string_equal(err.message, message);
    assert_string_equal(err.provider, "custom-process");
}

static void
expect_key(struct fixture *f, const char *key_id)
{
    struct awscred_credentials *c;
    struct awscred_error err;

    if (resolve(f, &c, &err) != AWSCRED_OK)
        fail_msg("resolve failed: %s", err.message);
    assert_string_equal(c->access_key_id, key_id);
    assert_string_equal(c->method, "custom-process");
    awscred_credentials_free(c);
}

/* The helper runs under limits of its own: no core file, CPU seconds of
   the 30 s default timeout plus two, and (not under ASan, whose shadow
   memory needs more) 1 GiB of address space; it fails otherwise. */
static void
test_helper_limits(void **state)
{
    struct fixture *f = *state;
    const char *as_check =
#ifdef __SANITIZE_ADDRESS__
        "true";
#else
        "test $(ulimit -v) = 1048576";
#endif

    set_command(f, "sh -c \"test $(ulimit -c) = 0 && test $(ulimit -t) = 32"
                " && %s && sh %s/ok.sh\"", as_check, f->data);
    expect_key(f, "AKIDPROCESSOK");
}

static void
test_ok(void **state)
{
    struct fixture *f = *state;
    struct awscred_credentials *c;
    struct awscred_error err;

    set_command(f, "sh %s/ok.sh", f->data);
    assert_int_equal(resolve(f, &c, &err), AWSCRED_OK);
    assert_string_equal(c->access_key_id, "AKIDPROCESSOK");
    assert_string_equal(c->secret_access_key, "processsecret");
    assert_string_equal(c->session_token, "processtoken");
    assert_int_equal(c->expiration, 4070908800);
    assert_string_equal(c->method, "custom-process");
    awscred_credentials_free(c);
}

/* shlex.split: quotes removed, '#' is an argument, no $VAR expansion. */
static void
test_split_like_shlex(void **state)
{
    struct fixture *f = *state;
    struct awscred_credentials *c;
    struct awscred_error err;

    set_command(f, "sh %s/emit.sh '{\"Version\": 1, \"AccessKeyId\": "
                "\"$HOME #x\", \"SecretAccessKey\": \"s\"}'", f->data);
    assert_int_equal(resolve(f, &c, &err), AWSCRED_OK);
    assert_string_equal(c->access_key_id, "$HOME #x");
    awscred_credentials_free(c);
    set_command(f, "sh %s/emit.sh 'unclosed", f->data);
    assert_int_equal(resolve(f, &c, &err), AWSCRED_ERR_INVALID_CONFIG);
    assert_string_equal(err.message, "No closing quotation");
}

static void
test_exit_status(void **state)
{
    struct fixture *f = *state;

    set_command(f, "sh %s/fail.sh", f->data);
    expect_error(f, AWSCRED_ERR_RETRIEVAL,
                 "Error when retrieving credentials from custom-process: "
                 "bad thing\\x1b[31m happened\\x0d\nsecond line");
    set_command(f, "sh %s/silent_fail.sh", f->data);
    expect_error(f, AWSCRED_ERR_RETRIEVAL,
                 "Error when retrieving credentials from custom-process: "
                 "exit status 4");
}

static void
test_where_names_the_file(void **state)
{
    struct fixture *f = *state;
    struct awscred_credentials *c;
    struct awscred_error err;
    char where[300];

    set_command(f, "sh %s/silent_fail.sh", f->data);
    assert_int_equal(resolve(f, &c, &err), AWSCRED_ERR_RETRIEVAL);
    snprintf(where, sizeof where, "%s/.aws/config:2", f->home);
    assert_string_equal(err.where, where);
}

static void
test_exec_errors(void **state)
{
    struct fixture *f = *state;
    char path[256], message[400];

    set_command(f, "/nonexistent/helper --flag");
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "[Errno 2] No such file or "
                 "directory: '/nonexistent/helper'");
    set_command(f, "no-such-helper-on-path");
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "[Errno 2] No such file or "
                 "directory: 'no-such-helper-on-path'");
    snprintf(path, sizeof path, "%s/plain", f->home);
    write_file(path, "not a program\n");  /* mode 0644: not executable */
    set_command(f, "%s", path);
    snprintf(message, sizeof message, "[Errno 13] Permission denied: '%s'",
             path);
    expect_error(f, AWSCRED_ERR_RETRIEVAL, message);
}

static void
emit(struct fixture *f, const char *json)
{
    set_command(f, "sh %s/emit.sh '%s'", f->data, json);
}

static void
test_version(void **state)
{
    struct fixture *f = *state;

    emit(f, "{\"Version\": 2, \"AccessKeyId\": \"A\"}");
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "Error when retrieving "
                 "credentials from custom-process: Unsupported version '2' "
                 "for credential process provider, supported versions: 1");
    emit(f, "{\"AccessKeyId\": \"A\"}");
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "Error when retrieving "
                 "credentials from custom-process: Unsupported version "
                 "'<Version key not provided>' for credential process "
                 "provider, supported versions: 1");
    emit(f, "{\"Version\": \"1\", \"AccessKeyId\": \"A\"}");
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "Error when retrieving "
                 "credentials from custom-process: Unsupported version '1' "
                 "for credential process provider, supported versions: 1");
    /* Python's 1.0 == 1 */
    emit(f, "{\"Version\": 1.0, \"AccessKeyId\": \"AKIDFLOAT\", "
            "\"SecretAccessKey\": \"s\"}");
    expect_key(f, "AKIDFLOAT");
}

static void
test_required_keys(void **state)
{
    struct fixture *f = *state;

    emit(f, "{\"Version\": 1, \"AccessKeyId\": \"A\"}");
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "Error when retrieving "
                 "credentials from custom-process: Missing required key in "
                 "response: 'SecretAccessKey'");
    emit(f, "{\"Version\": 1, \"SecretAccessKey\": \"s\"}");
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "Error when retrieving "
                 "credentials from custom-process: Missing required key in "
                 "response: 'AccessKeyId'");
    emit(f, "{\"Version\": 1, \"AccessKeyId\": 5, \"SecretAccessKey\": "
            "\"s\"}");
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "Error when retrieving "
                 "credentials from custom-process: a credential value in "
                 "the response is not a string");
}

/* Python's json: the last duplicate wins; trailing data is refused. */
static void
test_json_strictness(void **state)
{
    struct fixture *f = *state;
    struct awscred_credentials *c;
    struct awscred_error err;

    emit(f, "{\"Version\": 1, \"AccessKeyId\": \"AKIDFIRST\", "
            "\"AccessKeyId\": \"AKIDLAST\", \"SecretAccessKey\": \"s\"}");
    expect_key(f, "AKIDLAST");
    emit(f, "{\"Version\": 1, \"AccessKeyId\": \"A\", "
            "\"SecretAccessKey\": \"s\"} trailing");
    assert_int_equal(resolve(f, &c, &err), AWSCRED_ERR_RETRIEVAL);
    emit(f, "not json");
    assert_int_equal(resolve(f, &c, &err), AWSCRED_ERR_RETRIEVAL);
    emit(f, "");
    assert_int_equal(resolve(f, &c, &err), AWSCRED_ERR_RETRIEVAL);
    emit(f, "[1]");
    expect_error(f, AWSCRED_ERR_RETRIEVAL,
                 "'list' object has no attribute 'get'");
}

static void
test_expiration(void **state)
{
    struct fixture *f = *state;
    struct awscred_credentials *c;
    struct awscred_error err;

    emit(f, "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
            "\"s\", \"Expiration\": \"garbage\"}");
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "Unknown string format: garbage");
    emit(f, "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
            "\"s\", \"Expiration\": \"2000-01-01T00:00:00Z\"}");
    assert_int_equal(resolve(f, &c, &err), AWSCRED_ERR_EXPIRED);
    emit(f, "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
            "\"s\", \"Expiration\": \"2099-01-01T02:00:00+02:00\"}");
    assert_int_equal(resolve(f, &c, &err), AWSCRED_OK);
    assert_int_equal(c->expiration, 4070908800);
    awscred_credentials_free(c);
}

static void
test_hang_is_killed(void **state)
{
    struct fixture *f = *state;
    struct awscred_limits limits = {.process_timeout_ms = 300};
    struct awscred_credentials *c;
    struct awscred_error err;

    set_command(f, "sh %s/hang.sh", f->data);
    awscred_context_set_limits(f->ctx, &limits);
    assert_int_equal(resolve(f, &c, &err), AWSCRED_ERR_TIMEOUT);
    assert_non_null(strstr(err.message, "credential_process timed out"));
    /* The resolution's budget caps the process timeout too. */
    limits = (struct awscred_limits){.total_timeout_ms = 300};
    awscred_context_set_limits(f->ctx, &limits);
    assert_int_equal(resolve(f, &c, &err), AWSCRED_ERR_TIMEOUT);
}

static void
test_daemon_holding_stdout(void **state)
{
    struct fixture *f = *state;

    set_command(f, "sh %s/daemon.sh", f->data);
    expect_key(f, "AKIDDAEMON");
}

static void
test_flood(void **state)
{
    struct fixture *f = *state;

    set_command(f, "sh %s/flood.sh", f->data);
    expect_error(f, AWSCRED_ERR_RETRIEVAL,
                 "credential_process output exceeds 65536 bytes");
}

/* No controlling terminal, stdin at EOF. */
static void
test_no_terminal(void **state)
{
    struct fixture *f = *state;

    set_command(f, "sh %s/tty.sh", f->data);
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "Error when retrieving "
                 "credentials from custom-process: no terminal");
    set_command(f, "sh %s/stdin.sh", f->data);
    expect_key(f, "AKIDSTDIN");
}

static char *
run_probe(struct fixture *f)
{
    static char report[16384];
    char path[256];
    FILE *fp;
    size_t n;

    snprintf(path, sizeof path, "%s/report", f->home);
    set_command(f, "%s %s", f->probe, path);
    expect_key(f, "AKIDPROBE");
    fp = fopen(path, "re");
    assert_non_null(fp);
    n = fread(report, 1, sizeof report - 1, fp);
    report[n] = '\0';
    fclose(fp);
    return report;
}

static void
assert_has(const char *report, const char *line)
{
    if (strstr(report, line) == NULL)
        fail_msg("missing \"%s\" in:\n%s", line, report);
}

/* Strict (the PAM module): only the documented environment. */
static void
test_environment_strict(void **state)
{
    struct fixture *f = *state;
    char line[300];
    const char *r;

    awscred_context_set_flags(f->ctx, AWSCRED_FLAG_STRICT_FILES);
    r = run_probe(f);
    assert_has(r, "fds 0 1 2\n");
    assert_has(r, "tty no\n");
    snprintf(line, sizeof line, "cwd %s\n", f->home);
    assert_has(r, line);
    snprintf(line, sizeof line, "env HOME=%s\n", f->home);
    assert_has(r, line);
    assert_has(r, "env USER=alice\n");
    assert_has(r, "env LOGNAME=alice\n");
    assert_has(r, "env PATH=/usr/local/bin:/usr/bin:/bin\n");
    assert_has(r, "env LANG=C.UTF-8\n");
    assert_has(r, "env AWS_PROFILE=p\n");
    assert_null(strstr(r, "NOT_PASSED"));
    assert_null(strstr(r, "SHELL"));
}

/* Not strict (the awscred command): the user's PATH and a few more. */
static void
test_environment_trusted(void **state)
{
    struct fixture *f = *state;
    const char *r = run_probe(f);

    assert_has(r, "env PATH=/usr/bin:/bin\n");
    assert_has(r, "env SHELL=/bin/zsh\n");
    assert_null(strstr(r, "NOT_PASSED"));
}

/* A host that ignores SIGCHLD still gets the helper's status. */
static void
test_host_ignores_sigchld(void **state)
{
    struct fixture *f = *state;
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;

    sigaction(SIGCHLD, &ign, &old);
    set_command(f, "sh %s/silent_fail.sh", f->data);
    expect_error(f, AWSCRED_ERR_RETRIEVAL,
                 "Error when retrieving credentials from custom-process: "
                 "exit status 4");
    set_command(f, "sh %s/ok.sh", f->data);
    expect_key(f, "AKIDPROCESSOK");
    sigaction(SIGCHLD, &old, NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(test_ok),
        T(test_split_like_shlex),
        T(test_exit_status),
        T(test_where_names_the_file),
        T(test_exec_errors),
        T(test_version),
        T(test_required_keys),
        T(test_json_strictness),
        T(test_expiration),
        T(test_hang_is_killed),
        T(test_daemon_holding_stdout),
        T(test_flood),
        T(test_no_terminal),
        T(test_environment_strict),
        T(test_environment_trusted),
        T(test_host_ignores_sigchld),
        T(test_helper_limits),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
