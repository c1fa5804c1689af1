/*
 * sekisho/ctx.h - the library context: configuration, store, keys, clock.
 *
 * One context per thread (the SQLite store is one connection).  Every
 * operation of libsekisho takes the context as its first argument.
 */
#ifndef SEKISHO_CTX_H
#define SEKISHO_CTX_H

#include <stdint.h>

#include "sekisho/config.h"
#include "sekisho/store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SK_KEY_LEN 32  /* master key in the key file */

typedef struct sk_ctx sk_ctx;

/* Returns the current time in unix seconds. */
typedef int64_t (*sk_clock_fn)(void *arg);

/*
 * Creates a context over store with a copy of cfg and keys derived from
 * master_key (which the caller may wipe afterwards).  On success the context
 * owns store and closes it in sk_ctx_free(); on failure the caller still owns
 * it.  Computes one Argon2id hash at the configured cost (the decoy that
 * unknown users are checked against), so it takes a few tens of ms.
 * Returns SK_OK, SK_ERR_CONFIG (cfg fails sk_config_check), SK_ERR_NOMEM or
 * SK_ERR_CRYPTO.
 */
int sk_ctx_new(sk_ctx **out, const sk_config *cfg, sk_store *store,
	       const uint8_t master_key[SK_KEY_LEN]) __attribute__((warn_unused_result));

/* Frees the context, its store and its key material. NULL is a no-op. */
void sk_ctx_free(sk_ctx *ctx);

/*
 * Replaces the clock (default: time(NULL)).  For tests, and for devices whose
 * time comes from elsewhere.  fn == NULL restores the default.
 */
void sk_ctx_set_clock(sk_ctx *ctx, sk_clock_fn fn, void *arg);

int64_t sk_ctx_now(const sk_ctx *ctx);
const sk_config *sk_ctx_config(const sk_ctx *ctx);
sk_store *sk_ctx_store(sk_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif
