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
	int external_first;         /* first factor checked outside Sekisho (sshd's public
				       key): no password step, change or enrollment here */
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
 * Step MFA with whatever the user typed: a one-time code or a recovery code,
 * told apart by shape.  Blanks are ignored; 1 to SK_OTP_CODE_MAX digits is a
 * one-time code (sk_signin_mfa), anything else a recovery code
 * (sk_signin_recovery).  Same results as those two.  For front-ends with a
 * single prompt (the PAM module).
 */
int sk_signin_code(sk_ctx *ctx, sk_signin *s, const char *code, int64_t *retry_at)
	__attribute__((warn_unused_result));

/*
 * Starts a sign-in whose first factor was checked elsewhere - sshd accepted
 * the user's public key, and pam_sekisho.so asks for the second factor
 * (F1, F2).  from is the client address ("" when unknown), via names the
 * front-end for the audit log ("pam:sshd"; may be NULL).
 *
 * An active account with a confirmed device: SK_OK, *has_mfa = 1 and s at
 * SK_STEP_MFA; continue with sk_signin_code (or sk_signin_mfa /
 * sk_signin_recovery), so lockout, replay prevention and audit are those of
 * every other sign-in.  An active account without a device: SK_OK,
 * *has_mfa = 0, s at SK_STEP_ENROLL_MFA; only
 * sk_signin_second_factor_none() may finish it (enrollment needs the
 * password, which this sign-in never saw).  An unknown or malformed name:
 * SK_ERR_NOTFOUND; disabled or expired: SK_ERR_DISABLED / SK_ERR_EXPIRED.
 * Each outcome is audited as signin.external.  Charges no lockout counter:
 * nothing secret was checked yet.  Such a sign-in never asks for a password
 * change: the password plays no part in it.
 */
int sk_signin_second_factor_start(sk_ctx *ctx, sk_signin *s, const char *name,
				  const char *from, const char *via, int *has_mfa)
	__attribute__((warn_unused_result));

/*
 * Finishes a sign-in from sk_signin_second_factor_start() for an account
 * that has no device, when the front-end allows that (pam_sekisho's nullok).
 * Audited as signin.ok "no second factor".  SK_ERR_STATE when the sign-in
 * is not such a one or a device was enrolled meanwhile (s then moves to
 * SK_STEP_MFA).
 */
int sk_signin_second_factor_none(sk_ctx *ctx, sk_signin *s)
	__attribute__((warn_unused_result));

/*
 * Re-authentication: an account proves itself again, on the spot, before a decision
 * that needs it - deciding a request of the two-person rule (C4), where
 * `sekisho --as NAME approvals approve` and the console's approvals page
 * both call this.  It takes the account's password and, when the account
 * has a confirmed second-factor device, a fresh one-time code from it
 * (code may be NULL or "" otherwise; sk_signin_reauth_needs_code tells a
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
int sk_signin_reauth(sk_ctx *ctx, const char *name, const char *addr,
		     const char *password, size_t len, const char *code, int64_t *retry_at)
	__attribute__((warn_unused_result));

/*
 * Whether sk_signin_reauth wants a code from name: 1 when the account has
 * a confirmed second-factor device, 0 when it has none or does not exist.
 */
int sk_signin_reauth_needs_code(sk_ctx *ctx, const char *name);

#ifdef __cplusplus
}
#endif
#endif
