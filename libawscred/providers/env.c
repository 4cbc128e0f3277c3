/*
 * The environment provider (botocore EnvProvider, method "env"):
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, a token from
 * AWS_SECURITY_TOKEN before AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION
 * and AWS_ACCOUNT_ID. Empty values count as unset, as in botocore.
 * The resolver leaves this provider out when --profile was given.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <string.h>

#include "config/cfg.h"
#include "providers/common.h"
#include "providers/provider.h"

/* botocore's TOKENS order: the legacy name wins when both are set. */
static const char *const token_vars[] = {"AWS_SECURITY_TOKEN",
                                         "AWS_SESSION_TOKEN"};

static const char *
session_token(const struct awscred_context *ctx)
{
    for (size_t i = 0; i < sizeof(token_vars) / sizeof(token_vars[0]); i++) {
        const char *token = ctx_getenv_nonempty(ctx, token_vars[i]);

        if (token != NULL)
            return token;
    }
    return NULL;
}

/* AWS_CREDENTIAL_EXPIRATION, parsed as dateutil would; 0 when unset. */
static enum awscred_status
expiration(const struct awscred_context *ctx, struct time_value *out,
           struct awscred_error *err)
{
    const char *value = ctx_getenv_nonempty(ctx, "AWS_CREDENTIAL_EXPIRATION");

    memset(out, 0, sizeof(*out));
    if (value == NULL)
        return AWSCRED_OK;
    if (time_parse_value(value, out) != 0)
        return error_set(err, AWSCRED_ERR_INVALID_CONFIG, "env",
                         "AWS_CREDENTIAL_EXPIRATION",
                         "Unknown string format: %s", value);
    return AWSCRED_OK;
}

static enum provider_outcome
load(struct resolver *r, const char *profile, struct awscred_credentials **out,
     struct awscred_error *err)
{
    const struct awscred_context *ctx = r->ctx;
    const char *key = ctx_getenv_nonempty(ctx, "AWS_ACCESS_KEY_ID");
    const char *secret = ctx_getenv_nonempty(ctx, "AWS_SECRET_ACCESS_KEY");
    const char *token = session_token(ctx);
    const char *account = ctx_getenv_nonempty(ctx, "AWS_ACCOUNT_ID");
    struct time_value expires;

    (void) profile;
    if (key == NULL)
        return PROVIDER_SKIP;
    if (secret == NULL) {
        error_set(err, AWSCRED_ERR_PARTIAL, "env", "AWS_SECRET_ACCESS_KEY",
                  "Partial credentials found in env, missing: "
                  "AWS_SECRET_ACCESS_KEY");
        return PROVIDER_FAILED;
    }
    if (expiration(ctx, &expires, err) != AWSCRED_OK)
        return PROVIDER_FAILED;
    if (provider_credentials("env", key, secret, token, account,
                             expires.seconds, out, err) != PROVIDER_FOUND)
        return PROVIDER_FAILED;
    (*out)->expiration_usec = expires.usec;
    (*out)->expiration_offset = expires.offset;
    return PROVIDER_FOUND;
}

const struct provider provider_env = {"env", load};
