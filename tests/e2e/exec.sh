#!/bin/sh
# SPDX-License-Identifier: MIT
# `awscred exec` (awscred(1)): keys from a loopback container endpoint or
# a static profile in CMD's environment, pointers and AWS_PROFILE gone,
# CMD's exit status kept (tests/e2e/exec.py).
if ! command -v python3 > /dev/null; then
    echo "1..0 # SKIP python3 is not installed"
    exit 0
fi
exec python3 "${top_srcdir:-.}/tests/e2e/exec.py"
