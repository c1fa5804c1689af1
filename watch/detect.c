/* watch/detect.c - the detectors of sekisho-watch (see detect.h). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "detect.h"

enum {
	T_PAIR,        /* failures per (user, source) */
	T_SPRAY,       /* distinct users failing per source */
	T_DISTRIB,     /* distinct sources failing per user */
	T_MULTI,       /* distinct addresses signing in per user */
	T_SUPPRESS,    /* last alert per (rule, key) */
	T_ACCOUNT,     /* Sekisho account state per user (disabled, MFA reset) */
	T_OFFHOURS,    /* off-hours sign-ins per (user, terminal) */
	T_TALKERS,     /* events per client address, for the report */
	T_BEACON,      /* connection times and sizes per (client, destination) */
	T_CONN,        /* sshd connections: attempts counted, PAM lines pending */
	T_VOLUME,      /* bytes per bucket and the closed buckets' totals per source */
	T__COUNT
};

struct wk_detect {
	wk_config cfg;
	wk_sink *sink;
	wk_table t[T__COUNT];
	int64_t volume_clock;  /* the newest [volume] bucket seen: older ones are closed */
	size_t volume_cursor;  /* the next slot the incremental sweep looks at */
	int64_t volume_pass;   /* the clock when the sweep's current pass began */
	int64_t volume_swept;  /* every source is judged up to here: no sweep needed */
	/* The last sign-in lines (failures and successes), for a few lines of
	 * evidence per alert: a brute-force alert shows the attempts, not only
	 * the one that crossed the threshold.  Bounded: RECENT lines. */
	struct recent_line {
		uint64_t src, user; /* keyed hashes; 0 = empty slot */
		uint32_t len;
		char text[WK_EVIDENCE_LEN];
	} recent[64];
	unsigned recent_next;
};

#define RECENT (sizeof(((wk_detect *)0)->recent) / sizeof(((wk_detect *)0)->recent[0]))

void
wk_config_default(wk_config *c)
{
	memset(c, 0, sizeof(*c));
	c->brute_failures = 10;
	c->brute_window = 600;
	c->spray_users = 8;
	c->spray_window = 1800;
	c->distributed_sources = 8;
	c->distributed_window = 1800;
	c->multi_addresses = 2;
	c->multi_window = 600;
	(void)sk_cidr_list_parse("10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7",
				 c->fw_internal, WK_LIST_MAX, &c->nfw_internal);
	c->allowed_ports[0] = 443;
	c->nallowed = 1;
	c->day_start = 8 * 60;
	c->day_end = 19 * 60;
	c->workdays = 0x3e; /* Monday to Friday */
	c->tz_offset = 9 * 3600;
	c->offhours_count = 2;
	c->offhours_window = 7 * 86400;
	c->beacon_min = 12;
	c->beacon_window = 86400;
	c->beacon_min_interval = 10;
	c->beacon_score = 80;
	c->long_connect = 3600;
	c->volume_bucket = 86400;
	c->volume_history = 14;
	c->volume_min_history = 7;
	c->volume_high = 5;
	c->volume_low = 5;
	c->volume_min_bytes = 1u << 20;
	c->report_every = 60;
	c->suppress = 3600;
	c->table_capacity = 8192;
	/* [alerts] sinks: both off until a target or URL is set */
	c->syslog_facility = LOG_AUTHPRIV;
	c->webhook_timeout = WK_WEBHOOK_TIMEOUT;
}

wk_detect *
wk_detect_new(const wk_config *c, wk_sink *sink)
{
	wk_detect *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->cfg = *c;
	d->sink = sink;
	for (int i = 0; i < T__COUNT; i++)
		if (wk_table_init(&d->t[i], c->table_capacity) != 0) {
			wk_detect_free(d);
			return NULL;
		}
	return d;
}

void
wk_detect_free(wk_detect *d)
{
	if (d == NULL)
		return;
	for (int i = 0; i < T__COUNT; i++)
		wk_table_free(&d->t[i]);
	free(d);
}

int
wk_detect_save(const wk_detect *d, FILE *f)
{
	uint32_t n = T__COUNT;

	if (fwrite(&n, sizeof(n), 1, f) != 1)
		return -1;
	for (int i = 0; i < T__COUNT; i++)
		if (wk_table_save(&d->t[i], f) != 0)
			return -1;
	return 0;
}

int
wk_detect_load(wk_detect *d, FILE *f)
{
	uint32_t n;

	if (fread(&n, sizeof(n), 1, f) != 1 || n != T__COUNT)
		return -1;
	for (int i = 0; i < T__COUNT; i++)
		if (wk_table_load(&d->t[i], f) != 0) {
			/* all or nothing: no table keeps a part of a bad file */
			for (int j = 0; j < T__COUNT; j++)
				wk_table_clear(&d->t[j]);
			return -1;
		}
	return 0;
}

uint64_t
wk_detect_evicted(const wk_detect *d)
{
	uint64_t n = 0;

	for (int i = 0; i < T__COUNT; i++)
		n += d->t[i].evicted;
	return n;
}

/* ---- helpers ------------------------------------------------------------ */

static const wk_str EMPTY = {"", 0};

/* The bytes of s for printf's "%.*s": never NULL (parsers leave empty fields NULL). */
static const char *
P(wk_str s)
{
	return s.p != NULL ? s.p : "";
}

/* "a" SEP "b" into buf (truncated safely); returns its length. */
static size_t
join(char *buf, size_t size, const char *tag, wk_str a, wk_str b)
{
	/* copies, not snprintf: this runs several times per line (snprintf was
	 * a sixth of a Squid run) */
	size_t n = 0;
	const wk_str part[3] = {{tag, strlen(tag)}, a, b};

	for (int i = 0; i < 3; i++) {
		size_t k = part[i].n;
		if (i > 0 && n < size - 1)
			buf[n++] = '\x1f';
		if (k > size - 1 - n)
			k = size - 1 - n;
		if (k > 0)
			memcpy(buf + n, part[i].p, k);
		n += k;
	}
	buf[n] = '\0';
	return n;
}

static void
copy_str(char *dst, size_t size, wk_str s)
{
	size_t n = s.n < size - 1 ? s.n : size - 1;

	if (n > 0)
		memcpy(dst, s.p, n);
	dst[n] = '\0';
}

/*
 * 1 when (rule, key) has not alerted within the suppression window; marks
 * it as alerted now.  Bounded like every table: an evicted key may alert
 * again, never be silenced for good.
 */
