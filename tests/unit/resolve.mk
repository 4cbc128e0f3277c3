# Unit tests of the resolver and the static providers (cmocka).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_resolve
TESTS += tests/unit/test_resolve
tests_unit_test_resolve_SOURCES = tests/unit/test_resolve.c
tests_unit_test_resolve_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_resolve_LDADD = libawscred/libawscred-core.la $(CMOCKA_LIBS)
endif
