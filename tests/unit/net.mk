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
tests_unit_test_sts_SOURCES = tests/unit/test_sts.c
tests_unit_test_sts_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(CJSON_CFLAGS)
tests_unit_test_sts_LDADD = libawscred/libawscred-core.la $(CMOCKA_LIBS) $(CJSON_LIBS)
endif
EXTRA_DIST += tests/data/sigv4
