#!/bin/sh
# Runs faults_host (long-lived host: dlopen cycles and session cycles in
# one process) under pam_wrapper, as tests/pam/session.sh runs session-t.
# AWSCRED_HOST_CYCLES sets the number of session cycles: 1000 here so
# `make check` stays short; tests/fuzz/README.md reports a 10 000 run.
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
# Under ASan the runtime must come first in the preload list; libpam's
# dlclose of the module makes LeakSanitizer's frames unreadable, and the
# fd and memory figures are what this test measures.
if grep -q 'fsanitize=address' "$top_builddir/Makefile" 2>/dev/null; then
    preload="$(${CC:-gcc} -print-file-name=libasan.so):$wrapper"
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
    export ASAN_OPTIONS
fi
AWSCRED_HOST_CYCLES=${AWSCRED_HOST_CYCLES:-1000}
export AWSCRED_HOST_CYCLES
PAM_WRAPPER=1 LD_PRELOAD=$preload exec "$top_builddir/tests/unit/faults_host"
