/* server/fwd.c - forward-auth: /auth/verify for reverse proxies (DESIGN 8). */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "fwd.h"
#include "parse.h"
#include "portal.h"

#define CACHE_SLOTS 4096 /* per loop; direct-mapped, about 300 bytes a slot */
#define COOKIE_TLS "__Host-sekisho"
#define COOKIE_DOMAIN_TLS "__Secure-sekisho" /* __Host- forbids a Domain attribute */
#define COOKIE_DEV "sekisho_dev_session"   /* plain-HTTP development only */

struct fwd_cache {
	fwd_entry slot[CACHE_SLOTS];
};

static _Atomic uint64_t epoch = 1;
static _Atomic uint64_t decisions;

/* ---- configuration ------------------------------------------------------ */

static int
bad(char *err, size_t err_size, const char *key, const char *value, const char *want)
{
	snprintf(err, err_size, "[forward_auth] %s: '%s' %s", key, value, want);
	return -1;
}

/* "auth.example.com" or ".example.com" -> "example.com"; a plain domain name. */
static int
domain_copy(char *dst, size_t size, const char *v)
{
	if (*v == '.')
		v++;
	if (*v == '\0' || strlen(v) >= size)
		return -1;
	for (const char *p = v; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-'))
			return -1;
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

static int
unsigned_value(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
	unsigned long n = 0;

	if (*v == '\0')
		return -1;
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9' || (n = n * 10 + (unsigned long)(*p - '0')) > hi)
			return -1;
	}
	if (n < lo)
		return -1;
	*out = (unsigned)n;
	return 0;
}

static int
forward_auth_key(server_config *sc, const char *key, const char *value, char *err,
		 size_t err_size)
{
	if (strcmp(key, "portal_url") == 0) {
		size_t n = strlen(value);
		if ((strncmp(value, "https://", 8) != 0 && strncmp(value, "http://", 7) != 0) ||
		    n >= sizeof(sc->portal_url) || strpbrk(value, " \t\r\n\"<>\\") != NULL)
			return bad(err, err_size, key, value,
				   "must be the portal's http(s) URL, e.g. https://auth.example.com");
		memcpy(sc->portal_url, value, n + 1);
		while (n > 0 && sc->portal_url[n - 1] == '/')
			sc->portal_url[--n] = '\0';
		return 1;
	}
	if (strcmp(key, "cookie_domain") == 0) {
		if (domain_copy(sc->cookie_domain, sizeof(sc->cookie_domain), value) != 0)
			return bad(err, err_size, key, value,
				   "must be a domain name such as example.com");
		return 1;
	}
	if (strcmp(key, "rd_domains") == 0) {
		char list[1024], *save = NULL;
		if (snprintf(list, sizeof(list), "%s", value) >= (int)sizeof(list))
			return bad(err, err_size, key, value, "is too long");
		sc->nrd_domains = 0;
		for (char *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
			while (*t == ' ' || *t == '\t')
				t++;
			for (size_t e = strlen(t); e > 0 && (t[e - 1] == ' ' || t[e - 1] == '\t'); e--)
				t[e - 1] = '\0';
			if (sc->nrd_domains == SK_ACCESS_DOMAINS_MAX ||
			    domain_copy(sc->rd_domains[sc->nrd_domains++], 256, t) != 0)
				return bad(err, err_size, key, value,
					   "must list at most 8 domain names, separated by commas");
		}
		return 1;
	}
	if (strcmp(key, "default_policy") == 0) {
		int p = sk_access_policy_parse(value);
		if (p < 0)
			return bad(err, err_size, key, value,
				   "must be deny, bypass, one_factor or two_factor");
		sc->rules->default_policy = (sk_access_policy)p;
		return 1;
	}
	if (strcmp(key, "cache_ttl") == 0) {
		if (unsigned_value(value, 0, 300, &sc->fwd_cache_ttl) != 0)
			return bad(err, err_size, key, value, "must be 0 to 300 (seconds)");
		return 1;
	}
	if (strcmp(key, "audit") == 0) {
		static const char *const modes[] = {"off", "denied", "sampled", "all"};
		for (int i = 0; i < 4; i++)
			if (strcmp(value, modes[i]) == 0) {
				sc->fwd_audit = i;
				return 1;
			}
		return bad(err, err_size, key, value, "must be off, denied, sampled or all");
	}
	if (strcmp(key, "audit_sample") == 0) {
		if (unsigned_value(value, 1, 1000000, &sc->fwd_audit_sample) != 0)
			return bad(err, err_size, key, value, "must be 1 to 1000000");
		return 1;
	}
	snprintf(err, err_size,
		 "[forward_auth]: unknown key '%s' (portal_url, cookie_domain, rd_domains, "
		 "default_policy, cache_ttl, audit, audit_sample)", key);
	return -1;
}

static int
ensure_rules(server_config *sc)
{
	if (sc->rules != NULL)
		return 0;
	if ((sc->rules = malloc(sizeof(*sc->rules))) == NULL)
		return -1;
	sk_access_rules_init(sc->rules);
	sc->fwd_cache_ttl = 10;
	sc->fwd_audit = FWD_AUDIT_DENIED;
	sc->fwd_audit_sample = 100;
	return 0;
}

int
fwd_config_key(server_config *sc, const char *section, const char *key, const char *value,
	       char *err, size_t err_size)
{
	int is_rule = strncmp(section, "rule ", 5) == 0 || strcmp(section, "rule") == 0;

	if (strcmp(section, "forward_auth") != 0 && !is_rule)
		return 0;
	if (ensure_rules(sc) != 0) {
		snprintf(err, err_size, "out of memory");
		return -1;
	}
	sc->fwd_enabled = 1;
	if (is_rule) {
		const char *name = section + (section[4] == ' ' ? 5 : 4);
		while (*name == ' ')
			name++;
		return sk_access_rule_set(sc->rules, name, key, value, err, err_size) == SK_OK ? 1
											       : -1;
	}
	return forward_auth_key(sc, key, value, err, err_size);
}

int
fwd_config_check(const server_config *sc, char *err, size_t err_size)
{
	if (!sc->fwd_enabled)
		return 0;
	if (sc->portal_url[0] == '\0') {
		snprintf(err, err_size,
			 "[forward_auth] portal_url is required: the portal's URL that "
			 "signed-out users are sent to, e.g. https://auth.example.com");
		return -1;
	}
	if (sk_access_rules_check(sc->rules, err, err_size) != SK_OK)
		return -1;
	return 0;
}

const char *
fwd_cookie_name(const server_config *sc)
{
	if (!sc->secure_cookie)
		return COOKIE_DEV;
	return sc->cookie_domain[0] != '\0' ? COOKIE_DOMAIN_TLS : COOKIE_TLS;
}

int
fwd_rd_allowed(const server_config *sc, const char *rd)
{
	char one[1][256];

	if (sc->nrd_domains > 0)
		return sk_redirect_allowed(rd, (const char(*)[256])sc->rd_domains, sc->nrd_domains);
	snprintf(one[0], sizeof(one[0]), "%s", sc->cookie_domain);
	return sk_redirect_allowed(rd, (const char(*)[256])one, one[0][0] ? 1 : 0);
}

/* ---- the original URL ---------------------------------------------------- */

static int
clean(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || s[i] == 0x7f)
			return 0;
	return 1;
}

