/*
 * server/admin.c - the administrator's console (C1-C4, D1, D2, B8).
 *
 *   GET  /admin                       accounts: inventory, search, flags
 *   GET  /admin/inventory.csv         the inventory as CSV
 *   GET  /admin/users/new             POST: create an account
 *   GET  /admin/users/NAME            one account ("new": /admin/users/new/)
 *   POST /admin/users/NAME/ACTION     disable enable unlock expiry role grant
 *                                     reset-password reset-mfa delete
 *   GET  /admin/approvals             requests of the two-person rule, grants
 *   POST /admin/approvals/ID/approve|reject
 *   GET  /admin/audit                 the audit log with the chain's status
 *   GET  /admin/tokens[?owner=NAME]   API tokens (C6)
 *   POST /admin/tokens/new            create one (shown once)
 *   POST /admin/tokens/ID/revoke
 *
 * Every rule is in libsekisho: each change is one library call with the
 * signed-in administrator as the actor, and the library authorizes, audits
 * and applies the two-person rule (SK_ERR_APPROVAL).  The console decides
 * only what to show: role admin gets the forms, role auditor the same pages
 * read-only (its POSTs are refused), anyone else 403.  A GET asks for no
 * change (listing requests lets the library mark expired ones as such).
 * Re-entering one's own password (reset-mfa, B8) is checked with
 * sk_account_verify_password; deciding a request takes the password and,
 * with a device, a fresh one-time code, checked by sk_signin_reauth as
 * the CLI's approvals do.  The lockout counts both.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "admin_pages.h"
#include "i18n.h"
#include "portal.h"

#define MAX_ACCOUNTS 1000  /* rows on one accounts page; the CSV has them all */
#define MAX_DEVICES 32
#define MAX_GRANTS 100
#define MAX_APPROVALS 100  /* the newest requests */
#define FILTER_MAX 81
#define MAX_TOKENS 500     /* the newest tokens on the page */

/* One request to the console. */
struct admin {
	struct rq *q;
	sk_actor actor;
	int read_only;
	char notice[256];
};

/* ---- small helpers ------------------------------------------------------ */

static const char *
query(const struct rq *q, const char *name, char *out, size_t size)
{
	if (query_get(q->in->query, strlen(q->in->query), name, out, size) != 0)
		out[0] = '\0';
	return out;
}

/* The text of key with "{n}" replaced by the number n, as the notice. */
static void
notice_n(struct admin *a, const char *key, int64_t n)
{
	const char *s = tr(a->q->lang, key), *at = strstr(s, "{n}");

	if (at == NULL)
		snprintf(a->notice, sizeof(a->notice), "%s", s);
	else
		snprintf(a->notice, sizeof(a->notice), "%.*s%" PRId64 "%s", (int)(at - s), s, n,
			 at + 3);
	a->q->notice = a->notice;
}

static void
notice(struct admin *a, const char *key)
{
	a->q->notice = tr(a->q->lang, key);
}

/* A library error as the page's error text and status. */
static void
say_error(struct admin *a, int r)
{
	static const struct {
		int err, status;
		const char *key;
	} map[] = {
		{SK_ERR_LAST_ADMIN, 409, "admin.error.last_admin"},
		{SK_ERR_PERM, 403, "admin.error.perm"},
		{SK_ERR_NOTFOUND, 404, "admin.error.not_found"},
		{SK_ERR_EXISTS, 409, "admin.error.exists"},
		{SK_ERR_NAME, 400, "admin.error.name"},
		{SK_ERR_TOOLONG, 400, "admin.error.too_long"},
		{SK_ERR_INVALID, 400, "admin.error.invalid"},
		{SK_ERR_SAME_PERSON, 403, "admin.error.same_person"},
		{SK_ERR_EXPIRED, 409, "admin.error.approval_expired"},
		{SK_ERR_STATE, 409, "admin.error.approval_state"},
		{SK_ERR_AUTH, 401, "admin.error.admin_password"},
		{SK_ERR_LOCKED, 429, "admin.error.locked"},
	};

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		if (map[i].err == r) {
			rq_say(a->q, map[i].key);
			a->q->out->status = map[i].status;
			return;
		}
	}
	rq_say(a->q, "error.internal");
	a->q->out->status = 503;
}

static void
say(struct admin *a, const char *key, int status)
{
	rq_say(a->q, key);
	a->q->out->status = status;
}

/* B8: the signed-in administrator's own password, again. */
static int
recheck_admin(struct admin *a)
{
	const char *pw = rq_field(a->q, "admin_password");

	return sk_account_verify_password(a->q->ctx, a->q->sess.signin.user_id, a->q->in->addr,
					  pw, strlen(pw));
}

