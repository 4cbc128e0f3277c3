/*
 * request.c: the worker request protocol, written by the module
 * (session.c) and read by awscred-worker (helper.c) through one table.
 *
 * The module execs the worker as its target identity with
 *
 *   awscred-worker --name value ... --flag ...
 *
 * Every field is one row below: a name, a type (a string, a decimal
 * number, user|system, or a flag without a value), where it lives in
 * struct pamaws_request and which kinds of request carry it:
 *   user    the user's own files, resolved as the user
 *   system  the admin's files, as system_user
 *   clock   the clock probe (--clock-only; its --mode is system), which
 *           resolves nothing
 * A field is sent when it is set (a string neither NULL nor "", a flag
 * true, a number always unless 0 means unset for it) and its kind
 * carries it. The reader refuses an unknown field, one given twice, an
 * empty or longer value than PAMAWS_REQUEST_VALUE_MAX, a number it
 * cannot read, a field of another kind and a request without --mode,
 * --user, --uid, --gid and --home.
 *
 * Secrets never travel here (argv is readable by every user): the MFA
 * code, the MFA session of --from-mfa-session (request.h) and the files
 * to read come in the worker's environment, which the module builds from
 * scratch (session.c, request_env).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/number.h"
#include "pam_awscred/request.h"

enum field_type {
    FIELD_STRING, /* const char * */
    FIELD_NUMBER, /* unsigned long, 0 to max */
    FIELD_MODE,   /* bool system: "user" or "system" */
    FIELD_FLAG,   /* bool, no value */
};

#define KIND_USER   1u
#define KIND_SYSTEM 2u
#define KIND_CLOCK  4u
#define KIND_RESOLVE (KIND_USER | KIND_SYSTEM)
#define KIND_ANY    (KIND_USER | KIND_SYSTEM | KIND_CLOCK)

struct field {
    const char *name;          /* on the command line */
    size_t offset;             /* in struct pamaws_request */
    enum field_type type;
    unsigned kinds;            /* the requests that carry it */
    bool required;
    uint64_t max;              /* FIELD_NUMBER */
    bool omit_zero;            /* FIELD_NUMBER: 0 means not sent */
    bool (*valid)(const char *value); /* FIELD_STRING; NULL: any */
};

#define ROW(n, member, t, k)                                         \
    .name = n, .offset = offsetof(struct pamaws_request, member),    \
    .type = FIELD_##t, .kinds = KIND_##k
#define U32 .max = UINT32_MAX

static const struct field fields[] = {
    /* who the worker runs as and where, how long it may take */
    { ROW("--mode", system, MODE, ANY), .required = true },
    { ROW("--user", user, STRING, ANY), .required = true },
    { ROW("--uid", uid, NUMBER, ANY), .required = true, U32 },
    { ROW("--gid", gid, NUMBER, ANY), .required = true, U32 },
    { ROW("--home", home, STRING, ANY), .required = true },
    { ROW("--region", region, STRING, ANY) },
    { ROW("--timeout-ms", timeout_ms, NUMBER, ANY), U32 },
    /* the admin's network settings */
    { ROW("--net-module", net_module, STRING, ANY) },
    { ROW("--proxy", proxy, STRING, ANY) },
    { ROW("--no-proxy", no_proxy, STRING, ANY) },
    /* what to resolve: the profile (the clock probe's STS endpoint) and
       system mode's attribution (attrib.c) */
    { ROW("--profile", profile, STRING, ANY) },
    { ROW("--session-name", session_name, STRING, SYSTEM) },
    { ROW("--role-arn", role_arn, STRING, RESOLVE) },
    { ROW("--source-identity", source_identity, STRING, RESOLVE) },
    { ROW("--session-tags", session_tags, STRING, RESOLVE) },
    { ROW("--transitive-tag-keys", transitive_tag_keys, STRING, RESOLVE) },
    { ROW("--mfa-serial", mfa_serial, STRING, RESOLVE) },
    { ROW("--mfa-session-duration", mfa_session_s, NUMBER, RESOLVE),
      .max = 129600, .omit_zero = true },
    { ROW("--mfa-query", mfa_query, FLAG, USER) },
    { ROW("--mfa-role-session", mfa_role_session, FLAG, USER) },
    { ROW("--from-mfa-session", from_mfa_session, FLAG, USER) },
    /* the clock check (clock_policy.h): thresholds for both workers,
       what to probe for the clock worker */
    { ROW("--clock-warn", clock.warn_s, NUMBER, ANY), U32 },
    { ROW("--clock-refuse", clock.refuse_s, NUMBER, ANY), U32 },
    { ROW("--clock-only", clock_only, FLAG, CLOCK) },
    { ROW("--clock-check", clock.check, STRING, CLOCK),
      .valid = pamaws_clock_check_valid },
    { ROW("--clock-url", clock.url, STRING, CLOCK) },
    { ROW("--sntp-server", clock.sntp_server, STRING, CLOCK) },
    /* switches */
    { ROW("--imds", imds, FLAG, RESOLVE) },
    { ROW("--warn-unsafe-dirs", warn_unsafe_dirs, FLAG, RESOLVE) },
    { ROW("--debug", debug, FLAG, RESOLVE) },
    /* the admin's switches for what the user's files may do */
    { ROW("--no-process", no_process, FLAG, USER) },
    { ROW("--no-user-endpoints", no_user_endpoints, FLAG, USER) },
    { ROW("--legacy-providers", legacy_providers, FLAG, RESOLVE) },
};
#define FIELD_COUNT (sizeof(fields) / sizeof(fields[0]))

