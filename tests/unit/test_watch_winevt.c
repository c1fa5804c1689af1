/*
 * tests/unit/test_watch_winevt.c - sekisho-watch's Windows event reader
 * (watch/parsers/winevt.c): the real .evtx files of tests/data/winevt
 * (EVTX-ATTACK-SAMPLES) read through libevtx, their evtxexport XML read by
 * the XML scanner and compared record by record, the other XML forms
 * Windows writes (wevtutil / Get-WinEvent, Event Viewer's copy and "Save as
 * XML"), entities, and what must be refused.  Run from the repository root.
 *
 * The expected numbers were measured with Debian's evtxexport 20181227, e.g.
 *   evtxexport -f xml kerberos_pwd_spray_4771.evtx | grep -o '<EventID[^>]*>[0-9]*' | sort | uniq -c
 *   ... | grep -o '<Data Name="RelativeTargetName">[^<]*' | sort | uniq -c
 * and, per event, awk 'BEGIN { RS = "</Event>" } /<EventID>4624</ { ... }' over the same
 * output (the count in each comment below says which).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "event.h"
#include "parsers/winevt.h"

#define DATA "tests/data/winevt/"
#define MAXEV 1000

/* A copy of what matters in one event, kept after the callback returns. */
struct rec {
	wk_kind kind;
	int status, logon_type;
	int64_t ts;
	int32_t us;
	uint16_t src_port;
	char user[64], src[64], url[128], dst[128], result[32], host[64], workstation[64],
		method[64];
};

struct got {
	struct rec r[MAXEV];
	int n, unparsed, stop_after;
	int kinds[WK__COUNT];
};

static void
cp(char *out, size_t size, wk_str s)
{
	size_t n = s.n < size - 1 ? s.n : size - 1;

	if (n > 0)
		memcpy(out, s.p, n);
	out[n] = '\0';
}

static void
keep(struct rec *r, const wk_event *ev)
{
	memset(r, 0, sizeof(*r));
	r->kind = ev->kind;
	r->status = ev->status;
	r->logon_type = ev->logon_type;
	r->ts = ev->ts;
	r->us = ev->ts_frac_us;
	r->src_port = ev->src_port;
	cp(r->user, sizeof(r->user), ev->user);
	cp(r->src, sizeof(r->src), ev->src);
	cp(r->url, sizeof(r->url), ev->url);
	cp(r->dst, sizeof(r->dst), ev->dst);
	cp(r->result, sizeof(r->result), ev->result);
	cp(r->host, sizeof(r->host), ev->host);
	cp(r->workstation, sizeof(r->workstation), ev->workstation);
	cp(r->method, sizeof(r->method), ev->method);
}

static void
inside(const wk_event *ev, const char *xml, size_t len)
{
	const wk_str *all[] = {&ev->host, &ev->user, &ev->src, &ev->dst, &ev->method,
			       &ev->url, &ev->result, &ev->workstation};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (all[i]->n > 0)
			assert_true(all[i]->p >= xml && all[i]->p + all[i]->n <= xml + len);
	/* no proxy user agent, no connection id in a Windows event */
	assert_int_equal(ev->agent.n, 0);
	assert_int_equal(ev->conn.n, 0);
	assert_int_equal(ev->flags, 0);
}

static int
collect(void *arg, const wk_event *ev, const char *xml, size_t len)
{
	struct got *g = arg;

	assert_non_null(xml);
	assert_int_equal(xml[len], '\0');
	if (ev == NULL) {
		g->unparsed++;
		return 0;
	}
	assert_int_equal(ev->source, WK_SRC_WINEVT);
	assert_true(ev->kind >= WK_NONE && ev->kind < WK__COUNT);
	inside(ev, xml, len);
	assert_true(g->n < MAXEV);
	keep(&g->r[g->n++], ev);
	g->kinds[ev->kind]++;
	if (g->stop_after > 0 && g->n == g->stop_after)
		return 7;
	return 0;
}

static struct got *
read_evtx(const char *name)
{
	struct got *g = calloc(1, sizeof(*g));
	char path[256], err[512];

	assert_non_null(g);
	snprintf(path, sizeof(path), DATA "%s", name);
	if (wk_winevt_read_file(path, collect, g, err, sizeof(err)) != 0)
		fail_msg("%s (run the tests from the repository root)", err);
	assert_int_equal(g->unparsed, 0);
	return g;
}

