/*
 * secret.h: the one way secrets are wiped and freed, for the library, the
 * module, the worker and the command alike.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_COMMON_SECRET_H
#define AWSCRED_COMMON_SECRET_H 1

#include <stddef.h>

#pragma GCC visibility push(hidden)

/* Overwrites n bytes in a way the compiler keeps. NULL is fine. */
void secret_wipe(void *p, size_t n);
/* Wipes a NUL-terminated string and frees it. NULL is fine. */
void secret_free(char *s);
/* Wipes and frees a buffer of n bytes. NULL is fine. */
void secret_free_n(void *p, size_t n);

#pragma GCC visibility pop
#endif /* AWSCRED_COMMON_SECRET_H */
