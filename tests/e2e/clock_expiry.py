#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""clock_expiry.py: expiry is judged by AWS's clock, not a skewed local
one. `awscred export` assumes a role against a loopback STS
(tests/lib/fault_server.py, whose Date header is the true time) while
libfaketime shifts awscred's clock by 20 minutes:
- clock 20 min fast, credentials valid for 15 more minutes: locally they
  look expired 5 min ago, but are exported, with AWS's Expiration;
- clock 20 min slow, credentials that expired 5 min ago (true time):
  locally they look valid for 15 more minutes. The loopback STS is plain
  http, a clock anyone on the path could forge, and such a reading never
  withholds credentials (libawscred/clock/clock.c, ctx_expired): exported. An
  authenticated reading would withhold them (tests/unit/test_clock.c).
Prints TAP."""

import datetime
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clock_lib import (AWSCRED, NET_MODULE, Tap, assume_role_doc,  # noqa
                       faketime_env, iso, skip_reason)
import fault_server  # noqa: E402

CONFIG = """\
[profile role]
role_arn = arn:aws:iam::123456789012:role/r
source_profile = base
"""
CREDENTIALS = """\
[base]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
"""
KEY_ID = "ASIACLOCKEXAMPLE"


def export(work, port, path, shift):
    """awscred --profile role export in a fresh HOME (no cache), with the
    clock shifted by libfaketime."""
    home = tempfile.mkdtemp(dir=work)
    os.makedirs(os.path.join(home, ".aws"))
    with open(os.path.join(home, ".aws", "config"), "w") as f:
        f.write(CONFIG)
    with open(os.path.join(home, ".aws", "credentials"), "w") as f:
        f.write(CREDENTIALS)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(faketime_env(shift))
    env.update({"HOME": home, "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_REGION": "us-east-1",
                "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:%d%s" % (port, path)})
    env["AWSCRED_NET_MODULE"] = NET_MODULE
    return subprocess.run([AWSCRED, "--profile", "role", "export"], env=env,
                          capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, start_new_session=True)


def main():
    why = skip_reason(AWSCRED)
    if why:
        print("1..0 # SKIP " + why)
        return 0
    work = tempfile.mkdtemp(prefix="awscred-clock-expiry.")
    now = time.time()
    expired = iso(now - 300)
    valid = iso(now + 900)
    script = os.path.join(work, "script.json")
    with open(script, "w") as f:
        json.dump({"routes": [
            {"path": "/expired/", "response": {
                "status": 200, "body": assume_role_doc(KEY_ID, expired)}},
            {"path": "/valid/", "response": {
                "status": 200, "body": assume_role_doc(KEY_ID, valid)}},
        ]}, f)
    server, port = fault_server.start(script)
    t = Tap()
    print("1..5")
    try:
        p = export(work, port, "/expired/", "-20m")
        t.ok(p.returncode == 0 and KEY_ID in p.stdout,
             "clock 20 min slow: credentials expired 5 min ago by a plain-"
             "http clock are exported all the same (it could be forged)",
             p.stdout + p.stderr)
        t.ok("expired" not in p.stderr,
             "clock 20 min slow: no expiry error from an unauthenticated "
             "clock", p.stderr)

        p = export(work, port, "/valid/", "+20m")
        doc = None
        try:
            doc = json.loads(p.stdout)
        except ValueError:
            pass
        t.ok(p.returncode == 0 and doc is not None
             and doc.get("AccessKeyId") == KEY_ID,
             "clock 20 min fast: credentials valid 15 more min by AWS's "
             "clock are exported", p.stdout + p.stderr)
        want = datetime.datetime.fromisoformat(valid.replace("Z", "+00:00"))
        got = doc and doc.get("Expiration")
        t.ok(got is not None
             and datetime.datetime.fromisoformat(got) == want,
             "clock 20 min fast: Expiration is AWS's, in UTC (%s)" % got,
             p.stdout)

        p = export(work, port, "/valid/", "+0")
        t.ok(p.returncode == 0 and KEY_ID in p.stdout,
             "synchronised clock: valid credentials are exported",
             p.stdout + p.stderr)
    finally:
        server.terminate()
        server.wait(timeout=10)
    if t.failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
