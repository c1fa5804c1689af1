/* lib/inventory.c - one row per account for the periodic review (C3). */
#include <stdio.h>
#include <string.h>
#include <time.h>

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

/* ---- CSV for the yearly review (the CLI and the console both use this) ---- */

struct csv {
	char *buf;
	size_t size, len;
	int full;
};

static void
csv_put(struct csv *c, const char *s, size_t n)
{
	if (c->full || c->len + n + 1 > c->size) {
		c->full = 1;
		return;
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	c->buf[c->len] = '\0';
}

static void
csv_field(struct csv *c, const char *s, int last)
{
	/* A lone "-" (no time) is not a formula and stays as the table shows it. */
	int formula = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL &&
		      !(s[0] == '-' && s[1] == '\0');
	int quote = formula || strpbrk(s, ",\"\n\r") != NULL;

	if (quote) {
		csv_put(c, formula ? "\"'" : "\"", formula ? 2 : 1);
		for (const char *p = s; *p; p++)
			csv_put(c, *p == '"' ? "\"\"" : p, *p == '"' ? 2 : 1);
		csv_put(c, "\"", 1);
	} else {
		csv_put(c, s, strlen(s));
	}
	csv_put(c, last ? "\n" : ",", 1);
}

static const char *
csv_time(int64_t ts, char *buf, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)ts;

	if (ts == INT64_MAX)
		snprintf(buf, size, "until unlocked");
	else if (ts == 0 || gmtime_r(&tt, &tm) == NULL)
		snprintf(buf, size, "-");
	else
		strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm);
	return buf;
}

const char *
sk_inventory_csv_header(void)
{
	return "name,email,role,effective_role,state,created,expires,last_signin,"
	       "mfa_devices,recovery_codes_left,locked_until,flags\n";
}

int
sk_inventory_csv_row(const sk_inventory_row *row, char *buf, size_t size)
{
	const sk_user *u = &row->user;
	struct csv c = {buf, size, 0, 0};
	char flags[256], tm[40], num[16];
	size_t pos = 0;

	if (buf == NULL || size == 0)
		return SK_ERR_TOOLONG;
	buf[0] = '\0';
	flags[0] = '\0';
	for (unsigned i = 0; i < SK_INV__COUNT; i++) {
		int n;

		if ((row->flags & (1u << i)) == 0)
			continue;
		n = snprintf(flags + pos, sizeof(flags) - pos, "%s%s", pos ? ";" : "",
			     flag_names[i]);
		if (n < 0 || (size_t)n >= sizeof(flags) - pos)
			break;
		pos += (size_t)n;
	}
	csv_field(&c, u->name, 0);
	csv_field(&c, u->email, 0);
	csv_field(&c, sk_role_name(u->role), 0);
	csv_field(&c, sk_role_name(row->effective_role), 0);
	csv_field(&c, u->disabled ? "disabled" : "enabled", 0);
	csv_field(&c, csv_time(u->created_at, tm, sizeof(tm)), 0);
	csv_field(&c, csv_time(u->expires_at, tm, sizeof(tm)), 0);
	csv_field(&c, csv_time(u->last_signin_at, tm, sizeof(tm)), 0);
	snprintf(num, sizeof(num), "%u", row->mfa_devices);
	csv_field(&c, num, 0);
	snprintf(num, sizeof(num), "%u", row->recovery_left);
	csv_field(&c, num, 0);
	csv_field(&c, csv_time(row->locked_until, tm, sizeof(tm)), 0);
	csv_field(&c, flags, 1);
	if (c.full) {
		buf[0] = '\0';
		return SK_ERR_TOOLONG;
	}
	return (int)c.len;
}
