/*
 * watch/report.c - `--report FILE.html`: one self-contained page (no
 * script, no external file) a person would rather look at than read raw
 * JSON: alerts per rule, the alerts themselves, a timeline per log source
 * (inline SVG), the busiest client addresses, and what did not parse.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "report.h"

static void
esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

static void
when(FILE *f, int64_t ts)
{
	char buf[32];
	time_t t = (time_t)ts;
	struct tm tm;

	if (ts <= 0 || gmtime_r(&t, &tm) == NULL) {
		fputs("-", f);
		return;
	}
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%SZ", &tm);
	fputs(buf, f);
}

/* Bars of one input's timeline, 96 buckets, scaled to the highest. */
static void
timeline(FILE *f, const wk_input *s)
{
	const size_t n = sizeof(s->tl) / sizeof(s->tl[0]);
	uint32_t max = 1;

	for (size_t i = 0; i < n; i++)
		if (s->tl[i] > max)
			max = s->tl[i];
	fprintf(f, "<svg viewBox=\"0 0 %zu 60\" preserveAspectRatio=\"none\" width=\"100%%\" "
		   "height=\"60\" role=\"img\" "
		   "aria-label=\"events over time\"><rect width=\"%zu\" height=\"60\" "
		   "fill=\"#f4f4f4\"/>",
		n * 6, n * 6);
	for (size_t i = 0; i < n; i++) {
		unsigned h = (unsigned)((uint64_t)s->tl[i] * 56 / max);
		if (s->tl[i] == 0)
			continue;
		if (h == 0)
			h = 1;
		fprintf(f, "<rect x=\"%zu\" y=\"%u\" width=\"5\" height=\"%u\" fill=\"#2b6cb0\"><title>",
			i * 6, 60 - h, h);
		when(f, s->tl_start + (int64_t)i * s->tl_step);
		fprintf(f, ": %u</title></rect>", s->tl[i]);
	}
	fputs("</svg>\n<p class=\"axis\">", f);
	when(f, s->tl_start);
	if (s->tl_step % 86400 == 0)
		fprintf(f, " &rarr; each bar %u d</p>\n", s->tl_step / 86400);
	else if (s->tl_step % 3600 == 0)
		fprintf(f, " &rarr; each bar %u h</p>\n", s->tl_step / 3600);
	else if (s->tl_step % 60 == 0)
		fprintf(f, " &rarr; each bar %u min</p>\n", s->tl_step / 60);
	else
		fprintf(f, " &rarr; each bar %u s</p>\n", s->tl_step);
}

