/*
 * pam-login.c: opens one PAM session for a user through the real libpam,
 * the way login or sshd would, and prints the AWS_* variables the session
 * got. The demo (demo.sh) and the README use it; it is not installed.
 *
 *   pam-login CONFDIR SERVICE USER
 *
 * CONFDIR holds the PAM service file SERVICE (pam_start_confdir, so
 * /etc/pam.d is never touched). Secrets are masked unless
 * PAM_LOGIN_SHOW_SECRETS=1. Exit status: 0 when the session opened.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <security/pam_appl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Shows what a module says to the user (pam_info, pam_error). */
static int
conversation(int n, const struct pam_message **msg, struct pam_response **resp,
             void *data)
{
    struct pam_response *r = calloc((size_t) n, sizeof(*r));

    (void) data;
    if (r == NULL)
        return PAM_BUF_ERR;
    for (int i = 0; i < n; i++)
        if (msg[i]->msg_style == PAM_TEXT_INFO
            || msg[i]->msg_style == PAM_ERROR_MSG)
            printf("  [module says] %s\n", msg[i]->msg);
    *resp = r;
    return PAM_SUCCESS;
}

static void
print_variable(const char *entry, int show_secrets)
{
    const char *eq = strchr(entry, '=');
    size_t value_len = eq != NULL ? strlen(eq + 1) : 0;
    int secret = strncmp(entry, "AWS_SECRET_ACCESS_KEY=", 22) == 0
                 || strncmp(entry, "AWS_SESSION_TOKEN=", 18) == 0;

    if (strncmp(entry, "AWS_", 4) != 0 || eq == NULL)
        return;
    if (secret && !show_secrets && value_len > 4)
        printf("  %.*s=****************%s\n", (int) (eq - entry), entry,
               eq + 1 + value_len - 4);
    else
        printf("  %s\n", entry);
}

int
main(int argc, char **argv)
{
    struct pam_conv conv = {conversation, NULL};
    pam_handle_t *pamh = NULL;
    const char *show = getenv("PAM_LOGIN_SHOW_SECRETS");
    char **env;
    int rc;

    if (argc != 4) {
        fprintf(stderr, "usage: pam-login CONFDIR SERVICE USER\n");
        return 2;
    }
    rc = pam_start_confdir(argv[2], argv[3], &conv, argv[1], &pamh);
    if (rc != PAM_SUCCESS) {
        fprintf(stderr, "pam_start: %s\n", pam_strerror(pamh, rc));
        return 1;
    }
    rc = pam_open_session(pamh, 0);
    printf("pam_open_session: %s\n", pam_strerror(pamh, rc));
    if (rc == PAM_SUCCESS) {
        printf("session environment:\n");
        env = pam_getenvlist(pamh);
        for (char **e = env; e != NULL && *e != NULL; e++) {
            print_variable(*e, show != NULL && strcmp(show, "1") == 0);
            free(*e);
        }
        free(env);
        pam_close_session(pamh, 0);
    }
    pam_end(pamh, rc);
    return rc == PAM_SUCCESS ? 0 : 1;
}
