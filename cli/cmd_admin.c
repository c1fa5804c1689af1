/*
 * cli/cmd_admin.c - `sekisho mfa`, `recovery`, `password check`, `audit`,
 * `inventory` and `approvals`.
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

static int
device_row(void *arg, const sk_device *d)
{
	char t1[32], t2[32];

	(void)arg;
	printf("%-24s %-10s %-8s %-20s %s\n", d->name, sk_device_type_name(d->type),
	       d->confirmed ? "active" : "pending", fmt_time(d->created_at, t1, sizeof(t1)),
	       fmt_time(d->last_used_at, t2, sizeof(t2)));
	return 0;
}

struct admin_confirm {
	struct cli_env *env;
	int64_t user_id, device_id;
};

static int
admin_confirm(void *arg, const char *code1, const char *code2)
{
	struct admin_confirm *c = arg;

	return sk_mfa_enroll_confirm(c->env->ctx, c->user_id, c->device_id, code1, code2,
				     c->env->actor.addr);
}

/*
 * `mfa add NAME [--type T] [--name DEVICE]`: an administrator assigns a
 * device - an authenticator app shown as a QR code, or a hardware token
 * whose secret (from the vendor's seed file) is typed in - confirmed with
 * codes from the device itself.
 */
static int
mfa_add(struct cli_env *env, int argc, char **argv)
{
	static const struct option opts[] = {
		{"type", required_argument, NULL, 't'},
		{"name", required_argument, NULL, 'n'},
		{NULL, 0, NULL, 0},
	};
	sk_device_type type = SK_DEVICE_TOTP_APP;
	const char *device = NULL;
	char secret[256], detail[SK_DETAIL_MAX];
	struct admin_confirm c;
	sk_enrollment e;
	sk_user u;
	int ch, r;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			if (sk_device_type_parse(optarg, &type) != SK_OK) {
				fprintf(stderr, "sekisho: --type is totp-app, totp-token or hotp-token\n");
				return EXIT_USAGE;
			}
			break;
		case 'n':
			device = optarg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1)
		return EXIT_USAGE;
	if (device == NULL)
		device = type == SK_DEVICE_TOTP_APP ? "authenticator" : "token";
	if (sk_mfa_device_name_check(device) != SK_OK) {
		fprintf(stderr, "sekisho: device names are 1-64 characters from A-Z a-z 0-9 + = , . @ _ -\n");
		return EXIT_USAGE;
	}
	if (env_open(env, 0) != 0)
		return EXIT_REFUSED;
	sk_actor *actor = env_actor(env);
	if ((r = sk_account_authorize(env->ctx, actor, 0)) != SK_OK ||
	    (r = sk_account_get(env->ctx, argv[optind], &u)) != SK_OK)
		return outcome(env, argv[optind], r);
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	secret[0] = '\0';
	if (type != SK_DEVICE_TOTP_APP &&
	    prompt_line("Token secret (Base32, from the token's seed file) / トークンのシークレット: ",
			1, secret, sizeof(secret)) <= 0) {
		fprintf(stderr, "sekisho: no token secret given\n");
		return EXIT_USAGE;
	}
	if (type != SK_DEVICE_TOTP_APP) {
		const char *why = NULL;

		switch (sk_mfa_token_secret_check(secret)) {
		case SK_SECRET_OK:
			break;
		case SK_SECRET_EMPTY:
			why = "no token secret given";
			break;
		case SK_SECRET_NOT_BASE32:
			why = "the token secret is not Base32 (letters A-Z and digits 2-7 only; "
			      "check for a missing or extra character)";
			break;
		case SK_SECRET_TOO_SHORT:
			why = "the token secret is too short: at least 80 bits (16 Base32 characters)";
			break;
		case SK_SECRET_TOO_LONG:
			why = "the token secret is too long (at most 64 bytes)";
			break;
		}
		if (why != NULL) {
			sodium_memzero(secret, sizeof(secret));
			fprintf(stderr, "sekisho: %s\n", why);
			return EXIT_REFUSED;
		}
	}
	r = sk_mfa_enroll_begin(env->ctx, u.id, device, type,
				type == SK_DEVICE_TOTP_APP ? NULL : secret, &e);
	sodium_memzero(secret, sizeof(secret));
	if (r == SK_ERR_INVALID && type != SK_DEVICE_TOTP_APP) {
		fprintf(stderr, "sekisho: the token secret must be Base32 of at least 80 bits\n");
		return EXIT_REFUSED;
	}
	if (r == SK_ERR_EXISTS) {
		fprintf(stderr, "sekisho: %s already has a device named '%s' (use --name)\n", u.name,
			device);
		return EXIT_REFUSED;
	}
	if (r != SK_OK)
		return outcome(env, u.name, r);
	c = (struct admin_confirm){env, u.id, e.device_id};
	enroll_show(env, &e, type);
	sk_enrollment_clear(&e);
	if ((r = enroll_codes(env, type, admin_confirm, &c)) != SK_OK)
		return outcome(env, "the device was not added", r);
	snprintf(detail, sizeof(detail), "device '%s' (%s) assigned", device,
		 sk_device_type_name(type));
	r = sk_audit(env->ctx, actor->name, "mfa.assign", u.name, actor->addr, "ok", detail);
	if (r == SK_OK)
		printf("%s: device '%s' (%s) added.\n", u.name, device, sk_device_type_name(type));
	return outcome(env, u.name, r);
}

