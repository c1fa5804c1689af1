/* lib/lockout.c - failure counters, growing temporary locks, hard limit. */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "sekisho/lockout.h"

/* Unlocked counters untouched this long are forgotten. */
#define PRUNE_AGE (30 * 86400)

static const char *
factor_tag(sk_factor f)
{
	return f == SK_FACTOR_PASSWORD ? "pw" : "mfa";
}

static int
key_account(char *buf, size_t size, sk_factor f, const char *name)
{
	int n = snprintf(buf, size, "%s/acct/%s", factor_tag(f), name);
	return n > 0 && (size_t)n < size ? SK_OK : SK_ERR_TOOLONG;
}

static int
key_pair(char *buf, size_t size, sk_factor f, const char *name, const char *addr)
{
	int n = snprintf(buf, size, "%s/addr/%s/%s", factor_tag(f), name,
			 addr && *addr ? addr : "-");
	return n > 0 && (size_t)n < size ? SK_OK : SK_ERR_TOOLONG;
}

/* Failures from one address against any account (password spraying). */
static int
key_source(char *buf, size_t size, sk_factor f, const char *addr)
{
	int n = snprintf(buf, size, "%s/src/%s", factor_tag(f), addr);
	return n > 0 && (size_t)n < size ? SK_OK : SK_ERR_TOOLONG;
}

/* The source scope applies only when the client's address is known. */
static int
source_on(const sk_ctx *ctx, const char *addr)
{
	return ctx->cfg.per_source.threshold != 0 && addr != NULL && addr[0] != '\0';
}

static int
load(sk_ctx *ctx, const char *key, sk_counter *c)
{
	int r = ST(ctx)->counter_get(ctx->store, key, c);

	if (r == SK_ERR_NOTFOUND) {
		memset(c, 0, sizeof(*c));
		return sk__strlcpy(c->key, key, sizeof(c->key));
	}
	return r;
}

static int
is_locked(const sk_counter *c, int64_t now)
{
	return c->locked_until != 0 && c->locked_until > now;
}

/* Applies one failure to c under rule; starts a lock when the threshold is met. */
static void
count_failure(sk_counter *c, const sk_lockout_rule *rule, int64_t now)
{
	c->failures++;
	if (c->consecutive < UINT32_MAX)
		c->consecutive++;
	c->updated_at = now;
	if (rule->threshold == 0 || c->failures < rule->threshold)
		return;
	uint64_t secs = rule->base_seconds;
	for (uint32_t i = 0; i < c->level && secs < rule->max_seconds; i++)
		secs *= 2;
	if (secs > rule->max_seconds)
		secs = rule->max_seconds;
	c->level++;
	c->failures = 0;
	c->locked_until = now + (int64_t)secs;
}

/* Loads the account and (account, address) counters of factor f. */
static int
load_both(sk_ctx *ctx, sk_factor f, const char *name, const char *addr, sk_counter *acct,
	  sk_counter *pair)
{
	char key[SK_COUNTER_KEY_MAX];
	int r;

	if ((r = key_account(key, sizeof(key), f, name)) != SK_OK ||
	    (r = load(ctx, key, acct)) != SK_OK ||
	    (r = key_pair(key, sizeof(key), f, name, addr)) != SK_OK)
		return r;
	return load(ctx, key, pair);
}

/* SK_ERR_LOCKED with the later lock end in *retry_at when either scope is locked. */
static int
check_locked(const sk_counter *acct, const sk_counter *pair, int64_t now, int64_t *retry_at)
{
	if (!is_locked(acct, now) && !is_locked(pair, now))
		return SK_OK;
	*retry_at = acct->locked_until > pair->locked_until ? acct->locked_until
							    : pair->locked_until;
	return SK_ERR_LOCKED;
}

