/*
 * tests/unit/test_audit.c - the tamper-evident audit log (lib/audit.c; D1,
 * D2, DESIGN 6): which actions are recorded, the keyed chain and what
 * breaks it (changed, deleted rows, another key), the JSON form and its
 * mirror file; and that no secret is ever stored in clear (A4, G2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <jansson.h>
#include <limits.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#include "totputil.h"

#define PW "Quartz-Lantern-58!"
#define PW2 "Harbor-Violet-93#"
#define BAD_PW "Wrong-Guess-123!"

static char tmpdir[PATH_MAX];

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sekisho-test-audit.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char buf[PATH_MAX + 300];
	struct dirent *de;
	DIR *d;

	(void)state;
	if ((d = opendir(tmpdir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(buf, sizeof(buf), "%s/%s", tmpdir, de->d_name);
			(void)unlink(buf);
		}
		closedir(d);
	}
	return rmdir(tmpdir);
}

static void
path_of(char *buf, size_t size, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", tmpdir, name);
	assert_true(n > 0 && (size_t)n < size);
}

/* A context over a database file, with the given key and optional mirror. */
static test_env *
file_env(const char *db, const uint8_t key[SK_KEY_LEN], const char *mirror)
{
	test_env *t = calloc(1, sizeof(*t));
	sk_store *store = NULL;

	assert_non_null(t);
	test_config(&t->cfg);
	if (mirror != NULL)
		snprintf(t->cfg.audit_log_path, sizeof(t->cfg.audit_log_path), "%s", mirror);
	t->now = 1700000000;
	memcpy(t->key, key, SK_KEY_LEN);
	assert_int_equal(sk_store_sqlite_open(&store, db, 1), SK_OK);
	assert_int_equal(sk_ctx_new(&t->ctx, &t->cfg, store, t->key), SK_OK);
	sk_ctx_set_clock(t->ctx, test_clock, t);
	return t;
}

/* ---- collecting events -------------------------------------------------- */

#define MAX_EVENTS 256

struct events {
	sk_audit_event e[MAX_EVENTS];
	size_t n;
};

static int
collect(void *arg, const sk_audit_event *e)
{
	struct events *ev = arg;

	assert_true(ev->n < MAX_EVENTS);
	ev->e[ev->n++] = *e;
	return 0;
}

static struct events *
all_events(test_env *t, int64_t since)
{
	struct events *ev = calloc(1, sizeof(*ev));

	assert_non_null(ev);
	assert_int_equal(sk_audit_list(t->ctx, since, collect, ev), SK_OK);
	return ev;
}

/* Index of the first event from `from` with action and result, or -1. */
static long
find(const struct events *ev, size_t from, const char *action, const char *result)
{
	for (size_t i = from; i < ev->n; i++)
		if (strcmp(ev->e[i].action, action) == 0 &&
		    (result == NULL || strcmp(ev->e[i].result, result) == 0))
			return (long)i;
	return -1;
}

static const sk_audit_event *
must_find(const struct events *ev, const char *action, const char *result)
{
	long i = find(ev, 0, action, result);

	if (i < 0)
		fail_msg("no %s/%s event", action, result ? result : "*");
	return &ev->e[i];
}

/* ---- what is recorded --------------------------------------------------- */

