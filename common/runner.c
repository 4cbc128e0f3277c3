/*
 * runner.c: the process runner (runner.h says what it guarantees).
 *
 * - The keeper is created with CLONE_PIDFD and exit_signal 0: it sends no
 *   SIGCHLD, a host's waitpid(-1) cannot reap it and SIG_IGN does not
 *   auto-reap it; we reap it through its pidfd. execve() resets the exit
 *   signal to SIGCHLD (the kernel's de_thread()), so the keeper never
 *   execs: it vforks the program and relays its wait status.
 * - Where it can (x86-64, arm64, not under ASan or valgrind) the keeper
 *   shares our memory (clone() with CLONE_VM, on a stack of its own), so
 *   no page table of the host is copied at all: a login costs the same in
 *   a 32 MB sshd as in a small one. Such a keeper and the program before
 *   its execve run raw system calls only (raw6 below): no libc call, no
 *   errno, no allocation, no lock; all signals stay blocked until its
 *   dispositions are the defaults.
 * - Otherwise clone3(CLONE_PIDFD), a copy of our memory; clone3 refused
 *   (ENOSYS, or EPERM/EINVAL from a seccomp filter): the legacy clone()
 *   with CLONE_PIDFD, then fork(). After a fork the host may reap the
 *   keeper; the status the keeper relayed is still used, and only when
 *   there is none is the outcome "status unknown".
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
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/fdio.h"
#include "common/runner.h"
#include "common/secret.h"

#ifndef P_PIDFD
# define P_PIDFD 3
#endif

/* After the keeper ends, how long leftovers may keep our pipes open before
   the group is killed and reading stops: a daemon that forgot to close
   stdout must not hold the caller for the whole deadline. */
#define LEFTOVER_GRACE_MS 500
/* How long a killed keeper may take to become reapable. */
#define REAP_GRACE_MS 2000
#define MAX_LIMITS 8
/* The shared keeper's stack: its frames and the program's until execve
   (the groups check holds 4 KiB), above one guard page. */
#define KEEPER_STACK_BYTES (64 * 1024)
#define GUARD_BYTES 4096
/* The kernel's default fs.nr_open: the fd loop's bound when RLIMIT_NOFILE
   is unlimited. */
#define MAX_FD_LOOP 1048576U

/* Records {kind, value} on the report pipe (CLOEXEC, so the program's
   exec closes its copy). The keeper sends the program's wait status last;
   set-up failures send their enum runner_stage. */
#define REPORT_STATUS 100

/* Everything the child uses, prepared before clone. */
struct child_plan {
    const struct runner_plan *plan;
    int in_r, out_w, err_w, report_w;
    unsigned max_fd;             /* close up to this without close_range */
    struct {
        int resource;
        struct rlimit rl;
    } limits[MAX_LIMITS];
    size_t nlimits;
    void *stack;                 /* the shared keeper's, or NULL */
    bool shared;                 /* the keeper shares our memory */
};

static int64_t
monotonic_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- Raw system calls ---------------------------------------------------

   The keeper may share the host's memory (CLONE_VM, see clone_keeper), so
   neither it nor the program before execve may write anything of the
   host's: not even errno, which lives in the calling thread's TLS. These
   return the kernel's result, a negative errno on failure. */

#if (defined(__x86_64__) || defined(__aarch64__)) && !defined(__SANITIZE_ADDRESS__)
# define RUNNER_SHARED_KEEPER 1
/* valgrind cannot run a child that shares memory without being a thread
   (it exits): under it the keeper gets a copy. The header's check is a
   no-op instruction sequence outside valgrind. */
# if defined(__has_include)
#  if __has_include(<valgrind/valgrind.h>)
#   include <valgrind/valgrind.h>
#  endif
# endif
# ifndef RUNNING_ON_VALGRIND
#  define RUNNING_ON_VALGRIND 0
# endif
#endif