static int
fresh(wk_detect *d, const char *rule, const char *key, int64_t now)
{
	char k[192];
	int n = snprintf(k, sizeof(k), "%s\x1f%s", rule, key);
	wk_entry *e = wk_table_get(&d->t[T_SUPPRESS], k, n < 0 ? 0 : (size_t)n, now, 0);

	/* count marks "alerted once": a line without a clock (dmesg) alerts at time 0 */
	if (e->count > 0 && now - e->alerted_at < (int64_t)d->cfg.suppress && now >= e->alerted_at)
		return 0;
	e->alerted_at = now;
	e->count = 1;
	return 1;
}

/*
 * An alert of rule on ev; from e (a table entry, or NULL) its window's start
 * and event count.
 */
static void
alert_init(wk_alert *a, const char *rule, const char *severity, const char *req,
	   const wk_event *ev, const wk_entry *e)
{
	memset(a, 0, sizeof(*a));
	a->rule = rule;
	a->severity = severity;
	a->requirement = req;
	a->first_seen = a->last_seen = ev != NULL ? ev->ts : 0;
	a->count = 1;
	if (e != NULL) {
		a->first_seen = e->first;
		a->count = e->count;
	}
}

static void
alert_key(wk_alert *a, int i, const char *name, wk_str v)
{
	a->key_name[i] = name;
	copy_str(a->key_value[i], sizeof(a->key_value[i]), v);
}

/* The usual two keys ("user"/"source", "source"/"destination"); name1 may be NULL. */
static void
alert_keys(wk_alert *a, const char *name0, wk_str v0, const char *name1, wk_str v1)
{
	alert_key(a, 0, name0, v0);
	if (name1 != NULL)
		alert_key(a, 1, name1, v1);
}

static uint64_t
recent_key(const wk_detect *d, wk_str s)
{
	return s.n > 0 ? wk_hash(s.p, s.n, d->t[T_TALKERS].seed ^ 0x2545f491u) : 0;
}

static int failed(const wk_event *ev);

/* The lines kept for evidence: sign-ins and failed attempts. */
static int
rememberable(const wk_event *ev)
{
	return ev->kind == WK_AUTH_OK || failed(ev);
}

/* Keeps a sign-in line (the current one is then the newest). */
static void
remember(wk_detect *d, const wk_event *ev, const char *line, size_t len)
{
	struct recent_line *r = &d->recent[d->recent_next++ % RECENT];

	r->src = recent_key(d, ev->src);
	r->user = recent_key(d, ev->user);
	r->len = (uint32_t)(len < sizeof(r->text) ? len : sizeof(r->text));
	memcpy(r->text, line, r->len);
}

enum { BY_SRC = 1, BY_USER = 2 };

/*
 * Sends an alert of a sign-in rule with up to WK_EVIDENCE_MAX of the newest
 * remembered lines of the same source and/or user (by), oldest first, the
 * line that fired it last: it is the newest remembered one when it is a
 * sign-in line; any other (a proxy request naming its user) is added.
 */
static void
alert_send_recent(wk_detect *d, wk_alert *a, const wk_event *ev, const char *line, size_t len,
		  int by)
{
	uint64_t src = recent_key(d, ev->src), user = recent_key(d, ev->user);
	const struct recent_line *pick[WK_EVIDENCE_MAX];
	int n = 0, own = rememberable(ev), room = own ? WK_EVIDENCE_MAX : WK_EVIDENCE_MAX - 1;

	for (unsigned i = 1; i <= RECENT && n < room; i++) {
		const struct recent_line *r = &d->recent[(d->recent_next - i) % RECENT];
		if (r->src == 0 && r->user == 0)
			break;
		if ((!(by & BY_SRC) || r->src == src) && (!(by & BY_USER) || r->user == user))
			pick[n++] = r;
	}
	while (n > 0) {
		n--;
		wk_alert_evidence(a, pick[n]->text, pick[n]->len);
	}
	if (!own)
		wk_alert_evidence(a, line, len);
	wk_alert_emit(d->sink, a);
}

/* Adds the line that fired it (when there is one) and sends the alert. */
static void
alert_send(wk_detect *d, wk_alert *a, const char *line, size_t len)
{
	if (line != NULL)
		wk_alert_evidence(a, line, len);
	wk_alert_emit(d->sink, a);
}

/* A Kerberos answer whose status is not 0x0 (4768 0x6: no such user; 4771 0x18: bad password). */
static int
kerberos_failed(const wk_event *ev)
{
	if (ev->kind != WK_KERBEROS || ev->result.n < 3)
		return 0;
	for (size_t i = 2; i < ev->result.n; i++)
		if (ev->result.p[i] != '0')
			return 1;
	return 0;
}

static int
failed(const wk_event *ev)
{
	return ev->kind == WK_AUTH_FAIL || ev->kind == WK_AUTH_INVALID_USER || kerberos_failed(ev);
}

/* Case-insensitive search of needle in s. */
static int
contains(wk_str s, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; n <= s.n && i <= s.n - n; i++)
		if (strncasecmp(s.p + i, needle, n) == 0)
			return 1;
	return 0;
}

/* Addresses that do not identify a terminal: loopback, link-local, "-". */
static int
not_a_terminal(wk_str a)
{
	return a.n == 0 || wk_str_eq(a, "-") || wk_str_eq(a, "::1") ||
	       (a.n >= 4 && strncmp(a.p, "127.", 4) == 0) ||
	       (a.n >= 5 && strncasecmp(a.p, "fe80:", 5) == 0);
}

static int
user_listed(const char (*list)[64], unsigned n, wk_str user)
{
	for (unsigned i = 0; i < n; i++)
		if (strlen(list[i]) == user.n && strncasecmp(list[i], user.p, user.n) == 0)
			return 1;
	return 0;
}

static int
addr_in(const sk_cidr *nets, unsigned n, wk_str addr)
{
	char a[64];

	if (addr.n == 0 || addr.n >= sizeof(a))
		return 0;
	copy_str(a, sizeof(a), addr);
	for (unsigned i = 0; i < n; i++)
		if (sk_cidr_match(&nets[i], a))
			return 1;
	return 0;
}

/* ---- one sshd attempt, counted once ---------------------------------------- */

