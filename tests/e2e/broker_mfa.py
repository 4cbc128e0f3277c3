# SPDX-License-Identifier: MIT
"""broker_mfa.py: awscredd and a login with MFA (pam_awscred's mfa;
awscredd/mfa.c). The session's credentials came from a code typed once,
so without an MFA session the broker serves them until they expire and
then answers "MFA session ended: log in again", without resolving the
profile again: a resolution without the code would hand out credentials
that never saw MFA. The same registration without mfa is refreshed (the
control case).

The profile is a credential_process that counts its runs (what a refresh
without MFA would use); the login's credentials last LIFETIME seconds and
refresh_before is longer, so a refresh is due from the first request.

A login that registered its role's MFA session (a GetSessionToken
session, mfa_session_*) is refreshed from it, with no code: each refresh
is an AssumeRole to the loopback STS (tests/lib/fault_server.py) signed
with the session's key id and token, never the long-term key, without
SerialNumber or TokenCode; the role is served no longer than the session,
then the same 503. The session is in no saved record and no log line.
"""

import json
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
from broker_lib import control, free_port, start_broker  # noqa: E402
import audit_line  # noqa: E402
import fault_server  # noqa: E402
from pam_host import host_preload, wrapper_library  # noqa: E402

BUILD = os.path.abspath(os.environ.get("top_builddir", "."))
WORKER = os.path.join(BUILD, "pam_awscred", "awscred-worker")
NET_MODULE = os.environ.get("AWSCRED_NET_MODULE", os.path.join(
    BUILD, "libawscred", ".libs", "awscred-net.so"))
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


def login(sock, uid, argv, extra=None):
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
    rec.update(extra or {})
    return control(sock, rec)


SESSION_LIFETIME = 14
SESSION_KEY = "ASIAMFASESSIONKEY001"
SESSION_SECRET = "mfaSessionSecret/mfaSessionSecret+mfaS"
SESSION_TOKEN = "FwoGZXIvYXdzEMFAsessiontoken"
ROLE_KEYS = ["ASIAROLEFROMMFA%05d" % i for i in range(1, 41)]
ROLE_XML = ("<AssumeRoleResponse><AssumeRoleResult><Credentials>"
            "<AccessKeyId>%s</AccessKeyId>"
            "<SecretAccessKey>roleSecret/roleSecret+roleSecret00000"
            "</SecretAccessKey><SessionToken>FwoGZXIvYXdzEROLEtoken"
            "</SessionToken><Expiration>%s</Expiration></Credentials>"
            "</AssumeRoleResult></AssumeRoleResponse>")


def sts_requests(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except OSError:
        return []


MODULE = os.path.join(BUILD, "pam_awscred", ".libs", "pam_awscred.so")
HOST = os.path.join(HERE, "..", "lib", "pam_host.py")
SESSION_XML = ("<GetSessionTokenResponse><GetSessionTokenResult>"
               "<Credentials><AccessKeyId>%s</AccessKeyId>"
               "<SecretAccessKey>%s</SecretAccessKey><SessionToken>%s"
               "</SessionToken><Expiration>%s</Expiration></Credentials>"
               "</GetSessionTokenResult></GetSessionTokenResponse>")


def clean_up(t, tmp, log, *procs):
    """Stops procs, shows the broker's log if a test failed, removes
    tmp."""
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if t.failed:
        log.seek(0)
        sys.stderr.write(log.read())
    subprocess.run(["rm", "-rf", tmp])


def role_profile(tmp, responses):
    """The loopback STS answering responses in order, and the role profile
    dev (mfa_serial, source profile base with long-term keys) on it.
    Returns (sts process, its log, config file, credentials file)."""
    script = os.path.join(tmp, "sts.json")
    with open(script, "w") as f:
        json.dump({"routes": [{"method": "POST", "path": "/",
                               "responses": responses}]}, f)
    sts_log = os.path.join(tmp, "sts.jsonl")
    sts, sts_port = fault_server.start(script, sts_log)
    awsconf = os.path.join(tmp, "aws_config")
    with open(awsconf, "w") as f:
        f.write("[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev"
                "\nsource_profile = base\n"
                "mfa_serial = arn:aws:iam::123456789012:mfa/root\n"
                "endpoint_url = http://127.0.0.1:%d/\n[profile base]\n"
                % sts_port)
    creds = os.path.join(tmp, "credentials")
    with open(creds, "w") as f:
        f.write("[base]\naws_access_key_id = AKIALONGTERMKEY00001\n"
                "aws_secret_access_key = longTermSecret/longTermSecret+0\n")
    os.chmod(creds, 0o600)
    return sts, sts_log, awsconf, creds


def iso(seconds):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ",
                         time.gmtime(time.time() + seconds))


