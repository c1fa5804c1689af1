/*
 * sekisho/vault.h - the key file, and sealing of secrets at rest (G2).
 *
 * The key file holds 32 random bytes.  It is created 0600 by `sekisho init`
 * and refused when it is not a regular file, is readable or writable by
 * group or others, belongs to another user, or has the wrong size
 * (google-authenticator-libpam's open_secret_file() does the same).
 * TOTP secrets must be readable by the server, so they are encrypted with
 * XChaCha20-Poly1305 under a key derived from the master key, with the
 * owning account bound in as associated data.
 */
#ifndef SEKISHO_VAULT_H
#define SEKISHO_VAULT_H

#include <stddef.h>
#include <stdint.h>

#include "sekisho/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes that sealing adds to a secret (nonce + tag). */
#define SK_VAULT_OVERHEAD 40

/*
 * Creates a new key file at path with mode 0600 and 32 random bytes, synced
 * to disk.  Refuses to overwrite: SK_ERR_EXISTS when path exists.
 * Returns SK_OK or SK_ERR_IO.
 */
int sk_vault_key_create(const char *path) __attribute__((warn_unused_result));

/*
 * Reads the key file into key after the safety checks above.  Returns SK_OK,
 * SK_ERR_NOTFOUND (no such file) or SK_ERR_KEYFILE with the reason written
 * to why (may be NULL).
 */
int sk_vault_key_load(const char *path, uint8_t key[SK_KEY_LEN], char *why,
		      size_t why_size) __attribute__((warn_unused_result));

/*
 * Encrypts len bytes of pt bound to the associated-data string ad.  out
 * receives len + SK_VAULT_OVERHEAD bytes.  Returns SK_OK, SK_ERR_TOOLONG when
 * out is too small, or SK_ERR_CRYPTO.
 */
int sk_vault_seal(const sk_ctx *ctx, const uint8_t *pt, size_t len,
		  const char *ad, uint8_t *out, size_t out_size, size_t *out_len)
	__attribute__((warn_unused_result));

/*
 * Decrypts what sk_vault_seal produced.  SK_ERR_TAMPERED when the data, the
 * associated data or the key do not match.  The caller wipes out after use.
 */
int sk_vault_open(const sk_ctx *ctx, const uint8_t *ct, size_t len,
		  const char *ad, uint8_t *out, size_t out_size, size_t *out_len)
	__attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
