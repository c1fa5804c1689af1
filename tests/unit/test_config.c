/*
 * tests/unit/test_config.c - defaults, range checks and the INI loader
 * (DESIGN.md decision 10, docs/configuration.md).
 *
 * Every rejection asserts that the message names the INI key a person has
 * to edit, and every loader error that it carries the right line.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "sekisho/config.h"
#include "sekisho/error.h"
#include "sekisho/otp.h"
#include "sekisho/policy.h"

#define MiB ((size_t)1024 * 1024)

/* ---- helpers --------------------------------------------------------- */

static void
assert_contains(const char *haystack, const char *needle, int line)
{
	if (strstr(haystack, needle) == NULL) {
		print_error("line %d: expected \"%s\" in \"%s\"\n", line, needle,
			    haystack);
		fail();
	}
}
#define ASSERT_CONTAINS(h, n) assert_contains((h), (n), __LINE__)

static void
expect_reject(const sk_config *c, const char *needle, int line)
{
	char err[512];
	int r;

	memset(err, 'x', sizeof(err));
	r = sk_config_check(c, err, sizeof(err));
	if (r != SK_ERR_CONFIG) {
		print_error("line %d: expected SK_ERR_CONFIG naming %s, got %d\n",
			    line, needle, r);
		fail();
	}
	assert_non_null(memchr(err, '\0', sizeof(err)));
	assert_contains(err, needle, line);
}

static void
expect_accept(const sk_config *c, int line)
{
	char err[512] = "";
	int r = sk_config_check(c, err, sizeof(err));

	if (r != SK_OK) {
		print_error("line %d: expected SK_OK, got %d: %s\n", line, r, err);
		fail();
	}
}

/* Applies stmt to a fresh default configuration `c` and expects a rejection. */
#define REJECT(stmt, needle)                                   \
	do {                                                   \
		sk_config c;                                   \
		sk_config_default(&c);                         \
		stmt;                                          \
		expect_reject(&c, (needle), __LINE__);         \
	} while (0)

#define ACCEPT(stmt)                                           \
	do {                                                   \
		sk_config c;                                   \
		sk_config_default(&c);                         \
		stmt;                                          \
		expect_accept(&c, __LINE__);                   \
	} while (0)

/* Loads text over the defaults into *c. */
static int
load(sk_config *c, const char *text, char *err, size_t err_size)
{
	sk_config_default(c);
	return sk_config_load_string(c, text, "t.conf", err, err_size);
}

/* Expects text to load; returns the configuration. */
static sk_config
load_ok(const char *text, int line)
{
	sk_config c;
	char err[512] = "";
	int r = load(&c, text, err, sizeof(err));

	if (r != SK_OK) {
		print_error("line %d: expected SK_OK, got %d: %s\n", line, r, err);
		fail();
	}
	return c;
}
#define LOAD_OK(text) load_ok((text), __LINE__)

/* Expects text to fail with SK_ERR_CONFIG and a message containing needle. */
static void
load_fail(const char *text, const char *needle, int line)
{
	sk_config c, before;
	char err[512] = "";
	int r = load(&c, text, err, sizeof(err));

	if (r != SK_ERR_CONFIG) {
		print_error("line %d: expected SK_ERR_CONFIG, got %d (%s)\n", line, r,
			    err);
		fail();
	}
	assert_contains(err, needle, line);
	/* A failed load leaves the configuration as it was. */
	sk_config_default(&before);
	assert_memory_equal(&c, &before, sizeof(c));
}
#define LOAD_FAIL(text, needle) load_fail((text), (needle), __LINE__)

/* Writes text to a new temporary file; returns its malloc'd name. */
static char *
temp_file(const char *text, size_t len)
{
	char *name = strdup("/tmp/sekisho-test-config-XXXXXX");
	int fd;

	assert_non_null(name);
	fd = mkstemp(name);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	return name;
}

static void
remove_temp(char *name)
{
	unlink(name);
	free(name);
}

/* ---- defaults -------------------------------------------------------- */

static void
test_defaults(void **state)
{
	sk_config c;
	sk_policy aws;
	sk_otp_params otp;

	(void)state;
	memset(&c, 0xa5, sizeof(c));
	sk_config_default(&c);
	expect_accept(&c, __LINE__);

	assert_string_equal(c.db_path, "var/sekisho.db");
	assert_string_equal(c.key_path, "var/sekisho.key");
	assert_string_equal(c.audit_log_path, "");
	assert_int_equal(sk_policy_preset_init(&aws, SK_POLICY_AWS), SK_OK);
	assert_int_equal(c.policy.preset, SK_POLICY_AWS);
	assert_memory_equal(&c.policy, &aws, sizeof(aws));
	assert_int_equal(c.hash_opslimit, 2);
	assert_int_equal(c.hash_memlimit, 19 * MiB);
	assert_int_equal(c.initial_password_length, 16);
	assert_int_equal(c.mfa_required, SK_MFA_ALL);
	assert_int_equal(c.enroll_codes, 2);
	sk_otp_params_default(&otp);
	assert_memory_equal(&c.otp, &otp, sizeof(otp));
	assert_int_equal(c.otp.alg, SK_OTP_SHA1);
	assert_int_equal(c.otp.digits, 6);
	assert_int_equal(c.otp.period, 30);
	assert_int_equal(c.otp.window, 1);
	assert_string_equal(c.issuer, "Sekisho");
	assert_int_equal(c.recovery_codes, 10);
	assert_int_equal(c.signin_timeout, 600);
	assert_int_equal(c.per_address.threshold, 3);
	assert_int_equal(c.per_address.base_seconds, 60);
	assert_int_equal(c.per_address.max_seconds, 900);
	assert_int_equal(c.per_account.threshold, 10);
	assert_int_equal(c.per_account.base_seconds, 300);
	assert_int_equal(c.per_account.max_seconds, 3600);
	assert_int_equal(c.hard_limit, 100);
	assert_int_equal(c.approval_actions, SK_APPROVE_ALL);
	assert_int_equal(c.approval_ttl, 86400);
	assert_int_equal(c.stale_days, 90);

	/* NULL is harmless; check tolerates a missing or tiny error buffer. */
	sk_config_default(NULL);
	assert_int_equal(sk_config_check(NULL, NULL, 0), SK_ERR_CONFIG);
	c.hard_limit = 0;
	assert_int_equal(sk_config_check(&c, NULL, 0), SK_ERR_CONFIG);
	{
		char tiny[4];
		assert_int_equal(sk_config_check(&c, tiny, sizeof(tiny)), SK_ERR_CONFIG);
		assert_string_equal(tiny, "[lo");
	}
}

