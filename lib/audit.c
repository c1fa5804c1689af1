/* lib/audit.c - keyed hash chain of audit events. */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "internal.h"
#include "sekisho/account.h"
#include "sekisho/audit.h"

static void
mac_field(crypto_auth_hmacsha256_state *st, const char *s)
{
	/* Length-prefixed, so ("ab","c") and ("a","bc") hash differently. */
	uint8_t len[4];
	size_t n = strlen(s);

	len[0] = (uint8_t)(n >> 24);
	len[1] = (uint8_t)(n >> 16);
	len[2] = (uint8_t)(n >> 8);
	len[3] = (uint8_t)n;
	crypto_auth_hmacsha256_update(st, len, sizeof(len));
	crypto_auth_hmacsha256_update(st, (const uint8_t *)s, n);
}

static void
mac_int(crypto_auth_hmacsha256_state *st, int64_t v)
{
	uint8_t b[8];
	uint64_t u = (uint64_t)v;

	for (int i = 7; i >= 0; i--) {
		b[i] = (uint8_t)u;
		u >>= 8;
	}
	crypto_auth_hmacsha256_update(st, b, sizeof(b));
}

static void
event_mac(const sk_ctx *ctx, const sk_audit_event *e, uint8_t out[SK_HASH_LEN])
{
	crypto_auth_hmacsha256_state st;

	crypto_auth_hmacsha256_init(&st, ctx->audit_key, crypto_auth_hmacsha256_KEYBYTES);
	crypto_auth_hmacsha256_update(&st, (const uint8_t *)"sekisho-audit-v1", 16);
	crypto_auth_hmacsha256_update(&st, e->prev, SK_HASH_LEN);
	mac_int(&st, e->seq);
	mac_int(&st, e->ts);
	mac_field(&st, e->actor);
	mac_field(&st, e->action);
	mac_field(&st, e->target);
	mac_field(&st, e->addr);
	mac_field(&st, e->result);
	mac_field(&st, e->detail);
	crypto_auth_hmacsha256_final(&st, out);
	sodium_memzero(&st, sizeof(st));
}

/* Copies src into dst, truncating at a UTF-8 character boundary. */
static void
copy_trunc(char *dst, size_t size, const char *src)
{
	size_t n;

	if (src == NULL)
		src = "";
	n = strnlen(src, size - 1);
	if (src[n] != '\0')
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void
mirror(sk_ctx *ctx, const sk_audit_event *e)
{
	char line[2048];
	int n;

	if (ctx->audit_mirror == NULL)
		return;
	n = sk_audit_json(e, line, sizeof(line));
	if (n > 0)
		sk__mirror_write(ctx, line);
}

int
sk_audit(sk_ctx *ctx, const char *actor, const char *action, const char *target,
	 const char *addr, const char *result, const char *detail)
{
	sk_audit_event e, last;
	int r;

	memset(&e, 0, sizeof(e));
	if ((r = sk__begin(ctx)) != SK_OK)
		return r;
	r = ST(ctx)->audit_last(ctx->store, &last);
	if (r == SK_OK) {
		e.seq = last.seq + 1;
		memcpy(e.prev, last.hash, SK_HASH_LEN);
	} else if (r == SK_ERR_NOTFOUND) {
		e.seq = 1; /* prev stays all zero */
	} else {
		goto out;
	}
	e.ts = sk_ctx_now(ctx);
	copy_trunc(e.actor, sizeof(e.actor), actor);
	copy_trunc(e.action, sizeof(e.action), action);
	copy_trunc(e.target, sizeof(e.target), target);
	copy_trunc(e.addr, sizeof(e.addr), addr);
	copy_trunc(e.result, sizeof(e.result), result);
	copy_trunc(e.detail, sizeof(e.detail), detail);
	event_mac(ctx, &e, e.hash);
	r = ST(ctx)->audit_append(ctx->store, &e);
out:
	r = sk__finish(ctx, r);
	if (r == SK_OK)
		mirror(ctx, &e);
	return r;
}

struct verify_state {
	sk_ctx *ctx;
	int64_t expect_seq;
	uint8_t prev[SK_HASH_LEN];
	int64_t bad_seq;
};

int
sk_audit_session(sk_ctx *ctx, const char *user, const char *service, const char *rhost,
		 const char *tty, int open)
{
	char name[SK_NAME_MAX + 1], svc[64], term[64], host[SK_ADDR_MAX], detail[SK_DETAIL_MAX];

	if (user == NULL || sk_account_name_normalize(user, name) != SK_OK)
		memcpy(name, "(invalid)", sizeof("(invalid)"));
	sk__printable(svc, sizeof(svc), service);
	sk__printable(term, sizeof(term), tty);
	sk__printable(host, sizeof(host), rhost);
	snprintf(detail, sizeof(detail), "service=%s tty=%s", svc, term);
	return sk_audit(ctx, name, open ? "session.open" : "session.close", name, host, "ok",
			detail);
}

static int
verify_one(void *arg, const sk_audit_event *e)
{
	struct verify_state *v = arg;
	uint8_t mac[SK_HASH_LEN];

	event_mac(v->ctx, e, mac);
	if (e->seq != v->expect_seq ||
	    sodium_memcmp(e->prev, v->prev, SK_HASH_LEN) != 0 ||
	    sodium_memcmp(mac, e->hash, SK_HASH_LEN) != 0) {
		/* A gap means the event that should have been there was removed. */
		v->bad_seq = e->seq != v->expect_seq ? v->expect_seq : e->seq;
		return 1;
	}
	memcpy(v->prev, e->hash, SK_HASH_LEN);
	v->expect_seq++;
	return 0;
}

int
sk_audit_verify(sk_ctx *ctx, int64_t *count, int64_t *bad_seq)
{
	struct verify_state v;
	int r;

	memset(&v, 0, sizeof(v));
	v.ctx = ctx;
	v.expect_seq = 1;
	r = ST(ctx)->audit_list(ctx->store, 0, verify_one, &v);
	if (count != NULL)
		*count = v.expect_seq - 1;
	if (bad_seq != NULL)
		*bad_seq = v.bad_seq;
	if (r == 1)
		return SK_ERR_TAMPERED;
	return r < 0 ? r : SK_OK;
}

struct list_state {
	int64_t since;
	sk_audit_cb cb;
	void *arg;
};

static int
list_one(void *arg, const sk_audit_event *e)
{
	struct list_state *l = arg;

	if (e->ts < l->since)
		return 0;
	return l->cb(l->arg, e);
}

int
sk_audit_list(sk_ctx *ctx, int64_t since, sk_audit_cb cb, void *arg)
{
	struct list_state l = {since, cb, arg};

	return ST(ctx)->audit_list(ctx->store, 0, list_one, &l);
}

/* Appends s as a JSON string literal. Returns 0, or -1 when out of room. */
static int
json_str(char *buf, size_t size, size_t *pos, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t p = *pos;

#define PUT(c)                          \
	do {                            \
		if (p + 1 >= size)      \
			return -1;      \
		buf[p++] = (char)(c);   \
	} while (0)
	PUT('"');
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		if (*c == '"' || *c == '\\') {
			PUT('\\');
			PUT(*c);
		} else if (*c < 0x20 || *c == 0x7f) {
			PUT('\\');
			PUT('u');
			PUT('0');
			PUT('0');
			PUT(hex[*c >> 4]);
			PUT(hex[*c & 15]);
		} else {
			PUT(*c);
		}
	}
	PUT('"');
#undef PUT
	buf[p] = '\0';
	*pos = p;
	return 0;
}

