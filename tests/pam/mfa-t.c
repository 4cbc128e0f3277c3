/*
 * mfa-t.c: MFA at login in user mode, through the real libpam under
 * pam_wrapper (mfa.sh runs it with LD_PRELOAD=libpam_wrapper.so) and a
 * loopback STS (tests/lib/fault_server.py) that records what it got.
 *
 * The auth phase asks for the code of the mfa_serial in the user's own
 * profile (the worker reads it as the user), then gets a GetSessionToken
 * session (a profile with long-term keys) or assumes the role (a role
 * profile) with SerialNumber and TokenCode; the session phase redeems
 * the one-time handle. Root only: each test user is made with useradd
 * (removed at the end), so the worker, the user, may write her own
 * ~/.aws/cli/cache under the test's directory and nowhere else.
 *
 * pam_syslog() lines are captured by defining syslog() here (the program
 * is linked with -export-dynamic, so libpam binds to these).
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <fcntl.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>
#include <security/pam_appl.h>

#include "fault_server_c.h"

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
#define STS_DENIED "<ErrorResponse><Error><Type>Sender</Type>" \
    "<Code>AccessDenied</Code><Message>MultiFactorAuthentication failed" \
    " with invalid MFA one time pass code.</Message></Error></ErrorResponse>"

struct world {
    char dir[256];
    char svc[300];
    char module[1024], worker[1024], net_module[1024];
    char user[33], home[512];
    uid_t uid;
    gid_t gid;
    bool made_user;
    struct fault_server sts;
};

static struct world W;
static char logbuf[65536];

/* ---- syslog capture ---------------------------------------------------- */

static void
log_capture(int priority, const char *fmt, va_list ap)
{
    size_t used = strlen(logbuf);
    int n;

    if (used + 16 >= sizeof(logbuf))
        return;
    n = snprintf(logbuf + used, sizeof(logbuf) - used, "<%d>",
                 priority & LOG_PRIMASK);
    if (n > 0)
        used += (size_t) n;
    vsnprintf(logbuf + used, sizeof(logbuf) - used - 1, fmt, ap);
    strcat(logbuf, "\n");
}

#define EXPORTED __attribute__((visibility("default")))

EXPORTED void vsyslog(int priority, const char *fmt, va_list ap);
EXPORTED void syslog(int priority, const char *fmt, ...);
EXPORTED void __vsyslog_chk(int priority, int flag, const char *fmt,
                            va_list ap);
EXPORTED void __syslog_chk(int priority, int flag, const char *fmt, ...);

void
vsyslog(int priority, const char *fmt, va_list ap)
{
    log_capture(priority, fmt, ap);
}

void
syslog(int priority, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_capture(priority, fmt, ap);
    va_end(ap);
}

void
__vsyslog_chk(int priority, int flag, const char *fmt, va_list ap)
{
    (void) flag;
    log_capture(priority, fmt, ap);
}

void
__syslog_chk(int priority, int flag, const char *fmt, ...)
{
    va_list ap;

    (void) flag;
    va_start(ap, fmt);
    log_capture(priority, fmt, ap);
    va_end(ap);
}

/* ---- helpers ----------------------------------------------------------- */

/* Our LD_PRELOAD (pam_wrapper) out of the environment of the programs
   we start, and back: pam_wrapper would leave its directory behind in a
   shell that execs its last command. */
static char *
preload_off(void)
{
    const char *preload = getenv("LD_PRELOAD");
    char *saved = preload != NULL ? strdup(preload) : NULL;

    unsetenv("LD_PRELOAD");
    return saved;
}

static void
preload_on(char *saved)
{
    if (saved != NULL)
        setenv("LD_PRELOAD", saved, 1);
    free(saved);
}

static int
run_unwrapped(const char *cmd)
{
    char *saved = preload_off();
    int status = system(cmd);

    preload_on(saved);
    return status;
}

