/*
 * server/pamsock.c - the UNIX socket that pam_sekisho.so talks to
 * (DESIGN 9).  The protocol is described in pamsock.h and
 * docs/integrations/ssh.md.  This file only translates: every decision
 * (unknown user, lockout, replay, audit) is the library's.
 *
 * Each thread blocks in poll() on the listening socket and a stop pipe,
 * accepts one connection, checks the peer's uid (SO_PEERCRED), reads one
 * line within [pam] timeout seconds and at most PAMPROTO_LINE_MAX bytes,
 * answers it and closes.  One request per connection keeps a thread busy
 * for milliseconds (an Argon2id hash at most), never while a person types:
 * the module asks "query", prompts, then connects again for "verify".
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "pamsock.h"

/* ---- configuration ------------------------------------------------------ */

void
pamsock_config_default(pamsock_config *pc)
{
	memset(pc, 0, sizeof(*pc));
	pc->threads = 2;
	pc->timeout = 5;
}

static int
parse_num(const char *v, unsigned long lo, unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long n;

	if (v[0] < '0' || v[0] > '9')
		return -1;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < lo || n > hi)
		return -1;
	*out = n;
	return 0;
}

int
pamsock_config_key(pamsock_config *pc, const char *key, const char *value, char *err,
		   size_t err_size)
{
	struct sockaddr_un sun;
	unsigned long n;

	if (strcmp(key, "socket") == 0) {
		if (strlen(value) >= sizeof(sun.sun_path)) {
			snprintf(err, err_size, "[pam] socket: a path of at most %zu bytes",
				 sizeof(sun.sun_path) - 1);
			return -1;
		}
		memcpy(pc->socket_path, value, strlen(value) + 1);
		return 1;
	}
	if (strcmp(key, "allowed_uids") == 0) {
		char list[512], *save = NULL;
		if (snprintf(list, sizeof(list), "%s", value) >= (int)sizeof(list))
			goto bad;
		pc->nuids = 0;
		for (char *t = strtok_r(list, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
			if (pc->nuids == PAMSOCK_MAX_UIDS || parse_num(t, 0, 4294967294UL, &n) != 0)
				goto bad;
			pc->allowed_uids[pc->nuids++] = (uid_t)n;
		}
		return 1;
	}
	if (strcmp(key, "threads") == 0) {
		if (parse_num(value, 1, PAMSOCK_MAX_THREADS, &n) != 0)
			goto bad;
		pc->threads = (unsigned)n;
		return 1;
	}
	if (strcmp(key, "timeout") == 0) {
		if (parse_num(value, 1, 60, &n) != 0)
			goto bad;
		pc->timeout = (unsigned)n;
		return 1;
	}
	return 0;
bad:
	snprintf(err, err_size, "[pam] %s: invalid value '%.64s'", key, value);
	return -1;
}

/* ---- the protocol ------------------------------------------------------- */

void
pamproto_request_clear(pamproto_request *rq)
{
	sodium_memzero(rq, sizeof(*rq));
}

/* Printable ASCII without blanks, 0..max bytes: PAM service, tty, rhost. */
static int
item_ok(const char *s, size_t n, size_t max)
{
	if (n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/* Copies a JSON string field into dst (size bytes); 0 or -1. */
static int
get_item(json_t *v, char *dst, size_t size, size_t max)
{
	const char *s;
	size_t n;

	if (!json_is_string(v))
		return -1;
	s = json_string_value(v);
	n = json_string_length(v);
	if (!item_ok(s, n, max) || n >= size)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

static int
op_parse(const char *s, pamproto_op *op)
{
	static const struct {
		const char *name;
		pamproto_op op;
	} ops[] = {
		{"query", PAMPROTO_QUERY},
		{"verify", PAMPROTO_VERIFY},
		{"password", PAMPROTO_PASSWORD},
		{"session_open", PAMPROTO_SESSION_OPEN},
		{"session_close", PAMPROTO_SESSION_CLOSE},
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(s, ops[i].name) == 0) {
			*op = ops[i].op;
			return 0;
		}
	return -1;
}

int
pamproto_parse(const char *line, size_t len, pamproto_request *rq)
{
	json_error_t jerr;
	json_t *root = NULL, *v, *secret = NULL;
	const char *key;
	int have_v = 0, have_op = 0, have_user = 0, have_nullok = 0, r = -1;

	memset(rq, 0, sizeof(*rq));
	if (line == NULL || len == 0 || len > PAMPROTO_LINE_MAX)
		return -1;
	root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(root))
		goto out;
	json_object_foreach(root, key, v) {
		if (strcmp(key, "v") == 0) {
			if (!json_is_integer(v) || json_integer_value(v) != 1)
				goto out;
			have_v = 1;
		} else if (strcmp(key, "op") == 0) {
			if (!json_is_string(v) || op_parse(json_string_value(v), &rq->op) != 0)
				goto out;
			have_op = 1;
		} else if (strcmp(key, "user") == 0) {
			const char *s;
			size_t n;
			if (!json_is_string(v))
				goto out;
			s = json_string_value(v);
			n = json_string_length(v);
			if (n == 0 || n > PAMPROTO_USER_MAX)
				goto out;
			for (size_t i = 0; i < n; i++)
				if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
					goto out;
			memcpy(rq->user, s, n + 1);
			have_user = 1;
		} else if (strcmp(key, "service") == 0) {
			if (get_item(v, rq->service, sizeof(rq->service), PAMPROTO_ITEM_MAX) != 0)
				goto out;
		} else if (strcmp(key, "rhost") == 0) {
			if (get_item(v, rq->rhost, sizeof(rq->rhost), PAMPROTO_RHOST_MAX) != 0)
				goto out;
		} else if (strcmp(key, "tty") == 0) {
			if (get_item(v, rq->tty, sizeof(rq->tty), PAMPROTO_ITEM_MAX) != 0)
				goto out;
		} else if (strcmp(key, "nullok") == 0) {
			if (!json_is_boolean(v))
				goto out;
			rq->nullok = json_is_true(v);
			have_nullok = 1;
		} else if (strcmp(key, "secret") == 0) {
			if (!json_is_string(v))
				goto out;
			secret = v;
		} else {
			goto out; /* unknown keys are refused, as in the INI file */
		}
	}
	if (!have_v || !have_op || !have_user)
		goto out;
	if (have_nullok && rq->op != PAMPROTO_QUERY)
		goto out;
	if (rq->op == PAMPROTO_VERIFY || rq->op == PAMPROTO_PASSWORD) {
		size_t max = rq->op == PAMPROTO_VERIFY ? PAMPROTO_CODE_MAX : PAMPROTO_SECRET_MAX;
		size_t n;
		if (secret == NULL || (n = json_string_length(secret)) > max)
			goto out;
		/* NUL would cut the secret short without anyone noticing. */
		if (memchr(json_string_value(secret), '\0', n) != NULL)
			goto out;
		memcpy(rq->secret, json_string_value(secret), n);
		rq->secret[n] = '\0';
		rq->secret_len = n;
	} else if (secret != NULL) {
		goto out;
	}
	r = 0;
out:
	if (secret != NULL) /* jansson's copy of the secret */
		sodium_memzero((void *)(uintptr_t)json_string_value(secret), json_string_length(secret));
	json_decref(root);
	if (r != 0)
		pamproto_request_clear(rq);
	return r;
}

const char *
pamproto_result_name(pamproto_result r)
{
	switch (r) {
	case PAMPROTO_OK: return "ok";
	case PAMPROTO_CODE: return "code";
	case PAMPROTO_FAIL: return "fail";
	case PAMPROTO_REPLAY: return "replay";
	case PAMPROTO_LOCKED: return "locked";
	case PAMPROTO_UNKNOWN: return "unknown";
	case PAMPROTO_DENIED: return "denied";
	case PAMPROTO_NO_MFA: return "no_mfa";
	case PAMPROTO_CHANGE_PASSWORD: return "change_password";
	case PAMPROTO_BAD_REQUEST: return "bad_request";
	case PAMPROTO_ERROR: return "error";
	}
	return "error";
}

size_t
pamproto_reply(char *buf, size_t size, pamproto_result r, int64_t retry_at)
{
	int n;

	if (r == PAMPROTO_LOCKED)
		n = snprintf(buf, size, "{\"v\":1,\"result\":\"locked\",\"retry_at\":%lld}\n",
			     retry_at == INT64_MAX ? -1LL : (long long)retry_at);
	else
		n = snprintf(buf, size, "{\"v\":1,\"result\":\"%s\"}\n", pamproto_result_name(r));
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alnum(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

void
pamproto_split(const char *secret, size_t len, unsigned digits, size_t *pw_len)
{
	size_t i;

	*pw_len = len;
	if (digits > 0 && len >= digits) {
		for (i = len - digits; i < len && is_digit(secret[i]); i++)
			;
		if (i == len) {
			*pw_len = len - digits;
			return;
		}
	}
	if (len >= SK_RECOVERY_CODE_LEN) {
		const char *c = secret + len - SK_RECOVERY_CODE_LEN;
		for (i = 0; i < SK_RECOVERY_CODE_LEN; i++)
			if (i % 5 == 4 ? c[i] != '-' : !is_alnum(c[i]))
				return;
		*pw_len = len - SK_RECOVERY_CODE_LEN;
	}
}

static pamproto_result
map(int r)
{
	switch (r) {
	case SK_OK: return PAMPROTO_OK;
	case SK_ERR_AUTH: return PAMPROTO_FAIL;
	case SK_ERR_STATE: return PAMPROTO_FAIL; /* stale or changed meanwhile: start again */
	case SK_ERR_REPLAY: return PAMPROTO_REPLAY;
	case SK_ERR_LOCKED: return PAMPROTO_LOCKED;
	case SK_ERR_NOTFOUND: return PAMPROTO_UNKNOWN;
	case SK_ERR_DISABLED: return PAMPROTO_DENIED;
	case SK_ERR_EXPIRED: return PAMPROTO_DENIED;
	case SK_ERR_INVALID: return PAMPROTO_BAD_REQUEST;
	default: return PAMPROTO_ERROR;
	}
}

/* Where the sign-in is after a successful step. */
static pamproto_result
at_step(const sk_signin *s)
{
	switch (s->step) {
	case SK_STEP_DONE: return PAMPROTO_OK;
	case SK_STEP_MFA: return PAMPROTO_CODE;
	case SK_STEP_ENROLL_MFA: return PAMPROTO_NO_MFA;
	case SK_STEP_CHANGE_PASSWORD: return PAMPROTO_CHANGE_PASSWORD;
	case SK_STEP_PASSWORD: break;
	}
	return PAMPROTO_ERROR;
}

pamproto_result
pamproto_handle(sk_ctx *ctx, const pamproto_request *rq, int64_t *retry_at)
{
	char via[PAMPROTO_ITEM_MAX + 8], code[PAMPROTO_CODE_MAX + 1];
	sk_signin s;
	size_t pw_len;
	int has_mfa = 0, r;

	*retry_at = 0;
	snprintf(via, sizeof(via), "pam:%s", rq->service[0] ? rq->service : "-");
	switch (rq->op) {
	case PAMPROTO_SESSION_OPEN:
	case PAMPROTO_SESSION_CLOSE:
		r = sk_audit_session(ctx, rq->user, rq->service, rq->rhost, rq->tty,
				     rq->op == PAMPROTO_SESSION_OPEN);
		return r == SK_OK ? PAMPROTO_OK : PAMPROTO_ERROR;
	case PAMPROTO_QUERY:
	case PAMPROTO_VERIFY:
		r = sk_signin_second_factor_start(ctx, &s, rq->user, rq->rhost, via, &has_mfa);
		if (r != SK_OK)
			return map(r);
		if (has_mfa && rq->op == PAMPROTO_QUERY)
			return PAMPROTO_CODE;
		if (!has_mfa) {
			/* nullok: a known user without a device passes, and that is audited. */
			if (rq->op == PAMPROTO_QUERY && rq->nullok) {
				r = sk_signin_second_factor_none(ctx, &s);
				return r == SK_OK ? at_step(&s) : map(r);
			}
			return PAMPROTO_NO_MFA;
		}
		r = sk_signin_code(ctx, &s, rq->secret, retry_at);
		return r == SK_OK ? at_step(&s) : map(r);
	case PAMPROTO_PASSWORD:
		/* Sekisho's own [mfa] policy decides here, as on the portal. */
		sk_signin_start(ctx, &s, rq->rhost);
		pamproto_split(rq->secret, rq->secret_len, sk_ctx_config(ctx)->otp.digits, &pw_len);
		r = sk_signin_password(ctx, &s, rq->user, rq->secret, pw_len, retry_at);
		if (r != SK_OK)
			return map(r);
		if (s.step != SK_STEP_MFA)
			return at_step(&s);
		if (rq->secret_len - pw_len > PAMPROTO_CODE_MAX)
			return PAMPROTO_FAIL;
		memcpy(code, rq->secret + pw_len, rq->secret_len - pw_len);
		code[rq->secret_len - pw_len] = '\0';
		r = sk_signin_code(ctx, &s, code, retry_at);
		sodium_memzero(code, sizeof(code));
		/* After the code: done, or an issued password to change on the portal. */
		return r == SK_OK ? at_step(&s) : map(r);
	}
	return PAMPROTO_BAD_REQUEST;
}

/* ---- the socket --------------------------------------------------------- */

static struct {
	pamsock_config cfg;
	int (*open_ctx)(void *arg, sk_ctx **ctx);
	void *arg;
	int lfd;
	int stop[2];
	pthread_t tids[PAMSOCK_MAX_THREADS];
	unsigned nthreads;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned opened, failed;
	int running;
} ps = {.lfd = -1, .stop = {-1, -1}, .mu = PTHREAD_MUTEX_INITIALIZER,
	.cv = PTHREAD_COND_INITIALIZER};

/* jansson frees through here: request lines hold passwords and codes. */
static void
wiping_free(void *p)
{
	if (p == NULL)
		return;
	sodium_memzero(p, malloc_usable_size(p));
	free(p);
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
peer_allowed(int fd, struct ucred *uc)
{
	socklen_t len = sizeof(*uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, uc, &len) != 0 || len != sizeof(*uc))
		return 0;
	if (uc->uid == 0)
		return 1;
	for (unsigned i = 0; i < ps.cfg.nuids; i++)
		if (ps.cfg.allowed_uids[i] == uc->uid)
			return 1;
	return 0;
}

/*
 * Reads one line into buf (at most PAMPROTO_LINE_MAX bytes before "\n")
 * before the deadline.  Returns its length without "\n", -1 on timeout,
 * error or end of input, -2 when the line is too long.
 */
static ssize_t
read_line(int fd, char *buf, int64_t deadline)
{
	size_t len = 0;

	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		int64_t left = deadline - now_ms();
		ssize_t n;
		char *nl;

		if (left <= 0)
			return -1;
		n = poll(&p, 1, (int)(left > INT_MAX ? INT_MAX : left));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		n = recv(fd, buf + len, PAMPROTO_LINE_MAX + 1 - len, MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return -1;
		if ((nl = memchr(buf + len, '\n', (size_t)n)) != NULL)
			return nl - buf;
		len += (size_t)n;
		if (len > PAMPROTO_LINE_MAX)
			return -2;
	}
}

static void
write_all(int fd, const char *buf, size_t len, int64_t deadline)
{
	while (len > 0) {
		struct pollfd p = {fd, POLLOUT, 0};
		int64_t left = deadline - now_ms();
		ssize_t n;

		if (left <= 0 || poll(&p, 1, (int)(left > INT_MAX ? INT_MAX : left)) <= 0)
			return;
		n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static void
serve(sk_ctx *ctx, int fd)
{
	char line[PAMPROTO_LINE_MAX + 1], reply[128];
	pamproto_request rq;
	pamproto_result res;
	struct ucred uc = {.pid = 0, .uid = (uid_t)-1, .gid = (gid_t)-1};
	int64_t deadline = now_ms() + (int64_t)ps.cfg.timeout * 1000, retry_at = 0;
	ssize_t n;

	memset(&rq, 0, sizeof(rq));
	if (!peer_allowed(fd, &uc)) {
		fprintf(stderr, "sekishod: pam socket: refused a peer with uid %ld (pid %ld); "
				"see [pam] allowed_uids\n",
			(long)uc.uid, (long)uc.pid);
		return;
	}
	n = read_line(fd, line, deadline);
	if (n == -1) {
		fprintf(stderr, "sekishod: pam socket: no complete request from pid %ld within %u s\n",
			(long)uc.pid, ps.cfg.timeout);
		goto out;
	}
	if (n == -2 || pamproto_parse(line, (size_t)n, &rq) != 0) {
		fprintf(stderr, "sekishod: pam socket: bad request from pid %ld\n", (long)uc.pid);
		res = PAMPROTO_BAD_REQUEST;
	} else {
		res = pamproto_handle(ctx, &rq, &retry_at);
		if (res == PAMPROTO_ERROR)
			fprintf(stderr, "sekishod: pam socket: store error for a %s request\n",
				rq.op == PAMPROTO_SESSION_OPEN || rq.op == PAMPROTO_SESSION_CLOSE
					? "session" : "sign-in");
	}
	pamproto_request_clear(&rq);
	write_all(fd, reply, pamproto_reply(reply, sizeof(reply), res, retry_at),
		  now_ms() + (int64_t)ps.cfg.timeout * 1000);
out:
	sodium_memzero(line, sizeof(line));
}

static void *
thread_main(void *p)
{
	sk_ctx *ctx = NULL;
	int ok;

	(void)p;
	ok = ps.open_ctx(ps.arg, &ctx) == 0;
	pthread_mutex_lock(&ps.mu);
	if (ok)
		ps.opened++;
	else
		ps.failed++;
	pthread_cond_broadcast(&ps.cv);
	pthread_mutex_unlock(&ps.mu);
	if (!ok)
		return NULL;
	for (;;) {
		struct pollfd pf[2] = {{ps.lfd, POLLIN, 0}, {ps.stop[0], POLLIN, 0}};
		int fd;

		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[1].revents != 0)
			break;
		if ((fd = accept4(ps.lfd, NULL, NULL, SOCK_CLOEXEC)) < 0) {
			/* Out of descriptors or memory: the socket stays readable, so wait
			 * a little (or for stop) instead of spinning; else the other
			 * thread took it, or the peer left. */
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
				(void)poll(&pf[1], 1, 100);
			continue;
		}
		serve(ctx, fd);
		close(fd);
	}
	sk_ctx_free(ctx);
	return NULL;
}

/* Creates the socket: 0660, its directory (0750) if missing, a stale one replaced. */
static int
listen_unix(const char *path)
{
	struct sockaddr_un sun;
	struct stat st;
	char dir[sizeof(sun.sun_path)], *slash;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "sekishod: [pam] socket path too long: %s\n", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	memcpy(dir, path, strlen(path) + 1);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0750) != 0 && errno != EEXIST) {
			fprintf(stderr, "sekishod: cannot create %s: %s\n", dir, strerror(errno));
			return -1;
		}
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			fprintf(stderr, "sekishod: %s exists and is not a socket; not replacing it\n",
				path);
			return -1;
		}
		/* Replace a stale socket only: one that a live server answers is kept. */
		if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 || errno != ECONNREFUSED) {
			fprintf(stderr, "sekishod: %s is in use by another server (%s)\n", path,
				errno == 0 ? "it answers" : strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
		if (unlink(path) != 0) {
			fprintf(stderr, "sekishod: cannot remove the stale socket %s: %s\n", path,
				strerror(errno));
			return -1;
		}
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	/* Nobody can connect between bind and listen, so chmod in between is safe. */
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 || chmod(path, 0660) != 0 ||
	    listen(fd, 64) != 0) {
		fprintf(stderr, "sekishod: cannot listen on %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
pamsock_start(const pamsock_config *pc, int (*open_ctx)(void *arg, sk_ctx **ctx), void *arg)
{
	sigset_t block, old;
	unsigned want;

	if (pc->socket_path[0] == '\0' || ps.running)
		return 0;
	ps.cfg = *pc;
	ps.open_ctx = open_ctx;
	ps.arg = arg;
	ps.opened = ps.failed = 0;
	want = pc->threads == 0 ? 1 : pc->threads > PAMSOCK_MAX_THREADS ? PAMSOCK_MAX_THREADS
									 : pc->threads;
	json_set_alloc_funcs(malloc, wiping_free);
	if ((ps.lfd = listen_unix(pc->socket_path)) < 0)
		return -1;
	if (pipe2(ps.stop, O_CLOEXEC) != 0) {
		close(ps.lfd);
		unlink(pc->socket_path);
		return -1;
	}
	ps.running = 1;
	/* Signals go to the main thread (http_serve's handler), not here. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (ps.nthreads = 0; ps.nthreads < want; ps.nthreads++)
		if (pthread_create(&ps.tids[ps.nthreads], NULL, thread_main, NULL) != 0)
			break;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_mutex_lock(&ps.mu);
	while (ps.opened + ps.failed < ps.nthreads)
		pthread_cond_wait(&ps.cv, &ps.mu);
	pthread_mutex_unlock(&ps.mu);
	if (ps.nthreads < want || ps.failed > 0) {
		fprintf(stderr, "sekishod: the pam socket threads could not start\n");
		pamsock_stop();
		return -1;
	}
	printf("sekishod: pam socket %s (%u threads)\n", pc->socket_path, ps.nthreads);
	fflush(stdout);
	return 0;
}

void
pamsock_stop(void)
{
	if (!ps.running)
		return;
	(void)!write(ps.stop[1], "x", 1);
	for (unsigned i = 0; i < ps.nthreads; i++)
		pthread_join(ps.tids[i], NULL);
	close(ps.stop[0]);
	close(ps.stop[1]);
	close(ps.lfd);
	unlink(ps.cfg.socket_path);
	ps.lfd = ps.stop[0] = ps.stop[1] = -1;
	ps.nthreads = 0;
	ps.running = 0;
}
