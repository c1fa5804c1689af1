/*
 * tests/unit/test_policy.c - password rules (requirement A3).
 *
 * Every check asserts the exact set of failed rules.  The guessability
 * verdicts are what the installed zxcvbn-c (Debian libzxcvbn 2.5) computes;
 * the estimates are quoted beside the cases so a change of library version
 * that moves them shows up here first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sekisho/error.h"
#include "sekisho/policy.h"

static const sk_policy_preset presets[] = {
	SK_POLICY_AWS, SK_POLICY_STRONG, SK_POLICY_NIST
};
#define N_PRESETS (sizeof(presets) / sizeof(presets[0]))

static const uint32_t all_rules[SK_RULE__COUNT] = {
	SK_RULE_MIN_LENGTH, SK_RULE_MAX_LENGTH, SK_RULE_CLASSES,
	SK_RULE_UPPER, SK_RULE_LOWER, SK_RULE_DIGIT, SK_RULE_EQUALS_NAME,
	SK_RULE_CONTAINS_NAME, SK_RULE_GUESSABLE, SK_RULE_INVALID_UTF8,
	SK_RULE_SAME_AS_CURRENT,
};

static sk_policy
preset(sk_policy_preset which)
{
	sk_policy p;

	assert_int_equal(sk_policy_preset_init(&p, which), SK_OK);
	return p;
}

/* The failed bits for password (len bytes) under p; checks the return code agrees. */
static uint32_t
failed_len(const sk_policy *p, const char *pw, size_t len, const char *user,
	   const char *email)
{
	sk_policy_result res;
	int r = sk_policy_check(p, pw, len, user, email, &res);

	assert_int_equal(r, res.failed == 0 ? SK_OK : SK_ERR_POLICY);
	return res.failed;
}

static uint32_t
failed(const sk_policy *p, const char *pw, const char *user, const char *email)
{
	return failed_len(p, pw, strlen(pw), user, email);
}

static double
guesses(const char *pw, const char *user, const char *email)
{
	sk_policy p = preset(SK_POLICY_NIST);
	sk_policy_result res;
	int r = sk_policy_check(&p, pw, strlen(pw), user, email, &res);

	assert_true(r == SK_OK || r == SK_ERR_POLICY);
	return res.guesses_log10;
}

/*
 * Writes n characters drawn from set, deterministically pseudo-random
 * (xorshift32 from seed), so the text has no dictionary words or patterns
 * and the guessability rule stays quiet.
 */
static void
random_text(char *out, size_t n, const char *set, uint32_t seed)
{
	size_t i, m = strlen(set);
	uint32_t x = seed != 0 ? seed : 0x9e3779b9u;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		out[i] = set[x % m];
	}
	out[n] = '\0';
}

static int
valid_utf8(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;

	while (*u != '\0') {
		size_t k, n = *u < 0x80 ? 0 : *u >= 0xf0 ? 3 : *u >= 0xe0 ? 2 : 1;

		for (k = 1; k <= n; k++)
			if ((u[k] & 0xc0) != 0x80)
				return 0;
		u += n + 1;
	}
	return 1;
}

/* ---- presets -------------------------------------------------------------- */

static void
test_preset_defaults(void **state)
{
	sk_policy p;

	(void)state;
	p = preset(SK_POLICY_AWS);
	assert_int_equal(p.preset, SK_POLICY_AWS);
	assert_int_equal(p.min_length, 8);
	assert_int_equal(p.max_length, 128);
	assert_int_equal(p.min_classes, 3);
	assert_false(p.require_upper || p.require_lower || p.require_digit);
	assert_true(p.min_guesses_log10 == 8.0);

	p = preset(SK_POLICY_STRONG);
	assert_int_equal(p.preset, SK_POLICY_STRONG);
	assert_int_equal(p.min_length, 12);
	assert_int_equal(p.max_length, 128);
	assert_int_equal(p.min_classes, 0);
	assert_true(p.require_upper && p.require_lower && p.require_digit);
	assert_true(p.min_guesses_log10 == 8.0);

	p = preset(SK_POLICY_NIST);
	assert_int_equal(p.preset, SK_POLICY_NIST);
	assert_int_equal(p.min_length, 8);
	assert_int_equal(p.max_length, 128);
	assert_int_equal(p.min_classes, 0);
	assert_false(p.require_upper || p.require_lower || p.require_digit);
	assert_true(p.min_guesses_log10 == 8.0);

	assert_int_equal(sk_policy_preset_init(&p, (sk_policy_preset)3),
	    SK_ERR_INVALID);
	assert_int_equal(sk_policy_preset_init(NULL, SK_POLICY_AWS),
	    SK_ERR_INVALID);
}

static void
test_preset_names(void **state)
{
	sk_policy_preset out;
	size_t i;

	(void)state;
	assert_string_equal(sk_policy_preset_name(SK_POLICY_AWS), "aws");
	assert_string_equal(sk_policy_preset_name(SK_POLICY_STRONG), "strong");
	assert_string_equal(sk_policy_preset_name(SK_POLICY_NIST), "nist");
	for (i = 0; i < N_PRESETS; i++) {
		out = (sk_policy_preset)99;
		assert_int_equal(sk_policy_preset_parse(
		    sk_policy_preset_name(presets[i]), &out), SK_OK);
		assert_int_equal(out, presets[i]);
	}
	assert_string_equal(sk_policy_preset_name((sk_policy_preset)7),
	    "unknown");
	assert_int_equal(sk_policy_preset_parse("unknown", &out),
	    SK_ERR_INVALID);
	assert_int_equal(sk_policy_preset_parse("AWS", &out), SK_ERR_INVALID);
	assert_int_equal(sk_policy_preset_parse("", &out), SK_ERR_INVALID);
	assert_int_equal(sk_policy_preset_parse("aws ", &out), SK_ERR_INVALID);
	assert_int_equal(sk_policy_preset_parse(NULL, &out), SK_ERR_INVALID);
	assert_int_equal(sk_policy_preset_parse("aws", NULL), SK_ERR_INVALID);
}

