/*
 * The IAM Identity Center (SSO) provider: botocore's SSOProvider and
 * SSOCredentialFetcher as in current AWS CLI v2
 * (doc/credential-chain.md sections 2.6 and 4.3).
 *
 * A profile with sso_account_id or sso_role_name uses it. Its sso_session
 * names an [sso-session] section whose keys join the profile's (a key in
 * both must have the same value); without one, the legacy form keeps
 * sso_start_url and sso_region in the profile. The role's credentials come
 * from ~/.aws/cli/cache, shared with the AWS CLI, while 15 minutes are
 * left; else from the portal's GetRoleCredentials (unsigned, the access
 * token in a header), and are then cached as the CLI caches them. The
 * token comes from sso_token.c, the requests go through sso_http.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/cache.h"
#include "config/cfg.h"
#include "providers/provider.h"
#include "providers/sso.h"
#include "util/buf.h"

/* Python's datetime ends with year 9999. */
#define SSO_MAX_EXPIRATION_MS 253402300799999.0

/* ---- Configuration (SSOProvider._load_sso_config) ---------------------- */

/* In the order the CLI lists them when missing. */
static const char *const required_keys[] = {
    "sso_role_name", "sso_account_id", "sso_start_url", "sso_region", NULL,
};

/* The merged view: the sso-session's value, else the profile's. */
static const char *
merged_get(const struct cfg_section *prof, const struct cfg_section *session,
           const char *key)
{
    const char *v = cfg_get(session, key);

    return v != NULL ? v : cfg_get(prof, key);
}

/* The named sso-session, whose keys must agree with the profile's. */
static enum awscred_status
find_session(const struct resolver *r, const struct cfg_section *prof,
             const char *name, const struct cfg_section **session,
             struct awscred_error *err)
{
    const char *key, *value, *mine;

    *session = cfg_sso_session(r->cfg, name);
    if (*session == NULL)
        return error_set_line(err, AWSCRED_ERR_INVALID_CONFIG,
                              cfg_key_file(prof, "sso_session"),
                              cfg_key_line(prof, "sso_session"),
                              "The specified sso-session does not exist: "
                              "\"%s\"",
                              name);
    for (size_t i = 0; (key = cfg_key_at(*session, i, &value)) != NULL; i++) {
        mine = cfg_get(prof, key);
        if (mine != NULL && strcmp(mine, value) != 0)
            return error_set_line(err, AWSCRED_ERR_INVALID_CONFIG,
                                  cfg_key_file(prof, key),
                                  cfg_key_line(prof, key),
                                  "The value for %s is inconsistent between "
                                  "profile (%s) and sso-session (%s).",
                                  key, mine, value);
    }
    return AWSCRED_OK;
}

static enum awscred_status
read_config(const struct resolver *r, const char *profile,
            const struct cfg_section *prof, struct sso_config *c,
            struct awscred_error *err)
{
    const struct cfg_section *session = NULL;
    char missing[128] = "";
    enum awscred_status st;
    size_t n = 0;

    memset(c, 0, sizeof(*c));
    c->profile = profile;
    c->session = cfg_get(prof, "sso_session");
    if (c->session != NULL) {
        st = find_session(r, prof, c->session, &session, err);
        if (st != AWSCRED_OK)
            return st;
    }
    for (size_t i = 0; required_keys[i] != NULL; i++)
        if (merged_get(prof, session, required_keys[i]) == NULL)
            n += (size_t) snprintf(missing + n, sizeof(missing) - n, "%s%s",
                                   n > 0 ? ", " : "", required_keys[i]);
    if (n > 0)
        return error_set(err, AWSCRED_ERR_INVALID_CONFIG, SSO_METHOD,
                         cfg_section_file(prof),
                         "The profile \"%s\" is configured to use SSO but "
                         "is missing required configuration: %s",
                         profile, missing);
    c->role_name = merged_get(prof, session, "sso_role_name");
    c->account_id = merged_get(prof, session, "sso_account_id");
    c->start_url = merged_get(prof, session, "sso_start_url");
    c->region = merged_get(prof, session, "sso_region");
    c->session_section = session;
    return AWSCRED_OK;
}