def refresh_from_session(t, argv_base):
    """A role's MFA session registered with the login: three refreshes
    and more from it, no prompt, then the end."""
    tmp = tempfile.mkdtemp(prefix="broker-mfa-session.")
    os.chmod(tmp, 0o755)
    sts, sts_log, awsconf, creds = role_profile(
        tmp, [{"body": ROLE_XML % (k, iso(3600))} for k in ROLE_KEYS])
    argv = [a for a in argv_base
            if not a.startswith(("config_file=", "credentials_file="))]
    argv += ["config_file=" + awsconf, "credentials_file=" + creds,
             "net_module=" + NET_MODULE, "mfa"]
    broker, sock, port, log = start_broker(
        BROKER, tmp, "b", "refresh_before = %ds\n" % REFRESH_BEFORE)
    host = "127.0.0.1:%d" % port
    try:
        session_end = int(time.time()) + SESSION_LIFETIME
        reg = login(sock, 0, argv, {
            "access_key_id": "ASIAROLEATLOGIN00001",
            "mfa_session_access_key_id": SESSION_KEY,
            "mfa_session_secret_access_key": SESSION_SECRET,
            "mfa_session_token": SESSION_TOKEN,
            "mfa_session_expiration": str(session_end)})
        token = reg.get("token", "")
        served = set()
        status, body = 0, ""
        deadline = time.time() + SESSION_LIFETIME + 15
        while time.time() < deadline:
            status, body = get(port, "/v1/credentials", host, token)
            if status != 200:
                break
            served.update(k for k in ROLE_KEYS if k in body)
            time.sleep(1)
        ended_at = time.time()
        calls = sts_requests(sts_log)
        roles = [c for c in calls if c["body"].startswith("Action=AssumeRole&")]
        t.ok(len(roles) >= 3 and len(served) >= 3,
             "with an MFA session: refreshed from it, no prompt, three"
             " times and more", (len(roles), sorted(served), reg))
        t.ok(roles and all(
            "Credential=%s/" % SESSION_KEY in c["headers"].get(
                "authorization", "")
            and c["headers"].get("x-amz-security-token") == SESSION_TOKEN
            for c in roles),
            "each AssumeRole is signed with the MFA session's key and token",
            [c["headers"].get("authorization", "")[:60] for c in roles[:2]])
        t.ok(len(roles) == len(calls) and not any(
            "TokenCode" in c["body"] or "SerialNumber" in c["body"]
            or "AKIALONGTERMKEY00001" in c["headers"].get(
                "authorization", "")
            for c in calls),
            "no GetSessionToken, no code, never the long-term key",
            [c["body"][:80] for c in calls[:3]])
        t.ok(status == 503 and "MFA session ended: log in again" in body
             and ended_at >= session_end - 1,
             "then, once the MFA session ended, HTTP 503: MFA session"
             " ended", (status, body, ended_at - session_end))
        broker.terminate()
        broker.wait(timeout=10)
        log.seek(0)
        text = log.read()
        saved = ""
        for root, _, files in os.walk(os.path.join(tmp, "sessions")):
            for name in files:
                with open(os.path.join(root, name)) as f:
                    saved += f.read()
        t.ok("arg." in saved and SESSION_KEY not in saved
             and SESSION_SECRET not in saved and SESSION_TOKEN not in saved
             and SESSION_SECRET not in text and SESSION_TOKEN not in text,
             "the MFA session is in no saved record and no log line",
             saved[:200])
    finally:
        clean_up(t, tmp, log, broker, sts)


