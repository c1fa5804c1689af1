/*
 * cli/cli.h - the sekisho command's sub-commands.
 *
 * main.c parses the global options (--db, --config) and dispatches on the
 * first word; each cmd_* receives the remaining arguments with argv[0] set
 * to the sub-command's name, and returns the process exit status
 * (0 success, 1 refused/failed check, 2 usage error).
 */
#ifndef SEKISHO_CLI_H
#define SEKISHO_CLI_H

#define EXIT_REFUSED 1
#define EXIT_USAGE 2

struct cli_env;  /* global options and lazily opened context; see cli/env.c */

int cmd_totp(int argc, char **argv);
int cmd_password(struct cli_env *env, int argc, char **argv);

#endif
