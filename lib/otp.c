/*
 * lib/otp.c - HOTP (RFC 4226), TOTP (RFC 6238), Base32 (RFC 4648) and
 * otpauth:// key URIs.
 *
 * HMAC comes from OpenSSL (EVP_MAC); constant-time comparison and wiping
 * from libsodium.  Nothing here allocates except sk_otpauth_uri() (OpenSSL
 * allocates its MAC contexts internally).  Thread safe: the only global
 * state is a set of unkeyed HMAC templates made once (see templates_init).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>

#include "sekisho/error.h"
#include "sekisho/otp.h"

#define OTP_DIGITS_MIN 6
#define OTP_PERIOD_MAX 300
#define OTP_WINDOW_MAX 10
/* Bounds the work one sk_hotp_verify() call can be made to do. */
#define HOTP_LOOKAHEAD_MAX 1000
/* Bytes of issuer or account name accepted in a key URI. */
#define URI_FIELD_MAX 1024
/* Base32 characters of the longest secret (64 bytes -> 103) plus NUL. */
#define B32_SECRET_BUF 104

static const uint32_t pow10[SK_OTP_CODE_MAX + 1] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000
};

/* ---- parameters ------------------------------------------------------ */

void
sk_otp_params_default(sk_otp_params *p)
{
	if (p == NULL)
		return;
	p->alg = SK_OTP_SHA1;
	p->digits = 6;
	p->period = 30;
	p->window = 1;
}

int
sk_otp_params_check(const sk_otp_params *p)
{
	if (p == NULL)
		return SK_ERR_INVALID;
	if (p->alg != SK_OTP_SHA1 && p->alg != SK_OTP_SHA256 &&
	    p->alg != SK_OTP_SHA512)
		return SK_ERR_INVALID;
	if (p->digits < OTP_DIGITS_MIN || p->digits > SK_OTP_CODE_MAX)
		return SK_ERR_INVALID;
	if (p->period < 1 || p->period > OTP_PERIOD_MAX)
		return SK_ERR_INVALID;
	if (p->window > OTP_WINDOW_MAX)
		return SK_ERR_INVALID;
	return SK_OK;
}

/* Returns NULL for a value outside the enum. */
const char *
sk_otp_alg_name(sk_otp_alg alg)
{
	switch (alg) {
	case SK_OTP_SHA1:
		return "sha1";
	case SK_OTP_SHA256:
		return "sha256";
	case SK_OTP_SHA512:
		return "sha512";
	}
	return NULL;
}

/* ASCII case-insensitive equality (names, not secrets). */
static int
ascii_ieq(const char *a, const char *b)
{
	for (;; a++, b++) {
		unsigned char ca = (unsigned char)*a, cb = (unsigned char)*b;
		if (ca >= 'A' && ca <= 'Z')
			ca = (unsigned char)(ca - 'A' + 'a');
		if (cb >= 'A' && cb <= 'Z')
			cb = (unsigned char)(cb - 'A' + 'a');
		if (ca != cb)
			return 0;
		if (ca == '\0')
			return 1;
	}
}

/* Accepts "sha1", "sha256", "sha512" in any case (the URI spells them upper case). */
int
sk_otp_alg_parse(const char *name, sk_otp_alg *out)
{
	static const sk_otp_alg algs[] = { SK_OTP_SHA1, SK_OTP_SHA256, SK_OTP_SHA512 };
	size_t i;

	if (name == NULL || out == NULL)
		return SK_ERR_INVALID;
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		if (ascii_ieq(name, sk_otp_alg_name(algs[i]))) {
			*out = algs[i];
			return SK_OK;
		}
	}
	return SK_ERR_INVALID;
}

/* ---- HMAC and dynamic truncation ------------------------------------- */

/* One keyed HMAC context, reused for every counter of one call. */
struct otp_mac {
	EVP_MAC_CTX *ctx;
	const uint8_t *key;
	size_t key_len;
	int keyed;  /* the key is set; later inits reuse its precomputed pads */
};

static int
key_check(const uint8_t *key, size_t key_len)
{
	if (key == NULL || key_len == 0)
		return SK_ERR_INVALID;
	if (key_len > SK_OTP_SECRET_MAX)
		return SK_ERR_TOOLONG;
	return SK_OK;
}

