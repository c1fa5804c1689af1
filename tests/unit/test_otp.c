/*
 * tests/unit/test_otp.c - HOTP/TOTP against the RFC 4226 and RFC 6238
 * vectors, Base32 against RFC 4648, verification windows, replay,
 * enrollment, malformed codes and otpauth:// URIs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "sekisho/error.h"
#include "sekisho/otp.h"

/* The seeds of RFC 4226 Appendix D and RFC 6238 Appendix B. */
static const uint8_t seed20[] = "12345678901234567890";
static const uint8_t seed32[] = "12345678901234567890123456789012";
static const uint8_t seed64[] =
	"1234567890123456789012345678901234567890123456789012345678901234";

#define SEED20_LEN 20
#define SEED32_LEN 32
#define SEED64_LEN 64

static sk_otp_params
params(sk_otp_alg alg, unsigned digits, unsigned period, unsigned window)
{
	sk_otp_params p;

	p.alg = alg;
	p.digits = digits;
	p.period = period;
	p.window = window;
	return p;
}

/* The code for a given step, for building verification cases. */
static void
code_at(const sk_otp_params *p, uint64_t step, char out[SK_OTP_CODE_MAX + 1])
{
	assert_int_equal(sk_hotp(seed20, SEED20_LEN, step, p->alg, p->digits, out,
				 SK_OTP_CODE_MAX + 1), SK_OK);
}

/* ---- RFC vectors ------------------------------------------------------ */

static void
test_rfc4226_appendix_d(void **state)
{
	static const char *const want[10] = {
		"755224", "287082", "359152", "969429", "338314",
		"254676", "287922", "162583", "399871", "520489",
	};
	char out[SK_OTP_CODE_MAX + 1];
	uint64_t c;

	(void)state;
	for (c = 0; c < 10; c++) {
		assert_int_equal(sk_hotp(seed20, SEED20_LEN, c, SK_OTP_SHA1, 6, out,
					 sizeof(out)), SK_OK);
		assert_string_equal(out, want[c]);
	}
}

static void
test_rfc6238_appendix_b(void **state)
{
	static const struct {
		int64_t t;
		uint64_t step;
		const char *sha1, *sha256, *sha512;
	} v[] = {
		{ 59, 0x1, "94287082", "46119246", "90693936" },
		{ 1111111109, 0x23523EC, "07081804", "68084774", "25091201" },
		{ 1111111111, 0x23523ED, "14050471", "67062674", "99943326" },
		{ 1234567890, 0x273EF07, "89005924", "91819424", "93441116" },
		{ 2000000000, 0x3F940AA, "69279037", "90698825", "38618901" },
		{ 20000000000, 0x27BC86AA, "65353130", "77737706", "47863826" },
	};
	sk_otp_params p1 = params(SK_OTP_SHA1, 8, 30, 1);
	sk_otp_params p256 = params(SK_OTP_SHA256, 8, 30, 1);
	sk_otp_params p512 = params(SK_OTP_SHA512, 8, 30, 1);
	char out[SK_OTP_CODE_MAX + 1];
	uint64_t m;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(sk_totp_step(v[i].t, 30), v[i].step);
		assert_int_equal(sk_totp(seed20, SEED20_LEN, v[i].t, &p1, out, sizeof(out)), SK_OK);
		assert_string_equal(out, v[i].sha1);
		assert_int_equal(sk_totp(seed32, SEED32_LEN, v[i].t, &p256, out, sizeof(out)), SK_OK);
		assert_string_equal(out, v[i].sha256);
		assert_int_equal(sk_totp(seed64, SEED64_LEN, v[i].t, &p512, out, sizeof(out)), SK_OK);
		assert_string_equal(out, v[i].sha512);
		/* And each verifies at its own time. */
		assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, v[i].t, &p1, v[i].sha1, 0, &m), SK_OK);
		assert_int_equal(m, v[i].step);
		assert_int_equal(sk_totp_verify(seed32, SEED32_LEN, v[i].t, &p256, v[i].sha256, 0, &m), SK_OK);
		assert_int_equal(m, v[i].step);
		assert_int_equal(sk_totp_verify(seed64, SEED64_LEN, v[i].t, &p512, v[i].sha512, 0, &m), SK_OK);
		assert_int_equal(m, v[i].step);
	}
}

