/*
 * cli.h: what the awscred subcommands share: the global options of the
 * AWS CLI (--profile, --region, --debug), a context filled from this
 * process, and the AWS CLI's way of reporting errors.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_CLI_CLI_H
#define AWSCRED_CLI_CLI_H 1

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "awscred.h"

/* Exit statuses of the AWS CLI (awscli/constants.py). */
#define EXIT_CONFIGURATION_ERROR 253  /* CONFIGURATION_ERROR_RC */
#define EXIT_USAGE 252                /* PARAM_VALIDATION_ERROR_RC */
#define EXIT_GENERAL_ERROR 255        /* GENERAL_ERROR_RC */
#define EXIT_CLIENT_ERROR 254         /* CLIENT_ERROR_RC: an AWS service error */

/* Options every subcommand accepts, before or after its name. */
struct cli_globals {
    const char *profile;
    const char *region;
    bool debug;
};

/* getopt_long entries for the globals; put CLI_GLOBAL_OPTIONS in a
   subcommand's table and pass unknown results to cli_global_option. */
enum {
    OPT_PROFILE = 0x100,
    OPT_REGION,
    OPT_DEBUG,
    OPT_HELP,
    OPT_FIRST_LOCAL,  /* subcommands number their own options from here */
};
#define CLI_GLOBAL_OPTIONS                                   \
    {"profile", required_argument, NULL, OPT_PROFILE},       \
    {"region", required_argument, NULL, OPT_REGION},         \
    {"debug", no_argument, NULL, OPT_DEBUG},                 \
    {"help", no_argument, NULL, OPT_HELP}

/* Handles a global option; returns false for anything else. */
bool cli_global_option(struct cli_globals *g, int opt, const char *arg);

/*
 * A context filled from this process: its environment, the user from
 * getpwuid_r (HOME wins, as in os.path.expanduser), the real clock, a
 * log on stderr only with --debug, AWSCRED_NET_MODULE if set, and MFA
 * prompts on /dev/tty. NULL when out of memory (after a message).
 */
struct awscred_context *cli_context_new(const struct cli_globals *g);

/* The request the global options describe. */
void cli_request(const struct cli_globals *g, struct awscred_request *req);

/*
 * An error that escapes the AWS CLI's command unwrapped: "\n<message>\n"
 * on stderr. For parse errors the CLI names only the file, so the
 * reader's ": line N: why" detail is left out.
 */
void cli_report_unwrapped(const struct awscred_error *err);

/*
 * The AWS CLI's guard against export-credentials calling itself through
 * credential_process (_AWS_CLI_PROFILE_CHAIN): returns 0 and records
 * profile (the one being resolved: awscred_selected_profile) in the
 * environment for child processes, or prints the CLI's error and returns
 * the exit status.
 */
int cli_recursion_barrier(const char *profile);

/*
 * Reports a failed resolution in the AWS CLI's words, as
 * export-credentials does; returns its exit status (253, 254 or 255).
 */
int cli_report_failure(const struct awscred_error *err);

/*
 * What a command does with resolved credentials; returns the exit
 * status. The credentials stay the caller's.
 */
typedef int cli_use_fn(void *arg, const struct awscred_credentials *creds);

/*
 * The body of the commands that resolve and use credentials (export,
 * exec): a context and request from g, with barrier the recursion
 * barrier first (cli_recursion_barrier), the resolution, then use, or
 * the failure reported (cli_report_failure). Returns the exit status.
 */
int cli_with_credentials(const struct cli_globals *g, bool barrier,
                         cli_use_fn *use, void *arg);

/* "awscred: <message>" on stderr for usage errors; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
