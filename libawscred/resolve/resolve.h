/*
 * resolve.h: the provider chains the resolver (resolve/resolve.c) walks,
 * in botocore's order (resolve/chain.c).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_RESOLVE_RESOLVE_H
#define AWSCRED_RESOLVE_RESOLVE_H 1

#include "providers/provider.h"

#pragma GCC visibility push(hidden)

/* The chains, NULL-terminated (chain.c). */
extern const struct provider *const chain_default[];
extern const struct provider *const chain_source_profile[];

#pragma GCC visibility pop
#endif /* AWSCRED_RESOLVE_RESOLVE_H */
