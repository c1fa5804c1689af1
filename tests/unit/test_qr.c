/*
 * tests/unit/test_qr.c - QR rendering: the SVG and the UTF-8 art must both
 * show exactly the modules libqrencode produced, with the quiet zone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <qrencode.h>

#include "sekisho/qr.h"

#define QUIET 4
#define URI "otpauth://totp/ACME%20Co:alice%40example.jp?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" \
	    "&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"

/* The reference symbol with its quiet zone: size x size bytes, 1 = dark. */
static unsigned char *
reference(const char *text, int *size)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	unsigned char *m;
	int x, y, n;

	assert_non_null(qr);
	n = qr->width + 2 * QUIET;
	m = calloc((size_t)n * (size_t)n, 1);
	assert_non_null(m);
	for (y = 0; y < qr->width; y++)
		for (x = 0; x < qr->width; x++)
			m[(y + QUIET) * n + x + QUIET] = qr->data[y * qr->width + x] & 1;
	QRcode_free(qr);
	*size = n;
	return m;
}

/* Rebuilds the module matrix from the SVG's path of "MX YhNv1h-Nz" runs. */
static void
svg_modules(const char *svg, int n, unsigned char *m)
{
	const char *d = strstr(svg, " d=\"");
	int x, y, run, run2, used;

	assert_non_null(d);
	d += 4;
	while (*d == 'M') {
		assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &run2, &used), 4);
		assert_int_equal(run, run2);
		assert_true(x >= QUIET && y >= QUIET && run >= 1);
		assert_true(x + run <= n - QUIET && y < n - QUIET);
		while (run-- > 0) {
			assert_int_equal(m[y * n + x], 0);  /* no overlaps */
			m[y * n + x++] = 1;
		}
		d += used;
	}
	assert_int_equal(*d, '"');
}

static void
test_svg(void **state)
{
	unsigned char *ref, *got;
	char *svg, head[160];
	int n;
	size_t len;

	(void)state;
	ref = reference(URI, &n);
	svg = sk_qr_svg(URI);
	assert_non_null(svg);
	len = strlen(svg);
	assert_int_equal(strncmp(svg, "<svg ", 5), 0);
	assert_string_equal(svg + len - 6, "</svg>");
	snprintf(head, sizeof(head), "viewBox=\"0 0 %d %d\"", n, n);
	assert_non_null(strstr(svg, head));
	assert_non_null(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr(svg, "shape-rendering=\"crispEdges\""));
	assert_non_null(strstr(svg, "role=\"img\""));
	assert_non_null(strstr(svg, "aria-label=\"QR code\""));
	snprintf(head, sizeof(head), "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>", n, n);
	assert_non_null(strstr(svg, head));
	/* Exactly one <svg>, one <path>, balanced angle brackets. */
	assert_null(strstr(svg + 1, "<svg"));
	assert_non_null(strstr(svg, "<path"));
	assert_null(strstr(strstr(svg, "<path") + 1, "<path"));
	{
		int depth = 0;
		const char *c;
		for (c = svg; *c; c++) {
			if (*c == '<')
				depth++;
			else if (*c == '>')
				depth--;
			assert_true(depth == 0 || depth == 1);
		}
		assert_int_equal(depth, 0);
	}
	got = calloc((size_t)n * (size_t)n, 1);
	assert_non_null(got);
	svg_modules(svg, n, got);
	assert_memory_equal(got, ref, (size_t)n * (size_t)n);
	free(got);
	free(ref);
	free(svg);
}

/* Splits UTF-8 art into cells: 0 ' ', 1 lower half, 2 upper half, 3 full. */
static int
next_cell(const char **p)
{
	const char *s = *p;

	if (*s == ' ') {
		*p = s + 1;
		return 0;
	}
	if (strncmp(s, "\xe2\x96\x84", 3) == 0) {
		*p = s + 3;
		return 1;
	}
	if (strncmp(s, "\xe2\x96\x80", 3) == 0) {
		*p = s + 3;
		return 2;
	}
	if (strncmp(s, "\xe2\x96\x88", 3) == 0) {
		*p = s + 3;
		return 3;
	}
	fail_msg("unexpected byte 0x%02x in UTF-8 art", (unsigned char)*s);
	return -1;
}

/* Checks the shape and returns the painted halves as an n x (lines*2) matrix. */
static unsigned char *
utf8_modules(const char *art, int n)
{
	int lines = (n + 1) / 2, line = 0, col;
	unsigned char *m = calloc((size_t)n * (size_t)(lines * 2), 1);
	const char *p = art;
	int c;

	assert_non_null(m);
	while (*p != '\0') {
		assert_true(line < lines);
		for (col = 0; *p != '\n'; col++) {
			assert_true(col < n);
			c = next_cell(&p);
			m[(2 * line) * n + col] = (unsigned char)(c >> 1);
			m[(2 * line + 1) * n + col] = (unsigned char)(c & 1);
		}
		assert_int_equal(col, n);  /* every line n code points wide */
		p++;
		line++;
	}
	assert_int_equal(line, lines);
	return m;
}

static void
test_utf8(void **state)
{
	unsigned char *ref, *got, *inv;
	char *art, *art_inv;
	int n, x, y;

	(void)state;
	ref = reference(URI, &n);
	art = sk_qr_utf8(URI, 0);
	art_inv = sk_qr_utf8(URI, 1);
	assert_non_null(art);
	assert_non_null(art_inv);
	assert_int_equal(art[strlen(art) - 1], '\n');
	got = utf8_modules(art, n);
	inv = utf8_modules(art_inv, n);
	for (y = 0; y < n; y++) {
		for (x = 0; x < n; x++) {
			/* Default: glyphs paint the light modules; inverted: the dark ones. */
			assert_int_equal(got[y * n + x], !ref[y * n + x]);
			assert_int_equal(inv[y * n + x], ref[y * n + x]);
		}
	}
	/* The half row under an odd-height symbol is quiet zone (light). */
	if (n % 2 == 1) {
		for (x = 0; x < n; x++) {
			assert_int_equal(got[n * n + x], 1);
			assert_int_equal(inv[n * n + x], 0);
		}
	}
	/* Quiet zone: the first QUIET rows are all light. */
	for (y = 0; y < QUIET; y++)
		for (x = 0; x < n; x++)
			assert_int_equal(got[y * n + x], 1);
	free(got);
	free(inv);
	free(ref);
	free(art);
	free(art_inv);
}

static void
test_bad_input(void **state)
{
	char *big;
	char *s;

	(void)state;
	assert_null(sk_qr_svg(NULL));
	assert_null(sk_qr_utf8(NULL, 0));
	assert_null(sk_qr_svg(""));
	assert_null(sk_qr_utf8("", 1));
	/* More than a version 40-M symbol holds (2331 bytes). */
	big = malloc(5001);
	assert_non_null(big);
	memset(big, 'x', 5000);
	big[5000] = '\0';
	assert_null(sk_qr_svg(big));
	assert_null(sk_qr_utf8(big, 0));
	/* The largest size still renders. */
	big[2000] = '\0';
	s = sk_qr_svg(big);
	assert_non_null(s);
	free(s);
	s = sk_qr_utf8(big, 0);
	assert_non_null(s);
	free(s);
	free(big);
	/* Short and non-ASCII text works too. */
	s = sk_qr_svg("a");
	assert_non_null(s);
	assert_non_null(strstr(s, "viewBox=\"0 0 29 29\""));
	free(s);
	s = sk_qr_utf8("東京", 0);
	assert_non_null(s);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_svg),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_bad_input),
	};

	return cmocka_run_group_tests_name("qr", tests, NULL, NULL);
}
