/*
 * watch/parsers/firewall.c - Linux netfilter LOG lines from iptables and
 * nftables (wk_parse_firewall), one pass, no allocation.
 *
 * The kernel writes them in net/netfilter/nf_log_syslog.c:
 *   "PREFIX" "IN=%s OUT=%s " ["PHYSIN=.. PHYSOUT=.. "] ["MAC=.. "]
 *   IPv4: "SRC=%pI4 DST=%pI4 LEN=%u TOS=0x%02X PREC=0x%02X TTL=%u ID=%u "
 *         ["CE "]["DF "]["MF "]["FRAG:%u "]
 *   IPv6: "SRC=%pI6 DST=%pI6 LEN=%zu TC=%u HOPLIMIT=%u FLOWLBL=%u "
 *   then "PROTO=TCP SPT=%u DPT=%u ... " / "PROTO=UDP SPT= DPT= LEN=%u " /
 *   "PROTO=ICMP TYPE=%u CODE=%u ... [SRC=... the quoted packet ...] " /
 *   "PROTO=%u " for others, and "UID= GID= MARK=" at the end.
 * The prefix is the rule's --log-prefix / "log prefix", printed as given
 * (no space added): "[UFW BLOCK] ", "OUTBOUND-DROP: ", or nothing.
 *
 * Accepted around it: a syslog/journald header (syslog.h) whose tag is
 * "kernel", optionally "[  uptime.micro] " after it; the same without a
 * header (dmesg, journalctl -k -o cat); ulogd's LOGEMU lines, which have a
 * host but no tag (a prefix ending in ':' right after the host is read as
 * the prefix, not as a program, when it has no "[pid]" and "IN=" follows).
 * Lines of other programs are WK_NONE whatever they say, so a client cannot
 * forge a firewall event through, say, an sshd user name.  (Syslog is not
 * authenticated: a local user can always write "kernel: ..." with logger;
 * the ulogd rule widens that only to pid-less tags followed by "IN=".)
 *
 * Fields: src = SRC, dst = DST, src_port = SPT, dst_port = DPT, bytes = the
 * IP LEN (the first LEN; UDP's own LEN= comes later), method = PROTO,
 * result = the prefix without surrounding spaces, host = the syslog host.
 * Anything inside "[...]" after IN= (the packet an ICMP error quotes) is
 * skipped: its SRC/DST are not this packet's.
 *
 * Kind from the prefix, by word (ASCII case-insensitive, a word starting
 * after a non-letter): DROP, REJECT, BLOCK, DENY/DENIED -> WK_FW_DROP;
 * else ACCEPT, ALLOW -> WK_FW_ACCEPT; else WK_FW_DROP: a LOG rule is
 * usually written just before the DROP it explains, and for E2 a blocked
 * connection mistaken for an accepted one is the costlier error.  A prefix
 * with both kinds of word ("ALLOW-ELSE-DROP") is a drop.
 *
 * Returns 1 with WK_NONE for a line of another program, a kernel line that
 * is not a LOG line, and an ARP LOG line (no IP addresses).  Returns 0 for
 * a header that is not one, and for a LOG line (IN=... OUT=) without SRC or
 * DST, with an address that is not IPv4/IPv6 text, or with a port or LEN
 * that is not a number in range (a line cut short lands here).
 */
#include <string.h>

#include "event.h"
#include "syslog.h"

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* "[  1234.567890] " at p: its length (with the spaces after), or 0. */
static size_t
uptime(const char *p, size_t n)
{
	size_t i = 1;

	if (n < 3 || p[0] != '[')
		return 0;
	while (i < n && (p[i] == ' ' || p[i] == '.' || (p[i] >= '0' && p[i] <= '9')))
		i++;
	if (i >= n || p[i] != ']' || i == 1)
		return 0;
	i++;
	while (i < n && p[i] == ' ')
		i++;
	return i;
}

/*
 * The start of "IN=x OUT=" in p[0..n): the first "IN=" whose value (up to a
 * space) is followed by " OUT=".  Returns its offset, or n.  Linear: an
 * "IN=" inside a value that failed ends at the same space and fails too, so
 * the search goes on after that value ("IN=IN=IN=..." is not quadratic).
 */
static size_t
signature(const char *p, size_t n)
{
	size_t i = 0;
	const char *q;

	while (i < n && (q = memmem(p + i, n - i, "IN=", 3)) != NULL) {
		size_t at = (size_t)(q - p), e = at + 3;
		while (e < n && p[e] != ' ')
			e++;
		if (n - e >= 5 && memcmp(p + e, " OUT=", 5) == 0)
			return at;
		i = e;
	}
	return n;
}

static int
word_in(const char *p, size_t n, const char *w)
{
	size_t wl = strlen(w);

	for (size_t i = 0; i + wl <= n; i++)
		if ((i == 0 || !is_alpha(p[i - 1])) && wk_sl_ieq(p + i, w))
			return 1;
	return 0;
}

static wk_kind
kind_of(wk_str prefix)
{
	static const char *const drop[] = {"DROP", "REJECT", "BLOCK", "DENY", "DENIED"};
	static const char *const accept[] = {"ACCEPT", "ALLOW"};

	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		if (word_in(prefix.p, prefix.n, drop[i]))
			return WK_FW_DROP;
	for (size_t i = 0; i < sizeof(accept) / sizeof(accept[0]); i++)
		if (word_in(prefix.p, prefix.n, accept[i]))
			return WK_FW_ACCEPT;
	return WK_FW_DROP;
}

