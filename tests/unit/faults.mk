# Tests for rows of the fault catalogue (security.md D1-D7) that no other
# test covers; tests/FAULTS.md maps every row to its test.
EXTRA_DIST += tests/FAULTS.md
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/faults_files
tests_unit_faults_files_SOURCES = tests/unit/faults_files.c
tests_unit_faults_files_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_faults_files_LDADD = libawscred/libawscred-core.la $(CMOCKA_LIBS) \
	-lpthread
TESTS += tests/unit/faults.sh
dist_check_SCRIPTS += tests/unit/faults.sh
endif

# Long-lived host: dlopen cycles and session cycles in one process, under
# pam_wrapper (faults_host.sh).
check_PROGRAMS += tests/unit/faults_host
tests_unit_faults_host_SOURCES = tests/unit/faults_host.c
tests_unit_faults_host_LDADD = $(PAM_LIBS)
TESTS += tests/unit/faults_host.sh
dist_check_SCRIPTS += tests/unit/faults_host.sh
