/* cli/main.c - `sekisho`: global options and dispatch to sub-commands. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "env.h"

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: sekisho [--db PATH] [--config FILE] [--as ADMIN] COMMAND [ARGS]\n"
		"\n"
		"Accounts\n"
		"  init                               create the database, key file and 'admin'\n"
		"  user add NAME [--email E] [--role user|auditor|admin] [--expires DATE]\n"
		"                [--password-stdin]\n"
		"  user list [--json] | user show NAME [--json]\n"
		"  user disable|enable|unlock|delete|reset-password NAME\n"
		"  user unlock --address ADDR         lift the throttle of one client address\n"
		"  user expire NAME DATE|never        set or clear the expiry date\n"
		"  user role NAME user|auditor|admin\n"
		"  user grant NAME admin|auditor --until DATE   time-limited privilege\n"
		"  inventory [--format table|csv|json] [--stale-days N]\n"
		"  approvals list | approve ID | reject ID   (two-person rule; needs --as)\n"
		"\n"
		"Machine credentials\n"
		"  token create OWNER NAME [--scope read|admin] --expires DATE\n"
		"  token list [OWNER] [--json] | token revoke ID\n"
		"\n"
		"Sign-in and second factor\n"
		"  login NAME                         sign in on this terminal\n"
		"  mfa list NAME | mfa reset NAME\n"
		"  recovery generate NAME\n"
		"  totp [--digits N] [--period S] [--algorithm A] [--time UNIX] SECRET\n"
		"  password check [--policy aws|strong|nist] [--user NAME] [--email E]\n"
		"\n"
		"Audit\n"
		"  audit verify | audit export [--since DATE]\n"
		"\n"
		"Environment: SEKISHO_DB, SEKISHO_CONFIG, SEKISHO_ADMIN (same as --as).\n"
		"Manual: man sekisho (docs/sekisho.1).\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"db", required_argument, NULL, 'd'},
		{"config", required_argument, NULL, 'c'},
		{"as", required_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0},
	};
	static const struct {
		const char *name;
		int (*fn)(struct cli_env *, int, char **);
	} cmds[] = {
		{"init", cmd_init},         {"user", cmd_user},
		{"login", cmd_login},       {"mfa", cmd_mfa},
		{"recovery", cmd_recovery}, {"password", cmd_password},
		{"audit", cmd_audit},       {"inventory", cmd_inventory},
		{"approvals", cmd_approvals}, {"token", cmd_token},
	};
	struct cli_env env;
	int c, rc;

	if (sodium_init() < 0) {
		fprintf(stderr, "sekisho: libsodium failed to initialise\n");
		return 1;
	}
	memset(&env, 0, sizeof(env));
	env.db_path = getenv("SEKISHO_DB");
	env.config_path = getenv("SEKISHO_CONFIG");
	env.as = getenv("SEKISHO_ADMIN");
	/* '+': stop at the first non-option, which is the sub-command. */
	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			env.db_path = optarg;
			break;
		case 'c':
			env.config_path = optarg;
			break;
		case 'a':
			env.as = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("sekisho %s\n", SEKISHO_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	argc -= optind;
	argv += optind;
	optind = 0; /* 0: full re-initialisation of GNU getopt */
	if (strcmp(argv[0], "totp") == 0)
		return cmd_totp(argc, argv);
	if (strcmp(argv[0], "help") == 0) {
		usage(stdout);
		return 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[0], cmds[i].name) == 0) {
			rc = cmds[i].fn(&env, argc, argv);
			env_close(&env);
			return rc;
		}
	}
	fprintf(stderr, "sekisho: unknown command '%s' (try `sekisho --help`)\n", argv[0]);
	return EXIT_USAGE;
}
