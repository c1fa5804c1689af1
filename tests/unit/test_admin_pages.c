/*
 * tests/unit/test_admin_pages.c - the administrator's console.
 *
 * First the pages alone (admin_pages.c), in both languages, fed hostile
 * values: everything escaped, the contract's ids present and unique, the
 * CSRF token in every POST form, no inline script or style, no forms at all
 * for a read-only auditor; the CSV export's quoting and formula defusing.
 * Then the console through portal_handle() over an in-memory database, as
 * the server runs it: who may see and change what, CSRF, the library's
 * answers (last admin, two-person rule, B8 password re-check) on the page.
 */
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"
#include "totputil.h"

#include "admin_pages.h"
#include "http.h"
#include "i18n.h"

#define CSRF "csrf-TOKEN_0123456789abcdef"
#define EVIL "<script>\"'&"
#define EVIL_ESC "&lt;script&gt;&quot;&#39;&amp;"
#define EVIL_URL "%3Cscript%3E%22%27%26"

static const char *const langs[] = {"ja", "en"};

/* ---- checks shared by every page ---------------------------------------- */

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;
	const char *p = hay;

	while ((p = strstr(p, needle)) != NULL) {
		n++;
		p += strlen(needle);
	}
	return n;
}

#define assert_has(html, s) do { \
	if (strstr((html), (s)) == NULL) \
		fail_msg("missing %s", (s)); \
} while (0)

#define assert_hasnt(html, s) do { \
	if (strstr((html), (s)) != NULL) \
		fail_msg("unexpected %s", (s)); \
} while (0)

/* Catalog text as it appears in a page: escaped. */
static const char *
esc(const char *text)
{
	static char out[4][2048];
	static unsigned next;
	char *o = out[next++ % 4];
	size_t n = 0;

	for (; *text && n + 8 < sizeof(out[0]); text++) {
		const char *rep = *text == '&' ? "&amp;" : *text == '<' ? "&lt;" :
				  *text == '>' ? "&gt;" : *text == '"' ? "&quot;" :
				  *text == '\'' ? "&#39;" : NULL;
		if (rep != NULL) {
			memcpy(o + n, rep, strlen(rep));
			n += strlen(rep);
		} else {
			o[n++] = *text;
		}
	}
	o[n] = '\0';
	return o;
}

/* The catalog text of key, in lang, is on the page. */
#define assert_tr(html, lang, key) assert_has((html), esc(tr((lang), (key))))

static void
check_unique_ids(const char *html)
{
	const char *p = html;

	while ((p = strstr(p, " id=\"")) != NULL) {
		const char *v = p + 5, *e = strchr(v, '"');
		char id[128], pat[160];

		assert_non_null(e);
		assert_true((size_t)(e - v) < sizeof(id));
		memcpy(id, v, (size_t)(e - v));
		id[e - v] = '\0';
		snprintf(pat, sizeof(pat), " id=\"%s\"", id);
		if (count(html, pat) != 1)
			fail_msg("id %s appears %zu times", id, count(html, pat));
		p = e;
	}
}

/* Every <label for="X"> names an element of the page. */
static void
check_labels(const char *html)
{
	const char *p = html;

	while ((p = strstr(p, "<label for=\"")) != NULL) {
		const char *v = p + 12, *e = strchr(v, '"');
		char pat[160];

		assert_non_null(e);
		snprintf(pat, sizeof(pat), " id=\"%.*s\"", (int)(e - v), v);
		if (strstr(html, pat) == NULL)
			fail_msg("label for a missing element: %s", pat);
		p = e;
	}
}

/*
 * What every admin page must satisfy.  signed_in: the header's sign-out
 * form; post_forms: how many POST forms besides it (-1: any number).
 */
/* The CSRF token the forms must carry (the console tests use real ones). */
static const char *want_csrf = CSRF;

static void
check_common(const char *html, const char *lang, long post_forms)
{
	char want[64];
	const char *p;
	size_t forms, posts;

	assert_int_equal(strncmp(html, "<!doctype html>\n", 16), 0);
	snprintf(want, sizeof(want), "<html lang=\"%s\">", lang);
	assert_has(html, want);
	assert_has(html, "<h1>");
	assert_has(html, "</html>\n");
	assert_has(html, "<nav class=\"actions admin-nav\"");
	assert_has(html, "<main class=\"wide admin");
	/* One stylesheet for every page: the portal's, with the console's rules. */
	assert_int_equal(count(html, "<link rel=\"stylesheet\" href=\"/static/sekisho.css\">"), 1);
	assert_int_equal(count(html, "rel=\"stylesheet\""), 1);
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<style"));
	assert_null(strstr(html, "style="));
	assert_null(strstr(html, "javascript:"));
	for (p = html; (p = strstr(p, " on")) != NULL; p++) {
		const char *q = p + 3;

		while (*q >= 'a' && *q <= 'z')
			q++;
		if (*q == '=')
			fail_msg("event handler attribute at %.20s", p);
	}
	assert_null(strstr(html, "{n}"));
	/* The raw hostile value never appears; only its escaped form. */
	assert_null(strstr(html, EVIL));
	assert_null(strstr(html, "<script>"));
	/* Every POST form carries the token inside it; other forms only GET. */
	forms = count(html, "<form ");
	posts = count(html, "<form method=\"post\"");
	assert_int_equal(forms, count(html, "</form>"));
	assert_int_equal(forms, posts + count(html, "<form method=\"get\""));
	for (p = html; (p = strstr(p, "<form method=\"post\"")) != NULL; p++) {
		const char *end = strstr(p, "</form>"), *tok;

		assert_non_null(end);
		char field[128];

		snprintf(field, sizeof(field), "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
			 want_csrf);
		tok = strstr(p, field);
		assert_true(tok != NULL && tok < end);
	}
	/* The header's sign-out is one of them. */
	assert_has(html, "action=\"/logout\"");
	if (post_forms >= 0 && posts != (size_t)post_forms + 1)
		fail_msg("%zu POST forms, want %ld + sign-out", posts, post_forms);
	check_unique_ids(html);
	check_labels(html);
}

static page_base
base(const char *lang, const char *path)
{
	page_base pb;

	memset(&pb, 0, sizeof(pb));
	pb.lang = lang;
	pb.csrf = CSRF;
	pb.path = path;
	pb.user = "admin";
	pb.is_admin = 1;
	return pb;
}

static char *
take(sk_buf *b)
{
	char *s;

	assert_false(b->oom);
	s = buf_take(b, NULL);
	assert_non_null(s);
	return s;
}

static sk_inventory_row
evil_row(void)
{
	sk_inventory_row r;

	memset(&r, 0, sizeof(r));
	r.user.id = 7;
	strcpy(r.user.name, EVIL);
	strcpy(r.user.email, EVIL "@example.com");
	strcpy(r.user.last_signin_addr, EVIL);
	r.user.role = SK_ROLE_USER;
	r.user.created_at = 1700000000;
	r.user.last_signin_at = 1700003600;
	r.user.expires_at = 1800000000;
	r.effective_role = SK_ROLE_ADMIN;
	r.grant_until = 1700086400;
	r.mfa_devices = 2;
	r.recovery_left = 9;
	r.locked_until = INT64_MAX;
	r.flags = (1u << SK_INV__COUNT) - 1;
	return r;
}

/* ---- the pages ---------------------------------------------------------- */

static void
test_accounts(void **state)
{
	sk_inventory_row rows[2];

	(void)state;
	rows[0] = evil_row();
	memset(&rows[1], 0, sizeof(rows[1]));
	strcpy(rows[1].user.name, "new");
	for (size_t i = 0; i < 2; i++) {
		for (int ro = 0; ro < 2; ro++) {
			page_base pb = base(langs[i], "/admin");
			admin_accounts_view v = {rows, 2, 5, 9, EVIL, "no-mfa", ro};
			sk_buf b;
			char *h;

			buf_init(&b);
			admin_page_accounts(&b, &pb, &v);
			h = take(&b);
			check_common(h, langs[i], 0);
			assert_has(h, "<table id=\"accounts\"");
			assert_has(h, "<tr data-user=\"" EVIL_ESC "\">");
			assert_has(h, "<tr data-user=\"new\">");
			assert_has(h, "href=\"/admin/users/" EVIL_URL "\">" EVIL_ESC "</a>");
			/* "new" is the creation form's segment: its page ends with "/". */
			assert_has(h, "href=\"/admin/users/new/\">new</a>");
			assert_has(h, EVIL_ESC "@example.com");
			assert_has(h, "<form method=\"get\" action=\"/admin\"");
			assert_has(h, "id=\"q\" name=\"q\"");
			assert_has(h, "value=\"" EVIL_ESC "\"");
			assert_has(h, "<select id=\"flag\" name=\"flag\">");
			assert_has(h, "<option value=\"no-mfa\" selected>");
			assert_has(h, "id=\"clear-search\"");
			assert_has(h, "id=\"export-csv\" class=\"button secondary\" href=\"/admin/inventory.csv\"");
			assert_has(h, "id=\"approvals\" href=\"/admin/approvals\"");
			assert_has(h, "id=\"audit\" href=\"/admin/audit\"");
			assert_has(h, "id=\"nav-accounts\" href=\"/admin\" aria-current=\"page\"");
			/* Every flag as a badge, translated. */
			for (unsigned f = 0; f < SK_INV__COUNT; f++) {
				char want[96], key[64];

				snprintf(want, sizeof(want), "data-flag=\"%s\"",
					 sk_inventory_flag_name(1u << f));
				assert_has(h, want);
				snprintf(key, sizeof(key), "admin.flag.%s",
					 sk_inventory_flag_name(1u << f));
				assert_true(tr(langs[i], key) != key);
				assert_has(h, esc(tr(langs[i], key)));
			}
			assert_tr(h, langs[i], "role.admin");
			/* 2 shown of 5 matching: said so. */
			assert_has(h, "<strong>5</strong>");
			assert_has(h, "<strong>9</strong>");
			assert_int_equal(strstr(h, "id=\"create-user\"") == NULL, ro);
			assert_int_equal(strstr(h, "id=\"read-only\"") != NULL, ro);
			free(h);
		}
	}
	/* Nothing found. */
	{
		page_base pb = base("en", "/admin");
		admin_accounts_view v = {NULL, 0, 0, 3, "", "", 0};
		sk_buf b;
		char *h;

		buf_init(&b);
		admin_page_accounts(&b, &pb, &v);
		h = take(&b);
		check_common(h, "en", 0);
		assert_tr(h, "en", "admin.accounts.none");
		assert_hasnt(h, "id=\"clear-search\"");
		free(h);
	}
}

