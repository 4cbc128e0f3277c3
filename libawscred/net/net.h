/*
 * net.h: the network layer. Everything that needs libcurl, OpenSSL or
 * expat lives in the module awscred-net.so, which the core loads with
 * dlopen() on the first call below, so a static-key resolution (and any
 * process that only links libawscred) never maps them.
 *
 * Core code calls only the net_* functions declared here; they load the
 * module, apply the context's deadline and limits, record the clock
 * reading from each response's Date header, and count requests.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_NET_H
#define AWSCRED_NET_H 1

#include "config/cfg.h"
#include "internal.h"

#pragma GCC visibility push(hidden)

struct net_header {
    const char *name;
    const char *value;
};

struct net_request {
    const char *method;              /* "GET", "PUT", "POST" */
    const char *url;
    const struct net_header *headers;
    size_t nheaders;
    const char *body;                /* may be NULL */
    size_t body_len;
    unsigned connect_timeout_ms;     /* 0: 1000 */
    unsigned timeout_ms;             /* 0: 5000; capped by the deadline */
    const char *ca_bundle;           /* NULL: the system store */
    const char *proxy;               /* set by net_http() from the
                                        context (AWSCRED_FLAG_ENV_PROXIES);
                                        "": no proxy */
    const char *endpoint_label;      /* for messages, e.g. "STS endpoint" */
    bool direct;                     /* never a proxy (botocore's
                                        container fetcher takes none) */
};

struct net_response {
    long status;                     /* HTTP status */
    char *body;                      /* NUL-terminated; wiped on free */
    size_t body_len;
    int64_t date;                    /* Date header, epoch seconds; -1 */
};

/*
 * Loads the network module (the context's path, or the installed one) if
 * it is not loaded yet. AWSCRED_ERR_UNSUPPORTED names the module and says
 * why it cannot be used. Every net_* call below does this itself.
 */
enum awscred_status net_load(struct awscred_context *ctx,
                             struct awscred_error *err);

/*
 * Performs one request. A transport failure (DNS, connect, TLS, timeout,
 * a body over the context's max_response_bytes, a redirect) returns
 * AWSCRED_ERR_NETWORK / AWSCRED_ERR_TIMEOUT naming the endpoint; any HTTP
 * status returns AWSCRED_OK with resp->status set.
 */
enum awscred_status net_http(struct awscred_context *ctx,
                             const struct net_request *req,
                             struct net_response *resp,
                             struct awscred_error *err);
void net_response_free(struct net_response *resp);

/* ---- SigV4 (header signing) ------------------------------------------ */

struct net_sigv4_request {
    const char *method;
    const char *path;                /* raw path, e.g. "/" */
    const char *query;               /* raw query without '?', or NULL */
    const struct net_header *headers;/* must include Host */
    size_t nheaders;
    const void *payload;
    size_t payload_len;
    const char *region;
    const char *service;
    int64_t time;                    /* signing time, epoch seconds */
    const char *access_key_id;
    const char *secret_access_key;
    const char *session_token;       /* NULL: none */
    bool normalize_path;             /* drop "." ".." "//" (all but S3) */
    bool sign_body;                  /* add and sign X-Amz-Content-Sha256 */
    bool omit_session_token;         /* token header added after signing */
};

/*
 * What to add to the request: X-Amz-Date: amz_date, X-Amz-Content-Sha256
 * when sign_body, X-Amz-Security-Token when there is a token, and
 * Authorization. The canonical request and string to sign are kept for
 * tests. Free with net_sigv4_result_free (wipes).
 */
struct net_sigv4_result {
    char amz_date[17];
    char content_sha256[65];
    char signature[65];
    char *authorization;
    char *canonical_request;
    char *string_to_sign;
};

enum awscred_status net_sigv4_sign(struct awscred_context *ctx,
                                   const struct net_sigv4_request *req,
                                   struct net_sigv4_result *out,
                                   struct awscred_error *err);
void net_sigv4_result_free(struct net_sigv4_result *res);