/* A new unkeyed HMAC context for alg, or NULL. */
static EVP_MAC_CTX *
mac_ctx_new(sk_otp_alg alg)
{
	OSSL_PARAM params[2];
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx = NULL;
	char digest[8];

	switch (alg) {
	case SK_OTP_SHA256:
		memcpy(digest, "SHA256", sizeof("SHA256"));
		break;
	case SK_OTP_SHA512:
		memcpy(digest, "SHA512", sizeof("SHA512"));
		break;
	default:
		memcpy(digest, "SHA1", sizeof("SHA1"));
		break;
	}
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return NULL;
	if ((ctx = EVP_MAC_CTX_new(mac)) != NULL &&
	    EVP_MAC_CTX_set_params(ctx, params) != 1) {
		EVP_MAC_CTX_free(ctx);
		ctx = NULL;
	}
	EVP_MAC_free(mac);  /* the context holds its own reference */
	return ctx;
}

/*
 * Fetching HMAC and the digest by name costs OpenSSL 3 more than the three
 * MACs of a verification, so one unkeyed context per algorithm is made once
 * per process and duplicated for each call.  The templates hold no key and
 * are never written after templates_init(), so concurrent
 * EVP_MAC_CTX_dup() calls on them are safe.
 */
static pthread_once_t templates_once = PTHREAD_ONCE_INIT;
static EVP_MAC_CTX *templates[3];

static void
templates_init(void)
{
	templates[SK_OTP_SHA1] = mac_ctx_new(SK_OTP_SHA1);
	templates[SK_OTP_SHA256] = mac_ctx_new(SK_OTP_SHA256);
	templates[SK_OTP_SHA512] = mac_ctx_new(SK_OTP_SHA512);
}

static void
mac_close(struct otp_mac *m)
{
	EVP_MAC_CTX_free(m->ctx);  /* cleanses the keyed state */
	m->ctx = NULL;
}

/* alg has been validated by the caller. */
static int
mac_open(struct otp_mac *m, const uint8_t *key, size_t key_len, sk_otp_alg alg)
{
	m->ctx = NULL;
	m->key = key;
	m->key_len = key_len;
	m->keyed = 0;
	if (pthread_once(&templates_once, templates_init) == 0 && templates[alg] != NULL)
		m->ctx = EVP_MAC_CTX_dup(templates[alg]);
	if (m->ctx == NULL)
		m->ctx = mac_ctx_new(alg);  /* no template (or dup failed): the slow way */
	return m->ctx != NULL ? SK_OK : SK_ERR_CRYPTO;
}

/*
 * HOTP(K, counter) truncated to digits decimal characters in out, which has
 * room for digits + 1.
 */
static int
mac_code(struct otp_mac *m, uint64_t counter, unsigned digits, char *out)
{
	uint8_t msg[8], h[EVP_MAX_MD_SIZE];
	size_t hlen = 0;
	uint32_t bin = 0;
	unsigned off, i;
	int r = SK_ERR_CRYPTO;

	for (i = 8; i-- > 0;) {
		msg[i] = (uint8_t)(counter & 0xff);
		counter >>= 8;
	}
	/*
	 * The first init sets the key; later ones pass NULL, which restarts
	 * HMAC from the keyed inner/outer states without hashing the key again.
	 */
	if (EVP_MAC_init(m->ctx, m->keyed ? NULL : m->key, m->keyed ? 0 : m->key_len,
			 NULL) != 1 ||
	    EVP_MAC_update(m->ctx, msg, sizeof(msg)) != 1 ||
	    EVP_MAC_final(m->ctx, h, &hlen, sizeof(h)) != 1 || hlen < 20)
		goto out;
	m->keyed = 1;
	off = h[hlen - 1] & 0x0f;
	bin = ((uint32_t)(h[off] & 0x7f) << 24) | ((uint32_t)h[off + 1] << 16) |
	      ((uint32_t)h[off + 2] << 8) | (uint32_t)h[off + 3];
	bin %= pow10[digits];
	for (i = digits; i-- > 0;) {
		out[i] = (char)('0' + bin % 10);
		bin /= 10;
	}
	out[digits] = '\0';
	r = SK_OK;
out:
	sodium_memzero(h, sizeof(h));
	sodium_memzero(&bin, sizeof(bin));
	return r;
}

