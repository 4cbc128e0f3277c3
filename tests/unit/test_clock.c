/*
 * Unit tests of clock.c: the midpoint arithmetic, expiry by server time, the
 * policy verdicts and wording, SNTP against a real UDP responder on
 * 127.0.0.1, the kernel hook, and that a check adds no request when a
 * reading exists.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "clock/clock.h"
#include "fixture.h"
#include "internal.h"

/* A clock the test sets: real and monotonic milliseconds. */
struct fake_clock {
    int64_t real_ms;
    int64_t mono_ms;
};

static int
fake_clock_read(void *arg, clockid_t which, struct timespec *now)
{
    const struct fake_clock *fc = arg;
    int64_t ms = which == CLOCK_MONOTONIC ? fc->mono_ms : fc->real_ms;

    now->tv_sec = ms / 1000;
    now->tv_nsec = (ms % 1000) * 1000000;
    return 0;
}

static struct awscred_context *
fake_context(struct fake_clock *fc)
{
    struct awscred_context *ctx = awscred_context_new();

    assert_non_null(ctx);
    awscred_context_set_clock(ctx, fake_clock_read, fc);
    return ctx;
}

/* ---- Midpoint readings ---- */

/* Local clock 600 s behind: the server stamps second 1000000 while the
   local clock says 999400.3 at the midpoint of a 400 ms round trip. */
static void
test_reading_midpoint(void **state)
{
    struct awscred_clock_reading r;
    int64_t sent_ms = 999400300 - 200;

    clock_reading_from_date(1000000, sent_ms, 400, "https://sts", &r);
    assert_int_equal(r.valid, 1);
    assert_int_equal(r.uncertainty_ms, 200 + CLOCK_DATE_RESOLUTION_MS);
    /* true offset is 600000 - 300 + [0, 1000) ms: inside the bound */
    assert_true(r.offset_ms - r.uncertainty_ms <= 599700);
    assert_true(r.offset_ms + r.uncertainty_ms >= 600699);
    assert_int_equal(r.offset_ms, 600200);
    assert_string_equal(r.source, "https://sts");
}

static void
test_record_keeps_most_precise(void **state)
{
    struct fake_clock fc = {.real_ms = 1000000000, .mono_ms = 5000};
    struct awscred_context *ctx = fake_context(&fc);
    struct awscred_clock_reading out;

    clock_note_http(ctx, 1000000, 1000000000, 2000, "slow");
    clock_note_http(ctx, 1000000, 1000000000, 10, "fast");
    clock_note_http(ctx, 1000000, 1000000000, 3000, "slower");
    clock_note_http(ctx, -1, 1000000000, 1, "no date");
    clock_note_http(ctx, 1000000, 1000000000, 61000, "over a minute");
    awscred_context_clock_reading(ctx, &out);
    assert_int_equal(out.valid, 1);
    assert_string_equal(out.source, "fast");
    awscred_context_free(ctx);
}

static void
test_true_now_applies_offset(void **state)
{
    struct fake_clock fc = {.real_ms = 1700000000000LL, .mono_ms = 1};
    struct awscred_context *ctx = fake_context(&fc);

    assert_int_equal(ctx_true_now(ctx), 1700000000);
    /* the server says 10 minutes later than we do */
    clock_note_http(ctx, 1700000600, 1700000000000LL, 0, "sts");
    assert_int_equal(ctx_true_now_ms(ctx), 1700000600500LL);
    assert_int_equal(ctx_true_now(ctx), 1700000600);
    awscred_context_free(ctx);
}

/* ---- Verdicts and wording ---- */

static struct awscred_clock_reading
reading(int64_t offset_ms, int64_t uncertainty_ms)
{
    struct awscred_clock_reading r = {.valid = 1, .offset_ms = offset_ms,
                                      .uncertainty_ms = uncertainty_ms,
                                      .authenticated = 1};
    return r;
}

static void
test_judge(void **state)
{
    struct awscred_clock_reading r;

    assert_int_equal(awscred_clock_judge(NULL, 60, 300), AWSCRED_CLOCK_UNKNOWN);
    r = reading(0, 0);
    r.valid = 0;
    assert_int_equal(awscred_clock_judge(&r, 60, 300), AWSCRED_CLOCK_UNKNOWN);
    r = reading(400, 1100);
    assert_int_equal(awscred_clock_judge(&r, 60, 300), AWSCRED_CLOCK_FINE);
    r = reading(-61500, 1000);
    assert_int_equal(awscred_clock_judge(&r, 60, 300), AWSCRED_CLOCK_WARN);
    /* 60.9 s +- 1 s might be within 60 s: not certainly beyond */
    r = reading(60900, 1000);
    assert_int_equal(awscred_clock_judge(&r, 60, 300), AWSCRED_CLOCK_FINE);
    r = reading(603000, 600);
    assert_int_equal(awscred_clock_judge(&r, 60, 300), AWSCRED_CLOCK_REFUSE);
    r = reading(-603000, 600);
    assert_int_equal(awscred_clock_judge(&r, 60, 300), AWSCRED_CLOCK_REFUSE);
    r = reading(INT64_MAX / 2, 0);
    assert_int_equal(awscred_clock_judge(&r, 60, 300), AWSCRED_CLOCK_REFUSE);
}

