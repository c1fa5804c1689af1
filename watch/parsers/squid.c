/*
 * watch/parsers/squid.c - Squid access.log lines (wk_parse_squid, event.h).
 *
 * One pass over the line, no allocation, no regex: every string of the event
 * points into the line.  Three formats, told apart per line:
 *
 * (a) Squid's native format (logformat squid):
 *     %ts.%03tu %6tr %>a %Ss/%03>Hs %<st %rm %ru %[un %Sh/%<a %mt
 *     "1700000000.123    45 192.0.2.10 TCP_TUNNEL/200 5120 CONNECT example.com:443 alice HIER_DIRECT/93.184.216.34 -"
 *     A line starting with an epoch time (9+ digits, then a space) is this
 *     one; an address never is.
 *
 * (b) the IPA design guide's format (seed 003, "Squid における ACL の設定例"):
 *     logformat combined %>a %ui %un [%tl] %rm %ru HTTP/%rv %>Hs %<st %{Referer}>h %{User-Agent}>h %Ss:%Sh
 *     access_log /var/log/squid/access.log combined
 *     Request, referer and user agent are unquoted.  Squid 5 %-encodes the
 *     header values, but older Squids (the guide's) wrote the user agent with
 *     its spaces, so %Ss:%Sh is taken from the right end of the line.
 *     (Squid 5 keeps its built-in "combined" when a config redefines it the
 *     guide's way; our test names the guide's format "ipa".)  The referer is
 *     one token (a URL has no space, or "-"); the user agent is everything
 *     between it and %Ss:%Sh.
 *
 * (c) Squid's built-in combined and common formats:
 *     %>a %[ui %[un [%tl] "%rm %ru HTTP/%rv" %>Hs %<st "%{Referer}>h" "%{User-Agent}>h" %Ss:%Sh
 *     %>a %[ui %[un [%tl] "%rm %ru HTTP/%rv" %>Hs %<st %Ss:%Sh
 *     Squid writes a quote inside the quoted user agent unescaped, so
 *     %Ss:%Sh is again the last token, and the user agent is what lies
 *     between the first '" "' after the size (the referer's end: a referer
 *     may hold a space, but seldom a quote) and the last quote.
 *
 * The user agent (ev->agent, "" when the format has none or it is "-") is
 * given as logged: Squid 5's %-encoding in (b) is not decoded.  %Ss:%Sh must
 * look like one (capitals, digits, '_' on both sides of one colon): in (b) a
 * line cut inside a user agent such as "(X11; rv:109.0)" would otherwise end
 * in a token with a colon, and give half a user agent.
 *
 * The user name is what the client claimed, logged even when authentication
 * failed (TCP_DENIED/407): Squid writes its spaces as they are (and in (b) a
 * tab too), but never a colon (Basic credentials split at the first one), so
 * a user name can hold neither a "[dd/Mon/yyyy:hh:mm:ss zone]" time nor
 * shift the fields around it: (b) and (c) anchor on the first bracketed
 * time after the ident, and (a) takes the user as everything between the
 * URL and the last two tokens.  With log_mime_hdrs on, Squid appends
 * " [request headers] [reply headers]" (with '[' and ']' inside encoded):
 * those are cut off first.
 *
 * Refused (0): empty lines, lines in none of the formats (Squid's cache.log,
 * a truncated line), a non-numeric elapsed time, status or size, a missing
 * result code, a bracketed time that is not a valid CLF time, (c) with
 * something after the size that is not '"referer" "user agent"'.  A refused
 * line leaves *ev as for an empty line (kind WK_NONE, no strings), never
 * half filled.
 */
#include <string.h>

#include "../event.h"
#include "wtime.h"

static size_t
skip_sp(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] == ' ')
		i++;
	return i;
}

static size_t
tok_end(const char *s, size_t n, size_t i)
{
	while (i < n && s[i] != ' ')
		i++;
	return i;
}

/* Start of the last space-separated token in [lo, end). */
static size_t
rtok_start(const char *s, size_t lo, size_t end)
{
	while (end > lo && s[end - 1] != ' ')
		end--;
	return end;
}

