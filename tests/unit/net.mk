# Unit tests of the network layer (libawscred/net, netmod) and the STS
# providers.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_sigv4
TESTS += tests/unit/test_sigv4
tests_unit_test_sigv4_SOURCES = tests/unit/test_sigv4.c
tests_unit_test_sigv4_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(CJSON_CFLAGS)
tests_unit_test_sigv4_LDADD = libawscred/libawscred-core.la $(CMOCKA_LIBS) $(CJSON_LIBS)

check_PROGRAMS += tests/unit/test_sts
TESTS += tests/unit/test_sts
tests_unit_test_sts_SOURCES = tests/unit/test_sts.c $(FIXTURE_SOURCES)
tests_unit_test_sts_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_sts_CFLAGS = $(FIXTURE_CFLAGS)
tests_unit_test_sts_LDADD = $(FIXTURE_LDADD)
endif
EXTRA_DIST += tests/data/sigv4

# FIPS and dual-stack endpoints (libawscred/net/partition.c) against
# botocore's endpoint rule sets; skips without botocore.
check_PROGRAMS += tests/unit/endpoint_dump
tests_unit_endpoint_dump_SOURCES = tests/unit/endpoint_dump.c
tests_unit_endpoint_dump_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
tests_unit_endpoint_dump_LDADD = libawscred/libawscred-core.la
TESTS += tests/unit/endpoints_diff.sh
dist_check_SCRIPTS += tests/unit/endpoints_diff.sh tests/unit/endpoints_diff.py
