/*
 * tests/unit/test_store.c - the SQLite store (lib/host/store_sqlite.c)
 * against a real SQLite: every operation of store.h on ":memory:" and on a
 * file in a mkdtemp directory, then what only a file has (mode 0600,
 * reopening, schema versions, corrupt values, two connections).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sekisho/error.h"
#include "sekisho/store.h"

/* ---- fixture ------------------------------------------------------------ */

static char tmpdir[PATH_MAX];   /* "" for the :memory: group */
static char db_path[PATH_MAX];  /* the current test's database file */
static int db_counter;
static sk_store *S;

#define OPS (S->ops)

static void
path_in_tmp(char *buf, size_t size, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", tmpdir, name);

	assert_true(n > 0 && (size_t)n < size);
}

static void
unlink_db(const char *path)
{
	char buf[PATH_MAX + 8];

	(void)unlink(path);
	snprintf(buf, sizeof buf, "%s-wal", path);
	(void)unlink(buf);
	snprintf(buf, sizeof buf, "%s-shm", path);
	(void)unlink(buf);
	snprintf(buf, sizeof buf, "%s-journal", path);
	(void)unlink(buf);
}

static int
group_setup_memory(void **state)
{
	(void)state;
	tmpdir[0] = '\0';
	return 0;
}

static int
group_setup_file(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/sekisho-test-store.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

/* Removes whatever the tests left in the directory, then the directory. */
static int
group_teardown(void **state)
{
	char buf[PATH_MAX + 300];
	struct dirent *de;
	DIR *d;

	(void)state;
	if (tmpdir[0] == '\0')
		return 0;
	if ((d = opendir(tmpdir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(buf, sizeof buf, "%s/%s", tmpdir, de->d_name);
			(void)unlink(buf);
		}
		closedir(d);
	}
	return rmdir(tmpdir);
}

/* Opens a fresh store: ":memory:" or a new file for every test. */
static int
setup(void **state)
{
	char name[32];

	(void)state;
	if (tmpdir[0] == '\0') {
		snprintf(db_path, sizeof db_path, ":memory:");
	} else {
		snprintf(name, sizeof name, "t%d.db", ++db_counter);
		path_in_tmp(db_path, sizeof db_path, name);
	}
	return sk_store_sqlite_open(&S, db_path, 1) == SK_OK ? 0 : -1;
}

static int
teardown(void **state)
{
	(void)state;
	if (S != NULL)
		S->ops->close(S);
	S = NULL;
	if (tmpdir[0] != '\0')
		unlink_db(db_path);
	return 0;
}

/* Runs SQL on the test's database file through a connection of its own. */
static void
raw_exec(const char *sql)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
}

/* ---- records ------------------------------------------------------------ */

static void
fill_user(sk_user *u, const char *name)
{
	memset(u, 0, sizeof *u);
	snprintf(u->name, sizeof u->name, "%s", name);
	snprintf(u->email, sizeof u->email, "%s@example.org", name);
	u->role = SK_ROLE_AUDITOR;
	snprintf(u->pwhash, sizeof u->pwhash,
	    "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$%s", name);
	u->must_change = 1;
	u->disabled = 0;
	u->expires_at = 1767225600;
	u->created_at = 1700000000;
	u->password_changed_at = 1700000001;
	u->last_signin_at = 0;
	snprintf(u->last_signin_addr, sizeof u->last_signin_addr, "192.0.2.1");
}

static void
assert_user_eq(const sk_user *a, const sk_user *b)
{
	assert_int_equal(a->id, b->id);
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->email, b->email);
	assert_int_equal(a->role, b->role);
	assert_string_equal(a->pwhash, b->pwhash);
	assert_int_equal(a->must_change, b->must_change);
	assert_int_equal(a->disabled, b->disabled);
	assert_int_equal(a->expires_at, b->expires_at);
	assert_int_equal(a->created_at, b->created_at);
	assert_int_equal(a->password_changed_at, b->password_changed_at);
	assert_int_equal(a->last_signin_at, b->last_signin_at);
	assert_string_equal(a->last_signin_addr, b->last_signin_addr);
}

static int64_t
add_user(const char *name)
{
	sk_user u;

	fill_user(&u, name);
	assert_int_equal(OPS->user_insert(S, &u), SK_OK);
	assert_true(u.id > 0);
	return u.id;
}

static void
fill_device(sk_device *d, int64_t user_id, const char *name)
{
	size_t i;

	memset(d, 0, sizeof *d);
	d->user_id = user_id;
	snprintf(d->name, sizeof d->name, "%s", name);
	d->type = SK_DEVICE_TOTP_TOKEN;
	d->alg = 1;
	d->digits = 8;
	d->period = 60;
	d->secret_len = 56;
	for (i = 0; i < d->secret_len; i++)
		d->secret[i] = (uint8_t)(i * 7 + 1);
	d->secret[3] = 0;  /* blobs, not strings */
	d->confirmed = 0;
	d->last_step = UINT64_MAX;
	d->created_at = 1700000100;
	d->last_used_at = 0;
}

static void
assert_device_eq(const sk_device *a, const sk_device *b)
{
	assert_int_equal(a->id, b->id);
	assert_int_equal(a->user_id, b->user_id);
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->alg, b->alg);
	assert_int_equal(a->digits, b->digits);
	assert_int_equal(a->period, b->period);
	assert_int_equal(a->secret_len, b->secret_len);
	assert_memory_equal(a->secret, b->secret, a->secret_len);
	assert_int_equal(a->confirmed, b->confirmed);
	assert_true(a->last_step == b->last_step);
	assert_int_equal(a->created_at, b->created_at);
	assert_int_equal(a->last_used_at, b->last_used_at);
}

static int64_t
add_device(int64_t user_id, const char *name)
{
	sk_device d;

	fill_device(&d, user_id, name);
	assert_int_equal(OPS->device_insert(S, &d), SK_OK);
	assert_true(d.id > 0);
	return d.id;
}

static int64_t
add_code(int64_t user_id, const char *hint)
{
	sk_recovery_code c;

	memset(&c, 0, sizeof c);
	c.user_id = user_id;
	snprintf(c.hint, sizeof c.hint, "%s", hint);
	snprintf(c.hash, sizeof c.hash, "$argon2id$v=19$m=65536,t=2,p=1$c2FsdA$%s", hint);
	assert_int_equal(OPS->recovery_insert(S, &c), SK_OK);
	assert_true(c.id > 0);
	return c.id;
}

