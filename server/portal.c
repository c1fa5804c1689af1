/*
 * server/portal.c - the sign-in journey and the account page.  Runs on a
 * worker thread with that worker's library context: every rule is in
 * libsekisho; this file maps requests to library calls and results to pages.
 *
 *   GET  /login              sign-in form           POST /login
 *   GET  /login/password     forced change (A2)     POST /login/password
 *   GET  /login/enroll       new key, QR (B3-B5)    POST /login/enroll
 *        /login/enroll?type=token   a hardware TOTP token's secret, typed in
 *   GET  /login/mfa          one-time code (B7)     POST /login/mfa
 *   GET  /login/recovery     recovery code (B9)     POST /login/recovery
 *   GET  /account            devices, sessions, history (B6, D3)
 *   GET  /account/password   POST /account/password
 *   GET  /account/devices/add[?type=token]  POST /account/devices/add
 *   POST /account/devices/remove  /account/recovery  /account/sessions/revoke-others
 *   POST /logout
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "http.h"
#include "i18n.h"
#include "pages.h"
#include "parse.h"
#include "fwd.h"
#include "portal.h"
#include "sekisho/qr.h"

#define COOKIE_LANG "sekisho_lang"
#define COOKIE_RD "sekisho_rd" /* where to go after sign-in, for a few minutes */


/* ---- small helpers ------------------------------------------------------ */

static const char *
cookie_name(const struct rq *q)
{
	return fwd_cookie_name(q->sc);
}

static void
add_cookie(struct rq *q, const char *fmt_name, const char *value, const char *attrs)
{
	http_out *o = q->out;

	if (o->ncookies >= HTTP_MAX_COOKIES)
		return;
	/* With [forward_auth] cookie_domain, one sign-in serves every subdomain. */
	snprintf(o->cookies[o->ncookies++], sizeof(o->cookies[0]),
		 "%s=%s; Path=/; SameSite=Lax%s%s%s%s", fmt_name, value, attrs,
		 q->sc->secure_cookie ? "; Secure" : "", q->sc->cookie_domain[0] ? "; Domain=" : "",
		 q->sc->cookie_domain);
}

static void
set_session_cookie(struct rq *q)
{
	add_cookie(q, cookie_name(q), q->token, "; HttpOnly");
}

static void
clear_session_cookie(struct rq *q)
{
	add_cookie(q, cookie_name(q), "", "; HttpOnly; Max-Age=0");
}

void
rq_redirect(struct rq *q, const char *url)
{
	q->out->status = 303;
	snprintf(q->out->location, sizeof(q->out->location), "%s", url);
}

int
rq_is_post(const struct rq *q)
{
	return strcmp(q->in->method, "POST") == 0;
}

const char *
rq_field(const struct rq *q, const char *name)
{
	const char *v = form_get(&q->form, name);
	return v != NULL ? v : "";
}

/*
 * Where to go after sign-in: a local path, or a URL in the forward-auth
 * domains (the library's sk_redirect_allowed); anything else is ignored,
 * so the portal is never an open redirect.
 */
static const char *
safe_rd(const struct rq *q, const char *rd)
{
	return rd != NULL && fwd_rd_allowed(q->sc, rd) ? rd : "/account";
}

/*
 * The rd of GET /login?rd=... survives the sign-in's steps in a short-lived
 * cookie (URL-encoded); next_step() takes it at the end.
 */
static void
remember_rd(struct rq *q, const char *rd)
{
	sk_buf b;

	if (!fwd_rd_allowed(q->sc, rd))
		return;
	buf_init(&b);
	buf_url(&b, rd);
	if (!b.oom && b.len < sizeof(q->out->cookies[0]) - 128)
		add_cookie(q, COOKIE_RD, b.data, "; HttpOnly; Max-Age=900");
	buf_free(&b);
}

/* The remembered rd (decoded into out, checked again), or "" ; clears it. */
static void
take_rd(struct rq *q, char *out, size_t size)
{
	char enc[2400];
	const char *c = q->in->cookie;
	char *query;

	out[0] = '\0';
	if (c == NULL || cookie_get(c, strlen(c), COOKIE_RD, enc, sizeof(enc)) != 0)
		return;
	add_cookie(q, COOKIE_RD, "", "; HttpOnly; Max-Age=0");
	/* Decode through the query parser: "rd=<value>". */
	if ((query = malloc(strlen(enc) + 4)) == NULL)
		return;
	snprintf(query, strlen(enc) + 4, "rd=%s", enc);
	if (query_get(query, strlen(query), "rd", out, size) != 0 || !fwd_rd_allowed(q->sc, out))
		out[0] = '\0';
	free(query);
}

void
rq_say(struct rq *q, const char *key)
{
	snprintf(q->error, sizeof(q->error), "%s", tr(q->lang, key));
}

void
rq_say_locked(struct rq *q, int64_t retry_at)
{
	char when[40];
	struct tm tm;
	time_t t = (time_t)retry_at;
	const char *tmpl;

	if (retry_at == INT64_MAX || gmtime_r(&t, &tm) == NULL) {
		rq_say(q, "error.locked_admin");
		return;
	}
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	/* The catalog's template has one %s; substitute it by hand (no format from data). */
	tmpl = tr(q->lang, "error.locked");
	const char *at = strstr(tmpl, "%s");
	if (at == NULL)
		snprintf(q->error, sizeof(q->error), "%s %s", tmpl, when);
	else
		snprintf(q->error, sizeof(q->error), "%.*s%s%s", (int)(at - tmpl), tmpl, when, at + 2);
}

