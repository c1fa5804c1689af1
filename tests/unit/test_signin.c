/*
 * tests/unit/test_signin.c - the sign-in state machine (lib/signin.c;
 * DESIGN 3; A1, A2, B4, B5, B7, B9, B10) driven through every step with an
 * injected clock.  TOTP codes are computed from the secret that enrollment
 * shows, as an authenticator app would.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <unistd.h>

#include "testutil.h"
#include "totputil.h"

#define ADDR "192.0.2.10"
#define USER_PW "Quartz-Lantern-58!"
#define NEW_PW "Harbor-Violet-93#"

static int
pw(test_env *t, sk_signin *s, const char *name, const char *password)
{
	int64_t retry = -1;
	int r;

	r = sk_signin_password(t->ctx, s, name, password, strlen(password), &retry);
	if (r != SK_ERR_LOCKED)
		assert_int_equal(retry, 0);
	return r;
}

/* A fresh sign-in through the password step; asserts it lands on want. */
static void
signin_to(test_env *t, sk_signin *s, const char *name, const char *password, sk_step want)
{
	sk_signin_start(t->ctx, s, ADDR);
	assert_int_equal(pw(t, s, name, password), SK_OK);
	assert_int_equal(s->step, want);
}

static int
mfa(test_env *t, sk_signin *s, const char *code)
{
	int64_t retry = -1;
	return sk_signin_mfa(t->ctx, s, code, &retry);
}

static int
recovery(test_env *t, sk_signin *s, const char *code)
{
	int64_t retry = -1;
	return sk_signin_recovery(t->ctx, s, code, &retry);
}

static int
change(test_env *t, sk_signin *s, const char *old_pw, const char *new_pw,
       sk_policy_result *pr)
{
	return sk_signin_change_password(t->ctx, s, old_pw, strlen(old_pw), new_pw,
					 strlen(new_pw), pr);
}

static sk_user
get_user(test_env *t, const char *name)
{
	sk_user u;

	assert_int_equal(sk_account_get(t->ctx, name, &u), SK_OK);
	return u;
}

/* Signs in a user with a device all the way, at t->now. */
static void
signin_with_code(test_env *t, const char *name, const char *password, const char *secret)
{
	sk_signin s;
	char code[SK_OTP_CODE_MAX + 1];

	signin_to(t, &s, name, password, SK_STEP_MFA);
	totp_at(t, secret, t->now, code);
	assert_int_equal(mfa(t, &s, code), SK_OK);
	assert_int_equal(s.step, SK_STEP_DONE);
}

/* ---- the whole first sign-in of an administrator ------------------------ */

