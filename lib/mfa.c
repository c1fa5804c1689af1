/* lib/mfa.c - OTP devices: enrollment (B3-B5), verification (B7), reset (B8). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "sekisho/audit.h"
#include "sekisho/mfa.h"
#include "sekisho/otp.h"
#include "sekisho/vault.h"

#define MAX_DEVICES 16      /* per account */
#define HOTP_LOOK_AHEAD 10  /* presses a hardware HOTP token may run ahead */
#define TOKEN_SECRET_MIN 10 /* bytes (80 bits): shorter token secrets are refused */

void
sk_enrollment_clear(sk_enrollment *e)
{
	if (e != NULL)
		sodium_memzero(e, sizeof(*e));
}

int
sk_mfa_device_name_check(const char *name)
{
	size_t n;

	if (name == NULL)
		return SK_ERR_NAME;
	n = strnlen(name, SK_NAME_MAX + 1);
	if (n == 0 || n > SK_NAME_MAX)
		return SK_ERR_NAME;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || strchr("+=,.@_-", c) != NULL))
			return SK_ERR_NAME;
	}
	return SK_OK;
}

static const struct {
	sk_device_type type;
	const char *name;
} device_types[] = {
	{SK_DEVICE_TOTP_APP, "totp-app"},
	{SK_DEVICE_TOTP_TOKEN, "totp-token"},
	{SK_DEVICE_HOTP_TOKEN, "hotp-token"},
};

const char *
sk_device_type_name(sk_device_type t)
{
	for (size_t i = 0; i < sizeof(device_types) / sizeof(device_types[0]); i++)
		if (device_types[i].type == t)
			return device_types[i].name;
	return "unknown";
}

int
sk_device_type_parse(const char *name, sk_device_type *out)
{
	for (size_t i = 0; name && i < sizeof(device_types) / sizeof(device_types[0]); i++)
		if (strcmp(name, device_types[i].name) == 0) {
			*out = device_types[i].type;
			return SK_OK;
		}
	return SK_ERR_INVALID;
}

sk_secret_problem
sk_mfa_token_secret_check(const char *secret)
{
	uint8_t key[SK_OTP_SECRET_MAX];
	size_t key_len = 0, len, data = 0, other = 0;
	sk_secret_problem p;
	int r;

	if (secret == NULL || (len = strlen(secret)) == strspn(secret, " \t-"))
		return SK_SECRET_EMPTY;
	/* Base32 characters only, but too few of them: say short, not malformed. */
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)secret[i] | 0x20;

		if ((c >= 'a' && c <= 'z') || (secret[i] >= '2' && secret[i] <= '7'))
			data++;
		else if (strchr(" \t-=", secret[i]) == NULL)
			other++;
	}
	if (other == 0 && data < (TOKEN_SECRET_MIN * 8 + 4) / 5)
		return SK_SECRET_TOO_SHORT;
	r = sk_base32_decode(secret, len, key, sizeof(key), &key_len);
	if (r == SK_ERR_TOOLONG)
		p = SK_SECRET_TOO_LONG;
	else if (r != SK_OK)
		p = SK_SECRET_NOT_BASE32;
	else if (key_len < TOKEN_SECRET_MIN)
		p = SK_SECRET_TOO_SHORT;
	else
		p = SK_SECRET_OK;
	sodium_memzero(key, sizeof(key));
	return p;
}

/* Associated data binding a sealed secret to its account. */
static void
seal_ad(char *buf, size_t size, int64_t user_id)
{
	snprintf(buf, size, "sekisho-otp:%" PRId64, user_id);
}

struct dev_list {
	sk_device d[MAX_DEVICES];
	size_t n;
};

static int
dev_collect(void *arg, const sk_device *d)
{
	struct dev_list *l = arg;

	if (l->n == MAX_DEVICES)
		return 1;
	l->d[l->n++] = *d;
	return 0;
}

static int
load_devices(sk_ctx *ctx, int64_t user_id, struct dev_list *l)
{
	int r;

	l->n = 0;
	r = ST(ctx)->device_list(ctx->store, user_id, dev_collect, l);
	return r < 0 ? r : SK_OK;
}

static void
params_of(const sk_device *d, sk_otp_params *p, const sk_config *cfg)
{
	p->alg = (sk_otp_alg)d->alg;
	p->digits = d->digits;
	p->period = d->period;
	p->window = cfg->otp.window;
}

