/*
 * test_number.c: the strict decimal parser (common/number.c) that option
 * values, the worker's request and result and the command's arguments go
 * through: what it accepts, what it refuses, and that a refusal leaves the
 * output alone.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "common/number.h"

static void
test_plain_digits_are_read(void **state)
{
    uint64_t n = 7;

    (void) state;
    assert_true(number_parse("0", 10, &n));
    assert_int_equal(n, 0);
    assert_true(number_parse("3600", UINT32_MAX, &n));
    assert_int_equal(n, 3600);
    assert_true(number_parse("007", 10, &n));  /* as strtoul */
    assert_int_equal(n, 7);
}

static void
test_the_bound_is_inclusive(void **state)
{
    uint64_t n = 0;

    (void) state;
    assert_true(number_parse("999", 999, &n));
    assert_int_equal(n, 999);
    assert_false(number_parse("1000", 999, &n));
    assert_false(number_parse("5", 4, &n));
    assert_true(number_parse("0", 0, &n));
    assert_false(number_parse("1", 0, &n));
    assert_true(number_parse("18446744073709551615", UINT64_MAX, &n));
    assert_true(n == UINT64_MAX);
}

static void
test_overflow_is_refused_not_wrapped(void **state)
{
    uint64_t n = 42;

    (void) state;
    assert_false(number_parse("18446744073709551616", UINT64_MAX, &n));
    assert_false(number_parse("99999999999999999999999", UINT64_MAX, &n));
    assert_int_equal(n, 42);
}

static void
test_anything_but_digits_is_refused(void **state)
{
    static const char *const bad[] = {"",   " 1", "1 ",  "+1",  "-1",
                                      "0x10", "1e3", "1.5", "\t1", "1\n",
                                      "١"};
    uint64_t n = 42;

    (void) state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(number_parse(bad[i], UINT64_MAX, &n));
    assert_false(number_parse(NULL, UINT64_MAX, &n));
    assert_int_equal(n, 42);
}

static void
test_signed_takes_one_minus(void **state)
{
    int64_t n = 42;

    (void) state;
    assert_true(number_parse_signed("-1500", INT64_MAX, &n));
    assert_int_equal(n, -1500);
    assert_true(number_parse_signed("250", INT64_MAX, &n));
    assert_int_equal(n, 250);
    assert_true(number_parse_signed("-9223372036854775807", INT64_MAX, &n));
    assert_true(n == -INT64_MAX);
    n = 42;
    assert_false(number_parse_signed("--1", INT64_MAX, &n));
    assert_false(number_parse_signed("+1", INT64_MAX, &n));
    assert_false(number_parse_signed("-", INT64_MAX, &n));
    assert_false(number_parse_signed("9223372036854775808", INT64_MAX, &n));
    assert_false(number_parse_signed("1", (uint64_t) INT64_MAX + 1, &n));
    assert_int_equal(n, 42);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_digits_are_read),
        cmocka_unit_test(test_the_bound_is_inclusive),
        cmocka_unit_test(test_overflow_is_refused_not_wrapped),
        cmocka_unit_test(test_anything_but_digits_is_refused),
        cmocka_unit_test(test_signed_takes_one_minus),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
