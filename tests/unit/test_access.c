/*
 * tests/unit/test_access.c - forward-auth rules (lib/access.c): parsing with
 * messages that name the problem, first-match decisions, networks, step-up,
 * and redirect targets that can never leave the configured domains.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sekisho/sekisho.h"
#include "sekisho/access.h"

#define NOW 1700000000

static void
set(sk_access_rules *rs, const char *rule, const char *key, const char *value)
{
	char err[256];

	if (sk_access_rule_set(rs, rule, key, value, err, sizeof(err)) != SK_OK) {
		print_error("%s %s=%s: %s\n", rule, key, value, err);
		fail();
	}
}

static void
expect_bad(const char *key, const char *value, const char *needle)
{
	sk_access_rules rs;
	char err[256] = "";

	sk_access_rules_init(&rs);
	assert_int_equal(sk_access_rule_set(&rs, "r", key, value, err, sizeof(err)),
			 SK_ERR_INVALID);
	if (strstr(err, needle) == NULL) {
		print_error("expected '%s' in '%s'\n", needle, err);
		fail();
	}
}

static sk_access_result
decide(const sk_access_rules *rs, const char *host, const char *path, const char *addr,
       const char *user, sk_role role, int64_t mfa_at, int *idx)
{
	sk_access_request req = {host, path, addr};
	sk_access_subject who = {user != NULL, user, role, mfa_at, NOW};

	return sk_access_decide(rs, &req, &who, idx);
}

static void
test_parse_errors(void **state)
{
	(void)state;
	expect_bad("policy", "maybe", "not one of bypass, one_factor, two_factor, deny");
	expect_bad("host", "*example.com", "host names or *.domain");
	expect_bad("host", "a.*.example.com", "host names or *.domain");
	expect_bad("path", "admin", "starting with '/'");
	expect_bad("path", "/a/*/b", "starting with '/'");
	expect_bad("path", "/a,,/b", "starting with '/'");
	expect_bad("roles", "root", "user, auditor or admin");
	expect_bad("networks", "10.1.2.3/8", "host bits zero");
	expect_bad("networks", "10.0.0.0/33", "10.0.0.0/8");
	expect_bad("networks", "example.com", "10.0.0.0/8");
	expect_bad("mfa_within", "15 minutes", "duration such as 15m");
	expect_bad("mfa_within", "31d", "at most 30d");
	expect_bad("colour", "red", "unknown key 'colour'");
	expect_bad("host", "a,b,c,d,e,f,g,h,i", "at most 8");
}

static void
test_check(void **state)
{
	sk_access_rules rs;
	char err[256];

	(void)state;
	sk_access_rules_init(&rs);
	set(&rs, "wiki", "host", "wiki.example.com");
	assert_int_equal(sk_access_rules_check(&rs, err, sizeof(err)), SK_ERR_INVALID);
	assert_non_null(strstr(err, "[rule wiki] has no policy"));
	set(&rs, "wiki", "policy", "bypass");
	set(&rs, "wiki", "users", "alice");
	assert_int_equal(sk_access_rules_check(&rs, err, sizeof(err)), SK_ERR_INVALID);
	assert_non_null(strstr(err, "users and roles need policy"));
	set(&rs, "wiki", "policy", "one_factor");
	set(&rs, "wiki", "mfa_within", "5m");
	assert_int_equal(sk_access_rules_check(&rs, err, sizeof(err)), SK_ERR_INVALID);
	assert_non_null(strstr(err, "mfa_within needs policy two_factor"));
	set(&rs, "wiki", "policy", "two_factor");
	assert_int_equal(sk_access_rules_check(&rs, err, sizeof(err)), SK_OK);
}

