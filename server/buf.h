/*
 * server/buf.h - a growing byte buffer for building responses, with HTML
 * escaping.  Allocation failure is sticky: the buffer remembers it (oom) and
 * further appends do nothing, so callers check once at the end.
 */
#ifndef SEKISHOD_BUF_H
#define SEKISHOD_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct sk_buf {
	char *data;  /* NUL-terminated while !oom */
	size_t len, cap;
	int oom;
} sk_buf;

void buf_init(sk_buf *b);
void buf_free(sk_buf *b);                     /* wipes then frees; NULL-safe */
void buf_add(sk_buf *b, const char *s);
void buf_addn(sk_buf *b, const char *s, size_t n);
void buf_printf(sk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s escaped for HTML text and double-quoted attribute values. */
void buf_html(sk_buf *b, const char *s);
/* Appends s percent-encoded for a URL query value. */
void buf_url(sk_buf *b, const char *s);
/* Takes the data out (caller frees with free()); the buffer is reset. NULL after oom. */
char *buf_take(sk_buf *b, size_t *len);

#endif
