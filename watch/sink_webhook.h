/*
 * watch/sink_webhook.h - the webhook alert sink of sekisho-watch (issue 5
 * "sinks").  Each alert is POSTed as its JSON object (Content-Type:
 * application/json) by libcurl on a worker thread, fed through a bounded
 * queue, so that a slow or dead receiver never stalls the reading of logs.
 *
 * - The queue holds WK_WEBHOOK_QUEUE alerts; when it is full the OLDEST
 *   waiting alert is dropped (and counted) to make room for the new one: after
 *   an outage the receiver gets the most recent alerts.  Every alert is still
 *   written to standard output or --alerts.
 * - Timeouts: connect min(5 s, timeout), the whole POST `timeout` (10 s).
 * - Retries: 3 attempts, 1 s then 2 s apart, on a connection error, a
 *   timeout, HTTP 429 or 5xx; none on other answers.  While the receiver is
 *   failing (the last alert could not be delivered), each alert gets one
 *   attempt, so a dead receiver does not hold the queue.
 * - TLS: the peer and host name are always verified (no option turns that
 *   off); a private CA's file may be given.  Only http and https; redirects
 *   are not followed.
 * - The optional header (a bearer secret) is never printed; the copies made
 *   here are wiped with sodium_memzero() when the sink is freed.  Messages
 *   name the URL's origin only (scheme, host, port): paths can hold secrets.
 */
#ifndef SEKISHO_WATCH_SINK_WEBHOOK_H
#define SEKISHO_WATCH_SINK_WEBHOOK_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"

#define WK_WEBHOOK_URL_MAX 2048
#define WK_WEBHOOK_HEADER_MAX 1024
#define WK_WEBHOOK_QUEUE 256        /* alerts waiting to be POSTed */
#define WK_WEBHOOK_TIMEOUT 10       /* seconds a POST may take, by default */
#define WK_WEBHOOK_TIMEOUT_MAX 600

/*
 * Checks a webhook URL: an absolute http:// or https:// URL with a host, no
 * user name or password in it (put credentials in the header), no spaces or
 * control characters, shorter than WK_WEBHOOK_URL_MAX.  Returns 0, or -1 with
 * what is wrong in err (which never repeats the URL: its path may be secret).
 */
int wk_webhook_url_check(const char *url, char *err, size_t err_size)
	__attribute__((warn_unused_result, nonnull));

/*
 * Writes "scheme://host:port" of a valid URL into out (for messages: never
 * the path or query).  Returns 0, or -1 when the URL does not parse.
 */
int wk_webhook_origin(const char *url, char *out, size_t size) __attribute__((nonnull));

/* 1 when url is plain http to a host other than the loopback (127.0.0.0/8,
 * ::1, localhost): the alerts, and the header, would cross a network in
 * clear text.  0 otherwise, or when the URL does not parse. */
int wk_webhook_cleartext(const char *url) __attribute__((nonnull));

/*
 * Checks an extra header, "Name: value": Name made of token characters,
 * a value that is not empty and holds no control character (so no CR or LF
 * can split the request), shorter than WK_WEBHOOK_HEADER_MAX.  Returns 0 or
 * -1; says nothing about why, since the value is a secret.
 */
int wk_webhook_header_check(const char *header) __attribute__((warn_unused_result, nonnull));

/* ---- the bounded queue (exposed for its unit test) --------------------- */

typedef struct wk_webhook_queue {
	char *item[WK_WEBHOOK_QUEUE];
	size_t len[WK_WEBHOOK_QUEUE];
	unsigned head, count;
} wk_webhook_queue;

/*
 * Appends a copy of s (len bytes).  When the queue is full the oldest item
 * is freed first.  Returns 0, 1 when the oldest was dropped, -1 when no
 * memory was left for the copy (the new item is dropped; nothing else is).
 */
int wk_webhook_queue_push(wk_webhook_queue *q, const char *s, size_t len)
	__attribute__((nonnull));

/* Takes the oldest item: a string the caller frees with free() (len bytes,
 * NUL-terminated), or NULL when the queue is empty. */
char *wk_webhook_queue_pop(wk_webhook_queue *q, size_t *len) __attribute__((nonnull));

/* Frees every item. */
void wk_webhook_queue_clear(wk_webhook_queue *q) __attribute__((nonnull));

/* ---- the sink ------------------------------------------------------------ */

typedef struct wk_webhook wk_webhook;

/*
 * Starts the sink: checks url and header, sets up libcurl and starts the
 * worker thread (with every signal blocked: they stay the main thread's).
 * header may be NULL or "" (none); ca_file may be NULL or "" (the system's
 * CAs); timeout_s is the longest one POST may take.  The sink keeps its own
 * copy of the header; the caller should wipe its own.  Returns NULL with the
 * reason in err.  Free with wk_webhook_free().
 */
wk_webhook *wk_webhook_new(const char *url, const char *header, const char *ca_file,
			   unsigned timeout_s, char *err, size_t err_size)
	__attribute__((nonnull(1, 5)));

/* Queues one alert's JSON (len bytes).  Never waits for the network. */
void wk_webhook_post(wk_webhook *w, const char *json, size_t len) __attribute__((nonnull));

/*
 * Delivers what is queued, waiting at most wait_s seconds in all, then stops
 * the worker (a POST still running is cut short).  Alerts left in the queue
 * are counted as unsent.  Call once, before reading the counts.
 */
void wk_webhook_finish(wk_webhook *w, unsigned wait_s) __attribute__((nonnull));

typedef struct wk_webhook_stats {
	uint64_t delivered, failed, dropped, unsent;
} wk_webhook_stats;

void wk_webhook_get_stats(wk_webhook *w, wk_webhook_stats *st) __attribute__((nonnull));

/* Writes one line on stderr when any alert failed, was dropped or unsent. */
void wk_webhook_report(wk_webhook *w) __attribute__((nonnull));

/* Finishes (if not done, without waiting), wipes the header and frees the
 * sink; NULL is a no-op. */
void wk_webhook_free(wk_webhook *w);

#endif
