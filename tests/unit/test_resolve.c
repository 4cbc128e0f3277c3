/*
 * test_resolve.c: profile selection, the environment, credentials-file
 * and config-file providers, region resolution, source_profile checks
 * and awscred_describe, on real files in a temporary directory and a
 * fake environment and clock passed through the context.
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

#include "fixture.h"

#define NOW 1800000000 /* 2027-01-15T08:00:00Z */

/* The user's files are tmp/config and tmp/credentials; the clock stands
   at NOW. */
static int
setup(void **state)
{
    struct fx *f = fx_new(false);

    assert_non_null(f);
    fx_set_envf(f, "AWS_CONFIG_FILE", "%s/config", f->tmp);
    fx_set_envf(f, "AWS_SHARED_CREDENTIALS_FILE", "%s/credentials", f->tmp);
    fx_fix_clock(f, NOW);
    *state = f;
    return 0;
}

static const char profiles_credentials[] =
    "[default]\n"
    "aws_access_key_id = AKIDDEFAULT\n"
    "aws_secret_access_key = sdefault\n"
    "[dev]\n"
    "aws_access_key_id = AKIDDEV\n"
    "aws_secret_access_key = sdev\n"
    "[prod]\n"
    "aws_access_key_id = AKIDPROD\n"
    "aws_secret_access_key = sprod\n";

/* ---- profile selection -------------------------------------------- */

static void
test_default_profile(void **state)
{
    struct fx *f = *state;

    fx_write(f, "credentials", profiles_credentials);
    fx_expect_key(f, "AKIDDEFAULT", "shared-credentials-file");
    assert_string_equal(f->creds->secret_access_key, "sdefault");
    assert_null(f->creds->session_token);
    assert_int_equal(f->creds->expiration, 0);
    assert_string_equal(f->creds->profile, "default");
}

/* botocore's legacy providers only with AWSCRED_FLAG_LEGACY_PROVIDERS,
   which the command sets and the PAM module does not. */
static void
test_legacy_providers_need_the_flag(void **state)
{
    struct fx *f = *state;
    char path[160];

    snprintf(path, sizeof(path), "%s/ec2.cred", f->tmp);
    fx_write(f, path, "AWSAccessKeyId=AKIDEC2\nAWSSecretKey=s\n");
    fx_set_env(f, "AWS_CREDENTIAL_FILE", path);
    assert_int_equal(fx_resolve(f), AWSCRED_ERR_NO_CREDENTIALS);
    awscred_context_set_flags(f->ctx, AWSCRED_FLAG_NO_IMDS
                                          | AWSCRED_FLAG_LEGACY_PROVIDERS);
    fx_expect_key(f, "AKIDEC2", "ec2-credentials-file");
    assert_null(f->creds->session_token);
}

static void
test_profile_env_order(void **state)
{
    struct fx *f = *state;

    fx_write(f, "credentials", profiles_credentials);
    fx_set_env(f, "AWS_DEFAULT_PROFILE", "prod");
    fx_expect_key(f, "AKIDPROD", "shared-credentials-file");
    /* CLI v2: AWS_PROFILE beats AWS_DEFAULT_PROFILE. */
    fx_set_env(f, "AWS_PROFILE", "dev");
    fx_expect_key(f, "AKIDDEV", "shared-credentials-file");
    assert_string_equal(f->creds->profile, "dev");
    f->req.profile = "default";
    fx_expect_key(f, "AKIDDEFAULT", "shared-credentials-file");
}

static void
test_missing_profile_with_env_keys(void **state)
{
    struct fx *f = *state;

    fx_write(f, "credentials", profiles_credentials);
    fx_set_env(f, "AWS_ACCESS_KEY_ID", "AKIDENV");
    fx_set_env(f, "AWS_SECRET_ACCESS_KEY", "senv");
    fx_set_env(f, "AWS_PROFILE", "nope");
    fx_expect_error(f, AWSCRED_ERR_PROFILE_NOT_FOUND,
                    "The config profile (nope) could not be found");
    f->req.profile = "gone";
    fx_expect_error(f, AWSCRED_ERR_PROFILE_NOT_FOUND,
                    "The config profile (gone) could not be found");
}