static void
test_first_signin_and_mfa(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_actor local = test_local_actor();
	sk_account_spec spec;
	sk_policy_result pr;
	sk_enrollment e;
	sk_recovery_set codes;
	sk_signin s;
	sk_user u;
	char initial[SK_INITIAL_PASSWORD_MAX], secret[128];
	char c1[SK_OTP_CODE_MAX + 1], c2[SK_OTP_CODE_MAX + 1], code[SK_OTP_CODE_MAX + 1];
	uint8_t key[SK_OTP_SECRET_MAX];
	size_t key_len = 0;
	int64_t t_enroll;

	(void)state;
	/* An administrator with a generated initial password. */
	memset(&spec, 0, sizeof(spec));
	spec.name = "root";
	spec.role = SK_ROLE_ADMIN;
	assert_int_equal(sk_account_create(t->ctx, &local, &spec, initial, &pr), SK_OK);
	assert_int_equal(strlen(initial), t->cfg.initial_password_length);
	assert_int_equal(sk_policy_check(&t->cfg.policy, initial, strlen(initial), "root", NULL,
					 &pr), SK_OK);
	u = get_user(t, "root");
	assert_int_equal(u.role, SK_ROLE_ADMIN);
	assert_int_equal(u.must_change, 1);
	assert_int_equal(u.last_signin_at, 0);

	/* Password step, then the issued password must be changed first (A2). */
	sk_signin_start(t->ctx, &s, ADDR);
	assert_int_equal(s.step, SK_STEP_PASSWORD);
	assert_int_equal(pw(t, &s, "root", initial), SK_OK);
	assert_int_equal(s.step, SK_STEP_CHANGE_PASSWORD);
	assert_int_equal(s.user_id, u.id);
	assert_string_equal(s.name, "root");
	/* Nothing else is allowed at this step. */
	assert_int_equal(mfa(t, &s, "123456"), SK_ERR_STATE);
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &s, "phone", SK_DEVICE_TOTP_APP, NULL, &e),
			 SK_ERR_STATE);
	assert_int_equal(s.step, SK_STEP_CHANGE_PASSWORD);

	/* A weak new password: refused, with the failed rules named. */
	memset(&pr, 0, sizeof(pr));
	assert_int_equal(change(t, &s, initial, "abc", &pr), SK_ERR_POLICY);
	assert_true(pr.failed & SK_RULE_MIN_LENGTH);
	assert_true(pr.failed & SK_RULE_CLASSES);
	assert_int_equal(s.step, SK_STEP_CHANGE_PASSWORD);
	memset(&pr, 0, sizeof(pr));
	assert_int_equal(change(t, &s, initial, "password", &pr), SK_ERR_POLICY);
	assert_true(pr.failed & SK_RULE_GUESSABLE);
	assert_false(pr.failed & SK_RULE_MIN_LENGTH);
	/* The same password again is no change. */
	memset(&pr, 0, sizeof(pr));
	assert_int_equal(change(t, &s, initial, initial, &pr), SK_ERR_POLICY);
	assert_true(pr.failed & SK_RULE_SAME_AS_CURRENT);
	/* A wrong old password. */
	assert_int_equal(change(t, &s, "Not-The-Initial-1", NEW_PW, &pr), SK_ERR_AUTH);
	assert_int_equal(s.step, SK_STEP_CHANGE_PASSWORD);
	assert_int_equal(get_user(t, "root").must_change, 1);

	/* A good one: on to enrollment (mfa_required = all). */
	assert_int_equal(change(t, &s, initial, NEW_PW, &pr), SK_OK);
	assert_int_equal(pr.failed, 0);
	assert_int_equal(s.step, SK_STEP_ENROLL_MFA);
	assert_int_equal(get_user(t, "root").must_change, 0);
	assert_int_equal(mfa(t, &s, "123456"), SK_ERR_STATE);
	memset(&codes, 0, sizeof(codes));
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &s, "123456", "654321", &codes),
			 SK_ERR_STATE); /* nothing begun */

	/* Enrollment shows a secret and a key URI (B3). */
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &s, "phone", SK_DEVICE_TOTP_APP, NULL, &e),
			 SK_OK);
	assert_true(e.device_id > 0);
	assert_int_equal(s.enroll_device_id, e.device_id);
	assert_memory_equal(e.uri, "otpauth://totp/", strlen("otpauth://totp/"));
	assert_non_null(strstr(e.uri, e.secret));
	assert_non_null(strstr(e.uri, "issuer=Sekisho"));
	assert_non_null(strstr(e.uri, "root"));
	assert_int_equal(sk_base32_decode(e.secret, strlen(e.secret), key, sizeof(key), &key_len),
			 SK_OK);
	assert_int_equal(key_len, SK_OTP_SECRET_DEFAULT);
	assert_int_equal(sk_base32_decode(e.secret_grouped, strlen(e.secret_grouped), key,
					  sizeof(key), &key_len), SK_OK);
	assert_int_equal(key_len, SK_OTP_SECRET_DEFAULT);
	assert_non_null(strchr(e.secret_grouped, ' '));
	memcpy(secret, e.secret, strlen(e.secret) + 1);

	/* Wrong codes (B4: two consecutive codes, in order). */
	totp_at(t, secret, t->now - 30, c1);
	totp_at(t, secret, t->now, c2);
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &s, "000000", "000000", &codes),
			 SK_ERR_AUTH);
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &s, c2, c1, &codes), SK_ERR_AUTH);
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &s, c2, c2, &codes), SK_ERR_AUTH);
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &s, c1, "000000", &codes), SK_ERR_AUTH);
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &s, c2, NULL, &codes), SK_ERR_AUTH);
	assert_int_equal(codes.count, 0);
	assert_int_equal(s.step, SK_STEP_ENROLL_MFA);
	unsigned n = 99;
	assert_int_equal(sk_mfa_count(t->ctx, u.id, &n), SK_OK);
	assert_int_equal(n, 0);

	/* The right two: done, with recovery codes shown once (B9). */
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &s, c1, c2, &codes), SK_OK);
	assert_int_equal(s.step, SK_STEP_DONE);
	assert_int_equal(codes.count, 10);
	for (unsigned i = 0; i < codes.count; i++) {
		assert_int_equal(strlen(codes.codes[i]), SK_RECOVERY_CODE_LEN);
		assert_int_equal(codes.codes[i][4], '-');
		for (unsigned j = 0; j < i; j++)
			assert_string_not_equal(codes.codes[i], codes.codes[j]);
	}
	assert_int_equal(sk_mfa_count(t->ctx, u.id, &n), SK_OK);
	assert_int_equal(n, 1);
	assert_int_equal(sk_recovery_remaining(t->ctx, u.id, &n), SK_OK);
	assert_int_equal(n, 10);
	u = get_user(t, "root");
	assert_int_equal(u.last_signin_at, t->now);
	assert_string_equal(u.last_signin_addr, ADDR);
	/* At DONE nothing else runs. */
	assert_int_equal(mfa(t, &s, c2), SK_ERR_STATE);
	assert_int_equal(pw(t, &s, "root", NEW_PW), SK_ERR_STATE);
	t_enroll = t->now;

	/* Second sign-in, same step: the codes used to enroll are spent. */
	signin_to(t, &s, "root", NEW_PW, SK_STEP_MFA);
	assert_int_equal(mfa(t, &s, c2), SK_ERR_REPLAY); /* signin.h: "code already used" */
	assert_int_equal(mfa(t, &s, c1), SK_ERR_REPLAY);
	assert_int_equal(s.step, SK_STEP_MFA);
	t->now += 30;
	totp_at(t, secret, t->now, code);
	assert_int_equal(mfa(t, &s, code), SK_OK);
	assert_int_equal(s.step, SK_STEP_DONE);
	assert_int_equal(s.mfa_ok, 1);
	assert_int_equal(s.used_recovery, 0);

	/* Third sign-in: that code again is a replay. */
	signin_to(t, &s, "root", NEW_PW, SK_STEP_MFA);
	assert_int_equal(mfa(t, &s, code), SK_ERR_REPLAY);
	assert_int_equal(mfa(t, &s, "000000"), SK_ERR_AUTH);
	(void)t_enroll;

	/* Recovery code instead of a one-time code: once. */
	assert_int_equal(recovery(t, &s, codes.codes[0]), SK_OK);
	assert_int_equal(s.step, SK_STEP_DONE);
	assert_int_equal(s.used_recovery, 1);
	assert_int_equal(sk_recovery_remaining(t->ctx, u.id, &n), SK_OK);
	assert_int_equal(n, 9);
	signin_to(t, &s, "root", NEW_PW, SK_STEP_MFA);
	assert_int_equal(recovery(t, &s, codes.codes[0]), SK_ERR_AUTH);
	assert_int_equal(s.step, SK_STEP_MFA);
	/* Another code, typed in upper case without hyphens, works. */
	char typed[SK_RECOVERY_CODE_LEN + 1];
	size_t k = 0;
	for (const char *p = codes.codes[1]; *p; p++)
		if (*p != '-')
			typed[k++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
	typed[k] = '\0';
	assert_int_equal(recovery(t, &s, typed), SK_OK);
	assert_int_equal(sk_recovery_remaining(t->ctx, u.id, &n), SK_OK);
	assert_int_equal(n, 8);
	sk_recovery_set_clear(&codes);
	sk_enrollment_clear(&e);
	test_env_free(t);
}

/* ---- one-time code window (B7) ------------------------------------------ */

