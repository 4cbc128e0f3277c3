#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""sts_faults.py: `awscred export` against a misbehaving loopback STS
(tests/lib/fault_server.py): error documents, 500s, slow, huge and
malformed replies, redirects, refused connections. Each must end in a
clear error naming the cause, well within the time budget, and never in
credentials. Also checks the shape of the requests (SigV4 for AssumeRole,
unsigned AssumeRoleWithWebIdentity). Prints TAP."""

import fcntl
import json
import os
import pty
import select
import shutil
import subprocess
import sys
import tempfile
import termios
import time

TOP_BUILDDIR = os.environ.get("top_builddir", ".")
TOP_SRCDIR = os.environ.get("top_srcdir", ".")
AWSCRED = os.path.join(TOP_BUILDDIR, "cli", "awscred")
sys.path.insert(0, os.path.join(TOP_SRCDIR, "tests", "lib"))
import fault_server  # noqa: E402
from tap import Tap  # noqa: E402

NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def error_doc(code, message):
    return ('<ErrorResponse xmlns="%s"><Error><Type>Sender</Type>'
            '<Code>%s</Code><Message>%s</Message></Error>'
            '<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>'
            '</ErrorResponse>' % (NS, code, message))


OK_NO_CREDS = ('<AssumeRoleResponse xmlns="%s"><AssumeRoleResult>'
               '<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/'
               'r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId>'
               '</AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>'
               % NS)

DENIED = ("User: arn:aws:iam::123456789012:user/base is not authorized to "
          "perform: sts:AssumeRole on resource: "
          "arn:aws:iam::123456789012:role/r")

OK_DOC = ('<AssumeRoleResponse xmlns="%s"><AssumeRoleResult>'
          '<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s'
          '</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>'
          '<Credentials><AccessKeyId>ASIAOKEXAMPLE</AccessKeyId>'
          '<SecretAccessKey>sekrit</SecretAccessKey>'
          '<SessionToken>tok</SessionToken>'
          '<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>'
          '</AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId>'
          '</ResponseMetadata></AssumeRoleResponse>' % NS)

ROUTES = [
    {"path": "/ok/", "response": {"status": 200, "body": OK_DOC}},
    {"path": "/flaky/", "responses": [
        {"status": 503, "body": error_doc("ServiceUnavailable", "busy")},
        {"status": 400, "body": error_doc("Throttling", "Rate exceeded")},
        {"status": 200, "body": OK_DOC}]},
    {"path": "/denied/", "response": {
        "status": 403, "headers": {"Content-Type": "text/xml"},
        "body": error_doc("AccessDenied", DENIED)}},
    {"path": "/html500/", "response": {
        "status": 500, "headers": {"Content-Type": "text/html"},
        "body": "<html><body><h1>500 oops</h1></body></html>"}},
    {"path": "/hang/", "response": {"hang": 60}},
    {"path": "/trickle/", "response": {
        "status": 200, "body": "<AssumeRoleResponse>" + "x" * 200,
        "trickle": 1}},
    {"path": "/huge/", "response": {
        "status": 200, "repeat": {"chunk": "<a>x</a>", "count": 500000}}},
    {"path": "/endless/", "response": {"status": 200, "endless": True}},
    {"path": "/badxml/", "response": {
        "status": 200, "body": "<AssumeRoleResponse><AssumeRoleResult>"}},
    {"path": "/doctype/", "response": {
        "status": 200,
        "body": '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>'
                '<AssumeRoleResponse>&a;</AssumeRoleResponse>'}},
    {"path": "/nocreds/", "response": {"status": 200, "body": OK_NO_CREDS}},
    {"path": "/redirect/", "response": {
        "redirect": "http://127.0.0.1:9/elsewhere"}},
    {"path": "/expired/", "response": {
        "status": 400, "body": error_doc(
            "ExpiredToken", "The security token included in the request "
            "is expired")}},
    {"path": "/regiondisabled/", "response": {
        "status": 403, "body": error_doc(
            "RegionDisabledException", "STS is not activated in this region "
            "for account:123456789012. Your account administrator can "
            "activate STS in this region using the IAM Console.")}},
    {"path": "/badtoken/", "response": {
        "status": 400, "body": error_doc(
            "InvalidIdentityToken", "Couldn't retrieve verification key "
            "from your identity provider")}},
]

# (name, path, profile, what the error must say)
CASES = [
    ("STS AccessDenied error document", "/denied/", "role",
     "An error occurred (AccessDenied) when calling the AssumeRole "
     "operation: " + DENIED),
    ("HTTP 500 with an HTML page", "/html500/", "role",
     "An error occurred (500) when calling the AssumeRole operation "
     "(reached max retries: 2): Internal Server Error"),
    ("server that never answers", "/hang/", "role",
     "Read timeout on endpoint URL"),
    ("body trickling at 1 byte/s", "/trickle/", "role",
     "Read timeout on endpoint URL"),
    ("4 MB response", "/huge/", "role", "is larger than 65536 bytes"),
    ("endless chunked response", "/endless/", "role",
     "is larger than 65536 bytes"),
    ("malformed XML", "/badxml/", "role", "Unable to parse response"),
    ("XML with a DTD and entities", "/doctype/", "role",
     "document type declarations are not accepted"),
    ("reply without Credentials", "/nocreds/", "role",
     "has no complete Credentials"),
    ("redirect", "/redirect/", "role", "not followed"),
    ("STS ExpiredToken (source credentials expired)", "/expired/", "role",
     "An error occurred (ExpiredToken) when calling the AssumeRole "
     "operation: The security token included in the request is expired"),
    ("STS RegionDisabledException", "/regiondisabled/", "role",
     "An error occurred (RegionDisabledException) when calling the "
     "AssumeRole operation: STS is not activated in this region"),
    ("web identity InvalidIdentityToken", "/badtoken/", "web",
     "An error occurred (InvalidIdentityToken) when calling the "
     "AssumeRoleWithWebIdentity operation: Couldn't retrieve"),
]

CONFIG = """\
[profile role]
role_arn = arn:aws:iam::123456789012:role/r
source_profile = base

