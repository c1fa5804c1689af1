/*
 * watch/parsers/sekisho.c - Sekisho's own audit events (wk_parse_sekisho):
 * the JSON lines of the audit_log mirror and of `sekisho audit export`,
 * written by sk_audit_json (lib/audit.c):
 *   {"seq":N,"time":"2026-11-22T05:00:00Z","ts":N,"actor":"..","action":"..",
 *    "target":"..","addr":"..","result":"..","detail":"..","hash":".."}
 *
 * A hand-written scanner for one flat JSON object (string, number, true,
 * false, null values), one pass, no allocation.  Every field of the event
 * points into the line, so a value is used only as its raw bytes:
 *   - action, target, addr and result must not contain an escape: such a
 *     line is refused (returns 0, counted as unparsed) rather than read
 *     with "\u0041" standing for "A".  Sekisho escapes only '"', '\\' and
 *     control bytes, none of which occur in account names (normalized),
 *     addresses or its action/result words, so its own lines never meet
 *     this rule; a line that does was not written by Sekisho as it is.
 *   - escapes elsewhere (detail, actor, hash, unknown keys) are checked for
 *     validity and skipped; a key with an escape, a key used twice among
 *     the ones we read, a nested object or array, a raw control byte in a
 *     string, bytes after the closing brace, or a missing "action" refuse
 *     the line: two readers of one line must not disagree on what it says.
 *   - unknown keys are ignored (a later Sekisho may add some).
 * Time: "ts" (integer seconds) when present, else "time" (RFC 3339).
 *
 * Events (user = target, src = addr, url = action, result = result):
 *   signin.ok with result ok                      WK_AUTH_OK (method = detail)
 *   signin.* with result fail, locked or denied   WK_AUTH_FAIL, or
 *     WK_AUTH_INVALID_USER when detail starts with "unknown user"
 *   signin.fail, signin.locked (any result)       WK_AUTH_FAIL
 *   password.verify with result fail              WK_AUTH_FAIL
 *   session.open / session.close (PAM, F1)        WK_AUTH_OK / WK_SESSION_END
 *     (method = the service in detail "service=sshd tty=...")
 *   account lifecycle with result ok: user.create user.delete user.disable
 *     user.enable user.expiry user.expire user.unlock role.change role.grant
 *     role.revoke role.lapse mfa.reset mfa.remove mfa.assign password.reset
 *                                                 WK_ACCOUNT (src = the actor's address)
 *   anything else (forward_auth.check, signin.password ok, approvals, ...)  WK_NONE
 * A refused or failed lifecycle action (result not ok) changed nothing: WK_NONE.
 */
#include <string.h>

#include "event.h"
#include "syslog.h"
#include "wtime.h"

enum { K_SEQ, K_TIME, K_TS, K_ACTOR, K_ACTION, K_TARGET, K_ADDR, K_RESULT, K_DETAIL, K_HASH, K__N };

static const char *const keys[K__N] = {"seq",    "time",   "ts",     "actor",  "action",
				       "target", "addr",   "result", "detail", "hash"};

/* Strings whose escapes refuse the line (we would have to use decoded bytes). */
static const unsigned char raw_only = (1u << K_ACTION) | (1u << K_TARGET) | (1u << K_ADDR) |
				      (1u << K_RESULT);

typedef struct value {
	wk_str s;    /* a string's bytes between the quotes, or a number's text */
	int string;  /* 1 string, 0 number, -1 true/false/null */
	int escaped; /* the string holds a backslash escape */
} value;

static size_t
ws(const char *p, size_t n, size_t i)
{
	while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n'))
		i++;
	return i;
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string at p[i] == '"': returns the offset after the closing quote, or 0. */
static size_t
string(const char *p, size_t n, size_t i, value *v)
{
	size_t s = ++i;

	v->escaped = 0;
	v->string = 1;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '"') {
			v->s = (wk_str){p + s, i - s};
			return i + 1;
		}
		if (c < 0x20)
			return 0;
		if (c == '\\') {
			v->escaped = 1;
			if (++i >= n)
				return 0;
			switch (p[i]) {
			case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
				break;
			case 'u':
				if (n - i < 5 || !is_hex(p[i + 1]) || !is_hex(p[i + 2]) ||
				    !is_hex(p[i + 3]) || !is_hex(p[i + 4]))
					return 0;
				i += 4;
				break;
			default:
				return 0;
			}
		}
	}
	return 0;
}

