/* cli/outcome.h - turning a library result into a message and an exit status. */
#ifndef SEKISHO_CLI_OUTCOME_H
#define SEKISHO_CLI_OUTCOME_H

struct cli_env;

/*
 * SK_OK -> 0.  SK_ERR_APPROVAL -> explains the waiting request, EXIT_PENDING.
 * Anything else -> "sekisho: WHAT: reason" plus what to do, EXIT_REFUSED.
 */
int outcome(struct cli_env *env, const char *what, int r);

#endif
