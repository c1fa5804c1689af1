/*
 * tests/fuzz/fuzz_watch_detect.c - sekisho-watch's detectors behind its
 * parsers (watch/detect.c): any bytes, read as lines of any log type, go
 * through every rule with tiny tables and thresholds at their lowest, so
 * that evictions, suppression, the sshd connection table, the traffic
 * baselines and the beacon scores all run.  The first byte picks the parser
 * (and a [volume] bucket), the rest is lines.  Tables and windows carry over
 * from input to input, as they do over a long log.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const wk_parse_fn parsers[] = {wk_parse_sshd, wk_parse_squid, wk_parse_firewall,
				      wk_parse_sekisho};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static wk_detect *d;
	static wk_sink sink;
	const char *p, *end, *nl;
	wk_parse_fn parse;
	wk_event ev;

	if (d == NULL) {
		wk_config c;
		wk_config_default(&c);
		c.table_capacity = 16;
		c.brute_failures = 2;
		c.spray_users = c.distributed_sources = c.multi_addresses = 2;
		c.offhours_on = 1;
		c.offhours_count = 1;
		c.beacon_min = 4;
		c.beacon_min_interval = 0;
		c.volume_bucket = 60;
		c.volume_history = 3;
		c.volume_min_history = 2;
		c.volume_min_bytes = 1;
		c.volume_high = c.volume_low = 2;
		c.ntrap = 1;
		snprintf(c.trap_users[0], sizeof(c.trap_users[0]), "root");
		c.nadmin = 1;
		snprintf(c.admin_users[0], sizeof(c.admin_users[0]), "admin");
		(void)sk_cidr_list_parse("10.0.0.0/8", c.admin_terminals, WK_LIST_MAX,
					 &c.nadmin_terminals);
		(void)sk_cidr_list_parse("192.0.2.0/24, 2001:db8::/32", c.decoys, WK_LIST_MAX,
					 &c.ndecoys);
		sink.out = fopen("/dev/null", "w");
		sink.json = 1;
		d = wk_detect_new(&c, &sink);
	}
	if (d == NULL || sink.out == NULL || size == 0)
		return 0;
	parse = parsers[data[0] % (sizeof(parsers) / sizeof(parsers[0]))];
	p = (const char *)data + 1;
	end = (const char *)data + size;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (parse(p, n, 2026, &ev) == 1)
			wk_detect_event(d, &ev, p, n);
		p += n + 1;
	}
	if (data[0] & 0x80)
		wk_detect_finish(d);
	return 0;
}
