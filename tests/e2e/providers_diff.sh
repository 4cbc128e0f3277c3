#!/bin/sh
# Differential test: `awscred export` against Debian's AWS CLI v2
# for credential_process, container and IMDS credentials, both CLIs
# pointed at one loopback fault server (tests/e2e/providers_diff.py).
# Prints TAP; skips with a reason when /usr/bin/aws or python3 is missing.
#
# SPDX-License-Identifier: MIT
set -u
: "${top_srcdir:=$(dirname "$0")/../..}"
: "${top_builddir:=.}"
aws=${AWS_CLI:-/usr/bin/aws}
if [ ! -x /usr/bin/python3 ]; then
    echo "1..0 # SKIP /usr/bin/python3 is not installed"
    exit 0
fi
if [ ! -x "$aws" ]; then
    echo "1..0 # SKIP $aws is not installed (apt-get install awscli)"
    exit 0
fi
exec /usr/bin/python3 "$top_srcdir/tests/e2e/providers_diff.py" \
    "$top_builddir/cli/awscred" "$aws"
