/*
 * lib/host/config_file.c - loads sk_config from an INI file with libinih
 * (DESIGN.md decision 10).  Every key is documented in docs/configuration.md.
 *
 * The text is parsed twice: pass 1 reads only [password] policy, because a
 * preset re-initialises the whole policy and must not undo a min_length that
 * appears earlier in the file; pass 2 reads everything else.
 *
 * libinih is fed through our own line reader, which
 *   - counts lines, so that every message carries the line it is about
 *     (Debian builds inih without INI_HANDLER_LINENO);
 *   - rejects lines that do not fit inih's fixed line buffer (INI_MAX_LINE),
 *     which inih would otherwise split silently into two lines;
 *   - strips leading white space, so an indented key is an ordinary key and
 *     never a multi-line continuation of the previous value.
 * The file is loaded into a copy of the configuration; *cfg changes only
 * when the whole file is valid and sk_config_check() accepts the result.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "sekisho/config.h"
#include "sekisho/error.h"
#include "sekisho/otp.h"
#include "sekisho/policy.h"

/* Longest line inih can hold: its buffer also needs "\r\n" and the NUL. */
#define LINE_CHARS_MAX (INI_MAX_LINE - 3)
#define FILE_BYTES_MAX ((size_t)1024 * 1024)
#define MSG_MAX 512
#define VALUE_SHOWN 64   /* characters of a bad value quoted back in messages */

enum kind {
	K_STRING,    /* char array, error when too long */
	K_UINT,      /* unsigned */
	K_DURATION,  /* unsigned seconds, s/m/h/d suffix */
	K_PASSES,    /* unsigned long long */
	K_MEMORY,    /* size_t bytes, KiB/MiB/GiB suffix */
	K_STRENGTH,  /* double, log10 of guesses */
	K_MFA,       /* sk_mfa_required */
	K_ALG,       /* sk_otp_alg */
	K_ACTIONS,   /* SK_APPROVE_* bit set */
	K_POLICY     /* sk_policy_preset: pass 1 only */
};

struct key {
	const char *section;
	const char *name;
	enum kind kind;
	size_t off;
	size_t size;
};

#define FIELD(f) offsetof(sk_config, f), sizeof(((sk_config *)0)->f)

static const struct key keys[] = {
	{ "storage", "database", K_STRING, FIELD(db_path) },
	{ "storage", "key_file", K_STRING, FIELD(key_path) },
	{ "storage", "audit_log", K_STRING, FIELD(audit_log_path) },

	{ "password", "policy", K_POLICY, FIELD(policy.preset) },
	{ "password", "min_length", K_UINT, FIELD(policy.min_length) },
	{ "password", "min_strength", K_STRENGTH, FIELD(policy.min_guesses_log10) },
	{ "password", "argon2_passes", K_PASSES, FIELD(hash_opslimit) },
	{ "password", "argon2_memory", K_MEMORY, FIELD(hash_memlimit) },
	{ "password", "initial_password_length", K_UINT, FIELD(initial_password_length) },

	{ "mfa", "required", K_MFA, FIELD(mfa_required) },
	{ "mfa", "enroll_codes", K_UINT, FIELD(enroll_codes) },
	{ "mfa", "algorithm", K_ALG, FIELD(otp.alg) },
	{ "mfa", "digits", K_UINT, FIELD(otp.digits) },
	{ "mfa", "period", K_DURATION, FIELD(otp.period) },
	{ "mfa", "window", K_UINT, FIELD(otp.window) },
	{ "mfa", "issuer", K_STRING, FIELD(issuer) },
	{ "mfa", "recovery_codes", K_UINT, FIELD(recovery_codes) },
	{ "mfa", "signin_timeout", K_DURATION, FIELD(signin_timeout) },

	{ "lockout", "address_threshold", K_UINT, FIELD(per_address.threshold) },
	{ "lockout", "address_lock", K_DURATION, FIELD(per_address.base_seconds) },
	{ "lockout", "address_lock_max", K_DURATION, FIELD(per_address.max_seconds) },
	{ "lockout", "account_threshold", K_UINT, FIELD(per_account.threshold) },
	{ "lockout", "account_lock", K_DURATION, FIELD(per_account.base_seconds) },
	{ "lockout", "account_lock_max", K_DURATION, FIELD(per_account.max_seconds) },
	{ "lockout", "source_threshold", K_UINT, FIELD(per_source.threshold) },
	{ "lockout", "source_lock", K_DURATION, FIELD(per_source.base_seconds) },
	{ "lockout", "source_lock_max", K_DURATION, FIELD(per_source.max_seconds) },
	{ "lockout", "source_window", K_DURATION, FIELD(source_window) },
	{ "lockout", "hard_limit", K_UINT, FIELD(hard_limit) },

	{ "approval", "actions", K_ACTIONS, FIELD(approval_actions) },
	{ "approval", "ttl", K_DURATION, FIELD(approval_ttl) },

	{ "session", "idle_timeout", K_DURATION, FIELD(session_idle) },
	{ "session", "lifetime", K_DURATION, FIELD(session_lifetime) },

	{ "inventory", "stale_days", K_UINT, FIELD(stale_days) },
};
#define N_KEYS (sizeof(keys) / sizeof(keys[0]))

