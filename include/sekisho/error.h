/*
 * sekisho/error.h - the one error enum of libsekisho.
 *
 * Every library function that can fail returns an int: SK_OK (0) or one of the
 * negative SK_ERR_* codes below.  sk_strerror() gives a sentence for logs and
 * users; the table behind it lives in lib/error.c and tests/unit/test_error.c
 * walks every code.
 */
#ifndef SEKISHO_ERROR_H
#define SEKISHO_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum sk_err {
	SK_OK = 0,
	SK_ERR_INTERNAL = -1,      /* a bug or an unexpected library failure */
	SK_ERR_NOMEM = -2,         /* allocation failed */
	SK_ERR_INVALID = -3,       /* bad argument or malformed input */
	SK_ERR_TOOLONG = -4,       /* input longer than the documented maximum */
	SK_ERR_CRYPTO = -5,        /* a crypto primitive failed */
	SK_ERR_IO = -6,            /* reading or writing a file failed */
	SK_ERR_STORE = -7,         /* the store (database) failed */
	SK_ERR_BUSY = -8,          /* the store is busy; retry */
	SK_ERR_NOTFOUND = -9,      /* no such record */
	SK_ERR_EXISTS = -10,       /* a record with that key already exists */
	SK_ERR_AUTH = -11,         /* wrong user name, password or code (deliberately vague) */
	SK_ERR_LOCKED = -12,       /* temporarily locked after repeated failures */
	SK_ERR_DISABLED = -13,     /* account disabled by an administrator */
	SK_ERR_EXPIRED = -14,      /* account past its expiry date */
	SK_ERR_POLICY = -15,       /* password rejected by the password policy */
	SK_ERR_REPLAY = -16,       /* one-time code already used */
	SK_ERR_STATE = -17,        /* operation not allowed in the current sign-in step */
	SK_ERR_KEYFILE = -18,      /* key file missing, wrong mode, owner or size */
	SK_ERR_CONFIG = -19,       /* configuration file invalid */
	SK_ERR_PERM = -20,         /* the actor lacks the role for this operation */
	SK_ERR_APPROVAL = -21,     /* a second administrator must approve this action */
	SK_ERR_SAME_PERSON = -22,  /* the requester cannot approve their own request */
	SK_ERR_TAMPERED = -23,     /* audit chain or sealed data failed verification */
	SK_ERR_SCHEMA = -24,       /* database schema newer than this program */
	SK_ERR_NAME = -25,         /* name does not follow the naming rules */
	SK_ERR_LAST_ADMIN = -26,   /* would leave no enabled administrator */
	SK_ERR_FILE_MODE = -27,    /* a database file is accessible by group or others */
	SK_ERR__LAST = -28         /* sentinel: one below the last code */
} sk_err;

/*
 * Returns a static English sentence describing err.  Never NULL: unknown
 * values give "unknown error".
 */
const char *sk_strerror(int err);

/* Returns the symbolic name ("SK_ERR_LOCKED") of err, or "SK_ERR_UNKNOWN". */
const char *sk_errname(int err);

#ifdef __cplusplus
}
#endif
#endif
