#!/bin/sh
# pam_latency.sh: the login latency pam_awscred adds. Opens a PAM session
# through the real libpam (pam_start_confdir, no preload) RUNS times with a
# stack of pam_permit alone and RUNS times with pam_permit + pam_awscred
# (user mode, a file-based profile), and prints the medians and means.
#
#   bench/pam_latency.sh [BUILDDIR] [RUNS] [MODULE OPTIONS]
#
# The module options default to clock_check=never (bench/clock_probe.sh
# measures the clock check).
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
#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int conv(int n, const struct pam_message **m, struct pam_response **r,
                void *a) { return PAM_CONV_ERR; }

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    struct pam_conv c = { conv, NULL };
    int runs = atoi(argv[4]);
    double *ms = calloc(runs, sizeof(double));
    for (int i = 0; i < runs; i++) {
        pam_handle_t *ph;
        struct timespec a, b;
        if (pam_start_confdir(argv[1], argv[2], &c, argv[3], &ph) != PAM_SUCCESS)
            return 2;
        clock_gettime(CLOCK_MONOTONIC, &a);
        int rc = pam_open_session(ph, 0);
        clock_gettime(CLOCK_MONOTONIC, &b);
        if (rc != PAM_SUCCESS) return 3;
        if (i == 0 && argv[1][0] == 'a' && pam_getenv(ph, "AWS_ACCESS_KEY_ID") == NULL)
            return 4;
        pam_close_session(ph, 0);
        pam_end(ph, PAM_SUCCESS);
        ms[i] = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
    }
    double sum = 0;
    for (int i = 0; i < runs; i++)
        sum += ms[i];
    qsort(ms, runs, sizeof(double), cmp);
    printf("%s: median %.3f ms, p10 %.3f ms, p90 %.3f ms, mean %.3f ms,"
           " max %.3f ms over %d runs\n", argv[1], ms[runs / 2],
           ms[runs / 10], ms[runs * 9 / 10], sum / runs, ms[runs - 1], runs);
    return 0;
}
EOF
cc -O2 -o "$T/driver" "$T/driver.c" -lpam || exit 1
"$T/driver" base "$name" "$T/pam.d" "$runs" || { echo "base stack failed"; exit 1; }
"$T/driver" awscred "$name" "$T/pam.d" "$runs" \
    || { echo "pam_awscred stack failed (status $?)"; exit 1; }
