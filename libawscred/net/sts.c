/*
 * sts.c: STS Query API calls (doc/credential-chain.md section 12)
 * for the assume-role and web identity providers: the endpoint as AWS CLI
 * v2 resolves it (section 2.1), a form-encoded POST signed with SigV4 (or
 * not, for AssumeRoleWithWebIdentity), GetSessionToken for an MFA session
 * (awscred_context_set_mfa_session), the XML reply turned into the
 * document the CLI caches, and the CLI's cache in front of it all. The
 * configured-endpoint lookup and the CA bundle serve the SSO provider too.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cache/cache.h"
#include "config/cfg.h"
#include "net/net.h"
#include "util/buf.h"

#define STS_VERSION "2011-06-15"
#define STS_GLOBAL_REGION "us-east-1"
#define STS_CONNECT_TIMEOUT_MS 5000u
#define STS_TIMEOUT_MS 10000u
/* Retries as net_max_attempts() says; botocore's backoff is random up to
   2^n s, ours is shorter, as a login waits for it. */
#define STS_FIRST_BACKOFF_MS 200
#define STS_MIN_ATTEMPT_MS 1000

/* ---- Endpoint ---------------------------------------------------------- */

unsigned
net_max_attempts(const struct resolver *r)
{
    const struct cfg_section *prof = cfg_profile(r->cfg, r->profile);
    const char *mode = ctx_getenv(r->ctx, "AWS_RETRY_MODE");
    const char *n = ctx_getenv(r->ctx, "AWS_MAX_ATTEMPTS");
    long long v;

    if (mode == NULL)
        mode = cfg_get(prof, "retry_mode");
    if (n == NULL)
        n = cfg_get(prof, "max_attempts");
    if (n != NULL && py_int(n, &v))
        return v < 1 ? 1u : v > NET_MAX_ATTEMPTS_CAP ? NET_MAX_ATTEMPTS_CAP
                                                    : (unsigned) v;
    /* botocore's legacy mode makes 5 attempts, standard and adaptive 3. */
    return mode != NULL && strcmp(mode, "legacy") == 0 ? 5u : 3u;
}

bool
net_session_flag(const struct resolver *r, const char *env, const char *key)
{
    const char *v = ctx_getenv(r->ctx, env);

    if (v == NULL)
        v = cfg_get(cfg_profile(r->cfg, r->profile), key);
    return v != NULL && str_ieq(v, "true");
}

static bool
ignore_configured_endpoints(const struct resolver *r)
{
    return net_session_flag(r, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                            "ignore_configured_endpoint_urls");
}

/*
 * With AWSCRED_FLAG_NO_FILE_ENDPOINTS, *value (key of s, from a file) is
 * an error instead of a setting; *value NULL passes.
 */
static enum awscred_status
file_setting_allowed(const struct resolver *r, const struct cfg_section *s,
                     const char *key, const char *what, const char **value,
                     struct awscred_error *err)
{
    if (*value == NULL || !(r->ctx->flags & AWSCRED_FLAG_NO_FILE_ENDPOINTS))
        return AWSCRED_OK;
    *value = NULL;
    return error_disabled(err, NULL, s, key, what);
}

/*
 * botocore ConfiguredEndpointProvider: AWS_ENDPOINT_URL_<env_name>,
 * AWS_ENDPOINT_URL, the profile's [services] section's <services_key>
 * endpoint_url, the profile's endpoint_url. *url NULL when none is
 * configured.
 */
enum awscred_status
net_configured_endpoint(const struct resolver *r, const char *env_name,
                        const char *services_key, const char **url,
                        struct awscred_error *err)
{
    const struct cfg_section *prof = cfg_profile(r->cfg, r->profile);
    const struct cfg_section *services, *nested;
    const char *name;
    char env[64], what[300];