/* ---- sk_config_check, one rule at a time ----------------------------- */

static void
test_check_storage(void **state)
{
	(void)state;
	REJECT(c.db_path[0] = '\0', "[storage] database");
	REJECT(c.key_path[0] = '\0', "[storage] key_file");
	REJECT(memset(c.db_path, 'a', sizeof(c.db_path)), "[storage] database");
	REJECT(memset(c.audit_log_path, 'a', sizeof(c.audit_log_path)),
	       "[storage] audit_log");
	ACCEPT(strcpy(c.audit_log_path, "/var/log/sekisho/audit.jsonl"));
}

static void
test_check_password(void **state)
{
	(void)state;
	REJECT(c.hash_opslimit = 0, "[password] argon2_passes");
	REJECT(c.hash_opslimit = 11, "[password] argon2_passes");
	ACCEPT(c.hash_opslimit = 1);
	ACCEPT(c.hash_opslimit = 10);
	REJECT(c.hash_memlimit = 8 * MiB - 1, "[password] argon2_memory");
	REJECT(c.hash_memlimit = 1024 * MiB + 1, "[password] argon2_memory");
	ACCEPT(c.hash_memlimit = 8 * MiB);
	ACCEPT(c.hash_memlimit = 1024 * MiB);

	REJECT(c.policy.preset = (sk_policy_preset)7, "[password] policy");
	REJECT(c.policy.min_length = 7, "[password] min_length");
	REJECT(c.policy.min_classes = 5, "[password] policy");
	/* A preset's minimum may be raised, never lowered. */
	REJECT((void)sk_policy_preset_init(&c.policy, SK_POLICY_STRONG);
	       c.policy.min_length = 11, "[password] min_length must be at least 12");
	ACCEPT((void)sk_policy_preset_init(&c.policy, SK_POLICY_STRONG);
	       c.policy.min_length = 13);
	REJECT(c.policy.max_length = 129, "[password] maximum password length");
	REJECT(c.policy.min_length = 64; c.policy.max_length = 32,
	       "[password] min_length");
	REJECT(c.policy.min_length = 129, "[password] min_length");
	ACCEPT(c.policy.min_length = 128; c.initial_password_length = 128);
	REJECT(c.policy.min_guesses_log10 = -0.5, "[password] min_strength");
	REJECT(c.policy.min_guesses_log10 = 20.5, "[password] min_strength");
	REJECT(c.policy.min_guesses_log10 = NAN, "[password] min_strength");
	ACCEPT(c.policy.min_guesses_log10 = 0);
	ACCEPT(c.policy.min_guesses_log10 = 20);

	REJECT(c.initial_password_length = 11, "[password] initial_password_length");
	ACCEPT(c.initial_password_length = 12);
	REJECT(c.initial_password_length = 129, "[password] initial_password_length");
	/* Must also satisfy the policy's own minimum. */
	REJECT(c.policy.min_length = 20, "[password] initial_password_length");
	ACCEPT(c.policy.min_length = 20; c.initial_password_length = 20);
}

static void
test_check_mfa(void **state)
{
	(void)state;
	REJECT(c.mfa_required = (sk_mfa_required)3, "[mfa] required");
	ACCEPT(c.mfa_required = SK_MFA_ADMINS);
	ACCEPT(c.mfa_required = SK_MFA_OPTIONAL);
	REJECT(c.enroll_codes = 0, "[mfa] enroll_codes");
	REJECT(c.enroll_codes = 3, "[mfa] enroll_codes");
	ACCEPT(c.enroll_codes = 1);
	REJECT(c.otp.alg = (sk_otp_alg)3, "[mfa] algorithm");
	ACCEPT(c.otp.alg = SK_OTP_SHA512);
	REJECT(c.otp.digits = 5, "[mfa] digits");
	REJECT(c.otp.digits = 9, "[mfa] digits");
	ACCEPT(c.otp.digits = 8);
	REJECT(c.otp.period = 0, "[mfa] period");
	REJECT(c.otp.period = 301, "[mfa] period");
	ACCEPT(c.otp.period = 300);
	REJECT(c.otp.window = 11, "[mfa] window");
	ACCEPT(c.otp.window = 0);
	REJECT(c.recovery_codes = 4, "[mfa] recovery_codes");
	REJECT(c.recovery_codes = 21, "[mfa] recovery_codes");
	ACCEPT(c.recovery_codes = 5);
	ACCEPT(c.recovery_codes = 20);
	REJECT(c.signin_timeout = 59, "[mfa] signin_timeout");
	REJECT(c.signin_timeout = 3601, "[mfa] signin_timeout");
	ACCEPT(c.signin_timeout = 60);
}

