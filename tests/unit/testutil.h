/*
 * tests/unit/testutil.h - a library context over a private in-memory SQLite
 * database, with a clock the test moves by hand and the cheapest Argon2id
 * cost libsodium allows (tests check logic, bench/ measures cost).
 */
#ifndef SEKISHO_TESTUTIL_H
#define SEKISHO_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "sekisho/sekisho.h"

typedef struct test_env {
	sk_ctx *ctx;
	sk_store *store;  /* the context's store (owned by ctx), for tests of store paths */
	int64_t now;      /* the injected clock; tests assign to it */
	sk_config cfg;
	uint8_t key[SK_KEY_LEN];
} test_env;

static int64_t
test_clock(void *arg)
{
	return ((test_env *)arg)->now;
}

/* Config used by tests: defaults with the minimum hashing cost. */
static inline void
test_config(sk_config *cfg)
{
	sk_config_default(cfg);
	cfg->hash_opslimit = crypto_pwhash_OPSLIMIT_MIN;
	cfg->hash_memlimit = 8u * 1024 * 1024;
}

/* Opens a context over cfg (NULL: test_config()). Fails the test on error. */
static inline test_env *
test_env_new(const sk_config *cfg)
{
	test_env *t = calloc(1, sizeof(*t));
	sk_store *store = NULL;

	assert_non_null(t);
	if (cfg != NULL)
		t->cfg = *cfg;
	else
		test_config(&t->cfg);
	t->now = 1700000000; /* 2023-11-14 22:13:20 UTC, step-aligned for 30 s */
	randombytes_buf(t->key, sizeof(t->key));
	assert_int_equal(sk_store_sqlite_open(&store, ":memory:", 1), SK_OK);
	assert_int_equal(sk_ctx_new(&t->ctx, &t->cfg, store, t->key), SK_OK);
	t->store = store;
	sk_ctx_set_clock(t->ctx, test_clock, t);
	return t;
}

static inline void
test_env_free(test_env *t)
{
	if (t == NULL)
		return;
	sk_ctx_free(t->ctx);
	free(t);
}

/* The host administrator, who may do anything. */
static inline sk_actor
test_local_actor(void)
{
	sk_actor a = {"local:test", "local", 0};
	return a;
}

/* Creates an account with a known password (must_change 0). Returns its id. */
static inline int64_t
test_add_user(test_env *t, const char *name, sk_role role, const char *password)
{
	sk_actor a = test_local_actor();
	sk_account_spec spec;
	sk_user u;
	int r;

	memset(&spec, 0, sizeof(spec));
	spec.name = name;
	spec.role = role;
	spec.password = password;
	spec.password_len = strlen(password);
	r = sk_account_create(t->ctx, &a, &spec, NULL, NULL);
	assert_true(r == SK_OK || r == SK_ERR_APPROVAL);
	assert_int_equal(sk_account_get(t->ctx, name, &u), SK_OK);
	return u.id;
}

#endif
