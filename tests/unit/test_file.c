/*
 * test_file.c: the files the library reads, by the rows of the fault
 * catalogue (tests/FAULTS.md, D1 and D2) each test names: oversized,
 * sparse and device files, directories and sockets, huge but legal
 * files, unreadable files, foreign owners, a root-owned admin file,
 * reading /etc/shadow through a symlink as an unprivileged user, unsafe
 * directories, and a symlink or directory swapped while it is read;
 * through file_read() and the config reader that uses it.
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

#include "fixture.h"
#include "internal.h"

#define OTHER_UID 65534  /* nobody: the "another user" of D2 */
#define USER_UID 64000   /* the context's user, distinct from both */

/* The group's fixture: the files live in its tmp, the contexts read its
   environment. */
static struct fx *fx;
static const char *tmpdir;

static struct awscred_context *
make_ctx(uid_t uid, unsigned flags)
{
    struct awscred_context *ctx = awscred_context_new();

    assert_non_null(ctx);
    awscred_context_set_env(ctx, fx_env, fx);
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

    fx_write_mode(fx, path, text, mode);
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

/* D1.9: oversized file: 1 GB sparse and /dev/zero via a symlink refused; a
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

/* D1.10, S12.10: file is a FIFO, directory, socket or other device: no
   hang, clear error; /dev/null is an empty file. */
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

/* D1.13: 100 000 profiles or 10 000 keys: loaded whole, lookups work. The
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
    print_message("# 100000 profiles loaded in %.1f ms\n",
                  fx_elapsed_ms(&a, &b));
    s = cfg_profile(cfg, "p99999");
    assert_non_null(s);
    assert_string_equal(cfg_get(s, "region"), "r99999");
    cfg_free(cfg);

    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_equal(cfg_load_paths(ctx, keys, NULL, &cfg, &err), AWSCRED_OK);
    clock_gettime(CLOCK_MONOTONIC, &b);
    print_message("# 10000 keys loaded in %.1f ms\n", fx_elapsed_ms(&a, &b));
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

/* D2.2: symlink to another user's world-readable file; a file of another
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

/* D2.3: file owned by the user, mode 0666 or 0620: refused in strict mode. */
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

/* D2.5: file owned by root, mode 0644 (admin-managed): accepted in strict
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

/* D2.1: ~/.aws/credentials -> /etc/shadow, read as the user (the worker's
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

/* D2.7: files swapped between check and read: every check is made on the
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

/* D2.4: $HOME or ~/.aws group- or world-writable, or ~/.aws owned by another
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

/* D2.4: the admin's option to warn instead: the file is read, one warning at
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

/* D2.4: ~/.aws a symbolic link (a dotfiles checkout): the directories checked
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

/* D2.4: a directory swapped between its check and the read: the walk holds a
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
    for (int i = 0; i < (fx_under_valgrind() ? 2000 : 20000); i++) {
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

/* ---- Unreadable files ------------------------------------------------ */

/* 1 when the unreadable path, as the process's user, is what the AWS CLI
   makes of it (a missing file: configparser's read() skips it), with a
   LOG_WARNING line naming it and the reason; and when, as the CLI's, the
   chain goes on to environment credentials. No cmocka assertions: it
   runs in a child. */
static int
unreadable_skipped(const char *path)
{
    struct fx *f = fx_new(false);
    const char *env[] = {"AWS_CONFIG_FILE", path,
                         "AWS_SHARED_CREDENTIALS_FILE", path,
                         "AWS_ACCESS_KEY_ID", "AKIAFROMENV",
                         "AWS_SECRET_ACCESS_KEY", "s", NULL};
    struct awscred_error err;
    struct cfg *cfg = NULL;
    char log[2048] = "", *expected = xasprintf("<%d>warning: cannot read "
                                               "config file %s: Permission "
                                               "denied", LOG_WARNING, path);
    int ok;

    if (f == NULL || expected == NULL)
        return 0;
    fx_set_envs(f, env);
    awscred_context_set_log(f->ctx, append_log, log);
    awscred_context_set_flags(f->ctx, AWSCRED_FLAG_STRICT_FILES
                                          | AWSCRED_FLAG_NO_IMDS);
    ok = cfg_load_paths(f->ctx, path, NULL, &cfg, &err) == AWSCRED_OK
         && cfg != NULL && strstr(log, expected) != NULL;
    if (!ok)
        fprintf(stderr, "# %s\n# log: %s", cfg == NULL ? err.message
                                                       : "loaded", log);
    ok = ok && fx_resolve(f) == AWSCRED_OK
         && strcmp(f->creds->access_key_id, "AKIAFROMENV") == 0;
    cfg_free(cfg);
    free(expected);
    fx_free(f);
    return ok;
}

/* D1.12: unreadable file (mode 000, EACCES): a warning naming the file, and
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
        assert_true(unreadable_skipped(path));
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
            _exit(unreadable_skipped(path) ? 0 : 1);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_int_equal(chmod(tmpdir, 0700), 0);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    unlink(path);
    free(path);
}

static int
setup(void **state)
{
    fx = fx_new(false);
    if (fx == NULL)
        return -1;
    tmpdir = fx->tmp;
    return 0;
}

static int
teardown(void **state)
{
    fx_free(fx);
    return 0;
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
        cmocka_unit_test(test_d1_unreadable_file),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
