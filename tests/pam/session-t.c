/*
 * session-t.c: pam_awscred.so through the real libpam under pam_wrapper
 * (run by session.sh with LD_PRELOAD=libpam_wrapper.so), driven by
 * libpamtest and cmocka, in the world of harness.h: real files, a real
 * worker process, real users (as root two temporary users made with
 * useradd; without root the current user, and what needs another
 * identity is skipped).
 *
 * Logins that files, options, PAM calls, the environment and the log
 * lines describe are scenario files (tests/pam/scripts/, run by
 * script-t.c). What stays here needs code: the host's signal handling,
 * threads, rlimits and descriptors, interposed pam_putenv and
 * getgrouplist, the loopback STS and time server, processes the worker
 * leaves behind, users changed with usermod or groupadd, PAM_RUSER,
 * PAM_TTY and the auth stack.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <libpamtest.h>
#include <security/pam_appl.h>

#include "harness.h"

/* ---- pam_putenv failure injection --------------------------------------- */

/* When positive, the pam_putenv call that brings it to 0 fails. */
static int putenv_fail_in;

EXPORTED int pam_putenv(pam_handle_t *pamh, const char *name_value);

/* The module's pam_putenv calls land here (exported from the executable,
   first in the global scope) and go on to libpam's. */
int
pam_putenv(pam_handle_t *pamh, const char *name_value)
{
    int (*real)(pam_handle_t *, const char *);

    if (putenv_fail_in > 0 && --putenv_fail_in == 0)
        return PAM_BUF_ERR;
    *(void **) &real = dlsym(RTLD_NEXT, "pam_putenv");
    return real != NULL ? real(pamh, name_value) : PAM_SYSTEM_ERR;
}

/* ---- getgrouplist calls, counted --------------------------------------- */

static int getgrouplist_calls;

EXPORTED int getgrouplist(const char *user, gid_t group, gid_t *groups,
                          int *ngroups);

/* Like pam_putenv above: the module's calls, counted, then glibc's. */
int
getgrouplist(const char *user, gid_t group, gid_t *groups, int *ngroups)
{
    int (*real)(const char *, gid_t, gid_t *, int *);

    getgrouplist_calls++;
    *(void **) &real = dlsym(RTLD_NEXT, "getgrouplist");
    return real != NULL ? real(user, group, groups, ngroups) : -1;
}

/* ---- User mode --------------------------------------------------------- */

static void
test_minimum_uid(void **state)
{
    char opts[64], **env;

    alice_static_keys();
    snprintf(opts, sizeof(opts), "minimum_uid=%lu debug",
             (unsigned long) W.auid + 1);
    env = open_env(opts, PAM_SUCCESS);
    assert_no_aws(env);
    assert_logged("ignoring low-UID user");
    pamtest_free_env(env);
    snprintf(opts, sizeof(opts), "minimum_uid=%lu", (unsigned long) W.auid);
    env = open_env(opts, PAM_SUCCESS);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    pamtest_free_env(env);
}

/* Whether pid is gone (or a zombie), waiting up to about 5 s for it. */
static bool
process_gone(pid_t pid)
{
    char path[64], stat[256];
    int i;

    snprintf(path, sizeof(path), "/proc/%ld/stat", (long) pid);
    for (i = 0; i < 500; i++) {
        FILE *f = fopen(path, "re");
        char *close_paren;

        if (f == NULL)
            return true;
        if (fgets(stat, sizeof(stat), f) == NULL)
            stat[0] = '\0';
        fclose(f);
        close_paren = strrchr(stat, ')');
        if (close_paren != NULL && close_paren[1] == ' '
            && close_paren[2] == 'Z')
            return true;
        usleep(10000);
    }
    return false;
}

/* Reads the first number in path; -1 when there is none. */
static long
read_number(const char *path)
{
    long n = -1;
    FILE *f = fopen(path, "re");

    if (f != NULL) {
        if (fscanf(f, "%ld", &n) != 1)
            n = -1;
        fclose(f);
    }
    return n;
}

static void
test_hanging_worker_times_out(void **state)
{
    char path[512], pidfile[600], script[1400], opts[700], **env;
    long pid;

    snprintf(path, sizeof(path), "%s/hang-worker.sh", W.dir);
    snprintf(pidfile, sizeof(pidfile), "%s/hang.pid", W.ahome);
    /* The worker runs in a PID namespace of its own, where $$ is 2: the
       shell's own /proc/self (the host's /proc) gives the host's pid. */
    snprintf(script, sizeof(script), "#!/bin/sh\n"
             "read -r pid _ < /proc/self/stat; echo $pid > '%s'\n"
             "exec sleep 60\n", pidfile);
    put_file(path, script, 0755, 0, 0);
    /* worker= given twice: the last one wins. */
    snprintf(opts, sizeof(opts), "worker=%s timeout=500ms", path);
    env = open_env(opts, PAM_SUCCESS);
    assert_no_aws(env);
    assert_logged("timed out after 500 ms");
    pamtest_free_env(env);
    /* The worker did not outlive the deadline. */
    pid = read_number(pidfile);
    assert_true(pid > 0);
    assert_true(process_gone((pid_t) pid));
    unlink(pidfile);
}

/* The host's leaked descriptors never reach the worker (D3, D7). */
static void
test_worker_sees_only_std_fds(void **state)
{
    char path[512], list[600], script[1400], opts[700], line[64], **env;
    int leaked = dup2(STDIN_FILENO, 50), count = 0;
    FILE *f;

    assert_int_equal(leaked, 50);  /* dup2 leaves FD_CLOEXEC off */
    snprintf(path, sizeof(path), "%s/fd-worker.sh", W.dir);
    snprintf(list, sizeof(list), "%s/fds", W.ahome);
    snprintf(script, sizeof(script), "#!/bin/sh\nexec ls /proc/self/fd > '%s'\n",
             list);
    put_file(path, script, 0755, 0, 0);
    snprintf(opts, sizeof(opts), "worker=%s", path);
    env = open_env(opts, PAM_SUCCESS);
    close(leaked);
    assert_no_aws(env);
    pamtest_free_env(env);
    f = fopen(list, "re");
    assert_non_null(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        count++;
        /* 0-2 and the directory ls itself reads. */
        if (atoi(line) > 3)
            fail_msg("worker saw fd %s", line);
    }
    fclose(f);
    unlink(list);
    assert_int_equal(count, 4);
}

/* A host with fds 0-2 closed: our pipes may land there. */
static void
test_host_with_std_fds_closed(void **state)
{
    int saved[3], fd;
    char **env;

    alice_static_keys();
    for (fd = 0; fd < 3; fd++) {
        saved[fd] = fcntl(fd, F_DUPFD_CLOEXEC, 10);
        close(fd);
    }
    env = open_env("", PAM_SUCCESS);
    for (fd = 0; fd < 3; fd++) {
        dup2(saved[fd], fd);
        close(saved[fd]);
    }
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    pamtest_free_env(env);
}

/* ---- Session lifecycle -------------------------------------------------- */

/* Export is all or nothing: when the third pam_putenv fails, the two
   variables already set are removed again and the failure is logged. */
static void
test_putenv_failure_rolls_back(void **state)
{
    char **env;

    alice_static_keys();
    putenv_fail_in = 3;
    env = open_env("", PAM_SUCCESS);
    assert_int_equal(putenv_fail_in, 0);
    assert_no_aws(env);
    assert_logged("cannot set AWS_");
    pamtest_free_env(env);
}

/* ---- System mode -------------------------------------------------------- */

/* ---- Attribution in system mode (attrib.c) ----------------------------- */

#define STS_OK "<AssumeRoleResponse><AssumeRoleResult><Credentials>" \
    "<AccessKeyId>" KEY_BOB "</AccessKeyId><SecretAccessKey>" SECRET_SYS \
    "</SecretAccessKey><SessionToken>" TOKEN "</SessionToken>" \
    "<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>" \
    "</AssumeRoleResult></AssumeRoleResponse>"

/* A system profile that assumes a role through the loopback STS (the
   time server answering AssumeRole); opts for a login with more. */
static const char *
system_role(const char *more)
{
    static char opts[2048];
    char cfg[512], creds[512], text[1024];
    struct passwd *me = getpwuid(geteuid());

    assert_non_null(me);
    sts_answer(200, STS_OK);
    snprintf(cfg, sizeof(cfg), "%s/sys-config", W.dir);
    snprintf(creds, sizeof(creds), "%s/sys-credentials", W.dir);
    snprintf(text, sizeof(text), "[profile sys]\nregion = eu-west-3\n"
             "role_arn = arn:aws:iam::123456789012:role/profile-role\n"
             "source_profile = base\nendpoint_url = http://127.0.0.1:%d/\n"
             "[profile base]\n", W.clock.port);
    put_file(cfg, text, 0600, 0, 0);
    put_file(creds, "[base]\naws_access_key_id = " KEY_SYS "\n"
             "aws_secret_access_key = " SECRET_SYS "\n", 0600, 0, 0);
    snprintf(opts, sizeof(opts), "mode=system system_config=%s"
             " system_credentials=%s system_profile=sys system_user=%s %s",
             cfg, creds, me->pw_name, more);
    return opts;
}

/* A16.1: role_arn=, source_identity= (default %u), session_tags= and
   transitive_tag_keys= reach AssumeRole exactly as configured and
   expanded; the audit line names the role and the
   source identity. */
