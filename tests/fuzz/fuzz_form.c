/*
 * tests/fuzz/fuzz_form.c - libFuzzer target for form_parse (server/parse.c).
 *
 * The input is copied into a heap block of exactly its size (no NUL after
 * it, as h2o hands a request body over) so ASan reports any read past len.
 * Invariants, not just the absence of crashes:
 * - a refused body leaves the form empty; a body over FORM_MAX_BYTES is refused;
 * - at most FORM_MAX_FIELDS fields, every string inside form.mem;
 * - every value_len is the value's strlen, names and values are UTF-8;
 * - form_get finds every name, and returns the value of its first occurrence;
 * - percent-encoding every field again and parsing that gives the same form.
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

/* Independent of parse.c's validator: decode each code point and check its range. */
static int
valid_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		uint32_t cp, min;
		size_t k, more;

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
		for (k = 1; k <= more; k++) {
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

static int
inside(const form *f, const char *s, size_t len)
{
	return s >= f->mem && (size_t)(s - f->mem) + len < f->mem_size;
}

/* Appends s percent-encoded (every byte but ALPHA / DIGIT, ' ' as '+'). */
static size_t
encode(char *dst, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t w = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
			dst[w++] = (char)c;
		} else if (c == ' ') {
			dst[w++] = '+';
		} else {
			dst[w++] = '%';
			dst[w++] = hex[c >> 4];
			dst[w++] = hex[c & 15];
		}
	}
	return w;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	form f, g;
	char *body = malloc(size > 0 ? size : 1), *again = NULL;
	size_t w = 0;
	int r;

	if (body == NULL)
		return 0;
	if (size > 0)
		memcpy(body, data, size);
	r = form_parse(&f, body, size);
	free(body);

	if (r != 0) {
		CHECK(r == -1);
		CHECK(f.n == 0 && f.mem == NULL && f.mem_size == 0);
		form_free(&f);
		return 0;
	}
	CHECK(size <= FORM_MAX_BYTES);
	CHECK(f.n <= FORM_MAX_FIELDS);
	CHECK(f.mem_size <= size + FORM_MAX_FIELDS + 2);
	CHECK((size == 0) == (f.mem == NULL));
	for (size_t k = 0; k < f.n; k++) {
		const form_field *x = &f.f[k];
		size_t nlen = strlen(x->name);
		const char *first = NULL;

		CHECK(inside(&f, x->name, nlen) && inside(&f, x->value, x->value_len));
		CHECK(strlen(x->value) == x->value_len);
		CHECK(valid_utf8((const unsigned char *)x->name, nlen));
		CHECK(valid_utf8((const unsigned char *)x->value, x->value_len));
		for (size_t j = 0; j <= k && first == NULL; j++)
			if (strcmp(f.f[j].name, x->name) == 0)
				first = f.f[j].value;
		CHECK(form_get(&f, x->name) != NULL && form_get(&f, x->name) == first);
	}

	/* Round trip: encoding triples a byte at most; each field adds "=&". */
	if (f.n > 0 && (again = malloc(3 * f.mem_size + 2 * f.n)) != NULL) {
		for (size_t k = 0; k < f.n; k++) {
			if (k > 0)
				again[w++] = '&';
			w += encode(again + w, f.f[k].name);
			again[w++] = '=';
			w += encode(again + w, f.f[k].value);
		}
		if (w <= FORM_MAX_BYTES) {
			CHECK(form_parse(&g, again, w) == 0);
			CHECK(g.n == f.n);
			for (size_t k = 0; k < f.n; k++) {
				CHECK(strcmp(g.f[k].name, f.f[k].name) == 0);
				CHECK(g.f[k].value_len == f.f[k].value_len);
				CHECK(memcmp(g.f[k].value, f.f[k].value, f.f[k].value_len + 1) == 0);
			}
			form_free(&g);
		}
		free(again);
	}
	form_free(&f);
	form_free(&f);          /* idempotent */
	CHECK(f.mem == NULL && f.n == 0);
	return 0;
}
