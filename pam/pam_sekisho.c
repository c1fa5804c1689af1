/*
 * pam/pam_sekisho.c - pam_sekisho.so: Sekisho's second factor for PAM
 * services, above all sshd on a transit (jump) server (F1, F2; DESIGN 9).
 *
 * The module never opens the database.  It asks sekishod over a UNIX socket
 * ([pam] socket there, socket= here), one JSON line per connection (the
 * protocol: server/pamsock.h, docs/integrations/ssh.md), and only renders
 * the answers: lockout, replay prevention, unknown users and the audit log
 * are the library's, behind sekishod.
 *
 * auth     query: does this user need a code?  If so prompt (echo off) and
 *          verify.  With password+otp: one prompt, the password immediately
 *          followed by the code, checked by Sekisho's own sign-in.
 * session  open and close are recorded in the audit log; failures never
 *          block a login unless session_strict is given.
 * Only pam_sm_authenticate, pam_sm_setcred, pam_sm_open_session and
 * pam_sm_close_session are exported (pam_sekisho.map).  There is no
 * account or password hook: Sekisho decides nothing there, and a line
 * "account ... pam_sekisho.so" is then a visible configuration error
 * (PAM logs the missing symbol and fails that stack) rather than a
 * silent no-op that looks like a check.
 *
 * Options: socket=PATH  prompt=TEXT  nullok  fail_open  debug  timeout=N
 *          password+otp  session_strict          (see usage in the docs)
 * Nothing secret is ever logged, even with debug; every buffer that held a
 * code or password is wiped with explicit_bzero.
 */
#define PAM_SM_AUTH
#define PAM_SM_SESSION

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <security/pam_ext.h>
#include <security/pam_modules.h>

#define DEFAULT_SOCKET "/run/sekisho/pam.sock"
#define DEFAULT_PROMPT "Verification code: "
#define DEFAULT_PROMPT_PW "Password followed by verification code: "
#define LINE_MAX_BYTES 4096      /* the server's bound on a request line */
#define CODE_MAX 64              /* verify: one-time or recovery code */
#define SECRET_MAX 1024          /* password+otp: password and code */
#define REPLY_MAX 512

struct opts {
	const char *socket;
	const char *prompt;
	int nullok, fail_open, debug, password_otp, session_strict;
	int silent;              /* PAM_SILENT: no messages to the user */
	unsigned timeout;        /* seconds for connect, send and the reply together */
	int bad;                 /* an option was not understood */
};

/* What a call to sekishod came to. */
enum reach {
	REACH_OK = 0,
	REACH_ABSENT,            /* nothing listens: no socket file, or refused */
	REACH_FAIL               /* listening but no usable answer (timeout, busy, garbage) */
};

struct reply {
	char result[32];
	long long retry_at;
	int has_retry;
};

static void
parse_opts(pam_handle_t *pamh, int argc, const char **argv, struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->socket = DEFAULT_SOCKET;
	o->timeout = 10;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "socket=", 7) == 0 && a[7] != '\0') {
			o->socket = a + 7;
		} else if (strncmp(a, "prompt=", 7) == 0) {
			o->prompt = a + 7;
		} else if (strncmp(a, "timeout=", 8) == 0) {
			char *end;
			unsigned long n;
			errno = 0;
			n = strtoul(a + 8, &end, 10);
			if (errno != 0 || end == a + 8 || *end != '\0' || n < 1 || n > 60) {
				pam_syslog(pamh, LOG_ERR, "timeout must be 1-60 seconds: %s", a);
				o->bad = 1;
			} else {
				o->timeout = (unsigned)n;
			}
		} else if (strcmp(a, "nullok") == 0) {
			o->nullok = 1;
		} else if (strcmp(a, "fail_open") == 0) {
			o->fail_open = 1;
		} else if (strcmp(a, "debug") == 0) {
			o->debug = 1;
		} else if (strcmp(a, "password+otp") == 0) {
			o->password_otp = 1;
		} else if (strcmp(a, "session_strict") == 0) {
			o->session_strict = 1;
		} else {
			/* A typo ("nulok") must not quietly change what is checked. */
			pam_syslog(pamh, LOG_ERR, "unknown option: %s", a);
			o->bad = 1;
		}
	}
	if (o->prompt == NULL)
		o->prompt = o->password_otp ? DEFAULT_PROMPT_PW : DEFAULT_PROMPT;
}

/* ---- the request line --------------------------------------------------- */

struct req {
	char buf[LINE_MAX_BYTES + 1];
	size_t len;
	int overflow;
};

