/*
 * clock.c: how far the local clock is from AWS's, and how sure we are.
 *
 * AWS refuses SigV4 requests stamped more than five minutes from its own
 * time, and no AWS tool checks the clock up front (reference/aws-credential-
 * chain.md section 10). Readings come at no cost from the Date header of
 * every response the network layer receives, from an explicit probe when
 * resolution made no call, or from SNTP; the kernel's adjtimex() state adds
 * a local opinion. Nothing here ever sets the clock.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/timex.h>
#include <unistd.h>

#include "clock/clock.h"
#include "net/net.h"

#define SNTP_DEFAULT_TIMEOUT_MS 1000
/* Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
#define NTP_UNIX_OFFSET 2208988800LL

/* ---- The HTTP probe ----------------------------------------------------- */

/* The global or regional STS endpoint with CLOCK_STS_QUERY. */
const char *
awscred_clock_sts_url(const char *region, char *buf, size_t size)
{
    static const char query[] = "?" CLOCK_STS_QUERY;

    if (region == NULL || region[0] == '\0'
        || strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789-")
               != strlen(region))
        snprintf(buf, size, "https://sts.amazonaws.com/%s", query);
    else  /* the China partition has its own domain */
        snprintf(buf, size, "https://sts.%s.amazonaws.com%s/%s", region,
                 strncmp(region, "cn-", 3) == 0 ? ".cn" : "", query);
    return buf;
}

/* An admin's URL is used as given; else the STS endpoint of the region
   the context's environment names. */
static char *
probe_url(const struct awscred_context *ctx, const char *url)
{
    char buf[300];
    const char *region;

    if (url != NULL)
        return xstrdup(url);
    region = ctx_getenv_nonempty(ctx, "AWS_REGION");
    if (region == NULL)
        region = ctx_getenv_nonempty(ctx, "AWS_DEFAULT_REGION");
    return xstrdup(awscred_clock_sts_url(region, buf, sizeof(buf)));
}

/* A measurement outside a resolution runs under the context's total
   budget; inside one, under the resolution's deadline. Returns the
   deadline to restore. */
static int64_t
budget_begin(struct awscred_context *ctx)
{
    int64_t saved = ctx->deadline_ms;

    if (saved == 0 && ctx->limits.total_timeout_ms != 0)
        ctx->deadline_ms = ctx_monotonic_ms(ctx) + ctx->limits.total_timeout_ms;
    return saved;
}

enum awscred_status
awscred_clock_probe(struct awscred_context *ctx, const char *url,
                    struct awscred_clock_reading *out,
                    struct awscred_error *err)
{
    struct awscred_clock_reading before = ctx->clock_reading;
    struct net_response resp;
    struct net_request req;
    enum awscred_status status;
    int64_t saved_deadline;
    char *target = probe_url(ctx, url);

    memset(out, 0, sizeof(*out));
    if (target == NULL)
        return error_set(err, AWSCRED_ERR_NOMEM, NULL, "", "out of memory");
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.url = target;
    req.endpoint_label = "clock probe";
    /* net_http notes this response's reading (clock_note_http) in an
       emptied slot; afterwards the context keeps the better one */
    memset(&ctx->clock_reading, 0, sizeof(ctx->clock_reading));
    saved_deadline = budget_begin(ctx);
    status = net_http(ctx, &req, &resp, err);
    ctx->deadline_ms = saved_deadline;
    *out = ctx->clock_reading;
    ctx->clock_reading = before;
    clock_record(ctx, out);
    if (status == AWSCRED_OK && !out->valid)
        status = error_set(err, AWSCRED_ERR_RETRIEVAL, NULL, target,
                           "The response from %s has no usable Date header",
                           target);
    net_response_free(&resp);
    free(target);
    return status;
}

enum awscred_status
awscred_clock_check(struct awscred_context *ctx, enum awscred_clock_check mode,
                    const char *url, struct awscred_clock_reading *out,
                    struct awscred_error *err)
{
    bool have = ctx->clock_reading.valid;