static void
test_check_issuer(void **state)
{
	(void)state;
	REJECT(c.issuer[0] = '\0', "[mfa] issuer");
	REJECT(strcpy(c.issuer, "Example:Corp"), "[mfa] issuer must not contain ':'");
	REJECT(strcpy(c.issuer, "Example\nCorp"), "[mfa] issuer");
	REJECT(strcpy(c.issuer, "Tab\there"), "[mfa] issuer");
	REJECT(strcpy(c.issuer, "del\x7f"), "[mfa] issuer");
	REJECT(strcpy(c.issuer, "bad \xc3"), "[mfa] issuer");           /* truncated */
	REJECT(strcpy(c.issuer, "\xc0\xaf"), "[mfa] issuer");           /* overlong */
	REJECT(strcpy(c.issuer, "\xed\xa0\x80"), "[mfa] issuer");       /* surrogate */
	REJECT(strcpy(c.issuer, "\xf4\x90\x80\x80"), "[mfa] issuer");   /* > U+10FFFF */
	REJECT(strcpy(c.issuer, "c1 \xc2\x85"), "[mfa] issuer");        /* NEL */
	REJECT(strcpy(c.issuer, "\xff"), "[mfa] issuer");
	REJECT(memset(c.issuer, 'a', sizeof(c.issuer)), "[mfa] issuer");
	ACCEPT(strcpy(c.issuer, "\xe9\x96\xa2\xe6\x89\x80 Example & Co."));  /* 関所 */
	ACCEPT(strcpy(c.issuer, "\xf0\x9f\x94\x91 key"));               /* 4-byte */
	ACCEPT(memset(c.issuer, 'a', sizeof(c.issuer) - 1);
	       c.issuer[sizeof(c.issuer) - 1] = '\0');
}

static void
test_check_lockout(void **state)
{
	char err[512];
	sk_config d;

	(void)state;
	REJECT(c.hard_limit = 0, "[lockout] hard_limit");
	REJECT(c.hard_limit = 101, "[lockout] hard_limit");
	sk_config_default(&d);
	d.hard_limit = 101;
	assert_int_equal(sk_config_check(&d, err, sizeof(err)), SK_ERR_CONFIG);
	assert_string_equal(err, "[lockout] hard_limit must be between 1 and 100 "
			    "(NIST SP 800-63B)");
	ACCEPT(c.hard_limit = 10);

	/* The per-address throttle must bite first (DESIGN 4). */
	REJECT(c.per_address.threshold = 11, "[lockout] address_threshold");
	ACCEPT(c.per_address.threshold = 10);
	ACCEPT(c.per_address.threshold = 0);
	ACCEPT(c.per_account.threshold = 0);
	ACCEPT(c.per_account.threshold = 0; c.per_address.threshold = 50;
	       c.per_source.threshold = 50);
	/* The source scope must not bite before the (account, address) throttle. */
	REJECT(c.per_source.threshold = 2, "[lockout] source_threshold must be at least");
	ACCEPT(c.per_source.threshold = 0);
	ACCEPT(c.per_source.threshold = 100000);
	REJECT(c.per_source.threshold = 100001, "[lockout] source_threshold must not exceed");
	REJECT(c.source_window = 59, "[lockout] source_window");
	REJECT(c.per_source.base_seconds = 3601, "[lockout] source_lock must not");
	ACCEPT(c.per_account.threshold = 0; c.per_address.threshold = 0);
	REJECT(c.per_account.threshold = 0; c.per_address.threshold = 101,
	       "[lockout] address_threshold");
	REJECT(c.per_account.threshold = 0; c.per_address.threshold = 30;
	       c.hard_limit = 20, "[lockout] address_threshold");

	REJECT(c.per_account.threshold = 50; c.hard_limit = 20,
	       "[lockout] account_threshold");
	ACCEPT(c.per_account.threshold = 20; c.hard_limit = 20);

	REJECT(c.per_address.base_seconds = 901, "[lockout] address_lock must not");
	REJECT(c.per_address.max_seconds = 86401, "[lockout] address_lock_max");
	REJECT(c.per_account.base_seconds = 3601, "[lockout] account_lock must not");
	REJECT(c.per_account.max_seconds = 86401, "[lockout] account_lock_max");
	ACCEPT(c.per_account.max_seconds = 86400);
	REJECT(c.per_address.base_seconds = 0, "[lockout] address_lock");
	REJECT(c.per_account.base_seconds = 0, "[lockout] account_lock");
	ACCEPT(c.per_account.threshold = 0; c.per_account.base_seconds = 0;
	       c.per_account.max_seconds = 0);
}

static void
test_check_approval_inventory(void **state)
{
	(void)state;
	REJECT(c.approval_actions = 0x10, "[approval] actions");
	ACCEPT(c.approval_actions = 0);
	ACCEPT(c.approval_actions = SK_APPROVE_GRANT_ADMIN);
	REJECT(c.approval_ttl = 59, "[approval] ttl");
	REJECT(c.approval_ttl = 30 * 86400 + 1, "[approval] ttl");
	ACCEPT(c.approval_ttl = 60);
	ACCEPT(c.approval_ttl = 30 * 86400);
	REJECT(c.stale_days = 0, "[inventory] stale_days");
	REJECT(c.stale_days = 3651, "[inventory] stale_days");
	ACCEPT(c.stale_days = 1);
	ACCEPT(c.stale_days = 3650);
}

