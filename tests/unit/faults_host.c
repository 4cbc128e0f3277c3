/*
 * faults_host.c: the long-lived host rows of the fault catalogue
 * (doc/security.md D7 "module dlclose'd and re-dlopen'ed 100 times"; and
 * "10 000 session open/close cycles in one process"). One process, like
 * sshd's monitor or gdm:
 *   1. dlopen(RTLD_NOW)/dlsym/dlclose of pam_awscred.so, 100 times;
 *   2. pam_start/open_session/close_session/pam_end through the real
 *      libpam under pam_wrapper (libpam dlopens and dlcloses the module
 *      at every pam_start/pam_end), AWSCRED_HOST_CYCLES times (default
 *      10 000), each one running the real worker on real files.
 * Open descriptors (/proc/self/fd) must not grow; resident memory
 * (/proc/self/statm) is reported as TAP diagnostics, not asserted (it
 * depends on the allocator and the sanitizers).
 *
 * Run by faults_host.sh, which preloads libpam_wrapper.so.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <security/pam_appl.h>

#define KEY "AKIAHOSTHOSTHOSTHOST"
#define SECRET "hostSecretKey/hostSecretKey+hostSecretKe"
#define DLOPEN_CYCLES 100
#define WARM_UP_CYCLES 20

static int test_number;
static int failures;

static void
report(int ok, const char *what)
{
    printf("%sok %d - %s\n", ok ? "" : "not ", ++test_number, what);
    if (!ok)
        failures++;
}

static int
count_fds(void)
{
    DIR *dir = opendir("/proc/self/fd");
    struct dirent *entry;
    int n = 0;

    if (dir == NULL)
        return -1;
    while ((entry = readdir(dir)) != NULL)
        if (entry->d_name[0] != '.')
            n++;
    closedir(dir);
    return n - 1;  /* the directory's own descriptor */
}

static long
rss_kib(void)
{
    long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "re");

    if (f == NULL)
        return -1;
    if (fscanf(f, "%ld %ld", &size, &resident) != 2)
        resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static int
put_file(const char *dir, const char *name, const char *text)
{
    char path[PATH_MAX];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "we");
    if (f == NULL)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static int
silent_conv(int n, const struct pam_message **msg,
            struct pam_response **resp, void *arg)
{
    *resp = NULL;
    return PAM_SUCCESS;
}

/* One login's session: returns 1 when it exported our key. */
static int
session_cycle(const char *user)
{
    struct pam_conv conv = {silent_conv, NULL};
    pam_handle_t *pamh = NULL;
    const char *key;
    int ok;

    if (pam_start("awscred-host", user, &conv, &pamh) != PAM_SUCCESS)
        return 0;
    ok = pam_open_session(pamh, 0) == PAM_SUCCESS;
    key = pam_getenv(pamh, "AWS_ACCESS_KEY_ID");
    ok = ok && key != NULL && strcmp(key, KEY) == 0;
    ok = pam_close_session(pamh, 0) == PAM_SUCCESS && ok;
    pam_end(pamh, PAM_SUCCESS);
    return ok;
}

static void
dlopen_cycles(const char *module)
{
    int fds0, fds1, loaded = 0;
    long rss0, rss1;
    char what[256];

    fds0 = count_fds();
    rss0 = rss_kib();
    for (int i = 0; i < DLOPEN_CYCLES; i++) {
        void *h = dlopen(module, RTLD_NOW | RTLD_LOCAL);

        if (h == NULL) {
            printf("# dlopen: %s\n", dlerror());
            break;
        }
        if (dlsym(h, "pam_sm_open_session") != NULL
            && dlsym(h, "pam_sm_close_session") != NULL)
            loaded++;
        dlclose(h);
    }
    fds1 = count_fds();
    rss1 = rss_kib();
    printf("# dlopen/dlclose x%d: fds %d -> %d, RSS %ld -> %ld KiB\n",
           DLOPEN_CYCLES, fds0, fds1, rss0, rss1);
    snprintf(what, sizeof what, "%d dlopen(RTLD_NOW)/dlclose cycles",
             DLOPEN_CYCLES);
    report(loaded == DLOPEN_CYCLES, what);
    report(fds1 == fds0, "no descriptor growth over the dlopen cycles");
}

static void
session_cycles(const char *user, long cycles)
{
    int fds0, fds1;
    long rss0, rss1, good = 0;
    char what[256];

    for (int i = 0; i < WARM_UP_CYCLES; i++)
        session_cycle(user);
    fds0 = count_fds();
    rss0 = rss_kib();
    for (long i = 0; i < cycles; i++)
        good += session_cycle(user);
    fds1 = count_fds();
    rss1 = rss_kib();
    printf("# %ld session cycles (after %d warm-up): fds %d -> %d, "
           "RSS %ld -> %ld KiB (%+ld)\n", cycles, WARM_UP_CYCLES, fds0,
           fds1, rss0, rss1, rss1 - rss0);
    snprintf(what, sizeof what,
             "%ld open/close session cycles exported the credentials", cycles);
    report(good == cycles, what);
    report(fds1 == fds0, "no descriptor growth over the session cycles");
}

int
main(void)
{
    const char *top = getenv("top_builddir");
    const char *env_cycles = getenv("AWSCRED_HOST_CYCLES");
    long cycles = env_cycles != NULL ? atol(env_cycles) : 10000;
    char dir[] = "/tmp/awscred-host.XXXXXX", svc[PATH_MAX], stack[PATH_MAX * 4];
    char module[PATH_MAX + 64], worker[PATH_MAX + 64], cmd[PATH_MAX + 16];
    char topbuf[PATH_MAX];
    struct passwd *me = getpwuid(getuid());

    if (getenv("PAM_WRAPPER") == NULL) {
        printf("1..0 # SKIP run through faults_host.sh (needs pam_wrapper)\n");
        return 0;
    }
    /* libpam reads a relative module path as one under /lib/security. */
    if (realpath(top != NULL ? top : ".", topbuf) == NULL)
        return 2;
    top = topbuf;
    snprintf(module, sizeof module, "%s/pam_awscred/.libs/pam_awscred.so",
             top);
    snprintf(worker, sizeof worker, "%s/pam_awscred/awscred-worker", top);
    if (access(module, R_OK) != 0 || access(worker, X_OK) != 0) {
        printf("1..0 # SKIP %s or %s not built\n", module, worker);
        return 0;
    }
    if (me == NULL || mkdtemp(dir) == NULL || chmod(dir, 0755) != 0)
        return 2;
    snprintf(svc, sizeof svc, "%s/pam.d", dir);
    snprintf(stack, sizeof stack,
             "session required %s worker=%s conf=%s/none clock_check=never "
             "minimum_uid=0 "
             "config_file=%s/config credentials_file=%s/credentials\n",
             module, worker, dir, dir, dir);
    if (mkdir(svc, 0755) != 0 || put_file(svc, "awscred-host", stack) != 0
        || put_file(svc, "other", "session required pam_deny.so\n") != 0
        || put_file(dir, "config", "[default]\nregion = eu-west-1\n") != 0
        || put_file(dir, "credentials", "[default]\naws_access_key_id = " KEY
                    "\naws_secret_access_key = " SECRET "\n") != 0)
        return 2;
    setenv("PAM_WRAPPER_SERVICE_DIR", svc, 1);

    printf("1..4\n");
    dlopen_cycles(module);
    session_cycles(me->pw_name, cycles);

    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        printf("# could not remove %s\n", dir);
    return failures == 0 ? 0 : 1;
}
