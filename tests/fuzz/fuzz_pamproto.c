/*
 * tests/fuzz/fuzz_pamproto.c - libFuzzer target for pamproto_parse
 * (server/pamsock.c), the request line pam_sekisho.so sends to sekishod.
 *
 * The input is copied into a heap block of exactly its size (no NUL after
 * it, as read from the socket) so ASan reports any read past len.
 * Invariants, not just the absence of crashes:
 * - a refused line leaves the request all zero (no half-parsed secret);
 * - an accepted one has a user of 1-256 bytes without control characters,
 *   service/rhost/tty of printable ASCII within their bounds, a secret only
 *   for verify (<= 64 bytes) and password (<= 1024), secret_len == strlen,
 *   nullok only with query;
 * - building the same request again with jansson and parsing it gives the
 *   same request (the parser reads what a writer means);
 * - pamproto_split of the secret leaves a code of 0, `digits` or 19 bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pamsock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(x) do { \
	if (!(x)) { \
		fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #x); \
		abort(); \
	} \
} while (0)

static int
all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i] != 0)
			return 0;
	return 1;
}

static int
printable(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

static const char *
op_name(pamproto_op op)
{
	switch (op) {
	case PAMPROTO_QUERY: return "query";
	case PAMPROTO_VERIFY: return "verify";
	case PAMPROTO_PASSWORD: return "password";
	case PAMPROTO_SESSION_OPEN: return "session_open";
	case PAMPROTO_SESSION_CLOSE: return "session_close";
	}
	return "?";
}

static void
round_trip(const pamproto_request *rq, int had_nullok)
{
	json_t *o = json_object();
	pamproto_request again;
	char *text;

	CHECK(o != NULL);
	json_object_set_new(o, "v", json_integer(1));
	json_object_set_new(o, "op", json_string(op_name(rq->op)));
	json_object_set_new(o, "user", json_string(rq->user));
	json_object_set_new(o, "service", json_string(rq->service));
	json_object_set_new(o, "rhost", json_string(rq->rhost));
	json_object_set_new(o, "tty", json_string(rq->tty));
	if (had_nullok)
		json_object_set_new(o, "nullok", json_boolean(rq->nullok));
	if (rq->op == PAMPROTO_VERIFY || rq->op == PAMPROTO_PASSWORD)
		json_object_set_new(o, "secret", json_stringn(rq->secret, rq->secret_len));
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	CHECK(text != NULL);
	if (strlen(text) <= PAMPROTO_LINE_MAX) {
		CHECK(pamproto_parse(text, strlen(text), &again) == 0);
		CHECK(again.op == rq->op && again.nullok == rq->nullok);
		CHECK(strcmp(again.user, rq->user) == 0 && strcmp(again.service, rq->service) == 0);
		CHECK(strcmp(again.rhost, rq->rhost) == 0 && strcmp(again.tty, rq->tty) == 0);
		CHECK(again.secret_len == rq->secret_len &&
		      memcmp(again.secret, rq->secret, rq->secret_len) == 0);
		pamproto_request_clear(&again);
	}
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pamproto_request rq;
	char *line = malloc(size > 0 ? size : 1);
	size_t pw_len;
	int r;

	if (line == NULL)
		return 0;
	if (size > 0)
		memcpy(line, data, size);
	memset(&rq, 0xa5, sizeof(rq));
	r = pamproto_parse(line, size, &rq);
	free(line);
	if (r != 0) {
		CHECK(r == -1);
		CHECK(all_zero(&rq, sizeof(rq)));
		return 0;
	}
	CHECK(size <= PAMPROTO_LINE_MAX);
	CHECK(rq.op >= PAMPROTO_QUERY && rq.op <= PAMPROTO_SESSION_CLOSE);
	CHECK(rq.nullok == 0 || rq.nullok == 1);
	CHECK(rq.nullok == 0 || rq.op == PAMPROTO_QUERY);
	CHECK(strlen(rq.user) >= 1 && strlen(rq.user) <= PAMPROTO_USER_MAX);
	for (const char *p = rq.user; *p; p++)
		CHECK((unsigned char)*p >= 0x20 && *p != 0x7f);
	CHECK(printable(rq.service, PAMPROTO_ITEM_MAX));
	CHECK(printable(rq.tty, PAMPROTO_ITEM_MAX));
	CHECK(printable(rq.rhost, PAMPROTO_RHOST_MAX));
	CHECK(strlen(rq.secret) == rq.secret_len);
	if (rq.op == PAMPROTO_VERIFY)
		CHECK(rq.secret_len <= PAMPROTO_CODE_MAX);
	else if (rq.op == PAMPROTO_PASSWORD)
		CHECK(rq.secret_len <= PAMPROTO_SECRET_MAX);
	else
		CHECK(rq.secret_len == 0);
	for (unsigned digits = 6; digits <= 8; digits++) {
		pamproto_split(rq.secret, rq.secret_len, digits, &pw_len);
		CHECK(pw_len <= rq.secret_len);
		size_t code = rq.secret_len - pw_len;
		CHECK(code == 0 || code == digits || code == SK_RECOVERY_CODE_LEN);
	}
	/* nullok: present-and-false is indistinguishable; write it when query. */
	round_trip(&rq, rq.op == PAMPROTO_QUERY);
	pamproto_request_clear(&rq);
	return 0;
}
