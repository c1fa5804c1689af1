/*
 * tests/unit/test_watch_sinks.c - sekisho-watch's alert sinks: the alert's
 * JSON built once into a bounded buffer (even the longest alert fits, and
 * every sink gets the same bytes), RFC 5424 formatting, syslog targets,
 * facilities and severities, webhook URL and header checks, the bounded
 * queue that drops its oldest alert, the accounting of a webhook whose
 * receiver never answers, and the [alerts] settings with their errors (the
 * webhook secret never in one).  The real sockets and HTTP are in
 * tests/integration/99_watch_sinks.sh.
 */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include <cmocka.h>

#include "alert.h"
#include "detect.h"
#include "sink_syslog.h"
#include "sink_webhook.h"

static void
sample(wk_alert *a)
{
	memset(a, 0, sizeof(*a));
	a->rule = "auth.bruteforce";
	a->severity = "medium";
	a->requirement = "A5";
	snprintf(a->summary, sizeof(a->summary), "10 failed \"sign-ins\"");
	a->first_seen = 1795323600; /* 2026-11-22T05:00:00Z */
	a->last_seen = 1795323610;
	a->count = 10;
	a->key_name[0] = "user";
	snprintf(a->key_value[0], sizeof(a->key_value[0]), "alice");
	a->key_name[1] = "source";
	snprintf(a->key_value[1], sizeof(a->key_value[1]), "203.0.113.5");
	wk_alert_evidence(a, "line\\one", 8);
}

static void
test_alert_json(void **state)
{
	char buf[WK_ALERT_JSON_MAX + 1];
	wk_alert a;
	size_t n;

	(void)state;
	sample(&a);
	n = wk_alert_json(&a, buf, sizeof(buf));
	assert_string_equal(buf,
			    "{\"rule\":\"auth.bruteforce\",\"severity\":\"medium\",\"requirement\":\"A5\","
			    "\"summary\":\"10 failed \\\"sign-ins\\\"\",\"first_seen\":\"2026-11-22T05:00:00Z\","
			    "\"last_seen\":\"2026-11-22T05:00:10Z\",\"count\":10,"
			    "\"keys\":{\"user\":\"alice\",\"source\":\"203.0.113.5\"},"
			    "\"evidence\":[\"line\\\\one\"]}");
	assert_int_equal(n, strlen(buf));
	/* Too small a buffer: 0 and an empty string, never a cut object. */
	assert_int_equal(wk_alert_json(&a, buf, n), 0);
	assert_string_equal(buf, "");
	assert_int_equal(wk_alert_json(&a, buf, n + 1), n);
	/* Control bytes (a user name as a log wrote it) escaped, runs around them kept. */
	snprintf(a.key_value[0], sizeof(a.key_value[0]), "%s", "ab\x01" "c\x7f" "\"d\\");
	assert_true(wk_alert_json(&a, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "\"user\":\"ab\\u0001c\\u007f\\\"d\\\\\""));
}

/* Every field full of bytes that must be escaped as \u00XX still fits. */
static void
test_alert_json_longest(void **state)
{
	static char buf[WK_ALERT_JSON_MAX + 1];
	char line[WK_EVIDENCE_LEN];
	wk_alert a;
	size_t n;

	(void)state;
	sample(&a);
	memset(a.summary, 0x01, sizeof(a.summary) - 1);
	a.summary[sizeof(a.summary) - 1] = '\0';
	a.key_name[2] = "destination";
	for (int i = 0; i < 3; i++) {
		memset(a.key_value[i], 0x1f, sizeof(a.key_value[i]) - 1);
		a.key_value[i][sizeof(a.key_value[i]) - 1] = '\0';
	}
	a.nevidence = 0;
	memset(line, '"', sizeof(line));
	for (int i = 0; i < WK_EVIDENCE_MAX; i++)
		wk_alert_evidence(&a, line, sizeof(line));
	n = wk_alert_json(&a, buf, sizeof(buf));
	assert_true(n > 0 && n <= WK_ALERT_JSON_MAX);
	assert_int_equal(n, strlen(buf));
	for (size_t i = 0; i < n; i++)
		assert_true((unsigned char)buf[i] >= 0x20);
	assert_non_null(strstr(buf, "\\u0001\\u0001"));
	assert_memory_equal(buf + n - 2, "]}", 2);
}

