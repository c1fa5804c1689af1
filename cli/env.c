/* cli/env.c - global options, context, prompts and small helpers of the CLI. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "env.h"

/*
 * The CLI reads the same file as sekishod (DESIGN 10); the sections only the
 * server uses are checked by the server, so here they are passed over.
 */
static int
server_section(void *arg, const char *section, const char *key, const char *value, char *err,
	       size_t err_size)
{
	(void)arg, (void)key, (void)value, (void)err, (void)err_size;
	return strcmp(section, "server") == 0 || strcmp(section, "forward_auth") == 0 ||
	       strcmp(section, "pam") == 0 || strncmp(section, "rule", 4) == 0;
}

int
env_load_config(struct cli_env *env)
{
	char err[512];
	int r;

	sk_config_default(&env->cfg);
	if (env->config_path != NULL) {
		r = sk_config_load_ex(&env->cfg, env->config_path, server_section, NULL, err,
				      sizeof(err));
		if (r != SK_OK) {
			fprintf(stderr, "sekisho: %s\n", r == SK_ERR_IO ? sk_strerror(r) : err);
			if (r == SK_ERR_IO)
				fprintf(stderr, "sekisho: cannot read config file %s\n",
					env->config_path);
			return 1;
		}
	}
	if (env->db_path != NULL &&
	    snprintf(env->cfg.db_path, sizeof(env->cfg.db_path), "%s", env->db_path) >=
		    (int)sizeof(env->cfg.db_path)) {
		fprintf(stderr, "sekisho: database path too long\n");
		return 1;
	}
	/* With --db and no key_file setting, keep the key beside the database. */
	if (env->db_path != NULL && env->config_path == NULL) {
		size_t n = strlen(env->db_path);
		const char *dot = strrchr(env->db_path, '.');
		const char *slash = strrchr(env->db_path, '/');
		if (dot != NULL && (slash == NULL || dot > slash))
			n = (size_t)(dot - env->db_path);
		if (snprintf(env->cfg.key_path, sizeof(env->cfg.key_path), "%.*s.key", (int)n,
			     env->db_path) >= (int)sizeof(env->cfg.key_path)) {
			fprintf(stderr, "sekisho: database path too long\n");
			return 1;
		}
	}
	if ((r = sk_config_check(&env->cfg, err, sizeof(err))) != SK_OK) {
		fprintf(stderr, "sekisho: %s\n", err);
		return 1;
	}
	return 0;
}

/* Creates the directory that will hold path, mode 0700, when missing. */
static int
make_parent_dir(const char *path)
{
	char dir[SK_PATH_MAX];
	char *slash;

	if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir))
		return -1;
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return -1;
	return 0;
}

int
env_open(struct cli_env *env, int create)
{
	uint8_t key[SK_KEY_LEN];
	char why[SK_PATH_MAX + 128];
	sk_store *store = NULL;
	int r;

	if (env->ctx != NULL)
		return 0;
	if (env_load_config(env) != 0)
		return 1;
	if (create) {
		if (make_parent_dir(env->cfg.db_path) != 0 ||
		    make_parent_dir(env->cfg.key_path) != 0) {
			fprintf(stderr, "sekisho: cannot create the directory for %s: %s\n",
				env->cfg.db_path, strerror(errno));
			return 1;
		}
		r = sk_vault_key_create(env->cfg.key_path);
		if (r != SK_OK && r != SK_ERR_EXISTS) {
			fprintf(stderr, "sekisho: cannot create key file %s: %s\n",
				env->cfg.key_path, strerror(errno));
			return 1;
		}
	}
	r = sk_vault_key_load(env->cfg.key_path, key, why, sizeof(why));
	if (r != SK_OK) {
		fprintf(stderr, "sekisho: %s\n", why);
		return 1;
	}
	r = sk_store_sqlite_open(&store, env->cfg.db_path, create);
	if (r == SK_ERR_NOTFOUND) {
		fprintf(stderr, "sekisho: no database at %s; run `sekisho init` first\n",
			env->cfg.db_path);
		goto fail;
	}
	if (r == SK_ERR_FILE_MODE) {
		fprintf(stderr, "sekisho: database %s is accessible by group or others; "
				"run `chmod 600 %s`\n", env->cfg.db_path, env->cfg.db_path);
		goto fail;
	}
	if (r != SK_OK) {
		fprintf(stderr, "sekisho: cannot open database %s: %s\n", env->cfg.db_path,
			sk_strerror(r));
		goto fail;
	}
	if ((r = sk_ctx_new(&env->ctx, &env->cfg, store, key)) != SK_OK) {
		store->ops->close(store);
		report("cannot start", r);
		goto fail;
	}
	sodium_memzero(key, sizeof(key));
	(void)sk_privilege_sweep(env->ctx);
	return 0;
fail:
	sodium_memzero(key, sizeof(key));
	return 1;
}

