/*
 * registry.c: who is logged in. Per user: one random token (the same for
 * every session, so processes from earlier logins keep working), the
 * newest credentials a login or a refresh resolved, how to resolve them
 * again, and the open sessions. Memory only; secrets are wiped when
 * replaced or forgotten. The HTTP threads, the refreshes and the control
 * loop share it under one mutex.
 *
 * Refresh is lazy and single-flight: the first request that finds less
 * than refresh_before= left claims the user's refresh (with a copy of
 * the MFA login's role session, awscredd/mfa.c); every request
 * meanwhile gets the still-valid set, or "being refreshed" once it ran
 * out. A failed refresh is tried again after REFRESH_RETRY_S.
 *
 * Tokens are compared by their SHA-256: a user restored from a saved
 * record (state.c) after a restart is known by that alone, and its next
 * login gets a new token.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "awscredd/broker.h"
#include "common/secret.h"
#include "util/sha256.h"

/* Wrong tokens a uid may send per window before it is answered 429. */
#define FAIL_LIMIT     10
#define FAIL_WINDOW_S  60
#define REFRESH_RETRY_S 10

struct user {
    uid_t uid;
    char token[BROKER_TOKEN_CHARS + 1];     /* "" when restored */
    char token_sha256[BROKER_TOKEN_CHARS + 1];
    struct broker_creds creds;
    size_t sessions;
    int64_t first_open, last_close;
    struct broker_record rec;       /* the newest login's */
    /* the newest MFA login's role session (awscredd/mfa.c); memory only,
       never in the saved record */
    struct broker_creds mfa_session;
    bool refreshing;
    int64_t refresh_failed;         /* when the last refresh failed */
    char why[BROKER_WHY_MAX];       /* and why */
};

struct fails {
    uid_t uid;
    unsigned count;
    int64_t window_start;
};

struct session {
    uint64_t id;
    uid_t uid;
};

struct broker_registry {
    pthread_mutex_t lock;
    const struct broker_config *cfg;
    struct user *users[BROKER_MAX_USERS];
    size_t nusers;
    struct session *sessions;
    size_t nsessions;
    uint64_t next_id;
    struct fails fails[BROKER_MAX_USERS];
    size_t nfails;
    broker_refresh_fn *refresh;
    broker_refreshed_fn *notify;
    void *notify_arg;
};

struct broker_registry *
broker_registry_new(const struct broker_config *cfg)
{
    struct broker_registry *reg = calloc(1, sizeof(*reg));

    if (reg == NULL)
        return NULL;
    reg->sessions = calloc(BROKER_MAX_SESSIONS, sizeof(*reg->sessions));
    if (reg->sessions == NULL || pthread_mutex_init(&reg->lock, NULL) != 0) {
        free(reg->sessions);
        free(reg);
        return NULL;
    }
    reg->cfg = cfg;
    reg->next_id = 1;
    return reg;
}

void
broker_creds_clear(struct broker_creds *creds)
{
    free(creds->access_key_id);
    secret_free(creds->secret_access_key);
    secret_free(creds->session_token);
    free(creds->account_id);
    memset(creds, 0, sizeof(*creds));
}

void
broker_registry_set_refresh(struct broker_registry *reg,
                            broker_refresh_fn *fn)
{
    reg->refresh = fn;
}

void
broker_registry_set_notify(struct broker_registry *reg,
                           broker_refreshed_fn *fn, void *arg)
{
    pthread_mutex_lock(&reg->lock);
    reg->notify = fn;
    reg->notify_arg = arg;
    pthread_mutex_unlock(&reg->lock);
}

void
broker_record_clear(struct broker_record *rec)
{
    size_t i;

    free(rec->user);
    free(rec->service);
    free(rec->rhost);
    free(rec->tty);
    free(rec->profile);
    for (i = 0; i < rec->argc; i++)
        free(rec->argv[i]);
    memset(rec, 0, sizeof(*rec));
}

