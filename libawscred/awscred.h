/*
 * awscred.h: the public API of libawscred, a resolver for AWS credentials
 * that follows the AWS CLI v2: same profile selection, same provider order,
 * same file quirks, same errors.
 *
 * Everything the library needs from the outside world (environment,
 * user, home directory, clock, limits, logging, the network module) comes
 * in through a struct awscred_context. The library never reads process
 * globals such as environ, getuid() or $HOME, so the same code can serve a
 * command-line tool, a root login process and a test.
 *
 * The clock meter (`awscred clock`) has its own header, awscred-clock.h.
 *
 * Thread safety: a context and everything resolved through it belong to
 * one thread at a time. Different contexts may be used concurrently.
 *
 * Ownership: every pointer the library returns is owned by the caller and
 * released with the matching *_free function, which also wipes secrets.
 * Strings passed in are copied unless a comment says otherwise.
 *
 * Errors: functions return an enum awscred_status and, on failure, fill a
 * caller-owned struct awscred_error with a message in the AWS CLI's words
 * and the file and line or the endpoint involved. The message never
 * contains a secret.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_H
#define AWSCRED_H 1

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library is built with -fvisibility=hidden: these are its exports. */
#pragma GCC visibility push(default)

#define AWSCRED_API_VERSION 1

/* Result of every fallible call. Values are stable (part of the ABI). */
enum awscred_status {
    AWSCRED_OK = 0,
    AWSCRED_ERR_NO_CREDENTIALS = 1,   /* no provider had any credentials */
    AWSCRED_ERR_PROFILE_NOT_FOUND = 2,/* "The config profile (X) could not be found" */
    AWSCRED_ERR_CONFIG_PARSE = 3,     /* malformed config or credentials file */
    AWSCRED_ERR_INVALID_CONFIG = 4,   /* well-formed but inconsistent settings */
    AWSCRED_ERR_PARTIAL = 5,          /* a key without its secret, and alike */
    AWSCRED_ERR_LOOP = 6,             /* source_profile cycle */
    AWSCRED_ERR_FILE = 7,             /* unreadable, unsafe or oversized file */
    AWSCRED_ERR_RETRIEVAL = 8,        /* a provider failed to fetch credentials */
    AWSCRED_ERR_NETWORK = 9,          /* transport failure (DNS, TLS, connect) */
    AWSCRED_ERR_TIMEOUT = 10,         /* a deadline expired */
    AWSCRED_ERR_EXPIRED = 11,         /* credentials found but already expired */
    AWSCRED_ERR_UNSUPPORTED = 12,     /* a feature this build cannot provide */
    AWSCRED_ERR_INVALID_ARG = 13,     /* caller error */
    AWSCRED_ERR_NOMEM = 14,
    AWSCRED_ERR_SERVICE = 15,         /* an AWS service returned an error */
    AWSCRED_ERR_SSO_TOKEN = 16,       /* SSO token missing or expired: run aws sso login */
    AWSCRED_ERR_PARAM_VALIDATION = 17,/* botocore's client-side check refused a request */
    AWSCRED_ERR_NO_REGION = 18,       /* an STS call needs a region: "You must specify a region." */
};

/* A short stable name for a status, e.g. "profile-not-found". */
const char *awscred_status_name(enum awscred_status status);

/*
 * Filled by a failing call. Owned by the caller; no allocation inside, so
 * it can live on the stack and needs no freeing.
 */
struct awscred_error {
    enum awscred_status status;
    char message[1024];  /* the whole message, as the AWS CLI words it */
    char where[512];     /* "path:line", a path, or an endpoint; may be "" */
    char provider[40];   /* provider method name ("assume-role"), or "" */
};

/*
 * Resolved credentials. All strings are NUL-terminated and owned by the
 * struct; free it with awscred_credentials_free(), which wipes the secrets.
 */
struct awscred_credentials {
    char *access_key_id;
    char *secret_access_key;
    char *session_token;  /* NULL when the credentials have none */
    int64_t expiration;   /* seconds since the epoch, UTC; 0 = does not expire */
    char *account_id;     /* NULL when unknown */
    char *region;         /* the resolved region, NULL when none */
    char *profile;        /* the profile the chain resolved, NULL for env keys */
    const char *method;   /* static string: botocore's credentials.method,
                             e.g. "env", "shared-credentials-file", "assume-role" */
    /* The expiration as the provider wrote it, for printing it as the AWS
       CLI does (datetime.isoformat()): its microseconds and its UTC offset
       in seconds east. expiration stays the instant. */
    int32_t expiration_usec;
    int32_t expiration_offset;
};

