/*
 * server/admin_pages.c - the administrator's console pages (admin_pages.h).
 *
 * The rules of pages.c hold here too: every value from outside goes through
 * buf_html() (names in links are also percent-encoded), catalog text is
 * escaped, no inline script or style, and every POST form is opened with
 * layout_form_open() so that it carries the CSRF token.  A read-only view
 * (role auditor) renders no form at all.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "admin_pages.h"
#include "i18n.h"
#include "layout.h"

/* ---- helpers ------------------------------------------------------------ */

static const char *
t(const page_base *pb, const char *key)
{
	return tr(layout_lang(pb), key);
}

/*
 * Plain text of key with "{n}" replaced by value, into out (the caller
 * escapes the result; nothing here is markup).
 */
static const char *
subst(char *out, size_t size, const page_base *pb, const char *key, const char *value)
{
	const char *s = t(pb, key), *at = strstr(s, "{n}");

	if (at == NULL)
		snprintf(out, size, "%s", s);
	else
		snprintf(out, size, "%.*s%s%s", (int)(at - s), s, value, at + 3);
	return out;
}

/* Catalog text with "{n}" replaced by a number in <strong> (id optional). */
static void
add_count(sk_buf *b, const page_base *pb, const char *key, const char *id, uint64_t n)
{
	char html[96];

	if (id != NULL)
		snprintf(html, sizeof(html), "<strong id=\"%s\">%" PRIu64 "</strong>", id, n);
	else
		snprintf(html, sizeof(html), "<strong>%" PRIu64 "</strong>", n);
	layout_tn(b, pb, key, html);
}

/*
 * A name as a path segment: the characters of user names as they are, any
 * other byte percent-encoded, so that the result needs no further escaping.
 */
static void
add_segment(sk_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '@' || c == '+' || c == '-' || c == '~') {
			buf_addn(b, (const char *)&c, 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_addn(b, e, 3);
		}
	}
}

/*
 * The path of an account's page.  "new" is also the creation form's
 * segment, so that account's page is "/admin/users/new/".
 */
static void
add_user_path(sk_buf *b, const char *name, const char *action)
{
	buf_add(b, "/admin/users/");
	add_segment(b, name);
	if (action != NULL) {
		buf_add(b, "/");
		buf_add(b, action);
	} else if (strcmp(name, "new") == 0) {
		buf_add(b, "/");
	}
}

static void
user_link(sk_buf *b, const char *name, const char *id)
{
	buf_add(b, "<a");
	layout_attr(b, "id", id);
	buf_add(b, " href=\"");
	add_user_path(b, name, NULL);
	buf_add(b, "\">");
	buf_html(b, name);
	buf_add(b, "</a>");
}

/* A POST form to /admin/users/NAME/ACTION. */
static void
user_form(sk_buf *b, const page_base *pb, const char *name, const char *action, const char *cls)
{
	sk_buf path;

	buf_init(&path);
	add_user_path(&path, name, action);
	layout_form_open(b, pb, path.oom ? "/admin" : path.data, cls);
	buf_free(&path);
}

/* A time; "until unlocked" for INT64_MAX (a lock only an administrator ends). */
static void
add_when(sk_buf *b, const page_base *pb, int64_t ts, const char *never_key)
{
	if (ts == INT64_MAX) {
		layout_t(b, pb, "admin.until_unlocked");
		return;
	}
	layout_time(b, pb, ts, never_key);
}

/* "until <time>" */
static void
add_until(sk_buf *b, const page_base *pb, int64_t ts)
{
	sk_buf tm;

	buf_init(&tm);
	layout_time(&tm, pb, ts, "common.never");
	layout_tn(b, pb, "admin.until", tm.oom ? "" : tm.data);
	buf_free(&tm);
}

static void
add_role(sk_buf *b, const page_base *pb, sk_role role)
{
	layout_named(b, pb, "role.", sk_role_name(role));
}

static void
add_flags(sk_buf *b, const page_base *pb, uint32_t flags)
{
	for (unsigned i = 0; i < SK_INV__COUNT; i++) {
		const char *name;

		if ((flags & (1u << i)) == 0)
			continue;
		name = sk_inventory_flag_name(1u << i);
		buf_add(b, "<span class=\"badge flag\"");
		layout_attr(b, "data-flag", name);
		buf_add(b, ">");
		layout_named(b, pb, "admin.flag.", name);
		buf_add(b, "</span> ");
	}
}

static const char *
state_key(const sk_user *u)
{
	return u->disabled ? "admin.state.disabled" : "admin.state.enabled";
}

/*
 * The document's start for a console page: the portal's layout with <main
 * class="wide admin"> (a single form: "wide admin narrow").  The console's
 * rules are in the portal's one stylesheet (pages.c page_css), under
 * main.admin, so a console page loads no second file.
 */
static void
admin_begin(sk_buf *b, const page_base *pb, const char *title, int narrow)
{
	layout_begin(b, pb, title, narrow ? "wide admin narrow" : "wide admin");
}

/* The section links; ids "approvals" and "audit" on the accounts page. */
static void
admin_nav(sk_buf *b, const page_base *pb, const char *current)
{
	/* bare: the older ids the accounts page gives its links (a#approvals). */
	static const struct {
		const char *which, *href, *key;
		int bare;
	} items[] = {
		{"accounts", "/admin", "admin.nav.accounts", 0},
		{"tokens", "/admin/tokens", "admin.nav.tokens", 0},
		{"approvals", "/admin/approvals", "admin.nav.approvals", 1},
		{"audit", "/admin/audit", "admin.nav.audit", 1},
	};
	int on_accounts = strcmp(current, "accounts") == 0;

	buf_add(b, "<nav class=\"actions admin-nav\"");
	layout_attr(b, "aria-label", t(pb, "admin.nav_label"));
	buf_add(b, ">\n");
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		if (on_accounts && items[i].bare)
			buf_printf(b, "<a id=\"%s\"", items[i].which);
		else
			buf_printf(b, "<a id=\"nav-%s\"", items[i].which);
		buf_printf(b, " href=\"%s\"", items[i].href);
		if (strcmp(current, items[i].which) == 0)
			buf_add(b, " aria-current=\"page\"");
		buf_add(b, ">");
		layout_t(b, pb, items[i].key);
		buf_add(b, "</a>\n");
	}
	buf_add(b, "</nav>\n");
}

static void
read_only_note(sk_buf *b, const page_base *pb, int read_only)
{
	if (!read_only)
		return;
	buf_add(b, "<p id=\"read-only\" class=\"warning\">");
	layout_t(b, pb, "admin.read_only");
	buf_add(b, "</p>\n");
}

