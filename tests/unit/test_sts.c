/*
 * test_sts.c: the pieces of the STS providers that need no server: the
 * AWS CLI cache key (checked against values botocore computes), reading
 * cache entries in every writer's Expiration format and the 15-minute
 * window, the expat-based XML reader, and STS endpoint resolution in the
 * order of AWS CLI v2.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cache/cache.h"
#include "fixture.h"
#include "net/net.h"

/* ---- A context with a fixed environment and clock ---------------------- */

/* A fixture whose environment is env (name, value, ..., NULL) and whose
   CLOCK_REALTIME says now. */
static struct fx *
fixture(const char *const *env, int64_t now)
{
    struct fx *f = fx_new(false);

    assert_non_null(f);
    fx_set_envs(f, env);
    fx_fix_clock(f, now);
    return f;
}

/* ---- Cache keys: what botocore computes for the same arguments -------- */

static void
assert_key(struct awscred_context *ctx, const struct cache_key_item *items,
           size_t n, enum cache_key_style style, const char *expected)
{
    struct awscred_error err;
    char key[41];

    assert_int_equal(cache_key(ctx, items, n, style, key, &err), AWSCRED_OK);
    assert_string_equal(key, expected);
}

/* The assume-role key with session tags: botocore's json.dumps of Tags
   (a list of {"Key", "Value"}) and TransitiveTagKeys, so two users who
   differ only in their source identity and tags never share a cached
   role session. */
static void
test_cache_key_with_tags(void **state)
{
    struct fx *f = fixture(NULL, 1700000000);
    struct awscred_context *ctx = f->ctx;
    struct awscred_error err;
    static const char *const transitive[] = {"login"};
    const char *tags[] = {"login", "alice", "via", "sshd"};
    struct cache_key_item items[] = {
        {"SourceIdentity", "alice", 0}, {"RoleSessionName", "alice", 0},
        {"RoleArn", "arn:aws:iam::123456789012:role/users", 0}};
    const struct cache_key_list lists[] = {
        {"TransitiveTagKeys", transitive, 1, false},
        {"Tags", tags, 4, true}};
    char key[41];

    (void) state;
    assert_int_equal(cache_key_lists(ctx, items, 3, lists, 2,
                                     CACHE_KEY_SPACED, key, &err),
                     AWSCRED_OK);
    assert_string_equal(key, "b02618d503e4f70f60c054015b1671fca659410e");
    items[0].str = items[1].str = tags[1] = "bob";
    assert_int_equal(cache_key_lists(ctx, items, 3, lists, 2,
                                     CACHE_KEY_SPACED, key, &err),
                     AWSCRED_OK);
    assert_string_equal(key, "a5b585a84c900abcb34b5248f4ce7215c1259c16");
    /* without lists: the plain key */
    items[0].str = items[1].str = "alice";
    assert_key(ctx, items, 3, CACHE_KEY_SPACED,
               "181637a36239bb2987d8f8a50b46ddabc95efcef");
    fx_free(f);
}

