/*
 * tests/unit/test_account.c - accounts, roles, authorization, last-admin
 * protection, expiry, time-limited grants and the two-person rule
 * (lib/account.c, lib/privilege.c; A2, C1, C2, C4).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"
#include "totputil.h"

#define PW "Quartz-Lantern-58!"
#define PW2 "Harbor-Violet-93#"

static sk_actor
actor(const char *name)
{
	sk_actor a = {name, "192.0.2.1", 0};
	return a;
}

static sk_user
get_user(test_env *t, const char *name)
{
	sk_user u;

	assert_int_equal(sk_account_get(t->ctx, name, &u), SK_OK);
	return u;
}

static int
exists(test_env *t, const char *name)
{
	sk_user u;
	int r = sk_account_get(t->ctx, name, &u);

	assert_true(r == SK_OK || r == SK_ERR_NOTFOUND);
	return r == SK_OK;
}

static sk_role
effective(test_env *t, const char *name, int64_t *until)
{
	sk_user u = get_user(t, name);
	return sk_account_effective_role(t->ctx, &u, until);
}

static int
create(test_env *t, sk_actor *a, const char *name, sk_role role, const char *password)
{
	sk_account_spec spec;
	sk_policy_result pr;
	char initial[SK_INITIAL_PASSWORD_MAX];

	memset(&spec, 0, sizeof(spec));
	spec.name = name;
	spec.role = role;
	spec.password = password;
	spec.password_len = password ? strlen(password) : 0;
	return sk_account_create(t->ctx, a, &spec, initial, &pr);
}

/* Counts audit events with action (and target, when not NULL) and result. */
struct audit_find {
	const char *action, *target, *result;
	int n;
	sk_audit_event last;
};

static int
audit_find_one(void *arg, const sk_audit_event *e)
{
	struct audit_find *f = arg;

	if (strcmp(e->action, f->action) == 0 &&
	    (f->target == NULL || strcmp(e->target, f->target) == 0) &&
	    (f->result == NULL || strcmp(e->result, f->result) == 0)) {
		f->n++;
		f->last = *e;
	}
	return 0;
}

static int
audit_count(test_env *t, const char *action, const char *target, const char *result)
{
	struct audit_find f = {action, target, result, 0, {0}};

	assert_int_equal(sk_audit_list(t->ctx, 0, audit_find_one, &f), SK_OK);
	return f.n;
}

/* The state of approval id, through sk_approval_list. */
struct approval_find {
	int64_t id;
	sk_approval a;
	int found;
};

static int
approval_find_one(void *arg, const sk_approval *a)
{
	struct approval_find *f = arg;

	if (a->id == f->id) {
		f->a = *a;
		f->found = 1;
	}
	return 0;
}

static sk_approval
approval(test_env *t, int64_t id)
{
	struct approval_find f;

	memset(&f, 0, sizeof(f));
	f.id = id;
	assert_int_equal(sk_approval_list(t->ctx, approval_find_one, &f), SK_OK);
	assert_true(f.found);
	return f.a;
}

static unsigned
devices(test_env *t, const char *name)
{
	unsigned n = 99;
	assert_int_equal(sk_mfa_count(t->ctx, get_user(t, name).id, &n), SK_OK);
	return n;
}

static unsigned
recovery_left(test_env *t, const char *name)
{
	unsigned n = 99;
	assert_int_equal(sk_recovery_remaining(t->ctx, get_user(t, name).id, &n), SK_OK);
	return n;
}

/* ---- names -------------------------------------------------------------- */

static void
test_name_normalize(void **state)
{
	static const char *const good[][2] = {
		{"alice", "alice"},
		{"Alice", "alice"},
		{"ALICE.Smith@Corp.Example", "alice.smith@corp.example"},
		{"a", "a"},
		{"9lives", "9lives"},
		{"x_y-z+w.v@u", "x_y-z+w.v@u"},
		{"A1-", "a1-"},
	};
	static const char *const bad[] = {
		"", ".alice", "_alice", "-alice", "@alice", "+alice", "al ice", " alice",
		"alice ", "al/ice", "local:root", "al\tice", "al#ice", "al'ice", "al\"ice",
		"caf\xc3\xa9", "\xc3\x89mile", "al*ice", "al%ice", "al\\ice", "al;ice",
	};
	char out[SK_NAME_MAX + 1], name[SK_NAME_MAX + 2];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(sk_account_name_normalize(good[i][0], out), SK_OK);
		assert_string_equal(out, good[i][1]);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(out, 'x', sizeof(out));
		if (sk_account_name_normalize(bad[i], out) != SK_ERR_NAME)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_int_equal(out[0], '\0');
	}
	assert_int_equal(sk_account_name_normalize(NULL, out), SK_ERR_NAME);

	/* 64 characters: the limit; 65: one too many. */
	memset(name, 'B', SK_NAME_MAX);
	name[SK_NAME_MAX] = '\0';
	assert_int_equal(sk_account_name_normalize(name, out), SK_OK);
	assert_int_equal(strlen(out), SK_NAME_MAX);
	assert_int_equal(out[0], 'b');
	assert_int_equal(out[SK_NAME_MAX - 1], 'b');
	name[SK_NAME_MAX] = 'b';
	name[SK_NAME_MAX + 1] = '\0';
	assert_int_equal(sk_account_name_normalize(name, out), SK_ERR_NAME);
}

static void
test_roles(void **state)
{
	sk_role r = SK_ROLE_USER;

	(void)state;
	assert_string_equal(sk_role_name(SK_ROLE_ADMIN), "admin");
	assert_string_equal(sk_role_name(SK_ROLE_USER), "user");
	assert_string_equal(sk_role_name(SK_ROLE_AUDITOR), "auditor");
	assert_int_equal(sk_role_parse("admin", &r), SK_OK);
	assert_int_equal(r, SK_ROLE_ADMIN);
	assert_int_equal(sk_role_parse("auditor", &r), SK_OK);
	assert_int_equal(r, SK_ROLE_AUDITOR);
	assert_int_equal(sk_role_parse("Admin", &r), SK_ERR_INVALID);
	assert_int_equal(sk_role_parse("root", &r), SK_ERR_INVALID);
	assert_int_equal(sk_role_parse(NULL, &r), SK_ERR_INVALID);
}