/* <option value="V"[ selected]>text</option> */
static void
option(sk_buf *b, const page_base *pb, const char *value, const char *text_key,
       const char *selected)
{
	buf_add(b, "<option");
	layout_attr(b, "value", value);
	if (selected != NULL && strcmp(selected, value) == 0)
		buf_add(b, " selected");
	buf_add(b, ">");
	layout_t(b, pb, text_key);
	buf_add(b, "</option>\n");
}

/* select#ID name=NAME with the roles; user included unless grant_only. */
static void
role_select(sk_buf *b, const page_base *pb, const char *id, const char *selected,
	    int grant_only)
{
	buf_printf(b, "<select id=\"%s\" name=\"role\" required>\n", id);
	if (!grant_only)
		option(b, pb, "user", "role.user", selected);
	option(b, pb, "auditor", "role.auditor", selected);
	option(b, pb, "admin", "role.admin", selected);
	buf_add(b, "</select>\n");
}

/* The initial password, shown once, and what to do with it. */
static void
initial_password(sk_buf *b, const page_base *pb, const char *pw)
{
	buf_add(b, "<section class=\"warning\" aria-labelledby=\"initial-password-title\">\n"
		"<h2 id=\"initial-password-title\">");
	layout_t(b, pb, "admin.new.password_label");
	buf_add(b, "</h2>\n<p><code id=\"initial-password\" class=\"setup-key\">");
	buf_html(b, pw);
	buf_add(b, "</code></p>\n<p>");
	layout_t(b, pb, "admin.new.password_help");
	buf_add(b, "</p>\n</section>\n");
}

/* "YYYY-MM-DD" of ts in UTC for a date input; "" when ts is 0. */
static void
date_value(char out[16], int64_t ts)
{
	struct tm tm;
	time_t tt = (time_t)ts;

	out[0] = '\0';
	if (ts > 0 && ts != INT64_MAX && gmtime_r(&tt, &tm) != NULL)
		snprintf(out, 16, "%04d-%02d-%02d", (tm.tm_year + 1900) % 10000, tm.tm_mon + 1,
			 tm.tm_mday);
}

/* ---- GET /admin ----------------------------------------------------------- */

static void
search_form(sk_buf *b, const page_base *pb, const admin_accounts_view *v)
{
	const char *q = v->q != NULL ? v->q : "", *flag = v->flag != NULL ? v->flag : "";

	buf_add(b, "<form method=\"get\" action=\"/admin\" class=\"search\" role=\"search\">\n"
		"<div class=\"field\">\n");
	layout_label(b, pb, "q", "admin.accounts.search_label");
	buf_add(b, "<input id=\"q\" name=\"q\" type=\"text\" maxlength=\"254\" "
		"autocomplete=\"off\" spellcheck=\"false\" enterkeyhint=\"search\"");
	layout_attr(b, "value", q);
	buf_add(b, ">\n</div>\n<div class=\"field\">\n");
	layout_label(b, pb, "flag", "admin.accounts.filter_label");
	buf_add(b, "<select id=\"flag\" name=\"flag\">\n");
	option(b, pb, "", "admin.accounts.filter_all", flag);
	for (unsigned i = 0; i < SK_INV__COUNT; i++) {
		const char *name = sk_inventory_flag_name(1u << i);
		char key[64];

		snprintf(key, sizeof(key), "admin.flag.%s", name);
		option(b, pb, name, key, flag);
	}
	buf_add(b, "</select>\n</div>\n<p class=\"actions\"><button id=\"search\" type=\"submit\" "
		"class=\"secondary\">");
	layout_t(b, pb, "admin.accounts.search");
	buf_add(b, "</button>");
	if (q[0] != '\0' || flag[0] != '\0') {
		buf_add(b, " <a id=\"clear-search\" href=\"/admin\">");
		layout_t(b, pb, "admin.accounts.clear");
		buf_add(b, "</a>");
	}
	buf_add(b, "</p>\n</form>\n");
}

void
admin_page_accounts(sk_buf *b, const page_base *pb, const admin_accounts_view *v)
{
	admin_begin(b, pb, t(pb, "admin.accounts.title"), 0);
	admin_nav(b, pb, "accounts");
	read_only_note(b, pb, v->read_only);
	layout_para(b, pb, "lead", "admin.accounts.intro");
	buf_add(b, "<p class=\"actions\">");
	if (!v->read_only) {
		buf_add(b, "<a id=\"create-user\" class=\"button\" href=\"/admin/users/new\">");
		layout_t(b, pb, "admin.accounts.create");
		buf_add(b, "</a> ");
	}
	buf_add(b, "<a id=\"export-csv\" class=\"button secondary\" href=\"/admin/inventory.csv\">");
	layout_t(b, pb, "admin.accounts.export");
	buf_add(b, "</a></p>\n");
	search_form(b, pb, v);

	buf_add(b, "<p id=\"account-count\">");
	add_count(b, pb, "admin.accounts.count", NULL, v->matched);
	buf_add(b, " ");
	add_count(b, pb, "admin.accounts.total", NULL, v->total);
	buf_add(b, "</p>\n");
	if (v->nrows < v->matched) {
		buf_add(b, "<p class=\"warning\">");
		add_count(b, pb, "admin.accounts.truncated", NULL, v->nrows);
		buf_add(b, "</p>\n");
	}
	if (v->nrows == 0)
		layout_para(b, pb, "empty", "admin.accounts.none");
	buf_add(b, "<div class=\"table-wrap\">\n<table id=\"accounts\" class=\"responsive\">\n"
		"<thead><tr>");
	layout_th(b, pb, "admin.col.name");
	layout_th(b, pb, "admin.col.email");
	layout_th(b, pb, "admin.col.role");
	layout_th(b, pb, "admin.col.effective_role");
	layout_th(b, pb, "admin.col.state");
	layout_th(b, pb, "admin.col.last_signin");
	layout_th(b, pb, "admin.col.expires");
	layout_th(b, pb, "admin.col.mfa");
	layout_th(b, pb, "admin.col.recovery");
	layout_th(b, pb, "admin.col.flags");
	buf_add(b, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < v->nrows; i++) {
		const sk_inventory_row *r = &v->rows[i];
		const sk_user *u = &r->user;

		buf_add(b, "<tr");
		layout_attr(b, "data-user", u->name);
		buf_add(b, ">");
		layout_td(b, pb, "admin.col.name", "name");
		user_link(b, u->name, NULL);
		buf_add(b, "</td>");
		layout_td(b, pb, "admin.col.email", "email");
		buf_html(b, u->email);
		buf_add(b, "</td>");
		layout_td(b, pb, "admin.col.role", "nowrap");
		add_role(b, pb, u->role);
		buf_add(b, "</td>");
		layout_td(b, pb, "admin.col.effective_role", NULL);
		buf_add(b, "<span>");
		add_role(b, pb, r->effective_role);
		if (r->grant_until != 0) {
			buf_add(b, " ");
			add_until(b, pb, r->grant_until);
		}
		buf_add(b, "</span></td>");
		layout_td(b, pb, "admin.col.state", "nowrap");
		layout_t(b, pb, state_key(u));
		buf_add(b, "</td>");
		layout_td(b, pb, "admin.col.last_signin", NULL);
		layout_time(b, pb, u->last_signin_at, "common.never");
		buf_add(b, "</td>");
		layout_td(b, pb, "admin.col.expires", NULL);
		layout_time(b, pb, u->expires_at, "admin.never_expires");
		buf_add(b, "</td>");
		layout_td(b, pb, "admin.col.mfa", "mfa");
		buf_printf(b, "%u</td>", r->mfa_devices);
		layout_td(b, pb, "admin.col.recovery", "recovery");
		buf_printf(b, "%u</td>", r->recovery_left);
		layout_td(b, pb, "admin.col.flags", "flags");
		buf_add(b, "<span>");
		add_flags(b, pb, r->flags);
		buf_add(b, "</span></td></tr>\n");
	}
	buf_add(b, "</tbody>\n</table>\n</div>\n");
	layout_end(b, pb);
}

