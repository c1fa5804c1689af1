/*
 * tests/unit/test_parse.c - the sekishod request parsers (server/parse.h):
 * form bodies, Cookie headers, query strings, Accept-Language.
 *
 * Every input is handed over the way h2o hands it: pointer + length with no
 * NUL after it.  dup_exact() copies a case into a heap block of exactly len
 * bytes, so under ASan a read past len is reported; the "not NUL-terminated"
 * cases also pad with 'X' so a read past len changes the answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse.h"

/* A heap copy of s[0, len) with no terminator (a 1-byte block when len is 0). */
static char *
dup_exact(const char *s, size_t len)
{
	char *p = malloc(len > 0 ? len : 1);

	assert_non_null(p);
	if (len > 0)
		memcpy(p, s, len);
	return p;
}

static int
parse_n(form *f, const char *body, size_t len)
{
	char *b = dup_exact(body, len);
	int r = form_parse(f, b, len);

	free(b);
	return r;
}

static int
parse(form *f, const char *body)
{
	return parse_n(f, body, strlen(body));
}

/* body must parse to exactly one field name=value. */
static void
expect_one(const char *body, const char *name, const char *value, size_t value_len)
{
	form f;

	assert_int_equal(parse(&f, body), 0);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.f[0].name, name);
	assert_int_equal(f.f[0].value_len, value_len);
	assert_memory_equal(f.f[0].value, value, value_len + 1);
	form_free(&f);
}

static void
expect_refused_n(const char *body, size_t len)
{
	form f;

	assert_int_equal(parse_n(&f, body, len), -1);
	/* On -1 the form is empty. */
	assert_int_equal(f.n, 0);
	assert_null(f.mem);
	assert_int_equal(f.mem_size, 0);
	form_free(&f);              /* harmless */
}

static void
expect_refused(const char *body)
{
	expect_refused_n(body, strlen(body));
}

/* ---- form_parse ---- */

static void
test_form_empty(void **state)
{
	form f;

	(void)state;
	assert_int_equal(parse_n(&f, "", 0), 0);
	assert_int_equal(f.n, 0);
	form_free(&f);
	assert_int_equal(form_parse(&f, NULL, 0), 0);
	assert_int_equal(f.n, 0);
	assert_null(form_get(&f, "a"));
	form_free(&f);
	/* NULL with a length is refused, not dereferenced. */
	assert_int_equal(form_parse(&f, NULL, 3), -1);
	assert_int_equal(f.n, 0);
}

static void
test_form_degenerate(void **state)
{
	form f;

	(void)state;
	/* "=" is a field with an empty name and an empty value. */
	expect_one("=", "", "", 0);
	expect_one("=1", "", "1", 1);
	/* '&' alone, or several, are empty pairs: no fields. */
	assert_int_equal(parse(&f, "&"), 0);
	assert_int_equal(f.n, 0);
	form_free(&f);
	assert_int_equal(parse(&f, "&&&"), 0);
	assert_int_equal(f.n, 0);
	form_free(&f);
	/* A name without '=' has an empty value. */
	expect_one("a", "a", "", 0);
	expect_one("a=", "a", "", 0);
	expect_one("&a&", "a", "", 0);
	/* '%' without two hex digits is malformed. */
	expect_refused("%");
	expect_refused("%4");
	expect_refused("a=%4");
	expect_refused("a=%");
	expect_refused("%zz");
	expect_refused("a=%zz");
	expect_refused("a=%4g");
	expect_refused("a=%g4");
	expect_refused("a=%%41");
}