static void
test_system_attribution(void **state)
{
    char want[1024], **env;
    const char *body;

    env = open_env(system_role("role_arn=arn:aws:iam::123456789012:role/"
                               "users/%u session_tags=login=%u,via=%s"
                               " transitive_tag_keys=login"),
                   PAM_SUCCESS);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_BOB);
    pamtest_free_env(env);
    body = last_sts_body();
    assert_non_null(body);
    snprintf(want, sizeof(want), "\"body\": \"Action=AssumeRole&"
             "Version=2011-06-15&RoleSessionName=%s&SourceIdentity=%s&"
             "RoleArn=arn%%3Aaws%%3Aiam%%3A%%3A123456789012%%3Arole%%2Fusers"
             "%%2F%s&Tags.member.1.Key=login&Tags.member.1.Value=%s&"
             "Tags.member.2.Key=via&Tags.member.2.Value=%s&"
             "TransitiveTagKeys.member.1=login\"",
             W.alice, W.alice, W.alice, W.alice, svc_name);
    if (strncmp(body, want, strlen(want)) != 0)
        fail_msg("STS got %.600s\nwanted %s", body, want);
    snprintf(want, sizeof(want), "role=arn:aws:iam::123456789012:role/"
             "users/%s source_identity=%s", W.alice, W.alice);
    assert_logged(want);

    /* source_identity= (empty) sends none; the profile's role stays. */
    env = open_env(system_role("source_identity="), PAM_SUCCESS);
    pamtest_free_env(env);
    body = last_sts_body();
    assert_non_null(body);
    assert_null(strstr(body, "SourceIdentity"));
    assert_non_null(strstr(body, "role%2Fprofile-role"));
}

/* A16.2: a value STS would refuse is never sent: the login exports
   nothing and the log says which option and why. */
static void
test_system_attribution_refused(void **state)
{
    static const struct {
        const char *opts, *logged;
    } cases[] = {
        /* no PAM_RHOST here: %r is empty, below SourceIdentity's 2 */
        { "source_identity=%r", "source_identity (%r) is not 2 to 64" },
        { "source_identity=%u/x", "source_identity (%u/x) is not 2 to 64" },
        { "session_tags=aws:user=%u", "starts with aws:" },
        { "session_tags=a=1,A=2", "repeats a key" },
        { "session_tags=a=x,b=y transitive_tag_keys=c",
          "is not one of the keys of session_tags" },
        { "session_tags=a=%u,b=y,c=y,d=y,e=y,f=y,g=y,h=y,i=y,j=y,k=y,l=y,"
          "m=y,n=y,o=y,p=y,q=y,r=y,s=y,t=y,u=y,v=y,w=y,x=y,y=y,z=y,aa=y,"
          "ab=y,ac=y,ad=y,ae=y,af=y,ag=y,ah=y,ai=y,aj=y,ak=y,al=y,am=y,"
          "an=y,ao=y,ap=y,aq=y,ar=y,as=y,at=y,au=y,av=y,aw=y,ax=y,ay=y",
          "has more than 50 tags" },
        { "role_arn=arn:aws:iam::123456789012:role/%u%%",
          "role_arn (arn:aws:iam::123456789012:role/%u%%) is not 20" },
    };
    char **env;
    unsigned before;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *opts = system_role(cases[i].opts);

        before = fault_server_requests(&W.clock);
        logbuf[0] = '\0';
        env = open_env(opts, PAM_SUCCESS);
        assert_no_aws(env);
        pamtest_free_env(env);
        assert_logged(cases[i].logged);
        assert_logged("nothing is sent to STS");
        assert_int_equal(fault_server_requests(&W.clock), before);
    }
    /* An unknown % sequence refuses every login: ignoring it would fall
       back to the profile's role or the default identity. */
    before = fault_server_requests(&W.clock);
    logbuf[0] = '\0';
    env = open_env(system_role("role_arn=arn:aws:iam::1:role/%x"),
                   PAM_SUCCESS);
    assert_no_aws(env);
    pamtest_free_env(env);
    assert_logged("invalid value 'arn:aws:iam::1:role/%x' for role_arn");
    assert_logged("refused");
    assert_int_equal(fault_server_requests(&W.clock), before);
}

/* ---- MFA in the auth stack (mfa.c) -------------------------------------- */

#define STS_MFA_DENIED "<ErrorResponse><Error><Type>Sender</Type>" \
    "<Code>AccessDenied</Code><Message>MultiFactorAuthentication failed" \
    " with invalid MFA one time pass code.</Message></Error></ErrorResponse>"

/* One login through auth (auth_control with our module, mfa and
   mfa_serial=) and open_session with opts, answering the prompt with code;
   the session's environment in *env, what the user saw in conv. */
static void
mfa_role_login(const char *auth_control, const char *opts, const char *code,
               int auth_rv, int open_rv, struct conv_capture *conv,
               char ***env)
{
    char auth[4096], session[4100];

    snprintf(auth, sizeof(auth), "mfa_serial=arn:aws:iam::123456789012:"
             "mfa/%%u %s", opts);
    snprintf(session, sizeof(session), "mfa %s", auth);
    *env = mfa_login(auth_control, auth, session, code, auth_rv, open_rv,
                     conv);
}

/* Whether the handles' directory holds no file. */
static void
assert_no_handle_left(void)
{
    char cmd[700];

    snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s/mfa' 2>/dev/null)\"",
             W.dir);
    assert_int_equal(system(cmd), 0);
}

/* A16.3: auth with mfa asks for the code of mfa_serial=, assumes the role
   with SerialNumber and TokenCode, and the session gets the credentials
   through a one-time handle that is gone from the final environment and
   from mfa_dir. */
static void
test_mfa_right_code(void **state)
{
    struct conv_capture conv;
    char want[512], **env;
    const char *body;

    mfa_role_login("required", system_role(""), "123456", PAM_SUCCESS,
                   PAM_SUCCESS, &conv, &env);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_BOB);
    assert_env(env, "AWS_SESSION_TOKEN", TOKEN);
    assert_null(env_get(env, "AWSCRED_MFA_HANDLE"));
    assert_null(env_get(env, "AWSCRED_MFA_CODE"));
    pamtest_free_env(env);
    body = last_sts_body();
    assert_non_null(body);
    snprintf(want, sizeof(want), "SerialNumber=arn%%3Aaws%%3Aiam%%3A%%3A"
             "123456789012%%3Amfa%%2F%s", W.alice);
    if (strstr(body, want) == NULL || strstr(body, "TokenCode=123456") == NULL)
        fail_msg("STS got %.600s", body);
    assert_no_handle_left();
    assert_null(strstr(logbuf, "123456&"));
}

/* A16.4: a wrong code: the user is told STS's message, syslog has it,
   required refuses the login; optional goes on, and the session gets no
   AWS credentials (not the role without MFA). A code that is not 6 digits
   never reaches STS. */
static void
test_mfa_wrong_code(void **state)
{
    struct conv_capture conv;
    char **env;
    const char *opts = system_role("");
    unsigned before;

    sts_answer(403, STS_MFA_DENIED);
    mfa_role_login("required", opts, "654321", PAM_AUTH_ERR, PAM_SUCCESS,
                   &conv, &env);
    pamtest_free_env(env);
    if (strstr(conv.info[0], "MultiFactorAuthentication failed with invalid"
               " MFA one time pass code") == NULL)
        fail_msg("the user saw '%s'", conv.info[0]);
    assert_logged("MultiFactorAuthentication failed");
    assert_no_handle_left();

    /* optional: the stack goes on, the session has no AWS credentials */
    mfa_role_login("optional", opts, "654321", PAM_SUCCESS, PAM_SUCCESS,
                   &conv, &env);
    assert_no_aws(env);
    pamtest_free_env(env);
    assert_logged("the auth phase left no MFA handle");

    before = fault_server_requests(&W.clock);
    mfa_role_login("required", opts, "12345x", PAM_AUTH_ERR, PAM_SUCCESS,
                   &conv, &env);
    pamtest_free_env(env);
    assert_logged("the MFA code is not 6 digits");
    assert_int_equal(fault_server_requests(&W.clock), before);
}

/* ---- Host conditions (security.md D7) ----------------------------------- */

static void
reaper(int sig)
{
    int saved = errno;

    while (waitpid(-1, NULL, WNOHANG) > 0)
        continue;
    errno = saved;
}

/* Whether clone3 exists here: with a NULL argument of size 0 the kernel
   says EINVAL; valgrind (which does not emulate clone3) and seccomp
   profiles that refuse it say ENOSYS, and the module takes its fork
   fallback, which test_fork_fallback covers. */
static bool
have_clone3(void)
{
    return syscall(SYS_clone3, NULL, (size_t) 0) < 0 && errno != ENOSYS;
}

static void
host_run_and_compare(const struct sigaction *host)
{
    struct sigaction before, after;
    char **env;

    if (!have_clone3()) {
        printf("# clone3 is refused here (valgrind?): the fork fallback"
               " cannot serve this host\n");
        skip();
    }
    assert_int_equal(sigaction(SIGCHLD, host, &before), 0);
    sigaction(SIGCHLD, NULL, &before);
    env = open_env("", PAM_SUCCESS);
    sigaction(SIGCHLD, NULL, &after);
    assert_ptr_equal(before.sa_handler, after.sa_handler);
    assert_int_equal(before.sa_flags, after.sa_flags);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    pamtest_free_env(env);
    signal(SIGCHLD, SIG_DFL);
}

