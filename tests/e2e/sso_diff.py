#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Differential test of the IAM Identity Center provider: `awscred export`
against Debian's AWS CLI v2 (`aws configure export-credentials` through
tests/lib/aws_v2.py, which points its sso and sso-oidc clients at
AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC), both talking to one
loopback fault server (tests/lib/fault_server.py) that plays the portal
and SSO-OIDC. Prints TAP.

Each scenario runs both CLIs in fresh, identical homes and compares
    "all"       exit status, stdout, stderr and the requests made
    "deferred"  the same: botocore fetches SSO credentials lazily, after
                export-credentials' own error handling, so the CLI prints
                fetch errors unwrapped with exit status 254 (ClientError)
                or 255, and so does awscred; kept as its own mode so that
                a wrapped message is named as such in the diagnostics
    "noreq"     "deferred" without the requests (they knowingly differ:
                Debian's 2.9 sends an expired legacy token to the portal,
                current botocore refuses it locally)
    "fail"      both fail, printing no credentials
Refresh scenarios also compare the rewritten token file; two scenarios
check that each CLI reuses the role-credential cache the other wrote.
Scenarios run four at a time, each on its own fault server, as Debian's
CLI takes seconds to start.

Usage: sso_diff.py AWSCRED AWS_V2_RUNNER
"""
import concurrent.futures
import datetime
import json
import os
import shutil
import subprocess
import queue
import sys
import tempfile
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import fault_server  # noqa: E402
from tap import Tap  # noqa: E402

START = "https://my-sso-portal.awsapps.com/start"
ACCOUNT = "111122223333"
# SHA-1 of "my-sso" and of START (reference section 4.2).
TOKEN_SESSION = "0ad374308c5a4e22f723adf10145eafad7c4031c.json"
TOKEN_LEGACY = "c7aaaf71fcc8777ae2475525ed049d39fe16c484.json"

SESSION = """[profile dev]
sso_session = my-sso
sso_account_id = %s
sso_role_name = ReadOnly
[sso-session my-sso]
sso_start_url = %s
sso_region = us-east-1
""" % (ACCOUNT, START)

LEGACY = """[profile dev]
sso_start_url = %s
sso_region = us-east-1
sso_account_id = %s
sso_role_name = ReadOnly
""" % (START, ACCOUNT)

CHAINED = LEGACY + """[profile chained]
role_arn = arn:aws:iam::123456789012:role/next
source_profile = dev
role_session_name = s1
region = us-east-1
"""

STS_XML = (
    "<AssumeRoleResponse xmlns='https://sts.amazonaws.com/doc/2011-06-15/'>"
    "<AssumeRoleResult><Credentials><AccessKeyId>ASIANEXT</AccessKeyId>"
    "<SecretAccessKey>nsecret</SecretAccessKey><SessionToken>ntoken"
    "</SessionToken><Expiration>2031-05-06T07:08:09Z</Expiration>"
    "</Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:"
    "assumed-role/next/s1</Arn><AssumedRoleId>AROA:s1</AssumedRoleId>"
    "</AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>r"
    "</RequestId></ResponseMetadata></AssumeRoleResponse>")


def iso(delta_s):
    t = datetime.datetime.now(datetime.timezone.utc)
    return (t + datetime.timedelta(seconds=delta_s)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


def token(access="tok-1", left=3600, refreshable=False, reg_left=86400,
          **extra):
    doc = {"startUrl": START, "region": "us-east-1", "accessToken": access,
           "expiresAt": iso(left)}
    if refreshable:
        doc.update(clientId="cid", clientSecret="csecret",
                   registrationExpiresAt=iso(reg_left), refreshToken="rt-1",
                   receivedAt="2020-01-01T00:00:00Z")
    doc.update(extra)
    return json.dumps(doc)


ROLE_OK = {"json": {"roleCredentials": {
    "accessKeyId": "ASIASSO", "secretAccessKey": "ssosecret",
    "sessionToken": "ssotoken", "expiration": 1935990489000}}}
NEW_TOKEN = {"json": {"accessToken": "tok-2", "expiresIn": 28800,
                      "refreshToken": "rt-2", "tokenType": "Bearer"}}


def routes(portal=None, oidc=None, sts=None):
    r = []
    if portal is not None:
        r.append({"method": "GET", "path": "/federation/credentials",
                  "responses": portal})
    if oidc is not None:
        r.append({"method": "POST", "path": "/token", "responses": oidc})
    if sts is not None:
        r.append({"method": "POST", "path": "/", "responses": sts})
    return {"routes": r}


def scenarios():
    """(name, profile, config, {token file: text}, script, compare,
    token file afterwards: None, "kept" or "rewritten" (then 0600))."""
    ok = routes([ROLE_OK])
    unauthorized = {"status": 401, "headers": {
        "x-amzn-ErrorType": "UnauthorizedException:http://internal."
                            "amazon.com/coral/com.amazonaws.switchboard."
                            "portal/"},
        "json": {"message": "Session token not found or invalid"}}
    refused = {"status": 400, "json": {"error": "invalid_grant"}}
    return [
        ("sso-session form", "dev", SESSION, {TOKEN_SESSION: token()}, ok,
         "all", None),
        ("legacy form", "dev", LEGACY, {TOKEN_LEGACY: token()}, ok, "all",
         None),
        ("role and account URL-encoded", "dev",
         LEGACY.replace("ReadOnly", "Read/Only+x&y").replace(
             ACCOUNT, "1234 5678"),
         {TOKEN_LEGACY: token()}, ok, "all", None),
        ("missing required configuration", "dev",
         "[profile dev]\nsso_account_id = 1\n", {}, ok, "all", None),
        ("missing keys listed in order", "dev",
         "[profile dev]\nsso_role_name = r\nsso_session = s\n"
         "[sso-session s]\nsso_region = us-east-1\n", {}, ok, "all", None),
        ("inconsistent profile and sso-session", "dev",
         SESSION.replace("sso_role_name = ReadOnly",
                         "sso_role_name = ReadOnly\nsso_region = eu-west-1"),
         {TOKEN_SESSION: token()}, ok, "all", None),
        ("missing sso-session", "dev",
         SESSION.replace("[sso-session my-sso]", "[sso-session other]"),
         {}, ok, "all", None),
        ("token missing (sso-session)", "dev", SESSION, {}, ok, "deferred",
         None),
        ("token missing (legacy)", "dev", LEGACY, {}, ok, "deferred", None),
        ("token without expiresAt", "dev", LEGACY,
         {TOKEN_LEGACY: json.dumps({"accessToken": "x"})}, ok, "deferred",
         None),
        ("sso-session token expired, not refreshable", "dev", SESSION,
         {TOKEN_SESSION: token(left=-60)}, ok, "deferred", None),
        # Debian's 2.9 asks the portal (401); current botocore refuses
        # locally: the same message.
        ("legacy token expired", "dev", LEGACY,
         {TOKEN_LEGACY: token(left=-60)}, routes([unauthorized]), "noreq",
         None),
        ("token refreshed", "dev", SESSION,
         {TOKEN_SESSION: token(left=300, refreshable=True)},
         routes([ROLE_OK], [NEW_TOKEN]), "all", "rewritten"),
        ("refresh refused, old token still valid", "dev", SESSION,
         {TOKEN_SESSION: token(left=300, refreshable=True)},
         routes([ROLE_OK], [refused]), "all", "kept"),
        ("refresh refused, token expired", "dev", SESSION,
         {TOKEN_SESSION: token(left=-60, refreshable=True)},
         routes([ROLE_OK], [refused]), "deferred", None),
        ("registration expired: no refresh", "dev", SESSION,
         {TOKEN_SESSION: token(left=300, refreshable=True, reg_left=-60)},
         routes([ROLE_OK], [NEW_TOKEN]), "all", None),
        ("portal 401 UnauthorizedException", "dev", SESSION,
         {TOKEN_SESSION: token()}, routes([unauthorized]), "deferred", None),
        ("portal 500 retried", "dev", SESSION, {TOKEN_SESSION: token()},
         routes([{"status": 500}]), "deferred", None),
        # No ":suffix" in __type: Debian's 2.9 keeps it, botocore 1.43
        # (and awscred) drop it.
        ("portal 403 with error type", "dev", SESSION,
         {TOKEN_SESSION: token()},
         routes([{"status": 403, "json": {
             "__type": "com.amazon.switchboard#ForbiddenException",
             "message": "No access"}}]), "deferred", None),
        ("portal 500 then ok", "dev", SESSION, {TOKEN_SESSION: token()},
         routes([{"status": 500}, ROLE_OK]), "all", None),
        # botocore fails with a bare KeyError; awscred names the endpoint.
        ("portal bad JSON", "dev", SESSION, {TOKEN_SESSION: token()},
         routes([{"body": "{oops"}]), "fail", None),
        ("legacy SSO as source_profile", "chained", CHAINED,
         {TOKEN_LEGACY: token()}, routes([ROLE_OK], sts=[{"body": STS_XML}]),
         "all", None),
    ]


class Runner:
    def __init__(self, awscred, runner, port, script_path):
        self.awscred = awscred
        self.runner = runner
        self.port = port
        self.script_path = script_path
        self.nonce = 0

    def set_script(self, script):
        # A new nonce makes the server reload, resetting its counters
        # and (as the log is removed) the request log.
        self.nonce += 1
        tmp = self.script_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(dict(script, nonce=self.nonce), f)
        os.rename(tmp, self.script_path)
        if os.path.exists(self.script_path + ".log"):
            os.unlink(self.script_path + ".log")

    def requests(self):
        out = []
        try:
            with open(self.script_path + ".log", encoding="utf-8") as f:
                for line in f:
                    r = json.loads(line)
                    body = r["body"] or None
                    # JSON (CreateToken) or a form (STS, any order).
                    if body is not None and body.startswith("{"):
                        body = json.loads(body)
                    elif body is not None:
                        body = sorted(urllib.parse.parse_qsl(body))
                    out.append((r["method"], r["path"], r["query"],
                                r["headers"].get("x-amz-sso_bearer_token"),
                                body))
        except FileNotFoundError:
            pass
        return out

    def run(self, ours, home, profile):
        e = {"HOME": home, "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8",
             "AWS_EC2_METADATA_DISABLED": "true",
             "AWS_CONFIG_FILE": os.path.join(home, "config"),
             "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"),
             "AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:%d" % self.port,
             "AWS_ENDPOINT_URL_SSO_OIDC": "http://127.0.0.1:%d" % self.port,
             "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:%d" % self.port}
        if ours:
            if os.environ.get("AWSCRED_NET_MODULE"):
                e["AWSCRED_NET_MODULE"] = os.environ["AWSCRED_NET_MODULE"]
            cmd = [self.awscred, "export", "--profile", profile]
        else:
            cmd = ["/usr/bin/python3", self.runner, "configure",
                   "export-credentials", "--profile", profile]
        p = subprocess.run(cmd, env=e, cwd=home, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=120)
        return p.returncode, p.stdout.decode(), p.stderr.decode()


def make_home(config, tokens):
    home = tempfile.mkdtemp(prefix="sso_diff.")
    with open(os.path.join(home, "config"), "w", encoding="utf-8") as f:
        f.write(config)
    cache = os.path.join(home, ".aws", "sso", "cache")
    os.makedirs(cache)
    for name, text in tokens.items():
        with open(os.path.join(cache, name), "w", encoding="utf-8") as f:
            f.write(text)
    return home


def token_view(home, name):
    """The rewritten token file, expiresAt as seconds since the epoch,
    without receivedAt (kept by awscred, dropped by botocore)."""
    path = os.path.join(home, ".aws", "sso", "cache", name)
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    exp = datetime.datetime.strptime(doc.pop("expiresAt"),
                                     "%Y-%m-%dT%H:%M:%SZ")
    doc["expiresAt"] = exp.replace(tzinfo=datetime.timezone.utc).timestamp()
    doc.pop("receivedAt", None)
    return doc


def file_mode(home, name):
    path = os.path.join(home, ".aws", "sso", "cache", name)
    return os.stat(path).st_mode & 0o777


def presented(result):
    """(exit status, stdout, message): the message without its framing."""
    rc, out, err = result
    return rc, out, err.strip()


def same_view(ours, theirs):
    """Token files agree; expiresAt (now + expiresIn) within a minute."""
    if ours is None or theirs is None:
        return ours is theirs
    o, a = dict(ours), dict(theirs)
    close = abs(o.pop("expiresAt") - a.pop("expiresAt")) <= 60
    return close and o == a


def same(how, ours, theirs):
    (o, oreq, oview), (a, areq, aview) = ours, theirs
    if not same_view(oview, aview):
        return False
    if how == "fail":
        return o[0] != 0 and a[0] != 0 and o[1] == "" and a[1] == ""
    if how == "all":
        return o == a and oreq == areq
    return presented(o) == presented(a) and (how == "noreq" or oreq == areq)


def one(r, scenario):
    """Runs a scenario with both CLIs; returns (ok, name, diagnostics)."""
    name, profile, config, tokens, script, how, check = scenario
    got, mode = [], None
    for ours in (True, False):
        home = make_home(config, tokens)
        try:
            r.set_script(script)
            res = r.run(ours, home, profile)
            view = token_view(home, TOKEN_SESSION) if check else None
            if check == "rewritten" and ours:
                mode = file_mode(home, TOKEN_SESSION)
            got.append((res, r.requests(), view))
        finally:
            shutil.rmtree(home, ignore_errors=True)
    ok = same(how, got[0], got[1]) and mode in (None, 0o600)
    return ok, name, ("awscred: %r\n  %r\n  %r\naws:     %r\n  %r\n  %r\n"
                      "token file mode: %r" % (got[0] + got[1] + (mode,)))


def shared_cache(r, writer_is_ours):
    """One CLI fills ~/.aws/cli/cache, the other must use it."""
    home = make_home(SESSION, {TOKEN_SESSION: token()})
    try:
        r.set_script(routes([ROLE_OK]))
        first = r.run(writer_is_ours, home, "dev")
        r.set_script(routes([{"status": 500}]))
        os.unlink(os.path.join(home, ".aws", "sso", "cache", TOKEN_SESSION))
        second = r.run(not writer_is_ours, home, "dev")
        cached = os.listdir(os.path.join(home, ".aws", "cli", "cache"))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return (first[0] == 0 and first == second
            and cached == ["0521d1f6a6c4e68f9e18540309367cc3cccb6305.json"],
            "role cache written by %s, used by %s"
            % (("awscred", "aws") if writer_is_ours else ("aws", "awscred")),
            "first:  %r\nsecond: %r\ncache:  %r" % (first, second, cached))


WORKERS = 4


def main():
    awscred = os.path.abspath(sys.argv[1])
    runner = os.path.abspath(sys.argv[2])
    work = tempfile.mkdtemp(prefix="sso_diff_srv.")
    servers, slots = [], queue.Queue()
    t = Tap()
    try:
        for i in range(WORKERS):
            script_path = os.path.join(work, "script%d.json" % i)
            with open(script_path, "w", encoding="utf-8") as f:
                f.write('{"routes": []}')
            server, port = fault_server.start(script_path, script_path + ".log")
            servers.append(server)
            slots.put(Runner(awscred, runner, port, script_path))

        def job(fn, *args):
            r = slots.get()
            try:
                return fn(r, *args)
            finally:
                slots.put(r)

        jobs = [(one, sc) for sc in scenarios()]
        jobs += [(shared_cache, True), (shared_cache, False)]
        print("1..%d" % len(jobs))
        with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
            futures = [pool.submit(job, *j) for j in jobs]
            for fut in futures:
                t.ok(*fut.result())
    finally:
        for server in servers:
            server.kill()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
