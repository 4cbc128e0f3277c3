/*
 * commands.h: the subcommands of awscred. main.c dispatches on a sorted
 * table of these; each lives in its own cmd_*.c file.
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AWSCRED_CLI_COMMANDS_H
#define AWSCRED_CLI_COMMANDS_H 1

/* Each returns the process exit status. argv[0] is the subcommand name. */
int cmd_check_config(int argc, char **argv);
int cmd_clock(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_session(int argc, char **argv);

#endif
