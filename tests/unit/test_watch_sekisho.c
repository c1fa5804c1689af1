/*
 * tests/unit/test_watch_sekisho.c - sekisho-watch's reader of Sekisho's own
 * audit events (watch/parsers/sekisho.c): the JSON lines the real CLI
 * exported (tests/data/sekisho/audit.jsonl), events made by the library
 * itself (sign-ins from network addresses, a disabled account, PAM
 * sessions, escapes) and formatted by sk_audit_json, and lines it must
 * refuse.  Run from the repository root (make unit does).
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
#include "sekisho/audit.h"
#include "sekisho/signin.h"
#include "event.h"

#define DATA "tests/data/sekisho/"
#define PW "Quartz-Lantern-58!"

static void
str_is(wk_str s, const char *want, const char *what)
{
	if (!wk_str_eq(s, want))
		fail_msg("%s: got \"%.*s\", wanted \"%s\"", what, (int)s.n, s.p ? s.p : "", want);
}

static void
inside(const wk_event *ev, const char *line, size_t len)
{
	const wk_str *all[] = {&ev->host, &ev->user, &ev->src, &ev->dst, &ev->method,
			       &ev->url, &ev->result, &ev->workstation};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		assert_non_null(all[i]->p);
		assert_true(all[i]->p >= line && all[i]->p + all[i]->n <= line + len);
	}
	assert_true(ev->kind >= WK_NONE && ev->kind < WK__COUNT);
	assert_int_equal(ev->source, WK_SRC_SEKISHO);
}

/* Parses a heap copy of exactly len bytes, checks the invariants, re-bases on text. */
static int
parse(const char *text, size_t len, wk_event *ev)
{
	char *copy = malloc(len > 0 ? len : 1);
	wk_str *all[] = {&ev->host, &ev->user, &ev->src, &ev->dst, &ev->method,
			 &ev->url, &ev->result, &ev->workstation};
	int r;

	assert_non_null(copy);
	memcpy(copy, text, len);
	r = wk_parse_sekisho(copy, len, 0, ev);
	assert_true(r == 0 || r == 1);
	inside(ev, copy, len);
	if (r == 0)
		assert_int_equal(ev->kind, WK_NONE);
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		all[i]->p = text + (all[i]->p - copy);
	free(copy);
	return r;
}

static int
parse1(const char *line, wk_event *ev)
{
	return parse(line, strlen(line), ev);
}

/* The real CLI's export (tests/data/sekisho/make-audit-sample.sh). */
static void
test_cli_export(void **state)
{
	FILE *f = fopen(DATA "audit.jsonl", "rb");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int kind[WK__COUNT] = {0}, lines = 0, account_bob = 0;
	wk_event ev;

	(void)state;
	if (f == NULL)
		fail_msg("cannot open " DATA "audit.jsonl (run the tests from the repository root)");
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			n--;
		lines++;
		if (parse(line, (size_t)n, &ev) != 1)
			fail_msg("unparsed: %s", line);
		kind[ev.kind]++;
		if (ev.kind == WK_ACCOUNT && wk_str_eq(ev.user, "bob"))
			account_bob++;
		if (lines == 10) { /* the sign-in that completed enrolment */
			assert_int_equal(ev.kind, WK_AUTH_OK);
			str_is(ev.user, "alice", "user");
			str_is(ev.src, "local", "src");
			str_is(ev.method, "with second factor", "method");
			str_is(ev.url, "signin.ok", "url");
			assert_int_equal(ev.ts, 1795328979);
		}
		if (lines == 13) { /* a name that does not exist */
			assert_int_equal(ev.kind, WK_AUTH_INVALID_USER);
			str_is(ev.user, "administrator", "user");
			str_is(ev.result, "fail", "result");
		}
	}
	free(line);
	fclose(f);
	/*
	 * 18 events: user.create x3 + role.change + user.create (admin's init,
	 * alice, bob), user.disable/enable/expiry/delete of bob, mfa.reset of
	 * alice: 9 WK_ACCOUNT; signin.ok: 1 WK_AUTH_OK; two wrong passwords:
	 * 2 WK_AUTH_FAIL; the unknown user: 1 WK_AUTH_INVALID_USER; and
	 * approval.request (skipped), signin.password ok, password.change,
	 * mfa.enroll, recovery.generate: 5 WK_NONE.
	 */
	assert_int_equal(lines, 18);
	assert_int_equal(kind[WK_ACCOUNT], 9);
	assert_int_equal(account_bob, 5);
	assert_int_equal(kind[WK_AUTH_OK], 1);
	assert_int_equal(kind[WK_AUTH_FAIL], 2);
	assert_int_equal(kind[WK_AUTH_INVALID_USER], 1);
	assert_int_equal(kind[WK_NONE], 5);
}

