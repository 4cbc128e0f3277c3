/*
 * state.c: what a restarted broker needs to recognise its sessions. Per
 * user one record, DIR/UID, written at each login and logout and removed
 * when the user is forgotten: who logged in, the module's options (so
 * refresh.c resolves again as the login did), the SHA-256 of the token,
 * the open sessions' ids. No secret: the credentials are resolved again
 * at the first request after the restart, and the token itself stays in
 * the users' token files.
 *
 * DIR is root's and 0700; a record is root's and 0600 and parsed like a
 * control request (control.c, op=saved_session). Anything else there is
 * ignored with a log line: a broker never trusts a file root did not
 * write.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "awscredd/broker.h"
#include "common/fdio.h"
#include "common/number.h"
#include "common/secret.h"

#define RECORD_MAX_BYTES (PAMAWS_RESULT_MAX_BYTES + 64)

int
broker_state_open(const char *dir, char *why, size_t size)
{
    struct stat st;

    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        snprintf(why, size, "%s: %s", dir, strerror(errno));
        return -1;
    }
    if (lstat(dir, &st) < 0) {
        snprintf(why, size, "%s: %s", dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != 0 || (st.st_mode & 077) != 0) {
        snprintf(why, size, "%s is not a directory of root's, mode 0700",
                 dir);
        return -1;
    }
    return 0;
}

static int
record_path(char *path, size_t size, const char *dir, const char *prefix,
            uid_t uid)
{
    int n = snprintf(path, size, "%s/%s%lu", dir, prefix,
                     (unsigned long) uid);

    return n < 0 || (size_t) n >= size ? -1 : 0;
}

static int
record_build(const struct broker_saved *s, struct pamaws_result *r)
{
    char number[32], ids[BROKER_SAVED_SESSIONS * 21 + 1], key[32];
    const struct broker_record *rec = s->rec;
    size_t i, o = 0;
    int status = 0;

    for (i = 0; i < s->nids && i < BROKER_SAVED_SESSIONS; i++)
        o += (size_t) snprintf(ids + o, sizeof(ids) - o, "%s%llu",
                               i > 0 ? " " : "",
                               (unsigned long long) s->ids[i]);
    ids[o] = '\0';
    status |= pamaws_result_add(r, "op", "saved_session");
    snprintf(number, sizeof(number), "%lu", (unsigned long) rec->uid);
    status |= pamaws_result_add(r, "uid", number);
    status |= pamaws_result_add(r, "user", rec->user);
    status |= pamaws_result_add(r, "profile", rec->profile);
    status |= pamaws_result_add(r, "service", rec->service);
    status |= pamaws_result_add(r, "rhost", rec->rhost);
    status |= pamaws_result_add(r, "tty", rec->tty);
    status |= pamaws_result_add(r, "token_sha256", s->token_sha256);
    snprintf(number, sizeof(number), "%lld", (long long) s->first_open);
    status |= pamaws_result_add(r, "first_open", number);
    snprintf(number, sizeof(number), "%lld", (long long) s->last_close);
    status |= pamaws_result_add(r, "last_close", number);
    status |= pamaws_result_add(r, "sessions", ids);
    snprintf(number, sizeof(number), "%zu", rec->argc);
    status |= pamaws_result_add(r, "argc", number);
    for (i = 0; i < rec->argc; i++) {
        snprintf(key, sizeof(key), "arg.%zu", i);
        status |= pamaws_result_add(r, key, rec->argv[i]);
    }
    return status != 0 ? -1 : 0;
}

int
broker_state_save(const char *dir, const struct broker_saved *saved)
{
    char tmp[PATH_MAX], path[PATH_MAX], *frame = NULL;
    struct pamaws_result r = {0};
    size_t len = 0;
    int fd = -1, status = -1;

    if (record_path(tmp, sizeof(tmp), dir, ".new.", saved->rec->uid) < 0
        || record_path(path, sizeof(path), dir, "", saved->rec->uid) < 0
        || record_build(saved, &r) < 0
        || (frame = pamaws_frame_build(&r, &len)) == NULL)
        goto out;
    (void) unlink(tmp);
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
              0600);
    if (fd < 0)
        goto out;
    if (fd_write_all(fd, frame, len) == 0 && close(fd) == 0
        && rename(tmp, path) == 0)
        status = 0;
    else
        (void) unlink(tmp);
    fd = -1;
out:
    if (fd >= 0)
        close(fd);
    if (frame != NULL)
        secret_free_n(frame, len);
    pamaws_result_clear(&r);
    return status;
}

void
broker_state_remove(const char *dir, uid_t uid)
{
    char path[PATH_MAX];

    if (record_path(path, sizeof(path), dir, "", uid) == 0)
        (void) unlink(path);
}

/* Restores one record, or says why not. */
static int
load_one(int dirfd, const char *name, struct broker_registry *reg,
         char *why, size_t size)
{
    struct broker_request req;
    struct stat st;
    char *data = NULL;
    size_t len = 0;
    uint64_t uid;
    int fd, status = -1;

    fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        snprintf(why, size, "%s", strerror(errno));
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0
        || (st.st_mode & 077) != 0) {
        snprintf(why, size, "not a file of root's, mode 0600");
        goto out;
    }
    if (fd_read_bounded(fd, RECORD_MAX_BYTES, &data, &len) != FD_READ_OK) {
        snprintf(why, size, "unreadable or over %d bytes", RECORD_MAX_BYTES);
        goto out;
    }
    if (broker_request_parse(data, len, &req, why, size) < 0)
        goto out;
    if (req.op != BROKER_OP_SAVED || !number_parse(name, UINT32_MAX, &uid)
        || uid != (uint64_t) req.uid)
        snprintf(why, size, "not a saved session of uid %.32s", name);
    else
        status = broker_registry_restore(reg, &req, why, size);
    broker_request_clear(&req);
out:
    if (data != NULL)
        secret_free_n(data, len + 1);
    close(fd);
    return status;
}

size_t
broker_state_load(const char *dir, struct broker_registry *reg,
                  broker_ignored_fn *ignored)
{
    char why[256];
    struct dirent *e;
    size_t restored = 0, seen = 0;
    DIR *d;
    int dirfd;

    dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dirfd < 0 || (d = fdopendir(dirfd)) == NULL) {
        if (dirfd >= 0)
            close(dirfd);
        return 0;
    }
    while ((e = readdir(d)) != NULL && seen < 2 * BROKER_MAX_USERS) {
        if (e->d_name[0] == '.')
            continue;
        seen++;
        if (load_one(dirfd, e->d_name, reg, why, sizeof(why)) == 0) {
            restored++;
            continue;
        }
        ignored(e->d_name, why);
    }
    closedir(d);
    return restored;
}
