/* lib/account.c - accounts: names, roles, lifecycle, passwords, authorization. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "sekisho/account.h"
#include "sekisho/audit.h"
#include "sekisho/lockout.h"
#include "sekisho/mfa.h"
#include "sekisho/password.h"
#include "sekisho/policy.h"

int
sk_account_name_normalize(const char *in, char out[SK_NAME_MAX + 1])
{
	size_t n;

	out[0] = '\0';
	if (in == NULL)
		return SK_ERR_NAME;
	n = strnlen(in, SK_NAME_MAX + 1);
	if (n == 0 || n > SK_NAME_MAX)
		return SK_ERR_NAME;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)tolower((unsigned char)in[i]);
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!ok && (i == 0 || strchr("._@+-", c) == NULL || c == '\0')) {
			out[0] = '\0';
			return SK_ERR_NAME;
		}
		out[i] = (char)c;
	}
	out[n] = '\0';
	return SK_OK;
}

const char *
sk_role_name(sk_role role)
{
	return sk__role_name(role);
}

int
sk_role_parse(const char *name, sk_role *out)
{
	static const sk_role roles[] = {SK_ROLE_USER, SK_ROLE_AUDITOR, SK_ROLE_ADMIN};

	for (size_t i = 0; name != NULL && i < sizeof(roles) / sizeof(roles[0]); i++)
		if (strcmp(name, sk__role_name(roles[i])) == 0) {
			*out = roles[i];
			return SK_OK;
		}
	return SK_ERR_INVALID;
}

int
sk__user_by_name(sk_ctx *ctx, const char *name, sk_user *u)
{
	char norm[SK_NAME_MAX + 1];

	if (sk_account_name_normalize(name, norm) != SK_OK)
		return SK_ERR_NOTFOUND;
	return ST(ctx)->user_get_by_name(ctx->store, norm, u);
}

int
sk_account_get(sk_ctx *ctx, const char *name, sk_user *out)
{
	return sk__user_by_name(ctx, name, out);
}

int
sk_account_list(sk_ctx *ctx, sk_user_cb cb, void *arg)
{
	return ST(ctx)->user_list(ctx->store, cb, arg);
}

struct grant_scan {
	int64_t now;
	sk_role best;
	int64_t until;
};

static int
grant_scan_one(void *arg, const sk_grant *g)
{
	struct grant_scan *gs = arg;

	if (g->until > gs->now && g->role > gs->best) {
		gs->best = g->role;
		gs->until = g->until;
	}
	return 0;
}

sk_role
sk_account_effective_role(sk_ctx *ctx, const sk_user *u, int64_t *until)
{
	struct grant_scan gs = {sk_ctx_now(ctx), u->role, 0};

	(void)ST(ctx)->grant_list(ctx->store, u->id, grant_scan_one, &gs);
	if (until != NULL)
		*until = gs.best > u->role ? gs.until : 0;
	return gs.best;
}

static int
user_usable(sk_ctx *ctx, const sk_user *u)
{
	return !u->disabled && (u->expires_at == 0 || u->expires_at > sk_ctx_now(ctx));
}

int
sk_account_authorize(sk_ctx *ctx, const sk_actor *actor, int read_only)
{
	sk_user u;
	sk_role role;

	if (actor == NULL || actor->name == NULL)
		return SK_ERR_PERM;
	if (strncmp(actor->name, "local:", 6) == 0)
		return SK_OK; /* whoever can open the database and key file */
	if (sk__user_by_name(ctx, actor->name, &u) != SK_OK || !user_usable(ctx, &u))
		return SK_ERR_PERM;
	role = sk_account_effective_role(ctx, &u, NULL);
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	if (role == SK_ROLE_ADMIN || (read_only && role == SK_ROLE_AUDITOR))
		return SK_OK;
	return SK_ERR_PERM;
}

struct admin_count {
	sk_ctx *ctx;
	unsigned n;
};

static int
admin_count_one(void *arg, const sk_user *u)
{
	struct admin_count *ac = arg;

	if (u->role == SK_ROLE_ADMIN && user_usable(ac->ctx, u))
		ac->n++;
	return 0;
}

