#!/bin/sh
# valgrind.sh: `make check-valgrind` (tests/valgrind.mk). Runs each test
# program under valgrind memcheck and prints one TAP line per program
# (errors, leaks, descriptors left open, time), then a summary.
#
#   valgrind.sh [unit:|pam:]PROGRAM...
#
# unit: a cmocka program, run as it is. pam: run under pam_wrapper, as
# tests/pam/session.sh runs it: valgrind wraps the program, and
# LD_PRELOAD=libpam_wrapper.so goes in its environment; valgrind puts its
# own preloads (vgpreload_core, vgpreload_memcheck) in front of it in the
# program's LD_PRELOAD, which is the order both need.
#
# A program passes when it exits 0 under --error-exitcode=1 (so no
# memcheck error, no definite or indirect leak, no failed test), and no
# descriptor it opened is still open at exit (valgrind 3.19 lists those
# under --track-fds=yes without counting them as errors; the ones
# inherited from make are left out).
#
# Environment: top_builddir, top_srcdir, LIBTOOL (libtool wrappers are run
# through `libtool --mode=execute`), VALGRIND, VALGRIND_FLAGS (see
# tests/valgrind.mk), VALGRIND_LOGDIR (default
# $top_builddir/tests/valgrind-logs: one directory per program with the
# test's output and valgrind's log), VALGRIND_PROGRAM_TIMEOUT (600 s a
# program).
#
# forked children are quiet (--child-silent-after-fork=yes): between fork
# and exec they hold a copy of the parent's heap, which they cannot free
# before _exit, and a per-child log file would be inherited by the
# program they exec (the worker checks that it sees only fds 0-2).
#
# SPDX-License-Identifier: MIT

: "${top_builddir:=.}"
: "${top_srcdir:=.}"
: "${VALGRIND:=valgrind}"
: "${LIBTOOL:=${SHELL:-/bin/sh} $top_builddir/libtool}"
: "${VALGRIND_LOGDIR:=$top_builddir/tests/valgrind-logs}"
top_builddir=$(cd "$top_builddir" && pwd)
top_srcdir=$(cd "$top_srcdir" && pwd)
VALGRIND_LOGDIR=$(mkdir -p "$VALGRIND_LOGDIR" && cd "$VALGRIND_LOGDIR" && pwd)

if ! command -v "$VALGRIND" >/dev/null 2>&1; then
    echo "1..0 # SKIP $VALGRIND not found (apt install valgrind)"
    exit 0
fi
if grep -q 'fsanitize=address' "$top_builddir/Makefile" 2>/dev/null; then
    echo "1..0 # SKIP sanitizer build: valgrind and ASan do not mix"
    exit 0
fi
wrapper=$(for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib; do
    test -e "$d/libpam_wrapper.so" && echo "$d/libpam_wrapper.so" && break
done)

# What `make check` gives every test (AM_TESTS_ENVIRONMENT).
export top_builddir top_srcdir
AWSCRED_NET_MODULE=$top_builddir/libawscred/.libs/awscred-net.so
CMOCKA_MESSAGE_OUTPUT=TAP
export AWSCRED_NET_MODULE CMOCKA_MESSAGE_OUTPUT
# faults_host: 20 session cycles after its 20 warm-up ones (make check
# runs 1000, without valgrind).
AWSCRED_HOST_CYCLES=${AWSCRED_HOST_CYCLES:-20}
export AWSCRED_HOST_CYCLES

limit=${VALGRIND_PROGRAM_TIMEOUT:-600}
echo "1..$#"
n=0
failed=0
total_errors=0
total_definite=0
total_indirect=0
total_fds=0
start_all=$(date +%s)
for arg in "$@"; do
    n=$((n + 1))
    case $arg in
        pam:*) kind=pam; prog=${arg#pam:} ;;
        unit:*) kind=unit; prog=${arg#unit:} ;;
        *) kind=unit; prog=$arg ;;
    esac
    name=$(echo "$prog" | sed 's|/|_|g')
    dir=$VALGRIND_LOGDIR/$name
    rm -rf "$dir" && mkdir -p "$dir"
    if test "$kind" = pam && test -z "$wrapper"; then
        echo "ok $n # SKIP $prog: libpam_wrapper.so not found"
        continue
    fi
    t0=$(date +%s)
    # One program may take at most $limit s: a test that starves under
    # valgrind's one-thread-at-a-time scheduling fails instead of hanging.
    # shellcheck disable=SC2086
    if test "$kind" = pam; then
        PAM_WRAPPER=1 PAM_WRAPPER_USE_SYSLOG=1 LD_PRELOAD=$wrapper \
            timeout -k 10 "$limit" \
            $LIBTOOL --mode=execute "$VALGRIND" $VALGRIND_FLAGS \
            --log-file="$dir/valgrind.%p.log" "$top_builddir/$prog" \
            > "$dir/output" 2>&1
    else
        timeout -k 10 "$limit" \
            $LIBTOOL --mode=execute "$VALGRIND" $VALGRIND_FLAGS \
            --log-file="$dir/valgrind.%p.log" "$top_builddir/$prog" \
            > "$dir/output" 2>&1
    fi
    status=$?
    test "$status" -eq 124 && echo "# $prog: killed after $limit s"
    secs=$(($(date +%s) - t0))
    # Sums over the logs of this program: memcheck errors, bytes lost, and
    # descriptors open at exit that were not inherited.
    set -- $(cat "$dir"/valgrind.*.log 2>/dev/null | awk '
        /ERROR SUMMARY:/ { e += $4 }
        /definitely lost:/ { gsub(",", "", $4); d += $4 }
        /indirectly lost:/ { gsub(",", "", $4); i += $4 }
        /Open (file descriptor|AF_UNIX socket|AF_INET)/ { pending = 1; next }
        pending && /<inherited from parent>/ { pending = 0; next }
        pending && /==[0-9]+== *$/ { f++; pending = 0; next }
        pending && /at 0x|by 0x/ { f++; pending = 0; next }
        END { printf "%d %d %d %d\n", e, d, i, f }')
    errors=$1 definite=$2 indirect=$3 fds=$4
    total_errors=$((total_errors + errors))
    total_definite=$((total_definite + definite))
    total_indirect=$((total_indirect + indirect))
    total_fds=$((total_fds + fds))
    summary="$prog: $errors errors, definitely lost $definite B, indirectly lost $indirect B, $fds fds left open, $secs s"
    if test "$status" -eq 0 && test "$fds" -eq 0; then
        echo "ok $n - $summary"
    else
        failed=$((failed + 1))
        echo "not ok $n - $summary (exit status $status)"
        grep '^not ok' "$dir/output" | grep -v '# SKIP' | sed 's/^/#   /'
        echo "#   logs in $dir"
    fi
done
echo "# valgrind memcheck: $n programs, $failed failed; $total_errors errors," \
    "definitely lost $total_definite B, indirectly lost $total_indirect B," \
    "$total_fds fds left open; $(($(date +%s) - start_all)) s"
test "$failed" -eq 0
