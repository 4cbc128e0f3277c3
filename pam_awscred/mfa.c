/*
 * mfa.c: carrying MFA'd credentials from the auth phase to the session.
 *
 * Portable OpenSSH runs PAM authentication in a forked child, so nothing
 * the module keeps in memory (pam_set_data) reaches the session phase:
 * only the PAM environment does. The secrets must not travel there, so
 * the auth phase writes the variables to export to a root-only file,
 * mfa_dir/<handle> (a directory 0700, the file 0600, created exclusively,
 * no link followed), and puts only the handle, 32 random hex digits, in
 * the PAM environment as AWSCRED_MFA_HANDLE, in the manner of pam-krb5's
 * PAM_KRB5CCNAME. The session phase removes the variable, opens the file
 * (regular, ours, 0600), unlinks it at once, checks its age
 * (PAMAWS_MFA_HANDLE_MAX_AGE_S) and wipes what it read. A handle is good
 * for one session; one never redeemed (the login ended after auth, or a
 * later auth module failed) is worth nothing after its age, and the next
 * store or redeem removes it (packaging's tmpfiles.d rule too, for a host
 * where neither comes: etc/tmpfiles.d/pam_awscred.conf).
 *
 * A failed MFA login tells the user one sentence she can act on
 * (pamaws_mfa_failure): STS's AccessDenied for MultiFactorAuthentication
 * (a wrong code, or one already used or expired: STS does not say which;
 * its words follow) and its throttling codes; syslog keeps STS's whole
 * error.
 *
 * File format: "pam_awscred-mfa 1 <epoch created> <uid> <expires>\n" then
 * "NAME=value\n" for each variable, only names in pamaws_exported_names,
 * and the role's MFA session for the broker, when there is one, as
 * "mfa_session_...=value" records (PAMAWS_MFA_SESSION_*).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "common/fdio.h"
#include "common/number.h"
#include "pam_awscred/internal.h"

#define MFA_MAGIC "pam_awscred-mfa 1 "
#define HANDLE_HEX 32
#define SESSION_FIELDS 4

static bool
handle_valid(const char *handle)
{
    return strlen(handle) == HANDLE_HEX
           && strspn(handle, "0123456789abcdef") == HANDLE_HEX;
}

static int
handle_path(const struct pamaws_args *args, const char *handle, char *path,
            size_t size)
{
    int n = snprintf(path, size, "%s/%s", args->config.mfa_dir, handle);

    return n > 0 && (size_t) n < size ? 0 : -1;
}

/* Whether name is one we export. */
static bool
exported_name(const char *entry)
{
    size_t i, len = strcspn(entry, "=");

    for (i = 0; pamaws_exported_names[i] != NULL; i++)
        if (strlen(pamaws_exported_names[i]) == len
            && strncmp(pamaws_exported_names[i], entry, len) == 0)
            return true;
    return false;
}

/* mfa_dir, made when missing (its parent too, as clock_state's): a
   directory of ours, 0700, not a link. 0, or -1 with errno. */
static int
private_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char parent[4096];
    struct stat st;

    if (slash != NULL && slash != path
        && (size_t) (slash - path) < sizeof(parent)) {
        memcpy(parent, path, (size_t) (slash - path));
        parent[slash - path] = '\0';
        (void) mkdir(parent, 0755);
    }
    if (mkdir(path, 0700) < 0 && errno != EEXIST)
        return -1;
    if (lstat(path, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid()
        || (st.st_mode & 077) != 0) {
        errno = EPERM;
        return -1;
    }
    return 0;
}

/* Removes the handles older than PAMAWS_MFA_HANDLE_MAX_AGE_S. */
static void
sweep(const char *path)
{
    DIR *dir = opendir(path);
    struct dirent *entry;
    struct stat st;
    time_t now = time(NULL);

    if (dir == NULL)
        return;
    while ((entry = readdir(dir)) != NULL)
        if (handle_valid(entry->d_name)
            && fstatat(dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW)
                   == 0
            && now - st.st_mtime > PAMAWS_MFA_HANDLE_MAX_AGE_S)
            (void) unlinkat(dirfd(dir), entry->d_name, 0);
    closedir(dir);
}

/* The role's MFA session's records, in pamaws_mfa_session_set's order. */
static const char *const session_names[SESSION_FIELDS] = {
    PAMAWS_MFA_SESSION_KEY, PAMAWS_MFA_SESSION_SECRET,
    PAMAWS_MFA_SESSION_TOKEN, PAMAWS_MFA_SESSION_EXPIRATION };

