/*
 * cli/cmd_token.c - `sekisho token`: API tokens, the machine credentials of
 * the JSON API (C6).  The token text is printed once, by create; the
 * database keeps only its hash.
 */
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
#include "sekisho/apitoken.h"

/* Also declared in cli.h once the command is wired; repeating it is harmless. */

static int
token_usage(void)
{
	fprintf(stderr,
		"usage: sekisho token create OWNER NAME [--scope read|admin] --expires DATE\n"
		"       sekisho token list [OWNER] [--json]\n"
		"       sekisho token revoke ID\n"
		"NAME: 1-64 characters from A-Z a-z 0-9 + = , . @ _ -\n"
		"DATE: YYYY-MM-DD (end of day, UTC), YYYY-MM-DDTHH:MMZ, @UNIX or +30d/+8h;\n"
		"      in the future and at most one year away.\n");
	return EXIT_USAGE;
}

static const char *
token_state(const struct cli_env *env, const sk_apitoken *t)
{
	if (t->revoked_at != 0)
		return "revoked";
	if (t->expires_at <= sk_ctx_now(env->ctx))
		return "expired";
	return "active";
}

struct find_name {
	int64_t id;
	char name[SK_NAME_MAX + 1];
};

static int
find_name_one(void *arg, const sk_user *u)
{
	struct find_name *f = arg;

	if (u->id != f->id)
		return 0;
	memcpy(f->name, u->name, sizeof(f->name));
	return 1;
}

/* The name of account id ("?" when it is gone). */
static void
owner_name(struct cli_env *env, int64_t id, char name[SK_NAME_MAX + 1])
{
	struct find_name f;

	memset(&f, 0, sizeof(f));
	f.id = id;
	if (sk_account_list(env->ctx, find_name_one, &f) != 1)
		snprintf(f.name, sizeof(f.name), "?");
	memcpy(name, f.name, sizeof(f.name));
}

static int
token_create(struct cli_env *env, int argc, char **argv)
{
	static const struct option opts[] = {
		{"scope", required_argument, NULL, 's'},
		{"expires", required_argument, NULL, 'x'},
		{NULL, 0, NULL, 0},
	};
	char token[SK_APITOKEN_LEN + 1], when[40];
	const char *expires = NULL, *owner, *name;
	sk_scope scope = SK_SCOPE_READ;
	int64_t expires_at = 0, id = 0, now;
	sk_actor *actor;
	int c, r;

	optind = 0; /* 0: full re-initialisation of GNU getopt */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (sk_apitoken_scope_parse(optarg, &scope) != SK_OK) {
				fprintf(stderr, "sekisho: --scope is read or admin\n");
				return EXIT_USAGE;
			}
			break;
		case 'x':
			expires = optarg;
			break;
		default:
			return token_usage();
		}
	}
	if (optind != argc - 2)
		return token_usage();
	owner = argv[optind];
	name = argv[optind + 1];
	if (expires == NULL) {
		fprintf(stderr, "sekisho: every token needs an expiry: add --expires DATE "
				"(e.g. --expires +90d; at most one year)\n");
		return EXIT_USAGE;
	}
	if (sk_mfa_device_name_check(name) != SK_OK) {
		fprintf(stderr, "sekisho: token names are 1-64 characters from "
				"A-Z a-z 0-9 + = , . @ _ -\n");
		return EXIT_USAGE;
	}
	if (env_open(env, 0) != 0)
		return EXIT_REFUSED;
	now = sk_ctx_now(env->ctx);
	if (parse_time(expires, now, &expires_at) != 0) {
		fprintf(stderr, "sekisho: cannot read the date '%s' (use YYYY-MM-DD or +90d)\n",
			expires);
		return EXIT_USAGE;
	}
	if (expires_at <= now || expires_at - now > SK_APITOKEN_MAX_LIFETIME) {
		fprintf(stderr, "sekisho: the expiry must be in the future and at most one year "
				"(365 days) away; create a new token before this one ends\n");
		return EXIT_USAGE;
	}
	actor = env_actor(env);
	if ((r = sk_account_authorize(env->ctx, actor, 0)) != SK_OK)
		return outcome(env, "token create", r);
	r = sk_apitoken_create(env->ctx, actor, owner, name, scope, expires_at, token, &id);
	switch (r) {
	case SK_OK:
		break;
	case SK_ERR_PERM:
		fprintf(stderr,
			"sekisho: token create: '%s' is not an administrator, so its "
			"tokens can only have --scope read\n",
			owner);
		return EXIT_REFUSED;
	case SK_ERR_EXISTS:
		fprintf(stderr,
			"sekisho: token create: '%s' already has a token named '%s' "
			"(choose another name, or revoke that one first)\n",
			owner, name);
		return EXIT_REFUSED;
	case SK_ERR_DISABLED:
	case SK_ERR_EXPIRED:
		fprintf(stderr,
			"sekisho: token create: the account '%s' is %s, so a token for it "
			"would not work (see `sekisho user show %s`)\n",
			owner, r == SK_ERR_DISABLED ? "disabled" : "past its expiry date", owner);
		return EXIT_REFUSED;
	default:
		return outcome(env, owner, r);
	}
	printf("Created API token #%" PRId64 " '%s' for %s (scope %s, expires %s).\n", id, name,
	       owner, sk_apitoken_scope_name(scope), fmt_time(expires_at, when, sizeof(when)));
	printf("Token (shown once; keep it in the client's secret store): %s\n", token);
	printf("Use it as: Authorization: Bearer <token>   Revoke: sekisho token revoke %" PRId64
	       "\n",
	       id);
	sodium_memzero(token, sizeof(token));
	return 0;
}