void
rq_base(struct rq *q, page_base *pb)
{
	memset(pb, 0, sizeof(*pb));
	pb->lang = q->lang;
	pb->csrf = q->have_session ? q->csrf : NULL;
	pb->path = q->in->path;
	pb->error = q->error[0] ? q->error : NULL;
	pb->notice = q->notice;
	if (q->have_session && sk_session_active(&q->sess)) {
		sk_user u;
		pb->user = q->sess.signin.name;
		if (sk_account_get(q->ctx, q->sess.signin.name, &u) == SK_OK) {
			/* The console link for administrators and (read-only) auditors. */
			sk_role role = sk_account_effective_role(q->ctx, &u, NULL);
			pb->is_admin = role == SK_ROLE_ADMIN || role == SK_ROLE_AUDITOR;
			sodium_memzero(u.pwhash, sizeof(u.pwhash));
		}
	}
}

static void
pick_language(struct rq *q)
{
	char v[8];
	const char *c = q->in->cookie;

	if (query_get(q->in->query, strlen(q->in->query), "lang", v, sizeof(v)) == 0 &&
	    (strcmp(v, "ja") == 0 || strcmp(v, "en") == 0)) {
		q->lang = strcmp(v, "ja") == 0 ? "ja" : "en";
		add_cookie(q, COOKIE_LANG, q->lang, "; Max-Age=31536000");
		return;
	}
	if (c != NULL && cookie_get(c, strlen(c), COOKIE_LANG, v, sizeof(v)) == 0 &&
	    (strcmp(v, "ja") == 0 || strcmp(v, "en") == 0)) {
		q->lang = strcmp(v, "ja") == 0 ? "ja" : "en";
		return;
	}
	q->lang = accept_language_pick(q->in->accept_language,
				       q->in->accept_language ? strlen(q->in->accept_language) : 0);
}

static void
load_session(struct rq *q)
{
	const char *c = q->in->cookie;

	if (c == NULL || cookie_get(c, strlen(c), cookie_name(q), q->token, sizeof(q->token)) != 0)
		return;
	if (sk_session_lookup(q->ctx, q->token, &q->sess) != SK_OK)
		return;
	q->have_session = 1;
	(void)sk_session_csrf(q->ctx, q->token, q->csrf);
}

/* A pre-sign-in session, so that the login form has a CSRF token. */
static int
ensure_session(struct rq *q)
{
	if (q->have_session)
		return SK_OK;
	if (sk_session_create(q->ctx, q->in->addr, q->in->agent, q->token, &q->sess) != SK_OK)
		return SK_ERR_STORE;
	q->have_session = 1;
	set_session_cookie(q);
	return sk_session_csrf(q->ctx, q->token, q->csrf);
}

int
rq_active(const struct rq *q)
{
	return q->have_session && sk_session_active(&q->sess);
}

static const char *
step_url(sk_step step)
{
	switch (step) {
	case SK_STEP_CHANGE_PASSWORD:
		return "/login/password";
	case SK_STEP_ENROLL_MFA:
		return "/login/enroll";
	case SK_STEP_MFA:
		return "/login/mfa";
	case SK_STEP_DONE:
		return "/account";
	default:
		return "/login";
	}
}

void
rq_message(struct rq *q, int status, const char *title_key, const char *text_key,
	const char *link)
{
	page_base pb;

	q->out->status = status;
	rq_base(q, &pb);
	page_message(&q->out->body, &pb, tr(q->lang, title_key), tr(q->lang, text_key), link,
		     link ? tr(q->lang, "link.continue") : NULL);
}

/*
 * A POST is accepted only with a session and its CSRF token (every form
 * carries it).  Returns 0 when the request may go on; otherwise the answer
 * is already written.
 */
int
rq_check_post(struct rq *q)
{
	if (form_parse(&q->form, q->in->body, q->in->body_len) != 0) {
		rq_message(q, 400, "title.error", "error.internal", "/login");
		return -1;
	}
	if (!q->have_session ||
	    sk_session_csrf_check(q->ctx, q->token, form_get(&q->form, "csrf")) != SK_OK) {
		rq_message(q, 403, "title.error", "error.csrf", "/login");
		return -1;
	}
	return 0;
}

/* After a sign-in step: save, and go to the next step (new token when done). */
static void
next_step(struct rq *q, const char *rd)
{
	if (q->sess.signin.step == SK_STEP_DONE) {
		if (sk_session_rotate(q->ctx, &q->sess, q->token) != SK_OK) {
			rq_message(q, 503, "title.error", "error.internal", "/login");
			return;
		}
		set_session_cookie(q);
		if (rd == NULL || rd[0] == '\0') {
			char kept[FWD_URL_MAX];
			take_rd(q, kept, sizeof(kept));
			rq_redirect(q, safe_rd(q, kept[0] ? kept : NULL));
			return;
		}
		rq_redirect(q, safe_rd(q, rd));
		return;
	}
	(void)sk_session_save(q->ctx, &q->sess);
	rq_redirect(q, step_url(q->sess.signin.step));
}

