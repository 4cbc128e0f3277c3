# SPDX-License-Identifier: MIT
"""broker_refresh.py: awscredd refreshes a session's credentials
(man/awscredd.8, REFRESH), with real clients.

The session's profile is a credential_process (issue.py below) that issues
credentials lasting LIFETIME seconds, counting its runs; refresh_before is
REFRESH_BEFORE, so a set is served for about LIFETIME - REFRESH_BEFORE
seconds before the broker resolves again by running awscred-worker with
the module's options, as the login did. Short credentials stand in for
the issue's two minutes so that three expiries pass in about a minute.

  - botocore (and the JS SDK v3 fromNodeProviderChain, when npm can
    install it) keep making signed STS GetCallerIdentity calls against
    moto_server on loopback across three expiries, without restarting;
  - a second login gets the same token, and the first logout does not
    stop the clients;
  - many requests at once while a refresh runs cause one resolution;
  - the issuer down: the still-valid set is served, then HTTP 503 with
    the CLI's words; back up, the next refresh serves again;
  - after the last logout the token is served for retain_after_close=,
    then refused;
  - a refresh still running when the user's last session closes (a slow
    issuer, retain_after_close=0s) logs no issuance line for the set the
    broker then throws away, but "credentials discarded" with its key.

Root is the session's user (botocore is installed for root only here).
"""

import datetime
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests",
                                "lib"))
import audit_line  # noqa: E402
from broker import get, BROKER  # noqa: E402
from broker_lib import (WORKER, begin, control, finish,  # noqa: E402
                        start_broker)
from sts_moto import start_moto  # noqa: E402

LIFETIME = 24
REFRESH_BEFORE = 14
RETAIN = 4

# The profile's credential_process: one run per resolution, counted in
# runs; "down" makes it fail like an unreachable STS, "slow" makes it
# take two seconds. Its sets last the given seconds.
ISSUE_LASTING = r"""#!/usr/bin/python3
import datetime, json, os, sys, time
here = os.path.dirname(os.path.abspath(__file__))
if os.path.exists(os.path.join(here, "slow")):
    time.sleep(2)
if os.path.exists(os.path.join(here, "down")):
    sys.stderr.write("the token service is down (fake STS)\n")
    sys.exit(1)
with open(os.path.join(here, "runs"), "a+") as f:
    f.seek(0)
    n = len(f.read().splitlines()) + 1
    exp = int(time.time()) + %d
    f.write("%%d %%d\n" %% (n, exp))
print(json.dumps({
    "Version": 1, "AccessKeyId": "ASIAREFRESH%%09d" %% n,
    "SecretAccessKey": "refreshSecret%%027d" %% n,
    "SessionToken": "refreshSessionToken%%d+/==" %% n,
    "Expiration": datetime.datetime.fromtimestamp(
        exp, datetime.timezone.utc).strftime("%%Y-%%m-%%dT%%H:%%M:%%SZ")}))
"""
ISSUE = ISSUE_LASTING % LIFETIME

# A long-running botocore client: one signed GetCallerIdentity a second
# until the deadline; one JSON line per call.
BOTO_CLIENT = r"""
import json, sys, time, botocore.session
end = time.time() + float(sys.argv[2])
s = botocore.session.get_session()
c = s.create_client("sts", region_name="eu-west-1", endpoint_url=sys.argv[1])
while time.time() < end:
    rec = {"t": time.time()}
    try:
        c.get_caller_identity()
        rec["key"] = s.get_credentials().get_frozen_credentials().access_key
    except Exception as e:
        rec["err"] = str(e)
    print(json.dumps(rec), flush=True)
    time.sleep(1)
"""

# The same with the JS SDK v3: fromNodeProviderChain reads the container
# pair, refreshes when the expiry nears.
NODE_CLIENT = r"""
const { fromNodeProviderChain } = require("@aws-sdk/credential-providers");
const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
const creds = fromNodeProviderChain();
const c = new STSClient({ region: "eu-west-1", endpoint: process.argv[1],
                          credentials: creds });
const end = Date.now() + 1000 * Number(process.argv[2]);
(async () => {
  while (Date.now() < end) {
    const rec = { t: Date.now() / 1000 };
    try {
      await c.send(new GetCallerIdentityCommand({}));
      rec.key = (await c.config.credentials()).accessKeyId;
    } catch (e) { rec.err = String(e); }
    console.log(JSON.stringify(rec));
    await new Promise((r) => setTimeout(r, 1000));
  }
})();
"""