static void
test_code_window(void **state)
{
	test_env *t = test_env_new(NULL);
	char secret[128], code[SK_OTP_CODE_MAX + 1];
	sk_signin s;
	int64_t id;

	(void)state;
	id = test_add_user(t, "wendy", SK_ROLE_USER, USER_PW);
	enroll_app(t, id, "phone", secret, sizeof(secret));
	t->now += 600;

	signin_to(t, &s, "wendy", USER_PW, SK_STEP_MFA);
	totp_at(t, secret, t->now - 60, code);
	assert_int_equal(mfa(t, &s, code), SK_ERR_AUTH); /* two steps old */
	totp_at(t, secret, t->now + 60, code);
	assert_int_equal(mfa(t, &s, code), SK_ERR_AUTH); /* two steps ahead */
	totp_at(t, secret, t->now - 30, code);
	assert_int_equal(mfa(t, &s, code), SK_OK);       /* one step old */
	assert_int_equal(s.step, SK_STEP_DONE);

	signin_to(t, &s, "wendy", USER_PW, SK_STEP_MFA);
	totp_at(t, secret, t->now + 30, code);
	assert_int_equal(mfa(t, &s, code), SK_OK);       /* one step ahead */

	/* Now the current step lies behind the last accepted one. */
	signin_to(t, &s, "wendy", USER_PW, SK_STEP_MFA);
	totp_at(t, secret, t->now, code);
	assert_int_equal(mfa(t, &s, code), SK_ERR_REPLAY);
	/* A malformed code is just wrong. */
	assert_int_equal(mfa(t, &s, "12345"), SK_ERR_AUTH);
	t->now += 60;
	totp_at(t, secret, t->now, code);
	assert_int_equal(mfa(t, &s, code), SK_OK);
	test_env_free(t);
}

/* ---- abandoned enrollment (B5) ------------------------------------------ */

static void
test_abandoned_enrollment(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_enrollment e1, e2, e3;
	sk_recovery_set codes;
	sk_signin s;
	char s1[128], s3[128], a[SK_OTP_CODE_MAX + 1], b[SK_OTP_CODE_MAX + 1];
	int64_t id;
	unsigned n;

	(void)state;
	id = test_add_user(t, "bella", SK_ROLE_USER, USER_PW);
	signin_to(t, &s, "bella", USER_PW, SK_STEP_ENROLL_MFA);
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &s, "phone", SK_DEVICE_TOTP_APP, NULL,
						&e1), SK_OK);
	memcpy(s1, e1.secret, strlen(e1.secret) + 1);
	/* The user leaves and comes back: a new key. */
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &s, "phone", SK_DEVICE_TOTP_APP, NULL,
						&e2), SK_OK);
	assert_string_not_equal(e1.secret, e2.secret);
	assert_int_not_equal(e1.device_id, e2.device_id);
	assert_int_equal(s.enroll_device_id, e2.device_id);
	/* The first enrollment is gone. */
	totp_at(t, s1, t->now - 30, a);
	totp_at(t, s1, t->now, b);
	assert_int_equal(sk_mfa_enroll_confirm(t->ctx, id, e1.device_id, a, b, ADDR),
			 SK_ERR_NOTFOUND);
	/* Its codes do not confirm the second one either. */
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &s, a, b, &codes), SK_ERR_AUTH);

	/* A new sign-in replaces the pending one as well. */
	signin_to(t, &s, "bella", USER_PW, SK_STEP_ENROLL_MFA);
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &s, "phone", SK_DEVICE_TOTP_APP, NULL,
						&e3), SK_OK);
	memcpy(s3, e3.secret, strlen(e3.secret) + 1);
	assert_string_not_equal(e3.secret, e2.secret);
	totp_at(t, e2.secret, t->now - 30, a);
	totp_at(t, e2.secret, t->now, b);
	assert_int_equal(sk_mfa_enroll_confirm(t->ctx, id, e2.device_id, a, b, ADDR),
			 SK_ERR_NOTFOUND);
	assert_int_equal(sk_mfa_count(t->ctx, id, &n), SK_OK);
	assert_int_equal(n, 0);
	totp_at(t, s3, t->now - 30, a);
	totp_at(t, s3, t->now, b);
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &s, a, b, &codes), SK_OK);
	assert_int_equal(s.step, SK_STEP_DONE);
	assert_int_equal(sk_mfa_count(t->ctx, id, &n), SK_OK);
	assert_int_equal(n, 1);

	/* Only the confirmed secret's codes ever sign in. */
	for (int i = 1; i <= 3; i++) {
		t->now += 30;
		signin_to(t, &s, "bella", USER_PW, SK_STEP_MFA);
		totp_at(t, s1, t->now, a);
		assert_int_equal(mfa(t, &s, a), SK_ERR_AUTH);
		totp_at(t, e2.secret, t->now, a);
		assert_int_equal(mfa(t, &s, a), SK_ERR_AUTH);
		totp_at(t, s3, t->now, a);
		assert_int_equal(mfa(t, &s, a), SK_OK);
	}
	sk_enrollment_clear(&e1);
	sk_enrollment_clear(&e2);
	sk_enrollment_clear(&e3);
	test_env_free(t);
}

/*
 * Two sign-ins wait at ENROLL_MFA with the same password (the user, and
 * someone who learnt the password).  Once the user has enrolled a device,
 * the other sign-in must prove that device; it cannot add its own.
 */
static void
test_enroll_race(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_enrollment e1, e2;
	sk_recovery_set codes;
	sk_signin user, other;
	char a[SK_OTP_CODE_MAX + 1], b[SK_OTP_CODE_MAX + 1], secret[128];
	int64_t id;
	unsigned n;

	(void)state;
	id = test_add_user(t, "vic", SK_ROLE_USER, USER_PW);
	signin_to(t, &other, "vic", USER_PW, SK_STEP_ENROLL_MFA);
	signin_to(t, &user, "vic", USER_PW, SK_STEP_ENROLL_MFA);
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &user, "phone", SK_DEVICE_TOTP_APP, NULL,
						&e1), SK_OK);
	memcpy(secret, e1.secret, strlen(e1.secret) + 1);
	totp_at(t, secret, t->now - 30, a);
	totp_at(t, secret, t->now, b);
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &user, a, b, &codes), SK_OK);
	assert_int_equal(user.step, SK_STEP_DONE);

	/* The other sign-in may not enroll a second device past the first. */
	t->now += 30;
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &other, "laptop", SK_DEVICE_TOTP_APP, NULL,
						&e2), SK_ERR_STATE);
	assert_int_equal(sk_mfa_count(t->ctx, id, &n), SK_OK);
	assert_int_equal(n, 1);
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &other, a, b, &codes), SK_ERR_STATE);
	assert_int_equal(codes.count, 0);
	assert_int_not_equal(other.step, SK_STEP_DONE);
	/* It is sent to the code step, where the device decides. */
	assert_int_equal(other.step, SK_STEP_MFA);
	assert_int_equal(mfa(t, &other, "000000"), SK_ERR_AUTH);
	totp_at(t, secret, t->now, a);
	assert_int_equal(mfa(t, &other, a), SK_OK);
	assert_int_equal(other.step, SK_STEP_DONE);
	sk_enrollment_clear(&e1);
	test_env_free(t);
}

