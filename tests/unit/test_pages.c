/*
 * tests/unit/test_pages.c - the message catalog and every page of the
 * portal: the catalog complete in both languages, the contract's ids and
 * names present, every outside value escaped, no inline script or style,
 * the CSRF token in every form.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "i18n.h"
#include "pages.h"

#define CSRF "csrf-TOKEN_0123456789abcdef"
#define EVIL "<script>\"'&"
#define EVIL_ESC "&lt;script&gt;&quot;&#39;&amp;"

static const char *const langs[] = {"ja", "en"};

/* ---- catalog ---------------------------------------------------------- */

static const char *const required_keys[] = {
	"error.auth", "error.locked", "error.locked_admin", "error.disabled",
	"error.expired", "error.code", "error.replay", "error.recovery",
	"error.mismatch", "error.csrf", "error.session", "error.enroll",
	"error.device_name", "error.internal", "error.password_current",
	"notice.password_changed", "notice.device_added", "notice.device_removed",
	"notice.recovery_generated", "notice.signed_out", "notice.sessions_revoked",
	"title.error", "title.signed_out", "link.continue",
	"action.signin.ok", "action.signin.password", "action.signin.mfa",
	"action.signin.recovery", "action.signin.locked", "action.password.change",
	"action.mfa.enroll", "action.mfa.remove", "action.mfa.reset",
	"action.recovery.generate", "action.recovery.use",
	"result.ok", "result.fail", "result.locked", "result.denied",
	"role.admin", "role.user", "role.auditor",
	"device.type.totp-app", "device.type.totp-token", "device.type.hotp-token",
	"error.secret_empty", "error.secret_base32", "error.secret_short",
	"error.secret_long", "error.enroll_token",
};

static void
test_catalog_sorted_unique(void **state)
{
	unsigned i, n = tr_count();

	(void)state;
	assert_true(n > 100);
	assert_null(tr_key(n));
	for (i = 0; i < n; i++) {
		assert_non_null(tr_key(i));
		if (i > 0 && strcmp(tr_key(i - 1), tr_key(i)) >= 0)
			fail_msg("catalog out of order at %s / %s", tr_key(i - 1), tr_key(i));
	}
}

static void
test_catalog_complete(void **state)
{
	unsigned i, n = tr_count(), differ = 0;

	(void)state;
	for (i = 0; i < n; i++) {
		const char *k = tr_key(i), *en = tr("en", k), *ja = tr("ja", k);

		assert_true(en != k && en[0] != '\0');
		assert_true(ja != k && ja[0] != '\0');
		if (strcmp(en, ja) != 0)
			differ++;
		/* No markup in the catalog (pages escape it anyway). */
		assert_null(strpbrk(en, "<>"));
		assert_null(strpbrk(ja, "<>"));
		/* Only error.locked carries a printf placeholder, and only one "%s". */
		if (strcmp(k, "error.locked") == 0) {
			assert_non_null(strstr(en, "%s"));
			assert_non_null(strstr(ja, "%s"));
			assert_ptr_equal(strchr(en, '%'), strrchr(en, '%'));
			assert_ptr_equal(strchr(ja, '%'), strrchr(ja, '%'));
		} else {
			if (strchr(en, '%') != NULL || strchr(ja, '%') != NULL)
				fail_msg("'%%' in %s", k);
		}
		/* "{n}" in both languages or in neither. */
		assert_int_equal(strstr(en, "{n}") != NULL, strstr(ja, "{n}") != NULL);
	}
	if (differ * 10 < n * 9)
		fail_msg("only %u of %u keys differ between ja and en", differ, n);
}

static void
test_catalog_lookup(void **state)
{
	const char *missing = "no.such.key";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(required_keys) / sizeof(required_keys[0]); i++) {
		if (tr("en", required_keys[i]) == required_keys[i])
			fail_msg("missing key %s", required_keys[i]);
	}
	assert_ptr_equal(tr("ja", missing), missing);
	assert_string_equal(tr("en", "login.title"), "Sign in");
	assert_string_equal(tr("ja", "login.title"), "ログイン");
	/* Anything but Japanese is English; the region does not matter. */
	assert_string_equal(tr(NULL, "login.title"), "Sign in");
	assert_string_equal(tr("fr", "login.title"), "Sign in");
	assert_string_equal(tr("ja-JP", "login.title"), "ログイン");
	assert_string_equal(tr("", "error.auth"), tr("en", "error.auth"));
	/* Same message for unknown user and wrong password: one key. */
	assert_non_null(strstr(tr("en", "error.auth"), "user ID or password"));
}