    *url = NULL;
    if (ignore_configured_endpoints(r))
        return AWSCRED_OK;
    snprintf(env, sizeof(env), "AWS_ENDPOINT_URL_%s", env_name);
    *url = ctx_getenv_nonempty(r->ctx, env);
    if (*url == NULL)
        *url = ctx_getenv_nonempty(r->ctx, "AWS_ENDPOINT_URL");
    if (*url != NULL || prof == NULL)
        return AWSCRED_OK;
    name = cfg_get(prof, "services");
    if (name != NULL) {
        services = cfg_services(r->cfg, name);
        if (services == NULL)
            return error_set(err, AWSCRED_ERR_INVALID_CONFIG, NULL,
                             cfg_section_file(prof),
                             "The profile is configured to use the services "
                             "section but the \"%s\" services configuration "
                             "does not exist.",
                             name);
        nested = cfg_get_nested(services, services_key);
        *url = cfg_get(nested, "endpoint_url");
        if (*url != NULL && (*url)[0] == '\0')
            *url = NULL;
        if (*url != NULL) {
            snprintf(what, sizeof(what), "services %s (%s)", name,
                     services_key);
            return file_setting_allowed(r, nested, "endpoint_url", what,
                                        url, err);
        }
    }
    *url = cfg_get(prof, "endpoint_url");
    if (*url != NULL && (*url)[0] == '\0')
        *url = NULL;
    snprintf(what, sizeof(what), "profile %s", r->profile);
    return file_setting_allowed(r, prof, "endpoint_url", what, url, err);
}

/* "https://host" → "https://host/", the URL botocore requests and names
   in its messages. */
static enum awscred_status
with_root_path(char **url, struct awscred_error *err)
{
    const char *start = strstr(*url, "://");
    char *fixed;

    if (start == NULL || strchr(start + 3, '/') != NULL)
        return AWSCRED_OK;
    fixed = xasprintf("%s/", *url);
    free(*url);
    *url = fixed;
    if (fixed == NULL)
        return error_set(err, AWSCRED_ERR_NOMEM, NULL, NULL, "out of memory");
    return AWSCRED_OK;
}

enum awscred_status
net_sts_endpoint(struct resolver *r, char **url, const char **signing_region,
                 struct awscred_error *err)
{
    const char *region = r->region != NULL && r->region[0] != '\0' ? r->region
                                                                   : NULL;
    const char *configured;
    enum awscred_status st;

    *url = NULL;
    st = net_configured_endpoint(r, "STS", "sts", &configured, err);
    if (st != AWSCRED_OK)
        return st;
    /* With an endpoint override botocore has no region to fall back on
       (NoRegionError when the client is made); sts_prepare() says so. */
    *signing_region = region != NULL     ? region
                      : configured != NULL ? NULL
                                           : STS_GLOBAL_REGION;
    /* botocore's STS client without a region is in aws-global. */
    st = net_service_url(r, &net_sts, region != NULL ? region : "aws-global",
                         configured, url, err);
    if (st != AWSCRED_OK)
        return st;
    if (configured != NULL)
        *url = xstrdup(configured);
    if (*url == NULL)
        return error_set(err, AWSCRED_ERR_NOMEM, NULL, NULL, "out of memory");
    return with_root_path(url, err);
}

/* ---- Request ----------------------------------------------------------- */

static void
form_param(struct buf *f, const char *name, const char *value)
{
    if (f->len > 0)
        buf_char(f, '&');
    buf_uri_encode(f, name, strlen(name), false);
    buf_char(f, '=');
    buf_uri_encode(f, value, strlen(value), false);
}

/* "https://host:port/path?q" → host (with port) and path. */
static int
split_url(const char *url, char **host, const char **path)
{
    const char *start = strstr(url, "://"), *end;

    if (start == NULL)
        return -1;
    start += 3;
    end = start + strcspn(start, "/?#");
    if (end == start)
        return -1;
    *host = xstrndup(start, (size_t) (end - start));
    *path = *end == '/' ? end : "/";
    return *host != NULL ? 0 : -1;
}

