/* watch/parsers/syslog.c - the syslog/journald header, one pass (see syslog.h). */
#include <string.h>

#include "syslog.h"
#include "wtime.h"

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The next space (or n) from i. */
static size_t
to_space(const char *s, size_t n, size_t i)
{
	const char *sp = i < n ? memchr(s + i, ' ', n - i) : NULL;

	return sp != NULL ? (size_t)(sp - s) : n;
}

static int
is_month_start(const char *s, size_t n)
{
	static const char names[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	if (n < 4 || s[3] != ' ')
		return 0;
	for (size_t i = 0; i < 36; i += 3)
		if (s[0] == names[i] && s[1] == names[i + 1] && s[2] == names[i + 2])
			return 1;
	return 0;
}

static int
is_year_start(const char *s, size_t n)
{
	return n >= 5 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) &&
	       s[4] == '-';
}

/*
 * "prog[pid]: msg" or "prog: msg" at i.  Fills prog, pid and msg and
 * returns 1; 0 when there is no such tag (a space, the end, or more than
 * WK_SYSLOG_TAG_MAX bytes before the colon).
 */
static int
tag(const char *s, size_t n, size_t i, wk_syslog *out)
{
	size_t start = i, lim = n - i > WK_SYSLOG_TAG_MAX ? i + WK_SYSLOG_TAG_MAX : n;
	size_t pid0 = 0, pid1 = 0;

	while (i < lim && s[i] != ':' && s[i] != '[' && s[i] != ' ')
		i++;
	if (i == start || i >= lim || s[i] == ' ')
		return 0;
	out->prog = (wk_str){s + start, i - start};
	if (s[i] == '[') {
		pid0 = ++i;
		while (i < lim && s[i] != ']' && s[i] != ' ')
			i++;
		if (i >= lim || s[i] != ']')
			return 0;
		pid1 = i++;
		if (i >= n || s[i] != ':')
			return 0;
	}
	out->pid = (wk_str){s + pid0, pid1 - pid0};
	i++; /* the colon */
	if (i < n && s[i] == ' ')
		i++;
	out->msg = (wk_str){s + i, n - i};
	return 1;
}

/* After the timestamp of RFC 3164 and ISO lines: " host tag: msg". */
static int
after_time(const char *s, size_t n, size_t i, wk_syslog *out)
{
	size_t e;

	if (i >= n || s[i] != ' ')
		return -1;
	while (i < n && s[i] == ' ')
		i++;
	e = to_space(s, n, i);
	/*
	 * "sshd[1]:" right after the time: the socket form, without a host.  The
	 * word's first colon must be its last byte ("fe80::1" is a host).
	 */
	if (e > i && s[e - 1] == ':' && memchr(s + i, ':', e - i) == s + e - 1 && tag(s, n, i, out))
		return 1;
	out->host = (wk_str){s + i, e - i};
	i = e;
	while (i < n && s[i] == ' ')
		i++;
	if (!tag(s, n, i, out)) {
		out->prog = (wk_str){s + i, 0};
		out->pid = (wk_str){s + i, 0};
		out->msg = (wk_str){s + i, n - i};
	}
	return 1;
}

/* A 5424 field: "-" (nil) is returned empty; i moves past the field and one space. */
static int
field5424(const char *s, size_t n, size_t *i, wk_str *f)
{
	size_t e = to_space(s, n, *i);

	if (e == *i || e >= n)
		return 0;
	*f = (wk_str){s + *i, (e - *i == 1 && s[*i] == '-') ? 0 : e - *i};
	*i = e + 1;
	return 1;
}

static int
rfc5424(const char *s, size_t n, size_t i, wk_syslog *out)
{
	wk_str stamp, msgid;
	size_t used;

	out->form = WK_SYSLOG_5424;
	if (!field5424(s, n, &i, &stamp))
		return -1;
	if (stamp.n > 0) {
		used = wk_time_iso8601(stamp.p, stamp.n, &out->ts, &out->us);
		if (used != stamp.n)
			return -1;
	}
	if (!field5424(s, n, &i, &out->host) || !field5424(s, n, &i, &out->prog) ||
	    !field5424(s, n, &i, &out->pid) || !field5424(s, n, &i, &msgid))
		return -1;
	/* Structured data: "-" or one or more [id name="value" ...] ("\]" escapes). */
	if (i < n && s[i] == '-') {
		i++;
	} else {
		if (i >= n || s[i] != '[')
			return -1;
		while (i < n && s[i] == '[') {
			int quoted = 0;
			for (i++; i < n; i++) {
				if (quoted && s[i] == '\\') {
					i++;
				} else if (s[i] == '"') {
					quoted = !quoted;
				} else if (!quoted && s[i] == ']') {
					break;
				}
			}
			if (i >= n)
				return -1;
			i++;
		}
	}
	if (i < n) {
		if (s[i] != ' ')
			return -1;
		i++;
	}
	if (n - i >= 3 && (unsigned char)s[i] == 0xef && (unsigned char)s[i + 1] == 0xbb &&
	    (unsigned char)s[i + 2] == 0xbf)
		i += 3;
	out->msg = (wk_str){s + i, n - i};
	return 1;
}

int
wk_syslog_split(const char *s, size_t n, int year_hint, wk_syslog *out)
{
	size_t i = 0, used;

	memset(out, 0, sizeof(*out));
	out->pri = -1;
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	out->msg = (wk_str){s, n};
	out->host = out->prog = out->pid = (wk_str){s, 0};
	if (n > 0 && s[0] == '<') {
		int pri = 0;
		for (i = 1; i < n && i <= 3 && is_digit(s[i]); i++)
			pri = pri * 10 + (s[i] - '0');
		if (i == 1 || i >= n || s[i] != '>' || pri > 191)
			return -1;
		out->pri = pri;
		i++;
		if (n - i >= 2 && s[i] == '1' && s[i + 1] == ' ')
			return rfc5424(s, n, i + 2, out);
	}
	if ((used = wk_time_rfc3164(s + i, n - i, year_hint, &out->ts, &out->us)) != 0) {
		out->form = WK_SYSLOG_3164;
		return after_time(s, n, i + used, out);
	}
	if ((used = wk_time_iso8601(s + i, n - i, &out->ts, &out->us)) != 0) {
		out->form = WK_SYSLOG_ISO;
		return after_time(s, n, i + used, out);
	}
	if (out->pri >= 0 || is_month_start(s, n) || is_year_start(s, n))
		return -1;
	out->ts = 0;
	out->us = 0;
	return 0;
}