/* tm as UTC, refusing a day the month does not have (timegm would roll over). */
static int
utc_time(struct tm *tm, int64_t *out)
{
	struct tm back;
	int y = tm->tm_year, m = tm->tm_mon, d = tm->tm_mday;
	time_t t = timegm(tm);

	if (t == (time_t)-1 || t <= 0 || gmtime_r(&t, &back) == NULL || back.tm_year != y ||
	    back.tm_mon != m || back.tm_mday != d)
		return -1;
	*out = (int64_t)t;
	return 0;
}

/* "YYYY-MM-DD": the end of that day, UTC (as `sekisho user expire`). */
static int
parse_date(const char *s, int64_t *out)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) != 10 || (end = strptime(s, "%Y-%m-%d", &tm)) == NULL || *end != '\0')
		return -1;
	tm.tm_hour = 23;
	tm.tm_min = 59;
	tm.tm_sec = 59;
	return utc_time(&tm, out);
}

/* "YYYY-MM-DDTHH:MM[:SS]" of a datetime-local field, read as UTC. */
static int
parse_datetime(const char *s, int64_t *out)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	if ((strlen(s) != 16 && strlen(s) != 19) ||
	    (end = strptime(s, "%Y-%m-%dT%H:%M", &tm)) == NULL)
		return -1;
	if (*end == ':' && ((end = strptime(end, ":%S", &tm)) == NULL))
		return -1;
	if (*end != '\0')
		return -1;
	return utc_time(&tm, out);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes one path segment into out; -1 when malformed, empty or too long. */
static int
decode_segment(const char *s, size_t len, char *out, size_t size)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		int c = (unsigned char)s[i];

		if (c == '%') {
			int hi, lo;

			if (i + 2 >= len || (hi = hexval(s[i + 1])) < 0 || (lo = hexval(s[i + 2])) < 0)
				return -1;
			c = hi * 16 + lo;
			i += 2;
		}
		if (c == '\0' || c == '/' || o + 1 >= size)
			return -1;
		out[o++] = (char)c;
	}
	if (o == 0)
		return -1;
	out[o] = '\0';
	return 0;
}

/* ---- GET /admin ----------------------------------------------------------- */

struct accounts {
	sk_inventory_row *rows;
	size_t n, cap, matched, total;
	const char *q;
	uint32_t flag;
	int err;
};

static int
account_one(void *arg, const sk_inventory_row *row)
{
	struct accounts *c = arg;

	c->total++;
	if (c->flag != 0 && (row->flags & c->flag) == 0)
		return 0;
	if (c->q[0] != '\0' && strcasestr(row->user.name, c->q) == NULL &&
	    strcasestr(row->user.email, c->q) == NULL)
		return 0;
	c->matched++;
	if (c->n == MAX_ACCOUNTS)
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		sk_inventory_row *rows = realloc(c->rows, cap * sizeof(*rows));

		if (rows == NULL) {
			c->err = SK_ERR_NOMEM;
			return 1;
		}
		c->rows = rows;
		c->cap = cap;
	}
	c->rows[c->n++] = *row;
	return 0;
}

/* The SK_INV_* bit of a flag name, 0 when unknown or empty. */
static uint32_t
flag_bit(const char *name)
{
	for (unsigned i = 0; i < SK_INV__COUNT; i++)
		if (strcmp(name, sk_inventory_flag_name(1u << i)) == 0)
			return 1u << i;
	return 0;
}

static void
render_accounts(struct admin *a)
{
	struct rq *q = a->q;
	char text[SK_EMAIL_MAX + 1], flag[40];
	struct accounts c;
	admin_accounts_view v;
	page_base pb;
	int r;

	memset(&c, 0, sizeof(c));
	c.q = query(q, "q", text, sizeof(text));
	c.flag = flag_bit(query(q, "flag", flag, sizeof(flag)));
	if (c.flag == 0)
		flag[0] = '\0';
	r = sk_inventory(q->ctx, 0, account_one, &c);
	if (r != SK_OK || c.err != 0) {
		free(c.rows);
		rq_message(q, 503, "title.error", "error.internal", "/admin");
		return;
	}
	memset(&v, 0, sizeof(v));
	v.rows = c.rows;
	v.nrows = c.n;
	v.matched = c.matched;
	v.total = c.total;
	v.q = text;
	v.flag = flag;
	v.read_only = a->read_only;
	rq_base(q, &pb);
	admin_page_accounts(&q->out->body, &pb, &v);
	free(c.rows);
}

/* ---- GET /admin/inventory.csv --------------------------------------------- */

static int
csv_one(void *arg, const sk_inventory_row *row)
{
	admin_csv_row(arg, row);
	return 0;
}

static void
export_csv(struct admin *a)
{
	struct rq *q = a->q;

	admin_csv_header(&q->out->body);
	if (sk_inventory(q->ctx, 0, csv_one, &q->out->body) != SK_OK || q->out->body.oom) {
		buf_free(&q->out->body);
		buf_init(&q->out->body);
		rq_message(q, 503, "title.error", "error.internal", "/admin");
		return;
	}
	q->out->content_type = "text/csv; charset=utf-8";
}

