/*
 * replay_main.c: replays a fuzz target's seed corpus as a TAP test, so that
 * `make check` (gcc, normal and sanitizer builds) runs every named case and
 * every crash regression under tests/fuzz/corpus/<target>/ without clang.
 *
 *   replay_<target>            every file of $top_srcdir/tests/fuzz/corpus/<target>
 *   replay_<target> PATH...    the given files or directories (to reproduce)
 *
 * Each input runs in a forked child, so one crash names its file and the
 * other cases still run; the child exits through exit() so LeakSanitizer
 * checks it, and an alarm bounds a hang.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

#ifndef FUZZ_TARGET
#error "FUZZ_TARGET must name the target, e.g. -DFUZZ_TARGET='\"json\"'"
#endif

/* Optional in a target, as in libFuzzer: one-time set-up. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

#define REPLAY_MAX_INPUT (1024 * 1024)  /* larger than any seed */
#define REPLAY_ALARM_SECONDS 60         /* a hang, not a slow case */

struct input_list {
    char **paths;
    size_t n, cap;
};

static void
list_add(struct input_list *list, const char *dir, const char *name)
{
    char *path;

    if (list->n == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 64;
        list->paths = realloc(list->paths, list->cap * sizeof *list->paths);
        if (list->paths == NULL)
            abort();
    }
    if (dir == NULL)
        path = strdup(name);
    else if (asprintf(&path, "%s/%s", dir, name) < 0)
        path = NULL;
    if (path == NULL)
        abort();
    list->paths[list->n++] = path;
}

static int
visible_entry(const struct dirent *entry)
{
    return entry->d_name[0] != '.';
}

/* Adds the files of dir in name order (hidden files are not cases). */
static int
list_add_dir(struct input_list *list, const char *dir)
{
    struct dirent **entries;
    int n = scandir(dir, &entries, visible_entry, alphasort);

    if (n < 0)
        return -1;
    for (int i = 0; i < n; i++) {
        list_add(list, dir, entries[i]->d_name);
        free(entries[i]);
    }
    free(entries);
    return 0;
}

static int
list_add_path(struct input_list *list, const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0)
        return -1;
    if (S_ISDIR(st.st_mode))
        return list_add_dir(list, path);
    list_add(list, NULL, path);
    return 0;
}

/* Reads a whole input file; NULL (errno set) on failure. */
static uint8_t *
read_input(const char *path, size_t *size)
{
    uint8_t *buf = NULL;
    size_t len = 0;
    ssize_t got;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return NULL;
    buf = malloc(REPLAY_MAX_INPUT + 1);
    while (buf != NULL && len <= REPLAY_MAX_INPUT
           && (got = read(fd, buf + len, REPLAY_MAX_INPUT + 1 - len)) > 0)
        len += (size_t) got;
    close(fd);
    if (buf != NULL && len > REPLAY_MAX_INPUT) {
        free(buf);
        errno = EFBIG;
        return NULL;
    }
    *size = len;
    return buf;
}

/* Runs one input in a child; returns a description of the failure or
   NULL when the target returned normally. */
static const char *
run_case(const char *path, char *why, size_t why_size)
{
    size_t size = 0;
    uint8_t *data = read_input(path, &size);
    pid_t pid;
    int status;

    if (data == NULL) {
        snprintf(why, why_size, "cannot read: %s", strerror(errno));
        return why;
    }
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        alarm(REPLAY_ALARM_SECONDS);
        LLVMFuzzerTestOneInput(data, size);
        free(data);
        exit(0);
    }
    free(data);
    if (pid < 0) {
        snprintf(why, why_size, "fork: %s", strerror(errno));
        return why;
    }
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            snprintf(why, why_size, "waitpid: %s", strerror(errno));
            return why;
        }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return NULL;
    if (WIFSIGNALED(status))
        snprintf(why, why_size, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(why, why_size, "exit status %d (sanitizer report above)",
                 WEXITSTATUS(status));
    return why;
}

/* The case name shown in TAP: target/file. */
static const char *
case_name(const char *path)
{
    const char *slash = strrchr(path, '/');

    return slash != NULL ? slash + 1 : path;
}

int
main(int argc, char **argv)
{
    struct input_list list = {0};
    const char *top = getenv("top_srcdir");
    char *corpus = NULL;
    int failures = 0;

    if (argc > 1) {
        for (int i = 1; i < argc; i++)
            if (list_add_path(&list, argv[i]) != 0) {
                fprintf(stderr, "%s: %s\n", argv[i], strerror(errno));
                return 2;
            }
    } else {
        if (asprintf(&corpus, "%s/tests/fuzz/corpus/%s",
                     top != NULL ? top : ".", FUZZ_TARGET) < 0)
            abort();
        if (list_add_dir(&list, corpus) != 0) {
            printf("1..0 # SKIP no corpus at %s: %s\n", corpus,
                   strerror(errno));
            free(corpus);
            return 0;
        }
    }
    if (list.n == 0) {
        printf("1..0 # SKIP empty corpus for %s\n", FUZZ_TARGET);
        free(corpus);
        return 0;
    }
    printf("1..%zu\n", list.n);
    if (LLVMFuzzerInitialize != NULL)
        LLVMFuzzerInitialize(&argc, &argv);
    for (size_t i = 0; i < list.n; i++) {
        char why[256];
        const char *failure = run_case(list.paths[i], why, sizeof why);

        if (failure == NULL) {
            printf("ok %zu - %s/%s\n", i + 1, FUZZ_TARGET,
                   case_name(list.paths[i]));
        } else {
            printf("not ok %zu - %s/%s: %s\n", i + 1, FUZZ_TARGET,
                   case_name(list.paths[i]), failure);
            failures++;
        }
        free(list.paths[i]);
    }
    free(list.paths);
    free(corpus);
    return failures == 0 ? 0 : 1;
}
