/* lib/privilege.c - time-limited grants and the two-person rule (C4). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "sekisho/account.h"
#include "sekisho/audit.h"
#include "sekisho/privilege.h"

const char *
sk_approval_state_name(sk_approval_state s)
{
	switch (s) {
	case SK_APPROVAL_PENDING:
		return "pending";
	case SK_APPROVAL_APPROVED:
		return "approved";
	case SK_APPROVAL_REJECTED:
		return "rejected";
	case SK_APPROVAL_EXPIRED:
		return "expired";
	}
	return "unknown";
}

/*
 * The account an actor name stands for: its normalized form, so that "A"
 * and "a" are one person to the two-person rule; "local:" names as given.
 */
static const char *
actor_account(const char *name, char norm[SK_NAME_MAX + 1])
{
	if (name != NULL && strncmp(name, "local:", 6) != 0 &&
	    sk_account_name_normalize(name, norm) == SK_OK)
		return norm;
	return name != NULL ? name : "";
}

int
sk__privileged(sk_ctx *ctx, sk_actor *actor, unsigned bit, const char *action,
	       const char *target, const char *param)
{
	sk_approval a;
	unsigned admins = 0;
	char detail[SK_DETAIL_MAX], norm[SK_NAME_MAX + 1];
	int r;

	if ((ctx->cfg.approval_actions & bit) == 0)
		return SK_OK;
	if ((r = sk__admin_count(ctx, &admins)) != SK_OK)
		return r;
	if (admins < 2) {
		/* Nobody could approve: let it run, and say so in the audit log. */
		snprintf(detail, sizeof(detail),
			 "%s: two-person rule not applicable (fewer than two administrators)",
			 action);
		return sk_audit(ctx, SK__ACTOR(actor), "approval.request", target,
				SK__ADDR(actor), "skipped", detail);
	}
	memset(&a, 0, sizeof(a));
	if (sk__strlcpy(a.action, action, sizeof(a.action)) != SK_OK ||
	    sk__strlcpy(a.target, target, sizeof(a.target)) != SK_OK ||
	    sk__strlcpy(a.param, param ? param : "", sizeof(a.param)) != SK_OK ||
	    sk__strlcpy(a.requested_by, actor_account(SK__ACTOR(actor), norm),
			sizeof(a.requested_by)) != SK_OK)
		return SK_ERR_TOOLONG;
	a.created_at = sk_ctx_now(ctx);
	a.expires_at = a.created_at + ctx->cfg.approval_ttl;
	a.state = SK_APPROVAL_PENDING;
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = ST(ctx)->approval_insert(ctx->store, &a)) == SK_OK) {
		snprintf(detail, sizeof(detail), "request #%" PRId64 ": %s %s", a.id, action,
			 a.param);
		r = sk_audit(ctx, SK__ACTOR(actor), "approval.request", target, SK__ADDR(actor),
			     "pending", detail);
	}
	if ((r = sk__finish(ctx, r)) != SK_OK)
		return r;
	actor->approval_id = a.id;
	return SK_ERR_APPROVAL;
}

int
sk__do_grant(sk_ctx *ctx, const sk_actor *actor, const sk_user *u, int role, int64_t until)
{
	sk_grant g;
	char detail[96];
	int r;

	memset(&g, 0, sizeof(g));
	g.user_id = u->id;
	g.role = (sk_role)role;
	g.until = until;
	g.created_at = sk_ctx_now(ctx);
	if (sk__strlcpy(g.granted_by, SK__ACTOR(actor), sizeof(g.granted_by)) != SK_OK)
		return SK_ERR_TOOLONG;
	snprintf(detail, sizeof(detail), "%s until %" PRId64, sk__role_name(role), until);
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = ST(ctx)->grant_insert(ctx->store, &g)) == SK_OK)
		r = sk_audit(ctx, SK__ACTOR(actor), "role.grant", u->name, SK__ADDR(actor), "ok",
			     detail);
	return sk__finish(ctx, r);
}

int
sk_privilege_grant(sk_ctx *ctx, sk_actor *actor, const char *name, sk_role role,
		   int64_t until)
{
	sk_user u;
	char param[64];
	int r;

	if (role != SK_ROLE_ADMIN && role != SK_ROLE_AUDITOR)
		return SK_ERR_INVALID;
	if (until <= sk_ctx_now(ctx))
		return SK_ERR_INVALID;
	if ((r = sk_account_authorize(ctx, actor, 0)) != SK_OK)
		return r;
	if ((r = sk__user_by_name(ctx, name, &u)) != SK_OK)
		return r;
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	if (role == SK_ROLE_ADMIN) {
		snprintf(param, sizeof(param), "until=%" PRId64, until);
		if ((r = sk__privileged(ctx, actor, SK_APPROVE_GRANT_ADMIN, "grant_admin", u.name,
					param)) != SK_OK)
			return r;
	}
	return sk__do_grant(ctx, actor, &u, role, until);
}