[profile both]
role_arn = arn:aws:iam::123456789012:role/r
source_profile = base
credential_source = Environment

[profile partial]
role_arn = arn:aws:iam::123456789012:role/r

[profile opts]
role_arn = arn:aws:iam::123456789012:role/opts
source_profile = base
external_id = ext-9
duration_seconds = abc
source_identity = alice
role_session_name = opt-sess

[profile mfa]
role_arn = arn:aws:iam::123456789012:role/mfa
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/user

[profile flaky]
role_arn = arn:aws:iam::123456789012:role/flaky
source_profile = base

[profile twice]
role_arn = arn:aws:iam::123456789012:role/r
source_profile = base
max_attempts = 2
retry_mode = legacy

[profile web]
role_arn = arn:aws:iam::123456789012:role/w
web_identity_token_file = {token}
role_session_name = websess

[profile shortname]
role_arn = arn:aws:iam::123456789012:role/r
source_profile = base
role_session_name = a
external_id = b

[profile shortduration]
role_arn = arn:aws:iam::123456789012:role/r
source_profile = base
duration_seconds = 899

[profile emptytoken]
role_arn = arn:aws:iam::123456789012:role/w
web_identity_token_file = {empty}

[profile hugeduration]
role_arn = arn:aws:iam::123456789012:role/huge
source_profile = base
duration_seconds = 99999999999

