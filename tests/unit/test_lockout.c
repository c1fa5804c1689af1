/*
 * tests/unit/test_lockout.c - lockout that cannot be turned against the
 * victim (lib/lockout.c; A5, DESIGN 4), with the default rules:
 * per (account, address) 3 failures / 60 s doubling to 900 s, per account
 * 10 failures / 300 s doubling to 3600 s, hard limit 100.  The clock is
 * moved by hand; nothing sleeps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "totputil.h"

#define GOOD_PW "Quartz-Lantern-58!"
#define BAD_PW "Wrong-Guess-123!"

/* One failed attempt through the API: charge, then no success. */
static int
fail_once(test_env *t, sk_factor f, const char *name, const char *addr, int64_t *retry)
{
	int r = sk_lockout_charge(t->ctx, f, name, addr, retry);

	if (r != SK_OK)
		return r;
	return sk_lockout_locked(t->ctx, f, name, addr, retry);
}

/* One successful attempt through the API. */
static int
succeed_once(test_env *t, sk_factor f, const char *name, const char *addr)
{
	int64_t retry = -1;
	int r = sk_lockout_charge(t->ctx, f, name, addr, &retry);

	if (r != SK_OK)
		return r;
	assert_int_equal(retry, 0);
	return sk_lockout_success(t->ctx, f, name, addr);
}

/* The password step of a fresh sign-in from addr. */
static int
pw_attempt(test_env *t, const char *name, const char *pw, const char *addr, int64_t *retry)
{
	sk_signin s;

	sk_signin_start(t->ctx, &s, addr);
	*retry = -1;
	return sk_signin_password(t->ctx, &s, name, pw, strlen(pw), retry);
}

static void
addr_n(char *buf, size_t size, const char *prefix, int i)
{
	snprintf(buf, size, "%s.%d.%d", prefix, i / 256, i % 256);
}

/* ---- per (account, address) --------------------------------------------- */

static void
test_pair_lock_bites_first(void **state)
{
	test_env *t = test_env_new(NULL);
	int64_t retry, t0;

	(void)state;
	test_add_user(t, "alice", SK_ROLE_USER, GOOD_PW);
	t0 = t->now;
	assert_int_equal(pw_attempt(t, "alice", BAD_PW, "198.51.100.7", &retry), SK_ERR_AUTH);
	assert_int_equal(retry, 0);
	assert_int_equal(pw_attempt(t, "alice", BAD_PW, "198.51.100.7", &retry), SK_ERR_AUTH);
	/* The third failure locks the pair, and says until when. */
	assert_int_equal(pw_attempt(t, "alice", BAD_PW, "198.51.100.7", &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t0 + 60);
	/* The fourth attempt from there is refused, even with the right password. */
	t->now += 5;
	assert_int_equal(pw_attempt(t, "alice", GOOD_PW, "198.51.100.7", &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t0 + 60);
	assert_int_equal(pw_attempt(t, "alice", BAD_PW, "198.51.100.7", &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t0 + 60);

	/* The victim is not locked out from elsewhere. */
	assert_int_equal(pw_attempt(t, "alice", BAD_PW, "203.0.113.9", &retry), SK_ERR_AUTH);
	assert_int_equal(retry, 0);
	assert_int_equal(pw_attempt(t, "alice", GOOD_PW, "203.0.113.9", &retry), SK_OK);
	assert_int_equal(retry, 0);
	int64_t until = -1;
	assert_int_equal(sk_lockout_account_locked_until(t->ctx, "alice", &until), SK_OK);
	assert_int_equal(until, 0); /* the pair lock is no account lock */

	/* One second before the end: still locked; at the end: open. */
	t->now = t0 + 59;
	assert_int_equal(pw_attempt(t, "alice", GOOD_PW, "198.51.100.7", &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t0 + 60);
	t->now = t0 + 60;
	assert_int_equal(pw_attempt(t, "alice", GOOD_PW, "198.51.100.7", &retry), SK_OK);
	test_env_free(t);
}

/* Charged before the check: a right password on the third try still passes. */
static void
test_right_password_on_threshold_attempt(void **state)
{
	test_env *t = test_env_new(NULL);
	int64_t retry;

	(void)state;
	test_add_user(t, "alice", SK_ROLE_USER, GOOD_PW);
	assert_int_equal(pw_attempt(t, "alice", BAD_PW, "a1", &retry), SK_ERR_AUTH);
	assert_int_equal(pw_attempt(t, "alice", BAD_PW, "a1", &retry), SK_ERR_AUTH);
	assert_int_equal(pw_attempt(t, "alice", GOOD_PW, "a1", &retry), SK_OK);
	/* ...and refunded: two more failures do not lock. */
	assert_int_equal(pw_attempt(t, "alice", BAD_PW, "a1", &retry), SK_ERR_AUTH);
	assert_int_equal(pw_attempt(t, "alice", BAD_PW, "a1", &retry), SK_ERR_AUTH);
	assert_int_equal(pw_attempt(t, "alice", BAD_PW, "a1", &retry), SK_ERR_LOCKED);
	test_env_free(t);
}

/* Three failures from addr at t->now; the third must lock until t->now + secs. */
static void
three_failures_lock(test_env *t, const char *name, const char *addr, int64_t secs)
{
	int64_t retry = -1;

	assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, name, addr, &retry), SK_OK);
	assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, name, addr, &retry), SK_OK);
	assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, name, addr, &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t->now + secs);
	/* Refused until then, with the same answer. */
	t->now += secs - 1;
	assert_int_equal(sk_lockout_charge(t->ctx, SK_FACTOR_PASSWORD, name, addr, &retry),
			 SK_ERR_LOCKED);
	assert_int_equal(retry, t->now + 1);
	t->now += 1;
}