/* ---- rendering helpers -------------------------------------------------- */

static page_base
base(const char *lang, const char *path)
{
	page_base pb;

	memset(&pb, 0, sizeof(pb));
	pb.lang = lang;
	pb.csrf = CSRF;
	pb.path = path;
	return pb;
}

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

/* Every id="..." appears once. */
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

/* What every page must satisfy. */
static void
check_common(const char *html, const char *lang, int signed_in)
{
	char want[64];
	const char *p;
	size_t forms;

	assert_int_equal(strncmp(html, "<!doctype html>\n", 16), 0);
	snprintf(want, sizeof(want), "<html lang=\"%s\">", lang);
	assert_has(html, want);
	assert_has(html, "<meta charset=\"utf-8\">");
	assert_has(html, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
	assert_has(html, "<link rel=\"stylesheet\" href=\"/static/sekisho.css\">");
	assert_has(html, "<title>");
	assert_has(html, "関所");
	assert_has(html, "Sekisho");
	assert_has(html, "<h1>");
	assert_has(html, "id=\"lang-ja\"");
	assert_has(html, "id=\"lang-en\"");
	assert_has(html, "</html>\n");
	/* The CSP forbids inline script and style: none at all. */
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<style"));
	assert_null(strstr(html, "style="));
	assert_null(strstr(html, "javascript:"));
	/* No event handler attribute (onclick=, onload=, ...). */
	for (p = html; (p = strstr(p, " on")) != NULL; p++) {
		const char *q = p + 3;

		while (*q >= 'a' && *q <= 'z')
			q++;
		if (*q == '=')
			fail_msg("event handler attribute at %.20s", p);
	}
	/* No placeholder left behind. */
	assert_null(strstr(html, "{n}"));
	/* Every form posts and carries the CSRF token, inside it. */
	forms = count(html, "<form ");
	assert_int_equal(forms, count(html, "</form>"));
	assert_int_equal(forms, count(html, "<form method=\"post\""));
	for (p = html; (p = strstr(p, "<form ")) != NULL; p++) {
		const char *end = strstr(p, "</form>"), *tok;

		assert_non_null(end);
		tok = strstr(p, "<input type=\"hidden\" name=\"csrf\" value=\"" CSRF "\">");
		assert_true(tok != NULL && tok < end);
	}
	if (signed_in) {
		assert_has(html, "action=\"/logout\"");
		assert_has(html, "id=\"logout\"");
	} else {
		assert_null(strstr(html, "id=\"logout\""));
	}
	check_unique_ids(html);
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

static sk_policy
policy(sk_policy_preset preset)
{
	sk_policy p;

	assert_int_equal(sk_policy_preset_init(&p, preset), SK_OK);
	return p;
}

/* ---- pages ------------------------------------------------------------ */

static void
test_login(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		page_base pb = base(langs[i], "/login");
		sk_buf b;
		char *h;

		buf_init(&b);
		pb.error = tr(langs[i], "error.auth");
		page_login(&b, &pb, "alice", "/account");
		h = take(&b);
		check_common(h, langs[i], 0);
		assert_has(h, "<form method=\"post\" action=\"/login\"");
		assert_has(h, "id=\"username\" name=\"username\"");
		assert_has(h, "autocomplete=\"username\"");
		assert_has(h, "id=\"password\" name=\"password\" type=\"password\" "
			   "autocomplete=\"current-password\"");
		assert_has(h, "value=\"alice\"");
		assert_has(h, "<input type=\"hidden\" name=\"rd\" value=\"/account\">");
		assert_has(h, "id=\"submit\"");
		assert_has(h, "<div id=\"error\" class=\"error\" role=\"alert\">");
		assert_has(h, tr(langs[i], "error.auth"));
		assert_null(strstr(h, "id=\"notice\""));
		assert_has(h, "href=\"/login?lang=ja\"");
		assert_has(h, "href=\"/login?lang=en\"");
		assert_int_equal(count(h, " autofocus"), 1);
		free(h);

		/* No rd: no hidden field; no user name: focus on it. */
		buf_init(&b);
		page_login(&b, &pb, NULL, NULL);
		h = take(&b);
		check_common(h, langs[i], 0);
		assert_null(strstr(h, "name=\"rd\""));
		assert_has(h, "required autofocus>");
		free(h);
	}
}

static void
test_change_password(void **state)
{
	static const sk_policy_preset presets[] = {SK_POLICY_AWS, SK_POLICY_STRONG, SK_POLICY_NIST};
	size_t i, k;

	(void)state;
	for (i = 0; i < 2; i++) {
		for (k = 0; k < 3; k++) {
			page_base pb = base(langs[i], "/login/password");
			sk_policy p = policy(presets[k]);
			sk_buf b;
			char *h;
			char msg[512];

			buf_init(&b);
			page_change_password(&b, &pb, "/login/password", &p, 0, 1);
			h = take(&b);
			check_common(h, langs[i], 0);
			assert_has(h, "action=\"/login/password\"");
			assert_has(h, "id=\"current_password\" name=\"current_password\" "
				   "type=\"password\" autocomplete=\"current-password\"");
			assert_has(h, "id=\"new_password\" name=\"new_password\" "
				   "type=\"password\" autocomplete=\"new-password\"");
			assert_has(h, "id=\"confirm_password\" name=\"confirm_password\" "
				   "type=\"password\" autocomplete=\"new-password\"");
			assert_has(h, "<ul id=\"policy-rules\"");
			assert_has(h, "id=\"submit\"");
			assert_has(h, tr(langs[i], "password.forced"));
			assert_null(strstr(h, "class=\"failed\""));
			assert_has(h, "data-rule=\"min-length\"");
			assert_has(h, "data-rule=\"max-length\"");
			assert_has(h, "data-rule=\"contains-name\"");
			assert_has(h, "data-rule=\"guessable\"");
			assert_has(h, sk_policy_rule_message(&p, SK_RULE_MIN_LENGTH, langs[i],
							     msg, sizeof(msg)));
			assert_int_equal(strstr(h, "data-rule=\"classes\"") != NULL,
					 p.min_classes > 0);
			assert_int_equal(strstr(h, "data-rule=\"upper\"") != NULL, p.require_upper);
			assert_int_equal(strstr(h, "data-rule=\"digit\"") != NULL, p.require_digit);
			/* Before it fails, the guessable rule states the requirement. */
			assert_has(h, tr(langs[i], "password.rule_guessable"));
			assert_null(strstr(h, sk_policy_rule_message(&p, SK_RULE_GUESSABLE, langs[i],
								     msg, sizeof(msg))));
			/* Rules that are not active and did not fail are not listed. */
			assert_null(strstr(h, "data-rule=\"same-as-current\""));
			assert_null(strstr(h, "data-rule=\"equals-name\""));
			free(h);
		}
	}
}

static void
test_change_password_failed(void **state)
{
	sk_policy p = policy(SK_POLICY_AWS);
	page_base pb = base("en", "/account/password");
	uint32_t failed = SK_RULE_MIN_LENGTH | SK_RULE_GUESSABLE | SK_RULE_SAME_AS_CURRENT |
			  SK_RULE_EQUALS_NAME;
	sk_buf b;
	char *h;

	(void)state;
	pb.user = "alice";
	buf_init(&b);
	page_change_password(&b, &pb, "/account/password", &p, failed, 0);
	h = take(&b);
	check_common(h, "en", 1);
	assert_int_equal(count(h, "class=\"failed\""), 4);
	assert_has(h, "<li data-rule=\"min-length\" class=\"failed\">");
	assert_has(h, "<li data-rule=\"guessable\" class=\"failed\">");
	assert_has(h, "<li data-rule=\"same-as-current\" class=\"failed\">");
	assert_has(h, "<li data-rule=\"equals-name\" class=\"failed\">");
	assert_has(h, "<li data-rule=\"max-length\">");
	assert_has(h, "<li data-rule=\"classes\">");
	assert_has(h, "<li data-rule=\"contains-name\">");
	assert_has(h, "Choose a password different from your current one.");
	assert_has(h, "This password is easy to guess.");
	assert_null(strstr(h, tr("en", "password.rule_guessable")));
	/* Voluntary: no forced text, a way back; the account for password managers. */
	assert_null(strstr(h, tr("en", "password.forced")));
	assert_has(h, "id=\"cancel\" href=\"/account\"");
	assert_has(h, "name=\"username\" autocomplete=\"username\" value=\"alice\"");
	free(h);

	/* Every single rule marks exactly one item. */
	for (unsigned bit = 0; bit < SK_RULE__COUNT; bit++) {
		buf_init(&b);
		page_change_password(&b, &pb, "/account/password", &p, (uint32_t)1 << bit, 0);
		h = take(&b);
		assert_int_equal(count(h, "class=\"failed\""), 1);
		free(h);
	}
	/* A NULL policy renders the aws rules. */
	buf_init(&b);
	page_change_password(&b, &pb, "/account/password", NULL, 0, 0);
	h = take(&b);
	assert_has(h, "data-rule=\"classes\"");
	free(h);
}

static void
test_enroll(void **state)
{
	static const char svg[] = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\">"
				  "<rect width=\"10\" height=\"10\" fill=\"#fff\"/></svg>";
	size_t i;
	unsigned codes;

	(void)state;
	for (i = 0; i < 2; i++) {
		for (codes = 1; codes <= 2; codes++) {
			page_base pb = base(langs[i], "/login/enroll");
			page_enroll_data d = {"/login/enroll", svg, "JBSW Y3DP EHPK 3PXP",
					      "iPhone", codes, 6, 30, 0};
			sk_buf b;
			char *h;

			buf_init(&b);
			pb.error = tr(langs[i], "error.enroll");
			page_enroll(&b, &pb, &d);
			h = take(&b);
			check_common(h, langs[i], 0);
			assert_has(h, "action=\"/login/enroll\"");
			assert_has(h, svg);
			assert_true(strstr(h, "<div id=\"qr\"") < strstr(h, svg));
			assert_has(h, "<code id=\"setup-key\" class=\"setup-key\">JBSW Y3DP EHPK 3PXP</code>");
			assert_has(h, "id=\"device_name\" name=\"device_name\"");
			assert_has(h, "value=\"iPhone\"");
			assert_has(h, "maxlength=\"64\"");
			assert_has(h, "Google Authenticator");
			assert_has(h, "Microsoft Authenticator");
			assert_has(h, "Authy");
			assert_has(h, "+ = , . @ _ -");
			assert_has(h, tr(langs[i], "enroll.leave_warning"));
			assert_has(h, "id=\"code1\" name=\"code1\"");
			assert_has(h, "inputmode=\"numeric\" pattern=\"[0-9]*\" maxlength=\"8\" "
				   "autocomplete=\"one-time-code\"");
			assert_int_equal(strstr(h, "id=\"code2\" name=\"code2\"") != NULL, codes == 2);
			if (codes == 2)
				assert_has(h, langs[i][0] == 'j' ? "30秒待って" : "Wait 30 seconds");
			assert_has(h, "id=\"submit\"");
			assert_null(strstr(h, "id=\"cancel\""));
			free(h);
		}
	}
}

/* The app's page offers the token; the token's page has no key and echoes no secret. */
static void
test_enroll_token(void **state)
{
	size_t i;
	unsigned codes;

	(void)state;
	for (i = 0; i < 2; i++) {
		page_base pb = base(langs[i], "/login/enroll");
		page_enroll_data d = {"/login/enroll", "<svg></svg>", "JBSW Y3DP", "iPhone", 2, 6, 30, 0};
		sk_buf b;
		char *h;

		buf_init(&b);
		page_enroll(&b, &pb, &d);
		h = take(&b);
		assert_has(h, "<nav class=\"choice\"");
		assert_has(h, "<a id=\"type-app\" href=\"/login/enroll\" aria-current=\"page\">");
		assert_has(h, "<a id=\"type-token\" href=\"/login/enroll?type=token\">");
		assert_null(strstr(h, "token_secret"));
		assert_null(strstr(h, "name=\"type\""));
		free(h);

		for (codes = 1; codes <= 2; codes++) {
			d = (page_enroll_data){"/account/devices/add", NULL, NULL, EVIL, codes, 6, 30, 1};
			pb = base(langs[i], "/account/devices/add?type=token");
			pb.user = "bob";
			pb.error = tr(langs[i], "error.secret_base32");
			buf_init(&b);
			page_enroll(&b, &pb, &d);
			h = take(&b);
			check_common(h, langs[i], 1);
			assert_has(h, "<a id=\"type-app\" href=\"/account/devices/add\">");
			assert_has(h, "<a id=\"type-token\" href=\"/account/devices/add?type=token\" "
				   "aria-current=\"page\">");
			assert_has(h, "action=\"/account/devices/add\"");
			assert_has(h, "<input type=\"hidden\" name=\"type\" value=\"totp-token\">");
			assert_has(h, "<label for=\"token_secret\">");
			/* Never a value: the secret is typed, never sent back. */
			assert_has(h, "<input id=\"token_secret\" name=\"token_secret\" type=\"text\" "
				   "maxlength=\"160\" class=\"secret\" autocomplete=\"off\" "
				   "autocapitalize=\"characters\" spellcheck=\"false\" "
				   "aria-describedby=\"token_secret-help\" required>");
			assert_has(h, "id=\"token_secret-help\"");
			assert_has(h, "value=\"" EVIL_ESC "\"");
			assert_null(strstr(h, "id=\"qr\""));
			assert_null(strstr(h, "id=\"setup-key\""));
			assert_null(strstr(h, "id=\"leave-warning\""));
			/* (English text has apostrophes, escaped: compare Japanese.) */
			if (langs[i][0] == 'j') {
				assert_has(h, tr("ja", "enroll.token_text"));
				assert_has(h, tr("ja", "enroll.token_lost_warning"));
				assert_has(h, tr("ja", codes == 2 ? "enroll.token_codes_text" :
						 "enroll.token_code_text"));
			}
			assert_int_equal(strstr(h, "id=\"code2\" name=\"code2\"") != NULL, codes == 2);
			assert_has(h, "id=\"code1\" name=\"code1\"");
			assert_has(h, "id=\"cancel\" href=\"/account\"");
			assert_has(h, "lang=ja\"");
			free(h);
		}
	}
}

static void
test_enroll_from_account(void **state)
{
	page_base pb = base("ja", "/account/devices/add");
	page_enroll_data d = {"/account/devices/add", "<svg></svg>", "ABCD", EVIL, 2, 8, 60, 0};
	sk_buf b;
	char *h;

	(void)state;
	pb.user = "bob";
	buf_init(&b);
	page_enroll(&b, &pb, &d);
	h = take(&b);
	check_common(h, "ja", 1);
	assert_has(h, "id=\"cancel\" href=\"/account\"");
	assert_has(h, "<dd>8</dd>");
	assert_has(h, "60秒");
	assert_has(h, "value=\"" EVIL_ESC "\"");
	free(h);
}

static void
test_recovery_codes(void **state)
{
	sk_recovery_set set;
	size_t i;
	unsigned k;

	(void)state;
	memset(&set, 0, sizeof(set));
	set.count = 10;
	for (k = 0; k < set.count; k++) {
		memcpy(set.codes[k], "7k2m-9xqp-4hdt-b3w0", SK_RECOVERY_CODE_LEN + 1);
		set.codes[k][SK_RECOVERY_CODE_LEN - 1] = (char)('a' + k);
	}
	for (i = 0; i < 2; i++) {
		page_base pb = base(langs[i], "/login/recovery-codes");
		sk_buf b;
		char *h;
		const char *data;

		buf_init(&b);
		page_recovery_codes(&b, &pb, &set, "/account");
		h = take(&b);
		check_common(h, langs[i], 0);
		assert_has(h, "<ol id=\"recovery-codes\"");
		assert_int_equal(count(h, "<li><code>"), 10);
		assert_has(h, "download=\"sekisho-recovery-codes.txt\"");
		data = strstr(h, "href=\"data:text/plain;charset=utf-8,");
		assert_non_null(data);
		for (k = 0; k < set.count; k++) {
			char li[64], line[64];

			snprintf(li, sizeof(li), "<li><code>%s</code></li>", set.codes[k]);
			assert_has(h, li);
			snprintf(line, sizeof(line), "%s%%0A", set.codes[k]);
			assert_true(strstr(data, line) != NULL);
		}
		assert_int_equal(count(data, "%0A"), 10);
		assert_has(h, "id=\"continue\" class=\"button\" href=\"/account\"");
		assert_has(h, tr(langs[i], "recovery.once"));
		free(h);
	}
}

static void
test_mfa(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		page_base pb = base(langs[i], "/login/mfa");
		sk_buf b;
		char *h;

		buf_init(&b);
		pb.error = tr(langs[i], "error.replay");
		page_mfa(&b, &pb, 0);
		h = take(&b);
		check_common(h, langs[i], 0);
		assert_has(h, "action=\"/login/mfa\"");
		assert_has(h, "id=\"code\" name=\"code\"");
		assert_has(h, "inputmode=\"numeric\"");
		assert_has(h, "autocomplete=\"one-time-code\"");
		assert_has(h, "id=\"submit\"");
		assert_has(h, "<a id=\"use-recovery\" href=\"/login/recovery\">");
		assert_null(strstr(h, "recovery_code"));
		free(h);

		buf_init(&b);
		pb.path = "/login/recovery";
		pb.error = NULL;
		page_mfa(&b, &pb, 1);
		h = take(&b);
		check_common(h, langs[i], 0);
		assert_has(h, "action=\"/login/recovery\"");
		assert_has(h, "id=\"recovery_code\" name=\"recovery_code\"");
		assert_has(h, "<a id=\"use-code\" href=\"/login/mfa\">");
		assert_has(h, "id=\"submit\"");
		assert_null(strstr(h, "id=\"code\""));
		free(h);
	}
}

