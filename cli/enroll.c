/*
 * cli/enroll.c - the terminal side of adding a second-factor device, shared
 * by the first sign-in (`sekisho login`) and by an administrator assigning a
 * device (`sekisho mfa add`): show the QR code and setup key, read the
 * confirmation codes, show recovery codes once.
 */
#include <stdio.h>
#include <stdlib.h>

#include <sodium.h>

#include "env.h"

#define MAX_TRIES 3

void
enroll_show(struct cli_env *env, const sk_enrollment *e, sk_device_type type)
{
	char *qr;

	if (type != SK_DEVICE_TOTP_APP)
		return; /* a token's secret was typed in: nothing to show */
	if ((qr = sk_qr_utf8(e->uri, 0)) != NULL) {
		fputs(qr, stderr);
		free(qr);
	}
	fprintf(stderr, "\nCannot scan? Enter this setup key manually / 手動入力用キー:\n  %s\n"
			"(time-based, %u digits, every %u seconds)\n\n",
		e->secret_grouped, env->cfg.otp.digits, env->cfg.otp.period);
}

int
enroll_codes(struct cli_env *env, sk_device_type type, enroll_confirm_fn confirm, void *arg)
{
	char code1[32], code2[32];
	int two = env->cfg.enroll_codes == 2, r = SK_ERR_AUTH;
	int hotp = type == SK_DEVICE_HOTP_TOKEN;

	for (int tries = 0; tries < MAX_TRIES; tries++) {
		if (prompt_line("Code 1 / コード1: ", 0, code1, sizeof(code1)) < 0)
			break;
		if (two) {
			fprintf(stderr, "%s\n",
				hotp ? "Press the button again and enter the new code. / "
				       "もう一度ボタンを押し、次のコードを入力してください。"
				     : "Wait for the next code, then enter it. / "
				       "次のコードが表示されたら入力してください。");
			if (prompt_line("Code 2 / コード2: ", 0, code2, sizeof(code2)) < 0)
				break;
		}
		r = confirm(arg, code1, two ? code2 : NULL);
		if (r == SK_OK) {
			fprintf(stderr, "Device added. / 認証デバイスを登録しました。\n");
			break;
		}
		if (r != SK_ERR_AUTH) {
			report("enrollment", r);
			break;
		}
		fprintf(stderr, "The codes did not match. Check the device's clock and enter %s.\n"
				"コードが一致しません。\n",
			two ? "two consecutive codes" : "the current code");
	}
	sodium_memzero(code1, sizeof(code1));
	sodium_memzero(code2, sizeof(code2));
	/* Leaving abandons the enrollment: the next attempt gets a new key (B5). */
	return r;
}

void
show_recovery(const sk_recovery_set *codes)
{
	if (codes->count == 0)
		return;
	fprintf(stderr, "\nRecovery codes - each works once if you lose your device. Store them "
			"safely now; they are not shown again.\n"
			"リカバリーコード(各1回のみ使用可)。安全な場所に保管してください。再表示されません。\n\n");
	for (unsigned i = 0; i < codes->count; i++)
		printf("  %s\n", codes->codes[i]);
	fflush(stdout);
}
