/*
 * test_mfa.c: the one-time handle that carries MFA'd credentials from
 * the auth phase to the session (pam_awscred/mfa.c): written private,
 * redeemed once, and refused when forged, stale, shared or for another
 * user; and the sentence a failed MFA login shows the user.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pam_awscred/internal.h"

static char dir[64], logged[2048];

static void
capture(void *arg, int priority, const char *message)
{
    (void) arg;
    (void) priority;
    snprintf(logged, sizeof(logged), "%s", message);
}

static void
args_for_test(struct pamaws_args *args)
{
    memset(args, 0, sizeof(*args));
    args->log = capture;
    args->config.mfa_dir = dir;
    logged[0] = '\0';
}

static const struct pamaws_user alice = { "alice", 1000, 1000, "/home/alice",
                                          "/bin/sh", NULL, NULL, 0 };

static void
vars_fill(struct pamaws_vars *vars)
{
    memset(vars, 0, sizeof(*vars));
    assert_int_equal(pamaws_vars_add(vars, "AWS_ACCESS_KEY_ID",
                                     "ASIAIOSFODNN7EXAMPLE"), 0);
    assert_int_equal(pamaws_vars_add(vars, "AWS_SECRET_ACCESS_KEY",
                                     "wJalrXUtnFEMI/K7MDENG"), 0);
    vars->expires = 4102444800;
}

/* Writes a handle file by hand: head and body, mode. */
static void
forge(const char *handle, const char *text, mode_t mode)
{
    char path[256];
    int fd;

    snprintf(path, sizeof(path), "%s/%s", dir, handle);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
    fchmod(fd, mode);
    close(fd);
}

static const char handle0[] = "0123456789abcdef0123456789abcdef";

/* Stored, then redeemed once: the same variables and expiry; the file is
   0600 in a 0700 directory, and gone after the first redemption. */
static void
test_once(void **state)
{
    struct pamaws_args args;
    struct pamaws_vars in, out;
    char handle[64], path[256];
    struct stat st;

    (void) state;
    args_for_test(&args);
    vars_fill(&in);
    assert_int_equal(pamaws_mfa_store(&args, &alice, &in, handle,
                                      sizeof(handle)), 0);
    assert_int_equal(strlen(handle), 32);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(path, sizeof(path), "%s/%s", dir, handle);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(pamaws_mfa_redeem(&args, &alice, handle, &out), 0);
    assert_int_equal(out.count, 2);
    assert_string_equal(pamaws_vars_get(&out, "AWS_SECRET_ACCESS_KEY"),
                        "wJalrXUtnFEMI/K7MDENG");
    assert_int_equal(out.expires, 4102444800);
    assert_int_not_equal(stat(path, &st), 0);
    pamaws_vars_clear(&out);
    assert_int_equal(pamaws_mfa_redeem(&args, &alice, handle, &out), -1);
    assert_non_null(strstr(logged, "already used or never issued"));
    pamaws_vars_clear(&in);
}

/* A role's MFA session (for the broker) crosses with the variables but
   is not one of them; a session record that does not parse refuses the
   handle. */
static void
test_role_session_carried(void **state)
{
    struct pamaws_args args;
    struct pamaws_vars in, out;
    char handle[64], head[96], text[512];

    (void) state;
    args_for_test(&args);
    vars_fill(&in);
    assert_int_equal(pamaws_mfa_session_set(&in.mfa_session,
                                            "ASIAMFASESSIONKEY001",
                                            "sessionSecret/abc+0",
                                            "FwoGZXIvYXdzEMFA", "4102444000"),
                     0);
    assert_int_equal(pamaws_mfa_store(&args, &alice, &in, handle,
                                      sizeof(handle)), 0);
    assert_int_equal(pamaws_mfa_redeem(&args, &alice, handle, &out), 0);
    assert_int_equal(out.count, 2);
    assert_null(pamaws_vars_get(&out, PAMAWS_MFA_SESSION_KEY));
    assert_string_equal(out.mfa_session.access_key_id,
                        "ASIAMFASESSIONKEY001");
    assert_string_equal(out.mfa_session.secret_access_key,
                        "sessionSecret/abc+0");
    assert_string_equal(out.mfa_session.session_token, "FwoGZXIvYXdzEMFA");
    assert_int_equal(out.mfa_session.expires, 4102444000);
    pamaws_vars_clear(&out);
    assert_null(out.mfa_session.secret_access_key);
    pamaws_vars_clear(&in);

    snprintf(head, sizeof(head), "pam_awscred-mfa 1 %lld 1000 4102444800\n",
             (long long) time(NULL));
    snprintf(text, sizeof(text), "%sAWS_ACCESS_KEY_ID=ASIAIOSFODNN7EXAMPLE\n"
             PAMAWS_MFA_SESSION_KEY "=ASIAMFASESSIONKEY001\n"
             PAMAWS_MFA_SESSION_SECRET "=secret\n", head);
    forge(handle0, text, 0600);
    assert_int_equal(pamaws_mfa_redeem(&args, &alice, handle0, &out), -1);
    assert_null(out.mfa_session.access_key_id);
}

