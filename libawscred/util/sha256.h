/*
 * sha256.h: SHA-256 (FIPS 180-4) in the core, for the file names of the
 * AWS CLI's login cache (botocore's generate_login_cache_key names a
 * file by the SHA-256 hex digest of the login_session). Like sha1.h, not
 * for signing: the network module's OpenSSL does that.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_SHA256_H
#define AWSCRED_SHA256_H 1

#include <stddef.h>

#pragma GCC visibility push(hidden)

/* Lower-case hex SHA-256 of data, NUL-terminated in out. */
void sha256_hex(const void *data, size_t len, char out[65]);

#pragma GCC visibility pop
#endif /* AWSCRED_SHA256_H */
