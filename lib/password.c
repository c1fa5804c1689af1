/* lib/password.c - Argon2id password hashes (libsodium crypto_pwhash_str). */
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "sekisho/password.h"

_Static_assert(SK_PWHASH_MAX == crypto_pwhash_STRBYTES, "PHC buffer size");

int
sk_password_hash(const sk_ctx *ctx, const char *password, size_t len,
		 char out[SK_PWHASH_MAX])
{
	if (password == NULL || len > SK_PASSWORD_MAX)
		return SK_ERR_INVALID;
	if (crypto_pwhash_str_alg(out, password, len, ctx->cfg.hash_opslimit,
				  ctx->cfg.hash_memlimit,
				  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return SK_ERR_NOMEM; /* the only documented failure is memory */
	return SK_OK;
}

int
sk_password_verify(const sk_ctx *ctx, const char *hash, const char *password,
		   size_t len)
{
	char copy[SK_PWHASH_MAX];
	int ok;

	(void)ctx;
	if (hash == NULL || password == NULL || len > SK_PASSWORD_MAX)
		return SK_ERR_AUTH;
	/* crypto_pwhash_str_verify wants a NUL inside the fixed-size buffer. */
	if (sk__strlcpy(copy, hash, sizeof(copy)) != SK_OK)
		return SK_ERR_AUTH;
	ok = crypto_pwhash_str_verify(copy, password, len) == 0;
	return ok ? SK_OK : SK_ERR_AUTH;
}

int
sk_password_verify_decoy(const sk_ctx *ctx, const char *password, size_t len)
{
	if (password == NULL || len > SK_PASSWORD_MAX)
		len = 0;
	int r = sk_password_verify(ctx, ctx->decoy_hash, password ? password : "", len);
	(void)r; /* the decoy matches nothing; only the work matters */
	return SK_ERR_AUTH;
}

int
sk_password_needs_rehash(const sk_ctx *ctx, const char *hash)
{
	char copy[SK_PWHASH_MAX];

	if (sk__strlcpy(copy, hash, sizeof(copy)) != SK_OK)
		return 1;
	return crypto_pwhash_str_needs_rehash(copy, ctx->cfg.hash_opslimit,
					      ctx->cfg.hash_memlimit) != 0;
}
