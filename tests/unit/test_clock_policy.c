/*
 * Unit tests of the login clock check: the worker's half
 * (pam_awscred/clock_worker.c: options, records) and the module's
 * (pam_awscred/clock_policy.c: verdict to log lines, the user's notice,
 * strict refusal, expiry time, the host's record in clock_state.c) and
 * the clock options of the module's option table (options.c). Real records through result.c.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock/clock.h"
#include "internal.h"
#include "pam_awscred/clock_policy.h"

/* The log lines the policy wrote, with their priorities. */
struct log_capture {
    char text[4096];
    int worst;  /* lowest (most severe) priority seen; 99 when none */
};

static void
capture_log(void *arg, int priority, const char *message)
{
    struct log_capture *c = arg;
    size_t used = strlen(c->text);

    snprintf(c->text + used, sizeof(c->text) - used, "<%d>%s\n", priority,
             message);
    if (priority < c->worst)
        c->worst = priority;
}

/* clock_strict on or off; strict (credentials only) never matters here */
static void
args_init(struct pamaws_args *args, struct log_capture *cap, bool strict)
{
    memset(args, 0, sizeof(*args));
    memset(cap, 0, sizeof(*cap));
    cap->worst = 99;
    args->log = capture_log;
    args->log_arg = cap;
    args->config.clock_strict = strict;
    args->config.strict = true;
}

/* The records a worker writes for an offset measured at source. */
static void
measured_at(struct pamaws_result *r, const char *source, const char *offset_ms,
            const char *text, const char *verdict)
{
    memset(r, 0, sizeof(*r));
    assert_int_equal(pamaws_result_add(r, "clock_measured", "1"), 0);
    assert_int_equal(pamaws_result_add(r, "clock_offset_ms", offset_ms), 0);
    assert_int_equal(pamaws_result_add(r, "clock_uncertainty_ms", "600"), 0);
    assert_int_equal(pamaws_result_add(r, "clock_source", source), 0);
    assert_int_equal(pamaws_result_add(r, "clock_authenticated",
                                       strncmp(source, "https://", 8) == 0
                                           ? "1" : "0"), 0);
    assert_int_equal(pamaws_result_add(r, "clock_text", text), 0);
    assert_int_equal(pamaws_result_add(r, "clock_verdict", verdict), 0);
    assert_int_equal(pamaws_result_add(r, "clock_kernel_sync", "1"), 0);
}

/* The same from an AWS endpoint (authenticated). */
static void
measured(struct pamaws_result *r, const char *offset_ms, const char *text,
         const char *verdict)
{
    measured_at(r, "https://sts.eu-west-1.amazonaws.com/", offset_ms, text,
                verdict);
}

static void
test_policy_beyond_refusal_warns(void **state)
{
    struct pamaws_args args;
    struct log_capture cap;
    struct pamaws_result r;
    struct pamaws_clock_outcome out;

    args_init(&args, &cap, false);
    measured(&r, "603000", "10 min 3 s behind AWS (\xc2\xb1" "0.6 s)", "2");
    pamaws_clock_policy(&args, "alice", &r, &r, &out);
    assert_true(out.measured);
    assert_int_equal(out.offset_ms, 603000);
    assert_false(out.refuse);
    assert_string_equal(out.notice,
                        "System clock is 10 min 3 s behind AWS (\xc2\xb1"
                        "0.6 s): AWS will reject signed requests; ask your "
                        "administrator to check time synchronisation");
    assert_int_equal(cap.worst, LOG_WARNING);
    assert_non_null(strstr(cap.text, "user alice"));
    assert_non_null(strstr(cap.text, "https://sts.eu-west-1.amazonaws.com/"));
    pamaws_result_clear(&r);
}

static void
test_policy_strict_refuses(void **state)
{
    struct pamaws_args args;
    struct log_capture cap;
    struct pamaws_result r;
    struct pamaws_clock_outcome out;

    args_init(&args, &cap, true);
    measured(&r, "-603000", "10 min 3 s ahead of AWS (\xc2\xb1" "0.6 s)",
             "2");
    pamaws_clock_policy(&args, "alice", &r, &r, &out);
    assert_true(out.refuse);
    assert_non_null(strstr(out.notice, "so this session was refused"));
    assert_int_equal(cap.worst, LOG_ERR);
    assert_non_null(strstr(cap.text, "session refused (clock_strict)"));
    pamaws_result_clear(&r);
}

