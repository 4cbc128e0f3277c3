/*
 * file.c: bounded, checked reads of files the user controls, and atomic
 * writes for the caches. Every check is made on the opened descriptor,
 * never on the path, so a file swapped after the check is never read.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <syslog.h>
#include <unistd.h>

#include "common/fdio.h"
#include "internal.h"

/*
 * Why st is something another user could have written (OpenSSH's
 * StrictModes rule): owned by neither the context's user nor root, or
 * writable by group or others. Writes the reason and returns true.
 */
static bool
unsafe_owner_or_mode(const struct awscred_context *ctx, const struct stat *st,
                     char *why, size_t size)
{
    if (st->st_uid != 0 && (!ctx->have_user || st->st_uid != ctx->uid))
        snprintf(why, size, "owned by uid %lu, expected %lu or root",
                 (unsigned long) st->st_uid, (unsigned long) ctx->uid);
    else if ((st->st_mode & 022) != 0)
        snprintf(why, size, "writable by group or others (mode %04o)",
                 (unsigned) (st->st_mode & 07777));
    else
        return false;
    return true;
}

/* One read: what each step needs to check, and to word its errors. */
struct file_reading {
    const struct awscred_context *ctx;
    const char *path;
    const char *what;           /* "config file", for messages */
    bool unopenable_is_missing; /* file_read_config() */
    struct awscred_error *err;
};

