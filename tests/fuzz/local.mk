# Fuzzing (tests/fuzz/README.md). Every target fuzz_<target>.c defines
# LLVMFuzzerTestOneInput. `make check` links each with replay_main.c and
# replays its seed corpus tests/fuzz/corpus/<target>/ (named cases and
# crash regressions) as a TAP test; `make fuzz` builds each with clang's
# libFuzzer and runs it for FUZZ_SECONDS.
FUZZ_TARGETS = json iso8601 shlex config process metadata container_url \
	sts_xml worker_result worker_request pam_options broker_control
FUZZ_SECONDS = 60
FUZZ_CC = clang
FUZZ_REPLAY_CFLAGS = $(AM_CFLAGS) $(CJSON_CFLAGS)
FUZZ_REPLAY_LIBS = libawscred/libawscred-core.la $(CJSON_LIBS)
# The STS reader is in the network module, which is built as a dlopen'ed
# module only: its sources are compiled into the target.
FUZZ_NET_MODULE_SOURCES = libawscred/netmod/module.c \
	libawscred/netmod/digest.c libawscred/netmod/sigv4.c \
	libawscred/netmod/http.c libawscred/netmod/xml.c \
	libawscred/netmod/dpop.c

EXTRA_DIST += tests/fuzz/corpus tests/fuzz/fuzz.sh tests/fuzz/ci.sh \
	tests/fuzz/README.md

check_PROGRAMS += tests/fuzz/replay_json
TESTS += tests/fuzz/replay_json
tests_fuzz_replay_json_SOURCES = tests/fuzz/fuzz_json.c tests/fuzz/replay_main.c \
	tests/fuzz/fuzz.h
tests_fuzz_replay_json_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"json"'
tests_fuzz_replay_json_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_json_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_iso8601
TESTS += tests/fuzz/replay_iso8601
tests_fuzz_replay_iso8601_SOURCES = tests/fuzz/fuzz_iso8601.c tests/fuzz/replay_main.c \
	tests/fuzz/fuzz.h
tests_fuzz_replay_iso8601_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"iso8601"'
tests_fuzz_replay_iso8601_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_iso8601_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_shlex
TESTS += tests/fuzz/replay_shlex
tests_fuzz_replay_shlex_SOURCES = tests/fuzz/fuzz_shlex.c tests/fuzz/replay_main.c \
	tests/fuzz/fuzz.h
tests_fuzz_replay_shlex_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"shlex"'
tests_fuzz_replay_shlex_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_shlex_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_config
TESTS += tests/fuzz/replay_config
tests_fuzz_replay_config_SOURCES = tests/fuzz/fuzz_config.c tests/fuzz/replay_main.c \
	tests/fuzz/fuzz.h
tests_fuzz_replay_config_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"config"'
tests_fuzz_replay_config_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_config_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_process
TESTS += tests/fuzz/replay_process
tests_fuzz_replay_process_SOURCES = tests/fuzz/fuzz_process.c tests/fuzz/replay_main.c \
	tests/fuzz/fuzz.h
tests_fuzz_replay_process_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"process"'
tests_fuzz_replay_process_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_process_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_metadata
TESTS += tests/fuzz/replay_metadata
tests_fuzz_replay_metadata_SOURCES = tests/fuzz/fuzz_metadata.c tests/fuzz/replay_main.c \
	tests/fuzz/fuzz.h
tests_fuzz_replay_metadata_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"metadata"'
tests_fuzz_replay_metadata_CFLAGS = $(FUZZ_REPLAY_CFLAGS)
tests_fuzz_replay_metadata_LDADD = $(FUZZ_REPLAY_LIBS)

check_PROGRAMS += tests/fuzz/replay_container_url
TESTS += tests/fuzz/replay_container_url
tests_fuzz_replay_container_url_SOURCES = tests/fuzz/fuzz_container_url.c tests/fuzz/replay_main.c \
	tests/fuzz/fuzz.h
tests_fuzz_replay_container_url_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"container_url"'
tests_fuzz_replay_container_url_CFLAGS = $(FUZZ_REPLAY_CFLAGS) $(CURL_CFLAGS)
tests_fuzz_replay_container_url_LDADD = $(FUZZ_REPLAY_LIBS) $(CURL_LIBS)

check_PROGRAMS += tests/fuzz/replay_sts_xml
TESTS += tests/fuzz/replay_sts_xml
tests_fuzz_replay_sts_xml_SOURCES = tests/fuzz/fuzz_sts_xml.c tests/fuzz/replay_main.c \
	tests/fuzz/fuzz.h \
	$(FUZZ_NET_MODULE_SOURCES)