static void
test_events_recorded(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_actor local = test_local_actor();
	sk_signin s;
	char secret[128], code[SK_OTP_CODE_MAX + 1], initial[SK_INITIAL_PASSWORD_MAX];
	int64_t retry, id, count = -1, bad = -1;
	const sk_audit_event *e;
	struct events *ev;

	(void)state;
	id = test_add_user(t, "alice", SK_ROLE_USER, PW);
	t->now += 10;
	sk_signin_start(t->ctx, &s, "198.51.100.7");
	assert_int_equal(sk_signin_password(t->ctx, &s, "alice", BAD_PW, strlen(BAD_PW), &retry),
			 SK_ERR_AUTH);
	sk_signin_start(t->ctx, &s, "198.51.100.7");
	assert_int_equal(sk_signin_password(t->ctx, &s, "nobody", BAD_PW, strlen(BAD_PW), &retry),
			 SK_ERR_AUTH);
	enroll_app(t, id, "phone", secret, sizeof(secret));
	t->now += 30;
	sk_signin_start(t->ctx, &s, "198.51.100.8");
	assert_int_equal(sk_signin_password(t->ctx, &s, "alice", PW, strlen(PW), &retry), SK_OK);
	assert_int_equal(sk_signin_mfa(t->ctx, &s, "000000", &retry), SK_ERR_AUTH);
	totp_at(t, secret, t->now, code);
	assert_int_equal(sk_signin_mfa(t->ctx, &s, code, &retry), SK_OK);
	for (int i = 0; i < 4; i++) {
		sk_signin_start(t->ctx, &s, "203.0.113.66");
		int r = sk_signin_password(t->ctx, &s, "alice", BAD_PW, strlen(BAD_PW), &retry);
		assert_int_equal(r, i < 2 ? SK_ERR_AUTH : SK_ERR_LOCKED);
	}
	assert_int_equal(sk_account_unlock(t->ctx, &local, "alice"), SK_OK);
	assert_int_equal(sk_account_reset_password(t->ctx, &local, "alice", initial), SK_OK);
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "alice", 1), SK_OK);
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "alice", 0), SK_OK);
	assert_int_equal(sk_account_set_role(t->ctx, &local, "alice", SK_ROLE_AUDITOR), SK_OK);
	assert_int_equal(sk_mfa_reset(t->ctx, &local, "alice"), SK_OK);
	assert_int_equal(sk_account_delete(t->ctx, &local, "alice"), SK_OK);

	ev = all_events(t, 0);
	assert_int_equal(sk_audit_verify(t->ctx, &count, &bad), SK_OK);
	assert_int_equal(count, (int64_t)ev->n);
	assert_int_equal(bad, 0);
	for (size_t i = 0; i < ev->n; i++)
		assert_int_equal(ev->e[i].seq, (int64_t)i + 1);

	e = must_find(ev, "user.create", "ok");
	assert_string_equal(e->actor, "local:test");
	assert_string_equal(e->target, "alice");
	assert_string_equal(e->addr, "local");
	assert_int_equal(e->ts, 1700000000);

	e = must_find(ev, "signin.password", "fail");
	assert_string_equal(e->target, "alice");
	assert_string_equal(e->addr, "198.51.100.7");
	assert_int_equal(e->ts, 1700000010);
	assert_string_equal(e->detail, "wrong password");
	assert_int_equal(ev->e[find(ev, 0, "signin.password", "fail") + 1].seq, e->seq + 1);
	/* Unknown names are recorded too (the log is for the operator). */
	long i = find(ev, (size_t)(e - ev->e) + 1, "signin.password", "fail");
	assert_true(i >= 0);
	assert_string_equal(ev->e[i].target, "nobody");

	e = must_find(ev, "mfa.enroll", "ok");
	assert_string_equal(e->target, "alice");
	assert_non_null(strstr(e->detail, "phone"));
	e = must_find(ev, "signin.password", "ok");
	assert_string_equal(e->addr, "198.51.100.8");
	e = must_find(ev, "signin.mfa", "fail");
	assert_string_equal(e->addr, "198.51.100.8");
	e = must_find(ev, "signin.ok", "ok");
	assert_string_equal(e->actor, "alice");
	assert_string_equal(e->addr, "198.51.100.8");
	assert_string_equal(e->detail, "with second factor");
	e = must_find(ev, "signin.locked", "locked");
	assert_string_equal(e->addr, "203.0.113.66");
	e = must_find(ev, "user.unlock", "ok");
	assert_string_equal(e->actor, "local:test");
	must_find(ev, "password.reset", "ok");
	must_find(ev, "user.disable", "ok");
	must_find(ev, "user.enable", "ok");
	e = must_find(ev, "role.change", "ok");
	assert_string_equal(e->detail, "user -> auditor");
	must_find(ev, "mfa.reset", "ok");
	e = must_find(ev, "user.delete", "ok");
	assert_int_equal(e->seq, (int64_t)ev->n);
	free(ev);

	/* since: only events at or after a time. */
	ev = all_events(t, 1700000040);
	assert_true(ev->n > 0);
	for (size_t k = 0; k < ev->n; k++)
		assert_true(ev->e[k].ts >= 1700000040);
	assert_int_equal(find(ev, 0, "user.create", NULL), -1);
	free(ev);
	sodium_memzero(initial, sizeof(initial));
	test_env_free(t);
}

