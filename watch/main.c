/*
 * watch/main.c - `sekisho-watch`: reads the logs an organisation already has
 * and raises the alerts of the IPA design guide (issue 5; DESIGN 12, 14).
 *
 *   sekisho-watch [--config FILE] [--alerts FILE] [--format json|text] SOURCE...
 *
 * A SOURCE is TYPE:PATH (PATH "-" is standard input).  Batch mode reads
 * every source to its end, in the order given, and exits 1 when any alert
 * fired, 0 when none did, 2 on a usage or input error.  Lines that do not
 * parse are counted and one of them is shown per source on stderr, never
 * fatal.  (--follow, --state and --report are the next steps of issue 5.)
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "detect.h"
#include "event.h"
#include "parsers/winevt.h"

#define LINE_MAX_BYTES 65536


/* The parser of a source type; *known is 0 for a name we do not have. */
static wk_parse_fn
parser_of(const char *type, int *known)
{
	*known = 1;
	if (strcmp(type, "sshd") == 0)
		return wk_parse_sshd;
	if (strcmp(type, "squid") == 0)
		return wk_parse_squid;
	if (strcmp(type, "firewall") == 0)
		return wk_parse_firewall;
	if (strcmp(type, "sekisho") == 0)
		return wk_parse_sekisho;
	*known = 0;
	return NULL;
}

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: sekisho-watch [--config FILE] [--alerts FILE] [--format json|text] SOURCE...\n"
		"  SOURCE is TYPE:PATH, PATH '-' for standard input; TYPE is one of\n"
		"  sshd, squid, firewall, sekisho, winevt (a .evtx file, or exported XML).\n"
		"Exit status: 0 no alert, 1 alerts fired, 2 usage or input error.\n"
		"Settings and rules: docs/watch.md.\n");
}

struct counts {
	unsigned long long lines, events, unparsed, truncated;
	char sample[160];
	unsigned long long sample_line;
};

/* The year of a file's last change: RFC 3164 timestamps have none. */
static int
year_of(FILE *f)
{
	struct stat st;
	time_t t = time(NULL);
	struct tm tm;

	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode))
		t = st.st_mtime;
	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

struct winevt_ctx {
	wk_detect *d;
	struct counts *n;
};

static int
winevt_one(void *arg, const wk_event *ev, const char *xml, size_t len)
{
	struct winevt_ctx *w = arg;

	w->n->lines++;
	if (ev == NULL) {
		if (w->n->unparsed++ == 0) {
			snprintf(w->n->sample, sizeof(w->n->sample), "%.*s",
				 (int)(len < 150 ? len : 150), xml ? xml : "");
			w->n->sample_line = w->n->lines;
		}
		return 0;
	}
	if (ev->kind != WK_NONE)
		w->n->events++;
	wk_detect_event(w->d, ev, xml, len);
	return 0;
}

/*
 * Windows event logs: a .evtx file through libevtx, or a file of exported
 * <Event> XML (Windows' "Save as XML", evtxexport -f xml), read whole.
 */