/* ---- GET/POST /admin/users/new ------------------------------------------ */

void
admin_page_new_user(sk_buf *b, const page_base *pb, const admin_new_user_view *v)
{
	admin_begin(b, pb, t(pb, "admin.new.title"), 1);
	admin_nav(b, pb, "new");
	if (v->created != NULL) {
		if (v->initial_password != NULL && v->initial_password[0] != '\0')
			initial_password(b, pb, v->initial_password);
		buf_add(b, "<p class=\"actions\">");
		buf_add(b, "<a id=\"created-user\" class=\"button\" href=\"");
		add_user_path(b, v->created, NULL);
		buf_add(b, "\">");
		layout_t(b, pb, "admin.new.open");
		buf_add(b, "</a> <a id=\"create-another\" href=\"/admin/users/new\">");
		layout_t(b, pb, "admin.new.another");
		buf_add(b, "</a></p>\n");
		layout_end(b, pb);
		return;
	}
	layout_para(b, pb, "lead", "admin.new.intro");
	layout_form_open(b, pb, "/admin/users/new", "stack");
	layout_label(b, pb, "new_name", "admin.new.name");
	buf_add(b, "<input id=\"new_name\" name=\"name\" type=\"text\" maxlength=\"64\" "
		"autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\" "
		"aria-describedby=\"new_name-help\" required");
	layout_attr(b, "value", v->name);
	buf_add(b, ">\n<p id=\"new_name-help\" class=\"help\">");
	layout_t(b, pb, "admin.new.name_help");
	buf_add(b, "</p>\n");
	layout_label(b, pb, "new_email", "admin.new.email");
	buf_add(b, "<input id=\"new_email\" name=\"email\" type=\"email\" maxlength=\"254\" "
		"autocomplete=\"off\"");
	layout_attr(b, "value", v->email);
	buf_add(b, ">\n");
	layout_label(b, pb, "new_role", "admin.new.role");
	role_select(b, pb, "new_role", v->role != NULL ? v->role : "user", 0);
	buf_add(b, "<p class=\"help\">");
	layout_t(b, pb, "admin.new.role_help");
	buf_add(b, "</p>\n");
	layout_label(b, pb, "new_expires", "admin.new.expires");
	buf_add(b, "<input id=\"new_expires\" name=\"expires\" type=\"date\" "
		"aria-describedby=\"new_expires-help\"");
	layout_attr(b, "value", v->expires);
	buf_add(b, ">\n<p id=\"new_expires-help\" class=\"help\">");
	layout_t(b, pb, "admin.new.expires_help");
	buf_add(b, "</p>\n<button id=\"submit\" type=\"submit\" class=\"primary\">");
	layout_t(b, pb, "admin.new.submit");
	buf_add(b, "</button>\n</form>\n");
	layout_end(b, pb);
}

/* ---- GET /admin/users/NAME ------------------------------------------------ */

static void
fact(sk_buf *b, const page_base *pb, const char *key, const char *id)
{
	buf_add(b, "<dt>");
	layout_t(b, pb, key);
	buf_add(b, "</dt><dd");
	layout_attr(b, "id", id);
	buf_add(b, ">");
}

static void
user_facts(sk_buf *b, const page_base *pb, const sk_inventory_row *r)
{
	const sk_user *u = &r->user;

	layout_section_open(b, pb, "details", "admin.user.details");
	buf_add(b, "<dl class=\"facts\">\n");
	fact(b, pb, "admin.col.name", "user-name");
	buf_html(b, u->name);
	buf_add(b, "</dd>\n");
	fact(b, pb, "admin.col.email", "user-email");
	if (u->email[0] != '\0')
		buf_html(b, u->email);
	else
		layout_t(b, pb, "account.not_set");
	buf_add(b, "</dd>\n");
	fact(b, pb, "admin.col.role", "user-role");
	add_role(b, pb, u->role);
	buf_add(b, "</dd>\n");
	fact(b, pb, "admin.col.effective_role", "user-effective-role");
	add_role(b, pb, r->effective_role);
	if (r->grant_until != 0) {
		buf_add(b, " ");
		add_until(b, pb, r->grant_until);
	}
	buf_add(b, "</dd>\n");
	fact(b, pb, "admin.col.state", "user-state");
	buf_add(b, "<span");
	layout_attr(b, "data-state", u->disabled ? "disabled" : "enabled");
	buf_add(b, ">");
	layout_t(b, pb, state_key(u));
	buf_add(b, "</span></dd>\n");
	fact(b, pb, "admin.col.flags", "user-flags");
	if (r->flags == 0)
		layout_t(b, pb, "admin.user.no_flags");
	add_flags(b, pb, r->flags);
	buf_add(b, "</dd>\n");
	fact(b, pb, "admin.user.created", NULL);
	layout_time(b, pb, u->created_at, "common.never");
	buf_add(b, "</dd>\n");
	fact(b, pb, "admin.col.last_signin", "user-last-signin");
	layout_time(b, pb, u->last_signin_at, "common.never");
	buf_add(b, "</dd>\n");
	if (u->last_signin_addr[0] != '\0') {
		fact(b, pb, "admin.user.last_signin_addr", NULL);
		buf_html(b, u->last_signin_addr);
		buf_add(b, "</dd>\n");
	}
	fact(b, pb, "admin.user.password_changed", NULL);
	layout_time(b, pb, u->password_changed_at, "common.never");
	buf_add(b, "</dd>\n");
	fact(b, pb, "admin.col.expires", "user-expires");
	layout_time(b, pb, u->expires_at, "admin.never_expires");
	buf_add(b, "</dd>\n");
	fact(b, pb, "admin.user.locked", "user-locked");
	add_when(b, pb, r->locked_until, "admin.user.not_locked");
	buf_add(b, "</dd>\n");
	fact(b, pb, "admin.col.mfa", "user-mfa");
	buf_printf(b, "%u</dd>\n", r->mfa_devices);
	fact(b, pb, "admin.col.recovery", "user-recovery");
	buf_printf(b, "%u</dd>\n</dl>\n", r->recovery_left);
	buf_add(b, "<p class=\"actions\"><a id=\"user-audit\" href=\"/admin/audit?target=");
	buf_url(b, u->name);
	buf_add(b, "\">");
	layout_t(b, pb, "admin.user.audit");
	buf_add(b, "</a> <a id=\"user-tokens\" href=\"/admin/tokens?owner=");
	buf_url(b, u->name);
	buf_add(b, "\">");
	layout_t(b, pb, "admin.user.tokens");
	buf_add(b, "</a></p>\n</section>\n");
}

