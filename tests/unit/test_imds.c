/*
 * test_imds: EC2 instance metadata credentials through awscred_resolve
 * against the loopback fault server acting as IMDS: the IMDSv2 token
 * dance, the v1 fallback rules, ec2_metadata_v1_disabled, attempts and
 * timeouts, unusable answers, the stale-credential extension, endpoint
 * settings, and the switches that turn IMDS off.
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"

#define CREDS_JSON \
    "{\"Code\": \"Success\", \"AccessKeyId\": \"AKIDIMDS\", " \
    "\"SecretAccessKey\": \"isecret\", \"Token\": \"itoken\", " \
    "\"Expiration\": \"2099-01-01T00:00:00Z\"}"
#define CREDS_PATH "/latest/meta-data/iam/security-credentials/"

static int
setup(void **state)
{
    struct fx *t = fx_new(true);

    if (t == NULL)
        return -1;
    fx_set_envf(t, "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                "http://127.0.0.1:%d/", t->fs.port);
    awscred_context_set_flags(t->ctx, 0);
    *state = t;
    return 0;
}

/* An IMDS: token (a response list for PUT), then role and credentials,
   which require the token unless v1 is allowed. */
static void
script_imds(struct fx *t, const char *token_responses, bool v1,
            const char *creds_responses)
{
    char json[8192];

    snprintf(json, sizeof json,
             "{\"routes\": ["
             "{\"method\": \"PUT\", \"path\": \"/latest/api/token\", "
             " \"headers\": {\"x-aws-ec2-metadata-token-ttl-seconds\": "
             "\"21600\"}, \"responses\": [%s]},"
             "{\"method\": \"GET\", \"path\": \"" CREDS_PATH "\", "
             " \"headers\": {\"x-aws-ec2-metadata-token\": %s}, "
             " \"response\": {\"body\": \"role1\"}},"
             "{\"method\": \"GET\", \"path\": \"" CREDS_PATH "role1\", "
             " \"headers\": {\"x-aws-ec2-metadata-token\": %s}, "
             " \"responses\": [%s]}],"
             " \"default\": {\"status\": 401}}",
             token_responses, v1 ? "null" : "\"TOKEN\"",
             v1 ? "null" : "\"TOKEN\"", creds_responses);
    fault_server_script(&t->fs, json);
}

static void
expect_imds_key(struct fx *t)
{
    fx_expect_key(t, "AKIDIMDS", "iam-role");
    assert_string_equal(t->creds->secret_access_key, "isecret");
    assert_string_equal(t->creds->session_token, "itoken");
}

static void
expect_none(struct fx *t)
{
    fx_expect_error(t, AWSCRED_ERR_NO_CREDENTIALS, NULL);
}

static void
test_v2(void **state)
{
    struct fx *t = *state;
    const char *log;

    script_imds(t, "{\"body\": \"TOKEN\"}", false,
                "{\"json\": " CREDS_JSON "}");
    expect_imds_key(t);
    log = fault_server_log(&t->fs);
    assert_int_equal(fault_server_requests(&t->fs), 3);
    assert_non_null(strstr(log, "\"method\": \"PUT\""));
}

/* 403, 404, 405 and a read timeout fall back to IMDSv1. */
static void
test_v1_fallback(void **state)
{
    struct fx *t = *state;
    static const char *const token[] = {
        "{\"status\": 403}", "{\"status\": 404}", "{\"status\": 405}",
        "{\"hang\": 5}",
    };

    for (size_t i = 0; i < 4; i++) {
        script_imds(t, token[i], true, "{\"json\": " CREDS_JSON "}");
        expect_imds_key(t);
        assert_int_equal(fault_server_requests(&t->fs), 3);
    }
}

/* 400 on the token: no credentials from IMDS, no GETs. */
static void
test_bad_request(void **state)
{
    struct fx *t = *state;

    script_imds(t, "{\"status\": 400}", true, "{\"json\": " CREDS_JSON "}");
    expect_none(t);
    assert_int_equal(fault_server_requests(&t->fs), 1);
}