static size_t
rskip_sp(const char *s, size_t lo, size_t end)
{
	while (end > lo && s[end - 1] == ' ')
		end--;
	return end;
}

/* Digits only (or "-" for none): a saturating unsigned value. */
static int
num(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	*out = 0;
	if (n == 1 && s[0] == '-')
		return 1;
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		unsigned d = (unsigned)(s[i] - '0');
		v = v > (max - d) / 10 ? max : v * 10 + d;
	}
	*out = v;
	return 1;
}

static int
lower_eq(const char *s, size_t n, const char *c)
{
	size_t i = 0;

	for (; i < n; i++) {
		char ch = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
		if (c[i] == '\0' || c[i] != ch)
			return 0;
	}
	return c[i] == '\0';
}

/* "443" -> 443; 0 for anything that is not a port. */
static uint16_t
port_of(const char *s, size_t n)
{
	unsigned v = 0;

	if (n == 0 || n > 5)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	return v <= 65535 ? (uint16_t)v : 0;
}

/*
 * An authority "[user@]host[:port]" into dst and dst_port (def when it has
 * no port).  "[2001:db8::1]:443" gives the address without brackets; an
 * unbracketed name with several colons is taken whole, without a port.
 */
static void
authority(const char *a, size_t n, uint16_t def, wk_event *ev)
{
	size_t at = n, colons = 0, last = n;

	for (size_t i = n; i > 0; i--)
		if (a[i - 1] == '@') {
			at = i - 1;
			break;
		}
	if (at < n) {
		a += at + 1;
		n -= at + 1;
	}
	if (n == 0)
		return;
	if (a[0] == '[') {
		size_t i = 1;
		while (i < n && a[i] != ']')
			i++;
		if (i == n || i == 1)
			return;
		ev->dst = (wk_str){a + 1, i - 1};
		if (i + 1 == n)
			ev->dst_port = def;
		else if (a[i + 1] == ':')
			ev->dst_port = port_of(a + i + 2, n - i - 2);
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (a[i] == ':') {
			colons++;
			last = i;
		}
	if (colons == 1) {
		if (last == 0)
			return;
		ev->dst = (wk_str){a, last};
		ev->dst_port = port_of(a + last + 1, n - last - 1);
	} else {
		ev->dst = (wk_str){a, n};
		ev->dst_port = colons == 0 ? def : 0;
	}
}

/* dst/dst_port from the request: CONNECT's "host:port" or the URL's authority. */
static void
destination(wk_event *ev)
{
	const char *u = ev->url.p;
	size_t n = ev->url.n, i = 0, a;
	uint16_t def = 0;

	if (wk_str_eq(ev->method, "CONNECT")) {
		authority(u, n, 0, ev);
		return;
	}
	while (i < n && ((u[i] >= 'a' && u[i] <= 'z') || (u[i] >= 'A' && u[i] <= 'Z') ||
			 (i > 0 && ((u[i] >= '0' && u[i] <= '9') || u[i] == '+' || u[i] == '-' ||
				    u[i] == '.'))))
		i++;
	if (i == 0 || i + 3 > n || u[i] != ':' || u[i + 1] != '/' || u[i + 2] != '/')
		return; /* "error:invalid-request", "/path", "-" */
	if (lower_eq(u, i, "http") || lower_eq(u, i, "ws"))
		def = 80;
	else if (lower_eq(u, i, "https") || lower_eq(u, i, "wss"))
		def = 443;
	else if (lower_eq(u, i, "ftp"))
		def = 21;
	a = i + 3;
	i = a;
	while (i < n && u[i] != '/' && u[i] != '?' && u[i] != '#')
		i++;
	authority(u + a, i - a, def, ev);
}

/* The user field: "-" (or nothing) means none. */
static wk_str
user_of(const char *s, size_t lo, size_t hi)
{
	lo = skip_sp(s, hi, lo);
	hi = rskip_sp(s, lo, hi);
	if (hi == lo || (hi - lo == 1 && s[lo] == '-'))
		return (wk_str){NULL, 0};
	return (wk_str){s + lo, hi - lo};
}

/* %Ss:%Sh: "TCP_MISS:HIER_DIRECT", "NONE_NONE:HIER_NONE". */
static int
squid_codes(const char *s, size_t n)
{
	size_t colon = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ':') {
			if (colon != 0 || i == 0)
				return 0;
			colon = i;
		} else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
			return 0;
		}
	}
	return colon != 0 && colon + 1 < n;
}