/* enroll_codes = 1 ([004]): one code confirms. */
static void
test_enroll_one_code(void **state)
{
	sk_config cfg;
	test_env *t;
	sk_enrollment e;
	sk_recovery_set codes;
	sk_signin s;
	char code[SK_OTP_CODE_MAX + 1];

	(void)state;
	test_config(&cfg);
	cfg.enroll_codes = 1;
	t = test_env_new(&cfg);
	test_add_user(t, "olga", SK_ROLE_USER, USER_PW);
	signin_to(t, &s, "olga", USER_PW, SK_STEP_ENROLL_MFA);
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &s, "phone", SK_DEVICE_TOTP_APP, NULL, &e),
			 SK_OK);
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &s, "000000", NULL, &codes),
			 SK_ERR_AUTH);
	totp_at(t, e.secret, t->now, code);
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &s, code, NULL, &codes), SK_OK);
	assert_int_equal(s.step, SK_STEP_DONE);
	assert_int_equal(codes.count, 10);
	/* That code is spent too. */
	signin_to(t, &s, "olga", USER_PW, SK_STEP_MFA);
	assert_int_equal(mfa(t, &s, code), SK_ERR_REPLAY);
	sk_enrollment_clear(&e);
	test_env_free(t);
}

/* ---- step enforcement and timeout --------------------------------------- */

static void
test_step_enforcement(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_enrollment e;
	sk_recovery_set codes;
	sk_policy_result pr;
	sk_signin s;
	char secret[128], code[SK_OTP_CODE_MAX + 1];
	int64_t id;

	(void)state;
	id = test_add_user(t, "pete", SK_ROLE_USER, USER_PW);
	enroll_app(t, id, "phone", secret, sizeof(secret));
	t->now += 30;
	totp_at(t, secret, t->now, code);

	/* At PASSWORD, only the password step runs. */
	sk_signin_start(t->ctx, &s, ADDR);
	assert_int_equal(mfa(t, &s, code), SK_ERR_STATE);
	assert_int_equal(recovery(t, &s, "aaaa-aaaa-aaaa-aaaa"), SK_ERR_STATE);
	assert_int_equal(change(t, &s, USER_PW, NEW_PW, &pr), SK_ERR_STATE);
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &s, "x", SK_DEVICE_TOTP_APP, NULL, &e),
			 SK_ERR_STATE);
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &s, code, code, &codes), SK_ERR_STATE);
	assert_int_equal(s.step, SK_STEP_PASSWORD);
	/* A forged sign-in record that skipped the password gets nowhere either. */
	s.user_id = id;
	assert_int_equal(mfa(t, &s, code), SK_ERR_STATE);

	/* At MFA, enrolling a new device (past the existing one) is refused. */
	signin_to(t, &s, "pete", USER_PW, SK_STEP_MFA);
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &s, "evil", SK_DEVICE_TOTP_APP, NULL, &e),
			 SK_ERR_STATE);
	assert_int_equal(change(t, &s, USER_PW, NEW_PW, &pr), SK_ERR_STATE);
	assert_int_equal(pw(t, &s, "pete", USER_PW), SK_ERR_STATE);
	assert_int_equal(s.step, SK_STEP_MFA);
	assert_int_equal(mfa(t, &s, code), SK_OK);
	assert_int_equal(s.step, SK_STEP_DONE);
	test_env_free(t);
}

/* A hardware token's secret as typed from its sheet: each problem named. */
static void
test_token_secret_check(void **state)
{
	static const struct {
		const char *secret;
		sk_secret_problem want;
	} cases[] = {
		{NULL, SK_SECRET_EMPTY},
		{"", SK_SECRET_EMPTY},
		{" - \t ", SK_SECRET_EMPTY},
		{"JBSWY3DPEHPK3PXP", SK_SECRET_OK},               /* 16 characters: 80 bits */
		{"jbsw y3dp-ehpk 3pxp", SK_SECRET_OK},            /* as a person types it */
		{"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", SK_SECRET_OK},
		{"JBSWY3DP=EHPK3PXP", SK_SECRET_NOT_BASE32},     /* misplaced padding */
		{"JBSWY3DPEHPK3PX8", SK_SECRET_NOT_BASE32},      /* 8 is not Base32 */
		{"JBSWY3DPEHPK3PX0", SK_SECRET_NOT_BASE32},
		{"JBSWY3DPEHPK3PXP9", SK_SECRET_NOT_BASE32},
		{"JBSWY3DPEHPK3PXPA", SK_SECRET_NOT_BASE32},     /* a character too many */
		{"3132333435363738393031323334", SK_SECRET_NOT_BASE32}, /* hex, not Base32 */
		{"JBSWY3DPEHPK3P", SK_SECRET_TOO_SHORT},         /* 70 bits */
		{"JBSWY3DP", SK_SECRET_TOO_SHORT},
		{"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
		 "AAAAAAAAAAAAAAAAAAAAAAAA", SK_SECRET_TOO_LONG}, /* 104 characters: 65 bytes */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (sk_mfa_token_secret_check(cases[i].secret) != cases[i].want)
			fail_msg("case %zu (%s): %d, want %d", i,
				 cases[i].secret ? cases[i].secret : "NULL",
				 sk_mfa_token_secret_check(cases[i].secret), cases[i].want);
}

/*
 * The first sign-in with a hardware TOTP token: its secret typed in, two
 * consecutive codes from it, then sign-in with its next code.  The
 * enrollment is never shown back (the secret came from the person).
 */
static void
test_enroll_token(void **state)
{
	static const char seed[] = "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"; /* RFC 6238's key */
	test_env *t = test_env_new(NULL);
	sk_enrollment e, shown;
	sk_recovery_set codes;
	sk_signin s;
	char c1[SK_OTP_CODE_MAX + 1], c2[SK_OTP_CODE_MAX + 1], code[SK_OTP_CODE_MAX + 1];
	int64_t id;
	unsigned n = 9;

	(void)state;
	id = test_add_user(t, "kana", SK_ROLE_USER, USER_PW);
	signin_to(t, &s, "kana", USER_PW, SK_STEP_ENROLL_MFA);
	/* A secret that is not one is refused before anything is stored. */
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &s, "fob", SK_DEVICE_TOTP_TOKEN,
						"JBSWY3DP", &e), SK_ERR_INVALID);
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &s, "fob", SK_DEVICE_TOTP_TOKEN,
						NULL, &e), SK_ERR_INVALID);
	assert_int_equal(s.enroll_device_id, 0);
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &s, "fob", SK_DEVICE_TOTP_TOKEN, seed, &e),
			 SK_OK);
	assert_int_equal(s.enroll_device_id, e.device_id);
	sk_enrollment_clear(&e);
	/* A pending token is not shown again, unlike a pending app. */
	assert_int_equal(sk_mfa_enroll_show(t->ctx, id, s.enroll_device_id, &shown),
			 SK_ERR_NOTFOUND);
	assert_string_equal(shown.secret, "");
	/* Codes from another secret do not confirm it; the token's own do. */
	totp_at(t, "JBSWY3DPEHPK3PXP", t->now - 30, c1);
	totp_at(t, "JBSWY3DPEHPK3PXP", t->now, c2);
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &s, c1, c2, &codes), SK_ERR_AUTH);
	totp_at(t, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", t->now - 30, c1);
	totp_at(t, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", t->now, c2);
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &s, c1, c2, &codes), SK_OK);
	assert_int_equal(s.step, SK_STEP_DONE);
	assert_int_equal(codes.count, t->cfg.recovery_codes);
	sk_recovery_set_clear(&codes);
	assert_int_equal(sk_mfa_count(t->ctx, id, &n), SK_OK);
	assert_int_equal(n, 1);
	/* The next sign-in takes the token's next code; the enrolling one is spent. */
	signin_to(t, &s, "kana", USER_PW, SK_STEP_MFA);
	assert_int_equal(mfa(t, &s, c2), SK_ERR_REPLAY);
	totp_at(t, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", t->now + 30, code);
	assert_int_equal(mfa(t, &s, code), SK_OK);
	assert_int_equal(s.step, SK_STEP_DONE);
	test_env_free(t);
}