int
fwd_original_url(const char *orig, size_t orig_len, const char *proto, size_t proto_len,
		 const char *host, size_t host_len, const char *uri, size_t uri_len, char *out,
		 size_t size, int *redirect)
{
	int n;

	if (orig != NULL) {
		if (orig_len == 0 || orig_len >= size || !clean(orig, orig_len))
			return -1;
		memcpy(out, orig, orig_len);
		out[orig_len] = '\0';
		*redirect = 0;
		return 0;
	}
	if (host == NULL || host_len == 0 || !clean(host, host_len) ||
	    (uri != NULL && !clean(uri, uri_len)))
		return -1;
	if (proto == NULL || proto_len != 4 || strncasecmp(proto, "http", 4) != 0) {
		proto = "https";
		proto_len = 5;
	}
	n = snprintf(out, size, "%.*s://%.*s%.*s", (int)proto_len, proto, (int)host_len, host,
		     uri ? (int)uri_len : 1, uri ? uri : "/");
	if (n < 0 || (size_t)n >= size)
		return -1;
	*redirect = 1;
	return 0;
}

/* Host and path (without the query) of an absolute URL, into buffers. */
static int
split_url(const char *url, char *host, size_t host_size, char *path, size_t path_size)
{
	const char *p = strstr(url, "://"), *h, *e;
	size_t n;

	if (p == NULL)
		return -1;
	h = p + 3;
	e = h + strcspn(h, "/?#");
	if ((n = (size_t)(e - h)) == 0 || n >= host_size)
		return -1;
	memcpy(host, h, n);
	host[n] = '\0';
	if (*e != '/') {
		snprintf(path, path_size, "/");
		return 0;
	}
	n = strcspn(e, "?#");
	if (n >= path_size)
		return -1;
	memcpy(path, e, n);
	path[n] = '\0';
	return 0;
}

/* ---- the decision -------------------------------------------------------- */

static void
extra(http_out *out, const char *name, const char *value)
{
	if (out->nextra >= HTTP_MAX_EXTRA)
		return;
	out->extra[out->nextra].name = name;
	snprintf(out->extra[out->nextra].value, sizeof(out->extra[0].value), "%s", value);
	out->nextra++;
}