/* The manual key, grouped key and otpauth URI of an enrollment. */
static int
fill_enrollment(sk_ctx *ctx, const char *account, int64_t device_id, const uint8_t *key,
		size_t key_len, sk_enrollment *out)
{
	char *uri;
	int r;

	out->device_id = device_id;
	if ((r = sk_base32_encode(key, key_len, out->secret, sizeof(out->secret))) != SK_OK ||
	    (r = sk_base32_encode_grouped(key, key_len, out->secret_grouped,
					  sizeof(out->secret_grouped))) != SK_OK)
		return r;
	if ((uri = sk_otpauth_uri(ctx->cfg.issuer, account, key, key_len, &ctx->cfg.otp)) == NULL)
		return SK_ERR_NOMEM;
	r = sk__strlcpy(out->uri, uri, sizeof(out->uri));
	sodium_memzero(uri, strlen(uri));
	free(uri);
	return r;
}

static int open_secret(sk_ctx *ctx, const sk_device *d, uint8_t key[SK_OTP_SECRET_MAX],
		       size_t *len);

int
sk_mfa_enroll_begin(sk_ctx *ctx, int64_t user_id, const char *device_name,
		    sk_device_type type, const char *token_secret, sk_enrollment *out)
{
	struct dev_list *l = NULL;
	sk_device d;
	sk_user u;
	uint8_t key[SK_OTP_SECRET_MAX];
	size_t key_len = 0;
	char ad[48];
	int r;

	memset(out, 0, sizeof(*out));
	memset(&d, 0, sizeof(d));
	if ((r = sk_mfa_device_name_check(device_name)) != SK_OK)
		return r;
	if (type != SK_DEVICE_TOTP_APP && type != SK_DEVICE_TOTP_TOKEN &&
	    type != SK_DEVICE_HOTP_TOKEN)
		return SK_ERR_INVALID;
	if ((r = ST(ctx)->user_get_by_id(ctx->store, user_id, &u)) != SK_OK)
		return r;
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	if (type == SK_DEVICE_TOTP_APP) {
		key_len = SK_OTP_SECRET_DEFAULT;
		randombytes_buf(key, key_len);
	} else {
		if (sk_mfa_token_secret_check(token_secret) != SK_SECRET_OK)
			return SK_ERR_INVALID;
		r = sk_base32_decode(token_secret, strlen(token_secret), key, sizeof(key),
				     &key_len);
		if (r != SK_OK || key_len < TOKEN_SECRET_MIN) {
			r = SK_ERR_INVALID;
			goto out;
		}
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		r = SK_ERR_NOMEM;
		goto out;
	}
	d.user_id = user_id;
	memcpy(d.name, device_name, strlen(device_name) + 1);
	d.type = type;
	d.alg = ctx->cfg.otp.alg;
	d.digits = ctx->cfg.otp.digits;
	d.period = ctx->cfg.otp.period;
	d.created_at = sk_ctx_now(ctx);
	seal_ad(ad, sizeof(ad), user_id);
	if ((r = sk_vault_seal(ctx, key, key_len, ad, d.secret, sizeof(d.secret),
			       &d.secret_len)) != SK_OK)
		goto out;
	if ((r = sk__begin(ctx)) != SK_OK)
		goto out;
	/* B5: a pending enrollment is dropped, never resumed; its key dies with it. */
	if ((r = load_devices(ctx, user_id, l)) == SK_OK) {
		size_t confirmed = 0;
		for (size_t i = 0; i < l->n && r == SK_OK; i++) {
			if (!l->d[i].confirmed)
				r = ST(ctx)->device_delete(ctx->store, l->d[i].id);
			else if (strcmp(l->d[i].name, device_name) == 0)
				r = SK_ERR_EXISTS;
			else
				confirmed++;
		}
		if (r == SK_OK && confirmed >= MAX_DEVICES - 1)
			r = SK_ERR_TOOLONG; /* keep room for the pending one */
	}
	if (r == SK_OK)
		r = ST(ctx)->device_insert(ctx->store, &d);
	if ((r = sk__finish(ctx, r)) != SK_OK)
		goto out;
	r = fill_enrollment(ctx, u.name, d.id, key, key_len, out);
out:
	if (r != SK_OK)
		sk_enrollment_clear(out);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(&d, sizeof(d));
	if (l != NULL) {
		sodium_memzero(l, sizeof(*l));
		free(l);
	}
	return r;
}

/* Opens the device's sealed secret into key. */
static int
open_secret(sk_ctx *ctx, const sk_device *d, uint8_t key[SK_OTP_SECRET_MAX], size_t *len)
{
	char ad[48];

	seal_ad(ad, sizeof(ad), d->user_id);
	return sk_vault_open(ctx, d->secret, d->secret_len, ad, key, SK_OTP_SECRET_MAX, len);
}

