/*
 * The `aws login` provider: botocore's LoginProvider and
 * LoginCredentialFetcher (botocore/credentials.py, 1.43).
 *
 * A profile with login_session uses it. `aws login` keeps the session in
 * $AWS_LOGIN_CACHE_DIRECTORY, else ~/.aws/login/cache, in a file named by
 * the SHA-256 hex digest of the session name (generate_login_cache_key in
 * botocore/utils.py): accessToken {accessKeyId, secretAccessKey,
 * sessionToken, accountId, expiresAt}, refreshToken, clientId and
 * dpopKey. Credentials with more than five minutes left are used as they
 * are; else the signin service's CreateOAuth2Token (unsigned JSON, with a
 * DPoP proof made with dpopKey) gives new ones and a new refresh token,
 * written back to the file atomically, the other members kept.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config/cfg.h"
#include "providers/common.h"
#include "providers/provider.h"
#include "providers/sso.h"
#include "util/sha256.h"

#define LOGIN_METHOD "login"
#define LOGIN_DIR "~/.aws/login/cache"
/* LoginCredentialFetcher._REFRESH_THRESHOLD */
#define REFRESH_THRESHOLD_S 300
/* expiresIn bounds, so that the arithmetic stays sane (~31 years). */
#define MAX_EXPIRES_IN_S 1e9

/* botocore's LoginError and its subclasses (botocore/exceptions.py). */
#define LOGIN_ERROR                                                           \
    "An unspecified error happened when resolving AWS credentials or "      \
    "refreshing a login session profile."
#define LOGIN_REFRESH_REQUIRED                                                \
    "Your session has expired or credentials have changed. Please "         \
    "reauthenticate using 'aws login'."
#define LOGIN_INSUFFICIENT_PERMISSIONS                                        \
    "Unable to create or refresh login credentials due to insufficient "    \
    "permissions. You may be missing permission for the "                   \
    "'signin:CreateOAuth2Token' action."
#define LOAD_ERROR "Error loading login session token: "

/* The session's cache file, read and parsed. */
struct login_file {
    struct secret_file file; /* file.expires: accessToken's expiresAt */
    const cJSON *access;     /* file.doc's accessToken */
};

/* get_login_token_cache_directory and generate_login_cache_key. */
static enum awscred_status
login_path(struct resolver *r, const char *session, char **path,
           struct awscred_error *err)
{
    const char *env = ctx_getenv(r->ctx, "AWS_LOGIN_CACHE_DIRECTORY");
    char hex[65], *dir;

    *path = NULL;
    if (env == NULL && r->ctx->home == NULL)
        return AWSCRED_OK;
    sha256_hex(session, strlen(session), hex);
    dir = path_expand(r->ctx, env != NULL ? env : LOGIN_DIR);
    if (dir != NULL)
        *path = dir[0] != '\0' ? xasprintf("%s/%s.json", dir, hex)
                               : xasprintf("%s.json", hex);
    free(dir);
    if (*path == NULL)
        return error_set(err, AWSCRED_ERR_NOMEM, LOGIN_METHOD, NULL,
                         "out of memory");
    return AWSCRED_OK;
}

/* The first member of accessToken that is missing or unusable. */
static const char *
bad_access_member(struct login_file *f)
{
    static const char *const keys[] = {"accessKeyId", "secretAccessKey",
                                       "sessionToken", "accountId",
                                       "expiresAt", NULL};

    if (!json_is(f->access, cJSON_Object))
        return "accessToken";
    for (size_t i = 0; keys[i] != NULL; i++)
        if (json_get_string(f->access, keys[i]) == NULL)
            return keys[i];
    if (time_parse_iso8601(json_get_string(f->access, "expiresAt"),
                           &f->file.expires)
        != 0)
        return "expiresAt";
    return NULL;
}

/* load_cached_credentials: the file, its required members, the keys. */
static enum awscred_status
login_read(struct resolver *r, const char *session, struct login_file *f,
           struct awscred_error *err)
{
    static const char *const required[] = {"accessToken", "refreshToken",
                                           "dpopKey", "clientId", NULL};
    char missing[96] = "";
    const char *bad;
    size_t n = 0;
    enum awscred_status st = login_path(r, session, &f->file.path, err);