static void
test_bad_arguments(void **state)
{
	sk_policy p = preset(SK_POLICY_NIST), bad;
	sk_policy_result res;

	(void)state;
	assert_int_equal(sk_policy_check(NULL, "Xk7#mQ2p", 8, NULL, NULL, &res),
	    SK_ERR_INVALID);
	assert_int_equal(sk_policy_check(&p, "Xk7#mQ2p", 8, NULL, NULL, NULL),
	    SK_ERR_INVALID);
	assert_int_equal(sk_policy_check(&p, NULL, 8, NULL, NULL, &res),
	    SK_ERR_INVALID);

	/* NULL with length 0 is the empty password. */
	assert_int_equal(sk_policy_check(&p, NULL, 0, NULL, NULL, &res),
	    SK_ERR_POLICY);
	assert_int_equal(res.failed, SK_RULE_MIN_LENGTH | SK_RULE_GUESSABLE);
	assert_int_equal(failed(&p, "", NULL, NULL),
	    SK_RULE_MIN_LENGTH | SK_RULE_GUESSABLE);

	bad = p;
	bad.min_length = 20;
	bad.max_length = 10;
	assert_int_equal(sk_policy_check(&bad, "Xk7#mQ2p", 8, NULL, NULL, &res),
	    SK_ERR_INVALID);
	bad = p;
	bad.max_length = 0;
	bad.min_length = 0;
	assert_int_equal(sk_policy_check(&bad, "", 0, NULL, NULL, &res),
	    SK_ERR_INVALID);
	bad = p;
	bad.min_classes = 5;
	assert_int_equal(sk_policy_check(&bad, "Xk7#mQ2p", 8, NULL, NULL, &res),
	    SK_ERR_INVALID);
	bad = p;
	bad.min_guesses_log10 = -1.0;
	assert_int_equal(sk_policy_check(&bad, "Xk7#mQ2p", 8, NULL, NULL, &res),
	    SK_ERR_INVALID);
}

/* ---- length ----------------------------------------------------------------- */