static void
test_pair_lock_grows_and_caps(void **state)
{
	test_env *t = test_env_new(NULL);
	int64_t retry = -1, until = -1;

	(void)state;
	three_failures_lock(t, "carol", "A", 60);
	three_failures_lock(t, "carol", "A", 120);
	three_failures_lock(t, "carol", "A", 240);
	/* Tenth failure of the account: the account lock (300 s) joins in. */
	assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, "carol", "A", &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t->now + 300);
	assert_int_equal(sk_lockout_account_locked_until(t->ctx, "carol", &until), SK_OK);
	assert_int_equal(until, t->now + 300);
	t->now += 300;
	assert_int_equal(sk_lockout_account_locked_until(t->ctx, "carol", &until), SK_OK);
	assert_int_equal(until, 0);
	/* The pair's fourth lock: 480 s, after two more failures (one was counted). */
	assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, "carol", "A", &retry), SK_OK);
	assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, "carol", "A", &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t->now + 480);
	t->now += 480;
	/* 960 is capped at 900, and stays there. */
	three_failures_lock(t, "carol", "A", 900);
	three_failures_lock(t, "carol", "A", 900);
	test_env_free(t);
}

/* ---- per account -------------------------------------------------------- */

static void
test_account_lock_across_addresses(void **state)
{
	static const int64_t expect[] = {300, 600, 1200, 2400, 3600, 3600};
	test_env *t = test_env_new(NULL);
	char addr[32];
	int64_t retry = -1, until = -1;
	int n = 0;

	(void)state;
	for (size_t round = 0; round < sizeof(expect) / sizeof(expect[0]); round++) {
		for (int i = 0; i < 9; i++) {
			addr_n(addr, sizeof(addr), "10.0", n++);
			assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, "dave", addr, &retry),
					 SK_OK);
			assert_int_equal(retry, 0);
		}
		addr_n(addr, sizeof(addr), "10.0", n++);
		assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, "dave", addr, &retry),
				 SK_ERR_LOCKED);
		assert_int_equal(retry, t->now + expect[round]);
		/* Every address is refused now, a fresh one too. */
		addr_n(addr, sizeof(addr), "172.16", n);
		assert_int_equal(sk_lockout_charge(t->ctx, SK_FACTOR_PASSWORD, "dave", addr,
						   &retry), SK_ERR_LOCKED);
		assert_int_equal(retry, t->now + expect[round]);
		assert_int_equal(sk_lockout_account_locked_until(t->ctx, "dave", &until), SK_OK);
		assert_int_equal(until, t->now + expect[round]);
		t->now += expect[round];
	}
	test_env_free(t);
}

