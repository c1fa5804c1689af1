/*
 * watch/parsers/winevt.c - Windows events (see winevt.h): a hand-written
 * scanner for the few elements of one event's XML that we need, and the
 * reading of .evtx files through libevtx.
 *
 * The scanner is not a general XML parser: it walks the markup of one
 * <Event> in order, skips comments, processing instructions and
 * declarations, honours both quote styles in attributes, and keeps only
 * <System>'s Provider Name, EventID, TimeCreated SystemTime, Channel and
 * Computer and the <EventData><Data Name="..."> values it maps.  A <Data>
 * value is the text up to the next markup (Windows writes no elements
 * inside one).  Nothing is allocated; every string points into the XML.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libevtx.h>

#include "winevt.h"
#include "wtime.h"

/* One piece of markup: <name attrs>, <name attrs/> or </name>. */
struct tag {
	wk_str name;   /* the local name (a "prefix:" is dropped) */
	wk_str attrs;  /* the raw text between the name and '>' or "/>" */
	int closing;
	int empty;
	size_t end;    /* index just past '>' */
};

/*
 * The next tag at or after *i.  Comments, <?...?>, <!...> and CDATA are
 * skipped.  Returns 0 at the end of the input or at markup that never
 * closes.
 */
static int
next_tag(const char *s, size_t n, size_t *i, struct tag *t)
{
	size_t p = *i;

	for (;;) {
		const char *lt = p < n ? memchr(s + p, '<', n - p) : NULL;
		const char *q;
		size_t a, e;
		char quote = 0;

		if (lt == NULL)
			return 0;
		p = (size_t)(lt - s);
		if (p + 1 >= n)
			return 0;
		if (n - p >= 4 && memcmp(s + p, "<!--", 4) == 0) {
			q = memmem(s + p + 4, n - p - 4, "-->", 3);
			if (q == NULL)
				return 0;
			p = (size_t)(q - s) + 3;
			continue;
		}
		if (n - p >= 9 && memcmp(s + p, "<![CDATA[", 9) == 0) {
			q = memmem(s + p + 9, n - p - 9, "]]>", 3);
			if (q == NULL)
				return 0;
			p = (size_t)(q - s) + 3;
			continue;
		}
		if (s[p + 1] == '?' || s[p + 1] == '!') {
			q = memchr(s + p + 2, '>', n - p - 2);
			if (q == NULL)
				return 0;
			p = (size_t)(q - s) + 1;
			continue;
		}
		t->closing = s[p + 1] == '/';
		a = p + 1 + (size_t)t->closing;
		e = a;
		while (e < n && s[e] != ' ' && s[e] != '\t' && s[e] != '\r' && s[e] != '\n' &&
		       s[e] != '/' && s[e] != '>')
			e++;
		for (size_t k = e; k > a; k--)
			if (s[k - 1] == ':') {
				a = k;
				break;
			}
		t->name = (wk_str){s + a, e - a};
		a = e;
		while (e < n && (quote != 0 || s[e] != '>')) {
			if (quote != 0 && s[e] == quote)
				quote = 0;
			else if (quote == 0 && (s[e] == '"' || s[e] == '\''))
				quote = s[e];
			e++;
		}
		if (e >= n)
			return 0;
		t->empty = e > a && s[e - 1] == '/';
		t->attrs = (wk_str){s + a, e - a - (size_t)t->empty};
		t->end = e + 1;
		*i = t->end;
		return 1;
	}
}