/* Counts audit events with this action and result. */
struct count_events {
	const char *action, *result;
	int n;
};

static int
count_event(void *arg, const sk_audit_event *e)
{
	struct count_events *c = arg;

	if (strcmp(e->action, c->action) == 0 && strcmp(e->result, c->result) == 0)
		c->n++;
	return 0;
}

static int
events(test_env *t, const char *action, const char *result)
{
	struct count_events c = {action, result, 0};

	assert_true(sk_audit_list(t->ctx, 0, count_event, &c) >= 0);
	return c.n;
}

static int
step_up(test_env *t, const char *name, const char *password, const char *code)
{
	int64_t retry = -1;
	int r = sk_signin_reauth(t->ctx, name, ADDR, password, strlen(password), code, &retry);

	if (r != SK_ERR_LOCKED)
		assert_int_equal(retry, 0);
	else
		assert_true(retry > t->now);
	return r;
}

/*
 * Step-up before deciding a request (C4): password and, with a device, a
 * fresh code - the check the CLI and the console's approvals share.
 */
static void
test_step_up(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_actor local = test_local_actor();
	sk_recovery_set rc;
	sk_signin s;
	char secret[128], code[SK_OTP_CODE_MAX + 1], wrong[SK_OTP_CODE_MAX + 1];
	int64_t id;

	(void)state;
	id = test_add_user(t, "ayumi", SK_ROLE_USER, USER_PW);
	/* MFA is required and ayumi has no device yet: she finishes her sign-in first. */
	assert_int_equal(sk_signin_reauth_needs_code(t->ctx, "ayumi"), 0);
	assert_int_equal(step_up(t, "ayumi", USER_PW, NULL), SK_ERR_STATE);
	assert_int_equal(events(t, "signin.stepup", "denied"), 1);

	enroll_app(t, id, "phone", secret, sizeof(secret));
	assert_int_equal(sk_signin_reauth_needs_code(t->ctx, "ayumi"), 1);
	assert_int_equal(sk_signin_reauth_needs_code(t->ctx, "AYUMI"), 1);
	assert_int_equal(sk_signin_reauth_needs_code(t->ctx, "nobody"), 0);
	/* She signs in with the next code. */
	t->now += 30;
	totp_at(t, secret, t->now, code);
	signin_to(t, &s, "ayumi", USER_PW, SK_STEP_MFA);
	assert_int_equal(mfa(t, &s, code), SK_OK);

	/* The code that signed her in cannot confirm again; nor can none. */
	assert_int_equal(step_up(t, "ayumi", USER_PW, code), SK_ERR_REPLAY);
	assert_int_equal(step_up(t, "ayumi", USER_PW, NULL), SK_ERR_AUTH);
	t->now += 30;
	totp_at(t, secret, t->now, code);
	snprintf(wrong, sizeof(wrong), "%06d", (atoi(code) + 1) % 1000000);
	/* A wrong password with the right code: refused, and the code is not spent. */
	assert_int_equal(step_up(t, "ayumi", "not-her-password", code), SK_ERR_AUTH);
	assert_int_equal(events(t, "signin.stepup", "fail"), 3);
	/* Password and the fresh code: confirmed; the same code twice: replay. */
	assert_int_equal(step_up(t, "ayumi", USER_PW, code), SK_OK);
	assert_int_equal(events(t, "signin.stepup", "ok"), 1);
	assert_int_equal(step_up(t, "ayumi", USER_PW, code), SK_ERR_REPLAY);
	assert_int_equal(step_up(t, "ayumi", USER_PW, wrong), SK_ERR_AUTH);
	t->now += 30;
	totp_at(t, secret, t->now, code);
	assert_int_equal(step_up(t, "ayumi", USER_PW, code), SK_OK);
	/* A recovery code is no one-time code here. */
	assert_int_equal(sk_recovery_generate(t->ctx, id, "ayumi", ADDR, &rc), SK_OK);
	assert_int_equal(step_up(t, "ayumi", USER_PW, rc.codes[0]), SK_ERR_AUTH);
	sk_recovery_set_clear(&rc);
	/* Unknown names: the same answer, after the same work. */
	assert_int_equal(step_up(t, "nobody", USER_PW, code), SK_ERR_AUTH);
	assert_int_equal(step_up(t, "<bad name>", USER_PW, NULL), SK_ERR_AUTH);

	/* Wrong codes are charged to the second-factor lockout: it bites. */
	t->now += 30;
	totp_at(t, secret, t->now, code);
	assert_int_equal(step_up(t, "ayumi", USER_PW, code), SK_OK);  /* counters back to 0 */
	t->now += 30;
	totp_at(t, secret, t->now, code);
	snprintf(wrong, sizeof(wrong), "%06d", (atoi(code) + 1) % 1000000);
	for (int i = 0; i < (int)t->cfg.per_address.threshold - 1; i++)
		assert_int_equal(step_up(t, "ayumi", USER_PW, wrong), SK_ERR_AUTH);
	assert_int_equal(step_up(t, "ayumi", USER_PW, wrong), SK_ERR_LOCKED);
	assert_int_equal(step_up(t, "ayumi", USER_PW, code), SK_ERR_LOCKED);
	assert_true(events(t, "signin.stepup", "locked") >= 1);
	t->now += t->cfg.per_address.max_seconds + 30;
	totp_at(t, secret, t->now, code);
	assert_int_equal(step_up(t, "ayumi", USER_PW, code), SK_OK);

	/* A disabled account, and one that must change an issued password. */
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "ayumi", 1), SK_OK);
	t->now += 30;
	totp_at(t, secret, t->now, code);
	assert_int_equal(step_up(t, "ayumi", USER_PW, code), SK_ERR_DISABLED);
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "ayumi", 0), SK_OK);
	{
		char initial[SK_INITIAL_PASSWORD_MAX];
		assert_int_equal(sk_account_reset_password(t->ctx, &local, "ayumi", initial), SK_OK);
		assert_int_equal(step_up(t, "ayumi", initial, code), SK_ERR_STATE);
		sodium_memzero(initial, sizeof(initial));
	}

	/* Without a device and MFA optional: the password alone. */
	{
		sk_config cfg;
		test_env *o;

		test_config(&cfg);
		cfg.mfa_required = SK_MFA_OPTIONAL;
		o = test_env_new(&cfg);
		(void)test_add_user(o, "ken", SK_ROLE_ADMIN, USER_PW);
		assert_int_equal(sk_signin_reauth_needs_code(o->ctx, "ken"), 0);
		assert_int_equal(step_up(o, "ken", "wrong", NULL), SK_ERR_AUTH);
		assert_int_equal(step_up(o, "ken", USER_PW, NULL), SK_OK);
		assert_int_equal(step_up(o, "ken", USER_PW, ""), SK_OK);
		test_env_free(o);
	}
	test_env_free(t);
}