static void
test_named_default_must_exist(void **state)
{
    struct fx *f = *state;

    /* No files at all: the implicit default may be missing ... */
    fx_expect_error(f, AWSCRED_ERR_NO_CREDENTIALS,
                    "Unable to locate credentials");
    /* ... but a default named by the environment may not. */
    fx_set_env(f, "AWS_PROFILE", "default");
    fx_expect_error(f, AWSCRED_ERR_PROFILE_NOT_FOUND,
                    "The config profile (default) could not be found");
}

static void
test_empty_aws_profile_is_a_name(void **state)
{
    struct fx *f = *state;

    fx_write(f, "credentials", profiles_credentials);
    fx_set_env(f, "AWS_PROFILE", "");
    fx_set_env(f, "AWS_DEFAULT_PROFILE", "dev");
    fx_expect_error(f, AWSCRED_ERR_PROFILE_NOT_FOUND,
                    "The config profile () could not be found");
}

static void
test_profile_only_in_config(void **state)
{
    struct fx *f = *state;

    fx_write(f, "config", "[profile cfgonly]\nregion = eu-west-1\n");
    fx_write(f, "credentials", profiles_credentials);
    fx_set_env(f, "AWS_ACCESS_KEY_ID", "AKIDENV");
    fx_set_env(f, "AWS_SECRET_ACCESS_KEY", "senv");
    fx_set_env(f, "AWS_PROFILE", "cfgonly");
    /* AWS_PROFILE does not drop the environment provider. */
    fx_expect_key(f, "AKIDENV", "env");
    assert_null(f->creds->profile);
    assert_string_equal(f->creds->region, "eu-west-1");
}

/* ---- environment provider ------------------------------------------ */

static void
test_env_keys_and_token_precedence(void **state)
{
    struct fx *f = *state;

    fx_write(f, "credentials", profiles_credentials);
    fx_set_env(f, "AWS_ACCESS_KEY_ID", "AKIDENV");
    fx_set_env(f, "AWS_SECRET_ACCESS_KEY", "senv");
    fx_set_env(f, "AWS_SESSION_TOKEN", "session");
    fx_expect_key(f, "AKIDENV", "env");
    assert_string_equal(f->creds->session_token, "session");
    fx_set_env(f, "AWS_SECURITY_TOKEN", "security");
    fx_expect_key(f, "AKIDENV", "env");
    assert_string_equal(f->creds->session_token, "security");
}

static void
test_env_empty_values_are_unset(void **state)
{
    struct fx *f = *state;

    fx_write(f, "credentials", profiles_credentials);
    fx_set_env(f, "AWS_ACCESS_KEY_ID", "");
    fx_set_env(f, "AWS_SECRET_ACCESS_KEY", "senv");
    fx_expect_key(f, "AKIDDEFAULT", "shared-credentials-file");
    fx_set_env(f, "AWS_ACCESS_KEY_ID", "AKIDENV");
    fx_set_env(f, "AWS_SECRET_ACCESS_KEY", "senv");
    fx_set_env(f, "AWS_SECURITY_TOKEN", "");
    fx_set_env(f, "AWS_SESSION_TOKEN", "session");
    fx_expect_key(f, "AKIDENV", "env");
    assert_string_equal(f->creds->session_token, "session");
}

static void
test_env_partial(void **state)
{
    struct fx *f = *state;

    fx_write(f, "credentials", profiles_credentials);
    fx_set_env(f, "AWS_ACCESS_KEY_ID", "AKIDENV");
    fx_set_env(f, "AWS_SECRET_ACCESS_KEY", "");
    fx_expect_error(f, AWSCRED_ERR_PARTIAL,
                    "Partial credentials found in env, "
                    "missing: AWS_SECRET_ACCESS_KEY");
    assert_string_equal(f->err.provider, "env");
}

