# SPDX-License-Identifier: MIT
"""The module's admin options for the network and the legacy providers,
in a login through the real libpam under pam_wrapper (tests/lib/
pam_host.py) with the real worker as a temporary user:
- proxy=: the role's STS call (an http endpoint_url on loopback) reaches
  the loopback proxy of tests/e2e/proxy.py and never the STS itself;
- no_proxy= naming the STS host bypasses it;
- the user's HTTPS_PROXY / HTTP_PROXY, in the PAM environment and in the
  host's, are never used: without proxy= the call goes direct;
- legacy_providers=: a home with only ~/.boto exports nothing by default
  and its keys with legacy_providers=yes (botocore's BotoProvider).
Root only (the worker runs as the user). Prints TAP.

Usage: module_proxy.py (top_builddir and top_srcdir in the environment).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
sys.path.insert(0, HERE)
import proxy  # noqa: E402
from tap import Tap  # noqa: E402
from pam_host import host_preload, wrapper_library  # noqa: E402

TOP_BUILDDIR = os.path.abspath(os.environ.get("top_builddir", "."))
WORKER = os.path.join(TOP_BUILDDIR, "pam_awscred", "awscred-worker")
MODULE = os.path.join(TOP_BUILDDIR, "pam_awscred", ".libs", "pam_awscred.so")
NET_MODULE = os.path.join(TOP_BUILDDIR, "libawscred", ".libs",
                          "awscred-net.so")
HOST = os.path.join(HERE, "..", "lib", "pam_host.py")

ROLE_KEY = "ASIAPROXYROLEKEY0001"
# What the loopback STS and the proxy answer (proxy.py serves STS_XML).
proxy.STS_XML = (
    "<AssumeRoleResponse xmlns='https://sts.amazonaws.com/doc/2011-06-15/'>"
    "<AssumeRoleResult><Credentials><AccessKeyId>%s</AccessKeyId>"
    "<SecretAccessKey>roleSecret/roleSecret+roleSecret00000000"
    "</SecretAccessKey><SessionToken>roleToken</SessionToken>"
    "<Expiration>2031-05-06T07:08:09Z</Expiration></Credentials>"
    "<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s1"
    "</Arn><AssumedRoleId>AROAEXAMPLE:s1</AssumedRoleId></AssumedRoleUser>"
    "</AssumeRoleResult></AssumeRoleResponse>" % ROLE_KEY)
BOTO_KEY = "AKIABOTOBOTOBOTOBOTO"
BOTO = ("[Credentials]\naws_access_key_id = %s\n"
        "aws_secret_access_key = botoSecret/botoSecret+botoSecret000000\n"
        % BOTO_KEY)


def make_user(work, tag):
    """A temporary user with its home under work: (name, home) or None."""
    name = "awsprx%s%d" % (tag, os.getpid() % 10000)
    home = os.path.join(work, "home-" + tag)
    if subprocess.run(["useradd", "-M", "-d", home, "-s", "/bin/sh", "-U",
                       name], capture_output=True).returncode != 0:
        return None
    os.makedirs(home)
    shutil.chown(home, name, name)
    return name, home


def user_file(user, home, path, text):
    full = os.path.join(home, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    shutil.chown(os.path.dirname(full), user, user)
    with open(full, "w") as f:
        f.write(text)
    os.chmod(full, 0o600)
    shutil.chown(full, user, user)


def login(work, user, options, pam_env=(), host_env=None):
    """One login with the module's options; returns pam_host's JSON."""
    svc = os.path.join(work, "pam.d")
    os.makedirs(svc, exist_ok=True)
    with open(os.path.join(svc, "awscred-test"), "w") as f:
        f.write("session optional %s worker=%s net_module=%s"
                " conf=/nonexistent minimum_uid=0 clock_check=never"
                " deliver=keys %s\nsession required pam_permit.so\n"
                % (MODULE, WORKER, NET_MODULE, " ".join(options)))
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k != "LD_PRELOAD"}
    env.update(host_env or {})
    # pam_wrapper prints the module's pam_syslog lines on stderr.
    env.update(host_preload(MODULE))
    env.update({"PAM_WRAPPER": "1",
                "PAM_WRAPPER_SERVICE_DIR": svc,
                "PAM_WRAPPER_DEBUGLEVEL": "2"})
    p = subprocess.run([sys.executable, HOST, "awscred-test", user]
                       + list(pam_env), env=env, capture_output=True,
                       text=True, timeout=60)
    log = "".join(line + "\n" for line in p.stderr.splitlines()
                  if "SYSLOG" in line)
    try:
        out = json.loads(p.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        out = {"error": p.stdout}
    out["log"] = log
    return out


def proxy_cases(t, work, user, home):
    plain, prx = proxy.Origin(), proxy.Proxy()
    sts = "http://127.0.0.1:%d/" % plain.port
    at = "http://127.0.0.1:%d" % prx.port
    user_file(user, home, ".aws/config",
              "[default]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
              "source_profile = base\nrole_session_name = s1\n"
              "region = us-east-1\nendpoint_url = %s\n[profile base]\n"
              % sts)
    user_file(user, home, ".aws/credentials",
              "[base]\naws_access_key_id = AKIAPROXYBASEKEY0001\n"
              "aws_secret_access_key = baseSecret/baseSecret+baseSecret00\n")
    cache = os.path.join(home, ".aws", "cli")
    users_proxy = ["HTTPS_PROXY=" + at, "HTTP_PROXY=" + at,
                   "https_proxy=" + at, "http_proxy=" + at]
    cases = [
        ("proxy=: the STS call goes through the proxy only",
         ["proxy=" + at], [], None, ["POST " + sts], 0),
        ("no_proxy= naming the STS host bypasses proxy=",
         ["proxy=" + at, "no_proxy=example.com,127.0.0.1"], [], None, [], 1),
        ("no_proxy=* bypasses proxy=",
         ["proxy=" + at, "no_proxy=*"], [], None, [], 1),
        ("the user's proxy variables in the PAM environment are ignored",
         [], users_proxy, None, [], 1),
        ("the host's proxy variables are ignored too",
         [], [], dict(p.split("=", 1) for p in users_proxy), [], 1),
        ("the user's NO_PROXY does not undo the admin's proxy=",
         ["proxy=" + at], ["NO_PROXY=*", "no_proxy=*"], None,
         ["POST " + sts], 0),
    ]
    for name, options, pam_env, host_env, through, direct in cases:
        shutil.rmtree(cache, ignore_errors=True)
        before_p, before_o = len(prx.seen), len(plain.seen)
        out = login(work, user, options, pam_env, host_env)
        key = out.get("env", {}).get("AWS_ACCESS_KEY_ID")
        seen = prx.seen[before_p:]
        went = len(plain.seen) - before_o
        t.ok(out.get("open") == 0 and key == ROLE_KEY and seen == through
             and went == direct, name,
             "%s proxy saw %s, STS saw %d" % (out, seen, went))
    plain.close()
    prx.close()


def legacy_cases(t, work, user, home):
    user_file(user, home, ".boto", BOTO)
    out = login(work, user, [])
    env = out.get("env", {})
    t.ok(out.get("open") == 0 and "AWS_ACCESS_KEY_ID" not in env,
         "only ~/.boto: nothing exported by default", str(out))
    out = login(work, user, ["legacy_providers=yes"])
    env = out.get("env", {})
    t.ok(out.get("open") == 0 and env.get("AWS_ACCESS_KEY_ID") == BOTO_KEY
         and "AWS_SESSION_TOKEN" not in env,
         "legacy_providers=yes: ~/.boto's [Credentials] exported", str(out))
    out = login(work, user, ["legacy_providers=no"])
    t.ok(out.get("open") == 0
         and "AWS_ACCESS_KEY_ID" not in out.get("env", {}),
         "legacy_providers=no: nothing exported", str(out))


def main():
    if os.geteuid() != 0:
        print("1..0 # SKIP needs root (the worker is started as the user)")
        return 0
    if wrapper_library() is None:
        print("1..0 # SKIP libpam_wrapper.so not found")
        return 0
    if not (os.path.exists(MODULE) and os.access(WORKER, os.X_OK)):
        print("1..0 # SKIP the module and the worker are not built")
        return 0
    if os.path.exists("/etc/boto.cfg"):
        print("1..0 # SKIP /etc/boto.cfg exists (BotoProvider reads it)")
        return 0
    work = tempfile.mkdtemp(prefix="awscred-module-proxy.")
    os.chmod(work, 0o755)
    made = [u for u in (make_user(work, "p"), make_user(work, "l")) if u]
    try:
        if len(made) < 2:
            print("1..0 # SKIP useradd failed")
            return 0
        if subprocess.run(["runuser", "-u", made[0][0], "--", "test", "-x",
                           WORKER], capture_output=True).returncode != 0:
            print("1..0 # SKIP the test user cannot execute %s" % WORKER)
            return 0
        t = Tap()
        print("1..9")
        proxy_cases(t, work, *made[0])
        legacy_cases(t, work, *made[1])
    finally:
        for name, _ in made:
            subprocess.run(["userdel", name], capture_output=True)
    if t.failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
