#!/bin/sh
# SPDX-License-Identifier: MIT
# awscredd with real clients: botocore and `awscred export` through the
# container provider, other users refused (tests/e2e/broker.py).
if ! command -v python3 > /dev/null; then
    echo "1..0 # SKIP python3 is not installed"
    exit 0
fi
exec python3 "${top_srcdir:-.}/tests/e2e/broker.py"
