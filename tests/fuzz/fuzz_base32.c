/*
 * tests/fuzz/fuzz_base32.c - libFuzzer target for the OTP input parsers:
 * sk_base32_decode() (with a re-encode round trip and output-bound checks),
 * sk_totp_verify() with the input as the code, and sk_otpauth_uri() with the
 * input as issuer and account.
 *
 *   make build/fuzz/fuzz_base32
 *   build/fuzz/fuzz_base32 -runs=200000 tests/fuzz/corpus/fuzz_base32
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sekisho/error.h"
#include "sekisho/otp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond) do { if (!(cond)) abort(); } while (0)

static void
fuzz_decode(const uint8_t *data, size_t size)
{
	uint8_t out[1024], again[1024];
	char enc[2048], grp[2600];
	size_t n = 0, n2 = 0;
	int r;

	r = sk_base32_decode((const char *)data, size, out, sizeof(out), &n);
	CHECK(r == SK_OK || r == SK_ERR_INVALID || r == SK_ERR_TOOLONG);
	if (r != SK_OK)
		return;
	CHECK(n <= sizeof(out) && n <= size);
	/* The bound is exact: n bytes fit, n - 1 do not. */
	CHECK(sk_base32_decode((const char *)data, size, again, n, &n2) == SK_OK && n2 == n);
	CHECK(memcmp(out, again, n) == 0);
	if (n > 0)
		CHECK(sk_base32_decode((const char *)data, size, again, n - 1, &n2) == SK_ERR_TOOLONG);
	/* Re-encoding gives canonical text that decodes to the same bytes. */
	CHECK(sk_base32_encode(out, n, enc, sizeof(enc)) == SK_OK);
	CHECK(strlen(enc) == sk_base32_encoded_len(n));
	CHECK(sk_base32_decode(enc, strlen(enc), again, sizeof(again), &n2) == SK_OK);
	CHECK(n2 == n && memcmp(out, again, n) == 0);
	CHECK(sk_base32_encode_grouped(out, n, grp, sizeof(grp)) == SK_OK);
	CHECK(sk_base32_decode(grp, strlen(grp), again, sizeof(again), &n2) == SK_OK);
	CHECK(n2 == n && memcmp(out, again, n) == 0);
}

static void
fuzz_verify(const uint8_t *data, size_t size)
{
	static const uint8_t key[20] = "12345678901234567890";
	char code[16], want[SK_OTP_CODE_MAX + 1];
	sk_otp_params p;
	int64_t now = 1111111111;
	uint64_t last = 0, m = 0;
	const uint8_t *nl = size == 0 ? NULL : memchr(data, '\n', size < sizeof(code) ? size : sizeof(code));
	size_t len = nl != NULL ? (size_t)(nl - data) : (size < sizeof(code) ? size : sizeof(code) - 1);
	int r;

	sk_otp_params_default(&p);
	/* "CODE\nPARAMS": the bytes after a newline pick parameters, time, last step. */
	if (nl != NULL) {
		const uint8_t *x = nl + 1;
		size_t rest = size - len - 1;
		if (rest > 0)
			p.digits = 6 + x[0] % 3;
		if (rest > 1)
			p.window = x[1] % 11;
		if (rest > 2)
			p.alg = (sk_otp_alg)(x[2] % 3);
		if (rest > 3)
			p.period = 1 + x[3] % 300;
		if (rest >= 12) {
			uint64_t t = 0;
			for (size_t i = 4; i < 12; i++)
				t = t << 8 | x[i];
			now = (int64_t)t;
		}
		if (rest >= 13)
			last = x[12] & 1 ? sk_totp_step(now, p.period) : 0;
	}
	memcpy(code, data, len);
	code[len] = '\0';
	r = sk_totp_verify(key, sizeof(key), now, &p, code, last, &m);
	CHECK(r == SK_OK || r == SK_ERR_AUTH || r == SK_ERR_REPLAY);
	if (r == SK_OK) {
		/* Accepted: the code is the HOTP of the matched step, in the window. */
		CHECK(m > last);
		CHECK(sk_hotp(key, sizeof(key), m, p.alg, p.digits, want, sizeof(want)) == SK_OK);
		CHECK(strcmp(want, code) == 0);
		CHECK(now >= 0 ? m + p.window >= sk_totp_step(now, p.period) &&
				 m <= sk_totp_step(now, p.period) + p.window
			       : m <= p.window);
	}
	r = sk_totp_verify_consecutive(key, sizeof(key), now, &p, code, code, &m);
	CHECK(r == SK_OK || r == SK_ERR_AUTH);
}

static int
uri_char_ok(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || strchr("-._~%:/?=&", c) != NULL;
}

static void
fuzz_uri(const uint8_t *data, size_t size)
{
	static const uint8_t key[10] = "0123456789";
	sk_otp_params p;
	char *s, *uri;
	size_t i;

	if ((s = malloc(size + 1)) == NULL)
		return;
	memcpy(s, data, size);
	s[size] = '\0';
	sk_otp_params_default(&p);
	uri = sk_otpauth_uri(s, s[0] != '\0' ? s : "x", key, sizeof(key), &p);
	if (strlen(s) <= 1024)
		CHECK(uri != NULL);
	if (uri != NULL) {
		CHECK(strncmp(uri, "otpauth://totp/", 15) == 0);
		for (i = 0; uri[i] != '\0'; i++)
			CHECK(uri_char_ok((unsigned char)uri[i]));
		free(uri);
	}
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_decode(data, size);
	fuzz_verify(data, size);
	fuzz_uri(data, size);
	return 0;
}
