/*
 * tests/unit/test_watch_firewall.c - sekisho-watch's netfilter LOG parser
 * (watch/parsers/firewall.c) on lines the kernel wrote here for nftables
 * rules (tests/data/firewall/real-nft-6.18.dmesg), on samples written after
 * nf_log_syslog.c's format in syslog and journald form, on the prefix rule
 * (drop, accept, drop when unsure), and on lines it must refuse.
 * Run from the repository root (make unit does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "event.h"

#define DATA "tests/data/firewall/"

static void
str_is(wk_str s, const char *want, const char *what)
{
	if (!wk_str_eq(s, want))
		fail_msg("%s: got \"%.*s\", wanted \"%s\"", what, (int)s.n, s.p ? s.p : "", want);
}

static void
inside(const wk_event *ev, const char *line, size_t len)
{
	const wk_str *all[] = {&ev->host, &ev->user, &ev->src, &ev->dst, &ev->method,
			       &ev->url, &ev->result, &ev->workstation};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		assert_non_null(all[i]->p);
		assert_true(all[i]->p >= line && all[i]->p + all[i]->n <= line + len);
	}
	assert_true(ev->kind >= WK_NONE && ev->kind < WK__COUNT);
	assert_int_equal(ev->source, WK_SRC_FIREWALL);
}

/* Parses a heap copy of exactly len bytes, checks the invariants, re-bases on text. */
static int
parse(const char *text, size_t len, wk_event *ev)
{
	char *copy = malloc(len > 0 ? len : 1);
	wk_str *all[] = {&ev->host, &ev->user, &ev->src, &ev->dst, &ev->method,
			 &ev->url, &ev->result, &ev->workstation};
	int r;

	assert_non_null(copy);
	memcpy(copy, text, len);
	r = wk_parse_firewall(copy, len, 2026, ev);
	assert_true(r == 0 || r == 1);
	inside(ev, copy, len);
	if (r == 0)
		assert_int_equal(ev->kind, WK_NONE);
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		all[i]->p = text + (all[i]->p - copy);
	free(copy);
	return r;
}

struct counts {
	int kind[WK__COUNT];
	int unparsed, lines;
};

static void
count_file(const char *path, struct counts *c)
{
	FILE *f = fopen(path, "rb");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	memset(c, 0, sizeof(*c));
	if (f == NULL)
		fail_msg("cannot open %s (run the tests from the repository root)", path);
	while ((n = getline(&line, &cap, f)) > 0) {
		wk_event ev;
		if (line[n - 1] == '\n')
			n--;
		c->lines++;
		if (!wk_parse_firewall(line, (size_t)n, 2026, &ev)) {
			c->unparsed++;
			continue;
		}
		inside(&ev, line, (size_t)n);
		c->kind[ev.kind]++;
	}
	free(line);
	fclose(f);
}

static void
test_samples(void **state)
{
	struct counts c;

	(void)state;
	/* The kernel's own lines: OUTBOUND-DROP twice (SYN and its retry), [UFW
	 * BLOCK], v6-reject, the unprefixed input-chain line -> drops; [UFW
	 * ALLOW], ICMP ACCEPT -> accepts; icmp-err (no verdict word) -> drop. */
	count_file(DATA "real-nft-6.18.dmesg", &c);
	assert_int_equal(c.lines, 8);
	assert_int_equal(c.unparsed, 0);
	assert_int_equal(c.kind[WK_FW_DROP], 6);
	assert_int_equal(c.kind[WK_FW_ACCEPT], 2);

	/* 16 lines: 10 drops, 2 accepts ([UFW ALLOW], ACCEPT-web:), ARP, a NIC
	 * line, an sshd line (WK_NONE), and a line cut inside DST (unparsed). */
	count_file(DATA "iptables-syslog.log", &c);
	assert_int_equal(c.lines, 16);
	assert_int_equal(c.unparsed, 1);
	assert_int_equal(c.kind[WK_FW_DROP], 10);
	assert_int_equal(c.kind[WK_FW_ACCEPT], 2);
	assert_int_equal(c.kind[WK_NONE], 3);

	/* 11 lines: banner and systemd (WK_NONE), 7 drops, allowed-updater,
	 * and SPT=99999 (unparsed). */
	count_file(DATA "nftables-journal.log", &c);
	assert_int_equal(c.lines, 11);
	assert_int_equal(c.unparsed, 1);
	assert_int_equal(c.kind[WK_FW_DROP], 7);
	assert_int_equal(c.kind[WK_FW_ACCEPT], 1);
	assert_int_equal(c.kind[WK_NONE], 2);
}

