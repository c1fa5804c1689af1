/* lib/recovery.c - single-use recovery codes, stored as Argon2id hashes (B9). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "sekisho/audit.h"
#include "sekisho/password.h"
#include "sekisho/recovery.h"

/* Crockford's Base32: no I, L, O, U, so codes read aloud or by eye survive. */
static const char ALPHABET[] = "0123456789abcdefghjkmnpqrstvwxyz";
#define RAW_LEN 16  /* characters without hyphens */
#define HINT_LEN 4

void
sk_recovery_set_clear(sk_recovery_set *set)
{
	if (set != NULL)
		sodium_memzero(set, sizeof(*set));
}

/* Canonical form: 16 alphabet characters.  Returns 0, or -1 when malformed. */
static int
normalize(const char *in, char out[RAW_LEN + 1])
{
	size_t n = 0;

	for (const char *c = in; *c != '\0'; c++) {
		char ch = *c;
		if (ch == '-' || ch == ' ' || ch == '\t')
			continue;
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if (ch == 'o')
			ch = '0';
		else if (ch == 'i' || ch == 'l')
			ch = '1';
		if (strchr(ALPHABET, ch) == NULL || ch == '\0' || n == RAW_LEN)
			return -1;
		out[n++] = ch;
	}
	out[n] = '\0';
	return n == RAW_LEN ? 0 : -1;
}

int
sk_recovery_generate(sk_ctx *ctx, int64_t user_id, const char *actor_name,
		     const char *addr, sk_recovery_set *out)
{
	sk_recovery_code c;
	sk_user u;
	char raw[RAW_LEN + 1], detail[64];
	unsigned n = ctx->cfg.recovery_codes;
	int r;

	memset(out, 0, sizeof(*out));
	if (n == 0 || n > SK_RECOVERY_MAX)
		return SK_ERR_CONFIG;
	if ((r = ST(ctx)->user_get_by_id(ctx->store, user_id, &u)) != SK_OK)
		return r;
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	/* Hash outside the transaction: Argon2id is slow, the write lock is shared. */
	sk_recovery_code *rows = calloc(n, sizeof(*rows));
	if (rows == NULL)
		return SK_ERR_NOMEM;
	for (unsigned i = 0; i < n; i++) {
		for (size_t k = 0; k < RAW_LEN; k++)
			raw[k] = ALPHABET[randombytes_uniform(32)];
		raw[RAW_LEN] = '\0';
		snprintf(out->codes[i], sizeof(out->codes[i]), "%.4s-%.4s-%.4s-%.4s", raw,
			 raw + 4, raw + 8, raw + 12);
		memset(&c, 0, sizeof(c));
		c.user_id = user_id;
		memcpy(c.hint, raw, HINT_LEN);
		if ((r = sk_password_hash(ctx, raw, RAW_LEN, c.hash)) != SK_OK)
			goto out;
		rows[i] = c;
	}
	out->count = n;
	snprintf(detail, sizeof(detail), "%u codes", n);
	if ((r = sk__begin(ctx)) != SK_OK)
		goto out;
	r = ST(ctx)->recovery_delete_all(ctx->store, user_id);
	for (unsigned i = 0; i < n && r == SK_OK; i++)
		r = ST(ctx)->recovery_insert(ctx->store, &rows[i]);
	if (r == SK_OK)
		r = sk_audit(ctx, actor_name ? actor_name : u.name, "recovery.generate", u.name,
			     addr, "ok", detail);
	r = sk__finish(ctx, r);
out:
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(rows, n * sizeof(*rows));
	free(rows);
	if (r != SK_OK)
		sk_recovery_set_clear(out);
	return r;
}

struct find {
	char hint[HINT_LEN + 1];
	sk_recovery_code match[SK_RECOVERY_MAX];
	size_t n;
	unsigned unused;
};

static int
find_one(void *arg, const sk_recovery_code *c)
{
	struct find *f = arg;

	if (c->used_at != 0)
		return 0;
	f->unused++;
	if (f->n < SK_RECOVERY_MAX && sodium_memcmp(c->hint, f->hint, HINT_LEN) == 0)
		f->match[f->n++] = *c;
	return 0;
}

int
sk_recovery_use(sk_ctx *ctx, int64_t user_id, const char *code)
{
	struct find f;
	char raw[RAW_LEN + 1];
	int r = SK_ERR_AUTH, checked = 0;

	memset(&f, 0, sizeof(f));
	if (code == NULL || normalize(code, raw) != 0) {
		(void)sk_password_verify_decoy(ctx, "", 0);
		return SK_ERR_AUTH;
	}
	memcpy(f.hint, raw, HINT_LEN);
	if ((r = ST(ctx)->recovery_list(ctx->store, user_id, find_one, &f)) < 0)
		goto out;
	r = SK_ERR_AUTH;
	for (size_t i = 0; i < f.n; i++) {
		checked = 1;
		if (sk_password_verify(ctx, f.match[i].hash, raw, RAW_LEN) != SK_OK)
			continue;
		/* Atomic: a concurrent use of the same code finds it used. */
		if (ST(ctx)->recovery_mark_used(ctx->store, f.match[i].id, sk_ctx_now(ctx)) ==
		    SK_OK)
			r = SK_OK;
		break;
	}
	if (!checked) /* same work whether or not the hint matched */
		(void)sk_password_verify_decoy(ctx, raw, RAW_LEN);
out:
	sodium_memzero(raw, sizeof(raw));
	sodium_memzero(&f, sizeof(f));
	return r;
}

int
sk_recovery_remaining(sk_ctx *ctx, int64_t user_id, unsigned *count)
{
	struct find f;
	int r;

	memset(&f, 0, sizeof(f));
	r = ST(ctx)->recovery_list(ctx->store, user_id, find_one, &f);
	*count = f.unused;
	return r < 0 ? r : SK_OK;
}
