/*
 * Static keys from the config file (botocore ConfigProvider, method
 * "config-file"): only the config file's [default] or [profile NAME]
 * section, after credential_process in the chain.
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
    const struct cfg_section *s = cfg_config_profile(r->cfg, profile);

    if (s == NULL)
        return PROVIDER_SKIP;
    return provider_static_keys(s, "config-file", out, err);
}

const struct provider provider_config_file = {"config-file", load};
