/*
 * Static keys from the shared credentials file (botocore
 * SharedCredentialProvider, method "shared-credentials-file"). Only the
 * credentials file's own section counts here, named raw ([dev], not
 * [profile dev]); it beats credential_process, while the config file's
 * keys (config_file.c) come after it.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include "config/cfg.h"
#include "providers/common.h"
#include "providers/provider.h"

static enum provider_outcome
load(struct resolver *r, const char *profile, struct awscred_credentials **out,
     struct awscred_error *err)
{
    const struct cfg_section *s = cfg_credentials_profile(r->cfg, profile);

    if (s == NULL)
        return PROVIDER_SKIP;
    return provider_static_keys(s, "shared-credentials-file", out, err);
}

const struct provider provider_shared_file = {"shared-credentials-file", load};