/* The chain links every event to the one before. */
static void
test_chain_links(void **state)
{
	test_env *t = test_env_new(NULL);
	struct events *ev;
	int64_t count = -1, bad = -1;
	uint8_t zero[SK_HASH_LEN] = {0};

	(void)state;
	assert_int_equal(sk_audit_verify(t->ctx, &count, &bad), SK_OK);
	assert_int_equal(count, 0);
	for (int i = 0; i < 5; i++)
		assert_int_equal(sk_audit(t->ctx, "x", "user.update", "y", "a", "ok", NULL), SK_OK);
	/* Over-long fields are truncated, not refused; NULLs stored empty. */
	char big[1000];
	memset(big, 'd', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(sk_audit(t->ctx, NULL, "user.update", NULL, NULL, "ok", big), SK_OK);
	ev = all_events(t, 0);
	assert_int_equal(ev->n, 6);
	assert_memory_equal(ev->e[0].prev, zero, SK_HASH_LEN);
	for (size_t i = 1; i < ev->n; i++)
		assert_memory_equal(ev->e[i].prev, ev->e[i - 1].hash, SK_HASH_LEN);
	for (size_t i = 0; i < ev->n; i++)
		for (size_t j = 0; j < i; j++)
			assert_memory_not_equal(ev->e[i].hash, ev->e[j].hash, SK_HASH_LEN);
	assert_string_equal(ev->e[5].actor, "");
	assert_int_equal(strlen(ev->e[5].detail), SK_DETAIL_MAX - 1);
	assert_int_equal(sk_audit_verify(t->ctx, &count, &bad), SK_OK);
	assert_int_equal(count, 6);
	free(ev);
	test_env_free(t);
}

/* ---- tampering ---------------------------------------------------------- */

/* Builds a database with n events; returns its key in key. */
static void
make_log(const char *db, uint8_t key[SK_KEY_LEN], int n)
{
	test_env *t;
	int64_t count = -1, bad = -1;

	randombytes_buf(key, SK_KEY_LEN);
	t = file_env(db, key, NULL);
	for (int i = 0; i < n; i++) {
		char detail[32];
		snprintf(detail, sizeof(detail), "event %d", i + 1);
		t->now += 7;
		assert_int_equal(sk_audit(t->ctx, "admin", "user.update", "bob", "10.0.0.1", "ok",
					  detail), SK_OK);
	}
	assert_int_equal(sk_audit_verify(t->ctx, &count, &bad), SK_OK);
	assert_int_equal(count, n);
	test_env_free(t);
}

static void
run_sql(const char *db, const char *sql)
{
	sqlite3 *h = NULL;
	char *err = NULL;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	if (sqlite3_exec(h, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s", sql, err ? err : "?");
	assert_int_equal(sqlite3_changes(h) > 0, 1);
	assert_int_equal(sqlite3_close(h), SQLITE_OK);
}

static int
verify_file(const char *db, const uint8_t key[SK_KEY_LEN], int64_t *count, int64_t *bad)
{
	test_env *t = file_env(db, key, NULL);
	int r = sk_audit_verify(t->ctx, count, bad);

	test_env_free(t);
	return r;
}

static void
tamper_case(const char *name, const char *sql, int64_t want_bad)
{
	char db[PATH_MAX];
	uint8_t key[SK_KEY_LEN];
	int64_t count = -1, bad = -1;

	path_of(db, sizeof(db), name);
	make_log(db, key, 6);
	run_sql(db, sql);
	assert_int_equal(verify_file(db, key, &count, &bad), SK_ERR_TAMPERED);
	assert_int_equal(bad, want_bad);
}

static void
test_tamper_update(void **state)
{
	(void)state;
	tamper_case("detail.db", "UPDATE audit SET detail = 'nothing to see' WHERE seq = 3", 3);
	tamper_case("actor.db", "UPDATE audit SET actor = 'someone' WHERE seq = 4", 4);
	tamper_case("action.db", "UPDATE audit SET action = 'user.enable' WHERE seq = 1", 1);
	tamper_case("target.db", "UPDATE audit SET target = 'eve' WHERE seq = 6", 6);
	tamper_case("addr.db", "UPDATE audit SET addr = '10.9.9.9' WHERE seq = 2", 2);
	tamper_case("result.db", "UPDATE audit SET result = 'fail' WHERE seq = 5", 5);
	tamper_case("ts.db", "UPDATE audit SET ts = ts + 3600 WHERE seq = 3", 3);
	tamper_case("hash.db", "UPDATE audit SET hash = zeroblob(32) WHERE seq = 2", 2);
	/* Swapping two events' contents (keeping seq) breaks at the first. */
	tamper_case("swap.db",
		    "UPDATE audit SET detail = CASE seq WHEN 2 THEN 'event 3' ELSE 'event 2' END "
		    "WHERE seq IN (2, 3)", 2);
}

static void
test_tamper_delete(void **state)
{
	char db[PATH_MAX];
	uint8_t key[SK_KEY_LEN];
	int64_t count = -1, bad = -1;

	(void)state;
	tamper_case("mid.db", "DELETE FROM audit WHERE seq = 3", 3);
	tamper_case("first.db", "DELETE FROM audit WHERE seq = 1", 1);
	tamper_case("two.db", "DELETE FROM audit WHERE seq IN (4, 5)", 4);
	/* Renumbering after the delete does not hide it: the link is broken. */
	tamper_case("renum.db",
		    "DELETE FROM audit WHERE seq = 3; UPDATE audit SET seq = seq - 1 WHERE seq > 3",
		    3);
	/* An inserted event (made up without the key) is caught too. */
	tamper_case("insert.db",
		    "INSERT INTO audit (seq, ts, actor, action, target, addr, result, detail, "
		    "prev, hash) SELECT 7, ts, actor, action, target, addr, result, detail, hash, "
		    "hash FROM audit WHERE seq = 6", 7);

	/* The newest events can be cut off unseen by verify (the mirror shows it). */
	path_of(db, sizeof(db), "tail.db");
	make_log(db, key, 6);
	run_sql(db, "DELETE FROM audit WHERE seq = 6");
	assert_int_equal(verify_file(db, key, &count, &bad), SK_OK);
	assert_int_equal(count, 5);
}

static void
test_tamper_other_key(void **state)
{
	char db[PATH_MAX];
	uint8_t key[SK_KEY_LEN], other[SK_KEY_LEN];
	int64_t count = -1, bad = -1;

	(void)state;
	path_of(db, sizeof(db), "key.db");
	make_log(db, key, 4);
	memcpy(other, key, sizeof(other));
	other[0] ^= 1;
	assert_int_equal(verify_file(db, other, &count, &bad), SK_ERR_TAMPERED);
	assert_int_equal(bad, 1);
	assert_int_equal(count, 0);
	/* The right key still verifies. */
	assert_int_equal(verify_file(db, key, &count, &bad), SK_OK);
	assert_int_equal(count, 4);
}

/* ---- JSON --------------------------------------------------------------- */

static void
check_json(const sk_audit_event *e, const char *text)
{
	json_error_t jerr;
	json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	char hex[SK_HASH_LEN * 2 + 1];

	if (j == NULL)
		fail_msg("not JSON (%s at %d): %s", jerr.text, jerr.position, text);
	assert_true(json_is_object(j));
	assert_int_equal(json_object_size(j), 10);
	assert_int_equal(json_integer_value(json_object_get(j, "seq")), e->seq);
	assert_int_equal(json_integer_value(json_object_get(j, "ts")), e->ts);
	assert_string_equal(json_string_value(json_object_get(j, "actor")), e->actor);
	assert_string_equal(json_string_value(json_object_get(j, "action")), e->action);
	assert_string_equal(json_string_value(json_object_get(j, "target")), e->target);
	assert_string_equal(json_string_value(json_object_get(j, "addr")), e->addr);
	assert_string_equal(json_string_value(json_object_get(j, "result")), e->result);
	assert_string_equal(json_string_value(json_object_get(j, "detail")), e->detail);
	sodium_bin2hex(hex, sizeof(hex), e->hash, SK_HASH_LEN);
	assert_string_equal(json_string_value(json_object_get(j, "hash")), hex);
	assert_non_null(json_string_value(json_object_get(j, "time")));
	json_decref(j);
}

static void
test_json(void **state)
{
	sk_audit_event e;
	char buf[4096], *small;
	int n;
	json_t *j;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.seq = 42;
	e.ts = 1700000000;
	snprintf(e.actor, sizeof(e.actor), "%s", "ev\"il\\actor");
	snprintf(e.action, sizeof(e.action), "%s", "signin.password");
	snprintf(e.target, sizeof(e.target), "%s", "\xe5\xb1\xb1\xe7\x94\xb0"); /* 山田 */
	snprintf(e.addr, sizeof(e.addr), "%s", "::1");
	snprintf(e.result, sizeof(e.result), "%s", "fail");
	snprintf(e.detail, sizeof(e.detail), "%s",
		 "line1\nline2\r\ttab \x01\x1f\x7f end \"q\" \\ /");
	for (int i = 0; i < SK_HASH_LEN; i++)
		e.hash[i] = (uint8_t)(i * 7 + 1);

	n = sk_audit_json(&e, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal((size_t)n, strlen(buf));
	/* One line: no raw control character survives. */
	for (int i = 0; i < n; i++)
		assert_true((unsigned char)buf[i] >= 0x20 && buf[i] != 0x7f);
	check_json(&e, buf);
	j = json_loads(buf, 0, NULL);
	assert_string_equal(json_string_value(json_object_get(j, "time")),
			    "2023-11-14T22:13:20Z");
	json_decref(j);

	/* Every buffer too small is refused, and nothing is written past it. */
	for (size_t size = 0; size <= (size_t)n; size++) {
		small = malloc(size > 0 ? size : 1);
		assert_non_null(small);
		assert_int_equal(sk_audit_json(&e, small, size), SK_ERR_TOOLONG);
		free(small);
	}
	small = malloc((size_t)n + 1);
	assert_int_equal(sk_audit_json(&e, small, (size_t)n + 1), n);
	assert_string_equal(small, buf);
	free(small);

	/* Empty fields. */
	memset(&e, 0, sizeof(e));
	e.seq = 1;
	n = sk_audit_json(&e, buf, sizeof(buf));
	assert_true(n > 0);
	check_json(&e, buf);
}

/* Every stored event, in JSON, parses back to itself. */
static void
test_json_of_real_events(void **state)
{
	test_env *t = test_env_new(NULL);
	struct events *ev;
	char buf[2048];

	(void)state;
	test_add_user(t, "o.brien+x@corp", SK_ROLE_ADMIN, PW);
	assert_int_equal(sk_audit(t->ctx, "a\"b", "user.update", "c\\d", "e\nf", "ok",
				  "tab\there"), SK_OK);
	ev = all_events(t, 0);
	assert_true(ev->n >= 3);
	for (size_t i = 0; i < ev->n; i++) {
		assert_true(sk_audit_json(&ev->e[i], buf, sizeof(buf)) > 0);
		check_json(&ev->e[i], buf);
	}
	free(ev);
	test_env_free(t);
}

/* ---- the mirror file ---------------------------------------------------- */

static size_t
mirror_lines(const char *path, json_t **out, size_t max)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	size_t n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		json_error_t jerr;
		size_t len = strlen(line);
		assert_true(len > 0 && line[len - 1] == '\n');
		json_t *j = json_loads(line, 0, &jerr);
		if (j == NULL)
			fail_msg("mirror line %zu not JSON: %s", n + 1, line);
		if (n < max)
			out[n] = j;
		else
			json_decref(j);
		n++;
	}
	fclose(f);
	return n;
}

static void
test_mirror(void **state)
{
	char db[PATH_MAX], log[PATH_MAX];
	uint8_t key[SK_KEY_LEN];
	test_env *t;
	sk_actor local = test_local_actor(), a = {"a", "x", 0}, c = {"c", "x", 0};
	json_t *lines[MAX_EVENTS];
	struct events *ev;
	int64_t count = -1, bad = -1, retry;
	sk_signin s;
	size_t n;

	(void)state;
	path_of(db, sizeof(db), "m.db");
	path_of(log, sizeof(log), "audit.jsonl");
	randombytes_buf(key, sizeof(key));
	t = file_env(db, key, log);
	test_add_user(t, "a", SK_ROLE_ADMIN, PW);
	test_add_user(t, "b", SK_ROLE_ADMIN, PW);
	test_add_user(t, "c", SK_ROLE_ADMIN, PW); /* needs approval: request #1 */
	assert_int_equal(sk_approval_decide(t->ctx, &a, 1, 1, NULL, 0), SK_OK);
	sk_signin_start(t->ctx, &s, "10.0.0.1");
	assert_int_equal(sk_signin_password(t->ctx, &s, "b", BAD_PW, strlen(BAD_PW), &retry),
			 SK_ERR_AUTH);
	/*
	 * An action that fails part-way after auditing rolls back: approving a
	 * password reset without a buffer for the password.  The mirror must
	 * not keep events the chain never got.
	 */
	assert_int_equal(sk_account_reset_password(t->ctx, &a, "b", NULL), SK_ERR_APPROVAL);
	assert_int_equal(sk_approval_decide(t->ctx, &c, a.approval_id, 1, NULL, 0),
			 SK_ERR_INVALID);
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "c", 1), SK_OK);

	ev = all_events(t, 0);
	assert_int_equal(sk_audit_verify(t->ctx, &count, &bad), SK_OK);
	assert_int_equal(count, (int64_t)ev->n);
	n = mirror_lines(log, lines, MAX_EVENTS);
	assert_int_equal(n, ev->n);
	for (size_t i = 0; i < n && i < ev->n; i++) {
		char hex[SK_HASH_LEN * 2 + 1];
		assert_int_equal(json_integer_value(json_object_get(lines[i], "seq")), ev->e[i].seq);
		assert_string_equal(json_string_value(json_object_get(lines[i], "action")),
				    ev->e[i].action);
		sodium_bin2hex(hex, sizeof(hex), ev->e[i].hash, SK_HASH_LEN);
		assert_string_equal(json_string_value(json_object_get(lines[i], "hash")), hex);
	}
	for (size_t i = 0; i < n && i < MAX_EVENTS; i++)
		json_decref(lines[i]);
	test_env_free(t);

	/* Reopening appends; it does not truncate. */
	t = file_env(db, key, log);
	assert_int_equal(sk_audit(t->ctx, "x", "user.update", "y", "z", "ok", NULL), SK_OK);
	test_env_free(t);
	n = mirror_lines(log, lines, 0);
	assert_int_equal(n, ev->n + 1);
	free(ev);
}

