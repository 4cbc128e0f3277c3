/*
 * The assume-role provider (botocore AssumeRoleProvider): a profile with
 * role_arn gets its source credentials from source_profile (any depth,
 * through resolve_source_profile) or credential_source, then calls STS
 * AssumeRole, behind the AWS CLI's ~/.aws/cli/cache
 * (doc/credential-chain.md sections 2.4, 3.3-3.5, 4.1).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache.h"
#include "net/net.h"

#define METHOD "assume-role"
#define MFA_CODE_MAX 64

/* What the profile asks for (only the role profile's own keys count). */
struct role_config {
    const char *role_arn;
    const char *source_profile;
    const char *credential_source;
    const char *external_id;
    const char *mfa_serial;
    const char *session_name;  /* configured (or the context's), or NULL */
    const char *source_identity;
    bool have_duration;
    long long duration;
};

/* botocore _get_role_config: both or neither source is an error. */
static enum provider_outcome
read_role_config(const struct resolver *r, const char *profile,
                 const struct cfg_section *prof, struct role_config *rc,
                 struct awscred_error *err)
{
    const char *duration = cfg_get(prof, "duration_seconds");

    memset(rc, 0, sizeof(*rc));
    rc->role_arn = cfg_get(prof, "role_arn");
    rc->source_profile = cfg_get(prof, "source_profile");
    rc->credential_source = cfg_get(prof, "credential_source");
    rc->external_id = cfg_get(prof, "external_id");
    rc->mfa_serial = cfg_get(prof, "mfa_serial");
    rc->session_name = cfg_get(prof, "role_session_name");
    if (rc->session_name == NULL)
        rc->session_name = r->ctx->session_name;
    rc->source_identity = cfg_get(prof, "source_identity");
    if (duration != NULL)
        rc->have_duration = py_int(duration, &rc->duration);
    if (rc->source_profile != NULL && rc->credential_source != NULL) {
        error_set(err, AWSCRED_ERR_INVALID_CONFIG, METHOD, NULL,
                  "The profile \"%s\" contains both source_profile and "
                  "credential_source.",
                  profile);
        return PROVIDER_FAILED;
    }
    if (rc->source_profile == NULL && rc->credential_source == NULL) {
        error_set(err, AWSCRED_ERR_PARTIAL, METHOD, NULL,
                  "Partial credentials found in assume-role, missing: "
                  "source_profile or credential_source");
        return PROVIDER_FAILED;
    }
    /* Checked here too, so a cache hit does not hide it. */
    if (rc->source_profile != NULL
        && cfg_profile(r->cfg, rc->source_profile) == NULL) {
        error_set(err, AWSCRED_ERR_INVALID_CONFIG, METHOD, NULL,
                  "The source_profile \"%s\" referenced in the profile "
                  "\"%s\" does not exist.",
                  rc->source_profile, profile);
        return PROVIDER_FAILED;
    }
    return PROVIDER_FOUND;
}

/* The MFA code, asked through the context (the terminal in the command,
   the PAM conversation in the module). */
static enum provider_outcome
ask_mfa_code(const struct resolver *r, const char *serial, char *code,
             size_t size, struct awscred_error *err)
{
    char prompt[512];

    snprintf(prompt, sizeof(prompt), "Enter MFA code for %s: ", serial);
    if (r->ctx->prompt == NULL
        || r->ctx->prompt(r->ctx->prompt_arg, prompt, 0, code, size) != 0) {
        error_set(err, AWSCRED_ERR_RETRIEVAL, METHOD, NULL,
                  "Profile \"%s\" needs an MFA code for %s, but there is no "
                  "way to ask for it here",
                  r->profile, serial);
        return PROVIDER_FAILED;
    }
    return PROVIDER_FOUND;
}

/* The AssumeRole arguments that also make the cache key
   (BaseAssumeRoleCredentialFetcher._create_cache_key), in botocore's order
   of _assume_kwargs, which is the order its parameter validation reports
   in: the profile's arguments, then RoleArn. */
