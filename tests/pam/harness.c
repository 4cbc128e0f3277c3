/*
 * harness.c: the world of harness.h. pam_syslog() lines are captured by
 * defining syslog() here (the test programs are linked with
 * -export-dynamic, so libpam binds to these).
 *
 * Every stack says clock_check=never (no test reaches the network); the
 * clock tests turn the check on against tests/lib/fault_server.py, whose
 * Date header lies to play AWS's clock.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

struct world W;
char logbuf[65536];

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
    log_capture(priority, fmt, ap);
}

void
__syslog_chk(int priority, int flag, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    log_capture(priority, fmt, ap);
    va_end(ap);
}

/* ---- Helpers ----------------------------------------------------------- */

/* Takes our LD_PRELOAD (pam_wrapper, the ASan runtime) out of the
   environment of the programs we start; returns it for preload_resume(). */
static char *
preload_suspend(void)
{
    const char *preload = getenv("LD_PRELOAD");
    char *saved = preload != NULL ? strdup(preload) : NULL;

    unsetenv("LD_PRELOAD");
    return saved;
}

static void
preload_resume(char *saved)
{
    if (saved != NULL)
        setenv("LD_PRELOAD", saved, 1);
    free(saved);
}

/* system() without our LD_PRELOAD: pam_wrapper makes a directory under
   /tmp in every process that loads it and removes it at exit, which a
   shell that execs its last command never reaches. */
int
system_unwrapped(const char *cmd)
{
    char *saved = preload_suspend();
    int status = system(cmd);

    preload_resume(saved);
    return status;
}

void
run_cmd(const char *fmt, ...)
{
    char cmd[2048];
    va_list ap;
    int status;

    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    status = system_unwrapped(cmd);
    if (status != 0)
        fprintf(stderr, "# command failed (%d): %s\n", status, cmd);
}

/* Writes path with content (setup, outside any test). */
static void
put_file_raw(const char *path, const char *content)
{
    FILE *f = fopen(path, "w");

    if (f != NULL) {
        fputs(content, f);
        fclose(f);
    }
}

/* Writes path with content, mode and owner. */
void
put_file(const char *path, const char *content, mode_t mode, uid_t uid,
         gid_t gid)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
    if (W.root)
        assert_int_equal(chown(path, uid, gid), 0);
}

/* A path under alice's ~/.aws. */
const char *
aws_path(const char *name)
{
    static char path[1024];

    snprintf(path, sizeof(path), "%s/.aws/%s", W.ahome, name);
    return path;
}

void
alice_file(const char *name, const char *content, mode_t mode)
{
    put_file(aws_path(name), content, mode, W.auid, W.agid);
}

/* Empties alice's ~/.aws, the conf file and the log before each test. */
int
harness_reset(void **state)
{
    char path[1024];

    run_cmd("rm -rf '%s/.aws' '%s/pam_awscred.conf'", W.ahome, W.dir);
    snprintf(path, sizeof(path), "%s/.aws", W.ahome);
    assert_int_equal(mkdir(path, 0700), 0);
    if (W.root)
        assert_int_equal(chown(path, W.auid, W.agid), 0);
    logbuf[0] = '\0';
    return 0;
}

/*
 * pam_wrapper copies the service directory once, when it starts, so the
 * one service file "awscred" includes, by absolute path, a stack file
 * that each test rewrites and libpam reads at every pam_start.
 */
const char svc_name[] = "awscred";

/* libpam 1.5 reads 1023 bytes of a line and takes the rest for the next
   line: a long build path (distcheck's) would make the stack invalid. */
static void
assert_lines_fit_libpam(const char *text)
{
    const char *line, *end;

    for (line = text; *line != '\0'; line = end + 1) {
        end = strchr(line, '\n');
        if (end == NULL)
            end = line + strlen(line);
        if (end - line >= 1023)
            fail_msg("a PAM stack line of %d bytes: libpam splits it",
                     (int) (end - line));
        if (*end == '\0')
            break;
    }
}

/* Our module's stack line with opts. */
void
module_line(char *buf, size_t size, const char *opts)
{
    snprintf(buf, size,
             "session required %s worker=%s net_module=%s conf=%s/pam_awscred.conf"
             " clock_check=never %s %s\n",
             W.module, W.worker, W.net_module, W.dir, W.fileopts, opts);
}