static void
user_devices(sk_buf *b, const page_base *pb, const admin_user_view *v)
{
	layout_section_open(b, pb, "devices", "admin.user.devices");
	if (v->ndevices == 0)
		layout_para(b, pb, "empty", "admin.user.devices_none");
	buf_add(b, "<div class=\"table-wrap\">\n<table id=\"user-devices\" class=\"responsive\">\n"
		"<thead><tr>");
	layout_th(b, pb, "account.device_name");
	layout_th(b, pb, "account.device_type");
	layout_th(b, pb, "admin.col.state");
	layout_th(b, pb, "account.device_added");
	layout_th(b, pb, "account.device_last_used");
	buf_add(b, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < v->ndevices; i++) {
		const sk_device *d = &v->devices[i];

		buf_printf(b, "<tr data-device=\"%" PRId64 "\">", d->id);
		layout_td(b, pb, "account.device_name", "name");
		buf_html(b, d->name);
		buf_add(b, "</td>");
		layout_td(b, pb, "account.device_type", NULL);
		layout_named(b, pb, "device.type.", sk_device_type_name(d->type));
		buf_add(b, "</td>");
		layout_td(b, pb, "admin.col.state", NULL);
		layout_t(b, pb, d->confirmed ? "admin.device.active" : "admin.device.pending");
		buf_add(b, "</td>");
		layout_td(b, pb, "account.device_added", NULL);
		layout_time(b, pb, d->created_at, "common.never");
		buf_add(b, "</td>");
		layout_td(b, pb, "account.device_last_used", NULL);
		layout_time(b, pb, d->last_used_at, "account.device_never_used");
		buf_add(b, "</td></tr>\n");
	}
	buf_add(b, "</tbody>\n</table>\n</div>\n</section>\n");
}

/* One grant row; user (a link) only in the list of every grant. */
static void
grant_row(sk_buf *b, const page_base *pb, const sk_grant *g, const char *user, int64_t now)
{
	buf_printf(b, "<tr data-grant=\"%" PRId64 "\">", g->id);
	if (user != NULL) {
		layout_td(b, pb, "admin.col.name", "name");
		if (user[0] != '\0')
			user_link(b, user, NULL);
		buf_add(b, "</td>");
	}
	layout_td(b, pb, "admin.col.role", NULL);
	add_role(b, pb, g->role);
	buf_add(b, "</td>");
	layout_td(b, pb, "admin.col.until", "until");
	layout_time(b, pb, g->until, "common.never");
	buf_add(b, "</td>");
	layout_td(b, pb, "admin.col.state", NULL);
	layout_t(b, pb, g->until > now ? "admin.grant.active" : "admin.grant.lapsed");
	buf_add(b, "</td>");
	layout_td(b, pb, "admin.col.granted_by", NULL);
	buf_html(b, g->granted_by);
	buf_add(b, "</td>");
	layout_td(b, pb, "admin.col.granted_at", NULL);
	layout_time(b, pb, g->created_at, "common.never");
	buf_add(b, "</td></tr>\n");
}

static void
grants_table(sk_buf *b, const page_base *pb, const char *id, const sk_grant *grants,
	     const char *const *users, size_t n, int64_t now)
{
	if (n == 0)
		layout_para(b, pb, "empty", "admin.user.grants_none");
	buf_printf(b, "<div class=\"table-wrap\">\n<table id=\"%s\" class=\"responsive\">\n"
		   "<thead><tr>", id);
	if (users != NULL)
		layout_th(b, pb, "admin.col.name");
	layout_th(b, pb, "admin.col.role");
	layout_th(b, pb, "admin.col.until");
	layout_th(b, pb, "admin.col.state");
	layout_th(b, pb, "admin.col.granted_by");
	layout_th(b, pb, "admin.col.granted_at");
	buf_add(b, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < n; i++)
		grant_row(b, pb, &grants[i], users != NULL ? users[i] : NULL, now);
	buf_add(b, "</tbody>\n</table>\n</div>\n");
}

/* <div class="admin-action"><h3>title</h3><p class="help">help</p> */
static void
action_open(sk_buf *b, const page_base *pb, const char *title_key, const char *help_key)
{
	buf_add(b, "<div class=\"admin-action\">\n<h3>");
	layout_t(b, pb, title_key);
	buf_add(b, "</h3>\n");
	if (help_key != NULL)
		layout_para(b, pb, "help", help_key);
}

static void
button(sk_buf *b, const page_base *pb, const char *id, const char *cls, const char *key)
{
	buf_printf(b, "<button id=\"%s\" type=\"submit\" class=\"%s\">", id, cls);
	layout_t(b, pb, key);
	buf_add(b, "</button>\n");
}