static void
test_form_fields(void **state)
{
	form f;

	(void)state;
	assert_int_equal(parse(&f, "user=alice&password=s3cret&remember"), 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.f[0].name, "user");
	assert_string_equal(f.f[0].value, "alice");
	assert_int_equal(f.f[0].value_len, 5);
	assert_string_equal(f.f[1].name, "password");
	assert_string_equal(f.f[1].value, "s3cret");
	assert_string_equal(f.f[2].name, "remember");
	assert_string_equal(f.f[2].value, "");
	assert_string_equal(form_get(&f, "user"), "alice");
	assert_string_equal(form_get(&f, "remember"), "");
	assert_null(form_get(&f, "missing"));
	assert_null(form_get(&f, "use"));
	assert_null(form_get(&f, "users"));
	assert_null(form_get(&f, ""));
	assert_null(form_get(&f, NULL));
	assert_null(form_get(NULL, "user"));
	/* Allocation bound from the contract brief: len + 2 per field + 2. */
	assert_true(f.mem_size <= strlen("user=alice&password=s3cret&remember") + 2 * f.n + 2);
	form_free(&f);

	/* Empty pairs are skipped wherever they are. */
	assert_int_equal(parse(&f, "&&a=1&&b=2&&"), 0);
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "a"), "1");
	assert_string_equal(form_get(&f, "b"), "2");
	form_free(&f);

	/* The first of two equal names wins. */
	assert_int_equal(parse(&f, "a=1&a=2"), 0);
	assert_int_equal(f.n, 2);
	assert_string_equal(form_get(&f, "a"), "1");
	form_free(&f);

	/* Only the first '=' separates: the value keeps the rest. */
	expect_one("a=b=c", "a", "b=c", 3);
	expect_one("a==", "a", "=", 1);
}

static void
test_form_decoding(void **state)
{
	form f;

	(void)state;
	/* '+' is a space, %2B a plus, in names and values alike. */
	expect_one("a=1+2%2B3", "a", "1 2+3", 5);
	expect_one("a+b%2bc=x", "a b+c", "x", 1);
	expect_one("a=%20%20", "a", "  ", 2);
	/* Hex digits in either case. */
	expect_one("a=%4a%4A%7e%7E", "a", "JJ~~", 4);
	/* Escaped delimiters are data. */
	expect_one("%3D=%26", "=", "&", 1);
	expect_one("k=%3D%26%25", "k", "=&%", 3);
	/* Decoded UTF-8, escaped or raw. */
	expect_one("a=%C3%A9", "a", "\xc3\xa9", 2);
	expect_one("a=%c3%a9", "a", "\xc3\xa9", 2);
	expect_one("%C3%A9=1", "\xc3\xa9", "1", 1);
	expect_one("a=\xc3\xa9", "a", "\xc3\xa9", 2);
	expect_one("a=%E6%97%A5", "a", "\xe6\x97\xa5", 3);          /* U+65E5 */
	expect_one("a=%F0%9F%94%91", "a", "\xf0\x9f\x94\x91", 4);   /* U+1F511 */
	/* The edges of the valid ranges. */
	expect_one("a=%7F", "a", "\x7f", 1);
	expect_one("a=%C2%80", "a", "\xc2\x80", 2);                 /* U+0080 */
	expect_one("a=%E0%A0%80", "a", "\xe0\xa0\x80", 3);          /* U+0800 */
	expect_one("a=%ED%9F%BF", "a", "\xed\x9f\xbf", 3);          /* U+D7FF */
	expect_one("a=%EE%80%80", "a", "\xee\x80\x80", 3);          /* U+E000 */
	expect_one("a=%EF%BF%BF", "a", "\xef\xbf\xbf", 3);          /* U+FFFF */
	expect_one("a=%F0%90%80%80", "a", "\xf0\x90\x80\x80", 4);   /* U+10000 */
	expect_one("a=%F4%8F%BF%BF", "a", "\xf4\x8f\xbf\xbf", 4);   /* U+10FFFF */

	/* A value longer than its neighbours does not disturb them. */
	assert_int_equal(parse(&f, "a=%41%42%43&b=+&c"), 0);
	assert_int_equal(f.n, 3);
	assert_string_equal(form_get(&f, "a"), "ABC");
	assert_string_equal(form_get(&f, "b"), " ");
	assert_string_equal(form_get(&f, "c"), "");
	for (size_t k = 0; k < f.n; k++)
		assert_int_equal(strlen(f.f[k].value), f.f[k].value_len);
	form_free(&f);
}