int
sk__admin_count(sk_ctx *ctx, unsigned *n)
{
	struct admin_count ac = {ctx, 0};
	int r = ST(ctx)->user_list(ctx->store, admin_count_one, &ac);

	*n = ac.n;
	return r < 0 ? r : SK_OK;
}

/* Whether taking u out of service would leave no usable administrator. */
static int
is_last_admin(sk_ctx *ctx, const sk_user *u)
{
	unsigned n = 0;

	if (u->role != SK_ROLE_ADMIN || !user_usable(ctx, u))
		return 0;
	if (sk__admin_count(ctx, &n) != SK_OK)
		return 1; /* when in doubt, refuse */
	return n <= 1;
}

static int
generate_initial(sk_ctx *ctx, char *out, size_t size)
{
	return sk_policy_generate(&ctx->cfg.policy, ctx->cfg.initial_password_length, out,
				  size);
}

int
sk_account_create(sk_ctx *ctx, sk_actor *actor, const sk_account_spec *spec,
		  char initial[SK_INITIAL_PASSWORD_MAX], sk_policy_result *pr)
{
	sk_user u;
	char pw[SK_INITIAL_PASSWORD_MAX];
	const char *secret;
	size_t secret_len;
	int r;

	if (initial != NULL)
		initial[0] = '\0';
	if (pr != NULL)
		memset(pr, 0, sizeof(*pr));
	if (spec == NULL)
		return SK_ERR_INVALID;
	if ((r = sk_account_authorize(ctx, actor, 0)) != SK_OK)
		return r;
	memset(&u, 0, sizeof(u));
	if ((r = sk_account_name_normalize(spec->name, u.name)) != SK_OK)
		return r;
	if (spec->email != NULL && sk__strlcpy(u.email, spec->email, sizeof(u.email)) != SK_OK)
		return SK_ERR_TOOLONG;
	if (spec->role != SK_ROLE_USER && spec->role != SK_ROLE_AUDITOR &&
	    spec->role != SK_ROLE_ADMIN)
		return SK_ERR_INVALID;
	if (spec->password != NULL) {
		sk_policy_result local;
		r = sk_policy_check(&ctx->cfg.policy, spec->password, spec->password_len,
				    u.name, u.email, pr ? pr : &local);
		if (r != SK_OK)
			return r;
		secret = spec->password;
		secret_len = spec->password_len;
		u.must_change = spec->must_change != 0;
	} else {
		if (initial == NULL)
			return SK_ERR_INVALID;
		if ((r = generate_initial(ctx, pw, sizeof(pw))) != SK_OK)
			return r;
		secret = pw;
		secret_len = strlen(pw);
		u.must_change = 1;
	}
	u.role = spec->role == SK_ROLE_ADMIN ? SK_ROLE_USER : spec->role;
	u.expires_at = spec->expires_at;
	u.created_at = u.password_changed_at = sk_ctx_now(ctx);
	if ((r = sk_password_hash(ctx, secret, secret_len, u.pwhash)) != SK_OK)
		goto out;
	if ((r = sk__begin(ctx)) != SK_OK)
		goto out;
	if ((r = ST(ctx)->user_insert(ctx->store, &u)) == SK_OK)
		r = sk_audit(ctx, SK__ACTOR(actor), "user.create", u.name, SK__ADDR(actor), "ok",
			     spec->password ? "password given" : "initial password issued");
	if ((r = sk__finish(ctx, r)) != SK_OK)
		goto out;
	if (spec->password == NULL)
		memcpy(initial, pw, strlen(pw) + 1);
	if (spec->role == SK_ROLE_ADMIN)
		r = sk_account_set_role(ctx, actor, u.name, SK_ROLE_ADMIN);
out:
	sodium_memzero(pw, sizeof(pw));
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	return r;
}

int
sk_account_bootstrap(sk_ctx *ctx, sk_actor *actor, char initial[SK_INITIAL_PASSWORD_MAX])
{
	sk_account_spec spec;
	sk_user u;

	initial[0] = '\0';
	if (ST(ctx)->user_get_by_name(ctx->store, "admin", &u) == SK_OK) {
		sodium_memzero(&u, sizeof(u));
		return SK_ERR_EXISTS;
	}
	memset(&spec, 0, sizeof(spec));
	spec.name = "admin";
	spec.role = SK_ROLE_ADMIN;
	return sk_account_create(ctx, actor, &spec, initial, NULL);
}

