/*
 * tests/unit/test_apitoken.c - API tokens (lib/apitoken.c) and the JSON API
 * that accepts them (server/api.c, called directly with a built request).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "testutil.h"

#include "portal.h"
#include "sekisho/apitoken.h"

#define PW "Kawa-no-Nagare-77q"
#define ADDR "203.0.113.9"
#define DAY 86400

static sk_actor
as(const char *name)
{
	sk_actor a = {name, ADDR, 0};
	return a;
}

/* An environment with an administrator "boss", an auditor "aud" and a user "svc". */
static test_env *
env3(void)
{
	sk_config cfg;
	test_env *t;

	test_config(&cfg);
	cfg.mfa_required = SK_MFA_OPTIONAL; /* sessions sign in with a password alone */
	t = test_env_new(&cfg);
	test_add_user(t, "boss", SK_ROLE_ADMIN, PW);
	test_add_user(t, "aud", SK_ROLE_AUDITOR, PW);
	test_add_user(t, "svc", SK_ROLE_USER, PW);
	return t;
}

static int64_t
make_token(test_env *t, const char *owner, const char *name, sk_scope scope,
	   char tok[SK_APITOKEN_LEN + 1])
{
	sk_actor a = test_local_actor();
	int64_t id = 0;

	assert_int_equal(
		sk_apitoken_create(t->ctx, &a, owner, name, scope, t->now + 30 * DAY, tok, &id),
		SK_OK);
	assert_true(id > 0);
	return id;
}

static int
count_cb(void *arg, const sk_apitoken *tk)
{
	(void)tk;
	(*(int *)arg)++;
	return 0;
}

/* ---- the library -------------------------------------------------------- */

static void
test_create_verify(void **state)
{
	test_env *t = env3();
	char tok[SK_APITOKEN_LEN + 1];
	sk_apitoken got;
	sk_user owner;
	uint8_t zero[SK_PWHASH_MAX] = {0};
	int64_t id;
	int n = 0;

	(void)state;
	id = make_token(t, "BOSS", "ci-deploy", SK_SCOPE_ADMIN, tok);
	assert_int_equal(strlen(tok), SK_APITOKEN_LEN);
	assert_memory_equal(tok, "skt_", 4);
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, &got, &owner), SK_OK);
	assert_int_equal(got.id, id);
	assert_string_equal(got.name, "ci-deploy");
	assert_int_equal(got.scope, SK_SCOPE_ADMIN);
	assert_int_equal(got.expires_at, t->now + 30 * DAY);
	assert_int_equal(got.created_at, t->now);
	assert_string_equal(got.created_by, "local:test");
	assert_int_equal(got.revoked_at, 0);
	assert_string_equal(owner.name, "boss");
	assert_memory_equal(owner.pwhash, zero, sizeof(zero));
	assert_true(sk_apitoken_can_write(t->ctx, &got, &owner));
	/* NULL outputs are allowed. */
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, NULL, NULL), SK_OK);
	/* Two tokens never collide; the list shows both. */
	char tok2[SK_APITOKEN_LEN + 1];
	make_token(t, "boss", "backup", SK_SCOPE_READ, tok2);
	assert_string_not_equal(tok, tok2);
	assert_int_equal(sk_apitoken_list(t->ctx, "boss", count_cb, &n), SK_OK);
	assert_int_equal(n, 2);
	sodium_memzero(tok, sizeof(tok));
	test_env_free(t);
}

static void
test_last_used(void **state)
{
	test_env *t = env3();
	char tok[SK_APITOKEN_LEN + 1];
	sk_apitoken got;
	int64_t first;

	(void)state;
	make_token(t, "svc", "monitor", SK_SCOPE_READ, tok);
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, &got, NULL), SK_OK);
	assert_int_equal(got.last_used_at, t->now);
	first = t->now;
	/* At most one write a minute. */
	t->now += 59;
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, &got, NULL), SK_OK);
	assert_int_equal(got.last_used_at, first);
	t->now += 1;
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, &got, NULL), SK_OK);
	assert_int_equal(got.last_used_at, first + 60);
	test_env_free(t);
}

static void
test_expiry(void **state)
{
	test_env *t = env3();
	sk_actor a = test_local_actor();
	char tok[SK_APITOKEN_LEN + 1];
	int64_t id;

	(void)state;
	/* Required, in the future, at most a year. */
	assert_int_equal(sk_apitoken_create(t->ctx, &a, "svc", "x", SK_SCOPE_READ, 0, tok, &id),
			 SK_ERR_INVALID);
	assert_string_equal(tok, "");
	assert_int_equal(id, 0);
	assert_int_equal(
		sk_apitoken_create(t->ctx, &a, "svc", "x", SK_SCOPE_READ, t->now, tok, &id),
		SK_ERR_INVALID);
	assert_int_equal(sk_apitoken_create(t->ctx, &a, "svc", "x", SK_SCOPE_READ,
					    t->now + SK_APITOKEN_MAX_LIFETIME + 1, tok, &id),
			 SK_ERR_INVALID);
	assert_int_equal(sk_apitoken_create(t->ctx, &a, "svc", "x", SK_SCOPE_READ,
					    t->now + SK_APITOKEN_MAX_LIFETIME, tok, &id),
			 SK_OK);
	/* Valid until the last second before expires_at. */
	t->now += SK_APITOKEN_MAX_LIFETIME - 1;
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, NULL, NULL), SK_OK);
	t->now += 1;
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, NULL, NULL), SK_ERR_AUTH);
	/* ...and stays refused. */
	t->now += 1000;
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, NULL, NULL), SK_ERR_AUTH);
	test_env_free(t);
}

static void
test_revoke(void **state)
{
	test_env *t = env3();
	sk_actor boss = as("boss"), svc = as("svc"), aud = as("aud");
	char tok[SK_APITOKEN_LEN + 1], tok2[SK_APITOKEN_LEN + 1];
	sk_apitoken got;
	int64_t id, id2;

	(void)state;
	id = make_token(t, "svc", "monitor", SK_SCOPE_READ, tok);
	/* Name unique among live tokens of the owner. */
	assert_int_equal(sk_apitoken_create(t->ctx, &boss, "svc", "monitor", SK_SCOPE_READ,
					    t->now + DAY, tok2, &id2),
			 SK_ERR_EXISTS);
	assert_int_equal(sk_apitoken_create(t->ctx, &boss, "aud", "monitor", SK_SCOPE_READ,
					    t->now + DAY, tok2, &id2),
			 SK_OK); /* another owner may use the name */
	/* Another non-administrator may not revoke it; the owner and an administrator may. */
	assert_int_equal(sk_apitoken_revoke(t->ctx, &aud, id), SK_ERR_PERM);
	assert_int_equal(sk_apitoken_revoke(t->ctx, NULL, id), SK_ERR_PERM);
	assert_int_equal(sk_apitoken_revoke(t->ctx, &svc, id), SK_OK);
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, NULL, NULL), SK_ERR_AUTH);
	assert_int_equal(sk_apitoken_revoke(t->ctx, &boss, id), SK_ERR_STATE);
	assert_int_equal(sk_apitoken_revoke(t->ctx, &boss, 99999), SK_ERR_NOTFOUND);
	/* The revoked token is kept, with its time; its name is free again. */
	assert_int_equal(
		sk_ctx_store(t->ctx)->ops->apitoken_get_by_id(sk_ctx_store(t->ctx), id, &got),
		SK_OK);
	assert_int_equal(got.revoked_at, t->now);
	assert_int_equal(sk_apitoken_create(t->ctx, &boss, "svc", "monitor", SK_SCOPE_READ,
					    t->now + DAY, tok2, &id2),
			 SK_OK);
	assert_true(id2 > id);
	assert_int_equal(sk_apitoken_verify(t->ctx, tok2, NULL, NULL), SK_OK);
	assert_int_equal(sk_apitoken_revoke(t->ctx, &boss, id2), SK_OK);
	test_env_free(t);
}