struct lines {
	char text[64][1024];
	int count;
};

static int
collect(void *arg, const sk_audit_event *e)
{
	struct lines *l = arg;

	assert_true(l->count < 64);
	assert_true(sk_audit_json(e, l->text[l->count], sizeof(l->text[0])) > 0);
	l->count++;
	return 0;
}

/* Events the library writes, formatted by sk_audit_json, read back. */
static void
test_library_events(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_actor admin = test_local_actor();
	struct lines *l = calloc(1, sizeof(*l));
	sk_signin s;
	int64_t retry;
	int has_mfa;
	wk_event ev;
	int i = 0;

	(void)state;
	assert_non_null(l);
	test_add_user(t, "alice", SK_ROLE_USER, PW);
	sk_signin_start(t->ctx, &s, "192.0.2.7");
	assert_int_equal(sk_signin_password(t->ctx, &s, "alice", "nope", 4, &retry), SK_ERR_AUTH);
	sk_signin_start(t->ctx, &s, "203.0.113.5");
	assert_int_equal(sk_signin_password(t->ctx, &s, "mallory", "nope", 4, &retry), SK_ERR_AUTH);
	sk_signin_start(t->ctx, &s, "2001:db8::7");
	assert_int_equal(sk_signin_second_factor_start(t->ctx, &s, "alice", "2001:db8::7", "pam:sshd",
						       &has_mfa),
			 SK_OK);
	assert_int_equal(sk_signin_second_factor_none(t->ctx, &s), SK_OK);
	assert_int_equal(sk_audit_session(t->ctx, "alice", "sshd", "2001:db8::7", "pts/0", 1), SK_OK);
	assert_int_equal(sk_audit_session(t->ctx, "alice", "sshd", "2001:db8::7", "pts/0", 0), SK_OK);
	assert_int_equal(sk_account_set_disabled(t->ctx, &admin, "alice", 1), SK_OK);
	sk_signin_start(t->ctx, &s, "192.0.2.8");
	assert_int_equal(sk_signin_password(t->ctx, &s, "alice", PW, strlen(PW), &retry),
			 SK_ERR_DISABLED);
	assert_int_equal(sk_audit(t->ctx, "sekishod", "forward_auth.check", "alice", "192.0.2.7", "ok",
				  "GET https://app.example/"),
			 SK_OK);
	assert_int_equal(sk_audit(t->ctx, "alice", "signin.ok", "alice", "192.0.2.9", "ok",
				  "a \"quoted\"\ndetail"),
			 SK_OK);
	assert_int_equal(sk_audit(t->ctx, "x", "signin.password", "x", "evil\"addr", "fail", NULL),
			 SK_OK);
	assert_int_equal(sk_audit_list(t->ctx, 0, collect, l), SK_OK);

	/* Skip what test_add_user wrote (user.create). */
	while (i < l->count && strstr(l->text[i], "\"action\":\"user.create\"") != NULL)
		i++;
	assert_int_equal(parse1(l->text[i++], &ev), 1); /* wrong password */
	assert_int_equal(ev.kind, WK_AUTH_FAIL);
	str_is(ev.user, "alice", "user");
	str_is(ev.src, "192.0.2.7", "src");
	str_is(ev.url, "signin.password", "url");
	assert_int_equal(ev.ts, t->now);
	assert_int_equal(parse1(l->text[i++], &ev), 1); /* unknown user */
	assert_int_equal(ev.kind, WK_AUTH_INVALID_USER);
	str_is(ev.user, "mallory", "user");
	str_is(ev.src, "203.0.113.5", "src");
	assert_int_equal(parse1(l->text[i++], &ev), 1); /* signin.external ok: the first factor only */
	assert_int_equal(ev.kind, WK_NONE);
	str_is(ev.url, "signin.external", "url");
	assert_int_equal(parse1(l->text[i++], &ev), 1); /* signin.ok */
	assert_int_equal(ev.kind, WK_AUTH_OK);
	str_is(ev.src, "2001:db8::7", "src");
	str_is(ev.method, "external first factor, no second factor enrolled", "method");
	assert_int_equal(parse1(l->text[i++], &ev), 1); /* session.open */
	assert_int_equal(ev.kind, WK_AUTH_OK);
	str_is(ev.user, "alice", "user");
	str_is(ev.src, "2001:db8::7", "src");
	str_is(ev.method, "sshd", "method");
	assert_int_equal(parse1(l->text[i++], &ev), 1); /* session.close */
	assert_int_equal(ev.kind, WK_SESSION_END);
	str_is(ev.method, "sshd", "method");
	assert_int_equal(parse1(l->text[i++], &ev), 1); /* user.disable */
	assert_int_equal(ev.kind, WK_ACCOUNT);
	str_is(ev.url, "user.disable", "url");
	str_is(ev.user, "alice", "user");
	str_is(ev.src, "local", "src");
	/* The right password on a disabled account: signin.password denied. */
	while (i < l->count && strstr(l->text[i], "\"result\":\"denied\"") == NULL)
		i++;
	assert_true(i < l->count);
	assert_int_equal(parse1(l->text[i++], &ev), 1);
	assert_int_equal(ev.kind, WK_AUTH_FAIL);
	str_is(ev.result, "denied", "result");
	str_is(ev.src, "192.0.2.8", "src");
	assert_int_equal(parse1(l->text[i++], &ev), 1); /* forward_auth.check */
	assert_int_equal(ev.kind, WK_NONE);
	str_is(ev.url, "forward_auth.check", "url");
	assert_int_equal(parse1(l->text[i++], &ev), 1); /* escapes in detail: fine, not used */
	assert_int_equal(ev.kind, WK_AUTH_OK);
	str_is(ev.src, "192.0.2.9", "src");
	str_is(ev.method, "", "method (escaped detail)");
	assert_int_equal(parse1(l->text[i++], &ev), 0); /* an escape in addr: refused */
	assert_int_equal(i, l->count);
	free(l);
	test_env_free(t);
}

