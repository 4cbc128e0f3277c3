#!/bin/sh
# SPDX-License-Identifier: MIT
# botocore's legacy providers (AWS_CREDENTIAL_FILE, boto 2's config) in
# the awscred command, against botocore (tests/e2e/legacy.py).
exec python3 "${top_srcdir:-.}/tests/e2e/legacy.py"
