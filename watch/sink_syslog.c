/* watch/sink_syslog.c - alerts as syslog messages (see sink_syslog.h). */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "sink_syslog.h"

struct wk_syslog {
	wk_syslog_target t;
	char spec[WK_SYSLOG_TARGET_MAX]; /* as given, for messages */
	int facility;
	int fd;                          /* unix:, udp:; -1 for local */
	int logopen;                     /* local: openlog() called */
	struct sockaddr_un un;           /* unix: sent to each time */
	char host[256];                  /* RFC 5424 HOSTNAME */
	long pid;
	uint64_t sent, failed;
	int last_errno;
};

int
wk_syslog_target_parse(const char *target, wk_syslog_target *out, char *err, size_t err_size)
{
	memset(out, 0, sizeof(*out));
	if (strcmp(target, "local") == 0) {
		out->kind = WK_SYSLOG_LOCAL;
		return 0;
	}
	if (strncmp(target, "unix:", 5) == 0) {
		const char *p = target + 5;
		if (p[0] != '/' || strlen(p) >= sizeof(out->path)) {
			snprintf(err, err_size, "syslog target '%s': unix: needs an absolute socket path "
						"of at most %zu bytes, e.g. unix:/dev/log",
				 target, sizeof(out->path) - 1);
			return -1;
		}
		out->kind = WK_SYSLOG_UNIX;
		memcpy(out->path, p, strlen(p) + 1);
		return 0;
	}
	if (strncmp(target, "udp:", 4) == 0) {
		const char *h = target + 4, *he, *colon;
		unsigned long port;
		char *end;

		if (h[0] == '[') { /* [IPv6]:PORT */
			h++;
			he = strchr(h, ']');
			colon = he != NULL && he[1] == ':' ? he + 1 : NULL;
		} else {
			colon = strrchr(h, ':');
			he = colon;
		}
		if (colon == NULL || he == h || (size_t)(he - h) >= sizeof(out->host) ||
		    memchr(h, ' ', (size_t)(he - h)) != NULL ||
		    (target[4] != '[' && memchr(h, ':', (size_t)(he - h)) != NULL)) {
			snprintf(err, err_size, "syslog target '%s': udp: needs HOST:PORT, e.g. "
						"udp:siem.example:514 or udp:[2001:db8::1]:514",
				 target);
			return -1;
		}
		errno = 0;
		port = strtoul(colon + 1, &end, 10);
		if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || errno != 0 || port < 1 ||
		    port > 65535) {
			snprintf(err, err_size, "syslog target '%s': the port must be 1 to 65535",
				 target);
			return -1;
		}
		out->kind = WK_SYSLOG_UDP;
		memcpy(out->host, h, (size_t)(he - h));
		out->host[he - h] = '\0';
		snprintf(out->port, sizeof(out->port), "%lu", port);
		return 0;
	}
	snprintf(err, err_size, "syslog target '%s': use local, unix:/PATH or udp:HOST:PORT", target);
	return -1;
}

int
wk_syslog_facility(const char *name)
{
	static const struct {
		const char *name;
		int value;
	} table[] = {
		{"authpriv", LOG_AUTHPRIV}, {"auth", LOG_AUTH},     {"daemon", LOG_DAEMON},
		{"user", LOG_USER},         {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1},
		{"local2", LOG_LOCAL2},     {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4},
		{"local5", LOG_LOCAL5},     {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(name, table[i].name) == 0)
			return table[i].value;
	return -1;
}

int
wk_syslog_severity(const char *severity)
{
	if (strcmp(severity, "critical") == 0)
		return LOG_CRIT;
	if (strcmp(severity, "high") == 0)
		return LOG_ERR;
	if (strcmp(severity, "medium") == 0)
		return LOG_WARNING;
	return LOG_NOTICE;
}

size_t
wk_syslog_format(char *buf, size_t size, int pri, int64_t sec, long usec, const char *host,
		 long pid, const char *msg, size_t msg_len)
{
	char ts[40], hn[256];
	time_t t = (time_t)sec;
	struct tm tm;
	size_t n = 0;
	int h;

	if (gmtime_r(&t, &tm) == NULL || usec < 0 || usec > 999999)
		return 0;
	snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, usec);
	/* HOSTNAME is 1*255PRINTUSASCII (33-126). */
	for (const char *p = host; *p != '\0' && n < sizeof(hn) - 1; p++)
		if (*p >= 33 && *p <= 126)
			hn[n++] = *p;
	if (n == 0)
		hn[n++] = '-';
	hn[n] = '\0';
	h = snprintf(buf, size, "<%d>1 %s %s sekisho-watch %ld alert - ", pri, ts, hn, pid);
	if (h < 0 || (size_t)h >= size || msg_len > size - (size_t)h)
		return 0;
	memcpy(buf + h, msg, msg_len);
	return (size_t)h + msg_len;
}