/* A reading from a source anyone on the path could forge (SNTP, plain
   http) warns but refuses nothing, unless the admin trusts any source. */
static void
test_policy_unauthenticated_only_warns(void **state)
{
    struct pamaws_args args;
    struct log_capture cap;
    struct pamaws_result r;
    struct pamaws_clock_outcome out;

    args_init(&args, &cap, true);
    measured_at(&r, "sntp://192.0.2.1", "-86400000",
                "1 days 0 h ahead of sntp://192.0.2.1", "2");
    pamaws_clock_policy(&args, "dave", &r, &r, &out);
    assert_false(out.refuse);
    assert_int_equal(cap.worst, LOG_WARNING);
    assert_non_null(strstr(cap.text, "not refused: the source is not "
                                     "authenticated"));
    /* the local clock a day ahead by the forged reading: credentials it
       calls expired are not withheld; expired by both clocks, they are */
    assert_false(pamaws_clock_expired(&args, &r, &r, time(NULL) + 3600));
    assert_true(pamaws_clock_expired(&args, &r, &r, time(NULL) - 90000));

    args.config.clock_trust = (char *) "any";
    pamaws_clock_policy(&args, "dave", &r, &r, &out);
    assert_true(out.refuse);
    assert_false(pamaws_clock_expired(&args, &r, &r, time(NULL) - 3600));
    pamaws_result_clear(&r);
}

static void
test_policy_warn_and_fine(void **state)
{
    struct pamaws_args args;
    struct log_capture cap;
    struct pamaws_result r;
    struct pamaws_clock_outcome out;

    /* beyond the warning only: clock_strict does not refuse */
    args_init(&args, &cap, true);
    measured(&r, "90000", "1 min 30 s behind AWS (\xc2\xb1" "1.1 s)", "1");
    pamaws_clock_policy(&args, "bob", &r, &r, &out);
    assert_false(out.refuse);
    assert_non_null(strstr(out.notice, "more than 5 min off"));
    assert_int_equal(cap.worst, LOG_WARNING);
    pamaws_result_clear(&r);

    /* fine: nothing for the user, nothing above debug */
    args_init(&args, &cap, true);
    measured(&r, "300", "0.3 s behind AWS (\xc2\xb1" "1.1 s)", "0");
    pamaws_clock_policy(&args, "bob", &r, &r, &out);
    assert_true(out.measured);
    assert_false(out.refuse);
    assert_string_equal(out.notice, "");
    assert_int_equal(cap.worst, 99);
    pamaws_result_clear(&r);
}

static void
test_policy_unmeasured(void **state)
{
    struct pamaws_args args;
    struct log_capture cap;
    struct pamaws_result r;
    struct pamaws_clock_outcome out;

    /* the kernel says unsynchronised: the policy says nothing (that
       login may export nothing); the NOTICE comes after an export, once
       per measurement */
    args_init(&args, &cap, true);
    memset(&r, 0, sizeof(r));
    assert_int_equal(pamaws_result_add(&r, "clock_measured", "0"), 0);
    assert_int_equal(pamaws_result_add(&r, "clock_error", "no route"), 0);
    assert_int_equal(pamaws_result_add(&r, "clock_verdict", "3"), 0);
    assert_int_equal(pamaws_result_add(&r, "clock_kernel_sync", "0"), 0);
    pamaws_clock_policy(&args, "carol", &r, &r, &out);
    assert_false(out.measured);
    assert_false(out.refuse);
    assert_string_equal(out.notice, "");
    assert_int_equal(cap.worst, 99);
    pamaws_clock_kernel_notice(&args, &r);
    assert_int_equal(cap.worst, LOG_NOTICE);
    assert_non_null(strstr(cap.text, "not synchronised"));
    assert_non_null(strstr(cap.text, "no route"));
    args_init(&args, &cap, true);
    pamaws_clock_kernel_notice(&args, &r);
    assert_int_equal(cap.worst, 99);
    pamaws_result_clear(&r);

    /* an old worker without clock records: nothing at all */
    args_init(&args, &cap, true);
    memset(&r, 0, sizeof(r));
    pamaws_clock_policy(&args, "carol", &r, &r, &out);
    assert_false(out.measured);
    assert_int_equal(cap.worst, 99);
}

