/*
 * bench/bench_otp.c - TOTP verifications per second: sekisho's
 * sk_totp_verify() against liboath's oath_totp_validate() (OATH Toolkit,
 * what pam_oath uses), same key, time and code, in one run.
 *
 * The case is the expensive one: SHA-1, 6 digits, window 1, and a wrong
 * code, so that both compute all three steps (liboath stops at a match;
 * sekisho never does).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <liboath/oath.h>

#include "sekisho/error.h"
#include "sekisho/otp.h"

#define MEASURE_SECONDS 1.5
#define BATCH 500

static const uint8_t key[20] = {
	0x3d, 0xc6, 0xca, 0xa4, 0x82, 0x4a, 0x6d, 0x28, 0x87, 0x67,
	0xb2, 0x33, 0x1e, 0x20, 0xb4, 0x31, 0x66, 0xcb, 0x85, 0xd9,
};
static const int64_t now = 1700000000;

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A 6-digit code that matches none of the steps now-1 .. now+1. */
static void
wrong_code(char out[SK_OTP_CODE_MAX + 1])
{
	char c[3][SK_OTP_CODE_MAX + 1];
	uint64_t s = sk_totp_step(now, 30);
	unsigned v, i;

	for (i = 0; i < 3; i++)
		if (sk_hotp(key, sizeof(key), s - 1 + i, SK_OTP_SHA1, 6, c[i], sizeof(c[i])) != SK_OK)
			abort();
	for (v = 0;; v++) {
		snprintf(out, SK_OTP_CODE_MAX + 1, "%06u", v);
		if (strcmp(out, c[0]) != 0 && strcmp(out, c[1]) != 0 && strcmp(out, c[2]) != 0)
			return;
	}
}

static double
bench_sekisho(const char *code)
{
	sk_otp_params p;
	uint64_t m, n = 0;
	double t0 = seconds(), t;
	int i;

	sk_otp_params_default(&p);
	do {
		for (i = 0; i < BATCH; i++)
			if (sk_totp_verify(key, sizeof(key), now, &p, code, 0, &m) != SK_ERR_AUTH)
				abort();
		n += BATCH;
		t = seconds() - t0;
	} while (t < MEASURE_SECONDS);
	return (double)n / t;
}

static double
bench_liboath(const char *code)
{
	uint64_t n = 0;
	double t0 = seconds(), t;
	int i;

	do {
		for (i = 0; i < BATCH; i++)
			if (oath_totp_validate((const char *)key, sizeof(key), (time_t)now, 30, 0, 1,
					       code) != OATH_INVALID_OTP)
				abort();
		n += BATCH;
		t = seconds() - t0;
	} while (t < MEASURE_SECONDS);
	return (double)n / t;
}

int
main(void)
{
	char code[SK_OTP_CODE_MAX + 1], good[SK_OTP_CODE_MAX + 1];
	sk_otp_params p;
	uint64_t m;
	double ours, theirs;

	if (oath_init() != OATH_OK) {
		fprintf(stderr, "bench_otp: oath_init failed\n");
		return 1;
	}
	/* Both must agree on a right code before we time a wrong one. */
	sk_otp_params_default(&p);
	if (sk_totp(key, sizeof(key), now, &p, good, sizeof(good)) != SK_OK ||
	    sk_totp_verify(key, sizeof(key), now, &p, good, 0, &m) != SK_OK ||
	    oath_totp_validate((const char *)key, sizeof(key), (time_t)now, 30, 0, 1, good) != 0) {
		fprintf(stderr, "bench_otp: sekisho and liboath disagree on the current code\n");
		return 1;
	}
	wrong_code(code);

	printf("TOTP verification: SHA-1, 6 digits, 30 s, window 1 (3 steps), 20-byte key, wrong code\n");
	ours = bench_sekisho(code);
	printf("  sekisho sk_totp_verify       %10.0f verifications/s  (%.2f us each)\n",
	       ours, 1e6 / ours);
	theirs = bench_liboath(code);
	printf("  liboath oath_totp_validate   %10.0f verifications/s  (%.2f us each)\n",
	       theirs, 1e6 / theirs);
	printf("  ratio sekisho/liboath        %10.2f\n", ours / theirs);
	oath_done();
	return 0;
}
