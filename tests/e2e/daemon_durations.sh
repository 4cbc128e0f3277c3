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
AWSCREDD="$top_builddir/awscredd/awscredd"

skip() { echo "1..0 # SKIP $*"; exit 0; }
[ -x "$AWSCREDD" ] || skip "awscredd not built"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

accepted="90s 5m 2h 0 100 8640000"
refused="+5m -0 5d 0x10 m 5ms 8640001"
listen_accepted="127.0.0.1:9911 127.0.0.2:65535"
listen_refused="127.0.0.1:+80 127.0.0.1:0 127.0.0.1:65536 127.0.0.1:0x50"
n=0
echo "1..$(echo $accepted $refused $listen_accepted $listen_refused | wc -w)"

# try KEY VALUE: awscredd's stderr for a file setting KEY = VALUE.
try() {
    printf '[broker]\ncontrol_socket = %s/none/control\n%s = %s\n' \
        "$tmp" "$1" "$2" >"$tmp/conf"
    timeout 10 "$AWSCREDD" --foreground --conf "$tmp/conf" 2>&1 >/dev/null
}

# check WANT VALUE [KEY]: WANT is "accepted" or "refused"; without KEY the
# three durations take turns.
check() {
    n=$((n + 1))
    key=${3:-$(echo "retain_after_close max_lifetime refresh_before" |
               cut -d' ' -f$((n % 3 + 1)))}
    out=$(try "$key" "$2")
    case $1:$out in
    refused:*"[broker] $key: invalid value"*) ok=1 ;;
    refused:*) ok= ;;
    accepted:*"invalid value"*|accepted:*"not accepted"*) ok= ;;
    accepted:*"$tmp/none/control"*) ok=1 ;;
    *) ok= ;;
    esac
    if [ -n "$ok" ]; then
        echo "ok $n - $key = $2 is $1"
    else
        echo "not ok $n - $key = $2 is $1"
        printf '%s\n' "$out" | sed 's/^/# /'
    fi
}

for value in $accepted; do check accepted "$value"; done
for value in $refused; do check refused "$value"; done
for value in $listen_accepted; do check accepted "$value" listen; done
for value in $listen_refused; do check refused "$value" listen; done
