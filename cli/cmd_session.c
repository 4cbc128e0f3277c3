/*
 * cmd_session.c: `awscred session`, the admin's dry run of pam_awscred.
 *
 *   awscred session --user NAME [--service S] [module options...]
 *
 * Does exactly what pam_sm_open_session would do for NAME: the same option
 * table and configuration file (pam_awscred/options.c), the same worker
 * started as the same identity, the same checks on its result
 * (pam_awscred/session.c). It then prints the variables the module would
 * export, with the secrets masked the way `aws configure list` masks them.
 * With --service, the options come from the pam_awscred.so session line of
 * that service's stack, found as libpam finds it (/etc/pam.d/S, then
 * /usr/lib/pam.d/S, else "other"; following include, substack and
 * @include), and the command-line options are applied after them, as if
 * appended to that line. It says where the line is, its control flag and
 * what strict would do given that flag; a stack without the line (plain
 * sudo or cron under Debian's pam-auth-update) is a failure: a login
 * through it gets nothing. --pam-root DIR prefixes every pam.d path, for
 * tests.
 *
 * It also says which delivery the login would get (deliver=, "delivery:
 * endpoint (the broker answers on ...)"), connecting to the broker's
 * control socket without registering anything (pam_awscred/deliver.c).
 *
 * Exit status: 0 when variables would be exported or the user is out of
 * scope (minimum_uid, ignore_root, nologin_users), 255 when the module
 * would fail or would not run.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "cli.h"
#include "commands.h"
#include "pam_awscred/internal.h"

#define MAX_MODULE_ARGS 64
#define MAX_INCLUDE_DEPTH 8

/* Where libpam looks for a service's file, in this order
   (Linux-PAM libpam/pam_handlers.c, _pam_open_config_file): the admin's
   directory, then the vendor's (Debian 12's systemd-user lives there). */
static const char *const pam_dirs[] = { "/etc/pam.d", "/usr/lib/pam.d" };

struct module_args {
    char *v[MAX_MODULE_ARGS];
    int n;
};

/* What the walk over a service's stack found. */
struct pam_stack {
    const char *root;      /* prefix of every pam.d path: --pam-root */
    struct module_args args;
    bool found;            /* our session line was seen */
    char file[4096];       /* where it is */
    int line;
    char control[128];     /* its control flag, "[...]" kept whole */
};

static void
log_to_stderr(void *arg, int priority, const char *message)
{
    fprintf(stderr, "awscred session: %s%s\n",
            priority <= LOG_ERR ? "error: " : "", message);
}

/* What pam_info would put on the user's terminal at login. */
static void
notice_to_stderr(void *arg, const char *text)
{
    fprintf(stderr, "awscred session: the user would see: %s\n", text);
}

static int
add_arg(struct module_args *args, const char *a, size_t len)
{
    if (args->n >= MAX_MODULE_ARGS
        || (args->v[args->n] = strndup(a, len)) == NULL)
        return -1;
    args->n++;
    return 0;
}

/* Splits a pam.d argument list; "[a b]" keeps its spaces, as libpam does. */
static int
split_module_args(const char *p, struct module_args *args)
{
    while (*p != '\0') {
        const char *start, *end;

        p += strspn(p, " \t");
        if (*p == '\0' || *p == '#')
            break;
        if (*p == '[') {
            start = p + 1;
            end = strchr(start, ']');
            if (end == NULL)
                end = start + strlen(start);
            p = *end ? end + 1 : end;
        } else {
            start = p;
            end = p + strcspn(p, " \t");
            p = end;
        }
        if (add_arg(args, start, (size_t) (end - start)) < 0)
            return -1;
    }
    return 0;
}

/*
 * Opens name as libpam would: an absolute path as it is, else the first
 * of pam_dirs that has it; every path under stack->root. NULL with errno
 * (ENOENT: in none of them); path holds the last one tried.
 */
static FILE *
pamd_open(const struct pam_stack *stack, const char *name, char *path,
          size_t size)
{
    size_t i;
    FILE *f = NULL;

    if (name[0] == '/') {
        snprintf(path, size, "%s%s", stack->root, name);
        return fopen(path, "re");
    }
    for (i = 0; i < sizeof(pam_dirs) / sizeof(pam_dirs[0]); i++) {
        snprintf(path, size, "%s%s/%s", stack->root, pam_dirs[i], name);
        f = fopen(path, "re");
        if (f != NULL || errno != ENOENT)
            break;
    }
    return f;
}

