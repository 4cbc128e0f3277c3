# Unit tests of the providers (credential_process, SSO,
# container, IMDS) and of the helper runner they use.
check_PROGRAMS += tests/unit/process_probe
tests_unit_process_probe_SOURCES = tests/unit/process_probe.c

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_spawn
TESTS += tests/unit/test_spawn
tests_unit_test_spawn_SOURCES = tests/unit/test_spawn.c
tests_unit_test_spawn_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(CJSON_CFLAGS)
tests_unit_test_spawn_LDADD = libawscred/libawscred-core.la $(CMOCKA_LIBS)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_process
TESTS += tests/unit/test_process
tests_unit_test_process_SOURCES = tests/unit/test_process.c $(FIXTURE_SOURCES)
tests_unit_test_process_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_process_CFLAGS = $(FIXTURE_CFLAGS)
tests_unit_test_process_LDADD = $(FIXTURE_LDADD)
endif
EXTRA_DIST += tests/data/process/daemon.sh tests/data/process/emit.sh \
	tests/data/process/fail.sh tests/data/process/flood.sh \
	tests/data/process/hang.sh tests/data/process/ok.sh \
	tests/data/process/silent_fail.sh tests/data/process/stdin.sh \
	tests/data/process/tty.sh

# Tests against the loopback fault server (tests/lib/fault_server.py),
# sharing the unit tests' fixture (tests/unit/fixture.c).
FIXTURE_SOURCES = tests/unit/fixture.c tests/unit/fixture.h \
	tests/lib/fault_server_c.c tests/lib/fault_server_c.h
FIXTURE_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests/lib
FIXTURE_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(CJSON_CFLAGS)
# No $(CJSON_LIBS): the library dlopen()s libcjson (libawscred/util/json.c),
# and these tests (under valgrind too) take that path.
FIXTURE_LDADD = libawscred/libawscred-core.la $(CMOCKA_LIBS)
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_container tests/unit/test_imds \
	tests/unit/test_sso tests/unit/test_mfa_role
TESTS += tests/unit/test_container tests/unit/test_imds tests/unit/test_sso \
	tests/unit/test_mfa_role
tests_unit_test_container_SOURCES = tests/unit/test_container.c $(FIXTURE_SOURCES)
tests_unit_test_container_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_container_CFLAGS = $(FIXTURE_CFLAGS)
tests_unit_test_container_LDADD = $(FIXTURE_LDADD)
tests_unit_test_imds_SOURCES = tests/unit/test_imds.c $(FIXTURE_SOURCES)
tests_unit_test_imds_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_imds_CFLAGS = $(FIXTURE_CFLAGS)
tests_unit_test_imds_LDADD = $(FIXTURE_LDADD)
tests_unit_test_sso_SOURCES = tests/unit/test_sso.c $(FIXTURE_SOURCES)
tests_unit_test_sso_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_sso_CFLAGS = $(FIXTURE_CFLAGS)
tests_unit_test_sso_LDADD = $(FIXTURE_LDADD)
tests_unit_test_mfa_role_SOURCES = tests/unit/test_mfa_role.c \
	$(FIXTURE_SOURCES)
tests_unit_test_mfa_role_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_mfa_role_CFLAGS = $(FIXTURE_CFLAGS)
tests_unit_test_mfa_role_LDADD = $(FIXTURE_LDADD)
endif