/* Upper, lower, digit and aws symbols: every class, no look-alike patterns. */
static const char mixed[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"
	"23456789!@#$%^&*()_+-=[]{}";

/* A random mixed password of n characters that has all 4 classes. */
static void
mixed_password(char *out, size_t n, uint32_t seed)
{
	random_text(out, n, mixed, seed);
	out[0] = 'Q';
	out[1] = 'z';
	out[2] = '7';
	out[3] = '#';
}

static void
test_length_boundaries(void **state)
{
	char pw[200];
	sk_policy p;
	size_t i;

	(void)state;
	for (i = 0; i < N_PRESETS; i++) {
		p = preset(presets[i]);
		mixed_password(pw, p.min_length, 11);
		assert_int_equal(failed(&p, pw, NULL, NULL), 0);
		mixed_password(pw, p.min_length - 1, 11);
		assert_int_equal(failed(&p, pw, NULL, NULL), SK_RULE_MIN_LENGTH);
		mixed_password(pw, 128, 12);
		assert_int_equal(failed(&p, pw, NULL, NULL), 0);
		mixed_password(pw, 129, 12);
		assert_int_equal(failed(&p, pw, NULL, NULL), SK_RULE_MAX_LENGTH);
	}

	/* The literal boundaries the requirement names. */
	p = preset(SK_POLICY_AWS);
	assert_int_equal(failed(&p, "Xk7#mQ2p", NULL, NULL), 0);
	assert_int_equal(failed(&p, "Xk7#mQ2", NULL, NULL), SK_RULE_MIN_LENGTH);
	p = preset(SK_POLICY_STRONG);
	assert_int_equal(failed(&p, "Xk7#mQ2pLw9z", NULL, NULL), 0);
	assert_int_equal(failed(&p, "Xk7#mQ2pLw9", NULL, NULL),
	    SK_RULE_MIN_LENGTH);
	p = preset(SK_POLICY_NIST);
	assert_int_equal(failed(&p, "Xk7#mQ2p", NULL, NULL), 0);
	assert_int_equal(failed(&p, "Xk7#mQ2", NULL, NULL), SK_RULE_MIN_LENGTH);
}

static void
test_overlong_password(void **state)
{
	static char pw[5001];
	sk_policy p = preset(SK_POLICY_NIST);
	sk_policy_result res;

	(void)state;
	/* Far beyond what zxcvbn is given (the first 1024 bytes). */
	mixed_password(pw, 5000, 13);
	assert_int_equal(failed(&p, pw, NULL, NULL), SK_RULE_MAX_LENGTH);
	memset(pw, 'a', 5000);
	assert_int_equal(failed(&p, pw, NULL, NULL),
	    SK_RULE_MAX_LENGTH | SK_RULE_GUESSABLE);
	/* Multi-byte characters straddling the 1024-byte cut. */
	for (size_t i = 0; i + 3 <= 4998; i += 3)
		memcpy(pw + i + 1, "\xe3\x81\x82", 3);
	pw[0] = 'x';
	pw[4999] = '\0';
	assert_int_equal(sk_policy_check(&p, pw, strlen(pw), NULL, NULL, &res),
	    SK_ERR_POLICY);
	assert_true(res.failed & SK_RULE_MAX_LENGTH);
	assert_false(res.failed & SK_RULE_INVALID_UTF8);
}

static void
test_japanese_counted_by_code_points(void **state)
{
	/* ひらがな: 3 bytes each in UTF-8. */
	static const char kana[] = "あいうえおかきくけこさしすせそたちつてとなにぬねの";
	char pw[129 * 3 + 1];
	sk_policy p;
	size_t i;

	(void)state;
	p = preset(SK_POLICY_NIST);
	/* 8 code points, 24 bytes. */
	assert_int_equal(failed(&p, "やまだたろうです", NULL, NULL), 0);
	assert_int_equal(failed(&p, "やまだたろうで", NULL, NULL),
	    SK_RULE_MIN_LENGTH);
	for (i = 0; i < 128; i++)
		memcpy(pw + 3 * i, kana + 3 * ((i * 7 + i / 5) % 25), 3);
	pw[3 * 128] = '\0';
	assert_int_equal(failed(&p, pw, NULL, NULL), 0);
	memcpy(pw + 3 * 128, "ん", 3);
	pw[3 * 129] = '\0';
	assert_int_equal(failed(&p, pw, NULL, NULL), SK_RULE_MAX_LENGTH);

	/* A 4-byte character (U+1F511) is one character too. */
	assert_int_equal(failed(&p, "Xk7#mQ2\xf0\x9f\x94\x91", NULL, NULL), 0);
	assert_int_equal(failed(&p, "Xk7#mQ\xf0\x9f\x94\x91", NULL, NULL),
	    SK_RULE_MIN_LENGTH);

	/* Kana belong to none of the 4 classes. */
	p = preset(SK_POLICY_STRONG);
	assert_int_equal(failed(&p, "やまだたろうですよろしく", NULL, NULL),
	    SK_RULE_UPPER | SK_RULE_LOWER | SK_RULE_DIGIT);
	assert_int_equal(failed(&p, "やまだたろうですよろしA1b", NULL, NULL), 0);
	p = preset(SK_POLICY_AWS);
	assert_int_equal(failed(&p, "やまだたろうですよろしく", NULL, NULL),
	    SK_RULE_CLASSES);
}

/* ---- composition ---------------------------------------------------------- */

static void
test_aws_three_of_four(void **state)
{
	static const char *const sets[4] = {
		"ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz",
		"23456789", "!@#$%^&*()_+-=[]{}|'"
	};
	/* Characters of no class, for the empty combination. */
	static const char none[] = "~`<>?,./;:\"\\ ";
	sk_policy aws = preset(SK_POLICY_AWS);
	sk_policy strong = preset(SK_POLICY_STRONG);
	sk_policy nist = preset(SK_POLICY_NIST);
	unsigned combo, k;

	(void)state;
	for (combo = 0; combo < 16; combo++) {
		char set[128] = "", pw[21];
		unsigned n = 0;
		uint32_t want;

		for (k = 0; k < 4; k++)
			if (combo & (1u << k)) {
				strcat(set, sets[k]);
				n++;
			}
		if (n == 0)
			strcat(set, none);
		random_text(pw, 20, set, 1000 + combo);
		/* Make sure each chosen class really occurs. */
		for (k = 0; k < 4; k++)
			if (combo & (1u << k))
				pw[5 * k] = sets[k][combo % 8];

		want = n >= 3 ? 0 : SK_RULE_CLASSES;
		assert_int_equal(failed(&aws, pw, NULL, NULL), want);

		want = 0;
		if (!(combo & 1u))
			want |= SK_RULE_UPPER;
		if (!(combo & 2u))
			want |= SK_RULE_LOWER;
		if (!(combo & 4u))
			want |= SK_RULE_DIGIT;
		assert_int_equal(failed(&strong, pw, NULL, NULL), want);
		assert_int_equal(failed(&nist, pw, NULL, NULL), 0);
	}
}

static void
test_aws_symbol_set(void **state)
{
	static const char aws_symbols[] = "!@#$%^&*()_+-=[]{}|'";
	/* Printable ASCII outside the set, a space, and non-ASCII. */
	static const char *const not_symbols[] = {
		"~", " ", "`", "\"", "<", ">", "?", "/", "\\", ".", ",", ":",
		";", "\xc3\xa9" /* é */, "\xef\xbc\x81" /* fullwidth ! */,
	};
	sk_policy p = preset(SK_POLICY_AWS);
	char pw[32];
	size_t i;

	(void)state;
	/* Upper and lower case only (2 classes); the last character decides. */
	for (i = 0; aws_symbols[i] != '\0'; i++) {
		snprintf(pw, sizeof(pw), "QzkVmwXrPjtn%c", aws_symbols[i]);
		assert_int_equal(failed(&p, pw, NULL, NULL), 0);
	}
	for (i = 0; i < sizeof(not_symbols) / sizeof(not_symbols[0]); i++) {
		snprintf(pw, sizeof(pw), "QzkVmwXrPjtn%s", not_symbols[i]);
		assert_int_equal(failed(&p, pw, NULL, NULL), SK_RULE_CLASSES);
	}
	/* Without any symbol: 2 classes. */
	assert_int_equal(failed(&p, "QzkVmwXrPjtn", NULL, NULL),
	    SK_RULE_CLASSES);
	/* Digit instead: 3 classes. */
	assert_int_equal(failed(&p, "QzkVmwXrPjtn7", NULL, NULL), 0);
	/* Non-ASCII letters are no class: É is not upper case. */
	assert_int_equal(failed(&p, "\xc3\x89" "7qzkvmwxrpj", NULL, NULL),
	    SK_RULE_CLASSES);
	assert_int_equal(failed(&p, "E7qzkvmwxrpj", NULL, NULL), 0);
}

static void
test_strong_each_class(void **state)
{
	sk_policy p = preset(SK_POLICY_STRONG);

	(void)state;
	assert_int_equal(failed(&p, "QzkVmwXrPjt7", NULL, NULL), 0);
	assert_int_equal(failed(&p, "qzkvmwxrpjt7", NULL, NULL), SK_RULE_UPPER);
	assert_int_equal(failed(&p, "QZKVMWXRPJT7", NULL, NULL), SK_RULE_LOWER);
	assert_int_equal(failed(&p, "QzkVmwXrPjt#", NULL, NULL), SK_RULE_DIGIT);
	/* Symbols are optional under strong. */
	assert_int_equal(failed(&p, "Qz#Vm!Xr7j$n", NULL, NULL), 0);
	assert_int_equal(failed(&p, "Qz#V", NULL, NULL),
	    SK_RULE_MIN_LENGTH | SK_RULE_DIGIT | SK_RULE_GUESSABLE);
}

/* ---- names ------------------------------------------------------------------ */

/* The name rules alone: guessability off. */
static sk_policy
names_only(sk_policy_preset which)
{
	sk_policy p = preset(which);

	p.min_guesses_log10 = 0.0;
	return p;
}

static void
test_equals_name(void **state)
{
	sk_policy p;
	size_t i;

	(void)state;
	for (i = 0; i < N_PRESETS; i++) {
		p = names_only(presets[i]);
		/* A (silly) user name that passes every other rule. */
		assert_int_equal(failed(&p, "Xk7#mQ2pLw9z", "Xk7#mQ2pLw9z", NULL),
		    SK_RULE_EQUALS_NAME);
		assert_int_equal(failed(&p, "xK7#Mq2PlW9Z", "Xk7#mQ2pLw9z", NULL),
		    SK_RULE_EQUALS_NAME);
		assert_int_equal(failed(&p, "Xk7#mQ2pLw9z@Example.COM", NULL,
		    "xk7#mq2plw9z@example.com"), SK_RULE_EQUALS_NAME);
		/* Equality is reported alone, not also as containing. */
		assert_int_equal(failed(&p, "Xk7#mQ2pLw9z", "Xk7#mQ2pLw9z",
		    "Xk7#mQ2pLw9z@example.com"), SK_RULE_EQUALS_NAME);
	}
	/* Short names still may not be the password. */
	p = names_only(SK_POLICY_NIST);
	assert_int_equal(failed(&p, "Al", "al", NULL),
	    SK_RULE_MIN_LENGTH | SK_RULE_EQUALS_NAME);
	/* Empty names are no names. */
	assert_int_equal(failed(&p, "Xk7#mQ2pLw9z", "", ""), 0);

	/* With guessability on, zxcvbn knows the name too. */
	p = preset(SK_POLICY_AWS);
	assert_int_equal(failed(&p, "xK7#Mq2PlW9Z", "Xk7#mQ2pLw9z", NULL),
	    SK_RULE_EQUALS_NAME | SK_RULE_GUESSABLE);
}

static void
test_contains_name(void **state)
{
	sk_policy p;
	size_t i;

	(void)state;
	for (i = 0; i < N_PRESETS; i++) {
		p = names_only(presets[i]);
		assert_int_equal(failed(&p, "Blue-YAMADA-Sky-27", "yamada", NULL),
		    SK_RULE_CONTAINS_NAME);
		assert_int_equal(failed(&p, "Blue-yamada-Sky-27", "YaMaDa", NULL),
		    SK_RULE_CONTAINS_NAME);
		/* The e-mail's local part, whatever the case. */
		assert_int_equal(failed(&p, "Blue-Taro.Suzuki-27", "tsuzuki",
		    "taro.suzuki@example.com"), SK_RULE_CONTAINS_NAME);
		/* The local part ends at the last @. */
		assert_int_equal(failed(&p, "Blue-\"x@y\"-Sky-27", NULL,
		    "\"x@y\"@example.com"), SK_RULE_CONTAINS_NAME);
		/* The domain alone is not the user's name. */
		assert_int_equal(failed(&p, "Blue-Example-Sky-27", "taro",
		    "taro@example.com"), 0);
		/* Names shorter than 3 characters are not searched for. */
		assert_int_equal(failed(&p, "Alpine-Blue-Sky-27", "al",
		    "al@example.com"), 0);
		assert_int_equal(failed(&p, "Alpine-Blue-Sky-27", "alp", NULL),
		    SK_RULE_CONTAINS_NAME);
		/* Characters, not bytes: 山田 is 2 characters (6 bytes). */
		assert_int_equal(failed(&p, "山田-Blue-Sky-27", "山田", NULL), 0);
		assert_int_equal(failed(&p, "山田太郎-Blue-Sky-27", "山田太郎", NULL),
		    SK_RULE_CONTAINS_NAME);
	}
}

/* ---- guessability ------------------------------------------------------- */

static void
test_guessable_rejected(void **state)
{
	/*
	 * Common passwords, l33t variants and keyboard walks.  zxcvbn's
	 * log10(guesses) for each is in the comment; the minimum is 8.
	 */
	static const char *const weak[] = {
		"Password1234",   /* 1.20 */
		"P@ssw0rd",       /* 0.60 */
		"Passw0rd!",      /* 1.51 */
		"qwertyuiop123",  /* 4.26 */
		"zxcvbnm,./123",  /* 4.67 */
		"1qaz2wsx3edc",   /* 6.11 */
		"Qwerty123456",   /* 1.60 */
		"iloveyou2024",   /* 4.41 */
		"password",       /* 0.00 */
		"abcdefgh",       /* 1.20, a sequence */
		"aaaaaaaaaaaa",   /* a repeat */
		"Summer2024!",
		"Sekisho2024!",   /* our own name is in the user dictionary */
	};
	sk_policy p = preset(SK_POLICY_NIST);
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(weak) / sizeof(weak[0]); i++) {
		print_message("      %-16s log10(guesses) = %5.2f\n", weak[i],
		    guesses(weak[i], NULL, NULL));
		assert_int_equal(failed(&p, weak[i], NULL, NULL),
		    SK_RULE_GUESSABLE);
	}

	/* Composition rules do not rescue them. */
	p = preset(SK_POLICY_AWS);
	assert_int_equal(failed(&p, "P@ssw0rd", NULL, NULL), SK_RULE_GUESSABLE);
	assert_int_equal(failed(&p, "qwertyuiop123", NULL, NULL),
	    SK_RULE_CLASSES | SK_RULE_GUESSABLE);
	p = preset(SK_POLICY_STRONG);
	assert_int_equal(failed(&p, "Password1234", NULL, NULL),
	    SK_RULE_GUESSABLE);
	assert_int_equal(failed(&p, "P@ssw0rd", NULL, NULL),
	    SK_RULE_MIN_LENGTH | SK_RULE_GUESSABLE);

	/* The check can be switched off. */
	p = preset(SK_POLICY_NIST);
	p.min_guesses_log10 = 0.0;
	assert_int_equal(failed(&p, "Password1234", NULL, NULL), 0);
}

