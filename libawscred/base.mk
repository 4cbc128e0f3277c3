# libawscred: the core (no network), built once as a convenience library
# that the shared library, the command, the PAM helper and the tests link.
noinst_LTLIBRARIES += libawscred/libawscred-core.la
libawscred_libawscred_core_la_SOURCES = \
	libawscred/awscred.h libawscred/internal.h \
	libawscred/util/context.c libawscred/util/error.c \
	libawscred/util/strings.c libawscred/util/file.c \
	libawscred/util/path.c libawscred/util/time.c libawscred/util/json.c \
	libawscred/util/sha1.h libawscred/util/sha1.c \
	libawscred/util/sha256.h libawscred/util/sha256.c \
	libawscred/chain.c libawscred/resolve.c
libawscred_libawscred_core_la_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
libawscred_libawscred_core_la_LIBADD = common/libawscred-common.la $(CJSON_LIBS)

# The public shared library: only awscred_* is exported.
lib_LTLIBRARIES += libawscred/libawscred.la
include_HEADERS += libawscred/awscred.h
pkgconfig_DATA += libawscred/libawscred.pc
libawscred_libawscred_la_SOURCES =
libawscred_libawscred_la_LIBADD = libawscred/libawscred-core.la
libawscred_libawscred_la_LDFLAGS = $(AM_LDFLAGS) \
	-version-info $(LIBAWSCRED_LT_VERSION) -no-undefined \
	-Wl,-z,defs -Wl,--version-script=$(top_srcdir)/libawscred/libawscred.map
EXTRA_DIST += libawscred/libawscred.map libawscred/libawscred.pc.in
