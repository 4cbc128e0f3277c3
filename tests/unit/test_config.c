/*
 * test_config.c: the config reader on real files: every quirk of the AWS
 * CLI's parser (reference §3.1, security.md D1) and the merge of the
 * credentials file over the config file (§3.2).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/reader.h"
#include "fixture.h"

/* The shared fixture's home, environment and context, and the files
   and configuration loaded from them. */
struct fixture {
    struct fx *fx;
    const char *dir;              /* fx->tmp */
    struct awscred_context *ctx;  /* fx->ctx */
    char config[128];
    char credentials[128];
    struct cfg *cfg;
    struct awscred_error err;
};

static int
setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    struct awscred_limits limits = { .max_file_bytes = 32u << 20 };

    assert_non_null(f);
    f->fx = fx_new(false);
    assert_non_null(f->fx);
    f->dir = f->fx->tmp;
    f->ctx = f->fx->ctx;
    fx_set_env(f->fx, "AWS_CONFIG_FILE", NULL);
    fx_set_env(f->fx, "AWS_SHARED_CREDENTIALS_FILE", NULL);
    snprintf(f->config, sizeof(f->config), "%s/config", f->dir);
    snprintf(f->credentials, sizeof(f->credentials), "%s/credentials", f->dir);
    awscred_context_set_limits(f->ctx, &limits);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;

    cfg_free(f->cfg);
    fx_free(f->fx);
    free(f);
    return 0;
}

/* Writes the files (NULL: none) and loads them. */
static enum awscred_status
load(struct fixture *f, const char *config, const char *credentials)
{
    cfg_free(f->cfg);
    f->cfg = NULL;
    if (config != NULL)
        fx_write(f->fx, f->config, config);
    if (credentials != NULL)
        fx_write(f->fx, f->credentials, credentials);
    return cfg_load_paths(f->ctx, config ? f->config : NULL,
                          credentials ? f->credentials : NULL, &f->cfg,
                          &f->err);
}

static void
assert_parse_error(struct fixture *f, const char *path, unsigned line)
{
    char where[256], prefix[256];

    assert_int_equal(f->err.status, AWSCRED_ERR_CONFIG_PARSE);
    assert_null(f->cfg);
    snprintf(where, sizeof(where), "%s:%u", path, line);
    assert_string_equal(f->err.where, where);
    snprintf(prefix, sizeof(prefix), "Unable to parse config file: %s", path);
    assert_memory_equal(f->err.message, prefix, strlen(prefix));
}

