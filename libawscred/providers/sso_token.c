/*
 * sso_token.c: the IAM Identity Center access token, as botocore's
 * SSOTokenLoader and SSOTokenProvider find it in current AWS CLI v2
 * (doc/credential-chain.md sections 2.6, 4.2 and 8).
 *
 * The token lives in ~/.aws/sso/cache/<sha1>.json, keyed by the
 * sso-session name (or, in the legacy form, the start URL), written by
 * `aws sso login`. In the sso-session form a token with less than 15
 * minutes left is refreshed through SSO-OIDC CreateToken when the file
 * holds a refresh token and an unexpired client registration; the file is
 * then rewritten atomically, keeping its other members. A failed refresh
 * keeps a token that is still valid. An expired token ends with the CLI's
 * messages, which tell the user to run `aws sso login`.
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
#include "providers/sso.h"
#include "util/sha1.h"

#define TOKEN_DIR "~/.aws/sso/cache"
/* SSOTokenProvider._REFRESH_WINDOW */
#define REFRESH_WINDOW_S 900
/* expiresIn bounds, so that the arithmetic stays sane (~31 years). */
#define MAX_EXPIRES_IN_S 1e9

/* One token cache file, read and parsed. */
struct token_file {
    struct secret_file file;
    const char *access_token; /* in file.doc */
};

/* What the token is cached under: the session name, else the start URL. */
static const char *
token_name(const struct sso_config *c)
{
    return c->session != NULL ? c->session : c->start_url;
}

static enum awscred_status
token_path(struct resolver *r, const struct sso_config *c, char **path,
           struct awscred_error *err)
{
    const char *name = token_name(c);
    char hex[41], *dir;

    *path = NULL;
    if (r->ctx->home == NULL)
        return AWSCRED_OK;
    sha1_hex(name, strlen(name), hex);
    dir = path_expand(r->ctx, TOKEN_DIR);
    *path = dir != NULL ? xasprintf("%s/%s.json", dir, hex) : NULL;
    free(dir);
    if (*path == NULL)
        return error_set(err, AWSCRED_ERR_NOMEM, SSO_METHOD, NULL,
                         "out of memory");
    return AWSCRED_OK;
}

/* A token goes into an HTTP header: no control characters. */
static bool
header_safe(const char *s)
{
    for (; *s != '\0'; s++)
        if ((unsigned char) *s < 0x20 || *s == 0x7f)
            return false;
    return true;
}

static bool
token_fields(struct token_file *t)
{
    const char *expires = json_get_string(t->file.doc, "expiresAt");

    t->access_token = json_get_string(t->file.doc, "accessToken");
    return t->access_token != NULL && header_safe(t->access_token)
           && expires != NULL
           && time_parse_iso8601(expires, &t->file.expires) == 0;
}

/* SSOTokenLoader: the file must exist and hold accessToken and expiresAt
   (botocore names the start URL when they are missing). */
static enum awscred_status
token_read(struct resolver *r, const struct sso_config *c,
           struct token_file *t, struct awscred_error *err)
{
    enum awscred_status st = token_path(r, c, &t->file.path, err);

    if (st == AWSCRED_OK && t->file.path != NULL)
        st = file_read(r->ctx, t->file.path, "SSO token cache", &t->file.data,
                       &t->file.len, err);
    if (st != AWSCRED_OK)
        return st;
    if (t->file.data == NULL)
        return error_set(err, AWSCRED_ERR_SSO_TOKEN, SSO_METHOD, t->file.path,
                         "Error loading SSO Token: Token for %s does not "
                         "exist",
                         token_name(c));
    t->file.doc =
        json_parse(r->ctx, t->file.data, t->file.len, t->file.path, NULL);
    if (t->file.doc == NULL || !token_fields(t))
        return error_set(err, AWSCRED_ERR_SSO_TOKEN, SSO_METHOD, t->file.path,
                         "Error loading SSO Token: Token for %s is invalid",
                         c->start_url);
    return AWSCRED_OK;
}

/* SSOTokenProvider._load_sso_config: the session itself must name the
   start URL and region (a profile may satisfy SSOProvider alone). */
static enum awscred_status
check_session_keys(const struct sso_config *c, struct awscred_error *err)
{
    static const char *const keys[] = {"sso_start_url", "sso_region", NULL};
    char missing[64] = "";
    size_t n = 0;

    if (c->session == NULL)
        return AWSCRED_OK;
    for (size_t i = 0; keys[i] != NULL; i++)
        if (cfg_get(c->session_section, keys[i]) == NULL)
            n += (size_t) snprintf(missing + n, sizeof(missing) - n, "%s'%s'",
                                   n > 0 ? ", " : "", keys[i]);
    if (n == 0)
        return AWSCRED_OK;
    return error_set(err, AWSCRED_ERR_INVALID_CONFIG, SSO_METHOD,
                     cfg_section_file(c->session_section),
                     "The profile \"%s\" is configured to use the SSO token "
                     "provider but is missing the following configuration: "
                     "[%s].",
                     c->profile, missing);
}