/* ---- /admin/users/new ----------------------------------------------------- */

static void
new_user(struct admin *a)
{
	struct rq *q = a->q;
	char initial[SK_INITIAL_PASSWORD_MAX] = "", norm[SK_NAME_MAX + 1] = "";
	admin_new_user_view v;
	sk_account_spec spec;
	sk_policy_result pr;
	page_base pb;
	int r;

	memset(&v, 0, sizeof(v));
	if (!rq_is_post(q)) {
		rq_base(q, &pb);
		admin_page_new_user(&q->out->body, &pb, &v);
		return;
	}
	v.name = rq_field(q, "name");
	v.email = rq_field(q, "email");
	v.role = rq_field(q, "role");
	v.expires = rq_field(q, "expires");
	memset(&spec, 0, sizeof(spec));
	spec.name = v.name;
	spec.email = v.email;
	if (sk_role_parse(v.role, &spec.role) != SK_OK) {
		say(a, "admin.error.role", 400);
	} else if (v.expires[0] != '\0' && parse_date(v.expires, &spec.expires_at) != 0) {
		say(a, "admin.error.date", 400);
	} else {
		r = sk_account_create(q->ctx, &a->actor, &spec, initial, &pr);
		/*
		 * A password issued means the account exists, even when making
		 * it an administrator then failed: show it, or nobody ever will.
		 */
		if (r == SK_OK || r == SK_ERR_APPROVAL || initial[0] != '\0') {
			(void)sk_account_name_normalize(v.name, norm);
			v.created = norm;
			v.initial_password = initial;
		}
		if (r == SK_OK) {
			notice(a, "admin.notice.created");
		} else if (r == SK_ERR_APPROVAL) {
			notice_n(a, "admin.notice.approval", a->actor.approval_id);
			q->out->status = 202;
		} else {
			say_error(a, r);
		}
	}
	rq_base(q, &pb);
	admin_page_new_user(&q->out->body, &pb, &v);
	sodium_memzero(initial, sizeof(initial));
}

/* ---- /admin/users/NAME ---------------------------------------------------- */

struct user_data {
	const char *name;
	int found;
	sk_inventory_row row;
	sk_device devices[MAX_DEVICES];
	size_t ndevices;
	sk_grant grants[MAX_GRANTS];
	size_t ngrants;
};

static int
user_row(void *arg, const sk_inventory_row *row)
{
	struct user_data *d = arg;

	if (strcmp(row->user.name, d->name) != 0)
		return 0;
	d->row = *row;
	d->found = 1;
	return 1;
}

static int
user_device(void *arg, const sk_device *dev)
{
	struct user_data *d = arg;

	if (d->ndevices == MAX_DEVICES)
		return 1;
	d->devices[d->ndevices++] = *dev;
	return 0;
}

static int
user_grant(void *arg, const sk_grant *g)
{
	struct user_data *d = arg;

	if (d->ngrants == MAX_GRANTS)
		return 1;
	d->grants[d->ngrants++] = *g;
	return 0;
}

/*
 * The account's page; name is normalized.  initial: a password to show once.
 * TODO(perf): sk_inventory walks every account to find this one's row.
 */
static void
render_user(struct admin *a, const char *name, const char *initial)
{
	struct rq *q = a->q;
	struct user_data *d = calloc(1, sizeof(*d));
	admin_user_view v;
	page_base pb;

	if (d == NULL) {
		rq_message(q, 503, "title.error", "error.internal", "/admin");
		return;
	}
	d->name = name;
	if (sk_inventory(q->ctx, 0, user_row, d) != SK_OK) {
		rq_message(q, 503, "title.error", "error.internal", "/admin");
		goto out;
	}
	if (!d->found) {
		rq_message(q, 404, "title.error", "admin.error.not_found", "/admin");
		goto out;
	}
	(void)sk_mfa_list(q->ctx, d->row.user.id, user_device, d);
	(void)sk_privilege_list(q->ctx, name, user_grant, d);
	memset(&v, 0, sizeof(v));
	v.row = &d->row;
	v.devices = d->devices;
	v.ndevices = d->ndevices;
	v.grants = d->grants;
	v.ngrants = d->ngrants;
	v.initial_password = initial;
	v.now = sk_ctx_now(q->ctx);
	v.read_only = a->read_only;
	rq_base(q, &pb);
	admin_page_user(&q->out->body, &pb, &v);
out:
	sodium_memzero(d, sizeof(*d)); /* sealed device secrets: no copies left about */
	free(d);
}

