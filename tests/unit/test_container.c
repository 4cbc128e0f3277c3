/*
 * test_container: container credentials through awscred_resolve against
 * the loopback fault server (tests/lib/fault_server.py): allowed hosts,
 * authorization token and token file, retries, and a misbehaving
 * endpoint (500, 401, bad JSON, hang, trickle, huge body, redirect).
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

#define CREDS_JSON \
    "{\"AccessKeyId\": \"AKIDCONTAINER\", \"SecretAccessKey\": \"csecret\", " \
    "\"Token\": \"ctoken\", \"Expiration\": \"2099-01-01T00:00:00Z\"}"

static int
setup(void **state)
{
    struct fx *t = fx_new(true);

    if (t == NULL)
        return -1;
    fx_set_envf(t, "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "http://127.0.0.1:%d/creds", t->fs.port);
    *state = t;
    return 0;
}

static void
script_creds(struct fx *f, const char *response)
{
    char json[4096];

    snprintf(json, sizeof json,
             "{\"routes\": [{\"path\": \"/creds\", \"responses\": [%s]}]}",
             response);
    fault_server_script(&f->fs, json);
}

static void
expect_ok(struct fx *f)
{
    fx_expect_key(f, "AKIDCONTAINER", "container-role");
    assert_string_equal(f->creds->secret_access_key, "csecret");
    assert_string_equal(f->creds->session_token, "ctoken");
    assert_int_equal(f->creds->expiration, 4070908800);
}

static void
expect_error(struct fx *f, enum awscred_status status,
             const char *message)
{
    fx_expect_error(f, status, message);
    assert_string_equal(f->err.provider, "container-role");
}

static void
test_ok_with_token(void **state)
{
    struct fx *f = *state;
    const char *log;

    script_creds(f, "{\"json\": " CREDS_JSON "}");
    fx_set_env(f, "AWS_CONTAINER_AUTHORIZATION_TOKEN", "Basic abc=");
    expect_ok(f);
    log = fault_server_log(&f->fs);
    assert_int_equal(fault_server_requests(&f->fs), 1);
    assert_non_null(strstr(log, "\"method\": \"GET\""));
    assert_non_null(strstr(log, "\"accept\": \"application/json\""));
    assert_non_null(strstr(log, "\"authorization\": \"Basic abc=\""));
}

/* D4.8 proxy variables in the process environment (libcurl reads them
   itself, behind the context's back): ignored, the request goes straight
   to the endpoint, not to the dead proxy. */
static void
test_process_proxy_ignored(void **state)
{
    static const char *const names[] = {"http_proxy", "HTTPS_PROXY",
                                        "ALL_PROXY", "all_proxy"};
    struct fx *f = *state;
    enum awscred_status status;
    size_t i;

    script_creds(f, "{\"json\": " CREDS_JSON "}");
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        setenv(names[i], "http://127.0.0.1:9/", 1);
    status = fx_resolve(f);
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        unsetenv(names[i]);
    if (status != AWSCRED_OK)
        fail_msg("resolve failed: %s", f->err.message);
    assert_int_equal(fault_server_requests(&f->fs), 1);
}

static void
test_token_file(void **state)
{
    struct fx *f = *state;
    char path[512];

    script_creds(f, "{\"json\": " CREDS_JSON "}");
    snprintf(path, sizeof path, "%s", fx_write(f, "token", "from-file"));
    fx_set_env(f, "AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-env");
    fx_set_env(f, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path);
    expect_ok(f);
    assert_non_null(strstr(fault_server_log(&f->fs),
                           "\"authorization\": \"from-file\""));
    /* Read raw, as botocore does: a trailing newline is refused. */
    fx_write(f, "token", "from-file\n");
    expect_error(f, AWSCRED_ERR_INVALID_CONFIG,
                 "Auth token value is not a legal header value");
    fx_set_env(f, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/nonexistent/t");
    /* Read while the provider loads: wrapped by the CLI (exit 253). */
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "[Errno 2] No such file or "
                 "directory: '/nonexistent/t'");
}

static void
test_token_env_with_newline(void **state)
{
    struct fx *f = *state;

    script_creds(f, "{\"json\": " CREDS_JSON "}");
    fx_set_env(f, "AWS_CONTAINER_AUTHORIZATION_TOKEN", "a\r\nX-Evil: 1");
    expect_error(f, AWSCRED_ERR_INVALID_CONFIG,
                 "Auth token value is not a legal header value");
    assert_int_equal(fault_server_requests(&f->fs), 0);
}

static void
test_allowed_hosts(void **state)
{
    struct fx *f = *state;
    char url[128];
    static const char *const refused[][2] = {
        {"http://10.0.0.1/creds", "10.0.0.1"},
        {"http://169.254.170.2@evil.example/x", "evil.example"},
        {"http://metadata.internal:80/", "metadata.internal"},
        {"http://127.0.0.01/", "127.0.0.01"},
        {"file:///etc/passwd", "None"},
        /* No authority: curl would read it as http to "evil.example"
           (fuzz_container_url regression-https-without-authority). */
        {"https:@evil.example", "None"},
    };

    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        char message[300];

        fx_set_env(f, "AWS_CONTAINER_CREDENTIALS_FULL_URI", refused[i][0]);
        snprintf(message, sizeof message, "Unsupported host '%s'.  Can only "
                 "retrieve metadata from a loopback address or one of these "
                 "hosts: 169.254.170.2, 169.254.170.23, fd00:ec2::23, "
                 "localhost", refused[i][1]);
        expect_error(f, AWSCRED_ERR_INVALID_CONFIG, message);
    }
    script_creds(f, "{\"json\": " CREDS_JSON "}");
    snprintf(url, sizeof url, "http://localhost:%d/creds", f->fs.port);
    fx_set_env(f, "AWS_CONTAINER_CREDENTIALS_FULL_URI", url);
    expect_ok(f);
    snprintf(url, sizeof url, "HTTP://user@127.0.0.1:%d/creds", f->fs.port);
    fx_set_env(f, "AWS_CONTAINER_CREDENTIALS_FULL_URI", url);
    expect_ok(f);
}

