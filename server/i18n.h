/*
 * server/i18n.h - the message catalog: every user-visible string of the
 * portal in Japanese and English (DESIGN 11).
 */
#ifndef SEKISHOD_I18N_H
#define SEKISHOD_I18N_H

/*
 * The text of key ("login.title", "error.auth", ...) in lang ("ja" or "en";
 * anything else is English).  A missing key returns the key itself, and a
 * unit test walks every key in both languages, so none is ever missing.
 */
const char *tr(const char *lang, const char *key);

/* Number of keys and the i-th key, for the test that walks them. */
unsigned tr_count(void);
const char *tr_key(unsigned i);

#endif