/*
 * The user agent from s[lo..hi), what lies between the size and %Ss:%Sh:
 * (b) a referer token, then the user agent; (c) "referer" "user agent".
 * Nothing there (the common format) is no user agent.  Returns 0 when (c)'s
 * quotes are not whole.
 */
static int
agent_of(const char *s, size_t lo, size_t hi, int quoted, wk_event *ev)
{
	size_t a, b, j;

	ev->agent = (wk_str){s, 0};
	lo = skip_sp(s, hi, lo);
	hi = rskip_sp(s, lo, hi);
	if (lo == hi)
		return 1;
	if (!quoted) {
		a = skip_sp(s, hi, tok_end(s, hi, lo));
		b = hi;
	} else {
		if (hi - lo < 2 || s[lo] != '"' || s[hi - 1] != '"')
			return 0;
		/* the referer ends at the first quote followed by spaces and a quote */
		for (j = lo + 1, a = hi; j + 2 < hi; j++) {
			if (s[j] != '"' || s[j + 1] != ' ')
				continue;
			a = skip_sp(s, hi, j + 1);
			if (a + 1 < hi && s[a] == '"')
				break;
			a = hi;
		}
		if (a == hi)
			return 0;
		a++;
		b = hi - 1;
	}
	if (b > a && !(b - a == 1 && s[a] == '-'))
		ev->agent = (wk_str){s + a, b - a};
	return 1;
}

/* Cuts log_mime_hdrs' " [...]" blocks (at most two) off the end. */
static size_t
strip_mime(const char *s, size_t lo, size_t n)
{
	for (int k = 0; k < 2 && n > lo && s[n - 1] == ']'; k++) {
		size_t i = n - 1;
		while (i > lo && s[i - 1] != '[' && s[i - 1] != ']')
			i--;
		if (i < lo + 2 || s[i - 1] != '[' || s[i - 2] != ' ')
			break;
		n = rskip_sp(s, lo, i - 2);
	}
	return n;
}

/* (a) native; the epoch time was recognised at s[0..i). */
static int
native(const char *s, size_t n, size_t i, wk_event *ev)
{
	size_t e, c0, ce, lo, end, t0, h1, h0;
	uint64_t v;

	i = skip_sp(s, n, i);
	e = tok_end(s, n, i);
	if (e > i + 1 && s[i] == '-') /* a negative time ("-1"): none */
		i++;
	if (!num(s + i, e - i, UINT32_MAX, &v))
		return 0;
	if (s[i - 1] == '-')
		v = 0;
	ev->duration_ms = (uint32_t)v;
	i = skip_sp(s, n, e);
	e = tok_end(s, n, i);
	if (e == i)
		return 0;
	ev->src = (wk_str){s + i, e - i};
	/* TCP_DENIED/403 */
	c0 = skip_sp(s, n, e);
	ce = tok_end(s, n, c0);
	for (e = ce; e > c0 && s[e - 1] != '/'; e--)
		;
	if (e <= c0 + 1 || !num(s + e, ce - e, 999, &v))
		return 0;
	ev->status = (int)v;
	ev->result = (wk_str){s + c0, ce - c0};
	i = skip_sp(s, n, ce);
	e = tok_end(s, n, i);
	if (!num(s + i, e - i, UINT64_MAX, &ev->bytes))
		return 0;
	i = skip_sp(s, n, e);
	e = tok_end(s, n, i);
	if (e == i)
		return 0;
	ev->method = (wk_str){s + i, e - i};
	i = skip_sp(s, n, e);
	e = tok_end(s, n, i);
	if (e == i)
		return 0;
	ev->url = (wk_str){s + i, e - i};
	/* from the right: type, hierarchy/peer; the user is what lies between */
	lo = e;
	end = strip_mime(s, lo, n);
	t0 = rtok_start(s, lo, end);
	if (t0 == end || t0 == lo)
		return 0;
	h1 = rskip_sp(s, lo, t0);
	h0 = rtok_start(s, lo, h1);
	if (h0 == h1 || h0 == lo || memchr(s + h0, '/', h1 - h0) == NULL)
		return 0;
	if (skip_sp(s, h0, lo) == h0)
		return 0; /* no user field */
	ev->user = user_of(s, lo, h0);
	ev->agent = (wk_str){s, 0};
	return 1;
}

