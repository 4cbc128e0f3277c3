#!/bin/sh
# SPDX-License-Identifier: MIT
# FIPS and dual-stack endpoints against botocore's rule sets
# (tests/unit/endpoints_diff.py).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
exec python3 "$top_srcdir/tests/unit/endpoints_diff.py" \
    "$top_builddir/tests/unit/endpoint_dump"