/* ---- XML (expat): a flat list of the document's leaf elements --------- */

struct net_xml_leaf {
    char *path;   /* local names joined by '/', e.g. "ErrorResponse/Error/Code" */
    char *text;   /* character data, may hold secrets (wiped on free) */
};

struct net_xml {
    struct net_xml_leaf *leaves;
    size_t count;
};

/* Parses a document (no DTDs, bounded depth and size); errors name source. */
enum awscred_status net_xml_parse(struct awscred_context *ctx, const char *text,
                                  size_t len, const char *source,
                                  struct net_xml *out, struct awscred_error *err);
/* The text of the first leaf whose path is suffix or ends in "/" suffix. */
const char *net_xml_find(const struct net_xml *xml, const char *suffix);
void net_xml_free(struct net_xml *xml);

/* ---- DPoP (RFC 9449) ------------------------------------------------- */

/*
 * The DPoP header value for a request (botocore's _build_dpop_header): an
 * ES256 JWT with the public key of pem (an EC P-256 private key, SEC1 or
 * PKCS#8) in its header and htm, htu, iat and a random jti in its payload.
 * *out is malloc'd. A key that does not load gives AWSCRED_ERR_RETRIEVAL
 * with botocore's message.
 */
enum awscred_status net_dpop_proof(struct awscred_context *ctx,
                                   const char *pem, const char *method,
                                   const char *url, int64_t iat, char **out,
                                   struct awscred_error *err);

/* ---- STS Query API ---------------------------------------------------- */

struct net_sts_param {
    const char *name;
    const char *value;
};

struct net_sts_call {
    const char *action;                 /* "AssumeRole", ... */
    const char *provider;               /* method for errors/credentials */
    const struct net_sts_param *params;
    size_t nparams;
    const struct awscred_credentials *signer; /* NULL: unsigned call */
};

/*
 * Calls STS for the resolver's session (endpoint, region, CA bundle from
 * its profile and environment, as the AWS CLI v2) and parses the reply.
 * A service error becomes AWSCRED_ERR_SERVICE with the CLI's wording
 * "An error occurred (Code) when calling the Action operation: Message";
 * where names the endpoint.
 */
enum awscred_status net_sts_call(struct resolver *r,
                                 const struct net_sts_call *call,
                                 struct net_xml *out, struct awscred_error *err);

/*
 * A credential call (AssumeRole, AssumeRoleWithWebIdentity): calls STS,
 * converts <Action>Result/Credentials and stores the reply under
 * cache_key in the AWS CLI's cache as the CLI would (NULL: not stored).
 * Callers look in the cache first (cache_load), before doing anything
 * the CLI only does on a miss (MFA prompt, reading the token).
 */
enum awscred_status net_sts_credentials(struct resolver *r,
                                        const struct net_sts_call *call,
                                        const char *cache_key,
                                        struct awscred_credentials **out,
                                        struct awscred_error *err);

/*
 * The MFA code for serial, asked through the context's prompt (the
 * terminal in the command, the PAM conversation in the module); an error
 * naming the profile and method when there is no way to ask.
 */
enum awscred_status net_mfa_code(const struct resolver *r, const char *method,
                                 const char *serial, char *code, size_t size,
                                 struct awscred_error *err);

#define NET_SESSION_TOKEN_METHOD "get-session-token"
/*
 * STS GetSessionToken signed with src (long-term keys), with SerialNumber
 * serial, the code from net_mfa_code and DurationSeconds the context's
 * mfa session (awscred_context_set_mfa_session). Never cached.
 */
enum awscred_status net_sts_session_token(
    struct resolver *r, const char *serial,
    const struct awscred_credentials *src, struct awscred_credentials **out,
    struct awscred_error *err);

/*
 * The endpoint configured for one service of r's session, as AWS CLI v2
 * finds it (doc/credential-chain.md section 2.1):
 * AWS_ENDPOINT_URL_<env_name> ("STS", "SSO", "SSO_OIDC"), AWS_ENDPOINT_URL,
 * the <services_key> ("sts", "sso", "sso_oidc") endpoint_url of the
 * profile's [services] section, the profile's endpoint_url; none when
 * ignore_configured_endpoint_urls is true. *url (not a copy) is NULL when
 * nothing is configured.
 */
