/*
 * sekisho/access.h - who may reach which web application behind the
 * forward-auth endpoint (B10, B11, C1, C5, C7; DESIGN 8).
 *
 * Rules are read from the configuration in file order and the first rule
 * whose hosts and paths match a request decides:
 *
 *   [rule wiki]
 *   host = wiki.example.com, *.wiki.example.com
 *   path = /settings, /admin*      ; a trailing star makes a prefix
 *   policy = two_factor            ; bypass | one_factor | two_factor | deny
 *   users = alice, bob             ; optional: only these accounts ...
 *   roles = admin                  ; ... or accounts with these roles
 *   networks = 10.0.0.0/8, ::1     ; optional: only from these networks
 *   mfa_within = 15m               ; optional: second factor this recent (step-up)
 *
 * A request no rule matches gets [forward_auth] default_policy (deny unless
 * set).  Host patterns are exact names or "*.domain" (any subdomain, not the
 * domain itself), compared without case and without the port.  Path
 * patterns are exact ("/settings"), a prefix ending in a star, or a star
 * alone.  Everything here is plain computation: no store, no allocation,
 * so the server can decide on its event loop.
 */
#ifndef SEKISHO_ACCESS_H
#define SEKISHO_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#include "sekisho/store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SK_ACCESS_RULES_MAX 64
#define SK_ACCESS_ITEMS_MAX 8     /* hosts, paths, users, networks per rule */
#define SK_ACCESS_PATTERN_MAX 128
#define SK_ACCESS_DOMAINS_MAX 8
#define SK_ACCESS_PATH_MAX 4096

typedef enum sk_access_policy {
	SK_POLICY_DENY = 0,
	SK_POLICY_BYPASS = 1,
	SK_POLICY_ONE_FACTOR = 2,
	SK_POLICY_TWO_FACTOR = 3
} sk_access_policy;

/* An IPv4 or IPv6 network; IPv4 is kept as an IPv4-mapped IPv6 address. */
typedef struct sk_cidr {
	uint8_t addr[16];
	uint8_t bits;             /* prefix length over the 128-bit form */
} sk_cidr;

typedef struct sk_access_rule {
	char name[32];
	char hosts[SK_ACCESS_ITEMS_MAX][SK_ACCESS_PATTERN_MAX];
	unsigned nhosts;          /* 0: any host */
	char paths[SK_ACCESS_ITEMS_MAX][SK_ACCESS_PATTERN_MAX];
	unsigned npaths;          /* 0: any path */
	sk_access_policy policy;
	int policy_set;
	char users[SK_ACCESS_ITEMS_MAX][SK_NAME_MAX + 1];
	unsigned nusers;
	unsigned roles;           /* bit (1 << sk_role) per allowed role; 0 with no users: anyone */
	sk_cidr networks[SK_ACCESS_ITEMS_MAX];
	unsigned nnetworks;       /* 0: any source */
	unsigned mfa_within;      /* seconds; 0: any second factor of the session */
} sk_access_rule;

typedef struct sk_access_rules {
	sk_access_rule rule[SK_ACCESS_RULES_MAX];
	unsigned n;
	sk_access_policy default_policy;
} sk_access_rules;

/* The request as the reverse proxy reported it. */
typedef struct sk_access_request {
	const char *host;         /* may carry ":port" */
	const char *path;         /* without the query */
	const char *addr;         /* client address ("" unknown) */
} sk_access_request;

/* Who is asking: a signed-in session or nobody. */
typedef struct sk_access_subject {
	int signed_in;
	const char *user;
	sk_role role;             /* effective role (temporary grants included) */
	int64_t mfa_at;           /* last second-factor check of the session, 0 = none */
	int64_t now;
} sk_access_subject;

typedef enum sk_access_result {
	SK_ACCESS_ALLOW = 0,
	SK_ACCESS_LOGIN = 1,      /* sign in first (401, to the portal) */
	SK_ACCESS_STEP_UP = 2,    /* signed in, but a (fresh) second factor is needed */
	SK_ACCESS_FORBIDDEN = 3   /* 403: no sign-in can change this answer */
} sk_access_result;

/* Empty rule set with default_policy deny. */
void sk_access_rules_init(sk_access_rules *rs);

/*
 * One key (field) of section "rule NAME" (rule given as NAME).  Rules are created in
 * the order their first key arrives.  Returns SK_OK, or SK_ERR_INVALID with
 * a message naming the key and the problem in err.
 */
int sk_access_rule_set(sk_access_rules *rs, const char *rule, const char *field,
		       const char *value, char *err, size_t err_size);

/* Checks the rules once all keys are read (every rule has a policy, ...). */
int sk_access_rules_check(const sk_access_rules *rs, char *err, size_t err_size);

/*
 * "90", "90s", "15m", "8h", "1d" -> seconds, at most 30 days; 0, or -1 for
 * anything else (no sign, no blanks, one unit).  Shared by the rules and
 * sekisho-watch's settings.
 */
int sk_duration_parse(const char *s, unsigned *out);

/* "deny", "bypass", "one_factor", "two_factor" -> policy; -1 when unknown. */
int sk_access_policy_parse(const char *s);
const char *sk_access_policy_name(sk_access_policy p);

/*
 * Decides a request.  *rule_index is the deciding rule, or -1 for the
 * default policy.  The host and path are normalised first (see
 * sk_access_normalize_path), so rules meet the path the application will
 * serve; a path that cannot be normalised is FORBIDDEN.
 */
sk_access_result sk_access_decide(const sk_access_rules *rs, const sk_access_request *req,
				  const sk_access_subject *who, int *rule_index);

/*
 * The path an application serves for a raw request path: %XX decoded once,
 * backslashes as slashes, repeated slashes collapsed, "." and ".." segments
 * resolved (never above the root).  SK_ERR_INVALID for control bytes (also
 * encoded ones) or a path not starting with '/', SK_ERR_TOOLONG when out is
 * too small.
 */
int sk_access_normalize_path(const char *in, char *out, size_t size);

/* "10.0.0.0/8", "192.0.2.7", "2001:db8::/32" -> net. SK_ERR_INVALID otherwise. */
int sk_cidr_parse(const char *s, sk_cidr *net);

/*
 * 1 when addr reaches only this machine: "localhost", 127.0.0.0/8 (also
 * IPv4-mapped), ::1, or "[::1]" as a URL writes it.  0 for anything else,
 * host names included (they may resolve anywhere).
 */
int sk_addr_loopback(const char *addr);

/* 1 when the textual address addr lies in net. */
int sk_cidr_match(const sk_cidr *net, const char *addr);

/* Parses a comma-separated list of networks into nets (at most max). */
int sk_cidr_list_parse(const char *s, sk_cidr *nets, unsigned max, unsigned *n);

/* 1 when host (port ignored) is domain or one of its subdomains. */
int sk_host_in_domain(const char *host, size_t host_len, const char *domain);

/*
 * Where to go after sign-in.  Accepts a local path ("/account", not "//x"
 * nor "/\x") or an absolute http(s) URL whose host is one of domains or a
 * subdomain of one (no user-info, no control characters or spaces).
 * Anything else is refused, so the portal can never be an open redirect.
 * Returns 1 when rd may be used.
 */
int sk_redirect_allowed(const char *rd, const char (*domains)[256], unsigned ndomains);

#ifdef __cplusplus
}
#endif
#endif