static void
test_new_user(void **state)
{
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		page_base pb = base(langs[i], "/admin/users/new");
		admin_new_user_view v = {EVIL, EVIL, "auditor", "2030-01-31", NULL, NULL};
		sk_buf b;
		char *h;

		pb.error = tr(langs[i], "admin.error.name");
		buf_init(&b);
		admin_page_new_user(&b, &pb, &v);
		h = take(&b);
		check_common(h, langs[i], 1);
		assert_has(h, "<form method=\"post\" action=\"/admin/users/new\"");
		assert_has(h, "id=\"new_name\" name=\"name\"");
		assert_has(h, "id=\"new_email\" name=\"email\" type=\"email\"");
		assert_has(h, "<select id=\"new_role\" name=\"role\"");
		assert_has(h, "<option value=\"auditor\" selected>");
		assert_has(h, "id=\"new_expires\" name=\"expires\" type=\"date\"");
		assert_has(h, "value=\"2030-01-31\"");
		assert_has(h, "value=\"" EVIL_ESC "\"");
		assert_has(h, "id=\"submit\"");
		assert_has(h, "<div id=\"error\"");
		assert_hasnt(h, "id=\"initial-password\"");
		free(h);

		/* Created: the password once, the link, no form. */
		v = (admin_new_user_view){NULL, NULL, NULL, NULL, "new", EVIL};
		pb.error = NULL;
		pb.notice = "Request #3 waits";
		buf_init(&b);
		admin_page_new_user(&b, &pb, &v);
		h = take(&b);
		check_common(h, langs[i], 0);
		assert_has(h, "<code id=\"initial-password\" class=\"setup-key\">" EVIL_ESC "</code>");
		assert_has(h, "id=\"created-user\" class=\"button\" href=\"/admin/users/new/\"");
		assert_has(h, "<div id=\"notice\"");
		assert_hasnt(h, "id=\"new_name\"");
		free(h);
	}
}

static void
test_user(void **state)
{
	static const char *const buttons[] = {
		"unlock", "set-expiry", "reset-password", "reset-mfa", "set-role", "grant", "delete",
	};
	static const char *const actions[] = {
		"disable", "unlock", "expiry", "role", "grant", "reset-password", "reset-mfa", "delete",
	};
	sk_inventory_row row = evil_row();
	sk_device dev[2];
	sk_grant g[2];

	(void)state;
	memset(dev, 0, sizeof(dev));
	memset(g, 0, sizeof(g));
	dev[0].id = 11;
	strcpy(dev[0].name, EVIL);
	dev[0].confirmed = 1;
	dev[0].created_at = 1700000000;
	dev[1].id = 12;
	strcpy(dev[1].name, "pending");
	dev[1].type = SK_DEVICE_HOTP_TOKEN;
	g[0].id = 1;
	g[0].role = SK_ROLE_ADMIN;
	g[0].until = 1700086400;
	strcpy(g[0].granted_by, EVIL);
	g[1].id = 2;
	g[1].role = SK_ROLE_AUDITOR;
	g[1].until = 1600000000;
	for (size_t i = 0; i < 2; i++) {
		for (int ro = 0; ro < 2; ro++) {
			page_base pb = base(langs[i], "/admin/users/x");
			admin_user_view v = {&row, dev, 2, g, 2, ro ? NULL : EVIL, 1700000000, ro};
			sk_buf b;
			char *h;

			buf_init(&b);
			admin_page_user(&b, &pb, &v);
			h = take(&b);
			check_common(h, langs[i], ro ? 0 : 8);
			assert_has(h, "<dd id=\"user-name\">" EVIL_ESC "</dd>");
			assert_has(h, "<table id=\"user-devices\"");
			assert_has(h, "<tr data-device=\"11\">");
			assert_has(h, "<tr data-device=\"12\">");
			assert_tr(h, langs[i], "admin.device.pending");
			assert_has(h, "<table id=\"user-grants\"");
			assert_tr(h, langs[i], "admin.grant.lapsed");
			assert_tr(h, langs[i], "admin.grant.active");
			assert_tr(h, langs[i], "admin.until_unlocked");
			assert_has(h, "id=\"user-audit\" href=\"/admin/audit?target=" EVIL_URL "\"");
			assert_has(h, "data-state=\"enabled\"");
			if (ro) {
				assert_has(h, "id=\"read-only\"");
				assert_hasnt(h, "id=\"disable\"");
				assert_hasnt(h, "id=\"enable\"");
				assert_hasnt(h, "admin_password");
				assert_hasnt(h, "id=\"initial-password\"");
				free(h);
				continue;
			}
			assert_has(h, "<code id=\"initial-password\" class=\"setup-key\">" EVIL_ESC);
			assert_has(h, "id=\"disable\"");
			assert_hasnt(h, "id=\"enable\"");
			for (size_t k = 0; k < sizeof(buttons) / sizeof(buttons[0]); k++) {
				char want[64];

				snprintf(want, sizeof(want), "<button id=\"%s\" type=\"submit\"",
					 buttons[k]);
				assert_has(h, want);
			}
			for (size_t k = 0; k < sizeof(actions) / sizeof(actions[0]); k++) {
				char want[128];

				snprintf(want, sizeof(want), "<form method=\"post\" "
					 "action=\"/admin/users/%s/%s\"", EVIL_URL, actions[k]);
				assert_has(h, want);
			}
			assert_has(h, "id=\"reset-mfa-password\" name=\"admin_password\" "
				   "type=\"password\" autocomplete=\"current-password\" required");
			assert_has(h, "id=\"expires\" name=\"expires\" type=\"date\"");
			assert_has(h, "value=\"2027-01-15\"");   /* 1800000000 */
			assert_has(h, "<select id=\"role\" name=\"role\"");
			assert_has(h, "<option value=\"user\" selected>");
			assert_has(h, "<select id=\"grant-role\" name=\"role\"");
			assert_has(h, "id=\"grant-until\" name=\"until\" type=\"datetime-local\"");
			assert_has(h, "id=\"delete-confirm\" name=\"confirm\" type=\"checkbox\" "
				   "value=\"yes\" required");
			free(h);
		}
	}
	/* Disabled, nothing flagged, no devices: enable instead of disable. */
	{
		page_base pb = base("en", "/admin/users/x");
		admin_user_view v = {&row, NULL, 0, NULL, 0, NULL, 1700000000, 0};
		sk_buf b;
		char *h;

		row.user.disabled = 1;
		row.flags = 0;
		row.locked_until = 0;
		buf_init(&b);
		admin_page_user(&b, &pb, &v);
		h = take(&b);
		check_common(h, "en", 8);
		assert_has(h, "<button id=\"enable\"");
		assert_hasnt(h, "id=\"disable\"");
		assert_tr(h, "en", "admin.user.devices_none");
		assert_tr(h, "en", "admin.user.grants_none");
		assert_tr(h, "en", "admin.user.no_flags");
		assert_has(h, "data-state=\"disabled\"");
		free(h);
	}
}