/* The request is for a step the sign-in is not at: send it where it is. */
static int
wrong_step(struct rq *q, sk_step want)
{
	if (q->have_session && q->sess.signin.step == want)
		return 0;
	rq_redirect(q, q->have_session ? step_url(q->sess.signin.step) : "/login");
	return 1;
}

/* ---- the sign-in journey ------------------------------------------------ */

static void
h_login(struct rq *q)
{
	char rd[FWD_URL_MAX] = "";
	page_base pb;
	int64_t retry_at = 0;
	int r;

	if (!rq_is_post(q)) {
		(void)query_get(q->in->query, strlen(q->in->query), "rd", rd, sizeof(rd));
		if (rq_active(q)) {
			rq_redirect(q, safe_rd(q, rd[0] ? rd : NULL));
			return;
		}
		if (ensure_session(q) != SK_OK) {
			rq_message(q, 503, "title.error", "error.internal", NULL);
			return;
		}
		if (rd[0] != '\0' && rd[0] != '/')
			remember_rd(q, rd);
		rq_base(q, &pb);
		page_login(&q->out->body, &pb, "", rd[0] == '/' ? rd : "");
		return;
	}
	if (rq_check_post(q) != 0)
		return;
	/* Every POST /login starts the sign-in again from the password. */
	sk_signin_start(q->ctx, &q->sess.signin, q->in->addr);
	const char *pw = rq_field(q, "password");
	r = sk_signin_password(q->ctx, &q->sess.signin, rq_field(q, "username"), pw, strlen(pw),
			       &retry_at);
	if (r == SK_OK) {
		next_step(q, rq_field(q, "rd"));
		return;
	}
	switch (r) {
	case SK_ERR_LOCKED:
		rq_say_locked(q, retry_at);
		q->out->status = 429;
		break;
	case SK_ERR_DISABLED:
		rq_say(q, "error.disabled");
		q->out->status = 403;
		break;
	case SK_ERR_EXPIRED:
		rq_say(q, "error.expired");
		q->out->status = 403;
		break;
	case SK_ERR_AUTH:
		rq_say(q, "error.auth");
		q->out->status = 401;
		break;
	default:
		rq_say(q, "error.internal");
		q->out->status = 503;
	}
	(void)sk_session_save(q->ctx, &q->sess);
	rq_base(q, &pb);
	page_login(&q->out->body, &pb, rq_field(q, "username"), rq_field(q, "rd"));
}

static void
render_change(struct rq *q, const char *action, uint32_t failed, int forced)
{
	page_base pb;

	rq_base(q, &pb);
	page_change_password(&q->out->body, &pb, action, &sk_ctx_config(q->ctx)->policy, failed,
			     forced);
}

/* The three fields of a password change; -1 (error set) when the two new ones differ. */
static int
change_fields(struct rq *q, const char **cur, const char **nw)
{
	const char *again = rq_field(q, "confirm_password");

	*cur = rq_field(q, "current_password");
	*nw = rq_field(q, "new_password");
	if (strlen(*nw) != strlen(again) || sodium_memcmp(*nw, again, strlen(again)) != 0) {
		rq_say(q, "error.mismatch");
		q->out->status = 400;
		return -1;
	}
	return 0;
}

static void
change_result(struct rq *q, int r, const sk_policy_result *pr, const char *action, int forced)
{
	if (r == SK_ERR_POLICY) {
		q->out->status = 400;
		render_change(q, action, pr->failed, forced);
		return;
	}
	if (r == SK_ERR_AUTH)
		rq_say(q, "error.password_current");
	else if (r == SK_ERR_LOCKED)
		rq_say(q, "error.locked_admin");
	else
		rq_say(q, "error.internal");
	q->out->status = r == SK_ERR_AUTH ? 401 : r == SK_ERR_LOCKED ? 429 : 503;
	render_change(q, action, 0, forced);
}

static void
h_login_password(struct rq *q)
{
	const char *cur, *nw;
	sk_policy_result pr;
	int r;

	if (wrong_step(q, SK_STEP_CHANGE_PASSWORD))
		return;
	if (!rq_is_post(q)) {
		render_change(q, "/login/password", 0, 1);
		return;
	}
	if (rq_check_post(q) != 0)
		return;
	if (change_fields(q, &cur, &nw) != 0) {
		render_change(q, "/login/password", 0, 1);
		return;
	}
	r = sk_signin_change_password(q->ctx, &q->sess.signin, cur, strlen(cur), nw, strlen(nw),
				      &pr);
	if (r == SK_OK) {
		next_step(q, NULL);
		return;
	}
	if (r == SK_ERR_STATE) {
		rq_redirect(q, "/login");
		return;
	}
	change_result(q, r, &pr, "/login/password", 1);
}