static void
test_cache_key_matches_botocore(void **state)
{
    struct fx *f = fixture(NULL, 1700000000);
    struct awscred_context *ctx = f->ctx;
    const struct cache_key_item role[] = {
        {"RoleArn", "arn:aws:iam::123456789012:role/demo", 0}};
    /* given out of order: the key sorts them */
    const struct cache_key_item full[] = {
        {"RoleSessionName", "mysess", 0},
        {"RoleArn", "arn:aws:iam::123456789012:role/demo", 0},
        {"DurationSeconds", NULL, 1800},
        {"ExternalId", "ext123", 0}};
    const struct cache_key_item sso[] = {{"roleName", "ReadOnly", 0},
                                         {"accountId", "111122223333", 0},
                                         {"sessionName", "my-sso", 0}};
    /* ensure_ascii escapes, a surrogate pair, quote, backslash, controls */
    const struct cache_key_item odd[] = {
        {"RoleArn", "arn:aws:iam::123456789012:role/demo", 0},
        {"RoleSessionName", "s\xc3\xa9ss\xf0\x9f\x98\x80\"\\\n\t", 0}};

    (void) state;
    assert_key(ctx, role, 1, CACHE_KEY_SPACED,
               "5f52c9c583acfd120a607977e4f21fe86b7fa42d");
    assert_key(ctx, full, 4, CACHE_KEY_SPACED,
               "089f9f89e6897f30b8e39c17612991ae5d4ab4e2");
    assert_key(ctx, sso, 3, CACHE_KEY_COMPACT,
               "0521d1f6a6c4e68f9e18540309367cc3cccb6305");
    assert_key(ctx, odd, 2, CACHE_KEY_SPACED,
               "ddb453846a987cada1cfa7b318f89db60121f79a");
    fx_free(f);

    /* A cache hit needs only the key: the network module (libcurl,
       OpenSSL) is not loaded for it, so a missing one does not matter. */
    f = fixture(NULL, 1700000000);
    ctx = f->ctx;
    assert_int_equal(
        awscred_context_set_net_module(ctx, "/nonexistent/awscred-net.so"),
        0);
    assert_key(ctx, role, 1, CACHE_KEY_SPACED,
               "5f52c9c583acfd120a607977e4f21fe86b7fa42d");
    assert_key(ctx, sso, 3, CACHE_KEY_COMPACT,
               "0521d1f6a6c4e68f9e18540309367cc3cccb6305");
    assert_null(ctx->net);
    fx_free(f);
}

/* ---- Cache entries ---------------------------------------------------- */

#define ENTRY                                                               \
    "{\"Credentials\": {\"AccessKeyId\": \"ASIAEXAMPLE\", "                 \
    "\"SecretAccessKey\": \"secret\", \"SessionToken\": \"token\", "        \
    "\"Expiration\": \"%s\"}, \"AssumedRoleUser\": {\"Arn\": "              \
    "\"arn:aws:sts::123456789012:assumed-role/r/s\"}}"

static void
check_entry(const char *expiration, int64_t now, bool usable)
{
    struct fx *f = fixture(NULL, now);
    struct awscred_context *ctx = f->ctx;
    struct awscred_credentials *creds = NULL;
    struct awscred_error err;
    char dir[128], path[192], text[512];

    snprintf(dir, sizeof(dir), "%s/.aws/cli/cache", f->tmp);
    snprintf(path, sizeof(path), "%s/testkey.json", dir);
    snprintf(text, sizeof(text), ENTRY, expiration);
    assert_int_equal(file_write_atomic(ctx, path, text, strlen(text), &err),
                     AWSCRED_OK);
    assert_int_equal(cache_load(ctx, "testkey", "assume-role", &creds, &err),
                     AWSCRED_OK);
    if (!usable) {
        assert_null(creds);
    } else {
        assert_non_null(creds);
        assert_string_equal(creds->access_key_id, "ASIAEXAMPLE");
        assert_string_equal(creds->secret_access_key, "secret");
        assert_string_equal(creds->session_token, "token");
        assert_string_equal(creds->account_id, "123456789012");
        assert_int_equal(creds->expiration, 1800000000);
    }
    awscred_credentials_free(creds);
    fx_free(f);
}

static void
test_cache_entry_formats(void **state)
{
    (void) state;
    /* 2027-01-15T08:00:00 UTC = 1800000000, as each writer prints it */
    check_entry("2027-01-15T08:00:00+00:00", 1800000000 - 3600, true);
    check_entry("2027-01-15T08:00:00Z", 1800000000 - 3600, true);
    check_entry("2027-01-15T08:00:00UTC", 1800000000 - 3600, true);
    check_entry("2027-01-15T08:00:00.123Z", 1800000000 - 3600, true);
}