/* POST /admin/users/NAME/ACTION */
static void
user_action(struct admin *a, const char *name, const char *action)
{
	struct rq *q = a->q;
	char initial[SK_INITIAL_PASSWORD_MAX] = "";
	const char *ok = NULL;
	int64_t when = 0;
	sk_role role;
	int r;

	if (strcmp(action, "disable") == 0 || strcmp(action, "enable") == 0) {
		int off = action[0] == 'd';
		r = sk_account_set_disabled(q->ctx, &a->actor, name, off);
		ok = off ? "admin.notice.disabled" : "admin.notice.enabled";
	} else if (strcmp(action, "unlock") == 0) {
		r = sk_account_unlock(q->ctx, &a->actor, name);
		ok = "admin.notice.unlocked";
	} else if (strcmp(action, "expiry") == 0) {
		const char *s = rq_field(q, "expires");
		if (s[0] != '\0' && parse_date(s, &when) != 0) {
			say(a, "admin.error.date", 400);
			goto render;
		}
		r = sk_account_set_expiry(q->ctx, &a->actor, name, when);
		ok = "admin.notice.expiry";
	} else if (strcmp(action, "reset-password") == 0) {
		r = sk_account_reset_password(q->ctx, &a->actor, name, initial);
		ok = "admin.notice.password_reset";
	} else if (strcmp(action, "reset-mfa") == 0) {
		/* B8: an administrator only, who proves it is still them. */
		if ((r = recheck_admin(a)) == SK_OK)
			r = sk_mfa_reset(q->ctx, &a->actor, name);
		ok = "admin.notice.mfa_reset";
	} else if (strcmp(action, "role") == 0) {
		if (sk_role_parse(rq_field(q, "role"), &role) != SK_OK) {
			say(a, "admin.error.role", 400);
			goto render;
		}
		r = sk_account_set_role(q->ctx, &a->actor, name, role);
		ok = "admin.notice.role";
	} else if (strcmp(action, "grant") == 0) {
		if (sk_role_parse(rq_field(q, "role"), &role) != SK_OK || role == SK_ROLE_USER) {
			say(a, "admin.error.role", 400);
			goto render;
		}
		if (parse_datetime(rq_field(q, "until"), &when) != 0 ||
		    when <= sk_ctx_now(q->ctx)) {
			say(a, "admin.error.until", 400);
			goto render;
		}
		r = sk_privilege_grant(q->ctx, &a->actor, name, role, when);
		ok = "admin.notice.granted";
	} else if (strcmp(action, "delete") == 0) {
		if (strcmp(rq_field(q, "confirm"), "yes") != 0) {
			say(a, "admin.error.confirm", 400);
			goto render;
		}
		r = sk_account_delete(q->ctx, &a->actor, name);
		if (r == SK_OK) {
			notice(a, "admin.notice.deleted");
			render_accounts(a);
			return;
		}
	} else {
		rq_message(q, 404, "title.error", "error.not_found", "/admin");
		return;
	}
	if (r == SK_OK) {
		notice(a, ok);
	} else if (r == SK_ERR_APPROVAL) {
		notice_n(a, "admin.notice.approval", a->actor.approval_id);
		q->out->status = 202;
	} else if (r == SK_ERR_NOTFOUND) {
		rq_message(q, 404, "title.error", "admin.error.not_found", "/admin");
		return;
	} else {
		say_error(a, r);
	}
render:
	render_user(a, name, initial[0] != '\0' ? initial : NULL);
	sodium_memzero(initial, sizeof(initial));
}

static void
users(struct admin *a, const char *rest)
{
	struct rq *q = a->q;
	const char *slash = strchr(rest, '/');
	size_t len = slash != NULL ? (size_t)(slash - rest) : strlen(rest);
	char raw[SK_NAME_MAX * 3 + 1], name[SK_NAME_MAX + 1];

	if (slash == NULL && strcmp(rest, "new") == 0) {
		new_user(a);
		return;
	}
	if (decode_segment(rest, len, raw, sizeof(raw)) != 0 ||
	    sk_account_name_normalize(raw, name) != SK_OK) {
		rq_message(q, 404, "title.error", "admin.error.not_found", "/admin");
		return;
	}
	if (slash == NULL || slash[1] == '\0') {
		if (rq_is_post(q)) {
			rq_message(q, 405, "title.error", "error.not_found", "/admin");
			return;
		}
		render_user(a, name, NULL);
		return;
	}
	if (!rq_is_post(q)) {
		/* A bookmarked action: the account's page, where its form is. */
		sk_buf to;
		buf_init(&to);
		buf_add(&to, "/admin/users/");
		buf_url(&to, name);
		buf_add(&to, strcmp(name, "new") == 0 ? "/" : "");
		rq_redirect(q, to.oom ? "/admin" : to.data);
		buf_free(&to);
		return;
	}
	user_action(a, name, slash + 1);
}

/* ---- /admin/approvals ----------------------------------------------------- */

struct approvals {
	sk_approval ring[MAX_APPROVALS];
	size_t next, n;
	sk_grant grants[MAX_GRANTS];
	char grant_users[MAX_GRANTS][SK_NAME_MAX + 1];
	const char *grant_user_ptr[MAX_GRANTS];
	size_t ngrants;
};

