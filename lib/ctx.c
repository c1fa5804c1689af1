/* lib/ctx.c - the library context and the nesting transaction helpers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "internal.h"
#include "sekisho/password.h"

/* crypto_kdf context strings are exactly 8 bytes; subkey ids are fixed forever. */
#define KDF_CONTEXT "sekisho1"
enum { SUBKEY_SEAL = 1, SUBKEY_AUDIT = 2, SUBKEY_CSRF = 3 };

/* Writes (keep) or drops the mirror lines waiting for the transaction. */
static void
mirror_settle(sk_ctx *ctx, int keep)
{
	if (keep && ctx->mirror_len > 0 && ctx->audit_mirror != NULL) {
		fwrite(ctx->mirror_buf, 1, ctx->mirror_len, ctx->audit_mirror);
		fflush(ctx->audit_mirror);
	}
	ctx->mirror_len = 0;
}

void
sk__mirror_write(sk_ctx *ctx, const char *line)
{
	size_t n = strlen(line);

	if (ctx->audit_mirror == NULL)
		return;
	if (ctx->tx_depth > 0) {
		if (ctx->mirror_len + n + 1 > ctx->mirror_cap) {
			size_t cap = (ctx->mirror_len + n + 1) * 2;
			char *b = realloc(ctx->mirror_buf, cap);
			if (b == NULL)
				goto direct; /* better early than lost */
			ctx->mirror_buf = b;
			ctx->mirror_cap = cap;
		}
		memcpy(ctx->mirror_buf + ctx->mirror_len, line, n);
		ctx->mirror_len += n;
		ctx->mirror_buf[ctx->mirror_len++] = '\n';
		return;
	}
direct:
	fprintf(ctx->audit_mirror, "%s\n", line);
	fflush(ctx->audit_mirror);
}

static int64_t
default_clock(void *arg)
{
	(void)arg;
	return (int64_t)time(NULL);
}

int
sk_ctx_new(sk_ctx **out, const sk_config *cfg, sk_store *store,
	   const uint8_t master_key[SK_KEY_LEN])
{
	int r = SK_ERR_INTERNAL;
	sk_ctx *ctx = NULL;
	uint8_t decoy[32];
	char err[256];

	if (out == NULL || cfg == NULL || store == NULL || master_key == NULL)
		return SK_ERR_INVALID;
	*out = NULL;
	if (sodium_init() < 0)
		return SK_ERR_CRYPTO;
	if (sk_config_check(cfg, err, sizeof(err)) != SK_OK)
		return SK_ERR_CONFIG;
	if ((ctx = calloc(1, sizeof(*ctx))) == NULL)
		return SK_ERR_NOMEM;
	ctx->cfg = *cfg;
	ctx->clock = default_clock;
	ctx->seal_key = sodium_malloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
	ctx->audit_key = sodium_malloc(crypto_auth_hmacsha256_KEYBYTES);
	ctx->csrf_key = sodium_malloc(crypto_generichash_KEYBYTES);
	if (ctx->seal_key == NULL || ctx->audit_key == NULL || ctx->csrf_key == NULL) {
		r = SK_ERR_NOMEM;
		goto out;
	}
	if (crypto_kdf_derive_from_key(ctx->seal_key,
				       crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
				       SUBKEY_SEAL, KDF_CONTEXT, master_key) != 0 ||
	    crypto_kdf_derive_from_key(ctx->audit_key, crypto_auth_hmacsha256_KEYBYTES,
				       SUBKEY_AUDIT, KDF_CONTEXT, master_key) != 0 ||
	    crypto_kdf_derive_from_key(ctx->csrf_key, crypto_generichash_KEYBYTES,
				       SUBKEY_CSRF, KDF_CONTEXT, master_key) != 0) {
		r = SK_ERR_CRYPTO;
		goto out;
	}
	/* The decoy's password is random and forgotten: nothing can match it. */
	randombytes_buf(decoy, sizeof(decoy));
	if ((r = sk_password_hash(ctx, (const char *)decoy, sizeof(decoy),
				  ctx->decoy_hash)) != SK_OK)
		goto out;
	if (cfg->audit_log_path[0] != '\0') {
		ctx->audit_mirror = fopen(cfg->audit_log_path, "ae");
		if (ctx->audit_mirror == NULL) {
			r = SK_ERR_IO;
			goto out;
		}
	}
	ctx->store = store;
	*out = ctx;
	ctx = NULL;
	r = SK_OK;
out:
	sodium_memzero(decoy, sizeof(decoy));
	if (ctx != NULL) {
		ctx->store = NULL; /* the caller keeps it on failure */
		sk_ctx_free(ctx);
	}
	return r;
}