static void
test_describe(void **state)
{
    struct awscred_clock_reading r;
    char buf[128];

    r = reading(603000, 600);
    assert_string_equal(awscred_clock_describe(&r, buf, sizeof(buf)),
                        "10 min 3 s behind AWS (\xc2\xb1" "0.6 s)");
    r = reading(-42000, 1000);
    assert_string_equal(awscred_clock_describe(&r, buf, sizeof(buf)),
                        "42 s ahead of AWS (\xc2\xb1" "1.0 s)");
    r = reading(-350, 1201);
    assert_string_equal(awscred_clock_describe(&r, buf, sizeof(buf)),
                        "0.3 s ahead of AWS (\xc2\xb1" "1.3 s)");
    r = reading(2LL * 86400000 + 3600000 * 5, 1000);
    assert_string_equal(awscred_clock_describe(&r, buf, sizeof(buf)),
                        "2 days 5 h behind AWS (\xc2\xb1" "1.0 s)");
    /* not AWS: the reference by name */
    r = reading(-1100, 1100);
    r.authenticated = 0;
    snprintf(r.source, sizeof(r.source), "http://time.example/");
    assert_string_equal(awscred_clock_describe(&r, buf, sizeof(buf)),
                        "1.1 s ahead of http://time.example/ (\xc2\xb1"
                        "1.1 s)");
    r.valid = 0;
    assert_string_equal(awscred_clock_describe(&r, buf, sizeof(buf)),
                        "not measured");
}

/* ---- SNTP ---- */

#define NTP_UNIX 2208988800ULL

static void
put64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char) v;
}

static uint64_t
ntp_from_ms(int64_t ms)
{
    uint64_t sec = (uint64_t) (ms / 1000) + NTP_UNIX;
    uint64_t frac = ((uint64_t) (ms % 1000) << 32) / 1000;

    return (sec << 32) | frac;
}

/* A server reply: received at t2, sent at t3 (Unix ms), stratum 2. */
static void
make_reply(unsigned char *pkt, uint64_t nonce, int64_t t2, int64_t t3)
{
    memset(pkt, 0, SNTP_PACKET_SIZE);
    pkt[0] = (0 << 6) | (4 << 3) | 4;
    pkt[1] = 2;
    pkt[7] = 0x80;  /* root delay 0x0080/65536 s = 1.95 ms */
    pkt[11] = 0x40; /* root dispersion 0x0040/65536 s = 0.98 ms */
    put64(pkt + 24, nonce);
    put64(pkt + 32, ntp_from_ms(t2));
    put64(pkt + 40, ntp_from_ms(t3));
}

static void
test_sntp_arithmetic(void **state)
{
    unsigned char pkt[SNTP_PACKET_SIZE];
    struct awscred_clock_reading r;
    const char *why = NULL;
    int64_t t1 = 1700000000000LL;

    /* local 600 s behind; 40 ms each way; server holds it 2 ms */
    make_reply(pkt, 77, t1 + 600000 + 40, t1 + 600000 + 42);
    assert_int_equal(sntp_reading(pkt, sizeof(pkt), 77, t1, 82, "s", &r, &why),
                     0);
    assert_int_equal(r.offset_ms, 600000);
    /* delay 80/2 + root delay 2/2 + dispersion 1 + 1 */
    assert_true(r.uncertainty_ms >= 40 && r.uncertainty_ms <= 45);

    assert_int_equal(sntp_reading(pkt, sizeof(pkt), 78, t1, 82, "s", &r, &why),
                     -1);
    assert_non_null(strstr(why, "does not answer"));
    pkt[1] = 0;
    assert_int_equal(sntp_reading(pkt, sizeof(pkt), 77, t1, 82, "s", &r, &why),
                     -1);
    assert_non_null(strstr(why, "kiss"));
    pkt[1] = 2;
    pkt[0] = (3 << 6) | (4 << 3) | 4;
    assert_int_equal(sntp_reading(pkt, sizeof(pkt), 77, t1, 82, "s", &r, &why),
                     -1);
    assert_non_null(strstr(why, "not synchronised"));
    pkt[0] = (0 << 6) | (4 << 3) | 3;
    assert_int_equal(sntp_reading(pkt, sizeof(pkt), 77, t1, 82, "s", &r, &why),
                     -1);
    assert_int_equal(sntp_reading(pkt, 47, 77, t1, 82, "s", &r, &why), -1);
}