int
sk_mfa_enroll_show(sk_ctx *ctx, int64_t user_id, int64_t device_id, sk_enrollment *out)
{
	sk_device d;
	sk_user u;
	uint8_t key[SK_OTP_SECRET_MAX];
	size_t key_len = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if ((r = ST(ctx)->device_get(ctx->store, device_id, &d)) != SK_OK)
		return r;
	/* A token's secret was typed in from its sheet: never shown back. */
	if (d.user_id != user_id || d.confirmed || d.type != SK_DEVICE_TOTP_APP) {
		r = SK_ERR_NOTFOUND;
		goto out;
	}
	if ((r = ST(ctx)->user_get_by_id(ctx->store, user_id, &u)) != SK_OK)
		goto out;
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	if ((r = open_secret(ctx, &d, key, &key_len)) == SK_OK)
		r = fill_enrollment(ctx, u.name, d.id, key, key_len, out);
out:
	if (r != SK_OK)
		sk_enrollment_clear(out);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(&d, sizeof(d));
	return r;
}

int
sk_mfa_enroll_confirm(sk_ctx *ctx, int64_t user_id, int64_t device_id, const char *code1,
		      const char *code2, const char *addr)
{
	sk_device d;
	sk_otp_params p;
	uint8_t key[SK_OTP_SECRET_MAX];
	size_t key_len = 0;
	uint64_t step = 0;
	sk_user u;
	int r;

	if (code1 == NULL || (ctx->cfg.enroll_codes == 2 && code2 == NULL))
		return SK_ERR_AUTH;
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	r = ST(ctx)->device_get(ctx->store, device_id, &d);
	if (r == SK_OK && (d.user_id != user_id || d.confirmed))
		r = SK_ERR_NOTFOUND;
	if (r != SK_OK)
		goto out;
	if ((r = open_secret(ctx, &d, key, &key_len)) != SK_OK)
		goto out;
	params_of(&d, &p, &ctx->cfg);
	if (d.type == SK_DEVICE_HOTP_TOKEN) {
		uint64_t next = 0;
		r = sk_hotp_verify(key, key_len, 0, HOTP_LOOK_AHEAD, p.alg, p.digits, code1, &next);
		if (r == SK_OK && ctx->cfg.enroll_codes == 2)
			r = sk_hotp_verify(key, key_len, next, 0, p.alg, p.digits, code2, &next);
		step = next;
	} else if (ctx->cfg.enroll_codes == 2) {
		r = sk_totp_verify_consecutive(key, key_len, sk_ctx_now(ctx), &p, code1, code2,
					       &step);
	} else {
		r = sk_totp_verify(key, key_len, sk_ctx_now(ctx), &p, code1, 0, &step);
	}
	if (r != SK_OK) {
		r = SK_ERR_AUTH;
		goto out;
	}
	d.confirmed = 1;
	d.last_step = step; /* the codes used to enroll cannot sign in */
	if ((r = ST(ctx)->device_update(ctx->store, &d)) != SK_OK)
		goto out;
	if ((r = ST(ctx)->user_get_by_id(ctx->store, user_id, &u)) == SK_OK) {
		char detail[SK_DETAIL_MAX];
		snprintf(detail, sizeof(detail), "device '%s' (%s)", d.name,
			 sk_device_type_name(d.type));
		sodium_memzero(u.pwhash, sizeof(u.pwhash));
		r = sk_audit(ctx, u.name, "mfa.enroll", u.name, addr, "ok", detail);
	}
out:
	sodium_memzero(key, sizeof(key));
	sodium_memzero(&d, sizeof(d));
	return sk__finish(ctx, r);
}

int
sk_mfa_verify(sk_ctx *ctx, int64_t user_id, const char *code)
{
	struct dev_list *l;
	uint8_t key[SK_OTP_SECRET_MAX];
	size_t key_len;
	int r, result = SK_ERR_AUTH;
	int64_t now = sk_ctx_now(ctx);

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return SK_ERR_NOMEM;
	/* One write transaction: two requests with the same code cannot both pass. */
	if ((r = sk__begin(ctx)) != SK_OK)
		goto out_free;
	if ((r = load_devices(ctx, user_id, l)) != SK_OK)
		goto out;
	for (size_t i = 0; i < l->n && result != SK_OK; i++) {
		sk_device *d = &l->d[i];
		sk_otp_params p;
		uint64_t step = 0;
		int v;

		if (!d->confirmed)
			continue;
		if (open_secret(ctx, d, key, &key_len) != SK_OK)
			continue; /* a damaged record must not stop the others */
		params_of(d, &p, &ctx->cfg);
		if (d->type == SK_DEVICE_HOTP_TOKEN)
			v = sk_hotp_verify(key, key_len, d->last_step, HOTP_LOOK_AHEAD, p.alg,
					   p.digits, code, &step);
		else
			v = sk_totp_verify(key, key_len, now, &p, code, d->last_step, &step);
		sodium_memzero(key, sizeof(key));
		if (v == SK_ERR_REPLAY)
			result = SK_ERR_REPLAY;
		if (v != SK_OK)
			continue;
		d->last_step = step;
		d->last_used_at = now;
		if ((r = ST(ctx)->device_update(ctx->store, d)) != SK_OK)
			goto out;
		result = SK_OK;
	}
	r = SK_OK;
out:
	r = sk__finish(ctx, r);
out_free:
	sodium_memzero(l, sizeof(*l));
	free(l);
	return r != SK_OK ? r : result;
}