/* The JSON line on the output is the same bytes as wk_alert_json's. */
static void
test_emit_same_json(void **state)
{
	char want[WK_ALERT_JSON_MAX + 1], *out = NULL;
	size_t len = 0;
	wk_sink s;
	wk_alert a;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.out = open_memstream(&out, &len);
	assert_non_null(s.out);
	s.json = 1;
	sample(&a);
	wk_alert_emit(&s, &a);
	fclose(s.out);
	wk_alert_json(&a, want, sizeof(want));
	strcat(want, "\n");
	assert_string_equal(out, want);
	assert_int_equal(s.emitted, 1);
	free(out);
}

static void
test_syslog_format(void **state)
{
	char buf[256];
	size_t n;

	(void)state;
	n = wk_syslog_format(buf, sizeof(buf), LOG_AUTHPRIV | LOG_CRIT, 1795323610, 7, "gate", 42,
			     "{\"a\":1}", 7);
	buf[n] = '\0';
	assert_string_equal(buf, "<82>1 2026-11-22T05:00:10.000007Z gate sekisho-watch 42 alert - "
				 "{\"a\":1}");
	/* HOSTNAME: printable US-ASCII only, "-" when nothing is left. */
	n = wk_syslog_format(buf, sizeof(buf), 13, 0, 0, "a b\tc\x7f", 1, "m", 1);
	buf[n] = '\0';
	assert_string_equal(buf, "<13>1 1970-01-01T00:00:00.000000Z abc sekisho-watch 1 alert - m");
	n = wk_syslog_format(buf, sizeof(buf), 13, 0, 0, "", 1, "m", 1);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "Z - sekisho-watch"));
	/* What does not fit is refused, not cut. */
	n = wk_syslog_format(buf, sizeof(buf), 13, 0, 0, "h", 1, "m", 1);
	assert_int_equal(wk_syslog_format(buf, n - 1, 13, 0, 0, "h", 1, "m", 1), 0);
	assert_int_equal(wk_syslog_format(buf, n, 13, 0, 0, "h", 1, "m", 1), n);
	assert_int_equal(wk_syslog_format(buf, sizeof(buf), 13, 0, 1000000, "h", 1, "m", 1), 0);
}

static void
test_syslog_target(void **state)
{
	wk_syslog_target t;
	char err[256];

	(void)state;
	assert_int_equal(wk_syslog_target_parse("local", &t, err, sizeof(err)), 0);
	assert_int_equal(t.kind, WK_SYSLOG_LOCAL);
	assert_int_equal(wk_syslog_target_parse("unix:/dev/log", &t, err, sizeof(err)), 0);
	assert_int_equal(t.kind, WK_SYSLOG_UNIX);
	assert_string_equal(t.path, "/dev/log");
	assert_int_equal(wk_syslog_target_parse("udp:siem.example:514", &t, err, sizeof(err)), 0);
	assert_int_equal(t.kind, WK_SYSLOG_UDP);
	assert_string_equal(t.host, "siem.example");
	assert_string_equal(t.port, "514");
	assert_int_equal(wk_syslog_target_parse("udp:[2001:db8::1]:6514", &t, err, sizeof(err)), 0);
	assert_string_equal(t.host, "2001:db8::1");
	assert_string_equal(t.port, "6514");

	assert_int_equal(wk_syslog_target_parse("unix:dev/log", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "absolute"));
	assert_int_equal(wk_syslog_target_parse("udp:host", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "HOST:PORT"));
	assert_int_equal(wk_syslog_target_parse("udp::514", &t, err, sizeof(err)), -1);
	assert_int_equal(wk_syslog_target_parse("udp:2001:db8::1:514", &t, err, sizeof(err)), -1);
	assert_int_equal(wk_syslog_target_parse("udp:[::1]", &t, err, sizeof(err)), -1);
	assert_int_equal(wk_syslog_target_parse("udp:h:0", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "1 to 65535"));
	assert_int_equal(wk_syslog_target_parse("udp:h:65536", &t, err, sizeof(err)), -1);
	assert_int_equal(wk_syslog_target_parse("udp:h:51x", &t, err, sizeof(err)), -1);
	assert_int_equal(wk_syslog_target_parse("tcp:h:514", &t, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "use local, unix:/PATH or udp:HOST:PORT"));
}

