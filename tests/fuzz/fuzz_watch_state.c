/*
 * tests/fuzz/fuzz_watch_state.c - sekisho-watch's --state file (watch/table.c
 * wk_table_load through wk_detect_load): whatever the file holds, loading
 * stays inside the tables, and a loaded state keeps working (an event is
 * fed through every detector afterwards).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static wk_detect *d;
	static wk_sink sink;
	wk_config cfg;
	wk_event ev;
	FILE *f;

	if (d == NULL) {
		wk_config_default(&cfg);
		cfg.table_capacity = 16;
		sink.out = fopen("/dev/null", "w");
		d = wk_detect_new(&cfg, &sink);
	}
	if (d == NULL || size == 0 || (f = fmemopen((void *)(uintptr_t)data, size, "rb")) == NULL)
		return 0;
	(void)wk_detect_load(d, f);
	fclose(f);
	memset(&ev, 0, sizeof(ev));
	ev.kind = WK_AUTH_FAIL;
	ev.ts = 1795323600;
	ev.user = (wk_str){"root", 4};
	ev.src = (wk_str){"192.0.2.1", 9};
	wk_detect_event(d, &ev, "x", 1);
	return 0;
}
