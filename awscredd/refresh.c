/*
 * refresh.c: a user's credentials resolved again, in a thread of its own
 * so that HTTP keeps answering meanwhile. It is the login's resolution
 * itself (pam_awscred/session.c, pamaws_session_resolve): the module's
 * options from the registration, the configuration file they name read
 * again, the worker run as the user (user mode) or as system_user with
 * the admin's source (system mode) through the process runner, so root
 * never reads a user's file here either; after MFA, from the login's
 * MFA session (awscredd/mfa.c). What the resolution logs goes
 * to the broker's log; its first error is kept as the answer to requests
 * once the old credentials run out.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <pthread.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "awscredd/broker.h"
#include "awscredd/mfa.h"

/* Refreshes at once, all users together. */
#define REFRESH_MAX_RUNNING 64

struct job {
    struct broker_registry *reg;
    struct broker_record rec;
    struct broker_creds mfa_session;    /* the MFA login's, or none */
    char why[BROKER_WHY_MAX];       /* the resolution's first error */
    char audit[PAMAWS_AUDIT_LINE_MAX];  /* its issuance line, held */
};

static pthread_mutex_t running_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned running;

/* The resolution's log lines: to the broker's log, the first error kept. */
static void
job_log(void *arg, int priority, const char *message)
{
    struct job *job = arg;

    if (priority <= LOG_ERR && job->why[0] == '\0')
        snprintf(job->why, sizeof(job->why), "%s", message);
    broker_log(priority, "refresh: %s", message);
}

/* The resolution's issuance line once the registry kept the set; a set
   it did not keep (the user logged out during the refresh) was never
   served: a line that says so instead, naming the key CloudTrail's
   AssumeRole event shows. */
static void
log_refreshed(const struct job *job, bool kept, const char *access_key_id)
{
    char line[PAMAWS_AUDIT_LINE_MAX], safe[1024];

    if (kept)
        snprintf(line, sizeof(line), "%s", job->audit);
    else
        snprintf(line, sizeof(line), "credentials discarded: user=%s"
                 " uid=%u access_key_id=%s, logged out during the refresh",
                 job->rec.user, (unsigned) job->rec.uid, access_key_id);
    pamaws_escape(line, safe, sizeof(safe));
    broker_log(LOG_INFO, "refresh: %s", safe);
}

/* Resolves job's user; fills creds, or job->why. 0 or -1. */
static int
resolve(struct job *job, struct broker_creds *creds)
{
    const struct broker_record *rec = &job->rec;
    struct pamaws_args args;
    struct pamaws_vars vars;
    struct pamaws_user user;
    struct pamaws_mfa_session session;
    struct pamaws_audit audit = {.tty = rec->tty, .broker = "refreshed"};
    struct passwd pw, *found = NULL;
    char buf[4096], uid[24];
    gid_t *groups = NULL;
    size_t ngroups = 0;
    int status = -1;

    memset(&args, 0, sizeof(args));
    memset(&vars, 0, sizeof(vars));
    args.log = job_log;
    args.log_arg = job;
    if (getpwnam_r(rec->user, &pw, buf, sizeof(buf), &found) != 0
        || found == NULL || pw.pw_uid != rec->uid
        || (groups = pamaws_user_groups(pw.pw_name, pw.pw_gid, &ngroups))
               == NULL) {
        snprintf(job->why, sizeof(job->why),
                 "user %s is no longer uid %lu", rec->user,
                 (unsigned long) rec->uid);
        return -1;
    }
    if (pamaws_options_load(&args, (int) rec->argc,
                            (const char **) rec->argv, pw.pw_name, groups,
                            ngroups)
        < 0)
        goto out;
    if (broker_mfa_refresh(&args, &job->mfa_session, (int64_t) time(NULL),
                           &session, job->why, sizeof(job->why))
        < 0)
        goto out;
    args.service = rec->service;
    args.rhost = rec->rhost[0] != '\0' ? rec->rhost : NULL;
    /* The resolution's audit line is the refresh's (pam_awscred/audit.c) */
    snprintf(uid, sizeof(uid), "%u", (unsigned) rec->uid);
    audit.uid = uid;
    args.audit_broker = &audit;
    args.audit_held = job->audit;
    user = (struct pamaws_user){pw.pw_name, pw.pw_uid, pw.pw_gid, pw.pw_dir,
                                pw.pw_shell, NULL, groups, ngroups};
    if (pamaws_session_resolve(&args, &user, &vars) != PAMAWS_EXPORT
        || vars.expires == 0)
        goto out;
    creds->access_key_id = (char *) pamaws_vars_get(&vars,
                                                    "AWS_ACCESS_KEY_ID");
    creds->secret_access_key =
        (char *) pamaws_vars_get(&vars, "AWS_SECRET_ACCESS_KEY");
    creds->session_token = (char *) pamaws_vars_get(&vars,
                                                    "AWS_SESSION_TOKEN");
    creds->account_id = vars.account_id[0] != '\0' ? vars.account_id : NULL;
    creds->expiration = broker_local_expiry(vars.expires,
                                            vars.clock_offset_s);
    /* A role after MFA is served no longer than its MFA session. */
    if (args.mfa_session != NULL
        && creds->expiration > job->mfa_session.expiration)
        creds->expiration = job->mfa_session.expiration;
    log_refreshed(job, broker_registry_refreshed(job->reg, rec->uid, creds,
                                                 NULL, (int64_t) time(NULL)),
                  creds->access_key_id);
    status = 0;
out:
    if (status < 0 && job->why[0] == '\0')
        snprintf(job->why, sizeof(job->why),
                 "the credentials of user %s could not be resolved again",
                 rec->user);
    pamaws_vars_clear(&vars);
    pamaws_config_free(&args.config);
    free(groups);
    return status;
}