static void
test_cache_expiry_window(void **state)
{
    (void) state;
    check_entry("2027-01-15T08:00:00Z", 1800000000 - 900, true);
    check_entry("2027-01-15T08:00:00Z", 1800000000 - 899, false);
    check_entry("2027-01-15T08:00:00Z", 1800000000 + 10, false);
    check_entry("not a time", 1800000000 - 3600, false);
}

static void
test_cache_store_honours_no_write(void **state)
{
    struct fx *f = fixture(NULL, 1700000000);
    struct awscred_context *ctx = f->ctx;
    char path[192];

    (void) state;
    snprintf(path, sizeof(path), "%s/.aws/cli/cache/nowrite.json", f->tmp);
    awscred_context_set_flags(ctx, AWSCRED_FLAG_NO_CACHE_WRITE);
    cache_store(ctx, "nowrite", "{}");
    assert_int_equal(access(path, F_OK), -1);
    awscred_context_set_flags(ctx, 0);
    cache_store(ctx, "nowrite", "{}");
    assert_int_equal(access(path, F_OK), 0);
    fx_free(f);
}

/* ---- XML -------------------------------------------------------------- */

static void
test_xml_success_document(void **state)
{
    static const char doc[] =
        "<?xml version=\"1.0\"?>\n"
        "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/"
        "2011-06-15/\"><AssumeRoleResult><Credentials>"
        "<SessionToken>to&amp;ken</SessionToken>"
        "<AccessKeyId>ASIA1</AccessKeyId>"
        "<Expiration>2011-07-15T23:28:33.359Z</Expiration>"
        "</Credentials></AssumeRoleResult>"
        "<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>"
        "</AssumeRoleResponse>";
    struct fx *f = fixture(NULL, 0);
    struct awscred_context *ctx = f->ctx;
    struct awscred_error err;
    struct net_xml xml;

    (void) state;
    assert_int_equal(net_xml_parse(ctx, doc, strlen(doc), "test", &xml, &err),
                     AWSCRED_OK);
    assert_string_equal(net_xml_find(&xml, "Credentials/AccessKeyId"),
                        "ASIA1");
    assert_string_equal(
        net_xml_find(&xml, "AssumeRoleResponse/AssumeRoleResult/Credentials/"
                           "SessionToken"),
        "to&ken");
    assert_string_equal(net_xml_find(&xml, "RequestId"), "r-1");
    assert_null(net_xml_find(&xml, "Id"));
    net_xml_free(&xml);
    fx_free(f);
}

static void
assert_xml_refused(struct awscred_context *ctx, const char *doc,
                   const char *words)
{
    struct awscred_error err;
    struct net_xml xml;

    assert_int_not_equal(
        net_xml_parse(ctx, doc, strlen(doc), "http://sts/", &xml, &err),
        AWSCRED_OK);
    assert_null(xml.leaves);
    assert_non_null(strstr(err.message, words));
    assert_string_equal(err.where, "http://sts/");
}

static void
test_xml_refuses_bad_documents(void **state)
{
    struct fx *f = fixture(NULL, 0);
    struct awscred_context *ctx = f->ctx;

    (void) state;
    assert_xml_refused(ctx, "<a><b>", "Unable to parse response");
    assert_xml_refused(ctx, "", "Unable to parse response");
    assert_xml_refused(ctx, "<a>x</a>trailing", "Unable to parse response");
    assert_xml_refused(ctx,
                       "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>",
                       "document type declarations are not accepted");
    assert_xml_refused(ctx,
                       "<a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a><a>"
                       "</a></a></a></a></a></a></a></a></a></a></a></a></a>"
                       "</a></a></a></a>",
                       "nested too deeply");
    fx_free(f);
}

/* ---- Endpoints -------------------------------------------------------- */