/* ---- create ------------------------------------------------------------- */

static void
test_create_generated_password(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_actor local = test_local_actor();
	sk_account_spec spec;
	sk_policy_result pr;
	char i1[SK_INITIAL_PASSWORD_MAX], i2[SK_INITIAL_PASSWORD_MAX];
	sk_user u;

	(void)state;
	memset(&spec, 0, sizeof(spec));
	spec.name = "Newbie";
	spec.email = "newbie@example.org";
	spec.role = SK_ROLE_USER;
	assert_int_equal(sk_account_create(t->ctx, &local, &spec, i1, &pr), SK_OK);
	assert_int_equal(strlen(i1), 16);
	assert_int_equal(sk_policy_check(&t->cfg.policy, i1, strlen(i1), "newbie",
					 "newbie@example.org", &pr), SK_OK);
	u = get_user(t, "newbie");
	assert_string_equal(u.name, "newbie");
	assert_string_equal(u.email, "newbie@example.org");
	assert_int_equal(u.role, SK_ROLE_USER);
	assert_int_equal(u.must_change, 1);
	assert_int_equal(u.disabled, 0);
	assert_int_equal(u.created_at, t->now);
	assert_int_equal(u.last_signin_at, 0);
	/* Stored hashed, and the hash verifies the issued password. */
	assert_null(strstr(u.pwhash, i1));
	assert_memory_equal(u.pwhash, "$argon2id$", 10);
	assert_int_equal(sk_password_verify(t->ctx, u.pwhash, i1, strlen(i1)), SK_OK);

	/* must_change even when the spec says 0; each password differs. */
	spec.name = "second";
	spec.email = NULL;
	spec.must_change = 0;
	assert_int_equal(sk_account_create(t->ctx, &local, &spec, i2, &pr), SK_OK);
	assert_int_equal(get_user(t, "second").must_change, 1);
	assert_string_not_equal(i1, i2);

	/* A generated password needs somewhere to go. */
	spec.name = "third";
	assert_int_equal(sk_account_create(t->ctx, &local, &spec, NULL, &pr), SK_ERR_INVALID);
	assert_false(exists(t, "third"));
	assert_int_equal(audit_count(t, "user.create", "newbie", "ok"), 1);
	sodium_memzero(i1, sizeof(i1));
	sodium_memzero(i2, sizeof(i2));
	test_env_free(t);
}

static void
test_create_given_password(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_actor local = test_local_actor();
	sk_account_spec spec;
	sk_policy_result pr;
	char initial[SK_INITIAL_PASSWORD_MAX];

	(void)state;
	memset(&spec, 0, sizeof(spec));
	spec.name = "gina";
	spec.role = SK_ROLE_USER;
	/* Weak: refused with the rules named, and nothing created. */
	spec.password = "abc";
	spec.password_len = 3;
	memset(&pr, 0, sizeof(pr));
	assert_int_equal(sk_account_create(t->ctx, &local, &spec, initial, &pr), SK_ERR_POLICY);
	assert_true(pr.failed & SK_RULE_MIN_LENGTH);
	assert_false(exists(t, "gina"));
	/* Containing the name. */
	spec.password = "Gina-2024-Lantern!";
	spec.password_len = strlen(spec.password);
	memset(&pr, 0, sizeof(pr));
	assert_int_equal(sk_account_create(t->ctx, &local, &spec, initial, &pr), SK_ERR_POLICY);
	assert_true(pr.failed & SK_RULE_CONTAINS_NAME);
	assert_false(exists(t, "gina"));
	assert_int_equal(audit_count(t, "user.create", NULL, NULL), 0);

	/* Good, with must_change as asked. */
	spec.password = PW;
	spec.password_len = strlen(PW);
	spec.must_change = 1;
	assert_int_equal(sk_account_create(t->ctx, &local, &spec, initial, &pr), SK_OK);
	assert_int_equal(get_user(t, "gina").must_change, 1);
	assert_int_equal(sk_password_verify(t->ctx, get_user(t, "gina").pwhash, PW, strlen(PW)),
			 SK_OK);

	/* Duplicate, in any case. */
	spec.name = "GINA";
	assert_int_equal(sk_account_create(t->ctx, &local, &spec, initial, &pr), SK_ERR_EXISTS);
	spec.name = "gina";
	assert_int_equal(sk_account_create(t->ctx, &local, &spec, initial, &pr), SK_ERR_EXISTS);
	/* Bad name, bad role, over-long e-mail. */
	spec.name = "-gina";
	assert_int_equal(sk_account_create(t->ctx, &local, &spec, initial, &pr), SK_ERR_NAME);
	spec.name = "gina2";
	spec.role = (sk_role)7;
	assert_int_equal(sk_account_create(t->ctx, &local, &spec, initial, &pr), SK_ERR_INVALID);
	spec.role = SK_ROLE_USER;
	char email[SK_EMAIL_MAX + 10];
	memset(email, 'e', sizeof(email) - 1);
	email[sizeof(email) - 1] = '\0';
	spec.email = email;
	assert_int_equal(sk_account_create(t->ctx, &local, &spec, initial, &pr), SK_ERR_TOOLONG);
	assert_false(exists(t, "gina2"));
	assert_int_equal(audit_count(t, "user.create", NULL, NULL), 1);
	test_env_free(t);
}

/* ---- authorization ------------------------------------------------------ */