/* Through sign-in: the account lock also refuses the right password. */
static void
test_account_lock_signin(void **state)
{
	test_env *t = test_env_new(NULL);
	char addr[32];
	int64_t retry = -1;

	(void)state;
	test_add_user(t, "dave", SK_ROLE_USER, GOOD_PW);
	for (int i = 0; i < 9; i++) {
		addr_n(addr, sizeof(addr), "10.1", i);
		assert_int_equal(pw_attempt(t, "dave", BAD_PW, addr, &retry), SK_ERR_AUTH);
	}
	assert_int_equal(pw_attempt(t, "dave", BAD_PW, "10.1.9.9", &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t->now + 300);
	assert_int_equal(pw_attempt(t, "dave", GOOD_PW, "192.0.2.1", &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t->now + 300);
	t->now += 300;
	assert_int_equal(pw_attempt(t, "dave", GOOD_PW, "192.0.2.1", &retry), SK_OK);
	test_env_free(t);
}

/* ---- refunds ------------------------------------------------------------ */

static void
test_success_refunds(void **state)
{
	test_env *t = test_env_new(NULL);
	char addr[32];
	int64_t retry = -1;

	(void)state;
	/* Pair: 2 failures, success, 2 failures: no lock; the 3rd locks. */
	assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, "erin", "A", &retry), SK_OK);
	assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, "erin", "A", &retry), SK_OK);
	assert_int_equal(succeed_once(t, SK_FACTOR_PASSWORD, "erin", "A"), SK_OK);
	assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, "erin", "A", &retry), SK_OK);
	assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, "erin", "A", &retry), SK_OK);
	assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, "erin", "A", &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t->now + 60);
	t->now += 60;

	/* A success resets the lock level: the next lock is 60 s again, not 120. */
	assert_int_equal(succeed_once(t, SK_FACTOR_PASSWORD, "erin", "A"), SK_OK);
	three_failures_lock(t, "erin", "A", 60);

	/* Account: 9 failures, success, 9 failures: no lock; the 10th locks. */
	assert_int_equal(succeed_once(t, SK_FACTOR_PASSWORD, "frank", "Z"), SK_OK);
	for (int i = 0; i < 9; i++) {
		addr_n(addr, sizeof(addr), "10.2", i);
		assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, "frank", addr, &retry), SK_OK);
	}
	assert_int_equal(succeed_once(t, SK_FACTOR_PASSWORD, "frank", "Z"), SK_OK);
	for (int i = 0; i < 9; i++) {
		addr_n(addr, sizeof(addr), "10.3", i);
		assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, "frank", addr, &retry), SK_OK);
	}
	assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, "frank", "10.4.0.0", &retry),
			 SK_ERR_LOCKED);
	assert_int_equal(retry, t->now + 300);
	test_env_free(t);
}

/* A success from one address does not clear another address's count. */
static void
test_success_keeps_other_pairs(void **state)
{
	test_env *t = test_env_new(NULL);
	int64_t retry = -1;

	(void)state;
	assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, "gina", "B", &retry), SK_OK);
	assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, "gina", "B", &retry), SK_OK);
	assert_int_equal(succeed_once(t, SK_FACTOR_PASSWORD, "gina", "A"), SK_OK);
	assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, "gina", "B", &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t->now + 60);
	/* And a success of the password step does not refund the second factor. */
	assert_int_equal(fail_once(t, SK_FACTOR_SECOND, "gina", "A", &retry), SK_OK);
	assert_int_equal(fail_once(t, SK_FACTOR_SECOND, "gina", "A", &retry), SK_OK);
	assert_int_equal(succeed_once(t, SK_FACTOR_PASSWORD, "gina", "A"), SK_OK);
	assert_int_equal(fail_once(t, SK_FACTOR_SECOND, "gina", "A", &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t->now + 60);
	test_env_free(t);
}

