/*
 * server/main.c - `sekishod`: reads the configuration, prepares the
 * database and key file on first start (printing the bootstrap
 * administrator's initial password once), and serves the portal.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sodium.h>

#include "fwd.h"
#include "http.h"
#include "pamsock.h"

struct server {
	sk_config cfg;
	server_config sc;
	pamsock_config pam; /* [pam]: the socket pam_sekisho.so asks */
	uint8_t *key; /* sodium_malloc'd master key, shared by the workers' contexts */
};

static int
parse_uint(const char *v, unsigned lo, unsigned hi, unsigned *out)
{
	char *end;
	unsigned long n;

	if (v[0] < '0' || v[0] > '9')
		return -1;
	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < lo || n > hi)
		return -1;
	*out = (unsigned)n;
	return 0;
}

/* [server] and [pam] keys, handed over by the library's INI loader. */
static int
server_key(void *arg, const char *section, const char *key, const char *value, char *err,
	   size_t err_size)
{
	struct server *s = arg;
	server_config *sc = &s->sc;
	unsigned u;

	if (strcmp(section, "pam") == 0)
		return pamsock_config_key(&s->pam, key, value, err, err_size);
	if (strcmp(section, "server") != 0)
		return fwd_config_key(sc, section, key, value, err, err_size);
	if (strcmp(key, "admin_networks") == 0) {
		if (sk_cidr_list_parse(value, sc->admin_networks, SK_ACCESS_ITEMS_MAX,
				       &sc->nadmin_networks) != SK_OK) {
			snprintf(err, err_size,
				 "[server] admin_networks: '%s' must list at most 8 addresses or "
				 "networks such as 10.0.0.0/8 or 2001:db8::/32 (host bits zero)",
				 value);
			return -1;
		}
		return 1;
	}
	if (strcmp(key, "listen") == 0) {
		if (snprintf(sc->listen_addr, sizeof(sc->listen_addr), "%s", value) >=
		    (int)sizeof(sc->listen_addr))
			goto bad;
		return 1;
	}
	if (strcmp(key, "port") == 0) {
		if (parse_uint(value, 1, 65535, &sc->port) != 0)
			goto bad;
		return 1;
	}
	if (strcmp(key, "tls_certificate") == 0 || strcmp(key, "tls_key") == 0) {
		char *dst = key[4] == 'c' ? sc->tls_cert : sc->tls_key;
		if (snprintf(dst, SK_PATH_MAX, "%s", value) >= SK_PATH_MAX)
			goto bad;
		return 1;
	}
	if (strcmp(key, "loops") == 0 || strcmp(key, "workers") == 0) {
		if (parse_uint(value, 0, 64, &u) != 0)
			goto bad;
		*(key[0] == 'l' ? &sc->loops : &sc->workers) = u;
		return 1;
	}
	if (strcmp(key, "trusted_proxies") == 0) {
		/* Comma-separated addresses of the reverse proxies in front (DESIGN 7). */
		char list[512], *save = NULL;
		if (snprintf(list, sizeof(list), "%s", value) >= (int)sizeof(list))
			goto bad;
		sc->ntrusted = 0;
		for (char *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
			unsigned char tmp[16];
			if (sc->ntrusted == 8 || strlen(t) >= sizeof(sc->trusted_proxies[0]) ||
			    (inet_pton(AF_INET, t, tmp) != 1 && inet_pton(AF_INET6, t, tmp) != 1))
				goto bad;
			memcpy(sc->trusted_proxies[sc->ntrusted++], t, strlen(t) + 1);
		}
		return 1;
	}
	if (strcmp(key, "secure_cookie") == 0) {
		if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
			goto bad;
		sc->secure_cookie = value[0] == 'y';
		return 1;
	}
	return 0;
bad:
	snprintf(err, err_size, "[server] %s: invalid value '%s'", key, value);
	return -1;
}

static int
open_ctx(void *arg, sk_ctx **ctx)
{
	struct server *s = arg;
	sk_store *store = NULL;
	int r;

	if ((r = sk_store_sqlite_open(&store, s->cfg.db_path, 0)) != SK_OK) {
		fprintf(stderr, "sekishod: cannot open %s: %s\n", s->cfg.db_path, sk_strerror(r));
		return -1;
	}
	if ((r = sk_ctx_new(ctx, &s->cfg, store, s->key)) != SK_OK) {
		store->ops->close(store);
		fprintf(stderr, "sekishod: %s\n", sk_strerror(r));
		return -1;
	}
	return 0;
}

static void
make_parent(const char *path)
{
	char dir[SK_PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		(void)mkdir(dir, 0700);
	}
}

