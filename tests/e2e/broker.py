# SPDX-License-Identifier: MIT
"""broker.py: awscredd with real clients (man/awscredd.8).

The broker runs on a free loopback port with a temporary control socket.
A login registers a session over the control socket as the module would;
botocore's container provider and `awscred export` then fetch the
credentials through AWS_CONTAINER_CREDENTIALS_FULL_URI and
AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE. Another user with a copy of the
token, a wrong token, a forged Host and a non-root control client are
refused; after the last logout the token is refused.

botocore is installed for root only here, so root is the session's user
and nobody the other user (run with setpriv and the system python3).
"""

import datetime
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests", "lib"))
import audit_line  # noqa: E402
from broker_lib import begin, control, finish, start_broker  # noqa: E402

BUILD = os.environ.get("top_builddir", ".")
BROKER = os.path.join(BUILD, "awscredd", "awscredd")
AWSCRED = os.path.join(BUILD, "cli", "awscred")
NOBODY = 65534
KEY_ID = "ASIABROKERTEST00001"
SECRET = "brokerSecretKey/abcdefghijklmnopqrstu+0"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEBrokerSessionToken+/=="
SYSTEM_PYTHON = "/usr/bin/python3"

# A raw GET run as another uid: prints the status and the body.
RAW_GET = r"""
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=5)
c.putrequest("GET", sys.argv[2], skip_host=True)
c.putheader("Host", sys.argv[3])
if sys.argv[4]:
    c.putheader("Authorization", sys.argv[4])
c.endheaders()
r = c.getresponse()
print(r.status)
print(r.read().decode())
"""


# Opens n connections as another uid and sends nothing; prints how many
# the broker closed at once, then holds the rest until stdin closes.
IDLE = r"""
import select, socket, sys, time
held = []
for _ in range(int(sys.argv[2])):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    held.append(s)
time.sleep(1)
closed = 0
for s in select.select(held, [], [], 0)[0]:
    try:
        closed += s.recv(1) == b""
    except OSError:
        closed += 1
print(closed, flush=True)
sys.stdin.read()
"""


def get(port, path, host, token, uid=None):
    argv = [SYSTEM_PYTHON, "-c", RAW_GET, str(port), path, host, token or ""]
    if uid is not None:
        argv = ["setpriv", "--reuid=%d" % uid, "--regid=%d" % uid,
                "--clear-groups"] + argv
    out = subprocess.run(argv, capture_output=True, text=True, timeout=20)
    lines = out.stdout.split("\n", 1)
    try:
        return int(lines[0]), lines[1] if len(lines) > 1 else ""
    except ValueError:
        return 0, out.stderr


def open_session(sock, uid, user, expires, clock_offset=0, extra=None):
    rec = {
        "op": "open_session", "user": user, "uid": str(uid), "mode": "user",
        "profile": "dev", "files": "", "service": "sshd",
        "rhost": "192.0.2.7", "tty": "ssh", "access_key_id": KEY_ID,
        "secret_access_key": SECRET, "session_token": SESSION_TOKEN,
        "expiration": str(int(expires)), "clock_offset": str(clock_offset),
        "account_id": "123456789012",
        "region": "eu-west-1"}
    rec.update(extra or {})
    return control(sock, rec)


def client_env(url, token_file):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": url,
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": token_file,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
    })
    return env