/* Renders the enrollment page for a pending device (new one when fresh). */
static void
render_enroll(struct rq *q, const char *action, int64_t user_id, int fresh)
{
	const sk_config *cfg = sk_ctx_config(q->ctx);
	sk_enrollment e;
	page_enroll_data d;
	page_base pb;
	char *svg;
	int r;

	if (fresh) {
		if (q->sess.signin.step == SK_STEP_ENROLL_MFA && !rq_active(q))
			r = sk_signin_enroll_begin(q->ctx, &q->sess.signin, "authenticator",
						   SK_DEVICE_TOTP_APP, NULL, &e);
		else
			r = sk_mfa_enroll_begin(q->ctx, user_id, "authenticator", SK_DEVICE_TOTP_APP,
						NULL, &e);
		if (r == SK_OK) {
			q->sess.signin.enroll_device_id = e.device_id;
			(void)sk_session_save(q->ctx, &q->sess);
		}
	} else {
		r = sk_mfa_enroll_show(q->ctx, user_id, q->sess.signin.enroll_device_id, &e);
	}
	if (r != SK_OK) {
		rq_message(q, 503, "title.error", "error.internal", "/login");
		return;
	}
	svg = sk_qr_svg(e.uri);
	memset(&d, 0, sizeof(d));
	d.action = action;
	d.qr_svg = svg ? svg : "";
	d.setup_key = e.secret_grouped;
	d.device_name = form_get(&q->form, "device_name") ? rq_field(q, "device_name") : "authenticator";
	d.codes = cfg->enroll_codes;
	d.digits = cfg->otp.digits;
	d.period = cfg->otp.period;
	rq_base(q, &pb);
	page_enroll(&q->out->body, &pb, &d);
	if (svg != NULL) {
		sodium_memzero(svg, strlen(svg));
		free(svg);
	}
	sk_enrollment_clear(&e);
}

/* The enrollment page of a hardware token: ?type=token (GET), type=totp-token (POST). */
static int
token_wanted(const struct rq *q)
{
	char v[8];

	if (rq_is_post(q))
		return strcmp(rq_field(q, "type"), "totp-token") == 0;
	return query_get(q->in->query, strlen(q->in->query), "type", v, sizeof(v)) == 0 &&
	       strcmp(v, "token") == 0;
}

/*
 * The token form.  Nothing is pending while it shows: the device is begun
 * and confirmed by the one POST, so the typed secret never has to be shown
 * again (and it is not: the field is rendered empty after any mistake).
 */
static void
render_token(struct rq *q, const char *action)
{
	const sk_config *cfg = sk_ctx_config(q->ctx);
	const char *name = rq_field(q, "device_name");
	char path[64];
	page_enroll_data d;
	page_base pb;

	memset(&d, 0, sizeof(d));
	d.action = action;
	d.device_name = name[0] != '\0' ? name : "token";
	d.codes = cfg->enroll_codes;
	d.digits = cfg->otp.digits;
	d.period = cfg->otp.period;
	d.token = 1;
	rq_base(q, &pb);
	/* The language links stay on this kind of device. */
	snprintf(path, sizeof(path), "%s?type=token", action);
	pb.path = path;
	page_enroll(&q->out->body, &pb, &d);
}

/* The catalog key that says what is wrong with a typed token secret, or NULL. */
static const char *
secret_problem_key(const char *secret)
{
	switch (sk_mfa_token_secret_check(secret)) {
	case SK_SECRET_OK:
		return NULL;
	case SK_SECRET_EMPTY:
		return "error.secret_empty";
	case SK_SECRET_TOO_SHORT:
		return "error.secret_short";
	case SK_SECRET_TOO_LONG:
		return "error.secret_long";
	case SK_SECRET_NOT_BASE32:
		break;
	}
	return "error.secret_base32";
}

/*
 * POST of the token form, at sign-in (signin != 0: the sign-in's enrollment
 * step, recovery codes into *codes) or from the account page.  Checks the
 * secret, begins the device with it and confirms it with the codes.
 * Returns SK_OK with the device active; SK_ERR_STATE when the sign-in is
 * not at this step (the caller redirects); otherwise the form is rendered
 * again with the error.  The secret stays in the parsed form, which
 * form_free() wipes; the library wipes its copies.
 */
static int
enroll_token(struct rq *q, const char *action, int signin, sk_recovery_set *codes)
{
	const char *secret = rq_field(q, "token_secret"), *name = rq_field(q, "device_name");
	const char *bad = secret_problem_key(secret);
	int64_t uid = q->sess.signin.user_id, device_id;
	sk_enrollment e;
	int r;

	memset(codes, 0, sizeof(*codes));
	memset(&e, 0, sizeof(e));
	if (bad != NULL) {
		r = SK_ERR_INVALID;
		goto refuse;
	}
	if (name[0] == '\0')
		name = "token";
	if (signin)
		r = sk_signin_enroll_begin(q->ctx, &q->sess.signin, name, SK_DEVICE_TOTP_TOKEN,
					   secret, &e);
	else
		r = sk_mfa_enroll_begin(q->ctx, uid, name, SK_DEVICE_TOTP_TOKEN, secret, &e);
	device_id = e.device_id;
	sk_enrollment_clear(&e);
	if (r == SK_ERR_STATE)
		return r;
	if (r != SK_OK) {
		bad = r == SK_ERR_NAME ? "error.device_name" : r == SK_ERR_EXISTS ? "error.device_exists"
		    : r == SK_ERR_INVALID ? "error.secret_base32" : NULL;
		if (bad == NULL) {
			rq_message(q, 503, "title.error", "error.internal", action);
			return r;
		}
		goto refuse;
	}
	if (signin)
		r = sk_signin_enroll_confirm(q->ctx, &q->sess.signin, rq_field(q, "code1"),
					     form_get(&q->form, "code2"), codes);
	else
		r = sk_mfa_enroll_confirm(q->ctx, uid, device_id, rq_field(q, "code1"),
					  form_get(&q->form, "code2"), q->in->addr);
	if (r == SK_OK && !signin) {
		q->sess.signin.enroll_device_id = 0; /* any pending app went with the begin */
		(void)sk_session_save(q->ctx, &q->sess);
	}
	if (r == SK_OK || r == SK_ERR_STATE)
		return r;
	bad = "error.enroll_token";
refuse:
	/*
	 * A token left pending is not this session's enrollment any more, so
	 * that no later page can show it; the next begin drops it (B5).
	 */
	q->sess.signin.enroll_device_id = 0;
	(void)sk_session_save(q->ctx, &q->sess);
	rq_say(q, bad);
	q->out->status = 400;
	render_token(q, action);
	return r;
}

