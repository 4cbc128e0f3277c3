/*
 * context.c: the context, which carries everything libawscred needs from
 * the outside world, and the small public helpers that go with it.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "util/util.h"

static const struct awscred_limits default_limits = {
    /* far past realistic files (a profile per account and role), and
       still a bound; fd_read_bounded sizes by the file, not the cap */
    .max_file_bytes = (size_t) 256 << 20,
    .max_response_bytes = 64 * 1024,
    .max_process_output = 64 * 1024,
    .total_timeout_ms = 0,
    .process_timeout_ms = 30000,
    .max_chain_depth = 32,
};

static int
system_clock(void *arg, clockid_t which, struct timespec *now)
{
    (void) arg;
    return clock_gettime(which, now);
}

struct awscred_context *
awscred_context_new(void)
{
    struct awscred_context *ctx = calloc(1, sizeof(*ctx));

    if (ctx == NULL)
        return NULL;
    ctx->clock = system_clock;
    ctx->limits = default_limits;
    return ctx;
}

void
awscred_context_free(struct awscred_context *ctx)
{
    if (ctx == NULL)
        return;
    free(ctx->user);
    free(ctx->home);
    free(ctx->session_name);
    (void) awscred_context_set_assume_role(ctx, NULL);
    awscred_credentials_free(ctx->mfa_session);
    awscred_credentials_free(ctx->source);
    free(ctx->net_module_path);
    if (ctx->net_handle != NULL)
        dlclose(ctx->net_handle);
    json_unload(ctx->json);
    free(ctx);
}

void
awscred_context_set_env(struct awscred_context *ctx, awscred_getenv_fn *lookup,
                        void *arg)
{
    ctx->getenv = lookup;
    ctx->getenv_arg = arg;
}

/* Replaces *slot with a copy of value; returns -1 when out of memory. */
static int
replace_string(char **slot, const char *value)
{
    char *copy = NULL;

    if (value != NULL && (copy = strdup(value)) == NULL)
        return -1;
    free(*slot);
    *slot = copy;
    return 0;
}

int
awscred_context_set_user(struct awscred_context *ctx, const char *name,
                         uid_t uid, gid_t gid, const char *home)
{
    if (replace_string(&ctx->user, name) < 0
        || replace_string(&ctx->home, home) < 0)
        return -1;
    ctx->uid = uid;
    ctx->gid = gid;
    ctx->have_user = true;
    return 0;
}

void
awscred_context_set_clock(struct awscred_context *ctx, awscred_clock_fn *clock,
                          void *arg)
{
    ctx->clock = clock != NULL ? clock : system_clock;
    ctx->clock_arg = arg;
}

void
awscred_context_set_log(struct awscred_context *ctx, awscred_log_fn *log,
                        void *arg)
{
    ctx->log = log;
    ctx->log_arg = arg;
}

void
awscred_context_set_prompt(struct awscred_context *ctx,
                           awscred_prompt_fn *prompt, void *arg)
{
    ctx->prompt = prompt;
    ctx->prompt_arg = arg;
}

void
awscred_context_set_limits(struct awscred_context *ctx,
                           const struct awscred_limits *limits)
{
    struct awscred_limits *l = &ctx->limits;

    *l = default_limits;
    if (limits == NULL)
        return;
    if (limits->max_file_bytes != 0)
        l->max_file_bytes = limits->max_file_bytes;
    if (limits->max_response_bytes != 0)
        l->max_response_bytes = limits->max_response_bytes;
    if (limits->max_process_output != 0)
        l->max_process_output = limits->max_process_output;
    l->total_timeout_ms = limits->total_timeout_ms;
    if (limits->process_timeout_ms != 0)
        l->process_timeout_ms = limits->process_timeout_ms;
    if (limits->max_chain_depth != 0)
        l->max_chain_depth = limits->max_chain_depth;
}

void
awscred_context_set_flags(struct awscred_context *ctx, unsigned flags)
{
    ctx->flags = flags;
}

int
awscred_context_set_net_module(struct awscred_context *ctx, const char *path)
{
    return replace_string(&ctx->net_module_path, path);
}

int
awscred_context_set_session_name(struct awscred_context *ctx,
                                 const char *name)
{
    return replace_string(&ctx->session_name, name);
}

void
awscred_context_set_mfa_session(struct awscred_context *ctx,
                                long duration_seconds)
{
    ctx->mfa_session_s = duration_seconds > 0 ? duration_seconds : 0;
}

