#!/bin/sh
# SPDX-License-Identifier: MIT
# awscredd under load: 1000 requests at once from 50 users (created and
# removed by bench/broker.py) near expiry: all served, exactly one
# resolution per user. Root only; skips otherwise.
if ! command -v python3 > /dev/null || ! command -v setpriv > /dev/null; then
    echo "1..0 # SKIP python3 or setpriv is not installed"
    exit 0
fi
exec python3 "${top_srcdir:-.}/bench/broker.py" "${top_builddir:-.}" --tap
