/*
 * watch/parsers/syslog.h - the header in front of a log message, shared by
 * the parsers whose lines come through syslog or journald (sshd, firewall).
 *
 * Recognized forms (an optional "<pri>" may lead the first three):
 *   RFC 3164 file    "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: msg"
 *   RFC 3164 socket  "<38>Nov 22 06:24:34 sshd[13475]: msg" (as sent on /dev/log:
 *                    no host; told apart by a first word that ends in ':')
 *   ISO timestamp    "2026-11-22T05:00:00+0900 host prog[pid]: msg" (journald
 *                    short-iso and short-iso-precise, rsyslog's file format)
 *   RFC 5424         "<pri>1 2026-11-22T05:00:00.123+09:00 host app procid msgid sd msg"
 *                    ("-" for a nil field; structured data skipped, quotes and
 *                    "\]" escapes honoured; a leading UTF-8 BOM removed from msg)
 *
 * A tag without a colon ("Jun 14 04:06:31 combo last message repeated 2 times")
 * leaves prog empty and msg the rest after the host.  Every field points into
 * the line; nothing is allocated or copied.
 */
#ifndef SEKISHO_WATCH_SYSLOG_H
#define SEKISHO_WATCH_SYSLOG_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

typedef enum wk_syslog_form {
	WK_SYSLOG_NONE = 0, /* no header: msg is the whole line (sshd -E, dmesg) */
	WK_SYSLOG_3164,     /* "Mmm dd hh:mm:ss" */
	WK_SYSLOG_ISO,      /* ISO 8601 timestamp, then as RFC 3164 */
	WK_SYSLOG_5424      /* "<pri>1 " */
} wk_syslog_form;

typedef struct wk_syslog {
	wk_syslog_form form;
	int pri;         /* 0..191, or -1 when the line had none */
	int64_t ts;      /* Unix seconds (UTC); 0 when none (5424 "-", or no header) */
	int32_t us;      /* microseconds */
	wk_str host;     /* "" when absent (socket form, 5424 "-") */
	wk_str prog;     /* "sshd", "sshd(pam_unix)", "kernel"; "" when no tag */
	wk_str pid;      /* the digits inside "[...]", 5424 PROCID; "" when none */
	wk_str msg;      /* the message, without trailing CR/LF */
} wk_syslog;

/* Longest tag accepted (RFC 3164 says 32; real ones reach about 48). */
#define WK_SYSLOG_TAG_MAX 64

/*
 * Splits line (len bytes, a trailing "\r" or "\n" ignored) into *out.
 * year_hint is the year for RFC 3164 timestamps, which have none.
 * Returns 1 when a header was recognized; 0 when there is none (out->form is
 * WK_SYSLOG_NONE and out->msg is the whole line: a bare sshd -E line);
 * -1 when the line starts like a header but is not one ("<pri>" without a
 * timestamp, "Jun 14 25:99:00", "2026-13-01T...", a 5424 line cut short):
 * the caller counts it as unparsed.
 */
int wk_syslog_split(const char *line, size_t len, int year_hint, wk_syslog *out);

/*
 * Small helpers for the parsers that use this header (static inline: no
 * symbols).  wk_sl_starts: 1 when the n bytes at p start with the
 * NUL-terminated c.  wk_sl_ieq: the same, ASCII case-insensitive, for
 * exactly len(c) bytes at p (the caller checks there are that many).
 */
static inline int
wk_sl_starts(const char *p, size_t n, const char *c)
{
	size_t i = 0;

	for (; c[i] != '\0'; i++)
		if (i >= n || p[i] != c[i])
			return 0;
	return 1;
}

static inline int
wk_sl_ieq(const char *p, const char *c)
{
	for (size_t i = 0; c[i] != '\0'; i++) {
		char a = p[i];
		if (a >= 'a' && a <= 'z')
			a = (char)(a - 'a' + 'A');
		if (a != c[i])
			return 0;
	}
	return 1;
}

#endif
