/* watch/detect.c - the detectors of sekisho-watch (see detect.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

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
	T__COUNT
};

struct wk_detect {
	wk_config cfg;
	wk_sink *sink;
	wk_table t[T__COUNT];
};

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
			for (int j = 0; j < T__COUNT; j++) {
				memset(d->t[j].slot, 0, d->t[j].cap * sizeof(*d->t[j].slot));
				d->t[j].used = 0;
			}
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
	int n = snprintf(buf, size, "%s\x1f%.*s\x1f%.*s", tag, (int)a.n, P(a), (int)b.n, P(b));
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
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

	if (e->alerted_at != 0 && now - e->alerted_at < (int64_t)d->cfg.suppress && now >= e->alerted_at)
		return 0;
	e->alerted_at = now;
	return 1;
}

static void
alert_init(wk_alert *a, const char *rule, const char *severity, const char *req,
	   const wk_event *ev)
{
	memset(a, 0, sizeof(*a));
	a->rule = rule;
	a->severity = severity;
	a->requirement = req;
	a->first_seen = a->last_seen = ev->ts;
	a->count = 1;
}

static void
alert_key(wk_alert *a, int i, const char *name, wk_str v)
{
	a->key_name[i] = name;
	copy_str(a->key_value[i], sizeof(a->key_value[i]), v);
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
			alert_init(&a, "auth.bruteforce", "medium", "A5", ev);
			a.first_seen = e->first;
			a.count = e->count;
			snprintf(a.summary, sizeof(a.summary),
				 "%u failed sign-ins for one account from one source within %u s",
				 e->count, c->brute_window);
			alert_key(&a, 0, "user", ev->user);
			alert_key(&a, 1, "source", ev->src);
			wk_alert_evidence(&a, line, len);
			wk_alert_emit(d->sink, &a);
		}
	}
	/* Many accounts from one source: password spraying. */
	if (ev->src.n > 0 && c->spray_users > 0) {
		kn = join(key, sizeof(key), "s", ev->src, (wk_str){"", 0});
		e = wk_table_get(&d->t[T_SPRAY], key, kn, ev->ts, c->spray_window);
		e->count++;
		if (ev->user.n > 0)
			(void)wk_entry_add_distinct(e, d->t[T_SPRAY].seed, ev->user.p, ev->user.n);
		if (e->ndistinct >= c->spray_users && fresh(d, "auth.spray", key, ev->ts)) {
			alert_init(&a, "auth.spray", "high", "A5", ev);
			a.first_seen = e->first;
			a.count = e->count;
			snprintf(a.summary, sizeof(a.summary),
				 "one source failed to sign in as %u different accounts within %u s "
				 "(password spraying), e.g. %s, %s, %s",
				 e->ndistinct, c->spray_window, e->shown[0], e->shown[1], e->shown[2]);
			alert_key(&a, 0, "source", ev->src);
			wk_alert_evidence(&a, line, len);
			wk_alert_emit(d->sink, &a);
		}
	}
	/* One account from many sources. */
	if (ev->user.n > 0 && ev->src.n > 0 && c->distributed_sources > 0) {
		kn = join(key, sizeof(key), "d", ev->user, (wk_str){"", 0});
		e = wk_table_get(&d->t[T_DISTRIB], key, kn, ev->ts, c->distributed_window);
		e->count++;
		(void)wk_entry_add_distinct(e, d->t[T_DISTRIB].seed, ev->src.p, ev->src.n);
		if (e->ndistinct >= c->distributed_sources && fresh(d, "auth.distributed", key, ev->ts)) {
			alert_init(&a, "auth.distributed", "high", "A5", ev);
			a.first_seen = e->first;
			a.count = e->count;
			snprintf(a.summary, sizeof(a.summary),
				 "failed sign-ins for one account from %u different sources within %u s, "
				 "e.g. %s, %s, %s",
				 e->ndistinct, c->distributed_window, e->shown[0], e->shown[1],
				 e->shown[2]);
			alert_key(&a, 0, "user", ev->user);
			wk_alert_evidence(&a, line, len);
			wk_alert_emit(d->sink, &a);
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
	kn = join(key, sizeof(key), "m", ev->user, (wk_str){"", 0});
	e = wk_table_get(&d->t[T_MULTI], key, kn, ev->ts, c->multi_window);
	e->count++;
	if (wk_entry_add_distinct(e, d->t[T_MULTI].seed, ev->src.p, ev->src.n) &&
	    e->ndistinct >= c->multi_addresses && fresh(d, "auth.multi_ip", key, ev->ts)) {
		alert_init(&a, "auth.multi_ip", "high", "E1", ev);
		a.first_seen = e->first;
		a.count = e->count;
		snprintf(a.summary, sizeof(a.summary),
			 "one user ID used from %u client addresses within %u s: %s, %s%s%s",
			 e->ndistinct, c->multi_window, e->shown[0], e->shown[1],
			 e->ndistinct > 2 ? ", " : "", e->ndistinct > 2 ? e->shown[2] : "");
		alert_key(&a, 0, "user", ev->user);
		wk_alert_evidence(&a, line, len);
		wk_alert_emit(d->sink, &a);
	}
}

/* ---- 3. off-hours use, recurring from one terminal (E1, D3) ------------- */

/* 1 when ts falls outside business hours in the configured zone. */
static int
off_hours(const wk_config *c, int64_t ts)
{
	int64_t local = ts + c->tz_offset;
	int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
	unsigned minute = (unsigned)((local - day * 86400) / 60);
	unsigned weekday = (unsigned)(((day % 7) + 11) % 7); /* 1970-01-01 was a Thursday (4) */

	for (unsigned i = 0; i < c->nholidays; i++)
		if (c->holidays[i] == day)
			return 1;
	if (!(c->workdays & (1u << weekday)))
		return 1;
	return minute < c->day_start || minute >= c->day_end;
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
		alert_init(&a, "auth.offhours", "medium", "E1", ev);
		a.first_seen = e->first;
		a.count = e->count;
		snprintf(a.summary, sizeof(a.summary),
			 "%u sign-ins outside business hours from one terminal within %u days",
			 e->count, c->offhours_window / 86400);
		alert_key(&a, 0, "user", ev->user);
		alert_key(&a, 1, "source", ev->src);
		wk_alert_evidence(&a, line, len);
		wk_alert_emit(d->sink, &a);
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
	alert_init(&a, "auth.trap_account", "critical", "E5", ev);
	snprintf(a.summary, sizeof(a.summary), "a trap account was used (%s): nobody has a reason to",
		 ev->kind == WK_AUTH_OK ? "signed in" : "attempt");
	alert_key(&a, 0, "user", ev->user);
	alert_key(&a, 1, "source", ev->src);
	wk_alert_evidence(&a, line, len);
	wk_alert_emit(d->sink, &a);
}

/* ---- 5. proxy CONNECT to odd ports, denied CONNECTs (E3) ---------------- */

static void
detect_connect(wk_detect *d, const wk_event *ev, const char *line, size_t len)
{
	int allowed = 0, denied;
	char key[256], port[8];
	wk_alert a;

	if (ev->kind != WK_PROXY || !wk_str_eq(ev->method, "CONNECT"))
		return;
	for (unsigned i = 0; i < d->cfg.nallowed; i++)
		allowed |= ev->dst_port == d->cfg.allowed_ports[i];
	denied = ev->result.n >= 10 && memcmp(ev->result.p, "TCP_DENIED", 10) == 0;
	if (allowed && !denied)
		return;
	snprintf(port, sizeof(port), "%u", (unsigned)ev->dst_port);
	join(key, sizeof(key), "c", ev->src, ev->dst);
	if (!fresh(d, allowed ? "proxy.connect_denied" : "proxy.connect_port", key, ev->ts))
		return;
	alert_init(&a, allowed ? "proxy.connect_denied" : "proxy.connect_port",
		   denied ? "medium" : "high", "E3", ev);
	snprintf(a.summary, sizeof(a.summary), "%s CONNECT to %.*s port %s%s",
		 denied ? "refused" : "allowed", (int)ev->dst.n, P(ev->dst), port,
		 allowed ? "" : " (not an allowed port: a tunnel or malware channel?)");
	alert_key(&a, 0, "source", ev->src);
	alert_key(&a, 1, "destination", ev->dst);
	a.key_name[2] = "port";
	snprintf(a.key_value[2], sizeof(a.key_value[2]), "%s", port);
	wk_alert_evidence(&a, line, len);
	wk_alert_emit(d->sink, &a);
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

	if (ev->kind != WK_PROXY || ev->src.n == 0 || ev->dst.n == 0 || ev->ts <= 0)
		return;
	/* A CONNECT that stays open for hours is a channel, not a page. */
	if (wk_str_eq(ev->method, "CONNECT") && c->long_connect > 0 &&
	    ev->duration_ms / 1000 >= c->long_connect) {
		join(key, sizeof(key), "L", ev->src, ev->dst);
		if (fresh(d, "proxy.long_connect", key, ev->ts)) {
			alert_init(&a, "proxy.long_connect", "medium", "E4", ev);
			snprintf(a.summary, sizeof(a.summary),
				 "a CONNECT to %.*s stayed open %u s (more than %u s)", (int)ev->dst.n,
				 P(ev->dst), ev->duration_ms / 1000, c->long_connect);
			alert_key(&a, 0, "source", ev->src);
			alert_key(&a, 1, "destination", ev->dst);
			wk_alert_evidence(&a, line, len);
			wk_alert_emit(d->sink, &a);
		}
	}
	if (c->beacon_min < 4)
		return;
	kn = join(key, sizeof(key), "b", ev->src, ev->dst);
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
	double score = (2 * regularity(gaps, n) + regularity(sizes, n)) / 3;
	if (score * 100 < c->beacon_score || !fresh(d, "net.beacon", key, ev->ts))
		return;
	alert_init(&a, "net.beacon", "high", "E4", ev);
	a.first_seen = e->first;
	a.count = e->count;
	snprintf(a.summary, sizeof(a.summary),
		 "%u connections to %.*s at regular intervals (about every %llu s; score %.2f): "
		 "malware calling home?",
		 e->count, (int)ev->dst.n, P(ev->dst),
		 (unsigned long long)((e->distinct[e->ndistinct - 1] >> 24) -
				      (e->distinct[0] >> 24)) / (e->ndistinct - 1),
		 score);
	alert_key(&a, 0, "source", ev->src);
	alert_key(&a, 1, "destination", ev->dst);
	wk_alert_evidence(&a, line, len);
	wk_alert_emit(d->sink, &a);
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
	alert_init(&a, "firewall.direct_outbound", "medium", "E2", ev);
	snprintf(a.summary, sizeof(a.summary),
		 "a terminal tried to connect out directly, past the proxy: %.*s -> %.*s port %u",
		 (int)ev->src.n, P(ev->src), (int)ev->dst.n, P(ev->dst), (unsigned)ev->dst_port);
	alert_key(&a, 0, "source", ev->src);
	alert_key(&a, 1, "destination", ev->dst);
	wk_alert_evidence(&a, line, len);
	wk_alert_emit(d->sink, &a);
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
	alert_init(&a, "admin.wrong_terminal", "high", "E6", ev);
	snprintf(a.summary, sizeof(a.summary),
		 "administrator account signed in from a terminal that is not an admin terminal");
	alert_key(&a, 0, "user", ev->user);
	alert_key(&a, 1, "source", ev->src);
	wk_alert_evidence(&a, line, len);
	wk_alert_emit(d->sink, &a);
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
	alert_init(&a, "net.decoy", "critical", "E7", ev);
	snprintf(a.summary, sizeof(a.summary),
		 "access to a decoy or unused address: someone is exploring the network");
	alert_key(&a, 0, "source", ev->src);
	alert_key(&a, 1, "destination", ev->dst);
	wk_alert_evidence(&a, line, len);
	wk_alert_emit(d->sink, &a);
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
	kn = join(key, sizeof(key), "i", ev->user, (wk_str){"", 0});
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
			alert_init(&a, "inventory.disabled_signin", "critical", "C3", ev);
			snprintf(a.summary, sizeof(a.summary),
				 "an account that was disabled, expired or deleted signed in");
			alert_key(&a, 0, "user", ev->user);
			alert_key(&a, 1, "source", ev->src);
			wk_alert_evidence(&a, line, len);
			wk_alert_emit(d->sink, &a);
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
			alert_init(&a, "inventory.mfa_reset_new_address", "high", "D4", ev);
			a.first_seen = e->first;
			snprintf(a.summary, sizeof(a.summary),
				 "sign-in from a new address right after the account's MFA was reset "
				 "(a reset obtained by social engineering?)");
			alert_key(&a, 0, "user", ev->user);
			alert_key(&a, 1, "source", ev->src);
			wk_alert_evidence(&a, line, len);
			wk_alert_emit(d->sink, &a);
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
	alert_init(&a, rule, "high", "E7", ev);
	snprintf(a.summary, sizeof(a.summary), "%s on %.*s: %.*s%s%.*s (event %d)", what,
		 (int)ev->host.n, P(ev->host), (int)(ev->url.n > 120 ? 120 : ev->url.n), P(ev->url),
		 ev->kind == WK_SHARE_ACCESS && ev->dst.n ? " " : "",
		 ev->kind == WK_SHARE_ACCESS ? (int)(ev->dst.n > 80 ? 80 : ev->dst.n) : 0, P(ev->dst),
		 ev->status);
	alert_key(&a, 0, "host", ev->host);
	alert_key(&a, 1, "user", ev->user);
	alert_key(&a, 2, "source", ev->src);
	wk_alert_evidence(&a, line, len);
	wk_alert_emit(d->sink, &a);
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

void
wk_detect_event(wk_detect *d, const wk_event *ev, const char *line, size_t len)
{
	if (ev->kind == WK_NONE)
		return;
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
	detect_inventory(d, ev, line, len);
	detect_remote_exec(d, ev, line, len);
}
