/*
 * tests/fuzz/fuzz_watch_winevt_xml.c - sekisho-watch's reading of Windows
 * event XML (watch/parsers/winevt.c: wk_parse_winevt_xml,
 * wk_winevt_xml_next, wk_winevt_unescape).
 *
 * Input: XML text (one or several events), as a heap block of exactly its
 * length, so ASan sees any read past it.
 * Invariants: the parser returns 0 or 1; on 1 the event comes from
 * WK_SRC_WINEVT, its kind is valid, every string lies inside the input
 * (NULL only when empty), the status is an event id (0..65535) and a port
 * comes only with an address.  wk_winevt_xml_next returns spans inside the
 * input that start with "<Event" and end with '>', moving forward; each
 * span parses within itself.  wk_winevt_unescape of any field fits its
 * buffer, NUL-terminated, or says (size_t)-1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "parsers/winevt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { \
	if (!(x)) { \
		fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #x); \
		abort(); \
	} \
} while (0)

static void
inside(wk_str s, const char *buf, size_t size)
{
	char out[64];
	size_t n;

	if (s.n == 0)
		return;
	CHECK(s.p != NULL);
	CHECK(s.p >= buf && s.n <= size && s.p <= buf + size - s.n);
	n = wk_winevt_unescape(s, out, sizeof(out));
	CHECK(n == (size_t)-1 || (n < sizeof(out) && out[n] == '\0' && n <= s.n));
}

static void
check(const char *buf, size_t size)
{
	wk_event ev;
	int r = wk_parse_winevt_xml(buf, size, &ev);

	CHECK(r == 0 || r == 1);
	if (r == 0)
		return;
	CHECK(ev.source == WK_SRC_WINEVT);
	CHECK(ev.kind >= WK_NONE && ev.kind < WK__COUNT);
	CHECK(ev.status >= 0 && ev.status <= 65535);
	inside(ev.host, buf, size);
	inside(ev.user, buf, size);
	inside(ev.src, buf, size);
	inside(ev.dst, buf, size);
	inside(ev.method, buf, size);
	inside(ev.url, buf, size);
	inside(ev.result, buf, size);
	inside(ev.workstation, buf, size);
	CHECK(ev.src_port == 0 || ev.src.n > 0);
	CHECK(ev.dst_port == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size ? size : 1);
	size_t off = 0, last = 0;
	wk_str one;
	int spans = 0;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	check(buf, size);
	while (spans < 64 && wk_winevt_xml_next(buf, size, &off, &one)) {
		CHECK(one.p >= buf + last && one.n >= 8 && one.p + one.n <= buf + size);
		CHECK(memcmp(one.p, "<Event", 6) == 0 && one.p[one.n - 1] == '>');
		CHECK(off == (size_t)(one.p - buf) + one.n && off > last);
		last = off;
		check(one.p, one.n);
		spans++;
	}
	free(buf);
	return 0;
}
