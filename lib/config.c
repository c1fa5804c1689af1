/*
 * lib/config.c - the defaults of every setting and the check of their ranges.
 *
 * Messages name the INI key (docs/configuration.md) rather than the struct
 * field, because the person reading them edits a file, not C.  Loading from
 * a file lives in the host library (lib/host/config_file.c).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "sekisho/config.h"
#include "sekisho/error.h"
#include "sekisho/otp.h"
#include "sekisho/policy.h"

#define MiB ((size_t)1024 * 1024)

/* Ranges documented in docs/configuration.md; keep the two in step. */
#define OPSLIMIT_LO 1ULL
#define OPSLIMIT_HI 10ULL
#define MEMLIMIT_LO (8 * MiB)
#define MEMLIMIT_HI (1024 * MiB)
#define POLICY_MIN_LENGTH 8u           /* no preset goes below this */
#define POLICY_MAX_LENGTH 128u
#define POLICY_GUESSES_HI 20.0
#define INITIAL_PASSWORD_MIN 12u
#define RECOVERY_CODES_LO 5u
#define RECOVERY_CODES_HI 20u
#define SIGNIN_TIMEOUT_LO 60u
#define SIGNIN_TIMEOUT_HI 3600u
#define LOCK_MAX_HI 86400u             /* one day */
#define HARD_LIMIT_HI 100u             /* NIST SP 800-63B */
#define SOURCE_THRESHOLD_HI 100000u    /* an address's failures, all accounts */
#define SOURCE_WINDOW_HI (7u * 86400u) /* one week */
#define APPROVAL_TTL_LO 60u
#define APPROVAL_TTL_HI (30u * 86400u)
#define STALE_DAYS_HI 3650u
#define OTP_DIGITS_LO 6u
#define OTP_PERIOD_HI 300u
#define OTP_WINDOW_HI 10u

/* Libsodium's own limits win when they are tighter than ours. */
#if crypto_pwhash_argon2id_OPSLIMIT_MIN > 1
#error "libsodium's minimum Argon2id passes exceed the documented range"
#endif

static void
copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void
sk_config_default(sk_config *cfg)
{
	if (cfg == NULL)
		return;
	memset(cfg, 0, sizeof(*cfg));
	copy_str(cfg->db_path, sizeof(cfg->db_path), "var/sekisho.db");
	copy_str(cfg->key_path, sizeof(cfg->key_path), "var/sekisho.key");
	cfg->audit_log_path[0] = '\0';

	(void)sk_policy_preset_init(&cfg->policy, SK_POLICY_AWS);
	cfg->hash_opslimit = 2;
	cfg->hash_memlimit = 19 * MiB;
	cfg->initial_password_length = 16;

	cfg->mfa_required = SK_MFA_ALL;
	cfg->enroll_codes = 2;
	sk_otp_params_default(&cfg->otp);
	copy_str(cfg->issuer, sizeof(cfg->issuer), "Sekisho");
	cfg->recovery_codes = 10;
	cfg->signin_timeout = 600;

	cfg->per_address = (sk_lockout_rule){ 3, 60, 900 };
	cfg->per_account = (sk_lockout_rule){ 10, 300, 3600 };
	cfg->per_source = (sk_lockout_rule){ 30, 300, 3600 };
	cfg->source_window = 3600;
	cfg->hard_limit = 100;

	cfg->approval_actions = SK_APPROVE_ALL;
	cfg->approval_ttl = 86400;

	cfg->stale_days = 90;
	cfg->session_idle = 1800;
	cfg->session_lifetime = 43200;
}

/* Writes the message (when there is room for one) and returns SK_ERR_CONFIG. */
static int
fail(char *err, size_t err_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && err_size > 0) {
		va_start(ap, fmt);
		vsnprintf(err, err_size, fmt, ap);
		va_end(ap);
	}
	return SK_ERR_CONFIG;
}

/* 1 when s ends within size bytes (a struct filled in code may not). */
static int
terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

/*
 * 1 when s is valid UTF-8 without control characters (C0, DEL, C1), without
 * overlong forms, surrogates or code points above U+10FFFF.
 */