static void
test_authorization(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_actor local = test_local_actor();
	sk_actor uma = actor("uma"), aud = actor("audrey"), adam = actor("adam");
	sk_actor eve = actor("eve"), ghost = actor("ghost"), upper = actor("ADAM");
	sk_actor fake = actor("LOCAL:root"), none = {NULL, NULL, 0};
	char initial[SK_INITIAL_PASSWORD_MAX];

	(void)state;
	test_add_user(t, "uma", SK_ROLE_USER, PW);
	test_add_user(t, "audrey", SK_ROLE_AUDITOR, PW);
	test_add_user(t, "adam", SK_ROLE_ADMIN, PW);
	test_add_user(t, "eve", SK_ROLE_ADMIN, PW);

	assert_int_equal(sk_account_authorize(t->ctx, &local, 0), SK_OK);
	assert_int_equal(sk_account_authorize(t->ctx, &adam, 0), SK_OK);
	assert_int_equal(sk_account_authorize(t->ctx, &upper, 0), SK_OK);
	assert_int_equal(sk_account_authorize(t->ctx, &adam, 1), SK_OK);
	/* A plain user: nothing. */
	assert_int_equal(sk_account_authorize(t->ctx, &uma, 0), SK_ERR_PERM);
	assert_int_equal(sk_account_authorize(t->ctx, &uma, 1), SK_ERR_PERM);
	assert_int_equal(create(t, &uma, "newone", SK_ROLE_USER, PW), SK_ERR_PERM);
	assert_int_equal(sk_account_set_disabled(t->ctx, &uma, "audrey", 1), SK_ERR_PERM);
	assert_int_equal(sk_account_reset_password(t->ctx, &uma, "audrey", initial), SK_ERR_PERM);
	assert_int_equal(sk_account_set_role(t->ctx, &uma, "uma", SK_ROLE_ADMIN), SK_ERR_PERM);
	assert_int_equal(sk_privilege_grant(t->ctx, &uma, "uma", SK_ROLE_ADMIN, t->now + 60),
			 SK_ERR_PERM);
	assert_int_equal(sk_mfa_reset(t->ctx, &uma, "adam"), SK_ERR_PERM);
	assert_int_equal(sk_account_unlock(t->ctx, &uma, "uma"), SK_ERR_PERM);
	assert_int_equal(sk_account_delete(t->ctx, &uma, "audrey"), SK_ERR_PERM);
	/* An auditor reads but changes nothing. */
	assert_int_equal(sk_account_authorize(t->ctx, &aud, 1), SK_OK);
	assert_int_equal(sk_account_authorize(t->ctx, &aud, 0), SK_ERR_PERM);
	assert_int_equal(create(t, &aud, "newone", SK_ROLE_USER, PW), SK_ERR_PERM);
	assert_int_equal(sk_account_set_disabled(t->ctx, &aud, "uma", 1), SK_ERR_PERM);
	assert_int_equal(sk_account_set_expiry(t->ctx, &aud, "uma", t->now + 10), SK_ERR_PERM);
	assert_int_equal(sk_account_set_email(t->ctx, &aud, "uma", "x@example.org"), SK_ERR_PERM);
	/* Unknown, nameless, look-alike "local:" actors. */
	assert_int_equal(sk_account_authorize(t->ctx, &ghost, 1), SK_ERR_PERM);
	assert_int_equal(sk_account_authorize(t->ctx, &none, 1), SK_ERR_PERM);
	assert_int_equal(sk_account_authorize(t->ctx, NULL, 1), SK_ERR_PERM);
	assert_int_equal(sk_account_authorize(t->ctx, &fake, 0), SK_ERR_PERM);
	assert_false(exists(t, "newone"));
	assert_int_equal(get_user(t, "uma").disabled, 0);

	/* A disabled or expired admin is no admin. */
	assert_int_equal(sk_account_set_disabled(t->ctx, &adam, "eve", 1), SK_OK);
	assert_int_equal(sk_account_authorize(t->ctx, &eve, 0), SK_ERR_PERM);
	assert_int_equal(sk_account_authorize(t->ctx, &eve, 1), SK_ERR_PERM);
	assert_int_equal(sk_account_set_disabled(t->ctx, &eve, "eve", 0), SK_ERR_PERM);
	assert_int_equal(get_user(t, "eve").disabled, 1);
	assert_int_equal(sk_account_set_disabled(t->ctx, &adam, "eve", 0), SK_OK);
	assert_int_equal(sk_account_set_expiry(t->ctx, &adam, "eve", t->now + 10), SK_OK);
	assert_int_equal(sk_account_authorize(t->ctx, &eve, 0), SK_OK);
	t->now += 10;
	assert_int_equal(sk_account_authorize(t->ctx, &eve, 0), SK_ERR_PERM);
	test_env_free(t);
}

/* ---- last administrator ------------------------------------------------- */

static void
test_last_admin(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_actor local = test_local_actor(), root = actor("root");

	(void)state;
	test_add_user(t, "root", SK_ROLE_ADMIN, PW);
	test_add_user(t, "uma", SK_ROLE_USER, PW);
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "root", 1), SK_ERR_LAST_ADMIN);
	assert_int_equal(sk_account_delete(t->ctx, &local, "root"), SK_ERR_LAST_ADMIN);
	assert_int_equal(sk_account_set_role(t->ctx, &local, "root", SK_ROLE_USER),
			 SK_ERR_LAST_ADMIN);
	assert_int_equal(sk_account_set_role(t->ctx, &root, "root", SK_ROLE_AUDITOR),
			 SK_ERR_LAST_ADMIN);
	assert_int_equal(sk_account_set_expiry(t->ctx, &local, "root", t->now),
			 SK_ERR_LAST_ADMIN);
	assert_int_equal(sk_account_set_expiry(t->ctx, &local, "root", t->now - 1),
			 SK_ERR_LAST_ADMIN);
	sk_user u = get_user(t, "root");
	assert_int_equal(u.role, SK_ROLE_ADMIN);
	assert_int_equal(u.disabled, 0);
	assert_int_equal(u.expires_at, 0);
	/* Users are not protected. */
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "uma", 1), SK_OK);

	/* With a second admin, one may go; then the other is the last. */
	test_add_user(t, "second", SK_ROLE_ADMIN, PW);
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "second", 1), SK_OK);
	/* A disabled admin does not count. */
	assert_int_equal(sk_account_delete(t->ctx, &local, "root"), SK_ERR_LAST_ADMIN);
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "second", 0), SK_OK);
	assert_int_equal(sk_account_set_role(t->ctx, &local, "root", SK_ROLE_USER), SK_OK);
	assert_int_equal(sk_account_delete(t->ctx, &local, "second"), SK_ERR_LAST_ADMIN);
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "second", 1), SK_ERR_LAST_ADMIN);
	assert_true(exists(t, "second"));
	test_env_free(t);
}

