/*
 * server/api.c - the JSON API under /api/v1 (docs/api.md).
 *
 *   GET    /api/v1/me
 *   GET    /api/v1/users                 POST /api/v1/users
 *   GET    /api/v1/users/NAME            DELETE /api/v1/users/NAME
 *   POST   /api/v1/users/NAME/disable|enable|unlock|reset-password|reset-mfa
 *   GET    /api/v1/audit?since=UNIX&limit=N
 *   GET    /api/v1/audit/verify
 *   GET    /api/v1/approvals
 *
 * A caller is an API token ("Authorization: Bearer skt_...") or a signed-in
 * portal session (cookie) whose every non-GET request carries its CSRF
 * token in X-CSRF-Token.  What a caller may do is decided here only to
 * answer early and clearly; the library checks the actor again on every
 * change and audits it, so this file holds no rule of its own:
 *   - reading accounts, audit and approvals needs the effective role
 *     auditor or admin;
 *   - changing anything needs the effective role admin and, for a token,
 *     scope admin (a read-scope token is GET only).
 * Answers are JSON; errors are {"error": code, "message": what to do}.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <sodium.h>

#include "portal.h"
#include "sekisho/apitoken.h"

#define API_PREFIX "/api/v1/"
#define API_MAX_BODY (64 * 1024)
#define AUDIT_LIMIT_DEFAULT 100
#define AUDIT_LIMIT_MAX 1000
#define CT_JSON "application/json"

/* Who is calling, once authenticated. */
struct caller {
	sk_user user; /* pwhash blanked */
	sk_role role; /* effective role now */
	int via_token;
	sk_apitoken token; /* when via_token (hash included, never shown) */
	int can_read;      /* accounts, audit, approvals */
	int can_write;     /* administrative changes */
	sk_actor actor;    /* for the library: the account, the client address */
};

/* ---- answers ------------------------------------------------------------ */

/* Length of the well-formed UTF-8 sequence at s (RFC 3629), or 0. */
static size_t
utf8_len(const unsigned char *s)
{
	uint32_t cp;
	size_t n;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		n = 2, cp = s[0] & 0x1Fu;
	else if ((s[0] & 0xF0) == 0xE0)
		n = 3, cp = s[0] & 0x0Fu;
	else if (s[0] >= 0xF0 && s[0] <= 0xF4)
		n = 4, cp = s[0] & 0x07u;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = cp << 6 | (s[i] & 0x3Fu);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
		return 0;
	return n;
}

/*
 * Appends s as a JSON string (quotes included).  s may come from the request
 * (a name in the path): bytes that are not UTF-8 become U+FFFD, so the
 * answer is always valid JSON.
 */
static void
buf_json_str(sk_buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	char esc[7];
	size_t n;

	buf_add(b, "\"");
	while (*p != '\0') {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			buf_addn(b, esc, 2);
			n = 1;
		} else if (*p < 0x20 || *p == 0x7F) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			buf_addn(b, esc, 6);
			n = 1;
		} else if ((n = utf8_len(p)) == 0) {
			buf_add(b, "\\ufffd");
			n = 1;
		} else {
			buf_addn(b, (const char *)p, n);
		}
		p += n;
	}
	buf_add(b, "\"");
}

static void
answer_raw(struct rq *q, int status)
{
	q->out->status = status;
	q->out->content_type = CT_JSON;
}

/* Sends o (taking the reference) with status; an allocation failure becomes a 503. */
static void
answer(struct rq *q, int status, json_t *o)
{
	char *text = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	answer_raw(q, status);
	if (text == NULL) {
		q->out->status = 503;
		buf_add(&q->out->body,
			"{\"error\":\"unavailable\",\"message\":\"The server is out of "
			"memory; retry later.\"}\n");
		return;
	}
	buf_add(&q->out->body, text);
	buf_add(&q->out->body, "\n");
	free(text);
}

static void
fail(struct rq *q, int status, const char *code, const char *message)
{
	answer_raw(q, status);
	buf_add(&q->out->body, "{\"error\":");
	buf_json_str(&q->out->body, code);
	buf_add(&q->out->body, ",\"message\":");
	buf_json_str(&q->out->body, message);
	buf_add(&q->out->body, "}\n");
}