void awscred_credentials_free(struct awscred_credentials *creds);

/* ---- The context: everything from outside ---------------------------- */

struct awscred_context;

/*
 * Creates a context with safe defaults: an empty environment, no user, the
 * real-time and monotonic system clocks, no logging, the default limits,
 * no prompt, and the network module at its installed path.
 * Returns NULL only when out of memory.
 */
struct awscred_context *awscred_context_new(void);
void awscred_context_free(struct awscred_context *ctx);

/*
 * The environment the resolver sees. lookup returns the value of name or
 * NULL; the returned string must stay valid for the duration of the call
 * that asked for it. Without this, the environment is empty.
 */
typedef const char *awscred_getenv_fn(void *arg, const char *name);
void awscred_context_set_env(struct awscred_context *ctx,
                             awscred_getenv_fn *lookup, void *arg);

/*
 * The user whose files are read and whose name defaults session names.
 * home is the directory "~" expands to. Copies the strings.
 */
int awscred_context_set_user(struct awscred_context *ctx, const char *name,
                             uid_t uid, gid_t gid, const char *home);

/*
 * The clock. which is CLOCK_REALTIME or CLOCK_MONOTONIC; returns 0 on
 * success. The default reads clock_gettime(). Tests supply their own.
 */
typedef int awscred_clock_fn(void *arg, clockid_t which, struct timespec *now);
void awscred_context_set_clock(struct awscred_context *ctx,
                               awscred_clock_fn *clock, void *arg);

/*
 * Log sink for diagnostics (never secrets). priority is a syslog priority.
 * Without a sink the library is silent; it never writes to stdout/stderr.
 */
typedef void awscred_log_fn(void *arg, int priority, const char *message);
void awscred_context_set_log(struct awscred_context *ctx, awscred_log_fn *log,
                             void *arg);

/*
 * Asks the user for a value (an MFA code). echo is 0 for secrets. Writes a
 * NUL-terminated answer of at most size-1 bytes into buf; returns 0 on
 * success, -1 when there is no way to ask. Without it, MFA profiles fail
 * with a clear error.
 */
typedef int awscred_prompt_fn(void *arg, const char *prompt, int echo,
                              char *buf, size_t size);
void awscred_context_set_prompt(struct awscred_context *ctx,
                                awscred_prompt_fn *prompt, void *arg);

/* Bounds on everything read or waited for. Zero fields keep the default. */
struct awscred_limits {
    size_t max_file_bytes;       /* config, credentials, caches: 256 MiB */
    size_t max_response_bytes;   /* HTTP bodies: 64 KiB */
    size_t max_process_output;   /* credential_process stdout: 64 KiB */
    unsigned total_timeout_ms;   /* whole resolution; 0 = no budget */
    unsigned process_timeout_ms; /* credential_process: 30000 */
    unsigned max_chain_depth;    /* source_profile hops: 32 */
};
void awscred_context_set_limits(struct awscred_context *ctx,
                                const struct awscred_limits *limits);

