/*
 * sekisho/lockout.h - lockout that cannot be turned against the victim
 * (A5, DESIGN 4).
 *
 * Two factors (password step, second-factor step) each have three scopes:
 * per (account, client address), which bites first, per account, and per
 * client address across all accounts (password spraying: a few guesses at
 * each of many accounts).  A scope that reaches its threshold of failures is
 * locked for a time that doubles with each lock, up to a cap.  The source
 * scope forgets failures older than cfg.source_window and a success refunds
 * only its own attempt, so one valid account cannot launder a sprayer's
 * count.  An account whose
 * consecutive failures reach hard_limit (at most 100, NIST SP 800-63B) stays
 * locked until an administrator unlocks it.
 *
 * Attempts are charged *before* the secret is checked, in one store
 * transaction, and refunded on success, so concurrent attempts cannot slip
 * past a limit.  Counters are keyed by the (normalized) name typed, whether
 * or not the account exists, so lockout behaviour reveals nothing either.
 */
#ifndef SEKISHO_LOCKOUT_H
#define SEKISHO_LOCKOUT_H

#include <stdint.h>

#include "sekisho/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sk_factor {
	SK_FACTOR_PASSWORD = 0,
	SK_FACTOR_SECOND = 1
} sk_factor;

/*
 * Charges one attempt for name from addr.  Returns SK_OK when the attempt
 * may proceed, or SK_ERR_LOCKED with *retry_at set (INT64_MAX: until an
 * administrator unlocks).  Must be followed by sk_lockout_success() when the
 * attempt succeeds.
 */
int sk_lockout_charge(sk_ctx *ctx, sk_factor f, const char *name,
		      const char *addr, int64_t *retry_at)
	__attribute__((warn_unused_result));

/*
 * After a failed attempt: SK_ERR_LOCKED with *retry_at when that failure
 * locked a scope, else SK_OK.
 */
int sk_lockout_locked(sk_ctx *ctx, sk_factor f, const char *name,
		      const char *addr, int64_t *retry_at);

/* Refunds: clears the (name, addr) and account counters of factor f. */
int sk_lockout_success(sk_ctx *ctx, sk_factor f, const char *name, const char *addr);

/* Administrator unlock: clears every counter of name, both factors. */
int sk_lockout_clear_all(sk_ctx *ctx, const char *name);

/* Administrator unlock of one client address's source scope (both factors). */
int sk_lockout_clear_source(sk_ctx *ctx, const char *addr);

/* The latest lock end of any account-wide scope of name (0 = not locked). */
int sk_lockout_account_locked_until(sk_ctx *ctx, const char *name, int64_t *until);

#ifdef __cplusplus
}
#endif
#endif