static void
test_owner_state(void **state)
{
	test_env *t = env3();
	sk_actor a = test_local_actor();
	char tok[SK_APITOKEN_LEN + 1], tok2[SK_APITOKEN_LEN + 1];
	int64_t id;
	int n = 0;

	(void)state;
	make_token(t, "svc", "monitor", SK_SCOPE_READ, tok);
	assert_int_equal(sk_account_set_disabled(t->ctx, &a, "svc", 1), SK_OK);
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, NULL, NULL), SK_ERR_AUTH);
	/* No new token for a disabled or expired account. */
	assert_int_equal(sk_apitoken_create(t->ctx, &a, "svc", "other", SK_SCOPE_READ, t->now + DAY,
					    tok2, &id),
			 SK_ERR_DISABLED);
	assert_int_equal(sk_account_set_disabled(t->ctx, &a, "svc", 0), SK_OK);
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, NULL, NULL), SK_OK);
	assert_int_equal(sk_account_set_expiry(t->ctx, &a, "svc", t->now + 10), SK_OK);
	t->now += 10;
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, NULL, NULL), SK_ERR_AUTH);
	assert_int_equal(sk_apitoken_create(t->ctx, &a, "svc", "other", SK_SCOPE_READ, t->now + DAY,
					    tok2, &id),
			 SK_ERR_EXPIRED);
	assert_int_equal(sk_account_set_expiry(t->ctx, &a, "svc", 0), SK_OK);
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, NULL, NULL), SK_OK);
	/* Deleting the account deletes its tokens. */
	assert_int_equal(sk_account_delete(t->ctx, &a, "svc"), SK_OK);
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, NULL, NULL), SK_ERR_AUTH);
	assert_int_equal(sk_apitoken_list(t->ctx, NULL, count_cb, &n), SK_OK);
	assert_int_equal(n, 0);
	/* A new account of the same name does not inherit anything. */
	test_add_user(t, "svc", SK_ROLE_USER, PW);
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, NULL, NULL), SK_ERR_AUTH);
	test_env_free(t);
}

static void
test_malformed(void **state)
{
	test_env *t = env3();
	char tok[SK_APITOKEN_LEN + 1], bad[SK_APITOKEN_LEN + 8];
	uint8_t raw[32];

	(void)state;
	make_token(t, "svc", "monitor", SK_SCOPE_READ, tok);
	assert_int_equal(sk_apitoken_verify(t->ctx, NULL, NULL, NULL), SK_ERR_AUTH);
	assert_int_equal(sk_apitoken_verify(t->ctx, "", NULL, NULL), SK_ERR_AUTH);
	assert_int_equal(sk_apitoken_verify(t->ctx, "skt_", NULL, NULL), SK_ERR_AUTH);
	/* Without the prefix, or with another one. */
	assert_int_equal(sk_apitoken_verify(t->ctx, tok + 4, NULL, NULL), SK_ERR_AUTH);
	memcpy(bad, tok, sizeof(tok));
	bad[2] = 'x';
	assert_int_equal(sk_apitoken_verify(t->ctx, bad, NULL, NULL), SK_ERR_AUTH);
	/* One character short, one too many. */
	memcpy(bad, tok, sizeof(tok));
	bad[SK_APITOKEN_LEN - 1] = '\0';
	assert_int_equal(sk_apitoken_verify(t->ctx, bad, NULL, NULL), SK_ERR_AUTH);
	snprintf(bad, sizeof(bad), "%sA", tok);
	assert_int_equal(sk_apitoken_verify(t->ctx, bad, NULL, NULL), SK_ERR_AUTH);
	/* Not Base64url: standard alphabet, padding, a space. */
	memcpy(bad, tok, sizeof(tok));
	bad[10] = '+';
	assert_int_equal(sk_apitoken_verify(t->ctx, bad, NULL, NULL), SK_ERR_AUTH);
	bad[10] = '=';
	assert_int_equal(sk_apitoken_verify(t->ctx, bad, NULL, NULL), SK_ERR_AUTH);
	bad[10] = ' ';
	assert_int_equal(sk_apitoken_verify(t->ctx, bad, NULL, NULL), SK_ERR_AUTH);
	/* Well formed, unknown: one flipped character, a fresh random one. */
	memcpy(bad, tok, sizeof(tok));
	bad[20] = bad[20] == 'A' ? 'B' : 'A';
	assert_int_equal(sk_apitoken_verify(t->ctx, bad, NULL, NULL), SK_ERR_AUTH);
	randombytes_buf(raw, sizeof(raw));
	memcpy(bad, "skt_", 4);
	sodium_bin2base64(bad + 4, sizeof(bad) - 4, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	assert_int_equal(strlen(bad), SK_APITOKEN_LEN);
	assert_int_equal(sk_apitoken_verify(t->ctx, bad, NULL, NULL), SK_ERR_AUTH);
	/* The good one still works after all that. */
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, NULL, NULL), SK_OK);
	test_env_free(t);
}

static void
test_scope_rules(void **state)
{
	test_env *t = env3();
	sk_actor a = test_local_actor();
	char tok[SK_APITOKEN_LEN + 1];
	sk_apitoken got;
	sk_user owner;
	sk_scope sc;
	int64_t id;

	(void)state;
	assert_string_equal(sk_apitoken_scope_name(SK_SCOPE_READ), "read");
	assert_string_equal(sk_apitoken_scope_name(SK_SCOPE_ADMIN), "admin");
	assert_int_equal(sk_apitoken_scope_parse("admin", &sc), SK_OK);
	assert_int_equal(sc, SK_SCOPE_ADMIN);
	assert_int_equal(sk_apitoken_scope_parse("read", &sc), SK_OK);
	assert_int_equal(sc, SK_SCOPE_READ);
	assert_int_equal(sk_apitoken_scope_parse("write", &sc), SK_ERR_INVALID);
	assert_int_equal(sk_apitoken_scope_parse(NULL, &sc), SK_ERR_INVALID);
	/* Admin scope only for an owner whose effective role is admin. */
	assert_int_equal(
		sk_apitoken_create(t->ctx, &a, "svc", "w", SK_SCOPE_ADMIN, t->now + DAY, tok, &id),
		SK_ERR_PERM);
	assert_int_equal(
		sk_apitoken_create(t->ctx, &a, "aud", "w", SK_SCOPE_ADMIN, t->now + DAY, tok, &id),
		SK_ERR_PERM);
	assert_int_equal(
		sk_apitoken_create(t->ctx, &a, "svc", "w", (sk_scope)7, t->now + DAY, tok, &id),
		SK_ERR_INVALID);
	/* A time-limited grant counts while it lasts, and the token stops writing after. */
	assert_int_equal(sk_privilege_grant(t->ctx, &a, "svc", SK_ROLE_ADMIN, t->now + 3600),
			 SK_OK);
	id = make_token(t, "svc", "w", SK_SCOPE_ADMIN, tok);
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, &got, &owner), SK_OK);
	assert_true(sk_apitoken_can_write(t->ctx, &got, &owner));
	t->now += 3600;
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, &got, &owner), SK_OK);
	assert_false(sk_apitoken_can_write(t->ctx, &got, &owner));
	/* A read-scope token of an administrator never writes. */
	make_token(t, "boss", "r", SK_SCOPE_READ, tok);
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, &got, &owner), SK_OK);
	assert_false(sk_apitoken_can_write(t->ctx, &got, &owner));
	test_env_free(t);
}

