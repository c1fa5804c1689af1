/*
 * server/parse.c - form bodies, Cookie headers, query strings and
 * Accept-Language.
 *
 * Every input arrives from h2o as pointer + length and is NOT NUL-terminated:
 * nothing here calls a str* function on it or reads at or past len.  Each
 * parser walks its input once, left to right, with no backtracking, so the
 * cost is linear in len whatever the bytes are.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "parse.h"

/*
 * Incremental UTF-8 validator (RFC 3629 section 4, the Unicode "well-formed
 * byte sequences" table): refuses overlongs, surrogates (U+D800..DFFF), code
 * points above U+10FFFF, stray continuation bytes and truncated sequences.
 * need is the number of continuation bytes still expected; the next one must
 * lie in [lo, hi].
 */
typedef struct utf8_state {
	unsigned need;
	unsigned char lo, hi;
} utf8_state;

/* Returns 0 when byte c may follow what was fed so far, -1 otherwise. */
static int
utf8_feed(utf8_state *u, unsigned char c)
{
	if (u->need > 0) {
		if (c < u->lo || c > u->hi)
			return -1;
		u->need--;
		u->lo = 0x80;
		u->hi = 0xbf;
		return 0;
	}
	u->lo = 0x80;
	u->hi = 0xbf;
	if (c < 0x80)
		return 0;
	if (c >= 0xc2 && c <= 0xdf) {
		u->need = 1;
	} else if (c == 0xe0) {
		u->need = 2;
		u->lo = 0xa0;           /* below is overlong */
	} else if (c == 0xed) {
		u->need = 2;
		u->hi = 0x9f;           /* above is a surrogate */
	} else if (c >= 0xe1 && c <= 0xef) {
		u->need = 2;
	} else if (c == 0xf0) {
		u->need = 3;
		u->lo = 0x90;           /* below is overlong */
	} else if (c >= 0xf1 && c <= 0xf3) {
		u->need = 3;
	} else if (c == 0xf4) {
		u->need = 3;
		u->hi = 0x8f;           /* above is > U+10FFFF */
	} else {
		return -1;              /* 80..C1 (continuation, overlong lead), F5..FF */
	}
	return 0;
}

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decodes the next byte of an urlencoded name or value starting at s[*i]:
 * '+' is a space, %XX an escape.  Stops (returns 0, *i unchanged) at the end,
 * at '&', or at '=' when eq_stops.  Returns 1 with the byte in *c and *i
 * advanced, or -1 for a malformed escape or a NUL (raw or %00).
 */
static int
urldec_next(const char *s, size_t len, size_t *i, int eq_stops, unsigned char *c)
{
	size_t j = *i;
	unsigned char b;
	int hi, lo;

	if (j >= len)
		return 0;
	b = (unsigned char)s[j];
	if (b == '&' || (eq_stops && b == '='))
		return 0;
	if (b == '+') {
		b = ' ';
		j++;
	} else if (b == '%') {
		if (len - j < 3)
			return -1;
		hi = hexval((unsigned char)s[j + 1]);
		lo = hexval((unsigned char)s[j + 2]);
		if (hi < 0 || lo < 0)
			return -1;
		b = (unsigned char)(hi << 4 | lo);
		j += 3;
	} else {
		j++;
	}
	if (b == '\0')
		return -1;
	*c = b;
	*i = j;
	return 1;
}

/*
 * Decodes one name (eq_stops) or value from s[*i] into dst, which has room
 * for cap bytes including the terminating NUL; *dlen gets the decoded length.
 * Returns 0 with *i at the delimiter (or len), or -1 when malformed, not
 * UTF-8, or too long for dst.
 */
static int
urldec_span(const char *s, size_t len, size_t *i, int eq_stops, char *dst,
	    size_t cap, size_t *dlen)
{
	utf8_state u = { 0, 0x80, 0xbf };
	size_t w = 0;
	unsigned char c;
	int r;

	if (cap == 0)
		return -1;
	while ((r = urldec_next(s, len, i, eq_stops, &c)) == 1) {
		if (utf8_feed(&u, c) != 0 || w + 1 >= cap)
			return -1;
		dst[w++] = (char)c;
	}
	if (r < 0 || u.need != 0)
		return -1;
	dst[w] = '\0';
	*dlen = w;
	return 0;
}

/* Advances *i to the next '&' (or len) without looking at the bytes between. */
static void
skip_pair(const char *s, size_t len, size_t *i)
{
	const char *amp = memchr(s + *i, '&', len - *i);

	*i = amp != NULL ? (size_t)(amp - s) : len;
}