static void
test_hotp_args(void **state)
{
	char out[SK_OTP_CODE_MAX + 1];
	uint8_t big[SK_OTP_SECRET_MAX + 1] = { 0 };

	(void)state;
	assert_int_equal(sk_hotp(NULL, 20, 0, SK_OTP_SHA1, 6, out, sizeof(out)), SK_ERR_INVALID);
	assert_int_equal(sk_hotp(seed20, 0, 0, SK_OTP_SHA1, 6, out, sizeof(out)), SK_ERR_INVALID);
	assert_int_equal(sk_hotp(big, sizeof(big), 0, SK_OTP_SHA1, 6, out, sizeof(out)), SK_ERR_TOOLONG);
	assert_int_equal(sk_hotp(seed20, SEED20_LEN, 0, SK_OTP_SHA1, 5, out, sizeof(out)), SK_ERR_INVALID);
	assert_int_equal(sk_hotp(seed20, SEED20_LEN, 0, SK_OTP_SHA1, 9, out, sizeof(out)), SK_ERR_INVALID);
	assert_int_equal(sk_hotp(seed20, SEED20_LEN, 0, (sk_otp_alg)7, 6, out, sizeof(out)), SK_ERR_INVALID);
	assert_int_equal(sk_hotp(seed20, SEED20_LEN, 0, SK_OTP_SHA1, 6, NULL, 7), SK_ERR_INVALID);
	assert_int_equal(sk_hotp(seed20, SEED20_LEN, 0, SK_OTP_SHA1, 6, out, 6), SK_ERR_TOOLONG);
	assert_int_equal(sk_hotp(seed20, SEED20_LEN, 0, SK_OTP_SHA1, 6, out, 7), SK_OK);
	assert_string_equal(out, "755224");
	/* A 64-byte key is the maximum and works (RFC 6238 SHA-512 seed). */
	assert_int_equal(sk_hotp(seed64, SEED64_LEN, 0, SK_OTP_SHA512, 6, out, 7), SK_OK);
	/* 7 and 8 digits: RFC 4226's 31-bit value 1284755224 mod 10^7, 10^8. */
	assert_int_equal(sk_hotp(seed20, SEED20_LEN, 0, SK_OTP_SHA1, 7, out, sizeof(out)), SK_OK);
	assert_string_equal(out, "4755224");
	assert_int_equal(sk_hotp(seed20, SEED20_LEN, 0, SK_OTP_SHA1, 8, out, 9), SK_OK);
	assert_string_equal(out, "84755224");
}

static void
test_totp_step_and_time_edges(void **state)
{
	sk_otp_params p = params(SK_OTP_SHA1, 6, 30, 1);
	char out[SK_OTP_CODE_MAX + 1];

	(void)state;
	assert_int_equal(sk_totp_step(0, 30), 0);
	assert_int_equal(sk_totp_step(29, 30), 0);
	assert_int_equal(sk_totp_step(30, 30), 1);
	assert_int_equal(sk_totp_step(-1, 30), 0);
	assert_int_equal(sk_totp_step(100, 0), 0);
	assert_int_equal(sk_totp_step(INT64_MAX, 1), (uint64_t)INT64_MAX);
	assert_int_equal(sk_totp(seed20, SEED20_LEN, -1, &p, out, sizeof(out)), SK_ERR_INVALID);
	assert_int_equal(sk_totp(seed20, SEED20_LEN, 0, &p, out, sizeof(out)), SK_OK);
	assert_string_equal(out, "755224");  /* step 0 == HOTP counter 0 */
	assert_int_equal(sk_totp(seed20, SEED20_LEN, INT64_MAX, &p, out, sizeof(out)), SK_OK);
	p.period = 0;
	assert_int_equal(sk_totp(seed20, SEED20_LEN, 0, &p, out, sizeof(out)), SK_ERR_INVALID);
}

/* ---- verification ----------------------------------------------------- */

#define NOW 1111111111  /* step 37037037 at 30 s */

static void
test_verify_window(void **state)
{
	sk_otp_params p = params(SK_OTP_SHA1, 6, 30, 1);
	uint64_t s = sk_totp_step(NOW, 30), m;
	char code[SK_OTP_CODE_MAX + 1];
	int d;

	(void)state;
	for (d = -1; d <= 1; d++) {
		code_at(&p, s + (uint64_t)(int64_t)d, code);
		m = 0;
		assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, code, 0, &m), SK_OK);
		assert_int_equal(m, s + (uint64_t)(int64_t)d);
	}
	code_at(&p, s - 2, code);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, code, 0, &m), SK_ERR_AUTH);
	code_at(&p, s + 2, code);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, code, 0, &m), SK_ERR_AUTH);
	/* Window 0: only the current step. */
	p.window = 0;
	code_at(&p, s + 1, code);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, code, 0, &m), SK_ERR_AUTH);
	code_at(&p, s, code);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, code, 0, &m), SK_OK);
	/* Window 2 accepts +-2. */
	p.window = 2;
	code_at(&p, s - 2, code);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, code, 0, &m), SK_OK);
	assert_int_equal(m, s - 2);
	/* A different key does not verify. */
	code_at(&p, s, code);
	assert_int_equal(sk_totp_verify(seed32, SEED32_LEN, NOW, &p, code, 0, &m), SK_ERR_AUTH);
}

