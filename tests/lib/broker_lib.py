# SPDX-License-Identifier: MIT
"""broker_lib.py: awscredd's control protocol for the tests and the
benchmark (tests/e2e/broker*.py, bench/broker.py): one frame in the
worker's result format each way (awscredd/control.c)."""

import socket


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
