/*
 * tests/unit/test_inventory.c - the account inventory for the periodic
 * review (lib/inventory.c; C3): every flag, the counts of devices and
 * recovery codes, stale accounts by the injected clock.
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

#define PW "Quartz-Lantern-58!"

struct rows {
	sk_inventory_row r[32];
	size_t n;
	size_t stop_after; /* 0 = never */
};

static int
collect(void *arg, const sk_inventory_row *row)
{
	struct rows *rs = arg;

	assert_true(rs->n < 32);
	rs->r[rs->n++] = *row;
	return rs->stop_after != 0 && rs->n >= rs->stop_after;
}

static struct rows *
inventory(test_env *t, unsigned stale_days)
{
	struct rows *rs = calloc(1, sizeof(*rs));

	assert_non_null(rs);
	assert_int_equal(sk_inventory(t->ctx, stale_days, collect, rs), SK_OK);
	return rs;
}

static const sk_inventory_row *
row_of(const struct rows *rs, const char *name)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->r[i].user.name, name) == 0)
			return &rs->r[i];
	fail_msg("no row for %s", name);
	return NULL;
}

static uint32_t
flags_of(test_env *t, const char *name)
{
	struct rows *rs = inventory(t, 0);
	uint32_t f = row_of(rs, name)->flags;

	free(rs);
	return f;
}

static int64_t
get_user_id(test_env *t, const char *name)
{
	sk_user u;

	assert_int_equal(sk_account_get(t->ctx, name, &u), SK_OK);
	return u.id;
}

static void
signin(test_env *t, const char *name)
{
	sk_signin s;
	int64_t retry;

	sk_signin_start(t->ctx, &s, "192.0.2.5");
	assert_int_equal(sk_signin_password(t->ctx, &s, name, PW, strlen(PW), &retry), SK_OK);
	assert_int_equal(s.step, SK_STEP_DONE);
}

static void
test_flag_names(void **state)
{
	static const char *const names[SK_INV__COUNT] = {
		"never-signed-in", "stale", "no-mfa", "privileged-without-mfa",
		"expired", "locked", "disabled", "must-change-password",
	};

	(void)state;
	for (unsigned i = 0; i < SK_INV__COUNT; i++)
		assert_string_equal(sk_inventory_flag_name(1u << i), names[i]);
	assert_string_equal(sk_inventory_flag_name(0), "unknown");
	assert_string_equal(sk_inventory_flag_name(SK_INV_STALE | SK_INV_NO_MFA), "unknown");
	assert_string_equal(sk_inventory_flag_name(1u << SK_INV__COUNT), "unknown");
}