    if (st == AWSCRED_OK && f->file.path != NULL)
        st = file_read(r->ctx, f->file.path, "login token cache",
                       &f->file.data, &f->file.len, err);
    if (st != AWSCRED_OK)
        return st;
    if (f->file.data == NULL)
        return error_set(
            err, AWSCRED_ERR_RETRIEVAL, LOGIN_METHOD, f->file.path,
            LOAD_ERROR "Unable to load a existing login session "
                       "for session %s. Please reauthenticate with "
                       "'aws login'.",
            session);
    f->file.doc =
        json_parse(r->ctx, f->file.data, f->file.len, f->file.path, NULL);
    if (!json_is(f->file.doc, cJSON_Object))
        return error_set(err, AWSCRED_ERR_RETRIEVAL, LOGIN_METHOD,
                         f->file.path, LOAD_ERROR "%s is not a JSON object",
                         f->file.path);
    for (size_t i = 0; required[i] != NULL; i++)
        if (json_get(f->file.doc, required[i]) == NULL)
            n += (size_t) snprintf(missing + n, sizeof(missing) - n, "%s%s",
                                   n > 0 ? ", " : "", required[i]);
    if (n > 0)
        return error_set(err, AWSCRED_ERR_RETRIEVAL, LOGIN_METHOD,
                         f->file.path,
                         LOAD_ERROR "Failed to load access token from token "
                                    "cache, missing required fields: %s.",
                         missing);
    f->access = json_get(f->file.doc, "accessToken");
    bad = bad_access_member(f);
    if (bad != NULL)
        return error_set(
            err, AWSCRED_ERR_RETRIEVAL, LOGIN_METHOD, f->file.path,
            LOAD_ERROR "the cached accessToken has no valid %s", bad);
    return AWSCRED_OK;
}

/* ---- Refresh (LoginCredentialFetcher.refresh_credentials) ------------- */

/* The signin service for sso_url (sso_http.c), which does what
   botocore's client does for these services alike. */
static const struct sso_service signin = {"SIGNIN", "signin", &net_signin};

static enum awscred_status
signin_url(struct resolver *r, char **url, struct awscred_error *err)
{
    *url = NULL;
    if (r->region == NULL || r->region[0] == '\0')
        return error_set(err, AWSCRED_ERR_NO_REGION, LOGIN_METHOD, NULL,
                         "You must specify a region.");
    return sso_url(r, &signin, r->region, "/v1/token", url, err);
}

/* The whole payload is tokenInput (the service model's payload member). */
static char *
token_body(struct awscred_context *ctx, const cJSON *doc)
{
    cJSON *body = json_new_object(ctx);
    char *text = NULL;

    if (json_add_string(ctx, body, "clientId",
                        json_get_string(doc, "clientId"))
        && json_add_string(ctx, body, "refreshToken",
                           json_get_string(doc, "refreshToken"))
        && json_add_string(ctx, body, "grantType", "refresh_token"))
        text = json_print(ctx, body);
    json_free(body);
    return text;
}

/* An AccessDeniedException says why in its "error" member. */
static enum awscred_status
refused(struct awscred_context *ctx, const struct net_response *resp,
        const char *url, struct awscred_error *err)
{
    cJSON *doc = NULL;
    const char *why = NULL, *message = LOGIN_ERROR;

    if (resp->status == 401 || resp->status == 403) {
        doc = json_parse(ctx, resp->body, resp->body_len, url, NULL);
        why = json_get_string(doc, "error");
    }
    if (why == NULL) {
        json_free(doc);
        return err != NULL ? err->status : AWSCRED_ERR_SERVICE;
    }
    if (strcmp(why, "TOKEN_EXPIRED") == 0
        || strcmp(why, "USER_CREDENTIALS_CHANGED") == 0)
        message = LOGIN_REFRESH_REQUIRED;
    else if (strcmp(why, "INSUFFICIENT_PERMISSIONS") == 0)
        message = LOGIN_INSUFFICIENT_PERMISSIONS;
    json_free(doc);
    return error_set(err, AWSCRED_ERR_RETRIEVAL, LOGIN_METHOD, url, "%s",
                     message);
}

