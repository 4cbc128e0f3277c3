/*
 * Container credentials (ECS, EKS Pod Identity).
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

const struct provider provider_container = {"container-role", load};