struct awscred_credentials *
awscred_context_take_mfa_session(struct awscred_context *ctx)
{
    struct awscred_credentials *session = ctx->mfa_session;

    ctx->mfa_session = NULL;
    return session;
}

int
awscred_context_set_source_credentials(struct awscred_context *ctx,
                                       const struct awscred_credentials *src)
{
    struct awscred_credentials *copy = NULL;

    if (src != NULL) {
        copy = credentials_new();
        if (copy == NULL || src->access_key_id == NULL
            || src->secret_access_key == NULL
            || replace_string(&copy->access_key_id, src->access_key_id) < 0
            || replace_string(&copy->secret_access_key,
                              src->secret_access_key) < 0
            || replace_string(&copy->session_token, src->session_token)
                   < 0) {
            awscred_credentials_free(copy);
            return -1;
        }
        copy->expiration = src->expiration;
    }
    awscred_credentials_free(ctx->source);
    ctx->source = copy;
    return 0;
}

int
awscred_context_set_assume_role(struct awscred_context *ctx,
                                const struct awscred_assume_role_options *opts)
{
    size_t i;
    int rc = 0;

    free(ctx->assume.role_arn);
    free(ctx->assume.source_identity);
    free(ctx->assume.mfa_serial);
    for (i = 0; i < 2 * ctx->assume.ntags; i++)
        free(ctx->assume.tags[i]);
    for (i = 0; i < ctx->assume.ntransitive; i++)
        free(ctx->assume.transitive[i]);
    memset(&ctx->assume, 0, sizeof(ctx->assume));
    if (opts == NULL)
        return 0;
    if (opts->ntags > AWSCRED_MAX_SESSION_TAGS
        || opts->ntransitive > AWSCRED_MAX_SESSION_TAGS)
        return -1;
    rc |= replace_string(&ctx->assume.role_arn, opts->role_arn);
    rc |= replace_string(&ctx->assume.source_identity, opts->source_identity);
    rc |= replace_string(&ctx->assume.mfa_serial, opts->mfa_serial);
    for (i = 0; i < opts->ntags; i++) {
        rc |= replace_string(&ctx->assume.tags[2 * i], opts->tags[i].key);
        rc |= replace_string(&ctx->assume.tags[2 * i + 1],
                             opts->tags[i].value);
    }
    ctx->assume.ntags = opts->ntags;
    for (i = 0; i < opts->ntransitive; i++)
        rc |= replace_string(&ctx->assume.transitive[i],
                             opts->transitive_tag_keys[i]);
    ctx->assume.ntransitive = opts->ntransitive;
    if (rc != 0)
        (void) awscred_context_set_assume_role(ctx, NULL);
    return rc != 0 ? -1 : 0;
}

void
awscred_context_clock_reading(const struct awscred_context *ctx,
                              struct awscred_clock_reading *out)
{
    *out = ctx->clock_reading;
}

const char *
ctx_getenv(const struct awscred_context *ctx, const char *name)
{
    if (ctx->getenv == NULL)
        return NULL;
    return ctx->getenv(ctx->getenv_arg, name);
}

const char *
ctx_getenv_nonempty(const struct awscred_context *ctx, const char *name)
{
    const char *value = ctx_getenv(ctx, name);

    return value != NULL && *value != '\0' ? value : NULL;
}