/* Applies the device name from the form to the pending device; -1 with error set. */
static int
name_device(struct rq *q, int64_t user_id)
{
	const char *name = rq_field(q, "device_name");
	int r;

	if (name[0] == '\0' || strcmp(name, "authenticator") == 0)
		return 0;
	r = sk_mfa_rename(q->ctx, user_id, q->sess.signin.enroll_device_id, name);
	if (r == SK_OK)
		return 0;
	rq_say(q, r == SK_ERR_EXISTS ? "error.device_exists" : "error.device_name");
	q->out->status = 400;
	return -1;
}

static void
show_codes(struct rq *q, const sk_recovery_set *codes, const char *next)
{
	page_base pb;

	rq_base(q, &pb);
	page_recovery_codes(&q->out->body, &pb, codes, next);
}

static void
h_login_enroll(struct rq *q)
{
	sk_recovery_set codes;
	int r;

	if (wrong_step(q, SK_STEP_ENROLL_MFA))
		return;
	if (!rq_is_post(q)) {
		if (token_wanted(q))
			render_token(q, "/login/enroll");
		else
			render_enroll(q, "/login/enroll", q->sess.signin.user_id, 1);
		return;
	}
	if (rq_check_post(q) != 0)
		return;
	if (token_wanted(q)) {
		r = enroll_token(q, "/login/enroll", 1, &codes);
		if (r == SK_ERR_STATE)
			rq_redirect(q, step_url(q->sess.signin.step));
		if (r != SK_OK) {
			sk_recovery_set_clear(&codes);
			return;
		}
		goto enrolled;
	}
	if (q->sess.signin.enroll_device_id == 0) {
		rq_redirect(q, "/login/enroll");
		return;
	}
	if (name_device(q, q->sess.signin.user_id) != 0) {
		render_enroll(q, "/login/enroll", q->sess.signin.user_id, 0);
		return;
	}
	r = sk_signin_enroll_confirm(q->ctx, &q->sess.signin, rq_field(q, "code1"),
				     form_get(&q->form, "code2"), &codes);
	if (r != SK_OK) {
		if (r == SK_ERR_STATE) {
			rq_redirect(q, step_url(q->sess.signin.step));
			return;
		}
		rq_say(q, "error.enroll");
		q->out->status = 400;
		render_enroll(q, "/login/enroll", q->sess.signin.user_id, 0);
		return;
	}
enrolled:
	if (q->sess.signin.step == SK_STEP_DONE) {
		if (sk_session_rotate(q->ctx, &q->sess, q->token) != SK_OK) {
			rq_message(q, 503, "title.error", "error.internal", "/login");
			sk_recovery_set_clear(&codes);
			return;
		}
		(void)sk_session_csrf(q->ctx, q->token, q->csrf);
		set_session_cookie(q);
	} else {
		(void)sk_session_save(q->ctx, &q->sess);
	}
	q->notice = tr(q->lang, "notice.device_added");
	if (codes.count > 0)
		show_codes(q, &codes, step_url(q->sess.signin.step));
	else
		rq_redirect(q, step_url(q->sess.signin.step));
	sk_recovery_set_clear(&codes);
}

static void
h_login_mfa(struct rq *q, int recovery)
{
	page_base pb;
	int64_t retry_at = 0;
	int r;

	if (wrong_step(q, SK_STEP_MFA))
		return;
	if (rq_is_post(q)) {
		if (rq_check_post(q) != 0)
			return;
		r = recovery ? sk_signin_recovery(q->ctx, &q->sess.signin, rq_field(q, "recovery_code"),
						  &retry_at)
			     : sk_signin_mfa(q->ctx, &q->sess.signin, rq_field(q, "code"), &retry_at);
		if (r == SK_OK) {
			next_step(q, NULL);
			return;
		}
		if (r == SK_ERR_STATE) {
			rq_redirect(q, "/login");
			return;
		}
		if (r == SK_ERR_LOCKED)
			rq_say_locked(q, retry_at);
		else if (r == SK_ERR_REPLAY)
			rq_say(q, "error.replay");
		else if (r == SK_ERR_AUTH)
			rq_say(q, recovery ? "error.recovery" : "error.code");
		else
			rq_say(q, "error.internal");
		q->out->status = r == SK_ERR_LOCKED ? 429 : r == SK_ERR_AUTH || r == SK_ERR_REPLAY ? 401 : 503;
		(void)sk_session_save(q->ctx, &q->sess);
	}
	rq_base(q, &pb);
	page_mfa(&q->out->body, &pb, recovery);
}