const char *
net_reason_phrase(long status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
    }
}

/* botocore's ClientError: "An error occurred (Code) when calling the X
   operation: Message", code and message from the error document, or the
   status and its reason when there is none. *code_out gets a copy of the
   code (or NULL). */
static enum awscred_status
service_error(struct awscred_context *ctx, const struct net_sts_call *call,
              const char *url, const struct net_response *resp,
              char **code_out, struct awscred_error *err)
{
    struct net_xml xml;
    struct awscred_error ignored;
    const char *code = NULL, *message = NULL;
    char status[16];

    if (resp->body_len > 0
        && net_xml_parse(ctx, resp->body, resp->body_len, url, &xml,
                         &ignored) == AWSCRED_OK) {
        code = net_xml_find(&xml, "Error/Code");
        message = net_xml_find(&xml, "Error/Message");
    } else {
        memset(&xml, 0, sizeof(xml));
    }
    snprintf(status, sizeof(status), "%ld", resp->status);
    error_set(err, AWSCRED_ERR_SERVICE, call->provider, url,
              "An error occurred (%s) when calling the %s operation: %s",
              code != NULL ? code : status, call->action,
              message != NULL ? message
              : code != NULL  ? "Unknown"
                              : net_reason_phrase(resp->status));
    *code_out = xstrdup(code);
    net_xml_free(&xml);
    return AWSCRED_ERR_SERVICE;
}

/* Signs and adds the SigV4 headers to hdr (strings kept in sig). */
static enum awscred_status
sign_request(struct resolver *r, const struct net_sts_call *call,
             const char *region, const char *path, const struct buf *body,
             struct net_header *hdr, size_t *n, struct net_sigv4_result *sig,
             struct awscred_error *err)
{
    struct net_sigv4_request sreq;
    enum awscred_status st;

    memset(&sreq, 0, sizeof(sreq));
    sreq.method = "POST";
    sreq.path = path;
    sreq.headers = hdr;
    sreq.nheaders = *n;
    sreq.payload = body->data;
    sreq.payload_len = body->len;
    sreq.region = region;
    sreq.service = "sts";
    sreq.time = ctx_now(r->ctx);
    sreq.access_key_id = call->signer->access_key_id;
    sreq.secret_access_key = call->signer->secret_access_key;
    sreq.session_token = call->signer->session_token;
    sreq.normalize_path = true;
    st = net_sigv4_sign(r->ctx, &sreq, sig, err);
    if (st != AWSCRED_OK)
        return st;
    hdr[(*n)++] = (struct net_header){"X-Amz-Date", sig->amz_date};
    if (call->signer->session_token != NULL)
        hdr[(*n)++] = (struct net_header){"X-Amz-Security-Token",
                                          call->signer->session_token};
    hdr[(*n)++] = (struct net_header){"Authorization", sig->authorization};
    return AWSCRED_OK;
}

enum awscred_status
net_ca_bundle(const struct resolver *r, char **bundle,
              struct awscred_error *err)
{
    const struct cfg_section *prof = cfg_profile(r->cfg, r->profile);
    const char *v = ctx_getenv_nonempty(r->ctx, "AWS_CA_BUNDLE");
    char what[300];
    enum awscred_status st;

    *bundle = NULL;
    if (v == NULL) {
        v = cfg_get(prof, "ca_bundle");
        snprintf(what, sizeof(what), "profile %s", r->profile);
        st = file_setting_allowed(r, prof, "ca_bundle", what, &v, err);
        if (st != AWSCRED_OK)
            return st;
    }
    *bundle = path_expand(r->ctx, v != NULL ? v : "");
    if (*bundle == NULL)
        return error_set(err, AWSCRED_ERR_NOMEM, NULL, NULL, "out of memory");
    return AWSCRED_OK;
}