static inline __attribute__((always_inline)) long
raw6(long n, long a, long b, long c, long d, long e, long f)
{
#if defined(__x86_64__)
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    long ret;

    __asm__ __volatile__("syscall"
                         : "=a"(ret)
                         : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
                           "r"(r9)
                         : "rcx", "r11", "memory");
    return ret;
#elif defined(__aarch64__)
    register long x8 __asm__("x8") = n;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    register long x5 __asm__("x5") = f;

    __asm__ __volatile__("svc 0"
                         : "+r"(x0)
                         : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4),
                           "r"(x5)
                         : "memory");
    return x0;
#else
    long ret = syscall(n, a, b, c, d, e, f);  /* no shared keeper here */

    return ret < 0 ? -errno : ret;
#endif
}

#define RAW0(n) raw6((n), 0, 0, 0, 0, 0, 0)
#define RAW1(n, a) raw6((n), (long) (a), 0, 0, 0, 0, 0)
#define RAW2(n, a, b) raw6((n), (long) (a), (long) (b), 0, 0, 0, 0)
#define RAW3(n, a, b, c) raw6((n), (long) (a), (long) (b), (long) (c), 0, 0, 0)
#define RAW4(n, a, b, c, d) \
    raw6((n), (long) (a), (long) (b), (long) (c), (long) (d), 0, 0)

const char *
runner_stage_name(int stage)
{
    switch (stage) {
    case RUNNER_STAGE_FDS: return "preparing the process";
    case RUNNER_STAGE_SETSID: return "setsid";
    case RUNNER_STAGE_FORK: return "fork";
    case RUNNER_STAGE_LIMITS: return "setrlimit";
    case RUNNER_STAGE_GROUPS: return "setgroups";
    case RUNNER_STAGE_GID: return "setresgid";
    case RUNNER_STAGE_UID: return "setresuid";
    case RUNNER_STAGE_VERIFY: return "verifying the new identity";
    case RUNNER_STAGE_EXEC: return "execve";
    }
    return "setup";
}

/* ---- The child: raw system calls only ---------------------------------- */

static void __attribute__((noreturn))
child_exit(int code)
{
    for (;;)
        (void) RAW1(SYS_exit_group, code);
}

/* Reports a failed stage; error is a positive errno or a negative kernel
   result. */
static void __attribute__((noreturn))
child_fail(int report, int stage, long error)
{
    int msg[2] = {stage, error < 0 ? (int) -error : error != 0 ? (int) error
                                                               : EIO};

    (void) RAW3(SYS_write, report, msg, sizeof msg);
    child_exit(127);
}

/* Every disposition back to SIG_DFL (a zeroed kernel sigaction: no
   handler, no flags, an empty mask), then nothing blocked. */
static void
child_reset_signals(void)
{
    unsigned long dfl[4] = {0, 0, 0, 0}, none = 0;

    for (int sig = 1; sig <= 64; sig++)
        (void) RAW4(SYS_rt_sigaction, sig, dfl, NULL, 8);  /* KILL/STOP:
                                                              EINVAL */
    (void) RAW4(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, 8);
}

/* Puts stdin, the stdout pipe and the stderr pipe on 0, 1, 2 and the
   report pipe on 3, and closes everything else, the host's leaked
   descriptors included. Everything is first moved above 2, because a
   host running with 0-2 closed may have had our pipes land there. */
static int
child_setup_fds(const struct child_plan *c)
{
    int report = (int) RAW3(SYS_fcntl, c->report_w, F_DUPFD_CLOEXEC, 3);
    long in, out, err, r;

    if (report < 0)
        child_exit(127);
    in = RAW3(SYS_fcntl, c->in_r, F_DUPFD_CLOEXEC, 3);
    out = RAW3(SYS_fcntl, c->out_w, F_DUPFD_CLOEXEC, 3);
    err = RAW3(SYS_fcntl, c->err_w, F_DUPFD_CLOEXEC, 3);
    if (in < 0 || out < 0 || err < 0)
        child_fail(report, RUNNER_STAGE_FDS, in < 0 ? in : out < 0 ? out : err);
    /* All three are above 2, so dup3 never meets its own descriptor. */
    if ((r = RAW3(SYS_dup3, in, 0, 0)) < 0 || (r = RAW3(SYS_dup3, out, 1, 0)) < 0
        || (r = RAW3(SYS_dup3, err, 2, 0)) < 0)
        child_fail(report, RUNNER_STAGE_FDS, r);
    if (report != 3) {
        if ((r = RAW3(SYS_dup3, report, 3, O_CLOEXEC)) < 0)
            child_fail(report, RUNNER_STAGE_FDS, r);
        report = 3;
    }
    if (RAW3(SYS_close_range, 4U, ~0U, 0U) < 0)
        for (unsigned fd = 4; fd < c->max_fd; fd++)
            (void) RAW1(SYS_close, fd);
    return report;
}