/*
 * Step-up (B11): forward-auth sends a signed-in user here when a rule wants
 * a second factor (again, or within mfa_within).  The code is checked by a
 * second-factor sign-in of the library, so lockout, replay prevention and
 * the audit trail are those of every sign-in; success stamps the session's
 * mfa_at and returns to rd.  No state is kept between GET and POST.
 */
static void
h_login_stepup(struct rq *q)
{
	char rd[FWD_URL_MAX] = "";
	sk_signin st;
	page_base pb;
	unsigned devices = 0;
	int64_t retry_at = 0;
	int has_mfa = 0, r;

	if (!rq_is_post(q)) {
		(void)query_get(q->in->query, strlen(q->in->query), "rd", rd, sizeof(rd));
		if (rd[0] != '\0')
			remember_rd(q, rd);
	}
	if (!rq_active(q)) { /* signed out meanwhile: the whole sign-in, then rd */
		rq_redirect(q, "/login");
		return;
	}
	if (rq_is_post(q) && rq_check_post(q) != 0)
		return;
	if (sk_mfa_count(q->ctx, q->sess.signin.user_id, &devices) != SK_OK || devices == 0) {
		rq_message(q, 403, "stepup.title", "stepup.no_device", "/account");
		return;
	}
	if (rq_is_post(q)) {
		r = sk_signin_second_factor_start(q->ctx, &st, q->sess.signin.name, q->in->addr,
						  "web:stepup", &has_mfa);
		if (r == SK_OK && has_mfa)
			r = sk_signin_mfa(q->ctx, &st, rq_field(q, "code"), &retry_at);
		else if (r == SK_OK)
			r = SK_ERR_STATE; /* the device went away meanwhile */
		sodium_memzero(&st, sizeof(st));
		if (r == SK_OK) {
			q->sess.mfa_at = sk_ctx_now(q->ctx);
			if (sk_session_save(q->ctx, &q->sess) != SK_OK) {
				rq_message(q, 503, "title.error", "error.internal", "/account");
				return;
			}
			take_rd(q, rd, sizeof(rd));
			rq_redirect(q, safe_rd(q, rd[0] ? rd : NULL));
			return;
		}
		if (r == SK_ERR_LOCKED)
			rq_say_locked(q, retry_at);
		else if (r == SK_ERR_REPLAY)
			rq_say(q, "error.replay");
		else if (r == SK_ERR_AUTH)
			rq_say(q, "error.code");
		else
			rq_say(q, "error.internal");
		q->out->status = r == SK_ERR_LOCKED ? 429 : r == SK_ERR_AUTH || r == SK_ERR_REPLAY ? 401 : 503;
	}
	rq_base(q, &pb);
	page_stepup(&q->out->body, &pb);
}

/* ---- the account page --------------------------------------------------- */

#define MAX_ROWS 20

struct account_view {
	page_device devices[MAX_ROWS];
	char device_names[MAX_ROWS][SK_NAME_MAX + 1];
	size_t ndevices;
	page_session sessions[MAX_ROWS];
	char session_addr[MAX_ROWS][SK_ADDR_MAX], session_agent[MAX_ROWS][SK_AGENT_MAX];
	size_t nsessions;
	int64_t current_id;
	page_event events[MAX_ROWS];
	char ev_action[MAX_ROWS][SK_ACTION_MAX], ev_addr[MAX_ROWS][SK_ADDR_MAX],
		ev_result[MAX_ROWS][16];
	size_t nevents, next_event;
	const char *name;
};

static int
view_device(void *arg, const sk_device *d)
{
	struct account_view *v = arg;
	size_t i = v->ndevices;

	if (!d->confirmed || i == MAX_ROWS)
		return 0;
	memcpy(v->device_names[i], d->name, sizeof(v->device_names[i]));
	v->devices[i] = (page_device){d->id, v->device_names[i], sk_device_type_name(d->type),
				      d->created_at, d->last_used_at};
	v->ndevices++;
	return 0;
}

static int
view_session(void *arg, const sk_session *s)
{
	struct account_view *v = arg;
	size_t i = v->nsessions;

	if (i == MAX_ROWS)
		return 1;
	memcpy(v->session_addr[i], s->signin.addr, sizeof(v->session_addr[i]));
	memcpy(v->session_agent[i], s->agent, sizeof(v->session_agent[i]));
	v->sessions[i] = (page_session){s->id, v->session_addr[i], v->session_agent[i],
					s->created_at, s->last_seen_at, s->id == v->current_id};
	v->nsessions++;
	return 0;
}

/* The latest sign-in events of this account, newest first, up to MAX_ROWS. */
static int
view_event(void *arg, const sk_audit_event *e)
{
	struct account_view *v = arg;
	size_t i;

	if (strncmp(e->action, "signin.", 7) != 0 && strncmp(e->action, "recovery.", 9) != 0 &&
	    strncmp(e->action, "mfa.", 4) != 0 && strcmp(e->action, "password.change") != 0)
		return 0;
	if (v->nevents >= MAX_ROWS)
		return 1; /* enough */
	i = v->next_event++;
	memcpy(v->ev_action[i], e->action, sizeof(v->ev_action[i]));
	memcpy(v->ev_addr[i], e->addr, sizeof(v->ev_addr[i]));
	memcpy(v->ev_result[i], e->result, sizeof(v->ev_result[i]));
	v->events[i] = (page_event){e->ts, v->ev_action[i], v->ev_addr[i], v->ev_result[i]};
	if (v->nevents < MAX_ROWS)
		v->nevents++;
	return 0;
}

