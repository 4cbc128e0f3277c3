# awscredd's records for a restart (awscredd/state.c) with its registry.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_broker_state
TESTS += tests/unit/test_broker_state
tests_unit_test_broker_state_SOURCES = tests/unit/test_broker_state.c
tests_unit_test_broker_state_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_broker_state_LDADD = awscredd/libbroker.la $(INIH_LIBS) \
	$(CMOCKA_LIBS)
endif
