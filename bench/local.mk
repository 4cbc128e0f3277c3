# (filled by its owner)
# Benchmarks are run by hand (nothing is built by default), e.g.
#   bench/export.sh $(builddir) -- awscred export vs aws export-credentials
EXTRA_DIST += bench/export.sh
# The timer the scripts share (commands in turn, medians and p10) and the
# C floor and the static profile of export.sh and peers.sh.
EXTRA_DIST += bench/harness.c bench/floor.c bench/profile.sh bench/awscred.sh
# The README table: awscred, the AWS CLI v2, botocore, the JS SDK v3 and
# the C floors in one interleaved run.
EXTRA_DIST += bench/peers.sh
EXTRA_DIST += bench/pam_latency.sh
# Assume role: first fetch and cache hit, awscred vs AWS CLI v2.
EXTRA_DIST += bench/assume_role.sh
# The login clock check on a host that cannot reach its clock URL.
EXTRA_DIST += bench/clock_probe.sh
# The config reader at 100 000 profiles against a minimal scan, and a 50 MB file.
EXTRA_DIST += bench/config_scale.sh
# awscredd: p99 from memory, 50 users x 20 clients near expiry, RSS with
# 1000 sessions (bench/broker.py, also run by tests/e2e/broker_load.sh).
EXTRA_DIST += bench/broker.sh bench/broker.py