static size_t
key_items(const struct role_config *rc, struct cache_key_item *items)
{
    size_t n = 0;

    if (rc->session_name != NULL)
        items[n++] = (struct cache_key_item){"RoleSessionName",
                                             rc->session_name, 0};
    if (rc->external_id != NULL)
        items[n++] = (struct cache_key_item){"ExternalId", rc->external_id, 0};
    if (rc->mfa_serial != NULL)
        items[n++] = (struct cache_key_item){"SerialNumber", rc->mfa_serial,
                                             0};
    if (rc->have_duration)
        items[n++] = (struct cache_key_item){"DurationSeconds", NULL,
                                             rc->duration};
    if (rc->source_identity != NULL)
        items[n++] = (struct cache_key_item){"SourceIdentity",
                                             rc->source_identity, 0};
    items[n++] = (struct cache_key_item){"RoleArn", rc->role_arn, 0};
    return n;
}

static enum provider_outcome
source_credentials(struct resolver *r, const char *profile,
                   const struct role_config *rc,
                   struct awscred_credentials **src, struct awscred_error *err)
{
    if (rc->credential_source != NULL)
        return resolve_credential_source(r, profile, rc->credential_source,
                                         src, err);
    return resolve_source_profile(r, rc->source_profile, src, err);
}

static enum provider_outcome
assume_role(struct resolver *r, const struct role_config *rc,
            const struct awscred_credentials *src, const char *cache_key,
            struct awscred_credentials **out, struct awscred_error *err)
{
    struct cache_key_item items[8];
    struct net_sts_param params[8];
    struct net_sts_call call = {"AssumeRole", METHOD, params, 0, src};
    char default_name[64], duration[24], code[MFA_CODE_MAX] = "";
    size_t i, n = key_items(rc, items);
    enum provider_outcome outcome = PROVIDER_FAILED;

    /* The key's items are the request's parameters; the one number among
       them is DurationSeconds. */
    snprintf(duration, sizeof(duration), "%lld", rc->duration);
    for (i = 0; i < n; i++) {
        params[i].name = items[i].name;
        params[i].value = items[i].str != NULL ? items[i].str : duration;
    }
    if (rc->session_name == NULL) {
        /* botocore _generate_assume_role_name */
        snprintf(default_name, sizeof(default_name), "botocore-session-%lld",
                 (long long) ctx_now(r->ctx));
        params[n++] = (struct net_sts_param){"RoleSessionName", default_name};
    }
    if (rc->mfa_serial != NULL) {
        if (ask_mfa_code(r, rc->mfa_serial, code, sizeof(code), err)
            != PROVIDER_FOUND)
            goto done;
        params[n++] = (struct net_sts_param){"TokenCode", code};
    }
    call.nparams = n;
    if (net_sts_credentials(r, &call, cache_key, out, err) == AWSCRED_OK)
        outcome = PROVIDER_FOUND;
done:
    secret_wipe(code, sizeof(code));
    return outcome;
}

static enum provider_outcome
load(struct resolver *r, const char *profile, struct awscred_credentials **out,
     struct awscred_error *err)
{
    const struct cfg_section *prof = cfg_profile(r->cfg, profile);
    struct awscred_credentials *src = NULL;
    struct cache_key_item items[8];
    struct role_config rc;
    char key[41];
    enum provider_outcome outcome;

    /* botocore _has_assume_role_config_vars */
    if (cfg_get(prof, "role_arn") == NULL
        || cfg_get(prof, "web_identity_token_file") != NULL)
        return PROVIDER_SKIP;
    outcome = read_role_config(r, profile, prof, &rc, err);
    if (outcome != PROVIDER_FOUND)
        return outcome;
    if (cache_key(r->ctx, items, key_items(&rc, items), CACHE_KEY_SPACED, key,
                  err)
        != AWSCRED_OK)
        return PROVIDER_FAILED;
    /*
     * The CLI fetches a credential_source eagerly (so its errors show even
     * when the role is cached), but a source_profile role lazily: a cached
     * role then needs no call for its source, nor an MFA code.
     */
    if (rc.credential_source != NULL) {
        outcome = source_credentials(r, profile, &rc, &src, err);
        if (outcome != PROVIDER_FOUND)
            return outcome;
    }
    if (cache_load(r->ctx, key, METHOD, out, err) != AWSCRED_OK)
        outcome = PROVIDER_FAILED;
    else if (*out != NULL)
        outcome = PROVIDER_FOUND;
    else if (src == NULL)
        outcome = source_credentials(r, profile, &rc, &src, err);
    if (*out == NULL && outcome == PROVIDER_FOUND)
        outcome = assume_role(r, &rc, src, key, out, err);
    awscred_credentials_free(src);
    return outcome;
}

const struct provider provider_assume_role = {METHOD, load};
