/*
 * examples/device_store.c - libsekisho on a device, with a store of its own.
 *
 * A firmware links the core library (libsekisho.a needs only libsodium,
 * libcrypto and libzxcvbn) and supplies the storage by filling in
 * struct sk_store_ops (sekisho/store.h).  The store below keeps fixed-size
 * tables in RAM and saves them to one file at every commit.  main() then
 * does what seed 001 asks of an IoT device: a factory account whose issued
 * password must be changed at the first sign-in, credentials kept only as
 * Argon2id hashes, a second factor, a lock after repeated failures that an
 * attacker cannot turn against the owner, and a tamper-evident audit log.
 *
 *   make examples && ./build/examples/device_store [DIR]
 *
 * DIR (made 0700 when missing) keeps the key file and the state file; run
 * twice with the same DIR and the second run finds the device as the first
 * left it.  Without DIR a temporary directory is used and removed.  Every
 * step is checked and the exit status is 0 only when all behaved as
 * documented, so `make check` runs this as a test of the core without
 * SQLite.  Walk-through: docs/embedding.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "sekisho/sekisho.h"

/* ==== The store ========================================================= */

/* Capacities.  They are security parameters too: see docs/embedding.md. */
enum {
	MAX_USERS = 16,
	MAX_DEVICES = 32,
	MAX_CODES = 64,      /* recovery codes: cfg.recovery_codes per enrolled user */
	MAX_COUNTERS = 256,  /* lockout counters: two per (name, address) tried */
	MAX_EVENTS = 1024,   /* audit events; when full, writes fail (SK_ERR_STORE) */
	MAX_APPROVALS = 16,
	MAX_GRANTS = 16,
	MAX_META = 8
};

struct meta_row {
	char key[32];
	char val[128];
};

/*
 * Every table except the audit events.  Rows are kept in id order: ids only
 * grow and are never reused (so an id kept by a sign-in in progress can never
 * name a newer record), inserts append and deletes close the gap.
 */
struct tables {
	sk_user users[MAX_USERS];
	sk_device devices[MAX_DEVICES];
	sk_recovery_code codes[MAX_CODES];
	sk_counter counters[MAX_COUNTERS];
	sk_approval approvals[MAX_APPROVALS];
	sk_grant grants[MAX_GRANTS];
	struct meta_row meta[MAX_META];
	size_t n_users, n_devices, n_codes, n_counters, n_approvals, n_grants, n_meta;
	int64_t next_user, next_device, next_code, next_approval, next_grant;
	size_t n_events;  /* the events themselves are in struct dev_store */
};

/*
 * Transactions.  begin() copies the tables (about 90 KB) and rollback()
 * copies them back; the audit log is append-only, so for it the copy keeps
 * only its length.  That is the simplest rollback that is exactly right for
 * a store held in RAM.  A flash-backed device would neither copy nor rewrite
 * everything: it would append the transaction's records to a journal (or use
 * a log-structured file system or key/value store), write a commit mark last,
 * and at boot replay what was committed and drop the rest.
 */
struct dev_store {
	struct sk_store base;   /* first, as store.h requires */
	struct tables t;        /* the live data */
	struct tables saved;    /* taken by begin(), put back by rollback() */
	int in_tx;
	sk_audit_event events[MAX_EVENTS];
	char dir[PATH_MAX];     /* "" keeps everything in RAM */
	char path[PATH_MAX + 16];
	char tmp[PATH_MAX + 32];
};

#define DS(s) ((struct dev_store *)(s))

/* The row helpers read the id, which every record has as its first field. */
_Static_assert(offsetof(sk_user, id) == 0 && offsetof(sk_device, id) == 0 &&
		       offsetof(sk_recovery_code, id) == 0 && offsetof(sk_approval, id) == 0 &&
		       offsetof(sk_grant, id) == 0 && offsetof(sk_audit_event, seq) == 0,
	       "records begin with their id");

static int64_t
row_id(const void *rows, size_t size, size_t i)
{
	int64_t id;

	memcpy(&id, (const unsigned char *)rows + i * size, sizeof(id));
	return id;
}

/* Index of the first row whose id is > after (n when none). */
static size_t
next_after(const void *rows, size_t n, size_t size, int64_t after)
{
	size_t i = 0;

	while (i < n && row_id(rows, size, i) <= after)
		i++;
	return i;
}

/* The row with id, or NULL. */
static void *
by_id(void *rows, size_t n, size_t size, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (row_id(rows, size, i) == id)
			return (unsigned char *)rows + i * size;
	return NULL;
}

/* Removes row i, closing the gap, and wipes the freed slot. */
static void
remove_row(void *rows, size_t *n, size_t size, size_t i)
{
	unsigned char *p = rows;

	memmove(p + i * size, p + (i + 1) * size, (*n - i - 1) * size);
	(*n)--;
	sodium_memzero(p + *n * size, size);
}

#define BY_ID(ds, tab, n, id) by_id((ds)->t.tab, (ds)->t.n, sizeof((ds)->t.tab[0]), (id))
#define REMOVE(ds, tab, n, i) remove_row((ds)->t.tab, &(ds)->t.n, sizeof((ds)->t.tab[0]), (i))
#define REMOVE_WHERE(ds, tab, n, cond)                                    \
	do {                                                              \
		for (size_t i_ = 0; i_ < (ds)->t.n;)                      \
			if (cond((ds)->t.tab[i_]))                        \
				REMOVE(ds, tab, n, i_);                   \
			else                                              \
				i_++;                                     \
	} while (0)

/* A get: a copy of the row, or SK_ERR_NOTFOUND with *out zeroed. */
static int
copy_out(void *out, const void *row, size_t size)
{
	memset(out, 0, size);
	if (row == NULL)
		return SK_ERR_NOTFOUND;
	memcpy(out, row, size);
	return SK_OK;
}

/*
 * store.h: strings in records are NUL-terminated within their arrays.  A
 * record that breaks this is refused (SK_ERR_INVALID, as the SQLite store
 * does) rather than stored for someone else to over-read.
 */
#define FITS(field) (memchr((field), '\0', sizeof(field)) != NULL)

