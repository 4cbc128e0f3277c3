#!/bin/sh
# Differential test of the IAM Identity Center provider: `awscred export`
# against Debian's AWS CLI v2, both pointed at one loopback portal and
# SSO-OIDC (tests/e2e/sso_diff.py). Prints TAP; skips with a reason when
# /usr/bin/aws (Debian's, with its Python package) is missing.
#
# SPDX-License-Identifier: MIT
set -u
: "${top_srcdir:=$(dirname "$0")/../..}"
: "${top_builddir:=.}"
if [ ! -x /usr/bin/python3 ]; then
    echo "1..0 # SKIP /usr/bin/python3 is not installed"
    exit 0
fi
if [ ! -x /usr/bin/aws ] || ! /usr/bin/python3 -c 'import awscli.clidriver' \
        2>/dev/null; then
    echo "1..0 # SKIP Debian's AWS CLI is not installed (apt-get install awscli)"
    exit 0
fi
exec /usr/bin/python3 "$top_srcdir/tests/e2e/sso_diff.py" \
    "$top_builddir/cli/awscred" "$top_srcdir/tests/lib/aws_v2.py"
