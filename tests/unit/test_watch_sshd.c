/*
 * tests/unit/test_watch_sshd.c - sekisho-watch's sshd parser
 * (watch/parsers/sshd.c, with the header splitter watch/parsers/syslog.c)
 * on real logs (tests/data/sshd/: loghub's Linux_2k.log, and what Debian's
 * sshd 9.2 wrote here through syslog, /dev/log and -E), on single lines of
 * every form and every trick we know of, and on lines it must refuse.
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

#define DATA "tests/data/sshd/"

static void
str_is(wk_str s, const char *want, const char *what)
{
	if (!wk_str_eq(s, want))
		fail_msg("%s: got \"%.*s\", wanted \"%s\"", what, (int)s.n, s.p ? s.p : "", want);
}

/* Every string of the event lies inside the line (empty ones too: never NULL). */
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
	assert_int_equal(ev->source, WK_SRC_SSHD);
}

/* Parses a copy of exactly len bytes (so ASan sees a read past the end). */
static int
parse(const char *text, size_t len, int year, wk_event *ev)
{
	char *copy = malloc(len > 0 ? len : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, text, len);
	r = wk_parse_sshd(copy, len, year, ev);
	assert_true(r == 0 || r == 1);
	inside(ev, copy, len);
	/* The event points into the copy; re-base it on text for the caller. */
	{
		wk_str *all[] = {&ev->host, &ev->user, &ev->src, &ev->dst, &ev->method,
				 &ev->url, &ev->result, &ev->workstation};
		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
			all[i]->p = text + (all[i]->p - copy);
	}
	free(copy);
	return r;
}

static int
parse1(const char *line, wk_event *ev)
{
	return parse(line, strlen(line), 2026, ev);
}

struct counts {
	int kind[WK__COUNT];
	int unparsed;
	int lines;
	int fail_from_150; /* AUTH_FAIL with src 150.183.249.110 */
	int fail_from_218; /* AUTH_FAIL with src 218.188.2.4 */
	int fail_root;     /* AUTH_FAIL with user root */
	int pam, opened, closed; /* lines flagged WK_EV_PAM, _OPENED, _CLOSED */
	int conn_13579;    /* lines of the connection with pid 13579 */
};

static void
count_file(const char *path, int year, struct counts *c)
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
		if (!wk_parse_sshd(line, (size_t)n, year, &ev)) {
			c->unparsed++;
			continue;
		}
		inside(&ev, line, (size_t)n);
		c->kind[ev.kind]++;
		c->pam += (ev.flags & WK_EV_PAM) != 0;
		c->opened += (ev.flags & WK_EV_OPENED) != 0;
		c->closed += (ev.flags & WK_EV_CLOSED) != 0;
		c->conn_13579 += wk_str_eq(ev.conn, "13579");
		if (ev.kind == WK_AUTH_FAIL) {
			c->fail_from_150 += wk_str_eq(ev.src, "150.183.249.110");
			c->fail_from_218 += wk_str_eq(ev.src, "218.188.2.4");
			c->fail_root += wk_str_eq(ev.user, "root");
		}
	}
	free(line);
	fclose(f);
}

/*
 * loghub's Linux_2k.log.  The expected numbers come from grep, not from the
 * parser (tests/data/sshd/README.md):
 *   grep 'sshd(pam_unix)' F | grep -c 'authentication failure'              489
 *   ... | grep -c 'rhost=150.183.249.110 '                                  80
 *   ... | grep -c 'rhost=218.188.2.4 '                                      14
 *   ... | grep -c ' user=root'                                              351
 *   grep -c 'sshd(pam_unix).*check pass; user unknown' F                    116
 *   grep -c '' F                                                            2000
 * (490 "authentication failure" lines in all; one is gdm's.)
 */
