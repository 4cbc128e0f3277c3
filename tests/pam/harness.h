/*
 * harness.h: the world the PAM-stack tests share (session-t.c, script-t.c):
 * two users (created as root, else the current user), their ~/.aws, a
 * PAM service whose stack each test rewrites, pam_syslog() lines captured
 * in logbuf, and the loopback server of tests/lib/fault_server.py that
 * plays AWS's clock or STS (sts_answer, last_sts_body); mfa_login runs
 * the auth stack with a conversation that answers the MFA prompt.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef TESTS_PAM_HARNESS_H
#define TESTS_PAM_HARNESS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <libpamtest.h>
#include <security/pam_appl.h>

#include "fault_server_c.h"

#define KEY_A "AKIAALICEALICEALICE1"
#define SECRET_A "aliceSecretKey/aliceSecretKey+aliceSecre"
#define KEY_DEV "AKIADEVDEVDEVDEVDEV2"
#define SECRET_DEV "devSecretKey/devSecretKey+devSecretKey00"
#define KEY_SYS "AKIASYSTEMSYSTEMSYS3"
#define SECRET_SYS "systemSecret/systemSecret+systemSecret00"
#define KEY_BOB "AKIABOBBOBBOBBOBBOB4"
#define TOKEN "FwoGZXIvYXdzEBYaDBase64Token+With/Slashes=="

/* ---- The world the tests share ---------------------------------------- */

struct world {
    char dir[256];          /* base temporary directory */
    char svc[300];          /* PAM_WRAPPER_SERVICE_DIR */
    char module[PATH_MAX];
    char worker[PATH_MAX];
    char net_module[PATH_MAX];
    bool root;
    bool created_users;
    char alice[33], bob[33];
    uid_t auid, buid;
    gid_t agid, bgid;
    char ahome[512], bhome[512];
    char fileopts[1200];    /* config_file=/credentials_file= when needed */
    struct fault_server clock;  /* plays AWS's clock; port 0: not running */
};

extern struct world W;
extern char logbuf[65536];
extern const char svc_name[];

/* Visible to libpam despite -fvisibility=hidden. */
#define EXPORTED __attribute__((visibility("default")))

/* Buffers for what the conversation gets (libpamtest copies without a
   terminating NUL, so they start zeroed). */
struct conv_capture {
    char info[4][PAM_MAX_MSG_SIZE];
    char *out_info[5];
    struct pamtest_conv_data data;
    /* With conv_record (mfa_login): the echo-off prompts and the answer
       every one gets. */
    char prompt[4][PAM_MAX_MSG_SIZE];
    const char *answer;
};

/* cmocka group setup and teardown, and the per-test reset. */
int harness_setup(void **state);
int harness_teardown(void **state);
int harness_reset(void **state);

int system_unwrapped(const char *cmd);
void run_cmd(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
void put_file(const char *path, const char *content, mode_t mode, uid_t uid,
              gid_t gid);
const char *aws_path(const char *name);
void alice_file(const char *name, const char *content, mode_t mode);
void alice_static_keys(void);
void module_line(char *buf, size_t size, const char *opts);
void service_around(const char *pre, const char *opts, const char *post);
void service(const char *pre, const char *opts);
void pam_env_line(char *line, size_t size, const char *conf_text);
void conv_init(struct conv_capture *c);
int conv_record(int n, const struct pam_message **msg,
                struct pam_response **resp, void *data);
void mfa_service(const char *auth_control, const char *auth_opts,
                 const char *session_opts);
char **mfa_login(const char *auth_control, const char *auth_opts,
                 const char *session_opts, const char *code, int auth_rv,
                 int open_rv, struct conv_capture *conv);
void sts_answer(int status, const char *body);
const char *last_sts_body(void);
char **open_env_as(const char *user, const char *opts, int expected);
char **open_env(const char *opts, int expected);
const char *env_get(char **env, const char *name);
void assert_env(char **env, const char *name, const char *value);
void assert_no_aws(char **env);
void assert_logged(const char *text);
void assert_not_logged(const char *text);

#endif
