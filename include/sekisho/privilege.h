/*
 * sekisho/privilege.h - time-limited privilege and the two-person rule (C4).
 */
#ifndef SEKISHO_PRIVILEGE_H
#define SEKISHO_PRIVILEGE_H

#include <stddef.h>
#include <stdint.h>

#include "sekisho/account.h"
#include "sekisho/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Grants role to name until the unix time until (must be in the future),
 * after which it lapses by itself.  Granting admin is privileged.
 */
int sk_privilege_grant(sk_ctx *ctx, sk_actor *actor, const char *name,
		       sk_role role, int64_t until) __attribute__((warn_unused_result));

/*
 * Removes grants that have lapsed and audits each as role.lapse.  Effective
 * roles never count a lapsed grant whether or not this ran; it keeps the
 * records and the audit trail tidy.  Front-ends call it now and then.
 */
int sk_privilege_sweep(sk_ctx *ctx);

/* Ends a grant early. */
int sk_privilege_revoke(sk_ctx *ctx, sk_actor *actor, int64_t grant_id);

/* Lists grants of name (NULL: all accounts), including lapsed ones. */
int sk_privilege_list(sk_ctx *ctx, const char *name, sk_grant_cb cb, void *arg);

/*
 * Approves (approve != 0) or rejects request id.  The approver must be an
 * administrator account other than the requester and the target;
 * front-ends authenticate the approver before calling, with
 * sk_signin_reauth (password and, with a device, a fresh one-time code).
 * An approved request runs at once; when it issues a password
 * (reset_admin_password) that password is written to initial (may be NULL
 * otherwise).  Expired requests give SK_ERR_EXPIRED; decided
 * ones SK_ERR_STATE.
 */
int sk_approval_decide(sk_ctx *ctx, sk_actor *approver, int64_t id, int approve,
		       char *initial, size_t initial_size)
	__attribute__((warn_unused_result));

/*
 * Whether approver may decide request id now, without deciding it: the
 * checks of sk_approval_decide (an administrator account, neither the
 * requester nor the target, the request pending and not expired), so that
 * a front-end can refuse before asking for the approver's password and
 * code.  Same results as sk_approval_decide's refusals; SK_OK when it may.
 */
int sk_approval_may_decide(sk_ctx *ctx, const sk_actor *approver, int64_t id)
	__attribute__((warn_unused_result));

/* Lists requests; pending ones past their expiry are marked expired first. */
int sk_approval_list(sk_ctx *ctx, sk_approval_cb cb, void *arg);

const char *sk_approval_state_name(sk_approval_state s);

#ifdef __cplusplus
}
#endif
#endif