/*
 * The source scope works unlike the other two: an address may fail against
 * many accounts and succeed against others (a shared NAT), so a success
 * refunds only its own charge rather than clearing the count, and failures
 * older than source_window are forgotten.  The lock starts at the attempt
 * after the threshold, so a success that happens to be the threshold-th
 * attempt never leaves a lock behind.  Returns SK_ERR_LOCKED (with the
 * counter written) when the address must wait.
 */
static int
charge_source(sk_ctx *ctx, sk_factor f, const char *addr, int64_t now, int64_t *retry_at)
{
	const sk_lockout_rule *rule = &ctx->cfg.per_source;
	char key[SK_COUNTER_KEY_MAX];
	sk_counter c;
	int r;

	if (!source_on(ctx, addr))
		return SK_OK;
	if ((r = key_source(key, sizeof(key), f, addr)) != SK_OK ||
	    (r = load(ctx, key, &c)) != SK_OK)
		return r;
	if (is_locked(&c, now)) {
		*retry_at = c.locked_until;
		return SK_ERR_LOCKED;
	}
	if (c.updated_at != 0 && now - c.updated_at > (int64_t)ctx->cfg.source_window) {
		c.failures = 0;
		c.level = 0;
	}
	if (c.failures >= rule->threshold) {
		uint64_t secs = rule->base_seconds;
		for (uint32_t i = 0; i < c.level && secs < rule->max_seconds; i++)
			secs *= 2;
		if (secs > rule->max_seconds)
			secs = rule->max_seconds;
		c.level++;
		c.failures = 0;
		c.locked_until = now + (int64_t)secs;
		c.updated_at = now;
		*retry_at = c.locked_until;
		r = ST(ctx)->counter_put(ctx->store, &c);
		return r == SK_OK ? SK_ERR_LOCKED : r;
	}
	c.failures++;
	c.updated_at = now;
	return ST(ctx)->counter_put(ctx->store, &c);
}

/* Refunds the charge of a successful attempt from addr. */
static int
refund_source(sk_ctx *ctx, sk_factor f, const char *addr)
{
	char key[SK_COUNTER_KEY_MAX];
	sk_counter c;
	int r;

	if (!source_on(ctx, addr))
		return SK_OK;
	if ((r = key_source(key, sizeof(key), f, addr)) != SK_OK ||
	    (r = load(ctx, key, &c)) != SK_OK)
		return r;
	if (c.failures == 0)
		return SK_OK;
	c.failures--;
	return ST(ctx)->counter_put(ctx->store, &c);
}

int
sk_lockout_charge(sk_ctx *ctx, sk_factor f, const char *name, const char *addr,
		  int64_t *retry_at)
{
	sk_counter acct, pair;
	int64_t now = sk_ctx_now(ctx);
	int r;

	*retry_at = 0;
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = load_both(ctx, f, name, addr, &acct, &pair)) != SK_OK ||
	    (r = check_locked(&acct, &pair, now, retry_at)) != SK_OK ||
	    (r = charge_source(ctx, f, addr, now, retry_at)) != SK_OK)
		goto out;
	/* Charge now; sk_lockout_success() refunds. */
	count_failure(&pair, &ctx->cfg.per_address, now);
	count_failure(&acct, &ctx->cfg.per_account, now);
	if (acct.consecutive >= ctx->cfg.hard_limit)
		acct.locked_until = INT64_MAX;
	if ((r = ST(ctx)->counter_put(ctx->store, &pair)) != SK_OK ||
	    (r = ST(ctx)->counter_put(ctx->store, &acct)) != SK_OK)
		goto out;
	/* Keep the table bounded against floods of invented names. */
	if (randombytes_uniform(256) == 0)
		(void)ST(ctx)->counter_prune(ctx->store, now - PRUNE_AGE);
	r = SK_OK;
out:
	if (r == SK_ERR_LOCKED) /* nothing changed; keep the transaction clean */
		return sk__finish(ctx, SK_OK) == SK_OK ? SK_ERR_LOCKED : SK_ERR_STORE;
	return sk__finish(ctx, r);
}