wk_syslog *
wk_syslog_open(const char *target, int facility, char *err, size_t err_size)
{
	wk_syslog *s = calloc(1, sizeof(*s));
	struct addrinfo hints, *res = NULL;
	int r;

	if (s == NULL) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	s->fd = -1;
	s->facility = facility;
	s->pid = (long)getpid();
	snprintf(s->spec, sizeof(s->spec), "%s", target);
	if (wk_syslog_target_parse(target, &s->t, err, err_size) != 0)
		goto fail;
	if (gethostname(s->host, sizeof(s->host)) != 0)
		s->host[0] = '\0';
	s->host[sizeof(s->host) - 1] = '\0';
	switch (s->t.kind) {
	case WK_SYSLOG_LOCAL:
		openlog("sekisho-watch", LOG_PID | LOG_NDELAY, facility);
		s->logopen = 1;
		return s;
	case WK_SYSLOG_UNIX:
		s->un.sun_family = AF_UNIX;
		memcpy(s->un.sun_path, s->t.path, strlen(s->t.path) + 1);
		if ((s->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
			snprintf(err, err_size, "syslog %s: %s", target, strerror(errno));
			goto fail;
		}
		return s;
	case WK_SYSLOG_UDP:
		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_DGRAM;
		hints.ai_family = AF_UNSPEC;
		if ((r = getaddrinfo(s->t.host, s->t.port, &hints, &res)) != 0) {
			snprintf(err, err_size, "syslog %s: %s", target, gai_strerror(r));
			goto fail;
		}
		errno = 0;
		for (struct addrinfo *ai = res; ai != NULL; ai = ai->ai_next) {
			s->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
				       ai->ai_protocol);
			if (s->fd < 0)
				continue;
			/* connect() sends nothing; it fixes the peer, so an ICMP "port
			 * unreachable" comes back as a failed send, which is counted. */
			if (connect(s->fd, ai->ai_addr, ai->ai_addrlen) == 0)
				break;
			close(s->fd);
			s->fd = -1;
		}
		freeaddrinfo(res);
		if (s->fd < 0) {
			snprintf(err, err_size, "syslog %s: %s", target,
				 errno != 0 ? strerror(errno) : "no usable address");
			goto fail;
		}
		return s;
	}
fail:
	wk_syslog_close(s);
	return NULL;
}

void
wk_syslog_send(wk_syslog *s, const char *severity, const char *json, size_t len)
{
	char buf[WK_ALERT_JSON_MAX + 512];
	int sev = wk_syslog_severity(severity);
	struct timeval tv;
	ssize_t w;
	size_t n;

	if (s->t.kind == WK_SYSLOG_LOCAL) {
		syslog(s->facility | sev, "%.*s", (int)len, json);
		s->sent++;
		return;
	}
	gettimeofday(&tv, NULL);
	n = wk_syslog_format(buf, sizeof(buf), s->facility | sev, (int64_t)tv.tv_sec,
			     (long)tv.tv_usec, s->host, s->pid, json, len);
	if (n == 0) {
		s->failed++;
		s->last_errno = EMSGSIZE;
		return;
	}
	if (s->t.kind == WK_SYSLOG_UNIX)
		w = sendto(s->fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL, (struct sockaddr *)&s->un,
			   sizeof(s->un));
	else
		w = send(s->fd, buf, n, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (w == (ssize_t)n) {
		s->sent++;
	} else {
		s->failed++;
		s->last_errno = w < 0 ? errno : EMSGSIZE;
	}
}

uint64_t
wk_syslog_sent(const wk_syslog *s)
{
	return s->sent;
}

uint64_t
wk_syslog_failed(const wk_syslog *s)
{
	return s->failed;
}

void
wk_syslog_report(const wk_syslog *s)
{
	if (s->failed == 0)
		return;
	fprintf(stderr, "sekisho-watch: syslog %s: %llu of %llu alerts not sent (last error: %s)\n",
		s->spec, (unsigned long long)s->failed, (unsigned long long)(s->sent + s->failed),
		strerror(s->last_errno));
}

void
wk_syslog_close(wk_syslog *s)
{
	if (s == NULL)
		return;
	if (s->fd >= 0)
		close(s->fd);
	if (s->logopen)
		closelog();
	free(s);
}
