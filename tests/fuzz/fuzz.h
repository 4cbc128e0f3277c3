/*
 * fuzz.h: what the fuzz targets share. Each tests/fuzz/fuzz_<target>.c
 * defines LLVMFuzzerTestOneInput; it is linked either with libFuzzer
 * (`make fuzz`, clang) or with replay_main.c (`make check`, any compiler),
 * which feeds it every file of tests/fuzz/corpus/<target>/.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_FUZZ_H
#define AWSCRED_FUZZ_H 1

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated malloc'd string (embedded NULs kept), the
   form every parser under test is given. Aborts when out of memory so the
   target never silently tests nothing. */
static inline char *
fuzz_cstring(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s == NULL)
        abort();
    if (size > 0)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/*
 * A private directory under $TMPDIR (or /tmp) for targets that need real
 * files, made once per process and removed with its files at exit by the
 * process that made it (the replay driver's forked children do not).
 * Aborts when it cannot be made.
 */
struct fuzz_tempdir {
    char path[4096];
    pid_t owner;
};

static struct fuzz_tempdir fuzz_tempdir_state;

static inline void
fuzz_tempdir_remove(void)
{
    DIR *dir;
    struct dirent *entry;

    if (fuzz_tempdir_state.owner != getpid())
        return;
    dir = opendir(fuzz_tempdir_state.path);
    if (dir != NULL) {
        while ((entry = readdir(dir)) != NULL)
            if (entry->d_name[0] != '.')
                unlinkat(dirfd(dir), entry->d_name, 0);
        closedir(dir);
    }
    rmdir(fuzz_tempdir_state.path);
}

static inline const char *
fuzz_tempdir(void)
{
    const char *base = getenv("TMPDIR");

    if (fuzz_tempdir_state.owner != 0)
        return fuzz_tempdir_state.path;
    snprintf(fuzz_tempdir_state.path, sizeof fuzz_tempdir_state.path,
             "%s/awscred-fuzz.XXXXXX", base != NULL ? base : "/tmp");
    if (mkdtemp(fuzz_tempdir_state.path) == NULL)
        abort();
    fuzz_tempdir_state.owner = getpid();
    atexit(fuzz_tempdir_remove);
    return fuzz_tempdir_state.path;
}

/* Writes size bytes to name inside the temp dir (replacing it); returns
   the full path, valid until the next call with the same buf. */
static inline const char *
fuzz_write_file(const char *name, const void *data, size_t size, char *buf,
                size_t buf_size)
{
    int fd;

    snprintf(buf, buf_size, "%s/%s", fuzz_tempdir(), name);
    /* A new file rather than O_TRUNC: ext4 flushes a file truncated and
       rewritten at close (auto_da_alloc), which costs 90% of the time. */
    unlink(buf);
    fd = open(buf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
              0600);
    if (fd < 0)
        abort();
    for (size_t done = 0; done < size;) {
        ssize_t n = write(fd, (const char *) data + done, size - done);

        if (n <= 0)
            abort();
        done += (size_t) n;
    }
    close(fd);
    return buf;
}

/* A property of the code under test failed: crash loudly so that both
   libFuzzer and the replay driver report the input. */
#define FUZZ_REQUIRE(cond) \
    do { \
        if (!(cond)) { \
            fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, \
                    __LINE__, #cond); \
            abort(); \
        } \
    } while (0)

#endif /* AWSCRED_FUZZ_H */
