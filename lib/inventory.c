/* lib/inventory.c - one row per account for the periodic review (C3). */
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "sekisho/account.h"
#include "sekisho/inventory.h"
#include "sekisho/lockout.h"
#include "sekisho/mfa.h"
#include "sekisho/recovery.h"

static const char *const flag_names[SK_INV__COUNT] = {
	"never-signed-in", "stale", "no-mfa", "privileged-without-mfa",
	"expired", "locked", "disabled", "must-change-password",
};

const char *
sk_inventory_flag_name(uint32_t flag)
{
	for (unsigned i = 0; i < SK_INV__COUNT; i++)
		if (flag == (1u << i))
			return flag_names[i];
	return "unknown";
}

struct ids {
	int64_t *v;
	size_t n, cap;
};

static int
collect_id(void *arg, const sk_user *u)
{
	struct ids *ids = arg;

	if (ids->n == ids->cap) {
		size_t cap = ids->cap ? ids->cap * 2 : 64;
		int64_t *v = realloc(ids->v, cap * sizeof(*v));
		if (v == NULL)
			return SK_ERR_NOMEM;
		ids->v = v;
		ids->cap = cap;
	}
	ids->v[ids->n++] = u->id;
	return 0;
}

int
sk_inventory(sk_ctx *ctx, unsigned stale_days, sk_inventory_cb cb, void *arg)
{
	struct ids ids = {NULL, 0, 0};
	sk_inventory_row row;
	int64_t now = sk_ctx_now(ctx);
	int r;

	if (stale_days == 0)
		stale_days = ctx->cfg.stale_days;
	/* Collect ids first so the per-row lookups do not run inside the listing. */
	if ((r = ST(ctx)->user_list(ctx->store, collect_id, &ids)) != SK_OK)
		goto out;
	for (size_t i = 0; i < ids.n; i++) {
		memset(&row, 0, sizeof(row));
		if (ST(ctx)->user_get_by_id(ctx->store, ids.v[i], &row.user) != SK_OK)
			continue; /* deleted meanwhile */
		sodium_memzero(row.user.pwhash, sizeof(row.user.pwhash));
		sk_user *u = &row.user;
		row.effective_role = sk_account_effective_role(ctx, u, &row.grant_until);
		if ((r = sk_mfa_count(ctx, u->id, &row.mfa_devices)) != SK_OK ||
		    (r = sk_recovery_remaining(ctx, u->id, &row.recovery_left)) != SK_OK ||
		    (r = sk_lockout_account_locked_until(ctx, u->name, &row.locked_until)) != SK_OK)
			goto out;
		int64_t since = u->last_signin_at ? u->last_signin_at : u->created_at;
		if (u->last_signin_at == 0)
			row.flags |= SK_INV_NEVER_SIGNED_IN;
		if (now - since > (int64_t)stale_days * 86400)
			row.flags |= SK_INV_STALE;
		if (row.mfa_devices == 0) {
			row.flags |= SK_INV_NO_MFA;
			if (row.effective_role == SK_ROLE_ADMIN)
				row.flags |= SK_INV_PRIVILEGED_NO_MFA;
		}
		if (u->expires_at != 0 && u->expires_at <= now)
			row.flags |= SK_INV_EXPIRED;
		if (row.locked_until != 0)
			row.flags |= SK_INV_LOCKED;
		if (u->disabled)
			row.flags |= SK_INV_DISABLED;
		if (u->must_change)
			row.flags |= SK_INV_MUST_CHANGE;
		if (cb(arg, &row) != 0)
			break;
	}
	r = SK_OK;
out:
	free(ids.v);
	return r;
}
