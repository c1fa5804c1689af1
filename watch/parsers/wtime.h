/*
 * watch/parsers/wtime.h - the timestamps of the logs sekisho-watch reads,
 * parsed by hand (no strptime, no locale, no time zone database).
 *
 * Each returns the number of bytes consumed (0 when s does not start with
 * that form) and writes Unix seconds (UTC) and microseconds.
 */
#ifndef SEKISHO_WATCH_WTIME_H
#define SEKISHO_WATCH_WTIME_H

#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). */
int64_t wk_days_from_civil(int64_t y, unsigned m, unsigned d);

/*
 * RFC 3164 syslog: "Jun 14 15:16:01" (day may be space-padded: "Jun  4").
 * It has no year and no zone: year comes from the caller, the time is taken
 * as UTC (local logs: see sekisho-watch's --tz-offset).
 */
size_t wk_time_rfc3164(const char *s, size_t n, int year, int64_t *ts, int32_t *us);

/*
 * ISO 8601 / RFC 3339 / RFC 5424 and journald short-iso:
 * "2026-11-22T05:00:00Z", "2026-11-22T05:00:00.123456+09:00",
 * "2026-11-22T05:00:00+0900", and "2026-11-22 05:00:00" (no zone: UTC).
 */
size_t wk_time_iso8601(const char *s, size_t n, int64_t *ts, int32_t *us);

/* Common Log Format: "22/Nov/2026:05:00:00 +0900" (without the brackets). */
size_t wk_time_clf(const char *s, size_t n, int64_t *ts, int32_t *us);

/* Squid native: "1700000000.123" (seconds with optional milliseconds). */
size_t wk_time_epoch(const char *s, size_t n, int64_t *ts, int32_t *us);

#endif
