#!/bin/sh
# SPDX-License-Identifier: MIT
# Assume role and web identity against moto_server (tests/e2e/sts_moto.py).
exec python3 "${top_srcdir:-.}/tests/e2e/sts_moto.py"