tests_fuzz_replay_sts_xml_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"sts_xml"'
tests_fuzz_replay_sts_xml_CFLAGS = $(FUZZ_REPLAY_CFLAGS) \
	$(CURL_CFLAGS) $(OPENSSL_CFLAGS) $(EXPAT_CFLAGS)
tests_fuzz_replay_sts_xml_LDADD = $(FUZZ_REPLAY_LIBS) \
	$(CURL_LIBS) $(OPENSSL_LIBS) $(EXPAT_LIBS)

check_PROGRAMS += tests/fuzz/replay_worker_result
TESTS += tests/fuzz/replay_worker_result
tests_fuzz_replay_worker_result_SOURCES = tests/fuzz/fuzz_worker_result.c tests/fuzz/replay_main.c \
	tests/fuzz/fuzz.h
tests_fuzz_replay_worker_result_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"worker_result"'
tests_fuzz_replay_worker_result_CFLAGS = $(FUZZ_REPLAY_CFLAGS) $(INIH_CFLAGS)
tests_fuzz_replay_worker_result_LDADD = $(PAMAWSCRED_LIBS)

check_PROGRAMS += tests/fuzz/replay_worker_request
TESTS += tests/fuzz/replay_worker_request
tests_fuzz_replay_worker_request_SOURCES = tests/fuzz/fuzz_worker_request.c tests/fuzz/replay_main.c \
	tests/fuzz/fuzz.h
tests_fuzz_replay_worker_request_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"worker_request"'
tests_fuzz_replay_worker_request_CFLAGS = $(FUZZ_REPLAY_CFLAGS) $(INIH_CFLAGS)
tests_fuzz_replay_worker_request_LDADD = $(PAMAWSCRED_LIBS)

check_PROGRAMS += tests/fuzz/replay_pam_options
TESTS += tests/fuzz/replay_pam_options
tests_fuzz_replay_pam_options_SOURCES = tests/fuzz/fuzz_pam_options.c tests/fuzz/replay_main.c \
	tests/fuzz/fuzz.h
tests_fuzz_replay_pam_options_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"pam_options"'
tests_fuzz_replay_pam_options_CFLAGS = $(FUZZ_REPLAY_CFLAGS) $(INIH_CFLAGS)
tests_fuzz_replay_pam_options_LDADD = $(PAMAWSCRED_LIBS)

check_PROGRAMS += tests/fuzz/replay_broker_control
TESTS += tests/fuzz/replay_broker_control
tests_fuzz_replay_broker_control_SOURCES = tests/fuzz/fuzz_broker_control.c tests/fuzz/replay_main.c \
	tests/fuzz/fuzz.h
tests_fuzz_replay_broker_control_CPPFLAGS = $(AM_CPPFLAGS) -DFUZZ_TARGET='"broker_control"'
tests_fuzz_replay_broker_control_CFLAGS = $(FUZZ_REPLAY_CFLAGS) $(INIH_CFLAGS)
tests_fuzz_replay_broker_control_LDADD = awscredd/libbroker.la $(INIH_LIBS)

# make fuzz [FUZZ_TARGETS='json ...'] [FUZZ_SECONDS=60]: clang builds the
# core sources with -fsanitize=fuzzer-no-link,address,undefined into
# tests/fuzz/clang/ and runs each target there; new inputs go to
# tests/fuzz/clang/corpus/<target>, crashes to tests/fuzz/clang/crashes/.
fuzz:
	$(AM_V_at)FUZZ_CC='$(FUZZ_CC)' FUZZ_SECONDS='$(FUZZ_SECONDS)' \
	FUZZ_CPPFLAGS='$(DEFS) -I$(top_builddir) -I$(top_srcdir) -I$(top_srcdir)/libawscred -I$(top_srcdir)/tests/fuzz $(CJSON_CFLAGS) $(INIH_CFLAGS) $(EXPAT_CFLAGS) $(CURL_CFLAGS) $(OPENSSL_CFLAGS)' \
	FUZZ_CORE_SOURCES='$(common_libawscred_common_la_SOURCES) $(libawscred_libawscred_core_la_SOURCES)' \
	FUZZ_LIBS='$(CJSON_LIBS) $(INIH_LIBS) $(EXPAT_LIBS) $(CURL_LIBS) $(OPENSSL_LIBS) $(LIBS)' \
	$(SHELL) $(top_srcdir)/tests/fuzz/fuzz.sh $(top_srcdir) tests/fuzz/clang $(FUZZ_TARGETS)
.PHONY: fuzz

clean-local: clean-fuzz
clean-fuzz:
	-rm -rf tests/fuzz/clang
.PHONY: clean-fuzz
