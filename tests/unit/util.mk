# Unit tests of the util layer (libawscred/util).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_util
TESTS += tests/unit/test_util
tests_unit_test_util_SOURCES = tests/unit/test_util.c
tests_unit_test_util_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(CJSON_CFLAGS) \
	$(OPENSSL_CFLAGS)
tests_unit_test_util_LDADD = libawscred/libawscred-core.la $(CMOCKA_LIBS) \
	$(CJSON_LIBS) $(OPENSSL_LIBS)
endif

# The module's escaping of user-chosen text (pam_awscred/text.c).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_text
TESTS += tests/unit/test_text
tests_unit_test_text_SOURCES = tests/unit/test_text.c
tests_unit_test_text_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_text_LDADD = pam_awscred/libpamawscred.la $(CMOCKA_LIBS)
endif

# The audit line of a successful login (pam_awscred/audit.c).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_audit
TESTS += tests/unit/test_audit
tests_unit_test_audit_SOURCES = tests/unit/test_audit.c
tests_unit_test_audit_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_audit_LDADD = pam_awscred/libpamawscred.la $(CMOCKA_LIBS)
endif

# The strict decimal parser (common/number.c).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_number
TESTS += tests/unit/test_number
tests_unit_test_number_SOURCES = tests/unit/test_number.c
tests_unit_test_number_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_number_LDADD = common/libawscred-common.la $(CMOCKA_LIBS)
endif
