/*
 * test_spawn: the process runner (common/runner.c) with real processes:
 * exit statuses, exec errors, deadlines with the process group killed,
 * a daemon holding stdout, output floods, the descriptors and terminal
 * the helper sees, and hosts that ignore SIGCHLD or reap with waitpid(-1).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/runner.h"

static char *const no_env[] = {"PATH=/usr/bin:/bin", NULL};

/* Runs sh -c SCRIPT with the given limits. */
static void
run_sh(const char *script, int64_t timeout_ms, size_t max_out,
       struct runner_result *res)
{
    char *argv[] = {"sh", "-c", (char *) script, NULL};
    char *paths[] = {"/bin/sh", NULL};
    struct runner_plan req = {.argv = argv, .exec_paths = paths,
                              .envp = no_env, .cwd = "/",
                              .timeout_ms = timeout_ms, .max_stdout = max_out,
                              .max_stderr = 4096};

    assert_int_equal(runner_run(&req, res), 0);
}

/* True when pid is gone or a zombie (killed, waiting for init). */
static bool
process_dead_now(pid_t pid)
{
    char path[64], buf[512];
    FILE *f;
    char *p;

    snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
    f = fopen(path, "re");
    if (f == NULL)
        return true;
    p = fgets(buf, sizeof buf, f);
    fclose(f);
    p = p != NULL ? strrchr(buf, ')') : NULL;
    return p != NULL && (p[2] == 'Z' || p[2] == 'X');
}

/* SIGKILL is delivered asynchronously: give it up to 10 s to land. */
static bool
process_dead(pid_t pid)
{
    for (int i = 0; i < 1000; i++) {
        if (process_dead_now(pid))
            return true;
        usleep(10000);
    }
    return false;
}

static pid_t
read_pid_file(const char *path)
{
    FILE *f = fopen(path, "re");
    int pid = 0;

    assert_non_null(f);
    assert_int_equal(fscanf(f, "%d", &pid), 1);
    fclose(f);
    return (pid_t) pid;
}

static void
test_output_and_status(void **state)
{
    struct runner_result res;

    (void) state;
    run_sh("printf hello; printf oops >&2; exit 3", 10000, 1024, &res);
    assert_true(res.exited);
    assert_int_equal(res.exit_status, 3);
    assert_string_equal(res.out, "hello");
    assert_string_equal(res.err, "oops");
    assert_false(res.timed_out);
    assert_int_equal(res.setup_errno, 0);
    runner_result_free(&res);
}

static void
test_killed_by_signal(void **state)
{
    struct runner_result res;

    (void) state;
    run_sh("kill -TERM $$", 10000, 1024, &res);
    assert_false(res.exited);
    assert_int_equal(res.term_signal, SIGTERM);
    runner_result_free(&res);
}

static void
test_exec_errors(void **state)
{
    char *argv[] = {"nonexistent-helper", NULL};
    char *missing[] = {"/nonexistent/a", "/nonexistent/b", NULL};
    char plain[] = "/tmp/test_spawn.plain.XXXXXX";
    char *noexec[] = {"/nonexistent/a", plain, "/nonexistent/b", NULL};
    struct runner_plan req = {.argv = argv, .exec_paths = missing,
                              .envp = no_env, .cwd = "/",
                              .timeout_ms = 10000, .max_stdout = 1024,
                              .max_stderr = 1024};
    struct runner_result res;
    int fd = mkstemp(plain);   /* mode 0600: not executable */

    (void) state;
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(runner_run(&req, &res), 0);
    assert_int_equal(res.setup_errno, ENOENT);
    runner_result_free(&res);
    req.exec_paths = noexec;
    assert_int_equal(runner_run(&req, &res), 0);
    assert_int_equal(res.setup_errno, EACCES);
    runner_result_free(&res);
    unlink(plain);
}

/* A helper that hangs (and a grandchild that would outlive it) is killed
   with its whole process group at the deadline. */