static int
user_ok(const sk_user *u)
{
	return FITS(u->name) && FITS(u->email) && FITS(u->pwhash) && FITS(u->last_signin_addr);
}

static int
device_ok(const sk_device *d)
{
	return FITS(d->name) && d->secret_len <= sizeof(d->secret);
}

static int
event_ok(const sk_audit_event *e)
{
	return FITS(e->actor) && FITS(e->action) && FITS(e->target) && FITS(e->addr) &&
	       FITS(e->result) && FITS(e->detail);
}

static int
approval_ok(const sk_approval *a)
{
	return FITS(a->action) && FITS(a->target) && FITS(a->param) &&
	       FITS(a->requested_by) && FITS(a->decided_by);
}

/* ---- the state file --------------------------------------------------- */

/*
 * The file is this header, then struct tables and the audit events as they
 * are in memory: simple, but tied to this build's struct layout (the sizes
 * in the header catch most changes).  It holds password hashes and sealed
 * OTP secrets, never a secret in clear; the key that opens the sealed ones is
 * in the key file, kept apart.
 */
#define STATE_MAGIC "SKDEVST1"

struct state_header {
	char magic[8];
	uint32_t tables_size, event_size, n_events, reserved;
	uint8_t sum[32];  /* BLAKE2b of what follows: catches a damaged file */
};

static void
state_sum(const struct dev_store *ds, uint8_t out[32])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, NULL, 0, 32);
	crypto_generichash_update(&st, (const unsigned char *)&ds->t, sizeof(ds->t));
	crypto_generichash_update(&st, (const unsigned char *)ds->events,
				  ds->t.n_events * sizeof(ds->events[0]));
	crypto_generichash_final(&st, out, 32);
}

/*
 * Saves everything: writes a temporary file, fsyncs it, renames it over the
 * state file and fsyncs the directory.  A crash at any moment leaves the old
 * state or the new one, never a mixture, so nothing committed is lost.
 */
