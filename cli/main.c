/*
 * main.c: the awscred command. Finds the subcommand in a sorted table
 * (commands.h) and hands it the rest of the arguments; global options
 * may come before or after the subcommand name, as with the aws CLI.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
};

/* Sorted by name: looked up with bsearch. */
static const struct command commands[] = {
    {"check-config", cmd_check_config, "check pam_awscred.conf, every"
                                       " problem with its line"},
    {"clock", cmd_clock, "measure the local clock against AWS"},
    {"exec", cmd_exec, "run a command with the credentials in its"
                       " environment"},
    {"export", cmd_export, "print credentials like aws configure "
                           "export-credentials"},
    {"list", cmd_list, "show the profile, keys and region like aws "
                       "configure list"},
    {"session", cmd_session, "resolve credentials as the PAM module would"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static int
compare_command(const void *key, const void *entry)
{
    return strcmp(key, ((const struct command *) entry)->name);
}

static void
usage(FILE *out)
{
    fprintf(out,
            "Usage: awscred [--profile NAME] [--region REGION] [--debug] "
            "COMMAND [OPTIONS]\n"
            "       awscred --help | --version\n\n"
            "Resolves AWS credentials the way the AWS CLI v2 does.\n\n"
            "Commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(out,
            "\nexport options: --format process|env|env-no-export|"
            "powershell|windows-cmd|fish\n"
            "See awscred(1).\n");
}

/* Options whose value is the next argument (--format is export's, but
   may come before the command name too). */
static int
takes_value(const char *arg)
{
    return strcmp(arg, "--profile") == 0 || strcmp(arg, "--region") == 0
           || strcmp(arg, "--format") == 0;
}

/* Index of the subcommand name in argv, or argc when there is none. */
static int
find_command(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] != '-')
            return i;
        if (strcmp(argv[i], "--") == 0)
            return i + 1 < argc ? i + 1 : argc;
        if (takes_value(argv[i]))
            i++;
    }
    return argc;
}

static int
top_level(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
        if (strcmp(argv[i], "--version") == 0) {
            printf("awscred %s (libawscred %s)\n", PACKAGE_VERSION,
                   awscred_version());
            return 0;
        }
    }
    usage(stderr);
    return EXIT_USAGE;
}

int
main(int argc, char **argv)
{
    int at = find_command(argc, argv);
    const struct command *cmd;
    char **args;
    int n = 0, status;

    if (at >= argc)
        return top_level(argc, argv);
    cmd = bsearch(argv[at], commands, NCOMMANDS, sizeof(commands[0]),
                  compare_command);
    if (cmd == NULL) {
        fprintf(stderr, "awscred: unknown command '%s'\n", argv[at]);
        usage(stderr);
        return EXIT_USAGE;
    }
    /* The subcommand sees its name, then every other argument in order
       (the "--" separator before the name is dropped). */
    args = calloc((size_t) argc + 1, sizeof(*args));
    if (args == NULL) {
        fprintf(stderr, "awscred: out of memory\n");
        return EXIT_GENERAL_ERROR;
    }
    args[n++] = argv[at];
    for (int i = 1; i < argc; i++)
        if (i != at && !(i == at - 1 && strcmp(argv[i], "--") == 0))
            args[n++] = argv[i];
    status = cmd->run(n, args);
    free(args);
    return status;
}
