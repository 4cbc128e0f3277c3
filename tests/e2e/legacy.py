# SPDX-License-Identifier: MIT
"""botocore's legacy providers in the awscred command
(libawscred/providers/legacy.c): OriginalEC2Provider (AWS_CREDENTIAL_FILE,
AWSAccessKeyId= / AWSSecretKey= lines) and BotoProvider ($BOTO_CONFIG,
else /etc/boto.cfg, then ~/.boto, section [Credentials]), after the config
file and before the container endpoint. Each scenario runs `awscred
export` and botocore 1.43 in the same fresh home and compares the access
key, or that both fail with the same words. Prints TAP; the botocore half
skips without botocore.

Usage: legacy.py (top_builddir in the environment).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lib"))
from tap import Tap  # noqa: E402

TOP_BUILDDIR = os.environ.get("top_builddir", ".")
AWSCRED = os.path.join(TOP_BUILDDIR, "cli", "awscred")

EC2 = """# the EC2 API tools' file
AWSAccessKeyId = AKIDOLD
AWSAccessKeyId=AKIDEC2
  AWSSecretKey =  ec2secret  
no equals sign here
"""
BOTO = """[Boto]
debug = 0
[Credentials]
aws_access_key_id = AKIDBOTO
aws_secret_access_key = botosecret
"""
BOTOCORE_RUN = '''
import botocore.session
try:
    c = botocore.session.Session().get_credentials()
    print(c.access_key if c else "NONE")
except Exception as e:
    print("ERROR " + str(e))
'''


def scenarios():
    """(name, files {relative path: text}, environment, expected key or
    None for no credentials, or "ERROR words")."""
    return [
        ("AWS_CREDENTIAL_FILE: the last AWSAccessKeyId, values stripped",
         {"ec2.cred": EC2}, {"AWS_CREDENTIAL_FILE": "{home}/ec2.cred"},
         "AKIDEC2"),
        ("AWS_CREDENTIAL_FILE with ~", {"ec2.cred": EC2},
         {"AWS_CREDENTIAL_FILE": "~/ec2.cred"}, "AKIDEC2"),
        ("AWS_CREDENTIAL_FILE missing: botocore's ConfigNotFound", {},
         {"AWS_CREDENTIAL_FILE": "{home}/nothere"},
         "ERROR The specified config file ({home}/nothere) could not be "
         "found."),
        ("AWS_CREDENTIAL_FILE without AWSAccessKeyId: the next provider",
         {"ec2.cred": "AWSSecretKey=x\n", ".boto": BOTO},
         {"AWS_CREDENTIAL_FILE": "{home}/ec2.cred"}, "AKIDBOTO"),
        ("AWS_CREDENTIAL_FILE before boto", {"ec2.cred": EC2,
                                              ".boto": BOTO},
         {"AWS_CREDENTIAL_FILE": "{home}/ec2.cred"}, "AKIDEC2"),
        ("~/.boto [Credentials]", {".boto": BOTO}, {}, "AKIDBOTO"),
        ("BOTO_CONFIG with $VAR", {"b.cfg": BOTO},
         {"BOTO_CONFIG": "$HOME/b.cfg"}, "AKIDBOTO"),
        ("BOTO_CONFIG missing: no fallback to ~/.boto", {".boto": BOTO},
         {"BOTO_CONFIG": "{home}/nothere"}, None),
        ("boto without a secret: PartialCredentialsError",
         {".boto": "[Credentials]\naws_access_key_id = AKIDBOTO\n"}, {},
         "ERROR Partial credentials found in boto-config, missing: "
         "aws_secret_access_key"),
        ("boto's section name is case-sensitive",
         {".boto": BOTO.replace("[Credentials]", "[credentials]")}, {}, None),
        ("the config file's keys win over both",
         {".aws/config": "[default]\naws_access_key_id = AKIDCONFIG\n"
          "aws_secret_access_key = c\n", "ec2.cred": EC2, ".boto": BOTO},
         {"AWS_CREDENTIAL_FILE": "{home}/ec2.cred"}, "AKIDCONFIG"),
    ]


def run_awscred(home, env):
    p = subprocess.run([AWSCRED, "export", "--format", "process"], env=env,
                       capture_output=True, text=True, timeout=60)
    if p.returncode == 0:
        return json.loads(p.stdout)["AccessKeyId"], p.stderr
    return None, p.stderr


def run_botocore(env):
    p = subprocess.run([sys.executable, "-c", BOTOCORE_RUN], env=env,
                       capture_output=True, text=True, timeout=60)
    return p.stdout.strip(), p.stderr


def main():
    try:
        import botocore  # noqa: F401
        have_botocore = True
    except ImportError:
        have_botocore = False
    t = Tap()
    cases = scenarios()
    print("1..%d" % (2 * len(cases)))
    for name, files, extra, want in cases:
        home = tempfile.mkdtemp(prefix="awscred-legacy-")
        os.makedirs(os.path.join(home, ".aws"))
        for rel, text in files.items():
            with open(os.path.join(home, rel), "w") as f:
                f.write(text)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
               "HOME": home, "AWS_EC2_METADATA_DISABLED": "true",
               "AWS_CONFIG_FILE": os.path.join(home, ".aws", "config"),
               "AWS_SHARED_CREDENTIALS_FILE":
                   os.path.join(home, ".aws", "credentials")}
        if os.environ.get("AWSCRED_NET_MODULE"):
            env["AWSCRED_NET_MODULE"] = os.environ["AWSCRED_NET_MODULE"]
        env.update({k: v.replace("{home}", home) for k, v in extra.items()})
        want = want.replace("{home}", home) if want else want
        key, err = run_awscred(home, env)
        if want is None:
            good = key is None and "no credentials found" in err
        elif want.startswith("ERROR "):
            good = key is None and want[6:] in err
        else:
            good = key == want
        t.ok(good, "awscred: " + name, "%s\n%s" % (key, err))
        if not have_botocore:
            t.skip("botocore: " + name, "botocore is not installed")
        else:
            got, berr = run_botocore(env)
            if want is None:
                good = got == "NONE"
            elif want.startswith("ERROR "):
                good = got.startswith("ERROR") and want[6:] in got
            else:
                good = got == want
            t.ok(good, "botocore agrees: " + name, "%s\n%s" % (got, berr))
        shutil.rmtree(home, ignore_errors=True)
    return 1 if t.failed else 0


if __name__ == "__main__":
    if os.path.exists("/etc/boto.cfg"):
        print("1..0 # SKIP /etc/boto.cfg exists on this machine")
        sys.exit(0)
    sys.exit(main())