static int64_t
clock_ms(const struct awscred_context *ctx, clockid_t which)
{
    struct timespec ts = {0, 0};

    if (ctx->clock(ctx->clock_arg, which, &ts) != 0)
        return 0;
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
ctx_now(const struct awscred_context *ctx)
{
    return clock_ms(ctx, CLOCK_REALTIME) / 1000;
}

int64_t
ctx_now_ms(const struct awscred_context *ctx)
{
    return clock_ms(ctx, CLOCK_REALTIME);
}

int64_t
ctx_monotonic_ms(const struct awscred_context *ctx)
{
    return clock_ms(ctx, CLOCK_MONOTONIC);
}

int64_t
ctx_time_left_ms(const struct awscred_context *ctx)
{
    int64_t left;

    if (ctx->deadline_ms == 0)
        return INT32_MAX;
    left = ctx->deadline_ms - ctx_monotonic_ms(ctx);
    return left > 0 ? left : 0;
}

void
ctx_log(const struct awscred_context *ctx, int priority, const char *fmt, ...)
{
    char message[1024];
    va_list ap;

    if (ctx->log == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    ctx->log(ctx->log_arg, priority, message);
}

const char *
awscred_version(void)
{
    return PACKAGE_VERSION;
}

/* A response slower than this says too little about the clock. */
#define CLOCK_MAX_RTT_MS 60000

/* ---- Readings ----------------------------------------------------------- */

void
clock_reading_set_source(struct awscred_clock_reading *r, const char *source)
{
    snprintf(r->source, sizeof(r->source), "%s", source ? source : "");
}

/* Whether a response from url vouches for its Date: HTTPS (the network
   module always verifies TLS) to an AWS host name (botocore's endpoint
   data: amazonaws.com, amazonaws.com.cn, api.aws for dual-stack). */
static int
source_authenticated(const char *url)
{
    static const char *const domains[] = { ".amazonaws.com",
                                           ".amazonaws.com.cn", ".api.aws" };
    const char *host, *end, *at;
    size_t len, i;

    if (url == NULL || strncmp(url, "https://", 8) != 0)
        return 0;
    host = url + 8;
    end = host + strcspn(host, "/?#");
    for (at = host; at < end; at++)  /* userinfo is not the host */
        if (*at == '@')
            host = at + 1;
    len = (size_t) (end - host);
    for (at = host; at < end; at++)
        if (*at == ':') {
            len = (size_t) (at - host);
            break;
        }
    for (i = 0; i < sizeof(domains) / sizeof(domains[0]); i++) {
        size_t dl = strlen(domains[i]);

        if (len > dl && strncasecmp(host + len - dl, domains[i], dl) == 0)
            return 1;
    }
    return 0;
}

void
clock_reading_from_date(int64_t date, int64_t sent_ms, int64_t rtt_ms,
                        const char *source, struct awscred_clock_reading *out)
{
    int64_t server_ms = date * 1000 + CLOCK_DATE_RESOLUTION_MS / 2;
    int64_t local_ms = sent_ms + rtt_ms / 2;

    memset(out, 0, sizeof(*out));
    out->valid = 1;
    out->offset_ms = server_ms - local_ms;
    out->uncertainty_ms = (rtt_ms + 1) / 2 + CLOCK_DATE_RESOLUTION_MS;
    out->authenticated = source_authenticated(source);
    clock_reading_set_source(out, source);
}

void
clock_record(struct awscred_context *ctx,
             const struct awscred_clock_reading *reading)
{
    const struct awscred_clock_reading *kept = &ctx->clock_reading;

    if (!reading->valid)
        return;
    /* a claimed uncertainty counts only between readings of one trust:
       whoever forged a reading also wrote its claim */
    if (kept->valid
        && (kept->authenticated > reading->authenticated
            || (kept->authenticated == reading->authenticated
                && kept->uncertainty_ms < reading->uncertainty_ms)))
        return;
    ctx->clock_reading = *reading;
}

void
clock_note_http(struct awscred_context *ctx, int64_t date, int64_t sent_ms,
                int64_t rtt_ms, const char *source)
{
    struct awscred_clock_reading reading;

    if (date < 0 || rtt_ms < 0 || rtt_ms > CLOCK_MAX_RTT_MS)
        return;
    clock_reading_from_date(date, sent_ms, rtt_ms, source, &reading);
    clock_record(ctx, &reading);
}

int64_t
ctx_true_now_ms(const struct awscred_context *ctx)
{
    int64_t now = ctx_now_ms(ctx);

    return ctx->clock_reading.valid ? now + ctx->clock_reading.offset_ms : now;
}

int64_t
ctx_true_now(const struct awscred_context *ctx)
{
    int64_t ms = ctx_true_now_ms(ctx);

    /* floor, also for (theoretical) times before 1970 */
    return ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
}

bool
ctx_expired(const struct awscred_context *ctx, int64_t expiration)
{
    const struct awscred_clock_reading *r = &ctx->clock_reading;

    if (r->valid && r->authenticated)
        return expiration <= ctx_true_now(ctx);
    /* an unauthenticated reading may rescue credentials a skewed local
       clock thinks expired, never withhold ones it thinks valid */
    return expiration <= ctx_now(ctx)
           && (!r->valid || expiration <= ctx_true_now(ctx));
}
