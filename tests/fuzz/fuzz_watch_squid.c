/*
 * tests/fuzz/fuzz_watch_squid.c - sekisho-watch's Squid access.log parser
 * (watch/parsers/squid.c: wk_parse_squid).
 *
 * Input: one line, passed as a heap block of exactly its length, so ASan
 * sees any read past it.
 * Invariants: returns 0 or 1; on 1 the event is a WK_PROXY from
 * WK_SRC_SQUID, every string lies inside the line (NULL only when empty),
 * method and result are non-empty, dst holds no space, a port comes only
 * with a host, the status has at most three digits, the user agent points
 * into the line even when empty and is never "-", no conn or flags; on 0
 * the event is left empty; the same line parses the same way twice.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"

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
	if (s.n == 0)
		return;
	CHECK(s.p != NULL);
	CHECK(s.p >= buf && s.n <= size && s.p <= buf + size - s.n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size ? size : 1);
	wk_event ev, again;
	int r;

	if (line == NULL)
		return 0;
	memcpy(line, data, size);
	r = wk_parse_squid(line, size, 2026, &ev);
	CHECK(r == 0 || r == 1);
	if (r == 1) {
		CHECK(ev.kind == WK_PROXY);
		CHECK(ev.source == WK_SRC_SQUID);
		inside(ev.host, line, size);
		inside(ev.user, line, size);
		inside(ev.src, line, size);
		inside(ev.dst, line, size);
		inside(ev.method, line, size);
		inside(ev.url, line, size);
		inside(ev.result, line, size);
		inside(ev.workstation, line, size);
		inside(ev.agent, line, size);
		CHECK(ev.agent.p >= line && ev.agent.p <= line + size);
		CHECK(ev.agent.n != 1 || ev.agent.p[0] != '-');
		CHECK(ev.conn.n == 0 && ev.flags == 0);
		CHECK(ev.src.n > 0 && ev.method.n > 0 && ev.url.n > 0 && ev.result.n > 0);
		CHECK(ev.host.n == 0 && ev.workstation.n == 0);
		CHECK(memchr(ev.dst.p ? ev.dst.p : "", ' ', ev.dst.n) == NULL);
		CHECK(ev.dst.n > 0 || ev.dst_port == 0);
		CHECK(ev.status >= 0 && ev.status <= 999);
		CHECK(ev.user.n != 1 || ev.user.p[0] != '-');
		CHECK(wk_parse_squid(line, size, 1999, &again) == 1);
		CHECK(memcmp(&ev, &again, sizeof(ev)) == 0);
	} else {
		CHECK(ev.kind == WK_NONE && ev.source == WK_SRC_SQUID);
		CHECK(ev.src.n == 0 && ev.user.n == 0 && ev.result.n == 0 && ev.agent.n == 0);
	}
	free(line);
	return 0;
}
