/* lib/session.c - portal sessions: tokens, timeouts, rotation, CSRF. */
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "sekisho/audit.h"
#include "sekisho/session.h"

#define RAW_LEN 32
_Static_assert(SK_TOKEN_LEN + 1 ==
		       sodium_base64_ENCODED_LEN(RAW_LEN, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	       "token length");

static int
supported(sk_ctx *ctx)
{
	return ST(ctx)->session_insert != NULL && ST(ctx)->session_get != NULL &&
	       ST(ctx)->session_update != NULL && ST(ctx)->session_delete != NULL &&
	       ST(ctx)->session_delete_user != NULL && ST(ctx)->session_list != NULL &&
	       ST(ctx)->session_prune != NULL;
}

int
sk_session_active(const sk_session *s)
{
	return s->signin.step == SK_STEP_DONE && s->signin.user_id != 0;
}

/* New random token: its text into token, its hash into hash. */
static void
new_token(char token[SK_TOKEN_LEN + 1], uint8_t hash[SK_HASH_LEN])
{
	uint8_t raw[RAW_LEN];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(token, SK_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	crypto_generichash(hash, SK_HASH_LEN, raw, sizeof(raw), NULL, 0);
	sodium_memzero(raw, sizeof(raw));
}

/* Hash of a token from a cookie; -1 when it is not a well-formed token. */
static int
token_hash(const char *token, uint8_t hash[SK_HASH_LEN])
{
	uint8_t raw[RAW_LEN];
	size_t len = 0;

	if (token == NULL || strnlen(token, SK_TOKEN_LEN + 1) != SK_TOKEN_LEN ||
	    sodium_base642bin(raw, sizeof(raw), token, SK_TOKEN_LEN, NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != RAW_LEN)
		return -1;
	crypto_generichash(hash, SK_HASH_LEN, raw, sizeof(raw), NULL, 0);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

int
sk_session_token_hash(const char *token, uint8_t hash[SK_HASH_LEN])
{
	return token_hash(token, hash) == 0 ? SK_OK : SK_ERR_INVALID;
}

int
sk_session_create(sk_ctx *ctx, const char *addr, const char *agent,
		  char token[SK_TOKEN_LEN + 1], sk_session *out)
{
	int64_t now = sk_ctx_now(ctx);
	int r;

	memset(out, 0, sizeof(*out));
	token[0] = '\0';
	if (!supported(ctx))
		return SK_ERR_INVALID;
	sk_signin_start(ctx, &out->signin, addr);
	/* Truncated at a character boundary is not needed: it is only shown escaped. */
	(void)sk__strlcpy(out->agent, "", sizeof(out->agent));
	if (agent != NULL) {
		size_t n = strnlen(agent, sizeof(out->agent) - 1);
		while (n > 0 && ((unsigned char)agent[n] & 0xC0) == 0x80)
			n--; /* do not cut a UTF-8 character */
		memcpy(out->agent, agent, n);
		out->agent[n] = '\0';
	}
	out->created_at = out->last_seen_at = now;
	new_token(token, out->token_hash);
	/* Now and then, forget sessions nobody came back to. */
	if (randombytes_uniform(64) == 0)
		(void)ST(ctx)->session_prune(ctx->store, now - (int64_t)ctx->cfg.session_lifetime);
	if ((r = ST(ctx)->session_insert(ctx->store, out)) != SK_OK)
		sodium_memzero(token, SK_TOKEN_LEN + 1);
	return r;
}

int
sk__end_sessions(sk_ctx *ctx, int64_t user_id)
{
	if (!supported(ctx))
		return SK_OK;
	return ST(ctx)->session_delete_user(ctx->store, user_id, 0);
}

/* A signed-in session whose account was deleted, disabled or expired ends. */
static int
account_usable(sk_ctx *ctx, const sk_session *s)
{
	sk_user u;
	int ok;

	if (ST(ctx)->user_get_by_id(ctx->store, s->signin.user_id, &u) != SK_OK)
		return 0;
	ok = strcmp(u.name, s->signin.name) == 0 && !u.disabled &&
	     (u.expires_at == 0 || u.expires_at > sk_ctx_now(ctx));
	sodium_memzero(&u, sizeof(u));
	return ok;
}

int
sk_session_lookup(sk_ctx *ctx, const char *token, sk_session *out)
{
	uint8_t hash[SK_HASH_LEN];
	int64_t now = sk_ctx_now(ctx), idle, life;
	int r;

	memset(out, 0, sizeof(*out));
	if (!supported(ctx))
		return SK_ERR_INVALID;
	if (token_hash(token, hash) != 0)
		return SK_ERR_NOTFOUND;
	if ((r = ST(ctx)->session_get(ctx->store, hash, out)) != SK_OK)
		return r;
	if (sk_session_active(out)) {
		idle = ctx->cfg.session_idle;
		life = ctx->cfg.session_lifetime;
	} else {
		idle = life = ctx->cfg.signin_timeout;
	}
	if (now - out->last_seen_at > idle || now - out->created_at > life ||
	    now < out->created_at || (sk_session_active(out) && !account_usable(ctx, out))) {
		(void)ST(ctx)->session_delete(ctx->store, out->id);
		memset(out, 0, sizeof(*out));
		return SK_ERR_EXPIRED;
	}
	return SK_OK;
}

int
sk_session_save(sk_ctx *ctx, sk_session *s)
{
	if (!supported(ctx))
		return SK_ERR_INVALID;
	s->last_seen_at = sk_ctx_now(ctx);
	if (s->signin.mfa_ok && s->mfa_at == 0)
		s->mfa_at = s->last_seen_at;
	return ST(ctx)->session_update(ctx->store, s);
}

int
sk_session_rotate(sk_ctx *ctx, sk_session *s, char token[SK_TOKEN_LEN + 1])
{
	uint8_t old[SK_HASH_LEN];
	int r;

	if (!supported(ctx))
		return SK_ERR_INVALID;
	memcpy(old, s->token_hash, SK_HASH_LEN);
	new_token(token, s->token_hash);
	/* The lifetime of a signed-in session counts from sign-in. */
	if (sk_session_active(s))
		s->created_at = sk_ctx_now(ctx);
	if ((r = sk_session_save(ctx, s)) != SK_OK) {
		memcpy(s->token_hash, old, SK_HASH_LEN);
		sodium_memzero(token, SK_TOKEN_LEN + 1);
	}
	return r;
}

int
sk_session_end(sk_ctx *ctx, const sk_session *s)
{
	int r;

	if (!supported(ctx))
		return SK_ERR_INVALID;
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	r = ST(ctx)->session_delete(ctx->store, s->id);
	if (r == SK_ERR_NOTFOUND)
		r = SK_OK; /* already gone: signed out all the same */
	if (r == SK_OK && sk_session_active(s))
		r = sk_audit(ctx, s->signin.name, "signout", s->signin.name, s->signin.addr, "ok",
			     NULL);
	return sk__finish(ctx, r);
}

int
sk_session_end_others(sk_ctx *ctx, int64_t user_id, int64_t keep_id, const char *addr)
{
	sk_user u;
	int r;

	if (!supported(ctx))
		return SK_ERR_INVALID;
	if ((r = ST(ctx)->user_get_by_id(ctx->store, user_id, &u)) != SK_OK)
		return r;
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = ST(ctx)->session_delete_user(ctx->store, user_id, keep_id)) == SK_OK)
		r = sk_audit(ctx, u.name, "session.revoke", u.name, addr, "ok",
			     keep_id ? "all other sessions" : "all sessions");
	return sk__finish(ctx, r);
}

int
sk_session_list(sk_ctx *ctx, int64_t user_id, int (*cb)(void *arg, const sk_session *s),
		void *arg)
{
	if (!supported(ctx))
		return SK_ERR_INVALID;
	return ST(ctx)->session_list(ctx->store, user_id, cb, arg);
}

int
sk_session_csrf(const sk_ctx *ctx, const char *token, char csrf[SK_TOKEN_LEN + 1])
{
	uint8_t mac[RAW_LEN];

	csrf[0] = '\0';
	if (token == NULL || strnlen(token, SK_TOKEN_LEN + 1) != SK_TOKEN_LEN)
		return SK_ERR_INVALID;
	crypto_generichash(mac, sizeof(mac), (const uint8_t *)token, SK_TOKEN_LEN,
			   ctx->csrf_key, crypto_generichash_KEYBYTES);
	sodium_bin2base64(csrf, SK_TOKEN_LEN + 1, mac, sizeof(mac),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(mac, sizeof(mac));
	return SK_OK;
}

int
sk_session_csrf_check(const sk_ctx *ctx, const char *token, const char *csrf)
{
	char want[SK_TOKEN_LEN + 1];
	int r;

	if (csrf == NULL || strnlen(csrf, SK_TOKEN_LEN + 1) != SK_TOKEN_LEN ||
	    sk_session_csrf(ctx, token, want) != SK_OK)
		return SK_ERR_AUTH;
	r = sodium_memcmp(want, csrf, SK_TOKEN_LEN) == 0 ? SK_OK : SK_ERR_AUTH;
	sodium_memzero(want, sizeof(want));
	return r;
}
