/*
 * sekisho/store.h - the storage interface of libsekisho (DESIGN 5).
 *
 * libsekisho keeps no SQL: it reads and writes the records below through a
 * table of function pointers.  The SQLite back end (host library,
 * sk_store_sqlite_open) is the default; a device can supply its own
 * implementation (docs/embedding.md).  All the security logic stays in the
 * library; a store only persists records faithfully and atomically.
 *
 * Conventions for every operation:
 *  - returns SK_OK, SK_ERR_NOTFOUND (also: the owning user does not exist),
 *    SK_ERR_EXISTS (unique key taken), SK_ERR_INVALID (a string without its
 *    NUL, an oversized blob), SK_ERR_NOMEM, SK_ERR_BUSY or SK_ERR_STORE;
 *    never aborts;
 *  - ids are never reused, even after a delete (a sign-in or request that
 *    remembers an id must not reach a different record);
 *  - one thread uses a store at a time (one store per context per thread);
 *  - updates write every field but the id;
 *  - strings in records are NUL-terminated and fit their arrays;
 *  - list operations call cb for each record in id order and stop early,
 *    returning cb's value, when cb returns nonzero;
 *  - begin() starts a write transaction that excludes other writers
 *    (SQLite: BEGIN IMMEDIATE), commit()/rollback() end it.  The library
 *    never nests them.
 */
#ifndef SEKISHO_STORE_H
#define SEKISHO_STORE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SK_NAME_MAX 64        /* user and device names, bytes */
#define SK_EMAIL_MAX 254
#define SK_PWHASH_MAX 128     /* == crypto_pwhash_STRBYTES */
#define SK_SEALED_MAX 128     /* sealed OTP secret: nonce + secret + tag */
#define SK_COUNTER_KEY_MAX 160
#define SK_ADDR_MAX 64
#define SK_ACTION_MAX 32
#define SK_DETAIL_MAX 256
#define SK_HASH_LEN 32

typedef enum sk_role {
	SK_ROLE_USER = 0,
	SK_ROLE_AUDITOR = 1,  /* reads inventory and audit, changes nothing */
	SK_ROLE_ADMIN = 2
} sk_role;

typedef enum sk_device_type {
	SK_DEVICE_TOTP_APP = 0,    /* authenticator app (QR code / setup key) */
	SK_DEVICE_TOTP_TOKEN = 1,  /* hardware TOTP token, secret typed in */
	SK_DEVICE_HOTP_TOKEN = 2   /* hardware HOTP (event) token */
} sk_device_type;

typedef struct sk_user {
	int64_t id;                      /* assigned by user_insert */
	char name[SK_NAME_MAX + 1];      /* normalized (lower case), unique */
	char email[SK_EMAIL_MAX + 1];    /* may be empty */
	sk_role role;                    /* base role; grants may raise it for a time */
	char pwhash[SK_PWHASH_MAX];      /* Argon2id PHC string */
	int must_change;                 /* issued password: change before anything else */
	int disabled;
	int64_t expires_at;              /* unix seconds; 0 = never */
	int64_t created_at;
	int64_t password_changed_at;
	int64_t last_signin_at;          /* 0 = never */
	char last_signin_addr[SK_ADDR_MAX];
} sk_user;

typedef struct sk_device {
	int64_t id;                      /* assigned by device_insert */
	int64_t user_id;
	char name[SK_NAME_MAX + 1];      /* B1 naming rules */
	sk_device_type type;
	int alg;                         /* sk_otp_alg */
	unsigned digits;
	unsigned period;
	uint8_t secret[SK_SEALED_MAX];   /* sealed with the vault key, never clear */
	size_t secret_len;
	int confirmed;                   /* 0 while enrollment is pending */
	uint64_t last_step;              /* TOTP: last accepted step; HOTP: next counter */
	int64_t created_at;
	int64_t last_used_at;
} sk_device;

typedef struct sk_recovery_code {
	int64_t id;
	int64_t user_id;
	char hint[8];                    /* first group of the code, to find the row */
	char hash[SK_PWHASH_MAX];        /* Argon2id of the whole code */
	int64_t used_at;                 /* 0 = unused */
} sk_recovery_code;

/* Failure counter of one lockout scope (see lockout.h for the key format). */
typedef struct sk_counter {
	char key[SK_COUNTER_KEY_MAX];
	uint32_t failures;               /* since the last lock or success */
	uint32_t consecutive;            /* since the last success or unlock */
	uint32_t level;                  /* number of locks so far */
	int64_t locked_until;            /* 0 = not locked; INT64_MAX = until unlocked */
	int64_t updated_at;
} sk_counter;

