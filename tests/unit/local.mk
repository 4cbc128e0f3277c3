# Unit tests (cmocka), one fragment per area.
include tests/unit/util.mk
include tests/unit/config.mk
include tests/unit/resolve.mk
include tests/unit/net.mk
include tests/unit/providers.mk
include tests/unit/clock.mk
include tests/unit/policy.mk
include tests/unit/faults.mk
