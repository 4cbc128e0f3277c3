# pam_awscred: the PAM session module, its worker, and the code they share
# with `awscred session` (security.md, fix pattern 1(ii)).

# Options, worker spawning, the result protocol and one login's logic.
# The module links this and libpam only: never libawscred, libcurl or
# OpenSSL, which stay in the exec'd worker.
noinst_LTLIBRARIES += pam_awscred/libpamawscred.la
pam_awscred_libpamawscred_la_SOURCES = \
	pam_awscred/internal.h pam_awscred/options.c pam_awscred/result.c \
	pam_awscred/request.h pam_awscred/request.c \
	pam_awscred/session.c pam_awscred/spawn.c pam_awscred/text.c \
	pam_awscred/policy.c pam_awscred/clock_policy.h pam_awscred/clock_policy.c \
	pam_awscred/clock_state.c pam_awscred/audit.c pam_awscred/deliver.c \
	pam_awscred/attrib.c pam_awscred/mfa.c
pam_awscred_libpamawscred_la_CFLAGS = $(AM_CFLAGS) $(INIH_CFLAGS)
pam_awscred_libpamawscred_la_LIBADD = common/libawscred-common.la
# What links libpamawscred links this: libinih may be an archive
# (configure.ac), which libtool drops from a convenience library's
# dependencies.
PAMAWSCRED_LIBS = pam_awscred/libpamawscred.la $(INIH_LIBS)

pam_LTLIBRARIES += pam_awscred/pam_awscred.la
pam_awscred_pam_awscred_la_SOURCES = pam_awscred/public.c
pam_awscred_pam_awscred_la_LIBADD = $(PAMAWSCRED_LIBS) $(PAM_LIBS)
pam_awscred_pam_awscred_la_LDFLAGS = $(AM_LDFLAGS) -module -avoid-version \
	-shared -Wl,-z,defs -Wl,-Bsymbolic \
	-Wl,--version-script=$(top_srcdir)/pam_awscred/pam_awscred.map
EXTRA_pam_awscred_pam_awscred_la_DEPENDENCIES = \
	$(top_srcdir)/pam_awscred/pam_awscred.map
EXTRA_DIST += pam_awscred/pam_awscred.map

# The worker, installed like unix_chkpwd: the module execs it as the user.
libexec_PROGRAMS += pam_awscred/awscred-worker
# clock_worker.c is its half of the login clock check (clock_policy.h).
pam_awscred_awscred_worker_SOURCES = pam_awscred/helper.c pam_awscred/result.c \
	pam_awscred/request.h pam_awscred/request.c \
	pam_awscred/clock_policy.h pam_awscred/clock_worker.c
pam_awscred_awscred_worker_LDADD = libawscred/libawscred-core.la
# Mode 0711: a user cannot read the worker, so the kernel makes it not
# dumpable from its execve on (fs/exec.c, would_dump) and nobody of the
# same uid can ptrace it before its first line does the same.
install-exec-hook: install-worker-mode
install-worker-mode:
	chmod 0711 "$(DESTDIR)$(libexecdir)/awscred-worker"
.PHONY: install-worker-mode