static void
test_account(void **state)
{
	static const page_device devices[] = {
		{7, "iPhone", "totp-app", 1700000000, 0},
		{9, "YubiToken", "totp-token", 1700000000, 1700003600},
	};
	static const page_session sessions[] = {
		{3, "192.0.2.1", "Mozilla/5.0 (X11; Linux x86_64)", 1700000000, 1700000100, 1},
		{4, "198.51.100.7", "curl/8.0", 1690000000, 1690000000, 0},
	};
	static const page_event events[] = {
		{1700000000, "signin.ok", "192.0.2.1", "ok"},
		{1699990000, "signin.password", "203.0.113.9", "fail"},
		{1699980000, "something.new", "203.0.113.9", "locked"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		page_base pb = base(langs[i], "/account");
		page_account_data d = {"alice", "alice@example.jp", "admin", 1700000000,
				       devices, 2, 8, sessions, 2, events, 3};
		sk_buf b;
		char *h;

		pb.user = "alice";
		pb.is_admin = 1;
		pb.notice = tr(langs[i], "notice.device_added");
		buf_init(&b);
		page_account(&b, &pb, &d);
		h = take(&b);
		check_common(h, langs[i], 1);
		assert_has(h, "<div id=\"notice\" class=\"notice\" role=\"status\">");
		assert_has(h, "id=\"admin-console\"");
		assert_has(h, "<table id=\"devices\"");
		assert_has(h, "<tr data-device=\"7\">");
		assert_has(h, "<tr data-device=\"9\">");
		assert_int_equal(count(h, "action=\"/account/devices/remove\""), 2);
		assert_has(h, "<input type=\"hidden\" name=\"device_id\" value=\"7\">");
		assert_int_equal(count(h, "name=\"password\" type=\"password\" "
				       "autocomplete=\"current-password\""), 3);
		assert_has(h, "<a id=\"add-device\"");
		assert_has(h, "href=\"/account/devices/add\"");
		assert_has(h, "<strong id=\"recovery-left\">8</strong>");
		assert_has(h, "action=\"/account/recovery\"");
		assert_has(h, "<a id=\"change-password\"");
		assert_has(h, "href=\"/account/password\"");
		assert_has(h, "<table id=\"sessions\"");
		assert_has(h, "action=\"/account/sessions/revoke-others\"");
		assert_has(h, "<table id=\"history\"");
		assert_has(h, "2023-11-14 22:13 UTC");
		assert_has(h, "2023-11-14 23:13 UTC");
		assert_has(h, tr(langs[i], "action.signin.ok"));
		assert_has(h, tr(langs[i], "action.signin.password"));
		assert_has(h, ">something.new<");   /* unknown action: its name */
		assert_has(h, tr(langs[i], "result.fail"));
		assert_has(h, tr(langs[i], "role.admin"));
		assert_has(h, tr(langs[i], "device.type.totp-app"));
		assert_has(h, tr(langs[i], "account.device_never_used"));
		assert_has(h, tr(langs[i], "account.session_current"));
		assert_has(h, "alice@example.jp");
		assert_null(strstr(h, tr(langs[i], "account.recovery_low")));
		free(h);

		/* Empty account: no devices, sessions or events. */
		memset(&d, 0, sizeof(d));
		d.name = "alice";
		pb.is_admin = 0;
		pb.notice = NULL;
		buf_init(&b);
		page_account(&b, &pb, &d);
		h = take(&b);
		check_common(h, langs[i], 1);
		assert_has(h, tr(langs[i], "account.devices_none"));
		assert_has(h, tr(langs[i], "account.history_none"));
		assert_has(h, tr(langs[i], "account.not_set"));
		assert_has(h, tr(langs[i], "account.recovery_low"));
		assert_has(h, "<table id=\"devices\"");
		assert_has(h, "<table id=\"sessions\"");
		assert_has(h, "<table id=\"history\"");
		assert_null(strstr(h, "data-device="));
		assert_null(strstr(h, "id=\"admin-console\""));
		free(h);
	}
}

static void
test_message(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		page_base pb = base(langs[i], "/login/password");
		sk_buf b;
		char *h;

		buf_init(&b);
		page_message(&b, &pb, tr(langs[i], "password.title"),
			     tr(langs[i], "notice.password_changed"), "/login/mfa",
			     tr(langs[i], "common.continue_signin"));
		h = take(&b);
		check_common(h, langs[i], 0);
		assert_has(h, tr(langs[i], "notice.password_changed"));
		assert_has(h, "<a id=\"continue\" class=\"button\" href=\"/login/mfa\">");
		free(h);

		/* No CSRF, no link: still a whole page, and no form at all. */
		pb.csrf = NULL;
		pb.user = "alice";
		buf_init(&b);
		page_message(&b, &pb, tr(langs[i], "title.error"), tr(langs[i], "error.internal"),
			     NULL, NULL);
		h = take(&b);
		assert_null(strstr(h, "<form"));
		assert_null(strstr(h, "id=\"continue\""));
		assert_has(h, "id=\"current-user\">alice<");
		free(h);
	}
}