/* ---- hard limit --------------------------------------------------------- */

static void
test_hard_limit(void **state)
{
	test_env *t = test_env_new(NULL);
	char addr[32];
	int64_t retry = -1, until = -1;

	(void)state;
	test_add_user(t, "hank", SK_ROLE_USER, GOOD_PW);
	for (int i = 0; i < 100; i++) {
		addr_n(addr, sizeof(addr), "10.5", i); /* no pair lock ever */
		int r = fail_once(t, SK_FACTOR_PASSWORD, "hank", addr, &retry);
		if ((i + 1) % 10 != 0) {
			assert_int_equal(r, SK_OK);
			continue;
		}
		assert_int_equal(r, SK_ERR_LOCKED);
		if (i < 99) {
			/* A temporary account lock; wait it out. */
			assert_true(retry > t->now && retry <= t->now + 3600);
			t->now = retry;
		}
	}
	/* The 100th consecutive failure: locked until an administrator unlocks. */
	assert_int_equal(retry, INT64_MAX);
	assert_int_equal(sk_lockout_account_locked_until(t->ctx, "hank", &until), SK_OK);
	assert_int_equal(until, INT64_MAX);
	t->now += 10LL * 365 * 86400;
	assert_int_equal(sk_lockout_charge(t->ctx, SK_FACTOR_PASSWORD, "hank", "192.0.2.50",
					   &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, INT64_MAX);
	assert_int_equal(pw_attempt(t, "hank", GOOD_PW, "192.0.2.51", &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, INT64_MAX);
	/* The second factor has its own counters. */
	assert_int_equal(succeed_once(t, SK_FACTOR_SECOND, "hank", "192.0.2.51"), SK_OK);

	assert_int_equal(sk_lockout_clear_all(t->ctx, "hank"), SK_OK);
	assert_int_equal(sk_lockout_account_locked_until(t->ctx, "hank", &until), SK_OK);
	assert_int_equal(until, 0);
	assert_int_equal(pw_attempt(t, "hank", GOOD_PW, "192.0.2.51", &retry), SK_OK);
	test_env_free(t);
}

/* 99 failures and a success: the consecutive count starts again. */
static void
test_hard_limit_needs_consecutive(void **state)
{
	test_env *t = test_env_new(NULL);
	char addr[32];
	int64_t retry = -1;

	(void)state;
	for (int i = 0; i < 99; i++) {
		addr_n(addr, sizeof(addr), "10.6", i);
		if (fail_once(t, SK_FACTOR_PASSWORD, "ivan", addr, &retry) == SK_ERR_LOCKED) {
			assert_true(retry != INT64_MAX);
			t->now = retry;
		}
	}
	assert_int_equal(succeed_once(t, SK_FACTOR_PASSWORD, "ivan", "10.7.0.0"), SK_OK);
	for (int i = 0; i < 10; i++) {
		addr_n(addr, sizeof(addr), "10.8", i);
		int r = fail_once(t, SK_FACTOR_PASSWORD, "ivan", addr, &retry);
		assert_int_equal(r, i == 9 ? SK_ERR_LOCKED : SK_OK);
	}
	assert_int_equal(retry, t->now + 300);
	test_env_free(t);
}

/* ---- factors ------------------------------------------------------------ */

static void
test_factors_separate_api(void **state)
{
	test_env *t = test_env_new(NULL);
	char addr[32];
	int64_t retry = -1;

	(void)state;
	/* Password locked, pair and account: the second factor still proceeds. */
	for (int i = 0; i < 10; i++) {
		addr_n(addr, sizeof(addr), "10.9", i % 3);
		(void)fail_once(t, SK_FACTOR_PASSWORD, "judy", addr, &retry);
	}
	assert_int_equal(sk_lockout_charge(t->ctx, SK_FACTOR_PASSWORD, "judy", "10.9.0.0",
					   &retry), SK_ERR_LOCKED);
	assert_int_equal(succeed_once(t, SK_FACTOR_SECOND, "judy", "10.9.0.0"), SK_OK);

	/* Second factor locked: the password step still proceeds. */
	for (int i = 0; i < 10; i++) {
		addr_n(addr, sizeof(addr), "10.10", i % 3);
		(void)fail_once(t, SK_FACTOR_SECOND, "kate", addr, &retry);
	}
	assert_int_equal(sk_lockout_charge(t->ctx, SK_FACTOR_SECOND, "kate", "10.10.0.0",
					   &retry), SK_ERR_LOCKED);
	assert_int_equal(succeed_once(t, SK_FACTOR_PASSWORD, "kate", "10.10.0.0"), SK_OK);
	test_env_free(t);
}

/* Through sign-in: wrong codes lock the code step, not the password step. */
static void
test_factors_separate_signin(void **state)
{
	test_env *t = test_env_new(NULL);
	char secret[128], code[SK_OTP_CODE_MAX + 1];
	int64_t id, retry = -1, t0;
	sk_signin s;

	(void)state;
	id = test_add_user(t, "liam", SK_ROLE_USER, GOOD_PW);
	enroll_app(t, id, "phone", secret, sizeof(secret));
	t->now += 30;
	t0 = t->now;
	sk_signin_start(t->ctx, &s, "198.51.100.1");
	assert_int_equal(sk_signin_password(t->ctx, &s, "liam", GOOD_PW, strlen(GOOD_PW), &retry),
			 SK_OK);
	assert_int_equal(s.step, SK_STEP_MFA);
	assert_int_equal(sk_signin_mfa(t->ctx, &s, "000000", &retry), SK_ERR_AUTH);
	assert_int_equal(sk_signin_mfa(t->ctx, &s, "111111", &retry), SK_ERR_AUTH);
	assert_int_equal(sk_signin_mfa(t->ctx, &s, "222222", &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t0 + 60);
	totp_at(t, secret, t->now, code);
	assert_int_equal(sk_signin_mfa(t->ctx, &s, code, &retry), SK_ERR_LOCKED);
	assert_int_equal(s.step, SK_STEP_MFA);

	/* The password step is not locked, three more times from the same address. */
	for (int i = 0; i < 3; i++) {
		sk_signin_start(t->ctx, &s, "198.51.100.1");
		assert_int_equal(sk_signin_password(t->ctx, &s, "liam", GOOD_PW, strlen(GOOD_PW),
						    &retry), SK_OK);
		assert_int_equal(s.step, SK_STEP_MFA);
	}
	/* ...but the code step from there still is. */
	assert_int_equal(sk_signin_mfa(t->ctx, &s, code, &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t0 + 60);

	/* From another address the right code works. */
	sk_signin_start(t->ctx, &s, "203.0.113.1");
	assert_int_equal(sk_signin_password(t->ctx, &s, "liam", GOOD_PW, strlen(GOOD_PW), &retry),
			 SK_OK);
	assert_int_equal(sk_signin_mfa(t->ctx, &s, code, &retry), SK_OK);
	assert_int_equal(s.step, SK_STEP_DONE);
	test_env_free(t);
}

/* ---- names -------------------------------------------------------------- */

static void
lock_pair_and_account(test_env *t, sk_factor f, const char *name)
{
	char addr[32];
	int64_t retry = -1;

	for (int i = 0; i < 3; i++)
		(void)fail_once(t, f, name, "A", &retry);
	for (int i = 0; i < 7; i++) {
		addr_n(addr, sizeof(addr), "10.11", i);
		(void)fail_once(t, f, name, addr, &retry);
	}
	assert_int_equal(sk_lockout_locked(t->ctx, f, name, "A", &retry), SK_ERR_LOCKED);
}

static int
locked_at(test_env *t, sk_factor f, const char *name, const char *addr)
{
	int64_t retry = -1;
	int r = sk_lockout_locked(t->ctx, f, name, addr, &retry);

	assert_true(r == SK_OK || r == SK_ERR_LOCKED);
	return r == SK_ERR_LOCKED;
}

static int64_t
account_until(test_env *t, const char *name)
{
	int64_t until = -1;

	assert_int_equal(sk_lockout_account_locked_until(t->ctx, name, &until), SK_OK);
	return until;
}

static void
test_prefix_names_separate(void **state)
{
	test_env *t = test_env_new(NULL);

	(void)state;
	lock_pair_and_account(t, SK_FACTOR_PASSWORD, "bob");
	lock_pair_and_account(t, SK_FACTOR_SECOND, "bob");
	assert_true(account_until(t, "bob") > t->now);
	/* Neither the longer name nor the shorter one shares bob's counters. */
	assert_false(locked_at(t, SK_FACTOR_PASSWORD, "bobby", "A"));
	assert_false(locked_at(t, SK_FACTOR_PASSWORD, "bo", "A"));
	assert_int_equal(account_until(t, "bobby"), 0);
	assert_int_equal(account_until(t, "bo"), 0);

	lock_pair_and_account(t, SK_FACTOR_PASSWORD, "bobby");
	lock_pair_and_account(t, SK_FACTOR_SECOND, "bobby");
	lock_pair_and_account(t, SK_FACTOR_PASSWORD, "bo");
	assert_int_equal(sk_lockout_clear_all(t->ctx, "bob"), SK_OK);
	assert_false(locked_at(t, SK_FACTOR_PASSWORD, "bob", "A"));
	assert_false(locked_at(t, SK_FACTOR_SECOND, "bob", "A"));
	assert_int_equal(account_until(t, "bob"), 0);
	/* bobby and bo stay locked. */
	assert_true(locked_at(t, SK_FACTOR_PASSWORD, "bobby", "A"));
	assert_true(locked_at(t, SK_FACTOR_SECOND, "bobby", "A"));
	assert_true(account_until(t, "bobby") > t->now);
	assert_true(locked_at(t, SK_FACTOR_PASSWORD, "bo", "A"));
	assert_true(account_until(t, "bo") > t->now);

	/* '_' and '.' are plain characters in keys, not patterns. */
	lock_pair_and_account(t, SK_FACTOR_PASSWORD, "a_b");
	lock_pair_and_account(t, SK_FACTOR_PASSWORD, "axb");
	assert_int_equal(sk_lockout_clear_all(t->ctx, "a_b"), SK_OK);
	assert_false(locked_at(t, SK_FACTOR_PASSWORD, "a_b", "A"));
	assert_true(locked_at(t, SK_FACTOR_PASSWORD, "axb", "A"));
	assert_true(account_until(t, "axb") > t->now);
	test_env_free(t);
}

/* Case is folded before counting: "GRACE" and "grace" are one account. */
static void
test_case_folded(void **state)
{
	test_env *t = test_env_new(NULL);
	int64_t retry = -1;

	(void)state;
	test_add_user(t, "grace", SK_ROLE_USER, GOOD_PW);
	assert_int_equal(pw_attempt(t, "GRACE", BAD_PW, "A", &retry), SK_ERR_AUTH);
	assert_int_equal(pw_attempt(t, "Grace", BAD_PW, "A", &retry), SK_ERR_AUTH);
	assert_int_equal(pw_attempt(t, "grace", BAD_PW, "A", &retry), SK_ERR_LOCKED);
	assert_int_equal(pw_attempt(t, "gRaCe", GOOD_PW, "A", &retry), SK_ERR_LOCKED);
	test_env_free(t);
}

/* An unknown name goes through exactly the same sequence as a known one. */
static void
test_unknown_like_known(void **state)
{
	test_env *t = test_env_new(NULL);
	const char *names[2] = {"known", "ghost"};
	char addr[32];
	int64_t retry[2];
	int r[2];

	(void)state;
	test_add_user(t, "known", SK_ROLE_USER, GOOD_PW);

#define BOTH(pw, a)                                                        \
	do {                                                               \
		for (int k = 0; k < 2; k++)                                \
			r[k] = pw_attempt(t, names[k], pw, a, &retry[k]);  \
		assert_int_equal(r[0], r[1]);                              \
		assert_int_equal(retry[0], retry[1]);                      \
	} while (0)

	/* Pair: AUTH, AUTH, LOCKED, LOCKED. */
	BOTH(BAD_PW, "A");
	assert_int_equal(r[0], SK_ERR_AUTH);
	BOTH(BAD_PW, "A");
	assert_int_equal(r[0], SK_ERR_AUTH);
	BOTH(BAD_PW, "A");
	assert_int_equal(r[0], SK_ERR_LOCKED);
	assert_int_equal(retry[0], t->now + 60);
	t->now += 10;
	BOTH(BAD_PW, "A");
	assert_int_equal(r[0], SK_ERR_LOCKED);
	/* Another address. */
	BOTH(BAD_PW, "B");
	assert_int_equal(r[0], SK_ERR_AUTH);
	/* On to the account lock and past it. */
	for (int i = 0; i < 5; i++) {
		addr_n(addr, sizeof(addr), "10.12", i);
		BOTH(BAD_PW, addr);
		assert_int_equal(r[0], SK_ERR_AUTH);
	}
	BOTH(BAD_PW, "C");
	assert_int_equal(r[0], SK_ERR_LOCKED);
	assert_int_equal(retry[0], t->now + 300);
	BOTH(BAD_PW, "D");
	assert_int_equal(r[0], SK_ERR_LOCKED);
	t->now += 300;
	BOTH(BAD_PW, "D");
	assert_int_equal(r[0], SK_ERR_AUTH);
	BOTH(BAD_PW, "A");
	assert_int_equal(r[0], SK_ERR_AUTH);
#undef BOTH
	test_env_free(t);
}

/* ---- per client address, across accounts (password spraying) ----------- */

/* A sprayer: one address, one wrong password at each of many names. */
static void
test_source_stops_spraying(void **state)
{
	test_env *t = test_env_new(NULL);
	char name[32];
	int64_t retry;

	(void)state;
	test_add_user(t, "alice", SK_ROLE_USER, GOOD_PW);
	for (int i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "user%02d", i);
		assert_int_equal(pw_attempt(t, name, BAD_PW, "203.0.113.9", &retry), SK_ERR_AUTH);
	}
	/* The 31st attempt from that address is refused, even with the right
	 * password of an account never tried, and is told when to retry. */
	assert_int_equal(pw_attempt(t, "alice", GOOD_PW, "203.0.113.9", &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t->now + 300);
	/* Alice from her own address is not affected. */
	assert_int_equal(pw_attempt(t, "alice", GOOD_PW, "198.51.100.1", &retry), SK_OK);
	/* After the lock, the address may try again; the next lock is twice as long. */
	t->now += 300;
	assert_int_equal(pw_attempt(t, "alice", GOOD_PW, "203.0.113.9", &retry), SK_OK);
	for (int i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "next%02d", i);
		assert_int_equal(pw_attempt(t, name, BAD_PW, "203.0.113.9", &retry), SK_ERR_AUTH);
	}
	assert_int_equal(pw_attempt(t, "bob", BAD_PW, "203.0.113.9", &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t->now + 600);
	test_env_free(t);
}

/* A success refunds only its own attempt: a valid account cannot launder a spray. */
static void
test_source_success_does_not_launder(void **state)
{
	test_env *t = test_env_new(NULL);
	char name[32];
	int64_t retry;

	(void)state;
	test_add_user(t, "mallory", SK_ROLE_USER, GOOD_PW);
	for (int i = 0; i < 29; i++) {
		snprintf(name, sizeof(name), "victim%02d", i);
		assert_int_equal(pw_attempt(t, name, BAD_PW, "203.0.113.10", &retry), SK_ERR_AUTH);
		assert_int_equal(pw_attempt(t, "mallory", GOOD_PW, "203.0.113.10", &retry), SK_OK);
	}
	assert_int_equal(pw_attempt(t, "victim99", BAD_PW, "203.0.113.10", &retry), SK_ERR_AUTH);
	assert_int_equal(pw_attempt(t, "victim98", BAD_PW, "203.0.113.10", &retry), SK_ERR_LOCKED);
	test_env_free(t);
}

/* Failures older than source_window are forgotten; the threshold is per factor. */
static void
test_source_window_and_factors(void **state)
{
	test_env *t = test_env_new(NULL);
	char name[32];
	int64_t retry;

	(void)state;
	for (int i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "old%02d", i);
		assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, name, "203.0.113.11", &retry),
				 SK_OK);
	}
	/* The second-factor scope of the same address is separate. */
	assert_int_equal(succeed_once(t, SK_FACTOR_SECOND, "old00", "203.0.113.11"), SK_OK);
	t->now += 3601;
	assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, "new", "203.0.113.11", &retry), SK_OK);
	test_env_free(t);
}