/* Writes the stack: pam_permit, pre (may be ""), our module, then post
   (may be "") and, when post is set, our module a second time. */
void
service_around(const char *pre, const char *opts, const char *post)
{
    char path[512], text[33024], line[16384];

    snprintf(path, sizeof(path), "%s/stack", W.dir);
    module_line(line, sizeof(line), opts);
    snprintf(text, sizeof(text),
             "session required pam_permit.so\n%s%s%s%s%s%s",
             pre, pre[0] ? "\n" : "", line, post, post[0] ? "\n" : "",
             post[0] ? line : "");
    assert_lines_fit_libpam(text);
    put_file(path, text, 0644, 0, 0);
}

void
service(const char *pre, const char *opts)
{
    service_around(pre, opts, "");
}

void
conv_init(struct conv_capture *c)
{
    memset(c, 0, sizeof(*c));
    for (int i = 0; i < 4; i++)
        c->out_info[i] = c->info[i];
    c->data.out_info = c->out_info;
}

/* A conversation that, unlike libpamtest's, also keeps the echo-off
   prompts (c->prompt) and answers each with c->answer; PAM_TEXT_INFO and
   PAM_ERROR_MSG lines go to c->info, in order. */
int
conv_record(int n, const struct pam_message **msg, struct pam_response **resp,
            void *data)
{
    struct conv_capture *c = data;
    size_t prompts = 0, shown = 0;

    while (prompts < 4 && c->prompt[prompts][0] != '\0')
        prompts++;
    while (shown < 4 && c->info[shown][0] != '\0')
        shown++;
    *resp = calloc((size_t) n, sizeof(**resp));
    if (*resp == NULL)
        return PAM_BUF_ERR;
    for (int i = 0; i < n; i++) {
        bool prompt = msg[i]->msg_style == PAM_PROMPT_ECHO_OFF;
        char *to = prompt ? (prompts < 4 ? c->prompt[prompts++] : NULL)
                          : (shown < 4 ? c->info[shown++] : NULL);

        if (to != NULL)
            snprintf(to, PAM_MAX_MSG_SIZE, "%s", msg[i]->msg);
        if (prompt)
            (*resp)[i].resp = strdup(c->answer != NULL ? c->answer : "");
    }
    return PAM_SUCCESS;
}

/* Writes the stack of a login with MFA: auth (auth_control, our module
   with mfa, mfa_dir=%D/mfa and auth_opts, then pam_permit), then session
   (pam_permit, our module with mfa_dir= and session_opts). */
void
mfa_service(const char *auth_control, const char *auth_opts,
            const char *session_opts)
{
    char path[512], text[50000], opts[8192], auth[24576], session[24576];

    snprintf(opts, sizeof(opts), "mfa mfa_dir=%s/mfa %s", W.dir, auth_opts);
    module_line(auth, sizeof(auth), opts);
    snprintf(opts, sizeof(opts), "mfa_dir=%s/mfa %s", W.dir, session_opts);
    module_line(session, sizeof(session), opts);
    snprintf(path, sizeof(path), "%s/stack", W.dir);
    snprintf(text, sizeof(text), "auth %s %sauth required pam_permit.so\n"
             "session required pam_permit.so\n%s", auth_control,
             auth + strlen("session required "), session);
    assert_lines_fit_libpam(text);
    put_file(path, text, 0644, 0, 0);
}

/* One interactive login (PAM_TTY "ssh") through mfa_service's stack, each
   prompt answered with code. Returns the session's environment; what the
   user saw is in conv. */
char **
mfa_login(const char *auth_control, const char *auth_opts,
          const char *session_opts, const char *code, int auth_rv,
          int open_rv, struct conv_capture *conv)
{
    struct pam_conv pc = { conv_record, conv };
    pam_handle_t *pamh = NULL;
    char **env;
    int rv;

    mfa_service(auth_control, auth_opts, session_opts);
    conv_init(conv);
    conv->answer = code;
    logbuf[0] = '\0';
    assert_int_equal(pam_start(svc_name, W.alice, &pc, &pamh), PAM_SUCCESS);
    assert_int_equal(pam_set_item(pamh, PAM_TTY, "ssh"), PAM_SUCCESS);
    if ((rv = pam_authenticate(pamh, 0)) != auth_rv)
        fail_msg("authenticate returned %d, not %d; log:\n%s", rv, auth_rv,
                 logbuf);
    if ((rv = pam_open_session(pamh, 0)) != open_rv)
        fail_msg("open_session returned %d, not %d; log:\n%s", rv, open_rv,
                 logbuf);
    env = pam_getenvlist(pamh);
    pam_end(pamh, PAM_SUCCESS);
    return env;
}

