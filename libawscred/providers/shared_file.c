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

#include "internal.h"

/* botocore TOKENS order for files. */
static const char *const token_keys[] = {"aws_security_token",
                                         "aws_session_token"};

static const char *
token_of(const struct cfg_section *s)
{
    for (size_t i = 0; i < sizeof(token_keys) / sizeof(token_keys[0]); i++) {
        const char *token = cfg_get(s, token_keys[i]);

        if (token != NULL)
            return token;
    }
    return NULL;
}

enum provider_outcome
provider_static_keys(const struct cfg_section *s, const char *method,
                     struct awscred_credentials **out,
                     struct awscred_error *err)
{
    const char *key = cfg_get(s, "aws_access_key_id");
    const char *secret = cfg_get(s, "aws_secret_access_key");
    const char *token = token_of(s);
    const char *account = cfg_get(s, "aws_account_id");

    if (key == NULL)
        return PROVIDER_SKIP;
    if (secret == NULL) {
        error_set_line(err, AWSCRED_ERR_PARTIAL, cfg_section_file(s),
                       cfg_key_line(s, "aws_access_key_id"),
                       "Partial credentials found in %s, missing: "
                       "aws_secret_access_key", method);
        return PROVIDER_FAILED;
    }
    return provider_credentials(method, key, secret, token, account, 0, out,
                                err);
}

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