/* SSOCredentialFetcher._create_cache_key: compact JSON, then SHA-1. */
static enum awscred_status
role_cache_key(struct resolver *r, const struct sso_config *c, char key[41],
               struct awscred_error *err)
{
    bool by_session = c->session != NULL && c->session[0] != '\0';
    struct cache_key_item items[] = {
        {"roleName", c->role_name, 0},
        {"accountId", c->account_id, 0},
        {by_session ? "sessionName" : "startUrl",
         by_session ? c->session : c->start_url, 0},
    };

    return cache_key(r->ctx, items, 3, CACHE_KEY_COMPACT, key, err);
}

/* ---- GetRoleCredentials ----------------------------------------------- */

/* "/federation/credentials?role_name=R&account_id=A", URL-encoded. */
static char *
credentials_path(const struct sso_config *c)
{
    struct buf b = {0};

    buf_str(&b, "/federation/credentials?role_name=");
    buf_uri_encode(&b, c->role_name, strlen(c->role_name), false);
    buf_str(&b, "&account_id=");
    buf_uri_encode(&b, c->account_id, strlen(c->account_id), false);
    return buf_take(&b);
}

static enum awscred_status
get_role_credentials(struct resolver *r, const char *url, const char *token,
                     struct net_response *resp, struct awscred_error *err)
{
    struct net_header hdr[] = {{"x-amz-sso_bearer_token", token}};
    struct sso_request q = {"GET", url, "GetRoleCredentials", hdr, 1,
                            NULL, 0, NULL};
    enum awscred_status st = sso_call(r, &q, resp, err);

    /* UnauthorizedException: the token was refused. */
    if (st == AWSCRED_ERR_SERVICE && resp->status == 401)
        st = error_set(err, AWSCRED_ERR_SSO_TOKEN, SSO_METHOD, url,
                       SSO_UNAUTHORIZED_MESSAGE);
    return st;
}

/* The first member of the reply's roleCredentials that is missing or of
   the wrong type, or NULL when all are fine. */
static const char *
bad_member(const cJSON *rc)
{
    static const char *const strings[] = {"accessKeyId", "secretAccessKey",
                                          "sessionToken", NULL};
    const cJSON *ms = json_get(rc, "expiration");

    if (!json_is(rc, cJSON_Object))
        return "roleCredentials";
    for (size_t i = 0; strings[i] != NULL; i++)
        if (json_get_string(rc, strings[i]) == NULL)
            return strings[i];
    if (!json_is(ms, cJSON_Number) || ms->valuedouble < 0
        || ms->valuedouble > SSO_MAX_EXPIRATION_MS)
        return "expiration";
    return NULL;
}

/* The role's credentials as the CLI caches them: {"ProviderType": "sso",
   "Credentials": {..., "Expiration": "...Z", "AccountId": ...}}. */
static cJSON *
role_document(struct awscred_context *ctx, const cJSON *reply,
              const struct sso_config *c, const char *url,
              struct awscred_error *err)
{
    const cJSON *rc = json_get(reply, "roleCredentials");
    const char *bad = bad_member(rc);
    cJSON *doc, *creds = NULL;
    char iso[32];
    bool ok;

    if (bad != NULL) {
        error_set(err, AWSCRED_ERR_RETRIEVAL, SSO_METHOD, url,
                  "Unable to parse response from %s: the GetRoleCredentials "
                  "reply has no valid %s",
                  url, bad);
        return NULL;
    }
    time_format_iso8601_z(
        (int64_t) (json_get(rc, "expiration")->valuedouble / 1000), iso,
        sizeof(iso));
    doc = json_new_object(ctx);
    ok = json_add_string(ctx, doc, "ProviderType", SSO_METHOD) != NULL
         && (creds = json_add_object(ctx, doc, "Credentials")) != NULL
         && json_add_string(ctx, creds, "AccessKeyId",
                            json_get_string(rc, "accessKeyId"))
         && json_add_string(ctx, creds, "SecretAccessKey",
                            json_get_string(rc, "secretAccessKey"))
         && json_add_string(ctx, creds, "SessionToken",
                            json_get_string(rc, "sessionToken"))
         && json_add_string(ctx, creds, "Expiration", iso)
         && json_add_string(ctx, creds, "AccountId", c->account_id);
    if (!ok) {
        json_free(doc);
        error_set(err, AWSCRED_ERR_NOMEM, SSO_METHOD, NULL, "out of memory");
        return NULL;
    }
    return doc;
}