/* ---- loading --------------------------------------------------------- */

static const char full_example[] =
	"; every key, none at its default\n"
	"[storage]\n"
	"database = /srv/sekisho/sekisho.db\n"
	"key_file = /srv/sekisho/sekisho.key\n"
	"audit_log = /var/log/sekisho/audit.jsonl\n"
	"\n"
	"[password]\n"
	"policy = strong\n"
	"min_length = 14\n"
	"min_strength = 9.5\n"
	"argon2_passes = 3\n"
	"argon2_memory = 64MiB\n"
	"initial_password_length = 20\n"
	"\n"
	"[mfa]\n"
	"required = admins\n"
	"enroll_codes = 1\n"
	"algorithm = sha256\n"
	"digits = 8\n"
	"period = 1m\n"
	"window = 2\n"
	"issuer = Example Corp\n"
	"recovery_codes = 12\n"
	"signin_timeout = 15m\n"
	"\n"
	"[lockout]\n"
	"address_threshold = 5\n"
	"address_lock = 2m\n"
	"address_lock_max = 1h\n"
	"account_threshold = 20\n"
	"account_lock = 600\n"
	"account_lock_max = 12h\n"
	"hard_limit = 50\n"
	"\n"
	"[approval]\n"
	"actions = grant_admin, unlock_admin\n"
	"ttl = 2d\n"
	"\n"
	"[inventory]\n"
	"stale_days = 30\n";

static void
check_full_example(const sk_config *c)
{
	assert_string_equal(c->db_path, "/srv/sekisho/sekisho.db");
	assert_string_equal(c->key_path, "/srv/sekisho/sekisho.key");
	assert_string_equal(c->audit_log_path, "/var/log/sekisho/audit.jsonl");
	assert_int_equal(c->policy.preset, SK_POLICY_STRONG);
	assert_int_equal(c->policy.min_length, 14);
	assert_int_equal(c->policy.max_length, 128);
	assert_true(c->policy.require_upper && c->policy.require_lower &&
		    c->policy.require_digit);
	assert_true(c->policy.min_guesses_log10 == 9.5);
	assert_int_equal(c->hash_opslimit, 3);
	assert_int_equal(c->hash_memlimit, 64 * MiB);
	assert_int_equal(c->initial_password_length, 20);
	assert_int_equal(c->mfa_required, SK_MFA_ADMINS);
	assert_int_equal(c->enroll_codes, 1);
	assert_int_equal(c->otp.alg, SK_OTP_SHA256);
	assert_int_equal(c->otp.digits, 8);
	assert_int_equal(c->otp.period, 60);
	assert_int_equal(c->otp.window, 2);
	assert_string_equal(c->issuer, "Example Corp");
	assert_int_equal(c->recovery_codes, 12);
	assert_int_equal(c->signin_timeout, 900);
	assert_int_equal(c->per_address.threshold, 5);
	assert_int_equal(c->per_address.base_seconds, 120);
	assert_int_equal(c->per_address.max_seconds, 3600);
	assert_int_equal(c->per_account.threshold, 20);
	assert_int_equal(c->per_account.base_seconds, 600);
	assert_int_equal(c->per_account.max_seconds, 43200);
	assert_int_equal(c->hard_limit, 50);
	assert_int_equal(c->approval_actions,
			 SK_APPROVE_GRANT_ADMIN | SK_APPROVE_UNLOCK_ADMIN);
	assert_int_equal(c->approval_ttl, 2 * 86400);
	assert_int_equal(c->stale_days, 30);
}

static void
test_load_full_file(void **state)
{
	char *name = temp_file(full_example, sizeof(full_example) - 1);
	char err[512] = "";
	sk_config c;

	(void)state;
	sk_config_default(&c);
	if (sk_config_load(&c, name, err, sizeof(err)) != SK_OK) {
		print_error("%s\n", err);
		fail();
	}
	check_full_example(&c);
	remove_temp(name);

	/* The same text from memory gives the same result. */
	c = LOAD_OK(full_example);
	check_full_example(&c);
}

/* The shipped example must load and equal the documented defaults. */
static void
test_load_shipped_example(void **state)
{
	static const char *const paths[] = {
		"etc/sekisho.conf.example", "../etc/sekisho.conf.example",
		"../../etc/sekisho.conf.example",
	};
	sk_config c, d;
	char err[512] = "";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (access(paths[i], R_OK) == 0)
			break;
	if (i == sizeof(paths) / sizeof(paths[0]))
		skip();
	sk_config_default(&c);
	if (sk_config_load(&c, paths[i], err, sizeof(err)) != SK_OK) {
		print_error("%s\n", err);
		fail();
	}
	sk_config_default(&d);
	assert_memory_equal(&c, &d, sizeof(c));
}

