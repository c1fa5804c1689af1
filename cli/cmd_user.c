/* cli/cmd_user.c - `sekisho init` and `sekisho user ...`. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "cli.h"
#include "env.h"
#include "outcome.h"

int
cmd_init(struct cli_env *env, int argc, char **argv)
{
	char initial[SK_INITIAL_PASSWORD_MAX];
	int r;

	if (argc != 1) {
		fprintf(stderr, "usage: sekisho init\n");
		return EXIT_USAGE;
	}
	(void)argv;
	if (env_open(env, 1) != 0)
		return EXIT_REFUSED;
	r = sk_account_bootstrap(env->ctx, env_actor(env), initial);
	if (r == SK_ERR_EXISTS) {
		printf("Already initialised: %s (key file %s).\n", env->cfg.db_path,
		       env->cfg.key_path);
		return 0;
	}
	if (r != SK_OK) {
		report("cannot create the account 'admin'", r);
		return EXIT_REFUSED;
	}
	printf("Initialised %s (key file %s, mode 0600).\n", env->cfg.db_path,
	       env->cfg.key_path);
	printf("Administrator: admin\n");
	printf("Initial password (shown once; must be changed at first sign-in): %s\n",
	       initial);
	printf("Next: sekisho --db %s login admin\n", env->cfg.db_path);
	sodium_memzero(initial, sizeof(initial));
	return 0;
}

static int
user_usage(void)
{
	fprintf(stderr,
		"usage: sekisho user add NAME [--email E] [--role user|auditor|admin]\n"
		"                        [--expires DATE] [--password-stdin]\n"
		"       sekisho user list [--json]\n"
		"       sekisho user show NAME [--json]\n"
		"       sekisho user disable|enable|unlock|delete|reset-password NAME\n"
		"       sekisho user unlock --address ADDR   lift an address's spraying throttle\n"
		"       sekisho user expire NAME DATE|never\n"
		"       sekisho user role NAME user|auditor|admin\n"
		"       sekisho user grant NAME admin|auditor --until DATE\n"
		"DATE: YYYY-MM-DD (end of day, UTC), YYYY-MM-DDTHH:MMZ, @UNIX or +30d/+8h.\n");
	return EXIT_USAGE;
}

static int
user_add(struct cli_env *env, int argc, char **argv)
{
	static const struct option opts[] = {
		{"email", required_argument, NULL, 'e'},
		{"role", required_argument, NULL, 'r'},
		{"expires", required_argument, NULL, 'x'},
		{"password-stdin", no_argument, NULL, 'p'},
		{NULL, 0, NULL, 0},
	};
	sk_account_spec spec;
	sk_policy_result pr;
	char initial[SK_INITIAL_PASSWORD_MAX], pw[SK_PASSWORD_MAX + 2];
	const char *expires = NULL;
	int c, from_stdin = 0, r, rc;

	memset(&spec, 0, sizeof(spec));
	spec.role = SK_ROLE_USER;
	optind = 0; /* 0: full re-initialisation of GNU getopt */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			spec.email = optarg;
			break;
		case 'r':
			if (sk_role_parse(optarg, &spec.role) != SK_OK) {
				fprintf(stderr, "sekisho: role must be user, auditor or admin\n");
				return EXIT_USAGE;
			}
			break;
		case 'x':
			expires = optarg;
			break;
		case 'p':
			from_stdin = 1;
			break;
		default:
			return user_usage();
		}
	}
	if (optind != argc - 1)
		return user_usage();
	spec.name = argv[optind];
	if (env_open(env, 0) != 0)
		return EXIT_REFUSED;
	if (expires != NULL && parse_time(expires, sk_ctx_now(env->ctx), &spec.expires_at) != 0) {
		fprintf(stderr, "sekisho: cannot read the date '%s' (use YYYY-MM-DD)\n", expires);
		return EXIT_USAGE;
	}
	if (from_stdin) {
		int n = prompt_line("Password: ", 1, pw, sizeof(pw));
		if (n <= 0) {
			fprintf(stderr, "sekisho: no password on standard input\n");
			return EXIT_USAGE;
		}
		spec.password = pw;
		spec.password_len = (size_t)n;
		spec.must_change = 1; /* someone else chose it: the user replaces it */
	}
	r = sk_account_create(env->ctx, env_actor(env), &spec, initial, &pr);
	sodium_memzero(pw, sizeof(pw));
	if (r == SK_ERR_POLICY) {
		fprintf(stderr, "sekisho: password refused by the %s policy:\n",
			sk_policy_preset_name(env->cfg.policy.preset));
		print_policy_failures(&env->cfg.policy, &pr, stderr);
		return EXIT_REFUSED;
	}
	if (r != SK_OK && r != SK_ERR_APPROVAL) {
		rc = outcome(env, "cannot create the account", r);
		return rc;
	}
	printf("Created account '%s'.\n", spec.name);
	if (!from_stdin)
		printf("Initial password (shown once; must be changed at first sign-in): %s\n",
		       initial);
	sodium_memzero(initial, sizeof(initial));
	if (r == SK_ERR_APPROVAL)
		return outcome(env, "the admin role", r);
	return 0;
}

