#!/bin/sh
# Runs the fault-catalogue unit tests (faults_*), rewriting cmocka 1.1.7's
# "not ok N # SKIP" (a failure to the automake TAP driver) into the TAP
# form "ok N # SKIP" of a test that cannot run here (not root).
# SPDX-License-Identifier: MIT
: "${top_builddir:=.}"
out=$(mktemp) || exit 1
"$top_builddir/tests/unit/faults_files" >"$out"
status=$?
sed 's/^not ok \([0-9]*\) # SKIP/ok \1 # SKIP/' "$out"
rm -f "$out"
exit $status