/* The role's MFA session, when there is one: its records. 0 or -1. */
static int
session_write(int fd, const struct pamaws_mfa_session *session)
{
    char expires[24];
    const char *values[SESSION_FIELDS] = {
        session->access_key_id, session->secret_access_key,
        session->session_token, expires };
    size_t i;

    if (session->access_key_id == NULL)
        return 0;
    snprintf(expires, sizeof(expires), "%lld", (long long) session->expires);
    for (i = 0; i < SESSION_FIELDS; i++)
        if (fd_write_all(fd, session_names[i], strlen(session_names[i])) < 0
            || fd_write_all(fd, "=", 1) < 0
            || fd_write_all(fd, values[i], strlen(values[i])) < 0
            || fd_write_all(fd, "\n", 1) < 0)
            return -1;
    return 0;
}

int
pamaws_mfa_store(const struct pamaws_args *args,
                 const struct pamaws_user *user,
                 const struct pamaws_vars *vars, char *handle, size_t size)
{
    unsigned char random[HANDLE_HEX / 2];
    char path[4096], head[96];
    size_t i;
    int fd = -1, rc = -1;

    if (size <= HANDLE_HEX
        || getrandom(random, sizeof(random), 0) != (ssize_t) sizeof(random))
        goto out;
    for (i = 0; i < sizeof(random); i++)
        snprintf(handle + 2 * i, 3, "%02x", random[i]);
    if (handle_path(args, handle, path, sizeof(path)) < 0)
        goto out;
    if (private_dir(args->config.mfa_dir) < 0)
        goto out;
    sweep(args->config.mfa_dir);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              0600);
    if (fd < 0)
        goto out;
    snprintf(head, sizeof(head), MFA_MAGIC "%lld %lu %lld\n",
             (long long) time(NULL), (unsigned long) user->uid,
             (long long) vars->expires);
    if (fd_write_all(fd, head, strlen(head)) < 0)
        goto out;
    for (i = 0; i < vars->count; i++)
        if (fd_write_all(fd, vars->set[i], strlen(vars->set[i])) < 0
            || fd_write_all(fd, "\n", 1) < 0)
            goto out;
    if (session_write(fd, &vars->mfa_session) < 0)
        goto out;
    rc = 0;
out:
    pamaws_wipe(random, sizeof(random));
    if (fd >= 0 && close(fd) < 0)
        rc = -1;
    if (rc < 0) {
        pamaws_log(args, LOG_ERR, "cannot keep the MFA credentials of user"
                   " %s for the session in %s: %s", user->name,
                   args->config.mfa_dir, strerror(errno));
        if (fd >= 0)
            (void) unlink(path);
        if (size > 0)
            handle[0] = '\0';
    }
    return rc;
}

/* The value of line if it is the record name=value, else NULL. */
static const char *
record_value(const char *line, const char *name)
{
    size_t len = strlen(name);

    return strncmp(line, name, len) == 0 && line[len] == '='
               ? line + len + 1 : NULL;
}

/* The head line after MFA_MAGIC, exactly as pamaws_mfa_store writes it:
   "<created> <uid> <expires>\n" (common/number). 0, or -1. */
static int
head_parse(const char *text, int64_t *created, uint64_t *uid,
           int64_t *expires)
{
    char head[80], *field[3], *p = head;
    const char *end = strchr(text, '\n');
    size_t i;

    if (end == NULL || (size_t) (end - text) >= sizeof(head))
        return -1;
    memcpy(head, text, (size_t) (end - text));
    head[end - text] = '\0';
    for (i = 0; i < 3; i++) {
        field[i] = p;
        p = strchr(p, ' ');
        if ((p == NULL) != (i == 2))
            return -1;
        if (p != NULL)
            *p++ = '\0';
    }
    return number_parse_signed(field[0], INT64_MAX, created)
                   && number_parse(field[1], UINT32_MAX, uid)
                   && number_parse_signed(field[2], INT64_MAX, expires)
               ? 0 : -1;
}

