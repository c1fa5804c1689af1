/* lib/access.c - forward-auth access rules, networks and redirect targets. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "sekisho/access.h"

#include <stdarg.h>

static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	if (err != NULL && err_size > 0) {
		va_start(ap, fmt);
		vsnprintf(err, err_size, fmt, ap);
		va_end(ap);
	}
	return SK_ERR_INVALID;
}

void
sk_access_rules_init(sk_access_rules *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->default_policy = SK_POLICY_DENY;
}

int
sk_access_policy_parse(const char *s)
{
	static const char *const names[] = {"deny", "bypass", "one_factor", "two_factor"};

	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

const char *
sk_access_policy_name(sk_access_policy p)
{
	switch (p) {
	case SK_POLICY_BYPASS: return "bypass";
	case SK_POLICY_ONE_FACTOR: return "one_factor";
	case SK_POLICY_TWO_FACTOR: return "two_factor";
	default: return "deny";
	}
}

/* ---- networks ---------------------------------------------------------- */

static int
addr_parse(const char *s, uint8_t out[16], unsigned *family_bits)
{
	uint8_t v4[4];

	if (inet_pton(AF_INET, s, v4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, v4, 4);
		*family_bits = 32;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out) == 1) {
		*family_bits = 128;
		return 0;
	}
	return -1;
}

int
sk_cidr_parse(const char *s, sk_cidr *net)
{
	char host[64];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	unsigned max, bits;

	if (len == 0 || len >= sizeof(host))
		return SK_ERR_INVALID;
	memcpy(host, s, len);
	host[len] = '\0';
	if (addr_parse(host, net->addr, &max) != 0)
		return SK_ERR_INVALID;
	bits = max;
	if (slash != NULL) {
		const char *p = slash + 1;
		if (*p == '\0' || strlen(p) > 3)
			return SK_ERR_INVALID;
		bits = 0;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return SK_ERR_INVALID;
			bits = bits * 10 + (unsigned)(*p - '0');
		}
		if (bits > max)
			return SK_ERR_INVALID;
	}
	net->bits = (uint8_t)(bits + (128 - max));
	/* Host bits must be zero: "10.1.2.3/8" is a typo more often than not. */
	for (unsigned i = net->bits; i < 128; i++)
		if (net->addr[i / 8] & (0x80 >> (i % 8)))
			return SK_ERR_INVALID;
	return SK_OK;
}

int
sk_addr_loopback(const char *addr)
{
	static const uint8_t one6[16] = {[15] = 1};
	char host[64];
	uint8_t a[16];
	unsigned fb;
	size_t n;

	if (addr == NULL)
		return 0;
	if (strcasecmp(addr, "localhost") == 0)
		return 1;
	n = strlen(addr);
	if (n >= 2 && addr[0] == '[' && addr[n - 1] == ']') { /* a URL's "[::1]" */
		addr++;
		n -= 2;
	}
	if (n >= sizeof(host))
		return 0;
	memcpy(host, addr, n);
	host[n] = '\0';
	if (addr_parse(host, a, &fb) != 0)
		return 0;
	/* IPv4 (and IPv4-mapped) 127.0.0.0/8, or ::1; addresses are not secret:
	 * a plain loop (the core library has no memcmp) */
	unsigned zero10 = 1, is_one6 = 1;
	for (unsigned i = 0; i < 16; i++) {
		zero10 &= i >= 10 || a[i] == 0;
		is_one6 &= a[i] == one6[i];
	}
	return (zero10 && a[10] == 0xff && a[11] == 0xff && a[12] == 127) || is_one6;
}

int
sk_cidr_match(const sk_cidr *net, const char *addr)
{
	uint8_t a[16];
	unsigned fb, full = net->bits / 8, rest = net->bits % 8;

	if (addr == NULL || addr_parse(addr, a, &fb) != 0)
		return 0;
	for (unsigned i = 0; i < full; i++) /* addresses are not secret: a plain loop */
		if (a[i] != net->addr[i])
			return 0;
	if (rest == 0)
		return 1;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (net->addr[full] & mask);
}