/* Writes one of the user's files, hers and 0600. */
static void
user_file(const char *name, const char *content)
{
    char path[700];
    FILE *f;

    snprintf(path, sizeof(path), "%s/.aws/%s", W.home, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    assert_int_equal(chmod(path, 0600), 0);
    assert_int_equal(chown(path, W.uid, W.gid), 0);
}

/* The user's profile: long-term keys, or a role over them; both with
   mfa_serial and the loopback STS. */
static void
user_profile(bool role)
{
    char text[1024];

    snprintf(text, sizeof(text),
             "[default]\nregion = eu-west-1\nmfa_serial = %s\n"
             "endpoint_url = http://127.0.0.1:%d/\n%s", SERIAL, W.sts.port,
             role ? "role_arn = arn:aws:iam::123456789012:role/dev\n"
                    "source_profile = base\n[profile base]\n" : "");
    user_file("config", text);
    snprintf(text, sizeof(text), "[%s]\naws_access_key_id = " KEY_LONG
             "\naws_secret_access_key = " SECRET_LONG "\n",
             role ? "base" : "default");
    user_file("credentials", text);
}

static void
sts_answers(int status, const char *body)
{
    char script[2048];

    snprintf(script, sizeof(script),
             "{\"default\": {\"status\": %d, \"body\": \"%s\"}}", status,
             body);
    fault_server_script(&W.sts, script);
}

/* The body of the last request STS got ("\"body\": ..."), or NULL. */
static const char *
last_sts_request(void)
{
    const char *log = fault_server_log(&W.sts), *last = log, *p;

    for (p = log; *p != '\0'; p++)
        if (*p == '\n' && p[1] != '\0')
            last = p + 1;
    return strstr(last, "\"body\": ");
}

/* What the user saw and what she answered. */
struct conv_log {
    const char *code;   /* the answer to an echo-off prompt */
    char prompts[1024]; /* the prompts, one a line */
    char shown[2048];   /* PAM_ERROR_MSG and PAM_TEXT_INFO, one a line */
};

static int
conv(int n, const struct pam_message **msg, struct pam_response **resp,
     void *data)
{
    struct conv_log *c = data;

    *resp = calloc((size_t) n, sizeof(**resp));
    if (*resp == NULL)
        return PAM_BUF_ERR;
    for (int i = 0; i < n; i++) {
        char *seen = msg[i]->msg_style == PAM_PROMPT_ECHO_OFF ? c->prompts
                                                              : c->shown;
        size_t size = msg[i]->msg_style == PAM_PROMPT_ECHO_OFF
                          ? sizeof(c->prompts) : sizeof(c->shown);

        snprintf(seen + strlen(seen), size - strlen(seen), "%s\n",
                 msg[i]->msg);
        if (msg[i]->msg_style == PAM_PROMPT_ECHO_OFF)
            (*resp)[i].resp = strdup(c->code);
    }
    return PAM_SUCCESS;
}

/* One login: the stack is auth <control> pam_awscred mfa auth_opts,
   then the session line with session_opts; auth and open_session must
   return what is expected. Returns the session's environment (free with
   free_env). */
static char **
login_stack(const char *control, const char *auth_opts,
            const char *session_opts, struct conv_log *c, int auth_rv,
            int open_rv)
{
    struct pam_conv pc = { conv, c };
    pam_handle_t *pamh = NULL;
    char path[600], text[20000], base[4096];
    char **env;
    FILE *f;

    snprintf(base, sizeof(base), "%s worker=%s net_module=%s conf=%s/none"
             " clock_check=never mfa_dir=%s/mfa", W.module, W.worker,
             W.net_module, W.dir, W.dir);
    snprintf(text, sizeof(text), "auth %s %s mfa %s\n"
             "auth required pam_permit.so\nsession required pam_permit.so\n"
             "session required %s %s\n", control, base, auth_opts, base,
             session_opts);
    snprintf(path, sizeof(path), "%s/stack", W.dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    logbuf[0] = '\0';
    assert_int_equal(pam_start("awscred", W.user, &pc, &pamh), PAM_SUCCESS);
    assert_int_equal(pam_set_item(pamh, PAM_TTY, "ssh"), PAM_SUCCESS);
    assert_int_equal(pam_authenticate(pamh, 0), auth_rv);
    if (pam_open_session(pamh, 0) != open_rv)
        fail_msg("open_session did not return %d; log:\n%s", open_rv,
                 logbuf);
    env = pam_getenvlist(pamh);
    pam_end(pamh, PAM_SUCCESS);
    return env;
}

/* The same options, mfa included, on both lines. */
static char **
login(const char *control, const char *opts, struct conv_log *c,
      int auth_rv, int open_rv)
{
    char session[2048];

    snprintf(session, sizeof(session), "mfa %s", opts);
    return login_stack(control, opts, session, c, auth_rv, open_rv);
}

static const char *
env_get(char **env, const char *name)
{
    size_t len = strlen(name);

    for (; env != NULL && *env != NULL; env++)
        if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
            return *env + len + 1;
    return NULL;
}

static void
free_env(char **env)
{
    for (char **e = env; e != NULL && *e != NULL; e++)
        free(*e);
    free(env);
}

static void
assert_env(char **env, const char *name, const char *value)
{
    const char *got = env_get(env, name);

    if (got == NULL)
        fail_msg("%s is not set; log was:\n%s", name, logbuf);
    assert_string_equal(got, value);
}

static void
assert_no_aws(char **env)
{
    for (; env != NULL && *env != NULL; env++)
        if (strncmp(*env, "AWS", 3) == 0)
            fail_msg("unexpected %.40s", *env);
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
    struct conv_log c = { .code = "123456" };
    const char *body;
    char **env;

    (void) state;
    user_profile(false);
    sts_answers(200, STS_SESSION_OK);
    env = login("required", "", &c, PAM_SUCCESS, PAM_SUCCESS);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_SESSION);
    assert_null(env_get(env, "AWSCRED_MFA_HANDLE"));
    assert_null(env_get(env, "AWSCRED_MFA_CODE"));
    free_env(env);
    assert_has(c.prompts, "AWS MFA code for " SERIAL ":", "the prompt");
    /* keys after MFA: the session says when they end, whatever is left */
    assert_has(c.shown, "AWS credentials expire at 00:00 UTC (in ",
               "what the user saw");
    body = last_sts_request();
    assert_has(body, "\"body\": \"Action=GetSessionToken&Version=2011-06-15"
               "&DurationSeconds=43200&" SERIAL_FORM "&TokenCode=123456\"",
               "the STS request");
    assert_has(fault_server_log(&W.sts), "Credential=" KEY_LONG "/",
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
    struct conv_log c = { .code = "123456" };
    char **env;

    (void) state;
    user_profile(false);
    sts_answers(200, STS_SESSION_OK);
    env = login("required", "mfa_session_duration=3600", &c, PAM_SUCCESS,
                PAM_SUCCESS);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_SESSION);
    free_env(env);
    assert_has(last_sts_request(), "&DurationSeconds=3600&",
               "the STS request");
    memset(c.prompts, 0, sizeof(c.prompts));
    env = login("optional", "mfa_session_duration=899", &c, PAM_SUCCESS,
                PAM_SUCCESS);
    free_env(env);
    assert_has(logbuf, "mfa_session_duration", "the log");
    assert_has(logbuf, "900 to 129600", "the log");
}

/* A16.8: a role profile with mfa_serial: AssumeRole carries SerialNumber
   and TokenCode, every login, even with the role's session in the CLI's
   cache from the login before (the code must be checked). */
static void
test_role_profile(void **state)
{
    struct conv_log c = { .code = "123456" };
    unsigned before;
    char **env;

    (void) state;
    user_profile(true);
    sts_answers(200, STS_ROLE_OK);
    for (int i = 0; i < 2; i++) {
        before = fault_server_requests(&W.sts);
        env = login("required", "", &c, PAM_SUCCESS, PAM_SUCCESS);
        assert_env(env, "AWS_ACCESS_KEY_ID", KEY_ROLE);
        free_env(env);
        assert_int_equal(fault_server_requests(&W.sts), before + 1);
        assert_has(last_sts_request(), SERIAL_FORM, "the STS request");
        assert_has(last_sts_request(), "&TokenCode=123456\"",
                   "the STS request");
        assert_has(last_sts_request(), "Action=AssumeRole&",
                   "the STS request");
    }
}

/* A16.9: a wrong code: the user sees one sentence saying so, with STS's
   words, syslog has STS's error;
   required refuses; optional goes on and the session has no AWS
   credentials at all (not the long-term keys without MFA). */
static void
test_wrong_code(void **state)
{
    struct conv_log c = { .code = "654321" };
    char **env;

    (void) state;
    user_profile(false);
    sts_answers(403, STS_DENIED);
    env = login("required", "", &c, PAM_AUTH_ERR, PAM_SUCCESS);
    free_env(env);
    assert_has(c.shown, "AWS: the MFA code for " SERIAL " was not accepted"
               " (wrong, expired or already used): log in again with a new"
               " code. STS said: MultiFactorAuthentication failed with"
               " invalid MFA one time pass code", "what the user saw");
    assert_has(logbuf, "MultiFactorAuthentication failed", "the log");
    memset(&c, 0, sizeof(c));
    c.code = "654321";
    env = login("optional", "", &c, PAM_SUCCESS, PAM_SUCCESS);
    assert_no_aws(env);
    free_env(env);
}

/* A16.10: no mfa_serial in her profile: no prompt, her credentials as
   without mfa, and the auth module is ignored (nothing to refuse). */
static void
test_no_mfa_serial(void **state)
{
    struct conv_log c = { .code = "123456" };
    char **env;

    (void) state;
    user_file("config", "[default]\nregion = eu-west-1\n");
    user_file("credentials", "[default]\naws_access_key_id = " KEY_LONG
              "\naws_secret_access_key = " SECRET_LONG "\n");
    env = login("required", "", &c, PAM_SUCCESS, PAM_SUCCESS);
    assert_env(env, "AWS_ACCESS_KEY_ID", KEY_LONG);
    free_env(env);
    assert_string_equal(c.prompts, "");
}

/* A16.11: an mfa_serial that is not STS's SerialNumber (here a control
   character and a space) is never shown in a prompt nor sent; nor is
   anything when her profile is missing. Her own files cannot refuse her
   login: auth is ignored, and the session gets no credentials. */
static void
test_bad_mfa_serial(void **state)
{
    struct conv_log c = { .code = "123456" };
    unsigned before = fault_server_requests(&W.sts);
    char **env;

    (void) state;
    user_profile(false);
    user_file("config", "[default]\nmfa_serial = arn:aws:iam::1:mfa/a\033]0;x"
              " y\n");
    env = login("required", "", &c, PAM_SUCCESS, PAM_SUCCESS);
    assert_no_aws(env);
    free_env(env);
    assert_string_equal(c.prompts, "");
    assert_has(logbuf, "the mfa_serial of profile default is not 9 to 256",
               "the log");
    assert_has(logbuf, "the auth phase left no MFA handle", "the log");
    env = login("required", "profile=missing", &c, PAM_SUCCESS,
                PAM_SUCCESS);
    assert_no_aws(env);
    free_env(env);
    assert_string_equal(c.prompts, "");
    assert_has(logbuf, "The config profile (missing) could not be found",
               "the log");
    assert_int_equal(fault_server_requests(&W.sts), before);
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

/* A16.12: the broker is told mfa even when the session line lacks it,
   so that it never renews the login's credentials without a code. */
static void
test_broker_told_mfa(void **state)
{
    struct conv_log c = { .code = "123456" };
    char sock[300], out[300], opts[700], frame[16384] = "";
    char **env;
    pid_t pid;
    FILE *f;
    int status;

    (void) state;
    user_profile(false);
    sts_answers(200, STS_SESSION_OK);
    snprintf(sock, sizeof(sock), "%s/broker.sock", W.dir);
    snprintf(out, sizeof(out), "%s/registration", W.dir);
    unlink(sock);
    pid = fake_broker(sock, out);
    snprintf(opts, sizeof(opts), "deliver=auto broker_socket=%s", sock);
    env = login_stack("required", "", opts, &c, PAM_SUCCESS, PAM_SUCCESS);
    free_env(env);
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

/* ---- setup ------------------------------------------------------------- */

static int
setup(void **state)
{
    const char *top = getenv("top_builddir");
    char path[700], cmd[1024], *saved;
    struct passwd *pw;
    FILE *f;
    int rc;

    (void) state;
    if (top == NULL)
        top = ".";
    snprintf(W.dir, sizeof(W.dir), "/tmp/awscred-mfa-XXXXXX");
    if (mkdtemp(W.dir) == NULL || chmod(W.dir, 0755) < 0)
        return -1;
    snprintf(W.svc, sizeof(W.svc), "%s/pam.d", W.dir);
    mkdir(W.svc, 0755);
    snprintf(path, sizeof(path), "%s/awscred", W.svc);
    f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "auth include %s/stack\nsession include %s/stack\n", W.dir,
            W.dir);
    fclose(f);
    snprintf(path, sizeof(path), "%s/other", W.svc);
    f = fopen(path, "w");
    if (f == NULL)
        return -1;
    fputs("auth required pam_deny.so\nsession required pam_deny.so\n", f);
    fclose(f);
    setenv("PAM_WRAPPER_SERVICE_DIR", W.svc, 1);
    snprintf(W.module, sizeof(W.module),
             "%s/pam_awscred/.libs/pam_awscred.so", top);
    snprintf(W.worker, sizeof(W.worker), "%s/pam_awscred/awscred-worker", top);
    snprintf(W.net_module, sizeof(W.net_module),
             "%s/libawscred/.libs/awscred-net.so", top);
    snprintf(W.user, sizeof(W.user), "awsm-%ld", (long) getpid());
    snprintf(W.home, sizeof(W.home), "%s/home", W.dir);
    snprintf(cmd, sizeof(cmd),
             "useradd -M -d '%s' -s /bin/sh -U '%s' >/dev/null 2>&1", W.home,
             W.user);
    if (run_unwrapped(cmd) != 0 || (pw = getpwnam(W.user)) == NULL)
        return -1;
    W.made_user = true;
    W.uid = pw->pw_uid;
    W.gid = pw->pw_gid;
    snprintf(path, sizeof(path), "%s/.aws", W.home);
    if (mkdir(W.home, 0755) < 0 || chown(W.home, W.uid, W.gid) < 0
        || mkdir(path, 0700) < 0 || chown(path, W.uid, W.gid) < 0)
        return -1;
    saved = preload_off();
    rc = fault_server_start(&W.sts);
    preload_on(saved);
    return rc < 0 ? -1 : 0;
}

static int
teardown(void **state)
{
    char cmd[600];

    (void) state;
    if (W.sts.port != 0)
        fault_server_stop(&W.sts);
    if (W.made_user) {
        snprintf(cmd, sizeof(cmd), "userdel '%s' >/dev/null 2>&1", W.user);
        run_unwrapped(cmd);
    }
    if (W.dir[0] != '\0') {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", W.dir);
        run_unwrapped(cmd);
    }
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session_token),
        cmocka_unit_test(test_session_duration),
        cmocka_unit_test(test_role_profile),
        cmocka_unit_test(test_wrong_code),
        cmocka_unit_test(test_no_mfa_serial),
        cmocka_unit_test(test_bad_mfa_serial),
        cmocka_unit_test(test_broker_told_mfa),
    };

    if (getenv("PAM_WRAPPER") == NULL) {
        printf("1..0 # SKIP run through mfa.sh (needs pam_wrapper)\n");
        return 0;
    }
    if (geteuid() != 0) {
        printf("1..0 # SKIP needs root: each test user is made with"
               " useradd\n");
        return 0;
    }
    return cmocka_run_group_tests_name("pam_awscred mfa", tests, setup,
                                       teardown);
}