static void
test_host_ignores_sigchld(void **state)
{
    struct sigaction sa;

    alice_static_keys();
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    host_run_and_compare(&sa);
}

static void
test_host_reaps_children(void **state)
{
    struct sigaction sa;

    alice_static_keys();
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = reaper;
    sa.sa_flags = SA_RESTART;
    host_run_and_compare(&sa);
}

/*
 * A second thread allocating and reading the environment meanwhile. The
 * block in hand is also kept in busy_block: a child forked from this host
 * (the module's keeper, under the fork fallback) has only the forking
 * thread, and under valgrind a block referenced from the busy thread's
 * registers alone would be a definite leak there, which --error-exitcode
 * turns into the keeper's exit status.
 */
static volatile int busy_stop;
static void *volatile busy_block;
static pthread_t busy;
static bool busy_running;

static void *
busy_thread(void *arg)
{
    while (!busy_stop) {
        busy_block = malloc(64);
        free(busy_block);
        if (getenv("PATH") == NULL)
            continue;
    }
    return NULL;
}

/* Teardown of test_multithreaded_host: the thread is stopped even when an
   assertion ended the test early, so that it cannot race later tests. */
static int
stop_busy_thread(void **state)
{
    if (busy_running) {
        busy_stop = 1;
        pthread_join(busy, NULL);
        busy_running = false;
    }
    return 0;
}

static void
test_multithreaded_host(void **state)
{
    char **env;
    int i;

    alice_static_keys();
    busy_stop = 0;
    assert_int_equal(pthread_create(&busy, NULL, busy_thread, NULL), 0);
    busy_running = true;
    for (i = 0; i < 5; i++) {
        env = open_env("", PAM_SUCCESS);
        assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
        pamtest_free_env(env);
    }
    stop_busy_thread(state);
}

/* Makes clone3 fail with ENOSYS, as old kernels and some seccomp
   profiles do, and with pidfd_clone clone(CLONE_PIDFD) with EPERM too, so
   the module takes its legacy clone or its fork fallback. */
static int
refuse_clone3(bool pidfd_clone)
{
    struct sock_filter filter[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                 offsetof(struct seccomp_data, args[0])),
        BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K,
                 pidfd_clone ? 0x1000 /* CLONE_PIDFD */ : 0, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = { sizeof(filter) / sizeof(filter[0]), filter };

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return -1;
    return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
}

/* Runs child in a forked host (for what must not touch this process:
   seccomp, rlimits, umask) with the stack set up; expects it to return 0. */
static void
expect_child_ok(int (*child)(void))
{
    int status;
    pid_t pid;

    service("", "");
    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(child());
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/*
 * In a child process (seccomp cannot be undone): with clone3 refused, and
 * with clone(CLONE_PIDFD) refused too (the fork fallback), a default host
 * and a host that auto-reaps (SIGCHLD ignored) get credentials: the
 * keeper sends the worker's status on its report pipe before the host can
 * reap it. Exit status: 0 ok, else the failing step.
 */
static int
fallback_run(bool pidfd_clone)
{
    struct pam_testcase cases[] = {
        pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS),
        pam_test(PAMTEST_GETENVLIST, PAM_SUCCESS),
    };
    const char *key;

    if (refuse_clone3(pidfd_clone) < 0)
        return 10;
    logbuf[0] = '\0';
    if (run_pamtest(svc_name, W.alice, NULL, cases, NULL) != PAMTEST_ERR_OK)
        return 11;
    key = env_get(cases[1].case_out.envlist, "AWS_ACCESS_KEY_ID");
    if (key == NULL || strcmp(key, KEY_A) != 0)
        return 12;
    pamtest_free_env(cases[1].case_out.envlist);
    signal(SIGCHLD, SIG_IGN);
    logbuf[0] = '\0';
    if (run_pamtest(svc_name, W.alice, NULL, cases, NULL) != PAMTEST_ERR_OK)
        return 13;
    key = env_get(cases[1].case_out.envlist, "AWS_ACCESS_KEY_ID");
    if (key == NULL || strcmp(key, KEY_A) != 0)
        return 14;
    pamtest_free_env(cases[1].case_out.envlist);
    return 0;
}

static int
clone_fallback_child(void)
{
    return fallback_run(false);
}

static int
fork_fallback_child(void)
{
    return fallback_run(true);
}

static void
test_fork_fallback(void **state)
{
    alice_static_keys();
    expect_child_ok(clone_fallback_child);
    expect_child_ok(fork_fallback_child);
}

/* The host never maps libcurl/OpenSSL because of us. */
static void
test_nothing_mapped(void **state)
{
    struct pam_testcase cases[] = {
        pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS),
        pam_test(PAMTEST_GETENVLIST, PAM_SUCCESS),
        pam_test(PAMTEST_KEEPHANDLE, PAM_SUCCESS),
    };
    char line[1024];
    bool saw_module = false;
    FILE *maps;

    alice_static_keys();
    service("", "");
    assert_int_equal(run_pamtest(svc_name, W.alice, NULL, cases, NULL),
                     PAMTEST_ERR_OK);
    assert_env(cases[1].case_out.envlist, "AWS_ACCESS_KEY_ID",
                        KEY_A);
    maps = fopen("/proc/self/maps", "re");
    assert_non_null(maps);
    while (fgets(line, sizeof(line), maps) != NULL) {
        if (strstr(line, "pam_awscred.so") != NULL)
            saw_module = true;
        if (strstr(line, "libcurl") || strstr(line, "libssl")
            || strstr(line, "libcrypto") || strstr(line, "awscred-net"))
            fail_msg("mapped after pam_open_session: %s", line);
    }
    fclose(maps);
    assert_true(saw_module);
    pamtest_free_env(cases[1].case_out.envlist);
    pam_end(cases[2].case_out.ph, PAM_SUCCESS);
}

/* ---- The clock check (clock_policy.h) ----------------------------------- */

/* Opens a session for alice with opts and flags, expecting expected; the
   user's lines in conv. */
static char **
open_conv(const char *opts, int flags, int expected, struct conv_capture *conv)
{
    struct pam_testcase cases[] = {
        pam_test_flags(PAMTEST_OPEN_SESSION, expected, flags),
        pam_test(PAMTEST_GETENVLIST, PAM_SUCCESS),
    };
    enum pamtest_err perr;

    service("", opts);
    conv_init(conv);
    perr = run_pamtest(svc_name, W.alice, &conv->data, cases, NULL);
    if (perr != PAMTEST_ERR_OK)
        fail_msg("pamtest: %s (open_session returned %d); log:\n%s",
                 pamtest_strerror(perr), cases[0].op_rv, logbuf);
    return cases[1].case_out.envlist;
}

/* Makes the time server answer like STS (403) with a Date ahead of the
   local clock by ahead_s; skips the test without the server. */
static void
aws_clock_ahead(long ahead_s)
{
    char date[64], script[256];
    time_t t = time(NULL) + ahead_s;
    struct tm tm;

    if (W.clock.port == 0) {
        printf("# needs python3 for the loopback time server\n");
        skip();
    }
    assert_non_null(gmtime_r(&t, &tm));
    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
    snprintf(script, sizeof(script),
             "{\"default\": {\"status\": 403, \"body\": \"denied\","
             " \"headers\": {\"Date\": \"%s\"}}}", date);
    fault_server_script(&W.clock, script);
}

/* Opens a session with the clock check on plus opts; the environment in
   *env, the user's lines in conv. */
static void
open_clock(const char *opts, int flags, int expected, struct conv_capture *conv,
           char ***env)
{
    static int logins;
    char all[1024];

    /* every login measures afresh: a clock record of its own */
    snprintf(all, sizeof(all), "clock_check=auto clock_url=http://127.0.0.1:%d/"
             " clock_state=%s/clock-%d %s", W.clock.port, W.dir, ++logins,
             opts);
    *env = open_conv(all, flags, expected, conv);
}

/* ---- Telling the user why (pamaws_notice) ------------------------------ */

/* Static keys (no AWS request) on a host 10 min slow: one probe, the
   credentials, a line on the terminal and a LOG_WARNING. */
static void
test_clock_warning_reaches_user(void **state)
{
    struct conv_capture conv;
    char **env;

    alice_static_keys();
    aws_clock_ahead(600);
    open_clock("", 0, PAM_SUCCESS, &conv, &env);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    if (strstr(conv.info[0], "System clock is ") == NULL
        || strstr(conv.info[0], " min ") == NULL
        || strstr(conv.info[0], "behind http://127.0.0.1:") == NULL)
        fail_msg("the user saw \"%s\"; log:\n%s", conv.info[0], logbuf);
    assert_string_equal(conv.info[1], "");
    assert_logged("<4>pam_awscred(awscred:session): system clock is ");
    assert_logged("measured against http://127.0.0.1:");
    assert_int_equal(fault_server_requests(&W.clock), 1);
    pamtest_free_env(env);
}

/* PAM_SILENT: syslog only, nothing on the terminal. */
static void
test_clock_silent(void **state)
{
    struct conv_capture conv;
    char **env;

    alice_static_keys();
    aws_clock_ahead(600);
    open_clock("", PAM_SILENT, PAM_SUCCESS, &conv, &env);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    assert_string_equal(conv.info[0], "");
    assert_logged("<4>pam_awscred(awscred:session): system clock is ");
    pamtest_free_env(env);
}

