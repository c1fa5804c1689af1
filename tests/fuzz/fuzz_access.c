/*
 * tests/fuzz/fuzz_access.c - the forward-auth parsers (lib/access.c): rule
 * keys, networks and redirect targets.  The input is split at the first two
 * newlines into a key, a value and a redirect target.  Checks invariants:
 * an accepted redirect is a local path or an http(s) URL into the domain;
 * an accepted network matches its own address.
 */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sekisho/sekisho.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static sk_access_rules rules;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char domains[1][256] = {"example.com"};
	char *s = malloc(size + 1), *key, *value, *rd, err[256];
	sk_cidr net;
	int idx;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	key = s;
	value = strchr(key, '\n');
	if (value != NULL)
		*value++ = '\0';
	else
		value = key;
	rd = strchr(value, '\n');
	if (rd != NULL)
		*rd++ = '\0';
	else
		rd = value;

	sk_access_rules_init(&rules);
	if (sk_access_rule_set(&rules, "f", key, value, err, sizeof(err)) == SK_OK) {
		sk_access_request req = {rd, rd, rd};
		sk_access_subject who = {1, "alice", SK_ROLE_USER, 1, 2};
		(void)sk_access_rules_check(&rules, err, sizeof(err));
		sk_access_result r = sk_access_decide(&rules, &req, &who, &idx);
		assert(r <= SK_ACCESS_FORBIDDEN && idx >= -1 && idx < 1);
	} else {
		assert(err[0] != '\0');
	}
	if (sk_redirect_allowed(rd, domains, 1)) {
		assert((rd[0] == '/' && rd[1] != '/') || strncasecmp(rd, "http", 4) == 0);
		assert(strchr(rd, '\n') == NULL && strchr(rd, '\\') == NULL && strchr(rd, ' ') == NULL);
		if (rd[0] != '/') {
			const char *host = strstr(rd, "://") + 3;
			size_t n = strcspn(host, "/?#");
			assert(memchr(host, '@', n) == NULL && memchr(host, '%', n) == NULL);
			assert(sk_host_in_domain(host, n, "example.com"));
		}
	}
	if (sk_cidr_parse(value, &net) == SK_OK && strchr(value, '/') == NULL)
		assert(sk_cidr_match(&net, value));
	free(s);
	return 0;
}