static void
test_zxcvbn_bits_reported(void **state)
{
	static const char *const pws[] = {
		"Password1234", "P@ssw0rd", "Tr0ub4dor&3",
		"correct-horse-battery-staple-9Zq",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pws) / sizeof(pws[0]); i++) {
		double g = guesses(pws[i], NULL, NULL);

		print_message("      zxcvbn %-34s %6.2f bits, log10(guesses) %5.2f\n",
		    pws[i], g / 0.30102999566398120, g);
	}
	assert_true(guesses("Password1234", NULL, NULL) < 2.0);
	assert_true(guesses("P@ssw0rd", NULL, NULL) < 1.0);
	assert_true(guesses("correct-horse-battery-staple-9Zq", NULL, NULL) > 25.0);
}

static void
test_passphrases_accepted(void **state)
{
	sk_policy p;
	size_t i;

	(void)state;
	for (i = 0; i < N_PRESETS; i++) {
		p = preset(presets[i]);
		/* 30.23 */
		assert_int_equal(failed(&p, "correct-horse-battery-staple-9Zq",
		    "yamada", "taro.yamada@example.com"), 0);
		/* 17.05 */
		assert_int_equal(failed(&p, "Tanuki-Kitsune-88", NULL, NULL), 0);
		/* 22.78 */
		assert_int_equal(failed(&p, "Blue-Sky-27-Tanuki", "yamada",
		    NULL), 0);
	}
	/* Lower case words and spaces: only NIST leaves composition alone. 21.17 */
	p = preset(SK_POLICY_NIST);
	assert_int_equal(failed(&p, "correct horse battery staple", NULL, NULL), 0);
	p = preset(SK_POLICY_AWS);
	assert_int_equal(failed(&p, "correct horse battery staple", NULL, NULL),
	    SK_RULE_CLASSES);
	/*
	 * xkcd's Tr0ub4dor&3 is estimated at 10^14 by zxcvbn-c (it does not
	 * score it as weakly as xkcd does), so it passes where 11 characters are
	 * enough.
	 */
	p = preset(SK_POLICY_NIST);
	assert_int_equal(failed(&p, "Tr0ub4dor&3", NULL, NULL), 0);
	p = preset(SK_POLICY_STRONG);
	assert_int_equal(failed(&p, "Tr0ub4dor&3", NULL, NULL), SK_RULE_MIN_LENGTH);
}

