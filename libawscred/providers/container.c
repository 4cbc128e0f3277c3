/*
 * Container credentials (ECS task roles, EKS Pod Identity): botocore's
 * ContainerProvider and ContainerMetadataFetcher as in current AWS CLI v2
 * (doc/credential-chain.md sections 2.8 and 7).
 *
 * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (wins) is fetched from
 * http://169.254.170.2<relative>; AWS_CONTAINER_CREDENTIALS_FULL_URI must
 * be https, a literal loopback address, or one of the allowed hosts
 * (host names are not resolved). AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
 * (wins, read raw) or AWS_CONTAINER_AUTHORIZATION_TOKEN becomes the
 * Authorization header. Each attempt has 2 s; 3 attempts, 1 s apart
 * (bounded by the resolution's budget); then the chain stops with
 * CredentialRetrievalError, as in the CLI. Unlike botocore we do not sleep
 * after the last attempt, and an answer without a required key (or with a
 * value that is not a string) fails with "Missing or invalid key in
 * response: 'Token'" where botocore lets a bare KeyError ("'Token'") out.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "config/cfg.h"
#include "internal.h"
#include "net/net.h"
#include "providers/common.h"
#include "providers/provider.h"

#define METHOD "container-role"
#define ECS_HOST "169.254.170.2"
#define ENV_RELATIVE "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"
#define ENV_FULL "AWS_CONTAINER_CREDENTIALS_FULL_URI"
#define ENV_TOKEN "AWS_CONTAINER_AUTHORIZATION_TOKEN"
#define ENV_TOKEN_FILE "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"
#define ATTEMPT_TIMEOUT_MS 2000
#define ATTEMPTS 3
#define RETRY_SLEEP_MS 1000
#define ALLOWED_HOSTS "169.254.170.2, 169.254.170.23, fd00:ec2::23, localhost"

static const char *const allowed_hosts[] = {
    ECS_HOST, "169.254.170.23", "fd00:ec2::23", "localhost", NULL,
};

/* Python's ipaddress.ip_address(host).is_loopback for a literal. */
static bool
is_loopback_literal(const char *host)
{
    struct in_addr a4;
    struct in6_addr a6;

    if (inet_pton(AF_INET, host, &a4) == 1)
        return (ntohl(a4.s_addr) >> 24) == 127;
    if (inet_pton(AF_INET6, host, &a6) == 1)
        return IN6_IS_ADDR_LOOPBACK(&a6);
    return false;
}

static enum awscred_status
check_allowed_url(const char *url, struct awscred_error *err)
{
    char scheme[16], host[256];

    /*
     * No host means no "//" authority: libcurl then reads the URL as one
     * without a scheme ("https:@evil" is user "https" at host "evil", over
     * http), so the https exemption must not apply. botocore refuses it
     * too (hostname None).
     */
    if (url_parts(url, scheme, sizeof scheme, host, sizeof host)
        && host[0] != '\0') {
        if (strcmp(scheme, "https") == 0 || is_loopback_literal(host))
            return AWSCRED_OK;
        for (const char *const *h = allowed_hosts; *h != NULL; h++)
            if (strcmp(host, *h) == 0)
                return AWSCRED_OK;
    }
    return error_set(err, AWSCRED_ERR_INVALID_CONFIG, METHOD, ENV_FULL,
                     "Unsupported host '%s'.  Can only retrieve metadata "
                     "from a loopback address or one of these hosts: %s",
                     host[0] != '\0' ? host : "None", ALLOWED_HOSTS);
}

/* The Authorization value, or NULL (and AWSCRED_OK) when none is set. */
static enum awscred_status
read_auth_token(struct awscred_context *ctx, char **token,
                struct awscred_error *err)
{
    const char *path = ctx_getenv(ctx, ENV_TOKEN_FILE);
    const char *value = ctx_getenv(ctx, ENV_TOKEN);
    enum awscred_status st;
    size_t len = 0;

    *token = NULL;
    if (path != NULL) {
        /* botocore reads the file while the provider loads, inside
           export-credentials' "Unable to retrieve credentials" (exit 253),
           unlike the config files (255): a retrieval failure, not
           AWSCRED_ERR_FILE. */
        st = file_read(ctx, path, "container authorization token file",
                       token, &len, err);
        if (st == AWSCRED_ERR_FILE) {
            if (err != NULL) {
                err->status = AWSCRED_ERR_RETRIEVAL;
                snprintf(err->provider, sizeof err->provider, "%s", METHOD);
            }
            return AWSCRED_ERR_RETRIEVAL;
        }
        if (st != AWSCRED_OK)
            return st;
        if (*token == NULL)
            return error_set(err, AWSCRED_ERR_RETRIEVAL, METHOD, path,
                             "[Errno 2] No such file or directory: '%s'",
                             path);
    } else if (value != NULL) {
        *token = xstrdup(value);
        if (*token == NULL)
            return error_set(err, AWSCRED_ERR_NOMEM, METHOD, "",
                             "out of memory");
        len = strlen(value);
    } else {
        return AWSCRED_OK;
    }
    /* botocore's check, plus NUL, which a header cannot carry either. */
    if (strpbrk(*token, "\r\n") != NULL || strlen(*token) != len) {
        secret_free_n(*token, len + 1);
        *token = NULL;
        return error_set(err, AWSCRED_ERR_INVALID_CONFIG, METHOD,
                         path != NULL ? path : ENV_TOKEN,
                         "Auth token value is not a legal header value");
    }
    return AWSCRED_OK;
}