int
cmd_mfa(struct cli_env *env, int argc, char **argv)
{
	sk_user u;
	int r;

	if (argc >= 3 && strcmp(argv[1], "add") == 0) {
		if ((r = mfa_add(env, argc - 1, argv + 1)) != EXIT_USAGE)
			return r;
	} else if (argc == 3 && (strcmp(argv[1], "list") == 0 || strcmp(argv[1], "reset") == 0)) {
		goto run;
	}
	fprintf(stderr, "usage: sekisho mfa list NAME\n"
			"       sekisho mfa add NAME [--type totp-app|totp-token|hotp-token] [--name DEVICE]\n"
			"       sekisho mfa reset NAME   (the user enrolls again at next sign-in)\n");
	return EXIT_USAGE;
run:
	if (env_open(env, 0) != 0)
		return EXIT_REFUSED;
	if (strcmp(argv[1], "reset") == 0) {
		r = sk_mfa_reset(env->ctx, env_actor(env), argv[2]);
		if (r == SK_OK)
			printf("%s: every MFA device and recovery code removed; the user enrolls "
			       "again at next sign-in.\n",
			       argv[2]);
		return outcome(env, argv[2], r);
	}
	if ((r = sk_account_get(env->ctx, argv[2], &u)) != SK_OK)
		return outcome(env, argv[2], r);
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	printf("%-24s %-10s %-8s %-20s %s\n", "DEVICE", "TYPE", "STATE", "ADDED", "LAST USED");
	r = sk_mfa_list(env->ctx, u.id, device_row, NULL);
	return outcome(env, argv[2], r < 0 ? r : SK_OK);
}

int
cmd_recovery(struct cli_env *env, int argc, char **argv)
{
	sk_recovery_set set;
	sk_user u;
	int r;

	if (argc != 3 || strcmp(argv[1], "generate") != 0) {
		fprintf(stderr, "usage: sekisho recovery generate NAME\n");
		return EXIT_USAGE;
	}
	if (env_open(env, 0) != 0)
		return EXIT_REFUSED;
	sk_actor *actor = env_actor(env);
	if ((r = sk_account_authorize(env->ctx, actor, 0)) != SK_OK)
		return outcome(env, argv[2], r);
	if ((r = sk_account_get(env->ctx, argv[2], &u)) != SK_OK)
		return outcome(env, argv[2], r);
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	r = sk_recovery_generate(env->ctx, u.id, actor->name, actor->addr, &set);
	if (r == SK_OK) {
		printf("New recovery codes for %s (previous codes no longer work; shown once):\n",
		       u.name);
		for (unsigned i = 0; i < set.count; i++)
			printf("  %s\n", set.codes[i]);
	}
	sk_recovery_set_clear(&set);
	return outcome(env, argv[2], r);
}