static void
test_actor_and_names(void **state)
{
	test_env *t = env3();
	sk_actor boss = as("boss"), aud = as("aud"), svc = as("svc"), ghost = as("ghost");
	char tok[SK_APITOKEN_LEN + 1], name[SK_NAME_MAX + 2];
	int64_t id;

	(void)state;
	/* Only administrators create tokens. */
	assert_int_equal(sk_apitoken_create(t->ctx, &svc, "svc", "mine", SK_SCOPE_READ,
					    t->now + DAY, tok, &id),
			 SK_ERR_PERM);
	assert_int_equal(sk_apitoken_create(t->ctx, &aud, "aud", "mine", SK_SCOPE_READ,
					    t->now + DAY, tok, &id),
			 SK_ERR_PERM);
	assert_int_equal(sk_apitoken_create(t->ctx, &ghost, "svc", "mine", SK_SCOPE_READ,
					    t->now + DAY, tok, &id),
			 SK_ERR_PERM);
	assert_int_equal(sk_apitoken_create(t->ctx, NULL, "svc", "mine", SK_SCOPE_READ,
					    t->now + DAY, tok, &id),
			 SK_ERR_PERM);
	assert_int_equal(sk_apitoken_create(t->ctx, &boss, "nobody", "mine", SK_SCOPE_READ,
					    t->now + DAY, tok, &id),
			 SK_ERR_NOTFOUND);
	/* B1 names. */
	assert_int_equal(
		sk_apitoken_create(t->ctx, &boss, "svc", "", SK_SCOPE_READ, t->now + DAY, tok, &id),
		SK_ERR_NAME);
	assert_int_equal(sk_apitoken_create(t->ctx, &boss, "svc", "has space", SK_SCOPE_READ,
					    t->now + DAY, tok, &id),
			 SK_ERR_NAME);
	assert_int_equal(sk_apitoken_create(t->ctx, &boss, "svc", "semi;colon", SK_SCOPE_READ,
					    t->now + DAY, tok, &id),
			 SK_ERR_NAME);
	memset(name, 'a', SK_NAME_MAX + 1);
	name[SK_NAME_MAX + 1] = '\0';
	assert_int_equal(sk_apitoken_create(t->ctx, &boss, "svc", name, SK_SCOPE_READ, t->now + DAY,
					    tok, &id),
			 SK_ERR_NAME);
	name[SK_NAME_MAX] = '\0';
	assert_int_equal(sk_apitoken_create(t->ctx, &boss, "svc", name, SK_SCOPE_READ, t->now + DAY,
					    tok, &id),
			 SK_OK);
	assert_int_equal(sk_apitoken_create(t->ctx, &boss, "svc", "A+b=c,d.e@f_g-0", SK_SCOPE_READ,
					    t->now + DAY, tok, &id),
			 SK_OK);
	test_env_free(t);
}

struct list_names {
	char names[8][SK_NAME_MAX + 1];
	int n, stop_after;
};

static int
list_names_cb(void *arg, const sk_apitoken *tk)
{
	struct list_names *l = arg;

	snprintf(l->names[l->n++], sizeof(l->names[0]), "%s", tk->name);
	return l->n == l->stop_after ? 42 : 0;
}

static void
test_list(void **state)
{
	test_env *t = env3();
	char tok[SK_APITOKEN_LEN + 1];
	struct list_names l;

	(void)state;
	make_token(t, "svc", "one", SK_SCOPE_READ, tok);
	make_token(t, "boss", "two", SK_SCOPE_ADMIN, tok);
	make_token(t, "svc", "three", SK_SCOPE_READ, tok);
	memset(&l, 0, sizeof(l));
	assert_int_equal(sk_apitoken_list(t->ctx, "svc", list_names_cb, &l), SK_OK);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.names[0], "one");
	assert_string_equal(l.names[1], "three");
	memset(&l, 0, sizeof(l));
	assert_int_equal(sk_apitoken_list(t->ctx, NULL, list_names_cb, &l), SK_OK);
	assert_int_equal(l.n, 3);
	assert_string_equal(l.names[1], "two");
	memset(&l, 0, sizeof(l));
	l.stop_after = 1;
	assert_int_equal(sk_apitoken_list(t->ctx, NULL, list_names_cb, &l), 42);
	assert_int_equal(l.n, 1);
	assert_int_equal(sk_apitoken_list(t->ctx, "nobody", list_names_cb, &l), SK_ERR_NOTFOUND);
	memset(&l, 0, sizeof(l));
	assert_int_equal(sk_apitoken_list(t->ctx, "aud", list_names_cb, &l), SK_OK);
	assert_int_equal(l.n, 0);
	test_env_free(t);
}

struct audit_scan {
	const char *secret, *secret2;
	int creates, revokes, leaks;
	char detail[SK_DETAIL_MAX];
};

static int
audit_scan_cb(void *arg, const sk_audit_event *e)
{
	struct audit_scan *s = arg;
	char line[2048];

	assert_true(sk_audit_json(e, line, sizeof(line)) > 0);
	if (strstr(line, s->secret) != NULL || strstr(line, s->secret2) != NULL)
		s->leaks++;
	if (strcmp(e->action, "token.create") == 0) {
		s->creates++;
		assert_string_equal(e->actor, "boss");
		assert_string_equal(e->target, "svc");
		assert_string_equal(e->addr, ADDR);
		assert_string_equal(e->result, "ok");
		memcpy(s->detail, e->detail, sizeof(s->detail));
	}
	if (strcmp(e->action, "token.revoke") == 0) {
		s->revokes++;
		assert_string_equal(e->actor, "boss");
		assert_string_equal(e->target, "svc");
	}
	return 0;
}

