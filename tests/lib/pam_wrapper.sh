# Sourced by the tests that run a PAM host under pam_wrapper
# (tests/pam/session.sh, tests/unit/faults_host.sh). Sets $preload to the
# LD_PRELOAD list, or prints a TAP skip and exits when pam_wrapper is not
# installed. Under ASan the runtime must come first in the list, and
# detect_leaks=0 goes last in ASAN_OPTIONS so that it beats the caller's
# (run-tests.sh exports detect_leaks=1): the preload reaches the commands
# the tests run (useradd fails on its own leaks), and libpam's dlclose of
# the module leaves LeakSanitizer's frames unreadable.
# SPDX-License-Identifier: MIT
: "${top_builddir:=.}"
wrapper=$(for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib; do
    test -e "$d/libpam_wrapper.so" && echo "$d/libpam_wrapper.so" && break
done)
if test -z "$wrapper"; then
    echo "1..0 # SKIP libpam_wrapper.so not found (apt install libpam-wrapper)"
    exit 0
fi
preload=$wrapper
if grep -q 'fsanitize=address' "$top_builddir/Makefile" 2>/dev/null; then
    preload="$(${CC:-gcc} -print-file-name=libasan.so):$wrapper"
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    export ASAN_OPTIONS
fi