static void
put_raw(struct req *r, const char *s, size_t n)
{
	if (r->overflow || n > LINE_MAX_BYTES - r->len) {
		r->overflow = 1;
		return;
	}
	memcpy(r->buf + r->len, s, n);
	r->len += n;
}

/* "key":"value" with JSON escaping; the server checks UTF-8 and bounds. */
static void
put_str(struct req *r, const char *key, const char *val)
{
	static const char hex[] = "0123456789abcdef";

	put_raw(r, r->len > 1 ? ",\"" : "\"", r->len > 1 ? 2 : 1);
	put_raw(r, key, strlen(key));
	put_raw(r, "\":\"", 3);
	for (const unsigned char *p = (const unsigned char *)(val ? val : ""); *p; p++) {
		char esc[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
		if (*p == '"' || *p == '\\') {
			char two[2] = {'\\', (char)*p};
			put_raw(r, two, 2);
		} else if (*p < 0x20 || *p == 0x7f) {
			put_raw(r, esc, 6);
		} else {
			put_raw(r, (const char *)p, 1);
		}
	}
	put_raw(r, "\"", 1);
}

static const char *
item(pam_handle_t *pamh, int type)
{
	const void *v = NULL;

	if (pam_get_item(pamh, type, &v) != PAM_SUCCESS || v == NULL)
		return "";
	return v;
}

/* {"v":1,"op":OP,"user":U,"service":S,"rhost":H,"tty":T ...: closed by finish(). */
static void
begin(struct req *r, pam_handle_t *pamh, const char *op, const char *user)
{
	memset(r, 0, sizeof(*r));
	put_raw(r, "{\"v\":1", 6);
	put_str(r, "op", op);
	put_str(r, "user", user);
	put_str(r, "service", item(pamh, PAM_SERVICE));
	put_str(r, "rhost", item(pamh, PAM_RHOST));
	put_str(r, "tty", item(pamh, PAM_TTY));
}

static void
finish(struct req *r)
{
	put_raw(r, "}\n", 2);
}

/* ---- talking to sekishod ------------------------------------------------ */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
wait_fd(int fd, short ev, int64_t deadline)
{
	for (;;) {
		struct pollfd p = {fd, ev, 0};
		int64_t left = deadline - now_ms();
		int n;

		if (left <= 0)
			return -1;
		n = poll(&p, 1, (int)(left > INT_MAX ? INT_MAX : left));
		if (n < 0 && errno == EINTR)
			continue;
		return n > 0 ? 0 : -1;
	}
}

static int
parse_reply(const char *line, size_t len, struct reply *rep)
{
	json_error_t jerr;
	json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr), *v, *res, *ra;
	int r = -1;

	memset(rep, 0, sizeof(*rep));
	if (!json_is_object(root))
		goto out;
	v = json_object_get(root, "v");
	res = json_object_get(root, "result");
	ra = json_object_get(root, "retry_at");
	if (!json_is_integer(v) || json_integer_value(v) != 1 || !json_is_string(res) ||
	    json_string_length(res) >= sizeof(rep->result))
		goto out;
	memcpy(rep->result, json_string_value(res), json_string_length(res) + 1);
	if (json_is_integer(ra)) {
		rep->retry_at = (long long)json_integer_value(ra);
		rep->has_retry = 1;
	}
	r = 0;
out:
	json_decref(root);
	return r;
}

/*
 * Sends the request line and reads the reply line, all within o->timeout.
 * Wipes nothing: the caller owns (and wipes) the request.
 */
