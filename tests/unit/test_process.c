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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"

/* tests/data/process and tests/unit/process_probe, set by setup. */
static char data_dir[4096];
static char probe[4096];

/* Writes ~/.aws/config with one profile "p" whose credential_process is
   the printf-style command. */
static void
set_command(struct fx *f, const char *fmt, ...)
{
    char command[8192], text[9000];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(command, sizeof command, fmt, ap);
    va_end(ap);
    snprintf(text, sizeof text, "[profile p]\ncredential_process = %s\n",
             command);
    fx_write(f, ".aws/config", text);
}

/* The user's own ~/.aws files, profile p, and an environment with a
   variable the helper must not see. */
static int
setup(void **state)
{
    struct fx *f = fx_new(false);
    const char *src = getenv("top_srcdir"), *build = getenv("top_builddir");

    assert_non_null(f);
    snprintf(data_dir, sizeof data_dir, "%s/tests/data/process",
             src != NULL ? src : ".");
    snprintf(probe, sizeof probe, "%s/tests/unit/process_probe",
             build != NULL ? build : ".");
    fx_set_env(f, "AWS_CONFIG_FILE", NULL);
    fx_set_env(f, "AWS_SHARED_CREDENTIALS_FILE", NULL);
    fx_set_env(f, "PATH", "/usr/bin:/bin");
    fx_set_env(f, "AWS_PROFILE", "p");
    fx_set_env(f, "NOT_PASSED", "secret-from-host");
    fx_set_env(f, "SHELL", "/bin/zsh");
    f->req.profile = "p";
    *state = f;
    return 0;
}

/* Resolves and expects a failure with exactly this message. */
static void
expect_error(struct fx *f, enum awscred_status status, const char *message)
{
    fx_expect_error(f, status, message);
    assert_string_equal(f->err.provider, "custom-process");
}

static void
expect_key(struct fx *f, const char *key_id)
{
    fx_expect_key(f, key_id, "custom-process");
}

/* The helper runs under limits of its own: no core file, CPU seconds of
   the 30 s default timeout plus two, and (not under ASan, whose shadow
   memory needs more) 1 GiB of address space; it fails otherwise. */
static void
test_helper_limits(void **state)
{
    struct fx *f = *state;
    const char *as_check =
#ifdef __SANITIZE_ADDRESS__
        "true";
#else
        "test $(ulimit -v) = 1048576";
#endif

    set_command(f, "sh -c \"test $(ulimit -c) = 0 && test $(ulimit -t) = 32"
                " && %s && sh %s/ok.sh\"", as_check, data_dir);
    expect_key(f, "AKIDPROCESSOK");
}

static void
test_ok(void **state)
{
    struct fx *f = *state;

    set_command(f, "sh %s/ok.sh", data_dir);
    assert_int_equal(fx_resolve(f), AWSCRED_OK);
    assert_string_equal(f->creds->access_key_id, "AKIDPROCESSOK");
    assert_string_equal(f->creds->secret_access_key, "processsecret");
    assert_string_equal(f->creds->session_token, "processtoken");
    assert_int_equal(f->creds->expiration, 4070908800);
    assert_string_equal(f->creds->method, "custom-process");
}

/* shlex.split: quotes removed, '#' is an argument, no $VAR expansion. */
static void
test_split_like_shlex(void **state)
{
    struct fx *f = *state;

    set_command(f, "sh %s/emit.sh '{\"Version\": 1, \"AccessKeyId\": "
                "\"$HOME #x\", \"SecretAccessKey\": \"s\"}'", data_dir);
    assert_int_equal(fx_resolve(f), AWSCRED_OK);
    assert_string_equal(f->creds->access_key_id, "$HOME #x");
    set_command(f, "sh %s/emit.sh 'unclosed", data_dir);
    assert_int_equal(fx_resolve(f), AWSCRED_ERR_INVALID_CONFIG);
    assert_string_equal(f->err.message, "No closing quotation");
}

static void
test_exit_status(void **state)
{
    struct fx *f = *state;

    set_command(f, "sh %s/fail.sh", data_dir);
    expect_error(f, AWSCRED_ERR_RETRIEVAL,
                 "Error when retrieving credentials from custom-process: "
                 "bad thing\\x1b[31m happened\\x0d\nsecond line");
    set_command(f, "sh %s/silent_fail.sh", data_dir);
    expect_error(f, AWSCRED_ERR_RETRIEVAL,
                 "Error when retrieving credentials from custom-process: "
                 "exit status 4");
}

static void
test_where_names_the_file(void **state)
{
    struct fx *f = *state;
    char where[300];

    set_command(f, "sh %s/silent_fail.sh", data_dir);
    assert_int_equal(fx_resolve(f), AWSCRED_ERR_RETRIEVAL);
    snprintf(where, sizeof where, "%s/.aws/config:2", f->tmp);
    assert_string_equal(f->err.where, where);
}