static void
test_user_dictionary_leet(void **state)
{
	sk_policy p = preset(SK_POLICY_AWS);
	double with, without;

	(void)state;
	/*
	 * The user name in l33t form is not "contained" literally, but zxcvbn's
	 * user dictionary sees through it: 9.04 alone, 5.36 for user yamada.
	 */
	assert_int_equal(failed(&p, "Y4m4d4Secret1!", NULL, NULL), 0);
	assert_int_equal(failed(&p, "Y4m4d4Secret1!", "yamada", NULL),
	    SK_RULE_GUESSABLE);
	assert_int_equal(failed(&p, "Y4m4d4Secret1!", NULL,
	    "yamada@example.com"), SK_RULE_GUESSABLE);
	/* 9.39 alone, 5.94 with the e-mail's local part taro.yamada... */
	assert_int_equal(failed(&p, "T4r0Y4m4d4!", NULL, NULL), 0);
	assert_int_equal(failed(&p, "T4r0Y4m4d4!", "yamada", NULL),
	    SK_RULE_GUESSABLE);

	without = guesses("Y4m4d4Secret1!", NULL, NULL);
	with = guesses("Y4m4d4Secret1!", "yamada", NULL);
	assert_true(with < without - 2.0);
}

/* ---- encoding -------------------------------------------------------------- */