int
wk_report_write(const char *path, const wk_sink *sink, const wk_input *in, int nin,
		const wk_detect *d)
{
	const wk_entry *top[10];
	size_t ntop = wk_detect_top_sources(d, top, 10);
	char tmp[4096];
	/* the ring's oldest alert first */
	size_t first = sink->nkept < WK_KEPT_ALERTS ? 0 : (size_t)(sink->kept_next % WK_KEPT_ALERTS);
	FILE *f;

	if (snprintf(tmp, sizeof(tmp), "%s.new", path) >= (int)sizeof(tmp) ||
	    (f = fopen(tmp, "w")) == NULL)
		return -1;
	fputs("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	      "<title>sekisho-watch report</title><style>"
	      "body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1100px;"
	      "padding:0 1em;color:#1a1a1a}h1{font-size:1.5em}h2{font-size:1.15em;margin-top:2em;"
	      "border-bottom:1px solid #ddd}table{border-collapse:collapse;width:100%}"
	      "th,td{text-align:left;padding:.3em .5em;border-bottom:1px solid #eee;"
	      "vertical-align:top}td.n{text-align:right}.critical{color:#fff;background:#9b1c1c}"
	      ".high{color:#fff;background:#c05621}.medium{background:#f6e05e}.low{background:#e2e8f0}"
	      ".sev{padding:.1em .4em;border-radius:3px;font-size:.85em}code{font-size:.85em;"
	      "word-break:break-all}.axis{color:#666;font-size:.85em;margin:.2em 0 1em}"
	      "</style></head><body>\n<h1>sekisho-watch report</h1>\n", f);
	fprintf(f, "<p>%llu alerts", (unsigned long long)sink->emitted);
	if (sink->emitted > sink->nkept)
		fprintf(f, " (the latest %zu are listed)", sink->nkept);
	fputs(" from these logs:</p>\n<table><tr><th>source</th><th>lines</th><th>events</th>"
	      "<th>did not parse</th></tr>\n", f);
	for (int i = 0; i < nin; i++) {
		fputs("<tr><td><code>", f);
		esc(f, in[i].spec);
		fprintf(f, "</code></td><td class=\"n\">%llu</td><td class=\"n\">%llu</td>"
			   "<td class=\"n\">%llu",
			in[i].lines, in[i].events, in[i].unparsed);
		if (in[i].unparsed) {
			fprintf(f, "<br>line %llu: <code>", in[i].sample_line);
			esc(f, in[i].sample);
			fputs("</code>", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n<h2>Alerts by rule</h2>\n", f);
	if (sink->nrules == 0)
		fputs("<p>None.</p>\n", f);
	else
		fputs("<table><tr><th>rule</th><th>severity</th><th>requirement</th><th>alerts</th></tr>\n",
		      f);
	for (size_t r = 0; r < sink->nrules; r++) {
		fputs("<tr><td>", f);
		esc(f, sink->rules[r].rule);
		fprintf(f, "</td><td><span class=\"sev %s\">%s</span></td><td>", sink->rules[r].severity,
			sink->rules[r].severity);
		esc(f, sink->rules[r].requirement);
		fprintf(f, "</td><td class=\"n\">%llu</td></tr>\n", (unsigned long long)sink->rules[r].count);
	}
	if (sink->nrules > 0)
		fputs("</table>\n", f);
	fputs("<h2>Timeline per log</h2>\n", f);
	for (int i = 0; i < nin; i++) {
		fputs("<p><code>", f);
		esc(f, in[i].spec);
		fputs("</code></p>\n", f);
		timeline(f, &in[i]);
	}
	fputs("<h2>Busiest client addresses</h2>\n<table><tr><th>address</th><th>events</th>"
	      "<th>last seen</th></tr>\n", f);
	for (size_t i = 0; i < ntop; i++) {
		fputs("<tr><td><code>", f);
		esc(f, top[i]->key);
		fprintf(f, "</code></td><td class=\"n\">%u</td><td>", top[i]->count);
		when(f, top[i]->last);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n<h2>Alerts</h2>\n", f);
	for (size_t i = 0; i < sink->nkept; i++) {
		const wk_alert *a = &sink->kept[(first + i) % WK_KEPT_ALERTS];
		fprintf(f, "<h3><span class=\"sev %s\">%s</span> ", a->severity, a->severity);
		esc(f, a->rule);
		fputs(" (", f);
		esc(f, a->requirement);
		fputs(")</h3>\n<p>", f);
		esc(f, a->summary);
		fputs("<br>", f);
		when(f, a->first_seen);
		fputs(" &ndash; ", f);
		when(f, a->last_seen);
		fprintf(f, ", %u events", a->count);
		for (int k = 0; k < 3 && a->key_name[k]; k++) {
			fputs("; ", f);
			esc(f, a->key_name[k]);
			fputs(" <code>", f);
			esc(f, a->key_value[k]);
			fputs("</code>", f);
		}
		fputs("</p>\n", f);
		for (int k = 0; k < a->nevidence; k++) {
			fputs("<pre><code>", f);
			esc(f, a->evidence[k]);
			fputs("</code></pre>\n", f);
		}
	}
	fputs("</body></html>\n", f);
	if (fclose(f) != 0 || rename(tmp, path) != 0) {
		remove(tmp);
		return -1;
	}
	return 0;
}
