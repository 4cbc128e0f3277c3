# tap.sh: TAP output for the shell tests (tests/*/*.sh); tests/lib/tap.py
# is the Python side. Sourced, not run, relative to the script:
#
#   . "$(dirname "$0")/../lib/tap.sh"
#
#   plan N                 the plan first, "1..N" (or let finish print it)
#   ok NAME...             one passing test point
#   not_ok NAME...         one failing test point; remembered in $failed
#   check NAME COMMAND...  ok NAME when COMMAND succeeds, else not_ok NAME
#   skip REASON...         one test point skipped
#   diag [FILE...]         the files (or stdin) as "# " comments
#   skip_all REASON...     "1..0 # SKIP REASON" and exit 0
#   finish                 the plan, unless plan printed it, and exit 1
#                          when a test point failed, else 0
#
# $n is the number of the last test point; failed is 1 after a not_ok.
#
# SPDX-License-Identifier: MIT

n=0
failed=0
tap_planned=

plan() {
    echo "1..$1"
    tap_planned=1
}
ok() {
    n=$((n + 1))
    echo "ok $n - $*"
}
not_ok() {
    n=$((n + 1))
    failed=1
    echo "not ok $n - $*"
}
check() {
    tap_name=$1
    shift
    if "$@"; then ok "$tap_name"; else not_ok "$tap_name"; fi
}
skip() {
    n=$((n + 1))
    echo "ok $n # SKIP $*"
}
diag() {
    sed 's/^/# /' "$@"
}
skip_all() {
    echo "1..0 # SKIP $*"
    exit 0
}
finish() {
    test -n "$tap_planned" || echo "1..$n"
    exit "$failed"
}
