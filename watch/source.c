/* watch/source.c - reading the logs, in batch or like tail -F (see source.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "parsers/winevt.h"
#include "source.h"

static wk_parse_fn
parser_of(const char *type)
{
	if (strcmp(type, "sshd") == 0)
		return wk_parse_sshd;
	if (strcmp(type, "squid") == 0)
		return wk_parse_squid;
	if (strcmp(type, "firewall") == 0)
		return wk_parse_firewall;
	if (strcmp(type, "sekisho") == 0)
		return wk_parse_sekisho;
	return NULL;
}

int
wk_source_init(wk_input *s, const char *spec)
{
	const char *colon = strchr(spec, ':');
	size_t tl;

	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (colon == NULL || (tl = (size_t)(colon - spec)) >= sizeof(s->type) || colon[1] == '\0' ||
	    strlen(spec) >= sizeof(s->spec)) {
		fprintf(stderr, "sekisho-watch: '%s' is not TYPE:PATH (e.g. sshd:/var/log/auth.log)\n",
			spec);
		return -1;
	}
	memcpy(s->spec, spec, strlen(spec) + 1);
	memcpy(s->type, spec, tl);
	s->type[tl] = '\0';
	s->path = s->spec + tl + 1;
	if (strcmp(s->type, "winevt") == 0)
		return 0;
	if ((s->parse = parser_of(s->type)) == NULL) {
		fprintf(stderr, "sekisho-watch: unknown source type '%s' (sshd, squid, firewall, "
				"sekisho, winevt)\n", s->type);
		return -1;
	}
	if ((s->buf = malloc(WK_LINE_MAX)) == NULL)
		return -1;
	return 0;
}

void
wk_source_close(wk_input *s)
{
	if (s->fd > 0)
		close(s->fd);
	s->fd = -1;
	free(s->buf);
	s->buf = NULL;
}

/* The year of the file's last change: RFC 3164 timestamps have none. */
static int
year_of(const struct stat *st)
{
	time_t t = st != NULL && S_ISREG(st->st_mode) ? st->st_mtime : time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	return tm.tm_year + 1900;
}

