# libawscred: the core (no network), built once as a convenience library
# that the shared library, the command, the PAM helper and the tests link.
# Its components have a folder each: the context (context.c, internal.h)
# at the top, config/ (the AWS config/credentials reader), resolve/ (the
# chain), providers/ (one file each, behind struct provider), net/ (the
# core's side of the network: loader, STS calls), cache/ (the AWS CLI's
# caches), clock/ (skew measurement: HTTP Date readings, the STS probe,
# SNTP, adjtimex()) and util/ (small helpers).
noinst_LTLIBRARIES += libawscred/libawscred-core.la
libawscred_libawscred_core_la_SOURCES = \
	libawscred/awscred.h libawscred/awscred-clock.h libawscred/internal.h \
	libawscred/context.c \
	libawscred/util/util.h libawscred/util/error.c libawscred/util/shlex.c \
	libawscred/util/strings.c libawscred/util/file.c \
	libawscred/util/path.c libawscred/util/time.c libawscred/util/json.c \
	libawscred/util/sha1.h libawscred/util/sha1.c libawscred/util/buf.h \
	libawscred/util/sha256.h libawscred/util/sha256.c \
	libawscred/resolve/resolve.h libawscred/resolve/chain.c \
	libawscred/resolve/resolve.c
# libcjson is dlopen()ed on first use (util/json.c): only its header here.
libawscred_libawscred_core_la_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
libawscred_libawscred_core_la_LIBADD = common/libawscred-common.la

# The AWS config/credentials reader.
libawscred_libawscred_core_la_SOURCES += \
	libawscred/config/cfg.h libawscred/config/reader.h libawscred/config/map.c \
	libawscred/config/parse.c libawscred/config/lower.c \
	libawscred/config/config.c

# The providers: one file each, behind struct provider (provider.h).
libawscred_libawscred_core_la_SOURCES += \
	libawscred/providers/provider.h libawscred/providers/env.c \
	libawscred/providers/assume_role.c \
	libawscred/providers/web_identity.c \
	libawscred/providers/sso.h libawscred/providers/sso.c \
	libawscred/providers/sso_token.c libawscred/providers/sso_http.c \
	libawscred/providers/shared_file.c \
	libawscred/providers/login.c \
	libawscred/providers/process.c \
	libawscred/providers/config_file.c \
	libawscred/providers/legacy.c \
	libawscred/providers/container.c \
	libawscred/providers/imds.c \
	libawscred/providers/common.h libawscred/providers/common.c

# The network layer's core side: the loader of awscred-net.so
# (netmod/local.mk) and the STS calls.
libawscred_libawscred_core_la_SOURCES += \
	libawscred/net/net.h libawscred/net/module.h \
	libawscred/net/net.c libawscred/net/sts.c libawscred/net/partition.c

# The AWS CLI's caches and the clock-skew measurement.
libawscred_libawscred_core_la_SOURCES += \
	libawscred/cache/cache.h libawscred/cache/cache.c \
	libawscred/clock/clock.h libawscred/clock/clock.c

# The public shared library: only awscred_* is exported.
lib_LTLIBRARIES += libawscred/libawscred.la
include_HEADERS += libawscred/awscred.h libawscred/awscred-clock.h
pkgconfig_DATA += libawscred/libawscred.pc
libawscred_libawscred_la_SOURCES =
libawscred_libawscred_la_LIBADD = libawscred/libawscred-core.la
libawscred_libawscred_la_LDFLAGS = $(AM_LDFLAGS) \
	-version-info $(LIBAWSCRED_LT_VERSION) -no-undefined \
	-Wl,-z,defs -Wl,--version-script=$(top_srcdir)/libawscred/libawscred.map
EXTRA_DIST += libawscred/libawscred.map libawscred/libawscred.pc.in
