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
#include "config/cfg.h"
#include "net/net.h"
#include "providers/provider.h"

#define METHOD "assume-role"
#define MFA_CODE_MAX 64
#define KEY_ITEMS_MAX 8
/* The key's items, each member of its lists, RoleSessionName and
   TokenCode. */
#define PARAMS_MAX (KEY_ITEMS_MAX + 3 * AWSCRED_MAX_SESSION_TAGS + 2)

/* What the profile asks for (only the role profile's own keys count). */
struct role_config {
    const char *role_arn;
    const char *source_profile;
    const char *credential_source;
    const char *external_id;
    const char *mfa_serial;
    const char *session_name;  /* configured (or the context's), or NULL */
    const char *source_identity;
    /* awscred_context_set_assume_role(), for the requested profile */
    const char *const *tags;  /* key, value, ... */
    size_t ntags;
    const char *const *transitive;
    size_t ntransitive;
    bool have_duration;
    long long duration;
};

/* The profile's role_arn, or the context's for the requested profile
   (a source profile loops back to it only as an error). */
static const char *
role_arn_of(const struct resolver *r, const char *profile,
            const struct cfg_section *prof)
{
    if (r->ctx->assume.role_arn != NULL && strcmp(profile, r->profile) == 0)
        return r->ctx->assume.role_arn;
    return cfg_get(prof, "role_arn");
}

/* botocore _get_role_config: both or neither source is an error. */
static enum provider_outcome
read_role_config(const struct resolver *r, const char *profile,
                 const struct cfg_section *prof, struct role_config *rc,
                 struct awscred_error *err)
{
    const char *duration = cfg_get(prof, "duration_seconds");

    memset(rc, 0, sizeof(*rc));
    rc->role_arn = role_arn_of(r, profile, prof);
    rc->source_profile = cfg_get(prof, "source_profile");
    rc->credential_source = cfg_get(prof, "credential_source");
    rc->external_id = cfg_get(prof, "external_id");
    rc->mfa_serial = cfg_get(prof, "mfa_serial");
    rc->session_name = cfg_get(prof, "role_session_name");
    if (rc->session_name == NULL)
        rc->session_name = r->ctx->session_name;
    rc->source_identity = cfg_get(prof, "source_identity");
    if (strcmp(profile, r->profile) == 0) {
        if (r->ctx->assume.source_identity != NULL)
            rc->source_identity = r->ctx->assume.source_identity;
        if (r->ctx->assume.mfa_serial != NULL)
            rc->mfa_serial = r->ctx->assume.mfa_serial;
        rc->tags = (const char *const *) r->ctx->assume.tags;
        rc->ntags = r->ctx->assume.ntags;
        rc->transitive = (const char *const *) r->ctx->assume.transitive;
        rc->ntransitive = r->ctx->assume.ntransitive;
    }
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

/* The list arguments of AssumeRole, in the key and the request after the
   others: Tags and TransitiveTagKeys. */
static size_t
key_lists(const struct role_config *rc, struct cache_key_list *lists)
{
    size_t n = 0;

    if (rc->ntags > 0)
        lists[n++] = (struct cache_key_list){"Tags", rc->tags,
                                             2 * rc->ntags, true};
    if (rc->ntransitive > 0)
        lists[n++] = (struct cache_key_list){"TransitiveTagKeys",
                                             rc->transitive, rc->ntransitive,
                                             false};
    return n;
}

/* The role session's cache key (the items and the lists). */
static enum awscred_status
role_cache_key(struct resolver *r, const struct role_config *rc, char key[41],
               struct awscred_error *err)
{
    struct cache_key_item items[KEY_ITEMS_MAX];
    struct cache_key_list lists[2];

    return cache_key_lists(r->ctx, items, key_items(rc, items), lists,
                           key_lists(rc, lists), CACHE_KEY_SPACED, key, err);
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
    struct cache_key_item items[KEY_ITEMS_MAX];
    struct cache_key_list lists[2];
    struct net_sts_param params[PARAMS_MAX];
    struct net_sts_call call = {"AssumeRole", METHOD, params, 0, src};
    char default_name[64], duration[24], code[MFA_CODE_MAX] = "";
    /* "Tags.member.50.Value", "TransitiveTagKeys.member.50" */
    char names[3 * AWSCRED_MAX_SESSION_TAGS][64];
    size_t i, j, n = key_items(rc, items), nlists = key_lists(rc, lists);
    size_t named = 0;
    enum provider_outcome outcome = PROVIDER_FAILED;