static void
test_load_durations(void **state)
{
	sk_config c;

	(void)state;
	c = LOAD_OK("[mfa]\nsignin_timeout = 90\n");
	assert_int_equal(c.signin_timeout, 90);
	c = LOAD_OK("[mfa]\nsignin_timeout = 90s\n");
	assert_int_equal(c.signin_timeout, 90);
	c = LOAD_OK("[mfa]\nsignin_timeout = 15m\n");
	assert_int_equal(c.signin_timeout, 900);
	c = LOAD_OK("[mfa]\nsignin_timeout = 15 m\n");
	assert_int_equal(c.signin_timeout, 900);
	c = LOAD_OK("[mfa]\nsignin_timeout = 1h\n");
	assert_int_equal(c.signin_timeout, 3600);
	c = LOAD_OK("[approval]\nttl = 30d\n");
	assert_int_equal(c.approval_ttl, 30 * 86400);
	c = LOAD_OK("[mfa]\nperiod = 30s\n");
	assert_int_equal(c.otp.period, 30);
	c = LOAD_OK("[lockout]\naddress_lock = 0001m\naddress_lock_max = 1d\n"
		    "account_lock_max = 1d\naccount_lock = 24h\n");
	assert_int_equal(c.per_address.base_seconds, 60);
	assert_int_equal(c.per_address.max_seconds, 86400);
	assert_int_equal(c.per_account.base_seconds, 86400);

	LOAD_FAIL("[approval]\nttl = 31d\n", "t.conf: [approval] ttl must be between");
	LOAD_FAIL("[mfa]\nsignin_timeout = 15x\n", "t.conf:2: [mfa] signin_timeout must be a duration");
	LOAD_FAIL("[mfa]\nsignin_timeout = m\n", "[mfa] signin_timeout must be a duration");
	LOAD_FAIL("[mfa]\nsignin_timeout = 1.5h\n", "[mfa] signin_timeout must be a duration");
	LOAD_FAIL("[mfa]\nsignin_timeout = 15mm\n", "[mfa] signin_timeout must be a duration");
	LOAD_FAIL("[mfa]\nsignin_timeout = 15M\n", "[mfa] signin_timeout must be a duration");
	LOAD_FAIL("[mfa]\nsignin_timeout = -1m\n", "[mfa] signin_timeout must be a duration");
	LOAD_FAIL("[mfa]\nsignin_timeout = h\n", "[mfa] signin_timeout must be a duration");
	LOAD_FAIL("[approval]\nttl = 4294967296\n", "[approval] ttl: '4294967296' is too large");
	LOAD_FAIL("[approval]\nttl = 50000000d\n", "[approval] ttl: '50000000d' is too large");
	LOAD_FAIL("[approval]\nttl = 99999999999999999999s\n", "is too large");
}

static void
test_load_memory_units(void **state)
{
	sk_config c;

	(void)state;
	c = LOAD_OK("[password]\nargon2_memory = 19MiB\n");
	assert_int_equal(c.hash_memlimit, 19 * MiB);
	c = LOAD_OK("[password]\nargon2_memory = 19 MiB\n");
	assert_int_equal(c.hash_memlimit, 19 * MiB);
	c = LOAD_OK("[password]\nargon2_memory = 19mib\n");
	assert_int_equal(c.hash_memlimit, 19 * MiB);
	c = LOAD_OK("[password]\nargon2_memory = 65536KiB\n");
	assert_int_equal(c.hash_memlimit, 64 * MiB);
	c = LOAD_OK("[password]\nargon2_memory = 1GiB\n");
	assert_int_equal(c.hash_memlimit, 1024 * MiB);
	c = LOAD_OK("[password]\nargon2_memory = 8388608\n");
	assert_int_equal(c.hash_memlimit, 8 * MiB);

	LOAD_FAIL("[password]\nargon2_memory = 19MB\n", "[password] argon2_memory must be a size");
	LOAD_FAIL("[password]\nargon2_memory = 19M\n", "[password] argon2_memory must be a size");
	LOAD_FAIL("[password]\nargon2_memory = 0.5GiB\n", "[password] argon2_memory must be a size");
	LOAD_FAIL("[password]\nargon2_memory = MiB\n", "[password] argon2_memory must be a size");
	LOAD_FAIL("[password]\nargon2_memory = 2GiB\n", "t.conf: [password] argon2_memory must be between");
	LOAD_FAIL("[password]\nargon2_memory = 7MiB\n", "[password] argon2_memory must be between");
	LOAD_FAIL("[password]\nargon2_memory = 99999999999GiB\n", "is too large");
}

