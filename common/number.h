/*
 * number.h: the one strict decimal parser, for option values, the worker
 * request and result, and the command's arguments alike.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_COMMON_NUMBER_H
#define AWSCRED_COMMON_NUMBER_H 1

#include <stdbool.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

/*
 * Parses s as base-10 digits only: at least one, no sign, no white space,
 * no "0x", nothing after them (leading zeros are fine). Refuses a value
 * above max without ever overflowing. Sets *out only on success.
 */
bool number_parse(const char *s, uint64_t max, uint64_t *out);

/* The same with one optional leading '-': |value| <= max, max at most
   INT64_MAX. For numbers we write ourselves (%lld). */
bool number_parse_signed(const char *s, uint64_t max, int64_t *out);

#pragma GCC visibility pop
#endif /* AWSCRED_COMMON_NUMBER_H */
