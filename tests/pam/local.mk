# PAM-stack tests of pam_awscred.so: the real libpam under pam_wrapper,
# driven by libpamtest and cmocka: script-t runs the scenario files of
# tests/pam/scripts/ (its header gives the format), session-t.c what needs code.
dist_check_SCRIPTS += tests/pam/session.sh tests/pam/scripts.sh \
	tests/pam/symbols.sh tests/pam/mfa.sh
# The scenario files script-t runs, the whole directory.
EXTRA_DIST += tests/pam/scripts
EXTRA_DIST += tests/lib/pam_wrapper.sh
TESTS += tests/pam/symbols.sh
if HAVE_PAMTEST
if HAVE_CMOCKA
# What every program of the harness links (harness.h).
pam_harness_sources = tests/pam/harness.c tests/pam/harness.h \
	tests/lib/fault_server_c.c tests/lib/fault_server_c.h
check_PROGRAMS += tests/pam/session-t
tests_pam_session_t_SOURCES = tests/pam/session-t.c $(pam_harness_sources)
tests_pam_session_t_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/lib
tests_pam_session_t_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(PAMTEST_CFLAGS)
tests_pam_session_t_LDADD = $(CMOCKA_LIBS) $(PAMTEST_LIBS) $(PAM_LIBS)
tests_pam_session_t_LDFLAGS = $(AM_LDFLAGS) -export-dynamic
check_PROGRAMS += tests/pam/script-t
tests_pam_script_t_SOURCES = tests/pam/script-t.c $(pam_harness_sources)
tests_pam_script_t_CPPFLAGS = $(tests_pam_session_t_CPPFLAGS)
tests_pam_script_t_CFLAGS = $(tests_pam_session_t_CFLAGS)
tests_pam_script_t_LDADD = $(tests_pam_session_t_LDADD)
tests_pam_script_t_LDFLAGS = $(tests_pam_session_t_LDFLAGS)
TESTS += tests/pam/session.sh tests/pam/scripts.sh tests/pam/mfa.sh
# user-mode MFA with the recording loopback STS (mfa-t.c)
check_PROGRAMS += tests/pam/mfa-t
tests_pam_mfa_t_SOURCES = tests/pam/mfa-t.c $(pam_harness_sources)
tests_pam_mfa_t_CPPFLAGS = $(tests_pam_session_t_CPPFLAGS)
tests_pam_mfa_t_CFLAGS = $(tests_pam_session_t_CFLAGS)
tests_pam_mfa_t_LDADD = $(tests_pam_session_t_LDADD)
tests_pam_mfa_t_LDFLAGS = $(tests_pam_session_t_LDFLAGS)
endif
endif