static int
printable_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		unsigned c = *p, cp, min, n, i;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return 0;
			p++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			n = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		/* A NUL fails the continuation test, so we never read past the end. */
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3fu);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp <= 0x9f))
			return 0;
		p += n + 1;
	}
	return 1;
}

static int
check_path(const char *key, const char *path, int required, char *err,
	   size_t err_size)
{
	if (!terminated(path, SK_PATH_MAX))
		return fail(err, err_size, "[storage] %s must be at most %d bytes",
			    key, SK_PATH_MAX - 1);
	if (required && path[0] == '\0')
		return fail(err, err_size, "[storage] %s must not be empty", key);
	return SK_OK;
}

static int
check_policy(const sk_config *cfg, char *err, size_t err_size)
{
	const sk_policy *p = &cfg->policy;
	sk_policy preset;
	unsigned floor;

	if (sk_policy_preset_init(&preset, p->preset) != SK_OK)
		return fail(err, err_size,
			    "[password] policy must be aws, strong or nist");
	floor = preset.min_length > POLICY_MIN_LENGTH ? preset.min_length
						      : POLICY_MIN_LENGTH;
	if (p->min_length < floor)
		return fail(err, err_size,
			    "[password] min_length must be at least %u for policy %s "
			    "(a preset's minimum may be raised, never lowered)",
			    floor, sk_policy_preset_name(p->preset));
	if (p->max_length > POLICY_MAX_LENGTH)
		return fail(err, err_size,
			    "[password] maximum password length must be at most %u",
			    POLICY_MAX_LENGTH);
	if (p->min_length > p->max_length)
		return fail(err, err_size,
			    "[password] min_length must be at most %u (the maximum "
			    "password length)", p->max_length);
	if (p->min_classes > 4)
		return fail(err, err_size,
			    "[password] policy requires %u of 4 character classes; "
			    "at most 4 is possible", p->min_classes);
	if (!(p->min_guesses_log10 >= 0.0 &&
	      p->min_guesses_log10 <= POLICY_GUESSES_HI))
		return fail(err, err_size,
			    "[password] min_strength must be between 0 and %g "
			    "(log10 of the guesses zxcvbn estimates; 0 disables)",
			    POLICY_GUESSES_HI);
	return SK_OK;
}

static int
check_password(const sk_config *cfg, char *err, size_t err_size)
{
	unsigned lo, hi;
	size_t mem_lo = MEMLIMIT_LO, mem_hi = MEMLIMIT_HI;
	int r;

	if ((r = check_policy(cfg, err, err_size)) != SK_OK)
		return r;
	if (cfg->hash_opslimit < OPSLIMIT_LO || cfg->hash_opslimit > OPSLIMIT_HI ||
	    cfg->hash_opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
	    cfg->hash_opslimit > crypto_pwhash_argon2id_OPSLIMIT_MAX)
		return fail(err, err_size,
			    "[password] argon2_passes must be between %llu and %llu "
			    "(OWASP recommends at least 2)", OPSLIMIT_LO, OPSLIMIT_HI);
	if (mem_lo < crypto_pwhash_argon2id_MEMLIMIT_MIN)
		mem_lo = crypto_pwhash_argon2id_MEMLIMIT_MIN;
	if (mem_hi > crypto_pwhash_argon2id_MEMLIMIT_MAX)
		mem_hi = crypto_pwhash_argon2id_MEMLIMIT_MAX;
	if (cfg->hash_memlimit < mem_lo || cfg->hash_memlimit > mem_hi)
		return fail(err, err_size,
			    "[password] argon2_memory must be between %zuMiB and %zuMiB "
			    "(OWASP recommends at least 19MiB)",
			    mem_lo / MiB, mem_hi / MiB);
	lo = cfg->policy.min_length > INITIAL_PASSWORD_MIN ? cfg->policy.min_length
							   : INITIAL_PASSWORD_MIN;
	hi = cfg->policy.max_length;
	if (cfg->initial_password_length < lo || cfg->initial_password_length > hi)
		return fail(err, err_size,
			    "[password] initial_password_length must be between %u and "
			    "%u (at least 12 and within the policy's lengths)", lo, hi);
	return SK_OK;
}

