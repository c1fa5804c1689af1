/*
 * sekisho/signin.h - the sign-in state machine (DESIGN 3).
 *
 *   PASSWORD -> [CHANGE_PASSWORD] -> [ENROLL_MFA] -> [MFA] -> DONE
 *
 * Each call checks that the sign-in is at the right step, does its work and
 * moves s->step on.  The server, CLI and PAM module only render the step.
 * sk_signin is plain data so a front-end can keep it between requests
 * (server side only: it is never shown to the user agent).
 */
#ifndef SEKISHO_SIGNIN_H
#define SEKISHO_SIGNIN_H

#include <stddef.h>
#include <stdint.h>

#include "sekisho/ctx.h"
#include "sekisho/mfa.h"
#include "sekisho/policy.h"
#include "sekisho/recovery.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sk_step {
	SK_STEP_PASSWORD = 0,
	SK_STEP_CHANGE_PASSWORD = 1, /* issued password: change before anything else (A2) */
	SK_STEP_ENROLL_MFA = 2,      /* MFA required and no device yet (B10) */
	SK_STEP_MFA = 3,             /* one-time code or recovery code (B7, B9) */
	SK_STEP_DONE = 4
} sk_step;

typedef struct sk_signin {
	sk_step step;
	int64_t user_id;
	char name[SK_NAME_MAX + 1];
	char addr[SK_ADDR_MAX];
	int64_t started_at;
	int64_t enroll_device_id;   /* pending enrollment, 0 = none */
	int mfa_ok;                 /* second factor passed (or enrolled) in this sign-in */
	int used_recovery;          /* signed in with a recovery code */
} sk_signin;

const char *sk_step_name(sk_step step);

/* Starts a sign-in from client address addr ("" when unknown). */
void sk_signin_start(sk_ctx *ctx, sk_signin *s, const char *addr);

/*
 * Step PASSWORD.  Unknown user, wrong password: SK_ERR_AUTH, with the same
 * work done.  SK_ERR_LOCKED with *retry_at (INT64_MAX: ask an
 * administrator).  A correct password on a disabled or expired account
 * gives SK_ERR_DISABLED / SK_ERR_EXPIRED.  On SK_OK s->step is the next step.
 */
int sk_signin_password(sk_ctx *ctx, sk_signin *s, const char *name,
		       const char *password, size_t len, int64_t *retry_at)
	__attribute__((warn_unused_result));

/* Step CHANGE_PASSWORD: old password again, new one (policy checked). */
int sk_signin_change_password(sk_ctx *ctx, sk_signin *s, const char *old_pw,
			      size_t old_len, const char *new_pw, size_t new_len,
			      sk_policy_result *pr) __attribute__((warn_unused_result));

/*
 * Step ENROLL_MFA, first half: starts (or restarts, with a new key) the
 * enrollment of a device; see sk_mfa_enroll_begin().
 */
int sk_signin_enroll_begin(sk_ctx *ctx, sk_signin *s, const char *device_name,
			   sk_device_type type, const char *token_secret,
			   sk_enrollment *out) __attribute__((warn_unused_result));

/*
 * Step ENROLL_MFA, second half: confirms with the codes.  When the account
 * has no unused recovery codes, new ones are written to *codes (count 0
 * otherwise) for showing once.  Moves to DONE.
 */
int sk_signin_enroll_confirm(sk_ctx *ctx, sk_signin *s, const char *code1,
			     const char *code2, sk_recovery_set *codes)
	__attribute__((warn_unused_result));

/*
 * Step MFA with a one-time code.  SK_ERR_AUTH, SK_ERR_REPLAY (code already
 * used: wait for the next), SK_ERR_LOCKED with *retry_at.
 */
int sk_signin_mfa(sk_ctx *ctx, sk_signin *s, const char *code, int64_t *retry_at)
	__attribute__((warn_unused_result));

/* Step MFA with a recovery code instead; same results as sk_signin_mfa. */
int sk_signin_recovery(sk_ctx *ctx, sk_signin *s, const char *code, int64_t *retry_at)
	__attribute__((warn_unused_result));

/*
 * Step-up: an account proves itself again, on the spot, before a decision
 * that needs it - deciding a request of the two-person rule (C4), where
 * `sekisho --as NAME approvals approve` and the console's approvals page
 * both call this.  It takes the account's password and, when the account
 * has a confirmed second-factor device, a fresh one-time code from it
 * (code may be NULL or "" otherwise; sk_signin_step_up_needs_code tells a
 * front-end whether to ask).  The code is checked as at sign-in: a code
 * already used (the one that signed in, too) is SK_ERR_REPLAY, and it is
 * charged to the second-factor lockout as the password is to the password
 * lockout.  A recovery code is not accepted: it stands in for a lost
 * device, and whoever lost theirs should not be approving.  An account
 * that must still change an issued password, or still enroll a device
 * (MFA required and none confirmed), gets SK_ERR_STATE: it finishes its
 * own sign-in first.  Unknown names cost the same work as real ones.
 * Returns SK_OK, SK_ERR_AUTH (wrong password; wrong or missing code),
 * SK_ERR_REPLAY, SK_ERR_LOCKED with *retry_at (may be NULL),
 * SK_ERR_DISABLED, SK_ERR_EXPIRED, SK_ERR_STATE or a store error.  Audited
 * as "signin.stepup".
 */
int sk_signin_step_up(sk_ctx *ctx, const char *name, const char *addr,
		      const char *password, size_t len, const char *code, int64_t *retry_at)
	__attribute__((warn_unused_result));

/*
 * Whether sk_signin_step_up wants a code from name: 1 when the account has
 * a confirmed second-factor device, 0 when it has none or does not exist.
 */
int sk_signin_step_up_needs_code(sk_ctx *ctx, const char *name);

#ifdef __cplusplus
}
#endif
#endif
