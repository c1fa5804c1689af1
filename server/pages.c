/*
 * server/pages.c - the portal's pages (see pages.h).
 *
 * Rules kept everywhere here: every string from outside (names, addresses,
 * user agents, the path, the CSRF token, even catalog text) goes through
 * buf_html(); the only markup taken as is is the QR code's SVG, which the
 * server renders itself.  No inline script or style: the CSP forbids them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "i18n.h"
#include "layout.h"
#include "pages.h"

static int
lang_ja(const char *lang)
{
	return lang != NULL && lang[0] == 'j' && lang[1] == 'a' &&
	    (lang[2] == '\0' || lang[2] == '-' || lang[2] == '_');
}

static const char *
pb_lang(const page_base *pb)
{
	return lang_ja(pb->lang) ? "ja" : "en";
}

/* Catalog text for key, escaped. */
static void
add_t(sk_buf *b, const page_base *pb, const char *key)
{
	buf_html(b, tr(pb_lang(pb), key));
}

/*
 * Catalog text for key with its "{n}" replaced by html, which the caller
 * has made safe (a number, or markup of ours around one).
 */
static void
add_tn(sk_buf *b, const page_base *pb, const char *key, const char *html)
{
	const char *s = tr(pb_lang(pb), key), *at = strstr(s, "{n}");
	char head[512];
	size_t n;

	n = at != NULL ? (size_t)(at - s) : 0;
	if (at == NULL || n >= sizeof(head)) {
		buf_html(b, s);
		return;
	}
	memcpy(head, s, n);
	head[n] = '\0';
	buf_html(b, head);
	buf_add(b, html);
	buf_html(b, at + 3);
}

/* A value attribute " name=\"value\"" with value escaped; nothing for NULL. */
static void
add_attr(sk_buf *b, const char *name, const char *value)
{
	if (value == NULL)
		return;
	buf_printf(b, " %s=\"", name);
	buf_html(b, value);
	buf_add(b, "\"");
}

static void
add_csrf(sk_buf *b, const page_base *pb)
{
	if (pb->csrf == NULL)
		return;
	buf_add(b, "<input type=\"hidden\" name=\"csrf\"");
	add_attr(b, "value", pb->csrf);
	buf_add(b, ">\n");
}

/* "<form method="post" action="ACTION" class="CLS">" and the CSRF field. */
static void
form_open(sk_buf *b, const page_base *pb, const char *action, const char *cls)
{
	buf_add(b, "<form method=\"post\"");
	add_attr(b, "action", action);
	add_attr(b, "class", cls);
	buf_add(b, ">\n");
	add_csrf(b, pb);
}