static void
test_form_invalid_utf8(void **state)
{
	(void)state;
	expect_refused("a=%C3");                /* truncated */
	expect_refused("a=%C3&b=%A9");          /* split across fields */
	expect_refused("%C3=%A9");              /* split across name and value */
	expect_refused("a=%C3x");
	expect_refused("a=%E6%97");
	expect_refused("a=%80");                /* stray continuation byte */
	expect_refused("a=%BF");
	expect_refused("a=%C0%AF");             /* overlong '/' */
	expect_refused("a=%C1%BF");
	expect_refused("a=%E0%80%AF");
	expect_refused("a=%E0%9F%BF");          /* overlong U+07FF */
	expect_refused("a=%F0%80%80%AF");
	expect_refused("a=%F0%8F%BF%BF");       /* overlong U+FFFF */
	expect_refused("a=%ED%A0%80");          /* surrogate U+D800 */
	expect_refused("a=%ED%BF%BF");          /* surrogate U+DFFF */
	expect_refused("a=%ED%A0%BD%ED%B2%A9"); /* CESU-8 pair */
	expect_refused("a=%F4%90%80%80");       /* U+110000 */
	expect_refused("a=%F5%80%80%80");
	expect_refused("a=%F8%88%80%80%80");
	expect_refused("a=%FE");
	expect_refused("a=%FF");
	expect_refused("\xc0\xaf=1");           /* raw bytes are checked too */
	expect_refused("a=\xed\xa0\x80");
	expect_refused("a=\xff");
	expect_refused("ok=1&a=%C0%AF");        /* anywhere in the body */
}

static void
test_form_nul(void **state)
{
	(void)state;
	expect_refused("a=%00");
	expect_refused("%00=a");
	expect_refused("a=1%00");
	expect_refused_n("a=\0b", 4);           /* raw NUL */
	expect_refused_n("\0", 1);
	expect_refused_n("a=1&\0", 5);
}

/* count fields "fNN=vNN" joined by '&', with an empty pair between each when gaps. */
static char *
make_fields(size_t count, int gaps)
{
	char *b = malloc(count * 16 + 1);
	size_t w = 0;

	assert_non_null(b);
	for (size_t k = 0; k < count; k++) {
		if (k > 0)
			b[w++] = '&';
		if (k > 0 && gaps)
			b[w++] = '&';
		w += (size_t)sprintf(b + w, "f%zu=v%zu", k, k);
	}
	b[w] = '\0';
	return b;
}

static void
test_form_max_fields(void **state)
{
	form f;
	char *b;
	char name[16], value[16];

	(void)state;
	b = make_fields(FORM_MAX_FIELDS, 0);
	assert_int_equal(parse(&f, b), 0);
	assert_int_equal(f.n, FORM_MAX_FIELDS);
	for (size_t k = 0; k < FORM_MAX_FIELDS; k++) {
		snprintf(name, sizeof(name), "f%zu", k);
		snprintf(value, sizeof(value), "v%zu", k);
		assert_string_equal(form_get(&f, name), value);
	}
	assert_true(f.mem_size <= strlen(b) + 2 * f.n + 2);
	form_free(&f);
	free(b);

	/* Empty pairs do not count towards the limit. */
	b = make_fields(FORM_MAX_FIELDS, 1);
	assert_int_equal(parse(&f, b), 0);
	assert_int_equal(f.n, FORM_MAX_FIELDS);
	form_free(&f);
	free(b);

	b = make_fields(FORM_MAX_FIELDS + 1, 0);
	expect_refused(b);
	free(b);

	/* 32 fields and one more without '=', or a trailing name. */
	assert_int_equal(parse(&f, "a&b&c&d&e&f&g&h&i&j&k&l&m&n&o&p&q&r&s&t&u&v&w&x&y&z&A&B&C&D&E&F"), 0);
	assert_int_equal(f.n, 32);
	assert_string_equal(form_get(&f, "F"), "");
	form_free(&f);
	expect_refused("a&b&c&d&e&f&g&h&i&j&k&l&m&n&o&p&q&r&s&t&u&v&w&x&y&z&A&B&C&D&E&F&G");
	/* A trailing '&' after 32 fields is still 32 fields. */
	assert_int_equal(parse(&f, "a&b&c&d&e&f&g&h&i&j&k&l&m&n&o&p&q&r&s&t&u&v&w&x&y&z&A&B&C&D&E&F&"), 0);
	assert_int_equal(f.n, 32);
	form_free(&f);
}