/* clock_strict: beyond clock_refuse the session fails and the user is
   told why; beyond clock_warn only, it is warned and opened. strict is
   about credentials only: with it alone the skewed login is opened. The
   time server here is plain http, which anyone on the path could forge:
   it refuses only with clock_trust=any. */
static void
test_clock_strict_refuses(void **state)
{
    char path[512], text[256];
    struct conv_capture conv;
    char **env;

    alice_static_keys();
    aws_clock_ahead(600);
    open_clock("clock_strict", 0, PAM_SUCCESS, &conv, &env);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    assert_logged("not refused: the source is not authenticated");
    pamtest_free_env(env);

    logbuf[0] = '\0';
    open_clock("clock_strict clock_trust=any", 0, PAM_SESSION_ERR, &conv,
               &env);
    assert_no_aws(env);
    assert_non_null(strstr(conv.info[0], "so this session was refused"));
    assert_logged("<3>pam_awscred(awscred:session): system clock is ");
    assert_logged("session refused (clock_strict)");
    pamtest_free_env(env);

    logbuf[0] = '\0';
    open_clock("strict", 0, PAM_SUCCESS, &conv, &env);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    assert_non_null(strstr(conv.info[0], "AWS will reject signed requests"));
    assert_not_logged("refused");
    pamtest_free_env(env);

    /* the thresholds from pam_awscred.conf this time */
    snprintf(path, sizeof(path), "%s/pam_awscred.conf", W.dir);
    snprintf(text, sizeof(text), "clock_refuse = 120\n[user %s]\n"
             "clock_warn = 30\nclock_refuse = 900\n", W.alice);
    put_file(path, text, 0644, 0, 0);
    logbuf[0] = '\0';
    open_clock("clock_strict clock_trust=any", 0, PAM_SUCCESS, &conv, &env);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    assert_non_null(strstr(conv.info[0], "behind "));
    assert_not_logged("refused");
    pamtest_free_env(env);
}

/* Credentials from a credential_process that expire in seconds; extra is
   more of alice's [default] profile. */
static void
alice_expiring_process(long seconds, const char *extra)
{
    char path[512], script[1024], config[1200], expires[40];
    time_t t = time(NULL) + seconds;
    struct tm tm;

    assert_non_null(gmtime_r(&t, &tm));
    strftime(expires, sizeof(expires), "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(path, sizeof(path), "%s/expiring-process.sh", W.dir);
    snprintf(script, sizeof(script),
             "#!/bin/sh\necho '{\"Version\": 1, \"AccessKeyId\": \"" KEY_A
             "\", \"SecretAccessKey\": \"" SECRET_A "\", \"SessionToken\":"
             " \"" TOKEN "\", \"Expiration\": \"%s\"}'\n", expires);
    put_file(path, script, 0755, 0, 0);
    snprintf(config, sizeof(config),
             "[default]\ncredential_process = %s\n%s", path, extra);
    alice_file("config", config, 0600);
}

/* credential_process credentials valid for 15 more minutes by the local
   clock, but expired 5 minutes ago by the time server's (20 min ahead):
   the module judges by that clock and exports nothing when the admin
   trusts it (clock_trust=any: it is plain http); by default a clock
   anyone on the path could forge withholds nothing. */
static void
test_clock_expiry_by_aws_time(void **state)
{
    struct conv_capture conv;
    char **env;

    aws_clock_ahead(1200);
    alice_expiring_process(900, "");
    open_clock("clock_trust=any", 0, PAM_SUCCESS, &conv, &env);
    assert_no_aws(env);
    assert_logged("expired at ");
    assert_logged("nothing exported");
    assert_non_null(strstr(conv.info[0], "behind "));
    pamtest_free_env(env);

    logbuf[0] = '\0';
    open_clock("", 0, PAM_SUCCESS, &conv, &env);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    assert_not_logged("expired at ");
    assert_non_null(strstr(conv.info[0], "behind "));
    pamtest_free_env(env);
}

/* ---- More rows of the fault catalogue (tests/FAULTS.md) ------------------ */

/* D2, D4: the worker's environment and arguments are built from scratch.
   Nothing of the host's environ nor of the PAM environment reaches it, so
   a user's AWS_CONFIG_FILE, AWS_CONTAINER_*, proxies or SSLKEYLOGFILE
   (under su) cannot steer it; IMDS is off unless the admin sets imds. */
static void
test_worker_environment_from_scratch(void **state)
{
    static const char *const planted[] = {
        "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_EC2_METADATA_DISABLED",
        "AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_CA_BUNDLE", "http_proxy",
        "HTTPS_PROXY", "ALL_PROXY", "SSLKEYLOGFILE", "LD_PRELOAD_PLANTED",
    };
    size_t n = sizeof(planted) / sizeof(planted[0]), i;
    char path[512], dump[600], script[1400], opts[700];
    char pre[700], conf[4096], line[1024], **env;
    struct pam_testcase cases[] = {
        pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS),
        pam_test(PAMTEST_GETENVLIST, PAM_SUCCESS),
    };
    size_t used = 0;
    bool saw_imds = false, saw_path = false;
    FILE *f;

    snprintf(path, sizeof(path), "%s/env-worker.sh", W.dir);
    snprintf(dump, sizeof(dump), "%s/worker-env", W.ahome);
    snprintf(script, sizeof(script), "#!/bin/sh\n"
             "{ for a in \"$@\"; do echo \"arg $a\"; done; env; } > '%s'\n",
             dump);
    put_file(path, script, 0755, 0, 0);
    /* The same names in the host's environ and, via pam_env, in the PAM
       environment. */
    conf[0] = '\0';
    for (i = 0; i < n; i++) {
        setenv(planted[i], "planted", 1);
        used += (size_t) snprintf(conf + used, sizeof(conf) - used,
                                  "%s DEFAULT=planted\n", planted[i]);
    }
    pam_env_line(pre, sizeof(pre), conf);

    snprintf(opts, sizeof(opts), "worker=%s", path);
    service(pre, opts);
    assert_int_equal(run_pamtest(svc_name, W.alice, NULL, cases, NULL),
                     PAMTEST_ERR_OK);
    env = cases[1].case_out.envlist;
    for (i = 0; i < n; i++)
        unsetenv(planted[i]);
    assert_null(env_get(env, "AWS_ACCESS_KEY_ID"));
    pamtest_free_env(env);
    f = fopen(dump, "re");
    assert_non_null(f);
    while (fgets(line, sizeof(line), f) != NULL) {
        if (strstr(line, "planted") != NULL)
            fail_msg("the worker saw %s", line);
        if (strcmp(line, "arg --imds\n") == 0)
            saw_imds = true;
        if (strncmp(line, "PATH=", 5) == 0)
            saw_path = true;
    }
    fclose(f);
    assert_true(saw_path);
    assert_false(saw_imds);  /* off by default */

    /* imds is the admin's opt-in. */
    snprintf(opts, sizeof(opts), "worker=%s imds", path);
    env = open_env(opts, PAM_SUCCESS);
    pamtest_free_env(env);
    f = fopen(dump, "re");
    assert_non_null(f);
    while (fgets(line, sizeof(line), f) != NULL)
        if (strcmp(line, "arg --imds\n") == 0)
            saw_imds = true;
    fclose(f);
    assert_true(saw_imds);
    unlink(dump);
}

/* Writes a stand-in worker that prints one result frame with records
   (the worker's protocol, pam_awscred/internal.h); returns its path. */
static const char *
fake_worker(const char *name, const char *records)
{
    static char path[512];
    char script[4096];

    snprintf(path, sizeof(path), "%s/%s", W.dir, name);
    snprintf(script, sizeof(script), "#!/bin/sh\nbody='%s'\n"
             "printf 'AWSCRED-RESULT 1 %%d\\n%%s' \"${#body}\" \"$body\"\n",
             records);
    put_file(path, script, 0755, 0, 0);
    return path;
}

/* D5, D6: a clock 10 min off gives the user a line through the
   conversation, unless PAM_SILENT: then syslog only. The credentials'
   expiry is exported as AWS_CREDENTIAL_EXPIRATION (UTC). */