static int
approval_one(void *arg, const sk_approval *ap)
{
	struct approvals *c = arg;

	c->ring[c->next++ % MAX_APPROVALS] = *ap;
	if (c->n < MAX_APPROVALS)
		c->n++;
	return 0;
}

static int
grant_one(void *arg, const sk_grant *g)
{
	struct approvals *c = arg;

	if (c->ngrants == MAX_GRANTS)
		return 1;
	c->grants[c->ngrants++] = *g;
	return 0;
}

static int
grant_user(void *arg, const sk_user *u)
{
	struct approvals *c = arg;

	for (size_t i = 0; i < c->ngrants; i++)
		if (c->grants[i].user_id == u->id)
			memcpy(c->grant_users[i], u->name, sizeof(c->grant_users[i]));
	return 0;
}

/* The approvals page; initial/initial_for: a password an approval issued. */
static void
render_approvals(struct admin *a, const char *initial, const char *initial_for)
{
	struct rq *q = a->q;
	struct approvals *c = calloc(1, sizeof(*c));
	sk_approval *newest = NULL;
	admin_approvals_view v;
	page_base pb;

	if (c == NULL || (newest = calloc(MAX_APPROVALS, sizeof(*newest))) == NULL ||
	    sk_approval_list(q->ctx, approval_one, c) < 0 ||
	    sk_privilege_list(q->ctx, NULL, grant_one, c) < 0 ||
	    sk_account_list(q->ctx, grant_user, c) < 0) {
		rq_message(q, 503, "title.error", "error.internal", "/admin");
		goto out;
	}
	for (size_t i = 0; i < c->n; i++)
		newest[i] = c->ring[(c->next - 1 - i) % MAX_APPROVALS];
	for (size_t i = 0; i < c->ngrants; i++)
		c->grant_user_ptr[i] = c->grant_users[i];
	memset(&v, 0, sizeof(v));
	v.approvals = newest;
	v.napprovals = c->n;
	v.grants = c->grants;
	v.grant_users = c->grant_user_ptr;
	v.ngrants = c->ngrants;
	v.initial_password = initial;
	v.initial_for = initial_for;
	v.now = sk_ctx_now(q->ctx);
	v.read_only = a->read_only;
	v.need_code = sk_signin_reauth_needs_code(q->ctx, q->sess.signin.name);
	rq_base(q, &pb);
	admin_page_approvals(&q->out->body, &pb, &v);
out:
	free(newest);
	free(c);
}

struct find_approval {
	int64_t id;
	char target[SK_NAME_MAX + 1];
};

static int
find_approval(void *arg, const sk_approval *ap)
{
	struct find_approval *f = arg;

	if (ap->id != f->id)
		return 0;
	memcpy(f->target, ap->target, sizeof(f->target));
	return 1;
}

/* POST /admin/approvals/ID/approve|reject */
static void
decide(struct admin *a, const char *rest)
{
	struct rq *q = a->q;
	char initial[SK_INITIAL_PASSWORD_MAX] = "";
	struct find_approval f;
	const char *verb, *pw;
	int64_t retry_at = 0;
	char *end;
	long long id;
	int approve, r;

	id = strtoll(rest, &end, 10);
	if (rest[0] < '1' || rest[0] > '9' || *end != '/' || id <= 0) {
		rq_message(q, 404, "title.error", "error.not_found", "/admin/approvals");
		return;
	}
	verb = end + 1;
	if (strcmp(verb, "approve") != 0 && strcmp(verb, "reject") != 0) {
		rq_message(q, 404, "title.error", "error.not_found", "/admin/approvals");
		return;
	}
	if (!rq_is_post(q)) {
		rq_redirect(q, "/admin/approvals");
		return;
	}
	approve = verb[0] == 'a';
	/*
	 * The approver proves it is them, now: the library's step-up, the
	 * same check as `sekisho approvals approve` (password and, with a
	 * device, a fresh one-time code; a used code is refused).
	 */
	pw = rq_field(q, "admin_password");
	/* Who may decide first: a refusal costs no password and spends no code. */
	if ((r = sk_approval_may_decide(q->ctx, &a->actor, id)) == SK_OK) {
		r = sk_signin_reauth(q->ctx, q->sess.signin.name, q->in->addr, pw, strlen(pw),
				   form_get(&q->form, "code"), &retry_at);
		if (r != SK_OK) {
			if (r == SK_ERR_AUTH)
				say(a, "admin.error.approver_auth", 401);
			else if (r == SK_ERR_REPLAY)
				say(a, "admin.error.approver_replay", 401);
			else if (r == SK_ERR_LOCKED)
				say(a, "admin.error.approver_locked", 429);
			else if (r == SK_ERR_STATE)
				say(a, "admin.error.approver_setup", 409);
			else
				say_error(a, r);
			render_approvals(a, NULL, NULL);
			return;
		}
		r = sk_approval_decide(q->ctx, &a->actor, id, approve, initial, sizeof(initial));
	}
	memset(&f, 0, sizeof(f));
	if (r == SK_OK) {
		notice(a, approve ? "admin.notice.approved" : "admin.notice.rejected");
		f.id = id;
		if (initial[0] != '\0')
			(void)sk_approval_list(q->ctx, find_approval, &f);
	} else if (r == SK_ERR_NOTFOUND) {
		say(a, "admin.error.approval_not_found", 404);
	} else {
		say_error(a, r);
	}
	render_approvals(a, initial[0] != '\0' ? initial : NULL, f.target);
	sodium_memzero(initial, sizeof(initial));
}

