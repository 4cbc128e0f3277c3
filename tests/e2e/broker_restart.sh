#!/bin/sh
# SPDX-License-Identifier: MIT
# awscredd killed and started again: botocore's session recovers without
# a new login, other tokens refused, foreign records ignored
# (tests/e2e/broker_restart.py).
if ! command -v python3 > /dev/null; then
    echo "1..0 # SKIP python3 is not installed"
    exit 0
fi
exec python3 "${top_srcdir:-.}/tests/e2e/broker_restart.py"