/* The loopback STS (the time server, W.clock) answers every request with
   status and body; skips the test without python3. */
void
sts_answer(int status, const char *body)
{
    char script[4096];

    if (W.clock.port == 0) {
        printf("# needs python3 for the loopback STS\n");
        skip();
    }
    snprintf(script, sizeof(script),
             "{\"default\": {\"status\": %d, \"body\": \"%s\"}}", status,
             body);
    fault_server_script(&W.clock, script);
}

/* The body of the last request the loopback STS saw ("\"body\": ..."),
   or NULL. */
const char *
last_sts_body(void)
{
    const char *log = fault_server_log(&W.clock), *last = log, *p;

    for (p = log; *p != '\0'; p++)
        if (*p == '\n' && p[1] != '\0')
            last = p + 1;
    return strstr(last, "\"body\": ");
}

/* Runs open_session for user and returns the environment afterwards. */
char **
open_env_as(const char *user, const char *opts, int expected)
{
    struct pam_testcase cases[] = {
        pam_test(PAMTEST_OPEN_SESSION, expected),
        pam_test(PAMTEST_GETENVLIST, PAM_SUCCESS),
    };
    struct conv_capture conv;  /* libpamtest needs one for pam_info */
    enum pamtest_err perr;

    service("", opts);
    conv_init(&conv);
    perr = run_pamtest(svc_name, user, &conv.data, cases, NULL);
    if (perr != PAMTEST_ERR_OK)
        fprintf(stderr, "# pamtest: %s (open_session returned %d)\n# log:\n%s",
                pamtest_strerror(perr), cases[0].op_rv, logbuf);
    assert_int_equal(perr, PAMTEST_ERR_OK);
    return cases[1].case_out.envlist;
}

char **
open_env(const char *opts, int expected)
{
    return open_env_as(W.alice, opts, expected);
}

const char *
env_get(char **env, const char *name)
{
    size_t len = strlen(name);

    for (; env != NULL && *env != NULL; env++)
        if (strncmp(*env, name, len) == 0 && (*env)[len] == '=')
            return *env + len + 1;
    return NULL;
}

/* Asserts name=value is in env, showing the log when it is not. */
void
assert_env(char **env, const char *name, const char *value)
{
    const char *got = env_get(env, name);

    if (got == NULL)
        fail_msg("%s is not set; log was:\n%s", name, logbuf);
    assert_string_equal(got, value);
}

/* Asserts no AWS_ variable at all. */
void
assert_no_aws(char **env)
{
    for (; env != NULL && *env != NULL; env++)
        if (strncmp(*env, "AWS_", 4) == 0)
            fail_msg("unexpected %.40s", *env);
}

void
assert_logged(const char *text)
{
    if (strstr(logbuf, text) == NULL)
        fail_msg("log lacks \"%s\"; log was:\n%s", text, logbuf);
}

void
assert_not_logged(const char *text)
{
    if (strstr(logbuf, text) != NULL)
        fail_msg("log has \"%s\"; log was:\n%s", text, logbuf);
}

void
alice_static_keys(void)
{
    alice_file("credentials",
               "[default]\naws_access_key_id = " KEY_A "\n"
               "aws_secret_access_key = " SECRET_A "\n"
               "[dev]\naws_access_key_id = " KEY_DEV "\n"
               "aws_secret_access_key = " SECRET_DEV "\n"
               "aws_session_token = " TOKEN "\n", 0600);
    alice_file("config", "[default]\nregion = eu-central-1\n"
               "[profile dev]\nregion = us-east-2\n", 0600);
}

void
pam_env_line(char *line, size_t size, const char *conf_text)
{
    char envconf[512];

    snprintf(envconf, sizeof(envconf), "%s/pam_env.conf", W.dir);
    put_file(envconf, conf_text, 0644, 0, 0);
    snprintf(line, size,
             "session required pam_env.so readenv=0 user_readenv=0 conffile=%s",
             envconf);
}