typedef struct sk_audit_event {
	int64_t seq;                     /* 1, 2, ... assigned by the library */
	int64_t ts;
	char actor[SK_NAME_MAX + 16];    /* account name or "local:<unix user>" */
	char action[SK_ACTION_MAX];      /* "signin.ok", "user.create", ... */
	char target[SK_NAME_MAX + 16];
	char addr[SK_ADDR_MAX];
	char result[16];                 /* "ok", "fail", "locked", "pending", ... */
	char detail[SK_DETAIL_MAX];
	uint8_t prev[SK_HASH_LEN];
	uint8_t hash[SK_HASH_LEN];       /* keyed hash over prev and the fields */
} sk_audit_event;

/*
 * An audit search (sk_audit_find): every filter given must match.  Names
 * compare without regard to case; NULL or "" means any.
 */
typedef struct sk_audit_query {
	const char *actor;
	const char *target;
	const char *action_prefix;       /* "signin." matches signin.ok, signin.fail, ... */
	const char *party;               /* actor or target is this name */
	int64_t offset;                  /* matches to skip, counted from the newest */
	unsigned limit;                  /* at most this many, newest first */
} sk_audit_query;

typedef enum sk_approval_state {
	SK_APPROVAL_PENDING = 0,
	SK_APPROVAL_APPROVED = 1,
	SK_APPROVAL_REJECTED = 2,
	SK_APPROVAL_EXPIRED = 3
} sk_approval_state;

typedef struct sk_approval {
	int64_t id;                      /* assigned by approval_insert */
	char action[SK_ACTION_MAX];      /* "grant_admin", "reset_admin_mfa", ... */
	char target[SK_NAME_MAX + 1];
	char param[128];                 /* e.g. "until=1767225600" */
	char requested_by[SK_NAME_MAX + 16];
	int64_t created_at;
	int64_t expires_at;
	sk_approval_state state;
	char decided_by[SK_NAME_MAX + 16];
	int64_t decided_at;
} sk_approval;

/* A role held until a time (C4 time-limited privilege). */
typedef struct sk_grant {
	int64_t id;
	int64_t user_id;
	sk_role role;
	int64_t until;
	char granted_by[SK_NAME_MAX + 16];
	int64_t created_at;
} sk_grant;

typedef struct sk_store sk_store;
struct sk_session;  /* sekisho/session.h */
struct sk_apitoken; /* sekisho/apitoken.h */

typedef int (*sk_user_cb)(void *arg, const sk_user *u);
typedef int (*sk_device_cb)(void *arg, const sk_device *d);
typedef int (*sk_recovery_cb)(void *arg, const sk_recovery_code *c);
typedef int (*sk_audit_cb)(void *arg, const sk_audit_event *e);
typedef int (*sk_approval_cb)(void *arg, const sk_approval *a);
typedef int (*sk_grant_cb)(void *arg, const sk_grant *g);

struct sk_store_ops {
	void (*close)(sk_store *s);              /* frees s */
	int (*begin)(sk_store *s);
	int (*commit)(sk_store *s);
	int (*rollback)(sk_store *s);

	/* small key/value settings (schema version, install id) */
	int (*meta_get)(sk_store *s, const char *key, char *val, size_t val_size);
	int (*meta_set)(sk_store *s, const char *key, const char *val);

	int (*user_get_by_name)(sk_store *s, const char *name, sk_user *out);
	int (*user_get_by_id)(sk_store *s, int64_t id, sk_user *out);
	int (*user_insert)(sk_store *s, sk_user *u);      /* sets u->id */
	int (*user_update)(sk_store *s, const sk_user *u);
	int (*user_delete)(sk_store *s, int64_t id);      /* and its devices, codes, grants */
	int (*user_list)(sk_store *s, sk_user_cb cb, void *arg);

	int (*device_get)(sk_store *s, int64_t id, sk_device *out);
	int (*device_insert)(sk_store *s, sk_device *d);  /* sets d->id */
	int (*device_update)(sk_store *s, const sk_device *d);
	int (*device_delete)(sk_store *s, int64_t id);
	int (*device_list)(sk_store *s, int64_t user_id, sk_device_cb cb, void *arg);

	int (*recovery_insert)(sk_store *s, sk_recovery_code *c);     /* sets c->id */
	/* Sets used_at only if the code is still unused; SK_ERR_NOTFOUND otherwise. */
	int (*recovery_mark_used)(sk_store *s, int64_t id, int64_t used_at);
	int (*recovery_delete_all)(sk_store *s, int64_t user_id);
	int (*recovery_list)(sk_store *s, int64_t user_id, sk_recovery_cb cb, void *arg);

