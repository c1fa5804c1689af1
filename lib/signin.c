/* lib/signin.c - the sign-in state machine (DESIGN 3). */
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "sekisho/account.h"
#include "sekisho/audit.h"
#include "sekisho/lockout.h"
#include "sekisho/password.h"
#include "sekisho/signin.h"

const char *
sk_step_name(sk_step step)
{
	switch (step) {
	case SK_STEP_PASSWORD:
		return "password";
	case SK_STEP_CHANGE_PASSWORD:
		return "change_password";
	case SK_STEP_ENROLL_MFA:
		return "enroll_mfa";
	case SK_STEP_MFA:
		return "mfa";
	case SK_STEP_DONE:
		return "done";
	}
	return "unknown";
}

void
sk_signin_start(sk_ctx *ctx, sk_signin *s, const char *addr)
{
	memset(s, 0, sizeof(*s));
	s->step = SK_STEP_PASSWORD;
	s->started_at = sk_ctx_now(ctx);
	if (sk__strlcpy(s->addr, addr ? addr : "", sizeof(s->addr)) != SK_OK)
		s->addr[0] = '\0';
}

/* The step is right and the sign-in has not gone stale; loads the account. */
static int
enter(sk_ctx *ctx, sk_signin *s, sk_step want, sk_user *u)
{
	int64_t now = sk_ctx_now(ctx);

	if (s->step != want)
		return SK_ERR_STATE;
	if (want != SK_STEP_PASSWORD &&
	    (now - s->started_at > (int64_t)ctx->cfg.signin_timeout || now < s->started_at))
		return SK_ERR_STATE;
	if (u == NULL)
		return SK_OK;
	if (ST(ctx)->user_get_by_id(ctx->store, s->user_id, u) != SK_OK)
		return SK_ERR_STATE; /* deleted meanwhile */
	/*
	 * Deleted meanwhile and the id (or the name) given to a new account:
	 * the store may reuse ids, so the sign-in stays bound to the account
	 * that passed the password step, by name and by age.
	 */
	if (strcmp(u->name, s->name) != 0 || u->created_at > s->started_at) {
		sodium_memzero(u->pwhash, sizeof(u->pwhash));
		return SK_ERR_STATE;
	}
	if (u->disabled)
		return SK_ERR_DISABLED;
	if (u->expires_at != 0 && u->expires_at <= now)
		return SK_ERR_EXPIRED;
	return SK_OK;
}

static int
mfa_required(sk_ctx *ctx, const sk_user *u)
{
	switch (ctx->cfg.mfa_required) {
	case SK_MFA_ALL:
		return 1;
	case SK_MFA_ADMINS:
		return sk_account_effective_role(ctx, u, NULL) == SK_ROLE_ADMIN;
	case SK_MFA_OPTIONAL:
		return 0;
	}
	return 1;
}

/*
 * DONE only once it is recorded: a front-end that renders s->step must never
 * see a finished sign-in that the store and audit log do not.
 */
static int
record_done(sk_ctx *ctx, sk_signin *s, sk_user *u, const char *how)
{
	int r;

	u->last_signin_at = sk_ctx_now(ctx);
	(void)sk__strlcpy(u->last_signin_addr, s->addr, sizeof(u->last_signin_addr));
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = ST(ctx)->user_update(ctx->store, u)) == SK_OK)
		r = sk_audit(ctx, u->name, "signin.ok", u->name, s->addr, "ok", how);
	if ((r = sk__finish(ctx, r)) == SK_OK)
		s->step = SK_STEP_DONE;
	return r;
}

/*
 * Decides the next step.  A user who has a device proves it before changing
 * an issued password, so an administrator's password reset alone never
 * lets someone past the second factor.  A sign-in whose first factor was
 * checked elsewhere never changes the password (it never saw it).
 */
static int
advance(sk_ctx *ctx, sk_signin *s, sk_user *u)
{
	unsigned devices = 0;
	int r;

	if ((r = sk_mfa_count(ctx, u->id, &devices)) != SK_OK)
		return r;
	sk_step next;

	if (!s->mfa_ok && devices > 0)
		next = SK_STEP_MFA;
	else if (u->must_change && !s->external_first)
		next = SK_STEP_CHANGE_PASSWORD;
	else if (!s->mfa_ok && mfa_required(ctx, u))
		next = SK_STEP_ENROLL_MFA;
	else
		next = SK_STEP_DONE;
	if (next != SK_STEP_DONE) {
		s->step = next;
		return SK_OK;
	}
	return record_done(ctx, s, u,
			   s->external_first ? (s->used_recovery ? "external first factor, recovery code"
								 : "external first factor, second factor")
			   : s->used_recovery ? "with recovery code"
			   : s->mfa_ok        ? "with second factor"
					      : "password only");
}

