/*
 * test_util.c: the util layer: path expansion, ISO 8601 times, the strict
 * JSON wrapper, checked file reads and atomic writes.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "common/fdio.h"
#include "fixture.h"
#include "internal.h"
#include "util/sha1.h"
#include "util/sha256.h"

static void
expect_path(struct awscred_context *ctx, const char *raw, const char *want)
{
    char *got = path_expand(ctx, raw);

    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

/* Matches os.path.expanduser(os.path.expandvars(raw)). */
static void
test_path_expand(void **state)
{
    static const char *const env[] = {"DIR", "/data", "EMPTY", "", NULL};
    struct fx *f = fx_new(false);
    struct awscred_context *ctx = f->ctx;

    fx_set_envs(f, env);
    assert_int_equal(awscred_context_set_user(ctx, "alice", getuid(),
                                              getgid(), "/home/alice/"), 0);
    expect_path(ctx, "~/.aws/config", "/home/alice/.aws/config");
    expect_path(ctx, "~", "/home/alice");
    expect_path(ctx, "$DIR/x", "/data/x");
    expect_path(ctx, "${DIR}x", "/datax");
    expect_path(ctx, "$NOPE/x", "$NOPE/x");
    expect_path(ctx, "${}/x", "${}/x");
    expect_path(ctx, "a$EMPTY.b", "a.b");
    expect_path(ctx, "~bob/x", "~bob/x");
    expect_path(ctx, "$", "$");
    fx_free(f);
}

static void
test_time_parse(void **state)
{
    int64_t t;
    char buf[40];

    assert_int_equal(time_parse_iso8601("2026-11-22T12:20:59Z", &t), 0);
    assert_int_equal(t, 1795350059);
    assert_int_equal(time_parse_iso8601("2026-11-22T12:20:59+00:00", &t), 0);
    assert_int_equal(t, 1795350059);
    assert_int_equal(time_parse_iso8601("2026-11-22T12:20:59UTC", &t), 0);
    assert_int_equal(t, 1795350059);
    assert_int_equal(time_parse_iso8601("2026-11-22T14:20:59.123+02:00", &t),
                     0);
    assert_int_equal(t, 1795350059);
    assert_int_equal(time_parse_iso8601("2026-11-22 12:20:59", &t), 0);
    assert_int_equal(t, 1795350059);
    assert_int_equal(time_parse_iso8601("1970-01-01T00:00:00Z", &t), 0);
    assert_int_equal(t, 0);
    assert_int_equal(time_parse_iso8601("2024-02-29T00:00:00Z", &t), 0);
    assert_int_equal(time_parse_iso8601("2023-02-29T00:00:00Z", &t), -1);
    assert_int_equal(time_parse_iso8601("2026-13-01T00:00:00Z", &t), -1);
    assert_int_equal(time_parse_iso8601("tomorrow", &t), -1);
    assert_int_equal(time_parse_iso8601("2026-11-22T12:20:59Zjunk", &t), -1);
    time_format_iso8601(1795350059, buf, sizeof(buf));
    assert_string_equal(buf, "2026-11-22T12:20:59+00:00");
    time_format_iso8601_z(1795350059, buf, sizeof(buf));
    assert_string_equal(buf, "2026-11-22T12:20:59Z");
}

/* What dateutil's parse() reads in the expirations helpers, endpoints and
   caches write, kept as given (fraction, offset) for printing. */