/* 1 when code is exactly digits ASCII digits.  Its shape is not secret. */
static int
code_shape_ok(const char *code, unsigned digits)
{
	unsigned i;

	if (code == NULL)
		return 0;
	for (i = 0; i < digits; i++)
		if (code[i] < '0' || code[i] > '9')
			return 0;
	return code[digits] == '\0';
}

/* All ones when a and b (digits characters each) are equal, else 0. */
static uint64_t
code_eq_mask(const char *a, const char *b, unsigned digits)
{
	uint64_t eq = (uint64_t)(sodium_memcmp(a, b, digits) == 0);
	return (uint64_t)0 - eq;
}

int
sk_hotp(const uint8_t *key, size_t key_len, uint64_t counter,
	sk_otp_alg alg, unsigned digits, char *out, size_t out_size)
{
	struct otp_mac m;
	int r;

	if ((r = key_check(key, key_len)) != SK_OK)
		return r;
	if (out == NULL || digits < OTP_DIGITS_MIN || digits > SK_OTP_CODE_MAX ||
	    sk_otp_alg_name(alg) == NULL)
		return SK_ERR_INVALID;
	if (out_size < (size_t)digits + 1)
		return SK_ERR_TOOLONG;
	if ((r = mac_open(&m, key, key_len, alg)) != SK_OK)
		return r;
	r = mac_code(&m, counter, digits, out);
	mac_close(&m);
	return r;
}

/* floor(t / period) in signed arithmetic (C division truncates toward 0). */
static int64_t
step_floor(int64_t t, unsigned period)
{
	int64_t q = t / (int64_t)period;

	if (t % (int64_t)period < 0)
		q--;
	return q;
}

/* Times before 1970 have no step; they give 0, as does period 0. */
uint64_t
sk_totp_step(int64_t t, unsigned period)
{
	if (t < 0 || period == 0)
		return 0;
	return (uint64_t)t / period;
}

int
sk_totp(const uint8_t *key, size_t key_len, int64_t t,
	const sk_otp_params *p, char *out, size_t out_size)
{
	if (sk_otp_params_check(p) != SK_OK || t < 0)
		return SK_ERR_INVALID;
	return sk_hotp(key, key_len, sk_totp_step(t, p->period), p->alg,
		       p->digits, out, out_size);
}

/*
 * The steps within window of now, clipped at step 0: *lo .. *hi.  Returns
 * 0 when every such step lies before 1970.  No arithmetic can overflow:
 * |step| <= 2^63 and window <= OTP_WINDOW_MAX.
 */
static int
window_steps(int64_t now, const sk_otp_params *p, uint64_t *lo, uint64_t *hi)
{
	int64_t s = step_floor(now, p->period);

	if (s < -(int64_t)p->window)
		return 0;
	if (s < 0) {
		*lo = 0;
		*hi = (uint64_t)(s + (int64_t)p->window);
	} else {
		*lo = (uint64_t)s >= p->window ? (uint64_t)s - p->window : 0;
		*hi = (uint64_t)s + p->window;
	}
	return 1;
}

int
sk_totp_verify(const uint8_t *key, size_t key_len, int64_t now,
	       const sk_otp_params *p, const char *code, uint64_t last_step,
	       uint64_t *matched_step)
{
	struct otp_mac m = { 0 };
	char cand[SK_OTP_CODE_MAX + 1];
	uint64_t lo, hi, step, eq, any = 0, fresh = 0, best = 0;
	int r;

	if (matched_step == NULL || sk_otp_params_check(p) != SK_OK)
		return SK_ERR_INVALID;
	if ((r = key_check(key, key_len)) != SK_OK)
		return r;
	if (!code_shape_ok(code, p->digits) || !window_steps(now, p, &lo, &hi))
		return SK_ERR_AUTH;
	if ((r = mac_open(&m, key, key_len, p->alg)) != SK_OK)
		return r;
	/*
	 * Every step is computed and compared; the highest fresh match wins,
	 * so that a code which happens to match two steps cannot be replayed
	 * against the second one.
	 */
	for (step = lo; step <= hi; step++) {
		if ((r = mac_code(&m, step, p->digits, cand)) != SK_OK)
			goto out;
		eq = code_eq_mask(cand, code, p->digits);
		any |= eq;
		eq &= (uint64_t)0 - (uint64_t)(step > last_step);
		fresh |= eq;
		best = (best & ~eq) | (step & eq);
	}
	if (fresh) {
		*matched_step = best;
		r = SK_OK;
	} else {
		r = any ? SK_ERR_REPLAY : SK_ERR_AUTH;
	}
out:
	sodium_memzero(cand, sizeof(cand));
	mac_close(&m);
	return r;
}