static void
test_invalid_utf8_and_controls(void **state)
{
	static const struct {
		const char *s;
		size_t len;
	} bad[] = {
#define B(lit) { lit, sizeof(lit) - 1 }
		B("Xk7#mQ2p\xff"),          /* never valid */
		B("Xk7#mQ2p\xc3"),          /* truncated sequence */
		B("Xk7#mQ2p\xe3\x81"),      /* truncated sequence */
		B("Xk7#mQ2p\x81"),          /* lone continuation byte */
		B("Xk7#mQ2p\xc0\xaf"),      /* overlong '/' */
		B("Xk7#mQ2p\xe0\x80\xaf"),  /* overlong '/' */
		B("Xk7#mQ2p\xed\xa0\x80"),  /* surrogate U+D800 */
		B("Xk7#mQ2p\xf4\x90\x80\x80"), /* above U+10FFFF */
		B("Xk7#mQ2p\xf8\x88\x80\x80\x80"), /* 5-byte form */
		B("Xk7#\x01mQ2p"),          /* C0 control */
		B("Xk7#\tmQ2p"),            /* tab */
		B("Xk7#mQ2p\n"),            /* newline */
		B("Xk7#mQ2p\r"),
		B("Xk7#\x7fmQ2p"),          /* DEL */
		B("Xk7#\xc2\x85mQ2p"),      /* C1 control NEL */
		B("Xk7#\0mQ2p"),            /* embedded NUL */
		B("\0"),
#undef B
	};
	size_t i, j;

	(void)state;
	for (j = 0; j < N_PRESETS; j++) {
		sk_policy p = preset(presets[j]);

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			assert_int_equal(failed_len(&p, bad[i].s, bad[i].len,
			    "yamada", NULL), SK_RULE_INVALID_UTF8);
	}
	/* Boundaries that are valid: U+0080 is C1 but U+00A0 is fine, U+10FFFF. */
	{
		sk_policy p = preset(SK_POLICY_NIST);

		assert_int_equal(failed(&p, "Xk7#mQ2p\xc2\xa0", NULL, NULL), 0);
		assert_int_equal(failed(&p, "Xk7#mQ2p\xf4\x8f\xbf\xbf", NULL,
		    NULL), 0);
		assert_int_equal(failed(&p, "Xk7#mQ2p\xc2\x80", NULL, NULL),
		    SK_RULE_INVALID_UTF8);
		assert_int_equal(failed(&p, "Xk7#mQ2p\xc2\x9f", NULL, NULL),
		    SK_RULE_INVALID_UTF8);
		/* A space is printable. */
		assert_int_equal(failed(&p, "Xk7# mQ2p", NULL, NULL), 0);
	}
}

/* ---- messages --------------------------------------------------------------- */

