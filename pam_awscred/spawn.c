/*
 * spawn.c: runs the worker as another identity from inside a host process
 * (sshd, login, su, gdm) without disturbing it (security.md, fix pattern
 * 1(ii) and "SIGCHLD: the hard one"), through the process runner
 * (common/runner.h): a keeper the host's SIGCHLD handling never sees, one
 * deadline, the whole tree killed. What is the module's own: the identity
 * (only root changes it), the worker's cwd "/", its own PID namespace so
 * that nothing it starts outlives the login, and reading stdout only up
 * to one whole frame.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/runner.h"
#include "pam_awscred/internal.h"

/* Keeps the worker's stderr up to its cap, NUL as '?'; pamaws_log
   escapes it when it is logged. */
static void
stderr_keep(struct pamaws_run *run, const char *buf, size_t n)
{
    size_t i;

    for (i = 0; i < n && i < PAMAWS_STDERR_MAX_BYTES; i++)
        run->stderr_text[i] = buf[i] != '\0' ? buf[i] : '?';
    run->stderr_text[i] = '\0';
}

/* What the runner saw, in the terms session.c uses. */
static void
run_fill(const char *path, struct runner_result *res, struct pamaws_run *run)
{
    run->output = res->out;
    run->output_len = res->out_len;
    run->output_size = res->out_size;
    res->out = NULL;
    stderr_keep(run, res->err, res->err_len);
    run->timed_out = res->timed_out;
    if (res->setup_stage != RUNNER_STAGE_NONE) {
        char buf[128];
        /* The GNU strerror_r (config.h defines _GNU_SOURCE). */
        const char *text = strerror_r(res->setup_errno, buf, sizeof(buf));

        snprintf(run->error, sizeof(run->error), "%s failed (%s): %s", path,
                 res->setup_stage == RUNNER_STAGE_EXEC
                     ? "executing the worker"
                     : runner_stage_name(res->setup_stage),
                 text);
    }
    run->status_known = !res->status_unknown;
    run->exit_status = res->exited ? res->exit_status
                                   : 128 + res->term_signal;
}

int
pamaws_spawn(const char *path, char *const argv[], char *const envp[],
             const struct pamaws_identity *identity, long timeout_ms,
             struct pamaws_run *run)
{
    char *const paths[] = {(char *) path, NULL};
    const struct runner_identity id = {identity->uid, identity->gid,
                                       identity->groups, identity->ngroups};
    struct runner_plan plan = {
        .argv = argv,
        .exec_paths = paths,
        .envp = envp,
        /* Never the caller's directory (su keeps it): a relative path
           must not find a file planted there. */
        .cwd = "/",
        .timeout_ms = timeout_ms,
        .max_stdout = PAMAWS_RESULT_MAX_BYTES + 64,
        .max_stderr = PAMAWS_STDERR_MAX_BYTES,
        .stdout_done = pamaws_frame_complete,
        .own_pid_namespace = true,
    };
    struct runner_result res;
    uid_t ruid, euid, suid;

    memset(run, 0, sizeof(*run));
    if (getresuid(&ruid, &euid, &suid) < 0) {
        snprintf(run->error, sizeof(run->error), "getresuid: %m");
        return -1;
    }
    /* Without root we can only run as ourselves (tests, su to self). */
    if (euid == 0)
        plan.identity = &id;
    else if (identity->uid != euid || identity->uid != ruid) {
        snprintf(run->error, sizeof(run->error),
                 "not running as root, cannot become uid %lu",
                 (unsigned long) identity->uid);
        return -1;
    }
    if (runner_run(&plan, &res) < 0) {
        snprintf(run->error, sizeof(run->error), "cannot start %s: %m", path);
        runner_result_free(&res);
        return -1;
    }
    run_fill(path, &res, run);
    runner_result_free(&res);
    return 0;
}

void
pamaws_run_free(struct pamaws_run *run)
{
    secret_free_n(run->output, run->output_size);
    run->output = NULL;
    run->output_len = 0;
    run->output_size = 0;
}