static void
test_deadline_kills_group(void **state)
{
    char dir[] = "/tmp/test_spawn.XXXXXX", script[512], pidfile[256];
    struct runner_result res;

    (void) state;
    assert_non_null(mkdtemp(dir));
    snprintf(pidfile, sizeof pidfile, "%s/grandchild", dir);
    snprintf(script, sizeof script,
             "sleep 1000 & echo $! > %s; printf partial; wait", pidfile);
    run_sh(script, 300, 1024, &res);
    assert_true(res.timed_out);
    assert_false(res.exited);
    assert_int_equal(res.term_signal, SIGKILL);
    assert_string_equal(res.out, "partial");
    assert_true(process_dead(read_pid_file(pidfile)));
    runner_result_free(&res);
    unlink(pidfile);
    rmdir(dir);
}

/* The plan's stdin bytes, then EOF; more than a pipe can hold without the
   program running is refused up front. */
static void
test_stdin_data(void **state)
{
    char *argv[] = {"cat", NULL};
    char *paths[] = {"/bin/cat", NULL};
    size_t big = 300 * 1024;
    char *data = malloc(big);
    struct runner_plan req = {.argv = argv, .exec_paths = paths,
                              .envp = no_env, .cwd = "/",
                              .stdin_data = "to the helper\n",
                              .stdin_len = 14, .timeout_ms = 10000,
                              .max_stdout = big, .max_stderr = 1024};
    struct runner_result res;

    (void) state;
    assert_non_null(data);
    assert_int_equal(runner_run(&req, &res), 0);
    assert_true(res.exited);
    assert_string_equal(res.out, "to the helper\n");
    runner_result_free(&res);
    memset(data, 'x', big);
    req.stdin_data = data;
    req.stdin_len = big;
    assert_int_equal(runner_run(&req, &res), 0);
    assert_int_equal(res.out_len, big);
    assert_false(res.out_overflow);
    runner_result_free(&res);
    req.stdin_len = (size_t) 2 << 30;
    assert_int_equal(runner_run(&req, &res), -1);
    assert_int_equal(errno, E2BIG);
    runner_result_free(&res);
    free(data);
}

/* A child left in the helper's process group with its output closed does
   not outlive the run. */
static void
test_group_killed_at_end(void **state)
{
    char dir[] = "/tmp/test_spawn.XXXXXX", script[512], pidfile[256];
    struct runner_result res;
    pid_t child;

    (void) state;
    assert_non_null(mkdtemp(dir));
    snprintf(pidfile, sizeof pidfile, "%s/child", dir);
    snprintf(script, sizeof script,
             "sleep 1000 </dev/null >/dev/null 2>&1 & echo $! > %s; exit 0",
             pidfile);
    run_sh(script, 10000, 1024, &res);
    assert_true(res.exited);
    assert_int_equal(res.exit_status, 0);
    child = read_pid_file(pidfile);
    if (!process_dead(child)) {
        kill(child, SIGKILL);
        fail_msg("the helper's child %d outlived the run", (int) child);
    }
    runner_result_free(&res);
    unlink(pidfile);
    rmdir(dir);
}

/* A daemon that keeps stdout open does not hold us until the deadline:
   once the helper exits, its leftovers are killed and its output kept. */
static void
test_daemon_holding_stdout(void **state)
{
    char dir[] = "/tmp/test_spawn.XXXXXX", script[512], pidfile[256];
    struct runner_result res;

    (void) state;
    assert_non_null(mkdtemp(dir));
    snprintf(pidfile, sizeof pidfile, "%s/daemon", dir);
    snprintf(script, sizeof script,
             "printf '{}'; sleep 1000 & echo $! > %s; exit 0", pidfile);
    run_sh(script, 60000, 1024, &res);
    assert_false(res.timed_out);
    assert_true(res.exited);
    assert_int_equal(res.exit_status, 0);
    assert_string_equal(res.out, "{}");
    assert_true(process_dead(read_pid_file(pidfile)));
    runner_result_free(&res);
    unlink(pidfile);
    rmdir(dir);
}

static void
test_stdout_flood(void **state)
{
    struct runner_result res;

    (void) state;
    run_sh("exec yes", 60000, 65536, &res);
    assert_true(res.out_overflow);
    assert_false(res.timed_out);
    assert_int_equal(res.out_len, 65536);
    assert_int_equal(res.term_signal, SIGKILL);
    runner_result_free(&res);
}

static void
test_stderr_flood_is_capped(void **state)
{
    struct runner_result res;

    (void) state;
    run_sh("head -c 3000000 /dev/zero >&2; printf done", 60000, 1024, &res);
    assert_true(res.exited);
    assert_int_equal(res.exit_status, 0);
    assert_int_equal(res.err_len, 4096);
    assert_string_equal(res.out, "done");
    runner_result_free(&res);
}