static int
count(const struct got *g, int status, const char *field, const char *value)
{
	int c = 0;

	for (int i = 0; i < g->n; i++) {
		const struct rec *r = &g->r[i];
		const char *v = field == NULL ? NULL :
				strcmp(field, "user") == 0 ? r->user :
				strcmp(field, "src") == 0 ? r->src :
				strcmp(field, "url") == 0 ? r->url :
				strcmp(field, "dst") == 0 ? r->dst :
				strcmp(field, "result") == 0 ? r->result : NULL;
		if ((status == 0 || r->status == status) && (v == NULL || strcmp(v, value) == 0))
			c++;
	}
	return c;
}

/* Password spray against a DC: 1102, 9 x 4768, 2 x 4771 (grep | uniq -c). */
static void
test_kerberos_spray(void **state)
{
	struct got *g = read_evtx("kerberos_pwd_spray_4771.evtx");
	char seen[16][64];
	int distinct = 0, failing = 0;

	(void)state;
	assert_int_equal(g->n, 12);
	assert_int_equal(g->kinds[WK_KERBEROS], 11);
	assert_int_equal(g->kinds[WK_NONE], 1);
	assert_int_equal(count(g, 4768, NULL, NULL), 9);
	assert_int_equal(count(g, 4771, NULL, NULL), 2);
	/* 4771: pre-authentication failed, Status 0x18 (bad password) */
	assert_int_equal(count(g, 4771, "result", "0x00000018"), 2);
	assert_int_equal(count(g, 4771, "user", "Administrator"), 1);
	assert_int_equal(count(g, 4771, "user", "backdoor"), 1);
	/* 4768 with Status 0x6: the user does not exist (seven names tried) */
	assert_int_equal(count(g, 4768, "result", "0x00000006"), 7);
	/*
	 * Every Kerberos event comes from 172.16.66.1; one is logged as
	 * "::ffff:172.16.66.1" (awk over the export: 11 distinct IpAddress/
	 * TargetUserName pairs, 10 distinct names).  The parser gives the plain
	 * address, so one source tried 10 names, 9 of them failing.
	 */
	assert_int_equal(count(g, 0, "src", "172.16.66.1"), 11);
	for (int i = 0; i < g->n; i++) {
		const struct rec *r = &g->r[i];
		int k;

		if (r->kind != WK_KERBEROS)
			continue;
		for (k = 0; k < distinct; k++)
			if (strcmp(seen[k], r->user) == 0)
				break;
		if (k == distinct) {
			assert_true(distinct < 16);
			strcpy(seen[distinct++], r->user);
			failing += strcmp(r->result, "0x00000000") != 0;
		}
	}
	assert_int_equal(distinct, 10);
	assert_int_equal(failing, 9);
	/* the first record: 1102 (log cleared) at 2020-07-22T20:29:27.321769700Z */
	assert_int_equal(g->r[0].status, 1102);
	assert_int_equal(g->r[0].ts, 1595449767);
	assert_int_equal(g->r[0].us, 321769);
	assert_string_equal(g->r[0].host, "01566s-win16-ir.threebeesco.com");
	assert_string_equal(g->r[1].url, "krbtgt/THREEBEESCO.COM");
	assert_int_equal(g->r[1].src_port, 55961);
	free(g);
}

/*
 * A remote scheduled task (atsvc) on its target: 34 records; 6 x 4624, 4 x 4776
 * (all Status 0x0), 5 x 4672, 4 x 5140, 5 x 5145, 1 x 4698; 1102, 3 x 4661,
 * 4 x 4688, 4699 are not ours (9).
 */
