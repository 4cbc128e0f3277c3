/*
 * clock_worker.c: the worker's half of the login clock check. In the
 * user's credential worker it takes only the reading the resolution's own
 * AWS responses gave (no extra request); in the clock worker
 * (--clock-only) it makes one bounded SNTP query or probe. Either way it
 * judges the reading against the module's thresholds and hands
 * everything to the module as clock_* records. See clock_policy.h.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awscred-clock.h"
#include "awscred.h"
#include "pam_awscred/clock_policy.h"

static enum awscred_clock_check
check_mode(const char *check)
{
    if (check != NULL && strcmp(check, "always") == 0)
        return AWSCRED_CLOCK_CHECK_ALWAYS;
    if (check != NULL && strcmp(check, "never") == 0)
        return AWSCRED_CLOCK_CHECK_NEVER;
    return AWSCRED_CLOCK_CHECK_AUTO;
}

/* Adds key=<number>. */
static int
add_number(struct pamaws_result *result, const char *key, long long n)
{
    char buf[32];

    snprintf(buf, sizeof(buf), "%lld", n);
    return pamaws_result_add(result, key, buf);
}

/*
 * Hands the library what is left until until_ms (monotonic) as its total
 * budget, at least 1 ms (0 would mean none at all). Returns what is left.
 */
static long
budget_set(struct awscred_context *ctx, int64_t until_ms)
{
    struct awscred_limits limits;
    long left = (long) (until_ms - pamaws_clock_monotonic_ms());

    memset(&limits, 0, sizeof(limits));
    limits.total_timeout_ms = left > 0 ? (unsigned) left : 1;
    awscred_context_set_limits(ctx, &limits);
    return left;
}

/*
 * Takes the measurement within budget_ms in all, SNTP and HTTP together;
 * *why says why there is none.
 */
static void
measure(struct awscred_context *ctx, const struct pamaws_clock_request *cr,
        const char *region, long budget_ms, struct awscred_clock_reading *r,
        char *why, size_t size)
{
    enum awscred_clock_check mode = check_mode(cr->check);
    int64_t until = pamaws_clock_monotonic_ms() + budget_ms;
    struct awscred_error err;
    char sts[300];

    snprintf(why, size, "no AWS response during the login");
    if (cr->sntp_server != NULL && mode != AWSCRED_CLOCK_CHECK_NEVER
        && budget_set(ctx, until) > 0
        && awscred_clock_sntp(ctx, cr->sntp_server, (unsigned) budget_ms, r,
                              &err) != AWSCRED_OK)
        snprintf(why, size, "%s", err.message);
    if (budget_set(ctx, until) <= 0 && mode != AWSCRED_CLOCK_CHECK_NEVER) {
        mode = AWSCRED_CLOCK_CHECK_NEVER;
        if (cr->sntp_server == NULL)
            snprintf(why, size, "no time left for a clock probe");
    }
    if (awscred_clock_check(ctx, mode,
                            cr->url != NULL
                                ? cr->url
                                : awscred_clock_sts_url(region, sts,
                                                        sizeof(sts)),
                            r, &err) != AWSCRED_OK)
        snprintf(why, size, "%s", err.message);
}

int
pamaws_clock_worker_measure(struct awscred_context *ctx,
                            const struct pamaws_clock_request *cr,
                            const char *region, unsigned long timeout_ms,
                            int64_t started_ms, struct pamaws_result *result)
{
    long left_ms = timeout_ms == 0
        ? PAMAWS_CLOCK_PROBE_MAX_MS
        : (long) timeout_ms - (long) (pamaws_clock_monotonic_ms() - started_ms);
    struct awscred_clock_reading r;
    struct awscred_clock_kernel k;
    unsigned warn_s =
        cr->warn_s ? (unsigned) cr->warn_s : AWSCRED_CLOCK_WARN_DEFAULT_S;
    unsigned refuse_s =
        cr->refuse_s ? (unsigned) cr->refuse_s : AWSCRED_CLOCK_REFUSE_DEFAULT_S;
    char text[160], why[1100];
    int rc = 0;

    memset(&r, 0, sizeof(r));
    measure(ctx, cr, region,
            left_ms < PAMAWS_CLOCK_PROBE_MAX_MS ? left_ms
                                                : PAMAWS_CLOCK_PROBE_MAX_MS,
            &r, why, sizeof(why));
    rc |= add_number(result, "clock_measured", r.valid);
    if (r.valid) {
        rc |= add_number(result, "clock_offset_ms", r.offset_ms);
        rc |= add_number(result, "clock_uncertainty_ms", r.uncertainty_ms);
        rc |= pamaws_result_add(result, "clock_source", r.source);
        rc |= add_number(result, "clock_authenticated", r.authenticated);
        rc |= pamaws_result_add(result, "clock_text",
                                awscred_clock_describe(&r, text, sizeof(text)));
    } else {
        rc |= pamaws_result_add(result, "clock_error", why);
    }
    rc |= add_number(result, "clock_verdict",
                     awscred_clock_judge(&r, warn_s, refuse_s));
    rc |= add_number(result, "clock_kernel_sync",
                     awscred_clock_kernel(ctx, &k) == 0 ? k.synchronised : -1);
    return rc;
}
