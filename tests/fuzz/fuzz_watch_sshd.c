/*
 * tests/fuzz/fuzz_watch_sshd.c - sekisho-watch's reader of OpenSSH lines (watch/parsers/sshd.c and the syslog header splitter).
 *
 * Input: one line, passed as a heap block of exactly its length (ASan sees
 * any read past it).  Invariants: returns 0 or 1; the kind is valid and
 * WK_NONE when the line did not parse; the source is right; every string of
 * the event is non-NULL and lies inside the line; microseconds < 1000000.
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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size > 0 ? size : 1);
	wk_event ev;
	int r;

	if (line == NULL)
		return 0;
	if (size > 0)
		memcpy(line, data, size);
	r = wk_parse_sshd(line, size, 2026, &ev);
	CHECK(r == 0 || r == 1);
	CHECK(ev.kind >= WK_NONE && ev.kind < WK__COUNT);
	CHECK(r == 1 || ev.kind == WK_NONE);
	CHECK(ev.source == WK_SRC_SSHD);
	CHECK(ev.ts_frac_us >= 0 && ev.ts_frac_us < 1000000);
	{
		const wk_str *all[] = {&ev.host, &ev.user, &ev.src, &ev.dst, &ev.method,
				       &ev.url, &ev.result, &ev.workstation};
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
			CHECK(all[i]->p != NULL);
			CHECK(all[i]->p >= line && all[i]->n <= size &&
			      (size_t)(all[i]->p - line) <= size - all[i]->n);
		}
	}
	/* An event about a client names where it came from (pam_unix's rhost may be empty). */
	if (ev.kind == WK_AUTH_OK || ev.kind == WK_SESSION_END)
		CHECK(ev.src.n > 0);
	free(line);
	return 0;
}
