/*
 * server/http.c - h2o event loops (one per core, SO_REUSEPORT) and the
 * worker pool that runs the portal's logic (DESIGN 7).
 *
 * A request is copied into a job on its loop thread and queued; a worker
 * fills the job's response and posts it back to that loop with
 * h2o_multithread_send_message().  If the client goes away meanwhile, the
 * request's memory pool is freed; a small object allocated in that pool
 * tells the job so (its dispose callback clears job->req), and the finished
 * job is simply dropped.  Every touch of job->req and of the link happens on
 * the loop thread, so no lock is needed for them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <h2o.h>
#include <openssl/ssl.h>
#include <sodium.h>

#include "fwd.h"
#include "http.h"

#define MAX_BODY (1024 * 1024)
#define MAX_LOOPS 64
#define MAX_WORKERS 64

struct loop {
	h2o_evloop_t *evloop;
	h2o_context_t ctx;
	h2o_accept_ctx_t accept;
	h2o_multithread_queue_t *queue;
	h2o_multithread_receiver_t receiver;
	h2o_socket_t *listener;
	fwd_cache *fwd;               /* forward-auth's sessions, this loop's own */
	pthread_t tid;
};

struct req_link;

struct job {
	h2o_multithread_message_t msg; /* first: the message is the job */
	struct loop *loop;
	h2o_req_t *req;                /* NULL once the request went away */
	struct req_link *link;
	struct job *next;
	int audit_only;                /* a forward-auth decision to record; nobody waits */
	http_in in;
	http_out out;
};

struct req_link {
	struct job *job;
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct job *head, *tail;
	int stop;
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, 0};

/* Forward-auth decisions waiting to be audited: bounded, the excess is counted. */
#define MAX_PENDING_AUDITS 4096
static _Atomic unsigned pending_audits;
static _Atomic unsigned long dropped_audits;

static h2o_globalconf_t globalconf;
static char csp[1024]; /* the pages' Content-Security-Policy (build_csp) */
static const server_config *config;
static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static void
job_free(struct job *job)
{
	if (job == NULL)
		return;
	if (job->in.body != NULL) {
		sodium_memzero(job->in.body, job->in.body_len); /* passwords, codes */
		free(job->in.body);
	}
	free(job->in.cookie);
	free(job->in.accept_language);
	free(job->in.agent);
	if (job->in.authorization != NULL) {
		sodium_memzero(job->in.authorization, strlen(job->in.authorization));
		free(job->in.authorization);
	}
	free(job->in.csrf_header);
	free(job->in.content_type);
	free(job->in.fwd_url);
	free(job->out.fwd_fill);
	buf_free(&job->out.body);
	sodium_memzero(job->out.cookies, sizeof(job->out.cookies));
	free(job);
}

static void
link_dispose(void *p)
{
	struct req_link *l = p;

	if (l->job != NULL) {
		l->job->req = NULL;
		l->job->link = NULL;
	}
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 302: return "Found";
	case 303: return "See Other";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 413: return "Payload Too Large";
	case 414: return "URI Too Long";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return "Internal Server Error";
	}
}

static void
add_header(h2o_req_t *req, const char *name, const char *value)
{
	h2o_add_header_by_str(&req->pool, &req->res.headers, name, strlen(name), 1, NULL,
			      value, strlen(value));
}

/*
 * The headers and the body in one write.  h2o_send_inline with an empty
 * body hands the socket a zero-length buffer after the headers, and h2o's
 * event loop then waits for the socket to be writable to "send" it: two
 * epoll_ctl, an epoll_wait and an empty writev more for every forward-auth
 * answer (they have no body).  No buffer at all when there is nothing.
 */
static void
send_body(h2o_req_t *req, const http_out *out)
{
	static h2o_generator_t generator = {NULL, NULL}; /* all sent at once: nothing to proceed */
	h2o_iovec_t body = {NULL, 0};

	if (!out->body.oom && out->body.data != NULL && out->body.len > 0)
		body = h2o_strdup(&req->pool, out->body.data, out->body.len);
	req->res.content_length = body.len;
	h2o_start_response(req, &generator);
	h2o_send(req, &body, body.len > 0 ? 1 : 0, H2O_SEND_STATE_FINAL);
}

