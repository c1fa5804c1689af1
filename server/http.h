/*
 * server/http.h - the boundary between the event loops (h2o) and the
 * portal's logic.
 *
 * An event loop never blocks (DESIGN 7): it copies what a request carries
 * into an http_in, hands it to a worker thread, and sends the http_out the
 * worker produced.  Workers each own a library context (their own database
 * connection) and may spend an Argon2id hash or a write transaction.  Only
 * http.c knows h2o.
 */
#ifndef SEKISHOD_HTTP_H
#define SEKISHOD_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "sekisho/sekisho.h"

#define HTTP_MAX_COOKIES 3
#define HTTP_MAX_EXTRA 4

struct fwd_entry;

typedef struct http_in {
	char method[8];
	char path[512];         /* normalized, without the query */
	char query[1024];       /* after '?', "" if none */
	char addr[64];          /* client address */
	int secure;             /* came over TLS */
	char *cookie;           /* Cookie header (NUL-terminated copy) or NULL */
	char *accept_language;
	char *agent;            /* User-Agent */
	char *authorization;    /* Authorization (API tokens: "Bearer ...") or NULL */
	char *csrf_header;      /* X-CSRF-Token (API calls with a session cookie) or NULL */
	char *content_type;     /* Content-Type or NULL */
	char *fwd_url;          /* /auth/verify: the original URL the proxy reported, or NULL */
	int fwd_redirect;       /* /auth/verify: answer with 302 (Caddy) rather than 401 (nginx) */
	char *body;             /* request body (not NUL-terminated), body_len bytes */
	size_t body_len;
} http_in;

typedef struct http_out {
	int status;                           /* 200 when left 0 */
	const char *content_type;             /* static; NULL = text/html; charset=utf-8 */
	char location[8192];                  /* for redirects (forward-auth's carries a URL) */
	char cookies[HTTP_MAX_COOKIES][2560]; /* Set-Cookie values (the rd cookie holds a URL) */
	int ncookies;
	struct {
		const char *name;                 /* static */
		char value[264];
	} extra[HTTP_MAX_EXTRA];              /* more headers (forward-auth's Remote-User, ...) */
	int nextra;
	int plain;                            /* no page headers (CSP, ...): forward-auth answers */
	char audit_user[SK_NAME_MAX + 1];     /* forward-auth: whose decision (never sent) */
	struct fwd_entry *fwd_fill;           /* malloc'd: a session for the loop's cache */
	sk_buf body;
} http_out;

/* Server settings from the [server] section (main.c). */
typedef struct server_config {
	char listen_addr[64];   /* "127.0.0.1" */
	unsigned port;          /* 8080 */
	char tls_cert[SK_PATH_MAX], tls_key[SK_PATH_MAX]; /* both empty: plain HTTP */
	unsigned loops;         /* event loop threads, 0 = one per core */
	unsigned workers;       /* worker threads, 0 = one per core */
	int secure_cookie;      /* __Host- cookie with Secure (TLS or behind a TLS proxy) */
	char trusted_proxies[8][64]; /* peers whose X-Forwarded-For is believed */
	unsigned ntrusted;
	sk_cidr admin_networks[SK_ACCESS_ITEMS_MAX]; /* C7: /admin and /api only from these */
	unsigned nadmin_networks;                    /* 0: from anywhere */

	/* [forward_auth] (fwd.c) */
	int fwd_enabled;
	char portal_url[256];         /* "https://auth.example.com", no trailing slash */
	char cookie_domain[256];      /* "" = host-only cookie */
	char rd_domains[SK_ACCESS_DOMAINS_MAX][256]; /* where rd may point; default cookie_domain */
	unsigned nrd_domains;
	unsigned fwd_cache_ttl;       /* seconds, 10 */
	int fwd_audit;                /* FWD_AUDIT_* */
	unsigned fwd_audit_sample;    /* 1 in N allowed decisions when sampled, 100 */
	sk_access_rules *rules;       /* heap; rules in file order */
} server_config;

/*
 * The client's address: the peer itself, unless the peer is a trusted proxy;
 * then the right-most address of X-Forwarded-For that is not a trusted proxy
 * (the left part of that header is whatever the client chose to send).
 * Writes to out; forwarded may be NULL.
 */
void http_client_addr(const server_config *sc, const char *peer, const char *forwarded,
		      char *out, size_t size);

/* What a worker runs for each request (portal.c). */
void portal_handle(sk_ctx *ctx, const server_config *sc, const http_in *in, http_out *out);

/* Requests the loop answers itself, without a worker (static files). 1 if handled. */
int portal_static(const http_in *in, http_out *out);

/*
 * Starts the loops and workers and serves until SIGINT/SIGTERM.  open_ctx is
 * called once per worker thread to open its context.  Returns 0 after a
 * clean stop, -1 with a message on stderr when it cannot start.
 */
int http_serve(const server_config *sc, int (*open_ctx)(void *arg, sk_ctx **ctx), void *arg);

#endif
