/*
 * resolve.c: the resolver. Picks the profile the way AWS CLI v2 does
 * (--profile, AWS_PROFILE, AWS_DEFAULT_PROFILE, default), resolves the
 * region, walks chain_default with one loop, and follows source_profile
 * and credential_source for the assume-role provider
 * (doc/credential-chain.md sections 1, 2.1, 3.4).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock/clock.h"
#include "config/cfg.h"
#include "internal.h"
#include "net/net.h"
#include "providers/provider.h"
#include "resolve/resolve.h"

/* Where each setting may come from, in botocore's order. */
static const char *const profile_env_vars[] = {"AWS_PROFILE",
                                               "AWS_DEFAULT_PROFILE", NULL};
static const char *const region_env_vars[] = {"AWS_REGION",
                                              "AWS_DEFAULT_REGION", NULL};

/* botocore prints these lists with Python's repr() in `configure list`. */
#define PROFILE_ENV_REPR "['AWS_PROFILE', 'AWS_DEFAULT_PROFILE']"
#define REGION_ENV_REPR "['AWS_REGION', 'AWS_DEFAULT_REGION']"

/*
 * The first of names that is set in the environment. An empty value
 * counts as set, as in botocore's EnvironmentProvider ("name in environ").
 */
static const char *
first_env(const struct awscred_context *ctx, const char *const *names)
{
    for (size_t i = 0; names[i] != NULL; i++) {
        const char *value = ctx_getenv(ctx, names[i]);

        if (value != NULL)
            return value;
    }
    return NULL;
}

/*
 * The selected profile, or NULL when nothing names one (then "default"
 * is used, and may be absent without error). *explicit_flag says whether
 * it came from --profile; "--profile ''" names none, as in the AWS CLI
 * (clidriver sets the profile only when the option is true in Python).
 */
static const char *
named_profile(const struct awscred_context *ctx,
              const struct awscred_request *req, bool *explicit_flag)
{
    *explicit_flag = req != NULL && req->profile != NULL
                     && req->profile[0] != '\0';
    if (*explicit_flag)
        return req->profile;
    return first_env(ctx, profile_env_vars);
}

const char *
awscred_selected_profile(const struct awscred_context *ctx,
                         const struct awscred_request *req)
{
    bool explicit_flag;
    const char *name = named_profile(ctx, req, &explicit_flag);

    return name != NULL ? name : "default";
}

/* The region: --region, AWS_REGION, AWS_DEFAULT_REGION, profile region. */
static const char *
pick_region(const struct awscred_context *ctx,
            const struct awscred_request *req, const struct cfg_section *prof)
{
    const char *region = NULL;

    if (req != NULL && req->region != NULL)
        region = req->region;
    if (region == NULL)
        region = first_env(ctx, region_env_vars);
    if (region == NULL && prof != NULL)
        region = cfg_get(prof, "region");
    return region;
}

/*
 * Loads the files and selects the profile. A profile that was named (by
 * --profile or the environment) must exist, even when environment keys
 * are set: botocore looks it up before the chain runs.
 */
static enum awscred_status
resolver_init(struct resolver *r, struct awscred_context *ctx,
              const struct awscred_request *req, struct awscred_error *err)
{
    const char *named;
    enum awscred_status status;

    memset(r, 0, sizeof(*r));
    r->ctx = ctx;
    status = cfg_load(ctx, &r->cfg, err);
    if (status != AWSCRED_OK)
        return status;
    named = named_profile(ctx, req, &r->profile_explicit);
    r->profile = named != NULL ? named : "default";
    if (named != NULL && cfg_profile(r->cfg, named) == NULL)
        return error_set(err, AWSCRED_ERR_PROFILE_NOT_FOUND, NULL, NULL,
                         "The config profile (%s) could not be found", named);
    r->region = pick_region(ctx, req, cfg_profile(r->cfg, r->profile));
    r->visited[0] = r->profile;
    r->nvisited = 1;
    return AWSCRED_OK;
}