static void
test_audit_has_no_token(void **state)
{
	test_env *t = env3();
	sk_actor boss = as("boss");
	char tok[SK_APITOKEN_LEN + 1];
	struct audit_scan s;
	int64_t id, count = 0, bad = 0;

	(void)state;
	assert_int_equal(sk_apitoken_create(t->ctx, &boss, "svc", "monitor", SK_SCOPE_READ,
					    t->now + DAY, tok, &id),
			 SK_OK);
	assert_int_equal(sk_apitoken_verify(t->ctx, tok, NULL, NULL), SK_OK);
	assert_int_equal(sk_apitoken_revoke(t->ctx, &boss, id), SK_OK);
	memset(&s, 0, sizeof(s));
	s.secret = tok;
	s.secret2 = tok + 4 + 8; /* any long piece of the Base64 part */
	assert_int_equal(sk_audit_list(t->ctx, 0, audit_scan_cb, &s), SK_OK);
	assert_int_equal(s.creates, 1);
	assert_int_equal(s.revokes, 1);
	assert_int_equal(s.leaks, 0);
	assert_non_null(strstr(s.detail, "'monitor'"));
	assert_non_null(strstr(s.detail, "scope=read"));
	assert_int_equal(sk_audit_verify(t->ctx, &count, &bad), SK_OK);
	test_env_free(t);
}

/* Whether needle (n bytes) occurs in the file at path. */
static int
file_contains(const char *path, const void *needle, size_t n)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t len = 0, cap = 0, got;
	int found = 0;

	if (f == NULL)
		return 0;
	for (;;) {
		if (len + 65536 > cap) {
			cap = (cap + 65536) * 2;
			data = realloc(data, cap);
			assert_non_null(data);
		}
		if ((got = fread(data + len, 1, cap - len, f)) == 0)
			break;
		len += got;
	}
	fclose(f);
	for (size_t i = 0; n > 0 && i + n <= len; i++)
		if (memcmp(data + i, needle, n) == 0) {
			found = 1;
			break;
		}
	free(data);
	return found;
}

static void
test_database_has_no_token(void **state)
{
	char dir[] = "/tmp/sekisho-test-apitoken.XXXXXX", db[128], wal[140];
	char tok[SK_APITOKEN_LEN + 1];
	uint8_t key[SK_KEY_LEN], raw[32], hash[SK_HASH_LEN];
	sk_actor a = test_local_actor();
	sk_store *store = NULL;
	sk_config cfg;
	sk_ctx *ctx = NULL;
	size_t raw_len = 0;
	int64_t id;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/sekisho.db", dir);
	snprintf(wal, sizeof(wal), "%s-wal", db);
	test_config(&cfg);
	randombytes_buf(key, sizeof(key));
	assert_int_equal(sk_store_sqlite_open(&store, db, 1), SK_OK);
	assert_int_equal(sk_ctx_new(&ctx, &cfg, store, key), SK_OK);
	{
		sk_account_spec spec = {"svc", NULL, SK_ROLE_USER, 0, PW, strlen(PW), 0};
		assert_int_equal(sk_account_create(ctx, &a, &spec, NULL, NULL), SK_OK);
	}
	assert_int_equal(sk_apitoken_create(ctx, &a, "svc", "monitor", SK_SCOPE_READ,
					    sk_ctx_now(ctx) + DAY, tok, &id),
			 SK_OK);
	assert_int_equal(sk_apitoken_verify(ctx, tok, NULL, NULL), SK_OK);
	/* Check the WAL while it holds the writes, then the database after the checkpoint. */
	assert_int_equal(sodium_base642bin(raw, sizeof(raw), tok + 4, SK_APITOKEN_LEN - 4, NULL,
					   &raw_len, NULL,
					   sodium_base64_VARIANT_URLSAFE_NO_PADDING),
			 0);
	assert_int_equal(raw_len, sizeof(raw));
	crypto_generichash(hash, sizeof(hash), raw, sizeof(raw), NULL, 0);
	for (int pass = 0; pass < 2; pass++) {
		assert_false(file_contains(db, tok, strlen(tok)));
		assert_false(file_contains(db, tok + 4, strlen(tok) - 4));
		assert_false(file_contains(db, raw, sizeof(raw)));
		assert_false(file_contains(wal, tok + 4, strlen(tok) - 4));
		assert_false(file_contains(wal, raw, sizeof(raw)));
		/* What is stored is the hash. */
		assert_true(file_contains(db, hash, sizeof(hash)) ||
			    file_contains(wal, hash, sizeof(hash)));
		if (pass == 0) {
			sk_ctx_free(ctx); /* the last connection checkpoints the WAL */
			ctx = NULL;
		}
	}
	sodium_memzero(tok, sizeof(tok));
	unlink(wal);
	snprintf(wal, sizeof(wal), "%s-shm", db);
	unlink(wal);
	unlink(db);
	snprintf(wal, sizeof(wal), "%s/sekisho.key", dir);
	unlink(wal);
	rmdir(dir);
}

static void
test_store_without_tokens(void **state)
{
	test_env *t = env3();
	sk_store *s = sk_ctx_store(t->ctx);
	const struct sk_store_ops *real = s->ops;
	struct sk_store_ops ops = *real;
	sk_actor a = test_local_actor();
	char tok[SK_APITOKEN_LEN + 1];
	int64_t id;
	int n = 0;

	(void)state;
	ops.apitoken_list = NULL;
	s->ops = &ops;
	assert_int_equal(
		sk_apitoken_create(t->ctx, &a, "svc", "x", SK_SCOPE_READ, t->now + DAY, tok, &id),
		SK_ERR_INVALID);
	assert_int_equal(sk_apitoken_verify(t->ctx, "skt_x", NULL, NULL), SK_ERR_INVALID);
	assert_int_equal(sk_apitoken_revoke(t->ctx, &a, 1), SK_ERR_INVALID);
	assert_int_equal(sk_apitoken_list(t->ctx, NULL, count_cb, &n), SK_ERR_INVALID);
	s->ops = real;
	test_env_free(t);
}

/* ---- the JSON API (server/api.c) ---------------------------------------- */

struct call {
	const char *method;
	const char *path;
	const char *query;
	const char *auth; /* Authorization header value */
	const char *body;
	size_t body_len;     /* 0: strlen(body) */
	const char *ct;      /* Content-Type; NULL: application/json when there is a body */
	const char *session; /* a session token (cookie) */
	const char *csrf;    /* X-CSRF-Token */
};

static char last_body[65536];

#define CALL(...) (&(struct call){__VA_ARGS__})

static char *
dup_or_null(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	assert_non_null(d);
	return d;
}

