/*
 * lib/host/store_sqlite.c - the SQLite back end of store.h (DESIGN 5).
 *
 * The only SQL of the product lives here, and all of it is constant text:
 * data reaches SQLite through sqlite3_bind_*() alone.
 *
 * Threads: a store is one SQLite connection opened with SQLITE_OPEN_NOMUTEX,
 * so it must be used by one thread at a time.  The rule is one store per
 * thread (or per process); several connections, in any number of processes,
 * share one database file safely through SQLite's WAL locking.
 *
 * Statements: the single-row operations use statements prepared once, on
 * first use, and finalized by close.  The list operations prepare a fresh
 * statement for every call, because their callbacks may call other store
 * operations - including the same list - while the list is still stepping.
 *
 * Bindings use SQLITE_STATIC, so SQLite does not copy the caller's strings
 * and blobs (password hashes, sealed secrets) into its own heap; every
 * operation clears its bindings before it returns, which is what makes
 * SQLITE_STATIC safe.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "sekisho/apitoken.h"
#include "sekisho/error.h"
#include "sekisho/session.h"
#include "sekisho/store.h"

#define BUSY_TIMEOUT_MS 5000

/*
 * Schema migrations.  migrations[i] takes a database from version i to
 * version i + 1; each runs in its own transaction together with the update
 * of meta.schema_version.  Never edit a released entry: append a new one.
 *
 * STRICT tables (SQLite 3.37+) reject values of the wrong type instead of
 * storing them.  uint64 values (devices.last_step) are stored as the int64
 * with the same bit pattern.  The UNIQUE (user_id, name) index of devices
 * also serves the lookups of devices by user, so it needs no index of its
 * own.  counters has no index on updated_at: counter_put runs on every
 * failed sign-in, counter_prune only now and then.
 */
/*
 * Ids are AUTOINCREMENT: a deleted account's id is never given to a new one,
 * so a sign-in, approval or session that remembers an id can never continue
 * as somebody else (found by the embedding example's review).
 */
static const char *const migrations[] = {
	/* 1 */
	"CREATE TABLE meta ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL"
	") STRICT;"
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  name TEXT NOT NULL UNIQUE,"
	"  email TEXT NOT NULL DEFAULT '',"
	"  role INTEGER NOT NULL DEFAULT 0,"
	"  pwhash TEXT NOT NULL DEFAULT '',"
	"  must_change INTEGER NOT NULL DEFAULT 0,"
	"  disabled INTEGER NOT NULL DEFAULT 0,"
	"  expires_at INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL DEFAULT 0,"
	"  password_changed_at INTEGER NOT NULL DEFAULT 0,"
	"  last_signin_at INTEGER NOT NULL DEFAULT 0,"
	"  last_signin_addr TEXT NOT NULL DEFAULT ''"
	") STRICT;"
	"CREATE TABLE devices ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  type INTEGER NOT NULL,"
	"  alg INTEGER NOT NULL,"
	"  digits INTEGER NOT NULL,"
	"  period INTEGER NOT NULL,"
	"  secret BLOB NOT NULL,"
	"  confirmed INTEGER NOT NULL DEFAULT 0,"
	"  last_step INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL DEFAULT 0,"
	"  last_used_at INTEGER NOT NULL DEFAULT 0,"
	"  UNIQUE (user_id, name)"
	") STRICT;"
	"CREATE TABLE recovery_codes ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
	"  hint TEXT NOT NULL,"
	"  hash TEXT NOT NULL,"
	"  used_at INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"CREATE INDEX recovery_codes_user ON recovery_codes (user_id);"
	"CREATE TABLE counters ("
	"  key TEXT PRIMARY KEY,"
	"  failures INTEGER NOT NULL DEFAULT 0,"
	"  consecutive INTEGER NOT NULL DEFAULT 0,"
	"  level INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0,"
	"  updated_at INTEGER NOT NULL DEFAULT 0"
	") STRICT, WITHOUT ROWID;"
	"CREATE TABLE audit ("
	"  seq INTEGER PRIMARY KEY,"
	"  ts INTEGER NOT NULL,"
	"  actor TEXT NOT NULL,"
	"  action TEXT NOT NULL,"
	"  target TEXT NOT NULL,"
	"  addr TEXT NOT NULL,"
	"  result TEXT NOT NULL,"
	"  detail TEXT NOT NULL,"
	"  prev BLOB NOT NULL,"
	"  hash BLOB NOT NULL"
	") STRICT;"
	"CREATE TABLE approvals ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  action TEXT NOT NULL,"
	"  target TEXT NOT NULL,"
	"  param TEXT NOT NULL,"
	"  requested_by TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  state INTEGER NOT NULL,"
	"  decided_by TEXT NOT NULL DEFAULT '',"
	"  decided_at INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"CREATE TABLE grants ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
	"  role INTEGER NOT NULL,"
	"  until INTEGER NOT NULL,"
	"  granted_by TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX grants_user ON grants (user_id);",
	/* 2: portal sessions (sekisho/session.h); only token hashes are kept */
	"CREATE TABLE sessions ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  token_hash BLOB NOT NULL UNIQUE,"
	"  step INTEGER NOT NULL,"
	"  user_id INTEGER NOT NULL,"
	"  name TEXT NOT NULL,"
	"  addr TEXT NOT NULL,"
	"  started_at INTEGER NOT NULL,"
	"  enroll_device_id INTEGER NOT NULL,"
	"  mfa_ok INTEGER NOT NULL,"
	"  used_recovery INTEGER NOT NULL,"
	"  agent TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  last_seen_at INTEGER NOT NULL,"
	"  mfa_at INTEGER NOT NULL"
	") STRICT;"
	"CREATE INDEX sessions_user ON sessions (user_id);"
	"CREATE INDEX sessions_seen ON sessions (last_seen_at);",
	/*
	 * 3: API tokens (sekisho/apitoken.h); only token hashes are kept.  A
	 * name is unique among an owner's unrevoked tokens (partial index), so
	 * a revoked token's name can be used again.  That index leaves revoked
	 * tokens out, so the lookups by owner have an index of their own.
	 */
	"CREATE TABLE apitokens ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  token_hash BLOB NOT NULL UNIQUE,"
	"  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  scope INTEGER NOT NULL,"
	"  created_by TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  last_used_at INTEGER NOT NULL DEFAULT 0,"
	"  revoked_at INTEGER NOT NULL DEFAULT 0"
	") STRICT;"
	"CREATE INDEX apitokens_user ON apitokens (user_id);"
	"CREATE UNIQUE INDEX apitokens_live_name ON apitokens (user_id, name) "
	"WHERE revoked_at = 0;",
	/*
	 * 4: audit search by account (sk_audit_find): the account page's recent
	 * events and the console's filters, without walking the chain.
	 */
	"CREATE INDEX audit_actor ON audit (actor COLLATE NOCASE);"
	"CREATE INDEX audit_target ON audit (target COLLATE NOCASE);",
};

#define SCHEMA_VERSION ((int64_t)(sizeof(migrations) / sizeof(migrations[0])))

/* Column lists: the row decoders below read the columns in this order. */
#define USER_COLS "id, name, email, role, pwhash, must_change, disabled, " \
	"expires_at, created_at, password_changed_at, last_signin_at, last_signin_addr"
#define DEVICE_COLS "id, user_id, name, type, alg, digits, period, secret, " \
	"confirmed, last_step, created_at, last_used_at"
#define RECOVERY_COLS "id, user_id, hint, hash, used_at"
#define COUNTER_COLS "key, failures, consecutive, level, locked_until, updated_at"
#define AUDIT_COLS "seq, ts, actor, action, target, addr, result, detail, prev, hash"
#define APPROVAL_COLS "id, action, target, param, requested_by, created_at, " \
	"expires_at, state, decided_by, decided_at"
#define GRANT_COLS "id, user_id, role, until, granted_by, created_at"

/* The cached statements. */
enum stmt_id {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_META_GET,
	ST_META_SET,
	ST_USER_BY_NAME,
	ST_USER_BY_ID,
	ST_USER_INSERT,
	ST_USER_UPDATE,
	ST_USER_DELETE,
	ST_DEVICE_GET,
	ST_DEVICE_INSERT,
	ST_DEVICE_UPDATE,
	ST_DEVICE_DELETE,
	ST_RECOVERY_INSERT,
	ST_RECOVERY_MARK_USED,
	ST_RECOVERY_DELETE_ALL,
	ST_COUNTER_GET,
	ST_COUNTER_PUT,
	ST_COUNTER_DELETE_PREFIX,
	ST_COUNTER_PRUNE,
	ST_AUDIT_LAST,
	ST_AUDIT_APPEND,
	ST_APPROVAL_INSERT,
	ST_APPROVAL_GET,
	ST_APPROVAL_UPDATE,
	ST_GRANT_INSERT,
	ST_GRANT_DELETE,
	ST__COUNT
};