int
cmd_password(struct cli_env *env, int argc, char **argv)
{
	static const struct option opts[] = {
		{"policy", required_argument, NULL, 'p'},
		{"user", required_argument, NULL, 'u'},
		{"email", required_argument, NULL, 'e'},
		{NULL, 0, NULL, 0},
	};
	const char *user = NULL, *email = NULL, *preset = NULL;
	char pw[SK_PASSWORD_MAX + 2];
	sk_policy_result pr;
	sk_policy policy;
	int c, n, r;

	if (argc < 2 || strcmp(argv[1], "check") != 0)
		goto usage;
	optind = 0; /* 0: full re-initialisation of GNU getopt */
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			preset = optarg;
			break;
		case 'u':
			user = optarg;
			break;
		case 'e':
			email = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	if (preset != NULL) {
		sk_policy_preset p;
		if (sk_policy_preset_parse(preset, &p) != SK_OK) {
			fprintf(stderr, "sekisho: --policy must be aws, strong or nist\n");
			return EXIT_USAGE;
		}
		(void)sk_policy_preset_init(&policy, p);
	} else {
		/* The configured policy when there is a config file, else the default. */
		if (env_load_config(env) != 0)
			return EXIT_REFUSED;
		policy = env->cfg.policy;
	}
	n = prompt_line("Password: ", 1, pw, sizeof(pw));
	if (n < 0) {
		fprintf(stderr, "sekisho: no password on standard input\n");
		return EXIT_USAGE;
	}
	r = sk_policy_check(&policy, pw, (size_t)n, user, email, &pr);
	sodium_memzero(pw, sizeof(pw));
	if (r == SK_OK) {
		printf("accepted by the %s policy (about 10^%.1f guesses)\n",
		       sk_policy_preset_name(policy.preset), pr.guesses_log10);
		return 0;
	}
	if (r != SK_ERR_POLICY) {
		report("password check", r);
		return EXIT_REFUSED;
	}
	printf("refused by the %s policy:\n", sk_policy_preset_name(policy.preset));
	print_policy_failures(&policy, &pr, stdout);
	return EXIT_REFUSED;
usage:
	fprintf(stderr, "usage: sekisho password check [--policy aws|strong|nist] [--user NAME] "
			"[--email E] < password\n");
	return EXIT_USAGE;
}

static int
export_one(void *arg, const sk_audit_event *e)
{
	char line[2048];
	int n = sk_audit_json(e, line, sizeof(line));

	(void)arg;
	if (n < 0)
		return n;
	puts(line);
	return 0;
}

int
cmd_audit(struct cli_env *env, int argc, char **argv)
{
	int64_t count = 0, bad = 0, since = 0;
	int r;

	if (argc == 2 && strcmp(argv[1], "verify") == 0) {
		if (env_open(env, 0) != 0)
			return EXIT_REFUSED;
		r = sk_audit_verify(env->ctx, &count, &bad);
		if (r == SK_OK) {
			printf("ok %" PRId64 " events\n", count);
			return 0;
		}
		if (r == SK_ERR_TAMPERED) {
			printf("BROKEN at event %" PRId64 ": the event was changed, removed or "
			       "inserted after it was written (%" PRId64 " events verified before it)\n",
			       bad, count);
			return EXIT_REFUSED;
		}
		return outcome(env, "audit verify", r);
	}
	if ((argc == 2 || argc == 4) && strcmp(argv[1], "export") == 0) {
		if (env_open(env, 0) != 0)
			return EXIT_REFUSED;
		if (argc == 4 && (strcmp(argv[2], "--since") != 0 ||
				  parse_time(argv[3], sk_ctx_now(env->ctx), &since) != 0)) {
			fprintf(stderr, "sekisho: --since takes a date (YYYY-MM-DD, @UNIX)\n");
			return EXIT_USAGE;
		}
		/* A whole day named by its date starts at its beginning. */
		if (argc == 4 && strlen(argv[3]) == 10)
			since -= 86399;
		r = sk_audit_list(env->ctx, since, export_one, NULL);
		return outcome(env, "audit export", r < 0 ? r : SK_OK);
	}
	fprintf(stderr, "usage: sekisho audit verify\n"
			"       sekisho audit export [--since DATE]\n");
	return EXIT_USAGE;
}

enum inv_format { INV_TABLE, INV_CSV, INV_JSON };

struct inv_state {
	enum inv_format format;
	json_t *array;
};

static void
flags_text(uint32_t flags, char *buf, size_t size, char sep)
{
	size_t pos = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < SK_INV__COUNT; i++) {
		if ((flags & (1u << i)) == 0)
			continue;
		int n = snprintf(buf + pos, size - pos, "%s%s", pos ? (sep == ',' ? "," : ";") : "",
				 sk_inventory_flag_name(1u << i));
		if (n < 0 || (size_t)n >= size - pos)
			break;
		pos += (size_t)n;
	}
}

