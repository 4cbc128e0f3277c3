/*
 * process_probe: a credential_process helper for the tests that reports
 * what it sees: open descriptors, session and process group, whether it
 * has a controlling terminal, cwd, ids, signal state and environment.
 *
 *   process_probe            the report on stdout
 *   process_probe FILE       the report into FILE, and version-1 JSON
 *                            credentials on stdout
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* The descriptors open in this process, except the ones the probe itself
   opened (the report file and the directory being listed). */
static void
report_fds(FILE *f)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;

    fprintf(f, "fds");
    if (d == NULL) {
        fprintf(f, " ?\n");
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d)
            || (fileno(f) > 2 && atoi(e->d_name) == fileno(f)))
            continue;
        fprintf(f, " %s", e->d_name);
    }
    closedir(d);
    fprintf(f, "\n");
}

static void
report_ids(FILE *f)
{
    gid_t groups[64];
    int n = getgroups(64, groups);

    fprintf(f, "uid %d\ngid %d\ngroups", (int) getuid(), (int) getgid());
    for (int i = 0; i < n; i++)
        fprintf(f, " %d", (int) groups[i]);
    fprintf(f, "\n");
}

static void
report_signals(FILE *f)
{
    sigset_t mask;
    int blocked = 0, ignored = 0;

    sigprocmask(SIG_SETMASK, NULL, &mask);
    for (int sig = 1; sig < 32; sig++) {
        struct sigaction sa;

        blocked += sigismember(&mask, sig) == 1;
        if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler == SIG_IGN)
            ignored++;
    }
    fprintf(f, "blocked %d\nignored %d\n", blocked, ignored);
}

static void
report(FILE *f)
{
    char cwd[4096], in[4096];
    ssize_t n = readlink("/proc/self/fd/0", in, sizeof in - 1);
    int tty = open("/dev/tty", O_RDWR | O_NOCTTY);

    in[n > 0 ? n : 0] = '\0';
    report_fds(f);
    fprintf(f, "session_leader %d\n", getsid(0) == getpid());
    fprintf(f, "group_leader %d\n", getpgid(0) == getpid());
    fprintf(f, "tty %s\n", tty >= 0 ? "yes" : "no");
    fprintf(f, "stdin %s\n", in);
    fprintf(f, "cwd %s\n", getcwd(cwd, sizeof cwd) != NULL ? cwd : "?");
    report_ids(f);
    report_signals(f);
    for (char **e = environ; *e != NULL; e++)
        fprintf(f, "env %s\n", *e);
}

int
main(int argc, char **argv)
{
    FILE *f;

    if (argc < 2) {
        report(stdout);
        return 0;
    }
    f = fopen(argv[1], "we");
    if (f == NULL)
        return 2;
    report(f);
    fclose(f);
    printf("{\"Version\": 1, \"AccessKeyId\": \"AKIDPROBE\", "
           "\"SecretAccessKey\": \"probesecret\"}\n");
    return 0;
}