static void
test_signin_timeout(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_enrollment e;
	sk_signin s;
	char secret[128], code[SK_OTP_CODE_MAX + 1];
	int64_t id;

	(void)state;
	id = test_add_user(t, "quinn", SK_ROLE_USER, USER_PW);
	enroll_app(t, id, "phone", secret, sizeof(secret));

	/* At the limit (600 s) the step still runs... */
	t->now += 30;
	signin_to(t, &s, "quinn", USER_PW, SK_STEP_MFA);
	t->now += 600;
	totp_at(t, secret, t->now, code);
	assert_int_equal(mfa(t, &s, code), SK_OK);

	/* ...one second later it does not, even with a right code. */
	t->now += 30;
	signin_to(t, &s, "quinn", USER_PW, SK_STEP_MFA);
	t->now += 601;
	totp_at(t, secret, t->now, code);
	assert_int_equal(mfa(t, &s, code), SK_ERR_STATE);
	assert_int_equal(s.step, SK_STEP_MFA);

	/* A clock that went backwards is no excuse either. */
	signin_to(t, &s, "quinn", USER_PW, SK_STEP_MFA);
	t->now -= 5;
	totp_at(t, secret, t->now, code);
	assert_int_equal(mfa(t, &s, code), SK_ERR_STATE);
	t->now += 5;

	/* Enrollment times out the same way. */
	test_add_user(t, "rita", SK_ROLE_USER, USER_PW);
	signin_to(t, &s, "rita", USER_PW, SK_STEP_ENROLL_MFA);
	t->now += 601;
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &s, "phone", SK_DEVICE_TOTP_APP, NULL, &e),
			 SK_ERR_STATE);
	test_env_free(t);
}

/* ---- disabled, expired -------------------------------------------------- */

static void
test_disabled_expired(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_actor local = test_local_actor();
	sk_signin s;
	char secret[128], code[SK_OTP_CODE_MAX + 1];
	int64_t id;

	(void)state;
	test_add_user(t, "dora", SK_ROLE_USER, USER_PW);
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "dora", 1), SK_OK);
	sk_signin_start(t->ctx, &s, ADDR);
	assert_int_equal(pw(t, &s, "dora", USER_PW), SK_ERR_DISABLED);
	assert_int_equal(s.step, SK_STEP_PASSWORD);
	assert_int_equal(s.user_id, 0);
	/* A wrong password says nothing about the state of the account. */
	assert_int_equal(pw(t, &s, "dora", "Wrong-Guess-123!"), SK_ERR_AUTH);
	assert_int_equal(pw(t, &s, "nobody-here", "Wrong-Guess-123!"), SK_ERR_AUTH);
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "dora", 0), SK_OK);
	sk_signin_start(t->ctx, &s, ADDR);
	assert_int_equal(pw(t, &s, "dora", USER_PW), SK_OK);

	test_add_user(t, "eddy", SK_ROLE_USER, USER_PW);
	assert_int_equal(sk_account_set_expiry(t->ctx, &local, "eddy", t->now + 100), SK_OK);
	sk_signin_start(t->ctx, &s, ADDR);
	assert_int_equal(pw(t, &s, "eddy", USER_PW), SK_OK);
	t->now += 100;
	sk_signin_start(t->ctx, &s, ADDR);
	assert_int_equal(pw(t, &s, "eddy", USER_PW), SK_ERR_EXPIRED);
	assert_int_equal(s.step, SK_STEP_PASSWORD);
	assert_int_equal(s.user_id, 0);
	assert_int_equal(pw(t, &s, "eddy", "Wrong-Guess-123!"), SK_ERR_AUTH);

	/* Disabled between the password and the code: the code step refuses. */
	id = test_add_user(t, "fred", SK_ROLE_USER, USER_PW);
	enroll_app(t, id, "phone", secret, sizeof(secret));
	t->now += 30;
	signin_to(t, &s, "fred", USER_PW, SK_STEP_MFA);
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "fred", 1), SK_OK);
	totp_at(t, secret, t->now, code);
	assert_int_equal(mfa(t, &s, code), SK_ERR_DISABLED);
	assert_int_not_equal(s.step, SK_STEP_DONE);
	/* Deleted meanwhile: the sign-in is dead. */
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "fred", 0), SK_OK);
	signin_to(t, &s, "fred", USER_PW, SK_STEP_MFA);
	assert_int_equal(sk_account_delete(t->ctx, &local, "fred"), SK_OK);
	assert_int_equal(mfa(t, &s, code), SK_ERR_STATE);
	test_env_free(t);
}

