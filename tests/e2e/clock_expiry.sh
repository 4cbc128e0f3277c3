#!/bin/sh
# SPDX-License-Identifier: MIT
# Expiry judged by AWS's clock under libfaketime (tests/e2e/clock_expiry.py).
exec python3 "${top_srcdir:-.}/tests/e2e/clock_expiry.py"
