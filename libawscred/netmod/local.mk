# awscred-net.so: everything that needs libcurl, OpenSSL or expat, in a
# module that the core (libawscred/net/net.c) dlopen()s on first use.
pkglib_LTLIBRARIES += libawscred/awscred-net.la
libawscred_awscred_net_la_SOURCES = \
	libawscred/netmod/modimpl.h \
	libawscred/netmod/module.c libawscred/netmod/digest.c \
	libawscred/netmod/sigv4.c libawscred/netmod/http.c \
	libawscred/netmod/xml.c libawscred/netmod/dpop.c
libawscred_awscred_net_la_CFLAGS = $(AM_CFLAGS) \
	$(CURL_CFLAGS) $(OPENSSL_CFLAGS) $(EXPAT_CFLAGS)
libawscred_awscred_net_la_LIBADD = common/libawscred-common.la $(CURL_LIBS) $(OPENSSL_LIBS) $(EXPAT_LIBS)
libawscred_awscred_net_la_LDFLAGS = $(AM_LDFLAGS) \
	-module -avoid-version -shared -no-undefined \
	-Wl,-z,defs -Wl,-Bsymbolic -Wl,-z,nodelete \
	-Wl,--version-script=$(top_srcdir)/libawscred/netmod/awscred-net.map
EXTRA_DIST += libawscred/netmod/awscred-net.map
