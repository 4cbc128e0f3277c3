/*
 * EC2 instance profile credentials from the instance metadata service:
 * botocore's InstanceMetadataProvider / InstanceMetadataFetcher
 * (doc/credential-chain.md section 6).
 *
 * PUT latest/api/token (IMDSv2), then GET the role name and the role's
 * credentials with the token. Without a token (403/404/405, a read
 * timeout, or attempts used up) the GETs go without one (IMDSv1) unless
 * ec2_metadata_v1_disabled, which stops the chain as in the CLI. A 400 on
 * the token, unreachable metadata, or unusable answers mean "no
 * credentials here": the chain goes on. Expiring credentials get botocore's
 * stale-credential extension. Skipped with AWSCRED_FLAG_NO_IMDS (the PAM
 * module's default) and when AWS_EC2_METADATA_DISABLED=true.
 *
 * Divergence: an invalid endpoint or endpoint mode is reported when this
 * provider is reached; botocore reports it when the chain is built.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <syslog.h>

#include "config/cfg.h"
#include "internal.h"
#include "net/net.h"
#include "providers/common.h"
#include "providers/provider.h"

#define METHOD "iam-role"
#define BASE_URL "http://169.254.169.254/"
#define BASE_URL_IPV6 "http://[fd00:ec2::254]/"
#define TOKEN_PATH "latest/api/token"
#define ROLE_PATH "latest/meta-data/iam/security-credentials/"
#define TOKEN_TTL "21600"
/* The chain passes the advisory refresh window (15 min) as
   ec2_credential_refresh_window; botocore adds 2-10 min of jitter. */
#define REFRESH_WINDOW_S 900

struct imds {
    struct awscred_context *ctx;
    char *base_url;
    unsigned timeout_ms;
    unsigned attempts;
    bool v1_disabled;
    char *token;          /* NULL: IMDSv1 */
};

/* ---- Settings (env first, then the session's profile) ----------------- */

static const char *
setting(struct resolver *r, const char *env, const char *key)
{
    const char *v = ctx_getenv(r->ctx, env);

    return v != NULL ? v : cfg_get(cfg_profile(r->cfg, r->profile), key);
}

/* botocore's ensure_boolean on a string: only "true" (any case). */
static bool
setting_true(struct resolver *r, const char *env, const char *key)
{
    const char *v = setting(r, env, key);

    return v != NULL && str_ieq(v, "true");
}

/* Python's int() of a setting (botocore's config chain converts these
   with int), default when unset. */
static enum awscred_status
setting_int(struct resolver *r, const char *env, const char *key,
            long long dflt, long long *out, struct awscred_error *err)
{
    const char *v = setting(r, env, key);

    *out = dflt;
    if (v != NULL && !py_int(v, out))
        return error_set(err, AWSCRED_ERR_INVALID_CONFIG, METHOD, key,
                         "invalid literal for int() with base 10: '%s'", v);
    return AWSCRED_OK;
}

/* botocore's is_valid_uri, for the shapes an endpoint takes. */
static bool
valid_endpoint(const char *url)
{
    char scheme[16], host[300];

    if (strpbrk(url, "\t\r\n") != NULL
        || !url_parts(url, scheme, sizeof scheme, host, sizeof host)
        || host[0] == '\0' || strlen(host) > 255)
        return false;
    if (strchr(host, ':') != NULL)   /* an IPv6 literal */
        return strspn(host, "0123456789abcdef:.") == strlen(host);
    return strspn(host, "abcdefghijklmnopqrstuvwxyz0123456789-.")
           == strlen(host) && host[0] != '-' && host[0] != '.';
}