static const char *const stmt_sql[ST__COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_META_GET] = "SELECT value FROM meta WHERE key = ?1",
	[ST_META_SET] = "INSERT INTO meta (key, value) VALUES (?1, ?2) "
	    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",

	[ST_USER_BY_NAME] = "SELECT " USER_COLS " FROM users WHERE name = ?1",
	[ST_USER_BY_ID] = "SELECT " USER_COLS " FROM users WHERE id = ?1",
	[ST_USER_INSERT] = "INSERT INTO users (name, email, role, pwhash, "
	    "must_change, disabled, expires_at, created_at, password_changed_at, "
	    "last_signin_at, last_signin_addr) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_USER_UPDATE] = "UPDATE users SET name = ?1, email = ?2, role = ?3, "
	    "pwhash = ?4, must_change = ?5, disabled = ?6, expires_at = ?7, "
	    "created_at = ?8, password_changed_at = ?9, last_signin_at = ?10, "
	    "last_signin_addr = ?11 WHERE id = ?12",
	[ST_USER_DELETE] = "DELETE FROM users WHERE id = ?1",

	[ST_DEVICE_GET] = "SELECT " DEVICE_COLS " FROM devices WHERE id = ?1",
	[ST_DEVICE_INSERT] = "INSERT INTO devices (user_id, name, type, alg, "
	    "digits, period, secret, confirmed, last_step, created_at, last_used_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
	[ST_DEVICE_UPDATE] = "UPDATE devices SET user_id = ?1, name = ?2, "
	    "type = ?3, alg = ?4, digits = ?5, period = ?6, secret = ?7, "
	    "confirmed = ?8, last_step = ?9, created_at = ?10, last_used_at = ?11 "
	    "WHERE id = ?12",
	[ST_DEVICE_DELETE] = "DELETE FROM devices WHERE id = ?1",

	[ST_RECOVERY_INSERT] = "INSERT INTO recovery_codes (user_id, hint, hash, "
	    "used_at) VALUES (?1, ?2, ?3, ?4)",
	[ST_RECOVERY_MARK_USED] = "UPDATE recovery_codes SET used_at = ?1 "
	    "WHERE id = ?2 AND used_at = 0",
	[ST_RECOVERY_DELETE_ALL] = "DELETE FROM recovery_codes WHERE user_id = ?1",

	[ST_COUNTER_GET] = "SELECT " COUNTER_COLS " FROM counters WHERE key = ?1",
	[ST_COUNTER_PUT] = "INSERT INTO counters (" COUNTER_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (key) DO UPDATE SET "
	    "failures = excluded.failures, consecutive = excluded.consecutive, "
	    "level = excluded.level, locked_until = excluded.locked_until, "
	    "updated_at = excluded.updated_at",
	/*
	 * A literal prefix: no LIKE or GLOB, so '%', '_', '*' in keys match only
	 * themselves.  Compared as bytes (CAST AS BLOB): length() and substr()
	 * of TEXT count characters, which is the same thing only for valid UTF-8.
	 */
	[ST_COUNTER_DELETE_PREFIX] = "DELETE FROM counters WHERE "
	    "substr(CAST(key AS BLOB), 1, length(CAST(?1 AS BLOB))) = CAST(?1 AS BLOB)",
	/* Locks "until unlocked" (INT64_MAX) are never pruned, whatever ?1 is. */
	[ST_COUNTER_PRUNE] = "DELETE FROM counters WHERE updated_at < ?1 "
	    "AND locked_until <> 9223372036854775807 "
	    "AND (locked_until = 0 OR locked_until < ?1)",

	[ST_AUDIT_LAST] = "SELECT " AUDIT_COLS " FROM audit ORDER BY seq DESC LIMIT 1",
	[ST_AUDIT_APPEND] = "INSERT INTO audit (" AUDIT_COLS ") "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",

	[ST_APPROVAL_INSERT] = "INSERT INTO approvals (action, target, param, "
	    "requested_by, created_at, expires_at, state, decided_by, decided_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
	[ST_APPROVAL_GET] = "SELECT " APPROVAL_COLS " FROM approvals WHERE id = ?1",
	[ST_APPROVAL_UPDATE] = "UPDATE approvals SET action = ?1, target = ?2, "
	    "param = ?3, requested_by = ?4, created_at = ?5, expires_at = ?6, "
	    "state = ?7, decided_by = ?8, decided_at = ?9 WHERE id = ?10",

	[ST_GRANT_INSERT] = "INSERT INTO grants (user_id, role, until, granted_by, "
	    "created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
	[ST_GRANT_DELETE] = "DELETE FROM grants WHERE id = ?1",
};

/* The list operations' statements, prepared afresh by every call. */
#define SQL_USER_LIST "SELECT " USER_COLS " FROM users ORDER BY id"
#define SQL_DEVICE_LIST "SELECT " DEVICE_COLS " FROM devices WHERE user_id = ?1 ORDER BY id"
#define SQL_RECOVERY_LIST "SELECT " RECOVERY_COLS " FROM recovery_codes " \
	"WHERE user_id = ?1 ORDER BY id"
#define SQL_AUDIT_LIST "SELECT " AUDIT_COLS " FROM audit WHERE seq >= ?1 ORDER BY seq"
#define SQL_APPROVAL_LIST "SELECT " APPROVAL_COLS " FROM approvals ORDER BY id"
#define SQL_GRANT_LIST_ALL "SELECT " GRANT_COLS " FROM grants ORDER BY id"
#define SQL_GRANT_LIST_USER "SELECT " GRANT_COLS " FROM grants WHERE user_id = ?1 ORDER BY id"

struct sqlite_store {
	struct sk_store base;
	sqlite3 *db;
	sqlite3_stmt *stmt[ST__COUNT];
};

static struct sqlite_store *
ss_of(sk_store *s)
{
	return (struct sqlite_store *)s;
}

/* Maps an (extended) SQLite result code to a store error. */
static int
map_rc(int rc)
{
	switch (rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return SK_ERR_EXISTS;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		/* e.g. a device for a user that is gone */
		return SK_ERR_NOTFOUND;
	default:
		break;
	}
	switch (rc & 0xff) {
	case SQLITE_OK:
		return SK_OK;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return SK_ERR_BUSY;
	case SQLITE_NOMEM:
		return SK_ERR_NOMEM;
	default:
		return SK_ERR_STORE;
	}
}

/* Returns the cached statement id, preparing it on first use. */
static int
stmt_get(struct sqlite_store *ss, enum stmt_id id, sqlite3_stmt **out)
{
	int rc;

	*out = NULL;
	if (ss->stmt[id] == NULL) {
		rc = sqlite3_prepare_v3(ss->db, stmt_sql[id], -1,
		    SQLITE_PREPARE_PERSISTENT, &ss->stmt[id], NULL);
		if (rc != SQLITE_OK)
			return map_rc(rc);
	}
	*out = ss->stmt[id];
	return SK_OK;
}

/* Ends the use of a statement: no lock held, no pointer to caller memory kept. */
static void
stmt_done(sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	(void)sqlite3_reset(st);
	(void)sqlite3_clear_bindings(st);
}

/* Steps a statement that returns no rows. */
static int
step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	return rc == SQLITE_DONE ? SK_OK : map_rc(rc);
}

/* Steps a statement that returns at most one row: SK_OK on a row, NOTFOUND without. */
static int
step_row(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc == SQLITE_ROW)
		return SK_OK;
	if (rc == SQLITE_DONE)
		return SK_ERR_NOTFOUND;
	return map_rc(rc);
}

/* Runs one constant statement outside the cache (open and migrations only). */
static int
exec_sql(sqlite3 *db, const char *sql)
{
	return map_rc(sqlite3_exec(db, sql, NULL, NULL, NULL));
}

/*
 * Binding: parameters are numbered in the order of the calls; the first
 * failure is kept in r.
 */
struct binder {
	sqlite3_stmt *st;
	int i;
	int r;
};

static void
bind_rc(struct binder *b, int rc)
{
	if (rc != SQLITE_OK && b->r == SK_OK)
		b->r = map_rc(rc);
}

static void
bind_i64(struct binder *b, int64_t v)
{
	bind_rc(b, sqlite3_bind_int64(b->st, ++b->i, v));
}

/* uint64 stored as the int64 with the same bits. */
static void
bind_u64(struct binder *b, uint64_t v)
{
	int64_t i;

	memcpy(&i, &v, sizeof i);
	bind_i64(b, i);
}

/* A C string argument of an operation (a name, a key). */
static void
bind_str(struct binder *b, const char *s)
{
	bind_rc(b, sqlite3_bind_text(b->st, ++b->i, s, -1, SQLITE_STATIC));
}

/* A string field of a record: must be NUL-terminated within its array. */
static void
bind_field(struct binder *b, const char *s, size_t size)
{
	size_t n = strnlen(s, size);

	++b->i;
	if (n == size) {
		if (b->r == SK_OK)
			b->r = SK_ERR_INVALID;
		return;
	}
	bind_rc(b, sqlite3_bind_text(b->st, b->i, s, (int)n, SQLITE_STATIC));
}

/* field must be an array, not a pointer. */
#define BIND_FIELD(b, field) bind_field((b), (field), sizeof(field))

static void
bind_blob(struct binder *b, const void *p, size_t n, size_t size)
{
	++b->i;
	if (n > size) {
		if (b->r == SK_OK)
			b->r = SK_ERR_INVALID;
		return;
	}
	bind_rc(b, sqlite3_bind_blob(b->st, b->i, p, (int)n, SQLITE_STATIC));
}