static void
test_time_parse_value(void **state)
{
    static const struct {
        const char *text;
        int64_t seconds;
        int32_t usec, offset;
    } good[] = {
        {"2026-11-22T12:20:59.5Z", 1795350059, 500000, 0},
        {"2026-11-22T12:20:59.123456789Z", 1795350059, 123456, 0},
        {"2026-11-22T17:50:59+05:30", 1795350059, 0, 19800},
        {"2026-11-22T04:20:59.25-0800", 1795350059, 250000, -28800},
        {"2026-11-22 12:20:59 UTC", 1795350059, 0, 0},
        {"2026-11-22T14:20:59 +02:00", 1795350059, 0, 7200},
        {"Sun, 22 Nov 2026 12:20:59 GMT", 1795350059, 0, 0},
        {"Sun, 22 Nov 2026 14:20:59 +0200", 1795350059, 0, 7200},
        {"20261122T122059Z", 1795350059, 0, 0},
        {"20261122T132059.5+0100", 1795350059, 500000, 3600},
        /* No zone: UTC (the AWS CLI fails comparing it; awscred(1)). */
        {"2026-11-22T12:20:59", 1795350059, 0, 0},
    };
    static const char *const bad[] = {
        "2026", "20261122", "Sun, 22 Nov 2026", "Sun, 22 Foo 2026 12:20:59 GMT",
        "2026-11-22T12:20:59+05:30:15", "20261122T1220", "Sun,", "",
        "2026-11-22T12:20:59.Z",
    };
    struct time_value v;

    (void) state;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        if (time_parse_value(good[i].text, &v) != 0
            || v.seconds != good[i].seconds || v.usec != good[i].usec
            || v.offset != good[i].offset)
            fail_msg("\"%s\": %lld %d %d", good[i].text,
                     (long long) v.seconds, (int) v.usec, (int) v.offset);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (time_parse_value(bad[i], &v) == 0)
            fail_msg("\"%s\" parsed", bad[i]);
}

/* duration_seconds as botocore reads it: Python's int(), which takes any
   Unicode decimal digits and has no 32-bit limit. */
static void
test_py_int(void **state)
{
    static const struct {
        const char *text;
        bool ok;
        long long value;
    } cases[] = {
        {"1200", true, 1200},
        {" +1_200\t", true, 1200},
        {"\xef\xbc\x91\xef\xbc\x92\xef\xbc\x90\xef\xbc\x90", true,
         1200},                                          /* full width */
        {"\xd9\xa9\xd9\xa0\xd9\xa0", true, 900},        /* Arabic-Indic */
        {"\xe3\x80\x80" "900" "\xe2\x80\x83", true, 900}, /* U+3000, U+2003 */
        {"0900", true, 900},
        {"-5", true, -5},
        {"99999999999", true, 99999999999LL},
        {"9223372036854775807", true, INT64_MAX},
        {"-9223372036854775808", true, INT64_MIN},
        {"9223372036854775808", false, 0},
        {"1__2", false, 0}, {"_1", false, 0}, {"1_", false, 0},
        {"+_1", false, 0}, {"12a", false, 0}, {"", false, 0},
        {" ", false, 0}, {"1.0", false, 0}, {"0x10", false, 0},
        {"\xc2\xb2", false, 0},                        /* superscript 2 */
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        long long v = 0;

        if (py_int(cases[i].text, &v) != cases[i].ok
            || (cases[i].ok && v != cases[i].value))
            fail_msg("py_int(\"%s\"): %lld", cases[i].text, v);
    }
}

static cJSON *
parse(struct awscred_context *ctx, const char *text, struct awscred_error *err)
{
    return json_parse(ctx, text, strlen(text), "test", err);
}

static void
test_json_strict(void **state)
{
    struct awscred_context *ctx = awscred_context_new();
    struct awscred_error err;
    cJSON *tree;
    int members;

    tree = parse(
        ctx, "{\"A\": \"first\", \"a\": \"lower\", \"A\": \"last\"}\n ", &err);
    assert_non_null(tree);
    assert_string_equal(json_get_string(tree, "A"), "last");
    assert_string_equal(json_get_string(tree, "a"), "lower");
    assert_null(json_get_string(tree, "missing"));
    members = 0;
    for (const cJSON *m = tree->child; m != NULL; m = m->next)
        members++;
    assert_int_equal(members, 2);
    json_free(tree);

    assert_null(parse(ctx, "{\"A\": 1} trailing", &err));
    assert_int_equal(err.status, AWSCRED_ERR_RETRIEVAL);
    assert_null(parse(ctx, "{\"A\": \"x\\u0000y\"}", &err));
    assert_non_null(strstr(err.message, "NUL"));
    tree = parse(ctx, "{\"A\": \"x\\\\u0000y\"}", &err);
    assert_non_null(tree);
    assert_string_equal(json_get_string(tree, "A"), "x\\u0000y");
    json_free(tree);
    assert_null(parse(ctx, "", &err));
    assert_null(parse(ctx, "{\"A\": ", &err));
    tree = parse(ctx, "{\"o\": {\"k\": 1, \"k\": 2}}", &err);
    assert_non_null(tree);
    assert_int_equal(json_get(json_get(tree, "o"), "k")->valueint, 2);
    json_free(tree);
    awscred_context_free(ctx);
}

