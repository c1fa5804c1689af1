/*
 * tests/fuzz/fuzz_fwd.c - forward-auth's reading of the proxy's headers
 * (server/fwd.c: fwd_original_url) and the decision on what it gives.
 *
 * Input: up to four fields separated by NUL bytes - X-Original-URL (empty
 * field = absent), X-Forwarded-Proto, -Host and -Uri - each passed as a heap
 * block of exactly its length, so ASan sees any read past it.
 * Invariants: a URL is produced only from clean header bytes, is
 * NUL-terminated within the buffer, and has no control characters or
 * spaces; the redirect flag says which style was used.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { \
	if (!(x)) { \
		fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #x); \
		abort(); \
	} \
} while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *field[4] = {NULL, NULL, NULL, NULL};
	size_t len[4] = {0, 0, 0, 0};
	char *copy[4] = {NULL, NULL, NULL, NULL};
	char url[FWD_URL_MAX];
	size_t start = 0, n = 0;
	int redirect = -1;

	for (size_t i = 0; i <= size && n < 4; i++)
		if (i == size || data[i] == 0) {
			field[n] = data + start;
			len[n++] = i - start;
			start = i + 1;
		}
	for (size_t i = 0; i < n; i++)
		if (len[i] > 0 && (copy[i] = malloc(len[i])) != NULL)
			memcpy(copy[i], field[i], len[i]);
	memset(url, 'Z', sizeof(url));
	if (fwd_original_url(copy[0], len[0], copy[1], len[1], copy[2], len[2], copy[3], len[3], url,
			     sizeof(url), &redirect) == 0) {
		size_t ul = strnlen(url, sizeof(url));
		CHECK(ul < sizeof(url));
		CHECK(redirect == (copy[0] == NULL));
		for (size_t i = 0; i < ul; i++)
			CHECK((unsigned char)url[i] > 0x20 && url[i] != 0x7f);
		CHECK(copy[0] != NULL || strstr(url, "://") != NULL);
	}
	for (size_t i = 0; i < 4; i++)
		free(copy[i]);
	return 0;
}