int
form_parse(form *out, const char *body, size_t len)
{
	size_t i = 0, w = 0, nsep = 0, dlen;
	const char *p, *end;

	memset(out, 0, sizeof(*out));
	if (len > FORM_MAX_BYTES || (body == NULL && len > 0))
		return -1;
	if (len == 0)
		return 0;

	/*
	 * Room: every decoded string is no longer than its raw bytes, and each
	 * field needs two NULs where its raw text has an '=' and (unless last)
	 * an '&'; a field without '=' or the last one can be short of a byte
	 * or two.  So fields + 1 spare bytes suffice, and fields <= '&' + 1.
	 */
	for (p = body, end = body + len; (p = memchr(p, '&', (size_t)(end - p))) != NULL; p++)
		nsep++;
	out->mem_size = len + 2 + (nsep < FORM_MAX_FIELDS ? nsep : FORM_MAX_FIELDS);
	if ((out->mem = malloc(out->mem_size)) == NULL) {
		out->mem_size = 0;
		return -1;
	}

	while (i < len) {
		form_field *f;

		if (body[i] == '&') {           /* empty pair ("a=1&&b=2", leading '&') */
			i++;
			continue;
		}
		if (out->n == FORM_MAX_FIELDS)
			goto fail;
		f = &out->f[out->n];
		f->name = out->mem + w;
		if (urldec_span(body, len, &i, 1, out->mem + w, out->mem_size - w, &dlen) != 0)
			goto fail;
		w += dlen + 1;
		f->value = out->mem + w;
		if (i < len && body[i] == '=') {
			i++;
			if (urldec_span(body, len, &i, 0, out->mem + w, out->mem_size - w, &dlen) != 0)
				goto fail;
		} else {                        /* "a" alone: a name with an empty value */
			if (w >= out->mem_size)
				goto fail;
			out->mem[w] = '\0';
			dlen = 0;
		}
		w += dlen + 1;
		f->value_len = dlen;
		out->n++;
	}
	return 0;

fail:
	form_free(out);
	return -1;
}

const char *
form_get(const form *f, const char *name)
{
	if (f == NULL || name == NULL)
		return NULL;
	for (size_t k = 0; k < f->n && k < FORM_MAX_FIELDS; k++)
		if (strcmp(f->f[k].name, name) == 0)
			return f->f[k].value;
	return NULL;
}

void
form_free(form *f)
{
	if (f == NULL)
		return;
	if (f->mem != NULL) {
		sodium_memzero(f->mem, f->mem_size);
		free(f->mem);
	}
	sodium_memzero(f, sizeof(*f));
}

static int
is_ows(unsigned char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 6265 section 4.1.1 cookie-octet: US-ASCII less CTLs, whitespace, DQUOTE, ',', ';', '\'. */
static int
is_cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) ||
	       (c >= 0x3c && c <= 0x5b) || (c >= 0x5d && c <= 0x7e);
}

int
cookie_get(const char *header, size_t len, const char *name, char *out, size_t out_size)
{
	size_t nlen, i = 0;

	if (out == NULL || out_size == 0)
		return -1;
	out[0] = '\0';
	if (header == NULL || name == NULL || (nlen = strlen(name)) == 0)
		return -1;

	while (i < len) {
		size_t ps, pe, ns, ne, vs, ve;
		const char *semi = memchr(header + i, ';', len - i);
		const char *eq;

		/* The pair is header[ps, pe) with surrounding whitespace trimmed. */
		ps = i;
		pe = semi != NULL ? (size_t)(semi - header) : len;
		i = semi != NULL ? pe + 1 : len;
		while (ps < pe && is_ows((unsigned char)header[ps]))
			ps++;
		while (pe > ps && is_ows((unsigned char)header[pe - 1]))
			pe--;
		if ((eq = memchr(header + ps, '=', pe - ps)) == NULL)
			continue;               /* not a cookie-pair */
		ns = ps;
		ne = (size_t)(eq - header);
		vs = ne + 1;
		ve = pe;
		while (ne > ns && is_ows((unsigned char)header[ne - 1]))
			ne--;
		if (ne - ns != nlen || memcmp(header + ns, name, nlen) != 0)
			continue;

		/* First match: this one decides (RFC 6265 section 5.4 order). */
		while (vs < ve && is_ows((unsigned char)header[vs]))
			vs++;
		if (vs < ve && header[vs] == '"') {
			if (ve - vs < 2 || header[ve - 1] != '"')
				return -1;
			vs++;
			ve--;
		}
		if (ve - vs >= out_size)
			return -1;
		for (size_t k = vs; k < ve; k++)
			if (!is_cookie_octet((unsigned char)header[k]))
				return -1;
		memcpy(out, header + vs, ve - vs);
		out[ve - vs] = '\0';
		return 0;
	}
	return -1;
}

