# The fault catalogue: tests/FAULTS.md maps every row to its test.
EXTRA_DIST += tests/FAULTS.md

# The files the library reads (file_read and the config reader), by
# catalogue row.
if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_file
TESTS += tests/unit/test_file
tests_unit_test_file_SOURCES = tests/unit/test_file.c $(FIXTURE_SOURCES)
tests_unit_test_file_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_file_CFLAGS = $(FIXTURE_CFLAGS)
tests_unit_test_file_LDADD = $(FIXTURE_LDADD) -lpthread
endif

# Long-lived host: dlopen cycles and session cycles in one process, under
# pam_wrapper (faults_host.sh).
check_PROGRAMS += tests/unit/faults_host
tests_unit_faults_host_SOURCES = tests/unit/faults_host.c
tests_unit_faults_host_LDADD = $(PAM_LIBS)
TESTS += tests/unit/faults_host.sh
dist_check_SCRIPTS += tests/unit/faults_host.sh
