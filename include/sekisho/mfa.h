/*
 * sekisho/mfa.h - second-factor devices: enrollment, verification, reset
 * (B1-B8).
 *
 * Enrollment is two calls.  begin creates an unconfirmed device with a fresh
 * secret (or the secret of a hardware token typed in) and removes any
 * earlier unconfirmed device of the account, so an abandoned enrollment
 * never becomes active and its key is never offered again (B5).  confirm
 * checks cfg.enroll_codes consecutive codes (B4) and activates the device.
 */
#ifndef SEKISHO_MFA_H
#define SEKISHO_MFA_H

#include <stddef.h>
#include <stdint.h>

#include "sekisho/account.h"
#include "sekisho/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sk_enrollment {
	int64_t device_id;
	char secret[SK_OTP_SECRET_MAX * 2];   /* Base32, for the manual key (wipe after use) */
	char secret_grouped[SK_OTP_SECRET_MAX * 2 + SK_OTP_SECRET_MAX / 2]; /* "ABCD EFGH ..." */
	char uri[1024];                       /* otpauth:// URI for the QR code */
} sk_enrollment;

/* Wipes the secret-bearing fields. */
void sk_enrollment_clear(sk_enrollment *e);

/* B1: 1-64 characters from A-Z a-z 0-9 + = , . @ _ -.  SK_OK or SK_ERR_NAME. */
int sk_mfa_device_name_check(const char *name);

/* "totp-app", "totp-token", "hotp-token" <-> sk_device_type. */
const char *sk_device_type_name(sk_device_type t);
int sk_device_type_parse(const char *name, sk_device_type *out);

/* Why the secret of a hardware token is refused (sk_mfa_token_secret_check). */
typedef enum sk_secret_problem {
	SK_SECRET_OK = 0,
	SK_SECRET_EMPTY = 1,      /* nothing typed (spaces and hyphens only) */
	SK_SECRET_NOT_BASE32 = 2, /* a character outside A-Z 2-7, or a character missing */
	SK_SECRET_TOO_SHORT = 3,  /* fewer than 80 bits (16 Base32 characters) */
	SK_SECRET_TOO_LONG = 4    /* more than SK_OTP_SECRET_MAX bytes */
} sk_secret_problem;

/*
 * Checks the secret of a hardware token as a person typed it from the
 * token's seed sheet (Base32: case-insensitive, spaces and hyphens ignored,
 * '=' padding accepted), by the rule sk_mfa_enroll_begin applies, so that
 * a front-end can say what is wrong before anything is stored.  The secret
 * is only read; nothing is kept.
 */
sk_secret_problem sk_mfa_token_secret_check(const char *secret);

/*
 * Starts enrolling a device for user_id.  For SK_DEVICE_TOTP_APP the secret
 * is generated; for tokens token_secret (Base32, as printed on the token's
 * sheet) is required: SK_ERR_INVALID when sk_mfa_token_secret_check refuses
 * it.  SK_ERR_EXISTS when a confirmed device has that name.
 */
int sk_mfa_enroll_begin(sk_ctx *ctx, int64_t user_id, const char *device_name,
			sk_device_type type, const char *token_secret,
			sk_enrollment *out) __attribute__((warn_unused_result));

/*
 * Shows a pending (unconfirmed) enrollment of user_id again - its QR code and
 * key after a mistyped code, on the same page.  Leaving the page is what
 * renews the key (B5): the front-end calls sk_mfa_enroll_begin then.
 * SK_ERR_NOTFOUND when the device is not a pending app of this account (a
 * hardware token's secret was typed in by the person and is never shown).
 */
int sk_mfa_enroll_show(sk_ctx *ctx, int64_t user_id, int64_t device_id, sk_enrollment *out)
	__attribute__((warn_unused_result));

/*
 * Confirms an enrollment with code1 and, when cfg.enroll_codes is 2, the
 * next consecutive code2 (HOTP tokens: two successive presses).  Returns
 * SK_OK (device active), SK_ERR_AUTH, or SK_ERR_NOTFOUND when the
 * enrollment was abandoned or replaced.
 */
int sk_mfa_enroll_confirm(sk_ctx *ctx, int64_t user_id, int64_t device_id,
			  const char *code1, const char *code2, const char *addr)
	__attribute__((warn_unused_result));

/*
 * Verifies a one-time code against the account's confirmed devices and
 * records the accepted step (replay prevention).  Returns SK_OK,
 * SK_ERR_REPLAY (a code already used) or SK_ERR_AUTH.  Does no lockout
 * accounting: sign-in does that.
 */
int sk_mfa_verify(sk_ctx *ctx, int64_t user_id, const char *code)
	__attribute__((warn_unused_result));

/*
 * Renames a device of user_id (the name chosen on the enrollment form).
 * SK_ERR_NAME (B1 rules), SK_ERR_EXISTS (another device has it),
 * SK_ERR_NOTFOUND.
 */
int sk_mfa_rename(sk_ctx *ctx, int64_t user_id, int64_t device_id, const char *name);

/* Number of confirmed devices. */
int sk_mfa_count(sk_ctx *ctx, int64_t user_id, unsigned *count);

/* Lists the account's devices (secrets stay sealed). */
int sk_mfa_list(sk_ctx *ctx, int64_t user_id, sk_device_cb cb, void *arg);

/* The user removing one of their own devices (the front-end re-asks the password). */
int sk_mfa_remove(sk_ctx *ctx, int64_t user_id, int64_t device_id, const char *addr);

/*
 * B8: an administrator removes every device and recovery code of name, so
 * the user enrolls again at next sign-in.  Privileged when the target is an
 * administrator.
 */
int sk_mfa_reset(sk_ctx *ctx, sk_actor *actor, const char *name);

#ifdef __cplusplus
}
#endif
#endif
