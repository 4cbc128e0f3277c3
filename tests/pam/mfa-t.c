/*
 * mfa-t.c: MFA at login in user mode, in the world of harness.h (run by
 * mfa.sh through session.sh): what needs code, the requests the loopback
 * STS (tests/lib/fault_server.py) recorded and a fake broker. Logins
 * that files, the answer and the log describe are the mfa-* scenarios of
 * tests/pam/scripts/.
 *
 * The auth phase asks for the code of the mfa_serial in the user's own
 * profile (the worker reads it as the user), then gets a GetSessionToken
 * session (a profile with long-term keys) or assumes the role (a role
 * profile) with SerialNumber and TokenCode; the session phase redeems
 * the one-time handle. Root only: the worker, the test user, writes her
 * own ~/.aws/cli/cache under the test's directory and nowhere else.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define SERIAL "arn:aws:iam::123456789012:mfa/alice"
#define SERIAL_FORM \
    "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice"
#define KEY_LONG "AKIAMFALONGTERMKEY01"
#define SECRET_LONG "mfaLongSecret/mfaLongSecret+mfaLongSecret0"
#define KEY_SESSION "ASIAMFASESSIONKEY001"
#define KEY_ROLE "ASIAMFAROLEKEY000002"
#define CREDS(key) "<Credentials><AccessKeyId>" key "</AccessKeyId>" \
    "<SecretAccessKey>mfaSessionSecret/mfaSessionSecret+mfaSession" \
    "</SecretAccessKey><SessionToken>FwoGZXIvYXdzEMFAsessiontoken" \
    "</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>" \
    "</Credentials>"
#define STS_SESSION_OK "<GetSessionTokenResponse><GetSessionTokenResult>" \
    CREDS(KEY_SESSION) "</GetSessionTokenResult></GetSessionTokenResponse>"
#define STS_ROLE_OK "<AssumeRoleResponse><AssumeRoleResult>" \
    CREDS(KEY_ROLE) "</AssumeRoleResult></AssumeRoleResponse>"

/* The user's profile: long-term keys, or a role over them; both with
   mfa_serial and the loopback STS. */
static void
user_profile(bool role)
{
    char text[1024];

    snprintf(text, sizeof(text),
             "[default]\nregion = eu-west-1\nmfa_serial = %s\n"
             "endpoint_url = http://127.0.0.1:%d/\n%s", SERIAL, W.clock.port,
             role ? "role_arn = arn:aws:iam::123456789012:role/dev\n"
                    "source_profile = base\n[profile base]\n" : "");
    alice_file("config", text, 0600);
    snprintf(text, sizeof(text), "[%s]\naws_access_key_id = " KEY_LONG
             "\naws_secret_access_key = " SECRET_LONG "\n",
             role ? "base" : "default");
    alice_file("credentials", text, 0600);
}

/* One login through the whole stack, mfa on the session line too. */
static char **
login(const char *control, const char *opts, struct conv_capture *c,
      const char *code, int auth_rv, int open_rv)
{
    char session[2048];

    snprintf(session, sizeof(session), "mfa %s", opts);
    return mfa_login(control, opts, session, code, auth_rv, open_rv, c);
}

static void
assert_has(const char *text, const char *what, const char *where)
{
    if (text == NULL || strstr(text, what) == NULL)
        fail_msg("%s lacks \"%s\": %.1500s", where, what,
                 text != NULL ? text : "(nothing)");
}

/* ---- scenarios --------------------------------------------------------- */

/* A16.6: alice's own profile has long-term keys and mfa_serial. The
   prompt names her device; STS gets GetSessionToken with botocore's
   parameters (DurationSeconds, the default 43200, SerialNumber,
   TokenCode), signed with her long-term key; her session has the
   session's keys, neither the handle nor the code, and is told when the
   keys expire (nothing renews them without a new code). */
