/*
 * lib/policy.c - password rules (requirement A3): presets, checking,
 * messages in English and Japanese, and generation of issued passwords.
 *
 * Guessability comes from zxcvbn-c (libzxcvbn), which returns an entropy in
 * bits; we report it as log10(guesses) = bits * log10(2).
 */
#include "sekisho/policy.h"
#include "sekisho/error.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>
#include <zxcvbn.h>

/* The aws preset's symbol class, exactly as the AWS IAM console lists it. */
static const char aws_symbols[] = "!@#$%^&*()_+-=[]{}|'";
static const char aws_symbols_spaced[] = "! @ # $ % ^ & * ( ) _ + - = [ ] { } | '";

/*
 * Most bytes of a password handed to zxcvbn.  Passwords are at most
 * max_length code points (128 by default, at most 4 bytes each = 512
 * bytes); a longer one fails MAX_LENGTH anyway and only its first
 * ZX_MAX_BYTES bytes are estimated, for display.
 */
#define ZX_MAX_BYTES 1024

/* Bounded work for sk_policy_generate(); a miss this often means p is unreachable. */
#define GENERATE_TRIES 100

/* Names shorter than this (in code points) are not searched for inside passwords. */
#define NAME_MIN_CONTAINED 3

enum char_class {
	CLASS_UPPER = 1 << 0,
	CLASS_LOWER = 1 << 1,
	CLASS_DIGIT = 1 << 2,
	CLASS_SYMBOL = 1 << 3
};

int
sk_policy_preset_init(sk_policy *p, sk_policy_preset preset)
{
	if (p == NULL)
		return SK_ERR_INVALID;
	memset(p, 0, sizeof(*p));
	p->preset = preset;
	p->max_length = 128;
	p->min_guesses_log10 = 8.0; /* zxcvbn score 3 */
	switch (preset) {
	case SK_POLICY_AWS:
		p->min_length = 8;
		p->min_classes = 3;
		return SK_OK;
	case SK_POLICY_STRONG:
		p->min_length = 12;
		p->require_upper = p->require_lower = p->require_digit = 1;
		return SK_OK;
	case SK_POLICY_NIST:
		p->min_length = 8;
		return SK_OK;
	}
	memset(p, 0, sizeof(*p));
	return SK_ERR_INVALID;
}

static const char *const preset_names[] = {
	[SK_POLICY_AWS] = "aws",
	[SK_POLICY_STRONG] = "strong",
	[SK_POLICY_NIST] = "nist",
};
#define N_PRESETS (sizeof(preset_names) / sizeof(preset_names[0]))

const char *
sk_policy_preset_name(sk_policy_preset preset)
{
	if ((unsigned)preset >= N_PRESETS)
		return "unknown";
	return preset_names[preset];
}

int
sk_policy_preset_parse(const char *name, sk_policy_preset *out)
{
	size_t i;

	if (name == NULL || out == NULL)
		return SK_ERR_INVALID;
	for (i = 0; i < N_PRESETS; i++) {
		if (strcmp(name, preset_names[i]) == 0) {
			*out = (sk_policy_preset)i;
			return SK_OK;
		}
	}
	return SK_ERR_INVALID;
}

/* ---- character helpers ---------------------------------------------- */

static int
ascii_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

static unsigned
char_class(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return CLASS_UPPER;
	if (c >= 'a' && c <= 'z')
		return CLASS_LOWER;
	if (c >= '0' && c <= '9')
		return CLASS_DIGIT;
	if (c != '\0' && strchr(aws_symbols, c) != NULL)
		return CLASS_SYMBOL;
	return 0;
}

static unsigned
popcount4(unsigned v)
{
	return (v & 1u) + ((v >> 1) & 1u) + ((v >> 2) & 1u) + ((v >> 3) & 1u);
}

/*
 * Walks s[0..len) as strict UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF).  Sets *count to the number of code
 * points.  Returns false on invalid UTF-8 or on a control character (C0,
 * DEL or C1).
 */
