/*
 * tests/unit/test_signin_external.c - sign-ins whose first factor was
 * checked elsewhere (sshd's public key; pam_sekisho.so asks for the second
 * factor): sk_signin_second_factor_start / _none, sk_signin_code, and the
 * login-session audit event sk_audit_session (F1, F2, B7, B9, A5, D1).
 * The second factor goes through the same lockout, replay prevention and
 * audit as the portal's; these tests check that it does, with the injected
 * clock and codes computed as an authenticator app would.
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
#define ADDR "198.51.100.7"
#define VIA "pam:sshd"

struct last_event {
	sk_audit_event e;
	unsigned count;
};

static int
keep_last(void *arg, const sk_audit_event *e)
{
	struct last_event *l = arg;

	l->e = *e;
	l->count++;
	return 0;
}

/* The newest audit event, asserted to be action with result. */
static sk_audit_event
last_event(test_env *t, const char *action, const char *result)
{
	struct last_event l;

	memset(&l, 0, sizeof(l));
	assert_int_equal(sk_audit_list(t->ctx, 0, keep_last, &l), SK_OK);
	assert_true(l.count > 0);
	assert_string_equal(l.e.action, action);
	assert_string_equal(l.e.result, result);
	return l.e;
}

/* Finds the newest event with action; fails when there is none. */
struct find_event {
	const char *action;
	sk_audit_event e;
	int found;
};

static int
find_one(void *arg, const sk_audit_event *e)
{
	struct find_event *f = arg;

	if (strcmp(e->action, f->action) == 0) {
		f->e = *e;
		f->found = 1;
	}
	return 0;
}

static sk_audit_event
find_event(test_env *t, const char *action)
{
	struct find_event f;

	memset(&f, 0, sizeof(f));
	f.action = action;
	assert_int_equal(sk_audit_list(t->ctx, 0, find_one, &f), SK_OK);
	assert_true(f.found);
	return f.e;
}

/* An account with an authenticator app; its Base32 secret in secret. */
static int64_t
user_with_app(test_env *t, const char *name, char *secret, size_t size)
{
	int64_t id = test_add_user(t, name, SK_ROLE_USER, PW);

	enroll_app(t, id, "phone", secret, size);
	return id;
}

static int
start(test_env *t, sk_signin *s, const char *name, const char *from, int *has_mfa)
{
	return sk_signin_second_factor_start(t->ctx, s, name, from, VIA, has_mfa);
}

static void
test_code_then_done(void **state)
{
	test_env *t = test_env_new(NULL);
	char secret[128], code[SK_OTP_CODE_MAX + 1];
	sk_signin s;
	sk_audit_event e;
	int64_t retry = -1;
	int has_mfa = -1;
	sk_user u;

	(void)state;
	user_with_app(t, "alice", secret, sizeof(secret));
	t->now += 60; /* enrollment spent the codes of its steps */

	assert_int_equal(start(t, &s, "Alice", ADDR, &has_mfa), SK_OK);
	assert_int_equal(has_mfa, 1);
	assert_int_equal(s.step, SK_STEP_MFA);
	assert_true(s.external_first);
	assert_string_equal(s.name, "alice");
	e = last_event(t, "signin.external", "ok");
	assert_string_equal(e.target, "alice");
	assert_string_equal(e.addr, ADDR);
	assert_non_null(strstr(e.detail, "pam:sshd"));

	totp_at(t, secret, t->now, code);
	assert_int_equal(sk_signin_code(t->ctx, &s, code, &retry), SK_OK);
	assert_int_equal(retry, 0);
	assert_int_equal(s.step, SK_STEP_DONE);
	assert_true(s.mfa_ok);
	e = last_event(t, "signin.ok", "ok");
	assert_string_equal(e.detail, "external first factor, second factor");
	assert_int_equal(sk_account_get(t->ctx, "alice", &u), SK_OK);
	assert_int_equal(u.last_signin_at, t->now);
	assert_string_equal(u.last_signin_addr, ADDR);

	/* The same code again, in a new sign-in: replay, never accepted twice. */
	assert_int_equal(start(t, &s, "alice", ADDR, &has_mfa), SK_OK);
	assert_int_equal(sk_signin_code(t->ctx, &s, code, &retry), SK_ERR_REPLAY);
	assert_int_equal(s.step, SK_STEP_MFA);
	e = last_event(t, "signin.mfa", "fail");
	assert_string_equal(e.detail, "code already used");

	/* The next step's code, typed with a blank as apps show it. */
	char spaced[SK_OTP_CODE_MAX + 2];
	t->now += 30;
	totp_at(t, secret, t->now, code);
	snprintf(spaced, sizeof(spaced), "%.3s %s", code, code + 3);
	assert_int_equal(sk_signin_code(t->ctx, &s, spaced, &retry), SK_OK);
	assert_int_equal(s.step, SK_STEP_DONE);
	test_env_free(t);
}

