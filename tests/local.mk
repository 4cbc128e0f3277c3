# Tests: each area has its own fragment under tests/.
include tests/unit/local.mk
include tests/pam/local.mk
include tests/e2e/local.mk
include tests/fuzz/local.mk
include tests/valgrind.mk