/*
 * A sign-in in progress belongs to the account that passed the password
 * step.  If that account is deleted and another created (the store may give
 * it the same id), the old sign-in must not carry on into the new account.
 */
static void
test_signin_bound_to_account(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_actor local = test_local_actor();
	sk_enrollment e;
	sk_recovery_set codes;
	sk_signin s, s2;
	sk_policy_result pr;
	int64_t old_id, new_id;

	(void)state;
	old_id = test_add_user(t, "leaver", SK_ROLE_USER, USER_PW);
	signin_to(t, &s, "leaver", USER_PW, SK_STEP_ENROLL_MFA);
	assert_int_equal(sk_account_delete(t->ctx, &local, "leaver"), SK_OK);
	new_id = test_add_user(t, "newcomer", SK_ROLE_USER, NEW_PW);
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &s, "phone", SK_DEVICE_TOTP_APP, NULL, &e),
			 SK_ERR_STATE);
	unsigned n = 9;
	assert_int_equal(sk_mfa_count(t->ctx, new_id, &n), SK_OK);
	assert_int_equal(n, 0);

	/* The same with a password change pending, and a re-created name. */
	old_id = test_add_user(t, "temp", SK_ROLE_USER, USER_PW);
	{
		char initial[SK_INITIAL_PASSWORD_MAX];
		assert_int_equal(sk_account_reset_password(t->ctx, &local, "temp", initial),
				 SK_OK);
		signin_to(t, &s2, "temp", initial, SK_STEP_CHANGE_PASSWORD);
		assert_int_equal(sk_account_delete(t->ctx, &local, "temp"), SK_OK);
		t->now += 1;
		new_id = test_add_user(t, "temp", SK_ROLE_USER, NEW_PW);
		assert_int_equal(change(t, &s2, NEW_PW, "Another-Good-Pass-77", &pr),
				 SK_ERR_STATE);
		sodium_memzero(initial, sizeof(initial));
	}
	(void)old_id;

	/*
	 * The same, whatever the store does with ids: a sign-in record whose id
	 * now names another account (as a store that reuses ids would make it)
	 * is dead.  Here the id is swapped by hand.
	 */
	test_add_user(t, "first", SK_ROLE_USER, USER_PW);
	new_id = test_add_user(t, "second", SK_ROLE_USER, USER_PW);
	signin_to(t, &s, "first", USER_PW, SK_STEP_ENROLL_MFA);
	s.user_id = new_id;
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &s, "phone", SK_DEVICE_TOTP_APP, NULL, &e),
			 SK_ERR_STATE);
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &s, "123456", "654321", &codes),
			 SK_ERR_STATE);
	assert_int_equal(sk_mfa_count(t->ctx, new_id, &n), SK_OK);
	assert_int_equal(n, 0);
	test_env_free(t);
}

/* ---- who must use a second factor (B10) --------------------------------- */

static void
test_mfa_optional(void **state)
{
	sk_config cfg;
	test_env *t;
	sk_signin s;
	char secret[128];
	int64_t id;

	(void)state;
	test_config(&cfg);
	cfg.mfa_required = SK_MFA_OPTIONAL;
	t = test_env_new(&cfg);
	test_add_user(t, "nomfa", SK_ROLE_USER, USER_PW);
	test_add_user(t, "boss", SK_ROLE_ADMIN, USER_PW);
	signin_to(t, &s, "nomfa", USER_PW, SK_STEP_DONE);
	assert_int_equal(s.mfa_ok, 0);
	signin_to(t, &s, "boss", USER_PW, SK_STEP_DONE);
	/* Who enrolled must still use it. */
	id = test_add_user(t, "hasmfa", SK_ROLE_USER, USER_PW);
	enroll_app(t, id, "phone", secret, sizeof(secret));
	t->now += 30;
	signin_to(t, &s, "hasmfa", USER_PW, SK_STEP_MFA);
	signin_with_code(t, "hasmfa", USER_PW, secret);
	test_env_free(t);
}

static void
test_mfa_admins(void **state)
{
	sk_config cfg;
	test_env *t;
	sk_actor local = test_local_actor();
	sk_signin s;

	(void)state;
	test_config(&cfg);
	cfg.mfa_required = SK_MFA_ADMINS;
	t = test_env_new(&cfg);
	test_add_user(t, "plain", SK_ROLE_USER, USER_PW);
	test_add_user(t, "reader", SK_ROLE_AUDITOR, USER_PW);
	test_add_user(t, "boss", SK_ROLE_ADMIN, USER_PW);
	signin_to(t, &s, "plain", USER_PW, SK_STEP_DONE);
	signin_to(t, &s, "reader", USER_PW, SK_STEP_DONE);
	signin_to(t, &s, "boss", USER_PW, SK_STEP_ENROLL_MFA);
	/* An effective admin by a temporary grant is an admin too. */
	assert_int_equal(sk_privilege_grant(t->ctx, &local, "plain", SK_ROLE_ADMIN, t->now + 3600),
			 SK_OK);
	signin_to(t, &s, "plain", USER_PW, SK_STEP_ENROLL_MFA);
	t->now += 3601;
	signin_to(t, &s, "plain", USER_PW, SK_STEP_DONE);
	test_env_free(t);
}

/* ---- a password reset does not get past the second factor --------------- */