static void
render_account(struct rq *q)
{
	struct account_view *v = calloc(1, sizeof(*v));
	page_event newest_first[MAX_ROWS];
	page_account_data d;
	page_base pb;
	sk_user u;
	unsigned left = 0;

	if (v == NULL || sk_account_get(q->ctx, q->sess.signin.name, &u) != SK_OK) {
		free(v);
		rq_message(q, 503, "title.error", "error.internal", "/login");
		return;
	}
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	v->name = u.name;
	v->current_id = q->sess.id;
	(void)sk_mfa_list(q->ctx, u.id, view_device, v);
	(void)sk_session_list(q->ctx, u.id, view_session, v);
	/* The account's newest events by the store's index, not a walk of the chain. */
	{
		sk_audit_query aq = {NULL, u.name, NULL, NULL, 0, 10 * MAX_ROWS};
		(void)sk_audit_find(q->ctx, &aq, NULL, view_event, v);
	}
	(void)sk_recovery_remaining(q->ctx, u.id, &left);
	for (size_t i = 0; i < v->nevents; i++)
		newest_first[i] = v->events[i];
	memset(&d, 0, sizeof(d));
	d.name = u.name;
	d.email = u.email;
	d.role = sk_role_name(sk_account_effective_role(q->ctx, &u, NULL));
	d.last_signin = u.last_signin_at;
	d.devices = v->devices;
	d.ndevices = v->ndevices;
	d.recovery_left = left;
	d.sessions = v->sessions;
	d.nsessions = v->nsessions;
	d.events = newest_first;
	d.nevents = v->nevents;
	rq_base(q, &pb);
	page_account(&q->out->body, &pb, &d);
	free(v);
}

/* Signed-in pages: 0 when signed in, else the answer (to /login) is written. */
int
rq_need_active(struct rq *q)
{
	if (rq_active(q))
		return 0;
	rq_redirect(q, "/login");
	return -1;
}

static int
recheck_password(struct rq *q)
{
	const char *pw = rq_field(q, "password");
	int r = sk_account_verify_password(q->ctx, q->sess.signin.user_id, q->in->addr, pw,
					   strlen(pw));

	if (r == SK_OK)
		return 0;
	rq_say(q, r == SK_ERR_LOCKED ? "error.locked_admin" : "error.password_current");
	q->out->status = r == SK_ERR_LOCKED ? 429 : 401;
	render_account(q);
	return -1;
}

static void
h_account(struct rq *q)
{
	const char *path = q->in->path;
	int64_t uid;

	if (rq_need_active(q) != 0)
		return;
	uid = q->sess.signin.user_id;
	(void)sk_session_save(q->ctx, &q->sess); /* idle timeout counts from now */
	if (strcmp(path, "/account") == 0 && !rq_is_post(q)) {
		render_account(q);
		return;
	}
	if (strcmp(path, "/account/password") == 0) {
		const char *cur, *nw;
		sk_policy_result pr;
		int r;
		if (!rq_is_post(q)) {
			render_change(q, "/account/password", 0, 0);
			return;
		}
		if (rq_check_post(q) != 0)
			return;
		if (change_fields(q, &cur, &nw) != 0) {
			render_change(q, "/account/password", 0, 0);
			return;
		}
		r = sk_account_change_password(q->ctx, uid, q->in->addr, cur, strlen(cur), nw,
					       strlen(nw), &pr);
		if (r != SK_OK) {
			change_result(q, r, &pr, "/account/password", 0);
			return;
		}
		q->notice = tr(q->lang, "notice.password_changed");
		render_account(q);
		return;
	}
	if (strcmp(path, "/account/devices/add") == 0) {
		int r;
		if (!rq_is_post(q)) {
			if (token_wanted(q))
				render_token(q, "/account/devices/add");
			else
				render_enroll(q, "/account/devices/add", uid, 1);
			return;
		}
		if (rq_check_post(q) != 0)
			return;
		if (token_wanted(q)) {
			sk_recovery_set none;
			if (enroll_token(q, "/account/devices/add", 0, &none) != SK_OK)
				return;
			q->notice = tr(q->lang, "notice.device_added");
			render_account(q);
			return;
		}
		if (q->sess.signin.enroll_device_id == 0) {
			rq_redirect(q, "/account/devices/add");
			return;
		}
		if (name_device(q, uid) != 0) {
			render_enroll(q, "/account/devices/add", uid, 0);
			return;
		}
		r = sk_mfa_enroll_confirm(q->ctx, uid, q->sess.signin.enroll_device_id,
					  rq_field(q, "code1"), form_get(&q->form, "code2"), q->in->addr);
		if (r != SK_OK) {
			rq_say(q, "error.enroll");
			q->out->status = 400;
			render_enroll(q, "/account/devices/add", uid, 0);
			return;
		}
		q->sess.signin.enroll_device_id = 0;
		(void)sk_session_save(q->ctx, &q->sess);
		q->notice = tr(q->lang, "notice.device_added");
		render_account(q);
		return;
	}
	if (!rq_is_post(q)) {
		q->out->status = 405;
		render_account(q);
		return;
	}
	if (rq_check_post(q) != 0)
		return;
	if (strcmp(path, "/account/devices/remove") == 0) {
		char *end;
		long long id = strtoll(rq_field(q, "device_id"), &end, 10);
		if (recheck_password(q) != 0)
			return;
		if (*end != '\0' || id <= 0 || sk_mfa_remove(q->ctx, uid, id, q->in->addr) != SK_OK) {
			rq_say(q, "error.internal");
			q->out->status = 400;
		} else {
			q->notice = tr(q->lang, "notice.device_removed");
		}
		render_account(q);
		return;
	}
	if (strcmp(path, "/account/recovery") == 0) {
		sk_recovery_set codes;
		if (recheck_password(q) != 0)
			return;
		if (sk_recovery_generate(q->ctx, uid, q->sess.signin.name, q->in->addr, &codes) !=
		    SK_OK) {
			rq_message(q, 503, "title.error", "error.internal", "/account");
			return;
		}
		q->notice = tr(q->lang, "notice.recovery_generated");
		show_codes(q, &codes, "/account");
		sk_recovery_set_clear(&codes);
		return;
	}
	if (strcmp(path, "/account/sessions/revoke-others") == 0) {
		(void)sk_session_end_others(q->ctx, uid, q->sess.id, q->in->addr);
		q->notice = tr(q->lang, "notice.sessions_revoked");
		render_account(q);
		return;
	}
	q->out->status = 404;
	rq_message(q, 404, "title.error", "error.not_found", "/account");
}

