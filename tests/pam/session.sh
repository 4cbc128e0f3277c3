#!/bin/sh
# Runs session-t under pam_wrapper: the PAM stack comes from the test's own
# service directory, naming pam_awscred.so by its build-tree path.
# SPDX-License-Identifier: MIT
: "${top_builddir:=.}"
wrapper=$(for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib; do
    test -e "$d/libpam_wrapper.so" && echo "$d/libpam_wrapper.so" && break
done)
if test -z "$wrapper"; then
    echo "1..0 # SKIP libpam_wrapper.so not found (apt install libpam-wrapper)"
    exit 0
fi
# As root the worker runs as test users: a build tree closed to them
# (rpmbuild's or dpkg-buildpackage's under a 0700 directory) cannot work.
worker=$top_builddir/pam_awscred/awscred-worker
if test "$(id -u)" = 0 && command -v runuser >/dev/null &&
    ! runuser -u nobody -- test -x "$worker"; then
    echo "1..0 # SKIP other users cannot execute $worker (build tree not reachable)"
    exit 0
fi
preload=$wrapper
# Under ASan the runtime must come first in the preload list. detect_leaks=0
# goes last so that it beats the caller's (run-tests.sh exports
# detect_leaks=1): the preload reaches the commands the test runs, and
# useradd then fails on its own leaks.
if grep -q 'fsanitize=address' "$top_builddir/Makefile" 2>/dev/null; then
    preload="$(${CC:-gcc} -print-file-name=libasan.so):$wrapper"
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    export ASAN_OPTIONS
fi
# cmocka 1.1.7 prints a skipped test as "not ok N # SKIP", which the
# automake TAP driver counts as a failure; TAP means "ok N # SKIP".
out=$(mktemp) || exit 1
PAM_WRAPPER=1 PAM_WRAPPER_USE_SYSLOG=1 LD_PRELOAD=$preload \
    "$top_builddir/tests/pam/session-t" >"$out"
status=$?
sed 's/^not ok \([0-9]*\) # SKIP/ok \1 # SKIP/' "$out"
rm -f "$out"
exit $status
