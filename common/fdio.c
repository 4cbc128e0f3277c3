/*
 * fdio.c: descriptor I/O (fdio.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
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

enum fd_read_status
fd_read_bounded(int fd, size_t limit, char **data, size_t *len)
{
    size_t size = 0, cap = limit + 2;
    char *buf = malloc(cap);
    ssize_t n;

    *data = NULL;
    *len = 0;
    if (buf == NULL)
        return FD_READ_ERROR;
    while (size <= limit) {
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