int
sk_signin_password(sk_ctx *ctx, sk_signin *s, const char *name, const char *password,
		   size_t len, int64_t *retry_at)
{
	sk_user u;
	char norm[SK_NAME_MAX + 1];
	int64_t dummy, now = sk_ctx_now(ctx);
	int r, found;

	if (retry_at == NULL)
		retry_at = &dummy;
	*retry_at = 0;
	memset(&u, 0, sizeof(u));
	if ((r = enter(ctx, s, SK_STEP_PASSWORD, NULL)) != SK_OK)
		return r;
	if (s->external_first)
		return SK_ERR_STATE;
	if (password == NULL)
		return SK_ERR_INVALID;
	/* A name that breaks the rules is an unknown user, under one shared key. */
	if (sk_account_name_normalize(name, norm) != SK_OK)
		memcpy(norm, "(invalid)", sizeof("(invalid)"));
	if ((r = sk_lockout_charge(ctx, SK_FACTOR_PASSWORD, norm, s->addr, retry_at)) != SK_OK) {
		if (r == SK_ERR_LOCKED)
			(void)sk_audit(ctx, norm, "signin.locked", norm, s->addr, "locked",
				       "password step");
		return r;
	}
	r = ST(ctx)->user_get_by_name(ctx->store, norm, &u);
	if (r != SK_OK && r != SK_ERR_NOTFOUND)
		return r;
	found = r == SK_OK;
	if (found)
		r = sk_password_verify(ctx, u.pwhash, password, len);
	else
		r = sk_password_verify_decoy(ctx, password, len);
	if (r != SK_OK) {
		(void)sk_audit(ctx, norm, "signin.password", norm, s->addr, "fail",
			       found ? "wrong password" : "unknown user");
		r = sk_lockout_locked(ctx, SK_FACTOR_PASSWORD, norm, s->addr, retry_at) ==
			    SK_ERR_LOCKED
			? SK_ERR_LOCKED
			: SK_ERR_AUTH;
		goto out;
	}
	if ((r = sk_lockout_success(ctx, SK_FACTOR_PASSWORD, norm, s->addr)) != SK_OK)
		goto out;
	if (u.disabled || (u.expires_at != 0 && u.expires_at <= now)) {
		r = u.disabled ? SK_ERR_DISABLED : SK_ERR_EXPIRED;
		(void)sk_audit(ctx, u.name, "signin.password", u.name, s->addr, "denied",
			       u.disabled ? "account disabled" : "account expired");
		goto out;
	}
	/* The configured cost changed since this hash was made: upgrade it. */
	if (sk_password_needs_rehash(ctx, u.pwhash) &&
	    sk_password_hash(ctx, password, len, u.pwhash) == SK_OK)
		(void)ST(ctx)->user_update(ctx->store, &u);
	(void)sk_audit(ctx, u.name, "signin.password", u.name, s->addr, "ok", NULL);
	s->user_id = u.id;
	memcpy(s->name, u.name, sizeof(s->name));
	s->started_at = now;
	r = advance(ctx, s, &u);
out:
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	return r;
}

int
sk_signin_change_password(sk_ctx *ctx, sk_signin *s, const char *old_pw, size_t old_len,
			  const char *new_pw, size_t new_len, sk_policy_result *pr)
{
	sk_user u;
	int r;

	if (s->external_first)
		return SK_ERR_STATE;
	if ((r = enter(ctx, s, SK_STEP_CHANGE_PASSWORD, &u)) != SK_OK)
		return r;
	r = sk_account_change_password(ctx, s->user_id, s->addr, old_pw, old_len, new_pw,
				       new_len, pr);
	if (r == SK_OK && (r = ST(ctx)->user_get_by_id(ctx->store, s->user_id, &u)) == SK_OK)
		r = advance(ctx, s, &u);
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	return r;
}

/*
 * ENROLL_MFA is for an account without a device.  If one was enrolled
 * meanwhile (another sign-in with the same password), this sign-in must
 * prove that device instead of adding its own: it goes to the MFA step.
 */
