/*
 * watch/detect.h - sekisho-watch's detectors and their settings (issue 5;
 * DESIGN 12).  Each detector keys its bounded tables by what the IPA guide
 * (seed 003) and the IoT countermeasures (seed 001) watch for; thresholds
 * come from the [sections] of --config (docs/watch.md lists them all).
 */
#ifndef SEKISHO_WATCH_DETECT_H
#define SEKISHO_WATCH_DETECT_H

#include "alert.h"
#include "event.h"
#include "sekisho/access.h"
#include "sink_syslog.h"
#include "sink_webhook.h"
#include "table.h"

#define WK_LIST_MAX 16

typedef struct wk_config {
	/* [auth]: failed sign-ins (A5, E1; seed 003 視1) */
	unsigned brute_failures, brute_window;          /* one user from one source: 10 in 10 min */
	unsigned spray_users, spray_window;             /* users one source fails on: 8 in 30 min */
	unsigned distributed_sources, distributed_window; /* sources failing one user: 8 in 30 min */
	/* [multi_ip] (E1): one user signed in from several addresses at once */
	unsigned multi_addresses, multi_window;         /* 2 addresses within 10 min */
	/* [trap] (E5) */
	char trap_users[WK_LIST_MAX][64];
	unsigned ntrap;
	/* [proxy] (E3) */
	unsigned allowed_ports[WK_LIST_MAX];
	unsigned nallowed;                              /* 443 */
	/* [firewall] (E2) */
	sk_cidr fw_allow[WK_LIST_MAX];                  /* known updaters: not alerted */
	unsigned nfw_allow;
	sk_cidr fw_internal[WK_LIST_MAX];               /* the terminals' networks: RFC 1918, ULA */
	unsigned nfw_internal;
	/* [admin] (E6) */
	char admin_users[WK_LIST_MAX][64];
	unsigned nadmin;
	sk_cidr admin_terminals[WK_LIST_MAX];
	unsigned nadmin_terminals;
	/* [decoys] (E7) */
	sk_cidr decoys[WK_LIST_MAX];
	unsigned ndecoys;
	/* [offhours] (E1, D3): sign-ins outside business hours, again and again */
	int offhours_on;                                /* off until hours are set */
	unsigned day_start, day_end;                    /* minutes after midnight: 08:00-19:00 */
	unsigned workdays;                              /* bit 0 = Sunday ... 6 = Saturday: mon-fri */
	int tz_offset;                                  /* seconds east of UTC: +09:00 */
	int64_t holidays[32];                           /* day numbers (days since 1970-01-01) */
	unsigned nholidays;
	unsigned offhours_count, offhours_window;       /* 2 from one terminal within 7 days */
	/* [beacon] (E4): regular connections from one client to one destination */
	unsigned beacon_min, beacon_window;             /* at least 12 connections in 24 h */
	unsigned beacon_min_interval;                   /* 10 s: faster is a download, not a beacon */
	unsigned beacon_score;                          /* percent, 80 */
	unsigned long_connect;                          /* seconds a CONNECT may last: 1 h */
	/* [volume] (E8): a source's traffic far above or below its own baseline */
	unsigned volume_bucket;                         /* seconds summed together: 1 day */
	unsigned volume_history, volume_min_history;    /* buckets kept: 14; needed first: 7 */
	unsigned volume_high, volume_low;               /* factors over / under the median: 5, 5 */
	uint64_t volume_min_bytes;                      /* smaller changes are noise: 1 MiB */
	unsigned report_every;                          /* [alerts] --report rewritten while following: 60 s */
	/* [alerts] */
	unsigned suppress;                              /* one alert per rule and key per hour */
	unsigned table_capacity;                        /* entries per table: 8192 */
	/* [alerts] sinks */
	char syslog_target[WK_SYSLOG_TARGET_MAX];       /* local, unix:/PATH, udp:HOST:PORT; "": off */
	int syslog_facility;                            /* a LOG_* value: LOG_AUTHPRIV */
	char webhook_url[WK_WEBHOOK_URL_MAX];           /* an http(s) URL; "": off */
	char webhook_header[WK_WEBHOOK_HEADER_MAX];     /* "Name: value": a secret, never printed */
	char webhook_ca[4096];                          /* a private CA's PEM file; "": the system's */
	unsigned webhook_timeout;                       /* seconds one POST may take: 10 */
} wk_config;

void wk_config_default(wk_config *c);
/* Reads an INI file over the defaults; 0, or -1 with a message naming file:line and key. */
int wk_config_load(wk_config *c, const char *path, char *err, size_t err_size);

typedef struct wk_detect wk_detect;

wk_detect *wk_detect_new(const wk_config *c, wk_sink *sink);
void wk_detect_free(wk_detect *d);

/* Feeds one event; line is its raw text (the alert's evidence). */
void wk_detect_event(wk_detect *d, const wk_event *ev, const char *line, size_t len);

/*
 * The end of a batch run: judges every [volume] bucket that ended before
 * the newest event seen (the bucket still open is left alone).
 */
void wk_detect_finish(wk_detect *d);

/* Saves / restores every table (--state); 0, or -1 when the file does not fit. */
int wk_detect_save(const wk_detect *d, FILE *f);
int wk_detect_load(wk_detect *d, FILE *f);

/* The n client addresses with most events (approximate once tables evict), most first. */
size_t wk_detect_top_sources(const wk_detect *d, const wk_entry **out, size_t n);

/* Entries evicted from full tables (reported: memory stayed bounded). */
uint64_t wk_detect_evicted(const wk_detect *d);

#endif