static enum reach
call(pam_handle_t *pamh, const struct opts *o, const struct req *rq, struct reply *rep)
{
	struct sockaddr_un sun;
	char line[REPLY_MAX + 1];
	int64_t deadline = now_ms() + (int64_t)o->timeout * 1000;
	size_t off = 0, got = 0;
	enum reach res = REACH_FAIL;
	int fd;

	memset(rep, 0, sizeof(*rep));
	if (rq->overflow) {
		pam_syslog(pamh, LOG_ERR, "request longer than %d bytes", LINE_MAX_BYTES);
		return REACH_FAIL;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(o->socket) >= sizeof(sun.sun_path)) {
		pam_syslog(pamh, LOG_ERR, "socket path too long: %s", o->socket);
		return REACH_FAIL;
	}
	memcpy(sun.sun_path, o->socket, strlen(o->socket) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
		return REACH_FAIL;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		int e = errno;
		/* Only "nothing is there" may ever fail open; a busy server (EAGAIN)
		 * or a permission problem never does. */
		res = e == ENOENT || e == ECONNREFUSED ? REACH_ABSENT : REACH_FAIL;
		pam_syslog(pamh, LOG_ERR, "cannot reach sekishod at %s: %s", o->socket, strerror(e));
		goto out;
	}
	while (off < rq->len) {
		ssize_t n;
		if (wait_fd(fd, POLLOUT, deadline) != 0)
			goto timeout;
		n = send(fd, rq->buf + off, rq->len - off, MSG_NOSIGNAL);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			goto broken;
		off += (size_t)n;
	}
	for (;;) {
		ssize_t n;
		char *nl;
		if (wait_fd(fd, POLLIN, deadline) != 0)
			goto timeout;
		n = recv(fd, line + got, REPLY_MAX - got, 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			goto broken;
		if ((nl = memchr(line + got, '\n', (size_t)n)) != NULL) {
			if (parse_reply(line, (size_t)(nl - line), rep) != 0) {
				pam_syslog(pamh, LOG_ERR, "malformed reply from sekishod");
				goto out;
			}
			res = REACH_OK;
			goto out;
		}
		got += (size_t)n;
		if (got == REPLY_MAX)
			goto broken;
	}
timeout:
	pam_syslog(pamh, LOG_ERR, "no answer from sekishod at %s within %u s", o->socket,
		   o->timeout);
	goto out;
broken:
	pam_syslog(pamh, LOG_ERR, "sekishod at %s closed the connection", o->socket);
out:
	close(fd);
	return res;
}

/* ---- auth --------------------------------------------------------------- */

static void
say_locked(pam_handle_t *pamh, const struct opts *o, const struct reply *rep)
{
	char when[64];
	struct tm tm;
	time_t t;

	if (o->silent)
		return;
	if (!rep->has_retry || rep->retry_at < 0) {
		pam_info(pamh, "Too many failed attempts: the account is locked until an "
			       "administrator unlocks it.");
		return;
	}
	t = (time_t)rep->retry_at;
	if (localtime_r(&t, &tm) == NULL || strftime(when, sizeof(when), "%H:%M:%S %Z", &tm) == 0)
		snprintf(when, sizeof(when), "@%lld", rep->retry_at);
	long long mins = (rep->retry_at - (long long)time(NULL) + 59) / 60;
	pam_info(pamh, "Too many failed attempts. Try again after %s (in about %lld minute%s).",
		 when, mins < 1 ? 1 : mins, mins == 1 ? "" : "s");
}

/* Maps sekishod's answer to a verification to a PAM code, telling the user why. */
static int
auth_result(pam_handle_t *pamh, const struct opts *o, const char *user, const struct reply *rep)
{
	const char *r = rep->result;
	/* Messages to the user, unless the application asked for silence. */
#define TELL(...) do { if (!o->silent) pam_error(pamh, __VA_ARGS__); } while (0)

	if (o->debug)
		pam_syslog(pamh, LOG_DEBUG, "user %s: sekishod answered %s", user, r);
	if (strcmp(r, "ok") == 0)
		return PAM_SUCCESS;
	if (strcmp(r, "fail") == 0)
		return PAM_AUTH_ERR;
	if (strcmp(r, "replay") == 0) {
		TELL("That code was already used. Wait for the next one.");
		return PAM_AUTH_ERR;
	}
	if (strcmp(r, "locked") == 0) {
		say_locked(pamh, o, rep);
		return PAM_MAXTRIES;
	}
	if (strcmp(r, "unknown") == 0)
		return PAM_USER_UNKNOWN;
	if (strcmp(r, "denied") == 0) {
		TELL("This account is disabled or expired.");
		return PAM_AUTH_ERR;
	}
	if (strcmp(r, "no_mfa") == 0) {
		TELL("No second factor is enrolled for this account. Enroll an authenticator "
		     "on the Sekisho portal first.");
		return PAM_AUTH_ERR;
	}
	if (strcmp(r, "change_password") == 0) {
		TELL("Your Sekisho password must be changed first, on the portal.");
		return PAM_AUTH_ERR;
	}
	if (strcmp(r, "error") == 0) {
		pam_syslog(pamh, LOG_ERR, "sekishod reported an internal error");
		return PAM_AUTHINFO_UNAVAIL;
	}
	pam_syslog(pamh, LOG_ERR, "sekishod answered '%s' for user %s", r, user);
	return PAM_AUTH_ERR;
#undef TELL
}

static int
unreachable(pam_handle_t *pamh, const struct opts *o, enum reach why)
{
	if (why == REACH_ABSENT && o->fail_open) {
		pam_syslog(pamh, LOG_WARNING, "sekishod is not running: fail_open, the second "
					      "factor is skipped (PAM_IGNORE)");
		return PAM_IGNORE;
	}
	return PAM_AUTHINFO_UNAVAIL;
}

PAM_EXTERN int
pam_sm_authenticate(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	struct opts o;
	struct req rq;
	struct reply rep;
	const char *user = NULL;
	char *answer = NULL;
	enum reach why;
	int r;

	parse_opts(pamh, argc, argv, &o);
	o.silent = (flags & PAM_SILENT) != 0;
	if (o.bad)
		return PAM_SERVICE_ERR;
	if ((r = pam_get_user(pamh, &user, NULL)) != PAM_SUCCESS || user == NULL || *user == '\0')
		return r == PAM_SUCCESS ? PAM_USER_UNKNOWN : r;

	if (!o.password_otp) {
		/* Does this user need a code at all? */
		begin(&rq, pamh, "query", user);
		if (o.nullok)
			put_raw(&rq, ",\"nullok\":true", 14);
		finish(&rq);
		why = call(pamh, &o, &rq, &rep);
		if (why != REACH_OK)
			return unreachable(pamh, &o, why);
		if (strcmp(rep.result, "code") != 0)
			return auth_result(pamh, &o, user, &rep);
	}

	r = pam_prompt(pamh, PAM_PROMPT_ECHO_OFF, &answer, "%s", o.prompt);
	if (r != PAM_SUCCESS || answer == NULL) {
		if (o.debug)
			pam_syslog(pamh, LOG_DEBUG, "user %s: no answer to the prompt", user);
		r = r == PAM_SUCCESS ? PAM_AUTH_ERR : r;
		goto out;
	}
	/* Nothing typed is no attempt: refused here, no lockout charged. */
	if (answer[0] == '\0' || strlen(answer) > (o.password_otp ? SECRET_MAX : CODE_MAX)) {
		r = PAM_AUTH_ERR;
		goto out;
	}
	begin(&rq, pamh, o.password_otp ? "password" : "verify", user);
	put_str(&rq, "secret", answer);
	finish(&rq);
	why = call(pamh, &o, &rq, &rep);
	explicit_bzero(&rq, sizeof(rq));
	/* A server that went away between the question and the answer: closed. */
	r = why == REACH_OK ? auth_result(pamh, &o, user, &rep)
			    : o.password_otp ? unreachable(pamh, &o, why) : PAM_AUTHINFO_UNAVAIL;
out:
	if (answer != NULL) {
		explicit_bzero(answer, strlen(answer));
		free(answer);
	}
	return r;
}

PAM_EXTERN int
pam_sm_setcred(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)pamh;
	(void)flags;
	(void)argc;
	(void)argv;
	return PAM_SUCCESS;
}

