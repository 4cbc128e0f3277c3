/*
 * control.c: the broker's control protocol. The module (root, checked by
 * SO_PEERCRED in main.c) sends one frame in the worker's result format
 * (pam_awscred/result.c) and reads one back:
 *
 *   op=open_session  user uid mode profile files service rhost tty
 *                    access_key_id secret_access_key [session_token]
 *                    expiration (epoch seconds) [clock_offset] (AWS's
 *                    clock - ours, signed seconds) [account_id] [region]
 *                    [argc arg.0 ... arg.N-1] (the module's options, so
 *                    that refresh.c resolves as the login did)
 *                    [mfa_session_access_key_id
 *                    mfa_session_secret_access_key mfa_session_token
 *                    mfa_session_expiration] (a role's MFA session,
 *                    all four or none: awscredd/mfa.c)
 *                    [role] [source_identity] (system mode's
 *                    attribution, pam_awscred/attrib.c, for the issued
 *                    line only: a refresh expands the options again)
 *   op=close_session uid session
 *
 * A saved record (state.c, read back when the broker starts) is a frame
 * of the same format:
 *
 *   op=saved_session user uid profile service rhost tty [argc arg.N]
 *                    token_sha256 first_open last_close sessions
 *
 * The answer holds result=ok token= url= session= or result=error
 * message=. Every value is checked here, once, before the registry or an
 * HTTP answer sees it.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "awscredd/broker.h"

/* A whole decimal number in [0, max]. */
static bool
parse_number(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t n = 0;

    if (s == NULL || *s == '\0' || strlen(s) > 20)
        return false;
    for (; *s != '\0'; s++) {
        if (*s < '0' || *s > '9')
            return false;
        if (n > (max - (uint64_t) (*s - '0')) / 10)
            return false;
        n = n * 10 + (uint64_t) (*s - '0');
    }
    *out = n;
    return true;
}

/* The value of key, at most BROKER_FIELD_MAX_BYTES, "" when absent. */
static const char *
field(const struct pamaws_result *result, const char *key)
{
    const char *v = pamaws_result_get(result, key);

    if (v == NULL)
        return "";
    return strlen(v) <= BROKER_FIELD_MAX_BYTES ? v : NULL;
}

static int
fail(struct broker_request *req, char *why, size_t size, const char *what,
     const char *reason)
{
    snprintf(why, size, "%s %s", what, reason);
    broker_request_clear(req);
    return -1;
}

/* The module's options: argc, then arg.0 ... each present. */
static int
parse_args(struct broker_request *req, char *why, size_t size)
{
    const char *count = pamaws_result_get(&req->result, "argc");
    char key[32];  /* "arg." and a size_t */
    uint64_t n;
    size_t i;

    if (count == NULL)
        return 0;
    if (!parse_number(count, BROKER_MAX_ARGS, &n))
        return fail(req, why, size, "argc", "is not a number up to 32");
    for (i = 0; i < n; i++) {
        snprintf(key, sizeof(key), "arg.%zu", i);
        if (pamaws_result_get(&req->result, key) == NULL)
            return fail(req, why, size, key, "is missing");
        if ((req->argv[i] = field(&req->result, key)) == NULL)
            return fail(req, why, size, key, "is too long");
    }
    req->argc = (size_t) n;
    return 0;
}

/* Who logged in and how to resolve again: what a registration and a
   saved record share. */
static int
parse_who(struct broker_request *req, char *why, size_t size)
{
    const struct pamaws_result *r = &req->result;

    req->user = field(r, "user");
    req->profile = field(r, "profile");
    req->service = field(r, "service");
    req->rhost = field(r, "rhost");
    req->tty = field(r, "tty");
    if (req->user == NULL || req->profile == NULL || req->service == NULL
        || req->rhost == NULL || req->tty == NULL)
        return fail(req, why, size, "a field", "is too long");
    if (req->user[0] == '\0')
        return fail(req, why, size, "user", "is missing");
    return parse_args(req, why, size);
}

/* A saved record (state.c): token_sha256, first_open, last_close and the
   open sessions' ids, space-separated. */
