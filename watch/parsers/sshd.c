/*
 * watch/parsers/sshd.c - OpenSSH's sign-in lines (wk_parse_sshd), one pass
 * over the bytes, no allocation; every field points into the line.
 *
 * Lines come in the syslog/journald forms of syslog.h, or bare as in an
 * `sshd -E FILE` (CRLF endings: the CR is dropped).  A program counts as sshd
 * when its tag is "sshd", "sshd-session", "sshd-auth" (OpenSSH 9.8 and later)
 * or starts with "sshd(" ("sshd(pam_unix)", old pam_unix); a bare line is
 * taken as sshd's.  Events:
 *
 *   Accepted METHOD for USER from ADDR port N ssh2[: key]   WK_AUTH_OK
 *   Failed METHOD for USER from ADDR port N ssh2[: key]     WK_AUTH_FAIL
 *   Failed METHOD for invalid user USER from ...            WK_AUTH_INVALID_USER
 *   Invalid user USER from ADDR [port N]                    WK_AUTH_INVALID_USER
 *   Connection closed by authenticating user USER ADDR port N [preauth]
 *                                                           WK_AUTH_FAIL
 *   Disconnected from user USER ADDR port N                 WK_SESSION_END
 *   [pam_unix(sshd:auth): ]authentication failure; ... rhost=ADDR[  user=USER]
 *                                                           WK_AUTH_FAIL
 *   [pam_unix(sshd:auth): ]check pass; user unknown         WK_AUTH_INVALID_USER (no address)
 *   message repeated N times: [ MSG]                        MSG's event, once (rsyslog)
 *
 * ev->conn is sshd's pid: one connection's lines share it, which lets the
 * detectors count one attempt once (event.h's WK_EV_* flags mark the PAM
 * lines, the "Invalid user" that opens a connection, and the closing line).
 *
 * Every other sshd line, and every line of another program, is WK_NONE
 * (LogLevel VERBOSE's "Accepted key ... found at" among them)
 * (returns 1); among them, on purpose: "Connection closed by invalid user"
 * and "Disconnected from invalid/authenticating user" (their attempt was
 * logged already by "Invalid user"/"Failed"), "PAM N more authentication
 * failures" (a summary of lines already counted), pam_unix session lines
 * (the "Disconnected from user" line ends the session).
 *
 * Returns 0 (unparsed) for: an empty line, a header that is not one (see
 * wk_syslog_split), and one of the lines above cut short or malformed
 * (no "from", no address, a port that is not 0..65535).
 *
 * User names: an invalid user's name is whatever the client sent, spaces
 * included (sshd keeps spaces; it escapes control bytes).  Such lines are
 * read from the right: sshd writes " from ADDR port N" and a fixed ending
 * last, so the rightmost " port N" followed by that ending is sshd's own.
 * A valid user is an account, so "Accepted"/"Failed ... for USER" are read
 * from the left (up to the first " from "): that keeps a certificate's key
 * ID, which follows "ssh2: " and which the client chooses, from posing as
 * the address.  Left open: "Failed publickey for invalid user" with a
 * certificate, where both ends are the client's; we read it from the right.
 */
#include <string.h>

#include "event.h"
#include "syslog.h"

#define LIT(s) (s), (sizeof(s) - 1)

static int
starts(const char *p, size_t n, const char *lit, size_t ln)
{
	return n >= ln && memcmp(p, lit, ln) == 0;
}

static int
is_sshd(wk_str prog)
{
	return wk_str_eq(prog, "sshd") || wk_str_eq(prog, "sshd-session") ||
	       wk_str_eq(prog, "sshd-auth") || starts(prog.p, prog.n, LIT("sshd("));
}

/* Digits at p (exactly n bytes) as a port 0..65535; -1 otherwise. */
static long
port_of(const char *p, size_t n)
{
	long v = 0;

	if (n == 0 || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		v = v * 10 + (p[i] - '0');
	}
	return v <= 65535 ? v : -1;
}

/* The endings sshd writes after "port N". */
enum { END_NONE = 1, END_SSH2 = 2, END_PREAUTH = 4 };

static int
ending_ok(const char *p, size_t n, int allowed)
{
	if (n == 0)
		return (allowed & END_NONE) != 0;
	if ((allowed & END_SSH2) && starts(p, n, LIT(" ssh2")) && (n == 5 || starts(p + 5, n - 5, LIT(": "))))
		return 1;
	if ((allowed & END_PREAUTH) && n == 10 && memcmp(p, " [preauth]", 10) == 0)
		return 1;
	return 0;
}

