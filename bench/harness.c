/*
 * harness.c: the benchmarks' timer. Starts each command in turn (fork,
 * exec, wait; stdout to /dev/null), ROUNDS rounds, so that every command
 * sees the same machine load, and prints each one's median, p10 and p90
 * wall time. A shell's `date` around a command times the shell's forks
 * too (several ms on a loaded machine, more than a cache hit takes).
 *
 *   harness ROUNDS [-n REPS] [-e NAME=VALUE]... CMD [ARG...] [-- ...]...
 *
 * -n REPS runs that command REPS times per round (fast commands next to
 * slow ones). -e NAME=VALUE sets a variable for that command only (an
 * env(1) in front would time a second exec). Output, one line per command, in the order given:
 *   <median ms> <p10 ms> <p90 ms> <samples> <command>
 * A command that fails stops the run (status 2): a benchmark of a
 * failing command would mean nothing.
 *
 * SPDX-License-Identifier: MIT
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COMMANDS 16
#define MAX_ENV 4

struct command {
    char **argv;
    char *env[MAX_ENV];
    int nenv;
    int reps;
    double *ms;
    int n;
};

static int
cmp(const void *a, const void *b)
{
    double x = *(const double *) a, y = *(const double *) b;

    return x < y ? -1 : x > y;
}

static double
run_once(const struct command *c)
{
    char *const *argv = c->argv;
    struct timespec a, b;
    int st;
    pid_t pid;

    clock_gettime(CLOCK_MONOTONIC, &a);
    pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);

        dup2(null, 1);
        for (int i = 0; i < c->nenv; i++)
            putenv(c->env[i]);
        execv(argv[0], argv);
        _exit(127);
    }
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        exit(2);
    clock_gettime(CLOCK_MONOTONIC, &b);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "harness: %s failed (status %d)\n", argv[0], st);
        exit(2);
    }
    return (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
}

int
main(int argc, char **argv)
{
    struct command cmds[MAX_COMMANDS];
    int ncmds = 0, rounds = argc > 1 ? atoi(argv[1]) : 0;

    for (int i = 2; i < argc && ncmds < MAX_COMMANDS;) {
        struct command *c = &cmds[ncmds++];

        c->reps = 1;
        c->nenv = 0;
        for (;;) {
            if (strcmp(argv[i], "-n") == 0 && i + 2 < argc)
                c->reps = atoi(argv[i + 1]);
            else if (strcmp(argv[i], "-e") == 0 && i + 2 < argc
                     && c->nenv < MAX_ENV)
                c->env[c->nenv++] = argv[i + 1];
            else
                break;
            i += 2;
        }
        c->argv = argv + i;
        while (i < argc && strcmp(argv[i], "--") != 0)
            i++;
        if (i < argc)
            argv[i++] = NULL;
        c->n = 0;
        c->ms = calloc((size_t) rounds * (size_t) c->reps + 1,
                       sizeof(double));
        if (c->reps < 1 || c->ms == NULL || c->argv[0] == NULL)
            ncmds = 0;
    }
    if (rounds < 1 || ncmds == 0) {
        fprintf(stderr, "usage: harness ROUNDS [-n REPS] [-e NAME=VALUE]... "
                        "CMD [ARG...] [-- ...]\n");
        return 1;
    }
    /* One untimed round: the page cache and the dynamic loader's files. */
    for (int k = 0; k < ncmds; k++)
        run_once(&cmds[k]);
    for (int r = 0; r < rounds; r++)
        for (int k = 0; k < ncmds; k++)
            for (int j = 0; j < cmds[k].reps; j++)
                cmds[k].ms[cmds[k].n++] = run_once(&cmds[k]);
    for (int k = 0; k < ncmds; k++) {
        struct command *c = &cmds[k];

        qsort(c->ms, (size_t) c->n, sizeof(double), cmp);
        printf("%.3f %.3f %.3f %d", c->ms[c->n / 2], c->ms[c->n / 10],
               c->ms[c->n * 9 / 10], c->n);
        for (char **a = c->argv; *a != NULL; a++)
            printf(" %s", *a);
        printf("\n");
    }
    return 0;
}
