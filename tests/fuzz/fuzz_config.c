/*
 * tests/fuzz/fuzz_config.c - libFuzzer target for the INI loader
 * (lib/host/config_file.c).
 *
 * Each input is loaded twice: as a string with sk_config_load_string (no
 * front-end hook), and as a file with sk_config_load_ex and a hook that
 * claims [server] keys, refuses some and fails on others.  The file goes
 * through a memfd, so the raw bytes (NULs included) reach the file reader.
 * Invariants: a successful load always passes sk_config_check; a failed one
 * leaves the configuration untouched and writes a message.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sekisho/config.h"
#include "sekisho/error.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
server_keys(void *arg, const char *section, const char *key, const char *value,
	    char *err, size_t err_size)
{
	(void)arg;
	if (strcmp(section, "server") != 0)
		return 0;
	if (strcmp(key, "listen") == 0)
		return 1;
	if (strcmp(key, "port") == 0) {
		if (value[0] == '\0') {
			snprintf(err, err_size, "[server] port must not be empty");
			return -1;
		}
		return 1;
	}
	if (strcmp(key, "quiet") == 0)
		return -1;
	return 0;
}

static void
check_result(int r, const sk_config *cfg, const sk_config *before,
	     const char *err)
{
	char check[512];

	if (r == SK_OK) {
		if (sk_config_check(cfg, check, sizeof(check)) != SK_OK)
			abort();
		return;
	}
	if (r != SK_ERR_CONFIG && r != SK_ERR_IO && r != SK_ERR_NOMEM)
		abort();
	if (memcmp(cfg, before, sizeof(*cfg)) != 0)
		abort();
	if (err[0] == '\0')
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	sk_config cfg, before;
	char err[512];
	char *text;
	int r;

	if (size > 64 * 1024)
		return 0;
	sk_config_default(&before);

	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	cfg = before;
	err[0] = '\0';
	r = sk_config_load_string(&cfg, text, "fuzz.conf", err, sizeof(err));
	check_result(r, &cfg, &before, err);
	free(text);

	if (fd < 0) {
		fd = memfd_create("fuzz_config", MFD_CLOEXEC);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 ||
	    (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	cfg = before;
	err[0] = '\0';
	r = sk_config_load_ex(&cfg, path, server_keys, NULL, err, sizeof(err));
	check_result(r, &cfg, &before, err);
	return 0;
}