static const char *
result_name(int status)
{
	switch (status) {
	case 200: return "allow";
	case 403: return "deny";
	default: return "login";
	}
}

/*
 * Writes the answer for url to out.  who is NULL when no session is signed
 * in.  Returns whether to audit it under the configured mode.
 */
static int
decide(const server_config *sc, const char *url, int redirect, const char *addr,
       const fwd_entry *who, http_out *out)
{
	char host[256], path[FWD_URL_MAX];
	sk_access_subject subj = {0, NULL, SK_ROLE_USER, 0, (int64_t)time(NULL)};
	sk_access_request req = {host, path, addr};
	sk_access_result r;
	int idx;

	out->plain = 1;
	out->content_type = "text/plain; charset=utf-8";
	if (url == NULL || split_url(url, host, sizeof(host), path, sizeof(path)) != 0) {
		/* The proxy did not say what was asked for: a setup error, never a pass. */
		out->status = 403;
		buf_add(&out->body, "forward-auth: the proxy sent no X-Original-URL or "
				    "X-Forwarded-Host (see docs/integrations/)\n");
		return sc->fwd_audit != FWD_AUDIT_OFF;
	}
	if (who != NULL) {
		subj.signed_in = 1;
		subj.user = who->user;
		subj.role = who->role;
		subj.mfa_at = who->mfa_at;
	}
	r = sk_access_decide(sc->rules, &req, &subj, &idx);
	if (who != NULL)
		snprintf(out->audit_user, sizeof(out->audit_user), "%s", who->user);
	switch (r) {
	case SK_ACCESS_ALLOW:
		out->status = 200;
		/* Always the three headers, empty without a session, so that a
		 * proxy copying them never passes on a client's own or a placeholder. */
		extra(out, "remote-user", who != NULL ? who->user : "");
		extra(out, "remote-groups", who != NULL ? sk_role_name(who->role) : "");
		extra(out, "remote-email", who != NULL ? who->email : "");
		/* For the proxy's logs; not on 3xx/4xx, which Caddy shows the browser. */
		if (idx >= 0)
			extra(out, "x-sekisho-rule", sc->rules->rule[idx].name);
		break;
	case SK_ACCESS_LOGIN:
	case SK_ACCESS_STEP_UP: {
		sk_buf loc;
		buf_init(&loc);
		buf_add(&loc, sc->portal_url);
		buf_add(&loc, r == SK_ACCESS_LOGIN ? "/login?rd=" : "/login/stepup?rd=");
		buf_url(&loc, url);
		if (!loc.oom && loc.len < sizeof(out->location))
			memcpy(out->location, loc.data, loc.len + 1);
		buf_free(&loc);
		out->status = redirect ? 302 : 401;
		break;
	}
	default:
		out->status = 403;
		buf_add(&out->body, "Forbidden\n");
		break;
	}
	switch (sc->fwd_audit) {
	case FWD_AUDIT_ALL:
		return 1;
	case FWD_AUDIT_SAMPLED:
		return out->status == 403 ||
		       atomic_fetch_add_explicit(&decisions, 1, memory_order_relaxed) %
				       sc->fwd_audit_sample == 0;
	case FWD_AUDIT_DENIED:
		return out->status == 403;
	default:
		return 0;
	}
}

/* ---- the loop's cache ---------------------------------------------------- */

fwd_cache *
fwd_cache_new(void)
{
	return calloc(1, sizeof(fwd_cache));
}

void
fwd_cache_free(fwd_cache *c)
{
	if (c != NULL) {
		sodium_memzero(c, sizeof(*c));
		free(c);
	}
}

static size_t
slot_of(const uint8_t hash[SK_HASH_LEN])
{
	return ((size_t)hash[0] | (size_t)hash[1] << 8) % CACHE_SLOTS;
}

void
fwd_cache_put(fwd_cache *c, const fwd_entry *e)
{
	if (c != NULL)
		c->slot[slot_of(e->hash)] = *e;
}

void
fwd_invalidate(void)
{
	atomic_fetch_add_explicit(&epoch, 1, memory_order_release);
}