static int
persist(struct dev_store *ds)
{
	struct state_header h;
	FILE *f = NULL;
	int fd, ok;

	if (ds->dir[0] == '\0')
		return SK_OK;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, STATE_MAGIC, sizeof(h.magic));
	h.tables_size = (uint32_t)sizeof(ds->t);
	h.event_size = (uint32_t)sizeof(ds->events[0]);
	h.n_events = (uint32_t)ds->t.n_events;
	state_sum(ds, h.sum);
	fd = open(ds->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		if (fd >= 0)
			(void)close(fd);
		return SK_ERR_STORE;
	}
	ok = fwrite(&h, sizeof(h), 1, f) == 1 && fwrite(&ds->t, sizeof(ds->t), 1, f) == 1 &&
	     fwrite(ds->events, sizeof(ds->events[0]), ds->t.n_events, f) == ds->t.n_events &&
	     fflush(f) == 0 && fsync(fd) == 0;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(ds->tmp, ds->path) != 0) {
		(void)unlink(ds->tmp);
		return SK_ERR_STORE;
	}
	if ((fd = open(ds->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return SK_ERR_STORE;
	ok = fsync(fd) == 0;
	(void)close(fd);
	return ok ? SK_OK : SK_ERR_STORE;
}

/* Counts within capacity and every string terminated: what the code relies on. */
static int
tables_ok(const struct dev_store *ds)
{
	const struct tables *t = &ds->t;
	int ok = t->n_users <= MAX_USERS && t->n_devices <= MAX_DEVICES &&
		 t->n_codes <= MAX_CODES && t->n_counters <= MAX_COUNTERS &&
		 t->n_approvals <= MAX_APPROVALS && t->n_grants <= MAX_GRANTS &&
		 t->n_meta <= MAX_META && t->n_events <= MAX_EVENTS;

	for (size_t i = 0; ok && i < t->n_users; i++)
		ok = user_ok(&t->users[i]);
	for (size_t i = 0; ok && i < t->n_devices; i++)
		ok = device_ok(&t->devices[i]);
	for (size_t i = 0; ok && i < t->n_codes; i++)
		ok = FITS(t->codes[i].hint) && FITS(t->codes[i].hash);
	for (size_t i = 0; ok && i < t->n_counters; i++)
		ok = FITS(t->counters[i].key);
	for (size_t i = 0; ok && i < t->n_approvals; i++)
		ok = approval_ok(&t->approvals[i]);
	for (size_t i = 0; ok && i < t->n_grants; i++)
		ok = FITS(t->grants[i].granted_by);
	for (size_t i = 0; ok && i < t->n_meta; i++)
		ok = FITS(t->meta[i].key) && FITS(t->meta[i].val);
	for (size_t i = 0; ok && i < t->n_events; i++)
		ok = event_ok(&ds->events[i]);
	return ok;
}

/* Loads the state file: SK_OK, SK_ERR_NOTFOUND (a new device) or SK_ERR_STORE. */
static int
load(struct dev_store *ds)
{
	struct state_header h;
	uint8_t sum[32];
	FILE *f;
	int r = SK_ERR_STORE;

	if ((f = fopen(ds->path, "rbe")) == NULL)
		return errno == ENOENT ? SK_ERR_NOTFOUND : SK_ERR_STORE;
	if (fread(&h, sizeof(h), 1, f) != 1 || memcmp(h.magic, STATE_MAGIC, 8) != 0 ||
	    h.tables_size != sizeof(ds->t) || h.event_size != sizeof(ds->events[0]) ||
	    h.n_events > MAX_EVENTS || fread(&ds->t, sizeof(ds->t), 1, f) != 1 ||
	    ds->t.n_events != h.n_events ||
	    fread(ds->events, sizeof(ds->events[0]), h.n_events, f) != h.n_events)
		goto out;
	state_sum(ds, sum);
	if (sodium_memcmp(sum, h.sum, sizeof(sum)) == 0 && tables_ok(ds))
		r = SK_OK;
out:
	(void)fclose(f);
	return r;
}

/* ---- transactions ----------------------------------------------------- */

static void
restore(struct dev_store *ds)
{
	size_t n = ds->t.n_events;

	ds->t = ds->saved;
	sodium_memzero(&ds->events[ds->t.n_events], (n - ds->t.n_events) * sizeof(ds->events[0]));
}

static int
ds_begin(sk_store *s)
{
	if (DS(s)->in_tx)
		return SK_ERR_STORE; /* the library never nests them */
	DS(s)->saved = DS(s)->t;
	DS(s)->in_tx = 1;
	return SK_OK;
}

static int
ds_commit(sk_store *s)
{
	int r;

	if (!DS(s)->in_tx)
		return SK_ERR_STORE;
	if ((r = persist(DS(s))) != SK_OK)
		return r; /* still open: the library then rolls back */
	DS(s)->in_tx = 0;
	return SK_OK;
}

static int
ds_rollback(sk_store *s)
{
	if (DS(s)->in_tx) {
		restore(DS(s));
		DS(s)->in_tx = 0;
	}
	return SK_OK;
}

/*
 * A write outside begin()/commit() is a transaction of its own, as in
 * SQLite's autocommit mode: the library writes so when one record is all
 * that changes (a recovery code marked used, a password re-hashed).  Each
 * write checks everything first, then calls auto_begin() and changes the
 * tables, so a refused write changes nothing.
 */
static int
auto_begin(struct dev_store *ds)
{
	if (ds->in_tx)
		return 0;
	ds->saved = ds->t;
	return 1;
}

static int
auto_end(struct dev_store *ds, int own)
{
	int r = own ? persist(ds) : SK_OK;

	if (r != SK_OK)
		restore(ds);
	return r;
}

static void
ds_close(sk_store *s)
{
	if (s == NULL)
		return;
	/* An open transaction is simply dropped: the file holds the last commit. */
	sodium_memzero(s, sizeof(struct dev_store));
	free(s);
}

/* ---- meta ------------------------------------------------------------- */

static struct meta_row *
meta_find(struct dev_store *ds, const char *key)
{
	for (size_t i = 0; i < ds->t.n_meta; i++)
		if (strcmp(ds->t.meta[i].key, key) == 0)
			return &ds->t.meta[i];
	return NULL;
}

static int
ds_meta_get(sk_store *s, const char *key, char *val, size_t val_size)
{
	const struct meta_row *m;

	if (key == NULL || val == NULL || val_size == 0)
		return SK_ERR_STORE;
	val[0] = '\0';
	if ((m = meta_find(DS(s), key)) == NULL)
		return SK_ERR_NOTFOUND;
	if (strlen(m->val) >= val_size)
		return SK_ERR_STORE;
	memcpy(val, m->val, strlen(m->val) + 1);
	return SK_OK;
}

static int
ds_meta_set(sk_store *s, const char *key, const char *val)
{
	struct dev_store *ds = DS(s);
	struct meta_row *m;
	int own;

	if (key == NULL || val == NULL || strlen(key) >= sizeof(m->key) ||
	    strlen(val) >= sizeof(m->val))
		return SK_ERR_STORE;
	if ((m = meta_find(ds, key)) == NULL && ds->t.n_meta == MAX_META)
		return SK_ERR_STORE;
	own = auto_begin(ds);
	if (m == NULL)
		m = &ds->t.meta[ds->t.n_meta++];
	memcpy(m->key, key, strlen(key) + 1);
	memcpy(m->val, val, strlen(val) + 1);
	return auto_end(ds, own);
}

/* ---- users ------------------------------------------------------------ */

/* Names are compared as bytes: the library normalizes them before it asks. */
static sk_user *
user_by_name(struct dev_store *ds, const char *name)
{
	for (size_t i = 0; i < ds->t.n_users; i++)
		if (strcmp(ds->t.users[i].name, name) == 0)
			return &ds->t.users[i];
	return NULL;
}

static int
ds_user_get_by_name(sk_store *s, const char *name, sk_user *out)
{
	return copy_out(out, name ? user_by_name(DS(s), name) : NULL, sizeof(*out));
}

static int
ds_user_get_by_id(sk_store *s, int64_t id, sk_user *out)
{
	return copy_out(out, BY_ID(DS(s), users, n_users, id), sizeof(*out));
}

static int
ds_user_insert(sk_store *s, sk_user *u)
{
	struct dev_store *ds = DS(s);
	int own;

	if (!user_ok(u))
		return SK_ERR_INVALID;
	if (user_by_name(ds, u->name) != NULL)
		return SK_ERR_EXISTS;
	if (ds->t.n_users == MAX_USERS)
		return SK_ERR_STORE;
	own = auto_begin(ds);
	u->id = ds->t.next_user++;
	ds->t.users[ds->t.n_users++] = *u;
	return auto_end(ds, own);
}

static int
ds_user_update(sk_store *s, const sk_user *u)
{
	struct dev_store *ds = DS(s);
	sk_user *row, *named;
	int own;

	if (!user_ok(u))
		return SK_ERR_INVALID;
	if ((row = BY_ID(ds, users, n_users, u->id)) == NULL)
		return SK_ERR_NOTFOUND;
	if ((named = user_by_name(ds, u->name)) != NULL && named != row)
		return SK_ERR_EXISTS; /* renamed to a name that is taken */
	own = auto_begin(ds);
	*row = *u;
	return auto_end(ds, own);
}

/* The user's devices, recovery codes and grants go too (SQL: ON DELETE CASCADE). */
static int
ds_user_delete(sk_store *s, int64_t id)
{
	struct dev_store *ds = DS(s);
	sk_user *row = BY_ID(ds, users, n_users, id);
	int own;

	if (row == NULL)
		return SK_ERR_NOTFOUND;
	own = auto_begin(ds);
#define OF_USER(rec) ((rec).user_id == id)
	REMOVE_WHERE(ds, devices, n_devices, OF_USER);
	REMOVE_WHERE(ds, codes, n_codes, OF_USER);
	REMOVE_WHERE(ds, grants, n_grants, OF_USER);
#undef OF_USER
	REMOVE(ds, users, n_users, (size_t)(row - ds->t.users));
	return auto_end(ds, own);
}

/*
 * Lists hand cb a copy and look the next row up by id, not by index: cb may
 * call the store, even delete rows, while a list runs.
 */
static int
ds_user_list(sk_store *s, sk_user_cb cb, void *arg)
{
	struct tables *t = &DS(s)->t;
	sk_user u;
	size_t i;
	int r = 0;

	for (int64_t last = 0;
	     r == 0 && (i = next_after(t->users, t->n_users, sizeof(u), last)) < t->n_users;
	     last = u.id) {
		u = t->users[i];
		r = cb(arg, &u);
	}
	return r;
}

/* ---- devices ---------------------------------------------------------- */

/* Device names are unique per user; except_id is the device being renamed. */
static int
device_name_taken(const struct dev_store *ds, const sk_device *d, int64_t except_id)
{
	for (size_t i = 0; i < ds->t.n_devices; i++)
		if (ds->t.devices[i].user_id == d->user_id && ds->t.devices[i].id != except_id &&
		    strcmp(ds->t.devices[i].name, d->name) == 0)
			return 1;
	return 0;
}

static int
ds_device_get(sk_store *s, int64_t id, sk_device *out)
{
	return copy_out(out, BY_ID(DS(s), devices, n_devices, id), sizeof(*out));
}

static int
ds_device_insert(sk_store *s, sk_device *d)
{
	struct dev_store *ds = DS(s);
	int own;

	if (!device_ok(d))
		return SK_ERR_INVALID;
	if (BY_ID(ds, users, n_users, d->user_id) == NULL)
		return SK_ERR_NOTFOUND; /* no such user (SQL: a foreign key) */
	if (device_name_taken(ds, d, 0))
		return SK_ERR_EXISTS;
	if (ds->t.n_devices == MAX_DEVICES)
		return SK_ERR_STORE;
	own = auto_begin(ds);
	d->id = ds->t.next_device++;
	ds->t.devices[ds->t.n_devices++] = *d;
	return auto_end(ds, own);
}

static int
ds_device_update(sk_store *s, const sk_device *d)
{
	struct dev_store *ds = DS(s);
	sk_device *row;
	int own;

	if (!device_ok(d))
		return SK_ERR_INVALID;
	if ((row = BY_ID(ds, devices, n_devices, d->id)) == NULL ||
	    BY_ID(ds, users, n_users, d->user_id) == NULL)
		return SK_ERR_NOTFOUND;
	if (device_name_taken(ds, d, d->id))
		return SK_ERR_EXISTS;
	own = auto_begin(ds);
	*row = *d;
	return auto_end(ds, own);
}

static int
ds_device_delete(sk_store *s, int64_t id)
{
	struct dev_store *ds = DS(s);
	sk_device *row = BY_ID(ds, devices, n_devices, id);
	int own;

	if (row == NULL)
		return SK_ERR_NOTFOUND;
	own = auto_begin(ds);
	REMOVE(ds, devices, n_devices, (size_t)(row - ds->t.devices));
	return auto_end(ds, own);
}

static int
ds_device_list(sk_store *s, int64_t user_id, sk_device_cb cb, void *arg)
{
	struct tables *t = &DS(s)->t;
	sk_device d;
	size_t i;
	int r = 0;

	for (int64_t last = 0;
	     r == 0 && (i = next_after(t->devices, t->n_devices, sizeof(d), last)) < t->n_devices;
	     last = d.id) {
		d = t->devices[i];
		if (d.user_id == user_id)
			r = cb(arg, &d);
	}
	return r;
}

/* ---- recovery codes --------------------------------------------------- */

static int
ds_recovery_insert(sk_store *s, sk_recovery_code *c)
{
	struct dev_store *ds = DS(s);
	int own;

	if (!FITS(c->hint) || !FITS(c->hash))
		return SK_ERR_INVALID;
	if (BY_ID(ds, users, n_users, c->user_id) == NULL)
		return SK_ERR_NOTFOUND;
	if (ds->t.n_codes == MAX_CODES)
		return SK_ERR_STORE;
	own = auto_begin(ds);
	c->id = ds->t.next_code++;
	ds->t.codes[ds->t.n_codes++] = *c;
	return auto_end(ds, own);
}

/* Only an unused code can be marked: two uses of one code cannot both succeed. */
static int
ds_recovery_mark_used(sk_store *s, int64_t id, int64_t used_at)
{
	struct dev_store *ds = DS(s);
	sk_recovery_code *c = BY_ID(ds, codes, n_codes, id);
	int own;

	if (c == NULL || c->used_at != 0)
		return SK_ERR_NOTFOUND;
	own = auto_begin(ds);
	c->used_at = used_at;
	return auto_end(ds, own);
}

static int
ds_recovery_delete_all(sk_store *s, int64_t user_id)
{
	struct dev_store *ds = DS(s);
	int own = auto_begin(ds);

#define OF_USER(rec) ((rec).user_id == user_id)
	REMOVE_WHERE(ds, codes, n_codes, OF_USER);
#undef OF_USER
	return auto_end(ds, own);
}

static int
ds_recovery_list(sk_store *s, int64_t user_id, sk_recovery_cb cb, void *arg)
{
	struct tables *t = &DS(s)->t;
	sk_recovery_code c;
	size_t i;
	int r = 0;

	for (int64_t last = 0;
	     r == 0 && (i = next_after(t->codes, t->n_codes, sizeof(c), last)) < t->n_codes;
	     last = c.id) {
		c = t->codes[i];
		if (c.user_id == user_id)
			r = cb(arg, &c);
	}
	return r;
}

/* ---- lockout counters ------------------------------------------------- */

static sk_counter *
counter_find(struct dev_store *ds, const char *key)
{
	for (size_t i = 0; i < ds->t.n_counters; i++)
		if (strcmp(ds->t.counters[i].key, key) == 0)
			return &ds->t.counters[i];
	return NULL;
}

static int
ds_counter_get(sk_store *s, const char *key, sk_counter *out)
{
	return copy_out(out, key ? counter_find(DS(s), key) : NULL, sizeof(*out));
}

/*
 * Insert or replace.  A full table refuses new keys, and the sign-in that
 * needed one fails: a lockout that cannot count must not let attempts
 * through.  Keys already present (the owner's usual addresses) keep working.
 */
static int
ds_counter_put(sk_store *s, const sk_counter *c)
{
	struct dev_store *ds = DS(s);
	sk_counter *row;
	int own;

	if (!FITS(c->key))
		return SK_ERR_INVALID;
	if ((row = counter_find(ds, c->key)) == NULL && ds->t.n_counters == MAX_COUNTERS)
		return SK_ERR_STORE;
	own = auto_begin(ds);
	if (row == NULL)
		row = &ds->t.counters[ds->t.n_counters++];
	*row = *c;
	return auto_end(ds, own);
}

/* A literal byte prefix: no character is a wildcard. */
static int
ds_counter_delete_prefix(sk_store *s, const char *prefix)
{
	struct dev_store *ds = DS(s);
	int own;

	if (prefix == NULL)
		return SK_ERR_STORE;
	own = auto_begin(ds);
#define HAS_PREFIX(c) (strncmp((c).key, prefix, strlen(prefix)) == 0)
	REMOVE_WHERE(ds, counters, n_counters, HAS_PREFIX);
#undef HAS_PREFIX
	return auto_end(ds, own);
}

/*
 * Forgets counters last updated before older_than whose lock, if any, also
 * ended before then.  A lock until an administrator unlocks (INT64_MAX)
 * stays, whatever older_than is.
 */
static int
ds_counter_prune(sk_store *s, int64_t older_than)
{
	struct dev_store *ds = DS(s);
	int own = auto_begin(ds);

#define STALE(c)                                                      \
	((c).updated_at < older_than && (c).locked_until != INT64_MAX && \
	 ((c).locked_until == 0 || (c).locked_until < older_than))
	REMOVE_WHERE(ds, counters, n_counters, STALE);
#undef STALE
	return auto_end(ds, own);
}

/* ---- audit ------------------------------------------------------------ */

static int
ds_audit_last(sk_store *s, sk_audit_event *out)
{
	struct dev_store *ds = DS(s);

	return copy_out(out, ds->t.n_events ? &ds->events[ds->t.n_events - 1] : NULL,
			sizeof(*out));
}

/*
 * Append only.  The library numbers events last + 1, so a number not above
 * the last is taken.  A full log refuses new events rather than dropping old
 * ones: sk_audit_verify() checks the chain from event 1.
 */
static int
ds_audit_append(sk_store *s, const sk_audit_event *e)
{
	struct dev_store *ds = DS(s);
	size_t n = ds->t.n_events;
	int own;

	if (!event_ok(e))
		return SK_ERR_INVALID;
	if (n > 0 && e->seq <= ds->events[n - 1].seq)
		return SK_ERR_EXISTS;
	if (n == MAX_EVENTS)
		return SK_ERR_STORE;
	own = auto_begin(ds);
	ds->events[ds->t.n_events++] = *e;
	return auto_end(ds, own);
}

static int
ds_audit_list(sk_store *s, int64_t from_seq, sk_audit_cb cb, void *arg)
{
	struct dev_store *ds = DS(s);
	sk_audit_event e;
	size_t i;
	int r = 0;

	for (int64_t last = from_seq > 0 ? from_seq - 1 : 0;
	     r == 0 && (i = next_after(ds->events, ds->t.n_events, sizeof(e), last)) <
			       ds->t.n_events;
	     last = e.seq) {
		e = ds->events[i];
		r = cb(arg, &e);
	}
	return r;
}

/* ---- approvals and grants --------------------------------------------- */

static int
ds_approval_insert(sk_store *s, sk_approval *a)
{
	struct dev_store *ds = DS(s);
	int own;

	if (!approval_ok(a))
		return SK_ERR_INVALID;
	if (ds->t.n_approvals == MAX_APPROVALS)
		return SK_ERR_STORE;
	own = auto_begin(ds);
	a->id = ds->t.next_approval++;
	ds->t.approvals[ds->t.n_approvals++] = *a;
	return auto_end(ds, own);
}

static int
ds_approval_get(sk_store *s, int64_t id, sk_approval *out)
{
	return copy_out(out, BY_ID(DS(s), approvals, n_approvals, id), sizeof(*out));
}

static int
ds_approval_update(sk_store *s, const sk_approval *a)
{
	struct dev_store *ds = DS(s);
	sk_approval *row;
	int own;

	if (!approval_ok(a))
		return SK_ERR_INVALID;
	if ((row = BY_ID(ds, approvals, n_approvals, a->id)) == NULL)
		return SK_ERR_NOTFOUND;
	own = auto_begin(ds);
	*row = *a;
	return auto_end(ds, own);
}

static int
ds_approval_list(sk_store *s, sk_approval_cb cb, void *arg)
{
	struct tables *t = &DS(s)->t;
	sk_approval a;
	size_t i;
	int r = 0;

	for (int64_t last = 0; r == 0 && (i = next_after(t->approvals, t->n_approvals, sizeof(a),
							  last)) < t->n_approvals;
	     last = a.id) {
		a = t->approvals[i];
		r = cb(arg, &a);
	}
	return r;
}

static int
ds_grant_insert(sk_store *s, sk_grant *g)
{
	struct dev_store *ds = DS(s);
	int own;

	if (!FITS(g->granted_by))
		return SK_ERR_INVALID;
	if (BY_ID(ds, users, n_users, g->user_id) == NULL)
		return SK_ERR_NOTFOUND;
	if (ds->t.n_grants == MAX_GRANTS)
		return SK_ERR_STORE;
	own = auto_begin(ds);
	g->id = ds->t.next_grant++;
	ds->t.grants[ds->t.n_grants++] = *g;
	return auto_end(ds, own);
}

static int
ds_grant_delete(sk_store *s, int64_t id)
{
	struct dev_store *ds = DS(s);
	sk_grant *row = BY_ID(ds, grants, n_grants, id);
	int own;

	if (row == NULL)
		return SK_ERR_NOTFOUND;
	own = auto_begin(ds);
	REMOVE(ds, grants, n_grants, (size_t)(row - ds->t.grants));
	return auto_end(ds, own);
}

/* user_id 0 lists every user's grants. */
static int
ds_grant_list(sk_store *s, int64_t user_id, sk_grant_cb cb, void *arg)
{
	struct tables *t = &DS(s)->t;
	sk_grant g;
	size_t i;
	int r = 0;

	for (int64_t last = 0;
	     r == 0 && (i = next_after(t->grants, t->n_grants, sizeof(g), last)) < t->n_grants;
	     last = g.id) {
		g = t->grants[i];
		if (user_id == 0 || g.user_id == user_id)
			r = cb(arg, &g);
	}
	return r;
}

static const struct sk_store_ops dev_store_ops = {
	.close = ds_close,
	.begin = ds_begin,
	.commit = ds_commit,
	.rollback = ds_rollback,
	.meta_get = ds_meta_get,
	.meta_set = ds_meta_set,
	.user_get_by_name = ds_user_get_by_name,
	.user_get_by_id = ds_user_get_by_id,
	.user_insert = ds_user_insert,
	.user_update = ds_user_update,
	.user_delete = ds_user_delete,
	.user_list = ds_user_list,
	.device_get = ds_device_get,
	.device_insert = ds_device_insert,
	.device_update = ds_device_update,
	.device_delete = ds_device_delete,
	.device_list = ds_device_list,
	.recovery_insert = ds_recovery_insert,
	.recovery_mark_used = ds_recovery_mark_used,
	.recovery_delete_all = ds_recovery_delete_all,
	.recovery_list = ds_recovery_list,
	.counter_get = ds_counter_get,
	.counter_put = ds_counter_put,
	.counter_delete_prefix = ds_counter_delete_prefix,
	.counter_prune = ds_counter_prune,
	.audit_last = ds_audit_last,
	.audit_append = ds_audit_append,
	.audit_list = ds_audit_list,
	.approval_insert = ds_approval_insert,
	.approval_get = ds_approval_get,
	.approval_update = ds_approval_update,
	.approval_list = ds_approval_list,
	.grant_insert = ds_grant_insert,
	.grant_delete = ds_grant_delete,
	.grant_list = ds_grant_list,
};

/*
 * Opens the store.  dir == NULL keeps everything in RAM (gone at power off);
 * otherwise DIR/sekisho.state is loaded when it exists and rewritten at
 * every commit.  The store is freed by s->ops->close(s), or by sk_ctx_free()
 * once a context owns it.  Returns SK_OK, SK_ERR_NOMEM, SK_ERR_TOOLONG or
 * SK_ERR_STORE (a state file that cannot be read or is damaged).
 */
static int
dev_store_open(sk_store **out, const char *dir)
{
	struct dev_store *ds;
	int r = SK_OK;

	*out = NULL;
	if (dir != NULL && strlen(dir) >= PATH_MAX)
		return SK_ERR_TOOLONG;
	if ((ds = calloc(1, sizeof(*ds))) == NULL)
		return SK_ERR_NOMEM;
	ds->base.ops = &dev_store_ops;
	if (dir != NULL) {
		memcpy(ds->dir, dir, strlen(dir) + 1);
		snprintf(ds->path, sizeof(ds->path), "%s/sekisho.state", dir);
		snprintf(ds->tmp, sizeof(ds->tmp), "%s.tmp", ds->path);
		r = load(ds);
	}
	if (r == SK_ERR_NOTFOUND || dir == NULL) { /* a new device: empty tables */
		memset(&ds->t, 0, sizeof(ds->t));
		ds->t.next_user = ds->t.next_device = ds->t.next_code = 1;
		ds->t.next_approval = ds->t.next_grant = 1;
		r = SK_OK;
	}
	if (r != SK_OK) {
		ds_close(&ds->base);
		return r;
	}
	*out = &ds->base;
	return SK_OK;
}

/* ==== The device ======================================================== */

static char tmp_dir[PATH_MAX]; /* set when we made a temporary directory */

/* atexit: removes the temporary directory and what the program put there. */
static void
remove_tmp_dir(void)
{
	static const char *const names[] = {"sekisho.key", "sekisho.state", "sekisho.state.tmp"};
	char p[PATH_MAX + 32];

	for (size_t i = 0; tmp_dir[0] != '\0' && i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", tmp_dir, names[i]);
		(void)unlink(p);
	}
	if (tmp_dir[0] != '\0')
		(void)rmdir(tmp_dir);
}

/* Every result is checked: a surprise ends the program with status 1. */
static void
expect(const char *what, int got, int want)
{
	if (got == want) {
		printf("  ok  %-46s %s\n", what, sk_errname(got));
		return;
	}
	fprintf(stderr, "device_store: FAILED: %s: got %s (%s), expected %s\n", what,
		sk_errname(got), sk_strerror(got), sk_errname(want));
	exit(1);
}

static void
expect_step(const sk_signin *s, sk_step want)
{
	if (s->step == want) {
		printf("      -> step %s\n", sk_step_name(s->step));
		return;
	}
	fprintf(stderr, "device_store: FAILED: sign-in at step %s, expected %s\n",
		sk_step_name(s->step), sk_step_name(want));
	exit(1);
}

/*
 * The device's clock.  The default is time(NULL); a device whose RTC is set
 * late (by NTP, GNSS or a phone app) passes its own.  Here an offset lets the
 * demo "wait" for the next code and for a lock to end without sleeping.
 */
struct device_clock {
	int64_t offset;
};

static int64_t
device_now(void *arg)
{
	const struct device_clock *c = arg;

	return (int64_t)time(NULL) + c->offset;
}

static void
device_config(sk_config *cfg)
{
	sk_config_default(cfg);
	/*
	 * Argon2id cost.  The default (2 passes over 19 MiB, OWASP's first choice)
	 * needs 19 MiB of RAM for each hash in progress.  OWASP lists settings of
	 * equal strength that trade memory for passes; 4 passes over 9 MiB suits
	 * a small device.  Less memory makes cracking a stolen hash cheaper on
	 * GPUs, more passes make every sign-in slower on this CPU: measure on the
	 * target and take the most it can afford.  sk_config_check() refuses
	 * less than 8 MiB.  Hashes carry their parameters, so a later change
	 * re-hashes each password at its next sign-in.
	 */
	cfg->hash_opslimit = 4;
	cfg->hash_memlimit = (size_t)9 * 1024 * 1024;
	/* Seed 001 (2): at least 12 characters mixing upper case, lower case and digits. */
	(void)sk_policy_preset_init(&cfg->policy, SK_POLICY_STRONG);
	snprintf(cfg->issuer, sizeof(cfg->issuer), "%s", "Example Camera");
}

/* Power on: check the configuration, load the key, open the store, make the context. */
static sk_ctx *
boot(const char *dir, const char *key_path, struct device_clock *clk)
{
	uint8_t key[SK_KEY_LEN];
	char why[256] = "";
	sk_store *store = NULL;
	sk_config cfg;
	sk_ctx *ctx = NULL;
	int r;

	device_config(&cfg);
	if (sk_config_check(&cfg, why, sizeof(why)) != SK_OK) {
		fprintf(stderr, "device_store: configuration: %s\n", why);
		exit(1);
	}
	if ((r = sk_vault_key_load(key_path, key, why, sizeof(why))) != SK_OK) {
		fprintf(stderr, "device_store: %s: %s %s\n", key_path, sk_strerror(r), why);
		exit(1);
	}
	expect("open the store", dev_store_open(&store, dir), SK_OK);
	r = sk_ctx_new(&ctx, &cfg, store, key);
	sodium_memzero(key, sizeof(key));
	if (r != SK_OK)
		store->ops->close(store); /* on failure the store is still ours */
	expect("sk_ctx_new", r, SK_OK);
	sk_ctx_set_clock(ctx, device_now, clk);
	return ctx;
}

/* The owner's authenticator app: the key it scanned, and the codes it showed. */
struct phone {
	char key[SK_OTP_SECRET_MAX * 2];
	char used_code[SK_OTP_CODE_MAX + 1];
};

static void
phone_code(sk_ctx *ctx, const struct phone *ph, int64_t t, char code[SK_OTP_CODE_MAX + 1])
{
	uint8_t key[SK_OTP_SECRET_MAX];
	size_t len = 0;

	if (sk_base32_decode(ph->key, strlen(ph->key), key, sizeof(key), &len) != SK_OK ||
	    sk_totp(key, len, t, &sk_ctx_config(ctx)->otp, code, SK_OTP_CODE_MAX + 1) != SK_OK) {
		fprintf(stderr, "device_store: FAILED: the phone cannot compute a code\n");
		exit(1);
	}
	sodium_memzero(key, sizeof(key));
}

/* Seed 001: the factory account, and a first sign-in that must replace its password. */
static void
first_sign_in(sk_ctx *ctx, struct phone *ph, const char *pw)
{
	sk_actor device = {"local:device", "local", 0};
	sk_account_spec spec = {.name = "admin", .role = SK_ROLE_ADMIN};
	char initial[SK_INITIAL_PASSWORD_MAX], code1[SK_OTP_CODE_MAX + 1], msg[256];
	sk_policy_result pr;
	sk_enrollment en;
	sk_recovery_set rc;
	sk_signin s;
	int64_t retry = 0, now;

	printf("\n== Factory setup\n");
	expect("sk_account_create admin (role admin)",
	       sk_account_create(ctx, &device, &spec, initial, &pr), SK_OK);
	/* A device prints this on its label or shows it once on its screen. */
	printf("      initial password: %s (stored only as an Argon2id hash)\n", initial);

	printf("\n== First sign-in (from 192.0.2.10)\n");
	sk_signin_start(ctx, &s, "192.0.2.10");
	expect("password: the issued one",
	       sk_signin_password(ctx, &s, "admin", initial, strlen(initial), &retry), SK_OK);
	expect_step(&s, SK_STEP_CHANGE_PASSWORD);
	expect("new password 'admin1234'",
	       sk_signin_change_password(ctx, &s, initial, strlen(initial), "admin1234", 9, &pr),
	       SK_ERR_POLICY);
	for (uint32_t rule = 1; rule < (1u << SK_RULE__COUNT); rule <<= 1)
		if (pr.failed & rule)
			printf("      - %s\n", sk_policy_rule_message(&sk_ctx_config(ctx)->policy,
								  rule, "en", msg, sizeof(msg)));
	expect("new password: a strong one",
	       sk_signin_change_password(ctx, &s, initial, strlen(initial), pw, strlen(pw), &pr),
	       SK_OK);
	sodium_memzero(initial, sizeof(initial));
	expect_step(&s, SK_STEP_ENROLL_MFA);

	expect("sk_signin_enroll_begin 'phone'",
	       sk_signin_enroll_begin(ctx, &s, "phone", SK_DEVICE_TOTP_APP, NULL, &en), SK_OK);
	printf("      QR code:   %s\n", en.uri);
	printf("      setup key: %s\n", en.secret_grouped);
	memcpy(ph->key, en.secret, sizeof(ph->key));
	sk_enrollment_clear(&en);
	/* The owner types the code shown a step ago and the one shown now. */
	now = sk_ctx_now(ctx);
	phone_code(ctx, ph, now - (int64_t)sk_ctx_config(ctx)->otp.period, code1);
	phone_code(ctx, ph, now, ph->used_code);
	expect("sk_signin_enroll_confirm (two codes)",
	       sk_signin_enroll_confirm(ctx, &s, code1, ph->used_code, &rc), SK_OK);
	expect_step(&s, SK_STEP_DONE);
	printf("      %u recovery codes, shown once:", rc.count);
	for (unsigned i = 0; i < rc.count; i++)
		printf("%s%s", i % 5 == 0 ? "\n        " : "  ", rc.codes[i]);
	printf("\n");
	sk_recovery_set_clear(&rc);
}

/* Seed 001: repeated failures lock the attacker out, not the owner. */
static void
attack(sk_ctx *ctx, struct device_clock *clk, const struct phone *ph, const char *pw)
{
	char guess[32], code[SK_OTP_CODE_MAX + 1];
	sk_signin s;
	int64_t retry = 0, locked_until;

	printf("\n== Someone guesses the password (from 198.51.100.7)\n");
	for (int i = 1; i <= 3; i++) {
		snprintf(guess, sizeof(guess), "Guess-%d-%d!", i, 1000 * i);
		sk_signin_start(ctx, &s, "198.51.100.7");
		expect(i < 3 ? "a wrong password" : "a third wrong password",
		       sk_signin_password(ctx, &s, "admin", guess, strlen(guess), &retry),
		       i < 3 ? SK_ERR_AUTH : SK_ERR_LOCKED);
	}
	locked_until = retry;
	printf("      locked for %" PRId64 " s (each new lock doubles it, up to 15 min)\n",
	       locked_until - sk_ctx_now(ctx));
	sk_signin_start(ctx, &s, "198.51.100.7");
	expect("even the right password, while locked",
	       sk_signin_password(ctx, &s, "admin", pw, strlen(pw), &retry), SK_ERR_LOCKED);

	printf("\n== Meanwhile the owner signs in (from 192.0.2.10)\n");
	sk_signin_start(ctx, &s, "192.0.2.10");
	expect("password", sk_signin_password(ctx, &s, "admin", pw, strlen(pw), &retry), SK_OK);
	expect_step(&s, SK_STEP_MFA);
	expect("the code used at enrollment, again", sk_signin_mfa(ctx, &s, ph->used_code, &retry),
	       SK_ERR_REPLAY);
	clk->offset += sk_ctx_config(ctx)->otp.period; /* the owner waits for the next code */
	phone_code(ctx, ph, sk_ctx_now(ctx), code);
	expect("the next code", sk_signin_mfa(ctx, &s, code, &retry), SK_OK);
	expect_step(&s, SK_STEP_DONE);

	printf("\n== When the lock has ended (from 198.51.100.7)\n");
	if (locked_until > sk_ctx_now(ctx))
		clk->offset += locked_until - sk_ctx_now(ctx);
	sk_signin_start(ctx, &s, "198.51.100.7");
	expect("the right password",
	       sk_signin_password(ctx, &s, "admin", pw, strlen(pw), &retry), SK_OK);
	expect_step(&s, SK_STEP_MFA); /* and without the phone, no further */
}

int
main(int argc, char **argv)
{
	char pw[] = "Sakura-Kamera-7319!"; /* the owner's new password */
	char dir[PATH_MAX], key_path[PATH_MAX + 16], state_path[PATH_MAX + 16];
	struct device_clock clk = {0};
	struct phone ph;
	struct rusage ru;
	sk_ctx *ctx;
	sk_user admin;
	unsigned devices = 0;
	int64_t before = -1, events = 0, bad = 0;
	int fresh;

	if (argc > 2 || (argc == 2 && strlen(argv[1]) >= sizeof(dir) - 32)) {
		fprintf(stderr, "usage: device_store [DIR]\n");
		return 2;
	}
	if (argc == 2) {
		memcpy(dir, argv[1], strlen(argv[1]) + 1);
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			fprintf(stderr, "device_store: %s: %s\n", dir, strerror(errno));
			return 1;
		}
	} else {
		const char *base = getenv("TMPDIR");
		snprintf(dir, sizeof(dir), "%s/device_store.XXXXXX",
			 base && *base && strlen(base) < 512 ? base : "/tmp");
		if (mkdtemp(dir) == NULL) {
			fprintf(stderr, "device_store: mkdtemp: %s\n", strerror(errno));
			return 1;
		}
		memcpy(tmp_dir, dir, sizeof(tmp_dir));
		atexit(remove_tmp_dir);
	}
	snprintf(key_path, sizeof(key_path), "%s/sekisho.key", dir);
	snprintf(state_path, sizeof(state_path), "%s/sekisho.state", dir);
	memset(&ph, 0, sizeof(ph));
	printf("libsekisho %s on a device; key file and state in %s\n", SEKISHO_VERSION, dir);

	/* The key file is made once, at the factory or at first power on. */
	if (access(key_path, F_OK) != 0) {
		if (access(state_path, F_OK) == 0) {
			fprintf(stderr, "device_store: %s exists but its key file does not\n",
				state_path);
			return 1;
		}
		expect("sk_vault_key_create (0600)", sk_vault_key_create(key_path), SK_OK);
	}
	ctx = boot(dir, key_path, &clk);
	fresh = sk_account_get(ctx, "admin", &admin) == SK_ERR_NOTFOUND;
	if (fresh) {
		first_sign_in(ctx, &ph, pw);
		attack(ctx, &clk, &ph, pw);
		expect("sk_audit_verify", sk_audit_verify(ctx, &before, &bad), SK_OK);
	} else {
		printf("\n== The device was set up by an earlier run\n");
	}

	printf("\n== Power cycle: the same key file and state file\n");
	sk_ctx_free(ctx);
	ctx = boot(dir, key_path, &clk);
	expect("sk_account_get admin", sk_account_get(ctx, "admin", &admin), SK_OK);
	expect("sk_mfa_count", sk_mfa_count(ctx, admin.id, &devices), SK_OK);
	printf("      admin: role %s, must change password: %s, devices: %u\n",
	       sk_role_name(admin.role), admin.must_change ? "yes" : "no", devices);
	if (fresh && (admin.role != SK_ROLE_ADMIN || admin.must_change || devices != 1)) {
		fprintf(stderr, "device_store: FAILED: the account did not survive the reboot\n");
		return 1;
	}
	expect("sk_audit_verify", sk_audit_verify(ctx, &events, &bad), SK_OK);
	printf("      %" PRId64 " audit events, chain intact\n", events);
	if (fresh && events != before) {
		fprintf(stderr, "device_store: FAILED: %" PRId64 " events before, %" PRId64
				" after\n", before, events);
		return 1;
	}
	sk_ctx_free(ctx);
	sodium_memzero(&ph, sizeof(ph));
	sodium_memzero(pw, sizeof(pw));
	if (getrusage(RUSAGE_SELF, &ru) == 0)
		printf("\npeak RSS: %ld KiB\n", ru.ru_maxrss);
	printf("device_store: every step behaved as expected\n");
	return 0;
}