static void
test_v1_disabled(void **state)
{
    struct fx *t = *state;

    script_imds(t, "{\"status\": 403}", true, "{\"json\": " CREDS_JSON "}");
    fx_set_env(t, "AWS_EC2_METADATA_V1_DISABLED", "TRUE");
    assert_int_equal(fx_resolve(t), AWSCRED_ERR_RETRIEVAL);
    assert_string_equal(t->err.message, "Error retrieving metadata: Unable to "
                        "retrieve token for use in IMDSv2 call and IMDSv1 "
                        "has been disabled");
    /* From the profile too; a token makes it irrelevant. */
    fx_set_env(t, "AWS_EC2_METADATA_V1_DISABLED", NULL);
    fx_set_env(t, "AWS_CONFIG_FILE", fx_write(t, "config",
               "[default]\nec2_metadata_v1_disabled = true\n"));
    assert_int_equal(fx_resolve(t), AWSCRED_ERR_RETRIEVAL);
    script_imds(t, "{\"body\": \"TOKEN\"}", false,
                "{\"json\": " CREDS_JSON "}");
    expect_imds_key(t);
}

static void
test_switched_off(void **state)
{
    struct fx *t = *state;

    script_imds(t, "{\"body\": \"TOKEN\"}", false,
                "{\"json\": " CREDS_JSON "}");
    fx_set_env(t, "AWS_EC2_METADATA_DISABLED", "True");
    expect_none(t);
    fx_set_env(t, "AWS_EC2_METADATA_DISABLED", "1");  /* not "true" */
    expect_imds_key(t);
    fx_set_env(t, "AWS_EC2_METADATA_DISABLED", NULL);
    awscred_context_set_flags(t->ctx, AWSCRED_FLAG_NO_IMDS);
    fault_server_script(&t->fs, "{\"routes\": []}");
    expect_none(t);
    assert_int_equal(fault_server_requests(&t->fs), 0);
}

/* metadata_service_num_attempts retries non-200, empty and non-JSON
   answers; with one attempt they mean no credentials. */
static void
test_attempts(void **state)
{
    struct fx *t = *state;
    const char *flaky = "{\"status\": 500}, {\"body\": \"\"}, "
                        "{\"body\": \"{not json\"}, {\"json\": " CREDS_JSON "}";

    script_imds(t, "{\"body\": \"TOKEN\"}", false, flaky);
    expect_none(t);
    fx_set_env(t, "AWS_METADATA_SERVICE_NUM_ATTEMPTS", "4");
    script_imds(t, "{\"body\": \"TOKEN\"}", false, flaky);
    expect_imds_key(t);
    assert_int_equal(fault_server_requests(&t->fs), 6);
    fx_set_env(t, "AWS_METADATA_SERVICE_NUM_ATTEMPTS", "two");
    assert_int_equal(fx_resolve(t), AWSCRED_ERR_INVALID_CONFIG);
    assert_string_equal(t->err.message, "invalid literal for int() with "
                        "base 10: 'two'");
    /* int() as Python has it: underscores between digits, a sign and
       white space around count (ten attempts) */
    fx_set_env(t, "AWS_METADATA_SERVICE_NUM_ATTEMPTS", " +1_0\v");
    script_imds(t, "{\"body\": \"TOKEN\"}", false, flaky);
    expect_imds_key(t);
}

/* Answers IMDS can give that are not credentials: the chain goes on. */
static void
test_unusable_answers(void **state)
{
    struct fx *t = *state;
    static const char *const answers[] = {
        "{\"json\": {\"Code\": \"AssumeRoleUnauthorizedAccess\", "
        "\"Message\": \"denied\"}}",
        "{\"json\": {\"AccessKeyId\": \"A\", \"SecretAccessKey\": \"s\", "
        "\"Expiration\": \"2099-01-01T00:00:00Z\"}}",
        "{\"json\": [1, 2]}",
        "{\"repeat\": {\"chunk\": \"x\", \"count\": 3000000}}",
        "{\"endless\": true}",
        "{\"json\": " CREDS_JSON ", \"trickle\": 0.2}",
        "{\"redirect\": \"http://127.0.0.1:1/\"}",
        "{\"close\": true}",
    };

    for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++) {
        script_imds(t, "{\"body\": \"TOKEN\"}", false, answers[i]);
        expect_none(t);
    }
}

static void
test_stale_extension(void **state)
{
    struct fx *t = *state;
    char creds[512], when[32];
    time_t now = time(NULL);

    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ",
             gmtime(&(time_t){now + 300}));
    snprintf(creds, sizeof creds, "{\"json\": {\"AccessKeyId\": \"AKIDIMDS\", "
             "\"SecretAccessKey\": \"isecret\", \"Token\": \"itoken\", "
             "\"Expiration\": \"%s\"}}", when);
    script_imds(t, "{\"body\": \"TOKEN\"}", false, creds);
    assert_int_equal(fx_resolve(t), AWSCRED_OK);
    /* now + 15 min + randint(120, 600) s */
    assert_true(t->creds->expiration >= now + 900 + 120);
    assert_true(t->creds->expiration <= time(NULL) + 900 + 600);
}