/* Walks the chain once; the first provider that answers wins. */
static enum awscred_status
walk_chain(struct resolver *r, const struct provider *const *chain,
           struct awscred_credentials **out, struct awscred_error *err)
{
    for (size_t i = 0; chain[i] != NULL; i++) {
        const struct provider *p = chain[i];
        enum provider_outcome outcome;

        /* --profile removes the environment provider (botocore
           create_credential_resolver); credential_source still uses it. */
        if (p == &provider_env && r->profile_explicit)
            continue;
        outcome = p->load(r, r->profile, out, err);
        if (outcome == PROVIDER_FAILED) {
            if (err != NULL && err->provider[0] == '\0')
                snprintf(err->provider, sizeof(err->provider), "%s",
                         p->method);
            return err != NULL ? err->status : AWSCRED_ERR_RETRIEVAL;
        }
        if (outcome == PROVIDER_FOUND) {
            if ((*out)->method == NULL)
                (*out)->method = p->method;
            ctx_log(r->ctx, 7, "credentials from %s for profile %s",
                    p->method, r->profile);
            return AWSCRED_OK;
        }
    }
    return error_set(err, AWSCRED_ERR_NO_CREDENTIALS, NULL, NULL,
                     "Unable to locate credentials");
}

static bool has_role_config(const struct cfg_section *profile);

/* The requested profile's mfa_serial: the context's, else its own. */
static const char *
mfa_serial_of(const struct resolver *r)
{
    if (r->ctx->assume.mfa_serial != NULL)
        return r->ctx->assume.mfa_serial;
    return cfg_get(cfg_profile(r->cfg, r->profile), "mfa_serial");
}

/*
 * awscred_context_set_mfa_session: long-term keys of a profile with
 * mfa_serial and no role become a GetSessionToken session. A role
 * profile sent its code with AssumeRole already (assume_role.c).
 */
static enum awscred_status
mfa_session(struct resolver *r, struct awscred_credentials **creds,
            struct awscred_error *err)
{
    const struct cfg_section *prof = cfg_profile(r->cfg, r->profile);
    const char *serial = mfa_serial_of(r);
    struct awscred_credentials *session = NULL;
    enum awscred_status status;

    if (r->ctx->mfa_session_s <= 0 || serial == NULL
        || (*creds)->session_token != NULL || r->ctx->assume.role_arn != NULL
        || has_role_config(prof))
        return AWSCRED_OK;
    status = net_sts_session_token(r, serial, *creds, &session, err);
    if (status != AWSCRED_OK)
        return status;
    if (session->region == NULL && (*creds)->region != NULL)
        session->region = xstrdup((*creds)->region);
    awscred_credentials_free(*creds);
    *creds = session;
    return AWSCRED_OK;
}

/* Copies the profile and region into the result (owned by creds). */
static enum awscred_status
finish_credentials(const struct resolver *r, struct awscred_credentials *c,
                   struct awscred_error *err)
{
    if (c->region == NULL && r->region != NULL && r->region[0] != '\0') {
        c->region = xstrdup(r->region);
        if (c->region == NULL)
            return error_set(err, AWSCRED_ERR_NOMEM, NULL, NULL,
                             "Out of memory");
    }
    if (c->profile == NULL && strcmp(c->method, "env") != 0) {
        c->profile = xstrdup(r->profile);
        if (c->profile == NULL)
            return error_set(err, AWSCRED_ERR_NOMEM, NULL, NULL,
                             "Out of memory");
    }
    /* botocore refreshes credentials that are expired when first used and
       fails if the refresh brings expired ones again. Judged by the
       server's clock when a response told us the offset (clock.c). */
    if (c->expiration != 0 && ctx_expired(r->ctx, c->expiration))
        return error_set(err, AWSCRED_ERR_EXPIRED, c->method, NULL,
                         "Credentials were refreshed, but the refreshed "
                         "credentials are still expired.");
    return AWSCRED_OK;
}

enum awscred_status
awscred_resolve(struct awscred_context *ctx, const struct awscred_request *req,
                struct awscred_credentials **out, struct awscred_error *err)
{
    struct resolver r;
    struct awscred_credentials *creds = NULL;
    enum awscred_status status;
    int64_t saved_deadline;