struct want {
	const char *line;
	int ret;
	wk_kind kind;
	const char *user, *src, *url;
	int64_t ts;
};

static void
test_lines(void **state)
{
	static const struct want w[] = {
		/* whitespace, order and unknown keys do not matter; time when no ts */
		{" { \"action\" : \"signin.ok\" , \"target\":\"bob\", \"addr\":\"10.0.0.1\", \"result\":"
		 "\"ok\", \"new\": [1] } ",
		 0, WK_NONE, NULL, NULL, NULL, 0},
		{" { \"action\" : \"signin.ok\" , \"target\":\"bob\", \"addr\":\"10.0.0.1\", \"result\":"
		 "\"ok\", \"new\": 1.5e3, \"flag\": true, \"none\": null, \"x\": \"\\u00e9\" }\r",
		 1, WK_AUTH_OK, "bob", "10.0.0.1", "signin.ok", 0},
		{"{\"time\":\"2026-11-22T05:00:00+09:00\",\"action\":\"signin.locked\",\"target\":\"bob\","
		 "\"addr\":\"10.0.0.1\",\"result\":\"locked\"}",
		 1, WK_AUTH_FAIL, "bob", "10.0.0.1", "signin.locked", 1795291200},
		{"{\"ts\":-5,\"time\":\"2026-11-22T05:00:00Z\",\"action\":\"signin.fail\",\"target\":\"b\"}",
		 1, WK_AUTH_FAIL, "b", "", "signin.fail", -5},
		{"{\"action\":\"signin.mfa\",\"target\":\"b\",\"result\":\"fail\",\"detail\":\"code already "
		 "used\"}",
		 1, WK_AUTH_FAIL, "b", "", "signin.mfa", 0},
		{"{\"action\":\"password.verify\",\"target\":\"b\",\"addr\":\"1.2.3.4\",\"result\":\"fail\"}",
		 1, WK_AUTH_FAIL, "b", "1.2.3.4", "password.verify", 0},
		{"{\"action\":\"user.expire\",\"target\":\"b\",\"result\":\"ok\"}", 1, WK_ACCOUNT, "b", "",
		 "user.expire", 0},
		{"{\"action\":\"user.disable\",\"target\":\"b\",\"result\":\"pending\"}", 1, WK_NONE, "b", "",
		 "user.disable", 0},
		{"{\"action\":\"mfa.reset\",\"target\":\"b\",\"result\":\"ok\",\"detail\":\"\"}", 1, WK_ACCOUNT,
		 "b", "", "mfa.reset", 0},
		{"{\"action\":\"signout\",\"target\":\"b\",\"result\":\"ok\"}", 1, WK_NONE, "b", "", "signout",
		 0},
		/* refused */
		{"", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"[]", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":\"\"}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"target\":\"b\"}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":\"signin.ok\",\"action\":\"user.create\"}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":\"signin.ok\",\"act\\u0069on\":\"x\"}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":\"signin\\u002eok\"}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":\"signin.ok\",\"target\":\"a\\\"b\"}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":\"signin.ok\",\"detail\":{\"a\":1}}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":\"signin.ok\"} x", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":\"signin.ok\"}{}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":\"signin.ok\",}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":signin.ok}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":\"signin.ok\",\"ts\":\"1\"}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":\"signin.ok\",\"ts\":1.5}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":\"signin.ok\",\"ts\":01}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":\"signin.ok\",\"ts\":99999999999999999999}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":\"signin.ok\",\"time\":\"yesterday\"}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"q\":1,\"time\":\"\",\"action\":\"'\"}", 0, WK_NONE, NULL, NULL, NULL, 0}, /* fuzz */
		{"{\"action\":\"signin.ok\",\"time\":\"2026-11-22T05:00:00Zjunk\"}", 0, WK_NONE, NULL, NULL,
		 NULL, 0},
		{"{\"action\":\"signin.ok\",\"detail\":\"a\tb\"}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":\"signin.ok\",\"detail\":\"\\x\"}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":\"signin.ok\",\"detail\":\"\\u12\"}", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"{\"action\":\"signin.ok\"", 0, WK_NONE, NULL, NULL, NULL, 0},
		{"Nov 22 05:00:00 gw sekishod[1]: {\"action\":\"signin.ok\"}", 0, WK_NONE, NULL, NULL, NULL,
		 0},
	};
	wk_event ev;

	(void)state;
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		int r = parse1(w[i].line, &ev);
		if (r != w[i].ret)
			fail_msg("%s: returned %d, wanted %d", w[i].line, r, w[i].ret);
		if (r == 0)
			continue;
		if (ev.kind != w[i].kind)
			fail_msg("%s: kind %d, wanted %d", w[i].line, ev.kind, w[i].kind);
		str_is(ev.user, w[i].user, "user");
		str_is(ev.src, w[i].src, "src");
		str_is(ev.url, w[i].url, "url");
		assert_int_equal(ev.ts, w[i].ts);
	}
}

