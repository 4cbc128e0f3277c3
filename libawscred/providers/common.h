/*
 * common.h: what the providers share: the credentials a provider
 * returns, the static keys of a profile section, and small helpers of the
 * credential_process, container, IMDS and SSO providers.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_PROVIDERS_COMMON_H
#define AWSCRED_PROVIDERS_COMMON_H 1

#include "config/cfg.h"
#include "internal.h"
#include "providers/provider.h"

#pragma GCC visibility push(hidden)

struct cJSON;

/*
 * Copies the given strings into new credentials for a provider's
 * PROVIDER_FOUND; token and account may be NULL, expiration
 * 0. Returns PROVIDER_FAILED with err filled when out of memory.
 */
enum provider_outcome provider_credentials(const char *method,
                                           const char *key,
                                           const char *secret,
                                           const char *token,
                                           const char *account,
                                           int64_t expiration,
                                           struct awscred_credentials **out,
                                           struct awscred_error *err);

/*
 * The static keys of one profile section (aws_access_key_id,
 * aws_secret_access_key, aws_security_token before aws_session_token,
 * aws_account_id), shared by the credentials-file and config-file
 * providers. A key is there when present, even empty, as
 * in botocore; a key without its secret is a PartialCredentialsError.
 */
enum provider_outcome provider_static_keys(const struct cfg_section *section,
                                           const char *method,
                                           struct awscred_credentials **out,
                                           struct awscred_error *err);

/*
 * Copies text (len bytes) for a message: trailing white space dropped,
 * control characters other than newline and tab written as \xNN, so that
 * a helper or a server cannot forge log lines or send terminal escapes.
 * Truncates to size (always NUL-terminated).
 */
void text_sanitize(const char *in, size_t len, char *out, size_t size);

/*
 * Credentials from the document the container and instance metadata
 * endpoints return: AccessKeyId, SecretAccessKey, Token, Expiration
 * (strings, required; Expiration ISO 8601) and AccountId (optional).
 * Returns NULL with *missing naming the first absent or non-string key
 * ("Expiration" also when unparsable); *missing is NULL when out of
 * memory.
 */
struct awscred_credentials *credentials_from_metadata(const struct cJSON *doc,
                                                      const char **missing);

/*
 * Sleeps ms, or until the context's deadline if that comes first.
 * Returns false when no time is left for another attempt.
 */
bool sleep_within_deadline(const struct awscred_context *ctx, unsigned ms);

/* A copy of s with surrounding white space removed (Python's strip());
   NULL when out of memory. */
char *str_strip_dup(const char *s);

/*
 * A cache file that holds a secret, read and parsed: the SSO token cache
 * (sso_token.c) and the login session cache (login.c). path is NULL
 * without a home directory; data (len bytes and a NUL) is what was read;
 * doc is its JSON; expires the token's expiresAt. secret_file_free wipes
 * and frees it all and clears the struct.
 */
struct secret_file {
    char *path;
    char *data;
    size_t len;
    struct cJSON *doc;
    int64_t expires;
};
void secret_file_free(struct secret_file *f);

/* botocore's validate_region_name (a host label), refusing "" too: a
   region that becomes part of a host name. */
bool region_name_ok(const char *region);

#pragma GCC visibility pop
#endif /* AWSCRED_PROVIDERS_COMMON_H */