static void
test_scheduled_task(void **state)
{
	struct got *g = read_evtx("LM_ScheduledTask_ATSVC_target_host.evtx");
	int i;

	(void)state;
	assert_int_equal(g->n, 34);
	assert_int_equal(g->kinds[WK_AUTH_OK], 10);
	assert_int_equal(g->kinds[WK_AUTH_FAIL], 0);
	assert_int_equal(g->kinds[WK_ADMIN_LOGON], 5);
	assert_int_equal(g->kinds[WK_SHARE_ACCESS], 9);
	assert_int_equal(g->kinds[WK_TASK_CREATE], 1);
	assert_int_equal(g->kinds[WK_NONE], 9);
	/* 4624 (awk): ANONYMOUS LOGON and 2 x Administrator from 10.0.2.17, one
	 * Administrator with IpAddress "-", the machine account from ::1 and fe80::; all type 3 */
	assert_int_equal(count(g, 4624, "src", "10.0.2.17"), 3);
	assert_int_equal(count(g, 4624, "src", ""), 1);
	assert_int_equal(count(g, 4624, "src", "::1"), 1);
	assert_int_equal(count(g, 4624, "user", "Administrator"), 3);
	for (i = 0; i < g->n; i++)
		if (g->r[i].status == 4624) {
			assert_int_equal(g->r[i].logon_type, 3);
			assert_true(strcmp(g->r[i].method, "NTLM") == 0 ||
				    strcmp(g->r[i].method, "Kerberos") == 0);
		}
	assert_int_equal(count(g, 4776, "result", "0x00000000"), 4);
	assert_int_equal(count(g, 4672, "user", "Administrator"), 3);
	/* the task: \CYAlyNSS by Administrator, its command written to ADMIN$\Temp */
	assert_int_equal(count(g, 4698, "url", "\\CYAlyNSS"), 1);
	assert_int_equal(count(g, 4698, "user", "Administrator"), 1);
	assert_int_equal(count(g, 5145, "dst", "atsvc"), 1);
	assert_int_equal(count(g, 5145, "url", "\\\\*\\IPC$"), 1);
	assert_int_equal(count(g, 5145, "dst", "Temp\\CYAlyNSS.tmp"), 4);
	assert_int_equal(count(g, 5140, "url", "\\\\*\\ADMIN$"), 3);
	for (i = 0; i < g->n; i++)
		if (g->r[i].kind == WK_SHARE_ACCESS) {
			assert_string_equal(g->r[i].src, "10.0.2.17");
			assert_int_equal(g->r[i].src_port, 49237);
		}
	/* E6: a network logon of Administrator followed by its special privileges */
	for (i = 0; i + 1 < g->n; i++)
		if (g->r[i].kind == WK_AUTH_OK && g->r[i].status == 4624 &&
		    strcmp(g->r[i].user, "Administrator") == 0)
			break;
	assert_true(i > 0 && g->r[i - 1].kind == WK_ADMIN_LOGON);
	free(g);
}

/* Three services installed: 3 x 7045 (grep), ServiceName and ImagePath (grep). */
static void
test_service_install(void **state)
{
	struct got *g = read_evtx("LM_Remote_Service02_7045.evtx");

	(void)state;
	assert_int_equal(g->n, 3);
	assert_int_equal(g->kinds[WK_SERVICE_INSTALL], 3);
	assert_string_equal(g->r[0].url, "spoolfool");
	assert_string_equal(g->r[0].dst, "cmd.exe");
	assert_string_equal(g->r[1].url, "spoolsv");
	assert_string_equal(g->r[2].url, "remotesvc");
	assert_string_equal(g->r[2].dst, "calc.exe");
	assert_int_equal(g->r[0].status, 7045); /* <EventID Qualifiers="16384">7045</EventID> */
	assert_int_equal(g->r[0].ts, 1551604828);
	assert_string_equal(g->r[0].host, "WIN-77LTAPHIQ1R.example.corp");
	free(g);
}

/* A renamed PsExec: 22 x 5145; 16 on IPC$, 6 on ADMIN$; 18 from 10.0.2.16 (grep). */
static void
test_psexec_pipes(void **state)
{
	struct got *g = read_evtx("LM_renamed_psexecsvc_5145.evtx");

	(void)state;
	assert_int_equal(g->n, 22);
	assert_int_equal(g->kinds[WK_SHARE_ACCESS], 22);
	assert_int_equal(count(g, 0, "url", "\\\\*\\IPC$"), 16);
	assert_int_equal(count(g, 0, "url", "\\\\*\\ADMIN$"), 6);
	assert_int_equal(count(g, 0, "src", "10.0.2.16"), 18);
	assert_int_equal(count(g, 0, "user", "IEUser"), 18);
	assert_int_equal(count(g, 0, "dst", "blabla.exe"), 2);
	assert_int_equal(count(g, 0, "dst", "svcctl"), 1);
	assert_int_equal(count(g, 0, "dst", "blabla-NLLT108334-37048-stdin"), 1);
	assert_int_equal(count(g, 0, "dst", "blabla-NLLT108334-37048-stdout"), 1);
	free(g);
}

