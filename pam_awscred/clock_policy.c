/*
 * clock_policy.c: the module's half of the login clock check. Reads the
 * clock_* records the worker measured (clock_worker.c) and decides what
 * the login sees: nothing, a warning on the terminal and in syslog, or in
 * with clock_strict a refused session. AWS rejects SigV4 requests more than
 * five minutes off its clock, so a skewed host hands out credentials that
 * fail later with "Signature expired"; saying so at login is cheaper.
 * The module never sets the clock.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "awscred-clock.h"
#include "awscred.h"
#include "common/number.h"
#include "pam_awscred/clock_policy.h"

/* A signed decimal record, or fallback when absent or malformed. */
static long long
record_number(const struct pamaws_result *result, const char *key,
              long long fallback)
{
    int64_t n;

    return number_parse_signed(pamaws_result_get(result, key), INT64_MAX, &n)
               ? n
               : fallback;
}

const char *
pamaws_clock_check_value(const struct pamaws_args *args)
{
    const char *v = args->config.clock_check;

    if (v == NULL || pamaws_clock_check_valid(v))
        return v;
    pamaws_log(args, LOG_ERR, "invalid value for option clock_check: %s "
               "(auto, always or never), using auto", v);
    return NULL;
}

/* The records the login goes by: the host's measurement (the clock
   worker's) when it has one, else what the user's resolution saw. */
static const struct pamaws_result *
reading_of(const struct pamaws_result *result, const struct pamaws_result *host)
{
    if (host != NULL && record_number(host, "clock_measured", 0) == 1)
        return host;
    return result;
}

/* Whether r, the clock worker's records, may refuse a session or
   withhold credentials: authenticated, or the admin trusts any source. */
static bool
trusted(const struct pamaws_args *args, const struct pamaws_result *r)
{
    const char *trust = args->config.clock_trust;

    return record_number(r, "clock_measured", 0) == 1
           && (record_number(r, "clock_authenticated", 0) == 1
               || (trust != NULL && strcmp(trust, "any") == 0));
}

bool
pamaws_clock_expired(const struct pamaws_args *args,
                     const struct pamaws_result *result,
                     const struct pamaws_result *host, int64_t expires)
{
    int64_t now = (int64_t) time(NULL);
    const struct pamaws_result *r = reading_of(result, host);
    int64_t true_now = now + record_number(r, "clock_offset_ms", 0) / 1000;

    if (host != NULL && r == host && trusted(args, host))
        return expires <= true_now;
    return expires <= now
           && (record_number(r, "clock_measured", 0) != 1
               || expires <= true_now);
}

/* Nothing measured: said with debug only (an unsynchronised kernel clock
   gets its NOTICE from pamaws_clock_kernel_notice). */
static void
log_unmeasured(const struct pamaws_args *args, const char *user,
               const struct pamaws_result *result)
{
    const char *error = pamaws_result_get(result, "clock_error");

    pamaws_debug(args, "clock not checked for user %s: %s", user,
                 error != NULL ? error : "no measurement");
}

void
pamaws_clock_kernel_notice(const struct pamaws_args *args,
                           struct pamaws_result *host)
{
    const char *error = pamaws_result_get(host, "clock_error");

    if (host->count == 0 || record_number(host, "clock_measured", 0) == 1
        || record_number(host, "clock_kernel_sync", -1) != 0
        || pamaws_result_get(host, "clock_kernel_noticed") != NULL)
        return;
    pamaws_log(args, LOG_NOTICE, "system clock is not synchronised "
               "(adjtimex) and could not be checked: %s",
               error != NULL ? error : "no measurement");
    /* once per measurement: the record remembers */
    if (pamaws_result_add(host, "clock_kernel_noticed", "1") == 0)
        pamaws_clock_state_save(args, host);
}

/* The user's line: how far, which way, what it means, whom to ask. */
static void
word_notice(const char *text, bool refused, enum awscred_clock_verdict v,
            char *buf, size_t size)
{
    const char *consequence = "AWS rejects signed requests more than 5 min off";

    if (refused)
        consequence = "AWS would reject signed requests, so this session was "
                      "refused";
    else if (v == AWSCRED_CLOCK_REFUSE)
        consequence = "AWS will reject signed requests";

    snprintf(buf, size,
             "System clock is %s: %s; ask your administrator to check time "
             "synchronisation",
             text, consequence);
}

void
pamaws_clock_policy(const struct pamaws_args *args, const char *user,
                    const struct pamaws_result *result,
                    const struct pamaws_result *host,
                    struct pamaws_clock_outcome *out)
{
    const struct pamaws_result *r = reading_of(result, host);
    enum awscred_clock_verdict v = (enum awscred_clock_verdict) record_number(
        r, "clock_verdict", AWSCRED_CLOCK_UNKNOWN);
    const char *text = pamaws_result_get(r, "clock_text");
    const char *source = pamaws_result_get(r, "clock_source");

    memset(out, 0, sizeof(*out));
    out->measured = record_number(r, "clock_measured", 0) == 1;
    if (!out->measured) {
        log_unmeasured(args, user, host != NULL && host->count > 0 ? host : r);
        return;
    }
    result = r;
    out->offset_ms = record_number(result, "clock_offset_ms", 0);
    if (text == NULL)
        text = "off";
    if (v != AWSCRED_CLOCK_WARN && v != AWSCRED_CLOCK_REFUSE) {
        pamaws_debug(args, "system clock is %s, measured against %s", text,
                     source != NULL ? source : "unknown");
        return;
    }
    /* the user's own worker is the user's: its readings only warn */
    out->refuse = v == AWSCRED_CLOCK_REFUSE && args->config.clock_strict
                  && r == host && trusted(args, host);
    pamaws_log(args, out->refuse ? LOG_ERR : LOG_WARNING,
               "system clock is %s, measured against %s at the login of "
               "user %s%s",
               text, source != NULL ? source : "unknown", user,
               out->refuse ? "; session refused (clock_strict)"
               : v == AWSCRED_CLOCK_REFUSE && args->config.clock_strict
                   ? "; not refused: the source is not authenticated"
                     " (clock_trust=any would trust it)"
                   : "");
    word_notice(text, out->refuse, v, out->notice, sizeof(out->notice));
}