/* Loads the target for an administrative change after authorizing the actor. */
static int
admin_target(sk_ctx *ctx, sk_actor *actor, const char *name, sk_user *u)
{
	int r;

	if ((r = sk_account_authorize(ctx, actor, 0)) != SK_OK)
		return r;
	return sk__user_by_name(ctx, name, u);
}

int
sk_account_set_disabled(sk_ctx *ctx, sk_actor *actor, const char *name, int disabled)
{
	sk_user u;
	int r;

	if ((r = admin_target(ctx, actor, name, &u)) != SK_OK)
		return r;
	if (disabled && is_last_admin(ctx, &u))
		return SK_ERR_LAST_ADMIN;
	u.disabled = disabled != 0;
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = ST(ctx)->user_update(ctx->store, &u)) == SK_OK && disabled)
		r = sk__end_sessions(ctx, u.id);
	if (r == SK_OK)
		r = sk_audit(ctx, SK__ACTOR(actor), disabled ? "user.disable" : "user.enable",
			     u.name, SK__ADDR(actor), "ok", NULL);
	return sk__finish(ctx, r);
}

int
sk_account_set_expiry(sk_ctx *ctx, sk_actor *actor, const char *name, int64_t expires_at)
{
	sk_user u;
	char detail[64];
	int r;

	if (expires_at < 0)
		return SK_ERR_INVALID;
	if ((r = admin_target(ctx, actor, name, &u)) != SK_OK)
		return r;
	if (expires_at != 0 && expires_at <= sk_ctx_now(ctx) && is_last_admin(ctx, &u))
		return SK_ERR_LAST_ADMIN;
	u.expires_at = expires_at;
	snprintf(detail, sizeof(detail), "expires_at=%lld", (long long)expires_at);
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = ST(ctx)->user_update(ctx->store, &u)) == SK_OK)
		r = sk_audit(ctx, SK__ACTOR(actor), "user.expiry", u.name, SK__ADDR(actor), "ok",
			     detail);
	return sk__finish(ctx, r);
}

int
sk_account_set_email(sk_ctx *ctx, sk_actor *actor, const char *name, const char *email)
{
	sk_user u;
	int r;

	if ((r = admin_target(ctx, actor, name, &u)) != SK_OK)
		return r;
	if (sk__strlcpy(u.email, email ? email : "", sizeof(u.email)) != SK_OK)
		return SK_ERR_TOOLONG;
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = ST(ctx)->user_update(ctx->store, &u)) == SK_OK)
		r = sk_audit(ctx, SK__ACTOR(actor), "user.update", u.name, SK__ADDR(actor), "ok",
			     "email changed");
	return sk__finish(ctx, r);
}

int
sk_account_delete(sk_ctx *ctx, sk_actor *actor, const char *name)
{
	sk_user u;
	int r;

	if ((r = admin_target(ctx, actor, name, &u)) != SK_OK)
		return r;
	if (is_last_admin(ctx, &u))
		return SK_ERR_LAST_ADMIN;
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = ST(ctx)->user_delete(ctx->store, u.id)) == SK_OK &&
	    (r = sk_lockout_clear_all(ctx, u.name)) == SK_OK)
		r = sk_audit(ctx, SK__ACTOR(actor), "user.delete", u.name, SK__ADDR(actor), "ok",
			     NULL);
	return sk__finish(ctx, r);
}

int
sk__do_set_role(sk_ctx *ctx, const sk_actor *actor, sk_user *u, int role)
{
	char detail[64];
	int r;

	snprintf(detail, sizeof(detail), "%s -> %s", sk__role_name(u->role),
		 sk__role_name(role));
	u->role = (sk_role)role;
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = ST(ctx)->user_update(ctx->store, u)) == SK_OK)
		r = sk_audit(ctx, SK__ACTOR(actor), "role.change", u->name, SK__ADDR(actor), "ok",
			     detail);
	return sk__finish(ctx, r);
}

