# (filled by its owner)
dist_man_MANS += man/awscred.1
dist_man_MANS += man/libawscred.3
dist_man_MANS += man/pam_awscred.conf.5

# pam_awscred(8) names the worker's installed path: @LIBEXECDIR@ in the
# source becomes the configured $(libexecdir) at build time. The page is
# built under man/gen/ so that an in-tree build does not overwrite its
# source; it is installed as pam_awscred.8 all the same.
man_MANS += man/gen/pam_awscred.8
EXTRA_DIST += man/pam_awscred.8
CLEANFILES += man/gen/pam_awscred.8
# MAN_LIBEXECDIR: how the page spells it (a Multi-Arch package spells
# out the triplet, packaging/debian/rules).
MAN_LIBEXECDIR = $(libexecdir)
man/gen/pam_awscred.8: $(srcdir)/man/pam_awscred.8 Makefile
	$(AM_V_GEN)$(MKDIR_P) man/gen && \
	sed -e 's|@LIBEXECDIR[@]|$(MAN_LIBEXECDIR)|g' \
	    $(srcdir)/man/pam_awscred.8 >$@.tmp && mv $@.tmp $@

# Every page passes groff's warnings (and mandoc's lint when installed);
# libawscred(3) names and declares every exported function, and so does
# packaging/debian/libawscred0.symbols.
TESTS += tests/e2e/man_lint.sh
dist_check_SCRIPTS += tests/e2e/man_lint.sh
check_SCRIPTS += man/gen/pam_awscred.8
dist_man_MANS += man/awscredd.8
