/*
 * spawn.c: runs credential_process helpers (see spawn.h for the rules).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "spawn.h"

/* After the helper exits, how long its leftovers may keep our pipes open
   before we kill its process group and stop reading: a daemon that forgot
   to close stdout must not hold the login for the whole deadline. */
#define LEFTOVER_GRACE_MS 500
/* How long to wait for a killed child to become reapable. */
#define REAP_GRACE_MS 2000

/* Records {kind, value} on the report pipe (CLOEXEC, so the helper's exec
   closes its copy). The supervisor sends the helper's wait status last. */
enum report_kind { REPORT_FDS = 1, REPORT_SETSID, REPORT_FORK, REPORT_EXEC,
                   REPORT_STATUS };

/* Everything the child uses, prepared before clone. */
struct child_plan {
    const struct spawn_request *req;
    int devnull;
    int out_w;
    int err_w;
    int report_w;
    unsigned max_fd;  /* close up to this when close_range is missing */
};

static int64_t
monotonic_ms(void)
{
    struct timespec ts;

    /* poll() waits in real elapsed time, so the deadline is measured on
       the same clock, not on the context's (possibly fake) one. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- The child: async-signal-safe calls only ------------------------- */

static void __attribute__((noreturn))
child_fail(int report, int stage, int error)
{
    int msg[2] = {stage, error};
    ssize_t n = write(report, msg, sizeof msg);

    (void) n;
    _exit(127);
}

static void
child_reset_signals(void)
{
    struct sigaction dfl;
    sigset_t none;

    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        (void) sigaction(sig, &dfl, NULL);  /* EINVAL for KILL/STOP: fine */
    sigemptyset(&none);
    (void) sigprocmask(SIG_SETMASK, &none, NULL);
}

static void
child_close_other_fds(const struct child_plan *p)
{
    if (close_range(4, ~0U, 0) == 0)
        return;
    for (unsigned fd = 4; fd <= p->max_fd; fd++)
        (void) close((int) fd);
}

/* Puts /dev/null, the stdout pipe and the stderr pipe on 0, 1, 2 and the
   report pipe on 3. Everything is first moved above 2, because a host
   running with 0-2 closed may have had our pipes land there. */
static int
child_setup_fds(const struct child_plan *p)
{
    int report = fcntl(p->report_w, F_DUPFD_CLOEXEC, 3);
    int in, out, err;

    if (report < 0)
        _exit(127);
    in = fcntl(p->devnull, F_DUPFD_CLOEXEC, 3);
    out = fcntl(p->out_w, F_DUPFD_CLOEXEC, 3);
    err = fcntl(p->err_w, F_DUPFD_CLOEXEC, 3);
    if (in < 0 || out < 0 || err < 0)
        child_fail(report, REPORT_FDS, errno);
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
        child_fail(report, REPORT_FDS, errno);
    if (report != 3) {
        if (dup3(report, 3, O_CLOEXEC) < 0)
            child_fail(report, REPORT_FDS, errno);
        report = 3;
    }
    child_close_other_fds(p);
    return report;
}

/* Tries each candidate path like Python's _posixsubprocess: the first
   error other than ENOENT/ENOTDIR is the one reported. */
static void __attribute__((noreturn))
child_exec(const struct child_plan *p, int report)
{
    int saved = 0;

    for (char *const *path = p->req->exec_paths; *path != NULL; path++) {
        execve(*path, p->req->argv, p->req->envp);
        if (errno != ENOENT && errno != ENOTDIR && saved == 0)
            saved = errno;
    }
    child_fail(report, REPORT_EXEC, saved != 0 ? saved : ENOENT);
}

/* A plain fork without glibc's atfork handlers (async-signal-safe). */
static pid_t
raw_fork(void)
{
    struct clone_args args;
    long pid;

    memset(&args, 0, sizeof args);
    args.exit_signal = SIGCHLD;
    pid = syscall(SYS_clone3, &args, sizeof args);
#if defined(__x86_64__) || defined(__aarch64__)
    if (pid < 0 && errno == ENOSYS)
        pid = syscall(SYS_clone, (unsigned long) SIGCHLD, NULL, NULL, NULL,
                      NULL);
#endif
    return (pid_t) pid;
}

/* The supervisor: the child we created with exit_signal = 0. The kernel
   resets a process's exit signal to SIGCHLD when it execs, so the helper
   itself cannot be that child; the supervisor never execs, forks the
   helper, waits for it with SIGCHLD at its default, and sends us the wait
   status. It leads the helper's session and process group, which lives
   until we reap the supervisor, so killing that group cannot hit a
   reused id. */
static void __attribute__((noreturn))
child_run(const struct child_plan *p)
{
    int report = child_setup_fds(p);
    int status = 0;
    int msg[2];
    pid_t helper;

    if (setsid() < 0)
        child_fail(report, REPORT_SETSID, errno);
    child_reset_signals();
    /* A home that cannot be entered leaves the helper in "/", as login(1)
       does; if even that fails it stays where the worker was. */
    if (p->req->cwd != NULL && chdir(p->req->cwd) < 0 && chdir("/") < 0)
        errno = 0;
    helper = raw_fork();
    if (helper == 0)
        child_exec(p, report);
    if (helper < 0)
        child_fail(report, REPORT_FORK, errno);
    /* Our copies of the pipes must not delay the parent's EOF. */
    (void) close(0);
    (void) close(1);
    (void) close(2);
    while (waitpid(helper, &status, 0) < 0 && errno == EINTR)
        continue;
    msg[0] = REPORT_STATUS;
    msg[1] = status;
    if (write(report, msg, sizeof msg) != (ssize_t) sizeof msg)
        _exit(126);
    _exit(0);
}

/* ---- The parent -------------------------------------------------------- */

/* clone3 with a pidfd and no exit signal; the legacy clone() where a
   seccomp filter refuses clone3 (its pidfd lands in the parent_tid
   argument, third on x86-64 and arm64). Returns the pid, 0 in the child. */
static pid_t
clone_quiet_child(int *pidfd)
{
    struct clone_args args;
    long pid;

    memset(&args, 0, sizeof args);
    args.flags = CLONE_PIDFD;
    args.pidfd = (uint64_t) (uintptr_t) pidfd;
    args.exit_signal = 0;
    pid = syscall(SYS_clone3, &args, sizeof args);
#if defined(__x86_64__) || defined(__aarch64__)
    if (pid < 0 && errno == ENOSYS)
        pid = syscall(SYS_clone, (unsigned long) CLONE_PIDFD, NULL, pidfd,
                      NULL, NULL);
#endif
    return (pid_t) pid;
}

/* Kills the child's process group (setsid made it the leader) and the
   child itself, in case it died before setsid. Only called before the
   child is reaped, so its pid cannot have been reused. */
static void
kill_child_group(pid_t pid, int pidfd)
{
    (void) kill(-pid, SIGKILL);
    (void) syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
}

struct reader {
    int fd;
    char *buf;
    size_t len;
    size_t cap;       /* bytes kept */
    bool drop_excess; /* stderr: read and drop; stdout: overflow */
    bool overflow;
};

/* Reads what is available; false at EOF or on error. stdout keeps one
   byte more than its cap so that an overflow is seen. */
static bool
reader_step(struct reader *r)
{
    size_t limit = r->cap + (r->drop_excess ? 0 : 1);
    char sink[4096];
    bool into_buf = r->len < limit;
    ssize_t n;

    if (into_buf)
        n = read(r->fd, r->buf + r->len, limit - r->len);
    else
        n = read(r->fd, sink, sizeof sink);
    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    if (n == 0)
        return false;
    if (into_buf)
        r->len += (size_t) n;
    else
        secret_wipe(sink, (size_t) n);
    if (r->len > r->cap) {
        r->overflow = true;
        r->len = r->cap;
    }
    return true;
}

enum { FD_OUT, FD_ERR, FD_REPORT, FD_PID, FD_COUNT };

struct run_state {
    struct pollfd pfd[FD_COUNT];
    struct reader out, err;
    int failure;        /* enum report_kind of a set-up failure, or 0 */
    int failure_errno;
    bool have_status;   /* the supervisor sent the helper's wait status */
    int wait_status;
    bool alive;         /* the supervisor has not exited */
    int64_t exited_at;
};

/* Reads whole {kind, value} records (each written at once, under
   PIPE_BUF, so never split); false at EOF. */
static bool
report_read(int fd, struct run_state *s)
{
    int msg[16];
    ssize_t n = read(fd, msg, sizeof msg);

    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    for (ssize_t i = 0; i + 1 < n / (ssize_t) sizeof(int); i += 2) {
        if (msg[i] == REPORT_STATUS) {
            s->have_status = true;
            s->wait_status = msg[i + 1];
        } else if (s->failure == 0) {
            s->failure = msg[i];
            s->failure_errno = msg[i + 1] != 0 ? msg[i + 1] : EIO;
        }
    }
    return n != 0;
}

static bool
run_state_busy(const struct run_state *s)
{
    for (int i = 0; i < FD_COUNT; i++)
        if (s->pfd[i].fd >= 0)
            return true;
    return false;
}

/* One poll round; returns false when the loop must stop (deadline,
   overflow, leftover grace over). */
static bool
run_poll_once(struct run_state *s, int64_t deadline, struct spawn_result *res)
{
    int64_t now = monotonic_ms();
    int64_t until = deadline;

    if (!s->alive && s->exited_at + LEFTOVER_GRACE_MS < until)
        until = s->exited_at + LEFTOVER_GRACE_MS;
    if (now >= until) {
        if (now >= deadline)
            res->timed_out = true;
        return false;
    }
    if (poll(s->pfd, FD_COUNT, (int) (until - now)) < 0)
        return errno == EINTR;
    for (int i = 0; i < FD_COUNT; i++) {
        bool open = true;

        if (s->pfd[i].fd < 0 || s->pfd[i].revents == 0)
            continue;
        if (i == FD_OUT)
            open = reader_step(&s->out);
        else if (i == FD_ERR)
            open = reader_step(&s->err);
        else if (i == FD_REPORT)
            open = report_read(s->pfd[i].fd, s);
        else {
            open = false;
            s->alive = false;
            s->exited_at = monotonic_ms();
        }
        if (!open)
            s->pfd[i].fd = -1;   /* closed by the caller from its own copy */
    }
    if (s->out.overflow) {
        res->out_overflow = true;
        return false;
    }
    return true;
}

/* Waits (bounded) for the supervisor to end and reaps it through its
   pidfd, touching no other child of the host. Returns its wait status in
   siginfo form, or false when it could not be reaped. */
static bool
reap_supervisor(int pidfd, bool alive, siginfo_t *si)
{
    struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
    int64_t until = monotonic_ms() + REAP_GRACE_MS;

    while (alive) {
        int64_t left = until - monotonic_ms();
        int r;

        if (left <= 0)
            return false;
        r = poll(&pfd, 1, (int) left);
        if (r > 0)
            alive = false;
        else if (r < 0 && errno != EINTR)
            return false;
    }
    memset(si, 0, sizeof *si);
    return syscall(SYS_waitid, P_PIDFD, pidfd, si, WEXITED | __WCLONE, NULL)
           == 0;
}

/* The helper's outcome from the supervisor's report, or from how the
   supervisor itself ended. */
static void
settle_result(const struct run_state *s, bool reaped, const siginfo_t *si,
              bool killed, struct spawn_result *res)
{
    if (s->failure != 0)
        res->exec_errno = s->failure_errno;
    if (s->have_status && WIFEXITED(s->wait_status)) {
        res->exited = true;
        res->exit_status = WEXITSTATUS(s->wait_status);
    } else if (s->have_status) {
        res->term_signal = WTERMSIG(s->wait_status);
    } else if (killed && reaped && si->si_code != CLD_EXITED) {
        res->term_signal = SIGKILL;
    } else if (s->failure == 0) {
        res->status_unknown = true;
    }
}

static int
pipe_cloexec(int fds[2])
{
    return pipe2(fds, O_CLOEXEC);
}

static void
close_fd(int *fd)
{
    if (*fd >= 0)
        (void) close(*fd);
    *fd = -1;
}

static unsigned
max_fd_to_close(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
        && rl.rlim_cur < 65536)
        return (unsigned) rl.rlim_cur;
    return 65536;
}