/*
 * Reading a row: columns are read in the order of the calls; a value that
 * does not fit the record (wrong type, out of range, too long) is a corrupt
 * database, SK_ERR_STORE, never a silent truncation.
 */
struct reader {
	sqlite3_stmt *st;
	int i;
	int r;
};

static void
read_fail(struct reader *rd)
{
	if (rd->r == SK_OK)
		rd->r = SK_ERR_STORE;
}

static int64_t
read_i64(struct reader *rd)
{
	int col = rd->i++;

	if (sqlite3_column_type(rd->st, col) != SQLITE_INTEGER) {
		read_fail(rd);
		return 0;
	}
	return sqlite3_column_int64(rd->st, col);
}

static uint64_t
read_u64(struct reader *rd)
{
	int64_t i = read_i64(rd);
	uint64_t v;

	memcpy(&v, &i, sizeof v);
	return v;
}

static int
read_int(struct reader *rd)
{
	int64_t v = read_i64(rd);

	if (v < INT_MIN || v > INT_MAX) {
		read_fail(rd);
		return 0;
	}
	return (int)v;
}

static uint32_t
read_u32(struct reader *rd)
{
	int64_t v = read_i64(rd);

	if (v < 0 || v > UINT32_MAX) {
		read_fail(rd);
		return 0;
	}
	return (uint32_t)v;
}

static unsigned
read_uint(struct reader *rd)
{
	int64_t v = read_i64(rd);

	if (v < 0 || (uint64_t)v > UINT_MAX) {
		read_fail(rd);
		return 0;
	}
	return (unsigned)v;
}

static void
read_text(struct reader *rd, char *dst, size_t size)
{
	int col = rd->i++;
	const unsigned char *t;
	int n;

	dst[0] = '\0';
	if (sqlite3_column_type(rd->st, col) != SQLITE_TEXT) {
		read_fail(rd);
		return;
	}
	t = sqlite3_column_text(rd->st, col);
	n = sqlite3_column_bytes(rd->st, col);
	if (t == NULL || n < 0 || (size_t)n >= size || memchr(t, '\0', (size_t)n) != NULL) {
		read_fail(rd);
		return;
	}
	memcpy(dst, t, (size_t)n);
	dst[n] = '\0';
}

#define READ_FIELD(rd, field) read_text((rd), (field), sizeof(field))

/* Reads a blob of at most size bytes; *len gets its length. */
static void
read_blob(struct reader *rd, void *dst, size_t size, size_t *len)
{
	int col = rd->i++;
	const void *p;
	int n;

	*len = 0;
	/* NOT NULL BLOB columns of STRICT tables: anything else is corrupt */
	if (sqlite3_column_type(rd->st, col) != SQLITE_BLOB) {
		read_fail(rd);
		return;
	}
	p = sqlite3_column_blob(rd->st, col);
	n = sqlite3_column_bytes(rd->st, col);
	if (n < 0 || (size_t)n > size || (n > 0 && p == NULL)) {
		read_fail(rd);
		return;
	}
	if (n > 0)
		memcpy(dst, p, (size_t)n);
	*len = (size_t)n;
}

static void
read_blob_exact(struct reader *rd, void *dst, size_t size)
{
	size_t len;

	read_blob(rd, dst, size, &len);
	if (len != size)
		read_fail(rd);
}

/* Row decoders.  On failure the record is wiped. */

static int
row_user(sqlite3_stmt *st, sk_user *u)
{
	struct reader rd = {st, 0, SK_OK};

	memset(u, 0, sizeof *u);
	u->id = read_i64(&rd);
	READ_FIELD(&rd, u->name);
	READ_FIELD(&rd, u->email);
	u->role = (sk_role)read_int(&rd);
	READ_FIELD(&rd, u->pwhash);
	u->must_change = read_int(&rd);
	u->disabled = read_int(&rd);
	u->expires_at = read_i64(&rd);
	u->created_at = read_i64(&rd);
	u->password_changed_at = read_i64(&rd);
	u->last_signin_at = read_i64(&rd);
	READ_FIELD(&rd, u->last_signin_addr);
	if (rd.r != SK_OK)
		sodium_memzero(u, sizeof *u);
	return rd.r;
}

static int
row_device(sqlite3_stmt *st, sk_device *d)
{
	struct reader rd = {st, 0, SK_OK};

	memset(d, 0, sizeof *d);
	d->id = read_i64(&rd);
	d->user_id = read_i64(&rd);
	READ_FIELD(&rd, d->name);
	d->type = (sk_device_type)read_int(&rd);
	d->alg = read_int(&rd);
	d->digits = read_uint(&rd);
	d->period = read_uint(&rd);
	read_blob(&rd, d->secret, sizeof d->secret, &d->secret_len);
	d->confirmed = read_int(&rd);
	d->last_step = read_u64(&rd);
	d->created_at = read_i64(&rd);
	d->last_used_at = read_i64(&rd);
	if (rd.r != SK_OK)
		sodium_memzero(d, sizeof *d);
	return rd.r;
}

static int
row_recovery(sqlite3_stmt *st, sk_recovery_code *c)
{
	struct reader rd = {st, 0, SK_OK};

	memset(c, 0, sizeof *c);
	c->id = read_i64(&rd);
	c->user_id = read_i64(&rd);
	READ_FIELD(&rd, c->hint);
	READ_FIELD(&rd, c->hash);
	c->used_at = read_i64(&rd);
	if (rd.r != SK_OK)
		sodium_memzero(c, sizeof *c);
	return rd.r;
}

static int
row_counter(sqlite3_stmt *st, sk_counter *c)
{
	struct reader rd = {st, 0, SK_OK};

	memset(c, 0, sizeof *c);
	READ_FIELD(&rd, c->key);
	c->failures = read_u32(&rd);
	c->consecutive = read_u32(&rd);
	c->level = read_u32(&rd);
	c->locked_until = read_i64(&rd);
	c->updated_at = read_i64(&rd);
	if (rd.r != SK_OK)
		memset(c, 0, sizeof *c);
	return rd.r;
}

static int
row_audit(sqlite3_stmt *st, sk_audit_event *e)
{
	struct reader rd = {st, 0, SK_OK};

	memset(e, 0, sizeof *e);
	e->seq = read_i64(&rd);
	e->ts = read_i64(&rd);
	READ_FIELD(&rd, e->actor);
	READ_FIELD(&rd, e->action);
	READ_FIELD(&rd, e->target);
	READ_FIELD(&rd, e->addr);
	READ_FIELD(&rd, e->result);
	READ_FIELD(&rd, e->detail);
	read_blob_exact(&rd, e->prev, sizeof e->prev);
	read_blob_exact(&rd, e->hash, sizeof e->hash);
	if (rd.r != SK_OK)
		memset(e, 0, sizeof *e);
	return rd.r;
}

static int
row_approval(sqlite3_stmt *st, sk_approval *a)
{
	struct reader rd = {st, 0, SK_OK};

	memset(a, 0, sizeof *a);
	a->id = read_i64(&rd);
	READ_FIELD(&rd, a->action);
	READ_FIELD(&rd, a->target);
	READ_FIELD(&rd, a->param);
	READ_FIELD(&rd, a->requested_by);
	a->created_at = read_i64(&rd);
	a->expires_at = read_i64(&rd);
	a->state = (sk_approval_state)read_int(&rd);
	READ_FIELD(&rd, a->decided_by);
	a->decided_at = read_i64(&rd);
	if (rd.r != SK_OK)
		memset(a, 0, sizeof *a);
	return rd.r;
}

static int
row_grant(sqlite3_stmt *st, sk_grant *g)
{
	struct reader rd = {st, 0, SK_OK};

	memset(g, 0, sizeof *g);
	g->id = read_i64(&rd);
	g->user_id = read_i64(&rd);
	g->role = (sk_role)read_int(&rd);
	g->until = read_i64(&rd);
	READ_FIELD(&rd, g->granted_by);
	g->created_at = read_i64(&rd);
	if (rd.r != SK_OK)
		memset(g, 0, sizeof *g);
	return rd.r;
}

/* Record binders, in the order of the INSERT/UPDATE parameter lists. */

static void
bind_user(struct binder *b, const sk_user *u)
{
	BIND_FIELD(b, u->name);
	BIND_FIELD(b, u->email);
	bind_i64(b, (int64_t)u->role);
	BIND_FIELD(b, u->pwhash);
	bind_i64(b, u->must_change);
	bind_i64(b, u->disabled);
	bind_i64(b, u->expires_at);
	bind_i64(b, u->created_at);
	bind_i64(b, u->password_changed_at);
	bind_i64(b, u->last_signin_at);
	BIND_FIELD(b, u->last_signin_addr);
}

static void
bind_device(struct binder *b, const sk_device *d)
{
	bind_i64(b, d->user_id);
	BIND_FIELD(b, d->name);
	bind_i64(b, (int64_t)d->type);
	bind_i64(b, d->alg);
	bind_i64(b, d->digits);
	bind_i64(b, d->period);
	bind_blob(b, d->secret, d->secret_len, sizeof d->secret);
	bind_i64(b, d->confirmed);
	bind_u64(b, d->last_step);
	bind_i64(b, d->created_at);
	bind_i64(b, d->last_used_at);
}

