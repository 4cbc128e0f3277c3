#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""shell_formats.py: `awscred export` never prints a value a shell would
run. A plain-http container endpoint (tests/lib/fault_server.py on
loopback) serves an AccessKeyId "ASIA$(touch X)", a secret with
backquotes and a token with ";": for every line format (env,
env-no-export, fish, powershell, windows-cmd) awscred exits 255 with
nothing on stdout and an error naming the variable, and for the sh
formats `eval "$(awscred export ...)"` creates no X. A value inside the
alphabets from the same endpoint still evals to itself. Prints TAP."""

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

FORMATS = ["env", "env-no-export", "fish", "powershell", "windows-cmd"]
SH_FORMATS = ["env", "env-no-export"]
SAFE = {"AccessKeyId": "ASIASAFEEXAMPLE1",
        "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        "Token": "FwoGZXIvYXdzEBYaDBase64Token+With/Slashes=="}
# Each path serves one hostile value; the variable it must be named by.
HOSTILE = {
    "/key": ("AccessKeyId", "ASIA$(touch X)", "AWS_ACCESS_KEY_ID"),
    "/secret": ("SecretAccessKey", "abc`touch X`", "AWS_SECRET_ACCESS_KEY"),
    "/token": ("Token", "tok\";touch X;\"", "AWS_SESSION_TOKEN"),
}


def document(field=None, value=None):
    doc = dict(SAFE)
    doc["Expiration"] = time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                      time.gmtime(time.time() + 3600))
    if field is not None:
        doc[field] = value
    return doc


def run(work, port, path, fmt, through_sh):
    env = {"HOME": work, "PATH": "/usr/bin:/bin",
           "AWS_CONFIG_FILE": os.path.join(work, "no-config"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(work, "no-creds"),
           "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_CONTAINER_CREDENTIALS_FULL_URI":
               "http://127.0.0.1:%d%s" % (port, path),
           "AWSCRED_NET_MODULE": NET_MODULE}
    argv = [AWSCRED, "export", "--format", fmt]
    if through_sh:
        env["AWSCRED"] = AWSCRED
        argv = ["sh", "-c", 'out=$("$AWSCRED" export --format %s) || '
                'exit $?; eval "$out"; export AWS_ACCESS_KEY_ID; '
                'echo "key=$AWS_ACCESS_KEY_ID"' % fmt]
    return subprocess.run(argv, env=env, cwd=work, capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


def main():
    t = Tap()
    if not os.access(AWSCRED, os.X_OK):
        print("1..0 # SKIP %s is not built" % AWSCRED)
        return 0
    work = tempfile.mkdtemp(prefix="awscred-shell.")
    script = os.path.join(work, "script.json")
    routes = [{"path": p, "response": {"json": document(f, v)}}
              for p, (f, v, _) in HOSTILE.items()]
    routes.append({"path": "/safe", "response": {"json": document()}})
    with open(script, "w") as f:
        json.dump({"routes": routes}, f)
    server, port = fault_server.start(script)
    marker = os.path.join(work, "X")
    try:
        print("1..%d" % (len(HOSTILE) * len(FORMATS) + len(SH_FORMATS)))
        for fmt in SH_FORMATS:
            p = run(work, port, "/safe", fmt, True)
            t.ok(p.returncode == 0 and p.stdout == "key=%s\n"
                 % SAFE["AccessKeyId"],
                 "%s: a value inside the alphabets evals to itself" % fmt,
                 "rc=%d stdout=%r stderr=%r" % (p.returncode, p.stdout,
                                                p.stderr))
        for path, (field, value, var) in HOSTILE.items():
            for fmt in FORMATS:
                p = run(work, port, path, fmt, fmt in SH_FORMATS)
                created = os.path.exists(marker)
                if created:
                    os.unlink(marker)
                good = (p.returncode == 255 and p.stdout == ""
                        and not created and var in p.stderr
                        and "refusing to print it for a shell" in p.stderr)
                t.ok(good, "%s: %s %r refused, naming %s%s"
                     % (fmt, field, value, var,
                        ", nothing run by eval" if fmt in SH_FORMATS
                        else ""),
                     "rc=%d created=%s stdout=%r stderr=%r"
                     % (p.returncode, created, p.stdout, p.stderr))
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)
    return 0 if t.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