static void
test_syslog_priorities(void **state)
{
	(void)state;
	assert_int_equal(wk_syslog_severity("critical"), LOG_CRIT);
	assert_int_equal(wk_syslog_severity("high"), LOG_ERR);
	assert_int_equal(wk_syslog_severity("medium"), LOG_WARNING);
	assert_int_equal(wk_syslog_severity("low"), LOG_NOTICE);
	assert_int_equal(wk_syslog_severity("other"), LOG_NOTICE);
	assert_int_equal(wk_syslog_facility("authpriv"), LOG_AUTHPRIV);
	assert_int_equal(wk_syslog_facility("local7"), LOG_LOCAL7);
	assert_int_equal(wk_syslog_facility("kern"), -1);
	assert_int_equal(wk_syslog_facility("Local0"), -1);
	/* PRI = facility * 8 + severity: authpriv (10) and critical (2). */
	assert_int_equal(LOG_AUTHPRIV | wk_syslog_severity("critical"), 82);
}

static void
test_webhook_url(void **state)
{
	char err[256], o[256];

	(void)state;
	assert_int_equal(wk_webhook_url_check("https://siem.example/hooks/T0/s3cret", err, sizeof(err)),
			 0);
	assert_int_equal(wk_webhook_url_check("http://127.0.0.1:8080/x?y=1", err, sizeof(err)), 0);
	assert_int_equal(wk_webhook_url_check("HTTPS://[2001:db8::1]:8443/", err, sizeof(err)), 0);

	assert_int_equal(wk_webhook_url_check("ftp://siem.example/s3cret", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "https://"));
	assert_null(strstr(err, "s3cret"));
	assert_int_equal(wk_webhook_url_check("file:///etc/passwd", err, sizeof(err)), -1);
	assert_int_equal(wk_webhook_url_check("siem.example/x", err, sizeof(err)), -1);
	assert_int_equal(wk_webhook_url_check("https:///path", err, sizeof(err)), -1);
	assert_int_equal(wk_webhook_url_check("https://u:s3cret@siem.example/", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "webhook_header"));
	assert_null(strstr(err, "s3cret"));
	assert_int_equal(wk_webhook_url_check("https://siem.example/a b", err, sizeof(err)), -1);
	assert_int_equal(wk_webhook_url_check("https://siem.example/\r\nX: y", err, sizeof(err)), -1);
	{
		static char longurl[WK_WEBHOOK_URL_MAX + 16];
		memcpy(longurl, "https://h/", 10);
		memset(longurl + 10, 'a', WK_WEBHOOK_URL_MAX);
		longurl[WK_WEBHOOK_URL_MAX + 10] = '\0';
		assert_int_equal(wk_webhook_url_check(longurl, err, sizeof(err)), -1);
	}

	assert_int_equal(wk_webhook_origin("https://siem.example/hooks/s3cret?k=v", o, sizeof(o)), 0);
	assert_string_equal(o, "https://siem.example:443");
	assert_int_equal(wk_webhook_origin("http://[::1]:8080/x", o, sizeof(o)), 0);
	assert_string_equal(o, "http://[::1]:8080");

	assert_int_equal(wk_webhook_cleartext("http://siem.example/"), 1);
	assert_int_equal(wk_webhook_cleartext("http://10.1.2.3/"), 1);
	assert_int_equal(wk_webhook_cleartext("http://127.0.0.1.nip.io/"), 1);
	assert_int_equal(wk_webhook_cleartext("http://127.0.0.1:9/"), 0);
	assert_int_equal(wk_webhook_cleartext("http://[::1]/"), 0);
	assert_int_equal(wk_webhook_cleartext("http://localhost/"), 0);
	assert_int_equal(wk_webhook_cleartext("https://siem.example/"), 0);
}

static void
test_webhook_header(void **state)
{
	static char longh[WK_WEBHOOK_HEADER_MAX + 16];

	(void)state;
	assert_int_equal(wk_webhook_header_check("Authorization: Bearer abc.def"), 0);
	assert_int_equal(wk_webhook_header_check("X-Token:abc"), 0);
	assert_int_equal(wk_webhook_header_check("Authorization Bearer abc"), -1);
	assert_int_equal(wk_webhook_header_check(": abc"), -1);
	assert_int_equal(wk_webhook_header_check("Authorization:   "), -1);
	assert_int_equal(wk_webhook_header_check("Bad Name: abc"), -1);
	assert_int_equal(wk_webhook_header_check("X-Token: abc\r\nX-Other: 1"), -1);
	assert_int_equal(wk_webhook_header_check("X-Token: abc\n"), -1);
	assert_int_equal(wk_webhook_header_check(""), -1);
	memcpy(longh, "X-Token: ", 9);
	memset(longh + 9, 'a', WK_WEBHOOK_HEADER_MAX);
	assert_int_equal(wk_webhook_header_check(longh), -1);
}