/* The answer for a library error r about account name (may be NULL). */
static void
fail_lib(struct rq *q, int r, const char *name)
{
	char msg[256];

	switch (r) {
	case SK_ERR_NOTFOUND:
		snprintf(msg, sizeof(msg),
			 "There is no account named '%s'; GET /api/v1/users lists them.",
			 name != NULL ? name : "");
		fail(q, 404, "not_found", msg);
		return;
	case SK_ERR_EXISTS:
		snprintf(msg, sizeof(msg), "An account named '%s' already exists; choose another name.",
			 name != NULL ? name : "");
		fail(q, 409, "exists", msg);
		return;
	case SK_ERR_NAME:
		fail(q, 422, "invalid_name",
		     "User names are 1-64 characters from a-z 0-9 . _ @ + - "
		     "and start with a letter or digit.");
		return;
	case SK_ERR_TOOLONG:
		fail(q, 422, "too_long", "A value is longer than allowed (e-mail: 254 bytes).");
		return;
	case SK_ERR_INVALID:
		fail(q, 422, "invalid", "A value is out of range; see docs/api.md for the fields.");
		return;
	case SK_ERR_PERM:
		fail(q, 403, "forbidden",
		     "This needs an administrator; the account behind this "
		     "request is not one (any more).");
		return;
	case SK_ERR_LAST_ADMIN:
		fail(q, 409, "last_admin",
		     "That would leave no enabled administrator; make another "
		     "account administrator first.");
		return;
	case SK_ERR_LOCKED:
		fail(q, 429, "locked",
		     "Too many attempts; wait and retry, or ask an administrator.");
		return;
	case SK_ERR_BUSY:
		fail(q, 503, "busy", "The database is busy; retry in a moment.");
		return;
	default:
		snprintf(msg, sizeof(msg),
			 "The server could not do this (%s); retry, and see the "
			 "server's log if it persists.",
			 sk_strerror(r));
		fail(q, 503, "unavailable", msg);
	}
}

/* ---- authentication ----------------------------------------------------- */

static int
is_read(const struct rq *q)
{
	return strcmp(q->in->method, "GET") == 0 || strcmp(q->in->method, "HEAD") == 0;
}

static void
unauthorized(struct rq *q)
{
	/* One answer for a missing, malformed, unknown, revoked or expired token. */
	fail(q, 401, "unauthorized",
	     "Send a valid API token as 'Authorization: Bearer skt_...' (or call from a "
	     "signed-in session); the token may be wrong, revoked or expired.");
}

static void
caller_finish(struct rq *q, struct caller *c)
{
	c->role = sk_account_effective_role(q->ctx, &c->user, NULL);
	c->can_read = c->role == SK_ROLE_ADMIN || c->role == SK_ROLE_AUDITOR;
	c->can_write = c->role == SK_ROLE_ADMIN &&
		       (!c->via_token || sk_apitoken_can_write(q->ctx, &c->token, &c->user));
	c->actor.name = c->user.name;
	c->actor.addr = q->in->addr;
	c->actor.approval_id = 0;
}

/*
 * Identifies the caller.  Returns 0, or -1 with the answer written (401, or
 * 403 for a session request without its CSRF token).
 */
