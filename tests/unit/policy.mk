# Who a login serves (pam_awscred/policy.c): the /etc/shells reader and the
# rules before any worker runs, without a PAM stack.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_policy
TESTS += tests/unit/test_policy
tests_unit_test_policy_SOURCES = tests/unit/test_policy.c
tests_unit_test_policy_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_policy_LDADD = pam_awscred/libpamawscred.la $(CMOCKA_LIBS)
endif