    if (mode == AWSCRED_CLOCK_CHECK_ALWAYS
        || (mode == AWSCRED_CLOCK_CHECK_AUTO && !have)) {
        enum awscred_status status = awscred_clock_probe(ctx, url, out, err);
        if (status != AWSCRED_OK && !have)
            return status;
    }
    /* the context keeps the most precise of everything seen */
    *out = ctx->clock_reading;
    return AWSCRED_OK;
}

/* ---- SNTP (RFC 4330) ---------------------------------------------------- */

static void
put_be64(unsigned char *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (unsigned char) v;
}

static uint64_t
get_be(const unsigned char *p, int n)
{
    uint64_t v = 0;

    for (int i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/* NTP timestamp (32.32 since 1900) to Unix milliseconds. Era 1 starts in
   2036: seconds below 2^31 are read as era 1, as RFC 4330 section 3 says. */
static int64_t
ntp_to_unix_ms(uint64_t ts)
{
    int64_t sec = (int64_t) (ts >> 32);
    int64_t frac_ms =
        (int64_t) (((ts & 0xffffffffu) * 1000 + (1u << 31)) >> 32);

    if (sec < (1LL << 31))
        sec += 1LL << 32;
    return (sec - NTP_UNIX_OFFSET) * 1000 + frac_ms;
}

/* 16.16 fixed-point seconds (root delay, root dispersion) to ms, rounded
   up so the bound stays honest. */
static int64_t
short_to_ms(uint32_t v)
{
    return (int64_t) (((uint64_t) v * 1000 + 0xffff) >> 16);
}

void
sntp_request(unsigned char pkt[SNTP_PACKET_SIZE], uint64_t nonce)
{
    memset(pkt, 0, SNTP_PACKET_SIZE);
    pkt[0] = (0 << 6) | (4 << 3) | 3; /* LI 0, version 4, mode 3 (client) */
    put_be64(pkt + 40, nonce);
}

int
sntp_reading(const unsigned char *reply, size_t len, uint64_t nonce,
             int64_t t1_ms, int64_t rtt_ms, const char *source,
             struct awscred_clock_reading *out, const char **why)
{
    int64_t t2, t3, t4, delay;

    *why = NULL;
    if (len < SNTP_PACKET_SIZE)
        *why = "short SNTP reply";
    else if ((reply[0] & 7) != 4 || ((reply[0] >> 3) & 7) < 3
             || ((reply[0] >> 3) & 7) > 4)
        *why = "not an SNTP server reply";
    else if (get_be(reply + 24, 8) != nonce)
        *why = "SNTP reply does not answer our request";
    else if (reply[1] == 0)
        *why = "SNTP server sent a kiss-o'-death";
    else if ((reply[0] >> 6) == 3 || reply[1] > 15)
        *why = "SNTP server is not synchronised";
    else if (get_be(reply + 40, 8) == 0)
        *why = "SNTP reply has no transmit time";
    if (*why != NULL)
        return -1;

    t2 = ntp_to_unix_ms(get_be(reply + 32, 8));
    t3 = ntp_to_unix_ms(get_be(reply + 40, 8));
    t4 = t1_ms + rtt_ms;
    delay = rtt_ms - (t3 - t2);
    if (delay < 0)
        delay = 0;
    memset(out, 0, sizeof(*out));
    out->valid = 1;
    out->offset_ms = ((t2 - t1_ms) + (t3 - t4)) / 2;
    /* RFC 5905 section 11.2's bound: delay/2 + root delay/2 + root
       dispersion, plus our millisecond resolution */
    out->uncertainty_ms = (delay + 1) / 2
        + (short_to_ms((uint32_t) get_be(reply + 4, 4)) + 1) / 2
        + short_to_ms((uint32_t) get_be(reply + 8, 4)) + 1;
    clock_reading_set_source(out, source);
    return 0;
}

/* "1.2.3.4", "1.2.3.4:123", "[::1]:123", "::1": numeric only. */
static int
sntp_address(const char *server, struct addrinfo **ai)
{
    struct addrinfo hints;
    char host[256];
    const char *port = "123";
    const char *colon = strrchr(server, ':');

    if (server[0] == '[') {
        const char *end = strchr(server, ']');
        if (end == NULL || (end[1] != '\0' && end[1] != ':'))
            return -1;
        snprintf(host, sizeof(host), "%.*s", (int) (end - server - 1),
                 server + 1);
        if (end[1] == ':')
            port = end + 2;
    } else if (colon != NULL && strchr(server, ':') == colon) {
        snprintf(host, sizeof(host), "%.*s", (int) (colon - server), server);
        port = colon + 1;
    } else {
        snprintf(host, sizeof(host), "%s", server);
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_DGRAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    return getaddrinfo(host, port, &hints, ai) == 0 ? 0 : -1;
}

/* Waits for a valid answer until deadline (monotonic ms); other datagrams
   (late answers, garbage) are dropped. */
static enum awscred_status
sntp_receive(struct awscred_context *ctx, int fd, uint64_t nonce,
             int64_t t1_ms, int64_t start_mono, int64_t deadline,
             const char *source, struct awscred_clock_reading *out,
             struct awscred_error *err)
{
    unsigned char buf[512];
    const char *why = "no answer";

    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int64_t left = deadline - ctx_monotonic_ms(ctx);
        ssize_t n;

        if (left <= 0)
            return error_set(err, AWSCRED_ERR_TIMEOUT, NULL, source,
                             "SNTP server %s did not answer in time (%s)",
                             source, why);
        if (poll(&pfd, 1, (int) left) < 0 && errno != EINTR)
            break;
        n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n < 0)
            break;
        if (sntp_reading(buf, (size_t) n, nonce, t1_ms,
                         ctx_monotonic_ms(ctx) - start_mono, source, out,
                         &why) == 0)
            return AWSCRED_OK;
    }
    return error_set(err, AWSCRED_ERR_NETWORK, NULL, source,
                     "SNTP query to %s failed: %s", source, strerror(errno));
}

enum awscred_status
awscred_clock_sntp(struct awscred_context *ctx, const char *server,
                   unsigned timeout_ms, struct awscred_clock_reading *out,
                   struct awscred_error *err)
{
    unsigned char pkt[SNTP_PACKET_SIZE];
    struct addrinfo *ai = NULL;
    enum awscred_status status;
    char source[300];
    uint64_t nonce;
    int64_t t1_ms, start_mono, wait_ms, saved_deadline;
    int fd = -1;

    memset(out, 0, sizeof(*out));
    if (server == NULL || sntp_address(server, &ai) != 0)
        return error_set(err, AWSCRED_ERR_INVALID_ARG, NULL,
                         server ? server : "",
                         "SNTP server must be a numeric address: %s",
                         server ? server : "(none)");
    snprintf(source, sizeof(source), "sntp://%s", server);
    wait_ms = timeout_ms ? timeout_ms : SNTP_DEFAULT_TIMEOUT_MS;
    saved_deadline = budget_begin(ctx);
    if (ctx_time_left_ms(ctx) < wait_ms)
        wait_ms = ctx_time_left_ms(ctx);
    ctx->deadline_ms = saved_deadline;
    if (getrandom(&nonce, sizeof(nonce), GRND_NONBLOCK) != sizeof(nonce)) {
        status = error_set(err, AWSCRED_ERR_NETWORK, NULL, source,
                           "no random numbers for the SNTP request");
        goto done;
    }
    nonce |= 1; /* a zero originate time would look like no answer */
    fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    /* connect() makes the kernel drop datagrams from anyone else */
    if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        status = error_set(err, AWSCRED_ERR_NETWORK, NULL, source,
                           "SNTP query to %s failed: %s", source,
                           strerror(errno));
        goto done;
    }
    sntp_request(pkt, nonce);
    start_mono = ctx_monotonic_ms(ctx);
    t1_ms = ctx_now_ms(ctx);
    if (send(fd, pkt, sizeof(pkt), 0) != (ssize_t) sizeof(pkt)) {
        status = error_set(err, AWSCRED_ERR_NETWORK, NULL, source,
                           "SNTP query to %s failed: %s", source,
                           strerror(errno));
        goto done;
    }
    status = sntp_receive(ctx, fd, nonce, t1_ms, start_mono,
                          start_mono + wait_ms, source, out, err);
    if (status == AWSCRED_OK)
        clock_record(ctx, out);

done:
    if (fd >= 0)
        close(fd);
    freeaddrinfo(ai);
    return status;
}