/* What the PAM environment could carry instead of a handle: a path, an
   upper-case or short one. Nothing outside mfa_dir is opened. */
static void
test_not_a_handle(void **state)
{
    struct pamaws_args args;
    struct pamaws_vars out;

    (void) state;
    args_for_test(&args);
    assert_int_equal(pamaws_mfa_redeem(&args, &alice, "../../etc/passwd",
                                       &out), -1);
    assert_non_null(strstr(logged, "not a handle"));
    assert_int_equal(pamaws_mfa_redeem(&args, &alice,
                                       "0123456789ABCDEF0123456789ABCDEF",
                                       &out), -1);
    assert_int_equal(pamaws_mfa_redeem(&args, &alice, "0123", &out), -1);
}

/* Forged or stale files: another user's, group-readable, too old, from
   the future, a name we do not export. Each refused and unlinked. */
static void
test_refused_files(void **state)
{
    static const struct {
        const char *body, *why;
        long long age;
        unsigned long uid;
        mode_t mode;
    } cases[] = {
        { "AWS_ACCESS_KEY_ID=ASIAX\n", "another user", 0, 1001, 0600 },
        { "AWS_ACCESS_KEY_ID=ASIAX\n", "not a private file", 0, 1000, 0640 },
        { "AWS_ACCESS_KEY_ID=ASIAX\n", "expired", 301, 1000, 0600 },
        { "AWS_ACCESS_KEY_ID=ASIAX\n", "expired", -60, 1000, 0600 },
        { "LD_PRELOAD=/tmp/x.so\n", "malformed", 0, 1000, 0600 },
        { "", "malformed", 0, 1000, 0600 },
    };
    struct pamaws_args args;
    struct pamaws_vars out;
    char text[256], path[256];
    struct stat st;

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        args_for_test(&args);
        snprintf(text, sizeof(text), "pam_awscred-mfa 1 %lld %lu 0\n%s",
                 (long long) time(NULL) - cases[i].age, cases[i].uid,
                 cases[i].body);
        forge(handle0, text, cases[i].mode);
        assert_int_equal(pamaws_mfa_redeem(&args, &alice, handle0, &out),
                         -1);
        if (strstr(logged, cases[i].why) == NULL)
            fail_msg("case %zu logged '%s'", i, logged);
        assert_int_equal(out.count, 0);
        snprintf(path, sizeof(path), "%s/%s", dir, handle0);
        assert_int_not_equal(stat(path, &st), 0);
    }
}

/* A head line that is not exactly "<created> <uid> <expires>" as the
   module writes them: trailing junk, an expiry past int64, a negative uid
   that wraps to alice's, a doubled space. Each refused as malformed. */
static void
test_malformed_head(void **state)
{
    static const char *const heads[] = {
        "1000 4102444800x", "1000 99999999999999999999",
        "-18446744073709550616 0", " 1000 0", "1000",
    };
    struct pamaws_args args;
    struct pamaws_vars out;
    char text[256];

    (void) state;
    for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
        args_for_test(&args);
        snprintf(text, sizeof(text),
                 "pam_awscred-mfa 1 %lld %s\nAWS_ACCESS_KEY_ID=ASIAX\n",
                 (long long) time(NULL), heads[i]);
        forge(handle0, text, 0600);
        if (pamaws_mfa_redeem(&args, &alice, handle0, &out) != -1)
            fail_msg("head '%s' accepted", heads[i]);
        if (strstr(logged, "malformed") == NULL)
            fail_msg("head '%s' logged '%s'", heads[i], logged);
    }
}

/* A handle never redeemed (the login ended after auth) is removed by the
   next store once it is older than the limit; a young one stays. */
static void
test_stale_swept(void **state)
{
    struct pamaws_args args;
    struct pamaws_vars in, out;
    struct timespec old[2] = { { 0, 0 }, { 0, 0 } };
    char handle[64], young[64], path[256];
    struct stat st;

    (void) state;
    args_for_test(&args);
    vars_fill(&in);
    assert_int_equal(pamaws_mfa_store(&args, &alice, &in, young,
                                      sizeof(young)), 0);
    forge(handle0, "pam_awscred-mfa 1 0 1000 0\nAWS_ACCESS_KEY_ID=X\n", 0600);
    snprintf(path, sizeof(path), "%s/%s", dir, handle0);
    old[0].tv_sec = old[1].tv_sec = time(NULL) - 301;
    assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
    assert_int_equal(pamaws_mfa_store(&args, &alice, &in, handle,
                                      sizeof(handle)), 0);
    assert_int_not_equal(stat(path, &st), 0);
    assert_int_equal(pamaws_mfa_redeem(&args, &alice, young, &out), 0);
    pamaws_vars_clear(&out);
    assert_int_equal(pamaws_mfa_redeem(&args, &alice, handle, &out), 0);
    pamaws_vars_clear(&out);
    pamaws_vars_clear(&in);
}

