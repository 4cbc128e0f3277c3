/*
 * Unit tests of pam_awscred/policy.c: which shells count as login shells
 * (the /etc/shells text as the module reads it), and the order of the
 * rules that skip or refuse a login before any worker runs. The PAM-stack
 * scenarios are in tests/pam/session-t.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include <cmocka.h>

#include "pam_awscred/internal.h"

static const char shells[] =
    "# /etc/shells: valid login shells\n"
    "/bin/sh\n"
    "  /bin/bash  \n"
    "/usr/bin/zsh\r\n"
    "#/bin/tcsh\n"
    "/usr/sbin/nologin\n"
    "\n"
    "/bin/dash";

/* Debian's file, plus what admins write into it. */
static void
test_listed_shells(void **state)
{
    (void) state;
    assert_true(pamaws_shell_valid(shells, "/bin/sh"));
    assert_true(pamaws_shell_valid(shells, "/bin/bash"));
    assert_true(pamaws_shell_valid(shells, "/usr/bin/zsh"));
    assert_true(pamaws_shell_valid(shells, "/bin/dash"));
    /* passwd(5): an empty shell is /bin/sh. */
    assert_true(pamaws_shell_valid(shells, ""));
    assert_true(pamaws_shell_valid(shells, NULL));
}

/* Not listed, commented out, a prefix or an extension of a listed one,
   or nologin/false even when listed: not a login shell. */
static void
test_unlisted_shells(void **state)
{
    (void) state;
    assert_false(pamaws_shell_valid(shells, "/bin/tcsh"));
    assert_false(pamaws_shell_valid(shells, "/bin/ba"));
    assert_false(pamaws_shell_valid(shells, "/bin/bash2"));
    assert_false(pamaws_shell_valid(shells, "/usr/sbin/nologin"));
    assert_false(pamaws_shell_valid(shells, "/bin/false"));
    assert_false(pamaws_shell_valid(shells, "/usr/bin/false"));
    assert_false(pamaws_shell_valid(shells, "bash"));
    assert_false(pamaws_shell_valid("", "/bin/sh"));
}

/* Without /etc/shells, glibc's getusershell(3) defaults. */
static void
test_missing_file(void **state)
{
    (void) state;
    assert_true(pamaws_shell_valid(NULL, "/bin/sh"));
    assert_true(pamaws_shell_valid(NULL, "/bin/csh"));
    assert_false(pamaws_shell_valid(NULL, "/bin/bash"));
}

static void
capture(void *arg, int priority, const char *message)
{
    char *text = arg;
    size_t used = strlen(text);

    snprintf(text + used, 2048 - used, "<%d>%s\n", priority, message);
}

/* A refused configuration fails before the caller and shell rules; in
   system mode the shell does not matter (no user file is read). */
static void
test_rule_order(void **state)
{
    char log[2048] = "";
    struct pamaws_args args;
    struct pamaws_user user = { "alice", 1000, 1000, "/home/alice",
                                "/usr/sbin/nologin", NULL, NULL, 0 };

    (void) state;
    memset(&args, 0, sizeof(args));
    args.log = capture;
    args.log_arg = log;
    args.config.mode = PAMAWS_MODE_USER;
    assert_int_equal(pamaws_policy_check(&args, &user), PAMAWS_SKIP);
    assert_non_null(strstr(log, "<6>nothing exported for user alice: shell"
                                " /usr/sbin/nologin is not a login shell"));
    args.config.nologin_users = true;
    assert_int_equal(pamaws_policy_check(&args, &user), PAMAWS_EXPORT);
    args.config.nologin_users = false;
    args.config.mode = PAMAWS_MODE_SYSTEM;
    assert_int_equal(pamaws_policy_check(&args, &user), PAMAWS_EXPORT);

    log[0] = '\0';
    args.config.refused = "system_credentials";
    assert_int_equal(pamaws_policy_check(&args, &user), PAMAWS_FAIL);
    assert_non_null(strstr(log, "<3>no AWS credentials for user alice:"
                                " refused by the configuration"
                                " (system_credentials, logged above)"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listed_shells),
        cmocka_unit_test(test_unlisted_shells),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_rule_order),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