static void
test_reset_password_keeps_mfa(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_actor local = test_local_actor();
	sk_policy_result pr;
	sk_signin s;
	char secret[128], code[SK_OTP_CODE_MAX + 1], initial[SK_INITIAL_PASSWORD_MAX];
	int64_t id;

	(void)state;
	id = test_add_user(t, "erik", SK_ROLE_USER, USER_PW);
	enroll_app(t, id, "phone", secret, sizeof(secret));
	assert_int_equal(sk_account_reset_password(t->ctx, &local, "erik", initial), SK_OK);
	assert_int_equal(get_user(t, "erik").must_change, 1);
	t->now += 30;
	/* The old password is gone. */
	sk_signin_start(t->ctx, &s, ADDR);
	assert_int_equal(pw(t, &s, "erik", USER_PW), SK_ERR_AUTH);
	/* The issued one leads to the code first, not to the password change. */
	signin_to(t, &s, "erik", initial, SK_STEP_MFA);
	assert_int_equal(change(t, &s, initial, NEW_PW, &pr), SK_ERR_STATE);
	assert_int_equal(mfa(t, &s, "000000"), SK_ERR_AUTH);
	assert_int_equal(s.step, SK_STEP_MFA);
	totp_at(t, secret, t->now, code);
	assert_int_equal(mfa(t, &s, code), SK_OK);
	assert_int_equal(s.step, SK_STEP_CHANGE_PASSWORD);
	assert_int_equal(change(t, &s, initial, NEW_PW, &pr), SK_OK);
	assert_int_equal(s.step, SK_STEP_DONE); /* no second enrollment */
	assert_int_equal(get_user(t, "erik").must_change, 0);
	test_env_free(t);
}

/* ---- re-hashing when the configured cost changed ------------------------ */

static char tmpdir[PATH_MAX];

static test_env *
file_env(const char *db, unsigned long long ops, const uint8_t key[SK_KEY_LEN])
{
	test_env *t = calloc(1, sizeof(*t));
	sk_store *store = NULL;

	assert_non_null(t);
	test_config(&t->cfg);
	t->cfg.hash_opslimit = ops;
	t->now = 1700000000;
	memcpy(t->key, key, SK_KEY_LEN);
	assert_int_equal(sk_store_sqlite_open(&store, db, 1), SK_OK);
	assert_int_equal(sk_ctx_new(&t->ctx, &t->cfg, store, t->key), SK_OK);
	sk_ctx_set_clock(t->ctx, test_clock, t);
	return t;
}

static void
rm_tmpdir(void)
{
	char buf[PATH_MAX + 300];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(tmpdir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(buf, sizeof(buf), "%s/%s", tmpdir, de->d_name);
			(void)unlink(buf);
		}
		closedir(d);
	}
	(void)rmdir(tmpdir);
}

static void
test_rehash_on_signin(void **state)
{
	char db[PATH_MAX + 16];
	uint8_t key[SK_KEY_LEN];
	test_env *t;
	sk_signin s;
	sk_user u;
	char before[SK_PWHASH_MAX];

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sekisho-test-signin.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(db, sizeof(db), "%s/s.db", tmpdir);
	randombytes_buf(key, sizeof(key));

	t = file_env(db, 1, key);
	test_add_user(t, "rex", SK_ROLE_USER, USER_PW);
	u = get_user(t, "rex");
	assert_non_null(strstr(u.pwhash, "$argon2id$"));
	assert_non_null(strstr(u.pwhash, ",t=1,"));
	memcpy(before, u.pwhash, sizeof(before));
	test_env_free(t);

	t = file_env(db, 2, key);
	/* A failed sign-in does not touch the hash. */
	sk_signin_start(t->ctx, &s, ADDR);
	assert_int_equal(pw(t, &s, "rex", "Wrong-Guess-123!"), SK_ERR_AUTH);
	assert_string_equal(get_user(t, "rex").pwhash, before);
	/* A successful one stores it at the new cost. */
	signin_to(t, &s, "rex", USER_PW, SK_STEP_ENROLL_MFA);
	u = get_user(t, "rex");
	assert_non_null(strstr(u.pwhash, ",t=2,"));
	assert_string_not_equal(u.pwhash, before);
	assert_int_equal(sk_password_needs_rehash(t->ctx, u.pwhash), 0);
	test_env_free(t);

	/* Persisted, and still the same password. */
	t = file_env(db, 2, key);
	u = get_user(t, "rex");
	assert_non_null(strstr(u.pwhash, ",t=2,"));
	signin_to(t, &s, "rex", USER_PW, SK_STEP_ENROLL_MFA);
	test_env_free(t);
	rm_tmpdir();
}

/* ---- DONE is reported only once the sign-in is recorded ----------------- */

/* A store whose user_update fails on demand, wrapped around the real one. */
static struct sk_store_ops failing_ops;
static const struct sk_store_ops *real_ops;
static int fail_updates;

static int
flaky_user_update(sk_store *st, const sk_user *u)
{
	if (fail_updates)
		return SK_ERR_STORE;
	return real_ops->user_update(st, u);
}

static void
test_done_only_when_recorded(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_store *st = sk_ctx_store(t->ctx);
	char secret[128], code[SK_OTP_CODE_MAX + 1];
	sk_signin s;
	int64_t id;

	(void)state;
	id = test_add_user(t, "mio", SK_ROLE_USER, "Kiri-no-Naka-74f");
	enroll_app(t, id, "phone", secret, sizeof(secret));
	t->now += 30;
	signin_to(t, &s, "mio", "Kiri-no-Naka-74f", SK_STEP_MFA);
	real_ops = st->ops;
	failing_ops = *st->ops;
	failing_ops.user_update = flaky_user_update;
	st->ops = &failing_ops;
	fail_updates = 1;
	totp_at(t, secret, t->now, code);
	/* The code is right but the sign-in cannot be recorded: not DONE. */
	assert_int_equal(mfa(t, &s, code), SK_ERR_STORE);
	assert_int_not_equal(s.step, SK_STEP_DONE);
	assert_int_equal(get_user(t, "mio").last_signin_at, 0);
	st->ops = real_ops;
	fail_updates = 0;
	test_env_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_signin_and_mfa),
		cmocka_unit_test(test_code_window),
		cmocka_unit_test(test_abandoned_enrollment),
		cmocka_unit_test(test_enroll_race),
		cmocka_unit_test(test_enroll_one_code),
		cmocka_unit_test(test_step_enforcement),
		cmocka_unit_test(test_token_secret_check),
		cmocka_unit_test(test_enroll_token),
		cmocka_unit_test(test_step_up),
		cmocka_unit_test(test_signin_timeout),
		cmocka_unit_test(test_disabled_expired),
		cmocka_unit_test(test_signin_bound_to_account),
		cmocka_unit_test(test_mfa_optional),
		cmocka_unit_test(test_mfa_admins),
		cmocka_unit_test(test_reset_password_keeps_mfa),
		cmocka_unit_test(test_rehash_on_signin),
		cmocka_unit_test(test_done_only_when_recorded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
