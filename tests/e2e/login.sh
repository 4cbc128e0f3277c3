#!/bin/sh
# SPDX-License-Identifier: MIT
# The `aws login` provider against a fake signin service that verifies
# the DPoP proof, and against botocore (tests/e2e/login.py).
exec python3 "${top_srcdir:-.}/tests/e2e/login.py"