static int
check_mfa(const sk_config *cfg, char *err, size_t err_size)
{
	const sk_otp_params *o = &cfg->otp;

	if (cfg->mfa_required != SK_MFA_ALL && cfg->mfa_required != SK_MFA_ADMINS &&
	    cfg->mfa_required != SK_MFA_OPTIONAL)
		return fail(err, err_size,
			    "[mfa] required must be all, admins or optional");
	if (cfg->enroll_codes != 1 && cfg->enroll_codes != 2)
		return fail(err, err_size,
			    "[mfa] enroll_codes must be 1 or 2 (codes entered to "
			    "confirm a new authenticator)");
	if (o->alg != SK_OTP_SHA1 && o->alg != SK_OTP_SHA256 &&
	    o->alg != SK_OTP_SHA512)
		return fail(err, err_size,
			    "[mfa] algorithm must be sha1, sha256 or sha512");
	if (o->digits < OTP_DIGITS_LO || o->digits > SK_OTP_CODE_MAX)
		return fail(err, err_size, "[mfa] digits must be between %u and %d",
			    OTP_DIGITS_LO, SK_OTP_CODE_MAX);
	if (o->period < 1 || o->period > OTP_PERIOD_HI)
		return fail(err, err_size,
			    "[mfa] period must be between 1 and %u seconds", OTP_PERIOD_HI);
	if (o->window > OTP_WINDOW_HI)
		return fail(err, err_size,
			    "[mfa] window must be between 0 and %u steps", OTP_WINDOW_HI);
	/* The OTP module has the last word on its own parameters. */
	if (sk_otp_params_check(o) != SK_OK)
		return fail(err, err_size,
			    "[mfa] algorithm, digits, period or window is out of range");
	if (!terminated(cfg->issuer, sizeof(cfg->issuer)))
		return fail(err, err_size, "[mfa] issuer must be at most %zu bytes",
			    sizeof(cfg->issuer) - 1);
	if (cfg->issuer[0] == '\0')
		return fail(err, err_size,
			    "[mfa] issuer must not be empty (authenticator apps show it)");
	if (strchr(cfg->issuer, ':') != NULL)
		return fail(err, err_size,
			    "[mfa] issuer must not contain ':' (it separates issuer and "
			    "account in otpauth labels)");
	if (!printable_utf8(cfg->issuer))
		return fail(err, err_size,
			    "[mfa] issuer must be printable text (ASCII or UTF-8, no "
			    "control characters)");
	if (cfg->recovery_codes < RECOVERY_CODES_LO ||
	    cfg->recovery_codes > RECOVERY_CODES_HI)
		return fail(err, err_size, "[mfa] recovery_codes must be between %u and %u",
			    RECOVERY_CODES_LO, RECOVERY_CODES_HI);
	if (cfg->signin_timeout < SIGNIN_TIMEOUT_LO ||
	    cfg->signin_timeout > SIGNIN_TIMEOUT_HI)
		return fail(err, err_size,
			    "[mfa] signin_timeout must be between %u and %u seconds",
			    SIGNIN_TIMEOUT_LO, SIGNIN_TIMEOUT_HI);
	return SK_OK;
}

/*
 * One scope's rule; prefix is "address", "account" or "source", as in the
 * INI keys; limit_name names what bounds the threshold.
 */
static int
check_rule(const char *prefix, const sk_lockout_rule *r, unsigned limit,
	   const char *limit_name, char *err, size_t err_size)
{
	if (r->threshold > limit)
		return fail(err, err_size,
			    "[lockout] %s_threshold must not exceed %s (%u)",
			    prefix, limit_name, limit);
	if (r->max_seconds > LOCK_MAX_HI)
		return fail(err, err_size,
			    "[lockout] %s_lock_max must be at most %u seconds (1 day)",
			    prefix, LOCK_MAX_HI);
	if (r->base_seconds > r->max_seconds)
		return fail(err, err_size,
			    "[lockout] %s_lock must not exceed %s_lock_max", prefix, prefix);
	if (r->threshold != 0 && r->base_seconds == 0)
		return fail(err, err_size,
			    "[lockout] %s_lock must be at least 1 second when "
			    "%s_threshold is set", prefix, prefix);
	return SK_OK;
}