/* Every prefix of a real line is refused (no closing brace) and read in bounds. */
static void
test_truncated(void **state)
{
	const char *line =
		"{\"seq\":10,\"time\":\"2026-11-22T06:29:39Z\",\"ts\":1795328979,\"actor\":\"alice\","
		"\"action\":\"signin.ok\",\"target\":\"alice\",\"addr\":\"local\",\"result\":\"ok\","
		"\"detail\":\"with \\\"second\\\" factor \\u00e9\",\"hash\":\"736d2973dd9e0f83\"}";
	size_t n = strlen(line);
	wk_event ev;

	(void)state;
	for (size_t k = 0; k < n; k++)
		assert_int_equal(parse(line, k, &ev), 0);
	assert_int_equal(parse(line, n, &ev), 1);
	assert_int_equal(ev.kind, WK_AUTH_OK);
}

/* A 64 KiB detail, and 64 KiB of nothing but an open string. */
static void
test_long_lines(void **state)
{
	size_t big = 64 * 1024;
	char *line = malloc(big + 256);
	wk_event ev;
	int n;

	(void)state;
	assert_non_null(line);
	n = snprintf(line, 256, "{\"action\":\"signin.password\",\"target\":\"b\",\"result\":\"fail\","
				"\"detail\":\"");
	memset(line + n, 'x', big);
	n += (int)big;
	n += snprintf(line + n, 16, "\"}");
	assert_int_equal(parse(line, (size_t)n, &ev), 1);
	assert_int_equal(ev.kind, WK_AUTH_FAIL);
	memset(line, '\\', big);
	line[0] = '{';
	line[1] = '"';
	assert_int_equal(parse(line, big, &ev), 0);
	free(line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_export),
		cmocka_unit_test(test_library_events),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_long_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
