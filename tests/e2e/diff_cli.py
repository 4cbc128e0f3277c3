#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Differential test: `awscred export` against the AWS CLI v2's
`aws configure export-credentials` (and `awscred list` against
`aws configure list`) on hand-made and generated scenarios
of the static providers (environment, credentials file, config file,
profile selection, parse errors, partial keys, missing profiles).

Each scenario is a config file, a credentials file, environment
variables and command-line options. Both commands run with `env -i`
style environments, HOME in a temporary directory and IMDS disabled;
stdout, the exit status and stderr must be identical. Prints TAP.

Usage: diff_cli.py AWSCRED [AWS]   (AWS defaults to /usr/bin/aws)
Environment: DIFF_CLI_SEED (default 2026), DIFF_CLI_GENERATED (default 260),
DIFF_CLI_JOBS (default 2).
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

FORMATS = ["process", "env", "env-no-export", "powershell", "windows-cmd"]
FUTURE = "2031-05-06T07:08:09Z"

# ---- hand-made scenarios: (name, config, credentials, env, args) --------

DEF_CREDS = ("[default]\naws_access_key_id = AKIDDEFAULT\n"
             "aws_secret_access_key = sdefault\n")
DEV_CONF = ("[profile dev]\naws_access_key_id = AKIDDEVCFG\n"
            "aws_secret_access_key = sdevcfg\nregion = eu-west-1\n")
ENV_KEYS = {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "senv"}


