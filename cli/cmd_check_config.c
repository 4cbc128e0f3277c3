/*
 * cmd_check_config.c: `awscred check-config [FILE]`, for admins and
 * configuration management: reads pam_awscred.conf (default
 * /etc/security/pam_awscred.conf) with the module's own reader
 * (pam_awscred/options.c), every section at once, and prints every
 * problem with its file, line, the bad text and what is accepted.
 *
 * Exit status: 0 when there is no problem, 253 (the AWS CLI's
 * CONFIGURATION_ERROR_RC) when there is one or more, 252 for bad usage.
 *
 * SPDX-License-Identifier: MIT
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "cli.h"
#include "commands.h"
#include "pam_awscred/internal.h"

static void
problem_to_stderr(void *arg, int priority, const char *message)
{
    if (priority <= LOG_ERR)
        fprintf(stderr, "awscred check-config: %s\n", message);
}

int
cmd_check_config(int argc, char **argv)
{
    struct pamaws_args args;
    const char *path = PAMAWS_DEFAULT_CONF;
    char conf[4200];
    const char *margv[1];
    int status;

    if (argc > 1 && (strcmp(argv[1], "--help") == 0
                     || strcmp(argv[1], "-h") == 0)) {
        printf("Usage: awscred check-config [FILE]\n"
               "Checks pam_awscred.conf (default %s) and prints every"
               " problem.\nSee pam_awscred.conf(5).\n", PAMAWS_DEFAULT_CONF);
        return 0;
    }
    if (argc > 2 || (argc == 2 && argv[1][0] == '-'))
        return cli_usage_error("check-config", "usage: awscred check-config"
                               " [FILE]");
    if (argc == 2)
        path = argv[1];
    snprintf(conf, sizeof(conf), "conf=%s", path);
    margv[0] = conf;
    memset(&args, 0, sizeof(args));
    args.log = problem_to_stderr;
    args.check_all = true;
    if (pamaws_options_load(&args, 1, margv, NULL, NULL, 0) < 0) {
        fprintf(stderr, "awscred check-config: out of memory\n");
        status = EXIT_GENERAL_ERROR;
    } else if (args.problems > 0) {
        fprintf(stderr, "awscred check-config: %s: %u problem%s\n", path,
                args.problems, args.problems == 1 ? "" : "s");
        status = EXIT_CONFIGURATION_ERROR;
    } else {
        printf("%s: no problems\n", path);
        status = 0;
    }
    pamaws_config_free(&args.config);
    return status;
}
