/*
 * cli/env.h - what every sub-command shares: global options, the library
 * context (opened on first use), prompts that read secrets without echo,
 * and the acting administrator.
 */
#ifndef SEKISHO_CLI_ENV_H
#define SEKISHO_CLI_ENV_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sekisho/qr.h"
#include "sekisho/sekisho.h"

struct cli_env {
	const char *db_path;      /* --db or SEKISHO_DB, else the config's */
	const char *config_path;  /* --config or SEKISHO_CONFIG */
	const char *as;           /* --as NAME: act as this administrator */
	sk_config cfg;
	sk_ctx *ctx;
	char actor_name[SK_NAME_MAX + 16];
	sk_actor actor;
};

/* Loads the configuration; prints the problem and returns nonzero on error. */
int env_load_config(struct cli_env *env);

/*
 * Opens the database and key file (created when create is nonzero) and the
 * context.  Prints what to do on failure and returns nonzero.
 */
int env_open(struct cli_env *env, int create);

void env_close(struct cli_env *env);

/* The actor for administrative commands: --as NAME, else local:<unix user>. */
sk_actor *env_actor(struct cli_env *env);

/*
 * Prints prompt on stderr and reads one line into buf (without the newline).
 * Secret prompts turn echo off when stdin is a terminal.  Piped input is
 * read line by line, so scripts can answer every prompt.  Returns the
 * length, or -1 at end of input.
 */
int prompt_line(const char *prompt, int secret, char *buf, size_t size);

/* Prints "sekisho: <what>: <sk_strerror(r)>" on stderr. */
void report(const char *what, int r);

/* Parses "YYYY-MM-DD" (end of that day, UTC), "YYYY-MM-DDTHH:MM[:SS]Z", "@UNIX" or "+Nd"/"+Nh". */
int parse_time(const char *s, int64_t now, int64_t *out);

/* Formats t as "YYYY-MM-DD HH:MM UTC" ("-" for 0). */
const char *fmt_time(int64_t t, char *buf, size_t size);

/*
 * Runs a whole sign-in for name on this terminal (cmd_login.c).  With
 * setup == 0 an account that still has to change its password or enroll a
 * device is refused.  (An approving administrator is not signed in this
 * way: sk_signin_reauth checks password and code, as the console does.)
 * Returns SK_OK when signed in.
 */
int cli_signin(struct cli_env *env, const char *name, int setup, sk_signin *s);

/* cli/enroll.c: adding a device on a terminal. */
typedef int (*enroll_confirm_fn)(void *arg, const char *code1, const char *code2);
void enroll_show(struct cli_env *env, const sk_enrollment *e, sk_device_type type);
/* Reads codes (two when configured) and calls confirm until it accepts; SK_OK or the last error. */
int enroll_codes(struct cli_env *env, sk_device_type type, enroll_confirm_fn confirm, void *arg);
void show_recovery(const sk_recovery_set *codes);

/* Prints every failed policy rule in English and Japanese. */
void print_policy_failures(const sk_policy *p, const sk_policy_result *pr, FILE *f);

#endif