static void
test_form_max_bytes(void **state)
{
	form f;
	char *b = malloc(FORM_MAX_BYTES + 1);

	(void)state;
	assert_non_null(b);
	b[0] = 'a';
	b[1] = '=';
	memset(b + 2, 'x', FORM_MAX_BYTES - 1);
	/* Exactly FORM_MAX_BYTES is accepted... */
	assert_int_equal(parse_n(&f, b, FORM_MAX_BYTES), 0);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.f[0].value_len, FORM_MAX_BYTES - 2);
	assert_int_equal(strlen(form_get(&f, "a")), FORM_MAX_BYTES - 2);
	form_free(&f);
	/* ...one more byte is not. */
	expect_refused_n(b, FORM_MAX_BYTES + 1);
	free(b);
}

static void
test_form_free(void **state)
{
	form f;

	(void)state;
	form_free(NULL);
	assert_int_equal(parse(&f, "code=123456"), 0);
	form_free(&f);
	assert_null(f.mem);
	assert_int_equal(f.n, 0);
	assert_int_equal(f.mem_size, 0);
	form_free(&f);              /* idempotent */
}

/* ---- cookie_get ---- */

static int
cookie(const char *header, const char *name, char *out, size_t out_size)
{
	char *h = dup_exact(header, strlen(header));
	int r = cookie_get(h, strlen(header), name, out, out_size);

	free(h);
	return r;
}

static void
expect_cookie(const char *header, const char *name, const char *value)
{
	char out[64];

	memset(out, 'Z', sizeof(out));
	assert_int_equal(cookie(header, name, out, sizeof(out)), 0);
	assert_string_equal(out, value);
}

static void
expect_no_cookie(const char *header, const char *name)
{
	char out[64];

	memset(out, 'Z', sizeof(out));
	assert_int_equal(cookie(header, name, out, sizeof(out)), -1);
	assert_string_equal(out, "");
}

static void
test_cookie_basic(void **state)
{
	(void)state;
	expect_cookie("a=1; b=2", "a", "1");
	expect_cookie("a=1; b=2", "b", "2");
	expect_cookie("a=1;b=2", "b", "2");
	expect_cookie("__Host-session=AbC-_09; theme=dark", "__Host-session", "AbC-_09");
	expect_cookie("s=", "s", "");
	expect_cookie("s=a=b", "s", "a=b");
	expect_no_cookie("a=1; b=2", "c");
	expect_no_cookie("", "a");
	/* Names are case-sensitive and compared whole. */
	expect_no_cookie("Session=1", "session");
	expect_cookie("xsession=evil; session=good", "session", "good");
	expect_cookie("session=good; xsession=evil", "session", "good");
	expect_cookie("session=good; xsession=evil", "xsession", "evil");
	expect_no_cookie("xsession=evil", "session");
	expect_no_cookie("sessionx=evil", "session");
	expect_no_cookie("session=1", "sessio");
	expect_no_cookie("a=1", "");
}