static void
h_logout(struct rq *q)
{
	if (!rq_is_post(q)) {
		rq_redirect(q, rq_active(q) ? "/account" : "/login");
		return;
	}
	if (rq_check_post(q) != 0)
		return;
	(void)sk_session_end(q->ctx, &q->sess);
	q->have_session = 0;
	clear_session_cookie(q);
	rq_message(q, 200, "title.signed_out", "notice.signed_out", "/login");
}

/* ---- dispatch ----------------------------------------------------------- */

int
portal_static(const http_in *in, http_out *out)
{
	if (strcmp(in->path, "/static/sekisho.css") == 0) {
		out->content_type = "text/css; charset=utf-8";
		buf_add(&out->body, page_css);
		return 1;
	}
	if (strcmp(in->path, "/healthz") == 0) {
		out->content_type = "text/plain; charset=utf-8";
		buf_add(&out->body, "ok\n");
		return 1;
	}
	return 0;
}

void
portal_handle(sk_ctx *ctx, const server_config *sc, const http_in *in, http_out *out)
{
	struct rq q;
	const char *p = in->path;

	memset(&q, 0, sizeof(q));
	q.ctx = ctx;
	q.sc = sc;
	q.in = in;
	q.out = out;
	/* The API answers its own methods (DELETE) with JSON; pages take GET and POST. */
	if (strncmp(p, "/api/", 5) != 0 && strcmp(in->method, "GET") != 0 &&
	    strcmp(in->method, "HEAD") != 0 && strcmp(in->method, "POST") != 0) {
		out->status = 405;
		out->content_type = "text/plain; charset=utf-8";
		buf_add(&out->body, "Method Not Allowed\n");
		return;
	}
	/* C7: the console and the API only from the administrators' networks. */
	if (sc->nadmin_networks > 0 &&
	    ((strncmp(p, "/admin", 6) == 0 && (p[6] == '\0' || p[6] == '/')) ||
	     strncmp(p, "/api/", 5) == 0)) {
		int in_net = 0;
		for (unsigned i = 0; !in_net && i < sc->nadmin_networks; i++)
			in_net = sk_cidr_match(&sc->admin_networks[i], in->addr);
		if (!in_net) {
			out->status = 403;
			out->content_type = "text/plain; charset=utf-8";
			buf_add(&out->body, "Forbidden: the console and the API are open to the "
					    "administrators' networks only ([server] admin_networks)\n");
			return;
		}
	}
	pick_language(&q);
	load_session(&q);
	if (strcmp(p, "/") == 0)
		rq_redirect(&q, rq_active(&q) ? "/account" : "/login");
	else if (strcmp(p, "/login") == 0)
		h_login(&q);
	else if (strcmp(p, "/login/password") == 0)
		h_login_password(&q);
	else if (strcmp(p, "/login/enroll") == 0)
		h_login_enroll(&q);
	else if (strcmp(p, "/login/mfa") == 0)
		h_login_mfa(&q, 0);
	else if (strcmp(p, "/login/recovery") == 0)
		h_login_mfa(&q, 1);
	else if (strcmp(p, "/login/stepup") == 0)
		h_login_stepup(&q);
	else if (strncmp(p, "/account", 8) == 0 && (p[8] == '\0' || p[8] == '/'))
		h_account(&q);
	else if (strcmp(p, "/logout") == 0)
		h_logout(&q);
	else if (strcmp(p, "/auth/verify") == 0)
		fwd_handle(&q);
	else if (strncmp(p, "/admin", 6) == 0 && (p[6] == '\0' || p[6] == '/'))
		admin_handle(&q);
	else if (strncmp(p, "/api/", 5) == 0)
		api_handle(&q);
	else
		rq_message(&q, 404, "title.error", "error.not_found", "/");
	form_free(&q.form);
	sodium_memzero(&q.sess, sizeof(q.sess));
	sodium_memzero(q.token, sizeof(q.token));
	sodium_memzero(q.csrf, sizeof(q.csrf));
}