static void
test_rule_messages(void **state)
{
	static const char *const langs[] = { "en", "ja" };
	char buf[512], num[16];
	sk_policy p;
	size_t i, r, l;

	(void)state;
	for (i = 0; i < N_PRESETS; i++) {
		p = preset(presets[i]);
		for (r = 0; r < SK_RULE__COUNT; r++) {
			assert_int_equal(all_rules[r], 1u << r); /* none missed */
			for (l = 0; l < 2; l++) {
				const char *m = sk_policy_rule_message(&p,
				    all_rules[r], langs[l], buf, sizeof(buf));

				assert_ptr_equal(m, buf);
				assert_true(strlen(m) > 10);
				assert_true(valid_utf8(m));
				/* Japanese sentences are in Japanese. */
				if (l == 1)
					assert_true((unsigned char)m[strlen(m) - 1] >= 0x80);
				else
					assert_int_equal(m[strlen(m) - 1], '.');
			}
			/* The two languages differ. */
			{
				char other[512];

				sk_policy_rule_message(&p, all_rules[r], "en", buf,
				    sizeof(buf));
				sk_policy_rule_message(&p, all_rules[r], "ja",
				    other, sizeof(other));
				assert_string_not_equal(buf, other);
			}
		}
		for (l = 0; l < 2; l++) {
			snprintf(num, sizeof(num), "%u", p.min_length);
			assert_non_null(strstr(sk_policy_rule_message(&p,
			    SK_RULE_MIN_LENGTH, langs[l], buf, sizeof(buf)), num));
			assert_non_null(strstr(sk_policy_rule_message(&p,
			    SK_RULE_MAX_LENGTH, langs[l], buf, sizeof(buf)), "128"));
		}
	}

	p = preset(SK_POLICY_STRONG);
	assert_string_equal(sk_policy_rule_message(&p, SK_RULE_MIN_LENGTH, "en",
	    buf, sizeof(buf)), "Use at least 12 characters.");
	assert_string_equal(sk_policy_rule_message(&p, SK_RULE_MIN_LENGTH, "ja",
	    buf, sizeof(buf)), "12文字以上にしてください。");
	/* Language tags with a region, and unknown languages (English). */
	assert_string_equal(sk_policy_rule_message(&p, SK_RULE_MIN_LENGTH,
	    "ja-JP", buf, sizeof(buf)), "12文字以上にしてください。");
	assert_string_equal(sk_policy_rule_message(&p, SK_RULE_MIN_LENGTH, "fr",
	    buf, sizeof(buf)), "Use at least 12 characters.");
	assert_string_equal(sk_policy_rule_message(&p, SK_RULE_MIN_LENGTH, NULL,
	    buf, sizeof(buf)), "Use at least 12 characters.");
	assert_string_equal(sk_policy_rule_message(&p, SK_RULE_MAX_LENGTH, "en",
	    buf, sizeof(buf)), "Use at most 128 characters.");
	assert_string_equal(sk_policy_rule_message(&p, SK_RULE_SAME_AS_CURRENT,
	    "ja", buf, sizeof(buf)),
	    "現在のパスワードとは別のパスワードにしてください。");

	/* The aws classes message names the count and every symbol. */
	p = preset(SK_POLICY_AWS);
	for (l = 0; l < 2; l++) {
		sk_policy_rule_message(&p, SK_RULE_CLASSES, langs[l], buf,
		    sizeof(buf));
		assert_non_null(strstr(buf, "3"));
		assert_non_null(strstr(buf,
		    "! @ # $ % ^ & * ( ) _ + - = [ ] { } | '"));
	}
	assert_string_equal(sk_policy_rule_message(&p, SK_RULE_CLASSES, "en",
	    buf, sizeof(buf)),
	    "Use at least 3 of these 4 types: upper case letters (A-Z), lower "
	    "case letters (a-z), digits (0-9), symbols "
	    "(! @ # $ % ^ & * ( ) _ + - = [ ] { } | ').");

	/* Not a single rule: a general sentence. */
	assert_true(strlen(sk_policy_rule_message(&p, 0, "en", buf,
	    sizeof(buf))) > 0);
	assert_true(strlen(sk_policy_rule_message(&p,
	    SK_RULE_UPPER | SK_RULE_LOWER, "ja", buf, sizeof(buf))) > 0);
	/* Without a policy the sentence still has numbers. */
	assert_string_equal(sk_policy_rule_message(NULL, SK_RULE_MIN_LENGTH,
	    "en", buf, sizeof(buf)), "Use at least 8 characters.");
}

static void
test_message_truncation(void **state)
{
	sk_policy p = preset(SK_POLICY_STRONG);
	char buf[64];
	size_t size;

	(void)state;
	assert_string_equal(sk_policy_rule_message(&p, SK_RULE_MIN_LENGTH, "en",
	    NULL, 10), "");
	assert_string_equal(sk_policy_rule_message(&p, SK_RULE_MIN_LENGTH, "en",
	    buf, 0), "");
	/* Every cut of a Japanese sentence leaves whole characters. */
	for (size = 1; size <= sizeof(buf); size++) {
		memset(buf, 'x', sizeof(buf));
		sk_policy_rule_message(&p, SK_RULE_GUESSABLE, "ja", buf, size);
		assert_true(strlen(buf) < size);
		assert_true(valid_utf8(buf));
		assert_true(size - 1 - strlen(buf) < 4);
	}
	assert_string_equal(sk_policy_rule_message(&p, SK_RULE_MIN_LENGTH, "en",
	    buf, 7), "Use at");
	/* "12文字..." cut inside 文 (3 bytes) keeps only "12". */
	assert_string_equal(sk_policy_rule_message(&p, SK_RULE_MIN_LENGTH, "ja",
	    buf, 5), "12");
	assert_string_equal(sk_policy_rule_message(&p, SK_RULE_MIN_LENGTH, "ja",
	    buf, 6), "12文");
}

static size_t
count_lines(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (*s == '\n')
			n++;
	return n;
}

static void
test_describe(void **state)
{
	char buf[2048];
	sk_policy p;

	(void)state;
	p = preset(SK_POLICY_AWS);
	sk_policy_describe(&p, "en", buf, sizeof(buf));
	print_message("%s", buf);
	assert_non_null(strstr(buf, "Use 8 to 128 characters.\n"));
	assert_non_null(strstr(buf, "at least 3 of these 4 types"));
	assert_non_null(strstr(buf, "user name"));
	assert_non_null(strstr(buf, "easy to guess"));
	assert_int_equal(count_lines(buf), 4);

	sk_policy_describe(&p, "ja", buf, sizeof(buf));
	print_message("%s", buf);
	assert_non_null(strstr(buf, "8文字以上128文字以下にしてください。\n"));
	assert_non_null(strstr(buf, "3種類以上"));
	assert_int_equal(count_lines(buf), 4);
	assert_true(valid_utf8(buf));

	p = preset(SK_POLICY_STRONG);
	sk_policy_describe(&p, "en", buf, sizeof(buf));
	assert_non_null(strstr(buf, "Use 12 to 128 characters.\n"));
	assert_non_null(strstr(buf, "upper case letter"));
	assert_non_null(strstr(buf, "lower case letter"));
	assert_non_null(strstr(buf, "digit"));
	assert_null(strstr(buf, "4 types"));
	assert_int_equal(count_lines(buf), 6);

	p = preset(SK_POLICY_NIST);
	sk_policy_describe(&p, "ja", buf, sizeof(buf));
	assert_non_null(strstr(buf, "8文字以上128文字以下"));
	assert_null(strstr(buf, "種類"));
	assert_int_equal(count_lines(buf), 3);
	p.min_guesses_log10 = 0.0;
	sk_policy_describe(&p, "en", buf, sizeof(buf));
	assert_int_equal(count_lines(buf), 2);

	/* Small buffers: truncated, terminated, whole characters. */
	p = preset(SK_POLICY_AWS);
	sk_policy_describe(&p, "ja", buf, 50);
	assert_true(strlen(buf) < 50);
	assert_true(valid_utf8(buf));
	assert_string_equal(sk_policy_describe(&p, "en", NULL, 0), "");
	assert_string_equal(sk_policy_describe(NULL, "en", buf, sizeof(buf)), "");
}

