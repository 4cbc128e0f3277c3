# Unit tests of the clock-skew measurement (libawscred/clock/clock.c).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_clock
TESTS += tests/unit/test_clock
tests_unit_test_clock_SOURCES = tests/unit/test_clock.c $(FIXTURE_SOURCES)
tests_unit_test_clock_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_clock_CFLAGS = $(FIXTURE_CFLAGS) -pthread
tests_unit_test_clock_LDADD = $(FIXTURE_LDADD) -lpthread
endif

# The login's clock check: the worker's half (pam_awscred/clock_worker.c,
# which links libawscred) and the module's (clock_policy.c in
# libpamawscred), through real result.c records.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_clock_policy
TESTS += tests/unit/test_clock_policy
tests_unit_test_clock_policy_SOURCES = tests/unit/test_clock_policy.c \
	pam_awscred/clock_worker.c pam_awscred/clock_policy.h
tests_unit_test_clock_policy_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_clock_policy_LDADD = $(PAMAWSCRED_LIBS) \
	libawscred/libawscred-core.la $(CMOCKA_LIBS)
endif