static void
test_wrong_codes_lock(void **state)
{
	test_env *t = test_env_new(NULL);
	char secret[128], code[SK_OTP_CODE_MAX + 1];
	sk_signin s;
	int64_t retry = -1;
	int has_mfa;

	(void)state;
	user_with_app(t, "bob", secret, sizeof(secret));
	t->now += 60;
	/* [lockout] defaults: 3 failures per (account, address) lock it for 60 s. */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(start(t, &s, "bob", ADDR, &has_mfa), SK_OK);
		assert_int_equal(sk_signin_code(t->ctx, &s, "000000", &retry), SK_ERR_AUTH);
		assert_int_equal(retry, 0);
		last_event(t, "signin.mfa", "fail");
	}
	assert_int_equal(start(t, &s, "bob", ADDR, &has_mfa), SK_OK);
	assert_int_equal(sk_signin_code(t->ctx, &s, "000000", &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t->now + 60);

	/* Locked: even the right code is refused, and the refusal is audited. */
	totp_at(t, secret, t->now, code);
	assert_int_equal(start(t, &s, "bob", ADDR, &has_mfa), SK_OK);
	assert_int_equal(sk_signin_code(t->ctx, &s, code, &retry), SK_ERR_LOCKED);
	assert_int_equal(retry, t->now + 60);
	last_event(t, "signin.locked", "locked");

	/* The counters are the portal's: its second-factor step is locked too. */
	sk_signin p;
	sk_signin_start(t->ctx, &p, ADDR);
	assert_int_equal(sk_signin_password(t->ctx, &p, "bob", PW, strlen(PW), &retry), SK_OK);
	assert_int_equal(p.step, SK_STEP_MFA);
	assert_int_equal(sk_signin_mfa(t->ctx, &p, code, &retry), SK_ERR_LOCKED);

	/* The per-address throttle bites first: another address is not locked. */
	assert_int_equal(start(t, &s, "bob", "203.0.113.9", &has_mfa), SK_OK);
	assert_int_equal(sk_signin_code(t->ctx, &s, code, &retry), SK_OK);

	/* And the lock ends by itself. */
	t->now += 61;
	totp_at(t, secret, t->now, code);
	assert_int_equal(start(t, &s, "bob", ADDR, &has_mfa), SK_OK);
	assert_int_equal(sk_signin_code(t->ctx, &s, code, &retry), SK_OK);
	assert_int_equal(s.step, SK_STEP_DONE);
	test_env_free(t);
}

