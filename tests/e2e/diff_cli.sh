#!/bin/sh
# Differential test: `awscred export` against Debian's AWS CLI v2
# `aws configure export-credentials` on a few hundred hand-made and
# generated static-provider scenarios (tests/e2e/diff_cli.py). Prints TAP;
# skips with a reason when /usr/bin/aws or python3 is missing.
#
# SPDX-License-Identifier: MIT
set -u
: "${top_srcdir:=$(dirname "$0")/../..}"
: "${top_builddir:=.}"
aws=${AWS_CLI:-/usr/bin/aws}
if ! command -v python3 >/dev/null 2>&1; then
    echo "1..0 # SKIP python3 is not installed"
    exit 0
fi
if [ ! -x "$aws" ]; then
    echo "1..0 # SKIP $aws is not installed (apt-get install awscli)"
    exit 0
fi
exec python3 "$top_srcdir/tests/e2e/diff_cli.py" \
    "$top_builddir/cli/awscred" "$aws"