static void
test_clock_notice_and_pam_silent(void **state)
{
    char records[1024], opts[700], expected[40];
    char info_buf[4][PAM_MAX_MSG_SIZE], err_buf[4][PAM_MAX_MSG_SIZE];
    char *info[4], *errs[4];
    struct pamtest_conv_data conv;
    time_t expires = time(NULL) + 3600;
    struct tm tm;
    int i, flags[2] = {0, PAM_SILENT};

    snprintf(records, sizeof(records),
             "status=0\naccess_key_id=" KEY_A "\nsecret_access_key="
             SECRET_A "\nsession_token=" TOKEN "\nexpiration=%lld\n"
             "clock_measured=1\nclock_offset_ms=600000\n"
             "clock_uncertainty_ms=600\nclock_text=10 min 0 s behind AWS\n"
             "clock_verdict=1\nclock_source=https://sts.example/\n",
             (long long) expires);
    snprintf(opts, sizeof(opts), "worker=%s",
             fake_worker("clock-worker.sh", records));
    gmtime_r(&expires, &tm);
    strftime(expected, sizeof(expected), "%Y-%m-%dT%H:%M:%S+00:00", &tm);
    service("", opts);
    for (i = 0; i < 2; i++) {
        struct pam_testcase cases[] = {
            pam_test_flags(PAMTEST_OPEN_SESSION, PAM_SUCCESS, flags[i]),
            pam_test(PAMTEST_GETENVLIST, PAM_SUCCESS),
        };
        int j;

        memset(info_buf, 0, sizeof(info_buf));
        memset(err_buf, 0, sizeof(err_buf));
        for (j = 0; j < 4; j++) {
            info[j] = info_buf[j];
            errs[j] = err_buf[j];
        }
        memset(&conv, 0, sizeof(conv));
        conv.out_info = info;
        conv.out_err = errs;
        logbuf[0] = '\0';
        assert_int_equal(run_pamtest(svc_name, W.alice, &conv, cases, NULL),
                         PAMTEST_ERR_OK);
        assert_env(cases[1].case_out.envlist, "AWS_ACCESS_KEY_ID", KEY_A);
        assert_env(cases[1].case_out.envlist, "AWS_CREDENTIAL_EXPIRATION",
                   expected);
        pamtest_free_env(cases[1].case_out.envlist);
        assert_logged("system clock is 10 min 0 s behind AWS");
        assert_string_equal(err_buf[0], "");
        if (flags[i] == PAM_SILENT) {
            assert_string_equal(info_buf[0], "");
        } else if (strstr(info_buf[0], "System clock is 10 min 0 s behind "
                          "AWS") == NULL) {
            fail_msg("the user was told \"%s\"", info_buf[0]);
        }
    }
}

/* D2.9: (as root) a user whose home directory is gone: a clean result,
   logged, nothing exported; strict fails the session. PAM_USER unset and
   an unknown user are scenarios (tests/pam/scripts/user-unset,
   unknown-user-strict). */
static void
test_homeless_user(void **state)
{
    char gone[600], **env;

    if (!W.root) {
        printf("# needs root: the user is another account\n");
        skip();
    }
    snprintf(gone, sizeof(gone), "%s.gone", W.bhome);
    assert_int_equal(rename(W.bhome, gone), 0);
    logbuf[0] = '\0';
    env = open_env_as(W.bob, "", PAM_SUCCESS);
    assert_no_aws(env);
    pamtest_free_env(env);
    assert_logged(W.bob);
    env = open_env_as(W.bob, "strict", PAM_SESSION_ERR);
    pamtest_free_env(env);
    assert_int_equal(rename(gone, W.bhome), 0);
}

/* D6: pam_end with PAM_DATA_SILENT, after an open session and after a
   closed one (run under ASan in the sanitizer build: no double free). */
static void
test_pam_end_data_silent(void **state)
{
    struct pam_testcase open_only[] = {
        pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS),
        pam_test(PAMTEST_KEEPHANDLE, PAM_SUCCESS),
    };
    struct pam_testcase open_close[] = {
        pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS),
        pam_test(PAMTEST_CLOSE_SESSION, PAM_SUCCESS),
        pam_test(PAMTEST_KEEPHANDLE, PAM_SUCCESS),
    };

    alice_static_keys();
    service("", "");
    assert_int_equal(run_pamtest(svc_name, W.alice, NULL, open_only, NULL),
                     PAMTEST_ERR_OK);
    assert_non_null(pam_getenv(open_only[1].case_out.ph, "AWS_ACCESS_KEY_ID"));
    assert_string_equal(pam_getenv(open_only[1].case_out.ph,
                                   "AWS_ACCESS_KEY_ID"), KEY_A);
    assert_int_equal(pam_end(open_only[1].case_out.ph,
                             PAM_SUCCESS | PAM_DATA_SILENT), PAM_SUCCESS);
    assert_int_equal(run_pamtest(svc_name, W.alice, NULL, open_close, NULL),
                     PAMTEST_ERR_OK);
    assert_null(pam_getenv(open_close[2].case_out.ph, "AWS_ACCESS_KEY_ID"));
    assert_int_equal(pam_end(open_close[2].case_out.ph,
                             PAM_SUCCESS | PAM_DATA_SILENT), PAM_SUCCESS);
}

/* One session in the limits child: 0 when it ran cleanly (the stack
   returned PAM_SUCCESS), *exported set when our key came back. */
static int
limits_session(bool *exported)
{
    struct pam_testcase cases[] = {
        pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS),
        pam_test(PAMTEST_GETENVLIST, PAM_SUCCESS),
    };
    const char *key;

    logbuf[0] = '\0';
    if (run_pamtest(svc_name, W.alice, NULL, cases, NULL) != PAMTEST_ERR_OK)
        return -1;
    key = env_get(cases[1].case_out.envlist, "AWS_ACCESS_KEY_ID");
    *exported = key != NULL && strcmp(key, KEY_A) == 0;
    if (key != NULL && !*exported)
        return -1;
    pamtest_free_env(cases[1].case_out.envlist);
    return 0;
}

/*
 * In a child (limits are per process): umask 000 with cwd "/" works and
 * creates no file; RLIMIT_NOFILE 20 and RLIMIT_NPROC reached each work or
 * fail cleanly (PAM_IGNORE with a log line), never crash or hang.
 * Exit status: 0 ok, else the failing step.
 */
static int
limits_child(void)
{
    struct rlimit saved, low;
    bool exported = false;
    char listing[600];
    struct stat before, after;

    snprintf(listing, sizeof(listing), "%s/.aws", W.ahome);
    if (stat(listing, &before) != 0)
        return 9;
    umask(0);
    if (chdir("/") != 0)
        return 10;
    if (limits_session(&exported) != 0 || !exported)
        return 11;
    if (stat(listing, &after) != 0 || after.st_nlink != before.st_nlink
        || after.st_mtime != before.st_mtime)
        return 12;  /* something was created in ~/.aws */
    umask(022);

    if (getrlimit(RLIMIT_NOFILE, &saved) != 0)
        return 20;
    low = saved;
    low.rlim_cur = 20;
    if (setrlimit(RLIMIT_NOFILE, &low) != 0)
        return 21;
    if (limits_session(&exported) != 0)
        return 22;
    if (!exported && strstr(logbuf, "<3>") == NULL)
        return 23;
    fprintf(stderr, "# RLIMIT_NOFILE 20: %s\n",
            exported ? "credentials exported" : "failed cleanly");
    if (setrlimit(RLIMIT_NOFILE, &saved) != 0)
        return 24;

    if (getrlimit(RLIMIT_NPROC, &saved) != 0)
        return 30;
    low = saved;
    low.rlim_cur = 0;  /* reached by the first process of the user */
    if (setrlimit(RLIMIT_NPROC, &low) != 0)
        return 31;
    if (limits_session(&exported) != 0)
        return 32;
    if (!exported && strstr(logbuf, "<3>") == NULL)
        return 33;
    fprintf(stderr, "# RLIMIT_NPROC 0: %s\n%s",
            exported ? "credentials exported" : "failed cleanly:", logbuf);
    return setrlimit(RLIMIT_NPROC, &saved) == 0 ? 0 : 34;
}

/* D7: host umask 000 and cwd "/", RLIMIT_NOFILE 20, RLIMIT_NPROC. */
static void
test_host_limits(void **state)
{
    alice_static_keys();
    expect_child_ok(limits_child);
}

/* D7: nothing is written to the host's fd 1 or 2, on success or failure
   (here they are a file the test reads afterwards). */
static void
test_nothing_written_to_stdout_stderr(void **state)
{
    char path[512], **env[2];
    int saved[2], fd, i;
    struct stat st;

    alice_static_keys();
    snprintf(path, sizeof(path), "%s/host-stdio", W.dir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    fflush(NULL);
    for (i = 0; i < 2; i++) {
        saved[i] = fcntl(i + 1, F_DUPFD_CLOEXEC, 10);
        dup2(fd, i + 1);
    }
    env[0] = open_env("debug", PAM_SUCCESS);
    env[1] = open_env("debug worker=/nonexistent/awscred-worker",
                      PAM_SUCCESS);
    fflush(NULL);
    for (i = 0; i < 2; i++) {
        dup2(saved[i], i + 1);
        close(saved[i]);
    }
    close(fd);
    assert_env(env[0], "AWS_ACCESS_KEY_ID", KEY_A);
    assert_no_aws(env[1]);
    pamtest_free_env(env[0]);
    pamtest_free_env(env[1]);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, 0);
    unlink(path);
}

/* ---- Security review (tests/FAULTS.md, section S) ----------------------- */

/* alice's config runs a credential_process that leaves a marker in her
   home and prints alice's static key; returns the marker's path. */
static const char *
alice_marking_process(void)
{
    static char marker[600];
    char path[512], script[1400], config[700];

    snprintf(marker, sizeof(marker), "%s/process-ran", W.ahome);
    unlink(marker);
    snprintf(path, sizeof(path), "%s/marking-process.sh", W.dir);
    snprintf(script, sizeof(script),
             "#!/bin/sh\n: > '%s'\necho '{\"Version\": 1, \"AccessKeyId\":"
             " \"" KEY_A "\", \"SecretAccessKey\": \"" SECRET_A "\"}'\n",
             marker);
    put_file(path, script, 0755, 0, 0);
    snprintf(config, sizeof(config), "[default]\ncredential_process = %s\n",
             path);
    alice_file("config", config, 0600);
    return marker;
}