static void
test_expiry_and_lifecycle(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_actor local = test_local_actor();
	sk_signin s;
	int64_t retry;

	(void)state;
	test_add_user(t, "temp", SK_ROLE_USER, PW);
	assert_int_equal(sk_account_set_expiry(t->ctx, &local, "temp", -5), SK_ERR_INVALID);
	assert_int_equal(sk_account_set_expiry(t->ctx, &local, "temp", t->now + 3600), SK_OK);
	assert_int_equal(get_user(t, "temp").expires_at, t->now + 3600);
	assert_int_equal(audit_count(t, "user.expiry", "temp", "ok"), 1);
	sk_signin_start(t->ctx, &s, "a");
	assert_int_equal(sk_signin_password(t->ctx, &s, "temp", PW, strlen(PW), &retry), SK_OK);
	t->now += 3600;
	sk_signin_start(t->ctx, &s, "a");
	assert_int_equal(sk_signin_password(t->ctx, &s, "temp", PW, strlen(PW), &retry),
			 SK_ERR_EXPIRED);
	/* 0 = never. */
	assert_int_equal(sk_account_set_expiry(t->ctx, &local, "temp", 0), SK_OK);
	sk_signin_start(t->ctx, &s, "a");
	assert_int_equal(sk_signin_password(t->ctx, &s, "temp", PW, strlen(PW), &retry), SK_OK);

	/* e-mail, disable/enable, delete, each audited. */
	assert_int_equal(sk_account_set_email(t->ctx, &local, "TEMP", "t@example.org"), SK_OK);
	assert_string_equal(get_user(t, "temp").email, "t@example.org");
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "temp", 1), SK_OK);
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "temp", 0), SK_OK);
	assert_int_equal(sk_account_delete(t->ctx, &local, "temp"), SK_OK);
	assert_false(exists(t, "temp"));
	assert_int_equal(sk_account_delete(t->ctx, &local, "temp"), SK_ERR_NOTFOUND);
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "nobody", 1), SK_ERR_NOTFOUND);
	assert_int_equal(audit_count(t, "user.update", "temp", "ok"), 1);
	assert_int_equal(audit_count(t, "user.disable", "temp", "ok"), 1);
	assert_int_equal(audit_count(t, "user.enable", "temp", "ok"), 1);
	assert_int_equal(audit_count(t, "user.delete", "temp", "ok"), 1);
	test_env_free(t);
}

/* ---- time-limited privilege --------------------------------------------- */

static int
count_grants(void *arg, const sk_grant *g)
{
	(void)g;
	(*(int *)arg)++;
	return 0;
}

static void
test_time_limited_grant(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_actor local = test_local_actor(), uma = actor("uma");
	int64_t until = -1, t0 = t->now;
	int n;

	(void)state;
	test_add_user(t, "uma", SK_ROLE_USER, PW);
	assert_int_equal(sk_privilege_grant(t->ctx, &local, "uma", SK_ROLE_AUDITOR, t->now),
			 SK_ERR_INVALID); /* must be in the future */
	assert_int_equal(sk_privilege_grant(t->ctx, &local, "uma", SK_ROLE_USER, t->now + 60),
			 SK_ERR_INVALID);
	assert_int_equal(sk_privilege_grant(t->ctx, &local, "nobody", SK_ROLE_AUDITOR,
					    t->now + 60), SK_ERR_NOTFOUND);
	assert_int_equal(sk_privilege_grant(t->ctx, &local, "uma", SK_ROLE_AUDITOR, t0 + 3600),
			 SK_OK);
	assert_int_equal(effective(t, "uma", &until), SK_ROLE_AUDITOR);
	assert_int_equal(until, t0 + 3600);
	assert_int_equal(get_user(t, "uma").role, SK_ROLE_USER); /* base role unchanged */
	assert_int_equal(sk_account_authorize(t->ctx, &uma, 1), SK_OK);
	assert_int_equal(sk_account_authorize(t->ctx, &uma, 0), SK_ERR_PERM);
	assert_int_equal(audit_count(t, "role.grant", "uma", "ok"), 1);

	t->now = t0 + 3599;
	assert_int_equal(effective(t, "uma", &until), SK_ROLE_AUDITOR);
	t->now = t0 + 3600;
	assert_int_equal(effective(t, "uma", &until), SK_ROLE_USER);
	assert_int_equal(until, 0);
	assert_int_equal(sk_account_authorize(t->ctx, &uma, 1), SK_ERR_PERM);

	/* The lapsed grant is still listed until swept; then gone and audited. */
	n = 0;
	assert_int_equal(sk_privilege_list(t->ctx, "uma", count_grants, &n), SK_OK);
	assert_int_equal(n, 1);
	assert_int_equal(audit_count(t, "role.lapse", "uma", NULL), 0);
	assert_int_equal(sk_privilege_sweep(t->ctx), SK_OK);
	n = 0;
	assert_int_equal(sk_privilege_list(t->ctx, "uma", count_grants, &n), SK_OK);
	assert_int_equal(n, 0);
	assert_int_equal(audit_count(t, "role.lapse", "uma", "ok"), 1);
	/* Sweeping again finds nothing more. */
	assert_int_equal(sk_privilege_sweep(t->ctx), SK_OK);
	assert_int_equal(audit_count(t, "role.lapse", "uma", NULL), 1);

	/* A grant that has not lapsed survives the sweep. */
	assert_int_equal(sk_privilege_grant(t->ctx, &local, "uma", SK_ROLE_AUDITOR, t->now + 60),
			 SK_OK);
	assert_int_equal(sk_privilege_sweep(t->ctx), SK_OK);
	n = 0;
	assert_int_equal(sk_privilege_list(t->ctx, NULL, count_grants, &n), SK_OK);
	assert_int_equal(n, 1);
	assert_int_equal(effective(t, "uma", NULL), SK_ROLE_AUDITOR);
	test_env_free(t);
}

/* ---- the two-person rule (C4) ------------------------------------------- */