/* The value of attribute name in t's attributes (either quote). */
static int
attr(const struct tag *t, const char *name, wk_str *v)
{
	const char *s = t->attrs.p;
	size_t n = t->attrs.n, i = 0;

	while (i < n) {
		size_t a, e;
		char q;

		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
			i++;
		a = i;
		while (i < n && s[i] != '=' && s[i] != ' ' && s[i] != '\t' && s[i] != '\r' &&
		       s[i] != '\n')
			i++;
		e = i;
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
			i++;
		if (i >= n || s[i] != '=') {
			if (i == a)
				i++; /* a stray character: step over it */
			continue;
		}
		i++;
		while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
			i++;
		if (i >= n || (s[i] != '"' && s[i] != '\''))
			return 0;
		q = s[i++];
		size_t v0 = i;
		while (i < n && s[i] != q)
			i++;
		if (i >= n)
			return 0;
		if (wk_str_eq((wk_str){s + a, e - a}, name)) {
			*v = (wk_str){s + v0, i - v0};
			return 1;
		}
		i++;
	}
	return 0;
}

/* The text after t up to the next markup (nothing for <x/>). */
static wk_str
text_after(const char *s, size_t n, const struct tag *t)
{
	const char *lt;

	if (t->empty || t->end >= n)
		return (wk_str){NULL, 0};
	lt = memchr(s + t->end, '<', n - t->end);
	return (wk_str){s + t->end, (lt != NULL ? (size_t)(lt - s) : n) - t->end};
}

static wk_str
trim(wk_str v)
{
	while (v.n > 0 && (v.p[0] == ' ' || v.p[0] == '\t' || v.p[0] == '\r' || v.p[0] == '\n')) {
		v.p++;
		v.n--;
	}
	while (v.n > 0 && (v.p[v.n - 1] == ' ' || v.p[v.n - 1] == '\t' || v.p[v.n - 1] == '\r' ||
			   v.p[v.n - 1] == '\n'))
		v.n--;
	if (v.n == 0)
		v.p = NULL;
	return v;
}

/* The <Data Name="..."> fields we map. */
enum field {
	F_TARGET_USER,
	F_SUBJECT_USER,
	F_IP,
	F_PORT,
	F_WORKSTATION_NAME,
	F_WORKSTATION,
	F_LOGON_TYPE,
	F_STATUS,
	F_SUBSTATUS,
	F_AUTH_PACKAGE,
	F_PACKAGE,
	F_TARGET_SERVER,
	F_SERVICE,
	F_IMAGE,
	F_SHARE,
	F_RELATIVE,
	F_TASK,
	F_USER_CONTEXT,
	F__COUNT
};

static const char *const field_names[F__COUNT] = {
	"TargetUserName", "SubjectUserName", "IpAddress", "IpPort",
	"WorkstationName", "Workstation", "LogonType", "Status",
	"SubStatus", "AuthenticationPackageName", "PackageName", "TargetServerName",
	"ServiceName", "ImagePath", "ShareName", "RelativeTargetName",
	"TaskName", "UserContext",
};

static int
field_of(wk_str name)
{
	for (int f = 0; f < F__COUNT; f++)
		if (wk_str_eq(name, field_names[f]))
			return f;
	return -1;
}

/* "-" (and nothing) is no value. */
static wk_str
name_or_empty(wk_str v)
{
	if (v.n == 0 || (v.n == 1 && v.p[0] == '-'))
		return (wk_str){NULL, 0};
	return v;
}

/* An address field: "-" none, "::ffff:a.b.c.d" -> "a.b.c.d". */
static wk_str
address(wk_str v)
{
	v = name_or_empty(trim(v));
	if (v.n > 7 && (v.p[0] == ':' && v.p[1] == ':') &&
	    (v.p[2] == 'f' || v.p[2] == 'F') && (v.p[3] == 'f' || v.p[3] == 'F') &&
	    (v.p[4] == 'f' || v.p[4] == 'F') && (v.p[5] == 'f' || v.p[5] == 'F') && v.p[6] == ':' &&
	    memchr(v.p + 7, '.', v.n - 7) != NULL) {
		v.p += 7;
		v.n -= 7;
	}
	return v;
}