static int
json_raw(char *buf, size_t size, size_t *pos, const char *s)
{
	size_t n = strlen(s);

	if (*pos + n + 1 > size)
		return -1;
	memcpy(buf + *pos, s, n + 1);
	*pos += n;
	return 0;
}

int
sk_audit_json(const sk_audit_event *e, char *buf, size_t size)
{
	char tmp[96], hash[SK_HASH_LEN * 2 + 1];
	struct tm tm;
	time_t t = (time_t)e->ts;
	size_t pos = 0;

	if (size == 0)
		return SK_ERR_TOOLONG;
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	sodium_bin2hex(hash, sizeof(hash), e->hash, SK_HASH_LEN);
	snprintf(tmp, sizeof(tmp), "{\"seq\":%" PRId64 ",\"time\":", e->seq);
	if (json_raw(buf, size, &pos, tmp) != 0)
		return SK_ERR_TOOLONG;
	strftime(tmp, sizeof(tmp), "\"%Y-%m-%dT%H:%M:%SZ\"", &tm);
	if (json_raw(buf, size, &pos, tmp) != 0)
		return SK_ERR_TOOLONG;
	snprintf(tmp, sizeof(tmp), ",\"ts\":%" PRId64, e->ts);
	if (json_raw(buf, size, &pos, tmp) != 0 ||
	    json_raw(buf, size, &pos, ",\"actor\":") != 0 ||
	    json_str(buf, size, &pos, e->actor) != 0 ||
	    json_raw(buf, size, &pos, ",\"action\":") != 0 ||
	    json_str(buf, size, &pos, e->action) != 0 ||
	    json_raw(buf, size, &pos, ",\"target\":") != 0 ||
	    json_str(buf, size, &pos, e->target) != 0 ||
	    json_raw(buf, size, &pos, ",\"addr\":") != 0 ||
	    json_str(buf, size, &pos, e->addr) != 0 ||
	    json_raw(buf, size, &pos, ",\"result\":") != 0 ||
	    json_str(buf, size, &pos, e->result) != 0 ||
	    json_raw(buf, size, &pos, ",\"detail\":") != 0 ||
	    json_str(buf, size, &pos, e->detail) != 0 ||
	    json_raw(buf, size, &pos, ",\"hash\":\"") != 0 ||
	    json_raw(buf, size, &pos, hash) != 0 || json_raw(buf, size, &pos, "\"}") != 0)
		return SK_ERR_TOOLONG;
	return (int)pos;
}
