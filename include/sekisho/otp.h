/*
 * sekisho/otp.h - HOTP (RFC 4226), TOTP (RFC 6238), Base32 (RFC 4648) and
 * otpauth:// URIs (the Google Authenticator key-URI format).
 *
 * Pure functions: no store, no clock of their own (the caller passes the
 * time), so the same code serves the server, the CLI, the PAM path and tests.
 * Codes are compared in constant time; secrets are never logged.
 */
#ifndef SEKISHO_OTP_H
#define SEKISHO_OTP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sk_otp_alg {
	SK_OTP_SHA1 = 0,   /* default; what every authenticator app supports */
	SK_OTP_SHA256 = 1,
	SK_OTP_SHA512 = 2
} sk_otp_alg;

#define SK_OTP_SECRET_MAX 64      /* bytes of a shared secret we accept */
#define SK_OTP_SECRET_DEFAULT 20  /* bytes generated for a new device (160 bits, RFC 4226) */
#define SK_OTP_CODE_MAX 8         /* digits */

/* Parameters of one OTP device. */
typedef struct sk_otp_params {
	sk_otp_alg alg;   /* SK_OTP_SHA1 */
	unsigned digits;  /* 6..8, default 6 */
	unsigned period;  /* seconds per TOTP step, 1..300, default 30 */
	unsigned window;  /* steps accepted either side of now, 0..10, default 1 */
} sk_otp_params;

/* Fills p with the defaults: SHA-1, 6 digits, 30 s, window 1. */
void sk_otp_params_default(sk_otp_params *p);

/* Returns SK_OK when p is within the documented ranges, else SK_ERR_INVALID. */
int sk_otp_params_check(const sk_otp_params *p);

/* Name "sha1"/"sha256"/"sha512" <-> enum.  parse returns SK_ERR_INVALID for others. */
const char *sk_otp_alg_name(sk_otp_alg alg);
int sk_otp_alg_parse(const char *name, sk_otp_alg *out);

/*
 * HOTP value for counter: writes digits decimal characters plus NUL to
 * out (out_size >= digits + 1).  Returns SK_OK or an SK_ERR_* code.
 */
int sk_hotp(const uint8_t *key, size_t key_len, uint64_t counter,
	    sk_otp_alg alg, unsigned digits, char *out, size_t out_size)
	__attribute__((warn_unused_result));

/* The TOTP step that time t (unix seconds) falls in: floor(t / period). */
uint64_t sk_totp_step(int64_t t, unsigned period);

/* TOTP value at unix time t (RFC 6238 with T0 = 0). Same output rules as sk_hotp. */
int sk_totp(const uint8_t *key, size_t key_len, int64_t t,
	    const sk_otp_params *p, char *out, size_t out_size)
	__attribute__((warn_unused_result));

/*
 * Verifies code against the steps now-window .. now+window.
 *
 * last_step is the last step accepted for this device (0 = never); a
 * matching step <= last_step is a replay and gives SK_ERR_REPLAY.  On
 * success returns SK_OK and stores the matched step in *matched_step, which
 * the caller must persist as the device's new last_step.  A code that is not
 * all digits or has the wrong length gives SK_ERR_AUTH (never a hint why).
 * All candidate steps are computed and compared in constant time.
 */
int sk_totp_verify(const uint8_t *key, size_t key_len, int64_t now,
		   const sk_otp_params *p, const char *code, uint64_t last_step,
		   uint64_t *matched_step)
	__attribute__((warn_unused_result));

/*
 * Verifies an enrollment: code1 and code2 are two consecutive codes (code2
 * the later one), as entered when adding a device.  code2 must match a step
 * within the window of now and code1 the step before it.  On success stores
 * code2's step in *matched_step.  Returns SK_OK or SK_ERR_AUTH.
 */
int sk_totp_verify_consecutive(const uint8_t *key, size_t key_len, int64_t now,
			       const sk_otp_params *p, const char *code1,
			       const char *code2, uint64_t *matched_step)
	__attribute__((warn_unused_result));

/*
 * HOTP verification with a look-ahead window: accepts counters
 * counter .. counter+look_ahead; on success *next_counter is the matched
 * counter + 1 (persist it).  Returns SK_OK or SK_ERR_AUTH.
 */
int sk_hotp_verify(const uint8_t *key, size_t key_len, uint64_t counter,
		   unsigned look_ahead, sk_otp_alg alg, unsigned digits,
		   const char *code, uint64_t *next_counter)
	__attribute__((warn_unused_result));

/*
 * Base32 (RFC 4648 alphabet, upper case, no padding) of len bytes into out
 * (NUL-terminated).  out_size must be >= sk_base32_encoded_len(len) + 1.
 */
size_t sk_base32_encoded_len(size_t len);
int sk_base32_encode(const uint8_t *in, size_t len, char *out, size_t out_size)
	__attribute__((warn_unused_result));

/*
 * Decodes Base32 text typed by a person: case-insensitive, spaces, tabs and
 * hyphens ignored, trailing '=' padding accepted.  Writes at most out_size
 * bytes and stores the count in *out_len.  Returns SK_ERR_INVALID for any
 * other character or impossible length, SK_ERR_TOOLONG when out is too small.
 */
int sk_base32_decode(const char *in, size_t in_len, uint8_t *out,
		     size_t out_size, size_t *out_len)
	__attribute__((warn_unused_result));

/*
 * Secret in Base32, upper case, in groups of four separated by spaces
 * ("JBSW Y3DP EHPK 3PXP"), for manual entry in an authenticator app.
 */
int sk_base32_encode_grouped(const uint8_t *in, size_t len, char *out,
			     size_t out_size)
	__attribute__((warn_unused_result));

/*
 * Builds the key URI "otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=...
 * &algorithm=SHA1&digits=6&period=30".  Issuer and account are
 * percent-encoded (RFC 3986 unreserved characters kept; the ':' separator
 * literal).  Returns a string the caller frees with free(), or NULL on
 * allocation failure or invalid input.
 */
char *sk_otpauth_uri(const char *issuer, const char *account,
		     const uint8_t *key, size_t key_len, const sk_otp_params *p);

#ifdef __cplusplus
}
#endif
#endif
