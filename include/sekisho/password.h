/*
 * sekisho/password.h - password hashing with Argon2id (libsodium), A4.
 *
 * Hashes are PHC strings ("$argon2id$v=19$m=19456,t=2,p=1$...") that carry
 * their own parameters, so the cost can change without invalidating old
 * hashes: sk_password_needs_rehash() tells when a sign-in should store a new
 * hash at the configured cost.
 */
#ifndef SEKISHO_PASSWORD_H
#define SEKISHO_PASSWORD_H

#include <stddef.h>

#include "sekisho/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SK_PASSWORD_MAX 1024  /* bytes; longer input is refused before hashing */

/* Hashes password (len bytes) at the configured cost into out. */
int sk_password_hash(const sk_ctx *ctx, const char *password, size_t len,
		     char out[SK_PWHASH_MAX]) __attribute__((warn_unused_result));

/* SK_OK when password matches hash, SK_ERR_AUTH otherwise (also for a malformed hash). */
int sk_password_verify(const sk_ctx *ctx, const char *hash, const char *password,
		       size_t len) __attribute__((warn_unused_result));

/*
 * Spends the same work as a verification against a real hash, for accounts
 * that do not exist (so timing does not tell them apart).  Always SK_ERR_AUTH.
 */
int sk_password_verify_decoy(const sk_ctx *ctx, const char *password, size_t len);

/* 1 when hash was made with other parameters than the configured ones, else 0. */
int sk_password_needs_rehash(const sk_ctx *ctx, const char *hash);

#ifdef __cplusplus
}
#endif
#endif
