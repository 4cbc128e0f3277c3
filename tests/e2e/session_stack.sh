#!/bin/sh
# session_stack.sh: `awscred session --service S` reads S's stack as libpam
# does, in a fake pam.d tree (--pam-root, the test hook): Debian's layout
# after `pam-auth-update --enable awscred`, where only common-session holds
# the pam_awscred.so line. sshd (through @include) gets credentials and the
# report names the file, line and control flag; sudo and cron (through
# common-session-noninteractive) and a service without a file (libpam's
# "other") get nothing and fail the dry run; a required line with strict
# says the login would fail. Root only (the worker runs as the user).
#
# SPDX-License-Identifier: MIT
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
AWSCRED="$top_builddir/cli/awscred"
WORKER="$top_builddir/pam_awscred/awscred-worker"
. "$(dirname "$0")/../lib/tap.sh"

[ -x "$AWSCRED" ] && [ -x "$WORKER" ] ||
    skip_all "awscred and the worker not built"
[ "$(id -u)" = 0 ] || skip_all "needs root to run the worker as a user"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
etc="$tmp/root/etc/pam.d"
vendor="$tmp/root/usr/lib/pam.d"
mkdir -p "$etc" "$vendor"
printf '[default]\n' >"$tmp/config"
printf '[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n' >"$tmp/credentials"
printf 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n' \
    >>"$tmp/credentials"
chmod 600 "$tmp/config" "$tmp/credentials"
opts="minimum_uid=0 ignore_root=false conf=/nonexistent worker=$WORKER"
opts="$opts config_file=$tmp/config credentials_file=$tmp/credentials"
opts="$opts clock_check=never"

# What pam-auth-update writes (Session-Interactive-Only: yes).
cat >"$etc/common-session" <<EOT
# here are the per-package modules (the "Primary" block)
session	[default=1]	pam_permit.so
session	requisite	pam_deny.so
session	required	pam_permit.so
session	required	pam_unix.so
session	optional	pam_awscred.so $opts
EOT
cat >"$etc/common-session-noninteractive" <<'EOT'
session	[default=1]	pam_permit.so
session	requisite	pam_deny.so
session	required	pam_permit.so
session	required	pam_unix.so
EOT
printf '@include common-auth\n@include common-session\n' >"$etc/sshd"
printf 'auth sufficient pam_permit.so\n' >"$etc/common-auth"
printf 'session required pam_limits.so\n@include common-session-noninteractive\n' \
    >"$etc/sudo"
printf '@include common-auth\nsession required pam_env.so\n@include common-session-noninteractive\n' \
    >"$etc/cron"
printf 'session required pam_warn.so\nsession required pam_deny.so\n' \
    >"$etc/other"
# A vendor file, reached through a substack, with a required line.
printf 'session substack vendor-session\n' >"$vendor/systemd-user"
printf 'session required /lib/security/pam_awscred.so %s strict\n' "$opts" \
    >"$vendor/vendor-session"

# check_out DESCRIPTION STATUS EXPECTED-STATUS PATTERN...: the status, and
# every pattern in the output of the last run
check_out() {
    desc=$1 got=$2 want=$3
    shift 3
    ok=1
    [ "$got" = "$want" ] || ok=0
    for pattern in "$@"; do
        grep -qF -- "$pattern" "$tmp/out" || ok=0
    done
    if [ "$ok" = 1 ]; then
        ok "$desc"
    else
        not_ok "$desc (status $got, wanted $want)"
        diag "$tmp/out"
    fi
}
run() {
    "$AWSCRED" session --pam-root "$tmp/root" --user root --service "$@" \
        >"$tmp/out" 2>&1
}

plan 6
run sshd
check_out "sshd gets credentials; the report names common-session, line 6, optional" \
    $? 0 "line at $etc/common-session:6, control optional" \
    "even with strict, a failure would not stop the login" \
    "AWS_ACCESS_KEY_ID=****************MPLE"
run sudo
check_out "plain sudo gets nothing, and the dry run says so and fails" $? 255 \
    "a login through service sudo would get no AWS credentials"
if grep -q '^AWS_' "$tmp/out"; then
    not_ok "no variables printed for sudo"
else
    ok "no variables printed for sudo"
fi
run cron
check_out "cron gets nothing either" $? 255 \
    "a login through service cron would get no AWS credentials"
run nosuchservice
check_out "a service without a file is read as libpam reads it: other" $? 255 \
    "no file for service nosuchservice" "libpam uses \"other\"" \
    "a login through service nosuchservice would get no AWS credentials"
printf '[default]\n' >"$tmp/credentials"
run systemd-user
check_out "a required line in /usr/lib/pam.d with strict: the login would fail" \
    $? 255 "line at $vendor/vendor-session:1, control required" \
    "the line is required: the login would fail"
finish