/* What stays the same across the attempts of one call. */
struct sts_target {
    char *url;
    char *host;
    char *bundle;       /* CA bundle path, "" for the system store */
    const char *path;
    const char *region; /* signing region */
    struct buf body;
};

static void
sts_target_free(struct sts_target *t)
{
    buf_wipe(&t->body);
    free(t->bundle);
    free(t->host);
    free(t->url);
    memset(t, 0, sizeof(*t));
}

/* Characters of UTF-8 text, as Python's len() of the str. */
static size_t
text_chars(const char *s)
{
    size_t n = 0;

    for (; *s != '\0'; s++)
        n += ((unsigned char) *s & 0xc0) != 0x80;
    return n;
}

/* The minimum of a parameter botocore's ParamValidator checks (a length
   in characters, or DurationSeconds' value), from
   data/sts/2011-06-15/service-2.json, the same in AssumeRole and
   AssumeRoleWithWebIdentity; 0 for the others. */
static long long
param_min(const char *name)
{
    static const struct {
        const char *name;
        long long min;
    } mins[] = {
        {"RoleArn", 20},        {"RoleSessionName", 2}, {"ExternalId", 2},
        {"SerialNumber", 9},    {"TokenCode", 6},       {"SourceIdentity", 2},
        {"WebIdentityToken", 4}, {"DurationSeconds", 900},
    };

    for (size_t i = 0; i < sizeof(mins) / sizeof(mins[0]); i++)
        if (strcmp(name, mins[i].name) == 0)
            return mins[i].min;
    return 0;
}

/*
 * botocore's parameter validation, before any request: one line per
 * parameter below its minimum, in the order of the call's parameters
 * (botocore's order of the arguments). Maximums are left to STS, as
 * botocore leaves them.
 */
static enum awscred_status
validate_params(const struct net_sts_call *call, struct awscred_error *err)
{
    char report[sizeof(err->message)] = "Parameter validation failed:";
    size_t used = strlen(report);
    bool failed = false;

    for (size_t i = 0; i < call->nparams; i++) {
        const struct net_sts_param *p = &call->params[i];
        long long min = param_min(p->name), value;
        size_t len = text_chars(p->value);
        int n;

        if (strcmp(p->name, "DurationSeconds") == 0) {
            if (!py_int(p->value, &value) || value >= min)
                continue;
            n = snprintf(report + used, sizeof(report) - used,
                         "\nInvalid value for parameter %s, value: %lld, "
                         "valid min value: %lld", p->name, value, min);
        } else {
            if ((long long) len >= min)
                continue;
            n = snprintf(report + used, sizeof(report) - used,
                         "\nInvalid length for parameter %s, value: %zu, "
                         "valid min length: %lld", p->name, len, min);
        }
        used += n > 0 ? (size_t) n : 0;
        if (used >= sizeof(report))
            used = sizeof(report) - 1;
        failed = true;
    }
    if (!failed)
        return AWSCRED_OK;
    return error_set(err, AWSCRED_ERR_PARAM_VALIDATION, call->provider, NULL,
                     "%s", report);
}

static enum awscred_status
sts_prepare(struct resolver *r, const struct net_sts_call *call,
            struct sts_target *t, struct awscred_error *err)
{
    enum awscred_status st;
    size_t i;

    memset(t, 0, sizeof(*t));
    st = net_sts_endpoint(r, &t->url, &t->region, err);
    if (st != AWSCRED_OK)
        return st;
    if (t->region == NULL)
        return error_set(err, AWSCRED_ERR_NO_REGION, call->provider, NULL,
                         "You must specify a region.");
    st = validate_params(call, err);
    if (st != AWSCRED_OK)
        return st;
    if (split_url(t->url, &t->host, &t->path) != 0)
        return error_set(err, AWSCRED_ERR_INVALID_CONFIG, call->provider,
                         t->url, "Invalid endpoint: %s", t->url);
    form_param(&t->body, "Action", call->action);
    form_param(&t->body, "Version", STS_VERSION);
    for (i = 0; i < call->nparams; i++)
        form_param(&t->body, call->params[i].name, call->params[i].value);
    if (t->body.failed)
        return error_set(err, AWSCRED_ERR_NOMEM, NULL, NULL, "out of memory");
    return net_ca_bundle(r, &t->bundle, err);
}

