/* watch/sink_webhook.c - alerts POSTed to a webhook (see sink_webhook.h). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "curl_load.h"
#include "sekisho/access.h"
#include "sink_webhook.h"

#define ATTEMPTS 3           /* per alert, while the receiver is answering */
#define BACKOFF_FIRST 1      /* seconds before the second attempt; doubled after */
#define CONNECT_TIMEOUT 5

/* libcurl's functions: set by the first check of a URL, before any thread starts. */
static const wk_curl *C;

/* ---- checks ---------------------------------------------------------------- */

/* Parses url with libcurl's own parser (the one that will use it). */
static CURLU *
parse_url(const char *url)
{
	CURLU *u = C->url();

	if (u != NULL && C->url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		C->url_cleanup(u);
		u = NULL;
	}
	return u;
}

int
wk_webhook_url_check(const char *url, char *err, size_t err_size)
{
	char *scheme = NULL, *host = NULL, *user = NULL, *pass = NULL;
	CURLU *u = NULL;
	int r = -1;

	if ((C = wk_curl_get(err, err_size)) == NULL)
		return -1;
	if (strlen(url) >= WK_WEBHOOK_URL_MAX) {
		snprintf(err, err_size, "the webhook URL is longer than %d bytes",
			 WK_WEBHOOK_URL_MAX - 1);
		goto out;
	}
	for (const char *p = url; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f) {
			snprintf(err, err_size, "the webhook URL holds a space or a control character "
						"(encode it as %%20)");
			goto out;
		}
	if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0) {
		snprintf(err, err_size, "the webhook URL must start with https:// (or http://)");
		goto out;
	}
	if (strstr(url, "://")[3] == '/') { /* libcurl would take "https:///x" as host x */
		snprintf(err, err_size, "the webhook URL has no host after the scheme");
		goto out;
	}
	if ((u = parse_url(url)) == NULL ||
	    C->url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    C->url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || host[0] == '\0') {
		snprintf(err, err_size, "the webhook URL does not parse as an http(s) URL with a host");
		goto out;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		snprintf(err, err_size, "the webhook URL must be https:// (or http://)");
		goto out;
	}
	if (C->url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    C->url_get(u, CURLUPART_PASSWORD, &pass, 0) == CURLUE_OK) {
		snprintf(err, err_size, "the webhook URL holds a user name or password: put "
					"credentials in [alerts] webhook_header instead");
		goto out;
	}
	r = 0;
out:
	C->free(scheme);
	C->free(host);
	if (user != NULL)
		sodium_memzero(user, strlen(user));
	if (pass != NULL)
		sodium_memzero(pass, strlen(pass));
	C->free(user);
	C->free(pass);
	C->url_cleanup(u);
	return r;
}

int
wk_webhook_origin(const char *url, char *out, size_t size)
{
	char *scheme = NULL, *host = NULL, *port = NULL;
	CURLU *u;
	int r = -1;

	if (C == NULL && (C = wk_curl_get(NULL, 0)) == NULL)
		return -1;
	u = parse_url(url);
	if (u != NULL && C->url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    C->url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
	    C->url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK) {
		int n = snprintf(out, size, "%s://%s:%s", scheme, host, port);
		r = n > 0 && (size_t)n < size ? 0 : -1;
	}
	C->free(scheme);
	C->free(host);
	C->free(port);
	C->url_cleanup(u);
	return r;
}

int
wk_webhook_cleartext(const char *url)
{
	char *scheme = NULL, *host = NULL;
	CURLU *u = parse_url(url);
	int r = 0;

	if (u != NULL && C->url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    C->url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		r = strcmp(scheme, "http") == 0 && !sk_addr_loopback(host);
	C->free(scheme);
	C->free(host);
	C->url_cleanup(u);
	return r;
}

int
wk_webhook_header_check(const char *header)
{
	/* RFC 9110 tchar */
	static const char tchar[] = "!#$%&'*+-.^_`|~";
	const char *p = header, *v;
	size_t n = strlen(header);

	if (n == 0 || n >= WK_WEBHOOK_HEADER_MAX)
		return -1;
	for (; *p != '\0' && *p != ':'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || strchr(tchar, *p) != NULL))
			return -1;
	if (*p != ':' || p == header)
		return -1;
	for (v = p + 1; *v == ' ' || *v == '\t'; v++)
		;
	if (*v == '\0')
		return -1;
	for (; *v != '\0'; v++)
		if (((unsigned char)*v < 0x20 && *v != '\t') || *v == 0x7f)
			return -1;
	return 0;
}

/* ---- the queue ------------------------------------------------------------- */

