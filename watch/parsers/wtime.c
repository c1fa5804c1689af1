/* watch/parsers/wtime.c - log timestamps by hand (see wtime.h). */
#include "wtime.h"

static const char months[12][3] = {{'J','a','n'},{'F','e','b'},{'M','a','r'},{'A','p','r'},
				   {'M','a','y'},{'J','u','n'},{'J','u','l'},{'A','u','g'},
				   {'S','e','p'},{'O','c','t'},{'N','o','v'},{'D','e','c'}};

/* H. Hinnant's days_from_civil. */
int64_t
wk_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static int
digits(const char *s, size_t n, size_t at, size_t count, unsigned *out)
{
	unsigned v = 0;

	if (at + count > n)
		return 0;
	for (size_t i = at; i < at + count; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 1;
}

static int
month_of(const char *s, size_t n, size_t at, unsigned *m)
{
	if (at + 3 > n)
		return 0;
	for (unsigned i = 0; i < 12; i++)
		if (s[at] == months[i][0] && s[at + 1] == months[i][1] && s[at + 2] == months[i][2]) {
			*m = i + 1;
			return 1;
		}
	return 0;
}

static int
valid(unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned se)
{
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 23 && mi <= 59 && se <= 60;
}

static int64_t
to_unix(int64_t y, unsigned mo, unsigned d, unsigned h, unsigned mi, unsigned se)
{
	return wk_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
}

/* ".123456" after the seconds: microseconds; returns bytes used. */
static size_t
fraction(const char *s, size_t n, size_t at, int32_t *us)
{
	size_t i = at + 1;
	int32_t v = 0, scale = 100000;

	*us = 0;
	if (at >= n || (s[at] != '.' && s[at] != ','))
		return 0;
	while (i < n && s[i] >= '0' && s[i] <= '9') {
		if (scale > 0) {
			v += (s[i] - '0') * scale;
			scale /= 10;
		}
		i++;
	}
	if (i == at + 1)
		return 0;
	*us = v;
	return i - at;
}

size_t
wk_time_rfc3164(const char *s, size_t n, int year, int64_t *ts, int32_t *us)
{
	unsigned mo, d, h, mi, se;

	/* "Mmm dd hh:mm:ss" : 15 bytes; day " 4" or "04" or "14" */
	if (n < 15 || !month_of(s, n, 0, &mo) || s[3] != ' ')
		return 0;
	if (s[4] == ' ') {
		if (!digits(s, n, 5, 1, &d))
			return 0;
	} else if (!digits(s, n, 4, 2, &d)) {
		return 0;
	}
	if (s[6] != ' ' || !digits(s, n, 7, 2, &h) || s[9] != ':' || !digits(s, n, 10, 2, &mi) ||
	    s[12] != ':' || !digits(s, n, 13, 2, &se) || !valid(mo, d, h, mi, se))
		return 0;
	*ts = to_unix(year, mo, d, h, mi, se);
	size_t used = 15 + fraction(s, n, 15, us);
	return used;
}

/* "Z", "+09:00", "+0900", "-05" or nothing; returns bytes and the offset in seconds. */
static size_t
zone(const char *s, size_t n, size_t at, int64_t *off)
{
	unsigned zh, zm = 0;
	int sign;

	*off = 0;
	if (at >= n)
		return 0;
	if (s[at] == 'Z' || s[at] == 'z')
		return 1;
	if (s[at] != '+' && s[at] != '-')
		return 0;
	sign = s[at] == '-' ? -1 : 1;
	if (!digits(s, n, at + 1, 2, &zh) || zh > 23)
		return 0;
	size_t used = 3;
	if (at + 3 < n && s[at + 3] == ':' && digits(s, n, at + 4, 2, &zm))
		used = 6;
	else if (digits(s, n, at + 3, 2, &zm))
		used = 5;
	if (zm > 59)
		return 0;
	*off = sign * (int64_t)(zh * 3600 + zm * 60);
	return used;
}

size_t
wk_time_iso8601(const char *s, size_t n, int64_t *ts, int32_t *us)
{
	unsigned y, mo, d, h, mi, se;
	int64_t off;
	size_t at;

	if (!digits(s, n, 0, 4, &y) || n < 19 || s[4] != '-' || !digits(s, n, 5, 2, &mo) ||
	    s[7] != '-' || !digits(s, n, 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') ||
	    !digits(s, n, 11, 2, &h) || s[13] != ':' || !digits(s, n, 14, 2, &mi) || s[16] != ':' ||
	    !digits(s, n, 17, 2, &se) || !valid(mo, d, h, mi, se))
		return 0;
	at = 19 + fraction(s, n, 19, us);
	at += zone(s, n, at, &off);
	*ts = to_unix(y, mo, d, h, mi, se) - off;
	return at;
}

size_t
wk_time_clf(const char *s, size_t n, int64_t *ts, int32_t *us)
{
	unsigned d, mo, y, h, mi, se;
	int64_t off;
	size_t z;

	/* "22/Nov/2026:05:00:00 +0900" : 26 bytes */
	if (n < 20 || !digits(s, n, 0, 2, &d) || s[2] != '/' || !month_of(s, n, 3, &mo) ||
	    s[6] != '/' || !digits(s, n, 7, 4, &y) || s[11] != ':' || !digits(s, n, 12, 2, &h) ||
	    s[14] != ':' || !digits(s, n, 15, 2, &mi) || s[17] != ':' || !digits(s, n, 18, 2, &se) ||
	    !valid(mo, d, h, mi, se))
		return 0;
	*us = 0;
	if (n > 21 && s[20] == ' ' && (z = zone(s, n, 21, &off)) != 0) {
		*ts = to_unix(y, mo, d, h, mi, se) - off;
		return 21 + z;
	}
	*ts = to_unix(y, mo, d, h, mi, se);
	return 20;
}

size_t
wk_time_epoch(const char *s, size_t n, int64_t *ts, int32_t *us)
{
	int64_t v = 0;
	size_t i = 0;

	while (i < n && s[i] >= '0' && s[i] <= '9' && i < 12)
		v = v * 10 + (s[i++] - '0');
	if (i < 9 || (i < n && s[i] >= '0' && s[i] <= '9'))
		return 0; /* not a plausible epoch (before 1973, or too long) */
	*ts = v;
	return i + fraction(s, n, i, us);
}
