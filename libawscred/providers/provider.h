/*
 * provider.h: the interface between the resolver (resolve/) and the
 * providers (one file each in providers/): a provider's outcome and entry
 * point, the providers themselves, and the resolver's two up-calls the
 * assume-role provider makes. The state of one resolution they share,
 * struct resolver, is config/cfg.h's (the network layer reads it too).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_PROVIDERS_PROVIDER_H
#define AWSCRED_PROVIDERS_PROVIDER_H 1

#include <stdbool.h>
#include <stddef.h>

#include "awscred.h"
#include "config/cfg.h"

#pragma GCC visibility push(hidden)

enum provider_outcome {
    PROVIDER_FOUND,    /* *out holds credentials */
    PROVIDER_SKIP,     /* not configured for this provider: next one */
    PROVIDER_FAILED,   /* an error that stops the chain, as in the CLI */
};

/*
 * One credential provider. load() looks at the resolver's profile (or
 * profile when resolving a source_profile) and returns an outcome. On
 * PROVIDER_FOUND it sets *out; on PROVIDER_FAILED it fills err.
 */
struct provider {
    const char *method;  /* botocore credentials.method, e.g. "env" */
    enum provider_outcome (*load)(struct resolver *r, const char *profile,
                                  struct awscred_credentials **out,
                                  struct awscred_error *err);
};

extern const struct provider provider_env;
extern const struct provider provider_assume_role;
extern const struct provider provider_web_identity;
extern const struct provider provider_sso;
extern const struct provider provider_shared_file;
extern const struct provider provider_login;
extern const struct provider provider_process;
extern const struct provider provider_config_file;
extern const struct provider provider_ec2_file;
extern const struct provider provider_boto;
extern const struct provider provider_container;
extern const struct provider provider_imds;

/*
 * The resolver's two up-calls, for the assume-role provider only
 * (providers/assume_role.c), implemented by resolve/resolve.c: every
 * other dependency runs from resolve/ down to providers/, whose shared
 * code is providers/common.[ch]. They are declared here, with the
 * interface resolve/ drives, so that providers/ needs no header of
 * resolve/.
 *
 * Resolves the credentials of a source_profile: the profile providers
 * (web identity with env off, SSO, credentials file, process, config
 * file), or a nested assume-role when the profile has role_arn and no
 * static keys. Handles loop detection on r->visited.
 */
enum provider_outcome resolve_source_profile(struct resolver *r,
                                             const char *profile,
                                             struct awscred_credentials **out,
                                             struct awscred_error *err);
/* credential_source = Environment | Ec2InstanceMetadata | EcsContainer. */
enum provider_outcome resolve_credential_source(struct resolver *r,
                                                const char *profile,
                                                const char *source,
                                                struct awscred_credentials **out,
                                                struct awscred_error *err);

#pragma GCC visibility pop
#endif /* AWSCRED_PROVIDERS_PROVIDER_H */