/* An administrator can lift an address's lock; an unknown address has no scope. */
static void
test_source_clear_and_unknown_addr(void **state)
{
	test_env *t = test_env_new(NULL);
	char name[32];
	int64_t retry;

	(void)state;
	for (int i = 0; i < 31; i++) {
		snprintf(name, sizeof(name), "n%02d", i);
		(void)fail_once(t, SK_FACTOR_PASSWORD, name, "203.0.113.12", &retry);
		(void)fail_once(t, SK_FACTOR_PASSWORD, name, "", &retry);
	}
	assert_int_equal(sk_lockout_charge(t->ctx, SK_FACTOR_PASSWORD, "z", "203.0.113.12", &retry),
			 SK_ERR_LOCKED);
	assert_int_equal(sk_lockout_charge(t->ctx, SK_FACTOR_PASSWORD, "z", "", &retry), SK_OK);
	assert_int_equal(sk_lockout_clear_source(t->ctx, "203.0.113.12"), SK_OK);
	assert_int_equal(sk_lockout_charge(t->ctx, SK_FACTOR_PASSWORD, "z", "203.0.113.12", &retry),
			 SK_OK);
	assert_int_equal(sk_lockout_clear_source(t->ctx, ""), SK_ERR_INVALID);
	test_env_free(t);
}