/* Behaviour switches (bitwise or). */
enum awscred_flags {
    /* Refuse files not owned by the user or root, or writable by group or
       others, and files under the user's home below a directory that is
       (OpenSSH's StrictModes; the PAM module's rule; the AWS CLI does not
       check). The directories checked are the home and each one below it
       on the file's resolved path; files outside the home are checked
       alone. */
    AWSCRED_FLAG_STRICT_FILES = 1u << 0,
    /* Never ask EC2 instance metadata (the PAM module's default). */
    AWSCRED_FLAG_NO_IMDS = 1u << 1,
    /* Read the AWS CLI caches but never write them. */
    AWSCRED_FLAG_NO_CACHE_WRITE = 1u << 2,
    /* Make no network call at all; providers that need one fail. */
    AWSCRED_FLAG_NO_NETWORK = 1u << 3,
    /* With STRICT_FILES: an unsafe directory above a file is logged at
       LOG_WARNING and the file read anyway (the files themselves are still
       refused). For sites whose homes are group-writable by design. */
    AWSCRED_FLAG_WARN_UNSAFE_DIRS = 1u << 4,
    /* A profile with credential_process is an error naming the profile
       and file: the helper is never run (pam_awscred's
       credential_process=deny). */
    AWSCRED_FLAG_NO_PROCESS = 1u << 5,
    /* Settings of the files that send calls elsewhere or change whom TLS
       trusts (endpoint_url, [services] endpoint_url, ca_bundle,
       ec2_metadata_service_endpoint) are an error naming the key and file
       (pam_awscred's user_endpoints=deny). Environment variables, which
       the caller controls, still apply. */
    AWSCRED_FLAG_NO_FILE_ENDPOINTS = 1u << 6,
    /* Proxies from the context's environment as botocore takes them
       (https_proxy, http_proxy, no_proxy, lower case first): for a
       command whose environment is its user's. Without it no proxy is
       used, whatever the environment says. */
    AWSCRED_FLAG_ENV_PROXIES = 1u << 7,
    /* botocore's legacy providers after the config file: AWS_CREDENTIAL_FILE
       (OriginalEC2Provider) and boto 2's [Credentials] (BotoProvider). */
    AWSCRED_FLAG_LEGACY_PROVIDERS = 1u << 8,
    /* With awscred_context_set_mfa_session(): a role_arn profile with
       mfa_serial whose source_profile has long-term keys gets its role
       through an MFA session: GetSessionToken (SerialNumber, TokenCode,
       DurationSeconds) signed with the source's keys, then AssumeRole
       without SerialNumber and TokenCode, signed with the session's. The
       session is kept for awscred_context_take_mfa_session(), so that
       the role can be assumed again from it without a code (pam_awscred's
       broker). Other sources send the code with AssumeRole, as without
       it. */
    AWSCRED_FLAG_MFA_ROLE_SESSION = 1u << 9,
};
void awscred_context_set_flags(struct awscred_context *ctx, unsigned flags);

/*
 * Path of the network module (libcurl, OpenSSL, expat), loaded with
 * dlopen() the first time a provider needs the network, so static-key
 * resolutions never map it. NULL restores the installed default.
 */
int awscred_context_set_net_module(struct awscred_context *ctx,
                                   const char *path);

/*
 * Default role_session_name for assume-role when the profile sets none
 * (the PAM module's system mode passes the user name). NULL: the AWS CLI's
 * default, "botocore-session-<unix time>".
 */
int awscred_context_set_session_name(struct awscred_context *ctx,
                                     const char *name);

/* At most this many session tags in one AssumeRole (STS's limit). */
#define AWSCRED_MAX_SESSION_TAGS 50

/* One session tag (STS Tags.member.N.Key and .Value). */
struct awscred_tag {
    const char *key;
    const char *value;
};

/*
 * What the AssumeRole of the requested profile (not of its source
 * profiles) carries beyond the profile's own keys; pam_awscred's system
 * mode passes its role_arn=, source_identity=, session_tags= and
 * transitive_tag_keys= here, expanded for the user.
 *   role_arn         replaces the profile's role_arn; the profile still
 *                    needs source_profile or credential_source. NULL: the
 *                    profile's.
 *   source_identity  SourceIdentity, replacing the profile's
 *                    source_identity. NULL: the profile's.
 *   mfa_serial       SerialNumber, replacing the profile's mfa_serial;
 *                    the code (TokenCode) is asked through the context's
 *                    prompt. NULL: the profile's.
 *   tags, ntags      Tags.member.N, in this order (at most
 *                    AWSCRED_MAX_SESSION_TAGS).
 *   transitive_tag_keys, ntransitive   TransitiveTagKeys.member.N.
 * All of it is part of the assume-role cache key, so sessions that differ
 * in any of it never share a cached credential. Values are sent as given:
 * the caller checks them against STS's limits. Everything is copied; NULL
 * opts clears. Returns 0, or -1 (out of memory, or too many tags).
 */
struct awscred_assume_role_options {
    const char *role_arn;
    const char *source_identity;
    const char *mfa_serial;
    const struct awscred_tag *tags;
    size_t ntags;
    const char *const *transitive_tag_keys;
    size_t ntransitive;
};
int awscred_context_set_assume_role(
    struct awscred_context *ctx,
    const struct awscred_assume_role_options *opts);

