#!/bin/sh
# Runs faults_host (long-lived host: dlopen cycles and session cycles in
# one process) under pam_wrapper, as tests/pam/session.sh runs session-t.
# AWSCRED_HOST_CYCLES sets the number of session cycles: 1000 here so
# `make check` stays short; tests/fuzz/README.md reports a 10 000 run.
# SPDX-License-Identifier: MIT
. "$(dirname "$0")/../lib/pam_wrapper.sh"
AWSCRED_HOST_CYCLES=${AWSCRED_HOST_CYCLES:-1000}
export AWSCRED_HOST_CYCLES
PAM_WRAPPER=1 LD_PRELOAD=$preload exec "$top_builddir/tests/unit/faults_host"
