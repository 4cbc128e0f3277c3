#!/bin/sh
# SPDX-License-Identifier: MIT
# The login's clock check through `awscred session` (tests/e2e/clock_login.py).
exec python3 "${top_srcdir:-.}/tests/e2e/clock_login.py"
