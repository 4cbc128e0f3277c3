/*
 * test_audit.c: pamaws_audit_format (pam_awscred/audit.c), the one line a
 * successful login leaves in syslog: every field named, absent ones as
 * "-", values a parser could split quoted, and a cut line marked.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "pam_awscred/internal.h"

/* An sshd login with assumed-role credentials: every field. */
static void
test_every_field(void **state)
{
    struct pamaws_audit audit = {
        "alice", "sshd", "192.0.2.7", "dev", "assume-role",
        "ASIAIOSFODNN7EXAMPLE", "2026-12-01T12:00:00+00:00", NULL, NULL,
    };
    char line[512];

    pamaws_audit_format(&audit, line, sizeof(line));
    assert_string_equal(line, "AWS credentials exported: user=alice"
                        " service=sshd rhost=192.0.2.7 profile=dev"
                        " provider=assume-role"
                        " access_key_id=ASIAIOSFODNN7EXAMPLE"
                        " expires=2026-12-01T12:00:00+00:00");
}

/* A local su without expiry: no rhost, no expiry, shown as "-". */
static void
test_absent_fields(void **state)
{
    struct pamaws_audit audit = {
        "bob", "su", NULL, "default", "shared-credentials-file",
        "AKIAIOSFODNN7EXAMPLE", NULL, NULL, NULL,
    };
    char line[512];

    pamaws_audit_format(&audit, line, sizeof(line));
    assert_string_equal(line, "AWS credentials exported: user=bob service=su"
                        " rhost=- profile=default"
                        " provider=shared-credentials-file"
                        " access_key_id=AKIAIOSFODNN7EXAMPLE expires=-");
}

/* A profile named by the user with a space, a quote and "x=y" in it
   cannot forge another field: it is quoted, quote and backslash
   backslashed. */
static void
test_user_text_quoted(void **state)
{
    struct pamaws_audit audit = {
        "carol", "sshd", "", "my \"prof\\\" user=root", "custom-process",
        "AKIAIOSFODNN7EXAMPLE", NULL, NULL, NULL,
    };
    char line[512];

    pamaws_audit_format(&audit, line, sizeof(line));
    assert_string_equal(line, "AWS credentials exported: user=carol"
                        " service=sshd rhost=\"\""
                        " profile=\"my \\\"prof\\\\\\\" user=root\""
                        " provider=custom-process"
                        " access_key_id=AKIAIOSFODNN7EXAMPLE"
                        " expires=-");
}

/* System mode's attribution: the role and the source identity close the
   line, so the line joins CloudTrail's sourceIdentity and accessKeyId. */
static void
test_attribution(void **state)
{
    struct pamaws_audit audit = {
        "alice", "sshd", "192.0.2.7", "bastion", "assume-role",
        "ASIAIOSFODNN7EXAMPLE", "2026-12-01T12:00:00+00:00",
        "arn:aws:iam::123456789012:role/users/alice", "alice",
    };
    char line[512];

    pamaws_audit_format(&audit, line, sizeof(line));
    assert_string_equal(line, "AWS credentials exported: user=alice"
                        " service=sshd rhost=192.0.2.7 profile=bastion"
                        " provider=assume-role"
                        " access_key_id=ASIAIOSFODNN7EXAMPLE"
                        " expires=2026-12-01T12:00:00+00:00"
                        " role=arn:aws:iam::123456789012:role/users/alice"
                        " source_identity=alice");
}

/* A buffer too small ends in "..." and stays NUL-terminated. */
static void
test_cut_marked(void **state)
{
    struct pamaws_audit audit = {
        "alice", "sshd", NULL, "dev", "assume-role", "ASIAIOSFODNN7EXAMPLE",
        NULL, NULL, NULL,
    };
    char line[48];

    memset(line, 'x', sizeof(line));
    pamaws_audit_format(&audit, line, sizeof(line));
    assert_int_equal(strlen(line), sizeof(line) - 1);
    assert_string_equal(line + sizeof(line) - 4, "...");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_field),
        cmocka_unit_test(test_absent_fields),
        cmocka_unit_test(test_user_text_quoted),
        cmocka_unit_test(test_attribution),
        cmocka_unit_test(test_cut_marked),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