/* Runs one API request; returns the status, the body in last_body, parsed JSON in *json. */
static int
api(test_env *t, const struct call *c, json_t **json)
{
	static const server_config sc = {.listen_addr = "127.0.0.1", .port = 8080};
	http_in in;
	http_out out;
	struct rq q;
	int status;

	memset(&in, 0, sizeof(in));
	memset(&out, 0, sizeof(out));
	memset(&q, 0, sizeof(q));
	snprintf(in.method, sizeof(in.method), "%s", c->method);
	snprintf(in.path, sizeof(in.path), "%s", c->path);
	snprintf(in.query, sizeof(in.query), "%s", c->query ? c->query : "");
	snprintf(in.addr, sizeof(in.addr), "%s", ADDR);
	in.authorization = dup_or_null(c->auth);
	in.csrf_header = dup_or_null(c->csrf);
	in.content_type = dup_or_null(c->ct ? c->ct : c->body ? "application/json" : NULL);
	if (c->body != NULL) {
		in.body_len = c->body_len ? c->body_len : strlen(c->body);
		in.body = malloc(in.body_len);
		assert_non_null(in.body);
		memset(in.body, ' ', in.body_len);
		memcpy(in.body, c->body,
		       strlen(c->body) < in.body_len ? strlen(c->body) : in.body_len);
	}
	buf_init(&out.body);
	q.ctx = t->ctx;
	q.sc = &sc;
	q.in = &in;
	q.out = &out;
	q.lang = "en";
	if (c->session != NULL && sk_session_lookup(t->ctx, c->session, &q.sess) == SK_OK) {
		q.have_session = 1;
		snprintf(q.token, sizeof(q.token), "%s", c->session);
		assert_int_equal(sk_session_csrf(t->ctx, q.token, q.csrf), SK_OK);
	}
	api_handle(&q);
	status = out.status ? out.status : 200;
	assert_false(out.body.oom);
	assert_string_equal(out.content_type, "application/json");
	snprintf(last_body, sizeof(last_body), "%s", out.body.data ? out.body.data : "");
	if (json != NULL) {
		json_error_t err;
		*json = json_loads(last_body, 0, &err);
		if (*json == NULL)
			fail_msg("not JSON: %s (%s)", last_body, err.text);
	}
	buf_free(&out.body);
	free(in.authorization);
	free(in.csrf_header);
	free(in.content_type);
	free(in.body);
	return status;
}

static const char *
jstr(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	assert_true(json_is_string(v));
	return json_string_value(v);
}

/* Asserts an error answer: the code, and a message that is a sentence. */
static void
expect_error(test_env *t, const struct call *c, int status, const char *code)
{
	json_t *j = NULL;

	assert_int_equal(api(t, c, &j), status);
	assert_string_equal(jstr(j, "error"), code);
	assert_true(strlen(jstr(j, "message")) > 20);
	json_decref(j);
}

static char bearer_buf[4][80];

static const char *
bearer(int slot, const char *tok)
{
	snprintf(bearer_buf[slot], sizeof(bearer_buf[slot]), "Bearer %s", tok);
	return bearer_buf[slot];
}

static void
test_api_auth(void **state)
{
	test_env *t = env3();
	char tok[SK_APITOKEN_LEN + 1], body401[sizeof(last_body)];
	json_t *j;
	sk_actor a = test_local_actor();
	int64_t id;

	(void)state;
	id = make_token(t, "boss", "reader", SK_SCOPE_READ, tok);
	/* Without, with a bad, a malformed or a non-Bearer credential: one and the same 401. */
	expect_error(t, CALL(.method = "GET", .path = "/api/v1/users"), 401, "unauthorized");
	snprintf(body401, sizeof(body401), "%s", last_body);
	const char *bads[] = {"Bearer skt_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
			      "Bearer nonsense",
			      "Bearer ",
			      "Basic Ym9zczpwdw==",
			      "",
			      tok};
	for (size_t i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		assert_int_equal(
			api(t, CALL(.method = "GET", .path = "/api/v1/users", .auth = bads[i]),
			    NULL),
			401);
		assert_string_equal(last_body, body401);
	}
	/* The scheme is case-insensitive. */
	char lower[80];
	snprintf(lower, sizeof(lower), "bearer %s", tok);
	assert_int_equal(api(t, CALL(.method = "GET", .path = "/api/v1/me", .auth = lower), NULL),
			 200);
	/* me tells who and how, never the token. */
	assert_int_equal(
		api(t, CALL(.method = "GET", .path = "/api/v1/me", .auth = bearer(0, tok)), &j),
		200);
	assert_string_equal(jstr(j, "name"), "boss");
	assert_string_equal(jstr(j, "auth"), "token");
	assert_string_equal(jstr(json_object_get(j, "token"), "scope"), "read");
	assert_true(json_is_true(json_object_get(j, "can_read")));
	assert_true(json_is_false(json_object_get(j, "can_write")));
	assert_null(strstr(last_body, tok + 4));
	json_decref(j);
	/* Revoked, expired, owner disabled: the same 401. */
	assert_int_equal(sk_apitoken_revoke(t->ctx, &a, id), SK_OK);
	assert_int_equal(
		api(t, CALL(.method = "GET", .path = "/api/v1/me", .auth = bearer(0, tok)), NULL),
		401);
	assert_string_equal(last_body, body401);
	make_token(t, "boss", "reader", SK_SCOPE_READ, tok);
	t->now += 30 * DAY;
	assert_int_equal(
		api(t, CALL(.method = "GET", .path = "/api/v1/me", .auth = bearer(0, tok)), NULL),
		401);
	assert_string_equal(last_body, body401);
	t->now -= 30 * DAY;
	make_token(t, "svc", "svc1", SK_SCOPE_READ, tok);
	assert_int_equal(sk_account_set_disabled(t->ctx, &a, "svc", 1), SK_OK);
	assert_int_equal(
		api(t, CALL(.method = "GET", .path = "/api/v1/me", .auth = bearer(0, tok)), NULL),
		401);
	assert_string_equal(last_body, body401);
	test_env_free(t);
}

static void
test_api_scopes(void **state)
{
	test_env *t = env3();
	char rd[SK_APITOKEN_LEN + 1], adm[SK_APITOKEN_LEN + 1], aud[SK_APITOKEN_LEN + 1],
		usr[SK_APITOKEN_LEN + 1];
	sk_actor a = test_local_actor();
	json_t *j;
	const char *create = "{\"name\":\"carol\"}";

	(void)state;
	make_token(t, "boss", "reader", SK_SCOPE_READ, rd);
	make_token(t, "boss", "writer", SK_SCOPE_ADMIN, adm);
	make_token(t, "aud", "reader", SK_SCOPE_READ, aud);
	make_token(t, "svc", "reader", SK_SCOPE_READ, usr);
	/* Read scope: GET yes, anything else no. */
	assert_int_equal(
		api(t, CALL(.method = "GET", .path = "/api/v1/users", .auth = bearer(0, rd)), &j),
		200);
	assert_int_equal(json_array_size(json_object_get(j, "users")), 3);
	json_decref(j);
	expect_error(t,
		     CALL(.method = "POST", .path = "/api/v1/users", .auth = bearer(0, rd),
			  .body = create),
		     403, "read_only_token");
	expect_error(
		t,
		CALL(.method = "POST", .path = "/api/v1/users/svc/disable", .auth = bearer(0, rd)),
		403, "read_only_token");
	expect_error(t,
		     CALL(.method = "DELETE", .path = "/api/v1/users/svc", .auth = bearer(0, rd)),
		     403, "read_only_token");
	/* An auditor reads, a plain user only learns who it is. */
	assert_int_equal(
		api(t,
		    CALL(.method = "GET", .path = "/api/v1/audit/verify", .auth = bearer(0, aud)),
		    NULL),
		200);
	expect_error(t, CALL(.method = "GET", .path = "/api/v1/users", .auth = bearer(0, usr)), 403,
		     "forbidden");
	expect_error(t, CALL(.method = "GET", .path = "/api/v1/audit", .auth = bearer(0, usr)), 403,
		     "forbidden");
	assert_int_equal(
		api(t, CALL(.method = "GET", .path = "/api/v1/me", .auth = bearer(0, usr)), NULL),
		200);
	/* Admin scope writes while its owner is an administrator, and no longer after. */
	assert_int_equal(api(t,
			     CALL(.method = "POST", .path = "/api/v1/users", .auth = bearer(0, adm),
				  .body = create),
			     NULL),
			 201);
	test_add_user(t, "boss2", SK_ROLE_ADMIN, PW); /* so that boss may lose the role */
	assert_int_equal(sk_account_set_role(t->ctx, &a, "boss", SK_ROLE_USER), SK_OK);
	expect_error(t,
		     CALL(.method = "POST", .path = "/api/v1/users/carol/disable",
			  .auth = bearer(0, adm)),
		     403, "forbidden");
	expect_error(t, CALL(.method = "GET", .path = "/api/v1/users", .auth = bearer(0, adm)), 403,
		     "forbidden");
	test_env_free(t);
}