static int read_stack(struct pam_stack *stack, const char *name, int depth);

/*
 * Handles line lineno of path: an include, or our session line.
 * Returns 0, or -1 on an error already reported.
 */
static int
service_line(struct pam_stack *stack, char *line, const char *path,
             int lineno, int depth)
{
    char *type, *control, *module, *rest, *save = NULL;
    bool bracket;

    line[strcspn(line, "\n")] = '\0';
    type = strtok_r(line, " \t", &save);
    if (type == NULL || type[0] == '#')
        return 0;
    if (strcmp(type, "@include") == 0) {
        module = strtok_r(NULL, " \t", &save);
        return module ? read_stack(stack, module, depth + 1) : 0;
    }
    if (strcmp(type, "session") != 0 && strcmp(type, "-session") != 0)
        return 0;
    rest = save;
    rest += strspn(rest, " \t");
    bracket = *rest == '[';
    if (bracket) {  /* [value=action ...] control */
        control = rest;
        rest = strchr(rest, ']');
        if (rest == NULL)
            return 0;
        *rest++ = '\0';
    } else {
        control = strtok_r(NULL, " \t", &save);
        rest = save;
    }
    module = strtok_r(rest, " \t", &save);
    if (control == NULL || module == NULL)
        return 0;
    if (strcmp(control, "include") == 0 || strcmp(control, "substack") == 0)
        return read_stack(stack, module, depth + 1);
    if (strcmp(strrchr(module, '/') ? strrchr(module, '/') + 1 : module,
               "pam_awscred.so") != 0)
        return 0;
    stack->found = true;
    snprintf(stack->file, sizeof(stack->file), "%s", path);
    stack->line = lineno;
    snprintf(stack->control, sizeof(stack->control), "%s%s", control,
             bracket ? "]" : "");
    return save != NULL ? split_module_args(save, &stack->args) : 0;
}