static enum awscred_status
refuse(const struct file_reading *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* An AWSCRED_ERR_FILE error: "<fmt...>", naming r's file as where. */
static enum awscred_status
refuse(const struct file_reading *r, const char *fmt, ...)
{
    char text[sizeof(r->err->message)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    return error_set(r->err, AWSCRED_ERR_FILE, NULL, r->path, "%s", text);
}

/* Whether st is the null device (1:3), whatever its name: botocore reads
   AWS_CONFIG_FILE=/dev/null as an empty file, the usual way to switch a
   file off. */
static bool
is_null_device(const struct stat *st)
{
    return S_ISCHR(st->st_mode) && major(st->st_rdev) == 1
           && minor(st->st_rdev) == 3;
}

/* Checks the opened file: regular, within the size limit, and safe; or
   the null device, which reads as empty. */
static enum awscred_status
check_descriptor(const struct file_reading *r, const struct stat *st)
{
    size_t limit = r->ctx->limits.max_file_bytes;
    char why[96];

    if (is_null_device(st))
        return AWSCRED_OK;
    if (!S_ISREG(st->st_mode))
        return refuse(r, "%s %s is not a regular file", r->what, r->path);
    if ((uint64_t) st->st_size > limit)
        return refuse(r, "%s %s is larger than %zu bytes", r->what, r->path,
                      limit);
    if ((r->ctx->flags & AWSCRED_FLAG_STRICT_FILES)
        && unsafe_owner_or_mode(r->ctx, st, why, sizeof(why)))
        return refuse(r, "refusing %s %s: %s", r->what, r->path, why);
    return AWSCRED_OK;
}

/* Checks the opened directory dir on the way to the file; see
   open_below_home(). */
static enum awscred_status
check_directory(const struct file_reading *r, int dirfd, const char *dir)
{
    struct stat st;
    char why[96];

    if (fstat(dirfd, &st) < 0)
        return refuse(r, "cannot read %s %s: %s: %s", r->what, r->path, dir,
                      strerror(errno));
    if (!unsafe_owner_or_mode(r->ctx, &st, why, sizeof(why)))
        return AWSCRED_OK;
    if (r->ctx->flags & AWSCRED_FLAG_WARN_UNSAFE_DIRS) {
        ctx_log(r->ctx, LOG_WARNING, "warning: reading %s %s although "
                "directory %s is %s", r->what, r->path, dir, why);
        return AWSCRED_OK;
    }
    return refuse(r, "refusing %s %s: directory %s is %s", r->what, r->path,
                  dir, why);
}

/* A failed open: no error when the file does not exist, nor (logged) when
   it cannot be opened and r says to count that as missing. */
static enum awscred_status
open_failed(const struct file_reading *r, int error)
{
    if (error == ENOENT || error == ENOTDIR)
        return AWSCRED_OK;
    if (r->unopenable_is_missing) {
        ctx_log(r->ctx, LOG_WARNING, "warning: cannot read %s %s: %s; "
                "ignoring it, as the AWS CLI does", r->what, r->path,
                strerror(error));
        return AWSCRED_OK;
    }
    return refuse(r, "cannot read %s %s: %s", r->what, r->path,
                  strerror(error));
}

/*
 * Opens real, a canonical path below the canonical home (its first
 * home_len bytes), one descriptor at a time from the home down, checking
 * each directory as OpenSSH's secure_filename() does, so that nobody but
 * the user can have put the file there. O_NOFOLLOW below the home: a
 * component swapped for a symbolic link after realpath() fails the open.
 */
static enum awscred_status
open_below_home(const struct file_reading *r, char *real, size_t home_len,
                int *fd)
{
    enum awscred_status status;
    char *name, *slash;
    int dirfd, next;

    real[home_len] = '\0';
    dirfd = open(real, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return open_failed(r, errno);
    status = check_directory(r, dirfd, real);
    real[home_len] = '/';
    for (name = real + home_len + 1; status == AWSCRED_OK; name = slash + 1) {
        slash = strchr(name, '/');
        if (slash == NULL) {
            *fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOCTTY
                         | O_NONBLOCK | O_NOFOLLOW);
            if (*fd < 0)
                status = open_failed(r, errno);
            break;
        }
        *slash = '\0';
        next = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW
                      | O_CLOEXEC);
        status = next < 0 ? open_failed(r, errno)
                          : check_directory(r, next, real);
        *slash = '/';
        close(dirfd);
        dirfd = next;
        if (dirfd < 0)
            break;
    }
    if (dirfd >= 0)
        close(dirfd);
    return status;
}

/*
 * Opens the file for reading: *fd is the descriptor, or -1 when there is
 * none to read. With STRICT_FILES and a home, a file whose resolved path
 * lies below the resolved home is reached through checked directories.
 */
static enum awscred_status
open_for_read(const struct file_reading *r, int *fd)
{
    const struct awscred_context *ctx = r->ctx;
    enum awscred_status status = AWSCRED_OK;
    char *home = NULL, *real = NULL;
    size_t home_len = 0;

    *fd = -1;
    if ((ctx->flags & AWSCRED_FLAG_STRICT_FILES) && ctx->home != NULL
        && (home = realpath(ctx->home, NULL)) != NULL) {
        real = realpath(r->path, NULL);
        if (real == NULL)
            status = open_failed(r, errno);
        home_len = strlen(home);
    }
    if (real != NULL && home_len > 1 && strncmp(real, home, home_len) == 0
        && real[home_len] == '/') {
        status = open_below_home(r, real, home_len, fd);
    } else if (real != NULL || home == NULL) {
        *fd = open(r->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
        if (*fd < 0)
            status = open_failed(r, errno);
    }
    free(home);
    free(real);
    return status;
}

/* Reads at most limit + 1 bytes, since /proc-like files report size 0. */
static enum awscred_status
read_bounded(const struct file_reading *r, int fd, const struct stat *st,
             char **data, size_t *len)
{
    size_t limit = r->ctx->limits.max_file_bytes;

    switch (fd_read_bounded_stat(fd, st, limit, data, len)) {
    case FD_READ_OK:
        return AWSCRED_OK;
    case FD_READ_TOO_LARGE:
        return refuse(r, "%s %s is larger than %zu bytes", r->what, r->path,
                      limit);
    default:
        if (errno == ENOMEM)
            return error_set(r->err, AWSCRED_ERR_NOMEM, NULL, r->path,
                             "out of memory");
        return refuse(r, "cannot read %s %s: %s", r->what, r->path,
                      strerror(errno));
    }
}

/* A directory named as the config or credentials file: configparser's
   read() cannot open it (IsADirectoryError) and skips it, as open_failed()
   does; logged. */
static bool
skipped_directory(const struct file_reading *r, const struct stat *st)
{
    if (!r->unopenable_is_missing || !S_ISDIR(st->st_mode))
        return false;
    (void) open_failed(r, EISDIR);
    return true;
}

static enum awscred_status
read_file(const struct file_reading *r, char **data, size_t *len)
{
    enum awscred_status status;
    struct stat st;
    int fd;

    *data = NULL;
    *len = 0;
    status = open_for_read(r, &fd);
    if (status != AWSCRED_OK || fd < 0)
        return status;
    /* One fstat() for the checks and the buffer's size. */
    if (fstat(fd, &st) < 0)
        status = refuse(r, "cannot read %s %s: %s", r->what, r->path,
                        strerror(errno));
    else if (skipped_directory(r, &st))
        status = AWSCRED_OK;
    else if ((status = check_descriptor(r, &st)) == AWSCRED_OK)
        status = read_bounded(r, fd, &st, data, len);
    close(fd);
    return status;
}

enum awscred_status
file_read(const struct awscred_context *ctx, const char *path,
          const char *what, char **data, size_t *len,
          struct awscred_error *err)
{
    const struct file_reading r = {ctx, path, what, false, err};

    return read_file(&r, data, len);
}

enum awscred_status
file_read_config(const struct awscred_context *ctx, const char *path,
                 const char *what, char **data, size_t *len,
                 struct awscred_error *err)
{
    const struct file_reading r = {ctx, path, what, true, err};

    return read_file(&r, data, len);
}

/* mkdir -p for the parents of path, mode 0700 for what it creates. */
static int
make_parents(const char *path)
{
    char *copy = strdup(path);
    char *p;
    int rc = 0;

    if (copy == NULL)
        return -1;
    for (p = strchr(copy + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
        *p = '\0';
        if (mkdir(copy, 0700) < 0 && errno != EEXIST) {
            rc = -1;
            break;
        }
        *p = '/';
    }
    free(copy);
    return rc;
}

enum awscred_status
file_write_atomic(const struct awscred_context *ctx, const char *path,
                  const char *data, size_t len, struct awscred_error *err)
{
    char *tmp = NULL;
    const char *slash = strrchr(path, '/');
    int fd = -1, saved;
    bool created = false;

    (void) ctx;
    if (make_parents(path) < 0)
        goto fail;
    if (slash != NULL)
        tmp = xasprintf("%.*s/.%s.XXXXXX", (int) (slash - path), path,
                        slash + 1);
    else
        tmp = xasprintf(".%s.XXXXXX", path);
    if (tmp == NULL)
        return error_set(err, AWSCRED_ERR_NOMEM, NULL, path, "out of memory");
    fd = mkostemp(tmp, O_CLOEXEC);  /* O_EXCL, mode 0600 */
    if (fd < 0)
        goto fail;
    created = true;
    if (fd_write_all(fd, data, len) < 0 || fsync(fd) < 0)
        goto fail;
    if (close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    fd = -1;
    if (rename(tmp, path) < 0)
        goto fail;
    free(tmp);
    return AWSCRED_OK;

fail:
    saved = errno;
    if (fd >= 0)
        close(fd);
    if (created)
        unlink(tmp);
    free(tmp);
    return error_set(err, AWSCRED_ERR_FILE, NULL, path, "cannot write %s: %s",
                     path, strerror(saved));
}