/* Every value from outside, in every page, appears only escaped. */
static void
test_escaping(void **state)
{
	page_base pb = base("en", "/account?x=" EVIL);
	page_device dev = {1, EVIL, EVIL, 0, 0};
	page_session ses = {1, EVIL, EVIL, 0, 0, 0};
	page_event ev = {1, EVIL, EVIL, EVIL};
	page_account_data d = {EVIL, EVIL, EVIL, 0, &dev, 1, 10, &ses, 1, &ev, 1};
	page_enroll_data ed = {"/login/enroll", "<svg></svg>", EVIL, EVIL, 2, 6, 30, 0};
	sk_recovery_set set;
	sk_policy p = policy(SK_POLICY_AWS);
	sk_buf b;
	char *h;
	int page;

	(void)state;
	memset(&set, 0, sizeof(set));
	set.count = 1;
	memcpy(set.codes[0], EVIL, sizeof(EVIL));
	pb.user = EVIL;
	pb.error = EVIL;
	pb.notice = EVIL;
	pb.csrf = "\"><b>";
	for (page = 0; page < 7; page++) {
		buf_init(&b);
		switch (page) {
		case 0: page_login(&b, &pb, EVIL, EVIL); break;
		case 1: page_change_password(&b, &pb, "/account/password", &p, 0, 0); break;
		case 2: page_enroll(&b, &pb, &ed); break;
		case 3: page_recovery_codes(&b, &pb, &set, EVIL); break;
		case 4: page_mfa(&b, &pb, 0); break;
		case 5: page_account(&b, &pb, &d); break;
		default: page_message(&b, &pb, EVIL, EVIL, EVIL, EVIL); break;
		}
		h = take(&b);
		assert_null(strstr(h, "<script"));
		assert_null(strstr(h, "<b>"));
		assert_has(h, EVIL_ESC);
		assert_has(h, "value=\"&quot;&gt;&lt;b&gt;\"");
		free(h);
	}
}

