#!/bin/sh
# SPDX-License-Identifier: MIT
#
# bench/broker.sh: awscredd's numbers (bench/broker.py): p50/p99 of a
# request served from memory on loopback (and the load average then),
# 50 users x 20 clients asking at once as their credentials run out (how
# many resolutions), the RSS with 1000 registered sessions. Root only: it
# creates and removes 50 users (awsbrkPID-00..49).
#
# Usage: bench/broker.sh [BUILDDIR]
exec python3 "$(dirname "$0")/broker.py" "$(cd "${1:-.}" && pwd)"
