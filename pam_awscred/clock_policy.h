/*
 * clock_policy.h: the clock check at login, in two halves.
 *
 * The worker (clock_worker.c, links libawscred) adds "clock_*" records to
 * its result, judged against the thresholds. The user's credential worker
 * reports only what its resolution's own AWS responses said (no request
 * for the clock; the user controls that process, so this only warns).
 * The probe proper, an HTTPS request or SNTP, runs in a second, short
 * worker (--clock-only) as system_user with the admin's settings, after
 * the credentials arrived (session.c, run_clock_worker).
 *
 * The module (clock_policy.c, no libawscred) reads those records, logs
 * LOG_WARNING beyond the warning threshold, words a line for the user's
 * terminal, and with clock_strict refuses beyond the refusal threshold.
 * It never sets the clock.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PAM_AWSCRED_CLOCK_POLICY_H
#define PAM_AWSCRED_CLOCK_POLICY_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "pam_awscred/internal.h"

#pragma GCC visibility push(hidden)

/* Monotonic milliseconds: the worker notes when it started, the module
   what is left of timeout= for the clock probe. */
static inline int64_t
pamaws_clock_monotonic_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Thresholds default to AWSCRED_CLOCK_WARN_DEFAULT_S (60 s: warn early)
   and AWSCRED_CLOCK_REFUSE_DEFAULT_S (300 s: AWS's SigV4 window).
   An explicit probe never holds a login longer than this. */
#define PAMAWS_CLOCK_PROBE_MAX_MS 2000
/* clock_warn= and clock_refuse= take 1 to this many seconds (a day). */
#define PAMAWS_CLOCK_MAX_S 86400

/* Whether value is a clock_check (--clock-check) value: the option table
   and the worker both check with this. */
static inline bool
pamaws_clock_check_valid(const char *value)
{
    return strcmp(value, "auto") == 0 || strcmp(value, "always") == 0
           || strcmp(value, "never") == 0;
}

/* ---- Worker side (clock_worker.c) ------------------------------------- */

/* The worker's clock options (--clock-check, --clock-url, --sntp-server,
   --clock-warn, --clock-refuse; thresholds in seconds), fields of its
   request (request.c). */
struct pamaws_clock_request {
    const char *check;       /* "auto" (default), "always", "never" */
    const char *url;         /* probe URL; NULL: the region's STS (the
                                clock worker fills in the resolved STS
                                endpoint, awscred_clock_endpoint) */
    const char *sntp_server; /* numeric address; NULL: no SNTP */
    unsigned long warn_s;    /* 0: the default */
    unsigned long refuse_s;  /* 0: the default */
};

struct awscred_context;
/*
 * Measures per cr within what is left of the worker's timeout_ms since
 * started_ms (0: no budget), never more than PAMAWS_CLOCK_PROBE_MAX_MS,
 * and adds the records clock_measured (0/1), clock_offset_ms,
 * clock_uncertainty_ms, clock_source, clock_authenticated (0/1),
 * clock_text, clock_verdict (enum awscred_clock_verdict),
 * clock_kernel_sync (0/1/-1 unknown), or clock_error when nothing was
 * measured. Without cr->url, region names the STS endpoint to probe.
 * Returns 0, or -1 when out of memory.
 */
int pamaws_clock_worker_measure(struct awscred_context *ctx,
                                const struct pamaws_clock_request *cr,
                                const char *region, unsigned long timeout_ms,
                                int64_t started_ms,
                                struct pamaws_result *result);

/* ---- Module side (clock_policy.c) ------------------------------------- */

/* What the module concluded. */
struct pamaws_clock_outcome {
    bool measured;
    int64_t offset_ms;   /* server - local; 0 when not measured */
    bool refuse;         /* clock_strict: the session must fail */
    char notice[320];    /* the line for the user's terminal, "" none */
};

/*
 * Applies the policy to the workers' results (host: the clock worker's,
 * empty when it did not run; its reading wins over the user's): logs
 * LOG_WARNING beyond the warning threshold, fills out->notice for the
 * user and, with clock_strict, sets out->refuse when the clock worker's
 * reading is beyond the refusal threshold.
 */
void pamaws_clock_policy(const struct pamaws_args *args, const char *user,
                         const struct pamaws_result *result,
                         const struct pamaws_result *host,
                         struct pamaws_clock_outcome *out);

/*
 * The module's own expiry check (epoch seconds), libawscred's rule
 * (clock.c, ctx_expired): by the clock worker's reading when it is
 * trusted (authenticated, or clock_trust=any); otherwise by the local
 * clock, unless a reading says the credentials are still valid. No
 * forged clock withholds valid credentials.
 */
bool pamaws_clock_expired(const struct pamaws_args *args,
                          const struct pamaws_result *result,
                          const struct pamaws_result *host, int64_t expires);

/* Whether value is a clock_trust value ("aws", "any"). */
static inline bool
pamaws_clock_trust_valid(const char *value)
{
    return strcmp(value, "aws") == 0 || strcmp(value, "any") == 0;
}

/*
 * The host's record (clock_state.c). load fills host from clock_state=
 * when the record there is trustworthy and younger than clock_max_age=,
 * and returns 0; else -1 and host stays empty. save adds clock_taken_ms
 * to host unless it has one and replaces the record atomically (temp
 * file and rename).
 */
int pamaws_clock_state_load(const struct pamaws_args *args,
                            struct pamaws_result *host);
void pamaws_clock_state_save(const struct pamaws_args *args,
                             struct pamaws_result *host);

/*
 * After a login that exported credentials: when the host's measurement
 * failed and the kernel says its clock is unsynchronised (adjtimex), logs
 * LOG_NOTICE, once per measurement (the record remembers it).
 */
void pamaws_clock_kernel_notice(const struct pamaws_args *args,
                                struct pamaws_result *host);

/* clock_check as the worker takes it: the configured value when valid,
   else NULL (auto) after logging the bad value. */
const char *pamaws_clock_check_value(const struct pamaws_args *args);

#pragma GCC visibility pop
#endif /* PAM_AWSCRED_CLOCK_POLICY_H */