def hand_made():
    s = []

    def add(name, config=None, creds=None, env=None, args=(), fmt=None,
            cmd="export"):
        s.append({"name": name, "config": config, "creds": creds,
                  "env": dict(env or {}), "args": list(args),
                  "format": fmt, "cmd": cmd})

    add("no files, no env")
    add("empty files", "", "")
    # /dev/null switches a file off: read as empty.
    add("AWS_CONFIG_FILE=/dev/null", DEF_CREDS, DEF_CREDS,
        {"AWS_CONFIG_FILE": "/dev/null"})
    add("AWS_SHARED_CREDENTIALS_FILE=/dev/null", DEF_CREDS, DEF_CREDS,
        {"AWS_SHARED_CREDENTIALS_FILE": "/dev/null"}, fmt="env")
    add("default in credentials file", None, DEF_CREDS)
    add("default in config file", DEF_CREDS, None)
    add("credentials file beats config file", DEV_CONF.replace(
        "profile dev", "default"), DEF_CREDS)
    add("--profile dev from config", DEV_CONF, DEF_CREDS, args=["--profile", "dev"])
    add("AWS_PROFILE dev", DEV_CONF, DEF_CREDS, {"AWS_PROFILE": "dev"})
    add("AWS_DEFAULT_PROFILE dev", DEV_CONF, DEF_CREDS,
        {"AWS_DEFAULT_PROFILE": "dev"})
    add("AWS_PROFILE beats AWS_DEFAULT_PROFILE", DEV_CONF, DEF_CREDS,
        {"AWS_PROFILE": "default", "AWS_DEFAULT_PROFILE": "dev"})
    add("--profile beats AWS_PROFILE", DEV_CONF, DEF_CREDS,
        {"AWS_PROFILE": "dev"}, ["--profile", "default"])
    add("missing --profile", DEV_CONF, DEF_CREDS, args=["--profile", "nope"])
    add("missing AWS_PROFILE with env keys", DEV_CONF, DEF_CREDS,
        dict(ENV_KEYS, AWS_PROFILE="nope"))
    add("missing AWS_DEFAULT_PROFILE", DEV_CONF, DEF_CREDS,
        {"AWS_DEFAULT_PROFILE": "nope"})
    add("empty AWS_PROFILE", DEV_CONF, DEF_CREDS,
        {"AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "dev"})
    add("AWS_PROFILE=default without files", env={"AWS_PROFILE": "default"})
    add("--profile '' is no profile: env keys stay on", DEV_CONF, DEF_CREDS,
        ENV_KEYS, ["--profile", ""])
    add("--profile '' falls back to AWS_PROFILE", DEV_CONF, DEF_CREDS,
        dict(ENV_KEYS, AWS_PROFILE="dev"), ["--profile", ""])
    add("--profile '' with a missing AWS_PROFILE", DEV_CONF, DEF_CREDS,
        {"AWS_PROFILE": "nope"}, ["--profile", ""])
    add("env keys", None, None, ENV_KEYS)
    add("env keys beat files", DEV_CONF, DEF_CREDS, ENV_KEYS)
    add("env keys with AWS_PROFILE", DEV_CONF, DEF_CREDS,
        dict(ENV_KEYS, AWS_PROFILE="dev"))
    add("--profile drops env keys", DEV_CONF, DEF_CREDS, ENV_KEYS,
        ["--profile", "dev"])
    add("--profile drops partial env", DEV_CONF, DEF_CREDS,
        {"AWS_ACCESS_KEY_ID": "AKIDENV"}, ["--profile", "dev"])
    add("env partial", None, DEF_CREDS, {"AWS_ACCESS_KEY_ID": "AKIDENV"})
    add("env empty secret", None, DEF_CREDS,
        {"AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": ""})
    add("env empty key falls through", None, DEF_CREDS,
        {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "x"})
    add("env secret only", None, None, {"AWS_SECRET_ACCESS_KEY": "x"})
    add("AWS_SESSION_TOKEN", env=dict(ENV_KEYS, AWS_SESSION_TOKEN="tok"))
    add("AWS_SECURITY_TOKEN beats AWS_SESSION_TOKEN",
        env=dict(ENV_KEYS, AWS_SESSION_TOKEN="tok", AWS_SECURITY_TOKEN="sec"))
    add("empty AWS_SECURITY_TOKEN",
        env=dict(ENV_KEYS, AWS_SESSION_TOKEN="tok", AWS_SECURITY_TOKEN=""))
    add("AWS_CREDENTIAL_EXPIRATION future",
        env=dict(ENV_KEYS, AWS_SESSION_TOKEN="tok",
                 AWS_CREDENTIAL_EXPIRATION=FUTURE))
    add("AWS_CREDENTIAL_EXPIRATION +00:00",
        env=dict(ENV_KEYS, AWS_CREDENTIAL_EXPIRATION="2031-05-06T07:08:09+00:00"))
    add("AWS_CREDENTIAL_EXPIRATION UTC",
        env=dict(ENV_KEYS, AWS_CREDENTIAL_EXPIRATION="2031-05-06T07:08:09UTC"))
    soon = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 300))
    add("AWS_CREDENTIAL_EXPIRATION in 5 minutes (refreshed, same)",
        env=dict(ENV_KEYS, AWS_CREDENTIAL_EXPIRATION=soon))
    add("AWS_CREDENTIAL_EXPIRATION past",
        env=dict(ENV_KEYS, AWS_CREDENTIAL_EXPIRATION="2020-01-01T00:00:00Z"))
    # datetime.isoformat() of what dateutil parsed: the fraction in
    # microseconds, the offset as given; the forms dateutil also reads.
    for when in ["2031-05-06T07:08:09.5Z", "2031-05-06T07:08:09+05:30",
                 "2031-05-06T07:08:09.123456789Z",
                 "2031-05-06T07:08:09.25-03:30", "2031-05-06T07:08:09-0800",
                 "2031-05-06 07:08:09 UTC", "Tue, 06 May 2031 07:08:09 GMT",
                 "Tue, 06 May 2031 07:08:09 +0200", "20310506T070809Z",
                 "20310506T070809.5+0100"]:
        for fmt in FORMATS:
            add("AWS_CREDENTIAL_EXPIRATION %s, %s" % (when, fmt),
                env=dict(ENV_KEYS, AWS_CREDENTIAL_EXPIRATION=when), fmt=fmt)
    add("AWS_CREDENTIAL_EXPIRATION garbage",
        env=dict(ENV_KEYS, AWS_CREDENTIAL_EXPIRATION="garbage"))
    add("AWS_CREDENTIAL_EXPIRATION empty",
        env=dict(ENV_KEYS, AWS_CREDENTIAL_EXPIRATION=""))
    add("partial in credentials file", None,
        "[default]\naws_access_key_id = AK\n")
    add("partial in config file", "[default]\naws_access_key_id = AK\n")
    add("secret only in credentials file", None,
        "[default]\naws_secret_access_key = SK\n")
    add("partial credentials file, keys in config",
        DEF_CREDS, "[default]\naws_access_key_id = AK\n")
    add("token precedence in file", None,
        DEF_CREDS + "aws_session_token = tok\naws_security_token = sec\n")
    add("session token in file", None, DEF_CREDS + "aws_session_token = tok\n")
    add("empty values in file", None, "[default]\naws_access_key_id =\n"
        "aws_secret_access_key =\naws_session_token =\n")
    add("upper-case keys", None, "[default]\nAWS_ACCESS_KEY_ID = AKUP\n"
        "Aws_Secret_Access_Key = sup\n")
    add("colon delimiter", None, "[default]\naws_access_key_id: AKCOLON\n"
        "aws_secret_access_key:scolon\n")
    add("no inline comments", None, "[default]\naws_access_key_id = AK # c\n"
        "aws_secret_access_key = SK ; c\n")
    add("full-line comments", None, "# top\n[default]\n; c\n"
        "aws_access_key_id = AK\n  # indented\naws_secret_access_key = SK\n")
    add("CRLF", None, DEF_CREDS.replace("\n", "\r\n"))
    add("value with spaces and quotes", None, "[default]\n"
        "aws_access_key_id = A K \"q\" \\\\ 'x'\naws_secret_access_key = s s\n")
    add("unicode value", None, "[default]\naws_access_key_id = AKé€😀\n"
        "aws_secret_access_key = sß\n")
    add("control characters", None, "[default]\naws_access_key_id = A\tB\x01\n"
        "aws_secret_access_key = s\x7f\n")
    add("continuation line", None, "[default]\naws_access_key_id = AK\n"
        "aws_secret_access_key = SK\naws_session_token = part1\n  part2\n")
    add("duplicate section", None, DEF_CREDS + DEF_CREDS)
    add("duplicate key", None, DEF_CREDS + "aws_access_key_id = again\n")
    add("duplicate section in config", DEV_CONF + DEV_CONF, DEF_CREDS)
    add("key before section", "region = x\n", DEF_CREDS)
    add("garbage line", None, "[default]\nthis is not a key\n")
    add("unterminated section", None, "[default\naws_access_key_id = AK\n")
    add("[profile dev] in credentials file", None,
        "[profile dev]\naws_access_key_id = AK\naws_secret_access_key = SK\n",
        args=["--profile", "dev"])
    add("profile with space in credentials file", None,
        "[profile dev]\naws_access_key_id = AK\naws_secret_access_key = SK\n",
        args=["--profile", "profile dev"])
    add("quoted profile name", "[profile \"my prof\"]\naws_access_key_id = AKQ\n"
        "aws_secret_access_key = SQ\n", None, args=["--profile", "my prof"])
    add("profile double space", "[profile  x]\naws_access_key_id = AKX\n"
        "aws_secret_access_key = SX\n", None, args=["--profile", "x"])
    add("profilefoo is not a profile", "[profilefoo]\naws_access_key_id = AKX\n"
        "aws_secret_access_key = SX\n", None, args=["--profile", "foo"])
    add("[default] then [profile default]", "[default]\naws_access_key_id = A1\n"
        "aws_secret_access_key = S1\n[profile default]\nregion = x\n")
    add("[profile default] then [default]", "[profile default]\n"
        "aws_access_key_id = A2\naws_secret_access_key = S2\n[default]\n"
        "aws_access_key_id = A3\naws_secret_access_key = S3\n")
    add("[DEFAULT] inheritance", None, "[DEFAULT]\naws_secret_access_key = SD\n"
        "[dev]\naws_access_key_id = AKDEV\n", args=["--profile", "dev"])
    add("[DEFAULT] keys alone", None, "[DEFAULT]\naws_access_key_id = AKD\n"
        "aws_secret_access_key = SD\n")
    add("case-sensitive section", None, "[Dev]\naws_access_key_id = AK\n"
        "aws_secret_access_key = SK\n", args=["--profile", "dev"])
    add("static creds beat credential_process", None,
        DEF_CREDS + "credential_process = /bin/false\n")
    add("credentials-file profile, config keys", DEV_CONF,
        "[dev]\nregion = us-east-1\n", args=["--profile", "dev"])
    add("merged profile: key in config, secret in credentials",
        "[profile m]\naws_access_key_id = AKM\n",
        "[m]\naws_secret_access_key = SM\n", args=["--profile", "m"])
    add("missing files by path", env={
        "AWS_CONFIG_FILE": "/nonexistent/config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials"})
    # A directory is absent for configparser (IsADirectoryError skipped).
    add("AWS_CONFIG_FILE is a directory", DEV_CONF, DEF_CREDS,
        {"AWS_CONFIG_FILE": "~"})
    add("AWS_SHARED_CREDENTIALS_FILE is a directory", DEF_CREDS, DEF_CREDS,
        dict(ENV_KEYS, AWS_SHARED_CREDENTIALS_FILE="~"))
    add("both files are directories", None, None,
        dict(ENV_KEYS, AWS_CONFIG_FILE="~", AWS_SHARED_CREDENTIALS_FILE="/"))
    add("~ in AWS_SHARED_CREDENTIALS_FILE", None, DEF_CREDS,
        {"AWS_SHARED_CREDENTIALS_FILE": "~/credentials"})
    add("$HOME in AWS_SHARED_CREDENTIALS_FILE", None, DEF_CREDS,
        {"AWS_SHARED_CREDENTIALS_FILE": "$HOME/credentials"})
    add("${HOME} in AWS_CONFIG_FILE", DEF_CREDS, None,
        {"AWS_CONFIG_FILE": "${HOME}/config"})
    add("default paths under HOME", DEV_CONF, DEF_CREDS,
        {"AWS_CONFIG_FILE": None, "AWS_SHARED_CREDENTIALS_FILE": None})
    add("--region does not matter", None, DEF_CREDS, args=["--region", "x"])
    # botocore's parameter validation refuses these before any request
    # (exit 252). Should a request go out anyway, it goes to loopback:
    # awscred's to AWS_ENDPOINT_URL_STS, the CLI's (2.9.19 has no such
    # setting) to the proxy. tests/e2e/sts_faults.py counts the requests.
    nowhere = {"AWS_ENDPOINT_URL_STS": "http://127.0.0.1:1/",
               "HTTPS_PROXY": "http://127.0.0.1:1", "AWS_REGION": "us-east-1"}
    role = ("[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\n"
            "source_profile = base\n")
    base = "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n"
    for what, lines in [
            ("role_session_name of 1 character", "role_session_name = a\n"),
            ("role_session_name of 1 non-ASCII character",
             "role_session_name = \u00e9\n"),
            ("empty external_id", "external_id =\n"),
            ("duration_seconds 899", "duration_seconds = 899\n"),
            ("duration_seconds -5 with spaces", "duration_seconds =  -5 \n"),
            ("duration_seconds in full-width digits",
             "duration_seconds = \uff18\uff19\uff19\n"),
            ("three invalid parameters", "duration_seconds = 1\n"
             "external_id = x\nrole_session_name = y\n")]:
        add("parameter validation: " + what, role + lines, base, nowhere,
            ["--profile", "r"])
    add("parameter validation: short role_arn",
        "[profile r]\nrole_arn = arn:short\nsource_profile = base\n"
        "role_session_name = z\n", base, nowhere, ["--profile", "r"])
    add("AWS_REGION does not matter", None, DEF_CREDS, {"AWS_REGION": "x"})
    add("long session token", None, DEF_CREDS + "aws_session_token = "
        + ("IQoJb3JpZ2luX2VjEJr//" * 200) + "\n")
    add("_AWS_CLI_PROFILE_CHAIN at the limit", None, DEF_CREDS,
        {"_AWS_CLI_PROFILE_CHAIN": "a,b,c,d"})
    add("_AWS_CLI_PROFILE_CHAIN cycle", None, DEF_CREDS,
        {"_AWS_CLI_PROFILE_CHAIN": "x,default"})
    add("_AWS_CLI_PROFILE_CHAIN quoted", None, DEF_CREDS,
        {"_AWS_CLI_PROFILE_CHAIN": 'x,"default,y"'})
    # the barrier checks the profile being resolved: with --profile ''
    # that is AWS_PROFILE's, already on the chain
    add("_AWS_CLI_PROFILE_CHAIN cycle through --profile '' and AWS_PROFILE",
        DEV_CONF, DEF_CREDS,
        {"AWS_PROFILE": "dev", "_AWS_CLI_PROFILE_CHAIN": "x,dev"},
        ["--profile", ""])
    add("--profile with the env format", DEV_CONF, DEF_CREDS,
        args=["--profile", "dev"], fmt="env")
    for fmt in FORMATS:
        add("format " + fmt, None, None,
            dict(ENV_KEYS, AWS_SESSION_TOKEN="tok",
                 AWS_CREDENTIAL_EXPIRATION=FUTURE), fmt=fmt)
        add("format %s static" % fmt, None, DEF_CREDS, fmt=fmt)
    # `awscred list` against `aws configure list`.
    def add_list(name, config=None, creds=None, env=None, args=()):
        add("list: " + name, config, creds, env, args, cmd="list")

    add_list("no files")
    add_list("default", DEV_CONF.replace("profile dev", "default"), DEF_CREDS)
    add_list("--profile dev", DEV_CONF, DEF_CREDS, args=["--profile", "dev"])
    add_list("AWS_PROFILE and AWS_REGION", DEV_CONF, DEF_CREDS,
             {"AWS_PROFILE": "dev", "AWS_REGION": "ap-south-1"})
    add_list("AWS_DEFAULT_REGION", DEV_CONF, DEF_CREDS,
             {"AWS_DEFAULT_REGION": "us-east-2"})
    add_list("env keys", DEV_CONF, None, ENV_KEYS)
    add_list("env keys and --profile", DEV_CONF, DEF_CREDS, ENV_KEYS,
             ["--profile", "dev"])
    add_list("--region without profile region", None, DEF_CREDS,
             args=["--region", "eu-north-1"])
    add_list("--region with profile region", DEV_CONF, None,
             args=["--region", "eu-north-1", "--profile", "dev"])
    add_list("short key", None, "[default]\naws_access_key_id = AK\n"
             "aws_secret_access_key = S\n")
    add_list("region from credentials file", None,
             DEF_CREDS + "region = il-central-1\n")
    add_list("missing --profile", DEV_CONF, DEF_CREDS,
             args=["--profile", "nope"])
    add_list("AWS_CONFIG_FILE is a directory", DEV_CONF, DEF_CREDS,
             {"AWS_CONFIG_FILE": "~", "AWS_REGION": "eu-west-3"})
    add_list("--profile ''", DEV_CONF, DEF_CREDS, ENV_KEYS, ["--profile", ""])
    add_list("--profile '' and AWS_PROFILE", DEV_CONF, DEF_CREDS,
             {"AWS_PROFILE": "dev"}, ["--profile", ""])
    add_list("partial keys", None, "[default]\naws_access_key_id = AK\n")
    add_list("non-ASCII keys and region: masked and padded by characters",
             None, "[default]\naws_access_key_id = AKIDcr\u00e9\u00e8\n"
             "aws_secret_access_key = s\u00e9\u20ac\U0001f600x\n"
             "region = r\u00e9\n")
    add_list("parse error", "[x]\n[x]\n", DEF_CREDS)
    return s