static void
test_webhook_queue(void **state)
{
	wk_webhook_queue q;
	int dropped = 0;
	size_t len;
	char item[16], *s;

	(void)state;
	memset(&q, 0, sizeof(q));
	assert_null(wk_webhook_queue_pop(&q, &len));
	for (int i = 0; i < WK_WEBHOOK_QUEUE + 44; i++) {
		int n = snprintf(item, sizeof(item), "alert %d", i);
		int r = wk_webhook_queue_push(&q, item, (size_t)n);
		assert_true(r == 0 || r == 1);
		dropped += r;
	}
	assert_int_equal(dropped, 44);
	assert_int_equal(q.count, WK_WEBHOOK_QUEUE);
	/* The oldest went: the first one left is number 44, in order after it. */
	s = wk_webhook_queue_pop(&q, &len);
	assert_string_equal(s, "alert 44");
	assert_int_equal(len, 8);
	free(s);
	s = wk_webhook_queue_pop(&q, &len);
	assert_string_equal(s, "alert 45");
	free(s);
	assert_int_equal(wk_webhook_queue_push(&q, "x", 1), 0);
	wk_webhook_queue_clear(&q);
	assert_int_equal(q.count, 0);
	assert_null(wk_webhook_queue_pop(&q, &len));
}

/*
 * A receiver that accepts connections (the kernel's backlog) but never
 * answers: posting more alerts than the queue holds returns at once, the
 * oldest are dropped, and when finish() gives up every alert is counted
 * exactly once: delivered, failed, dropped or unsent.
 */
static void
test_webhook_accounting(void **state)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	wk_webhook_stats st;
	wk_webhook *w;
	char url[64], err[256];
	const int posted = WK_WEBHOOK_QUEUE + 100;
	int l;

	(void)state;
	l = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(l >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(l, 8), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&a, &alen), 0);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/hook", ntohs(a.sin_port));

	w = wk_webhook_new(url, "Authorization: Bearer s3cret", NULL, 30, err, sizeof(err));
	assert_non_null(w);
	for (int i = 0; i < posted; i++)
		wk_webhook_post(w, "{\"rule\":\"x\"}", 12);
	wk_webhook_finish(w, 0);
	wk_webhook_get_stats(w, &st);
	assert_int_equal(st.delivered, 0);
	assert_true(st.dropped >= (uint64_t)(posted - WK_WEBHOOK_QUEUE - 1));
	assert_int_equal(st.delivered + st.failed + st.dropped + st.unsent, posted);
	wk_webhook_free(w);
	close(l);
}