struct list_state {
	struct cli_env *env;
	const char *owner; /* NULL: look each owner up */
	json_t *array;     /* --json */
};

static int
list_row(void *arg, const sk_apitoken *t)
{
	struct list_state *st = arg;
	char owner[SK_NAME_MAX + 1], t1[32], t2[32], t3[32];

	if (st->owner != NULL)
		snprintf(owner, sizeof(owner), "%s", st->owner);
	else
		owner_name(st->env, t->user_id, owner);
	if (st->array != NULL) {
		json_t *o = json_pack(
			"{s:I, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I}", "id",
			(json_int_t)t->id, "name", t->name, "owner", owner, "scope",
			sk_apitoken_scope_name(t->scope), "state", token_state(st->env, t),
			"created_by", t->created_by, "created_at", (json_int_t)t->created_at,
			"expires_at", (json_int_t)t->expires_at, "last_used_at",
			(json_int_t)t->last_used_at, "revoked_at", (json_int_t)t->revoked_at);
		if (o == NULL || json_array_append_new(st->array, o) != 0)
			return SK_ERR_NOMEM;
		return 0;
	}
	printf("%-5" PRId64 " %-20s %-16s %-5s %-7s %-20s %-20s %s\n", t->id, t->name, owner,
	       sk_apitoken_scope_name(t->scope), token_state(st->env, t),
	       fmt_time(t->expires_at, t1, sizeof(t1)), fmt_time(t->last_used_at, t2, sizeof(t2)),
	       t->revoked_at ? fmt_time(t->revoked_at, t3, sizeof(t3)) : t->created_by);
	return 0;
}

static int
token_list(struct cli_env *env, int argc, char **argv)
{
	static const struct option opts[] = {
		{"json", no_argument, NULL, 'j'},
		{NULL, 0, NULL, 0},
	};
	struct list_state st = {env, NULL, NULL};
	int c, json = 0, r;
	sk_user u;

	optind = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'j')
			return token_usage();
		json = 1;
	}
	if (optind < argc - 1)
		return token_usage();
	if (env_open(env, 0) != 0)
		return EXIT_REFUSED;
	if (optind == argc - 1) {
		if ((r = sk_account_get(env->ctx, argv[optind], &u)) != SK_OK)
			return outcome(env, argv[optind], r);
		sodium_memzero(u.pwhash, sizeof(u.pwhash));
		st.owner = argv[optind];
	}
	if (json && (st.array = json_array()) == NULL)
		return EXIT_REFUSED;
	if (!json)
		printf("%-5s %-20s %-16s %-5s %-7s %-20s %-20s %s\n", "ID", "NAME", "OWNER",
		       "SCOPE", "STATE", "EXPIRES", "LAST USED", "CREATED BY / REVOKED");
	r = sk_apitoken_list(env->ctx, st.owner, list_row, &st);
	if (r != SK_OK) {
		json_decref(st.array);
		return outcome(env, "token list", r);
	}
	if (json) {
		json_dumpf(st.array, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(st.array);
	}
	return 0;
}

static int
token_revoke(struct cli_env *env, const char *arg)
{
	char *end;
	long long id;
	int r;

	if (arg[0] < '1' || arg[0] > '9' || (id = strtoll(arg, &end, 10)) <= 0 || *end != '\0') {
		fprintf(stderr, "sekisho: token revoke takes the token's number (ID in "
				"`sekisho token list`)\n");
		return EXIT_USAGE;
	}
	if (env_open(env, 0) != 0)
		return EXIT_REFUSED;
	r = sk_apitoken_revoke(env->ctx, env_actor(env), (int64_t)id);
	switch (r) {
	case SK_OK:
		printf("Revoked API token #%lld: clients using it are refused from now on.\n", id);
		return 0;
	case SK_ERR_NOTFOUND:
		fprintf(stderr,
			"sekisho: token revoke: no token #%lld (see `sekisho token list`)\n", id);
		return EXIT_REFUSED;
	case SK_ERR_STATE:
		fprintf(stderr, "sekisho: token revoke: token #%lld is already revoked\n", id);
		return EXIT_REFUSED;
	default:
		return outcome(env, "token revoke", r);
	}
}

int
cmd_token(struct cli_env *env, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "create") == 0)
		return token_create(env, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return token_list(env, argc - 1, argv + 1);
	if (argc == 3 && strcmp(argv[1], "revoke") == 0)
		return token_revoke(env, argv[2]);
	return token_usage();
}