int
sk_account_set_role(sk_ctx *ctx, sk_actor *actor, const char *name, sk_role role)
{
	sk_user u;
	int r;

	if (role != SK_ROLE_USER && role != SK_ROLE_AUDITOR && role != SK_ROLE_ADMIN)
		return SK_ERR_INVALID;
	if ((r = admin_target(ctx, actor, name, &u)) != SK_OK)
		return r;
	if (u.role == role)
		return SK_OK;
	if (role != SK_ROLE_ADMIN && is_last_admin(ctx, &u))
		return SK_ERR_LAST_ADMIN;
	if (role == SK_ROLE_ADMIN &&
	    (r = sk__privileged(ctx, actor, SK_APPROVE_GRANT_ADMIN, "grant_admin", u.name,
				"role=admin")) != SK_OK)
		return r;
	return sk__do_set_role(ctx, actor, &u, role);
}

int
sk__do_reset_password(sk_ctx *ctx, const sk_actor *actor, sk_user *u, char *initial,
		      size_t initial_size)
{
	char pw[SK_INITIAL_PASSWORD_MAX];
	int r;

	if (initial == NULL || initial_size < SK_INITIAL_PASSWORD_MAX)
		return SK_ERR_INVALID;
	if ((r = generate_initial(ctx, pw, sizeof(pw))) != SK_OK)
		goto out;
	if ((r = sk_password_hash(ctx, pw, strlen(pw), u->pwhash)) != SK_OK)
		goto out;
	u->must_change = 1;
	u->password_changed_at = sk_ctx_now(ctx);
	if ((r = sk__begin(ctx)) != SK_OK)
		goto out;
	if ((r = ST(ctx)->user_update(ctx->store, u)) == SK_OK)
		r = sk__end_sessions(ctx, u->id); /* whoever is signed in must sign in again */
	if (r == SK_OK)
		r = sk_audit(ctx, SK__ACTOR(actor), "password.reset", u->name, SK__ADDR(actor),
			     "ok", "initial password issued");
	if ((r = sk__finish(ctx, r)) == SK_OK)
		memcpy(initial, pw, strlen(pw) + 1);
out:
	sodium_memzero(pw, sizeof(pw));
	return r;
}

int
sk_account_reset_password(sk_ctx *ctx, sk_actor *actor, const char *name,
			  char initial[SK_INITIAL_PASSWORD_MAX])
{
	sk_user u;
	int r;

	if ((r = admin_target(ctx, actor, name, &u)) != SK_OK)
		return r;
	/* An administrator by a temporary grant is one too (C4). */
	if (sk_account_effective_role(ctx, &u, NULL) == SK_ROLE_ADMIN &&
	    (r = sk__privileged(ctx, actor, SK_APPROVE_RESET_ADMIN_PASSWORD,
				"reset_admin_password", u.name, "")) != SK_OK)
		return r;
	r = sk__do_reset_password(ctx, actor, &u, initial, SK_INITIAL_PASSWORD_MAX);
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	return r;
}

int
sk__do_unlock(sk_ctx *ctx, const sk_actor *actor, const sk_user *u)
{
	int r;

	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = sk_lockout_clear_all(ctx, u->name)) == SK_OK)
		r = sk_audit(ctx, SK__ACTOR(actor), "user.unlock", u->name, SK__ADDR(actor), "ok",
			     NULL);
	return sk__finish(ctx, r);
}

int
sk_account_unlock(sk_ctx *ctx, sk_actor *actor, const char *name)
{
	sk_user u;
	int r;

	if ((r = admin_target(ctx, actor, name, &u)) != SK_OK)
		return r;
	/* An administrator by a temporary grant is one too (C4). */
	if (sk_account_effective_role(ctx, &u, NULL) == SK_ROLE_ADMIN &&
	    (r = sk__privileged(ctx, actor, SK_APPROVE_UNLOCK_ADMIN, "unlock_admin", u.name,
				"")) != SK_OK)
		return r;
	return sk__do_unlock(ctx, actor, &u);
}

