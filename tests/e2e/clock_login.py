#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""clock_login.py: the clock check of a login, through `awscred session`
(the module's own session code, the real worker as the user) with the
worker's clock shifted by libfaketime through a worker= wrapper (the
module starts the worker with an environment built from scratch):
- static keys: one probe of clock_url; a 10 min skew gives the user's line
  with direction and size, strict refuses, clock_check=never stays quiet;
- assume role against a loopback STS (tests/lib/fault_server.py): the STS
  response's Date is used and no clock request is added;
- SNTP; a 90 s skew only warns; a synchronised clock says nothing;
- expiry judged by AWS's clock in the module too (whole login shifted);
- a clock_url that never answers costs at most the login's budget;
- the host's clock record: ten logins, one clock request.
Root only (the worker is started as the user). Prints TAP."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from clock_lib import (AWSCRED, NET_MODULE, TOP_BUILDDIR, TOP_SRCDIR,  # noqa
                       Tap, assume_role_doc, faketime_env, iso, skip_reason)
import fault_server  # noqa: E402

WORKER = os.path.join(TOP_BUILDDIR, "pam_awscred", "awscred-worker")
CLOCK_SERVER = os.path.join(TOP_SRCDIR, "tests", "e2e", "clock_server.py")
# The loopback references are not AWS: the text names them.
BEHIND_10 = re.compile(r"System clock is (9 min 59|10 min [01]) s behind "
                       r"(http|sntp)://127\.0\.0\.1:\d+")
AHEAD_10 = re.compile(r"System clock is (9 min 59|10 min [01]) s ahead of "
                      r"http://127\.0\.0\.1:\d+/")
NOTICE = "the user would see: "
KEY_ID = "ASIALOGINEXAMPLE"


def write_wrapper(work, shift):
    """A worker= that runs the real worker under libfaketime."""
    path = os.path.join(work, "worker%s.sh" % shift.replace("+", "p"))
    env = " ".join("%s='%s'" % kv for kv in faketime_env(shift).items())
    with open(path, "w") as f:
        f.write("#!/bin/sh\nexec env %s '%s' \"$@\"\n" % (env, WORKER))
    os.chmod(path, 0o755)
    return path


class Servers:
    """The loopback references: clock servers (true, +90 s) and an STS."""

    def __init__(self, work):
        self.procs = []
        self.honest_http, self.honest_udp = self.clock_server()
        self.slight_http, _ = self.clock_server("--lie", "90")
        # a forger on the path: plain http and SNTP one day ahead
        self.forged_http, self.forged_udp = self.clock_server("--lie",
                                                              "86400")
        now = time.time()
        self.sts_script = os.path.join(work, "sts.json")
        self.sts_log = os.path.join(work, "sts.jsonl")
        with open(self.sts_script, "w") as f:
            json.dump({"routes": [
                {"path": "/valid/", "response": {
                    "status": 200, "body": assume_role_doc(KEY_ID, iso(now + 900))}},
                {"path": "/far/", "response": {
                    "status": 200,
                    "body": assume_role_doc(KEY_ID, "2099-01-01T00:00:00Z")}},
                {"path": "/hang/", "response": {"hang": 30}},
            ]}, f)
        proc, self.sts_port = fault_server.start(self.sts_script, self.sts_log)
        self.procs.append(proc)

    def clock_server(self, *args):
        proc = subprocess.Popen([sys.executable, CLOCK_SERVER, "--sntp"]
                                + list(args), stdout=subprocess.PIPE,
                                text=True)
        self.procs.append(proc)
        _, http_port, udp_port = proc.stdout.readline().split()
        return int(http_port), int(udp_port)

    def clock_count(self, port):
        with urllib.request.urlopen("http://127.0.0.1:%d/count" % port) as r:
            return int(r.read())

    def sts_requests(self):
        if not os.path.exists(self.sts_log):
            return 0
        with open(self.sts_log) as f:
            return sum(1 for line in f if line.strip())

    def sts_probes(self):
        """Clock probes (GetCallerIdentity) the STS server saw."""
        if not os.path.exists(self.sts_log):
            return 0
        with open(self.sts_log) as f:
            return sum(1 for line in f if "GetCallerIdentity" in line)

    def stop(self):
        for p in self.procs:
            p.terminate()
            p.wait(timeout=10)