static void
test_layout(void **state)
{
	page_base pb = base("ja", NULL);
	sk_buf b;
	char *h;

	(void)state;
	/* A path that is not local gives bare "?lang=" links. */
	static const char *const bad[] = {NULL, "//evil.example/", "/\\evil", "http://x/", ""};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pb.path = bad[i];
		buf_init(&b);
		page_mfa(&b, &pb, 0);
		h = take(&b);
		assert_has(h, "<a id=\"lang-ja\" href=\"?lang=ja\"");
		assert_has(h, "<a id=\"lang-en\" href=\"?lang=en\"");
		assert_null(strstr(h, "evil"));
		free(h);
	}
	/* A path with a query gets "&". */
	pb.path = "/login?rd=/x";
	buf_init(&b);
	page_login(&b, &pb, NULL, NULL);
	h = take(&b);
	assert_has(h, "href=\"/login?rd=/x&amp;lang=en\"");
	assert_has(h, "lang=\"ja\" aria-current=\"true\"");
	free(h);
	/* Signed in but no CSRF token: the name, no sign-out form. */
	pb.user = "carol";
	pb.csrf = NULL;
	buf_init(&b);
	page_message(&b, &pb, "t", "x", NULL, NULL);
	h = take(&b);
	assert_has(h, "carol");
	assert_null(strstr(h, "id=\"logout\""));
	free(h);
}