/*
 * Reads "ADDR port N<ending>" at the right end of m[0..n): the rightmost
 * " port " whose digits are followed by an allowed ending.  Sets src and
 * src_port; returns the offset of the space before ADDR, or -1.
 */
static long
right_addr(const char *m, size_t n, int allowed, wk_event *ev)
{
	for (size_t i = n; i >= 6; i--) {
		size_t at = i - 6, d, a;
		long port;

		if (memcmp(m + at, " port ", 6) != 0)
			continue;
		d = i;
		while (d < n && m[d] >= '0' && m[d] <= '9' && d - i < 6)
			d++;
		if ((port = port_of(m + i, d - i)) < 0 || !ending_ok(m + d, n - d, allowed))
			continue;
		a = at;
		while (a > 0 && m[a - 1] != ' ')
			a--;
		if (a == at || a == 0)
			return -1;
		ev->src = (wk_str){m + a, at - a};
		ev->src_port = (uint16_t)port;
		return (long)a - 1;
	}
	return -1;
}

/* "ADDR port N<ending>" read from the left at m[0..n) (m starts at ADDR). */
static int
left_addr(const char *m, size_t n, int allowed, wk_event *ev)
{
	const char *sp = memchr(m, ' ', n);
	size_t a, d;
	long port;

	if (sp == NULL || sp == m)
		return 0;
	a = (size_t)(sp - m);
	if (!starts(m + a, n - a, LIT(" port ")))
		return 0;
	d = a + 6;
	while (d < n && m[d] >= '0' && m[d] <= '9' && d - a - 6 < 6)
		d++;
	if ((port = port_of(m + a + 6, d - a - 6)) < 0 || !ending_ok(m + d, n - d, allowed))
		return 0;
	ev->src = (wk_str){m, a};
	ev->src_port = (uint16_t)port;
	return 1;
}

/* "Accepted|Failed METHOD for [invalid user ]USER from ADDR port N ssh2..." after the verb. */
static int
method_line(const char *m, size_t n, wk_kind ok_kind, wk_event *ev)
{
	const char *sp = memchr(m, ' ', n), *from;
	size_t i;
	long a;

	if (sp == NULL || sp == m)
		return 0;
	ev->method = (wk_str){m, (size_t)(sp - m)};
	i = (size_t)(sp - m) + 1;
	if (!starts(m + i, n - i, LIT("for ")))
		return 0;
	i += 4;
	if (ok_kind == WK_AUTH_FAIL && starts(m + i, n - i, LIT("invalid user "))) {
		i += 13;
		/* The client's name, anything: from the right (" from ADDR port N ssh2"). */
		if ((a = right_addr(m + i, n - i, END_SSH2, ev)) < 5 ||
		    memcmp(m + i + (size_t)a - 5, " from", 5) != 0)
			return 0;
		ev->user = (wk_str){m + i, (size_t)a - 5};
		ev->kind = WK_AUTH_INVALID_USER;
		return 1;
	}
	/* An account: its name ends at the first " from ". */
	if ((from = memmem(m + i, n - i, " from ", 6)) == NULL)
		return 0;
	ev->user = (wk_str){m + i, (size_t)(from - (m + i))};
	i = (size_t)(from - m) + 6;
	if (!left_addr(m + i, n - i, END_SSH2, ev))
		return 0;
	ev->kind = ok_kind;
	return 1;
}

/* "USER ADDR port N<ending>" (closed/disconnected lines): user from the right. */
static int
user_addr(const char *m, size_t n, int allowed, wk_kind kind, wk_event *ev)
{
	long a = right_addr(m, n, allowed, ev);

	if (a <= 0)
		return 0;
	ev->user = (wk_str){m, (size_t)a};
	ev->kind = kind;
	return 1;
}

/* pam_unix: "authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=ADDR  user=USER". */
static int
pam_failure(const char *m, size_t n, wk_event *ev)
{
	const char *r = memmem(m, n, " rhost=", 7), *u;
	size_t i, e;

	if (r == NULL)
		return 0;
	i = (size_t)(r - m) + 7;
	for (e = i; e < n && m[e] != ' '; e++)
		;
	ev->src = (wk_str){m + i, e - i};
	ev->kind = WK_AUTH_FAIL;
	ev->flags = WK_EV_PAM;
	if ((u = memmem(m + e, n - e, " user=", 6)) != NULL) {
		i = (size_t)(u - m) + 6;
		e = n;
		while (e > i && m[e - 1] == ' ')
			e--;
		ev->user = (wk_str){m + i, e - i};
	}
	return 1;
}

