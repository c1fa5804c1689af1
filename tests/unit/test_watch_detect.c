/*
 * tests/unit/test_watch_detect.c - sekisho-watch's detectors (watch/detect.c)
 * fed with events as the parsers make them: each rule fires at its
 * threshold and not below, names its keys, is suppressed per key, and the
 * tables stay bounded under a flood of distinct addresses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "detect.h"

#define T0 1795323600 /* 2026-11-22T05:00:00Z */

struct fixture {
	wk_config cfg;
	wk_sink sink;
	char *buf;
	size_t len;
	wk_detect *d;
};

static void
start(struct fixture *f)
{
	f->sink.out = open_memstream(&f->buf, &f->len);
	assert_non_null(f->sink.out);
	f->sink.json = 1;
	f->d = wk_detect_new(&f->cfg, &f->sink);
	assert_non_null(f->d);
}

static void
stop(struct fixture *f)
{
	wk_detect_free(f->d);
	fclose(f->sink.out);
	free(f->buf);
}

static wk_str
S(const char *s)
{
	return (wk_str){s, strlen(s)};
}

static void
feed(struct fixture *f, wk_kind kind, int64_t ts, const char *user, const char *src)
{
	wk_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.ts = ts;
	ev.user = S(user);
	ev.src = S(src);
	char line[128];
	int n = snprintf(line, sizeof(line), "%lld %s from %s", (long long)ts, user, src);
	wk_detect_event(f->d, &ev, line, (size_t)n);
}

