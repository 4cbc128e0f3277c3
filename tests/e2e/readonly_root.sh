#!/bin/sh
# readonly_root.sh: fault row D7.3, a host whose cwd is "/" on a read-only
# file system, with umask 000. In a private mount namespace (unshare) the
# root file system is remounted read-only; `awscred session`, which does
# what pam_awscred.so does at login, must still export the credentials of
# a static profile, write nothing, and leave no file behind. Root only.
#
# SPDX-License-Identifier: MIT
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
AWSCRED="$top_builddir/cli/awscred"
WORKER="$top_builddir/pam_awscred/awscred-worker"
KEY=AKIAREADONLYROOT0001

skip() { echo "1..0 # SKIP $*"; exit 0; }
[ -x "$AWSCRED" ] && [ -x "$WORKER" ] || skip "awscred and the worker not built"
[ "$(id -u)" = 0 ] || skip "needs root for unshare --mount and the session"
command -v unshare >/dev/null || skip "unshare (util-linux) is needed"
unshare --mount true 2>/dev/null || skip "unshare --mount is not permitted here"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -m 700 "$tmp/aws"
printf '[default]\naws_access_key_id = %s\naws_secret_access_key = ReadOnlyRootSecret0000000000000000000000\n' \
    "$KEY" >"$tmp/aws/credentials"
printf '[default]\nregion = eu-north-1\n' >"$tmp/aws/config"
chmod 600 "$tmp/aws/credentials" "$tmp/aws/config"
before=$(find "$tmp" | sort | md5sum)

# Inside: / read-only (a bind of itself, remounted), cwd /, umask 000.
unshare --mount sh -c '
    mount --bind / / && mount -o remount,bind,ro / || exit 91
    touch "$1/probe" 2>/dev/null && exit 92
    cd / && umask 000
    "$2" session --user root minimum_uid=0 ignore_root=false conf=/nonexistent \
        worker="$3" config_file="$1/aws/config" \
        credentials_file="$1/aws/credentials" clock_check=never
' sh "$tmp" "$AWSCRED" "$WORKER" >"$tmp/out" 2>&1
status=$?
after=$(find "$tmp" -path "$tmp/out" -prune -o -print | sort | md5sum)

echo "1..3"
case $status in
91|92) sed 's/^/# /' "$tmp/out"
       echo "not ok 1 - / could not be made read-only in the namespace ($status)"
       echo "not ok 2 - # no session ran"
       echo "not ok 3 - # no session ran"
       exit 0 ;;
esac
# The dry run masks all but the last 4 characters.
if [ "$status" = 0 ] && grep -q 'AWS_ACCESS_KEY_ID=\*\{16\}0001$' "$tmp/out"; then
    echo "ok 1 - on a read-only / with umask 000 the session exports the profile's key"
else
    echo "not ok 1 - on a read-only / with umask 000 the session exports the profile's key (status $status)"
    sed 's/^/# /' "$tmp/out"
fi
if grep -q "AWS_REGION=eu-north-1" "$tmp/out"; then
    echo "ok 2 - and its region"
else
    echo "not ok 2 - and its region"
fi
if [ "$before" = "$after" ]; then
    echo "ok 3 - nothing was created next to the files"
else
    echo "not ok 3 - nothing was created next to the files"
fi