static void
test_sntp_request_packet(void **state)
{
    unsigned char pkt[SNTP_PACKET_SIZE];

    sntp_request(pkt, 0x0102030405060708ULL);
    assert_int_equal(pkt[0], 0x23);
    assert_int_equal(pkt[40], 1);
    assert_int_equal(pkt[47], 8);
}

/* A one-shot SNTP responder on a real UDP socket whose clock is the
   real one shifted by shift_ms. */
struct responder {
    int fd;
    int64_t shift_ms;
};

static int64_t
real_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *
respond_once(void *arg)
{
    struct responder *rs = arg;
    unsigned char in[128], out[SNTP_PACKET_SIZE];
    struct sockaddr_storage peer;
    socklen_t plen = sizeof(peer);
    ssize_t n = recvfrom(rs->fd, in, sizeof(in), 0,
                         (struct sockaddr *) &peer, &plen);
    uint64_t nonce = 0;

    if (n < SNTP_PACKET_SIZE)
        return NULL;
    for (int i = 40; i < 48; i++)
        nonce = (nonce << 8) | in[i];
    make_reply(out, nonce, real_ms() + rs->shift_ms, real_ms() + rs->shift_ms);
    sendto(rs->fd, out, sizeof(out), 0, (struct sockaddr *) &peer, plen);
    return NULL;
}

static void
test_sntp_loopback(void **state)
{
    struct responder rs = {.shift_ms = -600000};
    struct sockaddr_in sin = {.sin_family = AF_INET};
    socklen_t len = sizeof(sin);
    struct awscred_context *ctx = awscred_context_new();
    struct awscred_clock_reading r;
    struct awscred_error err;
    pthread_t th;
    char server[64];

    rs.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(rs.fd >= 0);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(rs.fd, (struct sockaddr *) &sin, sizeof(sin)), 0);
    assert_int_equal(getsockname(rs.fd, (struct sockaddr *) &sin, &len), 0);
    snprintf(server, sizeof(server), "127.0.0.1:%u", ntohs(sin.sin_port));
    assert_int_equal(pthread_create(&th, NULL, respond_once, &rs), 0);

    assert_int_equal(awscred_clock_sntp(ctx, server, 5000, &r, &err),
                     AWSCRED_OK);
    pthread_join(th, NULL);
    close(rs.fd);
    assert_int_equal(r.valid, 1);
    /* the server runs 10 minutes early: we are 600 s ahead */
    assert_true(r.offset_ms > -602000 && r.offset_ms < -598000);
    assert_true(r.uncertainty_ms < 2000);
    assert_string_equal(r.source + 7, server);
    assert_int_equal(awscred_clock_judge(&r, 60, 300), AWSCRED_CLOCK_REFUSE);
    awscred_context_free(ctx);
}

static void
test_sntp_refuses_names_and_times_out(void **state)
{
    struct awscred_context *ctx = awscred_context_new();
    struct awscred_clock_reading r;
    struct awscred_error err;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in sin = {.sin_family = AF_INET};
    socklen_t len = sizeof(sin);
    char server[64];

    assert_int_equal(awscred_clock_sntp(ctx, "time.example.com", 100, &r,
                                        &err),
                     AWSCRED_ERR_INVALID_ARG);
    assert_non_null(strstr(err.message, "numeric"));
    /* a bound socket that never answers */
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *) &sin, sizeof(sin)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *) &sin, &len), 0);
    snprintf(server, sizeof(server), "127.0.0.1:%u",
             ntohs(sin.sin_port));
    assert_int_equal(awscred_clock_sntp(ctx, server, 200, &r, &err),
                     AWSCRED_ERR_TIMEOUT);
    assert_int_equal(r.valid, 0);
    close(fd);
    awscred_context_free(ctx);
}

/* ---- Kernel state ---- */

static int
fake_unsynced(void *arg, struct awscred_clock_kernel *out)
{
    out->synchronised = 0;
    out->state = 5; /* TIME_ERROR */
    out->maxerror_us = 16000000;
    out->esterror_us = 16000000;
    return 0;
}

