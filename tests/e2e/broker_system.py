# SPDX-License-Identifier: MIT
"""broker_system.py: awscredd's refresh in system mode against moto_server
STS, the STS down during a refresh, and max_lifetime= (man/awscredd.8,
REFRESH; pam_awscred(8), mode=system).

  - system mode: the broker re-assumes the admin's role (system_config,
    source_profile with static keys) by running awscred-worker as
    system_user, the session named after the user, as the login did;
    moto's GetCallerIdentity with the refreshed set names the role and
    the user;
  - STS down: a session registered with a set that lasts a few seconds
    is served that set until it expires, then HTTP 503 RefreshFailed with
    the CLI's words ("Could not connect to the endpoint URL");
  - max_lifetime=3s: the token of a session still open is refused once
    the user's first login is that old, and its record is removed;
  - a login through the module (pam_wrapper) registers its role= and
    source_identity= (attribution, pam_awscred/attrib.c): the broker's
    broker=issued line names them as the module's line does.

Root and nobody are the sessions' users (get() runs as either);
system_user is nobody, reading the admin's files 0644.
"""

import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.environ.get("top_srcdir", "."), "tests",
                                "lib"))
from broker import get, open_session, BROKER, NOBODY  # noqa: E402
import audit_line  # noqa: E402
from pam_host import host_preload, wrapper_library  # noqa: E402
from broker_lib import (BUILD, WORKER, begin, finish,  # noqa: E402
                        start_broker)
from clock_login import write_static_keys  # noqa: E402
from sts_moto import start_moto  # noqa: E402
NET_MODULE = os.path.abspath(os.environ.get(
    "AWSCRED_NET_MODULE",
    os.path.join(BUILD, "libawscred", ".libs", "awscred-net.so")))
ROLE = "arn:aws:iam::123456789012:role/bastion"
# moto's shortest assumed-role set lasts 900 s: refresh_before just under
# it makes the broker resolve again a few seconds after each.
REFRESH_BEFORE = 890


def admin_files(tmp, endpoint):
    """The admin's source: static keys, and the role they assume."""
    admin = os.path.join(tmp, "admin")
    os.mkdir(admin, 0o755)
    config = os.path.join(admin, "config")
    creds = os.path.join(admin, "credentials")
    with open(config, "w") as f:
        f.write("[profile base]\nregion = us-east-1\nendpoint_url = %s\n\n"
                "[profile bastion]\nrole_arn = %s\nsource_profile = base\n"
                "duration_seconds = 900\nregion = us-east-1\n"
                "endpoint_url = %s\n" % (endpoint, ROLE, endpoint))
    write_static_keys(creds, "base")
    for p in (config, creds):
        os.chmod(p, 0o644)
    modconf = os.path.join(tmp, "pam_awscred.conf")
    open(modconf, "w").close()
    return ["conf=" + modconf, "worker=" + WORKER, "mode=system",
            "system_user=nobody", "system_profile=bastion",
            "system_config=" + config, "system_credentials=" + creds,
            "net_module=" + NET_MODULE, "ignore_root=no", "minimum_uid=0",
            "clock_check=never", "region=us-east-1"]


def caller(doc, endpoint):
    """moto's GetCallerIdentity with a credentials document, or why not."""
    import botocore.session
    s = botocore.session.get_session()
    c = s.create_client("sts", region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id=doc["AccessKeyId"],
                        aws_secret_access_key=doc["SecretAccessKey"],
                        aws_session_token=doc["Token"])
    try:
        return c.get_caller_identity()["Arn"]
    except Exception as e:  # noqa: BLE001
        return str(e)


def register(sock, uid, user, expires, argv):
    extra = {"mode": "system", "argc": str(len(argv))}
    extra.update({"arg.%d" % i: a for i, a in enumerate(argv)})
    return open_session(sock, uid, user, expires, extra=extra)


MODULE = os.path.join(BUILD, "pam_awscred", ".libs", "pam_awscred.so")
HOST = os.path.join(HERE, "..", "lib", "pam_host.py")