/* ---- /admin/tokens -------------------------------------------------------- */

struct tokens {
	sk_apitoken ring[MAX_TOKENS];
	size_t next, n;
	sk_apitoken newest[MAX_TOKENS];
	char owners[MAX_TOKENS][SK_NAME_MAX + 1];
	const char *owner_ptr[MAX_TOKENS];
};

static int
token_one(void *arg, const sk_apitoken *tk)
{
	struct tokens *c = arg;

	c->ring[c->next++ % MAX_TOKENS] = *tk;
	if (c->n < MAX_TOKENS)
		c->n++;
	return 0;
}

static int
token_owner(void *arg, const sk_user *u)
{
	struct tokens *c = arg;

	for (size_t i = 0; i < c->n; i++)
		if (c->newest[i].user_id == u->id)
			memcpy(c->owners[i], u->name, sizeof(c->owners[i]));
	return 0;
}

/* "YYYY-MM-DD" of now + days, UTC. */
static void
day_after(char out[16], int64_t now, int days)
{
	time_t tt = (time_t)(now + (int64_t)days * 86400);
	struct tm tm;

	out[0] = '\0';
	if (gmtime_r(&tt, &tm) != NULL)
		snprintf(out, 16, "%04d-%02d-%02d", (tm.tm_year + 1900) % 10000, tm.tm_mon + 1,
			 tm.tm_mday);
}

/*
 * The tokens page.  v carries the form's values and a created token (or
 * is zero); the list is of owner's tokens ("" every account's), newest
 * first.  The library decides who may: the page shows the forms to an
 * administrator only, and sk_apitoken_create / _revoke check the actor again.
 */
static void
render_tokens(struct admin *a, const char *owner, admin_tokens_view *v)
{
	struct rq *q = a->q;
	struct tokens *c = calloc(1, sizeof(*c));
	char def[16], min[16], max[16];
	page_base pb;
	int r;

	if (c == NULL) {
		rq_message(q, 503, "title.error", "error.internal", "/admin");
		return;
	}
	r = sk_apitoken_list(q->ctx, owner[0] != '\0' ? owner : NULL, token_one, c);
	if (r == SK_ERR_NOTFOUND || r == SK_ERR_NAME) {
		/* No such account: its (no) tokens, said so; the status stays an error's. */
		if (q->error[0] == '\0')
			say(a, "admin.error.not_found", 404);
		c->n = 0;
	} else if (r < 0) {
		rq_message(q, 503, "title.error", "error.internal", "/admin");
		goto out;
	}
	/* token_owner reads newest[]: fill it before listing the accounts. */
	for (size_t i = 0; i < c->n; i++)
		c->newest[i] = c->ring[(c->next - 1 - i) % MAX_TOKENS];
	if (c->n > 0 && sk_account_list(q->ctx, token_owner, c) < 0) {
		rq_message(q, 503, "title.error", "error.internal", "/admin");
		goto out;
	}
	for (size_t i = 0; i < c->n; i++)
		c->owner_ptr[i] = c->owners[i];
	v->now = sk_ctx_now(q->ctx);
	day_after(def, v->now, 90);
	day_after(min, v->now, 1);
	/* The end of the day a year less a day from now is still within the year. */
	day_after(max, v->now, 364);
	v->tokens = c->newest;
	v->owners = c->owner_ptr;
	v->ntokens = c->n;
	v->owner = owner;
	if (v->new_owner == NULL)
		v->new_owner = owner;
	if (v->new_expires == NULL)
		v->new_expires = def;
	v->expires_min = min;
	v->expires_max = max;
	v->read_only = a->read_only;
	rq_base(q, &pb);
	admin_page_tokens(&q->out->body, &pb, v);
out:
	sodium_memzero(c, sizeof(*c)); /* token hashes */
	free(c);
}

