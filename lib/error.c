/* lib/error.c - the table behind sk_strerror() and sk_errname(). */
#include "sekisho/error.h"

struct err_entry {
	const char *name;
	const char *text;
};

/* Indexed by -code; keep in the order of enum sk_err. */
static const struct err_entry errors[] = {
	{"SK_OK", "success"},
	{"SK_ERR_INTERNAL", "internal error"},
	{"SK_ERR_NOMEM", "out of memory"},
	{"SK_ERR_INVALID", "invalid argument or malformed input"},
	{"SK_ERR_TOOLONG", "input is longer than allowed"},
	{"SK_ERR_CRYPTO", "cryptographic operation failed"},
	{"SK_ERR_IO", "file input/output failed"},
	{"SK_ERR_STORE", "database operation failed"},
	{"SK_ERR_BUSY", "database is busy; try again"},
	{"SK_ERR_NOTFOUND", "not found"},
	{"SK_ERR_EXISTS", "already exists"},
	{"SK_ERR_AUTH", "user name, password or code is incorrect"},
	{"SK_ERR_LOCKED", "temporarily locked after repeated failures; try again later or ask an administrator"},
	{"SK_ERR_DISABLED", "account is disabled; ask an administrator"},
	{"SK_ERR_EXPIRED", "account has expired; ask an administrator"},
	{"SK_ERR_POLICY", "password does not satisfy the password policy"},
	{"SK_ERR_REPLAY", "this code has already been used; wait for the next code"},
	{"SK_ERR_STATE", "not allowed at this step of sign-in"},
	{"SK_ERR_KEYFILE", "key file is missing or unsafe (must be a regular file, mode 0600, owned by this user, 32 bytes)"},
	{"SK_ERR_CONFIG", "configuration is invalid"},
	{"SK_ERR_PERM", "permission denied: this needs another role"},
	{"SK_ERR_APPROVAL", "a second administrator must approve this action"},
	{"SK_ERR_SAME_PERSON", "a request must be approved by a different administrator"},
	{"SK_ERR_TAMPERED", "integrity check failed: data was altered"},
	{"SK_ERR_SCHEMA", "database was created by a newer version of Sekisho"},
	{"SK_ERR_NAME", "name does not follow the naming rules"},
	{"SK_ERR_LAST_ADMIN", "refused: this would leave no enabled administrator"},
	{"SK_ERR_FILE_MODE", "the database file is accessible by group or others; run `chmod 600` on it"},
};

_Static_assert(sizeof(errors) / sizeof(errors[0]) == (unsigned)-SK_ERR__LAST,
	       "error table out of step with enum sk_err");

static const struct err_entry *
lookup(int err)
{
	if (err > 0 || err <= SK_ERR__LAST)
		return 0;
	return &errors[-err];
}

const char *
sk_strerror(int err)
{
	const struct err_entry *e = lookup(err);
	return e ? e->text : "unknown error";
}

const char *
sk_errname(int err)
{
	const struct err_entry *e = lookup(err);
	return e ? e->name : "SK_ERR_UNKNOWN";
}