int
wk_webhook_queue_push(wk_webhook_queue *q, const char *s, size_t len)
{
	char *copy = malloc(len + 1);
	int dropped = 0;

	if (copy == NULL)
		return -1;
	memcpy(copy, s, len);
	copy[len] = '\0';
	if (q->count == WK_WEBHOOK_QUEUE) {
		free(q->item[q->head]);
		q->item[q->head] = NULL;
		q->head = (q->head + 1) % WK_WEBHOOK_QUEUE;
		q->count--;
		dropped = 1;
	}
	unsigned tail = (q->head + q->count) % WK_WEBHOOK_QUEUE;
	q->item[tail] = copy;
	q->len[tail] = len;
	q->count++;
	return dropped;
}

char *
wk_webhook_queue_pop(wk_webhook_queue *q, size_t *len)
{
	char *s;

	if (q->count == 0)
		return NULL;
	s = q->item[q->head];
	*len = q->len[q->head];
	q->item[q->head] = NULL;
	q->head = (q->head + 1) % WK_WEBHOOK_QUEUE;
	q->count--;
	return s;
}

void
wk_webhook_queue_clear(wk_webhook_queue *q)
{
	size_t len;
	char *s;

	while ((s = wk_webhook_queue_pop(q, &len)) != NULL)
		free(s);
	q->head = 0;
}

/* ---- the sink -------------------------------------------------------------- */

struct wk_webhook {
	pthread_mutex_t mu;
	pthread_cond_t wake;       /* the worker: an alert queued, or stop */
	pthread_cond_t idle;       /* finish(): the worker finished an alert */
	pthread_t thread;
	int started, finished;
	wk_webhook_queue q;        /* under mu */
	int busy;                  /* under mu: the worker holds an alert */
	int stop;                  /* under mu: exit once the queue is empty */
	atomic_int cut;            /* exit now, a POST running is aborted */
	CURL *curl;                /* the worker's only */
	struct curl_slist *headers; /* holds the secret header: wiped in free */
	char origin[WK_WEBHOOK_URL_MAX]; /* for messages */
	unsigned timeout;
	int failing;               /* worker: the last alert was not delivered */
	wk_webhook_stats st;       /* under mu */
	char last_error[160];      /* under mu */
	int curl_global;
};

static void
monotonic_after(struct timespec *ts, unsigned seconds)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += (time_t)seconds;
}

static size_t
discard(char *p, size_t size, size_t n, void *user)
{
	(void)p;
	(void)user;
	return size * n;
}

/* libcurl calls this often during a transfer: non-zero aborts it. */
static int
progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
	wk_webhook *w = user;

	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return atomic_load(&w->cut);
}

/* Waits before a retry; returns -1 when the sink is being cut short. */
static int
backoff(wk_webhook *w, unsigned seconds)
{
	struct timespec until;

	monotonic_after(&until, seconds);
	pthread_mutex_lock(&w->mu);
	while (!atomic_load(&w->cut) && pthread_cond_timedwait(&w->wake, &w->mu, &until) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&w->mu);
	return atomic_load(&w->cut) ? -1 : 0;
}

static void
set_error(wk_webhook *w, const char *text)
{
	pthread_mutex_lock(&w->mu);
	snprintf(w->last_error, sizeof(w->last_error), "%s", text);
	pthread_mutex_unlock(&w->mu);
}