/*
 * With UsePAM, one wrong password writes a pam_unix failure and then sshd's
 * "Failed password" line; an unknown user's connection opens with "Invalid
 * user" and adds "check pass; user unknown"; a client that gives up writes
 * "Connection closed by authenticating user".  Counted line by line, one
 * attempt was three or four failures and brute force fired after three
 * real attempts.  Lines of one connection share ev->conn (sshd's pid; the
 * address and port when the log has none, as in `sshd -E` files), so each
 * connection keeps: count = attempts counted; aux = PAM failures whose
 * "Failed" line has not come yet, and CONN_OPENED while an "Invalid user"
 * stands for an attempt not seen yet.
 *
 * A PAM failure counts at once (with keyboard-interactive, sshd logs its own
 * "Failed" line only from the third failure on, so the PAM line may be all
 * there is; the loghub logs of old sshd have nothing else), and its "Failed"
 * line is then passed over.  "Connection closed" counts only for a
 * connection that showed no attempt (public keys refused: sshd logs those
 * at VERBOSE).  Returns 0 for a line that repeats an attempt already counted.
 */
#define CONN_PAM_MASK 0xffff
#define CONN_OPENED (1 << 16)

static int
first_report(wk_detect *d, wk_event *ev)
{
	char key[256], port[8];
	size_t kn;
	wk_entry *e;

	if (ev->source != WK_SRC_SSHD || !failed(ev))
		return 1;
	if (ev->conn.n > 0) {
		kn = join(key, sizeof(key), "C", ev->host, ev->conn);
	} else if (ev->src.n > 0 && ev->src_port != 0) {
		int pn = snprintf(port, sizeof(port), "%u", (unsigned)ev->src_port);
		kn = join(key, sizeof(key), "c", ev->src, (wk_str){port, (size_t)pn});
	} else {
		return 1;
	}
	/* sshd gives up on a connection after LoginGraceTime (2 min): 10 min is ample. */
	e = wk_table_get(&d->t[T_CONN], key, kn, ev->ts, 600);
	/* An unknown user's PAM line leaves the name out: the connection said it. */
	if (ev->user.n == 0 && e->shown[0][0] != '\0')
		ev->user = (wk_str){e->shown[0], strlen(e->shown[0])};
	else if (ev->user.n > 0 && e->shown[0][0] == '\0')
		copy_str(e->shown[0], sizeof(e->shown[0]), ev->user);
	if (ev->flags & WK_EV_PAM) {
		if (ev->src.n == 0)
			return 0; /* "check pass; user unknown": its failure line follows */
		if ((e->aux & CONN_PAM_MASK) < CONN_PAM_MASK)
			e->aux++;
		if (e->aux & CONN_OPENED) {
			e->aux &= ~(int64_t)CONN_OPENED;
			return 0;
		}
		e->count++;
		return 1;
	}
	if (ev->flags & WK_EV_OPENED) {
		e->aux |= CONN_OPENED;
		e->count++;
		return 1;
	}
	if (ev->flags & WK_EV_CLOSED) {
		if (e->count > 0)
			return 0;
		e->count++;
		return 1;
	}
	/* sshd's own "Failed METHOD for" line */
	if (e->aux & CONN_PAM_MASK) {
		e->aux--;
		return 0;
	}
	if (e->aux & CONN_OPENED) {
		e->aux &= ~(int64_t)CONN_OPENED;
		return 0;
	}
	e->count++;
	return 1;
}

/* ---- 1. brute force, spraying, distributed attempts (A5, E1) ------------- */

static void
detect_failures(wk_detect *d, const wk_event *ev, const char *line, size_t len)
{
	const wk_config *c = &d->cfg;
	char key[256];
	size_t kn;
	wk_entry *e;
	wk_alert a;

	if (!failed(ev))
		return;
	/* One account from one source. */
	if (ev->user.n > 0 && ev->src.n > 0 && c->brute_failures > 0) {
		kn = join(key, sizeof(key), "p", ev->user, ev->src);
		e = wk_table_get(&d->t[T_PAIR], key, kn, ev->ts, c->brute_window);
		if (++e->count >= c->brute_failures && fresh(d, "auth.bruteforce", key, ev->ts)) {
			alert_init(&a, "auth.bruteforce", "medium", "A5", ev, e);
			snprintf(a.summary, sizeof(a.summary),
				 "%u failed sign-ins for one account from one source within %u s",
				 e->count, c->brute_window);
			alert_keys(&a, "user", ev->user, "source", ev->src);
			alert_send_recent(d, &a, ev, line, len, BY_SRC | BY_USER);
		}
	}
	/* Many accounts from one source: password spraying. */
	if (ev->src.n > 0 && c->spray_users > 0) {
		kn = join(key, sizeof(key), "s", ev->src, EMPTY);
		e = wk_table_get(&d->t[T_SPRAY], key, kn, ev->ts, c->spray_window);
		e->count++;
		if (ev->user.n > 0)
			(void)wk_entry_add_distinct(e, d->t[T_SPRAY].seed, ev->user.p, ev->user.n);
		if (e->ndistinct >= c->spray_users && fresh(d, "auth.spray", key, ev->ts)) {
			alert_init(&a, "auth.spray", "high", "A5", ev, e);
			snprintf(a.summary, sizeof(a.summary),
				 "one source failed to sign in as %u different accounts within %u s "
				 "(password spraying), e.g. %s, %s, %s",
				 e->ndistinct, c->spray_window, e->shown[0], e->shown[1], e->shown[2]);
			alert_keys(&a, "source", ev->src, NULL, EMPTY);
			alert_send_recent(d, &a, ev, line, len, BY_SRC);
		}
	}
	/* One account from many sources. */
	if (ev->user.n > 0 && ev->src.n > 0 && c->distributed_sources > 0) {
		kn = join(key, sizeof(key), "d", ev->user, EMPTY);
		e = wk_table_get(&d->t[T_DISTRIB], key, kn, ev->ts, c->distributed_window);
		e->count++;
		(void)wk_entry_add_distinct(e, d->t[T_DISTRIB].seed, ev->src.p, ev->src.n);
		if (e->ndistinct >= c->distributed_sources && fresh(d, "auth.distributed", key, ev->ts)) {
			alert_init(&a, "auth.distributed", "high", "A5", ev, e);
			snprintf(a.summary, sizeof(a.summary),
				 "failed sign-ins for one account from %u different sources within %u s, "
				 "e.g. %s, %s, %s",
				 e->ndistinct, c->distributed_window, e->shown[0], e->shown[1],
				 e->shown[2]);
			alert_keys(&a, "user", ev->user, NULL, EMPTY);
			alert_send_recent(d, &a, ev, line, len, BY_USER);
		}
	}
}

