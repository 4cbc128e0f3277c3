#!/bin/sh
# readonly_root.sh: fault row D7.3, a host whose cwd is "/" on a read-only
# file system, with umask 000. In a private mount namespace (unshare) the
# root file system is remounted read-only; `awscred session`, which does
# what pam_awscred.so does at login, must still export the credentials of
# a static profile, write nothing, and leave no file behind. Root only.
#
# SPDX-License-Identifier: MIT
set -u

. "$(dirname "$0")/ns_lib.sh"
ns_profile AKIAREADONLYROOT0001 ReadOnlyRootSecret0000000000000000000000 \
    eu-north-1
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