/* ---- nothing secret in clear -------------------------------------------- */

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;

	*len = 0;
	if (f == NULL)
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

struct secrets {
	const char *text[64];
	size_t n;
	uint8_t raw[4][SK_OTP_SECRET_MAX];
	size_t raw_len[4];
	size_t nraw;
};

static void
no_secret_in(const char *path, const struct secrets *sec, int must_exist)
{
	size_t len;
	uint8_t *buf = slurp(path, &len);

	if (buf == NULL) {
		assert_false(must_exist);
		return;
	}
	for (size_t i = 0; i < sec->n; i++)
		if (memmem(buf, len, sec->text[i], strlen(sec->text[i])) != NULL)
			fail_msg("%s contains \"%s\" in clear", path, sec->text[i]);
	for (size_t i = 0; i < sec->nraw; i++)
		if (memmem(buf, len, sec->raw[i], sec->raw_len[i]) != NULL)
			fail_msg("%s contains raw TOTP secret %zu", path, i);
	free(buf);
}

static void
check_files(const char *db, const char *log, const struct secrets *sec)
{
	char p[PATH_MAX + 8];

	no_secret_in(db, sec, 1);
	snprintf(p, sizeof(p), "%s-wal", db);
	no_secret_in(p, sec, 0);
	snprintf(p, sizeof(p), "%s-journal", db);
	no_secret_in(p, sec, 0);
	no_secret_in(log, sec, 1);
}