static void
test_approvals(void **state)
{
	sk_approval ap[3];
	sk_grant g[1];
	const char *users[1] = {EVIL};

	(void)state;
	memset(ap, 0, sizeof(ap));
	memset(g, 0, sizeof(g));
	for (int k = 0; k < 3; k++) {
		ap[k].id = 3 - k;
		strcpy(ap[k].target, EVIL);
		strcpy(ap[k].requested_by, EVIL);
		ap[k].created_at = 1700000000;
		ap[k].expires_at = 1700086400;
	}
	strcpy(ap[0].action, "grant_admin");
	strcpy(ap[0].param, "until=1700172800");
	ap[0].state = SK_APPROVAL_PENDING;
	strcpy(ap[1].action, EVIL);
	ap[1].state = SK_APPROVAL_APPROVED;
	strcpy(ap[1].decided_by, EVIL);
	ap[1].decided_at = 1700001000;
	strcpy(ap[2].action, "reset_admin_mfa");
	ap[2].state = SK_APPROVAL_PENDING;
	g[0].id = 4;
	g[0].role = SK_ROLE_ADMIN;
	g[0].until = 1700086400;
	strcpy(g[0].granted_by, EVIL);
	for (size_t i = 0; i < 2; i++) {
		for (int ro = 0; ro < 2; ro++) {
			page_base pb = base(langs[i], "/admin/approvals");
			admin_approvals_view v = {ap, 3, g, users, 1, ro ? NULL : EVIL, EVIL,
						  1700000000, ro, !ro && i == 1};
			sk_buf b;
			char *h;

			buf_init(&b);
			admin_page_approvals(&b, &pb, &v);
			h = take(&b);
			check_common(h, langs[i], ro ? 0 : 2);
			assert_has(h, "<table id=\"approvals\"");
			assert_has(h, "<tr data-approval=\"3\" data-state=\"pending\">");
			assert_has(h, "<tr data-approval=\"2\" data-state=\"approved\">");
			assert_has(h, "<tr data-approval=\"1\" data-state=\"pending\">");
			assert_tr(h, langs[i], "admin.request.grant_admin");
			assert_tr(h, langs[i], "admin.request.reset_admin_mfa");
			assert_tr(h, langs[i], "admin.approval.pending");
			assert_has(h, "<table id=\"grants\"");
			assert_has(h, "<tr data-grant=\"4\">");
			assert_has(h, "href=\"/admin/users/" EVIL_URL "\"");
			assert_has(h, "id=\"nav-approvals\" href=\"/admin/approvals\" aria-current=\"page\"");
			if (ro) {
				assert_hasnt(h, "id=\"approve-3\"");
				assert_hasnt(h, "admin_password");
				assert_hasnt(h, "id=\"initial-password\"");
			} else {
				assert_has(h, "<form method=\"post\" action=\"/admin/approvals/3/approve\"");
				assert_has(h, "id=\"approve-password-3\" name=\"admin_password\"");
				/* With a device, the approver's code too (as the CLI asks). */
				if (v.need_code) {
					assert_has(h, "<label class=\"vh\" for=\"approve-code-3\">");
					assert_has(h, "<input id=\"approve-code-3\" name=\"code\" "
						   "type=\"text\" class=\"code\" inputmode=\"numeric\" "
						   "pattern=\"[0-9]*\" maxlength=\"8\" "
						   "autocomplete=\"one-time-code\" required");
					assert_has(h, "id=\"approve-code-1\"");
				} else {
					assert_hasnt(h, "approve-code-");
					assert_hasnt(h, "name=\"code\"");
				}
				assert_has(h, "<button id=\"approve-3\"");
				assert_has(h, "<button id=\"reject-3\" type=\"submit\" class=\"danger\" "
					   "formaction=\"/admin/approvals/3/reject\">");
				assert_hasnt(h, "id=\"approve-2\"");
				assert_has(h, "<code id=\"initial-password\" class=\"setup-key\">" EVIL_ESC);
				assert_has(h, "id=\"initial-password-user\"");
			}
			free(h);
		}
	}
}

static void
test_tokens(void **state)
{
	sk_apitoken tk[3];
	const char *owners[3] = {EVIL, "", "taro"};

	(void)state;
	memset(tk, 0, sizeof(tk));
	tk[0].id = 7;
	strcpy(tk[0].name, EVIL);
	strcpy(tk[0].created_by, EVIL);
	tk[0].scope = SK_SCOPE_ADMIN;
	tk[0].created_at = 1700000000;
	tk[0].expires_at = 1710000000;
	tk[0].last_used_at = 1700000600;
	tk[1].id = 6;                       /* the owner is gone */
	strcpy(tk[1].name, "old");
	tk[1].expires_at = 1600000000;      /* expired */
	tk[2].id = 5;
	strcpy(tk[2].name, "cut");
	tk[2].expires_at = 1710000000;
	tk[2].revoked_at = 1700000300;      /* revoked */
	for (size_t i = 0; i < 2; i++) {
		for (int ro = 0; ro < 2; ro++) {
			page_base pb = base(langs[i], "/admin/tokens");
			admin_tokens_view v = {tk, owners, 3, EVIL, EVIL, EVIL, "admin", "2024-02-12",
					       "2023-11-16", "2024-11-12", NULL, 0, 1700000000, ro};
			sk_buf b;
			char *h;

			buf_init(&b);
			admin_page_tokens(&b, &pb, &v);
			h = take(&b);
			/* One revoke form (the active token) and the creation form. */
			check_common(h, langs[i], ro ? 0 : 2);
			assert_has(h, "id=\"nav-tokens\" href=\"/admin/tokens\" aria-current=\"page\"");
			assert_has(h, "<table id=\"tokens\"");
			assert_has(h, "<tr data-token=\"7\" data-state=\"active\">");
			assert_has(h, "<tr data-token=\"6\" data-state=\"expired\">");
			assert_has(h, "<tr data-token=\"5\" data-state=\"revoked\">");
			assert_has(h, "href=\"/admin/users/" EVIL_URL "\">" EVIL_ESC "</a>");
			assert_has(h, "href=\"/admin/users/taro\">taro</a>");
			assert_tr(h, langs[i], "admin.scope.admin");
			assert_tr(h, langs[i], "admin.token.revoked");
			assert_tr(h, langs[i], "admin.token.expired");
			assert_has(h, "<form method=\"get\" action=\"/admin/tokens\"");
			assert_has(h, "id=\"token-filter\" name=\"owner\"");
			assert_has(h, "id=\"clear-token-filter\"");
			assert_hasnt(h, "id=\"new-token\"");
			if (ro) {
				assert_has(h, "id=\"read-only\"");
				assert_hasnt(h, "id=\"create-token\"");
				assert_hasnt(h, "revoke-token-");
				assert_hasnt(h, "/admin/tokens/new");
				free(h);
				continue;
			}
			assert_has(h, "<form method=\"post\" action=\"/admin/tokens/7/revoke\"");
			assert_has(h, "<button id=\"revoke-token-7\"");
			assert_hasnt(h, "revoke-token-6");
			assert_hasnt(h, "revoke-token-5");
			assert_has(h, "<form method=\"post\" action=\"/admin/tokens/new\"");
			assert_has(h, "id=\"token-owner\" name=\"owner\"");
			assert_has(h, "id=\"token-name\" name=\"name\"");
			assert_has(h, "<select id=\"token-scope\" name=\"scope\"");
			assert_has(h, "<option value=\"admin\" selected>");
			assert_has(h, "id=\"token-expires\" name=\"expires\" type=\"date\"");
			assert_has(h, "value=\"2024-02-12\" min=\"2023-11-16\" max=\"2024-11-12\">");
			assert_has(h, "<button id=\"create-token\"");
			free(h);
		}
	}
	/* Just created: the token once, with the warning; nothing listed. */
	{
		page_base pb = base("ja", "/admin/tokens");
		admin_tokens_view v = {NULL, NULL, 0, "", NULL, NULL, NULL, NULL, NULL, NULL,
				       "skt_" EVIL, 9, 1700000000, 0};
		sk_buf b;
		char *h;

		buf_init(&b);
		admin_page_tokens(&b, &pb, &v);
		h = take(&b);
		check_common(h, "ja", 1);
		assert_has(h, "<code id=\"new-token\" class=\"setup-key\">skt_" EVIL_ESC "</code>");
		assert_has(h, "id=\"new-token-warning\"");
		assert_tr(h, "ja", "admin.tokens.created_once");
		assert_has(h, "#9");
		assert_tr(h, "ja", "admin.tokens.none");
		assert_hasnt(h, "id=\"clear-token-filter\"");
		assert_has(h, "<option value=\"read\" selected>");
		free(h);
	}
}

