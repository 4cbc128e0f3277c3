# SPDX-License-Identifier: MIT
"""bench/broker.py: awscredd's numbers (man/awscredd.8, README).

  latency  GET /v1/credentials served from memory on loopback: p50/p99
           over N requests, on one keep-alive connection and on a new
           connection each (what most SDKs do at each refresh)
  herd     USERS users (created here, removed after) x PROCS clients
           asking at the same moment as their credentials run out: how
           many are served (the requests wait for their user's refresh
           instead of a 503), how many resolutions each user caused (the
           credential_process counts its runs)
  rss      the broker's VmRSS with SESSIONS registered sessions, after
           the herd's 1000 connections waited at once

Usage (root): python3 bench/broker.py BUILDDIR [--tap]
--tap runs the herd only and prints TAP (tests/e2e/broker_load.sh).
"""

import http.client
import json
import os
import pwd
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "tests", "lib"))
from broker_lib import control, free_port  # noqa: E402

USERS, PROCS, SESSIONS, REQUESTS = 50, 20, 1000, 5000
REFRESH_BEFORE = 60
# Names of this run's own, so that runs at once (make check in several
# build trees) do not take each other's users.
PREFIX = "awsbrk%d-" % os.getpid()

ISSUE = r"""#!/usr/bin/python3
import datetime, json, os, time
here = os.path.dirname(os.path.abspath(__file__))
time.sleep(0.5)
with open(os.path.join(here, "runs", str(os.getuid())), "a") as f:
    f.write("1\n")
exp = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)
print(json.dumps({"Version": 1, "AccessKeyId": "ASIAHERD%012d" % os.getuid(),
                  "SecretAccessKey": "herdSecret%030d" % os.getuid(),
                  "SessionToken": "herdToken+/==",
                  "Expiration": exp.strftime("%Y-%m-%dT%H:%M:%SZ")}))
"""

# One user's clients: PROCS threads, each one GET at the same moment,
# retried like an SDK's container provider (3 tries). Prints the statuses
# and how many needed a retry.
CLIENTS = r"""
import http.client, sys, threading, time
port, n, start = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
token = sys.stdin.read().strip()
out, retried = [], []
def one():
    while time.time() < start:
        time.sleep(0.001)
    for attempt in range(3):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
            c.request("GET", "/v1/credentials",
                      headers={"Authorization": token,
                               "Host": "127.0.0.1:%d" % port})
            out.append(c.getresponse().status)
            retried.append(attempt)
            return
        except OSError:
            time.sleep(0.2)
    out.append(0)
ts = [threading.Thread(target=one) for _ in range(n)]
for t in ts: t.start()
for t in ts: t.join()
print(" ".join(map(str, out)), sum(1 for r in retried if r))
"""