int
sk_account_unlock_address(sk_ctx *ctx, sk_actor *actor, const char *addr)
{
	unsigned char bin[16];
	int r;

	if ((r = sk_account_authorize(ctx, actor, 0)) != SK_OK)
		return r;
	if (addr == NULL || (inet_pton(AF_INET, addr, bin) != 1 && inet_pton(AF_INET6, addr, bin) != 1))
		return SK_ERR_INVALID;
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = sk_lockout_clear_source(ctx, addr)) == SK_OK)
		r = sk_audit(ctx, SK__ACTOR(actor), "address.unlock", addr, SK__ADDR(actor), "ok",
			     NULL);
	return sk__finish(ctx, r);
}

int
sk_account_verify_password(sk_ctx *ctx, int64_t user_id, const char *addr, const char *password,
			   size_t len)
{
	sk_user u;
	int64_t retry_at;
	int r;

	if (password == NULL)
		return SK_ERR_INVALID;
	if ((r = ST(ctx)->user_get_by_id(ctx->store, user_id, &u)) != SK_OK)
		return r;
	if ((r = sk_lockout_charge(ctx, SK_FACTOR_PASSWORD, u.name, addr, &retry_at)) != SK_OK)
		goto out;
	if (sk_password_verify(ctx, u.pwhash, password, len) != SK_OK) {
		(void)sk_audit(ctx, u.name, "password.verify", u.name, addr, "fail", NULL);
		r = SK_ERR_AUTH;
		goto out;
	}
	r = sk_lockout_success(ctx, SK_FACTOR_PASSWORD, u.name, addr);
out:
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	return r;
}

int
sk_account_change_password(sk_ctx *ctx, int64_t user_id, const char *addr,
			   const char *old_pw, size_t old_len, const char *new_pw,
			   size_t new_len, sk_policy_result *pr)
{
	sk_user u;
	sk_policy_result local;
	int64_t retry_at;
	int r;

	if (pr == NULL)
		pr = &local;
	memset(pr, 0, sizeof(*pr));
	if (old_pw == NULL || new_pw == NULL)
		return SK_ERR_INVALID;
	if ((r = ST(ctx)->user_get_by_id(ctx->store, user_id, &u)) != SK_OK)
		return r;
	/* The old password is a guess like any other: charge it. */
	if ((r = sk_lockout_charge(ctx, SK_FACTOR_PASSWORD, u.name, addr, &retry_at)) != SK_OK)
		goto out;
	if (sk_password_verify(ctx, u.pwhash, old_pw, old_len) != SK_OK) {
		(void)sk_audit(ctx, u.name, "password.change", u.name, addr, "fail",
			       "current password wrong");
		r = SK_ERR_AUTH;
		goto out;
	}
	if ((r = sk_lockout_success(ctx, SK_FACTOR_PASSWORD, u.name, addr)) != SK_OK)
		goto out;
	if ((r = sk_policy_check(&ctx->cfg.policy, new_pw, new_len, u.name, u.email, pr)) !=
	    SK_OK) {
		(void)sk_audit(ctx, u.name, "password.change", u.name, addr, "fail",
			       "rejected by policy");
		goto out;
	}
	if (old_len == new_len && sodium_memcmp(old_pw, new_pw, new_len) == 0) {
		/* Reported as a policy failure: the same password is no change. */
		pr->failed |= SK_RULE_SAME_AS_CURRENT;
		r = SK_ERR_POLICY;
		(void)sk_audit(ctx, u.name, "password.change", u.name, addr, "fail",
			       "new password equals the current one");
		goto out;
	}
	if ((r = sk_password_hash(ctx, new_pw, new_len, u.pwhash)) != SK_OK)
		goto out;
	u.must_change = 0;
	u.password_changed_at = sk_ctx_now(ctx);
	if ((r = sk__begin(ctx)) != SK_OK)
		goto out;
	if ((r = ST(ctx)->user_update(ctx->store, &u)) == SK_OK)
		r = sk_audit(ctx, u.name, "password.change", u.name, addr, "ok", NULL);
	r = sk__finish(ctx, r);
out:
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	return r;
}