static void
test_long_token_round_trips(void **state)
{
    struct fixture *f = *state;
    char token[4097], file[4300];

    /* A 4 KB session token, base64 alphabet, byte for byte. */
    for (size_t i = 0; i < 4096; i++)
        token[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                   "0123456789+/="[(i * 7 + i / 13) % 65];
    token[4096] = '\0';
    snprintf(file, sizeof(file), "[default]\naws_session_token = %s\n"
             "region = eu-west-1\n", token);
    assert_int_equal(load(f, NULL, file), AWSCRED_OK);
    assert_string_equal(cfg_get(cfg_profile(f->cfg, "default"),
                                "aws_session_token"), token);
    assert_string_equal(cfg_get(cfg_profile(f->cfg, "default"), "region"),
                        "eu-west-1");
}

static void
test_values_keys_and_comments(void **state)
{
    struct fixture *f = *state;
    const struct cfg_section *p;

    assert_int_equal(load(f, "# top comment\n; another\n[profile dev]\n"
                          "AWS_Access_Key_ID = AKIAEXAMPLE\n"
                          "  # an indented comment\n"
                          "region: us-east-1 ;not a comment\n"
                          "output=json#kept\n"
                          "empty =\n"
                          "eq = a=b:c\n", NULL), AWSCRED_OK);
    p = cfg_profile(f->cfg, "dev");
    assert_non_null(p);
    assert_string_equal(cfg_get(p, "aws_access_key_id"), "AKIAEXAMPLE");
    assert_null(cfg_get(p, "AWS_Access_Key_ID"));
    assert_string_equal(cfg_get(p, "region"), "us-east-1 ;not a comment");
    assert_string_equal(cfg_get(p, "output"), "json#kept");
    assert_string_equal(cfg_get(p, "empty"), "");
    assert_string_equal(cfg_get(p, "eq"), "a=b:c");
    assert_int_equal(cfg_key_line(p, "region"), 6);
    assert_string_equal(cfg_section_file(p), f->config);
    assert_null(cfg_profile(f->cfg, "Dev"));  /* names are case-sensitive */
}

static void
test_unicode_keys(void **state)
{
    struct fixture *f = *state;

    /* str.lower(): the KELVIN SIGN folds to ASCII "k". */
    assert_int_equal(load(f, "[default]\nAWS_ACCESS_\xe2\x84\xaa" "EY_ID = AK\n"
                          "\xc3\x84rger = 1\n\xc4\xb0 = dot\n", NULL),
                     AWSCRED_OK);
    assert_string_equal(cfg_get(cfg_profile(f->cfg, "default"),
                                "aws_access_key_id"), "AK");
    assert_string_equal(cfg_get(cfg_profile(f->cfg, "default"),
                                "\xc3\xa4rger"), "1");
    assert_string_equal(cfg_get(cfg_profile(f->cfg, "default"),
                                "i\xcc\x87"), "dot");
    /* ... so keys differing only in case are duplicates. */
    assert_int_equal(load(f, "[default]\n\xc3\x84 = 1\n\xc3\xa4 = 2\n", NULL),
                     AWSCRED_ERR_CONFIG_PARSE);
    assert_parse_error(f, f->config, 3);
}

/* 10 000 keys in one section and 10 000 lines in one nested block: all
   kept, the last of a repeated nested key winning. */
static void
test_many_keys(void **state)
{
    enum { KEYS = 10000 };
    struct fixture *f = *state;
    size_t cap = (size_t) KEYS * 64, len = 0;
    char *text = malloc(cap), key[32], value[32];
    const struct cfg_section *p, *nested;

    assert_non_null(text);
    len += (size_t) snprintf(text, cap, "[default]\n");
    for (int i = 0; i < KEYS; i++)
        len += (size_t) snprintf(text + len, cap - len, "Key%d = v%d\n", i, i);
    len += (size_t) snprintf(text + len, cap - len, "block =\n");
    for (int i = 0; i < KEYS; i++)
        len += (size_t) snprintf(text + len, cap - len, "  n%d = w%d\n",
                                 i % (KEYS / 2), i);
    fx_write_bytes(f->fx, f->config, text, len);
    free(text);
    assert_int_equal(cfg_load_paths(f->ctx, f->config, NULL, &f->cfg,
                                    &f->err), AWSCRED_OK);
    p = cfg_profile(f->cfg, "default");
    nested = cfg_get_nested(p, "block");
    for (int i = 0; i < KEYS; i++) {
        snprintf(key, sizeof(key), "key%d", i);
        snprintf(value, sizeof(value), "v%d", i);
        assert_string_equal(cfg_get(p, key), value);
    }
    for (int i = 0; i < KEYS / 2; i++) {
        snprintf(key, sizeof(key), "n%d", i);
        snprintf(value, sizeof(value), "w%d", i + KEYS / 2);
        assert_string_equal(cfg_get(nested, key), value);
    }
    assert_null(cfg_get(nested, "n5000"));
}

static void
test_continuation_and_nested(void **state)
{
    struct fixture *f = *state;
    const struct cfg_section *p, *s3;

    assert_int_equal(load(f, "[default]\nk = 1\n  more\n\n   and more\n\n"
                          "s3 =\n  addressing_style = path\n"
                          "  Signature_Version=s3v4\n"
                          "x = 2\n", NULL), AWSCRED_OK);
    p = cfg_profile(f->cfg, "default");
    assert_string_equal(cfg_get(p, "k"), "1\nmore\n\nand more");
    assert_string_equal(cfg_get(p, "s3"), "");
    s3 = cfg_get_nested(p, "s3");
    assert_non_null(s3);
    assert_string_equal(cfg_get(s3, "addressing_style"), "path");
    /* nested keys are not lower-cased (botocore _parse_nested) */
    assert_string_equal(cfg_get(s3, "Signature_Version"), "s3v4");
    assert_null(cfg_get_nested(p, "k"));
    assert_string_equal(cfg_get(p, "x"), "2");

    /* A nested line without "=" is an error naming the key's line. */
    assert_int_equal(load(f, "[default]\n\ns3 =\n  novalue\n", NULL),
                     AWSCRED_ERR_CONFIG_PARSE);
    assert_parse_error(f, f->config, 3);
}

static void
test_default_section_inherited(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(load(f, "[DEFAULT]\nregion = us-west-2\nout = text\n"
                          "[profile a]\nregion = eu-west-1\n[default]\n",
                          NULL), AWSCRED_OK);
    assert_string_equal(cfg_get(cfg_profile(f->cfg, "a"), "region"),
                        "eu-west-1");
    assert_string_equal(cfg_get(cfg_profile(f->cfg, "a"), "out"), "text");
    assert_string_equal(cfg_get(cfg_profile(f->cfg, "default"), "region"),
                        "us-west-2");
    assert_null(cfg_profile(f->cfg, "DEFAULT"));
}

static void
test_default_vs_profile_default(void **state)
{
    struct fixture *f = *state;
    const struct cfg_section *p;

    assert_int_equal(load(f, "[default]\na = 1\nb = 1\n[profile default]\n"
                          "a = 2\n", NULL), AWSCRED_OK);
    p = cfg_profile(f->cfg, "default");
    assert_string_equal(cfg_get(p, "a"), "2");
    assert_null(cfg_get(p, "b"));  /* replaced, not merged */
    assert_int_equal(load(f, "[profile default]\na = 2\n[default]\na = 1\n",
                          NULL), AWSCRED_OK);
    assert_string_equal(cfg_get(cfg_profile(f->cfg, "default"), "a"), "1");
}

static void
test_section_names(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(load(f, "[profile \"my prof\"]\na = 1\n"
                          "[profile  x ]\na = 2\n[profilefoo]\na = 3\n"
                          "[  profile b ]\na = 4\n[profile a b]\na = 5\n"
                          "[sso-session corp]\nsso_region = eu-west-1\n"
                          "[services svc]\nsts =\n  endpoint_url = http://x\n"
                          "[preview]\na = 6\n", NULL), AWSCRED_OK);
    assert_string_equal(cfg_get(cfg_profile(f->cfg, "my prof"), "a"), "1");
    assert_string_equal(cfg_get(cfg_profile(f->cfg, "x"), "a"), "2");
    assert_null(cfg_profile(f->cfg, "profilefoo"));
    assert_null(cfg_profile(f->cfg, "foo"));
    assert_null(cfg_profile(f->cfg, "b"));
    assert_null(cfg_profile(f->cfg, "a b"));
    assert_null(cfg_profile(f->cfg, "preview"));
    assert_string_equal(cfg_get(cfg_sso_session(f->cfg, "corp"),
                                "sso_region"), "eu-west-1");
    assert_string_equal(cfg_get(cfg_get_nested(cfg_services(f->cfg, "svc"),
                                               "sts"), "endpoint_url"),
                        "http://x");
    assert_null(cfg_sso_session(f->cfg, "svc"));
}

static void
test_credentials_override_config(void **state)
{
    struct fixture *f = *state;
    const struct cfg_section *p;

    assert_int_equal(load(f, "[profile dev]\nregion = us-east-1\n"
                          "output = json\n",
                          "[dev]\nregion = eu-west-1\naws_access_key_id = AK\n"
                          "[profile dev]\naws_access_key_id = literal\n"),
                     AWSCRED_OK);
    p = cfg_profile(f->cfg, "dev");
    assert_string_equal(cfg_get(p, "region"), "eu-west-1");
    assert_string_equal(cfg_get(p, "output"), "json");
    assert_string_equal(cfg_get(p, "aws_access_key_id"), "AK");
    assert_string_equal(cfg_key_file(p, "region"), f->credentials);
    assert_string_equal(cfg_key_file(p, "output"), f->config);
    assert_int_equal(cfg_key_line(p, "aws_access_key_id"), 3);
    /* The single-file views are untouched. */
    assert_string_equal(cfg_get(cfg_config_profile(f->cfg, "dev"), "region"),
                        "us-east-1");
    assert_null(cfg_get(cfg_credentials_profile(f->cfg, "dev"), "output"));
    /* Credentials sections are raw names. */
    assert_string_equal(cfg_get(cfg_profile(f->cfg, "profile dev"),
                                "aws_access_key_id"), "literal");
    assert_null(cfg_config_profile(f->cfg, "profile dev"));
}

static void
test_crlf_and_cr(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(load(f, "[default]\r\nregion = us-east-1\r\n"
                          "k = 1\r  more\r", NULL), AWSCRED_OK);
    assert_string_equal(cfg_get(cfg_profile(f->cfg, "default"), "region"),
                        "us-east-1");
    assert_string_equal(cfg_get(cfg_profile(f->cfg, "default"), "k"),
                        "1\nmore");
}

static void
test_parse_errors(void **state)
{
    static const struct {
        const char *text;
        size_t len;
        unsigned line;
    } cases[] = {
#define CASE(s, line) { s, sizeof(s) - 1, line }
        CASE("[a]\nx = 1\n[b]\n[a]\n", 4),           /* duplicate section */
        CASE("[a]\nx = 1\n# c\nX = 2\n", 4),         /* duplicate key */
        CASE("# c\nx = 1\n[a]\n", 2),                /* key before a section */
        CASE("[a]\nno delimiter\n", 2),
        CASE("[a]\n= value\n", 2),
        CASE("\xef\xbb\xbf[default]\nx = 1\n", 1),   /* BOM */
        CASE("[a]\r\nx = 1\r\ny = \xff\xfe\n", 3),   /* not UTF-8 */
        CASE("[a]\nx = \xed\xa0\x80\n", 2),          /* a surrogate */
        CASE("[a]\n\nx = a\0b\n", 3),                /* NUL */
#undef CASE
    };
    struct fixture *f = *state;

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cfg_free(f->cfg);
        f->cfg = NULL;
        fx_write_bytes(f->fx, f->credentials, cases[i].text, cases[i].len);
        assert_int_equal(cfg_load_paths(f->ctx, NULL, f->credentials,
                                        &f->cfg, &f->err),
                         AWSCRED_ERR_CONFIG_PARSE);
        assert_parse_error(f, f->credentials, cases[i].line);
    }
}