/* Error codes botocore's standard retry mode retries (retries/standard.py,
   plus STS's IDPCommunicationError from data/_retry.json). */
static bool
code_is_transient(const char *code)
{
    static const char *const codes[] = {
        "Throttling", "ThrottlingException", "ThrottledException",
        "RequestThrottledException", "TooManyRequestsException",
        "RequestLimitExceeded", "RequestThrottled", "SlowDown",
        "PriorRequestNotComplete", "RequestTimeout", "RequestTimeoutException",
        "IDPCommunicationError", NULL};

    for (size_t i = 0; code != NULL && codes[i] != NULL; i++)
        if (strcmp(code, codes[i]) == 0)
            return true;
    return false;
}

/*
 * One attempt, signed afresh (the time stamp moves). *transient says
 * whether a failure is worth another attempt: a 5xx or a throttling code.
 * Transport failures and timeouts are not retried (the time budget).
 */
static enum awscred_status
sts_attempt(struct resolver *r, const struct net_sts_call *call,
            const struct sts_target *t, struct net_xml *out, bool *transient,
            struct awscred_error *err)
{
    struct net_header hdr[6];
    struct net_sigv4_result sig;
    struct net_request req;
    struct net_response resp;
    char *code = NULL;
    enum awscred_status st = AWSCRED_OK;
    size_t n = 0;

    *transient = false;
    memset(&sig, 0, sizeof(sig));
    memset(&resp, 0, sizeof(resp));
    hdr[n++] = (struct net_header){"Content-Type",
                                   "application/x-www-form-urlencoded; "
                                   "charset=utf-8"};
    hdr[n++] = (struct net_header){"Host", t->host};
    if (call->signer != NULL)
        st = sign_request(r, call, t->region, t->path, &t->body, hdr, &n,
                          &sig, err);
    if (st != AWSCRED_OK)
        goto done;
    memset(&req, 0, sizeof(req));
    req.method = "POST";
    req.url = t->url;
    req.headers = hdr;
    req.nheaders = n;
    req.body = t->body.data;
    req.body_len = t->body.len;
    req.connect_timeout_ms = STS_CONNECT_TIMEOUT_MS;
    req.timeout_ms = STS_TIMEOUT_MS;
    req.ca_bundle = t->bundle;
    req.endpoint_label = "STS";
    st = net_http(r->ctx, &req, &resp, err);
    if (st != AWSCRED_OK) {
        if (err != NULL && call->provider != NULL)
            snprintf(err->provider, sizeof(err->provider), "%s",
                     call->provider);
        goto done;
    }
    if (resp.status != 200) {
        st = service_error(r->ctx, call, t->url, &resp, &code, err);
        *transient = resp.status >= 500 || code_is_transient(code);
        free(code);
        goto done;
    }
    st = net_xml_parse(r->ctx, resp.body, resp.body_len, t->url, out, err);
done:
    net_response_free(&resp);
    net_sigv4_result_free(&sig);
    return st;
}

/* botocore's "(reached max retries: N)" after the operation name. */
static void
note_retries(struct awscred_error *err, unsigned retries, bool exhausted)
{
    char *colon, rest[sizeof(err->message)];

    if (err == NULL || (retries == 0 && !exhausted)
        || (colon = strstr(err->message, " operation: ")) == NULL)
        return;
    colon += strlen(" operation");
    snprintf(rest, sizeof(rest), "%s", colon);
    snprintf(colon, sizeof(err->message) - (size_t) (colon - err->message),
             " (reached max retries: %u)%s", retries, rest);
}

