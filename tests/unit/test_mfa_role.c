/*
 * test_mfa_role.c: a role after MFA that can be assumed again without a
 * code (libawscred/providers/assume_role.c), against the loopback STS
 * (tests/lib/fault_server.py): with AWSCRED_FLAG_MFA_ROLE_SESSION the
 * code goes to GetSessionToken with the long-term keys and the role is
 * assumed from the session, which awscred_context_take_mfa_session()
 * hands over; awscred_context_set_source_credentials() assumes the role
 * from that session again, without SerialNumber, TokenCode or the cache;
 * a profile without a role is then an error, never its own keys.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fixture.h"

#define SERIAL "arn:aws:iam::123456789012:mfa/alice"
#define KEY_LONG "AKIALONGTERMALICE001"
#define KEY_SESSION "ASIAMFASESSIONALICE1"
#define TOKEN_SESSION "FwoGZXIvYXdzEMFAsessiontoken"
#define KEY_ROLE "ASIAROLEAFTERMFA0001"
#define CREDS(key, token)                                                  \
    "<Credentials><AccessKeyId>" key "</AccessKeyId><SecretAccessKey>"     \
    "secret/abcdefghijklmnopqrstuvwxyz012345</SecretAccessKey>"            \
    "<SessionToken>" token "</SessionToken><Expiration>"                    \
    "2099-01-01T00:00:00Z</Expiration></Credentials>"
#define SESSION_XML                                                        \
    "<GetSessionTokenResponse><GetSessionTokenResult>"                     \
    CREDS(KEY_SESSION, TOKEN_SESSION)                                      \
    "</GetSessionTokenResult></GetSessionTokenResponse>"
#define ROLE_XML                                                           \
    "<AssumeRoleResponse><AssumeRoleResult>"                               \
    CREDS(KEY_ROLE, "FwoGZXIvYXdzEROLEtoken")                              \
    "</AssumeRoleResult></AssumeRoleResponse>"

static int
setup(void **state)
{
    struct fx *t = fx_new(true);

    if (t == NULL)
        return -1;
    *state = t;
    return 0;
}

/* The MFA code the user typed. */
static int
prompt(void *arg, const char *text, int echo, char *buf, size_t size)
{
    (void) arg;
    (void) text;
    (void) echo;
    snprintf(buf, size, "123456");
    return 0;
}

/* Alice's role profile over long-term keys, or (role false) the keys
   alone, both with mfa_serial; STS answers with responses in order. */
static void
profile(struct fx *t, bool role, const char *responses)
{
    char text[1024], json[2048];

    snprintf(text, sizeof(text),
             "[default]\nregion = eu-west-1\nmfa_serial = " SERIAL "\n"
             "endpoint_url = http://127.0.0.1:%d/\n%s", t->fs.port,
             role ? "role_arn = arn:aws:iam::123456789012:role/dev\n"
                    "source_profile = base\n[profile base]\n" : "");
    fx_set_envf(t, "AWS_CONFIG_FILE", "%s", fx_write(t, "config", text));
    snprintf(text, sizeof(text), "[%s]\naws_access_key_id = " KEY_LONG
             "\naws_secret_access_key = longTermSecret/abcdefghijklmn0\n",
             role ? "base" : "default");
    fx_set_envf(t, "AWS_SHARED_CREDENTIALS_FILE", "%s",
                fx_write(t, "credentials", text));
    snprintf(json, sizeof(json),
             "{\"routes\": [{\"method\": \"POST\", \"responses\": [%s]}]}",
             responses);
    fault_server_script(&t->fs, json);
}

/* The nth request STS got (from 1): its log line, or NULL. */
static const char *
request(struct fx *t, int nth)
{
    static char line[8192];
    const char *p = fault_server_log(&t->fs), *end;
    size_t len;

    while (p != NULL && *p != '\0' && --nth > 0)
        if ((p = strchr(p, '\n')) != NULL)
            p++;
    if (p == NULL || *p == '\0')
        return NULL;
    end = strchr(p, '\n');
    len = end != NULL ? (size_t) (end - p) : strlen(p);
    snprintf(line, sizeof(line), "%.*s", (int) len, p);
    return line;
}

static void
assert_has(const char *text, const char *what)
{
    if (text == NULL || strstr(text, what) == NULL)
        fail_msg("no %s in %s", what, text != NULL ? text : "(nothing)");
}

/* The login: GetSessionToken carries the code and is signed with the
   long-term key; AssumeRole carries neither SerialNumber nor TokenCode
   and is signed with the session; the session is handed over once. */