/* Decimal digits only, at most max; -1 otherwise. */
static long
decimal(wk_str v, long max)
{
	long r = 0;

	v = trim(v);
	if (v.n == 0)
		return -1;
	for (size_t i = 0; i < v.n; i++) {
		if (v.p[i] < '0' || v.p[i] > '9')
			return -1;
		r = r * 10 + (v.p[i] - '0');
		if (r > max)
			return -1;
	}
	return r;
}

/* A Windows status "0x00000000" (or "0x0", "0") that is zero. */
static int
status_zero(wk_str v)
{
	size_t i = 0;

	v = trim(v);
	if (v.n >= 2 && v.p[0] == '0' && (v.p[1] == 'x' || v.p[1] == 'X'))
		i = 2;
	if (i == v.n)
		return 0;
	for (; i < v.n; i++)
		if (v.p[i] != '0')
			return 0;
	return 1;
}

/*
 * A Windows status that is code: hexadecimal after "0x", in either case
 * (exports write both "0xc0000064" and "0xC0000064"), leading zeros allowed.
 */
static int
status_is(wk_str v, uint32_t code)
{
	uint64_t r = 0;
	size_t i = 2;

	v = trim(v);
	if (v.n < 3 || v.p[0] != '0' || (v.p[1] != 'x' && v.p[1] != 'X'))
		return 0;
	for (; i < v.n; i++) {
		char c = v.p[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return 0;
		r = r * 16 + d;
		if (r > UINT32_MAX)
			return 0;
	}
	return r == code;
}

/* NTSTATUS STATUS_NO_SUCH_USER: a 4625 for a user name that does not exist. */
#define NO_SUCH_USER 0xC0000064u

static int
is_event_tag(wk_str name)
{
	return wk_str_eq(name, "Event");
}

static void
map(wk_event *ev, wk_str provider, wk_str channel, const wk_str *f)
{
	int sec, scm, task;
	long v;

	if (provider.n > 0) {
		sec = wk_str_eq(provider, "Microsoft-Windows-Security-Auditing");
		scm = wk_str_eq(provider, "Service Control Manager");
		task = wk_str_eq(provider, "Microsoft-Windows-TaskScheduler");
	} else {
		sec = wk_str_eq(channel, "Security");
		scm = wk_str_eq(channel, "System");
		task = wk_str_eq(channel, "Microsoft-Windows-TaskScheduler/Operational");
	}
	if (task && ev->status == 106) {
		ev->kind = WK_TASK_CREATE;
		ev->user = name_or_empty(f[F_USER_CONTEXT]);
		ev->url = f[F_TASK];
		return;
	}
	if (scm && ev->status == 7045) {
		ev->kind = WK_SERVICE_INSTALL;
		ev->url = f[F_SERVICE];
		ev->dst = f[F_IMAGE];
		return;
	}
	if (!sec)
		return;
	switch (ev->status) {
	case 4624:
	case 4625:
		ev->kind = ev->status == 4624 ? WK_AUTH_OK : WK_AUTH_FAIL;
		ev->user = name_or_empty(f[F_TARGET_USER]);
		ev->src = address(f[F_IP]);
		ev->workstation = name_or_empty(f[F_WORKSTATION_NAME]);
		ev->method = name_or_empty(trim(f[F_AUTH_PACKAGE]));
		if ((v = decimal(f[F_LOGON_TYPE], 1000)) > 0)
			ev->logon_type = (int)v;
		if (ev->status != 4625)
			break;
		ev->result = f[F_SUBSTATUS].n > 0 && !status_zero(f[F_SUBSTATUS]) ?
				     f[F_SUBSTATUS] : f[F_STATUS];
		/* like sshd's "Invalid user": a name tried that no account has */
		if (status_is(ev->result, NO_SUCH_USER))
			ev->kind = WK_AUTH_INVALID_USER;
		break;
	case 4648:
		ev->kind = WK_EXPLICIT_CRED;
		ev->user = name_or_empty(f[F_TARGET_USER]);
		ev->src = address(f[F_IP]);
		ev->dst = name_or_empty(f[F_TARGET_SERVER]);
		break;
	case 4672:
		ev->kind = WK_ADMIN_LOGON;
		ev->user = name_or_empty(f[F_SUBJECT_USER]);
		break;
	case 4768:
	case 4769:
	case 4771:
		ev->kind = WK_KERBEROS;
		ev->user = name_or_empty(f[F_TARGET_USER]);
		ev->src = address(f[F_IP]);
		ev->url = f[F_SERVICE];
		ev->result = f[F_STATUS];
		break;
	case 4776:
		ev->kind = status_zero(f[F_STATUS]) ? WK_AUTH_OK : WK_AUTH_FAIL;
		ev->user = name_or_empty(f[F_TARGET_USER]);
		ev->workstation = name_or_empty(f[F_WORKSTATION]);
		ev->method = f[F_PACKAGE];
		ev->result = f[F_STATUS];
		break;
	case 5140:
	case 5145:
		ev->kind = WK_SHARE_ACCESS;
		ev->user = name_or_empty(f[F_SUBJECT_USER]);
		ev->src = address(f[F_IP]);
		ev->url = f[F_SHARE];
		ev->dst = name_or_empty(f[F_RELATIVE]);
		break;
	case 4698:
		ev->kind = WK_TASK_CREATE;
		ev->user = name_or_empty(f[F_SUBJECT_USER]);
		ev->url = f[F_TASK];
		break;
	default:
		return;
	}
	if (ev->src.n > 0 && (v = decimal(f[F_PORT], 65535)) > 0)
		ev->src_port = (uint16_t)v;
}

int
wk_parse_winevt_xml(const char *xml, size_t len, wk_event *ev)
{
	enum { OUTSIDE, SYSTEM, EVENTDATA } in = OUTSIDE;
	wk_str f[F__COUNT], provider = {NULL, 0}, channel = {NULL, 0}, v;
	struct tag t;
	size_t i = 0;
	int have_id = 0, have_system = 0, closed = 0;
	long id;

	/*
	 * An empty string here is {NULL, 0}; agent and conn stay so (a Windows
	 * event has no proxy user agent, and no connection id ties its records
	 * together), and flags 0.
	 */
	memset(ev, 0, sizeof(*ev));
	memset(f, 0, sizeof(f));
	ev->source = WK_SRC_WINEVT;
	do {
		if (!next_tag(xml, len, &i, &t))
			return 0;
	} while (t.closing || !is_event_tag(t.name));
	if (t.empty)
		return 0;
	while (next_tag(xml, len, &i, &t)) {
		if (t.closing) {
			if (is_event_tag(t.name)) {
				closed = 1;
				break;
			}
			if (wk_str_eq(t.name, "System") || wk_str_eq(t.name, "EventData"))
				in = OUTSIDE;
			continue;
		}
		if (wk_str_eq(t.name, "System")) {
			have_system = 1;
			in = t.empty ? OUTSIDE : SYSTEM;
		} else if (wk_str_eq(t.name, "EventData")) {
			in = t.empty ? OUTSIDE : EVENTDATA;
		} else if (in == SYSTEM) {
			if (wk_str_eq(t.name, "Provider")) {
				if (attr(&t, "Name", &v))
					provider = v;
			} else if (wk_str_eq(t.name, "EventID")) {
				if ((id = decimal(text_after(xml, len, &t), 65535)) < 0)
					return 0;
				ev->status = (int)id;
				have_id = 1;
			} else if (wk_str_eq(t.name, "TimeCreated")) {
				if (attr(&t, "SystemTime", &v) &&
				    wk_time_iso8601(v.p, v.n, &ev->ts, &ev->ts_frac_us) == 0) {
					ev->ts = 0;
					ev->ts_frac_us = 0;
				}
			} else if (wk_str_eq(t.name, "Channel")) {
				channel = trim(text_after(xml, len, &t));
			} else if (wk_str_eq(t.name, "Computer")) {
				ev->host = trim(text_after(xml, len, &t));
			}
		} else if (in == EVENTDATA && wk_str_eq(t.name, "Data") && attr(&t, "Name", &v)) {
			int k = field_of(v);
			if (k >= 0 && f[k].p == NULL) {
				f[k] = text_after(xml, len, &t);
				if (f[k].p == NULL) /* present but empty */
					f[k].p = xml + t.end - 1;
			}
		}
	}
	if (!have_system || !have_id || !closed)
		return 0;
	for (int k = 0; k < F__COUNT; k++)
		if (f[k].n == 0)
			f[k].p = NULL;
	map(ev, provider, channel, f);
	return 1;
}

int
wk_winevt_xml_next(const char *buf, size_t len, size_t *off, wk_str *ev_xml)
{
	size_t i = *off;

	while (i < len) {
		const char *p = memmem(buf + i, len - i, "<Event", 6);
		const char *e;
		size_t s, k;

		if (p == NULL)
			return 0;
		s = (size_t)(p - buf);
		k = s + 6;
		if (k < len && buf[k] != '>' && buf[k] != ' ' && buf[k] != '\t' && buf[k] != '\r' &&
		    buf[k] != '\n') {
			i = k; /* <Events>, <EventData>, <EventID> */
			continue;
		}
		for (k = s + 6; (e = memmem(buf + k, len - k, "</Event", 7)) != NULL;) {
			k = (size_t)(e - buf) + 7;
			while (k < len && (buf[k] == ' ' || buf[k] == '\t' || buf[k] == '\r' ||
					   buf[k] == '\n'))
				k++;
			if (k < len && buf[k] == '>') {
				*ev_xml = (wk_str){buf + s, k + 1 - s};
				*off = k + 1;
				return 1;
			}
		}
		return 0;
	}
	return 0;
}

/* UTF-8 of code point c into out[0..4); returns its length, 0 if invalid. */
static size_t
utf8(unsigned long c, char *out)
{
	if (c == 0 || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
		return 0;
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

size_t
wk_winevt_unescape(wk_str s, char *out, size_t size)
{
	static const struct {
		const char *name;
		char c;
	} named[] = {{"lt", '<'}, {"gt", '>'}, {"amp", '&'}, {"quot", '"'}, {"apos", '\''}};
	size_t o = 0;

	if (size == 0)
		return (size_t)-1;
	for (size_t i = 0; i < s.n;) {
		char enc[4];
		size_t el = 1;

		enc[0] = s.p[i];
		if (s.p[i] == '&') {
			const char *semi = memchr(s.p + i + 1, ';', s.n - i - 1 < 12 ? s.n - i - 1 : 12);
			wk_str ent;

			if (i + 1 >= s.n || semi == NULL)
				return (size_t)-1;
			ent = (wk_str){s.p + i + 1, (size_t)(semi - (s.p + i + 1))};
			el = 0;
			if (ent.n >= 2 && ent.p[0] == '#') {
				unsigned long c = 0;
				int hex = ent.p[1] == 'x' || ent.p[1] == 'X';
				size_t d = hex ? 2 : 1;

				if (d >= ent.n)
					return (size_t)-1;
				for (; d < ent.n; d++) {
					char ch = ent.p[d];
					unsigned dv;

					if (ch >= '0' && ch <= '9')
						dv = (unsigned)(ch - '0');
					else if (hex && ch >= 'a' && ch <= 'f')
						dv = (unsigned)(ch - 'a' + 10);
					else if (hex && ch >= 'A' && ch <= 'F')
						dv = (unsigned)(ch - 'A' + 10);
					else
						return (size_t)-1;
					c = c * (hex ? 16 : 10) + dv;
					if (c > 0x10FFFF)
						return (size_t)-1;
				}
				el = utf8(c, enc);
			} else {
				for (size_t k = 0; k < sizeof(named) / sizeof(named[0]); k++)
					if (wk_str_eq(ent, named[k].name)) {
						enc[0] = named[k].c;
						el = 1;
					}
			}
			if (el == 0)
				return (size_t)-1;
			i += ent.n + 2;
		} else {
			i++;
		}
		if (o + el >= size)
			return (size_t)-1;
		memcpy(out + o, enc, el);
		o += el;
	}
	out[o] = '\0';
	return o;
}

static void
evtx_error(char *err, size_t err_size, const char *path, const char *what, libevtx_error_t **error)
{
	char msg[512] = "";

	if (error != NULL && *error != NULL) {
		if (libevtx_error_sprint(*error, msg, sizeof(msg)) < 0)
			msg[0] = '\0';
		libevtx_error_free(error);
	}
	/* libevtx's message ends with a newline and may span several lines: keep the first */
	msg[strcspn(msg, "\r\n")] = '\0';
	if (err != NULL && err_size > 0)
		snprintf(err, err_size, "%s: %s%s%s", path, what, msg[0] ? ": " : "", msg);
}

/* The largest XML of one record we render (an EVTX record is at most 64 KiB). */
#define XML_MAX ((size_t)16 << 20)

int
wk_winevt_read_file(const char *path, wk_winevt_cb cb, void *arg, char *err, size_t err_size)
{
	libevtx_file_t *file = NULL;
	libevtx_error_t *error = NULL;
	libevtx_record_t *rec = NULL;
	uint8_t *buf = NULL;
	size_t cap = 0;
	int count = 0, opened = 0, r = -1;

	if (err != NULL && err_size > 0)
		err[0] = '\0';
	if (libevtx_file_initialize(&file, &error) != 1) {
		evtx_error(err, err_size, path, "cannot start libevtx", &error);
		goto out;
	}
	if (libevtx_file_open(file, path, LIBEVTX_OPEN_READ, &error) != 1) {
		evtx_error(err, err_size, path, "not a readable EVTX file", &error);
		goto out;
	}
	opened = 1;
	if (libevtx_file_get_number_of_records(file, &count, &error) != 1) {
		evtx_error(err, err_size, path, "cannot count its records", &error);
		goto out;
	}
	for (int k = 0; k < count; k++) {
		size_t size = 0, len = 0;
		int have = 0, c;
		wk_event ev;

		if (libevtx_file_get_record_by_index(file, k, &rec, &error) == 1 &&
		    libevtx_record_get_utf8_xml_string_size(rec, &size, &error) == 1 && size > 0 &&
		    size <= XML_MAX) {
			if (size > cap) {
				uint8_t *nb = realloc(buf, size);
				if (nb == NULL) {
					evtx_error(err, err_size, path, "out of memory", NULL);
					goto out;
				}
				buf = nb;
				cap = size;
			}
			if (libevtx_record_get_utf8_xml_string(rec, buf, size, &error) == 1) {
				have = 1;
				len = strnlen((const char *)buf, size);
			}
		}
		if (error != NULL)
			libevtx_error_free(&error);
		if (rec != NULL)
			libevtx_record_free(&rec, NULL);
		if (have)
			c = cb(arg, wk_parse_winevt_xml((const char *)buf, len, &ev) ? &ev : NULL,
			       (const char *)buf, len);
		else
			c = cb(arg, NULL, "", 0);
		if (c != 0) {
			r = c;
			goto out;
		}
	}
	r = 0;
out:
	if (error != NULL)
		libevtx_error_free(&error);
	if (rec != NULL)
		libevtx_record_free(&rec, NULL);
	if (opened)
		libevtx_file_close(file, NULL);
	if (file != NULL)
		libevtx_file_free(&file, NULL);
	free(buf);
	return r;
}