static void
test_flags(void **state)
{
	sk_config cfg;
	test_env *t;
	sk_actor local = test_local_actor();
	sk_account_spec spec;
	sk_policy_result pr;
	char initial[SK_INITIAL_PASSWORD_MAX], secret[128];
	struct rows *rs;
	const sk_inventory_row *r;
	int64_t retry, t0;

	(void)state;
	test_config(&cfg);
	cfg.mfa_required = SK_MFA_OPTIONAL; /* so sign-ins reach DONE by password */
	cfg.approval_actions = 0;           /* the admin grant below runs at once */
	t = test_env_new(&cfg);
	t0 = t->now;

	test_add_user(t, "fresh", SK_ROLE_USER, PW);
	memset(&spec, 0, sizeof(spec));
	spec.name = "issued";
	spec.role = SK_ROLE_USER;
	assert_int_equal(sk_account_create(t->ctx, &local, &spec, initial, &pr), SK_OK);
	test_add_user(t, "boss", SK_ROLE_ADMIN, PW);
	int64_t chief = test_add_user(t, "chief", SK_ROLE_ADMIN, PW);
	test_add_user(t, "temp", SK_ROLE_USER, PW);
	test_add_user(t, "leaving", SK_ROLE_USER, PW);
	test_add_user(t, "locked", SK_ROLE_USER, PW);
	test_add_user(t, "off", SK_ROLE_USER, PW);
	test_add_user(t, "active", SK_ROLE_USER, PW);

	/* chief: a device, recovery codes, one pending enrollment (not counted). */
	enroll_app(t, chief, "phone", secret, sizeof(secret));
	sk_recovery_set codes;
	assert_int_equal(sk_recovery_generate(t->ctx, chief, "chief", "x", &codes), SK_OK);
	sk_enrollment pend;
	assert_int_equal(sk_mfa_enroll_begin(t->ctx, chief, "spare", SK_DEVICE_TOTP_APP, NULL,
					     &pend), SK_OK);
	sk_enrollment_clear(&pend);

	assert_int_equal(sk_privilege_grant(t->ctx, &local, "temp", SK_ROLE_ADMIN, t0 + 7200),
			 SK_OK);
	assert_int_equal(sk_account_set_expiry(t->ctx, &local, "leaving", t0 + 60), SK_OK);
	for (int i = 0; i < 10; i++) {
		char addr[16];
		snprintf(addr, sizeof(addr), "10.0.0.%d", i);
		sk_signin s;
		sk_signin_start(t->ctx, &s, addr);
		int rr = sk_signin_password(t->ctx, &s, "locked", "Wrong-Guess-123!", 16, &retry);
		assert_int_equal(rr, i == 9 ? SK_ERR_LOCKED : SK_ERR_AUTH);
	}
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "off", 1), SK_OK);
	t->now += 60;
	signin(t, "active");

	rs = inventory(t, 0);
	assert_int_equal(rs->n, 9);
	for (size_t i = 1; i < rs->n; i++)
		assert_true(rs->r[i].user.id > rs->r[i - 1].user.id); /* id order */
	for (size_t i = 0; i < rs->n; i++) {
		/* No password hash leaves the library in an inventory. */
		char zero[SK_PWHASH_MAX] = {0};
		assert_memory_equal(rs->r[i].user.pwhash, zero, SK_PWHASH_MAX);
	}

	r = row_of(rs, "fresh");
	assert_int_equal(r->flags, SK_INV_NEVER_SIGNED_IN | SK_INV_NO_MFA);
	assert_int_equal(r->effective_role, SK_ROLE_USER);
	assert_int_equal(r->mfa_devices, 0);
	assert_int_equal(r->recovery_left, 0);
	assert_int_equal(r->locked_until, 0);
	assert_int_equal(r->grant_until, 0);

	r = row_of(rs, "issued");
	assert_int_equal(r->flags, SK_INV_NEVER_SIGNED_IN | SK_INV_NO_MFA | SK_INV_MUST_CHANGE);

	r = row_of(rs, "boss");
	assert_int_equal(r->flags,
			 SK_INV_NEVER_SIGNED_IN | SK_INV_NO_MFA | SK_INV_PRIVILEGED_NO_MFA);
	assert_int_equal(r->effective_role, SK_ROLE_ADMIN);

	r = row_of(rs, "chief");
	assert_int_equal(r->flags, SK_INV_NEVER_SIGNED_IN);
	assert_int_equal(r->mfa_devices, 1);
	assert_int_equal(r->recovery_left, 10);

	r = row_of(rs, "temp");
	assert_int_equal(r->flags,
			 SK_INV_NEVER_SIGNED_IN | SK_INV_NO_MFA | SK_INV_PRIVILEGED_NO_MFA);
	assert_int_equal(r->user.role, SK_ROLE_USER);
	assert_int_equal(r->effective_role, SK_ROLE_ADMIN);
	assert_int_equal(r->grant_until, t0 + 7200);

	r = row_of(rs, "leaving");
	assert_int_equal(r->flags, SK_INV_NEVER_SIGNED_IN | SK_INV_NO_MFA | SK_INV_EXPIRED);

	r = row_of(rs, "locked");
	assert_int_equal(r->flags, SK_INV_NEVER_SIGNED_IN | SK_INV_NO_MFA | SK_INV_LOCKED);
	assert_int_equal(r->locked_until, t0 + 300);

	r = row_of(rs, "off");
	assert_int_equal(r->flags, SK_INV_NEVER_SIGNED_IN | SK_INV_NO_MFA | SK_INV_DISABLED);

	r = row_of(rs, "active");
	assert_int_equal(r->flags, SK_INV_NO_MFA);
	assert_int_equal(r->user.last_signin_at, t0 + 60);
	assert_string_equal(r->user.last_signin_addr, "192.0.2.5");
	free(rs);

	/* Time passes: the lock and the grant end. */
	t->now = t0 + 7200;
	assert_int_equal(flags_of(t, "locked"), SK_INV_NEVER_SIGNED_IN | SK_INV_NO_MFA);
	assert_int_equal(flags_of(t, "temp"), SK_INV_NEVER_SIGNED_IN | SK_INV_NO_MFA);
	/* A recovery code used, the issued password changed. */
	assert_int_equal(sk_recovery_use(t->ctx, chief, codes.codes[0]), SK_OK);
	rs = inventory(t, 0);
	assert_int_equal(row_of(rs, "chief")->recovery_left, 9);
	free(rs);
	assert_int_equal(sk_account_change_password(t->ctx, get_user_id(t, "issued"), "x", initial,
						    strlen(initial), PW, strlen(PW), &pr), SK_OK);
	assert_false(flags_of(t, "issued") & SK_INV_MUST_CHANGE);
	sk_recovery_set_clear(&codes);
	sodium_memzero(initial, sizeof(initial));
	test_env_free(t);
}