/* The detail names the problem and the names involved, never a value. */
static void
test_parse_error_messages(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(load(f, "[a]\nx = SECRET1\n[a]\n", NULL),
                     AWSCRED_ERR_CONFIG_PARSE);
    assert_non_null(strstr(f->err.message, "section [a] already exists"));
    assert_int_equal(load(f, "[a]\nx = SECRET1\nX = SECRET2\n", NULL),
                     AWSCRED_ERR_CONFIG_PARSE);
    assert_non_null(strstr(f->err.message, "key \"x\" already exists in "
                                           "section [a]"));
    assert_null(strstr(f->err.message, "SECRET"));
    assert_int_equal(load(f, "[a]\nx = 1\nSECRET3\n", NULL),
                     AWSCRED_ERR_CONFIG_PARSE);
    assert_null(strstr(f->err.message, "SECRET"));
    /* Control characters in names cannot reach a terminal. */
    assert_int_equal(load(f, "[a\x1b[31m]\n[a\x1b[31m]\n", NULL),
                     AWSCRED_ERR_CONFIG_PARSE);
    assert_null(strchr(f->err.message, '\x1b'));
}

static void
test_missing_files_are_empty(void **state)
{
    struct fixture *f = *state;

    assert_int_equal(cfg_load_paths(f->ctx, "/nonexistent/config",
                                    "/nonexistent/credentials", &f->cfg,
                                    &f->err), AWSCRED_OK);
    assert_null(cfg_profile(f->cfg, "default"));
    assert_string_equal(cfg_config_path(f->cfg), "/nonexistent/config");
}

