/*
 * fdio.h: whole writes and bounded reads of an open descriptor.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_COMMON_FDIO_H
#define AWSCRED_COMMON_FDIO_H 1

#include <stddef.h>

#pragma GCC visibility push(hidden)

/* Writes all len bytes, retrying on EINTR. 0, or -1 with errno set. */
int fd_write_all(int fd, const void *data, size_t len);

enum fd_read_status {
    FD_READ_OK = 0,
    FD_READ_TOO_LARGE = 1,  /* more than limit bytes */
    FD_READ_ERROR = -1,     /* errno says why (ENOMEM too) */
};

/*
 * Reads fd to its end, at most limit + 1 bytes (files in /proc report size
 * 0, so the size is never trusted), into a malloc'd NUL-terminated buffer:
 * wipe and free it with secret_free_n(*data, *len + 1). On anything but
 * FD_READ_OK nothing is returned and what was read is wiped.
 */
enum fd_read_status fd_read_bounded(int fd, size_t limit, char **data,
                                    size_t *len);
/* The same for a caller that has fstat()ed fd (st sizes the buffer; NULL:
   none), one system call less. */
struct stat;
enum fd_read_status fd_read_bounded_stat(int fd, const struct stat *st,
                                         size_t limit, char **data,
                                         size_t *len);

#pragma GCC visibility pop
#endif /* AWSCRED_COMMON_FDIO_H */