static void
add_code_forms(struct secrets *sec, char store[][SK_RECOVERY_CODE_LEN + 1], size_t *ns,
	       const char *code)
{
	/* As shown, and without the hyphens. */
	sec->text[sec->n++] = code;
	size_t k = 0;
	for (const char *p = code; *p; p++)
		if (*p != '-')
			store[*ns][k++] = *p;
	store[*ns][k] = '\0';
	sec->text[sec->n++] = store[(*ns)++];
}

static void
test_no_secret_in_clear(void **state)
{
	char db[PATH_MAX], log[PATH_MAX];
	char initial[SK_INITIAL_PASSWORD_MAX], secret_b32[128], grouped[160];
	char code[SK_OTP_CODE_MAX + 1], c1[SK_OTP_CODE_MAX + 1], c2[SK_OTP_CODE_MAX + 1];
	char stripped[SK_RECOVERY_MAX * 2][SK_RECOVERY_CODE_LEN + 1];
	size_t nstripped = 0;
	uint8_t key[SK_KEY_LEN];
	sk_actor local = test_local_actor();
	sk_account_spec spec;
	sk_policy_result pr;
	sk_recovery_set codes, more;
	sk_enrollment e;
	struct secrets sec;
	test_env *t;
	sk_signin s;
	int64_t retry, id;

	(void)state;
	memset(&sec, 0, sizeof(sec));
	path_of(db, sizeof(db), "secrets.db");
	path_of(log, sizeof(log), "secrets.jsonl");
	randombytes_buf(key, sizeof(key));
	t = file_env(db, key, log);

	/* A user with a given password, one with an issued one. */
	id = test_add_user(t, "alice", SK_ROLE_USER, PW);
	memset(&spec, 0, sizeof(spec));
	spec.name = "root";
	spec.role = SK_ROLE_ADMIN;
	assert_int_equal(sk_account_create(t->ctx, &local, &spec, initial, &pr), SK_OK);
	sec.text[sec.n++] = PW;
	sec.text[sec.n++] = initial;
	sec.text[sec.n++] = PW2;
	sec.text[sec.n++] = BAD_PW;

	/* root: change the issued password, enroll an app, get recovery codes. */
	sk_signin_start(t->ctx, &s, "10.0.0.1");
	assert_int_equal(sk_signin_password(t->ctx, &s, "root", BAD_PW, strlen(BAD_PW), &retry),
			 SK_ERR_AUTH);
	sk_signin_start(t->ctx, &s, "10.0.0.1");
	assert_int_equal(sk_signin_password(t->ctx, &s, "root", initial, strlen(initial), &retry),
			 SK_OK);
	assert_int_equal(sk_signin_change_password(t->ctx, &s, initial, strlen(initial), PW2,
						   strlen(PW2), &pr), SK_OK);
	assert_int_equal(sk_signin_enroll_begin(t->ctx, &s, "phone", SK_DEVICE_TOTP_APP, NULL, &e),
			 SK_OK);
	snprintf(secret_b32, sizeof(secret_b32), "%s", e.secret);
	snprintf(grouped, sizeof(grouped), "%s", e.secret_grouped);
	sec.text[sec.n++] = secret_b32;
	sec.text[sec.n++] = grouped;
	assert_int_equal(sk_base32_decode(secret_b32, strlen(secret_b32), sec.raw[sec.nraw],
					  SK_OTP_SECRET_MAX, &sec.raw_len[sec.nraw]), SK_OK);
	sec.nraw++;
	totp_at(t, secret_b32, t->now - 30, c1);
	totp_at(t, secret_b32, t->now, c2);
	assert_int_equal(sk_signin_enroll_confirm(t->ctx, &s, c1, c2, &codes), SK_OK);
	assert_int_equal(codes.count, 10);
	for (unsigned i = 0; i < codes.count; i++)
		add_code_forms(&sec, stripped, &nstripped, codes.codes[i]);

	/* A hardware token typed in, for alice, and fresh recovery codes. */
	const char *token = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
	sec.text[sec.n++] = token;
	assert_int_equal(sk_base32_decode(token, strlen(token), sec.raw[sec.nraw],
					  SK_OTP_SECRET_MAX, &sec.raw_len[sec.nraw]), SK_OK);
	sec.nraw++;
	sk_enrollment te;
	assert_int_equal(sk_mfa_enroll_begin(t->ctx, id, "token1", SK_DEVICE_TOTP_TOKEN, token,
					     &te), SK_OK);
	totp_at(t, token, t->now - 30, c1);
	totp_at(t, token, t->now, c2);
	assert_int_equal(sk_mfa_enroll_confirm(t->ctx, id, te.device_id, c1, c2, "10.0.0.2"),
			 SK_OK);
	assert_int_equal(sk_recovery_generate(t->ctx, id, "alice", "10.0.0.2", &more), SK_OK);
	for (unsigned i = 0; i < more.count; i++)
		add_code_forms(&sec, stripped, &nstripped, more.codes[i]);
	assert_true(sec.n <= sizeof(sec.text) / sizeof(sec.text[0]));

	/* Sign-ins that use all of it. */
	t->now += 30;
	sk_signin_start(t->ctx, &s, "10.0.0.1");
	assert_int_equal(sk_signin_password(t->ctx, &s, "root", PW2, strlen(PW2), &retry), SK_OK);
	totp_at(t, secret_b32, t->now, code);
	assert_int_equal(sk_signin_mfa(t->ctx, &s, code, &retry), SK_OK);
	sk_signin_start(t->ctx, &s, "10.0.0.2");
	assert_int_equal(sk_signin_password(t->ctx, &s, "alice", PW, strlen(PW), &retry), SK_OK);
	assert_int_equal(sk_signin_recovery(t->ctx, &s, more.codes[3], &retry), SK_OK);

	/* While open (WAL present), then closed. */
	check_files(db, log, &sec);
	test_env_free(t);
	check_files(db, log, &sec);

	/* The check itself finds what it looks for: the hint group is there. */
	{
		size_t len;
		uint8_t *buf = slurp(db, &len);
		char hint[5];
		memcpy(hint, codes.codes[0], 4);
		hint[4] = '\0';
		assert_non_null(memmem(buf, len, hint, 4));
		assert_non_null(memmem(buf, len, "$argon2id$", 10));
		free(buf);
	}
	sk_recovery_set_clear(&codes);
	sk_recovery_set_clear(&more);
	sk_enrollment_clear(&e);
	sk_enrollment_clear(&te);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/* ---- sk_audit_find: the store's query and the library's scan agree ------- */

struct found {
	char line[64][256];
	size_t n;
};

static int
found_one(void *arg, const sk_audit_event *e)
{
	struct found *f = arg;

	if (f->n < 64)
		snprintf(f->line[f->n++], sizeof(f->line[0]), "%" PRId64 " %s %s %s",
			 e->seq, e->actor, e->action, e->target);
	return 0;
}

/* Runs q against the SQLite query and the fallback scan; both must agree. */
static size_t
find_both(test_env *t, const sk_audit_query *q, int64_t *total, struct found *out)
{
	struct sk_store_ops ops = *t->store->ops;
	const struct sk_store_ops *saved = t->store->ops;
	struct found scan;
	int64_t scan_total = -1;

	memset(out, 0, sizeof(*out));
	memset(&scan, 0, sizeof(scan));
	assert_int_equal(sk_audit_find(t->ctx, q, total, found_one, out), SK_OK);
	ops.audit_find = NULL;
	t->store->ops = &ops;
	assert_int_equal(sk_audit_find(t->ctx, q, &scan_total, found_one, &scan), SK_OK);
	t->store->ops = saved;
	assert_int_equal(scan_total, *total);
	assert_int_equal(scan.n, out->n);
	for (size_t i = 0; i < out->n; i++)
		assert_string_equal(scan.line[i], out->line[i]);
	return out->n;
}

static void
test_find(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_audit_query q;
	struct found f;
	int64_t total;

	(void)state;
	for (int i = 0; i < 5; i++) {
		assert_int_equal(sk_audit(t->ctx, "alice", "signin.ok", "alice", "192.0.2.1", "ok", NULL), SK_OK);
		assert_int_equal(sk_audit(t->ctx, "Admin", "user.disable", "bob", "", "ok", NULL), SK_OK);
		assert_int_equal(sk_audit(t->ctx, "bob", "signin.fail", "bob", "", "fail", NULL), SK_OK);
		assert_int_equal(sk_audit(t->ctx, "admin", "user.enable", "alice", "", "ok", NULL), SK_OK);
	}
	/* By party (actor or target), newest first, with a limit. */
	memset(&q, 0, sizeof(q));
	q.party = "ALICE";
	q.limit = 3;
	assert_int_equal(find_both(t, &q, &total, &f), 3);
	assert_int_equal(total, 10);
	assert_string_equal(f.line[0], "20 admin user.enable alice");
	assert_string_equal(f.line[1], "17 alice signin.ok alice");
	/* The next page. */
	q.offset = 3;
	assert_int_equal(find_both(t, &q, &total, &f), 3);
	assert_string_equal(f.line[0], "13 alice signin.ok alice");
	/* Actor regardless of case, and an action prefix. */
	memset(&q, 0, sizeof(q));
	q.actor = "admin";
	q.action_prefix = "user.dis";
	q.limit = 100;
	assert_int_equal(find_both(t, &q, &total, &f), 5);
	assert_int_equal(total, 5);
	assert_string_equal(f.line[4], "2 Admin user.disable bob");
	/* Target and prefix together; no match; offset past the end. */
	memset(&q, 0, sizeof(q));
	q.target = "bob";
	q.action_prefix = "signin.";
	q.limit = 100;
	assert_int_equal(find_both(t, &q, &total, &f), 5);
	q.target = "carol";
	assert_int_equal(find_both(t, &q, &total, &f), 0);
	assert_int_equal(total, 0);
	q.target = NULL;
	q.offset = 50;
	assert_int_equal(find_both(t, &q, &total, &f), 0);
	assert_int_equal(total, 10);
	/* Nothing but a limit: the newest events. */
	memset(&q, 0, sizeof(q));
	q.limit = 2;
	assert_int_equal(find_both(t, &q, &total, &f), 2);
	assert_int_equal(total, 20);
	assert_string_equal(f.line[0], "20 admin user.enable alice");
	q.offset = -1;
	assert_int_equal(sk_audit_find(t->ctx, &q, NULL, found_one, &f), SK_ERR_INVALID);
	test_env_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_recorded),
		cmocka_unit_test(test_chain_links),
		cmocka_unit_test(test_find),
		T(test_tamper_update),
		T(test_tamper_delete),
		T(test_tamper_other_key),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_json_of_real_events),
		T(test_mirror),
		T(test_no_secret_in_clear),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
