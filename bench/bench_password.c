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
	return 0;
}
