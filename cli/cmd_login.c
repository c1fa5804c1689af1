/*
 * cli/cmd_login.c - `sekisho login NAME`: the whole sign-in on a terminal,
 * driven by the library's state machine.  Every answer is read by
 * prompt_line(), so the same flow works typed at a terminal (secrets not
 * echoed) or piped from a script.
 */
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "cli.h"
#include "env.h"

#define MAX_TRIES 3  /* per prompt, before giving up; the lockout counts too */

static void
say_locked(int64_t retry_at)
{
	char t[32];

	if (retry_at == INT64_MAX)
		fprintf(stderr, "Account locked after too many failures. Ask an administrator "
				"to unlock it (sekisho user unlock NAME).\n"
				"ログイン失敗が続いたためロックされています。管理者に解除を依頼してください。\n");
	else
		fprintf(stderr, "Too many failures: try again after %s.\n"
				"失敗が続いたため一時的にロックされています。%s 以降に再試行してください。\n",
			fmt_time(retry_at, t, sizeof(t)), t);
}

static int
step_password(struct cli_env *env, sk_signin *s, const char *name)
{
	char pw[SK_PASSWORD_MAX + 2];
	int64_t retry_at = 0;
	int n, r;

	n = prompt_line("Password / パスワード: ", 1, pw, sizeof(pw));
	if (n < 0)
		return SK_ERR_AUTH;
	r = sk_signin_password(env->ctx, s, name, pw, (size_t)n, &retry_at);
	sodium_memzero(pw, sizeof(pw));
	if (r == SK_ERR_LOCKED)
		say_locked(retry_at);
	else if (r == SK_ERR_AUTH)
		fprintf(stderr, "User name or password is incorrect.\n"
				"ユーザー名またはパスワードが正しくありません。\n");
	else if (r == SK_ERR_DISABLED || r == SK_ERR_EXPIRED)
		fprintf(stderr, "%s\n", sk_strerror(r));
	return r;
}

static int
step_change(struct cli_env *env, sk_signin *s)
{
	char old[SK_PASSWORD_MAX + 2], pw[SK_PASSWORD_MAX + 2], again[SK_PASSWORD_MAX + 2];
	char rules[1024];
	sk_policy_result pr;
	int r = SK_ERR_AUTH;

	fprintf(stderr, "You must change your initial password before continuing.\n"
			"初期パスワードを変更してください。\n%s\n",
		sk_policy_describe(&env->cfg.policy, "en", rules, sizeof(rules)));
	for (int tries = 0; tries < MAX_TRIES; tries++) {
		int no = prompt_line("Current password / 現在のパスワード: ", 1, old, sizeof(old));
		int nn = no < 0 ? -1 : prompt_line("New password / 新しいパスワード: ", 1, pw, sizeof(pw));
		int na = nn < 0 ? -1
				: prompt_line("Confirm new password / 新しいパスワード(確認): ", 1, again,
					      sizeof(again));
		if (na < 0) {
			r = SK_ERR_AUTH;
			break;
		}
		if (na != nn || sodium_memcmp(pw, again, (size_t)nn) != 0) {
			fprintf(stderr, "The two new passwords differ. / 新しいパスワードが一致しません。\n");
			continue;
		}
		r = sk_signin_change_password(env->ctx, s, old, (size_t)no, pw, (size_t)nn, &pr);
		if (r == SK_OK) {
			fprintf(stderr, "Password changed. / パスワードを変更しました。\n");
			break;
		}
		if (r == SK_ERR_POLICY) {
			fprintf(stderr, "The new password was refused:\n");
			print_policy_failures(&env->cfg.policy, &pr, stderr);
		} else if (r == SK_ERR_AUTH) {
			fprintf(stderr, "The current password is incorrect. / 現在のパスワードが正しくありません。\n");
		} else {
			if (r == SK_ERR_LOCKED)
				say_locked(0);
			else
				report("password change", r);
			break;
		}
	}
	sodium_memzero(old, sizeof(old));
	sodium_memzero(pw, sizeof(pw));
	sodium_memzero(again, sizeof(again));
	return r;
}

struct signin_confirm {
	struct cli_env *env;
	sk_signin *s;
	sk_recovery_set codes;
};

