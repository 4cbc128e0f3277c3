#!/bin/sh
# mfa_tmpfiles.sh: the tmpfiles.d rule the packages ship for MFA handles
# (etc/tmpfiles.d/pam_awscred.conf; pam_awscred(8), MFA AT SSH LOGIN),
# run by the real systemd-tmpfiles on a scratch root (--root): it makes
# mfa_dir root's and 0700, keeps a handle younger than the handles' 300 s
# and removes an older one (never redeemed: a later auth module failed).
# The clock moves by libfaketime, not the files: a handle's ctime, which
# systemd-tmpfiles also weighs, cannot be set back. Root only (the rule
# names root as the owner).
#
# SPDX-License-Identifier: MIT
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
RULE="$top_srcdir/etc/tmpfiles.d/pam_awscred.conf"
FAKETIME_LIB=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1

. "$(dirname "$0")/../lib/tap.sh"
command -v systemd-tmpfiles >/dev/null || skip_all "systemd-tmpfiles not installed"
[ -f "$FAKETIME_LIB" ] || skip_all "libfaketime not installed ($FAKETIME_LIB)"
[ "$(id -u)" = 0 ] || skip_all "needs root (the rule makes a directory of root's)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mfa="$tmp/run/awscred/mfa"
young=0123456789abcdef0123456789abcdef
stale=fedcba9876543210fedcba9876543210

# tmpfiles SHIFT ACTION: systemd-tmpfiles on the scratch root, the clock
# SHIFT ahead.
tmpfiles() {
    LD_PRELOAD="$FAKETIME_LIB" FAKETIME="$1" \
        systemd-tmpfiles --root="$tmp" "$2" "$RULE"
}

plan 4
rule_dir=$(sed -n 's/^d \([^ ]*\) .*/\1/p' "$RULE")
check "the rule names the module's default mfa_dir" \
    grep -q "^#define PAMAWS_DEFAULT_MFA_DIR *\"$rule_dir\"" \
    "$top_srcdir/pam_awscred/internal.h"

tmpfiles +0 --create
check "--create makes mfa_dir root's, 0700 (the module uses no other)" \
    test "$(stat -c %U:%a "$mfa" 2>/dev/null)" = root:700

# Both handles as the module writes them; one is redeemed 200 s later...
(umask 077 && echo x >"$mfa/$young" && echo x >"$mfa/$stale")
tmpfiles +200s --clean
check "--clean keeps a handle 200 s old (the session may still redeem it)" \
    sh -c '[ -f "$1" ] && [ -f "$2" ]' - "$mfa/$young" "$mfa/$stale"
# ... and none is redeemed after 301 s.
tmpfiles +301s --clean
check "--clean removes a handle older than 300 s, keeps mfa_dir" \
    sh -c '[ ! -e "$1" ] && [ -d "$2" ]' - "$mfa/$stale" "$mfa"
finish
