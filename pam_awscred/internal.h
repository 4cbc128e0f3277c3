/*
 * internal.h: what the parts of pam_awscred share. The module
 * (pam_awscred.so), the worker (awscred-worker) and `awscred session` all
 * link the same convenience library, so the dry run does exactly what a
 * login does.
 *
 * Layers:
 *   options.c  the sorted, typed option table; module arguments and the
 *              INI configuration file (/etc/security/pam_awscred.conf)
 *   spawn.c    the privilege-separated worker through the process runner
 *              (common/runner.h): become the user, exec, read one result
 *              against one deadline, kill what is left, reap
 *   result.c   the result protocol (writer and reader) and value checks
 *   request.c  the worker's request (request.h), one table both ways
 *   text.c     user-chosen text escaped for logs and terminals
 *   audit.c    the LOG_INFO line of a successful login
 *   session.c  one login's work: build the worker request, run it, build
 *              the NAME=value list to export
 *   clock_policy.c  the module's half of the clock check (clock_policy.h);
 *              clock_worker.c is the worker's half
 *   public.c   the pam_sm_* entry points (module only)
 *   helper.c   the worker program (links libawscred)
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PAM_AWSCRED_INTERNAL_H
#define PAM_AWSCRED_INTERNAL_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/secret.h"

#pragma GCC visibility push(hidden)

/* ---- Limits (documented in pam_awscred(8)) ---------------------------- */

#define PAMAWS_DEFAULT_CONF        SYSCONFDIR "/security/pam_awscred.conf"
#define PAMAWS_DEFAULT_WORKER      LIBEXECDIR "/awscred-worker"
#define PAMAWS_DEFAULT_SYS_CONFIG  SYSCONFDIR "/awscred/config"
#define PAMAWS_DEFAULT_SYS_CREDS   SYSCONFDIR "/awscred/credentials"
#define PAMAWS_DEFAULT_TIMEOUT_MS  5000
/* Spares root and system accounts even without the conffile, as
   libpam-krb5's pam-auth-update profile does with minimum_uid=1000. */
#define PAMAWS_DEFAULT_MINIMUM_UID 1000
#define PAMAWS_DEFAULT_CLOCK_STATE "/run/awscred/clock"
#define PAMAWS_DEFAULT_CLOCK_AGE_S 600
#define PAMAWS_DEFAULT_BROKER      "/run/awscred/broker.sock"
#define PAMAWS_DEFAULT_EXPIRY_NOTICE_S 3600
#define PAMAWS_MAX_TIMEOUT_MS      300000
#define PAMAWS_CONF_MAX_BYTES      65536   /* the module's own INI file */
#define PAMAWS_RESULT_MAX_BYTES    65536   /* one worker result payload */
#define PAMAWS_STDERR_MAX_BYTES    4096    /* worker diagnostics kept */
#define PAMAWS_REAP_GRACE_MS       1000    /* wait for a killed worker */
#define PAMAWS_TOKEN_MAX_BYTES     8192    /* AWS_SESSION_TOKEN cap */
#define PAMAWS_MAX_GROUPS          1024
#define PAMAWS_MAX_RECORDS         64
#define PAMAWS_BROKER_MAX_ARGS     32      /* options the broker keeps */
#define PAMAWS_DEFAULT_MFA_DIR     "/run/awscred/mfa"
#define PAMAWS_MFA_HANDLE_MAX_AGE_S 300  /* auth to session, at most */
#define PAMAWS_MFA_HANDLE_ENV      "AWSCRED_MFA_HANDLE"
/* GetSessionToken's DurationSeconds: STS's range and default */
#define PAMAWS_MFA_SESSION_MIN_S     900
#define PAMAWS_MFA_SESSION_MAX_S     129600
#define PAMAWS_DEFAULT_MFA_SESSION_S 43200

/* ---- Logging: pam_syslog in the module, stderr in the CLI ------------- */

typedef void pamaws_log_fn(void *arg, int priority, const char *message);
/* A line for the user's terminal: pam_info in the module (not under
   PAM_SILENT), stderr in `awscred session`. */