void
sk_ctx_free(sk_ctx *ctx)
{
	if (ctx == NULL)
		return;
	free(ctx->mirror_buf);
	if (ctx->store != NULL)
		ctx->store->ops->close(ctx->store);
	if (ctx->audit_mirror != NULL)
		fclose(ctx->audit_mirror);
	sodium_free(ctx->seal_key);
	sodium_free(ctx->audit_key);
	sodium_free(ctx->csrf_key);
	sodium_memzero(ctx, sizeof(*ctx));
	free(ctx);
}

void
sk_ctx_set_clock(sk_ctx *ctx, sk_clock_fn fn, void *arg)
{
	ctx->clock = fn ? fn : default_clock;
	ctx->clock_arg = fn ? arg : NULL;
}

int64_t
sk_ctx_now(const sk_ctx *ctx)
{
	return ctx->clock(ctx->clock_arg);
}

const sk_config *
sk_ctx_config(const sk_ctx *ctx)
{
	return &ctx->cfg;
}

sk_store *
sk_ctx_store(sk_ctx *ctx)
{
	return ctx->store;
}

int
sk__begin(sk_ctx *ctx)
{
	int r;

	if (ctx->tx_depth > 0) {
		ctx->tx_depth++;
		return SK_OK;
	}
	if ((r = ST(ctx)->begin(ctx->store)) != SK_OK)
		return r;
	ctx->tx_depth = 1;
	ctx->tx_failed = 0;
	return SK_OK;
}

int
sk__commit(sk_ctx *ctx)
{
	int r;

	if (ctx->tx_depth <= 0)
		return SK_ERR_INTERNAL;
	if (--ctx->tx_depth > 0)
		return SK_OK;
	if (ctx->tx_failed) {
		(void)ST(ctx)->rollback(ctx->store);
		mirror_settle(ctx, 0);
		return SK_ERR_STORE;
	}
	if ((r = ST(ctx)->commit(ctx->store)) != SK_OK)
		(void)ST(ctx)->rollback(ctx->store);
	mirror_settle(ctx, r == SK_OK);
	return r;
}

void
sk__rollback(sk_ctx *ctx)
{
	if (ctx->tx_depth <= 0)
		return;
	if (--ctx->tx_depth > 0) {
		ctx->tx_failed = 1;
		return;
	}
	(void)ST(ctx)->rollback(ctx->store);
	mirror_settle(ctx, 0);
}

int
sk__finish(sk_ctx *ctx, int r)
{
	int c;

	if (r != SK_OK) {
		sk__rollback(ctx);
		return r;
	}
	c = sk__commit(ctx);
	return c;
}

int
sk__strlcpy(char *dst, const char *src, size_t size)
{
	size_t n;

	if (size == 0)
		return SK_ERR_TOOLONG;
	n = strnlen(src ? src : "", size);
	if (n >= size) {
		dst[0] = '\0';
		return SK_ERR_TOOLONG;
	}
	memcpy(dst, src ? src : "", n + 1);
	return SK_OK;
}

void
sk__printable(char *dst, size_t size, const char *src)
{
	size_t n = 0;

	if (size == 0)
		return;
	for (; src != NULL && src[n] != '\0' && n + 1 < size; n++)
		dst[n] = src[n] > 0x20 && src[n] < 0x7f ? src[n] : '?';
	dst[n] = '\0';
}

const char *
sk__role_name(int role)
{
	switch (role) {
	case SK_ROLE_ADMIN:
		return "admin";
	case SK_ROLE_AUDITOR:
		return "auditor";
	case SK_ROLE_USER:
		return "user";
	default:
		return "unknown";
	}
}
