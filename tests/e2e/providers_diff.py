#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Differential test: `awscred export` against Debian's AWS CLI
v2 `aws configure export-credentials` for credential_process, container
credentials (AWS_CONTAINER_CREDENTIALS_FULL_URI on 127.0.0.1) and EC2
instance metadata (AWS_EC2_METADATA_SERVICE_ENDPOINT), both pointed at the
same loopback fault server (tests/lib/fault_server.py) and helper scripts
(tests/data/process). Prints TAP.

Each scenario says what must agree:
  "all"      exit status, stdout and stderr, byte for byte;
  "v2"       the same, after rewriting Debian 2.9.19's container messages
             into current botocore's words (V2_WORDING: "ECS metadata" became
             "container metadata" and the allowed host list grew, section 13
             of doc/credential-chain.md); awscred follows current
             CLI v2;
  "rc"       exit status only, where the message is knowingly different
             (JSON parser wording, libcurl's reasons, our documented
             sanitising of helper stderr); see the comment at each.
A scenario may also give the AWS CLI its own environment changes where
Debian 2.9.19 lacks a current-CLI feature that has a plain equivalent
(AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE, an IMDS endpoint without a
trailing slash); the comment at each says why that is the same request.

Documented differences that no exit status can show are not run here (the
unit tests cover them): an invalid IMDS endpoint, endpoint mode or
metadata_service_timeout fails the CLI even when an earlier provider has
credentials, awscred only when IMDS is reached (imds.c); Debian 2.9.19 has
no ec2_metadata_v1_disabled and refuses 127.0.0.2 and 169.254.170.23 as
container hosts (section 13); the CLI fails (exit 255, "can't subtract
offset-naive and offset-aware datetimes") on an Expiration without a time
zone, which awscred reads as UTC and prints with "+00:00" (test_util.c); IMDS's stale-credential extension adds random jitter.

Usage: providers_diff.py AWSCRED [AWS]
"""
import json
import os
import re
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

# Debian 2.9.19's words (awscli/botocore/utils.py ContainerMetadataFetcher)
# -> current botocore's (1.43 utils.py, same class), for "v2" scenarios.
V2_WORDING = [
    (r"Received non 200 response \((\d+)\) from ECS metadata",
     r"Received non 200 response \1 from container metadata"),
    (r"ECS metadata", "container metadata"),
    (r"Can only retrieve metadata from these hosts: "
     r"169\.254\.170\.2, localhost, 127\.0\.0\.1",
     "Can only retrieve metadata from a loopback address or one of these "
     "hosts: 169.254.170.2, 169.254.170.23, fd00:ec2::23, localhost"),
]


def process_scenarios():
    """credential_process: (name, command, compare[, more profile
    lines])."""
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
        # AccountId (current CLI) is read; export-credentials prints no
        # account in either (reference section 9), Debian ignores it.
        ("process with AccountId", emit + "'{\"Version\": 1, "
         "\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", "
         "\"AccountId\": \"123456789012\"}'", "all"),
        ("process with aws_account_id in the profile", emit + "'{"
         "\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
         "\"s\"}'", "all", "aws_account_id = 123456789012\n"),
        ("process Version 1.0", emit + "'{\"Version\": 1.0, "
         "\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\"}'", "all"),
        ("process Version true", emit + "'{\"Version\": true, "
         "\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\"}'", "all"),
        ("process output is an array", emit + "'[1]'", "all"),
        ("process null SessionToken", emit + "'{\"Version\": 1, "
         "\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", "
         "\"SessionToken\": null}'", "all"),
        ("process empty SessionToken", emit + "'{\"Version\": 1, "
         "\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", "
         "\"SessionToken\": \"\"}'", "all"),
        ("process stdout ends in a newline, stderr ignored on success",
         "sh -c 'echo just a warning >&2; exec sh %s/ok.sh'" % DATA, "all"),
        # No shell: "~/x$HOME" reaches the helper as it is written.
        ("process no ~ or $VAR expansion",
         "sh -c 'printf \"{\\\"Version\\\": 1, \\\"AccessKeyId\\\": "
         "\\\"%s\\\", \\\"SecretAccessKey\\\": \\\"s\\\"}\" \"$0\"' "
         "~/x$HOME", "all"),
        ("process unbalanced quote", "sh -c 'echo", "all"),
        ("process non-zero exit, two lines on stderr",
         "sh -c 'printf \"one\\ntwo\\n\" >&2; exit 2'", "all"),
        # doc/security.md D3: control characters in the helper's
        # stderr are escaped; a silent failure names its exit status or
        # signal (the CLI's message ends in an empty stderr).
        ("process non-zero exit, control characters on stderr",
         "sh %s/fail.sh" % DATA, "rc"),
        ("process non-zero exit, nothing on stderr",
         "sh %s/silent_fail.sh" % DATA, "rc"),
        ("process killed by a signal", "sh -c 'kill -9 $$'", "rc"),
        # Python's json and cJSON word parse errors differently.
        ("process empty output", "true", "rc"),
        ("process Expiration with an offset", emit + "'{\"Version\": 1, "
         "\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", "
         "\"Expiration\": \"2031-05-06T09:08:09+02:00\"}'", "all"),
        ("process Expiration with milliseconds", emit + "'{\"Version\": 1, "
         "\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", "
         "\"Expiration\": \"2031-05-06T07:08:09.123Z\"}'", "all"),
        ("process Expiration as an HTTP date", emit + "'{\"Version\": 1, "
         "\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", "
         "\"Expiration\": \"Tue, 06 May 2031 07:08:09 GMT\"}'", "all"),
        ("process Expiration in the basic format", emit + "'{\"Version\": "
         "1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", "
         "\"Expiration\": \"20310506T070809.5-0130\"}'", "all"),
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


def network_scenarios(port, work):
    """(name, env, script, compare[, the AWS CLI's env changes]);
    work: a directory for token files."""
    full = {"AWS_CONTAINER_CREDENTIALS_FULL_URI":
            "http://127.0.0.1:%d/creds" % port}
    # Both get 5 s per request instead of 1 s: a loaded machine must not
    # turn a slow loopback answer into "no credentials".
    imds = {"AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:%d/" % port,
            "AWS_EC2_METADATA_DISABLED": None,
            "AWS_METADATA_SERVICE_TIMEOUT": "5"}
    tok = [{"body": "TOKEN"}]
    ok = [{"json": CREDS}]
    token_file = os.path.join(work, "token")
    with open(token_file, "w", encoding="utf-8") as f:
        f.write("Bearer from-file")
    token_file_nl = os.path.join(work, "token-nl")
    with open(token_file_nl, "w", encoding="utf-8") as f:
        f.write("Bearer from-file\n")
    # Debian 2.9.19 has no AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (section
    # 13); current botocore reads the file raw and sends it as the
    # Authorization header, winning over AWS_CONTAINER_AUTHORIZATION_TOKEN
    # (section 2.8): the same request as that variable set to the file's
    # contents, which is what the AWS CLI gets.
    by_file = dict(full, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=token_file,
                   AWS_CONTAINER_AUTHORIZATION_TOKEN="Basic wrong")
    file_for_aws = {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": None,
                    "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer from-file"}
    needs_file_token = {"routes": [route("/creds", ok, headers={
        "authorization": "Bearer from-file"})]}
    offset_creds = {"routes": [route("/creds", [{"json": dict(
        CREDS, Expiration="2031-05-06T09:08:09+02:00")}])]}
    return [
        ("container ok", full, {"routes": [route("/creds", ok)]}, "all"),
        ("container with token", dict(full, AWS_CONTAINER_AUTHORIZATION_TOKEN=
                                      "Basic xyz"),
         {"routes": [route("/creds", ok, headers={"authorization":
                                                   "Basic xyz"})]}, "all"),
        ("container 500 then ok", full, {"routes": [route("/creds", [
            {"status": 500, "body": "busy"}] + ok)]}, "all"),
        ("container 401 three times", full, {"routes": [route("/creds", [
            {"status": 401, "body": "denied"}])]}, "v2"),
        ("container bad JSON three times", full, {"routes": [
            route("/creds", [{"body": "{oops"}])]}, "v2"),
        ("container localhost", {"AWS_CONTAINER_CREDENTIALS_FULL_URI":
                                 "http://localhost:%d/creds" % port},
         {"routes": [route("/creds", ok)]}, "all"),
        ("container host not allowed", {"AWS_CONTAINER_CREDENTIALS_FULL_URI":
                                        "http://10.1.2.3/creds"},
         {"routes": []}, "v2"),
        ("container token file",
         dict(full, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=token_file),
         needs_file_token, "all", file_for_aws),
        ("container token file wins over token", by_file, needs_file_token,
         "all", file_for_aws),
        # A trailing newline is not a legal header value: current botocore
        # refuses it in the words awscred uses; Debian has no check and its
        # HTTP client refuses the header (same exit status).
        ("container token file with a trailing newline",
         dict(full, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=token_file_nl),
         needs_file_token, "rc",
         dict(file_for_aws,
              AWS_CONTAINER_AUTHORIZATION_TOKEN="Bearer from-file\n")),
        ("container bad JSON, then ok", full, {"routes": [route("/creds", [
            {"body": "{oops"}, {"body": "{oops"}] + ok)]}, "all"),
        ("container with AccountId", full, {"routes": [route("/creds", [
            {"json": dict(CREDS, AccountId="123456789012")}])]}, "all"),
        ("container Expiration with an offset", full, offset_creds, "all"),
        # container.c: "Missing or invalid key in response: 'Token'" where
        # the CLI lets a bare KeyError out ("'Token'").
        ("container answer without Token", full, {"routes": [route(
            "/creds", [{"json": {k: v for k, v in CREDS.items()
                                 if k != "Token"}}])]}, "rc"),
        # awscred adds libcurl's reason to the "Could not connect" line.
        ("container connection refused", {"AWS_CONTAINER_CREDENTIALS_FULL_URI":
                                          "http://127.0.0.1:1/creds"},
         None, "rc"),
        # Neither follows a redirect; awscred says so, the CLI reports a
        # non-200 answer.
        ("container redirect not followed", full, {"routes": [
            route("/creds", [{"redirect": "http://127.0.0.1:%d/other"
                              % port}]),
            route("/other", ok)]}, "rc"),
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
        # Current botocore inserts the "/" (section 6); Debian 2.9.19
        # concatenates raw and fails ("...:PORTlatest/api/token"), so the
        # AWS CLI is given the endpoint with its slash.
        ("imds endpoint without a trailing slash",
         dict(imds, AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:%d"
              % port), imds_script(tok, ok), "all",
         {"AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:%d/"
          % port}),
        ("imds endpoint from the config file", dict(
            imds, AWS_EC2_METADATA_SERVICE_ENDPOINT=None),
         imds_script(tok, ok), "all",
         None, "ec2_metadata_service_endpoint = http://127.0.0.1:%d/\n"
         % port),
        ("imds v1 fallback on 404", imds,
         imds_script([{"status": 404}], ok, v1=True), "all"),
        ("imds v1 fallback on 405", imds,
         imds_script([{"status": 405}], ok, v1=True), "all"),
        ("imds v1 fallback on a token read timeout",
         dict(imds, AWS_METADATA_SERVICE_TIMEOUT="2"),
         imds_script([{"hang": 4}], ok, v1=True), "all"),
        ("imds v1 fallback on a token 500", imds,
         imds_script([{"status": 500}], ok, v1=True), "all"),
        ("imds credentials 500, one attempt: no credentials", imds,
         imds_script(tok, [{"status": 500}] + ok), "all"),
        ("imds bad JSON, then ok with two attempts",
         dict(imds, AWS_METADATA_SERVICE_NUM_ATTEMPTS="2"),
         imds_script(tok, [{"body": "{oops"}] + ok), "all"),
        ("imds answer without Token: no credentials", imds,
         imds_script(tok, [{"json": {k: v for k, v in CREDS.items()
                                     if k != "Token"}}]), "all"),
        ("imds empty role name: no credentials", imds, {"routes": [
            route("/latest/api/token", tok, "PUT"),
            route(ROLE_PATH, [{"body": ""}])]}, "all"),
        ("imds unreachable: no credentials",
         dict(imds, AWS_EC2_METADATA_SERVICE_ENDPOINT="http://127.0.0.1:1/"),
         None, "all"),
        ("imds with AccountId", imds, imds_script(tok, [{"json": dict(
            CREDS, AccountId="123456789012")}]), "all"),
        ("imds Expiration with an offset", imds,
         imds_script(tok, offset_creds["routes"][0]["responses"]), "all"),
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
        # The build tree's network module (the Makefile exports its path;
        # the installed default does not exist before `make install`).
        if cmd != [self.aws] and "AWSCRED_NET_MODULE" in os.environ:
            e["AWSCRED_NET_MODULE"] = os.environ["AWSCRED_NET_MODULE"]
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

    def compare(self, t, name, config, env, script, how, aws_env=None):
        home = tempfile.mkdtemp(prefix="providers_diff.")
        try:
            ours = self.run([self.awscred], home, config, env, script)
            theirs = self.run([self.aws], home, config,
                              dict(env, **(aws_env or {})), script)
        finally:
            shutil.rmtree(home, ignore_errors=True)
        if how == "v2":
            stderr = theirs[2]
            for old, new in V2_WORDING:
                stderr = re.sub(old, new, stderr)
            theirs = (theirs[0], theirs[1], stderr)
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
        nets = network_scenarios(port, work)
        print("1..%d" % (len(procs) + len(nets)))
        r = Runner(awscred, aws, script_path)
        for name, command, how, *more in procs:
            r.compare(t, name, "[default]\ncredential_process = %s\n%s"
                      % (command, "".join(more)), {}, None, how)
        for name, env, script, how, *more in nets:
            aws_env = more[0] if more else None
            config = "[default]\n" + more[1] if len(more) > 1 else ""
            r.compare(t, name, config, env, script, how, aws_env)
    finally:
        server.kill()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)
    return 1 if t.failed else 0


if __name__ == "__main__":
    sys.exit(main())
