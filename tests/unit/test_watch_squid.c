/*
 * tests/unit/test_watch_squid.c - sekisho-watch's Squid parser
 * (watch/parsers/squid.c) on logs a real Squid wrote (tests/data/squid/,
 * made by tests/integration/96_squid.sh: the same 14 requests in native,
 * the IPA guide's and the combined format), on the guide's own example
 * line, on URL and CONNECT authorities, on user agents (and lines cut
 * inside one), and on lines it must refuse.
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

#define DATA "tests/data/squid/"
#define MAXL 32

/* The ports of that run: the TLS listener standing for 443, and the other one. */
#define TLS_PORT 49683
#define HTTP_PORT 52829

struct log {
	char *buf;
	size_t len;
	const char *line[MAXL];
	size_t n[MAXL];
	int count;
};

static void
load(struct log *l, const char *path)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 0, got;
	char chunk[4096];

	memset(l, 0, sizeof(*l));
	if (f == NULL)
		fail_msg("cannot open %s (run the tests from the repository root)", path);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (l->len + got > cap) {
			cap = (l->len + got) * 2;
			l->buf = realloc(l->buf, cap);
			assert_non_null(l->buf);
		}
		memcpy(l->buf + l->len, chunk, got);
		l->len += got;
	}
	fclose(f);
	for (size_t i = 0, s = 0; i < l->len; i++)
		if (l->buf[i] == '\n') {
			assert_true(l->count < MAXL);
			l->line[l->count] = l->buf + s;
			l->n[l->count++] = i - s;
			s = i + 1;
		}
}

static void
str_is(wk_str s, const char *want, const char *what)
{
	if (!wk_str_eq(s, want))
		fail_msg("%s: got \"%.*s\", wanted \"%s\"", what, (int)s.n, s.p ? s.p : "", want);
}

/* Every string of the event lies inside the line. */
static void
inside(const wk_event *ev, const char *line, size_t len)
{
	const wk_str *all[] = {&ev->host, &ev->user, &ev->src, &ev->dst, &ev->method,
			       &ev->url, &ev->result, &ev->workstation, &ev->agent, &ev->conn};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i]->n > 0)
			assert_true(all[i]->p >= line && all[i]->p + all[i]->n <= line + len);
}

static wk_event
parse_ok(const char *line, size_t len)
{
	wk_event ev;

	if (wk_parse_squid(line, len, 2026, &ev) != 1)
		fail_msg("did not parse: %.*s", (int)len, line);
	assert_int_equal(ev.kind, WK_PROXY);
	assert_int_equal(ev.source, WK_SRC_SQUID);
	inside(&ev, line, len);
	/* no user agent is "" pointing at the line, as in the other parsers */
	assert_true(ev.agent.p >= line && ev.agent.p <= line + len);
	assert_false(ev.agent.n == 1 && ev.agent.p[0] == '-');
	return ev;
}

static wk_event
parse_s(const char *line)
{
	return parse_ok(line, strlen(line));
}

/* What each of the 14 requests must give, whatever the format. */
struct want {
	const char *src, *user, *method, *dst;
	unsigned port;
	int status;
	const char *code; /* %Ss */
	uint64_t bytes;
};

static const struct want want[14] = {
	{"127.0.0.1", "alice", "CONNECT", "127.0.0.1", TLS_PORT, 200, "TCP_TUNNEL", 7165},
	{"127.0.0.1", "alice", "CONNECT", "localhost", TLS_PORT, 200, "TCP_TUNNEL", 7165},
	{"127.0.0.2", "alice", "CONNECT", "127.0.0.1", TLS_PORT, 200, "TCP_TUNNEL", 7165},
	{"127.0.0.1", "alice", "CONNECT", "::1", TLS_PORT, 200, "TCP_TUNNEL", 7161},
	{"127.0.0.1", "", "CONNECT", "127.0.0.1", HTTP_PORT, 403, "TCP_DENIED", 3399},
	{"127.0.0.2", "", "CONNECT", "127.0.0.1", HTTP_PORT, 403, "TCP_DENIED", 3399},
	{"127.0.0.1", "alice", "GET", "127.0.0.1", HTTP_PORT, 200, "TCP_MISS", 299},
	{"127.0.0.1", "alice", "GET", "localhost", HTTP_PORT, 404, "TCP_MISS", 604},
	{"127.0.0.1", "", "GET", "127.0.0.1", HTTP_PORT, 407, "TCP_DENIED", 3521},
	{"127.0.0.1", "alice", "GET", "127.0.0.1", HTTP_PORT, 407, "TCP_DENIED", 3521},
	{"127.0.0.1", "bob smith", "GET", "127.0.0.1", HTTP_PORT, 407, "TCP_DENIED", 3521},
	{"127.0.0.1", NULL, "GET", "127.0.0.1", HTTP_PORT, 407, "TCP_DENIED", 3521},
	{"127.0.0.1", NULL, "GET", "127.0.0.1", HTTP_PORT, 407, "TCP_DENIED", 3521},
	{"127.0.0.1", "", "GARBAGE", "", 0, 400, "NONE_NONE", 3376},
};