static void
test_loghub(void **state)
{
	struct counts c;
	wk_event ev;
	const char *l4 = "Jun 15 02:04:59 combo sshd(pam_unix)[20882]: authentication failure; "
			 "logname= uid=0 euid=0 tty=NODEVssh ruser= "
			 "rhost=220-135-151-1.hinet-ip.hinet.net  user=root\r";
	const char *l1 = "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; "
			 "logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4 \r";

	(void)state;
	count_file(DATA "loghub-Linux_2k.log", 2005, &c);
	assert_int_equal(c.lines, 2000);
	assert_int_equal(c.unparsed, 0);
	assert_int_equal(c.kind[WK_AUTH_FAIL], 489);
	assert_int_equal(c.fail_from_150, 80);
	assert_int_equal(c.fail_from_218, 14);
	assert_int_equal(c.fail_root, 351);
	assert_int_equal(c.kind[WK_AUTH_INVALID_USER], 116);
	assert_int_equal(c.kind[WK_AUTH_OK], 0);
	assert_int_equal(c.kind[WK_NONE], 2000 - 489 - 116);

	assert_int_equal(parse(l1, strlen(l1), 2005, &ev), 1);
	assert_int_equal(ev.kind, WK_AUTH_FAIL);
	assert_int_equal(ev.ts, 1118762161); /* 2005-06-14 15:16:01 UTC */
	str_is(ev.host, "combo", "host");
	str_is(ev.src, "218.188.2.4", "src");
	str_is(ev.user, "", "user (absent)");
	assert_int_equal(parse(l4, strlen(l4), 2005, &ev), 1);
	assert_int_equal(ev.kind, WK_AUTH_FAIL);
	str_is(ev.src, "220-135-151-1.hinet-ip.hinet.net", "src (a name)");
	str_is(ev.user, "root", "user");
}

/* What Debian's sshd 9.2 wrote here (tests/data/sshd/make-real-sshd-log.sh). */
static void
test_real_sshd(void **state)
{
	struct counts c;
	const char *files[] = {DATA "real-sshd-9.2.log", DATA "real-sshd-9.2.devlog"};

	(void)state;
	/*
	 * 26 lines: 1 Accepted publickey; 1 "Disconnected from user"; AUTH_FAIL:
	 * 1 Failed password, 3 pam_unix authentication failures, 2 "Connection
	 * closed by authenticating user"; INVALID_USER: 2 "Invalid user", 2
	 * "Failed password for invalid user", 2 pam_unix "user unknown"; and 12
	 * others (listening, negotiation failures, pam_unix session lines,
	 * "Connection closed by invalid user", "Received ...").
	 */
	for (size_t i = 0; i < 2; i++) {
		count_file(files[i], 2026, &c);
		assert_int_equal(c.lines, 26);
		assert_int_equal(c.unparsed, 0);
		assert_int_equal(c.kind[WK_AUTH_OK], 1);
		assert_int_equal(c.kind[WK_AUTH_FAIL], 6);
		assert_int_equal(c.kind[WK_AUTH_INVALID_USER], 6);
		assert_int_equal(c.kind[WK_SESSION_END], 1);
		assert_int_equal(c.kind[WK_NONE], 12);
		/* What ties one attempt's lines together (detect.c counts it once). */
		assert_int_equal(c.pam, 5);
		assert_int_equal(c.opened, 2);
		assert_int_equal(c.closed, 2);
		assert_int_equal(c.conn_13579, 3);
	}
	/* sshd -E: no header, CRLF, and no PAM lines (those still go to syslog). */
	count_file(DATA "real-sshd-9.2.E", 2026, &c);
	assert_int_equal(c.lines, 19);
	assert_int_equal(c.unparsed, 0);
	assert_int_equal(c.kind[WK_AUTH_OK], 1);
	assert_int_equal(c.kind[WK_AUTH_FAIL], 3);
	assert_int_equal(c.kind[WK_AUTH_INVALID_USER], 4);
	assert_int_equal(c.kind[WK_SESSION_END], 1);
	assert_int_equal(c.kind[WK_NONE], 10);
	assert_int_equal(c.pam, 0);
	assert_int_equal(c.opened, 2);
	assert_int_equal(c.closed, 2);
	assert_int_equal(c.conn_13579, 0);
}

struct want {
	const char *line;
	int ret;
	wk_kind kind;
	const char *user, *src;
	unsigned port;
	const char *method;
	const char *host;
	int64_t ts;
};

static void
check(const struct want *w)
{
	wk_event ev;
	int r = parse1(w->line, &ev);

	if (r != w->ret)
		fail_msg("%s: returned %d, wanted %d", w->line, r, w->ret);
	if (r == 0) {
		assert_int_equal(ev.kind, WK_NONE);
		return;
	}
	if (ev.kind != w->kind)
		fail_msg("%s: kind %d, wanted %d", w->line, ev.kind, w->kind);
	if (w->user)
		str_is(ev.user, w->user, "user");
	if (w->src)
		str_is(ev.src, w->src, "src");
	if (w->method)
		str_is(ev.method, w->method, "method");
	if (w->host)
		str_is(ev.host, w->host, "host");
	if (w->ts)
		assert_int_equal(ev.ts, w->ts);
	assert_int_equal(ev.src_port, w->port);
}

#define T0 1795323600 /* 2026-11-22 05:00:00 UTC */

