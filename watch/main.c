/*
 * watch/main.c - `sekisho-watch`: reads the logs an organisation already has
 * and raises the alerts of the IPA design guide (issue 5; DESIGN 12, 14).
 *
 *   sekisho-watch [--config FILE] [--follow] [--state DIR] [--alerts FILE]
 *                 [--format json|text] [--report FILE.html] [--syslog TARGET]
 *                 [--webhook URL] SOURCE...
 *
 * A SOURCE is TYPE:PATH (PATH "-" is standard input).  Batch mode reads
 * every source to its end, in the order given, and exits 1 when any alert
 * fired, 0 when none did, 2 on a usage or input error.  --follow keeps
 * reading like tail -F until SIGINT or SIGTERM.  --state DIR keeps the
 * detectors' windows and each file's position in DIR/sekisho-watch.state,
 * written atomically at exit (and every minute when following), so that a
 * restart neither loses a window nor reads a line twice.  Lines that do not
 * parse are counted and one of them is shown per source, never fatal.
 * Alerts go to standard output or --alerts FILE, and also to a syslog
 * target and a webhook when set (sink_syslog.h, sink_webhook.h): a sink that
 * fails is counted and reported at exit, never fatal, and never holds up
 * the reading of logs.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "detect.h"
#include "report.h"
#include "source.h"

#define MAX_SOURCES 64
#define STATE_MAGIC "SKWATCH2" /* 2: the sshd-connection and traffic tables (2026-12) */
#define SAVE_EVERY 60 /* seconds, when following */
#define IDLE_NS 200000000L /* 0.2 s between polls of idle files (tail -F polls each second) */

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: sekisho-watch [--config FILE] [--follow] [--state DIR] [--alerts FILE]\n"
		"                     [--format json|text] [--report FILE.html]\n"
		"                     [--syslog TARGET] [--webhook URL] SOURCE...\n"
		"  SOURCE is TYPE:PATH, PATH '-' for standard input; TYPE is one of\n"
		"  sshd, squid, firewall, sekisho, winevt (a .evtx file, or exported XML).\n"
		"  --syslog TARGET also sends each alert to syslog: local, unix:/PATH or\n"
		"  udp:HOST:PORT.  --webhook URL also POSTs each alert (JSON) to an http(s)\n"
		"  URL; its secret header goes in the config file ([alerts] webhook_header).\n"
		"Exit status: 0 no alert, 1 alerts fired, 2 usage or input error.\n"
		"Settings and rules: docs/watch.md.\n");
}

/* ---- state ----------------------------------------------------------------- */

struct saved_pos {
	char spec[1024];
	uint64_t dev, ino, offset;
};

static int
state_path(const char *dir, char *out, size_t size, const char *suffix)
{
	int n = snprintf(out, size, "%s/sekisho-watch.state%s", dir, suffix);
	return n > 0 && (size_t)n < size ? 0 : -1;
}