static void
check_log(const char *path, char sep, wk_event *evs)
{
	struct log l;

	load(&l, path);
	assert_int_equal(l.count, 14);
	for (int i = 0; i < l.count; i++) {
		const struct want *w = &want[i];
		wk_event ev = parse_ok(l.line[i], l.n[i]);
		size_t cl = strlen(w->code);

		str_is(ev.src, w->src, "src");
		if (w->user != NULL)
			str_is(ev.user, w->user, "user");
		str_is(ev.method, w->method, "method");
		str_is(ev.dst, w->dst, "dst");
		assert_int_equal(ev.dst_port, w->port);
		assert_int_equal(ev.status, w->status);
		assert_int_equal(ev.bytes, w->bytes);
		assert_true(ev.result.n > cl && memcmp(ev.result.p, w->code, cl) == 0 &&
			    ev.result.p[cl] == sep);
		assert_true(ev.ts >= 1795329060 && ev.ts <= 1795329062);
		evs[i] = ev;
	}
	/* the strings point into l.buf, which the caller no longer needs: compare now */
	free(l.buf);
}

static void
test_native(void **state)
{
	wk_event ev[14];
	struct log l;

	(void)state;
	check_log(DATA "native.log", '/', ev);
	/* 1795329060.932    126 127.0.0.1 TCP_TUNNEL/200 7165 CONNECT 127.0.0.1:49683 alice HIER_DIRECT/127.0.0.1 - */
	assert_int_equal(ev[0].ts, 1795329060);
	assert_int_equal(ev[0].ts_frac_us, 932000);
	assert_int_equal(ev[0].duration_ms, 126);
	assert_int_equal(ev[13].duration_ms, 4);
	load(&l, DATA "native.log");
	str_is(parse_ok(l.line[0], l.n[0]).result, "TCP_TUNNEL/200", "result");
	str_is(parse_ok(l.line[0], l.n[0]).url, "127.0.0.1:49683", "url");
	str_is(parse_ok(l.line[3], l.n[3]).url, "[::1]:49683", "url");
	str_is(parse_ok(l.line[4], l.n[4]).result, "TCP_DENIED/403", "result");
	str_is(parse_ok(l.line[6], l.n[6]).url, "http://127.0.0.1:52829/hello.txt", "url");
	/* %[un encodes '[' and a tab; the user is everything between URL and hierarchy */
	str_is(parse_ok(l.line[11], l.n[11]).user, "eve %5b22/nov/2026", "user");
	str_is(parse_ok(l.line[12], l.n[12]).user, "tab%09user", "user");
	str_is(parse_ok(l.line[13], l.n[13]).url, "error:invalid-request", "url");
	free(l.buf);
}

static void
test_guide_format(void **state)
{
	wk_event ev[14];
	struct log l;

	(void)state;
	check_log(DATA "ipa.log", ':', ev);
	/* [22/Nov/2026:15:31:00 +0900] is 06:31:00Z */
	assert_int_equal(ev[0].ts, 1795329060);
	assert_int_equal(ev[0].duration_ms, 0);
	load(&l, DATA "ipa.log");
	str_is(parse_ok(l.line[0], l.n[0]).result, "TCP_TUNNEL:HIER_DIRECT", "result");
	str_is(parse_ok(l.line[4], l.n[4]).result, "TCP_DENIED:HIER_NONE", "result");
	/* %un as claimed: a '[' (with no colon after it, so no time) and a tab */
	str_is(parse_ok(l.line[11], l.n[11]).user, "eve [22/nov/2026", "user");
	str_is(parse_ok(l.line[12], l.n[12]).user, "tab\tuser", "user");
	free(l.buf);
}

