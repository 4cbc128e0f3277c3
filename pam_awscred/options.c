/*
 * options.c: the module's options, in the manner of pam-krb5: one sorted,
 * typed table found by bsearch, filled from (in increasing precedence) the
 * defaults, the INI configuration file and the module arguments.
 *
 * The configuration file is ours (not an AWS file), so the system inih
 * parses it. It must be a regular file owned by root (or by the user
 * running the module) and not writable by group or others: it names
 * helpers and credential files, so it is as trusted as /etc/pam.d.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <ini.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "awscred-clock.h"
#include "awscred.h"
#include "common/fdio.h"
#include "common/number.h"
#include "pam_awscred/clock_policy.h"
#include "pam_awscred/internal.h"

enum option_type {
    OPT_BOOL, OPT_NUMBER, OPT_TIME, OPT_STRING, OPT_MODE,
    OPT_SECONDS,  /* whole seconds, 1 to PAMAWS_CLOCK_MAX_S */
    OPT_MFA_SECONDS, /* GetSessionToken's DurationSeconds range */
    OPT_ALLOW,    /* allow|deny, stored as a bool (true: allow) */
    OPT_SKIP,     /* allow|skip, stored as a bool (true: allow) */
    OPT_PATH,     /* an absolute path */
    OPT_USER_PATH, /* an absolute path or one under "~/" (the user's home) */
};

/* Checks an OPT_STRING value beyond "any string". */
typedef bool option_check_fn(const char *value);

struct option {
    const char *name;
    size_t offset;
    enum option_type type;
    bool in_file;  /* may also come from the configuration file */
    option_check_fn *check;  /* OPT_STRING only; NULL: any value */
};

static option_check_fn valid_url, valid_address, valid_state_path,
    valid_deliver, valid_proxy, valid_host_list;

#define K(name) #name, offsetof(struct pamaws_config, name)

/* MUST stay sorted by name: option_find() does a binary search. */
static const struct option options[] = {
    { K(broker_socket),      OPT_PATH,    true,  NULL },
    { K(clock_check),        OPT_STRING,  true,  pamaws_clock_check_valid },
    { K(clock_max_age),      OPT_SECONDS, true,  NULL },
    { K(clock_refuse),       OPT_SECONDS, true,  NULL },
    { K(clock_state),        OPT_STRING,  true,  valid_state_path },
    { K(clock_strict),       OPT_BOOL,    true,  NULL },
    { K(clock_trust),        OPT_STRING,  true,  pamaws_clock_trust_valid },
    { K(clock_url),          OPT_STRING,  true,  valid_url },
    { K(clock_warn),         OPT_SECONDS, true,  NULL },
    { K(conf),               OPT_PATH,    false, NULL },
    { K(config_file),        OPT_USER_PATH, true, NULL },
    { K(credential_process), OPT_ALLOW,   true,  NULL },
    { K(credentials_file),   OPT_USER_PATH, true, NULL },
    { K(debug),              OPT_BOOL,    true,  NULL },
    { K(deliver),            OPT_STRING,  true,  valid_deliver },
    { K(expiry_notice),      OPT_NUMBER,  true,  NULL },
    { K(foreign_ruser),      OPT_SKIP,    true,  NULL },
    { K(ignore_root),        OPT_BOOL,    true,  NULL },
    { K(imds),               OPT_BOOL,    true,  NULL },
    { K(legacy_providers),   OPT_BOOL,    true,  NULL },
    { K(mfa),                OPT_BOOL,    true,  NULL },
    { K(mfa_dir),            OPT_PATH,    true,  NULL },
    { K(mfa_serial),         OPT_STRING,  true,  pamaws_template_valid },
    { K(mfa_session_duration), OPT_MFA_SECONDS, true, NULL },
    { K(minimum_uid),        OPT_NUMBER,  true,  NULL },
    { K(mode),               OPT_MODE,    true,  NULL },
    { K(net_module),         OPT_PATH,    true,  NULL },
    { K(no_proxy),           OPT_STRING,  true,  valid_host_list },
    { K(nologin_users),      OPT_SKIP,    true,  NULL },
    { K(profile),            OPT_STRING,  true,  NULL },
    { K(proxy),              OPT_STRING,  true,  valid_proxy },
    { K(quiet),              OPT_BOOL,    true,  NULL },
    { K(region),             OPT_STRING,  true,  NULL },
    { K(role_arn),           OPT_STRING,  true,  pamaws_template_valid },
    { K(session_tags),       OPT_STRING,  true,  pamaws_template_valid },
    { K(sntp_server),        OPT_STRING,  true,  valid_address },
    { K(source_identity),    OPT_STRING,  true,  pamaws_template_valid },
    { K(strict),             OPT_BOOL,    true,  NULL },
    { K(system_config),      OPT_PATH,    true,  NULL },
    { K(system_credentials), OPT_PATH,    true,  NULL },
    { K(system_profile),     OPT_STRING,  true,  NULL },
    { K(system_user),        OPT_STRING,  true,  NULL },
    { K(timeout),            OPT_TIME,    true,  NULL },
    { K(token_env),          OPT_BOOL,    true,  NULL },
    { K(transitive_tag_keys), OPT_STRING, true,  NULL },
    { K(user_endpoints),     OPT_ALLOW,   true,  NULL },
    { K(warn_unsafe_dirs),   OPT_BOOL,    true,  NULL },
    { K(worker),             OPT_PATH,    true,  NULL },
};
#define OPTION_COUNT (sizeof(options) / sizeof(options[0]))