static void
bind_approval(struct binder *b, const sk_approval *a)
{
	BIND_FIELD(b, a->action);
	BIND_FIELD(b, a->target);
	BIND_FIELD(b, a->param);
	BIND_FIELD(b, a->requested_by);
	bind_i64(b, a->created_at);
	bind_i64(b, a->expires_at);
	bind_i64(b, (int64_t)a->state);
	BIND_FIELD(b, a->decided_by);
	bind_i64(b, a->decided_at);
}

/* Runs a write statement whose parameters are bound; optionally requires a changed row. */
static int
run_write(struct sqlite_store *ss, sqlite3_stmt *st, int r, int need_change)
{
	if (r == SK_OK)
		r = step_done(st);
	if (r == SK_OK && need_change && sqlite3_changes(ss->db) == 0)
		r = SK_ERR_NOTFOUND;
	stmt_done(st);
	return r;
}

/* Runs a statement with one int64 parameter that must change a row. */
static int
run_by_id(struct sqlite_store *ss, enum stmt_id id, int64_t v, int need_change)
{
	struct binder b = {NULL, 0, SK_OK};
	int r;

	if ((r = stmt_get(ss, id, &b.st)) != SK_OK)
		return r;
	bind_i64(&b, v);
	return run_write(ss, b.st, b.r, need_change);
}

/* Prepares a list statement afresh (see the top of the file). */
static int
list_prepare(struct sqlite_store *ss, const char *sql, sqlite3_stmt **out)
{
	int rc = sqlite3_prepare_v2(ss->db, sql, -1, out, NULL);

	if (rc != SQLITE_OK) {
		*out = NULL;
		return map_rc(rc);
	}
	return SK_OK;
}

/*
 * Runs a list query, binding *param when given, and hands each row to emit,
 * which decodes it into a record, calls the caller's callback and wipes the
 * record.  Stops at the first nonzero emit result and returns it (the
 * store.h contract: a callback's nonzero value, or a store error).
 */
static int
run_list(struct sqlite_store *ss, const char *sql, const int64_t *param,
	 int (*emit)(sqlite3_stmt *st, void *list), void *list)
{
	struct binder b = {NULL, 0, SK_OK};
	int r, rc;

	if ((r = list_prepare(ss, sql, &b.st)) != SK_OK)
		return r;
	if (param != NULL)
		bind_i64(&b, *param);
	if ((r = b.r) != SK_OK)
		goto out;
	while ((rc = sqlite3_step(b.st)) == SQLITE_ROW)
		if ((r = emit(b.st, list)) != 0)
			goto out;
	r = rc == SQLITE_DONE ? SK_OK : map_rc(rc);
out:
	(void)sqlite3_finalize(b.st);
	return r;
}

/* One emit function per record type: decode, call back, wipe. */
#define LIST_EMITTER(name, type, cb_type, row_fn)                      \
	struct name##_list {                                           \
		cb_type cb;                                            \
		void *arg;                                             \
	};                                                             \
	static int name##_emit(sqlite3_stmt *st, void *list)           \
	{                                                              \
		struct name##_list *l = list;                          \
		type rec;                                              \
		int r = row_fn(st, &rec);                              \
		if (r == SK_OK)                                        \
			r = l->cb(l->arg, &rec);                       \
		sodium_memzero(&rec, sizeof rec);                      \
		return r;                                              \
	}

/* ---- transactions ------------------------------------------------------ */

static void
sq_close(sk_store *s)
{
	struct sqlite_store *ss;
	size_t i;

	if (s == NULL)
		return;
	ss = ss_of(s);
	for (i = 0; i < ST__COUNT; i++)
		(void)sqlite3_finalize(ss->stmt[i]);
	/* an open transaction is rolled back by SQLite */
	(void)sqlite3_close_v2(ss->db);
	free(ss);
}

static int
sq_simple(sk_store *s, enum stmt_id id)
{
	struct sqlite_store *ss = ss_of(s);
	sqlite3_stmt *st;
	int r;

	if ((r = stmt_get(ss, id, &st)) != SK_OK)
		return r;
	r = step_done(st);
	stmt_done(st);
	return r;
}

static int
sq_begin(sk_store *s)
{
	return sq_simple(s, ST_BEGIN);
}

static int
sq_commit(sk_store *s)
{
	return sq_simple(s, ST_COMMIT);
}

static int
sq_rollback(sk_store *s)
{
	/*
	 * SQLite may already have rolled back by itself (e.g. after
	 * SQLITE_FULL or an I/O error); then there is nothing left to undo.
	 */
	if (sqlite3_get_autocommit(ss_of(s)->db))
		return SK_OK;
	return sq_simple(s, ST_ROLLBACK);
}

/* ---- meta -------------------------------------------------------------- */

static int
sq_meta_get(sk_store *s, const char *key, char *val, size_t val_size)
{
	struct sqlite_store *ss = ss_of(s);
	struct binder b = {NULL, 0, SK_OK};
	struct reader rd;
	int r;

	if (val == NULL || val_size == 0 || key == NULL)
		return SK_ERR_STORE;
	val[0] = '\0';
	if ((r = stmt_get(ss, ST_META_GET, &b.st)) != SK_OK)
		return r;
	bind_str(&b, key);
	if ((r = b.r) == SK_OK && (r = step_row(b.st)) == SK_OK) {
		rd = (struct reader){b.st, 0, SK_OK};
		read_text(&rd, val, val_size);
		r = rd.r;
	}
	stmt_done(b.st);
	return r;
}

static int
sq_meta_set(sk_store *s, const char *key, const char *val)
{
	struct sqlite_store *ss = ss_of(s);
	struct binder b = {NULL, 0, SK_OK};
	int r;

	if (key == NULL || val == NULL)
		return SK_ERR_STORE;
	if ((r = stmt_get(ss, ST_META_SET, &b.st)) != SK_OK)
		return r;
	bind_str(&b, key);
	bind_str(&b, val);
	return run_write(ss, b.st, b.r, 0);
}

/* ---- users ------------------------------------------------------------- */

static int
user_get(struct sqlite_store *ss, enum stmt_id id, const char *name, int64_t uid,
    sk_user *out)
{
	struct binder b = {NULL, 0, SK_OK};
	int r;

	memset(out, 0, sizeof *out);
	if ((r = stmt_get(ss, id, &b.st)) != SK_OK)
		return r;
	if (name != NULL)
		bind_str(&b, name);
	else
		bind_i64(&b, uid);
	if ((r = b.r) == SK_OK && (r = step_row(b.st)) == SK_OK)
		r = row_user(b.st, out);
	stmt_done(b.st);
	return r;
}

static int
sq_user_get_by_name(sk_store *s, const char *name, sk_user *out)
{
	if (name == NULL)
		return SK_ERR_NOTFOUND;
	return user_get(ss_of(s), ST_USER_BY_NAME, name, 0, out);
}

static int
sq_user_get_by_id(sk_store *s, int64_t id, sk_user *out)
{
	return user_get(ss_of(s), ST_USER_BY_ID, NULL, id, out);
}

static int
sq_user_insert(sk_store *s, sk_user *u)
{
	struct sqlite_store *ss = ss_of(s);
	struct binder b = {NULL, 0, SK_OK};
	int r;

	if ((r = stmt_get(ss, ST_USER_INSERT, &b.st)) != SK_OK)
		return r;
	bind_user(&b, u);
	if ((r = run_write(ss, b.st, b.r, 0)) == SK_OK)
		u->id = sqlite3_last_insert_rowid(ss->db);
	return r;
}

static int
sq_user_update(sk_store *s, const sk_user *u)
{
	struct sqlite_store *ss = ss_of(s);
	struct binder b = {NULL, 0, SK_OK};
	int r;

	if ((r = stmt_get(ss, ST_USER_UPDATE, &b.st)) != SK_OK)
		return r;
	bind_user(&b, u);
	bind_i64(&b, u->id);
	return run_write(ss, b.st, b.r, 1);
}

/* Devices, recovery codes and grants go with the user (ON DELETE CASCADE). */
static int
sq_user_delete(sk_store *s, int64_t id)
{
	return run_by_id(ss_of(s), ST_USER_DELETE, id, 1);
}

LIST_EMITTER(user, sk_user, sk_user_cb, row_user)

static int
sq_user_list(sk_store *s, sk_user_cb cb, void *arg)
{
	struct user_list l = {cb, arg};

	return run_list(ss_of(s), SQL_USER_LIST, NULL, user_emit, &l);
}

/* ---- devices ----------------------------------------------------------- */

static int
sq_device_get(sk_store *s, int64_t id, sk_device *out)
{
	struct sqlite_store *ss = ss_of(s);
	struct binder b = {NULL, 0, SK_OK};
	int r;

	memset(out, 0, sizeof *out);
	if ((r = stmt_get(ss, ST_DEVICE_GET, &b.st)) != SK_OK)
		return r;
	bind_i64(&b, id);
	if ((r = b.r) == SK_OK && (r = step_row(b.st)) == SK_OK)
		r = row_device(b.st, out);
	stmt_done(b.st);
	return r;
}