struct loader {
	sk_config *cfg;          /* the working copy */
	const char *name;        /* file name for messages */
	int pass;                /* 1: [password] policy only; 2: the rest */
	sk_config_extra_fn fn;
	void *arg;
	const char *text;        /* whole text, NUL-free */
	size_t len, pos;
	int line;                /* line the handler is looking at */
	int err_line;            /* line of the first error, 0 = none */
	char msg[MSG_MAX];       /* first error, without "FILE:LINE: " */
};

static int
fail(struct loader *ld, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Records the first error at the current line; returns 0 (inih's "error"). */
static int
fail(struct loader *ld, const char *fmt, ...)
{
	va_list ap;

	if (ld->err_line != 0)
		return 0;
	ld->err_line = ld->line > 0 ? ld->line : 1;
	va_start(ap, fmt);
	vsnprintf(ld->msg, sizeof(ld->msg), fmt, ap);
	va_end(ap);
	return 0;
}

static void
set_err(char *err, size_t err_size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t err_size, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || err_size == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, err_size, fmt, ap);
	va_end(ap);
}

/* ---- values ---------------------------------------------------------- */

/*
 * Strict unsigned decimal at the start of s: at least one digit, no sign, no
 * leading space, no base prefix.  *end points after the digits.  Returns 0,
 * -1 when s does not start with a digit, -2 when the number overflows.
 */
static int
parse_digits(const char *s, const char **end, unsigned long long *out)
{
	char *e = NULL;
	unsigned long long v;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &e, 10);
	if (errno == ERANGE)
		return -2;
	*end = e;
	*out = v;
	return 0;
}

static const char *
skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/* Comparison of a unit name, ASCII case-insensitive when icase. */
static int
unit_eq(const char *a, const char *b, int icase)
{
	if (!icase)
		return strcmp(a, b) == 0;
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
	return *a == *b;
}

/* Plain number: 0, -1 not a number, -2 too large for max. */
static int
parse_number(const char *s, unsigned long long max, unsigned long long *out)
{
	const char *end;
	unsigned long long v;
	int r;

	if ((r = parse_digits(s, &end, &v)) != 0)
		return r;
	if (*end != '\0')
		return -1;
	if (v > max)
		return -2;
	*out = v;
	return 0;
}

/* Number with an optional unit from units[] (multipliers in mult[]). */
static int
parse_with_unit(const char *s, const char *const *units,
		const unsigned long long *mult, size_t n_units, int icase,
		unsigned long long max, unsigned long long *out)
{
	const char *end, *u;
	unsigned long long v, m = 1;
	size_t i;
	int r;

	if ((r = parse_digits(s, &end, &v)) != 0)
		return r;
	u = skip_blank(end);
	if (*u != '\0') {
		for (i = 0; i < n_units; i++)
			if (unit_eq(u, units[i], icase))
				break;
		if (i == n_units)
			return -1;
		m = mult[i];
	} else if (u != end) {
		return -1; /* inih strips trailing blanks, so this cannot happen */
	}
	if (v > max / m)
		return -2;
	*out = v * m;
	return 0;
}