static void
test_audit(void **state)
{
	sk_audit_event ev[2];

	(void)state;
	memset(ev, 0, sizeof(ev));
	ev[0].seq = 120;
	ev[0].ts = 1700000000;
	strcpy(ev[0].actor, EVIL);
	strcpy(ev[0].action, EVIL);
	strcpy(ev[0].target, EVIL);
	strcpy(ev[0].addr, EVIL);
	strcpy(ev[0].result, EVIL);
	strcpy(ev[0].detail, EVIL);
	ev[1].seq = 119;
	strcpy(ev[1].actor, "admin");
	strcpy(ev[1].action, "user.create");
	strcpy(ev[1].target, "taro");
	strcpy(ev[1].result, "ok");
	for (size_t i = 0; i < 2; i++) {
		for (int chain = -1; chain <= 1; chain++) {
			page_base pb = base(langs[i], "/admin/audit");
			admin_audit_view v = {ev, 2, 140, 2, 3, EVIL, "user.", "", chain, 140, 57};
			sk_buf b;
			char *h;

			buf_init(&b);
			admin_page_audit(&b, &pb, &v);
			h = take(&b);
			check_common(h, langs[i], 0);
			if (chain == 1)
				assert_has(h, "<div id=\"chain-status\" class=\"notice ok\" role=\"status\" "
					   "data-count=\"140\">");
			else if (chain == 0)
				assert_has(h, "<div id=\"chain-status\" class=\"error broken\" "
					   "role=\"alert\" data-count=\"140\" data-bad-seq=\"57\">");
			else
				assert_tr(h, langs[i], "admin.audit.unchecked");
			assert_has(h, "<table id=\"audit\"");
			assert_has(h, "<tr data-seq=\"120\" data-action=\"" EVIL_ESC "\">");
			assert_has(h, "<tr data-seq=\"119\" data-action=\"user.create\">");
			assert_tr(h, langs[i], "action.user.create");
			assert_has(h, "<code>user.create</code>");
			/* 120 came first: newest first as given. */
			assert_true(strstr(h, "data-seq=\"120\"") < strstr(h, "data-seq=\"119\""));
			assert_has(h, "<form method=\"get\" action=\"/admin/audit\"");
			assert_has(h, "id=\"filter-actor\" name=\"actor\"");
			assert_has(h, "id=\"filter-action\" name=\"action\"");
			assert_has(h, "id=\"filter-target\" name=\"target\"");
			assert_has(h, "id=\"clear-filter\"");
			/* Pages keep the filters, encoded. */
			assert_has(h, "id=\"newer-page\" href=\"/admin/audit?actor=" EVIL_URL
				   "&amp;action=user.\"");
			assert_has(h, "id=\"older-page\" href=\"/admin/audit?actor=" EVIL_URL
				   "&amp;action=user.&amp;page=3\"");
			assert_has(h, "<strong id=\"audit-page\">2</strong>");
			free(h);
		}
	}
	/* One page, no events, no filters. */
	{
		page_base pb = base("en", "/admin/audit");
		admin_audit_view v = {NULL, 0, 0, 1, 1, "", "", "", 1, 0, 0};
		sk_buf b;
		char *h;

		buf_init(&b);
		admin_page_audit(&b, &pb, &v);
		h = take(&b);
		check_common(h, "en", 0);
		assert_tr(h, "en", "admin.audit.none");
		assert_hasnt(h, "id=\"newer-page\"");
		assert_hasnt(h, "id=\"older-page\"");
		assert_hasnt(h, "id=\"clear-filter\"");
		free(h);
	}
}

static void
test_csv(void **state)
{
	static const struct {
		const char *email, *want;
	} cases[] = {
		{"", ""},
		{"taro@example.com", "taro@example.com"},
		{"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
		{"+1-555", "\"'+1-555\""},
		{"-2+3", "\"'-2+3\""},
		{"@SUM(A1)", "\"'@SUM(A1)\""},
		{"\tcmd", "\"'\tcmd\""},
		{"a,b", "\"a,b\""},
		{"say \"hi\"", "\"say \"\"hi\"\"\""},
		{"two\nlines", "\"two\nlines\""},
	};
	sk_inventory_row row = evil_row();
	sk_buf b;
	char *s, want[512];

	(void)state;
	buf_init(&b);
	admin_csv_header(&b);
	s = take(&b);
	assert_string_equal(s, "name,email,role,effective_role,state,created,expires,last_signin,"
			       "mfa_devices,recovery_codes_left,locked_until,flags\n");
	free(s);
	strcpy(row.user.name, "taro");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		strcpy(row.user.email, cases[i].email);
		buf_init(&b);
		admin_csv_row(&b, &row);
		s = take(&b);
		snprintf(want, sizeof(want), "taro,%s,user,admin,enabled,2023-11-14 22:13 UTC,"
			 "2027-01-15 08:00 UTC,2023-11-14 23:13 UTC,2,9,until unlocked,",
			 cases[i].want);
		if (strncmp(s, want, strlen(want)) != 0)
			fail_msg("csv row\n got %s\nwant %s", s, want);
		assert_has(s, "never-signed-in;stale;no-mfa;privileged-without-mfa;expired;locked;"
			   "disabled;must-change-password\n");
		free(s);
	}
	/* Never signed in, no flags: "-" and an empty last field. */
	memset(&row, 0, sizeof(row));
	strcpy(row.user.name, "hanako");
	buf_init(&b);
	admin_csv_row(&b, &row);
	s = take(&b);
	assert_string_equal(s, "hanako,,user,user,enabled,-,-,-,0,0,-,\n");
	free(s);
}

static void
test_catalog(void **state)
{
	unsigned n = tr_count(), admin = 0;

	(void)state;
	for (unsigned i = 0; i < n; i++) {
		const char *k = tr_key(i);

		if (strncmp(k, "admin.", 6) != 0)
			continue;
		admin++;
		/* Every admin text is translated, not copied. */
		if (strcmp(tr("en", k), tr("ja", k)) == 0)
			fail_msg("%s is the same in ja and en", k);
	}
	assert_true(admin > 150);
	/* Every audit action of the library has a name in both languages. */
	static const char *const actions[] = {
		"approval.approve", "approval.execute", "approval.expire", "approval.reject",
		"approval.request", "mfa.enroll", "mfa.remove", "mfa.reset", "password.change",
		"password.reset", "password.verify", "recovery.generate", "recovery.use",
		"role.change", "role.grant", "role.lapse", "role.revoke", "session.revoke",
		"signin.locked", "signin.ok", "signin.password", "signin.mfa", "signin.recovery",
		"signout", "user.create", "user.delete", "user.disable", "user.enable",
		"user.expiry", "user.unlock", "user.update", "token.create", "token.revoke",
		"mfa.assign", "signin.stepup",
	};
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		char key[64];

		snprintf(key, sizeof(key), "action.%s", actions[i]);
		if (tr("en", key) == key)
			fail_msg("missing %s", key);
	}
	for (unsigned f = 0; f < SK_INV__COUNT; f++) {
		char key[64];

		snprintf(key, sizeof(key), "admin.flag.%s", sk_inventory_flag_name(1u << f));
		if (tr("en", key) == key)
			fail_msg("missing %s", key);
	}
}

/* ---- the console through portal_handle ---------------------------------- */

#define ADDR "192.0.2.10"
#define ADMIN_PW "Kasumi-ga-seki-42!"
#define AUDITOR_PW "Hirakawa-cho-77?"
#define USER_PW "Nagata-cho-1-7-1#"

struct console {
	test_env *t;
	server_config sc;
	char admin_tok[SK_TOKEN_LEN + 1], admin_csrf[SK_TOKEN_LEN + 1];
	char auditor_tok[SK_TOKEN_LEN + 1], auditor_csrf[SK_TOKEN_LEN + 1];
	char user_tok[SK_TOKEN_LEN + 1], user_csrf[SK_TOKEN_LEN + 1];
	http_out out;
	char *html;
};

/* A signed-in session of name, as after a whole sign-in. */
static void
session_for(struct console *c, const char *name, char tok[SK_TOKEN_LEN + 1],
	    char csrf[SK_TOKEN_LEN + 1])
{
	sk_session s;
	sk_user u;

	assert_int_equal(sk_account_get(c->t->ctx, name, &u), SK_OK);
	assert_int_equal(sk_session_create(c->t->ctx, ADDR, "test", tok, &s), SK_OK);
	s.signin.step = SK_STEP_DONE;
	s.signin.user_id = u.id;
	snprintf(s.signin.name, sizeof(s.signin.name), "%s", u.name);
	s.signin.mfa_ok = 1;
	assert_int_equal(sk_session_save(c->t->ctx, &s), SK_OK);
	assert_int_equal(sk_session_csrf(c->t->ctx, tok, csrf), SK_OK);
}

static struct console *
console_new(void)
{
	struct console *c = calloc(1, sizeof(*c));
	sk_actor local = test_local_actor();

	assert_non_null(c);
	c->t = test_env_new(NULL);
	snprintf(c->sc.listen_addr, sizeof(c->sc.listen_addr), "127.0.0.1");
	c->sc.port = 8080;
	(void)test_add_user(c->t, "boss", SK_ROLE_ADMIN, ADMIN_PW);
	(void)test_add_user(c->t, "eve", SK_ROLE_AUDITOR, AUDITOR_PW);
	(void)test_add_user(c->t, "taro", SK_ROLE_USER, USER_PW);
	assert_int_equal(sk_account_set_email(c->t->ctx, &local, "taro", EVIL "@example.com"),
			 SK_OK);
	session_for(c, "boss", c->admin_tok, c->admin_csrf);
	session_for(c, "eve", c->auditor_tok, c->auditor_csrf);
	session_for(c, "taro", c->user_tok, c->user_csrf);
	return c;
}

static void
console_reset(struct console *c)
{
	buf_free(&c->out.body);
	free(c->html);
	c->html = NULL;
	memset(&c->out, 0, sizeof(c->out));
}

static void
console_free(struct console *c)
{
	console_reset(c);
	test_env_free(c->t);
	free(c);
}

/*
 * One request as the server makes it.  tok: the session cookie (NULL: none);
 * body: an urlencoded form for POST (NULL: GET).  Returns the status; the
 * page is in c->html.
 */