struct find_event {
	const char *action, *target;
	int found;
	char actor[SK_NAME_MAX + 16], addr[SK_ADDR_MAX];
};

static int
find_event_cb(void *arg, const sk_audit_event *e)
{
	struct find_event *f = arg;

	if (strcmp(e->action, f->action) == 0 && strcmp(e->target, f->target) == 0) {
		f->found++;
		memcpy(f->actor, e->actor, sizeof(f->actor));
		memcpy(f->addr, e->addr, sizeof(f->addr));
	}
	return 0;
}

static void
expect_audited(test_env *t, const char *action, const char *target, const char *actor)
{
	struct find_event f = {action, target, 0, "", ""};

	assert_int_equal(sk_audit_list(t->ctx, 0, find_event_cb, &f), SK_OK);
	assert_true(f.found > 0);
	assert_string_equal(f.actor, actor);
	assert_string_equal(f.addr, ADDR);
}

static void
test_api_users(void **state)
{
	test_env *t = env3();
	char adm[SK_APITOKEN_LEN + 1];
	const char *auth;
	sk_policy_result pr;
	sk_signin s;
	int64_t retry;
	json_t *j;

	(void)state;
	make_token(t, "boss", "writer", SK_SCOPE_ADMIN, adm);
	auth = bearer(0, adm);
	/* Create: 201 with an initial password that passes the policy and must be changed. */
	assert_int_equal(api(t,
			     CALL(.method = "POST", .path = "/api/v1/users", .auth = auth,
				  .body = "{\"name\":\"Carol\",\"email\":\"carol@example.com\","
					  "\"role\":\"auditor\",\"expires_at\":1900000000}"),
			     &j),
			 201);
	assert_string_equal(jstr(j, "name"), "carol");
	assert_string_equal(jstr(j, "role"), "auditor");
	char initial[SK_INITIAL_PASSWORD_MAX];
	snprintf(initial, sizeof(initial), "%s", jstr(j, "initial_password"));
	assert_int_equal(sk_policy_check(&t->cfg.policy, initial, strlen(initial), "carol",
					 "carol@example.com", &pr),
			 SK_OK);
	sk_signin_start(t->ctx, &s, ADDR);
	assert_int_equal(sk_signin_password(t->ctx, &s, "carol", initial, strlen(initial), &retry),
			 SK_OK);
	assert_int_equal(s.step, SK_STEP_CHANGE_PASSWORD);
	json_decref(j);
	expect_audited(t, "user.create", "carol", "boss");
	/* Show it. */
	assert_int_equal(
		api(t, CALL(.method = "GET", .path = "/api/v1/users/carol", .auth = auth), &j),
		200);
	assert_string_equal(jstr(j, "email"), "carol@example.com");
	assert_string_equal(jstr(j, "state"), "enabled");
	assert_int_equal(json_integer_value(json_object_get(j, "expires_at")), 1900000000);
	assert_null(json_object_get(j, "pwhash"));
	json_decref(j);
	/* Disable, enable, unlock: audited as the token's owner from the client's address. */
	assert_int_equal(
		api(t, CALL(.method = "POST", .path = "/api/v1/users/carol/disable", .auth = auth),
		    &j),
		200);
	assert_string_equal(jstr(j, "result"), "ok");
	json_decref(j);
	expect_audited(t, "user.disable", "carol", "boss");
	assert_int_equal(
		api(t, CALL(.method = "GET", .path = "/api/v1/users/CAROL", .auth = auth), &j),
		200);
	assert_string_equal(jstr(j, "state"), "disabled");
	json_decref(j);
	assert_int_equal(api(t,
			     CALL(.method = "POST", .path = "/api/v1/users/carol/enable",
				  .auth = auth, .body = "{}"),
			     NULL),
			 200);
	expect_audited(t, "user.enable", "carol", "boss");
	assert_int_equal(
		api(t, CALL(.method = "POST", .path = "/api/v1/users/carol/unlock", .auth = auth),
		    NULL),
		200);
	assert_int_equal(
		api(t,
		    CALL(.method = "POST", .path = "/api/v1/users/carol/reset-mfa", .auth = auth),
		    NULL),
		200);
	/* reset-password gives a new initial password. */
	assert_int_equal(api(t,
			     CALL(.method = "POST", .path = "/api/v1/users/carol/reset-password",
				  .auth = auth),
			     &j),
			 200);
	assert_true(strlen(jstr(j, "initial_password")) >= 12);
	assert_string_not_equal(jstr(j, "initial_password"), initial);
	json_decref(j);
	/* Conflicts and mistakes, each with its code. */
	expect_error(t,
		     CALL(.method = "POST", .path = "/api/v1/users", .auth = auth,
			  .body = "{\"name\":\"carol\"}"),
		     409, "exists");
	expect_error(t,
		     CALL(.method = "POST", .path = "/api/v1/users", .auth = auth,
			  .body = "{\"name\":\"bad/name\"}"),
		     422, "invalid_name");
	expect_error(t,
		     CALL(.method = "POST", .path = "/api/v1/users", .auth = auth,
			  .body = "{\"name\":\"dave\",\"role\":\"root\"}"),
		     422, "invalid_role");
	expect_error(t,
		     CALL(.method = "POST", .path = "/api/v1/users", .auth = auth,
			  .body = "{\"name\":\"dave\",\"expire_at\":5}"),
		     422, "unknown_field");
	expect_error(t,
		     CALL(.method = "POST", .path = "/api/v1/users", .auth = auth,
			  .body = "{\"\xe3\x81\x82\xe3\x81\x82\xe3\x81\x82\xe3\x81\x82\xe3\x81"
				  "\x82\xe3\x81\x82\xe3\x81\x82\xe3\x81\x82\xe3\x81\x82\xe3\x81"
				  "\x82\xe3\x81\x82\xe3\x81\x82\xe3\x81\x82\xe3\x81\x82\":1}"),
		     422, "unknown_field"); /* cut inside a character: still valid JSON */
	expect_error(t,
		     CALL(.method = "POST", .path = "/api/v1/users", .auth = auth,
			  .body = "{\"name\":\"dave\",\"expires_at\":5}"),
		     422, "invalid_expiry");
	expect_error(t,
		     CALL(.method = "POST", .path = "/api/v1/users", .auth = auth,
			  .body = "{\"email\":\"x@example.com\"}"),
		     422, "invalid_name");
	expect_error(
		t,
		CALL(.method = "POST", .path = "/api/v1/users", .auth = auth, .body = "{\"name\":"),
		400, "bad_json");
	assert_non_null(strstr(last_body, "not valid JSON"));
	expect_error(t,
		     CALL(.method = "POST", .path = "/api/v1/users", .auth = auth, .body = "[1,2]"),
		     400, "bad_json");
	expect_error(t,
		     CALL(.method = "POST", .path = "/api/v1/users", .auth = auth,
			  .body = "{\"name\":\"a\",\"name\":\"b\"}"),
		     400, "bad_json");
	expect_error(t, CALL(.method = "POST", .path = "/api/v1/users", .auth = auth), 400,
		     "bad_json");
	expect_error(t,
		     CALL(.method = "POST", .path = "/api/v1/users", .auth = auth,
			  .body = "name=dave", .ct = "application/x-www-form-urlencoded"),
		     415, "unsupported_media_type");
	assert_int_equal(
		api(t,
		    CALL(.method = "POST", .path = "/api/v1/users", .auth = auth,
			 .body = "{\"name\":\"dave\"}", .ct = "application/json; charset=utf-8"),
		    NULL),
		201);
	expect_error(t,
		     CALL(.method = "POST", .path = "/api/v1/users", .auth = auth,
			  .body = "{\"name\":\"erin\"}", .body_len = 64 * 1024 + 1),
		     413, "too_large");
	expect_error(t,
		     CALL(.method = "POST", .path = "/api/v1/users/nobody/disable", .auth = auth),
		     404, "not_found");
	expect_error(t, CALL(.method = "GET", .path = "/api/v1/users/nobody", .auth = auth), 404,
		     "not_found");
	expect_error(t, CALL(.method = "GET", .path = "/api/v1/users/bad%2fname", .auth = auth),
		     404, "not_found");
	expect_error(t, CALL(.method = "POST", .path = "/api/v1/users/boss/disable", .auth = auth),
		     409, "last_admin");
	/* Delete. */
	assert_int_equal(
		api(t, CALL(.method = "DELETE", .path = "/api/v1/users/carol", .auth = auth), NULL),
		200);
	expect_audited(t, "user.delete", "carol", "boss");
	expect_error(t, CALL(.method = "GET", .path = "/api/v1/users/carol", .auth = auth), 404,
		     "not_found");
	test_env_free(t);
}

