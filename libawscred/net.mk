# The network layer. Everything that needs libcurl, OpenSSL or expat is in
# the module awscred-net.so, which the core dlopen()s on first use; the
# core's side (loader, STS calls) is part of the core library.
pkglib_LTLIBRARIES += libawscred/awscred-net.la
libawscred_awscred_net_la_SOURCES = \
	libawscred/net/module.h libawscred/net/modimpl.h libawscred/net/buf.h \
	libawscred/net/module.c libawscred/net/digest.c \
	libawscred/net/sigv4.c libawscred/net/http.c libawscred/net/xml.c \
	libawscred/net/dpop.c
libawscred_awscred_net_la_CFLAGS = $(AM_CFLAGS) \
	$(CURL_CFLAGS) $(OPENSSL_CFLAGS) $(EXPAT_CFLAGS)
libawscred_awscred_net_la_LIBADD = common/libawscred-common.la $(CURL_LIBS) $(OPENSSL_LIBS) $(EXPAT_LIBS)
libawscred_awscred_net_la_LDFLAGS = $(AM_LDFLAGS) \
	-module -avoid-version -shared -no-undefined \
	-Wl,-z,defs -Wl,-Bsymbolic -Wl,-z,nodelete \
	-Wl,--version-script=$(top_srcdir)/libawscred/net/awscred-net.map
EXTRA_DIST += libawscred/net/awscred-net.map

libawscred_libawscred_core_la_SOURCES += \
	libawscred/net/net.h libawscred/net/module.h libawscred/net/net.c
libawscred_libawscred_core_la_SOURCES += libawscred/net/sts.c \
	libawscred/net/partition.c \
	libawscred/cache.h libawscred/cache.c