typedef void pamaws_notice_fn(void *arg, const char *text);

/* ---- Options (options.c) ---------------------------------------------- */

enum pamaws_mode {
    PAMAWS_MODE_USER = 0,   /* the user's own ~/.aws, resolved as the user */
    PAMAWS_MODE_SYSTEM = 1, /* the admin's files, role session = user name */
};

/* One member per option, in the order pam_awscred(8) documents them. */
struct pamaws_config {
    /* Which credentials */
    int mode;                 /* mode=user|system */
    char *profile;            /* profile=: user mode profile */
    char *region;             /* region=: overrides the profile's region */
    char *config_file;        /* config_file=: user mode AWS_CONFIG_FILE */
    char *credentials_file;   /* credentials_file=: AWS_SHARED_CREDENTIALS_FILE */
    char *system_config;      /* system_config=: the admin's config file */
    char *system_credentials; /* system_credentials=: admin credentials */
    char *system_profile;     /* system_profile=: profile in those files */
    char *system_user;        /* system_user=: identity of the system worker */
    /* Attribution in system mode (attrib.c): templates with %u %h %r %s %g */
    char *role_arn;           /* role_arn=: NULL: the profile's */
    char *source_identity;    /* source_identity=: NULL: %u, "": none */
    char *session_tags;       /* session_tags=key=value,... */
    char *transitive_tag_keys; /* transitive_tag_keys=key,... */
    /* MFA in the auth stack (mfa.c) */
    bool mfa;                 /* mfa: prompt for a code (auth only) */
    char *mfa_serial;         /* mfa_serial=: template of the device ARN */
    char *mfa_dir;            /* mfa_dir=: the handles' directory */
    long mfa_session_duration; /* mfa_session_duration=: seconds */
    bool imds;                /* imds: allow EC2 instance metadata */
    bool credential_process;  /* credential_process=allow|deny (user mode) */
    bool user_endpoints;      /* user_endpoints=allow|deny (user mode) */
    bool legacy_providers;    /* legacy_providers: ~/.boto and friends */
    char *proxy;              /* proxy=: the admin's, never the user's */
    char *no_proxy;           /* no_proxy=: hosts reached without it */
    /* Which users */
    long minimum_uid;         /* minimum_uid=: skip users below this uid */
    bool ignore_root;         /* ignore_root: skip uid 0 */
    bool nologin_users;       /* nologin_users=allow|skip (user mode) */
    bool foreign_ruser;       /* foreign_ruser=allow|skip: su/sudo */
    /* Behaviour */
    long timeout;             /* timeout=: whole login budget, milliseconds */
    bool strict;              /* strict: no credentials fails the session */
    bool warn_unsafe_dirs;    /* warn_unsafe_dirs: unsafe ~ or ~/.aws warns */
    bool debug;               /* debug: trace to syslog at LOG_DEBUG */
    bool quiet;               /* quiet: no LOG_ERR for failures, LOG_INFO */
    char *conf;               /* conf=: the module's INI file */
    /* The clock check (clock_policy.h) */
    char *clock_check;        /* clock_check=auto|always|never; NULL: auto */
    char *clock_url;          /* clock_url=: probe URL; NULL: regional STS */
    char *sntp_server;        /* sntp_server=: numeric address[:port] */
    long clock_warn;          /* clock_warn=: seconds; warn beyond */
    long clock_refuse;        /* clock_refuse=: seconds; clock_strict refuses */
    bool clock_strict;        /* clock_strict: refuse beyond clock_refuse */
    char *clock_trust;        /* clock_trust=aws|any; NULL: aws */
    char *clock_state;        /* clock_state=: the host's record */
    long clock_max_age;       /* clock_max_age=: seconds a record holds */
    /* Delivery (deliver.c) */
    char *deliver;            /* deliver=auto|keys|endpoint; NULL: auto */
    char *broker_socket;      /* broker_socket=: NULL: the default */
    bool token_env;           /* token_env: AWS_CONTAINER_AUTHORIZATION_TOKEN */
    long expiry_notice;       /* expiry_notice=: seconds; 0: off (keys) */
    /* Test hooks, for the admin only (pam.d or the root-owned conf) */
    char *worker;             /* worker=: path of awscred-worker */
    char *net_module;         /* net_module=: libawscred network module */
    /* Not an option: what makes every login fail closed (the name of an
       option with a relative path, "a [group] section" that cannot be
       resolved); logged when it is set. */
    const char *refused;
};