static const char config_text[] =
    "[profile plain]\n"
    "region = eu-west-1\n"
    "[profile withurl]\n"
    "endpoint_url = http://profile.example/\n"
    "[profile withservices]\n"
    "services = local\n"
    "endpoint_url = http://profile.example/\n"
    "[profile nosts]\n"
    "services = other\n"
    "endpoint_url = http://profile.example\n"
    "[profile missing]\n"
    "services = nowhere\n"
    "[services local]\n"
    "sts =\n"
    "  endpoint_url = http://services.example:8080\n"
    "[services other]\n"
    "s3 =\n"
    "  endpoint_url = http://s3.example\n"
    "[profile withbundle]\n"
    "ca_bundle = /etc/ssl/private-ca.pem\n"
    "[profile fips]\n"
    "use_fips_endpoint = TRUE\n"
    "[profile dualstack]\n"
    "use_dualstack_endpoint = true\n"
    "use_fips_endpoint = yes\n"
    "[profile fipsurl]\n"
    "use_fips_endpoint = true\n"
    "endpoint_url = http://profile.example\n";

/* With the context's flags; url_expected NULL: the error error_expected. */
static void
check_endpoint_flags(unsigned flags, const char *const *env,
                     const char *profile, const char *region,
                     const char *url_expected, const char *region_expected,
                     const char *error_expected)
{
    struct fx *f = fixture(env, 0);
    struct awscred_context *ctx = f->ctx;
    struct resolver r;
    struct awscred_error err;
    const char *signing = NULL;
    char path[128], *url = NULL;

    snprintf(path, sizeof(path), "%s", fx_write(f, "config", config_text));
    memset(&r, 0, sizeof(r));
    r.ctx = ctx;
    r.profile = profile;
    r.region = region;
    awscred_context_set_flags(ctx, flags);
    assert_int_equal(cfg_load_paths(ctx, path, NULL, &r.cfg, &err),
                     AWSCRED_OK);
    if (url_expected == NULL) {
        assert_int_equal(net_sts_endpoint(&r, &url, &signing, &err),
                         AWSCRED_ERR_INVALID_CONFIG);
        if (strstr(err.message, error_expected) == NULL)
            fail_msg("message \"%s\" lacks \"%s\"", err.message,
                     error_expected);
    } else {
        assert_int_equal(net_sts_endpoint(&r, &url, &signing, &err),
                         AWSCRED_OK);
        assert_string_equal(url, url_expected);
        if (region_expected == NULL)
            assert_null(signing);
        else
            assert_string_equal(signing, region_expected);
    }
    free(url);
    cfg_free(r.cfg);
    fx_free(f);
}

static void
check_endpoint(const char *const *env, const char *profile,
               const char *region, const char *url_expected,
               const char *region_expected)
{
    check_endpoint_flags(0, env, profile, region, url_expected,
                         region_expected,
                         "\"nowhere\" services configuration does not exist");
}

static void
test_sts_endpoint_order(void **state)
{
    static const char *const both[] = {
        "AWS_ENDPOINT_URL_STS", "http://sts-env.example",
        "AWS_ENDPOINT_URL", "http://all-env.example", NULL, NULL};
    static const char *const general[] = {
        "AWS_ENDPOINT_URL", "http://all-env.example/x", NULL, NULL};
    static const char *const ignore[] = {
        "AWS_ENDPOINT_URL_STS", "http://sts-env.example",
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "True", NULL, NULL};

    (void) state;
    check_endpoint(both, "plain", "eu-west-1", "http://sts-env.example/",
                   "eu-west-1");
    /* An override without a region: nothing to sign for (botocore's
       NoRegionError, raised by the STS call). */
    check_endpoint(general, "withservices", NULL, "http://all-env.example/x",
                   NULL);
    check_endpoint(NULL, "withservices", NULL,
                   "http://services.example:8080/", NULL);
    check_endpoint(NULL, "nosts", NULL, "http://profile.example/", NULL);
    check_endpoint(NULL, "withurl", "ap-south-1", "http://profile.example/",
                   "ap-south-1");
    check_endpoint(NULL, "plain", "eu-west-1",
                   "https://sts.eu-west-1.amazonaws.com/", "eu-west-1");
    check_endpoint(NULL, "plain", "cn-north-1",
                   "https://sts.cn-north-1.amazonaws.com.cn/", "cn-north-1");
    check_endpoint(NULL, "plain", NULL, "https://sts.amazonaws.com/",
                   "us-east-1");
    check_endpoint(ignore, "withurl", NULL, "https://sts.amazonaws.com/",
                   "us-east-1");
    check_endpoint(NULL, "missing", NULL, NULL, NULL);
}