static void *
job_run(void *arg)
{
    struct job *job = arg;
    struct broker_creds creds = {0};

    if (resolve(job, &creds) < 0)
        broker_registry_refreshed(job->reg, job->rec.uid, NULL, job->why,
                                  (int64_t) time(NULL));
    broker_record_clear(&job->rec);
    broker_creds_clear(&job->mfa_session);
    free(job);
    pthread_mutex_lock(&running_lock);
    running--;
    pthread_mutex_unlock(&running_lock);
    return NULL;
}

bool
broker_refresh_drain(long ms)
{
    bool idle;
    long waited;

    for (waited = 0;; waited += 10) {
        pthread_mutex_lock(&running_lock);
        idle = running == 0;
        pthread_mutex_unlock(&running_lock);
        if (idle || waited >= ms)
            return idle;
        usleep(10000);
    }
}

void
broker_refresh_start(struct broker_registry *reg, struct broker_record *rec,
                     struct broker_creds *mfa_session)
{
    struct job *job = calloc(1, sizeof(*job));
    const char *why = "out of memory";
    pthread_attr_t attr;
    pthread_t thread;
    bool room;

    pthread_mutex_lock(&running_lock);
    room = running < REFRESH_MAX_RUNNING;
    running += room;
    pthread_mutex_unlock(&running_lock);
    if (!room)
        why = "too many refreshes at once; retry";
    if (job != NULL && room) {
        job->reg = reg;
        job->rec = *rec;
        memset(rec, 0, sizeof(*rec));
        job->mfa_session = *mfa_session;
        memset(mfa_session, 0, sizeof(*mfa_session));
        if (pthread_attr_init(&attr) == 0) {
            (void) pthread_attr_setdetachstate(&attr,
                                               PTHREAD_CREATE_DETACHED);
            if (pthread_create(&thread, &attr, job_run, job) == 0) {
                pthread_attr_destroy(&attr);
                return;
            }
            pthread_attr_destroy(&attr);
        }
        why = "cannot start a refresh";
        *rec = job->rec;
        *mfa_session = job->mfa_session;
    }
    if (room) {
        pthread_mutex_lock(&running_lock);
        running--;
        pthread_mutex_unlock(&running_lock);
    }
    free(job);
    broker_log(LOG_WARNING, "refresh of uid %lu: %s",
               (unsigned long) rec->uid, why);
    broker_registry_refreshed(reg, rec->uid, NULL, why, (int64_t) time(NULL));
    broker_record_clear(rec);
    broker_creds_clear(mfa_session);
}