static void
test_paths_from_environment(void **state)
{
    struct fixture *f = *state;
    char sub[160];

    snprintf(sub, sizeof(sub), "%s/sub", f->dir);
    fx_set_env(f->fx, "AWS_CONFIG_FILE", "~/config");
    fx_set_env(f->fx, "AWS_SHARED_CREDENTIALS_FILE", "$CREDS_DIR/credentials");
    fx_set_env(f->fx, "CREDS_DIR", f->dir);
    fx_write(f->fx, f->config, "[default]\na = 1\n");
    fx_write(f->fx, f->credentials, "[default]\nb = 2\n");
    assert_int_equal(cfg_load(f->ctx, &f->cfg, &f->err), AWSCRED_OK);
    assert_string_equal(cfg_get(cfg_profile(f->cfg, "default"), "a"), "1");
    assert_string_equal(cfg_get(cfg_profile(f->cfg, "default"), "b"), "2");
    assert_string_equal(cfg_config_path(f->cfg), "~/config");
    assert_string_equal(cfg_credentials_path(f->cfg),
                        "$CREDS_DIR/credentials");
    assert_string_equal(cfg_section_file(cfg_profile(f->cfg, "default")),
                        f->config);
    /* Defaults when unset. */
    fx_set_env(f->fx, "AWS_CONFIG_FILE", NULL);
    fx_set_env(f->fx, "AWS_SHARED_CREDENTIALS_FILE", NULL);
    fx_set_env(f->fx, "CREDS_DIR", NULL);
    cfg_free(f->cfg);
    assert_int_equal(cfg_load(f->ctx, &f->cfg, &f->err), AWSCRED_OK);
    assert_string_equal(cfg_config_path(f->cfg), "~/.aws/config");
    assert_string_equal(cfg_credentials_path(f->cfg), "~/.aws/credentials");
}

