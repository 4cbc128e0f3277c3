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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Refuses what another user could have written (OpenSSH's StrictModes). */
static enum awscred_status
check_descriptor(const struct awscred_context *ctx, int fd, const char *path,
                 const char *what, struct awscred_error *err)
{
    struct stat st;

    if (fstat(fd, &st) < 0)
        return error_set(err, AWSCRED_ERR_FILE, NULL, path,
                         "cannot read %s %s: %s", what, path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return error_set(err, AWSCRED_ERR_FILE, NULL, path,
                         "%s %s is not a regular file", what, path);
    if ((uint64_t) st.st_size > ctx->limits.max_file_bytes)
        return error_set(err, AWSCRED_ERR_FILE, NULL, path,
                         "%s %s is larger than %zu bytes", what, path,
                         ctx->limits.max_file_bytes);
    if (!(ctx->flags & AWSCRED_FLAG_STRICT_FILES))
        return AWSCRED_OK;
    if (st.st_uid != 0 && (!ctx->have_user || st.st_uid != ctx->uid))
        return error_set(err, AWSCRED_ERR_FILE, NULL, path,
                         "refusing %s %s: owned by uid %lu, expected %lu or "
                         "root", what, path, (unsigned long) st.st_uid,
                         (unsigned long) ctx->uid);
    if ((st.st_mode & 022) != 0)
        return error_set(err, AWSCRED_ERR_FILE, NULL, path,
                         "refusing %s %s: writable by group or others (mode "
                         "%04o)", what, path, (unsigned) (st.st_mode & 07777));
    return AWSCRED_OK;
}

/* Reads at most limit + 1 bytes, since /proc-like files report size 0. */
static enum awscred_status
read_bounded(int fd, size_t limit, const char *path, const char *what,
             char **data, size_t *len, struct awscred_error *err)
{
    size_t size = 0, cap = limit + 2;
    char *buf = malloc(cap);
    ssize_t n;

    if (buf == NULL)
        return error_set(err, AWSCRED_ERR_NOMEM, NULL, path, "out of memory");
    while (size <= limit) {
        n = read(fd, buf + size, cap - 1 - size);
        if (n == 0)
            break;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;

            secret_free_n(buf, cap);
            return error_set(err, AWSCRED_ERR_FILE, NULL, path,
                             "cannot read %s %s: %s", what, path,
                             strerror(saved));
        }
        size += (size_t) n;
    }
    if (size > limit) {
        secret_free_n(buf, cap);
        return error_set(err, AWSCRED_ERR_FILE, NULL, path,
                         "%s %s is larger than %zu bytes", what, path, limit);
    }
    buf[size] = '\0';
    *data = buf;
    *len = size;
    return AWSCRED_OK;
}

enum awscred_status
file_read(const struct awscred_context *ctx, const char *path,
          const char *what, char **data, size_t *len,
          struct awscred_error *err)
{
    enum awscred_status status;
    int fd;

    *data = NULL;
    *len = 0;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return AWSCRED_OK;
        return error_set(err, AWSCRED_ERR_FILE, NULL, path,
                         "cannot read %s %s: %s", what, path, strerror(errno));
    }
    status = check_descriptor(ctx, fd, path, what, err);
    if (status == AWSCRED_OK)
        status = read_bounded(fd, ctx->limits.max_file_bytes, path, what, data,
                              len, err);
    close(fd);
    return status;
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

static int
write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t) n;
    }
    return 0;
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
    if (write_all(fd, data, len) < 0 || fsync(fd) < 0)
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