static int
still_no_device(sk_ctx *ctx, sk_signin *s)
{
	unsigned devices = 0;
	int r;

	if ((r = sk_mfa_count(ctx, s->user_id, &devices)) != SK_OK)
		return r;
	if (devices > 0 && !s->mfa_ok) {
		s->step = SK_STEP_MFA;
		s->enroll_device_id = 0;
		return SK_ERR_STATE;
	}
	return SK_OK;
}

int
sk_signin_enroll_begin(sk_ctx *ctx, sk_signin *s, const char *device_name,
		       sk_device_type type, const char *token_secret, sk_enrollment *out)
{
	sk_user u;
	int r;

	/* Enrolling needs the password; an external sign-in never saw it. */
	if (s->external_first)
		return SK_ERR_STATE;
	if ((r = enter(ctx, s, SK_STEP_ENROLL_MFA, &u)) != SK_OK)
		return r;
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	if ((r = still_no_device(ctx, s)) != SK_OK)
		return r;
	r = sk_mfa_enroll_begin(ctx, s->user_id, device_name, type, token_secret, out);
	s->enroll_device_id = r == SK_OK ? out->device_id : 0;
	return r;
}

int
sk_signin_enroll_confirm(sk_ctx *ctx, sk_signin *s, const char *code1, const char *code2,
			 sk_recovery_set *codes)
{
	sk_user u;
	unsigned left = 0;
	int r;

	memset(codes, 0, sizeof(*codes));
	if (s->external_first)
		return SK_ERR_STATE;
	if ((r = enter(ctx, s, SK_STEP_ENROLL_MFA, &u)) != SK_OK)
		return r;
	if ((r = still_no_device(ctx, s)) != SK_OK)
		goto out;
	if (s->enroll_device_id == 0) {
		r = SK_ERR_STATE;
		goto out;
	}
	r = sk_mfa_enroll_confirm(ctx, s->user_id, s->enroll_device_id, code1, code2, s->addr);
	if (r != SK_OK)
		goto out;
	s->enroll_device_id = 0;
	s->mfa_ok = 1;
	if ((r = sk_recovery_remaining(ctx, s->user_id, &left)) == SK_OK && left == 0)
		r = sk_recovery_generate(ctx, s->user_id, u.name, s->addr, codes);
	if (r == SK_OK)
		r = advance(ctx, s, &u);
out:
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	return r;
}

/* The second-factor step, with a one-time code or a recovery code. */
static int
second_factor(sk_ctx *ctx, sk_signin *s, const char *code, int recovery, int64_t *retry_at)
{
	sk_user u;
	int64_t dummy;
	const char *what = recovery ? "signin.recovery" : "signin.mfa";
	int r, v;

	if (retry_at == NULL)
		retry_at = &dummy;
	*retry_at = 0;
	if ((r = enter(ctx, s, SK_STEP_MFA, &u)) != SK_OK)
		return r;
	if ((r = sk_lockout_charge(ctx, SK_FACTOR_SECOND, u.name, s->addr, retry_at)) != SK_OK) {
		if (r == SK_ERR_LOCKED)
			(void)sk_audit(ctx, u.name, "signin.locked", u.name, s->addr, "locked",
				       "second-factor step");
		goto out;
	}
	v = recovery ? sk_recovery_use(ctx, u.id, code) : sk_mfa_verify(ctx, u.id, code);
	if (v != SK_OK) {
		(void)sk_audit(ctx, u.name, what, u.name, s->addr, "fail",
			       v == SK_ERR_REPLAY ? "code already used" : "wrong code");
		r = sk_lockout_locked(ctx, SK_FACTOR_SECOND, u.name, s->addr, retry_at) ==
			    SK_ERR_LOCKED
			? SK_ERR_LOCKED
			: (v == SK_ERR_REPLAY ? SK_ERR_REPLAY : SK_ERR_AUTH);
		goto out;
	}
	if ((r = sk_lockout_success(ctx, SK_FACTOR_SECOND, u.name, s->addr)) != SK_OK)
		goto out;
	if (recovery) {
		unsigned left = 0;
		char detail[48];
		(void)sk_recovery_remaining(ctx, u.id, &left);
		snprintf(detail, sizeof(detail), "%u codes left", left);
		(void)sk_audit(ctx, u.name, "recovery.use", u.name, s->addr, "ok", detail);
		s->used_recovery = 1;
	}
	s->mfa_ok = 1;
	r = advance(ctx, s, &u);
out:
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	return r;
}

int
sk_signin_mfa(sk_ctx *ctx, sk_signin *s, const char *code, int64_t *retry_at)
{
	return second_factor(ctx, s, code, 0, retry_at);
}

