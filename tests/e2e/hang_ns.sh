# hang_ns.sh: sourced by the tests that need a resolver that never answers
# (dns_hang.sh, clock_dns_hang.sh). In a private mount and network
# namespace (unshare), /etc/resolv.conf names a loopback UDP socket that
# reads queries and never replies, so getaddrinfo() would block for its
# own 10-20 s. Root only.
#
# SPDX-License-Identifier: MIT

# Skips the whole script (TAP) when the namespace cannot be had here.
hang_ns_require() {
    [ "$(id -u)" = 0 ] || skip_all "needs root for unshare --mount --net"
    [ -x /usr/bin/python3 ] || skip_all "/usr/bin/python3 not installed"
    command -v unshare >/dev/null && command -v ip >/dev/null ||
        skip_all "unshare (util-linux) and ip (iproute2) are needed"
    unshare --mount --net true 2>/dev/null ||
        skip_all "unshare --mount --net is not permitted here"
}

# hang_ns_run DIR COMMAND [ARGS...]: runs COMMAND there. Writes
# DIR/result ("<milliseconds> <exit status>" of COMMAND), DIR/probe when
# `getent` was seen to hang, COMMAND's output to DIR/stdout and
# DIR/stderr, the namespace's own errors to DIR/ns.err. Returns 90 or
# more when the namespace could not be set up.
hang_ns_run() {
    _dir=$1
    shift
    echo "nameserver 127.0.0.1" >"$_dir/resolv.conf"
    unshare --mount --net sh -c '
        dir=$1
        shift
        ip link set lo up || exit 90
        /usr/bin/python3 -c "import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((\"127.0.0.1\", 53))
print(\"bound\", flush=True)
time.sleep(120)" >"$dir/dns.out" &
        dns=$!
        for i in 1 2 3 4 5 6 7 8 9 10; do
            grep -q bound "$dir/dns.out" 2>/dev/null && break
            sleep 0.2
        done
        mount --bind "$dir/resolv.conf" /etc/resolv.conf || exit 91
        getent hosts sts.hang.test >/dev/null 2>&1 &
        probe=$!
        sleep 1
        kill -0 $probe 2>/dev/null && echo "resolver hangs" >"$dir/probe"
        kill $probe 2>/dev/null
        start=$(date +%s%N)
        timeout 60 "$@" >"$dir/stdout" 2>"$dir/stderr"
        status=$?
        end=$(date +%s%N)
        kill $dns 2>/dev/null
        echo "$(( (end - start) / 1000000 )) $status" >"$dir/result"
    ' hang_ns "$_dir" "$@" 2>"$_dir/ns.err"
}

# hang_ns_report DIR NS_STATUS TESTS: the plan and test 1 (the resolver
# hangs); when the namespace failed, every test fails and the script
# exits. Sets ms and status from DIR/result.
hang_ns_report() {
    echo "1..$3"
    if [ "$2" -ge 90 ] || ! [ -s "$1/result" ]; then
        sed 's/^/# /' "$1/ns.err"
        _i=1
        while [ $_i -le "$3" ]; do
            echo "not ok $_i - the namespace could not be set up (status $2)"
            _i=$((_i + 1))
        done
        exit 0
    fi
    read -r ms status <"$1/result"
    if [ -f "$1/probe" ]; then
        echo "ok 1 - the resolver hangs in the namespace (getent still waiting after 1 s)"
    else
        echo "not ok 1 - the resolver hangs in the namespace (getent returned within 1 s)"
    fi
}
