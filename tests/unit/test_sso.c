/*
 * test_sso: IAM Identity Center credentials through awscred_resolve, with
 * the portal and SSO-OIDC endpoints on the loopback fault server
 * (tests/lib/fault_server.py): the sso-session and legacy forms, the
 * CLI's configuration errors, the token cache and its refresh, the
 * role-credential cache shared with the AWS CLI (file names from
 * doc/credential-chain.md sections 4.2 and 4.3), a misbehaving
 * portal, and SSO as a source_profile.
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
#include <syslog.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "fixture.h"

#define START_URL "https://my-sso-portal.awsapps.com/start"
#define ACCOUNT "111122223333"
/* SHA-1 of "my-sso" and of START_URL (section 4.2). */
#define TOKEN_SESSION ".aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json"
#define TOKEN_LEGACY ".aws/sso/cache/c7aaaf71fcc8777ae2475525ed049d39fe16c484.json"
/* The role cache keys of ReadOnly in ACCOUNT (section 4.3). */
#define ROLE_SESSION ".aws/cli/cache/0521d1f6a6c4e68f9e18540309367cc3cccb6305.json"
#define ROLE_LEGACY ".aws/cli/cache/a86fc0ef036e01b9ff8f964ffab896b19c6ff372.json"

#define SESSION_CONFIG \
    "[profile dev]\n" \
    "sso_session = my-sso\n" \
    "sso_account_id = " ACCOUNT "\n" \
    "sso_role_name = ReadOnly\n" \
    "region = eu-west-1\n" \
    "[sso-session my-sso]\n" \
    "sso_start_url = " START_URL "\n" \
    "sso_region = us-east-1\n" \
    "sso_registration_scopes = sso:account:access\n"

#define LEGACY_CONFIG \
    "[profile old]\n" \
    "sso_start_url = " START_URL "\n" \
    "sso_region = us-east-1\n" \
    "sso_account_id = " ACCOUNT "\n" \
    "sso_role_name = ReadOnly\n"

#define UNAUTHORIZED \
    "The SSO session associated with this profile has expired or is " \
    "otherwise invalid. To refresh this SSO session run aws sso login " \
    "with the corresponding profile."

static int
setup(void **state)
{
    struct fx *t = fx_new(true);

    if (t == NULL)
        return -1;
    fx_set_envf(t, "AWS_ENDPOINT_URL_SSO", "http://127.0.0.1:%d",
                t->fs.port);
    fx_set_envf(t, "AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:%d/",
                t->fs.port);
    *state = t;
    return 0;
}

/* ---- Fixtures ---------------------------------------------------------- */

static void
config(struct fx *t, const char *text)
{
    fx_set_envf(t, "AWS_CONFIG_FILE", "%s", fx_write(t, "config", text));
}