int
query_get(const char *query, size_t len, const char *name, char *out, size_t out_size)
{
	size_t i = 0, dlen;

	if (out == NULL || out_size == 0)
		return -1;
	out[0] = '\0';
	if (query == NULL || name == NULL || name[0] == '\0')
		return -1;

	while (i < len) {
		const unsigned char *want = (const unsigned char *)name;
		unsigned char c;
		int r;

		if (query[i] == '&') {
			i++;
			continue;
		}
		/* Compare the decoded name with name as it is decoded. */
		while ((r = urldec_next(query, len, &i, 1, &c)) == 1 && *want != '\0' && c == *want)
			want++;
		if (r != 0 || *want != '\0') {
			skip_pair(query, len, &i);  /* another name, or a malformed one */
			continue;
		}
		if (i < len && query[i] == '=') {
			i++;
			if (urldec_span(query, len, &i, 0, out, out_size, &dlen) != 0) {
				out[0] = '\0';
				return -1;
			}
		}
		return 0;                       /* "name" alone: an empty value */
	}
	return -1;
}

static int
is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/*
 * RFC 9110 12.4.2 qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ),
 * from s[*i] up to e; returns the weight in thousandths, or -1.
 */
static int
parse_qvalue(const char *s, size_t e, size_t *i)
{
	size_t j = *i;
	int q, scale = 100, digits = 0;
	unsigned char c;

	if (j >= e || (s[j] != '0' && s[j] != '1'))
		return -1;
	q = s[j] == '1' ? 1000 : 0;
	j++;
	if (j < e && s[j] == '.') {
		j++;
		while (j < e && is_digit((unsigned char)s[j])) {
			c = (unsigned char)s[j];
			if (++digits > 3 || (q == 1000 && c != '0'))
				return -1;
			q += (c - '0') * scale;
			scale /= 10;
			j++;
		}
	}
	*i = j;
	return q;
}

/*
 * One list member s[b, e) of Accept-Language: OWS language-range OWS
 * [ ";" OWS "q=" qvalue OWS ].  Returns the weight (0..1000) and sets *lang
 * to "ja", "en" (also for "*") or NULL for any other language; -1 when the
 * member is malformed or empty, so the caller skips it.
 */
static int
parse_lang(const char *s, size_t b, size_t e, const char **lang)
{
	size_t i = b, start, n;
	int q = 1000;

	while (i < e && is_ows((unsigned char)s[i]))
		i++;
	if (i == e)
		return -1;
	if (s[i] == '*') {
		*lang = "en";
		i++;
	} else {
		/* language-range = 1*8ALPHA *( "-" 1*8alphanum ) (RFC 4647 2.1) */
		start = i;
		while (i < e && is_alpha((unsigned char)s[i]) && i - start < 8)
			i++;
		n = i - start;
		if (n == 0)
			return -1;
		*lang = NULL;
		if (n == 2) {
			char a = (char)(s[start] | 0x20), z = (char)(s[start + 1] | 0x20);

			if (a == 'j' && z == 'a')
				*lang = "ja";
			else if (a == 'e' && z == 'n')
				*lang = "en";
		}
		while (i < e && s[i] == '-') {
			start = ++i;
			while (i < e && (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i])) &&
			       i - start < 8)
				i++;
			if (i == start)
				return -1;
		}
	}
	while (i < e && is_ows((unsigned char)s[i]))
		i++;
	if (i < e && s[i] == ';') {
		i++;
		while (i < e && is_ows((unsigned char)s[i]))
			i++;
		if (e - i < 2 || (s[i] != 'q' && s[i] != 'Q') || s[i + 1] != '=')
			return -1;
		i += 2;
		if ((q = parse_qvalue(s, e, &i)) < 0)
			return -1;
		while (i < e && is_ows((unsigned char)s[i]))
			i++;
	}
	return i == e ? q : -1;
}

const char *
accept_language_pick(const char *header, size_t len)
{
	const char *best = "en", *lang = NULL;
	int best_q = 0, q;
	size_t b = 0, e;

	if (header == NULL)
		return best;
	while (b < len) {
		const char *comma = memchr(header + b, ',', len - b);

		e = comma != NULL ? (size_t)(comma - header) : len;
		q = parse_lang(header, b, e, &lang);
		/* Strictly greater: on a tie the earlier member wins; q=0 never does. */
		if (q > best_q && lang != NULL) {
			best_q = q;
			best = lang;
		}
		b = e + 1;
	}
	return best;
}