int
sk_totp_verify_consecutive(const uint8_t *key, size_t key_len, int64_t now,
			   const sk_otp_params *p, const char *code1,
			   const char *code2, uint64_t *matched_step)
{
	struct otp_mac m = { 0 };
	char cur[SK_OTP_CODE_MAX + 1];
	uint64_t lo, hi, step, eq1, eq2, prev_eq1 = 0, found = 0, best = 0;
	int r;

	if (matched_step == NULL || sk_otp_params_check(p) != SK_OK)
		return SK_ERR_INVALID;
	if ((r = key_check(key, key_len)) != SK_OK)
		return r;
	if (!code_shape_ok(code1, p->digits) || !code_shape_ok(code2, p->digits) ||
	    !window_steps(now, p, &lo, &hi))
		return SK_ERR_AUTH;
	if (hi == 0)
		return SK_ERR_AUTH;  /* code2 at step 0 has no step before it */
	if ((r = mac_open(&m, key, key_len, p->alg)) != SK_OK)
		return r;
	/* Steps lo-1 .. hi; code2 is compared from lo (and from step 1) on. */
	for (step = lo > 0 ? lo - 1 : 0; step <= hi; step++) {
		if ((r = mac_code(&m, step, p->digits, cur)) != SK_OK)
			goto out;
		eq1 = code_eq_mask(cur, code1, p->digits);
		eq2 = code_eq_mask(cur, code2, p->digits);
		eq2 &= prev_eq1 & ((uint64_t)0 - (uint64_t)(step >= lo && step >= 1));
		found |= eq2;
		best = (best & ~eq2) | (step & eq2);
		prev_eq1 = eq1;
	}
	if (found) {
		*matched_step = best;
		r = SK_OK;
	} else {
		r = SK_ERR_AUTH;
	}
out:
	sodium_memzero(cur, sizeof(cur));
	mac_close(&m);
	return r;
}

/* look_ahead above HOTP_LOOKAHEAD_MAX gives SK_ERR_INVALID. */
int
sk_hotp_verify(const uint8_t *key, size_t key_len, uint64_t counter,
	       unsigned look_ahead, sk_otp_alg alg, unsigned digits,
	       const char *code, uint64_t *next_counter)
{
	struct otp_mac m = { 0 };
	char cand[SK_OTP_CODE_MAX + 1];
	uint64_t hi, c, eq, found = 0, best = 0;
	int r;

	if (next_counter == NULL || digits < OTP_DIGITS_MIN ||
	    digits > SK_OTP_CODE_MAX || sk_otp_alg_name(alg) == NULL ||
	    look_ahead > HOTP_LOOKAHEAD_MAX)
		return SK_ERR_INVALID;
	if ((r = key_check(key, key_len)) != SK_OK)
		return r;
	if (!code_shape_ok(code, digits))
		return SK_ERR_AUTH;
	/* The last counter usable is UINT64_MAX - 1, so next_counter never wraps. */
	if (counter >= UINT64_MAX - 1)
		return SK_ERR_AUTH;
	hi = counter + look_ahead;
	if (hi < counter || hi > UINT64_MAX - 1)
		hi = UINT64_MAX - 1;
	if ((r = mac_open(&m, key, key_len, alg)) != SK_OK)
		return r;
	/* All counters compared; the lowest match wins (RFC 4226 resync). */
	for (c = counter;; c++) {
		if ((r = mac_code(&m, c, digits, cand)) != SK_OK)
			goto out;
		eq = code_eq_mask(cand, code, digits) & ~found;
		found |= eq;
		best = (best & ~eq) | (c & eq);
		if (c == hi)
			break;
	}
	if (found) {
		*next_counter = best + 1;
		r = SK_OK;
	} else {
		r = SK_ERR_AUTH;
	}
out:
	sodium_memzero(cand, sizeof(cand));
	mac_close(&m);
	return r;
}

/* ---- Base32 ---------------------------------------------------------- */

/* Characters of the tail group for len % 5 == 0..4 bytes. */
static const unsigned char b32_tail_chars[5] = { 0, 2, 4, 5, 7 };