    error_clear(err);
    if (out == NULL)
        return error_set(err, AWSCRED_ERR_INVALID_ARG, NULL, NULL,
                         "awscred_resolve: out is NULL");
    *out = NULL;
    if (ctx == NULL)
        return error_set(err, AWSCRED_ERR_INVALID_ARG, NULL, NULL,
                         "awscred_resolve: ctx is NULL");
    /* The whole resolution runs under the context's total budget. */
    saved_deadline = ctx->deadline_ms;
    if (saved_deadline == 0 && ctx->limits.total_timeout_ms != 0)
        ctx->deadline_ms = ctx_monotonic_ms(ctx)
                           + ctx->limits.total_timeout_ms;
    ctx->source_used = false;
    awscred_credentials_free(ctx->mfa_session);
    ctx->mfa_session = NULL;
    status = resolver_init(&r, ctx, req, err);
    if (status != AWSCRED_OK)
        goto done;
    status = walk_chain(&r, chain_default, &creds, err);
    if (status != AWSCRED_OK)
        goto done;
    /* awscred_context_set_source_credentials: its role, or nothing */
    if (ctx->source != NULL && !ctx->source_used) {
        status = error_set(err, AWSCRED_ERR_INVALID_CONFIG, NULL, NULL,
                           "The profile \"%s\" assumes no role from the"
                           " source credentials given", r.profile);
        goto done;
    }
    status = mfa_session(&r, &creds, err);
    if (status != AWSCRED_OK)
        goto done;
    status = finish_credentials(&r, creds, err);
    if (status != AWSCRED_OK)
        goto done;
    *out = creds;
    creds = NULL;

done:
    ctx->deadline_ms = saved_deadline;
    awscred_credentials_free(creds);
    cfg_free(r.cfg);
    return status;
}

/* ---- source_profile and credential_source ----------------------------- */

static bool
has_static_keys(const struct cfg_section *profile)
{
    return cfg_get(profile, "aws_access_key_id") != NULL
           || cfg_get(profile, "aws_secret_access_key") != NULL;
}

/* True when profile would assume a role (botocore
   _has_assume_role_config_vars). */
static bool
has_role_config(const struct cfg_section *profile)
{
    return cfg_get(profile, "role_arn") != NULL
           && cfg_get(profile, "web_identity_token_file") == NULL;
}

static bool
was_visited(const struct resolver *r, const char *profile)
{
    for (size_t i = 0; i < r->nvisited; i++)
        if (strcmp(r->visited[i], profile) == 0)
            return true;
    return false;
}

/* "['a', 'b']": Python's repr() of the visited list, for the message. */
static void
visited_repr(const struct resolver *r, char *buf, size_t size)
{
    size_t used = 0;

    buf[0] = '\0';
    used += (size_t) snprintf(buf, size, "[");
    for (size_t i = 0; i < r->nvisited && used < size; i++)
        used += (size_t) snprintf(buf + used, size - used, "%s'%s'",
                                  i > 0 ? ", " : "", r->visited[i]);
    if (used < size)
        snprintf(buf + used, size - used, "]");
}

/*
 * botocore _validate_source_profile: the source must exist, and must not
 * have been visited, except a profile naming itself with static keys.
 * The parent is the last visited profile.
 */
static enum awscred_status
check_source_profile(const struct resolver *r, const char *source,
                     struct awscred_error *err)
{
    const char *parent = r->visited[r->nvisited - 1];
    const struct cfg_section *prof = cfg_profile(r->cfg, source);
    char visited[512];

    if (prof == NULL)
        return error_set(err, AWSCRED_ERR_INVALID_CONFIG, "assume-role", NULL,
                         "The source_profile \"%s\" referenced in the "
                         "profile \"%s\" does not exist.", source, parent);
    if (!was_visited(r, source))
        return AWSCRED_OK;
    if (strcmp(source, parent) == 0 && has_static_keys(prof))
        return AWSCRED_OK;
    visited_repr(r, visited, sizeof(visited));
    return error_set(err, AWSCRED_ERR_LOOP, "assume-role", NULL,
                     "Infinite loop in credential configuration detected. "
                     "Attempting to load from profile %s which has already "
                     "been visited. Visited profiles: %s", source, visited);
}

