#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Differential test (issue 5): `awscred export` against Debian's AWS CLI
v2 `aws configure export-credentials` for credential_process, container
credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI on 127.0.0.1) and EC2
instance metadata (AWS_EC2_METADATA_SERVICE_ENDPOINT), both pointed at the
same loopback fault server (tests/lib/fault_server.py) and helper scripts
(tests/data/process). Prints TAP.

Each scenario says what must agree: "all" (exit status, stdout, stderr),
or "rc" (exit status only, where the message is knowingly different:
JSON parser wording, Debian's older container host list, our documented
process environment); see the comments at each.

Usage: providers_diff.py AWSCRED [AWS]
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
import fault_server  # noqa: E402
from tap import Tap  # noqa: E402

DATA = os.path.normpath(os.path.join(HERE, "..", "data", "process"))
CREDS = {"AccessKeyId": "AKIDMETA", "SecretAccessKey": "metasecret",
         "Token": "metatoken", "Expiration": "2031-05-06T07:08:09Z"}
ROLE_PATH = "/latest/meta-data/iam/security-credentials/"


def process_scenarios():
    """credential_process: (name, command, compare)."""
    emit = "sh %s/emit.sh " % DATA
    ok = ('{"Version": 1, "AccessKeyId": "AKIDP", "SecretAccessKey": "sp", '
          '"SessionToken": "tp", "Expiration": "2031-05-06T07:08:09Z"}')
    return [
        ("process ok", "sh %s/ok.sh" % DATA, "all"),
        ("process with all fields", emit + "'%s'" % ok, "all"),
        ("process without expiration", emit + "'{\"Version\": 1, "
         "\"AccessKeyId\": \"AKIDP\", \"SecretAccessKey\": \"sp\"}'", "all"),
        ("process last duplicate wins", emit + "'{\"Version\": 1, "
         "\"AccessKeyId\": \"AKID1\", \"AccessKeyId\": \"AKID2\", "
         "\"SecretAccessKey\": \"sp\"}'", "all"),
        ("process quoting and #", emit + "'{\"Version\": 1, "
         "\"AccessKeyId\": \"A #B\", \"SecretAccessKey\": \"s p\"}'", "all"),
        ("process exit status with stderr",
         "sh -c 'echo helper failed >&2; exit 3'", "all"),
        ("process Version 2", emit + "'{\"Version\": 2}'", "all"),
        ("process Version missing", emit + "'{\"AccessKeyId\": \"A\"}'",
         "all"),
        ("process Version string", emit + "'{\"Version\": \"1\"}'", "all"),
        ("process missing SecretAccessKey", emit + "'{\"Version\": 1, "
         "\"AccessKeyId\": \"A\"}'", "all"),
        ("process missing AccessKeyId", emit + "'{\"Version\": 1}'", "all"),
        ("process helper not found", "/nonexistent/helper", "all"),
        ("process helper not on PATH", "no-such-helper-xyz", "all"),
        ("process expired", emit + "'{\"Version\": 1, \"AccessKeyId\": "
         "\"A\", \"SecretAccessKey\": \"s\", \"Expiration\": "
         "\"2001-01-01T00:00:00Z\"}'", "all"),
        # Python's json and cJSON word parse errors differently.
        ("process bad JSON", emit + "'not json'", "rc"),
        ("process trailing data", emit + "'{\"Version\": 1} x'", "rc"),
        ("process unparsable Expiration", emit + "'{\"Version\": 1, "
         "\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", "
         "\"Expiration\": \"garbage\"}'", "all"),
    ]


def route(path, responses, method=None, headers=None):
    r = {"path": path, "responses": responses}
    if method:
        r["method"] = method
    if headers:
        r["headers"] = headers
    return r


def imds_script(token, creds_responses, v1=False):
    tok = None if v1 else "TOKEN"
    return {"routes": [
        route("/latest/api/token", token, "PUT"),
        route(ROLE_PATH, [{"body": "role1"}], "GET",
              {"x-aws-ec2-metadata-token": tok}),
        route(ROLE_PATH + "role1", creds_responses, "GET",
              {"x-aws-ec2-metadata-token": tok}),
    ], "default": {"status": 401}}


