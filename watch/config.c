/* watch/config.c - sekisho-watch's INI settings (libinih), over the defaults. */
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "detect.h"
#include "parsers/wtime.h"

struct loader {
	wk_config *c;
	char *err;
	size_t err_size;
	int failed;
};

/* Durations are the library's: "600", "600s", "10m", "2h", "1d", at most 30 days.
 * (A parser of its own here multiplied before checking, so a huge number
 * could wrap round to a small one.) */
#define duration sk_duration_parse

static int
number(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	if (v[0] < '0' || v[0] > '9' || *end != '\0' || n < lo || n > hi)
		return -1;
	*out = (unsigned)n;
	return 0;
}

/* A byte count: "1048576", "512K", "10M", "1G" (powers of 1024), at most 1 TiB. */
static int
bytes(const char *v, uint64_t *out)
{
	char *end;
	unsigned long long n = strtoull(v, &end, 10), unit = 1;

	if (v[0] < '0' || v[0] > '9')
		return -1;
	switch (*end) {
	case '\0': break;
	case 'K': case 'k': unit = 1ull << 10; end++; break;
	case 'M': case 'm': unit = 1ull << 20; end++; break;
	case 'G': case 'g': unit = 1ull << 30; end++; break;
	default: return -1;
	}
	/* bound before multiplying: no wrap-round to a small value */
	if (*end != '\0' || n > (1ull << 40) / unit)
		return -1;
	*out = n * unit;
	return 0;
}

static int
names(const char *v, char (*list)[64], unsigned *n)
{
	char buf[1024], *save = NULL;

	if (snprintf(buf, sizeof(buf), "%s", v) >= (int)sizeof(buf))
		return -1;
	*n = 0;
	for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		if (*n >= WK_LIST_MAX || strlen(t) >= 64)
			return -1;
		memcpy(list[(*n)++], t, strlen(t) + 1);
	}
	return 0;
}

static int
ports(const char *v, unsigned *list, unsigned *n)
{
	char buf[256], *save = NULL;

	if (snprintf(buf, sizeof(buf), "%s", v) >= (int)sizeof(buf))
		return -1;
	*n = 0;
	for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
		if (*n >= WK_LIST_MAX || number(t, 1, 65535, &list[(*n)++]) != 0)
			return -1;
	return 0;
}

/* "08:00-19:00" -> minutes after midnight. */
static int
hours(const char *v, unsigned *start, unsigned *end)
{
	unsigned h1, m1, h2, m2;
	char tail;

	if (sscanf(v, "%2u:%2u-%2u:%2u%c", &h1, &m1, &h2, &m2, &tail) != 4 || h1 > 23 || m1 > 59 ||
	    h2 > 24 || m2 > 59 || (h2 == 24 && m2 != 0) || h1 * 60 + m1 >= h2 * 60 + m2)
		return -1;
	*start = h1 * 60 + m1;
	*end = h2 * 60 + m2;
	return 0;
}

/* "mon-fri" or "mon,tue,sat" -> bit per weekday (0 = Sunday). */
static int
weekdays(const char *v, unsigned *out)
{
	static const char names[7][4] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
	char buf[128], *save = NULL;
	unsigned bits = 0;

	if (snprintf(buf, sizeof(buf), "%s", v) >= (int)sizeof(buf))
		return -1;
	for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		int a = -1, b = -1;
		for (int i = 0; i < 7; i++) {
			if (strncasecmp(t, names[i], 3) == 0)
				a = i;
			if (strlen(t) == 7 && t[3] == '-' && strncasecmp(t + 4, names[i], 3) == 0)
				b = i;
		}
		if (a < 0 || (strlen(t) != 3 && b < 0))
			return -1;
		if (b < 0)
			b = a;
		for (int i = a;; i = (i + 1) % 7) {
			bits |= 1u << i;
			if (i == b)
				break;
		}
	}
	*out = bits;
	return 0;
}