/* Three administrators a, b, c; the third needed the first's approval. */
static test_env *
three_admins(const sk_config *cfg)
{
	test_env *t = test_env_new(cfg);
	sk_actor local = test_local_actor(), a = actor("a");

	assert_int_equal(create(t, &local, "a", SK_ROLE_ADMIN, PW), SK_OK);
	assert_int_equal(create(t, &local, "b", SK_ROLE_ADMIN, PW), SK_OK);
	assert_int_equal(get_user(t, "b").role, SK_ROLE_ADMIN);
	local.approval_id = 0;
	if (cfg != NULL && (cfg->approval_actions & SK_APPROVE_GRANT_ADMIN) == 0) {
		assert_int_equal(create(t, &local, "c", SK_ROLE_ADMIN, PW), SK_OK);
	} else {
		assert_int_equal(create(t, &local, "c", SK_ROLE_ADMIN, PW), SK_ERR_APPROVAL);
		assert_int_equal(get_user(t, "c").role, SK_ROLE_USER);
		/* create's actor is a local copy; find the request in the list. */
		sk_approval req = approval(t, 1);
		assert_string_equal(req.action, "grant_admin");
		assert_string_equal(req.target, "c");
		assert_int_equal(sk_approval_decide(t->ctx, &a, 1, 1, NULL, 0), SK_OK);
	}
	assert_int_equal(get_user(t, "c").role, SK_ROLE_ADMIN);
	test_add_user(t, "uma", SK_ROLE_USER, PW);
	return t;
}

static void
test_two_person_mfa_reset(void **state)
{
	test_env *t = three_admins(NULL);
	sk_actor a = actor("a"), b = actor("b"), c = actor("c"), uma = actor("uma");
	sk_actor local = test_local_actor(), other_local = {"local:other", "local", 0};
	sk_recovery_set codes;
	char secret[128];
	int64_t id;

	(void)state;
	enroll_app(t, get_user(t, "b").id, "phone", secret, sizeof(secret));
	assert_int_equal(sk_recovery_generate(t->ctx, get_user(t, "b").id, "b", "x", &codes),
			 SK_OK);
	assert_int_equal(devices(t, "b"), 1);

	/* A asks: recorded, nothing done yet. */
	assert_int_equal(sk_mfa_reset(t->ctx, &a, "b"), SK_ERR_APPROVAL);
	id = a.approval_id;
	assert_true(id > 0);
	assert_int_equal(devices(t, "b"), 1);
	assert_int_equal(recovery_left(t, "b"), 10);
	sk_approval req = approval(t, id);
	assert_int_equal(req.state, SK_APPROVAL_PENDING);
	assert_string_equal(req.action, "reset_admin_mfa");
	assert_string_equal(req.target, "b");
	assert_string_equal(req.requested_by, "a");
	assert_int_equal(req.expires_at, t->now + 86400);
	assert_int_equal(audit_count(t, "approval.request", "b", "pending"), 1);

	/*
	 * Whether one may decide, asked before the approver's password and code
	 * (sk_approval_may_decide): the same answers as deciding, nothing decided.
	 */
	assert_int_equal(sk_approval_may_decide(t->ctx, &a, id), SK_ERR_SAME_PERSON);
	assert_int_equal(sk_approval_may_decide(t->ctx, &b, id), SK_ERR_SAME_PERSON);
	assert_int_equal(sk_approval_may_decide(t->ctx, &local, id), SK_ERR_PERM);
	assert_int_equal(sk_approval_may_decide(t->ctx, &uma, id), SK_ERR_PERM);
	assert_int_equal(sk_approval_may_decide(t->ctx, NULL, id), SK_ERR_PERM);
	assert_int_equal(sk_approval_may_decide(t->ctx, &c, id + 100), SK_ERR_NOTFOUND);
	assert_int_equal(sk_approval_may_decide(t->ctx, &c, id), SK_OK);
	assert_int_equal(approval(t, id).state, SK_APPROVAL_PENDING);
	assert_int_equal(devices(t, "b"), 1);
	/* Neither the requester nor the target may approve; nor the host; nor a user. */
	assert_int_equal(sk_approval_decide(t->ctx, &a, id, 1, NULL, 0), SK_ERR_SAME_PERSON);
	assert_int_equal(sk_approval_decide(t->ctx, &b, id, 1, NULL, 0), SK_ERR_SAME_PERSON);
	assert_int_equal(sk_approval_decide(t->ctx, &b, id, 0, NULL, 0), SK_ERR_SAME_PERSON);
	assert_int_equal(sk_approval_decide(t->ctx, &local, id, 1, NULL, 0), SK_ERR_PERM);
	assert_int_equal(sk_approval_decide(t->ctx, &other_local, id, 1, NULL, 0), SK_ERR_PERM);
	assert_int_equal(sk_approval_decide(t->ctx, &uma, id, 1, NULL, 0), SK_ERR_PERM);
	assert_int_equal(sk_approval_decide(t->ctx, NULL, id, 1, NULL, 0), SK_ERR_PERM);
	assert_int_equal(devices(t, "b"), 1);
	assert_int_equal(approval(t, id).state, SK_APPROVAL_PENDING);
	/* No such request. */
	assert_int_equal(sk_approval_decide(t->ctx, &c, id + 100, 1, NULL, 0), SK_ERR_NOTFOUND);

	/* C approves: it runs at once. */
	assert_int_equal(sk_approval_decide(t->ctx, &c, id, 1, NULL, 0), SK_OK);
	assert_int_equal(devices(t, "b"), 0);
	assert_int_equal(recovery_left(t, "b"), 0);
	req = approval(t, id);
	assert_int_equal(req.state, SK_APPROVAL_APPROVED);
	assert_string_equal(req.decided_by, "c");
	assert_int_equal(req.decided_at, t->now);
	assert_int_equal(audit_count(t, "approval.approve", "b", "ok"), 1);
	assert_int_equal(audit_count(t, "mfa.reset", "b", "ok"), 1);
	assert_int_equal(audit_count(t, "approval.execute", "b", "ok"), 1);
	/* Decided once. */
	assert_int_equal(sk_approval_may_decide(t->ctx, &c, id), SK_ERR_STATE);
	assert_int_equal(sk_approval_decide(t->ctx, &c, id, 1, NULL, 0), SK_ERR_STATE);
	assert_int_equal(sk_approval_decide(t->ctx, &c, id, 0, NULL, 0), SK_ERR_STATE);

	/* A user's MFA is no privileged action: an admin resets it at once. */
	enroll_app(t, get_user(t, "uma").id, "phone", secret, sizeof(secret));
	a.approval_id = 0;
	assert_int_equal(sk_mfa_reset(t->ctx, &a, "uma"), SK_OK);
	assert_int_equal(a.approval_id, 0);
	assert_int_equal(devices(t, "uma"), 0);
	sk_recovery_set_clear(&codes);
	test_env_free(t);
}