def login_through_module(t):
    """The module's MFA login (auth with the code, then the session) with
    the broker running: GetSessionToken with the code, the role from the
    session; the session registered with the broker, whose refresh
    assumes the role again from it."""
    names = ["through the module: auth with the code, a session pointing"
             " at the broker", "GetSessionToken carries the code, the role"
             " is assumed from the session",
             "the broker's refresh assumes the role from the login's MFA"
             " session"]
    if wrapper_library() is None:
        for name in names + ["the module's and the broker's lines"]:
            t.skip(name, "pam_wrapper is not installed")
        return
    tmp = tempfile.mkdtemp(prefix="broker-mfa-login.")
    os.chmod(tmp, 0o755)
    sts, sts_log, awsconf, creds = role_profile(tmp, [
        {"body": SESSION_XML % (SESSION_KEY, SESSION_SECRET, SESSION_TOKEN,
                                iso(3600))}]
        + [{"body": ROLE_XML % (k, iso(20))} for k in ROLE_KEYS])
    broker, sock, port, log = start_broker(
        BROKER, tmp, "b", "refresh_before = %ds\nretain_after_close = 60s\n"
        % REFRESH_BEFORE)
    host = "127.0.0.1:%d" % port
    try:
        opts = ("worker=%s net_module=%s conf=/nonexistent mode=user"
                " profile=dev config_file=%s credentials_file=%s"
                " ignore_root=no minimum_uid=0 clock_check=never"
                " region=eu-west-1 deliver=endpoint broker_socket=%s"
                " mfa_dir=%s/mfa" % (WORKER, NET_MODULE, awsconf, creds,
                                     sock, tmp))
        svc = os.path.join(tmp, "pam.d")
        os.makedirs(svc)
        with open(os.path.join(svc, "awscred-mfa"), "w") as f:
            f.write("auth required %s %s mfa\nsession required %s %s\n"
                    % (MODULE, opts, MODULE, opts))
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AWS") and k != "LD_PRELOAD"}
        env.update(host_preload(MODULE))
        env.update({"PAM_WRAPPER": "1",
                    "PAM_WRAPPER_SERVICE_DIR": svc,
                    "PAM_WRAPPER_DEBUGLEVEL": "2",
                    "PAM_HOST_ANSWER": "123456"})
        p = subprocess.run([sys.executable, HOST, "awscred-mfa", "root"],
                           env=env, capture_output=True, text=True,
                           timeout=60)
        try:
            out = json.loads(p.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            out = {"error": p.stdout}
        penv = out.get("env", {})
        t.ok(out.get("auth") == 0 and out.get("open") == 0
             and "AWS_CONTAINER_CREDENTIALS_FULL_URI" in penv
             and "AWS_ACCESS_KEY_ID" not in penv
             and not any(k.startswith("AWSCRED_") for k in penv),
             names[0], (out, p.stderr[-2000:]))
        calls = sts_requests(sts_log)
        first = calls[0] if calls else {"body": "", "headers": {}}
        second = calls[1] if len(calls) > 1 else {"body": "", "headers": {}}
        t.ok(first["body"].startswith("Action=GetSessionToken&")
             and "TokenCode=123456" in first["body"]
             and "Credential=AKIALONGTERMKEY00001/"
             in first["headers"].get("authorization", "")
             and second["body"].startswith("Action=AssumeRole&")
             and "TokenCode" not in second["body"]
             and "Credential=%s/" % SESSION_KEY
             in second["headers"].get("authorization", ""),
             names[1], [(c["body"][:70], c["headers"].get(
                 "authorization", "")[:50]) for c in calls[:2]])
        with open(os.path.join(tmp, "users", "0", "token")) as f:
            token = f.read()
        served = []
        deadline = time.time() + 15
        while time.time() < deadline and ROLE_KEYS[1] not in "".join(served):
            served.append(get(port, "/v1/credentials", host, token)[1])
            time.sleep(0.5)
        calls = sts_requests(sts_log)
        t.ok(ROLE_KEYS[0] in served[0] and ROLE_KEYS[1] in served[-1]
             and len(calls) >= 3
             and calls[2]["body"].startswith("Action=AssumeRole&")
             and "TokenCode" not in calls[2]["body"]
             and "Credential=%s/" % SESSION_KEY
             in calls[2]["headers"].get("authorization", ""),
             names[2], ([s[:120] for s in served[-2:]],
                        [c["body"][:60] for c in calls]))
        # One login, two producers: the module's line (pam_wrapper's
        # syslog on stderr) and the broker's, read by one rule.
        log.seek(0)
        text = log.read()
        module = audit_line.lines(p.stderr)
        issued = [f for f in audit_line.lines(text)
                  if f.get("broker") == "issued"]
        refreshed = [f for f in audit_line.lines(text)
                     if f.get("broker") == "refreshed"]
        t.ok(module and issued and refreshed
             and module[0]["access_key_id"] == ROLE_KEYS[0]
             and issued[0]["access_key_id"] == ROLE_KEYS[0]
             and module[0]["expires"] == issued[0]["expires"] != "-"
             and all(module[0][k] == issued[0][k]
                     for k in ("user", "service", "rhost", "profile"))
             and refreshed[0]["access_key_id"] == ROLE_KEYS[1]
             and refreshed[0]["provider"] == module[0]["provider"],
             "the module's and the broker's lines of one login name the same"
             " access key id and expiry in one format",
             (module, issued, refreshed, p.stderr[-1500:]))
    finally:
        clean_up(t, tmp, log, broker, sts)


def main():
    if os.geteuid() != 0:
        print("1..0 # SKIP needs root (a root control socket)")
        return 0
    t = Tap()
    tmp = tempfile.mkdtemp(prefix="broker-mfa.")
    os.chmod(tmp, 0o755)
    print("1..13")
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
        refresh_from_session(t, argv)
        login_through_module(t)
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
