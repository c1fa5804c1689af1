/*
 * sekisho/inventory.h - the account inventory for the periodic review (C3).
 */
#ifndef SEKISHO_INVENTORY_H
#define SEKISHO_INVENTORY_H

#include <stdint.h>

#include "sekisho/ctx.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
	SK_INV_NEVER_SIGNED_IN = 1u << 0,
	SK_INV_STALE = 1u << 1,            /* no sign-in for stale_days */
	SK_INV_NO_MFA = 1u << 2,
	SK_INV_PRIVILEGED_NO_MFA = 1u << 3,
	SK_INV_EXPIRED = 1u << 4,
	SK_INV_LOCKED = 1u << 5,
	SK_INV_DISABLED = 1u << 6,
	SK_INV_MUST_CHANGE = 1u << 7,      /* initial password never changed */
	SK_INV__COUNT = 8
};

typedef struct sk_inventory_row {
	sk_user user;                 /* pwhash is blanked */
	sk_role effective_role;
	int64_t grant_until;          /* end of a temporary grant in force, or 0 */
	unsigned mfa_devices;         /* confirmed */
	unsigned recovery_left;
	int64_t locked_until;
	uint32_t flags;               /* SK_INV_* */
} sk_inventory_row;

typedef int (*sk_inventory_cb)(void *arg, const sk_inventory_row *row);

/* Calls cb for every account. stale_days 0 uses the configured value. */
int sk_inventory(sk_ctx *ctx, unsigned stale_days, sk_inventory_cb cb, void *arg);

/* The CSV header line of sk_inventory_csv_row(), ending in "\n". */
const char *sk_inventory_csv_header(void);

/*
 * One CSV line (RFC 4180 quoting, ending in "\n") for row into buf: name,
 * email, role, effective role, state, created, expires, last sign-in (UTC,
 * "-" when none), MFA devices, recovery codes left, locked until, flags
 * (";"-separated).  A field that a spreadsheet would run as a formula
 * (starting with = + - @ TAB or CR; CWE-1236) is quoted and prefixed with
 * "'".  Returns the length, or SK_ERR_TOOLONG when buf is too small (2048
 * bytes always suffice).
 */
int sk_inventory_csv_row(const sk_inventory_row *row, char *buf, size_t size);

/* "never-signed-in", "stale", ... for one SK_INV_* bit. */
const char *sk_inventory_flag_name(uint32_t flag);

#ifdef __cplusplus
}
#endif
#endif