/* Duration units are lower case only: "M" could be read as months. */
static int
parse_duration(const char *s, unsigned long long *out)
{
	static const char *const units[] = { "s", "m", "h", "d" };
	static const unsigned long long mult[] = { 1, 60, 3600, 86400 };

	return parse_with_unit(s, units, mult, 4, 0, UINT_MAX, out);
}

/* Binary units in any case ("19MiB", "19mib"); never the ambiguous MB. */
static int
parse_memory(const char *s, unsigned long long *out)
{
	static const char *const units[] = { "KiB", "MiB", "GiB" };
	static const unsigned long long mult[] = { 1ULL << 10, 1ULL << 20, 1ULL << 30 };

	return parse_with_unit(s, units, mult, 3, 1, SIZE_MAX, out);
}

/* "8" or "8.5": digits, optionally a point and 1 to 9 digits; no locale. */
static int
parse_strength(const char *s, double *out)
{
	const char *end, *frac;
	unsigned long long whole, part;
	double scale = 1.0;
	int r;

	if ((r = parse_digits(s, &end, &whole)) != 0)
		return r;
	if (*end == '\0') {
		*out = (double)whole;
		return 0;
	}
	if (*end != '.')
		return -1;
	frac = end + 1;
	if ((r = parse_digits(frac, &end, &part)) != 0)
		return -1;
	if (*end != '\0' || end - frac > 9)
		return -1;
	for (; frac < end; frac++)
		scale *= 10.0;
	*out = (double)whole + (double)part / scale;
	return 0;
}

static int
parse_mfa(const char *s, sk_mfa_required *out)
{
	if (strcmp(s, "all") == 0)
		*out = SK_MFA_ALL;
	else if (strcmp(s, "admins") == 0)
		*out = SK_MFA_ADMINS;
	else if (strcmp(s, "optional") == 0)
		*out = SK_MFA_OPTIONAL;
	else
		return -1;
	return 0;
}

static const struct {
	const char *name;
	unsigned bit;
} actions[] = {
	{ "grant_admin", SK_APPROVE_GRANT_ADMIN },
	{ "reset_admin_mfa", SK_APPROVE_RESET_ADMIN_MFA },
	{ "reset_admin_password", SK_APPROVE_RESET_ADMIN_PASSWORD },
	{ "unlock_admin", SK_APPROVE_UNLOCK_ADMIN },
};

#define ACTIONS_HELP "all, none, or a comma-separated list of grant_admin, " \
	"reset_admin_mfa, reset_admin_password, unlock_admin"

static int
parse_actions(struct loader *ld, const char *value, unsigned *out)
{
	const char *p = value;
	unsigned bits = 0;
	int items = 0, special = 0;

	if (strcmp(value, "all") == 0) {
		*out = SK_APPROVE_ALL;
		return 1;
	}
	if (strcmp(value, "none") == 0) {
		*out = 0;
		return 1;
	}
	for (;;) {
		const char *start = skip_blank(p), *stop;
		size_t n, i;

		p = strchr(start, ',');
		stop = p != NULL ? p : start + strlen(start);
		while (stop > start && (stop[-1] == ' ' || stop[-1] == '\t'))
			stop--;
		n = (size_t)(stop - start);
		if (n == 0)
			return fail(ld, "[approval] actions has an empty item; use "
				    ACTIONS_HELP);
		for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
			if (strlen(actions[i].name) == n &&
			    memcmp(actions[i].name, start, n) == 0)
				break;
		if (i < sizeof(actions) / sizeof(actions[0])) {
			bits |= actions[i].bit;
		} else if ((n == 3 && memcmp(start, "all", 3) == 0) ||
			   (n == 4 && memcmp(start, "none", 4) == 0)) {
			special = 1;
		} else {
			return fail(ld, "[approval] actions: unknown action '%.*s'; use "
				    ACTIONS_HELP,
				    n > VALUE_SHOWN ? VALUE_SHOWN : (int)n, start);
		}
		items++;
		if (p == NULL)
			break;
		p++;
	}
	if (special && items > 1)
		return fail(ld, "[approval] actions: all and none stand alone, "
			    "not in a list");
	*out = bits;
	return 1;
}

/* ---- the handler ----------------------------------------------------- */

static const struct key *
find_key(const char *section, const char *name, int *section_known)
{
	size_t i;

	*section_known = 0;
	for (i = 0; i < N_KEYS; i++) {
		if (strcmp(keys[i].section, section) != 0)
			continue;
		*section_known = 1;
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	}
	return NULL;
}

