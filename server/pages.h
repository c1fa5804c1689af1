/*
 * server/pages.h - every page of the portal, rendered on the server into a
 * buffer.  All text comes from the message catalog (i18n.h) in the page's
 * language; every value from outside is HTML-escaped (buf_html).  No inline
 * script or style (the CSP forbids them); forms work without JavaScript and
 * carry the standard autocomplete attributes.
 *
 * Element ids and names below are a contract: the Playwright tests and
 * password managers rely on them.
 */
#ifndef SEKISHOD_PAGES_H
#define SEKISHOD_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "sekisho/sekisho.h"

typedef struct page_base {
	const char *lang;    /* "ja" or "en" */
	const char *csrf;    /* hidden field "csrf" in every POST form; NULL: no forms */
	const char *user;    /* signed-in user name, shown in the header, or NULL */
	int is_admin;        /* show the link to the admin console */
	const char *error;   /* translated error text, shown in <div id="error" role="alert"> */
	const char *notice;  /* translated success text, shown in <div id="notice" role="status"> */
	const char *path;    /* this page's path, for the language links "?lang=ja|en" */
} page_base;

/*
 * GET/POST /login: <form method="post" action="/login"> with
 * input#username name="username" autocomplete="username",
 * input#password name="password" type=password autocomplete="current-password",
 * hidden "rd" when rd is non-empty, button#submit.
 */
void page_login(sk_buf *b, const page_base *pb, const char *username, const char *rd);

/*
 * /login/password (action) or /account/password: the forced change (A2) or a
 * voluntary one.  Lists the policy's rules in <ul id="policy-rules">, each
 * <li> with class "failed" when its SK_RULE_* bit is in failed.  Fields:
 * input#current_password (autocomplete="current-password"),
 * input#new_password and input#confirm_password (autocomplete="new-password"),
 * button#submit.  forced: explains that the issued password must be changed.
 */
void page_change_password(sk_buf *b, const page_base *pb, const char *action,
			  const sk_policy *policy, uint32_t failed, int forced);

typedef struct page_enroll_data {
	const char *action;      /* "/login/enroll" or "/account/devices/add" */
	const char *qr_svg;      /* inline SVG, put in <div id="qr"> as is (trusted) */
	const char *setup_key;   /* grouped Base32, in <code id="setup-key"> */
	const char *device_name; /* value of input#device_name (B1 rules shown) */
	unsigned codes;          /* 1 or 2: input#code1 [input#code2], inputmode="numeric",
				    autocomplete="one-time-code" */
	unsigned digits, period;
	int token;               /* a hardware TOTP token instead of an app */
} page_enroll_data;

/*
 * The enrollment of a device (B3, B4).  A choice of kind first:
 * <nav class="choice"> with a#type-app (href action) and a#type-token
 * (href action?type=token), the current one aria-current="page".  An app:
 * QR code, key, codes.  A hardware TOTP token (token != 0): the form
 * carries hidden type=totp-token and input#token_secret name="token_secret"
 * (autocomplete="off", never given a value: a typed secret is not sent
 * back), then the codes; no QR code, no key.
 */
void page_enroll(sk_buf *b, const page_base *pb, const page_enroll_data *d);

/*
 * Recovery codes, shown once (B9): <ol id="recovery-codes"> of <li><code>,
 * a download link (data: URL, download="sekisho-recovery-codes.txt"), a note
 * to print or store them, and a#continue to next_url.
 */
void page_recovery_codes(sk_buf *b, const page_base *pb, const sk_recovery_set *codes,
			 const char *next_url);

/*
 * /login/mfa: input#code name="code" autocomplete="one-time-code"
 * inputmode="numeric", button#submit, and a#use-recovery to
 * /login/recovery.  recovery != 0 renders /login/recovery instead:
 * input#recovery_code name="recovery_code", a#use-code back.
 */
void page_mfa(sk_buf *b, const page_base *pb, int recovery);
/* Step-up (B11): a fresh code for a signed-in session, asked by forward-auth. */
void page_stepup(sk_buf *b, const page_base *pb);

typedef struct page_device {
	int64_t id;
	const char *name, *type;   /* type: "totp-app", "totp-token", "hotp-token" */
	int64_t added, last_used;  /* unix seconds; 0 = never */
} page_device;

typedef struct page_session {
	int64_t id;
	const char *addr, *agent;
	int64_t created, last_seen;
	int current;
} page_session;

typedef struct page_event {
	int64_t ts;
	const char *action, *addr, *result;
} page_event;

typedef struct page_account_data {
	const char *name, *email, *role;
	int64_t last_signin;
	const page_device *devices;
	size_t ndevices;
	unsigned recovery_left;
	const page_session *sessions;
	size_t nsessions;
	const page_event *events;  /* recent sign-in history of this account */
	size_t nevents;
} page_account_data;

/*
 * /account (B6, D3): table#devices (one <tr data-device="ID"> each, with a
 * remove form POST /account/devices/remove: hidden device_id, password field
 * input name="password"), a#add-device to /account/devices/add,
 * recovery codes left + form POST /account/recovery (password) to
 * regenerate, a#change-password to /account/password, table#sessions with a
 * form POST /account/sessions/revoke-others, table#history of events, and
 * the sign-out form POST /logout (button#logout).
 */
void page_account(sk_buf *b, const page_base *pb, const page_account_data *d);

/* A page with a title, a paragraph and an optional link (errors, notices). */
void page_message(sk_buf *b, const page_base *pb, const char *title, const char *text,
		  const char *link, const char *link_text);

/*
 * The one stylesheet, served at /static/sekisho.css and linked by every
 * page, the console's included (its rules are scoped to main.admin).
 */
extern const char page_css[];

#endif
