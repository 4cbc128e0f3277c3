# awscredd: the session credential broker (man/awscredd.8). It links the
# module's convenience library for the frame format of its control
# protocol (pam_awscred/result.c) and libmicrohttpd for HTTP.
noinst_LTLIBRARIES += awscredd/libbroker.la
awscredd_libbroker_la_SOURCES = awscredd/broker.h awscredd/control.c \
	awscredd/registry.c awscredd/state.c libawscred/util/sha1.c \
	libawscred/util/sha256.c
awscredd_libbroker_la_CFLAGS = $(AM_CFLAGS)
awscredd_libbroker_la_LIBADD = pam_awscred/libpamawscred.la

sbin_PROGRAMS += awscredd/awscredd
awscredd_awscredd_SOURCES = awscredd/main.c awscredd/http.c awscredd/peer.c \
	awscredd/refresh.c awscredd/mfa.c awscredd/mfa.h
awscredd_awscredd_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(INIH_CFLAGS) -pthread
awscredd_awscredd_LDADD = awscredd/libbroker.la $(MHD_LIBS) $(INIH_LIBS) \
	-lpthread

# For real hosts; no test needs systemd.
EXTRA_DIST += awscredd/awscredd.service
