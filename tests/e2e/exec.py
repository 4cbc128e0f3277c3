#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""exec.py: `awscred exec -- CMD` as a user runs it (awscred(1)).

A session with deliver=endpoint holds only AWS_CONTAINER_CREDENTIALS_FULL_URI
and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE; a loopback container endpoint
(tests/lib/fault_server.py) answers only with the token from that file.
`awscred exec -- env` gives CMD the keys it serves and neither the pointers
nor AWS_PROFILE; it runs CMD in place (same pid). With a static profile the
profile's keys and region reach CMD. CMD's exit status is kept; a missing
command is 127 and one that cannot run 126, as in a shell; a failed
resolution exits with export's status and words, and CMD does not run.
Prints TAP."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

TOP_BUILDDIR = os.environ.get("top_builddir", ".")
TOP_SRCDIR = os.environ.get("top_srcdir", ".")
AWSCRED = os.path.abspath(os.path.join(TOP_BUILDDIR, "cli", "awscred"))
NET_MODULE = os.path.abspath(os.environ.get(
    "AWSCRED_NET_MODULE",
    os.path.join(TOP_BUILDDIR, "libawscred", ".libs", "awscred-net.so")))
sys.path.insert(0, os.path.join(TOP_SRCDIR, "tests", "lib"))
from tap import Tap  # noqa: E402
import fault_server  # noqa: E402

TOKEN = "a" * 64
SERVED = {"AccessKeyId": "ASIAENDPOINTEXEC0001",
          "SecretAccessKey": "endpointSecret/abcdefghijklmnopqrstu+0",
          "Token": "IQoJb3JpZ2luX2VjEndpointSessionToken+/=="}
STATIC_KEY = "AKIASTATICEXEC00001"
STATIC_SECRET = "staticSecret/abcdefghijklmnopqrstuvwx+0"
POINTERS = ["AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_PROFILE"]


def environ_of(text):
    return dict(line.split("=", 1) for line in text.splitlines()
                if "=" in line)


def main():
    t = Tap()
    if not os.access(AWSCRED, os.X_OK):
        print("1..0 # SKIP %s is not built" % AWSCRED)
        return 0
    work = tempfile.mkdtemp(prefix="awscred-exec.")
    served = dict(SERVED)
    served["Expiration"] = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                         time.gmtime(time.time() + 3600))
    script = os.path.join(work, "script.json")
    with open(script, "w") as f:
        json.dump({"routes": [{"path": "/v1/credentials",
                               "headers": {"authorization": TOKEN},
                               "response": {"json": served}}],
                   "default": {"status": 403, "json": {
                       "code": "AccessDenied", "message": "bad token"}}}, f)
    token_file = os.path.join(work, "token")
    with open(token_file, "w") as f:
        f.write(TOKEN)
    creds = os.path.join(work, "credentials")
    with open(creds, "w") as f:
        f.write("[static]\naws_access_key_id = %s\naws_secret_access_key = %s"
                "\n" % (STATIC_KEY, STATIC_SECRET))
    config = os.path.join(work, "config")
    with open(config, "w") as f:
        f.write("[profile static]\nregion = eu-north-1\n")
    server, port = fault_server.start(script)
    base = {"HOME": work, "PATH": "/usr/bin:/bin",
            "AWS_CONFIG_FILE": config, "AWS_SHARED_CREDENTIALS_FILE": creds,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWSCRED_NET_MODULE": NET_MODULE}
    session = dict(base)
    session.update({
        "AWS_CONTAINER_CREDENTIALS_FULL_URI":
            "http://127.0.0.1:%d/v1/credentials" % port,
        "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": token_file,
        "AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "eu-west-1"})

    def run(argv, env):
        return subprocess.run([AWSCRED] + argv, env=env, cwd=work,
                              capture_output=True, text=True, timeout=60,
                              stdin=subprocess.DEVNULL)

    def diag(p):
        return "rc=%d stdout=%r stderr=%r" % (p.returncode, p.stdout,
                                              p.stderr)

    try:
        print("1..11")
        p = run(["exec", "--", "env"], session)
        env = environ_of(p.stdout)
        t.ok(p.returncode == 0
             and env.get("AWS_ACCESS_KEY_ID") == SERVED["AccessKeyId"]
             and env.get("AWS_SECRET_ACCESS_KEY") == SERVED["SecretAccessKey"]
             and env.get("AWS_SESSION_TOKEN") == SERVED["Token"]
             and env.get("AWS_CREDENTIAL_EXPIRATION", "").endswith("+00:00"),
             "in an endpoint session CMD gets the keys the endpoint serves",
             diag(p))
        t.ok(not any(n in env for n in POINTERS),
             "and neither the pointers nor AWS_PROFILE",
             [n for n in POINTERS if n in env])
        t.ok(env.get("AWS_REGION") == "eu-west-1",
             "the session's region stays when the resolution has none", env)

        p = run(["export"], session)
        t.ok(p.returncode == 0
             and json.loads(p.stdout or "{}").get("AccessKeyId")
             == SERVED["AccessKeyId"],
             "awscred export in the same session reads the endpoint",
             diag(p))

        p = subprocess.Popen([AWSCRED, "exec", "--", "sh", "-c", "echo $$"],
                             env=session, stdout=subprocess.PIPE, text=True)
        out = p.communicate(timeout=60)[0].strip()
        t.ok(p.returncode == 0 and out == str(p.pid),
             "CMD replaces awscred (execvp: no extra process)",
             (out, p.pid))

        static = dict(base, AWS_PROFILE="other")
        p = run(["exec", "--profile", "static", "--", "env"], static)
        env = environ_of(p.stdout)
        t.ok(p.returncode == 0 and env.get("AWS_ACCESS_KEY_ID") == STATIC_KEY
             and env.get("AWS_SECRET_ACCESS_KEY") == STATIC_SECRET
             and "AWS_SESSION_TOKEN" not in env
             and env.get("AWS_REGION") == "eu-north-1"
             and env.get("AWS_DEFAULT_REGION") == "eu-north-1"
             and "AWS_PROFILE" not in env,
             "--profile: the static profile's keys and region, no"
             " AWS_PROFILE", diag(p))

        p = run(["exec", "--profile", "static", "--", "sh", "-c", "exit 7"],
                base)
        t.ok(p.returncode == 7, "CMD's exit status is awscred's", diag(p))

        p = run(["exec", "--profile", "static", "--", "no-such-command-x"],
                base)
        t.ok(p.returncode == 127 and "no-such-command-x" in p.stderr,
             "a missing command exits 127, as in a shell", diag(p))

        p = run(["exec", "--profile", "static", "--", creds], base)
        t.ok(p.returncode == 126, "a command that cannot run exits 126",
             diag(p))

        marker = os.path.join(work, "ran")
        p = run(["exec", "--profile", "missing", "--", "touch", marker], base)
        want = run(["export", "--profile", "missing"], base)
        t.ok(p.returncode == want.returncode != 0
             and p.stderr == want.stderr and not os.path.exists(marker),
             "a failed resolution: export's status and words, CMD not run",
             diag(p) + " export: " + diag(want))

        p = run(["exec"], base)
        t.ok(p.returncode == 252 and "no command" in p.stderr,
             "no command is a usage error (252)", diag(p))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)
    return 0 if t.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
