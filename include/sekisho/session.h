/*
 * sekisho/session.h - browser sessions of the portal, kept in the store so
 * that several server instances agree (DESIGN 5, 7).
 *
 * A session starts before sign-in (it carries the sign-in state machine and
 * the CSRF token of the login form) and is bound to the account once the
 * sign-in is DONE, with a new token (no session fixation).  The token is 32
 * random bytes sent to the browser in Base64url; the store keeps only its
 * BLAKE2b hash.  The CSRF token is derived from the session token with a
 * keyed hash, so it needs no storage and changes with the session.
 *
 * Sessions end after cfg.session_idle seconds without use, after
 * cfg.session_lifetime seconds in any case, at sign-out, when the user
 * signs out everywhere else, when an administrator resets the account's
 * password or MFA, and as soon as the account is disabled, expired or
 * deleted.  Store back ends without session operations
 * (a device's own store) get SK_ERR_INVALID from these functions.
 */
#ifndef SEKISHO_SESSION_H
#define SEKISHO_SESSION_H

#include <stdint.h>

#include "sekisho/ctx.h"
#include "sekisho/signin.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SK_TOKEN_LEN 43       /* Base64url (no padding) of 32 bytes */
#define SK_AGENT_MAX 128

typedef struct sk_session {
	int64_t id;
	uint8_t token_hash[SK_HASH_LEN];
	sk_signin signin;          /* the sign-in; step DONE = signed in as signin.user_id */
	char agent[SK_AGENT_MAX];  /* User-Agent, truncated, for the sessions list */
	int64_t created_at;
	int64_t last_seen_at;
	int64_t mfa_at;            /* last second-factor check (step-up, B11); 0 = none */
} sk_session;

/* 1 when the session is signed in (its sign-in reached DONE). */
int sk_session_active(const sk_session *s);

/*
 * Starts a session for a browser at addr (a sign-in at step PASSWORD).
 * Writes the new token to token (SK_TOKEN_LEN + 1 bytes, for the cookie).
 */
int sk_session_create(sk_ctx *ctx, const char *addr, const char *agent,
		      char token[SK_TOKEN_LEN + 1], sk_session *out)
	__attribute__((warn_unused_result));

/*
 * Finds the session of token and checks its timeouts (idle, lifetime; for a
 * session still signing in, cfg.signin_timeout).  SK_ERR_NOTFOUND for an
 * unknown or malformed token, SK_ERR_EXPIRED (the session is deleted) for
 * one past its time.  Does not update last_seen_at: sk_session_touch does.
 */
int sk_session_lookup(sk_ctx *ctx, const char *token, sk_session *out)
	__attribute__((warn_unused_result));

/* Stores s (its sign-in state after a step), with last_seen_at = now. */
int sk_session_save(sk_ctx *ctx, sk_session *s);

/*
 * Gives s a new token (written to token) and saves it: call when the
 * sign-in reaches DONE, so a token seen before sign-in is worthless after.
 */
int sk_session_rotate(sk_ctx *ctx, sk_session *s, char token[SK_TOKEN_LEN + 1])
	__attribute__((warn_unused_result));

/* Sign-out: deletes the session (audited when it was signed in). */
int sk_session_end(sk_ctx *ctx, const sk_session *s);

/* Ends every session of the user except keep_id (0: all), audited. */
int sk_session_end_others(sk_ctx *ctx, int64_t user_id, int64_t keep_id, const char *addr);

/* Lists the signed-in sessions of a user. */
int sk_session_list(sk_ctx *ctx, int64_t user_id, int (*cb)(void *arg, const sk_session *s),
		    void *arg);

/*
 * The hash a session is stored under, from its token (no store needed: the
 * forward-auth cache keys sessions by it).  SK_ERR_INVALID for a malformed
 * token.
 */
int sk_session_token_hash(const char *token, uint8_t hash[SK_HASH_LEN]);

/* The CSRF token of a session token (SK_TOKEN_LEN + 1 bytes). */
int sk_session_csrf(const sk_ctx *ctx, const char *token, char csrf[SK_TOKEN_LEN + 1]);

/* SK_OK when csrf belongs to token (constant time), else SK_ERR_AUTH. */
int sk_session_csrf_check(const sk_ctx *ctx, const char *token, const char *csrf);

#ifdef __cplusplus
}
#endif
#endif