/* ---- 2. one user, several addresses at once (E1) ------------------------- */

static void
detect_multi_ip(wk_detect *d, const wk_event *ev, const char *line, size_t len)
{
	const wk_config *c = &d->cfg;
	char key[256];
	size_t kn;
	wk_entry *e;
	wk_alert a;

	if (ev->kind != WK_AUTH_OK && !(ev->kind == WK_PROXY && ev->user.n > 0))
		return;
	/* Machine accounts ("HOST$") and loopback or link-local addresses are
	 * one computer talking to itself, not a user on two terminals. */
	if (ev->user.n == 0 || ev->user.p[ev->user.n - 1] == '$' || not_a_terminal(ev->src) ||
	    c->multi_addresses < 2)
		return;
	kn = join(key, sizeof(key), "m", ev->user, EMPTY);
	e = wk_table_get(&d->t[T_MULTI], key, kn, ev->ts, c->multi_window);
	e->count++;
	if (wk_entry_add_distinct(e, d->t[T_MULTI].seed, ev->src.p, ev->src.n) &&
	    e->ndistinct >= c->multi_addresses && fresh(d, "auth.multi_ip", key, ev->ts)) {
		alert_init(&a, "auth.multi_ip", "high", "E1", ev, e);
		snprintf(a.summary, sizeof(a.summary),
			 "one user ID used from %u client addresses within %u s: %s, %s%s%s",
			 e->ndistinct, c->multi_window, e->shown[0], e->shown[1],
			 e->ndistinct > 2 ? ", " : "", e->ndistinct > 2 ? e->shown[2] : "");
		alert_keys(&a, "user", ev->user, NULL, EMPTY);
		alert_send_recent(d, &a, ev, line, len, BY_USER);
	}
}

/* ---- 3. off-hours use, recurring from one terminal (E1, D3) ------------- */

/* 1 when day (days since 1970-01-01, local) is a holiday or not a workday. */
static int
day_off(const wk_config *c, int64_t day)
{
	unsigned weekday = (unsigned)(((day % 7) + 11) % 7); /* 1970-01-01 was a Thursday (4) */

	for (unsigned i = 0; i < c->nholidays; i++)
		if (c->holidays[i] == day)
			return 1;
	return !(c->workdays & (1u << weekday));
}

/* 1 when ts falls outside business hours in the configured zone. */
static int
off_hours(const wk_config *c, int64_t ts)
{
	int64_t local = ts + c->tz_offset;
	int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	unsigned minute = (unsigned)((local - day * 86400) / 60);

	return day_off(c, day) || minute < c->day_start || minute >= c->day_end;
}

static void
detect_offhours(wk_detect *d, const wk_event *ev, const char *line, size_t len)
{
	const wk_config *c = &d->cfg;
	char key[256];
	size_t kn;
	wk_entry *e;
	wk_alert a;

	if (!c->offhours_on || ev->kind != WK_AUTH_OK || ev->user.n == 0 || ev->ts == 0 ||
	    ev->user.p[ev->user.n - 1] == '$' || !off_hours(c, ev->ts))
		return;
	kn = join(key, sizeof(key), "o", ev->user, ev->src);
	e = wk_table_get(&d->t[T_OFFHOURS], key, kn, ev->ts, c->offhours_window);
	if (++e->count >= c->offhours_count && fresh(d, "auth.offhours", key, ev->ts)) {
		alert_init(&a, "auth.offhours", "medium", "E1", ev, e);
		snprintf(a.summary, sizeof(a.summary),
			 "%u sign-ins outside business hours from one terminal within %u days",
			 e->count, c->offhours_window / 86400);
		alert_keys(&a, "user", ev->user, "source", ev->src);
		alert_send_recent(d, &a, ev, line, len, BY_SRC | BY_USER);
	}
}

/* ---- 4. trap accounts (E5) ----------------------------------------------- */

static void
detect_trap(wk_detect *d, const wk_event *ev, const char *line, size_t len)
{
	char key[128];
	wk_alert a;

	if (ev->kind != WK_AUTH_OK && !failed(ev) && ev->kind != WK_KERBEROS &&
	    ev->kind != WK_PROXY && ev->kind != WK_EXPLICIT_CRED)
		return;
	if (ev->user.n == 0 || !user_listed(d->cfg.trap_users, d->cfg.ntrap, ev->user))
		return;
	join(key, sizeof(key), "t", ev->user, ev->src);
	if (!fresh(d, "auth.trap_account", key, ev->ts))
		return;
	alert_init(&a, "auth.trap_account", "critical", "E5", ev, NULL);
	snprintf(a.summary, sizeof(a.summary), "a trap account was used (%s): nobody has a reason to",
		 ev->kind == WK_AUTH_OK ? "signed in" : "attempt");
	alert_keys(&a, "user", ev->user, "source", ev->src);
	alert_send(d, &a, line, len);
}

/* ---- 5. proxy CONNECT to odd ports, denied CONNECTs (E3) ---------------- */

static void
detect_connect(wk_detect *d, const wk_event *ev, const char *line, size_t len)
{
	int allowed = 0, denied;
	char key[256], port[8];
	size_t n;
	wk_alert a;

	if (ev->kind != WK_PROXY || !wk_str_eq(ev->method, "CONNECT"))
		return;
	for (unsigned i = 0; i < d->cfg.nallowed; i++)
		allowed |= ev->dst_port == d->cfg.allowed_ports[i];
	denied = ev->result.n >= 10 && memcmp(ev->result.p, "TCP_DENIED", 10) == 0;
	if (allowed && !denied)
		return;
	snprintf(port, sizeof(port), "%u", (unsigned)ev->dst_port);
	/* suppressed per port too: a second odd port on one host is news */
	n = join(key, sizeof(key), "c", ev->src, ev->dst);
	snprintf(key + n, sizeof(key) - n, ":%s", port);
	if (!fresh(d, allowed ? "proxy.connect_denied" : "proxy.connect_port", key, ev->ts))
		return;
	alert_init(&a, allowed ? "proxy.connect_denied" : "proxy.connect_port",
		   denied ? "medium" : "high", "E3", ev, NULL);
	snprintf(a.summary, sizeof(a.summary), "%s CONNECT to %.*s port %s%s",
		 denied ? "refused" : "allowed", (int)ev->dst.n, P(ev->dst), port,
		 allowed ? "" : " (not an allowed port: a tunnel or malware channel?)");
	alert_keys(&a, "source", ev->src, "destination", ev->dst);
	a.key_name[2] = "port";
	snprintf(a.key_value[2], sizeof(a.key_value[2]), "%s", port);
	alert_send(d, &a, line, len);
}