static int64_t
add_grant(int64_t user_id, sk_role role, int64_t until)
{
	sk_grant g;

	memset(&g, 0, sizeof g);
	g.user_id = user_id;
	g.role = role;
	g.until = until;
	snprintf(g.granted_by, sizeof g.granted_by, "local:root");
	g.created_at = 1700000200;
	assert_int_equal(OPS->grant_insert(S, &g), SK_OK);
	assert_true(g.id > 0);
	return g.id;
}

static void
put_counter(const char *key, uint32_t failures, int64_t locked_until, int64_t updated_at)
{
	sk_counter c;

	memset(&c, 0, sizeof c);
	snprintf(c.key, sizeof c.key, "%s", key);
	c.failures = failures;
	c.consecutive = failures;
	c.level = 1;
	c.locked_until = locked_until;
	c.updated_at = updated_at;
	assert_int_equal(OPS->counter_put(S, &c), SK_OK);
}

static int
has_counter(const char *key)
{
	sk_counter c;
	int r = OPS->counter_get(S, key, &c);

	assert_true(r == SK_OK || r == SK_ERR_NOTFOUND);
	if (r == SK_OK)
		assert_string_equal(c.key, key);
	return r == SK_OK;
}

static void
fill_event(sk_audit_event *e, int64_t seq)
{
	memset(e, 0, sizeof *e);
	e->seq = seq;
	e->ts = 1700000000 + seq;
	snprintf(e->actor, sizeof e->actor, "local:root");
	snprintf(e->action, sizeof e->action, "user.create");
	snprintf(e->target, sizeof e->target, "user%lld", (long long)seq);
	snprintf(e->addr, sizeof e->addr, "2001:db8::%lld", (long long)seq);
	snprintf(e->result, sizeof e->result, "ok");
	memset(e->detail, 'd', sizeof e->detail - 1);  /* the longest detail */
	memset(e->prev, (int)seq - 1, sizeof e->prev);
	memset(e->hash, (int)seq, sizeof e->hash);
	e->hash[0] = 0;
}

static void
assert_event_eq(const sk_audit_event *a, const sk_audit_event *b)
{
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->ts, b->ts);
	assert_string_equal(a->actor, b->actor);
	assert_string_equal(a->action, b->action);
	assert_string_equal(a->target, b->target);
	assert_string_equal(a->addr, b->addr);
	assert_string_equal(a->result, b->result);
	assert_string_equal(a->detail, b->detail);
	assert_memory_equal(a->prev, b->prev, sizeof a->prev);
	assert_memory_equal(a->hash, b->hash, sizeof a->hash);
}

static void
fill_approval(sk_approval *a, const char *target)
{
	memset(a, 0, sizeof *a);
	snprintf(a->action, sizeof a->action, "grant_admin");
	snprintf(a->target, sizeof a->target, "%s", target);
	snprintf(a->param, sizeof a->param, "until=1767225600");
	snprintf(a->requested_by, sizeof a->requested_by, "alice");
	a->created_at = 1700000300;
	a->expires_at = 1700086700;
	a->state = SK_APPROVAL_PENDING;
}

static void
assert_approval_eq(const sk_approval *a, const sk_approval *b)
{
	assert_int_equal(a->id, b->id);
	assert_string_equal(a->action, b->action);
	assert_string_equal(a->target, b->target);
	assert_string_equal(a->param, b->param);
	assert_string_equal(a->requested_by, b->requested_by);
	assert_int_equal(a->created_at, b->created_at);
	assert_int_equal(a->expires_at, b->expires_at);
	assert_int_equal(a->state, b->state);
	assert_string_equal(a->decided_by, b->decided_by);
	assert_int_equal(a->decided_at, b->decided_at);
}

/* ---- list callbacks ------------------------------------------------------ */

struct seen {
	int n;
	int64_t ids[16];
	int stop_at;   /* return ret at the stop_at-th record (1-based); 0 = never */
	int ret;
	int64_t last; /* the largest id seen: id order check */
	int used;     /* recovery codes seen used */
};

static int
seen_add(struct seen *sn, int64_t id)
{
	assert_true(id > sn->last);
	sn->last = id;
	if (sn->n < 16)
		sn->ids[sn->n] = id;
	sn->n++;
	return sn->stop_at != 0 && sn->n == sn->stop_at ? sn->ret : 0;
}

static int
user_cb(void *arg, const sk_user *u)
{
	return seen_add(arg, u->id);
}

static int
device_cb(void *arg, const sk_device *d)
{
	return seen_add(arg, d->id);
}

static int
recovery_cb(void *arg, const sk_recovery_code *c)
{
	struct seen *sn = arg;

	if (c->used_at != 0)
		sn->used++;
	return seen_add(arg, c->id);
}

static int
audit_cb(void *arg, const sk_audit_event *e)
{
	return seen_add(arg, e->seq);
}

static int
approval_cb(void *arg, const sk_approval *a)
{
	return seen_add(arg, a->id);
}

static int
grant_cb(void *arg, const sk_grant *g)
{
	return seen_add(arg, g->id);
}

static struct seen
seen_none(void)
{
	struct seen sn;

	memset(&sn, 0, sizeof sn);
	return sn;
}

/* ---- tests of every operation, on both back ends --------------------- */

static void
test_meta(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(OPS->meta_get(S, "schema_version", buf, sizeof buf), SK_OK);
	assert_string_equal(buf, "4");
	assert_int_equal(OPS->meta_get(S, "install_id", buf, sizeof buf), SK_ERR_NOTFOUND);
	assert_int_equal(OPS->meta_set(S, "install_id", "abc"), SK_OK);
	assert_int_equal(OPS->meta_get(S, "install_id", buf, sizeof buf), SK_OK);
	assert_string_equal(buf, "abc");
	assert_int_equal(OPS->meta_set(S, "install_id", "def"), SK_OK);
	assert_int_equal(OPS->meta_get(S, "install_id", buf, sizeof buf), SK_OK);
	assert_string_equal(buf, "def");
	/* a buffer too small is refused, never truncated */
	assert_int_equal(OPS->meta_get(S, "install_id", buf, 3), SK_ERR_STORE);
	assert_int_equal(OPS->meta_get(S, "install_id", buf, 4), SK_OK);
	assert_string_equal(buf, "def");
	/* keys are data, not SQL */
	assert_int_equal(OPS->meta_set(S, "k' OR '1'='1", "x"), SK_OK);
	assert_int_equal(OPS->meta_get(S, "k' OR '1'='1", buf, sizeof buf), SK_OK);
	assert_string_equal(buf, "x");
}

