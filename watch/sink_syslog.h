/*
 * watch/sink_syslog.h - the syslog alert sink of sekisho-watch (issue 5
 * "sinks").  Each alert is one syslog message whose text is the alert's JSON
 * object.  Three targets:
 *
 *   local          the local syslog daemon through syslog(3): ident
 *                  "sekisho-watch", the configured facility
 *   unix:/PATH     a unix datagram socket (/dev/log, a collector's socket):
 *                  RFC 5424 messages written here
 *   udp:HOST:PORT  a remote collector over UDP (RFC 5426): RFC 5424 messages
 *
 * unix: and udp: sends never block: a message the receiver cannot take now
 * is counted as failed, never retried, never fatal.
 */
#ifndef SEKISHO_WATCH_SINK_SYSLOG_H
#define SEKISHO_WATCH_SINK_SYSLOG_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"

#define WK_SYSLOG_TARGET_MAX 256 /* "udp:collector.example:514", "unix:/dev/log" */

typedef enum wk_syslog_kind {
	WK_SYSLOG_LOCAL,
	WK_SYSLOG_UNIX,
	WK_SYSLOG_UDP,
} wk_syslog_kind;

/* A target as written, split (no name resolved yet). */
typedef struct wk_syslog_target {
	wk_syslog_kind kind;
	char path[108];            /* unix: the socket's path (sun_path's size) */
	char host[WK_SYSLOG_TARGET_MAX]; /* udp: a name, an IPv4 address or an IPv6 one without [] */
	char port[8];              /* udp: "514" */
} wk_syslog_target;

/*
 * Splits a target: "local", "unix:/absolute/path" or "udp:HOST:PORT" (an
 * IPv6 HOST in brackets: "udp:[2001:db8::1]:514").  Returns 0, or -1 with
 * what is wrong in err (which names the target).
 */
int wk_syslog_target_parse(const char *target, wk_syslog_target *out, char *err,
			   size_t err_size) __attribute__((warn_unused_result, nonnull));

/* The facility named name ("authpriv", "auth", "daemon", "user", "local0" to
 * "local7"), as a LOG_* value (already shifted); -1 when unknown. */
int wk_syslog_facility(const char *name) __attribute__((nonnull));

/* The syslog severity (LOG_CRIT ... LOG_NOTICE) of an alert severity:
 * critical, high, medium, low; anything else is LOG_NOTICE. */
int wk_syslog_severity(const char *severity) __attribute__((nonnull));

/*
 * Formats one RFC 5424 message into buf:
 *   <PRI>1 TIMESTAMP HOSTNAME sekisho-watch PROCID alert - MSG
 * with TIMESTAMP the UTC time sec.usec (microseconds), HOSTNAME host reduced
 * to what RFC 5424 allows (printable US-ASCII, at most 255; "-" if empty) and
 * MSG msg as it is (MSG-ANY: no BOM, as log text need not be UTF-8).  Returns
 * the length (not NUL-terminated), or 0 when it does not fit in size.
 */
size_t wk_syslog_format(char *buf, size_t size, int pri, int64_t sec, long usec,
			const char *host, long pid, const char *msg, size_t msg_len)
	__attribute__((nonnull));

typedef struct wk_syslog wk_syslog;

/*
 * Opens the sink: for local, openlog(3); for unix:, a non-blocking datagram
 * socket (sent to the path each time, so a restarted daemon's new socket is
 * found); for udp:, the name resolved now (once) and a non-blocking socket.
 * facility is a LOG_* value.  Returns NULL with the reason in err.  The
 * caller frees the sink with wk_syslog_close().
 */
wk_syslog *wk_syslog_open(const char *target, int facility, char *err, size_t err_size)
	__attribute__((nonnull));

/* Sends one alert's JSON (len bytes) with the severity's priority.  Never
 * blocks (local: as far as syslog(3) does not); a failure is counted. */
void wk_syslog_send(wk_syslog *s, const char *severity, const char *json, size_t len)
	__attribute__((nonnull));

/* Messages sent, and failed (unix:, udp: only: syslog(3) reports nothing). */
uint64_t wk_syslog_sent(const wk_syslog *s) __attribute__((nonnull));
uint64_t wk_syslog_failed(const wk_syslog *s) __attribute__((nonnull));

/* Writes a line on stderr when some sends failed (the last error with it). */
void wk_syslog_report(const wk_syslog *s) __attribute__((nonnull));

/* Closes the sink; NULL is a no-op. */
void wk_syslog_close(wk_syslog *s);

#endif