int
sk_mfa_rename(sk_ctx *ctx, int64_t user_id, int64_t device_id, const char *name)
{
	sk_device d;
	int r;

	if ((r = sk_mfa_device_name_check(name)) != SK_OK)
		return r;
	if ((r = ST(ctx)->device_get(ctx->store, device_id, &d)) != SK_OK)
		return r;
	if (d.user_id != user_id) {
		sodium_memzero(&d, sizeof(d));
		return SK_ERR_NOTFOUND;
	}
	memcpy(d.name, name, strlen(name) + 1);
	r = ST(ctx)->device_update(ctx->store, &d);
	sodium_memzero(&d, sizeof(d));
	return r;
}

int
sk_mfa_count(sk_ctx *ctx, int64_t user_id, unsigned *count)
{
	struct dev_list *l;
	int r;

	*count = 0;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return SK_ERR_NOMEM;
	if ((r = load_devices(ctx, user_id, l)) == SK_OK)
		for (size_t i = 0; i < l->n; i++)
			*count += l->d[i].confirmed != 0;
	sodium_memzero(l, sizeof(*l));
	free(l);
	return r;
}

int
sk_mfa_list(sk_ctx *ctx, int64_t user_id, sk_device_cb cb, void *arg)
{
	return ST(ctx)->device_list(ctx->store, user_id, cb, arg);
}

int
sk_mfa_remove(sk_ctx *ctx, int64_t user_id, int64_t device_id, const char *addr)
{
	sk_device d;
	sk_user u;
	char detail[SK_DETAIL_MAX];
	int r;

	if ((r = ST(ctx)->device_get(ctx->store, device_id, &d)) != SK_OK)
		return r;
	if (d.user_id != user_id)
		return SK_ERR_NOTFOUND;
	if ((r = ST(ctx)->user_get_by_id(ctx->store, user_id, &u)) != SK_OK)
		return r;
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	snprintf(detail, sizeof(detail), "device '%s'", d.name);
	sodium_memzero(&d, sizeof(d));
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	if ((r = ST(ctx)->device_delete(ctx->store, device_id)) == SK_OK)
		r = sk_audit(ctx, u.name, "mfa.remove", u.name, addr, "ok", detail);
	return sk__finish(ctx, r);
}

int
sk__do_mfa_reset(sk_ctx *ctx, const sk_actor *actor, const sk_user *u)
{
	struct dev_list *l;
	int r;

	if ((l = calloc(1, sizeof(*l))) == NULL)
		return SK_ERR_NOMEM;
	if ((r = sk__begin(ctx)) != SK_OK)
		goto out;
	if ((r = load_devices(ctx, u->id, l)) == SK_OK)
		for (size_t i = 0; i < l->n && r == SK_OK; i++)
			r = ST(ctx)->device_delete(ctx->store, l->d[i].id);
	if (r == SK_OK)
		r = ST(ctx)->recovery_delete_all(ctx->store, u->id);
	if (r == SK_OK) /* a session opened with the lost phone ends too */
		r = sk__end_sessions(ctx, u->id);
	if (r == SK_OK)
		r = sk_audit(ctx, SK__ACTOR(actor), "mfa.reset", u->name, SK__ADDR(actor), "ok",
			     "all devices and recovery codes removed");
	r = sk__finish(ctx, r);
out:
	sodium_memzero(l, sizeof(*l));
	free(l);
	return r;
}

int
sk_mfa_reset(sk_ctx *ctx, sk_actor *actor, const char *name)
{
	sk_user u;
	int r;

	if ((r = sk_account_authorize(ctx, actor, 0)) != SK_OK)
		return r;
	if ((r = sk__user_by_name(ctx, name, &u)) != SK_OK)
		return r;
	sodium_memzero(u.pwhash, sizeof(u.pwhash));
	/* An administrator by a temporary grant is one too (C4). */
	if (sk_account_effective_role(ctx, &u, NULL) == SK_ROLE_ADMIN &&
	    (r = sk__privileged(ctx, actor, SK_APPROVE_RESET_ADMIN_MFA, "reset_admin_mfa",
				u.name, "")) != SK_OK)
		return r;
	return sk__do_mfa_reset(ctx, actor, &u);
}