static void
respond(h2o_req_t *req, http_out *out, int secure)
{
	const char *ct = out->content_type ? out->content_type : "text/html; charset=utf-8";

	req->res.status = out->status ? out->status : 200;
	req->res.reason = reason(req->res.status);
	add_header(req, "content-type", ct);
	for (int i = 0; i < out->nextra && i < HTTP_MAX_EXTRA; i++)
		h2o_add_header_by_str(&req->pool, &req->res.headers, out->extra[i].name,
				      strlen(out->extra[i].name), 1, NULL,
				      h2o_strdup(&req->pool, out->extra[i].value, SIZE_MAX).base,
				      strlen(out->extra[i].value));
	if (out->plain) {
		/* Forward-auth: read by the proxy, not rendered; keep it short. */
		add_header(req, "cache-control", "no-store");
		if (out->location[0] != '\0')
			h2o_add_header(&req->pool, &req->res.headers, H2O_TOKEN_LOCATION, NULL,
				       h2o_strdup(&req->pool, out->location, SIZE_MAX).base,
				       strlen(out->location));
		send_body(req, out);
		return;
	}
	add_header(req, "content-security-policy", csp);
	add_header(req, "x-content-type-options", "nosniff");
	add_header(req, "x-frame-options", "DENY");
	add_header(req, "referrer-policy", "no-referrer");
	add_header(req, "cross-origin-opener-policy", "same-origin");
	add_header(req, "cache-control", out->content_type && strncmp(ct, "text/css", 8) == 0
						? "public, max-age=3600"
						: "no-store");
	if (secure)
		add_header(req, "strict-transport-security", "max-age=31536000");
	if (out->location[0] != '\0')
		add_header(req, "location", out->location);
	for (int i = 0; i < out->ncookies && i < HTTP_MAX_COOKIES; i++)
		add_header(req, "set-cookie", out->cookies[i]);
	send_body(req, out);
}

/* Copies the values of every header called token into one string ("; "-joined). */
static char *
header_copy(h2o_req_t *req, const h2o_token_t *token, const char *sep)
{
	sk_buf b;
	ssize_t i = -1;
	int n = 0;

	buf_init(&b);
	while ((i = h2o_find_header(&req->headers, token, i)) != -1) {
		if (n++ > 0)
			buf_add(&b, sep);
		buf_addn(&b, req->headers.entries[i].value.base, req->headers.entries[i].value.len);
	}
	if (n == 0)
		return NULL;
	return buf_take(&b, NULL);
}

/* Same as header_copy for a header h2o has no token for (first value only). */
static char *
header_copy_str(h2o_req_t *req, const char *name)
{
	ssize_t i = h2o_find_header_by_str(&req->headers, name, strlen(name), -1);
	sk_buf b;

	if (i == -1)
		return NULL;
	buf_init(&b);
	buf_addn(&b, req->headers.entries[i].value.base, req->headers.entries[i].value.len);
	return buf_take(&b, NULL);
}

static int
copy_str(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		return -1;
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

static void
peer_addr(h2o_req_t *req, char *out, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len;

	snprintf(out, size, "unknown");
	len = req->conn->callbacks->get_peername(req->conn, (struct sockaddr *)&ss);
	if (len == 0)
		return;
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out, (socklen_t)size);
	else if (ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, out, (socklen_t)size);
}

static int
trusted(const server_config *sc, const char *addr)
{
	for (unsigned i = 0; i < sc->ntrusted; i++)
		if (strcmp(sc->trusted_proxies[i], addr) == 0)
			return 1;
	return 0;
}

void
http_client_addr(const server_config *sc, const char *peer, const char *forwarded, char *out,
		 size_t size)
{
	char hop[64];
	const char *end;

	snprintf(out, size, "%s", peer);
	if (forwarded == NULL || !trusted(sc, peer))
		return;
	/* Walk X-Forwarded-For from the right: the first hop we do not trust is the client. */
	end = forwarded + strlen(forwarded);
	while (end > forwarded) {
		const char *start = end;
		while (start > forwarded && start[-1] != ',')
			start--;
		const char *a = start, *b = end;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		unsigned char tmp[sizeof(struct in6_addr)];
		size_t n = (size_t)(b - a);
		if (n == 0 || n >= sizeof(hop))
			return; /* malformed: keep the proxy's address */
		memcpy(hop, a, n);
		hop[n] = '\0';
		if (inet_pton(AF_INET, hop, tmp) != 1 && inet_pton(AF_INET6, hop, tmp) != 1)
			return;
		snprintf(out, size, "%s", hop);
		if (!trusted(sc, hop))
			return;
		end = start > forwarded ? start - 1 : forwarded;
	}
}