static void
user_actions(sk_buf *b, const page_base *pb, const admin_user_view *v)
{
	const sk_user *u = &v->row->user;
	char date[16];

	layout_section_open(b, pb, "actions", "admin.user.actions");
	buf_add(b, "<div class=\"admin-actions\">\n");

	if (u->disabled) {
		action_open(b, pb, "admin.action.enable_title", "admin.action.enable_help");
		user_form(b, pb, u->name, "enable", "compact");
		button(b, pb, "enable", "secondary", "admin.action.enable");
	} else {
		action_open(b, pb, "admin.action.disable_title", "admin.action.disable_help");
		user_form(b, pb, u->name, "disable", "compact");
		button(b, pb, "disable", "danger", "admin.action.disable");
	}
	buf_add(b, "</form>\n</div>\n");

	action_open(b, pb, "admin.action.unlock_title", "admin.action.unlock_help");
	user_form(b, pb, u->name, "unlock", "compact");
	button(b, pb, "unlock", "secondary", "admin.action.unlock");
	buf_add(b, "</form>\n</div>\n");

	action_open(b, pb, "admin.action.expiry_title", NULL);
	user_form(b, pb, u->name, "expiry", "compact");
	layout_label(b, pb, "expires", "admin.action.expiry_label");
	date_value(date, u->expires_at);
	buf_add(b, "<input id=\"expires\" name=\"expires\" type=\"date\" "
		"aria-describedby=\"expires-help\"");
	layout_attr(b, "value", date);
	buf_add(b, ">\n<p id=\"expires-help\" class=\"help\">");
	layout_t(b, pb, "admin.action.expiry_help");
	buf_add(b, "</p>\n");
	button(b, pb, "set-expiry", "secondary", "admin.action.expiry");
	buf_add(b, "</form>\n</div>\n");

	action_open(b, pb, "admin.action.role_title", "admin.new.role_help");
	user_form(b, pb, u->name, "role", "compact");
	layout_label(b, pb, "role", "admin.action.role_label");
	role_select(b, pb, "role", sk_role_name(u->role), 0);
	button(b, pb, "set-role", "secondary", "admin.action.role");
	buf_add(b, "</form>\n</div>\n");

	action_open(b, pb, "admin.action.grant_title", "admin.action.grant_help");
	user_form(b, pb, u->name, "grant", "compact");
	layout_label(b, pb, "grant-role", "admin.new.role");
	role_select(b, pb, "grant-role", "auditor", 1);
	layout_label(b, pb, "grant-until", "admin.action.grant_until");
	buf_add(b, "<input id=\"grant-until\" name=\"until\" type=\"datetime-local\" required>\n");
	button(b, pb, "grant", "secondary", "admin.action.grant");
	buf_add(b, "</form>\n</div>\n");

	action_open(b, pb, "admin.action.reset_password_title", "admin.action.reset_password_help");
	user_form(b, pb, u->name, "reset-password", "compact");
	button(b, pb, "reset-password", "secondary", "admin.action.reset_password");
	buf_add(b, "</form>\n</div>\n");

	action_open(b, pb, "admin.action.reset_mfa_title", "admin.action.reset_mfa_help");
	user_form(b, pb, u->name, "reset-mfa", "compact");
	layout_label(b, pb, "reset-mfa-password", "admin.your_password");
	buf_add(b, "<input id=\"reset-mfa-password\" name=\"admin_password\" type=\"password\" "
		"autocomplete=\"current-password\" required>\n");
	button(b, pb, "reset-mfa", "danger", "admin.action.reset_mfa");
	buf_add(b, "</form>\n</div>\n");

	action_open(b, pb, "admin.action.delete_title", "admin.action.delete_help");
	user_form(b, pb, u->name, "delete", "compact");
	buf_add(b, "<label class=\"check\" for=\"delete-confirm\">"
		"<input id=\"delete-confirm\" name=\"confirm\" type=\"checkbox\" value=\"yes\" "
		"required> ");
	layout_t(b, pb, "admin.action.delete_confirm");
	buf_add(b, "</label>\n");
	button(b, pb, "delete", "danger", "admin.action.delete");
	buf_add(b, "</form>\n</div>\n</div>\n</section>\n");
}

void
admin_page_user(sk_buf *b, const page_base *pb, const admin_user_view *v)
{
	char title[160];

	subst(title, sizeof(title), pb, "admin.user.title", v->row->user.name);
	admin_begin(b, pb, title, 0);
	admin_nav(b, pb, "user");
	read_only_note(b, pb, v->read_only);
	if (v->initial_password != NULL && v->initial_password[0] != '\0')
		initial_password(b, pb, v->initial_password);
	user_facts(b, pb, v->row);
	user_devices(b, pb, v);
	layout_section_open(b, pb, "grants", "admin.user.grants");
	grants_table(b, pb, "user-grants", v->grants, NULL, v->ngrants, v->now);
	buf_add(b, "</section>\n");
	if (!v->read_only)
		user_actions(b, pb, v);
	buf_add(b, "<p class=\"actions\"><a id=\"back\" href=\"/admin\">");
	layout_t(b, pb, "admin.user.back");
	buf_add(b, "</a></p>\n");
	layout_end(b, pb);
}

/* ---- GET /admin/approvals ------------------------------------------------- */

static void
approval_row(sk_buf *b, const page_base *pb, const sk_approval *a, int read_only,
	     int need_code)
{
	const char *state = sk_approval_state_name(a->state);
	int pending = a->state == SK_APPROVAL_PENDING;

	buf_printf(b, "<tr data-approval=\"%" PRId64 "\"", a->id);
	layout_attr(b, "data-state", state);
	buf_add(b, ">");
	layout_td(b, pb, "admin.col.id", NULL);
	buf_printf(b, "#%" PRId64 "</td>", a->id);
	layout_td(b, pb, "admin.col.state", NULL);
	layout_named(b, pb, "admin.approval.", state);
	buf_add(b, "</td>");
	layout_td(b, pb, "admin.col.action", NULL);
	buf_add(b, "<span>");
	layout_named(b, pb, "admin.request.", a->action);
	if (strncmp(a->param, "until=", 6) == 0) {
		long long until = 0;
		char *end = NULL;

		until = strtoll(a->param + 6, &end, 10);
		if (end != NULL && *end == '\0' && until > 0) {
			buf_add(b, " ");
			add_until(b, pb, until);
		}
	}
	buf_add(b, "</span></td>");
	layout_td(b, pb, "admin.col.target", "name");
	user_link(b, a->target, NULL);
	buf_add(b, "</td>");
	layout_td(b, pb, "admin.col.requested_by", NULL);
	buf_html(b, a->requested_by);
	buf_add(b, "</td>");
	layout_td(b, pb, "admin.col.requested_at", NULL);
	layout_time(b, pb, a->created_at, "common.never");
	buf_add(b, "</td>");
	layout_td(b, pb, "admin.col.deadline", NULL);
	buf_add(b, "<span>");
	layout_time(b, pb, pending ? a->expires_at : a->decided_at, "common.never");
	if (a->decided_by[0] != '\0') {
		buf_add(b, " (");
		layout_t(b, pb, "admin.approvals.decided_by");
		buf_add(b, " ");
		buf_html(b, a->decided_by);
		buf_add(b, ")");
	}
	buf_add(b, "</span></td>");
	if (!read_only) {
		buf_add(b, "<td class=\"form-cell\">");
		if (pending) {
			char action[96], id[48];

			snprintf(action, sizeof(action), "/admin/approvals/%" PRId64 "/approve", a->id);
			layout_form_open(b, pb, action, "inline");
			snprintf(id, sizeof(id), "approve-password-%" PRId64, a->id);
			buf_printf(b, "<label class=\"vh\" for=\"%s\">", id);
			layout_t(b, pb, "admin.your_password");
			buf_printf(b, "</label>\n<input id=\"%s\" name=\"admin_password\" "
				   "type=\"password\" autocomplete=\"current-password\" required", id);
			layout_attr(b, "placeholder", t(pb, "admin.your_password"));
			buf_add(b, ">\n");
			if (need_code) {
				/* The approver's fresh one-time code (C4, as the CLI asks). */
				snprintf(id, sizeof(id), "approve-code-%" PRId64, a->id);
				buf_printf(b, "<label class=\"vh\" for=\"%s\">", id);
				layout_t(b, pb, "admin.your_code");
				buf_printf(b, "</label>\n<input id=\"%s\" name=\"code\" type=\"text\" "
					   "class=\"code\" inputmode=\"numeric\" pattern=\"[0-9]*\" "
					   "maxlength=\"8\" autocomplete=\"one-time-code\" required", id);
				layout_attr(b, "placeholder", t(pb, "admin.code_placeholder"));
				buf_add(b, ">\n");
			}
			buf_printf(b, "<button id=\"approve-%" PRId64 "\" type=\"submit\" "
				   "class=\"secondary\">", a->id);
			layout_t(b, pb, "admin.approvals.approve");
			buf_printf(b, "</button>\n<button id=\"reject-%" PRId64 "\" type=\"submit\" "
				   "class=\"danger\" formaction=\"/admin/approvals/%" PRId64
				   "/reject\">", a->id, a->id);
			layout_t(b, pb, "admin.approvals.reject");
			buf_add(b, "</button>\n</form>");
		}
		buf_add(b, "</td>");
	}
	buf_add(b, "</tr>\n");
}