static void
test_session_token(void **state)
{
    struct conv_capture c;
    const char *body;
    char **env;

    (void) state;
    user_profile(false);
    sts_answer(200, STS_SESSION_OK);
    env = login("required", "", &c, "123456", PAM_SUCCESS, PAM_SUCCESS);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_SESSION);
    assert_null(env_get(env, "AWSCRED_MFA_HANDLE"));
    assert_null(env_get(env, "AWSCRED_MFA_CODE"));
    pamtest_free_env(env);
    assert_string_equal(c.prompt[0], "AWS MFA code for " SERIAL ":");
    assert_string_equal(c.prompt[1], "");
    /* keys after MFA: the session says when they end, whatever is left */
    assert_has(c.info[0], "AWS credentials expire at 00:00 UTC (in ",
               "what the user saw");
    body = last_sts_body();
    assert_has(body, "\"body\": \"Action=GetSessionToken&Version=2011-06-15"
               "&DurationSeconds=43200&" SERIAL_FORM "&TokenCode=123456\"",
               "the STS request");
    assert_has(fault_server_log(&W.clock), "Credential=" KEY_LONG "/",
               "the STS request's signature");
    assert_has(logbuf, "provider=get-session-token access_key_id="
               KEY_SESSION, "the audit line");
    if (strstr(logbuf, "123456") != NULL)
        fail_msg("the code reached the log:\n%s", logbuf);
}

/* A16.7: mfa_session_duration= is GetSessionToken's DurationSeconds;
   a value outside STS's 900 to 129600 is refused, naming the range. */
static void
test_session_duration(void **state)
{
    struct conv_capture c;
    char **env;

    (void) state;
    user_profile(false);
    sts_answer(200, STS_SESSION_OK);
    env = login("required", "mfa_session_duration=3600", &c, "123456",
                PAM_SUCCESS, PAM_SUCCESS);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_SESSION);
    pamtest_free_env(env);
    assert_has(last_sts_body(), "&DurationSeconds=3600&",
               "the STS request");
    env = login("optional", "mfa_session_duration=899", &c, "123456",
                PAM_SUCCESS, PAM_SUCCESS);
    pamtest_free_env(env);
    assert_has(logbuf, "mfa_session_duration", "the log");
    assert_has(logbuf, "900 to 129600", "the log");
}

/* A16.8: a role profile with mfa_serial: AssumeRole carries SerialNumber
   and TokenCode, every login, even with the role's session in the CLI's
   cache from the login before (the code must be checked). */
static void
test_role_profile(void **state)
{
    struct conv_capture c;
    unsigned before;
    char **env;

    (void) state;
    user_profile(true);
    sts_answer(200, STS_ROLE_OK);
    for (int i = 0; i < 2; i++) {
        before = fault_server_requests(&W.clock);
        env = login("required", "", &c, "123456", PAM_SUCCESS, PAM_SUCCESS);
        assert_env(env, "AWS_ACCESS_KEY_ID", KEY_ROLE);
        pamtest_free_env(env);
        assert_int_equal(fault_server_requests(&W.clock), before + 1);
        assert_has(last_sts_body(), SERIAL_FORM, "the STS request");
        assert_has(last_sts_body(), "&TokenCode=123456\"",
                   "the STS request");
        assert_has(last_sts_body(), "Action=AssumeRole&",
                   "the STS request");
    }
}

/* The fake broker's process: takes one registration on fd, writes its
   request frame ("AWSCRED-RESULT 1 <length>\n" and the body) to out and
   answers nothing a session could use. */
static void
broker_child(int fd, const char *out)
{
    char buf[16384];
    size_t used = 0;
    ssize_t n;
    const char *body;
    unsigned long len;
    int conn, file;

    alarm(20);  /* a module that never calls must not hang the test */
    conn = accept(fd, NULL, NULL);
    while (conn >= 0 && used < sizeof(buf) - 1
           && (n = read(conn, buf + used, sizeof(buf) - 1 - used)) > 0) {
        used += (size_t) n;
        buf[used] = '\0';
        body = strchr(buf, '\n');
        if (body != NULL && sscanf(buf, "AWSCRED-RESULT 1 %lu", &len) == 1
            && used >= (size_t) (body + 1 - buf) + len)
            break;
    }
    file = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (file >= 0) {
        (void) !write(file, buf, used);
        close(file);
    }
    if (conn >= 0)
        (void) !write(conn, "AWSCRED-RESULT 1 10\nresult=ok\n", 30);
    _exit(0);
}