/* Copies a record (from strings the caller keeps). 0, or -1. */
static int
record_set(struct broker_record *to, uid_t uid, const char *user,
           const char *service, const char *rhost, const char *tty,
           const char *profile, const char *const *argv, size_t argc)
{
    bool nomem = false;
    size_t i;

    memset(to, 0, sizeof(*to));
    to->uid = uid;
    nomem |= (to->user = strdup(user)) == NULL;
    nomem |= (to->service = strdup(service)) == NULL;
    nomem |= (to->rhost = strdup(rhost)) == NULL;
    nomem |= (to->tty = strdup(tty)) == NULL;
    nomem |= (to->profile = strdup(profile)) == NULL;
    for (i = 0; i < argc && !nomem; i++, to->argc++)
        nomem |= (to->argv[i] = strdup(argv[i])) == NULL;
    if (nomem)
        broker_record_clear(to);
    return nomem ? -1 : 0;
}

static int
record_copy(struct broker_record *to, const struct broker_record *from)
{
    return record_set(to, from->uid, from->user, from->service, from->rhost,
                      from->tty, from->profile,
                      (const char *const *) from->argv, from->argc);
}

static int
creds_copy(struct broker_creds *to, const struct broker_creds *from)
{
    memset(to, 0, sizeof(*to));
    to->expiration = from->expiration;
    to->access_key_id = strdup(from->access_key_id);
    to->secret_access_key = strdup(from->secret_access_key);
    if (from->session_token != NULL)
        to->session_token = strdup(from->session_token);
    if (from->account_id != NULL)
        to->account_id = strdup(from->account_id);
    if (to->access_key_id == NULL || to->secret_access_key == NULL
        || (from->session_token != NULL && to->session_token == NULL)
        || (from->account_id != NULL && to->account_id == NULL)) {
        broker_creds_clear(to);
        return -1;
    }
    return 0;
}

/* Writes u's record for a restarted broker (state.c), when configured. */
static void
user_save(struct broker_registry *reg, const struct user *u)
{
    uint64_t ids[BROKER_SAVED_SESSIONS];
    struct broker_saved saved = {
        .rec = &u->rec, .token_sha256 = u->token_sha256,
        .first_open = u->first_open, .last_close = u->last_close, .ids = ids,
    };
    size_t i;

    if (reg->cfg->state_dir == NULL || u->rec.user == NULL)
        return;
    for (i = 0; i < reg->nsessions && saved.nids < BROKER_SAVED_SESSIONS;
         i++)
        if (reg->sessions[i].uid == u->uid)
            ids[saved.nids++] = reg->sessions[i].id;
    (void) broker_state_save(reg->cfg->state_dir, &saved);
}

/* Drops users[i]; its record too when it is forgotten for good (not at
   the broker's stop, which a restart recovers from). */
static void
user_forget(struct broker_registry *reg, size_t i, bool remove)
{
    struct user *u = reg->users[i];

    if (remove && reg->cfg->state_dir != NULL)
        broker_state_remove(reg->cfg->state_dir, u->uid);

    broker_creds_clear(&u->creds);
    broker_creds_clear(&u->mfa_session);
    broker_record_clear(&u->rec);
    secret_wipe(u->token, sizeof(u->token));
    free(u);
    reg->users[i] = reg->users[--reg->nusers];
}

void
broker_registry_free(struct broker_registry *reg)
{
    if (reg == NULL)
        return;
    while (reg->nusers > 0)
        user_forget(reg, 0, false);
    free(reg->sessions);
    pthread_mutex_destroy(&reg->lock);
    free(reg);
}

static struct user *
user_find(struct broker_registry *reg, uid_t uid, size_t *index)
{
    size_t i;

    for (i = 0; i < reg->nusers; i++)
        if (reg->users[i]->uid == uid) {
            if (index != NULL)
                *index = i;
            return reg->users[i];
        }
    return NULL;
}

static int
new_token(char *token)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char raw[BROKER_TOKEN_BYTES];
    size_t i;

    if (getrandom(raw, sizeof(raw), 0) != (ssize_t) sizeof(raw))
        return -1;
    for (i = 0; i < sizeof(raw); i++) {
        token[2 * i] = hex[raw[i] >> 4];
        token[2 * i + 1] = hex[raw[i] & 15];
    }
    token[BROKER_TOKEN_CHARS] = '\0';
    secret_wipe(raw, sizeof(raw));
    return 0;
}

