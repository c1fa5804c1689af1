/*
 * server/parse.h - parsers for what a browser sends: form bodies
 * (application/x-www-form-urlencoded), Cookie headers, query strings and
 * Accept-Language.  Hand-written, bounded, never trusting a length from the
 * input; each has a libFuzzer target in tests/fuzz/.
 */
#ifndef SEKISHOD_PARSE_H
#define SEKISHOD_PARSE_H

#include <stddef.h>

#define FORM_MAX_FIELDS 32
#define FORM_MAX_BYTES 65536

typedef struct form_field {
	const char *name;   /* decoded, NUL-terminated (points into form.mem) */
	const char *value;  /* decoded, NUL-terminated */
	size_t value_len;   /* bytes; a value never contains NUL (refused) */
} form_field;

typedef struct form {
	form_field f[FORM_MAX_FIELDS];
	size_t n;
	char *mem;          /* one allocation holding every decoded string */
	size_t mem_size;
} form;

/*
 * Parses an urlencoded body of len bytes ('+' is a space, %XX escapes).
 * Returns 0, or -1 when the body is larger than FORM_MAX_BYTES, has more
 * than FORM_MAX_FIELDS fields, a malformed % escape, a NUL (%00) anywhere, or
 * a name or value that is not valid UTF-8; on -1 *out is empty (no
 * form_free needed, though it is harmless).  An empty body is 0 fields.
 */
int form_parse(form *out, const char *body, size_t len);

/* The first value of name, or NULL. */
const char *form_get(const form *f, const char *name);

/* Wipes (forms carry passwords and codes) and frees. NULL-safe; idempotent. */
void form_free(form *f);

/*
 * Finds cookie name in a Cookie header value ("a=1; b=2"), copying its value
 * (quotes of a quoted value removed, no decoding) into out.  Returns 0, or -1
 * when absent, malformed or longer than out_size - 1.  When a name occurs
 * twice the first wins (RFC 6265 5.4 order: most specific path first).
 */
int cookie_get(const char *header, size_t len, const char *name, char *out, size_t out_size);

/*
 * Finds name in a query string (without the '?'), percent-decoding its value
 * into out.  Returns 0, or -1 when absent, malformed, containing NUL or too
 * long.
 */
int query_get(const char *query, size_t len, const char *name, char *out, size_t out_size);

/*
 * Picks "ja" or "en" from an Accept-Language header by q-value (RFC 9110
 * 12.5.4; "ja-JP" counts as ja, "en-US" as en, "*" as the default); ties
 * keep the header's order; header NULL or nothing usable gives "en".
 * Returns a static string.
 */
const char *accept_language_pick(const char *header, size_t len);

#endif
