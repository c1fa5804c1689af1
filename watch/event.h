/*
 * watch/event.h - the normalized event every sekisho-watch parser produces
 * and every detector consumes (DESIGN 12, 14).
 *
 * A parser reads one line (or one record) and fills a wk_event whose string
 * fields point into the caller's line buffer or into the event's own small
 * arrays: nothing is allocated per line.  The event is valid only until the
 * parser is called again; a detector that keeps anything copies it into its
 * own bounded tables.
 */
#ifndef SEKISHO_WATCH_EVENT_H
#define SEKISHO_WATCH_EVENT_H

#include <stddef.h>
#include <stdint.h>

/* What happened, whatever the source. */
typedef enum wk_kind {
	WK_NONE = 0,          /* a line of the source that carries nothing we use */
	WK_AUTH_OK,           /* a user authenticated (sshd Accepted, 4624, Sekisho signin.ok) */
	WK_AUTH_FAIL,         /* wrong password/key/code for a known or unknown user */
	WK_AUTH_INVALID_USER, /* the user does not exist (sshd "Invalid user") */
	WK_SESSION_END,       /* disconnect / logoff / session close */
	WK_PROXY,             /* one proxy request (squid): method, url/host:port, status, bytes */
	WK_FW_DROP,           /* a connection blocked (iptables/nftables LOG) */
	WK_FW_ACCEPT,         /* a connection logged as accepted */
	WK_ADMIN_LOGON,       /* special privileges assigned to a new logon (4672) */
	WK_EXPLICIT_CRED,     /* a logon with explicit credentials (4648) */
	WK_SERVICE_INSTALL,   /* a service was installed (7045) */
	WK_SHARE_ACCESS,      /* a network share / named pipe accessed (5140, 5145) */
	WK_TASK_CREATE,       /* a scheduled task created (4698, Task Scheduler 106) */
	WK_KERBEROS,          /* Kerberos ticket events (4768, 4769, 4771) */
	WK_ACCOUNT,           /* Sekisho account lifecycle (disable, expire, mfa reset, ...) */
	WK__COUNT
} wk_kind;

/* Which parser produced it (the SOURCE's TYPE on the command line). */
typedef enum wk_source {
	WK_SRC_SSHD = 0,
	WK_SRC_SQUID,
	WK_SRC_FIREWALL,
	WK_SRC_SEKISHO,
	WK_SRC_WINEVT,
	WK_SRC__COUNT
} wk_source;

/* A string that points into the line (not NUL-terminated): ptr, len. */
typedef struct wk_str {
	const char *p;
	size_t n;
} wk_str;

typedef struct wk_event {
	wk_kind kind;
	wk_source source;
	int64_t ts;           /* Unix seconds, UTC; 0 when the line had none */
	int32_t ts_frac_us;   /* microseconds, when the source has them */
	wk_str host;          /* the logging host (syslog hostname, Computer) */
	wk_str user;          /* account name as logged ("" unknown) */
	wk_str src;           /* client address as text (IPv4/IPv6, or a name sshd logged) */
	uint16_t src_port;
	wk_str dst;           /* destination host or address (CONNECT host, DST=, ...) */
	uint16_t dst_port;
	wk_str method;        /* proxy method ("CONNECT", "GET"); auth method ("password", "publickey") */
	wk_str url;           /* proxy URL; Sekisho action; Windows share/pipe/service name */
	wk_str result;        /* squid "TCP_DENIED/403"; Sekisho result; firewall prefix */
	int status;           /* HTTP status; Windows event id; 0 */
	uint64_t bytes;       /* bytes transferred (proxy), packet length (firewall) */
	uint32_t duration_ms; /* proxy elapsed time */
	int logon_type;       /* Windows LogonType; 0 */
	wk_str workstation;   /* Windows WorkstationName / IpAddress when different */
	wk_str agent;         /* proxy User-Agent ("" when not logged) */
	wk_str conn;          /* what ties one connection's lines together: sshd's pid ("" none) */
	unsigned flags;       /* WK_EV_* below */
} wk_event;

/*
 * How a line relates to the other lines of its connection (ev->conn), so
 * that one attempt is counted once however many lines it writes:
 *   WK_EV_PAM     a PAM module's report of an attempt the program itself
 *                 may report again ("pam_unix(sshd:auth): authentication failure")
 *   WK_EV_OPENED  the connection announced its user ("Invalid user U from A")
 *   WK_EV_CLOSED  the connection ended while authenticating
 *                 ("Connection closed by authenticating user U A port N")
 */
#define WK_EV_PAM 1u
#define WK_EV_OPENED 2u
#define WK_EV_CLOSED 4u

/*
 * A parser: one call per line (without its newline).  Returns 1 and fills
 * *ev (ev->kind may be WK_NONE for a well-formed line we ignore), or 0 when
 * the line does not parse (counted and sampled as "unparsed", never fatal).
 * year_hint supplies the year for formats without one (RFC 3164 syslog):
 * the parser uses it and the caller rolls it over at New Year.
 */
typedef int (*wk_parse_fn)(const char *line, size_t len, int year_hint, wk_event *ev);

int wk_parse_sshd(const char *line, size_t len, int year_hint, wk_event *ev);
int wk_parse_squid(const char *line, size_t len, int year_hint, wk_event *ev);
int wk_parse_firewall(const char *line, size_t len, int year_hint, wk_event *ev);
int wk_parse_sekisho(const char *line, size_t len, int year_hint, wk_event *ev);

/* 1 when s equals the NUL-terminated c (exact bytes). */
static inline int
wk_str_eq(wk_str s, const char *c)
{
	size_t i = 0;

	for (; i < s.n; i++)
		if (c[i] == '\0' || c[i] != s.p[i])
			return 0;
	return c[i] == '\0';
}

#endif