static const char *
iso_at(time_t when)
{
    static char buf[4][32];
    static int i;
    struct tm tm;

    i = (i + 1) % 4;
    gmtime_r(&when, &tm);
    strftime(buf[i], sizeof buf[i], "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf[i];
}

/* A token file as `aws sso login` writes it, expiring in `left` s, with
   extra members (or ""). */
static void
token(struct fx *t, const char *rel, const char *access, long left,
      const char *extra)
{
    char json[2048];

    snprintf(json, sizeof json,
             "{\"startUrl\": \"" START_URL "\", \"region\": \"us-east-1\", "
             "\"accessToken\": \"%s\", \"expiresAt\": \"%s\"%s}",
             access, iso_at(time(NULL) + left), extra);
    fx_write(t, rel, json);
}

/* What a refreshable token file also holds. */
static const char *
registration(long left)
{
    static char buf[512];

    snprintf(buf, sizeof buf,
             ", \"clientId\": \"cid\", \"clientSecret\": \"csecret\", "
             "\"registrationExpiresAt\": \"%s\", \"refreshToken\": \"rt-1\", "
             "\"receivedAt\": \"2020-01-01T00:00:00Z\"",
             iso_at(time(NULL) + left));
    return buf;
}

/* A GetRoleCredentials reply expiring in `left` s. */
static const char *
role_reply(long left)
{
    static char buf[512];

    snprintf(buf, sizeof buf,
             "{\"json\": {\"roleCredentials\": {\"accessKeyId\": \"ASIASSO\", "
             "\"secretAccessKey\": \"ssosecret\", \"sessionToken\": "
             "\"ssotoken\", \"expiration\": %lld000}}}",
             (long long) time(NULL) + left);
    return buf;
}

/* Portal and OIDC routes; NULL: that route is absent (404). */
static void
script(struct fx *t, const char *portal, const char *oidc)
{
    char json[8192];
    int n;

    n = snprintf(json, sizeof json, "{\"routes\": [");
    if (portal != NULL)
        n += snprintf(json + n, sizeof json - (size_t) n,
                      "{\"method\": \"GET\", \"path\": "
                      "\"/federation/credentials\", \"responses\": [%s]}%s",
                      portal, oidc != NULL ? ", " : "");
    if (oidc != NULL)
        n += snprintf(json + n, sizeof json - (size_t) n,
                      "{\"method\": \"POST\", \"path\": \"/token\", "
                      "\"responses\": [%s]}", oidc);
    snprintf(json + n, sizeof json - (size_t) n, "]}");
    fault_server_script(&t->fs, json);
}

static char *
slurp(struct fx *t, const char *rel)
{
    char path[512];
    FILE *f;
    char *buf = calloc(1, 65536);

    snprintf(path, sizeof path, "%s/%s", t->tmp, rel);
    f = fopen(path, "re");
    if (f == NULL || buf == NULL) {
        if (f != NULL)
            fclose(f);
        free(buf);
        return NULL;
    }
    if (fread(buf, 1, 65535, f) == 0)
        buf[0] = '\0';
    fclose(f);
    return buf;
}

static void
remove_file(struct fx *t, const char *rel)
{
    char path[512];

    snprintf(path, sizeof path, "%s/%s", t->tmp, rel);
    unlink(path);
}

static int
file_mode(struct fx *t, const char *rel)
{
    char path[512];
    struct stat st;

    snprintf(path, sizeof path, "%s/%s", t->tmp, rel);
    return stat(path, &st) == 0 ? (int) (st.st_mode & 07777) : -1;
}

static void
expect_ok(struct fx *t, const char *profile, const char *akid)
{
    t->req.profile = profile;
    fx_expect_key(t, akid, "sso");
    assert_string_equal(t->creds->account_id, ACCOUNT);
}

static void
expect_error(struct fx *t, const char *profile,
             enum awscred_status status, const char *message)
{
    t->req.profile = profile;
    fx_expect_error(t, status, message);
    if (status != AWSCRED_ERR_NO_CREDENTIALS)
        assert_string_equal(t->err.provider, "sso");
}

/* ---- Success ----------------------------------------------------------- */

static void
test_session_ok(void **state)
{
    struct fx *t = *state;
    const char *log;
    time_t now = time(NULL);

    config(t, SESSION_CONFIG);
    token(t, TOKEN_SESSION, "tok-1", 3600, "");
    script(t, role_reply(7200), NULL);
    t->req.profile = "dev";
    assert_int_equal(fx_resolve(t), AWSCRED_OK);
    assert_string_equal(t->creds->access_key_id, "ASIASSO");
    assert_string_equal(t->creds->secret_access_key, "ssosecret");
    assert_string_equal(t->creds->session_token, "ssotoken");
    assert_string_equal(t->creds->method, "sso");
    assert_string_equal(t->creds->account_id, ACCOUNT);
    assert_string_equal(t->creds->profile, "dev");
    assert_true(t->creds->expiration >= now + 7199 && t->creds->expiration <= now + 7260);
    log = fault_server_log(&t->fs);
    assert_int_equal(fault_server_requests(&t->fs), 1);
    assert_non_null(strstr(log, "\"query\": \"role_name=ReadOnly&account_id="
                                ACCOUNT "\""));
    assert_non_null(strstr(log, "\"x-amz-sso_bearer_token\": \"tok-1\""));
    assert_null(strstr(log, "\"authorization\""));
}

static void
test_legacy_ok(void **state)
{
    struct fx *t = *state;

    config(t, LEGACY_CONFIG);
    token(t, TOKEN_LEGACY, "tok-legacy", 3600, "");
    script(t, role_reply(7200), NULL);
    expect_ok(t, "old", "ASIASSO");
    assert_non_null(strstr(fault_server_log(&t->fs),
                           "\"x-amz-sso_bearer_token\": \"tok-legacy\""));
    assert_int_equal(file_mode(t, ROLE_LEGACY), 0600);
    assert_int_equal(file_mode(t, ROLE_SESSION), -1);
}

/* The role cache: the CLI's file name and content, reused while 15 min
   are left, and entries the AWS CLI wrote are read too. */
static void
test_role_cache(void **state)
{
    struct fx *t = *state;
    cJSON *doc;
    const cJSON *creds;
    char *text;
    char cli_entry[512];

    config(t, SESSION_CONFIG);
    token(t, TOKEN_SESSION, "tok-1", 3600, "");
    script(t, role_reply(7200), NULL);
    expect_ok(t, "dev", "ASIASSO");
    assert_int_equal(file_mode(t, ROLE_SESSION), 0600);
    text = slurp(t, ROLE_SESSION);
    assert_non_null(text);
    doc = json_parse(t->ctx, text, strlen(text), "cache", NULL);
    assert_non_null(doc);
    assert_string_equal(json_get_string(doc, "ProviderType"), "sso");
    creds = json_get(doc, "Credentials");
    assert_string_equal(json_get_string(creds, "AccessKeyId"), "ASIASSO");
    assert_string_equal(json_get_string(creds, "SecretAccessKey"),
                        "ssosecret");
    assert_string_equal(json_get_string(creds, "SessionToken"), "ssotoken");
    assert_string_equal(json_get_string(creds, "AccountId"), ACCOUNT);
    /* %Y-%m-%dT%H:%M:%SZ */
    assert_int_equal(strlen(json_get_string(creds, "Expiration")), 20);
    assert_int_equal(json_get_string(creds, "Expiration")[19], 'Z');
    json_free(doc);
    free(text);

    /* Reused: no token needed, no request. */
    remove_file(t, TOKEN_SESSION);
    script(t, role_reply(7200), NULL);
    expect_ok(t, "dev", "ASIASSO");
    assert_int_equal(fault_server_requests(&t->fs), 0);

    /* As Debian's CLI 2.9 writes it: spaces, no AccountId. */
    snprintf(cli_entry, sizeof cli_entry,
             "{\"ProviderType\": \"sso\", \"Credentials\": {\"AccessKeyId\": "
             "\"ASIAFROMCLI\", \"SecretAccessKey\": \"s\", \"SessionToken\": "
             "\"t\", \"Expiration\": \"%s\"}}", iso_at(time(NULL) + 3600));
    fx_write(t, ROLE_SESSION, cli_entry);
    expect_ok(t, "dev", "ASIAFROMCLI");
    assert_int_equal(fault_server_requests(&t->fs), 0);

    /* 14 min left: fetched again (and the token is needed again). */
    snprintf(cli_entry, sizeof cli_entry,
             "{\"ProviderType\": \"sso\", \"Credentials\": {\"AccessKeyId\": "
             "\"ASIAOLD\", \"SecretAccessKey\": \"s\", \"SessionToken\": "
             "\"t\", \"Expiration\": \"%s\"}}", iso_at(time(NULL) + 840));
    fx_write(t, ROLE_SESSION, cli_entry);
    token(t, TOKEN_SESSION, "tok-1", 3600, "");
    expect_ok(t, "dev", "ASIASSO");
    assert_int_equal(fault_server_requests(&t->fs), 1);
}

static void
test_no_cache_write(void **state)
{
    struct fx *t = *state;

    awscred_context_set_flags(t->ctx, AWSCRED_FLAG_NO_IMDS
                                          | AWSCRED_FLAG_NO_CACHE_WRITE);
    config(t, SESSION_CONFIG);
    token(t, TOKEN_SESSION, "tok-1", 3600, "");
    script(t, role_reply(7200), NULL);
    expect_ok(t, "dev", "ASIASSO");
    assert_int_equal(file_mode(t, ROLE_SESSION), -1);
}

/* Configured endpoints ([services]), URL-encoding, the default host. */
static void
test_endpoints(void **state)
{
    struct fx *t = *state;
    char text[1024];

    snprintf(text, sizeof text,
             "[profile odd]\n"
             "sso_start_url = " START_URL "\n"
             "sso_region = eu-central-1\n"
             "sso_account_id = 1234 5678\n"
             "sso_role_name = Read/Only+x&y\n"
             "services = local\n"
             "[services local]\n"
             "sso =\n"
             "  endpoint_url = http://127.0.0.1:%d/base/\n", t->fs.port);
    config(t, text);
    fx_set_env(t, "AWS_ENDPOINT_URL_SSO", NULL);
    token(t, TOKEN_LEGACY, "tok-1", 3600, "");
    fault_server_script(&t->fs, "{\"routes\": [{\"prefix\": \"/base/\", "
                        "\"response\": {\"status\": 403}}]}");
    expect_error(t, "odd", AWSCRED_ERR_SERVICE, NULL);
    assert_non_null(strstr(fault_server_log(&t->fs),
                           "\"path\": \"/base/federation/credentials\", "
                           "\"query\": \"role_name=Read%2FOnly%2Bx%26y&"
                           "account_id=1234%205678\""));

    /* No configured endpoint: the regional host (not reached here). */
    config(t, LEGACY_CONFIG);
    awscred_context_set_flags(t->ctx, AWSCRED_FLAG_NO_IMDS
                                          | AWSCRED_FLAG_NO_NETWORK);
    expect_error(t, "old", AWSCRED_ERR_UNSUPPORTED,
                 "Network access is disabled; cannot reach "
                 "https://portal.sso.us-east-1.amazonaws.com/federation/"
                 "credentials?role_name=ReadOnly&account_id=" ACCOUNT);
    config(t, "[profile old]\nsso_start_url = " START_URL "\n"
              "sso_region = us-east-1.evil.example/x?\n"
              "sso_account_id = 1\nsso_role_name = r\n");
    expect_error(t, "old", AWSCRED_ERR_INVALID_CONFIG,
                 "Provided region_name 'us-east-1.evil.example/x?' doesn't "
                 "match a supported format.");
}

/* ---- Configuration errors --------------------------------------------- */

static void
test_missing_config(void **state)
{
    struct fx *t = *state;

    config(t, "[profile dev]\nsso_account_id = " ACCOUNT "\n");
    expect_error(t, "dev", AWSCRED_ERR_INVALID_CONFIG,
                 "The profile \"dev\" is configured to use SSO but is "
                 "missing required configuration: sso_role_name, "
                 "sso_start_url, sso_region");
    config(t, "[profile dev]\nsso_role_name = r\nsso_session = s\n"
              "[sso-session s]\nsso_region = us-east-1\n");
    expect_error(t, "dev", AWSCRED_ERR_INVALID_CONFIG,
                 "The profile \"dev\" is configured to use SSO but is "
                 "missing required configuration: sso_account_id, "
                 "sso_start_url");
    /* Only the two role keys trigger the provider. */
    config(t, "[profile dev]\nsso_start_url = " START_URL "\n"
              "sso_region = us-east-1\n");
    expect_error(t, "dev", AWSCRED_ERR_NO_CREDENTIALS, NULL);
}

static void
test_session_errors(void **state)
{
    struct fx *t = *state;

    config(t, "[profile dev]\nsso_session = nope\nsso_account_id = 1\n"
              "sso_role_name = r\n");
    expect_error(t, "dev", AWSCRED_ERR_INVALID_CONFIG,
                 "The specified sso-session does not exist: \"nope\"");
    config(t, "[profile dev]\nsso_session = my-sso\nsso_account_id = 1\n"
              "sso_role_name = r\nsso_region = us-west-2\n"
              "[sso-session my-sso]\nsso_start_url = " START_URL "\n"
              "sso_region = us-east-1\n");
    expect_error(t, "dev", AWSCRED_ERR_INVALID_CONFIG,
                 "The value for sso_region is inconsistent between profile "
                 "(us-west-2) and sso-session (us-east-1).");
    /* The same value in both is fine; a key only in the session counts. */
    config(t, "[profile dev]\nsso_session = my-sso\nsso_role_name = ReadOnly\n"
              "sso_region = us-east-1\n"
              "[sso-session my-sso]\nsso_start_url = " START_URL "\n"
              "sso_region = us-east-1\nsso_account_id = " ACCOUNT "\n");
    token(t, TOKEN_SESSION, "tok-1", 3600, "");
    script(t, role_reply(7200), NULL);
    expect_ok(t, "dev", "ASIASSO");
    /* The token provider wants the session itself to name both. */
    config(t, "[profile dev]\nsso_session = my-sso\nsso_role_name = R\n"
              "sso_account_id = 1\nsso_region = us-east-1\n"
              "sso_start_url = " START_URL "\n"
              "[sso-session my-sso]\nsso_registration_scopes = x\n");
    expect_error(t, "dev", AWSCRED_ERR_INVALID_CONFIG,
                 "The profile \"dev\" is configured to use the SSO token "
                 "provider but is missing the following configuration: "
                 "['sso_start_url', 'sso_region'].");
}

/* ---- The token --------------------------------------------------------- */

static void
test_token_missing_or_invalid(void **state)
{
    struct fx *t = *state;
    char path[512];

    script(t, role_reply(7200), NULL);
    config(t, SESSION_CONFIG);
    expect_error(t, "dev", AWSCRED_ERR_SSO_TOKEN,
                 "Error loading SSO Token: Token for my-sso does not exist");
    config(t, LEGACY_CONFIG);
    expect_error(t, "old", AWSCRED_ERR_SSO_TOKEN,
                 "Error loading SSO Token: Token for " START_URL
                 " does not exist");
    fx_write(t, TOKEN_LEGACY, "{\"accessToken\": \"x\"}");
    t->req.profile = "old";
    assert_int_equal(fx_resolve(t),
                     AWSCRED_ERR_SSO_TOKEN);
    assert_string_equal(t->err.message, "Error loading SSO Token: Token for "
                        START_URL " is invalid");
    snprintf(path, sizeof path, "%s/" TOKEN_LEGACY, t->tmp);
    assert_string_equal(t->err.where, path);
    fx_write(t, TOKEN_LEGACY, "{not json");
    expect_error(t, "old", AWSCRED_ERR_SSO_TOKEN, NULL);
    /* A token that would inject a header. */
    token(t, TOKEN_LEGACY, "a\\r\\nX-Evil: 1", 3600, "");
    expect_error(t, "old", AWSCRED_ERR_SSO_TOKEN, NULL);
    assert_int_equal(fault_server_requests(&t->fs), 0);
}

static void
test_token_expired(void **state)
{
    struct fx *t = *state;

    script(t, role_reply(7200), "{\"status\": 500}");
    /* Legacy: refused locally, as current botocore does. */
    config(t, LEGACY_CONFIG);
    token(t, TOKEN_LEGACY, "tok-1", -10, registration(86400));
    expect_error(t, "old", AWSCRED_ERR_SSO_TOKEN, UNAUTHORIZED);
    /* sso-session without what a refresh needs. */
    config(t, SESSION_CONFIG);
    token(t, TOKEN_SESSION, "tok-1", -10, "");
    expect_error(t, "dev", AWSCRED_ERR_SSO_TOKEN,
                 "Error when retrieving token from sso: Token has expired "
                 "and refresh failed");
    assert_int_equal(fault_server_requests(&t->fs), 0);
}

static void
test_refresh_ok(void **state)
{
    struct fx *t = *state;
    cJSON *doc;
    char *text;
    int64_t expires;
    const char *log;

    config(t, SESSION_CONFIG);
    token(t, TOKEN_SESSION, "tok-1", 300, registration(86400));
    script(t, role_reply(7200),
           "{\"json\": {\"accessToken\": \"tok-2\", \"expiresIn\": 28800, "
           "\"refreshToken\": \"rt-2\", \"tokenType\": \"Bearer\"}}");
    expect_ok(t, "dev", "ASIASSO");
    log = fault_server_log(&t->fs);
    assert_int_equal(fault_server_requests(&t->fs), 2);
    assert_non_null(strstr(log, "\"path\": \"/token\""));
    assert_non_null(strstr(log, "\"content-type\": \"application/json\""));
    assert_non_null(strstr(log, "\\\"grantType\\\":\\\"refresh_token\\\""));
    assert_non_null(strstr(log, "\\\"refreshToken\\\":\\\"rt-1\\\""));
    assert_non_null(strstr(log, "\\\"clientId\\\":\\\"cid\\\""));
    assert_non_null(strstr(log, "\\\"clientSecret\\\":\\\"csecret\\\""));
    assert_non_null(strstr(log, "\"x-amz-sso_bearer_token\": \"tok-2\""));

    /* Rewritten atomically, 0600, other members kept. */
    assert_int_equal(file_mode(t, TOKEN_SESSION), 0600);
    text = slurp(t, TOKEN_SESSION);
    doc = json_parse(t->ctx, text, strlen(text), "token", NULL);
    assert_non_null(doc);
    assert_string_equal(json_get_string(doc, "accessToken"), "tok-2");
    assert_string_equal(json_get_string(doc, "refreshToken"), "rt-2");
    assert_string_equal(json_get_string(doc, "clientId"), "cid");
    assert_string_equal(json_get_string(doc, "clientSecret"), "csecret");
    assert_string_equal(json_get_string(doc, "startUrl"), START_URL);
    assert_string_equal(json_get_string(doc, "region"), "us-east-1");
    assert_string_equal(json_get_string(doc, "receivedAt"),
                        "2020-01-01T00:00:00Z");
    assert_int_equal(strlen(json_get_string(doc, "expiresAt")), 20);
    assert_int_equal(time_parse_iso8601(json_get_string(doc, "expiresAt"),
                                        &expires), 0);
    assert_true(expires >= time(NULL) + 28700 && expires <= time(NULL) + 28800);
    json_free(doc);
    free(text);

    /* The new token is good for hours: no refresh next time. */
    remove_file(t, ROLE_SESSION);
    script(t, role_reply(7200), "{\"status\": 500}");
    expect_ok(t, "dev", "ASIASSO");
    assert_int_equal(fault_server_requests(&t->fs), 1);
}

/* Keeps the last LOG_WARNING message in arg (256 bytes). */
static void
keep_warning(void *arg, int priority, const char *message)
{
    if (priority == LOG_WARNING)
        snprintf(arg, 256, "%s", message);
}

static void
test_refresh_failures(void **state)
{
    struct fx *t = *state;
    char *before, *after, warning[256] = "";

    config(t, SESSION_CONFIG);
    /* Refused (400): the old token is still good for 5 min, and is used
       with a warning. */
    token(t, TOKEN_SESSION, "tok-1", 300, registration(86400));
    before = slurp(t, TOKEN_SESSION);
    script(t, role_reply(7200), "{\"status\": 400, \"json\": {\"error\": "
           "\"invalid_grant\", \"error_description\": \"no\"}}");
    awscred_context_set_log(t->ctx, keep_warning, warning);
    expect_ok(t, "dev", "ASIASSO");
    awscred_context_set_log(t->ctx, NULL, NULL);
    if (strncmp(warning, "SSO token refresh failed: ", 26) != 0)
        fail_msg("no refresh warning; last warning: \"%s\"", warning);
    assert_non_null(strstr(fault_server_log(&t->fs),
                           "\"x-amz-sso_bearer_token\": \"tok-1\""));
    after = slurp(t, TOKEN_SESSION);
    assert_string_equal(before, after);
    free(before);
    free(after);

    /* Bad reply: same. */
    remove_file(t, ROLE_SESSION);
    script(t, role_reply(7200), "{\"json\": {\"accessToken\": 5}}");
    expect_ok(t, "dev", "ASIASSO");

    /* Expired and the refresh fails. */
    remove_file(t, ROLE_SESSION);
    token(t, TOKEN_SESSION, "tok-1", -10, registration(86400));
    script(t, role_reply(7200), "{\"status\": 500}");
    expect_error(t, "dev", AWSCRED_ERR_SSO_TOKEN,
                 "Error when retrieving token from sso: Token has expired "
                 "and refresh failed");
    assert_int_equal(fault_server_requests(&t->fs), 3); /* retried 5xx */

    /* Registration expired: no attempt. */
    token(t, TOKEN_SESSION, "tok-1", 300, registration(-10));
    script(t, role_reply(7200), "{\"status\": 500}");
    expect_ok(t, "dev", "ASIASSO");
    assert_null(strstr(fault_server_log(&t->fs), "/token"));

    /* OIDC unreachable: a valid token is kept; with an expired one the
       transport error comes through, as in botocore. */
    remove_file(t, ROLE_SESSION);
    fx_set_env(t, "AWS_ENDPOINT_URL_SSO_OIDC", "http://127.0.0.1:1");
    token(t, TOKEN_SESSION, "tok-1", 300, registration(86400));
    expect_ok(t, "dev", "ASIASSO");
    remove_file(t, ROLE_SESSION);
    token(t, TOKEN_SESSION, "tok-1", -10, registration(86400));
    expect_error(t, "dev", AWSCRED_ERR_NETWORK, NULL);

    /* Legacy tokens are never refreshed. */
    config(t, LEGACY_CONFIG);
    token(t, TOKEN_LEGACY, "tok-1", 300, registration(86400));
    script(t, role_reply(7200), "{\"status\": 500}");
    expect_ok(t, "old", "ASIASSO");
    assert_null(strstr(fault_server_log(&t->fs), "/token"));
}

/* Without cache writes a refresh would lose the rotated refresh token. */
static void
test_refresh_needs_cache_write(void **state)
{
    struct fx *t = *state;

    awscred_context_set_flags(t->ctx, AWSCRED_FLAG_NO_IMDS
                                          | AWSCRED_FLAG_NO_CACHE_WRITE);
    config(t, SESSION_CONFIG);
    token(t, TOKEN_SESSION, "tok-1", 300, registration(86400));
    script(t, role_reply(7200), "{\"json\": {\"accessToken\": \"tok-2\", "
           "\"expiresIn\": 3600}}");
    expect_ok(t, "dev", "ASIASSO");
    assert_null(strstr(fault_server_log(&t->fs), "/token"));
}

/* ---- A misbehaving portal ---------------------------------------------- */

static void
test_portal_errors(void **state)
{
    struct fx *t = *state;
    char url[256];

    config(t, SESSION_CONFIG);
    token(t, TOKEN_SESSION, "tok-1", 3600, "");
    snprintf(url, sizeof url, "http://127.0.0.1:%d/federation/credentials?"
             "role_name=ReadOnly&account_id=" ACCOUNT, t->fs.port);

    script(t, "{\"status\": 401, \"json\": {\"message\": \"Session token "
              "not found or invalid\"}}", NULL);
    t->req.profile = "dev";
    assert_int_equal(fx_resolve(t), AWSCRED_ERR_SSO_TOKEN);
    assert_string_equal(t->err.message, UNAUTHORIZED);
    assert_string_equal(t->err.where, url);
    assert_int_equal(fault_server_requests(&t->fs), 1);

    script(t, "{\"status\": 500}", NULL);
    t->req.profile = "dev";
    assert_int_equal(fx_resolve(t), AWSCRED_ERR_SERVICE);
    assert_string_equal(t->err.message, "An error occurred (500) when calling "
                        "the GetRoleCredentials operation (reached max "
                        "retries: 2): Internal Server Error");
    assert_string_equal(t->err.where, url);
    assert_int_equal(fault_server_requests(&t->fs), 3);

    script(t, "{\"status\": 503, \"body\": \"busy\"}, "
              "{\"status\": 200, \"json\": {\"roleCredentials\": "
              "{\"accessKeyId\": \"ASIARETRY\", \"secretAccessKey\": \"s\", "
              "\"sessionToken\": \"t\", \"expiration\": 4102444800000}}}",
           NULL);
    expect_ok(t, "dev", "ASIARETRY");
    remove_file(t, ROLE_SESSION);

    script(t, "{\"status\": 403, \"json\": {\"__type\": "
              "\"com.amazon#ForbiddenException:x\", \"message\": "
              "\"No access\\u001b[2J\"}}", NULL);
    expect_error(t, "dev", AWSCRED_ERR_SERVICE,
                 "An error occurred (ForbiddenException) when calling the "
                 "GetRoleCredentials operation: No access\\x1b[2J");
    assert_int_equal(fault_server_requests(&t->fs), 1);

    /* D4.10 the portal's host does not resolve: an error naming it. */
    fx_set_env(t, "AWS_ENDPOINT_URL_SSO", "http://portal.awscred.invalid");
    t->req.profile = "dev";
    assert_int_equal(fx_resolve(t), AWSCRED_ERR_NETWORK);
    assert_non_null(strstr(t->err.message, "portal.awscred.invalid"));
}

static void
test_bad_replies(void **state)
{
    struct fx *t = *state;
    char message[512];

    config(t, SESSION_CONFIG);
    token(t, TOKEN_SESSION, "tok-1", 3600, "");
    script(t, "{\"body\": \"not json\"}", NULL);
    expect_error(t, "dev", AWSCRED_ERR_RETRIEVAL, NULL);
    script(t, "{\"json\": {\"roleCredentials\": {\"accessKeyId\": \"A\", "
              "\"secretAccessKey\": \"s\", \"expiration\": 1}}}", NULL);
    snprintf(message, sizeof message, "Unable to parse response from "
             "http://127.0.0.1:%d/federation/credentials?role_name=ReadOnly&"
             "account_id=" ACCOUNT ": the GetRoleCredentials reply has no "
             "valid sessionToken", t->fs.port);
    expect_error(t, "dev", AWSCRED_ERR_RETRIEVAL, message);
    script(t, "{\"json\": {\"roleCredentials\": {\"accessKeyId\": \"A\", "
              "\"secretAccessKey\": \"s\", \"sessionToken\": \"t\", "
              "\"expiration\": \"soon\"}}}", NULL);
    expect_error(t, "dev", AWSCRED_ERR_RETRIEVAL, NULL);
    script(t, "{\"json\": [1, 2]}", NULL);
    expect_error(t, "dev", AWSCRED_ERR_RETRIEVAL, NULL);
    /* Already expired: refused like any expired credentials. */
    script(t, role_reply(-60), NULL);
    expect_error(t, "dev", AWSCRED_ERR_EXPIRED, NULL);
}

/* Faults that end only by a timeout or a limit, within the budget. */
static void
test_misbehaving_portal(void **state)
{
    struct fx *t = *state;
    static const char *const faults[] = {
        "{\"hang\": -1}",
        "{\"json\": {\"roleCredentials\": {}}, \"trickle\": 0.5}",
        "{\"repeat\": {\"chunk\": \"x\", \"count\": 2000000}}",
        "{\"endless\": true}",
        "{\"close\": true}",
    };
    struct awscred_limits limits = {.total_timeout_ms = 2500};

    awscred_context_set_limits(t->ctx, &limits);
    config(t, SESSION_CONFIG);
    token(t, TOKEN_SESSION, "tok-1", 3600, "");
    for (size_t i = 0; i < sizeof faults / sizeof faults[0]; i++) {
        enum awscred_status st;
        struct timespec t0, t1;

        script(t, faults[i], NULL);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        t->req.profile = "dev";
        st = fx_resolve(t);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (st != AWSCRED_ERR_NETWORK && st != AWSCRED_ERR_TIMEOUT)
            fail_msg("fault %s: status %d (%s)", faults[i], st, t->err.message);
        assert_null(t->creds);
        assert_string_equal(t->err.provider, "sso");
        assert_non_null(strstr(t->err.where, "/federation/credentials"));
        if (t1.tv_sec - t0.tv_sec >= 5)
            fail_msg("fault %s took %lld s", faults[i],
                     (long long) (t1.tv_sec - t0.tv_sec));
    }
}

static void
test_redirect_not_followed(void **state)
{
    struct fx *t = *state;
    char json[512];

    config(t, SESSION_CONFIG);
    token(t, TOKEN_SESSION, "tok-1", 3600, "");
    snprintf(json, sizeof json, "{\"redirect\": \"http://127.0.0.1:%d/x\"}",
             t->fs.port);
    script(t, json, NULL);
    expect_error(t, "dev", AWSCRED_ERR_NETWORK, NULL);
    assert_null(strstr(fault_server_log(&t->fs), "\"path\": \"/x\""));
}

/* ---- In the chain ------------------------------------------------------ */

/* SSO credentials sign the AssumeRole of a profile that names the SSO
   profile as its source_profile. */
static void
test_source_profile(void **state)
{
    struct fx *t = *state;
    char json[4096];

    config(t, SESSION_CONFIG "[profile chained]\n"
              "role_arn = arn:aws:iam::123456789012:role/next\n"
              "source_profile = dev\n");
    fx_set_envf(t, "AWS_ENDPOINT_URL_STS", "http://127.0.0.1:%d/sts",
                t->fs.port);
    fx_set_env(t, "AWS_REGION", "us-east-1");
    token(t, TOKEN_SESSION, "tok-1", 3600, "");
    snprintf(json, sizeof json,
             "{\"routes\": [{\"path\": \"/federation/credentials\", "
             "\"responses\": [%s]}, {\"path\": \"/sts\", \"response\": "
             "{\"body\": \"<AssumeRoleResponse xmlns='https://sts.amazonaws"
             ".com/doc/2011-06-15/'><AssumeRoleResult><Credentials>"
             "<AccessKeyId>ASIANEXT</AccessKeyId><SecretAccessKey>n"
             "</SecretAccessKey><SessionToken>nt</SessionToken><Expiration>"
             "2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser>"
             "<Arn>arn:aws:sts::123456789012:assumed-role/next/s</Arn>"
             "<AssumedRoleId>X:s</AssumedRoleId></AssumedRoleUser>"
             "</AssumeRoleResult></AssumeRoleResponse>\"}}]}",
             role_reply(7200));
    fault_server_script(&t->fs, json);
    t->req.profile = "chained";
    if (fx_resolve(t) != AWSCRED_OK)
        fail_msg("resolve failed: %s (%s)", t->err.message, t->err.where);
    assert_string_equal(t->creds->access_key_id, "ASIANEXT");
    assert_string_equal(t->creds->method, "assume-role");
    assert_non_null(strstr(fault_server_log(&t->fs), "Credential=ASIASSO/"));
    assert_non_null(strstr(fault_server_log(&t->fs),
                           "\"x-amz-security-token\": \"ssotoken\""));
}

static void
test_not_configured(void **state)
{
    struct fx *t = *state;

    config(t, "[profile dev]\nregion = us-east-1\n");
    token(t, TOKEN_SESSION, "tok-1", 3600, "");
    script(t, role_reply(7200), NULL);
    expect_error(t, "dev", AWSCRED_ERR_NO_CREDENTIALS, NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, fx_teardown)
        T(test_session_ok),
        T(test_legacy_ok),
        T(test_role_cache),
        T(test_no_cache_write),
        T(test_endpoints),
        T(test_missing_config),
        T(test_session_errors),
        T(test_token_missing_or_invalid),
        T(test_token_expired),
        T(test_refresh_ok),
        T(test_refresh_failures),
        T(test_refresh_needs_cache_write),
        T(test_portal_errors),
        T(test_bad_replies),
        T(test_misbehaving_portal),
        T(test_redirect_not_followed),
        T(test_source_profile),
        T(test_not_configured),
#undef T
    };

    if (access("/usr/bin/python3", X_OK) != 0) {
        printf("1..0 # SKIP python3 is needed for the fault server\n");
        return 0;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