static int
read_winevt(const char *path, wk_detect *d, struct counts *n)
{
	struct winevt_ctx w = {d, n};
	size_t len = strlen(path), off = 0, size = 0, cap = 0;
	char err[256], *buf = NULL;
	wk_str one;
	wk_event ev;
	FILE *f;

	if (len < 4 || strcmp(path + len - 4, ".xml") != 0) {
		if (wk_winevt_read_file(path, winevt_one, &w, err, sizeof(err)) < 0) {
			fprintf(stderr, "sekisho-watch: %s: %s\n", path, err);
			return -1;
		}
		return 0;
	}
	if ((f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r")) == NULL) {
		fprintf(stderr, "sekisho-watch: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (size == cap) {
			char *nb = cap < (256u << 20) ? realloc(buf, cap ? cap * 2 : 65536) : NULL;
			if (nb == NULL) {
				fprintf(stderr, "sekisho-watch: %s: too large (at most 256 MiB of XML)\n",
					path);
				free(buf);
				if (f != stdin)
					fclose(f);
				return -1;
			}
			buf = nb;
			cap = cap ? cap * 2 : 65536;
		}
		size_t got = fread(buf + size, 1, cap - size, f);
		if (got == 0)
			break;
		size += got;
	}
	if (f != stdin)
		fclose(f);
	while (wk_winevt_xml_next(buf, size, &off, &one)) {
		memset(&ev, 0, sizeof(ev));
		(void)winevt_one(&w, wk_parse_winevt_xml(one.p, one.n, &ev) ? &ev : NULL, one.p, one.n);
	}
	free(buf);
	return 0;
}

static int
read_source(const char *spec, wk_detect *d, struct counts *n)
{
	const char *colon = strchr(spec, ':');
	char type[16];
	wk_parse_fn parse;
	int known;
	FILE *f;
	char *line;
	wk_event ev;
	int year;

	if (colon == NULL || (size_t)(colon - spec) >= sizeof(type) || colon[1] == '\0') {
		fprintf(stderr, "sekisho-watch: '%s' is not TYPE:PATH (e.g. sshd:/var/log/auth.log)\n",
			spec);
		return -1;
	}
	memcpy(type, spec, (size_t)(colon - spec));
	type[colon - spec] = '\0';
	if (strcmp(type, "winevt") == 0)
		return read_winevt(colon + 1, d, n);
	if ((parse = parser_of(type, &known)) == NULL) {
		(void)known;
		fprintf(stderr, "sekisho-watch: unknown source type '%s' (sshd, squid, firewall, "
				"sekisho, winevt)\n", type);
		return -1;
	}
	if (strcmp(colon + 1, "-") == 0)
		f = stdin;
	else if ((f = fopen(colon + 1, "r")) == NULL) {
		fprintf(stderr, "sekisho-watch: %s: %s\n", colon + 1, strerror(errno));
		return -1;
	}
	if ((line = malloc(LINE_MAX_BYTES)) == NULL) {
		if (f != stdin)
			fclose(f);
		return -1;
	}
	year = year_of(f);
	while (fgets(line, LINE_MAX_BYTES, f) != NULL) {
		size_t len = strlen(line);
		int whole = len > 0 && line[len - 1] == '\n';
		if (whole)
			line[--len] = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		n->lines++;
		if (!whole && !feof(f)) {
			/* Longer than we read: count it, skip the rest of it. */
			int c;
			n->truncated++;
			while ((c = fgetc(f)) != EOF && c != '\n')
				;
		}
		memset(&ev, 0, sizeof(ev));
		if (!parse(line, len, year, &ev)) {
			if (n->unparsed++ == 0) {
				snprintf(n->sample, sizeof(n->sample), "%.*s", (int)(len < 150 ? len : 150),
					 line);
				n->sample_line = n->lines;
			}
			continue;
		}
		if (ev.kind != WK_NONE)
			n->events++;
		wk_detect_event(d, &ev, line, len);
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"alerts", required_argument, NULL, 'a'},
		{"format", required_argument, NULL, 'f'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	wk_config cfg;
	wk_sink sink = {stdout, 1, 0, {0}};
	wk_detect *d;
	char err[512];
	int c, rc = 0;

	wk_config_default(&cfg);
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
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if ((d = wk_detect_new(&cfg, &sink)) == NULL) {
		fprintf(stderr, "sekisho-watch: out of memory\n");
		return 2;
	}
	for (int i = optind; i < argc; i++) {
		struct counts n;
		memset(&n, 0, sizeof(n));
		if (read_source(argv[i], d, &n) != 0) {
			rc = 2;
			continue;
		}
		fprintf(stderr, "sekisho-watch: %s: %llu lines, %llu events, %llu unparsed", argv[i],
			n.lines, n.events, n.unparsed);
		if (n.truncated)
			fprintf(stderr, ", %llu longer than %d bytes", n.truncated, LINE_MAX_BYTES);
		if (n.unparsed)
			fprintf(stderr, " (line %llu: %s)", n.sample_line, n.sample);
		fputc('\n', stderr);
	}
	fflush(sink.out);
	if (wk_detect_evicted(d) > 0)
		fprintf(stderr, "sekisho-watch: %llu table entries evicted (memory stayed bounded; "
				"raise [alerts] table_capacity to keep more)\n",
			(unsigned long long)wk_detect_evicted(d));
	fprintf(stderr, "sekisho-watch: %llu alerts\n", (unsigned long long)sink.emitted);
	wk_detect_free(d);
	if (sink.out != stdout)
		fclose(sink.out);
	if (rc != 0)
		return rc;
	return sink.emitted > 0 ? 1 : 0;
}