def network_scenarios(port):
    """(name, env, script, compare)."""
    full = {"AWS_CONTAINER_CREDENTIALS_FULL_URI":
            "http://127.0.0.1:%d/creds" % port}
    imds = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:%d/" % port,
            "AWS_EC2_METADATA_DISABLED": None}
    tok = [{"body": "TOKEN"}]
    ok = [{"json": CREDS}]
    return [
        ("container ok", full, {"routes": [route("/creds", ok)]}, "all"),
        ("container with token", dict(full, AWS_CONTAINER_AUTHORIZATION_TOKEN=
                                      "Basic xyz"),
         {"routes": [route("/creds", ok, headers={"authorization":
                                                   "Basic xyz"})]}, "all"),
        ("container 500 then ok", full, {"routes": [route("/creds", [
            {"status": 500, "body": "busy"}] + ok)]}, "all"),
        ("container 401 three times", full, {"routes": [route("/creds", [
            {"status": 401, "body": "denied"}])]}, "all"),
        ("container bad JSON three times", full, {"routes": [
            route("/creds", [{"body": "{oops"}])]}, "all"),
        ("container localhost", {"AWS_CONTAINER_CREDENTIALS_FULL_URI":
                                 "http://localhost:%d/creds" % port},
         {"routes": [route("/creds", ok)]}, "all"),
        # Debian's 2.9.19 lists older allowed hosts in its message.
        ("container host not allowed", {"AWS_CONTAINER_CREDENTIALS_FULL_URI":
                                        "http://10.1.2.3/creds"},
         {"routes": []}, "rc"),
        ("imds v2", imds, imds_script(tok, ok), "all"),
        ("imds v1 fallback on 403", imds,
         imds_script([{"status": 403}], ok, v1=True), "all"),
        ("imds 400 on token: no credentials", imds,
         imds_script([{"status": 400}], ok), "all"),
        ("imds role missing: no credentials", imds,
         {"routes": [route("/latest/api/token", tok, "PUT")]}, "all"),
        ("imds error document: no credentials", imds,
         imds_script(tok, [{"json": {"Code": "Failure", "Message": "x"}}]),
         "all"),
        ("imds two attempts", dict(imds, AWS_METADATA_SERVICE_NUM_ATTEMPTS="2"),
         imds_script(tok, [{"status": 500}] + ok), "all"),
        ("imds disabled", dict(imds, AWS_EC2_METADATA_DISABLED="true"),
         imds_script(tok, ok), "all"),
    ]


class Runner:
    def __init__(self, awscred, aws, script_path):
        self.awscred = awscred
        self.aws = aws
        self.script_path = script_path
        self.nonce = 0

    def set_script(self, script):
        # A new nonce makes the server reload, resetting its counters.
        self.nonce += 1
        doc = dict(script, nonce=self.nonce)
        tmp = self.script_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(doc, f)
        os.rename(tmp, self.script_path)

    def run(self, cmd, home, config, env, script):
        if script is not None:
            self.set_script(script)
        with open(os.path.join(home, "config"), "w", encoding="utf-8") as f:
            f.write(config)
        e = {"HOME": home, "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8",
             "AWS_EC2_METADATA_DISABLED": "true",
             "AWS_CONFIG_FILE": os.path.join(home, "config"),
             "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials")}
        for k, v in env.items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
        p = subprocess.run(cmd + ["configure", "export-credentials"]
                           if cmd == [self.aws] else cmd + ["export"],
                           env=e, cwd=home, stdin=subprocess.DEVNULL,
                           capture_output=True, timeout=120)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def compare(self, t, name, config, env, script, how):
        home = tempfile.mkdtemp(prefix="providers_diff.")
        try:
            ours = self.run([self.awscred], home, config, env, script)
            theirs = self.run([self.aws], home, config, env, script)
        finally:
            shutil.rmtree(home, ignore_errors=True)
        same = ours[0] == theirs[0] if how == "rc" else ours == theirs
        t.ok(same, name, "awscred: %r\naws:     %r" % (ours, theirs))


def main():
    awscred = sys.argv[1]
    aws = sys.argv[2] if len(sys.argv) > 2 else "/usr/bin/aws"
    work = tempfile.mkdtemp(prefix="providers_diff_srv.")
    script_path = os.path.join(work, "script.json")
    with open(script_path, "w", encoding="utf-8") as f:
        f.write('{"routes": []}')
    server, port = fault_server.start(script_path)
    t = Tap()
    try:
        procs = process_scenarios()
        nets = network_scenarios(port)
        print("1..%d" % (len(procs) + len(nets)))
        r = Runner(awscred, aws, script_path)
        for name, command, how in procs:
            r.compare(t, name, "[default]\ncredential_process = %s\n"
                      % command, {}, None, how)
        for name, env, script, how in nets:
            r.compare(t, name, "", env, script, how)
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
