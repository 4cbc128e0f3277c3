/*
 * number.c: strict decimal parsing (number.h). strtol and friends accept
 * white space, a sign, "0x" with base 0 and report overflow through errno;
 * every caller had to fence them in, each a little differently.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stddef.h>

#include "common/number.h"

bool
number_parse(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t n = 0;

    if (s == NULL || *s == '\0')
        return false;
    for (; *s != '\0'; s++) {
        unsigned d = (unsigned) (*s - '0');

        if (*s < '0' || *s > '9')
            return false;
        /* n * 10 + d <= max, without computing n * 10 */
        if (d > max || n > (max - d) / 10)
            return false;
        n = n * 10 + d;
    }
    *out = n;
    return true;
}

bool
number_parse_signed(const char *s, uint64_t max, int64_t *out)
{
    bool negative = s != NULL && *s == '-';
    uint64_t n;

    if (max > INT64_MAX || !number_parse(negative ? s + 1 : s, max, &n))
        return false;
    *out = negative ? -(int64_t) n : (int64_t) n;
    return true;
}