/* The first value of header name: pointer into the request, or NULL. */
static const char *
header_ref(h2o_req_t *req, const char *name, size_t *len)
{
	ssize_t i = h2o_find_header_by_str(&req->headers, name, strlen(name), -1);

	if (i == -1)
		return NULL;
	*len = req->headers.entries[i].value.len;
	return req->headers.entries[i].value.base;
}

static void send_error(h2o_req_t *req, int status);

/* Queues a forward-auth decision for the audit log (a worker writes it). */
static void
queue_audit(const http_out *decided, const char *url, const char *addr)
{
	struct job *job;

	if (atomic_fetch_add(&pending_audits, 1) >= MAX_PENDING_AUDITS ||
	    (job = calloc(1, sizeof(*job))) == NULL) {
		atomic_fetch_sub(&pending_audits, 1);
		atomic_fetch_add(&dropped_audits, 1);
		return;
	}
	job->audit_only = 1;
	job->out.status = decided->status;
	job->out.nextra = decided->nextra;
	memcpy(job->out.extra, decided->extra, sizeof(job->out.extra));
	memcpy(job->out.audit_user, decided->audit_user, sizeof(job->out.audit_user));
	job->in.fwd_url = url ? strdup(url) : NULL;
	snprintf(job->in.addr, sizeof(job->in.addr), "%s", addr);
	buf_init(&job->out.body);
	pthread_mutex_lock(&pool.mu);
	if (pool.tail != NULL)
		pool.tail->next = job;
	else
		pool.head = job;
	pool.tail = job;
	pthread_cond_signal(&pool.cv);
	pthread_mutex_unlock(&pool.mu);
}

/*
 * /auth/verify on the loop (DESIGN 8): the original URL from the proxy's
 * headers, the session from this loop's cache.  Returns 1 when answered;
 * 0 sends the request to a worker, with the URL in *url (malloc'd) when
 * the proxy gave one.
 */
static int
fwd_on_loop(struct loop *lp, h2o_req_t *req, const char *addr, char **url_out, int *redirect)
{
	char url[FWD_URL_MAX];
	const char *o, *pr, *ho, *ur;
	size_t ol = 0, pl = 0, hl = 0, ul = 0;
	fwd_req fr;
	http_out out;
	int audit, answered;
	ssize_t ci;

	*url_out = NULL;
	o = header_ref(req, "x-original-url", &ol);
	pr = header_ref(req, "x-forwarded-proto", &pl);
	ho = header_ref(req, "x-forwarded-host", &hl);
	ur = header_ref(req, "x-forwarded-uri", &ul);
	memset(&fr, 0, sizeof(fr));
	fr.addr = addr;
	fr.url = fwd_original_url(o, ol, pr, pl, ho, hl, ur, ul, url, sizeof(url), redirect) == 0
			 ? url
			 : NULL;
	fr.redirect = *redirect;
	ci = h2o_find_header(&req->headers, H2O_TOKEN_COOKIE, -1);
	if (ci != -1) {
		/* HTTP/2 may split cookies over several headers: let a worker join them. */
		if (h2o_find_header(&req->headers, H2O_TOKEN_COOKIE, ci) != -1)
			goto to_worker;
		fr.cookie = req->headers.entries[ci].value.base;
		fr.cookie_len = req->headers.entries[ci].value.len;
	}
	/* Only the fields respond() reads: the struct is mostly cookie space. */
	out.status = 0;
	out.content_type = NULL;
	out.location[0] = '\0';
	out.ncookies = 0;
	out.nextra = 0;
	out.plain = 0;
	out.audit_user[0] = '\0';
	out.fwd_fill = NULL;
	buf_init(&out.body);
	answered = fwd_fast(lp->fwd, config, &fr, &out, &audit);
	if (answered) {
		respond(req, &out, req->scheme == &H2O_URL_SCHEME_HTTPS);
		if (audit)
			queue_audit(&out, fr.url, addr);
	}
	buf_free(&out.body);
	if (answered)
		return 1;
to_worker:
	if (fr.url != NULL)
		*url_out = strdup(fr.url);
	return 0;
}