static void
test_role_through_session(void **state)
{
    struct fx *t = *state;
    struct awscred_credentials *session;

    profile(t, true, "{\"body\": \"" SESSION_XML "\"}, {\"body\": \""
            ROLE_XML "\"}");
    awscred_context_set_prompt(t->ctx, prompt, NULL);
    awscred_context_set_mfa_session(t->ctx, 3600);
    awscred_context_set_flags(t->ctx, AWSCRED_FLAG_NO_IMDS
                                          | AWSCRED_FLAG_MFA_ROLE_SESSION);
    fx_expect_key(t, KEY_ROLE, "assume-role");
    assert_int_equal(fault_server_requests(&t->fs), 2);
    assert_has(request(t, 1), "Action=GetSessionToken&Version=2011-06-15"
               "&DurationSeconds=3600&SerialNumber=");
    assert_has(request(t, 1), "&TokenCode=123456\"");
    assert_has(request(t, 1), "Credential=" KEY_LONG "/");
    assert_has(request(t, 2), "Action=AssumeRole&");
    assert_has(request(t, 2), "Credential=" KEY_SESSION "/");
    assert_has(request(t, 2), TOKEN_SESSION);
    assert_null(strstr(request(t, 2), "TokenCode"));
    assert_null(strstr(request(t, 2), "SerialNumber"));
    session = awscred_context_take_mfa_session(t->ctx);
    assert_non_null(session);
    assert_string_equal(session->access_key_id, KEY_SESSION);
    assert_string_equal(session->session_token, TOKEN_SESSION);
    assert_true(session->expiration > 0);
    awscred_credentials_free(session);
    assert_null(awscred_context_take_mfa_session(t->ctx));
}

/* Without the flag the code goes with AssumeRole, as before, and there
   is no session to hand over. */
static void
test_without_flag_code_with_assume_role(void **state)
{
    struct fx *t = *state;

    profile(t, true, "{\"body\": \"" ROLE_XML "\"}");
    awscred_context_set_prompt(t->ctx, prompt, NULL);
    awscred_context_set_mfa_session(t->ctx, 3600);
    fx_expect_key(t, KEY_ROLE, "assume-role");
    assert_int_equal(fault_server_requests(&t->fs), 1);
    assert_has(request(t, 1), "Action=AssumeRole&");
    assert_has(request(t, 1), "&TokenCode=123456\"");
    assert_null(awscred_context_take_mfa_session(t->ctx));
}

/* The broker's refresh: the role from the session given, no prompt, no
   code, no cache read or written, never the long-term key. */
static void
test_role_from_session_given(void **state)
{
    struct fx *t = *state;
    struct awscred_credentials src = {
        .access_key_id = KEY_SESSION,
        .secret_access_key = "secret/abcdefghijklmnopqrstuvwxyz012345",
        .session_token = TOKEN_SESSION,
    };
    struct stat st;
    char cache[600];

    profile(t, true, "{\"body\": \"" ROLE_XML "\"}");
    assert_int_equal(awscred_context_set_source_credentials(t->ctx, &src), 0);
    for (int i = 0; i < 2; i++) {
        fx_expect_key(t, KEY_ROLE, "assume-role");
        assert_int_equal(fault_server_requests(&t->fs), i + 1);
        assert_has(request(t, i + 1), "Action=AssumeRole&");
        assert_has(request(t, i + 1), "Credential=" KEY_SESSION "/");
        assert_null(strstr(request(t, i + 1), "TokenCode"));
        assert_null(strstr(request(t, i + 1), "SerialNumber"));
    }
    snprintf(cache, sizeof(cache), "%s/.aws/cli/cache", t->tmp);
    assert_int_not_equal(stat(cache, &st), 0);
}

/* A profile that assumes no role does not serve its own keys instead. */
static void
test_session_given_needs_a_role(void **state)
{
    struct fx *t = *state;
    struct awscred_credentials src = {
        .access_key_id = KEY_SESSION,
        .secret_access_key = "secret/abcdefghijklmnopqrstuvwxyz012345",
        .session_token = TOKEN_SESSION,
    };

    profile(t, false, "{\"body\": \"" ROLE_XML "\"}");
    assert_int_equal(awscred_context_set_source_credentials(t->ctx, &src), 0);
    fx_expect_error(t, AWSCRED_ERR_INVALID_CONFIG, NULL);
    fx_expect_words(t, "assumes no role from the source credentials");
    assert_int_equal(fault_server_requests(&t->fs), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_role_through_session, setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(
            test_without_flag_code_with_assume_role, setup, fx_teardown),
        cmocka_unit_test_setup_teardown(test_role_from_session_given, setup,
                                        fx_teardown),
        cmocka_unit_test_setup_teardown(test_session_given_needs_a_role,
                                        setup, fx_teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