/* ---- 7. beaconing and long CONNECT sessions (E4) ------------------------- */

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/*
 * Regularity of a series in [0, 1], after RITA's beacon score: 1 - the
 * median absolute deviation over the median, and the Bowley skew of the
 * quartiles; both 0 for a perfectly regular series.
 */
static double
regularity(uint64_t *v, size_t n)
{
	uint64_t dev[WK_DISTINCT_MAX];
	double med, q1, q3, skew, mad;

	if (n < 3)
		return 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	med = (double)v[n / 2];
	q1 = (double)v[n / 4];
	q3 = (double)v[(3 * n) / 4];
	/* Jitter of a few seconds makes the quartiles' skew swing from -1 to 1:
	 * a spread under a tenth of the median is simply regular. */
	skew = q3 - q1 > 0.1 * med ? (q3 + q1 - 2 * med) / (q3 - q1) : 0;
	if (skew < 0)
		skew = -skew;
	for (size_t i = 0; i < n; i++)
		dev[i] = (double)v[i] > med ? (uint64_t)((double)v[i] - med) : (uint64_t)(med - (double)v[i]);
	qsort(dev, n, sizeof(*dev), cmp_u64);
	mad = (double)dev[n / 2];
	double disp = med > 0 ? mad / med : mad > 0 ? 1 : 0;
	if (disp > 1)
		disp = 1;
	return ((1 - skew) + (1 - disp)) / 2;
}

/*
 * Each entry keeps its last WK_DISTINCT_MAX connections in distinct[] as
 * (time << 24 | bytes capped at 2^24 - 1): the times give the intervals, the
 * sizes their own regularity.  Enough for the score; bounded like the rest.
 * Proxy requests and connections a firewall logged as accepted (a terminal
 * allowed out directly, or a server's own outbound traffic) are both scored.
 */
static void
detect_beacon(wk_detect *d, const wk_event *ev, const char *line, size_t len)
{
	const wk_config *c = &d->cfg;
	uint64_t gaps[WK_DISTINCT_MAX], sizes[WK_DISTINCT_MAX];
	char key[256];
	size_t kn, n;
	wk_entry *e;
	wk_alert a;

	if ((ev->kind != WK_PROXY && ev->kind != WK_FW_ACCEPT) || ev->src.n == 0 || ev->dst.n == 0 ||
	    ev->ts <= 0)
		return;
	/* A CONNECT that stays open for hours is a channel, not a page. */
	if (wk_str_eq(ev->method, "CONNECT") && c->long_connect > 0 &&
	    ev->duration_ms > (uint64_t)c->long_connect * 1000) {
		join(key, sizeof(key), "L", ev->src, ev->dst);
		if (fresh(d, "proxy.long_connect", key, ev->ts)) {
			alert_init(&a, "proxy.long_connect", "medium", "E4", ev, NULL);
			snprintf(a.summary, sizeof(a.summary),
				 "a CONNECT to %.*s stayed open %u s (more than %u s)", (int)ev->dst.n,
				 P(ev->dst), ev->duration_ms / 1000, c->long_connect);
			alert_keys(&a, "source", ev->src, "destination", ev->dst);
			alert_send(d, &a, line, len);
		}
	}
	if (c->beacon_min < 4)
		return;
	kn = join(key, sizeof(key), ev->kind == WK_PROXY ? "b" : "B", ev->src, ev->dst);
	e = wk_table_get(&d->t[T_BEACON], key, kn, ev->ts, c->beacon_window);
	e->count++;
	if (e->ndistinct == WK_DISTINCT_MAX) {
		memmove(e->distinct, e->distinct + 1, (WK_DISTINCT_MAX - 1) * sizeof(e->distinct[0]));
		e->ndistinct--;
	}
	e->distinct[e->ndistinct++] = ((uint64_t)ev->ts << 24) |
				      (ev->bytes < (1u << 24) ? ev->bytes : (1u << 24) - 1);
	if (e->count < c->beacon_min || e->ndistinct < 4)
		return;
	n = e->ndistinct - 1;
	for (size_t i = 0; i < n; i++) {
		uint64_t t0 = e->distinct[i] >> 24, t1 = e->distinct[i + 1] >> 24;
		gaps[i] = t1 > t0 ? t1 - t0 : 0;
		sizes[i] = e->distinct[i + 1] & ((1u << 24) - 1);
	}
	{
		uint64_t sorted[WK_DISTINCT_MAX];
		memcpy(sorted, gaps, n * sizeof(gaps[0]));
		qsort(sorted, n, sizeof(sorted[0]), cmp_u64);
		if (sorted[n / 2] < c->beacon_min_interval)
			return;
	}
	/* A firewall logs a connection's first packet, whose length says nothing
	 * of what the connection carried: its score is the intervals' alone. */
	double score = ev->kind == WK_PROXY ? (2 * regularity(gaps, n) + regularity(sizes, n)) / 3
					    : regularity(gaps, n);
	if (score * 100 < c->beacon_score || !fresh(d, "net.beacon", key, ev->ts))
		return;
	alert_init(&a, "net.beacon", "high", "E4", ev, e);
	snprintf(a.summary, sizeof(a.summary),
		 "%u connections to %.*s at regular intervals (about every %llu s; score %.2f): "
		 "malware calling home?",
		 e->count, (int)ev->dst.n, P(ev->dst),
		 (unsigned long long)((e->distinct[e->ndistinct - 1] >> 24) -
				      (e->distinct[0] >> 24)) / (e->ndistinct - 1),
		 score);
	alert_keys(&a, "source", ev->src, "destination", ev->dst);
	/* the program that calls home often says who it is (or what it poses as) */
	if (ev->agent.n > 0)
		alert_key(&a, 2, "agent", ev->agent);
	alert_send(d, &a, line, len);
}

/* ---- 6. direct outbound connections blocked at the firewall (E2) --------- */