/* Calls item(arg, text) for each comma-separated, trimmed, non-empty item. */
static int
each_item(const char *list, int (*item)(void *arg, const char *s), void *arg)
{
	char buf[SK_ACCESS_PATTERN_MAX];
	const char *p = list;
	int r;

	while (*p) {
		const char *end = strchr(p, ',');
		const char *a = p, *b = end ? end : p + strlen(p);
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (b == a || (size_t)(b - a) >= sizeof(buf))
			return SK_ERR_INVALID;
		memcpy(buf, a, (size_t)(b - a));
		buf[b - a] = '\0';
		if ((r = item(arg, buf)) != SK_OK)
			return r;
		if (end == NULL)
			break;
		p = end + 1;
	}
	return SK_OK;
}

struct net_list {
	sk_cidr *nets;
	unsigned max, *n;
};

static int
net_item(void *arg, const char *s)
{
	struct net_list *l = arg;

	if (*l->n >= l->max)
		return SK_ERR_TOOLONG;
	if (sk_cidr_parse(s, &l->nets[*l->n]) != SK_OK)
		return SK_ERR_INVALID;
	(*l->n)++;
	return SK_OK;
}

int
sk_cidr_list_parse(const char *s, sk_cidr *nets, unsigned max, unsigned *n)
{
	struct net_list l = {nets, max, n};

	*n = 0;
	return each_item(s, net_item, &l);
}

/* ---- hosts and paths --------------------------------------------------- */

/* Length of host without its ":port" (IPv6 literals in brackets kept). */
static size_t
host_len(const char *host, size_t len)
{
	if (len > 0 && host[0] == '[') {
		const char *close = memchr(host, ']', len);
		return close ? (size_t)(close - host) + 1 : len;
	}
	const char *colon = memchr(host, ':', len);
	return colon ? (size_t)(colon - host) : len;
}

int
sk_host_in_domain(const char *host, size_t len, const char *domain)
{
	size_t dl = strlen(domain);

	len = host_len(host, len);
	if (len > 0 && host[len - 1] == '.') /* "example.com." */
		len--;
	if (dl == 0 || len < dl || strncasecmp(host + len - dl, domain, dl) != 0)
		return 0;
	return len == dl || host[len - dl - 1] == '.';
}

static int
host_match(const char *pattern, const char *host)
{
	size_t len = host_len(host, strlen(host));

	if (pattern[0] == '*' && pattern[1] == '.') {
		size_t dl = strlen(pattern + 2);
		/* a subdomain only: longer than the domain, and a dot before it */
		return len > dl + 1 && sk_host_in_domain(host, len, pattern + 2);
	}
	return strlen(pattern) == len && strncasecmp(pattern, host, len) == 0;
}

static int
path_match(const char *pattern, const char *path)
{
	size_t pl = strlen(pattern);

	if (pl > 0 && pattern[pl - 1] == '*')
		return strncmp(pattern, path, pl - 1) == 0;
	return strcmp(pattern, path) == 0;
}

/* ---- rules ------------------------------------------------------------- */

static sk_access_rule *
rule_get(sk_access_rules *rs, const char *name)
{
	for (unsigned i = 0; i < rs->n; i++)
		if (strcmp(rs->rule[i].name, name) == 0)
			return &rs->rule[i];
	if (rs->n >= SK_ACCESS_RULES_MAX || strlen(name) >= sizeof(rs->rule[0].name))
		return NULL;
	sk_access_rule *r = &rs->rule[rs->n++];
	memset(r, 0, sizeof(*r));
	memcpy(r->name, name, strlen(name) + 1);
	return r;
}

struct pattern_list {
	char (*items)[SK_ACCESS_PATTERN_MAX];
	unsigned *n;
	int kind; /* 'h' host, 'p' path */
};

static int
pattern_item(void *arg, const char *s)
{
	struct pattern_list *l = arg;

	if (*l->n >= SK_ACCESS_ITEMS_MAX)
		return SK_ERR_TOOLONG;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return SK_ERR_INVALID;
	if (l->kind == 'p' && s[0] != '/' && strcmp(s, "*") != 0)
		return SK_ERR_INVALID;
	if (l->kind == 'h' && (strchr(s, '*') != NULL && (s[0] != '*' || s[1] != '.' ||
							   strchr(s + 1, '*') != NULL)))
		return SK_ERR_INVALID;
	if (l->kind == 'p' && strchr(s, '*') != NULL && strchr(s, '*') != s + strlen(s) - 1)
		return SK_ERR_INVALID;
	memcpy(l->items[(*l->n)++], s, strlen(s) + 1);
	return SK_OK;
}