def make_user(work):
    """A temporary user whose home is under work (its AWS CLI cache goes
    there); returns (name, home) or None."""
    name = "awsclk%d" % (os.getpid() % 100000)
    home = os.path.join(work, "home")
    if subprocess.run(["useradd", "-M", "-d", home, "-s", "/bin/sh", "-U",
                       name], capture_output=True).returncode != 0:
        return None
    os.makedirs(os.path.join(home, ".aws"))
    shutil.chown(home, name, name)
    shutil.chown(os.path.join(home, ".aws"), name, name)
    return name, home


def setup_user(prefix):
    """A work directory (STATE's) and a test user in it who can run the
    worker: (work, (name, home)), or (None, None) after printing why the
    test skips."""
    work = tempfile.mkdtemp(prefix=prefix)
    os.chmod(work, 0o755)
    STATE["dir"] = work
    made = make_user(work)
    why = "useradd failed" if made is None else None
    # A build tree closed to other users (rpmbuild's, dpkg-buildpackage's
    # under a 0700 directory) keeps the test user from running the worker.
    if made is not None and subprocess.run(
            ["runuser", "-u", made[0], "--", "test", "-x", WORKER],
            capture_output=True).returncode != 0:
        why = ("the test user cannot execute %s (build tree not reachable "
               "by other users)" % WORKER)
        subprocess.run(["userdel", made[0]], capture_output=True)
    if why is None:
        return work, made
    print("1..0 # SKIP " + why)
    shutil.rmtree(work, ignore_errors=True)
    return None, None


def user_test(prefix, plan, body):
    """A test as a test user: setup_user(PREFIX), the plan of PLAN tests,
    body(t, work, (name, home)); then the user removed, and the work
    directory too unless a test failed. Returns the exit status."""
    work, made = setup_user(prefix)
    if made is None:
        return 0
    t = Tap()
    print("1..%d" % plan)
    try:
        body(t, work, made)
    finally:
        subprocess.run(["userdel", made[0]], capture_output=True)
    if t.failed == 0:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if t.failed else 0


def write_static_keys(path, section):
    """A shared credentials file with AWS's example static keys as
    [SECTION]."""
    with open(path, "w") as f:
        f.write("[%s]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                "aws_secret_access_key = "
                "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n" % section)


def write_aws_files(user, home, sts_port):
    config = os.path.join(home, ".aws", "config")
    creds = os.path.join(home, ".aws", "credentials")
    with open(config, "w") as f:
        f.write("[profile static]\nregion = eu-west-1\n\n"
                "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
                "source_profile = static\nregion = eu-west-1\n"
                "endpoint_url = http://127.0.0.1:%d/far/\n\n"
                "[profile soon]\n"
                "role_arn = arn:aws:iam::123456789012:role/soon\n"
                "source_profile = static\nregion = eu-west-1\n"
                "endpoint_url = http://127.0.0.1:%d/valid/\n"
                % (sts_port, sts_port))
    write_static_keys(creds, "static")
    for path in (config, creds):
        os.chmod(path, 0o600)
        shutil.chown(path, user, user)


# Where each login's host clock record goes (main sets it), and how many
# logins there were.
STATE = {"dir": tempfile.gettempdir(), "logins": 0}