static void
test_verify_replay(void **state)
{
	sk_otp_params p = params(SK_OTP_SHA1, 6, 30, 1);
	uint64_t s = sk_totp_step(NOW, 30), m = 0;
	char code[SK_OTP_CODE_MAX + 1];

	(void)state;
	code_at(&p, s, code);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, code, 0, &m), SK_OK);
	assert_int_equal(m, s);
	/* The same code again, same step: replay. */
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, code, m, &m), SK_ERR_REPLAY);
	/* And a few seconds later (still within the window). */
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW + 20, &p, code, s, &m), SK_ERR_REPLAY);
	/* An older code after a newer one: replay too. */
	code_at(&p, s - 1, code);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, code, s, &m), SK_ERR_REPLAY);
	/* The next step's code is fresh. */
	code_at(&p, s + 1, code);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, code, s, &m), SK_OK);
	assert_int_equal(m, s + 1);
	/* A wrong code is AUTH, not REPLAY, whatever last_step is. */
	code_at(&p, s + 5, code);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, code, s, &m), SK_ERR_AUTH);
	/* *matched_step is untouched on failure. */
	m = 42;
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, code, 0, &m), SK_ERR_AUTH);
	assert_int_equal(m, 42);
}

static void
test_verify_near_epoch(void **state)
{
	sk_otp_params p = params(SK_OTP_SHA1, 6, 30, 1);
	char code[SK_OTP_CODE_MAX + 1];
	uint64_t m = 0;

	(void)state;
	/* now - window < 0 must not wrap around to huge steps. */
	code_at(&p, 1, code);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, 10, &p, code, 0, &m), SK_OK);
	assert_int_equal(m, 1);
	code_at(&p, UINT64_MAX, code);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, 10, &p, code, 0, &m), SK_ERR_AUTH);
	/* Step 0 matches but 0 <= last_step 0: by the contract that is a replay. */
	code_at(&p, 0, code);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, 10, &p, code, 0, &m), SK_ERR_REPLAY);
	/* Before 1970: step -1 with window 1 reaches step 0 only. */
	code_at(&p, 1, code);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, -1, &p, code, 0, &m), SK_ERR_AUTH);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, -100, &p, code, 0, &m), SK_ERR_AUTH);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, INT64_MIN, &p, code, 0, &m), SK_ERR_AUTH);
	/* The far end: no overflow. */
	p.period = 1;
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, INT64_MAX, &p, code, 0, &m), SK_ERR_AUTH);
	code_at(&p, (uint64_t)INT64_MAX + 1, code);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, INT64_MAX, &p, code, 0, &m), SK_OK);
	assert_int_equal(m, (uint64_t)INT64_MAX + 1);
}

static void
test_verify_malformed(void **state)
{
	static const char *const bad[] = {
		"", "1", "12345", "1234567", "12345a", "a23456", "12 456",
		" 123456", "123456 ", "+12345", "-12345", "１２３４５６",
		"123456\n", "12345\x00", "0x1234",
	};
	sk_otp_params p = params(SK_OTP_SHA1, 6, 30, 1);
	char good[SK_OTP_CODE_MAX + 1];
	uint64_t m = 0;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, bad[i], 0, &m),
				 SK_ERR_AUTH);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, NULL, 0, &m), SK_ERR_AUTH);
	/* The right code with a trailing extra digit is the wrong length. */
	code_at(&p, sk_totp_step(NOW, 30), good);
	good[6] = '0';
	good[7] = '\0';
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, good, 0, &m), SK_ERR_AUTH);
	/* 8-digit device, 6-digit code. */
	p.digits = 8;
	good[6] = '\0';
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, good, 0, &m), SK_ERR_AUTH);
	/* Bad arguments are INVALID. */
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, good, 0, NULL), SK_ERR_INVALID);
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, NULL, good, 0, &m), SK_ERR_INVALID);
	assert_int_equal(sk_totp_verify(NULL, 20, NOW, &p, good, 0, &m), SK_ERR_INVALID);
	p.window = 11;
	assert_int_equal(sk_totp_verify(seed20, SEED20_LEN, NOW, &p, good, 0, &m), SK_ERR_INVALID);
}

