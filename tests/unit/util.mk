# Unit tests of the util layer (libawscred/util).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_util
TESTS += tests/unit/test_util
tests_unit_test_util_SOURCES = tests/unit/test_util.c $(FIXTURE_SOURCES)
tests_unit_test_util_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_util_CFLAGS = $(FIXTURE_CFLAGS) $(OPENSSL_CFLAGS)
tests_unit_test_util_LDADD = $(FIXTURE_LDADD) $(OPENSSL_LIBS)
endif

# The module's escaping of user-chosen text (pam_awscred/text.c).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_text
TESTS += tests/unit/test_text
tests_unit_test_text_SOURCES = tests/unit/test_text.c
tests_unit_test_text_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_text_LDADD = $(PAMAWSCRED_LIBS) $(CMOCKA_LIBS)
endif

# The audit line of a successful login (pam_awscred/audit.c).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_audit
TESTS += tests/unit/test_audit
tests_unit_test_audit_SOURCES = tests/unit/test_audit.c
tests_unit_test_audit_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_audit_LDADD = $(PAMAWSCRED_LIBS) $(CMOCKA_LIBS)
endif

# System mode's attribution checked against STS's limits
# (pam_awscred/attrib.c).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_attrib
TESTS += tests/unit/test_attrib
tests_unit_test_attrib_SOURCES = tests/unit/test_attrib.c
tests_unit_test_attrib_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_attrib_LDADD = $(PAMAWSCRED_LIBS) $(CMOCKA_LIBS)
endif

# The one-time handle from auth to session (pam_awscred/mfa.c).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_mfa
TESTS += tests/unit/test_mfa
tests_unit_test_mfa_SOURCES = tests/unit/test_mfa.c
tests_unit_test_mfa_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_mfa_LDADD = $(PAMAWSCRED_LIBS) $(CMOCKA_LIBS)
endif

# The strict decimal parser (common/number.c).
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_number
TESTS += tests/unit/test_number
tests_unit_test_number_SOURCES = tests/unit/test_number.c
tests_unit_test_number_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_number_LDADD = common/libawscred-common.la $(CMOCKA_LIBS)
endif
