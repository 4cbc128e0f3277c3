/*
 * sha1.h: SHA-1 (FIPS 180-4) in the core, for the file names of the AWS
 * CLI's caches (botocore's JSONFileCache and the SSO token cache name
 * their files by a SHA-1 hex digest). Not for anything that needs a
 * secure hash: the network module's OpenSSL does SigV4.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_SHA1_H
#define AWSCRED_SHA1_H 1

#include <stddef.h>
#include <stdint.h>

#pragma GCC visibility push(hidden)

/* Lower-case hex SHA-1 of data, NUL-terminated in out. */
void sha1_hex(const void *data, size_t len, char out[41]);

/* The last one or two blocks of SHA-1 and SHA-256 (sha256.c): the tail
   of len < 64 bytes, a 1 bit, zeros and the message length in bits, into
   last. Returns their size, 64 or 128. */
size_t sha_pad(const unsigned char *tail, size_t len, uint64_t bits,
               unsigned char last[128]);

#pragma GCC visibility pop
#endif /* AWSCRED_SHA1_H */