/* Whether the kernel holds exactly the wanted groups. It sorts the list,
   so membership is compared, not order. */
static bool
groups_verified(const struct runner_identity *id)
{
    gid_t now[RUNNER_MAX_GROUPS];
    long n = RAW2(SYS_getgroups, RUNNER_MAX_GROUPS, now);
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

/* Becomes the identity for good, then checks all three ids and the
   groups. */
static void
child_become(const struct runner_identity *id, int report)
{
    uid_t ruid, euid, suid;
    gid_t rgid, egid, sgid;
    long r;

    if ((r = RAW2(SYS_setgroups, id->ngroups, id->groups)) < 0)
        child_fail(report, RUNNER_STAGE_GROUPS, r);
    if ((r = RAW3(SYS_setresgid, id->gid, id->gid, id->gid)) < 0)
        child_fail(report, RUNNER_STAGE_GID, r);
    if ((r = RAW3(SYS_setresuid, id->uid, id->uid, id->uid)) < 0)
        child_fail(report, RUNNER_STAGE_UID, r);
    if ((r = RAW3(SYS_getresuid, &ruid, &euid, &suid)) < 0
        || (r = RAW3(SYS_getresgid, &rgid, &egid, &sgid)) < 0)
        child_fail(report, RUNNER_STAGE_VERIFY, r);
    if (ruid != id->uid || euid != id->uid || suid != id->uid
        || rgid != id->gid || egid != id->gid || sgid != id->gid
        || !groups_verified(id))
        child_fail(report, RUNNER_STAGE_VERIFY, EPERM);
}

/* The program: limits, identity, death with the keeper, execve. Tries
   each candidate path like Python's _posixsubprocess: the first error
   other than ENOENT/ENOTDIR is the one reported. */
static void __attribute__((noreturn))
child_exec(const struct child_plan *c, int report, pid_t keeper)
{
    const struct runner_plan *p = c->plan;
    long r, saved = 0;

    for (size_t i = 0; i < c->nlimits; i++)
        if ((r = RAW4(SYS_prlimit64, 0, c->limits[i].resource,
                      &c->limits[i].rl, NULL)) < 0)
            child_fail(report, RUNNER_STAGE_LIMITS, r);
    if (p->identity != NULL)
        child_become(p->identity, report);
    /* After the identity change, which clears it. */
    if ((r = RAW2(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL)) < 0)
        child_fail(report, RUNNER_STAGE_FDS, r);
    if (RAW0(SYS_getppid) != keeper)
        child_fail(report, RUNNER_STAGE_FDS, ESRCH);
    for (char *const *path = p->exec_paths; *path != NULL; path++) {
        r = RAW3(SYS_execve, *path, p->argv, p->envp);
        if (r != -ENOENT && r != -ENOTDIR && saved == 0)
            saved = r;
    }
    child_fail(report, RUNNER_STAGE_EXEC, saved != 0 ? saved : ENOENT);
}

/* The keeper: the child created with exit_signal 0. It never execs (that
   would reset its exit signal to SIGCHLD), vforks the program, waits for
   it with SIGCHLD at its default and sends the wait status. It leads the
   program's session and process group, which lives until the keeper is
   reaped, so killing that group cannot hit a reused id. */
static void __attribute__((noreturn))
keeper_run(const struct child_plan *c)
{
    const struct runner_plan *p = c->plan;
    int report = child_setup_fds(c);
    int status = 0;
    int msg[2];
    long keeper, program, r;

    if ((r = RAW0(SYS_setsid)) < 0)
        child_fail(report, RUNNER_STAGE_SETSID, r);
    child_reset_signals();
    /* A directory that cannot be entered leaves the program in "/", as
       login(1) does; if even that fails it stays where it was. */
    if (p->cwd != NULL && RAW1(SYS_chdir, p->cwd) < 0)
        (void) RAW1(SYS_chdir, "/");
    keeper = RAW0(SYS_getpid);
    /* A vfork: the program borrows the keeper's memory (and its stack,
       below the keeper's frame) until its execve instead of copying the
       page tables again; the keeper waits meanwhile, and child_exec never
       returns. The system call is inline, so no function returns twice. */
    program = RAW2(SYS_clone, CLONE_VM | CLONE_VFORK | SIGCHLD, 0);
    if (program == 0)
        child_exec(c, report, (pid_t) keeper);
    if (program < 0)
        child_fail(report, RUNNER_STAGE_FORK, program);
    /* Our copies of the pipes must not delay the parent's EOF. */
    (void) RAW1(SYS_close, 0);
    (void) RAW1(SYS_close, 1);
    (void) RAW1(SYS_close, 2);
    while ((r = RAW4(SYS_wait4, program, &status, 0, NULL)) < 0)
        if (r != -EINTR)
            child_exit(125);
    msg[0] = REPORT_STATUS;
    msg[1] = status;
    if (RAW3(SYS_write, report, msg, sizeof msg) != (long) sizeof msg)
        child_exit(126);
    child_exit(0);
}

#ifdef RUNNER_SHARED_KEEPER
static int
keeper_entry(void *arg)
{
    keeper_run(arg);
}
#endif

/* ---- The parent -------------------------------------------------------- */

static bool
clone_refused(int error)
{
    return error == ENOSYS || error == EPERM || error == EINVAL;
}

/* One way of creating the keeper: 0 clone3(CLONE_PIDFD), 1 the legacy
   clone() with CLONE_PIDFD (its pidfd lands in the parent_tid argument,
   third on x86-64 and arm64), 2 a plain fork (*pidfd -1). */
static long
clone_tier(int tier, unsigned long ns, int *pidfd)
{
    struct clone_args args;

    if (tier == 0) {
        memset(&args, 0, sizeof args);
        args.flags = CLONE_PIDFD | ns;
        args.pidfd = (uint64_t) (uintptr_t) pidfd;
        args.exit_signal = 0;
        return syscall(SYS_clone3, &args, sizeof args);
    }
    if (tier == 1) {
#if defined(__x86_64__) || defined(__aarch64__)
        return syscall(SYS_clone, CLONE_PIDFD | ns, NULL, pidfd, NULL, NULL);
#else
        errno = ENOSYS;
        return -1;
#endif
    }
    *pidfd = -1;
    return syscall(SYS_clone, SIGCHLD | ns, NULL, NULL, NULL, NULL);
}

/*
 * Creates the keeper and returns its pid (0 in the keeper): the first tier
 * the kernel or a seccomp filter does not refuse. This is the superset of
 * what libawscred and the module did before: a host that refuses clone3
 * still gets a quiet child when it allows clone, and only then a fork. A
 * PID namespace is dropped where it is not allowed (no CAP_SYS_ADMIN).
 */
static pid_t
clone_keeper(bool new_pid_ns, struct child_plan *c, int *pidfd)
{
    unsigned long ns = new_pid_ns ? CLONE_NEWPID : 0;
    long pid = -1;

#ifdef RUNNER_SHARED_KEEPER
    /* First choice: a keeper that shares the host's memory instead of
       copying its page tables (the cost grows with the host's size), on
       a stack of its own; it runs raw system calls only. Without a stack
       (valgrind, no memory) or refused: the tiers below. */
    if (c->stack != NULL) {
        pid = clone(keeper_entry, (char *) c->stack + KEEPER_STACK_BYTES,
                    (int) (CLONE_VM | CLONE_PIDFD | ns), c, pidfd);
        if (pid > 0) {
            c->shared = true;
            (void) fcntl(*pidfd, F_SETFD, FD_CLOEXEC);
            return (pid_t) pid;
        }
    }
#endif
    for (int tier = 0; tier < 3; tier++) {
        pid = clone_tier(tier, ns, pidfd);
        if (pid < 0 && ns != 0
            && (errno == EPERM || errno == EINVAL || errno == ENOSPC
                || errno == EUSERS)) {
            ns = 0;
            pid = clone_tier(tier, ns, pidfd);
        }
        if (pid >= 0 || !clone_refused(errno))
            break;
    }
    if (pid > 0 && *pidfd >= 0)
        (void) fcntl(*pidfd, F_SETFD, FD_CLOEXEC);  /* older kernels */
    return (pid_t) pid;
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
    int failure;        /* enum runner_stage of a set-up failure, or 0 */
    int failure_errno;
    bool have_status;   /* the keeper sent the program's wait status */
    int wait_status;
    bool alive;         /* the keeper has not exited */
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

static void
keeper_ended(struct run_state *s)
{
    if (s->alive) {
        s->alive = false;
        s->exited_at = monotonic_ms();
    }
}

static bool
run_state_busy(const struct run_state *s)
{
    for (int i = 0; i < FD_COUNT; i++)
        if (s->pfd[i].fd >= 0)
            return true;
    return false;
}

/* Handles one ready descriptor; false when it is done with. */
static bool
run_fd_ready(struct run_state *s, int i, const struct runner_plan *p)
{
    switch (i) {
    case FD_OUT:
        return reader_step(&s->out)
               && (p->stdout_done == NULL
                   || !p->stdout_done(s->out.buf, s->out.len));
    case FD_ERR:
        return reader_step(&s->err);
    case FD_REPORT:
        if (report_read(s->pfd[i].fd, s))
            return true;
        /* Only the keeper holds the write end after the exec: EOF means
           it ended, which is all a fork fallback (no pidfd) can see. */
        keeper_ended(s);
        return false;
    default:
        keeper_ended(s);
        return false;
    }
}

/* One poll round; false when the loop must stop (deadline, overflow,
   leftover grace over). */
static bool
run_poll_once(struct run_state *s, const struct runner_plan *p,
              int64_t deadline, struct runner_result *res)
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
    for (int i = 0; i < FD_COUNT; i++)
        if (s->pfd[i].fd >= 0 && s->pfd[i].revents != 0
            && !run_fd_ready(s, i, p))
            s->pfd[i].fd = -1;   /* closed by the caller from its own copy */
    if (s->out.overflow) {
        res->out_overflow = true;
        return false;
    }
    return true;
}

/* SIGKILL to the keeper's process group (setsid made it the leader) and
   to the keeper itself, in case it ended before setsid; the program has
   the keeper's death as its own. Only called before the keeper is
   reaped, so neither id can have been reused; after a fork fallback only
   while the keeper is known alive (the host may reap it). */
static void
kill_tree(pid_t pid, int pidfd, bool alive)
{
    if (pidfd >= 0) {
        (void) kill(-pid, SIGKILL);
        (void) syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
    } else if (alive) {
        (void) kill(-pid, SIGKILL);
        (void) kill(pid, SIGKILL);
    }
}

/* Waits, bounded, for the keeper to end and reaps it, touching no other
   child of the host: through its pidfd, or after a fork by its pid. False
   when it could not be reaped (the host did, or it is stuck in D state);
   si then says nothing. */
static bool
reap_keeper(pid_t pid, int pidfd, siginfo_t *si)
{
    int64_t until = monotonic_ms() + REAP_GRACE_MS;

    memset(si, 0, sizeof *si);
    while (monotonic_ms() < until) {
        struct timespec pause = {0, 5 * 1000 * 1000};
        struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
        int r;

        if (pidfd >= 0) {
            r = poll(&pfd, 1, (int) (until - monotonic_ms()));
            if (r < 0 && errno != EINTR)
                return false;
            if (r > 0)
                return syscall(SYS_waitid, P_PIDFD, pidfd, si,
                               WEXITED | __WCLONE, NULL) == 0;
            continue;
        }
        r = (int) syscall(SYS_waitid, P_PID, pid, si, WEXITED | WNOHANG,
                          NULL);
        if (r == 0 && si->si_pid == pid)
            return true;
        if (r < 0 && errno != EINTR)
            return false;  /* ECHILD: the host reaped it */
        nanosleep(&pause, NULL);
    }
    return false;
}

/* The program's outcome from the keeper's report, or from how the keeper
   itself ended. */
static void
settle_result(const struct run_state *s, bool reaped, const siginfo_t *si,
              bool killed, struct runner_result *res)
{
    if (s->failure != 0) {
        res->setup_stage = s->failure;
        res->setup_errno = s->failure_errno;
    }
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

static bool
run_parent(const struct runner_plan *p, pid_t pid, int pidfd, int out_r,
           int err_r, int report_r, struct runner_result *res)
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
    s.out = (struct reader){out_r, res->out, 0, p->max_stdout, false, false};
    s.err = (struct reader){err_r, res->err, 0, p->max_stderr, true, false};
    s.alive = true;
    while (run_state_busy(&s)
           && run_poll_once(&s, p, start + p->timeout_ms, res))
        continue;
    /* Leftovers still holding a pipe, a timeout or an overflow: the whole
       tree goes; and at a normal end, what the program left in its group
       (the keeper is not reaped yet, so the group's id is still ours). */
    killed = run_state_busy(&s);
    kill_tree(pid, pidfd, s.alive);
    reaped = reap_keeper(pid, pidfd, &si);
    if (s.pfd[FD_REPORT].fd >= 0)
        (void) report_read(report_r, &s);
    settle_result(&s, reaped, &si, killed, res);
    res->out_len = s.out.len;
    res->out[res->out_len] = '\0';
    res->err_len = s.err.len;
    res->err[res->err_len] = '\0';
    res->elapsed_ms = monotonic_ms() - start;
    return reaped;
}

static void
close_fd(int *fd)
{
    if (*fd >= 0)
        (void) close(*fd);
    *fd = -1;
}

static void
set_nonblock(int fd)
{
    int fl = fcntl(fd, F_GETFL);

    if (fl >= 0)
        (void) fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* The plan's stdin: /dev/null, or a pipe already holding all the bytes
   and closed for writing, so that nothing is written once the program
   runs (a write to a pipe it closed would raise SIGPIPE in the host). */
static int
stdin_open(const struct runner_plan *p)
{
    int fds[2], cap;

    if (p->stdin_data == NULL)
        return open("/dev/null", O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (p->stdin_len > (1U << 30)) {
        errno = E2BIG;
        return -1;
    }
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    cap = fcntl(fds[1], F_GETPIPE_SZ);
    if (cap >= 0 && (size_t) cap < p->stdin_len)
        cap = fcntl(fds[1], F_SETPIPE_SZ, (int) p->stdin_len);
    if (cap < 0 || (size_t) cap < p->stdin_len)
        errno = E2BIG;
    else if (fd_write_all(fds[1], p->stdin_data, p->stdin_len) == 0) {
        close(fds[1]);
        return fds[0];
    }
    close(fds[0]);
    close(fds[1]);
    return -1;
}

/* The shared keeper's stack, or NULL where there is none (then the keeper
   gets a copy of our memory). */
static void *
keeper_stack_new(void)
{
#ifdef RUNNER_SHARED_KEEPER
    void *stack;

    if (RUNNING_ON_VALGRIND)
        return NULL;
    stack = mmap(NULL, GUARD_BYTES + KEEPER_STACK_BYTES,
                 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
                 -1, 0);
    if (stack == MAP_FAILED)
        return NULL;
    (void) mprotect(stack, GUARD_BYTES, PROT_NONE);
    return (char *) stack + GUARD_BYTES;
#else
    return NULL;
#endif
}

static void
keeper_stack_free(void *stack)
{
    if (stack != NULL)
        (void) munmap((char *) stack - GUARD_BYTES,
                      GUARD_BYTES + KEEPER_STACK_BYTES);
}

/* What the child needs that is not async-signal-safe to find out. */
static int
child_plan_prepare(const struct runner_plan *p, struct child_plan *c)
{
    struct rlimit rl;

    c->max_fd = MAX_FD_LOOP;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < MAX_FD_LOOP)
        c->max_fd = (unsigned) rl.rlim_cur;
    if (p->nlimits > MAX_LIMITS
        || (p->identity != NULL && p->identity->ngroups > RUNNER_MAX_GROUPS)) {
        errno = EINVAL;
        return -1;
    }
    c->nlimits = 0;
    for (size_t i = 0; i < p->nlimits; i++) {
        if (getrlimit(p->limits[i].resource, &rl) < 0)
            return -1;
        if (rl.rlim_max > p->limits[i].max)
            rl.rlim_max = p->limits[i].max;
        if (rl.rlim_cur > rl.rlim_max)
            rl.rlim_cur = rl.rlim_max;
        c->limits[c->nlimits].resource = p->limits[i].resource;
        c->limits[c->nlimits++].rl = rl;
    }
    return 0;
}

int
runner_run(const struct runner_plan *p, struct runner_result *res)
{
    int out[2] = {-1, -1}, errp[2] = {-1, -1}, report[2] = {-1, -1};
    int in_r = -1, pidfd = -1, rc = -1, saved = 0;
    struct child_plan c;
    sigset_t all, old_mask;
    pid_t pid;

    memset(res, 0, sizeof *res);
    memset(&c, 0, sizeof c);
    res->out_size = p->max_stdout + 2;
    res->err_size = p->max_stderr + 1;
    res->out = calloc(1, res->out_size);
    res->err = calloc(1, res->err_size);
    if (res->out == NULL || res->err == NULL || child_plan_prepare(p, &c) < 0)
        goto done;
    in_r = stdin_open(p);
    if (in_r < 0 || pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0
        || pipe2(report, O_CLOEXEC) < 0)
        goto done;
    c.plan = p;
    c.in_r = in_r;
    c.out_w = out[1];
    c.err_w = errp[1];
    c.report_w = report[1];
    c.stack = keeper_stack_new();
    /* The keeper starts with every signal blocked and unblocks them once
       its dispositions are the defaults: no host handler ever runs in it
       (on the host's memory, for a shared keeper). Only this thread's
       mask changes, and only for the clone. */
    sigfillset(&all);
    (void) pthread_sigmask(SIG_SETMASK, &all, &old_mask);
    pid = clone_keeper(p->own_pid_namespace, &c, &pidfd);
    saved = errno;
    if (pid == 0)
        keeper_run(&c);
    (void) pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    errno = saved;
    if (pid < 0)
        goto done;
    close_fd(&out[1]);
    close_fd(&errp[1]);
    close_fd(&report[1]);
    set_nonblock(out[0]);
    set_nonblock(errp[0]);
    set_nonblock(report[0]);
    /* A shared keeper that could not be reaped may still be on its
       stack: that stays mapped. */
    if (!run_parent(p, pid, pidfd, out[0], errp[0], report[0], res)
        && c.shared)
        c.stack = NULL;
    rc = 0;
done:
    saved = errno;
    keeper_stack_free(c.stack);
    close_fd(&in_r);
    close_fd(&pidfd);
    for (int i = 0; i < 2; i++) {
        close_fd(&out[i]);
        close_fd(&errp[i]);
        close_fd(&report[i]);
    }
    if (rc < 0) {
        runner_result_free(res);
        errno = saved != 0 ? saved : ENOMEM;
    }
    return rc;
}

void
runner_result_free(struct runner_result *res)
{
    secret_free_n(res->out, res->out_size);
    secret_free_n(res->err, res->err_size);
    res->out = NULL;
    res->err = NULL;
}