static json_t *
user_json(struct cli_env *env, const sk_user *u)
{
	int64_t until = 0;
	unsigned devices = 0, codes = 0;
	int64_t locked = 0;
	sk_role eff = sk_account_effective_role(env->ctx, u, &until);

	(void)sk_mfa_count(env->ctx, u->id, &devices);
	(void)sk_recovery_remaining(env->ctx, u->id, &codes);
	(void)sk_lockout_account_locked_until(env->ctx, u->name, &locked);
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:I, s:I, s:I, s:s, s:i, s:i, s:I}",
			 "name", u->name, "email", u->email, "role", sk_role_name(u->role),
			 "effective_role", sk_role_name(eff), "disabled", u->disabled,
			 "must_change_password", u->must_change, "expires_at",
			 (json_int_t)u->expires_at, "created_at", (json_int_t)u->created_at,
			 "last_signin_at", (json_int_t)u->last_signin_at, "last_signin_addr",
			 u->last_signin_addr, "mfa_devices", (int)devices, "recovery_codes_left",
			 (int)codes, "locked_until", (json_int_t)(locked == INT64_MAX ? -1 : locked));
}

struct list_state {
	struct cli_env *env;
	json_t *array;
};

static int
list_one(void *arg, const sk_user *u)
{
	struct list_state *ls = arg;
	char t1[32], t2[32];

	if (ls->array != NULL) {
		json_t *o = user_json(ls->env, u);
		if (o == NULL || json_array_append_new(ls->array, o) != 0)
			return SK_ERR_NOMEM;
		return 0;
	}
	printf("%-24s %-8s %-9s %-20s %s\n", u->name, sk_role_name(u->role),
	       u->disabled ? "disabled" : "enabled", fmt_time(u->last_signin_at, t1, sizeof(t1)),
	       fmt_time(u->expires_at, t2, sizeof(t2)));
	return 0;
}

static int
print_json(json_t *j)
{
	int r = 0;

	if (j == NULL || json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS) != 0)
		r = 1;
	putchar('\n');
	json_decref(j);
	return r ? EXIT_REFUSED : 0;
}

static int
user_list(struct cli_env *env, int json)
{
	struct list_state ls = {env, json ? json_array() : NULL};
	int r;

	if (json && ls.array == NULL)
		return EXIT_REFUSED;
	if (!json)
		printf("%-24s %-8s %-9s %-20s %s\n", "NAME", "ROLE", "STATE", "LAST SIGN-IN",
		       "EXPIRES");
	r = sk_account_list(env->ctx, list_one, &ls);
	if (r < 0) {
		json_decref(ls.array);
		return outcome(env, "cannot list accounts", r);
	}
	return json ? print_json(ls.array) : 0;
}

static int
device_print(void *arg, const sk_device *d)
{
	char t1[32], t2[32];

	(void)arg;
	printf("  device  %-24s %-10s %s added %s, last used %s\n", d->name,
	       sk_device_type_name(d->type), d->confirmed ? "active " : "pending",
	       fmt_time(d->created_at, t1, sizeof(t1)), fmt_time(d->last_used_at, t2, sizeof(t2)));
	return 0;
}

static int
user_show(struct cli_env *env, const char *name, int json)
{
	sk_user u;
	char t[32];
	int64_t until = 0, locked = 0;
	unsigned codes = 0;
	int r;

	if ((r = sk_account_get(env->ctx, name, &u)) != SK_OK)
		return outcome(env, name, r);
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	if (json)
		return print_json(user_json(env, &u));
	sk_role eff = sk_account_effective_role(env->ctx, &u, &until);
	(void)sk_recovery_remaining(env->ctx, u.id, &codes);
	(void)sk_lockout_account_locked_until(env->ctx, u.name, &locked);
	printf("name            %s\n", u.name);
	printf("email           %s\n", u.email[0] ? u.email : "-");
	printf("role            %s", sk_role_name(u.role));
	if (eff != u.role)
		printf(" (%s until %s)", sk_role_name(eff), fmt_time(until, t, sizeof(t)));
	printf("\nstate           %s%s%s\n", u.disabled ? "disabled" : "enabled",
	       u.must_change ? ", must change password" : "",
	       locked ? ", locked" : "");
	if (locked)
		printf("locked until    %s\n", fmt_time(locked, t, sizeof(t)));
	printf("created         %s\n", fmt_time(u.created_at, t, sizeof(t)));
	printf("expires         %s\n", fmt_time(u.expires_at, t, sizeof(t)));
	printf("password set    %s\n", fmt_time(u.password_changed_at, t, sizeof(t)));
	printf("last sign-in    %s%s%s\n", fmt_time(u.last_signin_at, t, sizeof(t)),
	       u.last_signin_addr[0] ? " from " : "", u.last_signin_addr);
	printf("recovery codes  %u left\n", codes);
	(void)sk_mfa_list(env->ctx, u.id, device_print, NULL);
	return 0;
}

