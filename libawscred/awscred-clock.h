/*
 * awscred-clock.h: libawscred's clock meter, for programs that report
 * whether the local clock is close enough to AWS's for SigV4 (the
 * `awscred clock` command). A separate header because the resolver
 * (awscred.h) needs none of it: resolution applies what the meter learns
 * on its own (an expiry is judged by the best reading).
 *
 * The same rules as awscred.h: everything comes in through the context,
 * errors fill a caller-owned struct awscred_error, nothing here blocks
 * past the context's deadline.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_CLOCK_PUBLIC_H
#define AWSCRED_CLOCK_PUBLIC_H 1

#include <stddef.h>
#include <stdint.h>

#include "awscred.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma GCC visibility push(default)

/*
 * What the library learned about the local clock during the calls made
 * through ctx: offset = server time - local time, in milliseconds.
 */
struct awscred_clock_reading {
    int valid;              /* 0: nothing measured */
    int64_t offset_ms;
    int64_t uncertainty_ms; /* half the round trip + the Date resolution */
    char source[256];       /* endpoint the Date header came from */
    /* 1: an HTTPS response (TLS verified) from an AWS host name. SNTP,
       plain http and other hosts are 0: anyone on the path could have
       written them. An authenticated reading always wins. */
    int authenticated;
};
void awscred_context_clock_reading(const struct awscred_context *ctx,
                                   struct awscred_clock_reading *out);

/*
 * Clock measurement (clock/clock.c). AWS rejects a SigV4 request whose time
 * stamp is more than five minutes from its own clock (S3: fifteen), so a
 * drifting clock breaks every AWS call made with the credentials. Offsets
 * are server - local: positive means the local clock is behind.
 */

/* When awscred_clock_check may make a request of its own. */
enum awscred_clock_check {
    AWSCRED_CLOCK_CHECK_AUTO = 0,   /* only if no response was seen yet */
    AWSCRED_CLOCK_CHECK_ALWAYS = 1, /* always one request */
    AWSCRED_CLOCK_CHECK_NEVER = 2,  /* never: only what resolution saw */
};

/*
 * Measures the clock with one unsigned HTTPS GET (an STS GetCallerIdentity
 * without a signature: STS answers 403 with a Date header) through the
 * network module, within the context's deadline. url NULL: the STS
 * endpoint of the context's AWS_REGION / AWS_DEFAULT_REGION, else the
 * global one. The reading is also kept in the context.
 */
enum awscred_status awscred_clock_probe(struct awscred_context *ctx,
                                        const char *url,
                                        struct awscred_clock_reading *out,
                                        struct awscred_error *err);

/* The probe URL for a region: "https://sts.<region>.amazonaws.com/?Action=
   GetCallerIdentity&Version=2011-06-15" (region NULL, "" or malformed:
   the global endpoint) into buf; returns buf. */
const char *awscred_clock_sts_url(const char *region, char *buf, size_t size);

/*
 * The probe URL for req as AWS CLI v2 would call STS for it: the STS
 * endpoint resolution of the credential calls (AWS_ENDPOINT_URL_STS,
 * AWS_ENDPOINT_URL, the profile's [services] sts endpoint_url and
 * endpoint_url, ignore_configured_endpoint_urls, then the region's
 * endpoint, net/sts.c) with the unsigned GetCallerIdentity query. *url is
 * malloc'd; on an error (a profile that does not exist, a config file that
 * does not parse) it is NULL.
 */
enum awscred_status awscred_clock_endpoint(struct awscred_context *ctx,
                                           const struct awscred_request *req,
                                           char **url,
                                           struct awscred_error *err);

/*
 * The context's reading by mode: AUTO probes url only when no response
 * carried a Date yet (so it adds no request after a network resolution),
 * ALWAYS probes, NEVER only copies. Returns AWSCRED_OK with out->valid 0
 * when NEVER finds nothing.
 */
enum awscred_status awscred_clock_check(struct awscred_context *ctx,
                                        enum awscred_clock_check mode,
                                        const char *url,
                                        struct awscred_clock_reading *out,
                                        struct awscred_error *err);

/*
 * One SNTP (RFC 4330) query to server, a numeric IPv4 or IPv6 address
 * with an optional port ("169.254.169.123", "[fd00:ec2::123]:123"; names
 * are refused because name lookups cannot be bounded), waiting at most
 * timeout_ms (0: 1000) and never past the context's deadline. The
 * uncertainty is half the round trip plus the server's own root delay and
 * dispersion. The reading is also kept in the context.
 */
enum awscred_status awscred_clock_sntp(struct awscred_context *ctx,
                                       const char *server, unsigned timeout_ms,
                                       struct awscred_clock_reading *out,
                                       struct awscred_error *err);

/* The kernel's view of its own clock (adjtimex(2), read-only). */
struct awscred_clock_kernel {
    int valid;           /* 0: could not be read */
    int synchronised;    /* 0: STA_UNSYNC set or state TIME_ERROR */
    int state;           /* adjtimex() return: TIME_OK, TIME_ERROR, ... */
    int64_t maxerror_us; /* the kernel's maximum error estimate */
    int64_t esterror_us; /* the kernel's estimated error */
};
/* Fills out; returns 0, or -1 when the state could not be read. */
int awscred_clock_kernel(const struct awscred_context *ctx,
                         struct awscred_clock_kernel *out);

/* What a reading means for AWS. Values are the exit codes of
   `awscred clock`. */
enum awscred_clock_verdict {
    AWSCRED_CLOCK_FINE = 0,
    AWSCRED_CLOCK_WARN = 1,    /* beyond the warning threshold */
    AWSCRED_CLOCK_REFUSE = 2,  /* beyond the refusal threshold */
    AWSCRED_CLOCK_UNKNOWN = 3, /* nothing measured */
};
#define AWSCRED_CLOCK_WARN_DEFAULT_S 60
#define AWSCRED_CLOCK_REFUSE_DEFAULT_S 300 /* AWS's SigV4 window */
/*
 * A threshold counts as crossed only when it certainly is: |offset| minus
 * the uncertainty exceeds it. Thresholds in seconds.
 */
enum awscred_clock_verdict
awscred_clock_judge(const struct awscred_clock_reading *reading,
                    unsigned warn_s, unsigned refuse_s);

/* "10 min 3 s behind AWS (±0.6 s)" or "42 s ahead of AWS (±1.0 s)" (UTF-8)
   into buf; returns buf. A reading that is not authenticated names its
   source instead of AWS: "42 s ahead of http://time.example/ (±1.0 s)". */
const char *awscred_clock_describe(const struct awscred_clock_reading *reading,
                                   char *buf, size_t size);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif /* AWSCRED_CLOCK_PUBLIC_H */