static void
test_recovery_code(void **state)
{
	test_env *t = test_env_new(NULL);
	char secret[128];
	sk_recovery_set set;
	sk_signin s;
	int64_t retry = -1, id;
	int has_mfa;
	unsigned left = 0;

	(void)state;
	id = user_with_app(t, "carol", secret, sizeof(secret));
	assert_int_equal(sk_recovery_generate(t->ctx, id, "carol", "test", &set), SK_OK);
	t->now += 60;

	/* A recovery code, upper case and without hyphens: told apart by shape. */
	char typed[SK_RECOVERY_CODE_LEN + 1];
	size_t n = 0;
	for (const char *p = set.codes[0]; *p != '\0'; p++)
		if (*p != '-')
			typed[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
	typed[n] = '\0';
	assert_int_equal(start(t, &s, "carol", ADDR, &has_mfa), SK_OK);
	assert_int_equal(sk_signin_code(t->ctx, &s, typed, &retry), SK_OK);
	assert_int_equal(s.step, SK_STEP_DONE);
	assert_true(s.used_recovery);
	assert_string_equal(find_event(t, "recovery.use").result, "ok");
	assert_string_equal(last_event(t, "signin.ok", "ok").detail,
			    "external first factor, recovery code");
	assert_int_equal(sk_recovery_remaining(t->ctx, id, &left), SK_OK);
	assert_int_equal(left, set.count - 1);

	/* Once only. */
	assert_int_equal(start(t, &s, "carol", ADDR, &has_mfa), SK_OK);
	assert_int_equal(sk_signin_code(t->ctx, &s, set.codes[0], &retry), SK_ERR_AUTH);
	last_event(t, "signin.recovery", "fail");
	/* Nine digits is no one-time code: tried as a recovery code, and fails. */
	assert_int_equal(sk_signin_code(t->ctx, &s, "123456789", &retry), SK_ERR_AUTH);
	last_event(t, "signin.recovery", "fail");
	/* An empty answer is a wrong code, charged like one. */
	assert_int_equal(start(t, &s, "carol", "192.0.2.99", &has_mfa), SK_OK);
	assert_int_equal(sk_signin_code(t->ctx, &s, "", &retry), SK_ERR_AUTH);
	last_event(t, "signin.mfa", "fail");
	assert_int_equal(sk_signin_code(t->ctx, &s, NULL, &retry), SK_ERR_INVALID);
	sk_recovery_set_clear(&set);
	test_env_free(t);
}

static void
test_unknown_disabled_expired(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_actor a = test_local_actor();
	char secret[128], code[SK_OTP_CODE_MAX + 1];
	sk_signin s;
	sk_audit_event e;
	int64_t retry;
	int has_mfa = -1;

	(void)state;
	user_with_app(t, "dave", secret, sizeof(secret));
	t->now += 60;

	assert_int_equal(start(t, &s, "nobody", ADDR, &has_mfa), SK_ERR_NOTFOUND);
	assert_int_equal(has_mfa, 0);
	assert_int_not_equal(s.step, SK_STEP_DONE);
	e = last_event(t, "signin.external", "fail");
	assert_string_equal(e.target, "nobody");
	assert_non_null(strstr(e.detail, "unknown user"));
	/* Names that break the rules are unknown users under one key. */
	assert_int_equal(start(t, &s, "bad name\n", ADDR, &has_mfa), SK_ERR_NOTFOUND);
	assert_string_equal(last_event(t, "signin.external", "fail").target, "(invalid)");
	assert_int_equal(start(t, &s, NULL, ADDR, &has_mfa), SK_ERR_INVALID);
	assert_int_equal(sk_signin_second_factor_start(t->ctx, &s, "dave", ADDR, VIA, NULL),
			 SK_ERR_INVALID);
	/* A failed start leaves nothing to continue. */
	totp_at(t, secret, t->now, code);
	assert_int_equal(sk_signin_code(t->ctx, &s, code, &retry), SK_ERR_STATE);
	assert_int_equal(sk_signin_password(t->ctx, &s, "dave", PW, strlen(PW), &retry),
			 SK_ERR_STATE);

	assert_int_equal(sk_account_set_disabled(t->ctx, &a, "dave", 1), SK_OK);
	assert_int_equal(start(t, &s, "dave", ADDR, &has_mfa), SK_ERR_DISABLED);
	assert_non_null(strstr(last_event(t, "signin.external", "denied").detail, "disabled"));
	assert_int_equal(sk_account_set_disabled(t->ctx, &a, "dave", 0), SK_OK);

	assert_int_equal(sk_account_set_expiry(t->ctx, &a, "dave", t->now - 1), SK_OK);
	assert_int_equal(start(t, &s, "dave", ADDR, &has_mfa), SK_ERR_EXPIRED);
	assert_non_null(strstr(last_event(t, "signin.external", "denied").detail, "expired"));
	assert_int_equal(sk_account_set_expiry(t->ctx, &a, "dave", 0), SK_OK);

	/* Disabled between the question and the code: refused at the code. */
	assert_int_equal(start(t, &s, "dave", ADDR, &has_mfa), SK_OK);
	assert_int_equal(sk_account_set_disabled(t->ctx, &a, "dave", 1), SK_OK);
	assert_int_equal(sk_signin_code(t->ctx, &s, code, &retry), SK_ERR_DISABLED);
	assert_int_equal(sk_account_set_disabled(t->ctx, &a, "dave", 0), SK_OK);

	/* A started sign-in goes stale after [mfa] signin_timeout. */
	assert_int_equal(start(t, &s, "dave", ADDR, &has_mfa), SK_OK);
	t->now += t->cfg.signin_timeout + 1;
	totp_at(t, secret, t->now, code);
	assert_int_equal(sk_signin_code(t->ctx, &s, code, &retry), SK_ERR_STATE);
	test_env_free(t);
}

static void
test_no_device(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_signin s, p;
	sk_enrollment en;
	sk_recovery_set codes;
	char secret[128];
	int64_t retry, id;
	int has_mfa = -1;

	(void)state;
	id = test_add_user(t, "erin", SK_ROLE_USER, PW);
	assert_int_equal(start(t, &s, "erin", ADDR, &has_mfa), SK_OK);
	assert_int_equal(has_mfa, 0);
	assert_int_equal(s.step, SK_STEP_ENROLL_MFA);
	assert_non_null(strstr(last_event(t, "signin.external", "ok").detail,
			       "no second factor enrolled"));
	/* Enrolling needs the password: refused on an external sign-in. */
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &s, "phone", SK_DEVICE_TOTP_APP, NULL, &en),
			 SK_ERR_STATE);
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &s, "000000", "000000", &codes),
			 SK_ERR_STATE);
	/* No code to check either. */
	assert_int_equal(sk_signin_code(t->ctx, &s, "123456", &retry), SK_ERR_STATE);

	/* The front-end allows it (nullok): done, and audited as such. */
	assert_int_equal(sk_signin_second_factor_none(t->ctx, &s), SK_OK);
	assert_int_equal(s.step, SK_STEP_DONE);
	assert_string_equal(last_event(t, "signin.ok", "ok").detail,
			    "external first factor, no second factor enrolled");
	assert_int_equal(sk_signin_second_factor_none(t->ctx, &s), SK_ERR_STATE);

	/* Not for a portal sign-in. */
	sk_signin_start(t->ctx, &p, ADDR);
	assert_int_equal(sk_signin_password(t->ctx, &p, "erin", PW, strlen(PW), &retry), SK_OK);
	assert_int_equal(p.step, SK_STEP_ENROLL_MFA);
	assert_int_equal(sk_signin_second_factor_none(t->ctx, &p), SK_ERR_STATE);

	/* A device enrolled between the question and the answer: prove it. */
	assert_int_equal(start(t, &s, "erin", ADDR, &has_mfa), SK_OK);
	assert_int_equal(has_mfa, 0);
	enroll_app(t, id, "phone", secret, sizeof(secret));
	assert_int_equal(sk_signin_second_factor_none(t->ctx, &s), SK_ERR_STATE);
	assert_int_equal(s.step, SK_STEP_MFA);
	test_env_free(t);
}

