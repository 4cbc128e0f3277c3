/*
 * test_shlex.c: shlex_split against what Python's shlex.split returns
 * (expected values taken from Python 3.11; config_diff.sh compares
 * thousands of generated strings as well).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

/* Splits s and compares with the expected words (NULL-terminated). */
static void
check(const char *s, const char *const *expected)
{
    const char *error = "unset";
    char **words = shlex_split(s, &error);
    size_t i;

    assert_non_null(words);
    assert_null(error);
    for (i = 0; expected[i] != NULL; i++) {
        assert_non_null(words[i]);
        assert_string_equal(words[i], expected[i]);
    }
    assert_null(words[i]);
    strv_free(words);
}

static void
check_error(const char *s, const char *message)
{
    const char *error = NULL;

    assert_null(shlex_split(s, &error));
    assert_string_equal(error, message);
}

#define WORDS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
test_plain_words(void **state)
{
    (void) state;
    check("", WORDS(NULL));
    check(" \t\r\n", WORDS(NULL));
    check("profile dev", WORDS("profile", "dev"));
    check("  profile \t x  ", WORDS("profile", "x"));
    check("profile#x ;y", WORDS("profile#x", ";y"));  /* no comments */
    check("profile\x0b" "x", WORDS("profile\x0bx"));    /* \v is no space */
    check("profile caf\xc3\xa9", WORDS("profile", "caf\xc3\xa9"));
}

static void
test_quotes(void **state)
{
    (void) state;
    check("profile \"my prof\"", WORDS("profile", "my prof"));
    check("profile 'a \"b\"'", WORDS("profile", "a \"b\""));
    check("a\"b c\"d", WORDS("ab cd"));
    check("\"\" ''", WORDS("", ""));
    check("x '' y", WORDS("x", "", "y"));
    check("\"a\\\"b\"", WORDS("a\"b"));
    check("\"a\\\\b\"", WORDS("a\\b"));
    check("\"a\\b\"", WORDS("a\\b"));      /* kept inside "" */
    check("'a\\b'", WORDS("a\\b"));        /* no escapes inside '' */
}

static void
test_escapes(void **state)
{
    (void) state;
    check("a\\ b", WORDS("a b"));
    check("\\'x", WORDS("'x"));
    check("\\\\", WORDS("\\"));
    check("a\\\nb", WORDS("a\nb"));
}

static void
test_errors(void **state)
{
    (void) state;
    check_error("profile \"dev", "No closing quotation");
    check_error("'", "No closing quotation");
    check_error("a\\", "No escaped character");
    check_error("\"a\\", "No escaped character");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_words),
        cmocka_unit_test(test_quotes),
        cmocka_unit_test(test_escapes),
        cmocka_unit_test(test_errors),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