static void
test_first_match_wins(void **state)
{
	sk_access_rules rs;
	int idx;

	(void)state;
	sk_access_rules_init(&rs);
	set(&rs, "health", "host", "app.example.com");
	set(&rs, "health", "path", "/healthz");
	set(&rs, "health", "policy", "bypass");
	set(&rs, "admin", "host", "app.example.com, *.app.example.com");
	set(&rs, "admin", "path", "/admin/*");
	set(&rs, "admin", "policy", "two_factor");
	set(&rs, "admin", "roles", "admin");
	set(&rs, "app", "host", "*.example.com, example.com");
	set(&rs, "app", "policy", "one_factor");

	/* Bypass: nobody signed in, exact path only. */
	assert_int_equal(decide(&rs, "app.example.com", "/healthz", "", NULL, 0, 0, &idx),
			 SK_ACCESS_ALLOW);
	assert_int_equal(idx, 0);
	assert_int_equal(decide(&rs, "app.example.com", "/healthz/x", "", NULL, 0, 0, &idx),
			 SK_ACCESS_LOGIN);
	assert_int_equal(idx, 2);
	/* Host without case and port; a subdomain pattern does not match the domain. */
	assert_int_equal(decide(&rs, "APP.example.com:8443", "/admin/users", "", "root",
				SK_ROLE_ADMIN, NOW - 10, &idx), SK_ACCESS_ALLOW);
	assert_int_equal(idx, 1);
	assert_int_equal(decide(&rs, "x.app.example.com", "/admin/", "", "bob", SK_ROLE_USER,
				NOW, &idx), SK_ACCESS_FORBIDDEN);
	assert_int_equal(decide(&rs, "app.example.com", "/admin/", "", NULL, 0, 0, &idx),
			 SK_ACCESS_LOGIN);
	/* two_factor refuses a one-factor session: step up, not 403. */
	assert_int_equal(decide(&rs, "app.example.com", "/admin/x", "", "root", SK_ROLE_ADMIN, 0,
				&idx), SK_ACCESS_STEP_UP);
	/* "/admin" itself is not under the "/admin/" prefix: the app rule. */
	assert_int_equal(decide(&rs, "app.example.com", "/admin", "", "bob", SK_ROLE_USER, 0,
				&idx), SK_ACCESS_ALLOW);
	assert_int_equal(idx, 2);
	assert_int_equal(decide(&rs, "example.com", "/", "", "bob", SK_ROLE_USER, 0, &idx),
			 SK_ACCESS_ALLOW);
	/* No rule: default deny; "evilexample.com" is not a subdomain. */
	assert_int_equal(decide(&rs, "evilexample.com", "/", "", "bob", SK_ROLE_USER, NOW, &idx),
			 SK_ACCESS_FORBIDDEN);
	assert_int_equal(idx, -1);
	rs.default_policy = SK_POLICY_ONE_FACTOR;
	assert_int_equal(decide(&rs, "other.test", "/", "", NULL, 0, 0, &idx), SK_ACCESS_LOGIN);
}

static void
test_users_networks_step_up(void **state)
{
	sk_access_rules rs;
	int idx;

	(void)state;
	sk_access_rules_init(&rs);
	set(&rs, "ops", "host", "ops.example.com");
	set(&rs, "ops", "policy", "two_factor");
	set(&rs, "ops", "users", "alice, Bob");
	set(&rs, "ops", "networks", "10.0.0.0/8, 2001:db8::/32, 192.0.2.7");
	set(&rs, "ops", "mfa_within", "15m");

	assert_int_equal(decide(&rs, "ops.example.com", "/", "10.9.8.7", "bob", SK_ROLE_USER,
				NOW - 60, &idx), SK_ACCESS_ALLOW);
	assert_int_equal(decide(&rs, "ops.example.com", "/", "2001:db8::5", "alice", SK_ROLE_USER,
				NOW - 900, &idx), SK_ACCESS_ALLOW);
	/* Older than mfa_within: step up again (B11). */
	assert_int_equal(decide(&rs, "ops.example.com", "/", "10.0.0.1", "alice", SK_ROLE_USER,
				NOW - 901, &idx), SK_ACCESS_STEP_UP);
	/* Not listed: 403 even with a fresh second factor. */
	assert_int_equal(decide(&rs, "ops.example.com", "/", "10.0.0.1", "carol", SK_ROLE_ADMIN,
				NOW, &idx), SK_ACCESS_FORBIDDEN);
	/* Outside the networks: 403 before any sign-in is asked for. */
	assert_int_equal(decide(&rs, "ops.example.com", "/", "192.0.2.8", NULL, 0, 0, &idx),
			 SK_ACCESS_FORBIDDEN);
	assert_int_equal(decide(&rs, "ops.example.com", "/", "", NULL, 0, 0, &idx),
			 SK_ACCESS_FORBIDDEN);
	assert_int_equal(decide(&rs, "ops.example.com", "/", "192.0.2.7", NULL, 0, 0, &idx),
			 SK_ACCESS_LOGIN);
	/* An IPv4-mapped client address is the IPv4 address. */
	assert_int_equal(decide(&rs, "ops.example.com", "/", "::ffff:10.1.1.1", "bob",
				SK_ROLE_USER, NOW, &idx), SK_ACCESS_ALLOW);
}