static int
parse_saved(struct broker_request *req, char *why, size_t size)
{
    const struct pamaws_result *r = &req->result;
    const char *hash = pamaws_result_get(r, "token_sha256");
    const char *ids = field(r, "sessions");
    char id[24];
    uint64_t n;
    size_t len;

    if (parse_who(req, why, size) < 0)
        return -1;
    if (hash == NULL || strlen(hash) != BROKER_TOKEN_CHARS
        || strspn(hash, "0123456789abcdef") != BROKER_TOKEN_CHARS)
        return fail(req, why, size, "token_sha256", "is not a digest");
    memcpy(req->token_sha256, hash, sizeof(req->token_sha256));
    if (!parse_number(pamaws_result_get(r, "first_open"), INT64_MAX / 2, &n))
        return fail(req, why, size, "first_open", "is not a time");
    req->first_open = (int64_t) n;
    if (!parse_number(pamaws_result_get(r, "last_close"), INT64_MAX / 2, &n))
        return fail(req, why, size, "last_close", "is not a time");
    req->last_close = (int64_t) n;
    if (ids == NULL)
        return fail(req, why, size, "sessions", "is too long");
    for (; *ids != '\0'; ids += len + (ids[len] == ' ')) {
        len = strcspn(ids, " ");
        if (len == 0 || len >= sizeof(id)
            || req->nsaved >= BROKER_SAVED_SESSIONS)
            return fail(req, why, size, "sessions", "are not session ids");
        memcpy(id, ids, len);
        id[len] = '\0';
        if (!parse_number(id, UINT64_MAX, &req->saved[req->nsaved++]))
            return fail(req, why, size, "sessions", "are not session ids");
    }
    return 0;
}

/* System mode's role and source identity, each optional, within STS's
   limits (pam_awscred/attrib.c). */
static int
parse_attribution(struct broker_request *req, char *why, size_t size)
{
    const struct pamaws_result *r = &req->result;
    const char *bad;

    req->role = pamaws_result_get(r, "role");
    if (req->role != NULL && (bad = pamaws_check_role_arn(req->role)))
        return fail(req, why, size, "role", bad);
    req->source_identity = pamaws_result_get(r, "source_identity");
    if (req->source_identity != NULL
        && (bad = pamaws_check_source_identity(req->source_identity)))
        return fail(req, why, size, "source_identity", bad);
    return 0;
}

/* A role's MFA session: all four fields, or none. */
static int
parse_mfa_session(struct broker_request *req, char *why, size_t size)
{
    const struct pamaws_result *r = &req->result;
    const char *key = pamaws_result_get(r, PAMAWS_MFA_SESSION_KEY);
    const char *secret = pamaws_result_get(r, PAMAWS_MFA_SESSION_SECRET);
    const char *token = pamaws_result_get(r, PAMAWS_MFA_SESSION_TOKEN);
    const char *bad;
    uint64_t n;

    if (key == NULL && secret == NULL && token == NULL
        && pamaws_result_get(r, PAMAWS_MFA_SESSION_EXPIRATION) == NULL)
        return 0;
    if (key == NULL || (bad = pamaws_check_key_id(key)) != NULL)
        return fail(req, why, size, PAMAWS_MFA_SESSION_KEY,
                    key == NULL ? "is missing" : bad);
    if (secret == NULL
        || (bad = pamaws_check_base64(secret, BROKER_SECRET_MAX_BYTES)))
        return fail(req, why, size, PAMAWS_MFA_SESSION_SECRET,
                    secret == NULL ? "is missing" : bad);
    if (token == NULL
        || (bad = pamaws_check_base64(token, PAMAWS_TOKEN_MAX_BYTES)))
        return fail(req, why, size, PAMAWS_MFA_SESSION_TOKEN,
                    token == NULL ? "is missing" : bad);
    if (!parse_number(pamaws_result_get(r, PAMAWS_MFA_SESSION_EXPIRATION),
                      INT64_MAX / 2, &n)
        || n == 0)
        return fail(req, why, size, PAMAWS_MFA_SESSION_EXPIRATION,
                    "is not a time");
    req->mfa_session.access_key_id = key;
    req->mfa_session.secret_access_key = secret;
    req->mfa_session.session_token = token;
    req->mfa_session.expiration = (int64_t) n;
    return 0;
}