static void
test_env_expiration(void **state)
{
    struct fx *f = *state;

    fx_set_env(f, "AWS_ACCESS_KEY_ID", "AKIDENV");
    fx_set_env(f, "AWS_SECRET_ACCESS_KEY", "senv");
    fx_set_env(f, "AWS_CREDENTIAL_EXPIRATION", "2027-01-15T09:00:00Z");
    fx_expect_key(f, "AKIDENV", "env");
    assert_int_equal(f->creds->expiration, NOW + 3600);
    fx_set_env(f, "AWS_CREDENTIAL_EXPIRATION", "2027-01-15T07:59:59Z");
    fx_expect_error(f, AWSCRED_ERR_EXPIRED, "Credentials were refreshed, but "
                    "the refreshed credentials are still expired.");
    fx_set_env(f, "AWS_CREDENTIAL_EXPIRATION", "garbage");
    fx_expect_error(f, AWSCRED_ERR_INVALID_CONFIG,
                    "Unknown string format: garbage");
    fx_set_env(f, "AWS_CREDENTIAL_EXPIRATION", "");
    fx_expect_key(f, "AKIDENV", "env");
    assert_int_equal(f->creds->expiration, 0);
}

static void
test_explicit_profile_drops_env(void **state)
{
    struct fx *f = *state;

    fx_write(f, "credentials", profiles_credentials);
    fx_set_env(f, "AWS_ACCESS_KEY_ID", "AKIDENV");
    fx_set_env(f, "AWS_SECRET_ACCESS_KEY", "senv");
    fx_expect_key(f, "AKIDENV", "env");
    f->req.profile = "default";
    fx_expect_key(f, "AKIDDEFAULT", "shared-credentials-file");
    /* Partial env keys are not even looked at. */
    fx_set_env(f, "AWS_SECRET_ACCESS_KEY", "");
    fx_expect_key(f, "AKIDDEFAULT", "shared-credentials-file");
}

static void
test_env_account_id(void **state)
{
    struct fx *f = *state;

    fx_set_env(f, "AWS_ACCESS_KEY_ID", "AKIDENV");
    fx_set_env(f, "AWS_SECRET_ACCESS_KEY", "senv");
    fx_set_env(f, "AWS_ACCOUNT_ID", "123456789012");
    fx_expect_key(f, "AKIDENV", "env");
    assert_string_equal(f->creds->account_id, "123456789012");
}

/* ---- file providers ------------------------------------------------- */

static void
test_file_token_precedence(void **state)
{
    struct fx *f = *state;

    fx_write(f, "credentials", "[default]\naws_access_key_id = AK\n"
               "aws_secret_access_key = SK\naws_session_token = session\n"
               "aws_security_token = security\naws_account_id = 111\n");
    fx_expect_key(f, "AK", "shared-credentials-file");
    assert_string_equal(f->creds->session_token, "security");
    assert_string_equal(f->creds->account_id, "111");
}

static void
test_file_partial(void **state)
{
    struct fx *f = *state;

    fx_write(f, "credentials", "[default]\naws_access_key_id = AK\n");
    fx_expect_error(f, AWSCRED_ERR_PARTIAL, "Partial credentials found in "
                    "shared-credentials-file, missing: aws_secret_access_key");
    assert_non_null(strstr(f->err.where, "credentials:2"));
    fx_write(f, "credentials", "");
    fx_write(f, "config", "[default]\n\naws_access_key_id = AK\n");
    fx_expect_error(f, AWSCRED_ERR_PARTIAL, "Partial credentials found in "
                    "config-file, missing: aws_secret_access_key");
    assert_non_null(strstr(f->err.where, "config:3"));
}

