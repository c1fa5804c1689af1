/*
 * server/admin_pages.h - the pages of the administrator's console (/admin),
 * rendered on the server with the portal's layout (layout.h).  admin.c calls
 * the library and fills the views below; these functions only render them.
 *
 * Every value from outside (names, e-mail addresses, audit fields, search
 * terms) is HTML-escaped; names in links are percent-encoded as well.  With
 * read_only (role auditor) a page has no form but the header's sign-out.
 *
 * Element ids below are a contract: tests/e2e/admin.mjs relies on them.
 * Every admin page has <nav class="admin-nav"> with a#nav-accounts,
 * a#nav-tokens, a#nav-approvals and a#nav-audit (on the accounts page the
 * last two are a#approvals and a#audit), and, when read_only,
 * <p id="read-only">.
 */
#ifndef SEKISHOD_ADMIN_PAGES_H
#define SEKISHOD_ADMIN_PAGES_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "pages.h"
#include "sekisho/sekisho.h"

/* Rows per page of the audit log. */
#define ADMIN_AUDIT_PER_PAGE 50

typedef struct admin_accounts_view {
	const sk_inventory_row *rows;  /* the accounts that match, in id order */
	size_t nrows;
	size_t matched;                /* how many matched (> nrows when cut short) */
	size_t total;                  /* accounts in the inventory */
	const char *q;                 /* the search text, "" for none */
	const char *flag;              /* the flag filter (sk_inventory_flag_name), "" for none */
	int read_only;
} admin_accounts_view;

/*
 * GET /admin: a search form (GET, input#q, select#flag, button#search),
 * a#create-user (not read_only), a#export-csv, and table#accounts with one
 * <tr data-user="NAME"> per row: link to the account, e-mail, role,
 * effective role (and the end of a grant), state, last sign-in, expiry, MFA
 * devices, recovery codes left, and the inventory flags as
 * <span class="badge flag" data-flag="NAME">.
 */
void admin_page_accounts(sk_buf *b, const page_base *pb, const admin_accounts_view *v);

typedef struct admin_new_user_view {
	/* The form's values, shown again after an error (NULL: empty). */
	const char *name, *email, *role, *expires;
	/* After success: the new account and its initial password (shown once). */
	const char *created;
	const char *initial_password;
} admin_new_user_view;

/*
 * GET/POST /admin/users/new: form POST /admin/users/new with input#new_name
 * (name), input#new_email (email), select#new_role (role: user, auditor,
 * admin), input#new_expires (expires, type=date, optional), button#submit.
 * After success instead: <code id="initial-password"> and a#created-user to
 * the account's page (and pb->notice, e.g. a pending approval).
 */
void admin_page_new_user(sk_buf *b, const page_base *pb, const admin_new_user_view *v);

typedef struct admin_user_view {
	const sk_inventory_row *row;   /* the account */
	const sk_device *devices;      /* sk_mfa_list, pending ones included */
	size_t ndevices;
	const sk_grant *grants;        /* sk_privilege_list of the account */
	size_t ngrants;
	const char *initial_password;  /* after reset-password: shown once, or NULL */
	int64_t now;                   /* to tell lapsed grants */
	int read_only;
} admin_user_view;

/*
 * GET /admin/users/NAME: facts (dd#user-name, #user-state, #user-flags ...),
 * table#user-devices (<tr data-device="ID">), table#user-grants, a#user-audit,
 * a#user-tokens (the account's API tokens),
 * and unless read_only one form per action, each POST
 * /admin/users/NAME/ACTION: disable (button#disable) or enable (#enable),
 * unlock (#unlock), expiry (input#expires type=date, #set-expiry),
 * reset-password (#reset-password), reset-mfa (input#reset-mfa-password
 * name="admin_password", #reset-mfa), role (select#role, #set-role), grant
 * (select#grant-role, input#grant-until type=datetime-local, #grant),
 * delete (checkbox#delete-confirm name="confirm" value="yes", #delete).
 */
void admin_page_user(sk_buf *b, const page_base *pb, const admin_user_view *v);