static void
test_kernel_state(void **state)
{
    struct awscred_context *ctx = awscred_context_new();
    struct awscred_clock_kernel k;

    /* the real adjtimex() read needs no privilege */
    assert_int_equal(awscred_clock_kernel(ctx, &k), 0);
    assert_int_equal(k.valid, 1);
    assert_true(k.maxerror_us >= 0);
    clock_set_kernel_reader(ctx, fake_unsynced, NULL);
    assert_int_equal(awscred_clock_kernel(ctx, &k), 0);
    assert_int_equal(k.valid, 1);
    assert_int_equal(k.synchronised, 0);
    assert_int_equal(k.maxerror_us, 16000000);
    awscred_context_free(ctx);
}

/* ---- Checks ---- */

static void
test_check_adds_no_request_after_resolution(void **state)
{
    struct fake_clock fc = {.real_ms = 1700000000000LL, .mono_ms = 1};
    struct awscred_context *ctx = fake_context(&fc);
    struct awscred_clock_reading r;
    struct awscred_error err;

    /* NEVER with nothing recorded: no request, nothing measured */
    assert_int_equal(awscred_clock_check(ctx, AWSCRED_CLOCK_CHECK_NEVER,
                                         "http://127.0.0.1:9/", &r, &err),
                     AWSCRED_OK);
    assert_int_equal(r.valid, 0);
    /* what the network layer records for an STS response */
    clock_note_http(ctx, 1700000000, 1700000000000LL, 100, "https://sts");
    assert_int_equal(awscred_clock_check(ctx, AWSCRED_CLOCK_CHECK_AUTO,
                                         "http://127.0.0.1:9/", &r, &err),
                     AWSCRED_OK);
    assert_int_equal(ctx->http_requests, 0);
    assert_int_equal(r.valid, 1);
    assert_string_equal(r.source, "https://sts");
    awscred_context_free(ctx);
}

/* ---- Expiry judged by the server's clock (resolve.c) ---- */

#define STS_URL "https://sts.eu-west-1.amazonaws.com/"

/* Resolves env credentials expiring at `expiration` with the local clock
   at 2026-11-23T05:00:00Z and an offset of offset_s measured at source. */