int
sk_signin_recovery(sk_ctx *ctx, sk_signin *s, const char *code, int64_t *retry_at)
{
	return second_factor(ctx, s, code, 1, retry_at);
}

int
sk_signin_code(sk_ctx *ctx, sk_signin *s, const char *code, int64_t *retry_at)
{
	char digits[SK_OTP_CODE_MAX + 1];
	size_t n = 0;
	int only_digits = 1, r;

	if (code == NULL)
		return SK_ERR_INVALID;
	/* The shape is not secret: digits (blanks ignored) are a one-time code. */
	for (const char *p = code; *p != '\0'; p++) {
		if (*p == ' ' || *p == '\t')
			continue;
		if (*p < '0' || *p > '9' || n == SK_OTP_CODE_MAX) {
			only_digits = 0;
			break;
		}
		digits[n++] = *p;
	}
	digits[n] = '\0';
	if (only_digits)
		r = sk_signin_mfa(ctx, s, digits, retry_at);
	else
		r = sk_signin_recovery(ctx, s, code, retry_at);
	sodium_memzero(digits, sizeof(digits));
	return r;
}

int
sk_signin_second_factor_start(sk_ctx *ctx, sk_signin *s, const char *name, const char *from,
			      const char *via, int *has_mfa)
{
	sk_user u;
	char norm[SK_NAME_MAX + 1], how[64], detail[SK_DETAIL_MAX];
	unsigned devices = 0;
	int64_t now = sk_ctx_now(ctx);
	int r;

	if (has_mfa != NULL)
		*has_mfa = 0;
	sk_signin_start(ctx, s, from);
	s->external_first = 1; /* stays at PASSWORD until it succeeds; that step refuses it */
	if (name == NULL || has_mfa == NULL)
		return SK_ERR_INVALID;
	memset(&u, 0, sizeof(u));
	sk__printable(how, sizeof(how), via != NULL && *via != '\0' ? via : "front-end");
	if (sk_account_name_normalize(name, norm) != SK_OK)
		memcpy(norm, "(invalid)", sizeof("(invalid)"));
	r = ST(ctx)->user_get_by_name(ctx->store, norm, &u);
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	if (r == SK_ERR_NOTFOUND) {
		snprintf(detail, sizeof(detail), "unknown user (first factor: %s)", how);
		(void)sk_audit(ctx, norm, "signin.external", norm, s->addr, "fail", detail);
		return SK_ERR_NOTFOUND;
	}
	if (r != SK_OK)
		return r;
	if (u.disabled || (u.expires_at != 0 && u.expires_at <= now)) {
		snprintf(detail, sizeof(detail), "%s (first factor: %s)",
			 u.disabled ? "account disabled" : "account expired", how);
		(void)sk_audit(ctx, u.name, "signin.external", u.name, s->addr, "denied", detail);
		return u.disabled ? SK_ERR_DISABLED : SK_ERR_EXPIRED;
	}
	if ((r = sk_mfa_count(ctx, u.id, &devices)) != SK_OK)
		return r;
	snprintf(detail, sizeof(detail), "first factor: %s%s", how,
		 devices > 0 ? "" : "; no second factor enrolled");
	if ((r = sk_audit(ctx, u.name, "signin.external", u.name, s->addr, "ok", detail)) != SK_OK)
		return r;
	s->user_id = u.id;
	memcpy(s->name, u.name, sizeof(s->name));
	s->started_at = now;
	s->step = devices > 0 ? SK_STEP_MFA : SK_STEP_ENROLL_MFA;
	*has_mfa = devices > 0;
	return SK_OK;
}

int
sk_signin_second_factor_none(sk_ctx *ctx, sk_signin *s)
{
	sk_user u;
	int r;

	if (!s->external_first || s->step != SK_STEP_ENROLL_MFA)
		return SK_ERR_STATE;
	/* u goes back to the store (last sign-in): wipe its hash only after. */
	if ((r = enter(ctx, s, SK_STEP_ENROLL_MFA, &u)) == SK_OK &&
	    (r = still_no_device(ctx, s)) == SK_OK)
		r = record_done(ctx, s, &u, "external first factor, no second factor enrolled");
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	return r;
}

int
sk_signin_reauth_needs_code(sk_ctx *ctx, const char *name)
{
	unsigned devices = 0;
	sk_user u;
	int r;

	if (sk__user_by_name(ctx, name, &u) != SK_OK)
		return 0;
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	r = sk_mfa_count(ctx, u.id, &devices);
	return r == SK_OK && devices > 0;
}

