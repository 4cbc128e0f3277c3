#!/bin/sh
# ci.sh: the short fixed-time fuzz run of CI. Runs `make fuzz` in a
# configured build tree for SECONDS per target (default 10) and prints
# one TAP line per target from tests/fuzz/clang/summary.txt:
#
#   tests/fuzz/ci.sh BUILDDIR [SECONDS]
#
# Exits 0 when every target ran clean (or, with a SKIP line, when clang
# cannot build libFuzzer targets here), 1 when any crashed, leaked, timed
# out or did not build. Crash inputs are left in
# BUILDDIR/tests/fuzz/clang/crashes/; tests/fuzz/README.md says how to
# turn one into a regression case.
#
# SPDX-License-Identifier: MIT
set -u
builddir=${1:?usage: ci.sh BUILDDIR [SECONDS]}
seconds=${2:-10}
work="$builddir/tests/fuzz/clang"
log="$builddir/tests/fuzz/ci.log"

mkdir -p "$builddir/tests/fuzz" || exit 1
rm -f "$work/summary.txt"
make -C "$builddir" fuzz FUZZ_SECONDS="$seconds" >"$log" 2>&1
status=$?
if [ ! -f "$work/summary.txt" ]; then
    if grep -q 'cannot build libFuzzer targets' "$log"; then
        echo "1..0 # SKIP clang cannot build libFuzzer targets" \
            "(apt install clang libclang-rt-14-dev)"
        exit 0
    fi
    echo "1..1"
    echo "not ok 1 - make fuzz failed before running any target (see $log)"
    tail -20 "$log" | sed 's/^/# /'
    exit 1
fi

n=0 failed=0
total=$(($(wc -l <"$work/summary.txt") - 1))
echo "1..$total"
# target executions exec/s cov ft corpus result...
tail -n +2 "$work/summary.txt" | while read -r t execs rate cov ft corp result; do
    n=$((n + 1))
    what="fuzz $t ${seconds}s: $execs runs, $rate/s, cov $cov, ft $ft, corpus $corp"
    if [ "$result" = ok ]; then
        echo "ok $n - $what"
    else
        echo "not ok $n - $what: $result"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*property failed)' \
            "$work/$t.log" 2>/dev/null | head -5 | sed 's/^/# /'
        for c in "$work/crashes/$t-"*; do
            [ -f "$c" ] && echo "# input: $c"
        done
    fi
done
[ "$status" -eq 0 ] || failed=1
exit $failed