static void
test_duration(void **state)
{
	unsigned v;

	(void)state;
	assert_int_equal(sk_duration_parse("90", &v), 0);
	assert_int_equal(v, 90);
	assert_int_equal(sk_duration_parse("15m", &v), 0);
	assert_int_equal(v, 900);
	assert_int_equal(sk_duration_parse("30d", &v), 0);
	assert_int_equal(v, 30u * 86400);
	assert_int_equal(sk_duration_parse("31d", &v), -1);
	assert_int_equal(sk_duration_parse("213503982334602d", &v), -1);
	assert_int_equal(sk_duration_parse("5mm", &v), -1);
	assert_int_equal(sk_duration_parse("-5", &v), -1);
	assert_int_equal(sk_duration_parse("", &v), -1);
}

static void
test_cidr(void **state)
{
	sk_cidr n;

	(void)state;
	assert_int_equal(sk_cidr_parse("0.0.0.0/0", &n), SK_OK);
	assert_true(sk_cidr_match(&n, "203.0.113.1"));
	assert_false(sk_cidr_match(&n, "2001:db8::1")); /* IPv4 /0 is IPv4 only */
	assert_int_equal(sk_cidr_parse("::/0", &n), SK_OK);
	assert_true(sk_cidr_match(&n, "2001:db8::1"));
	assert_int_equal(sk_cidr_parse("172.16.0.0/12", &n), SK_OK);
	assert_true(sk_cidr_match(&n, "172.31.255.255"));
	assert_false(sk_cidr_match(&n, "172.32.0.0"));
	assert_false(sk_cidr_match(&n, "not an address"));
	assert_false(sk_cidr_match(&n, NULL));
	assert_int_equal(sk_cidr_parse("", &n), SK_ERR_INVALID);
	assert_int_equal(sk_cidr_parse("10.0.0.0/", &n), SK_ERR_INVALID);
	assert_int_equal(sk_cidr_parse("10.0.0.0/1x", &n), SK_ERR_INVALID);
	assert_int_equal(sk_cidr_parse("fe80::1/129", &n), SK_ERR_INVALID);
}

/* What sekishod and sekisho-watch's webhook call "only this machine". */
static void
test_addr_loopback(void **state)
{
	(void)state;
	assert_true(sk_addr_loopback("127.0.0.1"));
	assert_true(sk_addr_loopback("127.9.8.7"));
	assert_true(sk_addr_loopback("::1"));
	assert_true(sk_addr_loopback("[::1]"));
	assert_true(sk_addr_loopback("::ffff:127.0.0.1"));
	assert_true(sk_addr_loopback("LocalHost"));
	assert_false(sk_addr_loopback("0.0.0.0"));
	assert_false(sk_addr_loopback("::"));
	assert_false(sk_addr_loopback("128.0.0.1"));
	assert_false(sk_addr_loopback("::2"));
	assert_false(sk_addr_loopback("::ffff:10.0.0.1"));
	assert_false(sk_addr_loopback("localhost.evil.test"));
	assert_false(sk_addr_loopback("[::1"));
	assert_false(sk_addr_loopback(""));
	assert_false(sk_addr_loopback(NULL));
}

static void
test_redirect(void **state)
{
	static const char domains[2][256] = {"example.com", "corp.test"};

	(void)state;
	/* Local paths. */
	assert_true(sk_redirect_allowed("/account", domains, 2));
	assert_false(sk_redirect_allowed("//evil.test/", domains, 2));
	assert_false(sk_redirect_allowed("/\\evil.test", domains, 2));
	/* Configured domains and their subdomains, http or https. */
	assert_true(sk_redirect_allowed("https://example.com/", domains, 2));
	assert_true(sk_redirect_allowed("https://wiki.example.com:8443/a?b=c#d", domains, 2));
	assert_true(sk_redirect_allowed("http://app.corp.test", domains, 2));
	assert_true(sk_redirect_allowed("HTTPS://WIKI.EXAMPLE.COM/", domains, 2));
	/* Everything else. */
	assert_false(sk_redirect_allowed("https://evilexample.com/", domains, 2));
	assert_false(sk_redirect_allowed("https://example.com.evil.test/", domains, 2));
	assert_false(sk_redirect_allowed("https://wiki.example.com@evil.test/", domains, 2));
	assert_false(sk_redirect_allowed("https://evil.test%2F.example.com/", domains, 2));
	assert_false(sk_redirect_allowed("https://evil.test\\.example.com/", domains, 2));
	assert_false(sk_redirect_allowed("javascript:alert(1)//example.com", domains, 2));
	assert_false(sk_redirect_allowed("ftp://example.com/", domains, 2));
	assert_false(sk_redirect_allowed("https:///example.com", domains, 2));
	assert_false(sk_redirect_allowed("https://exa mple.com/", domains, 2));
	assert_false(sk_redirect_allowed("https://example.com/\r\nSet-Cookie:x", domains, 2));
	assert_false(sk_redirect_allowed("", domains, 2));
	assert_false(sk_redirect_allowed(NULL, domains, 2));
	assert_false(sk_redirect_allowed("https://example.com/", domains, 0));
}