int
sk_signin_reauth(sk_ctx *ctx, const char *name, const char *addr, const char *password,
		 size_t len, const char *code, int64_t *retry_at)
{
	char norm[SK_NAME_MAX + 1];
	int64_t dummy, now = sk_ctx_now(ctx);
	unsigned devices = 0;
	sk_user u;
	int r, v, found;

	if (retry_at == NULL)
		retry_at = &dummy;
	*retry_at = 0;
	memset(&u, 0, sizeof(u));
	if (password == NULL)
		return SK_ERR_INVALID;
	if (addr == NULL)
		addr = "";
	if (sk_account_name_normalize(name, norm) != SK_OK)
		memcpy(norm, "(invalid)", sizeof("(invalid)"));

	/* The password, exactly as the sign-in's first step checks it. */
	if ((r = sk_lockout_charge(ctx, SK_FACTOR_PASSWORD, norm, addr, retry_at)) != SK_OK) {
		if (r == SK_ERR_LOCKED)
			(void)sk_audit(ctx, norm, "signin.stepup", norm, addr, "locked",
				       "password step");
		return r;
	}
	r = ST(ctx)->user_get_by_name(ctx->store, norm, &u);
	if (r != SK_OK && r != SK_ERR_NOTFOUND)
		return r;
	found = r == SK_OK;
	r = found ? sk_password_verify(ctx, u.pwhash, password, len)
		  : sk_password_verify_decoy(ctx, password, len);
	if (r != SK_OK) {
		(void)sk_audit(ctx, norm, "signin.stepup", norm, addr, "fail",
			       found ? "wrong password" : "unknown user");
		r = sk_lockout_locked(ctx, SK_FACTOR_PASSWORD, norm, addr, retry_at) ==
			    SK_ERR_LOCKED
			? SK_ERR_LOCKED
			: SK_ERR_AUTH;
		goto out;
	}
	if ((r = sk_lockout_success(ctx, SK_FACTOR_PASSWORD, norm, addr)) != SK_OK)
		goto out;
	if (u.disabled || (u.expires_at != 0 && u.expires_at <= now)) {
		r = u.disabled ? SK_ERR_DISABLED : SK_ERR_EXPIRED;
		(void)sk_audit(ctx, u.name, "signin.stepup", u.name, addr, "denied",
			       u.disabled ? "account disabled" : "account expired");
		goto out;
	}
	if ((r = sk_mfa_count(ctx, u.id, &devices)) != SK_OK)
		goto out;
	/* An account still in its first sign-in finishes that first. */
	if (u.must_change || (devices == 0 && mfa_required(ctx, &u))) {
		(void)sk_audit(ctx, u.name, "signin.stepup", u.name, addr, "denied",
			       u.must_change ? "must change password" : "must enroll a device");
		r = SK_ERR_STATE;
		goto out;
	}
	if (devices == 0) {
		r = sk_audit(ctx, u.name, "signin.stepup", u.name, addr, "ok", "password only");
		goto out;
	}

	/* The second factor, exactly as the sign-in's MFA step checks it. */
	if ((r = sk_lockout_charge(ctx, SK_FACTOR_SECOND, u.name, addr, retry_at)) != SK_OK) {
		if (r == SK_ERR_LOCKED)
			(void)sk_audit(ctx, u.name, "signin.stepup", u.name, addr, "locked",
				       "second-factor step");
		goto out;
	}
	v = code == NULL || code[0] == '\0' ? SK_ERR_AUTH : sk_mfa_verify(ctx, u.id, code);
	if (v != SK_OK && v != SK_ERR_AUTH && v != SK_ERR_REPLAY) {
		r = v; /* the store failed: no verdict, nothing to audit */
		goto out;
	}
	if (v != SK_OK) {
		(void)sk_audit(ctx, u.name, "signin.stepup", u.name, addr, "fail",
			       v == SK_ERR_REPLAY ? "code already used"
			       : code == NULL || code[0] == '\0' ? "no code" : "wrong code");
		r = sk_lockout_locked(ctx, SK_FACTOR_SECOND, u.name, addr, retry_at) ==
			    SK_ERR_LOCKED
			? SK_ERR_LOCKED
			: v;
		goto out;
	}
	if ((r = sk_lockout_success(ctx, SK_FACTOR_SECOND, u.name, addr)) == SK_OK)
		r = sk_audit(ctx, u.name, "signin.stepup", u.name, addr, "ok",
			     "password and second factor");
out:
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	return r;
}
