/* tests/unit/test_session.c - portal sessions: tokens, timeouts, rotation, CSRF. */
#include "totputil.h"

#define ADDR "198.51.100.7"

static int
count_cb(void *arg, const sk_session *s)
{
	(void)s;
	(*(int *)arg)++;
	return 0;
}

/* Drives a session's sign-in to DONE (user without MFA requirement). */
static void
sign_in(test_env *t, sk_session *s, const char *name, const char *pw)
{
	int64_t retry;

	assert_int_equal(sk_signin_password(t->ctx, &s->signin, name, pw, strlen(pw), &retry),
			 SK_OK);
	assert_int_equal(s->signin.step, SK_STEP_DONE);
	assert_true(sk_session_active(s));
}

static void
test_create_lookup_csrf(void **state)
{
	test_env *t = test_env_new(NULL);
	char token[SK_TOKEN_LEN + 1], csrf[SK_TOKEN_LEN + 1], other[SK_TOKEN_LEN + 1];
	sk_session s, got;

	(void)state;
	assert_int_equal(sk_session_create(t->ctx, ADDR, "Mozilla/5.0 \xe3\x81\x82", token, &s),
			 SK_OK);
	assert_int_equal(strlen(token), SK_TOKEN_LEN);
	assert_false(sk_session_active(&s));
	assert_int_equal(s.signin.step, SK_STEP_PASSWORD);
	assert_int_equal(sk_session_lookup(t->ctx, token, &got), SK_OK);
	assert_int_equal(got.id, s.id);
	assert_string_equal(got.signin.addr, ADDR);
	/* Malformed and unknown tokens. */
	assert_int_equal(sk_session_lookup(t->ctx, "short", &got), SK_ERR_NOTFOUND);
	assert_int_equal(sk_session_lookup(t->ctx, NULL, &got), SK_ERR_NOTFOUND);
	memcpy(other, token, sizeof(other));
	other[0] = other[0] == 'A' ? 'B' : 'A';
	assert_int_equal(sk_session_lookup(t->ctx, other, &got), SK_ERR_NOTFOUND);
	/* CSRF: derived, stable, bound to the token, compared exactly. */
	assert_int_equal(sk_session_csrf(t->ctx, token, csrf), SK_OK);
	assert_int_equal(strlen(csrf), SK_TOKEN_LEN);
	assert_string_not_equal(csrf, token);
	assert_int_equal(sk_session_csrf_check(t->ctx, token, csrf), SK_OK);
	assert_int_equal(sk_session_csrf_check(t->ctx, other, csrf), SK_ERR_AUTH);
	csrf[5] ^= 1;
	assert_int_equal(sk_session_csrf_check(t->ctx, token, csrf), SK_ERR_AUTH);
	assert_int_equal(sk_session_csrf_check(t->ctx, token, ""), SK_ERR_AUTH);
	assert_int_equal(sk_session_csrf_check(t->ctx, token, NULL), SK_ERR_AUTH);
	test_env_free(t);
}