int
sk_lockout_locked(sk_ctx *ctx, sk_factor f, const char *name, const char *addr,
		  int64_t *retry_at)
{
	sk_counter acct, pair;
	int r;

	*retry_at = 0;
	if ((r = load_both(ctx, f, name, addr, &acct, &pair)) != SK_OK)
		return r;
	return check_locked(&acct, &pair, sk_ctx_now(ctx), retry_at);
}

/* Writes a zeroed counter: there is no exact-key delete, and a prefix delete of
 * "pw/acct/bob" would also hit "pw/acct/bobby". Pruning removes it later. */
static int
reset(sk_ctx *ctx, const char *key)
{
	sk_counter c;

	memset(&c, 0, sizeof(c));
	if (sk__strlcpy(c.key, key, sizeof(c.key)) != SK_OK)
		return SK_ERR_TOOLONG;
	c.updated_at = sk_ctx_now(ctx);
	return ST(ctx)->counter_put(ctx->store, &c);
}

int
sk_lockout_success(sk_ctx *ctx, sk_factor f, const char *name, const char *addr)
{
	char k1[SK_COUNTER_KEY_MAX], k2[SK_COUNTER_KEY_MAX];
	int r;

	if ((r = key_account(k1, sizeof(k1), f, name)) != SK_OK ||
	    (r = key_pair(k2, sizeof(k2), f, name, addr)) != SK_OK)
		return r;
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = reset(ctx, k2)) == SK_OK && (r = reset(ctx, k1)) == SK_OK)
		r = refund_source(ctx, f, addr);
	return sk__finish(ctx, r);
}

int
sk_lockout_clear_source(sk_ctx *ctx, const char *addr)
{
	static const sk_factor factors[] = {SK_FACTOR_PASSWORD, SK_FACTOR_SECOND};
	char key[SK_COUNTER_KEY_MAX];
	int r;

	if (addr == NULL || addr[0] == '\0')
		return SK_ERR_INVALID;
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	for (size_t i = 0; i < 2 && r == SK_OK; i++)
		if ((r = key_source(key, sizeof(key), factors[i], addr)) == SK_OK)
			r = reset(ctx, key);
	return sk__finish(ctx, r);
}

int
sk_lockout_clear_all(sk_ctx *ctx, const char *name)
{
	static const sk_factor factors[] = {SK_FACTOR_PASSWORD, SK_FACTOR_SECOND};
	char key[SK_COUNTER_KEY_MAX];
	int r;

	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	for (size_t i = 0; i < 2 && r == SK_OK; i++) {
		if ((r = key_account(key, sizeof(key), factors[i], name)) == SK_OK)
			r = reset(ctx, key);
		/* "pw/addr/NAME/" : the slash stops "bob" from matching "bobby". */
		if (r == SK_OK && (r = key_pair(key, sizeof(key), factors[i], name, "")) == SK_OK) {
			key[strlen(key) - 1] = '\0'; /* drop the "-" placeholder */
			r = ST(ctx)->counter_delete_prefix(ctx->store, key);
		}
	}
	return sk__finish(ctx, r);
}

int
sk_lockout_account_locked_until(sk_ctx *ctx, const char *name, int64_t *until)
{
	static const sk_factor factors[] = {SK_FACTOR_PASSWORD, SK_FACTOR_SECOND};
	char key[SK_COUNTER_KEY_MAX];
	sk_counter c;
	int64_t now = sk_ctx_now(ctx);
	int r;

	*until = 0;
	for (size_t i = 0; i < 2; i++) {
		if ((r = key_account(key, sizeof(key), factors[i], name)) != SK_OK ||
		    (r = load(ctx, key, &c)) != SK_OK)
			return r;
		if (is_locked(&c, now) && c.locked_until > *until)
			*until = c.locked_until;
	}
	return SK_OK;
}
