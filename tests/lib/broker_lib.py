# SPDX-License-Identifier: MIT
"""broker_lib.py: awscredd's control protocol for the tests and the
benchmark (tests/e2e/broker*.py, bench/broker.py): one frame in the
worker's result format each way (awscredd/control.c)."""

import os
import socket
import subprocess
import sys
import tempfile
import time

BUILD = os.path.abspath(os.environ.get("top_builddir", "."))
WORKER = os.path.join(BUILD, "pam_awscred", "awscred-worker")


def frame(records):
    body = "".join("%s=%s\n" % kv for kv in records.items())
    return ("AWSCRED-RESULT 1 %d\n" % len(body) + body).encode()


def control(path, records):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    s.sendall(frame(records))
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    _, _, body = data.decode().partition("\n")
    return dict(line.split("=", 1) for line in body.splitlines())


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_broker(binary, tmp, name, extra=""):
    """awscredd on a free loopback port with the control socket
    tmp/NAME.sock, configured by tmp/NAME.conf ([broker] listen,
    control_socket and extra lines), logging to tmp/NAME.log. Returns
    (process, socket, port, log file)."""
    sock = os.path.join(tmp, name + ".sock")
    port = free_port()
    conf = os.path.join(tmp, name + ".conf")
    with open(conf, "w") as f:
        f.write("[broker]\nlisten = 127.0.0.1:%d\ncontrol_socket = %s\n%s"
                % (port, sock, extra))
    log = open(os.path.join(tmp, name + ".log"), "w+")
    proc = subprocess.Popen([binary, "--foreground", "--conf", conf],
                            stdout=log, stderr=subprocess.STDOUT)
    wait_listening(log)
    return proc, sock, port, log


def wait_listening(log, nth=1):
    """Waits (10 s at most) until awscredd's log says it listens for the
    nth time: its socket exists from bind() on, before listen(), and a
    killed broker's stays."""
    for _ in range(200):
        with open(log.name) as f:
            if f.read().count("listening on") >= nth:
                return
        time.sleep(0.05)


def skip_reason(moto=False):
    """Why a broker test with botocore (and moto_server) cannot run here,
    or None; with moto, also moto_server's path."""
    if os.geteuid() != 0:
        return "needs root (a root control socket, a second uid)", None
    try:
        import botocore.session  # noqa: F401
    except ImportError:
        return "botocore is not installed", None
    if not moto:
        return None, None
    from sts_moto import find_moto
    path = find_moto()
    if path is None or os.environ.get("ENABLE_MOTO_TESTS") == "no":
        return "moto_server not found or moto tests disabled", None
    return None, path


def begin(prefix, plan, moto=False):
    """A broker test's start: (Tap, a fresh 0755 directory named PREFIX...,
    moto_server's path with moto) after the plan of PLAN tests, or Nones
    after the SKIP line of skip_reason()."""
    from tap import Tap
    why, path = skip_reason(moto)
    if why is not None:
        print("1..0 # SKIP " + why)
        return None, None, None
    t = Tap()
    print("1..%d" % plan)
    tmp = tempfile.mkdtemp(prefix=prefix)
    os.chmod(tmp, 0o755)
    return t, tmp, path


def stop(*procs):
    """Kills and reaps those of procs (None stands for none) still
    running."""
    for p in procs:
        if p is not None and p.poll() is None:
            p.kill()
            p.wait()


def finish(t, tmp, *procs, log="broker.log"):
    """A broker test's end: procs stopped, tmp/LOG on stderr if a test
    failed (LOG None: nothing), tmp removed. Returns the exit status."""
    stop(*procs)
    if t.failed and log is not None:
        with open(os.path.join(tmp, log)) as f:
            sys.stderr.write(f.read())
    subprocess.run(["rm", "-rf", tmp])
    return 1 if t.failed else 0