static int
authenticate(struct rq *q, struct caller *c)
{
	const char *auth = q->in->authorization;
	int r;

	memset(c, 0, sizeof(*c));
	if (auth != NULL) {
		/* An Authorization header decides alone, even beside a cookie. */
		if (strncasecmp(auth, "Bearer ", 7) != 0) {
			unauthorized(q);
			return -1;
		}
		auth += 7;
		while (*auth == ' ')
			auth++;
		r = sk_apitoken_verify(q->ctx, auth, &c->token, &c->user);
		if (r == SK_ERR_AUTH) {
			unauthorized(q);
			return -1;
		}
		if (r != SK_OK) {
			fail_lib(q, r, NULL);
			return -1;
		}
		c->via_token = 1;
		caller_finish(q, c);
		return 0;
	}
	if (!rq_active(q)) {
		unauthorized(q);
		return -1;
	}
	/* The account of a session must still exist (same id: names can be reused) and work. */
	if (sk_account_get(q->ctx, q->sess.signin.name, &c->user) != SK_OK ||
	    c->user.id != q->sess.signin.user_id || c->user.disabled ||
	    (c->user.expires_at != 0 && c->user.expires_at <= sk_ctx_now(q->ctx))) {
		sodium_memzero(&c->user, sizeof(c->user));
		unauthorized(q);
		return -1;
	}
	sodium_memzero(c->user.pwhash, sizeof(c->user.pwhash));
	if (!is_read(q) && sk_session_csrf_check(q->ctx, q->token, q->in->csrf_header) != SK_OK) {
		fail(q, 403, "csrf",
		     "A request from a signed-in session that changes something must carry the "
		     "session's CSRF token in the X-CSRF-Token header; reload the page and retry.");
		return -1;
	}
	(void)sk_session_save(q->ctx, &q->sess); /* the idle timeout counts from now */
	caller_finish(q, c);
	return 0;
}

static int
need_read(struct rq *q, const struct caller *c)
{
	if (c->can_read)
		return 0;
	fail(q, 403, "forbidden",
	     "Reading accounts, audit and approvals needs the role auditor or admin; ask an "
	     "administrator.");
	return -1;
}

static int
need_write(struct rq *q, const struct caller *c)
{
	if (c->can_write)
		return 0;
	if (c->via_token && c->token.scope != SK_SCOPE_ADMIN)
		fail(q, 403, "read_only_token",
		     "This token has scope read and can only GET; an administrator can create an "
		     "admin-scope token (sekisho token create OWNER NAME --scope admin).");
	else
		fail(q, 403, "forbidden",
		     "Changing accounts needs an administrator; the account behind this request "
		     "is not one.");
	return -1;
}

/* ---- request bodies ----------------------------------------------------- */

/*
 * Parses the body as a JSON object into *out (NULL for an empty body when
 * empty_ok).  Returns 0, or -1 with the answer written.
 */
static int
parse_body(struct rq *q, int empty_ok, json_t **out)
{
	const char *ct = q->in->content_type;
	json_error_t err;
	char msg[300];
	json_t *o;

	*out = NULL;
	if (q->in->body_len == 0) {
		if (empty_ok)
			return 0;
		fail(q, 400, "bad_json", "The request needs a JSON object as its body.");
		return -1;
	}
	if (ct == NULL || strncasecmp(ct, CT_JSON, strlen(CT_JSON)) != 0 ||
	    (ct[strlen(CT_JSON)] != '\0' && ct[strlen(CT_JSON)] != ';' &&
	     ct[strlen(CT_JSON)] != ' ')) {
		fail(q, 415, "unsupported_media_type",
		     "Send the body as JSON with the header 'Content-Type: application/json'.");
		return -1;
	}
	o = json_loadb(q->in->body, q->in->body_len, JSON_REJECT_DUPLICATES, &err);
	if (o == NULL) {
		snprintf(msg, sizeof(msg),
			 "The body is not valid JSON (line %d, column %d: %s); send one object.",
			 err.line, err.column, err.text);
		fail(q, 400, "bad_json", msg);
		return -1;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		fail(q, 400, "bad_json", "The body must be a JSON object ({...}).");
		return -1;
	}
	*out = o;
	return 0;
}

/* ---- users -------------------------------------------------------------- */

static json_t *
inventory_json(const sk_inventory_row *row)
{
	const sk_user *u = &row->user;
	json_t *fl = json_array();

	for (unsigned i = 0; fl != NULL && i < SK_INV__COUNT; i++)
		if (row->flags & (1u << i))
			json_array_append_new(fl, json_string(sk_inventory_flag_name(1u << i)));
	/* The fields of `sekisho inventory --format json`. */
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:i, s:i, s:I, s:o}",
			 "name", u->name, "email", u->email, "role", sk_role_name(u->role),
			 "effective_role", sk_role_name(row->effective_role), "state",
			 u->disabled ? "disabled" : "enabled", "created_at",
			 (json_int_t)u->created_at, "expires_at", (json_int_t)u->expires_at,
			 "last_signin_at", (json_int_t)u->last_signin_at, "grant_until",
			 (json_int_t)row->grant_until, "mfa_devices", (int)row->mfa_devices,
			 "recovery_codes_left", (int)row->recovery_left, "locked_until",
			 (json_int_t)(row->locked_until == INT64_MAX ? -1 : row->locked_until),
			 "flags", fl != NULL ? fl : json_array());
}