void
env_close(struct cli_env *env)
{
	sk_ctx_free(env->ctx);
	env->ctx = NULL;
}

sk_actor *
env_actor(struct cli_env *env)
{
	if (env->as != NULL) {
		snprintf(env->actor_name, sizeof(env->actor_name), "%s", env->as);
	} else {
		struct passwd *pw = getpwuid(geteuid());
		snprintf(env->actor_name, sizeof(env->actor_name), "local:%s",
			 pw != NULL ? pw->pw_name : "unknown");
	}
	env->actor.name = env->actor_name;
	env->actor.addr = "local";
	env->actor.approval_id = 0;
	return &env->actor;
}

int
prompt_line(const char *prompt, int secret, char *buf, size_t size)
{
	struct termios old, quiet;
	int tty = isatty(STDIN_FILENO), echo_off = 0;
	size_t n;

	if (size == 0)
		return -1;
	/* Echo goes off before the prompt appears, so nothing typed after seeing
	 * the prompt is ever echoed; TCSADRAIN keeps what was typed ahead. */
	if (secret && tty && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		echo_off = tcsetattr(STDIN_FILENO, TCSADRAIN, &quiet) == 0;
	}
	/* Piped answers need no prompts: keep scripts' output clean. */
	if (tty) {
		fputs(prompt, stderr);
		fflush(stderr);
	}
	char *got = fgets(buf, (int)size, stdin);
	if (echo_off)
		(void)tcsetattr(STDIN_FILENO, TCSADRAIN, &old);
	if (got == NULL) {
		buf[0] = '\0';
		return -1;
	}
	n = strcspn(buf, "\r\n");
	if (buf[n] == '\0' && n == size - 1) {
		/* Longer than the buffer: drop the rest of the line, refuse it. */
		int c;
		while ((c = getchar()) != EOF && c != '\n')
			;
		sodium_memzero(buf, size);
		fprintf(stderr, "sekisho: input too long\n");
		return -1;
	}
	buf[n] = '\0';
	return (int)n;
}

void
report(const char *what, int r)
{
	fprintf(stderr, "sekisho: %s: %s\n", what, sk_strerror(r));
}

static int
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return n > 0;
}

int
parse_time(const char *s, int64_t now, int64_t *out)
{
	struct tm tm;
	char *end;
	size_t n = strlen(s);

	memset(&tm, 0, sizeof(tm));
	if (s[0] == '@' && all_digits(s + 1, n - 1)) {
		errno = 0;
		long long v = strtoll(s + 1, &end, 10);
		if (errno != 0)
			return -1;
		*out = v;
		return 0;
	}
	if (s[0] == '+' && n >= 3 && all_digits(s + 1, n - 2) &&
	    (s[n - 1] == 'd' || s[n - 1] == 'h' || s[n - 1] == 'm')) {
		long long v = strtoll(s + 1, &end, 10);
		int64_t unit = s[n - 1] == 'd' ? 86400 : s[n - 1] == 'h' ? 3600 : 60;
		if (v <= 0 || v > 3650LL * 86400 / unit)
			return -1;
		*out = now + v * unit;
		return 0;
	}
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end != NULL && *end == '\0') {
		tm.tm_hour = 23;
		tm.tm_min = 59;
		tm.tm_sec = 59;
	} else {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (end == NULL || *end != '\0') {
			memset(&tm, 0, sizeof(tm));
			end = strptime(s, "%Y-%m-%dT%H:%MZ", &tm);
		}
		if (end == NULL || *end != '\0')
			return -1;
	}
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = (int64_t)t;
	return 0;
}

const char *
fmt_time(int64_t t, char *buf, size_t size)
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (t == 0 || gmtime_r(&tt, &tm) == NULL) {
		snprintf(buf, size, "-");
		return buf;
	}
	if (t == INT64_MAX) {
		snprintf(buf, size, "until unlocked");
		return buf;
	}
	strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm);
	return buf;
}

void
print_policy_failures(const sk_policy *p, const sk_policy_result *pr, FILE *f)
{
	char en[256], ja[256];

	for (unsigned i = 0; i < 32; i++) {
		uint32_t bit = 1u << i;
		if ((pr->failed & bit) == 0)
			continue;
		fprintf(f, "  - %s\n    %s\n", sk_policy_rule_message(p, bit, "en", en, sizeof(en)),
			sk_policy_rule_message(p, bit, "ja", ja, sizeof(ja)));
	}
}