/* One GET. Returns the parsed document, or NULL with why (for the final
   message) when the attempt should be retried. */
static cJSON *
fetch_once(struct awscred_context *ctx, const char *url, const char *token,
           char *why, size_t why_size)
{
    struct net_header headers[] = {
        {"Accept", "application/json"},
        {"Authorization", token},
    };
    struct net_request req = {
        .method = "GET",
        .url = url,
        .headers = headers,
        .nheaders = token != NULL ? 2 : 1,
        .connect_timeout_ms = ATTEMPT_TIMEOUT_MS,
        .timeout_ms = ATTEMPT_TIMEOUT_MS,
        .endpoint_label = "container metadata",
        .direct = true,
    };
    struct net_response resp;
    struct awscred_error net_err;
    cJSON *doc = NULL;
    char body[512];

    if (net_http(ctx, &req, &resp, &net_err) != AWSCRED_OK) {
        snprintf(why, why_size, "Received error when attempting to retrieve "
                 "container metadata: %.600s", net_err.message);
        return NULL;
    }
    if (resp.status != 200) {
        text_sanitize(resp.body, resp.body_len, body, sizeof body);
        snprintf(why, why_size, "Received non 200 response %ld from "
                 "container metadata: %s", resp.status, body);
    } else {
        doc = json_parse(ctx, resp.body, resp.body_len, url, &net_err);
        if (doc == NULL)
            snprintf(why, why_size, "Unable to parse JSON returned from "
                     "container metadata services");
    }
    net_response_free(&resp);
    return doc;
}

static cJSON *
fetch_with_retries(struct awscred_context *ctx, const char *url,
                   const char *token, struct awscred_error *err)
{
    char why[768] = "";
    cJSON *doc = NULL;

    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
        doc = fetch_once(ctx, url, token, why, sizeof why);
        if (doc != NULL)
            return doc;
        ctx_log(ctx, LOG_DEBUG, "container metadata attempt %d: %s", attempt, why);
        if (attempt < ATTEMPTS
            && !sleep_within_deadline(ctx, RETRY_SLEEP_MS))
            break;
    }
    /* CredentialRetrievalError wrapping str(MetadataRetrievalError). */
    error_set(err, ctx_time_left_ms(ctx) > 0 ? AWSCRED_ERR_RETRIEVAL
                                             : AWSCRED_ERR_TIMEOUT,
              METHOD, url,
              "Error when retrieving credentials from container-role: "
              "Error retrieving metadata: %s", why);
    return NULL;
}

static char *
credentials_url(struct awscred_context *ctx)
{
    const char *relative = ctx_getenv(ctx, ENV_RELATIVE);

    if (relative != NULL)
        return xasprintf("http://" ECS_HOST "%s", relative);
    return xstrdup(ctx_getenv(ctx, ENV_FULL));
}

static enum provider_outcome
load(struct resolver *r, const char *profile, struct awscred_credentials **out,
     struct awscred_error *err)
{
    struct awscred_context *ctx = r->ctx;
    enum provider_outcome outcome = PROVIDER_FAILED;
    char *url, *token = NULL;
    const char *missing;
    cJSON *doc = NULL;

    (void) profile;
    if (ctx_getenv(ctx, ENV_RELATIVE) == NULL
        && ctx_getenv(ctx, ENV_FULL) == NULL)
        return PROVIDER_SKIP;
    url = credentials_url(ctx);
    if (url == NULL) {
        error_set(err, AWSCRED_ERR_NOMEM, METHOD, "", "out of memory");
        return PROVIDER_FAILED;
    }
    if (check_allowed_url(url, err) != AWSCRED_OK
        || read_auth_token(ctx, &token, err) != AWSCRED_OK)
        goto done;
    doc = fetch_with_retries(ctx, url, token, err);
    if (doc == NULL)
        goto done;
    *out = credentials_from_metadata(doc, &missing);
    if (*out == NULL) {
        error_set(err, AWSCRED_ERR_RETRIEVAL, METHOD, url,
                  "Error when retrieving credentials from container-role: "
                  "Missing or invalid key in response: '%s'",
                  missing != NULL ? missing : "(out of memory)");
        goto done;
    }
    (*out)->method = METHOD;
    outcome = PROVIDER_FOUND;
done:
    json_free(doc);
    secret_free(token);
    free(url);
    return outcome;
}

const struct provider provider_container = {METHOD, load};