static void
test_verify_consecutive(void **state)
{
	sk_otp_params p = params(SK_OTP_SHA1, 6, 30, 1);
	uint64_t s = sk_totp_step(NOW, 30), m = 0;
	char a[SK_OTP_CODE_MAX + 1], b[SK_OTP_CODE_MAX + 1];

	(void)state;
	/* (s-1, s): the usual case. */
	code_at(&p, s - 1, a);
	code_at(&p, s, b);
	assert_int_equal(sk_totp_verify_consecutive(seed20, SEED20_LEN, NOW, &p, a, b, &m), SK_OK);
	assert_int_equal(m, s);
	/* Swapped order is refused. */
	assert_int_equal(sk_totp_verify_consecutive(seed20, SEED20_LEN, NOW, &p, b, a, &m), SK_ERR_AUTH);
	/* The same code twice is refused. */
	assert_int_equal(sk_totp_verify_consecutive(seed20, SEED20_LEN, NOW, &p, b, b, &m), SK_ERR_AUTH);
	/* (s-2, s-1): code2 at the window's edge, code1 just outside it. */
	code_at(&p, s - 2, a);
	code_at(&p, s - 1, b);
	assert_int_equal(sk_totp_verify_consecutive(seed20, SEED20_LEN, NOW, &p, a, b, &m), SK_OK);
	assert_int_equal(m, s - 1);
	/* (s, s+1). */
	code_at(&p, s, a);
	code_at(&p, s + 1, b);
	assert_int_equal(sk_totp_verify_consecutive(seed20, SEED20_LEN, NOW, &p, a, b, &m), SK_OK);
	assert_int_equal(m, s + 1);
	/* Not consecutive: (s-1, s+1). */
	code_at(&p, s - 1, a);
	code_at(&p, s + 1, b);
	assert_int_equal(sk_totp_verify_consecutive(seed20, SEED20_LEN, NOW, &p, a, b, &m), SK_ERR_AUTH);
	/* Consecutive but out of the window: (s+1, s+2) and (s-3, s-2). */
	code_at(&p, s + 1, a);
	code_at(&p, s + 2, b);
	assert_int_equal(sk_totp_verify_consecutive(seed20, SEED20_LEN, NOW, &p, a, b, &m), SK_ERR_AUTH);
	code_at(&p, s - 3, a);
	code_at(&p, s - 2, b);
	assert_int_equal(sk_totp_verify_consecutive(seed20, SEED20_LEN, NOW, &p, a, b, &m), SK_ERR_AUTH);
	/* Malformed. */
	assert_int_equal(sk_totp_verify_consecutive(seed20, SEED20_LEN, NOW, &p, "12345", b, &m), SK_ERR_AUTH);
	assert_int_equal(sk_totp_verify_consecutive(seed20, SEED20_LEN, NOW, &p, a, "", &m), SK_ERR_AUTH);
	assert_int_equal(sk_totp_verify_consecutive(seed20, SEED20_LEN, NOW, &p, NULL, b, &m), SK_ERR_AUTH);
	/* Near the epoch: step 0 then 1 at t = 30. */
	code_at(&p, 0, a);
	code_at(&p, 1, b);
	assert_int_equal(sk_totp_verify_consecutive(seed20, SEED20_LEN, 30, &p, a, b, &m), SK_OK);
	assert_int_equal(m, 1);
	assert_int_equal(sk_totp_verify_consecutive(seed20, SEED20_LEN, -40, &p, a, b, &m), SK_ERR_AUTH);
}