static void
test_combined(void **state)
{
	wk_event ev[14];
	struct log l;

	(void)state;
	check_log(DATA "combined.log", ':', ev);
	load(&l, DATA "combined.log");
	/* the user agent "Mozilla/5.0 (X11; Linux x86_64) Sekisho test" is skipped */
	str_is(parse_ok(l.line[6], l.n[6]).result, "TCP_MISS:HIER_DIRECT", "result");
	str_is(parse_ok(l.line[6], l.n[6]).url, "http://127.0.0.1:52829/hello.txt", "url");
	str_is(parse_ok(l.line[11], l.n[11]).user, "eve %5b22/nov/2026", "user");
	free(l.buf);
}

/* The three logs of one run: the same second for each request. */
static void
test_formats_agree(void **state)
{
	struct log a, b, c;

	(void)state;
	load(&a, DATA "native.log");
	load(&b, DATA "ipa.log");
	load(&c, DATA "combined.log");
	for (int i = 0; i < 14; i++) {
		wk_event x = parse_ok(a.line[i], a.n[i]);
		wk_event y = parse_ok(b.line[i], b.n[i]);
		wk_event z = parse_ok(c.line[i], c.n[i]);
		assert_int_equal(x.ts, y.ts);
		assert_int_equal(x.ts, z.ts);
		assert_int_equal(y.bytes, z.bytes);
		assert_true(x.url.n == y.url.n && memcmp(x.url.p, y.url.p, x.url.n) == 0);
		assert_true(x.url.n == z.url.n && memcmp(x.url.p, z.url.p, x.url.n) == 0);
	}
	free(a.buf);
	free(b.buf);
	free(c.buf);
}

/* log_mime_hdrs on: " [request headers] [reply headers]" follow the line. */
static void
test_mime_headers(void **state)
{
	struct log l;
	wk_event ev;

	(void)state;
	load(&l, DATA "mime_hdrs.log");
	assert_int_equal(l.count, 2);
	ev = parse_ok(l.line[0], l.n[0]);
	str_is(ev.user, "alice", "user");
	str_is(ev.result, "TCP_MISS/200", "result");
	str_is(ev.dst, "127.0.0.1", "dst");
	assert_int_equal(ev.dst_port, 24081);
	ev = parse_ok(l.line[1], l.n[1]);
	str_is(ev.result, "TCP_MISS:HIER_DIRECT", "result");
	str_is(ev.user, "alice", "user");
	assert_int_equal(ev.status, 200);
	free(l.buf);
}

/*
 * Seed 003's example of a denied CONNECT ("許可されていないポート番号で
 * リクエストが来た場合は 以下のようなログが出力されます"), its placeholders
 * filled in; an older Squid wrote the user agent with its spaces.
 */
static void
test_guide_example(void **state)
{
	wk_event ev;

	(void)state;
	ev = parse_s("192.0.2.10 - - [30/Jul/2013:20:52:01 +0900] CONNECT 198.51.100.7:8080 HTTP/1.1 "
		     "403 3345 - Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1) TCP_DENIED:NONE");
	str_is(ev.src, "192.0.2.10", "src");
	assert_int_equal(ev.user.n, 0);
	str_is(ev.method, "CONNECT", "method");
	str_is(ev.dst, "198.51.100.7", "dst");
	assert_int_equal(ev.dst_port, 8080);
	assert_int_equal(ev.status, 403);
	str_is(ev.result, "TCP_DENIED:NONE", "result");
	assert_int_equal(ev.ts, 1375185121); /* 2013-07-30T11:52:01Z */
	/* the native example */
	ev = parse_s("1700000000.123    45 192.0.2.10 TCP_TUNNEL/200 5120 CONNECT example.com:443 alice "
		     "HIER_DIRECT/93.184.216.34 -");
	assert_int_equal(ev.ts, 1700000000);
	assert_int_equal(ev.ts_frac_us, 123000);
	assert_int_equal(ev.duration_ms, 45);
	str_is(ev.dst, "example.com", "dst");
	assert_int_equal(ev.dst_port, 443);
	str_is(ev.user, "alice", "user");
	assert_int_equal(ev.bytes, 5120);
}

