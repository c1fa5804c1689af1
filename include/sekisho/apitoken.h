/*
 * sekisho/apitoken.h - API tokens: machine credentials managed like user
 * credentials (C6).
 *
 * An API token belongs to an account (its owner) and acts as that account,
 * never as more: what a call may do is the lesser of the token's scope and
 * the owner's effective role at the time of the call.  A read-scope token
 * only reads; an admin-scope token can be created only for an owner whose
 * effective role is admin, and stops writing as soon as that role lapses.
 *
 * The token text is "skt_" followed by Base64url (no padding) of 32 random
 * bytes.  It is shown once, at creation; the store keeps only the
 * BLAKE2b-256 hash of the 32 bytes, so a copy of the database gives no
 * usable token, and lookup by hash makes verification constant time by
 * construction (no comparison of the secret itself).
 *
 * Every token has an expiry, at most SK_APITOKEN_MAX_LIFETIME after its
 * creation; revoked tokens are kept (with revoked_at) for the record.
 * Creating and revoking are audited ("token.create", "token.revoke") with
 * the token's id, name and scope - never the token text.  Store back ends
 * without the apitoken operations get SK_ERR_INVALID from these functions.
 */
#ifndef SEKISHO_APITOKEN_H
#define SEKISHO_APITOKEN_H

#include <stdint.h>

#include "sekisho/account.h"
#include "sekisho/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SK_APITOKEN_PREFIX "skt_"
#define SK_APITOKEN_LEN 47                          /* "skt_" + 43 Base64url characters */
#define SK_APITOKEN_MAX_LIFETIME (365LL * 86400)    /* one year, in seconds */

typedef enum sk_scope {
	SK_SCOPE_READ = 0,   /* GET only: inventory, audit, approvals (by the owner's role) */
	SK_SCOPE_ADMIN = 1   /* administrative changes too (owner must be an administrator) */
} sk_scope;

typedef struct sk_apitoken {
	int64_t id;                          /* assigned by apitoken_insert */
	int64_t user_id;                     /* the owner */
	uint8_t token_hash[SK_HASH_LEN];     /* BLAKE2b-256 of the 32 random bytes */
	char name[SK_NAME_MAX + 1];          /* B1 rules; unique among the owner's live tokens */
	sk_scope scope;
	char created_by[SK_NAME_MAX + 16];   /* the administrator who created it */
	int64_t created_at;
	int64_t expires_at;                  /* unix seconds; always set */
	int64_t last_used_at;                /* 0 = never; updated at most once a minute */
	int64_t revoked_at;                  /* 0 = not revoked */
} sk_apitoken;

/* "read", "admin" <-> sk_scope; parse returns SK_ERR_INVALID for others. */
const char *sk_apitoken_scope_name(sk_scope scope);
int sk_apitoken_scope_parse(const char *name, sk_scope *out);

/*
 * Creates a token named token_name (1-64 characters from A-Z a-z 0-9
 * + = , . @ _ -, unique among the owner's unrevoked tokens) for the account
 * owner_name.  actor must be an administrator (sk_account_authorize).
 * expires_at must be in the future and at most SK_APITOKEN_MAX_LIFETIME
 * away.  The token text is written to out (the caller shows it once and
 * wipes it); its id to *id (may be NULL).
 * Returns SK_OK, SK_ERR_PERM (actor not an administrator, or scope admin
 * for an owner whose effective role is not admin), SK_ERR_NOTFOUND (no such
 * owner), SK_ERR_DISABLED / SK_ERR_EXPIRED (the owner cannot sign in),
 * SK_ERR_NAME, SK_ERR_INVALID (scope or expiry out of range), SK_ERR_EXISTS
 * (name taken) or a store error.
 */
int sk_apitoken_create(sk_ctx *ctx, sk_actor *actor, const char *owner_name,
		       const char *token_name, sk_scope scope, int64_t expires_at,
		       char out[SK_APITOKEN_LEN + 1], int64_t *id)
	__attribute__((warn_unused_result));

/*
 * Checks a token presented by a client (e.g. from "Authorization: Bearer").
 * On success fills *out (may be NULL) and *owner (may be NULL; its pwhash
 * is blanked) and records the use (last_used_at, at most once a minute).
 * Malformed, unknown, revoked and expired tokens, and tokens whose owner is
 * disabled, expired or gone, all give SK_ERR_AUTH: one answer, so a client
 * learns nothing about which.  Other results are store errors.
 */
int sk_apitoken_verify(sk_ctx *ctx, const char *token, sk_apitoken *out, sk_user *owner)
	__attribute__((warn_unused_result));

/*
 * Revokes token id.  actor must be an administrator or the token's owner.
 * SK_ERR_NOTFOUND for an unknown id, SK_ERR_STATE when already revoked.
 */
int sk_apitoken_revoke(sk_ctx *ctx, sk_actor *actor, int64_t id)
	__attribute__((warn_unused_result));

/*
 * Lists the tokens of owner_name (NULL: of every account) in id order,
 * revoked and expired ones included; stops when cb returns nonzero and
 * returns that value.  SK_ERR_NOTFOUND when owner_name names no account.
 */
int sk_apitoken_list(sk_ctx *ctx, const char *owner_name,
		     int (*cb)(void *arg, const sk_apitoken *t), void *arg);

/*
 * Whether a verified token may be used to change something now: its scope
 * is admin and the owner's effective role is admin.  Reads need only an
 * owner whose effective role is auditor or admin.
 */
int sk_apitoken_can_write(sk_ctx *ctx, const sk_apitoken *t, const sk_user *owner);

#ifdef __cplusplus
}
#endif
#endif