	/* A missing counter is SK_ERR_NOTFOUND. */
	int (*counter_get)(sk_store *s, const char *key, sk_counter *out);
	int (*counter_put)(sk_store *s, const sk_counter *c);         /* insert or replace */
	int (*counter_delete_prefix)(sk_store *s, const char *prefix); /* literal prefix */
	/* Deletes counters updated before older_than whose lock (if any) also
	 * ended before it; never one locked until INT64_MAX. */
	int (*counter_prune)(sk_store *s, int64_t older_than);

	int (*audit_last)(sk_store *s, sk_audit_event *out);          /* NOTFOUND when empty */
	int (*audit_append)(sk_store *s, const sk_audit_event *e);
	int (*audit_list)(sk_store *s, int64_t from_seq, sk_audit_cb cb, void *arg); /* seq >= from_seq */
	/* Optional (NULL: the library scans audit_list): events matching q, newest
	 * first, and the number of all matches in *total when total is not NULL. */
	int (*audit_find)(sk_store *s, const sk_audit_query *q, int64_t *total, sk_audit_cb cb,
			  void *arg);

	int (*approval_insert)(sk_store *s, sk_approval *a);          /* sets a->id */
	int (*approval_get)(sk_store *s, int64_t id, sk_approval *out);
	int (*approval_update)(sk_store *s, const sk_approval *a);
	int (*approval_list)(sk_store *s, sk_approval_cb cb, void *arg);

	int (*grant_insert)(sk_store *s, sk_grant *g);                /* sets g->id */
	int (*grant_delete)(sk_store *s, int64_t id);
	int (*grant_list)(sk_store *s, int64_t user_id, sk_grant_cb cb, void *arg); /* 0 = all */

	/*
	 * Browser sessions (sekisho/session.h).  Optional: a store without a
	 * web front-end leaves them NULL.  session_get finds by token hash;
	 * session_list lists the sessions whose sign-in belongs to user_id;
	 * session_delete_user deletes those of user_id except keep_id;
	 * session_prune deletes sessions last seen before older_than.
	 */
	int (*session_insert)(sk_store *s, struct sk_session *sess);  /* sets sess->id */
	int (*session_get)(sk_store *s, const uint8_t hash[SK_HASH_LEN], struct sk_session *out);
	int (*session_update)(sk_store *s, const struct sk_session *sess);
	int (*session_delete)(sk_store *s, int64_t id);
	int (*session_delete_user)(sk_store *s, int64_t user_id, int64_t keep_id);
	int (*session_list)(sk_store *s, int64_t user_id,
			    int (*cb)(void *arg, const struct sk_session *sess), void *arg);
	int (*session_prune)(sk_store *s, int64_t older_than);

	/*
	 * API tokens (sekisho/apitoken.h).  Optional: a store without the JSON
	 * API leaves them NULL.  apitoken_get finds by token hash,
	 * apitoken_get_by_id by id; apitoken_insert gives SK_ERR_EXISTS when
	 * the hash is taken or the owner has an unrevoked token of that name;
	 * apitoken_list lists the tokens of user_id (0 = of every account).
	 * Deleting a user deletes its tokens.
	 */
	int (*apitoken_insert)(sk_store *s, struct sk_apitoken *t);   /* sets t->id */
	int (*apitoken_get)(sk_store *s, const uint8_t hash[SK_HASH_LEN], struct sk_apitoken *out);
	int (*apitoken_get_by_id)(sk_store *s, int64_t id, struct sk_apitoken *out);
	int (*apitoken_update)(sk_store *s, const struct sk_apitoken *t);
	int (*apitoken_list)(sk_store *s, int64_t user_id,
			     int (*cb)(void *arg, const struct sk_apitoken *t), void *arg);
};

/* Every implementation begins its private struct with this. */
struct sk_store {
	const struct sk_store_ops *ops;
};

/*
 * Host library: opens (creating when create is nonzero) the SQLite database
 * at path, in WAL mode with foreign keys on, and applies pending schema
 * migrations.  ":memory:" gives a private in-memory database for tests.
 * Returns SK_OK, SK_ERR_NOTFOUND (file missing and create == 0),
 * SK_ERR_FILE_MODE (an existing file readable or writable by group or
 * others), SK_ERR_SCHEMA (database from a newer version) or SK_ERR_STORE.
 * The store is freed by s->ops->close(s) (or sk_ctx_free when a context owns it).
 */
int sk_store_sqlite_open(sk_store **out, const char *path, int create)
	__attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