/* ---- session ------------------------------------------------------------ */

static int
session(pam_handle_t *pamh, int argc, const char **argv, const char *op)
{
	struct opts o;
	struct req rq;
	struct reply rep;
	const char *user = NULL;
	enum reach why;

	parse_opts(pamh, argc, argv, &o);
	if (pam_get_item(pamh, PAM_USER, (const void **)&user) != PAM_SUCCESS || user == NULL ||
	    *user == '\0') {
		pam_syslog(pamh, LOG_ERR, "%s: no user", op);
		return o.session_strict ? PAM_SESSION_ERR : PAM_SUCCESS;
	}
	begin(&rq, pamh, op, user);
	finish(&rq);
	why = call(pamh, &o, &rq, &rep);
	if (why == REACH_OK && strcmp(rep.result, "ok") == 0) {
		if (o.debug)
			pam_syslog(pamh, LOG_DEBUG, "user %s: %s recorded", user, op);
		return PAM_SUCCESS;
	}
	pam_syslog(pamh, LOG_WARNING, "user %s: %s not recorded (%s)%s", user, op,
		   why == REACH_OK ? rep.result : "sekishod unreachable",
		   o.session_strict ? "; session_strict: refusing the session" : "");
	return o.session_strict ? PAM_SESSION_ERR : PAM_SUCCESS;
}

PAM_EXTERN int
pam_sm_open_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)flags;
	return session(pamh, argc, argv, "session_open");
}

PAM_EXTERN int
pam_sm_close_session(pam_handle_t *pamh, int flags, int argc, const char **argv)
{
	(void)flags;
	return session(pamh, argc, argv, "session_close");
}