static void
dst_is(const char *method, const char *url, const char *host, unsigned port)
{
	char line[512];
	wk_event ev;

	snprintf(line, sizeof(line), "1700000000.123 1 192.0.2.1 TCP_MISS/200 10 %s %s - HIER_DIRECT/198.51.100.1 -",
		 method, url);
	ev = parse_s(line);
	str_is(ev.url, url, "url");
	str_is(ev.dst, host, url);
	if (ev.dst_port != port)
		fail_msg("%s: port %u, wanted %u", url, ev.dst_port, port);
}

static void
test_authority(void **state)
{
	(void)state;
	dst_is("CONNECT", "example.com:443", "example.com", 443);
	dst_is("CONNECT", "[2001:db8::1]:8443", "2001:db8::1", 8443);
	dst_is("CONNECT", "example.com", "example.com", 0);
	dst_is("CONNECT", "example.com:99999", "example.com", 0);
	dst_is("CONNECT", "example.com:", "example.com", 0);
	dst_is("CONNECT", "2001:db8::1", "2001:db8::1", 0);
	dst_is("CONNECT", "[2001:db8::1", "", 0);
	dst_is("GET", "http://example.com/a?b", "example.com", 80);
	dst_is("GET", "https://example.com", "example.com", 443);
	dst_is("GET", "HTTP://EXAMPLE.COM:8080/", "EXAMPLE.COM", 8080);
	dst_is("GET", "ftp://u:p@files.example:2121/x", "files.example", 2121);
	dst_is("GET", "http://a@b@host.example:81/", "host.example", 81);
	dst_is("GET", "http://[2001:db8::2]/", "2001:db8::2", 80);
	dst_is("GET", "http://[2001:db8::2]:8000/", "2001:db8::2", 8000);
	dst_is("GET", "gopher://example.com/", "example.com", 0);
	dst_is("GET", "/relative", "", 0);
	dst_is("GET", "error:invalid-request", "", 0);
	dst_is("GET", "-", "", 0);
	dst_is("POST", "http:///nohost", "", 0);
}