static void
detect_firewall(wk_detect *d, const wk_event *ev, const char *line, size_t len)
{
	char key[256];
	wk_alert a;

	if (ev->kind != WK_FW_DROP || ev->src.n == 0)
		return;
	/* Outbound only: from the terminals' networks to anywhere but known updaters. */
	if (!addr_in(d->cfg.fw_internal, d->cfg.nfw_internal, ev->src) ||
	    addr_in(d->cfg.fw_internal, d->cfg.nfw_internal, ev->dst) ||
	    addr_in(d->cfg.fw_allow, d->cfg.nfw_allow, ev->dst))
		return;
	join(key, sizeof(key), "f", ev->src, ev->dst);
	if (!fresh(d, "firewall.direct_outbound", key, ev->ts))
		return;
	alert_init(&a, "firewall.direct_outbound", "medium", "E2", ev, NULL);
	snprintf(a.summary, sizeof(a.summary),
		 "a terminal tried to connect out directly, past the proxy: %.*s -> %.*s port %u",
		 (int)ev->src.n, P(ev->src), (int)ev->dst.n, P(ev->dst), (unsigned)ev->dst_port);
	alert_keys(&a, "source", ev->src, "destination", ev->dst);
	alert_send(d, &a, line, len);
}

/* ---- 8. administrators from the wrong terminal (E6) ----------------------- */

static void
detect_admin(wk_detect *d, const wk_event *ev, const char *line, size_t len)
{
	char key[256];
	wk_alert a;

	if ((ev->kind != WK_AUTH_OK && ev->kind != WK_ADMIN_LOGON) || ev->user.n == 0 ||
	    d->cfg.nadmin_terminals == 0 || !user_listed(d->cfg.admin_users, d->cfg.nadmin, ev->user))
		return;
	if (ev->src.n == 0 || addr_in(d->cfg.admin_terminals, d->cfg.nadmin_terminals, ev->src))
		return;
	join(key, sizeof(key), "a", ev->user, ev->src);
	if (!fresh(d, "admin.wrong_terminal", key, ev->ts))
		return;
	alert_init(&a, "admin.wrong_terminal", "high", "E6", ev, NULL);
	snprintf(a.summary, sizeof(a.summary),
		 "administrator account signed in from a terminal that is not an admin terminal");
	alert_keys(&a, "user", ev->user, "source", ev->src);
	alert_send(d, &a, line, len);
}

/* ---- 10. decoy servers and unused addresses (E7) --------------------------- */

static void
detect_decoy(wk_detect *d, const wk_event *ev, const char *line, size_t len)
{
	char key[256];
	wk_alert a;

	if (ev->dst.n == 0 || !addr_in(d->cfg.decoys, d->cfg.ndecoys, ev->dst))
		return;
	join(key, sizeof(key), "x", ev->src, ev->dst);
	if (!fresh(d, "net.decoy", key, ev->ts))
		return;
	alert_init(&a, "net.decoy", "critical", "E7", ev, NULL);
	snprintf(a.summary, sizeof(a.summary),
		 "access to a decoy or unused address: someone is exploring the network");
	alert_keys(&a, "source", ev->src, "destination", ev->dst);
	alert_send(d, &a, line, len);
}

/* ---- 11. traffic far above or below a source's own baseline (E8) -------- */

/*
 * Each source's bytes (proxy replies; packets the firewall logged) are summed
 * per [volume] bucket, a day by default, counted in the [offhours] time zone.
 * When a bucket ends its total is set against the median of the source's own
 * last closed buckets (a median: one odd day does not move it):
 *   net.volume_high  total >= high x median, and larger by min_bytes at least
 *                    (exfiltration, a worm, a tunnel);
 *   net.volume_low   total <= median / low, the median being min_bytes at
 *                    least (a device taken over and silenced, a broken
 *                    sensor); once per drop, not again until traffic returns.
 * Buckets on days off (or, for buckets under a day, outside business hours)
 * are checked for high only and do not join the baseline: a quiet Sunday is
 * not news.  Source types are kept apart (a proxy's bytes and a firewall's
 * packets are not the same measure).  A source that goes silent has no event
 * to close its bucket, so a sweep walks the table behind the newest event's
 * bucket, a few slots per event (a full sweep at each new bucket would let
 * a log whose every line starts a bucket cost a table's walk per line), and
 * the end of a batch run finishes the walk.
 *
 * Entry: distinct[0 .. ndistinct-1] the closed totals, oldest first;
 * aux the open bucket's number; distinct[VOL_OPEN] its bytes; count its
 * events; alerted_at 1 while a low alert stands.
 */
#define VOL_OPEN (WK_DISTINCT_MAX - 1)
#define VOL_MAX_HISTORY (WK_DISTINCT_MAX - 2)

static const char *const source_name[WK_SRC__COUNT] = {"sshd", "squid", "firewall", "sekisho",
						       "winevt"};

static int64_t
bucket_of(const wk_config *c, int64_t ts)
{
	int64_t local = ts + c->tz_offset;
	return local >= 0 ? local / c->volume_bucket : (local - c->volume_bucket + 1) / c->volume_bucket;
}

/* 1 when bucket b falls on a day off or, for buckets under a day, off hours. */
static int
quiet_bucket(const wk_config *c, int64_t b)
{
	int64_t local = b * c->volume_bucket; /* the bucket's start, local time */

	return c->volume_bucket < 86400 ? off_hours(c, local - c->tz_offset)
					: day_off(c, local / 86400);
}

static void
volume_alert(wk_detect *d, const wk_entry *e, int64_t b, uint64_t total, uint64_t median, int high)
{
	const wk_config *c = &d->cfg;
	const char *rule = high ? "net.volume_high" : "net.volume_low";
	const char *type = e->key + 2, *addr = memchr(type, '\x1f', strlen(type));
	char key[WK_KEY_SHOWN + 16];
	wk_alert a;

	if (addr == NULL)
		return;
	snprintf(key, sizeof(key), "%s\x1f%lld", e->key, (long long)b);
	if (!fresh(d, rule, key, b * c->volume_bucket))
		return;
	alert_init(&a, rule, high ? "medium" : "low", "E8", NULL, NULL);
	a.first_seen = b * c->volume_bucket - c->tz_offset;
	a.last_seen = a.first_seen + c->volume_bucket - 1;
	a.count = e->count;
	snprintf(a.summary, sizeof(a.summary),
		 "%llu bytes in %u s where this source's median is %llu (%s its own baseline of %u "
		 "buckets)",
		 (unsigned long long)total, c->volume_bucket, (unsigned long long)median,
		 high ? "far above" : "far below", e->ndistinct);
	alert_keys(&a, "source", (wk_str){addr + 1, strlen(addr + 1)}, "log",
		   (wk_str){type, (size_t)(addr - type)});
	alert_send(d, &a, NULL, 0);
}

