/* watch/alert.c - alert output (see alert.h). */
#include <string.h>
#include <time.h>

#include "alert.h"
#include "sink_syslog.h"
#include "sink_webhook.h"

/* Literal strings (rule, severity, requirement, key names) are assumed no
 * longer than this when bounding the JSON object; a longer one only makes
 * wk_alert_json return 0. */
#define LITERAL_MAX 64
#define ESCAPED(n) (6 * (n) + 2) /* worst case: every byte \u00XX, plus quotes */
_Static_assert(256 /* field names, punctuation, count */ + 3 * ESCAPED(LITERAL_MAX) +
			       ESCAPED(sizeof(((wk_alert *)0)->summary)) +
			       3 * (ESCAPED(LITERAL_MAX) + ESCAPED(sizeof(((wk_alert *)0)->key_value[0])) + 1) +
			       2 * 32 + WK_EVIDENCE_MAX * (ESCAPED(WK_EVIDENCE_LEN) + 1) <
		       WK_ALERT_JSON_MAX,
	       "WK_ALERT_JSON_MAX does not hold the longest alert");

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

/* A bounded output buffer: once something did not fit, over stays set. */
struct jbuf {
	char *p;
	size_t n, size;
	int over;
};

static void
jb_put(struct jbuf *b, const char *s, size_t n)
{
	if (b->over || n >= b->size - b->n) { /* keep a byte for the NUL */
		b->over = 1;
		return;
	}
	memcpy(b->p + b->n, s, n);
	b->n += n;
}

static void
jb_puts(struct jbuf *b, const char *s)
{
	jb_put(b, s, strlen(s));
}

/* A JSON string literal: quotes, backslashes and control bytes escaped. */
static void
jb_str(struct jbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(s);

	jb_put(b, "\"", 1);
	for (size_t i = 0; i < n;) {
		/* a run of bytes that need no escape, copied at once (UTF-8 passes
		 * through; invalid bytes stay as they are) */
		size_t run = i;
		while (run < n && (unsigned char)s[run] >= 0x20 && s[run] != 0x7f && s[run] != '"' &&
		       s[run] != '\\')
			run++;
		jb_put(b, s + i, run - i);
		if ((i = run) == n)
			break;
		unsigned char c = (unsigned char)s[i++];
		char esc[2] = {'\\', (char)c};
		if (c == '"' || c == '\\') {
			jb_put(b, esc, 2);
		} else {
			char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
			jb_put(b, u, 6);
		}
	}
	jb_put(b, "\"", 1);
}

size_t
wk_alert_json(const wk_alert *a, char *buf, size_t size)
{
	struct jbuf b = {buf, 0, size, size == 0};
	char first[32], last[32], count[16];

	time_str(a->first_seen, first, sizeof(first));
	time_str(a->last_seen, last, sizeof(last));
	snprintf(count, sizeof(count), "%u", a->count);
	jb_puts(&b, "{\"rule\":");
	jb_str(&b, a->rule);
	jb_puts(&b, ",\"severity\":");
	jb_str(&b, a->severity);
	jb_puts(&b, ",\"requirement\":");
	jb_str(&b, a->requirement);
	jb_puts(&b, ",\"summary\":");
	jb_str(&b, a->summary);
	jb_puts(&b, ",\"first_seen\":");
	jb_str(&b, first);
	jb_puts(&b, ",\"last_seen\":");
	jb_str(&b, last);
	jb_puts(&b, ",\"count\":");
	jb_puts(&b, count);
	jb_puts(&b, ",\"keys\":{");
	for (int i = 0; i < 3 && a->key_name[i]; i++) {
		if (i > 0)
			jb_put(&b, ",", 1);
		jb_str(&b, a->key_name[i]);
		jb_put(&b, ":", 1);
		jb_str(&b, a->key_value[i]);
	}
	jb_puts(&b, "},\"evidence\":[");
	for (int i = 0; i < a->nevidence && i < WK_EVIDENCE_MAX; i++) {
		if (i > 0)
			jb_put(&b, ",", 1);
		jb_str(&b, a->evidence[i]);
	}
	jb_puts(&b, "]}");
	if (b.over) {
		if (size > 0)
			buf[0] = '\0';
		return 0;
	}
	buf[b.n] = '\0';
	return b.n;
}

void
wk_alert_emit(wk_sink *s, const wk_alert *a)
{
	char json[WK_ALERT_JSON_MAX + 1];
	size_t n = 0;

	s->emitted++;
	if (s->kept != NULL) {
		s->kept[s->kept_next++ % WK_KEPT_ALERTS] = *a;
		if (s->nkept < WK_KEPT_ALERTS)
			s->nkept++;
	}
	{
		size_t r = 0;
		while (r < s->nrules && strcmp(s->rules[r].rule, a->rule) != 0)
			r++;
		if (r == s->nrules && r < WK_RULES_MAX)
			s->rules[s->nrules++] = (struct wk_rule_count){a->rule, a->severity, a->requirement, 0};
		if (r < s->nrules)
			s->rules[r].count++;
	}
	if ((s->json || s->syslog != NULL || s->webhook != NULL) &&
	    (n = wk_alert_json(a, json, sizeof(json))) == 0)
		fprintf(stderr, "sekisho-watch: alert %s does not fit in %d bytes of JSON; "
				"only its text is written\n",
			a->rule, WK_ALERT_JSON_MAX);
	if (s->json && n > 0) {
		fwrite(json, 1, n, s->out);
		fputc('\n', s->out);
	} else {
		char last[32];
		time_str(a->last_seen, last, sizeof(last));
		fprintf(s->out, "%s [%s] %s (%s): %s", last, a->severity, a->rule, a->requirement,
			a->summary);
		for (int i = 0; i < 3 && a->key_name[i]; i++)
			fprintf(s->out, " %s=%s", a->key_name[i], a->key_value[i]);
		fputc('\n', s->out);
	}
	if (n == 0)
		return;
	if (s->syslog != NULL)
		wk_syslog_send(s->syslog, a->severity, json, n);
	if (s->webhook != NULL)
		wk_webhook_post(s->webhook, json, n);
}
