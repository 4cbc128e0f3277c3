# Unit tests of the resolver and the static providers (cmocka).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_resolve
TESTS += tests/unit/test_resolve
tests_unit_test_resolve_SOURCES = tests/unit/test_resolve.c $(FIXTURE_SOURCES)
tests_unit_test_resolve_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_resolve_CFLAGS = $(FIXTURE_CFLAGS)
tests_unit_test_resolve_LDADD = $(FIXTURE_LDADD)
endif
