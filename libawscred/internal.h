/*
 * internal.h: what the parts of libawscred share and nothing outside sees:
 * the context (struct awscred_context, set through the public
 * awscred_context_set_*) and the clock readings it keeps (context.c).
 *
 * Each component has its own header for what the others use; layers,
 * bottom up (doc/design.md):
 *   util       errors, strings and secrets, bounded files, paths, times,
 *              strict JSON, shlex.split                   (util/util.h)
 *   config     the AWS config/credentials reader, one resolution's view
 *              of it (struct resolver)                    (config/cfg.h)
 *   net        the lazily loaded network module, STS calls (net/net.h)
 *   cache      the AWS CLI's caches                       (cache/cache.h)
 *   clock      skew measurement                           (clock/clock.h)
 *   providers  one file per provider behind struct provider
 *                                (providers/provider.h, providers/common.h)
 *   resolve    profile selection and the chains           (resolve/resolve.h)
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_INTERNAL_H
#define AWSCRED_INTERNAL_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awscred-clock.h"
#include "awscred.h"
#include "common/secret.h"

#pragma GCC visibility push(hidden)

struct net_ops;

/* Reads the kernel's clock state; clock/clock.c's default is adjtimex(). */
typedef int kernel_clock_fn(void *arg, struct awscred_clock_kernel *out);

/* ---- Context (fields set through the public awscred_context_set_*) ---- */

struct awscred_context {
    awscred_getenv_fn *getenv;
    void *getenv_arg;
    char *user;  /* NULL when no user was set */
    char *home;  /* NULL when no home was set: "~" then does not expand */
    uid_t uid;
    gid_t gid;
    bool have_user;
    awscred_clock_fn *clock;
    void *clock_arg;
    awscred_log_fn *log;
    void *log_arg;
    awscred_prompt_fn *prompt;
    void *prompt_arg;
    struct awscred_limits limits;
    unsigned flags;
    char *session_name;
    /* awscred_context_set_assume_role(): the requested profile's role */
    struct {
        char *role_arn;
        char *source_identity;
        char *mfa_serial;
        /* key, value, key, value...: cache_key_item's pairs */
        char *tags[2 * AWSCRED_MAX_SESSION_TAGS];
        size_t ntags;
        char *transitive[AWSCRED_MAX_SESSION_TAGS];
        size_t ntransitive;
    } assume;
    long mfa_session_s;          /* set_mfa_session(); 0: off */
    /* AWSCRED_FLAG_MFA_ROLE_SESSION's session, until taken; NULL: none */
    struct awscred_credentials *mfa_session;
    /* set_source_credentials(): the requested role's source, and whether
       the last resolution assumed the role from it */
    struct awscred_credentials *source;
    bool source_used;
    char *net_module_path;
    void *net_handle;            /* dlopen() handle, NULL until first use */
    const struct net_ops *net;   /* NULL until first use */
    struct json_lib *json;       /* libcjson (util/json.c); NULL until used */
    int64_t deadline_ms;         /* monotonic; 0 = none (set per resolve) */
    struct awscred_clock_reading clock_reading;
    kernel_clock_fn *kernel_clock; /* NULL: adjtimex() (clock/clock.c) */
    void *kernel_clock_arg;
    unsigned http_requests;      /* how many requests this context made */
};

/* The environment as the context sees it; NULL when unset. */
const char *ctx_getenv(const struct awscred_context *ctx, const char *name);
/* Like ctx_getenv, but an empty value counts as unset. */
const char *ctx_getenv_nonempty(const struct awscred_context *ctx,
                                const char *name);
/* Real time in seconds since the epoch, from the context's clock. */
int64_t ctx_now(const struct awscred_context *ctx);
/* Real time in milliseconds since the epoch. */
int64_t ctx_now_ms(const struct awscred_context *ctx);
/* Monotonic milliseconds, for deadlines. */
int64_t ctx_monotonic_ms(const struct awscred_context *ctx);
/* Milliseconds left before the context's deadline; INT32_MAX if none,
   0 when it has passed. */
int64_t ctx_time_left_ms(const struct awscred_context *ctx);
/* Logs through the context's sink (never pass secrets). */
void ctx_log(const struct awscred_context *ctx, int priority,
             const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- Clock readings the context keeps (context.c) -------------------- */

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

/* Copies source into the reading (truncated). */
void clock_reading_set_source(struct awscred_clock_reading *r,
                              const char *source);

#pragma GCC visibility pop

/* The components' headers, for code that uses most of the library (its
   tests); the library's own files include the ones they use. */
#include "util/util.h"
#include "config/cfg.h"
#include "providers/provider.h"
#include "resolve/resolve.h"

#endif /* AWSCRED_INTERNAL_H */