static size_t
digits(const char *p, size_t n, size_t i)
{
	while (i < n && p[i] >= '0' && p[i] <= '9')
		i++;
	return i;
}

/* A JSON number at p[i]: returns the offset after it, or 0. */
static size_t
number(const char *p, size_t n, size_t i, value *v)
{
	size_t s = i, d;

	if (i < n && p[i] == '-')
		i++;
	if (i < n && p[i] == '0')
		i++;
	else if ((d = digits(p, n, i)) > i)
		i = d;
	else
		return 0;
	if (i < n && p[i] == '.') {
		if ((d = digits(p, n, i + 1)) == i + 1)
			return 0;
		i = d;
	}
	if (i < n && (p[i] == 'e' || p[i] == 'E')) {
		i++;
		if (i < n && (p[i] == '+' || p[i] == '-'))
			i++;
		if ((d = digits(p, n, i)) == i)
			return 0;
		i = d;
	}
	v->s = (wk_str){p + s, i - s};
	v->string = 0;
	v->escaped = 0;
	return i;
}

static size_t
literal(const char *p, size_t n, size_t i, value *v)
{
	static const char *const words[] = {"true", "false", "null"};

	for (size_t w = 0; w < 3; w++) {
		size_t l = strlen(words[w]);
		if (n - i >= l && memcmp(p + i, words[w], l) == 0) {
			v->s = (wk_str){p + i, l};
			v->string = -1;
			v->escaped = 0;
			return i + l;
		}
	}
	return 0;
}

/* An integer (no fraction, no exponent) as int64; 0 when it is not one. */
static int
integer(wk_str s, int64_t *out)
{
	int64_t x = 0;
	size_t i = 0;
	int neg = 0;

	if (s.n > 0 && s.p[0] == '-') {
		neg = 1;
		i++;
	}
	if (i == s.n || s.n - i > 18)
		return 0;
	for (; i < s.n; i++) {
		if (s.p[i] < '0' || s.p[i] > '9')
			return 0;
		x = x * 10 + (s.p[i] - '0');
	}
	*out = neg ? -x : x;
	return 1;
}

static int
is_account_action(wk_str a)
{
	static const char *const lifecycle[] = {
		"user.create", "user.delete", "user.disable", "user.enable",   "user.expiry",
		"user.expire", "user.unlock", "role.change",  "role.grant",    "role.revoke",
		"role.lapse",  "mfa.reset",   "mfa.remove",   "mfa.assign",    "password.reset"};

	for (size_t i = 0; i < sizeof(lifecycle) / sizeof(lifecycle[0]); i++)
		if (wk_str_eq(a, lifecycle[i]))
			return 1;
	return 0;
}

/* "service=sshd tty=..." -> "sshd". */
static wk_str
service_of(const value *detail, wk_str empty)
{
	const char *p = detail->s.p;
	size_t n = detail->s.n, e = 8;

	if (detail->escaped || !wk_sl_starts(p, n, "service="))
		return empty;
	while (e < n && p[e] != ' ')
		e++;
	return (wk_str){p + 8, e - 8};
}