static void
test_stale(void **state)
{
	sk_config cfg;
	test_env *t;
	struct rows *rs;
	int64_t t0;

	(void)state;
	test_config(&cfg);
	cfg.mfa_required = SK_MFA_OPTIONAL;
	t = test_env_new(&cfg);
	t0 = t->now;
	test_add_user(t, "idle", SK_ROLE_USER, PW);
	test_add_user(t, "busy", SK_ROLE_USER, PW);
	signin(t, "idle");
	signin(t, "busy");
	assert_false(flags_of(t, "idle") & SK_INV_STALE);

	/* Exactly stale_days (90) without a sign-in: not yet. */
	t->now = t0 + 90LL * 86400;
	assert_false(flags_of(t, "idle") & SK_INV_STALE);
	signin(t, "busy");
	/* stale_days + 1. */
	t->now = t0 + 91LL * 86400;
	assert_true(flags_of(t, "idle") & SK_INV_STALE);
	assert_false(flags_of(t, "busy") & SK_INV_STALE);
	assert_false(flags_of(t, "idle") & SK_INV_NEVER_SIGNED_IN);

	/* Never signed in counts from creation. */
	test_add_user(t, "ghost", SK_ROLE_USER, PW);
	assert_int_equal(flags_of(t, "ghost") & (SK_INV_STALE | SK_INV_NEVER_SIGNED_IN),
			 SK_INV_NEVER_SIGNED_IN);
	t->now += 91LL * 86400;
	assert_int_equal(flags_of(t, "ghost") & (SK_INV_STALE | SK_INV_NEVER_SIGNED_IN),
			 SK_INV_STALE | SK_INV_NEVER_SIGNED_IN);

	/* An explicit stale_days overrides the configured one. */
	test_add_user(t, "recent", SK_ROLE_USER, PW);
	signin(t, "recent");
	t->now += 2 * 86400;
	rs = inventory(t, 1);
	assert_true(row_of(rs, "recent")->flags & SK_INV_STALE);
	free(rs);
	rs = inventory(t, 0);
	assert_false(row_of(rs, "recent")->flags & SK_INV_STALE);
	free(rs);
	test_env_free(t);
}