/* ---- Refresh (SSOTokenProvider._refresh_access_token) ----------------- */

static bool
can_refresh(const struct resolver *r, const struct sso_config *c,
            const struct token_file *t)
{
    static const char *const keys[] = {"refreshToken", "clientId",
                                       "clientSecret", NULL};
    const char *registration =
        json_get_string(t->file.doc, "registrationExpiresAt");
    int64_t now = ctx_now(r->ctx), expires;

    if (c->session == NULL || t->file.expires - now >= REFRESH_WINDOW_S)
        return false;
    /* Rotating the refresh token without writing it back would lose it
       for the AWS CLI too. */
    if (r->ctx->flags & AWSCRED_FLAG_NO_CACHE_WRITE) {
        ctx_log(r->ctx, LOG_DEBUG, "not refreshing the SSO token of %s: "
                "cache writes are off", c->session);
        return false;
    }
    for (size_t i = 0; keys[i] != NULL; i++)
        if (json_get_string(t->file.doc, keys[i]) == NULL)
            registration = NULL;
    if (registration == NULL
        || time_parse_iso8601(registration, &expires) != 0
        || expires - now <= 0) {
        ctx_log(r->ctx, LOG_INFO,
                "cannot refresh the SSO token in %s: no "
                "usable refresh token or client registration",
                t->file.path);
        return false;
    }
    return true;
}

/* The CreateToken request body (secret: free with secret_free). */
static char *
create_token_body(struct awscred_context *ctx, const cJSON *doc)
{
    cJSON *body = json_new_object(ctx);
    char *text = NULL;

    if (json_add_string(ctx, body, "clientId",
                        json_get_string(doc, "clientId"))
        && json_add_string(ctx, body, "clientSecret",
                           json_get_string(doc, "clientSecret"))
        && json_add_string(ctx, body, "grantType", "refresh_token")
        && json_add_string(ctx, body, "refreshToken",
                           json_get_string(doc, "refreshToken")))
        text = json_print(ctx, body);
    json_free(body);
    return text;
}

static enum awscred_status
create_token(struct resolver *r, const struct sso_config *c,
             const struct token_file *t, cJSON **reply,
             struct awscred_error *err)
{
    struct net_header hdr[] = {{"Content-Type", "application/json"}};
    struct sso_request q = {"POST", NULL, "CreateToken", hdr, 1,
                            NULL, 0, NULL};
    char *url = NULL, *body = create_token_body(r->ctx, t->file.doc);
    struct net_response resp;
    enum awscred_status st;

    memset(&resp, 0, sizeof(resp));
    if (body == NULL)
        return error_set(err, AWSCRED_ERR_NOMEM, SSO_METHOD, NULL,
                         "out of memory");
    st = sso_url(r, &sso_oidc, c->region, "/token", &url, err);
    if (st == AWSCRED_OK) {
        q.url = url;
        q.body = body;
        q.body_len = strlen(body);
        st = sso_call(r, &q, &resp, err);
    }
    if (st == AWSCRED_OK) {
        *reply = json_parse(r->ctx, resp.body, resp.body_len, url, err);
        st = *reply != NULL ? AWSCRED_OK : AWSCRED_ERR_RETRIEVAL;
    }
    net_response_free(&resp);
    secret_free(body);
    free(url);
    return st;
}

/* Sets doc[key] = value in place, wiping the string it replaces. */
static bool
doc_set_string(struct awscred_context *ctx, cJSON *doc, const char *key,
               const char *value)
{
    cJSON *old = json_get(doc, key);
    cJSON *item = json_new_string(ctx, value);

    if (item == NULL)
        return false;
    if (old == NULL) {
        if (json_add(ctx, doc, key, item))
            return true;
    } else {
        if (json_is(old, cJSON_String) && old->valuestring != NULL)
            secret_wipe(old->valuestring, strlen(old->valuestring));
        if (json_replace(ctx, doc, key, item))
            return true;
    }
    json_free(item);
    return false;
}

/* The new token into the cache document, as botocore's new token dict
   sets them; the other members stay. */
static enum awscred_status
apply_refresh(struct resolver *r, const struct sso_config *c,
              struct token_file *t, const cJSON *reply,
              struct awscred_error *err)
{
    const char *access = json_get_string(reply, "accessToken");
    const char *refresh = json_get_string(reply, "refreshToken");
    const cJSON *expires_in = json_get(reply, "expiresIn");
    int64_t expires;
    char iso[32];