def expiry(body):
    """The Expiration of a credentials document, in epoch seconds."""
    return datetime.datetime.strptime(
        json.loads(body)["Expiration"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def runs(tmp):
    try:
        with open(os.path.join(tmp, "runs")) as f:
            return [tuple(map(int, l.split())) for l in f.read().splitlines()]
    except OSError:
        return []


def user_profile(tmp, issue):
    """A user-mode login's files in tmp: profile dev is the
    credential_process tmp/issue.py (the script issue). The module's
    options for it, as the PAM line would give them."""
    modconf = os.path.join(tmp, "pam_awscred.conf")
    open(modconf, "w").close()
    awsconf = os.path.join(tmp, "aws_config")
    with open(awsconf, "w") as f:
        f.write("[profile dev]\ncredential_process = %s/issue.py\n" % tmp)
    with open(os.path.join(tmp, "issue.py"), "w") as f:
        f.write(issue)
    os.chmod(os.path.join(tmp, "issue.py"), 0o755)
    return ["conf=" + modconf, "worker=" + WORKER, "mode=user",
            "profile=dev", "config_file=" + awsconf,
            "credentials_file=" + os.path.join(tmp, "credentials"),
            "credential_process=allow", "ignore_root=no", "minimum_uid=0",
            "clock_check=never", "region=eu-west-1"]


def login(sock, tmp, argv):
    """A login: the worker's first resolution, then the registration."""
    out = subprocess.run([os.path.join(tmp, "issue.py")], capture_output=True,
                         text=True, timeout=20)
    doc = json.loads(out.stdout)
    exp = datetime.datetime.strptime(doc["Expiration"], "%Y-%m-%dT%H:%M:%SZ")
    rec = {"op": "open_session", "user": "root", "uid": "0", "mode": "user",
           "profile": "dev", "files": "", "service": "sshd",
           "rhost": "192.0.2.9", "tty": "ssh",
           "access_key_id": doc["AccessKeyId"],
           "secret_access_key": doc["SecretAccessKey"],
           "session_token": doc["SessionToken"],
           "expiration": str(int(exp.replace(
               tzinfo=datetime.timezone.utc).timestamp())),
           "region": "eu-west-1", "argc": str(len(argv))}
    rec.update({"arg.%d" % i: a for i, a in enumerate(argv)})
    return control(sock, rec)


def node_sdk(tmp):
    """The JS SDK v3 installed by npm into tmp (npm's cache makes it quick
    after the first run), or why not."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return None, "node or npm is not installed"
    sdk = os.path.join(tmp, "node-sdk")
    try:
        out = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent",
             "--prefix", sdk, "@aws-sdk/credential-providers",
             "@aws-sdk/client-sts"], capture_output=True, text=True,
            timeout=300)
    except subprocess.TimeoutExpired:
        return None, "npm timed out installing the JS SDK v3"
    if out.returncode != 0:
        return None, "npm could not install the JS SDK v3 (no registry?)"
    return sdk, None


def client_lines(proc):
    out, _ = proc.communicate(timeout=200)
    lines = []
    for line in out.splitlines():
        try:
            lines.append(json.loads(line))
        except ValueError:
            pass
    return lines


def logout_during_refresh(t, tmp):
    """A set that lasts less than refresh_before: the first request starts
    a refresh, held two seconds by the issuer, and the session closes
    meanwhile; the user is forgotten at once (retain_after_close=0s)."""
    tmp = os.path.join(tmp, "logout")
    os.mkdir(tmp, 0o755)
    argv = user_profile(tmp, ISSUE_LASTING % (REFRESH_BEFORE - 4))
    broker, sock, port, log = start_broker(
        BROKER, tmp, "logout", "refresh_before = %ds\n"
        "retain_after_close = 0s\n" % REFRESH_BEFORE)
    try:
        first = login(sock, tmp, argv)
        open(os.path.join(tmp, "slow"), "w").close()
        served, _ = get(port, "/v1/credentials", "127.0.0.1:%d" % port,
                        first.get("token", ""))
        closed = control(sock, {"op": "close_session", "uid": "0",
                                "session": first.get("session", "")})
        deadline = time.time() + 15
        while time.time() < deadline and len(runs(tmp)) < 2:
            time.sleep(0.2)
        time.sleep(1)
    finally:
        broker.terminate()
        broker.wait(timeout=10)
    log.seek(0)
    text = log.read()
    key = "ASIAREFRESH%09d" % 2
    refreshed = [f for f in audit_line.lines(text)
                 if f.get("broker") == "refreshed"]
    t.ok(served == 200 and closed.get("result") == "ok"
         and len(runs(tmp)) == 2 and not refreshed
         and "refresh: credentials discarded: user=root uid=0"
         " access_key_id=%s, logged out during the refresh" % key in text,
         "a refresh that ends after the logout logs no issuance line, but"
         " that its set was discarded", (served, closed, refreshed, text))


def main():
    t, tmp, moto = begin("broker-refresh.", 13, moto=True)
    if t is None:
        return 0
    node_dir, node_why = node_sdk(tmp)
    argv = user_profile(tmp, ISSUE)
    broker, sock, port, log = start_broker(
        BROKER, tmp, "broker", "refresh_before = %ds\n"
        "retain_after_close = %ds\n" % (REFRESH_BEFORE, RETAIN))
    host = "127.0.0.1:%d" % port
    motoproc, endpoint = start_moto(moto, tmp)
    clients = []
    try:
        first = login(sock, tmp, argv)
        token = first.get("token", "")
        t.ok(first.get("result") == "ok" and len(token) == 64,
             "a login registers a session with the module's options", first)
        token_file = os.path.join(tmp, "users", "0", "token")
        os.makedirs(os.path.dirname(token_file), mode=0o700)
        with open(token_file, "w") as f:
            f.write(token)
        env = {k: v for k, v in os.environ.items()
               if not k.startswith("AWS_")}
        env.update({"AWS_CONTAINER_CREDENTIALS_FULL_URI": first["url"],
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": token_file,
                    "AWS_CONFIG_FILE": "/dev/null",
                    "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                    "AWS_EC2_METADATA_DISABLED": "true"})
        span = 3 * (LIFETIME - REFRESH_BEFORE) + LIFETIME + 4
        clients.append(("botocore", subprocess.Popen(
            [sys.executable, "-c", BOTO_CLIENT, endpoint or "", str(span)],
            env=env, stdout=subprocess.PIPE, text=True)))
        if node_dir is not None:
            nenv = dict(env, NODE_PATH=os.path.join(node_dir, "node_modules"))
            clients.append(("JS SDK v3", subprocess.Popen(
                ["node", "-e", NODE_CLIENT, endpoint or "", str(span)],
                env=nenv, stdout=subprocess.PIPE, text=True,
                cwd=node_dir)))

        time.sleep(3)
        second = login(sock, tmp, argv)
        closed = control(sock, {"op": "close_session", "uid": "0",
                                "session": first.get("session", "")})
        t.ok(second.get("token") == token and closed.get("result") == "ok",
             "a second login gets the same token; the first logs out",
             (second.get("result"), closed))

        results = {name: client_lines(p) for name, p in clients}
        issued = runs(tmp)
        for name in ("botocore", "JS SDK v3"):
            lines = results.get(name)
            if lines is None:
                t.skip("%s across three expiries" % name, node_why)
                continue
            keys = [l["key"] for l in lines if "key" in l]
            errs = [l["err"] for l in lines if "err" in l]
            expired = [e for n, e in issued[:3] if lines
                       and e < lines[-1]["t"]]
            t.ok(not errs and len(lines) >= span // 2
                 and len(set(keys)) >= 4 and len(expired) == 3,
                 "%s makes signed calls across three expiries without a"
                 " restart" % name,
                 {"calls": len(lines), "keys": sorted(set(keys)),
                  "errors": errs[:3], "expired": len(expired)})
        t.ok(len(issued) <= span // (LIFETIME - REFRESH_BEFORE) + 3,
             "the clients together cause one resolution per refresh",
             issued)

        # A burst while a slow refresh runs: one resolution.
        while True:
            status, body = get(port, "/v1/credentials", host, token)
            left = expiry(body) - time.time()
            if left < REFRESH_BEFORE + 1:
                break
            time.sleep(1)
        open(os.path.join(tmp, "slow"), "w").close()
        time.sleep(max(0, left - REFRESH_BEFORE) + 0.5)
        before = len(runs(tmp))
        answers = []

        def ask():
            answers.append(get(port, "/v1/credentials", host, token)[0])
        burst = [threading.Thread(target=ask) for _ in range(60)]
        for th in burst:
            th.start()
        for th in burst:
            th.join()
        time.sleep(3)
        os.unlink(os.path.join(tmp, "slow"))
        t.ok(answers == [200] * 60 and len(runs(tmp)) == before + 1,
             "60 requests at once near expiry: all served, one resolution",
             (answers.count(200), len(runs(tmp)) - before))

        # The issuer down: the valid set is served, then the CLI's words.
        open(os.path.join(tmp, "down"), "w").close()
        status, body = get(port, "/v1/credentials", host, token)
        kept = expiry(body) if status == 200 else 0
        deadline = time.time() + LIFETIME + 15
        codes = []
        while time.time() < deadline:
            asked = time.time()
            status, body = get(port, "/v1/credentials", host, token)
            codes.append((round(kept - asked, 1), status))
            if "RefreshFailed" in body:
                break
            time.sleep(1)
        served = [c for c in codes if c[1] == 200]
        # Served until its expiry (as often as this machine's load lets
        # the test ask), never refused before it.
        t.ok(kept and served and served[-1][0] < 6
             and all(s == 200 for left, s in codes if left > 0.5),
             "with the issuer down the still-valid set is served until"
             " it expires", codes)
        t.ok(status == 503 and "RefreshFailed" in body
             and "fake STS" in body,
             "then HTTP 503 with the CLI's words", (status, body))
        os.unlink(os.path.join(tmp, "down"))
        deadline = time.time() + 20
        while time.time() < deadline:
            status, body = get(port, "/v1/credentials", host, token)
            if status == 200:
                break
            time.sleep(1)
        t.ok(status == 200, "the issuer back, the next refresh serves again",
             (status, body))

        closed = control(sock, {"op": "close_session", "uid": "0",
                                "session": second.get("session", "")})
        status_kept, _ = get(port, "/v1/credentials", host, token)
        time.sleep(RETAIN + 2)
        status_gone, _ = get(port, "/v1/credentials", host, token)
        t.ok(closed.get("result") == "ok" and status_kept == 200
             and status_gone == 403,
             "after the last logout the token is served for"
             " retain_after_close=, then refused",
             (closed, status_kept, status_gone))

        broker.terminate()
        broker.wait(timeout=10)
        log.seek(0)
        text = log.read()
        refreshed = [f for f in audit_line.lines(text)
                     if f.get("broker") == "refreshed"]
        t.ok(len(refreshed) >= 4
             and all(f["user"] == "root" and f["uid"] == "0"
                     and f["rhost"] == "192.0.2.9" and f["tty"] == "ssh"
                     and f["access_key_id"].startswith("ASIA")
                     and f["expires"] != "-" for f in refreshed),
             "each refresh logs one issuance line in the module's format:"
             " who, where, key id, expiry", refreshed[:2])
        t.ok("refreshSecret" not in text and token not in text
             and "refreshSessionToken" not in text,
             "the broker logs no secret and no token", "")
        logout_during_refresh(t, tmp)
    finally:
        status = finish(t, tmp, *[p for _, p in clients], broker, motoproc)
    return status


if __name__ == "__main__":
    sys.exit(main())
