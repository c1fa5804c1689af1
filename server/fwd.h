/*
 * server/fwd.h - forward-auth (`GET /auth/verify`) for nginx auth_request
 * and Caddy forward_auth (DESIGN 8).
 *
 * The rules and their decisions are the library's (sekisho/access.h); this
 * module only finds the session and answers.  The hot path runs on the
 * event loop without touching the database: each loop keeps a small cache
 * of signed-in sessions keyed by the session token's hash, filled by the
 * worker that looked the session up.  An entry lives at most
 * [forward_auth] cache_ttl seconds (and never past the session's idle or
 * absolute end), and every entry of every loop is dropped at once when a
 * request on this server may have ended sessions (sign-out, an
 * administrator's change), so a revoked session stops working at once here
 * and within cache_ttl on other instances sharing the database.
 */
#ifndef SEKISHOD_FWD_H
#define SEKISHOD_FWD_H

#include <stdint.h>

#include "http.h"
#include "sekisho/sekisho.h"

#define FWD_URL_MAX 2048

enum { FWD_AUDIT_OFF = 0, FWD_AUDIT_DENIED = 1, FWD_AUDIT_SAMPLED = 2, FWD_AUDIT_ALL = 3 };

/* What the cache remembers of a signed-in session. */
typedef struct fwd_entry {
	uint8_t hash[SK_HASH_LEN];   /* the session token's hash */
	int64_t valid_until;
	uint64_t epoch;
	int64_t mfa_at;
	int anonymous;               /* a token of no signed-in session (not yet, or unknown) */
	sk_role role;
	char user[SK_NAME_MAX + 1];
	char email[SK_EMAIL_MAX + 1];
} fwd_entry;

typedef struct fwd_cache fwd_cache;

/* The forward-auth inputs of a request, pointing into it (nothing copied). */
typedef struct fwd_req {
	const char *cookie;          /* Cookie header or NULL */
	size_t cookie_len;
	const char *url;             /* the original URL, reconstructed */
	int redirect;                /* 1: answer 302 (Caddy, Traefik); 0: 401 + Location (nginx) */
	const char *addr;            /* client address */
} fwd_req;

/* [forward_auth] and [rule NAME] keys (main.c's INI hook): 1 taken, 0 not ours, -1 bad. */
int fwd_config_key(server_config *sc, const char *section, const char *key, const char *value,
		   char *err, size_t err_size);
/* After loading: checks the rules and the settings that depend on each other. */
int fwd_config_check(const server_config *sc, char *err, size_t err_size);

/* The session cookie's name, for the portal and for forward-auth alike. */
const char *fwd_cookie_name(const server_config *sc);

/* 1 when the portal may send the browser to rd after sign-in (no open redirect). */
int fwd_rd_allowed(const server_config *sc, const char *rd);

/*
 * Rebuilds the original URL from X-Original-URL (nginx), or from
 * X-Forwarded-Proto, -Host and -Uri (Caddy, Traefik).  Returns 0 and
 * *redirect, or -1 when the proxy sent neither (a misconfigured proxy).
 */
int fwd_original_url(const char *orig, size_t orig_len, const char *proto, size_t proto_len,
		     const char *host, size_t host_len, const char *uri, size_t uri_len,
		     char *out, size_t size, int *redirect);

/* Per event loop. */
fwd_cache *fwd_cache_new(void);
void fwd_cache_free(fwd_cache *c);
void fwd_cache_put(fwd_cache *c, const fwd_entry *e);

/*
 * On the loop: answers into out when no database is needed (no session
 * cookie, or a cached session).  Returns 1 when answered; then *audit is 1
 * when the decision should be audited (see fwd_audit_job).  0: hand the
 * request to a worker.
 */
int fwd_fast(fwd_cache *c, const server_config *sc, const fwd_req *r, http_out *out, int *audit);

/* On a worker: the full answer (session looked up); fills out->fwd for the cache. */
struct rq;
void fwd_handle(struct rq *q);

/* On a worker: records a decision the loop answered (audit = sampled/all/denied). */
void fwd_audit_record(sk_ctx *ctx, const http_out *decided, const char *url, const char *addr);

/* Drops every loop's cache (a request may have ended sessions). */
void fwd_invalidate(void);

#endif