/* Reads the stack file name (and what it includes) looking for our line. */
static int
read_stack(struct pam_stack *stack, const char *name, int depth)
{
    char path[4096], line[4096];
    int status = 0, lineno = 0;
    FILE *f;

    if (depth > MAX_INCLUDE_DEPTH)
        return 0;
    f = pamd_open(stack, name, path, sizeof(path));
    if (f == NULL) {
        fprintf(stderr, "awscred session: cannot read %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    while (status == 0 && !stack->found && fgets(line, sizeof(line), f)) {
        lineno++;
        status = service_line(stack, line, path, lineno, depth);
    }
    fclose(f);
    return status;
}

/*
 * Reads the stack of service, or of "other" when libpam finds no file
 * for it. Returns 0, or -1 on an error already reported.
 */
static int
read_service(struct pam_stack *stack, const char *service)
{
    char path[4096];
    FILE *f = pamd_open(stack, service, path, sizeof(path));

    if (f == NULL && errno == ENOENT) {
        fprintf(stderr, "awscred session: no file for service %s in %s%s or"
                " %s%s: libpam uses \"other\"\n", service, stack->root,
                pam_dirs[0], stack->root, pam_dirs[1]);
        service = "other";
    }
    if (f != NULL)
        fclose(f);
    return read_stack(stack, service, 0);
}

/*
 * What a failing session module does to the login under control
 * (pam.conf(5)): true when it fails the login. For "[value=action]"
 * the session_err action decides, else the default one.
 */
static bool
control_fails_login(const char *control)
{
    const char *action;

    if (control[0] != '[')
        return strcmp(control, "required") == 0
               || strcmp(control, "requisite") == 0;
    action = strstr(control, "session_err=");
    if (action == NULL)
        action = strstr(control, "default=");
    if (action == NULL)
        return true;  /* an action libpam leaves undefined fails */
    return strncmp(strchr(action, '=') + 1, "ignore", 6) != 0;
}

/* Masks like `aws configure list`: stars, then the last four characters. */
static void
print_masked(const char *var)
{
    const char *eq = strchr(var, '=');
    size_t len = strlen(eq + 1);

    if (strncmp(var, "AWS_SESSION_TOKEN=", 18) == 0)
        printf("AWS_SESSION_TOKEN=<redacted, %zu characters>\n", len);
    else if (strncmp(var, "AWS_ACCESS_KEY_ID=", 18) == 0
             || strncmp(var, "AWS_SECRET_ACCESS_KEY=", 22) == 0)
        printf("%.*s****************%s\n", (int) (eq - var) + 1, var,
               len > 4 ? eq + 1 + len - 4 : "");
    else
        printf("%s\n", var);
}

static int
usage(FILE *out, int status)
{
    fprintf(out, "Usage: awscred session --user NAME [--service S]"
            " [module options...]\n"
            "Runs what pam_awscred.so would do at login for NAME (as root)"
            " and prints\nthe variables it would export, secrets masked."
            " See pam_awscred(8).\n");
    return status;
}

enum parse_result { PARSE_OK, PARSE_HELP, PARSE_USAGE, PARSE_NOMEM };

struct command_line {
    const char *user;
    const char *service;
    const char *pam_root;   /* --pam-root: a test hook, "" by default */
    struct module_args args;
};

/* Parses the command line into user, service and module options. */
static enum parse_result
parse_command_line(int argc, char **argv, struct command_line *cl)
{
    char buf[600];
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return PARSE_HELP;
        if (strcmp(a, "--debug") == 0) {
            snprintf(buf, sizeof(buf), "debug");
        } else if (strcmp(a, "--user") == 0 || strcmp(a, "--service") == 0
                   || strcmp(a, "--pam-root") == 0) {
            if (v == NULL)
                goto needs_value;
            *(a[2] == 'u' ? &cl->user : a[2] == 's' ? &cl->service
                                                    : &cl->pam_root) =
                argv[++i];
            continue;
        } else if (strcmp(a, "--profile") == 0 || strcmp(a, "--region") == 0) {
            /* The global options map onto the module options. */
            if (v == NULL)
                goto needs_value;
            snprintf(buf, sizeof(buf), "%s=%s", a + 2, argv[++i]);
        } else if (a[0] == '-') {
            cli_usage_error("session", "unknown option %s", a);
            return PARSE_USAGE;
        } else {
            snprintf(buf, sizeof(buf), "%s", a);
        }
        if (add_arg(&cl->args, buf, strlen(buf)) < 0)
            return PARSE_NOMEM;
    }
    if (cl->user != NULL)
        return PARSE_OK;
    cli_usage_error("session", "--user NAME is required");
    return PARSE_USAGE;

needs_value:
    cli_usage_error("session", "%s needs a value", argv[i]);
    return PARSE_USAGE;
}

/*
 * Finds the session line of service and says where it is and what strict
 * would do given its control flag. Returns 0 when found, 1 when a login
 * through service would not run the module (said), -1 on an error.
 */
static int
find_service_line(struct pam_stack *stack, const char *service)
{
    if (read_service(stack, service) < 0)
        return -1;
    if (!stack->found) {
        fprintf(stderr, "awscred session: a login through service %s would"
                " get no AWS credentials: its session stack (with the files"
                " it includes) has no pam_awscred.so line\n", service);
        return 1;
    }
    fprintf(stderr, "awscred session: service %s: pam_awscred.so session"
            " line at %s:%d, control %s\n", service, stack->file, stack->line,
            stack->control);
    if (control_fails_login(stack->control))
        fprintf(stderr, "awscred session: with strict (or clock_strict"
                " refusing), a failure would fail the login: the line is"
                " %s\n", stack->control);
    else
        fprintf(stderr, "awscred session: even with strict, a failure would"
                " not stop the login: the line is %s, the login would"
                " proceed without credentials\n", stack->control);
    return 0;
}

/* Says what a module failure (what it would do, when fatal) would do to
   the login. */
