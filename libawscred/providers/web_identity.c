/*
 * The web identity provider (botocore AssumeRoleWithWebIdentityProvider):
 * a token file and a role ARN, from AWS_WEB_IDENTITY_TOKEN_FILE,
 * AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME unless the profile was named
 * explicitly (or this is a source_profile), else from the profile's
 * web_identity_token_file, role_arn and role_session_name. The STS call
 * is unsigned; the result goes through the AWS CLI's cache
 * (doc/credential-chain.md sections 2.5, 4.1).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cache/cache.h"
#include "config/cfg.h"
#include "net/net.h"
#include "providers/provider.h"

#define METHOD "assume-role-with-web-identity"

struct setting {
    const char *key;
    const char *env;
};

static const struct setting token_file_setting = {
    "web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE"};
static const struct setting role_arn_setting = {"role_arn", "AWS_ROLE_ARN"};
static const struct setting session_setting = {"role_session_name",
                                               "AWS_ROLE_SESSION_NAME"};

/* Environment first (when allowed; set but empty counts), then the
   profile. */
static const char *
setting_value(const struct resolver *r, const struct cfg_section *prof,
              bool env_allowed, const struct setting *s)
{
    const char *v = env_allowed ? ctx_getenv(r->ctx, s->env) : NULL;

    return v != NULL ? v : cfg_get(prof, s->key);
}

static enum provider_outcome
read_token(const struct resolver *r, const char *path, char **token,
           size_t *len, struct awscred_error *err)
{
    if (file_read(r->ctx, path, "web identity token file", token, len, err)
        != AWSCRED_OK)
        return PROVIDER_FAILED;
    if (*token == NULL) {
        error_set(err, AWSCRED_ERR_FILE, METHOD, path,
                  "[Errno 2] No such file or directory: '%s'", path);
        return PROVIDER_FAILED;
    }
    return PROVIDER_FOUND;
}

static enum provider_outcome
load(struct resolver *r, const char *profile, struct awscred_credentials **out,
     struct awscred_error *err)
{
    const struct cfg_section *prof = cfg_profile(r->cfg, profile);
    /* botocore: disable_env_vars for an explicit profile and for source
       profiles (visited after the chain's first profile). */
    bool env_allowed = !r->profile_explicit && r->nvisited <= 1;
    const char *path = setting_value(r, prof, env_allowed, &token_file_setting);
    const char *role_arn, *session;
    struct cache_key_item items[2];
    struct net_sts_param params[3];
    struct net_sts_call call = {"AssumeRoleWithWebIdentity", METHOD, params,
                                0, NULL};
    char key[41], default_name[64], *token = NULL;
    size_t n = 0, token_len = 0;
    bool generated;
    enum provider_outcome outcome = PROVIDER_FAILED;

    if (path == NULL || path[0] == '\0')
        return PROVIDER_SKIP;
    role_arn = setting_value(r, prof, env_allowed, &role_arn_setting);
    if (role_arn == NULL || role_arn[0] == '\0') {
        error_set(err, AWSCRED_ERR_INVALID_CONFIG, METHOD, NULL,
                  "The provided profile or the current environment is "
                  "configured to assume role with web identity but has no "
                  "role ARN configured. Ensure that the profile has the "
                  "role_arnconfiguration set or the AWS_ROLE_ARN env var is "
                  "set.");
        return PROVIDER_FAILED;
    }
    session = setting_value(r, prof, env_allowed, &session_setting);
    items[n++] = (struct cache_key_item){"RoleArn", role_arn, 0};
    if (session != NULL)
        items[n++] = (struct cache_key_item){"RoleSessionName", session, 0};
    if (cache_key(r->ctx, items, n, CACHE_KEY_SPACED, key, err) != AWSCRED_OK
        || cache_load(r->ctx, key, METHOD, out, err) != AWSCRED_OK)
        return PROVIDER_FAILED;
    if (*out != NULL)
        return PROVIDER_FOUND;
    generated = session == NULL;
    if (generated) {
        snprintf(default_name, sizeof(default_name), "botocore-session-%lld",
                 (long long) ctx_now(r->ctx));
        session = default_name;
    }
    /* The token is read raw (no strip) on every call, as botocore does. */
    if (read_token(r, path, &token, &token_len, err) != PROVIDER_FOUND)
        goto done;
    /* botocore's order of the arguments: a configured session name comes
       before RoleArn, a generated one after (parameter validation reports
       in this order). */
    params[generated] = (struct net_sts_param){"RoleSessionName", session};
    params[!generated] = (struct net_sts_param){"RoleArn", role_arn};
    params[2] = (struct net_sts_param){"WebIdentityToken", token};
    call.nparams = 3;
    if (net_sts_credentials(r, &call, key, out, err) == AWSCRED_OK)
        outcome = PROVIDER_FOUND;
done:
    if (token != NULL)
        secret_free_n(token, token_len + 1);
    return outcome;
}

const struct provider provider_web_identity = {METHOD, load};