static void
test_hotp_verify(void **state)
{
	char code[SK_OTP_CODE_MAX + 1];
	uint64_t next = 0;

	(void)state;
	assert_int_equal(sk_hotp_verify(seed20, SEED20_LEN, 0, 5, SK_OTP_SHA1, 6, "969429", &next), SK_OK);
	assert_int_equal(next, 4);
	assert_int_equal(sk_hotp_verify(seed20, SEED20_LEN, 0, 0, SK_OTP_SHA1, 6, "755224", &next), SK_OK);
	assert_int_equal(next, 1);
	/* Counter 9 is beyond 0 + 5; counter 0 is behind 4. */
	assert_int_equal(sk_hotp_verify(seed20, SEED20_LEN, 0, 5, SK_OTP_SHA1, 6, "520489", &next), SK_ERR_AUTH);
	assert_int_equal(sk_hotp_verify(seed20, SEED20_LEN, 4, 5, SK_OTP_SHA1, 6, "755224", &next), SK_ERR_AUTH);
	assert_int_equal(sk_hotp_verify(seed20, SEED20_LEN, 0, 5, SK_OTP_SHA1, 6, "75522", &next), SK_ERR_AUTH);
	assert_int_equal(sk_hotp_verify(seed20, SEED20_LEN, 0, 5, SK_OTP_SHA1, 6, "75522x", &next), SK_ERR_AUTH);
	/* Near the top of the counter space nothing wraps. */
	assert_int_equal(sk_hotp(seed20, SEED20_LEN, UINT64_MAX - 2, SK_OTP_SHA1, 6, code, sizeof(code)), SK_OK);
	assert_int_equal(sk_hotp_verify(seed20, SEED20_LEN, UINT64_MAX - 3, 100, SK_OTP_SHA1, 6, code, &next), SK_OK);
	assert_int_equal(next, UINT64_MAX - 1);
	assert_int_equal(sk_hotp_verify(seed20, SEED20_LEN, UINT64_MAX, 1, SK_OTP_SHA1, 6, code, &next), SK_ERR_AUTH);
	assert_int_equal(sk_hotp_verify(seed20, SEED20_LEN, 0, 5, SK_OTP_SHA1, 6, code, NULL), SK_ERR_INVALID);
}

/* ---- parameters -------------------------------------------------------- */

static void
test_params(void **state)
{
	sk_otp_params p;

	(void)state;
	sk_otp_params_default(&p);
	assert_int_equal(p.alg, SK_OTP_SHA1);
	assert_int_equal(p.digits, 6);
	assert_int_equal(p.period, 30);
	assert_int_equal(p.window, 1);
	assert_int_equal(sk_otp_params_check(&p), SK_OK);
	assert_int_equal(sk_otp_params_check(NULL), SK_ERR_INVALID);

	p.digits = 5; assert_int_equal(sk_otp_params_check(&p), SK_ERR_INVALID);
	p.digits = 8; assert_int_equal(sk_otp_params_check(&p), SK_OK);
	p.digits = 9; assert_int_equal(sk_otp_params_check(&p), SK_ERR_INVALID);
	p.digits = 6;
	p.period = 0; assert_int_equal(sk_otp_params_check(&p), SK_ERR_INVALID);
	p.period = 1; assert_int_equal(sk_otp_params_check(&p), SK_OK);
	p.period = 300; assert_int_equal(sk_otp_params_check(&p), SK_OK);
	p.period = 301; assert_int_equal(sk_otp_params_check(&p), SK_ERR_INVALID);
	p.period = 30;
	p.window = 0; assert_int_equal(sk_otp_params_check(&p), SK_OK);
	p.window = 10; assert_int_equal(sk_otp_params_check(&p), SK_OK);
	p.window = 11; assert_int_equal(sk_otp_params_check(&p), SK_ERR_INVALID);
	p.window = 1;
	p.alg = SK_OTP_SHA512; assert_int_equal(sk_otp_params_check(&p), SK_OK);
	p.alg = (sk_otp_alg)3; assert_int_equal(sk_otp_params_check(&p), SK_ERR_INVALID);
	p.alg = (sk_otp_alg)-1; assert_int_equal(sk_otp_params_check(&p), SK_ERR_INVALID);
}

static void
test_alg_names(void **state)
{
	sk_otp_alg a = SK_OTP_SHA1;

	(void)state;
	assert_string_equal(sk_otp_alg_name(SK_OTP_SHA1), "sha1");
	assert_string_equal(sk_otp_alg_name(SK_OTP_SHA256), "sha256");
	assert_string_equal(sk_otp_alg_name(SK_OTP_SHA512), "sha512");
	assert_null(sk_otp_alg_name((sk_otp_alg)3));
	assert_int_equal(sk_otp_alg_parse("sha256", &a), SK_OK);
	assert_int_equal(a, SK_OTP_SHA256);
	assert_int_equal(sk_otp_alg_parse("SHA512", &a), SK_OK);
	assert_int_equal(a, SK_OTP_SHA512);
	assert_int_equal(sk_otp_alg_parse("Sha1", &a), SK_OK);
	assert_int_equal(a, SK_OTP_SHA1);
	a = SK_OTP_SHA256;
	assert_int_equal(sk_otp_alg_parse("sha-1", &a), SK_ERR_INVALID);
	assert_int_equal(sk_otp_alg_parse("", &a), SK_ERR_INVALID);
	assert_int_equal(sk_otp_alg_parse("sha", &a), SK_ERR_INVALID);
	assert_int_equal(sk_otp_alg_parse("sha2561", &a), SK_ERR_INVALID);
	assert_int_equal(sk_otp_alg_parse("md5", &a), SK_ERR_INVALID);
	assert_int_equal(sk_otp_alg_parse(NULL, &a), SK_ERR_INVALID);
	assert_int_equal(sk_otp_alg_parse("sha1", NULL), SK_ERR_INVALID);
	assert_int_equal(a, SK_OTP_SHA256);  /* untouched on failure */
}