static void
report_failure(const struct pam_stack *stack, bool fatal, const char *what)
{
    if (!fatal)
        fprintf(stderr, "awscred session: the module would export nothing;"
                " the login would proceed without credentials (strict is"
                " off)\n");
    else if (!stack->found)
        fprintf(stderr, "awscred session: the module would %s\n", what);
    else if (control_fails_login(stack->control))
        fprintf(stderr, "awscred session: the module would %s; the line is"
                " %s: the login would fail\n", what, stack->control);
    else
        fprintf(stderr, "awscred session: the module would %s, but the line"
                " is %s: the login would proceed without credentials\n",
                what, stack->control);
}

int
cmd_session(int argc, char **argv)
{
    struct command_line cl;
    struct pam_stack stack;
    struct pamaws_args args;
    struct pamaws_vars vars;
    struct pamaws_user user;
    struct passwd pw, *found = NULL;
    char pwbuf[16384], why[PATH_MAX + 128];
    const char *delivery;
    gid_t *groups = NULL;
    size_t ngroups = 0, i;
    int status = EXIT_GENERAL_ERROR;

    memset(&cl, 0, sizeof(cl));
    memset(&stack, 0, sizeof(stack));
    memset(&args, 0, sizeof(args));
    memset(&vars, 0, sizeof(vars));
    cl.pam_root = "";
    switch (parse_command_line(argc, argv, &cl)) {
    case PARSE_OK:
        break;
    case PARSE_HELP:
        status = usage(stdout, 0);
        goto done;
    case PARSE_USAGE:
        status = usage(stderr, EXIT_USAGE);
        goto done;
    case PARSE_NOMEM:
        fprintf(stderr, "awscred session: too many options\n");
        goto done;
    }
    stack.root = cl.pam_root;
    if (cl.service != NULL && find_service_line(&stack, cl.service) != 0)
        goto done;
    for (i = 0; i < (size_t) cl.args.n; i++)
        if (add_arg(&stack.args, cl.args.v[i], strlen(cl.args.v[i])) < 0)
            goto done;
    if (getpwnam_r(cl.user, &pw, pwbuf, sizeof(pwbuf), &found) != 0
        || found == NULL) {
        fprintf(stderr, "awscred session: user %s unknown\n", cl.user);
        goto done;
    }
    groups = pamaws_user_groups(pw.pw_name, pw.pw_gid, &ngroups);
    args.log = log_to_stderr;
    args.notice = notice_to_stderr;
    args.service = cl.service;
    if (pamaws_options_load(&args, stack.args.n, (const char **) stack.args.v,
                            pw.pw_name, groups, ngroups) < 0)
        goto done;
    fprintf(stderr, "awscred session: %s: sections applied: %s\n",
            args.config.conf, args.sections[0] ? args.sections : "none");
    user.name = pw.pw_name;
    user.uid = pw.pw_uid;
    user.gid = pw.pw_gid;
    user.home = pw.pw_dir;
    user.shell = pw.pw_shell;
    user.ruser = NULL;
    user.groups = groups;
    user.ngroups = ngroups;
    switch (pamaws_session_resolve(&args, &user, &vars)) {
    case PAMAWS_EXPORT:
        delivery = pamaws_deliver_probe(&args, &vars, why, sizeof(why));
        fprintf(stderr, "awscred session: delivery: %s (%s)\n",
                delivery != NULL ? delivery : "none", why);
        if (delivery == NULL) {
            report_failure(&stack, args.config.strict,
                           "export nothing (deliver=endpoint)");
            break;
        }
        for (i = 0; i < vars.count; i++)
            print_masked(vars.set[i]);
        status = 0;
        break;
    case PAMAWS_SKIP:
        fprintf(stderr, "awscred session: nothing to do for user %s"
                " (minimum_uid, ignore_root or nologin_users)\n", cl.user);
        status = 0;
        break;
    case PAMAWS_FAIL:
        report_failure(&stack, args.config.strict,
                       "export nothing and fail the session (strict)");
        break;
    case PAMAWS_REFUSE:
        report_failure(&stack, true, "refuse the session (clock_strict)");
        break;
    }

done:
    pamaws_vars_clear(&vars);
    pamaws_config_free(&args.config);
    free(groups);
    for (i = 0; i < (size_t) stack.args.n; i++)
        free(stack.args.v[i]);
    for (i = 0; i < (size_t) cl.args.n; i++)
        free(cl.args.v[i]);
    return status;
}