/* POST /admin/tokens/new: as `sekisho token create`; the token shown once. */
static void
create_token(struct admin *a)
{
	struct rq *q = a->q;
	char token[SK_APITOKEN_LEN + 1] = "";
	admin_tokens_view v;
	int64_t expires_at = 0, id = 0;
	sk_scope scope;
	int r;

	memset(&v, 0, sizeof(v));
	v.new_owner = rq_field(q, "owner");
	v.new_name = rq_field(q, "name");
	v.new_scope = rq_field(q, "scope");
	v.new_expires = rq_field(q, "expires");
	if (sk_apitoken_scope_parse(v.new_scope, &scope) != SK_OK) {
		say(a, "admin.error.token_scope", 400);
	} else if (parse_date(v.new_expires, &expires_at) != 0) {
		say(a, "admin.error.token_expiry", 400);
	} else {
		r = sk_apitoken_create(q->ctx, &a->actor, v.new_owner, v.new_name, scope, expires_at,
				       token, &id);
		switch (r) {
		case SK_OK:
			notice_n(a, "admin.notice.token_created", id);
			v.created_token = token;
			v.created_id = id;
			/* The form is done with: an empty one for the next token. */
			v.new_name = "";
			v.new_scope = NULL;
			v.new_expires = NULL;
			break;
		case SK_ERR_PERM:
			/* The actor is an administrator (checked above): the owner is not. */
			say(a, "admin.error.token_admin_scope", 403);
			break;
		case SK_ERR_DISABLED:
		case SK_ERR_EXPIRED:
			say(a, "admin.error.token_owner", 409);
			break;
		case SK_ERR_EXISTS:
			say(a, "admin.error.token_exists", 409);
			break;
		case SK_ERR_NAME:
			/* The owner's name breaks the rules (not found) or the token's does. */
			if (sk_mfa_device_name_check(v.new_name) != SK_OK)
				say(a, "admin.error.token_name", 400);
			else
				say(a, "admin.error.not_found", 404);
			break;
		case SK_ERR_INVALID:
			say(a, "admin.error.token_expiry", 400);
			break;
		default:
			say_error(a, r);
		}
	}
	render_tokens(a, "", &v);
	sodium_memzero(token, sizeof(token));
}

/* POST /admin/tokens/ID/revoke */
static void
revoke_token(struct admin *a, const char *rest)
{
	struct rq *q = a->q;
	admin_tokens_view v;
	char *end;
	long long id = strtoll(rest, &end, 10);
	int r;

	if (rest[0] < '1' || rest[0] > '9' || strcmp(end, "/revoke") != 0 || id <= 0) {
		rq_message(q, 404, "title.error", "error.not_found", "/admin/tokens");
		return;
	}
	if (!rq_is_post(q)) {
		rq_redirect(q, "/admin/tokens");
		return;
	}
	r = sk_apitoken_revoke(q->ctx, &a->actor, (int64_t)id);
	if (r == SK_OK)
		notice(a, "admin.notice.token_revoked");
	else if (r == SK_ERR_NOTFOUND)
		say(a, "admin.error.token_not_found", 404);
	else if (r == SK_ERR_STATE)
		say(a, "admin.error.token_revoked", 409);
	else
		say_error(a, r);
	memset(&v, 0, sizeof(v));
	render_tokens(a, "", &v);
}

static void
tokens(struct admin *a, const char *rest)
{
	struct rq *q = a->q;
	char owner[SK_NAME_MAX + 1], raw[SK_NAME_MAX * 3 + 1];
	admin_tokens_view v;

	if (rest[0] == '\0') {
		if (rq_is_post(q)) {
			rq_message(q, 405, "title.error", "error.not_found", "/admin/tokens");
			return;
		}
		/* The filter: an account name (normalized), or every account. */
		owner[0] = '\0';
		if (query(q, "owner", raw, sizeof(raw))[0] != '\0' &&
		    sk_account_name_normalize(raw, owner) != SK_OK) {
			/* Not a name at all: no account has it; shown as typed, escaped. */
			snprintf(owner, sizeof(owner), "%.*s", (int)(sizeof(owner) - 1), raw);
		}
		memset(&v, 0, sizeof(v));
		render_tokens(a, owner, &v);
	} else if (strcmp(rest, "/new") == 0) {
		if (!rq_is_post(q))
			rq_redirect(q, "/admin/tokens");
		else
			create_token(a);
	} else if (rest[0] == '/') {
		revoke_token(a, rest + 1);
	} else {
		rq_message(q, 404, "title.error", "error.not_found", "/admin");
	}
}

/* ---- GET /admin/audit ----------------------------------------------------- */

/* One page of the search, newest first. */
struct audit_page {
	sk_audit_event *keep;
	size_t nkeep;
};

static int
audit_keep(void *arg, const sk_audit_event *e)
{
	struct audit_page *p = arg;

	if (p->nkeep < ADMIN_AUDIT_PER_PAGE)
		p->keep[p->nkeep++] = *e;
	return 0;
}

/*
 * The audit view: the chain's verification on top, then one page of the
 * events matching the filters, found by the store's indexes (sk_audit_find)
 * rather than by walking the chain.
 */