static void
test_css(void **state)
{
	(void)state;
	assert_true(strlen(page_css) > 1000);
	assert_non_null(strstr(page_css, "Hiragino Sans"));
	assert_non_null(strstr(page_css, "Noto Sans JP"));
	assert_non_null(strstr(page_css, "#qr svg"));
	assert_non_null(strstr(page_css, "code.setup-key"));
	assert_non_null(strstr(page_css, "@media print"));
	assert_non_null(strstr(page_css, ":focus-visible"));
	/* The console's rules too: every page loads this one file. */
	assert_non_null(strstr(page_css, "main.admin{max-width:76rem}"));
	assert_non_null(strstr(page_css, "nav.admin-nav{"));
	assert_non_null(strstr(page_css, ".admin-actions{"));
	/* ASCII only: the stylesheet's charset never matters. */
	for (const char *c = page_css; *c; c++)
		assert_true((unsigned char)*c < 0x80);
	/* Braces balance. */
	assert_int_equal(count(page_css, "{"), count(page_css, "}"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_catalog_sorted_unique),
		cmocka_unit_test(test_catalog_complete),
		cmocka_unit_test(test_catalog_lookup),
		cmocka_unit_test(test_login),
		cmocka_unit_test(test_change_password),
		cmocka_unit_test(test_change_password_failed),
		cmocka_unit_test(test_enroll),
		cmocka_unit_test(test_enroll_token),
		cmocka_unit_test(test_enroll_from_account),
		cmocka_unit_test(test_recovery_codes),
		cmocka_unit_test(test_mfa),
		cmocka_unit_test(test_account),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_css),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
