#!/bin/sh
# SPDX-License-Identifier: MIT
# awscredd's HTTP port is one no user can take while the broker is down
# (tests/e2e/broker_port.py).
if ! command -v python3 > /dev/null; then
    echo "1..0 # SKIP python3 is not installed"
    exit 0
fi
exec python3 "${top_srcdir:-.}/tests/e2e/broker_port.py"