/* Every line is escaped (text.c): it may quote a user's helper or files. */
void
pamaws_log(const struct pamaws_args *args, int priority, const char *fmt, ...)
{
    char message[1024], escaped[1024];
    va_list ap;

    if (args->log == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    pamaws_escape(message, escaped, sizeof(escaped));
    args->log(args->log_arg, priority, escaped);
}

void
pamaws_notice(const struct pamaws_args *args, const char *text)
{
    char escaped[1024];

    if (args->notice == NULL)
        return;
    pamaws_escape(text, escaped, sizeof(escaped));
    args->notice(args->notice_arg, escaped);
}

static int
option_compare(const void *key, const void *member)
{
    const struct option *option = member;

    return strcmp(key, option->name);
}

static const struct option *
option_find(const char *name)
{
    return bsearch(name, options, OPTION_COUNT, sizeof(options[0]),
                   option_compare);
}

/* Parses true/false words. Returns 0 and sets *out, or -1. */
static int
parse_bool(const char *value, bool *out)
{
    static const char *const yes[] = { "1", "true", "yes", "on" };
    static const char *const no[] = { "0", "false", "no", "off" };
    size_t i;

    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcasecmp(value, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(value, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* "allow" or the word that refuses (deny, skip). 0 and *out, or -1. */
static int
parse_allow(const char *value, const char *refuse, bool *out)
{
    if (strcmp(value, "allow") != 0 && strcmp(value, refuse) != 0)
        return -1;
    *out = strcmp(value, "allow") == 0;
    return 0;
}

/*
 * Whether value may name a file: absolute, or (user_path) under "~/".
 * A relative path would be resolved in whatever directory the host or the
 * worker happens to run in (under su: the caller's).
 */
static bool
path_absolute(const char *value, bool user_path)
{
    return value[0] == '/'
           || (user_path && strncmp(value, "~/", 2) == 0);
}

static bool
option_is_string(enum option_type type)
{
    return type == OPT_STRING || type == OPT_PATH || type == OPT_USER_PATH;
}

/* A non-negative decimal number without sign, spaces or garbage. */
static int
parse_number(const char *value, long max, long *out)
{
    uint64_t n;

    if (!number_parse(value, (uint64_t) max, &n))
        return -1;
    *out = (long) n;
    return 0;
}

/* clock_url: an http(s) URL without spaces or control characters. */
static bool
valid_url(const char *value)
{
    const char *p;

    if (strncmp(value, "https://", 8) != 0 && strncmp(value, "http://", 7) != 0)
        return false;
    for (p = value; *p != '\0'; p++)
        if ((unsigned char) *p <= ' ' || *p == 0x7f)
            return false;
    return p - value <= 1024;
}

/* proxy=: a URL as clock_url, without user:password@ (the worker's
   argv, which carries it, is readable by every user). */
static bool
valid_proxy(const char *value)
{
    const char *host = strstr(value, "//");

    return valid_url(value) && host != NULL
           && memchr(host, '@', strcspn(host + 2, "/") + 2) == NULL;
}

/* Whether value has no control characters and at most max bytes. */
static bool
printable_within(const char *value, size_t max)
{
    const char *p;

    for (p = value; *p != '\0'; p++)
        if ((unsigned char) *p < ' ' || *p == 0x7f)
            return false;
    return (size_t) (p - value) <= max;
}

/* no_proxy=: "*" or names separated by commas (botocore's
   proxy_bypass_environment). */
static bool
valid_host_list(const char *value)
{
    return printable_within(value, 1024);
}

/* deliver=: how the session gets its credentials (deliver.c). */
static bool
valid_deliver(const char *value)
{
    return strcmp(value, "auto") == 0 || strcmp(value, "keys") == 0
           || strcmp(value, "endpoint") == 0;
}

/* clock_state: an absolute path without control characters. */
static bool
valid_state_path(const char *value)
{
    return value[0] == '/' && printable_within(value, 512);
}

/* sntp_server: what a numeric IPv4 or IPv6 address with an optional port
   is made of ("169.254.169.123", "[fd00:ec2::123]:123"). Host names are
   refused: their lookup could not be bounded. The worker checks the
   rest. */
static bool
valid_address(const char *value)
{
    size_t len = strlen(value);

    return len > 0 && len <= 64
           && strspn(value, "0123456789abcdefABCDEF.:[]") == len;
}

/*
 * A duration: seconds with up to three decimals ("5", "2.5") or
 * milliseconds with an "ms" suffix ("750ms"). Stored in milliseconds.
 */
static int
parse_time(const char *value, long *out_ms)
{
    char digits[32];
    const char *dot;
    size_t len = strlen(value), frac_len;
    long whole, frac = 0;

    if (len > 3 && strcmp(value + len - 2, "ms") == 0) {
        if (len - 2 >= sizeof(digits))
            return -1;
        memcpy(digits, value, len - 2);
        digits[len - 2] = '\0';
        if (parse_number(digits, PAMAWS_MAX_TIMEOUT_MS, out_ms) < 0)
            return -1;
        return *out_ms > 0 ? 0 : -1;
    }
    dot = strchr(value, '.');
    frac_len = dot == NULL ? 0 : strlen(dot + 1);
    if (len >= sizeof(digits) || frac_len > 3 || (dot != NULL && frac_len == 0))
        return -1;
    memcpy(digits, value, len + 1);
    if (dot != NULL) {
        digits[dot - value] = '\0';
        if (parse_number(dot + 1, 999, &frac) < 0)
            return -1;
        for (; frac_len < 3; frac_len++)
            frac *= 10;
    }
    if (parse_number(digits, PAMAWS_MAX_TIMEOUT_MS / 1000, &whole) < 0)
        return -1;
    *out_ms = whole * 1000 + frac;
    return *out_ms > 0 && *out_ms <= PAMAWS_MAX_TIMEOUT_MS ? 0 : -1;
}

/* What option accepts, for the message about a bad value. */
static const char *
option_accepted(const struct option *option)
{
    switch (option->type) {
    case OPT_BOOL:
        return "true/false/yes/no/on/off/1/0";
    case OPT_NUMBER:
        return "a whole number from 0 to 4294967295";
    case OPT_TIME:
        return "seconds such as 5 or 2.5, or milliseconds such as 750ms,"
               " at most 300 s";
    case OPT_MODE:
        return "user/system";
    case OPT_SECONDS:
        return "whole seconds from 1 to 86400";
    case OPT_MFA_SECONDS:
        return "whole seconds from 900 to 129600";
    case OPT_ALLOW:
        return "allow/deny";
    case OPT_SKIP:
        return "allow/skip";
    case OPT_PATH:
        return "an absolute path";
    case OPT_USER_PATH:
        return "an absolute path, or one under ~/";
    case OPT_STRING:
        break;
    }
    if (option->check == pamaws_clock_check_valid)
        return "auto/always/never";
    if (option->check == pamaws_clock_trust_valid)
        return "aws/any";
    if (option->check == valid_url)
        return "an http:// or https:// URL without spaces";
    if (option->check == valid_proxy)
        return "an http:// or https:// URL without spaces or user:password@";
    if (option->check == valid_host_list)
        return "* or host names separated by commas";
    if (option->check == valid_address)
        return "a numeric IPv4 or IPv6 address, optionally with a port";
    if (option->check == valid_state_path)
        return "an absolute path";
    if (option->check == pamaws_template_valid)
        return "text with %u %h %r %s %g %% as the only % sequences";
    return "any text";
}

/* Levenshtein distance of two short names (longer ones: far apart). */
static size_t
edit_distance(const char *a, const char *b)
{
    size_t row[64], la = strlen(a), lb = strlen(b), i, j;

    if (la >= sizeof(row) / sizeof(row[0]) || lb >= 64)
        return SIZE_MAX;
    for (j = 0; j <= lb; j++)
        row[j] = j;
    for (i = 1; i <= la; i++) {
        size_t diagonal = row[0];

        row[0] = i;
        for (j = 1; j <= lb; j++) {
            size_t above = row[j], best = diagonal + (a[i - 1] != b[j - 1]);

            if (above + 1 < best)
                best = above + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diagonal = above;
            row[j] = best;
        }
    }
    return row[lb];
}

/* The known option nearest to name, when it is a typing slip away (two
   edits at most), else NULL. */
static const char *
option_suggest(const char *name, bool from_file)
{
    const char *best = NULL;
    size_t i, distance, best_distance = 3;

    for (i = 0; i < OPTION_COUNT; i++) {
        if (from_file && !options[i].in_file)
            continue;
        distance = edit_distance(name, options[i].name);
        if (distance < best_distance) {
            best_distance = distance;
            best = options[i].name;
        }
    }
    return best;
}

/* A problem with the configuration: logged, and counted for
   `awscred check-config`. */
static void __attribute__((format(printf, 2, 3)))
config_problem(struct pamaws_args *args, const char *fmt, ...)
{
    char message[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    args->problems++;
    pamaws_log(args, LOG_ERR, "%s", message);
}

/*
 * Applies one name=value (value NULL for a bare name) from source ("the
 * module arguments" or "file:line"). Returns 0, or -1 when out of memory;
 * bad names and values are reported (config_problem) and ignored.
 */
static int
option_apply(struct pamaws_args *args, const char *name, const char *value,
             bool from_file, const char *source)
{
    const struct option *option = option_find(name);
    void *field;
    char *copy;
    bool flag;
    long number;

    if (option != NULL && from_file && !option->in_file) {
        config_problem(args, "%s: option %s is accepted only as a module"
                       " argument, ignored", source, name);
        return 0;
    }
    if (option == NULL) {
        const char *near = option_suggest(name, from_file);

        config_problem(args, "%s: unknown option %.64s%s%s%s, ignored",
                       source, name, near ? " (did you mean " : "",
                       near ? near : "", near ? "?)" : "");
        return 0;
    }
    field = (char *) &args->config + option->offset;
    if (value == NULL && option->type != OPT_BOOL) {
        config_problem(args, "%s: option %s needs a value (%s), ignored",
                       source, name, option_accepted(option));
        return 0;
    }
    switch (option->type) {
    case OPT_BOOL:
        if (value == NULL)
            flag = true;
        else if (parse_bool(value, &flag) < 0)
            goto bad;
        *(bool *) field = flag;
        break;
    case OPT_NUMBER:
        if (parse_number(value, (long) UINT32_MAX, &number) < 0)
            goto bad;
        *(long *) field = number;
        break;
    case OPT_TIME:
        if (parse_time(value, &number) < 0)
            goto bad;
        *(long *) field = number;
        break;
    case OPT_MODE:
        if (strcmp(value, "user") == 0)
            *(int *) field = PAMAWS_MODE_USER;
        else if (strcmp(value, "system") == 0)
            *(int *) field = PAMAWS_MODE_SYSTEM;
        else
            goto bad;
        break;
    case OPT_SECONDS:
        if (parse_number(value, PAMAWS_CLOCK_MAX_S, &number) < 0
            || number == 0)
            goto bad;
        *(long *) field = number;
        break;
    case OPT_MFA_SECONDS:
        if (parse_number(value, PAMAWS_MFA_SESSION_MAX_S, &number) < 0
            || number < PAMAWS_MFA_SESSION_MIN_S)
            goto bad;
        *(long *) field = number;
        break;
    case OPT_ALLOW:
    case OPT_SKIP:
        if (parse_allow(value, option->type == OPT_ALLOW ? "deny" : "skip",
                        (bool *) field) < 0)
            goto bad;
        break;
    case OPT_PATH:
    case OPT_USER_PATH:
        if (!path_absolute(value, option->type == OPT_USER_PATH)) {
            /* Ignoring it would fall back to another file: fail closed. */
            config_problem(args, "%s: option %s is a relative path"
                           " '%.64s' (%s), refused: no credentials are"
                           " exported", source, name, value,
                           option_accepted(option));
            args->config.refused = option->name;
            return 0;
        }
        /* FALLTHROUGH */
    case OPT_STRING:
        if (option->check == pamaws_template_valid && !option->check(value)) {
            /* Ignoring it would fall back to the profile's role or the
               default identity: fail closed. */
            config_problem(args, "%s: invalid value '%.64s' for %s (%s),"
                           " refused: no credentials are exported", source,
                           value, name, option_accepted(option));
            args->config.refused = option->name;
            return 0;
        }
        if (option->check != NULL && !option->check(value))
            goto bad;
        copy = strdup(value);
        if (copy == NULL)
            return -1;
        free(*(char **) field);
        *(char **) field = copy;
        break;
    }
    return 0;

bad:
    config_problem(args, "%s: invalid value '%.64s' for %s (%s), ignored",
                   source, value, name, option_accepted(option));
    return 0;
}

/* Splits "name=value" and applies it. */
static int
option_apply_arg(struct pamaws_args *args, const char *arg)
{
    char name[64];
    const char *eq = strchr(arg, '=');
    size_t len = eq == NULL ? strlen(arg) : (size_t) (eq - arg);

    if (len == 0 || len >= sizeof(name)) {
        config_problem(args, "the module arguments: unknown option %.64s,"
                       " ignored", arg);
        return 0;
    }
    memcpy(name, arg, len);
    name[len] = '\0';
    return option_apply(args, name, eq == NULL ? NULL : eq + 1, false,
                        "the module arguments");
}

static int
config_defaults(struct pamaws_config *config)
{
    memset(config, 0, sizeof(*config));
    config->mode = PAMAWS_MODE_USER;
    config->timeout = PAMAWS_DEFAULT_TIMEOUT_MS;
    config->minimum_uid = PAMAWS_DEFAULT_MINIMUM_UID;
    config->clock_warn = AWSCRED_CLOCK_WARN_DEFAULT_S;
    config->clock_refuse = AWSCRED_CLOCK_REFUSE_DEFAULT_S;
    config->clock_max_age = PAMAWS_DEFAULT_CLOCK_AGE_S;
    config->expiry_notice = PAMAWS_DEFAULT_EXPIRY_NOTICE_S;
    config->clock_state = strdup(PAMAWS_DEFAULT_CLOCK_STATE);
    config->credential_process = true;
    config->user_endpoints = true;
    config->conf = strdup(PAMAWS_DEFAULT_CONF);
    config->worker = strdup(PAMAWS_DEFAULT_WORKER);
    config->system_config = strdup(PAMAWS_DEFAULT_SYS_CONFIG);
    config->system_credentials = strdup(PAMAWS_DEFAULT_SYS_CREDS);
    config->system_user = strdup("root");
    config->mfa_dir = strdup(PAMAWS_DEFAULT_MFA_DIR);
    config->mfa_session_duration = PAMAWS_DEFAULT_MFA_SESSION_S;
    if (config->conf == NULL || config->worker == NULL
        || config->system_config == NULL || config->system_credentials == NULL
        || config->system_user == NULL || config->clock_state == NULL
        || config->mfa_dir == NULL)
        return -1;
    return 0;
}

void
pamaws_config_free(struct pamaws_config *config)
{
    size_t i;

    for (i = 0; i < OPTION_COUNT; i++) {
        if (option_is_string(options[i].type)) {
            char **field = (char **) ((char *) config + options[i].offset);

            free(*field);
            *field = NULL;
        }
    }
}

/* ---- The configuration file ------------------------------------------- */

/* Which sections one pass over the file applies. */
enum conf_pass { PASS_GLOBAL, PASS_GROUP, PASS_USER };

/* ini_parse_stream's input: the screened text, one line per call, counted
   so that messages name the line. */
struct conf_stream {
    const char *next;
    int line;
};

struct conf_state {
    struct pamaws_args *args;
    const char *path;
    enum conf_pass pass;
    const char *user;
    const gid_t *groups;
    size_t ngroups;
    struct conf_stream stream;
    bool nomem;
};

/*
 * The gid of group name: 0 and *gid, 1 when there is no such group, -1
 * when it cannot be resolved (logged). A big group (a few hundred
 * members) needs more than a page: the buffer grows on ERANGE, up to
 * GROUP_BUF_MAX.
 */
#define GROUP_BUF_MAX (1024 * 1024)

static int
group_gid(const struct pamaws_args *args, const char *name, gid_t *gid)
{
    struct group grp, *found = NULL;
    size_t size = 4096;
    char *buf = NULL, *bigger;
    int rc = ERANGE;

    while (rc == ERANGE && size <= GROUP_BUF_MAX) {
        bigger = realloc(buf, size);
        if (bigger == NULL) {
            rc = ENOMEM;
            break;
        }
        buf = bigger;
        rc = getgrnam_r(name, &grp, buf, size, &found);
        size *= 2;
    }
    if (rc == 0 && found != NULL)
        *gid = grp.gr_gid;
    free(buf);
    if (rc == 0)
        return found != NULL ? 0 : 1;
    errno = rc;
    if (rc == ERANGE)
        pamaws_log(args, LOG_ERR, "cannot resolve group %s: its entry is"
                   " larger than %d bytes", name, GROUP_BUF_MAX);
    else
        pamaws_log(args, LOG_ERR, "cannot resolve group %s: %m", name);
    return -1;
}

/* A [group NAME] section that cannot be decided fails closed
   (config.refused): skipping it would leave the user with the global
   settings, perhaps a broader role. */
static void
group_refuse(const struct conf_state *state, const char *name)
{
    pamaws_log(state->args, LOG_ERR, "[group %s] in %s cannot be applied:"
               " no credentials are exported", name, state->path);
    state->args->config.refused = "a [group] section";
}

/* Whether the named group is one of the user's groups (see group_refuse). */
static bool
user_in_group(const struct conf_state *state, const char *name)
{
    gid_t gid;
    size_t i;
    int rc;

    if (state->args->config.refused != NULL)
        return false;
    if (state->groups == NULL) {
        pamaws_log(state->args, LOG_ERR, "cannot get the groups of user %s",
                   state->user);
        group_refuse(state, name);
        return false;
    }
    rc = group_gid(state->args, name, &gid);
    if (rc < 0) {
        group_refuse(state, name);
        return false;
    }
    for (i = 0; rc == 0 && i < state->ngroups; i++)
        if (state->groups[i] == gid)
            return true;
    return false;
}

/* Whether section applies in this pass. */
static bool
section_applies(const struct conf_state *state, const char *section)
{
    if (state->args->check_all)  /* every known section, in one pass */
        return strcmp(section, "-") != 0;
    switch (state->pass) {
    case PASS_GLOBAL:
        return section[0] == '\0' || strcmp(section, "global") == 0;
    case PASS_GROUP:
        return strncmp(section, "group ", 6) == 0 && state->user != NULL
               && user_in_group(state, section + 6);
    case PASS_USER:
        return strncmp(section, "user ", 5) == 0 && state->user != NULL
               && strcmp(section + 5, state->user) == 0;
    }
    return false;
}

/* Notes "[section]" in args->sections, once, for `awscred session`. */
static void
note_section(struct pamaws_args *args, const char *section)
{
    char tag[sizeof(args->sections)];
    size_t used = strlen(args->sections);

    snprintf(tag, sizeof(tag), "%s[%s]", used > 0 ? " " : "",
             section[0] == '\0' ? "global" : section);
    if (strstr(args->sections, tag + (used > 0)) == NULL
        && used + strlen(tag) < sizeof(args->sections))
        memcpy(args->sections + used, tag, strlen(tag) + 1);
}

static int
conf_handler(void *user, const char *section, const char *name,
             const char *value)
{
    struct conf_state *state = user;
    char source[600];

    if (!section_applies(state, section))
        return 1;
    note_section(state->args, section);
    snprintf(source, sizeof(source), "%s:%d", state->path, state->stream.line);
    if (option_apply(state->args, name, value, true, source) < 0) {
        state->nomem = true;
        return 0;
    }
    return 1;
}

/*
 * Reads the configuration file into a NUL-terminated buffer after checking
 * the open descriptor. Returns the buffer, or NULL: a missing file is
 * silent (*logged false), anything else is logged (*logged true).
 */
static char *
conf_read(const struct pamaws_args *args, const char *path, bool *logged)
{
    struct stat st;
    char *buf = NULL;
    size_t len = 0;
    int fd;

    *logged = true;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        *logged = errno != ENOENT;
        if (*logged)
            pamaws_log(args, LOG_ERR, "cannot open %s: %m", path);
        return NULL;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        pamaws_log(args, LOG_ERR, "%s is not a regular file, ignored", path);
        goto fail;
    }
    if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 022)) {
        pamaws_log(args, LOG_ERR,
                   "%s must be owned by root and not writable by group or"
                   " others, ignored", path);
        goto fail;
    }
    if (st.st_size > PAMAWS_CONF_MAX_BYTES) {
        pamaws_log(args, LOG_ERR, "%s is larger than %d bytes, ignored", path,
                   PAMAWS_CONF_MAX_BYTES);
        goto fail;
    }
    if (fd_read_bounded(fd, PAMAWS_CONF_MAX_BYTES, &buf, &len) != FD_READ_OK
        || memchr(buf, '\0', len) != NULL) {
        pamaws_log(args, LOG_ERR, "%s is too large or holds a NUL byte, ignored",
                   path);
        goto fail;
    }
    close(fd);
    *logged = false;
    return buf;

fail:
    free(buf);
    close(fd);
    return NULL;
}

/* Debian's libinih reads a line into a 200-byte buffer (INI_MAX_LINE),
   newline and NUL included, and parses what does not fit as a line of its
   own. */
#define CONF_MAX_LINE 198

/* The sections we know: "[global]", "[user NAME]", "[group NAME]". */
static bool
section_known(const char *name, size_t len)
{
    return (len == 6 && strncmp(name, "global", 6) == 0)
           || (len > 5 && strncmp(name, "user ", 5) == 0)
           || (len > 6 && strncmp(name, "group ", 6) == 0);
}

/*
 * What is wrong with one line of at most CONF_MAX_LINE bytes, as inih
 * would read it (after_key: the line above was name = value, so an
 * indented line continues it), or NULL. *header is set for a section
 * header, known or not.
 */
static const char *
conf_line_problem(const char *line, size_t len, bool after_key, bool *header)
{
    size_t skip = strspn(line, " \t");
    const char *start = line + skip, *close;

    *header = false;
    if (skip == len || *start == ';' || *start == '#')
        return NULL;
    if (*start == '[') {
        *header = true;
        close = memchr(start, ']', len - skip);
        if (close == NULL)
            return "a section header without ']'";
        if (!section_known(start + 1, (size_t) (close - start - 1)))
            return "an unknown section (accepted: [global], [user NAME],"
                   " [group NAME]); its lines are ignored";
        return NULL;
    }
    if (skip > 0 && after_key)
        return NULL;
    if (memchr(start, '=', len - skip) == NULL
        && memchr(start, ':', len - skip) == NULL)
        return "neither a section, a comment nor name = value";
    return NULL;
}

/*
 * Reports, before inih sees them, every line it would cut (Debian's
 * buffer) or refuse, and every unknown section: each with its number and
 * text, the text then dropped and the newline kept so that later line
 * numbers stay right. A bad or unknown section header becomes "[-]",
 * which no pass applies, so that its keys do not join the section above.
 */
static void
conf_screen(struct pamaws_args *args, const char *path, char *text)
{
    char *in = text, *out = text;
    bool after_key = false, header;
    const char *problem;
    int line;

    if (strncmp(in, "\xef\xbb\xbf", 3) == 0)  /* inih skips a UTF-8 BOM */
        in += 3;
    for (line = 1; *in != '\0'; line++) {
        size_t len = strcspn(in, "\n");

        if (len > CONF_MAX_LINE) {
            config_problem(args, "%s:%d: line longer than %d bytes, ignored",
                           path, line, CONF_MAX_LINE);
            header = in[strspn(in, " \t")] == '[';
            problem = "";
        } else {
            problem = conf_line_problem(in, len, after_key, &header);
            if (problem != NULL)
                config_problem(args, "%s:%d: '%.*s' is %s", path, line,
                               (int) len, in, problem);
        }
        if (problem == NULL) {
            size_t skip = strspn(in, " \t");

            if (header)
                after_key = false;
            else if (skip < len && in[skip] != ';' && in[skip] != '#')
                after_key = true;
            memmove(out, in, len);
            out += len;
        } else if (header) {
            memcpy(out, "[-]", 3);
            out += 3;
            after_key = false;
        }
        in += len;
        if (*in == '\n')
            *out++ = *in++;
    }
    *out = '\0';
}

/* inih's reader (ini_reader) over a conf_stream. Lines fit: conf_screen
   dropped the longer ones. */
static char *
conf_next_line(char *str, int num, void *arg)
{
    struct conf_stream *stream = arg;
    size_t len = strcspn(stream->next, "\n");

    if (*stream->next == '\0' || num < 2)
        return NULL;
    if (len > (size_t) num - 2)
        len = (size_t) num - 2;
    memcpy(str, stream->next, len);
    stream->next += len;
    if (*stream->next == '\n') {
        str[len++] = '\n';
        stream->next++;
    }
    str[len] = '\0';
    stream->line++;
    return str;
}

/* Applies the configuration file's sections in precedence order. */
static int
conf_load(struct pamaws_args *args, const char *user, const gid_t *groups,
          size_t ngroups)
{
    struct conf_state state;
    char *path, *text;
    int status = 0, bad_line;
    bool logged;

    if (args->config.refused != NULL)  /* a relative conf= */
        return 0;
    path = strdup(args->config.conf);
    if (path == NULL)
        return -1;
    text = conf_read(args, path, &logged);
    if (text == NULL) {
        if (logged)
            args->problems++;
        else if (args->check_all)
            config_problem(args, "cannot open %s: %s", path, strerror(ENOENT));
        goto done;
    }
    conf_screen(args, path, text);
    memset(&state, 0, sizeof(state));
    state.args = args;
    state.path = path;
    state.user = user;
    state.groups = groups;
    state.ngroups = ngroups;
    for (state.pass = PASS_GLOBAL; state.pass <= PASS_USER; state.pass++) {
        state.stream.next = text;
        state.stream.line = 0;
        bad_line = ini_parse_stream(conf_next_line, &state.stream,
                                    conf_handler, &state);
        if (state.nomem) {
            status = -1;
            break;
        }
        /* conf_screen reported what inih refuses; this is a safety net. */
        if (bad_line > 0 && state.pass == PASS_GLOBAL)
            config_problem(args, "%s:%d: syntax error, line ignored", path,
                           bad_line);
        if (args->check_all)
            break;
    }
    free(text);

done:
    free(path);
    return status;
}

int
pamaws_options_load(struct pamaws_args *args, int argc, const char **argv,
                    const char *user, const gid_t *groups, size_t ngroups)
{
    int i;

    if (config_defaults(&args->config) < 0)
        return -1;
    /* First pass: conf= and debug, so the file is found and traced. */
    for (i = 0; i < argc; i++)
        if (strncmp(argv[i], "conf=", 5) == 0 || strcmp(argv[i], "debug") == 0)
            if (option_apply_arg(args, argv[i]) < 0)
                return -1;
    if (conf_load(args, user, groups, ngroups) < 0)
        return -1;
    for (i = 0; i < argc; i++)
        if (option_apply_arg(args, argv[i]) < 0)
            return -1;
    return 0;
}

char *
pamaws_read_root_file(const struct pamaws_args *args, const char *path)
{
    bool logged;

    return conf_read(args, path, &logged);
}