/* The helper sees only 0-2 even when the host leaks descriptors, has no
   controlling terminal, leads its own session, reads /dev/null, runs in
   the requested cwd with default signal handling and our environment. */
static void
test_helper_view(void **state)
{
    char probe[4096];
    char *argv[] = {"process_probe", NULL};
    char *paths[] = {probe, NULL};
    char *env[] = {"ONLY=this", NULL};
    struct runner_plan req = {.argv = argv, .exec_paths = paths,
                              .envp = env, .cwd = "/tmp",
                              .timeout_ms = 10000, .max_stdout = 65536,
                              .max_stderr = 1024};
    struct runner_result res;
    int leaked[20];
    sigset_t block, old;

    (void) state;
    snprintf(probe, sizeof probe, "%s/tests/unit/process_probe",
             getenv("top_builddir") != NULL ? getenv("top_builddir") : ".");
    for (int i = 0; i < 20; i++)
        leaked[i] = open("/dev/null", O_RDONLY);  /* no O_CLOEXEC: leaked */
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);
    signal(SIGPIPE, SIG_IGN);
    assert_int_equal(runner_run(&req, &res), 0);
    signal(SIGPIPE, SIG_DFL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    for (int i = 0; i < 20; i++)
        close(leaked[i]);
    assert_int_equal(res.setup_errno, 0);
    assert_int_equal(res.exit_status, 0);
    assert_non_null(strstr(res.out, "fds 0 1 2\n"));
    assert_non_null(strstr(res.out, "session_leader 0\n"));
    assert_non_null(strstr(res.out, "group_leader 0\n"));
    assert_non_null(strstr(res.out, "tty no\n"));
    assert_non_null(strstr(res.out, "stdin /dev/null\n"));
    assert_non_null(strstr(res.out, "cwd /tmp\n"));
    assert_non_null(strstr(res.out, "blocked 0\nignored 0\n"));
    assert_non_null(strstr(res.out, "env ONLY=this\n"));
    assert_null(strstr(res.out, "env PATH="));
    runner_result_free(&res);
}

static volatile sig_atomic_t reaped_by_host;

static void
reaper(int sig)
{
    int saved = errno;

    (void) sig;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        reaped_by_host++;
    errno = saved;
}

static bool
same_disposition(const struct sigaction *a, const struct sigaction *b)
{
    return a->sa_handler == b->sa_handler && a->sa_flags == b->sa_flags;
}

/* The host's SIGCHLD handling cannot steal the status, and is left as it
   was. */
static void
run_under_host(void (*handler)(int), int flags)
{
    struct sigaction sa, before, after;
    struct runner_result res;

    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigaction(SIGCHLD, &sa, &before);
    sigaction(SIGCHLD, NULL, &before);
    reaped_by_host = 0;
    run_sh("exit 7", 10000, 1024, &res);
    sigaction(SIGCHLD, NULL, &after);
    assert_true(same_disposition(&before, &after));
    assert_true(res.exited);
    assert_false(res.status_unknown);
    assert_int_equal(res.exit_status, 7);
    assert_int_equal(reaped_by_host, 0);
    runner_result_free(&res);
    signal(SIGCHLD, SIG_DFL);
}

static void
test_host_ignores_sigchld(void **state)
{
    (void) state;
    run_under_host(SIG_IGN, 0);
    run_under_host(SIG_DFL, SA_NOCLDWAIT);
}

static void
test_host_reaps_everything(void **state)
{
    (void) state;
    run_under_host(reaper, SA_RESTART);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_and_status),
        cmocka_unit_test(test_killed_by_signal),
        cmocka_unit_test(test_exec_errors),
        cmocka_unit_test(test_deadline_kills_group),
        cmocka_unit_test(test_stdin_data),
        cmocka_unit_test(test_group_killed_at_end),
        cmocka_unit_test(test_daemon_holding_stdout),
        cmocka_unit_test(test_stdout_flood),
        cmocka_unit_test(test_stderr_flood_is_capped),
        cmocka_unit_test(test_helper_view),
        cmocka_unit_test(test_host_ignores_sigchld),
        cmocka_unit_test(test_host_reaps_everything),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