struct inv_collect {
	json_t *array;    /* every row, or */
	const char *name; /* only this one, into one */
	json_t *one;
};

static int
inv_collect(void *arg, const sk_inventory_row *row)
{
	struct inv_collect *ic = arg;
	json_t *o;

	if (ic->name != NULL && strcmp(row->user.name, ic->name) != 0)
		return 0;
	if ((o = inventory_json(row)) == NULL)
		return SK_ERR_NOMEM;
	if (ic->name != NULL) {
		ic->one = o;
		return 1;
	}
	return json_array_append_new(ic->array, o) == 0 ? 0 : SK_ERR_NOMEM;
}

static void
users_list(struct rq *q)
{
	struct inv_collect ic = {json_array(), NULL, NULL};
	int r;

	if (ic.array == NULL) {
		fail_lib(q, SK_ERR_NOMEM, NULL);
		return;
	}
	if ((r = sk_inventory(q->ctx, 0, inv_collect, &ic)) != SK_OK) {
		json_decref(ic.array);
		fail_lib(q, r, NULL);
		return;
	}
	answer(q, 200, json_pack("{s:o}", "users", ic.array));
}

static void
user_show(struct rq *q, const char *name)
{
	char norm[SK_NAME_MAX + 1];
	struct inv_collect ic = {NULL, norm, NULL};
	int r;

	if (sk_account_name_normalize(name, norm) != SK_OK) {
		fail_lib(q, SK_ERR_NOTFOUND, name);
		return;
	}
	r = sk_inventory(q->ctx, 0, inv_collect, &ic);
	if (r < 0) {
		json_decref(ic.one);
		fail_lib(q, r, name);
		return;
	}
	if (ic.one == NULL) {
		fail_lib(q, SK_ERR_NOTFOUND, name);
		return;
	}
	answer(q, 200, ic.one);
}

/* Secret-bearing answers are written by hand into the body (wiped when freed). */
static void
answer_secret(struct rq *q, int status, const char *name, const char *action, const char *role,
	      const char *initial, int64_t approval_id)
{
	sk_buf *b = &q->out->body;

	answer_raw(q, status);
	buf_add(b, "{\"name\":");
	buf_json_str(b, name);
	buf_add(b, ",\"action\":");
	buf_json_str(b, action);
	buf_add(b, ",\"result\":");
	buf_json_str(b, approval_id != 0 ? "pending" : "ok");
	if (role != NULL) {
		buf_add(b, ",\"role\":");
		buf_json_str(b, role);
	}
	if (initial != NULL && initial[0] != '\0') {
		buf_add(b, ",\"initial_password\":");
		buf_json_str(b, initial);
		buf_add(b, ",\"must_change_password\":true");
	}
	if (approval_id != 0)
		buf_printf(b,
			   ",\"approval_id\":%" PRId64 ",\"message\":\"A second administrator "
			   "must approve this: GET /api/v1/approvals lists the request.\"",
			   approval_id);
	buf_add(b, "}\n");
}

static const char *const create_fields[] = {"name", "email", "role", "expires_at"};