    if (access == NULL || !header_safe(access)
        || !json_is(expires_in, cJSON_Number)
        || expires_in->valuedouble > MAX_EXPIRES_IN_S
        || expires_in->valuedouble < -MAX_EXPIRES_IN_S)
        return error_set(err, AWSCRED_ERR_RETRIEVAL, SSO_METHOD, NULL,
                         "Unable to parse the CreateToken reply: no valid "
                         "accessToken and expiresIn");
    expires = ctx_now(r->ctx) + (int64_t) expires_in->valuedouble;
    time_format_iso8601_z(expires, iso, sizeof(iso));
    if (!doc_set_string(r->ctx, t->file.doc, "startUrl", c->start_url)
        || !doc_set_string(r->ctx, t->file.doc, "region", c->region)
        || !doc_set_string(r->ctx, t->file.doc, "accessToken", access)
        || !doc_set_string(r->ctx, t->file.doc, "expiresAt", iso)
        || (refresh != NULL
            && !doc_set_string(r->ctx, t->file.doc, "refreshToken", refresh)))
        return error_set(err, AWSCRED_ERR_NOMEM, SSO_METHOD, NULL,
                         "out of memory");
    t->access_token = json_get_string(t->file.doc, "accessToken");
    t->file.expires = expires;
    return AWSCRED_OK;
}

/* Writes the refreshed token back; a failure is logged, as the token in
   hand is good. */
static void
token_write(struct resolver *r, const struct token_file *t)
{
    char *text = json_print(r->ctx, t->file.doc);
    struct awscred_error err;

    if (text == NULL
        || file_write_atomic(r->ctx, t->file.path, text, strlen(text), &err)
               != AWSCRED_OK)
        ctx_log(r->ctx, LOG_WARNING,
                "cannot write the refreshed SSO token "
                "to %s: %s",
                t->file.path, text == NULL ? "out of memory" : err.message);
    secret_free(text);
}

/* Tries once; why says what went wrong when it did not work. */
static void
token_refresh(struct resolver *r, const struct sso_config *c,
              struct token_file *t, struct awscred_error *why)
{
    cJSON *reply = NULL;

    if (create_token(r, c, t, &reply, why) == AWSCRED_OK
        && apply_refresh(r, c, t, reply, why) == AWSCRED_OK) {
        token_write(r, t);
        ctx_log(r->ctx, LOG_INFO, "refreshed the SSO token of %s",
                c->session);
    } else {
        ctx_log(r->ctx, LOG_WARNING, "SSO token refresh failed: %s (%s)",
                why->message, why->where);
    }
    json_free(reply);
}

/* ---- The token --------------------------------------------------------- */

/* The legacy form's UnauthorizedSSOTokenError; the sso-session form's
   TokenRetrievalError, or the refresh's own transport failure, which
   botocore lets through. */
static enum awscred_status
expired_error(const struct sso_config *c, const struct token_file *t,
              const struct awscred_error *why, struct awscred_error *err)
{
    if (c->session == NULL)
        return error_set(err, AWSCRED_ERR_SSO_TOKEN, SSO_METHOD, t->file.path,
                         SSO_UNAUTHORIZED_MESSAGE);
    if (why->status == AWSCRED_ERR_NETWORK
        || why->status == AWSCRED_ERR_TIMEOUT) {
        if (err != NULL)
            *err = *why;
        return why->status;
    }
    return error_set(err, AWSCRED_ERR_SSO_TOKEN, SSO_METHOD, t->file.path,
                     "Error when retrieving token from sso: Token has "
                     "expired and refresh failed");
}

enum awscred_status
sso_token_get(struct resolver *r, const struct sso_config *c, char **token,
              struct awscred_error *err)
{
    struct token_file t;
    struct awscred_error why;
    enum awscred_status st;

    *token = NULL;
    memset(&t, 0, sizeof(t));
    error_clear(&why);
    st = check_session_keys(c, err);
    if (st == AWSCRED_OK)
        st = token_read(r, c, &t, err);
    if (st == AWSCRED_OK && can_refresh(r, c, &t))
        token_refresh(r, c, &t, &why);
    if (st == AWSCRED_OK && t.file.expires - ctx_now(r->ctx) <= 0)
        st = expired_error(c, &t, &why, err);
    if (st == AWSCRED_OK) {
        *token = xstrdup(t.access_token);
        if (*token == NULL)
            st = error_set(err, AWSCRED_ERR_NOMEM, SSO_METHOD, NULL,
                           "out of memory");
    }
    secret_file_free(&t.file);
    if (st != AWSCRED_OK)
        sso_claim_error(err);
    return st;
}
