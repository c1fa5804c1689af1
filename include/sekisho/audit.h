/*
 * sekisho/audit.h - the tamper-evident audit log (D1, D2; DESIGN 6).
 *
 * Every security-relevant action appends an event.  Each event's hash is
 * HMAC-SHA-256, under a key derived from the master key, over the previous
 * event's hash and every field of the event, so changing, inserting or
 * deleting an event (other than the newest ones) breaks the chain, and
 * rewriting the chain needs the key.  Events are also mirrored as JSON lines
 * to the configured audit_log file, for syslog/SIEM and sekisho-watch: that
 * copy, kept elsewhere, is what reveals a truncated tail.
 *
 * Action names (the vocabulary shared with sekisho-watch):
 *   signin.password signin.mfa signin.recovery signin.ok signin.locked
 *   password.change password.reset user.create user.update user.delete
 *   user.disable user.enable user.unlock user.expiry role.change role.grant
 *   role.lapse mfa.enroll mfa.remove mfa.reset recovery.generate
 *   recovery.use approval.request approval.approve approval.reject
 *   approval.expire approval.execute signin.external session.open
 *   session.close
 * Results: ok, fail, locked, denied, pending, skipped (two-person rule not
 * applicable: fewer than two administrators), error.  mfa.assign: an
 * administrator added a device for a user.  signin.external: a sign-in whose
 * first factor was checked elsewhere (sshd's public key) reached Sekisho;
 * session.open / session.close: a login session on a host (PAM), F1.
 */
#ifndef SEKISHO_AUDIT_H
#define SEKISHO_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "sekisho/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Appends an event (inside the caller's transaction if one is open, else in
 * its own).  Strings may be NULL (stored empty) and are truncated to their
 * fields.  detail must never contain a secret.  Returns SK_OK or a store error.
 */
int sk_audit(sk_ctx *ctx, const char *actor, const char *action,
	     const char *target, const char *addr, const char *result,
	     const char *detail);

/*
 * Records that a login session on a host opened (open != 0) or closed: the
 * PAM session hooks of a transit server (F1: operations are logged and tied
 * to the user).  user is the login name (recorded as "(invalid)" when it
 * breaks the naming rules; an account need not exist), service the PAM
 * service ("sshd"), rhost the remote host, tty the terminal; each may be NULL
 * and is recorded with anything but printable ASCII replaced by '?'.
 * Actor and target are the user, addr the remote host, detail
 * "service=S tty=T".  Returns SK_OK or a store error.
 */
int sk_audit_session(sk_ctx *ctx, const char *user, const char *service,
		     const char *rhost, const char *tty, int open);

/*
 * Walks the whole chain.  Returns SK_OK with *count events, or
 * SK_ERR_TAMPERED with *bad_seq the sequence number of the first event whose
 * hash, link or numbering is wrong.
 */
int sk_audit_verify(sk_ctx *ctx, int64_t *count, int64_t *bad_seq)
	__attribute__((warn_unused_result));

/* Calls cb for each event with ts >= since (0 = all), in order. */
int sk_audit_list(sk_ctx *ctx, int64_t since, sk_audit_cb cb, void *arg);

/*
 * Writes e as one JSON object (no trailing newline) to buf: seq, time
 * (RFC 3339 UTC), ts, actor, action, target, addr, result, detail, hash
 * (hex).  Returns the length, or SK_ERR_TOOLONG when buf is too small.
 */
int sk_audit_json(const sk_audit_event *e, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