/* POSTs one alert with retries; 0 when the receiver took it (2xx). */
static int
deliver(wk_webhook *w, const char *json, size_t len)
{
	int attempts = w->failing ? 1 : ATTEMPTS;
	unsigned wait = BACKOFF_FIRST;

	C->easy_setopt(w->curl, CURLOPT_POSTFIELDS, json);
	C->easy_setopt(w->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	for (int i = 0; i < attempts; i++) {
		CURLcode res;
		long code = 0;
		int again;

		if (i > 0) {
			if (backoff(w, wait) != 0)
				return -1;
			wait *= 2;
		}
		res = C->easy_perform(w->curl);
		if (res == CURLE_OK) {
			C->easy_getinfo(w->curl, CURLINFO_RESPONSE_CODE, &code);
			if (code >= 200 && code <= 299)
				return 0;
			char e[32];
			snprintf(e, sizeof(e), "HTTP %ld", code);
			set_error(w, e);
			again = code == 429 || code >= 500;
		} else {
			/* curl's own text, never its error buffer: no URL, no header. */
			set_error(w, res == CURLE_ABORTED_BY_CALLBACK ? "cut short at exit"
								     : C->easy_strerror(res));
			again = res == CURLE_COULDNT_CONNECT || res == CURLE_OPERATION_TIMEDOUT ||
				res == CURLE_COULDNT_RESOLVE_HOST || res == CURLE_SEND_ERROR ||
				res == CURLE_RECV_ERROR || res == CURLE_GOT_NOTHING;
		}
		if (!again || atomic_load(&w->cut))
			return -1;
	}
	return -1;
}

static void *
worker(void *arg)
{
	wk_webhook *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		char *json;
		size_t len;
		int ok;

		while (w->q.count == 0 && !w->stop && !atomic_load(&w->cut))
			pthread_cond_wait(&w->wake, &w->mu);
		if (atomic_load(&w->cut) || (json = wk_webhook_queue_pop(&w->q, &len)) == NULL)
			break; /* cut short, or stopped with nothing left */
		w->busy = 1;
		pthread_mutex_unlock(&w->mu);

		ok = deliver(w, json, len) == 0;
		free(json);
		if (ok && w->failing)
			fprintf(stderr, "sekisho-watch: webhook %s: delivering again\n", w->origin);
		if (!ok && !w->failing && !atomic_load(&w->cut)) {
			char e[sizeof(w->last_error)];
			pthread_mutex_lock(&w->mu);
			memcpy(e, w->last_error, sizeof(e));
			pthread_mutex_unlock(&w->mu);
			fprintf(stderr, "sekisho-watch: webhook %s: an alert was not delivered (%s); "
					"alerts still go to the other outputs\n",
				w->origin, e);
		}
		w->failing = !ok;

		pthread_mutex_lock(&w->mu);
		w->busy = 0;
		if (ok)
			w->st.delivered++;
		else
			w->st.failed++;
		pthread_cond_broadcast(&w->idle);
	}
	w->busy = 0;
	pthread_cond_broadcast(&w->idle);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static int
setup_curl(wk_webhook *w, const char *url, const char *header, const char *ca_file,
	   char *err, size_t err_size)
{
	struct curl_slist *l;
	CURLcode r = CURLE_OK;

	if ((w->curl = C->easy_init()) == NULL)
		goto nomem;
	if ((l = C->slist_append(NULL, "Content-Type: application/json")) == NULL)
		goto nomem;
	w->headers = l;
	/* No "Expect: 100-continue": the body is small and a receiver that does
	 * not answer it would cost a second per alert. */
	if ((l = C->slist_append(w->headers, "Expect:")) == NULL)
		goto nomem;
	w->headers = l;
	if (header != NULL && header[0] != '\0') {
		if ((l = C->slist_append(w->headers, header)) == NULL)
			goto nomem;
		w->headers = l;
	}
#define SET(opt, val) \
	do { \
		if (r == CURLE_OK) \
			r = C->easy_setopt(w->curl, opt, val); \
	} while (0)
	SET(CURLOPT_URL, url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_POST, 1L);
	SET(CURLOPT_HTTPHEADER, w->headers);
	SET(CURLOPT_USERAGENT, "sekisho-watch");
	SET(CURLOPT_CONNECTTIMEOUT, (long)(w->timeout < CONNECT_TIMEOUT ? w->timeout : CONNECT_TIMEOUT));
	SET(CURLOPT_TIMEOUT, (long)w->timeout);
	SET(CURLOPT_NOSIGNAL, 1L); /* threads; SIGPIPE is blocked in the worker */
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_WRITEFUNCTION, discard);
	SET(CURLOPT_NOPROGRESS, 0L);
	SET(CURLOPT_XFERINFOFUNCTION, progress);
	SET(CURLOPT_XFERINFODATA, w);
	if (ca_file != NULL && ca_file[0] != '\0')
		SET(CURLOPT_CAINFO, ca_file);
#undef SET
	if (r != CURLE_OK) {
		snprintf(err, err_size, "webhook %s: libcurl: %s", w->origin, C->easy_strerror(r));
		return -1;
	}
	return 0;
nomem:
	snprintf(err, err_size, "webhook: out of memory");
	return -1;
}