def main():
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        print("1..0 # SKIP no %s for the other user" % SYSTEM_PYTHON)
        return 0
    t, tmp, _ = begin("broker.", 19)
    if t is None:
        return 0
    broker, sock, port, log = start_broker(BROKER, tmp, "broker",
                                           "retain_after_close = 0\n")
    try:
        host = "127.0.0.1:%d" % port
        st = os.stat(sock)
        t.ok(st.st_mode & 0o777 == 0o600 and st.st_uid == 0,
             "the control socket is root's, mode 0600", oct(st.st_mode))

        # This host's clock is 10 minutes behind AWS's, as measured.
        expires = int(time.time()) + 3600
        answer = open_session(sock, 0, "root", expires, 600)
        token = answer.get("token", "")
        url = answer.get("url", "")
        t.ok(answer.get("result") == "ok" and len(token) == 64
             and url == "http://%s/v1/credentials" % host,
             "open_session answers a token and the loopback URL", answer)

        tokdir = os.path.join(tmp, "users", "0")
        os.makedirs(tokdir, mode=0o700)
        token_file = os.path.join(tokdir, "token")
        fd = os.open(token_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, token.encode())
        os.close(fd)

        env = client_env(url, token_file)
        code = ("import botocore.session\n"
                "c = botocore.session.get_session().get_credentials()\n"
                "f = c.get_frozen_credentials()\n"
                "print(c.method, f.access_key, f.secret_key, f.token)\n")
        out = subprocess.run([sys.executable, "-c", code], env=env,
                             capture_output=True, text=True, timeout=30)
        t.ok(out.stdout.split() == ["container-role", KEY_ID, SECRET,
                                    SESSION_TOKEN],
             "botocore's container provider gets the session's credentials",
             out.stdout + out.stderr)

        out = subprocess.run([AWSCRED, "export", "--format", "process"],
                             env=env, capture_output=True, text=True,
                             timeout=30)
        try:
            doc = json.loads(out.stdout)
        except ValueError:
            doc = {}
        t.ok(doc.get("AccessKeyId") == KEY_ID
             and doc.get("SessionToken") == SESSION_TOKEN,
             "awscred export reads them through the container provider",
             out.stdout + out.stderr)

        status, body = get(port, "/v1/credentials", host, token)
        local = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires - 600))
        t.ok(status == 200 and json.loads(body).get("Expiration") == local
             and json.loads(body).get("AccountId") == "123456789012",
             "Expiration is in local-clock terms: 10 minutes earlier;"
             " AccountId as registered",
             (local, body.replace(SECRET, "...")))

        status, body = get(port, "/v1/credentials", host, token, NOBODY)
        t.ok(status == 403 and "AccessDenied" in body,
             "another uid with a copy of the token is refused", (status, body))
        t.ok(SECRET not in body, "and gets no secret", body)

        status, body = get(port, "/v1/credentials", "localhost:%d" % port,
                           token)
        t.ok(status == 403 and "InvalidHost" in body,
             "a Host name instead of the loopback literal is refused",
             (status, body))

        status, body = get(port, "/v1/credentials", host, "0" * 64)
        t.ok(status == 403, "a wrong token is refused", (status, body))

        # nobody has sent one wrong token (the copy) already: 9 more are
        # answered 403, then 429 for the rest of the minute, even the
        # right token.
        limited = [get(port, "/v1/credentials", host, "x", NOBODY)[0]
                   for _ in range(10)]
        status, _ = get(port, "/v1/credentials", host, token, NOBODY)
        t.ok(limited == [403] * 9 + [429] and status == 429,
             "wrong tokens are rate-limited per uid", (limited, status))
        status, _ = get(port, "/v1/credentials", host, token)
        t.ok(status == 200, "the session's user is not limited by another's",
             status)

        out = subprocess.run(
            ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY,
             "--clear-groups", SYSTEM_PYTHON, "-c",
             "import socket,sys; s=socket.socket(socket.AF_UNIX);"
             "s.connect(sys.argv[1])", sock],
            capture_output=True, text=True, timeout=20)
        t.ok(out.returncode != 0 and "PermissionError" in out.stderr,
             "a non-root user cannot reach the control socket", out.stderr)

        bad = control(sock, {"op": "open_session", "uid": "0", "user": "root",
                             "mode": "user", "access_key_id": KEY_ID,
                             "secret_access_key": "not base64!",
                             "expiration": "99"})
        t.ok(bad.get("result") == "error"
             and "secret_access_key" in bad.get("message", ""),
             "a malformed registration is refused with a reason", bad)

        bad = control(sock, {"op": "open_session", "uid": "0", "user": "root",
                             "mode": "system", "access_key_id": KEY_ID,
                             "secret_access_key": SECRET,
                             "expiration": "99999999999",
                             "role": "arn:aws:iam::123456789012:role/a b",
                             "source_identity": "root"})
        t.ok(bad.get("result") == "error"
             and "role is not 20 to 2048" in bad.get("message", ""),
             "a registration's role outside STS's limits is refused", bad)

        idle = subprocess.Popen(
            ["setpriv", "--reuid=%d" % NOBODY, "--regid=%d" % NOBODY,
             "--clear-groups", SYSTEM_PYTHON, "-c", IDLE, str(port), "40"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            closed = idle.stdout.readline().strip()
            started = time.monotonic()
            status, _ = get(port, "/v1/credentials", host, token)
            took = time.monotonic() - started
        finally:
            idle.stdin.close()
            idle.wait(timeout=20)
        t.ok(closed == "8", "one uid's 33rd idle connection is closed at once",
             closed)
        t.ok(status == 200 and took < 5,
             "and another user is served meanwhile", (status, took))

        closed = control(sock, {"op": "close_session", "uid": "0",
                                "session": answer.get("session", "")})
        status, _ = get(port, "/v1/credentials", host, token)
        t.ok(closed.get("result") == "ok" and status == 403,
             "after the last logout the token is refused", (closed, status))

        broker.terminate()
        broker.wait(timeout=10)
        log.seek(0)
        text = log.read()
        t.ok(SECRET not in text and token not in text
             and SESSION_TOKEN not in text and KEY_ID in text,
             "the broker logs the access key id, never a secret or token",
             text)
        issued = [f for f in audit_line.lines(text)
                  if f.get("broker") == "issued"]
        when = datetime.datetime.fromtimestamp(expires, datetime.timezone.utc)
        t.ok(issued and issued[0]["user"] == "root"
             and issued[0]["uid"] == "0" and issued[0]["service"] == "sshd"
             and issued[0]["rhost"] == "192.0.2.7"
             and issued[0]["tty"] == "ssh"
             and issued[0]["access_key_id"] == KEY_ID
             and issued[0]["expires"] == when.isoformat()
             and issued[0]["session"] == answer.get("session"),
             "a login's set is logged in the module's line format,"
             " broker=issued, its expiry in ISO 8601 like the module's",
             issued[:1] or text)
    finally:
        status = finish(t, tmp, broker, log=None)
    return status


if __name__ == "__main__":
    sys.exit(main())