static void
test_load_other_values(void **state)
{
	sk_config c;

	(void)state;
	c = LOAD_OK("[password]\nmin_strength = 0\n");
	assert_true(c.policy.min_guesses_log10 == 0.0);
	c = LOAD_OK("[password]\nmin_strength = 10.25\n");
	assert_true(c.policy.min_guesses_log10 == 10.25);
	LOAD_FAIL("[password]\nmin_strength = 8.\n", "[password] min_strength must be a number");
	LOAD_FAIL("[password]\nmin_strength = .5\n", "[password] min_strength must be a number");
	LOAD_FAIL("[password]\nmin_strength = 1e1\n", "[password] min_strength must be a number");
	LOAD_FAIL("[password]\nmin_strength = nan\n", "[password] min_strength must be a number");
	LOAD_FAIL("[password]\nmin_strength = 21\n", "[password] min_strength must be between");

	c = LOAD_OK("[mfa]\nrequired = optional\nalgorithm = SHA512\n");
	assert_int_equal(c.mfa_required, SK_MFA_OPTIONAL);
	assert_int_equal(c.otp.alg, SK_OTP_SHA512);
	c = LOAD_OK("[mfa]\nrequired = all\nalgorithm = sha1\n");
	assert_int_equal(c.mfa_required, SK_MFA_ALL);
	LOAD_FAIL("[mfa]\nrequired = yes\n", "[mfa] required must be all, admins or optional");
	LOAD_FAIL("[mfa]\nalgorithm = md5\n", "[mfa] algorithm must be sha1, sha256 or sha512");
	LOAD_FAIL("[password]\npolicy = lax\n", "t.conf:2: [password] policy must be aws, strong or nist");

	c = LOAD_OK("[approval]\nactions = none\n");
	assert_int_equal(c.approval_actions, 0);
	c = LOAD_OK("[approval]\nactions = all\n");
	assert_int_equal(c.approval_actions, SK_APPROVE_ALL);
	c = LOAD_OK("[approval]\nactions = grant_admin,reset_admin_mfa\n");
	assert_int_equal(c.approval_actions,
			 SK_APPROVE_GRANT_ADMIN | SK_APPROVE_RESET_ADMIN_MFA);
	c = LOAD_OK("[approval]\nactions = reset_admin_password ,\tunlock_admin\n");
	assert_int_equal(c.approval_actions,
			 SK_APPROVE_RESET_ADMIN_PASSWORD | SK_APPROVE_UNLOCK_ADMIN);
	c = LOAD_OK("[approval]\nactions = grant_admin, reset_admin_mfa, "
		    "reset_admin_password, unlock_admin, grant_admin\n");
	assert_int_equal(c.approval_actions, SK_APPROVE_ALL);
	LOAD_FAIL("[approval]\nactions = grant_admin,,unlock_admin\n", "[approval] actions has an empty item");
	LOAD_FAIL("[approval]\nactions = grant_admin,\n", "[approval] actions has an empty item");
	LOAD_FAIL("[approval]\nactions =\n", "[approval] actions has an empty item");
	LOAD_FAIL("[approval]\nactions = all, grant_admin\n", "[approval] actions: all and none");
	LOAD_FAIL("[approval]\nactions = grant_admins\n", "[approval] actions: unknown action 'grant_admins'");

	/* Empty audit_log turns the mirror off; an empty database is refused by the check. */
	c = LOAD_OK("[storage]\naudit_log =\n");
	assert_string_equal(c.audit_log_path, "");
	LOAD_FAIL("[storage]\ndatabase =\n", "t.conf: [storage] database must not be empty");
	/* Inline comments need a blank before ';'; quotes are literal. */
	c = LOAD_OK("[mfa]\nissuer = A;B ; the company\n");
	assert_string_equal(c.issuer, "A;B");
	c = LOAD_OK("[mfa]\nissuer = \"Example\"\n");
	assert_string_equal(c.issuer, "\"Example\"");
	LOAD_FAIL("[mfa]\nissuer = Example: Corp\n", "[mfa] issuer must not contain ':'");
	/* Duplicate keys: the last one wins. */
	c = LOAD_OK("[lockout]\nhard_limit = 20\nhard_limit = 30\n");
	assert_int_equal(c.hard_limit, 30);
}

static void
test_load_bad_numbers(void **state)
{
	static const char *const bad[] = {
		"12x", "-1", "99999999999999999999", "+5", "0x10", "1e2", "1.0",
		"", "twelve", "1 2", "4294967296",
	};
	char text[128], needle[128];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), "[lockout]\nhard_limit = %s\n", bad[i]);
		LOAD_FAIL(text, "t.conf:2: [lockout] hard_limit");
		snprintf(needle, sizeof(needle), "'%s'", bad[i]);
		LOAD_FAIL(text, needle);
		snprintf(text, sizeof(text), "[password]\nargon2_passes = %s\n", bad[i]);
		LOAD_FAIL(text, "[password] argon2_passes");
	}
	LOAD_FAIL("[lockout]\nhard_limit = 99999999999999999999\n", "is too large");
	LOAD_FAIL("[lockout]\nhard_limit = 0\n", "[lockout] hard_limit must be between 1 and 100");
	LOAD_FAIL("[lockout]\nhard_limit = 101\n", "[lockout] hard_limit must be between 1 and 100");
	LOAD_OK("[lockout]\nhard_limit = 0100\n");
}

/* A preset re-initialises the policy, yet never undoes a key written before it. */
static void
test_load_policy_order(void **state)
{
	sk_config c;

	(void)state;
	c = LOAD_OK("[password]\nmin_length = 14\npolicy = strong\n");
	assert_int_equal(c.policy.preset, SK_POLICY_STRONG);
	assert_int_equal(c.policy.min_length, 14);
	assert_true(c.policy.require_upper);

	c = LOAD_OK("[password]\nmin_strength = 10\n[mfa]\ndigits = 8\n"
		    "[password]\npolicy = nist\n");
	assert_int_equal(c.policy.preset, SK_POLICY_NIST);
	assert_true(c.policy.min_guesses_log10 == 10.0);
	assert_int_equal(c.policy.min_classes, 0);

	c = LOAD_OK("[password]\npolicy = strong\n");
	assert_int_equal(c.policy.min_length, 12);
	c = LOAD_OK("[password]\npolicy = strong\npolicy = aws\n");
	assert_int_equal(c.policy.preset, SK_POLICY_AWS);
	assert_int_equal(c.policy.min_classes, 3);

	LOAD_FAIL("[password]\nmin_length = 10\npolicy = strong\n",
		  "[password] min_length must be at least 12 for policy strong");
	LOAD_FAIL("[password]\nmin_length = 7\n", "[password] min_length must be at least 8");
}