/* Copies v (vsize bytes) into the field, whose size must match. */
static int
store(struct loader *ld, const struct key *k, const void *v, size_t vsize)
{
	if (k->size != vsize)
		return fail(ld, "[%s] %s: internal error (field size)", k->section,
			    k->name);
	memcpy((char *)ld->cfg + k->off, v, vsize);
	return 1;
}

static int
bad_number(struct loader *ld, const struct key *k, const char *value, int r,
	   const char *what)
{
	if (r == -2)
		return fail(ld, "[%s] %s: '%.*s' is too large", k->section, k->name,
			    VALUE_SHOWN, value);
	return fail(ld, "[%s] %s must be %s, not '%.*s'", k->section, k->name,
		    what, VALUE_SHOWN, value);
}

static int
apply(struct loader *ld, const struct key *k, const char *value)
{
	unsigned long long n = 0;
	int r;

	switch (k->kind) {
	case K_STRING: {
		size_t len = strlen(value);

		if (len >= k->size)
			return fail(ld, "[%s] %s is longer than %zu bytes", k->section,
				    k->name, k->size - 1);
		memcpy((char *)ld->cfg + k->off, value, len + 1);
		return 1;
	}
	case K_UINT: {
		unsigned u;

		if ((r = parse_number(value, UINT_MAX, &n)) != 0)
			return bad_number(ld, k, value, r,
					  "a whole number (digits only, e.g. 5)");
		u = (unsigned)n;
		return store(ld, k, &u, sizeof(u));
	}
	case K_DURATION: {
		unsigned u;

		if ((r = parse_duration(value, &n)) != 0)
			return bad_number(ld, k, value, r,
					  "a duration: seconds, or a number with "
					  "s, m, h or d (e.g. 15m)");
		u = (unsigned)n;
		return store(ld, k, &u, sizeof(u));
	}
	case K_PASSES: {
		unsigned long long ull;

		if ((r = parse_number(value, ULLONG_MAX, &ull)) != 0)
			return bad_number(ld, k, value, r,
					  "a whole number (digits only, e.g. 2)");
		return store(ld, k, &ull, sizeof(ull));
	}
	case K_MEMORY: {
		size_t sz;

		if ((r = parse_memory(value, &n)) != 0)
			return bad_number(ld, k, value, r,
					  "a size: bytes, or a number with KiB, MiB "
					  "or GiB (e.g. 19MiB)");
		sz = (size_t)n;
		return store(ld, k, &sz, sizeof(sz));
	}
	case K_STRENGTH: {
		double d;

		if ((r = parse_strength(value, &d)) != 0)
			return bad_number(ld, k, value, r,
					  "a number such as 8 or 8.5 (log10 of guesses)");
		return store(ld, k, &d, sizeof(d));
	}
	case K_MFA: {
		sk_mfa_required m;

		if (parse_mfa(value, &m) != 0)
			return fail(ld, "[mfa] required must be all, admins or "
				    "optional, not '%.*s'", VALUE_SHOWN, value);
		return store(ld, k, &m, sizeof(m));
	}
	case K_ALG: {
		sk_otp_alg a;

		if (sk_otp_alg_parse(value, &a) != SK_OK)
			return fail(ld, "[mfa] algorithm must be sha1, sha256 or "
				    "sha512, not '%.*s'", VALUE_SHOWN, value);
		return store(ld, k, &a, sizeof(a));
	}
	case K_ACTIONS: {
		unsigned bits = 0;

		if (parse_actions(ld, value, &bits) == 0)
			return 0;
		return store(ld, k, &bits, sizeof(bits));
	}
	case K_POLICY: {
		sk_policy_preset preset;

		if (sk_policy_preset_parse(value, &preset) != SK_OK ||
		    sk_policy_preset_init(&ld->cfg->policy, preset) != SK_OK)
			return fail(ld, "[password] policy must be aws, strong or "
				    "nist, not '%.*s'", VALUE_SHOWN, value);
		return 1;
	}
	}
	return fail(ld, "[%s] %s: internal error (kind)", k->section, k->name);
}