/* A copy of the path of relpath under the fixture's home, written with
   content and mode. */
static char *
tmp_file(struct fx *f, const char *name, const char *content, mode_t mode)
{
    return xasprintf("%s", fx_write_mode(f, name, content, mode));
}

static void
test_file_read(void **state)
{
    struct fx *f = fx_new(false);
    struct awscred_context *ctx = f->ctx;
    struct awscred_error err;
    struct awscred_limits limits = {.max_file_bytes = 16};
    char *data, *path, *fifo;
    size_t len;

    path = tmp_file(f, "ok", "hello", 0644);
    assert_int_equal(file_read(ctx, path, "config file", &data, &len, &err),
                     AWSCRED_OK);
    assert_string_equal(data, "hello");
    assert_int_equal(len, 5);
    secret_free_n(data, len + 1);
    free(path);

    path = xasprintf("%s/missing", f->tmp);
    assert_int_equal(file_read(ctx, path, "config file", &data, &len, &err),
                     AWSCRED_OK);
    assert_null(data);
    free(path);

    /* Group- or world-writable: only refused in strict mode. */
    path = tmp_file(f, "open", "x", 0666);
    assert_int_equal(file_read(ctx, path, "config file", &data, &len, &err),
                     AWSCRED_OK);
    secret_free_n(data, len + 1);
    awscred_context_set_flags(ctx, AWSCRED_FLAG_STRICT_FILES);
    assert_int_equal(file_read(ctx, path, "config file", &data, &len, &err),
                     AWSCRED_ERR_FILE);
    assert_non_null(strstr(err.message, "writable by group or others"));
    assert_string_equal(err.where, path);
    free(path);

    awscred_context_set_limits(ctx, &limits);
    path = tmp_file(f, "big", "0123456789abcdefX", 0600);
    assert_int_equal(file_read(ctx, path, "config file", &data, &len, &err),
                     AWSCRED_ERR_FILE);
    assert_non_null(strstr(err.message, "larger than 16 bytes"));
    free(path);

    fifo = xasprintf("%s/fifo", f->tmp);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(file_read(ctx, fifo, "config file", &data, &len, &err),
                     AWSCRED_ERR_FILE);
    assert_non_null(strstr(err.message, "not a regular file"));
    free(fifo);
    fx_free(f);
}

static void
test_file_write_atomic(void **state)
{
    struct fx *f = fx_new(false);
    struct awscred_context *ctx = f->ctx;
    struct awscred_error err;
    char *path = xasprintf("%s/a/b/cache.json", f->tmp);
    char *data;
    size_t len;
    struct stat st;

    assert_int_equal(file_write_atomic(ctx, path, "{}", 2, &err), AWSCRED_OK);
    assert_int_equal(file_write_atomic(ctx, path, "{\"x\":1}", 7, &err),
                     AWSCRED_OK);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(file_read(ctx, path, "cache", &data, &len, &err),
                     AWSCRED_OK);
    assert_string_equal(data, "{\"x\":1}");
    secret_free_n(data, len + 1);
    free(path);
    fx_free(f);
}

/* ---- A bounded read grows past its first buffer, up to the limit ------ */

/* A pipe (no size to go by) fed n bytes of a pattern by a child. */
static int
pattern_pipe(size_t n)
{
    int fds[2];
    pid_t pid;

    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char block[4096];

        close(fds[0]);
        for (size_t i = 0; i < sizeof(block); i++)
            block[i] = (char) ('a' + i % 26);
        for (size_t done = 0; done < n; done += sizeof(block))
            if (fd_write_all(fds[1], block,
                             n - done < sizeof(block) ? n - done
                                                      : sizeof(block))
                != 0)
                _exit(1);
        _exit(0);
    }
    close(fds[1]);
    return fds[0];
}