static void
test_host_in_domain(void **state)
{
	(void)state;
	assert_true(sk_host_in_domain("example.com", 11, "example.com"));
	assert_true(sk_host_in_domain("a.b.example.com:80", 18, "example.com"));
	assert_true(sk_host_in_domain("example.com.", 12, "example.com"));
	assert_false(sk_host_in_domain("xexample.com", 12, "example.com"));
	assert_false(sk_host_in_domain("example.co", 10, "example.com"));
	assert_false(sk_host_in_domain("example.com", 11, ""));
}

static void
expect_norm(const char *in, const char *want)
{
	char out[256];

	if (want == NULL) {
		assert_int_not_equal(sk_access_normalize_path(in, out, sizeof(out)), SK_OK);
		return;
	}
	assert_int_equal(sk_access_normalize_path(in, out, sizeof(out)), SK_OK);
	if (strcmp(out, want) != 0) {
		print_error("'%s' -> '%s', want '%s'\n", in, out, want);
		fail();
	}
}

static void
test_normalize(void **state)
{
	(void)state;
	expect_norm("/", "/");
	expect_norm("/a/b", "/a/b");
	expect_norm("/a/b/", "/a/b/");
	expect_norm("//admin//users", "/admin/users");
	expect_norm("/public/../admin/users", "/admin/users");
	expect_norm("/public/%2e%2e/admin", "/admin");
	expect_norm("/public/..%2Fadmin", "/admin");
	expect_norm("/public/..%5cadmin", "/admin");
	expect_norm("/public\\..\\admin", "/admin");
	expect_norm("/%66orbidden/x", "/forbidden/x");
	expect_norm("/a/./b/.", "/a/b/");
	expect_norm("/../../etc/passwd", "/etc/passwd");
	expect_norm("/a/..", "/");
	expect_norm("/a%2", "/a%2");
	expect_norm("/100%25", "/100%");
	expect_norm("/a%00b", NULL);
	expect_norm("/a\x01", NULL);
	expect_norm("relative", NULL);
}

/* The rules meet the normalised request: no way around a deny or a bypass. */
static void
test_no_traversal_bypass(void **state)
{
	sk_access_rules rs;
	int idx;

	(void)state;
	sk_access_rules_init(&rs);
	set(&rs, "open", "host", "app.example.com");
	set(&rs, "open", "path", "/public/*");
	set(&rs, "open", "policy", "bypass");
	set(&rs, "hidden", "host", "app.example.com");
	set(&rs, "hidden", "path", "/forbidden*");
	set(&rs, "hidden", "policy", "deny");
	set(&rs, "app", "host", "*.example.com");
	set(&rs, "app", "policy", "one_factor");
	assert_int_equal(decide(&rs, "app.example.com", "/public/../admin/users", "", NULL, 0, 0, &idx),
			 SK_ACCESS_LOGIN);
	assert_int_equal(decide(&rs, "app.example.com", "/public/%2e%2e/admin", "", NULL, 0, 0, &idx),
			 SK_ACCESS_LOGIN);
	assert_int_equal(decide(&rs, "app.example.com", "//forbidden/x", "", "bob", SK_ROLE_USER, 0,
				&idx), SK_ACCESS_FORBIDDEN);
	assert_int_equal(decide(&rs, "app.example.com", "/%66orbidden/x", "", "bob", SK_ROLE_USER, 0,
				&idx), SK_ACCESS_FORBIDDEN);
	assert_int_equal(decide(&rs, "app.example.com", "/public/../forbidden/x", "", "bob",
				SK_ROLE_USER, 0, &idx), SK_ACCESS_FORBIDDEN);
	/* A trailing dot or upper case does not leave the host's rules. */
	assert_int_equal(decide(&rs, "APP.example.com.", "/forbidden", "", "bob", SK_ROLE_USER, 0,
				&idx), SK_ACCESS_FORBIDDEN);
	assert_int_equal(decide(&rs, "app.example.com", "/public/a%00", "", NULL, 0, 0, &idx),
			 SK_ACCESS_FORBIDDEN);
	assert_int_equal(decide(&rs, "app.example.com", "/public/logo.png", "", NULL, 0, 0, &idx),
			 SK_ACCESS_ALLOW);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_first_match_wins),
		cmocka_unit_test(test_users_networks_step_up),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_addr_loopback),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_redirect),
		cmocka_unit_test(test_host_in_domain),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_no_traversal_bypass),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