struct user_list {
	sk_access_rule *r;
};

static int
user_item(void *arg, const char *s)
{
	sk_access_rule *r = ((struct user_list *)arg)->r;

	if (r->nusers >= SK_ACCESS_ITEMS_MAX)
		return SK_ERR_TOOLONG;
	if (strlen(s) > SK_NAME_MAX)
		return SK_ERR_INVALID;
	memcpy(r->users[r->nusers++], s, strlen(s) + 1);
	return SK_OK;
}

static int
role_item(void *arg, const char *s)
{
	sk_access_rule *r = ((struct user_list *)arg)->r;

	if (strcmp(s, "user") == 0)
		r->roles |= 1u << SK_ROLE_USER;
	else if (strcmp(s, "auditor") == 0)
		r->roles |= 1u << SK_ROLE_AUDITOR;
	else if (strcmp(s, "admin") == 0)
		r->roles |= 1u << SK_ROLE_ADMIN;
	else
		return SK_ERR_INVALID;
	return SK_OK;
}

int
sk_duration_parse(const char *s, unsigned *out)
{
	unsigned long v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++)
		if ((v = v * 10 + (unsigned long)(*p - '0')) > 30ul * 86400)
			return -1;
	if (*p == 'm')
		v *= 60;
	else if (*p == 'h')
		v *= 3600;
	else if (*p == 'd')
		v *= 86400;
	else if (*p != 's' && *p != '\0')
		return -1;
	if (*p != '\0' && p[1] != '\0')
		return -1;
	if (v > 30ul * 86400)
		return -1;
	*out = (unsigned)v;
	return 0;
}

int
sk_access_rule_set(sk_access_rules *rs, const char *rule, const char *field, const char *value,
		   char *err, size_t err_size)
{
	sk_access_rule *r;
	int rc;

	if (rule[0] == '\0')
		return fail(err, err_size, "[rule] needs a name, e.g. [rule wiki]");
	if ((r = rule_get(rs, rule)) == NULL)
		return fail(err, err_size,
			    "[rule %s]: too many rules, or a name longer than 31 bytes", rule);
	if (strcmp(field, "host") == 0) {
		struct pattern_list l = {r->hosts, &r->nhosts, 'h'};
		r->nhosts = 0;
		rc = each_item(value, pattern_item, &l);
		if (rc != SK_OK)
			return fail(err, err_size,
				    "[rule %s] host: '%s' must list at most 8 host names or "
				    "*.domain patterns, separated by commas", rule, value);
	} else if (strcmp(field, "path") == 0) {
		struct pattern_list l = {r->paths, &r->npaths, 'p'};
		r->npaths = 0;
		rc = each_item(value, pattern_item, &l);
		if (rc != SK_OK)
			return fail(err, err_size,
				    "[rule %s] path: '%s' must list at most 8 paths starting "
				    "with '/' (a trailing * for a prefix), or *", rule, value);
	} else if (strcmp(field, "policy") == 0) {
		int p = sk_access_policy_parse(value);
		if (p < 0)
			return fail(err, err_size,
				    "[rule %s] policy: '%s' is not one of bypass, one_factor, "
				    "two_factor, deny", rule, value);
		r->policy = (sk_access_policy)p;
		r->policy_set = 1;
	} else if (strcmp(field, "users") == 0) {
		struct user_list l = {r};
		r->nusers = 0;
		if (each_item(value, user_item, &l) != SK_OK)
			return fail(err, err_size,
				    "[rule %s] users: '%s' must list at most 8 account names",
				    rule, value);
	} else if (strcmp(field, "roles") == 0) {
		struct user_list l = {r};
		r->roles = 0;
		if (each_item(value, role_item, &l) != SK_OK)
			return fail(err, err_size,
				    "[rule %s] roles: '%s' must list user, auditor or admin",
				    rule, value);
	} else if (strcmp(field, "networks") == 0) {
		if (sk_cidr_list_parse(value, r->networks, SK_ACCESS_ITEMS_MAX, &r->nnetworks) !=
		    SK_OK)
			return fail(err, err_size,
				    "[rule %s] networks: '%s' must list at most 8 addresses or "
				    "networks such as 10.0.0.0/8 or 2001:db8::/32 (host bits zero)",
				    rule, value);
	} else if (strcmp(field, "mfa_within") == 0) {
		if (sk_duration_parse(value, &r->mfa_within) != 0)
			return fail(err, err_size,
				    "[rule %s] mfa_within: '%s' must be a duration such as 15m "
				    "(at most 30d)", rule, value);
	} else {
		return fail(err, err_size,
			    "[rule %s]: unknown key '%s' (host, path, policy, users, roles, "
			    "networks, mfa_within)", rule, field);
	}
	return SK_OK;
}