wk_webhook *
wk_webhook_new(const char *url, const char *header, const char *ca_file, unsigned timeout_s,
	       char *err, size_t err_size)
{
	wk_webhook *w = NULL;
	pthread_condattr_t ca;
	sigset_t all, old;
	FILE *f;

	if (wk_webhook_url_check(url, err, err_size) != 0)
		return NULL;
	if (header != NULL && header[0] != '\0' && wk_webhook_header_check(header) != 0) {
		snprintf(err, err_size, "the webhook header is not 'Name: value' on one line "
					"(its value is not shown)");
		return NULL;
	}
	if (timeout_s < 1 || timeout_s > WK_WEBHOOK_TIMEOUT_MAX) {
		snprintf(err, err_size, "the webhook timeout must be 1 to %d seconds",
			 WK_WEBHOOK_TIMEOUT_MAX);
		return NULL;
	}
	if (ca_file != NULL && ca_file[0] != '\0') {
		if ((f = fopen(ca_file, "r")) == NULL) {
			snprintf(err, err_size, "webhook CA file %s: %s", ca_file, strerror(errno));
			return NULL;
		}
		fclose(f);
	}
	if (C->global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, err_size, "webhook: libcurl does not start");
		return NULL;
	}
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		C->global_cleanup();
		snprintf(err, err_size, "webhook: out of memory");
		return NULL;
	}
	w->curl_global = 1;
	w->timeout = timeout_s;
	atomic_init(&w->cut, 0);
	if (wk_webhook_origin(url, w->origin, sizeof(w->origin)) != 0)
		snprintf(w->origin, sizeof(w->origin), "(URL)");
	pthread_mutex_init(&w->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->wake, &ca);
	pthread_cond_init(&w->idle, &ca);
	pthread_condattr_destroy(&ca);
	if (setup_curl(w, url, header, ca_file, err, err_size) != 0)
		goto fail;
	/* The worker blocks every signal: SIGINT and SIGTERM stay the main
	 * loop's, and a SIGPIPE from a closed connection only fails a write. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	errno = pthread_create(&w->thread, NULL, worker, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (errno != 0) {
		snprintf(err, err_size, "webhook: cannot start a thread: %s", strerror(errno));
		goto fail;
	}
	w->started = 1;
	return w;
fail:
	wk_webhook_free(w);
	return NULL;
}

void
wk_webhook_post(wk_webhook *w, const char *json, size_t len)
{
	int r;

	pthread_mutex_lock(&w->mu);
	if (w->stop) { /* finishing: too late */
		w->st.unsent++;
		pthread_mutex_unlock(&w->mu);
		return;
	}
	r = wk_webhook_queue_push(&w->q, json, len);
	if (r != 0)
		w->st.dropped++; /* the oldest made room, or no memory for this one */
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->mu);
}

void
wk_webhook_finish(wk_webhook *w, unsigned wait_s)
{
	struct timespec until;

	if (w->finished)
		return;
	w->finished = 1;
	if (!w->started)
		return;
	monotonic_after(&until, wait_s);
	pthread_mutex_lock(&w->mu);
	w->stop = 1;
	pthread_cond_broadcast(&w->wake);
	while ((w->q.count > 0 || w->busy) &&
	       pthread_cond_timedwait(&w->idle, &w->mu, &until) != ETIMEDOUT)
		;
	if (w->q.count > 0 || w->busy) {
		atomic_store(&w->cut, 1); /* a POST running is aborted; it counts as failed */
		pthread_cond_broadcast(&w->wake);
	}
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	w->started = 0;
	pthread_mutex_lock(&w->mu);
	w->st.unsent += w->q.count;
	wk_webhook_queue_clear(&w->q);
	pthread_mutex_unlock(&w->mu);
}

void
wk_webhook_get_stats(wk_webhook *w, wk_webhook_stats *st)
{
	pthread_mutex_lock(&w->mu);
	*st = w->st;
	pthread_mutex_unlock(&w->mu);
}

void
wk_webhook_report(wk_webhook *w)
{
	wk_webhook_stats st;
	char e[sizeof(w->last_error)];

	pthread_mutex_lock(&w->mu);
	st = w->st;
	memcpy(e, w->last_error, sizeof(e));
	pthread_mutex_unlock(&w->mu);
	if (st.failed == 0 && st.dropped == 0 && st.unsent == 0)
		return;
	fprintf(stderr,
		"sekisho-watch: webhook %s: %llu delivered, %llu failed, %llu dropped (queue full), "
		"%llu not sent at exit%s%s%s\n",
		w->origin, (unsigned long long)st.delivered, (unsigned long long)st.failed,
		(unsigned long long)st.dropped, (unsigned long long)st.unsent,
		e[0] != '\0' ? " (last error: " : "", e, e[0] != '\0' ? ")" : "");
}

void
wk_webhook_free(wk_webhook *w)
{
	if (w == NULL)
		return;
	if (w->started) { /* not finished: cut short at once */
		atomic_store(&w->cut, 1);
		wk_webhook_finish(w, 0);
	}
	C->easy_cleanup(w->curl);
	/* curl_slist_append copied the header: wipe that copy before it is freed. */
	for (struct curl_slist *l = w->headers; l != NULL; l = l->next)
		sodium_memzero(l->data, strlen(l->data));
	C->slist_free_all(w->headers);
	wk_webhook_queue_clear(&w->q);
	pthread_cond_destroy(&w->wake);
	pthread_cond_destroy(&w->idle);
	pthread_mutex_destroy(&w->mu);
	if (w->curl_global)
		C->global_cleanup();
	free(w);
}