/* First start: key file, database and the bootstrap administrator. */
static int
prepare(struct server *s)
{
	char why[SK_PATH_MAX + 128], initial[SK_INITIAL_PASSWORD_MAX];
	sk_actor actor = {"local:sekishod", "local", 0};
	sk_store *store = NULL;
	sk_ctx *ctx = NULL;
	int r;

	make_parent(s->cfg.key_path);
	make_parent(s->cfg.db_path);
	r = sk_vault_key_create(s->cfg.key_path);
	if (r != SK_OK && r != SK_ERR_EXISTS) {
		fprintf(stderr, "sekishod: cannot create key file %s\n", s->cfg.key_path);
		return -1;
	}
	if ((s->key = sodium_malloc(SK_KEY_LEN)) == NULL)
		return -1;
	if (sk_vault_key_load(s->cfg.key_path, s->key, why, sizeof(why)) != SK_OK) {
		fprintf(stderr, "sekishod: %s\n", why);
		return -1;
	}
	if ((r = sk_store_sqlite_open(&store, s->cfg.db_path, 1)) != SK_OK) {
		fprintf(stderr, "sekishod: cannot open database %s: %s\n", s->cfg.db_path,
			sk_strerror(r));
		return -1;
	}
	if ((r = sk_ctx_new(&ctx, &s->cfg, store, s->key)) != SK_OK) {
		store->ops->close(store);
		fprintf(stderr, "sekishod: %s\n", sk_strerror(r));
		return -1;
	}
	r = sk_account_bootstrap(ctx, &actor, initial);
	if (r == SK_OK) {
		printf("sekishod: created the administrator 'admin'.\n"
		       "sekishod: initial password (shown once; change it at first sign-in): %s\n",
		       initial);
		fflush(stdout);
	}
	sodium_memzero(initial, sizeof(initial));
	sk_ctx_free(ctx);
	if (r != SK_OK && r != SK_ERR_EXISTS) {
		fprintf(stderr, "sekishod: cannot create the administrator: %s\n", sk_strerror(r));
		return -1;
	}
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f, "usage: sekishod [--config FILE] [--db PATH] [--listen ADDR] [--port N]\n"
		   "Serves the Sekisho sign-in portal. Settings: docs/configuration.md ([server]).\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"db", required_argument, NULL, 'd'},
		{"listen", required_argument, NULL, 'l'},
		{"port", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct server s;
	const char *config = getenv("SEKISHO_CONFIG"), *db = getenv("SEKISHO_DB");
	const char *listen_addr = NULL, *port = NULL;
	char err[512];
	int c, rc;

	if (sodium_init() < 0)
		return 1;
	memset(&s, 0, sizeof(s));
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': config = optarg; break;
		case 'd': db = optarg; break;
		case 'l': listen_addr = optarg; break;
		case 'p': port = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	sk_config_default(&s.cfg);
	pamsock_config_default(&s.pam);
	snprintf(s.sc.listen_addr, sizeof(s.sc.listen_addr), "127.0.0.1");
	s.sc.port = 8080;
	if (config != NULL &&
	    sk_config_load_ex(&s.cfg, config, server_key, &s, err, sizeof(err)) != SK_OK) {
		fprintf(stderr, "sekishod: %s\n", err[0] ? err : "cannot read the configuration");
		return 1;
	}
	if (db != NULL) {
		snprintf(s.cfg.db_path, sizeof(s.cfg.db_path), "%s", db);
		if (config == NULL) { /* the key beside the database, as the CLI does */
			const char *dot = strrchr(db, '.'), *slash = strrchr(db, '/');
			int n = dot && (!slash || dot > slash) ? (int)(dot - db) : (int)strlen(db);
			snprintf(s.cfg.key_path, sizeof(s.cfg.key_path), "%.*s.key", n, db);
		}
	}
	if (listen_addr != NULL)
		snprintf(s.sc.listen_addr, sizeof(s.sc.listen_addr), "%s", listen_addr);
	if (port != NULL && parse_uint(port, 1, 65535, &s.sc.port) != 0) {
		fprintf(stderr, "sekishod: --port must be 1-65535\n");
		return 2;
	}
	if (s.sc.tls_cert[0] != '\0')
		s.sc.secure_cookie = 1; /* TLS here: the __Host- cookie */
	if (fwd_config_check(&s.sc, err, sizeof(err)) != 0) {
		fprintf(stderr, "sekishod: %s: %s\n", config ? config : "configuration", err);
		return 1;
	}
	/* Allowed, since a test machine needs them, but never silently. */
	if (!s.sc.secure_cookie && s.sc.cookie_domain[0] != '\0')
		fprintf(stderr,
			"sekishod: warning: [forward_auth] cookie_domain = %s without TLS: the session "
			"cookie is sent in clear to every host under it. Set [server] tls_cert, or "
			"secure_cookie = yes behind a TLS proxy.\n",
			s.sc.cookie_domain);
	else if (!s.sc.secure_cookie && !sk_addr_loopback(s.sc.listen_addr))
		fprintf(stderr,
			"sekishod: warning: listening on %s without TLS: passwords and session cookies "
			"cross the network in clear. Set [server] tls_cert, or secure_cookie = yes "
			"behind a TLS proxy.\n",
			s.sc.listen_addr);
	if (prepare(&s) != 0 || pamsock_start(&s.pam, open_ctx, &s) != 0)
		return 1;
	rc = http_serve(&s.sc, open_ctx, &s) == 0 ? 0 : 1;
	pamsock_stop();
	sodium_free(s.key);
	return rc;
}