/* use_fips_endpoint and use_dualstack_endpoint, from the environment
   first, as botocore's config chain; "true" in any case; a configured
   endpoint wins over both (botocore args.py passes neither then). */
static void
test_sts_endpoint_variants(void **state)
{
    static const char *const fips_env[] = {
        "AWS_USE_FIPS_ENDPOINT", "true", NULL, NULL};
    static const char *const both_env[] = {
        "AWS_USE_FIPS_ENDPOINT", "True", "AWS_USE_DUALSTACK_ENDPOINT", "TRUE",
        NULL, NULL};
    static const char *const env_off[] = {
        "AWS_USE_FIPS_ENDPOINT", "false", NULL, NULL};
    static const char *const env_url[] = {
        "AWS_USE_DUALSTACK_ENDPOINT", "true",
        "AWS_ENDPOINT_URL_STS", "http://sts-env.example", NULL, NULL};

    (void) state;
    check_endpoint(fips_env, "plain", "us-east-1",
                   "https://sts-fips.us-east-1.amazonaws.com/", "us-east-1");
    check_endpoint(both_env, "plain", "us-east-1",
                   "https://sts-fips.us-east-1.api.aws/", "us-east-1");
    check_endpoint(NULL, "fips", "us-gov-west-1",
                   "https://sts.us-gov-west-1.amazonaws.com/",
                   "us-gov-west-1");
    check_endpoint(NULL, "fips", "cn-north-1",
                   "https://sts-fips.cn-north-1.amazonaws.com.cn/",
                   "cn-north-1");
    /* "yes" is not true for ensure_boolean. */
    check_endpoint(NULL, "dualstack", "eu-west-1",
                   "https://sts.eu-west-1.api.aws/", "eu-west-1");
    check_endpoint(env_off, "fips", "eu-west-1",
                   "https://sts.eu-west-1.amazonaws.com/", "eu-west-1");
    check_endpoint(NULL, "fips", NULL,
                   "https://sts-fips.aws-global.amazonaws.com/", "us-east-1");
    check_endpoint(NULL, "fipsurl", "eu-west-1", "http://profile.example/",
                   "eu-west-1");
    check_endpoint(env_url, "plain", "eu-west-1", "http://sts-env.example/",
                   "eu-west-1");
}

/* AWSCRED_FLAG_NO_FILE_ENDPOINTS (pam_awscred's user_endpoints=deny): the
   files' endpoint_url and ca_bundle are errors naming them; the
   environment, which the caller controls, still applies. */