static enum awscred_status
choose_base_url(struct resolver *r, struct imds *m, struct awscred_error *err)
{
    const char *custom = setting(r, "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                 "ec2_metadata_service_endpoint");
    const char *mode = setting(r, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
                               "ec2_metadata_service_endpoint_mode");
    char what[300];
    bool ipv6;

    if (mode != NULL && !str_ieq(mode, "ipv4") && !str_ieq(mode, "ipv6"))
        return error_set(err, AWSCRED_ERR_INVALID_CONFIG, METHOD,
                         "ec2_metadata_service_endpoint_mode",
                         "Invalid EC2 Instance Metadata endpoint mode: %s "
                         "Valid endpoint modes (case-insensitive): "
                         "('ipv4', 'ipv6').", mode);
    ipv6 = mode != NULL ? str_ieq(mode, "ipv6")
                        : setting_true(r, "AWS_IMDS_USE_IPV6", "imds_use_ipv6");
    if (custom != NULL && (r->ctx->flags & AWSCRED_FLAG_NO_FILE_ENDPOINTS)
        && ctx_getenv(r->ctx, "AWS_EC2_METADATA_SERVICE_ENDPOINT") == NULL) {
        snprintf(what, sizeof(what), "profile %s", r->profile);
        return error_disabled(err, METHOD, cfg_profile(r->cfg, r->profile),
                              "ec2_metadata_service_endpoint", what);
    }
    if (custom != NULL && !valid_endpoint(custom))
        return error_set(err, AWSCRED_ERR_INVALID_CONFIG, METHOD, custom,
                         "Invalid endpoint EC2 Instance Metadata endpoint: %s",
                         custom);
    m->base_url = xstrdup(custom != NULL ? custom
                          : ipv6 ? BASE_URL_IPV6 : BASE_URL);
    if (m->base_url == NULL)
        return error_set(err, AWSCRED_ERR_NOMEM, METHOD, "", "out of memory");
    return AWSCRED_OK;
}

static enum awscred_status
read_settings(struct resolver *r, struct imds *m, struct awscred_error *err)
{
    long long timeout_s, attempts;
    enum awscred_status st;

    st = setting_int(r, "AWS_METADATA_SERVICE_TIMEOUT",
                     "metadata_service_timeout", 1, &timeout_s, err);
    if (st == AWSCRED_OK)
        st = setting_int(r, "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
                         "metadata_service_num_attempts", 1, &attempts, err);
    if (st != AWSCRED_OK)
        return st;
    m->timeout_ms = timeout_s <= 0 ? 1 : timeout_s > 3600 ? 3600000
                                        : (unsigned) timeout_s * 1000;
    m->attempts = attempts <= 0 ? 0 : attempts > 10 ? 10 : (unsigned) attempts;
    m->v1_disabled = setting_true(r, "AWS_EC2_METADATA_V1_DISABLED",
                                  "ec2_metadata_v1_disabled");
    return choose_base_url(r, m, err);
}

/* ---- Requests --------------------------------------------------------- */

static char *
imds_url(const struct imds *m, const char *path)
{
    size_t n = strlen(m->base_url);
    bool slash = n > 0 && m->base_url[n - 1] == '/';

    return xasprintf("%s%s%s", m->base_url, slash ? "" : "/", path);
}

static enum awscred_status
imds_request(struct imds *m, const char *method, const char *path,
             struct net_response *resp, struct awscred_error *err)
{
    struct net_header headers[1];
    struct net_request req = {
        .method = method,
        .headers = headers,
        .connect_timeout_ms = m->timeout_ms,
        .timeout_ms = m->timeout_ms,
        .endpoint_label = "EC2 instance metadata",
    };
    enum awscred_status st;
    char *url = imds_url(m, path);

    if (url == NULL)
        return error_set(err, AWSCRED_ERR_NOMEM, METHOD, "", "out of memory");
    req.url = url;
    if (strcmp(method, "PUT") == 0) {
        headers[0] = (struct net_header){"x-aws-ec2-metadata-token-ttl-seconds",
                                         TOKEN_TTL};
        req.nheaders = 1;
    } else if (m->token != NULL) {
        headers[0] = (struct net_header){"x-aws-ec2-metadata-token", m->token};
        req.nheaders = 1;
    }
    st = net_http(m->ctx, &req, resp, err);
    free(url);
    return st;
}

enum token_outcome { TOKEN_GOT, TOKEN_NONE, TOKEN_BAD_REQUEST };

/* _fetch_metadata_token: 200 token; 403/404/405 or a read timeout: none
   (IMDSv1); 400: no credentials at all; other answers and connection
   errors: try again, then none. */
static enum token_outcome
fetch_token(struct imds *m)
{
    for (unsigned i = 0; i < m->attempts; i++) {
        struct net_response resp;
        struct awscred_error err;
        enum awscred_status st = imds_request(m, "PUT", TOKEN_PATH, &resp,
                                              &err);
        long status;

        if (st == AWSCRED_ERR_TIMEOUT)
            return TOKEN_NONE;
        if (st != AWSCRED_OK) {
            ctx_log(m->ctx, LOG_DEBUG, "IMDS token request: %s", err.message);
            continue;
        }
        status = resp.status;
        if (status == 200 && resp.body_len > 0)
            m->token = xstrndup(resp.body, resp.body_len);
        net_response_free(&resp);
        if (status == 200)
            return m->token != NULL ? TOKEN_GOT : TOKEN_NONE;
        if (status == 403 || status == 404 || status == 405)
            return TOKEN_NONE;
        if (status == 400)
            return TOKEN_BAD_REQUEST;
    }
    return TOKEN_NONE;
}

/* _get_request: GET with retries while the answer is not 200, empty, or
   (for credentials) not JSON. NULL when the attempts are used up. */
static char *
get_with_retries(struct imds *m, const char *path, bool want_json)
{
    for (unsigned i = 0; i < m->attempts; i++) {
        struct net_response resp;
        struct awscred_error err;
        char *text = NULL;
        cJSON *doc;

        if (imds_request(m, "GET", path, &resp, &err) != AWSCRED_OK) {
            ctx_log(m->ctx, LOG_DEBUG, "IMDS request: %s", err.message);
            continue;
        }
        if (resp.status == 200 && resp.body_len > 0) {
            doc = want_json ? json_parse(m->ctx, resp.body, resp.body_len,
                                         path, &err)
                            : NULL;
            if (!want_json || doc != NULL)
                text = xstrndup(resp.body, resp.body_len);
            json_free(doc);
        }
        ctx_log(m->ctx, LOG_DEBUG, "IMDS GET %s: status %ld", path,
                resp.status);
        net_response_free(&resp);
        if (text != NULL)
            return text;
    }
    return NULL;
}

/* ---- Credentials ------------------------------------------------------ */

static int64_t
jitter_s(void)
{
    unsigned v;

    if (getrandom(&v, sizeof v, GRND_NONBLOCK) != (ssize_t) sizeof v)
        v = 240;
    return 120 + (int64_t) (v % 481);   /* random.randint(120, 600) */
}

/* _evaluate_expiration: credentials about to expire (IMDS could not
   refresh them) are used for one more window instead of failing. */
static void
extend_if_stale(struct imds *m, struct awscred_credentials *c)
{
    int64_t window = REFRESH_WINDOW_S + jitter_s();
    int64_t now = ctx_now(m->ctx);

    if (now < c->expiration - window)
        return;
    c->expiration = now + window;
    ctx_log(m->ctx, LOG_INFO, "Attempting credential expiration extension "
            "due to a credential service availability issue. A refresh of "
            "these credentials will be attempted again within the next %.0f "
            "minutes.", (double) window / 60.0);
}

static struct awscred_credentials *
parse_credentials(struct imds *m, const char *text)
{
    struct awscred_error err;
    cJSON *doc = json_parse(m->ctx, text, strlen(text), "IMDS", &err);
    struct awscred_credentials *c = NULL;
    const char *missing = NULL;

    if (doc != NULL)
        c = credentials_from_metadata(doc, &missing);
    if (c == NULL)
        ctx_log(m->ctx, LOG_DEBUG, "IMDS credentials unusable (%s)",
                missing != NULL ? missing : "not an object");
    json_free(doc);
    return c;
}

/* Role name, then the role's credentials; NULL: none here. */
static struct awscred_credentials *
fetch_credentials(struct imds *m)
{
    struct awscred_credentials *c = NULL;
    char *role = get_with_retries(m, ROLE_PATH, false);
    char *path = NULL, *text = NULL;

    if (role == NULL)
        return NULL;
    /* The name goes into a URL: no controls, no path tricks. */
    if (strpbrk(role, "/?#%\r\n\t ") != NULL || strcmp(role, "..") == 0) {
        ctx_log(m->ctx, LOG_WARNING, "IMDS returned an unusable role name");
        goto done;
    }
    path = xasprintf(ROLE_PATH "%s", role);
    text = path != NULL ? get_with_retries(m, path, true) : NULL;
    if (text != NULL)
        c = parse_credentials(m, text);
    if (c != NULL)
        extend_if_stale(m, c);
done:
    secret_free(text);
    free(path);
    free(role);
    return c;
}

static enum provider_outcome
load(struct resolver *r, const char *profile, struct awscred_credentials **out,
     struct awscred_error *err)
{
    const char *disabled = ctx_getenv(r->ctx, "AWS_EC2_METADATA_DISABLED");
    struct imds m = {.ctx = r->ctx};
    enum provider_outcome outcome = PROVIDER_SKIP;

    (void) profile;
    if ((r->ctx->flags & AWSCRED_FLAG_NO_IMDS)
        || (disabled != NULL && str_ieq(disabled, "true")))
        return PROVIDER_SKIP;
    /* Without the network module every request would fail like an absent
       metadata service and hide a broken installation: say so instead. */
    if (read_settings(r, &m, err) != AWSCRED_OK
        || (!(r->ctx->flags & AWSCRED_FLAG_NO_NETWORK)
            && net_load(r->ctx, err) != AWSCRED_OK)) {
        outcome = PROVIDER_FAILED;
        goto done;
    }
    switch (fetch_token(&m)) {
    case TOKEN_BAD_REQUEST:
        ctx_log(r->ctx, LOG_DEBUG, "Bad IMDS request (400 on the token)");
        goto done;
    case TOKEN_NONE:
        if (m.v1_disabled) {
            error_set(err, AWSCRED_ERR_RETRIEVAL, METHOD, m.base_url,
                      "Error retrieving metadata: Unable to retrieve token "
                      "for use in IMDSv2 call and IMDSv1 has been disabled");
            outcome = PROVIDER_FAILED;
            goto done;
        }
        break;
    case TOKEN_GOT:
        break;
    }
    *out = fetch_credentials(&m);
    if (*out != NULL) {
        (*out)->method = METHOD;
        outcome = PROVIDER_FOUND;
    }
done:
    secret_free(m.token);
    free(m.base_url);
    return outcome;
}

const struct provider provider_imds = {METHOD, load};