def register(sock, uid, user, expires, argv=()):
    rec = {"op": "open_session", "user": user, "uid": str(uid),
           "mode": "user", "profile": "dev", "files": "", "service": "sshd",
           "rhost": "", "tty": "pts/1",
           "access_key_id": "ASIABENCH%011d" % uid,
           "secret_access_key": "benchSecret%029d" % uid,
           "session_token": "benchToken+/==",
           "expiration": str(int(expires)), "argc": str(len(argv))}
    rec.update({"arg.%d" % i: a for i, a in enumerate(argv)})
    return control(sock, rec)


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def cpu_seconds(pid):
    """The user and system CPU time pid has used."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def latency(port, token, pid):
    hdrs = {"Authorization": token, "Host": "127.0.0.1:%d" % port}
    result = {}
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    times = []
    used = cpu_seconds(pid)
    for _ in range(REQUESTS):
        t0 = time.perf_counter()
        c.request("GET", "/v1/credentials", headers=hdrs)
        r = c.getresponse()
        r.read()
        times.append(time.perf_counter() - t0)
        assert r.status == 200, r.status
    result["keep-alive"] = times
    used = cpu_seconds(pid) - used
    times = []
    for _ in range(REQUESTS // 5):
        t0 = time.perf_counter()
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        c.request("GET", "/v1/credentials", headers=hdrs)
        r = c.getresponse()
        r.read()
        c.close()
        times.append(time.perf_counter() - t0)
    result["new connection"] = times
    # The p99 on a shared machine is the scheduler's: say how busy it was.
    load = os.getloadavg()[0]
    for name, ts in result.items():
        print("latency (%s, %d requests): p50 %.3f ms, p99 %.3f ms"
              " (load average %.2f)"
              % (name, len(ts), 1000 * percentile(ts, 50),
                 1000 * percentile(ts, 99), load))
    # What the broker itself spends (kernel TCP included), whatever the load.
    print("broker CPU per keep-alive request: %.0f us" % (1e6 * used / REQUESTS))


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def herd(tmp, sock, port):
    """USERS x PROCS requests at once near expiry. Returns (statuses,
    retried, runs per user, seconds)."""
    os.makedirs(os.path.join(tmp, "runs"))
    os.chmod(os.path.join(tmp, "runs"), 0o1777)
    with open(os.path.join(tmp, "issue.py"), "w") as f:
        f.write(ISSUE)
    os.chmod(os.path.join(tmp, "issue.py"), 0o755)
    conf = os.path.join(tmp, "aws_config")
    with open(conf, "w") as f:
        f.write("[profile dev]\ncredential_process = %s/issue.py\n" % tmp)
    os.chmod(conf, 0o644)
    modconf = os.path.join(tmp, "pam_awscred.conf")
    open(modconf, "w").close()
    worker = os.path.join(BUILD, "pam_awscred", "awscred-worker")
    argv = ["conf=" + modconf, "worker=" + worker, "profile=dev",
            "config_file=" + conf, "credential_process=allow",
            "minimum_uid=0", "clock_check=never", "region=eu-west-1"]
    users = []
    for i in range(USERS):
        name = "%s%02d" % (PREFIX, i)
        subprocess.run(["userdel", name], capture_output=True)  # a leftover
        subprocess.run(["useradd", "-M", "-d", tmp, "-s", "/bin/bash",
                        name], check=True, capture_output=True)
        users.append(pwd.getpwnam(name))
    procs = []
    start = time.time() + 3
    try:
        for pw in users:
            # Run out: no still-valid set to serve meanwhile.
            ans = register(sock, pw.pw_uid, pw.pw_name, time.time() - 1,
                           argv)
            p = subprocess.Popen(
                ["setpriv", "--reuid=%d" % pw.pw_uid,
                 "--regid=%d" % pw.pw_gid, "--clear-groups",
                 "/usr/bin/python3", "-c", CLIENTS, str(port), str(PROCS),
                 str(start)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                text=True)
            p.stdin.write(ans["token"])
            p.stdin.close()
            procs.append(p)
        statuses, retried = [], 0
        for p in procs:
            fields = p.stdout.read().split()
            p.wait(timeout=120)
            statuses += [int(x) for x in fields[:-1]]
            retried += int(fields[-1]) if fields else 0
        took = time.time() - start
        time.sleep(3)       # the last resolutions finish
        runs = {}
        for pw in users:
            try:
                with open(os.path.join(tmp, "runs", str(pw.pw_uid))) as f:
                    runs[pw.pw_name] = len(f.read().splitlines())
            except OSError:
                runs[pw.pw_name] = 0
        return statuses, retried, runs, took
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
        for pw in users:
            subprocess.run(["userdel", pw.pw_name], capture_output=True)


def start_broker(tmp):
    sock = os.path.join(tmp, "broker.sock")
    port = free_port()
    conf = os.path.join(tmp, "broker.conf")
    with open(conf, "w") as f:
        f.write("[broker]\nlisten = 127.0.0.1:%d\ncontrol_socket = %s\n"
                "refresh_before = %ds\nmax_lifetime = 0\n"
                % (port, sock, REFRESH_BEFORE))
    log = open(os.path.join(tmp, "broker.log"), "w")
    broker = subprocess.Popen(
        [os.path.join(BUILD, "awscredd", "awscredd"), "--foreground",
         "--conf", conf], stdout=log, stderr=subprocess.STDOUT)
    for _ in range(100):
        if os.path.exists(sock):
            break
        time.sleep(0.05)
    return broker, sock, port


def main():
    global BUILD
    if os.geteuid() != 0:
        print("1..0 # SKIP needs root (users, the control socket)")
        return 0 if "--tap" in sys.argv else 77
    BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    tap = "--tap" in sys.argv
    tmp = tempfile.mkdtemp(prefix="awscred-bench-broker.")
    os.chmod(tmp, 0o755)
    broker, sock, port = start_broker(tmp)
    failed = False
    try:
        if not tap:
            token = register(sock, 0, "root", time.time() + 7200)["token"]
            latency(port, token, broker.pid)
        statuses, retried, runs, took = herd(tmp, sock, port)
        served = statuses.count(200)
        once = sum(1 for n in runs.values() if n == 1)
        if tap:
            print("1..2")
            ok = served == USERS * PROCS and retried == 0
            failed |= not ok
            print("%s 1 - %d requests from %d users at once as their"
                  " credentials run out: all served, none retried (%d did)"
                  % ("ok" if ok else "not ok", USERS * PROCS, USERS,
                     retried))
            if not ok:
                print("# served %d; others %s" % (served, sorted(
                    set(statuses) - {200})))
            ok = once == USERS
            failed |= not ok
            print("%s 2 - exactly one resolution per user"
                  % ("ok" if ok else "not ok"))
            if not ok:
                print("# %s" % json.dumps(runs))
        else:
            print("herd (%d users x %d clients at once, as their"
                  " credentials run out):"
                  " %d/%d served in %.2f s, %d needed a retry; users with"
                  " exactly one resolution: %d/%d (total %d)"
                  % (USERS, PROCS, served, len(statuses), took, retried,
                     once, USERS, sum(runs.values())))
            before = rss_kib(broker.pid)
            for i in range(SESSIONS - USERS - 1):
                register(sock, 400000 + i, "bench%d" % i,
                         time.time() + 3600)
            print("rss: %.1f MiB with %d registered sessions (%.1f MiB"
                  " before the last %d)" % (rss_kib(broker.pid) / 1024,
                                            SESSIONS, before / 1024,
                                            SESSIONS - USERS - 1))
    finally:
        broker.terminate()
        broker.wait(timeout=10)
        subprocess.run(["rm", "-rf", tmp])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
