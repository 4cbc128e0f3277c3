#!/bin/sh
# clock_probe.sh: what the login clock check costs on a host that cannot
# reach its clock URL. A loopback server accepts connections and never
# answers (a firewall that drops, a proxy that stalls); pam_latency.sh
# opens RUNS sessions with clock_check=auto pointed at it, and once with
# clock_check=never for the baseline. Before the host-wide record every
# login waited for the probe's bound; now one login per clock_max_age
# does.
#
#   bench/clock_probe.sh [BUILDDIR] [RUNS]
#
# SPDX-License-Identifier: MIT

builddir=$(cd "${1:-.}" && pwd) || exit 1
runs=${2:-20}
here=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/awscred-clockbench.XXXXXX) || exit 1
chmod 755 "$T"
server=
trap 'test -n "$server" && kill "$server"; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

python3 -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
print(s.getsockname()[1], flush=True)
held = []
while True:
    c, _ = s.accept()
    held.append(c)      # read nothing, answer nothing
' > "$T/port" &
server=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
    test -s "$T/port" && break
    sleep 0.2
done
port=$(cat "$T/port")
test -n "$port" || { echo "clock_probe: no server" >&2; exit 1; }

echo "baseline (clock_check=never):"
sh "$here/pam_latency.sh" "$builddir" "$runs" clock_check=never | tail -1
echo "clock_check=auto, clock URL unreachable (timeout=5):"
net="net_module=$builddir/libawscred/.libs/awscred-net.so"
sh "$here/pam_latency.sh" "$builddir" "$runs" \
    "clock_check=auto clock_url=http://127.0.0.1:$port/ clock_state=$T/clock $net" |
    tail -1
