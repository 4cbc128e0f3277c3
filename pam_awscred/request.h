/*
 * request.h: the request the module gives awscred-worker, as one table of
 * fields (request.c) that both builds the worker's argv (session.c, for
 * the login, `awscred session` and the broker's refresh) and parses it
 * (helper.c). The protocol is documented once, next to the table.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef PAM_AWSCRED_REQUEST_H
#define PAM_AWSCRED_REQUEST_H 1

#include <stdbool.h>
#include <stddef.h>

#include "pam_awscred/clock_policy.h"

#pragma GCC visibility push(hidden)

/* The longest value of one field, in bytes (a path: PATH_MAX). */
#define PAMAWS_REQUEST_VALUE_MAX 4095

/* The environment of --from-mfa-session: the session's keys. */
#define PAMAWS_MFA_SESSION_ENV_KEY "AWSCRED_MFA_SESSION_ACCESS_KEY_ID"
#define PAMAWS_MFA_SESSION_ENV_SECRET "AWSCRED_MFA_SESSION_SECRET_ACCESS_KEY"
#define PAMAWS_MFA_SESSION_ENV_TOKEN "AWSCRED_MFA_SESSION_TOKEN"

/* One worker request. Strings are borrowed (NULL or "": not sent). */
struct pamaws_request {
    bool system;              /* --mode user|system */
    const char *user;
    unsigned long uid, gid;
    const char *home;
    const char *profile;
    const char *region;
    unsigned long timeout_ms;
    const char *net_module;
    const char *proxy;        /* the admin's proxy=, never the user's */
    const char *no_proxy;
    const char *session_name;
    /* system mode's attribution (attrib.c), checked by the module */
    const char *role_arn;
    const char *source_identity;
    const char *session_tags;
    const char *transitive_tag_keys;
    const char *mfa_serial;
    unsigned long mfa_session_s; /* GetSessionToken's; 0: not sent */
    bool mfa_query;           /* report the profile's mfa_serial only */
    /* a role profile's MFA goes through a GetSessionToken session, which
       the result carries (mfa_session_*) for the broker */
    bool mfa_role_session;
    /* the broker's refresh: the role is assumed from that session, given
       in the environment (PAMAWS_MFA_SESSION_ENV) */
    bool from_mfa_session;
    bool imds;
    bool warn_unsafe_dirs;
    bool debug;
    bool no_process;          /* credential_process=deny */
    bool no_user_endpoints;   /* user_endpoints=deny */
    bool legacy_providers;    /* legacy_providers=yes */
    bool clock_only;          /* the clock worker (session.c) */
    struct pamaws_clock_request clock;
};

/*
 * The worker's argv for req: path, then each field req sets that its kind
 * of request carries, in table order. A malloc'd NULL-terminated vector
 * of copies (free with pamaws_request_argv_free), or NULL when out of
 * memory or a value does not fit the protocol.
 */
char **pamaws_request_argv(const struct pamaws_request *req,
                           const char *path);
void pamaws_request_argv_free(char **argv);

/*
 * Parses argv[1] .. argv[argc - 1] into req (strings point into argv).
 * Refuses unknown, repeated, empty or overlong fields, malformed
 * numbers, fields the request's kind does not carry and a request
 * without the required ones. 0, or -1 with the reason in why.
 */
int pamaws_request_parse(int argc, char *const argv[],
                         struct pamaws_request *req, char *why, size_t size);

#pragma GCC visibility pop
#endif /* PAM_AWSCRED_REQUEST_H */
