/*
 * spawn.c: runs the worker as another identity from inside a host process
 * (sshd, login, su, gdm) without disturbing it (security.md, fix pattern
 * 1(ii) and "SIGCHLD: the hard one").
 *
 * - clone3(CLONE_PIDFD) with exit_signal 0: the host gets no SIGCHLD, its
 *   waitpid(-1) cannot reap our child and SIG_IGN cannot auto-reap it; we
 *   wait with waitid(P_PIDFD, ..., WEXITED | __WCLONE). No disposition of
 *   the host is changed. Because execve() resets the exit signal to
 *   SIGCHLD (measured on Linux 6.x, see child_run), that child is a
 *   "keeper" that never execs: it forks the worker, which execs, and
 *   relays its exit status. If clone3 is refused (old kernel, seccomp),
 *   fork() is the fallback and ECHILD from waitpid() means "status
 *   unknown".
 * - Between clone and execve the child may only do async-signal-safe work
 *   (the raw clone3 skips glibc's atfork handlers, and the host may be
 *   multi-threaded): argv, envp and the groups are prepared by the parent;
 *   the identity change uses raw syscalls, because glibc's set*id wrappers
 *   signal every thread they think exists, and is verified afterwards.
 * - One CLOCK_MONOTONIC deadline bounds the whole run; on expiry the keeper
 *   is killed through its pidfd and the worker, which has SIGKILL as its
 *   parent-death signal, dies with it.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pam_awscred/internal.h"

#ifndef P_PIDFD
# define P_PIDFD 3
#endif

/* Stages reported by a child that failed before execve. */
enum setup_stage {
    STAGE_FDS = 'f',      /* descriptors, fork, parent-death signal */
    STAGE_SETSID = 's',
    STAGE_GROUPS = 'g',
    STAGE_GID = 'G',
    STAGE_UID = 'U',
    STAGE_VERIFY = 'v',
    STAGE_EXEC = 'e',
};

/* Everything the child needs, prepared before it exists. */
struct child_plan {
    const char *path;
    char *const *argv;
    char *const *envp;
    const struct pamaws_identity *identity;
    bool change_identity;
    int devnull, out_w, err_w;
};

static int64_t
monotonic_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Async-signal-safe: reports a failed stage on fd 1 and exits. */
static void __attribute__((noreturn))
child_fail(enum setup_stage stage, int error)
{
    unsigned char record[8] = { 'A', 'W', 'E', '1', (unsigned char) stage,
                                (unsigned char) (error >> 16),
                                (unsigned char) (error >> 8),
                                (unsigned char) error };

    if (write(STDOUT_FILENO, record, sizeof(record)) < 0) {
        /* nothing more can be done */
    }
    _exit(127);
}

/*
 * Puts devnull, out_w and err_w on 0, 1, 2. They are first moved above 2,
 * since the host may have had fds 0-2 closed, so one of ours may already
 * sit there with FD_CLOEXEC, and dup2 onto itself would keep that flag.
 */
static int
child_fds(const struct child_plan *plan)
{
    int in = fcntl(plan->devnull, F_DUPFD_CLOEXEC, 3);
    int out = fcntl(plan->out_w, F_DUPFD_CLOEXEC, 3);
    int err = fcntl(plan->err_w, F_DUPFD_CLOEXEC, 3);

    if (in < 0 || out < 0 || err < 0)
        return -1;
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
        return -1;
    /* Everything else goes, the host's leaked descriptors included. */
    if (syscall(SYS_close_range, 3U, ~0U, 0U) < 0) {
        int fd;

        for (fd = 3; fd < 65536; fd++)
            close(fd);
    }
    return 0;
}

/*
 * Async-signal-safe: whether the kernel holds exactly the wanted groups.
 * The kernel sorts the list, so membership is compared, not order.
 */
static bool
groups_verified(const struct pamaws_identity *id)
{
    gid_t now[PAMAWS_MAX_GROUPS];
    long n = syscall(SYS_getgroups, PAMAWS_MAX_GROUPS, now);
    size_t i, j;

    if (n < 0 || (size_t) n != id->ngroups)
        return false;
    for (i = 0; i < id->ngroups; i++) {
        for (j = 0; j < (size_t) n && now[j] != id->groups[i]; j++)
            continue;
        if (j == (size_t) n)
            return false;
    }
    return true;
}