static void
user_create(struct rq *q, struct caller *c)
{
	char initial[SK_INITIAL_PASSWORD_MAX] = "", norm[SK_NAME_MAX + 1], msg[160];
	sk_account_spec spec;
	json_t *body = NULL, *v;
	const char *key;
	int r;

	if (parse_body(q, 0, &body) != 0)
		return;
	json_object_foreach(body, key, v)
	{
		size_t i;
		for (i = 0; i < sizeof(create_fields) / sizeof(create_fields[0]); i++)
			if (strcmp(key, create_fields[i]) == 0)
				break;
		if (i == sizeof(create_fields) / sizeof(create_fields[0])) {
			snprintf(msg, sizeof(msg),
				 "Unknown field '%.40s'; the fields are name, email, role and expires_at.",
				 key);
			fail(q, 422, "unknown_field", msg);
			goto out;
		}
	}
	memset(&spec, 0, sizeof(spec));
	spec.role = SK_ROLE_USER;
	if (!json_is_string(v = json_object_get(body, "name"))) {
		fail(q, 422, "invalid_name", "The field 'name' (a string) is required.");
		goto out;
	}
	spec.name = json_string_value(v);
	if ((v = json_object_get(body, "email")) != NULL && !json_is_null(v)) {
		if (!json_is_string(v)) {
			fail(q, 422, "invalid_email", "The field 'email' must be a string.");
			goto out;
		}
		spec.email = json_string_value(v);
	}
	if ((v = json_object_get(body, "role")) != NULL && !json_is_null(v) &&
	    (!json_is_string(v) || sk_role_parse(json_string_value(v), &spec.role) != SK_OK)) {
		fail(q, 422, "invalid_role",
		     "The field 'role' must be \"user\", \"auditor\" or \"admin\".");
		goto out;
	}
	if ((v = json_object_get(body, "expires_at")) != NULL && !json_is_null(v)) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    (json_integer_value(v) != 0 && json_integer_value(v) <= sk_ctx_now(q->ctx))) {
			fail(q, 422, "invalid_expiry",
			     "The field 'expires_at' must be a future time in unix seconds, or 0 "
			     "for never.");
			goto out;
		}
		spec.expires_at = (int64_t)json_integer_value(v);
	}
	r = sk_account_create(q->ctx, &c->actor, &spec, initial, NULL);
	if (r != SK_OK && r != SK_ERR_APPROVAL) {
		fail_lib(q, r, spec.name);
		goto out;
	}
	(void)sk_account_name_normalize(spec.name, norm);
	/* Role admin waiting for approval: the account exists (as user) with its password. */
	answer_secret(q, r == SK_OK ? 201 : 202, norm, "create",
		      sk_role_name(r == SK_OK ? spec.role : SK_ROLE_USER), initial,
		      r == SK_ERR_APPROVAL ? c->actor.approval_id : 0);
out:
	sodium_memzero(initial, sizeof(initial));
	json_decref(body);
}

static void
user_action(struct rq *q, struct caller *c, const char *name, const char *action)
{
	char initial[SK_INITIAL_PASSWORD_MAX] = "", norm[SK_NAME_MAX + 1];
	json_t *body = NULL;
	int r;

	/* No action takes parameters; a body, if any, must still be JSON. */
	if (strcmp(action, "delete") != 0 && parse_body(q, 1, &body) != 0)
		return;
	json_decref(body);
	if (strcmp(action, "disable") == 0)
		r = sk_account_set_disabled(q->ctx, &c->actor, name, 1);
	else if (strcmp(action, "enable") == 0)
		r = sk_account_set_disabled(q->ctx, &c->actor, name, 0);
	else if (strcmp(action, "unlock") == 0)
		r = sk_account_unlock(q->ctx, &c->actor, name);
	else if (strcmp(action, "reset-password") == 0)
		r = sk_account_reset_password(q->ctx, &c->actor, name, initial);
	else if (strcmp(action, "reset-mfa") == 0)
		r = sk_mfa_reset(q->ctx, &c->actor, name);
	else
		r = sk_account_delete(q->ctx, &c->actor, name);
	if (r != SK_OK && r != SK_ERR_APPROVAL) {
		fail_lib(q, r, name);
		goto out;
	}
	if (sk_account_name_normalize(name, norm) != SK_OK)
		snprintf(norm, sizeof(norm), "%s", "");
	answer_secret(q, r == SK_OK ? 200 : 202, norm, action, NULL, initial,
		      r == SK_ERR_APPROVAL ? c->actor.approval_id : 0);
out:
	sodium_memzero(initial, sizeof(initial));
}

/* ---- audit and approvals ------------------------------------------------ */