static int
parse_open(struct broker_request *req, char *why, size_t size)
{
    const struct pamaws_result *r = &req->result;
    const char *bad, *offset;
    bool negative;
    uint64_t n;

    req->mode = field(r, "mode");
    req->files = field(r, "files");
    req->account_id = field(r, "account_id");
    req->region = field(r, "region");
    if (req->mode == NULL || req->files == NULL || req->account_id == NULL
        || req->region == NULL)
        return fail(req, why, size, "a field", "is too long");
    if (strcmp(req->mode, "user") != 0 && strcmp(req->mode, "system") != 0)
        return fail(req, why, size, "mode", "is neither user nor system");
    if (req->region[0] != '\0' && (bad = pamaws_check_region(req->region)))
        return fail(req, why, size, "region", bad);
    for (bad = req->account_id; *bad != '\0'; bad++)
        if (*bad < '0' || *bad > '9' || bad - req->account_id >= 12)
            return fail(req, why, size, "account_id", "is not 12 digits");
    req->access_key_id = pamaws_result_get(r, "access_key_id");
    if (req->access_key_id == NULL)
        return fail(req, why, size, "access_key_id", "is missing");
    if ((bad = pamaws_check_key_id(req->access_key_id)) != NULL)
        return fail(req, why, size, "access_key_id", bad);
    req->secret_access_key = pamaws_result_get(r, "secret_access_key");
    if (req->secret_access_key == NULL)
        return fail(req, why, size, "secret_access_key", "is missing");
    if ((bad = pamaws_check_base64(req->secret_access_key,
                                   BROKER_SECRET_MAX_BYTES)) != NULL)
        return fail(req, why, size, "secret_access_key", bad);
    req->session_token = pamaws_result_get(r, "session_token");
    if (req->session_token != NULL
        && (bad = pamaws_check_base64(req->session_token,
                                      PAMAWS_TOKEN_MAX_BYTES)) != NULL)
        return fail(req, why, size, "session_token", bad);
    /* Keys that never expire are exported as keys, not brokered. */
    if (!parse_number(pamaws_result_get(r, "expiration"), INT64_MAX / 2, &n)
        || n == 0)
        return fail(req, why, size, "expiration", "is not a time");
    req->expiration = (int64_t) n;
    offset = pamaws_result_get(r, "clock_offset");
    if (offset != NULL) {
        negative = offset[0] == '-';
        if (!parse_number(offset + negative, BROKER_MAX_OFFSET_S, &n))
            return fail(req, why, size, "clock_offset", "is not a number"
                        " of seconds within a day");
        req->clock_offset = negative ? -(int64_t) n : (int64_t) n;
    }
    if (parse_mfa_session(req, why, size) < 0
        || parse_attribution(req, why, size) < 0)
        return -1;
    return parse_who(req, why, size);
}

int
broker_request_parse(const char *buf, size_t len, struct broker_request *req,
                     char *why, size_t size)
{
    const char *op;
    uint64_t n;

    memset(req, 0, sizeof(*req));
    if (pamaws_frame_parse(buf, len, &req->result, why, size) < 0)
        return -1;
    if (!parse_number(pamaws_result_get(&req->result, "uid"),
                      (uid_t) -2, &n))
        return fail(req, why, size, "uid", "is not a uid");
    req->uid = (uid_t) n;
    op = pamaws_result_get(&req->result, "op");
    if (op != NULL && strcmp(op, "open_session") == 0) {
        req->op = BROKER_OP_OPEN;
        return parse_open(req, why, size);
    }
    if (op != NULL && strcmp(op, "close_session") == 0) {
        req->op = BROKER_OP_CLOSE;
        if (!parse_number(pamaws_result_get(&req->result, "session"),
                          UINT64_MAX, &req->session))
            return fail(req, why, size, "session", "is not a number");
        return 0;
    }
    if (op != NULL && strcmp(op, "saved_session") == 0) {
        req->op = BROKER_OP_SAVED;
        return parse_saved(req, why, size);
    }
    return fail(req, why, size, "op", "is unknown");
}

void
broker_request_clear(struct broker_request *req)
{
    pamaws_result_clear(&req->result);
    memset(req, 0, sizeof(*req));
}