static void
test_file_endpoints_refused(void **state)
{
    static const char *const general[] = {
        "AWS_ENDPOINT_URL", "http://all-env.example/x", NULL, NULL};
    const unsigned deny = AWSCRED_FLAG_NO_FILE_ENDPOINTS;
    struct fx *f = fixture(NULL, 0);
    struct awscred_context *ctx = f->ctx;
    struct resolver r;
    struct awscred_error err;
    char path[128], *bundle = NULL;

    (void) state;
    check_endpoint_flags(deny, NULL, "withurl", NULL, NULL, NULL,
                         "endpoint_url in profile withurl is disabled by the"
                         " administrator");
    check_endpoint_flags(deny, NULL, "withservices", NULL, NULL, NULL,
                         "endpoint_url in services local (sts) is disabled"
                         " by the administrator");
    /* An override without a region signs for none: the call fails with
       botocore's NoRegionError later (test_sts_endpoint_order). */
    check_endpoint_flags(deny, general, "withservices", NULL,
                         "http://all-env.example/x", NULL, NULL);
    check_endpoint_flags(deny, NULL, "plain", "eu-west-1",
                         "https://sts.eu-west-1.amazonaws.com/", "eu-west-1",
                         NULL);

    snprintf(path, sizeof(path), "%s", fx_write(f, "config", config_text));
    memset(&r, 0, sizeof(r));
    r.ctx = ctx;
    r.profile = "withbundle";
    assert_int_equal(cfg_load_paths(ctx, path, NULL, &r.cfg, &err),
                     AWSCRED_OK);
    assert_int_equal(net_ca_bundle(&r, &bundle, &err), AWSCRED_OK);
    assert_string_equal(bundle, "/etc/ssl/private-ca.pem");
    free(bundle);
    awscred_context_set_flags(ctx, deny);
    assert_int_equal(net_ca_bundle(&r, &bundle, &err),
                     AWSCRED_ERR_INVALID_CONFIG);
    assert_null(bundle);
    assert_string_equal(err.message, "ca_bundle in profile withbundle is"
                                     " disabled by the administrator");
    assert_non_null(strstr(err.where, "/config:20"));
    cfg_free(r.cfg);
    fx_free(f);
}

/* ---- The module is loaded lazily and refused when asked --------------- */

static void
test_no_network_flag(void **state)
{
    struct fx *f = fixture(NULL, 0);
    struct awscred_context *ctx = f->ctx;
    struct net_request req;
    struct net_response resp;
    struct awscred_error err;

    (void) state;
    assert_null(ctx->net);
    awscred_context_set_flags(ctx, AWSCRED_FLAG_NO_NETWORK);
    memset(&req, 0, sizeof(req));
    req.method = "GET";
    req.url = "http://127.0.0.1:9/";
    assert_int_equal(net_http(ctx, &req, &resp, &err),
                     AWSCRED_ERR_UNSUPPORTED);
    assert_int_equal(ctx->http_requests, 0);
    assert_null(ctx->net);
    awscred_context_set_flags(ctx, 0);
    assert_int_equal(net_http(ctx, &req, &resp, &err), AWSCRED_ERR_NETWORK);
    assert_int_equal(ctx->http_requests, 1);
    assert_non_null(strstr(err.message, "Could not connect to the endpoint "
                                        "URL: \"http://127.0.0.1:9/\""));
    assert_string_equal(err.where, "http://127.0.0.1:9/");
    fx_free(f);
}

/* ---- Rows of the fault catalogue (tests/FAULTS.md) --------------------- */

/* A fixture for an STS call through the build tree's network module,
   its config an assume-role profile "role" over static keys (the STS
   endpoint comes from AWS_ENDPOINT_URL_STS). */