/* ---- The kernel's view -------------------------------------------------- */

static int
kernel_clock_adjtimex(void *arg, struct awscred_clock_kernel *out)
{
    struct timex tx;
    int state;

    memset(&tx, 0, sizeof(tx)); /* modes 0: read only, no privilege */
    state = adjtimex(&tx);
    if (state < 0)
        return -1;
    out->valid = 1;
    out->state = state;
    out->synchronised = state != TIME_ERROR && !(tx.status & STA_UNSYNC);
    out->maxerror_us = tx.maxerror;
    out->esterror_us = tx.esterror;
    return 0;
}

void
clock_set_kernel_reader(struct awscred_context *ctx, kernel_clock_fn *fn,
                        void *arg)
{
    ctx->kernel_clock = fn;
    ctx->kernel_clock_arg = arg;
}

int
awscred_clock_kernel(const struct awscred_context *ctx,
                     struct awscred_clock_kernel *out)
{
    kernel_clock_fn *fn =
        ctx->kernel_clock ? ctx->kernel_clock : kernel_clock_adjtimex;

    memset(out, 0, sizeof(*out));
    if (fn(ctx->kernel_clock_arg, out) != 0) {
        memset(out, 0, sizeof(*out));
        return -1;
    }
    out->valid = 1;
    return 0;
}