void
admin_page_approvals(sk_buf *b, const page_base *pb, const admin_approvals_view *v)
{
	admin_begin(b, pb, t(pb, "admin.approvals.title"), 0);
	admin_nav(b, pb, "approvals");
	read_only_note(b, pb, v->read_only);
	if (v->initial_password != NULL && v->initial_password[0] != '\0') {
		initial_password(b, pb, v->initial_password);
		if (v->initial_for != NULL && v->initial_for[0] != '\0') {
			buf_add(b, "<p class=\"actions\">");
			user_link(b, v->initial_for, "initial-password-user");
			buf_add(b, "</p>\n");
		}
	}
	layout_section_open(b, pb, "requests", "admin.approvals.requests");
	layout_para(b, pb, "help", "admin.approvals.intro");
	if (v->napprovals == 0)
		layout_para(b, pb, "empty", "admin.approvals.none");
	buf_add(b, "<div class=\"table-wrap\">\n<table id=\"approvals\" class=\"responsive\">\n"
		"<thead><tr>");
	layout_th(b, pb, "admin.col.id");
	layout_th(b, pb, "admin.col.state");
	layout_th(b, pb, "admin.col.action");
	layout_th(b, pb, "admin.col.target");
	layout_th(b, pb, "admin.col.requested_by");
	layout_th(b, pb, "admin.col.requested_at");
	layout_th(b, pb, "admin.col.deadline");
	if (!v->read_only)
		layout_th(b, pb, "admin.col.decision");
	buf_add(b, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < v->napprovals; i++)
		approval_row(b, pb, &v->approvals[i], v->read_only, v->need_code);
	buf_add(b, "</tbody>\n</table>\n</div>\n</section>\n");

	layout_section_open(b, pb, "grants", "admin.user.grants");
	layout_para(b, pb, "help", "admin.grants.intro");
	grants_table(b, pb, "grants", v->grants, v->grant_users, v->ngrants, v->now);
	buf_add(b, "</section>\n");
	layout_end(b, pb);
}

/* ---- GET /admin/tokens ----------------------------------------------------- */

static const char *
token_state(const sk_apitoken *tk, int64_t now)
{
	if (tk->revoked_at != 0)
		return "revoked";
	return tk->expires_at <= now ? "expired" : "active";
}

/* The token just created: shown this once, with what to do with it. */
static void
created_token(sk_buf *b, const page_base *pb, const admin_tokens_view *v)
{
	char num[32];

	buf_add(b, "<section class=\"warning\" aria-labelledby=\"new-token-title\">\n"
		"<h2 id=\"new-token-title\">");
	snprintf(num, sizeof(num), "#%" PRId64, v->created_id);
	layout_tn(b, pb, "admin.tokens.created_title", num);
	buf_add(b, "</h2>\n<p><code id=\"new-token\" class=\"setup-key\">");
	buf_html(b, v->created_token);
	buf_add(b, "</code></p>\n<p id=\"new-token-warning\"><strong>");
	layout_t(b, pb, "admin.tokens.created_once");
	buf_add(b, "</strong> ");
	layout_t(b, pb, "admin.tokens.created_help");
	buf_add(b, "</p>\n</section>\n");
}

static void
token_row(sk_buf *b, const page_base *pb, const sk_apitoken *tk, const char *owner,
	  const admin_tokens_view *v)
{
	const char *state = token_state(tk, v->now);
	char key[48];

	buf_printf(b, "<tr data-token=\"%" PRId64 "\"", tk->id);
	layout_attr(b, "data-state", state);
	buf_add(b, ">");
	layout_td(b, pb, "admin.col.id", NULL);
	buf_printf(b, "#%" PRId64 "</td>", tk->id);
	layout_td(b, pb, "admin.col.owner", "name");
	if (owner != NULL && owner[0] != '\0')
		user_link(b, owner, NULL);
	buf_add(b, "</td>");
	layout_td(b, pb, "admin.col.token_name", "name");
	buf_html(b, tk->name);
	buf_add(b, "</td>");
	layout_td(b, pb, "admin.col.scope", "nowrap");
	layout_named(b, pb, "admin.scope.", sk_apitoken_scope_name(tk->scope));
	buf_add(b, "</td>");
	snprintf(key, sizeof(key), "admin.token.%s", state);
	layout_td(b, pb, "admin.col.state", strcmp(state, "active") == 0 ? "nowrap" :
		  "nowrap result-other");
	layout_t(b, pb, key);
	buf_add(b, "</td>");
	layout_td(b, pb, "admin.col.created", NULL);
	buf_add(b, "<span>");
	layout_time(b, pb, tk->created_at, "common.never");
	if (tk->created_by[0] != '\0') {
		buf_add(b, " (");
		buf_html(b, tk->created_by);
		buf_add(b, ")");
	}
	buf_add(b, "</span></td>");
	layout_td(b, pb, "admin.col.expires", NULL);
	layout_time(b, pb, tk->revoked_at != 0 ? tk->revoked_at : tk->expires_at,
		    "common.never");
	buf_add(b, "</td>");
	layout_td(b, pb, "admin.col.last_used", NULL);
	layout_time(b, pb, tk->last_used_at, "account.device_never_used");
	buf_add(b, "</td>");
	if (!v->read_only) {
		buf_add(b, "<td class=\"form-cell\">");
		if (strcmp(state, "active") == 0) {
			char action[64];

			snprintf(action, sizeof(action), "/admin/tokens/%" PRId64 "/revoke", tk->id);
			layout_form_open(b, pb, action, "inline");
			buf_printf(b, "<button id=\"revoke-token-%" PRId64 "\" type=\"submit\" "
				   "class=\"danger\">", tk->id);
			layout_t(b, pb, "admin.tokens.revoke");
			buf_add(b, "<span class=\"vh\"> ");
			buf_html(b, tk->name);
			buf_add(b, "</span></button>\n</form>");
		}
		buf_add(b, "</td>");
	}
	buf_add(b, "</tr>\n");
}