struct pamaws_audit;

/* Per-call state: configuration, logging and the user's terminal. */
struct pamaws_args {
    struct pamaws_config config;
    pamaws_log_fn *log;
    void *log_arg;
    pamaws_notice_fn *notice;  /* NULL: the user sees nothing */
    void *notice_arg;
    const char *service;       /* PAM_SERVICE, for the audit line */
    const char *rhost;         /* PAM_RHOST, NULL when local */
    const char *mfa_code;      /* auth with mfa: the code, else NULL */
    const char *mfa_serial;    /* and the device it is for */
    bool mfa_role_session;     /* and the broker may serve the login:
                                  keep a role's MFA session for it */
    /* awscredd's refresh after MFA: the role assumed from this */
    const struct pamaws_mfa_session *mfa_session;
    /* awscredd's refresh: its fields of the audit line, else NULL; with
       audit_held, the line goes there (PAMAWS_AUDIT_LINE_MAX) instead of
       the log, for the broker to log once it kept the credentials */
    const struct pamaws_audit *audit_broker;
    char *audit_held;
    /* Filled by pamaws_options_load, for the admin's commands */
    bool check_all;            /* in: check every section (check-config) */
    unsigned problems;         /* configuration problems reported */
    char sections[256];        /* the file's sections applied, "[global] ..." */
};

/*
 * Fills args->config from, in increasing precedence: the defaults, the
 * configuration file's global keys, its [group NAME] sections for groups
 * the user is in (in file order), its [user NAME] section, then argv.
 * user/groups may be NULL/0 (only global keys apply); a user whose groups
 * are NULL (unknown) makes any [group] section refuse the login
 * (config.refused). Every problem (file and line, the bad text, what is
 * accepted; unknown sections and options, with the nearest known name) is
 * logged and counted in args->problems, never fatal; args->check_all
 * checks every section without applying any to a user. Returns 0, or -1
 * when out of memory.
 */
int pamaws_options_load(struct pamaws_args *args, int argc, const char **argv,
                        const char *user, const gid_t *groups, size_t ngroups);
/* Frees the strings in config. */
void pamaws_config_free(struct pamaws_config *config);
/* Reads a file with the checks of the configuration file (regular, owned
   by root, not writable by group or others, at most
   PAMAWS_CONF_MAX_BYTES, no NUL): malloc'd text, or NULL (a missing file
   is silent; anything else is logged). */
char *pamaws_read_root_file(const struct pamaws_args *args, const char *path);

