/*
 * cli/cli.h - the sekisho command's sub-commands.
 *
 * main.c parses the global options (--db, --config, --as) and dispatches on
 * the first word; each cmd_* receives the remaining arguments with argv[0]
 * set to the sub-command's name, and returns the process exit status
 * (0 success, 1 refused/failed check, 2 usage error).
 */
#ifndef SEKISHO_CLI_H
#define SEKISHO_CLI_H

#define EXIT_REFUSED 1
#define EXIT_USAGE 2
#define EXIT_PENDING 3  /* recorded; waits for a second administrator */

struct cli_env;  /* global options and lazily opened context; see cli/env.h */

int cmd_totp(int argc, char **argv);
int cmd_init(struct cli_env *env, int argc, char **argv);
int cmd_user(struct cli_env *env, int argc, char **argv);
int cmd_login(struct cli_env *env, int argc, char **argv);
int cmd_mfa(struct cli_env *env, int argc, char **argv);
int cmd_recovery(struct cli_env *env, int argc, char **argv);
int cmd_password(struct cli_env *env, int argc, char **argv);
int cmd_audit(struct cli_env *env, int argc, char **argv);
int cmd_inventory(struct cli_env *env, int argc, char **argv);
int cmd_approvals(struct cli_env *env, int argc, char **argv);
int cmd_token(struct cli_env *env, int argc, char **argv);

#endif