static void
test_api_routes(void **state)
{
	test_env *t = env3();
	char rd[SK_APITOKEN_LEN + 1];
	const char *auth;

	(void)state;
	make_token(t, "boss", "reader", SK_SCOPE_READ, rd);
	auth = bearer(0, rd);
	expect_error(t, CALL(.method = "GET", .path = "/api/v1/nothing", .auth = auth), 404,
		     "not_found");
	expect_error(t, CALL(.method = "GET", .path = "/api/v2/users", .auth = auth), 404,
		     "not_found");
	expect_error(t, CALL(.method = "GET", .path = "/api/v1/users/boss/frob", .auth = auth), 404,
		     "not_found");
	expect_error(t, CALL(.method = "GET", .path = "/api/v1/users/", .auth = auth), 404,
		     "not_found");
	expect_error(t, CALL(.method = "PUT", .path = "/api/v1/users", .auth = auth), 405,
		     "method_not_allowed");
	expect_error(t, CALL(.method = "GET", .path = "/api/v1/users/boss/disable", .auth = auth),
		     405, "method_not_allowed");
	expect_error(t, CALL(.method = "POST", .path = "/api/v1/users/boss", .auth = auth), 405,
		     "method_not_allowed");
	expect_error(t, CALL(.method = "POST", .path = "/api/v1/audit", .auth = auth), 405,
		     "method_not_allowed");
	expect_error(t, CALL(.method = "DELETE", .path = "/api/v1/me", .auth = auth), 405,
		     "method_not_allowed");
	/* Whatever bytes a path or field carries, the answer is valid JSON (U+FFFD for the rest). */
	expect_error(t, CALL(.method = "GET", .path = "/api/v1/users/\xff\xfe\x01\"", .auth = auth),
		     404, "not_found");
	assert_non_null(strstr(last_body, "\\ufffd\\ufffd\\u0001\\\""));
	/* HEAD reads like GET. */
	assert_int_equal(
		api(t, CALL(.method = "HEAD", .path = "/api/v1/users", .auth = auth), NULL), 200);
	test_env_free(t);
}