/* Logging helpers; never pass secrets. */
void pamaws_log(const struct pamaws_args *args, int priority,
                const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Tells the user text (no-op without a notice function). */
void pamaws_notice(const struct pamaws_args *args, const char *text);
/*
 * Copies text for a log line or a terminal (text.c); pamaws_log and
 * pamaws_notice apply it to everything. Valid printable UTF-8 is kept;
 * C0 controls (newline and tab too), DEL, C1 controls, invisible
 * line-breaking or text-moving characters and bytes that are not valid
 * UTF-8 become \xNN, one per byte. Stops before a character or escape
 * that does not fit; out is NUL-terminated when size > 0.
 */
void pamaws_escape(const char *in, char *out, size_t size);
/* Decodes one UTF-8 character at s (RFC 3629: no overlong forms, no
   surrogates); returns its length, or 0 when invalid. */
size_t pamaws_utf8_decode(const unsigned char *s, unsigned long *cp);
#define pamaws_debug(args, ...)                                  \
    do {                                                         \
        if ((args)->config.debug)                                \
            pamaws_log((args), LOG_DEBUG, __VA_ARGS__);          \
    } while (0)

/* ---- The result protocol (result.c) ----------------------------------- */

/*
 * The worker writes exactly one frame to its stdout and exits 0:
 *
 *   "AWSCRED-RESULT 1 <length>\n" <length bytes of records>
 *
 * Each record is "key=value\n"; keys are [a-z0-9_.]+, values hold no
 * control characters, and the order carries no meaning. Unknown keys are
 * kept (room for later fields such as clock readings). Keys written:
 *   status            numeric enum awscred_status (0 = success)
 *   status_name       awscred_status_name()
 *   message, where, provider     the error, when status != 0
 *   access_key_id, secret_access_key, session_token, expiration (epoch
 *   seconds, 0 = none), region, account_id, method, profile
 *   clock_*           the clock check (clock_policy.h), also on failure
 */
#define PAMAWS_FRAME_MAGIC "AWSCRED-RESULT 1 "

struct pamaws_record {
    char *key;
    char *value;  /* may hold a secret: wiped on free */
};

struct pamaws_result {
    struct pamaws_record records[PAMAWS_MAX_RECORDS];
    size_t count;
};

/* Builds a frame from a result; returns a malloc'd buffer (wipe it). */
char *pamaws_frame_build(const struct pamaws_result *result, size_t *len);
/* Adds a record (copies; control characters become '?'). 0 or -1. */
int pamaws_result_add(struct pamaws_result *result, const char *key,
                      const char *value);
/* Whether the len bytes read so far hold a whole frame; reads nothing
   past len, since the bytes come from a process the user can ptrace. */
bool pamaws_frame_complete(const char *buf, size_t len);
/* Parses a frame. 0 on success, else -1 with a reason in why. */
int pamaws_frame_parse(const char *buf, size_t len,
                       struct pamaws_result *result, char *why, size_t size);
/* The value of key, or NULL. */
const char *pamaws_result_get(const struct pamaws_result *result,
                              const char *key);
/* Wipes and frees every record. */
void pamaws_result_clear(struct pamaws_result *result);

/* ---- The worker (spawn.c) --------------------------------------------- */

struct pamaws_identity {
    uid_t uid;
    gid_t gid;
    gid_t *groups;     /* supplementary groups, owned by the caller */
    size_t ngroups;
};

/* What spawning the worker produced. */
struct pamaws_run {
    char *output;          /* raw stdout, at most frame limit */
    size_t output_len;
    size_t output_size;    /* allocation size, for wiping */
    char stderr_text[PAMAWS_STDERR_MAX_BYTES + 1]; /* NUL as '?' */
    bool timed_out;        /* the deadline expired; the worker was killed */
    bool status_known;     /* false: the host reaped it (fork fallback) */
    int exit_status;       /* when status_known: exit code, or 128+signal */
    char error[256];       /* setup/spawn failure, "" when none */
};

/*
 * Runs path with argv and envp as identity, in "/", stdin /dev/null,
 * stdout and stderr on pipes, every other fd closed, and waits at most
 * timeout_ms in total (CLOCK_MONOTONIC), with the process runner
 * (common/runner.h): no signal disposition of the host changes, and
 * nothing the worker starts outlives the call.
 * Returns 0 when the worker ran (see run), -1 when it could not start
 * (run->error says why). Free run->output with pamaws_run_free.
 */
int pamaws_spawn(const char *path, char *const argv[], char *const envp[],
                 const struct pamaws_identity *identity, long timeout_ms,
                 struct pamaws_run *run);
void pamaws_run_free(struct pamaws_run *run);

/* ---- One login (session.c) -------------------------------------------- */

/* The user as passwd has it; the caller owns the strings. */
struct pamaws_user {
    const char *name;
    uid_t uid;
    gid_t gid;
    const char *home;
    const char *shell;  /* pw_shell */
    const char *ruser;  /* PAM_RUSER (su, sudo: the caller), or NULL */
    /* Its groups as the caller already looked them up for the options
       (getgrouplist once per login), or NULL: looked up when needed. */
    const gid_t *groups;
    size_t ngroups;
};

enum pamaws_outcome {
    PAMAWS_EXPORT,   /* vars holds the variables to set */
    PAMAWS_SKIP,     /* nothing to do for this user (minimum_uid, root,
                        nologin_users, foreign_ruser) */
    PAMAWS_FAIL,     /* logged; strict decides the PAM code */
    PAMAWS_REFUSE,   /* logged; the session fails (clock_strict) */
};

/*
 * A role's MFA session (user mode's mfa, a role profile over long-term
 * keys, with the broker): the GetSessionToken session the role was
 * assumed from, which awscredd assumes it from again (awscredd/mfa.c).
 * Secrets, never exported: wiped with the vars that carry them. Its
 * fields have the names below in the worker's result, the mfa_dir file
 * (mfa.c) and the broker's registration (deliver.c).
 */
struct pamaws_mfa_session {
    char *access_key_id, *secret_access_key, *session_token;
    int64_t expires;              /* epoch seconds, by AWS's clock */
};
#define PAMAWS_MFA_SESSION_KEY        "mfa_session_access_key_id"
#define PAMAWS_MFA_SESSION_SECRET     "mfa_session_secret_access_key"
#define PAMAWS_MFA_SESSION_TOKEN      "mfa_session_token"
#define PAMAWS_MFA_SESSION_EXPIRATION "mfa_session_expiration"

/* Checks and copies a session's fields into s (all four are needed).
   0, or -1 (a field missing or malformed, or no memory). */
int pamaws_mfa_session_set(struct pamaws_mfa_session *s, const char *key,
                           const char *secret, const char *token,
                           const char *expiration);
void pamaws_mfa_session_clear(struct pamaws_mfa_session *s);

/* Variables to put into the session, all or nothing. */
#define PAMAWS_MAX_VARS 8
struct pamaws_vars {
    char *set[PAMAWS_MAX_VARS];   /* "NAME=value", wiped on free */
    size_t count;
    int64_t expires;              /* epoch seconds; 0: keys never expire */
    char account_id[16];          /* 12 digits, or "" */
    int64_t clock_offset_s;       /* AWS's clock - ours, when measured */
    struct pamaws_mfa_session mfa_session;  /* for the broker, or none */
};

/* The names we may export, and the ones removed so one set remains. */
extern const char *const pamaws_exported_names[];
extern const char *const pamaws_conflicting_names[];

/*
 * Does what a login does for user: checks minimum_uid/ignore_root, runs
 * the worker with the configured mode, validates its result and fills
 * vars. Every failure is logged (user, profile, provider, file or
 * endpoint; never a secret).
 */
enum pamaws_outcome pamaws_session_resolve(const struct pamaws_args *args,
                                           const struct pamaws_user *user,
                                           struct pamaws_vars *vars);
/* Whether a login of user is one the module acts on: PAMAWS_SKIP for
   root (ignore_root), a uid below minimum_uid and the policy's skips
   (policy.c), PAMAWS_FAIL (logged) without a home or with a refused
   configuration, else PAMAWS_EXPORT. Before any prompt or worker. */
enum pamaws_outcome pamaws_session_scope(const struct pamaws_args *args,
                                         const struct pamaws_user *user);
/* user mode's mfa: the user's mfa_serial, read by the worker as the user
   (session.c), for a user in scope. PAMAWS_EXPORT with *serial (NULL:
   none; the caller frees) or PAMAWS_FAIL (logged). */
enum pamaws_outcome pamaws_session_mfa_serial(const struct pamaws_args *args,
                                              const struct pamaws_user *user,
                                              char **serial);
void pamaws_vars_clear(struct pamaws_vars *vars);
/* Adds "name=value" to vars. 0, or -1 (full or no memory). */
int pamaws_vars_add(struct pamaws_vars *vars, const char *name,
                    const char *value);
/* The value of NAME in vars, or NULL. */
const char *pamaws_vars_get(const struct pamaws_vars *vars, const char *name);

/* ---- Delivery through awscredd (deliver.c, man/awscredd.8) ------------ */

/* Where the login comes from, for the broker's audit line. */
struct pamaws_login {
    const char *service, *rhost, *tty;
    /* The module's options, for the broker to resolve the same way */
    int argc;
    const char **argv;
};

/* What close_session needs to unregister: "uid session socket-path". */
#define PAMAWS_BROKER_CLOSE_MAX 160

/*
 * With deliver=endpoint, or auto and a broker answering on broker_socket:
 * registers the login's credentials with the broker, writes the token file
 * as the user and replaces the keys in vars by the pointer pair (the
 * region stays). unreg is filled for pamaws_broker_close(). Keys that never
 * expire stay keys. Keys that expire within expiry_notice= are announced
 * to an interactive login (login->tty set). Returns PAMAWS_EXPORT (vars
 * to set, pointers or keys) or PAMAWS_FAIL (logged: deliver=endpoint and
 * no broker).
 */
enum pamaws_outcome pamaws_deliver(const struct pamaws_args *args,
                                   const struct pamaws_user *user,
                                   const struct pamaws_login *login,
                                   struct pamaws_vars *vars, char *unreg,
                                   size_t unreg_size);
/* What pamaws_deliver would choose for vars, registering nothing (it
   only connects to broker_socket): "endpoint" or "keys", or NULL when
   it would fail; why says why. For `awscred session`. */
const char *pamaws_deliver_probe(const struct pamaws_args *args,
                                 const struct pamaws_vars *vars, char *why,
                                 size_t size);
/* Unregisters the session unreg names; logs failures. */
void pamaws_broker_close(const struct pamaws_args *args, const char *unreg);

/* ---- Who is served (policy.c) ----------------------------------------- */

#define PAMAWS_SHELLS "/etc/shells"

/*
 * The rules of pam_awscred(8) SECURITY before any worker runs: the
 * configuration refused (config.refused) → PAMAWS_FAIL; a session for
 * another user than the caller (foreign_ruser) or, in user mode, an
 * account without a valid login shell (nologin_users) → PAMAWS_SKIP;
 * else PAMAWS_EXPORT (go on). Each refusal is logged.
 */
enum pamaws_outcome pamaws_policy_check(const struct pamaws_args *args,
                                        const struct pamaws_user *user);
/* Whether shell is a login shell: listed in shells_text (the text of
   /etc/shells; NULL: glibc's default /bin/sh and /bin/csh) and not a
   nologin or false. An empty shell is /bin/sh (passwd(5)). */
bool pamaws_shell_valid(const char *shells_text, const char *shell);

/* The user's groups (getgrouplist); malloc'd, NULL on failure. */
gid_t *pamaws_user_groups(const char *name, gid_t gid, size_t *count);
/* A malloc'd copy of count groups (never NULL for 0), NULL on failure. */
gid_t *pamaws_groups_copy(const gid_t *groups, size_t count);

/*
 * Value checks before anything reaches the environment (security.md D6).
 * Each returns NULL when value is acceptable, else a static reason.
 */
const char *pamaws_check_key_id(const char *value);
const char *pamaws_check_base64(const char *value, size_t max);
const char *pamaws_check_region(const char *value);

/* ---- Attribution in system mode (attrib.c) --------------------------- */

#define PAMAWS_MAX_TAGS 50  /* AWSCRED_MAX_SESSION_TAGS */

/* What a template's %u %h %r %s %g stand for; NULL expands to "". */
struct pamaws_template_values {
    const char *user, *host, *rhost, *service, *group;
};

struct pamaws_tag {
    const char *key, *value;
};

/* One login's expanded attribution; NULL members are not sent. */
struct pamaws_attribution {
    char *role_arn;
    char *source_identity;
    char *session_tags;        /* "key=value,...", each checked */
    char *transitive_tag_keys; /* "key,...", each a key of session_tags */
    char *mfa_serial;          /* mfa_serial=, expanded */
};

/* Whether every % in value is one of %u %h %r %s %g %% (an option check). */
bool pamaws_template_valid(const char *value);
/*
 * In system mode, expands the attribution options for user and checks
 * each value against STS's limits (ASCII only). Returns 0 (out filled;
 * all NULL in user mode), or -1, logged with the option and the reason:
 * then nothing may be sent. Free out with pamaws_attribution_free.
 */
int pamaws_attribution_build(const struct pamaws_args *args,
                             const struct pamaws_user *user,
                             struct pamaws_attribution *out);
void pamaws_attribution_free(struct pamaws_attribution *a);
/* Splits "k=v,k2=v2" in place at ',' and each item's first '='
   (result.c, for the worker too). Returns the count, max + 1 when there
   are more than max. */
size_t pamaws_tags_split(char *list, struct pamaws_tag *tags, size_t max);
/* STS's limits (attrib.c); NULL when value fits, else a static reason. */
const char *pamaws_check_source_identity(const char *value);
const char *pamaws_check_tag_key(const char *value);
const char *pamaws_check_tag_value(const char *value);
const char *pamaws_check_role_arn(const char *value);
const char *pamaws_check_mfa_serial(const char *value);

/* ---- MFA from the auth phase to the session (mfa.c) ----------------- */

/*
 * Writes vars to a new root-only file under mfa_dir named by a random
 * handle (32 hex digits into handle). 0, or -1 (logged).
 */
int pamaws_mfa_store(const struct pamaws_args *args,
                     const struct pamaws_user *user,
                     const struct pamaws_vars *vars, char *handle,
                     size_t size);
/*
 * What a failed MFA login tells the user, from the worker's message
 * (botocore's "An error occurred (Code) ..."): a sentence in buf for a
 * code STS refused or a throttled STS, else NULL (the message as it is).
 */
const char *pamaws_mfa_failure(const char *message, const char *serial,
                               char *buf, size_t size);
/*
 * Reads, unlinks and wipes the file of handle into vars, if it is ours,
 * private, for user and younger than PAMAWS_MFA_HANDLE_MAX_AGE_S.
 * 0, or -1 (logged, vars empty).
 */
int pamaws_mfa_redeem(const struct pamaws_args *args,
                      const struct pamaws_user *user, const char *handle,
                      struct pamaws_vars *vars);

/* ---- The audit line of a successful login (audit.c) ------------------ */

/* What it names; NULL fields print as "-". Never a secret. */
struct pamaws_audit {
    const char *user;
    const char *service;       /* PAM_SERVICE */
    const char *rhost;         /* PAM_RHOST */
    const char *profile;
    const char *provider;      /* the worker's method */
    const char *access_key_id;
    const char *expires;       /* AWS_CREDENTIAL_EXPIRATION, NULL: none */
    /* System mode's attribution (attrib.c); the fields are left out of
       the line when NULL */
    const char *role;          /* role_arn=, expanded */
    const char *source_identity;
    /* The broker's (awscredd/main.c, refresh.c); left out when NULL */
    const char *uid, *tty;
    const char *broker;        /* "issued" (a login) or "refreshed" */
    const char *session;       /* the login's broker session id */
};

/*
 * Formats the line (pam_awscred(8), DIAGNOSTICS):
 *   AWS credentials exported: user=U service=S rhost=H profile=P
 *   provider=M access_key_id=K expires=T [role=R] [source_identity=I]
 *   [uid=N] [tty=T] [broker=issued|refreshed] [session=N]
 * values with spaces, quotes, backslashes or '=' in double quotes.
 * The module, `awscred session` and the broker use this one format.
 */
void pamaws_audit_format(const struct pamaws_audit *audit, char *buf,
                         size_t size);
#define PAMAWS_AUDIT_LINE_MAX 900  /* its buffer: a 2048-byte role is cut */
/* An expiry as the module exports it (AWS_CREDENTIAL_EXPIRATION, ISO
   8601 in UTC, session.c): 0, or -1. */
int pamaws_expiration_text(int64_t expires, char *buf, size_t size);

/* The one secret wipe (common/secret.h), under the names used here. */
#define pamaws_wipe(p, n) secret_wipe((p), (n))
#define pamaws_free_secret(s) secret_free(s)

#pragma GCC visibility pop
#endif /* PAM_AWSCRED_INTERNAL_H */
