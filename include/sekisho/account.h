/*
 * sekisho/account.h - accounts and their lifecycle (A2, C1, C2).
 *
 * Operations that change an account take an actor: the administrator doing
 * it.  An actor named "local:<unix user>" is the host's own administrator
 * (the sekisho CLI run by whoever owns the database); any other name must be
 * an enabled, unexpired account whose effective role is admin.  Every change
 * is audited with the actor and address.
 *
 * Privileged actions configured in [approval] (granting admin, resetting an
 * administrator's password or MFA, unlocking an administrator) are not done
 * at once when at least two enabled administrators exist: the call records a
 * request, stores its id in actor->approval_id and returns SK_ERR_APPROVAL;
 * a different administrator decides it with sk_approval_decide().
 */
#ifndef SEKISHO_ACCOUNT_H
#define SEKISHO_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "sekisho/ctx.h"
#include "sekisho/policy.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct sk_actor {
	const char *name;     /* account name or "local:<unix user>" */
	const char *addr;     /* client address, or "local" */
	int64_t approval_id;  /* out: set when a call returns SK_ERR_APPROVAL */
} sk_actor;

#define SK_INITIAL_PASSWORD_MAX 129  /* buffer for a generated password + NUL */

/*
 * Normalizes a user name (ASCII lower case) into out and checks the rules:
 * 1-64 characters from a-z 0-9 . _ @ + -, starting with a letter or digit.
 * Returns SK_OK or SK_ERR_NAME.
 */
int sk_account_name_normalize(const char *in, char out[SK_NAME_MAX + 1]);

/* "admin", "user", "auditor" <-> sk_role; parse returns SK_ERR_INVALID for others. */
const char *sk_role_name(sk_role role);
int sk_role_parse(const char *name, sk_role *out);

typedef struct sk_account_spec {
	const char *name;
	const char *email;      /* may be NULL */
	sk_role role;
	int64_t expires_at;     /* 0 = never */
	const char *password;   /* NULL: generate an initial password */
	size_t password_len;
	int must_change;        /* for a given password; generated ones always must change */
} sk_account_spec;

/*
 * Creates an account.  A generated initial password (policy-conforming,
 * cfg.initial_password_length characters) is written to initial (the caller
 * shows it once and wipes it).  A given password is checked against the
 * policy first: SK_ERR_POLICY with *pr filled.  Role admin is a privileged
 * grant: the account is created as user and SK_ERR_APPROVAL returned when a
 * second administrator must approve.  SK_ERR_EXISTS when the name is taken.
 */
int sk_account_create(sk_ctx *ctx, sk_actor *actor, const sk_account_spec *spec,
		      char initial[SK_INITIAL_PASSWORD_MAX], sk_policy_result *pr)
	__attribute__((warn_unused_result));

/*
 * First start: creates the administrator "admin" with a generated initial
 * password (written to initial, shown once, must be changed at first
 * sign-in).  SK_ERR_EXISTS when the account is already there, so every
 * front-end can call it at start-up.
 */
int sk_account_bootstrap(sk_ctx *ctx, sk_actor *actor, char initial[SK_INITIAL_PASSWORD_MAX])
	__attribute__((warn_unused_result));

/* Reads an account by (normalized) name. SK_ERR_NOTFOUND when absent. */
int sk_account_get(sk_ctx *ctx, const char *name, sk_user *out);

/* Lists every account in id order; stops when cb returns nonzero. */
int sk_account_list(sk_ctx *ctx, sk_user_cb cb, void *arg);

int sk_account_set_disabled(sk_ctx *ctx, sk_actor *actor, const char *name, int disabled);
int sk_account_set_expiry(sk_ctx *ctx, sk_actor *actor, const char *name, int64_t expires_at);
int sk_account_set_email(sk_ctx *ctx, sk_actor *actor, const char *name, const char *email);
int sk_account_delete(sk_ctx *ctx, sk_actor *actor, const char *name);

/* Changes the base role; to admin is privileged (see above). */
int sk_account_set_role(sk_ctx *ctx, sk_actor *actor, const char *name, sk_role role);

/*
 * Issues a new initial password (must change at next sign-in), written to
 * initial.  Privileged when the target is an administrator.
 */
int sk_account_reset_password(sk_ctx *ctx, sk_actor *actor, const char *name,
			      char initial[SK_INITIAL_PASSWORD_MAX]);

/* Clears lockout counters; privileged when the target is an administrator. */
int sk_account_unlock(sk_ctx *ctx, sk_actor *actor, const char *name);

/*
 * Lifts the password-spraying throttle of one client address (the
 * per-source lockout scope), audited as address.unlock.  addr must be an
 * IPv4 or IPv6 address (SK_ERR_INVALID otherwise).
 */
int sk_account_unlock_address(sk_ctx *ctx, sk_actor *actor, const char *addr);

/*
 * A user changing their own password: old must verify (charged to the
 * password lockout), new must pass the policy and differ from old.
 * Clears must_change.  SK_ERR_POLICY fills *pr.
 */
int sk_account_change_password(sk_ctx *ctx, int64_t user_id, const char *addr,
			       const char *old_pw, size_t old_len,
			       const char *new_pw, size_t new_len, sk_policy_result *pr)
	__attribute__((warn_unused_result));

/*
 * Re-checks the password of a signed-in user before a sensitive change
 * (removing a device, new recovery codes).  Charged to the password lockout
 * like a sign-in.  SK_OK, SK_ERR_AUTH or SK_ERR_LOCKED.
 */
int sk_account_verify_password(sk_ctx *ctx, int64_t user_id, const char *addr,
			       const char *password, size_t len)
	__attribute__((warn_unused_result));

/*
 * The role in force now: the base role raised by any unexpired grant.
 * *until is the end of the grant that raised it (0 when none).
 */
sk_role sk_account_effective_role(sk_ctx *ctx, const sk_user *u, int64_t *until);

/*
 * Checks that actor may administer accounts (admin), or only read them when
 * read_only and the role is auditor.  Returns SK_OK or SK_ERR_PERM.
 */
int sk_account_authorize(sk_ctx *ctx, const sk_actor *actor, int read_only);

#ifdef __cplusplus
}
#endif
#endif