static int
sq_device_insert(sk_store *s, sk_device *d)
{
	struct sqlite_store *ss = ss_of(s);
	struct binder b = {NULL, 0, SK_OK};
	int r;

	if ((r = stmt_get(ss, ST_DEVICE_INSERT, &b.st)) != SK_OK)
		return r;
	bind_device(&b, d);
	if ((r = run_write(ss, b.st, b.r, 0)) == SK_OK)
		d->id = sqlite3_last_insert_rowid(ss->db);
	return r;
}

static int
sq_device_update(sk_store *s, const sk_device *d)
{
	struct sqlite_store *ss = ss_of(s);
	struct binder b = {NULL, 0, SK_OK};
	int r;

	if ((r = stmt_get(ss, ST_DEVICE_UPDATE, &b.st)) != SK_OK)
		return r;
	bind_device(&b, d);
	bind_i64(&b, d->id);
	return run_write(ss, b.st, b.r, 1);
}

static int
sq_device_delete(sk_store *s, int64_t id)
{
	return run_by_id(ss_of(s), ST_DEVICE_DELETE, id, 1);
}

LIST_EMITTER(device, sk_device, sk_device_cb, row_device)

static int
sq_device_list(sk_store *s, int64_t user_id, sk_device_cb cb, void *arg)
{
	struct device_list l = {cb, arg};

	return run_list(ss_of(s), SQL_DEVICE_LIST, &user_id, device_emit, &l);
}

/* ---- recovery codes ---------------------------------------------------- */

static int
sq_recovery_insert(sk_store *s, sk_recovery_code *c)
{
	struct sqlite_store *ss = ss_of(s);
	struct binder b = {NULL, 0, SK_OK};
	int r;

	if ((r = stmt_get(ss, ST_RECOVERY_INSERT, &b.st)) != SK_OK)
		return r;
	bind_i64(&b, c->user_id);
	BIND_FIELD(&b, c->hint);
	BIND_FIELD(&b, c->hash);
	bind_i64(&b, c->used_at);
	if ((r = run_write(ss, b.st, b.r, 0)) == SK_OK)
		c->id = sqlite3_last_insert_rowid(ss->db);
	return r;
}

/* One statement, so two concurrent uses of one code cannot both succeed. */
static int
sq_recovery_mark_used(sk_store *s, int64_t id, int64_t used_at)
{
	struct sqlite_store *ss = ss_of(s);
	struct binder b = {NULL, 0, SK_OK};
	int r;

	if ((r = stmt_get(ss, ST_RECOVERY_MARK_USED, &b.st)) != SK_OK)
		return r;
	bind_i64(&b, used_at);
	bind_i64(&b, id);
	return run_write(ss, b.st, b.r, 1);
}

static int
sq_recovery_delete_all(sk_store *s, int64_t user_id)
{
	return run_by_id(ss_of(s), ST_RECOVERY_DELETE_ALL, user_id, 0);
}

LIST_EMITTER(recovery, sk_recovery_code, sk_recovery_cb, row_recovery)

static int
sq_recovery_list(sk_store *s, int64_t user_id, sk_recovery_cb cb, void *arg)
{
	struct recovery_list l = {cb, arg};

	return run_list(ss_of(s), SQL_RECOVERY_LIST, &user_id, recovery_emit, &l);
}

/* ---- lockout counters -------------------------------------------------- */

static int
sq_counter_get(sk_store *s, const char *key, sk_counter *out)
{
	struct sqlite_store *ss = ss_of(s);
	struct binder b = {NULL, 0, SK_OK};
	int r;

	memset(out, 0, sizeof *out);
	if (key == NULL)
		return SK_ERR_NOTFOUND;
	if ((r = stmt_get(ss, ST_COUNTER_GET, &b.st)) != SK_OK)
		return r;
	bind_str(&b, key);
	if ((r = b.r) == SK_OK && (r = step_row(b.st)) == SK_OK)
		r = row_counter(b.st, out);
	stmt_done(b.st);
	return r;
}

static int
sq_counter_put(sk_store *s, const sk_counter *c)
{
	struct sqlite_store *ss = ss_of(s);
	struct binder b = {NULL, 0, SK_OK};
	int r;

	if ((r = stmt_get(ss, ST_COUNTER_PUT, &b.st)) != SK_OK)
		return r;
	BIND_FIELD(&b, c->key);
	bind_i64(&b, c->failures);
	bind_i64(&b, c->consecutive);
	bind_i64(&b, c->level);
	bind_i64(&b, c->locked_until);
	bind_i64(&b, c->updated_at);
	return run_write(ss, b.st, b.r, 0);
}

static int
sq_counter_delete_prefix(sk_store *s, const char *prefix)
{
	struct sqlite_store *ss = ss_of(s);
	struct binder b = {NULL, 0, SK_OK};
	int r;

	if (prefix == NULL)
		return SK_ERR_STORE;
	if ((r = stmt_get(ss, ST_COUNTER_DELETE_PREFIX, &b.st)) != SK_OK)
		return r;
	bind_str(&b, prefix);
	return run_write(ss, b.st, b.r, 0);
}

static int
sq_counter_prune(sk_store *s, int64_t older_than)
{
	return run_by_id(ss_of(s), ST_COUNTER_PRUNE, older_than, 0);
}

/* ---- audit ------------------------------------------------------------- */

static int
sq_audit_last(sk_store *s, sk_audit_event *out)
{
	struct sqlite_store *ss = ss_of(s);
	sqlite3_stmt *st;
	int r;

	memset(out, 0, sizeof *out);
	if ((r = stmt_get(ss, ST_AUDIT_LAST, &st)) != SK_OK)
		return r;
	if ((r = step_row(st)) == SK_OK)
		r = row_audit(st, out);
	stmt_done(st);
	return r;
}

static int
sq_audit_append(sk_store *s, const sk_audit_event *e)
{
	struct sqlite_store *ss = ss_of(s);
	struct binder b = {NULL, 0, SK_OK};
	int r;

	if ((r = stmt_get(ss, ST_AUDIT_APPEND, &b.st)) != SK_OK)
		return r;
	bind_i64(&b, e->seq);
	bind_i64(&b, e->ts);
	BIND_FIELD(&b, e->actor);
	BIND_FIELD(&b, e->action);
	BIND_FIELD(&b, e->target);
	BIND_FIELD(&b, e->addr);
	BIND_FIELD(&b, e->result);
	BIND_FIELD(&b, e->detail);
	bind_blob(&b, e->prev, sizeof e->prev, sizeof e->prev);
	bind_blob(&b, e->hash, sizeof e->hash, sizeof e->hash);
	return run_write(ss, b.st, b.r, 0);
}

/* Events with seq >= from_seq, in seq order. */
LIST_EMITTER(audit, sk_audit_event, sk_audit_cb, row_audit)

static int
sq_audit_list(sk_store *s, int64_t from_seq, sk_audit_cb cb, void *arg)
{
	struct audit_list l = {cb, arg};

	return run_list(ss_of(s), SQL_AUDIT_LIST, &from_seq, audit_emit, &l);
}

/*
 * Audit search.  The WHERE clause is assembled from constant fragments, one
 * per filter given, so that SQLite can use the actor and target indexes;
 * every value is bound, never spliced.
 */
#define AUDIT_WHERE_MAX 256

static void
audit_where(const sk_audit_query *q, char *where, size_t size)
{
	const char *and = " WHERE ";

	where[0] = '\0';
	if (q->actor != NULL && q->actor[0] != '\0') {
		snprintf(where + strlen(where), size - strlen(where), "%sactor = ? COLLATE NOCASE",
			 and);
		and = " AND ";
	}
	if (q->target != NULL && q->target[0] != '\0') {
		snprintf(where + strlen(where), size - strlen(where), "%starget = ? COLLATE NOCASE",
			 and);
		and = " AND ";
	}
	if (q->action_prefix != NULL && q->action_prefix[0] != '\0') {
		snprintf(where + strlen(where), size - strlen(where),
			 "%ssubstr(action, 1, length(?1000)) = ?1000", and);
		and = " AND ";
	}
	if (q->party != NULL && q->party[0] != '\0')
		snprintf(where + strlen(where), size - strlen(where),
			 "%s(actor = ?1001 COLLATE NOCASE OR target = ?1001 COLLATE NOCASE)", and);
}

static void
audit_bind(struct binder *b, const sk_audit_query *q)
{
	if (q->actor != NULL && q->actor[0] != '\0')
		bind_str(b, q->actor);
	if (q->target != NULL && q->target[0] != '\0')
		bind_str(b, q->target);
	if (q->action_prefix != NULL && q->action_prefix[0] != '\0')
		bind_rc(b, sqlite3_bind_text(b->st, 1000, q->action_prefix, -1, SQLITE_STATIC));
	if (q->party != NULL && q->party[0] != '\0')
		bind_rc(b, sqlite3_bind_text(b->st, 1001, q->party, -1, SQLITE_STATIC));
}

