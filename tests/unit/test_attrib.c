/*
 * test_attrib.c: the checks of system mode's attribution against STS's
 * limits (pam_awscred/attrib.c), before anything is sent: what an admin's
 * template and a user's name may become, and what is refused.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "pam_awscred/internal.h"

/* A Linux user name as SourceIdentity: 2 to 64 of [\w+=,.@-]. */
static void
test_source_identity(void **state)
{
    char long_name[66];

    assert_null(pamaws_check_source_identity("alice"));
    assert_null(pamaws_check_source_identity("al"));
    assert_null(pamaws_check_source_identity("j.doe@corp.example"));
    assert_null(pamaws_check_source_identity("svc_deploy-2+x=y,z"));
    /* one letter, sssd's DOMAIN\user, a space, a machine account's $,
       non-ASCII (checks are ASCII-only), empty */
    assert_non_null(pamaws_check_source_identity("a"));
    assert_non_null(pamaws_check_source_identity("CORP\\alice"));
    assert_non_null(pamaws_check_source_identity("al ice"));
    assert_non_null(pamaws_check_source_identity("host$"));
    assert_non_null(pamaws_check_source_identity("jos\xc3\xa9"));
    assert_non_null(pamaws_check_source_identity(""));
    memset(long_name, 'a', 64);
    long_name[64] = '\0';
    assert_null(pamaws_check_source_identity(long_name));
    long_name[64] = 'a';
    long_name[65] = '\0';
    assert_non_null(pamaws_check_source_identity(long_name));
}

/* Tag keys 1 to 128, values 0 to 256, of letters, digits, space and
   _.:/=+-@; a key holds no '=' (it ends the key in session_tags=) and
   does not start with aws:. */
static void
test_tags(void **state)
{
    char text[260];

    assert_null(pamaws_check_tag_key("login"));
    assert_null(pamaws_check_tag_key("team:name/x_y.z+1-2@3"));
    assert_null(pamaws_check_tag_key("with space"));
    assert_non_null(pamaws_check_tag_key(""));
    assert_non_null(pamaws_check_tag_key("a=b"));
    assert_non_null(pamaws_check_tag_key("a,b"));
    assert_non_null(pamaws_check_tag_key("AWS:user"));
    assert_non_null(pamaws_check_tag_key("caf\xc3\xa9"));
    assert_null(pamaws_check_tag_value(""));
    assert_null(pamaws_check_tag_value("a=b c"));
    assert_non_null(pamaws_check_tag_value("a;b"));
    assert_non_null(pamaws_check_tag_value("tab\there"));
    memset(text, 'v', 256);
    text[256] = '\0';
    assert_null(pamaws_check_tag_value(text));
    text[128] = '\0';
    assert_null(pamaws_check_tag_key(text));
    text[128] = 'v';
    text[129] = '\0';
    assert_non_null(pamaws_check_tag_key(text));
    memset(text, 'v', 257);
    text[257] = '\0';
    assert_non_null(pamaws_check_tag_value(text));
}

static void
test_role_arn(void **state)
{
    assert_null(pamaws_check_role_arn("arn:aws:iam::123456789012:role/users/"
                                      "alice"));
    assert_non_null(pamaws_check_role_arn("arn:aws:iam::1:role/a b"));
    assert_non_null(pamaws_check_role_arn("role/users/alice-is-long"));
    assert_non_null(pamaws_check_role_arn("arn:aws:iam::1:r"));
}

/* Only %u %h %r %s %g %% are known; a lone % at the end is not. */
static void
test_template(void **state)
{
    assert_true(pamaws_template_valid("arn:aws:iam::1:role/users/%u"));
    assert_true(pamaws_template_valid("u=%u,h=%h,r=%r,s=%s,g=%g,p=100%%"));
    assert_true(pamaws_template_valid(""));
    assert_false(pamaws_template_valid("%x"));
    assert_false(pamaws_template_valid("x%"));
    assert_false(pamaws_template_valid("%%%"));
}

/* The worker's split of --session-tags: at ',' and the first '='. */
static void
test_split(void **state)
{
    struct pamaws_tag tags[3];
    char list[] = "a=1,b=x=y,c", more[] = "a=1,b=2,c=3,d=4";

    assert_int_equal(pamaws_tags_split(list, tags, 3), 3);
    assert_string_equal(tags[0].key, "a");
    assert_string_equal(tags[0].value, "1");
    assert_string_equal(tags[1].key, "b");
    assert_string_equal(tags[1].value, "x=y");
    assert_string_equal(tags[2].key, "c");
    assert_string_equal(tags[2].value, "");
    assert_int_equal(pamaws_tags_split(more, tags, 3), 4);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_source_identity),
        cmocka_unit_test(test_tags),
        cmocka_unit_test(test_role_arn),
        cmocka_unit_test(test_template),
        cmocka_unit_test(test_split),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