# ---- generated scenarios ------------------------------------------------

NAMES = ["default", "dev", "prod-1", "a.b", "x_y"]
KEYS = ["AKIAGEN0001", "AKIAGEN0002", "ASIAGEN0003"]


def gen_section(rng, header):
    lines = [header]
    shape = rng.choice(["full", "full", "full", "token", "sectoken",
                        "partial", "secret-only", "region", "empty"])
    if shape in ("full", "token", "sectoken", "partial"):
        lines.append("aws_access_key_id = %s" % rng.choice(KEYS))
    if shape in ("full", "token", "sectoken", "secret-only"):
        lines.append("aws_secret_access_key = sec%d" % rng.randrange(1000))
    if shape == "token":
        lines.append("aws_session_token = tok%d" % rng.randrange(1000))
    if shape == "sectoken":
        lines.append("aws_session_token = tok%d" % rng.randrange(1000))
        lines.append("aws_security_token = sectok%d" % rng.randrange(1000))
    if rng.random() < 0.4:
        lines.append("region = %s" % rng.choice(["us-east-1", "eu-west-1"]))
    rng.shuffle(lines[1:])
    return lines[:1] + sorted(lines[1:], key=lambda _: rng.random())


def gen_file(rng, config):
    names = rng.sample(NAMES, rng.randrange(0, 4))
    out = []
    for n in names:
        if config:
            header = "[default]" if n == "default" else "[profile %s]" % n
        else:
            header = "[%s]" % n
        out += gen_section(rng, header)
    r = rng.random()
    if r < 0.04 and out:
        out.append(out[0])              # duplicate section
    elif r < 0.07 and len(out) > 1:
        out.append(out[1])              # duplicate key
    sep = "\r\n" if rng.random() < 0.1 else "\n"
    return sep.join(out) + sep if out else rng.choice(["", None])