/* The user agent: none in (a); after the referer token in (b); the second quoted string in (c). */
static void
test_agent(void **state)
{
	struct log l;
	wk_event ev;
	const char *line;

	(void)state;
	load(&l, DATA "native.log");
	for (int i = 0; i < l.count; i++) {
		ev = parse_ok(l.line[i], l.n[i]);
		assert_int_equal(ev.agent.n, 0);
		assert_ptr_equal(ev.agent.p, l.line[i]);
	}
	free(l.buf);

	load(&l, DATA "ipa.log");
	str_is(parse_ok(l.line[0], l.n[0]).agent, "curl/7.88.1", "agent");
	/* Squid 5 %-encodes the header: given as logged */
	str_is(parse_ok(l.line[6], l.n[6]).agent,
	       "Mozilla/5.0%20(X11;%20Linux%20x86_64)%20Sekisho%20test", "agent");
	str_is(parse_ok(l.line[11], l.n[11]).agent, "curl/7.88.1", "agent");
	ev = parse_ok(l.line[13], l.n[13]); /* "- -": neither referer nor agent */
	assert_int_equal(ev.agent.n, 0);
	assert_ptr_equal(ev.agent.p, l.line[13]);
	free(l.buf);

	load(&l, DATA "combined.log");
	str_is(parse_ok(l.line[0], l.n[0]).agent, "curl/7.88.1", "agent");
	/* the referer "http://referer.example/a b" holds a space */
	str_is(parse_ok(l.line[6], l.n[6]).agent, "Mozilla/5.0 (X11; Linux x86_64) Sekisho test", "agent");
	ev = parse_ok(l.line[13], l.n[13]); /* "-" "-" */
	assert_int_equal(ev.agent.n, 0);
	assert_ptr_equal(ev.agent.p, l.line[13]);
	free(l.buf);

	load(&l, DATA "mime_hdrs.log");
	assert_int_equal(parse_ok(l.line[0], l.n[0]).agent.n, 0);
	str_is(parse_ok(l.line[1], l.n[1]).agent, "a] [b", "agent");
	free(l.buf);

	/* (b): an older Squid's user agent with its spaces and parentheses */
	ev = parse_s("192.0.2.10 - - [30/Jul/2013:20:52:01 +0900] CONNECT 198.51.100.7:8080 HTTP/1.1 "
		     "403 3345 - Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1) TCP_DENIED:NONE");
	str_is(ev.agent, "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1)", "agent");
	ev = parse_s("192.0.2.10 - bob [30/Jul/2013:20:52:01 +0900] GET http://a.example/ HTTP/1.1 "
		     "200 5 http://b.example/x  Mozilla/5.0 (X11; rv:109.0) Gecko/20100101 Firefox/115.0  "
		     "TCP_MISS:HIER_DIRECT");
	str_is(ev.agent, "Mozilla/5.0 (X11; rv:109.0) Gecko/20100101 Firefox/115.0", "agent");
	str_is(ev.user, "bob", "user");
	str_is(ev.result, "TCP_MISS:HIER_DIRECT", "result");
	ev = parse_s("192.0.2.10 - - [30/Jul/2013:20:52:01 +0900] GET http://a.example/ HTTP/1.1 "
		     "200 5 http://b.example/x - TCP_MISS:HIER_DIRECT");
	assert_int_equal(ev.agent.n, 0);
	ev = parse_s("192.0.2.10 - - [30/Jul/2013:20:52:01 +0900] GET http://a.example/ HTTP/1.1 "
		     "200 5 - TCP_MISS:HIER_DIRECT"); /* a referer, no agent */
	assert_int_equal(ev.agent.n, 0);
	ev = parse_s("192.0.2.10 - - [30/Jul/2013:20:52:01 +0900] GET http://a.example/ HTTP/1.1 "
		     "200 5 TCP_MISS:HIER_DIRECT");
	assert_int_equal(ev.agent.n, 0);
	/* (c): quotes inside the user agent are written as they are */
	ev = parse_s("192.0.2.10 - - [30/Jul/2013:20:52:01 +0900] \"GET http://a.example/ HTTP/1.1\" "
		     "200 5 \"-\" \"say \"hi\" (x; y)\" TCP_MISS:HIER_DIRECT");
	str_is(ev.agent, "say \"hi\" (x; y)", "agent");
	ev = parse_s("192.0.2.10 - - [30/Jul/2013:20:52:01 +0900] \"GET http://a.example/ HTTP/1.1\" "
		     "200 5 \"http://r.example/\" \"a\" \"b\" TCP_MISS:HIER_DIRECT");
	str_is(ev.agent, "a\" \"b", "agent");
	ev = parse_s("192.0.2.10 - - [30/Jul/2013:20:52:01 +0900] \"GET http://a.example/ HTTP/1.1\" "
		     "200 5 \"-\" \"\" TCP_MISS:HIER_DIRECT");
	assert_int_equal(ev.agent.n, 0);
	/* the common format: nothing between size and codes */
	ev = parse_s("192.0.2.10 - - [30/Jul/2013:20:52:01 +0900] \"GET http://a.example/ HTTP/1.1\" "
		     "200 5 TCP_MISS:HIER_DIRECT");
	assert_int_equal(ev.agent.n, 0);
	line = "192.0.2.10 - - [30/Jul/2013:20:52:01 +0900] \"GET http://a.example/ HTTP/1.1\" "
	       "200 5 \"-\" \"curl/8\" TCP_MISS:HIER_DIRECT";
	ev = parse_s(line);
	str_is(ev.agent, "curl/8", "agent");
	assert_ptr_equal(ev.agent.p, strstr(line, "curl/8"));
}

/* A refused line leaves the event as for an empty line: nothing half filled. */
static void
empty_event(const wk_event *ev)
{
	assert_int_equal(ev->kind, WK_NONE);
	assert_int_equal(ev->source, WK_SRC_SQUID);
	assert_int_equal(ev->ts, 0);
	assert_int_equal(ev->status, 0);
	assert_int_equal(ev->bytes, 0);
	assert_int_equal(ev->src.n + ev->user.n + ev->method.n + ev->url.n + ev->dst.n +
				 ev->result.n + ev->agent.n,
			 0);
}

/*
 * Every prefix of a line (a log cut short, a writer killed mid-line), in a
 * heap block of exactly its length: refused with an empty event, or parsed
 * with the whole user agent.  "rv:109.0)" holds a colon: cut there, (b)
 * would end in a token that looks like %Ss:%Sh.
 */