/* The profile providers (environment off) over one source profile. */
static enum provider_outcome
walk_source_chain(struct resolver *r, const char *profile,
                  struct awscred_credentials **out, struct awscred_error *err)
{
    for (size_t i = 0; chain_source_profile[i] != NULL; i++) {
        const struct provider *p = chain_source_profile[i];
        enum provider_outcome outcome = p->load(r, profile, out, err);

        if (outcome == PROVIDER_FOUND && (*out)->method == NULL)
            (*out)->method = p->method;
        if (outcome != PROVIDER_SKIP)
            return outcome;
    }
    error_set(err, AWSCRED_ERR_INVALID_CONFIG, "assume-role", NULL,
              "The source profile \"%s\" must have credentials.", profile);
    return PROVIDER_FAILED;
}

enum provider_outcome
resolve_source_profile(struct resolver *r, const char *profile,
                       struct awscred_credentials **out,
                       struct awscred_error *err)
{
    const struct cfg_section *prof;

    if (check_source_profile(r, profile, err) != AWSCRED_OK)
        return PROVIDER_FAILED;
    if (r->nvisited >= sizeof(r->visited) / sizeof(r->visited[0])
        || (r->ctx->limits.max_chain_depth != 0
            && r->nvisited > r->ctx->limits.max_chain_depth)) {
        error_set(err, AWSCRED_ERR_LOOP, "assume-role", NULL,
                  "Too many source_profile hops from profile %s",
                  r->visited[0]);
        return PROVIDER_FAILED;
    }
    r->visited[r->nvisited++] = profile;
    prof = cfg_profile(r->cfg, profile);
    if (has_static_keys(prof) || !has_role_config(prof))
        return walk_source_chain(r, profile, out, err);
    return provider_assume_role.load(r, profile, out, err);
}

/* credential_source names (botocore CANONICAL_NAME, matched exactly). */
static const struct {
    const char *name;
    const struct provider *provider;
} credential_sources[] = {
    {"Environment", &provider_env},
    {"EcsContainer", &provider_container},
    {"Ec2InstanceMetadata", &provider_imds},
};

enum provider_outcome
resolve_credential_source(struct resolver *r, const char *profile,
                          const char *source,
                          struct awscred_credentials **out,
                          struct awscred_error *err)
{
    size_t n = sizeof(credential_sources) / sizeof(credential_sources[0]);
    enum provider_outcome outcome;

    for (size_t i = 0; i < n; i++) {
        if (strcmp(credential_sources[i].name, source) != 0)
            continue;
        outcome = credential_sources[i].provider->load(r, profile, out, err);
        if (outcome == PROVIDER_FOUND && (*out)->method == NULL)
            (*out)->method = credential_sources[i].provider->method;
        if (outcome != PROVIDER_SKIP)
            return outcome;
        error_set(err, AWSCRED_ERR_RETRIEVAL, source, NULL,
                  "Error when retrieving credentials from %s: No credentials "
                  "found in credential_source referenced in profile %s",
                  source, profile);
        return PROVIDER_FAILED;
    }
    error_set(err, AWSCRED_ERR_INVALID_CONFIG, "assume-role", NULL,
              "The credential source \"%s\" referenced in profile \"%s\" is "
              "not valid.", source, profile);
    return PROVIDER_FAILED;
}

/* ---- awscred_describe: what `aws configure list` shows ----------------- */

static enum awscred_status
setting_fill(struct awscred_setting *s, const char *value, const char *type,
             const char *location, struct awscred_error *err)
{
    s->value = xstrdup(value);
    s->type = type;
    s->location = xstrdup(location);
    if ((value != NULL && s->value == NULL)
        || (location != NULL && s->location == NULL))
        return error_set(err, AWSCRED_ERR_NOMEM, NULL, NULL, "Out of memory");
    return AWSCRED_OK;
}

static enum awscred_status
describe_profile(const struct awscred_context *ctx,
                 const struct awscred_request *req, struct awscred_setting *s,
                 struct awscred_error *err)
{
    bool explicit_flag;
    const char *name = named_profile(ctx, req, &explicit_flag);