static int
request(struct console *c, const char *tok, const char *path, const char *query,
	const char *body)
{
	http_in in;
	char cookie[128];

	console_reset(c);
	memset(&in, 0, sizeof(in));
	snprintf(in.method, sizeof(in.method), "%s", body != NULL ? "POST" : "GET");
	snprintf(in.path, sizeof(in.path), "%s", path);
	snprintf(in.query, sizeof(in.query), "%s", query != NULL ? query : "");
	snprintf(in.addr, sizeof(in.addr), ADDR);
	in.accept_language = (char *)(uintptr_t)"en";
	in.agent = (char *)(uintptr_t)"test";
	if (tok != NULL) {
		snprintf(cookie, sizeof(cookie), "sekisho_dev_session=%s", tok);
		in.cookie = cookie;
	}
	if (body != NULL) {
		in.body = (char *)(uintptr_t)body;
		in.body_len = strlen(body);
	}
	buf_init(&c->out.body);
	want_csrf = tok == c->admin_tok ? c->admin_csrf : tok == c->auditor_tok ? c->auditor_csrf :
		    tok == c->user_tok ? c->user_csrf : CSRF;
	portal_handle(c->t->ctx, &c->sc, &in, &c->out);
	assert_false(c->out.body.oom);
	c->html = strdup(c->out.body.data != NULL ? c->out.body.data : "");
	assert_non_null(c->html);
	return c->out.status == 0 ? 200 : c->out.status;
}

/* A form body with the csrf token first. */
static const char *
form(char *buf, size_t size, const char *csrf, const char *rest)
{
	snprintf(buf, size, "csrf=%s%s%s", csrf, rest[0] ? "&" : "", rest);
	return buf;
}

static sk_user
user(struct console *c, const char *name)
{
	sk_user u;

	assert_int_equal(sk_account_get(c->t->ctx, name, &u), SK_OK);
	return u;
}

/* The initial password shown on the page, unescaped. */
static void
shown_password(const char *html, char out[SK_INITIAL_PASSWORD_MAX])
{
	static const char open[] = "<code id=\"initial-password\" class=\"setup-key\">";
	static const struct {
		const char *ent;
		char c;
	} ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
	const char *p = strstr(html, open);
	size_t n = 0;

	assert_non_null(p);
	for (p += strlen(open); *p != '<'; ) {
		size_t k;

		assert_true(*p != '\0' && n + 1 < SK_INITIAL_PASSWORD_MAX);
		for (k = 0; k < sizeof(ents) / sizeof(ents[0]); k++)
			if (strncmp(p, ents[k].ent, strlen(ents[k].ent)) == 0)
				break;
		if (k < sizeof(ents) / sizeof(ents[0])) {
			out[n++] = ents[k].c;
			p += strlen(ents[k].ent);
		} else {
			out[n++] = *p++;
		}
	}
	out[n] = '\0';
	assert_true(n >= 12);
}