static void
test_api_audit_and_approvals(void **state)
{
	test_env *t = env3();
	char rd[SK_APITOKEN_LEN + 1], adm[SK_APITOKEN_LEN + 1];
	json_t *j, *ev;
	int64_t count = 0, bad = 0;

	(void)state;
	make_token(t, "boss", "reader", SK_SCOPE_READ, rd);
	make_token(t, "boss", "writer", SK_SCOPE_ADMIN, adm);
	assert_int_equal(sk_audit_verify(t->ctx, &count, &bad), SK_OK);
	/* verify */
	assert_int_equal(
		api(t, CALL(.method = "GET", .path = "/api/v1/audit/verify", .auth = bearer(0, rd)),
		    &j),
		200);
	assert_true(json_is_true(json_object_get(j, "ok")));
	assert_int_equal(json_integer_value(json_object_get(j, "events")), count);
	json_decref(j);
	/* the events, with a limit and a start time */
	assert_int_equal(
		api(t, CALL(.method = "GET", .path = "/api/v1/audit", .auth = bearer(0, rd)), &j),
		200);
	ev = json_object_get(j, "events");
	assert_int_equal(json_array_size(ev), count);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ev, 0), "seq")), 1);
	assert_true(json_is_string(json_object_get(json_array_get(ev, 0), "hash")));
	assert_true(json_is_false(json_object_get(j, "truncated")));
	json_decref(j);
	assert_int_equal(api(t,
			     CALL(.method = "GET", .path = "/api/v1/audit",
				  .query = "limit=2&since=0", .auth = bearer(0, rd)),
			     &j),
			 200);
	assert_int_equal(json_array_size(json_object_get(j, "events")), 2);
	assert_int_equal(json_integer_value(json_object_get(j, "count")), 2);
	assert_true(json_is_true(json_object_get(j, "truncated")));
	json_decref(j);
	t->now += 100;
	assert_int_equal(sk_audit(t->ctx, "boss", "user.update", "svc", ADDR, "ok", NULL), SK_OK);
	char q[64];
	snprintf(q, sizeof(q), "since=%lld", (long long)t->now);
	assert_int_equal(api(t,
			     CALL(.method = "GET", .path = "/api/v1/audit", .query = q,
				  .auth = bearer(0, rd)),
			     &j),
			 200);
	assert_int_equal(json_array_size(json_object_get(j, "events")), 1);
	json_decref(j);
	const char *bad_queries[] = {"limit=0",
				     "limit=1001",
				     "limit=x",
				     "since=-1",
				     "since=1e3",
				     "limit=",
				     "since=99999999999999999999"};
	for (size_t i = 0; i < sizeof(bad_queries) / sizeof(bad_queries[0]); i++)
		expect_error(t,
			     CALL(.method = "GET", .path = "/api/v1/audit", .query = bad_queries[i],
				  .auth = bearer(0, rd)),
			     400, "bad_query");
	/* With two administrators, resetting one's password waits for approval: 202. */
	test_add_user(t, "boss2", SK_ROLE_ADMIN, PW);
	assert_int_equal(api(t,
			     CALL(.method = "POST", .path = "/api/v1/users/boss2/reset-password",
				  .auth = bearer(0, adm)),
			     &j),
			 202);
	assert_string_equal(jstr(j, "result"), "pending");
	json_int_t approval = json_integer_value(json_object_get(j, "approval_id"));
	assert_true(approval > 0);
	assert_null(json_object_get(j, "initial_password"));
	json_decref(j);
	assert_int_equal(api(t,
			     CALL(.method = "POST", .path = "/api/v1/users/boss2/reset-mfa",
				  .auth = bearer(0, adm)),
			     NULL),
			 202);
	/* Creating an administrator: the account exists at once as user, with its password. */
	assert_int_equal(api(t,
			     CALL(.method = "POST", .path = "/api/v1/users", .auth = bearer(0, adm),
				  .body = "{\"name\":\"boss3\",\"role\":\"admin\"}"),
			     &j),
			 202);
	assert_string_equal(jstr(j, "role"), "user");
	assert_true(strlen(jstr(j, "initial_password")) >= 12);
	assert_true(json_integer_value(json_object_get(j, "approval_id")) > approval);
	json_decref(j);
	assert_int_equal(
		api(t, CALL(.method = "GET", .path = "/api/v1/approvals", .auth = bearer(0, rd)),
		    &j),
		200);
	ev = json_object_get(j, "approvals");
	assert_int_equal(json_array_size(ev), 3);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ev, 0), "id")),
			 approval);
	assert_string_equal(jstr(json_array_get(ev, 0), "action"), "reset_admin_password");
	assert_string_equal(jstr(json_array_get(ev, 0), "state"), "pending");
	assert_string_equal(jstr(json_array_get(ev, 0), "requested_by"), "boss");
	json_decref(j);
	test_env_free(t);
}

/* A signed-in session of name; its token into token. */
static void
session_for(test_env *t, const char *name, char token[SK_TOKEN_LEN + 1])
{
	sk_session s;
	int64_t retry;

	assert_int_equal(sk_session_create(t->ctx, ADDR, "test", token, &s), SK_OK);
	assert_int_equal(sk_signin_password(t->ctx, &s.signin, name, PW, strlen(PW), &retry),
			 SK_OK);
	assert_int_equal(s.signin.step, SK_STEP_DONE);
	assert_int_equal(sk_session_rotate(t->ctx, &s, token), SK_OK);
}

static void
test_api_session_csrf(void **state)
{
	test_env *t = env3();
	char tok[SK_TOKEN_LEN + 1], csrf[SK_TOKEN_LEN + 1], other[SK_TOKEN_LEN + 1],
		other_csrf[SK_TOKEN_LEN + 1], pending[SK_TOKEN_LEN + 1];
	sk_session ps;
	json_t *j;

	(void)state;
	session_for(t, "boss", tok);
	assert_int_equal(sk_session_csrf(t->ctx, tok, csrf), SK_OK);
	/* GET needs no CSRF token. */
	assert_int_equal(api(t, CALL(.method = "GET", .path = "/api/v1/me", .session = tok), &j),
			 200);
	assert_string_equal(jstr(j, "auth"), "session");
	assert_true(json_is_true(json_object_get(j, "can_write")));
	json_decref(j);
	/* Changes do: missing, wrong, another session's. */
	expect_error(t, CALL(.method = "POST", .path = "/api/v1/users/svc/disable", .session = tok),
		     403, "csrf");
	expect_error(t,
		     CALL(.method = "POST", .path = "/api/v1/users/svc/disable", .session = tok,
			  .csrf = "x"),
		     403, "csrf");
	session_for(t, "aud", other);
	assert_int_equal(sk_session_csrf(t->ctx, other, other_csrf), SK_OK);
	expect_error(t,
		     CALL(.method = "POST", .path = "/api/v1/users/svc/disable", .session = tok,
			  .csrf = other_csrf),
		     403, "csrf");
	expect_error(
		t,
		CALL(.method = "DELETE", .path = "/api/v1/users/svc", .session = tok, .csrf = tok),
		403, "csrf");
	assert_int_equal(api(t,
			     CALL(.method = "POST", .path = "/api/v1/users/svc/disable",
				  .session = tok, .csrf = csrf),
			     NULL),
			 200);
	expect_audited(t, "user.disable", "svc", "boss");
	/* The auditor's session reads but cannot change anything, CSRF token or not. */
	assert_int_equal(
		api(t, CALL(.method = "GET", .path = "/api/v1/users", .session = other), NULL),
		200);
	expect_error(t,
		     CALL(.method = "POST", .path = "/api/v1/users/svc/enable", .session = other,
			  .csrf = other_csrf),
		     403, "forbidden");
	/* A session still signing in is nobody. */
	assert_int_equal(sk_session_create(t->ctx, ADDR, "test", pending, &ps), SK_OK);
	expect_error(t, CALL(.method = "GET", .path = "/api/v1/me", .session = pending), 401,
		     "unauthorized");
	/* A token in Authorization wins over the cookie. */
	expect_error(t,
		     CALL(.method = "GET", .path = "/api/v1/me", .auth = "Bearer skt_bad",
			  .session = tok),
		     401, "unauthorized");
	/* A session whose account was disabled since is refused. */
	sk_actor a = test_local_actor();
	assert_int_equal(sk_account_set_disabled(t->ctx, &a, "aud", 1), SK_OK);
	expect_error(t, CALL(.method = "GET", .path = "/api/v1/me", .session = other), 401,
		     "unauthorized");
	test_env_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_verify),
		cmocka_unit_test(test_last_used),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_revoke),
		cmocka_unit_test(test_owner_state),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_scope_rules),
		cmocka_unit_test(test_actor_and_names),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_audit_has_no_token),
		cmocka_unit_test(test_database_has_no_token),
		cmocka_unit_test(test_store_without_tokens),
		cmocka_unit_test(test_api_auth),
		cmocka_unit_test(test_api_scopes),
		cmocka_unit_test(test_api_users),
		cmocka_unit_test(test_api_routes),
		cmocka_unit_test(test_api_audit_and_approvals),
		cmocka_unit_test(test_api_session_csrf),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