static void
test_cookie_spaces(void **state)
{
	(void)state;
	expect_cookie("  a=1 ;   b=2  ", "a", "1");
	expect_cookie("  a=1 ;   b=2  ", "b", "2");
	expect_cookie("a = 1; b\t=\t2", "a", "1");
	expect_cookie("a = 1; b\t=\t2", "b", "2");
	expect_cookie(";;; s=1 ;;", "s", "1");
	expect_cookie("=x; s=1", "s", "1");
	/* Whitespace inside a value is not a cookie-octet. */
	expect_no_cookie("s=a b", "s");
}

static void
test_cookie_quoted(void **state)
{
	(void)state;
	expect_cookie("s=\"abc\"", "s", "abc");
	expect_cookie("s=\"abc\"; t=1", "s", "abc");
	expect_cookie("s=\"\"", "s", "");
	expect_cookie("s= \"abc\" ", "s", "abc");
	expect_no_cookie("s=\"abc", "s");
	expect_no_cookie("s=abc\"", "s");
	expect_no_cookie("s=\"", "s");
	expect_no_cookie("s=ab\"c", "s");
	expect_no_cookie("s=\"a\"b\"", "s");
	/* A value with ';' cannot exist: ';' always ends the pair. */
	expect_no_cookie("s=\"a;b\"", "s");
}

static void
test_cookie_first_wins(void **state)
{
	(void)state;
	expect_cookie("s=1; s=2", "s", "1");
	expect_cookie("t=0; s=1; s=2", "s", "1");
	/* The first match decides even when it is malformed. */
	expect_no_cookie("s=a b; s=2", "s");
	/* A pair without '=' is skipped, even when it is the name. */
	expect_cookie("s; s=ok", "s", "ok");
	expect_cookie("junk; s=ok", "s", "ok");
	expect_no_cookie("s", "s");
}

static void
test_cookie_octets(void **state)
{
	(void)state;
	expect_cookie("s=!#$%&'()*+-./:<=>?@[]^_`{|}~", "s", "!#$%&'()*+-./:<=>?@[]^_`{|}~");
	expect_no_cookie("s=a,b", "s");
	expect_no_cookie("s=a\\b", "s");
	expect_no_cookie("s=a\x01", "s");
	expect_no_cookie("s=a\x7f", "s");
	expect_no_cookie("s=\xc3\xa9", "s");
	/* No decoding. */
	expect_cookie("s=%41", "s", "%41");
}

static void
test_cookie_lengths(void **state)
{
	char out[6];

	(void)state;
	/* "abcde" needs 6 bytes with its NUL. */
	assert_int_equal(cookie("s=abcde", "s", out, 6), 0);
	assert_string_equal(out, "abcde");
	memset(out, 'Z', sizeof(out));
	assert_int_equal(cookie("s=abcde", "s", out, 5), -1);
	assert_string_equal(out, "");
	assert_int_equal(cookie("s=\"abcde\"", "s", out, 6), 0);
	assert_string_equal(out, "abcde");
	assert_int_equal(cookie("s=", "s", out, 1), 0);
	assert_string_equal(out, "");
	out[0] = 'Z';
	assert_int_equal(cookie("s=a", "s", out, 1), -1);
	assert_string_equal(out, "");
	out[0] = 'Z';
	assert_int_equal(cookie("s=", "s", out, 0), -1);
	assert_int_equal(out[0], 'Z');          /* out_size 0: nothing written */
	assert_int_equal(cookie_get(NULL, 0, "s", out, sizeof(out)), -1);
	assert_int_equal(cookie_get(NULL, 5, "s", out, sizeof(out)), -1);
	assert_int_equal(cookie_get("s=1", 3, NULL, out, sizeof(out)), -1);
}