static void
test_endpoint_settings(void **state)
{
    struct fx *t = *state;

    script_imds(t, "{\"body\": \"TOKEN\"}", false,
                "{\"json\": " CREDS_JSON "}");
    /* No trailing slash: botocore inserts one. */
    fx_set_envf(t, "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                "http://127.0.0.1:%d", t->fs.port);
    expect_imds_key(t);
    fx_set_env(t, "AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://a b/");
    assert_int_equal(fx_resolve(t),
                     AWSCRED_ERR_INVALID_CONFIG);
    assert_string_equal(t->err.message, "Invalid endpoint EC2 Instance Metadata "
                        "endpoint: http://a b/");
    fx_set_env(t, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5");
    assert_int_equal(fx_resolve(t),
                     AWSCRED_ERR_INVALID_CONFIG);
    assert_string_equal(t->err.message, "Invalid EC2 Instance Metadata endpoint "
                        "mode: IPv5 Valid endpoint modes (case-insensitive): "
                        "('ipv4', 'ipv6').");
}

/* AWSCRED_FLAG_NO_FILE_ENDPOINTS (pam_awscred's user_endpoints=deny): the
   config file's ec2_metadata_service_endpoint is an error naming it; the
   environment's still applies. */
static void
test_file_endpoint_refused(void **state)
{
    struct fx *t = *state;
    char text[256];

    script_imds(t, "{\"body\": \"TOKEN\"}", false,
                "{\"json\": " CREDS_JSON "}");
    snprintf(text, sizeof text, "[default]\nec2_metadata_service_endpoint"
             " = http://127.0.0.1:%d/\n", t->fs.port);
    fx_set_envf(t, "AWS_CONFIG_FILE", "%s", fx_write(t, "config", text));
    fx_set_env(t, "AWS_EC2_METADATA_SERVICE_ENDPOINT", NULL);
    expect_imds_key(t);
    awscred_context_set_flags(t->ctx, AWSCRED_FLAG_NO_FILE_ENDPOINTS);
    assert_int_equal(fx_resolve(t),
                     AWSCRED_ERR_INVALID_CONFIG);
    assert_string_equal(t->err.message, "ec2_metadata_service_endpoint in"
                        " profile default is disabled by the administrator");
    assert_non_null(strstr(t->err.where, "/config:2"));
    fx_set_envf(t, "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                "http://127.0.0.1:%d/", t->fs.port);
    expect_imds_key(t);
}

/* An unreachable IMDS costs at most the timeout: the chain ends with "no
   credentials", as the CLI's does. */
static void
test_unreachable(void **state)
{
    struct fx *t = *state;

    fx_set_env(t, "AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:1/");
    expect_none(t);
    script_imds(t, "{\"hang\": -1}", true, "{\"hang\": -1}");
    fx_set_envf(t, "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                "http://127.0.0.1:%d/", t->fs.port);
    expect_none(t);
}

/* A network module that cannot be loaded is an installation fault, not an
   absent IMDS: the chain stops with an error naming the module. */
static void
test_network_module_missing(void **state)
{
    struct fx *t = *state;

    assert_int_equal(awscred_context_set_net_module(t->ctx,
                                                    "/nonexistent/net.so"), 0);
    assert_int_equal(fx_resolve(t),
                     AWSCRED_ERR_UNSUPPORTED);
    assert_null(t->creds);
    assert_non_null(strstr(t->err.message, "Cannot load the network module "
                                        "/nonexistent/net.so"));
    assert_string_equal(t->err.provider, "iam-role");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, fx_teardown)
        T(test_v2),
        T(test_v1_fallback),
        T(test_bad_request),
        T(test_v1_disabled),
        T(test_switched_off),
        T(test_attempts),
        T(test_unusable_answers),
        T(test_stale_extension),
        T(test_endpoint_settings),
        T(test_file_endpoint_refused),
        T(test_unreachable),
        T(test_network_module_missing),
#undef T
    };

    if (access("/usr/bin/python3", X_OK) != 0) {
        printf("1..0 # SKIP python3 is needed for the fault server\n");
        return 0;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