def gen_env(rng):
    env = {}
    if rng.random() < 0.35:
        env["AWS_ACCESS_KEY_ID"] = rng.choice(["AKIAENV0001", ""])
        if rng.random() < 0.8:
            env["AWS_SECRET_ACCESS_KEY"] = rng.choice(["senv", "senv", ""])
        if rng.random() < 0.4:
            env["AWS_SESSION_TOKEN"] = rng.choice(["tenv", ""])
        if rng.random() < 0.2:
            env["AWS_SECURITY_TOKEN"] = rng.choice(["stenv", ""])
        if rng.random() < 0.2:
            env["AWS_CREDENTIAL_EXPIRATION"] = rng.choice(
                [FUTURE, "2031-01-02T03:04:05+00:00", "2001-01-01T00:00:00Z",
                 ""])
    for var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        if rng.random() < 0.25:
            env[var] = rng.choice(NAMES + ["missing"])
    return env


def generated(count, seed):
    rng = random.Random(seed)
    s = []
    for i in range(count):
        args = []
        if rng.random() < 0.3:
            args = ["--profile", rng.choice(NAMES + ["missing"])]
        s.append({"name": "generated %d" % i,
                  "config": gen_file(rng, True),
                  "creds": gen_file(rng, False),
                  "env": gen_env(rng), "args": args,
                  "format": rng.choice(FORMATS + ["process"] * 3),
                  "cmd": "export"})
    return s

