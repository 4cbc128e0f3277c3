/*
 * clock.h: internal interface of the clock-skew measurement (clock.c).
 *
 * Readings come from three places: the Date header of every HTTP response
 * the network layer receives (clock_note_http, called by net_http), an
 * explicit probe (awscred_clock_probe) and SNTP (awscred_clock_sntp). The
 * context keeps the most precise reading; ctx_true_now() applies it so that
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

/* HTTP Date values have one-second resolution (RFC 9110 section 5.6.7);
   the network module parses them (curl_getdate). */
#define CLOCK_DATE_RESOLUTION_MS 1000

/*
 * A reading from a Date header by the midpoint method: the request left at
 * local real time sent_ms and the answer came back rtt_ms later (measured
 * on the monotonic clock). The server stamped the Date somewhere inside
 * the round trip, in the second it names; the estimate takes the middle
 * of both and the uncertainty covers both ends:
 *   offset      = (date + 0.5 s) - (sent_ms + rtt_ms / 2)
 *   uncertainty = rtt_ms / 2 + 1 s
 * (1 s rather than 0.5 s so servers that round instead of truncate are
 * covered too). source names the endpoint (copied, truncated).
 */
void clock_reading_from_date(int64_t date, int64_t sent_ms, int64_t rtt_ms,
                             const char *source,
                             struct awscred_clock_reading *out);

/* Keeps reading in the context if it is better than what is there: an
   authenticated reading beats an unauthenticated one whatever they
   claim, then the more precise wins (a tie goes to the newer one).
   Invalid readings are ignored. */
void clock_record(struct awscred_context *ctx,
                  const struct awscred_clock_reading *reading);

/*
 * What net_http calls after each response: date is the parsed Date header
 * (-1: none), sent_ms the context's real time when the request started
 * and rtt_ms the monotonic duration until the response. A response that
 * took longer than a minute says little about the clock and is ignored.
 */
void clock_note_http(struct awscred_context *ctx, int64_t date,
                     int64_t sent_ms, int64_t rtt_ms, const char *source);

/* Real time by the best reading: ctx_now() + the measured offset when one
   is valid, else ctx_now(). Expiry checks use this. */
int64_t ctx_true_now(const struct awscred_context *ctx);
int64_t ctx_true_now_ms(const struct awscred_context *ctx);

/* Whether credentials expiring at expiration (epoch seconds) have
   expired: by the best reading when it is authenticated; by the local
   clock otherwise, unless an unauthenticated reading says they are still
   valid. No forged clock can withhold valid credentials. */
bool ctx_expired(const struct awscred_context *ctx, int64_t expiration);

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

#pragma GCC visibility pop
#endif /* AWSCRED_CLOCK_H */