def session(base, options, env_extra=None):
    """awscred session for the test user with base options + options;
    unless options name one, each login has a host clock record of its
    own, so it measures afresh."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") and k != "LD_PRELOAD"}
    env.update(env_extra or {})
    STATE["logins"] += 1
    if not any(o.startswith("clock_state=") for o in options):
        options = options + ["clock_state=%s/clock-%d"
                             % (STATE["dir"], STATE["logins"])]
    return subprocess.run([AWSCRED, "session"] + base
                          + options, env=env, capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)


def notice(p):
    for line in p.stderr.splitlines():
        if NOTICE in line:
            return line.split(NOTICE, 1)[1]
    return ""


def run(t, work, s, user, home):
    write_aws_files(user, home, s.sts_port)
    slow, fast = write_wrapper(work, "-10m"), write_wrapper(work, "+10m")
    honest = "clock_url=http://127.0.0.1:%d/" % s.honest_http
    base = ["--user", user, "minimum_uid=0", "net_module=" + NET_MODULE,
            "timeout=10"]

    p = session(base, ["profile=static", honest, "worker=" + slow])
    n = notice(p)
    t.ok(p.returncode == 0 and "AWS_ACCESS_KEY_ID=" in p.stdout
         and BEHIND_10.search(n) and "AWS will reject signed requests" in n
         and "ask your administrator" in n,
         "static keys, worker 10 min slow: exported, and the user is told "
         "the clock is 10 min behind: %r" % n, p.stdout + p.stderr)
    t.ok(s.clock_count(s.honest_http) == 1,
         "static keys: exactly one clock probe", p.stderr)

    p = session(base, ["profile=static", honest, "worker=" + fast])
    t.ok(AHEAD_10.search(notice(p)),
         "worker 10 min fast: the user is told it is ahead: %r" % notice(p),
         p.stderr)

    p = session(base, ["profile=static", honest, "worker=" + slow,
                       "clock_strict", "clock_trust=any"])
    t.ok(p.returncode != 0 and "AWS_ACCESS_KEY_ID" not in p.stdout
         and "session was refused" in notice(p)
         and "refuse the session (clock_strict)" in p.stderr,
         "clock_strict clock_trust=any: a 10 min skew refuses the session "
         "and says so", p.stdout + p.stderr)
    p = session(base, ["profile=static", honest, "worker=" + slow, "strict"])
    t.ok(p.returncode == 0 and "AWS_ACCESS_KEY_ID=" in p.stdout
         and "AWS will reject signed requests" in notice(p),
         "strict alone (credentials only): a 10 min skew warns, the "
         "credentials are exported", p.stdout + p.stderr)

    before = s.clock_count(s.honest_http)
    p = session(base, ["profile=static", honest, "worker=" + slow,
                       "clock_check=never"])
    t.ok(p.returncode == 0 and notice(p) == ""
         and s.clock_count(s.honest_http) == before,
         "clock_check=never: no probe, no notice", p.stderr)

    p = session(base, ["profile=static", honest, "worker=" + WORKER])
    t.ok(p.returncode == 0 and notice(p) == "" and "clock" not in p.stderr,
         "synchronised clock: no warning", p.stderr)

    p = session(base, ["profile=static", "worker=" + WORKER,
                       "clock_url=http://127.0.0.1:%d/" % s.slight_http])
    n = notice(p)
    t.ok(p.returncode == 0
         and "1 min 30 s behind http://127.0.0.1:%d/" % s.slight_http in n
         and "more than 5 min off" in n,
         "90 s skew: warned (default clock_warn 60 s), not refused: %r" % n,
         p.stderr)
    p = session(base, ["profile=static", "worker=" + WORKER, "clock_warn=120",
                       "clock_url=http://127.0.0.1:%d/" % s.slight_http])
    t.ok(p.returncode == 0 and notice(p) == "",
         "clock_warn=120: a 90 s skew is fine", p.stderr)

    before = s.clock_count(s.honest_http)
    p = session(base, ["profile=static", honest, "worker=" + slow,
                       "sntp_server=127.0.0.1:%d" % s.honest_udp])
    t.ok(BEHIND_10.search(notice(p))
         and s.clock_count(s.honest_http) == before,
         "sntp_server: measured by SNTP, no HTTP probe: %r" % notice(p),
         p.stderr)

    before = s.clock_count(s.honest_http)
    p = session(base, ["profile=role", honest, "worker=" + slow])
    t.ok(p.returncode == 0 and "AWS_SESSION_TOKEN" in p.stdout
         and BEHIND_10.search(notice(p)),
         "assume role, worker 10 min slow: skew seen in STS's Date: %r"
         % notice(p), p.stdout + p.stderr)
    # The user's worker makes no request for the clock; the host's probe
    # (the clock worker, as system_user) goes to clock_url, never to the
    # user's STS.
    t.ok(s.sts_requests() == 1
         and s.clock_count(s.honest_http) - before <= 1,
         "assume role: one STS call, at most the host's probe besides (STS "
         "saw %d, clock server %d)" % (s.sts_requests(),
                                       s.clock_count(s.honest_http) - before))

    # The whole login 20 min fast: credentials valid for 15 more minutes
    # by AWS's clock look expired to the module and the worker.
    p = session(base, ["profile=soon", honest,
                       "worker=" + write_wrapper(work, "+20m")],
                faketime_env("+20m"))
    t.ok(p.returncode == 0 and "AWS_CREDENTIAL_EXPIRATION=" in p.stdout,
         "login 20 min fast: credentials valid by AWS's clock are exported",
         p.stdout + p.stderr)

    # A probe that hangs ends within the login's budget (timeout=2): the
    # worker stops it in time to hand over the credentials (else the module
    # kills it at the deadline and exports nothing). Wall time may exceed
    # the budget by what a login without the check costs (process start-up,
    # slow under sanitizers).
    started = time.monotonic()
    p = session(base, ["profile=static", "worker=" + WORKER,
                       "clock_check=never"])
    limit = 2.0 + (time.monotonic() - started) + 0.3
    started = time.monotonic()
    p = session(base, ["profile=static", "worker=" + WORKER, "timeout=2",
                       "clock_url=http://127.0.0.1:%d/hang/" % s.sts_port])
    took = time.monotonic() - started
    t.ok(p.returncode == 0 and "AWS_ACCESS_KEY_ID=" in p.stdout
         and notice(p) == "" and took < limit,
         "clock_url that hangs: credentials after %.2f s (timeout=2, "
         "limit %.2f s)" % (took, limit),
         p.stdout + p.stderr)

    # An SNTP server that never answers, then the hanging URL: both share
    # the one budget.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))
        started = time.monotonic()
        p = session(base, [
            "profile=static", "worker=" + WORKER, "timeout=2",
            "sntp_server=127.0.0.1:%d" % silent.getsockname()[1],
            "clock_check=always",
            "clock_url=http://127.0.0.1:%d/hang/" % s.sts_port])
        took = time.monotonic() - started
    t.ok(p.returncode == 0 and "AWS_ACCESS_KEY_ID=" in p.stdout
         and took < limit,
         "silent SNTP server and hanging clock_url: credentials after %.2f s "
         "(timeout=2)" % took, p.stdout + p.stderr)

    host_record(t, work, s, user, base, honest)
    unsynchronised(t, work, base, honest)
    admin_endpoint(t, work, s, base)
    stuck_probe(t, work, base, honest)
    forged(t, s, base)


def host_record(t, work, s, user, base, honest):
    """The host's clock record (clock_state=): measured once for many
    logins; a record someone else could have written is not used."""
    state = os.path.join(work, "host-clock")
    before = s.clock_count(s.honest_http)
    exported = 0
    for _ in range(10):
        p = session(base, ["profile=static", honest, "worker=" + WORKER,
                           "clock_state=" + state])
        exported += p.returncode == 0 and "AWS_ACCESS_KEY_ID=" in p.stdout
    st = os.stat(state)
    t.ok(exported == 10 and s.clock_count(s.honest_http) - before == 1
         and st.st_uid == 0 and st.st_mode & 0o022 == 0,
         "ten logins in a row: one clock request (clock server saw %d), "
         "a root-owned record (mode %o)" % (
             s.clock_count(s.honest_http) - before, st.st_mode & 0o777))
    shutil.chown(state, user)
    before = s.clock_count(s.honest_http)
    p = session(base, ["profile=static", honest, "worker=" + WORKER,
                       "clock_state=" + state])
    t.ok(p.returncode == 0 and s.clock_count(s.honest_http) - before == 1
         and "ignoring clock_state" in p.stderr
         and os.stat(state).st_uid == 0,
         "a record owned by the user is ignored and replaced", p.stderr)


def write_record(path, records):
    """A host clock record as the module writes it (a result frame),
    taken now, root's, mode 0644."""
    taken = int(time.clock_gettime(time.CLOCK_BOOTTIME) * 1000)
    body = "".join("%s=%s\n" % kv for kv in records) \
        + "clock_taken_ms=%d\n" % taken
    with open(path, "w") as f:
        f.write("AWSCRED-RESULT 1 %d\n%s" % (len(body), body))
    os.chmod(path, 0o644)