/* Writes tables and positions to a new file and renames it over the old one. */
static int
state_save(const char *dir, const wk_detect *d, const wk_input *src, int n)
{
	char tmp[4096], path[4096];
	uint32_t count = (uint32_t)n;
	FILE *f;
	int ok;

	if (state_path(dir, tmp, sizeof(tmp), ".new") != 0 ||
	    state_path(dir, path, sizeof(path), "") != 0 || (f = fopen(tmp, "wb")) == NULL) {
		fprintf(stderr, "sekisho-watch: cannot write the state in %s: %s\n", dir,
			strerror(errno));
		return -1;
	}
	ok = fwrite(STATE_MAGIC, 8, 1, f) == 1 && wk_detect_save(d, f) == 0 &&
	     fwrite(&count, sizeof(count), 1, f) == 1;
	for (int i = 0; ok && i < n; i++) {
		struct saved_pos p;
		memset(&p, 0, sizeof(p));
		snprintf(p.spec, sizeof(p.spec), "%s", src[i].spec);
		p.dev = (uint64_t)src[i].dev;
		p.ino = (uint64_t)src[i].ino;
		p.offset = src[i].offset - src[i].len; /* an unfinished line is read again */
		ok = fwrite(&p, sizeof(p), 1, f) == 1;
	}
	ok = ok && fflush(f) == 0 && fsync(fileno(f)) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(tmp, path) != 0) {
		fprintf(stderr, "sekisho-watch: cannot write the state %s: %s\n", path,
			strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Loads tables and positions; a missing file is a first start. */
static int
state_load(const char *dir, wk_detect *d, struct saved_pos *pos, int *npos)
{
	char path[4096], magic[8];
	uint32_t count;
	FILE *f;

	*npos = 0;
	if (state_path(dir, path, sizeof(path), "") != 0)
		return -1;
	if ((f = fopen(path, "rb")) == NULL)
		return errno == ENOENT ? 0 : -1;
	if (fread(magic, 8, 1, f) != 1 || memcmp(magic, STATE_MAGIC, 8) != 0 ||
	    wk_detect_load(d, f) != 0 || fread(&count, sizeof(count), 1, f) != 1 ||
	    count > MAX_SOURCES) {
		fclose(f);
		return -1;
	}
	for (uint32_t i = 0; i < count; i++) {
		if (fread(&pos[i], sizeof(pos[i]), 1, f) != 1) {
			fclose(f);
			return -1;
		}
		pos[i].spec[sizeof(pos[i].spec) - 1] = '\0';
	}
	*npos = (int)count;
	fclose(f);
	return 0;
}

/* ---- sinks ----------------------------------------------------------------- */

/* The config is static so that the webhook secret in it is wiped on every
 * way out of main (wipe_config is registered with atexit). */
static wk_config cfg;

static void
wipe_config(void)
{
	sodium_memzero(cfg.webhook_header, sizeof(cfg.webhook_header));
}

/* Opens the syslog and webhook sinks the settings and options ask for. */
static int
open_sinks(wk_sink *sink, const char *syslog_opt, const char *webhook_opt)
{
	char err[512];

	if (syslog_opt != NULL &&
	    snprintf(cfg.syslog_target, sizeof(cfg.syslog_target), "%s", syslog_opt) >=
		    (int)sizeof(cfg.syslog_target)) {
		fprintf(stderr, "sekisho-watch: --syslog: the target is too long\n");
		return -1;
	}
	if (webhook_opt != NULL &&
	    snprintf(cfg.webhook_url, sizeof(cfg.webhook_url), "%s", webhook_opt) >=
		    (int)sizeof(cfg.webhook_url)) {
		fprintf(stderr, "sekisho-watch: --webhook: the URL is too long\n");
		return -1;
	}
	if (cfg.syslog_target[0] != '\0' &&
	    (sink->syslog = wk_syslog_open(cfg.syslog_target, cfg.syslog_facility, err,
					   sizeof(err))) == NULL) {
		fprintf(stderr, "sekisho-watch: %s\n", err);
		return -1;
	}
	if (cfg.webhook_url[0] != '\0') {
		sink->webhook = wk_webhook_new(cfg.webhook_url, cfg.webhook_header, cfg.webhook_ca,
					       cfg.webhook_timeout, err, sizeof(err));
		if (sink->webhook == NULL) {
			fprintf(stderr, "sekisho-watch: %s\n", err);
			return -1;
		}
		if (wk_webhook_cleartext(cfg.webhook_url))
			fprintf(stderr, "sekisho-watch: warning: the webhook is plain http to another "
					"host: alerts%s cross the network unencrypted (use https)\n",
				cfg.webhook_header[0] != '\0' ? " and the webhook header" : "");
	}
	/* The webhook holds its own copy; the detectors copy the settings. */
	wipe_config();
	return 0;
}

/* Delivers what the webhook still holds (for at most its timeout), reports
 * what any sink failed to send, and closes them. */
static void
close_sinks(wk_sink *sink)
{
	if (sink->webhook != NULL) {
		wk_webhook_finish(sink->webhook, cfg.webhook_timeout);
		wk_webhook_report(sink->webhook);
		wk_webhook_free(sink->webhook);
		sink->webhook = NULL;
	}
	if (sink->syslog != NULL) {
		wk_syslog_report(sink->syslog);
		wk_syslog_close(sink->syslog);
		sink->syslog = NULL;
	}
}

/* ---- main ------------------------------------------------------------------ */

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"alerts", required_argument, NULL, 'a'},
		{"format", required_argument, NULL, 'f'},
		{"follow", no_argument, NULL, 'F'},
		{"state", required_argument, NULL, 's'},
		{"report", required_argument, NULL, 'r'},
		{"syslog", required_argument, NULL, 'S'},
		{"webhook", required_argument, NULL, 'W'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	static wk_input src[MAX_SOURCES];
	static struct saved_pos pos[MAX_SOURCES];
	const char *state_dir = NULL, *report = NULL, *syslog_opt = NULL, *webhook_opt = NULL;
	wk_sink sink = {.out = stdout, .json = 1};
	wk_detect *d;
	char err[512];
	int c, rc = 0, follow = 0, nsrc = 0, npos = 0;

	wk_config_default(&cfg);
	atexit(wipe_config);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (wk_config_load(&cfg, optarg, err, sizeof(err)) != 0) {
				fprintf(stderr, "sekisho-watch: %s\n", err);
				return 2;
			}
			break;
		case 'a':
			if ((sink.out = fopen(optarg, "a")) == NULL) {
				fprintf(stderr, "sekisho-watch: %s: %s\n", optarg, strerror(errno));
				return 2;
			}
			break;
		case 'f':
			if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
				fprintf(stderr, "sekisho-watch: --format is json or text\n");
				return 2;
			}
			sink.json = optarg[0] == 'j';
			break;
		case 'F':
			follow = 1;
			break;
		case 's':
			state_dir = optarg;
			break;
		case 'r':
			report = optarg;
			break;
		case 'S':
			syslog_opt = optarg;
			break;
		case 'W':
			webhook_opt = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc || argc - optind > MAX_SOURCES) {
		usage(stderr);
		return 2;
	}
	if (report != NULL && (sink.kept = calloc(WK_KEPT_ALERTS, sizeof(*sink.kept))) == NULL)
		return 2;
	if (open_sinks(&sink, syslog_opt, webhook_opt) != 0) {
		close_sinks(&sink);
		return 2;
	}
	if ((d = wk_detect_new(&cfg, &sink)) == NULL) {
		fprintf(stderr, "sekisho-watch: out of memory\n");
		close_sinks(&sink);
		return 2;
	}
	if (state_dir != NULL && state_load(state_dir, d, pos, &npos) != 0) {
		/* A damaged or foreign state must not stop the watch: start afresh. */
		fprintf(stderr, "sekisho-watch: %s/sekisho-watch.state was written with other settings "
				"or by another version, or is damaged; starting with empty windows\n",
			state_dir);
		wk_detect_free(d);
		if ((d = wk_detect_new(&cfg, &sink)) == NULL) {
			close_sinks(&sink);
			return 2;
		}
		npos = 0;
	}
	for (int i = optind; i < argc; i++) {
		wk_input *s = &src[nsrc];
		uint64_t dev = 0, ino = 0, offset = 0;
		if (wk_source_init(s, argv[i]) != 0) {
			rc = 2;
			continue;
		}
		for (int j = 0; j < npos; j++)
			if (strcmp(pos[j].spec, s->spec) == 0) {
				dev = pos[j].dev;
				ino = pos[j].ino;
				offset = pos[j].offset;
			}
		nsrc++;
		if (s->parse == NULL) { /* winevt: whole files, once */
			if (wk_source_read_winevt(s, d) != 0)
				rc = 2;
			continue;
		}
		if (wk_source_open(s, (dev_t)dev, (ino_t)ino, offset) != 0)
			rc = follow ? rc : 2; /* following: it may appear later */
		else if (wk_source_poll(s, d, !follow) < 0)
			rc = 2;
	}
	if (!follow)
		wk_detect_finish(d); /* the buckets that ended before the last line */
	if (follow) {
		struct sigaction sa;
		time_t saved = time(NULL);

		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		fflush(sink.out);
		/* Saved once at the start too: the state file's presence says the
		 * watch is up and will save again when stopped. */
		if (state_dir != NULL)
			(void)state_save(state_dir, d, src, nsrc);
		time_t reported = time(NULL);
		long unreported = 1; /* lines read since the report was written */

		while (!stopping) {
			long got = 0;
			int lined = 0, open = 0; /* line sources; those that may still bring lines */
			for (int i = 0; i < nsrc; i++) {
				if (src[i].parse == NULL)
					continue;
				lined++;
				long r = wk_source_poll(&src[i], d, 0);
				got += r > 0 ? r : 0;
				if (r == 0)
					(void)wk_source_check_rotation(&src[i], d);
				open += !src[i].ended;
			}
			/* Only standard input ends; when every source has, stop as on
			 * SIGTERM (state saved, report written). */
			if (lined > 0 && open == 0) {
				fprintf(stderr, "sekisho-watch: standard input closed; stopping\n");
				stopping = 1;
			}
			fflush(sink.out);
			if (state_dir != NULL && time(NULL) - saved >= SAVE_EVERY) {
				(void)state_save(state_dir, d, src, nsrc);
				saved = time(NULL);
			}
			/* The page a person keeps open: rewritten (atomically) when
			 * lines came in, at most every [alerts] report_every. */
			unreported += got;
			if (report != NULL && unreported > 0 &&
			    time(NULL) - reported >= (time_t)cfg.report_every) {
				if (wk_report_write(report, &sink, src, nsrc, d) != 0)
					fprintf(stderr, "sekisho-watch: cannot write the report %s: %s\n",
						report, strerror(errno));
				reported = time(NULL);
				unreported = 0;
			}
			if (got == 0) {
				struct timespec ts = {0, IDLE_NS};
				nanosleep(&ts, NULL);
			}
		}
	}
	fflush(sink.out);
	for (int i = 0; i < nsrc; i++)
		wk_source_summary(&src[i]);
	close_sinks(&sink);
	if (wk_detect_evicted(d) > 0)
		fprintf(stderr, "sekisho-watch: %llu table entries evicted (memory stayed bounded; "
				"raise [alerts] table_capacity to keep more)\n",
			(unsigned long long)wk_detect_evicted(d));
	fprintf(stderr, "sekisho-watch: %llu alerts\n", (unsigned long long)sink.emitted);
	if (state_dir != NULL && state_save(state_dir, d, src, nsrc) != 0)
		rc = 2;
	if (report != NULL && wk_report_write(report, &sink, src, nsrc, d) != 0) {
		fprintf(stderr, "sekisho-watch: cannot write the report %s: %s\n", report,
			strerror(errno));
		rc = 2;
	}
	free(sink.kept);
	for (int i = 0; i < nsrc; i++)
		wk_source_close(&src[i]);
	wk_detect_free(d);
	if (sink.out != stdout)
		fclose(sink.out);
	if (rc != 0)
		return rc;
	return sink.emitted > 0 ? 1 : 0;
}