/* Closes bucket e->aux (its totals in the entry) and opens the next. */
static void
volume_close(wk_detect *d, wk_entry *e)
{
	const wk_config *c = &d->cfg;
	uint64_t total = e->distinct[VOL_OPEN], hist[VOL_MAX_HISTORY], median;
	int quiet = quiet_bucket(c, e->aux);

	if (e->ndistinct >= c->volume_min_history) {
		memcpy(hist, e->distinct, e->ndistinct * sizeof(hist[0]));
		qsort(hist, e->ndistinct, sizeof(hist[0]), cmp_u64);
		median = hist[e->ndistinct / 2];
		if (c->volume_high > 0 && total / c->volume_high >= median &&
		    total - median >= c->volume_min_bytes)
			volume_alert(d, e, e->aux, total, median, 1);
		else if (!quiet && c->volume_low > 0 && median >= c->volume_min_bytes &&
			 total <= median / c->volume_low) {
			if (e->alerted_at == 0)
				volume_alert(d, e, e->aux, total, median, 0);
			e->alerted_at = 1;
		} else if (!quiet) {
			e->alerted_at = 0;
		}
	}
	if (!quiet) {
		if (e->ndistinct >= c->volume_history) {
			memmove(e->distinct, e->distinct + 1, (e->ndistinct - 1) * sizeof(e->distinct[0]));
			e->ndistinct--;
		}
		e->distinct[e->ndistinct++] = total;
	}
	e->distinct[VOL_OPEN] = 0;
	e->count = 0;
	e->aux++;
}

/* Closes e's buckets before b: past a full history of empty ones, the rest change nothing. */
static void
volume_advance(wk_detect *d, wk_entry *e, int64_t b)
{
	for (unsigned i = 0; e->aux < b && i <= 2 * VOL_MAX_HISTORY; i++)
		volume_close(d, e);
	if (e->aux < b)
		e->aux = b;
}

/* Advances n slots from the cursor on (the whole table when n is its capacity). */
static void
volume_sweep(wk_detect *d, int64_t b, size_t n)
{
	wk_table *t = &d->t[T_VOLUME];

	for (size_t i = 0; i < n && i < t->cap; i++) {
		wk_entry *e = &t->slot[d->volume_cursor];
		if (d->volume_cursor == 0)
			d->volume_pass = b;
		d->volume_cursor = (d->volume_cursor + 1) & (t->cap - 1);
		if (e->hash != 0 && e->aux < b)
			volume_advance(d, e, b);
		if (d->volume_cursor == 0) /* a whole pass: every source judged up to its start */
			d->volume_swept = d->volume_pass;
	}
}

#define VOL_SWEEP_STEP 8 /* slots per event: 8192 slots in 1024 events */

static void
detect_volume(wk_detect *d, const wk_event *ev)
{
	const wk_config *c = &d->cfg;
	char key[256];
	size_t kn;
	int64_t b;
	wk_entry *e;

	if (c->volume_bucket == 0 || ev->ts <= 0 || ev->src.n == 0 ||
	    (ev->kind != WK_PROXY && ev->kind != WK_FW_ACCEPT && ev->kind != WK_FW_DROP))
		return;
	b = bucket_of(c, ev->ts);
	if (b > d->volume_clock) {
		/* A line from the future (a remote host's clock, a forged
		 * header) would close every source's buckets at once. */
		if (ev->ts > (int64_t)time(NULL) + 86400)
			return;
		d->volume_clock = b;
	}
	if (d->volume_swept < d->volume_clock)
		volume_sweep(d, d->volume_clock, VOL_SWEEP_STEP);
	kn = join(key, sizeof(key), "v", (wk_str){source_name[ev->source], strlen(source_name[ev->source])},
		  ev->src);
	e = wk_table_get(&d->t[T_VOLUME], key, kn, ev->ts, 0);
	if (e->count == 0 && e->ndistinct == 0 && e->aux == 0)
		e->aux = b; /* a new source: its first bucket */
	if (b < e->aux)
		return; /* a late line of a bucket already judged */
	volume_advance(d, e, b);
	e->count++;
	e->distinct[VOL_OPEN] += ev->bytes;
}

void
wk_detect_finish(wk_detect *d)
{
	if (d->volume_clock > 0)
		volume_sweep(d, d->volume_clock, d->t[T_VOLUME].cap);
}

/* ---- 12. Sekisho inventory: disabled accounts signing in, MFA reset ------- */

enum { ACC_DISABLED = 1, ACC_MFA_RESET = 2 };

static void
detect_inventory(wk_detect *d, const wk_event *ev, const char *line, size_t len)
{
	char key[256];
	size_t kn;
	wk_entry *e;
	wk_alert a;

	if (ev->user.n == 0 || (ev->kind != WK_ACCOUNT && ev->kind != WK_AUTH_OK))
		return;
	kn = join(key, sizeof(key), "i", ev->user, EMPTY);
	e = wk_table_get(&d->t[T_ACCOUNT], key, kn, ev->ts, 0);
	if (ev->kind == WK_ACCOUNT) {
		/* user.expiry is not here: it may set a date in the future. */
		if (wk_str_eq(ev->url, "user.disable") || wk_str_eq(ev->url, "user.delete"))
			e->aux |= ACC_DISABLED;
		else if (wk_str_eq(ev->url, "user.enable"))
			e->aux &= ~ACC_DISABLED;
		else if (wk_str_eq(ev->url, "mfa.reset")) {
			e->aux |= ACC_MFA_RESET;
			e->first = ev->ts;
		}
		return;
	}
	if (e->aux & ACC_DISABLED) {
		if (fresh(d, "inventory.disabled_signin", key, ev->ts)) {
			alert_init(&a, "inventory.disabled_signin", "critical", "C3", ev, NULL);
			snprintf(a.summary, sizeof(a.summary),
				 "an account that was disabled, expired or deleted signed in");
			alert_keys(&a, "user", ev->user, "source", ev->src);
			alert_send(d, &a, line, len);
		}
	}
	if (e->aux & ACC_MFA_RESET) {
		/* The first sign-in after a reset: from an address this account used before? */
		int known = 0;
		uint64_t h = wk_hash(ev->src.p, ev->src.n, d->t[T_ACCOUNT].seed ^ 0x5bd1e995u);
		for (uint32_t i = 0; i < e->ndistinct; i++)
			known |= e->distinct[i] == h;
		e->aux &= ~ACC_MFA_RESET;
		if (!known && ev->src.n > 0 && fresh(d, "inventory.mfa_reset_new_address", key, ev->ts)) {
			alert_init(&a, "inventory.mfa_reset_new_address", "high", "D4", ev, NULL);
			a.first_seen = e->first;
			snprintf(a.summary, sizeof(a.summary),
				 "sign-in from a new address right after the account's MFA was reset "
				 "(a reset obtained by social engineering?)");
			alert_keys(&a, "user", ev->user, "source", ev->src);
			alert_send(d, &a, line, len);
		}
	}
	if (ev->src.n > 0)
		(void)wk_entry_add_distinct(e, d->t[T_ACCOUNT].seed, ev->src.p, ev->src.n);
}