static void
test_cookie_not_terminated(void **state)
{
	char hdr[64], out[64];
	const char *h = "a=1; session=abc";

	(void)state;
	memset(hdr, 'X', sizeof(hdr));
	memcpy(hdr, h, strlen(h));
	assert_int_equal(cookie_get(hdr, strlen(h), "session", out, sizeof(out)), 0);
	assert_string_equal(out, "abc");
	/* Only the first len bytes count: "session=ab" here. */
	assert_int_equal(cookie_get(hdr, strlen(h) - 1, "session", out, sizeof(out)), 0);
	assert_string_equal(out, "ab");
	/* A name cut by len is not the name. */
	assert_int_equal(cookie_get(hdr, 8, "session", out, sizeof(out)), -1);
	/* A quoted value whose closing quote lies past len is malformed. */
	memcpy(hdr, "s=\"ab\"", 6);
	assert_int_equal(cookie_get(hdr, 5, "s", out, sizeof(out)), -1);
	assert_int_equal(cookie_get(hdr, 6, "s", out, sizeof(out)), 0);
	assert_string_equal(out, "ab");
}

/* ---- query_get ---- */

static int
query(const char *q, const char *name, char *out, size_t out_size)
{
	char *b = dup_exact(q, strlen(q));
	int r = query_get(b, strlen(q), name, out, out_size);

	free(b);
	return r;
}

static void
expect_query(const char *q, const char *name, const char *value)
{
	char out[64];

	memset(out, 'Z', sizeof(out));
	assert_int_equal(query(q, name, out, sizeof(out)), 0);
	assert_string_equal(out, value);
}

static void
expect_no_query(const char *q, const char *name)
{
	char out[64];

	memset(out, 'Z', sizeof(out));
	assert_int_equal(query(q, name, out, sizeof(out)), -1);
	assert_string_equal(out, "");
}

static void
test_query_basic(void **state)
{
	(void)state;
	expect_query("a=1&b=2", "a", "1");
	expect_query("a=1&b=2", "b", "2");
	expect_query("a=1&a=2", "a", "1");
	expect_query("&&a=1&&", "a", "1");
	expect_query("ab=1&a=2", "a", "2");
	expect_query("a=1&ba=2", "ba", "2");
	expect_no_query("a=1", "ab");
	expect_no_query("ab=1", "a");
	expect_no_query("a=1&b=2", "c");
	expect_no_query("", "a");
	expect_no_query("a=1", "");
	/* A name alone has an empty value. */
	expect_query("flag", "flag", "");
	expect_query("flag&x=1", "flag", "");
	expect_query("x=1&flag=", "flag", "");
	/* Only the first '=' separates. */
	expect_query("a=b=c", "a", "b=c");
}

static void
test_query_decoding(void **state)
{
	(void)state;
	expect_query("next=%2Fhome%3Fx%3D1%26y", "next", "/home?x=1&y");
	expect_query("q=a+b%2Bc", "q", "a b+c");
	expect_query("q=%c3%a9%C3%A9", "q", "\xc3\xa9\xc3\xa9");
	/* Names are decoded before they are compared. */
	expect_query("%6Eext=/x", "next", "/x");
	expect_query("a+b=1", "a b", "1");
	expect_query("a%3Db=1", "a=b", "1");
	/* A malformed pair that is not the one asked for does not matter. */
	expect_query("x=%zz&a=1", "a", "1");
	expect_query("%zz=1&a=2", "a", "2");
	expect_query("%C3=1&a=2", "a", "2");
	/* The one asked for must be well-formed. */
	expect_no_query("a=%zz", "a");
	expect_no_query("a=%4", "a");
	expect_no_query("a=%", "a");
	expect_no_query("a=%00", "a");
	expect_no_query("a=%C3", "a");
	expect_no_query("a=%C0%AF", "a");
	expect_no_query("a=%ED%A0%80", "a");
	/* The first occurrence decides. */
	expect_no_query("a=%zz&a=1", "a");
}