static void
test_expiry_by_measured_time(void **state)
{
    struct pamaws_args args;
    struct log_capture cap;
    struct pamaws_result r, none;
    int64_t now = (int64_t) time(NULL);

    args_init(&args, &cap, false);
    memset(&none, 0, sizeof(none));
    /* the local clock 20 min fast by the clock worker's (authenticated)
       reading: judged by it, either way */
    measured(&r, "-1200500", "20 min ahead", "2");
    assert_false(pamaws_clock_expired(&args, &none, &r, now - 600));
    assert_true(pamaws_clock_expired(&args, &none, &r, now - 1300));
    /* the same reading from the user's worker: it may rescue credentials
       the local clock thinks expired... */
    assert_false(pamaws_clock_expired(&args, &r, &none, now - 600));
    pamaws_result_clear(&r);
    /* ...but a user's reading 20 min slow withholds nothing */
    measured(&r, "1200500", "20 min behind", "2");
    assert_false(pamaws_clock_expired(&args, &r, &none, now + 600));
    pamaws_result_clear(&r);
    /* nothing measured: the local clock */
    assert_true(pamaws_clock_expired(&args, &none, &none, now - 1));
    assert_false(pamaws_clock_expired(&args, &none, &none, now + 60));
}

static void
test_check_value(void **state)
{
    struct pamaws_args args;
    struct log_capture cap;

    args_init(&args, &cap, false);
    assert_null(pamaws_clock_check_value(&args));
    args.config.clock_check = (char *) "always";
    assert_string_equal(pamaws_clock_check_value(&args), "always");
    args.config.clock_check = (char *) "sometimes";
    assert_null(pamaws_clock_check_value(&args));
    assert_int_equal(cap.worst, LOG_ERR);
    assert_non_null(strstr(cap.text, "clock_check: sometimes"));
}

/* The option table: defaults, the values each clock option takes, and
   what it refuses (logged, ignored, the default kept). */
static void
test_module_options(void **state)
{
    const char *good[] = { "conf=/nonexistent", "clock_check=always",
                           "clock_url=http://127.0.0.1:8080/date",
                           "sntp_server=[fd00:ec2::123]:123",
                           "clock_warn=1", "clock_refuse=86400" };
    const char *bad[] = { "conf=/nonexistent", "clock_check=sometimes",
                          "clock_url=ftp://example.com/",
                          "clock_url=http://a b/", "sntp_server=time.aws.com",
                          "clock_warn=0", "clock_refuse=86401",
                          "clock_warn=-5", "clock_refuse=1.5" };
    struct pamaws_args args;
    struct log_capture cap;

    args_init(&args, &cap, false);
    assert_int_equal(pamaws_options_load(&args, 1, good, NULL, NULL, 0), 0);
    assert_null(args.config.clock_check);
    assert_null(args.config.clock_url);
    assert_null(args.config.sntp_server);
    assert_int_equal(args.config.clock_warn, 60);
    assert_int_equal(args.config.clock_refuse, 300);
    pamaws_config_free(&args.config);

    args_init(&args, &cap, false);
    assert_int_equal(pamaws_options_load(&args, 6, good, NULL, NULL, 0), 0);
    assert_int_equal(cap.worst, 99);
    assert_string_equal(args.config.clock_check, "always");
    assert_string_equal(args.config.clock_url, "http://127.0.0.1:8080/date");
    assert_string_equal(args.config.sntp_server, "[fd00:ec2::123]:123");
    assert_int_equal(args.config.clock_warn, 1);
    assert_int_equal(args.config.clock_refuse, 86400);
    pamaws_config_free(&args.config);

    args_init(&args, &cap, false);
    assert_int_equal(pamaws_options_load(&args, 9, bad, NULL, NULL, 0), 0);
    assert_null(args.config.clock_check);
    assert_null(args.config.clock_url);
    assert_null(args.config.sntp_server);
    assert_int_equal(args.config.clock_warn, 60);
    assert_int_equal(args.config.clock_refuse, 300);
    assert_non_null(strstr(cap.text, "' for clock_check ("));
    assert_non_null(strstr(cap.text, "' for clock_url ("));
    assert_non_null(strstr(cap.text, "' for sntp_server ("));
    assert_non_null(strstr(cap.text, "' for clock_warn ("));
    assert_non_null(strstr(cap.text, "' for clock_refuse ("));
    pamaws_config_free(&args.config);
}