static void
test_webhook_new_errors(void **state)
{
	char err[256];

	(void)state;
	assert_null(wk_webhook_new("gopher://h/", NULL, NULL, 10, err, sizeof(err)));
	assert_non_null(strstr(err, "https://"));
	assert_null(wk_webhook_new("https://h/", "X-Token s3cret", NULL, 10, err, sizeof(err)));
	assert_non_null(strstr(err, "not shown"));
	assert_null(strstr(err, "s3cret"));
	assert_null(wk_webhook_new("https://h/", NULL, NULL, 0, err, sizeof(err)));
	assert_non_null(strstr(err, "timeout"));
	assert_null(wk_webhook_new("https://h/", NULL, "/nonexistent/ca.pem", 10, err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/ca.pem"));
	wk_webhook_free(NULL);
	wk_syslog_close(NULL);
}

/* Writes text to a new config file and loads it over the defaults. */
static int
load(wk_config *c, const char *text, char *err, size_t err_size)
{
	char path[] = "/tmp/test_watch_sinks.XXXXXX";
	int fd = mkstemp(path), r;
	FILE *f = fdopen(fd, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	wk_config_default(c);
	r = wk_config_load(c, path, err, err_size);
	unlink(path);
	return r;
}

static void
test_config(void **state)
{
	static wk_config c;
	char err[512];

	(void)state;
	wk_config_default(&c);
	assert_string_equal(c.syslog_target, "");
	assert_int_equal(c.syslog_facility, LOG_AUTHPRIV);
	assert_string_equal(c.webhook_url, "");
	assert_int_equal(c.webhook_timeout, 10);
	assert_int_equal(load(&c,
			      "[alerts]\nsyslog = udp:[2001:db8::1]:514\nsyslog_facility = local3\n"
			      "webhook = https://siem.example/hook\n"
			      "webhook_header = Authorization: Bearer abc\n"
			      "webhook_ca = /etc/ssl/private-ca.pem\nwebhook_timeout = 30s\n",
			      err, sizeof(err)),
			 0);
	assert_string_equal(c.syslog_target, "udp:[2001:db8::1]:514");
	assert_int_equal(c.syslog_facility, LOG_LOCAL3);
	assert_string_equal(c.webhook_url, "https://siem.example/hook");
	assert_string_equal(c.webhook_header, "Authorization: Bearer abc");
	assert_string_equal(c.webhook_ca, "/etc/ssl/private-ca.pem");
	assert_int_equal(c.webhook_timeout, 30);

	assert_int_equal(load(&c, "[alerts]\nsyslog = tcp:h:514\n", err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: [alerts] syslog: syslog target 'tcp:h:514': use local"));
	assert_int_equal(load(&c, "[alerts]\nsyslog_facility = kern\n", err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: [alerts] syslog_facility: unknown facility 'kern'"));
	assert_int_equal(load(&c, "[alerts]\nwebhook = ftp://h/s3cret\n", err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: [alerts] webhook: the webhook URL must"));
	assert_null(strstr(err, "s3cret"));
	assert_int_equal(load(&c, "[alerts]\nwebhook_header = Authorization Bearer s3cret\n", err,
			      sizeof(err)),
			 -1);
	assert_non_null(strstr(err, ":2: [alerts] webhook_header: not a 'Name: value' header"));
	assert_null(strstr(err, "s3cret"));
	assert_int_equal(load(&c, "[alerts]\nwebhook_timeout = 0\n", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "[alerts] webhook_timeout: bad value '0'"));
	assert_int_equal(load(&c, "[alerts]\nwebhook_timeout = 11m\n", err, sizeof(err)), -1);
	assert_int_equal(load(&c, "[alerts]\nwebhook_timeout = 10m\n", err, sizeof(err)), 0);
	assert_int_equal(c.webhook_timeout, 600);
	/* Empty values turn a sink off. */
	assert_int_equal(load(&c, "[alerts]\nsyslog =\nwebhook =\n", err, sizeof(err)), 0);
	assert_string_equal(c.syslog_target, "");
	assert_string_equal(c.webhook_url, "");
}

/* --report keeps the latest WK_KEPT_ALERTS alerts and counts every alert by rule. */
static void
test_kept_ring(void **state)
{
	wk_sink s = {0};
	wk_alert a;

	(void)state;
	s.out = fopen("/dev/null", "w");
	s.kept = calloc(WK_KEPT_ALERTS, sizeof(*s.kept));
	assert_non_null(s.out);
	assert_non_null(s.kept);
	for (int i = 0; i < WK_KEPT_ALERTS + 100; i++) {
		memset(&a, 0, sizeof(a));
		a.rule = i % 2 ? "auth.spray" : "auth.bruteforce";
		a.severity = "high";
		a.requirement = "A5";
		a.count = (uint32_t)i;
		wk_alert_emit(&s, &a);
	}
	assert_int_equal(s.nkept, WK_KEPT_ALERTS);
	assert_int_equal(s.nrules, 2);
	assert_int_equal(s.rules[0].count + s.rules[1].count, WK_KEPT_ALERTS + 100);
	/* the oldest kept is alert 100, the newest the last */
	assert_int_equal(s.kept[s.kept_next % WK_KEPT_ALERTS].count, 100);
	assert_int_equal(s.kept[(s.kept_next - 1) % WK_KEPT_ALERTS].count, WK_KEPT_ALERTS + 99);
	free(s.kept);
	fclose(s.out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alert_json),
		cmocka_unit_test(test_alert_json_longest),
		cmocka_unit_test(test_emit_same_json),
		cmocka_unit_test(test_syslog_format),
		cmocka_unit_test(test_syslog_target),
		cmocka_unit_test(test_syslog_priorities),
		cmocka_unit_test(test_webhook_url),
		cmocka_unit_test(test_webhook_header),
		cmocka_unit_test(test_webhook_queue),
		cmocka_unit_test(test_webhook_accounting),
		cmocka_unit_test(test_webhook_new_errors),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_kept_ring),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
