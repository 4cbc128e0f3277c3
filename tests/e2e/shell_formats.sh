#!/bin/sh
# SPDX-License-Identifier: MIT
# No shell format prints a value a shell would run
# (tests/e2e/shell_formats.py).
if ! command -v python3 > /dev/null; then
    echo "1..0 # SKIP python3 is not installed"
    exit 0
fi
exec python3 "${top_srcdir:-.}/tests/e2e/shell_formats.py"