/* ---- Setup -------------------------------------------------------------- */

/* Creates user name with home under W.dir (root only). */
static int
make_user(const char *name, char *home, size_t size, uid_t *uid, gid_t *gid)
{
    char cmd[1024];
    struct passwd *pw;

    snprintf(home, size, "%s/home-%s", W.dir, name);
    snprintf(cmd, sizeof(cmd),
             "useradd -M -d '%s' -s /bin/sh -U '%s' >/dev/null 2>&1", home,
             name);
    if (system_unwrapped(cmd) != 0)
        return -1;
    pw = getpwnam(name);
    if (pw == NULL || mkdir(home, 0755) < 0
        || chown(home, pw->pw_uid, pw->pw_gid) < 0)
        return -1;
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    return 0;
}

/* The loopback time server for the clock tests, started without our
   LD_PRELOAD (pam_wrapper, the ASan runtime). Leaves W.clock.port 0 when
   it cannot run. */
static void
clock_server_start(void)
{
    char *saved = preload_suspend();

    if (fault_server_start(&W.clock) < 0) {
        fault_server_stop(&W.clock);
        W.clock.port = 0;
    }
    preload_resume(saved);
}

int
harness_setup(void **state)
{
    const char *top = getenv("top_builddir");
    char path[600], text[1400];
    struct passwd *me;

    if (top == NULL)
        top = ".";
    snprintf(W.dir, sizeof(W.dir), "/tmp/awscred-pam-XXXXXX");
    if (mkdtemp(W.dir) == NULL || chmod(W.dir, 0755) < 0)
        return -1;
    snprintf(W.svc, sizeof(W.svc), "%s/pam.d", W.dir);
    mkdir(W.svc, 0755);
    snprintf(path, sizeof(path), "%s/awscred", W.svc);
    snprintf(text, sizeof(text), "auth include %s/stack\n"
             "session include %s/stack\n", W.dir, W.dir);
    put_file_raw(path, text);
    /* libpam wants an "other" service next to ours. */
    snprintf(path, sizeof(path), "%s/other", W.svc);
    put_file_raw(path, "session required pam_deny.so\n");
    setenv("PAM_WRAPPER_SERVICE_DIR", W.svc, 1);
    snprintf(W.module, sizeof(W.module), "%s/pam_awscred/.libs/pam_awscred.so",
             top);
    snprintf(W.worker, sizeof(W.worker), "%s/pam_awscred/awscred-worker", top);
    snprintf(W.net_module, sizeof(W.net_module),
             "%s/libawscred/.libs/awscred-net.so", top);
    W.root = geteuid() == 0;
    clock_server_start();
    if (W.root) {
        snprintf(W.alice, sizeof(W.alice), "awst-a%ld", (long) getpid());
        snprintf(W.bob, sizeof(W.bob), "awst-b%ld", (long) getpid());
        W.created_users = true;
        if (make_user(W.alice, W.ahome, sizeof(W.ahome), &W.auid, &W.agid) < 0
            || make_user(W.bob, W.bhome, sizeof(W.bhome), &W.buid, &W.bgid) < 0)
            return -1;
    } else {
        me = getpwuid(geteuid());
        if (me == NULL)
            return -1;
        snprintf(W.alice, sizeof(W.alice), "%s", me->pw_name);
        W.auid = me->pw_uid;
        W.agid = me->pw_gid;
        snprintf(W.ahome, sizeof(W.ahome), "%s/home", W.dir);
        mkdir(W.ahome, 0755);
        /* Not our real home: point the module at the test's files. */
        snprintf(W.fileopts, sizeof(W.fileopts),
                 "config_file=%s/.aws/config credentials_file=%s/.aws/credentials",
                 W.ahome, W.ahome);
    }
    return 0;
}

int
harness_teardown(void **state)
{
    if (W.clock.port != 0)
        fault_server_stop(&W.clock);
    if (W.created_users) {
        run_cmd("userdel '%s' >/dev/null 2>&1", W.alice);
        run_cmd("userdel '%s' >/dev/null 2>&1", W.bob);
    }
    if (W.dir[0] != '\0')
        run_cmd("rm -rf '%s'", W.dir);
    return 0;
}