struct sweep {
	int64_t now;
	int64_t ids[64];
	int64_t users[64];
	size_t n;
};

static int
sweep_one(void *arg, const sk_grant *g)
{
	struct sweep *sw = arg;

	if (g->until > sw->now)
		return 0;
	sw->ids[sw->n] = g->id;
	sw->users[sw->n] = g->user_id;
	return ++sw->n == sizeof(sw->ids) / sizeof(sw->ids[0]);
}

int
sk_privilege_sweep(sk_ctx *ctx)
{
	struct sweep sw;
	sk_user u;
	int r;

	do {
		memset(&sw, 0, sizeof(sw));
		sw.now = sk_ctx_now(ctx);
		if ((r = ST(ctx)->grant_list(ctx->store, 0, sweep_one, &sw)) < 0)
			return r;
		if (sw.n == 0)
			return SK_OK;
		if ((r = sk__begin(ctx)) != SK_OK)
			return r;
		for (size_t i = 0; i < sw.n && r == SK_OK; i++) {
			r = ST(ctx)->grant_delete(ctx->store, sw.ids[i]);
			if (r == SK_OK &&
			    ST(ctx)->user_get_by_id(ctx->store, sw.users[i], &u) == SK_OK)
				r = sk_audit(ctx, "sekisho", "role.lapse", u.name, "local", "ok",
					     "time-limited grant ended");
		}
		if ((r = sk__finish(ctx, r)) != SK_OK)
			return r;
	} while (sw.n == sizeof(sw.ids) / sizeof(sw.ids[0]));
	return SK_OK;
}

int
sk_privilege_revoke(sk_ctx *ctx, sk_actor *actor, int64_t grant_id)
{
	char detail[48];
	int r;

	if ((r = sk_account_authorize(ctx, actor, 0)) != SK_OK)
		return r;
	snprintf(detail, sizeof(detail), "grant #%" PRId64, grant_id);
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = ST(ctx)->grant_delete(ctx->store, grant_id)) == SK_OK)
		r = sk_audit(ctx, SK__ACTOR(actor), "role.revoke", "", SK__ADDR(actor), "ok",
			     detail);
	return sk__finish(ctx, r);
}

int
sk_privilege_list(sk_ctx *ctx, const char *name, sk_grant_cb cb, void *arg)
{
	sk_user u;
	int r;

	if (name == NULL)
		return ST(ctx)->grant_list(ctx->store, 0, cb, arg);
	if ((r = sk__user_by_name(ctx, name, &u)) != SK_OK)
		return r;
	return ST(ctx)->grant_list(ctx->store, u.id, cb, arg);
}

static int
expire_if_due(sk_ctx *ctx, sk_approval *a)
{
	char detail[48];
	int r;

	if (a->state != SK_APPROVAL_PENDING || a->expires_at > sk_ctx_now(ctx))
		return SK_OK;
	a->state = SK_APPROVAL_EXPIRED;
	a->decided_at = sk_ctx_now(ctx);
	snprintf(detail, sizeof(detail), "request #%" PRId64, a->id);
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = ST(ctx)->approval_update(ctx->store, a)) == SK_OK)
		r = sk_audit(ctx, "sekisho", "approval.expire", a->target, "local", "ok", detail);
	return sk__finish(ctx, r);
}

/* Runs an approved request as the approver. */
static int
execute(sk_ctx *ctx, const sk_actor *approver, const sk_approval *a, char *initial,
	size_t initial_size)
{
	sk_user u;
	int r;

	if ((r = sk__user_by_name(ctx, a->target, &u)) != SK_OK)
		return r;
	if (strcmp(a->action, "grant_admin") == 0) {
		if (strncmp(a->param, "until=", 6) == 0) {
			char *end = NULL;
			long long until = strtoll(a->param + 6, &end, 10);
			if (end == NULL || *end != '\0' || until <= sk_ctx_now(ctx))
				r = SK_ERR_EXPIRED;
			else
				r = sk__do_grant(ctx, approver, &u, SK_ROLE_ADMIN, until);
		} else {
			r = sk__do_set_role(ctx, approver, &u, SK_ROLE_ADMIN);
		}
	} else if (strcmp(a->action, "reset_admin_mfa") == 0) {
		r = sk__do_mfa_reset(ctx, approver, &u);
	} else if (strcmp(a->action, "reset_admin_password") == 0) {
		r = sk__do_reset_password(ctx, approver, &u, initial, initial_size);
	} else if (strcmp(a->action, "unlock_admin") == 0) {
		r = sk__do_unlock(ctx, approver, &u);
	} else {
		r = SK_ERR_INVALID;
	}
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	return r;
}