static bool
utf8_scan(const unsigned char *s, size_t len, size_t *count)
{
	size_t i = 0, n = 0;

	while (i < len) {
		unsigned char c = s[i];
		uint32_t cp, min;
		size_t k, extra;

		if (c < 0x80) {
			if (c < 0x20 || c == 0x7f)
				return false;
			i++;
			n++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			extra = 1;
			cp = c & 0x1fu;
			min = 0x80;
		} else if (c >= 0xe0 && c <= 0xef) {
			extra = 2;
			cp = c & 0x0fu;
			min = 0x800;
		} else if (c >= 0xf0 && c <= 0xf4) {
			extra = 3;
			cp = c & 0x07u;
			min = 0x10000;
		} else {
			return false;
		}
		if (len - i <= extra)
			return false;
		for (k = 1; k <= extra; k++) {
			if ((s[i + k] & 0xc0u) != 0x80u)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3fu);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		if (cp >= 0x80 && cp <= 0x9f) /* C1 controls */
			return false;
		i += extra + 1;
		n++;
	}
	*count = n;
	return true;
}

/* Characters in s[0..len): bytes that are not UTF-8 continuation bytes. */
static size_t
loose_char_count(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0u) != 0x80u)
			n++;
	return n;
}

static bool
equal_nocase(const unsigned char *a, size_t alen, const char *b, size_t blen)
{
	size_t i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++)
		if (ascii_lower(a[i]) != ascii_lower((unsigned char)b[i]))
			return false;
	return true;
}

static bool
contains_nocase(const unsigned char *hay, size_t hlen, const char *needle,
		size_t nlen)
{
	size_t i, j;

	if (nlen == 0 || nlen > hlen)
		return false;
	for (i = 0; i + nlen <= hlen; i++) {
		for (j = 0; j < nlen; j++)
			if (ascii_lower(hay[i + j]) !=
			    ascii_lower((unsigned char)needle[j]))
				break;
		if (j == nlen)
			return true;
	}
	return false;
}

/* Length of the e-mail's local part: up to the last '@', or all of it. */
static size_t
email_local_len(const char *email)
{
	const char *at = strrchr(email, '@');

	return at != NULL ? (size_t)(at - email) : strlen(email);
}

/* ---- checking --------------------------------------------------------- */

static bool
policy_valid(const sk_policy *p)
{
	return p->max_length > 0 && p->min_length <= p->max_length &&
	    p->min_classes <= 4 && p->min_guesses_log10 >= 0.0;
}

static uint32_t
check_names(const unsigned char *pw, size_t len, const char *user_name,
	    const char *email)
{
	size_t ulen = user_name != NULL ? strlen(user_name) : 0;
	size_t elen = email != NULL ? strlen(email) : 0;
	size_t llen = email != NULL ? email_local_len(email) : 0;

	if ((ulen > 0 && equal_nocase(pw, len, user_name, ulen)) ||
	    (elen > 0 && equal_nocase(pw, len, email, elen)))
		return SK_RULE_EQUALS_NAME;
	/* "al" would ban every password with "al" in it: short names are skipped. */
	if (loose_char_count(user_name, ulen) >= NAME_MIN_CONTAINED &&
	    contains_nocase(pw, len, user_name, ulen))
		return SK_RULE_CONTAINS_NAME;
	if (loose_char_count(email, llen) >= NAME_MIN_CONTAINED &&
	    contains_nocase(pw, len, email, llen))
		return SK_RULE_CONTAINS_NAME;
	return 0;
}

/*
 * zxcvbn's estimate of password (valid UTF-8, no NUL), as log10(guesses).
 * The user's own names count as the most likely dictionary words.
 */
static double
guesses_log10(const unsigned char *pw, size_t len, const char *user_name,
	      const char *email)
{
	char buf[ZX_MAX_BYTES + 1];
	char local[256];
	const char *dict[5];
	size_t nd = 0, n = len;
	double bits;

	if (n > ZX_MAX_BYTES) {
		n = ZX_MAX_BYTES;
		while (n > 0 && (pw[n] & 0xc0u) == 0x80u) /* code point boundary */
			n--;
	}
	if (user_name != NULL && user_name[0] != '\0')
		dict[nd++] = user_name;
	if (email != NULL && email[0] != '\0') {
		size_t llen = email_local_len(email);

		dict[nd++] = email;
		if (llen > 0 && llen < sizeof(local) && email[llen] != '\0') {
			memcpy(local, email, llen);
			local[llen] = '\0';
			dict[nd++] = local;
		}
	}
	dict[nd++] = "sekisho";
	dict[nd] = NULL;

	memcpy(buf, pw, n);
	buf[n] = '\0';
	bits = ZxcvbnMatch(buf, dict, NULL);
	sodium_memzero(buf, sizeof(buf));
	if (!(bits > 0.0)) /* also NaN */
		return 0.0;
	return bits * log10(2.0);
}