static void
test_console_access(void **state)
{
	struct console *c = console_new();
	char body[512];

	(void)state;
	/* The console has no stylesheet of its own: /static/sekisho.css has its rules. */
	assert_int_equal(request(c, NULL, "/admin/console.css", NULL, NULL), 303);
	assert_int_equal(request(c, c->admin_tok, "/admin/console.css", NULL, NULL), 404);
	assert_null(c->out.content_type);
	{
		http_in in;
		http_out out;

		memset(&in, 0, sizeof(in));
		memset(&out, 0, sizeof(out));
		snprintf(in.method, sizeof(in.method), "GET");
		snprintf(in.path, sizeof(in.path), "/static/sekisho.css");
		buf_init(&out.body);
		assert_int_equal(portal_static(&in, &out), 1);
		assert_false(out.body.oom);
		assert_string_equal(out.content_type, "text/css; charset=utf-8");
		assert_non_null(strstr(out.body.data, "main.admin{"));
		assert_non_null(strstr(out.body.data, "nav.admin-nav{"));
		assert_non_null(strstr(out.body.data, ".badge.flag[data-flag=locked]"));
		assert_null(strstr(out.body.data, "</"));
		buf_free(&out.body);
	}
	/* Nothing else answers without a session. */
	/* Not signed in: to the sign-in, and back here after it. */
	assert_int_equal(request(c, NULL, "/admin/audit", NULL, NULL), 303);
	assert_string_equal(c->out.location, "/login?rd=%2Fadmin%2Faudit");
	/* A plain user: forbidden. */
	assert_int_equal(request(c, c->user_tok, "/admin", NULL, NULL), 403);
	assert_tr(c->html, "en", "error.forbidden");
	assert_int_equal(request(c, c->user_tok, "/admin/inventory.csv", NULL, NULL), 403);
	assert_int_equal(request(c, c->user_tok, "/admin/users/taro/disable",
				 NULL, form(body, sizeof(body), c->user_csrf, "")), 403);

	/* The auditor reads everything, with no form but sign-out. */
	assert_int_equal(request(c, c->auditor_tok, "/admin", NULL, NULL), 200);
	check_common(c->html, "en", -1);
	assert_int_equal(count(c->html, "<form method=\"post\""), 1);
	assert_has(c->html, "id=\"read-only\"");
	assert_has(c->html, "<tr data-user=\"taro\">");
	assert_hasnt(c->html, "id=\"create-user\"");
	assert_int_equal(request(c, c->auditor_tok, "/admin/users/taro", NULL, NULL), 200);
	assert_int_equal(count(c->html, "<form method=\"post\""), 1);
	assert_hasnt(c->html, "id=\"disable\"");
	assert_int_equal(request(c, c->auditor_tok, "/admin/approvals", NULL, NULL), 200);
	assert_int_equal(request(c, c->auditor_tok, "/admin/audit", NULL, NULL), 200);
	assert_int_equal(request(c, c->auditor_tok, "/admin/inventory.csv", NULL, NULL), 200);
	/* ... and changes nothing, even with its own valid CSRF token. */
	assert_int_equal(request(c, c->auditor_tok, "/admin/users/taro/disable", NULL,
				 form(body, sizeof(body), c->auditor_csrf, "")), 403);
	assert_tr(c->html, "en", "admin.error.read_only");
	assert_int_equal(request(c, c->auditor_tok, "/admin/users/new", NULL,
				 form(body, sizeof(body), c->auditor_csrf, "name=x&role=admin")),
			 403);
	assert_int_equal(user(c, "taro").disabled, 0);
	assert_int_equal(sk_account_get(c->t->ctx, "x", &(sk_user){0}), SK_ERR_NOTFOUND);

	/* The administrator: POSTs need the session's CSRF token. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro/disable", NULL,
				 "csrf=wrong"), 403);
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro/disable", NULL,
				 form(body, sizeof(body), c->auditor_csrf, "")), 403);
	assert_int_equal(user(c, "taro").disabled, 0);
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro/disable", NULL,
				 form(body, sizeof(body), c->admin_csrf, "")), 200);
	assert_int_equal(user(c, "taro").disabled, 1);
	assert_tr(c->html, "en", "admin.notice.disabled");
	assert_has(c->html, "<button id=\"enable\"");
	/* A GET of an action goes to the account's page. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro/enable", NULL, NULL), 303);
	assert_string_equal(c->out.location, "/admin/users/taro");
	assert_int_equal(user(c, "taro").disabled, 1);
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro/enable", NULL,
				 form(body, sizeof(body), c->admin_csrf, "")), 200);
	assert_int_equal(user(c, "taro").disabled, 0);
	/* Unknown things. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/nobody", NULL, NULL), 404);
	assert_int_equal(request(c, c->admin_tok, "/admin/users/%3Cx%3E", NULL, NULL), 404);
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro/explode", NULL,
				 form(body, sizeof(body), c->admin_csrf, "")), 404);
	assert_int_equal(request(c, c->admin_tok, "/admin/nothing", NULL, NULL), 404);
	assert_int_equal(request(c, c->admin_tok, "/admin/approvals/0/approve", NULL,
				 form(body, sizeof(body), c->admin_csrf, "")), 404);
	console_free(c);
}

static void
test_console_accounts(void **state)
{
	struct console *c = console_new();
	char body[512];
	sk_user u;

	(void)state;
	assert_int_equal(request(c, c->admin_tok, "/admin", NULL, NULL), 200);
	check_common(c->html, "en", 0);
	assert_has(c->html, "<tr data-user=\"boss\">");
	assert_has(c->html, "<tr data-user=\"taro\">");
	assert_has(c->html, EVIL_ESC "@example.com");
	assert_has(c->html, "id=\"create-user\"");
	/* Search by e-mail (case-insensitive), and by flag. */
	assert_int_equal(request(c, c->admin_tok, "/admin", "q=EXAMPLE.com", NULL), 200);
	assert_has(c->html, "<tr data-user=\"taro\">");
	assert_hasnt(c->html, "<tr data-user=\"boss\">");
	assert_int_equal(request(c, c->admin_tok, "/admin", "flag=privileged-without-mfa", NULL),
			 200);
	assert_has(c->html, "<tr data-user=\"boss\">");
	assert_hasnt(c->html, "<tr data-user=\"taro\">");
	assert_int_equal(request(c, c->admin_tok, "/admin", "flag=bogus", NULL), 200);
	assert_has(c->html, "<tr data-user=\"taro\">");

	/* The CSV. */
	assert_int_equal(request(c, c->admin_tok, "/admin/inventory.csv", NULL, NULL), 200);
	assert_string_equal(c->out.content_type, "text/csv; charset=utf-8");
	assert_int_equal(strncmp(c->html, "name,email,", 11), 0);
	/* The e-mail holds a quote: quoted, the quote doubled. */
	assert_has(c->html, "\ntaro,\"<script>\"\"'&@example.com\",user,user,enabled,");

	/* Create: the password once; it works and must be changed. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/new", NULL, NULL), 200);
	check_common(c->html, "en", 1);
	assert_int_equal(request(c, c->admin_tok, "/admin/users/new", NULL,
				 form(body, sizeof(body), c->admin_csrf,
				      "name=Hanako&email=h%40example.com&role=user&expires=2030-01-31")),
			 200);
	check_common(c->html, "en", 0);
	char initial[SK_INITIAL_PASSWORD_MAX];
	shown_password(c->html, initial);
	assert_has(c->html, "href=\"/admin/users/hanako\"");
	u = user(c, "hanako");
	assert_int_equal(u.must_change, 1);
	assert_int_equal(u.expires_at, 1896134399); /* 2030-01-31 23:59:59 UTC */
	assert_int_equal(sk_account_verify_password(c->t->ctx, u.id, ADDR, initial,
						    strlen(initial)), SK_OK);
	/* Errors keep the form and its values. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/new", NULL,
				 form(body, sizeof(body), c->admin_csrf, "name=hanako&role=user")),
			 409);
	assert_tr(c->html, "en", "admin.error.exists");
	assert_has(c->html, "value=\"hanako\"");
	assert_int_equal(request(c, c->admin_tok, "/admin/users/new", NULL,
				 form(body, sizeof(body), c->admin_csrf, "name=%3Cb%3E&role=user")),
			 400);
	assert_tr(c->html, "en", "admin.error.name");
	assert_has(c->html, "value=\"&lt;b&gt;\"");
	assert_int_equal(request(c, c->admin_tok, "/admin/users/new", NULL,
				 form(body, sizeof(body), c->admin_csrf, "name=jiro&role=root")),
			 400);
	assert_tr(c->html, "en", "admin.error.role");
	assert_int_equal(request(c, c->admin_tok, "/admin/users/new", NULL,
				 form(body, sizeof(body), c->admin_csrf,
				      "name=jiro&role=user&expires=2030-02-30")), 400);
	assert_tr(c->html, "en", "admin.error.date");
	assert_int_equal(sk_account_get(c->t->ctx, "jiro", &u), SK_ERR_NOTFOUND);

	/* The account's page. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro", NULL, NULL), 200);
	check_common(c->html, "en", 8);
	assert_has(c->html, "<dd id=\"user-name\">taro</dd>");
	assert_has(c->html, "id=\"disable\"");

	/* Expiry: a date, then never; a bad date changes nothing. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro/expiry", NULL,
				 form(body, sizeof(body), c->admin_csrf, "expires=2031-12-31")), 200);
	assert_int_equal(user(c, "taro").expires_at, 1956527999);
	assert_has(c->html, "value=\"2031-12-31\"");
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro/expiry", NULL,
				 form(body, sizeof(body), c->admin_csrf, "expires=31%2F12%2F2031")),
			 400);
	assert_int_equal(user(c, "taro").expires_at, 1956527999);
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro/expiry", NULL,
				 form(body, sizeof(body), c->admin_csrf, "expires=")), 200);
	assert_int_equal(user(c, "taro").expires_at, 0);

	/* Reset the password: a new one, shown once. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro/reset-password", NULL,
				 form(body, sizeof(body), c->admin_csrf, "")), 200);
	assert_has(c->html, "<code id=\"initial-password\"");
	assert_int_equal(user(c, "taro").must_change, 1);

	/* Role and grants. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro/role", NULL,
				 form(body, sizeof(body), c->admin_csrf, "role=auditor")), 200);
	assert_int_equal(user(c, "taro").role, SK_ROLE_AUDITOR);
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro/grant", NULL,
				 form(body, sizeof(body), c->admin_csrf,
				      "role=auditor&until=2023-11-01T10%3A00")), 400);
	assert_tr(c->html, "en", "admin.error.until");
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro/grant", NULL,
				 form(body, sizeof(body), c->admin_csrf,
				      "role=user&until=2023-12-01T10%3A00")), 400);
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro/grant", NULL,
				 form(body, sizeof(body), c->admin_csrf,
				      "role=admin&until=2023-12-01T10%3A00")), 200);
	assert_tr(c->html, "en", "admin.notice.granted");
	assert_has(c->html, "<table id=\"user-grants\"");
	assert_has(c->html, "2023-12-01 10:00 UTC");
	assert_int_equal(request(c, c->admin_tok, "/admin/approvals", NULL, NULL), 200);
	check_common(c->html, "en", 0);
	assert_has(c->html, "<table id=\"grants\"");
	assert_has(c->html, "href=\"/admin/users/taro\">taro</a>");

	/* The last administrator stays. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/boss/role", NULL,
				 form(body, sizeof(body), c->admin_csrf, "role=user")), 409);
	assert_tr(c->html, "en", "admin.error.last_admin");
	assert_int_equal(user(c, "boss").role, SK_ROLE_ADMIN);

	/* Delete: only when confirmed. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/hanako/delete", NULL,
				 form(body, sizeof(body), c->admin_csrf, "")), 400);
	assert_tr(c->html, "en", "admin.error.confirm");
	assert_int_equal(sk_account_get(c->t->ctx, "hanako", &u), SK_OK);
	assert_int_equal(request(c, c->admin_tok, "/admin/users/hanako/delete", NULL,
				 form(body, sizeof(body), c->admin_csrf, "confirm=yes")), 200);
	assert_tr(c->html, "en", "admin.notice.deleted");
	assert_hasnt(c->html, "<tr data-user=\"hanako\">");
	assert_int_equal(sk_account_get(c->t->ctx, "hanako", &u), SK_ERR_NOTFOUND);
	console_free(c);
}

static int
mfa_devices(struct console *c, const char *name)
{
	unsigned n = 99;

	assert_int_equal(sk_mfa_count(c->t->ctx, user(c, name).id, &n), SK_OK);
	return (int)n;
}

static void
add_device(struct console *c, const char *name)
{
	char secret[128];

	(void)enroll_app(c->t, user(c, name).id, "phone", secret, sizeof(secret));
}

/*
 * An approver's decision form: password (urlencoded) and the code of secret
 * one step later (the clock moves on, so each code is fresh, as a person
 * waits for the next one).
 */
static const char *
decision(struct console *c, char *buf, size_t size, const char *csrf, const char *pw,
	 const char *secret)
{
	char code[SK_OTP_CODE_MAX + 1], rest[256];

	c->t->now += c->t->cfg.otp.period;
	totp_at(c->t, secret, c->t->now, code);
	snprintf(rest, sizeof(rest), "admin_password=%s&code=%s", pw, code);
	return form(buf, size, csrf, rest);
}

static void
test_console_mfa_reset_and_approvals(void **state)
{
	struct console *c = console_new();
	char body[512];

	(void)state;
	add_device(c, "taro");
	assert_int_equal(mfa_devices(c, "taro"), 1);
	/* B8: the administrator's own password first. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro/reset-mfa", NULL,
				 form(body, sizeof(body), c->admin_csrf, "admin_password=guess")),
			 401);
	assert_tr(c->html, "en", "admin.error.admin_password");
	assert_int_equal(mfa_devices(c, "taro"), 1);
	/* Someone else's password is not the administrator's. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro/reset-mfa", NULL,
				 form(body, sizeof(body), c->admin_csrf,
				      "admin_password=Nagata-cho-1-7-1%23")), 401);
	assert_int_equal(mfa_devices(c, "taro"), 1);
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro/reset-mfa", NULL,
				 form(body, sizeof(body), c->admin_csrf,
				      "admin_password=Kasumi-ga-seki-42%21")), 200);
	assert_tr(c->html, "en", "admin.notice.mfa_reset");
	assert_int_equal(mfa_devices(c, "taro"), 0);
	assert_int_equal(count(c->html, "<tr data-device="), 0);

	/* A second administrator, made at once while boss is the only one. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/new", NULL,
				 form(body, sizeof(body), c->admin_csrf, "name=hanako&role=admin")),
			 200);
	assert_int_equal(user(c, "hanako").role, SK_ROLE_ADMIN);
	{
		/* hanako sets her own password (the forced change) and a device. */
		sk_policy_result pr;
		int64_t id = user(c, "hanako").id;
		char initial[SK_INITIAL_PASSWORD_MAX];
		shown_password(c->html, initial);
		assert_int_equal(sk_account_change_password(c->t->ctx, id, ADDR, initial,
							    strlen(initial), "Sakura-zaka-9-3!",
							    strlen("Sakura-zaka-9-3!"), &pr),
				 SK_OK);
	}
	char boss_key[128], hanako_key[128], kenji_key[128], used[256];
	(void)enroll_app(c->t, user(c, "hanako").id, "phone", hanako_key, sizeof(hanako_key));
	/* Now resetting an administrator's MFA needs a second administrator. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/hanako/reset-mfa", NULL,
				 form(body, sizeof(body), c->admin_csrf,
				      "admin_password=Kasumi-ga-seki-42%21")), 202);
	assert_has(c->html, "Request #1 waits for another administrator");
	assert_int_equal(mfa_devices(c, "hanako"), 1);
	assert_int_equal(request(c, c->admin_tok, "/admin/approvals", NULL, NULL), 200);
	check_common(c->html, "en", 1);
	assert_has(c->html, "<tr data-approval=\"1\" data-state=\"pending\">");
	/* boss has no device yet: no code field; with one, the code field. */
	assert_hasnt(c->html, "approve-code-1");
	(void)enroll_app(c->t, user(c, "boss").id, "phone", boss_key, sizeof(boss_key));
	assert_int_equal(request(c, c->admin_tok, "/admin/approvals", NULL, NULL), 200);
	assert_has(c->html, "id=\"approve-code-1\" name=\"code\"");
	/*
	 * The requester cannot approve it; nor can the account concerned.  Told
	 * before the password and code count: a refusal spends no code.
	 */
	assert_int_equal(request(c, c->admin_tok, "/admin/approvals/1/approve", NULL,
				 form(body, sizeof(body), c->admin_csrf, "")), 403);
	assert_tr(c->html, "en", "admin.error.same_person");
	assert_int_equal(request(c, c->admin_tok, "/admin/approvals/1/approve", NULL,
				 decision(c, body, sizeof(body), c->admin_csrf,
					  "Kasumi-ga-seki-42%21", boss_key)), 403);
	assert_tr(c->html, "en", "admin.error.same_person");
	char tok[SK_TOKEN_LEN + 1], csrf[SK_TOKEN_LEN + 1];
	session_for(c, "hanako", tok, csrf);
	assert_int_equal(request(c, tok, "/admin/approvals/1/approve", NULL,
				 decision(c, body, sizeof(body), csrf, "Sakura-zaka-9-3%21",
					  hanako_key)), 403);
	assert_tr(c->html, "en", "admin.error.same_person");
	/* A third administrator: kenji, whose promotion (request #2) hanako may decide. */
	(void)test_add_user(c->t, "kenji", SK_ROLE_USER, "Toranomon-2-2-1$");
	{
		sk_actor boss = {"boss", ADDR, 0};
		assert_int_equal(sk_account_set_role(c->t->ctx, &boss, "kenji", SK_ROLE_ADMIN),
				 SK_ERR_APPROVAL);
	}
	/* A wrong password decides nothing; nor does the password alone, or a wrong code. */
	assert_int_equal(request(c, tok, "/admin/approvals/2/approve", NULL,
				 form(body, sizeof(body), csrf, "admin_password=x&code=123456")), 401);
	assert_tr(c->html, "en", "admin.error.approver_auth");
	assert_int_equal(request(c, tok, "/admin/approvals/2/approve", NULL,
				 form(body, sizeof(body), csrf,
				      "admin_password=Sakura-zaka-9-3%21")), 401);
	assert_tr(c->html, "en", "admin.error.approver_auth");
	assert_int_equal(request(c, tok, "/admin/approvals/2/approve", NULL,
				 form(body, sizeof(body), csrf,
				      "admin_password=Sakura-zaka-9-3%21&code=12345x")), 401);
	assert_int_equal(user(c, "kenji").role, SK_ROLE_USER);
	/* Password and a fresh code: approved, and kenji is an administrator. */
	assert_int_equal(request(c, tok, "/admin/approvals/2/approve", NULL,
				 decision(c, body, sizeof(body), csrf, "Sakura-zaka-9-3%21",
					  hanako_key)), 200);
	assert_tr(c->html, "en", "admin.notice.approved");
	assert_int_equal(user(c, "kenji").role, SK_ROLE_ADMIN);
	/* kenji, without a device while MFA is required, is told to finish his sign-in. */
	char ktok[SK_TOKEN_LEN + 1], kcsrf[SK_TOKEN_LEN + 1];
	session_for(c, "kenji", ktok, kcsrf);
	assert_int_equal(request(c, ktok, "/admin/approvals/1/approve", NULL,
				 form(body, sizeof(body), kcsrf,
				      "admin_password=Toranomon-2-2-1%24")), 409);
	assert_tr(c->html, "en", "admin.error.approver_setup");
	assert_int_equal(mfa_devices(c, "hanako"), 1);
	/* kenji decides #1 with his password and code; the request runs. */
	(void)enroll_app(c->t, user(c, "kenji").id, "phone", kenji_key, sizeof(kenji_key));
	decision(c, used, sizeof(used), kcsrf, "Toranomon-2-2-1%24", kenji_key);
	assert_int_equal(request(c, ktok, "/admin/approvals/1/approve", NULL, used), 200);
	assert_int_equal(mfa_devices(c, "hanako"), 0);
	assert_has(c->html, "<tr data-approval=\"1\" data-state=\"approved\">");
	/* Decided once only. */
	assert_int_equal(request(c, ktok, "/admin/approvals/1/reject", NULL,
				 form(body, sizeof(body), kcsrf, "")), 409);
	assert_tr(c->html, "en", "admin.error.approval_state");
	assert_int_equal(request(c, ktok, "/admin/approvals/99/reject", NULL,
				 form(body, sizeof(body), kcsrf, "")), 404);

	/* With several administrators, creating one: a user now, the role on approval. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/new", NULL,
				 form(body, sizeof(body), c->admin_csrf, "name=saburo&role=admin")),
			 202);
	assert_has(c->html, "Request #3 waits for another administrator");
	assert_has(c->html, "<code id=\"initial-password\"");
	assert_int_equal(user(c, "saburo").role, SK_ROLE_USER);
	/* An administrator's new password: issued by the approval, shown to the approver. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/hanako/reset-password", NULL,
				 form(body, sizeof(body), c->admin_csrf, "")), 202);
	assert_has(c->html, "Request #4 waits");
	assert_hasnt(c->html, "id=\"initial-password\"");
	/* The code that decided #1 is spent (the clock has not moved): a replay. */
	assert_int_equal(request(c, ktok, "/admin/approvals/4/approve", NULL, used), 401);
	assert_tr(c->html, "en", "admin.error.approver_replay");
	assert_int_equal(user(c, "hanako").must_change, 0);
	assert_int_equal(request(c, ktok, "/admin/approvals/4/approve", NULL,
				 decision(c, body, sizeof(body), kcsrf, "Toranomon-2-2-1%24",
					  kenji_key)), 200);
	assert_has(c->html, "<code id=\"initial-password\"");
	assert_has(c->html, "id=\"initial-password-user\" href=\"/admin/users/hanako\"");
	assert_int_equal(user(c, "hanako").must_change, 1);
	/* Rejected: nothing happens. */
	assert_int_equal(request(c, ktok, "/admin/approvals/3/reject", NULL,
				 decision(c, body, sizeof(body), kcsrf, "Toranomon-2-2-1%24",
					  kenji_key)), 200);
	assert_tr(c->html, "en", "admin.notice.rejected");
	assert_has(c->html, "<tr data-approval=\"3\" data-state=\"rejected\">");
	assert_int_equal(user(c, "saburo").role, SK_ROLE_USER);

	/* The audit log shows it all, chain intact. */
	assert_int_equal(request(c, c->admin_tok, "/admin/audit", NULL, NULL), 200);
	check_common(c->html, "en", 0);
	assert_has(c->html, "<div id=\"chain-status\" class=\"notice ok\"");
	assert_has(c->html, "data-action=\"mfa.reset\"");
	assert_has(c->html, "data-action=\"approval.request\"");
	assert_has(c->html, "data-action=\"user.create\"");
	assert_int_equal(request(c, c->admin_tok, "/admin/audit", "action=approval.&target=HANAKO",
				 NULL), 200);
	assert_has(c->html, "data-action=\"approval.request\"");
	assert_has(c->html, "data-action=\"approval.execute\"");
	assert_hasnt(c->html, "data-action=\"user.create\"");
	assert_hasnt(c->html, "data-action=\"mfa.reset\"");
	assert_int_equal(request(c, c->admin_tok, "/admin/audit", "actor=kenji&action=mfa.", NULL),
			 200);
	assert_has(c->html, "data-action=\"mfa.reset\"");
	assert_hasnt(c->html, "data-action=\"approval.execute\"");
	console_free(c);
}