static int
user_simple(struct cli_env *env, const char *verb, const char *name)
{
	sk_actor *actor = env_actor(env);
	char initial[SK_INITIAL_PASSWORD_MAX];
	int r;

	if (strcmp(verb, "disable") == 0)
		r = sk_account_set_disabled(env->ctx, actor, name, 1);
	else if (strcmp(verb, "enable") == 0)
		r = sk_account_set_disabled(env->ctx, actor, name, 0);
	else if (strcmp(verb, "unlock") == 0)
		r = sk_account_unlock(env->ctx, actor, name);
	else if (strcmp(verb, "delete") == 0)
		r = sk_account_delete(env->ctx, actor, name);
	else if (strcmp(verb, "reset-password") == 0) {
		r = sk_account_reset_password(env->ctx, actor, name, initial);
		if (r == SK_OK)
			printf("New initial password for '%s' (shown once; must be changed at "
			       "next sign-in): %s\n",
			       name, initial);
		sodium_memzero(initial, sizeof(initial));
	} else
		return user_usage();
	if (r == SK_OK && strcmp(verb, "reset-password") != 0)
		printf("%s: %s done.\n", name, verb);
	return outcome(env, name, r);
}

int
cmd_user(struct cli_env *env, int argc, char **argv)
{
	const char *verb;
	int json;

	if (argc < 2)
		return user_usage();
	verb = argv[1];
	json = argc >= 3 && strcmp(argv[argc - 1], "--json") == 0;
	if (strcmp(verb, "add") == 0)
		return user_add(env, argc - 1, argv + 1);
	if (strcmp(verb, "list") == 0) {
		if (argc != 2 + json)
			return user_usage();
		return env_open(env, 0) ? EXIT_REFUSED : user_list(env, json);
	}
	if (strcmp(verb, "show") == 0) {
		if (argc != 3 + json)
			return user_usage();
		return env_open(env, 0) ? EXIT_REFUSED : user_show(env, argv[2], json);
	}
	if (strcmp(verb, "expire") == 0 && argc == 4) {
		int64_t t = 0;
		if (env_open(env, 0))
			return EXIT_REFUSED;
		if (strcmp(argv[3], "never") != 0 &&
		    parse_time(argv[3], sk_ctx_now(env->ctx), &t) != 0) {
			fprintf(stderr, "sekisho: cannot read the date '%s' (use YYYY-MM-DD)\n",
				argv[3]);
			return EXIT_USAGE;
		}
		int r = sk_account_set_expiry(env->ctx, env_actor(env), argv[2], t);
		if (r == SK_OK)
			printf("%s: expiry set.\n", argv[2]);
		return outcome(env, argv[2], r);
	}
	if (strcmp(verb, "role") == 0 && argc == 4) {
		sk_role role;
		if (sk_role_parse(argv[3], &role) != SK_OK)
			return user_usage();
		if (env_open(env, 0))
			return EXIT_REFUSED;
		int r = sk_account_set_role(env->ctx, env_actor(env), argv[2], role);
		if (r == SK_OK)
			printf("%s: role is now %s.\n", argv[2], argv[3]);
		return outcome(env, argv[2], r);
	}
	if (strcmp(verb, "grant") == 0 && argc == 6 && strcmp(argv[4], "--until") == 0) {
		sk_role role;
		int64_t until;
		char t[32];
		if (sk_role_parse(argv[3], &role) != SK_OK || role == SK_ROLE_USER)
			return user_usage();
		if (env_open(env, 0))
			return EXIT_REFUSED;
		if (parse_time(argv[5], sk_ctx_now(env->ctx), &until) != 0 ||
		    until <= sk_ctx_now(env->ctx)) {
			fprintf(stderr, "sekisho: --until must be a future date (YYYY-MM-DD, +8h)\n");
			return EXIT_USAGE;
		}
		int r = sk_privilege_grant(env->ctx, env_actor(env), argv[2], role, until);
		if (r == SK_OK)
			printf("%s: %s until %s.\n", argv[2], argv[3], fmt_time(until, t, sizeof(t)));
		return outcome(env, argv[2], r);
	}
	if (argc == 4 && strcmp(verb, "unlock") == 0 && strcmp(argv[2], "--address") == 0) {
		if (env_open(env, 0))
			return EXIT_REFUSED;
		int r = sk_account_unlock_address(env->ctx, env_actor(env), argv[3]);
		if (r == SK_ERR_INVALID) {
			fprintf(stderr, "sekisho: '%s' is not an IPv4 or IPv6 address\n", argv[3]);
			return EXIT_USAGE;
		}
		if (r == SK_OK)
			printf("%s: sign-in attempts from this address are allowed again.\n", argv[3]);
		return outcome(env, argv[3], r);
	}
	if (argc == 3 && strcmp(verb, "add") != 0) {
		if (env_open(env, 0))
			return EXIT_REFUSED;
		return user_simple(env, verb, argv[2]);
	}
	return user_usage();
}