/* A broker on sock for one registration (broker_child). */
static pid_t
fake_broker(const char *sock, const char *out)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    pid_t pid;

    assert_true(fd >= 0);
    assert_true(strlen(sock) < sizeof(addr.sun_path));
    memcpy(addr.sun_path, sock, strlen(sock) + 1);
    assert_int_equal(bind(fd, (struct sockaddr *) &addr, sizeof(addr)), 0);
    assert_int_equal(listen(fd, 1), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        broker_child(fd, out);
    close(fd);
    return pid;
}

/* alice's long-term keys with mfa_serial, the loopback STS's session and
   a fake broker on sock writing the registration to out (both size). */
static pid_t
broker_login_setup(char *sock, char *out, size_t size)
{
    user_profile(false);
    sts_answer(200, STS_SESSION_OK);
    snprintf(sock, size, "%s/broker.sock", W.dir);
    snprintf(out, size, "%s/registration", W.dir);
    unlink(sock);
    unlink(out);
    return fake_broker(sock, out);
}

/* A16.12: the broker is told mfa even when the session line lacks it,
   so that it never renews the login's credentials without a code. */
static void
test_broker_told_mfa(void **state)
{
    struct conv_capture c;
    char sock[300], out[300], opts[700], frame[16384] = "";
    char **env;
    pid_t pid;
    FILE *f;
    int status;

    (void) state;
    pid = broker_login_setup(sock, out, sizeof(sock));
    snprintf(opts, sizeof(opts), "deliver=auto broker_socket=%s", sock);
    env = mfa_login("required", "", opts, "123456", PAM_SUCCESS, PAM_SUCCESS,
                    &c);
    pamtest_free_env(env);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    f = fopen(out, "r");
    assert_non_null(f);
    frame[fread(frame, 1, sizeof(frame) - 1, f)] = '\0';
    fclose(f);
    assert_has(frame, "op=open_session\n", "the registration");
    /* the session line's 7 options, then mfa */
    assert_has(frame, "\nargc=8\n", "the registration");
    assert_has(frame, "\narg.7=mfa\n", "the registration's options");
}

/* R16.1: the broker resolves again with the login's options, so it gets
   all of them or none: a session line longer than the broker keeps (here
   credential_process=deny after 33 others) is not registered with the
   first 32 and the rest dropped; deliver=auto keeps the keys and says
   why. */
static void
test_broker_gets_every_option(void **state)
{
    struct conv_capture c;
    char sock[300], out[300], opts[900];
    char **env;
    size_t o;
    pid_t pid;

    (void) state;
    pid = broker_login_setup(sock, out, sizeof(sock));
    o = (size_t) snprintf(opts, sizeof(opts), "deliver=auto broker_socket=%s",
                          sock);
    for (int i = 0; i < 26; i++)
        o += (size_t) snprintf(opts + o, sizeof(opts) - o, " mfa");
    snprintf(opts + o, sizeof(opts) - o, " credential_process=deny");
    env = mfa_login("required", "", opts, "123456", PAM_SUCCESS, PAM_SUCCESS,
                    &c);
    kill(pid, SIGKILL);
    assert_int_equal(waitpid(pid, NULL, 0), pid);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_SESSION);
    assert_null(env_get(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI"));
    pamtest_free_env(env);
    if (access(out, F_OK) == 0)
        fail_msg("the broker was sent a registration with options dropped");
    assert_has(logbuf, "deliver=auto: keys", "the log");
    assert_has(logbuf, "the broker keeps 32 options to resolve again with,"
               " this login has 35", "the log");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_session_token, harness_reset),
        cmocka_unit_test_setup(test_session_duration, harness_reset),
        cmocka_unit_test_setup(test_role_profile, harness_reset),
        cmocka_unit_test_setup(test_broker_told_mfa, harness_reset),
        cmocka_unit_test_setup(test_broker_gets_every_option, harness_reset),
    };

    if (getenv("PAM_WRAPPER") == NULL) {
        printf("1..0 # SKIP run through session.sh (needs pam_wrapper)\n");
        return 0;
    }
    if (geteuid() != 0) {
        printf("1..0 # SKIP needs root: the worker writes the test user's"
               " ~/.aws/cli/cache\n");
        return 0;
    }
    return cmocka_run_group_tests_name("pam_awscred mfa", tests,
                                       harness_setup, harness_teardown);
}