static void
test_query_lengths(void **state)
{
	char out[6], buf[32];
	const char *q = "a=1&b=abc";

	(void)state;
	assert_int_equal(query("a=abcde", "a", out, 6), 0);
	assert_string_equal(out, "abcde");
	memset(out, 'Z', sizeof(out));
	assert_int_equal(query("a=abcde", "a", out, 5), -1);
	assert_string_equal(out, "");
	/* Length counts decoded bytes: %41 x5 fits in 6. */
	assert_int_equal(query("a=%41%41%41%41%41", "a", out, 6), 0);
	assert_string_equal(out, "AAAAA");
	assert_int_equal(query("a=", "a", out, 1), 0);
	assert_string_equal(out, "");
	assert_int_equal(query("a=1", "a", out, 0), -1);
	assert_int_equal(query_get(NULL, 0, "a", out, sizeof(out)), -1);
	assert_int_equal(query_get(NULL, 3, "a", out, sizeof(out)), -1);

	/* Not NUL-terminated. */
	memset(buf, 'X', sizeof(buf));
	memcpy(buf, q, strlen(q));
	assert_int_equal(query_get(buf, strlen(q), "b", out, sizeof(out)), 0);
	assert_string_equal(out, "abc");
	assert_int_equal(query_get(buf, strlen(q) - 2, "b", out, sizeof(out)), 0);
	assert_string_equal(out, "a");
	/* An escape cut by len is malformed. */
	memcpy(buf, "a=%41", 5);
	assert_int_equal(query_get(buf, 4, "a", out, sizeof(out)), -1);
	assert_int_equal(query_get(buf, 5, "a", out, sizeof(out)), 0);
	assert_string_equal(out, "A");
}

/* ---- accept_language_pick ---- */

static const char *
lang(const char *header)
{
	char *h = dup_exact(header, strlen(header));
	const char *r = accept_language_pick(h, strlen(header));

	free(h);
	return r;
}

static void
test_accept_language(void **state)
{
	(void)state;
	assert_string_equal(lang("ja"), "ja");
	assert_string_equal(lang("en"), "en");
	assert_string_equal(lang("en-US,en;q=0.9"), "en");
	assert_string_equal(lang("ja-JP,ja;q=0.9,en;q=0.8"), "ja");
	assert_string_equal(lang("fr, ja;q=0.5"), "ja");
	assert_string_equal(lang("fr"), "en");
	assert_string_equal(lang("ja;q=0, en"), "en");
	assert_string_equal(lang("*"), "en");
	assert_string_equal(lang(""), "en");
	assert_string_equal(accept_language_pick(NULL, 0), "en");
	assert_string_equal(accept_language_pick(NULL, 10), "en");
	assert_string_equal(lang("JA-jp"), "ja");
	assert_string_equal(lang("EN-gb"), "en");
	/* Ties keep the header's order. */
	assert_string_equal(lang("en;q=0.5, ja;q=0.5"), "en");
	assert_string_equal(lang("ja;q=0.5, en;q=0.5"), "ja");
	assert_string_equal(lang("*, ja"), "en");
	assert_string_equal(lang("ja, *"), "ja");
	/* Highest q wins wherever it is. */
	assert_string_equal(lang("en;q=0.8, ja;q=0.9"), "ja");
	assert_string_equal(lang("en;q=0.9, ja;q=0.95"), "ja");
	assert_string_equal(lang("en;q=0.001, ja;q=0"), "en");
	assert_string_equal(lang("fr;q=1, ja;q=0.001"), "ja");
	assert_string_equal(lang("*;q=0.5, ja;q=0.6"), "ja");
	assert_string_equal(lang("*;q=0.7, ja;q=0.6"), "en");
	/* q=0 is "not acceptable". */
	assert_string_equal(lang("ja;q=0"), "en");
	assert_string_equal(lang("ja;q=0.000"), "en");
	assert_string_equal(lang("ja;q=0."), "en");
	assert_string_equal(lang("en;q=0, ja;q=0"), "en");
	/* Only the primary subtag, exactly. */
	assert_string_equal(lang("jav"), "en");
	assert_string_equal(lang("j"), "en");
	assert_string_equal(lang("ja-JP-x-custom1"), "ja");
	assert_string_equal(lang("ja-Jpan-JP"), "ja");
}