static struct fx *
sts_fixture(void)
{
    struct fx *f = fx_new(false);
    struct awscred_limits limits = {.total_timeout_ms = 20000};

    assert_non_null(f);
    awscred_context_set_flags(f->ctx, AWSCRED_FLAG_NO_IMDS
                                          | AWSCRED_FLAG_NO_CACHE_WRITE);
    awscred_context_set_limits(f->ctx, &limits);
    fx_set_env(f, "AWS_CONFIG_FILE",
               fx_write(f, "sts-config",
                        "[profile role]\n"
                        "role_arn = arn:aws:iam::123456789012:role/r\n"
                        "source_profile = base\n"
                        "region = us-east-1\n"
                        "[profile base]\n"
                        "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                        "aws_secret_access_key = "
                        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY\n"));
    f->req.profile = "role";
    return f;
}

/* D1.14: a source_profile loop (A -> B -> A) and a 50-deep chain: the
   loop is named, the chain stops at the depth cap (32 hops); neither
   gets as far as an STS call. (The role cache keys are SHA-1 digests
   computed by the network module, so the test needs it.) */
static void
test_d1_source_profile_loop_and_depth_cap(void **state)
{
    struct fx *f = sts_fixture();
    size_t cap = 16384, used;
    char *text = malloc(cap);

    (void) state;
    assert_non_null(text);
    used = (size_t) snprintf(text, cap,
                             "[profile a]\nrole_arn = arn:aws:iam::"
                             "123456789012:role/a\nsource_profile = b\n"
                             "[profile b]\nrole_arn = arn:aws:iam::"
                             "123456789012:role/b\nsource_profile = a\n");
    for (int i = 0; i < 50; i++)
        used += (size_t) snprintf(text + used, cap - used,
                                  "[profile p%d]\nrole_arn = arn:aws:iam::"
                                  "123456789012:role/r%d\nsource_profile ="
                                  " p%d\n", i, i, i + 1);
    snprintf(text + used, cap - used, "[profile p50]\naws_access_key_id ="
             " AKIAFAULTSFAULTSFAUL\naws_secret_access_key = s\n");
    fx_set_env(f, "AWS_CONFIG_FILE", fx_write(f, "chain-config", text));
    free(text);

    f->req.profile = "a";
    fx_expect_error(f, AWSCRED_ERR_LOOP, NULL);
    fx_expect_words(f, "Infinite loop in credential configuration");
    fx_expect_words(f, "Visited profiles: ['a', 'b']");
    f->req.profile = "p0";
    fx_expect_error(f, AWSCRED_ERR_LOOP, NULL);
    fx_expect_words(f, "Too many source_profile hops from profile p0");
    fx_free(f);
}

/* D4.10: a DNS failure for STS: an error naming the host, promptly. */
static void
test_d4_dns_failure_names_host(void **state)
{
    struct fx *f = sts_fixture();
    struct timespec a, b;

    (void) state;
    fx_set_env(f, "AWS_ENDPOINT_URL_STS", "http://sts.awscred.invalid/");
    clock_gettime(CLOCK_MONOTONIC, &a);
    assert_int_not_equal(fx_resolve(f), AWSCRED_OK);
    clock_gettime(CLOCK_MONOTONIC, &b);
    fx_expect_words(f, "sts.awscred.invalid");
    print_message("# %s (%.0f ms)\n", f->err.message,
                  fx_elapsed_ms(&a, &b));
    assert_true(fx_elapsed_ms(&a, &b) < 15000);
    fx_free(f);
}

static const char tls_server_py[] =
    "import socket, ssl, sys\n"
    "ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n"
    "ctx.load_cert_chain(sys.argv[1], sys.argv[2])\n"
    "s = socket.socket()\n"
    "s.bind(('127.0.0.1', 0))\n"
    "s.listen(8)\n"
    "s.settimeout(60)\n"
    "sys.stdout.write('%d\\n' % s.getsockname()[1])\n"
    "sys.stdout.flush()\n"
    "while True:\n"
    "    c, _ = s.accept()\n"
    "    try:\n"
    "        t = ctx.wrap_socket(c, server_side=True)\n"
    "        if t.recv(65536):\n"
    "            with open(sys.argv[3], 'a') as log:\n"
    "                log.write('request\\n')\n"
    "        t.sendall(b'HTTP/1.1 500 Oops\\r\\nContent-Length: 0\\r\\n\\r\\n')\n"
    "        t.close()\n"
    "    except Exception:\n"
    "        c.close()\n";

/* Starts the TLS server above; returns its pid, *port set, or -1. */
static pid_t
start_tls_server(const char *cert, const char *key, const char *log,
                 int *port)
{
    int fds[2];
    char line[32];
    size_t used = 0;
    ssize_t n = 0;
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) != 0)
        return -1;
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        /* Gone with the test, or after a minute without connections. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        dup2(fds[1], STDOUT_FILENO);
        execl("/usr/bin/python3", "python3", "-c", tls_server_py, cert, key,
              log, (char *) NULL);
        _exit(127);
    }
    close(fds[1]);
    /* The whole line, however the pipe delivers it. */
    for (used = 0; pid > 0 && used < sizeof line - 1
                   && memchr(line, '\n', used) == NULL; used += (size_t) n) {
        n = read(fds[0], line + used, sizeof line - 1 - used);
        if (n <= 0)
            break;
    }
    close(fds[0]);
    if (used == 0 || memchr(line, '\n', used) == NULL) {
        if (pid > 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
        }
        return -1;
    }
    line[used] = '\0';
    *port = atoi(line);
    return pid;
}

