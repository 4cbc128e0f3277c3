# SPDX-License-Identifier: MIT
"""broker_port.py: another local user and the broker's port.

The sessions keep AWS_CONTAINER_CREDENTIALS_FULL_URI while awscredd is
down (a restart, a crash, a boot before it starts). A user who binds its
port then answers every session's SDK, with credentials of her own. The
default port is one only root may bind; a port any user may bind is
warned about when the broker starts.
"""

import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests", "lib"))
from broker_lib import free_port, stop  # noqa: E402
from tap import Tap  # noqa: E402

BUILD = os.environ.get("top_builddir", ".")
BROKER = os.path.join(BUILD, "awscredd", "awscredd")
NOBODY = 65534
WARNING = "any user may bind port"
BIND = ("import socket, sys\n"
        "s = socket.socket()\n"
        "try:\n"
        "    s.bind(('127.0.0.1', int(sys.argv[1])))\n"
        "except PermissionError:\n"
        "    sys.exit(3)\n")


def run_broker(tmp, name, listen):
    """awscredd with a control socket of its own and listen= (None: the
    default) until it logs that it listens or stops; stopped again.
    Returns its log."""
    conf = os.path.join(tmp, name + ".conf")
    with open(conf, "w") as f:
        f.write("[broker]\ncontrol_socket = %s\nstate_dir = %s\n%s"
                % (os.path.join(tmp, name + ".sock"),
                   os.path.join(tmp, name + ".state"),
                   "listen = %s\n" % listen if listen else ""))
    with open(os.path.join(tmp, name + ".log"), "w+") as log:
        proc = subprocess.Popen([BROKER, "--foreground", "--conf", conf],
                                stdout=log, stderr=subprocess.STDOUT)
        for _ in range(200):
            log.seek(0)
            if "listening on" in log.read() or proc.poll() is not None:
                break
            time.sleep(0.05)
        proc.terminate()
        try:
            proc.wait(timeout=10)
        finally:
            stop(proc)
        log.seek(0)
        return log.read()


def nobody_binds(port):
    """Whether nobody may bind 127.0.0.1:port (None: it is in use)."""
    out = subprocess.run(["setpriv", "--reuid=%d" % NOBODY,
                          "--regid=%d" % NOBODY, "--clear-groups",
                          sys.executable, "-c", BIND, str(port)],
                         capture_output=True, text=True)
    if out.returncode == 3:
        return False
    return True if out.returncode == 0 else None


def main():
    if os.geteuid() != 0:
        print("1..0 # SKIP needs root (a port below 1024, a second uid)")
        return 0
    t = Tap()
    print("1..3")
    tmp = tempfile.mkdtemp(prefix="broker_port.")
    try:
        text = run_broker(tmp, "default", None)
        found = re.search(r"listening on 127\.0\.0\.1:(\d+)", text)
        if found is None:
            for name in ("the default port is one no user may bind while"
                         " the broker is down",
                         "and the broker does not warn about it"):
                t.skip(name, "the broker could not listen on its default"
                       " port here")
        else:
            port = int(found.group(1))
            t.ok(nobody_binds(port) is False,
                 "the default port is one no user may bind while the"
                 " broker is down", "port %d" % port)
            t.ok(WARNING not in text,
                 "and the broker does not warn about it", text)
        port = free_port()
        text = run_broker(tmp, "high", "127.0.0.1:%d" % port)
        t.ok(nobody_binds(port) is True
             and "listen: any user may bind port %d while awscredd is down"
             " and answer the sessions' SDKs with credentials of her own:"
             " use a port below" % port in text,
             "listen= on a port any user may bind: the broker warns",
             text)
    finally:
        subprocess.run(["rm", "-rf", tmp])
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