static void
test_rotate_and_timeouts(void **state)
{
	sk_config cfg;
	test_env *t;
	char token[SK_TOKEN_LEN + 1], token2[SK_TOKEN_LEN + 1];
	sk_session s, got;
	int n = 0;

	(void)state;
	test_config(&cfg);
	cfg.mfa_required = SK_MFA_OPTIONAL;
	t = test_env_new(&cfg);
	int64_t uid = test_add_user(t, "hana", SK_ROLE_USER, "Kawa-no-Nagare-77q");
	assert_int_equal(sk_session_create(t->ctx, ADDR, NULL, token, &s), SK_OK);
	/* A session still signing in lasts signin_timeout. */
	t->now += cfg.signin_timeout + 1;
	assert_int_equal(sk_session_lookup(t->ctx, token, &got), SK_ERR_EXPIRED);
	assert_int_equal(sk_session_lookup(t->ctx, token, &got), SK_ERR_NOTFOUND); /* deleted */

	assert_int_equal(sk_session_create(t->ctx, ADDR, NULL, token, &s), SK_OK);
	sign_in(t, &s, "hana", "Kawa-no-Nagare-77q");
	/* New token at sign-in: the old one is worthless (no fixation). */
	assert_int_equal(sk_session_rotate(t->ctx, &s, token2), SK_OK);
	assert_string_not_equal(token, token2);
	assert_int_equal(sk_session_lookup(t->ctx, token, &got), SK_ERR_NOTFOUND);
	assert_int_equal(sk_session_lookup(t->ctx, token2, &got), SK_OK);
	assert_true(sk_session_active(&got));
	assert_int_equal(got.signin.user_id, uid);
	assert_int_equal(sk_session_list(t->ctx, uid, count_cb, &n), SK_OK);
	assert_int_equal(n, 1);
	/* Idle: used just in time keeps it; unused too long ends it. */
	t->now += cfg.session_idle - 1;
	assert_int_equal(sk_session_lookup(t->ctx, token2, &got), SK_OK);
	assert_int_equal(sk_session_save(t->ctx, &got), SK_OK);
	t->now += cfg.session_idle - 1;
	assert_int_equal(sk_session_lookup(t->ctx, token2, &got), SK_OK);
	assert_int_equal(sk_session_save(t->ctx, &got), SK_OK);
	t->now += cfg.session_idle + 1;
	assert_int_equal(sk_session_lookup(t->ctx, token2, &got), SK_ERR_EXPIRED);

	/* Lifetime: ends even when used all the time. */
	assert_int_equal(sk_session_create(t->ctx, ADDR, NULL, token, &s), SK_OK);
	sign_in(t, &s, "hana", "Kawa-no-Nagare-77q");
	assert_int_equal(sk_session_rotate(t->ctx, &s, token2), SK_OK);
	for (int64_t spent = 0; spent + cfg.session_idle / 2 < cfg.session_lifetime;
	     spent += cfg.session_idle / 2) {
		t->now += cfg.session_idle / 2;
		assert_int_equal(sk_session_lookup(t->ctx, token2, &got), SK_OK);
		assert_int_equal(sk_session_save(t->ctx, &got), SK_OK);
	}
	/* 42300 s after sign-in it was alive; one step past 12 h it is not. */
	t->now += cfg.session_idle / 2 + 1;
	assert_int_equal(sk_session_lookup(t->ctx, token2, &got), SK_ERR_EXPIRED);
	test_env_free(t);
}

static void
test_end_and_end_others(void **state)
{
	sk_config cfg;
	test_env *t;
	char tok[3][SK_TOKEN_LEN + 1], tmp[SK_TOKEN_LEN + 1];
	sk_session s[3], got;
	int n = 0;

	(void)state;
	test_config(&cfg);
	cfg.mfa_required = SK_MFA_OPTIONAL;
	t = test_env_new(&cfg);
	int64_t uid = test_add_user(t, "ken", SK_ROLE_USER, "Kawa-no-Nagare-77q");
	for (int i = 0; i < 3; i++) {
		assert_int_equal(sk_session_create(t->ctx, ADDR, "agent", tmp, &s[i]), SK_OK);
		sign_in(t, &s[i], "ken", "Kawa-no-Nagare-77q");
		assert_int_equal(sk_session_rotate(t->ctx, &s[i], tok[i]), SK_OK);
	}
	assert_int_equal(sk_session_list(t->ctx, uid, count_cb, &n), SK_OK);
	assert_int_equal(n, 3);
	/* Sign out everywhere else: only the current one stays. */
	assert_int_equal(sk_session_end_others(t->ctx, uid, s[1].id, ADDR), SK_OK);
	assert_int_equal(sk_session_lookup(t->ctx, tok[0], &got), SK_ERR_NOTFOUND);
	assert_int_equal(sk_session_lookup(t->ctx, tok[2], &got), SK_ERR_NOTFOUND);
	assert_int_equal(sk_session_lookup(t->ctx, tok[1], &got), SK_OK);
	/* Sign-out. */
	assert_int_equal(sk_session_end(t->ctx, &got), SK_OK);
	assert_int_equal(sk_session_lookup(t->ctx, tok[1], &got), SK_ERR_NOTFOUND);
	n = 0;
	assert_int_equal(sk_session_list(t->ctx, uid, count_cb, &n), SK_OK);
	assert_int_equal(n, 0);
	test_env_free(t);
}

