# Unit tests of the clock-skew measurement (libawscred/clock.c).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_clock
TESTS += tests/unit/test_clock
tests_unit_test_clock_SOURCES = tests/unit/test_clock.c
tests_unit_test_clock_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) -pthread
tests_unit_test_clock_LDADD = libawscred/libawscred-core.la $(CMOCKA_LIBS) \
	-lpthread
endif