static void
cut_everywhere(const char *line, const char *agent)
{
	size_t len = strlen(line);

	for (size_t n = 0; n <= len; n++) {
		char *cut = malloc(n ? n : 1);
		wk_event ev;

		assert_non_null(cut);
		memcpy(cut, line, n);
		if (wk_parse_squid(cut, n, 2026, &ev) == 1) {
			inside(&ev, cut, n);
			if (!wk_str_eq(ev.agent, agent))
				fail_msg("cut at %zu: agent \"%.*s\"", n, (int)ev.agent.n, ev.agent.p);
		} else {
			empty_event(&ev);
		}
		free(cut);
	}
}

static void
test_agent_cut(void **state)
{
	const char *line;
	wk_event ev;

	(void)state;
	cut_everywhere("192.0.2.10 - bob [30/Jul/2013:20:52:01 +0900] GET http://a.example/ HTTP/1.1 "
		       "200 5 - Mozilla/5.0 (X11; rv:109.0) Gecko/20100101 Firefox/115.0 TCP_MISS:HIER_DIRECT",
		       "Mozilla/5.0 (X11; rv:109.0) Gecko/20100101 Firefox/115.0");
	cut_everywhere("192.0.2.10 - bob [30/Jul/2013:20:52:01 +0900] \"GET http://a.example/ HTTP/1.1\" "
		       "200 5 \"-\" \"Mozilla/5.0 (X11; rv:109.0) Gecko/20100101\" TCP_MISS:HIER_DIRECT",
		       "Mozilla/5.0 (X11; rv:109.0) Gecko/20100101");
	cut_everywhere("1700000000.123    45 192.0.2.10 TCP_TUNNEL/200 5120 CONNECT example.com:443 alice "
		       "HIER_DIRECT/93.184.216.34 -",
		       "");
	/* a parsed line, then a refused one into the same event */
	ev = parse_s("192.0.2.10 - - [30/Jul/2013:20:52:01 +0900] \"GET http://a.example/ HTTP/1.1\" "
		     "200 5 \"-\" \"curl/8\" TCP_MISS:HIER_DIRECT");
	str_is(ev.agent, "curl/8", "agent");
	line = "192.0.2.10 - - [30/Jul/2013:20:52:01 +0900] \"GET http://a.example/ HTTP/1.1\" 200 5 "
	       "\"-\" \"curl/8";
	assert_int_equal(wk_parse_squid(line, strlen(line), 2026, &ev), 0);
	empty_event(&ev);
}

static void
refused(const char *line)
{
	wk_event ev;

	if (wk_parse_squid(line, strlen(line), 2026, &ev) != 0)
		fail_msg("parsed, should not: %s", line);
	empty_event(&ev);
}

