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
 * /etc/pam.d/S (following include/substack/@include), and the command-line
 * options are applied after them, as if appended to that line.
 *
 * Exit status: 0 when variables would be exported or the user is out of
 * scope (minimum_uid, ignore_root, nologin_users), 255 when the module
 * would fail.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "cli.h"
#include "commands.h"
#include "pam_awscred/internal.h"

#define PAM_CONFDIR "/etc/pam.d"
#define MAX_MODULE_ARGS 64
#define MAX_INCLUDE_DEPTH 8

struct module_args {
    char *v[MAX_MODULE_ARGS];
    int n;
    bool found;
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

static int read_service(const char *service, int depth,
                        struct module_args *args);

/*
 * Handles one line of a service file: an include, or our session line.
 * Returns 0, or -1 on an error already reported.
 */
static int
service_line(char *line, int depth, struct module_args *args)
{
    char *type, *control, *module, *rest, *save = NULL;

    line[strcspn(line, "\n")] = '\0';
    type = strtok_r(line, " \t", &save);
    if (type == NULL || type[0] == '#')
        return 0;
    if (strcmp(type, "@include") == 0) {
        module = strtok_r(NULL, " \t", &save);
        return module ? read_service(module, depth + 1, args) : 0;
    }
    if (strcmp(type, "session") != 0 && strcmp(type, "-session") != 0)
        return 0;
    rest = save;
    rest += strspn(rest, " \t");
    if (*rest == '[') {  /* [value=action ...] control */
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
        return read_service(module, depth + 1, args);
    if (args->found || strcmp(strrchr(module, '/') ? strrchr(module, '/') + 1
                                                   : module,
                              "pam_awscred.so") != 0)
        return 0;
    args->found = true;
    return save != NULL ? split_module_args(save, args) : 0;
}

/* Reads /etc/pam.d/service (or an absolute path) looking for our line. */
static int
read_service(const char *service, int depth, struct module_args *args)
{
    char path[4096], line[4096];
    int status = 0;
    FILE *f;

    if (depth > MAX_INCLUDE_DEPTH)
        return 0;
    if (service[0] == '/')
        snprintf(path, sizeof(path), "%s", service);
    else
        snprintf(path, sizeof(path), "%s/%s", PAM_CONFDIR, service);
    f = fopen(path, "re");
    if (f == NULL) {
        fprintf(stderr, "awscred session: cannot read %s: %s\n", path,
                strerror(errno));
        return -1;
    }
    while (status == 0 && !args->found && fgets(line, sizeof(line), f) != NULL)
        status = service_line(line, depth, args);
    fclose(f);
    return status;
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

/* Parses the command line into user, service and module options. */
static enum parse_result
parse_command_line(int argc, char **argv, const char **user,
                   const char **service, struct module_args *cli)
{
    char buf[600];
    int i;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            return PARSE_HELP;
        if (strcmp(a, "--debug") == 0) {
            snprintf(buf, sizeof(buf), "debug");
        } else if (strcmp(a, "--user") == 0 || strcmp(a, "--service") == 0) {
            if (v == NULL)
                goto needs_value;
            *(a[2] == 'u' ? user : service) = argv[++i];
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
        if (add_arg(cli, buf, strlen(buf)) < 0)
            return PARSE_NOMEM;
    }
    if (*user != NULL)
        return PARSE_OK;
    cli_usage_error("session", "--user NAME is required");
    return PARSE_USAGE;

needs_value:
    cli_usage_error("session", "%s needs a value", argv[i]);
    return PARSE_USAGE;
}

int
cmd_session(int argc, char **argv)
{
    struct module_args margs = { { NULL }, 0, false }, cli = { { NULL }, 0,
                                                               false };
    const char *username = NULL, *service = NULL;
    struct pamaws_args args;
    struct pamaws_vars vars;
    struct pamaws_user user;
    struct passwd pw, *found = NULL;
    char pwbuf[16384];
    gid_t *groups = NULL;
    size_t ngroups = 0, i;
    int status = EXIT_GENERAL_ERROR;

    memset(&args, 0, sizeof(args));
    memset(&vars, 0, sizeof(vars));
    switch (parse_command_line(argc, argv, &username, &service, &cli)) {
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
    if (service != NULL) {
        if (read_service(service, 0, &margs) < 0)
            goto done;
        if (!margs.found)
            fprintf(stderr, "awscred session: no pam_awscred.so session line"
                    " in %s/%s; using the defaults\n", PAM_CONFDIR, service);
    }
    for (i = 0; i < (size_t) cli.n; i++)
        if (add_arg(&margs, cli.v[i], strlen(cli.v[i])) < 0)
            goto done;
    if (getpwnam_r(username, &pw, pwbuf, sizeof(pwbuf), &found) != 0
        || found == NULL) {
        fprintf(stderr, "awscred session: user %s unknown\n", username);
        goto done;
    }
    groups = pamaws_user_groups(pw.pw_name, pw.pw_gid, &ngroups);
    args.log = log_to_stderr;
    args.notice = notice_to_stderr;
    if (pamaws_options_load(&args, margs.n, (const char **) margs.v,
                            pw.pw_name, groups, ngroups) < 0)
        goto done;
    user.name = pw.pw_name;
    user.uid = pw.pw_uid;
    user.gid = pw.pw_gid;
    user.home = pw.pw_dir;
    user.shell = pw.pw_shell;
    user.ruser = NULL;
    switch (pamaws_session_resolve(&args, &user, &vars)) {
    case PAMAWS_EXPORT:
        for (i = 0; i < vars.count; i++)
            print_masked(vars.set[i]);
        status = 0;
        break;
    case PAMAWS_SKIP:
        fprintf(stderr, "awscred session: nothing to do for user %s"
                " (minimum_uid, ignore_root or nologin_users)\n", username);
        status = 0;
        break;
    case PAMAWS_FAIL:
        fprintf(stderr, "awscred session: the module would export nothing%s\n",
                args.config.strict ? " and fail the session (strict)" : "");
        break;
    case PAMAWS_REFUSE:
        fprintf(stderr, "awscred session: the module would refuse the "
                "session (clock_strict)\n");
        break;
    }

done:
    pamaws_vars_clear(&vars);
    pamaws_config_free(&args.config);
    free(groups);
    for (i = 0; i < (size_t) margs.n; i++)
        free(margs.v[i]);
    for (i = 0; i < (size_t) cli.n; i++)
        free(cli.v[i]);
    return status;
}
