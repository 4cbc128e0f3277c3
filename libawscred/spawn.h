/*
 * spawn.h: runs a helper program (credential_process) without a shell,
 * bounded in time and output, and safe inside a host process that reaps
 * children itself or ignores SIGCHLD (reference/security.md, "SIGCHLD").
 *
 * The child is created with clone3(CLONE_PIDFD, exit_signal = 0): it
 * sends no SIGCHLD, a host's waitpid(-1) cannot reap it and SIG_IGN does
 * not auto-reap it; we reap it through its pidfd. Between clone and
 * execve the child only makes async-signal-safe calls, so everything it
 * needs is prepared beforehand. In the child: setsid() (no controlling
 * terminal, its own process group), stdin from /dev/null, stdout and
 * stderr to pipes, every other descriptor closed, all signals back to
 * their defaults and unblocked, cwd as requested.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_SPAWN_H
#define AWSCRED_SPAWN_H 1

#include "internal.h"

#pragma GCC visibility push(hidden)

struct spawn_request {
    char *const *argv;        /* argv[0] is what the program sees */
    char *const *exec_paths;  /* paths tried in order for argv[0] (execvp's
                                 PATH search, done in the parent) */
    char *const *envp;
    const char *cwd;          /* NULL: keep the parent's */
    int64_t timeout_ms;       /* whole run, from clone to the last read */
    size_t max_stdout;        /* more than this: killed, out_overflow */
    size_t max_stderr;        /* the rest of stderr is read and dropped */
};

struct spawn_result {
    char *out;                /* stdout, NUL-terminated; secret_free_n */
    size_t out_len;
    char *err;                /* stderr (first max_stderr bytes), NUL-term. */
    size_t err_len;
    bool exited;              /* exit_status is valid */
    int exit_status;
    int term_signal;          /* killed by this signal, 0 if none */
    bool timed_out;           /* the deadline passed; the group was killed */
    bool out_overflow;        /* stdout exceeded max_stdout; group killed */
    bool status_unknown;      /* the child could not be reaped in time */
    int exec_errno;           /* execve (or the child's set-up) failed */
    int64_t elapsed_ms;
    size_t out_size, err_size;  /* allocation sizes, for wiping */
};

/*
 * Runs the program and fills res. Returns AWSCRED_OK when the program
 * was started and its outcome is in res (including timeouts and exec
 * failures), or an error when it could not be started at all (pipes,
 * clone). Release res with spawn_result_free().
 */
enum awscred_status spawn_run(const struct spawn_request *req,
                              struct spawn_result *res,
                              struct awscred_error *err);
void spawn_result_free(struct spawn_result *res);

#pragma GCC visibility pop
#endif /* AWSCRED_SPAWN_H */