static void
test_refused(void **state)
{
	(void)state;
	refused("");
	refused("   ");
	refused("2026/11/22 06:22:27| Accepting HTTP Socket connections at conn3 local=127.0.0.1:23128");
	/* native, cut short or with a bad number */
	refused("1795329060.932    126 127.0.0.1 TCP_TUNNEL/200 7165 CONNECT 127.0.0.1:49683");
	refused("1795329060.932    126 127.0.0.1 TCP_TUNNEL/200 7165 CONNECT 127.0.0.1:49683 alice");
	refused("1795329060.932    126 127.0.0.1 TCP_TUNNEL/2x0 7165 CONNECT h:1 alice HIER_DIRECT/1.2.3.4 -");
	refused("1795329060.932    126 127.0.0.1 TCP_TUNNEL 7165 CONNECT h:1 alice HIER_DIRECT/1.2.3.4 -");
	refused("1795329060.932    1x6 127.0.0.1 TCP_TUNNEL/200 7165 CONNECT h:1 alice HIER_DIRECT/1.2.3.4 -");
	refused("1795329060.932    126 127.0.0.1 TCP_TUNNEL/200 71k5 CONNECT h:1 alice HIER_DIRECT/1.2.3.4 -");
	refused("1795329060.932    126 127.0.0.1 TCP_TUNNEL/200 7165 CONNECT h:1 alice HIER_DIRECT -");
	/* CLF styles: a bad time, no time, no result, no HTTP version, a bad status */
	refused("127.0.0.1 - alice [32/Nov/2026:15:31:00 +0900] CONNECT h:1 HTTP/1.1 200 5 - - TCP_TUNNEL:HIER_DIRECT");
	refused("127.0.0.1 - alice CONNECT h:1 HTTP/1.1 200 5 - - TCP_TUNNEL:HIER_DIRECT");
	refused("127.0.0.1 - alice [22/Nov/2026:15:31:00 +0900] CONNECT h:1 HTTP/1.1 200 5");
	refused("127.0.0.1 - alice [22/Nov/2026:15:31:00 +0900] CONNECT h:1 HTTP/1.1 200 5 - - TCP_TUNNEL");
	refused("127.0.0.1 - alice [22/Nov/2026:15:31:00 +0900] CONNECT h:1 1.1 200 5 - - TCP_TUNNEL:HIER_DIRECT");
	refused("127.0.0.1 - alice [22/Nov/2026:15:31:00 +0900] CONNECT h:1 HTTP/1.1 2O0 5 - - TCP_TUNNEL:X");
	refused("127.0.0.1 - [22/Nov/2026:15:31:00 +0900] CONNECT h:1 HTTP/1.1 200 5 - - TCP_TUNNEL:X");
	refused("127.0.0.1 - alice [22/Nov/2026:15:31:00 +0900] \"CONNECT h:1 HTTP/1.1 200 5 - - TCP_TUNNEL:X");
	/* %Ss:%Sh is capitals, digits and '_' either side of one colon */
	refused("127.0.0.1 - - [22/Nov/2026:15:31:00 +0900] GET http://a/ HTTP/1.1 200 5 - Mozilla/5.0 (X11; rv:109.0)");
	refused("127.0.0.1 - - [22/Nov/2026:15:31:00 +0900] GET http://a/ HTTP/1.1 200 5 - - TCP_MISS:");
	refused("127.0.0.1 - - [22/Nov/2026:15:31:00 +0900] GET http://a/ HTTP/1.1 200 5 - - :HIER_NONE");
	refused("127.0.0.1 - - [22/Nov/2026:15:31:00 +0900] GET http://a/ HTTP/1.1 200 5 - - TCP_MISS:A:B");
	/* (c): after the size, '"referer" "user agent"' whole, or nothing */
	refused("127.0.0.1 - - [22/Nov/2026:15:31:00 +0900] \"GET http://a/ HTTP/1.1\" 200 5 \"-\" \"curl/8 TCP_MISS:HIER_DIRECT");
	refused("127.0.0.1 - - [22/Nov/2026:15:31:00 +0900] \"GET http://a/ HTTP/1.1\" 200 5 \"-\" TCP_MISS:HIER_DIRECT");
	refused("127.0.0.1 - - [22/Nov/2026:15:31:00 +0900] \"GET http://a/ HTTP/1.1\" 200 5 - - TCP_MISS:HIER_DIRECT");
	refused("127.0.0.1 - - [22/Nov/2026:15:31:00 +0900] \"GET http://a/ HTTP/1.1\" 200 5 \"-\" \" TCP_MISS:HIER_DIRECT");
}

/* A carriage return (a log copied from Windows) and trailing spaces are not part of the line. */
static void
test_line_ends(void **state)
{
	wk_event ev;

	(void)state;
	ev = parse_s("1700000000.123 45 192.0.2.10 TCP_TUNNEL/200 5120 CONNECT example.com:443 - HIER_DIRECT/93.184.216.34 -\r");
	assert_int_equal(ev.user.n, 0);
	ev = parse_s("192.0.2.10 - - [30/Jul/2013:20:52:01 +0900] \"CONNECT a:443 HTTP/1.1\" 200 5 TCP_TUNNEL:HIER_DIRECT  \r");
	str_is(ev.result, "TCP_TUNNEL:HIER_DIRECT", "result");
	str_is(ev.dst, "a", "dst");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_native),
		cmocka_unit_test(test_guide_format),
		cmocka_unit_test(test_combined),
		cmocka_unit_test(test_formats_agree),
		cmocka_unit_test(test_mime_headers),
		cmocka_unit_test(test_guide_example),
		cmocka_unit_test(test_authority),
		cmocka_unit_test(test_agent),
		cmocka_unit_test(test_agent_cut),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_line_ends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