/* A new token for u, and its hash. */
static int
user_token(struct user *u)
{
    if (new_token(u->token) < 0)
        return -1;
    sha256_hex(u->token, BROKER_TOKEN_CHARS, u->token_sha256);
    return 0;
}

static int
open_locked(struct broker_registry *reg, const struct broker_request *req,
            int64_t now, char *token, uint64_t *session, char *why,
            size_t size)
{
    struct broker_creds fresh = {
        .access_key_id = (char *) req->access_key_id,
        .secret_access_key = (char *) req->secret_access_key,
        .session_token = (char *) req->session_token,
        .account_id = req->account_id[0] != '\0' ? (char *) req->account_id
                                                 : NULL,
        .expiration = broker_local_expiry(req->expiration,
                                          req->clock_offset),
    };
    struct broker_creds copy;
    struct broker_record rec;
    struct user *u = user_find(reg, req->uid, NULL);

    if (reg->nsessions >= BROKER_MAX_SESSIONS) {
        snprintf(why, size, "too many sessions");
        return -1;
    }
    if (u == NULL) {
        if (reg->nusers >= BROKER_MAX_USERS
            || (u = calloc(1, sizeof(*u))) == NULL) {
            snprintf(why, size, "too many users");
            return -1;
        }
        u->uid = req->uid;
        u->first_open = now;
        reg->users[reg->nusers++] = u;
    }
    /* A user restored after a restart is known by its token's hash only:
       this login's token file gets a new one. */
    if (u->token[0] == '\0' && user_token(u) < 0) {
        snprintf(why, size, "no random bytes for a token");
        return -1;
    }
    /* The newest login's credentials win when they last longer. */
    if (u->creds.access_key_id == NULL
        || fresh.expiration >= u->creds.expiration) {
        if (creds_copy(&copy, &fresh) < 0) {
            snprintf(why, size, "out of memory");
            return -1;
        }
        broker_creds_clear(&u->creds);
        u->creds = copy;
        u->why[0] = '\0';
        u->refresh_failed = 0;
    }
    /* An MFA login's role session replaces the one before. */
    if (req->mfa_session.access_key_id != NULL) {
        struct broker_creds mfa = {
            .access_key_id = (char *) req->mfa_session.access_key_id,
            .secret_access_key = (char *) req->mfa_session.secret_access_key,
            .session_token = (char *) req->mfa_session.session_token,
            .expiration = broker_local_expiry(req->mfa_session.expiration,
                                              req->clock_offset),
        };

        if (creds_copy(&copy, &mfa) < 0) {
            snprintf(why, size, "out of memory");
            return -1;
        }
        broker_creds_clear(&u->mfa_session);
        u->mfa_session = copy;
    }
    /* The newest login says how to resolve again. */
    if (record_set(&rec, req->uid, req->user, req->service, req->rhost,
                   req->tty, req->profile, req->argv, req->argc)
        == 0) {
        broker_record_clear(&u->rec);
        u->rec = rec;
    }
    u->sessions++;
    reg->sessions[reg->nsessions].id = reg->next_id;
    reg->sessions[reg->nsessions].uid = u->uid;
    reg->nsessions++;
    *session = reg->next_id++;
    memcpy(token, u->token, sizeof(u->token));
    user_save(reg, u);
    return 0;
}

int
broker_registry_open(struct broker_registry *reg,
                     const struct broker_request *req, int64_t now,
                     char *token, uint64_t *session, char *why, size_t size)
{
    int status;

    pthread_mutex_lock(&reg->lock);
    status = open_locked(reg, req, now, token, session, why, size);
    pthread_mutex_unlock(&reg->lock);
    return status;
}

