/* lib/apitoken.c - API tokens: machine credentials (C6). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "sekisho/apitoken.h"
#include "sekisho/audit.h"
#include "sekisho/mfa.h"

#define RAW_LEN 32
#define PREFIX_LEN (sizeof(SK_APITOKEN_PREFIX) - 1)
#define B64_LEN (SK_APITOKEN_LEN - PREFIX_LEN)
_Static_assert(B64_LEN + 1 ==
		       sodium_base64_ENCODED_LEN(RAW_LEN, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
	       "token length");

/* last_used_at is written at most this often: a busy script is not a write per call. */
#define USE_RESOLUTION 60

static int
supported(sk_ctx *ctx)
{
	return ST(ctx)->apitoken_insert != NULL && ST(ctx)->apitoken_get != NULL &&
	       ST(ctx)->apitoken_get_by_id != NULL && ST(ctx)->apitoken_update != NULL &&
	       ST(ctx)->apitoken_list != NULL;
}

const char *
sk_apitoken_scope_name(sk_scope scope)
{
	switch (scope) {
	case SK_SCOPE_READ:
		return "read";
	case SK_SCOPE_ADMIN:
		return "admin";
	}
	return "unknown";
}

int
sk_apitoken_scope_parse(const char *name, sk_scope *out)
{
	if (name != NULL && strcmp(name, "read") == 0)
		*out = SK_SCOPE_READ;
	else if (name != NULL && strcmp(name, "admin") == 0)
		*out = SK_SCOPE_ADMIN;
	else
		return SK_ERR_INVALID;
	return SK_OK;
}

static int
usable(sk_ctx *ctx, const sk_user *u)
{
	return !u->disabled && (u->expires_at == 0 || u->expires_at > sk_ctx_now(ctx));
}

