#!/bin/sh
# SPDX-License-Identifier: MIT
# Proxies for the awscred command through a loopback CONNECT proxy,
# compared with botocore (tests/e2e/proxy.py).
exec python3 "${top_srcdir:-.}/tests/e2e/proxy.py"