/* unix seconds as <time>YYYY-MM-DD HH:MM UTC</time>; ts <= 0: never_key. */
static void
add_time(sk_buf *b, const page_base *pb, int64_t ts, const char *never_key)
{
	struct tm tm;
	time_t t = (time_t)ts;

	if (ts <= 0 || gmtime_r(&t, &tm) == NULL) {
		add_t(b, pb, never_key);
		return;
	}
	buf_printf(b, "<time datetime=\"%04d-%02d-%02dT%02d:%02dZ\">"
		   "%04d-%02d-%02d %02d:%02d UTC</time>",
		   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/*
 * The text of "prefix.name" (an action, a result, a role, a device type);
 * the name itself, escaped, when the catalog does not know it.
 */
static void
add_named(sk_buf *b, const page_base *pb, const char *prefix, const char *name)
{
	char key[96];
	const char *s;
	int n;

	if (name == NULL)
		return;
	n = snprintf(key, sizeof(key), "%s%s", prefix, name);
	if (n < 0 || (size_t)n >= sizeof(key)) {
		buf_html(b, name);
		return;
	}
	s = tr(pb_lang(pb), key);
	buf_html(b, s == key ? name : s);
}

/* Only a local absolute path makes a language link ("//host" would leave). */
static const char *
local_path(const char *path)
{
	if (path == NULL || path[0] != '/' || path[1] == '/' || path[1] == '\\')
		return "";
	return path;
}

static void
lang_link(sk_buf *b, const page_base *pb, const char *lang, const char *label)
{
	const char *path = local_path(pb->path);

	buf_printf(b, "<a id=\"lang-%s\" href=\"", lang);
	buf_html(b, path);
	buf_printf(b, "%s", strchr(path, '?') != NULL ? "&amp;" : "?");
	buf_printf(b, "lang=%s\" hreflang=\"%s\" lang=\"%s\"", lang, lang, lang);
	if (strcmp(pb_lang(pb), lang) == 0)
		buf_add(b, " aria-current=\"true\"");
	buf_printf(b, ">%s</a>", label);
}

static void
page_begin(sk_buf *b, const page_base *pb, const char *title, const char *main_class)
{
	buf_printf(b, "<!doctype html>\n<html lang=\"%s\">\n<head>\n", pb_lang(pb));
	buf_add(b, "<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<meta name=\"referrer\" content=\"same-origin\">\n<title>");
	buf_html(b, title);
	buf_add(b, " - \xe9\x96\xa2\xe6\x89\x80 Sekisho</title>\n"
		"<link rel=\"stylesheet\" href=\"/static/sekisho.css\">\n"
		"</head>\n<body>\n<header class=\"site\">\n<div class=\"bar\">\n");
	/* The brand, in both scripts whatever the language: 関所 Sekisho. */
	buf_add(b, pb->user != NULL ? "<a class=\"brand\" href=\"/account\">" :
		"<span class=\"brand\">");
	buf_add(b, "<span class=\"brand-mark\" lang=\"ja\">\xe9\x96\xa2\xe6\x89\x80</span> "
		"<span class=\"brand-name\">Sekisho</span>");
	buf_add(b, pb->user != NULL ? "</a>\n" : "</span>\n");
	buf_add(b, "<nav class=\"lang\"");
	add_attr(b, "aria-label", tr(pb_lang(pb), "app.language"));
	buf_add(b, ">");
	lang_link(b, pb, "ja", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"); /* 日本語 */
	buf_add(b, " ");
	lang_link(b, pb, "en", "English");
	buf_add(b, "</nav>\n</div>\n");
	if (pb->user != NULL) {
		buf_add(b, "<div class=\"user-bar\">\n<span class=\"user\"><span class=\"vh\">");
		add_t(b, pb, "app.signed_in_as");
		buf_add(b, " </span><span id=\"current-user\">");
		buf_html(b, pb->user);
		buf_add(b, "</span></span>\n");
		if (pb->is_admin) {
			buf_add(b, "<a id=\"admin-console\" href=\"/admin\">");
			add_t(b, pb, "app.admin");
			buf_add(b, "</a>\n");
		}
		if (pb->csrf != NULL) {
			form_open(b, pb, "/logout", "logout");
			buf_add(b, "<button id=\"logout\" type=\"submit\" class=\"link\">");
			add_t(b, pb, "app.logout");
			buf_add(b, "</button>\n</form>\n");
		}
		buf_add(b, "</div>\n");
	}
	buf_add(b, "</header>\n<main");
	add_attr(b, "class", main_class);
	buf_add(b, ">\n<h1>");
	buf_html(b, title);
	buf_add(b, "</h1>\n");
	if (pb->error != NULL && pb->error[0] != '\0') {
		buf_add(b, "<div id=\"error\" class=\"error\" role=\"alert\">");
		buf_html(b, pb->error);
		buf_add(b, "</div>\n");
	}
	if (pb->notice != NULL && pb->notice[0] != '\0') {
		buf_add(b, "<div id=\"notice\" class=\"notice\" role=\"status\">");
		buf_html(b, pb->notice);
		buf_add(b, "</div>\n");
	}
}

static void
page_end(sk_buf *b, const page_base *pb)
{
	buf_add(b, "</main>\n<footer class=\"site\">\n<p>");
	add_t(b, pb, "app.footer");
	buf_add(b, "</p>\n</footer>\n</body>\n</html>\n");
}

/* <p class="CLS">text of key</p> */
static void
para(sk_buf *b, const page_base *pb, const char *cls, const char *key)
{
	buf_add(b, "<p");
	add_attr(b, "class", cls);
	buf_add(b, ">");
	add_t(b, pb, key);
	buf_add(b, "</p>\n");
}

/* <label for="ID">text of key</label> */
static void
label(sk_buf *b, const page_base *pb, const char *id, const char *key)
{
	buf_printf(b, "<label for=\"%s\">", id);
	add_t(b, pb, key);
	buf_add(b, "</label>\n");
}

/* A one-time password field: digits only, the platform's code autofill. */
static void
otp_input(sk_buf *b, const char *id, const char *help_id, int autofocus)
{
	buf_printf(b, "<input id=\"%s\" name=\"%s\" type=\"text\" class=\"code\" "
		   "inputmode=\"numeric\" pattern=\"[0-9]*\" maxlength=\"8\" "
		   "autocomplete=\"one-time-code\" required", id, id);
	if (help_id != NULL)
		buf_printf(b, " aria-describedby=\"%s\"", help_id);
	if (autofocus)
		buf_add(b, " autofocus");
	buf_add(b, ">\n");
}

static void
submit(sk_buf *b, const page_base *pb, const char *key)
{
	buf_add(b, "<button id=\"submit\" type=\"submit\" class=\"primary\">");
	add_t(b, pb, key);
	buf_add(b, "</button>\n");
}

void
page_login(sk_buf *b, const page_base *pb, const char *username, const char *rd)
{
	int have_user = username != NULL && username[0] != '\0';

	page_begin(b, pb, tr(pb_lang(pb), "login.title"), NULL);
	form_open(b, pb, "/login", "stack");
	if (rd != NULL && rd[0] != '\0') {
		buf_add(b, "<input type=\"hidden\" name=\"rd\"");
		add_attr(b, "value", rd);
		buf_add(b, ">\n");
	}
	label(b, pb, "username", "login.username");
	buf_add(b, "<input id=\"username\" name=\"username\" type=\"text\" "
		"autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" "
		"required");
	if (have_user)
		add_attr(b, "value", username);
	else
		buf_add(b, " autofocus");
	buf_add(b, ">\n");
	label(b, pb, "password", "login.password");
	buf_add(b, "<input id=\"password\" name=\"password\" type=\"password\" "
		"autocomplete=\"current-password\" required");
	if (have_user)
		buf_add(b, " autofocus");
	buf_add(b, ">\n");
	submit(b, pb, "login.submit");
	buf_add(b, "</form>\n");
	para(b, pb, "help", "login.help");
	page_end(b, pb);
}

/* Names of the rule bits, as data-rule attributes the tests can select. */
static const char *const rule_names[SK_RULE__COUNT] = {
	"min-length", "max-length", "classes", "upper", "lower", "digit",
	"equals-name", "contains-name", "guessable", "invalid-utf8", "same-as-current",
};

static void
rule_item(sk_buf *b, const page_base *pb, const sk_policy *p, unsigned bit, uint32_t failed)
{
	char msg[512];
	uint32_t rule = (uint32_t)1 << bit;
	int fail = (failed & rule) != 0;

	buf_printf(b, "<li data-rule=\"%s\"%s>", rule_names[bit],
		   fail ? " class=\"failed\"" : "");
	if (fail) {
		buf_add(b, "<span class=\"vh\">");
		add_t(b, pb, "password.rule_failed");
		buf_add(b, " </span>");
	}
	/*
	 * The library's sentence for this rule says what went wrong ("This
	 * password is easy to guess"); before it fails, state the requirement.
	 */
	if (rule == SK_RULE_GUESSABLE && !fail)
		add_t(b, pb, "password.rule_guessable");
	else
		buf_html(b, sk_policy_rule_message(p, rule, pb_lang(pb), msg, sizeof(msg)));
	buf_add(b, "</li>\n");
}

void
page_change_password(sk_buf *b, const page_base *pb, const char *action,
		     const sk_policy *policy, uint32_t failed, int forced)
{
	sk_policy def;
	uint32_t active = 0;
	unsigned bit;

	if (policy == NULL) {
		(void)sk_policy_preset_init(&def, SK_POLICY_AWS);
		policy = &def;
	}
	/* The rules this policy enforces, in the order the user reads them. */
	active = SK_RULE_MIN_LENGTH | SK_RULE_MAX_LENGTH | SK_RULE_CONTAINS_NAME;
	if (policy->min_classes > 0)
		active |= SK_RULE_CLASSES;
	if (policy->require_upper)
		active |= SK_RULE_UPPER;
	if (policy->require_lower)
		active |= SK_RULE_LOWER;
	if (policy->require_digit)
		active |= SK_RULE_DIGIT;
	if (policy->min_guesses_log10 > 0.0)
		active |= SK_RULE_GUESSABLE;

	page_begin(b, pb, tr(pb_lang(pb), forced ? "password.title_forced" : "password.title"),
		   NULL);
	if (forced)
		para(b, pb, "lead", "password.forced");
	form_open(b, pb, action, "stack");
	/* For password managers: which account the new password belongs to. */
	if (pb->user != NULL) {
		buf_add(b, "<input type=\"text\" name=\"username\" autocomplete=\"username\"");
		add_attr(b, "value", pb->user);
		buf_add(b, " readonly hidden>\n");
	}
	label(b, pb, "current_password", "password.current");
	buf_add(b, "<input id=\"current_password\" name=\"current_password\" type=\"password\" "
		"autocomplete=\"current-password\" required autofocus>\n");
	label(b, pb, "new_password", "password.new");
	buf_add(b, "<input id=\"new_password\" name=\"new_password\" type=\"password\" "
		"autocomplete=\"new-password\" aria-describedby=\"policy-rules\" required>\n");
	label(b, pb, "confirm_password", "password.confirm");
	buf_add(b, "<input id=\"confirm_password\" name=\"confirm_password\" type=\"password\" "
		"autocomplete=\"new-password\" required>\n");
	buf_add(b, "<h2 class=\"rules-title\">");
	add_t(b, pb, "password.rules");
	buf_add(b, "</h2>\n<ul id=\"policy-rules\" class=\"rules\">\n");
	for (bit = 0; bit < SK_RULE__COUNT; bit++)
		if (active & ((uint32_t)1 << bit))
			rule_item(b, pb, policy, bit, failed);
	/* Failed rules the list does not show (equal to the name, same as now). */
	for (bit = 0; bit < SK_RULE__COUNT; bit++)
		if ((failed & ~active) & ((uint32_t)1 << bit))
			rule_item(b, pb, policy, bit, failed);
	buf_add(b, "</ul>\n");
	para(b, pb, "help", "password.hint");
	submit(b, pb, "password.submit");
	buf_add(b, "</form>\n");
	if (!forced) {
		buf_add(b, "<p class=\"actions\"><a id=\"cancel\" href=\"/account\">");
		add_t(b, pb, "common.cancel");
		buf_add(b, "</a></p>\n");
	}
	page_end(b, pb);
}

/*
 * The choice between the two kinds of device: links, so that it works
 * without script; each page of the choice is its own GET.
 */
static void
enroll_choice(sk_buf *b, const page_base *pb, const page_enroll_data *d)
{
	static const struct {
		const char *id, *query, *key;
		int token;
	} kinds[] = {
		{"type-app", "", "enroll.type_app", 0},
		{"type-token", "?type=token", "enroll.type_token", 1},
	};

	buf_add(b, "<nav class=\"choice\"");
	add_attr(b, "aria-label", tr(pb_lang(pb), "enroll.type_label"));
	buf_add(b, ">\n");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		buf_printf(b, "<a id=\"%s\" href=\"", kinds[i].id);
		buf_html(b, d->action != NULL ? d->action : "");
		buf_printf(b, "%s\"%s>", kinds[i].query,
			   !d->token == !kinds[i].token ? " aria-current=\"page\"" : "");
		add_t(b, pb, kinds[i].key);
		buf_add(b, "</a>\n");
	}
	buf_add(b, "</nav>\n");
}

/* Steps 2 and 3 of an app: install it, then scan the QR code or type the key. */
static void
enroll_app_steps(sk_buf *b, const page_base *pb, const page_enroll_data *d, unsigned digits,
		 const char *period)
{
	/* 2. The app (B3). */
	buf_add(b, "<li>\n<h2>");
	add_t(b, pb, "enroll.step_install");
	buf_add(b, "</h2>\n");
	para(b, pb, NULL, "enroll.step_install_text");
	buf_add(b, "</li>\n");

	/* 3. The QR code, or the key typed in. */
	buf_add(b, "<li>\n<h2>");
	add_t(b, pb, "enroll.step_scan");
	buf_add(b, "</h2>\n");
	para(b, pb, NULL, "enroll.step_scan_text");
	buf_add(b, "<div id=\"qr\" role=\"img\"");
	add_attr(b, "aria-label", tr(pb_lang(pb), "enroll.qr_label"));
	buf_add(b, ">");
	if (d->qr_svg != NULL)
		buf_add(b, d->qr_svg);
	buf_add(b, "</div>\n");
	para(b, pb, NULL, "enroll.manual");
	buf_add(b, "<dl class=\"key\">\n<dt>");
	add_t(b, pb, "enroll.setup_key");
	buf_add(b, "</dt>\n<dd class=\"key-value\"><code id=\"setup-key\" class=\"setup-key\">");
	if (d->setup_key != NULL)
		buf_html(b, d->setup_key);
	buf_add(b, "</code></dd>\n<dt>");
	add_t(b, pb, "enroll.key_type");
	buf_add(b, "</dt>\n<dd>");
	add_t(b, pb, "enroll.key_type_value");
	buf_add(b, "</dd>\n<dt>");
	add_t(b, pb, "enroll.digits");
	buf_printf(b, "</dt>\n<dd>%u</dd>\n<dt>", digits);
	add_t(b, pb, "enroll.period");
	buf_add(b, "</dt>\n<dd>");
	add_tn(b, pb, "enroll.period_value", period);
	buf_add(b, "</dd>\n</dl>\n");
	/* B5, where the seed's manual puts it: right after the key. */
	buf_add(b, "<p id=\"leave-warning\" class=\"warning\">");
	add_t(b, pb, "enroll.leave_warning");
	buf_add(b, "</p>\n</li>\n");
}

/*
 * Step 2 of a hardware token: its secret, typed from the seed sheet.  The
 * field is never filled in by the server (the secret is not sent back, not
 * even after a mistake), and password managers are told to leave it alone.
 */
static void
enroll_token_step(sk_buf *b, const page_base *pb)
{
	buf_add(b, "<li>\n<h2><label for=\"token_secret\">");
	add_t(b, pb, "enroll.step_secret");
	buf_add(b, "</label></h2>\n");
	para(b, pb, NULL, "enroll.step_secret_text");
	buf_add(b, "<input id=\"token_secret\" name=\"token_secret\" type=\"text\" maxlength=\"160\" "
		"class=\"secret\" autocomplete=\"off\" autocapitalize=\"characters\" "
		"spellcheck=\"false\" aria-describedby=\"token_secret-help\" required>\n"
		"<p id=\"token_secret-help\" class=\"help\">");
	add_t(b, pb, "enroll.secret_help");
	buf_add(b, "</p>\n</li>\n");
}

void
page_enroll(sk_buf *b, const page_base *pb, const page_enroll_data *d)
{
	char num[16];
	unsigned codes = d->codes == 1 ? 1 : 2;
	unsigned period = d->period ? d->period : 30, digits = d->digits ? d->digits : 6;
	int from_account = d->action != NULL && strncmp(d->action, "/account", 8) == 0;

	(void)snprintf(num, sizeof(num), "%u", period);
	page_begin(b, pb, tr(pb_lang(pb), "enroll.title"), NULL);
	para(b, pb, "lead", d->token ? "enroll.token_text" : "enroll.text");
	enroll_choice(b, pb, d);
	form_open(b, pb, d->action, "enroll");
	if (d->token)
		buf_add(b, "<input type=\"hidden\" name=\"type\" value=\"totp-token\">\n");
	buf_add(b, "<ol class=\"steps\">\n");

	/* 1. The device name (B1), chosen first as in the seed's console. */
	buf_add(b, "<li>\n<h2><label for=\"device_name\">");
	add_t(b, pb, "enroll.device_name");
	buf_add(b, "</label></h2>\n");
	buf_add(b, "<input id=\"device_name\" name=\"device_name\" type=\"text\" maxlength=\"64\" "
		"autocomplete=\"off\" autocapitalize=\"none\" spellcheck=\"false\" "
		"aria-describedby=\"device_name-help\" required autofocus");
	add_attr(b, "value", d->device_name != NULL ? d->device_name : "");
	buf_add(b, ">\n<p id=\"device_name-help\" class=\"help\">");
	add_t(b, pb, "enroll.device_name_help");
	buf_add(b, "</p>\n</li>\n");

	if (d->token)
		enroll_token_step(b, pb);
	else
		enroll_app_steps(b, pb, d, digits, num);

	/* Last, the codes (B4). */
	buf_add(b, "<li>\n<h2>");
	add_t(b, pb, codes == 2 ? "enroll.step_codes" : "enroll.step_code");
	buf_add(b, "</h2>\n");
	if (d->token)
		para(b, pb, NULL, codes == 2 ? "enroll.token_codes_text" : "enroll.token_code_text");
	else
		para(b, pb, NULL, codes == 2 ? "enroll.step_codes_text" : "enroll.step_code_text");
	if (codes == 2) {
		label(b, pb, "code1", "enroll.code1");
		otp_input(b, "code1", NULL, 0);
		label(b, pb, "code2", "enroll.code2");
		buf_add(b, "<p id=\"code2-help\" class=\"help\">");
		add_tn(b, pb, d->token ? "enroll.token_code2_help" : "enroll.code2_help", num);
		buf_add(b, "</p>\n");
		otp_input(b, "code2", "code2-help", 0);
	} else {
		label(b, pb, "code1", "enroll.code");
		otp_input(b, "code1", NULL, 0);
	}
	buf_add(b, "</li>\n</ol>\n");
	submit(b, pb, "enroll.submit");
	buf_add(b, "</form>\n");
	if (from_account) {
		buf_add(b, "<p class=\"actions\"><a id=\"cancel\" href=\"/account\">");
		add_t(b, pb, "common.cancel");
		buf_add(b, "</a></p>\n");
	}

	/* The seed's warning about losing the phone (B8, B9). */
	buf_add(b, "<section class=\"note\" aria-labelledby=\"note-title\">\n"
		"<h2 id=\"note-title\">");
	add_t(b, pb, "common.note");
	buf_add(b, "</h2>\n<p>");
	add_t(b, pb, d->token ? "enroll.token_lost_warning" : "enroll.lost_warning");
	buf_add(b, "</p>\n</section>\n");
	page_end(b, pb);
}

void
page_recovery_codes(sk_buf *b, const page_base *pb, const sk_recovery_set *codes,
		    const char *next_url)
{
	unsigned n = codes != NULL ? codes->count : 0, i;

	if (n > SK_RECOVERY_MAX)
		n = SK_RECOVERY_MAX;
	page_begin(b, pb, tr(pb_lang(pb), "recovery.title"), "recovery");
	para(b, pb, NULL, "recovery.intro");
	buf_add(b, "<ol id=\"recovery-codes\" class=\"codes\">\n");
	for (i = 0; i < n; i++) {
		buf_add(b, "<li><code>");
		buf_html(b, codes->codes[i]);
		buf_add(b, "</code></li>\n");
	}
	buf_add(b, "</ol>\n<p class=\"warning\">");
	add_t(b, pb, "recovery.once");
	buf_add(b, "</p>\n");
	para(b, pb, "help", "recovery.old_invalid");
	buf_add(b, "<p class=\"actions no-print\">"
		"<a id=\"download\" class=\"button secondary\" "
		"download=\"sekisho-recovery-codes.txt\" "
		"href=\"data:text/plain;charset=utf-8,");
	for (i = 0; i < n; i++) {
		buf_url(b, codes->codes[i]);
		buf_add(b, "%0A");
	}
	buf_add(b, "\">");
	add_t(b, pb, "recovery.download");
	buf_add(b, "</a></p>\n");
	para(b, pb, "help no-print", "recovery.print");
	buf_add(b, "<p class=\"actions no-print\"><a id=\"continue\" class=\"button\"");
	add_attr(b, "href", next_url != NULL ? next_url : "/account");
	buf_add(b, ">");
	add_t(b, pb, "recovery.continue");
	buf_add(b, "</a></p>\n");
	page_end(b, pb);
}

void
page_mfa(sk_buf *b, const page_base *pb, int recovery)
{
	if (!recovery) {
		page_begin(b, pb, tr(pb_lang(pb), "mfa.title"), NULL);
		para(b, pb, "lead", "mfa.text");
		form_open(b, pb, "/login/mfa", "stack");
		label(b, pb, "code", "mfa.code");
		otp_input(b, "code", "code-help", 1);
		buf_add(b, "<p id=\"code-help\" class=\"help\">");
		add_t(b, pb, "mfa.text_expiry");
		buf_add(b, "</p>\n");
		submit(b, pb, "mfa.submit");
		buf_add(b, "</form>\n<p class=\"alt\"><a id=\"use-recovery\" href=\"/login/recovery\">");
		add_t(b, pb, "mfa.use_recovery");
		buf_add(b, "</a></p>\n");
	} else {
		page_begin(b, pb, tr(pb_lang(pb), "mfa.recovery_title"), NULL);
		para(b, pb, "lead", "mfa.recovery_text");
		form_open(b, pb, "/login/recovery", "stack");
		label(b, pb, "recovery_code", "mfa.recovery_code");
		buf_add(b, "<input id=\"recovery_code\" name=\"recovery_code\" type=\"text\" "
			"class=\"code\" maxlength=\"40\" autocomplete=\"off\" "
			"autocapitalize=\"none\" spellcheck=\"false\" required autofocus>\n");
		submit(b, pb, "mfa.submit");
		buf_add(b, "</form>\n<p class=\"alt\"><a id=\"use-code\" href=\"/login/mfa\">");
		add_t(b, pb, "mfa.use_code");
		buf_add(b, "</a></p>\n");
		para(b, pb, "help", "mfa.no_recovery");
	}
	page_end(b, pb);
}

void
page_stepup(sk_buf *b, const page_base *pb)
{
	page_begin(b, pb, tr(pb_lang(pb), "stepup.title"), NULL);
	para(b, pb, "lead", "stepup.text");
	form_open(b, pb, "/login/stepup", "stack");
	label(b, pb, "code", "mfa.code");
	otp_input(b, "code", "code-help", 1);
	buf_add(b, "<p id=\"code-help\" class=\"help\">");
	add_t(b, pb, "mfa.text_expiry");
	buf_add(b, "</p>\n");
	submit(b, pb, "mfa.submit");
	buf_add(b, "</form>\n");
	page_end(b, pb);
}

/* <th scope="col">text</th> */
static void
th(sk_buf *b, const page_base *pb, const char *key)
{
	buf_add(b, "<th scope=\"col\">");
	add_t(b, pb, key);
	buf_add(b, "</th>");
}

/* <td data-label="text of key"> (the label shows on narrow screens) */
static void
td(sk_buf *b, const page_base *pb, const char *key, const char *cls)
{
	buf_add(b, "<td");
	add_attr(b, "class", cls);
	add_attr(b, "data-label", tr(pb_lang(pb), key));
	buf_add(b, ">");
}

static void
section_open(sk_buf *b, const page_base *pb, const char *id, const char *key)
{
	buf_printf(b, "<section aria-labelledby=\"%s-title\">\n<h2 id=\"%s-title\">", id, id);
	add_t(b, pb, key);
	buf_add(b, "</h2>\n");
}

static void
account_devices(sk_buf *b, const page_base *pb, const page_account_data *d)
{
	size_t i;

	section_open(b, pb, "devices", "account.devices");
	if (d->ndevices == 0)
		para(b, pb, "empty", "account.devices_none");
	buf_add(b, "<div class=\"table-wrap\">\n<table id=\"devices\" class=\"responsive\">\n");
	buf_add(b, "<thead><tr>");
	th(b, pb, "account.device_name");
	th(b, pb, "account.device_type");
	th(b, pb, "account.device_added");
	th(b, pb, "account.device_last_used");
	buf_add(b, "<th scope=\"col\"><span class=\"vh\">");
	add_t(b, pb, "account.device_remove");
	buf_add(b, "</span></th></tr></thead>\n<tbody>\n");
	for (i = 0; i < d->ndevices; i++) {
		const page_device *v = &d->devices[i];

		buf_printf(b, "<tr data-device=\"%" PRId64 "\">", v->id);
		td(b, pb, "account.device_name", "name");
		buf_html(b, v->name != NULL ? v->name : "");
		buf_add(b, "</td>");
		td(b, pb, "account.device_type", NULL);
		add_named(b, pb, "device.type.", v->type);
		buf_add(b, "</td>");
		td(b, pb, "account.device_added", NULL);
		add_time(b, pb, v->added, "common.never");
		buf_add(b, "</td>");
		td(b, pb, "account.device_last_used", NULL);
		add_time(b, pb, v->last_used, "account.device_never_used");
		buf_add(b, "</td>\n<td class=\"form-cell\">");
		form_open(b, pb, "/account/devices/remove", "inline");
		buf_printf(b, "<input type=\"hidden\" name=\"device_id\" value=\"%" PRId64 "\">\n"
			   "<label class=\"vh\" for=\"remove-password-%" PRId64 "\">", v->id, v->id);
		add_t(b, pb, "account.device_remove_label");
		buf_printf(b, "</label>\n<input id=\"remove-password-%" PRId64 "\" name=\"password\" "
			   "type=\"password\" autocomplete=\"current-password\" required",
			   v->id);
		add_attr(b, "placeholder", tr(pb_lang(pb), "login.password"));
		buf_printf(b, ">\n<button type=\"submit\" class=\"danger\" "
			   "id=\"remove-device-%" PRId64 "\">", v->id);
		add_t(b, pb, "account.device_remove");
		buf_add(b, "</button>\n</form></td></tr>\n");
	}
	buf_add(b, "</tbody>\n</table>\n</div>\n"
		"<p class=\"actions\"><a id=\"add-device\" class=\"button secondary\" "
		"href=\"/account/devices/add\">");
	add_t(b, pb, "account.devices_add");
	buf_add(b, "</a></p>\n</section>\n");
}

static void
account_recovery(sk_buf *b, const page_base *pb, const page_account_data *d)
{
	char num[64];

	section_open(b, pb, "recovery", "account.recovery");
	(void)snprintf(num, sizeof(num), "<strong id=\"recovery-left\">%u</strong>",
		       d->recovery_left);
	buf_add(b, "<p>");
	add_tn(b, pb, "account.recovery_left", num);
	buf_add(b, "</p>\n");
	if (d->recovery_left <= 2)
		para(b, pb, "warning", "account.recovery_low");
	form_open(b, pb, "/account/recovery", "stack compact");
	buf_add(b, "<p class=\"help\" id=\"recovery-help\">");
	add_t(b, pb, "account.recovery_help");
	buf_add(b, "</p>\n");
	label(b, pb, "recovery-password", "account.current_password");
	buf_add(b, "<input id=\"recovery-password\" name=\"password\" type=\"password\" "
		"autocomplete=\"current-password\" aria-describedby=\"recovery-help\" required>\n"
		"<button id=\"regenerate-recovery\" type=\"submit\" class=\"secondary\">");
	add_t(b, pb, "account.recovery_generate");
	buf_add(b, "</button>\n</form>\n</section>\n");
}

static void
account_sessions(sk_buf *b, const page_base *pb, const page_account_data *d)
{
	size_t i;

	section_open(b, pb, "sessions", "account.sessions");
	buf_add(b, "<div class=\"table-wrap\">\n<table id=\"sessions\" class=\"responsive\">\n"
		"<thead><tr>");
	th(b, pb, "account.session_addr");
	th(b, pb, "account.session_agent");
	th(b, pb, "account.session_created");
	th(b, pb, "account.session_last_seen");
	buf_add(b, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < d->nsessions; i++) {
		const page_session *s = &d->sessions[i];

		buf_printf(b, "<tr data-session=\"%" PRId64 "\"%s>", s->id,
			   s->current ? " class=\"current\"" : "");
		td(b, pb, "account.session_addr", NULL);
		buf_add(b, "<span>");
		buf_html(b, s->addr != NULL ? s->addr : "");
		if (s->current) {
			buf_add(b, " <strong class=\"badge\">");
			add_t(b, pb, "account.session_current");
			buf_add(b, "</strong>");
		}
		buf_add(b, "</span></td>");
		td(b, pb, "account.session_agent", "agent");
		buf_html(b, s->agent != NULL ? s->agent : "");
		buf_add(b, "</td>");
		td(b, pb, "account.session_created", NULL);
		add_time(b, pb, s->created, "common.never");
		buf_add(b, "</td>");
		td(b, pb, "account.session_last_seen", NULL);
		add_time(b, pb, s->last_seen, "common.never");
		buf_add(b, "</td></tr>\n");
	}
	buf_add(b, "</tbody>\n</table>\n</div>\n");
	para(b, pb, "help", "account.sessions_help");
	form_open(b, pb, "/account/sessions/revoke-others", "actions");
	buf_add(b, "<button id=\"revoke-others\" type=\"submit\" class=\"secondary\">");
	add_t(b, pb, "account.revoke_others");
	buf_add(b, "</button>\n</form>\n</section>\n");
}

static void
account_history(sk_buf *b, const page_base *pb, const page_account_data *d)
{
	size_t i;

	section_open(b, pb, "history", "account.history");
	para(b, pb, "help", "account.history_help");
	if (d->nevents == 0)
		para(b, pb, "empty", "account.history_none");
	buf_add(b, "<div class=\"table-wrap\">\n<table id=\"history\" class=\"responsive\">\n"
		"<thead><tr>");
	th(b, pb, "account.history_time");
	th(b, pb, "account.history_action");
	th(b, pb, "account.history_addr");
	th(b, pb, "account.history_result");
	buf_add(b, "</tr></thead>\n<tbody>\n");
	for (i = 0; i < d->nevents; i++) {
		const page_event *e = &d->events[i];
		int ok = e->result != NULL && strcmp(e->result, "ok") == 0;

		buf_add(b, "<tr>");
		td(b, pb, "account.history_time", NULL);
		add_time(b, pb, e->ts, "common.never");
		buf_add(b, "</td>");
		td(b, pb, "account.history_action", NULL);
		add_named(b, pb, "action.", e->action);
		buf_add(b, "</td>");
		td(b, pb, "account.history_addr", NULL);
		buf_html(b, e->addr != NULL ? e->addr : "");
		buf_add(b, "</td>");
		td(b, pb, "account.history_result", ok ? "result-ok" : "result-bad");
		add_named(b, pb, "result.", e->result);
		buf_add(b, "</td></tr>\n");
	}
	buf_add(b, "</tbody>\n</table>\n</div>\n</section>\n");
}

void
page_account(sk_buf *b, const page_base *pb, const page_account_data *d)
{
	page_begin(b, pb, tr(pb_lang(pb), "account.title"), "wide");

	section_open(b, pb, "info", "account.info");
	buf_add(b, "<dl class=\"facts\">\n<dt>");
	add_t(b, pb, "account.user_id");
	buf_add(b, "</dt><dd id=\"account-name\">");
	buf_html(b, d->name != NULL ? d->name : "");
	buf_add(b, "</dd>\n<dt>");
	add_t(b, pb, "account.email");
	buf_add(b, "</dt><dd id=\"account-email\">");
	if (d->email != NULL && d->email[0] != '\0')
		buf_html(b, d->email);
	else
		add_t(b, pb, "account.not_set");
	buf_add(b, "</dd>\n");
	if (d->role != NULL) {
		buf_add(b, "<dt>");
		add_t(b, pb, "account.role");
		buf_add(b, "</dt><dd id=\"account-role\">");
		add_named(b, pb, "role.", d->role);
		buf_add(b, "</dd>\n");
	}
	buf_add(b, "<dt>");
	add_t(b, pb, "account.last_signin");
	buf_add(b, "</dt><dd id=\"last-signin\">");
	add_time(b, pb, d->last_signin, "common.never");
	buf_add(b, "</dd>\n</dl>\n</section>\n");

	account_devices(b, pb, d);
	account_recovery(b, pb, d);

	section_open(b, pb, "password", "account.password");
	para(b, pb, "help", "account.password_help");
	buf_add(b, "<p class=\"actions\"><a id=\"change-password\" class=\"button secondary\" "
		"href=\"/account/password\">");
	add_t(b, pb, "account.change_password");
	buf_add(b, "</a></p>\n</section>\n");

	account_sessions(b, pb, d);
	account_history(b, pb, d);
	page_end(b, pb);
}

void
page_message(sk_buf *b, const page_base *pb, const char *title, const char *text,
	     const char *link, const char *link_text)
{
	page_begin(b, pb, title != NULL ? title : "", NULL);
	if (text != NULL && text[0] != '\0') {
		buf_add(b, "<p id=\"message\">");
		buf_html(b, text);
		buf_add(b, "</p>\n");
	}
	if (link != NULL) {
		buf_add(b, "<p class=\"actions\"><a id=\"continue\" class=\"button\"");
		add_attr(b, "href", link);
		buf_add(b, ">");
		buf_html(b, link_text != NULL ? link_text : link);
		buf_add(b, "</a></p>\n");
	}
	page_end(b, pb);
}

/* ---- the layout for other renderers (layout.h) -------------------------- */

const char *
layout_lang(const page_base *pb)
{
	return pb_lang(pb);
}

void
layout_begin(sk_buf *b, const page_base *pb, const char *title, const char *main_class)
{
	page_begin(b, pb, title != NULL ? title : "", main_class);
}

void
layout_end(sk_buf *b, const page_base *pb)
{
	page_end(b, pb);
}

void
layout_t(sk_buf *b, const page_base *pb, const char *key)
{
	add_t(b, pb, key);
}

void
layout_tn(sk_buf *b, const page_base *pb, const char *key, const char *html)
{
	add_tn(b, pb, key, html);
}

void
layout_attr(sk_buf *b, const char *name, const char *value)
{
	add_attr(b, name, value);
}

void
layout_form_open(sk_buf *b, const page_base *pb, const char *action, const char *cls)
{
	form_open(b, pb, action, cls);
}

void
layout_time(sk_buf *b, const page_base *pb, int64_t ts, const char *never_key)
{
	add_time(b, pb, ts, never_key);
}

void
layout_named(sk_buf *b, const page_base *pb, const char *prefix, const char *name)
{
	add_named(b, pb, prefix, name);
}

void
layout_para(sk_buf *b, const page_base *pb, const char *cls, const char *key)
{
	para(b, pb, cls, key);
}

void
layout_label(sk_buf *b, const page_base *pb, const char *id, const char *key)
{
	label(b, pb, id, key);
}

void
layout_th(sk_buf *b, const page_base *pb, const char *key)
{
	th(b, pb, key);
}

void
layout_td(sk_buf *b, const page_base *pb, const char *key, const char *cls)
{
	td(b, pb, key, cls);
}

void
layout_section_open(sk_buf *b, const page_base *pb, const char *id, const char *key)
{
	section_open(b, pb, id, key);
}

/*
 * The stylesheet.  Plain CSS, no web fonts: the system's own, with the
 * Japanese faces named so that Windows does not fall back on a Chinese one.
 * Non-ASCII characters are written as CSS escapes.
 */
const char page_css[] =
	":root{--bg:#f3f4f6;--card:#fff;--text:#1c2230;--muted:#505a6b;--line:#d4d8df;"
	"--brand:#b3282d;--primary:#1d4f91;--primary-dark:#153b6e;--focus:#2563eb;"
	"--err-bg:#fdecea;--err:#8a1c17;--err-line:#c62828;"
	"--ok-bg:#e6f4ea;--ok:#1a5a2a;--ok-line:#2e7d32;"
	"--warn-bg:#fff7e0;--warn:#5b3c00;--warn-line:#b7791f}\n"
	"*,*::before,*::after{box-sizing:border-box}\n"
	"html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
	"body{margin:0;background:var(--bg);color:var(--text);"
	"font:16px/1.65 system-ui,-apple-system,\"Segoe UI\",\"Hiragino Sans\","
	"\"Hiragino Kaku Gothic ProN\",\"Noto Sans JP\",\"Yu Gothic UI\",Meiryo,sans-serif}\n"
	"a{color:var(--primary);text-underline-offset:.15em}\n"
	"a:hover{color:var(--primary-dark)}\n"
	":focus-visible{outline:3px solid var(--focus);outline-offset:2px}\n"
	".vh{position:absolute!important;width:1px;height:1px;padding:0;margin:-1px;"
	"overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}\n"
	"[hidden]{display:none!important}\n"
	/* header */
	"header.site{background:#fff;border-bottom:1px solid var(--line)}\n"
	"header.site .bar,header.site .user-bar{max-width:52rem;margin:0 auto;padding:.55rem 1rem;"
	"display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem}\n"
	"header.site .bar{justify-content:space-between}\n"
	"header.site .user-bar{border-top:1px solid #eceef1;font-size:.875rem;"
	"justify-content:flex-end;padding-top:.35rem;padding-bottom:.35rem}\n"
	".brand{display:inline-flex;align-items:center;gap:.45rem;font-weight:700;"
	"font-size:1.1rem;color:var(--text);text-decoration:none}\n"
	".brand-mark{background:var(--brand);color:#fff;border-radius:4px;padding:0 .4rem;"
	"letter-spacing:.06em}\n"
	"nav.lang{display:flex;gap:.75rem;font-size:.875rem}\n"
	"nav.lang a[aria-current]{color:var(--text);font-weight:700;text-decoration:none}\n"
	".user{color:var(--muted);margin-right:auto}\n"
	"#current-user{color:var(--text);font-weight:600;word-break:break-all}\n"
	"form.logout{margin:0}\n"
	/* main card */
	"main{max-width:34rem;margin:1.5rem auto;background:var(--card);padding:1.5rem 1.5rem 2rem;"
	"border-radius:10px;box-shadow:0 1px 2px rgba(0,0,0,.06),0 0 0 1px rgba(0,0,0,.05)}\n"
	"main.wide{max-width:52rem}\n"
	"@media (max-width:36rem){main,main.wide{margin:0;border-radius:0;box-shadow:none;"
	"padding:1.25rem 1rem 1.75rem}}\n"
	"h1{font-size:1.5rem;line-height:1.35;margin:0 0 1rem}\n"
	"h2{font-size:1.125rem;line-height:1.4;margin:2rem 0 .5rem}\n"
	"main section>h2{padding-top:1.25rem;border-top:1px solid var(--line)}\n"
	"main section:first-of-type>h2{border-top:0;padding-top:0;margin-top:.5rem}\n"
	"p{margin:.5rem 0}\n"
	".lead{margin-bottom:1.25rem}\n"
	".help{color:var(--muted);font-size:.875rem;margin:.35rem 0 0}\n"
	".empty{color:var(--muted)}\n"
	".alt{margin-top:1.25rem}\n"
	"form+p.help{margin-top:1.25rem}\n"
	/* messages */
	".error,.notice,.warning,.note{border-left:4px solid;border-radius:6px;padding:.7rem 1rem;"
	"margin:0 0 1.25rem}\n"
	".error{background:var(--err-bg);color:var(--err);border-color:var(--err-line)}\n"
	".notice{background:var(--ok-bg);color:var(--ok);border-color:var(--ok-line)}\n"
	".warning,.note{background:var(--warn-bg);color:var(--warn);border-color:var(--warn-line)}\n"
	".note{margin-top:2rem;font-size:.9rem}\n"
	".note h2{margin:0 0 .25rem;font-size:1rem;border:0;padding:0}\n"
	"ol.steps .warning{margin:1rem 0 0;font-size:.9rem}\n"
	/* forms */
	"label{display:block;font-weight:600;margin:1.1rem 0 .3rem}\n"
	"input[type=text],input[type=password],input[type=email]{display:block;width:100%;"
	"font:inherit;font-size:1rem;padding:.6rem .75rem;color:inherit;background:#fff;"
	"border:1px solid #7d8697;border-radius:6px}\n"
	"input:focus{border-color:var(--focus);outline:3px solid rgba(37,99,235,.35);outline-offset:0}\n"
	"input:focus-visible{outline:3px solid var(--focus);outline-offset:1px}\n"
	"input.code{max-width:13rem;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
	"\"Liberation Mono\",monospace;font-size:1.25rem;letter-spacing:.2em}\n"
	"button,.button{display:inline-block;font:inherit;font-weight:600;line-height:1.4;"
	"padding:.65rem 1.25rem;border:1px solid var(--primary);border-radius:6px;"
	"background:var(--primary);color:#fff;text-align:center;text-decoration:none;cursor:pointer}\n"
	"button:hover,.button:hover{background:var(--primary-dark);border-color:var(--primary-dark);"
	"color:#fff}\n"
	"button.primary{width:100%;margin-top:1.5rem;padding:.75rem 1.25rem}\n"
	"button.secondary,.button.secondary{background:#fff;color:var(--primary)}\n"
	"button.secondary:hover,.button.secondary:hover{background:#eef3fb;color:var(--primary-dark)}\n"
	"button.danger{background:#fff;color:#a3161b;border-color:#a3161b;padding:.4rem .8rem}\n"
	"button.danger:hover{background:#fdecea;color:#7f1014}\n"
	"button.link{background:none;border:0;padding:0;color:var(--primary);font-weight:400;"
	"text-decoration:underline;text-underline-offset:.15em}\n"
	"button.link:hover{background:none;color:var(--primary-dark)}\n"
	".actions{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;margin-top:1.25rem}\n"
	"form.compact button{margin-top:.75rem}\n"
	"form.compact input{max-width:22rem}\n"
	"form.inline{display:flex;flex-wrap:wrap;gap:.4rem;margin:0}\n"
	"form.inline input[type=password],form.inline input.code{flex:1 1 auto;width:7rem;"
	"min-width:0;padding:.4rem .6rem;font-size:.9rem}\n"
	"form.inline input.code{letter-spacing:.08em}\n"
	/* password rules */
	"h2.rules-title{font-size:1rem;margin:1.5rem 0 .25rem}\n"
	"ul.rules{list-style:none;margin:0;padding:0;font-size:.9rem}\n"
	"ul.rules li{position:relative;padding-left:1.5rem;margin:.3rem 0}\n"
	"ul.rules li::before{content:\"\\2022\";position:absolute;left:.45rem;color:var(--muted)}\n"
	"ul.rules li.failed{color:var(--err);font-weight:600}\n"
	"ul.rules li.failed::before{content:\"\\2715\";left:.2rem;color:var(--err-line)}\n"
	/* enrollment */
	"ol.steps{list-style:none;counter-reset:step;margin:1.5rem 0 0;padding:0}\n"
	"ol.steps>li{counter-increment:step;position:relative;padding-left:2.6rem;margin:0 0 1.75rem}\n"
	"ol.steps>li::before{content:counter(step);position:absolute;left:0;top:.05rem;"
	"width:1.8rem;height:1.8rem;border-radius:50%;background:var(--primary);color:#fff;"
	"font-weight:700;line-height:1.8rem;text-align:center}\n"
	"ol.steps h2{margin:0 0 .35rem;font-size:1.05rem}\n"
	"ol.steps label:first-of-type{margin-top:.5rem}\n"
	"ol.steps h2 label,ol.steps h2 label:first-of-type{display:inline;margin:0;font-weight:inherit}\n"
	"nav.choice{display:flex;flex-wrap:wrap;gap:.5rem;margin:0 0 1.25rem}\n"
	"nav.choice a{flex:1 1 10rem;padding:.55rem .9rem;border:1px solid var(--line);"
	"border-radius:6px;text-align:center;text-decoration:none;font-weight:600}\n"
	"nav.choice a[aria-current]{background:var(--primary);border-color:var(--primary);color:#fff}\n"
	"input.secret{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,\"Liberation Mono\","
	"monospace;letter-spacing:.08em}\n"
	"#qr{display:inline-block;margin:.75rem 0;line-height:0}\n"
	"#qr svg{display:block;width:200px;height:200px;max-width:100%;background:#fff;"
	"border:1px solid var(--line);border-radius:4px}\n"
	"dl.key{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;"
	"margin:.5rem 0;font-size:.9rem}\n"
	"dl.key dt{color:var(--muted)}\n"
	"dl.key dd{margin:0}\n"
	"dl.key dd.key-value{grid-column:1/-1;margin-bottom:.35rem}\n"
	"code.setup-key{display:inline-block;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
	"\"Liberation Mono\",monospace;font-size:1rem;letter-spacing:.12em;word-spacing:.2em;"
	"background:#f0f2f5;border:1px solid var(--line);border-radius:4px;padding:.25rem .5rem;"
	"overflow-wrap:anywhere;-webkit-user-select:all;user-select:all}\n"
	/* recovery codes */
	"ol.codes{columns:2;column-gap:2rem;margin:1.25rem 0;padding:1rem 1rem 1rem 2.5rem;"
	"background:#f7f8fa;border:1px dashed #9aa3b2;border-radius:8px}\n"
	"ol.codes li{margin:.2rem 0;color:var(--muted)}\n"
	"ol.codes code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,\"Liberation Mono\","
	"monospace;font-size:1.05rem;color:var(--text);letter-spacing:.04em}\n"
	"ol.codes code{white-space:nowrap}\n"
	"@media (max-width:32rem){ol.codes{columns:1}}\n"
	/* account */
	"dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1.25rem;margin:.5rem 0}\n"
	"dl.facts dt{color:var(--muted)}\n"
	"dl.facts dd{margin:0;word-break:break-word}\n"
	".table-wrap{overflow-x:auto}\n"
	"table{width:100%;border-collapse:collapse;font-size:.9rem}\n"
	"th,td{text-align:left;vertical-align:top;padding:.5rem .6rem;border-bottom:1px solid var(--line)}\n"
	"th{color:var(--muted);font-size:.8rem;font-weight:600;white-space:nowrap}\n"
	"td.name{font-weight:600;overflow-wrap:break-word}\n"
	"td.agent{max-width:18rem;word-break:break-word;color:var(--muted)}\n"
	"td time{white-space:nowrap}\n"
	".badge{display:inline-block;margin-left:.25rem;padding:0 .5rem;border-radius:999px;"
	"font-size:.75rem;background:var(--ok-bg);color:var(--ok)}\n"
	"td.result-bad{color:var(--err);font-weight:600}\n"
	"@media (max-width:40rem){"
	"table.responsive thead{position:absolute;width:1px;height:1px;overflow:hidden;"
	"clip:rect(0 0 0 0)}"
	"table.responsive,table.responsive tbody,table.responsive tr,table.responsive td{display:block}"
	"table.responsive tr{border:1px solid var(--line);border-radius:8px;margin:.75rem 0;"
	"padding:.35rem .85rem}"
	"table.responsive td{display:flex;justify-content:space-between;gap:1rem;border:0;"
	"padding:.3rem 0;text-align:right;max-width:none}"
	"table.responsive td::before{content:attr(data-label);flex:none;color:var(--muted);"
	"font-weight:600;text-align:left}"
	"table.responsive td.form-cell{display:block;min-width:0;text-align:left;padding-top:.5rem}"
	"td time{white-space:normal}}\n"
	/* footer */
	"footer.site{max-width:52rem;margin:0 auto;padding:1.5rem 1rem 2.5rem;text-align:center;"
	"color:var(--muted);font-size:.8rem}\n"
	/*
	 * the administrator's console (admin_pages.c): wider pages for its
	 * tables, form controls the portal does not use (select, date), flags
	 * coloured by severity, the action forms in a grid
	 */
	"main.admin{max-width:76rem}\n"
	"main.admin.narrow{max-width:40rem}\n"
	"body:has(main.admin) header.site .bar,body:has(main.admin) header.site .user-bar,"
	"body:has(main.admin) footer.site{max-width:76rem}\n"
	"nav.admin-nav{margin:0 0 1.25rem;padding-bottom:.6rem;border-bottom:1px solid var(--line);"
	"gap:.25rem 1.5rem}\n"
	"nav.admin-nav a[aria-current]{color:var(--text);font-weight:700;text-decoration:none}\n"
	"main.admin select,main.admin input[type=date],main.admin input[type=datetime-local]{"
	"display:block;max-width:100%;font:inherit;font-size:1rem;padding:.5rem .6rem;color:inherit;"
	"background:#fff;border:1px solid #7d8697;border-radius:6px}\n"
	"form.search{display:flex;flex-wrap:wrap;align-items:flex-end;gap:.25rem 1rem;"
	"margin:1rem 0;padding:.25rem 1rem 1rem;background:#f7f8fa;border-radius:8px}\n"
	"form.search .field{flex:1 1 14rem;min-width:0}\n"
	"form.search select,form.search input{width:100%}\n"
	"form.search label{margin:.6rem 0 .3rem}\n"
	"form.search p.actions{margin:0}\n"
	"form.search button{padding:.55rem 1.25rem}\n"
	"main.admin table{font-size:.875rem}\n"
	"main.admin th,main.admin td{padding:.45rem .5rem}\n"
	"main.admin td.email{word-break:break-all}\n"
	"main.admin td code{font-size:.75rem;color:var(--muted)}\n"
	"main.admin td.detail{max-width:22rem;word-break:break-word;color:var(--muted)}\n"
	"main.admin td.mfa,main.admin td.recovery{text-align:right}\n"
	"main.admin td.nowrap{white-space:nowrap}\n"
	"main.admin td.result-other{color:var(--muted)}\n"
	".badge.flag{margin:.1rem .25rem .1rem 0;background:var(--warn-bg);color:var(--warn);"
	"white-space:nowrap}\n"
	".badge.flag[data-flag=privileged-without-mfa],.badge.flag[data-flag=locked],"
	".badge.flag[data-flag=expired]{background:var(--err-bg);color:var(--err)}\n"
	".badge.flag[data-flag=disabled]{background:#eceef1;color:var(--muted)}\n"
	".admin-actions{display:grid;grid-template-columns:repeat(auto-fill,minmax(22rem,1fr));"
	"gap:1rem}\n"
	".admin-action{border:1px solid var(--line);border-radius:8px;padding:.85rem 1rem 1rem}\n"
	".admin-action h3{margin:0 0 .25rem;font-size:1rem}\n"
	".admin-action label{margin:.6rem 0 .3rem}\n"
	".admin-action form.compact button{margin-top:.75rem}\n"
	"label.check{display:flex;gap:.5rem;align-items:center}\n"
	"label.check input{width:1.1rem;height:1.1rem}\n"
	"section.warning h2{margin:0 0 .5rem;font-size:1rem;border:0;padding:0}\n"
	"#chain-status{font-weight:600}\n"
	"@media (max-width:36rem){.admin-actions{grid-template-columns:1fr}"
	"form.search .field{flex-basis:100%}}\n"
	/* print: the recovery codes on paper, nothing else */
	"@media print{header.site,footer.site,.no-print,#notice{display:none!important}"
	"body{background:#fff;color:#000}"
	"main{max-width:none;margin:0;padding:0;box-shadow:none}"
	"ol.codes{background:none;border:1px solid #000}"
	"ol.codes code{font-size:13pt;color:#000}"
	"a{color:#000;text-decoration:none}}\n";