/* 100 000 profiles: every one found with its own values (the parser is
   linear; timing belongs in bench/). */
static void
test_many_profiles(void **state)
{
    enum { PROFILES = 100000 };
    struct fixture *f = *state;
    size_t cap = (size_t) PROFILES * 64, len = 0;
    char *text = malloc(cap), name[32], value[32];

    assert_non_null(text);
    for (int i = 0; i < PROFILES; i++)
        len += (size_t) snprintf(text + len, cap - len,
                                 "[profile p%d]\nregion = r%d\n", i, i);
    fx_write_bytes(f->fx, f->config, text, len);
    free(text);
    assert_int_equal(cfg_load_paths(f->ctx, f->config, NULL, &f->cfg,
                                    &f->err), AWSCRED_OK);
    for (int i = 0; i < PROFILES; i++) {
        snprintf(name, sizeof(name), "p%d", i);
        snprintf(value, sizeof(value), "r%d", i);
        assert_string_equal(cfg_get(cfg_profile(f->cfg, name), "region"),
                            value);
    }
    assert_null(cfg_profile(f->cfg, "p100000"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
        T(test_long_token_round_trips),
        T(test_values_keys_and_comments),
        T(test_unicode_keys),
        T(test_continuation_and_nested),
        T(test_default_section_inherited),
        T(test_default_vs_profile_default),
        T(test_section_names),
        T(test_credentials_override_config),
        T(test_crlf_and_cr),
        T(test_parse_errors),
        T(test_parse_error_messages),
        T(test_missing_files_are_empty),
        T(test_paths_from_environment),
        T(test_many_profiles),
        T(test_many_keys),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
