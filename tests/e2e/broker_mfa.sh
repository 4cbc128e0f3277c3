#!/bin/sh
# SPDX-License-Identifier: MIT
# awscredd does not resolve a login with mfa again from its profile: a
# role after MFA is assumed again from the login's MFA session, others
# are served until they expire, then "MFA session ended: log in again"
# (tests/e2e/broker_mfa.py).
if ! command -v python3 > /dev/null; then
    echo "1..0 # SKIP python3 is not installed"
    exit 0
fi
exec python3 "${top_srcdir:-.}/tests/e2e/broker_mfa.py"