static void
run_parent(const struct spawn_request *req, pid_t pid, int pidfd,
           int out_r, int err_r, int report_r, struct spawn_result *res)
{
    struct run_state s;
    int64_t start = monotonic_ms();
    bool killed, reaped;
    siginfo_t si;

    memset(&s, 0, sizeof s);
    s.pfd[FD_OUT].fd = out_r;
    s.pfd[FD_ERR].fd = err_r;
    s.pfd[FD_REPORT].fd = report_r;
    s.pfd[FD_PID].fd = pidfd;
    for (int i = 0; i < FD_COUNT; i++)
        s.pfd[i].events = POLLIN;
    s.out = (struct reader){out_r, res->out, 0, req->max_stdout, false, false};
    s.err = (struct reader){err_r, res->err, 0, req->max_stderr, true, false};
    s.alive = true;
    while (run_state_busy(&s)
           && run_poll_once(&s, start + req->timeout_ms, res))
        continue;
    /* Leftovers still holding a pipe, a timeout or an overflow: the
       whole group goes. */
    killed = run_state_busy(&s);
    if (killed)
        kill_child_group(pid, pidfd);
    reaped = reap_supervisor(pidfd, s.alive, &si);
    if (s.pfd[FD_REPORT].fd >= 0)
        (void) report_read(report_r, &s);
    settle_result(&s, reaped, &si, killed, res);
    res->out_len = s.out.len;
    res->out[res->out_len] = '\0';
    res->err_len = s.err.len;
    res->err[res->err_len] = '\0';
    res->elapsed_ms = monotonic_ms() - start;
}