/* (b) and (c): "client ident user [time] ..." */
static int
clf(const char *s, size_t n, wk_event *ev)
{
	size_t i, e, j, k = 0, r0, lo;
	uint64_t v;
	int quoted;

	e = tok_end(s, n, 0);
	if (e == 0)
		return 0;
	ev->src = (wk_str){s, e};
	i = skip_sp(s, n, e);
	e = tok_end(s, n, i);
	if (e == i)
		return 0;
	/* the first " [" that opens a valid time closed by ']' */
	for (j = e; j + 2 < n; j++) {
		if (s[j] != ' ' || s[j + 1] != '[')
			continue;
		k = wk_time_clf(s + j + 2, n - j - 2, &ev->ts, &ev->ts_frac_us);
		if (k != 0 && j + 2 + k < n && s[j + 2 + k] == ']')
			break;
	}
	if (j + 2 >= n || skip_sp(s, j, e) == j)
		return 0;
	ev->user = user_of(s, e, j);
	i = j + 3 + k;
	if (i >= n || s[i] != ' ')
		return 0;
	i = skip_sp(s, n, i);
	quoted = i < n && s[i] == '"';
	i += (size_t)quoted;
	e = tok_end(s, n, i);
	if (e == i)
		return 0;
	ev->method = (wk_str){s + i, e - i};
	i = skip_sp(s, n, e);
	e = tok_end(s, n, i);
	if (e == i)
		return 0;
	ev->url = (wk_str){s + i, e - i};
	i = skip_sp(s, n, e);
	e = tok_end(s, n, i);
	if (e - i < 5 || memcmp(s + i, "HTTP/", 5) != 0)
		return 0;
	if (quoted && s[e - 1] != '"')
		return 0;
	i = skip_sp(s, n, e);
	e = tok_end(s, n, i);
	if (!num(s + i, e - i, 999, &v))
		return 0;
	ev->status = (int)v;
	i = skip_sp(s, n, e);
	e = tok_end(s, n, i);
	if (!num(s + i, e - i, UINT64_MAX, &ev->bytes))
		return 0;
	/* %Ss:%Sh is the last token (after referer and user agent, if any) */
	lo = e;
	n = strip_mime(s, lo, n);
	r0 = rtok_start(s, lo, n);
	if (r0 == n || r0 == lo || !squid_codes(s + r0, n - r0))
		return 0;
	ev->result = (wk_str){s + r0, n - r0};
	return agent_of(s, lo, r0, quoted, ev);
}

int
wk_parse_squid(const char *line, size_t len, int year_hint, wk_event *ev)
{
	size_t i;
	int r;

	(void)year_hint;
	memset(ev, 0, sizeof(*ev));
	ev->source = WK_SRC_SQUID;
	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n' || line[len - 1] == ' '))
		len--;
	if (len == 0)
		return 0;
	i = wk_time_epoch(line, len, &ev->ts, &ev->ts_frac_us);
	if (i != 0 && i < len && line[i] == ' ')
		r = native(line, len, i, ev);
	else
		r = clf(line, len, ev);
	if (!r) {
		memset(ev, 0, sizeof(*ev));
		ev->source = WK_SRC_SQUID;
		return 0;
	}
	ev->kind = WK_PROXY;
	destination(ev);
	return 1;
}