static void
render_audit(struct admin *a)
{
	struct rq *q = a->q;
	char actor[FILTER_MAX], action[FILTER_MAX], target[FILTER_MAX], num[16];
	sk_audit_event *keep = calloc(ADMIN_AUDIT_PER_PAGE, sizeof(*keep));
	struct audit_page pg = {keep, 0};
	sk_audit_query aq;
	admin_audit_view v;
	page_base pb;
	unsigned long page;
	int64_t total = 0;
	char *end;
	int r;

	if (keep == NULL) {
		rq_message(q, 503, "title.error", "error.internal", "/admin");
		return;
	}
	memset(&aq, 0, sizeof(aq));
	aq.actor = query(q, "actor", actor, sizeof(actor));
	aq.action_prefix = query(q, "action", action, sizeof(action));
	aq.target = query(q, "target", target, sizeof(target));
	page = strtoul(query(q, "page", num, sizeof(num)), &end, 10);
	if (num[0] < '1' || num[0] > '9' || *end != '\0' || page > 1000000)
		page = 1;
	memset(&v, 0, sizeof(v));
	r = sk_audit_verify(q->ctx, &v.chain_count, &v.bad_seq);
	v.chain = r == SK_OK ? 1 : r == SK_ERR_TAMPERED ? 0 : -1;
	aq.limit = 0; /* first the count, to bound the page number */
	if (sk_audit_find(q->ctx, &aq, &total, audit_keep, &pg) < 0) {
		rq_message(q, 503, "title.error", "error.internal", "/admin");
		goto out;
	}
	v.matched = (size_t)total;
	v.pages = (unsigned)((v.matched + ADMIN_AUDIT_PER_PAGE - 1) / ADMIN_AUDIT_PER_PAGE);
	if (v.pages == 0)
		v.pages = 1;
	if (page > v.pages)
		page = v.pages;
	v.page = (unsigned)page;
	aq.offset = (int64_t)(page - 1) * ADMIN_AUDIT_PER_PAGE;
	aq.limit = ADMIN_AUDIT_PER_PAGE;
	if (sk_audit_find(q->ctx, &aq, NULL, audit_keep, &pg) < 0) {
		rq_message(q, 503, "title.error", "error.internal", "/admin");
		goto out;
	}
	v.events = keep;
	v.nevents = pg.nkeep;
	v.actor = actor;
	v.action = action;
	v.target = target;
	rq_base(q, &pb);
	admin_page_audit(&q->out->body, &pb, &v);
out:
	free(keep);
}

/* ---- dispatch ------------------------------------------------------------- */

/* Not signed in: to the sign-in, coming back here after it (GET only). */
static void
to_login(struct rq *q)
{
	sk_buf to;

	if (rq_is_post(q)) {
		rq_redirect(q, "/login");
		return;
	}
	buf_init(&to);
	buf_add(&to, "/login?rd=");
	buf_url(&to, q->in->path);
	rq_redirect(q, to.oom ? "/login" : to.data);
	buf_free(&to);
}

void
admin_handle(struct rq *q)
{
	struct admin a;
	const char *p = q->in->path + 6; /* after "/admin" */

	if (!rq_active(q)) {
		to_login(q);
		return;
	}
	(void)sk_session_save(q->ctx, &q->sess); /* idle timeout counts from now */
	memset(&a, 0, sizeof(a));
	a.q = q;
	a.actor.name = q->sess.signin.name;
	a.actor.addr = q->in->addr;
	/* The library decides who may: admin changes, auditor reads. */
	if (sk_account_authorize(q->ctx, &a.actor, 0) != SK_OK) {
		if (sk_account_authorize(q->ctx, &a.actor, 1) != SK_OK) {
			rq_message(q, 403, "title.error", "error.forbidden", "/account");
			return;
		}
		a.read_only = 1;
	}
	if (rq_is_post(q)) {
		if (a.read_only) {
			rq_message(q, 403, "title.error", "admin.error.read_only", "/admin");
			return;
		}
		if (rq_check_post(q) != 0)
			return;
	}
	if (p[0] == '\0' || strcmp(p, "/") == 0) {
		if (rq_is_post(q))
			rq_message(q, 405, "title.error", "error.not_found", "/admin");
		else
			render_accounts(&a);
	} else if (strcmp(p, "/inventory.csv") == 0 && !rq_is_post(q)) {
		export_csv(&a);
	} else if (strncmp(p, "/users/", 7) == 0 && p[7] != '\0') {
		users(&a, p + 7);
	} else if (strcmp(p, "/approvals") == 0 && !rq_is_post(q)) {
		render_approvals(&a, NULL, NULL);
	} else if (strncmp(p, "/approvals/", 11) == 0) {
		decide(&a, p + 11);
	} else if (strncmp(p, "/tokens", 7) == 0) {
		tokens(&a, p + 7);
	} else if (strcmp(p, "/audit") == 0 && !rq_is_post(q)) {
		render_audit(&a);
	} else {
		rq_message(q, 404, "title.error", "error.not_found", "/admin");
	}
}
