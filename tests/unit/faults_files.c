/*
 * faults_files.c: rows of the fault catalogue (security.md D1-D5) that no
 * other unit test covers. The files the library reads: oversized, sparse
 * and device files, directories and sockets, huge but legal files,
 * unreadable files, foreign owners, a root-owned admin file, reading
 * /etc/shadow through a symlink as an unprivileged user, and a symlink
 * swapped while it is read. Then whole resolutions: a source_profile loop
 * and a chain past the depth cap, a credential_process killed by a signal
 * or with a bad interpreter, an STS host that does not resolve, an STS
 * endpoint with an untrusted certificate, and a wall clock that jumps
 * during a deadline. Each test names its row; tests/FAULTS.md maps the
 * rows to these names.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define OTHER_UID 65534  /* nobody: the "another user" of D2 */
#define USER_UID 64000   /* the context's user, distinct from both */

static char tmpdir[] = "/tmp/awscred-faults.XXXXXX";

static const char *
no_environment(void *arg, const char *name)
{
    return NULL;
}

static struct awscred_context *
make_ctx(uid_t uid, unsigned flags)
{
    struct awscred_context *ctx = awscred_context_new();

    assert_non_null(ctx);
    awscred_context_set_env(ctx, no_environment, NULL);
    assert_int_equal(awscred_context_set_user(ctx, "alice", uid, uid, tmpdir),
                     0);
    awscred_context_set_flags(ctx, flags);
    return ctx;
}

static char *
tmp_path(const char *name)
{
    char *path = xasprintf("%s/%s", tmpdir, name);

    assert_non_null(path);
    unlink(path);
    return path;
}

static char *
write_file(const char *name, const char *text, mode_t mode)
{
    char *path = tmp_path(name);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    size_t len = strlen(text);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, len), (ssize_t) len);
    assert_int_equal(fchmod(fd, mode), 0);
    close(fd);
    return path;
}

/* Loads path as the config file; returns the status, err filled. */
static enum awscred_status
load_config(struct awscred_context *ctx, const char *path,
            struct awscred_error *err)
{
    struct cfg *cfg = NULL;
    enum awscred_status st = cfg_load_paths(ctx, path, NULL, &cfg, err);

    if (st == AWSCRED_OK)
        assert_non_null(cfg);
    else
        assert_null(cfg);
    cfg_free(cfg);
    return st;
}

/* Expects path refused with a message naming it and containing words. */
static void
expect_refused(struct awscred_context *ctx, const char *path,
               const char *words)
{
    struct awscred_error err;

    assert_int_equal(load_config(ctx, path, &err), AWSCRED_ERR_FILE);
    assert_non_null(strstr(err.message, path));
    if (strstr(err.message, words) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.message, words);
}

/* Whether this runs under valgrind (its preload is in LD_PRELOAD). A
   child of a program under valgrind that calls execve() and fails after
   valgrind's own checks passed, as with a missing #! interpreter, is
   ended by valgrind with status 101 ("EXEC FAILED: I can't recover from
   execve() failing"). */
static int
under_valgrind(void)
{
    const char *preload = getenv("LD_PRELOAD");

    return preload != NULL && strstr(preload, "/vgpreload_") != NULL;
}

/* Collects log lines into a 2048-byte buffer (no cmocka: children use
   it). */
static void
append_log(void *arg, int priority, const char *message)
{
    char *log = arg;
    size_t used = strlen(log);

    snprintf(log + used, 2048 - used, "<%d>%s\n", priority, message);
}

/* Expects path an error for file_read() but, for the config reader, a
   warning with words and no file, as configparser skips what it cannot
   open. */
static void
expect_skipped(struct awscred_context *ctx, const char *path,
               const char *words)
{
    struct awscred_error err;
    char *data = NULL, log[2048] = "";
    size_t len;

    assert_int_equal(file_read(ctx, path, "token file", &data, &len, &err),
                     AWSCRED_ERR_FILE);
    assert_non_null(strstr(err.message, path));
    awscred_context_set_log(ctx, append_log, log);
    assert_int_equal(load_config(ctx, path, &err), AWSCRED_OK);
    assert_non_null(strstr(log, path));
    if (strstr(log, words) == NULL)
        fail_msg("log \"%s\" lacks \"%s\"", log, words);
    awscred_context_set_log(ctx, NULL, NULL);
}

/* D1 oversized file: 1 GB sparse and /dev/zero via a symlink refused; a
   10 MB file (about 90 000 profiles) is read, as the AWS CLI reads it. */
static void
test_d1_oversized_files_refused(void **state)
{
    struct awscred_context *ctx = make_ctx(getuid(), 0);
    char *big = tmp_path("ten-mb"), *sparse = tmp_path("sparse-1g");
    char *zero = tmp_path("zero-link"), kb[1024];
    struct awscred_error err;
    int fd;

    /* each kilobyte a section of its own and a comment line */
    memset(kb, '#', sizeof kb);
    kb[sizeof kb - 1] = '\n';
    fd = open(big, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    for (int i = 0; i < 10 * 1024; i++) {
        snprintf(kb, 10, "[p%05d]", i);
        kb[8] = '\n';
        assert_int_equal(write(fd, kb, sizeof kb), (ssize_t) sizeof kb);
    }
    close(fd);
    assert_int_equal(load_config(ctx, big, &err), AWSCRED_OK);

    fd = open(sparse, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t) 1 << 30), 0);
    close(fd);
    expect_refused(ctx, sparse, "larger than");

    assert_int_equal(symlink("/dev/zero", zero), 0);
    expect_refused(ctx, zero, "not a regular file");

    unlink(big);
    unlink(sparse);
    unlink(zero);
    free(big);
    free(sparse);
    free(zero);
    awscred_context_free(ctx);
}

