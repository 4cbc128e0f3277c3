/*
 * sso.h: what the files of the IAM Identity Center provider share. sso.c
 * reads the profile, calls the portal's GetRoleCredentials and keeps the
 * role-credential cache; sso_token.c finds the access token in
 * ~/.aws/sso/cache and refreshes it through SSO-OIDC CreateToken;
 * sso_http.c has the endpoints and requests of both services
 * (doc/credential-chain.md sections 2.6, 4.2, 4.3).
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_PROVIDERS_SSO_H
#define AWSCRED_PROVIDERS_SSO_H 1

#include "config/cfg.h"
#include "internal.h"
#include "net/net.h"

#pragma GCC visibility push(hidden)

#define SSO_METHOD "sso"

/* botocore's UnauthorizedSSOTokenError. */
#define SSO_UNAUTHORIZED_MESSAGE                                              \
    "The SSO session associated with this profile has expired or is "       \
    "otherwise invalid. To refresh this SSO session run aws sso login "     \
    "with the corresponding profile."

/* A profile's SSO settings once the sso-session is merged in. */
struct sso_config {
    const char *profile;      /* the profile being resolved */
    const char *start_url;
    const char *region;       /* sso_region: the portal's and OIDC's */
    const char *account_id;
    const char *role_name;
    const char *session;      /* sso-session name; NULL: legacy form */
    const struct cfg_section *session_section;
};

/* An SSO service as botocore names it for endpoints and messages. */
struct sso_service {
    const char *env_name;     /* AWS_ENDPOINT_URL_<env_name> */
    const char *services_key; /* key in a [services] section */
    const struct net_service *hosts;
};
extern const struct sso_service sso_portal;
extern const struct sso_service sso_oidc;

/*
 * The URL of path (with its query) on service for region: the configured
 * endpoint (net_configured_endpoint) or the regional one. The region is
 * checked as botocore checks a client's region (a host label), since it
 * becomes part of a host name.
 */
enum awscred_status sso_url(struct resolver *r, const struct sso_service *s,
                            const char *region, const char *path, char **url,
                            struct awscred_error *err);

/* One unsigned request to an SSO endpoint. */
struct sso_request {
    const char *method;
    const char *url;
    const char *operation;    /* "GetRoleCredentials", for messages */
    const struct net_header *headers;
    size_t nheaders;
    const char *body;
    size_t body_len;
    const char *method_name;  /* provider for errors; NULL: "sso" */
};

/*
 * Performs q with botocore's standard retries of 429 and 5xx replies
 * (3 attempts, while the time budget allows). Returns AWSCRED_OK for a
 * 200 reply. Any other reply gives AWSCRED_ERR_SERVICE with botocore's
 * ClientError message ("An error occurred (Code) when calling the X
 * operation: Message") and leaves resp->status set so the caller can
 * tell a 401; transport failures come from net_http. err->where is the
 * URL. Free resp with net_response_free in every case.
 */
enum awscred_status sso_call(struct resolver *r, const struct sso_request *q,
                             struct net_response *resp,
                             struct awscred_error *err);

/* Names this provider in err when a helper (file, JSON, network) filled
   it without one. */
void sso_claim_error(struct awscred_error *err);

/*
 * The access token for c (malloc'd; free with secret_free): read from
 * ~/.aws/sso/cache/<sha1>.json, refreshed through SSO-OIDC in the
 * sso-session form when less than 15 minutes are left, and refused when
 * expired, with the AWS CLI's messages (AWSCRED_ERR_SSO_TOKEN).
 */
enum awscred_status sso_token_get(struct resolver *r,
                                  const struct sso_config *c, char **token,
                                  struct awscred_error *err);

#pragma GCC visibility pop
#endif /* AWSCRED_PROVIDERS_SSO_H */