static bool
exists(const char *path)
{
    struct stat st;

    return lstat(path, &st) == 0;
}

/* S12.1: an sftp-only account (shell nologin) uploads a config whose
   credential_process is her own script: logging in runs nothing, unless
   the admin says nologin_users=allow. */
static void
test_nologin_user_runs_nothing(void **state)
{
    const char *marker;
    char **env;

    if (!W.root)
        skip();
    marker = alice_marking_process();
    run_cmd("usermod -s /usr/sbin/nologin '%s'", W.alice);
    env = open_env("", PAM_SUCCESS);
    assert_no_aws(env);
    pamtest_free_env(env);
    if (exists(marker))
        fail_msg("credential_process ran for a nologin account; log:\n%s",
                 logbuf);
    assert_logged("is not a login shell of /etc/shells");

    env = open_env("nologin_users=allow", PAM_SUCCESS);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    pamtest_free_env(env);
    assert_true(exists(marker));
    run_cmd("usermod -s /bin/sh '%s'", W.alice);
}

/* open_session for alice with PAM_RUSER (who ran su or sudo) set. */
static char **
open_env_ruser(const char *ruser, const char *opts)
{
    struct pam_conv conv = { NULL, NULL };
    pam_handle_t *pamh = NULL;
    char **env;

    service("", opts);
    assert_int_equal(pam_start(svc_name, W.alice, &conv, &pamh), PAM_SUCCESS);
    assert_int_equal(pam_set_item(pamh, PAM_RUSER, ruser), PAM_SUCCESS);
    assert_int_equal(pam_open_session(pamh, PAM_SILENT), PAM_SUCCESS);
    env = pam_getenvlist(pamh);
    pam_end(pamh, PAM_SUCCESS);
    return env;
}

/* S12.4: `sudo -u alice printenv` run by bob (or su by bob) exports
   nothing of alice's; alice herself, root, or foreign_ruser=allow do. */
static void
test_foreign_ruser_gets_nothing(void **state)
{
    const char *other = W.root ? W.bob : "awst-nosuch-caller";
    char **env;

    alice_static_keys();
    env = open_env_ruser(other, "");
    assert_no_aws(env);
    pamtest_free_env(env);
    assert_logged("the session was opened by ");
    assert_logged("foreign_ruser=skip");

    env = open_env_ruser(W.alice, "");
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    pamtest_free_env(env);
    env = open_env_ruser("root", "");
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    pamtest_free_env(env);
    env = open_env_ruser(other, "foreign_ruser=allow");
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    pamtest_free_env(env);
}

/* S12.3: a [group NAME] section for a group whose /etc/group entry is
   larger than 4 KiB (a thousand members) still applies. */
static void
test_large_group_section(void **state)
{
    char group[64], path[512], text[512], **env;

    if (!W.root)
        skip();
    snprintf(group, sizeof(group), "awst-g%ld", (long) getpid());
    run_cmd("groupadd '%s' && gpasswd -M \"$(yes root | head -1000 |"
            " paste -sd,),%s\" '%s'", group, W.alice, group);
    alice_static_keys();
    snprintf(path, sizeof(path), "%s/pam_awscred.conf", W.dir);
    snprintf(text, sizeof(text), "[group %s]\nregion = sa-east-1\n", group);
    put_file(path, text, 0644, 0, 0);
    env = open_env("", PAM_SUCCESS);
    run_cmd("groupdel '%s'", group);
    assert_env(env, "AWS_REGION", "sa-east-1");
    pamtest_free_env(env);
    assert_not_logged("cannot resolve group");
}

/* S12.5: system_credentials=creds (relative) under su, whose caller's
   directory holds a symlink "creds" to root's own file: never followed,
   the option is named and nothing is exported. Likewise conf=. */
static void
test_relative_path_refused(void **state)
{
    char real[512], link[512], opts[1400], **env;
    struct passwd *me = getpwuid(geteuid());
    int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    assert_non_null(me);
    assert_true(cwd >= 0);
    snprintf(real, sizeof(real), "%s/root-credentials", W.dir);
    snprintf(link, sizeof(link), "%s/creds", W.dir);
    put_file(real, "[default]\naws_access_key_id = " KEY_SYS "\n"
             "aws_secret_access_key = " SECRET_SYS "\n", 0600, 0, 0);
    unlink(link);
    assert_int_equal(symlink(real, link), 0);
    assert_int_equal(chdir(W.dir), 0);
    snprintf(opts, sizeof(opts), "mode=system system_config=/nonexistent"
             " system_credentials=creds system_user=%s", me->pw_name);
    env = open_env(opts, PAM_SUCCESS);
    assert_no_aws(env);
    pamtest_free_env(env);
    assert_logged("the module arguments: option system_credentials is a"
                  " relative path 'creds' (an absolute path), refused");

    logbuf[0] = '\0';
    alice_static_keys();
    env = open_env("conf=pam_awscred.conf", PAM_SUCCESS);
    assert_int_equal(fchdir(cwd), 0);
    close(cwd);
    assert_no_aws(env);
    pamtest_free_env(env);
    assert_logged("the module arguments: option conf is a relative path");
}

/* ---- The worker process (S. Security review) ------------------------- */

/* Writes alice's credential_process, a shell script whose body is given
   (it ends by printing KEY_A/SECRET_A); returns its path. */
static const char *
alice_process(const char *name, const char *body)
{
    static char path[512];
    char script[4096], config[1200];

    snprintf(path, sizeof(path), "%s/%s", W.dir, name);
    snprintf(script, sizeof(script),
             "#!/bin/sh\n%s\necho '{\"Version\": 1, \"AccessKeyId\": \""
             KEY_A "\", \"SecretAccessKey\": \"" SECRET_A "\"}'\n", body);
    put_file(path, script, 0755, 0, 0);
    snprintf(config, sizeof(config), "[default]\ncredential_process = %s\n",
             path);
    alice_file("config", config, 0600);
    return path;
}

/* Writes a stand-in worker running the shell script body; returns the
   options that use it, followed by more. */
static const char *
script_worker(const char *name, const char *body, const char *more)
{
    static char opts[1200];
    char path[512], script[8192];

    snprintf(path, sizeof(path), "%s/%s", W.dir, name);
    snprintf(script, sizeof(script), "#!/bin/sh\n%s", body);
    put_file(path, script, 0755, 0, 0);
    snprintf(opts, sizeof(opts), "worker=%s %s", path, more);
    return opts;
}

/* S12.6: the worker is not dumpable, so the user cannot ptrace it or read
   its memory: its /proc entries belong to root. Seen by alice's own
   credential_process, whose grandparent is the worker. */
static void
test_worker_not_dumpable(void **state)
{
    char body[1024], out[600], **env;

    snprintf(out, sizeof(out), "%s/worker-owner", W.dir);
    unlink(out);
    snprintf(body, sizeof(body),
             "read -r _ _ _ keeper _ < /proc/$PPID/stat\n"
             "stat -c %%u /proc/$keeper/environ > '%s'", out);
    chmod(W.dir, 0777);
    alice_process("dumpable-process.sh", body);
    env = open_env("", PAM_SUCCESS);
    chmod(W.dir, 0755);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    pamtest_free_env(env);
    assert_int_equal(read_number(out), 0);
    unlink(out);
}

/* S12.5: the worker runs in "/", never in the caller's directory, where a
   planted file could stand in for a relative path. */
static void
test_worker_cwd_is_root(void **state)
{
    char body[700], out[600], plant[600], line[256], cwd[PATH_MAX], **env;
    const char *opts;
    FILE *f;

    snprintf(out, sizeof(out), "%s/worker-cwd", W.ahome);
    snprintf(body, sizeof(body), "pwd > '%s'\n", out);
    opts = script_worker("cwd-worker.sh", body, "");
    snprintf(plant, sizeof(plant), "%s/planted", W.dir);
    put_file(plant, "[default]\n", 0644, 0, 0);
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(W.dir), 0);
    env = open_env(opts, PAM_SUCCESS);
    assert_int_equal(chdir(cwd), 0);
    pamtest_free_env(env);
    f = fopen(out, "re");
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof(line), f));
    fclose(f);
    assert_string_equal(line, "/\n");
    unlink(out);
    unlink(plant);
}

/* A shell line that starts CMD in the background, in a session of its
   own with setsid when daemon is true, after writing its host pid (its own
   /proc/self: the worker has a PID namespace of its own) to path. */
static void
background_line(char *buf, size_t size, bool daemon, const char *path,
                const char *cmd)
{
    snprintf(buf, size, "%ssh -c 'read -r p _ < /proc/self/stat; "
             "echo $p > %s; exec %s' </dev/null >/dev/null 2>&1 &\n"
             "while ! test -s %s; do sleep 0.01; done\n",
             daemon ? "setsid " : "", path, cmd, path);
}

/* S12.2: a credential_process that leaves a daemon (setsid, so outside
   its process group) succeeds, and once the login is over no process
   of it remains. */