/* /dev/null reads as an empty file, as a config file and any other. */
static void
expect_null_device_empty(struct awscred_context *ctx)
{
    struct awscred_error err;
    char *data = NULL;
    size_t len = 1;

    assert_int_equal(load_config(ctx, "/dev/null", &err), AWSCRED_OK);
    assert_int_equal(file_read(ctx, "/dev/null", "token file", &data, &len,
                               &err), AWSCRED_OK);
    assert_non_null(data);
    assert_int_equal(len, 0);
    free(data);
}

/* D1 file is a FIFO, directory, socket or other device: no hang, clear
   error; /dev/null is an empty file. */
static void
test_d1_special_files_refused(void **state)
{
    struct awscred_context *ctx = make_ctx(getuid(), 0);
    char *fifo = tmp_path("fifo"), *dir = tmp_path("dir");
    char *sock = tmp_path("sock");
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    int s;

    assert_int_equal(mkfifo(fifo, 0600), 0);
    expect_refused(ctx, fifo, "not a regular file");

    /* A directory: absent for the AWS CLI too (configparser skips it). */
    assert_int_equal(mkdir(dir, 0700), 0);
    expect_skipped(ctx, dir, "Is a directory");

    s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(s >= 0);
    assert_true(strlen(sock) < sizeof addr.sun_path);
    strcpy(addr.sun_path, sock);
    assert_int_equal(bind(s, (struct sockaddr *) &addr, sizeof addr), 0);
    assert_int_equal(listen(s, 1), 0);
    /* A socket cannot be opened (ENXIO). */
    expect_skipped(ctx, sock, "No such device or address");
    close(s);

    /* Other devices stay refused; the null device reads as empty, in
       strict mode too (it is root's and mode 0666). */
    expect_refused(ctx, "/dev/zero", "not a regular file");
    expect_null_device_empty(ctx);
    awscred_context_free(ctx);
    ctx = make_ctx(getuid(), AWSCRED_FLAG_STRICT_FILES);
    expect_null_device_empty(ctx);

    unlink(fifo);
    rmdir(dir);
    unlink(sock);
    free(fifo);
    free(dir);
    free(sock);
    awscred_context_free(ctx);
}

static double
elapsed_ms(const struct timespec *a, const struct timespec *b)
{
    return (double) (b->tv_sec - a->tv_sec) * 1e3
           + (double) (b->tv_nsec - a->tv_nsec) / 1e6;
}

/* Writes n profiles "[profile pI]\nregion = rI\n", or with keys, one
   [default] section of n keys "kI = vI". */
static char *
generated_file(const char *name, size_t n, bool keys)
{
    char *path = tmp_path(name);
    FILE *f = fopen(path, "we");

    assert_non_null(f);
    if (keys)
        fputs("[default]\n", f);
    for (size_t i = 0; i < n; i++) {
        if (keys)
            fprintf(f, "k%zu = v%zu\n", i, i);
        else
            fprintf(f, "[profile p%zu]\nregion = r%zu\n", i, i);
    }
    assert_int_equal(fclose(f), 0);
    return path;
}

/* D1 100 000 profiles or 10 000 keys: loaded whole, lookups work. The
   time is reported, not asserted (benchmarks live in bench/). */
static void
test_d1_many_profiles_and_keys(void **state)
{
    struct awscred_limits limits = {.max_file_bytes = 4 * 1024 * 1024};
    struct awscred_context *ctx = make_ctx(getuid(), 0);
    char *profiles = generated_file("profiles", 100000, false);
    char *keys = generated_file("keys", 10000, true);
    struct awscred_error err;
    struct timespec a, b;
    struct cfg *cfg = NULL;
    const struct cfg_section *s;

    awscred_context_set_limits(ctx, &limits);
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(cfg_load_paths(ctx, profiles, NULL, &cfg, &err),
                     AWSCRED_OK);
    clock_gettime(CLOCK_MONOTONIC, &b);
    print_message("# 100000 profiles loaded in %.1f ms\n", elapsed_ms(&a, &b));
    s = cfg_profile(cfg, "p99999");
    assert_non_null(s);
    assert_string_equal(cfg_get(s, "region"), "r99999");
    cfg_free(cfg);

    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(cfg_load_paths(ctx, keys, NULL, &cfg, &err), AWSCRED_OK);
    clock_gettime(CLOCK_MONOTONIC, &b);
    print_message("# 10000 keys loaded in %.1f ms\n", elapsed_ms(&a, &b));
    s = cfg_profile(cfg, "default");
    assert_non_null(s);
    assert_string_equal(cfg_get(s, "k9999"), "v9999");
    cfg_free(cfg);

    unlink(profiles);
    unlink(keys);
    free(profiles);
    free(keys);
    awscred_context_free(ctx);
}

/* D2 symlink to another user's world-readable file; a file of another
   uid: refused in strict mode, naming the owner. Needs root to chown. */
