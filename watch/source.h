/*
 * watch/source.h - the logs sekisho-watch reads: TYPE:PATH, read in
 * increments so that the same code serves batch mode (to the end) and
 * --follow (like tail -F: a rotated file is finished and the new one read
 * from its start; a truncated file is read again from its start).
 */
#ifndef SEKISHO_WATCH_SOURCE_H
#define SEKISHO_WATCH_SOURCE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "detect.h"
#include "event.h"

#define WK_LINE_MAX 65536

typedef struct wk_input {
	char spec[1024];          /* as given: "sshd:/var/log/auth.log" */
	char type[16];
	const char *path;         /* into spec */
	wk_parse_fn parse;        /* NULL for winevt (records, not lines) */
	int fd;                   /* -1 while the file is missing */
	dev_t dev;
	ino_t ino;
	uint64_t offset;          /* bytes of this file consumed */
	int year;                 /* for RFC 3164 timestamps */
	char *buf;                /* WK_LINE_MAX bytes: the unfinished line */
	size_t len;
	int skipping;             /* inside a line longer than WK_LINE_MAX */
	int stream;               /* standard input: a pipe, not a file to poll */
	int ended;                /* standard input closed: nothing more will come */
	int open_errno;           /* the last open error reported (reported once) */
	/* events over time for --report: WK_TIMELINE buckets of tl_step seconds
	 * from tl_start; the step doubles (neighbours merged) when time runs past */
	int64_t tl_start;
	uint32_t tl_step;
	uint32_t tl[96];
	/* counts for the summary */
	unsigned long long lines, events, unparsed, truncated, sample_line;
	char sample[160];
} wk_input;

/* Parses spec; 0, or -1 with a message on stderr (unknown type, no path). */
int wk_source_init(wk_input *s, const char *spec);
void wk_source_close(wk_input *s);

/* Opens the file (standard input for "-"), at *offset when it is still the
 * same file (dev, ino) and not shorter; 0, or -1 (message on stderr). */
int wk_source_open(wk_input *s, dev_t dev, ino_t ino, uint64_t offset);

/*
 * Reads what is there now and feeds every complete line (in batch mode,
 * the last line even without its newline) to the detectors.  Returns the
 * number of bytes read; -1 on a read error.
 */
long wk_source_poll(wk_input *s, wk_detect *d, int at_end_is_eof);

/* --follow: reopens a rotated or truncated file; 1 when it did. */
int wk_source_check_rotation(wk_input *s, wk_detect *d);

/* Windows event logs are records: read the whole file (batch only). */
int wk_source_read_winevt(wk_input *s, wk_detect *d);

/* Counts one event at ts in the timeline. */
void wk_input_timeline(wk_input *s, int64_t ts);

/* The summary line on stderr. */
void wk_source_summary(const wk_input *s);

#endif