/* Turned off with source_threshold 0. */
static void
test_source_off(void **state)
{
	sk_config cfg;
	test_env *t;
	char name[32];
	int64_t retry;

	(void)state;
	sk_config_default(&cfg);
	cfg.per_source.threshold = 0;
	t = test_env_new(&cfg);
	for (int i = 0; i < 60; i++) {
		snprintf(name, sizeof(name), "n%02d", i);
		assert_int_equal(fail_once(t, SK_FACTOR_PASSWORD, name, "203.0.113.13", &retry),
				 SK_OK);
	}
	test_env_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pair_lock_bites_first),
		cmocka_unit_test(test_right_password_on_threshold_attempt),
		cmocka_unit_test(test_pair_lock_grows_and_caps),
		cmocka_unit_test(test_account_lock_across_addresses),
		cmocka_unit_test(test_account_lock_signin),
		cmocka_unit_test(test_success_refunds),
		cmocka_unit_test(test_success_keeps_other_pairs),
		cmocka_unit_test(test_hard_limit),
		cmocka_unit_test(test_hard_limit_needs_consecutive),
		cmocka_unit_test(test_factors_separate_api),
		cmocka_unit_test(test_factors_separate_signin),
		cmocka_unit_test(test_prefix_names_separate),
		cmocka_unit_test(test_case_folded),
		cmocka_unit_test(test_unknown_like_known),
		cmocka_unit_test(test_source_stops_spraying),
		cmocka_unit_test(test_source_success_does_not_launder),
		cmocka_unit_test(test_source_window_and_factors),
		cmocka_unit_test(test_source_clear_and_unknown_addr),
		cmocka_unit_test(test_source_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