static int
extra(struct loader *ld, const char *section, const char *name, const char *value)
{
	char msg[MSG_MAX];
	int r;

	if (ld->fn == NULL)
		return fail(ld, "unknown section [%s] (key '%s')", section, name);
	msg[0] = '\0';
	r = ld->fn(ld->arg, section, name, value, msg, sizeof(msg));
	if (r > 0)
		return 1;
	if (r == 0)
		return fail(ld, "unknown key '%s' in section [%s]", name, section);
	msg[sizeof(msg) - 1] = '\0';
	if (msg[0] == '\0')
		return fail(ld, "bad value for key '%s' in section [%s]", name, section);
	return fail(ld, "%s", msg);
}

static int
handler(void *user, const char *section, const char *name, const char *value)
{
	struct loader *ld = user;
	const struct key *k;
	int section_known;

	if (ld->err_line != 0)
		return 1; /* already failed; the reader stops at the next line */
	if (name == NULL || value == NULL)
		return 1; /* section-start callbacks, when inih is built with them */

	k = find_key(section, name, &section_known);
	if (ld->pass == 1)
		return k != NULL && k->kind == K_POLICY ? apply(ld, k, value) : 1;

	if (k != NULL)
		return k->kind == K_POLICY ? 1 : apply(ld, k, value);
	if (section_known)
		return fail(ld, "unknown key '%s' in section [%s]", name, section);
	if (section[0] == '\0')
		return fail(ld, "key '%s' is outside any section; put it under a "
			    "[section] header", name);
	return extra(ld, section, name, value);
}

/* inih's ini_reader: one line of ld->text per call, without leading blanks. */
static char *
read_line(char *str, int num, void *stream)
{
	struct loader *ld = stream;
	const char *p, *nl;
	size_t avail, n;

	if (ld->err_line != 0 || ld->pos >= ld->len)
		return NULL;
	p = ld->text + ld->pos;
	avail = ld->len - ld->pos;
	nl = memchr(p, '\n', avail);
	n = nl != NULL ? (size_t)(nl - p) : avail;
	ld->pos += n + (nl != NULL);
	ld->line++;
	/* Same test as inih's lskip(), so inih never sees a continuation line. */
	while (n > 0 && isspace((unsigned char)*p)) {
		p++;
		n--;
	}
	if (n > LINE_CHARS_MAX || num < 2 || n > (size_t)num - 2) {
		fail(ld, "line is longer than %d characters",
		     num - 2 < LINE_CHARS_MAX ? num - 2 : LINE_CHARS_MAX);
		return NULL;
	}
	memcpy(str, p, n);
	str[n] = '\n';
	str[n + 1] = '\0';
	return str;
}

/* One pass over the text; returns inih's result (first line in error, or 0). */
static int
run_pass(struct loader *ld, int pass)
{
	ld->pass = pass;
	ld->pos = 0;
	ld->line = 0;
	ld->err_line = 0;
	ld->msg[0] = '\0';
	return ini_parse_stream(read_line, ld, handler, ld);
}

/* The smaller positive line number of a and b (0 = none). */
static int
first_line(int a, int b)
{
	if (a <= 0)
		return b > 0 ? b : 0;
	return b > 0 && b < a ? b : a;
}