static void
test_forms(void **state)
{
	static const struct want w[] = {
		/* the real lines, one of each */
		{"Nov 22 06:24:34 gate sshd[13475]: Accepted publickey for root from 127.0.0.1 port 45438 "
		 "ssh2: ED25519 SHA256:W7mPpVewlIPUHpmYKrYlHEZLIJItG49fGcE9JNfEg3I",
		 1, WK_AUTH_OK, "root", "127.0.0.1", 45438, "publickey", "gate", 1795328674},
		{"<38>Nov 22 06:24:37 sshd[13579]: Failed password for root from 127.0.0.1 port 45442 ssh2",
		 1, WK_AUTH_FAIL, "root", "127.0.0.1", 45442, "password", "", 1795328677},
		{"Invalid user admin from 10.9.9.9 port 22 from 127.0.0.1 port 45470\r",
		 1, WK_AUTH_INVALID_USER, "admin from 10.9.9.9 port 22", "127.0.0.1", 45470, NULL, NULL, 0},
		{"Nov 22 06:24:44 gate sshd[13587]: Failed password for invalid user admin from 10.9.9.9 "
		 "port 22 from 127.0.0.1 port 45470 ssh2",
		 1, WK_AUTH_INVALID_USER, "admin from 10.9.9.9 port 22", "127.0.0.1", 45470, "password",
		 NULL, 0},
		{"Nov 22 06:24:46 gate sshd[13590]: Connection closed by authenticating user root "
		 "127.0.0.1 port 39604 [preauth]",
		 1, WK_AUTH_FAIL, "root", "127.0.0.1", 39604, NULL, NULL, 0},
		{"Nov 22 06:24:34 gate sshd[13475]: Disconnected from user root 127.0.0.1 port 45438",
		 1, WK_SESSION_END, "root", "127.0.0.1", 45438, NULL, NULL, 0},
		{"Nov 22 06:24:34 gate sshd[13579]: pam_unix(sshd:auth): authentication failure; logname= "
		 "uid=0 euid=0 tty=ssh ruser= rhost=127.0.0.1  user=root",
		 1, WK_AUTH_FAIL, "root", "127.0.0.1", 0, NULL, NULL, 0},
		{"Nov 22 06:24:38 gate sshd[13583]: pam_unix(sshd:auth): check pass; user unknown",
		 1, WK_AUTH_INVALID_USER, "", "", 0, NULL, NULL, 0},
		/* journald short-iso and -precise, RFC 5424, OpenSSH 9.8's sshd-session */
		{"2026-11-22T05:00:00+0900 gw sshd[1]: Accepted password for alice from 192.0.2.5 port "
		 "50022 ssh2",
		 1, WK_AUTH_OK, "alice", "192.0.2.5", 50022, "password", "gw", T0 - 9 * 3600},
		{"2026-11-22T05:00:00.250000+09:00 gw sshd-session[77]: Accepted keyboard-interactive/pam "
		 "for alice from 192.0.2.5 port 50023 ssh2",
		 1, WK_AUTH_OK, "alice", "192.0.2.5", 50023, "keyboard-interactive/pam", "gw",
		 T0 - 9 * 3600},
		{"<38>1 2026-11-22T05:00:00.123+09:00 gw sshd 1234 - - Failed password for bob from "
		 "198.51.100.7 port 40000 ssh2",
		 1, WK_AUTH_FAIL, "bob", "198.51.100.7", 40000, "password", "gw", T0 - 9 * 3600},
		{"<38>1 2026-11-22T05:00:00Z gw sshd - - [meta sequenceId=\"7\" x=\"a\\]b c\"] "
		 "\xef\xbb\xbfInvalid user guest from 203.0.113.9 port 1",
		 1, WK_AUTH_INVALID_USER, "guest", "203.0.113.9", 1, NULL, "gw", T0},
		{"<38>1 - - sshd - - - Disconnected from user bob 10.0.0.1 port 2",
		 1, WK_SESSION_END, "bob", "10.0.0.1", 2, NULL, "", 0},
		/* IPv6, names, empty and odd user names */
		{"Nov 22 05:00:00 gw sshd[1]: Accepted password for bob from 2001:db8::5 port 50022 ssh2",
		 1, WK_AUTH_OK, "bob", "2001:db8::5", 50022, "password", NULL, T0},
		{"Nov 22 05:00:00 gw sshd[1]: Failed none for invalid user  from fe80::1%eth0 port 22 ssh2",
		 1, WK_AUTH_INVALID_USER, "", "fe80::1%eth0", 22, "none", NULL, 0},
		{"Nov 22 05:00:00 gw sshd[1]: Invalid user  from 1.2.3.4 port 22",
		 1, WK_AUTH_INVALID_USER, "", "1.2.3.4", 22, NULL, NULL, 0},
		{"Nov 22 05:00:00 gw sshd[1]: Invalid user x from 6.6.6.6 port 1 ssh2 from 1.2.3.4 port 5",
		 1, WK_AUTH_INVALID_USER, "x from 6.6.6.6 port 1 ssh2", "1.2.3.4", 5, NULL, NULL, 0},
		{"Nov 22 05:00:00 gw sshd[1]: Failed password for invalid user a from 6.6.6.6 port 1 ssh2: "
		 "x from 1.2.3.4 port 5 ssh2",
		 1, WK_AUTH_INVALID_USER, "a from 6.6.6.6 port 1 ssh2: x", "1.2.3.4", 5, "password", NULL, 0},
		/* LogLevel VERBOSE: a key matched, nobody signed in yet (real sshd 9.2 lines) */
		{"Accepted key ED25519 SHA256:AGSVzkQlpeq1zxhpbdwPtzpQkz0sL9YWgMVZPNAbvHE found at "
		 "/tmp/sekisho-test.GmXpEx/ssh/authorized_keys:1",
		 1, WK_NONE, "", "", 0, NULL, NULL, 0},
		{"Nov 22 05:00:00 gw sshd[1]: Accepted certificate ID \"ops\" (serial 7) signed by "
		 "ED25519 CA SHA256:def via /etc/ssh/ca.pub",
		 1, WK_NONE, "", "", 0, NULL, NULL, 0},
		/* a certificate's key ID (the client's choice) cannot pose as the address */
		{"Nov 22 05:00:00 gw sshd[1]: Accepted publickey for ops from 10.1.1.1 port 40 ssh2: "
		 "ED25519-CERT SHA256:abc ID x from 6.6.6.6 port 1 ssh2 (serial 1) CA ED25519 SHA256:def",
		 1, WK_AUTH_OK, "ops", "10.1.1.1", 40, "publickey", NULL, 0},
		/* before OpenSSH 7.5 "Invalid user" had no port */
		{"Jun  4 05:00:00 old sshd[1]: Invalid user oracle from 61.0.0.1",
		 1, WK_AUTH_INVALID_USER, "oracle", "61.0.0.1", 0, NULL, "old", 0},
		/* rsyslog's repeated-message reduction: the message once */
		{"Nov 22 05:00:00 gw sshd[1]: message repeated 3 times: [ Failed password for root from "
		 "192.0.2.9 port 22 ssh2]",
		 1, WK_AUTH_FAIL, "root", "192.0.2.9", 22, "password", NULL, 0},
		/* lines we read and do not use */
		{"Nov 22 05:00:00 gw sshd[1]: Connection closed by invalid user nosuchuser 127.0.0.1 port "
		 "45458 [preauth]",
		 1, WK_NONE, "", "", 0, NULL, NULL, 0},
		{"Nov 22 05:00:00 gw sshd[1]: PAM 2 more authentication failures; logname= uid=0 euid=0 "
		 "tty=ssh ruser= rhost=1.2.3.4  user=root",
		 1, WK_NONE, "", "", 0, NULL, NULL, 0},
		{"Nov 22 05:00:00 gw sshd[1]: Server listening on 0.0.0.0 port 22.", 1, WK_NONE, "", "", 0,
		 NULL, NULL, 0},
		{"Nov 22 05:00:00 gw su[1]: Accepted password for root from 1.2.3.4 port 1 ssh2", 1, WK_NONE,
		 "", "", 0, NULL, "gw", 0},
		{"Nov 22 05:00:00 gw gdm(pam_unix)[2803]: authentication failure; logname= uid=0 euid=0 "
		 "tty=:0 ruser= rhost=  user=root",
		 1, WK_NONE, "", "", 0, NULL, NULL, 0},
		{"Jun 14 04:06:31 combo last message repeated 2 times", 1, WK_NONE, "", "", 0, NULL, NULL, 0},
		/* cut short or malformed: unparsed */
		{"", 0, WK_NONE, NULL, NULL, 0, NULL, NULL, 0},
		{"\r\n", 0, WK_NONE, NULL, NULL, 0, NULL, NULL, 0},
		{"Jun 14 15:16", 0, WK_NONE, NULL, NULL, 0, NULL, NULL, 0},
		{"Jun 14 25:16:01 combo sshd[1]: Accepted password for a from 1.2.3.4 port 1 ssh2", 0,
		 WK_NONE, NULL, NULL, 0, NULL, NULL, 0},
		{"<13>garbage", 0, WK_NONE, NULL, NULL, 0, NULL, NULL, 0},
		{"<999>Nov 22 05:00:00 gw sshd[1]: x", 0, WK_NONE, NULL, NULL, 0, NULL, NULL, 0},
		{"<38>1 2026-11-22T05:00:00Z gw sshd - - [unterminated", 0, WK_NONE, NULL, NULL, 0, NULL,
		 NULL, 0},
		{"Nov 22 05:00:00 gw sshd[1]: Accepted password for root from", 0, WK_NONE, NULL, NULL, 0,
		 NULL, NULL, 0},
		{"Nov 22 05:00:00 gw sshd[1]: Accepted password for root from 1.2.3.4 port", 0, WK_NONE,
		 NULL, NULL, 0, NULL, NULL, 0},
		{"Nov 22 05:00:00 gw sshd[1]: Failed password for root from 1.2.3.4 port 65536 ssh2", 0,
		 WK_NONE, NULL, NULL, 0, NULL, NULL, 0},
		{"Nov 22 05:00:00 gw sshd[1]: Invalid user x from 1.2.3.4 port 99999", 0, WK_NONE, NULL,
		 NULL, 0, NULL, NULL, 0},
		{"Nov 22 05:00:00 gw sshd[1]: Disconnected from user root 127.0.0.1 port 45438 extra", 0,
		 WK_NONE, NULL, NULL, 0, NULL, NULL, 0},
		{"Nov 22 05:00:00 gw sshd[1]: authentication failure; logname= uid=0", 0, WK_NONE, NULL,
		 NULL, 0, NULL, NULL, 0},
		{"Nov 22 05:00:00 gw sshd[1]: message repeated 2 times: [ Failed password", 0, WK_NONE,
		 NULL, NULL, 0, NULL, NULL, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		check(&w[i]);
}

/* Every prefix of real lines: never a read past the end, never a half event. */
static void
test_truncated(void **state)
{
	static const char *lines[] = {
		"Nov 22 06:24:44 gate sshd[13587]: Failed password for invalid user admin from 10.9.9.9 "
		"port 22 from 127.0.0.1 port 45470 ssh2",
		"<38>1 2026-11-22T05:00:00Z gw sshd - - [meta x=\"a\\]b\"] Invalid user g from 1.2.3.4 port 1",
		"Jun 15 02:04:59 combo sshd(pam_unix)[20882]: authentication failure; logname= uid=0 euid=0 "
		"tty=NODEVssh ruser= rhost=220-135-151-1.hinet-ip.hinet.net  user=root\r",
		"2026-11-22T05:00:00+0900 gw sshd[1]: Connection closed by authenticating user root "
		"127.0.0.1 port 39604 [preauth]",
	};
	wk_event ev;

	(void)state;
	for (size_t l = 0; l < sizeof(lines) / sizeof(lines[0]); l++) {
		size_t n = strlen(lines[l]);
		for (size_t k = 0; k <= n; k++)
			(void)parse(lines[l], k, 2026, &ev); /* checks the invariants */
	}
	/* "... port 45" without its " ssh2": not sshd's ending, so not an event. */
	assert_int_equal(parse(lines[0], strlen(lines[0]) - 8, 2026, &ev), 0);
}

/* A 64 KiB user name and a 64 KiB line of noise: one pass, right answers. */
static void
test_long_lines(void **state)
{
	size_t big = 64 * 1024;
	char *line = malloc(big + 128);
	wk_event ev;
	int n;

	(void)state;
	assert_non_null(line);
	n = snprintf(line, 128, "Nov 22 05:00:00 gw sshd[1]: Invalid user ");
	for (size_t i = 0; i < big; i++)
		line[n + i] = (i % 7 == 3) ? ' ' : 'a';
	n += (int)big;
	n += snprintf(line + n, 64, " from 192.0.2.1 port 2222");
	assert_int_equal(parse(line, (size_t)n, 2026, &ev), 1);
	assert_int_equal(ev.kind, WK_AUTH_INVALID_USER);
	assert_int_equal(ev.user.n, big);
	str_is(ev.src, "192.0.2.1", "src");
	assert_int_equal(ev.src_port, 2222);

	memset(line, ' ', big);
	assert_int_equal(parse(line, big, 2026, &ev), 1); /* a bare line of spaces: nothing */
	assert_int_equal(ev.kind, WK_NONE);
	memcpy(line, "Failed password for root from ", 30);
	assert_int_equal(parse(line, big, 2026, &ev), 0);
	free(line);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loghub),
		cmocka_unit_test(test_real_sshd),
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_long_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
