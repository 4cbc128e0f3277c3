# Unit tests (cmocka), one fragment per area.
include tests/unit/util.mk
include tests/unit/config.mk
include tests/unit/resolve.mk
include tests/unit/net.mk
include tests/unit/providers.mk
include tests/unit/clock.mk
include tests/unit/policy.mk
include tests/unit/faults.mk
include tests/unit/broker.mk

# The folders of libawscred/ include each other without a cycle.
TESTS += tests/unit/include_cycles.sh
dist_check_SCRIPTS += tests/unit/include_cycles.sh