/* The worker's records after a resolution that saw an STS response. */
static void
test_worker_records(void **state)
{
    struct awscred_context *ctx = awscred_context_new();
    struct pamaws_clock_request cr = {.check = "never", .warn_s = 60};
    struct pamaws_result r;

    memset(&r, 0, sizeof(r));
    assert_non_null(ctx);
    clock_note_http(ctx, ctx_now(ctx) + 603, ctx_now_ms(ctx), 200,
                    "https://sts.eu-west-1.amazonaws.com/");
    assert_int_equal(pamaws_clock_worker_measure(ctx, &cr, "eu-west-1", 5000,
                                                 pamaws_clock_monotonic_ms(),
                                                 &r),
                     0);
    assert_string_equal(pamaws_result_get(&r, "clock_measured"), "1");
    assert_string_equal(pamaws_result_get(&r, "clock_verdict"), "2");
    assert_non_null(strstr(pamaws_result_get(&r, "clock_text"),
                           "behind AWS"));
    assert_string_equal(pamaws_result_get(&r, "clock_source"),
                        "https://sts.eu-west-1.amazonaws.com/");
    assert_int_equal(ctx->http_requests, 0);
    pamaws_result_clear(&r);

    /* nothing seen and never probe: not measured, says why */
    awscred_context_free(ctx);
    ctx = awscred_context_new();
    memset(&r, 0, sizeof(r));
    assert_int_equal(pamaws_clock_worker_measure(ctx, &cr, NULL, 5000,
                                                 pamaws_clock_monotonic_ms(),
                                                 &r),
                     0);
    assert_string_equal(pamaws_result_get(&r, "clock_measured"), "0");
    assert_string_equal(pamaws_result_get(&r, "clock_verdict"), "3");
    assert_non_null(pamaws_result_get(&r, "clock_error"));
    assert_int_equal(ctx->http_requests, 0);
    pamaws_result_clear(&r);
    awscred_context_free(ctx);
}

/* The host's record (clock_state.c): a measurement saved by one login is
   loaded by the next, and a clock_taken_ms that is not the plain decimal
   the module writes makes the record untrusted, even when its value
   would be fresh. */
static void
test_state_record(void **state)
{
    char dir[] = "/tmp/awscred-clock-state.XXXXXX", path[64], taken[32];
    struct pamaws_args args;
    struct log_capture cap;
    struct pamaws_result r;
    struct timespec boot;

    (void) state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/clock", dir);
    args_init(&args, &cap, false);
    args.config.clock_state = path;
    args.config.clock_max_age = 600;

    measured(&r, "1000", "1 s behind AWS", "0");
    pamaws_clock_state_save(&args, &r);
    pamaws_result_clear(&r);
    assert_int_equal(pamaws_clock_state_load(&args, &r), 0);
    assert_string_equal(pamaws_result_get(&r, "clock_offset_ms"), "1000");
    pamaws_result_clear(&r);

    assert_int_equal(clock_gettime(CLOCK_BOOTTIME, &boot), 0);
    snprintf(taken, sizeof(taken), "+%lld",
             (long long) boot.tv_sec * 1000 + boot.tv_nsec / 1000000);
    measured(&r, "1000", "1 s behind AWS", "0");
    assert_int_equal(pamaws_result_add(&r, "clock_taken_ms", taken), 0);
    pamaws_clock_state_save(&args, &r);
    pamaws_result_clear(&r);
    assert_int_equal(pamaws_clock_state_load(&args, &r), -1);
    assert_null(pamaws_result_get(&r, "clock_offset_ms"));

    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_policy_beyond_refusal_warns),
        cmocka_unit_test(test_policy_strict_refuses),
        cmocka_unit_test(test_policy_unauthenticated_only_warns),
        cmocka_unit_test(test_policy_warn_and_fine),
        cmocka_unit_test(test_policy_unmeasured),
        cmocka_unit_test(test_expiry_by_measured_time),
        cmocka_unit_test(test_check_value),
        cmocka_unit_test(test_module_options),
        cmocka_unit_test(test_worker_records),
        cmocka_unit_test(test_state_record),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