/* Loads text (len bytes, no NUL inside) over *cfg. */
static int
load_text(sk_config *cfg, const char *text, size_t len, const char *name,
	  sk_config_extra_fn fn, void *arg, char *err, size_t err_size)
{
	struct loader ld;
	sk_config work;
	char msg1[MSG_MAX], check[MSG_MAX];
	int rc1, rc2, line1, syntax, bad, r;

	if (err != NULL && err_size > 0)
		err[0] = '\0';
	memset(&ld, 0, sizeof(ld));
	work = *cfg;
	ld.cfg = &work;
	ld.name = name;
	ld.fn = fn;
	ld.arg = arg;
	ld.text = text;
	ld.len = len;

	rc1 = run_pass(&ld, 1);
	line1 = ld.err_line;
	memcpy(msg1, ld.msg, sizeof(msg1));
	rc2 = rc1 < 0 ? rc1 : run_pass(&ld, 2);
	if (rc1 < 0 || rc2 < 0) {
		r = rc1 == -2 || rc2 == -2 ? SK_ERR_NOMEM : SK_ERR_IO;
		set_err(err, err_size, "%s: %s", name,
			r == SK_ERR_NOMEM ? "out of memory while parsing"
					  : "cannot be parsed");
		return r;
	}

	/*
	 * Report the earliest error in the file.  Each pass stops at its own
	 * first bad value but reads every line before it, so the smallest line
	 * that a pass or inih reports is the first error of any kind.  inih's
	 * result is a line it could not parse unless it equals a line our
	 * handler refused.
	 */
	syntax = first_line(rc1, rc2);
	bad = first_line(line1, ld.err_line);
	if (syntax > 0 && (bad == 0 || syntax < bad)) {
		set_err(err, err_size,
			"%s:%d: cannot parse this line; expected [section], "
			"key = value, or a comment starting with ; or #",
			name, syntax);
		return SK_ERR_CONFIG;
	}
	if (bad > 0) {
		set_err(err, err_size, "%s:%d: %s", name, bad,
			bad == line1 ? msg1 : ld.msg);
		return SK_ERR_CONFIG;
	}
	if ((r = sk_config_check(&work, check, sizeof(check))) != SK_OK) {
		set_err(err, err_size, "%s: %s", name, check);
		return r;
	}
	*cfg = work;
	return SK_OK;
}

/* Reads the whole file into a malloc'd buffer; *len excludes the added NUL. */
static int
read_file(const char *path, char **out, size_t *len, char *err, size_t err_size)
{
	FILE *f = NULL;
	char *buf = NULL, *tmp;
	size_t cap = 0, n = 0, got;
	int r = SK_ERR_IO;

	if ((f = fopen(path, "re")) == NULL) {
		set_err(err, err_size, "%s: cannot open: %s", path, strerror(errno));
		goto out;
	}
	for (;;) {
		if (n == cap) {
			if (cap > FILE_BYTES_MAX) {
				set_err(err, err_size, "%s: file is larger than %zu bytes",
					path, FILE_BYTES_MAX);
				r = SK_ERR_CONFIG;
				goto out;
			}
			cap = cap == 0 ? 4096 : cap * 2;
			if ((tmp = realloc(buf, cap + 1)) == NULL) {
				set_err(err, err_size, "%s: out of memory", path);
				r = SK_ERR_NOMEM;
				goto out;
			}
			buf = tmp;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		set_err(err, err_size, "%s: cannot read: %s", path, strerror(errno));
		goto out;
	}
	if (n > FILE_BYTES_MAX) {
		set_err(err, err_size, "%s: file is larger than %zu bytes", path,
			FILE_BYTES_MAX);
		r = SK_ERR_CONFIG;
		goto out;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	buf = NULL;
	r = SK_OK;
out:
	free(buf);
	if (f != NULL)
		fclose(f);
	return r;
}

int
sk_config_load_ex(sk_config *cfg, const char *path, sk_config_extra_fn fn,
		  void *arg, char *err, size_t err_size)
{
	char *text = NULL;
	const char *nul;
	size_t len = 0, i;
	int r, line = 1;

	if (cfg == NULL || path == NULL) {
		set_err(err, err_size, "no configuration or file name given");
		return SK_ERR_INVALID;
	}
	if ((r = read_file(path, &text, &len, err, err_size)) != SK_OK)
		return r;
	/* inih works on C strings: a NUL would silently end the file. */
	if ((nul = memchr(text, '\0', len)) != NULL) {
		for (i = 0; text + i < nul; i++)
			line += text[i] == '\n';
		set_err(err, err_size, "%s:%d: the file contains a NUL byte", path,
			line);
		r = SK_ERR_CONFIG;
		goto out;
	}
	r = load_text(cfg, text, len, path, fn, arg, err, err_size);
out:
	free(text);
	return r;
}

int
sk_config_load(sk_config *cfg, const char *path, char *err, size_t err_size)
{
	return sk_config_load_ex(cfg, path, NULL, NULL, err, err_size);
}

int
sk_config_load_string(sk_config *cfg, const char *text, const char *name,
		      char *err, size_t err_size)
{
	if (cfg == NULL || text == NULL) {
		set_err(err, err_size, "no configuration or text given");
		return SK_ERR_INVALID;
	}
	return load_text(cfg, text, strlen(text), name != NULL ? name : "<string>",
			 NULL, NULL, err, err_size);
}