/* Async-signal-safe: becomes identity for good, then checks it. */
static void
child_become(const struct pamaws_identity *id)
{
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;

    if (syscall(SYS_setgroups, id->ngroups, id->groups) < 0)
        child_fail(STAGE_GROUPS, errno);
    if (syscall(SYS_setresgid, id->gid, id->gid, id->gid) < 0)
        child_fail(STAGE_GID, errno);
    if (syscall(SYS_setresuid, id->uid, id->uid, id->uid) < 0)
        child_fail(STAGE_UID, errno);
    if (syscall(SYS_getresuid, &ruid, &euid, &suid) < 0
        || syscall(SYS_getresgid, &rgid, &egid, &sgid) < 0)
        child_fail(STAGE_VERIFY, errno);
    if (ruid != id->uid || euid != id->uid || suid != id->uid
        || rgid != id->gid || egid != id->gid || sgid != id->gid)
        child_fail(STAGE_VERIFY, EPERM);
    if (!groups_verified(id))
        child_fail(STAGE_VERIFY, EPERM);
}

/* The worker proper: the new identity, then execve. It shares the
   keeper's new session, which has no controlling terminal. */
static void __attribute__((noreturn))
worker_exec(const struct child_plan *plan, pid_t keeper)
{
    if (plan->change_identity)
        child_become(plan->identity);
    /* Dies with the keeper, so killing the keeper kills the worker. This
       comes after the identity change, which clears it. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0
        || getppid() != keeper)
        child_fail(STAGE_FDS, errno ? errno : ESRCH);
    execve(plan->path, plan->argv, plan->envp);
    child_fail(STAGE_EXEC, errno);
}

/*
 * The child, from clone3 or fork to _exit. Async-signal-safe only.
 *
 * It does not exec itself: execve() resets a process's exit signal to
 * SIGCHLD (the kernel's de_thread(), "we have changed execution domain"),
 * which would hand the exec'd worker back to the host's SIGCHLD handling.
 * So this child stays a "keeper" that never execs: it forks the worker,
 * waits for it and exits with its status. Only the keeper's own SIGCHLD
 * disposition is reset, never the host's.
 */
static void __attribute__((noreturn))
child_run(const struct child_plan *plan)
{
    struct sigaction dfl;
    pid_t keeper, worker;
    int status;

    if (child_fds(plan) < 0)
        _exit(126);  /* no result pipe to report on */
    /* Out of the host's session: no terminal signals reach the host's
       handlers in this copy of it. */
    if (syscall(SYS_setsid) < 0)
        child_fail(STAGE_SETSID, errno);
    memset(&dfl, 0, sizeof(dfl));
    dfl.sa_handler = SIG_DFL;
    if (sigaction(SIGCHLD, &dfl, NULL) < 0)
        child_fail(STAGE_FDS, errno);
    keeper = (pid_t) syscall(SYS_getpid);
    worker = (pid_t) syscall(SYS_clone, (unsigned long) SIGCHLD, NULL, NULL,
                             NULL, NULL);
    if (worker == 0)
        worker_exec(plan, keeper);
    if (worker < 0)
        child_fail(STAGE_FDS, errno);
    /* The worker holds the pipes now; EOF must mean the worker is done. */
    close(STDOUT_FILENO);
    close(STDERR_FILENO);
    while (syscall(SYS_wait4, worker, &status, 0, NULL) < 0)
        if (errno != EINTR)
            _exit(125);
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

static const char *
stage_name(int stage)
{
    switch (stage) {
    case STAGE_FDS: return "preparing the worker process";
    case STAGE_SETSID: return "setsid";
    case STAGE_GROUPS: return "setgroups";
    case STAGE_GID: return "setresgid";
    case STAGE_UID: return "setresuid";
    case STAGE_VERIFY: return "verifying the new identity";
    case STAGE_EXEC: return "executing the worker";
    }
    return "setup";
}

/* Decodes a setup-failure record from the child into run->error. */
static void
setup_failure(const char *path, struct pamaws_run *run)
{
    const unsigned char *r = (const unsigned char *) run->output;
    int error = (r[5] << 16) | (r[6] << 8) | r[7];
    char buf[128];
    /* The GNU strerror_r (config.h defines _GNU_SOURCE). */
    const char *text = strerror_r(error, buf, sizeof(buf));

    snprintf(run->error, sizeof(run->error), "%s failed (%s): %s", path,
             stage_name(r[4]), text);
}

/* Child creation: clone3 first, fork as the fallback. */
struct child {
    pid_t pid;
    int pidfd;  /* -1 with fork */
};

static int
child_start(const struct child_plan *plan, struct child *child)
{
    struct clone_args ca;
    int pidfd = -1;
    long ret;

    memset(&ca, 0, sizeof(ca));
    ca.flags = CLONE_PIDFD;
    ca.pidfd = (uint64_t) (uintptr_t) &pidfd;
    ca.exit_signal = 0;
    ret = syscall(SYS_clone3, &ca, sizeof(ca));
    if (ret == 0)
        child_run(plan);
    if (ret > 0) {
        child->pid = (pid_t) ret;
        child->pidfd = pidfd;
        /* The pidfd comes without O_CLOEXEC on older kernels. */
        fcntl(pidfd, F_SETFD, FD_CLOEXEC);
        return 0;
    }
    if (errno != ENOSYS && errno != EPERM && errno != EINVAL)
        return -1;
    ret = fork();
    if (ret == 0)
        child_run(plan);
    if (ret < 0)
        return -1;
    child->pid = (pid_t) ret;
    child->pidfd = -1;
    return 0;
}

static void
child_kill(const struct child *child)
{
    if (child->pidfd >= 0)
        syscall(SYS_pidfd_send_signal, child->pidfd, SIGKILL, NULL, 0U);
    else
        kill(child->pid, SIGKILL);
}

/*
 * Waits for the child to exit, at most until deadline (after which it is
 * killed and given PAMAWS_REAP_GRACE_MS). Fills the status in run.
 */
static void
child_reap(const struct child *child, int64_t deadline, struct pamaws_run *run)
{
    siginfo_t si;
    bool killed = false;
    int status;

    if (child->pidfd >= 0) {
        struct pollfd pfd = { .fd = child->pidfd, .events = POLLIN };
        int64_t left = deadline - monotonic_ms();

        if (left < 0 || poll(&pfd, 1, (int) left) <= 0) {
            child_kill(child);
            if (!run->timed_out && run->error[0] == '\0')
                run->timed_out = true;
            if (poll(&pfd, 1, PAMAWS_REAP_GRACE_MS) <= 0)
                return;  /* unkillable (D state): left for the host */
        }
        memset(&si, 0, sizeof(si));
        if (waitid((idtype_t) P_PIDFD, (id_t) child->pidfd, &si,
                   WEXITED | __WCLONE) < 0)
            return;
        run->status_known = true;
        run->exit_status = si.si_code == CLD_EXITED ? si.si_status
                                                    : 128 + si.si_status;
        return;
    }
    /* fork fallback: the host may reap or auto-reap the child first. */
    for (;;) {
        pid_t got = waitpid(child->pid, &status, WNOHANG);
        struct timespec pause = { 0, 5 * 1000 * 1000 };

        if (got == child->pid)
            break;
        if (got < 0 && errno != EINTR)
            return;  /* ECHILD: status unknown */
        if (got == 0 && monotonic_ms() >= deadline) {
            if (killed)
                return;  /* unkillable (D state): left for the host */
            child_kill(child);
            killed = true;
            run->timed_out = run->timed_out || run->error[0] == '\0';
            deadline = monotonic_ms() + PAMAWS_REAP_GRACE_MS;
        }
        nanosleep(&pause, NULL);
    }
    run->status_known = true;
    run->exit_status = WIFEXITED(status) ? WEXITSTATUS(status)
                                         : 128 + WTERMSIG(status);
}

/* Appends bytes to the stderr text, up to its cap; pamaws_log escapes
   them when they are logged. */
static void
stderr_append(struct pamaws_run *run, size_t *used, const char *buf, size_t n)
{
    size_t i;

    for (i = 0; i < n && *used < PAMAWS_STDERR_MAX_BYTES; i++)
        run->stderr_text[(*used)++] = buf[i] != '\0' ? buf[i] : '?';
    run->stderr_text[*used] = '\0';
}

/* Whether output already holds a whole frame or setup record. */
static bool
output_complete(const struct pamaws_run *run)
{
    const char *nl;
    size_t magic = strlen(PAMAWS_FRAME_MAGIC);
    unsigned long body;

    if (run->output_len >= 8 && memcmp(run->output, PAMAWS_SETUP_MAGIC, 4) == 0)
        return true;
    nl = memchr(run->output, '\n', run->output_len);
    if (nl == NULL || run->output_len < magic
        || memcmp(run->output, PAMAWS_FRAME_MAGIC, magic) != 0)
        return false;
    body = strtoul(run->output + magic, NULL, 10);
    return run->output_len >= (size_t) (nl - run->output) + 1 + body;
}

/*
 * Reads stdout and stderr until a whole result arrived, stdout closed, or
 * the deadline. Output past the frame limit ends the read.
 */
static void
read_output(int out_r, int err_r, int64_t deadline, struct pamaws_run *run)
{
    const size_t cap = PAMAWS_RESULT_MAX_BYTES + 64;
    struct pollfd pfd[2] = { { .fd = out_r, .events = POLLIN },
                             { .fd = err_r, .events = POLLIN } };
    size_t err_used = 0;
    char scratch[1024];
    ssize_t got;

    while (pfd[0].fd >= 0) {
        int64_t left = deadline - monotonic_ms();

        if (left <= 0) {
            run->timed_out = true;
            return;
        }
        if (poll(pfd, 2, (int) left) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        if (pfd[1].fd >= 0 && pfd[1].revents != 0) {
            got = read(err_r, scratch, sizeof(scratch));
            if (got > 0)
                stderr_append(run, &err_used, scratch, (size_t) got);
            else if (got == 0 || errno != EINTR)
                pfd[1].fd = -1;
        }
        if (pfd[0].revents != 0) {
            got = read(out_r, run->output + run->output_len,
                       cap - run->output_len);
            if (got == 0 || (got < 0 && errno != EINTR))
                pfd[0].fd = -1;
            if (got > 0) {
                run->output_len += (size_t) got;
                if (output_complete(run) || run->output_len >= cap)
                    pfd[0].fd = -1;
            }
        }
    }
    /* Pick up what stderr still holds without waiting. */
    while (pfd[1].fd >= 0 && (got = read(err_r, scratch, sizeof(scratch))) > 0)
        stderr_append(run, &err_used, scratch, (size_t) got);
}

int
pamaws_spawn(const char *path, char *const argv[], char *const envp[],
             const struct pamaws_identity *identity, long timeout_ms,
             struct pamaws_run *run)
{
    int out[2] = { -1, -1 }, err[2] = { -1, -1 }, devnull = -1, status = -1;
    int64_t deadline = monotonic_ms() + timeout_ms;
    struct child_plan plan;
    struct child child = { -1, -1 };
    uid_t ruid, euid, suid;

    memset(run, 0, sizeof(*run));
    run->output = malloc(PAMAWS_RESULT_MAX_BYTES + 64);
    if (run->output == NULL) {
        snprintf(run->error, sizeof(run->error), "out of memory");
        return -1;
    }
    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0
        || (devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0) {
        snprintf(run->error, sizeof(run->error), "cannot create pipes: %m");
        goto done;
    }
    /* The stderr pipe must never block the worker once we stop reading. */
    fcntl(err[0], F_SETFL, O_NONBLOCK);
    getresuid(&ruid, &euid, &suid);
    memset(&plan, 0, sizeof(plan));
    plan.path = path;
    plan.argv = argv;
    plan.envp = envp;
    plan.identity = identity;
    plan.devnull = devnull;
    plan.out_w = out[1];
    plan.err_w = err[1];
    /* Without root we can only run as ourselves (tests, su to self). */
    plan.change_identity = euid == 0;
    if (euid != 0 && (identity->uid != euid || identity->uid != ruid)) {
        snprintf(run->error, sizeof(run->error),
                 "not running as root, cannot become uid %lu",
                 (unsigned long) identity->uid);
        goto done;
    }
    if (child_start(&plan, &child) < 0) {
        snprintf(run->error, sizeof(run->error), "cannot start %s: %m", path);
        goto done;
    }
    close(out[1]);
    close(err[1]);
    out[1] = err[1] = -1;
    read_output(out[0], err[0], deadline, run);
    if (run->timed_out)
        child_kill(&child);
    if (run->output_len >= 8 && memcmp(run->output, PAMAWS_SETUP_MAGIC, 4) == 0)
        setup_failure(path, run);
    child_reap(&child, deadline, run);
    status = 0;

done:
    if (child.pidfd >= 0)
        close(child.pidfd);
    if (out[0] >= 0) close(out[0]);
    if (out[1] >= 0) close(out[1]);
    if (err[0] >= 0) close(err[0]);
    if (err[1] >= 0) close(err[1]);
    if (devnull >= 0)
        close(devnull);
    return status;
}

void
pamaws_run_free(struct pamaws_run *run)
{
    if (run->output != NULL) {
        pamaws_wipe(run->output, run->output_len);
        free(run->output);
    }
    run->output = NULL;
    run->output_len = 0;
}