static enum awscred_status
create_token(struct resolver *r, const struct login_file *f, cJSON **reply,
             struct awscred_error *err)
{
    struct net_header hdr[] = {{"Content-Type", "application/json"},
                               {"DPoP", NULL}};
    struct sso_request q = {"POST", NULL, "CreateOAuth2Token", hdr, 2,
                            NULL, 0, LOGIN_METHOD};
    char *url = NULL, *proof = NULL, *body = token_body(r->ctx, f->file.doc);
    const char *pem = json_get_string(f->file.doc, "dpopKey");
    struct net_response resp;
    enum awscred_status st = AWSCRED_OK;

    memset(&resp, 0, sizeof(resp));
    if (body == NULL)
        st = error_set(err, AWSCRED_ERR_RETRIEVAL, LOGIN_METHOD, f->file.path,
                       LOAD_ERROR "clientId and refreshToken must be "
                                  "strings");
    if (st == AWSCRED_OK && pem == NULL)
        st = error_set(err, AWSCRED_ERR_RETRIEVAL, LOGIN_METHOD, f->file.path,
                       LOAD_ERROR "Unable to load private key from cached "
                                  "token.");
    if (st == AWSCRED_OK)
        st = signin_url(r, &url, err);
    if (st == AWSCRED_OK)
        st = net_dpop_proof(r->ctx, pem, "POST", url, ctx_now(r->ctx),
                            &proof, err);
    if (st == AWSCRED_OK) {
        hdr[1].value = proof;
        q.url = url;
        q.body = body;
        q.body_len = strlen(body);
        st = sso_call(r, &q, &resp, err);
        if (st == AWSCRED_ERR_SERVICE)
            st = refused(r->ctx, &resp, url, err);
    }
    if (st == AWSCRED_OK) {
        *reply = json_parse(r->ctx, resp.body, resp.body_len, url, err);
        st = *reply != NULL ? AWSCRED_OK : AWSCRED_ERR_RETRIEVAL;
    }
    if (st != AWSCRED_OK && err != NULL && err->provider[0] == '\0')
        snprintf(err->provider, sizeof(err->provider), "%s", LOGIN_METHOD);
    net_response_free(&resp);
    secret_free(proof);
    secret_free(body);
    free(url);
    return st;
}

/* The refreshed accessToken, the cached accountId kept. */
static cJSON *
new_access(struct awscred_context *ctx, const cJSON *out, const char *account,
           int64_t expires)
{
    static const char *const keys[] = {"accessKeyId", "secretAccessKey",
                                       "sessionToken", NULL};
    const cJSON *keys_in = json_get(out, "accessToken");
    cJSON *a = json_new_object(ctx);
    char iso[32];
    bool ok = a != NULL;

    for (size_t i = 0; ok && keys[i] != NULL; i++) {
        const char *v = json_get_string(keys_in, keys[i]);

        ok = v != NULL && json_add_string(ctx, a, keys[i], v) != NULL;
    }
    time_format_iso8601_z(expires, iso, sizeof(iso));
    if (!ok || json_add_string(ctx, a, "accountId", account) == NULL
        || json_add_string(ctx, a, "expiresAt", iso) == NULL) {
        json_free(a);
        return NULL;
    }
    return a;
}

/* Replaces doc[key] with item, wiping the strings it replaces. */
static bool
replace_member(struct awscred_context *ctx, cJSON *doc, const char *key,
               cJSON *item)
{
    cJSON *old = json_detach(ctx, doc, key);

    json_free(old);
    if (json_add(ctx, doc, key, item))
        return true;
    json_free(item);
    return false;
}

static enum awscred_status
apply_refresh(struct resolver *r, struct login_file *f, const cJSON *out,
              struct awscred_error *err)
{
    const cJSON *expires_in = json_get(out, "expiresIn");
    const char *refresh = json_get_string(out, "refreshToken");
    int64_t expires = 0;
    cJSON *access = NULL, *rt;

