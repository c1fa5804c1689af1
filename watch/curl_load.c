/* watch/curl_load.c - libcurl loaded on first use (see curl_load.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "curl_load.h"

static wk_curl curl;
static int loaded; /* 1 loaded, -1 failed */
static char why[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
load(void)
{
	/* RTLD_LOCAL: its symbols stay out of the way of everything else. */
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	struct {
		const char *name;
		void **slot;
	} fn[] = {
#define FN(f) {"curl_" #f, (void **)&curl.f}
		FN(global_init),    FN(global_cleanup), FN(easy_init),      FN(easy_setopt),
		FN(easy_perform),   FN(easy_getinfo),   FN(easy_cleanup),   FN(easy_strerror),
		FN(slist_append),   FN(slist_free_all), FN(free),           FN(url),
		FN(url_set),        FN(url_get),        FN(url_cleanup),
#undef FN
	};

	loaded = -1;
	if (h == NULL) {
		snprintf(why, sizeof(why),
			 "the webhook needs libcurl (Debian package libcurl4): %s", dlerror());
		return;
	}
	for (size_t i = 0; i < sizeof(fn) / sizeof(fn[0]); i++) {
		/* POSIX: a function pointer travels through void * (dlsym's contract). */
		*fn[i].slot = dlsym(h, fn[i].name);
		if (*fn[i].slot == NULL) {
			snprintf(why, sizeof(why), "libcurl.so.4 has no %s: too old (7.62 or later)",
				 fn[i].name);
			return; /* left loaded: dlclose of a library in use is no gain */
		}
	}
	loaded = 1;
}

const wk_curl *
wk_curl_get(char *err, size_t err_size)
{
	pthread_once(&once, load);
	if (loaded == 1)
		return &curl;
	if (err != NULL && err_size > 0)
		snprintf(err, err_size, "%s", why);
	return NULL;
}
