# make check-valgrind: the cmocka unit tests and the PAM-stack tests under
# valgrind memcheck, with zero errors, zero definite or indirect leaks and
# no descriptor left open as the bar (tests/valgrind.sh). Suppressions,
# for third-party noise only, are in tests/valgrind.supp.
VALGRIND = valgrind
VALGRIND_FLAGS = --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--error-exitcode=1 --track-fds=yes --child-silent-after-fork=yes \
	--suppressions=$(abs_top_srcdir)/tests/valgrind.supp
# unit: run as they are; pam: under pam_wrapper (LD_PRELOAD).
VALGRIND_TESTS = \
	unit:tests/unit/test_util \
	unit:tests/unit/test_config \
	unit:tests/unit/test_shlex \
	unit:tests/unit/test_resolve \
	unit:tests/unit/test_sigv4 \
	unit:tests/unit/test_sts \
	unit:tests/unit/test_spawn \
	unit:tests/unit/test_process \
	unit:tests/unit/test_container \
	unit:tests/unit/test_imds \
	unit:tests/unit/test_sso \
	unit:tests/unit/test_clock \
	unit:tests/unit/test_clock_policy \
	unit:tests/unit/faults_files \
	pam:tests/pam/session-t

EXTRA_DIST += tests/valgrind.sh tests/valgrind.supp

check-valgrind: all $(check_PROGRAMS)
	@top_builddir='$(abs_top_builddir)' top_srcdir='$(abs_top_srcdir)' \
	LIBTOOL='$(LIBTOOL)' VALGRIND='$(VALGRIND)' \
	VALGRIND_FLAGS='$(VALGRIND_FLAGS)' \
	$(SHELL) $(top_srcdir)/tests/valgrind.sh $(VALGRIND_TESTS)

clean-local: clean-valgrind
clean-valgrind:
	-rm -rf tests/valgrind-logs

.PHONY: check-valgrind clean-valgrind