static void
sleep_ms(int64_t ms)
{
    struct timespec ts = {(time_t) (ms / 1000), (long) (ms % 1000) * 1000000};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        continue;
}

enum awscred_status
net_sts_call(struct resolver *r, const struct net_sts_call *call,
             struct net_xml *out, struct awscred_error *err)
{
    struct sts_target t;
    enum awscred_status st;
    unsigned retries = 0, attempts = net_max_attempts(r);
    int64_t backoff_ms = STS_FIRST_BACKOFF_MS;
    bool transient = false;

    memset(out, 0, sizeof(*out));
    st = sts_prepare(r, call, &t, err);
    while (st == AWSCRED_OK) {
        st = sts_attempt(r, call, &t, out, &transient, err);
        /* Retry only while the budget leaves room for another attempt. */
        if (st == AWSCRED_OK || !transient || retries + 1 >= attempts
            || ctx_time_left_ms(r->ctx) < backoff_ms + STS_MIN_ATTEMPT_MS)
            break;
        sleep_ms(backoff_ms);
        backoff_ms *= 2;
        retries++;
        st = AWSCRED_OK;
    }
    if (st == AWSCRED_ERR_SERVICE)
        note_retries(err, retries, transient && retries + 1 >= attempts);
    sts_target_free(&t);
    return st;
}

/* ---- Result: the document the AWS CLI caches --------------------------- */

/* Sets doc[a][b]... = text for a leaf path "a/b/...", creating objects. */
static bool
doc_set(struct awscred_context *ctx, cJSON *doc, const char *path,
        const char *text)
{
    char name[128];
    const char *slash;
    cJSON *child, *value;
    int64_t t;
    char iso[32];

    while ((slash = strchr(path, '/')) != NULL) {
        if ((size_t) (slash - path) >= sizeof(name))
            return false;
        memcpy(name, path, (size_t) (slash - path));
        name[slash - path] = '\0';
        child = json_get(doc, name);
        if (child == NULL)
            child = json_add_object(ctx, doc, name);
        if (!json_is(child, cJSON_Object))
            return false;
        doc = child;
        path = slash + 1;
    }
    if (json_get(doc, path) != NULL)
        return true;
    if (strcmp(path, "Expiration") == 0 && time_parse_iso8601(text, &t) == 0) {
        /* As AWS CLI v2 writes it. */
        time_format_iso8601(t, iso, sizeof(iso));
        value = json_new_string(ctx, iso);
    } else if (strcmp(path, "PackedPolicySize") == 0) {
        value = json_new_number(ctx, strtod(text, NULL));
    } else {
        value = json_new_string(ctx, text);
    }
    return value != NULL && json_add(ctx, doc, path, value);
}

/* The parsed reply as botocore returns it: the <Action>Result members and
   ResponseMetadata. */
static cJSON *
sts_document(struct awscred_context *ctx, const struct net_xml *xml,
             const char *action)
{
    char result[96], metadata[96];
    size_t rlen, mlen, i;
    const char *path;
    cJSON *doc = json_new_object(ctx);
    bool ok = doc != NULL;

    rlen = (size_t) snprintf(result, sizeof(result), "%sResponse/%sResult/",
                             action, action);
    mlen = (size_t) snprintf(metadata, sizeof(metadata), "%sResponse/",
                             action);
    for (i = 0; ok && i < xml->count; i++) {
        path = xml->leaves[i].path;
        if (strncmp(path, result, rlen) == 0)
            ok = doc_set(ctx, doc, path + rlen, xml->leaves[i].text);
        else if (strncmp(path, metadata, mlen) == 0
                 && strncmp(path + mlen, "ResponseMetadata/", 17) == 0)
            ok = doc_set(ctx, doc, path + mlen, xml->leaves[i].text);
    }
    if (ok) {
        cJSON *meta = json_get(doc, "ResponseMetadata");

        if (meta == NULL)
            meta = json_add_object(ctx, doc, "ResponseMetadata");
        ok = meta != NULL && json_add_number(ctx, meta, "HTTPStatusCode", 200)
             && json_add_number(ctx, meta, "RetryAttempts", 0);
    }
    if (!ok) {
        json_free(doc);
        return NULL;
    }
    return doc;
}