static void
test_accept_language_malformed(void **state)
{
	char buf[16];

	(void)state;
	/* A malformed member is skipped. */
	assert_string_equal(lang("ja;q=1.5"), "en");
	assert_string_equal(lang("ja;q=1.001"), "en");
	assert_string_equal(lang("ja;q=2"), "en");
	assert_string_equal(lang("ja;q=0.0001"), "en");
	assert_string_equal(lang("ja;q=.5"), "en");
	assert_string_equal(lang("ja;q=-0.5"), "en");
	assert_string_equal(lang("ja;q=0.5x"), "en");
	assert_string_equal(lang("ja;q="), "en");
	assert_string_equal(lang("ja;q"), "en");
	assert_string_equal(lang("ja;"), "en");
	assert_string_equal(lang("ja;q =0.5"), "en");
	assert_string_equal(lang("ja;level=1"), "en");
	assert_string_equal(lang("ja;q=0.5;q=0.6"), "en");
	assert_string_equal(lang("ja-"), "en");
	assert_string_equal(lang("ja--JP"), "en");
	assert_string_equal(lang("ja-abcdefghi"), "en");      /* subtag of 9 */
	assert_string_equal(lang("ja JP"), "en");
	assert_string_equal(lang("j4"), "en");
	assert_string_equal(lang("**"), "en");
	assert_string_equal(lang("ja;q=1.5, en;q=0.1"), "en");
	assert_string_equal(lang("abcdefghi, ja;q=0.1"), "ja"); /* primary of 9 */
	/* Valid forms of the weight. */
	assert_string_equal(lang("ja;q=1"), "ja");
	assert_string_equal(lang("ja;q=1."), "ja");
	assert_string_equal(lang("ja;q=1.000"), "ja");
	assert_string_equal(lang("ja;Q=0.5"), "ja");
	assert_string_equal(lang("ja ; q=0.5 "), "ja");
	assert_string_equal(lang("ja;\tq=0.5"), "ja");
	assert_string_equal(lang(" ,, ja ,,"), "ja");
	/* Embedded NUL or bytes past len. */
	assert_string_equal(accept_language_pick("j\0a", 3), "en");
	memset(buf, 'X', sizeof(buf));
	memcpy(buf, "ja", 2);
	assert_string_equal(accept_language_pick(buf, 2), "ja");
	memcpy(buf, "en;q=0.1,ja", 11);
	assert_string_equal(accept_language_pick(buf, 8), "en");     /* "en;q=0.1" */
	assert_string_equal(accept_language_pick(buf, 11), "ja");
	memcpy(buf, "ja;q=0.5", 8);
	assert_string_equal(accept_language_pick(buf, 7), "en");     /* "ja;q=0." is q=0 */
	assert_string_equal(accept_language_pick(buf, 8), "ja");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_form_empty),
		cmocka_unit_test(test_form_degenerate),
		cmocka_unit_test(test_form_fields),
		cmocka_unit_test(test_form_decoding),
		cmocka_unit_test(test_form_invalid_utf8),
		cmocka_unit_test(test_form_nul),
		cmocka_unit_test(test_form_max_fields),
		cmocka_unit_test(test_form_max_bytes),
		cmocka_unit_test(test_form_free),
		cmocka_unit_test(test_cookie_basic),
		cmocka_unit_test(test_cookie_spaces),
		cmocka_unit_test(test_cookie_quoted),
		cmocka_unit_test(test_cookie_first_wins),
		cmocka_unit_test(test_cookie_octets),
		cmocka_unit_test(test_cookie_lengths),
		cmocka_unit_test(test_cookie_not_terminated),
		cmocka_unit_test(test_query_basic),
		cmocka_unit_test(test_query_decoding),
		cmocka_unit_test(test_query_lengths),
		cmocka_unit_test(test_accept_language),
		cmocka_unit_test(test_accept_language_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