/* Number of alerts of rule in the output so far. */
static int
alerts(struct fixture *f, const char *rule)
{
	char needle[96];
	int n = 0;

	fflush(f->sink.out);
	snprintf(needle, sizeof(needle), "{\"rule\":\"%s\"", rule);
	for (const char *p = f->buf; p && (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static void
test_bruteforce(void **state)
{
	struct fixture f = {0};

	(void)state;
	wk_config_default(&f.cfg);
	start(&f);
	for (int i = 0; i < 9; i++) {
		feed(&f, WK_AUTH_FAIL, T0 + i, "root", "203.0.113.5");
		feed(&f, WK_AUTH_FAIL, T0 + i, "guest", "198.51.100.4"); /* not evidence */
	}
	assert_int_equal(alerts(&f, "auth.bruteforce"), 0);
	feed(&f, WK_AUTH_FAIL, T0 + 9, "root", "203.0.113.5");
	assert_int_equal(alerts(&f, "auth.bruteforce"), 1);
	assert_non_null(strstr(f.buf, "\"keys\":{\"user\":\"root\",\"source\":\"203.0.113.5\"}"));
	/* The last three attempts of that account from that source, oldest first. */
	assert_non_null(strstr(f.buf, "\"evidence\":[\"1795323607 root from 203.0.113.5\","
				      "\"1795323608 root from 203.0.113.5\","
				      "\"1795323609 root from 203.0.113.5\"]"));
	/* Suppressed for the same key; the window restarts after brute_window. */
	for (int i = 0; i < 20; i++)
		feed(&f, WK_AUTH_FAIL, T0 + 10 + i, "root", "203.0.113.5");
	assert_int_equal(alerts(&f, "auth.bruteforce"), 1);
	/* Failures spread beyond the window do not add up. */
	for (int i = 0; i < 9; i++)
		feed(&f, WK_AUTH_FAIL, T0 + 700 * (i + 1), "admin", "203.0.113.6");
	assert_int_equal(alerts(&f, "auth.bruteforce"), 1);
	stop(&f);
}

static void
test_spray_and_distributed(void **state)
{
	struct fixture f = {0};
	char user[16], src[32];

	(void)state;
	wk_config_default(&f.cfg);
	start(&f);
	/* One source, seven accounts, many tries each: not yet spraying. */
	for (int i = 0; i < 7; i++) {
		snprintf(user, sizeof(user), "user%d", i);
		feed(&f, WK_AUTH_FAIL, T0 + i, user, "198.51.100.9");
		feed(&f, WK_AUTH_INVALID_USER, T0 + i, user, "198.51.100.9");
	}
	assert_int_equal(alerts(&f, "auth.spray"), 0);
	feed(&f, WK_AUTH_INVALID_USER, T0 + 8, "oracle", "198.51.100.9");
	assert_int_equal(alerts(&f, "auth.spray"), 1);
	assert_non_null(strstr(f.buf, "\"source\":\"198.51.100.9\""));
	/* One account, eight sources. */
	for (int i = 0; i < 8; i++) {
		snprintf(src, sizeof(src), "192.0.2.%d", i + 1);
		feed(&f, WK_AUTH_FAIL, T0 + 100 + i, "hanako", src);
	}
	assert_int_equal(alerts(&f, "auth.distributed"), 1);
	/* Successes never count as failures. */
	for (int i = 0; i < 30; i++)
		feed(&f, WK_AUTH_OK, T0 + 200 + i, "taro", "192.0.2.200");
	assert_int_equal(alerts(&f, "auth.bruteforce"), 0);
	stop(&f);
}

static void
test_multi_ip(void **state)
{
	struct fixture f = {0};

	(void)state;
	wk_config_default(&f.cfg);
	start(&f);
	feed(&f, WK_AUTH_OK, T0, "sato", "10.0.0.5");
	feed(&f, WK_AUTH_OK, T0 + 60, "sato", "10.0.0.5");
	assert_int_equal(alerts(&f, "auth.multi_ip"), 0);
	/* A new address long after the old one (a DHCP renewal): no alert. */
	feed(&f, WK_AUTH_OK, T0 + 4000, "sato", "10.0.0.77");
	assert_int_equal(alerts(&f, "auth.multi_ip"), 0);
	/* Two addresses within the window: E1. */
	feed(&f, WK_AUTH_OK, T0 + 4100, "sato", "172.16.3.4");
	assert_int_equal(alerts(&f, "auth.multi_ip"), 1);
	assert_non_null(strstr(f.buf, "10.0.0.77, 172.16.3.4"));
	/* Fired by a proxy request naming its user: that line is the evidence's
	 * last, after the user's earlier sign-in. */
	feed(&f, WK_AUTH_OK, T0 + 5000, "kato", "10.0.0.8");
	feed(&f, WK_PROXY, T0 + 5001, "kato", "10.0.0.9");
	assert_int_equal(alerts(&f, "auth.multi_ip"), 2);
	assert_non_null(strstr(f.buf, "\"evidence\":[\"1795328600 kato from 10.0.0.8\","
				      "\"1795328601 kato from 10.0.0.9\"]"));
	stop(&f);
}

/* An sshd line as the parser makes it: conn is the pid ("" for sshd -E), flags WK_EV_*. */
static void
feed_sshd(struct fixture *f, wk_kind kind, unsigned flags, const char *conn, const char *user,
	  const char *src, uint16_t port)
{
	wk_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.source = WK_SRC_SSHD;
	ev.ts = T0;
	ev.host = S("gw");
	ev.conn = S(conn);
	ev.flags = flags;
	ev.user = S(user);
	ev.src = S(src);
	ev.src_port = port;
	wk_detect_event(f->d, &ev, "sshd line", 9);
}

/* One wrong password with UsePAM: a pam_unix failure, then sshd's "Failed password". */
static void
wrong_password(struct fixture *f, const char *conn, const char *user, const char *src)
{
	feed_sshd(f, WK_AUTH_FAIL, WK_EV_PAM, conn, user, src, 0);
	feed_sshd(f, WK_AUTH_FAIL, 0, conn, user, src, 40000);
}

static void
test_sshd_attempt_counted_once(void **state)
{
	struct fixture f = {0};

	(void)state;
	wk_config_default(&f.cfg);
	f.cfg.brute_failures = 3;
	start(&f);
	/* Two wrong passwords and the client giving up: two attempts, not five. */
	wrong_password(&f, "100", "root", "192.0.2.1");
	wrong_password(&f, "100", "root", "192.0.2.1");
	feed_sshd(&f, WK_AUTH_FAIL, WK_EV_CLOSED, "100", "root", "192.0.2.1", 40000);
	assert_int_equal(alerts(&f, "auth.bruteforce"), 0);
	wrong_password(&f, "101", "root", "192.0.2.1");
	assert_int_equal(alerts(&f, "auth.bruteforce"), 1);

	/* A connection that only had its keys refused: the closing line is the attempt. */
	feed_sshd(&f, WK_AUTH_FAIL, WK_EV_CLOSED, "102", "deploy", "192.0.2.2", 40001);
	feed_sshd(&f, WK_AUTH_FAIL, WK_EV_CLOSED, "103", "deploy", "192.0.2.2", 40002);
	feed_sshd(&f, WK_AUTH_FAIL, WK_EV_CLOSED, "104", "deploy", "192.0.2.2", 40003);
	assert_int_equal(alerts(&f, "auth.bruteforce"), 2);

	/* Unknown user: "Invalid user", "check pass; user unknown", a PAM failure
	 * without the name, "Failed password for invalid user": one attempt. */
	for (int i = 0; i < 2; i++) {
		char conn[8];
		snprintf(conn, sizeof(conn), "%d", 200 + i);
		feed_sshd(&f, WK_AUTH_INVALID_USER, WK_EV_OPENED, conn, "bob", "192.0.2.3", 40100);
		feed_sshd(&f, WK_AUTH_INVALID_USER, WK_EV_PAM, conn, "", "", 0);
		feed_sshd(&f, WK_AUTH_FAIL, WK_EV_PAM, conn, "", "192.0.2.3", 0);
		feed_sshd(&f, WK_AUTH_INVALID_USER, 0, conn, "bob", "192.0.2.3", 40100);
	}
	assert_int_equal(alerts(&f, "auth.bruteforce"), 2);
	/* Keyboard-interactive: sshd logs "Failed" only from the third failure on,
	 * so PAM lines alone count, with the name the connection announced. */
	feed_sshd(&f, WK_AUTH_INVALID_USER, WK_EV_OPENED, "300", "carol", "192.0.2.4", 40200);
	feed_sshd(&f, WK_AUTH_FAIL, WK_EV_PAM, "300", "", "192.0.2.4", 0);
	feed_sshd(&f, WK_AUTH_FAIL, WK_EV_PAM, "300", "", "192.0.2.4", 0);
	assert_int_equal(alerts(&f, "auth.bruteforce"), 2);
	feed_sshd(&f, WK_AUTH_FAIL, WK_EV_PAM, "300", "", "192.0.2.4", 0);
	feed_sshd(&f, WK_AUTH_INVALID_USER, 0, "300", "carol", "192.0.2.4", 40200);
	assert_int_equal(alerts(&f, "auth.bruteforce"), 3);
	assert_non_null(strstr(f.buf, "\"keys\":{\"user\":\"carol\",\"source\":\"192.0.2.4\"}"));

	/* sshd -E files have no pid: address and port tie the lines together. */
	for (uint16_t port = 50000; port < 50002; port++) {
		feed_sshd(&f, WK_AUTH_INVALID_USER, WK_EV_OPENED, "", "dave", "192.0.2.5", port);
		feed_sshd(&f, WK_AUTH_INVALID_USER, 0, "", "dave", "192.0.2.5", port);
	}
	assert_int_equal(alerts(&f, "auth.bruteforce"), 3);
	stop(&f);
}

static void
test_ipv6_one_address_one_key(void **state)
{
	struct fixture f = {0};

	(void)state;
	wk_config_default(&f.cfg);
	start(&f);
	/* The kernel's full form, the short form and a mapped IPv4 address are
	 * one terminal each: no "several addresses" alert. */
	feed(&f, WK_AUTH_OK, T0, "sato", "2001:db8::1");
	feed(&f, WK_AUTH_OK, T0 + 1, "sato", "2001:0db8:0000:0000:0000:0000:0000:0001");
	feed(&f, WK_AUTH_OK, T0 + 2, "ito", "::ffff:192.0.2.7");
	feed(&f, WK_AUTH_OK, T0 + 3, "ito", "192.0.2.7");
	assert_int_equal(alerts(&f, "auth.multi_ip"), 0);
	feed(&f, WK_AUTH_OK, T0 + 4, "sato", "2001:DB8::2");
	assert_int_equal(alerts(&f, "auth.multi_ip"), 1);
	assert_non_null(strstr(f.buf, "2001:db8::1, 2001:db8::2"));
	stop(&f);
}

/* 2026-09-28 00:00 in Tokyo (the default [offhours] zone), a Monday: five
 * weeks on it stay in the past (lines from the future are not judged). */
#define MONDAY (T0 + 10 * 3600 - 56 * 86400)

static void
traffic(struct fixture *f, int day, const char *src, int requests, uint64_t bytes)
{
	for (int i = 0; i < requests; i++) {
		wk_event ev;
		memset(&ev, 0, sizeof(ev));
		ev.kind = WK_PROXY;
		ev.source = WK_SRC_SQUID;
		ev.ts = MONDAY + (int64_t)day * 86400 + 9 * 3600 + i * 60;
		ev.src = S(src);
		ev.dst = S("www.example.com");
		ev.method = S("GET");
		ev.bytes = bytes;
		wk_detect_event(f->d, &ev, "squid line", 10);
	}
}

static void
test_volume_baseline(void **state)
{
	struct fixture f = {0};

	(void)state;
	wk_config_default(&f.cfg);
	start(&f);
	/* Three weeks of ordinary days: 2 MiB a workday, nothing at weekends. */
	for (int day = 0; day < 21; day++)
		if (day % 7 < 5) {
			traffic(&f, day, "10.0.0.5", 10, 200 << 10);
			traffic(&f, day, "10.0.0.6", 10, 200 << 10);
			traffic(&f, day, "10.0.0.7", 10, 200 << 10);
		}
	wk_detect_finish(f.d);
	assert_int_equal(alerts(&f, "net.volume_high"), 0);
	assert_int_equal(alerts(&f, "net.volume_low"), 0);
	/* Week four: .5 sends 200 MB on Tuesday, .6 falls silent, .7 carries on;
	 * a Saturday upload by .7 is checked too. */
	for (int day = 21; day < 28; day++) {
		if (day % 7 < 5)
			traffic(&f, day, "10.0.0.7", 10, 200 << 10);
		if (day % 7 < 5 && day != 22)
			traffic(&f, day, "10.0.0.5", 10, 200 << 10);
		if (day == 22)
			traffic(&f, day, "10.0.0.5", 100, 2 << 20);
	}
	wk_detect_finish(f.d);
	assert_int_equal(alerts(&f, "net.volume_high"), 1);
	assert_non_null(strstr(f.buf, "\"keys\":{\"source\":\"10.0.0.5\",\"log\":\"squid\"}"));
	/* Silent for five workdays: one alert, not five. */
	assert_int_equal(alerts(&f, "net.volume_low"), 1);
	assert_non_null(strstr(f.buf, "\"keys\":{\"source\":\"10.0.0.6\",\"log\":\"squid\"}"));
	traffic(&f, 33, "10.0.0.7", 40, 1 << 20); /* Saturday: 40 MiB */
	traffic(&f, 35, "10.0.0.7", 1, 1);        /* Monday: closes Saturday's bucket */
	assert_int_equal(alerts(&f, "net.volume_high"), 2);
	/* A line from tomorrow's tomorrow is not judged: it would close every bucket. */
	{
		wk_event ev;
		memset(&ev, 0, sizeof(ev));
		ev.kind = WK_PROXY;
		ev.source = WK_SRC_SQUID;
		ev.ts = (int64_t)time(NULL) + 3 * 86400;
		ev.src = S("10.0.0.7");
		ev.bytes = 1u << 30;
		wk_detect_event(f.d, &ev, "squid line", 10);
	}
	/* ... so Tuesday's 40 MiB is still judged against .7's own days. */
	traffic(&f, 36, "10.0.0.7", 40, 1 << 20);
	traffic(&f, 37, "10.0.0.7", 1, 1);
	assert_int_equal(alerts(&f, "net.volume_high"), 3);
	stop(&f);
}

/* Lines without a clock (dmesg) are suppressed per key like any other. */
static void
test_suppress_without_clock(void **state)
{
	struct fixture f = {0};

	(void)state;
	wk_config_default(&f.cfg);
	snprintf(f.cfg.trap_users[0], sizeof(f.cfg.trap_users[0]), "guest");
	f.cfg.ntrap = 1;
	start(&f);
	feed(&f, WK_AUTH_FAIL, 0, "guest", "192.0.2.9");
	feed(&f, WK_AUTH_FAIL, 0, "guest", "192.0.2.9");
	feed(&f, WK_AUTH_FAIL, 0, "guest", "192.0.2.9");
	assert_int_equal(alerts(&f, "auth.trap_account"), 1);
	stop(&f);
}

static void
test_trap_admin_decoy(void **state)
{
	struct fixture f = {0};
	wk_event ev;

	(void)state;
	wk_config_default(&f.cfg);
	strcpy(f.cfg.trap_users[0], "backup_admin");
	f.cfg.ntrap = 1;
	strcpy(f.cfg.admin_users[0], "Administrator");
	f.cfg.nadmin = 1;
	assert_int_equal(sk_cidr_list_parse("10.9.0.0/24", f.cfg.admin_terminals, WK_LIST_MAX,
					    &f.cfg.nadmin_terminals), 0);
	assert_int_equal(sk_cidr_list_parse("10.0.99.99", f.cfg.decoys, WK_LIST_MAX,
					    &f.cfg.ndecoys), 0);
	start(&f);
	feed(&f, WK_AUTH_FAIL, T0, "Backup_Admin", "10.1.1.1"); /* names compare without case */
	assert_int_equal(alerts(&f, "auth.trap_account"), 1);
	assert_non_null(strstr(f.buf, "\"severity\":\"critical\""));
	feed(&f, WK_AUTH_OK, T0, "administrator", "10.9.0.20");
	assert_int_equal(alerts(&f, "admin.wrong_terminal"), 0);
	feed(&f, WK_ADMIN_LOGON, T0, "administrator", "10.1.2.3");
	assert_int_equal(alerts(&f, "admin.wrong_terminal"), 1);
	memset(&ev, 0, sizeof(ev));
	ev.kind = WK_FW_DROP;
	ev.ts = T0;
	ev.src = S("10.1.2.3");
	ev.dst = S("10.0.99.99");
	ev.dst_port = 445;
	wk_detect_event(f.d, &ev, "x", 1);
	assert_int_equal(alerts(&f, "net.decoy"), 1);
	stop(&f);
}

static void
test_connect_and_firewall(void **state)
{
	struct fixture f = {0};
	wk_event ev;

	(void)state;
	wk_config_default(&f.cfg);
	assert_int_equal(sk_cidr_list_parse("203.0.113.0/24", f.cfg.fw_allow, WK_LIST_MAX,
					    &f.cfg.nfw_allow), 0);
	start(&f);
	memset(&ev, 0, sizeof(ev));
	ev.kind = WK_PROXY;
	ev.ts = T0;
	ev.src = S("10.0.0.8");
	ev.method = S("CONNECT");
	ev.dst = S("www.example.com");
	ev.dst_port = 443;
	ev.result = S("TCP_TUNNEL/200");
	wk_detect_event(f.d, &ev, "x", 1);
	assert_int_equal(alerts(&f, "proxy.connect_port") + alerts(&f, "proxy.connect_denied"), 0);
	ev.dst = S("evil.example");
	ev.dst_port = 8443;
	wk_detect_event(f.d, &ev, "x", 1);
	assert_int_equal(alerts(&f, "proxy.connect_port"), 1);
	ev.dst = S("blocked.example");
	ev.dst_port = 443;
	ev.result = S("TCP_DENIED/403");
	wk_detect_event(f.d, &ev, "x", 1);
	assert_int_equal(alerts(&f, "proxy.connect_denied"), 1);
	/* A GET is not a CONNECT. */
	ev.method = S("GET");
	ev.dst_port = 8080;
	wk_detect_event(f.d, &ev, "x", 1);
	assert_int_equal(alerts(&f, "proxy.connect_port"), 1);

	memset(&ev, 0, sizeof(ev));
	ev.kind = WK_FW_DROP;
	ev.ts = T0;
	ev.src = S("10.0.0.8");
	ev.dst = S("203.0.113.10"); /* a known updater */
	ev.dst_port = 443;
	wk_detect_event(f.d, &ev, "x", 1);
	assert_int_equal(alerts(&f, "firewall.direct_outbound"), 0);
	ev.dst = S("198.51.100.200");
	wk_detect_event(f.d, &ev, "x", 1);
	wk_detect_event(f.d, &ev, "x", 1);
	assert_int_equal(alerts(&f, "firewall.direct_outbound"), 1);
	/* An inbound scan dropped at the firewall is not a terminal going out. */
	ev.src = S("198.51.100.7");
	ev.dst = S("10.0.0.5");
	wk_detect_event(f.d, &ev, "x", 1);
	assert_int_equal(alerts(&f, "firewall.direct_outbound"), 1);
	stop(&f);
}

static void
test_inventory(void **state)
{
	struct fixture f = {0};
	wk_event ev;

	(void)state;
	wk_config_default(&f.cfg);
	start(&f);
	feed(&f, WK_AUTH_OK, T0, "jiro", "10.0.0.5");
	memset(&ev, 0, sizeof(ev));
	ev.kind = WK_ACCOUNT;
	ev.ts = T0 + 10;
	ev.user = S("jiro");
	ev.url = S("mfa.reset");
	wk_detect_event(f.d, &ev, "x", 1);
	/* First sign-in after the reset from a known address: quiet. */
	feed(&f, WK_AUTH_OK, T0 + 20, "jiro", "10.0.0.5");
	assert_int_equal(alerts(&f, "inventory.mfa_reset_new_address"), 0);
	wk_detect_event(f.d, &ev, "x", 1);
	feed(&f, WK_AUTH_OK, T0 + 40, "jiro", "198.51.100.66");
	assert_int_equal(alerts(&f, "inventory.mfa_reset_new_address"), 1);
	ev.url = S("user.disable");
	wk_detect_event(f.d, &ev, "x", 1);
	feed(&f, WK_AUTH_OK, T0 + 60, "jiro", "10.0.0.5");
	assert_int_equal(alerts(&f, "inventory.disabled_signin"), 1);
	stop(&f);
}

static void
test_remote_exec(void **state)
{
	struct fixture f = {0};
	wk_event ev;

	(void)state;
	wk_config_default(&f.cfg);
	start(&f);
	memset(&ev, 0, sizeof(ev));
	ev.kind = WK_SHARE_ACCESS;
	ev.ts = T0;
	ev.host = S("WS01");
	ev.url = S("\\\\*\\PUBLIC");
	ev.dst = S("docs.txt");
	ev.status = 5145;
	wk_detect_event(f.d, &ev, "x", 1);
	/* IPC$ with an everyday pipe is not remote execution; "IPC$" is no "C$". */
	ev.url = S("\\\\*\\IPC$");
	ev.dst = S("srvsvc");
	wk_detect_event(f.d, &ev, "x", 1);
	assert_int_equal(alerts(&f, "winevt.admin_share"), 0);
	ev.dst = S("blabla-NLLT108334-37048-stdin");
	wk_detect_event(f.d, &ev, "x", 1);
	assert_int_equal(alerts(&f, "winevt.admin_share"), 1);
	ev.kind = WK_SERVICE_INSTALL;
	ev.url = S("PSEXESVC");
	ev.status = 7045;
	wk_detect_event(f.d, &ev, "x", 1);
	assert_int_equal(alerts(&f, "winevt.service_install"), 1);
	stop(&f);
}

static void
test_offhours(void **state)
{
	struct fixture f = {0};
	char err[256], path[] = "/tmp/sekisho-watch-oh-XXXXXX";
	int fd = mkstemp(path);
	FILE *c = fdopen(fd, "w");
	/* T0 = Sunday 2026-11-22 14:00 in +09:00; Monday 09:00 JST = T0 + 19 h. */
	const int64_t mon9 = T0 + 19 * 3600, hour = 3600;

	(void)state;
	assert_non_null(c);
	fputs("[offhours]\nhours = 08:30-18:00\ndays = mon-fri\ntimezone = +09:00\n"
	      "holidays = 2026-11-24\ncount = 2\n", c);
	fclose(c);
	wk_config_default(&f.cfg);
	assert_int_equal(wk_config_load(&f.cfg, path, err, sizeof(err)), 0);
	unlink(path);
	start(&f);
	/* Monday in business hours, many times: quiet. */
	for (int i = 0; i < 5; i++)
		feed(&f, WK_AUTH_OK, mon9 + i * hour, "sato", "10.0.0.5");
	assert_int_equal(alerts(&f, "auth.offhours"), 0);
	/* Monday 08:00 (before 08:30), once: one is not yet recurring. */
	feed(&f, WK_AUTH_OK, mon9 - hour, "sato", "10.0.0.5");
	assert_int_equal(alerts(&f, "auth.offhours"), 0);
	/* Another terminal off hours does not add to this one. */
	feed(&f, WK_AUTH_OK, mon9 + 12 * hour, "sato", "10.0.0.6"); /* 21:00 */
	assert_int_equal(alerts(&f, "auth.offhours"), 0);
	/* Tuesday the 24th is a holiday: the second off-hours sign-in from 10.0.0.5. */
	feed(&f, WK_AUTH_OK, mon9 + 25 * hour, "sato", "10.0.0.5");
	assert_int_equal(alerts(&f, "auth.offhours"), 1);
	assert_non_null(strstr(f.buf, "\"source\":\"10.0.0.5\""));
	stop(&f);

	/* Settings errors name the key. */
	wk_config_default(&f.cfg);
	memcpy(path + strlen(path) - 6, "XXXXXX", 6);
	fd = mkstemp(path);
	c = fdopen(fd, "w");
	assert_non_null(c);
	fputs("[offhours]\nhours = 19:00-08:00\n", c);
	fclose(c);
	assert_int_equal(wk_config_load(&f.cfg, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "[offhours] hours: bad value"));
	unlink(path);
}

static void
proxy(struct fixture *f, int64_t ts, const char *src, const char *dst, uint64_t bytes,
      uint32_t ms)
{
	wk_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = WK_PROXY;
	ev.ts = ts;
	ev.src = S(src);
	ev.dst = S(dst);
	ev.dst_port = 443;
	ev.method = S("CONNECT");
	ev.result = S("TCP_TUNNEL/200");
	ev.bytes = bytes;
	ev.duration_ms = ms;
	ev.agent = S(strcmp(dst, "c2.example") == 0 ? "Mozilla/4.0 (compatible; MSIE 6.0)" : "");
	wk_detect_event(f->d, &ev, "x", 1);
}

static void
test_beacon(void **state)
{
	struct fixture f = {0};
	/* irregular gaps (a person browsing) */
	static const int gaps[] = {5, 340, 12, 900, 61, 7, 1500, 33, 250, 19, 640, 88, 3, 420};

	(void)state;
	wk_config_default(&f.cfg);
	start(&f);
	/* Every 300 s give or take 2, the same size: a beacon, seen at the 12th. */
	for (int i = 0; i < 11; i++)
		proxy(&f, T0 + i * 300 + (i % 3) - 1, "10.0.0.9", "c2.example", 512, 80);
	assert_int_equal(alerts(&f, "net.beacon"), 0);
	proxy(&f, T0 + 11 * 300, "10.0.0.9", "c2.example", 512, 80);
	assert_int_equal(alerts(&f, "net.beacon"), 1);
	assert_non_null(strstr(f.buf, "about every 300 s"));
	assert_non_null(strstr(f.buf, "\"agent\":\"Mozilla/4.0 (compatible; MSIE 6.0)\""));
	/* A person: irregular gaps and sizes; no alert however many. */
	int64_t t = T0;
	for (int i = 0; i < 14; i++) {
		t += gaps[i];
		proxy(&f, t, "10.0.0.10", "news.example", 1000 + (uint64_t)(i * 7919 % 50000), 300);
	}
	assert_int_equal(alerts(&f, "net.beacon"), 1);
	/* Fast regular polling (a download, an update check every second) is no beacon. */
	for (int i = 0; i < 20; i++)
		proxy(&f, T0 + i, "10.0.0.11", "cdn.example", 4096, 10);
	assert_int_equal(alerts(&f, "net.beacon"), 1);
	/* Connections a firewall let out, every 600 s: scored on the intervals. */
	for (int i = 0; i < 12; i++) {
		wk_event ev;
		memset(&ev, 0, sizeof(ev));
		ev.kind = WK_FW_ACCEPT;
		ev.source = WK_SRC_FIREWALL;
		ev.ts = T0 + i * 600 + (i % 2) * 3;
		ev.src = S("10.0.0.13");
		ev.dst = S("198.51.100.7");
		ev.dst_port = 8443;
		ev.bytes = 60;
		wk_detect_event(f.d, &ev, "kernel line", 11);
	}
	assert_int_equal(alerts(&f, "net.beacon"), 2);
	assert_non_null(strstr(f.buf, "\"keys\":{\"source\":\"10.0.0.13\",\"destination\":\"198.51.100.7\"}"));
	/* A CONNECT open for two hours. */
	proxy(&f, T0, "10.0.0.12", "tunnel.example", 10, 7200 * 1000);
	assert_int_equal(alerts(&f, "proxy.long_connect"), 1);
	stop(&f);
}

/* A million distinct sources: the tables keep their size, and still detect. */
static void
test_bounded(void **state)
{
	struct fixture f = {0};
	char src[32];

	(void)state;
	wk_config_default(&f.cfg);
	f.cfg.table_capacity = 4096;
	start(&f);
	for (int i = 0; i < 1000000; i++) {
		snprintf(src, sizeof(src), "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
		feed(&f, WK_AUTH_FAIL, T0 + i / 1000, "root", src);
	}
	assert_true(wk_detect_evicted(f.d) > 900000);
	/* The distributed attack on root was seen despite the flood. */
	assert_int_equal(alerts(&f, "auth.distributed"), 1);
	stop(&f);
}

static void
test_config_errors(void **state)
{
	wk_config c;
	char err[512], path[] = "/tmp/sekisho-watch-cfg-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	assert_non_null(f);
	fputs("[auth]\nspray_users = 5\n[proxy]\nallowed_ports = 443, 8443\n[trap]\nusers = decoy1\n"
	      "[multi_ip]\nwindow = 15m\n",
	      f);
	fclose(f);
	wk_config_default(&c);
	assert_int_equal(wk_config_load(&c, path, err, sizeof(err)), 0);
	assert_int_equal(c.spray_users, 5);
	assert_int_equal(c.nallowed, 2);
	assert_int_equal(c.allowed_ports[1], 8443);
	assert_int_equal(c.multi_window, 900);
	assert_string_equal(c.trap_users[0], "decoy1");
	f = fopen(path, "w");
	fputs("[auth]\nspray_users = 500\n", f);
	fclose(f);
	assert_int_equal(wk_config_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: [auth] spray_users: bad value '500'"));
	/* A number that would wrap round when multiplied by the unit is refused. */
	f = fopen(path, "w");
	fputs("[multi_ip]\nwindow = 213503982334602d\n", f);
	fclose(f);
	assert_int_equal(wk_config_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "[multi_ip] window: bad value"));
	f = fopen(path, "w");
	fputs("[proxy]\nallowed_port = 443\n", f);
	fclose(f);
	assert_int_equal(wk_config_load(&c, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown key 'allowed_port' in [proxy]"));
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bruteforce),
		cmocka_unit_test(test_spray_and_distributed),
		cmocka_unit_test(test_multi_ip),
		cmocka_unit_test(test_suppress_without_clock),
		cmocka_unit_test(test_sshd_attempt_counted_once),
		cmocka_unit_test(test_ipv6_one_address_one_key),
		cmocka_unit_test(test_volume_baseline),
		cmocka_unit_test(test_trap_admin_decoy),
		cmocka_unit_test(test_connect_and_firewall),
		cmocka_unit_test(test_inventory),
		cmocka_unit_test(test_remote_exec),
		cmocka_unit_test(test_offhours),
		cmocka_unit_test(test_beacon),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_config_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