enum awscred_status
net_sts_credentials(struct resolver *r, const struct net_sts_call *call,
                    const char *cache_key, struct awscred_credentials **out,
                    struct awscred_error *err)
{
    struct net_xml xml;
    cJSON *doc = NULL;
    char *text = NULL, *url = NULL;
    const char *region;
    enum awscred_status st;

    *out = NULL;
    /* The reply becomes a JSON document (sts_document): load its support
       before the call, not after. */
    st = json_load(r->ctx, call->provider, err);
    if (st == AWSCRED_OK)
        st = net_sts_call(r, call, &xml, err);
    if (st != AWSCRED_OK)
        return st;
    doc = sts_document(r->ctx, &xml, call->action);
    if (doc != NULL)
        *out = cache_credentials(doc, call->provider);
    if (*out == NULL) {
        if (net_sts_endpoint(r, &url, &region, NULL) != AWSCRED_OK)
            url = NULL;
        st = error_set(err, AWSCRED_ERR_RETRIEVAL, call->provider, url,
                       "Unable to parse response from %s: the %s reply has "
                       "no complete Credentials",
                       url != NULL ? url : "STS", call->action);
        goto done;
    }
    if (cache_key != NULL) {
        text = json_print(r->ctx, doc);
        if (text != NULL)
            cache_store(r->ctx, cache_key, text);
    }
done:
    secret_free(text);
    free(url);
    json_free(doc);
    net_xml_free(&xml);
    return st;
}

/* ---- MFA --------------------------------------------------------------- */

enum awscred_status
net_mfa_code(const struct resolver *r, const char *method, const char *serial,
             char *code, size_t size, struct awscred_error *err)
{
    char prompt[512];

    snprintf(prompt, sizeof(prompt), "Enter MFA code for %s: ", serial);
    if (r->ctx->prompt == NULL
        || r->ctx->prompt(r->ctx->prompt_arg, prompt, 0, code, size) != 0)
        return error_set(err, AWSCRED_ERR_RETRIEVAL, method, NULL,
                         "Profile \"%s\" needs an MFA code for %s, but "
                         "there is no way to ask for it here",
                         r->profile, serial);
    return AWSCRED_OK;
}

enum awscred_status
net_sts_session_token(struct resolver *r, const char *serial,
                      const struct awscred_credentials *src,
                      struct awscred_credentials **out,
                      struct awscred_error *err)
{
    /* botocore's order of the operation's members (service-2.json's
       GetSessionTokenRequest): DurationSeconds, SerialNumber, TokenCode */
    struct net_sts_param params[3];
    struct net_sts_call call = {"GetSessionToken", NET_SESSION_TOKEN_METHOD,
                                params, 3, src};
    char duration[24], code[64] = "";
    enum awscred_status st;

    *out = NULL;
    st = net_mfa_code(r, NET_SESSION_TOKEN_METHOD, serial, code, sizeof(code),
                      err);
    if (st != AWSCRED_OK)
        return st;
    snprintf(duration, sizeof(duration), "%ld", r->ctx->mfa_session_s);
    params[0] = (struct net_sts_param){"DurationSeconds", duration};
    params[1] = (struct net_sts_param){"SerialNumber", serial};
    params[2] = (struct net_sts_param){"TokenCode", code};
    /* the CLI caches no GetSessionToken reply: neither do we */
    st = net_sts_credentials(r, &call, NULL, out, err);
    secret_wipe(code, sizeof(code));
    return st;
}