static void
test_helper_daemon_does_not_outlive_login(void **state)
{
    char body[2048], pidfile[300], **env;
    long pid;

    snprintf(pidfile, sizeof(pidfile), "%s/daemon.pid", W.dir);
    unlink(pidfile);
    background_line(body, sizeof(body), true, pidfile, "sleep 1000");
    chmod(W.dir, 0777);
    alice_process("daemon-process.sh", body);
    env = open_env("", PAM_SUCCESS);
    chmod(W.dir, 0755);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    pamtest_free_env(env);
    pid = read_number(pidfile);
    assert_true(pid > 0);
    if (!process_gone((pid_t) pid)) {
        kill((pid_t) pid, SIGKILL);
        fail_msg("the helper's daemon %ld outlived the login", pid);
    }
    unlink(pidfile);
}

/* S12.2: a worker killed at the deadline takes what it started with it:
   a child in its process group and a daemon in a session of its own. */
static void
test_worker_killed_with_its_tree(void **state)
{
    char script[4400], line[2][2048], pids[2][600], **env;
    long pid[2];
    bool left[2];
    int i;

    for (i = 0; i < 2; i++) {
        snprintf(pids[i], sizeof(pids[i]), "%s/tree%d.pid", W.ahome, i);
        unlink(pids[i]);
        background_line(line[i], sizeof(line[i]), i == 1, pids[i],
                        "sleep 1000");
    }
    snprintf(script, sizeof(script), "%s%sexec sleep 60\n", line[0], line[1]);
    env = open_env(script_worker("tree-worker.sh", script, "timeout=1000ms"),
                   PAM_SUCCESS);
    assert_no_aws(env);
    assert_logged("timed out after 1000 ms");
    pamtest_free_env(env);
    for (i = 0; i < 2; i++) {
        pid[i] = read_number(pids[i]);
        unlink(pids[i]);
        left[i] = pid[i] > 0 && !process_gone((pid_t) pid[i]);
        if (left[i])
            kill((pid_t) pid[i], SIGKILL);  /* before any failure */
    }
    assert_true(pid[0] > 0 && pid[1] > 0);
    if (left[0] || left[1])
        fail_msg("its child (%s) or its daemon (%s) outlived the worker",
                 left[0] ? "left" : "gone", left[1] ? "left" : "gone");
}

/* Reads the soft value of one "Max ..." line of a /proc/PID/limits copy;
   -1 for "unlimited" or when it is missing. */
static long long
limit_value(const char *text, const char *name)
{
    const char *line = strstr(text, name);

    if (line == NULL || strncmp(line + 26, "unlimited", 9) == 0)
        return -1;
    return strtoll(line + 26, NULL, 10);
}

/* S12.2: the helper runs under limits of its own, not sshd's: CPU time
   within the login's budget, no core file, a process cap and (not under
   ASan) 1 GiB of address space. */
static void
test_helper_limits(void **state)
{
    char body[700], out[600], text[4096], **env;
    size_t n;
    FILE *f;

    snprintf(out, sizeof(out), "%s/helper-limits", W.dir);
    unlink(out);
    snprintf(body, sizeof(body), "cat /proc/self/limits > '%s'", out);
    chmod(W.dir, 0777);
    alice_process("limits-process.sh", body);
    env = open_env("timeout=4000ms", PAM_SUCCESS);
    chmod(W.dir, 0755);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    pamtest_free_env(env);
    f = fopen(out, "re");
    assert_non_null(f);
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_true(limit_value(text, "Max cpu time") > 0);
    assert_true(limit_value(text, "Max cpu time") <= 6);
    assert_int_equal(limit_value(text, "Max core file size"), 0);
    assert_true(limit_value(text, "Max processes") > 0);
    assert_true(limit_value(text, "Max processes") <= 4096);
#ifndef __SANITIZE_ADDRESS__
    assert_int_equal(limit_value(text, "Max address space"), 1LL << 30);
#endif
    unlink(out);
}

/* ---- keys that expire soon (expiry_notice=, pam_awscred/deliver.c) ------ */

/* open_session for alice with PAM_TTY tty (NULL: unset) and flags; what
   the user saw in conv. Returns the environment. */
static char **
open_tty(const char *tty, const char *opts, int flags,
         struct conv_capture *conv)
{
    struct pam_conv pc = { conv_record, conv };
    pam_handle_t *pamh = NULL;
    char **env;

    conv_init(conv);
    service("", opts);
    assert_int_equal(pam_start(svc_name, W.alice, &pc, &pamh), PAM_SUCCESS);
    if (tty != NULL)
        assert_int_equal(pam_set_item(pamh, PAM_TTY, tty), PAM_SUCCESS);
    assert_int_equal(pam_open_session(pamh, flags), PAM_SUCCESS);
    env = pam_getenvlist(pamh);
    pam_close_session(pamh, 0);
    pam_end(pamh, PAM_SUCCESS);
    return env;
}

/* The expiry of t as the notice writes it ("07:53"). */
static void
hhmm(time_t t, char *buf, size_t size)
{
    struct tm tm;

    assert_non_null(gmtime_r(&t, &tm));
    strftime(buf, size, "%H:%M", &tm);
}

/* Keys for 2 more minutes: an interactive login (PAM_TTY) is told when
   they expire; one without a terminal, with PAM_SILENT or with
   expiry_notice=0 is not. Keys for 2 hours say nothing under the default
   (1 h), and do with expiry_notice=3h. */
static void
test_expiry_notice(void **state)
{
    struct conv_capture conv;
    char want[128], at[16];
    char **env;
    time_t now = time(NULL);

    alice_expiring_process(120, "");
    hhmm(now + 120, at, sizeof(at));
    env = open_tty("pts/3", "clock_check=never", 0, &conv);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    pamtest_free_env(env);
    snprintf(want, sizeof(want), "AWS credentials expire at %s UTC (in 2"
             " min)", at);
    if ((strcmp(conv.info[0], want) != 0 || conv.info[1][0] != '\0')
        && time(NULL) - now < 2)
        fail_msg("the user saw \"%s\", not \"%s\"; log:\n%s",
                 conv.info[0], want, logbuf);
    env = open_tty(NULL, "clock_check=never", 0, &conv);
    pamtest_free_env(env);
    assert_string_equal(conv.info[0], "");
    env = open_tty("pts/3", "clock_check=never", PAM_SILENT, &conv);
    pamtest_free_env(env);
    assert_string_equal(conv.info[0], "");
    env = open_tty("pts/3", "clock_check=never expiry_notice=0", 0, &conv);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    pamtest_free_env(env);
    assert_string_equal(conv.info[0], "");

    alice_expiring_process(7200, "");
    env = open_tty("pts/3", "clock_check=never", 0, &conv);
    pamtest_free_env(env);
    assert_string_equal(conv.info[0], "");
    hhmm(time(NULL) + 7200, at, sizeof(at));
    env = open_tty("pts/3", "clock_check=never expiry_notice=10800", 0, &conv);
    pamtest_free_env(env);
    snprintf(want, sizeof(want), "AWS credentials expire at %s UTC (in 2 h"
             " 00 min)", at);
    assert_string_equal(conv.info[0], want);
    assert_string_equal(conv.info[1], "");
}

/* One login looks the user's groups up once (0.1 ms each with Debian's
   "files systemd" NSS): for the [group] sections, and the worker gets
   the same list. */
static void
test_groups_looked_up_once(void **state)
{
    char **env;

    alice_static_keys();
    getgrouplist_calls = 0;
    env = open_env("clock_check=never", PAM_SUCCESS);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    pamtest_free_env(env);
    assert_int_equal(getgrouplist_calls, 1);
}

/* ---- deliver=endpoint (pam_awscred/deliver.c, man/awscredd.8) ----------- */

/* What curl gets from url with the token in file, run as alice. */
static void
fetch_as_alice(const char *url, const char *file, const char *out)
{
    run_cmd("runuser -u '%s' -- sh -c 'curl -s -H \"Authorization: $(cat %s)\""
            " %s' > '%s' 2>&1", W.alice, file, url, out);
}

static bool
file_has(const char *path, const char *text)
{
    char buf[4096];
    size_t n;
    FILE *f = fopen(path, "r");

    if (f == NULL)
        return false;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strstr(buf, text) != NULL;
}

/* A login with deliver=endpoint and awscredd running gets the pointer pair
   and the region, none of the secret names; the token file is alice's,
   0600 in a 0700 directory, without a newline, and works with curl as
   alice, and lets the broker resolve again as the login did. A second
   login gets the same URL and file. Without a broker, deliver=endpoint
   exports nothing and auto exports keys silently; with a dead broker's
   socket, keys and one notice; deliver=auto with the broker logs one
   notice, token_env=yes adds the token itself. */
