#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""sts_moto.py: the assume-role and web identity providers of `awscred
export` against moto_server on 127.0.0.1 (AWS_ENDPOINT_URL_STS), and the
AWS CLI v2 cache shared both ways. The credentials returned are checked
with `aws sts get-caller-identity` (Debian's /usr/bin/aws): they must name
the expected role and session. Prints TAP."""

import calendar
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

TOP_BUILDDIR = os.environ.get("top_builddir", ".")
TOP_SRCDIR = os.environ.get("top_srcdir", ".")
AWSCRED = os.path.join(TOP_BUILDDIR, "cli", "awscred")
AWS_V2 = "/usr/bin/aws"
AWS_V2_RUNNER = os.path.join(TOP_SRCDIR, "tests", "lib", "aws_v2.py")
ACCOUNT = "123456789012"
sys.path.insert(0, os.path.join(TOP_SRCDIR, "tests", "lib"))
from tap import Tap  # noqa: E402

BASE_KEY = "AKIAIOSFODNN7EXAMPLE"
BASE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"

CONFIG = """\
[profile hop1]
role_arn = arn:aws:iam::{a}:role/hop1
source_profile = base
role_session_name = first-hop

[profile hop2]
role_arn = arn:aws:iam::{a}:role/hop2
source_profile = hop1
role_session_name = second-hop

[profile extdur]
role_arn = arn:aws:iam::{a}:role/extdur
source_profile = base
external_id = ext-123
duration_seconds = 1800
role_session_name = extdur-session

[profile envsrc]
role_arn = arn:aws:iam::{a}:role/envrole
credential_source = Environment
role_session_name = env-session

[profile webprof]
role_arn = arn:aws:iam::{a}:role/webprofile
web_identity_token_file = {token}
role_session_name = web-profile-session

[profile interop]
role_arn = arn:aws:iam::{a}:role/interop
source_profile = base
"""

CREDENTIALS = """\
[base]
aws_access_key_id = {k}
aws_secret_access_key = {s}
"""


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_moto():
    for cand in (shutil.which("moto_server"), "/root/.pyenv/shims/moto_server"):
        if cand and os.access(cand, os.X_OK):
            return cand
    return None


def start_moto(moto, workdir):
    port = free_port()
    log = open(os.path.join(workdir, "moto.log"), "w")
    proc = subprocess.Popen([moto, "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT)
    url = "http://127.0.0.1:%d" % port
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return proc, None
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=2).read()
            return proc, url
        except OSError:
            time.sleep(0.3)
    return proc, None


def base_env(home, endpoint):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k not in ("HOME",)}
    env.update({
        "HOME": home,
        "AWS_CONFIG_FILE": os.path.join(home, ".aws", "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, ".aws",
                                                    "credentials"),
        "AWS_ENDPOINT_URL_STS": endpoint,
        # An endpoint override needs a region (botocore's NoRegionError).
        "AWS_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
    })
    if "AWSCRED_NET_MODULE" in os.environ:
        env["AWSCRED_NET_MODULE"] = os.environ["AWSCRED_NET_MODULE"]
    return env


def awscred_export(env, *args):
    p = subprocess.run([AWSCRED] + list(args) + ["export"], env=env,
                       capture_output=True, text=True, timeout=60)
    creds = None
    if p.returncode == 0:
        try:
            creds = json.loads(p.stdout)
        except ValueError:
            creds = None
    return p, creds


def caller_identity(creds, endpoint, home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "HOME": home,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
        "AWS_SESSION_TOKEN": creds.get("SessionToken", ""),
        "AWS_DEFAULT_REGION": "us-east-1",
    })
    p = subprocess.run([AWS_V2, "sts", "get-caller-identity", "--output",
                        "json", "--endpoint-url", endpoint], env=env,
                       capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        return None, p.stderr
    return json.loads(p.stdout), p.stderr


def expect_role(t, name, creds, endpoint, home, role, session):
    if creds is None:
        t.ok(False, name + ": GetCallerIdentity names the role and session",
             "no credentials")
        return
    ident, stderr = caller_identity(creds, endpoint, home)
    want = "arn:aws:sts::%s:assumed-role/%s/%s" % (ACCOUNT, role, session)
    got = ident and ident.get("Arn")
    ok = got == want if session else bool(got) and got.startswith(
        "arn:aws:sts::%s:assumed-role/%s/botocore-session-" % (ACCOUNT, role))
    t.ok(ok, name + ": GetCallerIdentity names %s" % (want if session else
                                                      role),
         "got %r\n%s" % (got, stderr))


def cache_entries(home):
    d = os.path.join(home, ".aws", "cli", "cache")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def main():
    if os.environ.get("ENABLE_MOTO_TESTS") == "no":
        print("1..0 # SKIP moto tests disabled (--disable-moto-tests)")
        return 0
    moto = find_moto()
    if moto is None:
        print("1..0 # SKIP moto_server not found (pip install 'moto[server]')")
        return 0
    if not os.access(AWSCRED, os.X_OK):
        print("1..0 # SKIP %s not built" % AWSCRED)
        return 0
    if not os.access(AWS_V2, os.X_OK):
        print("1..0 # SKIP %s (Debian awscli) not installed" % AWS_V2)
        return 0

    work = tempfile.mkdtemp(prefix="awscred-sts-moto.")
    proc, endpoint = start_moto(moto, work)
    if endpoint is None:
        proc.kill()
        print("1..0 # SKIP moto_server did not start (see %s)" % work)
        return 0
    t = Tap()
    print("1..16")
    try:
        run_tests(t, work, endpoint)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    if t.failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if t.failed else 0


def run_tests(t, work, endpoint):
    home = os.path.join(work, "home")
    os.makedirs(os.path.join(home, ".aws"))
    token = os.path.join(work, "web-token")
    with open(token, "w") as f:
        f.write("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl")
    with open(os.path.join(home, ".aws", "config"), "w") as f:
        f.write(CONFIG.format(a=ACCOUNT, token=token))
    with open(os.path.join(home, ".aws", "credentials"), "w") as f:
        f.write(CREDENTIALS.format(k=BASE_KEY, s=BASE_SECRET))
    env = base_env(home, endpoint)

    # Two hops: base (static) -> hop1 -> hop2.
    p, creds = awscred_export(env, "--profile", "hop2")
    t.ok(creds is not None and creds["AccessKeyId"].startswith("ASIA"),
         "two-hop source_profile chain returns session credentials", p.stderr)
    expect_role(t, "two-hop", creds, endpoint, home, "hop2", "second-hop")
    t.ok(len(cache_entries(home)) == 2,
         "both hops are cached in ~/.aws/cli/cache", cache_entries(home))
    p2, again = awscred_export(env, "--profile", "hop2")
    t.ok(again is not None and creds is not None
         and again["AccessKeyId"] == creds["AccessKeyId"],
         "a second export reuses the cached credentials", p2.stderr)
    entries = cache_entries(home)
    mode = os.stat(os.path.join(home, ".aws", "cli", "cache",
                                entries[0])).st_mode & 0o777 if entries else 0
    t.ok(mode == 0o600, "cache files are mode 0600", oct(mode))

    # External id and duration.
    p, creds = awscred_export(env, "--profile", "extdur")
    expect_role(t, "external_id + duration", creds, endpoint, home, "extdur",
                "extdur-session")
    if creds is not None:
        exp = calendar.timegm(time.strptime(creds["Expiration"][:19],
                                            "%Y-%m-%dT%H:%M:%S"))
        left = exp - time.time()
        t.ok(1500 < left <= 1800 + 60,
             "duration_seconds = 1800 gives a 30 minute credential",
             "seconds left: %d" % left)
    else:
        t.ok(False, "duration_seconds = 1800 gives a 30 minute credential",
             p.stderr)
    # botocore's key for these arguments (reference section 4.1).
    key = hashlib.sha1(json.dumps({
        "DurationSeconds": 1800, "ExternalId": "ext-123",
        "RoleArn": "arn:aws:iam::%s:role/extdur" % ACCOUNT,
        "RoleSessionName": "extdur-session"}, sort_keys=True)
        .encode()).hexdigest()
    t.ok(key + ".json" in cache_entries(home),
         "cache file name is the AWS CLI's key for the AssumeRole arguments",
         cache_entries(home))

    # credential_source = Environment.
    envsrc = dict(env, AWS_ACCESS_KEY_ID=BASE_KEY,
                  AWS_SECRET_ACCESS_KEY=BASE_SECRET)
    p, creds = awscred_export(envsrc, "--profile", "envsrc")
    expect_role(t, "credential_source = Environment", creds, endpoint, home,
                "envrole", "env-session")
    p, creds = awscred_export(env, "--profile", "envsrc")
    t.ok(creds is None and "credential_source" in p.stderr,
         "credential_source = Environment without keys is an error",
         p.stderr)

    # Web identity from the environment, then from a profile.
    webenv = dict(env, AWS_WEB_IDENTITY_TOKEN_FILE=token,
                  AWS_ROLE_ARN="arn:aws:iam::%s:role/webrole" % ACCOUNT,
                  AWS_ROLE_SESSION_NAME="web-env-session")
    p, creds = awscred_export(webenv)
    t.ok(creds is not None, "web identity from the environment", p.stderr)
    expect_role(t, "web identity (env)", creds, endpoint, home, "webrole",
                "web-env-session")
    p, creds = awscred_export(env, "--profile", "webprof")
    expect_role(t, "web identity (profile)", creds, endpoint, home,
                "webprofile", "web-profile-session")

    # The cache is shared with AWS CLI v2 both ways.
    cache_interop(t, env, home, endpoint)


def cache_interop(t, env, home, endpoint):
    cache = os.path.join(home, ".aws", "cli", "cache")
    shutil.rmtree(cache, ignore_errors=True)
    p = subprocess.run(["/usr/bin/python3", AWS_V2_RUNNER, "configure",
                        "export-credentials", "--profile", "interop"],
                       env=env, capture_output=True, text=True, timeout=120)
    cli_creds = json.loads(p.stdout) if p.returncode == 0 else None
    t.ok(cli_creds is not None and len(cache_entries(home)) == 1,
         "aws configure export-credentials fills ~/.aws/cli/cache",
         p.stderr)
    # awscred must take the CLI's entry without calling STS: send STS
    # calls nowhere.
    offline = dict(env, AWS_ENDPOINT_URL_STS="http://127.0.0.1:9")
    p, creds = awscred_export(offline, "--profile", "interop")
    t.ok(creds is not None and cli_creds is not None
         and creds["AccessKeyId"] == cli_creds["AccessKeyId"],
         "awscred export reuses the AWS CLI's cache entry", p.stderr)

    shutil.rmtree(cache, ignore_errors=True)
    p, creds = awscred_export(env, "--profile", "interop")
    p2 = subprocess.run([AWS_V2, "configure", "export-credentials",
                         "--profile", "interop"], env=offline,
                        capture_output=True, text=True, timeout=120)
    cli_creds = json.loads(p2.stdout) if p2.returncode == 0 else None
    t.ok(creds is not None and cli_creds is not None
         and creds["AccessKeyId"] == cli_creds["AccessKeyId"],
         "aws configure export-credentials reuses awscred's cache entry",
         p.stderr + p2.stderr)


if __name__ == "__main__":
    sys.exit(main())