static void
test_exec_errors(void **state)
{
    struct fx *f = *state;
    char path[256], message[400];

    set_command(f, "/nonexistent/helper --flag");
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "[Errno 2] No such file or "
                 "directory: '/nonexistent/helper'");
    set_command(f, "no-such-helper-on-path");
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "[Errno 2] No such file or "
                 "directory: 'no-such-helper-on-path'");
    /* mode 0644: not executable */
    snprintf(path, sizeof path, "%s",
             fx_write_mode(f, "plain", "not a program\n", 0644));
    set_command(f, "%s", path);
    snprintf(message, sizeof message, "[Errno 13] Permission denied: '%s'",
             path);
    expect_error(f, AWSCRED_ERR_RETRIEVAL, message);
}

static void
emit(struct fx *f, const char *json)
{
    set_command(f, "sh %s/emit.sh '%s'", data_dir, json);
}

static void
test_version(void **state)
{
    struct fx *f = *state;

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
    struct fx *f = *state;

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
    struct fx *f = *state;

    emit(f, "{\"Version\": 1, \"AccessKeyId\": \"AKIDFIRST\", "
         "\"AccessKeyId\": \"AKIDLAST\", \"SecretAccessKey\": \"s\"}");
    expect_key(f, "AKIDLAST");
    emit(f, "{\"Version\": 1, \"AccessKeyId\": \"A\", "
         "\"SecretAccessKey\": \"s\"} trailing");
    assert_int_equal(fx_resolve(f), AWSCRED_ERR_RETRIEVAL);
    emit(f, "not json");
    assert_int_equal(fx_resolve(f), AWSCRED_ERR_RETRIEVAL);
    emit(f, "");
    assert_int_equal(fx_resolve(f), AWSCRED_ERR_RETRIEVAL);
    emit(f, "[1]");
    expect_error(f, AWSCRED_ERR_RETRIEVAL,
                 "'list' object has no attribute 'get'");
}

static void
test_expiration(void **state)
{
    struct fx *f = *state;

    emit(f, "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
         "\"s\", \"Expiration\": \"garbage\"}");
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "Unknown string format: garbage");
    emit(f, "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
         "\"s\", \"Expiration\": \"2000-01-01T00:00:00Z\"}");
    assert_int_equal(fx_resolve(f), AWSCRED_ERR_EXPIRED);
    emit(f, "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
         "\"s\", \"Expiration\": \"2099-01-01T02:00:00+02:00\"}");
    assert_int_equal(fx_resolve(f), AWSCRED_OK);
    assert_int_equal(f->creds->expiration, 4070908800);
}

static void
test_hang_is_killed(void **state)
{
    struct fx *f = *state;
    struct awscred_limits limits = {.process_timeout_ms = 300};

    set_command(f, "sh %s/hang.sh", data_dir);
    awscred_context_set_limits(f->ctx, &limits);
    assert_int_equal(fx_resolve(f), AWSCRED_ERR_TIMEOUT);
    assert_non_null(strstr(f->err.message, "credential_process timed out"));
    /* The resolution's budget caps the process timeout too. */
    limits = (struct awscred_limits){.total_timeout_ms = 300};
    awscred_context_set_limits(f->ctx, &limits);
    assert_int_equal(fx_resolve(f), AWSCRED_ERR_TIMEOUT);
}

static void
test_daemon_holding_stdout(void **state)
{
    struct fx *f = *state;

    set_command(f, "sh %s/daemon.sh", data_dir);
    expect_key(f, "AKIDDAEMON");
}

static void
test_flood(void **state)
{
    struct fx *f = *state;

    set_command(f, "sh %s/flood.sh", data_dir);
    expect_error(f, AWSCRED_ERR_RETRIEVAL,
                 "credential_process output exceeds 65536 bytes");
}

/* No controlling terminal, stdin at EOF. */
static void
test_no_terminal(void **state)
{
    struct fx *f = *state;

    set_command(f, "sh %s/tty.sh", data_dir);
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "Error when retrieving "
                 "credentials from custom-process: no terminal");
    set_command(f, "sh %s/stdin.sh", data_dir);
    expect_key(f, "AKIDSTDIN");
}

static char *
run_probe(struct fx *f)
{
    static char report[16384];
    char path[256];
    FILE *fp;
    size_t n;

    snprintf(path, sizeof path, "%s/report", f->tmp);
    set_command(f, "%s %s", probe, path);
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
    struct fx *f = *state;
    char line[300];
    const char *r;

    awscred_context_set_flags(f->ctx, AWSCRED_FLAG_STRICT_FILES);
    r = run_probe(f);
    assert_has(r, "fds 0 1 2\n");
    assert_has(r, "tty no\n");
    snprintf(line, sizeof line, "cwd %s\n", f->tmp);
    assert_has(r, line);
    snprintf(line, sizeof line, "env HOME=%s\n", f->tmp);
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
    struct fx *f = *state;
    const char *r = run_probe(f);

    assert_has(r, "env PATH=/usr/bin:/bin\n");
    assert_has(r, "env SHELL=/bin/zsh\n");
    assert_null(strstr(r, "NOT_PASSED"));
}

