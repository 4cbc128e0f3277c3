#!/bin/sh
# SPDX-License-Identifier: MIT
# awscredd's refresh in system mode against moto_server STS, the STS down
# during a refresh, max_lifetime= (tests/e2e/broker_system.py).
if ! command -v python3 > /dev/null; then
    echo "1..0 # SKIP python3 is not installed"
    exit 0
fi
exec python3 "${top_srcdir:-.}/tests/e2e/broker_system.py"
