/*
 * server/layout.h - the page layout of pages.c, for renderers in other files
 * (admin_pages.c): the header and footer every page shares, catalog text,
 * forms with their CSRF field, times, tables.  Internal to sekishod.
 *
 * The rules of pages.c hold for every caller: text from outside goes through
 * buf_html() (these helpers do it for their arguments unless said otherwise);
 * no inline script or style; every POST form opens with layout_form_open so
 * that it carries the CSRF token.
 */
#ifndef SEKISHOD_LAYOUT_H
#define SEKISHOD_LAYOUT_H

#include <stdint.h>

#include "buf.h"
#include "pages.h"

/* "ja" or "en": the page's language, for tr(). */
const char *layout_lang(const page_base *pb);

/*
 * The document up to and including <h1>title</h1> and the error and notice
 * boxes of pb; main_class (may be NULL) is the class of <main>, "wide" for
 * tables.  title is escaped.
 */
void layout_begin(sk_buf *b, const page_base *pb, const char *title, const char *main_class);

/* Closes <main>, the footer and the document. */
void layout_end(sk_buf *b, const page_base *pb);

/* The catalog text of key, escaped. */
void layout_t(sk_buf *b, const page_base *pb, const char *key);

/*
 * The catalog text of key with its "{n}" replaced by html, which the caller
 * has made safe (a number, or markup of its own around an escaped value).
 */
void layout_tn(sk_buf *b, const page_base *pb, const char *key, const char *html);

/* " name=\"value\"" with value escaped; nothing when value is NULL. */
void layout_attr(sk_buf *b, const char *name, const char *value);

/* <form method="post" action="ACTION" class="CLS"> and the hidden CSRF field. */
void layout_form_open(sk_buf *b, const page_base *pb, const char *action, const char *cls);

/* ts as <time>YYYY-MM-DD HH:MM UTC</time>; ts <= 0: the text of never_key. */
void layout_time(sk_buf *b, const page_base *pb, int64_t ts, const char *never_key);

/* The text of prefix+name ("role." "admin"); name itself, escaped, when unknown. */
void layout_named(sk_buf *b, const page_base *pb, const char *prefix, const char *name);

/* <p class="CLS">text of key</p> (cls may be NULL). */
void layout_para(sk_buf *b, const page_base *pb, const char *cls, const char *key);

/* <label for="ID">text of key</label>; id is one of ours, not escaped. */
void layout_label(sk_buf *b, const page_base *pb, const char *id, const char *key);

/* <th scope="col">text of key</th> */
void layout_th(sk_buf *b, const page_base *pb, const char *key);

/* <td class="CLS" data-label="text of key"> (the label shows on narrow screens). */
void layout_td(sk_buf *b, const page_base *pb, const char *key, const char *cls);

/* <section aria-labelledby="ID-title"><h2 id="ID-title">text of key</h2>; id is ours. */
void layout_section_open(sk_buf *b, const page_base *pb, const char *id, const char *key);

#endif