static int
check_lockout(const sk_config *cfg, char *err, size_t err_size)
{
	int r;

	if (cfg->hard_limit < 1 || cfg->hard_limit > HARD_LIMIT_HI)
		return fail(err, err_size,
			    "[lockout] hard_limit must be between 1 and %u "
			    "(NIST SP 800-63B)", HARD_LIMIT_HI);
	if (cfg->per_address.threshold != 0 && cfg->per_account.threshold != 0 &&
	    cfg->per_address.threshold > cfg->per_account.threshold)
		return fail(err, err_size,
			    "[lockout] address_threshold must not exceed "
			    "account_threshold, so that the per-address throttle "
			    "bites first");
	if (cfg->source_window < 60 || cfg->source_window > SOURCE_WINDOW_HI)
		return fail(err, err_size,
			    "[lockout] source_window must be between 1 minute and "
			    "%u seconds (1 week)", SOURCE_WINDOW_HI);
	if ((r = check_rule("address", &cfg->per_address, cfg->hard_limit, "hard_limit",
			    err, err_size)) != SK_OK ||
	    (r = check_rule("account", &cfg->per_account, cfg->hard_limit, "hard_limit",
			    err, err_size)) != SK_OK)
		return r;
	if (cfg->per_source.threshold != 0 && cfg->per_address.threshold != 0 &&
	    cfg->per_source.threshold < cfg->per_address.threshold)
		return fail(err, err_size,
			    "[lockout] source_threshold must be at least "
			    "address_threshold: one account's guesser is the "
			    "(account, address) throttle's job");
	return check_rule("source", &cfg->per_source, SOURCE_THRESHOLD_HI,
			  "the ceiling", err, err_size);
}

int
sk_config_check(const sk_config *cfg, char *err, size_t err_size)
{
	int r;

	if (err != NULL && err_size > 0)
		err[0] = '\0';
	if (cfg == NULL)
		return fail(err, err_size, "no configuration given");
	if ((r = check_path("database", cfg->db_path, 1, err, err_size)) != SK_OK ||
	    (r = check_path("key_file", cfg->key_path, 1, err, err_size)) != SK_OK ||
	    (r = check_path("audit_log", cfg->audit_log_path, 0, err, err_size)) != SK_OK)
		return r;
	if ((r = check_password(cfg, err, err_size)) != SK_OK)
		return r;
	if ((r = check_mfa(cfg, err, err_size)) != SK_OK)
		return r;
	if ((r = check_lockout(cfg, err, err_size)) != SK_OK)
		return r;
	if ((cfg->approval_actions & ~(unsigned)SK_APPROVE_ALL) != 0)
		return fail(err, err_size,
			    "[approval] actions has unknown bits 0x%x",
			    cfg->approval_actions & ~(unsigned)SK_APPROVE_ALL);
	if (cfg->approval_ttl < APPROVAL_TTL_LO || cfg->approval_ttl > APPROVAL_TTL_HI)
		return fail(err, err_size,
			    "[approval] ttl must be between %u seconds and 30 days",
			    APPROVAL_TTL_LO);
	if (cfg->stale_days < 1 || cfg->stale_days > STALE_DAYS_HI)
		return fail(err, err_size,
			    "[inventory] stale_days must be between 1 and %u",
			    STALE_DAYS_HI);
	if (cfg->session_idle < 60 || cfg->session_idle > 86400)
		return fail(err, err_size,
			    "[session] idle_timeout must be between 1 minute and 1 day");
	if (cfg->session_lifetime < cfg->session_idle || cfg->session_lifetime > 30u * 86400)
		return fail(err, err_size,
			    "[session] lifetime must be at least idle_timeout and at most 30 days");
	return SK_OK;
}