static void
token_form(sk_buf *b, const page_base *pb, const admin_tokens_view *v)
{
	const char *scope = v->new_scope != NULL && v->new_scope[0] != '\0' ? v->new_scope : "read";

	layout_section_open(b, pb, "create", "admin.tokens.create_title");
	layout_para(b, pb, "help", "admin.tokens.create_help");
	layout_form_open(b, pb, "/admin/tokens/new", "stack compact");
	layout_label(b, pb, "token-owner", "admin.tokens.owner");
	buf_add(b, "<input id=\"token-owner\" name=\"owner\" type=\"text\" maxlength=\"64\" "
		"autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\" required");
	layout_attr(b, "value", v->new_owner);
	buf_add(b, ">\n");
	layout_label(b, pb, "token-name", "admin.tokens.name");
	buf_add(b, "<input id=\"token-name\" name=\"name\" type=\"text\" maxlength=\"64\" "
		"autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\" "
		"aria-describedby=\"token-name-help\" required");
	layout_attr(b, "value", v->new_name);
	buf_add(b, ">\n<p id=\"token-name-help\" class=\"help\">");
	layout_t(b, pb, "admin.tokens.name_help");
	buf_add(b, "</p>\n");
	layout_label(b, pb, "token-scope", "admin.tokens.scope");
	buf_add(b, "<select id=\"token-scope\" name=\"scope\" aria-describedby=\"token-scope-help\" "
		"required>\n");
	option(b, pb, "read", "admin.tokens.scope_read", scope);
	option(b, pb, "admin", "admin.tokens.scope_admin", scope);
	buf_add(b, "</select>\n<p id=\"token-scope-help\" class=\"help\">");
	layout_t(b, pb, "admin.tokens.scope_help");
	buf_add(b, "</p>\n");
	layout_label(b, pb, "token-expires", "admin.tokens.expires");
	buf_add(b, "<input id=\"token-expires\" name=\"expires\" type=\"date\" "
		"aria-describedby=\"token-expires-help\" required");
	layout_attr(b, "value", v->new_expires);
	layout_attr(b, "min", v->expires_min);
	layout_attr(b, "max", v->expires_max);
	buf_add(b, ">\n<p id=\"token-expires-help\" class=\"help\">");
	layout_t(b, pb, "admin.tokens.expires_help");
	buf_add(b, "</p>\n");
	button(b, pb, "create-token", "secondary", "admin.tokens.submit");
	buf_add(b, "</form>\n</section>\n");
}

void
admin_page_tokens(sk_buf *b, const page_base *pb, const admin_tokens_view *v)
{
	const char *owner = v->owner != NULL ? v->owner : "";

	admin_begin(b, pb, t(pb, "admin.tokens.title"), 0);
	admin_nav(b, pb, "tokens");
	read_only_note(b, pb, v->read_only);
	if (v->created_token != NULL && v->created_token[0] != '\0')
		created_token(b, pb, v);
	layout_para(b, pb, "lead", "admin.tokens.intro");

	buf_add(b, "<form method=\"get\" action=\"/admin/tokens\" class=\"search\" "
		"role=\"search\">\n<div class=\"field\">\n");
	layout_label(b, pb, "token-filter", "admin.tokens.filter_label");
	buf_add(b, "<input id=\"token-filter\" name=\"owner\" type=\"text\" maxlength=\"64\" "
		"autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\"");
	layout_attr(b, "value", owner);
	buf_add(b, ">\n</div>\n<p class=\"actions\"><button id=\"filter-tokens\" type=\"submit\" "
		"class=\"secondary\">");
	layout_t(b, pb, "admin.tokens.filter");
	buf_add(b, "</button>");
	if (owner[0] != '\0') {
		buf_add(b, " <a id=\"clear-token-filter\" href=\"/admin/tokens\">");
		layout_t(b, pb, "admin.tokens.clear");
		buf_add(b, "</a>");
	}
	buf_add(b, "</p>\n</form>\n");

	if (v->ntokens == 0)
		layout_para(b, pb, "empty", "admin.tokens.none");
	buf_add(b, "<div class=\"table-wrap\">\n<table id=\"tokens\" class=\"responsive\">\n"
		"<thead><tr>");
	layout_th(b, pb, "admin.col.id");
	layout_th(b, pb, "admin.col.owner");
	layout_th(b, pb, "admin.col.token_name");
	layout_th(b, pb, "admin.col.scope");
	layout_th(b, pb, "admin.col.state");
	layout_th(b, pb, "admin.col.created");
	layout_th(b, pb, "admin.col.token_expires");
	layout_th(b, pb, "admin.col.last_used");
	if (!v->read_only) {
		buf_add(b, "<th scope=\"col\"><span class=\"vh\">");
		layout_t(b, pb, "admin.tokens.revoke");
		buf_add(b, "</span></th>");
	}
	buf_add(b, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < v->ntokens; i++)
		token_row(b, pb, &v->tokens[i], v->owners != NULL ? v->owners[i] : NULL, v);
	buf_add(b, "</tbody>\n</table>\n</div>\n");
	if (!v->read_only)
		token_form(b, pb, v);
	layout_end(b, pb);
}

/* ---- GET /admin/audit ------------------------------------------------------ */

/* "/admin/audit?actor=..&action=..&target=..&page=N", escaped for an attribute. */
static void
audit_href(sk_buf *b, const admin_audit_view *v, unsigned page)
{
	const char *sep = "?";

	buf_add(b, "/admin/audit");
	if (v->actor != NULL && v->actor[0] != '\0') {
		buf_add(b, sep);
		buf_add(b, "actor=");
		buf_url(b, v->actor);
		sep = "&amp;";
	}
	if (v->action != NULL && v->action[0] != '\0') {
		buf_add(b, sep);
		buf_add(b, "action=");
		buf_url(b, v->action);
		sep = "&amp;";
	}
	if (v->target != NULL && v->target[0] != '\0') {
		buf_add(b, sep);
		buf_add(b, "target=");
		buf_url(b, v->target);
		sep = "&amp;";
	}
	if (page > 1)
		buf_printf(b, "%spage=%u", sep, page);
}