[profile widedigits]
role_arn = arn:aws:iam::123456789012:role/wide
source_profile = base
duration_seconds = \uff11\uff12\uff10\uff10
"""

CREDENTIALS = """\
[base]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
"""

# Each failing call must end well inside this (the STS timeout is 10 s).
BOUND_S = 30


def export(env, profile):
    try:
        # A new session: no controlling terminal, so nothing can prompt.
        return subprocess.run([AWSCRED, "--profile", profile, "export"],
                              env=env, capture_output=True, text=True,
                              timeout=BOUND_S, start_new_session=True,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return None


def main():
    if not os.access(AWSCRED, os.X_OK):
        print("1..0 # SKIP %s not built" % AWSCRED)
        return 0
    work = tempfile.mkdtemp(prefix="awscred-sts-faults.")
    home = os.path.join(work, "home")
    os.makedirs(os.path.join(home, ".aws"))
    token = os.path.join(work, "token")
    with open(token, "w") as f:
        f.write("header.payload.signature")
    empty = os.path.join(work, "empty-token")
    open(empty, "w").close()
    with open(os.path.join(home, ".aws", "config"), "w",
              encoding="utf-8") as f:
        f.write(CONFIG.format(token=token, empty=empty))
    with open(os.path.join(home, ".aws", "credentials"), "w") as f:
        f.write(CREDENTIALS)
    script = os.path.join(work, "script.json")
    log = os.path.join(work, "requests.jsonl")
    with open(script, "w") as f:
        json.dump({"routes": ROUTES}, f)
    server, port = fault_server.start(script, log)

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"HOME": home, "AWS_EC2_METADATA_DISABLED": "true",
                "AWS_REGION": "us-east-1", "LC_ALL": "C.UTF-8"})
    if "AWSCRED_NET_MODULE" in os.environ:
        env["AWSCRED_NET_MODULE"] = os.environ["AWSCRED_NET_MODULE"]

    t = Tap()
    print("1..%d" % (2 * len(CASES) + 4 + 11 + 6 + 6))
    try:
        for name, path, profile, words in CASES:
            case_env = dict(env, AWS_ENDPOINT_URL_STS="http://127.0.0.1:%d%s"
                            % (port, path))
            p = export(case_env, profile)
            t.ok(p is not None and p.returncode != 0 and p.stdout == "",
                 name + ": fails without credentials, within %d s" % BOUND_S,
                 p and p.stdout)
            t.ok(p is not None and words in p.stderr,
                 name + ": the error says " + repr(words), p and p.stderr)
        refused = dict(env, AWS_ENDPOINT_URL_STS="http://127.0.0.1:9/")
        p = export(refused, "role")
        t.ok(p is not None and 'Could not connect to the endpoint URL: '
             '"http://127.0.0.1:9/"' in p.stderr,
             "refused connection names the endpoint", p and p.stderr)
        check_requests(t, log)
        ok_env = dict(env, AWS_ENDPOINT_URL_STS="http://127.0.0.1:%d/ok/"
                      % port)
        check_profiles(t, ok_env, log)
        check_retries(t, env, port, log)
        check_lazy_module(t, env, port)
        check_client_side(t, env, port, log)
    finally:
        server.terminate()
        server.wait(timeout=10)
    if t.failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if t.failed else 0


def read_log(log):
    with open(log) as f:
        return [json.loads(line) for line in f if line.strip()]


def last_body(log, marker):
    """The body of the last request containing marker (the server may log
    a request just after answering it, so wait a little for it)."""
    for _ in range(100):
        bodies = [r["body"] for r in read_log(log) if marker in r["body"]]
        if bodies:
            return bodies[-1]
        time.sleep(0.05)
    return read_log(log)[-1]["body"]


def export_on_tty(env, profile, answer):
    """Runs awscred with a pseudo-terminal as its controlling terminal and
    answers the first prompt; returns (exit status, terminal output)."""
    master, slave = pty.openpty()

    def become_session_leader():
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen([AWSCRED, "--profile", profile, "export"],
                            env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL,
                            preexec_fn=become_session_leader,
                            pass_fds=(slave,))
    os.close(slave)
    seen = b""
    answered = False
    while True:
        ready, _, _ = select.select([master], [], [], BOUND_S)
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(master, 1024)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not answered and seen.endswith(b": "):
            # The prompt may turn echo off with TCSAFLUSH just after
            # printing, which drops input typed ahead: answer a bit later.
            time.sleep(0.5)
            os.write(master, answer.encode() + b"\n")
            answered = True
    os.close(master)
    return proc.wait(timeout=BOUND_S), seen.decode(errors="replace")


def check_profiles(t, env, log):
    p = export(env, "both")
    t.ok(p is not None and 'The profile "both" contains both source_profile '
         'and credential_source.' in p.stderr,
         "source_profile and credential_source together is an error",
         p and p.stderr)
    p = export(env, "partial")
    t.ok(p is not None and "Partial credentials found in assume-role, "
         "missing: source_profile or credential_source" in p.stderr,
         "role_arn alone is the CLI's partial-credentials error",
         p and p.stderr)
    p = export(env, "opts")
    body = last_body(log, "role%2Fopts")
    t.ok(p is not None and p.returncode == 0
         and "ExternalId=ext-9" in body and "SourceIdentity=alice" in body
         and "RoleSessionName=opt-sess" in body
         and "DurationSeconds" not in body,
         "external_id, source_identity, role_session_name are sent; a "
         "non-integer duration_seconds is dropped", body)
    p = export(env, "mfa")
    t.ok(p is not None and p.returncode != 0
         and "MFA code for arn:aws:iam::123456789012:mfa/user" in p.stderr,
         "mfa_serial without a terminal is a clear error", p and p.stderr)
    status, screen = export_on_tty(env, "mfa", "123456")
    body = last_body(log, "role%2Fmfa")
    t.ok("Enter MFA code for arn:aws:iam::123456789012:mfa/user: " in screen,
         "the MFA prompt is the CLI's", screen)
    t.ok(status == 0 and "TokenCode=123456" in body
         and "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fuser"
         in body,
         "the code typed at the prompt is sent with the serial", body)


def check_retries(t, env, port, log):
    html500 = [r for r in read_log(log) if r["path"] == "/html500/"]
    t.ok(len(html500) == 3, "a 500 is tried 3 times, as AWS CLI v2 does",
         "%d requests" % len(html500))
    client = {p: len([r for r in read_log(log) if r["path"] == p])
              for p in ("/denied/", "/expired/", "/regiondisabled/")}
    t.ok(all(n == 1 for n in client.values()),
         "AccessDenied, ExpiredToken, RegionDisabledException: one request"
         " each, no retry", repr(client))
    flaky = dict(env, AWS_ENDPOINT_URL_STS="http://127.0.0.1:%d/flaky/"
                 % port)
    p = export(flaky, "flaky")
    tries = [r for r in read_log(log) if r["path"] == "/flaky/"]
    t.ok(p is not None and p.returncode == 0 and len(tries) == 3,
         "503 then Throttling then success: credentials on the 3rd attempt",
         "%s\n%d requests" % (p and p.stderr, len(tries)))
    # max_attempts / AWS_MAX_ATTEMPTS and retry_mode / AWS_RETRY_MODE, as
    # botocore counts them (attempts, not retries; legacy's default 5).
    for profile, extra, want in [
            ("role", {"AWS_MAX_ATTEMPTS": "5"}, 5),
            ("role", {"AWS_MAX_ATTEMPTS": "1"}, 1),
            ("role", {"AWS_RETRY_MODE": "legacy"}, 5),
            ("role", {"AWS_RETRY_MODE": "adaptive"}, 3),
            ("twice", {}, 2),
            ("twice", {"AWS_MAX_ATTEMPTS": " 4 "}, 4)]:
        before = len([r for r in read_log(log) if r["path"] == "/html500/"])
        p = export(dict(env, AWS_ENDPOINT_URL_STS="http://127.0.0.1:%d"
                        "/html500/" % port, **extra), profile)
        time.sleep(0.2)
        n = len([r for r in read_log(log) if r["path"] == "/html500/"])
        words = "(reached max retries: %d)" % (want - 1)
        t.ok(p is not None and p.returncode != 0 and n - before == want
             and words in p.stderr,
             "a 500 with %s in profile %s: %d attempts, %r"
             % (extra or "its own settings", profile, want, words),
             "%d requests\n%s" % (n - before, p and p.stderr))


def loaded_files(env, profile):
    """The shared objects the dynamic loader mapped for one export."""
    p = subprocess.run([AWSCRED, "--profile", profile, "export"],
                       env=dict(env, LD_DEBUG="files"), capture_output=True,
                       text=True, timeout=BOUND_S, start_new_session=True)
    return [line for line in p.stderr.splitlines() if "file=" in line]


def check_lazy_module(t, env, port):
    files = loaded_files(env, "base")
    t.ok(files and not any("libcurl" in f or "awscred-net" in f
                           for f in files),
         "static keys: neither the network module nor libcurl is mapped",
         "\n".join(files))
    files = loaded_files(dict(env, AWS_ENDPOINT_URL_STS="http://127.0.0.1:%d"
                              "/denied/" % port), "role")
    t.ok(any("awscred-net" in f for f in files)
         and any("libcurl" in f for f in files),
         "assume role: the network module (and libcurl) is loaded on use",
         "\n".join(files))


def check_client_side(t, env, port, log):
    """What botocore decides before sending: parameter validation (exit
    252, nothing sent), a duration_seconds that only STS refuses (sent as
    Python's int() reads it) and an endpoint override without a region."""
    def sent(path):
        time.sleep(0.2)     # the server logs just after answering
        return [r for r in read_log(log) if r["path"] == path]

    for profile, words in [
            ("shortname", "Parameter validation failed:\n"
             "Invalid length for parameter RoleSessionName, value: 1, valid "
             "min length: 2\nInvalid length for parameter ExternalId, "
             "value: 1, valid min length: 2\n"),
            ("shortduration", "Parameter validation failed:\n"
             "Invalid value for parameter DurationSeconds, value: 899, valid "
             "min value: 900\n"),
            ("emptytoken", "Parameter validation failed:\n"
             "Invalid length for parameter WebIdentityToken, value: 0, valid "
             "min length: 4\n")]:
        path = "/validate-%s/" % profile
        p = export(dict(env, AWS_ENDPOINT_URL_STS="http://127.0.0.1:%d%s"
                        % (port, path)), profile)
        t.ok(p is not None and p.returncode == 252 and words in p.stderr
             and not sent(path),
             "%s: exit 252, %r, no request sent" % (profile, words),
             p and (p.returncode, p.stderr, sent(path)))
    for profile, value in [("hugeduration", "99999999999"),
                           ("widedigits", "1200")]:
        path = "/duration-%s/" % profile
        p = export(dict(env, AWS_ENDPOINT_URL_STS="http://127.0.0.1:%d%s"
                        % (port, path)), profile)
        bodies = [r["body"] for r in sent(path)]
        t.ok(p is not None and len(bodies) == 1
             and "DurationSeconds=%s&" % value in bodies[0] + "&",
             "%s: duration_seconds is sent as %s" % (profile, value),
             (bodies, p and p.stderr))
    path = "/noregion/"
    noregion = dict(env, AWS_ENDPOINT_URL_STS="http://127.0.0.1:%d%s"
                    % (port, path))
    del noregion["AWS_REGION"]
    p = export(noregion, "role")
    t.ok(p is not None and p.returncode == 253 and p.stderr ==
         '\nYou must specify a region. You can also configure your region '
         'by running "aws configure".\n' and not sent(path),
         "endpoint override without a region: NoRegionError, nothing sent",
         p and (p.returncode, p.stderr, sent(path)))


def check_requests(t, log):
    reqs = read_log(log)
    role = [r for r in reqs if r["path"] == "/denied/"]
    web = [r for r in reqs if r["path"] == "/badtoken/"]
    r = role[0] if role else {"headers": {}, "body": ""}
    auth = r["headers"].get("authorization", "")
    t.ok(r.get("method") == "POST"
         and r["body"].startswith("Action=AssumeRole&Version=2011-06-15&")
         and "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr"
         in r["body"]
         and "RoleSessionName=botocore-session-" in r["body"]
         and r["headers"].get("content-type", "").startswith(
             "application/x-www-form-urlencoded"),
         "AssumeRole is a form-encoded Query API POST", r)
    t.ok(auth.startswith("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/")
         and "/us-east-1/sts/aws4_request" in auth
         and "SignedHeaders=content-type;host;x-amz-date," in auth
         and r["headers"].get("user-agent", "").startswith("awscred/"),
         "AssumeRole is SigV4-signed for sts in us-east-1, User-Agent awscred",
         r["headers"])
    w = web[0] if web else {"headers": {"authorization": "?"}, "body": ""}
    t.ok("authorization" not in w["headers"]
         and "Action=AssumeRoleWithWebIdentity" in w["body"]
         and "WebIdentityToken=header.payload.signature" in w["body"]
         and "RoleSessionName=websess" in w["body"],
         "AssumeRoleWithWebIdentity is unsigned and carries the raw token",
         w)


if __name__ == "__main__":
    sys.exit(main())
