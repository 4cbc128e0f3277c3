/*
 * runner.h: the one process runner. It runs a program without a shell,
 * bounded in time and output, as another identity if asked, and safe
 * inside a host process that reaps children itself, ignores SIGCHLD or
 * runs threads (runner.c says how). libawscred runs
 * credential_process helpers with it, pam_awscred its worker.
 *
 * - The child is a "keeper" the host's SIGCHLD handling never sees (no
 *   exit signal, reaped through a pidfd; runner.c says how and what the
 *   fallbacks are). It never execs: it vforks the program and relays its
 *   wait status.
 * - Between clone and execve only async-signal-safe calls (the raw clone
 *   skips glibc's atfork handlers, the host may be multi-threaded): argv,
 *   envp, paths, groups and limits are prepared beforehand; the identity
 *   changes with raw syscalls (glibc's set*id wrappers signal every thread
 *   they think exists) and is verified. The host's dispositions never
 *   change; the keeper resets all of its own and unblocks every signal.
 * - In the keeper: setsid() (no controlling terminal, its own process
 *   group), stdin /dev/null or the plan's bytes, stdout and stderr pipes, every other fd
 *   closed (close_range, else a loop up to RLIMIT_NOFILE), cwd as asked.
 *   Set-up failures before execve come back on one report pipe as
 *   {stage, errno}.
 * - Kill policy, at the deadline, on an output overflow and at the end:
 *   SIGKILL to the keeper's process group and to the keeper (its pidfd). The program dies with the keeper
 *   (PR_SET_PDEATHSIG). With own_pid_namespace the keeper is the init of
 *   a new PID namespace (needs CAP_SYS_ADMIN; silently not used without),
 *   and when it ends the kernel kills every process in it: nothing the
 *   program started outlives the run, not even a daemon that setsid()s.
 *   Without it such a daemon escapes the group kill.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_COMMON_RUNNER_H
#define AWSCRED_COMMON_RUNNER_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#pragma GCC visibility push(hidden)

#define RUNNER_MAX_GROUPS 1024

/* Who the program runs as; set with raw syscalls and verified. */
struct runner_identity {
    uid_t uid;
    gid_t gid;
    const gid_t *groups;    /* supplementary groups */
    size_t ngroups;         /* at most RUNNER_MAX_GROUPS */
};

/* A resource limit the program gets: soft and hard lowered to max, never
   raised. */
struct runner_limit {
    int resource;           /* RLIMIT_* */
    rlim_t max;
};

struct runner_plan {
    char *const *argv;      /* argv[0] is what the program sees */
    char *const *exec_paths; /* tried in order (execvp's PATH search, done
                                by the caller) */
    char *const *envp;
    const struct runner_identity *identity;  /* NULL: the caller's */
    const char *cwd;        /* NULL: the caller's; unenterable: "/" */
    /* stdin: these bytes, then EOF (at most a pipe's capacity, 1 MiB by
       default: more is E2BIG); NULL: /dev/null. */
    const void *stdin_data;
    size_t stdin_len;
    int64_t timeout_ms;     /* the whole run, from clone to the last read */
    size_t max_stdout;      /* more than this: killed, out_overflow */
    size_t max_stderr;      /* the rest of stderr is read and dropped */
    /* Optional: true once stdout holds all the caller wants; reading
       stdout stops there. Must not read past len. */
    bool (*stdout_done)(const char *buf, size_t len);
    const struct runner_limit *limits;
    size_t nlimits;
    bool own_pid_namespace; /* see above */
};

/* Stages of a set-up failure before execve. */
enum runner_stage {
    RUNNER_STAGE_NONE = 0,
    RUNNER_STAGE_FDS,       /* descriptors, signals, parent-death signal */
    RUNNER_STAGE_SETSID,
    RUNNER_STAGE_FORK,
    RUNNER_STAGE_LIMITS,
    RUNNER_STAGE_GROUPS,
    RUNNER_STAGE_GID,
    RUNNER_STAGE_UID,
    RUNNER_STAGE_VERIFY,
    RUNNER_STAGE_EXEC,
};

struct runner_result {
    char *out;              /* stdout, NUL-terminated; runner_result_free */
    size_t out_len;
    char *err;              /* stderr (first max_stderr bytes), NUL-term. */
    size_t err_len;
    bool exited;            /* exit_status is valid */
    int exit_status;
    int term_signal;        /* killed by this signal, 0 if none */
    bool timed_out;         /* the deadline passed; the tree was killed */
    bool out_overflow;      /* stdout exceeded max_stdout; tree killed */
    bool status_unknown;    /* the program's status could not be obtained */
    int setup_stage;        /* enum runner_stage of a set-up failure */
    int setup_errno;        /* its errno (never 0 when setup_stage is set) */
    int64_t elapsed_ms;
    size_t out_size, err_size;  /* allocation sizes, for wiping */
};

/*
 * Runs the plan and fills res. Returns 0 when the program was started and
 * its outcome is in res (timeouts and set-up failures included), or -1
 * with errno when it could not be started at all (memory, pipes, clone).
 * Release res with runner_result_free() in both cases.
 */
int runner_run(const struct runner_plan *plan, struct runner_result *res);
void runner_result_free(struct runner_result *res);
/* "setresuid", "execve", ...: for messages. */
const char *runner_stage_name(int stage);

#pragma GCC visibility pop
#endif /* AWSCRED_COMMON_RUNNER_H */