static long
file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? (long) st.st_size : 0;
}

/* D4.11: TLS failure: an STS endpoint with a certificate nobody vouches
   for (self-signed) fails closed, naming the endpoint, before any request
   is sent; trusting that certificate through AWS_CA_BUNDLE reaches the
   server, so the refusal was the certificate's. */
static void
test_d4_tls_failure_fails_closed(void **state)
{
    struct fx *f;
    char cert[600], key[600], log[600], *cmd, url[64];
    int port = 0;
    pid_t server;

    (void) state;
    if (access("/usr/bin/python3", X_OK) != 0)
        skip();
    f = sts_fixture();
    snprintf(cert, sizeof cert, "%s/cert.pem", f->tmp);
    snprintf(key, sizeof key, "%s/key.pem", f->tmp);
    snprintf(log, sizeof log, "%s/tls-requests", f->tmp);
    cmd = xasprintf("openssl req -x509 -newkey ec -pkeyopt "
                    "ec_paramgen_curve:prime256v1 -nodes -keyout '%s' "
                    "-out '%s' -subj /CN=127.0.0.1 -days 1 >/dev/null 2>&1",
                    key, cert);
    if (system(cmd) != 0) {
        free(cmd);
        fx_free(f);
        skip();
    }
    free(cmd);
    server = start_tls_server(cert, key, log, &port);
    assert_true(server > 0);
    snprintf(url, sizeof url, "https://127.0.0.1:%d/", port);
    fx_set_env(f, "AWS_ENDPOINT_URL_STS", url);

    assert_int_not_equal(fx_resolve(f), AWSCRED_OK);
    print_message("# %s\n", f->err.message);
    fx_expect_words(f, url);
    fx_expect_words(f, "certificate");
    assert_int_equal(file_size(log), 0);

    fx_set_env(f, "AWS_CA_BUNDLE", cert);
    assert_int_not_equal(fx_resolve(f), AWSCRED_OK);
    print_message("# with AWS_CA_BUNDLE: %s\n", f->err.message);
    fx_expect_words(f, "(500)");
    assert_true(file_size(log) > 0);

    kill(server, SIGTERM);
    waitpid(server, NULL, 0);
    fx_free(f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_key_matches_botocore),
        cmocka_unit_test(test_cache_key_with_tags),
        cmocka_unit_test(test_cache_entry_formats),
        cmocka_unit_test(test_cache_expiry_window),
        cmocka_unit_test(test_cache_store_honours_no_write),
        cmocka_unit_test(test_xml_success_document),
        cmocka_unit_test(test_xml_refuses_bad_documents),
        cmocka_unit_test(test_sts_endpoint_order),
        cmocka_unit_test(test_sts_endpoint_variants),
        cmocka_unit_test(test_file_endpoints_refused),
        cmocka_unit_test(test_no_network_flag),
        cmocka_unit_test(test_d1_source_profile_loop_and_depth_cap),
        cmocka_unit_test(test_d4_dns_failure_names_host),
        cmocka_unit_test(test_d4_tls_failure_fails_closed),
    };

    if (getenv("AWSCRED_NET_MODULE") == NULL) {
        printf("1..0 # SKIP AWSCRED_NET_MODULE is not set\n");
        return 0;
    }
    return cmocka_run_group_tests(tests, NULL, NULL);
}
