#!/bin/sh
# pam_latency.sh: the login latency pam_awscred adds. Opens a PAM session
# through the real libpam (pam_start_confdir, no preload) RUNS times with a
# stack of pam_permit alone and RUNS times with pam_permit + pam_awscred
# (user mode, a file-based profile), and prints the medians and means.
# In the same process, interleaved with them, the floor: fork, setresuid
# to the user, exec a trivial static program that writes to a pipe, read
# it, reap. The overhead (awscred - base) is printed as a ratio of the
# floor (goal <= 2x).
#
#   bench/pam_latency.sh [BUILDDIR] [RUNS] [MODULE OPTIONS]
#
# The module options default to clock_check=never (bench/clock_probe.sh
# measures the clock check).
#
# HOST_HEAP_MB=32 makes the host touch that much heap first, as a large
# sshd has: the keeper's cost must not grow with it.
#
# As root it creates a temporary user (removed at the end), so the worker
# really changes identity; otherwise it measures as the current user.
# SPDX-License-Identifier: MIT

builddir=$(cd "${1:-.}" && pwd) || exit 1
runs=${2:-200}
options=${3:-clock_check=never}
module=$builddir/pam_awscred/.libs/pam_awscred.so
worker=$builddir/pam_awscred/awscred-worker
test -f "$module" && test -x "$worker" || {
    echo "pam_latency: build pam_awscred first ($module)" >&2; exit 1; }

T=$(mktemp -d /tmp/awscred-bench.XXXXXX) || exit 1
chmod 755 "$T"
user=
cleanup() {
    test -n "$user" && userdel "$user" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if test "$(id -u)" = 0; then
    user=awsbench$$
    useradd -M -d "$T/home" -s /bin/sh -U "$user" || exit 1
    name=$user
else
    name=$(id -un)
fi
mkdir -p "$T/home/.aws" "$T/pam.d"
cat > "$T/home/.aws/credentials" <<'EOF'
[default]
aws_access_key_id = AKIABENCHMARKBENCH01
aws_secret_access_key = benchSecretKey/benchSecretKey+benchSecr
EOF
printf '[default]\nregion = eu-west-1\n' > "$T/home/.aws/config"
chmod 700 "$T/home/.aws"
chmod 600 "$T/home/.aws/"*
test -n "$user" && chown -R "$user:$user" "$T/home"
files="config_file=$T/home/.aws/config credentials_file=$T/home/.aws/credentials"

echo "session required pam_permit.so" > "$T/pam.d/base"
{ echo "session required pam_permit.so"
  echo "session required $module worker=$worker conf=$T/none $options $files"
} > "$T/pam.d/awscred"

cat > "$T/driver.c" <<'EOF'
#define _GNU_SOURCE
#include <fcntl.h>
#include <security/pam_appl.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int conv(int n, const struct pam_message **m, struct pam_response **r,
                void *a) { return PAM_CONV_ERR; }

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static double since(const struct timespec *a) {
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (b.tv_sec - a->tv_sec) * 1e3 + (b.tv_nsec - a->tv_nsec) / 1e6;
}

/* The floor: what any module that runs a helper as the user pays. */
static double floor_once(const char *prog, const struct passwd *pw) {
    struct timespec a;
    int fd[2], st;
    char c;
    clock_gettime(CLOCK_MONOTONIC, &a);
    if (pipe2(fd, O_CLOEXEC) != 0) exit(5);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        if (getuid() == 0 && (setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid)
                              || setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid)))
            _exit(6);
        execl(prog, prog, (char *) NULL);
        _exit(7);
    }
    close(fd[1]);
    if (read(fd[0], &c, 1) != 1) exit(8);
    close(fd[0]);
    waitpid(pid, &st, 0);
    return since(&a);
}

static void report(const char *what, double *ms, int runs) {
    double sum = 0;
    for (int i = 0; i < runs; i++)
        sum += ms[i];
    qsort(ms, runs, sizeof(double), cmp);
    printf("%s: median %.3f ms, p10 %.3f ms, p90 %.3f ms, mean %.3f ms,"
           " max %.3f ms over %d runs\n", what, ms[runs / 2],
           ms[runs / 10], ms[runs * 9 / 10], sum / runs, ms[runs - 1], runs);
}

static double once(const char *stack, const char *user, const char *dir) {
    struct pam_conv c = { conv, NULL };
    pam_handle_t *ph;
    struct timespec a;
    double ms;
    if (pam_start_confdir(stack, user, &c, dir, &ph) != PAM_SUCCESS)
        exit(2);
    clock_gettime(CLOCK_MONOTONIC, &a);
    int rc = pam_open_session(ph, 0);
    ms = since(&a);
    if (rc != PAM_SUCCESS) exit(3);
    if (stack[0] == 'a' && pam_getenv(ph, "AWS_ACCESS_KEY_ID") == NULL)
        exit(4);
    pam_close_session(ph, 0);
    pam_end(ph, PAM_SUCCESS);
    return ms;
}

/* driver USER PAMDIR RUNS FLOORPROG: base, awscred and floor in turn. */
int main(int argc, char **argv) {
    int runs = atoi(argv[3]);
    double *ms[3];
    const struct passwd *pw = getpwnam(argv[1]);
    if (pw == NULL) return 9;
    for (int k = 0; k < 3; k++)
        ms[k] = calloc(runs, sizeof(double));
    size_t heap = getenv("HOST_HEAP_MB") ? strtoul(getenv("HOST_HEAP_MB"), 0, 10) << 20 : 0;
    char *host = heap ? malloc(heap) : NULL;
    if (host) memset(host, 1, heap);
    for (int i = 0; i < runs; i++) {
        ms[0][i] = once("base", argv[1], argv[2]);
        ms[1][i] = once("awscred", argv[1], argv[2]);
        ms[2][i] = floor_once(argv[4], pw);
    }
    report("base", ms[0], runs);
    report("awscred", ms[1], runs);
    report("floor", ms[2], runs);
    /* sorted by report(): medians */
    double over = ms[1][runs / 2] - ms[0][runs / 2];
    printf("overhead: %.3f ms median, %.2fx the floor (%.3f ms; goal <= 2x)"
           "%s\n", over, over / ms[2][runs / 2], ms[2][runs / 2],
           heap ? ", host heap touched" : "");
    return 0;
}
EOF
cat > "$T/floor.c" <<'EOF'
#include <unistd.h>
int main(void) { return write(1, "k", 1) != 1; }
EOF
cc -O2 -o "$T/driver" "$T/driver.c" -lpam || exit 1
cc -O2 -static -o "$T/floor" "$T/floor.c" || exit 1
"$T/driver" "$name" "$T/pam.d" "$runs" "$T/floor" \
    || { echo "benchmark failed (status $?)"; exit 1; }