int
broker_registry_close(struct broker_registry *reg, uid_t uid,
                      uint64_t session, int64_t now)
{
    struct user *u;
    size_t i;
    int status = -1;

    pthread_mutex_lock(&reg->lock);
    for (i = 0; i < reg->nsessions; i++)
        if (reg->sessions[i].id == session && reg->sessions[i].uid == uid)
            break;
    if (i < reg->nsessions && (u = user_find(reg, uid, NULL)) != NULL) {
        reg->sessions[i] = reg->sessions[--reg->nsessions];
        if (--u->sessions == 0)
            u->last_close = now;
        user_save(reg, u);
        status = 0;
    }
    pthread_mutex_unlock(&reg->lock);
    broker_registry_expire(reg, now);
    return status;
}

void
broker_registry_expire(struct broker_registry *reg, int64_t now)
{
    const struct broker_config *cfg = reg->cfg;
    size_t i = 0;

    pthread_mutex_lock(&reg->lock);
    while (i < reg->nusers) {
        struct user *u = reg->users[i];
        bool gone = u->sessions == 0
                    && now - u->last_close >= cfg->retain_after_close_s;

        if (cfg->max_lifetime_s > 0 && now - u->first_open >= cfg->max_lifetime_s)
            gone = true;
        if (gone) {
            size_t j = 0;

            while (j < reg->nsessions)
                if (reg->sessions[j].uid == u->uid)
                    reg->sessions[j] = reg->sessions[--reg->nsessions];
                else
                    j++;
            user_forget(reg, i, true);
        } else {
            i++;
        }
    }
    pthread_mutex_unlock(&reg->lock);
}

/* Whether u's refresh is this request's to start. */
static bool
refresh_due(const struct broker_registry *reg, const struct user *u,
            int64_t now)
{
    return reg->refresh != NULL && !u->refreshing && u->rec.user != NULL
           && u->creds.expiration - now < reg->cfg->refresh_before_s
           && (u->refresh_failed == 0
               || now - u->refresh_failed >= REFRESH_RETRY_S);
}

/* Whether got (len bytes) is the token whose hash is want, comparing the
   whole hash whatever the first differing byte. */
static bool
token_equal(const char *want, const char *got, size_t len)
{
    unsigned char diff = len != BROKER_TOKEN_CHARS;
    char hash[BROKER_TOKEN_CHARS + 1];
    size_t i;

    sha256_hex(got, len, hash);
    for (i = 0; i < BROKER_TOKEN_CHARS; i++)
        diff |= (unsigned char) (want[i] ^ hash[i]);
    return diff == 0;
}

/* Whether uid is over its wrong-token budget; counts one more if failed. */
static bool
rate_limited(struct broker_registry *reg, uid_t uid, int64_t now, bool failed)
{
    struct fails *f = NULL;
    size_t i;

    for (i = 0; i < reg->nfails; i++)
        if (reg->fails[i].uid == uid)
            f = &reg->fails[i];
    if (f == NULL) {
        if (!failed)
            return false;
        if (reg->nfails < BROKER_MAX_USERS)
            f = &reg->fails[reg->nfails++];
        else
            f = &reg->fails[(size_t) uid % BROKER_MAX_USERS];
        memset(f, 0, sizeof(*f));
        f->uid = uid;
    }
    if (now - f->window_start >= FAIL_WINDOW_S) {
        f->window_start = now;
        f->count = 0;
    }
    if (failed && f->count < FAIL_LIMIT + 1)
        f->count++;
    return f->count > FAIL_LIMIT;
}

