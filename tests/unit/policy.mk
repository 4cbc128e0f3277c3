# Who a login serves (pam_awscred/policy.c): the /etc/shells reader and the
# rules before any worker runs, without a PAM stack.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_policy
TESTS += tests/unit/test_policy
tests_unit_test_policy_SOURCES = tests/unit/test_policy.c
tests_unit_test_policy_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_policy_LDADD = $(PAMAWSCRED_LIBS) $(CMOCKA_LIBS)
endif

# The worker's request (pam_awscred/request.c): what the module writes is
# what the worker reads, and nothing else is read.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_request
TESTS += tests/unit/test_request
tests_unit_test_request_SOURCES = tests/unit/test_request.c
tests_unit_test_request_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_request_LDADD = $(PAMAWSCRED_LIBS) $(CMOCKA_LIBS)
endif
