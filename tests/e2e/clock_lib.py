# SPDX-License-Identifier: MIT
"""clock_lib.py: what the clock tests share: paths, libfaketime settings
(with the ASan runtime first under --enable-sanitizers), an STS
AssumeRole reply with a chosen expiration, and TAP output (tests/lib)."""

import datetime
import os
import subprocess
import sys

TOP_BUILDDIR = os.environ.get("top_builddir", ".")
TOP_SRCDIR = os.environ.get("top_srcdir", ".")
AWSCRED = os.path.join(TOP_BUILDDIR, "cli", "awscred")
# In a build tree cli/awscred is libtool's wrapper script, and a shell with
# libfaketime and the ASan runtime preloaded hangs: run the program behind
# it, finding libawscred.so as an installed one would.
if os.access(os.path.join(TOP_BUILDDIR, "cli", ".libs", "awscred"), os.X_OK):
    AWSCRED = os.path.join(TOP_BUILDDIR, "cli", ".libs", "awscred")
    os.environ["LD_LIBRARY_PATH"] = os.pathsep.join(
        p for p in (os.path.join(os.path.abspath(TOP_BUILDDIR), "libawscred",
                                 ".libs"),
                    os.environ.get("LD_LIBRARY_PATH")) if p)
FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
NET_MODULE = os.environ.get(
    "AWSCRED_NET_MODULE",
    os.path.join(TOP_BUILDDIR, "libawscred", ".libs", "awscred-net.so"))
sys.path.insert(0, os.path.join(TOP_SRCDIR, "tests", "lib"))
from tap import Tap  # noqa: E402,F401 (re-exported for the clock tests)

NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def iso(t):
    """Epoch seconds as AWS writes an Expiration."""
    return datetime.datetime.fromtimestamp(
        int(t), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def assume_role_doc(key_id, expiration):
    """An STS AssumeRole reply."""
    return ('<AssumeRoleResponse xmlns="%s"><AssumeRoleResult>'
            '<AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s'
            '</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>'
            '<Credentials><AccessKeyId>%s</AccessKeyId>'
            '<SecretAccessKey>sekrit</SecretAccessKey>'
            '<SessionToken>tok</SessionToken>'
            '<Expiration>%s</Expiration></Credentials>'
            '</AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId>'
            '</ResponseMetadata></AssumeRoleResponse>'
            % (NS, key_id, expiration))


def asan_runtime():
    """The ASan runtime awscred links, or None."""
    try:
        out = subprocess.run(["ldd", AWSCRED], capture_output=True,
                             text=True).stdout
    except OSError:
        return None
    for line in out.splitlines():
        if "libasan" in line and "=>" in line:
            return line.split("=>")[1].split()[0]
    return None


def faketime_env(shift):
    """Environment that shifts a process's real-time clock by shift."""
    preload = " ".join(p for p in (asan_runtime(), FAKETIME_LIB) if p)
    return {"FAKETIME": shift, "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            "LD_PRELOAD": preload}


def skip_reason(*programs):
    """Why the clock tests cannot run here, or None."""
    for path in programs:
        if not os.access(path, os.X_OK):
            return "%s not built" % path
    if not os.path.exists(FAKETIME_LIB):
        return "libfaketime not installed (%s)" % FAKETIME_LIB
    return None
