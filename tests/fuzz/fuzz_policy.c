/*
 * tests/fuzz/fuzz_policy.c - libFuzzer target for sk_policy_check().
 *
 * Input: the password, optionally followed by a NUL byte and then the user
 * name, and another NUL and the e-mail address.  The password itself may
 * contain anything (except that first NUL); every preset checks it, and
 * the messages for the failed rules are rendered.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sekisho/error.h"
#include "sekisho/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const sk_policy_preset presets[] = {
		SK_POLICY_AWS, SK_POLICY_STRONG, SK_POLICY_NIST
	};
	const uint8_t *sep = memchr(data, '\0', size);
	size_t pwlen = sep != NULL ? (size_t)(sep - data) : size;
	char *copy = NULL, *pw, *user = NULL, *email = NULL, *sep2;
	char msg[64];
	size_t i;

	if (size > 8192)
		return 0;
	/* An exact-size heap copy so ASan sees any read past the password. */
	pw = malloc(pwlen != 0 ? pwlen : 1);
	if (pw == NULL)
		return 0;
	memcpy(pw, data, pwlen);
	if (sep != NULL) {
		size_t rest = size - pwlen - 1;

		copy = malloc(rest + 1);
		if (copy == NULL)
			goto out;
		memcpy(copy, sep + 1, rest);
		copy[rest] = '\0';
		user = copy;
		sep2 = strchr(copy, '\0');
		if ((size_t)(sep2 - copy) < rest)
			email = sep2 + 1;
	}

	for (i = 0; i < sizeof(presets) / sizeof(presets[0]); i++) {
		sk_policy p;
		sk_policy_result res;
		uint32_t bit;
		int r;

		if (sk_policy_preset_init(&p, presets[i]) != SK_OK)
			abort();
		r = sk_policy_check(&p, pw, pwlen, user, email, &res);
		if (r != SK_OK && r != SK_ERR_POLICY)
			abort();
		if ((r == SK_OK) != (res.failed == 0))
			abort();
		if (res.failed >> SK_RULE__COUNT)
			abort();
		/* Only the password-change code knows the current password. */
		if (res.failed & SK_RULE_SAME_AS_CURRENT)
			abort();
		/* Equality and containment are never reported together. */
		if ((res.failed & SK_RULE_EQUALS_NAME) &&
		    (res.failed & SK_RULE_CONTAINS_NAME))
			abort();
		if (res.guesses_log10 < 0.0 || res.guesses_log10 != res.guesses_log10)
			abort();
		for (bit = 1; bit < (1u << SK_RULE__COUNT); bit <<= 1)
			if (res.failed & bit) {
				sk_policy_rule_message(&p, bit, "ja", msg,
				    (size_t)(size > 0 ? data[0] : 0) % sizeof(msg) + 1);
				sk_policy_rule_message(&p, bit, "en", msg,
				    sizeof(msg));
			}
	}
out:
	free(copy);
	free(pw);
	return 0;
}