static int
inv_row(void *arg, const sk_inventory_row *row)
{
	struct inv_state *st = arg;
	const sk_user *u = &row->user;
	char flags[256], t1[32], t2[32];

	flags_text(row->flags, flags, sizeof(flags), st->format == INV_TABLE ? ',' : ';');
	switch (st->format) {
	case INV_JSON: {
		json_t *fl = json_array();
		for (unsigned i = 0; fl && i < SK_INV__COUNT; i++)
			if (row->flags & (1u << i))
				json_array_append_new(fl, json_string(sk_inventory_flag_name(1u << i)));
		json_t *o = json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:i, s:i, s:I, s:o}", "name",
			u->name, "email", u->email, "role", sk_role_name(u->role), "effective_role",
			sk_role_name(row->effective_role), "state",
			u->disabled ? "disabled" : "enabled", "created_at", (json_int_t)u->created_at,
			"expires_at", (json_int_t)u->expires_at, "last_signin_at",
			(json_int_t)u->last_signin_at, "grant_until", (json_int_t)row->grant_until,
			"mfa_devices", (int)row->mfa_devices, "recovery_codes_left",
			(int)row->recovery_left, "locked_until",
			(json_int_t)(row->locked_until == INT64_MAX ? -1 : row->locked_until), "flags",
			fl ? fl : json_array());
		if (o == NULL || json_array_append_new(st->array, o) != 0)
			return SK_ERR_NOMEM;
		return 0;
	}
	case INV_CSV: {
		char line[2048];
		if (sk_inventory_csv_row(row, line, sizeof(line)) < 0)
			return SK_ERR_TOOLONG;
		fputs(line, stdout);
		return 0;
	}
	case INV_TABLE:
		printf("%-20s %-8s %-8s %-9s %-17s %-17s %3u %3u  %s\n", u->name,
		       sk_role_name(u->role), sk_role_name(row->effective_role),
		       u->disabled ? "disabled" : "enabled",
		       fmt_time(u->last_signin_at, t1, sizeof(t1)),
		       fmt_time(u->expires_at, t2, sizeof(t2)), row->mfa_devices, row->recovery_left,
		       flags[0] ? flags : "-");
		return 0;
	}
	return 0;
}

int
cmd_inventory(struct cli_env *env, int argc, char **argv)
{
	static const struct option opts[] = {
		{"format", required_argument, NULL, 'f'},
		{"stale-days", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	struct inv_state st = {INV_TABLE, NULL};
	unsigned long stale = 0;
	char *end;
	int c, r;

	optind = 0; /* 0: full re-initialisation of GNU getopt */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "table") == 0)
				st.format = INV_TABLE;
			else if (strcmp(optarg, "csv") == 0)
				st.format = INV_CSV;
			else if (strcmp(optarg, "json") == 0)
				st.format = INV_JSON;
			else
				goto usage;
			break;
		case 's':
			stale = strtoul(optarg, &end, 10);
			if (*optarg < '0' || *optarg > '9' || *end != '\0' || stale == 0 ||
			    stale > 3650)
				goto usage;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	if (env_open(env, 0) != 0)
		return EXIT_REFUSED;
	if (st.format == INV_JSON && (st.array = json_array()) == NULL)
		return EXIT_REFUSED;
	if (st.format == INV_CSV)
		fputs(sk_inventory_csv_header(), stdout);
	if (st.format == INV_TABLE)
		printf("%-20s %-8s %-8s %-9s %-17s %-17s %3s %3s  %s\n", "NAME", "ROLE", "NOW",
		       "STATE", "LAST SIGN-IN", "EXPIRES", "MFA", "REC", "FLAGS");
	r = sk_inventory(env->ctx, (unsigned)stale, inv_row, &st);
	if (r != SK_OK) {
		json_decref(st.array);
		return outcome(env, "inventory", r);
	}
	if (st.format == INV_JSON) {
		json_dumpf(st.array, stdout, JSON_INDENT(2));
		putchar('\n');
		json_decref(st.array);
	}
	return 0;
usage:
	fprintf(stderr, "usage: sekisho inventory [--format table|csv|json] [--stale-days N]\n");
	return EXIT_USAGE;
}

static int
approval_row(void *arg, const sk_approval *a)
{
	char t1[32], t2[32];

	(void)arg;
	printf("%-5" PRId64 " %-9s %-22s %-16s %-20s %-17s %-17s %s\n", a->id,
	       sk_approval_state_name(a->state), a->action, a->target, a->requested_by,
	       fmt_time(a->created_at, t1, sizeof(t1)),
	       fmt_time(a->state == SK_APPROVAL_PENDING ? a->expires_at : a->decided_at, t2,
			sizeof(t2)),
	       a->decided_by);
	return 0;
}

/*
 * The approver's password and, when they have a device, a one-time code
 * from it; the library decides (sk_signin_reauth) and says what failed.
 */
