/* server/buf.c - growing buffer with HTML and URL escaping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"

void
buf_init(sk_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
buf_free(sk_buf *b)
{
	if (b == NULL)
		return;
	if (b->data != NULL) {
		sodium_memzero(b->data, b->cap); /* pages may hold codes or keys */
		free(b->data);
	}
	memset(b, 0, sizeof(*b));
}

static int
reserve(sk_buf *b, size_t n)
{
	size_t cap;
	char *d;

	if (b->oom)
		return -1;
	if (b->len + n + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 1024;
	while (cap < b->len + n + 1) {
		if (cap > ((size_t)1 << 28)) {
			b->oom = 1;
			return -1;
		}
		cap *= 2;
	}
	/* Not realloc: the old block may hold secrets and must be wiped. */
	if ((d = malloc(cap)) == NULL) {
		b->oom = 1;
		return -1;
	}
	if (b->data != NULL) {
		memcpy(d, b->data, b->len + 1);
		sodium_memzero(b->data, b->cap);
		free(b->data);
	}
	b->data = d;
	b->cap = cap;
	return 0;
}

void
buf_addn(sk_buf *b, const char *s, size_t n)
{
	if (reserve(b, n) != 0)
		return;
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_add(sk_buf *b, const char *s)
{
	buf_addn(b, s, strlen(s));
}

void
buf_printf(sk_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(b, (size_t)n) != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_html(sk_buf *b, const char *s)
{
	const char *run = s;

	for (; *s; s++) {
		const char *rep = NULL;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		buf_addn(b, run, (size_t)(s - run));
		buf_add(b, rep);
		run = s + 1;
	}
	buf_addn(b, run, (size_t)(s - run));
}

void
buf_url(sk_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			buf_addn(b, (const char *)&c, 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_addn(b, e, 3);
		}
	}
}

char *
buf_take(sk_buf *b, size_t *len)
{
	char *d = b->oom ? NULL : b->data;

	if (len != NULL)
		*len = d ? b->len : 0;
	if (d == NULL)
		buf_free(b);
	else
		memset(b, 0, sizeof(*b));
	return d;
}
