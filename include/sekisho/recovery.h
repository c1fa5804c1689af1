/*
 * sekisho/recovery.h - recovery codes (B9): the user's way back in when the
 * phone is lost.  Shown once, stored as Argon2id hashes, each usable once.
 *
 * A code is 16 characters of Crockford Base32 (80 bits) shown in four groups
 * ("7k2m-9xqp-4hdt-b3wn").  The first group is stored in clear as a hint to
 * find the row, so one hash is checked per attempt; 60 bits remain secret.
 */
#ifndef SEKISHO_RECOVERY_H
#define SEKISHO_RECOVERY_H

#include <stdint.h>

#include "sekisho/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SK_RECOVERY_CODE_LEN 19  /* "xxxx-xxxx-xxxx-xxxx" */
#define SK_RECOVERY_MAX 20

typedef struct sk_recovery_set {
	unsigned count;
	char codes[SK_RECOVERY_MAX][SK_RECOVERY_CODE_LEN + 1];
} sk_recovery_set;

/* Wipes the codes. */
void sk_recovery_set_clear(sk_recovery_set *set);

/*
 * Replaces the account's codes with cfg.recovery_codes new ones, written to
 * out for showing once.  actor_name and addr go to the audit log.
 */
int sk_recovery_generate(sk_ctx *ctx, int64_t user_id, const char *actor_name,
			 const char *addr, sk_recovery_set *out)
	__attribute__((warn_unused_result));

/*
 * Uses one code (case, spaces and hyphens ignored; O/I/L read as 0/1/1).
 * Returns SK_OK and marks it used, or SK_ERR_AUTH.  No lockout accounting.
 */
int sk_recovery_use(sk_ctx *ctx, int64_t user_id, const char *code)
	__attribute__((warn_unused_result));

/* Number of unused codes. */
int sk_recovery_remaining(sk_ctx *ctx, int64_t user_id, unsigned *count);

#ifdef __cplusplus
}
#endif
#endif