/* Whether approver may decide request id now; loads it into *a. */
static int
may_decide(sk_ctx *ctx, const sk_actor *approver, int64_t id, sk_approval *a,
	   char me[SK_NAME_MAX + 1])
{
	char req_buf[SK_NAME_MAX + 1];
	int r;

	/* The host actor is "whoever owns the files", not a second person. */
	if (approver == NULL || approver->name == NULL ||
	    strncmp(approver->name, "local:", 6) == 0)
		return SK_ERR_PERM;
	if ((r = sk_account_authorize(ctx, approver, 0)) != SK_OK)
		return r;
	if ((r = ST(ctx)->approval_get(ctx->store, id, a)) != SK_OK)
		return r;
	if ((r = expire_if_due(ctx, a)) != SK_OK)
		return r;
	if (a->state == SK_APPROVAL_EXPIRED)
		return SK_ERR_EXPIRED;
	if (a->state != SK_APPROVAL_PENDING)
		return SK_ERR_STATE;
	/* Compared as accounts: "A" approving a request of "a" is the same person. */
	if (actor_account(approver->name, me) != me)
		return SK_ERR_PERM; /* not an account's name: no second person */
	if (strcmp(actor_account(a->requested_by, req_buf), me) == 0 ||
	    strcmp(actor_account(a->target, req_buf), me) == 0)
		return SK_ERR_SAME_PERSON;
	return SK_OK;
}

int
sk_approval_may_decide(sk_ctx *ctx, const sk_actor *approver, int64_t id)
{
	char me[SK_NAME_MAX + 1];
	sk_approval a;

	return may_decide(ctx, approver, id, &a, me);
}

int
sk_approval_decide(sk_ctx *ctx, sk_actor *approver, int64_t id, int approve,
		   char *initial, size_t initial_size)
{
	sk_approval a;
	char detail[SK_DETAIL_MAX], me[SK_NAME_MAX + 1];
	int r;

	if (initial != NULL && initial_size > 0)
		initial[0] = '\0';
	if ((r = may_decide(ctx, approver, id, &a, me)) != SK_OK)
		return r;
	a.state = approve ? SK_APPROVAL_APPROVED : SK_APPROVAL_REJECTED;
	a.decided_at = sk_ctx_now(ctx);
	if (sk__strlcpy(a.decided_by, me, sizeof(a.decided_by)) != SK_OK)
		return SK_ERR_TOOLONG;
	snprintf(detail, sizeof(detail), "request #%" PRId64 " (%s) by %s", a.id, a.action,
		 a.requested_by);
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = ST(ctx)->approval_update(ctx->store, &a)) == SK_OK)
		r = sk_audit(ctx, me, approve ? "approval.approve" : "approval.reject",
			     a.target, SK__ADDR(approver), "ok", detail);
	if (r == SK_OK && approve)
		r = execute(ctx, approver, &a, initial, initial_size);
	if (r == SK_OK && approve)
		r = sk_audit(ctx, me, "approval.execute", a.target,
			     SK__ADDR(approver), "ok", detail);
	r = sk__finish(ctx, r);
	if (r != SK_OK && initial != NULL && initial_size > 0)
		sodium_memzero(initial, initial_size);
	return r;
}

struct approval_collect {
	sk_approval items[32];
	size_t n;
	int more;
};

static int
approval_collect_one(void *arg, const sk_approval *a)
{
	struct approval_collect *c = arg;

	if (a->state != SK_APPROVAL_PENDING)
		return 0;
	if (c->n == sizeof(c->items) / sizeof(c->items[0])) {
		c->more = 1;
		return 1;
	}
	c->items[c->n++] = *a;
	return 0;
}

int
sk_approval_list(sk_ctx *ctx, sk_approval_cb cb, void *arg)
{
	struct approval_collect *c;
	int r = SK_OK;

	/* First mark expired requests, outside the listing statement. */
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return SK_ERR_NOMEM;
	do {
		c->n = 0;
		c->more = 0;
		if ((r = ST(ctx)->approval_list(ctx->store, approval_collect_one, c)) < 0)
			break;
		r = SK_OK;
		size_t expired = 0;
		for (size_t i = 0; i < c->n && r == SK_OK; i++) {
			int was = c->items[i].state;
			r = expire_if_due(ctx, &c->items[i]);
			expired += was != (int)c->items[i].state;
		}
		if (expired == 0)
			break;
	} while (r == SK_OK && c->more);
	free(c);
	if (r != SK_OK)
		return r;
	return ST(ctx)->approval_list(ctx->store, cb, arg);
}
