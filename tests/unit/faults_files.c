/*
 * faults_files.c: rows of the fault catalogue (security.md D1, D2) about
 * the files the library reads that no other unit test covers: oversized,
 * sparse and device files, directories and sockets, huge but legal files,
 * foreign owners, a root-owned admin file, reading /etc/shadow through a
 * symlink as an unprivileged user, and a symlink swapped while it is read.
 * Each test names its row; tests/FAULTS.md maps the rows to these names.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
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

/* D1 oversized file: 10 MB, 1 GB sparse, /dev/zero via a symlink. */
static void
test_d1_oversized_files_refused(void **state)
{
    struct awscred_context *ctx = make_ctx(getuid(), 0);
    char *big = tmp_path("ten-mb"), *sparse = tmp_path("sparse-1g");
    char *zero = tmp_path("zero-link");
    int fd;

    fd = open(big, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    for (int i = 0; i < 10 * 1024; i++) {
        static const char kb[1024] = "[default]\n";

        assert_int_equal(write(fd, kb, sizeof kb), (ssize_t) sizeof kb);
    }
    close(fd);
    expect_refused(ctx, big, "larger than");

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

/* D1 file is a FIFO, directory, socket or device: no hang, clear error. */
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

    assert_int_equal(mkdir(dir, 0700), 0);
    expect_refused(ctx, dir, dir);

    s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(s >= 0);
    assert_true(strlen(sock) < sizeof addr.sun_path);
    strcpy(addr.sun_path, sock);
    assert_int_equal(bind(s, (struct sockaddr *) &addr, sizeof addr), 0);
    assert_int_equal(listen(s, 1), 0);
    expect_refused(ctx, sock, sock);
    close(s);

    expect_refused(ctx, "/dev/null", "not a regular file");

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
   situation): EACCES, and the message names the file and the reason. */
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
        int ok;

        if (setgroups(0, NULL) != 0 || setgid(OTHER_UID) != 0
            || setuid(OTHER_UID) != 0)
            _exit(2);
        ctx = make_ctx(OTHER_UID, AWSCRED_FLAG_STRICT_FILES);
        ok = cfg_load_paths(ctx, NULL, link, &cfg, &err) == AWSCRED_ERR_FILE
             && strstr(err.message, link) != NULL
             && strstr(err.message, "Permission denied") != NULL;
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
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