struct want {
	const char *line;
	int ret;
	wk_kind kind;
	const char *src, *dst;
	unsigned spt, dpt;
	uint64_t bytes;
	const char *proto, *prefix, *host;
	int64_t ts;
};

static void
check(const struct want *w)
{
	wk_event ev;
	int r = parse(w->line, strlen(w->line), &ev);

	if (r != w->ret)
		fail_msg("%s: returned %d, wanted %d", w->line, r, w->ret);
	if (r == 0)
		return;
	if (ev.kind != w->kind)
		fail_msg("%s: kind %d, wanted %d", w->line, ev.kind, w->kind);
	if (w->kind == WK_NONE)
		return;
	str_is(ev.src, w->src, "src");
	str_is(ev.dst, w->dst, "dst");
	assert_int_equal(ev.src_port, w->spt);
	assert_int_equal(ev.dst_port, w->dpt);
	assert_int_equal(ev.bytes, w->bytes);
	str_is(ev.method, w->proto, "proto");
	str_is(ev.result, w->prefix, "prefix");
	if (w->host)
		str_is(ev.host, w->host, "host");
	if (w->ts)
		assert_int_equal(ev.ts, w->ts);
}

#define T0 1795323600 /* 2026-11-22 05:00:00 UTC */

static void
test_lines(void **state)
{
	static const struct want w[] = {
		/* the kernel's lines, verbatim */
		{"[12052.645792] OUTBOUND-DROP: IN= OUT=lo SRC=127.0.0.1 DST=127.0.0.99 LEN=60 TOS=0x00 "
		 "PREC=0x00 TTL=64 ID=37581 DF PROTO=TCP SPT=40904 DPT=9 WINDOW=65495 RES=0x00 SYN URGP=0 ",
		 1, WK_FW_DROP, "127.0.0.1", "127.0.0.99", 40904, 9, 60, "TCP", "OUTBOUND-DROP:", "", 0},
		{"[12053.847672] [UFW BLOCK] IN= OUT=lo SRC=127.0.0.1 DST=127.0.0.99 LEN=29 TOS=0x00 "
		 "PREC=0x00 TTL=64 ID=39383 DF PROTO=UDP SPT=41768 DPT=9 LEN=9 ",
		 1, WK_FW_DROP, "127.0.0.1", "127.0.0.99", 41768, 9, 29, "UDP", "[UFW BLOCK]", "", 0},
		{"[12053.847886] [UFW ALLOW] IN= OUT=lo SRC=0000:0000:0000:0000:0000:0000:0000:0001 "
		 "DST=0000:0000:0000:0000:0000:0000:0000:0001 LEN=53 TC=0 HOPLIMIT=64 FLOWLBL=580475 "
		 "PROTO=UDP SPT=39726 DPT=9 LEN=13 ",
		 1, WK_FW_ACCEPT, "0000:0000:0000:0000:0000:0000:0000:0001",
		 "0000:0000:0000:0000:0000:0000:0000:0001", 39726, 9, 53, "UDP", "[UFW ALLOW]", "", 0},
		{"[12053.848116] icmp-err: IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 "
		 "SRC=127.0.0.98 DST=127.0.0.1 LEN=60 TOS=0x00 PREC=0xC0 TTL=64 ID=1188 PROTO=ICMP TYPE=3 "
		 "CODE=3 [SRC=127.0.0.1 DST=127.0.0.98 LEN=32 TOS=0x00 PREC=0x00 TTL=64 ID=28938 DF "
		 "PROTO=UDP SPT=48632 DPT=9 LEN=12 ] ",
		 1, WK_FW_DROP, "127.0.0.98", "127.0.0.1", 0, 0, 60, "ICMP", "icmp-err:", "", 0},
		/* syslog, journald, RFC 5424 around it */
		{"Nov 22 05:00:00 gw kernel: [123456.789012] OUTBOUND-DROP: IN=eth1 OUT=eth0 "
		 "MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=10.0.0.5 DST=93.184.216.34 LEN=60 "
		 "TOS=0x00 PREC=0x00 TTL=63 ID=1 DF PROTO=TCP SPT=51000 DPT=443 WINDOW=64240 RES=0x00 SYN "
		 "URGP=0",
		 1, WK_FW_DROP, "10.0.0.5", "93.184.216.34", 51000, 443, 60, "TCP", "OUTBOUND-DROP:", "gw",
		 T0},
		{"Nov 22 05:00:00 gw kernel: [    5.000001] IN=eth0 OUT= SRC=10.0.0.5 DST=10.0.0.6 LEN=1 "
		 "PROTO=TCP SPT=1 DPT=2",
		 1, WK_FW_DROP, "10.0.0.5", "10.0.0.6", 1, 2, 1, "TCP", "", "gw", T0},
		{"2026-11-22T05:00:00+0900 gw kernel: nft drop out IN=br0 OUT=wan0 SRC=2001:db8::23 "
		 "DST=2606:4700::6810:84e5 LEN=80 TC=0 HOPLIMIT=63 FLOWLBL=7 PROTO=TCP SPT=49200 DPT=443 ",
		 1, WK_FW_DROP, "2001:db8::23", "2606:4700::6810:84e5", 49200, 443, 80, "TCP",
		 "nft drop out", "gw", T0 - 9 * 3600},
		{"<4>1 2026-11-22T05:00:00Z gw kernel - - - ALLOW-out IN=a OUT=b SRC=1.2.3.4 DST=5.6.7.8 "
		 "LEN=40 PROTO=TCP SPT=1 DPT=80",
		 1, WK_FW_ACCEPT, "1.2.3.4", "5.6.7.8", 1, 80, 40, "TCP", "ALLOW-out", "gw", T0},
		/* ulogd's LOGEMU: a host, no tag */
		{"Nov 22 05:00:00 gw OUTBOUND-DROP: IN=eth1 OUT=eth0 SRC=10.0.0.5 DST=192.0.2.1 LEN=60 "
		 "PROTO=TCP SPT=5 DPT=25 ",
		 1, WK_FW_DROP, "10.0.0.5", "192.0.2.1", 5, 25, 60, "TCP", "OUTBOUND-DROP:", "gw", T0},
		{"Nov 22 05:00:00 gw [UFW ALLOW] IN=eth0 OUT= SRC=10.0.0.5 DST=192.0.2.1 LEN=60 PROTO=UDP "
		 "SPT=5 DPT=53 LEN=40",
		 1, WK_FW_ACCEPT, "10.0.0.5", "192.0.2.1", 5, 53, 60, "UDP", "[UFW ALLOW]", "gw", T0},
		/* the prefix rule: words, any case; drop wins; drop when unsure */
		{"DROP_all IN= OUT=x SRC=1.1.1.1 DST=2.2.2.2 LEN=1", 1, WK_FW_DROP, "1.1.1.1", "2.2.2.2", 0,
		 0, 1, "", "DROP_all", NULL, 0},
		{"  accepted  IN= OUT=x SRC=1.1.1.1 DST=2.2.2.2 LEN=1", 1, WK_FW_ACCEPT, "1.1.1.1", "2.2.2.2",
		 0, 0, 1, "", "accepted", NULL, 0},
		{"ALLOW-ELSE-DROP IN= OUT=x SRC=1.1.1.1 DST=2.2.2.2 LEN=1", 1, WK_FW_DROP, "1.1.1.1",
		 "2.2.2.2", 0, 0, 1, "", "ALLOW-ELSE-DROP", NULL, 0},
		{"[fw] denied: IN= OUT=x SRC=1.1.1.1 DST=2.2.2.2 LEN=1", 1, WK_FW_DROP, "1.1.1.1", "2.2.2.2",
		 0, 0, 1, "", "[fw] denied:", NULL, 0},
		{"unallowed IN= OUT=x SRC=1.1.1.1 DST=2.2.2.2 LEN=1", 1, WK_FW_DROP, "1.1.1.1", "2.2.2.2", 0,
		 0, 1, "", "unallowed", NULL, 0},
		{"audit IN= OUT=x SRC=1.1.1.1 DST=2.2.2.2 LEN=1", 1, WK_FW_DROP, "1.1.1.1", "2.2.2.2", 0, 0,
		 1, "", "audit", NULL, 0},
		{"DROPIN=eth0 OUT= SRC=1.1.1.1 DST=2.2.2.2 LEN=1", 1, WK_FW_DROP, "1.1.1.1", "2.2.2.2", 0, 0,
		 1, "", "DROP", NULL, 0},
		/* read and not used */
		{"Nov 22 05:00:00 gw kernel: [1.0] arp IN=eth0 OUT= ARP HTYPE=1 PTYPE=0x0800 OPCODE=1",
		 1, WK_NONE, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, 0},
		{"Nov 22 05:00:00 gw kernel: usb 1-1: new high-speed USB device", 1, WK_NONE, NULL, NULL, 0,
		 0, 0, NULL, NULL, NULL, 0},
		/* another program cannot pose as the firewall, whatever it logs */
		{"Nov 22 05:00:00 gw sshd[1]: Invalid user IN=x OUT=y SRC=6.6.6.6 DST=1.1.1.1 LEN=1 from "
		 "1.2.3.4 port 5",
		 1, WK_NONE, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, 0},
		{"Nov 22 05:00:00 gw webapp[42]: IN=x OUT=y SRC=6.6.6.6 DST=1.1.1.1 LEN=1", 1, WK_NONE,
		 NULL, NULL, 0, 0, 0, NULL, NULL, NULL, 0},
		/* refused */
		{"", 0, WK_NONE, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, 0},
		{"Nov 22 05:00", 0, WK_NONE, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, 0},
		{"IN= OUT=x SRC=1.1.1.1 LEN=1", 0, WK_NONE, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, 0},
		{"IN= OUT=x SRC=1.1.1.1 DST=example.com LEN=1", 0, WK_NONE, NULL, NULL, 0, 0, 0, NULL, NULL,
		 NULL, 0},
		{"IN= OUT=x SRC=1.1.1 DST=2.2.2.2", 0, WK_NONE, NULL, NULL, 0, 0, 0, NULL, NULL, NULL, 0},
		{"IN= OUT=x SRC=1.1.1.1 DST=2.2.2.2 LEN=1x", 0, WK_NONE, NULL, NULL, 0, 0, 0, NULL, NULL,
		 NULL, 0},
		{"IN= OUT=x SRC=1.1.1.1 DST=2.2.2.2 LEN=99999999999999999999999", 0, WK_NONE, NULL, NULL, 0,
		 0, 0, NULL, NULL, NULL, 0},
		{"IN= OUT=x SRC=1.1.1.1 DST=2.2.2.2 PROTO=TCP SPT=65536 DPT=1", 0, WK_NONE, NULL, NULL, 0, 0,
		 0, NULL, NULL, NULL, 0},
		{"IN= OUT=x SRC=1.1.1.1 DST=2.2.2.2 PROTO=TCP SPT=1 DPT=", 0, WK_NONE, NULL, NULL, 0, 0, 0,
		 NULL, NULL, NULL, 0},
		{"IN= OUT=x [SRC=1.1.1.1 DST=2.2.2.2 LEN=1]", 0, WK_NONE, NULL, NULL, 0, 0, 0, NULL, NULL,
		 NULL, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		check(&w[i]);
}

/* Every prefix of real and sample lines: invariants hold, no read past the end. */
static void
test_truncated(void **state)
{
	static const char *lines[] = {
		"[12053.848116] icmp-err: IN=lo OUT= MAC=00:00:00:00:00:00:00:00:00:00:00:00:08:00 "
		"SRC=127.0.0.98 DST=127.0.0.1 LEN=60 TOS=0x00 PREC=0xC0 TTL=64 ID=1188 PROTO=ICMP TYPE=3 "
		"CODE=3 [SRC=127.0.0.1 DST=127.0.0.98 LEN=32 TOS=0x00 PREC=0x00 TTL=64 ID=28938 DF "
		"PROTO=UDP SPT=48632 DPT=9 LEN=12 ] ",
		"<4>1 2026-11-22T05:00:00Z gw kernel - - [x a=\"]\"] ALLOW IN=a OUT=b SRC=1:2::3 "
		"DST=5.6.7.8 LEN=40 PROTO=TCP SPT=1 DPT=80",
		"Nov 22 05:00:00 gw OUTBOUND-DROP: IN=eth1 OUT=eth0 SRC=10.0.0.5 DST=192.0.2.1 LEN=60 ",
	};
	wk_event ev;

	(void)state;
	for (size_t l = 0; l < sizeof(lines) / sizeof(lines[0]); l++)
		for (size_t k = 0, n = strlen(lines[l]); k <= n; k++)
			(void)parse(lines[l], k, &ev);
	/* Cut inside DST: refused, not an event with half an address. */
	assert_int_equal(parse(lines[2], strlen("Nov 22 05:00:00 gw OUTBOUND-DROP: IN=eth1 OUT=eth0 "
						"SRC=10.0.0.5 DST=192.0.2"),
			       &ev),
			 0);
}

/* A 64 KiB prefix and a 64 KiB run of brackets: bounded, right answers. */
static void
test_long_lines(void **state)
{
	size_t big = 64 * 1024;
	const char *tail = "IN=eth1 OUT=eth0 SRC=10.0.0.5 DST=192.0.2.1 LEN=60 PROTO=TCP SPT=1 DPT=443 ";
	char *line = malloc(big + 256);
	wk_event ev;
	size_t n;

	(void)state;
	assert_non_null(line);
	memset(line, 'x', big);
	memcpy(line, "BLOCK ", 6);
	n = big + (size_t)snprintf(line + big, 256, "%s", tail);
	assert_int_equal(parse(line, n, &ev), 1);
	assert_int_equal(ev.kind, WK_FW_DROP);
	assert_int_equal(ev.result.n, big);
	str_is(ev.dst, "192.0.2.1", "dst");
	assert_int_equal(ev.dst_port, 443);

	memset(line, '[', big);
	memcpy(line, "IN= OUT= ", 9);
	assert_int_equal(parse(line, big, &ev), 0);
	memset(line, 'I', big);
	assert_int_equal(parse(line, big, &ev), 1); /* no LOG signature: nothing */
	assert_int_equal(ev.kind, WK_NONE);
	for (size_t i = 0; i + 3 <= big; i += 3) /* "IN=IN=IN=...": one pass, not n^2 */
		memcpy(line + i, "IN=", 3);
	assert_int_equal(parse(line, big - big % 3, &ev), 1);
	assert_int_equal(ev.kind, WK_NONE);
	for (size_t i = 0; i + 6 <= big; i += 6) /* and many "SRC=1 " words after a signature */
		memcpy(line + i, "SRC=1 ", 6);
	memcpy(line, "IN= OUT= ", 9);
	assert_int_equal(parse(line, big - big % 6, &ev), 0);
	free(line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_samples),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_long_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