/* IPv4 or IPv6 text (with an optional "%zone" for link-local). */
static int
is_addr(wk_str a)
{
	int colon = 0, dot = 0;

	if (a.n == 0 || a.n > 64)
		return 0;
	for (size_t i = 0; i < a.n; i++) {
		char c = a.p[i];
		if (c == '%' && colon && i > 0)
			return 1; /* zone ids are names */
		if (c == ':')
			colon++;
		else if (c == '.')
			dot++;
		else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return 0;
	}
	return colon >= 2 || (dot == 3 && colon == 0);
}

static int
number(wk_str v, uint64_t max, uint64_t *out)
{
	uint64_t x = 0;

	if (v.n == 0 || v.n > 20)
		return 0;
	for (size_t i = 0; i < v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return 0;
		if (x > (max - (uint64_t)(v.p[i] - '0')) / 10)
			return 0;
		x = x * 10 + (uint64_t)(v.p[i] - '0');
	}
	*out = x;
	return 1;
}

static int
key_is(const char *p, size_t kn, const char *k)
{
	return strlen(k) == kn && memcmp(p, k, kn) == 0;
}

/* The KEY=VALUE words from IN= to the end of the line. */
static int
fields(const char *p, size_t n, wk_event *ev)
{
	wk_str src = {NULL, 0}, dst = {NULL, 0}, len = {NULL, 0}, spt = {NULL, 0}, dpt = {NULL, 0};
	wk_str proto = {NULL, 0};
	int arp = 0;
	uint64_t v;
	size_t i = 0;

	while (i < n) {
		size_t s = i, eq = 0;
		if (p[i] == ' ') {
			i++;
			continue;
		}
		if (p[i] == '[') { /* a quoted packet: skip to its ']' */
			int depth = 0;
			for (; i < n; i++) {
				if (p[i] == '[')
					depth++;
				else if (p[i] == ']' && --depth == 0)
					break;
			}
			i++;
			continue;
		}
		while (i < n && p[i] != ' ') {
			if (p[i] == '=' && eq == 0)
				eq = i;
			i++;
		}
		if (eq == 0) {
			if (i - s == 3 && memcmp(p + s, "ARP", 3) == 0)
				arp = 1;
			continue;
		}
		wk_str val = {p + eq + 1, i - eq - 1};
		size_t kn = eq - s;
		if (key_is(p + s, kn, "SRC") && src.p == NULL)
			src = val;
		else if (key_is(p + s, kn, "DST") && dst.p == NULL)
			dst = val;
		else if (key_is(p + s, kn, "LEN") && len.p == NULL)
			len = val;
		else if (key_is(p + s, kn, "PROTO") && proto.p == NULL)
			proto = val;
		else if (key_is(p + s, kn, "SPT") && spt.p == NULL)
			spt = val;
		else if (key_is(p + s, kn, "DPT") && dpt.p == NULL)
			dpt = val;
	}
	if (src.p == NULL && dst.p == NULL && arp)
		return 2; /* ARP: no IP packet */
	if (!is_addr(src) || !is_addr(dst))
		return 0;
	ev->src = src;
	ev->dst = dst;
	if (len.p != NULL) {
		if (!number(len, UINT64_MAX, &v))
			return 0;
		ev->bytes = v;
	}
	if (spt.p != NULL) {
		if (!number(spt, 65535, &v))
			return 0;
		ev->src_port = (uint16_t)v;
	}
	if (dpt.p != NULL) {
		if (!number(dpt, 65535, &v))
			return 0;
		ev->dst_port = (uint16_t)v;
	}
	if (proto.p != NULL)
		ev->method = proto;
	return 1;
}

int
wk_parse_firewall(const char *line, size_t len, int year_hint, wk_event *ev)
{
	wk_syslog h;
	int r = wk_syslog_split(line, len, year_hint, &h);
	const char *b = h.msg.p;
	size_t n = h.msg.n, sig, u, ps, pe;
	wk_str empty = {line, 0};

	memset(ev, 0, sizeof(*ev));
	ev->kind = WK_NONE;
	ev->source = WK_SRC_FIREWALL;
	ev->host = ev->user = ev->src = ev->dst = ev->method = ev->url = ev->result = empty;
	ev->workstation = ev->agent = ev->conn = empty;
	if (r < 0)
		return 0;
	if (r == 1) {
		ev->ts = h.ts;
		ev->ts_frac_us = h.us;
		ev->host = h.host;
		if (wk_str_eq(h.prog, "kernel")) {
			/* the message */
		} else if (h.prog.n > 0 && h.pid.n == 0 && n >= 3 && memcmp(b, "IN=", 3) == 0) {
			/* ulogd: "host PREFIX: IN=": the "tag" is the prefix */
			n += (size_t)(b - h.prog.p);
			b = h.prog.p;
		} else if (h.prog.n > 0) {
			return 1; /* another program */
		}
	} else if (n == 0) {
		return 0;
	}
	u = uptime(b, n);
	b += u;
	n -= u;
	if ((sig = signature(b, n)) == n)
		return 1; /* a kernel line that is not a LOG line */
	for (ps = 0; ps < sig && b[ps] == ' '; ps++)
		;
	for (pe = sig; pe > ps && b[pe - 1] == ' '; pe--)
		;
	r = fields(b + sig, n - sig, ev);
	if (r == 0) {
		ev->src = ev->dst = ev->method = empty;
		ev->bytes = 0;
		ev->src_port = ev->dst_port = 0;
		return 0;
	}
	ev->result = (wk_str){b + ps, pe - ps};
	if (r == 2)
		return 1;
	ev->kind = kind_of(ev->result);
	return 1;
}
