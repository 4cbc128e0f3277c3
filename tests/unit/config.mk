# Unit tests of the config reader and shlex_split, and the differential
# test against botocore's configloader and Python's shlex.
check_PROGRAMS += tests/unit/cfg_dump
tests_unit_cfg_dump_SOURCES = tests/unit/cfg_dump.c
tests_unit_cfg_dump_LDADD = libawscred/libawscred-core.la

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_config
TESTS += tests/unit/test_config
tests_unit_test_config_SOURCES = tests/unit/test_config.c $(FIXTURE_SOURCES)
tests_unit_test_config_CPPFLAGS = $(FIXTURE_CPPFLAGS)
tests_unit_test_config_CFLAGS = $(FIXTURE_CFLAGS)
tests_unit_test_config_LDADD = $(FIXTURE_LDADD)
endif

if HAVE_CMOCKA
check_PROGRAMS += tests/unit/test_shlex
TESTS += tests/unit/test_shlex
tests_unit_test_shlex_SOURCES = tests/unit/test_shlex.c
tests_unit_test_shlex_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS)
tests_unit_test_shlex_LDADD = libawscred/libawscred-core.la $(CMOCKA_LIBS)
endif

TESTS += tests/unit/config_diff.sh
dist_check_SCRIPTS += tests/unit/config_diff.sh tests/unit/config_diff.py
EXTRA_DIST += $(CONFIG_FIXTURES)
CONFIG_FIXTURES = \
	tests/data/config/basic.ini \
	tests/data/config/continuation.ini \
	tests/data/config/cr.ini \
	tests/data/config/crlf.ini \
	tests/data/config/default-bad-nested-overridden.ini \
	tests/data/config/default-bad-nested-unused.ini \
	tests/data/config/default-section.ini \
	tests/data/config/default-then-profile-default.ini \
	tests/data/config/empty.ini \
	tests/data/config/error-bom.ini \
	tests/data/config/error-default-bad-nested-inherited.ini \
	tests/data/config/error-dup-default-key.ini \
	tests/data/config/error-dup-key.ini \
	tests/data/config/error-dup-section.ini \
	tests/data/config/error-empty-header.ini \
	tests/data/config/error-empty-key.ini \
	tests/data/config/error-invalid-utf8.ini \
	tests/data/config/error-key-before-section.ini \
	tests/data/config/error-nested.ini \
	tests/data/config/error-no-delimiter.ini \
	tests/data/config/indentation.ini \
	tests/data/config/in-place.ini \
	tests/data/config/inline-comments.ini \
	tests/data/config/long-token.ini \
	tests/data/config/mixed-case-keys.ini \
	tests/data/config/nested.ini \
	tests/data/config/no-final-newline.ini \
	tests/data/config/nul-byte.ini \
	tests/data/config/only-comments.ini \
	tests/data/config/profile-default-then-default.ini \
	tests/data/config/profile-names.ini \
	tests/data/config/sso-services.ini \
	tests/data/config/unicode-keys.ini \
	tests/data/config/unicode.ini