static void
test_file_empty_values_count(void **state)
{
    struct fx *f = *state;

    /* In files presence counts, not emptiness (botocore "key in config"). */
    fx_write(f, "credentials", "[default]\naws_access_key_id = AK\n"
               "aws_secret_access_key =\naws_security_token =\n"
               "aws_session_token = session\n");
    fx_expect_key(f, "AK", "shared-credentials-file");
    assert_string_equal(f->creds->secret_access_key, "");
    assert_string_equal(f->creds->session_token, "");
}

static void
test_config_file_keys_and_order(void **state)
{
    struct fx *f = *state;

    fx_write(f, "config", "[profile dev]\naws_access_key_id = AKIDCFG\n"
               "aws_secret_access_key = scfg\n");
    f->req.profile = "dev";
    fx_expect_key(f, "AKIDCFG", "config-file");
    /* The credentials file's keys come first. */
    fx_write(f, "credentials", profiles_credentials);
    fx_expect_key(f, "AKIDDEV", "shared-credentials-file");
}

static void
test_credentials_section_is_raw(void **state)
{
    struct fx *f = *state;

    /* [profile dev] in the credentials file names "profile dev". */
    fx_write(f, "credentials", "[profile dev]\naws_access_key_id = AK\n"
               "aws_secret_access_key = SK\n");
    f->req.profile = "dev";
    fx_expect_error(f, AWSCRED_ERR_PROFILE_NOT_FOUND,
                    "The config profile (dev) could not be found");
    f->req.profile = "profile dev";
    fx_expect_key(f, "AK", "shared-credentials-file");
}

