#!/usr/bin/env bash
# run-tests.sh: the whole test suite, from a fresh clone on Debian 12.
#
#   sudo ./run-tests.sh
#
# Installs the Debian packages in .ci/packages (when run as root with
# apt-get; set AWSCRED_SKIP_INSTALL=1 to skip), then:
#   1. a -Werror build and `make check` (unit, PAM, end-to-end, differential)
#   2. every libFuzzer target for 10 s (tests/fuzz/ci.sh)
#   3. an ASan+UBSan build and `make check` (without the sshd tests: sshd
#      itself is not built with the sanitizers)
#   4. `make check-valgrind` in the first build (memcheck, zero errors and
#      leaks)
#   5. `make distcheck`
# and ends with one line "N passed, N failed, N skipped" over all of them.
set -u
top=$(cd "$(dirname "$0")" && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)
passed=0 failed=0 skipped=0
failures=

note() { printf '\n=== %s\n' "$*"; }

# Adds the counts of one build's test-suite.log to the totals.
count() {
    local log=$1 p f s
    if [ ! -f "$log" ]; then
        failed=$((failed + 1))
        return
    fi
    p=$(sed -n 's/^# PASS: *//p;s/^# XFAIL: *//p' "$log" | awk '{s+=$1} END {print s+0}')
    f=$(sed -n 's/^# FAIL: *//p;s/^# XPASS: *//p;s/^# ERROR: *//p' "$log" | awk '{s+=$1} END {print s+0}')
    s=$(sed -n 's/^# SKIP: *//p' "$log" | awk '{s+=$1} END {print s+0}')
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    echo "$log: $p passed, $f failed, $s skipped"
}

# Builds in $1 with configure flags $2..., runs make check, counts.
build_and_check() {
    local dir=$1; shift
    rm -rf "$dir" && mkdir -p "$dir" || return 1
    (cd "$dir" && "$top/configure" -q "$@" && make -j"$jobs" >build.log 2>&1) || {
        echo "build in $dir failed:"; tail -40 "$dir/build.log" 2>/dev/null
        failed=$((failed + 1))
        return 1
    }
    (cd "$dir" && make -j"$jobs" check >check.log 2>&1)
    show_failures "$dir" "$dir/check.log"
    count "$dir/test-suite.log"
}

# Prints the failing tests named in make's output $2 and the tails of their
# logs under build directory $1, and remembers them for the final summary.
show_failures() {
    local dir=$1 out=$2 t
    grep -E '^(FAIL|ERROR|XPASS)' "$out" || true
    for t in $(sed -n 's/^\(FAIL\|ERROR\|XPASS\): \([^ ]*\).*/\2/p' "$out" | sort -u); do
        echo "--- $t.log"; tail -30 "$dir/$t.log" 2>/dev/null
    done
    failures="$failures$(grep -E '^(FAIL|ERROR|XPASS)' "$out" | sed "s|^|  ${dir#"$top"/}: |")
"
}

note "packages"
.ci/install-packages.sh || { echo "package installation failed"; echo "0 passed, 1 failed"; exit 1; }

note "autoreconf"
autoreconf -fi >/dev/null 2>&1 || { echo "autoreconf failed"; echo "0 passed, 1 failed"; exit 1; }

note "build with -Werror and make check"
build_and_check "$top/_build" --enable-werror

note "fuzzing, 10 s per target (tests/fuzz/ci.sh)"
"$top/tests/fuzz/ci.sh" "$top/_build" 10 >"$top/_build/fuzz-ci.log" 2>&1
grep -E '^(not ok|# )' "$top/_build/fuzz-ci.log" || true
p=$(grep -c '^ok ' "$top/_build/fuzz-ci.log")
f=$(grep -c '^not ok ' "$top/_build/fuzz-ci.log")
s=$(grep -c '^1\.\.0 # SKIP' "$top/_build/fuzz-ci.log")
[ $((p + f + s)) -eq 0 ] && f=1
passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
echo "fuzz: $p passed, $f failed, $s skipped"

note "ASan+UBSan build and make check"
ASAN_OPTIONS=detect_leaks=1 build_and_check "$top/_build-asan" --enable-werror \
    --enable-sanitizers --disable-sshd-tests

note "valgrind memcheck (make check-valgrind)"
# One TAP line per program; every "ok" and "not ok" is counted.
(cd "$top/_build" && make check-valgrind >valgrind.log 2>&1)
grep -E '^(not ok|# valgrind)' "$top/_build/valgrind.log" || true
p=$(grep -c '^ok ' "$top/_build/valgrind.log")
f=$(grep -c '^not ok ' "$top/_build/valgrind.log")
[ $((p + f)) -eq 0 ] && f=1
passed=$((passed + p)) failed=$((failed + f))
echo "valgrind: $p passed, $f failed"

note "make distcheck"
if (cd "$top/_build" && make -j"$jobs" distcheck >distcheck.log 2>&1); then
    passed=$((passed + 1)); echo "distcheck: ok"
else
    failed=$((failed + 1)); echo "distcheck failed:"; tail -40 "$top/_build/distcheck.log"
    show_failures "$(echo "$top"/_build/pam_awscred-*/_build/sub)" "$top/_build/distcheck.log"
fi

# What failed, again, where the last lines of a long log are all one sees.
if [ -n "${failures//[[:space:]]/}" ]; then
    echo; echo "failed tests:"; printf '%s' "$failures" | grep -v '^$'
fi
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
