#!/bin/sh
# Runs mfa-t, MFA at login with the recording loopback STS, as session.sh
# runs session-t.
# SPDX-License-Identifier: MIT
prog=mfa-t
. "$(dirname "$0")/session.sh"
