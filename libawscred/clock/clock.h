/*
 * clock.h: internal interface of the clock-skew measurement (clock.c).
 *
 * Readings come from three places: the Date header of every HTTP response
 * the network layer receives (clock_note_http, called by net_http), an
 * explicit probe (awscred_clock_probe) and SNTP (awscred_clock_sntp). The
 * context keeps the most precise reading (context.c, declared in
 * internal.h, below the network layer); ctx_true_now() applies it so that
 * expiry is judged against the server's time, not a drifting local clock.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_CLOCK_H
#define AWSCRED_CLOCK_H 1

#include <stdint.h>

#include "internal.h"

#pragma GCC visibility push(hidden)

/* The unsigned GetCallerIdentity: STS answers 403 with a Date, the call
   costs nothing and carries no credential. */
#define CLOCK_STS_QUERY "Action=GetCallerIdentity&Version=2011-06-15"

/*
 * SNTP (RFC 4330) helpers, split out so the arithmetic is testable.
 * sntp_request fills a 48-byte client packet whose transmit timestamp is
 * nonce (an opaque value the server echoes as its originate timestamp).
 * sntp_reading checks a reply (mode 4, synchronised, stratum 1-15, echoing
 * nonce) and computes the reading from local send time t1_ms and the
 * monotonic round trip rtt_ms. Returns 0, or -1 with *why set.
 */
#define SNTP_PACKET_SIZE 48
void sntp_request(unsigned char pkt[SNTP_PACKET_SIZE], uint64_t nonce);
int sntp_reading(const unsigned char *reply, size_t len, uint64_t nonce,
                 int64_t t1_ms, int64_t rtt_ms, const char *source,
                 struct awscred_clock_reading *out, const char **why);

/* Replaces the adjtimex() read of awscred_clock_kernel (tests, which link
   the core library statically). NULL restores it. */
void clock_set_kernel_reader(struct awscred_context *ctx, kernel_clock_fn *fn,
                             void *arg);

#pragma GCC visibility pop
#endif /* AWSCRED_CLOCK_H */
