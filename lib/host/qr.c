/*
 * lib/host/qr.c - QR codes for authenticator enrollment, rendered as SVG
 * (for the web pages) or as UTF-8 half blocks (for the terminal).
 *
 * libqrencode does the encoding: level M, mixed mode with 8-bit for
 * everything that is not numeric or alphanumeric, case-sensitive (an
 * otpauth URI's secret and label must survive unchanged).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qrencode.h>

#include "sekisho/qr.h"

/* Light modules around the symbol (ISO/IEC 18004 asks for 4). */
#define QUIET 4
/* libqrencode's largest symbol is version 40, 177 modules. */
#define QR_WIDTH_MAX 177

static QRcode *
encode(const char *text)
{
	QRcode *qr;

	if (text == NULL || text[0] == '\0')
		return NULL;
	qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (qr == NULL)
		return NULL;
	if (qr->width < 21 || qr->width > QR_WIDTH_MAX || qr->data == NULL) {
		QRcode_free(qr);
		return NULL;
	}
	return qr;
}

/* Module (x, y) of the symbol with its quiet zone: 1 dark, 0 light. */
static int
dark(const QRcode *qr, int x, int y)
{
	x -= QUIET;
	y -= QUIET;
	if (x < 0 || y < 0 || x >= qr->width || y >= qr->width)
		return 0;
	return qr->data[y * qr->width + x] & 1;
}

/*
 * Output written twice: first with buf == NULL to measure, then for real,
 * so the allocation is exact and no realloc is needed.
 */
struct out {
	char *buf;
	size_t len;
};

static void
put(struct out *o, const char *s)
{
	size_t n = strlen(s);

	if (o->buf != NULL)
		memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void
put_int(struct out *o, int v)
{
	char tmp[16];

	snprintf(tmp, sizeof(tmp), "%d", v);
	put(o, tmp);
}

static void
svg_write(struct out *o, const QRcode *qr)
{
	int size = qr->width + 2 * QUIET, x, y, run;

	put(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
	put_int(o, size);
	put(o, " ");
	put_int(o, size);
	put(o, "\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">"
	       "<rect width=\"");
	put_int(o, size);
	put(o, "\" height=\"");
	put_int(o, size);
	put(o, "\" fill=\"#fff\"/><path fill=\"#000\" d=\"");
	/* One sub-path per horizontal run of dark modules. */
	for (y = QUIET; y < QUIET + qr->width; y++) {
		for (x = QUIET; x < QUIET + qr->width; x += run) {
			run = 0;
			while (x + run < QUIET + qr->width && dark(qr, x + run, y))
				run++;
			if (run == 0) {
				run = 1;
				continue;
			}
			put(o, "M");
			put_int(o, x);
			put(o, " ");
			put_int(o, y);
			put(o, "h");
			put_int(o, run);
			put(o, "v1h-");
			put_int(o, run);
			put(o, "z");
		}
	}
	put(o, "\"/></svg>");
}

char *
sk_qr_svg(const char *text)
{
	struct out o = { NULL, 0 };
	QRcode *qr;

	if ((qr = encode(text)) == NULL)
		return NULL;
	svg_write(&o, qr);
	if ((o.buf = malloc(o.len + 1)) != NULL) {
		o.len = 0;
		svg_write(&o, qr);
		o.buf[o.len] = '\0';
	}
	QRcode_free(qr);
	return o.buf;
}

/*
 * A character cell shows two modules, upper and lower.  A block glyph is
 * drawn in the terminal's foreground colour, so on the usual light-on-dark
 * terminal the glyphs paint the light modules; invert paints the dark ones
 * instead, for dark-on-light terminals.  The row below the last one (the
 * symbol plus quiet zone has an odd height) counts as quiet zone.
 */
char *
sk_qr_utf8(const char *text, int invert)
{
	static const char *const glyph[4] = { " ", "\xe2\x96\x84", "\xe2\x96\x80", "\xe2\x96\x88" };
	QRcode *qr;
	struct out o = { NULL, 0 };
	int size, x, y, top, bottom;
	size_t cap;

	if ((qr = encode(text)) == NULL)
		return NULL;
	size = qr->width + 2 * QUIET;
	/* Every glyph is at most 3 bytes; one '\n' per line; NUL. */
	cap = (size_t)((size + 1) / 2) * ((size_t)size * 3 + 1) + 1;
	if ((o.buf = malloc(cap)) == NULL)
		goto out;
	for (y = 0; y < size; y += 2) {
		for (x = 0; x < size; x++) {
			top = dark(qr, x, y) ^ !invert;
			bottom = (y + 1 < size ? dark(qr, x, y + 1) : 0) ^ !invert;
			put(&o, glyph[(top << 1) | bottom]);
		}
		put(&o, "\n");
	}
	o.buf[o.len] = '\0';
out:
	QRcode_free(qr);
	return o.buf;
}