int
sk_policy_check(const sk_policy *p, const char *password, size_t len,
		const char *user_name, const char *email,
		sk_policy_result *result)
{
	const unsigned char *pw = (const unsigned char *)password;
	uint32_t failed = 0;
	unsigned classes = 0;
	size_t chars = 0, i;
	double g;

	if (result != NULL) {
		result->failed = 0;
		result->guesses_log10 = 0.0;
	}
	if (p == NULL || result == NULL || (password == NULL && len > 0) ||
	    !policy_valid(p))
		return SK_ERR_INVALID;
	if (password == NULL)
		pw = (const unsigned char *)"";

	/* Nothing else is meaningful for bytes that are not text. */
	if (!utf8_scan(pw, len, &chars)) {
		result->failed = SK_RULE_INVALID_UTF8;
		return SK_ERR_POLICY;
	}

	if (chars < p->min_length)
		failed |= SK_RULE_MIN_LENGTH;
	if (chars > p->max_length)
		failed |= SK_RULE_MAX_LENGTH;

	for (i = 0; i < len; i++)
		classes |= char_class(pw[i]);
	if (p->min_classes > 0 && popcount4(classes) < p->min_classes)
		failed |= SK_RULE_CLASSES;
	if (p->require_upper && !(classes & CLASS_UPPER))
		failed |= SK_RULE_UPPER;
	if (p->require_lower && !(classes & CLASS_LOWER))
		failed |= SK_RULE_LOWER;
	if (p->require_digit && !(classes & CLASS_DIGIT))
		failed |= SK_RULE_DIGIT;

	failed |= check_names(pw, len, user_name, email);

	g = guesses_log10(pw, len, user_name, email);
	result->guesses_log10 = g;
	if (p->min_guesses_log10 > 0.0 && g < p->min_guesses_log10)
		failed |= SK_RULE_GUESSABLE;

	result->failed = failed;
	return failed == 0 ? SK_OK : SK_ERR_POLICY;
}

/* ---- messages --------------------------------------------------------- */