static int
sq_audit_find(sk_store *s, const sk_audit_query *q, int64_t *total, sk_audit_cb cb, void *arg)
{
	struct sqlite_store *ss = ss_of(s);
	struct audit_list l = {cb, arg};
	char where[AUDIT_WHERE_MAX], sql[AUDIT_WHERE_MAX + 128];
	struct binder b = {NULL, 0, SK_OK};
	int r, rc;

	audit_where(q, where, sizeof(where));
	if (total != NULL) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit%s", where);
		if ((r = list_prepare(ss, sql, &b.st)) != SK_OK)
			return r;
		audit_bind(&b, q);
		rc = b.r == SK_OK ? sqlite3_step(b.st) : SQLITE_ERROR;
		*total = rc == SQLITE_ROW ? sqlite3_column_int64(b.st, 0) : 0;
		(void)sqlite3_finalize(b.st);
		if (rc != SQLITE_ROW)
			return b.r != SK_OK ? b.r : map_rc(rc);
	}
	snprintf(sql, sizeof(sql), "SELECT " AUDIT_COLS " FROM audit%s ORDER BY seq DESC "
		 "LIMIT ?1002 OFFSET ?1003", where);
	b = (struct binder){NULL, 0, SK_OK};
	if ((r = list_prepare(ss, sql, &b.st)) != SK_OK)
		return r;
	audit_bind(&b, q);
	bind_rc(&b, sqlite3_bind_int64(b.st, 1002, q->limit));
	bind_rc(&b, sqlite3_bind_int64(b.st, 1003, q->offset));
	if ((r = b.r) != SK_OK)
		goto out;
	while ((rc = sqlite3_step(b.st)) == SQLITE_ROW)
		if ((r = audit_emit(b.st, &l)) != 0)
			goto out;
	r = rc == SQLITE_DONE ? SK_OK : map_rc(rc);
out:
	(void)sqlite3_finalize(b.st);
	return r;
}

/* ---- approvals --------------------------------------------------------- */

static int
sq_approval_insert(sk_store *s, sk_approval *a)
{
	struct sqlite_store *ss = ss_of(s);
	struct binder b = {NULL, 0, SK_OK};
	int r;

	if ((r = stmt_get(ss, ST_APPROVAL_INSERT, &b.st)) != SK_OK)
		return r;
	bind_approval(&b, a);
	if ((r = run_write(ss, b.st, b.r, 0)) == SK_OK)
		a->id = sqlite3_last_insert_rowid(ss->db);
	return r;
}

static int
sq_approval_get(sk_store *s, int64_t id, sk_approval *out)
{
	struct sqlite_store *ss = ss_of(s);
	struct binder b = {NULL, 0, SK_OK};
	int r;

	memset(out, 0, sizeof *out);
	if ((r = stmt_get(ss, ST_APPROVAL_GET, &b.st)) != SK_OK)
		return r;
	bind_i64(&b, id);
	if ((r = b.r) == SK_OK && (r = step_row(b.st)) == SK_OK)
		r = row_approval(b.st, out);
	stmt_done(b.st);
	return r;
}

static int
sq_approval_update(sk_store *s, const sk_approval *a)
{
	struct sqlite_store *ss = ss_of(s);
	struct binder b = {NULL, 0, SK_OK};
	int r;

	if ((r = stmt_get(ss, ST_APPROVAL_UPDATE, &b.st)) != SK_OK)
		return r;
	bind_approval(&b, a);
	bind_i64(&b, a->id);
	return run_write(ss, b.st, b.r, 1);
}

LIST_EMITTER(approval, sk_approval, sk_approval_cb, row_approval)

static int
sq_approval_list(sk_store *s, sk_approval_cb cb, void *arg)
{
	struct approval_list l = {cb, arg};

	return run_list(ss_of(s), SQL_APPROVAL_LIST, NULL, approval_emit, &l);
}

/* ---- grants ------------------------------------------------------------ */

static int
sq_grant_insert(sk_store *s, sk_grant *g)
{
	struct sqlite_store *ss = ss_of(s);
	struct binder b = {NULL, 0, SK_OK};
	int r;

	if ((r = stmt_get(ss, ST_GRANT_INSERT, &b.st)) != SK_OK)
		return r;
	bind_i64(&b, g->user_id);
	bind_i64(&b, (int64_t)g->role);
	bind_i64(&b, g->until);
	BIND_FIELD(&b, g->granted_by);
	bind_i64(&b, g->created_at);
	if ((r = run_write(ss, b.st, b.r, 0)) == SK_OK)
		g->id = sqlite3_last_insert_rowid(ss->db);
	return r;
}

static int
sq_grant_delete(sk_store *s, int64_t id)
{
	return run_by_id(ss_of(s), ST_GRANT_DELETE, id, 1);
}

/* user_id 0 lists the grants of every user. */
LIST_EMITTER(grant, sk_grant, sk_grant_cb, row_grant)

static int
sq_grant_list(sk_store *s, int64_t user_id, sk_grant_cb cb, void *arg)
{
	struct grant_list l = {cb, arg};

	if (user_id == 0)
		return run_list(ss_of(s), SQL_GRANT_LIST_ALL, NULL, grant_emit, &l);
	return run_list(ss_of(s), SQL_GRANT_LIST_USER, &user_id, grant_emit, &l);
}

/* ---- portal sessions ---------------------------------------------------- */

#define SESSION_COLS "id, token_hash, step, user_id, name, addr, started_at, " \
	"enroll_device_id, mfa_ok, used_recovery, agent, created_at, last_seen_at, mfa_at"

static int
row_session(sqlite3_stmt *st, sk_session *x)
{
	struct reader rd = {st, 0, SK_OK};
	size_t len = 0;

	memset(x, 0, sizeof *x);
	x->id = read_i64(&rd);
	read_blob(&rd, x->token_hash, sizeof x->token_hash, &len);
	if (rd.r == SK_OK && len != sizeof x->token_hash)
		rd.r = SK_ERR_STORE;
	x->signin.step = (sk_step)read_int(&rd);
	x->signin.user_id = read_i64(&rd);
	READ_FIELD(&rd, x->signin.name);
	READ_FIELD(&rd, x->signin.addr);
	x->signin.started_at = read_i64(&rd);
	x->signin.enroll_device_id = read_i64(&rd);
	x->signin.mfa_ok = read_int(&rd);
	x->signin.used_recovery = read_int(&rd);
	READ_FIELD(&rd, x->agent);
	x->created_at = read_i64(&rd);
	x->last_seen_at = read_i64(&rd);
	x->mfa_at = read_i64(&rd);
	if (rd.r != SK_OK)
		sodium_memzero(x, sizeof *x);
	return rd.r;
}

/* Binds every field but the id, in SESSION_COLS order. */
static void
bind_session(struct binder *b, const sk_session *x)
{
	bind_blob(b, x->token_hash, sizeof x->token_hash, sizeof x->token_hash);
	bind_i64(b, (int64_t)x->signin.step);
	bind_i64(b, x->signin.user_id);
	BIND_FIELD(b, x->signin.name);
	BIND_FIELD(b, x->signin.addr);
	bind_i64(b, x->signin.started_at);
	bind_i64(b, x->signin.enroll_device_id);
	bind_i64(b, x->signin.mfa_ok);
	bind_i64(b, x->signin.used_recovery);
	BIND_FIELD(b, x->agent);
	bind_i64(b, x->created_at);
	bind_i64(b, x->last_seen_at);
	bind_i64(b, x->mfa_at);
}

/* Prepares sql afresh, lets bind fill it, runs it as a write. */
static int
session_write(struct sqlite_store *ss, const char *sql, const sk_session *x, const int64_t *a,
	      const int64_t *b2, int need_change)
{
	struct binder b = {NULL, 0, SK_OK};
	int r;

	if ((r = list_prepare(ss, sql, &b.st)) != SK_OK)
		return r;
	if (x != NULL)
		bind_session(&b, x);
	if (a != NULL)
		bind_i64(&b, *a);
	if (b2 != NULL)
		bind_i64(&b, *b2);
	if ((r = b.r) == SK_OK)
		r = step_done(b.st);
	if (r == SK_OK && need_change && sqlite3_changes(ss->db) == 0)
		r = SK_ERR_NOTFOUND;
	sqlite3_clear_bindings(b.st);
	(void)sqlite3_finalize(b.st);
	return r;
}