/* Names are compared as accounts, not as strings: "A" is "a". */
static void
test_two_person_case_insensitive(void **state)
{
	test_env *t = three_admins(NULL);
	sk_actor a = actor("a"), upper_a = actor("A"), upper_b = actor("B");
	char secret[128];
	int64_t id;

	(void)state;
	enroll_app(t, get_user(t, "b").id, "phone", secret, sizeof(secret));
	assert_int_equal(sk_mfa_reset(t->ctx, &a, "b"), SK_ERR_APPROVAL);
	id = a.approval_id;
	assert_int_equal(sk_approval_decide(t->ctx, &upper_a, id, 1, NULL, 0), SK_ERR_SAME_PERSON);
	assert_int_equal(sk_approval_decide(t->ctx, &upper_b, id, 1, NULL, 0), SK_ERR_SAME_PERSON);
	assert_int_equal(devices(t, "b"), 1);

	/* Requested as "A", approved as "a". */
	assert_int_equal(sk_mfa_reset(t->ctx, &upper_a, "B"), SK_ERR_APPROVAL);
	id = upper_a.approval_id;
	assert_int_equal(sk_approval_decide(t->ctx, &a, id, 1, NULL, 0), SK_ERR_SAME_PERSON);
	assert_int_equal(devices(t, "b"), 1);
	test_env_free(t);
}

static void
test_two_person_reject(void **state)
{
	test_env *t = three_admins(NULL);
	sk_actor a = actor("a"), c = actor("c");
	char secret[128];
	int64_t id;

	(void)state;
	enroll_app(t, get_user(t, "b").id, "phone", secret, sizeof(secret));
	assert_int_equal(sk_mfa_reset(t->ctx, &a, "b"), SK_ERR_APPROVAL);
	id = a.approval_id;
	assert_int_equal(sk_approval_decide(t->ctx, &c, id, 0, NULL, 0), SK_OK);
	assert_int_equal(devices(t, "b"), 1);
	sk_approval req = approval(t, id);
	assert_int_equal(req.state, SK_APPROVAL_REJECTED);
	assert_string_equal(req.decided_by, "c");
	assert_int_equal(audit_count(t, "approval.reject", "b", "ok"), 1);
	assert_int_equal(audit_count(t, "approval.execute", "b", NULL), 0);
	assert_int_equal(sk_approval_decide(t->ctx, &c, id, 1, NULL, 0), SK_ERR_STATE);
	assert_int_equal(devices(t, "b"), 1);
	test_env_free(t);
}

static void
test_two_person_expiry(void **state)
{
	test_env *t = three_admins(NULL);
	sk_actor a = actor("a"), c = actor("c");
	char secret[128], initial[SK_INITIAL_PASSWORD_MAX];
	int64_t id1, id2, t0 = t->now;

	(void)state;
	enroll_app(t, get_user(t, "b").id, "phone", secret, sizeof(secret));
	assert_int_equal(sk_mfa_reset(t->ctx, &a, "b"), SK_ERR_APPROVAL);
	id1 = a.approval_id;
	/* A request issues no password yet. */
	memset(initial, 0, sizeof(initial));
	assert_int_equal(sk_account_reset_password(t->ctx, &a, "b", initial), SK_ERR_APPROVAL);
	id2 = a.approval_id;
	assert_true(id2 != id1);
	assert_int_equal(initial[0], '\0');

	/* Just before the end it still counts... */
	t->now = t0 + 86399;
	assert_int_equal(approval(t, id2).state, SK_APPROVAL_PENDING);
	/* ...then it is expired: deciding says so, and the list marks it. */
	t->now = t0 + 86400;
	assert_int_equal(sk_approval_may_decide(t->ctx, &c, id1), SK_ERR_EXPIRED);
	assert_int_equal(sk_approval_decide(t->ctx, &c, id1, 1, NULL, 0), SK_ERR_EXPIRED);
	assert_int_equal(devices(t, "b"), 1);
	assert_int_equal(approval(t, id1).state, SK_APPROVAL_EXPIRED);
	assert_int_equal(approval(t, id2).state, SK_APPROVAL_EXPIRED);
	assert_int_equal(audit_count(t, "approval.expire", "b", "ok"), 2);
	assert_int_equal(sk_approval_decide(t->ctx, &c, id2, 1, initial, sizeof(initial)),
			 SK_ERR_EXPIRED);
	assert_int_equal(initial[0], '\0');
	assert_int_equal(sk_password_verify(t->ctx, get_user(t, "b").pwhash, PW, strlen(PW)),
			 SK_OK);
	assert_int_equal(sk_approval_state_name(SK_APPROVAL_EXPIRED)[0], 'e');
	test_env_free(t);
}