static void
test_deliver_endpoint(void **state)
{
    static const char *const secret_names[] = {
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN", "AWS_CREDENTIAL_EXPIRATION", "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE", "AWS_ACCOUNT_ID",
    };
    struct pam_testcase cases[] = {
        pam_test(PAMTEST_OPEN_SESSION, PAM_SUCCESS),
        pam_test(PAMTEST_GETENVLIST, PAM_SUCCESS),
        pam_test(PAMTEST_CLOSE_SESSION, PAM_SUCCESS),
    };
    char dir[400], sock[450], conf[450], text[1200], opts[600], url[80];
    char file[600], out[600], log[450], token[80];
    const char *top = getenv("top_builddir"), *got;
    struct sockaddr_in addr = {.sin_family = AF_INET};
    socklen_t len = sizeof(addr);
    struct stat st;
    char **env;
    size_t i;
    int fd, port, tries;
    FILE *f;

    if (!W.root || top == NULL || system_unwrapped("command -v curl"
                                                   " >/dev/null") != 0)
        skip();
    alice_expiring_process(3600, "region = eu-west-1\n");
    snprintf(dir, sizeof(dir), "%s/broker", W.dir);
    snprintf(sock, sizeof(sock), "%s/broker.sock", dir);
    snprintf(opts, sizeof(opts), "deliver=endpoint broker_socket=%s", sock);
    run_cmd("rm -rf '%s' && mkdir -m 0755 '%s'", dir, dir);

    /* No broker: endpoint exports nothing, auto the keys without a word. */
    env = open_env(opts, PAM_SUCCESS);
    assert_no_aws(env);
    assert_logged("deliver=endpoint: no broker on");
    pamtest_free_env(env);
    logbuf[0] = '\0';
    snprintf(text, sizeof(text), "broker_socket=%s", sock);
    env = open_env(text, PAM_SUCCESS);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    /* Only the audit line of the export: no notice, warning or error. */
    assert_not_logged("<5>");
    assert_not_logged("<4>");
    assert_not_logged("<3>");
    pamtest_free_env(env);

    /* A socket nobody listens on (a broker that died): keys, and one
       notice saying why. */
    {
        struct sockaddr_un un = {.sun_family = AF_UNIX};

        fd = socket(AF_UNIX, SOCK_STREAM, 0);
        assert_true(strlen(sock) < sizeof(un.sun_path));
        memcpy(un.sun_path, sock, strlen(sock) + 1);
        assert_int_equal(bind(fd, (struct sockaddr *) &un, sizeof(un)), 0);
        close(fd);
    }
    logbuf[0] = '\0';
    env = open_env(text, PAM_SUCCESS);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_A);
    snprintf(out, sizeof(out), "<5>pam_awscred(awscred:session):"
             " deliver=auto: keys, the broker on %s refused: Connection"
             " refused\n", sock);
    assert_logged(out);
    pamtest_free_env(env);
    unlink(sock);

    /* A free loopback port for the broker. */
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *) &addr, sizeof(addr)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *) &addr, &len), 0);
    port = ntohs(addr.sin_port);
    close(fd);
    snprintf(conf, sizeof(conf), "%s/broker.conf", dir);
    /* refresh_before above the credentials' hour: the first request
       starts a refresh, from the module's options the login sent. */
    snprintf(text, sizeof(text), "[broker]\nlisten = 127.0.0.1:%d\n"
             "control_socket = %s\nrefresh_before = 2h\n", port, sock);
    put_file(conf, text, 0600, 0, 0);
    snprintf(log, sizeof(log), "%s/broker.log", dir);
    run_cmd("'%s/awscredd/awscredd' --foreground --conf '%s' > '%s' 2>&1 &"
            " echo $! > '%s/pid'", top, conf, log, dir);
    for (tries = 0; tries < 100 && stat(sock, &st) != 0; tries++)
        usleep(50000);

    logbuf[0] = '\0';
    service("", opts);
    assert_int_equal(run_pamtest(svc_name, W.alice, NULL, cases, NULL),
                     PAMTEST_ERR_OK);
    env = cases[1].case_out.envlist;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/v1/credentials", port);
    snprintf(file, sizeof(file), "%s/users/%lu/token", dir,
             (unsigned long) W.auid);
    assert_env(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI", url);
    assert_env(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file);
    assert_env(env, "AWS_REGION", "eu-west-1");
    for (i = 0; i < sizeof(secret_names) / sizeof(secret_names[0]); i++)
        if ((got = env_get(env, secret_names[i])) != NULL)
            fail_msg("%s is set", secret_names[i]);
    pamtest_free_env(env);
    assert_int_equal(stat(file, &st), 0);
    assert_int_equal(st.st_uid, W.auid);
    assert_int_equal(st.st_mode & 07777, 0600);
    snprintf(text, sizeof(text), "%s/users/%lu", dir, (unsigned long) W.auid);
    assert_int_equal(stat(text, &st), 0);
    assert_int_equal(st.st_uid, W.auid);
    assert_int_equal(st.st_mode & 07777, 0700);
    f = fopen(file, "r");
    assert_non_null(f);
    len = (socklen_t) fread(token, 1, sizeof(token) - 1, f);
    fclose(f);
    token[len] = '\0';
    assert_int_equal(len, 64);
    assert_int_equal(strspn(token, "0123456789abcdef"), 64);

    /* The session closed: its token is refused (retain_after_close=0). */
    snprintf(out, sizeof(out), "%s/fetched", dir);
    fetch_as_alice(url, file, out);
    if (!file_has(out, "AccessDenied"))
        fail_msg("a closed session's token still works");

    /* An open session (a new token: the last one was revoked): curl as
       alice gets the keys; another login gets the same token file. */
    cases[2] = (struct pam_testcase) pam_test(PAMTEST_GETENVLIST,
                                              PAM_SUCCESS);
    assert_int_equal(run_pamtest(svc_name, W.alice, NULL, cases, NULL),
                     PAMTEST_ERR_OK);
    pamtest_free_env(cases[1].case_out.envlist);
    pamtest_free_env(cases[2].case_out.envlist);
    fetch_as_alice(url, file, out);
    if (!file_has(out, "\"AccessKeyId\":\"" KEY_A "\""))
        fail_msg("curl as alice got no credentials; log:\n%s", logbuf);
    for (tries = 0; tries < 100 && !file_has(log, "refreshed"); tries++)
        usleep(50000);
    if (!file_has(log, "refreshed"))
        fail_msg("the broker did not resolve again from the module's"
                 " options");
    f = fopen(file, "r");
    assert_non_null(f);
    assert_int_equal(fread(token, 1, 64, f), 64);
    fclose(f);
    assert_int_equal(run_pamtest(svc_name, W.alice, NULL, cases, NULL),
                     PAMTEST_ERR_OK);
    assert_env(cases[1].case_out.envlist,
               "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file);
    pamtest_free_env(cases[1].case_out.envlist);
    pamtest_free_env(cases[2].case_out.envlist);
    f = fopen(file, "r");
    assert_non_null(f);
    len = (socklen_t) fread(text, 1, 64, f);
    fclose(f);
    assert_memory_equal(text, token, 64);

    /* deliver=auto with the broker: endpoint, and one notice saying so;
       token_env=yes adds the token itself for old SDKs. */
    logbuf[0] = '\0';
    snprintf(text, sizeof(text), "broker_socket=%s token_env=yes", sock);
    env = open_env(text, PAM_SUCCESS);
    assert_env(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file);
    token[64] = '\0';
    assert_env(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN", token);
    pamtest_free_env(env);
    snprintf(out, sizeof(out), "<5>pam_awscred(awscred:session):"
             " deliver=auto: endpoint, the broker answered on %s (session ",
             sock);
    assert_logged(out);
    env = open_env(opts, PAM_SUCCESS);
    if (env_get(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN") != NULL)
        fail_msg("AWS_CONTAINER_AUTHORIZATION_TOKEN without token_env");
    pamtest_free_env(env);

    run_cmd("kill $(cat '%s/pid')", dir);
    if (file_has(log, SECRET_A) || file_has(log, token))
        fail_msg("the broker logged a secret");
    /* The broker's line of the registration (pam_awscred/audit.c) */
    assert_true(file_has(log, "access_key_id=" KEY_A " expires="));
    assert_true(file_has(log, " broker=issued session="));
}

#define T(fn) cmocka_unit_test_setup(fn, harness_reset)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_minimum_uid),
        T(test_hanging_worker_times_out),
        T(test_worker_sees_only_std_fds),
        T(test_host_with_std_fds_closed),
        T(test_putenv_failure_rolls_back),
        T(test_system_attribution),
        T(test_system_attribution_refused),
        T(test_mfa_right_code),
        T(test_mfa_wrong_code),
        T(test_host_ignores_sigchld),
        T(test_host_reaps_children),
        cmocka_unit_test_setup_teardown(test_multithreaded_host, harness_reset,
                                        stop_busy_thread),
        T(test_fork_fallback),
        T(test_nothing_mapped),
        T(test_worker_environment_from_scratch),
        T(test_clock_notice_and_pam_silent),
        T(test_homeless_user),
        T(test_pam_end_data_silent),
        T(test_host_limits),
        T(test_nothing_written_to_stdout_stderr),
        T(test_clock_warning_reaches_user),
        T(test_clock_silent),
        T(test_clock_strict_refuses),
        T(test_clock_expiry_by_aws_time),
        T(test_nologin_user_runs_nothing),
        T(test_foreign_ruser_gets_nothing),
        T(test_large_group_section),
        T(test_relative_path_refused),
        T(test_worker_not_dumpable),
        T(test_worker_cwd_is_root),
        T(test_helper_daemon_does_not_outlive_login),
        T(test_worker_killed_with_its_tree),
        T(test_helper_limits),
        T(test_deliver_endpoint),
        T(test_expiry_notice),
        T(test_groups_looked_up_once),
    };

    if (getenv("PAM_WRAPPER") == NULL) {
        printf("1..0 # SKIP run through session.sh (needs pam_wrapper)\n");
        return 0;
    }
    return cmocka_run_group_tests_name("pam_awscred", tests, harness_setup,
                                       harness_teardown);
}
