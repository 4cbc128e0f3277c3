/*
 * clock_state.c: the host's clock measurement, kept between logins
 * (clock_state=, default /run/awscred/clock). A measurement is the host's,
 * not the login's: while it is younger than clock_max_age= a login makes
 * no clock request at all. Only the module writes the record, as root,
 * from what its own clock worker reported (session.c, run_clock_worker);
 * nothing the user's worker says ever gets in. The record is a result
 * frame (result.c) of the clock worker's clock_* records plus
 * clock_taken_ms, the CLOCK_BOOTTIME at which it was taken: /run is
 * emptied at boot, and a clock being corrected cannot make a record look
 * younger or older than it is.
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
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "common/number.h"
#include "pam_awscred/clock_policy.h"

/* A record is a few hundred bytes; anything larger is not ours. */
#define STATE_MAX_BYTES 4096

static int64_t
boottime_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_BOOTTIME, &ts) != 0)
        return -1;
    return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The record's text, or NULL when it is missing or not to be trusted: a
   regular file owned by root (or by us, when not root), writable by
   nobody else, not a link. */
static ssize_t
state_read(const struct pamaws_args *args, const char *path, char *buf,
           size_t size)
{
    struct stat st;
    ssize_t n = -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

    if (fd < 0)
        return -1;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)
        || (st.st_uid != 0 && st.st_uid != geteuid())
        || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0
        || st.st_size >= (off_t) size) {
        pamaws_log(args, LOG_WARNING, "ignoring clock_state %s: not a "
                   "regular file of root's, writable by root only", path);
    } else {
        n = read(fd, buf, size - 1);
    }
    close(fd);
    return n;
}

int
pamaws_clock_state_load(const struct pamaws_args *args,
                        struct pamaws_result *host)
{
    const char *path = args->config.clock_state;
    char buf[STATE_MAX_BYTES], why[128];
    ssize_t n;
    uint64_t taken;
    int64_t now = boottime_ms();

    if (path == NULL || now < 0
        || (n = state_read(args, path, buf, sizeof(buf))) <= 0)
        return -1;
    if (pamaws_frame_parse(buf, (size_t) n, host, why, sizeof(why)) < 0) {
        pamaws_log(args, LOG_WARNING, "ignoring clock_state %s: %s", path, why);
        return -1;
    }
    if (!number_parse(pamaws_result_get(host, "clock_taken_ms"),
                      (uint64_t) now, &taken)
        || now - (int64_t) taken > args->config.clock_max_age * 1000) {
        pamaws_result_clear(host);
        return -1;
    }
    pamaws_debug(args, "clock measured %lld s ago (clock_state %s)",
                 (long long) ((now - taken) / 1000), path);
    return 0;
}

/* Creates the record's directory when missing (/run/awscred). */
static void
state_dir(const char *path)
{
    char dir[512];
    char *slash;

    snprintf(dir, sizeof(dir), "%s", path);
    slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir)
        return;
    *slash = '\0';
    /* a failure shows when the record is created */
    (void) mkdir(dir, 0755);
}

void
pamaws_clock_state_save(const struct pamaws_args *args,
                        struct pamaws_result *host)
{
    const char *path = args->config.clock_state;
    char tmp[600], taken[32];
    char *frame = NULL;
    size_t len = 0;
    ssize_t n = -1;
    int fd;

    if (path == NULL || strlen(path) + 8 > sizeof(tmp))
        return;
    snprintf(taken, sizeof(taken), "%lld", (long long) boottime_ms());
    if ((pamaws_result_get(host, "clock_taken_ms") == NULL
         && pamaws_result_add(host, "clock_taken_ms", taken) < 0)
        || (frame = pamaws_frame_build(host, &len)) == NULL)
        goto done;
    state_dir(path);
    snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd >= 0 && fchmod(fd, 0644) == 0)
        n = write(fd, frame, len);
    if (fd < 0 || close(fd) != 0 || n != (ssize_t) len
        || rename(tmp, path) != 0) {
        const char *why = strerror(errno);

        /* without root (a dry run) there is no record to keep */
        if (geteuid() == 0)
            pamaws_log(args, LOG_WARNING, "cannot write clock_state %s: %s",
                       path, why);
        else
            pamaws_debug(args, "cannot write clock_state %s: %s", path, why);
        if (fd >= 0)
            unlink(tmp);
    }

done:
    free(frame);
}
