/*
 * common.c: the parts of the awscred command the subcommands share. This
 * is the one place that reads process globals (environ, the passwd
 * entry, /dev/tty) and hands them to libawscred through the context.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "pam_awscred/internal.h"

bool
cli_global_option(struct cli_globals *g, int opt, const char *arg)
{
    switch (opt) {
    case OPT_PROFILE:
        g->profile = arg;
        return true;
    case OPT_REGION:
        g->region = arg;
        return true;
    case OPT_DEBUG:
        g->debug = true;
        return true;
    default:
        return false;
    }
}

void
cli_request(const struct cli_globals *g, struct awscred_request *req)
{
    memset(req, 0, sizeof(*req));
    req->profile = g->profile;
    req->region = g->region;
}

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "awscred %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'awscred --help'.\n");
    return EXIT_USAGE;
}

void
cli_report_unwrapped(const struct awscred_error *err)
{
    const char *detail = NULL;
    int len = (int) strlen(err->message);

    if (err->status == AWSCRED_ERR_CONFIG_PARSE)
        for (const char *p = strstr(err->message, ": line "); p != NULL;
             p = strstr(p + 1, ": line "))
            detail = p;
    if (detail != NULL)
        len = (int) (detail - err->message);
    fprintf(stderr, "\n%.*s\n", len, err->message);
}

static const char *
process_getenv(void *arg, const char *name)
{
    (void) arg;
    return getenv(name);
}

/* --debug lines quote files and helpers: escaped as the module's are. */
static void
stderr_log(void *arg, int priority, const char *message)
{
    char escaped[2048];

    (void) arg;
    pamaws_escape(message, escaped, sizeof(escaped));
    fprintf(stderr, "awscred[%d]: %s\n", priority, escaped);
}

/* Reads one line from /dev/tty with echo off (getpass.getpass). */
static int
tty_prompt(void *arg, const char *prompt, int echo, char *buf, size_t size)
{
    struct termios saved, quiet;
    int fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    bool restore = false;
    ssize_t n = 0;
    size_t used = 0;
    int status = -1;

    (void) arg;
    if (fd < 0 || size == 0)
        goto done;
    if (write(fd, prompt, strlen(prompt)) < 0)
        goto done;
    if (!echo && tcgetattr(fd, &saved) == 0) {
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t) ECHO;
        restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
    }
    while (used + 1 < size && (n = read(fd, buf + used, 1)) == 1
           && buf[used] != '\n')
        used++;
    buf[used] = '\0';
    status = n < 0 ? -1 : 0;
    if (restore) {
        tcsetattr(fd, TCSAFLUSH, &saved);
        if (write(fd, "\n", 1) < 0)
            status = -1;
    }

done:
    if (fd >= 0)
        close(fd);
    return status;
}

/* HOME, when set, is "~" (botocore's os.path.expanduser), and then the
   passwd database is not asked at all: its lookup (NSS, nsswitch.conf,
   /etc/passwd) was about 8 % of a static `awscred export`. A
   credential_process helper then gets USER from our environment, as
   botocore's gets all of it. Without HOME, the passwd entry. */
static __attribute__((noinline)) int
set_user_from_passwd(struct awscred_context *ctx, uid_t uid)
{
    struct passwd pw, *found = NULL;
    char buf[16384];

    if (getpwuid_r(uid, &pw, buf, sizeof(buf), &found) != 0 || found == NULL)
        return awscred_context_set_user(ctx, NULL, uid, getgid(), NULL);
    return awscred_context_set_user(ctx, pw.pw_name, pw.pw_uid, pw.pw_gid,
                                    pw.pw_dir);
}

/* The passwd buffer lives in its own frame: below it, the library's calls
   would fault in four more pages of stack at every start. */
static int
set_user(struct awscred_context *ctx)
{
    const char *home = getenv("HOME");
    uid_t uid = getuid();

    if (home == NULL)
        return set_user_from_passwd(ctx, uid);
    return awscred_context_set_user(ctx, NULL, uid, getgid(), home);
}