static void
chain_status(sk_buf *b, const page_base *pb, const admin_audit_view *v)
{
	if (v->chain == 1) {
		buf_printf(b, "<div id=\"chain-status\" class=\"notice ok\" role=\"status\" "
			   "data-count=\"%" PRId64 "\">", v->chain_count);
		add_count(b, pb, "admin.audit.ok", NULL, (uint64_t)v->chain_count);
	} else if (v->chain == 0) {
		buf_printf(b, "<div id=\"chain-status\" class=\"error broken\" role=\"alert\" "
			   "data-count=\"%" PRId64 "\" data-bad-seq=\"%" PRId64 "\">",
			   v->chain_count, v->bad_seq);
		add_count(b, pb, "admin.audit.broken", NULL, (uint64_t)v->bad_seq);
	} else {
		buf_add(b, "<div id=\"chain-status\" class=\"error broken\" role=\"alert\">");
		layout_t(b, pb, "admin.audit.unchecked");
	}
	buf_add(b, "</div>\n");
}

static void
filter_input(sk_buf *b, const page_base *pb, const char *name, const char *key,
	     const char *value)
{
	char id[32];

	snprintf(id, sizeof(id), "filter-%s", name);
	buf_add(b, "<div class=\"field\">\n");
	layout_label(b, pb, id, key);
	buf_printf(b, "<input id=\"%s\" name=\"%s\" type=\"text\" maxlength=\"80\" "
		   "autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\"", id, name);
	layout_attr(b, "value", value != NULL ? value : "");
	buf_add(b, ">\n</div>\n");
}

void
admin_page_audit(sk_buf *b, const page_base *pb, const admin_audit_view *v)
{
	int filtered = (v->actor && v->actor[0]) || (v->action && v->action[0]) ||
		       (v->target && v->target[0]);

	admin_begin(b, pb, t(pb, "admin.audit.title"), 0);
	admin_nav(b, pb, "audit");
	chain_status(b, pb, v);

	buf_add(b, "<form method=\"get\" action=\"/admin/audit\" class=\"search\" "
		"role=\"search\">\n");
	filter_input(b, pb, "actor", "admin.audit.filter_actor", v->actor);
	filter_input(b, pb, "action", "admin.audit.filter_action", v->action);
	filter_input(b, pb, "target", "admin.audit.filter_target", v->target);
	buf_add(b, "<p class=\"actions\"><button id=\"filter\" type=\"submit\" class=\"secondary\">");
	layout_t(b, pb, "admin.audit.filter");
	buf_add(b, "</button>");
	if (filtered) {
		buf_add(b, " <a id=\"clear-filter\" href=\"/admin/audit\">");
		layout_t(b, pb, "admin.audit.clear");
		buf_add(b, "</a>");
	}
	buf_add(b, "</p>\n</form>\n");

	buf_add(b, "<p id=\"audit-count\">");
	add_count(b, pb, "admin.audit.matched", NULL, v->matched);
	buf_add(b, " ");
	add_count(b, pb, "admin.audit.page", "audit-page", v->page);
	buf_add(b, " ");
	add_count(b, pb, "admin.audit.pages", NULL, v->pages);
	buf_add(b, "</p>\n");
	if (v->nevents == 0)
		layout_para(b, pb, "empty", "admin.audit.none");
	buf_add(b, "<div class=\"table-wrap\">\n<table id=\"audit\" class=\"responsive\">\n"
		"<thead><tr>");
	layout_th(b, pb, "admin.col.id");
	layout_th(b, pb, "admin.col.time");
	layout_th(b, pb, "admin.col.actor");
	layout_th(b, pb, "admin.col.action");
	layout_th(b, pb, "admin.col.target");
	layout_th(b, pb, "admin.col.addr");
	layout_th(b, pb, "admin.col.result");
	layout_th(b, pb, "admin.col.detail");
	buf_add(b, "</tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < v->nevents; i++) {
		const sk_audit_event *e = &v->events[i];
		/* Waiting or not applicable is neither success nor failure. */
		const char *cls = strcmp(e->result, "ok") == 0 ? "result-ok" :
				  strcmp(e->result, "pending") == 0 ||
				  strcmp(e->result, "skipped") == 0 ? "result-other" : "result-bad";

		buf_printf(b, "<tr data-seq=\"%" PRId64 "\"", e->seq);
		layout_attr(b, "data-action", e->action);
		buf_add(b, ">");
		layout_td(b, pb, "admin.col.id", NULL);
		buf_printf(b, "%" PRId64 "</td>", e->seq);
		layout_td(b, pb, "admin.col.time", NULL);
		layout_time(b, pb, e->ts, "common.never");
		buf_add(b, "</td>");
		layout_td(b, pb, "admin.col.actor", "name");
		buf_html(b, e->actor);
		buf_add(b, "</td>");
		layout_td(b, pb, "admin.col.action", NULL);
		buf_add(b, "<span>");
		layout_named(b, pb, "action.", e->action);
		buf_add(b, "<br><code>");
		buf_html(b, e->action);
		buf_add(b, "</code></span></td>");
		layout_td(b, pb, "admin.col.target", "name");
		buf_html(b, e->target);
		buf_add(b, "</td>");
		layout_td(b, pb, "admin.col.addr", NULL);
		buf_html(b, e->addr);
		buf_add(b, "</td>");
		layout_td(b, pb, "admin.col.result", cls);
		layout_named(b, pb, "result.", e->result);
		buf_add(b, "</td>");
		layout_td(b, pb, "admin.col.detail", "detail");
		buf_html(b, e->detail);
		buf_add(b, "</td></tr>\n");
	}
	buf_add(b, "</tbody>\n</table>\n</div>\n");
	if (v->page > 1 || v->page < v->pages) {
		buf_add(b, "<p class=\"actions\">");
		if (v->page > 1) {
			buf_add(b, "<a id=\"newer-page\" href=\"");
			audit_href(b, v, v->page - 1);
			buf_add(b, "\">");
			layout_t(b, pb, "admin.audit.newer");
			buf_add(b, "</a> ");
		}
		if (v->page < v->pages) {
			buf_add(b, "<a id=\"older-page\" href=\"");
			audit_href(b, v, v->page + 1);
			buf_add(b, "\">");
			layout_t(b, pb, "admin.audit.older");
			buf_add(b, "</a>");
		}
		buf_add(b, "</p>\n");
	}
	layout_end(b, pb);
}

/* ---- GET /admin/inventory.csv --------------------------------------------- */

void
admin_csv_header(sk_buf *b)
{
	buf_add(b, sk_inventory_csv_header());
}

/* The row as the library writes it (same as `sekisho inventory --format csv`). */
void
admin_csv_row(sk_buf *b, const sk_inventory_row *row)
{
	char line[2048];

	if (sk_inventory_csv_row(row, line, sizeof(line)) > 0)
		buf_add(b, line);
}