static void
test_load_unknown(void **state)
{
	(void)state;
	LOAD_FAIL("[mfa]\ndigits = 6\n\nfoo = 1\n",
		  "t.conf:4: unknown key 'foo' in section [mfa]");
	LOAD_FAIL("; comment\n[storage]\ndatabase = x\n[server]\nlisten = 1\n",
		  "t.conf:5: unknown section [server] (key 'listen')");
	LOAD_FAIL("hard_limit = 5\n", "t.conf:1: key 'hard_limit' is outside any section");
	LOAD_FAIL("[Lockout]\nhard_limit = 5\n", "t.conf:2: unknown section [Lockout]");
	LOAD_FAIL("[lockout]\nHard_Limit = 5\n", "t.conf:2: unknown key 'Hard_Limit'");
	/* Keys of another section are unknown here. */
	LOAD_FAIL("[lockout]\ndigits = 6\n", "unknown key 'digits' in section [lockout]");
	LOAD_FAIL("[password]\nmax_length = 64\n", "unknown key 'max_length' in section [password]");
	/* Lines inih cannot parse. */
	LOAD_FAIL("[mfa]\ndigits = 6\n[lockout\n", "t.conf:3: cannot parse this line");
	LOAD_FAIL("[mfa]\njust words\n", "t.conf:2: cannot parse this line");
	/* The first error wins, whichever kind it is. */
	LOAD_FAIL("[mfa]\njust words\nfoo = 1\n", "t.conf:2: cannot parse");
	LOAD_FAIL("[mfa]\nfoo = 1\njust words\n", "t.conf:2: unknown key 'foo'");
	LOAD_FAIL("[mfa]\njust words\n[password]\npolicy = x\n", "t.conf:2: cannot parse");
	LOAD_FAIL("[mfa]\ndigits = 7x\n[password]\npolicy = x\n",
		  "t.conf:2: [mfa] digits must be");
	LOAD_FAIL("[password]\npolicy = x\n[mfa]\ndigits = 7x\n",
		  "t.conf:2: [password] policy must be");
	LOAD_FAIL("[password]\npolicy = x\n[mfa]\njust words\n",
		  "t.conf:2: [password] policy must be");
}

static void
test_load_layout(void **state)
{
	sk_config c;
	char err[256];

	(void)state;
	/* Indented keys are keys, not continuations of the previous value. */
	c = LOAD_OK("[lockout]\n  account_threshold = 7\n\thard_limit = 30\n");
	assert_int_equal(c.per_account.threshold, 7);
	assert_int_equal(c.hard_limit, 30);
	/* CRLF line ends, a UTF-8 BOM, comments of both kinds, blank lines. */
	c = LOAD_OK("\xef\xbb\xbf; c\r\n# c\r\n\r\n[lockout]\r\nhard_limit = 30\r\n");
	assert_int_equal(c.hard_limit, 30);
	/* No final newline; empty text. */
	c = LOAD_OK("[lockout]\nhard_limit = 31");
	assert_int_equal(c.hard_limit, 31);
	LOAD_OK("");
	/* The name defaults to "<string>". */
	sk_config_default(&c);
	assert_int_equal(sk_config_load_string(&c, "[x]\ny=1\n", NULL, err, sizeof(err)),
			 SK_ERR_CONFIG);
	assert_string_equal(err, "<string>:2: unknown section [x] (key 'y')");
	assert_int_equal(sk_config_load_string(&c, NULL, NULL, err, sizeof(err)),
			 SK_ERR_INVALID);
	assert_int_equal(sk_config_load_string(NULL, "", NULL, err, sizeof(err)),
			 SK_ERR_INVALID);
}

static void
test_load_too_long(void **state)
{
	char text[512], issuer[80];
	sk_config c;

	(void)state;
	/* 64 bytes do not fit issuer[64]; 63 do. */
	memset(issuer, 'a', 64);
	issuer[64] = '\0';
	snprintf(text, sizeof(text), "[mfa]\nissuer = %s\n", issuer);
	LOAD_FAIL(text, "t.conf:2: [mfa] issuer is longer than 63 bytes");
	issuer[63] = '\0';
	snprintf(text, sizeof(text), "[mfa]\nissuer = %s\n", issuer);
	c = LOAD_OK(text);
	assert_string_equal(c.issuer, issuer);

	/* A line inih would split in two is refused, not truncated. */
	memset(text, 0, sizeof(text));
	strcpy(text, "[storage]\ndatabase = /");
	memset(text + strlen(text), 'a', 300);
	strcat(text, "\n");
	LOAD_FAIL(text, "t.conf:2: line is longer than 197 characters");

	/* The longest line that fits. */
	memset(text, 0, sizeof(text));
	strcpy(text, "[storage]\ndatabase = /");
	memset(text + strlen(text), 'b', 197 - strlen("database = /"));
	strcat(text, "\n");
	c = LOAD_OK(text);
	assert_int_equal(strlen(c.db_path), 197 - strlen("database = "));
	text[strlen(text) - 1] = 'b';
	strcat(text, "\n");
	LOAD_FAIL(text, "t.conf:2: line is longer than");
}

static void
test_load_missing_file(void **state)
{
	sk_config c, d;
	char err[512] = "";

	(void)state;
	sk_config_default(&c);
	assert_int_equal(sk_config_load(&c, "/nonexistent/sekisho.conf", err, sizeof(err)),
			 SK_ERR_IO);
	ASSERT_CONTAINS(err, "/nonexistent/sekisho.conf");
	sk_config_default(&d);
	assert_memory_equal(&c, &d, sizeof(c));
	/* A directory opens but cannot be read. */
	assert_int_equal(sk_config_load(&c, "/", err, sizeof(err)), SK_ERR_IO);
}