/* A host that ignores SIGCHLD still gets the helper's status. */
static void
test_host_ignores_sigchld(void **state)
{
    struct fx *f = *state;
    struct sigaction ign = {.sa_handler = SIG_IGN}, old;

    sigaction(SIGCHLD, &ign, &old);
    set_command(f, "sh %s/silent_fail.sh", data_dir);
    expect_error(f, AWSCRED_ERR_RETRIEVAL,
                 "Error when retrieving credentials from custom-process: "
                 "exit status 4");
    set_command(f, "sh %s/ok.sh", data_dir);
    expect_key(f, "AKIDPROCESSOK");
    sigaction(SIGCHLD, &old, NULL);
}

/* ---- Rows of the fault catalogue (tests/FAULTS.md) --------------------- */

/* D3.6: killed by a signal, and an exec failure through a bad interpreter
   ("#!/nonexistent/..."): each named in the error, like the CLI's. */
static void
test_d3_signal_and_bad_interpreter(void **state)
{
    struct fx *f = *state;
    char script[512], text[1024], expected[600];

    snprintf(script, sizeof script, "%s",
             fx_write_mode(f, "bad-interpreter", "#!/nonexistent/interp\n",
                           0755));
    snprintf(text, sizeof text,
             "[profile killed]\ncredential_process = "
             "/bin/sh -c \"kill -KILL $$\"\n"
             "[profile interp]\ncredential_process = %s\n", script);
    fx_set_env(f, "AWS_CONFIG_FILE", fx_write(f, "process-config", text));

    f->req.profile = "killed";
    expect_error(f, AWSCRED_ERR_RETRIEVAL, NULL);
    fx_expect_words(f, "killed by signal 9");
    if (fx_under_valgrind()) {
        print_message("# under valgrind: the bad interpreter is not tried"
                      " (valgrind ends a child whose execve fails)\n");
        return;
    }
    f->req.profile = "interp";
    snprintf(expected, sizeof expected,
             "[Errno 2] No such file or directory: '%s'", script);
    expect_error(f, AWSCRED_ERR_RETRIEVAL, expected);
}

/* A wall clock that jumps an hour back at every reading; the monotonic
   clock is the real one. */
static int
jumping_clock(void *arg, clockid_t which, struct timespec *now)
{
    unsigned *readings = arg;

    if (which == CLOCK_MONOTONIC)
        return clock_gettime(CLOCK_MONOTONIC, now);
    if (clock_gettime(CLOCK_REALTIME, now) != 0)
        return -1;
    now->tv_sec -= (time_t) 3600 * (time_t) ++*readings;
    return 0;
}

/* D5.5: clock jumps during the call: deadlines run on CLOCK_MONOTONIC,
   so a wall clock going back an hour at every reading neither stretches
   nor cuts the credential_process deadline (0.5 s; the helper sleeps
   5 s). Expiry does read the wall clock: credentials valid for two more
   hours stay valid while it jumps. */
static void
test_d5_clock_jumps_keep_deadlines(void **state)
{
    struct fx *f = *state;
    struct awscred_limits limits = {.process_timeout_ms = 500};
    time_t later = time(NULL) + 7200;
    char when[32], script[512], text[1024];
    struct timespec a, b;
    unsigned readings = 0;
    double ms;

    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&later));
    snprintf(text, sizeof text, "#!/bin/sh\necho '{"
             "\"Version\": 1, \"AccessKeyId\": \"AKIAJUMPS\", "
             "\"SecretAccessKey\": \"s\", \"SessionToken\": "
             "\"t\", \"Expiration\": \"%s\"}'\n", when);
    snprintf(script, sizeof script, "%s",
             fx_write_mode(f, "valid-process", text, 0755));
    snprintf(text, sizeof text,
             "[profile sleeps]\ncredential_process = /bin/sleep 5\n"
             "[profile valid]\ncredential_process = %s\n", script);
    fx_set_env(f, "AWS_CONFIG_FILE", fx_write(f, "jump-config", text));
    awscred_context_set_clock(f->ctx, jumping_clock, &readings);
    awscred_context_set_limits(f->ctx, &limits);

    f->req.profile = "sleeps";
    clock_gettime(CLOCK_MONOTONIC, &a);
    expect_error(f, AWSCRED_ERR_TIMEOUT, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    ms = fx_elapsed_ms(&a, &b);
    print_message("# timed out after %.0f ms\n", ms);
    fx_expect_words(f, "credential_process timed out");
    assert_true(ms >= 400 && ms < 3000);

    readings = 0;
    limits.process_timeout_ms = 30000;  /* slow hosts, valgrind */
    awscred_context_set_limits(f->ctx, &limits);
    f->req.profile = "valid";
    expect_key(f, "AKIAJUMPS");
    print_message("# valid credentials, %u wall-clock readings\n", readings);
    assert_true(readings > 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, fx_teardown)
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
        T(test_d3_signal_and_bad_interpreter),
        T(test_d5_clock_jumps_keep_deadlines),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