static void
classify(wk_event *ev, const value *f)
{
	wk_str action = f[K_ACTION].s, result = f[K_RESULT].s;
	int failed = wk_str_eq(result, "fail") || wk_str_eq(result, "locked") ||
		     wk_str_eq(result, "denied");

	if (wk_str_eq(action, "signin.ok")) {
		if (wk_str_eq(result, "ok")) {
			ev->kind = WK_AUTH_OK;
			if (!f[K_DETAIL].escaped && f[K_DETAIL].s.p != NULL)
				ev->method = f[K_DETAIL].s;
		}
	} else if (wk_str_eq(action, "signin.fail") || wk_str_eq(action, "signin.locked") ||
		   (wk_sl_starts(action.p, action.n, "signin.") && failed)) {
		ev->kind = WK_AUTH_FAIL;
		if (!f[K_DETAIL].escaped && f[K_DETAIL].s.p != NULL &&
		    wk_sl_starts(f[K_DETAIL].s.p, f[K_DETAIL].s.n, "unknown user"))
			ev->kind = WK_AUTH_INVALID_USER;
	} else if (wk_str_eq(action, "password.verify")) {
		if (wk_str_eq(result, "fail"))
			ev->kind = WK_AUTH_FAIL;
	} else if (wk_str_eq(action, "session.open") || wk_str_eq(action, "session.close")) {
		ev->kind = action.p[8] == 'o' ? WK_AUTH_OK : WK_SESSION_END;
		if (f[K_DETAIL].s.p != NULL)
			ev->method = service_of(&f[K_DETAIL], ev->method);
	} else if (is_account_action(action) && wk_str_eq(result, "ok")) {
		ev->kind = WK_ACCOUNT;
	}
}

int
wk_parse_sekisho(const char *line, size_t len, int year_hint, wk_event *ev)
{
	value f[K__N];
	unsigned seen = 0;
	size_t i;
	wk_str empty = {line, 0};
	int64_t t = 0;
	int32_t us = 0;

	(void)year_hint;
	memset(ev, 0, sizeof(*ev));
	memset(f, 0, sizeof(f));
	ev->kind = WK_NONE;
	ev->source = WK_SRC_SEKISHO;
	ev->host = ev->user = ev->src = ev->dst = ev->method = ev->url = ev->result = empty;
	ev->workstation = ev->agent = ev->conn = empty;

	i = ws(line, len, 0);
	if (i >= len || line[i] != '{')
		return 0;
	i = ws(line, len, i + 1);
	if (i < len && line[i] == '}') {
		return 0; /* {}: no action */
	}
	for (;;) {
		value k, v;
		size_t next;
		int which = -1;

		if (i >= len || line[i] != '"' || (next = string(line, len, i, &k)) == 0 || k.escaped)
			return 0;
		i = ws(line, len, next);
		if (i >= len || line[i] != ':')
			return 0;
		i = ws(line, len, i + 1);
		if (i >= len)
			return 0;
		if (line[i] == '"')
			next = string(line, len, i, &v);
		else if (line[i] == '-' || (line[i] >= '0' && line[i] <= '9'))
			next = number(line, len, i, &v);
		else
			next = literal(line, len, i, &v); /* '{' and '[' end here too: flat only */
		if (next == 0)
			return 0;
		for (int w = 0; w < K__N; w++)
			if (wk_str_eq(k.s, keys[w]))
				which = w;
		if (which >= 0) {
			int want_string = which != K_SEQ && which != K_TS;
			if ((seen & (1u << which)) || v.string != want_string ||
			    (v.escaped && ((raw_only >> which) & 1)))
				return 0;
			seen |= 1u << which;
			f[which] = v;
		}
		i = ws(line, len, next);
		if (i < len && line[i] == ',') {
			i = ws(line, len, i + 1);
			continue;
		}
		if (i < len && line[i] == '}')
			break;
		return 0;
	}
	if (ws(line, len, i + 1) != len || !(seen & (1u << K_ACTION)) || f[K_ACTION].s.n == 0)
		return 0;
	if (seen & (1u << K_TS)) {
		if (!integer(f[K_TS].s, &ev->ts))
			return 0;
	} else if (seen & (1u << K_TIME)) {
		size_t used = wk_time_iso8601(f[K_TIME].s.p, f[K_TIME].s.n, &t, &us);
		if (used == 0 || used != f[K_TIME].s.n)
			return 0; /* "" too: 0 bytes used of 0 is not a time */
		ev->ts = t;
		ev->ts_frac_us = us;
	}
	ev->url = f[K_ACTION].s;
	if (seen & (1u << K_TARGET))
		ev->user = f[K_TARGET].s;
	if (seen & (1u << K_ADDR))
		ev->src = f[K_ADDR].s;
	if (seen & (1u << K_RESULT))
		ev->result = f[K_RESULT].s;
	classify(ev, f);
	return 1;
}