/* Whether the query string has a parameter called name (with or without a value). */
static int
query_has(const char *query, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = query; *p != '\0'; p += strcspn(p, "&"), p += *p == '&') {
		if (strncmp(p, name, n) == 0 && (p[n] == '=' || p[n] == '&' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

/* A query parameter as a number in [lo, hi]; absent gives def.  -1 when malformed. */
static int
query_num(const struct rq *q, const char *name, long long lo, long long hi, long long def,
	  long long *out)
{
	char v[32], *end;

	*out = def;
	if (query_get(q->in->query, strlen(q->in->query), name, v, sizeof(v)) != 0)
		return query_has(q->in->query, name) ? -1 : 0;
	if (v[0] < '0' || v[0] > '9')
		return -1;
	errno = 0;
	*out = strtoll(v, &end, 10);
	if (errno != 0 || *end != '\0' || *out < lo || *out > hi)
		return -1;
	return 0;
}

struct audit_out {
	sk_buf *b;
	long long limit, n;
	int truncated;
	char line[2048];
};

static int
audit_one(void *arg, const sk_audit_event *e)
{
	struct audit_out *ao = arg;
	int n;

	if (ao->n == ao->limit) {
		ao->truncated = 1;
		return 1;
	}
	if ((n = sk_audit_json(e, ao->line, sizeof(ao->line))) < 0)
		return n;
	if (ao->n++ > 0)
		buf_add(ao->b, ",");
	buf_addn(ao->b, ao->line, (size_t)n);
	return 0;
}

static void
audit_list(struct rq *q)
{
	struct audit_out *ao;
	long long since, limit;
	sk_buf b;
	int r;

	if (query_num(q, "since", 0, INT64_MAX, 0, &since) != 0 ||
	    query_num(q, "limit", 1, AUDIT_LIMIT_MAX, AUDIT_LIMIT_DEFAULT, &limit) != 0) {
		fail(q, 400, "bad_query", "Use ?since=UNIX_SECONDS&limit=N with N from 1 to 1000.");
		return;
	}
	if ((ao = calloc(1, sizeof(*ao))) == NULL) {
		fail_lib(q, SK_ERR_NOMEM, NULL);
		return;
	}
	buf_init(&b);
	ao->b = &b;
	ao->limit = limit;
	buf_add(&b, "{\"events\":[");
	r = sk_audit_list(q->ctx, (int64_t)since, audit_one, ao);
	if (r < 0 || b.oom) {
		fail_lib(q, r < 0 ? r : SK_ERR_NOMEM, NULL);
	} else {
		buf_printf(&b, "],\"count\":%lld,\"truncated\":%s}\n", ao->n,
			   ao->truncated ? "true" : "false");
		answer_raw(q, 200);
		buf_addn(&q->out->body, b.data, b.len);
	}
	buf_free(&b);
	free(ao);
}

static void
audit_verify(struct rq *q)
{
	int64_t count = 0, bad = 0;
	int r = sk_audit_verify(q->ctx, &count, &bad);

	if (r == SK_OK)
		answer(q, 200, json_pack("{s:b, s:I}", "ok", 1, "events", (json_int_t)count));
	else if (r == SK_ERR_TAMPERED)
		answer(q, 200,
		       json_pack("{s:b, s:I, s:I, s:s}", "ok", 0, "broken_at", (json_int_t)bad,
				 "events_verified", (json_int_t)count, "message",
				 "The event at broken_at was changed, removed or inserted "
				 "after it was written; compare with the audit log's copy."));
	else
		fail_lib(q, r, NULL);
}

static int
approval_one(void *arg, const sk_approval *a)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:I}", "id",
			      (json_int_t)a->id, "action", a->action, "target", a->target, "param",
			      a->param, "requested_by", a->requested_by, "created_at",
			      (json_int_t)a->created_at, "expires_at", (json_int_t)a->expires_at,
			      "state", sk_approval_state_name(a->state), "decided_by",
			      a->decided_by, "decided_at", (json_int_t)a->decided_at);

	if (o == NULL || json_array_append_new(arg, o) != 0)
		return SK_ERR_NOMEM;
	return 0;
}

static void
approvals_list(struct rq *q)
{
	json_t *a = json_array();
	int r;

	if (a == NULL || (r = sk_approval_list(q->ctx, approval_one, a)) != SK_OK) {
		json_decref(a);
		fail_lib(q, a == NULL ? SK_ERR_NOMEM : r, NULL);
		return;
	}
	answer(q, 200, json_pack("{s:o}", "approvals", a));
}

