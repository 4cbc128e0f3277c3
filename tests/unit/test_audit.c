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
        .user = "alice",
        .service = "sshd",
        .rhost = "192.0.2.7",
        .profile = "dev",
        .provider = "assume-role",
        .access_key_id = "ASIAIOSFODNN7EXAMPLE",
        .expires = "2026-12-01T12:00:00+00:00",
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
        .user = "bob",
        .service = "su",
        .profile = "default",
        .provider = "shared-credentials-file",
        .access_key_id = "AKIAIOSFODNN7EXAMPLE",
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
        .user = "carol",
        .service = "sshd",
        .rhost = "",
        .profile = "my \"prof\\\" user=root",
        .provider = "custom-process",
        .access_key_id = "AKIAIOSFODNN7EXAMPLE",
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
        .user = "alice",
        .service = "sshd",
        .rhost = "192.0.2.7",
        .profile = "bastion",
        .provider = "assume-role",
        .access_key_id = "ASIAIOSFODNN7EXAMPLE",
        .expires = "2026-12-01T12:00:00+00:00",
        .role = "arn:aws:iam::123456789012:role/users/alice",
        .source_identity = "alice",
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

/* The broker's lines (awscredd/main.c, refresh.c): the module's fields,
   then its own, in the one format a parser of the module's reads. */
static void
test_broker_fields(void **state)
{
    struct pamaws_audit audit = {
        .user = "alice", .service = "sshd", .rhost = "192.0.2.7",
        .profile = "dev", .access_key_id = "ASIAIOSFODNN7EXAMPLE",
        .expires = "2026-12-01T12:00:00+00:00", .uid = "1001",
        .tty = "ssh", .broker = "issued", .session = "7",
    };
    char line[512];

    pamaws_audit_format(&audit, line, sizeof(line));
    assert_string_equal(line, "AWS credentials exported: user=alice"
                        " service=sshd rhost=192.0.2.7 profile=dev"
                        " provider=- access_key_id=ASIAIOSFODNN7EXAMPLE"
                        " expires=2026-12-01T12:00:00+00:00 uid=1001 tty=ssh"
                        " broker=issued session=7");
}

/* A buffer too small ends in "..." and stays NUL-terminated. */
static void
test_cut_marked(void **state)
{
    struct pamaws_audit audit = {
        .user = "alice",
        .service = "sshd",
        .profile = "dev",
        .provider = "assume-role",
        .access_key_id = "ASIAIOSFODNN7EXAMPLE",
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
        cmocka_unit_test(test_broker_fields),
        cmocka_unit_test(test_cut_marked),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
