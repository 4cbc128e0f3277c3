# SPDX-License-Identifier: MIT
"""broker_restart.py: a restarted awscredd recognises its sessions
(man/awscredd.8, RESTART), with botocore as the client.

A login registers a session with the module's options; the broker writes
a root-only record beside its control socket (sessions/UID: who, how to
resolve again, the SHA-256 of the token; no secret). The broker is killed
with SIGKILL and started again: a long-running botocore client of the
session, whose credentials last LIFETIME seconds (so it fetches them at
every call), gets credentials again without a new login, through one
resolution (the worker run again as at login); a different token is
refused; a record that is not root's alone is ignored with a log line; a
login after the restart and the logout of the session from before it
work; after the last logout the record is gone and the token refused.

Root is the session's user (botocore is installed for root only here).
"""

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests",
                                "lib"))
from broker import get, client_env, BROKER  # noqa: E402
from broker_lib import (begin, control, finish, start_broker,  # noqa: E402
                        wait_listening)
from broker_refresh import login, user_profile  # noqa: E402

LIFETIME = 600
NOBODY = 65534

# The profile's credential_process: counts its runs.
ISSUE = r"""#!/usr/bin/python3
import datetime, json, os, time
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "runs"), "a+") as f:
    f.seek(0)
    n = len(f.read().splitlines()) + 1
    f.write("%%d\n" %% n)
exp = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(
    seconds=%d)
print(json.dumps({
    "Version": 1, "AccessKeyId": "ASIARESTART%%09d" %% n,
    "SecretAccessKey": "restartSecret%%027d" %% n,
    "SessionToken": "restartSessionToken%%d+/==" %% n,
    "Expiration": exp.strftime("%%Y-%%m-%%dT%%H:%%M:%%SZ")}))
""" % LIFETIME

# A long-running botocore client: its credentials expire within
# botocore's mandatory refresh window, so every call fetches them from
# the container endpoint. One JSON line per call.
CLIENT = r"""
import json, sys, time, botocore.session
end = time.time() + float(sys.argv[1])
s = botocore.session.get_session()
while time.time() < end:
    rec = {"t": time.time()}
    try:
        rec["key"] = s.get_credentials().get_frozen_credentials().access_key
    except Exception as e:
        rec["err"] = str(e)[:200]
    print(json.dumps(rec), flush=True)
    time.sleep(0.5)
"""


def runs(tmp):
    try:
        with open(os.path.join(tmp, "runs")) as f:
            return len(f.read().splitlines())
    except OSError:
        return 0


def restart(tmp, log, nth):
    """awscredd started again with tmp/broker.conf, once it says it
    listens for the nth time (a killed broker's socket is still there)."""
    broker = subprocess.Popen(
        [BROKER, "--foreground", "--conf", os.path.join(tmp, "broker.conf")],
        stdout=log, stderr=subprocess.STDOUT)
    wait_listening(log, nth)
    return broker


