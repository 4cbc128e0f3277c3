#!/bin/sh
# dns_hang.sh: fault row D4.10, a resolver that never answers. In a private
# mount and network namespace (unshare), /etc/resolv.conf names a loopback
# UDP socket that reads queries and never replies, so getaddrinfo() would
# block for its own 10-20 s. `awscred export` of an assume-role profile must
# still end within the network deadline with an error naming the endpoint,
# and the resolver thread must not keep it alive. Root only.
#
# SPDX-License-Identifier: MIT
set -u

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${AWSCRED_NET_MODULE:=$top_builddir/libawscred/.libs/awscred-net.so}"
export AWSCRED_NET_MODULE
AWSCRED="$top_builddir/cli/awscred"
PY=/usr/bin/python3
BOUND_S=15

skip() { echo "1..0 # SKIP $*"; exit 0; }
[ -x "$AWSCRED" ] || skip "$AWSCRED not built"
[ "$(id -u)" = 0 ] || skip "needs root for unshare --mount --net"
[ -x "$PY" ] || skip "$PY not installed"
command -v unshare >/dev/null && command -v ip >/dev/null ||
    skip "unshare (util-linux) and ip (iproute2) are needed"
unshare --mount --net true 2>/dev/null ||
    skip "unshare --mount --net is not permitted here"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
echo "nameserver 127.0.0.1" >"$tmp/resolv.conf"
cat >"$tmp/config" <<'CONF'
[profile role]
role_arn = arn:aws:iam::123456789012:role/r
source_profile = base
[profile base]
aws_access_key_id = AKIAEXAMPLEBASE
aws_secret_access_key = base-secret
CONF

# Everything below runs inside the namespaces; it prints
# "<seconds> <exit status>" on its last line of stdout, stderr to a file.
unshare --mount --net sh -c '
    ip link set lo up || exit 90
    "$0" -c "import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((\"127.0.0.1\", 53))
print(\"bound\", flush=True)
time.sleep(120)" >"$1/dns.out" &
    dns=$!
    for i in 1 2 3 4 5 6 7 8 9 10; do
        grep -q bound "$1/dns.out" 2>/dev/null && break
        sleep 0.2
    done
    mount --bind "$1/resolv.conf" /etc/resolv.conf || exit 91
    getent hosts sts.hang.test >/dev/null 2>&1 &
    probe=$!
    sleep 1
    kill -0 $probe 2>/dev/null && echo "resolver hangs" >"$1/probe"
    kill $probe 2>/dev/null
    start=$(date +%s%N)
    env -i PATH=/usr/bin:/bin HOME="$1" AWS_CONFIG_FILE="$1/config" \
        AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
        AWS_ENDPOINT_URL_STS=https://sts.hang.test/ \
        AWSCRED_NET_MODULE="$AWSCRED_NET_MODULE" \
        ${ASAN_OPTIONS:+ASAN_OPTIONS="$ASAN_OPTIONS"} \
        timeout 60 "$2" export --profile role >"$1/stdout" 2>"$1/stderr"
    status=$?
    end=$(date +%s%N)
    kill $dns 2>/dev/null
    echo "$(( (end - start) / 1000000 )) $status"
' "$PY" "$tmp" "$AWSCRED" >"$tmp/result" 2>"$tmp/ns.err"
ns=$?

echo "1..4"
if [ "$ns" -ge 90 ] || ! [ -s "$tmp/result" ]; then
    sed 's/^/# /' "$tmp/ns.err"
    for i in 1 2 3 4; do
        echo "not ok $i - the namespace could not be set up (status $ns)"
    done
    exit 0
fi
read -r ms status <"$tmp/result"
if [ -f "$tmp/probe" ]; then
    echo "ok 1 - the resolver hangs in the namespace (getent still waiting after 1 s)"
else
    echo "not ok 1 - the resolver hangs in the namespace (getent returned within 1 s)"
fi
if [ "$status" != 124 ] && [ "$ms" -lt $((BOUND_S * 1000)) ]; then
    echo "ok 2 - export ends within ${BOUND_S} s (${ms} ms)"
else
    echo "not ok 2 - export ends within ${BOUND_S} s (${ms} ms, status $status)"
fi
if [ "$status" = 255 ] && ! [ -s "$tmp/stdout" ]; then
    echo "ok 3 - exit status 255 and nothing on stdout, as the CLI for a connection failure"
else
    echo "not ok 3 - exit status 255 and nothing on stdout (status $status)"
fi
if grep -q 'on endpoint URL: "https://sts.hang.test/"' "$tmp/stderr"; then
    echo "ok 4 - the error names the endpoint: $(grep -m1 . "$tmp/stderr")"
else
    echo "not ok 4 - the error names the endpoint"
    sed 's/^/# /' "$tmp/stderr"
fi
