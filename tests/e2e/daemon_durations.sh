#!/bin/sh
# daemon_durations.sh: awscredd's durations in the [broker] section
# (retain_after_close, max_lifetime, refresh_before) are whole seconds with
# an optional s, m or h suffix, at most 100 days' worth of the unit, and
# nothing else: no sign, no hex, no other unit; listen's port is 1-65535,
# digits only, by the same parser. Each value is tried with a
# control socket in a directory that does not exist, so an accepted file
# stops at the socket and the daemon never listens. Prints TAP.
#
# SPDX-License-Identifier: MIT
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$(dirname "$0")/../lib/tap.sh"
AWSCREDD="$top_builddir/awscredd/awscredd"

[ -x "$AWSCREDD" ] || skip_all "awscredd not built"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

accepted="90s 5m 2h 0 100 8640000"
refused="+5m -0 5d 0x10 m 5ms 8640001"
listen_accepted="127.0.0.1:9911 127.0.0.2:65535"
listen_refused="127.0.0.1:+80 127.0.0.1:0 127.0.0.1:65536 127.0.0.1:0x50"
plan "$(echo $accepted $refused $listen_accepted $listen_refused | wc -w)"

# try KEY VALUE: awscredd's stderr for a file setting KEY = VALUE.
try() {
    printf '[broker]\ncontrol_socket = %s/none/control\n%s = %s\n' \
        "$tmp" "$1" "$2" >"$tmp/conf"
    timeout 10 "$AWSCREDD" --foreground --conf "$tmp/conf" 2>&1 >/dev/null
}

# check_value WANT VALUE [KEY]: WANT is "accepted" or "refused"; without
# KEY the three durations take turns.
check_value() {
    key=${3:-$(echo "retain_after_close max_lifetime refresh_before" |
               cut -d' ' -f$(((n + 1) % 3 + 1)))}
    out=$(try "$key" "$2")
    case $1:$out in
    refused:*"[broker] $key: invalid value"*) ok=1 ;;
    refused:*) ok= ;;
    accepted:*"invalid value"*|accepted:*"not accepted"*) ok= ;;
    accepted:*"$tmp/none/control"*) ok=1 ;;
    *) ok= ;;
    esac
    if [ -n "$ok" ]; then
        ok "$key = $2 is $1"
    else
        not_ok "$key = $2 is $1"
        printf '%s\n' "$out" | diag
    fi
}

for value in $accepted; do check_value accepted "$value"; done
for value in $refused; do check_value refused "$value"; done
for value in $listen_accepted; do check_value accepted "$value" listen; done
for value in $listen_refused; do check_value refused "$value" listen; done
finish
