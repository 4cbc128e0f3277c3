#!/bin/sh
# clock.sh: `awscred clock` against loopback time references: an HTTP
# server with the true Date while libfaketime shifts awscred's clock by
# +-10 minutes, servers that lie about the date, SNTP, and a server that
# is not there. Offsets must come out with the right sign and within
# +-2 s; exit statuses 0/1/2/3 as documented in awscred(1).
#
# SPDX-License-Identifier: MIT
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
. "$(dirname "$0")/../lib/tap.sh"
: "${AWSCRED_NET_MODULE:=$top_builddir/libawscred/.libs/awscred-net.so}"
export AWSCRED_NET_MODULE
AWSCRED="$top_builddir/cli/awscred"
# In a build tree that is libtool's wrapper script, and a shell with
# libfaketime and the ASan runtime preloaded hangs: run the program behind
# it, finding libawscred.so as an installed one would.
if [ -x "$top_builddir/cli/.libs/awscred" ]; then
    AWSCRED="$top_builddir/cli/.libs/awscred"
    LD_LIBRARY_PATH="$top_builddir/libawscred/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    export LD_LIBRARY_PATH
fi
SERVER="$top_srcdir/tests/e2e/clock_server.py"
FAKETIME_LIB=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
PY=/usr/bin/python3
# Under --enable-sanitizers the ASan runtime must come first in LD_PRELOAD.
ASAN_LIB=$(ldd "$AWSCRED" 2>/dev/null | awk '/libasan/ { print $3 }')
[ -x "$PY" ] || PY=python3

[ -x "$AWSCRED" ] || skip_all "$AWSCRED not built"
"$PY" -c 'import http.server' 2>/dev/null || skip_all "python3 not available"

tmp=$(mktemp -d)
pids=
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# start_server NAME ARGS...: sets NAME_http and NAME_udp to its ports.
start_server() {
    name=$1
    shift
    "$PY" "$SERVER" "$@" >"$tmp/$name.port" &
    pids="$pids $!"
    i=0
    while ! grep -q '^PORT' "$tmp/$name.port" 2>/dev/null; do
        i=$((i + 1))
        if [ $i -gt 100 ]; then
            echo "Bail out! $name server did not start"
            exit 1
        fi
        sleep 0.1
    done
    set -- $(cat "$tmp/$name.port")
    eval "${name}_http=\$2 ${name}_udp=\$3"
}

# clock_run OUT SHIFT ARGS...: awscred clock --json under libfaketime
# (SHIFT "" for the real clock); the exit status goes to OUT.rc.
clock_run() {
    out=$1
    shift_by=$2
    shift 2
    if [ -n "$shift_by" ]; then
        env FAKETIME="$shift_by" FAKETIME_DONT_FAKE_MONOTONIC=1 \
            LD_PRELOAD="${ASAN_LIB:+$ASAN_LIB }$FAKETIME_LIB" \
            "$AWSCRED" clock "$@" \
            >"$tmp/$out" 2>"$tmp/$out.err"
    else
        "$AWSCRED" clock "$@" >"$tmp/$out" 2>"$tmp/$out.err"
    fi
    echo $? >"$tmp/$out.rc"
}

# offset_near OUT EXPECTED_MS: the JSON offset is within 2 s of expected.
offset_near() {
    "$PY" - "$tmp/$1" "$2" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
want = int(sys.argv[2])
ok = d["measured"] and abs(d["offset_ms"] - want) <= 2000
print("# offset %s ms, uncertainty %s ms, source %s" % (
    d.get("offset_ms"), d.get("uncertainty_ms"), d.get("source")))
sys.exit(0 if ok else 1)
EOF
}

rc_is() { [ "$(cat "$tmp/$1.rc")" = "$2" ]; }

# offset_case NAME SHIFT URL WANT_MS WANT_RC DESCRIPTION
offset_case() {
    clock_run "$1" "$2" --json --url "$3"
    offset_near "$1" "$4" && rc_is "$1" "$5"
    check "$6" test $? = 0
}

plan 18
start_server honest --sntp
start_server ahead --lie 600
start_server behind --lie -600
start_server slight --lie 90
start_server counted
url="http://127.0.0.1:$honest_http/"

offset_case synced "" "$url" 0 0 \
    "synchronised clock: offset near 0, verdict fine, exit 0"

clock_run synced.txt "" --url "$url"
! grep -qi 'reject\|beyond' "$tmp/synced.txt" && rc_is synced.txt 0
check "synchronised clock: no warning in the text output" test $? = 0

