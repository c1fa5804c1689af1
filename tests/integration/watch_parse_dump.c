/*
 * tests/integration/watch_parse_dump.c - prints what sekisho-watch's parsers
 * make of a log, one tab-separated line per input line or record, for the
 * integration tests (96_squid.sh builds it against build/libwatch.a).
 *
 *   watch_parse_dump squid [FILE]       Squid access.log lines (stdin by default)
 *   watch_parse_dump evtx FILE          records of a .evtx file (libevtx)
 *   watch_parse_dump winevt-xml [FILE]  <Event> elements of an XML file
 *
 * Output columns: kind ts src src_port user method url dst dst_port status
 * result bytes duration_ms host workstation logon_type; an empty field is
 * "", a tab or a control character is written as \xNN.  A line that does not
 * parse is "UNPARSED" and the line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event.h"
#include "parsers/winevt.h"

static const char *const kinds[WK__COUNT] = {
	"NONE", "AUTH_OK", "AUTH_FAIL", "AUTH_INVALID_USER", "SESSION_END", "PROXY",
	"FW_DROP", "FW_ACCEPT", "ADMIN_LOGON", "EXPLICIT_CRED", "SERVICE_INSTALL",
	"SHARE_ACCESS", "TASK_CREATE", "KERBEROS", "ACCOUNT",
};

static void
put(wk_str s)
{
	putchar('\t');
	for (size_t i = 0; i < s.n; i++) {
		unsigned char c = (unsigned char)s.p[i];
		if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static void
dump(const wk_event *ev)
{
	printf("%s\t%lld", ev->kind < WK__COUNT ? kinds[ev->kind] : "?", (long long)ev->ts);
	put(ev->src);
	printf("\t%u", ev->src_port);
	put(ev->user);
	put(ev->method);
	put(ev->url);
	put(ev->dst);
	printf("\t%u\t%d", ev->dst_port, ev->status);
	put(ev->result);
	printf("\t%llu\t%u", (unsigned long long)ev->bytes, ev->duration_ms);
	put(ev->host);
	put(ev->workstation);
	printf("\t%d\n", ev->logon_type);
}

static int
record(void *arg, const wk_event *ev, const char *xml, size_t len)
{
	(void)arg;
	if (ev != NULL)
		dump(ev);
	else
		printf("UNPARSED\t%.*s\n", (int)(len > 200 ? 200 : len), xml);
	return 0;
}

int
main(int argc, char **argv)
{
	FILE *in = stdin;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	wk_event ev;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s squid|evtx|winevt-xml [FILE]\n", argv[0]);
		return 2;
	}
	if (strcmp(argv[1], "evtx") == 0) {
		char err[512];
		if (argc != 3) {
			fprintf(stderr, "%s: evtx needs a FILE\n", argv[0]);
			return 2;
		}
		if (wk_winevt_read_file(argv[2], record, NULL, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		return 0;
	}
	if (argc == 3 && (in = fopen(argv[2], "r")) == NULL) {
		perror(argv[2]);
		return 1;
	}
	if (strcmp(argv[1], "squid") == 0) {
		while ((n = getline(&line, &cap, in)) >= 0) {
			size_t len = (size_t)n;
			if (len > 0 && line[len - 1] == '\n')
				len--;
			if (wk_parse_squid(line, len, 2026, &ev))
				dump(&ev);
			else
				printf("UNPARSED\t%.*s\n", (int)len, line);
		}
	} else if (strcmp(argv[1], "winevt-xml") == 0) {
		char *all = NULL;
		size_t size = 0, off = 0;
		FILE *m = open_memstream(&all, &size);
		char chunk[65536];
		size_t got;
		wk_str one;

		if (m == NULL)
			return 1;
		while ((got = fread(chunk, 1, sizeof(chunk), in)) > 0)
			fwrite(chunk, 1, got, m);
		fclose(m);
		while (wk_winevt_xml_next(all, size, &off, &one))
			record(NULL, wk_parse_winevt_xml(one.p, one.n, &ev) ? &ev : NULL, one.p, one.n);
		free(all);
	} else {
		fprintf(stderr, "%s: unknown type %s\n", argv[0], argv[1]);
		return 2;
	}
	free(line);
	if (in != stdin)
		fclose(in);
	return 0;
}
