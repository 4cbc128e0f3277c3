#!/bin/sh
# Runs session-t (or the program in $prog, as scripts.sh and mfa.sh set it)
# under pam_wrapper: the PAM stack comes from the test's own service
# directory, naming pam_awscred.so by its build-tree path.
# SPDX-License-Identifier: MIT
. "$(dirname "$0")/../lib/pam_wrapper.sh"
# As root the worker runs as test users: a build tree closed to them
# (rpmbuild's or dpkg-buildpackage's under a 0700 directory) cannot work.
worker=$top_builddir/pam_awscred/awscred-worker
if test "$(id -u)" = 0 && command -v runuser >/dev/null &&
    ! runuser -u nobody -- test -x "$worker"; then
    echo "1..0 # SKIP other users cannot execute $worker (build tree not reachable)"
    exit 0
fi
# cmocka 1.1.7 prints a skipped test as "not ok N # SKIP", which the
# automake TAP driver counts as a failure; TAP means "ok N # SKIP".
out=$(mktemp) || exit 1
PAM_WRAPPER=1 PAM_WRAPPER_USE_SYSLOG=1 LD_PRELOAD=$preload \
    "$top_builddir/tests/pam/${prog:-session-t}" >"$out"
status=$?
sed 's/^not ok \([0-9]*\) # SKIP/ok \1 # SKIP/' "$out"
rm -f "$out"
exit $status
