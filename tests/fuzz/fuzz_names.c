/*
 * tests/fuzz/fuzz_names.c - the parsers of names typed by people: user names
 * (normalized), device names (B1 rules), role / device-type / algorithm /
 * preset names.  Checks the invariants, not just the absence of crashes.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sekisho/sekisho.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	char norm[SK_NAME_MAX + 1], again[SK_NAME_MAX + 1];

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	if (sk_account_name_normalize(s, norm) == SK_OK) {
		size_t n = strlen(norm);
		assert(n >= 1 && n <= SK_NAME_MAX);
		for (size_t i = 0; i < n; i++)
			assert(!(norm[i] >= 'A' && norm[i] <= 'Z') && norm[i] != '/' && norm[i] != ' ');
		/* Normalizing is idempotent. */
		assert(sk_account_name_normalize(norm, again) == SK_OK && strcmp(norm, again) == 0);
	} else {
		assert(norm[0] == '\0');
	}
	if (sk_mfa_device_name_check(s) == SK_OK)
		assert(strlen(s) >= 1 && strlen(s) <= SK_NAME_MAX);

	sk_role role;
	if (sk_role_parse(s, &role) == SK_OK)
		assert(strcmp(sk_role_name(role), s) == 0);
	sk_device_type type;
	if (sk_device_type_parse(s, &type) == SK_OK)
		assert(strcmp(sk_device_type_name(type), s) == 0);
	sk_otp_alg alg;
	(void)sk_otp_alg_parse(s, &alg);
	sk_policy_preset preset;
	if (sk_policy_preset_parse(s, &preset) == SK_OK)
		assert(strcmp(sk_policy_preset_name(preset), s) == 0);
	free(s);
	return 0;
}
