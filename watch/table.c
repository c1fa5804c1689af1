/* watch/table.c - bounded keyed counters (see table.h). */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"

#define PROBES 8 /* slots looked at before evicting the stalest of them */

int
wk_table_init(wk_table *t, size_t capacity)
{
	size_t cap = 16;

	while (cap < capacity && cap < ((size_t)1 << 30))
		cap <<= 1;
	memset(t, 0, sizeof(*t));
	if ((t->slot = calloc(cap, sizeof(*t->slot))) == NULL ||
	    (t->idx = calloc(cap, sizeof(*t->idx))) == NULL) {
		free(t->slot);
		t->slot = NULL;
		return -1;
	}
	t->cap = cap;
	/* A key nobody who writes log lines can know (--state keeps it, so the
	 * saved entries stay where they are). */
	if (sodium_init() < 0)
		return -1;
	do
		randombytes_buf(&t->seed, sizeof(t->seed));
	while (t->seed == 0);
	return 0;
}

void
wk_table_free(wk_table *t)
{
	free(t->slot);
	free(t->idx);
	memset(t, 0, sizeof(*t));
}

void
wk_table_clear(wk_table *t)
{
	memset(t->slot, 0, t->cap * sizeof(*t->slot));
	memset(t->idx, 0, t->cap * sizeof(*t->idx));
	t->used = 0;
}

/*
 * SipHash-2-4 (libsodium's crypto_shorthash), keyed by the table's seed.
 * Users and addresses come from whoever writes the logs, and an entry is
 * known by its hash alone: with an unkeyed or weak hash, chosen names could
 * land on one slot or pose as another key.  The key is the seed and its
 * complement (64 bits of secret: enough for keys nobody can query).
 */
uint64_t
wk_hash(const void *p, size_t n, uint64_t seed)
{
	unsigned char key[crypto_shorthash_KEYBYTES], out[crypto_shorthash_BYTES];
	uint64_t h, inv = ~seed;

	memcpy(key, &seed, 8);
	memcpy(key + 8, &inv, 8);
	crypto_shorthash(out, p, n, key);
	memcpy(&h, out, sizeof(h));
	return h ? h : 1;
}

int
wk_table_save(const wk_table *t, FILE *f)
{
	uint64_t head[4] = {t->cap, t->used, t->evicted, t->seed};

	if (fwrite(head, sizeof(head), 1, f) != 1)
		return -1;
	for (size_t i = 0; i < t->cap; i++) {
		uint64_t at = i;
		if (t->slot[i].hash == 0)
			continue;
		if (fwrite(&at, sizeof(at), 1, f) != 1 || fwrite(&t->slot[i], sizeof(t->slot[i]), 1, f) != 1)
			return -1;
	}
	{
		uint64_t end = UINT64_MAX;
		return fwrite(&end, sizeof(end), 1, f) == 1 ? 0 : -1;
	}
}

/* Reads one saved entry into a local copy first: a short or damaged file
 * never leaves a half-written slot behind (found by fuzz_watch_state). */
int
wk_table_load(wk_table *t, FILE *f)
{
	uint64_t head[4], at;
	wk_entry e;

	if (fread(head, sizeof(head), 1, f) != 1 || head[0] != t->cap)
		return -1;
	wk_table_clear(t);
	t->evicted = head[2];
	t->seed = head[3];
	for (;;) {
		if (fread(&at, sizeof(at), 1, f) != 1)
			goto bad;
		if (at == UINT64_MAX)
			return 0;
		if (at >= t->cap || fread(&e, sizeof(e), 1, f) != 1)
			goto bad;
		e.key[WK_KEY_SHOWN - 1] = '\0';
		for (int i = 0; i < 4; i++)
			e.shown[i][WK_VALUE_SHOWN - 1] = '\0';
		if (e.ndistinct > WK_DISTINCT_MAX)
			e.ndistinct = WK_DISTINCT_MAX;
		if (e.hash == 0)
			continue;
		if (t->slot[at].hash == 0)
			t->used++;
		t->slot[at] = e;
		t->idx[at] = (wk_slot_index){e.hash, e.last};
	}
bad:
	wk_table_clear(t);
	return -1;
}

static void
reset(wk_entry *e, int64_t now)
{
	e->first = now;
	e->count = 0;
	e->ndistinct = 0;
	memset(e->shown, 0, sizeof(e->shown));
}

wk_entry *
wk_table_get(wk_table *t, const char *key, size_t key_len, int64_t now, int64_t window)
{
	uint64_t h = wk_hash(key, key_len, t->seed);
	size_t mask = t->cap - 1, i = (size_t)h & mask, victim = i;
	wk_entry *e;

	for (size_t p = 0; p < PROBES; p++, i = (i + 1) & mask) {
		if (t->idx[i].hash == h)
			goto found;
		if (t->idx[i].hash == 0) {
			victim = i;
			t->used++;
			goto fresh;
		}
		if (t->idx[i].last < t->idx[victim].last)
			victim = i;
	}
	t->evicted++;
fresh:
	i = victim;
	e = &t->slot[i];
	memset(e, 0, sizeof(*e));
	e->hash = h;
	{
		size_t n = key_len < WK_KEY_SHOWN - 1 ? key_len : WK_KEY_SHOWN - 1;
		memcpy(e->key, key, n);
		e->key[n] = '\0';
	}
	reset(e, now);
	t->idx[i] = (wk_slot_index){h, 0};
found:
	e = &t->slot[i];
	if (window > 0 && now - e->first > window)
		reset(e, now);
	if (now > e->last)
		e->last = t->idx[i].last = now;
	return e;
}

int
wk_entry_add_distinct(wk_entry *e, uint64_t seed, const char *value, size_t len)
{
	uint64_t h = wk_hash(value, len, seed ^ 0x5bd1e995u);

	for (uint32_t i = 0; i < e->ndistinct; i++)
		if (e->distinct[i] == h)
			return 0;
	if (e->ndistinct >= WK_DISTINCT_MAX)
		return 0; /* enough to pass any threshold; the count stays capped */
	if (e->ndistinct < 4) {
		size_t n = len < WK_VALUE_SHOWN - 1 ? len : WK_VALUE_SHOWN - 1;
		memcpy(e->shown[e->ndistinct], value, n);
		e->shown[e->ndistinct][n] = '\0';
	}
	e->distinct[e->ndistinct++] = h;
	return 1;
}