static void
me(struct rq *q, const struct caller *c)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "name", c->user.name, "email",
			      c->user.email, "role", sk_role_name(c->user.role), "effective_role",
			      sk_role_name(c->role), "auth", c->via_token ? "token" : "session",
			      "can_read", c->can_read, "can_write", c->can_write);

	if (o != NULL && c->via_token)
		json_object_set_new(o, "token",
				    json_pack("{s:I, s:s, s:s, s:I}", "id", (json_int_t)c->token.id,
					      "name", c->token.name, "scope",
					      sk_apitoken_scope_name(c->token.scope), "expires_at",
					      (json_int_t)c->token.expires_at));
	answer(q, 200, o);
}

/* ---- dispatch ----------------------------------------------------------- */

static void
method_not_allowed(struct rq *q, const char *allowed)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "This endpoint accepts %s only.", allowed);
	fail(q, 405, "method_not_allowed", msg);
}

static int
is_method(const struct rq *q, const char *m)
{
	return strcmp(q->in->method, m) == 0;
}

static const char *const user_actions[] = {"disable", "enable", "unlock", "reset-password",
					   "reset-mfa"};

static void
route(struct rq *q, struct caller *c, const char *p)
{
	char name[SK_NAME_MAX + 2];
	const char *slash, *rest;
	size_t n;

	if (strcmp(p, "me") == 0) {
		if (!is_read(q))
			method_not_allowed(q, "GET");
		else
			me(q, c);
		return;
	}
	if (strcmp(p, "users") == 0) {
		if (is_read(q)) {
			if (need_read(q, c) == 0)
				users_list(q);
		} else if (is_method(q, "POST")) {
			if (need_write(q, c) == 0)
				user_create(q, c);
		} else {
			method_not_allowed(q, "GET and POST");
		}
		return;
	}
	if (strncmp(p, "users/", 6) == 0) {
		p += 6;
		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		rest = slash != NULL ? slash + 1 : NULL;
		if (n == 0 || n >= sizeof(name)) {
			fail(q, 404, "not_found", "No such endpoint or account; see docs/api.md.");
			return;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		if (rest == NULL) {
			if (is_read(q)) {
				if (need_read(q, c) == 0)
					user_show(q, name);
			} else if (is_method(q, "DELETE")) {
				if (need_write(q, c) == 0)
					user_action(q, c, name, "delete");
			} else {
				method_not_allowed(q, "GET and DELETE");
			}
			return;
		}
		for (size_t i = 0; i < sizeof(user_actions) / sizeof(user_actions[0]); i++) {
			if (strcmp(rest, user_actions[i]) != 0)
				continue;
			if (!is_method(q, "POST"))
				method_not_allowed(q, "POST");
			else if (need_write(q, c) == 0)
				user_action(q, c, name, user_actions[i]);
			return;
		}
	} else if (strcmp(p, "audit") == 0 || strcmp(p, "audit/verify") == 0 ||
		   strcmp(p, "approvals") == 0) {
		if (!is_read(q))
			method_not_allowed(q, "GET");
		else if (need_read(q, c) != 0)
			return;
		else if (strcmp(p, "approvals") == 0)
			approvals_list(q);
		else if (strcmp(p, "audit") == 0)
			audit_list(q);
		else
			audit_verify(q);
		return;
	}
	fail(q, 404, "not_found", "No such endpoint; see docs/api.md for the list.");
}

void
api_handle(struct rq *q)
{
	struct caller c;
	const char *p = q->in->path;

	if (q->in->body_len > API_MAX_BODY) {
		fail(q, 413, "too_large", "The request body is larger than 64 KiB; send less.");
		return;
	}
	if (strncmp(p, API_PREFIX, strlen(API_PREFIX)) != 0) {
		fail(q, 404, "not_found", "No such endpoint; the API lives under /api/v1/.");
		return;
	}
	if (authenticate(q, &c) != 0) {
		sodium_memzero(&c, sizeof(c));
		return;
	}
	route(q, &c, p + strlen(API_PREFIX));
	sodium_memzero(&c, sizeof(c));
}
