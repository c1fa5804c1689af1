/*
 * watch/table.h - a bounded table of keyed counters (DESIGN 12).
 *
 * An attacker controls what appears in logs, so every table has a fixed
 * capacity chosen at start; when it is full the least recently seen of a
 * few probed entries gives way.  Keys are strings (an address, a user, a
 * pair joined by a separator) kept by a 64-bit keyed hash and a short copy
 * for the alert's text.  Each entry counts events in a window and keeps a
 * small set of distinct values (users tried from an address, addresses a
 * user came from) - enough to pass any configured threshold, never more.
 */
#ifndef SEKISHO_WATCH_TABLE_H
#define SEKISHO_WATCH_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define WK_KEY_SHOWN 64       /* bytes of the key kept for the alert text */
#define WK_DISTINCT_MAX 16    /* distinct values kept per entry: thresholds up to 16 */
#define WK_VALUE_SHOWN 40     /* bytes of each distinct value kept */

typedef struct wk_entry {
	uint64_t hash;                 /* 0 = free slot */
	char key[WK_KEY_SHOWN];
	int64_t first, last;           /* window start and last event (Unix seconds) */
	uint32_t count;                /* events in the window */
	uint32_t ndistinct;            /* values in distinct[] (capped) */
	uint64_t distinct[WK_DISTINCT_MAX];
	char shown[4][WK_VALUE_SHOWN]; /* the first few distinct values, for the alert */
	int64_t alerted_at;            /* suppression: last alert for this key */
	int64_t aux;                   /* detector's own use */
} wk_entry;

/* What probing reads, apart from the entries: 8 probes in two cache lines
 * instead of eight entries of 400 bytes (each a cache miss). */
typedef struct wk_slot_index {
	uint64_t hash;                 /* = slot[i].hash */
	int64_t last;                  /* = slot[i].last */
} wk_slot_index;

typedef struct wk_table {
	wk_entry *slot;
	wk_slot_index *idx;
	size_t cap;                    /* power of two */
	size_t used;
	uint64_t evicted;
	uint64_t seed;
} wk_table;

/* capacity is rounded up to a power of two; 0 on success. */
int wk_table_init(wk_table *t, size_t capacity);
void wk_table_free(wk_table *t);

/* 64-bit keyed hash of bytes (SipHash-2-4, keyed by the table's random seed). */
uint64_t wk_hash(const void *p, size_t n, uint64_t seed);

/*
 * The entry of key (created, evicting if needed).  window: an entry whose
 * window started more than window seconds before now starts again (count
 * and distinct set cleared).  Never NULL.
 */
wk_entry *wk_table_get(wk_table *t, const char *key, size_t key_len, int64_t now, int64_t window);

/*
 * State across restarts (--state): the seed and the occupied slots, in this
 * machine's byte order (the file is not meant to travel).  load returns -1
 * when the file does not fit this table (other capacity, damaged).
 */
#include <stdio.h>
int wk_table_save(const wk_table *t, FILE *f);
int wk_table_load(wk_table *t, FILE *f);

/* Empties the table (its seed stays). */
void wk_table_clear(wk_table *t);

/* Adds value to e's distinct set; returns 1 when it was new. */
int wk_entry_add_distinct(wk_entry *e, uint64_t seed, const char *value, size_t len);

#endif