def unsynchronised(t, work, base, honest):
    """The host's measurement failed on a kernel clock that says it is
    unsynchronised: one LOG_NOTICE per measurement, and only for a login
    that exported credentials."""
    state = os.path.join(work, "unsync-clock")
    write_record(state, [("clock_measured", "0"),
                         ("clock_error", "Read timeout on endpoint URL"),
                         ("clock_verdict", "3"), ("clock_kernel_sync", "0")])
    logs = []
    for profile in ("nosuch", "static", "static", "static"):
        p = session(base, ["profile=" + profile, honest, "worker=" + WORKER,
                           "quiet", "clock_state=" + state])
        logs.append(p.stderr.count("system clock is not synchronised"))
    t.ok(logs == [0, 1, 0, 0],
         "unsynchronised kernel clock: one NOTICE per measurement, none for "
         "a login without credentials (per login: %s)" % logs)


def stuck_probe(t, work, base, honest):
    """A clock worker that never returns (stuck in a lookup curl cannot
    abandon): killed at the probe's bound, the credentials kept, the log
    names the clock probe."""
    wrapper = os.path.join(work, "stuck-clock-worker.sh")
    with open(wrapper, "w") as f:
        f.write("#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = --clock-only ] "
                "&& exec sleep 30; done\nexec '%s' \"$@\"\n" % WORKER)
    os.chmod(wrapper, 0o755)
    started = time.monotonic()
    p = session(base, ["profile=static", honest, "worker=" + wrapper])
    took = time.monotonic() - started
    t.ok(p.returncode == 0 and "AWS_ACCESS_KEY_ID=" in p.stdout
         and "clock probe timed out after 2000 ms" in p.stderr
         and "resolving AWS credentials" not in p.stderr and took < 4,
         "a clock worker that hangs is killed after 2 s, the credentials "
         "kept (%.2f s)" % took, p.stdout + p.stderr)