/* New random token: its text into token, the hash of its bytes into hash. */
static void
new_token(char token[SK_APITOKEN_LEN + 1], uint8_t hash[SK_HASH_LEN])
{
	uint8_t raw[RAW_LEN];

	randombytes_buf(raw, sizeof(raw));
	memcpy(token, SK_APITOKEN_PREFIX, PREFIX_LEN);
	sodium_bin2base64(token + PREFIX_LEN, B64_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	crypto_generichash(hash, SK_HASH_LEN, raw, sizeof(raw), NULL, 0);
	sodium_memzero(raw, sizeof(raw));
}

/* Hash of a presented token; -1 when it is not a well-formed token. */
static int
token_hash(const char *token, uint8_t hash[SK_HASH_LEN])
{
	uint8_t raw[RAW_LEN];
	size_t len = 0;

	if (token == NULL || strnlen(token, SK_APITOKEN_LEN + 1) != SK_APITOKEN_LEN ||
	    sodium_memcmp(token, SK_APITOKEN_PREFIX, PREFIX_LEN) != 0 ||
	    sodium_base642bin(raw, sizeof(raw), token + PREFIX_LEN, B64_LEN, NULL, &len, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    len != RAW_LEN)
		return -1;
	crypto_generichash(hash, SK_HASH_LEN, raw, sizeof(raw), NULL, 0);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

int
sk_apitoken_create(sk_ctx *ctx, sk_actor *actor, const char *owner_name, const char *token_name,
		   sk_scope scope, int64_t expires_at, char out[SK_APITOKEN_LEN + 1], int64_t *id)
{
	int64_t now = sk_ctx_now(ctx);
	char token[SK_APITOKEN_LEN + 1];
	char detail[SK_DETAIL_MAX];
	sk_apitoken t;
	sk_user u;
	int r;

	out[0] = '\0';
	if (id != NULL)
		*id = 0;
	memset(&t, 0, sizeof(t));
	memset(&u, 0, sizeof(u));
	if (!supported(ctx))
		return SK_ERR_INVALID;
	if ((r = sk_account_authorize(ctx, actor, 0)) != SK_OK)
		return r;
	/* The same B1 rules as device names. */
	if (sk_mfa_device_name_check(token_name) != SK_OK)
		return SK_ERR_NAME;
	if (scope != SK_SCOPE_READ && scope != SK_SCOPE_ADMIN)
		return SK_ERR_INVALID;
	if (expires_at <= now || expires_at - now > SK_APITOKEN_MAX_LIFETIME)
		return SK_ERR_INVALID;
	if ((r = sk__user_by_name(ctx, owner_name, &u)) != SK_OK)
		return r;
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	if (u.disabled)
		return SK_ERR_DISABLED;
	if (!usable(ctx, &u))
		return SK_ERR_EXPIRED;
	/* A token never holds more than its owner: admin scope only for an administrator. */
	if (scope == SK_SCOPE_ADMIN && sk_account_effective_role(ctx, &u, NULL) != SK_ROLE_ADMIN)
		return SK_ERR_PERM;

	t.user_id = u.id;
	memcpy(t.name, token_name, strlen(token_name) + 1);
	t.scope = scope;
	if (sk__strlcpy(t.created_by, SK__ACTOR(actor), sizeof(t.created_by)) != SK_OK)
		return SK_ERR_TOOLONG;
	t.created_at = now;
	t.expires_at = expires_at;
	new_token(token, t.token_hash);
	if ((r = sk__begin(ctx)) != SK_OK)
		goto out;
	if ((r = ST(ctx)->apitoken_insert(ctx->store, &t)) == SK_OK) {
		snprintf(detail, sizeof(detail),
			 "token #%" PRId64 " '%s' scope=%s expires_at=%" PRId64, t.id, t.name,
			 sk_apitoken_scope_name(t.scope), t.expires_at);
		r = sk_audit(ctx, SK__ACTOR(actor), "token.create", u.name, SK__ADDR(actor), "ok",
			     detail);
	}
	if ((r = sk__finish(ctx, r)) != SK_OK)
		goto out;
	memcpy(out, token, sizeof(token));
	if (id != NULL)
		*id = t.id;
out:
	sodium_memzero(token, sizeof(token));
	sodium_memzero(&t, sizeof(t));
	return r;
}

int
sk_apitoken_verify(sk_ctx *ctx, const char *token, sk_apitoken *out, sk_user *owner)
{
	int64_t now = sk_ctx_now(ctx);
	uint8_t hash[SK_HASH_LEN];
	sk_apitoken t;
	sk_user u;
	int r;

	if (out != NULL)
		memset(out, 0, sizeof(*out));
	if (owner != NULL)
		memset(owner, 0, sizeof(*owner));
	if (!supported(ctx))
		return SK_ERR_INVALID;
	if (token_hash(token, hash) != 0)
		return SK_ERR_AUTH;
	r = ST(ctx)->apitoken_get(ctx->store, hash, &t);
	sodium_memzero(hash, sizeof(hash));
	if (r == SK_ERR_NOTFOUND)
		return SK_ERR_AUTH;
	if (r != SK_OK)
		return r;
	if (t.revoked_at != 0 || t.expires_at <= now)
		return SK_ERR_AUTH;
	r = ST(ctx)->user_get_by_id(ctx->store, t.user_id, &u);
	if (r == SK_ERR_NOTFOUND)
		return SK_ERR_AUTH;
	if (r != SK_OK)
		return r;
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	if (!usable(ctx, &u))
		return SK_ERR_AUTH;
	/* A failure to record the use does not refuse a valid token. */
	if (now - t.last_used_at >= USE_RESOLUTION || now < t.last_used_at) {
		t.last_used_at = now;
		(void)ST(ctx)->apitoken_update(ctx->store, &t);
	}
	if (out != NULL)
		*out = t;
	if (owner != NULL)
		*owner = u;
	return SK_OK;
}

int
sk_apitoken_revoke(sk_ctx *ctx, sk_actor *actor, int64_t id)
{
	char detail[SK_DETAIL_MAX];
	sk_apitoken t;
	sk_user u;
	int r;

	if (!supported(ctx))
		return SK_ERR_INVALID;
	if ((r = ST(ctx)->apitoken_get_by_id(ctx->store, id, &t)) != SK_OK)
		return r;
	if ((r = ST(ctx)->user_get_by_id(ctx->store, t.user_id, &u)) != SK_OK)
		return r;
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	/* An owner may give up their own token (a leak), an administrator any. */
	if (actor == NULL || actor->name == NULL || strcmp(actor->name, u.name) != 0 ||
	    !usable(ctx, &u))
		if ((r = sk_account_authorize(ctx, actor, 0)) != SK_OK)
			return r;
	if (t.revoked_at != 0)
		return SK_ERR_STATE;
	t.revoked_at = sk_ctx_now(ctx);
	snprintf(detail, sizeof(detail), "token #%" PRId64 " '%s' scope=%s", t.id, t.name,
		 sk_apitoken_scope_name(t.scope));
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = ST(ctx)->apitoken_update(ctx->store, &t)) == SK_OK)
		r = sk_audit(ctx, SK__ACTOR(actor), "token.revoke", u.name, SK__ADDR(actor), "ok",
			     detail);
	return sk__finish(ctx, r);
}

int
sk_apitoken_list(sk_ctx *ctx, const char *owner_name, int (*cb)(void *arg, const sk_apitoken *t),
		 void *arg)
{
	sk_user u;
	int r;

	if (!supported(ctx))
		return SK_ERR_INVALID;
	if (owner_name == NULL)
		return ST(ctx)->apitoken_list(ctx->store, 0, cb, arg);
	if ((r = sk__user_by_name(ctx, owner_name, &u)) != SK_OK)
		return r;
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	return ST(ctx)->apitoken_list(ctx->store, u.id, cb, arg);
}

int
sk_apitoken_can_write(sk_ctx *ctx, const sk_apitoken *t, const sk_user *owner)
{
	return t->scope == SK_SCOPE_ADMIN && t->user_id == owner->id && usable(ctx, owner) &&
	       sk_account_effective_role(ctx, owner, NULL) == SK_ROLE_ADMIN;
}
