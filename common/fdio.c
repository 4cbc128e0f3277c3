/*
 * fdio.c: descriptor I/O (fdio.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fdio.h"
#include "common/secret.h"

int
fd_write_all(int fd, const void *data, size_t len)
{
    const char *p = data;

    while (len > 0) {
        ssize_t n = write(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return -1;
        }
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

/* A regular file's buffer is sized by its size, so a 256 MiB limit costs
   a small file nothing; the size is only a hint (the file may grow, or be
   in /proc and say 0): a full buffer doubles, up to limit + 2. */
#define FD_READ_FIRST 65536u

static size_t
first_cap(const struct stat *st, size_t limit)
{
    size_t want = FD_READ_FIRST;

    if (st != NULL && S_ISREG(st->st_mode) && st->st_size > 0
        && (uint64_t) st->st_size < (uint64_t) limit)
        want = (size_t) st->st_size + 1;
    return want < limit ? want + 2 : limit + 2;
}

/* Moves the size bytes read to a buffer twice as large (at most limit + 2),
   wiping the old one: realloc would leave a copy behind. */
static char *
grow(char *buf, size_t size, size_t *cap, size_t limit)
{
    size_t want = *cap > (limit + 2) / 2 ? limit + 2 : *cap * 2;
    char *bigger = malloc(want);

    if (bigger != NULL)
        memcpy(bigger, buf, size);
    secret_free_n(buf, *cap);
    *cap = want;
    return bigger;
}

enum fd_read_status
fd_read_bounded(int fd, size_t limit, char **data, size_t *len)
{
    struct stat st;

    return fd_read_bounded_stat(fd, fstat(fd, &st) == 0 ? &st : NULL, limit,
                                data, len);
}

enum fd_read_status
fd_read_bounded_stat(int fd, const struct stat *st, size_t limit, char **data,
                     size_t *len)
{
    size_t size = 0, cap = first_cap(st, limit);
    char *buf = malloc(cap);
    ssize_t n;

    *data = NULL;
    *len = 0;
    if (buf == NULL)
        return FD_READ_ERROR;
    while (size <= limit) {
        if (size == cap - 1) {
            buf = grow(buf, size, &cap, limit);
            if (buf == NULL)
                return FD_READ_ERROR;
        }
        n = read(fd, buf + size, cap - 1 - size);
        if (n == 0)
            break;
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;

            secret_free_n(buf, cap);
            errno = saved;
            return FD_READ_ERROR;
        }
        size += (size_t) n;
    }
    if (size > limit) {
        secret_free_n(buf, cap);
        return FD_READ_TOO_LARGE;
    }
    buf[size] = '\0';
    *data = buf;
    *len = size;
    return FD_READ_OK;
}