static int
approver_step_up(struct cli_env *env, const char *name)
{
	char pw[SK_PASSWORD_MAX + 2], code[32] = "", t[32];
	int64_t retry_at = 0;
	int n, r;

	n = prompt_line("Password / パスワード: ", 1, pw, sizeof(pw));
	if (n < 0)
		return SK_ERR_AUTH;
	if (sk_signin_reauth_needs_code(env->ctx, name) &&
	    prompt_line("One-time code / ワンタイムパスワード: ", 1, code, sizeof(code)) < 0) {
		sodium_memzero(pw, sizeof(pw));
		return SK_ERR_AUTH;
	}
	r = sk_signin_reauth(env->ctx, name, env->actor.addr ? env->actor.addr : "local", pw,
			   (size_t)n, code, &retry_at);
	sodium_memzero(pw, sizeof(pw));
	sodium_memzero(code, sizeof(code));
	switch (r) {
	case SK_OK:
		break;
	case SK_ERR_AUTH:
		fprintf(stderr, "The password or the one-time code is incorrect.\n"
				"パスワードまたはワンタイムパスワードが正しくありません。\n");
		break;
	case SK_ERR_REPLAY:
		fprintf(stderr, "That code was already used; wait for the next one.\n"
				"このコードは使用済みです。次のコードを待ってください。\n");
		break;
	case SK_ERR_LOCKED:
		if (retry_at == INT64_MAX)
			fprintf(stderr, "Locked after too many failures: ask another administrator "
					"to unlock %s.\n", name);
		else
			fprintf(stderr, "Too many failures: try again after %s.\n",
				fmt_time(retry_at, t, sizeof(t)));
		break;
	case SK_ERR_STATE:
		fprintf(stderr, "%s must first finish their own first sign-in (sekisho login %s).\n",
			name, name);
		break;
	default:
		report("approver", r);
	}
	return r;
}

int
cmd_approvals(struct cli_env *env, int argc, char **argv)
{
	char initial[SK_INITIAL_PASSWORD_MAX];
	char *end;
	int r;

	if (argc == 2 && strcmp(argv[1], "list") == 0) {
		if (env_open(env, 0) != 0)
			return EXIT_REFUSED;
		printf("%-5s %-9s %-22s %-16s %-20s %-17s %-17s %s\n", "ID", "STATE", "ACTION",
		       "TARGET", "REQUESTED BY", "REQUESTED", "EXPIRES/DECIDED", "DECIDED BY");
		r = sk_approval_list(env->ctx, approval_row, NULL);
		return outcome(env, "approvals", r < 0 ? r : SK_OK);
	}
	if (argc == 3 && (strcmp(argv[1], "approve") == 0 || strcmp(argv[1], "reject") == 0)) {
		int approve = strcmp(argv[1], "approve") == 0;
		long long id = strtoll(argv[2], &end, 10);
		if (*argv[2] < '0' || *argv[2] > '9' || *end != '\0' || id <= 0)
			goto usage;
		if (env->as == NULL) {
			fprintf(stderr, "sekisho: say who approves: sekisho --as YOUR_ADMIN_NAME "
					"approvals %s %lld\n",
				argv[1], id);
			return EXIT_USAGE;
		}
		if (env_open(env, 0) != 0)
			return EXIT_REFUSED;
		sk_actor *actor = env_actor(env);
		/*
		 * Who may decide, first: nobody types a password for nothing.
		 * Then the approver proves who they are, now: password and a
		 * fresh one-time code, checked by the library
		 * (sk_signin_reauth), the same check as the console's.
		 */
		if ((r = sk_approval_may_decide(env->ctx, actor, id)) != SK_OK)
			goto refused;
		fprintf(stderr, "Approver %s: confirm it is you. / 承認者の本人確認\n", env->as);
		if (approver_step_up(env, env->as) != SK_OK) {
			fprintf(stderr, "sekisho: approver authentication failed; nothing was "
					"decided\n");
			return EXIT_REFUSED;
		}
		r = sk_approval_decide(env->ctx, actor, id, approve, initial, sizeof(initial));
refused:
		if (r == SK_OK) {
			printf("Request #%lld %s.\n", id, approve ? "approved and carried out" : "rejected");
			if (initial[0] != '\0')
				printf("New initial password (shown once; must be changed at next "
				       "sign-in): %s\n",
				       initial);
		} else if (r == SK_ERR_SAME_PERSON) {
			fprintf(stderr, "sekisho: %s (neither the requester nor the target may "
					"approve)\n",
				sk_strerror(r));
			return EXIT_REFUSED;
		}
		sodium_memzero(initial, sizeof(initial));
		return outcome(env, "approval", r);
	}
usage:
	fprintf(stderr, "usage: sekisho approvals list\n"
			"       sekisho --as ADMIN approvals approve|reject ID\n");
	return EXIT_USAGE;
}