static void
test_load_file_errors(void **state)
{
	static const char with_nul[] = "[lockout]\nhard_limit = 5\n\0\n[mfa]\n";
	char *name;
	char err[512] = "", needle[512];
	sk_config c;

	(void)state;
	name = temp_file(with_nul, sizeof(with_nul) - 1);
	sk_config_default(&c);
	assert_int_equal(sk_config_load(&c, name, err, sizeof(err)), SK_ERR_CONFIG);
	snprintf(needle, sizeof(needle), "%s:3: the file contains a NUL byte", name);
	ASSERT_CONTAINS(err, needle);
	assert_int_equal(c.hard_limit, 100);
	remove_temp(name);

	name = temp_file("[mfa]\n\ndigits = 9\n", 18);
	assert_int_equal(sk_config_load(&c, name, err, sizeof(err)), SK_ERR_CONFIG);
	snprintf(needle, sizeof(needle), "%s: [mfa] digits must be between 6 and 8", name);
	ASSERT_CONTAINS(err, needle);
	remove_temp(name);
}

/* sekishod's [server] section, claimed through the hook. */
struct server_settings {
	char listen[64];
	unsigned port;
	int calls;
};

static int
server_keys(void *arg, const char *section, const char *key, const char *value,
	    char *err, size_t err_size)
{
	struct server_settings *s = arg;

	s->calls++;
	if (strcmp(section, "server") != 0)
		return 0;
	if (strcmp(key, "listen") == 0) {
		snprintf(s->listen, sizeof(s->listen), "%s", value);
		return 1;
	}
	if (strcmp(key, "port") == 0) {
		if (strcmp(value, "443") != 0) {
			snprintf(err, err_size, "[server] port must be 443 in this test");
			return -1;
		}
		s->port = 443;
		return 1;
	}
	if (strcmp(key, "quiet") == 0)
		return -1; /* no message */
	return 0;
}

static int
load_ex(const char *text, struct server_settings *s, sk_config *c, char **name,
	char *err, size_t err_size)
{
	int r;

	*name = temp_file(text, strlen(text));
	memset(s, 0, sizeof(*s));
	sk_config_default(c);
	r = sk_config_load_ex(c, *name, server_keys, s, err, err_size);
	return r;
}

static void
test_load_extra_fn(void **state)
{
	struct server_settings s;
	sk_config c;
	char *name;
	char err[512] = "", needle[512];

	(void)state;
	assert_int_equal(load_ex("[lockout]\nhard_limit = 20\n[server]\n"
				 "listen = 127.0.0.1:8443\nport = 443\n",
				 &s, &c, &name, err, sizeof(err)), SK_OK);
	assert_string_equal(s.listen, "127.0.0.1:8443");
	assert_int_equal(s.port, 443);
	assert_int_equal(s.calls, 2); /* once per key: never in the preset pass */
	assert_int_equal(c.hard_limit, 20);
	remove_temp(name);

	/* The hook declines a key: unknown, with its line. */
	assert_int_equal(load_ex("[server]\nlisten = x\nworkers = 4\n",
				 &s, &c, &name, err, sizeof(err)), SK_ERR_CONFIG);
	snprintf(needle, sizeof(needle), "%s:3: unknown key 'workers' in section [server]",
		 name);
	ASSERT_CONTAINS(err, needle);
	remove_temp(name);

	/* The hook's own message, prefixed with the place. */
	assert_int_equal(load_ex("[server]\n\nport = 80\n", &s, &c, &name, err,
				 sizeof(err)), SK_ERR_CONFIG);
	snprintf(needle, sizeof(needle), "%s:3: [server] port must be 443 in this test",
		 name);
	ASSERT_CONTAINS(err, needle);
	remove_temp(name);

	assert_int_equal(load_ex("[server]\nquiet = 1\n", &s, &c, &name, err,
				 sizeof(err)), SK_ERR_CONFIG);
	ASSERT_CONTAINS(err, ":2: bad value for key 'quiet' in section [server]");
	remove_temp(name);

	/* Known sections never reach the hook. */
	assert_int_equal(load_ex("[mfa]\nlisten = x\n", &s, &c, &name, err,
				 sizeof(err)), SK_ERR_CONFIG);
	ASSERT_CONTAINS(err, ":2: unknown key 'listen' in section [mfa]");
	assert_int_equal(s.calls, 0);
	remove_temp(name);

	/* Nor do keys outside any section. */
	assert_int_equal(load_ex("listen = x\n", &s, &c, &name, err, sizeof(err)),
			 SK_ERR_CONFIG);
	ASSERT_CONTAINS(err, ":1: key 'listen' is outside any section");
	assert_int_equal(s.calls, 0);
	remove_temp(name);

	/* Without a hook the section is unknown. */
	name = temp_file("[server]\nlisten = x\n", 20);
	sk_config_default(&c);
	assert_int_equal(sk_config_load(&c, name, err, sizeof(err)), SK_ERR_CONFIG);
	ASSERT_CONTAINS(err, ":2: unknown section [server]");
	remove_temp(name);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_check_storage),
		cmocka_unit_test(test_check_password),
		cmocka_unit_test(test_check_mfa),
		cmocka_unit_test(test_check_issuer),
		cmocka_unit_test(test_check_lockout),
		cmocka_unit_test(test_check_approval_inventory),
		cmocka_unit_test(test_load_full_file),
		cmocka_unit_test(test_load_shipped_example),
		cmocka_unit_test(test_load_durations),
		cmocka_unit_test(test_load_memory_units),
		cmocka_unit_test(test_load_other_values),
		cmocka_unit_test(test_load_bad_numbers),
		cmocka_unit_test(test_load_policy_order),
		cmocka_unit_test(test_load_unknown),
		cmocka_unit_test(test_load_layout),
		cmocka_unit_test(test_load_too_long),
		cmocka_unit_test(test_load_missing_file),
		cmocka_unit_test(test_load_file_errors),
		cmocka_unit_test(test_load_extra_fn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
