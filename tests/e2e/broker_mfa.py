# SPDX-License-Identifier: MIT
"""broker_mfa.py: awscredd and a login with MFA (pam_awscred's mfa;
awscredd/mfa.c). The session's credentials came from a code typed once,
so the broker serves them until they expire and then answers "MFA
session ended: log in again", without resolving the profile again: a
resolution without the code would hand out credentials that never saw
MFA. The same registration without mfa is refreshed (the control case).

The profile is a credential_process that counts its runs (what a refresh
without MFA would use); the login's credentials last LIFETIME seconds and
refresh_before is longer, so a refresh is due from the first request.
"""

import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests",
                                "lib"))
from tap import Tap  # noqa: E402
from broker import get, BROKER  # noqa: E402
from broker_lib import control, free_port  # noqa: E402

BUILD = os.path.abspath(os.environ.get("top_builddir", "."))
WORKER = os.path.join(BUILD, "pam_awscred", "awscred-worker")
LIFETIME = 6
REFRESH_BEFORE = 30

ISSUE = r"""#!/usr/bin/python3
import datetime, json, os, time
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "runs"), "a") as f:
    f.write("run\n")
exp = datetime.datetime.fromtimestamp(time.time() + 3600,
                                      datetime.timezone.utc)
print(json.dumps({
    "Version": 1, "AccessKeyId": "ASIANOMFAREFRESHED01",
    "SecretAccessKey": "noMfaSecret/noMfaSecret+noMfaSecret0000",
    "SessionToken": "noMfaSessionToken+/==",
    "Expiration": exp.strftime("%Y-%m-%dT%H:%M:%SZ")}))
"""


def runs(tmp):
    try:
        with open(os.path.join(tmp, "runs")) as f:
            return len(f.read().splitlines())
    except OSError:
        return 0


def login(sock, uid, argv):
    """The registration a login with deliver=endpoint makes."""
    rec = {"op": "open_session", "user": "root", "uid": str(uid),
           "mode": "user", "profile": "dev", "files": "", "service": "sshd",
           "rhost": "192.0.2.9", "tty": "ssh",
           "access_key_id": "ASIAMFASESSIONKEY001",
           "secret_access_key": "mfaSessionSecret/mfaSessionSecret+mfaS",
           "session_token": "FwoGZXIvYXdzEMFAsessiontoken",
           "expiration": str(int(time.time()) + LIFETIME),
           "region": "eu-west-1", "argc": str(len(argv))}
    rec.update({"arg.%d" % i: a for i, a in enumerate(argv)})
    return control(sock, rec)


def main():
    if os.geteuid() != 0:
        print("1..0 # SKIP needs root (a root control socket)")
        return 0
    t = Tap()
    tmp = tempfile.mkdtemp(prefix="broker-mfa.")
    os.chmod(tmp, 0o755)
    print("1..4")
    sock = os.path.join(tmp, "broker.sock")
    port = free_port()
    host = "127.0.0.1:%d" % port
    conf = os.path.join(tmp, "broker.conf")
    with open(conf, "w") as f:
        f.write("[broker]\nlisten = %s\ncontrol_socket = %s\n"
                "refresh_before = %ds\n" % (host, sock, REFRESH_BEFORE))
    modconf = os.path.join(tmp, "pam_awscred.conf")
    open(modconf, "w").close()
    awsconf = os.path.join(tmp, "aws_config")
    with open(awsconf, "w") as f:
        f.write("[profile dev]\ncredential_process = %s/issue.py\n" % tmp)
    with open(os.path.join(tmp, "issue.py"), "w") as f:
        f.write(ISSUE)
    os.chmod(os.path.join(tmp, "issue.py"), 0o755)
    argv = ["conf=" + modconf, "worker=" + WORKER, "mode=user",
            "profile=dev", "config_file=" + awsconf,
            "credentials_file=" + os.path.join(tmp, "credentials"),
            "ignore_root=no", "minimum_uid=0", "clock_check=never",
            "region=eu-west-1"]
    log = open(os.path.join(tmp, "broker.log"), "w+")
    broker = subprocess.Popen([BROKER, "--foreground", "--conf", conf],
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.05)
        first = login(sock, 0, argv + ["mfa"])
        token = first.get("token", "")
        served = [get(port, "/v1/credentials", host, token)]
        time.sleep(1)
        served.append(get(port, "/v1/credentials", host, token))
        t.ok(all(s == 200 and "ASIAMFASESSIONKEY001" in b
                 for s, b in served),
             "with mfa: the login's credentials are served while valid",
             served)
        deadline = time.time() + LIFETIME + 10
        while time.time() < deadline:
            status, body = get(port, "/v1/credentials", host, token)
            if status != 200:
                break
            time.sleep(1)
        t.ok(status == 503 and "MFA session ended: log in again" in body,
             "then HTTP 503: MFA session ended: log in again",
             (status, body))
        t.ok(runs(tmp) == 0,
             "and the profile was never resolved again without MFA",
             runs(tmp))

        # The control case: the same registration without mfa refreshes.
        second = login(sock, 0, argv + ["credential_process=allow"])
        deadline = time.time() + LIFETIME + 10
        while time.time() < deadline:
            status, body = get(port, "/v1/credentials", host,
                               second.get("token", ""))
            if "ASIANOMFAREFRESHED01" in body:
                break
            time.sleep(1)
        t.ok(status == 200 and "ASIANOMFAREFRESHED01" in body
             and runs(tmp) >= 1,
             "without mfa the same registration is refreshed",
             (status, body[:200], runs(tmp)))
    finally:
        if broker.poll() is None:
            broker.kill()
            broker.wait()
        if t.failed:
            log.seek(0)
            sys.stderr.write(log.read())
        subprocess.run(["rm", "-rf", tmp])
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