/* Only account-wide locks make an account "locked"; an address throttle does not. */
static void
test_locked_scope(void **state)
{
	test_env *t = test_env_new(NULL);
	int64_t retry;

	(void)state;
	test_add_user(t, "pat", SK_ROLE_USER, PW);
	for (int i = 0; i < 3; i++)
		if (sk_lockout_charge(t->ctx, SK_FACTOR_PASSWORD, "pat", "A", &retry) == SK_OK)
			(void)sk_lockout_locked(t->ctx, SK_FACTOR_PASSWORD, "pat", "A", &retry);
	assert_int_equal(sk_lockout_locked(t->ctx, SK_FACTOR_PASSWORD, "pat", "A", &retry),
			 SK_ERR_LOCKED);
	assert_false(flags_of(t, "pat") & SK_INV_LOCKED);
	/* The second factor's account lock counts. */
	for (int i = 0; i < 10; i++) {
		char addr[16];
		snprintf(addr, sizeof(addr), "10.0.1.%d", i);
		if (sk_lockout_charge(t->ctx, SK_FACTOR_SECOND, "pat", addr, &retry) == SK_OK)
			(void)sk_lockout_locked(t->ctx, SK_FACTOR_SECOND, "pat", addr, &retry);
	}
	assert_true(flags_of(t, "pat") & SK_INV_LOCKED);
	test_env_free(t);
}

static void
test_callback_stops(void **state)
{
	test_env *t = test_env_new(NULL);
	struct rows rs;

	(void)state;
	test_add_user(t, "one", SK_ROLE_USER, PW);
	test_add_user(t, "two", SK_ROLE_USER, PW);
	test_add_user(t, "three", SK_ROLE_USER, PW);
	memset(&rs, 0, sizeof(rs));
	rs.stop_after = 2;
	assert_int_equal(sk_inventory(t->ctx, 0, collect, &rs), SK_OK);
	assert_int_equal(rs.n, 2);
	assert_string_equal(rs.r[0].user.name, "one");
	assert_string_equal(rs.r[1].user.name, "two");
	/* An empty store gives no rows. */
	test_env *e = test_env_new(NULL);
	memset(&rs, 0, sizeof(rs));
	assert_int_equal(sk_inventory(e->ctx, 0, collect, &rs), SK_OK);
	assert_int_equal(rs.n, 0);
	test_env_free(e);
	test_env_free(t);
}

/* The CSV of the yearly review: quoting and formula defusing (CWE-1236). */
static void
test_inventory_csv(void **state)
{
	sk_inventory_row row;
	char line[2048], tiny[16];

	(void)state;
	memset(&row, 0, sizeof(row));
	strcpy(row.user.name, "taro");
	strcpy(row.user.email, "=1+2\"x\"@example.com");
	row.user.role = row.effective_role = SK_ROLE_USER;
	row.user.created_at = 1700000000;
	row.locked_until = INT64_MAX;
	row.mfa_devices = 1;
	row.flags = SK_INV_NEVER_SIGNED_IN | SK_INV_LOCKED;
	assert_true(sk_inventory_csv_row(&row, line, sizeof(line)) > 0);
	assert_string_equal(line, "taro,\"'=1+2\"\"x\"\"@example.com\",user,user,enabled,"
				  "2023-11-14 22:13 UTC,-,-,1,0,until unlocked,"
				  "never-signed-in;locked\n");
	/* Every formula lead is defused: = + - @ TAB CR; a lone "-" is not a formula. */
	const char *leads[] = {"+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx"};
	for (size_t i = 0; i < sizeof(leads) / sizeof(leads[0]); i++) {
		char want[64];
		strcpy(row.user.email, leads[i]);
		assert_true(sk_inventory_csv_row(&row, line, sizeof(line)) > 0);
		snprintf(want, sizeof(want), "taro,\"'%s\",", leads[i]);
		assert_memory_equal(line, want, strlen(want));
	}
	assert_int_equal(strncmp(sk_inventory_csv_header(), "name,email,", 11), 0);
	/* Too small a buffer: refused, never cut in the middle of a field. */
	assert_int_equal(sk_inventory_csv_row(&row, tiny, sizeof(tiny)), SK_ERR_TOOLONG);
	assert_string_equal(tiny, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inventory_csv),
		cmocka_unit_test(test_flag_names),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_locked_scope),
		cmocka_unit_test(test_callback_stops),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