/* ---- Base32 ------------------------------------------------------------ */

static void
check_decode(const char *in, const char *want)
{
	uint8_t out[128];
	size_t n = 99;

	assert_int_equal(sk_base32_decode(in, strlen(in), out, sizeof(out), &n), SK_OK);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(out, want, n);
}

static void
test_base32_rfc4648(void **state)
{
	static const struct { const char *raw, *padded, *bare; } v[] = {
		{ "", "", "" },
		{ "f", "MY======", "MY" },
		{ "fo", "MZXQ====", "MZXQ" },
		{ "foo", "MZXW6===", "MZXW6" },
		{ "foob", "MZXW6YQ=", "MZXW6YQ" },
		{ "fooba", "MZXW6YTB", "MZXW6YTB" },
		{ "foobar", "MZXW6YTBOI======", "MZXW6YTBOI" },
	};
	char enc[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t len = strlen(v[i].raw);
		assert_int_equal(sk_base32_encoded_len(len), strlen(v[i].bare));
		assert_int_equal(sk_base32_encode((const uint8_t *)v[i].raw, len, enc, sizeof(enc)), SK_OK);
		assert_string_equal(enc, v[i].bare);
		check_decode(v[i].padded, v[i].raw);
		check_decode(v[i].bare, v[i].raw);
	}
	/* The RFC 6238 seed, as authenticator apps show it. */
	assert_int_equal(sk_base32_encode(seed20, SEED20_LEN, enc, sizeof(enc)), SK_OK);
	assert_string_equal(enc, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

static void
test_base32_roundtrip(void **state)
{
	uint8_t in[SK_OTP_SECRET_MAX], out[SK_OTP_SECRET_MAX];
	char enc[2 * SK_OTP_SECRET_MAX], grp[3 * SK_OTP_SECRET_MAX];
	size_t len, i, n;
	unsigned seed = 12345;

	(void)state;
	for (len = 0; len <= SK_OTP_SECRET_MAX; len++) {
		for (i = 0; i < len; i++) {
			seed = seed * 1103515245u + 12345u;
			in[i] = (uint8_t)(seed >> 16);
		}
		assert_int_equal(sk_base32_encode(in, len, enc, sizeof(enc)), SK_OK);
		assert_int_equal(strlen(enc), sk_base32_encoded_len(len));
		assert_int_equal(sk_base32_decode(enc, strlen(enc), out, len, &n), SK_OK);
		assert_int_equal(n, len);
		assert_memory_equal(in, out, len);
		assert_int_equal(sk_base32_encode_grouped(in, len, grp, sizeof(grp)), SK_OK);
		assert_int_equal(sk_base32_decode(grp, strlen(grp), out, len, &n), SK_OK);
		assert_int_equal(n, len);
		assert_memory_equal(in, out, len);
		/* One byte too few in out is TOOLONG. */
		if (len > 0)
			assert_int_equal(sk_base32_decode(enc, strlen(enc), out, len - 1, &n),
					 SK_ERR_TOOLONG);
	}
}

static void
test_base32_tolerant(void **state)
{
	(void)state;
	check_decode("mzxw6ytboi", "foobar");
	check_decode("MzXw6YtBoI", "foobar");
	check_decode("MZXW 6YTB OI", "foobar");
	check_decode("mzxw-6ytb-oi", "foobar");
	check_decode("\tMZXW6YTBOI  ", "foobar");
	check_decode("MZXW6YTBOI======", "foobar");
	check_decode("MZXW6YTBOI== ====", "foobar");
	check_decode("MZXW6YTBOI====== ", "foobar");
	check_decode("jbsw y3dp ehpk 3pxp", "Hello!\xde\xad\xbe\xef");
	check_decode("   ", "");
	check_decode("", "");
}

static void
test_base32_reject(void **state)
{
	static const char *const bad[] = {
		"MZXW6YTB1",          /* '1' is not in the alphabet */
		"MZXW6YTB0",          /* nor '0' */
		"MZXW6YTB8",
		"MZXW_6YTB",
		"MZXW.6YTB",
		"MZXW\n6YTB",         /* newline is not a separator */
		"MZXW6YT\xc3\xa9",    /* UTF-8 */
		"M",                  /* 1, 3 and 6 characters are impossible lengths */
		"MZX",
		"MZXW6Y",
		"MZXW6YTBO",
		"MY=====",            /* wrong amount of padding */
		"MY=======",
		"MZXW6YTB========",   /* padding after a full group */
		"MY======MY",         /* data after padding */
		"=",
		"MZ=XQ",
	};
	uint8_t out[64];
	size_t i, n = 7;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(sk_base32_decode(bad[i], strlen(bad[i]), out, sizeof(out), &n),
				 SK_ERR_INVALID);
	/* An embedded NUL within in_len is just another bad character. */
	assert_int_equal(sk_base32_decode("MZ\0XQ", 5, out, sizeof(out), &n), SK_ERR_INVALID);
	/* Only in_len characters are read. */
	assert_int_equal(sk_base32_decode("MZXQ!!!", 4, out, sizeof(out), &n), SK_OK);
	assert_int_equal(n, 2);
	/* Output bound. */
	assert_int_equal(sk_base32_decode("MZXW6YTBOI", 10, out, 5, &n), SK_ERR_TOOLONG);
	assert_int_equal(sk_base32_decode("MZXW6YTBOI", 10, out, 6, &n), SK_OK);
	assert_int_equal(n, 6);
	assert_int_equal(sk_base32_decode("", 0, NULL, 0, &n), SK_OK);
	assert_int_equal(n, 0);
	assert_int_equal(sk_base32_decode("MY", 2, NULL, 0, &n), SK_ERR_TOOLONG);
	assert_int_equal(sk_base32_decode(NULL, 2, out, sizeof(out), &n), SK_ERR_INVALID);
	assert_int_equal(sk_base32_decode("MY", 2, out, sizeof(out), NULL), SK_ERR_INVALID);
}

static void
test_base32_encode_bounds(void **state)
{
	char out[40];

	(void)state;
	assert_int_equal(sk_base32_encoded_len(0), 0);
	assert_int_equal(sk_base32_encoded_len(20), 32);
	assert_int_equal(sk_base32_encoded_len(64), 103);
	assert_int_equal(sk_base32_encoded_len(SIZE_MAX), SIZE_MAX);
	assert_int_equal(sk_base32_encode(seed20, SEED20_LEN, out, 32), SK_ERR_TOOLONG);
	assert_int_equal(sk_base32_encode(seed20, SEED20_LEN, out, 33), SK_OK);
	assert_int_equal(sk_base32_encode(NULL, 1, out, sizeof(out)), SK_ERR_INVALID);
	assert_int_equal(sk_base32_encode(seed20, 1, NULL, 10), SK_ERR_INVALID);
	assert_int_equal(sk_base32_encode(NULL, 0, out, 1), SK_OK);
	assert_string_equal(out, "");
}

static void
test_base32_grouped(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(sk_base32_encode_grouped((const uint8_t *)"Hello!\xde\xad\xbe\xef", 10,
						  out, sizeof(out)), SK_OK);
	assert_string_equal(out, "JBSW Y3DP EHPK 3PXP");
	assert_int_equal(sk_base32_encode_grouped(seed20, SEED20_LEN, out, sizeof(out)), SK_OK);
	assert_string_equal(out, "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
	assert_int_equal(sk_base32_encode_grouped((const uint8_t *)"foobar", 6, out, sizeof(out)), SK_OK);
	assert_string_equal(out, "MZXW 6YTB OI");
	assert_int_equal(sk_base32_encode_grouped((const uint8_t *)"foo", 3, out, sizeof(out)), SK_OK);
	assert_string_equal(out, "MZXW 6");
	assert_int_equal(sk_base32_encode_grouped((const uint8_t *)"f", 1, out, sizeof(out)), SK_OK);
	assert_string_equal(out, "MY");
	assert_int_equal(sk_base32_encode_grouped(NULL, 0, out, sizeof(out)), SK_OK);
	assert_string_equal(out, "");
	/* 32 characters + 7 spaces + NUL = 40. */
	assert_int_equal(sk_base32_encode_grouped(seed20, SEED20_LEN, out, 39), SK_ERR_TOOLONG);
	assert_int_equal(sk_base32_encode_grouped(seed20, SEED20_LEN, out, 40), SK_OK);
}

/* ---- otpauth URI ------------------------------------------------------- */

static void
test_otpauth_uri(void **state)
{
	sk_otp_params p = params(SK_OTP_SHA256, 8, 60, 1);
	char *uri;

	(void)state;
	/* Space, ':' and '@' and Japanese (UTF-8) in issuer and account. */
	uri = sk_otpauth_uri("ACME Co:東京", "山田 taro@example.jp", seed20, SEED20_LEN, &p);
	assert_non_null(uri);
	assert_string_equal(uri,
		"otpauth://totp/ACME%20Co%3A%E6%9D%B1%E4%BA%AC:%E5%B1%B1%E7%94%B0%20taro%40example.jp"
		"?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME%20Co%3A%E6%9D%B1%E4%BA%AC"
		"&algorithm=SHA256&digits=8&period=60");
	free(uri);

	sk_otp_params_default(&p);
	uri = sk_otpauth_uri("Sekisho", "alice", (const uint8_t *)"Hello!\xde\xad\xbe\xef", 10, &p);
	assert_non_null(uri);
	assert_string_equal(uri, "otpauth://totp/Sekisho:alice?secret=JBSWY3DPEHPK3PXP"
				 "&issuer=Sekisho&algorithm=SHA1&digits=6&period=30");
	free(uri);

	/* Unreserved characters stay; everything else is encoded. */
	p.alg = SK_OTP_SHA512;
	p.period = 300;
	uri = sk_otpauth_uri("a-b.c_d~e", "x/y?z&w=1+2#%", seed20, 1, &p);
	assert_non_null(uri);
	assert_string_equal(uri, "otpauth://totp/a-b.c_d~e:x%2Fy%3Fz%26w%3D1%2B2%23%25?secret=GE"
				 "&issuer=a-b.c_d~e&algorithm=SHA512&digits=6&period=300");
	free(uri);

	/* Empty issuer: left out. */
	sk_otp_params_default(&p);
	uri = sk_otpauth_uri("", "bob", seed20, 1, &p);
	assert_non_null(uri);
	assert_string_equal(uri, "otpauth://totp/bob?secret=GE&algorithm=SHA1&digits=6&period=30");
	free(uri);

	/* Invalid input gives NULL. */
	assert_null(sk_otpauth_uri(NULL, "bob", seed20, 20, &p));
	assert_null(sk_otpauth_uri("x", NULL, seed20, 20, &p));
	assert_null(sk_otpauth_uri("x", "", seed20, 20, &p));
	assert_null(sk_otpauth_uri("x", "bob", NULL, 20, &p));
	assert_null(sk_otpauth_uri("x", "bob", seed20, 0, &p));
	assert_null(sk_otpauth_uri("x", "bob", seed20, 20, NULL));
	p.digits = 9;
	assert_null(sk_otpauth_uri("x", "bob", seed20, 20, &p));
}

static void
test_otpauth_uri_long(void **state)
{
	sk_otp_params p;
	char *name, *uri;
	uint8_t key[SK_OTP_SECRET_MAX];

	(void)state;
	sk_otp_params_default(&p);
	memset(key, 0xa5, sizeof(key));
	name = malloc(2000);
	assert_non_null(name);
	/* 1024 bytes that all need encoding: accepted, 3 bytes each. */
	memset(name, '@', 1024);
	name[1024] = '\0';
	uri = sk_otpauth_uri(name, name, key, sizeof(key), &p);
	assert_non_null(uri);
	assert_int_equal(strlen(uri), strlen("otpauth://totp/:?secret=&issuer=&algorithm=SHA1&digits=6&period=30")
			 + 3 * 3 * 1024 + 103);
	free(uri);
	memset(name, 'a', 1025);
	name[1025] = '\0';
	assert_null(sk_otpauth_uri(name, "bob", key, sizeof(key), &p));
	assert_null(sk_otpauth_uri("x", name, key, sizeof(key), &p));
	free(name);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4226_appendix_d),
		cmocka_unit_test(test_rfc6238_appendix_b),
		cmocka_unit_test(test_hotp_args),
		cmocka_unit_test(test_totp_step_and_time_edges),
		cmocka_unit_test(test_verify_window),
		cmocka_unit_test(test_verify_replay),
		cmocka_unit_test(test_verify_near_epoch),
		cmocka_unit_test(test_verify_malformed),
		cmocka_unit_test(test_verify_consecutive),
		cmocka_unit_test(test_hotp_verify),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_alg_names),
		cmocka_unit_test(test_base32_rfc4648),
		cmocka_unit_test(test_base32_roundtrip),
		cmocka_unit_test(test_base32_tolerant),
		cmocka_unit_test(test_base32_reject),
		cmocka_unit_test(test_base32_encode_bounds),
		cmocka_unit_test(test_base32_grouped),
		cmocka_unit_test(test_otpauth_uri),
		cmocka_unit_test(test_otpauth_uri_long),
	};

	return cmocka_run_group_tests_name("otp", tests, NULL, NULL);
}
