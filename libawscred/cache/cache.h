/*
 * cache.h: the AWS CLI's credential cache, ~/.aws/cli/cache/<key>.json
 * (doc/credential-chain.md sections 4.1 and 4.3), shared with
 * `aws` so a credential cached by either tool is reused by the other.
 *
 * A provider computes its key (cache_key over the arguments that identify
 * the credential, the way the CLI's fetcher does), then cache_load; on a
 * miss it fetches and cache_store's a document whose "Credentials" member
 * has AccessKeyId, SecretAccessKey, SessionToken and Expiration.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_CACHE_H
#define AWSCRED_CACHE_H 1

#include "internal.h"

#pragma GCC visibility push(hidden)

/* The CLI reuses a cached credential only with this much time left
   (CachedCredentialFetcher DEFAULT_EXPIRY_WINDOW_SECONDS). */
#define CACHE_EXPIRY_WINDOW_S 900

/* One argument of a cache key: a string, or an integer when str is NULL. */
struct cache_key_item {
    const char *name;
    const char *str;
    long long num;
};

enum cache_key_style {
    /* json.dumps(args, sort_keys=True): ", " and ": " (assume role,
       web identity) */
    CACHE_KEY_SPACED,
    /* separators=(',', ':') (SSO role credentials) */
    CACHE_KEY_COMPACT,
};

/*
 * The file name stem: SHA-1 hex of the items as Python's json.dumps would
 * print them (keys sorted, ensure_ascii), with ':' and '/' replaced by '_'
 * as the CLI's _make_file_safe does. Items with name NULL are skipped.
 */
enum awscred_status cache_key(struct awscred_context *ctx,
                              const struct cache_key_item *items, size_t n,
                              enum cache_key_style style, char out[41],
                              struct awscred_error *err);

/* One list argument of a cache key: n strings, or with pairs the n / 2
   objects {"Key": list[2i], "Value": list[2i+1]} of botocore's Tags. */
struct cache_key_list {
    const char *name;
    const char *const *list;
    size_t n;
    bool pairs;
};

/* cache_key with list arguments too, all sorted by name together. */
enum awscred_status cache_key_lists(struct awscred_context *ctx,
                                    const struct cache_key_item *items,
                                    size_t n,
                                    const struct cache_key_list *lists,
                                    size_t nlists, enum cache_key_style style,
                                    char out[41], struct awscred_error *err);

/*
 * Loads the cached credential for key. *out is NULL (and AWSCRED_OK) when
 * there is no usable entry: no home, no file, unparsable, missing fields,
 * or less than CACHE_EXPIRY_WINDOW_S left. Expiration is accepted as any
 * writer prints it ("+00:00", "Z", "UTC"). method is stored in *out.
 */
enum awscred_status cache_load(struct awscred_context *ctx, const char *key,
                               const char *method,
                               struct awscred_credentials **out,
                               struct awscred_error *err);

/*
 * Writes doc (JSON) as the entry for key, atomically, mode 0600, unless
 * AWSCRED_FLAG_NO_CACHE_WRITE. A failure is logged and otherwise ignored,
 * as the credential itself is fine.
 */
void cache_store(struct awscred_context *ctx, const char *key,
                 const char *doc);

/*
 * Credentials from a document's "Credentials" object (as in the cache
 * and, once converted, the STS responses); NULL when a field is missing.
 */
struct cJSON;
struct awscred_credentials *cache_credentials(const struct cJSON *doc,
                                              const char *method);

#pragma GCC visibility pop
#endif /* AWSCRED_CACHE_H */
