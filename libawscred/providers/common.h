/*
 * common.h: small helpers shared by the credential_process, container,
 * IMDS and SSO providers.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_PROVIDERS_COMMON_H
#define AWSCRED_PROVIDERS_COMMON_H 1

#include "internal.h"

#pragma GCC visibility push(hidden)

struct cJSON;

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
 * The scheme and host name of a URL as Python's urllib.parse.urlsplit sees
 * them (both lower-cased; IPv6 brackets removed; user info and port
 * dropped). Writes "" when there is none. Returns false when a part does
 * not fit.
 */
bool url_parts(const char *url, char *scheme, size_t scheme_size,
               char *host, size_t host_size);

/* botocore's validate_region_name (a host label), refusing "" too: a
   region that becomes part of a host name. */
bool region_name_ok(const char *region);

#pragma GCC visibility pop
#endif /* AWSCRED_PROVIDERS_COMMON_H */