/* SIZE_MAX when the length cannot be represented. */
size_t
sk_base32_encoded_len(size_t len)
{
	size_t groups = len / 5;

	if (groups > (SIZE_MAX - 8) / 8)
		return SIZE_MAX;
	return groups * 8 + b32_tail_chars[len % 5];
}

/*
 * Writes the Base32 of in to out with a space after every group characters
 * (group 0: no spaces), then NUL.  The caller has checked the size.  The
 * alphabet lookup is arithmetic, not a table, so no secret-indexed loads.
 */
static void
b32_emit(const uint8_t *in, size_t len, char *out, size_t group)
{
	uint32_t buf = 0;
	unsigned bits = 0, v;
	size_t i, n = 0;

	for (i = 0; i < len || bits > 0;) {
		if (bits < 5) {
			if (i < len) {
				buf = (buf << 8) | in[i++];
				bits += 8;
			} else {
				buf <<= 5 - bits;
				bits = 5;
			}
		}
		v = (buf >> (bits - 5)) & 31;
		bits -= 5;
		buf &= (1u << bits) - 1;
		if (group != 0 && n > 0 && n % group == 0)
			*out++ = ' ';
		/* 'A' + v for v < 26, '2' + v - 26 otherwise, without a branch. */
		*out++ = (char)('A' + v - ((0u - (((v - 26) >> 31) ^ 1)) & ('A' - '2' + 26)));
		n++;
	}
	*out = '\0';
	sodium_memzero(&buf, sizeof(buf));
	sodium_memzero(&v, sizeof(v));
}

int
sk_base32_encode(const uint8_t *in, size_t len, char *out, size_t out_size)
{
	size_t n = sk_base32_encoded_len(len);

	if (out == NULL || (in == NULL && len > 0))
		return SK_ERR_INVALID;
	if (n == SIZE_MAX || out_size < n + 1)
		return SK_ERR_TOOLONG;
	b32_emit(in, len, out, 0);
	return SK_OK;
}

int
sk_base32_encode_grouped(const uint8_t *in, size_t len, char *out,
			 size_t out_size)
{
	size_t n = sk_base32_encoded_len(len), total;

	if (out == NULL || (in == NULL && len > 0))
		return SK_ERR_INVALID;
	if (n == SIZE_MAX)
		return SK_ERR_TOOLONG;
	total = n + (n > 0 ? (n - 1) / 4 : 0);
	if (total >= SIZE_MAX || out_size < total + 1)
		return SK_ERR_TOOLONG;
	b32_emit(in, len, out, 4);
	return SK_OK;
}

enum { B32_DATA, B32_SKIP, B32_PAD, B32_BAD };

/*
 * Classifies c and, for a data character, stores its 5-bit value.  The
 * value is computed with masks so that it does not depend on a branch or
 * a table indexed by the (secret) character; only the class, which is
 * B32_DATA for every character of a valid secret, decides branches.
 */
static int
b32_class(unsigned char c, unsigned *val)
{
	unsigned u = c, lc = u | 0x20;
	/* All ones when lo <= x <= hi (x, lo, hi < 256). */
#define IN_RANGE(x, lo, hi) \
	((0u - ((((x) - (lo)) >> 31) ^ 1)) & (0u - ((((hi) - (x)) >> 31) ^ 1)))
	unsigned alpha = IN_RANGE(lc, 'a', 'z'), digit = IN_RANGE(u, '2', '7');
#undef IN_RANGE

	*val = (alpha & (lc - 'a')) | (digit & (u - '2' + 26));
	if ((alpha | digit) != 0)
		return B32_DATA;
	if (c == ' ' || c == '\t' || c == '-')
		return B32_SKIP;
	if (c == '=')
		return B32_PAD;
	return B32_BAD;
}

/* Bytes decoded from n % 8 == 0..7 trailing characters; 0xff: impossible. */
static const unsigned char b32_tail_bytes[8] = { 0, 0xff, 1, 0xff, 2, 3, 0xff, 4 };

