/*
 * tests/unit/test_error.c - the one error table (lib/error.c): every code
 * from SK_OK down to the sentinel has a distinct sentence and its own
 * symbolic name; anything outside the range is "unknown error".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sekisho/error.h"

/* Every known code has a non-empty sentence that no other code shares. */
static void
test_strerror_nonempty_unique(void **state)
{
	(void)state;
	for (int a = SK_OK; a > SK_ERR__LAST; a--) {
		const char *sa = sk_strerror(a);

		assert_non_null(sa);
		assert_true(strlen(sa) > 0);
		assert_string_not_equal(sa, "unknown error");
		for (int b = a - 1; b > SK_ERR__LAST; b--)
			assert_string_not_equal(sa, sk_strerror(b));
	}
}

/* Every known code's name starts "SK_", is unique, and names the code. */
static void
test_errname(void **state)
{
	(void)state;
	assert_string_equal(sk_errname(SK_OK), "SK_OK");
	assert_string_equal(sk_errname(SK_ERR_INTERNAL), "SK_ERR_INTERNAL");
	assert_string_equal(sk_errname(SK_ERR_LOCKED), "SK_ERR_LOCKED");
	assert_string_equal(sk_errname(SK_ERR_TAMPERED), "SK_ERR_TAMPERED");
	assert_string_equal(sk_errname(SK_ERR_LAST_ADMIN), "SK_ERR_LAST_ADMIN");
	for (int a = SK_OK; a > SK_ERR__LAST; a--) {
		const char *na = sk_errname(a);

		assert_non_null(na);
		assert_memory_equal(na, "SK_", 3);
		assert_string_not_equal(na, "SK_ERR_UNKNOWN");
		if (a != SK_OK)
			assert_memory_equal(na, "SK_ERR_", 7);
		for (int b = a - 1; b > SK_ERR__LAST; b--)
			assert_string_not_equal(na, sk_errname(b));
	}
}

/* Codes outside the table: positive, the sentinel, one past it, far away. */
static void
test_unknown_codes(void **state)
{
	static const int unknown[] = {1, 2, 1000, SK_ERR__LAST, SK_ERR__LAST - 1, -1000,
				      INT32_MIN, INT32_MAX};

	(void)state;
	for (size_t i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		assert_string_equal(sk_strerror(unknown[i]), "unknown error");
		assert_string_equal(sk_errname(unknown[i]), "SK_ERR_UNKNOWN");
	}
}

/* The last real code is still known (no off-by-one at the sentinel). */
static void
test_last_real_code_known(void **state)
{
	(void)state;
	assert_int_equal(SK_ERR_FILE_MODE, SK_ERR__LAST + 1);
	assert_string_not_equal(sk_strerror(SK_ERR__LAST + 1), "unknown error");
	assert_string_equal(sk_errname(SK_ERR__LAST + 1), "SK_ERR_FILE_MODE");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strerror_nonempty_unique),
		cmocka_unit_test(test_errname),
		cmocka_unit_test(test_unknown_codes),
		cmocka_unit_test(test_last_real_code_known),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
