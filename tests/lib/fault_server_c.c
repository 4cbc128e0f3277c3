/*
 * fault_server_c.c: starts and scripts tests/lib/fault_server.py for the
 * C tests (see fault_server_c.h).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "fault_server_c.h"

static const char *
python(void)
{
    return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3"
                                                 : "python3";
}

static void
pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

int
fault_server_start(struct fault_server *fs)
{
    char server[4096], port_file[160];
    const char *src = getenv("top_srcdir");
    FILE *f;

    memset(fs, 0, sizeof *fs);
    snprintf(server, sizeof server, "%s/tests/lib/fault_server.py",
             src != NULL ? src : ".");
    snprintf(fs->dir, sizeof fs->dir, "/tmp/fault_server.XXXXXX");
    if (access(server, R_OK) != 0 || mkdtemp(fs->dir) == NULL)
        return -1;
    snprintf(fs->script, sizeof fs->script, "%s/script.json", fs->dir);
    snprintf(fs->log, sizeof fs->log, "%s/log.jsonl", fs->dir);
    snprintf(port_file, sizeof port_file, "%s/port", fs->dir);
    fault_server_script(fs, "{\"routes\": []}");
    fs->pid = fork();
    if (fs->pid == 0) {
        execlp(python(), "python3", server, "--script", fs->script,
               "--port-file", port_file, "--log", fs->log, (char *) NULL);
        _exit(127);
    }
    for (int i = 0; i < 1000 && fs->pid > 0; i++) {
        f = fopen(port_file, "re");
        if (f != NULL) {
            if (fscanf(f, "%d", &fs->port) != 1)
                fs->port = 0;
            fclose(f);
            return fs->port > 0 ? 0 : -1;
        }
        if (waitpid(fs->pid, NULL, WNOHANG) == fs->pid)
            break;
        pause_ms(10);
    }
    return -1;
}

void
fault_server_script(struct fault_server *fs, const char *json)
{
    char tmp[160];
    FILE *f;

    snprintf(tmp, sizeof tmp, "%s.tmp", fs->script);
    f = fopen(tmp, "we");
    if (f == NULL)
        abort();
    fputs(json, f);
    fclose(f);
    if (rename(tmp, fs->script) != 0)
        abort();
    /* The server notices changes by mtime, size and inode: the rename
       gives a new inode every time. Start each script with a fresh log. */
    unlink(fs->log);
}

const char *
fault_server_log(struct fault_server *fs)
{
    static char buf[1 << 20];
    FILE *f = fopen(fs->log, "re");
    size_t n = 0;

    if (f != NULL) {
        n = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
    }
    buf[n] = '\0';
    return buf;
}

unsigned
fault_server_requests(struct fault_server *fs)
{
    unsigned n = 0;

    for (const char *p = fault_server_log(fs); *p != '\0'; p++)
        n += *p == '\n';
    return n;
}

void
fault_server_stop(struct fault_server *fs)
{
    char cmd[128];

    if (fs->pid > 0) {
        kill(fs->pid, SIGKILL);
        waitpid(fs->pid, NULL, 0);
    }
    if (fs->dir[0] != '\0') {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", fs->dir);
        if (system(cmd) != 0)
            fprintf(stderr, "# could not remove %s\n", fs->dir);
    }
    fs->pid = 0;
}