/* Taking an account out of service ends its sessions at once. */
static void
test_sessions_end_with_the_account(void **state)
{
	sk_config cfg;
	test_env *t;
	sk_actor admin = test_local_actor();
	char tmp[SK_TOKEN_LEN + 1], tok[SK_TOKEN_LEN + 1], initial[SK_INITIAL_PASSWORD_MAX];
	sk_session s, got;

	(void)state;
	test_config(&cfg);
	cfg.mfa_required = SK_MFA_OPTIONAL;
	t = test_env_new(&cfg);
	(void)test_add_user(t, "boss", SK_ROLE_ADMIN, "Kawa-no-Nagare-77q");
	(void)test_add_user(t, "mio", SK_ROLE_USER, "Yuki-no-Hana-31x");
#define SIGNED_IN()                                                                   \
	do {                                                                          \
		assert_int_equal(sk_session_create(t->ctx, ADDR, NULL, tmp, &s), SK_OK); \
		sign_in(t, &s, "mio", "Yuki-no-Hana-31x");                            \
		assert_int_equal(sk_session_rotate(t->ctx, &s, tok), SK_OK);          \
		assert_int_equal(sk_session_lookup(t->ctx, tok, &got), SK_OK);        \
	} while (0)
	/* Disabled: the open session is gone, not just future sign-ins. */
	SIGNED_IN();
	assert_int_equal(sk_account_set_disabled(t->ctx, &admin, "mio", 1), SK_OK);
	assert_int_not_equal(sk_session_lookup(t->ctx, tok, &got), SK_OK);
	assert_int_equal(sk_account_set_disabled(t->ctx, &admin, "mio", 0), SK_OK);
	/* MFA reset (a lost phone): sessions end. */
	SIGNED_IN();
	assert_int_equal(sk_mfa_reset(t->ctx, &admin, "mio"), SK_OK);
	assert_int_not_equal(sk_session_lookup(t->ctx, tok, &got), SK_OK);
	/* Password reset by an administrator: sessions end. */
	SIGNED_IN();
	assert_int_equal(sk_account_reset_password(t->ctx, &admin, "mio", initial), SK_OK);
	assert_int_not_equal(sk_session_lookup(t->ctx, tok, &got), SK_OK);
	/* Expired while signed in. */
	sk_account_spec spec = {"ren", NULL, SK_ROLE_USER, 0, "Hoshi-no-Kage-31z", 17, 0};
	assert_int_equal(sk_account_create(t->ctx, &admin, &spec, NULL, NULL), SK_OK);
	assert_int_equal(sk_session_create(t->ctx, ADDR, NULL, tmp, &s), SK_OK);
	sign_in(t, &s, "ren", "Hoshi-no-Kage-31z");
	assert_int_equal(sk_session_rotate(t->ctx, &s, tok), SK_OK);
	assert_int_equal(sk_account_set_expiry(t->ctx, &admin, "ren", t->now + 60), SK_OK);
	assert_int_equal(sk_session_lookup(t->ctx, tok, &got), SK_OK);
	t->now += 61;
	assert_int_not_equal(sk_session_lookup(t->ctx, tok, &got), SK_OK);
	/* Deleted. */
	sk_account_spec spec2 = {"kai", NULL, SK_ROLE_USER, 0, "Mori-no-Koe-83k", 15, 0};
	assert_int_equal(sk_account_create(t->ctx, &admin, &spec2, NULL, NULL), SK_OK);
	assert_int_equal(sk_session_create(t->ctx, ADDR, NULL, tmp, &s), SK_OK);
	sign_in(t, &s, "kai", "Mori-no-Koe-83k");
	assert_int_equal(sk_session_rotate(t->ctx, &s, tok), SK_OK);
	assert_int_equal(sk_session_lookup(t->ctx, tok, &got), SK_OK);
	assert_int_equal(sk_account_delete(t->ctx, &admin, "kai"), SK_OK);
	assert_int_not_equal(sk_session_lookup(t->ctx, tok, &got), SK_OK);
#undef SIGNED_IN
	sodium_memzero(initial, sizeof(initial));
	test_env_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_lookup_csrf),
		cmocka_unit_test(test_rotate_and_timeouts),
		cmocka_unit_test(test_end_and_end_others),
		cmocka_unit_test(test_sessions_end_with_the_account),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
