/*
 * sekisho/policy.h - password rules (requirement A3).
 *
 * Presets:
 *   aws     8-128 characters; at least 3 of the 4 classes upper case, lower
 *           case, digits, symbols ! @ # $ % ^ & * ( ) _ + - = [ ] { } | ' ;
 *           not equal to the account name or e-mail address.
 *   strong  at least 12 characters (max 128) with upper case, lower case
 *           and digits.
 *   nist    8-128 characters, no composition rule (NIST SP 800-63B).
 * Every preset also rejects a password that contains the user name or the
 * e-mail's local part (case-insensitive) and one that zxcvbn estimates
 * guessable in fewer than 10^min_guesses_log10 guesses (default 8, about
 * zxcvbn's score 3).
 *
 * Characters outside the four classes (a space, '~', any non-ASCII letter)
 * are allowed but count for no class.
 *
 * The result names every failed rule, with a message in Japanese and English.
 */
#ifndef SEKISHO_POLICY_H
#define SEKISHO_POLICY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sk_policy_preset {
	SK_POLICY_AWS = 0,
	SK_POLICY_STRONG = 1,
	SK_POLICY_NIST = 2
} sk_policy_preset;

typedef struct sk_policy {
	sk_policy_preset preset;
	unsigned min_length;        /* characters (UTF-8 code points) */
	unsigned max_length;        /* 128 */
	unsigned min_classes;       /* of the 4 classes; 0 = no rule */
	int require_upper, require_lower, require_digit; /* each class mandatory */
	double min_guesses_log10;   /* zxcvbn estimate; 0 disables the check */
} sk_policy;

/* Rules, as bits of sk_policy_result.failed. */
enum {
	SK_RULE_MIN_LENGTH = 1u << 0,
	SK_RULE_MAX_LENGTH = 1u << 1,
	SK_RULE_CLASSES = 1u << 2,        /* aws: 3 of 4 classes */
	SK_RULE_UPPER = 1u << 3,
	SK_RULE_LOWER = 1u << 4,
	SK_RULE_DIGIT = 1u << 5,
	SK_RULE_EQUALS_NAME = 1u << 6,    /* equal to user name or e-mail */
	SK_RULE_CONTAINS_NAME = 1u << 7,  /* contains user name or e-mail local part */
	SK_RULE_GUESSABLE = 1u << 8,      /* zxcvbn estimate below the minimum */
	SK_RULE_INVALID_UTF8 = 1u << 9,   /* not valid UTF-8 or contains control characters */
	/*
	 * The new password is the current one.  Never set by sk_policy_check(),
	 * which does not know the current password: set by the password-change
	 * code (sk_account_change_password), which does; it has messages here.
	 */
	SK_RULE_SAME_AS_CURRENT = 1u << 10,
	SK_RULE__COUNT = 11
};

typedef struct sk_policy_result {
	uint32_t failed;          /* OR of SK_RULE_* bits; 0 = accepted */
	double guesses_log10;     /* zxcvbn's estimate, for display */
} sk_policy_result;

/*
 * Fills *p with a preset's defaults.  Returns SK_ERR_INVALID for an unknown
 * preset or a NULL p.
 */
int sk_policy_preset_init(sk_policy *p, sk_policy_preset preset);

/*
 * "aws", "strong", "nist" <-> enum.  name returns static storage ("unknown"
 * for values outside the enum); parse accepts exactly those lower-case names
 * and returns SK_ERR_INVALID for anything else.
 */
const char *sk_policy_preset_name(sk_policy_preset preset);
int sk_policy_preset_parse(const char *name, sk_policy_preset *out);

/*
 * Checks password (len bytes, need not be NUL-terminated; NULL only with
 * len 0) against p for the account user_name with e-mail email (either may
 * be NULL or empty).  Fills *result.  Returns SK_OK when accepted,
 * SK_ERR_POLICY when any rule failed, or SK_ERR_INVALID for a NULL p or
 * result or an inconsistent p (max_length 0, min_length > max_length,
 * min_classes > 4, min_guesses_log10 < 0).  Never logs or keeps the
 * password; the copy given to zxcvbn is wiped.
 *
 * - Length is counted in UTF-8 code points.  Bytes that are not valid UTF-8,
 *   or a control character (U+0000-U+001F, U+007F-U+009F), fail
 *   SK_RULE_INVALID_UTF8 alone: no other rule is evaluated for such input.
 * - SK_RULE_EQUALS_NAME: the password is the user name or the whole e-mail
 *   address (ASCII case-insensitive).  SK_RULE_CONTAINS_NAME: it contains
 *   the user name or the e-mail's local part (before the last '@'), for
 *   names of 3 characters or more; not reported together with EQUALS.
 * - zxcvbn sees the user name, the e-mail address, its local part and
 *   "sekisho" as its most likely words, and at most the first 1024 bytes of
 *   the password.  result->guesses_log10 is filled even when
 *   min_guesses_log10 is 0 (the check disabled).
 */
int sk_policy_check(const sk_policy *p, const char *password, size_t len,
		    const char *user_name, const char *email,
		    sk_policy_result *result) __attribute__((warn_unused_result));

/*
 * One sentence for rule (a single SK_RULE_* bit) under p, in lang "en" or
 * "ja" (also "ja-JP", "ja_JP"; anything else, NULL included, gives English),
 * for example "Use at least 8 characters." / "8文字以上にしてください。".
 * Static storage is not possible for sentences with numbers, so the sentence
 * is written to buf (NUL terminated, truncated to size at a character
 * boundary) and buf is returned; a NULL buf or size 0 gives a static "".
 * A NULL p takes the aws preset's numbers; a value that is not a single rule
 * gives a general sentence.
 */
const char *sk_policy_rule_message(const sk_policy *p, uint32_t rule,
				   const char *lang, char *buf, size_t size);

/*
 * The policy's rules as a list for display before the user types
 * ("Use 8 to 128 characters.", ...), one per line, each ending in '\n', in
 * lang (as for sk_policy_rule_message); written to buf like it.  The
 * printable-characters rule is not listed.  A NULL p gives "".
 */
const char *sk_policy_describe(const sk_policy *p, const char *lang, char *buf,
			       size_t size);

/*
 * Generates a random password of length chars that satisfies p (used for
 * issued initial passwords) with no user name, written NUL-terminated to
 * out.  Characters come from an alphabet without look-alikes (no 0/O/o,
 * 1/l/I, nor |); from 4 characters on, every password has an upper case
 * letter, a lower case letter, a digit and a symbol of the aws set.
 * out_size must be > length.  Returns SK_OK; SK_ERR_INVALID when length is
 * outside the policy's limits, out is too small or the required classes do
 * not fit in length; SK_ERR_POLICY when no candidate passed sk_policy_check()
 * in a bounded number of tries (min_guesses_log10 unreachable at that
 * length), with out wiped.
 */
int sk_policy_generate(const sk_policy *p, unsigned length, char *out,
		       size_t out_size) __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