static void
set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl >= 0)
        (void) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

enum awscred_status
spawn_run(const struct spawn_request *req, struct spawn_result *res,
          struct awscred_error *err)
{
    int out[2] = {-1, -1}, errp[2] = {-1, -1}, report[2] = {-1, -1};
    int devnull = -1, pidfd = -1;
    struct child_plan plan;
    enum awscred_status st = AWSCRED_OK;
    pid_t pid;

    memset(res, 0, sizeof *res);
    res->out_size = req->max_stdout + 2;
    res->err_size = req->max_stderr + 1;
    res->out = calloc(1, res->out_size);
    res->err = calloc(1, res->err_size);
    if (res->out == NULL || res->err == NULL) {
        st = error_set(err, AWSCRED_ERR_NOMEM, "custom-process", "",
                       "out of memory");
        goto done;
    }
    devnull = open("/dev/null", O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (devnull < 0 || pipe_cloexec(out) < 0 || pipe_cloexec(errp) < 0
        || pipe_cloexec(report) < 0) {
        st = error_set(err, AWSCRED_ERR_RETRIEVAL, "custom-process", "",
                       "cannot create pipes: %s", strerror(errno));
        goto done;
    }
    plan = (struct child_plan){req, devnull, out[1], errp[1], report[1],
                               max_fd_to_close()};
    pid = clone_quiet_child(&pidfd);
    if (pid == 0)
        child_run(&plan);
    if (pid < 0) {
        st = error_set(err, AWSCRED_ERR_RETRIEVAL, "custom-process", "",
                       "cannot start credential_process: %s",
                       strerror(errno));
        goto done;
    }
    close_fd(&out[1]);
    close_fd(&errp[1]);
    close_fd(&report[1]);
    set_nonblock(out[0]);
    set_nonblock(errp[0]);
    set_nonblock(report[0]);
    run_parent(req, pid, pidfd, out[0], errp[0], report[0], res);
done:
    close_fd(&devnull);
    close_fd(&pidfd);
    for (int i = 0; i < 2; i++) {
        close_fd(&out[i]);
        close_fd(&errp[i]);
        close_fd(&report[i]);
    }
    if (st != AWSCRED_OK)
        spawn_result_free(res);
    return st;
}

void
spawn_result_free(struct spawn_result *res)
{
    if (res->out != NULL)
        secret_free_n(res->out, res->out_size);
    if (res->err != NULL)
        secret_free_n(res->err, res->err_size);
    res->out = NULL;
    res->err = NULL;
}
