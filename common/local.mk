# common: libc-only plumbing shared by libawscred, the PAM module, its
# worker and the command: the process runner, the secret wipe,
# descriptor I/O and the strict decimal parser. Every symbol is hidden, so
# it adds nothing to the exports of libawscred.so or pam_awscred.so.
noinst_LTLIBRARIES += common/libawscred-common.la
common_libawscred_common_la_SOURCES = \
	common/runner.h common/runner.c \
	common/secret.h common/secret.c \
	common/fdio.h common/fdio.c \
	common/number.h common/number.c
