/*
 * bench/bench_password.c - Argon2id password hashes per second at the
 * default cost (OWASP: m=19 MiB, t=2, p=1), sekisho (libsodium) against the
 * reference implementation (libargon2, what the argon2 command uses), in one
 * run; then all cores hashing at once, which is the ceiling for sign-ins per
 * second on this machine (each sign-in costs one hash).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <argon2.h>
#include <sodium.h>

#include "sekisho/sekisho.h"

#define MEASURE_SECONDS 3.0

static double
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static sk_config cfg;

static int
hash_sekisho(void)
{
	char out[SK_PWHASH_MAX];

	return crypto_pwhash_str_alg(out, "correct horse battery", 21, cfg.hash_opslimit,
				     cfg.hash_memlimit, crypto_pwhash_ALG_ARGON2ID13);
}

static int
hash_reference(void)
{
	static const uint8_t salt[16] = "sekisho-bench-01";
	char out[128];

	return argon2id_hash_encoded((uint32_t)cfg.hash_opslimit,
				     (uint32_t)(cfg.hash_memlimit / 1024), 1,
				     "correct horse battery", 21, salt, sizeof(salt), 32, out,
				     sizeof(out)) == ARGON2_OK
		       ? 0
		       : -1;
}

struct run {
	int (*fn)(void);
	double secs;
	long count;
};

static void *
worker(void *arg)
{
	struct run *r = arg;
	double start = seconds();

	while (seconds() - start < r->secs) {
		if (r->fn() != 0) {
			fprintf(stderr, "hash failed\n");
			exit(1);
		}
		r->count++;
	}
	return NULL;
}

/* Hashes per second with n threads hashing at once. */
static double
measure(int (*fn)(void), int n)
{
	pthread_t th[64];
	struct run runs[64];
	long total = 0;
	double start = seconds();

	for (int i = 0; i < n; i++) {
		runs[i] = (struct run){fn, MEASURE_SECONDS, 0};
		pthread_create(&th[i], NULL, worker, &runs[i]);
	}
	for (int i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		total += runs[i].count;
	}
	return (double)total / (seconds() - start);
}

/* Mean milliseconds of a failed password step for name, over n attempts. */
static double
signin_ms(sk_ctx *ctx, const char *name, int n)
{
	double start = seconds();

	for (int i = 0; i < n; i++) {
		sk_signin s;
		char addr[32];
		int64_t retry;
		snprintf(addr, sizeof(addr), "192.0.2.%d", i % 250);
		sk_signin_start(ctx, &s, addr);
		int r = sk_signin_password(ctx, &s, name, "wrong-guess-123", 15, &retry);
		if (r != SK_ERR_AUTH && r != SK_ERR_LOCKED) {
			fprintf(stderr, "unexpected %s\n", sk_strerror(r));
			exit(1);
		}
	}
	return (seconds() - start) * 1000.0 / n;
}

/*
 * A wrong password for an existing account and for a name that does not
 * exist, side by side: the decoy hash makes them cost the same, so timing
 * does not reveal which accounts exist.
 */
static void
enumeration(void)
{
	char dir[] = "/tmp/sekisho-bench.XXXXXX", db[64], keyf[64];
	uint8_t key[SK_KEY_LEN];
	sk_store *store = NULL;
	sk_ctx *ctx = NULL;
	sk_config c;
	sk_actor actor = {"local:bench", "local", 0};
	sk_account_spec spec = {"taro", NULL, SK_ROLE_USER, 0, "Kawa-no-Nagare-77q", 18, 0};

	if (mkdtemp(dir) == NULL)
		return;
	snprintf(db, sizeof(db), "%s/db", dir);
	snprintf(keyf, sizeof(keyf), "%s/key", dir);
	sk_config_default(&c);
	c.per_address.threshold = 0; /* measure the hash, not the lockout */
	c.per_account.threshold = 0;
	if (sk_vault_key_create(keyf) != SK_OK || sk_vault_key_load(keyf, key, NULL, 0) != SK_OK ||
	    sk_store_sqlite_open(&store, db, 1) != SK_OK || sk_ctx_new(&ctx, &c, store, key) != SK_OK ||
	    sk_account_create(ctx, &actor, &spec, NULL, NULL) != SK_OK) {
		fprintf(stderr, "bench setup failed\n");
		exit(1);
	}
	(void)signin_ms(ctx, "taro", 5); /* warm up */
	double known = signin_ms(ctx, "taro", 60);
	double unknown = signin_ms(ctx, "hanako", 60);
	printf("%-34s %8.1f ms\n", "failed sign-in, existing account", known);
	printf("%-34s %8.1f ms\n", "failed sign-in, no such account", unknown);
	printf("%-34s %8.2f  (1.00 = indistinguishable)\n", "ratio", known / unknown);
	sk_ctx_free(ctx);
	sodium_memzero(key, sizeof(key));
	unlink(db);
	unlink(keyf);
	char side[80];
	snprintf(side, sizeof(side), "%s-wal", db);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", db);
	unlink(side);
	rmdir(dir);
}

int
main(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);

	if (sodium_init() < 0)
		return 1;
	sk_config_default(&cfg);
	if (cores < 1 || cores > 64)
		cores = 1;
	printf("Argon2id at the default cost: m=%zu KiB, t=%llu, p=1 (%ld cores)\n",
	       cfg.hash_memlimit / 1024, cfg.hash_opslimit, cores);
	double s1 = measure(hash_sekisho, 1);
	double r1 = measure(hash_reference, 1);
	printf("%-34s %8.1f hashes/s  (%.1f ms each)\n", "sekisho (libsodium), 1 thread", s1,
	       1000.0 / s1);
	printf("%-34s %8.1f hashes/s  (%.1f ms each)\n", "libargon2 reference, 1 thread", r1,
	       1000.0 / r1);
	printf("%-34s %8.2f\n", "ratio sekisho / reference", s1 / r1);
	double sn = measure(hash_sekisho, (int)cores);
	printf("%-34s %8.1f hashes/s  = the ceiling for password sign-ins/s here\n",
	       "sekisho, all cores", sn);
	printf("%-34s %8.1f hashes/s  (cores / one hash's time)\n", "machine limit estimate",
	       (double)cores * s1);
	enumeration();
	return 0;
}
