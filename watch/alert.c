/* watch/alert.c - alert output (see alert.h). */
#include <string.h>
#include <time.h>

#include "alert.h"

void
wk_json_str(FILE *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";

	fputc('"', out);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			fputc('\\', out);
			fputc(c, out);
		} else if (c < 0x20 || c == 0x7f) {
			fprintf(out, "\\u00%c%c", hex[c >> 4], hex[c & 15]);
		} else {
			fputc(c, out); /* UTF-8 passes through; invalid bytes stay as they are */
		}
	}
	fputc('"', out);
}

static void
time_str(int64_t ts, char *buf, size_t size)
{
	time_t t = (time_t)ts;
	struct tm tm;

	if (ts <= 0 || gmtime_r(&t, &tm) == NULL)
		snprintf(buf, size, "-");
	else
		strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
wk_alert_evidence(wk_alert *a, const char *line, size_t len)
{
	char *d;

	if (a->nevidence >= WK_EVIDENCE_MAX)
		return;
	d = a->evidence[a->nevidence++];
	if (len > WK_EVIDENCE_LEN - 1)
		len = WK_EVIDENCE_LEN - 1;
	for (size_t i = 0; i < len; i++)
		d[i] = (unsigned char)line[i] < 0x20 || line[i] == 0x7f ? '?' : line[i];
	d[len] = '\0';
}

void
wk_alert_emit(wk_sink *s, const wk_alert *a)
{
	char first[32], last[32];

	time_str(a->first_seen, first, sizeof(first));
	time_str(a->last_seen, last, sizeof(last));
	s->emitted++;
	if (s->kept != NULL && s->nkept < WK_KEPT_ALERTS)
		s->kept[s->nkept++] = *a;
	if (!s->json) {
		fprintf(s->out, "%s [%s] %s (%s): %s", last, a->severity, a->rule, a->requirement,
			a->summary);
		for (int i = 0; i < 3 && a->key_name[i]; i++)
			fprintf(s->out, " %s=%s", a->key_name[i], a->key_value[i]);
		fputc('\n', s->out);
		return;
	}
	fputs("{\"rule\":", s->out);
	wk_json_str(s->out, a->rule, strlen(a->rule));
	fputs(",\"severity\":", s->out);
	wk_json_str(s->out, a->severity, strlen(a->severity));
	fputs(",\"requirement\":", s->out);
	wk_json_str(s->out, a->requirement, strlen(a->requirement));
	fputs(",\"summary\":", s->out);
	wk_json_str(s->out, a->summary, strlen(a->summary));
	fprintf(s->out, ",\"first_seen\":\"%s\",\"last_seen\":\"%s\",\"count\":%u,\"keys\":{", first,
		last, a->count);
	for (int i = 0; i < 3 && a->key_name[i]; i++) {
		if (i > 0)
			fputc(',', s->out);
		wk_json_str(s->out, a->key_name[i], strlen(a->key_name[i]));
		fputc(':', s->out);
		wk_json_str(s->out, a->key_value[i], strlen(a->key_value[i]));
	}
	fputs("},\"evidence\":[", s->out);
	for (int i = 0; i < a->nevidence; i++) {
		if (i > 0)
			fputc(',', s->out);
		wk_json_str(s->out, a->evidence[i], strlen(a->evidence[i]));
	}
	fputs("]}\n", s->out);
}
