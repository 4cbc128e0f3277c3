#!/bin/sh
# SPDX-License-Identifier: MIT
# STS failure cases against a loopback fault server (tests/e2e/sts_faults.py).
exec python3 "${top_srcdir:-.}/tests/e2e/sts_faults.py"
