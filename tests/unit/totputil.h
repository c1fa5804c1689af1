/*
 * tests/unit/totputil.h - helpers shared by the tests that need one-time
 * codes: compute a TOTP code the way an authenticator app would (from the
 * Base32 secret that enrollment shows), and enroll a device for an account.
 * Include after testutil.h.
 */
#ifndef SEKISHO_TOTPUTIL_H
#define SEKISHO_TOTPUTIL_H

#include "testutil.h"

/* The code an app holding secret_b32 shows at unix time at. */
static inline void
totp_at(test_env *t, const char *secret_b32, int64_t at, char out[SK_OTP_CODE_MAX + 1])
{
	uint8_t key[SK_OTP_SECRET_MAX];
	size_t key_len = 0;

	assert_int_equal(sk_base32_decode(secret_b32, strlen(secret_b32), key, sizeof(key),
					  &key_len), SK_OK);
	assert_true(key_len >= 10);
	assert_int_equal(sk_totp(key, key_len, at, &t->cfg.otp, out, SK_OTP_CODE_MAX + 1),
			 SK_OK);
	sodium_memzero(key, sizeof(key));
}

/*
 * Enrolls an authenticator app for user_id at t->now with the configured
 * number of codes; the secret (Base32) is copied to secret_out.  The codes
 * of the current step are spent by enrollment.
 */
static inline int64_t
enroll_app(test_env *t, int64_t user_id, const char *device, char *secret_out,
	   size_t secret_size)
{
	sk_enrollment e;
	char c1[SK_OTP_CODE_MAX + 1], c2[SK_OTP_CODE_MAX + 1];
	int64_t id;

	assert_int_equal(sk_mfa_enroll_begin(t->ctx, user_id, device, SK_DEVICE_TOTP_APP, NULL,
					     &e), SK_OK);
	if (t->cfg.enroll_codes == 2) {
		totp_at(t, e.secret, t->now - (int64_t)t->cfg.otp.period, c1);
		totp_at(t, e.secret, t->now, c2);
	} else {
		totp_at(t, e.secret, t->now, c1);
		c2[0] = '\0';
	}
	assert_int_equal(sk_mfa_enroll_confirm(t->ctx, user_id, e.device_id, c1,
					       t->cfg.enroll_codes == 2 ? c2 : NULL, "test"),
			 SK_OK);
	assert_true(strlen(e.secret) < secret_size);
	memcpy(secret_out, e.secret, strlen(e.secret) + 1);
	id = e.device_id;
	sk_enrollment_clear(&e);
	return id;
}

#endif