typedef struct admin_approvals_view {
	const sk_approval *approvals;  /* newest first */
	size_t napprovals;
	const sk_grant *grants;        /* every time-limited grant */
	const char *const *grant_users;/* the account name of each grant ("" when gone) */
	size_t ngrants;
	const char *initial_password;  /* issued by an approved request, or NULL */
	const char *initial_for;       /* whose it is */
	int64_t now;
	int read_only;
	int need_code;                 /* the approver has a device: ask for a code too */
} admin_approvals_view;

/*
 * GET /admin/approvals: table#approvals (<tr data-approval="ID"
 * data-state="pending">), pending rows (unless read_only) with one form
 * POST /admin/approvals/ID/approve: input#approve-password-ID
 * name="admin_password", with need_code input#approve-code-ID name="code"
 * (autocomplete="one-time-code"), button#approve-ID, and button#reject-ID
 * whose formaction is /admin/approvals/ID/reject; table#grants with the
 * lapse time of each grant.
 */
void admin_page_approvals(sk_buf *b, const page_base *pb, const admin_approvals_view *v);

typedef struct admin_audit_view {
	const sk_audit_event *events;  /* this page's events, newest first */
	size_t nevents;
	size_t matched;                /* events that match the filters */
	unsigned page, pages;          /* 1-based; pages >= 1 */
	const char *actor, *action, *target; /* the filters, "" for none */
	int chain;                     /* 1 intact, 0 broken, -1 could not be checked */
	int64_t chain_count;           /* events verified */
	int64_t bad_seq;               /* first bad event when broken */
} admin_audit_view;

/*
 * GET /admin/audit: <div id="chain-status" class="ok|broken"
 * data-count="N" [data-bad-seq="K"]>, a filter form (GET: input#filter-actor,
 * input#filter-action (a prefix), input#filter-target, button#filter),
 * table#audit with one <tr data-seq="N" data-action="ACTION"> per event, and
 * a#newer-page / a#older-page that keep the filters.
 */
void admin_page_audit(sk_buf *b, const page_base *pb, const admin_audit_view *v);

typedef struct admin_tokens_view {
	const sk_apitoken *tokens;     /* newest first; the hashes are not shown */
	const char *const *owners;     /* the account name of each token ("" when gone) */
	size_t ntokens;
	const char *owner;             /* the list's filter, "" for every account */
	/* The creation form's values (after an error, or the filter's owner). */
	const char *new_owner, *new_name, *new_scope, *new_expires;
	/* The date input's bounds and default ("YYYY-MM-DD", UTC). */
	const char *expires_min, *expires_max;
	/* After creation: the token text, shown this once, and its id. */
	const char *created_token;
	int64_t created_id;
	int64_t now;                   /* to tell expired tokens */
	int read_only;
} admin_tokens_view;

/*
 * GET /admin/tokens[?owner=NAME] (C6): a filter form (GET, input#token-filter
 * name="owner", button#filter-tokens), table#tokens with one
 * <tr data-token="ID" data-state="active|expired|revoked"> per token: id,
 * owner (a link to the account), name, scope, state, created (and by whom),
 * expiry, last use, and unless read_only a form POST /admin/tokens/ID/revoke
 * with button#revoke-token-ID for each active token.  Unless read_only, the
 * creation form POST /admin/tokens/new: input#token-owner (owner),
 * input#token-name (name), select#token-scope (scope: read, admin),
 * input#token-expires (expires, type=date, required, min and max),
 * button#create-token.  After creation, the token once in
 * <code id="new-token"> with p#new-token-warning (it is not shown again).
 */
void admin_page_tokens(sk_buf *b, const page_base *pb, const admin_tokens_view *v);

/*
 * GET /admin/inventory.csv: the columns of `sekisho inventory --format csv`.
 * A field is quoted when it holds a comma, quote or line break, and a field
 * that a spreadsheet would read as a formula (leading = + - @, tab or CR) is
 * quoted with a ' in front, so that opening the file runs nothing.
 */
void admin_csv_header(sk_buf *b);
void admin_csv_row(sk_buf *b, const sk_inventory_row *row);

#endif