static unsigned
request_kind(const struct pamaws_request *req)
{
    if (req->clock_only)
        return KIND_CLOCK;
    return req->system ? KIND_SYSTEM : KIND_USER;
}

#define MEMBER(req, f, type) ((type *) ((char *) (req) + (f)->offset))

/* The value of f in req as sent ("" for a flag), or NULL: not sent. */
static const char *
field_value(const struct pamaws_request *req, const struct field *f,
            char *number, size_t size)
{
    const char *s;

    switch (f->type) {
    case FIELD_STRING:
        s = *MEMBER(req, f, const char *const);
        return s != NULL && s[0] != '\0' ? s : NULL;
    case FIELD_NUMBER:
        if (f->omit_zero && *MEMBER(req, f, const unsigned long) == 0)
            return NULL;
        snprintf(number, size, "%lu", *MEMBER(req, f, const unsigned long));
        return number;
    case FIELD_MODE:
        return *MEMBER(req, f, const bool) ? "system" : "user";
    case FIELD_FLAG:
        return *MEMBER(req, f, const bool) ? "" : NULL;
    }
    return NULL;
}

/* Stores value (NULL for a flag) into req. 0, or -1 when malformed. */
static int
field_store(struct pamaws_request *req, const struct field *f,
            const char *value)
{
    uint64_t n;

    switch (f->type) {
    case FIELD_STRING:
        if (f->valid != NULL && !f->valid(value))
            return -1;
        *MEMBER(req, f, const char *) = value;
        return 0;
    case FIELD_NUMBER:
        if (!number_parse(value, f->max, &n))
            return -1;
        *MEMBER(req, f, unsigned long) = (unsigned long) n;
        return 0;
    case FIELD_MODE:
        if (strcmp(value, "user") != 0 && strcmp(value, "system") != 0)
            return -1;
        *MEMBER(req, f, bool) = strcmp(value, "system") == 0;
        return 0;
    case FIELD_FLAG:
        *MEMBER(req, f, bool) = true;
        return 0;
    }
    return -1;
}

void
pamaws_request_argv_free(char **argv)
{
    size_t i;

    if (argv == NULL)
        return;
    for (i = 0; argv[i] != NULL; i++)
        free(argv[i]);
    free(argv);
}

/* Appends a copy of s to argv. 0, or -1 when out of memory. */
static int
argv_push(char **argv, size_t *argc, const char *s)
{
    if ((argv[*argc] = strdup(s)) == NULL)
        return -1;
    (*argc)++;
    return 0;
}

char **
pamaws_request_argv(const struct pamaws_request *req, const char *path)
{
    char **argv = calloc(2 * FIELD_COUNT + 2, sizeof(char *));
    unsigned kind = request_kind(req);
    size_t argc = 0, i;
    char number[24];

    if (argv == NULL || path == NULL || argv_push(argv, &argc, path) < 0)
        goto fail;
    for (i = 0; i < FIELD_COUNT; i++) {
        const struct field *f = &fields[i];
        const char *v = field_value(req, f, number, sizeof(number));

        if (v == NULL || !(f->kinds & kind))
            continue;
        if (strlen(v) > PAMAWS_REQUEST_VALUE_MAX
            || argv_push(argv, &argc, f->name) < 0
            || (f->type != FIELD_FLAG && argv_push(argv, &argc, v) < 0))
            goto fail;
    }
    return argv;

fail:
    pamaws_request_argv_free(argv);
    return NULL;
}

static const struct field *
field_find(const char *name)
{
    size_t i;

    for (i = 0; i < FIELD_COUNT; i++)
        if (strcmp(fields[i].name, name) == 0)
            return &fields[i];
    return NULL;
}

/* Whether every required field is present and each present field belongs
   to the request's kind. 0, or -1 with why. */
static int
request_complete(const struct pamaws_request *req, const bool *seen,
                 char *why, size_t size)
{
    unsigned kind = request_kind(req);
    size_t i;

    for (i = 0; i < FIELD_COUNT; i++) {
        if (fields[i].required && !seen[i]) {
            snprintf(why, size, "%s is required", fields[i].name);
            return -1;
        }
        if (seen[i] && !(fields[i].kinds & kind)) {
            snprintf(why, size, "%s is not for this request",
                     fields[i].name);
            return -1;
        }
    }
    return 0;
}

int
pamaws_request_parse(int argc, char *const argv[],
                     struct pamaws_request *req, char *why, size_t size)
{
    bool seen[FIELD_COUNT] = { false };
    const struct field *f;
    const char *value;
    int i;

    memset(req, 0, sizeof(*req));
    for (i = 1; i < argc; i++) {
        f = field_find(argv[i]);
        value = NULL;
        if (f == NULL || seen[f - fields]) {
            snprintf(why, size, "%s argument %.64s",
                     f == NULL ? "unknown" : "repeated", argv[i]);
            goto bad;
        }
        seen[f - fields] = true;
        if (f->type != FIELD_FLAG) {
            value = i + 1 < argc ? argv[++i] : NULL;
            if (value == NULL || value[0] == '\0'
                || strlen(value) > PAMAWS_REQUEST_VALUE_MAX
                || field_store(req, f, value) < 0) {
                snprintf(why, size, "bad value for %s", f->name);
                goto bad;
            }
        } else {
            (void) field_store(req, f, NULL);
        }
    }
    if (request_complete(req, seen, why, size) == 0)
        return 0;

bad:
    memset(req, 0, sizeof(*req));
    return -1;
}