enum broker_lookup
broker_registry_lookup(struct broker_registry *reg, uid_t uid,
                       const char *token, size_t len, int64_t now,
                       struct broker_creds *out)
{
    enum broker_lookup status = BROKER_LOOKUP_DENIED;
    struct broker_record job = {0};
    struct broker_creds session = {0};
    bool match, claimed = false;
    struct user *u;

    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&reg->lock);
    if (rate_limited(reg, uid, now, false)) {
        status = BROKER_LOOKUP_LIMITED;
        goto out;
    }
    u = user_find(reg, uid, NULL);
    match = u != NULL && token_equal(u->token_sha256, token, len);
    if (!match) {
        status = rate_limited(reg, uid, now, true) ? BROKER_LOOKUP_LIMITED
                                                   : BROKER_LOOKUP_DENIED;
    } else {
        if (refresh_due(reg, u, now)) {
            claimed = record_copy(&job, &u->rec) == 0
                      && (u->mfa_session.access_key_id == NULL
                          || creds_copy(&session, &u->mfa_session) == 0);
            if (!claimed)
                broker_record_clear(&job);
            u->refreshing = claimed;
        }
        if (u->creds.expiration <= now)
            status = BROKER_LOOKUP_EXPIRED;
        else
            status = creds_copy(out, &u->creds) == 0 ? BROKER_LOOKUP_OK
                                                      : BROKER_LOOKUP_EXPIRED;
    }
out:
    pthread_mutex_unlock(&reg->lock);
    if (claimed)
        reg->refresh(reg, &job, &session);
    return status;
}

bool
broker_registry_refreshed(struct broker_registry *reg, uid_t uid,
                          const struct broker_creds *fresh, const char *why,
                          int64_t now)
{
    broker_refreshed_fn *notify;
    struct broker_creds copy;
    void *notify_arg;
    struct user *u;
    bool kept = false;

    pthread_mutex_lock(&reg->lock);
    notify = reg->notify;
    notify_arg = reg->notify_arg;
    u = user_find(reg, uid, NULL);
    if (u != NULL) {
        u->refreshing = false;
        if (fresh != NULL && creds_copy(&copy, fresh) == 0) {
            broker_creds_clear(&u->creds);
            u->creds = copy;
            u->why[0] = '\0';
            kept = true;
        } else {
            u->refresh_failed = now;
            snprintf(u->why, sizeof(u->why), "%s",
                     fresh != NULL ? "out of memory" : why);
        }
    }
    pthread_mutex_unlock(&reg->lock);
    if (notify != NULL)
        notify(notify_arg, uid);
    return kept;
}

int
broker_registry_restore(struct broker_registry *reg,
                        const struct broker_request *saved, char *why,
                        size_t size)
{
    struct user *u = NULL;
    size_t i;
    int status = -1;

    pthread_mutex_lock(&reg->lock);
    if (user_find(reg, saved->uid, NULL) != NULL) {
        snprintf(why, size, "uid %lu is known already",
                 (unsigned long) saved->uid);
    } else if (reg->nusers >= BROKER_MAX_USERS
               || reg->nsessions + saved->nsaved > BROKER_MAX_SESSIONS
               || (u = calloc(1, sizeof(*u))) == NULL) {
        snprintf(why, size, "too many users");
    } else if (record_set(&u->rec, saved->uid, saved->user, saved->service,
                          saved->rhost, saved->tty, saved->profile,
                          saved->argv, saved->argc)
               < 0) {
        snprintf(why, size, "out of memory");
        free(u);
    } else {
        u->uid = saved->uid;
        memcpy(u->token_sha256, saved->token_sha256,
               sizeof(u->token_sha256));
        u->first_open = saved->first_open;
        u->last_close = saved->last_close;
        for (i = 0; i < saved->nsaved; i++) {
            reg->sessions[reg->nsessions].id = saved->saved[i];
            reg->sessions[reg->nsessions++].uid = u->uid;
            if (saved->saved[i] >= reg->next_id
                && saved->saved[i] < UINT64_MAX)
                reg->next_id = saved->saved[i] + 1;
        }
        u->sessions = saved->nsaved;
        reg->users[reg->nusers++] = u;
        status = 0;
    }
    pthread_mutex_unlock(&reg->lock);
    return status;
}

bool
broker_registry_why(struct broker_registry *reg, uid_t uid, char *why,
                    size_t size)
{
    struct user *u;
    bool running;

    pthread_mutex_lock(&reg->lock);
    u = user_find(reg, uid, NULL);
    running = u != NULL && u->refreshing;
    snprintf(why, size, "%s", u != NULL && !running ? u->why : "");
    pthread_mutex_unlock(&reg->lock);
    return running;
}