static void
test_long_token_round_trips(void **state)
{
    struct fx *f = *state;
    char token[4097], text[4300];

    for (size_t i = 0; i < sizeof(token) - 1; i++)
        token[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/="
            [i % 55];
    token[sizeof(token) - 1] = '\0';
    snprintf(text, sizeof(text), "[default]\naws_access_key_id = AK\n"
             "aws_secret_access_key = SK\naws_session_token = %s\n", token);
    fx_write(f, "credentials", text);
    fx_expect_key(f, "AK", "shared-credentials-file");
    assert_string_equal(f->creds->session_token, token);
}

static void
test_parse_error_stops(void **state)
{
    struct fx *f = *state;

    fx_write(f, "credentials", "[default]\n[default]\n");
    fx_set_env(f, "AWS_ACCESS_KEY_ID", "AKIDENV");
    fx_set_env(f, "AWS_SECRET_ACCESS_KEY", "senv");
    assert_int_equal(fx_resolve(f), AWSCRED_ERR_CONFIG_PARSE);
    assert_null(f->creds);
}

/* ---- region ---------------------------------------------------------- */

static void
test_region_order(void **state)
{
    struct fx *f = *state;

    fx_write(f, "config", "[default]\nregion = from-profile\n");
    fx_write(f, "credentials", profiles_credentials);
    fx_expect_key(f, "AKIDDEFAULT", "shared-credentials-file");
    assert_string_equal(f->creds->region, "from-profile");
    fx_set_env(f, "AWS_DEFAULT_REGION", "from-default-region");
    fx_expect_key(f, "AKIDDEFAULT", "shared-credentials-file");
    assert_string_equal(f->creds->region, "from-default-region");
    fx_set_env(f, "AWS_REGION", "from-region");
    fx_expect_key(f, "AKIDDEFAULT", "shared-credentials-file");
    assert_string_equal(f->creds->region, "from-region");
    f->req.region = "from-flag";
    fx_expect_key(f, "AKIDDEFAULT", "shared-credentials-file");
    assert_string_equal(f->creds->region, "from-flag");
}

static void
test_region_from_credentials_file(void **state)
{
    struct fx *f = *state;

    /* The credentials file overrides the config file key by key. */
    fx_write(f, "config", "[profile dev]\nregion = cfg-region\n");
    fx_write(f, "credentials", "[dev]\naws_access_key_id = AK\n"
               "aws_secret_access_key = SK\nregion = cred-region\n");
    f->req.profile = "dev";
    fx_expect_key(f, "AK", "shared-credentials-file");
    assert_string_equal(f->creds->region, "cred-region");
}

/* ---- describe -------------------------------------------------------- */

static void
test_describe(void **state)
{
    struct fx *f = *state;
    struct awscred_settings s;

    fx_write(f, "config", "[profile dev]\nregion = eu-west-1\n");
    fx_set_env(f, "AWS_PROFILE", "dev");
    assert_int_equal(awscred_describe(f->ctx, &f->req, &s, &f->err),
                     AWSCRED_OK);
    assert_string_equal(s.profile.value, "dev");
    assert_string_equal(s.profile.type, "env");
    assert_string_equal(s.profile.location,
                        "['AWS_PROFILE', 'AWS_DEFAULT_PROFILE']");
    assert_string_equal(s.region.value, "eu-west-1");
    assert_string_equal(s.region.type, "config-file");
    assert_string_equal(s.region.location, fx_env(f, "AWS_CONFIG_FILE"));
    awscred_settings_clear(&s);

    fx_set_env(f, "AWS_DEFAULT_REGION", "us-east-2");
    f->req.profile = "dev";
    assert_int_equal(awscred_describe(f->ctx, &f->req, &s, &f->err),
                     AWSCRED_OK);
    assert_string_equal(s.profile.type, "manual");
    assert_string_equal(s.profile.location, "--profile");
    assert_string_equal(s.region.value, "us-east-2");
    assert_string_equal(s.region.location,
                        "['AWS_REGION', 'AWS_DEFAULT_REGION']");
    awscred_settings_clear(&s);

    f->req.profile = "missing";
    assert_int_equal(awscred_describe(f->ctx, &f->req, &s, &f->err),
                     AWSCRED_ERR_PROFILE_NOT_FOUND);
    assert_string_equal(s.profile.value, "missing");
    assert_null(s.region.value);
    awscred_settings_clear(&s);
}

/* ---- source_profile and credential_source ----------------------------- */

static const char chain_config[] =
    "[profile top]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = mid\n"
    "[profile mid]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = top\n"
    "[profile self]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = self\n"
    "aws_access_key_id = AKSELF\naws_secret_access_key = sself\n"
    "[profile selfnokeys]\nrole_arn = arn:aws:iam::1:role/r\n"
    "source_profile = selfnokeys\n"
    "[profile keys]\naws_access_key_id = AKKEYS\n"
    "aws_secret_access_key = skeys\n"
    "[profile empty]\nregion = x\n";

static void
resolver_for(struct fx *f, struct resolver *r, const char *top)
{
    memset(r, 0, sizeof(*r));
    r->ctx = f->ctx;
    assert_int_equal(cfg_load(f->ctx, &r->cfg, &f->err), AWSCRED_OK);
    r->profile = top;
    r->visited[0] = top;
    r->nvisited = 1;
}

static enum provider_outcome
source(struct fx *f, const char *top, const char *src)
{
    struct resolver r;
    enum provider_outcome outcome;

    awscred_credentials_free(f->creds);
    f->creds = NULL;
    resolver_for(f, &r, top);
    outcome = resolve_source_profile(&r, src, &f->creds, &f->err);
    cfg_free(r.cfg);
    return outcome;
}

static void
test_source_profile_rules(void **state)
{
    struct fx *f = *state;

    fx_write(f, "config", chain_config);
    assert_int_equal(source(f, "top", "keys"), PROVIDER_FOUND);
    assert_string_equal(f->creds->access_key_id, "AKKEYS");
    assert_string_equal(f->creds->method, "config-file");

    assert_int_equal(source(f, "top", "nothere"), PROVIDER_FAILED);
    assert_string_equal(f->err.message, "The source_profile \"nothere\" "
                        "referenced in the profile \"top\" does not exist.");

    assert_int_equal(source(f, "self", "self"), PROVIDER_FOUND);
    assert_string_equal(f->creds->access_key_id, "AKSELF");

    assert_int_equal(source(f, "selfnokeys", "selfnokeys"), PROVIDER_FAILED);
    assert_int_equal(f->err.status, AWSCRED_ERR_LOOP);
    assert_string_equal(f->err.message, "Infinite loop in credential "
                        "configuration detected. Attempting to load from "
                        "profile selfnokeys which has already been visited. "
                        "Visited profiles: ['selfnokeys']");

    assert_int_equal(source(f, "top", "empty"), PROVIDER_FAILED);
    assert_string_equal(f->err.message,
                        "The source profile \"empty\" must have credentials.");
}

static void
test_source_profile_cycle(void **state)
{
    struct fx *f = *state;
    struct resolver r;

    fx_write(f, "config", chain_config);
    resolver_for(f, &r, "top");
    r.visited[r.nvisited++] = "mid";
    assert_int_equal(resolve_source_profile(&r, "top", &f->creds, &f->err),
                     PROVIDER_FAILED);
    assert_string_equal(f->err.message, "Infinite loop in credential "
                        "configuration detected. Attempting to load from "
                        "profile top which has already been visited. "
                        "Visited profiles: ['top', 'mid']");
    cfg_free(r.cfg);
}

static void
test_credential_source(void **state)
{
    struct fx *f = *state;
    struct resolver r;

    fx_write(f, "config", chain_config);
    resolver_for(f, &r, "top");
    assert_int_equal(resolve_credential_source(&r, "top", "environment",
                                               &f->creds, &f->err),
                     PROVIDER_FAILED);
    assert_string_equal(f->err.message, "The credential source "
                        "\"environment\" referenced in profile \"top\" is "
                        "not valid.");
    assert_int_equal(resolve_credential_source(&r, "top", "Environment",
                                               &f->creds, &f->err),
                     PROVIDER_FAILED);
    assert_string_equal(f->err.message, "Error when retrieving credentials "
                        "from Environment: No credentials found in "
                        "credential_source referenced in profile top");
    /* The environment provider works here even with --profile. */
    r.profile_explicit = true;
    fx_set_env(f, "AWS_ACCESS_KEY_ID", "AKIDENV");
    fx_set_env(f, "AWS_SECRET_ACCESS_KEY", "senv");
    assert_int_equal(resolve_credential_source(&r, "top", "Environment",
                                               &f->creds, &f->err),
                     PROVIDER_FOUND);
    assert_string_equal(f->creds->access_key_id, "AKIDENV");
    assert_string_equal(f->creds->method, "env");
    cfg_free(r.cfg);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, fx_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_default_profile),
        T(test_legacy_providers_need_the_flag),
        T(test_profile_env_order),
        T(test_missing_profile_with_env_keys),
        T(test_named_default_must_exist),
        T(test_empty_aws_profile_is_a_name),
        T(test_profile_only_in_config),
        T(test_env_keys_and_token_precedence),
        T(test_env_empty_values_are_unset),
        T(test_env_partial),
        T(test_env_expiration),
        T(test_explicit_profile_drops_env),
        T(test_env_account_id),
        T(test_file_token_precedence),
        T(test_file_partial),
        T(test_file_empty_values_count),
        T(test_config_file_keys_and_order),
        T(test_credentials_section_is_raw),
        T(test_long_token_round_trips),
        T(test_parse_error_stops),
        T(test_region_order),
        T(test_region_from_credentials_file),
        T(test_describe),
        T(test_source_profile_rules),
        T(test_source_profile_cycle),
        T(test_credential_source),
    };

    return cmocka_run_group_tests_name("resolve", tests, NULL, NULL);
}