static void
test_issued_password_not_asked(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_actor a = test_local_actor();
	char secret[128], code[SK_OTP_CODE_MAX + 1], initial[SK_INITIAL_PASSWORD_MAX];
	sk_policy_result pr;
	sk_signin s;
	int64_t retry;
	int has_mfa;

	(void)state;
	user_with_app(t, "frank", secret, sizeof(secret));
	assert_int_equal(sk_account_reset_password(t->ctx, &a, "frank", initial), SK_OK);
	t->now += 60;
	assert_int_equal(start(t, &s, "frank", ADDR, &has_mfa), SK_OK);
	/* Changing the password needs it; this sign-in never saw it. */
	assert_int_equal(sk_signin_change_password(t->ctx, &s, initial, strlen(initial), PW,
						   strlen(PW), &pr),
			 SK_ERR_STATE);
	totp_at(t, secret, t->now, code);
	assert_int_equal(sk_signin_code(t->ctx, &s, code, &retry), SK_OK);
	assert_int_equal(s.step, SK_STEP_DONE);
	sodium_memzero(initial, sizeof(initial));
	test_env_free(t);
}

static void
test_session_events(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_audit_event e;
	int64_t count = 0, bad = 0;

	(void)state;
	test_add_user(t, "gina", SK_ROLE_USER, PW);
	assert_int_equal(sk_audit_session(t->ctx, "Gina", "sshd", "192.0.2.5", "ssh", 1), SK_OK);
	e = last_event(t, "session.open", "ok");
	assert_string_equal(e.actor, "gina");
	assert_string_equal(e.target, "gina");
	assert_string_equal(e.addr, "192.0.2.5");
	assert_string_equal(e.detail, "service=sshd tty=ssh");
	assert_int_equal(sk_audit_session(t->ctx, "gina", "sshd", "192.0.2.5", "/dev/pts/3", 0),
			 SK_OK);
	e = last_event(t, "session.close", "ok");
	assert_string_equal(e.detail, "service=sshd tty=/dev/pts/3");

	/* Anything a client could slip in is made printable; NULLs are empty. */
	assert_int_equal(sk_audit_session(t->ctx, "not a name", "ss hd\n", "host\x1b[31m",
					   NULL, 1),
			 SK_OK);
	e = last_event(t, "session.open", "ok");
	assert_string_equal(e.target, "(invalid)");
	assert_string_equal(e.detail, "service=ss?hd? tty=");
	assert_string_equal(e.addr, "host?[31m");
	assert_int_equal(sk_audit_session(t->ctx, NULL, NULL, NULL, NULL, 0), SK_OK);
	e = last_event(t, "session.close", "ok");
	assert_string_equal(e.target, "(invalid)");
	assert_string_equal(e.addr, "");

	/* A host name longer than the field is cut, not refused. */
	char longhost[300];
	memset(longhost, 'h', sizeof(longhost) - 1);
	longhost[sizeof(longhost) - 1] = '\0';
	assert_int_equal(sk_audit_session(t->ctx, "gina", "sshd", longhost, "ssh", 1), SK_OK);
	assert_int_equal(strlen(last_event(t, "session.open", "ok").addr), SK_ADDR_MAX - 1);
	assert_int_equal(sk_audit_verify(t->ctx, &count, &bad), SK_OK);
	test_env_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_code_then_done),
		cmocka_unit_test(test_wrong_codes_lock),
		cmocka_unit_test(test_recovery_code),
		cmocka_unit_test(test_unknown_disabled_expired),
		cmocka_unit_test(test_no_device),
		cmocka_unit_test(test_issued_password_not_asked),
		cmocka_unit_test(test_session_events),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
