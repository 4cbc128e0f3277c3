# make check-valgrind: the cmocka unit tests and the PAM-stack tests under
# valgrind memcheck, with zero errors, zero definite or indirect leaks and
# no descriptor left open as the bar (tests/valgrind.sh). Suppressions,
# for third-party noise only, are in tests/valgrind.supp. --fair-sched=yes:
# valgrind runs one thread at a time, and without it a busy thread of the
# host (session-t's test_multithreaded_host) can starve the thread that
# waits for the worker past the module's timeout on a loaded machine.
VALGRIND = valgrind
VALGRIND_FLAGS = --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--error-exitcode=1 --track-fds=yes --child-silent-after-fork=yes \
	--fair-sched=yes \
	--suppressions=$(abs_top_srcdir)/tests/valgrind.supp
# unit: run as they are; pam: under pam_wrapper (LD_PRELOAD). Every
# tests/unit/test_* and tests/fuzz/replay_* program in TESTS is added to
# these by the recipe, so a new cmocka test or fuzz target is covered
# without being listed here.
VALGRIND_TESTS = \
	pam:tests/pam/session-t \
	pam:tests/pam/script-t \
	pam:tests/unit/faults_host

EXTRA_DIST += tests/valgrind.sh tests/valgrind.supp tests/valgrind.md

check-valgrind: all $(check_PROGRAMS)
	@progs=; \
	for t in $(TESTS); do \
	  case $$t in \
	    *.sh) ;; \
	    tests/unit/test_*|tests/fuzz/replay_*) progs="$$progs unit:$$t" ;; \
	  esac; \
	done; \
	top_builddir='$(abs_top_builddir)' top_srcdir='$(abs_top_srcdir)' \
	LIBTOOL='$(LIBTOOL)' VALGRIND='$(VALGRIND)' \
	VALGRIND_FLAGS='$(VALGRIND_FLAGS)' \
	$(SHELL) $(top_srcdir)/tests/valgrind.sh $$progs $(VALGRIND_TESTS)

clean-local: clean-valgrind
clean-valgrind:
	-rm -rf tests/valgrind-logs

.PHONY: check-valgrind clean-valgrind