    /* ConfigureListCommand labels any --profile "manual", even '', and
       then shows the session's profile, Python's None when there is none. */
    if (req != NULL && req->profile != NULL)
        return setting_fill(s, name != NULL ? name : "None", "manual",
                            "--profile", err);
    if (name != NULL)
        return setting_fill(s, name, "env", PROFILE_ENV_REPR, err);
    return AWSCRED_OK;
}

/*
 * `aws configure list` looks the region up in the environment, then in
 * the profile, and only then anywhere else (--region), which it labels
 * "imds".
 */
static enum awscred_status
describe_region(const struct resolver *r, const struct awscred_request *req,
                struct awscred_setting *s, struct awscred_error *err)
{
    const char *value = first_env(r->ctx, region_env_vars);
    const struct cfg_section *prof = cfg_profile(r->cfg, r->profile);

    if (value != NULL)
        return setting_fill(s, value, "env", REGION_ENV_REPR, err);
    if (prof != NULL && (value = cfg_get(prof, "region")) != NULL)
        return setting_fill(s, value, "config-file", cfg_config_path(r->cfg),
                            err);
    if (req != NULL && req->region != NULL)
        return setting_fill(s, req->region, "imds", "", err);
    return AWSCRED_OK;
}

enum awscred_status
awscred_describe(struct awscred_context *ctx, const struct awscred_request *req,
                 struct awscred_settings *out, struct awscred_error *err)
{
    struct resolver r;
    enum awscred_status status;

    error_clear(err);
    if (ctx == NULL || out == NULL)
        return error_set(err, AWSCRED_ERR_INVALID_ARG, NULL, NULL,
                         "awscred_describe: NULL argument");
    memset(out, 0, sizeof(*out));
    /* A file that does not parse fails before anything is shown; a
       missing profile is shown, then fails. */
    status = resolver_init(&r, ctx, req, err);
    if (r.cfg == NULL)
        goto done;
    if (describe_profile(ctx, req, &out->profile, err) != AWSCRED_OK) {
        status = AWSCRED_ERR_NOMEM;
        goto done;
    }
    if (status != AWSCRED_OK)
        goto done;
    status = describe_region(&r, req, &out->region, err);

done:
    cfg_free(r.cfg);
    return status;
}

enum awscred_status
awscred_mfa_serial(struct awscred_context *ctx,
                   const struct awscred_request *req, char **serial,
                   struct awscred_error *err)
{
    struct resolver r;
    enum awscred_status status;
    const char *value;

    error_clear(err);
    if (ctx == NULL || serial == NULL)
        return error_set(err, AWSCRED_ERR_INVALID_ARG, NULL, NULL,
                         "awscred_mfa_serial: NULL argument");
    *serial = NULL;
    status = resolver_init(&r, ctx, req, err);
    if (status == AWSCRED_OK && (value = mfa_serial_of(&r)) != NULL
        && (*serial = xstrdup(value)) == NULL)
        status = error_set(err, AWSCRED_ERR_NOMEM, NULL, NULL,
                           "Out of memory");
    cfg_free(r.cfg);
    return status;
}

enum awscred_status
awscred_clock_endpoint(struct awscred_context *ctx,
                       const struct awscred_request *req, char **url,
                       struct awscred_error *err)
{
    struct resolver r;
    const char *signing_region;
    char *endpoint = NULL;
    enum awscred_status status;

    error_clear(err);
    *url = NULL;
    status = resolver_init(&r, ctx, req, err);
    if (status == AWSCRED_OK)
        status = net_sts_endpoint(&r, &endpoint, &signing_region, err);
    if (status == AWSCRED_OK) {
        *url = xasprintf("%s%s%s", endpoint,
                         strchr(endpoint, '?') != NULL ? "&" : "?",
                         CLOCK_STS_QUERY);
        if (*url == NULL)
            status = error_set(err, AWSCRED_ERR_NOMEM, NULL, NULL,
                               "Out of memory");
    }
    free(endpoint);
    cfg_free(r.cfg);
    return status;
}

static void
setting_clear(struct awscred_setting *s)
{
    free(s->value);
    free(s->location);
    s->value = NULL;
    s->location = NULL;
    s->type = NULL;
}

void
awscred_settings_clear(struct awscred_settings *settings)
{
    if (settings == NULL)
        return;
    setting_clear(&settings->profile);
    setting_clear(&settings->region);
}
