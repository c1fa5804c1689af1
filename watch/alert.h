/*
 * watch/alert.h - alerts: what fired, why, on which keys, with evidence
 * (issue 5 "Alerts and reports").  One JSON object per line, or a line of
 * text; a suppression window per (rule, key) keeps a flood to one alert.
 */
#ifndef SEKISHO_WATCH_ALERT_H
#define SEKISHO_WATCH_ALERT_H

#include <stdint.h>
#include <stdio.h>

#define WK_EVIDENCE_MAX 3
#define WK_EVIDENCE_LEN 512

typedef struct wk_alert {
	const char *rule;          /* "auth.spray" */
	const char *severity;      /* "high", "medium", "low" */
	const char *requirement;   /* "E1", "A5", ... */
	char summary[320];
	int64_t first_seen, last_seen;
	uint32_t count;
	const char *key_name[3];   /* "source", "user", ... (NULL ends) */
	char key_value[3][96];
	char evidence[WK_EVIDENCE_MAX][WK_EVIDENCE_LEN];
	int nevidence;
} wk_alert;

#define WK_KEPT_ALERTS 500   /* alerts kept for --report */
#define WK_RULES_MAX 48      /* distinct rules counted for --report (there are 23) */

/*
 * The longest alert JSON object wk_alert_json writes, without the newline:
 * every field of wk_alert is bounded, and even when every byte of them must
 * be escaped as \u00XX (six bytes) the object fits (checked in alert.c).
 */
#define WK_ALERT_JSON_MAX 16384

typedef struct wk_syslog wk_syslog;   /* sink_syslog.h */
typedef struct wk_webhook wk_webhook; /* sink_webhook.h */

typedef struct wk_sink {
	FILE *out;                 /* stdout or --alerts FILE */
	int json;                  /* 1: JSON lines; 0: text */
	uint64_t emitted;
	wk_alert *kept;            /* --report: the latest WK_KEPT_ALERTS alerts (a ring), or NULL */
	size_t nkept;              /* alerts in kept[] */
	wk_syslog *syslog;         /* --syslog / [alerts] syslog, or NULL (not owned) */
	wk_webhook *webhook;       /* --webhook / [alerts] webhook, or NULL (not owned) */
	uint64_t kept_next;        /* the ring's next slot, modulo WK_KEPT_ALERTS */
	struct wk_rule_count {     /* every alert counted by rule, for --report */
		const char *rule, *severity, *requirement;
		uint64_t count;
	} rules[WK_RULES_MAX];
	size_t nrules;
} wk_sink;

/*
 * Writes one alert: a line on s->out, and the same JSON object to the
 * syslog and webhook sinks when they are set.  The JSON is built once.
 * Never blocks on a network sink: syslog sends are non-blocking and the
 * webhook only queues.
 */
void wk_alert_emit(wk_sink *s, const wk_alert *a);

/*
 * Writes the alert's JSON object (no newline) into buf and NUL-terminates it.
 * Returns its length, or 0 when it does not fit in size bytes (it always
 * fits in WK_ALERT_JSON_MAX + 1 while rule, severity, requirement and key
 * names are the detectors' short literals).
 */
size_t wk_alert_json(const wk_alert *a, char *buf, size_t size)
	__attribute__((nonnull));

/* Copies one evidence line (control characters shown as '?'). */
void wk_alert_evidence(wk_alert *a, const char *line, size_t len);

#endif