def module_login(t, tmp, argv, sock, log):
    """root's session through the module with role_arn= and the default
    source_identity (%u), delivered to the broker."""
    name = ("a system-mode login's broker=issued line names its role and"
            " source identity, as the module's line does")
    if wrapper_library() is None:
        t.skip(name, "pam_wrapper is not installed")
        return
    svc = os.path.join(tmp, "pam.d")
    os.makedirs(svc)
    opts = argv + ["role_arn=" + ROLE, "deliver=endpoint",
                   "broker_socket=" + sock]
    with open(os.path.join(svc, "awscred-system"), "w") as f:
        f.write("session required %s %s\n" % (MODULE, " ".join(opts)))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS") and k != "LD_PRELOAD"}
    env.update(host_preload(MODULE))
    env.update({"PAM_WRAPPER": "1", "PAM_WRAPPER_SERVICE_DIR": svc,
                "PAM_WRAPPER_DEBUGLEVEL": "2"})
    p = subprocess.run([sys.executable, HOST, "awscred-system", "root"],
                       env=env, capture_output=True, text=True, timeout=60)
    log.seek(0)
    module = audit_line.lines(p.stderr)
    issued = [f for f in audit_line.lines(log.read())
              if f.get("broker") == "issued" and f.get("user") == "root"]
    t.ok(module and issued
         and module[0].get("role") == issued[-1].get("role") == ROLE
         and module[0].get("source_identity")
         == issued[-1].get("source_identity") == "root"
         and module[0]["access_key_id"] == issued[-1]["access_key_id"],
         name, (module, issued, p.stdout[-500:], p.stderr[-1500:]))


def system_refresh(t, tmp, endpoint, motoproc):
    argv = admin_files(tmp, endpoint)
    broker, sock, port, log = start_broker(
        BROKER, tmp, "system", "refresh_before = %ds\n" % REFRESH_BEFORE)
    host = "127.0.0.1:%d" % port
    try:
        # The login's set lasts 4 s: the first request starts a refresh.
        token = register(sock, 0, "root", time.time() + 4, argv)["token"]
        doc = {}
        deadline = time.time() + 30
        while time.time() < deadline:
            status, body = get(port, "/v1/credentials", host, token)
            doc = json.loads(body) if status == 200 else {}
            if doc.get("AccessKeyId", "ASIABROKER").startswith("ASIABROKER"):
                time.sleep(0.5)
                continue
            break
        arn = caller(doc, endpoint) if doc else ""
        t.ok(doc and not doc["AccessKeyId"].startswith("ASIABROKER")
             and "assumed-role/bastion/root" in arn,
             "system mode: the broker re-assumes the admin's role as"
             " system_user, the session named after the user", arn)

        module_login(t, tmp, argv, sock, log)

        # STS down: nobody's set lasts 5 s more, and no refresh can work.
        motoproc.kill()
        motoproc.wait()
        token = register(sock, NOBODY, "nobody", time.time() + 5,
                         argv)["token"]
        codes, body = [], ""
        deadline = time.time() + 40
        while time.time() < deadline:
            status, body = get(port, "/v1/credentials", host, token, NOBODY)
            codes.append(status)
            if status != 200:
                break
            time.sleep(0.5)
        t.ok(codes[:3] == [200] * 3,
             "STS down: the still-valid set is served until it expires",
             codes)
        t.ok(codes[-1] == 503 and "RefreshFailed" in body
             and "Could not connect to the endpoint URL" in body,
             "then 503 RefreshFailed with the CLI's words (botocore's"
             " EndpointConnectionError)", body)
    finally:
        broker.terminate()
        broker.wait(timeout=20)
        log.seek(0)
        text = log.read()
        if t.failed:
            sys.stderr.write(text)


def lifetime(t, tmp):
    # A directory of its own: not the records the system broker kept.
    tmp = os.path.join(tmp, "lifetime")
    os.mkdir(tmp, 0o755)
    broker, sock, port, log = start_broker(BROKER, tmp, "lifetime",
                                           "max_lifetime = 3s\n")
    host = "127.0.0.1:%d" % port
    try:
        answer = open_session(sock, 0, "root", time.time() + 3600)
        token = answer.get("token", "")
        record = os.path.join(tmp, "sessions", "0")
        first, _ = get(port, "/v1/credentials", host, token)
        time.sleep(5)
        later, _ = get(port, "/v1/credentials", host, token)
        t.ok(first == 200 and later == 403 and not os.path.exists(record),
             "max_lifetime=3s: a session still open is refused after 3 s"
             " and its record removed", (first, later))
    finally:
        broker.terminate()
        broker.wait(timeout=20)


def main():
    t, tmp, moto = begin("broker-system.", 5, moto=True)
    if t is None:
        return 0
    motoproc, endpoint = start_moto(moto, tmp)
    try:
        if endpoint is None:
            for _ in range(4):
                t.ok(False, "moto_server started", "")
        else:
            system_refresh(t, tmp, endpoint, motoproc)
        lifetime(t, tmp)
    finally:
        status = finish(t, tmp, motoproc, log=None)
    return status


if __name__ == "__main__":
    sys.exit(main())