static int
sq_session_insert(sk_store *s, sk_session *x)
{
	struct sqlite_store *ss = ss_of(s);
	int r = session_write(ss, "INSERT INTO sessions (token_hash, step, user_id, name, addr, "
			      "started_at, enroll_device_id, mfa_ok, used_recovery, agent, "
			      "created_at, last_seen_at, mfa_at) "
			      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", x, NULL, NULL, 0);

	if (r == SK_OK)
		x->id = sqlite3_last_insert_rowid(ss->db);
	return r;
}

static int
sq_session_get(sk_store *s, const uint8_t hash[SK_HASH_LEN], sk_session *out)
{
	struct binder b = {NULL, 0, SK_OK};
	int r;

	memset(out, 0, sizeof *out);
	if ((r = list_prepare(ss_of(s), "SELECT " SESSION_COLS " FROM sessions WHERE token_hash = ?1",
			      &b.st)) != SK_OK)
		return r;
	bind_blob(&b, hash, SK_HASH_LEN, SK_HASH_LEN);
	if ((r = b.r) == SK_OK && (r = step_row(b.st)) == SK_OK)
		r = row_session(b.st, out);
	(void)sqlite3_finalize(b.st);
	return r;
}

static int
sq_session_update(sk_store *s, const sk_session *x)
{
	return session_write(ss_of(s), "UPDATE sessions SET token_hash = ?1, step = ?2, "
			     "user_id = ?3, name = ?4, addr = ?5, started_at = ?6, "
			     "enroll_device_id = ?7, mfa_ok = ?8, used_recovery = ?9, agent = ?10, "
			     "created_at = ?11, last_seen_at = ?12, mfa_at = ?13 WHERE id = ?14",
			     x, &x->id, NULL, 1);
}

static int
sq_session_delete(sk_store *s, int64_t id)
{
	return session_write(ss_of(s), "DELETE FROM sessions WHERE id = ?1", NULL, &id, NULL, 1);
}

static int
sq_session_delete_user(sk_store *s, int64_t user_id, int64_t keep_id)
{
	return session_write(ss_of(s), "DELETE FROM sessions WHERE user_id = ?1 AND id != ?2",
			     NULL, &user_id, &keep_id, 0);
}

static int
sq_session_prune(sk_store *s, int64_t older_than)
{
	return session_write(ss_of(s), "DELETE FROM sessions WHERE last_seen_at < ?1", NULL,
			     &older_than, NULL, 0);
}

typedef int (*sk_session_cb)(void *arg, const sk_session *x);
_Static_assert(SK_STEP_DONE == 4, "sessions_list selects step = 4");
LIST_EMITTER(session, sk_session, sk_session_cb, row_session)

static int
sq_session_list(sk_store *s, int64_t user_id, sk_session_cb cb, void *arg)
{
	struct session_list l = {cb, arg};

	return run_list(ss_of(s),
			"SELECT " SESSION_COLS " FROM sessions WHERE user_id = ?1 AND step = 4 "
			"ORDER BY id",
			&user_id, session_emit, &l);
}

/* ---- API tokens ---------------------------------------------------------- */

#define APITOKEN_COLS "id, token_hash, user_id, name, scope, created_by, created_at, " \
	"expires_at, last_used_at, revoked_at"

static int
row_apitoken(sqlite3_stmt *st, sk_apitoken *t)
{
	struct reader rd = {st, 0, SK_OK};

	memset(t, 0, sizeof *t);
	t->id = read_i64(&rd);
	read_blob_exact(&rd, t->token_hash, sizeof t->token_hash);
	t->user_id = read_i64(&rd);
	READ_FIELD(&rd, t->name);
	t->scope = (sk_scope)read_int(&rd);
	READ_FIELD(&rd, t->created_by);
	t->created_at = read_i64(&rd);
	t->expires_at = read_i64(&rd);
	t->last_used_at = read_i64(&rd);
	t->revoked_at = read_i64(&rd);
	if (rd.r != SK_OK)
		sodium_memzero(t, sizeof *t);
	return rd.r;
}

/* Binds every field but the id, in APITOKEN_COLS order. */
static void
bind_apitoken(struct binder *b, const sk_apitoken *t)
{
	bind_blob(b, t->token_hash, sizeof t->token_hash, sizeof t->token_hash);
	bind_i64(b, t->user_id);
	BIND_FIELD(b, t->name);
	bind_i64(b, (int64_t)t->scope);
	BIND_FIELD(b, t->created_by);
	bind_i64(b, t->created_at);
	bind_i64(b, t->expires_at);
	bind_i64(b, t->last_used_at);
	bind_i64(b, t->revoked_at);
}

/* Prepares sql afresh, binds t (and then *id when given), runs it as a write. */
static int
apitoken_write(struct sqlite_store *ss, const char *sql, const sk_apitoken *t, const int64_t *id,
	       int need_change)
{
	struct binder b = {NULL, 0, SK_OK};
	int r;

	if ((r = list_prepare(ss, sql, &b.st)) != SK_OK)
		return r;
	bind_apitoken(&b, t);
	if (id != NULL)
		bind_i64(&b, *id);
	if ((r = b.r) == SK_OK)
		r = step_done(b.st);
	if (r == SK_OK && need_change && sqlite3_changes(ss->db) == 0)
		r = SK_ERR_NOTFOUND;
	sqlite3_clear_bindings(b.st);
	(void)sqlite3_finalize(b.st);
	return r;
}

static int
sq_apitoken_insert(sk_store *s, sk_apitoken *t)
{
	struct sqlite_store *ss = ss_of(s);
	int r = apitoken_write(ss, "INSERT INTO apitokens (token_hash, user_id, name, scope, "
			       "created_by, created_at, expires_at, last_used_at, revoked_at) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)", t, NULL, 0);

	if (r == SK_OK)
		t->id = sqlite3_last_insert_rowid(ss->db);
	return r;
}

/* One token by a blob (the hash) or an id: exactly one of hash and id is given. */
static int
apitoken_get_one(struct sqlite_store *ss, const uint8_t *hash, const int64_t *id,
		 sk_apitoken *out)
{
	struct binder b = {NULL, 0, SK_OK};
	int r;

	memset(out, 0, sizeof *out);
	r = list_prepare(ss, hash != NULL
				 ? "SELECT " APITOKEN_COLS " FROM apitokens WHERE token_hash = ?1"
				 : "SELECT " APITOKEN_COLS " FROM apitokens WHERE id = ?1",
			 &b.st);
	if (r != SK_OK)
		return r;
	if (hash != NULL)
		bind_blob(&b, hash, SK_HASH_LEN, SK_HASH_LEN);
	else
		bind_i64(&b, *id);
	if ((r = b.r) == SK_OK && (r = step_row(b.st)) == SK_OK)
		r = row_apitoken(b.st, out);
	(void)sqlite3_finalize(b.st);
	return r;
}

static int
sq_apitoken_get(sk_store *s, const uint8_t hash[SK_HASH_LEN], sk_apitoken *out)
{
	return apitoken_get_one(ss_of(s), hash, NULL, out);
}

static int
sq_apitoken_get_by_id(sk_store *s, int64_t id, sk_apitoken *out)
{
	return apitoken_get_one(ss_of(s), NULL, &id, out);
}

static int
sq_apitoken_update(sk_store *s, const sk_apitoken *t)
{
	return apitoken_write(ss_of(s), "UPDATE apitokens SET token_hash = ?1, user_id = ?2, "
			      "name = ?3, scope = ?4, created_by = ?5, created_at = ?6, "
			      "expires_at = ?7, last_used_at = ?8, revoked_at = ?9 WHERE id = ?10",
			      t, &t->id, 1);
}

typedef int (*sk_apitoken_cb)(void *arg, const sk_apitoken *t);
LIST_EMITTER(apitoken, sk_apitoken, sk_apitoken_cb, row_apitoken)

static int
sq_apitoken_list(sk_store *s, int64_t user_id, sk_apitoken_cb cb, void *arg)
{
	struct apitoken_list l = {cb, arg};

	if (user_id == 0)
		return run_list(ss_of(s), "SELECT " APITOKEN_COLS " FROM apitokens ORDER BY id",
				NULL, apitoken_emit, &l);
	return run_list(ss_of(s),
			"SELECT " APITOKEN_COLS " FROM apitokens WHERE user_id = ?1 ORDER BY id",
			&user_id, apitoken_emit, &l);
}

static const struct sk_store_ops sqlite_ops = {
	.close = sq_close,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.meta_get = sq_meta_get,
	.meta_set = sq_meta_set,
	.user_get_by_name = sq_user_get_by_name,
	.user_get_by_id = sq_user_get_by_id,
	.user_insert = sq_user_insert,
	.user_update = sq_user_update,
	.user_delete = sq_user_delete,
	.user_list = sq_user_list,
	.device_get = sq_device_get,
	.device_insert = sq_device_insert,
	.device_update = sq_device_update,
	.device_delete = sq_device_delete,
	.device_list = sq_device_list,
	.recovery_insert = sq_recovery_insert,
	.recovery_mark_used = sq_recovery_mark_used,
	.recovery_delete_all = sq_recovery_delete_all,
	.recovery_list = sq_recovery_list,
	.counter_get = sq_counter_get,
	.counter_put = sq_counter_put,
	.counter_delete_prefix = sq_counter_delete_prefix,
	.counter_prune = sq_counter_prune,
	.audit_last = sq_audit_last,
	.audit_append = sq_audit_append,
	.audit_list = sq_audit_list,
	.audit_find = sq_audit_find,
	.approval_insert = sq_approval_insert,
	.approval_get = sq_approval_get,
	.approval_update = sq_approval_update,
	.approval_list = sq_approval_list,
	.grant_insert = sq_grant_insert,
	.grant_delete = sq_grant_delete,
	.grant_list = sq_grant_list,
	.session_insert = sq_session_insert,
	.session_get = sq_session_get,
	.session_update = sq_session_update,
	.session_delete = sq_session_delete,
	.session_delete_user = sq_session_delete_user,
	.session_list = sq_session_list,
	.session_prune = sq_session_prune,
	.apitoken_insert = sq_apitoken_insert,
	.apitoken_get = sq_apitoken_get,
	.apitoken_get_by_id = sq_apitoken_get_by_id,
	.apitoken_update = sq_apitoken_update,
	.apitoken_list = sq_apitoken_list,
};

/* ---- open and migrations ----------------------------------------------- */

/*
 * Makes sure the database file exists (or reports that it does not) and is
 * not open to group or others (SK_ERR_FILE_MODE).  A new
 * file is created here, mode 0600 whatever the umask, because SQLite would
 * create it 0644 & ~umask; the -wal and -shm files SQLite creates later take
 * the mode of the database file.
 */
static int
prepare_file(const char *path, int create)
{
	struct stat sb;
	int fd, r = SK_OK;

	/* It holds password hashes and sealed secrets: like the key file, it is
	 * refused when others can read it, rather than used as it is. */
	if (stat(path, &sb) == 0)
		return S_ISREG(sb.st_mode) && (sb.st_mode & 077) != 0 ? SK_ERR_FILE_MODE : SK_OK;
	if (errno != ENOENT)
		return SK_ERR_STORE;
	if (!create)
		return SK_ERR_NOTFOUND;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd == -1)
		/* EEXIST: another process created it first, which is fine */
		return errno == EEXIST ? SK_OK : SK_ERR_STORE;
	if (fchmod(fd, 0600) == -1)
		r = SK_ERR_STORE;
	if (close(fd) == -1)
		r = SK_ERR_STORE;
	return r;
}