static enum awscred_status
resolve_measured(const char *expiration, int64_t offset_s, const char *source)
{
    struct fx *f = fx_new(false);
    enum awscred_status status;

    assert_non_null(f);
    fx_set_env(f, "AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
    fx_set_env(f, "AWS_SECRET_ACCESS_KEY",
               "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    fx_set_env(f, "AWS_SESSION_TOKEN", "FwoGZXIvYXdzEXAMPLETOKEN");
    fx_set_env(f, "AWS_CREDENTIAL_EXPIRATION", expiration);
    fx_fix_clock(f, 1795410000);
    if (offset_s != 0)
        clock_note_http(f->ctx, 1795410000 + offset_s, 1795410000000LL, 0,
                        source);
    status = fx_resolve(f);
    fx_free(f);
    return status;
}

static enum awscred_status
resolve_with_offset(const char *expiration, int64_t offset_s)
{
    return resolve_measured(expiration, offset_s, STS_URL);
}

static void
test_expiry_uses_server_time(void **state)
{
    char buf[32];

    time_format_iso8601(1795410000, buf, sizeof(buf));
    assert_string_equal(buf, "2026-11-23T05:00:00+00:00");
    /* valid for 5 more minutes by the local clock... */
    assert_int_equal(resolve_with_offset("2026-11-23T05:05:00Z", 0),
                     AWSCRED_OK);
    /* ...but the local clock is 10 minutes slow: really expired */
    assert_int_equal(resolve_with_offset("2026-11-23T05:05:00Z", 600),
                     AWSCRED_ERR_EXPIRED);
    /* expired 5 minutes ago by the local clock... */
    assert_int_equal(resolve_with_offset("2026-11-23T04:55:00Z", 0),
                     AWSCRED_ERR_EXPIRED);
    /* ...but the local clock is 10 minutes fast: still valid */
    assert_int_equal(resolve_with_offset("2026-11-23T04:55:00Z", -600),
                     AWSCRED_OK);
}

/* A reading anyone on the path could forge (plain http: the container
   and instance metadata endpoints, a clock_url) never withholds
   credentials the local clock thinks valid; it may still rescue ones a
   fast local clock thinks expired. */
static void
test_forged_clock_withholds_nothing(void **state)
{
    assert_int_equal(resolve_measured("2026-11-23T05:05:00Z", 86400,
                                      "http://169.254.170.2/creds"),
                     AWSCRED_OK);
    assert_int_equal(resolve_measured("2026-11-23T05:05:00Z", 86400,
                                      "https://sts.example.com/"),
                     AWSCRED_OK);
    assert_int_equal(resolve_measured("2026-11-23T04:55:00Z", -600,
                                      "http://169.254.170.2/creds"),
                     AWSCRED_OK);
    assert_int_equal(resolve_measured("2026-11-23T04:55:00Z", 0,
                                      "http://169.254.170.2/creds"),
                     AWSCRED_ERR_EXPIRED);
}

/* Which responses vouch for their Date: HTTPS from an AWS host name. */
static void
test_authenticated_sources(void **state)
{
    static const struct {
        const char *url;
        int authenticated;
    } cases[] = {
        { STS_URL, 1 },
        { "https://sts.amazonaws.com/?Action=GetCallerIdentity", 1 },
        { "https://STS.CN-NORTH-1.AMAZONAWS.COM.CN:443/", 1 },
        { "https://sts.us-east-1.api.aws/", 1 },
        { "http://sts.amazonaws.com/", 0 },
        { "https://sts.amazonaws.com.evil.example/", 0 },
        { "https://sts.amazonaws.com@evil.example/", 0 },
        { "https://evilamazonaws.com/", 0 },
        { "https://amazonaws.com/", 0 },
        { "https://vpce-1.sts.eu-west-1.vpce.amazonaws.com/", 1 },
        { "sntp://169.254.169.123", 0 },
    };
    struct awscred_clock_reading r;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        clock_reading_from_date(1000000, 999999000, 10, cases[i].url, &r);
        if (r.authenticated != cases[i].authenticated)
            fail_msg("%s: authenticated %d", cases[i].url, r.authenticated);
    }
}

/* An STS Date (±2 s) outvotes an SNTP reading claiming ±5 ms, in either
   order: the claim is the attacker's to write. */
static void
test_authenticated_outvotes_sntp(void **state)
{
    struct fake_clock fc = {.real_ms = 1700000000000LL, .mono_ms = 1};
    struct awscred_clock_reading sntp = {
        .valid = 1, .offset_ms = 86400000, .uncertainty_ms = 5,
        .source = "sntp://192.0.2.1",
    };
    struct awscred_clock_reading out;

    for (int order = 0; order < 2; order++) {
        struct awscred_context *ctx = fake_context(&fc);

        if (order == 0)
            clock_record(ctx, &sntp);
        clock_note_http(ctx, 1700000000, 1700000000000LL, 2000, STS_URL);
        if (order == 1)
            clock_record(ctx, &sntp);
        awscred_context_clock_reading(ctx, &out);
        assert_string_equal(out.source, STS_URL);
        assert_int_equal(out.authenticated, 1);
        assert_true(out.offset_ms < 2000 && out.offset_ms > -2000);
        awscred_context_free(ctx);
    }
}

static void
test_sts_url(void **state)
{
    char buf[128];

    assert_string_equal(awscred_clock_sts_url("eu-west-1", buf, sizeof(buf)),
                        "https://sts.eu-west-1.amazonaws.com/"
                        "?Action=GetCallerIdentity&Version=2011-06-15");
    assert_string_equal(awscred_clock_sts_url(NULL, buf, sizeof(buf)),
                        "https://sts.amazonaws.com/"
                        "?Action=GetCallerIdentity&Version=2011-06-15");
    assert_string_equal(awscred_clock_sts_url("cn-north-1", buf, sizeof(buf)),
                        "https://sts.cn-north-1.amazonaws.com.cn/"
                        "?Action=GetCallerIdentity&Version=2011-06-15");
    assert_string_equal(awscred_clock_sts_url("x/../y", buf, sizeof(buf)),
                        "https://sts.amazonaws.com/"
                        "?Action=GetCallerIdentity&Version=2011-06-15");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reading_midpoint),
        cmocka_unit_test(test_record_keeps_most_precise),
        cmocka_unit_test(test_true_now_applies_offset),
        cmocka_unit_test(test_judge),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_sntp_arithmetic),
        cmocka_unit_test(test_sntp_request_packet),
        cmocka_unit_test(test_sntp_loopback),
        cmocka_unit_test(test_sntp_refuses_names_and_times_out),
        cmocka_unit_test(test_kernel_state),
        cmocka_unit_test(test_check_adds_no_request_after_resolution),
        cmocka_unit_test(test_expiry_uses_server_time),
        cmocka_unit_test(test_forged_clock_withholds_nothing),
        cmocka_unit_test(test_authenticated_sources),
        cmocka_unit_test(test_authenticated_outvotes_sntp),
        cmocka_unit_test(test_sts_url),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