int
wk_source_open(wk_input *s, dev_t dev, ino_t ino, uint64_t offset)
{
	struct stat st;

	if (strcmp(s->path, "-") == 0) {
		s->fd = 0;
		s->stream = 1;
		s->year = year_of(NULL);
		return 0;
	}
	if ((s->fd = open(s->path, O_RDONLY | O_CLOEXEC)) == -1) {
		/* Following, this is tried five times a second: say it once (and
		 * again only if the reason changes), not a line per try. */
		if (errno != s->open_errno)
			fprintf(stderr, "sekisho-watch: %s: %s\n", s->path, strerror(errno));
		s->open_errno = errno;
		return -1;
	}
	if (s->open_errno != 0 && s->open_errno != ENOENT)
		fprintf(stderr, "sekisho-watch: %s: readable now\n", s->path);
	s->open_errno = 0;
	if (fstat(s->fd, &st) != 0) {
		close(s->fd);
		s->fd = -1;
		return -1;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->year = year_of(&st);
	s->offset = 0;
	s->len = 0;
	s->skipping = 0;
	/* Where the last run stopped, if this is still that file. */
	if (offset > 0 && st.st_dev == dev && st.st_ino == ino && (uint64_t)st.st_size >= offset &&
	    lseek(s->fd, (off_t)offset, SEEK_SET) == (off_t)offset)
		s->offset = offset;
	return 0;
}

void
wk_input_timeline(wk_input *s, int64_t ts)
{
	const size_t n = sizeof(s->tl) / sizeof(s->tl[0]);

	if (ts <= 0)
		return;
	if (s->tl_step == 0) {
		s->tl_start = ts - ts % 60;
		s->tl_step = 60;
	}
	if (ts < s->tl_start)
		return; /* out of order and older than the first: left out of the picture */
	while ((uint64_t)(ts - s->tl_start) / s->tl_step >= n && s->tl_step < (1u << 30)) {
		for (size_t i = 0; i < n / 2; i++)
			s->tl[i] = s->tl[2 * i] + s->tl[2 * i + 1];
		memset(s->tl + n / 2, 0, n / 2 * sizeof(s->tl[0]));
		s->tl_step *= 2;
	}
	size_t b = (size_t)((uint64_t)(ts - s->tl_start) / s->tl_step);
	if (b < n)
		s->tl[b]++;
}

static void
one_line(wk_input *s, wk_detect *d, const char *line, size_t len)
{
	wk_event ev;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	s->lines++;
	memset(&ev, 0, sizeof(ev));
	if (!s->parse(line, len, s->year, &ev)) {
		if (s->unparsed++ == 0) {
			snprintf(s->sample, sizeof(s->sample), "%.*s", (int)(len < 150 ? len : 150),
				 line);
			s->sample_line = s->lines;
		}
		return;
	}
	if (ev.kind != WK_NONE) {
		s->events++;
		wk_input_timeline(s, ev.ts);
	}
	wk_detect_event(d, &ev, line, len);
}

long
wk_source_poll(wk_input *s, wk_detect *d, int at_end_is_eof)
{
	long total = 0;
	ssize_t got = 0;

	if (s->fd < 0 || s->parse == NULL || s->ended)
		return 0;
	for (;;) {
		/* Following standard input (journalctl -f | sekisho-watch --follow
		 * sshd:-): read only what is there, never wait in read() while the
		 * other sources, the state and a stop signal wait too. */
		if (s->stream && !at_end_is_eof) {
			struct pollfd p = {s->fd, POLLIN, 0};
			if (poll(&p, 1, 0) <= 0)
				break;
		}
		if ((got = read(s->fd, s->buf + s->len, WK_LINE_MAX - s->len)) <= 0) {
			if (got == 0 && s->stream)
				s->ended = 1;
			break;
		}
		size_t start = 0, end = s->len + (size_t)got;
		total += got;
		s->offset += (uint64_t)got;
		for (size_t i = s->len; i < end; i++) {
			if (s->buf[i] != '\n')
				continue;
			if (!s->skipping)
				one_line(s, d, s->buf + start, i - start);
			s->skipping = 0;
			start = i + 1;
		}
		memmove(s->buf, s->buf + start, end - start);
		s->len = end - start;
		if (s->len == WK_LINE_MAX) {
			/* A line longer than we keep: counted, its rest skipped. */
			s->truncated++;
			s->lines++;
			s->skipping = 1;
			s->len = 0;
		}
	}
	if (got < 0 && errno != EAGAIN && errno != EINTR) {
		fprintf(stderr, "sekisho-watch: %s: %s\n", s->path, strerror(errno));
		return -1;
	}
	if ((at_end_is_eof || s->ended) && s->len > 0 && !s->skipping) {
		one_line(s, d, s->buf, s->len); /* the last line, without its newline */
		s->len = 0;
	}
	return total;
}

int
wk_source_check_rotation(wk_input *s, wk_detect *d)
{
	struct stat st;

	if (strcmp(s->path, "-") == 0 || s->parse == NULL)
		return 0;
	if (stat(s->path, &st) != 0)
		return 0; /* between rename and create: wait for the new file */
	if (s->fd >= 0 && st.st_dev == s->dev && st.st_ino == s->ino) {
		if ((uint64_t)st.st_size >= s->offset)
			return 0;
		/* Truncated (copytruncate): read it again from the start. */
		if (lseek(s->fd, 0, SEEK_SET) == 0) {
			s->offset = 0;
			s->len = 0;
			s->skipping = 0;
		}
		return 1;
	}
	/* Rotated: finish the old file, then the new one from its start. */
	if (s->fd >= 0) {
		(void)wk_source_poll(s, d, 1);
		close(s->fd);
		s->fd = -1;
	}
	return wk_source_open(s, 0, 0, 0) == 0;
}

/* ---- Windows event logs ---------------------------------------------------- */

struct winevt_ctx {
	wk_input *s;
	wk_detect *d;
};

static int
winevt_one(void *arg, const wk_event *ev, const char *xml, size_t len)
{
	struct winevt_ctx *w = arg;
	wk_input *s = w->s;

	s->lines++;
	if (ev == NULL) {
		if (s->unparsed++ == 0) {
			snprintf(s->sample, sizeof(s->sample), "%.*s", (int)(len < 150 ? len : 150),
				 xml ? xml : "");
			s->sample_line = s->lines;
		}
		return 0;
	}
	if (ev->kind != WK_NONE) {
		s->events++;
		wk_input_timeline(s, ev->ts);
	}
	wk_detect_event(w->d, ev, xml, len);
	return 0;
}

/*
 * A .evtx file through libevtx, or a file of exported <Event> XML (Windows'
 * "Save as XML", evtxexport -f xml) read whole.
 */
int
wk_source_read_winevt(wk_input *s, wk_detect *d)
{
	struct winevt_ctx w = {s, d};
	size_t len = strlen(s->path), off = 0, size = 0, cap = 0;
	char err[256], *buf = NULL;
	wk_str one;
	wk_event ev;
	FILE *f;

	if (len < 4 || strcmp(s->path + len - 4, ".xml") != 0) {
		if (wk_winevt_read_file(s->path, winevt_one, &w, err, sizeof(err)) < 0) {
			fprintf(stderr, "sekisho-watch: %s: %s\n", s->path, err);
			return -1;
		}
		return 0;
	}
	if ((f = strcmp(s->path, "-") == 0 ? stdin : fopen(s->path, "r")) == NULL) {
		fprintf(stderr, "sekisho-watch: %s: %s\n", s->path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (size == cap) {
			char *nb = cap < (256u << 20) ? realloc(buf, cap ? cap * 2 : 65536) : NULL;
			if (nb == NULL) {
				fprintf(stderr, "sekisho-watch: %s: too large (at most 256 MiB of XML)\n",
					s->path);
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

void
wk_source_summary(const wk_input *s)
{
	fprintf(stderr, "sekisho-watch: %s: %llu %s, %llu events, %llu unparsed", s->spec, s->lines,
		s->parse ? "lines" : "records", s->events, s->unparsed);
	if (s->truncated)
		fprintf(stderr, ", %llu longer than %d bytes", s->truncated, WK_LINE_MAX);
	if (s->unparsed)
		fprintf(stderr, " (line %llu: %s)", s->sample_line, s->sample);
	fputc('\n', stderr);
}
