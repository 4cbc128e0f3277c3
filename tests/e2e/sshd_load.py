#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""sshd_load.py: the Python side of tests/e2e/sshd_load.sh.

  sshd_load.py hang PORTFILE COUNTFILE
      An STS that hangs: listens on a loopback port (written to PORTFILE),
      accepts every connection and never answers or closes it. Writes the
      number of connections accepted so far to COUNTFILE. Runs until killed.

  sshd_load.py logins KEY PORT OUTDIR LIMIT USER...
      Logs in as every USER at once (one `ssh USER@127.0.0.1 env` each,
      all started together) and waits for all. Writes each remote
      environment to OUTDIR/env-USER and its stderr to OUTDIR/err-USER, and
      prints one line per user: "USER EXIT SECONDS" (wall time of that ssh;
      EXIT 124 when it ran past LIMIT seconds and was killed).

  sshd_load.py whoami ENDPOINT OUTDIR USER...
      For each USER, calls STS GetCallerIdentity at ENDPOINT (signed with
      botocore's SigV4Auth: one client per user is slow) with the
      AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN found
      in OUTDIR/env-USER, and prints "USER ARN KEYID" (ARN "-" when there
      were no credentials or the call failed, the reason on stderr).
      Needs botocore: the interpreter's own, or the one vendored by
      Debian's awscli package.
"""

import os
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.request
import xml.etree.ElementTree as ET


def hang(portfile, countfile):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(256)
    tmp = portfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.rename(tmp, portfile)
    held = []
    while True:
        ready, _, _ = select.select([srv] + held, [], [])
        for s in ready:
            if s is srv:
                conn, _ = srv.accept()
                held.append(conn)
                with open(countfile + ".tmp", "w") as f:
                    f.write("%d\n" % len(held))
                os.rename(countfile + ".tmp", countfile)
            else:
                # Read and drop what the client sends; never answer. A
                # client that gives up is closed on our side too.
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    held.remove(s)
                    s.close()


def logins(key, port, outdir, limit, users):
    results = {}
    start = threading.Barrier(len(users))

    def one(user):
        argv = ["ssh", "-i", key, "-p", port, "-o", "BatchMode=yes",
                "-o", "ConnectTimeout=%d" % int(limit),
                "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                user + "@127.0.0.1", "env"]
        with open(os.path.join(outdir, "env-" + user), "wb") as out, \
                open(os.path.join(outdir, "err-" + user), "wb") as err:
            start.wait()
            t0 = time.monotonic()
            p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out,
                                 stderr=err)
            try:
                rc = p.wait(timeout=limit)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
                rc = 124
            results[user] = (rc, time.monotonic() - t0)

    threads = [threading.Thread(target=one, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for u in users:
        rc, secs = results[u]
        print("%s %d %.3f" % (u, rc, secs))


def read_env(path):
    env = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            k, sep, v = line.rstrip("\n").partition("=")
            if sep and k.startswith("AWS_"):
                env[k] = v
    return env


def whoami(endpoint, outdir, users):
    try:
        import botocore.auth
    except ImportError:
        import awscli.clidriver  # noqa: F401  (Debian: adds botocore)
        import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    body = "Action=GetCallerIdentity&Version=2011-06-15"
    ns = "{https://sts.amazonaws.com/doc/2011-06-15/}"
    for u in users:
        env = read_env(os.path.join(outdir, "env-" + u))
        key = env.get("AWS_ACCESS_KEY_ID")
        if not key or not env.get("AWS_SECRET_ACCESS_KEY"):
            print("%s - -" % u)
            continue
        try:
            req = AWSRequest(method="POST", url=endpoint + "/", data=body,
                             headers={"Content-Type": "application/"
                                      "x-www-form-urlencoded; charset=utf-8"})
            creds = Credentials(key, env["AWS_SECRET_ACCESS_KEY"],
                                env.get("AWS_SESSION_TOKEN"))
            botocore.auth.SigV4Auth(creds, "sts", "us-east-1").add_auth(req)
            http = urllib.request.Request(
                endpoint + "/", data=body.encode(), method="POST",
                headers=dict(req.headers.items()))
            with urllib.request.urlopen(http, timeout=10) as r:
                doc = ET.fromstring(r.read())
            arn = doc.find(".//%sArn" % ns)
            arn = arn.text if arn is not None else "-"
        except Exception as e:  # noqa: BLE001  (any failure is reported)
            print("%s: %s" % (u, e), file=sys.stderr)
            arn = "-"
        print("%s %s %s" % (u, arn, key))


def main(argv):
    if len(argv) == 4 and argv[1] == "hang":
        hang(argv[2], argv[3])
    elif len(argv) > 6 and argv[1] == "logins":
        logins(argv[2], argv[3], argv[4], float(argv[5]), argv[6:])
    elif len(argv) > 4 and argv[1] == "whoami":
        whoami(argv[2], argv[3], argv[4:])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