/* The token text shown on the page (Base64url: nothing to unescape). */
static void
shown_token(const char *html, char out[SK_APITOKEN_LEN + 1])
{
	static const char open[] = "<code id=\"new-token\" class=\"setup-key\">";
	const char *p = strstr(html, open);

	assert_non_null(p);
	p += strlen(open);
	assert_int_equal(strncmp(p, "skt_", 4), 0);
	memcpy(out, p, SK_APITOKEN_LEN);
	out[SK_APITOKEN_LEN] = '\0';
	assert_int_equal(p[SK_APITOKEN_LEN], '<');
}

/* C6 in the console: create (shown once), list, revoke; auditors only look. */
static void
test_console_tokens(void **state)
{
	struct console *c = console_new();
	char body[512], token[SK_APITOKEN_LEN + 1], want[64];
	sk_apitoken tk;

	(void)state;
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens", NULL, NULL), 200);
	check_common(c->html, "en", 1);
	assert_tr(c->html, "en", "admin.tokens.none");
	/* min/max of the expiry: tomorrow to a year less a day (t->now is 2023-11-14). */
	assert_has(c->html, "value=\"2024-02-12\" min=\"2023-11-15\" max=\"2024-11-12\"");

	/* Created for taro, scope read: shown once, and it works. */
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens/new", NULL,
				 form(body, sizeof(body), c->admin_csrf,
				      "owner=taro&name=backup&scope=read&expires=2024-01-31")), 200);
	check_common(c->html, "en", 2);
	assert_has(c->html, "Token #1 created.");
	shown_token(c->html, token);
	assert_int_equal(sk_apitoken_verify(c->t->ctx, token, &tk, NULL), SK_OK);
	assert_int_equal(tk.scope, SK_SCOPE_READ);
	assert_int_equal(tk.expires_at, 1706745599); /* 2024-01-31 23:59:59 UTC */
	assert_string_equal(tk.created_by, "boss");
	assert_has(c->html, "<tr data-token=\"1\" data-state=\"active\">");
	assert_has(c->html, "href=\"/admin/users/taro\">taro</a>");
	/* Listed later without the token: only its hash is kept. */
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens", "owner=TARO", NULL), 200);
	assert_has(c->html, "<tr data-token=\"1\"");
	assert_hasnt(c->html, token);
	assert_hasnt(c->html, "id=\"new-token\"");
	assert_has(c->html, "value=\"taro\"");
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens", "owner=boss", NULL), 200);
	assert_hasnt(c->html, "<tr data-token=\"1\"");
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens", "owner=nobody", NULL), 404);
	assert_tr(c->html, "en", "admin.error.not_found");
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens", "owner=%3Cx%3E", NULL), 404);
	assert_has(c->html, "value=\"&lt;x&gt;\"");
	/* The account's page links to its tokens. */
	assert_int_equal(request(c, c->admin_tok, "/admin/users/taro", NULL, NULL), 200);
	assert_has(c->html, "id=\"user-tokens\" href=\"/admin/tokens?owner=taro\"");

	/* What the library refuses, said on the page; the form keeps its values. */
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens/new", NULL,
				 form(body, sizeof(body), c->admin_csrf,
				      "owner=taro&name=ops&scope=admin&expires=2024-01-31")), 403);
	assert_tr(c->html, "en", "admin.error.token_admin_scope");
	assert_has(c->html, "<option value=\"admin\" selected>");
	assert_has(c->html, "value=\"ops\"");
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens/new", NULL,
				 form(body, sizeof(body), c->admin_csrf,
				      "owner=taro&name=backup&scope=read&expires=2024-01-31")), 409);
	assert_tr(c->html, "en", "admin.error.token_exists");
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens/new", NULL,
				 form(body, sizeof(body), c->admin_csrf,
				      "owner=taro&name=x&scope=read&expires=2025-01-31")), 400);
	assert_tr(c->html, "en", "admin.error.token_expiry");
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens/new", NULL,
				 form(body, sizeof(body), c->admin_csrf,
				      "owner=taro&name=x&scope=read&expires=")), 400);
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens/new", NULL,
				 form(body, sizeof(body), c->admin_csrf,
				      "owner=taro&name=bad%20name&scope=read&expires=2024-01-31")), 400);
	assert_tr(c->html, "en", "admin.error.token_name");
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens/new", NULL,
				 form(body, sizeof(body), c->admin_csrf,
				      "owner=nobody&name=x&scope=read&expires=2024-01-31")), 404);
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens/new", NULL,
				 form(body, sizeof(body), c->admin_csrf,
				      "owner=taro&name=x&scope=root&expires=2024-01-31")), 400);
	assert_tr(c->html, "en", "admin.error.token_scope");
	/* An administrator's token may have scope admin. */
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens/new", NULL,
				 form(body, sizeof(body), c->admin_csrf,
				      "owner=boss&name=ops&scope=admin&expires=2024-01-31")), 200);
	assert_has(c->html, "Token #2 created.");
	assert_hasnt(c->html, token); /* the first one is not shown again */

	/* The auditor sees the list, with no form, and cannot revoke or create. */
	assert_int_equal(request(c, c->auditor_tok, "/admin/tokens", NULL, NULL), 200);
	check_common(c->html, "en", 0);
	assert_has(c->html, "<tr data-token=\"1\" data-state=\"active\">");
	assert_hasnt(c->html, "revoke-token-");
	assert_hasnt(c->html, "id=\"create-token\"");
	assert_int_equal(request(c, c->auditor_tok, "/admin/tokens/1/revoke", NULL,
				 form(body, sizeof(body), c->auditor_csrf, "")), 403);
	assert_int_equal(request(c, c->auditor_tok, "/admin/tokens/new", NULL,
				 form(body, sizeof(body), c->auditor_csrf,
				      "owner=eve&name=mine&scope=read&expires=2024-01-31")), 403);
	assert_int_equal(sk_apitoken_verify(c->t->ctx, token, NULL, NULL), SK_OK);
	/* A plain user gets nothing. */
	assert_int_equal(request(c, c->user_tok, "/admin/tokens", NULL, NULL), 403);

	/* Revoke: CSRF needed; then the token is refused; twice is an error. */
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens/1/revoke", NULL, "csrf=x"), 403);
	assert_int_equal(sk_apitoken_verify(c->t->ctx, token, NULL, NULL), SK_OK);
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens/1/revoke", NULL, NULL), 303);
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens/1/revoke", NULL,
				 form(body, sizeof(body), c->admin_csrf, "")), 200);
	assert_tr(c->html, "en", "admin.notice.token_revoked");
	assert_has(c->html, "<tr data-token=\"1\" data-state=\"revoked\">");
	assert_hasnt(c->html, "revoke-token-1\"");
	assert_has(c->html, "revoke-token-2\"");
	assert_int_equal(sk_apitoken_verify(c->t->ctx, token, NULL, NULL), SK_ERR_AUTH);
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens/1/revoke", NULL,
				 form(body, sizeof(body), c->admin_csrf, "")), 409);
	assert_tr(c->html, "en", "admin.error.token_revoked");
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens/99/revoke", NULL,
				 form(body, sizeof(body), c->admin_csrf, "")), 404);
	assert_int_equal(request(c, c->admin_tok, "/admin/tokens/1/delete", NULL,
				 form(body, sizeof(body), c->admin_csrf, "")), 404);

	/* Audited, never with the token text. */
	assert_int_equal(request(c, c->admin_tok, "/admin/audit", "action=token.", NULL), 200);
	assert_has(c->html, "data-action=\"token.create\"");
	assert_has(c->html, "data-action=\"token.revoke\"");
	assert_tr(c->html, "en", "action.token.create");
	snprintf(want, sizeof(want), "%.20s", token + 4);
	assert_hasnt(c->html, want);
	sodium_memzero(token, sizeof(token));
	console_free(c);
}