int
sk_access_rules_check(const sk_access_rules *rs, char *err, size_t err_size)
{
	for (unsigned i = 0; i < rs->n; i++) {
		const sk_access_rule *r = &rs->rule[i];
		if (!r->policy_set)
			return fail(err, err_size,
				    "[rule %s] has no policy (bypass, one_factor, two_factor or "
				    "deny)", r->name);
		if ((r->nusers || r->roles) &&
		    (r->policy == SK_POLICY_BYPASS || r->policy == SK_POLICY_DENY))
			return fail(err, err_size,
				    "[rule %s]: users and roles need policy one_factor or "
				    "two_factor (policy %s asks nobody to sign in)", r->name,
				    sk_access_policy_name(r->policy));
		if (r->mfa_within && r->policy != SK_POLICY_TWO_FACTOR)
			return fail(err, err_size,
				    "[rule %s]: mfa_within needs policy two_factor", r->name);
	}
	return SK_OK;
}

/* ---- normalisation ------------------------------------------------------ */

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
sk_access_normalize_path(const char *in, char *out, size_t size)
{
	size_t o = 0, n = strlen(in);

	if (size < 2)
		return SK_ERR_TOOLONG;
	/* 1. Percent-decode everything, once; a backslash is a slash (IIS and
	 *    others treat it so); a NUL or a control byte is refused. */
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)in[i];
		if (c == '%' && i + 2 < n && hexval(in[i + 1]) >= 0 && hexval(in[i + 2]) >= 0) {
			c = hexval(in[i + 1]) * 16 + hexval(in[i + 2]);
			i += 2;
		}
		if (c < 0x20 || c == 0x7f)
			return SK_ERR_INVALID;
		if (c == '\\')
			c = '/';
		if (o + 1 >= size)
			return SK_ERR_TOOLONG;
		out[o++] = (char)c;
	}
	out[o] = '\0';
	if (out[0] != '/')
		return SK_ERR_INVALID;
	/* 2. Repeated slashes collapse; "." and ".." segments resolve (RFC 3986
	 *    5.2.4); ".." above the root stays at the root. */
	size_t w = 0;
	for (size_t r = 0; r < o;) {
		/* out[r] == '/' here: one segment is out[r+1 .. next slash) */
		size_t e = r + 1;
		while (e < o && out[e] != '/')
			e++;
		size_t len = e - r - 1;
		if (len == 0 || (len == 1 && out[r + 1] == '.')) {
			/* empty or "." : drop, but keep a trailing slash */
			if (e >= o)
				out[w++] = '/';
		} else if (len == 2 && out[r + 1] == '.' && out[r + 2] == '.') {
			while (w > 0 && out[--w] != '/')
				;
			if (e >= o)
				out[w++] = '/';
		} else {
			out[w++] = '/';
			memmove(out + w, out + r + 1, len);
			w += len;
		}
		r = e;
	}
	if (w == 0)
		out[w++] = '/';
	out[w] = '\0';
	return SK_OK;
}

/* Host as matched: lower case, without port or trailing dot. */
static int
normalize_host(const char *in, char *out, size_t size)
{
	size_t n = host_len(in, strlen(in));

	if (n > 0 && in[n - 1] == '.')
		n--;
	if (n >= size)
		return SK_ERR_TOOLONG;
	for (size_t i = 0; i < n; i++)
		out[i] = (in[i] >= 'A' && in[i] <= 'Z') ? (char)(in[i] + 32) : in[i];
	out[n] = '\0';
	return SK_OK;
}

/* ---- decisions --------------------------------------------------------- */