/* Files copied over C$: 869 x 5145 (and 19 recovered copies, not read). */
static void
test_file_copy(void **state)
{
	struct got *g = read_evtx("LM_5145_Remote_FileCopy.evtx");

	(void)state;
	assert_int_equal(g->n, 869);
	assert_int_equal(g->kinds[WK_SHARE_ACCESS], 869);
	assert_int_equal(count(g, 0, "url", "\\\\*\\C$"), 869);
	assert_int_equal(count(g, 0, "src", "10.0.2.15"), 869);
	assert_int_equal(count(g, 0, "user", "Administrator"), 869);
	assert_int_equal(count(g, 0, "dst", "malwr.exe"), 5);
	assert_int_equal(count(g, 0, "dst", "Windows\\Temp\\wodCmdTerm.exe"), 3);
	free(g);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (f == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* evtxexport's XML of a file gives, event by event, what libevtx's records give. */
static void
same_as_export(const char *name)
{
	char path[256];
	size_t len, off = 0;
	struct got *g, *x = calloc(1, sizeof(*x));
	char *buf;
	wk_str one;
	wk_event ev;

	assert_non_null(x);
	snprintf(path, sizeof(path), "%s.evtx", name);
	g = read_evtx(path);
	snprintf(path, sizeof(path), DATA "%s.xml", name);
	buf = slurp(path, &len);
	while (wk_winevt_xml_next(buf, len, &off, &one)) {
		assert_int_equal(wk_parse_winevt_xml(one.p, one.n, &ev), 1);
		inside(&ev, one.p, one.n);
		keep(&x->r[x->n++], &ev);
	}
	assert_int_equal(x->n, g->n);
	for (int i = 0; i < g->n; i++)
		assert_memory_equal(&x->r[i], &g->r[i], sizeof(struct rec));
	free(buf);
	free(g);
	free(x);
}

static void
test_xml_export(void **state)
{
	(void)state;
	same_as_export("kerberos_pwd_spray_4771");
	same_as_export("LM_ScheduledTask_ATSVC_target_host");
}

static wk_event
xml_ok(const char *xml)
{
	wk_event ev;

	if (wk_parse_winevt_xml(xml, strlen(xml), &ev) != 1)
		fail_msg("did not parse: %s", xml);
	inside(&ev, xml, strlen(xml));
	return ev;
}

static void
str_is(wk_str s, const char *want)
{
	if (!wk_str_eq(s, want))
		fail_msg("got \"%.*s\", wanted \"%s\"", (int)s.n, s.p ? s.p : "", want);
}

/*
 * wevtutil qe /f:xml and Get-WinEvent's ToXml(): one line, single quotes,
 * RenderingInfo.  A 4625 with the fields Microsoft documents for it.
 */
static const char wevtutil_4625[] =
	"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
	"<Provider Name='Microsoft-Windows-Security-Auditing' Guid='{54849625-5478-4994-a5ba-3e3b0328c30d}'/>"
	"<EventID>4625</EventID><Version>0</Version><Level>0</Level><Task>12544</Task>"
	"<TimeCreated SystemTime='2026-11-22T05:00:01.5000000Z'/><EventRecordID>99</EventRecordID>"
	"<Channel>Security</Channel><Computer>dc01.corp.example</Computer><Security/></System>"
	"<EventData><Data Name='SubjectUserSid'>S-1-0-0</Data><Data Name='SubjectUserName'>-</Data>"
	"<Data Name='TargetUserName'>nosuchuser</Data><Data Name='TargetDomainName'>CORP</Data>"
	"<Data Name='Status'>0xc000006d</Data><Data Name='FailureReason'>%%2313</Data>"
	"<Data Name='SubStatus'>0xc0000064</Data><Data Name='LogonType'>3</Data>"
	"<Data Name='LogonProcessName'>NtLmSsp </Data><Data Name='AuthenticationPackageName'>NTLM</Data>"
	"<Data Name='WorkstationName'>KALI</Data><Data Name='IpAddress'>::ffff:192.0.2.50</Data>"
	"<Data Name='IpPort'>50123</Data></EventData><RenderingInfo Culture='en-US'>"
	"<Message>An account failed to log on.</Message><Level>Information</Level>"
	"<Channel>Security</Channel><Provider>Microsoft Windows security auditing.</Provider>"
	"</RenderingInfo></Event>";

/* Event Viewer's XML view copied as text: "- " before open elements, " />". */
static const char viewer_106[] =
	"- <Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">\n"
	"- <System>\n"
	"  <Provider Name=\"Microsoft-Windows-TaskScheduler\" Guid=\"{de7b24ea-73c8-4a09-985d-5bdadcfa9017}\" /> \n"
	"  <EventID>106</EventID> \n"
	"  <TimeCreated SystemTime=\"2026-11-22T05:00:02.0000000Z\" /> \n"
	"  <Channel>Microsoft-Windows-TaskScheduler/Operational</Channel> \n"
	"  <Computer>ws01.corp.example</Computer> \n"
	"  <Security UserID=\"S-1-5-18\" /> \n"
	"  </System>\n"
	"- <EventData Name=\"TaskRegisteredEvent\">\n"
	"  <Data Name=\"TaskName\">\\Updater</Data> \n"
	"  <Data Name=\"UserContext\">WS01\\admin</Data> \n"
	"  </EventData>\n"
	"  </Event>\n";

/* Event Viewer's "Save Selected Events..." as XML: declaration, <Events>, several. */
static const char saved[] =
	"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\r\n<Events>"
	"<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
	"<Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4648</EventID>"
	"<TimeCreated SystemTime='2026-11-22T05:00:03Z'/><Computer>ws01.corp.example</Computer></System>"
	"<EventData><Data Name='SubjectUserName'>alice</Data><Data Name='TargetUserName'>adm-bob</Data>"
	"<Data Name='TargetServerName'>fs01.corp.example</Data><Data Name='IpAddress'>-</Data>"
	"<Data Name='IpPort'>-</Data></EventData></Event>"
	"<!-- a comment between events --><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
	"<Provider Name='Microsoft-Windows-Security-Auditing'/><EventID>4769</EventID>"
	"<TimeCreated SystemTime='2026-11-22T05:00:04Z'/><Computer>dc01.corp.example</Computer></System>"
	"<EventData><Data Name='TargetUserName'>alice@CORP.EXAMPLE</Data><Data Name='ServiceName'>cifs/fs01</Data>"
	"<Data Name='IpAddress'>::ffff:192.0.2.7</Data><Data Name='IpPort'>50000</Data>"
	"<Data Name='Status'>0x0</Data></EventData></Event></Events>\r\n";

static void
test_xml_forms(void **state)
{
	wk_event ev;
	size_t off = 0;
	wk_str one;

	(void)state;
	ev = xml_ok(wevtutil_4625);
	assert_int_equal(ev.kind, WK_AUTH_INVALID_USER);
	assert_int_equal(ev.status, 4625);
	str_is(ev.user, "nosuchuser");
	str_is(ev.src, "192.0.2.50");
	assert_int_equal(ev.src_port, 50123);
	str_is(ev.workstation, "KALI");
	str_is(ev.method, "NTLM");
	str_is(ev.result, "0xc0000064"); /* SubStatus: no such user */
	assert_int_equal(ev.logon_type, 3);
	assert_int_equal(ev.ts, 1795323601);
	assert_int_equal(ev.ts_frac_us, 500000);
	str_is(ev.host, "dc01.corp.example");

	ev = xml_ok(viewer_106);
	assert_int_equal(ev.kind, WK_TASK_CREATE);
	assert_int_equal(ev.status, 106);
	str_is(ev.url, "\\Updater");
	str_is(ev.user, "WS01\\admin");
	str_is(ev.host, "ws01.corp.example");

	assert_int_equal(wk_winevt_xml_next(saved, sizeof(saved) - 1, &off, &one), 1);
	ev = xml_ok(saved); /* the first event, after the declaration and <Events> */
	assert_int_equal(ev.kind, WK_EXPLICIT_CRED);
	str_is(ev.user, "adm-bob");
	str_is(ev.dst, "fs01.corp.example");
	assert_int_equal(ev.src.n, 0);
	assert_int_equal(ev.src_port, 0);
	assert_int_equal(wk_parse_winevt_xml(one.p, one.n, &ev), 1);
	assert_int_equal(ev.status, 4648);
	assert_int_equal(wk_winevt_xml_next(saved, sizeof(saved) - 1, &off, &one), 1);
	assert_int_equal(wk_parse_winevt_xml(one.p, one.n, &ev), 1);
	assert_int_equal(ev.kind, WK_KERBEROS);
	assert_int_equal(ev.status, 4769);
	str_is(ev.url, "cifs/fs01");
	str_is(ev.src, "192.0.2.7");
	str_is(ev.result, "0x0");
	assert_int_equal(wk_winevt_xml_next(saved, sizeof(saved) - 1, &off, &one), 0);
}

static void
test_mapping_rules(void **state)
{
	wk_event ev;

	(void)state;
	/* 4776 by Status */
	ev = xml_ok("<Event><System><Provider Name=\"Microsoft-Windows-Security-Auditing\"/>"
		    "<EventID>4776</EventID></System><EventData>"
		    "<Data Name=\"PackageName\">MICROSOFT_AUTHENTICATION_PACKAGE_V1_0</Data>"
		    "<Data Name=\"TargetUserName\">bob</Data><Data Name=\"Workstation\">WS02</Data>"
		    "<Data Name=\"Status\">0xC000006A</Data></EventData></Event>");
	assert_int_equal(ev.kind, WK_AUTH_FAIL);
	str_is(ev.result, "0xC000006A");
	str_is(ev.workstation, "WS02");
	assert_int_equal(ev.ts, 0); /* no TimeCreated */
	/* the provider decides: a 4624 of another provider is not a logon */
	ev = xml_ok("<Event><System><Provider Name=\"Some-Other-Provider\"/><EventID>4624</EventID>"
		    "<Channel>Security</Channel></System><EventData>"
		    "<Data Name=\"TargetUserName\">x</Data></EventData></Event>");
	assert_int_equal(ev.kind, WK_NONE);
	assert_int_equal(ev.status, 4624);
	assert_int_equal(ev.user.n, 0);
	/* no Provider Name: the channel decides */
	ev = xml_ok("<Event><System><EventID>4672</EventID><Channel>Security</Channel></System>"
		    "<EventData><Data Name=\"SubjectUserName\">root-ish</Data></EventData></Event>");
	assert_int_equal(ev.kind, WK_ADMIN_LOGON);
	str_is(ev.user, "root-ish");
	ev = xml_ok("<Event><System><EventID>7045</EventID><Channel>Security</Channel></System></Event>");
	assert_int_equal(ev.kind, WK_NONE);
	/* a prefixed namespace, a comment and CDATA in the way, empty Data, first Data wins */
	ev = xml_ok("<e:Event xmlns:e='x'><e:System><e:Provider Name='Service Control Manager'/>"
		    "<!-- <EventID>1</EventID> --><e:EventID>7045</e:EventID></e:System>"
		    "<e:EventData><![CDATA[ <Data Name='ServiceName'>no</Data> ]]>"
		    "<e:Data Name='ServiceName'>svc</e:Data><e:Data Name='ServiceName'>late</e:Data>"
		    "<e:Data Name='ImagePath'/></e:EventData></e:Event>");
	assert_int_equal(ev.kind, WK_SERVICE_INSTALL);
	str_is(ev.url, "svc");
	assert_int_equal(ev.dst.n, 0);
	/* entities stay as written */
	ev = xml_ok("<Event><System><Provider Name='Microsoft-Windows-Security-Auditing'/>"
		    "<EventID>4698</EventID></System><EventData>"
		    "<Data Name='TaskName'>\\a&amp;b &lt;x&gt;</Data></EventData></Event>");
	assert_int_equal(ev.kind, WK_TASK_CREATE);
	str_is(ev.url, "\\a&amp;b &lt;x&gt;");
	/* UserData (1102) is not EventData */
	ev = xml_ok("<Event><System><Provider Name='Microsoft-Windows-Security-Auditing'/>"
		    "<EventID>4672</EventID></System><UserData><X><Data Name='SubjectUserName'>u</Data>"
		    "</X></UserData></Event>");
	assert_int_equal(ev.kind, WK_ADMIN_LOGON);
	assert_int_equal(ev.user.n, 0);
}

/*
 * A 4625 with the given Status and SubStatus (NULL: no such Data), in the
 * XML-export form.  tests/data/winevt holds no 4625 (none of its
 * EVTX-ATTACK-SAMPLES files has one), so these are written by hand.
 */
static wk_event
logon_failure(char *xml, size_t size, const char *status, const char *substatus)
{
	char st[128] = "", sub[128] = "";

	if (status != NULL)
		snprintf(st, sizeof(st), "<Data Name=\"Status\">%s</Data>", status);
	if (substatus != NULL)
		snprintf(sub, sizeof(sub), "<Data Name=\"SubStatus\">%s</Data>", substatus);
	snprintf(xml, size,
		 "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\"><System>"
		 "<Provider Name=\"Microsoft-Windows-Security-Auditing\"/><EventID>4625</EventID>"
		 "<TimeCreated SystemTime=\"2026-11-22T05:00:01Z\"/><Channel>Security</Channel>"
		 "<Computer>dc01.corp.example</Computer></System><EventData>"
		 "<Data Name=\"TargetUserName\">someone</Data>%s"
		 "<Data Name=\"FailureReason\">%%%%2313</Data>%s<Data Name=\"LogonType\">3</Data>"
		 "<Data Name=\"IpAddress\">192.0.2.50</Data><Data Name=\"IpPort\">50123</Data>"
		 "</EventData></Event>",
		 st, sub);
	return xml_ok(xml);
}

static void
kind_of_4625(const char *status, const char *substatus, wk_kind kind, const char *result)
{
	char xml[1024];
	wk_event ev = logon_failure(xml, sizeof(xml), status, substatus);

	if (ev.kind != kind)
		fail_msg("Status %s SubStatus %s: kind %d, wanted %d", status ? status : "(none)",
			 substatus ? substatus : "(none)", (int)ev.kind, (int)kind);
	assert_int_equal(ev.status, 4625);
	str_is(ev.result, result);
	str_is(ev.user, "someone");
	str_is(ev.src, "192.0.2.50");
	assert_int_equal(ev.src_port, 50123);
	assert_int_equal(ev.logon_type, 3);
}

/* 4625 whose (Sub)Status is 0xC0000064, STATUS_NO_SUCH_USER: an unknown user, like sshd's "Invalid user". */
static void
test_4625_no_such_user(void **state)
{
	(void)state;
	/* SubStatus decides, in either case */
	kind_of_4625("0xc000006d", "0xc0000064", WK_AUTH_INVALID_USER, "0xc0000064");
	kind_of_4625("0xC000006D", "0xC0000064", WK_AUTH_INVALID_USER, "0xC0000064");
	kind_of_4625("0xC000006D", "0Xc0000064", WK_AUTH_INVALID_USER, "0Xc0000064");
	kind_of_4625("0xC000006D", " 0xC0000064\n", WK_AUTH_INVALID_USER, " 0xC0000064\n");
	/* Status when SubStatus is absent or 0x0 */
	kind_of_4625("0xC0000064", NULL, WK_AUTH_INVALID_USER, "0xC0000064");
	kind_of_4625("0xc0000064", "0x0", WK_AUTH_INVALID_USER, "0xc0000064");
	kind_of_4625("0xC0000064", "0x00000000", WK_AUTH_INVALID_USER, "0xC0000064");
	/* a wrong password, and the other reasons, stay failures */
	kind_of_4625("0xC000006D", "0xC000006A", WK_AUTH_FAIL, "0xC000006A");
	kind_of_4625("0xc000006d", "0xc000006a", WK_AUTH_FAIL, "0xc000006a");
	kind_of_4625("0xC0000064", "0xC000006A", WK_AUTH_FAIL, "0xC000006A"); /* SubStatus first */
	kind_of_4625("0xC000006E", "0xC0000072", WK_AUTH_FAIL, "0xC0000072"); /* account disabled */
	kind_of_4625("0xC0000234", "0x0", WK_AUTH_FAIL, "0xC0000234");       /* locked out */
	kind_of_4625("0xC000006D", NULL, WK_AUTH_FAIL, "0xC000006D");
	kind_of_4625(NULL, NULL, WK_AUTH_FAIL, "");
	/* only that value, written as a status */
	kind_of_4625("0xC000006D", "C0000064", WK_AUTH_FAIL, "C0000064");
	kind_of_4625("0xC000006D", "0xC00000640", WK_AUTH_FAIL, "0xC00000640");
	kind_of_4625("0xC000006D", "0xC000064", WK_AUTH_FAIL, "0xC000064");
	kind_of_4625("0xC000006D", "0xC0000064x", WK_AUTH_FAIL, "0xC0000064x");
	kind_of_4625("0xC000006D", "%%2313", WK_AUTH_FAIL, "%%2313");
	kind_of_4625("0xC000006D", "0x", WK_AUTH_FAIL, "0x");
}

/* The other logon events keep their kinds whatever the status says. */
static void
test_4625_other_events(void **state)
{
	wk_event ev;

	(void)state;
	ev = xml_ok("<Event><System><Provider Name='Microsoft-Windows-Security-Auditing'/>"
		    "<EventID>4624</EventID></System><EventData><Data Name='TargetUserName'>u</Data>"
		    "<Data Name='Status'>0xC0000064</Data><Data Name='SubStatus'>0xC0000064</Data>"
		    "</EventData></Event>");
	assert_int_equal(ev.kind, WK_AUTH_OK);
	assert_int_equal(ev.result.n, 0);
	/* a 4625 of another provider is nothing of ours */
	ev = xml_ok("<Event><System><Provider Name='Some-Other-Provider'/><EventID>4625</EventID>"
		    "</System><EventData><Data Name='SubStatus'>0xC0000064</Data></EventData></Event>");
	assert_int_equal(ev.kind, WK_NONE);
}

static void
refused(const char *xml)
{
	wk_event ev;

	if (wk_parse_winevt_xml(xml, strlen(xml), &ev) != 0)
		fail_msg("parsed, should not: %s", xml);
}

static void
test_xml_refused(void **state)
{
	(void)state;
	refused("");
	refused("not xml at all");
	refused("<Events></Events>");
	refused("<Event/>");
	refused("<Event><EventData><Data Name='TargetUserName'>x</Data></EventData></Event>");
	refused("<Event><System><Provider Name='x'/></System></Event>");
	refused("<Event><System><EventID>46x24</EventID></System></Event>");
	refused("<Event><System><EventID></EventID></System></Event>");
	refused("<Event><System><EventID>70000</EventID></System></Event>");
	refused("<Event><System><EventID>4624</EventID");
	refused("<Event><System><Provider Name='unterminated>");
}

static void
test_unescape(void **state)
{
	char out[32];
	const char *in = "\\a&amp;b &lt;x&gt; &quot;&apos; &#65;&#x42;&#x3042;";
	wk_str s = {in, strlen(in)};

	(void)state;
	assert_int_equal(wk_winevt_unescape(s, out, sizeof(out)), strlen("\\a&b <x> \"' AB\xE3\x81\x82"));
	assert_string_equal(out, "\\a&b <x> \"' AB\xE3\x81\x82");
	assert_int_equal(wk_winevt_unescape(s, out, 5), (size_t)-1);
	assert_int_equal(wk_winevt_unescape((wk_str){"a&b", 3}, out, sizeof(out)), (size_t)-1);
	assert_int_equal(wk_winevt_unescape((wk_str){"&bogus;", 7}, out, sizeof(out)), (size_t)-1);
	assert_int_equal(wk_winevt_unescape((wk_str){"&#0;", 4}, out, sizeof(out)), (size_t)-1);
	assert_int_equal(wk_winevt_unescape((wk_str){"&#xD800;", 8}, out, sizeof(out)), (size_t)-1);
	assert_int_equal(wk_winevt_unescape((wk_str){"&#x110000;", 10}, out, sizeof(out)), (size_t)-1);
	assert_int_equal(wk_winevt_unescape((wk_str){"&", 1}, out, sizeof(out)), (size_t)-1);
	assert_int_equal(wk_winevt_unescape((wk_str){NULL, 0}, out, sizeof(out)), 0);
	assert_string_equal(out, "");
}

static void
test_read_errors(void **state)
{
	char err[512];
	struct got *g = calloc(1, sizeof(*g));

	(void)state;
	assert_non_null(g);
	assert_int_equal(wk_winevt_read_file(DATA "no-such-file.evtx", collect, g, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no-such-file.evtx"));
	assert_int_equal(wk_winevt_read_file(DATA "README.md", collect, g, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "README.md"));
	assert_int_equal(g->n, 0);
	/* the callback stops the reading: its value comes back */
	g->stop_after = 2;
	assert_int_equal(wk_winevt_read_file(DATA "LM_Remote_Service02_7045.evtx", collect, g, err,
					     sizeof(err)),
			 7);
	assert_int_equal(g->n, 2);
	free(g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kerberos_spray),
		cmocka_unit_test(test_scheduled_task),
		cmocka_unit_test(test_service_install),
		cmocka_unit_test(test_psexec_pipes),
		cmocka_unit_test(test_file_copy),
		cmocka_unit_test(test_xml_export),
		cmocka_unit_test(test_xml_forms),
		cmocka_unit_test(test_mapping_rules),
		cmocka_unit_test(test_4625_no_such_user),
		cmocka_unit_test(test_4625_other_events),
		cmocka_unit_test(test_xml_refused),
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_read_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