def main():
    t, tmp, _ = begin("broker-restart.", 11)
    if t is None:
        return 0
    state = os.path.join(tmp, "sessions")
    argv = user_profile(tmp, ISSUE)
    awsconf = os.path.join(tmp, "aws_config")
    broker, sock, port, log = start_broker(
        BROKER, tmp, "broker", "retain_after_close = 0\n"
        "refresh_before = 60s\n")
    host = "127.0.0.1:%d" % port
    client = None
    try:
        first = login(sock, tmp, argv)
        token = first.get("token", "")
        record = os.path.join(state, "0")
        try:
            st_dir, st_rec = os.stat(state), os.stat(record)
            with open(record) as f:
                text = f.read()
        except OSError as e:
            st_dir = st_rec = None
            text = str(e)
        digest = hashlib.sha256(token.encode()).hexdigest()
        t.ok(first.get("result") == "ok" and st_dir is not None
             and st_dir.st_mode & 0o777 == 0o700 and st_dir.st_uid == 0
             and st_rec.st_mode & 0o777 == 0o600 and st_rec.st_uid == 0,
             "a login writes a record of root's, 0600 in a 0700 directory",
             (first.get("result"), st_dir, st_rec))
        t.ok(digest in text and token not in text
             and "restartSecret" not in text
             and "restartSessionToken" not in text
             and "config_file=" + awsconf in text,
             "the record holds the token's SHA-256, the module's options,"
             " no secret", text.replace(token, "TOKEN"))

        token_file = os.path.join(tmp, "users", "0", "token")
        os.makedirs(os.path.dirname(token_file), mode=0o700)
        with open(token_file, "w") as f:
            f.write(token)
        env = client_env(first["url"], token_file)
        client = subprocess.Popen([sys.executable, "-c", CLIENT, "14"],
                                  env=env, stdout=subprocess.PIPE, text=True)
        time.sleep(3)

        # Records the restarted broker must not believe.
        foreign = os.path.join(state, str(NOBODY))
        shutil.copy(record, foreign)
        os.chown(foreign, NOBODY, NOBODY)
        loose = os.path.join(state, "4242")
        with open(loose, "w") as f:
            f.write(text.replace("uid=0\n", "uid=4242\n"))
        os.chmod(loose, 0o644)

        broker.send_signal(signal.SIGKILL)
        broker.wait(timeout=10)
        killed = time.time()
        before = runs(tmp)
        time.sleep(1)
        broker = restart(tmp, log, 2)
        restarted = time.time()

        status, body = get(port, "/v1/credentials", host, "0" * 64)
        t.ok(status == 403 and "restartSecret" not in body,
             "after the restart a different token is refused",
             (status, body))
        status, body = get(port, "/v1/credentials", host, token, NOBODY)
        t.ok(status == 403, "and so is the token from another uid",
             (status, body))

        out, _ = client.communicate(timeout=60)
        lines = [json.loads(l) for l in out.splitlines() if l.strip()]
        after = [l for l in lines if l["t"] > restarted + 1]
        t.ok(lines and after and all("key" in l for l in after)
             and all("key" in l for l in lines if l["t"] < killed),
             "botocore started before the kill gets credentials again"
             " after the restart, without a new login",
             {"calls": len(lines), "after": len(after),
              "errors": sorted(set(l.get("err", "")[:60] for l in lines
                                   if "err" in l))})
        t.ok(runs(tmp) == before + 1,
             "through one resolution as the login's (the worker run"
             " again)", (before, runs(tmp)))

        log.flush()
        with open(log.name) as f:
            text = f.read()
        t.ok("saved session %d ignored" % NOBODY in text
             and "saved session 4242 ignored" in text
             and "1 saved sessions restored" in text,
             "records that are not root's alone are ignored with a log"
             " line", [l for l in text.splitlines() if "saved" in l])

        second = login(sock, tmp, argv)
        new_token = second.get("token", "")
        with open(token_file, "w") as f:
            f.write(new_token)
        status, _ = get(port, "/v1/credentials", host, new_token)
        t.ok(second.get("result") == "ok" and len(new_token) == 64
             and status == 200,
             "a login after the restart gets a token the broker serves",
             (second.get("result"), status))

        # A stop as systemd does it (SIGTERM) keeps the records too.
        broker.terminate()
        broker.wait(timeout=20)
        kept = os.path.exists(record)
        broker = restart(tmp, log, 3)
        status, _ = get(port, "/v1/credentials", host, new_token)
        t.ok(kept and status == 200,
             "a broker stopped with SIGTERM keeps its records: served"
             " again after the start", (kept, status))

        closed = [control(sock, {"op": "close_session", "uid": "0",
                                 "session": s.get("session", "")})
                  for s in (first, second)]
        status, _ = get(port, "/v1/credentials", host, new_token)
        t.ok([c.get("result") for c in closed] == ["ok", "ok"]
             and status == 403 and not os.path.exists(record),
             "the sessions from before and after the restart log out;"
             " the last one removes the record and the token is refused",
             (closed, status, os.path.exists(record)))

        broker.terminate()
        broker.wait(timeout=10)
        with open(log.name) as f:
            text = f.read()
        t.ok(token not in text and new_token not in text
             and "restartSecret" not in text,
             "the broker logs no token and no secret", "")
    finally:
        status = finish(t, tmp, client, broker)
    return status


if __name__ == "__main__":
    sys.exit(main())
