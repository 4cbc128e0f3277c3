#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""login_network.py: a static-key login with the default clock settings
makes no network request and loads no network module while the host's
clock measurement (clock_state=) is fresh. Through `awscred session` (the
module's own session code, the real worker as the user), with a worker=
wrapper that runs each worker under strace (network system calls and
opens, to a file per worker):
- first login, no record: the host's clock worker runs, loads the network
  module and connects to the loopback clock server (the trace sees both:
  the check can fail);
- then logins with the default clock settings and the fresh record: no
  clock worker, and the user's worker opens neither awscred-net.so nor
  libcurl and creates no socket; the clock server sees nothing more.
Root only (the worker is started as the user); skips without strace."""

import glob
import os
import re
import shutil
import subprocess
import sys
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clock_lib import AWSCRED, NET_MODULE  # noqa: E402
from clock_login import (CLOCK_SERVER, WORKER, session,  # noqa: E402
                         user_test, write_aws_files)

STRACE = shutil.which("strace") or "/usr/bin/strace"
# What a worker must not do at such a login.
NET_OPEN = re.compile(r'open\w*\(.*"[^"]*(awscred-net\.so|libcurl[^"]*'
                      r'|libssl[^"]*)"')
SOCKET = re.compile(r"^\d+ +(socket|connect|sendto|sendmsg)\(", re.M)


def write_tracing_worker(work, user):
    """A worker= that runs the real worker under strace; the traces go
    to work/traces/, one file per worker (a new name each: every worker
    is pid 1 of a PID namespace of its own)."""
    traces = os.path.join(work, "traces")
    os.mkdir(traces)
    shutil.chown(traces, user, user)
    path = os.path.join(work, "tracing-worker.sh")
    with open(path, "w") as f:
        f.write("#!/bin/sh\nout=$(mktemp '%s/XXXXXX') || exit 1\n"
                "exec '%s' -f -qq -e trace=%%network,open,openat -o \"$out\" "
                "'%s' \"$@\"\n" % (traces, STRACE, WORKER))
    os.chmod(path, 0o755)
    return path, traces


def traces_since(traces, seen):
    """{name: text} of the worker traces written since seen (updated)."""
    new = {}
    for path in sorted(glob.glob(os.path.join(traces, "*"))):
        if path not in seen:
            seen.add(path)
            with open(path) as f:
                new[os.path.basename(path)] = f.read()
    return new


def count(port):
    """Requests the loopback clock server has answered."""
    with urllib.request.urlopen("http://127.0.0.1:%d/count" % port) as r:
        return int(r.read())


def run(t, work, user, home, http_port):
    write_aws_files(user, home, 9)  # static keys; no STS is reached
    worker, traces = write_tracing_worker(work, user)
    state = os.path.join(work, "host-clock")
    base = ["--user", user, "minimum_uid=0", "net_module=" + NET_MODULE,
            "timeout=10", "profile=static", "worker=" + worker]
    record = "clock_state=" + state
    seen = set()

    # No record: the host measures (clock_url on loopback, never AWS).
    p = session(base, [record, "clock_url=http://127.0.0.1:%d/" % http_port])
    first = traces_since(traces, seen)
    probes = [x for x in first.values() if NET_OPEN.search(x)
              and SOCKET.search(x)]
    t.ok(p.returncode == 0 and "AWS_ACCESS_KEY_ID=" in p.stdout
         and os.path.exists(state) and count(http_port) == 1
         and len(probes) == 1,
         "no host record: one clock probe, seen in the traces (the network "
         "module opened, a socket: %d of %d workers)"
         % (len(probes), len(first)), p.stdout + p.stderr
         + "".join(first.values()))

    # Fresh record, default clock settings (clock_check, clock_url,
    # sntp_server unset): three logins.
    exported, loaded, sockets, workers = 0, [], [], 0
    for _ in range(3):
        p = session(base, [record])
        exported += p.returncode == 0 and "AWS_ACCESS_KEY_ID=" in p.stdout
        for name, text in traces_since(traces, seen).items():
            workers += 1
            loaded += [name + ": " + m.group(0)
                       for m in NET_OPEN.finditer(text)]
            sockets += [name + ": " + line for line in text.splitlines()
                        if SOCKET.match(line)]
    t.ok(exported == 3 and workers == 3,
         "fresh host record: 3 logins exported, one worker each (%d "
         "workers)" % workers, p.stdout + p.stderr)
    t.ok(loaded == [],
         "fresh host record: no worker opened awscred-net.so, libcurl or "
         "libssl", "\n".join(loaded))
    t.ok(sockets == [] and count(http_port) == 1,
         "fresh host record: no socket, no request (clock server saw %d in "
         "all)" % count(http_port), "\n".join(sockets))


def main():
    if os.geteuid() != 0:
        print("1..0 # SKIP needs root (the worker is started as the user)")
        return 0
    for path in (AWSCRED, WORKER, NET_MODULE):
        if not os.path.exists(path):
            print("1..0 # SKIP %s not built" % path)
            return 0
    if not os.access(STRACE, os.X_OK):
        print("1..0 # SKIP strace not installed (apt-get install strace)")
        return 0
    return user_test("awscred-login-network.", 4, with_clock_server)


def with_clock_server(t, work, made):
    server = subprocess.Popen([sys.executable, CLOCK_SERVER, "--sntp"],
                              stdout=subprocess.PIPE, text=True)
    try:
        http_port = int(server.stdout.readline().split()[1])
        run(t, work, made[0], made[1], http_port)
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
