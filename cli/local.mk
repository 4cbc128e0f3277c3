# The awscred command. It links the public shared library (awscred.h,
# awscred-clock.h, libawscred.map) but never libcurl: the network module
# is dlopen'ed by the providers that need it. The session commands reuse
# the module's code (libpamawscred), which needs no libawscred.
bin_PROGRAMS += cli/awscred
cli_awscred_SOURCES = \
	cli/cli.h cli/commands.h cli/common.c cli/main.c \
	cli/cmd_check_config.c cli/cmd_clock.c cli/cmd_exec.c cli/cmd_export.c cli/cmd_list.c \
	cli/cmd_session.c \
	cli/recursion.c
cli_awscred_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/cli
cli_awscred_LDADD = libawscred/libawscred.la $(PAMAWSCRED_LIBS)