/* ---- Policy arithmetic -------------------------------------------------- */

enum awscred_clock_verdict
awscred_clock_judge(const struct awscred_clock_reading *reading,
                    unsigned warn_s, unsigned refuse_s)
{
    int64_t off, certain_ms;

    if (reading == NULL || !reading->valid)
        return AWSCRED_CLOCK_UNKNOWN;
    off = reading->offset_ms < 0 ? -reading->offset_ms : reading->offset_ms;
    certain_ms = off - (reading->uncertainty_ms > 0 ? reading->uncertainty_ms
                                                    : 0);
    if (certain_ms > (int64_t) refuse_s * 1000)
        return AWSCRED_CLOCK_REFUSE;
    if (certain_ms > (int64_t) warn_s * 1000)
        return AWSCRED_CLOCK_WARN;
    return AWSCRED_CLOCK_FINE;
}

/* "3 days 4 h", "2 h 5 min", "10 min 3 s", "42 s", "0.4 s": the two
   largest units, rounded to the second above a minute. */
static void
format_duration(int64_t ms, char *buf, size_t size)
{
    int64_t s = (ms + 500) / 1000;

    if (s >= 86400)
        snprintf(buf, size, "%lld days %lld h", (long long) (s / 86400),
                 (long long) (s % 86400 / 3600));
    else if (s >= 3600)
        snprintf(buf, size, "%lld h %lld min", (long long) (s / 3600),
                 (long long) (s % 3600 / 60));
    else if (s >= 60)
        snprintf(buf, size, "%lld min %lld s", (long long) (s / 60),
                 (long long) (s % 60));
    else if (ms >= 10000)
        snprintf(buf, size, "%lld s", (long long) s);
    else
        snprintf(buf, size, "%lld.%lld s", (long long) (ms / 1000),
                 (long long) (ms % 1000 / 100));
}

const char *
awscred_clock_describe(const struct awscred_clock_reading *reading, char *buf,
                       size_t size)
{
    char amount[64];
    int64_t off, tenths;

    if (reading == NULL || !reading->valid) {
        snprintf(buf, size, "not measured");
        return buf;
    }
    off = reading->offset_ms < 0 ? -reading->offset_ms : reading->offset_ms;
    format_duration(off, amount, sizeof(amount));
    /* the uncertainty rounds up: a bound must not shrink in print */
    tenths = (reading->uncertainty_ms + 99) / 100;
    /* the reference by name when it was not AWS, authenticated */
    snprintf(buf, size, "%s %s %s (\xc2\xb1%lld.%lld s)", amount,
             reading->offset_ms >= 0 ? "behind" : "ahead of",
             reading->authenticated || reading->source[0] == '\0'
                 ? "AWS" : reading->source,
             (long long) (tenths / 10), (long long) (tenths % 10));
    return buf;
}