/* "2026-01-01, 2026-05-03" -> day numbers. */
static int
dates(const char *v, int64_t *out, unsigned max, unsigned *n)
{
	char buf[1024], *save = NULL;

	if (snprintf(buf, sizeof(buf), "%s", v) >= (int)sizeof(buf))
		return -1;
	*n = 0;
	for (char *t = strtok_r(buf, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
		unsigned y, m, d;
		char tail;
		if (*n >= max || sscanf(t, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || m < 1 ||
		    m > 12 || d < 1 || d > 31)
			return -1;
		out[(*n)++] = wk_days_from_civil(y, m, d);
	}
	return 0;
}

/* "+09:00", "-0500", "Z" -> seconds east of UTC. */
static int
offset(const char *v, int *out)
{
	unsigned h, m = 0;

	if (strcmp(v, "Z") == 0 || strcmp(v, "UTC") == 0) {
		*out = 0;
		return 0;
	}
	if ((v[0] != '+' && v[0] != '-') ||
	    (sscanf(v + 1, "%2u:%2u", &h, &m) != 2 && sscanf(v + 1, "%2u%2u", &h, &m) < 1) || h > 14 ||
	    m > 59)
		return -1;
	*out = (v[0] == '-' ? -1 : 1) * (int)(h * 3600 + m * 60);
	return 0;
}

/* Copies v into a char array, which it must fit. */
#define COPY(dst, v) (strlen(v) < sizeof(dst) ? (memcpy(dst, v, strlen(v) + 1), 0) : -1)

/* [alerts] syslog: "" (off), local, unix:/PATH, udp:HOST:PORT. */
static int
syslog_target(const char *v, wk_config *c, char *why, size_t why_size)
{
	wk_syslog_target t;

	if (v[0] != '\0' && wk_syslog_target_parse(v, &t, why, why_size) != 0)
		return -1;
	return COPY(c->syslog_target, v);
}

static int
syslog_facility(const char *v, wk_config *c, char *why, size_t why_size)
{
	if ((c->syslog_facility = wk_syslog_facility(v)) < 0) {
		snprintf(why, why_size, "unknown facility '%s': use authpriv, auth, daemon, user "
					"or local0 to local7", v);
		return -1;
	}
	return 0;
}

/* [alerts] webhook: "" (off) or an http(s) URL; never repeated in errors. */
static int
webhook_url(const char *v, wk_config *c, char *why, size_t why_size)
{
	if (v[0] != '\0' && wk_webhook_url_check(v, why, why_size) != 0)
		return -1;
	return COPY(c->webhook_url, v);
}

/* [alerts] webhook_header: "Name: value", a secret: never repeated. */
static int
webhook_header(const char *v, wk_config *c, char *why, size_t why_size)
{
	if ((v[0] != '\0' && wk_webhook_header_check(v) != 0) || COPY(c->webhook_header, v) != 0) {
		/* why is always set: the generic message would print the value. */
		snprintf(why, why_size, "not a 'Name: value' header on one line, or longer than "
					"%d bytes (the value is not shown: it is a secret)",
			 WK_WEBHOOK_HEADER_MAX - 1);
		return -1;
	}
	return 0;
}

static int
webhook_timeout(const char *v, wk_config *c, char *why, size_t why_size)
{
	if (duration(v, &c->webhook_timeout) != 0 || c->webhook_timeout < 1 ||
	    c->webhook_timeout > WK_WEBHOOK_TIMEOUT_MAX) {
		snprintf(why, why_size, "bad value '%s': a duration of 1 s to %d s", v,
			 WK_WEBHOOK_TIMEOUT_MAX);
		return -1;
	}
	return 0;
}

static int
handler(void *user, const char *section, const char *key, const char *value)
{
	struct loader *ld = user;
	wk_config *c = ld->c;
	char why[320] = ""; /* what is wrong, when more than "bad value" */
	int r = -2; /* -2: unknown key */

#define IS(s, k) (strcmp(section, s) == 0 && strcmp(key, k) == 0)
	if (ld->failed)
		return 1;
	if (IS("auth", "brute_failures"))
		r = number(value, 0, 100000, &c->brute_failures);
	else if (IS("auth", "brute_window"))
		r = duration(value, &c->brute_window);
	else if (IS("auth", "spray_users"))
		r = number(value, 0, WK_DISTINCT_MAX, &c->spray_users);
	else if (IS("auth", "spray_window"))
		r = duration(value, &c->spray_window);
	else if (IS("auth", "distributed_sources"))
		r = number(value, 0, WK_DISTINCT_MAX, &c->distributed_sources);
	else if (IS("auth", "distributed_window"))
		r = duration(value, &c->distributed_window);
	else if (IS("multi_ip", "addresses"))
		r = number(value, 0, WK_DISTINCT_MAX, &c->multi_addresses);
	else if (IS("multi_ip", "window"))
		r = duration(value, &c->multi_window);
	else if (IS("trap", "users"))
		r = names(value, c->trap_users, &c->ntrap);
	else if (IS("proxy", "allowed_ports"))
		r = ports(value, c->allowed_ports, &c->nallowed);
	else if (IS("firewall", "allow"))
		r = sk_cidr_list_parse(value, c->fw_allow, WK_LIST_MAX, &c->nfw_allow) == 0 ? 0 : -1;
	else if (IS("firewall", "internal"))
		r = sk_cidr_list_parse(value, c->fw_internal, WK_LIST_MAX, &c->nfw_internal) == 0 ? 0 : -1;
	else if (IS("admin", "users"))
		r = names(value, c->admin_users, &c->nadmin);
	else if (IS("admin", "terminals"))
		r = sk_cidr_list_parse(value, c->admin_terminals, WK_LIST_MAX, &c->nadmin_terminals) == 0
			    ? 0
			    : -1;
	else if (IS("decoys", "addresses"))
		r = sk_cidr_list_parse(value, c->decoys, WK_LIST_MAX, &c->ndecoys) == 0 ? 0 : -1;
	else if (IS("offhours", "hours")) {
		r = hours(value, &c->day_start, &c->day_end);
		c->offhours_on = r == 0;
	} else if (IS("offhours", "days"))
		r = weekdays(value, &c->workdays);
	else if (IS("offhours", "holidays"))
		r = dates(value, c->holidays, 32, &c->nholidays);
	else if (IS("offhours", "timezone"))
		r = offset(value, &c->tz_offset);
	else if (IS("offhours", "count"))
		r = number(value, 1, 1000, &c->offhours_count);
	else if (IS("offhours", "window"))
		r = duration(value, &c->offhours_window);
	else if (IS("beacon", "min_connections"))
		r = number(value, 0, 1000000, &c->beacon_min);
	else if (IS("beacon", "window"))
		r = duration(value, &c->beacon_window);
	else if (IS("beacon", "min_interval"))
		r = duration(value, &c->beacon_min_interval);
	else if (IS("beacon", "score"))
		r = number(value, 1, 100, &c->beacon_score);
	else if (IS("proxy", "long_connect"))
		r = duration(value, &c->long_connect);
	else if (IS("volume", "bucket")) {
		r = duration(value, &c->volume_bucket);
		if (r == 0 && c->volume_bucket != 0 && (c->volume_bucket < 60 || 86400 % c->volume_bucket != 0) &&
		    c->volume_bucket % 86400 != 0)
			r = -1; /* buckets must tile the day: 1h, 15m, 1d, 7d */
	} else if (IS("volume", "history"))
		r = number(value, 3, 14, &c->volume_history);
	else if (IS("volume", "min_history"))
		r = number(value, 2, 14, &c->volume_min_history);
	else if (IS("volume", "high")) {
		r = number(value, 0, 1000000, &c->volume_high);
		r = r == 0 && c->volume_high == 1 ? -1 : r; /* a factor: 2 or more, 0 for off */
	}
	else if (IS("volume", "low")) {
		r = number(value, 0, 1000000, &c->volume_low);
		r = r == 0 && c->volume_low == 1 ? -1 : r; /* a factor: 2 or more, 0 for off */
	}
	else if (IS("volume", "min_bytes"))
		r = bytes(value, &c->volume_min_bytes);
	else if (IS("alerts", "report_every"))
		r = duration(value, &c->report_every) == 0 && c->report_every > 0 ? 0 : -1;
	else if (IS("alerts", "suppress"))
		r = duration(value, &c->suppress);
	else if (IS("alerts", "table_capacity"))
		r = number(value, 16, 1u << 24, &c->table_capacity);
	else if (IS("alerts", "syslog"))
		r = syslog_target(value, c, why, sizeof(why));
	else if (IS("alerts", "syslog_facility"))
		r = syslog_facility(value, c, why, sizeof(why));
	else if (IS("alerts", "webhook"))
		r = webhook_url(value, c, why, sizeof(why));
	else if (IS("alerts", "webhook_header"))
		r = webhook_header(value, c, why, sizeof(why));
	else if (IS("alerts", "webhook_ca"))
		r = COPY(c->webhook_ca, value);
	else if (IS("alerts", "webhook_timeout"))
		r = webhook_timeout(value, c, why, sizeof(why));
#undef IS
	if (r == 0)
		return 1;
	ld->failed = 1;
	if (r == -2)
		snprintf(ld->err, ld->err_size, "unknown key '%s' in [%s] (see docs/watch.md)", key,
			 section);
	else if (why[0] != '\0')
		snprintf(ld->err, ld->err_size, "[%s] %s: %s (see docs/watch.md)", section, key, why);
	else
		snprintf(ld->err, ld->err_size, "[%s] %s: bad value '%s' (see docs/watch.md)", section,
			 key, value);
	return 0;
}

int
wk_config_load(wk_config *c, const char *path, char *err, size_t err_size)
{
	struct loader ld = {c, err, err_size, 0};
	int line = ini_parse(path, handler, &ld);
	char msg[256];

	if (line == -1) {
		snprintf(err, err_size, "%s: cannot open", path);
		return -1;
	}
	if (line != 0) {
		snprintf(msg, sizeof(msg), "%s", ld.failed ? err : "syntax error");
		snprintf(err, err_size, "%s:%d: %s", path, line, msg);
		return -1;
	}
	/* A bearer header or a webhook URL (whose path is often the key) is a
	 * secret: like ssh with a private key, refuse a file every user reads. */
	if (c->webhook_header[0] != '\0' || c->webhook_url[0] != '\0') {
		struct stat st;
		if (stat(path, &st) == 0 && (st.st_mode & S_IROTH)) {
			snprintf(err, err_size,
				 "%s holds the webhook's URL or header, a secret, and every user can "
				 "read it: chmod o-r %s (600, or 640 for a group)",
				 path, path);
			return -1;
		}
	}
	if (c->volume_min_history > c->volume_history) {
		snprintf(err, err_size, "%s: [volume] min_history (%u) is more than history (%u)", path,
			 c->volume_min_history, c->volume_history);
		return -1;
	}
	return 0;
}
