/*
 * cmd_exec.c: `awscred exec [--profile P] [--region R] -- CMD [ARGS...]`,
 * for tools that read credentials only from the environment. Resolves as
 * `awscred export` does (in a deliver=endpoint session that is the
 * container provider reading AWS_CONTAINER_CREDENTIALS_FULL_URI), then
 * replaces itself by CMD (execvp: no extra process, CMD's exit status is
 * the command's) with the keys in its environment and nothing that could
 * shadow them: the container pointers and AWS_PROFILE are removed.
 *
 * Exit status: CMD's; the export statuses when resolving fails; 127 when
 * CMD is not found and 126 when it cannot be run, as a POSIX shell.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "pam_awscred/internal.h"

#define EXIT_NOT_FOUND 127   /* as sh: command not found */
#define EXIT_CANNOT_RUN 126  /* as sh: found but not executable */

extern char **environ;

/* Besides what pam_awscred sets or removes (session.c): the other
   pointer of the container provider (botocore's ContainerProvider). */
static const char *const dropped_names[] = {
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", NULL,
};

static bool
name_in(const char *entry, const char *const *names)
{
    size_t len = strcspn(entry, "=");

    for (; *names != NULL; names++)
        if (strlen(*names) == len && strncmp(entry, *names, len) == 0)
            return true;
    return false;
}

/* Whether CMD must not inherit entry: a credential, a pointer to one or
   a profile. The region stays unless the resolution found one. */
static bool
dropped(const char *entry, bool region)
{
    if (!region && (strncmp(entry, "AWS_REGION=", 11) == 0
                    || strncmp(entry, "AWS_DEFAULT_REGION=", 19) == 0))
        return false;
    return name_in(entry, pamaws_exported_names)
           || name_in(entry, pamaws_conflicting_names)
           || name_in(entry, dropped_names);
}

static void
env_free(char **envp, size_t from, size_t n)
{
    for (size_t i = from; i < n; i++)
        pamaws_free_secret(envp[i]);
    free(envp);
}

/* Appends NAME=value (owned) at envp[*n]; false when out of memory. */
static bool
env_add(char **envp, size_t *n, const char *name, const char *value)
{
    if (value == NULL)
        return true;
    if (asprintf(&envp[*n], "%s=%s", name, value) < 0)
        return false;
    (*n)++;
    return true;
}

/* The environment of CMD: this one without dropped names, then the
   credentials. Entries from *kept on are owned. NULL when out of
   memory. */
static char **
env_build(const struct awscred_credentials *c, size_t *kept, size_t *count)
{
    char expiration[32] = "", **envp;
    size_t n = 0, i;
    time_t t = (time_t) c->expiration;
    struct tm tm;
    bool ok;

    for (i = 0; environ[i] != NULL; i++)
        ;
    envp = calloc(i + 8, sizeof(*envp));
    if (envp == NULL)
        return NULL;
    for (i = 0; environ[i] != NULL; i++)
        if (!dropped(environ[i], c->region != NULL))
            envp[n++] = environ[i];
    *kept = n;
    /* As pam_awscred exports it (session.c, pamaws_expiration_text). */
    if (c->expiration != 0 && gmtime_r(&t, &tm) != NULL)
        strftime(expiration, sizeof(expiration), "%Y-%m-%dT%H:%M:%S+00:00",
                 &tm);
    ok = env_add(envp, &n, "AWS_ACCESS_KEY_ID", c->access_key_id)
         && env_add(envp, &n, "AWS_SECRET_ACCESS_KEY", c->secret_access_key)
         && env_add(envp, &n, "AWS_SESSION_TOKEN", c->session_token)
         && env_add(envp, &n, "AWS_CREDENTIAL_EXPIRATION",
                    expiration[0] != '\0' ? expiration : NULL)
         && env_add(envp, &n, "AWS_REGION", c->region)
         && env_add(envp, &n, "AWS_DEFAULT_REGION", c->region)
         && env_add(envp, &n, "AWS_ACCOUNT_ID", c->account_id);
    if (!ok) {
        env_free(envp, *kept, n);
        return NULL;
    }
    *count = n;
    return envp;
}

static void
exec_help(void)
{
    printf("Usage: awscred exec [--profile NAME] [--region REGION] -- "
           "COMMAND [ARGS...]\n"
           "Runs COMMAND with the resolved credentials in its environment"
           " (AWS_ACCESS_KEY_ID, ...).\n");
}

/* Runs the command arg (an argv) in place; returns only when it could not
   (after a message). */
static int
exec_command(void *arg, const struct awscred_credentials *creds)
{
    char **argv = arg;
    size_t kept = 0, count = 0;
    char **envp = env_build(creds, &kept, &count);
    char name[256];
    int err;

    if (envp == NULL) {
        fprintf(stderr, "awscred: out of memory\n");
        return EXIT_GENERAL_ERROR;
    }
    execvpe(argv[0], argv, envp);
    err = errno;
    env_free(envp, kept, count);
    pamaws_escape(argv[0], name, sizeof(name));
    fprintf(stderr, "awscred exec: %s: %s\n", name, strerror(err));
    return err == ENOENT || err == ENOTDIR ? EXIT_NOT_FOUND : EXIT_CANNOT_RUN;
}

int
cmd_exec(int argc, char **argv)
{
    static const struct option options[] = {
        CLI_GLOBAL_OPTIONS,
        {NULL, 0, NULL, 0},
    };
    struct cli_globals g = {0};
    int opt;

    opterr = 0;
    /* "+": the first word of CMD ends the options, so CMD's own options
       are CMD's. */
    while ((opt = getopt_long(argc, argv, "+", options, NULL)) != -1) {
        if (opt == OPT_HELP) {
            exec_help();
            return 0;
        }
        if (!cli_global_option(&g, opt, optarg))
            return cli_usage_error("exec", "unknown or incomplete option "
                                   "'%s'", argv[optind - 1]);
    }
    if (optind >= argc)
        return cli_usage_error("exec", "no command to run (awscred exec --"
                               " COMMAND [ARGS...])");
    return cli_with_credentials(&g, false, exec_command, argv + optind);
}
