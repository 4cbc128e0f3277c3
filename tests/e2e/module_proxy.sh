#!/bin/sh
# SPDX-License-Identifier: MIT
# The module's proxy=, no_proxy= and legacy_providers= in a login under
# pam_wrapper (tests/e2e/module_proxy.py).
exec python3 "${top_srcdir:-.}/tests/e2e/module_proxy.py"