/* The client's address (through trusted proxies) into out. */
static void
client_addr(h2o_req_t *req, char *out, size_t size)
{
	char peer[64];
	char *xff = config->ntrusted ? header_copy_str(req, "x-forwarded-for") : NULL;

	peer_addr(req, peer, sizeof(peer));
	http_client_addr(config, peer, xff, out, size);
	free(xff);
}

static void
send_error(h2o_req_t *req, int status)
{
	http_out out;

	memset(&out, 0, sizeof(out));
	out.status = status;
	out.content_type = "text/plain; charset=utf-8";
	buf_init(&out.body);
	buf_add(&out.body, reason(status));
	buf_add(&out.body, "\n");
	respond(req, &out, req->scheme == &H2O_URL_SCHEME_HTTPS);
	buf_free(&out.body);
}

static int
on_req(h2o_handler_t *self, h2o_req_t *req)
{
	struct loop *lp = H2O_STRUCT_FROM_MEMBER(struct loop, ctx, req->conn->ctx);
	struct job *job;
	size_t path_len;
	char *fwd_url = NULL;
	int fwd_redirect = 0;

	(void)self;
	if (req->entity.base != NULL && req->entity.len > MAX_BODY) {
		send_error(req, 413);
		return 0;
	}
	/* Forward-auth first: answered on the loop, mostly without any allocation. */
	if (config->fwd_enabled && req->path_normalized.len == 12 &&
	    memcmp(req->path_normalized.base, "/auth/verify", 12) == 0) {
		char addr[64];
		client_addr(req, addr, sizeof(addr));
		if (fwd_on_loop(lp, req, addr, &fwd_url, &fwd_redirect))
			return 0;
	}
	if ((job = calloc(1, sizeof(*job))) == NULL) {
		free(fwd_url);
		send_error(req, 503);
		return 0;
	}
	job->in.fwd_url = fwd_url;
	job->in.fwd_redirect = fwd_redirect;
	path_len = req->query_at != SIZE_MAX ? req->query_at : req->path.len;
	if (copy_str(job->in.method, sizeof(job->in.method), req->method.base, req->method.len) != 0 ||
	    copy_str(job->in.path, sizeof(job->in.path), req->path_normalized.base,
		     req->path_normalized.len) != 0 ||
	    (req->query_at != SIZE_MAX &&
	     copy_str(job->in.query, sizeof(job->in.query), req->path.base + req->query_at + 1,
		      req->path.len - req->query_at - 1) != 0)) {
		job_free(job);
		send_error(req, 414);
		return 0;
	}
	(void)path_len;
	client_addr(req, job->in.addr, sizeof(job->in.addr));
	job->in.secure = req->scheme == &H2O_URL_SCHEME_HTTPS;
	job->in.cookie = header_copy(req, H2O_TOKEN_COOKIE, "; ");
	job->in.accept_language = header_copy(req, H2O_TOKEN_ACCEPT_LANGUAGE, ",");
	job->in.agent = header_copy(req, H2O_TOKEN_USER_AGENT, " ");
	job->in.authorization = header_copy(req, H2O_TOKEN_AUTHORIZATION, ",");
	job->in.content_type = header_copy(req, H2O_TOKEN_CONTENT_TYPE, ",");
	job->in.csrf_header = header_copy_str(req, "x-csrf-token");
	buf_init(&job->out.body);

	/* Static files: answered here, no worker needed. */
	if (portal_static(&job->in, &job->out)) {
		respond(req, &job->out, job->in.secure);
		job_free(job);
		return 0;
	}
	if (req->entity.base != NULL && req->entity.len > 0) {
		if ((job->in.body = malloc(req->entity.len)) == NULL) {
			job_free(job);
			send_error(req, 503);
			return 0;
		}
		memcpy(job->in.body, req->entity.base, req->entity.len);
		job->in.body_len = req->entity.len;
	}
	job->loop = lp;
	job->req = req;
	job->link = h2o_mem_alloc_shared(&req->pool, sizeof(*job->link), link_dispose);
	job->link->job = job;
	pthread_mutex_lock(&pool.mu);
	if (pool.tail != NULL)
		pool.tail->next = job;
	else
		pool.head = job;
	pool.tail = job;
	pthread_cond_signal(&pool.cv);
	pthread_mutex_unlock(&pool.mu);
	return 0;
}