enum awscred_status net_configured_endpoint(const struct resolver *r,
                                            const char *env_name,
                                            const char *services_key,
                                            const char **url,
                                            struct awscred_error *err);

/* The session's CA bundle (AWS_CA_BUNDLE, else the profile's ca_bundle),
   expanded into *bundle (malloc'd); "" for the system store. A file's
   ca_bundle is an error under AWSCRED_FLAG_NO_FILE_ENDPOINTS, as is a
   file's endpoint_url in net_configured_endpoint(). */
enum awscred_status net_ca_bundle(const struct resolver *r, char **bundle,
                                  struct awscred_error *err);

/* Python's http.client reason phrase for the statuses AWS services send
   ("" for others), which botocore uses when an error has no message. */
const char *net_reason_phrase(long status);

/* The endpoint and signing region STS calls of r go to (malloc'd url);
   the region is NULL when an endpoint is configured and no region is. */
enum awscred_status net_sts_endpoint(struct resolver *r, char **url,
                                     const char **signing_region,
                                     struct awscred_error *err);

/* An AWS partition (partition.c); every one supports FIPS and dual-stack
   today. */
struct net_partition {
    const char *name;               /* "aws", "aws-cn", ... */
    const char *prefixes;           /* regionRegex's alternatives */
    const char *dns_suffix;
    const char *dual_stack_dns_suffix;
};

/* The partition of region as the rule sets' aws.partition finds it. */
const struct net_partition *net_partition_of(const char *region);

/* A service's regional host names (partition.c). */
struct net_service {
    const char *prefix;       /* https://<prefix>.<region>.<dns suffix> */
    const char *fips_prefix;
    bool gov_fips_is_plain;   /* aws-us-gov FIPS (not dual-stack): prefix */
    bool signin_hosts;        /* signin's hosts in aws, aws-cn, aws-us-gov */
    const char *global_url;   /* region aws-global without variant; NULL */
};
extern const struct net_service net_sts, net_sso, net_sso_oidc, net_signin;

/* "https://host" of s in region with the given variant (malloc'd; NULL
   when out of memory). */
char *net_service_url_for(const struct net_service *s, const char *region,
                          bool fips, bool dualstack);

/* The session's use_fips_endpoint / AWS_USE_FIPS_ENDPOINT and
   use_dualstack_endpoint / AWS_USE_DUALSTACK_ENDPOINT (the environment
   first; "true" in any case is on, as botocore's ensure_boolean). */
void net_endpoint_variant(const struct resolver *r, bool *fips,
                          bool *dualstack);

/*
 * The regional URL of s for region ("https://host", malloc'd) in the
 * session's variant, or, with an endpoint configured
 * (net_configured_endpoint), *url NULL: use that, whatever the variant
 * settings say (botocore passes neither with an endpoint).
 */
enum awscred_status net_service_url(const struct resolver *r,
                                    const struct net_service *s,
                                    const char *region,
                                    const char *configured, char **url,
                                    struct awscred_error *err);

/* Attempts per call (the first and its retries): AWS_MAX_ATTEMPTS, else
   the profile's max_attempts (Python int(), at least 1, at most
   NET_MAX_ATTEMPTS_CAP), else 5 for retry_mode / AWS_RETRY_MODE legacy
   and 3 for standard and adaptive (the AWS CLI v2's default). The time
   budget bounds them too (sts.c). */
#define NET_MAX_ATTEMPTS_CAP 20u
unsigned net_max_attempts(const struct resolver *r);

/* A setting of r's session that botocore reads as a boolean: env, else
   the profile's key; true when "true" in any case (sts.c). */
bool net_session_flag(const struct resolver *r, const char *env,
                      const char *key);

#pragma GCC visibility pop
#endif /* AWSCRED_NET_H */
