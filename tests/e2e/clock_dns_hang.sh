#!/bin/sh
# clock_dns_hang.sh: fault row C11.1, the clock check on a host whose
# resolver never answers (tests/e2e/hang_ns.sh). A login with static keys
# and the default clock_check=auto probes STS by name; the lookup stalls.
# The credentials are already there: they must be exported, the login must
# end within its budget (timeout=5), and the log must blame the clock
# probe, not the credentials. Root only (the worker runs as a test user).
#
# SPDX-License-Identifier: MIT
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${AWSCRED_NET_MODULE:=$top_builddir/libawscred/.libs/awscred-net.so}"
AWSCRED="$top_builddir/cli/awscred"
WORKER="$top_builddir/pam_awscred/awscred-worker"
BUDGET_MS=5000

. "$(dirname "$0")/../lib/tap.sh"
[ -x "$AWSCRED" ] && [ -x "$WORKER" ] ||
    skip_all "awscred or the worker not built"
. "$top_srcdir/tests/e2e/hang_ns.sh"
hang_ns_require

tmp=$(mktemp -d)
chmod 755 "$tmp"
user="awsdns$(($$ % 100000))"
useradd -M -d "$tmp/home" -s /bin/sh -U "$user" 2>/dev/null ||
    { rm -rf "$tmp"; skip_all "useradd failed"; }
trap 'userdel "$user" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
runuser -u "$user" -- test -x "$WORKER" ||
    skip_all "the test user cannot execute $WORKER (build tree closed)"
mkdir -p "$tmp/home/.aws"
cat >"$tmp/home/.aws/credentials" <<'CONF'
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
CONF
chmod 600 "$tmp/home/.aws/credentials"
chown -R "$user:$user" "$tmp/home"

hang_ns_run "$tmp" \
    env -i PATH=/usr/bin:/bin \
    ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} \
    "$AWSCRED" session --user "$user" minimum_uid=0 \
    timeout=$((BUDGET_MS / 1000)) worker="$WORKER" \
    net_module="$AWSCRED_NET_MODULE" clock_state="$tmp/clock"
ns=$?

hang_ns_report "$tmp" "$ns" 4
if [ "$status" = 0 ] && grep -q '^AWS_ACCESS_KEY_ID=' "$tmp/stdout"; then
    echo "ok 2 - the credentials are exported although the clock probe stalls"
else
    echo "not ok 2 - the credentials are exported although the clock probe stalls (status $status)"
    sed 's/^/# /' "$tmp/stdout" "$tmp/stderr"
fi
# The budget plus what starting two workers costs (slow under sanitizers).
if [ "$ms" -le $((BUDGET_MS + 500)) ]; then
    echo "ok 3 - the login ends within its budget (${ms} ms, timeout=$BUDGET_MS)"
else
    echo "not ok 3 - the login ends within its budget (${ms} ms, timeout=$BUDGET_MS)"
fi
if grep -q 'clock probe' "$tmp/stderr" &&
    ! grep -q 'resolving AWS credentials' "$tmp/stderr"; then
    echo "ok 4 - the log names the clock probe: $(grep -m1 'clock probe' "$tmp/stderr")"
else
    echo "not ok 4 - the log names the clock probe, not the credentials"
    sed 's/^/# /' "$tmp/stderr"
fi
