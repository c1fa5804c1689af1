/*
 * lib/internal.h - what the modules of libsekisho share and nobody else sees.
 */
#ifndef SEKISHO_INTERNAL_H
#define SEKISHO_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sekisho/config.h"
#include "sekisho/ctx.h"
#include "sekisho/error.h"
#include "sekisho/store.h"

struct sk_ctx {
	sk_config cfg;
	sk_store *store;
	sk_clock_fn clock;
	void *clock_arg;
	uint8_t *seal_key;     /* sodium_malloc'd: TOTP secrets at rest */
	uint8_t *audit_key;    /* sodium_malloc'd: audit chain MAC */
	uint8_t *csrf_key;     /* sodium_malloc'd: CSRF tokens from session tokens */
	char decoy_hash[SK_PWHASH_MAX]; /* Argon2id of a random password */
	int tx_depth;          /* nesting of sk__begin */
	int tx_failed;         /* an inner level asked for rollback */
	FILE *audit_mirror;    /* JSON lines copy of the audit chain, or NULL */
	char *mirror_buf;      /* mirror lines waiting for the outermost commit */
	size_t mirror_len, mirror_cap;
};

/*
 * Called by sk_audit() with one JSON line (no newline): written at once
 * outside a transaction, else at the outermost commit and never on rollback,
 * so the copy never shows an event the chain did not keep.
 */
void sk__mirror_write(sk_ctx *ctx, const char *line);

/*
 * Transactions that nest: only the outermost begin/commit reach the store.
 * sk__commit() commits at depth 0 unless an inner level rolled back, in which
 * case the whole transaction is rolled back and SK_ERR_STORE returned.
 */
int sk__begin(sk_ctx *ctx);
int sk__commit(sk_ctx *ctx);
void sk__rollback(sk_ctx *ctx);

/* Ends a transaction: commit when r == SK_OK, else roll back; returns r (or the commit error). */
int sk__finish(sk_ctx *ctx, int r);

/*
 * Copies src (NULL = "") into dst, truncated to size - 1 bytes, with every
 * byte that is not printable ASCII (0x21-0x7e) replaced by '?': for values a
 * front-end passes through into audit details (PAM service, tty, host).
 */
void sk__printable(char *dst, size_t size, const char *src);

/* Bounded string copy; returns SK_ERR_TOOLONG when src does not fit (dst is then ""). */
int sk__strlcpy(char *dst, const char *src, size_t size);

/* The store's ops, shortened. */
#define ST(ctx) ((ctx)->store->ops)

/* Whether a role string matches; names of roles. */
const char *sk__role_name(int role);

/* --- privilege.c: the two-person rule ------------------------------------ */
struct sk_actor;

/*
 * Decides whether a privileged action (bit of SK_APPROVE_*) may run now.
 * SK_OK: run it (rule not configured, or fewer than two administrators
 * exist).  SK_ERR_APPROVAL: a request was recorded and actor->approval_id set.
 */
int sk__privileged(sk_ctx *ctx, struct sk_actor *actor, unsigned bit,
		   const char *action, const char *target, const char *param);

/* Enabled, unexpired accounts whose base role is admin. */
int sk__admin_count(sk_ctx *ctx, unsigned *n);

/* --- account.c: the actions an approval runs ----------------------------- */
int sk__do_set_role(sk_ctx *ctx, const struct sk_actor *actor, sk_user *u, int role);
int sk__do_grant(sk_ctx *ctx, const struct sk_actor *actor, const sk_user *u, int role,
		 int64_t until);
int sk__do_reset_password(sk_ctx *ctx, const struct sk_actor *actor, sk_user *u,
			  char *initial, size_t initial_size);
int sk__do_unlock(sk_ctx *ctx, const struct sk_actor *actor, const sk_user *u);
int sk__do_mfa_reset(sk_ctx *ctx, const struct sk_actor *actor, const sk_user *u);

/* Ends every portal session of a user (no-op for stores without sessions). */
int sk__end_sessions(sk_ctx *ctx, int64_t user_id);

/* Looks up name after normalizing it. */
int sk__user_by_name(sk_ctx *ctx, const char *name, sk_user *u);

/* Address for audit records when the actor gave none. */
#define SK__ADDR(a) ((a) != NULL && (a)->addr != NULL ? (a)->addr : "local")
#define SK__ACTOR(a) ((a) != NULL && (a)->name != NULL ? (a)->name : "")

#endif