int
sk_base32_decode(const char *in, size_t in_len, uint8_t *out,
		 size_t out_size, size_t *out_len)
{
	size_t i, n = 0, pad = 0, need, o = 0;
	uint32_t buf = 0;
	unsigned bits = 0, v = 0;
	int cls;

	if (out_len == NULL || (in == NULL && in_len > 0) ||
	    (out == NULL && out_size > 0))
		return SK_ERR_INVALID;
	*out_len = 0;
	/* Pass 1: validate and count, so that nothing is written on error. */
	for (i = 0; i < in_len; i++) {
		cls = b32_class((unsigned char)in[i], &v);
		if (cls == B32_BAD || (cls == B32_DATA && pad > 0))
			return SK_ERR_INVALID;
		if (cls == B32_DATA)
			n++;
		else if (cls == B32_PAD)
			pad++;
	}
	if (b32_tail_bytes[n % 8] == 0xff)
		return SK_ERR_INVALID;
	if (pad > 0 && pad != (8 - n % 8) % 8)
		return SK_ERR_INVALID;
	need = n / 8 * 5 + b32_tail_bytes[n % 8];
	if (need > out_size)
		return SK_ERR_TOOLONG;
	/* Pass 2: decode.  Leftover bits of a final partial byte are dropped. */
	for (i = 0; i < in_len; i++) {
		if (b32_class((unsigned char)in[i], &v) != B32_DATA)
			continue;
		buf = (buf << 5) | v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(buf >> bits);
			buf &= (1u << bits) - 1;
		}
	}
	*out_len = o;
	sodium_memzero(&buf, sizeof(buf));
	sodium_memzero(&v, sizeof(v));
	return SK_OK;
}

/* ---- otpauth:// URI -------------------------------------------------- */

static int
is_unreserved(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
	       c == '~';
}

static size_t
pct_len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += is_unreserved((unsigned char)*s) ? 1 : 3;
	return n;
}

static char *
put_str(char *w, const char *s)
{
	size_t n = strlen(s);

	memcpy(w, s, n);
	return w + n;
}

static char *
put_pct(char *w, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (is_unreserved(c)) {
			*w++ = (char)c;
		} else {
			*w++ = '%';
			*w++ = hex[c >> 4];
			*w++ = hex[c & 15];
		}
	}
	return w;
}

static char *
put_uint(char *w, unsigned v)
{
	char tmp[12];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		*w++ = tmp[--n];
	return w;
}

/*
 * An empty issuer is left out (label "ACCOUNT", no issuer parameter); an
 * empty account, a field longer than URI_FIELD_MAX bytes, a bad key or bad
 * parameters give NULL.  The result holds the secret: wipe it before free().
 */
char *
sk_otpauth_uri(const char *issuer, const char *account,
	       const uint8_t *key, size_t key_len, const sk_otp_params *p)
{
	static const char *const alg_upper[] = { "SHA1", "SHA256", "SHA512" };
	char secret[B32_SECRET_BUF];
	size_t ilen, alen, slen, total;
	char *uri = NULL, *w;

	if (issuer == NULL || account == NULL || account[0] == '\0' ||
	    key_check(key, key_len) != SK_OK || sk_otp_params_check(p) != SK_OK)
		return NULL;
	if (strnlen(issuer, URI_FIELD_MAX + 1) > URI_FIELD_MAX ||
	    strnlen(account, URI_FIELD_MAX + 1) > URI_FIELD_MAX)
		return NULL;
	if (sk_base32_encode(key, key_len, secret, sizeof(secret)) != SK_OK)
		goto out;
	ilen = pct_len(issuer);
	alen = pct_len(account);
	slen = strlen(secret);
	total = strlen("otpauth://totp/") + alen + strlen("?secret=") + slen +
		strlen("&algorithm=SHA512&digits=8&period=300") + 1;
	if (ilen > 0)
		total += ilen + 1 + strlen("&issuer=") + ilen;
	if ((uri = malloc(total)) == NULL)
		goto out;
	w = put_str(uri, "otpauth://totp/");
	if (ilen > 0) {
		w = put_pct(w, issuer);
		*w++ = ':';
	}
	w = put_pct(w, account);
	w = put_str(w, "?secret=");
	w = put_str(w, secret);
	if (ilen > 0) {
		w = put_str(w, "&issuer=");
		w = put_pct(w, issuer);
	}
	w = put_str(w, "&algorithm=");
	w = put_str(w, alg_upper[p->alg]);
	w = put_str(w, "&digits=");
	w = put_uint(w, p->digits);
	w = put_str(w, "&period=");
	w = put_uint(w, p->period);
	*w = '\0';
out:
	sodium_memzero(secret, sizeof(secret));
	return uri;
}
