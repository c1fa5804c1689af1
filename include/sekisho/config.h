/*
 * sekisho/config.h - every setting of libsekisho, with safe defaults.
 *
 * The struct is plain data: embedders fill it in code (sk_config_default()
 * then change fields); hosts load it from an INI file with sk_config_load()
 * (host library, libinih).  Every key is documented in docs/configuration.md.
 */
#ifndef SEKISHO_CONFIG_H
#define SEKISHO_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "sekisho/otp.h"
#include "sekisho/policy.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SK_PATH_MAX 1024

/* Who must use a second factor (requirement B10). */
typedef enum sk_mfa_required {
	SK_MFA_ALL = 0,      /* every account (default, recommended) */
	SK_MFA_ADMINS = 1,   /* accounts whose effective role is admin */
	SK_MFA_OPTIONAL = 2  /* only accounts that enrolled a device */
} sk_mfa_required;

/*
 * One lockout scope: after `threshold` consecutive failures the scope is
 * locked for base_seconds; each further lock doubles the time, up to
 * max_seconds.  threshold 0 disables the scope.
 */
typedef struct sk_lockout_rule {
	unsigned threshold;
	unsigned base_seconds;
	unsigned max_seconds;
} sk_lockout_rule;

/* Privileged actions that need a second administrator's approval (C4). */
enum {
	SK_APPROVE_GRANT_ADMIN = 1u << 0,          /* make an account admin, by role or grant */
	SK_APPROVE_RESET_ADMIN_MFA = 1u << 1,      /* reset an administrator's MFA */
	SK_APPROVE_RESET_ADMIN_PASSWORD = 1u << 2, /* reset an administrator's password */
	SK_APPROVE_UNLOCK_ADMIN = 1u << 3,         /* unlock an administrator */
	SK_APPROVE_ALL = 0xfu
};

typedef struct sk_config {
	/* [storage] */
	char db_path[SK_PATH_MAX];          /* "var/sekisho.db" */
	char key_path[SK_PATH_MAX];         /* "var/sekisho.key" */
	char audit_log_path[SK_PATH_MAX];   /* "" = no JSON-lines mirror of the audit log */

	/* [password] */
	sk_policy policy;                   /* preset aws */
	unsigned long long hash_opslimit;   /* Argon2id passes, 2 (OWASP) */
	size_t hash_memlimit;               /* bytes, 19 MiB (OWASP) */
	unsigned initial_password_length;   /* 16 */

	/* [mfa] */
	sk_mfa_required mfa_required;       /* all */
	unsigned enroll_codes;              /* 2 consecutive codes (B4); 1 allowed */
	sk_otp_params otp;                  /* SHA-1, 6 digits, 30 s, window 1 (B3) */
	char issuer[64];                    /* "Sekisho", shown in authenticator apps */
	unsigned recovery_codes;            /* 10 (B9) */
	unsigned signin_timeout;            /* seconds a started sign-in stays valid, 600 */

	/* [lockout] (A5, DESIGN 4) */
	sk_lockout_rule per_address;        /* per (account, client address): 3, 60 s, 900 s */
	sk_lockout_rule per_account;        /* per account: 10, 300 s, 3600 s */
	sk_lockout_rule per_source;         /* per client address, any account: 30, 300 s, 3600 s */
	unsigned source_window;             /* source failures older than this are forgotten, 3600 s */
	unsigned hard_limit;                /* consecutive failures before an admin must
					       unlock; at most 100 (NIST SP 800-63B) */

	/* [approval] (C4) */
	unsigned approval_actions;          /* SK_APPROVE_ALL */
	unsigned approval_ttl;              /* seconds a request waits, 86400 */

	/* [session] (portal) */
	unsigned session_idle;              /* seconds without use before a session ends, 1800 */
	unsigned session_lifetime;          /* seconds a session lasts at most, 43200 (12 h) */

	/* [inventory] (C3) */
	unsigned stale_days;                /* no sign-in for this many days = stale, 90 */
} sk_config;

/* Fills *cfg with the defaults documented above. */
void sk_config_default(sk_config *cfg);

/*
 * Checks ranges and combinations.  Returns SK_OK, or SK_ERR_CONFIG with a
 * sentence naming the key and the allowed values written to err.
 */
int sk_config_check(const sk_config *cfg, char *err, size_t err_size);

/*
 * Host library (libinih): loads an INI file over the values already in
 * *cfg (call sk_config_default first).  Unknown sections or keys and bad
 * values are errors.  Returns SK_OK, SK_ERR_IO when the file cannot be read,
 * or SK_ERR_CONFIG with "FILE:LINE: message" in err.
 */
int sk_config_load(sk_config *cfg, const char *path, char *err, size_t err_size)
	__attribute__((warn_unused_result));

/*
 * Front-ends with settings of their own (sekishod's [server]) pass fn: it is
 * called for every key of a section the library does not know and returns 1
 * when it took the key, 0 when the key is unknown (an error), or -1 after
 * writing a message to err.
 */
typedef int (*sk_config_extra_fn)(void *arg, const char *section, const char *key,
				  const char *value, char *err, size_t err_size);
int sk_config_load_ex(sk_config *cfg, const char *path, sk_config_extra_fn fn,
		      void *arg, char *err, size_t err_size)
	__attribute__((warn_unused_result));

/* Same as sk_config_load on an in-memory text (used by the fuzz target and tests). */
int sk_config_load_string(sk_config *cfg, const char *text, const char *name,
			  char *err, size_t err_size) __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
