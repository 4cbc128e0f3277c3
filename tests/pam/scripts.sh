#!/bin/sh
# Runs script-t, the scenario files of tests/pam/scripts/, as session.sh
# runs session-t.
# SPDX-License-Identifier: MIT
prog=script-t
. "$(dirname "$0")/session.sh"