/* ---- generation ---------------------------------------------------------- */

/* What sk_policy_generate() draws from: no 0 O o 1 l I, and no | either. */
static const char generated[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz"
	"23456789!@#$%^&*()_+-=[]{}'";

static void
test_generate(void **state)
{
	char pw[200];
	size_t i, k, n;

	(void)state;
	for (i = 0; i < N_PRESETS; i++) {
		sk_policy p = preset(presets[i]);
		const unsigned lengths[] = { p.max_length, 16, p.min_length };

		for (k = 0; k < 3; k++) {
			for (n = 0; n < 200; n++) {
				sk_policy_result res;

				assert_int_equal(sk_policy_generate(&p, lengths[k], pw,
				    sizeof(pw)), SK_OK);
				assert_int_equal(strlen(pw), lengths[k]);
				assert_null(strpbrk(pw, "0Oo1lI|"));
				assert_int_equal(strspn(pw, generated), lengths[k]);
				assert_int_equal(sk_policy_check(&p, pw, strlen(pw),
				    NULL, NULL, &res), SK_OK);
				assert_true(res.guesses_log10 >= 8.0);
				/* Every class is there, symbols from the aws set. */
				assert_non_null(strpbrk(pw, "ABCDEFGHJKLMNPQRSTUVWXYZ"));
				assert_non_null(strpbrk(pw, "abcdefghijkmnpqrstuvwxyz"));
				assert_non_null(strpbrk(pw, "23456789"));
				assert_non_null(strpbrk(pw, "!@#$%^&*()_+-=[]{}'"));
			}
		}
		print_message("      generated (%s, %u): %s\n",
		    sk_policy_preset_name(presets[i]), lengths[2], pw);
	}
}

static void
test_generate_errors(void **state)
{
	sk_policy p = preset(SK_POLICY_AWS);
	char pw[200];

	(void)state;
	assert_int_equal(sk_policy_generate(&p, 7, pw, sizeof(pw)),
	    SK_ERR_INVALID);
	assert_int_equal(sk_policy_generate(&p, 129, pw, sizeof(pw)),
	    SK_ERR_INVALID);
	assert_int_equal(sk_policy_generate(&p, 8, pw, 8), SK_ERR_INVALID);
	assert_int_equal(sk_policy_generate(&p, 8, pw, 9), SK_OK);
	assert_int_equal(strlen(pw), 8);
	assert_int_equal(sk_policy_generate(&p, 8, NULL, 9), SK_ERR_INVALID);
	assert_int_equal(sk_policy_generate(NULL, 8, pw, 9), SK_ERR_INVALID);

	/* Very short custom policies still get their required classes. */
	p.min_length = 3;
	assert_int_equal(sk_policy_generate(&p, 3, pw, sizeof(pw)),
	    SK_ERR_POLICY); /* 3 characters are never 10^8 guesses */
	p.min_guesses_log10 = 0.0;
	assert_int_equal(sk_policy_generate(&p, 3, pw, sizeof(pw)), SK_OK);
	assert_int_equal(strlen(pw), 3);
	p.min_length = 2;
	assert_int_equal(sk_policy_generate(&p, 2, pw, sizeof(pw)),
	    SK_ERR_INVALID); /* 3 classes cannot fit in 2 */

	/* An unreachable estimate fails after bounded tries and wipes out. */
	p = preset(SK_POLICY_NIST);
	p.min_guesses_log10 = 1000.0;
	memset(pw, 'x', sizeof(pw));
	assert_int_equal(sk_policy_generate(&p, 8, pw, sizeof(pw)),
	    SK_ERR_POLICY);
	assert_int_equal(pw[0], '\0');
	assert_int_equal(pw[5], '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_preset_defaults),
		cmocka_unit_test(test_preset_names),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_length_boundaries),
		cmocka_unit_test(test_overlong_password),
		cmocka_unit_test(test_japanese_counted_by_code_points),
		cmocka_unit_test(test_aws_three_of_four),
		cmocka_unit_test(test_aws_symbol_set),
		cmocka_unit_test(test_strong_each_class),
		cmocka_unit_test(test_equals_name),
		cmocka_unit_test(test_contains_name),
		cmocka_unit_test(test_guessable_rejected),
		cmocka_unit_test(test_zxcvbn_bits_reported),
		cmocka_unit_test(test_passphrases_accepted),
		cmocka_unit_test(test_user_dictionary_leet),
		cmocka_unit_test(test_invalid_utf8_and_controls),
		cmocka_unit_test(test_rule_messages),
		cmocka_unit_test(test_message_truncation),
		cmocka_unit_test(test_describe),
		cmocka_unit_test(test_generate),
		cmocka_unit_test(test_generate_errors),
	};

	return cmocka_run_group_tests_name("policy", tests, NULL, NULL);
}