/* Reads one row, one text column of a constant query into buf. */
static int
query_text(sqlite3 *db, const char *sql, char *buf, size_t size)
{
	sqlite3_stmt *st = NULL;
	struct reader rd;
	int r;

	buf[0] = '\0';
	if ((r = map_rc(sqlite3_prepare_v2(db, sql, -1, &st, NULL))) != SK_OK)
		return r;
	if ((r = step_row(st)) == SK_OK) {
		rd = (struct reader){st, 0, SK_OK};
		if (sqlite3_column_type(st, 0) == SQLITE_INTEGER) {
			/* PRAGMA results and counts */
			if ((size_t)snprintf(buf, size, "%lld",
			    (long long)sqlite3_column_int64(st, 0)) >= size)
				r = SK_ERR_STORE;
		} else {
			read_text(&rd, buf, size);
			r = rd.r;
		}
	}
	(void)sqlite3_finalize(st);
	return r;
}

/* The schema version of the database: 0 for a new (empty) one. */
static int
read_version(sqlite3 *db, int64_t *out)
{
	char buf[32], *end;
	long long v;
	int r;

	*out = 0;
	r = query_text(db, "SELECT count(*) FROM sqlite_master "
	    "WHERE type = 'table' AND name = 'meta'", buf, sizeof buf);
	if (r != SK_OK)
		return r;
	if (strcmp(buf, "0") == 0)
		return SK_OK;
	r = query_text(db, "SELECT value FROM meta WHERE key = 'schema_version'",
	    buf, sizeof buf);
	if (r == SK_ERR_NOTFOUND)
		return SK_ERR_STORE;  /* a meta table without a version: not ours */
	if (r != SK_OK)
		return r;
	errno = 0;
	v = strtoll(buf, &end, 10);
	if (errno != 0 || end == buf || *end != '\0' || v < 0)
		return SK_ERR_STORE;
	*out = (int64_t)v;
	return SK_OK;
}

/*
 * Brings the schema up to SCHEMA_VERSION, one migration per transaction.
 * The version is read again under the write lock, so that two processes
 * opening a new database at once apply each migration exactly once.
 */
static int
migrate(struct sqlite_store *ss)
{
	sqlite3_stmt *st = NULL;
	int64_t v;
	int r;

	if ((r = read_version(ss->db, &v)) != SK_OK)
		return r;
	if (v > SCHEMA_VERSION)
		return SK_ERR_SCHEMA;
	while (v < SCHEMA_VERSION) {
		if ((r = exec_sql(ss->db, "BEGIN IMMEDIATE")) != SK_OK)
			return r;
		if ((r = read_version(ss->db, &v)) != SK_OK)
			goto fail;
		if (v > SCHEMA_VERSION) {
			r = SK_ERR_SCHEMA;
			goto fail;
		}
		if (v < SCHEMA_VERSION) {
			if ((r = exec_sql(ss->db, migrations[v])) != SK_OK)
				goto fail;
			r = map_rc(sqlite3_prepare_v2(ss->db,
			    "INSERT INTO meta (key, value) VALUES ('schema_version', ?1) "
			    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
			    -1, &st, NULL));
			if (r != SK_OK)
				goto fail;
			/* TEXT column: the integer is stored as its decimal text */
			if ((r = map_rc(sqlite3_bind_int64(st, 1, v + 1))) != SK_OK ||
			    (r = step_done(st)) != SK_OK)
				goto fail;
			(void)sqlite3_finalize(st);
			st = NULL;
			v++;
		}
		if ((r = exec_sql(ss->db, "COMMIT")) != SK_OK)
			goto fail;
	}
	return SK_OK;
fail:
	(void)sqlite3_finalize(st);
	if (!sqlite3_get_autocommit(ss->db))
		(void)exec_sql(ss->db, "ROLLBACK");
	return r;
}

/*
 * Per-connection settings:
 *  - foreign_keys: the ON DELETE CASCADE of devices, codes and grants;
 *  - journal_mode=WAL: readers do not block the writer, nor it them;
 *  - synchronous=FULL: every commit is on disk before it returns, even in
 *    WAL mode, so that a crash or power cut cannot undo a failure count,
 *    a lock, a used recovery code or an accepted OTP step (NORMAL could
 *    lose the last transactions, which would re-open a replay window);
 *  - secure_delete: deleted password hashes and sealed secrets are
 *    overwritten instead of lingering in free pages;
 *  - trusted_schema=OFF and DEFENSIVE: a tampered database file cannot make
 *    the schema run functions with side effects or corrupt itself.
 */
static int
configure(sqlite3 *db, int mem)
{
	char buf[16];
	int r;

	(void)sqlite3_extended_result_codes(db, 1);
	if (sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS) != SQLITE_OK)
		return SK_ERR_STORE;
	if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL) != SQLITE_OK)
		return SK_ERR_STORE;
	r = exec_sql(db, "PRAGMA foreign_keys = ON;"
	    "PRAGMA secure_delete = ON;"
	    "PRAGMA trusted_schema = OFF;"
	    "PRAGMA synchronous = FULL;");
	if (r != SK_OK)
		return r;
	/* an SQLite built without foreign keys would ignore the pragma */
	if ((r = query_text(db, "PRAGMA foreign_keys", buf, sizeof buf)) != SK_OK)
		return r;
	if (strcmp(buf, "1") != 0)
		return SK_ERR_STORE;
	if (mem)
		return SK_OK;
	/* the pragma answers the mode in force, which stays as it was on failure */
	if ((r = query_text(db, "PRAGMA journal_mode = WAL", buf, sizeof buf)) != SK_OK)
		return r;
	if (strcmp(buf, "wal") != 0)
		return SK_ERR_STORE;
	return SK_OK;
}

int
sk_store_sqlite_open(sk_store **out, const char *path, int create)
{
	struct sqlite_store *ss = NULL;
	char *fname = NULL;
	int mem, flags, r;

	if (out == NULL)
		return SK_ERR_INVALID;
	*out = NULL;
	if (path == NULL || path[0] == '\0')
		return SK_ERR_INVALID;
	mem = strcmp(path, ":memory:") == 0;
	if (!mem && (r = prepare_file(path, create)) != SK_OK)
		return r;

	/*
	 * Debian's SQLite is built with URI filenames on; a path that happens
	 * to begin with "file:" is still a path.
	 */
	if (strncmp(path, "file:", 5) == 0) {
		size_t n = strlen(path);

		if ((fname = malloc(n + 3)) == NULL)
			return SK_ERR_NOMEM;
		memcpy(fname, "./", 2);
		memcpy(fname + 2, path, n + 1);
	}

	if ((ss = calloc(1, sizeof *ss)) == NULL) {
		r = SK_ERR_NOMEM;
		goto out;
	}
	ss->base.ops = &sqlite_ops;
	/*
	 * No SQLITE_OPEN_CREATE for files: prepare_file made the file with the
	 * right mode, and SQLite must not make another one if it vanished.
	 */
	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
	if (mem)
		flags |= SQLITE_OPEN_CREATE | SQLITE_OPEN_MEMORY;
	if (sqlite3_open_v2(fname != NULL ? fname : path, &ss->db, flags, NULL) != SQLITE_OK) {
		r = SK_ERR_STORE;
		goto out;
	}
	if ((r = configure(ss->db, mem)) != SK_OK)
		goto out;
	if ((r = migrate(ss)) != SK_OK)
		goto out;
	*out = &ss->base;
	ss = NULL;
	r = SK_OK;
out:
	if (ss != NULL)
		sq_close(&ss->base);
	free(fname);
	return r;
}