static int
signin_confirm(void *arg, const char *code1, const char *code2)
{
	struct signin_confirm *c = arg;

	return sk_signin_enroll_confirm(c->env->ctx, c->s, code1, code2, &c->codes);
}

static int
step_enroll(struct cli_env *env, sk_signin *s)
{
	struct signin_confirm c = {env, s, {0}};
	sk_enrollment e;
	int r;

	fprintf(stderr, "\nTwo-factor authentication is required. Add an authenticator app "
			"(Google Authenticator, Microsoft Authenticator, Authy, ...).\n"
			"二要素認証の設定が必要です。認証アプリでQRコードを読み取ってください。\n\n");
	r = sk_signin_enroll_begin(env->ctx, s, "authenticator", SK_DEVICE_TOTP_APP, NULL, &e);
	if (r != SK_OK) {
		report("cannot start enrollment", r);
		return r;
	}
	enroll_show(env, &e, SK_DEVICE_TOTP_APP);
	sk_enrollment_clear(&e);
	r = enroll_codes(env, SK_DEVICE_TOTP_APP, signin_confirm, &c);
	if (r == SK_OK)
		show_recovery(&c.codes);
	sk_recovery_set_clear(&c.codes);
	return r;
}

static int
step_mfa(struct cli_env *env, sk_signin *s)
{
	char code[64];
	int64_t retry_at = 0;
	int r = SK_ERR_AUTH;

	for (int tries = 0; tries < MAX_TRIES; tries++) {
		int n = prompt_line("Verification code (or recovery code) / 確認コード: ", 1, code,
				    sizeof(code));
		if (n <= 0) /* end of input or an empty line: give up, nothing charged */
			break;
		/* Six to eight digits is a one-time code; anything longer a recovery code. */
		if (n > SK_OTP_CODE_MAX)
			r = sk_signin_recovery(env->ctx, s, code, &retry_at);
		else
			r = sk_signin_mfa(env->ctx, s, code, &retry_at);
		sodium_memzero(code, sizeof(code));
		if (r == SK_OK)
			return r;
		if (r == SK_ERR_LOCKED) {
			say_locked(retry_at);
			return r;
		}
		if (r == SK_ERR_REPLAY)
			fprintf(stderr, "That code was already used; wait for the next one.\n"
					"このコードは使用済みです。次のコードを待ってください。\n");
		else if (r == SK_ERR_AUTH)
			fprintf(stderr, "Incorrect code. / コードが正しくありません。\n");
		else {
			report("verification", r);
			return r;
		}
	}
	return r;
}

int
cli_signin(struct cli_env *env, const char *name, int setup, sk_signin *s)
{
	int r = SK_OK;

	sk_signin_start(env->ctx, s, "local");
	while (r == SK_OK && s->step != SK_STEP_DONE) {
		if (!setup && (s->step == SK_STEP_CHANGE_PASSWORD || s->step == SK_STEP_ENROLL_MFA)) {
			fprintf(stderr, "%s must first finish their own first sign-in "
					"(sekisho login %s).\n",
				s->name, s->name);
			return SK_ERR_STATE;
		}
		switch (s->step) {
		case SK_STEP_PASSWORD:
			r = step_password(env, s, name);
			break;
		case SK_STEP_CHANGE_PASSWORD:
			r = step_change(env, s);
			break;
		case SK_STEP_ENROLL_MFA:
			r = step_enroll(env, s);
			break;
		case SK_STEP_MFA:
			r = step_mfa(env, s);
			break;
		case SK_STEP_DONE:
			break;
		}
	}
	return r;
}

int
cmd_login(struct cli_env *env, int argc, char **argv)
{
	sk_signin s;

	if (argc != 2) {
		fprintf(stderr, "usage: sekisho login NAME\n");
		return EXIT_USAGE;
	}
	if (env_open(env, 0) != 0)
		return EXIT_REFUSED;
	if (cli_signin(env, argv[1], 1, &s) != SK_OK) {
		fprintf(stderr, "Sign-in failed. / サインインできませんでした。\n");
		return EXIT_REFUSED;
	}
	fprintf(stderr, "Signed in as %s%s. / サインインしました。\n", s.name,
		s.used_recovery ? " with a recovery code (generate new ones soon)" : "");
	return 0;
}