def admin_endpoint(t, work, s, base):
    """Without clock_url the host's probe goes where the admin's STS
    calls would go (system_config's endpoint_url, as the AWS CLI resolves
    it), never to an endpoint the user configured."""
    config = os.path.join(work, "admin-config")
    with open(config, "w") as f:
        f.write("[default]\nendpoint_url = http://127.0.0.1:%d/\n"
                % s.honest_http)
    os.chmod(config, 0o644)
    before, sts = s.clock_count(s.honest_http), s.sts_probes()
    p = session(base, ["profile=role", "worker=" + WORKER,
                       "system_config=" + config])
    t.ok(p.returncode == 0 and "AWS_SESSION_TOKEN=" in p.stdout
         and s.clock_count(s.honest_http) - before == 1
         and s.sts_probes() - sts == 0,
         "no clock_url: the probe follows the admin's STS endpoint_url (clock "
         "server %d), not the user's (probes at STS: %d)" % (
             s.clock_count(s.honest_http) - before, s.sts_probes() - sts),
         p.stdout + p.stderr)


def forged(t, s, base):
    """A forger on the path to an unauthenticated source (plain http,
    SNTP) says the clock is a day off: warned, nothing refused under
    strict and clock_strict, nothing withheld."""
    http = "clock_url=http://127.0.0.1:%d/" % s.forged_http
    sntp = "sntp_server=127.0.0.1:%d" % s.forged_udp
    for name, source in (("plain-http Date", http), ("SNTP", sntp)):
        p = session(base, ["profile=static", "worker=" + WORKER, source,
                           "strict", "clock_strict"])
        t.ok(p.returncode == 0 and "AWS_ACCESS_KEY_ID=" in p.stdout
             and "system clock is 1 days 0 h behind" in p.stderr
             and "not refused: the source is not authenticated" in p.stderr,
             "forged %s a day off, strict and clock_strict: exported, "
             "warned, not refused" % name, p.stdout + p.stderr)
        # credentials valid 15 more minutes: "expired" by the forged clock
        p = session(base, ["profile=soon", "worker=" + WORKER, source])
        t.ok(p.returncode == 0 and "AWS_CREDENTIAL_EXPIRATION=" in p.stdout
             and "expired" not in p.stderr,
             "forged %s a day off: credentials valid 15 min more are not "
             "withheld" % name, p.stdout + p.stderr)


def main():
    if os.geteuid() != 0:
        print("1..0 # SKIP needs root (the worker is started as the user)")
        return 0
    why = skip_reason(AWSCRED, WORKER)
    if why:
        print("1..0 # SKIP " + why)
        return 0
    return user_test("awscred-clock-login.", 24, with_servers)


def with_servers(t, work, made):
    s = Servers(work)
    try:
        run(t, work, s, *made)
    finally:
        s.stop()


if __name__ == "__main__":
    sys.exit(main())
