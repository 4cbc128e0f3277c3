/*
 * strings.c: string helpers, and secrets that are wiped before their
 * memory goes back to the allocator.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

char *
xstrdup(const char *s)
{
    return s != NULL ? strdup(s) : NULL;
}

char *
xstrndup(const char *s, size_t n)
{
    return s != NULL ? strndup(s, n) : NULL;
}

char *
xasprintf(const char *fmt, ...)
{
    char *out = NULL;
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(&out, fmt, ap) < 0)
        out = NULL;
    va_end(ap);
    return out;
}

void
awscred_free_secret(char *secret)
{
    secret_free(secret);
}

struct awscred_credentials *
credentials_new(void)
{
    return calloc(1, sizeof(struct awscred_credentials));
}

void
awscred_credentials_free(struct awscred_credentials *creds)
{
    if (creds == NULL)
        return;
    secret_free(creds->access_key_id);
    secret_free(creds->secret_access_key);
    secret_free(creds->session_token);
    free(creds->account_id);
    free(creds->region);
    free(creds->profile);
    secret_wipe(creds, sizeof(*creds));
    free(creds);
}

bool
str_ieq(const char *a, const char *b)
{
    for (;; a++, b++) {
        unsigned char ca = (unsigned char) *a, cb = (unsigned char) *b;

        if (ca >= 'A' && ca <= 'Z')
            ca += 'a' - 'A';
        if (cb >= 'A' && cb <= 'Z')
            cb += 'a' - 'A';
        if (ca != cb)
            return false;
        if (ca == '\0')
            return true;
    }
}