/* Fills vars from the records after the head line. -1 when malformed. */
static int
vars_parse(char *text, struct pamaws_vars *vars)
{
    const char *session[SESSION_FIELDS] = { NULL }, *value = NULL;
    char *line, *save = NULL;
    size_t i;

    for (line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        for (i = 0; i < SESSION_FIELDS
                    && (value = record_value(line, session_names[i])) == NULL;
             i++)
            continue;
        if (value != NULL) {
            session[i] = value;
            continue;
        }
        if (!exported_name(line) || strchr(line, '=') == NULL
            || vars->count >= PAMAWS_MAX_VARS
            || (vars->set[vars->count] = strdup(line)) == NULL)
            return -1;
        vars->count++;
    }
    if (session[0] != NULL
        && pamaws_mfa_session_set(&vars->mfa_session, session[0], session[1],
                                  session[2], session[3])
               < 0)
        return -1;
    return vars->count > 0 ? 0 : -1;
}

int
pamaws_mfa_redeem(const struct pamaws_args *args,
                  const struct pamaws_user *user, const char *handle,
                  struct pamaws_vars *vars)
{
    char path[4096], *data = NULL, *body;
    const char *why = "malformed";
    struct stat st;
    size_t len = 0;
    int64_t created, expires;
    uint64_t uid;
    int fd = -1, rc = -1;

    memset(vars, 0, sizeof(*vars));
    if (!handle_valid(handle)
        || handle_path(args, handle, path, sizeof(path)) < 0) {
        why = "not a handle";
        goto out;
    }
    fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        why = errno == ENOENT ? "already used or never issued"
                              : strerror(errno);
        goto out;
    }
    (void) unlink(path);  /* one session per handle, whatever follows */
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()
        || (st.st_mode & 077) != 0) {
        why = "not a private file of ours";
        goto out;
    }
    if (fd_read_bounded(fd, PAMAWS_RESULT_MAX_BYTES, &data, &len)
        != FD_READ_OK)
        goto out;
    if (strncmp(data, MFA_MAGIC, strlen(MFA_MAGIC)) != 0
        || head_parse(data + strlen(MFA_MAGIC), &created, &uid, &expires)
               < 0
        || (body = strchr(data, '\n')) == NULL)
        goto out;
    if (uid != (uint64_t) user->uid) {
        why = "issued for another user";
        goto out;
    }
    if (created > (int64_t) time(NULL) + 5
        || (int64_t) time(NULL) - created > PAMAWS_MFA_HANDLE_MAX_AGE_S) {
        why = "expired";
        goto out;
    }
    if (vars_parse(body + 1, vars) < 0)
        goto out;
    vars->expires = expires;
    rc = 0;
out:
    if (fd >= 0)
        close(fd);
    if (data != NULL) {
        pamaws_wipe(data, len + 1);
        free(data);
    }
    if (handle_valid(handle))
        sweep(args->config.mfa_dir);
    if (rc < 0) {
        pamaws_vars_clear(vars);
        pamaws_log(args, LOG_ERR, "no AWS credentials for user %s: the MFA"
                   " handle is %s", user->name, why);
    }
    return rc;
}

/* The code of botocore's "An error occurred (Code) when calling". */
static bool
error_code_is(const char *message, const char *code)
{
    static const char head[] = "An error occurred (";
    const char *start = strstr(message, head);
    size_t len = strlen(code);

    return start != NULL && strncmp(start + sizeof(head) - 1, code, len) == 0
           && start[sizeof(head) - 1 + len] == ')';
}

const char *
pamaws_mfa_failure(const char *message, const char *serial, char *buf,
                   size_t size)
{
    /* botocore's retried throttling codes (net/sts.c code_is_transient) */
    static const char *const throttled[] = {
        "Throttling", "ThrottlingException", "ThrottledException",
        "RequestThrottledException", "TooManyRequestsException",
        "RequestLimitExceeded", "RequestThrottled", "SlowDown", NULL};
    const char *said;
    size_t i;

    if (message == NULL)
        return NULL;
    if (error_code_is(message, "AccessDenied")
        && (said = strstr(message, "MultiFactorAuthentication")) != NULL) {
        snprintf(buf, size, "AWS: the MFA code for %s was not accepted"
                 " (wrong, expired or already used): log in again with a"
                 " new code. STS said: %s",
                 serial != NULL ? serial : "your device", said);
        return buf;
    }
    for (i = 0; throttled[i] != NULL; i++)
        if (error_code_is(message, throttled[i])) {
            snprintf(buf, size, "AWS STS is throttling requests: no AWS"
                     " credentials now, log in again in a minute");
            return buf;
        }
    return NULL;
}