static bool
lang_ja(const char *lang)
{
	return lang != NULL && lang[0] == 'j' && lang[1] == 'a' &&
	    (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_');
}

/*
 * Appends to buf[*off..size) and keeps it NUL-terminated.  On truncation
 * the text is cut at a code point boundary so that no partial UTF-8
 * sequence (a Japanese character, say) is left at the end.
 */
__attribute__((format(printf, 4, 5)))
static void
append(char *buf, size_t size, size_t *off, const char *fmt, ...)
{
	va_list ap;
	size_t room, n, lead;
	int r;

	if (*off >= size)
		return;
	room = size - *off;
	va_start(ap, fmt);
	r = vsnprintf(buf + *off, room, fmt, ap);
	va_end(ap);
	if (r < 0) {
		buf[*off] = '\0';
		return;
	}
	if ((size_t)r < room) {
		*off += (size_t)r;
		return;
	}
	/* Truncated: drop a trailing partial code point. */
	n = size - 1;
	lead = n;
	while (lead > *off && ((unsigned char)buf[lead - 1] & 0xc0u) == 0x80u)
		lead--;
	if (lead > *off) {
		unsigned char c = (unsigned char)buf[lead - 1];
		size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;

		if (n - (lead - 1) < need)
			n = lead - 1;
	}
	buf[n] = '\0';
	*off = size; /* nothing more fits */
}

static void
rule_sentence(const sk_policy *p, uint32_t rule, bool ja, char *buf,
	      size_t size, size_t *off)
{
	switch (rule) {
	case SK_RULE_MIN_LENGTH:
		if (ja)
			append(buf, size, off, "%u文字以上にしてください。",
			    p->min_length);
		else
			append(buf, size, off, "Use at least %u characters.",
			    p->min_length);
		return;
	case SK_RULE_MAX_LENGTH:
		if (ja)
			append(buf, size, off, "%u文字以下にしてください。",
			    p->max_length);
		else
			append(buf, size, off, "Use at most %u characters.",
			    p->max_length);
		return;
	case SK_RULE_CLASSES:
		if (ja)
			append(buf, size, off,
			    "英大文字 (A-Z)、英小文字 (a-z)、数字 (0-9)、記号 (%s) "
			    "の4種類のうち%u種類以上を含めてください。",
			    aws_symbols_spaced, p->min_classes);
		else
			append(buf, size, off,
			    "Use at least %u of these 4 types: upper case "
			    "letters (A-Z), lower case letters (a-z), digits "
			    "(0-9), symbols (%s).",
			    p->min_classes, aws_symbols_spaced);
		return;
	case SK_RULE_UPPER:
		append(buf, size, off, "%s", ja ?
		    "英大文字 (A-Z) を1文字以上含めてください。" :
		    "Include at least one upper case letter (A-Z).");
		return;
	case SK_RULE_LOWER:
		append(buf, size, off, "%s", ja ?
		    "英小文字 (a-z) を1文字以上含めてください。" :
		    "Include at least one lower case letter (a-z).");
		return;
	case SK_RULE_DIGIT:
		append(buf, size, off, "%s", ja ?
		    "数字 (0-9) を1文字以上含めてください。" :
		    "Include at least one digit (0-9).");
		return;
	case SK_RULE_EQUALS_NAME:
		append(buf, size, off, "%s", ja ?
		    "ユーザー名やメールアドレスと同じパスワードは使えません。"
		    "別のパスワードにしてください。" :
		    "Do not use your user name or e-mail address as the "
		    "password.");
		return;
	case SK_RULE_CONTAINS_NAME:
		append(buf, size, off, "%s", ja ?
		    "ユーザー名やメールアドレスの@より前の部分を"
		    "パスワードに含めないでください。" :
		    "Do not include your user name or the part of your "
		    "e-mail address before the @.");
		return;
	case SK_RULE_GUESSABLE:
		append(buf, size, off, "%s", ja ?
		    "推測されやすいパスワードです。よく使われる単語、名前、"
		    "日付、キーボードの並び、文字の単純な置き換え (a→@ など) "
		    "を避け、関係のない単語をいくつも並べた長めの文にしてください。" :
		    "This password is easy to guess. Avoid common words, "
		    "names, dates, keyboard patterns and simple substitutions "
		    "(such as @ for a); a longer phrase of unrelated words "
		    "works well.");
		return;
	case SK_RULE_INVALID_UTF8:
		append(buf, size, off, "%s", ja ?
		    "制御文字や不正な文字コードは使えません。"
		    "表示できる文字だけを使ってください。" :
		    "Use only printable characters (no control characters "
		    "or invalid text encoding).");
		return;
	case SK_RULE_SAME_AS_CURRENT:
		append(buf, size, off, "%s", ja ?
		    "現在のパスワードとは別のパスワードにしてください。" :
		    "Choose a password different from your current one.");
		return;
	default:
		append(buf, size, off, "%s", ja ?
		    "パスワードがパスワードポリシーを満たしていません。" :
		    "The password does not meet the password policy.");
		return;
	}
}

const char *
sk_policy_rule_message(const sk_policy *p, uint32_t rule, const char *lang,
		       char *buf, size_t size)
{
	sk_policy def;
	size_t off = 0;

	if (buf == NULL || size == 0)
		return "";
	buf[0] = '\0';
	if (p == NULL) {
		/* Numbers need a policy; fall back on the aws defaults. */
		(void)sk_policy_preset_init(&def, SK_POLICY_AWS);
		p = &def;
	}
	rule_sentence(p, rule, lang_ja(lang), buf, size, &off);
	return buf;
}

const char *
sk_policy_describe(const sk_policy *p, const char *lang, char *buf,
		   size_t size)
{
	bool ja = lang_ja(lang);
	size_t off = 0;

	if (buf == NULL || size == 0)
		return "";
	buf[0] = '\0';
	if (p == NULL)
		return buf;

	if (ja)
		append(buf, size, &off, "%u文字以上%u文字以下にしてください。\n",
		    p->min_length, p->max_length);
	else
		append(buf, size, &off, "Use %u to %u characters.\n",
		    p->min_length, p->max_length);
	if (p->min_classes > 0) {
		rule_sentence(p, SK_RULE_CLASSES, ja, buf, size, &off);
		append(buf, size, &off, "\n");
	}
	if (p->require_upper) {
		rule_sentence(p, SK_RULE_UPPER, ja, buf, size, &off);
		append(buf, size, &off, "\n");
	}
	if (p->require_lower) {
		rule_sentence(p, SK_RULE_LOWER, ja, buf, size, &off);
		append(buf, size, &off, "\n");
	}
	if (p->require_digit) {
		rule_sentence(p, SK_RULE_DIGIT, ja, buf, size, &off);
		append(buf, size, &off, "\n");
	}
	append(buf, size, &off, "%s\n", ja ?
	    "ユーザー名やメールアドレスを使ったり、含めたりしないでください。" :
	    "Do not use or include your user name or e-mail address.");
	if (p->min_guesses_log10 > 0.0)
		append(buf, size, &off, "%s\n", ja ?
		    "よく使われる単語、名前、日付、キーボードの並びなど、"
		    "推測されやすいものは避けてください。" :
		    "Avoid anything easy to guess, such as common words, "
		    "names, dates and keyboard patterns.");
	return buf;
}

/* ---- generation ------------------------------------------------------- */

/* No look-alikes: 0/O/o, 1/l/I, and | (like l) is left out of the symbols. */
static const char gen_upper[] = "ABCDEFGHJKLMNPQRSTUVWXYZ";
static const char gen_lower[] = "abcdefghijkmnpqrstuvwxyz";
static const char gen_digit[] = "23456789";
static const char gen_symbol[] = "!@#$%^&*()_+-=[]{}'";

static char
pick(const char *set)
{
	return set[randombytes_uniform((uint32_t)strlen(set))];
}

/* The classes a generated password of length chars uses under p. */
static unsigned
generate_classes(const sk_policy *p, unsigned length)
{
	static const unsigned order[4] = {
		CLASS_LOWER, CLASS_UPPER, CLASS_DIGIT, CLASS_SYMBOL
	};
	unsigned use = 0, i;

	if (length >= 4)
		return CLASS_UPPER | CLASS_LOWER | CLASS_DIGIT | CLASS_SYMBOL;
	if (p->require_upper)
		use |= CLASS_UPPER;
	if (p->require_lower)
		use |= CLASS_LOWER;
	if (p->require_digit)
		use |= CLASS_DIGIT;
	for (i = 0; i < 4 && popcount4(use) < p->min_classes; i++)
		use |= order[i];
	if (use == 0)
		use = CLASS_LOWER | CLASS_DIGIT;
	return use;
}

int
sk_policy_generate(const sk_policy *p, unsigned length, char *out,
		   size_t out_size)
{
	static const struct {
		unsigned cls;
		const char *set;
	} sets[4] = {
		{CLASS_UPPER, gen_upper},
		{CLASS_LOWER, gen_lower},
		{CLASS_DIGIT, gen_digit},
		{CLASS_SYMBOL, gen_symbol},
	};
	char alphabet[sizeof(gen_upper) + sizeof(gen_lower) +
	    sizeof(gen_digit) + sizeof(gen_symbol)];
	sk_policy_result res;
	unsigned use, i, tries;
	int r = SK_ERR_INVALID;

	if (out != NULL && out_size > 0)
		out[0] = '\0';
	if (p == NULL || out == NULL || !policy_valid(p) ||
	    length < p->min_length || length > p->max_length || length == 0 ||
	    out_size <= length)
		return SK_ERR_INVALID;
	use = generate_classes(p, length);
	if (popcount4(use) > length)
		return SK_ERR_INVALID;

	alphabet[0] = '\0';
	for (i = 0; i < 4; i++)
		if (use & sets[i].cls)
			strcat(alphabet, sets[i].set);

	r = SK_ERR_POLICY;
	for (tries = 0; tries < GENERATE_TRIES; tries++) {
		unsigned pos = 0;

		/* One character of each class in use, the rest from all of them. */
		for (i = 0; i < 4; i++)
			if (use & sets[i].cls)
				out[pos++] = pick(sets[i].set);
		while (pos < length)
			out[pos++] = pick(alphabet);
		for (i = length - 1; i > 0; i--) { /* Fisher-Yates */
			unsigned j = randombytes_uniform(i + 1);
			char t = out[i];

			out[i] = out[j];
			out[j] = t;
		}
		out[length] = '\0';
		if (sk_policy_check(p, out, length, NULL, NULL, &res) == SK_OK) {
			r = SK_OK;
			break;
		}
	}
	if (r != SK_OK)
		sodium_memzero(out, out_size);
	return r;
}