static void
store(struct resolver *r, const char *key, const cJSON *doc)
{
    char *text = json_print(r->ctx, doc);

    if (text != NULL)
        cache_store(r->ctx, key, text);
    secret_free(text);
}

/* The cache missed: the token, the call, the cache entry. */
static enum provider_outcome
fetch(struct resolver *r, const struct sso_config *c, const char *key,
      struct awscred_credentials **out, struct awscred_error *err)
{
    char *path = credentials_path(c), *url = NULL, *token = NULL;
    struct net_response resp;
    cJSON *reply = NULL, *doc = NULL;
    enum provider_outcome outcome = PROVIDER_FAILED;

    memset(&resp, 0, sizeof(resp));
    if (path == NULL) {
        error_set(err, AWSCRED_ERR_NOMEM, SSO_METHOD, NULL, "out of memory");
        return PROVIDER_FAILED;
    }
    /* As botocore: the client (region, endpoint) first, then the token. */
    if (sso_url(r, &sso_portal, c->region, path, &url, err) != AWSCRED_OK
        || sso_token_get(r, c, &token, err) != AWSCRED_OK
        || get_role_credentials(r, url, token, &resp, err) != AWSCRED_OK)
        goto done;
    reply = json_parse(r->ctx, resp.body, resp.body_len, url, err);
    doc = reply != NULL ? role_document(r->ctx, reply, c, url, err) : NULL;
    if (doc == NULL)
        goto done;
    *out = cache_credentials(doc, SSO_METHOD);
    if (*out == NULL) {
        error_set(err, AWSCRED_ERR_NOMEM, SSO_METHOD, NULL, "out of memory");
        goto done;
    }
    store(r, key, doc);
    outcome = PROVIDER_FOUND;
done:
    if (outcome != PROVIDER_FOUND)
        sso_claim_error(err);
    json_free(doc);
    json_free(reply);
    net_response_free(&resp);
    secret_free(token);
    free(url);
    free(path);
    return outcome;
}

static enum provider_outcome
load(struct resolver *r, const char *profile, struct awscred_credentials **out,
     struct awscred_error *err)
{
    const struct cfg_section *prof = cfg_profile(r->cfg, profile);
    struct sso_config c;
    char key[41];

    if (cfg_get(prof, "sso_account_id") == NULL
        && cfg_get(prof, "sso_role_name") == NULL)
        return PROVIDER_SKIP;
    if (read_config(r, profile, prof, &c, err) != AWSCRED_OK
        || role_cache_key(r, &c, key, err) != AWSCRED_OK
        || cache_load(r->ctx, key, SSO_METHOD, out, err) != AWSCRED_OK)
        return PROVIDER_FAILED;
    if (*out == NULL && fetch(r, &c, key, out, err) != PROVIDER_FOUND)
        return PROVIDER_FAILED;
    /* An entry written by Debian's CLI 2.9 has no AccountId. */
    if ((*out)->account_id == NULL) {
        (*out)->account_id = xstrdup(c.account_id);
        if ((*out)->account_id == NULL) {
            awscred_credentials_free(*out);
            *out = NULL;
            error_set(err, AWSCRED_ERR_NOMEM, SSO_METHOD, NULL,
                      "out of memory");
            return PROVIDER_FAILED;
        }
    }
    return PROVIDER_FOUND;
}

const struct provider provider_sso = {SSO_METHOD, load};