# ---- running ------------------------------------------------------------


def run_one(cmd, scenario, home):
    env = {"HOME": home, "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8",
           "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_CONFIG_FILE": os.path.join(home, "config"),
           "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials")}
    for k, v in scenario["env"].items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    argv = cmd + scenario["args"]
    if scenario["format"]:
        argv += ["--format", scenario["format"]]
    # The build tree's network module (the Makefile exports its path).
    if os.path.basename(cmd[0]) == "awscred" and "AWSCRED_NET_MODULE" in \
            os.environ:
        env["AWSCRED_NET_MODULE"] = os.environ["AWSCRED_NET_MODULE"]
    p = subprocess.run(argv, env=env, cwd=home, stdin=subprocess.DEVNULL,
                       capture_output=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def write(path, text):
    if text is not None:
        with open(path, "w", encoding="utf-8", newline="") as fp:
            fp.write(text)


def compare(scenario, awscred, aws):
    home = tempfile.mkdtemp(prefix="diff_cli.")
    try:
        write(os.path.join(home, "config"), scenario["config"])
        write(os.path.join(home, "credentials"), scenario["creds"])
        if scenario["env"].get("AWS_CONFIG_FILE", "") is None:
            os.makedirs(os.path.join(home, ".aws"))
            for f in ("config", "credentials"):
                if os.path.exists(os.path.join(home, f)):
                    os.rename(os.path.join(home, f),
                              os.path.join(home, ".aws", f))
        theirs_cmd = {"export": "export-credentials", "list": "list"}
        ours = run_one([awscred, scenario["cmd"]], scenario, home)
        theirs = run_one([aws, "configure", theirs_cmd[scenario["cmd"]]],
                         scenario, home)
        return ours, theirs
    finally:
        shutil.rmtree(home)


def describe(scenario, ours, theirs):
    lines = ["scenario: %r" % {k: scenario[k] for k in
                               ("config", "creds", "env", "args", "format")}]
    for label, (rc, out, err) in (("awscred", ours), ("aws", theirs)):
        lines.append("%s: rc=%d stdout=%r stderr=%r" % (label, rc, out, err))
    return "\n".join("# " + l for l in "\n".join(lines).splitlines())


def main():
    awscred = sys.argv[1]
    aws = sys.argv[2] if len(sys.argv) > 2 else "/usr/bin/aws"
    if not os.access(aws, os.X_OK):
        print("1..0 # SKIP %s is not installed (apt-get install awscli)" % aws)
        return 0
    scenarios = hand_made() + generated(
        int(os.environ.get("DIFF_CLI_GENERATED", "260")),
        int(os.environ.get("DIFF_CLI_SEED", "2026")))
    print("1..%d" % len(scenarios), flush=True)
    jobs = int(os.environ.get("DIFF_CLI_JOBS", "2"))
    failed = 0
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = pool.map(lambda s: compare(s, awscred, aws), scenarios)
        for n, (scenario, (ours, theirs)) in enumerate(
                zip(scenarios, results), 1):
            if ours == theirs:
                print("ok %d - %s (rc %d)" % (n, scenario["name"], ours[0]),
                      flush=True)
            else:
                failed += 1
                print("not ok %d - %s" % (n, scenario["name"]))
                print(describe(scenario, ours, theirs), flush=True)
    print("# %d scenarios, %d agree, %d differ"
          % (len(scenarios), len(scenarios) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