    /* The key's items are the request's parameters; the one number among
       them is DurationSeconds. A list is one parameter per member,
       numbered from 1. */
    snprintf(duration, sizeof(duration), "%lld", rc->duration);
    for (i = 0; i < n; i++) {
        params[i].name = items[i].name;
        params[i].value = items[i].str != NULL ? items[i].str : duration;
    }
    for (i = 0; i < nlists; i++) {
        for (j = 0; j < lists[i].n; j++, named++) {
            if (lists[i].pairs)
                snprintf(names[named], sizeof(names[0]),
                         "%s.member.%zu.%s", lists[i].name, j / 2 + 1,
                         j % 2 == 0 ? "Key" : "Value");
            else
                snprintf(names[named], sizeof(names[0]), "%s.member.%zu",
                         lists[i].name, j + 1);
            params[n++] = (struct net_sts_param){names[named],
                                                 lists[i].list[j]};
        }
    }
    if (rc->session_name == NULL) {
        /* botocore _generate_assume_role_name */
        snprintf(default_name, sizeof(default_name), "botocore-session-%lld",
                 (long long) ctx_now(r->ctx));
        params[n++] = (struct net_sts_param){"RoleSessionName", default_name};
    }
    if (rc->mfa_serial != NULL) {
        if (net_mfa_code(r, METHOD, rc->mfa_serial, code, sizeof(code), err)
            != AWSCRED_OK)
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

/* AWSCRED_FLAG_MFA_ROLE_SESSION: the code goes to GetSessionToken with
   the source's long-term keys; the role is assumed from the session,
   which the context keeps for awscred_context_take_mfa_session(). */
static enum provider_outcome
assume_through_session(struct resolver *r, struct role_config *rc,
                       const struct awscred_credentials *src,
                       const char *cache_key,
                       struct awscred_credentials **out,
                       struct awscred_error *err)
{
    struct awscred_credentials *session = NULL;
    enum provider_outcome outcome;

    if (net_sts_session_token(r, rc->mfa_serial, src, &session, err)
        != AWSCRED_OK)
        return PROVIDER_FAILED;
    rc->mfa_serial = NULL;  /* the session carries MFA */
    outcome = assume_role(r, rc, session, cache_key, out, err);
    if (outcome == PROVIDER_FOUND) {
        awscred_credentials_free(r->ctx->mfa_session);
        r->ctx->mfa_session = session;
        session = NULL;
    }
    awscred_credentials_free(session);
    return outcome;
}

static enum provider_outcome
load(struct resolver *r, const char *profile, struct awscred_credentials **out,
     struct awscred_error *err)
{
    const struct cfg_section *prof = cfg_profile(r->cfg, profile);
    struct awscred_credentials *src = NULL;
    struct role_config rc;
    char key[41];
    enum provider_outcome outcome;
    bool fresh;

    /* botocore _has_assume_role_config_vars */
    if (role_arn_of(r, profile, prof) == NULL
        || cfg_get(prof, "web_identity_token_file") != NULL)
        return PROVIDER_SKIP;
    outcome = read_role_config(r, profile, prof, &rc, err);
    if (outcome != PROVIDER_FOUND)
        return outcome;
    if (role_cache_key(r, &rc, key, err) != AWSCRED_OK)
        return PROVIDER_FAILED;
    /* awscred_context_set_source_credentials: an MFA session is the
       first hop; no code, no cache */
    if (r->ctx->source != NULL && strcmp(profile, r->profile) == 0) {
        rc.mfa_serial = NULL;
        r->ctx->source_used = true;
        return assume_role(r, &rc, r->ctx->source, NULL, out, err);
    }
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
    /* An MFA session (awscred_context_set_mfa_session) sends its code. */
    fresh = r->ctx->mfa_session_s > 0 && rc.mfa_serial != NULL
            && strcmp(profile, r->profile) == 0;
    *out = NULL;
    if (!fresh && cache_load(r->ctx, key, METHOD, out, err) != AWSCRED_OK)
        outcome = PROVIDER_FAILED;
    else if (*out != NULL)
        outcome = PROVIDER_FOUND;
    else if (src == NULL)
        outcome = source_credentials(r, profile, &rc, &src, err);
    if (*out == NULL && outcome == PROVIDER_FOUND) {
        if (fresh && (r->ctx->flags & AWSCRED_FLAG_MFA_ROLE_SESSION)
            && src->session_token == NULL)
            outcome = assume_through_session(r, &rc, src, key, out, err);
        else
            outcome = assume_role(r, &rc, src, key, out, err);
    }
    awscred_credentials_free(src);
    return outcome;
}

const struct provider provider_assume_role = {METHOD, load};