static int
message(const char *m, size_t n, wk_event *ev)
{
	if (starts(m, n, LIT("pam_unix(sshd:auth): "))) {
		m += 21;
		n -= 21;
	}
	/* LogLevel VERBOSE: "Accepted key ED25519 SHA256:... found at FILE:N" and
	 * "Accepted certificate ID ..." say a key matched, not that anyone signed in. */
	if (starts(m, n, LIT("Accepted key ")) || starts(m, n, LIT("Accepted certificate ID ")))
		return 1;
	if (starts(m, n, LIT("Accepted ")))
		return method_line(m + 9, n - 9, WK_AUTH_OK, ev);
	if (starts(m, n, LIT("Failed ")))
		return method_line(m + 7, n - 7, WK_AUTH_FAIL, ev);
	if (starts(m, n, LIT("Invalid user "))) {
		long a;
		m += 13;
		n -= 13;
		/* Without a port before OpenSSH 7.5: "Invalid user USER from ADDR". */
		if ((a = right_addr(m, n, END_NONE, ev)) < 0) {
			const char *f = NULL;
			for (size_t i = n; i >= 6 && f == NULL; i--)
				if (memcmp(m + i - 6, " from ", 6) == 0)
					f = m + i - 6;
			if (f == NULL || f + 6 == m + n || memchr(f + 6, ' ', (size_t)(m + n - f - 6)))
				return 0;
			ev->src = (wk_str){f + 6, (size_t)(m + n - f - 6)};
			a = (long)(f - m) + 5;
		}
		if (a < 5 || memcmp(m + a - 5, " from", 5) != 0)
			return 0;
		ev->user = (wk_str){m, (size_t)a - 5};
		ev->kind = WK_AUTH_INVALID_USER;
		ev->flags = WK_EV_OPENED;
		return 1;
	}
	if (starts(m, n, LIT("Connection closed by authenticating user "))) {
		ev->flags = WK_EV_CLOSED;
		return user_addr(m + 41, n - 41, END_PREAUTH | END_NONE, WK_AUTH_FAIL, ev);
	}
	if (starts(m, n, LIT("Disconnected from user ")))
		return user_addr(m + 23, n - 23, END_NONE, WK_SESSION_END, ev);
	if (starts(m, n, LIT("authentication failure; ")))
		return pam_failure(m, n, ev);
	if (starts(m, n, LIT("check pass; user unknown"))) {
		ev->kind = WK_AUTH_INVALID_USER;
		ev->flags = WK_EV_PAM;
		return 1;
	}
	return 1; /* an sshd line we do not use */
}

int
wk_parse_sshd(const char *line, size_t len, int year_hint, wk_event *ev)
{
	wk_syslog h;
	int r = wk_syslog_split(line, len, year_hint, &h);
	const char *m = h.msg.p;
	size_t n = h.msg.n;
	wk_str empty = {line, 0};

	memset(ev, 0, sizeof(*ev));
	ev->kind = WK_NONE;
	ev->source = WK_SRC_SSHD;
	ev->host = ev->user = ev->src = ev->dst = ev->method = ev->url = ev->result = empty;
	ev->workstation = ev->agent = ev->conn = empty;
	if (r < 0)
		return 0;
	if (r == 1) {
		ev->ts = h.ts;
		ev->ts_frac_us = h.us;
		ev->host = h.host;
		ev->conn = h.pid;
		if (!is_sshd(h.prog))
			return 1;
	} else if (n == 0) {
		return 0;
	}
	/* rsyslog's "message repeated N times: [ MSG]": MSG, once (see event.h note). */
	if (starts(m, n, LIT("message repeated "))) {
		const char *b = memchr(m, '[', n);
		if (b == NULL || m[n - 1] != ']' || b + 1 >= m + n - 1)
			return 0;
		m = b + 1;
		n = (size_t)(h.msg.p + h.msg.n - 1 - m);
		if (n > 0 && m[0] == ' ') {
			m++;
			n--;
		}
	}
	if (message(m, n, ev))
		return 1;
	/* Cut short or malformed: no half-filled event escapes. */
	ev->kind = WK_NONE;
	ev->user = ev->src = ev->method = empty;
	ev->src_port = 0;
	ev->flags = 0;
	return 0;
}
