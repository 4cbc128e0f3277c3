/*
 * floor.c: the C floor of bench/export.sh and bench/peers.sh: reads the
 * file named by AWS_SHARED_CREDENTIALS_FILE and prints it, which any
 * credential tool has to do at least. Built dynamic and static.
 *
 * SPDX-License-Identifier: MIT
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int
main(void)
{
    char buf[4096];
    const char *path = getenv("AWS_SHARED_CREDENTIALS_FILE");
    int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;

    if (n <= 0)
        return 1;
    fwrite(buf, 1, (size_t) n, stdout);
    return 0;
}