if [ -r "$FAKETIME_LIB" ]; then
    offset_case slow "-10m" "$url" 600000 2 \
        "clock 10 min slow (libfaketime -10m): offset +600 s, exit 2"
    offset_case fast "+10m" "$url" -600000 2 \
        "clock 10 min fast (libfaketime +10m): offset -600 s, exit 2"

    # The HTTP Date has whole seconds and a loaded machine adds its own:
    # the words matter here, the number only to within 10 s.
    clock_run slow.txt "-10m" --url "$url"
    grep -Eq "(9 min 5[0-9]|10 min [0-9]) s behind $url" "$tmp/slow.txt" \
        && grep -q 'AWS will reject' "$tmp/slow.txt" \
        || { sed 's/^/# /' "$tmp/slow.txt"; false; }
    check "slow clock: text says how far behind and what AWS will do" \
        test $? = 0

    clock_run fast.txt "+10m" --url "$url"
    grep -Eq "(9 min 5[0-9]|10 min [0-9]) s ahead of $url" "$tmp/fast.txt" \
        || { sed 's/^/# /' "$tmp/fast.txt"; false; }
    check "fast clock: text says ahead of the reference, by name" test $? = 0

    clock_run sntp "-10m" --json --sntp "127.0.0.1:$honest_udp"
    offset_near sntp 600000 && rc_is sntp 2 \
        && "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1]));
sys.exit(0 if d["uncertainty_ms"] < 1000 and d["source"].startswith("sntp://") else 1)' "$tmp/sntp"
    check "SNTP under -10m: offset +600 s with sub-second uncertainty" \
        test $? = 0
else
    for t in slow fast slow.txt fast.txt sntp; do
        skip "libfaketime not installed ($FAKETIME_LIB)"
    done
fi

offset_case liar_ahead "" "http://127.0.0.1:$ahead_http/" 600000 2 \
    "server dating 10 min ahead: local clock reported 600 s behind"
offset_case liar_behind "" "http://127.0.0.1:$behind_http/" -600000 2 \
    "server dating 10 min behind: local clock reported 600 s ahead"
offset_case warn "" "http://127.0.0.1:$slight_http/" 90000 1 \
    "90 s off: beyond the 60 s warning, below refusal: exit 1"

clock_run warn_raised "" --json --warn 120 --url "http://127.0.0.1:$slight_http/"
rc_is warn_raised 0
check "--warn 120 accepts 90 s: exit 0" test $? = 0

clock_run refuse_raised "" --json --refuse 900 --url "http://127.0.0.1:$ahead_http/"
rc_is refuse_raised 1
check "--refuse 900 (S3's window): 600 s only warns: exit 1" test $? = 0

clock_run one "" --json --url "http://127.0.0.1:$counted_http/"
count=$("$PY" -c 'import sys, urllib.request
print(urllib.request.urlopen(sys.argv[1]).read().decode())' \
    "http://127.0.0.1:$counted_http/count")
[ "$count" = 1 ] && offset_near one 0
check "the probe is exactly one request (server counted $count)" test $? = 0

# Without --url the probe goes where the profile's STS calls would go,
# as the AWS CLI resolves the endpoint.
cat >"$tmp/config" <<CONF
[profile vpc]
endpoint_url = http://127.0.0.1:$behind_http/
[profile svc]
services = local
[services local]
sts =
  endpoint_url = http://127.0.0.1:$slight_http/
CONF
clock_env() {
    out=$1
    shift
    env AWS_CONFIG_FILE="$tmp/config" AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
        "$@" "$AWSCRED" clock --json >"$tmp/$out" 2>"$tmp/$out.err"
    echo $? >"$tmp/$out.rc"
}
clock_env env_sts AWS_ENDPOINT_URL_STS="http://127.0.0.1:$ahead_http/" \
    AWS_PROFILE=vpc
offset_near env_sts 600000 \
    && grep -q "\"source\": \"http://127.0.0.1:$ahead_http/?Action=" "$tmp/env_sts"
check "AWS_ENDPOINT_URL_STS=http://127.0.0.1:PORT: measured against that server" \
    test $? = 0
clock_env profile_url AWS_PROFILE=vpc
offset_near profile_url -600000
check "the profile's endpoint_url: measured against it" test $? = 0
clock_env services_url AWS_PROFILE=svc
offset_near services_url 90000
check "the profile's [services] sts endpoint_url: measured against it" \
    test $? = 0

# a port nobody listens on: bind and close to find one
free_port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
clock_run none "" --json --timeout 2000 --url "http://127.0.0.1:$free_port/"
rc_is none 3 && grep -q '"measured": false' "$tmp/none" \
    && grep -q '"error": "..*"' "$tmp/none"
check "nothing listening: not measured, exit 3, error given" test $? = 0

"$AWSCRED" clock --warn 400 --refuse 300 >/dev/null 2>&1
[ $? -eq 252 ]
check "--refuse below --warn is a usage error (252)" test $? = 0

finish
