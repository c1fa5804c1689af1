/*
 * watch/curl_load.h - libcurl, loaded (dlopen) the first time a webhook
 * needs it.
 *
 * Linked in, libcurl brought 31 more shared libraries (TLS twice, Kerberos,
 * LDAP, SSH, RTMP...) into every sekisho-watch process: 6 MB more resident
 * and 4x the start-up time, for a sink most runs do not use, in the process
 * that parses what attackers write.  Loaded on demand, only a run with a
 * webhook pays for it.  The headers still come from libcurl4-openssl-dev.
 */
#ifndef SEKISHO_WATCH_CURL_LOAD_H
#define SEKISHO_WATCH_CURL_LOAD_H

#include <stddef.h>

#define CURL_DISABLE_TYPECHECK /* calls go through the pointers below */
#include <curl/curl.h>

typedef struct wk_curl {
	CURLcode (*global_init)(long flags);
	void (*global_cleanup)(void);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *h);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	void (*easy_cleanup)(CURL *h);
	const char *(*easy_strerror)(CURLcode code);
	struct curl_slist *(*slist_append)(struct curl_slist *list, const char *s);
	void (*slist_free_all)(struct curl_slist *list);
	void (*free)(void *p);
	CURLU *(*url)(void);
	CURLUcode (*url_set)(CURLU *u, CURLUPart part, const char *s, unsigned int flags);
	CURLUcode (*url_get)(const CURLU *u, CURLUPart part, char **s, unsigned int flags);
	void (*url_cleanup)(CURLU *u);
} wk_curl;

/*
 * libcurl's functions (loaded once, thread-safe); NULL when libcurl.so.4
 * cannot be loaded, with the reason and what to install in err.
 */
const wk_curl *wk_curl_get(char *err, size_t err_size);

#endif
