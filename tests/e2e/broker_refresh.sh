#!/bin/sh
# SPDX-License-Identifier: MIT
# awscredd refreshes a session's credentials: botocore and the JS SDK v3
# across three expiries, one resolution per refresh, the issuer down
# (tests/e2e/broker_refresh.py).
if ! command -v python3 > /dev/null; then
    echo "1..0 # SKIP python3 is not installed"
    exit 0
fi
exec python3 "${top_srcdir:-.}/tests/e2e/broker_refresh.py"
