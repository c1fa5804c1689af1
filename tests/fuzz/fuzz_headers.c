/*
 * tests/fuzz/fuzz_headers.c - libFuzzer target for cookie_get, query_get and
 * accept_language_pick (server/parse.c).
 *
 * Input layout: byte 0 chooses the name length (low 5 bits, 0..31) and the
 * output size (high 3 bits, from sizes[]); then come the name bytes, then
 * the header.  Header, name and output each live in a heap block of exactly
 * their size (the header with no NUL after it), so ASan reports any read
 * past len and any write past out_size.
 * Invariants: the output is always NUL-terminated within out_size, and empty
 * on -1; a cookie value is made of RFC 6265 cookie-octets and occurs in the
 * header as it is; a query value is UTF-8 without NUL; accept_language_pick
 * gives "ja" or "en" (the same pointer on a second call: it keeps no state),
 * and "ja" only when the header spells it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { \
	if (!(x)) { \
		fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #x); \
		abort(); \
	} \
} while (0)

static const size_t sizes[8] = { 1, 2, 3, 8, 17, 64, 256, 4096 };

static int
is_cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
	       (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}

static int
valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		uint32_t cp, min;
		size_t more;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			more = 1; cp = c & 0x1f; min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			more = 2; cp = c & 0x0f; min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			more = 3; cp = c & 0x07; min = 0x10000;
		} else {
			return 0;
		}
		if (n - i <= more)
			return 0;
		for (size_t k = 1; k <= more; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += more + 1;
	}
	return 1;
}

/* out[0, out_size) holds a NUL; returns the string's length. */
static size_t
checked_len(const char *out, size_t out_size)
{
	const char *nul = memchr(out, '\0', out_size);

	CHECK(nul != NULL);
	return (size_t)(nul - out);
}

static int
occurs(const char *hay, size_t hlen, const char *needle, size_t nlen)
{
	if (nlen == 0)
		return 1;
	return memmem(hay, hlen, needle, nlen) != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t nlen, out_size, hlen, vlen;
	char *name = NULL, *hdr = NULL, *out = NULL;
	const char *lang;
	int r;

	if (size == 0)
		return 0;
	nlen = data[0] & 31;
	out_size = sizes[data[0] >> 5];
	if (nlen > size - 1)
		nlen = size - 1;
	hlen = size - 1 - nlen;
	name = malloc(nlen + 1);
	hdr = malloc(hlen > 0 ? hlen : 1);
	out = malloc(out_size);
	if (name == NULL || hdr == NULL || out == NULL)
		goto done;
	memcpy(name, data + 1, nlen);
	name[nlen] = '\0';
	if (hlen > 0)
		memcpy(hdr, data + 1 + nlen, hlen);

	memset(out, 'Z', out_size);
	r = cookie_get(hdr, hlen, name, out, out_size);
	CHECK(r == 0 || r == -1);
	vlen = checked_len(out, out_size);
	CHECK(vlen < out_size);
	if (r == 0) {
		for (size_t k = 0; k < vlen; k++)
			CHECK(is_cookie_octet((unsigned char)out[k]));
		CHECK(occurs(hdr, hlen, out, vlen));
		CHECK(name[0] != '\0' && occurs(hdr, hlen, name, strlen(name)));
	} else {
		CHECK(vlen == 0);
	}

	memset(out, 'Z', out_size);
	r = query_get(hdr, hlen, name, out, out_size);
	CHECK(r == 0 || r == -1);
	vlen = checked_len(out, out_size);
	CHECK(vlen < out_size);
	if (r == 0)
		CHECK(valid_utf8((const unsigned char *)out, vlen));
	else
		CHECK(vlen == 0);

	lang = accept_language_pick(hdr, hlen);
	CHECK(lang != NULL && (strcmp(lang, "ja") == 0 || strcmp(lang, "en") == 0));
	CHECK(accept_language_pick(hdr, hlen) == lang);
	/* Without "ja" (any case) in the header the answer can only be the default. */
	if (strcmp(lang, "ja") == 0) {
		int seen = 0;

		for (size_t k = 0; k + 1 < hlen && !seen; k++)
			seen = (hdr[k] | 0x20) == 'j' && (hdr[k + 1] | 0x20) == 'a';
		CHECK(seen);
	}
done:
	free(name);
	free(hdr);
	free(out);
	return 0;
}