/* ---- 9. remote execution (E7) ---------------------------------------------- */

static void
detect_remote_exec(wk_detect *d, const wk_event *ev, const char *line, size_t len)
{
	const char *rule = NULL, *what = NULL;
	char key[256];
	wk_alert a;

	switch (ev->kind) {
	case WK_SERVICE_INSTALL: rule = "winevt.service_install"; what = "a service was installed"; break;
	case WK_TASK_CREATE: rule = "winevt.task_create"; what = "a scheduled task was created"; break;
	case WK_EXPLICIT_CRED: rule = "winevt.explicit_credentials"; what = "a logon with explicit credentials"; break;
	case WK_SHARE_ACCESS: {
		/*
		 * Administrative shares (ADMIN$, C$, D$, ...: url is the ShareName
		 * "\\*\C$") and the named pipes of remote execution (dst is the
		 * RelativeTargetName on IPC$: svcctl, atsvc, PsExec's -stdin/-stdout).
		 * IPC$ alone is everyday traffic.
		 */
		wk_str share = ev->url;
		int admin_share = (share.n >= 6 && strncasecmp(share.p + share.n - 6, "ADMIN$", 6) == 0) ||
				  (share.n >= 3 && share.p[share.n - 1] == '$' && share.p[share.n - 3] == '\\' &&
				   ((share.p[share.n - 2] | 32) >= 'a' && (share.p[share.n - 2] | 32) <= 'z'));
		if (!admin_share && !contains(ev->dst, "svcctl") && !contains(ev->dst, "atsvc") &&
		    !contains(ev->dst, "psexesvc") && !contains(ev->dst, "-stdin") &&
		    !contains(ev->dst, "-stdout") && !contains(ev->dst, "-stderr"))
			return;
		rule = "winevt.admin_share";
		what = "an administrative share or remote-execution pipe was used";
		break;
	}
	default:
		return;
	}
	join(key, sizeof(key), rule, ev->host, ev->kind == WK_SHARE_ACCESS ? ev->src : ev->url);
	if (!fresh(d, rule, key, ev->ts))
		return;
	alert_init(&a, rule, "high", "E7", ev, NULL);
	snprintf(a.summary, sizeof(a.summary), "%s on %.*s: %.*s%s%.*s (event %d)", what,
		 (int)ev->host.n, P(ev->host), (int)(ev->url.n > 120 ? 120 : ev->url.n), P(ev->url),
		 ev->kind == WK_SHARE_ACCESS && ev->dst.n ? " " : "",
		 ev->kind == WK_SHARE_ACCESS ? (int)(ev->dst.n > 80 ? 80 : ev->dst.n) : 0, P(ev->dst),
		 ev->status);
	alert_keys(&a, "host", ev->host, "user", ev->user);
	alert_key(&a, 2, "source", ev->src);
	alert_send(d, &a, line, len);
}

size_t
wk_detect_top_sources(const wk_detect *d, const wk_entry **out, size_t n)
{
	const wk_table *t = &d->t[T_TALKERS];
	size_t have = 0;

	for (size_t i = 0; i < t->cap; i++) {
		const wk_entry *e = &t->slot[i];
		size_t at;
		if (e->hash == 0)
			continue;
		/* insertion into the sorted top n */
		for (at = have; at > 0 && out[at - 1]->count < e->count; at--)
			if (at < n)
				out[at] = out[at - 1];
		if (at < n) {
			out[at] = e;
			if (have < n)
				have++;
		}
	}
	return have;
}

/*
 * One address, one key: the kernel writes IPv6 in full ("2001:0db8:0000:..."),
 * sshd and config files the short form, dual-stack daemons an IPv4 client as
 * "::ffff:192.0.2.1".  Whatever inet_pton reads as IPv6 is rewritten the way
 * inet_ntop writes it (a mapped IPv4 address as the IPv4 address alone);
 * everything else (IPv4, host names, "fe80::1%eth0") stays as logged.
 */
static wk_str
canonical_addr(wk_str a, char *buf, size_t size)
{
	char tmp[64];
	struct in6_addr in6;

	if (a.n < 2 || a.n >= sizeof(tmp) || memchr(a.p, ':', a.n) == NULL)
		return a;
	memcpy(tmp, a.p, a.n);
	tmp[a.n] = '\0';
	if (inet_pton(AF_INET6, tmp, &in6) != 1)
		return a;
	if (IN6_IS_ADDR_V4MAPPED(&in6) ? inet_ntop(AF_INET, &in6.s6_addr[12], buf, (socklen_t)size) == NULL
				       : inet_ntop(AF_INET6, &in6, buf, (socklen_t)size) == NULL)
		return a;
	return (wk_str){buf, strlen(buf)};
}

void
wk_detect_event(wk_detect *d, const wk_event *in, const char *line, size_t len)
{
	char src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	wk_event copy = *in, *ev = &copy;

	if (ev->kind == WK_NONE)
		return;
	ev->src = canonical_addr(ev->src, src, sizeof(src));
	ev->dst = canonical_addr(ev->dst, dst, sizeof(dst));
	if (!first_report(d, ev))
		return;
	if (rememberable(ev))
		remember(d, ev, line, len);
	if (ev->src.n > 0) {
		wk_entry *e = wk_table_get(&d->t[T_TALKERS], ev->src.p, ev->src.n, ev->ts, 0);
		e->count++;
	}
	detect_failures(d, ev, line, len);
	detect_multi_ip(d, ev, line, len);
	detect_offhours(d, ev, line, len);
	detect_trap(d, ev, line, len);
	detect_connect(d, ev, line, len);
	detect_beacon(d, ev, line, len);
	detect_firewall(d, ev, line, len);
	detect_admin(d, ev, line, len);
	detect_decoy(d, ev, line, len);
	detect_volume(d, ev);
	detect_inventory(d, ev, line, len);
	detect_remote_exec(d, ev, line, len);
}
