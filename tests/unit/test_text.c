/*
 * test_text.c: pamaws_escape (pam_awscred/text.c), the one escaping of
 * user-chosen text before a log line or a terminal: what a helper, a file
 * or a server may put there, and what must come out.
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

static void
expect_escaped(const char *in, const char *want)
{
    char out[256];

    pamaws_escape(in, out, sizeof(out));
    assert_string_equal(out, want);
}

/* Printable text, ASCII or UTF-8 (2, 3 and 4 bytes), is left alone. */
static void
test_printable_text_kept(void **state)
{
    (void) state;
    expect_escaped("profile dev: No such file", "profile dev: No such file");
    expect_escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91 \xc2\xa0",
                   "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91 \xc2\xa0");
    expect_escaped("a \\x1b stays", "a \\x1b stays");
}

/* ESC and the C1 CSI (U+009B) start terminal sequences; newline and
   tab forge or split log lines; DEL. */
static void
test_controls_escaped(void **state)
{
    (void) state;
    expect_escaped("\x1b[31mred", "\\x1b[31mred");
    expect_escaped("\xc2\x9b" "31m", "\\xc2\\x9b31m");
    expect_escaped("\xc2\x80..\xc2\x9f", "\\xc2\\x80..\\xc2\\x9f");
    expect_escaped("a\nb\tc\rd\x7f", "a\\x0ab\\x09c\\x0dd\\x7f");
}

/* Bytes that are not UTF-8: a lone continuation, a truncated sequence,
   an overlong form of '/', a surrogate, beyond U+10FFFF. */
static void
test_invalid_utf8_escaped(void **state)
{
    (void) state;
    expect_escaped("\x80", "\\x80");
    expect_escaped("\xe2\x82", "\\xe2\\x82");
    expect_escaped("\xc0\xaf", "\\xc0\\xaf");
    expect_escaped("\xed\xa0\x80", "\\xed\\xa0\\x80");
    expect_escaped("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
    expect_escaped("\xff", "\\xff");
}

/* Invisible characters that reorder or break text: RLO (U+202E), LINE
   SEPARATOR (U+2028), ZERO WIDTH SPACE (U+200B), BOM. */
static void
test_invisible_escaped(void **state)
{
    (void) state;
    expect_escaped("\xe2\x80\xae" "evil", "\\xe2\\x80\\xae" "evil");
    expect_escaped("\xe2\x80\xa8", "\\xe2\\x80\\xa8");
    expect_escaped("\xe2\x80\x8b", "\\xe2\\x80\\x8b");
    expect_escaped("\xef\xbb\xbf", "\\xef\\xbb\\xbf");
}

/* Output is bounded and never ends inside a character or an escape. */
static void
test_truncation(void **state)
{
    char out[8];

    (void) state;
    pamaws_escape("abcdefghij", out, sizeof(out));
    assert_string_equal(out, "abcdefg");
    pamaws_escape("abcde\x1b", out, sizeof(out));
    assert_string_equal(out, "abcde");
    pamaws_escape("abcde\xc3\xa9", out, sizeof(out));
    assert_string_equal(out, "abcde\xc3\xa9");
    pamaws_escape("abcdef\xc3\xa9", out, sizeof(out));
    assert_string_equal(out, "abcdef");
    pamaws_escape("\x1b", out, 1);
    assert_string_equal(out, "");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_printable_text_kept),
        cmocka_unit_test(test_controls_escaped),
        cmocka_unit_test(test_invalid_utf8_escaped),
        cmocka_unit_test(test_invisible_escaped),
        cmocka_unit_test(test_truncation),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
