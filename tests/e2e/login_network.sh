#!/bin/sh
# SPDX-License-Identifier: MIT
# A static-key login with a fresh host clock record: no network module, no
# socket (tests/e2e/login_network.py). In a network namespace of its own
# with loopback only, so a login that did probe AWS by default could reach
# neither the machine's resolver nor the internet.
. "$(dirname "$0")/../lib/tap.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root (the worker is started as the user)"
command -v unshare >/dev/null && command -v ip >/dev/null ||
    skip_all "unshare (util-linux) and ip (iproute2) are needed"
unshare --net true 2>/dev/null ||
    skip_all "unshare --net is not permitted here"
exec unshare --net sh -c 'ip link set lo up &&
    exec python3 "${top_srcdir:-.}/tests/e2e/login_network.py"'
