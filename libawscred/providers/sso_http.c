/*
 * sso_http.c: what the IAM Identity Center provider's two services, the
 * portal (GetRoleCredentials) and SSO-OIDC (CreateToken), have in common:
 * the endpoint as AWS CLI v2 resolves it (AWS_ENDPOINT_URL_SSO,
 * AWS_ENDPOINT_URL_SSO_OIDC, [services], endpoint_url, else the regional
 * host for sso_region), unsigned requests with the CLI's retries, and
 * botocore's wording of REST-JSON errors.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/cfg.h"
#include "providers/common.h"
#include "providers/sso.h"

#define SSO_CONNECT_TIMEOUT_MS 5000u
#define SSO_TIMEOUT_MS 10000u
/* Attempts from net_max_attempts(); shorter backoff, as a login waits
   for it (as for STS). */
#define SSO_FIRST_BACKOFF_MS 200
#define SSO_MIN_ATTEMPT_MS 1000

const struct sso_service sso_portal = {"SSO", "sso", &net_sso};
const struct sso_service sso_oidc = {"SSO_OIDC", "sso_oidc", &net_sso_oidc};

void
sso_claim_error(struct awscred_error *err)
{
    if (err != NULL && err->provider[0] == '\0')
        snprintf(err->provider, sizeof(err->provider), "%s", SSO_METHOD);
}

enum awscred_status
sso_url(struct resolver *r, const struct sso_service *s, const char *region,
        const char *path, char **url, struct awscred_error *err)
{
    const char *configured;
    char *base = NULL;
    enum awscred_status st;
    size_t n;

    *url = NULL;
    if (!region_name_ok(region))
        return error_set(err, AWSCRED_ERR_INVALID_CONFIG, SSO_METHOD, NULL,
                         "Provided region_name '%s' doesn't match a "
                         "supported format.",
                         region);
    st = net_configured_endpoint(r, s->env_name, s->services_key, &configured,
                                 err);
    if (st != AWSCRED_OK)
        return st;
    st = net_service_url(r, s->hosts, region, configured, &base, err);
    if (st != AWSCRED_OK)
        return st;
    if (configured != NULL) {
        n = strlen(configured);
        while (n > 0 && configured[n - 1] == '/')
            n--;
        *url = xasprintf("%.*s%s", (int) n, configured, path);
    } else {
        *url = xasprintf("%s%s", base, path);
        free(base);
    }
    if (*url == NULL)
        return error_set(err, AWSCRED_ERR_NOMEM, SSO_METHOD, NULL,
                         "out of memory");
    return AWSCRED_OK;
}

/* botocore _is_generic_error_response: a 5xx with an empty or HTML body
   is described by its status alone. */
static bool
generic_error(const struct net_response *resp)
{
    const char *p = resp->body != NULL ? resp->body : "";

    while (isspace((unsigned char) *p))
        p++;
    return resp->status >= 500 && (*p == '\0' || strncmp(p, "<html>", 6) == 0);
}

/* The code and message of a REST-JSON error as botocore's parser finds
   them: code, Code or __type (namespace and ':' suffix dropped), else the
   status; message or Message, else the whole body when it is not JSON. */
static void
error_fields(struct awscred_context *ctx, const struct net_response *resp,
             const char *url, char *code, size_t code_size, char *message,
             size_t message_size)
{
    const char *c = NULL, *m = NULL, *start;
    size_t n;
    cJSON *doc = NULL;

    snprintf(code, code_size, "%ld", resp->status);
    message[0] = '\0';
    if (generic_error(resp)) {
        snprintf(message, message_size, "%s", net_reason_phrase(resp->status));
        return;
    }
    if (resp->body_len > 0)
        doc = json_parse(ctx, resp->body, resp->body_len, url, NULL);
    if (doc == NULL) {
        text_sanitize(resp->body, resp->body_len, message, message_size);
        return;
    }
    c = json_get_string(doc, "code");
    c = c != NULL ? c : json_get_string(doc, "Code");
    c = c != NULL ? c : json_get_string(doc, "__type");
    m = json_get_string(doc, "message");
    m = m != NULL ? m : json_get_string(doc, "Message");
    if (c != NULL) {
        n = strcspn(c, ":");
        start = c;
        for (const char *p = c; p < c + n; p++)
            if (*p == '#')
                start = p + 1;
        text_sanitize(start, (size_t) (c + n - start), code, code_size);
    }
    if (m != NULL)
        text_sanitize(m, strlen(m), message, message_size);
    json_free(doc);
}

static enum awscred_status
service_error(struct awscred_context *ctx, const struct net_response *resp,
              const struct sso_request *q, unsigned retries, bool exhausted,
              struct awscred_error *err)
{
    char code[128], message[512], retry[48] = "";

    error_fields(ctx, resp, q->url, code, sizeof(code), message,
                 sizeof(message));
    if (retries > 0 || exhausted)
        snprintf(retry, sizeof(retry), " (reached max retries: %u)", retries);
    return error_set(err, AWSCRED_ERR_SERVICE,
                     q->method_name != NULL ? q->method_name : SSO_METHOD,
                     q->url,
                     "An error occurred (%s) when calling the %s operation%s: "
                     "%s",
                     code, q->operation, retry, message);
}

static bool
worth_retrying(long status)
{
    return status == 429 || status >= 500;
}

enum awscred_status
sso_call(struct resolver *r, const struct sso_request *q,
         struct net_response *resp, struct awscred_error *err)
{
    struct net_request req = {
        .method = q->method, .url = q->url,
        .headers = q->headers, .nheaders = q->nheaders,
        .body = q->body, .body_len = q->body_len,
        .connect_timeout_ms = SSO_CONNECT_TIMEOUT_MS,
        .timeout_ms = SSO_TIMEOUT_MS,
        .endpoint_label = q->method_name != NULL ? q->method_name : "SSO",
    };
    char *bundle = NULL;
    int64_t backoff_ms = SSO_FIRST_BACKOFF_MS;
    unsigned retries = 0, attempts = net_max_attempts(r);
    enum awscred_status st;

    memset(resp, 0, sizeof(*resp));
    st = net_ca_bundle(r, &bundle, err);
    if (st != AWSCRED_OK)
        return st;
    req.ca_bundle = bundle;
    for (;;) {
        st = net_http(r->ctx, &req, resp, err);
        if (st != AWSCRED_OK || !worth_retrying(resp->status)
            || retries + 1 >= attempts
            || ctx_time_left_ms(r->ctx) < backoff_ms + SSO_MIN_ATTEMPT_MS)
            break;
        net_response_free(resp);
        sleep_within_deadline(r->ctx, (unsigned) backoff_ms);
        backoff_ms *= 2;
        retries++;
    }
    free(bundle);
    if (st == AWSCRED_OK && resp->status != 200)
        st = service_error(
            r->ctx, resp, q, retries,
            worth_retrying(resp->status) && retries + 1 >= attempts, err);
    if (st != AWSCRED_OK && q->method_name == NULL)
        sso_claim_error(err);
    return st;
}