/* The relative URI wins and goes to 169.254.170.2 (unreachable here: the
   budget ends it). */
static void
test_relative_uri_wins(void **state)
{
    struct fx *f = *state;
    struct awscred_limits limits = {.total_timeout_ms = 300};

    awscred_context_set_limits(f->ctx, &limits);
    fx_set_env(f, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds?id=1");
    assert_int_not_equal(fx_resolve(f), AWSCRED_OK);
    assert_string_equal(f->err.where, "http://169.254.170.2/v2/creds?id=1");
    assert_int_equal(fault_server_requests(&f->fs), 0);
}

static void
test_retry_then_ok(void **state)
{
    struct fx *f = *state;

    script_creds(f, "{\"status\": 500, \"body\": \"busy\"}, "
                    "{\"body\": \"not json\"}, {\"json\": " CREDS_JSON "}");
    expect_ok(f);
    assert_int_equal(fault_server_requests(&f->fs), 3);
}

static void
test_401_three_times(void **state)
{
    struct fx *f = *state;

    script_creds(f, "{\"status\": 401, \"body\": \"denied\\u001b[2J\"}");
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "Error when retrieving credentials "
                 "from container-role: Error retrieving metadata: Received "
                 "non 200 response 401 from container metadata: "
                 "denied\\x1b[2J");
    assert_int_equal(fault_server_requests(&f->fs), 3);
}

static void
test_bad_json(void **state)
{
    struct fx *f = *state;

    script_creds(f, "{\"body\": \"{\\\"AccessKeyId\\\": \"}");
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "Error when retrieving credentials "
                 "from container-role: Error retrieving metadata: Unable to "
                 "parse JSON returned from container metadata services");
    script_creds(f, "{\"json\": {\"AccessKeyId\": \"A\", "
                    "\"SecretAccessKey\": \"s\"}}");
    expect_error(f, AWSCRED_ERR_RETRIEVAL, "Error when retrieving credentials "
                 "from container-role: Missing or invalid key in response: "
                 "'Token'");
}

/* Faults that end only by a timeout or a limit; the budget keeps the test
   short. Each must fail cleanly, never hang. */
static void
test_misbehaving_server(void **state)
{
    struct fx *f = *state;
    static const char *const faults[] = {
        "{\"hang\": -1}",
        "{\"json\": " CREDS_JSON ", \"trickle\": 0.5}",
        "{\"repeat\": {\"chunk\": \"x\", \"count\": 2000000}}",
        "{\"endless\": true}",
        "{\"close\": true}",
    };
    struct awscred_limits limits = {.total_timeout_ms = 2500};

    awscred_context_set_limits(f->ctx, &limits);
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        enum awscred_status st;

        script_creds(f, faults[i]);
        st = fx_resolve(f);
        if (st != AWSCRED_ERR_RETRIEVAL && st != AWSCRED_ERR_TIMEOUT)
            fail_msg("fault %s: status %d (%s)", faults[i], st, f->err.message);
        assert_null(f->creds);
        assert_string_equal(f->err.provider, "container-role");
    }
}

static void
test_redirect_not_followed(void **state)
{
    struct fx *f = *state;
    char json[512];

    snprintf(json, sizeof json,
             "{\"routes\": [{\"path\": \"/creds\", \"response\": "
             "{\"redirect\": \"http://127.0.0.1:%d/elsewhere\"}}, "
             "{\"path\": \"/elsewhere\", \"response\": {\"json\": "
             CREDS_JSON "}}]}", f->fs.port);
    fault_server_script(&f->fs, json);
    expect_error(f, AWSCRED_ERR_RETRIEVAL, NULL);
    assert_null(strstr(fault_server_log(&f->fs), "/elsewhere"));
}

static void
test_not_configured(void **state)
{
    struct fx *f = *state;

    fx_set_env(f, "AWS_CONTAINER_CREDENTIALS_FULL_URI", NULL);
    assert_int_equal(fx_resolve(f), AWSCRED_ERR_NO_CREDENTIALS);
    assert_int_equal(fault_server_requests(&f->fs), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, fx_teardown)
        T(test_ok_with_token),
        T(test_process_proxy_ignored),
        T(test_token_file),
        T(test_token_env_with_newline),
        T(test_allowed_hosts),
        T(test_relative_uri_wins),
        T(test_retry_then_ok),
        T(test_401_three_times),
        T(test_bad_json),
        T(test_misbehaving_server),
        T(test_redirect_not_followed),
        T(test_not_configured),
#undef T
    };

    if (access("/usr/bin/python3", X_OK) != 0) {
        printf("1..0 # SKIP python3 is needed for the fault server\n");
        return 0;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