/*
 * MFA at login (pam_awscred's mfa in user mode): with duration_seconds
 * above 0, awscred_resolve() makes the requested profile's MFA count.
 *   - A profile with mfa_serial and no role_arn whose credentials are
 *     long-term (no session token) has them exchanged for an STS
 *     GetSessionToken session: SerialNumber the profile's mfa_serial,
 *     TokenCode asked through the context's prompt, DurationSeconds
 *     duration_seconds (STS allows 900 to 129600). Such a session is
 *     never cached; its method is "get-session-token".
 *   - A role_arn profile with mfa_serial skips the assume-role cache, so
 *     the code is always sent with AssumeRole (as the CLI's
 *     AssumeRoleProvider sends it on a cache miss).
 * 0 turns it off (the CLI's behaviour: mfa_serial without role_arn is
 * ignored).
 */
void awscred_context_set_mfa_session(struct awscred_context *ctx,
                                     long duration_seconds);

/*
 * The MFA session the last awscred_resolve() made for the role under
 * AWSCRED_FLAG_MFA_ROLE_SESSION, handed over (free it with
 * awscred_credentials_free), or NULL when it made none.
 */
struct awscred_credentials *
awscred_context_take_mfa_session(struct awscred_context *ctx);

/*
 * The requested profile's role (its role_arn, or set_assume_role's) is
 * assumed from src, copied, instead of from its source_profile or
 * credential_source: an MFA session from
 * awscred_context_take_mfa_session(), so AssumeRole carries no
 * SerialNumber nor TokenCode, and neither reads nor writes the cache. A
 * profile without a role is then an error, never its own credentials.
 * NULL clears. Returns 0, or -1 when out of memory.
 */
int awscred_context_set_source_credentials(
    struct awscred_context *ctx, const struct awscred_credentials *src);

/* ---- Resolution ------------------------------------------------------ */

/* What the command line would say. NULL members mean "not given". */
struct awscred_request {
    const char *profile; /* --profile: also drops environment credentials */
    const char *region;  /* --region */
};

/*
 * Resolves credentials the way `aws configure export-credentials` does.
 * On AWSCRED_OK, *out holds credentials the caller frees. Otherwise *out
 * is NULL and err (if not NULL) says why.
 */
enum awscred_status awscred_resolve(struct awscred_context *ctx,
                                    const struct awscred_request *req,
                                    struct awscred_credentials **out,
                                    struct awscred_error *err);

/*
 * The name of the profile awscred_resolve(ctx, req, ...) uses: req's
 * non-empty profile, else AWS_PROFILE, else AWS_DEFAULT_PROFILE (from the
 * context's environment, an empty value counting as set), else "default".
 * The string belongs to req or to the environment. For callers that need
 * the name before resolving, such as the command's credential_process
 * recursion barrier.
 */
const char *awscred_selected_profile(const struct awscred_context *ctx,
                                     const struct awscred_request *req);

/*
 * The requested profile's mfa_serial (what awscred_resolve() would ask a
 * code for), in *serial (the caller frees), or NULL when it has none.
 */
enum awscred_status awscred_mfa_serial(struct awscred_context *ctx,
                                       const struct awscred_request *req,
                                       char **serial,
                                       struct awscred_error *err);

/* Where a setting's value came from, for `awscred list`. */
struct awscred_setting {
    char *value;       /* NULL: not set */
    const char *type;  /* "manual", "env", "config-file", "imds", or NULL */
    char *location;    /* "--profile", "AWS_REGION", "~/.aws/config", ... */
};

/* The profile and region with their sources, as `aws configure list`. */
struct awscred_settings {
    struct awscred_setting profile;
    struct awscred_setting region;
};

enum awscred_status awscred_describe(struct awscred_context *ctx,
                                     const struct awscred_request *req,
                                     struct awscred_settings *out,
                                     struct awscred_error *err);
void awscred_settings_clear(struct awscred_settings *settings);

/* Wipes and frees a string that held a secret. NULL is fine. */
void awscred_free_secret(char *secret);

const char *awscred_version(void);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif
#endif /* AWSCRED_H */