/* On the loop thread: finished jobs from the workers. */
static void
on_done(h2o_multithread_receiver_t *receiver, h2o_linklist_t *messages)
{
	(void)receiver;
	while (!h2o_linklist_is_empty(messages)) {
		h2o_multithread_message_t *m =
			H2O_STRUCT_FROM_MEMBER(h2o_multithread_message_t, link, messages->next);
		struct job *job = (struct job *)m;

		h2o_linklist_unlink(&m->link);
		if (job->out.fwd_fill != NULL) {
			struct loop *lp = job->loop;
			fwd_cache_put(lp->fwd, job->out.fwd_fill);
		}
		if (job->req != NULL) {
			job->link->job = NULL; /* the pool may now go away without us */
			respond(job->req, &job->out, job->in.secure);
		}
		job_free(job);
	}
}

struct worker_arg {
	int (*open_ctx)(void *arg, sk_ctx **ctx);
	void *arg;
	int ok;
	h2o_barrier_t *ready;
};

static void *
worker_main(void *p)
{
	struct worker_arg *wa = p;
	sk_ctx *ctx = NULL;
	struct job *job;

	wa->ok = wa->open_ctx(wa->arg, &ctx) == 0;
	h2o_barrier_wait(wa->ready);
	if (!wa->ok)
		return NULL;
	for (;;) {
		pthread_mutex_lock(&pool.mu);
		while (pool.head == NULL && !pool.stop)
			pthread_cond_wait(&pool.cv, &pool.mu);
		if (pool.head == NULL) {
			pthread_mutex_unlock(&pool.mu);
			break;
		}
		job = pool.head;
		pool.head = job->next;
		if (pool.head == NULL)
			pool.tail = NULL;
		pthread_mutex_unlock(&pool.mu);
		if (job->audit_only) {
			unsigned long dropped = atomic_exchange(&dropped_audits, 0);
			if (dropped > 0) { /* say so in the log rather than lose it silently */
				char d[64];
				snprintf(d, sizeof(d), "%lu decisions not audited: queue full",
					 dropped);
				(void)sk_audit(ctx, "sekishod", "forward_auth.dropped", "-", "",
					       "fail", d);
			}
			fwd_audit_record(ctx, &job->out, job->in.fwd_url, job->in.addr);
			atomic_fetch_sub(&pending_audits, 1);
			job_free(job);
			continue;
		}
		portal_handle(ctx, config, &job->in, &job->out);
		/* Anything but a read or a password attempt may have changed a signed-in
		 * session (sign-out, step-up, an administrator's change): the loops'
		 * caches start again. */
		if (!(strcmp(job->in.method, "GET") == 0 || strcmp(job->in.method, "HEAD") == 0 ||
		      strcmp(job->in.path, "/login") == 0))
			fwd_invalidate();
		h2o_multithread_send_message(&job->loop->receiver, &job->msg);
	}
	sk_ctx_free(ctx);
	return NULL;
}

static void
on_accept(h2o_socket_t *listener, const char *err)
{
	struct loop *lp = listener->data;
	h2o_socket_t *sock;

	if (err != NULL)
		return;
	if ((sock = h2o_evloop_socket_accept(listener)) == NULL)
		return;
	h2o_accept(&lp->accept, sock);
}