/* A handle never redeemed (a later auth module failed, the session never
   opened) is removed by the redeem of another once it is older than the
   limit, without waiting for the next MFA login's store. */
static void
test_stale_swept_at_redeem(void **state)
{
    struct pamaws_args args;
    struct pamaws_vars in, out;
    struct timespec old[2] = { { 0, 0 }, { 0, 0 } };
    char stale[64], young[64], mine[64], path[256];
    struct stat st;

    (void) state;
    args_for_test(&args);
    vars_fill(&in);
    assert_int_equal(pamaws_mfa_store(&args, &alice, &in, stale,
                                      sizeof(stale)), 0);
    assert_int_equal(pamaws_mfa_store(&args, &alice, &in, young,
                                      sizeof(young)), 0);
    assert_int_equal(pamaws_mfa_store(&args, &alice, &in, mine,
                                      sizeof(mine)), 0);
    snprintf(path, sizeof(path), "%s/%s", dir, stale);
    old[0].tv_sec = old[1].tv_sec = time(NULL) - 301;
    assert_int_equal(utimensat(AT_FDCWD, path, old, 0), 0);
    assert_int_equal(pamaws_mfa_redeem(&args, &alice, mine, &out), 0);
    pamaws_vars_clear(&out);
    assert_int_not_equal(stat(path, &st), 0);
    assert_int_equal(pamaws_mfa_redeem(&args, &alice, young, &out), 0);
    pamaws_vars_clear(&out);
    pamaws_vars_clear(&in);
}

/* A handles' directory that others could read (or a link) is not used. */
static void
test_dir_not_private(void **state)
{
    struct pamaws_args args;
    struct pamaws_vars in;
    char handle[64];

    (void) state;
    args_for_test(&args);
    vars_fill(&in);
    assert_int_equal(pamaws_mfa_store(&args, &alice, &in, handle,
                                      sizeof(handle)), 0);
    assert_int_equal(chmod(dir, 0755), 0);
    assert_int_equal(pamaws_mfa_store(&args, &alice, &in, handle,
                                      sizeof(handle)), -1);
    assert_non_null(strstr(logged, "cannot keep the MFA credentials"));
    assert_string_equal(handle, "");
    assert_int_equal(chmod(dir, 0700), 0);
    pamaws_vars_clear(&in);
}

static int
setup(void **state)
{
    char base[] = "/tmp/test_mfa.XXXXXX";

    (void) state;
    if (mkdtemp(base) == NULL)
        return -1;
    snprintf(dir, sizeof(dir), "%s/mfa", base);
    return 0;
}

/* A16.9: STS's MFA refusal and its throttling codes become one sentence
   the user can act on; anything else is shown as it is (NULL). */
static void
test_failure_sentence(void **state)
{
    char buf[512];
    const char *text;

    (void) state;
    text = pamaws_mfa_failure("An error occurred (AccessDenied) when calling"
                              " the GetSessionToken operation:"
                              " MultiFactorAuthentication failed, unable to"
                              " validate MFA code.", "arn:aws:iam::1:mfa/a",
                              buf, sizeof(buf));
    assert_non_null(text);
    assert_string_equal(text, "AWS: the MFA code for arn:aws:iam::1:mfa/a"
                        " was not accepted (wrong, expired or already used):"
                        " log in again with a new code. STS said:"
                        " MultiFactorAuthentication failed, unable to"
                        " validate MFA code.");
    text = pamaws_mfa_failure("An error occurred (Throttling) when calling"
                              " the AssumeRole operation (reached max"
                              " retries: 2): Rate exceeded", NULL, buf,
                              sizeof(buf));
    assert_non_null(text);
    assert_non_null(strstr(text, "AWS STS is throttling requests"));
    /* AccessDenied for something else, a longer code, no code at all */
    assert_null(pamaws_mfa_failure("An error occurred (AccessDenied) when"
                                   " calling the AssumeRole operation: not"
                                   " authorized", NULL, buf, sizeof(buf)));
    assert_null(pamaws_mfa_failure("An error occurred (ThrottlingX) when",
                                   NULL, buf, sizeof(buf)));
    assert_null(pamaws_mfa_failure("Could not connect to the endpoint URL",
                                   NULL, buf, sizeof(buf)));
    assert_null(pamaws_mfa_failure(NULL, NULL, buf, sizeof(buf)));
}

static int
teardown(void **state)
{
    char cmd[128];

    (void) state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%.*s'", (int) (strlen(dir) - 4),
             dir);
    return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_once),
        cmocka_unit_test(test_role_session_carried),
        cmocka_unit_test(test_not_a_handle),
        cmocka_unit_test(test_refused_files),
        cmocka_unit_test(test_malformed_head),
        cmocka_unit_test(test_stale_swept),
        cmocka_unit_test(test_stale_swept_at_redeem),
        cmocka_unit_test(test_dir_not_private),
        cmocka_unit_test(test_failure_sentence),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