static void
test_d2_foreign_owner_refused(void **state)
{
    struct awscred_context *ctx = make_ctx(USER_UID, AWSCRED_FLAG_STRICT_FILES);
    char *theirs, *link;
    char expected[64];

    if (geteuid() != 0)
        skip();
    theirs = write_file("theirs", "[default]\naws_access_key_id = X\n", 0644);
    link = tmp_path("link-to-theirs");
    assert_int_equal(chown(theirs, OTHER_UID, OTHER_UID), 0);
    assert_int_equal(symlink(theirs, link), 0);
    snprintf(expected, sizeof expected, "owned by uid %d, expected %d",
             OTHER_UID, USER_UID);
    expect_refused(ctx, theirs, expected);
    expect_refused(ctx, link, expected);
    unlink(theirs);
    unlink(link);
    free(theirs);
    free(link);
    awscred_context_free(ctx);
}

/* D2 file owned by the user, mode 0666 or 0620: refused in strict mode. */
static void
test_d2_group_writable_refused(void **state)
{
    struct awscred_context *ctx = make_ctx(getuid(), AWSCRED_FLAG_STRICT_FILES);
    char *path = write_file("group-writable", "[default]\n", 0620);

    expect_refused(ctx, path, "writable by group or others");
    unlink(path);
    free(path);
    awscred_context_free(ctx);
}

/* D2 file owned by root, mode 0644 (admin-managed): accepted in strict
   mode for any user. */
static void
test_d2_root_owned_accepted(void **state)
{
    struct awscred_context *ctx = make_ctx(USER_UID, AWSCRED_FLAG_STRICT_FILES);
    struct awscred_error err;
    char *path;

    if (geteuid() != 0)
        skip();
    path = write_file("admin", "[default]\nregion = eu-west-1\n", 0644);
    assert_int_equal(load_config(ctx, path, &err), AWSCRED_OK);
    unlink(path);
    free(path);
    awscred_context_free(ctx);
}

/* D2 ~/.aws/credentials -> /etc/shadow, read as the user (the worker's
   situation): EACCES, and the warning names the file and the reason; the
   file counts as missing, as in the AWS CLI (see D1 unreadable). */
