# SPDX-License-Identifier: MIT
"""broker_lib.py: awscredd's control protocol for the tests and the
benchmark (tests/e2e/broker*.py, bench/broker.py): one frame in the
worker's result format each way (awscredd/control.c)."""

import os
import socket
import subprocess
import time


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