int
fwd_fast(fwd_cache *c, const server_config *sc, const fwd_req *r, http_out *out, int *audit)
{
	char token[SK_TOKEN_LEN + 1];
	uint8_t hash[SK_HASH_LEN];
	const fwd_entry *e;

	*audit = 0;
	if (r->cookie == NULL ||
	    cookie_get(r->cookie, r->cookie_len, fwd_cookie_name(sc), token, sizeof(token)) != 0) {
		/* Nobody signed in: the rules alone answer. */
		*audit = decide(sc, r->url, r->redirect, r->addr, NULL, out);
		return 1;
	}
	if (sk_session_token_hash(token, hash) != SK_OK) {
		sodium_memzero(token, sizeof(token));
		*audit = decide(sc, r->url, r->redirect, r->addr, NULL, out);
		return 1;
	}
	sodium_memzero(token, sizeof(token));
	if (c == NULL)
		return 0;
	e = &c->slot[slot_of(hash)];
	if (e->valid_until <= (int64_t)time(NULL) ||
	    e->epoch != atomic_load_explicit(&epoch, memory_order_acquire) ||
	    sodium_memcmp(e->hash, hash, SK_HASH_LEN) != 0)
		return 0; /* a worker looks the session up, and fills the cache */
	*audit = decide(sc, r->url, r->redirect, r->addr, e->anonymous ? NULL : e, out);
	return 1;
}

/* ---- the worker's side --------------------------------------------------- */

void
fwd_audit_record(sk_ctx *ctx, const http_out *decided, const char *url, const char *addr)
{
	const char *user = decided->audit_user[0] ? decided->audit_user : "-";
	char detail[SK_DETAIL_MAX], target[SK_NAME_MAX + 16], path[FWD_URL_MAX];

	if (url == NULL || split_url(url, target, sizeof(target), path, sizeof(path)) != 0)
		snprintf(target, sizeof(target), "-");
	/* The URL's query may carry secrets of the application: path only. */
	snprintf(detail, sizeof(detail), "%.*s", (int)strcspn(url ? url : "", "?#"),
		 url ? url : "");
	(void)sk_audit(ctx, user, "forward_auth.check", target, addr ? addr : "",
		       result_name(decided->status), detail);
}

void
fwd_handle(struct rq *q)
{
	const server_config *sc = q->sc;
	fwd_entry *e = NULL;
	sk_session s;
	sk_user u;
	uint64_t ep;
	int audit;

	if (!sc->fwd_enabled) {
		q->out->status = 404;
		q->out->content_type = "text/plain; charset=utf-8";
		buf_add(&q->out->body, "forward-auth is not configured: add a [forward_auth] "
				       "section (docs/integrations/nginx.md)\n");
		return;
	}
	/*
	 * The epoch is read before the session is looked up again: a sign-out
	 * that commits in between has already moved it on, so the entry made
	 * here is refused by the loop instead of outliving the session.
	 */
	ep = atomic_load_explicit(&epoch, memory_order_acquire);
	if (rq_active(q) && sk_session_lookup(q->ctx, q->token, &s) == SK_OK &&
	    sk_session_active(&s) && sk_account_get(q->ctx, s.signin.name, &u) == SK_OK) {
		sodium_memzero(u.pwhash, sizeof(u.pwhash));
		if ((e = calloc(1, sizeof(*e))) != NULL) {
			const sk_config *cfg = sk_ctx_config(q->ctx);
			int64_t now = sk_ctx_now(q->ctx);
			int64_t end = s.created_at + cfg->session_lifetime;

			memcpy(e->hash, s.token_hash, SK_HASH_LEN);
			/* This look-up counts as activity: the idle clock restarts. */
			(void)sk_session_save(q->ctx, &s);
			if (now + cfg->session_idle < end)
				end = now + cfg->session_idle;
			e->valid_until = now + sc->fwd_cache_ttl < end ? now + sc->fwd_cache_ttl : end;
			e->epoch = ep;
			e->mfa_at = s.mfa_at;
			e->role = sk_account_effective_role(q->ctx, &u, NULL);
			snprintf(e->user, sizeof(e->user), "%s", u.name);
			snprintf(e->email, sizeof(e->email), "%s", u.email);
		}
	}
	/*
	 * A token of no signed-in session (before sign-in, or unknown) is
	 * remembered too, so that its next checks stay on the loop.  Such a
	 * token never becomes a signed-in one: sign-in issues a new token.
	 */
	if (e == NULL && q->token[0] != '\0' && (e = calloc(1, sizeof(*e))) != NULL) {
		if (sk_session_token_hash(q->token, e->hash) == SK_OK) {
			e->anonymous = 1;
			e->epoch = ep;
			e->valid_until = sk_ctx_now(q->ctx) + sc->fwd_cache_ttl;
		} else {
			free(e);
			e = NULL;
		}
	}
	audit = decide(sc, q->in->fwd_url, q->in->fwd_redirect, q->in->addr,
		       e != NULL && !e->anonymous ? e : NULL, q->out);
	if (audit)
		fwd_audit_record(q->ctx, q->out, q->in->fwd_url, q->in->addr);
	if (e != NULL && sc->fwd_cache_ttl > 0)
		q->out->fwd_fill = e;
	else
		free(e);
	sodium_memzero(&s, sizeof(s));
}
