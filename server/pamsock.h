/*
 * server/pamsock.h - sekishod's UNIX socket for pam_sekisho.so (DESIGN 9).
 *
 * The PAM module never opens the database: it asks sekishod, which keeps
 * lockout, replay prevention and audit in the one library.  A few threads,
 * each with its own library context, accept on one listening socket
 * (mode 0660); only peers whose SO_PEERCRED uid is 0 or listed in
 * [pam] allowed_uids are served.
 *
 * Protocol (docs/integrations/ssh.md): one connection carries one request
 * and one reply, each a single JSON object on one line ending in "\n",
 * UTF-8, at most PAMPROTO_LINE_MAX bytes.  A request:
 *
 *   {"v":1, "op":OP, "user":U, "service":S, "rhost":H, "tty":T,
 *    "nullok":B, "secret":X}
 *
 *   v        1 (required)
 *   op       "query"   does U need a code?  (nullok: finish users without a
 *                      device)                   -> code ok no_mfa unknown denied
 *            "verify"  check the code in secret -> ok fail replay locked
 *                                                   unknown denied no_mfa
 *            "password" secret is the password followed by the code
 *                      (password+otp mode)      -> ok fail replay locked denied
 *                                                   no_mfa change_password
 *            "session_open", "session_close"    -> ok
 *   user     the PAM user, 1-256 bytes (required)
 *   service, rhost, tty   PAM items, printable ASCII without blanks, at most
 *            64, 255 and 64 bytes; may be empty or absent
 *   nullok   true/false, only with query
 *   secret   required with verify (at most 64 bytes) and password (at most
 *            1024 bytes), refused with the other ops
 *
 * Any other key, a repeated key, a wrong type or a bad value is a bad
 * request.  The reply:
 *
 *   {"v":1, "result":R}                     R as listed above, or
 *                                           "bad_request" / "error"
 *   {"v":1, "result":"locked", "retry_at":N} N unix seconds; -1 = until an
 *                                           administrator unlocks
 */
#ifndef SEKISHOD_PAMSOCK_H
#define SEKISHOD_PAMSOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sekisho/sekisho.h"

#define PAMPROTO_LINE_MAX 4096
#define PAMPROTO_USER_MAX 256
#define PAMPROTO_ITEM_MAX 64      /* service, tty */
#define PAMPROTO_RHOST_MAX 255
#define PAMPROTO_CODE_MAX 64      /* verify: a one-time or recovery code */
#define PAMPROTO_SECRET_MAX 1024  /* password: password and code */
#define PAMSOCK_MAX_UIDS 16
#define PAMSOCK_MAX_THREADS 16

/* [pam] settings (docs/configuration.md). */
typedef struct pamsock_config {
	char socket_path[SK_PATH_MAX];          /* "" = off (the default) */
	uid_t allowed_uids[PAMSOCK_MAX_UIDS];   /* besides 0, which is always allowed */
	unsigned nuids;
	unsigned threads;                       /* 2 */
	unsigned timeout;                       /* seconds to read a request, 5 */
} pamsock_config;

void pamsock_config_default(pamsock_config *pc);

/*
 * One key of [pam], for main.c's INI hook: 1 taken, 0 unknown key, -1 with a
 * message in err.
 */
int pamsock_config_key(pamsock_config *pc, const char *key, const char *value, char *err,
		       size_t err_size);

typedef enum pamproto_op {
	PAMPROTO_QUERY = 0,
	PAMPROTO_VERIFY,
	PAMPROTO_PASSWORD,
	PAMPROTO_SESSION_OPEN,
	PAMPROTO_SESSION_CLOSE
} pamproto_op;

typedef struct pamproto_request {
	pamproto_op op;
	int nullok;
	char user[PAMPROTO_USER_MAX + 1];
	char service[PAMPROTO_ITEM_MAX + 1];
	char rhost[PAMPROTO_RHOST_MAX + 1];
	char tty[PAMPROTO_ITEM_MAX + 1];
	char secret[PAMPROTO_SECRET_MAX + 1];   /* wipe with pamproto_request_clear */
	size_t secret_len;
} pamproto_request;

/*
 * Parses one request line (without its "\n"; not NUL-terminated; len bytes)
 * into *rq.  Returns 0, or -1 for a bad request (then *rq holds nothing).
 * Wipes jansson's copy of the secret before freeing it.
 */
int pamproto_parse(const char *line, size_t len, pamproto_request *rq);

/* Wipes the whole request (the secret with it). */
void pamproto_request_clear(pamproto_request *rq);

typedef enum pamproto_result {
	PAMPROTO_OK = 0,
	PAMPROTO_CODE,
	PAMPROTO_FAIL,
	PAMPROTO_REPLAY,
	PAMPROTO_LOCKED,
	PAMPROTO_UNKNOWN,
	PAMPROTO_DENIED,
	PAMPROTO_NO_MFA,
	PAMPROTO_CHANGE_PASSWORD,
	PAMPROTO_BAD_REQUEST,
	PAMPROTO_ERROR
} pamproto_result;

const char *pamproto_result_name(pamproto_result r);

/*
 * Password+otp mode: the user typed the password immediately followed by
 * the code.  The code is the last `digits` characters when they are all
 * ASCII digits, else the last 19 when they have a recovery code's shape
 * (xxxx-xxxx-xxxx-xxxx, letters and digits), else there is none (the whole
 * text is the password, and a code is then missing).  Sets *pw_len; the
 * code starts at secret + *pw_len.
 */
void pamproto_split(const char *secret, size_t len, unsigned digits, size_t *pw_len);

/*
 * Answers a request with the library: what the socket threads run.
 * *retry_at is set with PAMPROTO_LOCKED (INT64_MAX: an administrator must
 * unlock).  Nothing secret is logged.
 */
pamproto_result pamproto_handle(sk_ctx *ctx, const pamproto_request *rq, int64_t *retry_at);

/* Writes the reply line (with "\n") to buf; returns its length. */
size_t pamproto_reply(char *buf, size_t size, pamproto_result r, int64_t retry_at);

/*
 * Opens the socket and starts pc->threads threads, each opening its own
 * context with open_ctx (the callback http_serve gets).  Installs a jansson
 * allocator that wipes every block it frees (process-wide: call before any
 * other jansson use).  Returns 0 (also when pc->socket_path is empty: off)
 * or -1 with a message on stderr.
 */
int pamsock_start(const pamsock_config *pc, int (*open_ctx)(void *arg, sk_ctx **ctx), void *arg);

/* Stops the threads, closes and removes the socket.  A no-op when not started. */
void pamsock_stop(void);

#endif