/* Many events: 50 a page, newest first, the pages counted from the newest. */
static void
test_console_audit_pages(void **state)
{
	struct console *c = console_new();
	int64_t total = 0, bad = 0;
	char q[32];

	(void)state;
	for (int i = 0; i < 120; i++)
		assert_int_equal(sk_audit(c->t->ctx, "bot", "test.event", "x", "local", "ok", EVIL),
				 SK_OK);
	assert_int_equal(sk_audit_verify(c->t->ctx, &total, &bad), SK_OK);
	assert_int_equal(request(c, c->admin_tok, "/admin/audit", "action=test.", NULL), 200);
	check_common(c->html, "en", 0);
	assert_int_equal(count(c->html, "<tr data-seq="), 50);
	snprintf(q, sizeof(q), "data-seq=\"%lld\"", (long long)total);
	assert_has(c->html, q);  /* the newest */
	assert_has(c->html, "<strong>120</strong>");
	assert_has(c->html, "id=\"older-page\" href=\"/admin/audit?action=test.&amp;page=2\"");
	assert_hasnt(c->html, "id=\"newer-page\"");
	assert_has(c->html, EVIL_ESC);
	assert_int_equal(request(c, c->admin_tok, "/admin/audit", "action=test.&page=3", NULL),
			 200);
	assert_int_equal(count(c->html, "<tr data-seq="), 20);
	snprintf(q, sizeof(q), "data-seq=\"%lld\"", (long long)(total - 100));
	assert_has(c->html, q);
	assert_has(c->html, "id=\"newer-page\"");
	assert_hasnt(c->html, "id=\"older-page\"");
	/* Past the end: the last page. */
	assert_int_equal(request(c, c->admin_tok, "/admin/audit", "action=test.&page=99", NULL),
			 200);
	assert_has(c->html, "<strong id=\"audit-page\">3</strong>");
	assert_int_equal(request(c, c->admin_tok, "/admin/audit", "page=-1", NULL), 200);
	assert_has(c->html, "<strong id=\"audit-page\">1</strong>");
	console_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accounts),
		cmocka_unit_test(test_new_user),
		cmocka_unit_test(test_user),
		cmocka_unit_test(test_approvals),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_audit),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_catalog),
		cmocka_unit_test(test_console_access),
		cmocka_unit_test(test_console_accounts),
		cmocka_unit_test(test_console_mfa_reset_and_approvals),
		cmocka_unit_test(test_console_audit_pages),
		cmocka_unit_test(test_console_tokens),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