static void
test_user_crud(void **state)
{
	sk_user u, v, w;
	struct seen sn = seen_none();

	(void)state;
	fill_user(&u, "alice");
	assert_int_equal(OPS->user_insert(S, &u), SK_OK);
	assert_true(u.id > 0);
	assert_int_equal(OPS->user_get_by_name(S, "alice", &v), SK_OK);
	assert_user_eq(&u, &v);
	assert_int_equal(OPS->user_get_by_id(S, u.id, &v), SK_OK);
	assert_user_eq(&u, &v);

	fill_user(&w, "alice");
	assert_int_equal(OPS->user_insert(S, &w), SK_ERR_EXISTS);

	fill_user(&w, "bob");
	assert_int_equal(OPS->user_insert(S, &w), SK_OK);
	assert_true(w.id > u.id);

	/* update every field */
	snprintf(u.email, sizeof u.email, "%s", "");
	u.role = SK_ROLE_ADMIN;
	snprintf(u.pwhash, sizeof u.pwhash, "$argon2id$v=19$m=65536,t=3,p=1$bmV3$new");
	u.must_change = 0;
	u.disabled = 1;
	u.expires_at = 0;
	u.created_at = 1;
	u.password_changed_at = 2;
	u.last_signin_at = INT64_MAX;
	snprintf(u.last_signin_addr, sizeof u.last_signin_addr, "2001:db8::1");
	assert_int_equal(OPS->user_update(S, &u), SK_OK);
	assert_int_equal(OPS->user_get_by_id(S, u.id, &v), SK_OK);
	assert_user_eq(&u, &v);

	/* renaming onto a taken name */
	v = u;
	snprintf(v.name, sizeof v.name, "bob");
	assert_int_equal(OPS->user_update(S, &v), SK_ERR_EXISTS);
	v.id = 9999;
	snprintf(v.name, sizeof v.name, "zed");
	assert_int_equal(OPS->user_update(S, &v), SK_ERR_NOTFOUND);

	assert_int_equal(OPS->user_get_by_name(S, "carol", &v), SK_ERR_NOTFOUND);
	assert_int_equal(OPS->user_get_by_name(S, "ALICE", &v), SK_ERR_NOTFOUND);
	assert_int_equal(OPS->user_get_by_id(S, 9999, &v), SK_ERR_NOTFOUND);

	assert_int_equal(OPS->user_list(S, user_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 2);
	assert_int_equal(sn.ids[0], u.id);
	assert_int_equal(sn.ids[1], w.id);

	assert_int_equal(OPS->user_delete(S, w.id), SK_OK);
	assert_int_equal(OPS->user_delete(S, w.id), SK_ERR_NOTFOUND);
	assert_int_equal(OPS->user_get_by_name(S, "bob", &v), SK_ERR_NOTFOUND);
	sn = seen_none();
	assert_int_equal(OPS->user_list(S, user_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 1);
}

/* A deleted record's id is never handed out again (AUTOINCREMENT), so a
 * sign-in or request that remembers an id cannot continue as someone else. */
static void
test_ids_not_reused(void **state)
{
	sk_user a, b, c;
	sk_approval p, q;

	(void)state;
	fill_user(&a, "aki");
	fill_user(&b, "ben");
	fill_user(&c, "cho");
	assert_int_equal(OPS->user_insert(S, &a), SK_OK);
	assert_int_equal(OPS->user_insert(S, &b), SK_OK);
	assert_int_equal(OPS->user_delete(S, b.id), SK_OK);
	assert_int_equal(OPS->user_insert(S, &c), SK_OK);
	assert_true(c.id > b.id);
	memset(&p, 0, sizeof(p));
	strcpy(p.action, "unlock_admin");
	strcpy(p.target, "aki");
	strcpy(p.requested_by, "local:test");
	q = p;
	assert_int_equal(OPS->approval_insert(S, &p), SK_OK);
	assert_int_equal(OPS->user_delete(S, a.id), SK_OK);
	assert_int_equal(OPS->approval_insert(S, &q), SK_OK);
	assert_true(q.id > p.id);
}

static void
test_user_limits(void **state)
{
	sk_user u, v;

	(void)state;
	/* the longest name and e-mail address fit */
	fill_user(&u, "");
	memset(u.name, 'n', SK_NAME_MAX);
	memset(u.email, 'e', SK_EMAIL_MAX);
	memset(u.pwhash, 'h', SK_PWHASH_MAX - 1);
	memset(u.last_signin_addr, 'a', SK_ADDR_MAX - 1);
	assert_int_equal(OPS->user_insert(S, &u), SK_OK);
	assert_int_equal(OPS->user_get_by_name(S, u.name, &v), SK_OK);
	assert_user_eq(&u, &v);

	/* a string that is not terminated inside its array is refused */
	fill_user(&u, "x");
	memset(u.name, 'x', sizeof u.name);
	assert_int_equal(OPS->user_insert(S, &u), SK_ERR_INVALID);
	fill_user(&u, "y");
	memset(u.pwhash, 'h', sizeof u.pwhash);
	assert_int_equal(OPS->user_insert(S, &u), SK_ERR_INVALID);
	assert_int_equal(OPS->user_get_by_name(S, "y", &v), SK_ERR_NOTFOUND);

	/* names are bound, not pasted into SQL */
	fill_user(&u, "o'brien\"; DROP TABLE users; --");
	assert_int_equal(OPS->user_insert(S, &u), SK_OK);
	assert_int_equal(OPS->user_get_by_name(S, u.name, &v), SK_OK);
	assert_user_eq(&u, &v);
}

static void
test_device_crud(void **state)
{
	sk_device d, e, f;
	struct seen sn = seen_none();
	int64_t alice, bob, d2;

	(void)state;
	alice = add_user("alice");
	bob = add_user("bob");

	fill_device(&d, alice, "token-1");
	assert_int_equal(OPS->device_insert(S, &d), SK_OK);
	assert_true(d.id > 0);
	assert_int_equal(OPS->device_get(S, d.id, &e), SK_OK);
	assert_device_eq(&d, &e);
	assert_true(e.last_step == UINT64_MAX);

	/* (user, name) is unique; the same name for another user is fine */
	fill_device(&f, alice, "token-1");
	assert_int_equal(OPS->device_insert(S, &f), SK_ERR_EXISTS);
	fill_device(&f, bob, "token-1");
	assert_int_equal(OPS->device_insert(S, &f), SK_OK);
	/* a device of a user that does not exist */
	fill_device(&f, 9999, "orphan");
	assert_int_equal(OPS->device_insert(S, &f), SK_ERR_NOTFOUND);

	/* uint64 last_step at and above 2^63 survives the int64 column */
	d.last_step = UINT64_C(1) << 63;
	d.confirmed = 1;
	d.last_used_at = 1700000500;
	d.type = SK_DEVICE_HOTP_TOKEN;
	d.secret_len = SK_SEALED_MAX;
	memset(d.secret, 0xa5, sizeof d.secret);
	assert_int_equal(OPS->device_update(S, &d), SK_OK);
	assert_int_equal(OPS->device_get(S, d.id, &e), SK_OK);
	assert_device_eq(&d, &e);
	d.last_step = (UINT64_C(1) << 63) + 12345;
	d.secret_len = 0;
	assert_int_equal(OPS->device_update(S, &d), SK_OK);
	assert_int_equal(OPS->device_get(S, d.id, &e), SK_OK);
	assert_device_eq(&d, &e);
	d.last_step = 0;
	assert_int_equal(OPS->device_update(S, &d), SK_OK);
	assert_int_equal(OPS->device_get(S, d.id, &e), SK_OK);
	assert_true(e.last_step == 0);

	/* a sealed secret longer than the array is refused */
	f = d;
	f.secret_len = SK_SEALED_MAX + 1;
	assert_int_equal(OPS->device_update(S, &f), SK_ERR_INVALID);

	d2 = add_device(alice, "app");
	assert_int_equal(OPS->device_list(S, alice, device_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 2);
	assert_int_equal(sn.ids[0], d.id);
	assert_int_equal(sn.ids[1], d2);
	sn = seen_none();
	assert_int_equal(OPS->device_list(S, bob, device_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 1);
	sn = seen_none();
	assert_int_equal(OPS->device_list(S, 9999, device_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 0);

	assert_int_equal(OPS->device_delete(S, d.id), SK_OK);
	assert_int_equal(OPS->device_get(S, d.id, &e), SK_ERR_NOTFOUND);
	assert_int_equal(OPS->device_delete(S, d.id), SK_ERR_NOTFOUND);
	assert_int_equal(OPS->device_update(S, &d), SK_ERR_NOTFOUND);
}

static void
test_recovery(void **state)
{
	sk_recovery_code c;
	struct seen sn = seen_none();
	int64_t alice, c1, c2, c3;

	(void)state;
	alice = add_user("alice");
	c1 = add_code(alice, "ab12");
	c2 = add_code(alice, "cd34");
	c3 = add_code(alice, "ef56");
	assert_int_equal(OPS->recovery_list(S, alice, recovery_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 3);
	assert_int_equal(sn.ids[0], c1);
	assert_int_equal(sn.ids[1], c2);
	assert_int_equal(sn.ids[2], c3);
	assert_int_equal(sn.used, 0);

	/* a code is used once */
	assert_int_equal(OPS->recovery_mark_used(S, c2, 1700000600), SK_OK);
	assert_int_equal(OPS->recovery_mark_used(S, c2, 1700000601), SK_ERR_NOTFOUND);
	assert_int_equal(OPS->recovery_mark_used(S, 9999, 1700000601), SK_ERR_NOTFOUND);
	sn = seen_none();
	assert_int_equal(OPS->recovery_list(S, alice, recovery_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 3);
	assert_int_equal(sn.used, 1);

	/* codes of a user that does not exist */
	memset(&c, 0, sizeof c);
	c.user_id = 9999;
	snprintf(c.hint, sizeof c.hint, "zz");
	assert_int_equal(OPS->recovery_insert(S, &c), SK_ERR_NOTFOUND);

	assert_int_equal(OPS->recovery_delete_all(S, alice), SK_OK);
	sn = seen_none();
	assert_int_equal(OPS->recovery_list(S, alice, recovery_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 0);
	/* deleting nothing is not an error */
	assert_int_equal(OPS->recovery_delete_all(S, alice), SK_OK);
	assert_int_equal(OPS->recovery_mark_used(S, c1, 1), SK_ERR_NOTFOUND);
}

static void
test_cascade(void **state)
{
	sk_device d;
	struct seen sn;
	int64_t alice, bob, ad1, ad2, bd1;

	(void)state;
	alice = add_user("alice");
	bob = add_user("bob");
	ad1 = add_device(alice, "a1");
	ad2 = add_device(alice, "a2");
	bd1 = add_device(bob, "b1");
	(void)add_code(alice, "aaaa");
	(void)add_code(alice, "bbbb");
	(void)add_code(bob, "cccc");
	(void)add_grant(alice, SK_ROLE_ADMIN, 1800000000);
	(void)add_grant(bob, SK_ROLE_AUDITOR, 1800000000);

	assert_int_equal(OPS->user_delete(S, alice), SK_OK);

	assert_int_equal(OPS->device_get(S, ad1, &d), SK_ERR_NOTFOUND);
	assert_int_equal(OPS->device_get(S, ad2, &d), SK_ERR_NOTFOUND);
	sn = seen_none();
	assert_int_equal(OPS->device_list(S, alice, device_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 0);
	sn = seen_none();
	assert_int_equal(OPS->recovery_list(S, alice, recovery_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 0);
	sn = seen_none();
	assert_int_equal(OPS->grant_list(S, alice, grant_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 0);

	/* bob keeps everything */
	assert_int_equal(OPS->device_get(S, bd1, &d), SK_OK);
	sn = seen_none();
	assert_int_equal(OPS->recovery_list(S, bob, recovery_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 1);
	sn = seen_none();
	assert_int_equal(OPS->grant_list(S, 0, grant_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 1);
}

static void
test_counters(void **state)
{
	sk_counter c, d;

	(void)state;
	assert_int_equal(OPS->counter_get(S, "ip:192.0.2.1", &c), SK_ERR_NOTFOUND);

	memset(&c, 0, sizeof c);
	snprintf(c.key, sizeof c.key, "ip:192.0.2.1");
	c.failures = 3;
	c.consecutive = 4;
	c.level = 1;
	c.locked_until = 1700001000;
	c.updated_at = 1700000900;
	assert_int_equal(OPS->counter_put(S, &c), SK_OK);
	assert_int_equal(OPS->counter_get(S, c.key, &d), SK_OK);
	assert_string_equal(d.key, c.key);
	assert_int_equal(d.failures, 3);
	assert_int_equal(d.consecutive, 4);
	assert_int_equal(d.level, 1);
	assert_int_equal(d.locked_until, 1700001000);
	assert_int_equal(d.updated_at, 1700000900);

	/* put replaces */
	c.failures = UINT32_MAX;
	c.consecutive = 0;
	c.level = 7;
	c.locked_until = INT64_MAX;
	c.updated_at = 1700000950;
	assert_int_equal(OPS->counter_put(S, &c), SK_OK);
	assert_int_equal(OPS->counter_get(S, c.key, &d), SK_OK);
	assert_true(d.failures == UINT32_MAX);
	assert_int_equal(d.consecutive, 0);
	assert_int_equal(d.level, 7);
	assert_true(d.locked_until == INT64_MAX);
	assert_int_equal(d.updated_at, 1700000950);

	/* the longest key fits; one without a NUL is refused */
	memset(c.key, 'k', sizeof c.key - 1);
	c.key[sizeof c.key - 1] = '\0';
	assert_int_equal(OPS->counter_put(S, &c), SK_OK);
	assert_int_equal(OPS->counter_get(S, c.key, &d), SK_OK);
	assert_string_equal(d.key, c.key);
	memset(c.key, 'k', sizeof c.key);
	assert_int_equal(OPS->counter_put(S, &c), SK_ERR_INVALID);
}

static void
test_counter_delete_prefix(void **state)
{
	static const char *const keys[] = {
		"a%b_c:1", "a%b_c:2", "a%b_c", "aXbYc:1", "a%bZc:1", "A%B_C:1",
		"xa%b_c:1", "a%b_", "a%b\xc3\xa9:1",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
		put_counter(keys[i], 1, 0, 100);

	/* LIKE 'a%b_c:%' would also take aXbYc:1, a%bZc:1 and A%B_C:1 */
	assert_int_equal(OPS->counter_delete_prefix(S, "a%b_c:"), SK_OK);
	assert_false(has_counter("a%b_c:1"));
	assert_false(has_counter("a%b_c:2"));
	assert_true(has_counter("a%b_c"));
	assert_true(has_counter("aXbYc:1"));
	assert_true(has_counter("a%bZc:1"));
	assert_true(has_counter("A%B_C:1"));
	assert_true(has_counter("xa%b_c:1"));
	assert_true(has_counter("a%b_"));
	assert_true(has_counter("a%b\xc3\xa9:1"));

	assert_int_equal(OPS->counter_delete_prefix(S, "a%b_"), SK_OK);
	assert_false(has_counter("a%b_c"));
	assert_false(has_counter("a%b_"));
	assert_true(has_counter("a%bZc:1"));
	assert_true(has_counter("a%b\xc3\xa9:1"));

	/* a prefix that ends inside a multi-byte character: bytes, not characters */
	assert_int_equal(OPS->counter_delete_prefix(S, "a%b\xc3"), SK_OK);
	assert_false(has_counter("a%b\xc3\xa9:1"));

	assert_int_equal(OPS->counter_delete_prefix(S, "nothing"), SK_OK);
	assert_true(has_counter("aXbYc:1"));
	assert_true(has_counter("A%B_C:1"));
	assert_true(has_counter("xa%b_c:1"));
}

static void
test_counter_prune(void **state)
{
	(void)state;
	put_counter("old", 1, 0, 100);              /* unlocked, old: pruned */
	put_counter("expired", 3, 150, 100);        /* lock ended before 200: pruned */
	put_counter("locked", 3, 300, 100);         /* still locked at 200: kept */
	put_counter("lockedge", 3, 200, 100);       /* lock ends at 200 itself: kept */
	put_counter("forever", 3, INT64_MAX, 100);  /* until unlocked: kept */
	put_counter("recent", 1, 0, 250);           /* updated after 200: kept */
	put_counter("edge", 1, 0, 200);             /* updated at 200 itself: kept */

	assert_int_equal(OPS->counter_prune(S, 200), SK_OK);
	assert_false(has_counter("old"));
	assert_false(has_counter("expired"));
	assert_true(has_counter("locked"));
	assert_true(has_counter("lockedge"));
	assert_true(has_counter("forever"));
	assert_true(has_counter("recent"));
	assert_true(has_counter("edge"));

	/* even with the largest cut-off a lock until unlocked stays */
	assert_int_equal(OPS->counter_prune(S, INT64_MAX), SK_OK);
	assert_false(has_counter("locked"));
	assert_false(has_counter("lockedge"));
	assert_false(has_counter("recent"));
	assert_false(has_counter("edge"));
	assert_true(has_counter("forever"));
}

static void
test_audit(void **state)
{
	sk_audit_event e, f;
	struct seen sn;
	int64_t seq;

	(void)state;
	assert_int_equal(OPS->audit_last(S, &e), SK_ERR_NOTFOUND);
	for (seq = 1; seq <= 5; seq++) {
		fill_event(&e, seq);
		assert_int_equal(OPS->audit_append(S, &e), SK_OK);
	}
	fill_event(&e, 3);
	assert_int_equal(OPS->audit_append(S, &e), SK_ERR_EXISTS);

	assert_int_equal(OPS->audit_last(S, &f), SK_OK);
	fill_event(&e, 5);
	assert_event_eq(&e, &f);

	sn = seen_none();
	assert_int_equal(OPS->audit_list(S, 3, audit_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 3);
	assert_int_equal(sn.ids[0], 3);
	assert_int_equal(sn.ids[2], 5);
	sn = seen_none();
	assert_int_equal(OPS->audit_list(S, 0, audit_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 5);
	sn = seen_none();
	assert_int_equal(OPS->audit_list(S, 6, audit_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 0);

	/* an unterminated field is refused */
	fill_event(&e, 6);
	memset(e.result, 'r', sizeof e.result);
	assert_int_equal(OPS->audit_append(S, &e), SK_ERR_INVALID);
	assert_int_equal(OPS->audit_last(S, &f), SK_OK);
	assert_int_equal(f.seq, 5);
}

static void
test_approvals(void **state)
{
	sk_approval a, b, c;
	struct seen sn = seen_none();

	(void)state;
	assert_int_equal(OPS->approval_get(S, 1, &b), SK_ERR_NOTFOUND);
	fill_approval(&a, "bob");
	assert_int_equal(OPS->approval_insert(S, &a), SK_OK);
	assert_true(a.id > 0);
	assert_int_equal(OPS->approval_get(S, a.id, &b), SK_OK);
	assert_approval_eq(&a, &b);

	a.state = SK_APPROVAL_APPROVED;
	snprintf(a.decided_by, sizeof a.decided_by, "carol");
	a.decided_at = 1700000400;
	assert_int_equal(OPS->approval_update(S, &a), SK_OK);
	assert_int_equal(OPS->approval_get(S, a.id, &b), SK_OK);
	assert_approval_eq(&a, &b);

	c = a;
	c.id = 9999;
	assert_int_equal(OPS->approval_update(S, &c), SK_ERR_NOTFOUND);

	fill_approval(&c, "dave");
	snprintf(c.action, sizeof c.action, "reset_admin_mfa");
	c.state = SK_APPROVAL_EXPIRED;
	assert_int_equal(OPS->approval_insert(S, &c), SK_OK);
	assert_true(c.id > a.id);
	assert_int_equal(OPS->approval_list(S, approval_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 2);
	assert_int_equal(sn.ids[0], a.id);
	assert_int_equal(sn.ids[1], c.id);
	assert_int_equal(OPS->approval_get(S, c.id, &b), SK_OK);
	assert_approval_eq(&c, &b);
}

static int
grant_check_cb(void *arg, const sk_grant *g)
{
	const sk_grant *want = arg;

	if (g->id != want->id)
		return 0;
	assert_int_equal(g->user_id, want->user_id);
	assert_int_equal(g->role, want->role);
	assert_int_equal(g->until, want->until);
	assert_string_equal(g->granted_by, want->granted_by);
	assert_int_equal(g->created_at, want->created_at);
	return 99;
}

static void
test_grants(void **state)
{
	struct seen sn;
	sk_grant g;
	int64_t alice, bob, g1, g2, g3;

	(void)state;
	alice = add_user("alice");
	bob = add_user("bob");
	g1 = add_grant(alice, SK_ROLE_ADMIN, 1800000000);
	g2 = add_grant(bob, SK_ROLE_AUDITOR, 1800000001);
	g3 = add_grant(alice, SK_ROLE_AUDITOR, 1800000002);

	memset(&g, 0, sizeof g);
	g.id = g2;
	g.user_id = bob;
	g.role = SK_ROLE_AUDITOR;
	g.until = 1800000001;
	snprintf(g.granted_by, sizeof g.granted_by, "local:root");
	g.created_at = 1700000200;
	assert_int_equal(OPS->grant_list(S, 0, grant_check_cb, &g), 99);

	sn = seen_none();
	assert_int_equal(OPS->grant_list(S, alice, grant_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 2);
	assert_int_equal(sn.ids[0], g1);
	assert_int_equal(sn.ids[1], g3);
	sn = seen_none();
	assert_int_equal(OPS->grant_list(S, bob, grant_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 1);
	assert_int_equal(sn.ids[0], g2);
	sn = seen_none();
	assert_int_equal(OPS->grant_list(S, 0, grant_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 3);
	assert_int_equal(sn.ids[0], g1);
	assert_int_equal(sn.ids[1], g2);
	assert_int_equal(sn.ids[2], g3);

	assert_int_equal(OPS->grant_delete(S, g1), SK_OK);
	assert_int_equal(OPS->grant_delete(S, g1), SK_ERR_NOTFOUND);
	sn = seen_none();
	assert_int_equal(OPS->grant_list(S, 0, grant_cb, &sn), SK_OK);
	assert_int_equal(sn.n, 2);

	memset(&g, 0, sizeof g);
	g.user_id = 9999;
	assert_int_equal(OPS->grant_insert(S, &g), SK_ERR_NOTFOUND);
}

static void
test_transactions(void **state)
{
	sk_user u;

	(void)state;
	assert_int_equal(OPS->begin(S), SK_OK);
	fill_user(&u, "carol");
	assert_int_equal(OPS->user_insert(S, &u), SK_OK);
	assert_int_equal(OPS->user_get_by_name(S, "carol", &u), SK_OK);
	assert_int_equal(OPS->rollback(S), SK_OK);
	assert_int_equal(OPS->user_get_by_name(S, "carol", &u), SK_ERR_NOTFOUND);

	assert_int_equal(OPS->begin(S), SK_OK);
	fill_user(&u, "dave");
	assert_int_equal(OPS->user_insert(S, &u), SK_OK);
	assert_int_equal(OPS->commit(S), SK_OK);
	assert_int_equal(OPS->user_get_by_name(S, "dave", &u), SK_OK);

	/* rollback with nothing to undo is harmless; nesting is refused */
	assert_int_equal(OPS->rollback(S), SK_OK);
	assert_int_equal(OPS->begin(S), SK_OK);
	assert_int_not_equal(OPS->begin(S), SK_OK);
	assert_int_equal(OPS->rollback(S), SK_OK);
	assert_int_not_equal(OPS->commit(S), SK_OK);
}

/* A user_list callback that uses the store, including user_list itself. */
struct reenter {
	int n;
	int inner;
};

static int
count_cb(void *arg, const sk_user *u)
{
	(void)u;
	(*(int *)arg)++;
	return 0;
}

static int
reenter_cb(void *arg, const sk_user *u)
{
	struct reenter *re = arg;
	sk_user v;
	sk_device d;
	int n = 0;

	assert_int_equal(OPS->user_get_by_id(S, u->id, &v), SK_OK);
	assert_user_eq(u, &v);
	assert_int_equal(OPS->user_get_by_name(S, u->name, &v), SK_OK);
	assert_int_equal(OPS->user_list(S, count_cb, &n), SK_OK);
	re->inner += n;
	/* and a write */
	fill_device(&d, u->id, "from-callback");
	assert_int_equal(OPS->device_insert(S, &d), SK_OK);
	re->n++;
	return 0;
}

static int
device_reenter_cb(void *arg, const sk_device *d)
{
	sk_device e;

	assert_int_equal(OPS->device_get(S, d->id, &e), SK_OK);
	assert_device_eq(d, &e);
	(*(int *)arg)++;
	return 0;
}

static void
test_list_reentrant(void **state)
{
	struct reenter re = {0, 0};
	int64_t alice;
	int n = 0;

	(void)state;
	alice = add_user("alice");
	(void)add_user("bob");
	(void)add_user("carol");
	assert_int_equal(OPS->user_list(S, reenter_cb, &re), SK_OK);
	assert_int_equal(re.n, 3);
	assert_int_equal(re.inner, 9);
	assert_int_equal(OPS->device_list(S, alice, device_reenter_cb, &n), SK_OK);
	assert_int_equal(n, 1);
}

static void
test_list_early_stop(void **state)
{
	struct seen sn;
	sk_audit_event e;
	sk_approval a;
	int64_t alice;
	int i;

	(void)state;
	alice = add_user("alice");
	(void)add_user("bob");
	(void)add_user("carol");
	for (i = 0; i < 3; i++) {
		char name[16];

		snprintf(name, sizeof name, "dev%d", i);
		(void)add_device(alice, name);
		snprintf(name, sizeof name, "h%d", i);
		(void)add_code(alice, name);
		(void)add_grant(alice, SK_ROLE_ADMIN, 1800000000 + i);
		fill_event(&e, i + 1);
		assert_int_equal(OPS->audit_append(S, &e), SK_OK);
		fill_approval(&a, "bob");
		assert_int_equal(OPS->approval_insert(S, &a), SK_OK);
	}

	sn = seen_none();
	sn.stop_at = 2;
	sn.ret = 7;
	assert_int_equal(OPS->user_list(S, user_cb, &sn), 7);
	assert_int_equal(sn.n, 2);
	sn = seen_none();
	sn.stop_at = 1;
	sn.ret = -42;
	assert_int_equal(OPS->device_list(S, alice, device_cb, &sn), -42);
	assert_int_equal(sn.n, 1);
	sn = seen_none();
	sn.stop_at = 2;
	sn.ret = 1;
	assert_int_equal(OPS->recovery_list(S, alice, recovery_cb, &sn), 1);
	assert_int_equal(sn.n, 2);
	sn = seen_none();
	sn.stop_at = 3;
	sn.ret = 3;
	assert_int_equal(OPS->audit_list(S, 1, audit_cb, &sn), 3);
	assert_int_equal(sn.n, 3);
	sn = seen_none();
	sn.stop_at = 2;
	sn.ret = 12;
	assert_int_equal(OPS->approval_list(S, approval_cb, &sn), 12);
	assert_int_equal(sn.n, 2);
	sn = seen_none();
	sn.stop_at = 1;
	sn.ret = 5;
	assert_int_equal(OPS->grant_list(S, 0, grant_cb, &sn), 5);
	assert_int_equal(sn.n, 1);
	sn = seen_none();
	sn.stop_at = 2;
	sn.ret = 6;
	assert_int_equal(OPS->grant_list(S, alice, grant_cb, &sn), 6);
	assert_int_equal(sn.n, 2);

	/* the store is still usable: nothing was left open */
	assert_int_equal(OPS->begin(S), SK_OK);
	(void)add_user("dave");
	assert_int_equal(OPS->commit(S), SK_OK);
}

static void
test_open_args(void **state)
{
	sk_store *s = (sk_store *)&s;

	(void)state;
	OPS->close(NULL);
	assert_int_equal(sk_store_sqlite_open(NULL, ":memory:", 1), SK_ERR_INVALID);
	assert_int_equal(sk_store_sqlite_open(&s, NULL, 1), SK_ERR_INVALID);
	assert_null(s);
	assert_int_equal(sk_store_sqlite_open(&s, "", 1), SK_ERR_INVALID);
	assert_null(s);
}

/* ---- what only a database file has ------------------------------------- */

static mode_t
file_mode(const char *path)
{
	struct stat sb;

	assert_int_equal(stat(path, &sb), 0);
	return sb.st_mode & 07777;
}

static void
test_file_mode(void **state)
{
	char path[PATH_MAX], wal[PATH_MAX + 8];
	sk_store *s = NULL;
	mode_t old;

	(void)state;
	assert_int_equal(file_mode(db_path), 0600);
	(void)add_user("alice");
	snprintf(wal, sizeof wal, "%s-wal", db_path);
	assert_int_equal(file_mode(wal), 0600);
	snprintf(wal, sizeof wal, "%s-shm", db_path);
	assert_int_equal(file_mode(wal), 0600);

	/* whatever the umask */
	path_in_tmp(path, sizeof path, "umask0.db");
	old = umask(0);
	assert_int_equal(sk_store_sqlite_open(&s, path, 1), SK_OK);
	umask(old);
	assert_int_equal(file_mode(path), 0600);
	s->ops->close(s);
	/* An existing database open to group or others is refused. */
	assert_int_equal(chmod(path, 0640), 0);
	s = NULL;
	assert_int_equal(sk_store_sqlite_open(&s, path, 0), SK_ERR_FILE_MODE);
	assert_null(s);
	assert_int_equal(chmod(path, 0604), 0);
	assert_int_equal(sk_store_sqlite_open(&s, path, 1), SK_ERR_FILE_MODE);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(sk_store_sqlite_open(&s, path, 0), SK_OK);
	s->ops->close(s);
	unlink_db(path);
}

static void
test_open_missing(void **state)
{
	char path[PATH_MAX];
	struct stat sb;
	sk_store *s = (sk_store *)&s;

	(void)state;
	path_in_tmp(path, sizeof path, "missing.db");
	assert_int_equal(sk_store_sqlite_open(&s, path, 0), SK_ERR_NOTFOUND);
	assert_null(s);
	assert_int_equal(stat(path, &sb), -1);
	/* a directory that does not exist is no better */
	path_in_tmp(path, sizeof path, "nodir/x.db");
	assert_int_equal(sk_store_sqlite_open(&s, path, 0), SK_ERR_NOTFOUND);
	assert_int_not_equal(sk_store_sqlite_open(&s, path, 1), SK_OK);
	assert_null(s);
}

static int
journal_mode_cb(void *arg, int n, char **vals, char **cols)
{
	(void)cols;
	if (n == 1 && vals[0] != NULL)
		snprintf(arg, 16, "%s", vals[0]);
	return 0;
}

static void
test_reopen(void **state)
{
	char buf[16];
	sk_user u;
	sqlite3 *db;
	int64_t id;

	(void)state;
	id = add_user("alice");
	assert_int_equal(OPS->meta_set(S, "install_id", "xyz"), SK_OK);
	S->ops->close(S);
	S = NULL;

	/* the database is in WAL mode on disk */
	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	buf[0] = '\0';
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode", journal_mode_cb, buf, NULL),
	    SQLITE_OK);
	assert_string_equal(buf, "wal");
	sqlite3_close(db);

	assert_int_equal(sk_store_sqlite_open(&S, db_path, 0), SK_OK);
	assert_int_equal(OPS->user_get_by_id(S, id, &u), SK_OK);
	assert_string_equal(u.name, "alice");
	assert_int_equal(OPS->meta_get(S, "schema_version", buf, sizeof buf), SK_OK);
	assert_string_equal(buf, "4");
	assert_int_equal(OPS->meta_get(S, "install_id", buf, sizeof buf), SK_OK);
	assert_string_equal(buf, "xyz");
	S->ops->close(S);

	/* create = 1 on an existing file opens it too */
	assert_int_equal(sk_store_sqlite_open(&S, db_path, 1), SK_OK);
	assert_int_equal(OPS->user_get_by_name(S, "alice", &u), SK_OK);
}

static void
test_schema_too_new(void **state)
{
	sk_store *s = (sk_store *)&s;

	(void)state;
	raw_exec("UPDATE meta SET value = '999' WHERE key = 'schema_version'");
	assert_int_equal(sk_store_sqlite_open(&s, db_path, 0), SK_ERR_SCHEMA);
	assert_null(s);
	assert_int_equal(sk_store_sqlite_open(&s, db_path, 1), SK_ERR_SCHEMA);
	assert_null(s);

	raw_exec("UPDATE meta SET value = '1x' WHERE key = 'schema_version'");
	assert_int_equal(sk_store_sqlite_open(&s, db_path, 0), SK_ERR_STORE);
	raw_exec("DELETE FROM meta");
	assert_int_equal(sk_store_sqlite_open(&s, db_path, 0), SK_ERR_STORE);
	raw_exec("INSERT INTO meta VALUES ('schema_version', '4')");
	assert_int_equal(sk_store_sqlite_open(&s, db_path, 0), SK_OK);
	s->ops->close(s);

	/* A version 1 database (before sessions) is migrated on open. */
	raw_exec("DROP TABLE sessions");
	raw_exec("DROP INDEX audit_actor");
	raw_exec("DROP INDEX audit_target");
	raw_exec("DROP TABLE apitokens");
	raw_exec("UPDATE meta SET value = '1' WHERE key = 'schema_version'");
	assert_int_equal(sk_store_sqlite_open(&s, db_path, 0), SK_OK);
	char buf[16];
	assert_int_equal(s->ops->meta_get(s, "schema_version", buf, sizeof buf), SK_OK);
	assert_string_equal(buf, "4");
	assert_int_equal(s->ops->session_delete(s, 12345), SK_ERR_NOTFOUND); /* table is there */
	s->ops->close(s);
}

static void
test_corrupt_values(void **state)
{
	sk_user u;
	sk_device d;
	sk_audit_event e;
	struct seen sn = seen_none();
	int64_t alice, dev;

	(void)state;
	alice = add_user("alice");
	dev = add_device(alice, "token");
	fill_event(&e, 1);
	assert_int_equal(OPS->audit_append(S, &e), SK_OK);

	/* a name one byte longer than the array: refused, not truncated */
	raw_exec("UPDATE users SET name = "
	    "'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn'");
	assert_int_equal(OPS->user_get_by_id(S, alice, &u), SK_ERR_STORE);
	assert_string_equal(u.name, "");
	assert_int_equal(OPS->user_list(S, user_cb, &sn), SK_ERR_STORE);
	assert_int_equal(sn.n, 0);
	raw_exec("UPDATE users SET name = 'alice'");
	assert_int_equal(OPS->user_get_by_id(S, alice, &u), SK_OK);

	raw_exec("UPDATE devices SET secret = zeroblob(129)");
	assert_int_equal(OPS->device_get(S, dev, &d), SK_ERR_STORE);
	raw_exec("UPDATE devices SET secret = zeroblob(128), digits = -1");
	assert_int_equal(OPS->device_get(S, dev, &d), SK_ERR_STORE);
	raw_exec("UPDATE devices SET digits = 6");
	assert_int_equal(OPS->device_get(S, dev, &d), SK_OK);
	assert_int_equal(d.secret_len, 128);

	raw_exec("UPDATE audit SET prev = zeroblob(31)");
	assert_int_equal(OPS->audit_last(S, &e), SK_ERR_STORE);
	raw_exec("UPDATE audit SET prev = zeroblob(32), detail = 'a' || char(0) || 'b'");
	assert_int_equal(OPS->audit_last(S, &e), SK_ERR_STORE);
}

static void
test_not_a_database(void **state)
{
	char path[PATH_MAX], junk[4096];
	sk_store *s = (sk_store *)&s;
	FILE *f;

	(void)state;
	path_in_tmp(path, sizeof path, "junk.db");
	memset(junk, 'j', sizeof junk);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(junk, 1, sizeof junk, f), sizeof junk);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, 0600), 0); /* else refused for its mode first */
	assert_int_equal(sk_store_sqlite_open(&s, path, 0), SK_ERR_STORE);
	assert_null(s);
	unlink_db(path);
}

static void
test_two_connections(void **state)
{
	sk_store *s2 = NULL;
	sqlite3 *db = NULL;
	sk_user u;

	(void)state;
	assert_int_equal(sk_store_sqlite_open(&s2, db_path, 0), SK_OK);

	/* begin takes the write lock at once (BEGIN IMMEDIATE) */
	assert_int_equal(OPS->begin(S), SK_OK);
	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_BUSY);

	/* readers go on meanwhile, and see only committed data */
	fill_user(&u, "alice");
	assert_int_equal(OPS->user_insert(S, &u), SK_OK);
	assert_int_equal(s2->ops->user_get_by_name(s2, "alice", &u), SK_ERR_NOTFOUND);
	assert_int_equal(OPS->commit(S), SK_OK);
	assert_int_equal(s2->ops->user_get_by_name(s2, "alice", &u), SK_OK);

	/* once the lock is released, the others can write */
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(s2->ops->begin(s2), SK_OK);
	fill_user(&u, "bob");
	assert_int_equal(s2->ops->user_insert(s2, &u), SK_OK);
	assert_int_equal(s2->ops->commit(s2), SK_OK);
	assert_int_equal(OPS->user_get_by_name(S, "bob", &u), SK_OK);
	s2->ops->close(s2);
}

/* A path beginning with "file:" is a file name, not an SQLite URI. */
static void
test_file_prefix_path(void **state)
{
	char cwd[PATH_MAX];
	sk_store *s = NULL;
	struct stat sb;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(tmpdir), 0);
	assert_int_equal(sk_store_sqlite_open(&s, "file:x.db?mode=memory", 1), SK_OK);
	assert_int_equal(stat("file:x.db?mode=memory", &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	s->ops->close(s);
	unlink_db("file:x.db?mode=memory");
	assert_int_equal(chdir(cwd), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	static const struct CMUnitTest common[] = {
		T(test_meta),
		T(test_user_crud),
		T(test_ids_not_reused),
		T(test_user_limits),
		T(test_device_crud),
		T(test_recovery),
		T(test_cascade),
		T(test_counters),
		T(test_counter_delete_prefix),
		T(test_counter_prune),
		T(test_audit),
		T(test_approvals),
		T(test_grants),
		T(test_transactions),
		T(test_list_reentrant),
		T(test_list_early_stop),
		T(test_open_args),
	};
	static const struct CMUnitTest file_only[] = {
		T(test_file_mode),
		T(test_open_missing),
		T(test_reopen),
		T(test_schema_too_new),
		T(test_corrupt_values),
		T(test_not_a_database),
		T(test_two_connections),
		T(test_file_prefix_path),
	};
	int fails = 0;

	fails += cmocka_run_group_tests_name("store (:memory:)", common,
	    group_setup_memory, group_teardown);
	fails += cmocka_run_group_tests_name("store (file)", common,
	    group_setup_file, group_teardown);
	fails += cmocka_run_group_tests_name("store (file only)", file_only,
	    group_setup_file, group_teardown);
	return fails == 0 ? 0 : 1;
}