static int
open_listener(const server_config *sc, int reuseport)
{
	struct sockaddr_in6 a6;
	struct sockaddr_in a4;
	int fd, on = 1, family = strchr(sc->listen_addr, ':') ? AF_INET6 : AF_INET;

	if ((fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (reuseport)
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
	if (family == AF_INET) {
		memset(&a4, 0, sizeof(a4));
		a4.sin_family = AF_INET;
		a4.sin_port = htons((uint16_t)sc->port);
		if (inet_pton(AF_INET, sc->listen_addr, &a4.sin_addr) != 1 ||
		    bind(fd, (struct sockaddr *)&a4, sizeof(a4)) != 0)
			goto fail;
	} else {
		memset(&a6, 0, sizeof(a6));
		a6.sin6_family = AF_INET6;
		a6.sin6_port = htons((uint16_t)sc->port);
		if (inet_pton(AF_INET6, sc->listen_addr, &a6.sin6_addr) != 1 ||
		    bind(fd, (struct sockaddr *)&a6, sizeof(a6)) != 0)
			goto fail;
	}
	if (listen(fd, SOMAXCONN) != 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -1;
}

struct loop_start {
	struct loop *lp;
	SSL_CTX *ssl;
	int fd;
	h2o_barrier_t *ready;
};

/*
 * Builds a loop and runs it, all on the calling thread: h2o 2.2 keeps its
 * socket buffer recycler in thread-local storage (h2o_socket_buffer_prototype
 * is __thread), so a loop created on one thread and run on another shares
 * that recycler across threads and corrupts it under load (seen here as a
 * crash in h2o_mem_alloc_recycle at 20k requests/s with two loops).
 */
static void *
loop_main(void *p)
{
	struct loop_start *ls = p;
	struct loop *lp = ls->lp;

	lp->evloop = h2o_evloop_create();
	lp->fwd = config->fwd_enabled ? fwd_cache_new() : NULL;
	h2o_context_init(&lp->ctx, lp->evloop, &globalconf);
	lp->accept.ctx = &lp->ctx;
	lp->accept.hosts = globalconf.hosts;
	lp->accept.ssl_ctx = ls->ssl;
	lp->queue = h2o_multithread_create_queue(lp->evloop);
	h2o_multithread_register_receiver(lp->queue, &lp->receiver, on_done);
	lp->listener = h2o_evloop_socket_create(lp->evloop, ls->fd, H2O_SOCKET_FLAG_DONT_READ);
	lp->listener->data = lp;
	h2o_socket_read_start(lp->listener, on_accept);
	h2o_barrier_wait(ls->ready);
	while (!stopping)
		h2o_evloop_run(lp->evloop, 500);
	fwd_cache_free(lp->fwd);
	lp->fwd = NULL;
	return NULL;
}

/*
 * The pages' CSP.  A sign-in's last step answers a form POST with a redirect
 * to rd, and browsers check every hop of that against form-action: with
 * forward-auth the applications' domains must be listed, or the browser
 * stays on the portal (found by the nginx browser test).
 */
static void
build_csp(const server_config *sc)
{
	char forms[768] = "'self'";
	const char *one[1] = {sc->cookie_domain};

	if (sc->fwd_enabled) {
		unsigned n = sc->nrd_domains;
		for (unsigned i = 0; i < (n ? n : 1); i++) {
			const char *d = n ? sc->rd_domains[i] : one[0];
			size_t used = strlen(forms);
			if (d[0] != '\0')
				snprintf(forms + used, sizeof(forms) - used, " %s:* *.%s:*", d, d);
		}
	}
	snprintf(csp, sizeof(csp),
		 "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action %s; "
		 "frame-ancestors 'none'; base-uri 'none'",
		 forms);
}

static SSL_CTX *
make_tls(const server_config *sc)
{
	SSL_CTX *ssl = SSL_CTX_new(TLS_server_method());

	if (ssl == NULL)
		return NULL;
	SSL_CTX_set_min_proto_version(ssl, TLS1_2_VERSION);
	SSL_CTX_set_options(ssl, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
	if (SSL_CTX_use_certificate_chain_file(ssl, sc->tls_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ssl, sc->tls_key, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ssl) != 1) {
		SSL_CTX_free(ssl);
		return NULL;
	}
	h2o_ssl_register_alpn_protocols(ssl, h2o_http2_alpn_protocols);
	return ssl;
}

int
http_serve(const server_config *sc, int (*open_ctx)(void *arg, sk_ctx **ctx), void *arg)
{
	static struct loop loops[MAX_LOOPS];
	static struct loop_start starts[MAX_LOOPS];
	h2o_barrier_t loops_ready;
	pthread_t workers[MAX_WORKERS];
	struct worker_arg wa[MAX_WORKERS];
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned nloops = sc->loops ? sc->loops : (unsigned)(cores > 0 ? cores : 1);
	unsigned nworkers = sc->workers ? sc->workers : (unsigned)(cores > 0 ? cores : 1);
	h2o_barrier_t ready;
	SSL_CTX *ssl = NULL;
	struct sigaction sa;
	h2o_hostconf_t *host;
	h2o_pathconf_t *path;
	h2o_handler_t *handler;
	int ok = 1;

	if (nloops > MAX_LOOPS)
		nloops = MAX_LOOPS;
	if (nworkers > MAX_WORKERS)
		nworkers = MAX_WORKERS;
	config = sc;
	build_csp(sc);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (sc->tls_cert[0] != '\0' && (ssl = make_tls(sc)) == NULL) {
		fprintf(stderr, "sekishod: cannot load the TLS certificate %s and key %s\n",
			sc->tls_cert, sc->tls_key);
		return -1;
	}

	/* Workers first: each opens its own context; all must succeed. */
	h2o_barrier_init(&ready, nworkers + 1);
	for (unsigned i = 0; i < nworkers; i++) {
		wa[i] = (struct worker_arg){open_ctx, arg, 0, &ready};
		h2o_multithread_create_thread(&workers[i], NULL, worker_main, &wa[i]);
	}
	h2o_barrier_wait(&ready);
	for (unsigned i = 0; i < nworkers; i++)
		ok &= wa[i].ok;

	h2o_config_init(&globalconf);
	globalconf.max_request_entity_size = MAX_BODY;
	globalconf.server_name = h2o_iovec_init(H2O_STRLIT("sekishod"));
	host = h2o_config_register_host(&globalconf, h2o_iovec_init(H2O_STRLIT("default")), 65535);
	path = h2o_config_register_path(host, "/", 0);
	handler = h2o_create_handler(path, sizeof(*handler));
	handler->on_req = on_req;

	/*
	 * SO_REUSEPORT would let a second sekishod share the port with the first
	 * without a word (seen here: two servers on one port, each answering
	 * half the requests).  A bind without it fails while anybody listens.
	 */
	if (ok) {
		int probe = open_listener(sc, 0);
		if (probe == -1) {
			fprintf(stderr, "sekishod: cannot listen on %s port %u: %s%s\n", sc->listen_addr,
				sc->port, strerror(errno),
				errno == EADDRINUSE ? " (is another sekishod running?)" : "");
			ok = 0;
		} else {
			close(probe);
		}
	}
	/* Every listener first, so a port in use is reported before anything runs. */
	for (unsigned i = 0; ok && i < nloops; i++) {
		starts[i] = (struct loop_start){&loops[i], ssl, open_listener(sc, 1), &loops_ready};
		if (starts[i].fd == -1) {
			fprintf(stderr, "sekishod: cannot listen on %s port %u: %s\n", sc->listen_addr,
				sc->port, strerror(errno));
			ok = 0;
		}
	}
	if (ok) {
		h2o_barrier_init(&loops_ready, nloops);
		for (unsigned i = 1; i < nloops; i++)
			pthread_create(&loops[i].tid, NULL, loop_main, &starts[i]);
		printf("sekishod: listening on %s://%s:%u/ (%u loops, %u workers)\n",
		       ssl ? "https" : "http", sc->listen_addr, sc->port, nloops, nworkers);
		fflush(stdout);
		loop_main(&starts[0]);
		for (unsigned i = 1; i < nloops; i++)
			pthread_join(loops[i].tid, NULL);
	}

	pthread_mutex_lock(&pool.mu);
	pool.stop = 1;
	pthread_cond_broadcast(&pool.cv);
	pthread_mutex_unlock(&pool.mu);
	for (unsigned i = 0; i < nworkers; i++)
		pthread_join(workers[i], NULL);
	if (ssl != NULL)
		SSL_CTX_free(ssl);
	if (ok)
		printf("sekishod: stopped\n");
	return ok ? 0 : -1;
}
