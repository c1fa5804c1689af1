/*
 * cli/cmd_totp.c - `sekisho totp`: prints the TOTP code for a Base32
 * secret, for diagnosing a user's authenticator ("which code should the
 * phone show now?").  Same output as
 *   oathtool --totp[=sha256|sha512] -b --digits=N --time-step-size=Ns --now=@T SECRET
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "cli.h"
#include "sekisho/error.h"
#include "sekisho/otp.h"

static void
totp_usage(FILE *f)
{
	fprintf(f,
		"usage: sekisho totp [--digits N] [--period SECONDS] [--algorithm sha1|sha256|sha512]\n"
		"                    [--time UNIX_SECONDS] SECRET_BASE32\n"
		"Prints the TOTP code for SECRET_BASE32 now (or at --time).\n"
		"Defaults: 6 digits, 30 seconds, sha1.  Spaces and hyphens in the secret are ignored.\n");
}

/* Strict decimal: digits only, no sign, no spaces, within lo..hi. */
static int
parse_dec(const char *s, unsigned long long lo, unsigned long long hi,
	  unsigned long long *out)
{
	unsigned long long v;
	char *end;

	if (s[0] < '0' || s[0] > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
cmd_totp(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "digits", required_argument, NULL, 'd' },
		{ "period", required_argument, NULL, 'p' },
		{ "algorithm", required_argument, NULL, 'a' },
		{ "time", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint8_t key[SK_OTP_SECRET_MAX];
	char code[SK_OTP_CODE_MAX + 1];
	sk_otp_params p;
	unsigned long long v;
	const char *secret;
	size_t key_len = 0;
	int64_t now = (int64_t)time(NULL);
	int c, r, status = EXIT_USAGE;

	sk_otp_params_default(&p);
	/* argv[0] is "totp"; the caller's getopt stopped at it. */
	optind = 0; /* 0: full re-initialisation of GNU getopt */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (parse_dec(optarg, 6, SK_OTP_CODE_MAX, &v) != 0) {
				fprintf(stderr, "sekisho totp: --digits must be 6, 7 or 8, not '%s'\n", optarg);
				goto out;
			}
			p.digits = (unsigned)v;
			break;
		case 'p':
			if (parse_dec(optarg, 1, 300, &v) != 0) {
				fprintf(stderr, "sekisho totp: --period must be a number of seconds "
					"from 1 to 300, not '%s'\n", optarg);
				goto out;
			}
			p.period = (unsigned)v;
			break;
		case 'a':
			if (sk_otp_alg_parse(optarg, &p.alg) != SK_OK) {
				fprintf(stderr, "sekisho totp: --algorithm must be sha1, sha256 or "
					"sha512, not '%s'\n", optarg);
				goto out;
			}
			break;
		case 't':
			/* "@T" as oathtool's --now spells it is accepted too. */
			if (parse_dec(optarg + (optarg[0] == '@'), 0, INT64_MAX, &v) != 0) {
				fprintf(stderr, "sekisho totp: --time must be Unix seconds "
					"(0 or more), not '%s'\n", optarg);
				goto out;
			}
			now = (int64_t)v;
			break;
		case 'h':
			totp_usage(stdout);
			status = 0;
			goto out;
		case ':':
			fprintf(stderr, "sekisho totp: option %s needs a value\n", argv[optind - 1]);
			totp_usage(stderr);
			goto out;
		default:
			fprintf(stderr, "sekisho totp: unknown option %s\n", argv[optind - 1]);
			totp_usage(stderr);
			goto out;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, argc - optind == 0 ?
			"sekisho totp: give the secret in Base32 (quote it if it has spaces)\n" :
			"sekisho totp: give exactly one secret (quote it if it has spaces)\n");
		totp_usage(stderr);
		goto out;
	}
	secret = argv[optind];
	r = sk_base32_decode(secret, strlen(secret), key, sizeof(key), &key_len);
	if (r == SK_ERR_TOOLONG) {
		fprintf(stderr, "sekisho totp: the secret is longer than %d bytes\n", SK_OTP_SECRET_MAX);
		goto out;
	}
	if (r == SK_OK && key_len == 0) {
		fprintf(stderr, "sekisho totp: the secret is empty\n");
		goto out;
	}
	if (r != SK_OK) {
		fprintf(stderr, "sekisho totp: the secret is not valid Base32 (letters A-Z and "
			"digits 2-7; spaces, hyphens and '=' padding are ignored)\n");
		goto out;
	}
	if ((r = sk_totp(key, key_len, now, &p, code, sizeof(code))) != SK_OK) {
		fprintf(stderr, "sekisho totp: cannot compute the code: %s\n", sk_strerror(r));
		status = EXIT_REFUSED;
		goto out;
	}
	printf("%s\n", code);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "sekisho totp: cannot write the code: %s\n", strerror(errno));
		status = EXIT_REFUSED;
		goto out;
	}
	status = 0;
out:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(code, sizeof(code));
	return status;
}