static void
test_two_person_reset_password(void **state)
{
	test_env *t = three_admins(NULL);
	sk_actor a = actor("a"), c = actor("c");
	char initial[SK_INITIAL_PASSWORD_MAX];
	sk_policy_result pr;
	sk_signin s;
	int64_t id, retry;

	(void)state;
	assert_int_equal(sk_account_reset_password(t->ctx, &a, "b", initial), SK_ERR_APPROVAL);
	id = a.approval_id;
	assert_int_equal(get_user(t, "b").must_change, 0);
	/* Approving without a buffer for the password fails and changes nothing. */
	assert_int_not_equal(sk_approval_decide(t->ctx, &c, id, 1, NULL, 0), SK_OK);
	assert_int_equal(approval(t, id).state, SK_APPROVAL_PENDING);
	assert_int_equal(sk_password_verify(t->ctx, get_user(t, "b").pwhash, PW, strlen(PW)),
			 SK_OK);
	/* With a buffer: the new initial password comes back. */
	memset(initial, 'x', sizeof(initial));
	assert_int_equal(sk_approval_decide(t->ctx, &c, id, 1, initial, sizeof(initial)), SK_OK);
	assert_int_equal(strlen(initial), 16);
	assert_int_equal(sk_policy_check(&t->cfg.policy, initial, strlen(initial), "b", NULL,
					 &pr), SK_OK);
	sk_user u = get_user(t, "b");
	assert_int_equal(u.must_change, 1);
	assert_int_equal(sk_password_verify(t->ctx, u.pwhash, PW, strlen(PW)), SK_ERR_AUTH);
	sk_signin_start(t->ctx, &s, "x");
	assert_int_equal(sk_signin_password(t->ctx, &s, "b", initial, strlen(initial), &retry),
			 SK_OK);
	assert_int_equal(s.step, SK_STEP_CHANGE_PASSWORD);
	assert_int_equal(audit_count(t, "password.reset", "b", "ok"), 1);
	sodium_memzero(initial, sizeof(initial));
	test_env_free(t);
}

static void
test_two_person_single_admin(void **state)
{
	test_env *t = test_env_new(NULL);
	sk_actor local = test_local_actor();
	char secret[128], initial[SK_INITIAL_PASSWORD_MAX];

	(void)state;
	test_add_user(t, "solo", SK_ROLE_ADMIN, PW);
	enroll_app(t, get_user(t, "solo").id, "phone", secret, sizeof(secret));
	/* Nobody could approve: it runs at once, and the log says why. */
	assert_int_equal(sk_mfa_reset(t->ctx, &local, "solo"), SK_OK);
	assert_int_equal(local.approval_id, 0);
	assert_int_equal(devices(t, "solo"), 0);
	assert_int_equal(audit_count(t, "approval.request", "solo", "skipped"), 2);
	assert_int_equal(sk_account_reset_password(t->ctx, &local, "solo", initial), SK_OK);
	assert_int_equal(strlen(initial), 16);
	assert_int_equal(get_user(t, "solo").must_change, 1);
	assert_int_equal(audit_count(t, "approval.request", "solo", "skipped"), 3);
	/* A disabled second admin does not make two. */
	test_add_user(t, "other", SK_ROLE_ADMIN, PW);
	assert_int_equal(sk_account_set_disabled(t->ctx, &local, "other", 1), SK_OK);
	assert_int_equal(sk_account_unlock(t->ctx, &local, "solo"), SK_OK);
	assert_int_equal(local.approval_id, 0);
	test_env_free(t);
}

static void
test_two_person_local_requests(void **state)
{
	test_env *t = three_admins(NULL);
	sk_actor local = test_local_actor(), a = actor("a");
	char secret[128];

	(void)state;
	enroll_app(t, get_user(t, "b").id, "phone", secret, sizeof(secret));
	assert_int_equal(sk_mfa_reset(t->ctx, &local, "b"), SK_ERR_APPROVAL);
	assert_true(local.approval_id > 0);
	assert_string_equal(approval(t, local.approval_id).requested_by, "local:test");
	assert_int_equal(sk_approval_decide(t->ctx, &local, local.approval_id, 1, NULL, 0),
			 SK_ERR_PERM);
	assert_int_equal(devices(t, "b"), 1);
	assert_int_equal(sk_approval_decide(t->ctx, &a, local.approval_id, 1, NULL, 0), SK_OK);
	assert_int_equal(devices(t, "b"), 0);
	test_env_free(t);
}

static void
test_two_person_grant_admin(void **state)
{
	test_env *t = three_admins(NULL);
	sk_actor a = actor("a"), b = actor("b"), uma = actor("uma");
	int64_t id, until;

	(void)state;
	test_add_user(t, "vera", SK_ROLE_USER, PW);
	/* By role. */
	assert_int_equal(sk_account_set_role(t->ctx, &a, "uma", SK_ROLE_ADMIN), SK_ERR_APPROVAL);
	id = a.approval_id;
	assert_int_equal(get_user(t, "uma").role, SK_ROLE_USER);
	assert_int_equal(sk_account_authorize(t->ctx, &uma, 0), SK_ERR_PERM);
	/* The target may not approve their own promotion. */
	assert_int_equal(sk_approval_decide(t->ctx, &uma, id, 1, NULL, 0), SK_ERR_PERM);
	assert_int_equal(sk_approval_decide(t->ctx, &b, id, 1, NULL, 0), SK_OK);
	assert_int_equal(get_user(t, "uma").role, SK_ROLE_ADMIN);
	assert_int_equal(audit_count(t, "role.change", "uma", "ok"), 1);

	/* By a time-limited grant. */
	assert_int_equal(sk_privilege_grant(t->ctx, &a, "vera", SK_ROLE_ADMIN, t->now + 3600),
			 SK_ERR_APPROVAL);
	id = a.approval_id;
	assert_int_equal(effective(t, "vera", NULL), SK_ROLE_USER);
	assert_string_equal(approval(t, id).param, "until=1700003600");
	assert_int_equal(sk_approval_decide(t->ctx, &b, id, 1, NULL, 0), SK_OK);
	assert_int_equal(effective(t, "vera", &until), SK_ROLE_ADMIN);
	assert_int_equal(until, t->now + 3600);
	assert_int_equal(get_user(t, "vera").role, SK_ROLE_USER);

	/*
	 * vera is an administrator now, if only for a time: resetting her
	 * password or MFA, or unlocking her, is privileged.  Otherwise a could
	 * take her account over alone and approve his own requests with it.
	 */
	sk_actor vera = actor("vera");
	char initial[SK_INITIAL_PASSWORD_MAX];
	char secret[128];
	enroll_app(t, get_user(t, "vera").id, "phone", secret, sizeof(secret));
	memset(initial, 0, sizeof(initial));
	assert_int_equal(sk_account_reset_password(t->ctx, &a, "vera", initial), SK_ERR_APPROVAL);
	assert_int_equal(initial[0], '\0');
	assert_int_equal(get_user(t, "vera").must_change, 0);
	assert_int_equal(sk_mfa_reset(t->ctx, &a, "vera"), SK_ERR_APPROVAL);
	assert_int_equal(devices(t, "vera"), 1);
	assert_int_equal(sk_account_unlock(t->ctx, &a, "vera"), SK_ERR_APPROVAL);
	/* She may approve others' requests, not her own matters. */
	assert_int_equal(sk_approval_decide(t->ctx, &vera, a.approval_id, 1, NULL, 0),
			 SK_ERR_SAME_PERSON);

	/* A grant whose end has passed before approval is not granted. */
	test_add_user(t, "walt", SK_ROLE_USER, PW);
	assert_int_equal(sk_privilege_grant(t->ctx, &a, "walt", SK_ROLE_ADMIN, t->now + 60),
			 SK_ERR_APPROVAL);
	id = a.approval_id;
	t->now += 61;
	assert_int_not_equal(sk_approval_decide(t->ctx, &b, id, 1, NULL, 0), SK_OK);
	assert_int_equal(effective(t, "walt", NULL), SK_ROLE_USER);

	/* An auditor grant is not privileged. */
	a.approval_id = 0;
	assert_int_equal(sk_privilege_grant(t->ctx, &a, "walt", SK_ROLE_AUDITOR, t->now + 60),
			 SK_OK);
	assert_int_equal(a.approval_id, 0);
	test_env_free(t);
}

