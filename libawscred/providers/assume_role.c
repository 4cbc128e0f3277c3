/*
 * The assume-role provider: role_arn with source_profile or credential_source.
 * Not implemented yet: configured profiles fall through to the next
 * provider.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "internal.h"

static enum provider_outcome
load(struct resolver *r, const char *profile, struct awscred_credentials **out,
     struct awscred_error *err)
{
    (void) r;
    (void) profile;
    (void) out;
    (void) err;
    return PROVIDER_SKIP;
}

const struct provider provider_assume_role = {"assume-role", load};
