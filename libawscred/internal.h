/*
 * internal.h: what the parts of libawscred share and nothing outside sees.
 *
 * Layers, bottom up (doc/design.md):
 *   util     error values, strings and secrets, bounded file reads, paths,
 *            ISO 8601 times, the strict JSON wrapper      (util/ *.c)
 *   config   the AWS config/credentials reader and the merged profile map
 *   net      the lazily loaded network module (net/net.h)
 *   resolve  profile selection and the provider chain (chain.c, resolve.c)
 *   providers/ one file per provider behind struct provider
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_INTERNAL_H
#define AWSCRED_INTERNAL_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "awscred.h"
#include "common/secret.h"

#pragma GCC visibility push(hidden)

struct net_ops;

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
    char *net_module_path;
    void *net_handle;            /* dlopen() handle, NULL until first use */
    const struct net_ops *net;   /* NULL until first use */
    int64_t deadline_ms;         /* monotonic; 0 = none (set per resolve) */
    struct awscred_clock_reading clock_reading;
    awscred_kernel_clock_fn *kernel_clock; /* NULL: adjtimex() (clock.c) */
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

/* ---- Errors ----------------------------------------------------------- */

/* Fills err (which may be NULL) and returns status. */
enum awscred_status error_set(struct awscred_error *err,
                              enum awscred_status status, const char *provider,
                              const char *where, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* Same, where = "path:line". */
enum awscred_status error_set_line(struct awscred_error *err,
                                   enum awscred_status status,
                                   const char *path, unsigned line,
                                   const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
/* The error for key of s (in what, e.g. "profile dev") when a context
   flag switches it off (AWSCRED_FLAG_NO_PROCESS,
   AWSCRED_FLAG_NO_FILE_ENDPOINTS); where is its file and line. */
struct cfg_section;
enum awscred_status error_disabled(struct awscred_error *err,
                                   const char *provider,
                                   const struct cfg_section *s,
                                   const char *key, const char *what);
/* Clears err to AWSCRED_OK with empty strings. */
void error_clear(struct awscred_error *err);

/* ---- Strings and secrets ---------------------------------------------- */

char *xstrdup(const char *s);                 /* NULL in, NULL out */

/*
 * The scheme and host name of a URL as Python's urllib.parse.urlsplit sees
 * them (both lower-cased; IPv6 brackets removed; user info and port
 * dropped). Writes "" when there is none. Returns false when a part does
 * not fit.
 */
bool url_parts(const char *url, char *scheme, size_t scheme_size,
               char *host, size_t host_size);
char *xstrndup(const char *s, size_t n);
/* malloc'd printf; NULL when out of memory. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An empty credentials struct, or NULL when out of memory. */
struct awscred_credentials *credentials_new(void);
/* Case-insensitive ASCII equality (the AWS CLI's .lower() == ...). */
bool str_ieq(const char *a, const char *b);
/* The code point of the UTF-8 character at p (before end) in *cp and its
   length, or 0 when it is not strict UTF-8. */
unsigned utf8_decode(const unsigned char *p, const unsigned char *end,
                     uint32_t *cp);
/* Python's str.isspace() of one character. */
bool py_isspace(uint32_t c);
/* Python's int() of a str: white space around, a sign, Unicode decimal
   digits with single underscores between them. false when Python would
   raise ValueError or the value does not fit in 64 bits. */
bool py_int(const char *s, long long *out);

/* ---- Files ------------------------------------------------------------ */

/*
 * Reads a whole file into a NUL-terminated buffer of at most the context's
 * max_file_bytes, opening with O_RDONLY|O_CLOEXEC|O_NOCTTY|O_NONBLOCK and
 * checking on the descriptor: a regular file, within the size limit, and
 * with AWSCRED_FLAG_STRICT_FILES owned by the context's user or root and
 * not writable by group or others. With STRICT_FILES, a file whose
 * resolved path lies below the resolved home is opened one directory
 * descriptor at a time from the home down, each directory checked the
 * same way (refused, or logged with AWSCRED_FLAG_WARN_UNSAFE_DIRS).
 * Returns AWSCRED_OK with *data set, or AWSCRED_OK with *data NULL when the
 * file does not exist (ENOENT/ENOTDIR: "treated as empty", as the CLI), or
 * AWSCRED_ERR_FILE naming the file. what is a short label for messages
 * ("config file"). Free *data with secret_free_n(*data, *len + 1).
 */
enum awscred_status file_read(const struct awscred_context *ctx,
                              const char *path, const char *what,
                              char **data, size_t *len,
                              struct awscred_error *err);

/*
 * file_read() for the config and credentials files: a file that exists but
 * cannot be opened (EACCES, ELOOP, a directory on the way that cannot be
 * searched) or is a directory counts as missing, with a LOG_WARNING line
 * naming it, because
 * configparser's read() skips such a file and the AWS CLI treats it as
 * empty. A file that opens and fails a check is still an error.
 */
enum awscred_status file_read_config(const struct awscred_context *ctx,
                                     const char *path, const char *what,
                                     char **data, size_t *len,
                                     struct awscred_error *err);

/*
 * Writes data to path atomically with mode 0600 (a temporary file with
 * O_CREAT|O_EXCL|O_NOFOLLOW in the same directory, then rename()),
 * creating missing parent directories with mode 0700. Used for the caches.
 */
enum awscred_status file_write_atomic(const struct awscred_context *ctx,
                                      const char *path, const char *data,
                                      size_t len, struct awscred_error *err);

/*
 * Expands a path like os.path.expandvars then os.path.expanduser: $VAR and
 * ${VAR} from the context's environment (unknown variables stay as they
 * are), then a leading "~" or "~/" from the context's home. Returns a
 * malloc'd string or NULL when out of memory.
 */
char *path_expand(const struct awscred_context *ctx, const char *raw);

/* ---- Times ------------------------------------------------------------ */

/*
 * Parses a timestamp as dateutil's parse() does for the forms that
 * credential_process helpers, container endpoints and caches write:
 * ISO 8601 extended ("2026-11-22T12:20:59Z", "...+05:30", "... UTC",
 * fractional seconds, a space instead of "T") and basic
 * ("20261122T122059Z"), and the HTTP date ("Sun, 22 Nov 2026 12:20:59
 * GMT"). Without a zone the time is taken as UTC (where the AWS CLI
 * fails comparing it with an aware time). Returns 0, or -1.
 */
struct time_value {
    int64_t seconds; /* since the epoch, UTC */
    int32_t usec;    /* the fraction as given, in microseconds */
    int32_t offset;  /* the zone as given, seconds east of UTC */
};
int time_parse_value(const char *s, struct time_value *out);
/* time_parse_value()'s seconds. */
int time_parse_iso8601(const char *s, int64_t *out);
/* time_parse_value() into c's expiration fields. */
int time_parse_expiration(const char *s, struct awscred_credentials *c);
/* "2026-11-22T12:20:59+00:00" (the AWS CLI v2 export format); buf >= 32. */
void time_format_iso8601(int64_t t, char *buf, size_t size);
/* "2026-11-22T12:20:59Z" (the SSO caches' format); buf >= 32. */
void time_format_iso8601_z(int64_t t, char *buf, size_t size);

/* ---- Strict JSON (doc/design.md decision 4) ------------------------- */

/*
 * Parses a JSON document the way Python's json module does where cJSON
 * differs: trailing data (other than white space) is an error, the last
 * of duplicate keys wins, lookups are case-sensitive, and strings holding
 * NUL are refused. Reports no position through cJSON's global error
 * pointer. Returns NULL and fills err (AWSCRED_ERR_RETRIEVAL, where =
 * source) on failure. Free the tree with json_free(), which wipes every
 * string in it.
 */
struct cJSON;
struct cJSON *json_parse(const char *text, size_t len, const char *source,
                         struct awscred_error *err);
void json_free(struct cJSON *tree);
/* The member named key (case-sensitive), or NULL. */
const struct cJSON *json_get(const struct cJSON *object, const char *key);
/* The string value of member key, or NULL when absent or not a string. */
const char *json_get_string(const struct cJSON *object, const char *key);

/* ---- Config files (config/) ------------------------------------------- */

/*
 * A section of an AWS config file, after the AWS CLI's rules: key names
 * lower-cased, values verbatim (no inline comments), nested sub-sections
 * for "key =" followed by indented lines, [DEFAULT] keys inherited.
 */
struct cfg_section;

/*
 * The merged view of ~/.aws/config and ~/.aws/credentials (AWS_CONFIG_FILE
 * and AWS_SHARED_CREDENTIALS_FILE from the context's environment, expanded
 * with path_expand). A missing file counts as empty; a malformed one is an
 * error naming file and line.
 */
struct cfg;

enum awscred_status cfg_load(const struct awscred_context *ctx,
                             struct cfg **out, struct awscred_error *err);
/* Loads from explicit paths (either may be NULL = none). */
enum awscred_status cfg_load_paths(const struct awscred_context *ctx,
                                   const char *config_path,
                                   const char *credentials_path,
                                   struct cfg **out, struct awscred_error *err);
void cfg_free(struct cfg *cfg);

/* The profile as botocore's full_config sees it: the config file's
   profile with the credentials file's section merged over it key by key.
   NULL when the profile exists in neither file. */
const struct cfg_section *cfg_profile(const struct cfg *cfg, const char *name);
/* Only the credentials file's section [name], or NULL. */
const struct cfg_section *cfg_credentials_profile(const struct cfg *cfg,
                                                  const char *name);
/* Only the config file's [default] / [profile name] section, or NULL. */
const struct cfg_section *cfg_config_profile(const struct cfg *cfg,
                                             const char *name);
/* [sso-session name] and [services name] of the config file, or NULL. */
const struct cfg_section *cfg_sso_session(const struct cfg *cfg,
                                          const char *name);
const struct cfg_section *cfg_services(const struct cfg *cfg, const char *name);
/* The paths as configured (unexpanded, for messages like "~/.aws/config")
   and as opened. */
const char *cfg_config_path(const struct cfg *cfg);
const char *cfg_credentials_path(const struct cfg *cfg);

/* A key's value (key lower-case), or NULL. A nested sub-section's own
   value is "" */
const char *cfg_get(const struct cfg_section *s, const char *key);
/* The nested sub-section under key (e.g. "s3", "sts" in [services]). */
const struct cfg_section *cfg_get_nested(const struct cfg_section *s,
                                         const char *key);
/* The i-th key of a section in file order (NULL past the end), with its
   value in *value (may be NULL), for rules that look at every key. */
const char *cfg_key_at(const struct cfg_section *s, size_t i,
                       const char **value);
/* Where a key was read, for messages: file path and line (0 if unknown). */
const char *cfg_section_file(const struct cfg_section *s);
unsigned cfg_key_line(const struct cfg_section *s, const char *key);
/* The file (as opened) a key was read from: in a merged profile the
   credentials file for the keys it overrides. NULL when absent. */
const char *cfg_key_file(const struct cfg_section *s, const char *key);

/*
 * Splits a string like Python's shlex.split (POSIX mode, comments=False).
 * Returns a NULL-terminated malloc'd vector, or NULL with *error set to a
 * static message ("No closing quotation", "No escaped character").
 * Free with strv_free().
 */
char **shlex_split(const char *s, const char **error);
void strv_free(char **v);

/* ---- The resolver and the chain --------------------------------------- */

/* Per-resolution state shared by the providers. */
struct resolver {
    struct awscred_context *ctx;
    struct cfg *cfg;
    const char *profile;      /* the selected profile name */
    bool profile_explicit;    /* --profile given: env providers are off */
    const char *region;       /* resolved region or NULL */
    const char *visited[64];  /* source_profile loop detection */
    size_t nvisited;
};

enum provider_outcome {
    PROVIDER_FOUND,    /* *out holds credentials */
    PROVIDER_SKIP,     /* not configured for this provider: next one */
    PROVIDER_FAILED,   /* an error that stops the chain, as in the CLI */
};

/*
 * One credential provider. load() looks at the resolver's profile (or
 * profile when resolving a source_profile) and returns an outcome. On
 * PROVIDER_FOUND it sets *out; on PROVIDER_FAILED it fills err.
 */
struct provider {
    const char *method;  /* botocore credentials.method, e.g. "env" */
    enum provider_outcome (*load)(struct resolver *r, const char *profile,
                                  struct awscred_credentials **out,
                                  struct awscred_error *err);
};

extern const struct provider provider_env;
extern const struct provider provider_assume_role;
extern const struct provider provider_web_identity;
extern const struct provider provider_sso;
extern const struct provider provider_shared_file;
extern const struct provider provider_login;
extern const struct provider provider_process;
extern const struct provider provider_config_file;
extern const struct provider provider_ec2_file;
extern const struct provider provider_boto;
extern const struct provider provider_container;
extern const struct provider provider_imds;

/* The chains, NULL-terminated (chain.c). */
extern const struct provider *const chain_default[];
extern const struct provider *const chain_source_profile[];

/*
 * The resolver's two up-calls, for the assume-role provider only
 * (providers/assume_role.c): every other dependency runs from resolve/ down
 * to providers/, whose shared code is providers/common.[ch].
 *
 * Resolves the credentials of a source_profile: the profile providers
 * (web identity with env off, SSO, credentials file, process, config
 * file), or a nested assume-role when the profile has role_arn and no
 * static keys. Handles loop detection on r->visited.
 */
enum provider_outcome resolve_source_profile(struct resolver *r,
                                             const char *profile,
                                             struct awscred_credentials **out,
                                             struct awscred_error *err);
/* credential_source = Environment | Ec2InstanceMetadata | EcsContainer. */
enum provider_outcome resolve_credential_source(struct resolver *r,
                                                const char *profile,
                                                const char *source,
                                                struct awscred_credentials **out,
                                                struct awscred_error *err);

#pragma GCC visibility pop
#endif /* AWSCRED_INTERNAL_H */