    if (json_is(expires_in, cJSON_Number)
        && expires_in->valuedouble <= MAX_EXPIRES_IN_S
        && expires_in->valuedouble >= -MAX_EXPIRES_IN_S && refresh != NULL) {
        expires = ctx_now(r->ctx) + (int64_t) expires_in->valuedouble;
        access = new_access(r->ctx, out,
                            json_get_string(f->access, "accountId"), expires);
    }
    if (access == NULL)
        return error_set(err, AWSCRED_ERR_RETRIEVAL, LOGIN_METHOD, NULL,
                         LOAD_ERROR "Unable to refresh access token due to "
                         "an invalid service response. Please try running "
                         "'aws login' again. If the issue persists, there "
                         "may be a temporary signin service problem.");
    rt = json_new_string(r->ctx, refresh);
    if (!replace_member(r->ctx, f->file.doc, "accessToken", access)
        || rt == NULL
        || !replace_member(r->ctx, f->file.doc, "refreshToken", rt))
        return error_set(err, AWSCRED_ERR_NOMEM, LOGIN_METHOD, NULL,
                         "out of memory");
    f->access = json_get(f->file.doc, "accessToken");
    f->file.expires = expires;
    return AWSCRED_OK;
}

/* The rotated refresh token must reach the file, or the session is lost
   for the AWS CLI too: a failed write is an error. */
static enum awscred_status
login_write(struct resolver *r, const struct login_file *f,
            struct awscred_error *err)
{
    char *text = json_print(r->ctx, f->file.doc);
    enum awscred_status st;

    if (text == NULL)
        return error_set(err, AWSCRED_ERR_NOMEM, LOGIN_METHOD, NULL,
                         "out of memory");
    st = file_write_atomic(r->ctx, f->file.path, text, strlen(text), err);
    secret_free(text);
    if (st != AWSCRED_OK && err != NULL)
        snprintf(err->provider, sizeof(err->provider), "%s", LOGIN_METHOD);
    return st;
}

static enum awscred_status
login_refresh(struct resolver *r, const char *session, struct login_file *f,
              struct awscred_error *err)
{
    cJSON *reply = NULL;
    enum awscred_status st;

    /* Rotating the refresh token without writing it back would lose it. */
    if (r->ctx->flags & AWSCRED_FLAG_NO_CACHE_WRITE) {
        ctx_log(r->ctx, LOG_DEBUG, "not refreshing login session %s: cache "
                "writes are off", session);
        if (f->file.expires > ctx_now(r->ctx))
            return AWSCRED_OK;
        return error_set(err, AWSCRED_ERR_EXPIRED, LOGIN_METHOD, f->file.path,
                         LOGIN_REFRESH_REQUIRED);
    }
    st = create_token(r, f, &reply, err);
    if (st == AWSCRED_OK)
        st = apply_refresh(r, f, reply, err);
    if (st == AWSCRED_OK)
        st = login_write(r, f, err);
    if (st == AWSCRED_OK)
        ctx_log(r->ctx, LOG_INFO, "refreshed login session %s", session);
    json_free(reply);
    return st;
}

/* ---- The provider ----------------------------------------------------- */

static enum provider_outcome
load(struct resolver *r, const char *profile, struct awscred_credentials **out,
     struct awscred_error *err)
{
    const char *session = cfg_get(cfg_profile(r->cfg, profile),
                                  "login_session");
    struct login_file f;
    enum provider_outcome outcome = PROVIDER_FAILED;

    if (session == NULL)
        return PROVIDER_SKIP;
    memset(&f, 0, sizeof(f));
    if (login_read(r, session, &f, err) == AWSCRED_OK
        && (f.file.expires - ctx_now(r->ctx) > REFRESH_THRESHOLD_S
            || login_refresh(r, session, &f, err) == AWSCRED_OK))
        outcome = provider_credentials(
            LOGIN_METHOD, json_get_string(f.access, "accessKeyId"),
            json_get_string(f.access, "secretAccessKey"),
            json_get_string(f.access, "sessionToken"),
            json_get_string(f.access, "accountId"), f.file.expires, out, err);
    secret_file_free(&f.file);
    return outcome;
}

const struct provider provider_login = {LOGIN_METHOD, load};