static void
test_fd_read_bounded_grows(void **state)
{
    size_t len, i;
    char *data;
    int fd;

    (void) state;
    fd = pattern_pipe(300000);
    assert_int_equal(fd_read_bounded(fd, 1u << 20, &data, &len), FD_READ_OK);
    assert_int_equal(len, 300000);
    for (i = 0; i < len && data[i] == (char) ('a' + i % 4096 % 26); i++)
        ;
    assert_int_equal(i, len);
    assert_int_equal(data[len], '\0');
    secret_free_n(data, len + 1);
    close(fd);
    wait(NULL);

    fd = pattern_pipe(300000);
    assert_int_equal(fd_read_bounded(fd, 299999, &data, &len),
                     FD_READ_TOO_LARGE);
    assert_null(data);
    close(fd);
    wait(NULL);

    fd = pattern_pipe(300000);
    assert_int_equal(fd_read_bounded(fd, 300000, &data, &len), FD_READ_OK);
    assert_int_equal(len, 300000);
    secret_free_n(data, len + 1);
    close(fd);
    wait(NULL);
}

/* ---- The core's SHA-1 and SHA-256 give what OpenSSL gives ------------ */

/* Every tail length around the one- and two-block padding. */
static void
assert_matches_openssl(void (*ours_hex)(const void *, size_t, char *),
                       const EVP_MD *md_type)
{
    unsigned char data[300], md[EVP_MAX_MD_SIZE];
    char ours[EVP_MAX_MD_SIZE * 2 + 1], theirs[EVP_MAX_MD_SIZE * 2 + 1];
    unsigned md_len, i;
    size_t len;

    for (i = 0; i < sizeof(data); i++)
        data[i] = (unsigned char) (i * 7 + 3);
    for (len = 0; len <= sizeof(data); len++) {
        ours_hex(data, len, ours);
        assert_int_equal(EVP_Digest(data, len, md, &md_len, md_type, NULL),
                         1);
        for (i = 0; i < md_len; i++)
            snprintf(theirs + 2 * i, 3, "%02x", md[i]);
        assert_string_equal(ours, theirs);
    }
}

static void
sha1_any(const void *data, size_t len, char *out)
{
    sha1_hex(data, len, out);
}

static void
sha256_any(const void *data, size_t len, char *out)
{
    sha256_hex(data, len, out);
}

static void
test_sha1_matches_openssl(void **state)
{
    char ours[41];

    (void) state;
    /* FIPS 180-2 appendix A */
    sha1_hex("abc", 3, ours);
    assert_string_equal(ours, "a9993e364706816aba3e25717850c26c9cd0d89d");
    sha1_hex("", 0, ours);
    assert_string_equal(ours, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    assert_matches_openssl(sha1_any, EVP_sha1());
}

/* The login cache's file name (botocore generate_login_cache_key). */
static void
test_sha256_matches_openssl(void **state)
{
    char ours[65];

    (void) state;
    sha256_hex("abc", 3, ours);
    assert_string_equal(ours, "ba7816bf8f01cfea414140de5dae2223"
                              "b00361a396177a9cb410ff61f20015ad");
    sha256_hex("", 0, ours);
    assert_string_equal(ours, "e3b0c44298fc1c149afbf4c8996fb924"
                              "27ae41e4649b934ca495991b7852b855");
    assert_matches_openssl(sha256_any, EVP_sha256());
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_expand),
        cmocka_unit_test(test_time_parse),
        cmocka_unit_test(test_time_parse_value),
        cmocka_unit_test(test_py_int),
        cmocka_unit_test(test_json_strict),
        cmocka_unit_test(test_file_read),
        cmocka_unit_test(test_file_write_atomic),
        cmocka_unit_test(test_sha1_matches_openssl),
        cmocka_unit_test(test_sha256_matches_openssl),
        cmocka_unit_test(test_fd_read_bounded_grows),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