static void
test_d2_shadow_symlink_as_user(void **state)
{
    char *link;
    pid_t pid;
    int status;

    if (geteuid() != 0 || access("/etc/shadow", F_OK) != 0)
        skip();
    link = tmp_path("credentials");
    assert_int_equal(symlink("/etc/shadow", link), 0);
    assert_int_equal(chmod(tmpdir, 0755), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct awscred_context *ctx;
        struct awscred_error err;
        struct cfg *cfg = NULL;
        char log[2048] = "";
        int ok;

        if (setgroups(0, NULL) != 0 || setgid(OTHER_UID) != 0
            || setuid(OTHER_UID) != 0)
            _exit(2);
        ctx = make_ctx(OTHER_UID, AWSCRED_FLAG_STRICT_FILES);
        awscred_context_set_log(ctx, append_log, log);
        ok = cfg_load_paths(ctx, NULL, link, &cfg, &err) == AWSCRED_OK
             && strstr(log, link) != NULL
             && strstr(log, "Permission denied") != NULL;
        if (!ok)
            fprintf(stderr, "# log: %s", log);
        cfg_free(cfg);
        awscred_context_free(ctx);
        _exit(ok ? 0 : 1);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(chmod(tmpdir, 0700), 0);
    unlink(link);
    free(link);
}

struct swapper {
    const char *link, *good, *bad;
    volatile int stop;
};

/* Points link at good and bad alternately (rename is atomic). */
static void *
swap_loop(void *arg)
{
    struct swapper *sw = arg;
    char *tmp = xasprintf("%s.tmp", sw->link);

    for (unsigned i = 0; !sw->stop; i++) {
        unlink(tmp);
        if (symlink(i % 2 ? sw->bad : sw->good, tmp) == 0)
            rename(tmp, sw->link);
    }
    unlink(tmp);
    free(tmp);
    return NULL;
}

/* D2 files swapped between check and read: every check is made on the
   opened descriptor, so the world-writable file's bytes never come back
   while the safe file's may. */
static void
test_d2_swap_race_never_returns_unsafe_file(void **state)
{
    struct awscred_context *ctx = make_ctx(getuid(), AWSCRED_FLAG_STRICT_FILES);
    struct swapper sw = {0};
    char *good = write_file("good", "GOOD", 0600);
    char *bad = write_file("bad", "BAD!", 0666);
    char *link = tmp_path("swapped");
    unsigned reads = 0, refusals = 0;
    pthread_t thread;

    sw.link = link;
    sw.good = good;
    sw.bad = bad;
    assert_int_equal(symlink(good, link), 0);
    assert_int_equal(pthread_create(&thread, NULL, swap_loop, &sw), 0);
    for (int i = 0; i < 20000; i++) {
        struct awscred_error err;
        char *data = NULL;
        size_t len = 0;

        if (file_read(ctx, link, "config file", &data, &len, &err)
            != AWSCRED_OK) {
            refusals++;
            continue;
        }
        if (data == NULL)
            continue;  /* between unlink and rename: missing */
        reads++;
        assert_string_equal(data, "GOOD");
        secret_free_n(data, len + 1);
    }
    sw.stop = 1;
    pthread_join(thread, NULL);
    print_message("# %u good reads, %u refusals\n", reads, refusals);
    assert_true(reads > 0);
    unlink(link);
    unlink(good);
    unlink(bad);
    free(link);
    free(good);
    free(bad);
    awscred_context_free(ctx);
}

/* ---- D2 directories from the home down (OpenSSH's secure_filename) --- */

/* Makes directory name under the home with mode; returns its path. */
static char *
make_dir(const char *name, mode_t mode)
{
    char *path = tmp_path(name);

    rmdir(path);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(chmod(path, mode), 0);
    return path;
}

/* Expects path refused because of directory dir, for words. */
static void
expect_dir_refused(struct awscred_context *ctx, const char *path,
                   const char *dir, const char *words)
{
    char *needle = xasprintf("directory %s is %s", dir, words);

    expect_refused(ctx, path, needle);
    free(needle);
}

struct log_capture {
    int priority;
    char text[512];
};

static void
capture_log(void *arg, int priority, const char *message)
{
    struct log_capture *log = arg;

    log->priority = priority;
    snprintf(log->text, sizeof log->text, "%s", message);
}

/* D2 $HOME or ~/.aws group- or world-writable, or ~/.aws owned by another
   user: each directory from the home down to the file is checked, and the
   message names the directory at fault. */
static void
test_d2_unsafe_home_dirs_refused(void **state)
{
    struct awscred_context *ctx = make_ctx(getuid(), AWSCRED_FLAG_STRICT_FILES);
    char *aws = make_dir(".aws", 0700);
    char *path = write_file(".aws/config", "[default]\nregion = r\n", 0600);
    struct awscred_error err;
    char owner[64];

    assert_int_equal(load_config(ctx, path, &err), AWSCRED_OK);
    assert_int_equal(chmod(tmpdir, 0777), 0);
    expect_dir_refused(ctx, path, tmpdir,
                       "writable by group or others (mode 0777)");
    assert_int_equal(chmod(tmpdir, 0750), 0);
    assert_int_equal(load_config(ctx, path, &err), AWSCRED_OK);
    assert_int_equal(chmod(aws, 0775), 0);
    expect_dir_refused(ctx, path, aws,
                       "writable by group or others (mode 0775)");
    assert_int_equal(chmod(aws, 0700), 0);
    if (geteuid() == 0) {
        assert_int_equal(chown(aws, OTHER_UID, OTHER_UID), 0);
        snprintf(owner, sizeof owner, "owned by uid %d, expected %lu or root",
                 OTHER_UID, (unsigned long) getuid());
        expect_dir_refused(ctx, path, aws, owner);
        assert_int_equal(chown(aws, getuid(), getgid()), 0);
    }
    assert_int_equal(chmod(tmpdir, 0700), 0);
    unlink(path);
    rmdir(aws);
    free(path);
    free(aws);
    awscred_context_free(ctx);
}

/* D2 the admin's option to warn instead: the file is read, one warning at
   LOG_WARNING names the directory; an unsafe file is still refused. */
static void
test_d2_unsafe_dirs_warn_option(void **state)
{
    struct awscred_context *ctx = make_ctx(getuid(), AWSCRED_FLAG_STRICT_FILES
                                           | AWSCRED_FLAG_WARN_UNSAFE_DIRS);
    char *aws = make_dir(".aws", 0777);
    char *path = write_file(".aws/config", "[default]\n", 0600);
    char *loose = write_file(".aws/loose", "[default]\n", 0666);
    struct log_capture log = {0};
    struct awscred_error err;

    awscred_context_set_log(ctx, capture_log, &log);
    assert_int_equal(load_config(ctx, path, &err), AWSCRED_OK);
    assert_int_equal(log.priority, LOG_WARNING);
    assert_non_null(strstr(log.text, path));
    assert_non_null(strstr(log.text, aws));
    assert_non_null(strstr(log.text, "writable by group or others"));
    expect_refused(ctx, loose, "writable by group or others (mode 0666)");
    unlink(path);
    unlink(loose);
    rmdir(aws);
    free(path);
    free(loose);
    free(aws);
    awscred_context_free(ctx);
}

/* D2 ~/.aws a symbolic link (a dotfiles checkout): the directories checked
   are those of the resolved path, as OpenSSH's realpath() first; a target
   outside the home has only the file itself checked (documented). */
static void
test_d2_symlinked_aws_dir(void **state)
{
    struct awscred_context *ctx = make_ctx(getuid(), AWSCRED_FLAG_STRICT_FILES);
    char *dotfiles = make_dir("dotfiles", 0700);
    char *target = make_dir("dotfiles/aws", 0700);
    char *path = write_file("dotfiles/aws/config", "[default]\n", 0600);
    char *link = tmp_path(".aws-link"), *via = tmp_path(".aws-link/config");
    char outside[] = "/tmp/awscred-outside.XXXXXX";
    char *outside_config, *outside_link;
    struct awscred_error err;

    assert_int_equal(symlink(target, link), 0);
    assert_int_equal(load_config(ctx, via, &err), AWSCRED_OK);
    assert_int_equal(chmod(dotfiles, 0777), 0);
    expect_dir_refused(ctx, via, dotfiles, "writable by group or others");
    assert_int_equal(chmod(dotfiles, 0700), 0);

    assert_non_null(mkdtemp(outside));
    assert_int_equal(chmod(outside, 0777), 0);
    outside_config = xasprintf("%s/config", outside);
    outside_link = tmp_path(".aws-outside");
    assert_int_equal(symlink(outside, outside_link), 0);
    free(via);
    via = xasprintf("%s/config", outside_link);
    assert_int_equal(close(open(outside_config, O_WRONLY | O_CREAT | O_CLOEXEC,
                                0600)), 0);
    assert_int_equal(load_config(ctx, via, &err), AWSCRED_OK);

    unlink(outside_config);
    rmdir(outside);
    unlink(outside_link);
    unlink(link);
    unlink(path);
    rmdir(target);
    rmdir(dotfiles);
    free(outside_config);
    free(outside_link);
    free(via);
    free(link);
    free(path);
    free(target);
    free(dotfiles);
    awscred_context_free(ctx);
}

struct exchanger {
    const char *a, *b;
    volatile int stop;
    unsigned swaps;
};

/* Exchanges two directories in place, atomically, until told to stop. */
static void *
exchange_loop(void *arg)
{
    struct exchanger *ex = arg;

    while (!ex->stop) {
        if (renameat2(AT_FDCWD, ex->a, AT_FDCWD, ex->b, RENAME_EXCHANGE) == 0)
            ex->swaps++;
        sched_yield();  /* valgrind runs one thread at a time: let reads in */
    }
    return NULL;
}

/* D2 a directory swapped between its check and the read: the walk holds a
   descriptor to each directory it checked and opens the next name inside
   it, so the file under the world-writable directory never comes back. */
static void
test_d2_dir_swap_race_never_returns_unsafe_file(void **state)
{
    struct awscred_context *ctx = make_ctx(getuid(), AWSCRED_FLAG_STRICT_FILES);
    char *safe = make_dir("aws-safe", 0700), *unsafe = make_dir("aws-unsafe",
                                                                0777);
    char *good = write_file("aws-safe/config", "GOOD", 0600);
    char *bad = write_file("aws-unsafe/config", "BAD!", 0600);
    struct exchanger ex = {.a = safe, .b = unsafe};
    unsigned reads = 0, refusals = 0;
    pthread_t thread;

    if (renameat2(AT_FDCWD, safe, AT_FDCWD, unsafe, RENAME_EXCHANGE) != 0) {
        print_message("# renameat2(RENAME_EXCHANGE): %s\n", strerror(errno));
        skip();
    }
    assert_int_equal(pthread_create(&thread, NULL, exchange_loop, &ex), 0);
    for (int i = 0; i < (under_valgrind() ? 2000 : 20000); i++) {
        struct awscred_error err;
        char *data = NULL;
        size_t len = 0;

        if (file_read(ctx, good, "config file", &data, &len, &err)
            != AWSCRED_OK) {
            refusals++;
            continue;
        }
        assert_non_null(data);
        reads++;
        assert_string_equal(data, "GOOD");
        secret_free_n(data, len + 1);
    }
    ex.stop = 1;
    pthread_join(thread, NULL);
    print_message("# %u swaps, %u good reads, %u refusals\n", ex.swaps, reads,
                  refusals);
    assert_true(ex.swaps > 0 && reads > 0);
    unlink(good);
    unlink(bad);
    rmdir(safe);
    rmdir(unsafe);
    free(good);
    free(bad);
    free(safe);
    free(unsafe);
    awscred_context_free(ctx);
}

/* ---- Rows that resolve (D1 chains, D3, D4, D5) ------------------------- */

static const char *
table_environment(void *arg, const char *name)
{
    const char *const *pairs = arg;

    for (; pairs[0] != NULL; pairs += 2)
        if (strcmp(pairs[0], name) == 0)
            return pairs[1];
    return NULL;
}

/* Writes name with text built from fmt (a config file, a script). */
static char *
write_filef(const char *name, mode_t mode, const char *fmt, ...)
{
    char text[8192];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return write_file(name, text, mode);
}

/* Resolves profile (NULL: the default) with the environment env. */
static enum awscred_status
resolve_with(struct awscred_context *ctx, const char *const *env,
             const char *profile, struct awscred_error *err)
{
    struct awscred_request req = {.profile = profile};
    struct awscred_credentials *creds = NULL;
    enum awscred_status st;

    awscred_context_set_env(ctx, table_environment, (void *) env);
    memset(err, 0, sizeof *err);
    st = awscred_resolve(ctx, &req, &creds, err);
    awscred_credentials_free(creds);
    return st;
}

static void
expect_message(const struct awscred_error *err, const char *words)
{
    if (strstr(err->message, words) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err->message, words);
}

/* An assume-role profile over static keys (the STS endpoint comes from
   AWS_ENDPOINT_URL_STS). */
static char *
sts_config(const char *name)
{
    return write_file(name,
                      "[profile role]\n"
                      "role_arn = arn:aws:iam::123456789012:role/r\n"
                      "source_profile = base\n"
                      "region = us-east-1\n"
                      "[profile base]\n"
                      "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                      "aws_secret_access_key = "
                      "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n", 0600);
}

/* A context for an STS call through the build tree's network module, or
   NULL (test skipped) when make check did not say where it is. */
static struct awscred_context *
net_ctx(void)
{
    const char *module = getenv("AWSCRED_NET_MODULE");
    struct awscred_context *ctx;
    struct awscred_limits limits = {.total_timeout_ms = 20000};

    if (module == NULL || access(module, R_OK) != 0)
        return NULL;
    ctx = make_ctx(getuid(), AWSCRED_FLAG_NO_IMDS
                                 | AWSCRED_FLAG_NO_CACHE_WRITE);
    assert_int_equal(awscred_context_set_net_module(ctx, module), 0);
    awscred_context_set_limits(ctx, &limits);
    return ctx;
}

/* D1 source_profile loop (A -> B -> A) and a 50-deep chain: the loop is
   named, the chain stops at the depth cap (32 hops); neither gets as far
   as an STS call. (The role cache keys are SHA-1 digests computed by the
   network module, so the test needs it.) */
static void
test_d1_source_profile_loop_and_depth_cap(void **state)
{
    struct awscred_context *ctx = net_ctx();
    char *config;
    const char *env[] = {"AWS_CONFIG_FILE", NULL,
                         "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/c",
                         NULL, NULL};
    struct awscred_error err;
    FILE *f;

    if (ctx == NULL)
        skip();
    config = tmp_path("chain-config");
    env[1] = config;
    f = fopen(config, "we");
    assert_non_null(f);
    fputs("[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\n"
          "source_profile = b\n"
          "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\n"
          "source_profile = a\n", f);
    for (int i = 0; i < 50; i++)
        fprintf(f, "[profile p%d]\nrole_arn = arn:aws:iam::123456789012:"
                "role/r%d\nsource_profile = p%d\n", i, i, i + 1);
    fputs("[profile p50]\naws_access_key_id = AKIAFAULTSFAULTSFAUL\n"
          "aws_secret_access_key = s\n", f);
    assert_int_equal(fclose(f), 0);

    assert_int_equal(resolve_with(ctx, env, "a", &err), AWSCRED_ERR_LOOP);
    expect_message(&err, "Infinite loop in credential configuration");
    expect_message(&err, "Visited profiles: ['a', 'b']");
    assert_int_equal(resolve_with(ctx, env, "p0", &err), AWSCRED_ERR_LOOP);
    expect_message(&err, "Too many source_profile hops from profile p0");

    unlink(config);
    free(config);
    awscred_context_free(ctx);
}

/* 1 when the unreadable path, as uid, is what the AWS CLI makes of it (a
   missing file: configparser's read() skips it), with a LOG_WARNING line
   naming it and the reason; and when, as the CLI's, the chain goes on to
   environment credentials. No cmocka assertions: it runs in a child. */
static int
unreadable_skipped(const char *path, uid_t uid)
{
    struct awscred_context *ctx = awscred_context_new();
    const char *env[] = {"AWS_CONFIG_FILE", path,
                         "AWS_SHARED_CREDENTIALS_FILE", path,
                         "AWS_ACCESS_KEY_ID", "AKIAFROMENV",
                         "AWS_SECRET_ACCESS_KEY", "s", NULL, NULL};
    struct awscred_request req = {0};
    struct awscred_credentials *c = NULL;
    struct awscred_error err;
    struct cfg *cfg = NULL;
    char log[2048] = "", *expected = xasprintf("<%d>warning: cannot read "
                                               "config file %s: Permission "
                                               "denied", LOG_WARNING, path);
    int ok;

    if (ctx == NULL || expected == NULL
        || awscred_context_set_user(ctx, "alice", uid, uid, tmpdir) != 0)
        return 0;
    awscred_context_set_env(ctx, table_environment, env);
    awscred_context_set_log(ctx, append_log, log);
    awscred_context_set_flags(ctx, AWSCRED_FLAG_STRICT_FILES
                              | AWSCRED_FLAG_NO_IMDS);
    ok = cfg_load_paths(ctx, path, NULL, &cfg, &err) == AWSCRED_OK
         && cfg != NULL && strstr(log, expected) != NULL;
    if (!ok)
        fprintf(stderr, "# %s\n# log: %s", cfg == NULL ? err.message
                                                       : "loaded", log);
    ok = ok && awscred_resolve(ctx, &req, &c, &err) == AWSCRED_OK
         && strcmp(c->access_key_id, "AKIAFROMENV") == 0;
    awscred_credentials_free(c);
    cfg_free(cfg);
    free(expected);
    awscred_context_free(ctx);
    return ok;
}

/* D1 unreadable file (mode 000, EACCES): a warning naming the file, and
   the chain goes on, as the AWS CLI's does (measured with Debian's CLI as
   nobody). Root reads anything, so as root the load runs in a child as
   nobody. */
static void
test_d1_unreadable_file(void **state)
{
    char *path = write_file("mode-000", "[default]\nregion = x\n", 0);
    pid_t pid;
    int status;

    if (geteuid() != 0) {
        assert_true(unreadable_skipped(path, getuid()));
    } else {
        assert_int_equal(chown(path, OTHER_UID, OTHER_UID), 0);
        assert_int_equal(chmod(tmpdir, 0755), 0);
        fflush(NULL);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            if (setgroups(0, NULL) != 0 || setgid(OTHER_UID) != 0
                || setuid(OTHER_UID) != 0)
                _exit(2);
            _exit(unreadable_skipped(path, OTHER_UID) ? 0 : 1);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_int_equal(chmod(tmpdir, 0700), 0);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    unlink(path);
    free(path);
}

/* D3 killed by a signal, and an exec failure through a bad interpreter
   ("#!/nonexistent/..."): each named in the error, like the CLI's. */
static void
test_d3_signal_and_bad_interpreter(void **state)
{
    struct awscred_context *ctx = make_ctx(getuid(), AWSCRED_FLAG_NO_IMDS);
    char *script = write_file("bad-interpreter", "#!/nonexistent/interp\n",
                              0755);
    char *config = write_filef("process-config", 0600,
                               "[profile killed]\ncredential_process = "
                               "/bin/sh -c \"kill -KILL $$\"\n"
                               "[profile interp]\ncredential_process = %s\n",
                               script);
    char expected[512];
    const char *env[] = {"AWS_CONFIG_FILE", config,
                         "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/c",
                         NULL, NULL};
    struct awscred_error err;

    assert_int_equal(resolve_with(ctx, env, "killed", &err),
                     AWSCRED_ERR_RETRIEVAL);
    expect_message(&err, "killed by signal 9");
    if (under_valgrind()) {
        print_message("# under valgrind: the bad interpreter is not tried"
                      " (valgrind ends a child whose execve fails)\n");
    } else {
        assert_int_equal(resolve_with(ctx, env, "interp", &err),
                         AWSCRED_ERR_RETRIEVAL);
        snprintf(expected, sizeof expected,
                 "[Errno 2] No such file or directory: '%s'", script);
        assert_string_equal(err.message, expected);
    }

    unlink(script);
    unlink(config);
    free(script);
    free(config);
    awscred_context_free(ctx);
}

/* D4 DNS failure for STS: an error naming the host, promptly. */
static void
test_d4_dns_failure_names_host(void **state)
{
    struct awscred_context *ctx = net_ctx();
    char *config;
    const char *env[] = {"AWS_CONFIG_FILE", NULL,
                         "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/c",
                         "AWS_ENDPOINT_URL_STS", "http://sts.awscred.invalid/",
                         NULL, NULL};
    struct awscred_error err;
    struct timespec a, b;

    if (ctx == NULL)
        skip();
    config = sts_config("sts-config");
    env[1] = config;
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_not_equal(resolve_with(ctx, env, "role", &err), AWSCRED_OK);
    clock_gettime(CLOCK_MONOTONIC, &b);
    expect_message(&err, "sts.awscred.invalid");
    print_message("# %s (%.0f ms)\n", err.message, elapsed_ms(&a, &b));
    assert_true(elapsed_ms(&a, &b) < 15000);
    unlink(config);
    free(config);
    awscred_context_free(ctx);
}

static const char tls_server_py[] =
    "import socket, ssl, sys\n"
    "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n"
    "ctx.load_cert_chain(sys.argv[1], sys.argv[2])\n"
    "s = socket.socket()\n"
    "s.bind(('127.0.0.1', 0))\n"
    "s.listen(8)\n"
    "s.settimeout(60)\n"
    "sys.stdout.write('%d\\n' % s.getsockname()[1])\n"
    "sys.stdout.flush()\n"
    "while True:\n"
    "    c, _ = s.accept()\n"
    "    try:\n"
    "        t = ctx.wrap_socket(c, server_side=True)\n"
    "        if t.recv(65536):\n"
    "            with open(sys.argv[3], 'a') as log:\n"
    "                log.write('request\\n')\n"
    "        t.sendall(b'HTTP/1.1 500 Oops\\r\\nContent-Length: 0\\r\\n\\r\\n')\n"
    "        t.close()\n"
    "    except Exception:\n"
    "        c.close()\n";

/* Starts the TLS server above; returns its pid, *port set, or -1. */
static pid_t
start_tls_server(const char *cert, const char *key, const char *log,
                 int *port)
{
    int fds[2];
    char line[32];
    size_t used = 0;
    ssize_t n = 0;
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        /* Gone with the test, or after a minute without connections. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(fds[1], STDOUT_FILENO);
        execl("/usr/bin/python3", "python3", "-c", tls_server_py, cert, key,
              log, (char *) NULL);
        _exit(127);
    }
    close(fds[1]);
    /* The whole line, however the pipe delivers it. */
    for (used = 0; pid > 0 && used < sizeof line - 1
                   && memchr(line, '\n', used) == NULL; used += (size_t) n) {
        n = read(fds[0], line + used, sizeof line - 1 - used);
        if (n <= 0)
            break;
    }
    close(fds[0]);
    if (used == 0 || memchr(line, '\n', used) == NULL) {
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
        return -1;
    }
    line[used] = '\0';
    *port = atoi(line);
    return pid;
}

static long
file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (long) st.st_size : 0;
}

/* D4 TLS failure: an STS endpoint with a certificate nobody vouches for
   (self-signed) fails closed, naming the endpoint, before any request is
   sent; trusting that certificate through AWS_CA_BUNDLE reaches the
   server, so the refusal was the certificate's. */
static void
test_d4_tls_failure_fails_closed(void **state)
{
    struct awscred_context *ctx = net_ctx();
    char *config, *cert, *key, *log, *cmd, url[64];
    const char *env[] = {"AWS_CONFIG_FILE", NULL,
                         "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/c",
                         "AWS_ENDPOINT_URL_STS", url,
                         NULL, NULL, NULL, NULL};
    struct awscred_error err;
    int port = 0;
    pid_t server;

    if (ctx == NULL || access("/usr/bin/python3", X_OK) != 0)
        skip();
    cert = tmp_path("cert.pem");
    key = tmp_path("key.pem");
    log = tmp_path("tls-requests");
    cmd = xasprintf("openssl req -x509 -newkey ec -pkeyopt "
                    "ec_paramgen_curve:prime256v1 -nodes -keyout '%s' "
                    "-out '%s' -subj /CN=127.0.0.1 -days 1 >/dev/null 2>&1",
                    key, cert);
    if (system(cmd) != 0) {
        free(cmd);
        unlink(cert);
        unlink(key);
        free(cert);
        free(key);
        free(log);
        awscred_context_free(ctx);
        skip();
    }
    server = start_tls_server(cert, key, log, &port);
    assert_true(server > 0);
    config = sts_config("tls-config");
    env[1] = config;
    snprintf(url, sizeof url, "https://127.0.0.1:%d/", port);

    assert_int_not_equal(resolve_with(ctx, env, "role", &err), AWSCRED_OK);
    print_message("# %s\n", err.message);
    expect_message(&err, url);
    expect_message(&err, "certificate");
    assert_int_equal(file_size(log), 0);

    env[6] = "AWS_CA_BUNDLE";
    env[7] = cert;
    assert_int_not_equal(resolve_with(ctx, env, "role", &err), AWSCRED_OK);
    print_message("# with AWS_CA_BUNDLE: %s\n", err.message);
    expect_message(&err, "(500)");
    assert_true(file_size(log) > 0);

    kill(server, SIGTERM);
    waitpid(server, NULL, 0);
    unlink(config);
    unlink(cert);
    unlink(key);
    unlink(log);
    free(cmd);
    free(config);
    free(cert);
    free(key);
    free(log);
    awscred_context_free(ctx);
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

/* D5 clock jumps during the call: deadlines run on CLOCK_MONOTONIC, so a
   wall clock going back an hour at every reading neither stretches nor
   cuts the credential_process deadline (0.5 s; the helper sleeps 5 s).
   Expiry does read the wall clock: credentials valid for two more hours
   stay valid while it jumps. */
static void
test_d5_clock_jumps_keep_deadlines(void **state)
{
    struct awscred_context *ctx = make_ctx(getuid(), AWSCRED_FLAG_NO_IMDS);
    struct awscred_limits limits = {.process_timeout_ms = 500};
    time_t later = time(NULL) + 7200;
    char when[32], *script, *config;
    const char *env[] = {"AWS_CONFIG_FILE", NULL,
                         "AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/c",
                         NULL, NULL};
    struct awscred_error err;
    struct timespec a, b;
    unsigned readings = 0;
    double ms;

    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime(&later));
    script = write_filef("valid-process", 0755, "#!/bin/sh\necho '{"
                         "\"Version\": 1, \"AccessKeyId\": \"AKIAJUMPS\", "
                         "\"SecretAccessKey\": \"s\", \"SessionToken\": "
                         "\"t\", \"Expiration\": \"%s\"}'\n", when);
    config = write_filef("jump-config", 0600,
                         "[profile sleeps]\ncredential_process = /bin/sleep 5\n"
                         "[profile valid]\ncredential_process = %s\n", script);
    env[1] = config;
    awscred_context_set_clock(ctx, jumping_clock, &readings);
    awscred_context_set_limits(ctx, &limits);

    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(resolve_with(ctx, env, "sleeps", &err),
                     AWSCRED_ERR_TIMEOUT);
    clock_gettime(CLOCK_MONOTONIC, &b);
    ms = elapsed_ms(&a, &b);
    print_message("# timed out after %.0f ms\n", ms);
    expect_message(&err, "credential_process timed out");
    assert_true(ms >= 400 && ms < 3000);

    readings = 0;
    limits.process_timeout_ms = 30000;  /* slow hosts, valgrind */
    awscred_context_set_limits(ctx, &limits);
    if (resolve_with(ctx, env, "valid", &err) != AWSCRED_OK)
        fail_msg("%s", err.message);
    print_message("# valid credentials, %u wall-clock readings\n", readings);
    assert_true(readings > 0);

    unlink(script);
    unlink(config);
    free(script);
    free(config);
    awscred_context_free(ctx);
}

static int
setup(void **state)
{
    return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int
teardown(void **state)
{
    return rmdir(tmpdir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_d1_oversized_files_refused),
        cmocka_unit_test(test_d1_special_files_refused),
        cmocka_unit_test(test_d1_many_profiles_and_keys),
        cmocka_unit_test(test_d2_foreign_owner_refused),
        cmocka_unit_test(test_d2_group_writable_refused),
        cmocka_unit_test(test_d2_root_owned_accepted),
        cmocka_unit_test(test_d2_shadow_symlink_as_user),
        cmocka_unit_test(test_d2_swap_race_never_returns_unsafe_file),
        cmocka_unit_test(test_d2_unsafe_home_dirs_refused),
        cmocka_unit_test(test_d2_unsafe_dirs_warn_option),
        cmocka_unit_test(test_d2_symlinked_aws_dir),
        cmocka_unit_test(test_d2_dir_swap_race_never_returns_unsafe_file),
        cmocka_unit_test(test_d1_source_profile_loop_and_depth_cap),
        cmocka_unit_test(test_d1_unreadable_file),
        cmocka_unit_test(test_d3_signal_and_bad_interpreter),
        cmocka_unit_test(test_d4_dns_failure_names_host),
        cmocka_unit_test(test_d4_tls_failure_fails_closed),
        cmocka_unit_test(test_d5_clock_jumps_keep_deadlines),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