struct awscred_context *
cli_context_new(const struct cli_globals *g)
{
    struct awscred_context *ctx = awscred_context_new();
    const char *module = getenv("AWSCRED_NET_MODULE");

    if (ctx == NULL)
        goto nomem;
    awscred_context_set_env(ctx, process_getenv, NULL);
    /* The command's environment is its user's: proxies and the legacy
       providers as botocore. */
    awscred_context_set_flags(ctx, AWSCRED_FLAG_ENV_PROXIES
                                       | AWSCRED_FLAG_LEGACY_PROVIDERS);
    if (set_user(ctx) != 0)
        goto nomem;
    if (g->debug)
        awscred_context_set_log(ctx, stderr_log, NULL);
    awscred_context_set_prompt(ctx, tty_prompt, NULL);
    if (module != NULL && module[0] != '\0'
        && awscred_context_set_net_module(ctx, module) != 0)
        goto nomem;
    return ctx;

nomem:
    awscred_context_free(ctx);
    fprintf(stderr, "awscred: out of memory\n");
    return NULL;
}

/*
 * Whether the CLI would meet this error only when it first reads the
 * credentials: assume role, web identity and SSO fetch lazily
 * (DeferredRefreshableCredentials), so what goes wrong in the fetch itself
 * (the network, the service, the SSO token, the reply) escapes
 * export-credentials' own handler. Their configuration errors are raised
 * while the chain loads and are wrapped like everyone else's.
 */
static bool
is_deferred_fetch_error(const struct awscred_error *err)
{
    static const char *const deferred[] = {
        "assume-role", "assume-role-with-web-identity", "sso",
    };

    switch (err->status) {
    case AWSCRED_ERR_NETWORK:
    case AWSCRED_ERR_TIMEOUT:
    case AWSCRED_ERR_SERVICE:
    case AWSCRED_ERR_SSO_TOKEN:
    case AWSCRED_ERR_RETRIEVAL:
        break;
    default:
        return false;
    }
    for (size_t i = 0; i < sizeof(deferred) / sizeof(deferred[0]); i++)
        if (strcmp(err->provider, deferred[i]) == 0)
            return true;
    return false;
}

/*
 * The CLI's words for a failure: errors raised while loading the files or
 * refreshing expired credentials escape export-credentials (exit 255), as
 * do the fetch errors of the lazy providers (an AWS service error exits
 * 254, as the CLI's ClientError); the rest are wrapped in "Unable to
 * retrieve credentials" (exit 253).
 */
int
cli_report_failure(const struct awscred_error *err)
{
    if (is_deferred_fetch_error(err)) {
        cli_report_unwrapped(err);
        return err->status == AWSCRED_ERR_SERVICE ? EXIT_CLIENT_ERROR
                                                  : EXIT_GENERAL_ERROR;
    }
    switch (err->status) {
    case AWSCRED_ERR_NO_CREDENTIALS:
        fputs("\nUnable to retrieve credentials: no credentials found\n",
              stderr);
        return EXIT_CONFIGURATION_ERROR;
    case AWSCRED_ERR_CONFIG_PARSE:
    case AWSCRED_ERR_FILE:
    case AWSCRED_ERR_EXPIRED:
        cli_report_unwrapped(err);
        return EXIT_GENERAL_ERROR;
    case AWSCRED_ERR_PARAM_VALIDATION:
        /* ParamValidationErrorsHandler (awscli/errorhandler.py) */
        cli_report_unwrapped(err);
        return EXIT_USAGE;
    case AWSCRED_ERR_NO_REGION:
        /* NoRegionErrorHandler */
        fprintf(stderr, "\n%s You can also configure your region by running "
                "\"aws configure\".\n", err->message);
        return EXIT_CONFIGURATION_ERROR;
    default:
        fprintf(stderr, "\nUnable to retrieve credentials: %s\n\n",
                err->message);
        return EXIT_CONFIGURATION_ERROR;
    }
}

int
cli_with_credentials(const struct cli_globals *g, bool barrier,
                     cli_use_fn *use, void *arg)
{
    struct awscred_context *ctx = cli_context_new(g);
    struct awscred_credentials *creds = NULL;
    struct awscred_request req;
    struct awscred_error err;
    int status = 0;

    if (ctx == NULL)
        return EXIT_GENERAL_ERROR;
    cli_request(g, &req);
    /* the profile by the library's rule (awscred_selected_profile) */
    if (barrier)
        status = cli_recursion_barrier(awscred_selected_profile(ctx, &req));
    if (status == 0 && awscred_resolve(ctx, &req, &creds, &err) != AWSCRED_OK)
        status = cli_report_failure(&err);
    else if (status == 0)
        status = use(arg, creds);
    awscred_credentials_free(creds);
    awscred_context_free(ctx);
    return status;
}