static void
test_two_person_unlock_admin(void **state)
{
	test_env *t = three_admins(NULL);
	sk_actor a = actor("a"), c = actor("c");
	int64_t retry, until;

	(void)state;
	for (int i = 0; i < 10; i++) {
		char addr[16];
		snprintf(addr, sizeof(addr), "10.0.0.%d", i);
		if (sk_lockout_charge(t->ctx, SK_FACTOR_PASSWORD, "b", addr, &retry) == SK_OK)
			(void)sk_lockout_locked(t->ctx, SK_FACTOR_PASSWORD, "b", addr, &retry);
	}
	assert_int_equal(sk_lockout_account_locked_until(t->ctx, "b", &until), SK_OK);
	assert_true(until > t->now);
	assert_int_equal(sk_account_unlock(t->ctx, &a, "b"), SK_ERR_APPROVAL);
	assert_int_equal(sk_lockout_account_locked_until(t->ctx, "b", &until), SK_OK);
	assert_true(until > t->now);
	assert_int_equal(sk_approval_decide(t->ctx, &c, a.approval_id, 1, NULL, 0), SK_OK);
	assert_int_equal(sk_lockout_account_locked_until(t->ctx, "b", &until), SK_OK);
	assert_int_equal(until, 0);
	assert_int_equal(audit_count(t, "user.unlock", "b", "ok"), 1);

	/* A user is unlocked at once. */
	for (int i = 0; i < 3; i++)
		if (sk_lockout_charge(t->ctx, SK_FACTOR_PASSWORD, "uma", "A", &retry) == SK_OK)
			(void)sk_lockout_locked(t->ctx, SK_FACTOR_PASSWORD, "uma", "A", &retry);
	assert_int_equal(sk_lockout_locked(t->ctx, SK_FACTOR_PASSWORD, "uma", "A", &retry),
			 SK_ERR_LOCKED);
	a.approval_id = 0;
	assert_int_equal(sk_account_unlock(t->ctx, &a, "uma"), SK_OK);
	assert_int_equal(sk_lockout_locked(t->ctx, SK_FACTOR_PASSWORD, "uma", "A", &retry), SK_OK);
	test_env_free(t);
}

static void
test_two_person_disabled_by_config(void **state)
{
	sk_config cfg;
	test_env *t;
	sk_actor a = actor("a");
	char secret[128], initial[SK_INITIAL_PASSWORD_MAX];

	(void)state;
	test_config(&cfg);
	cfg.approval_actions = 0;
	t = three_admins(&cfg);
	enroll_app(t, get_user(t, "b").id, "phone", secret, sizeof(secret));
	assert_int_equal(sk_mfa_reset(t->ctx, &a, "b"), SK_OK);
	assert_int_equal(devices(t, "b"), 0);
	assert_int_equal(sk_account_reset_password(t->ctx, &a, "b", initial), SK_OK);
	assert_int_equal(strlen(initial), 16);
	assert_int_equal(sk_account_set_role(t->ctx, &a, "uma", SK_ROLE_ADMIN), SK_OK);
	assert_int_equal(get_user(t, "uma").role, SK_ROLE_ADMIN);
	assert_int_equal(a.approval_id, 0);
	assert_int_equal(audit_count(t, "approval.request", NULL, NULL), 0);

	/* One bit only: the others run at once. */
	test_env_free(t);
	test_config(&cfg);
	cfg.approval_actions = SK_APPROVE_RESET_ADMIN_MFA;
	t = three_admins(&cfg);
	assert_int_equal(sk_account_reset_password(t->ctx, &a, "b", initial), SK_OK);
	assert_int_equal(sk_mfa_reset(t->ctx, &a, "b"), SK_ERR_APPROVAL);
	test_env_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_normalize),
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_create_generated_password),
		cmocka_unit_test(test_create_given_password),
		cmocka_unit_test(test_authorization),
		cmocka_unit_test(test_last_admin),
		cmocka_unit_test(test_expiry_and_lifecycle),
		cmocka_unit_test(test_time_limited_grant),
		cmocka_unit_test(test_two_person_mfa_reset),
		cmocka_unit_test(test_two_person_case_insensitive),
		cmocka_unit_test(test_two_person_reject),
		cmocka_unit_test(test_two_person_expiry),
		cmocka_unit_test(test_two_person_reset_password),
		cmocka_unit_test(test_two_person_single_admin),
		cmocka_unit_test(test_two_person_local_requests),
		cmocka_unit_test(test_two_person_grant_admin),
		cmocka_unit_test(test_two_person_unlock_admin),
		cmocka_unit_test(test_two_person_disabled_by_config),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