static int
rule_matches(const sk_access_rule *r, const sk_access_request *req)
{
	int ok = r->nhosts == 0;

	for (unsigned i = 0; !ok && i < r->nhosts; i++)
		ok = host_match(r->hosts[i], req->host ? req->host : "");
	if (!ok)
		return 0;
	ok = r->npaths == 0;
	for (unsigned i = 0; !ok && i < r->npaths; i++)
		ok = strcmp(r->paths[i], "*") == 0 || path_match(r->paths[i], req->path ? req->path : "");
	return ok;
}

static int
subject_allowed(const sk_access_rule *r, const sk_access_subject *who)
{
	if (r->nusers == 0 && r->roles == 0)
		return 1;
	for (unsigned i = 0; i < r->nusers; i++)
		if (strcasecmp(r->users[i], who->user) == 0)
			return 1;
	return (r->roles & (1u << who->role)) != 0;
}

sk_access_result
sk_access_decide(const sk_access_rules *rs, const sk_access_request *in,
		 const sk_access_subject *who, int *rule_index)
{
	const sk_access_rule *r = NULL;
	sk_access_policy policy = rs->default_policy;
	char host[256], path[SK_ACCESS_PATH_MAX];
	sk_access_request norm = *in, *req = &norm;

	*rule_index = -1;
	/*
	 * Match what the application will serve, not the bytes asked for:
	 * "/public/../admin", "/%61dmin", "//admin" and "ADMIN.example.com."
	 * must meet the rules of /admin on admin.example.com.  A path that
	 * cannot be normalised (control bytes, too long) is refused.
	 */
	if (normalize_host(in->host ? in->host : "", host, sizeof(host)) != SK_OK ||
	    sk_access_normalize_path(in->path ? in->path : "/", path, sizeof(path)) != SK_OK)
		return SK_ACCESS_FORBIDDEN;
	norm.host = host;
	norm.path = path;
	for (unsigned i = 0; i < rs->n; i++)
		if (rule_matches(&rs->rule[i], req)) {
			r = &rs->rule[i];
			*rule_index = (int)i;
			policy = r->policy;
			break;
		}
	if (policy == SK_POLICY_DENY)
		return SK_ACCESS_FORBIDDEN;
	if (r != NULL && r->nnetworks > 0) {
		int inside = 0;
		for (unsigned i = 0; !inside && i < r->nnetworks; i++)
			inside = sk_cidr_match(&r->networks[i], req->addr);
		if (!inside)
			return SK_ACCESS_FORBIDDEN;
	}
	if (policy == SK_POLICY_BYPASS)
		return SK_ACCESS_ALLOW;
	if (!who->signed_in || who->user == NULL)
		return SK_ACCESS_LOGIN;
	if (r != NULL && !subject_allowed(r, who))
		return SK_ACCESS_FORBIDDEN;
	if (policy == SK_POLICY_TWO_FACTOR) {
		if (who->mfa_at == 0)
			return SK_ACCESS_STEP_UP;
		if (r != NULL && r->mfa_within != 0 &&
		    (who->now - who->mfa_at > (int64_t)r->mfa_within || who->now < who->mfa_at))
			return SK_ACCESS_STEP_UP;
	}
	return SK_ACCESS_ALLOW;
}

/* ---- redirect targets -------------------------------------------------- */

int
sk_redirect_allowed(const char *rd, const char (*domains)[256], unsigned ndomains)
{
	const char *p, *host, *end;
	size_t len;

	if (rd == NULL || rd[0] == '\0' || strlen(rd) > 2048)
		return 0;
	for (p = rd; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f || *p == '\\')
			return 0;
	if (rd[0] == '/')
		return rd[1] != '/'; /* "//evil.example" is another host */
	if (strncasecmp(rd, "https://", 8) == 0)
		host = rd + 8;
	else if (strncasecmp(rd, "http://", 7) == 0)
		host = rd + 7;
	else
		return 0;
	end = host + strcspn(host, "/?#");
	len = (size_t)(end - host);
	if (len == 0)
		return 0;
	/* Letters, digits, dots, hyphens, a port, a bracketed IPv6 literal; no
	 * user-info ("a.example.com@evil") and no percent-encoding, which
	 * browsers decode into another host. */
	for (p = host; p < end; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == ':' ||
		      *p == '[' || *p == ']'))
			return 0;
	for (unsigned i = 0; i < ndomains; i++)
		if (domains[i][0] != '\0' && sk_host_in_domain(host, len, domains[i]))
			return 1;
	return 0;
}
