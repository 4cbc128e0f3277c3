/*
 * policy.c: who a login serves, decided before any worker runs
 * (pam_awscred(8), SECURITY). User mode runs programs named in the user's
 * files (credential_process) as the user, before ForceCommand, a chroot
 * or pam_limits apply; so an account that may not run commands (its shell
 * is nologin, false, or not in /etc/shells) gets nothing unless the admin
 * says nologin_users=allow. A session opened by another user (su, sudo:
 * PAM_RUSER) would hand the target's credentials to the caller, so it
 * gets nothing unless foreign_ruser=allow.
 *
 * /etc/shells is read here, bounded and with the checks of our own
 * configuration file, rather than with getusershell(3), whose position in
 * the file is process-wide state shared with the host.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "pam_awscred/internal.h"

/* What glibc's getusershell(3) assumes without /etc/shells. */
static const char default_shells[] = "/bin/sh\n/bin/csh\n";

bool
pamaws_shell_valid(const char *shells_text, const char *shell)
{
    const char *line, *base;
    size_t len, n;

    if (shell == NULL || shell[0] == '\0')
        shell = "/bin/sh";
    base = strrchr(shell, '/');
    base = base != NULL ? base + 1 : shell;
    if (strcmp(base, "nologin") == 0 || strcmp(base, "false") == 0)
        return false;
    len = strlen(shell);
    for (line = shells_text != NULL ? shells_text : default_shells;
         *line != '\0'; line += n) {
        line += strspn(line, " \t");
        n = strcspn(line, " \t\r\n");
        if (n == len && line[0] != '#' && memcmp(line, shell, len) == 0)
            return true;
        n += strcspn(line + n, "\n");
        if (line[n] == '\n')
            n++;
    }
    return false;
}

/*
 * Whether ruser, who opened the session, is someone else than user and
 * not root. An unknown ruser counts as someone else.
 */
static bool
ruser_foreign(const struct pamaws_user *user)
{
    struct passwd pw, *found = NULL;
    char buf[16384];

    if (user->ruser == NULL || user->ruser[0] == '\0'
        || strcmp(user->ruser, user->name) == 0)
        return false;
    if (getpwnam_r(user->ruser, &pw, buf, sizeof(buf), &found) != 0
        || found == NULL)
        return true;
    return pw.pw_uid != 0 && pw.pw_uid != user->uid;
}

enum pamaws_outcome
pamaws_policy_check(const struct pamaws_args *args,
                    const struct pamaws_user *user)
{
    char *shells;
    bool valid;

    if (args->config.refused != NULL) {
        pamaws_log(args, LOG_ERR, "no AWS credentials for user %s: refused"
                   " by the configuration (%s, logged above)", user->name,
                   args->config.refused);
        return PAMAWS_FAIL;
    }
    if (!args->config.foreign_ruser && ruser_foreign(user)) {
        pamaws_log(args, LOG_INFO, "nothing exported for user %s: the session"
                   " was opened by %.64s (su or sudo; foreign_ruser=skip)",
                   user->name, user->ruser);
        return PAMAWS_SKIP;
    }
    if (args->config.mode != PAMAWS_MODE_USER || args->config.nologin_users)
        return PAMAWS_EXPORT;
    shells = pamaws_read_root_file(args, PAMAWS_SHELLS);
    valid = pamaws_shell_valid(shells, user->shell);
    free(shells);
    if (!valid) {
        pamaws_log(args, LOG_INFO, "nothing exported for user %s: shell %.200s"
                   " is not a login shell of " PAMAWS_SHELLS
                   " (nologin_users=skip)", user->name,
                   user->shell != NULL ? user->shell : "(none)");
        return PAMAWS_SKIP;
    }
    return PAMAWS_EXPORT;
}
