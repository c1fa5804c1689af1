/*
 * tests/unit/test_vault.c - the key file (created 0600, never overwritten,
 * refused when unsafe) and XChaCha20-Poly1305 sealing (lib/vault.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

static char tmpdir[PATH_MAX];

static int
setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/sekisho-test-vault.XXXXXX");
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char buf[PATH_MAX + 300];
	struct dirent *de;
	DIR *d;

	(void)state;
	if ((d = opendir(tmpdir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(buf, sizeof(buf), "%s/%s", tmpdir, de->d_name);
			if (unlink(buf) != 0)
				(void)rmdir(buf);
		}
		closedir(d);
	}
	return rmdir(tmpdir);
}

static void
path_of(char *buf, size_t size, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", tmpdir, name);

	assert_true(n > 0 && (size_t)n < size);
}

/* Writes len bytes to path with the given mode (exactly, whatever the umask). */
static void
write_file(const char *path, const uint8_t *data, size_t len, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	assert_true(fd >= 0);
	if (len > 0)
		assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(fchmod(fd, mode), 0);
	assert_int_equal(close(fd), 0);
}

static size_t
read_file(const char *path, uint8_t *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	assert_true(fd >= 0);
	n = read(fd, buf, size);
	assert_true(n >= 0);
	close(fd);
	return (size_t)n;
}

/* ---- key file ----------------------------------------------------------- */

static void
create_with_umask(mode_t mask)
{
	char path[PATH_MAX];
	struct stat st;
	mode_t old;
	int r;

	path_of(path, sizeof(path), "key");
	(void)unlink(path);
	old = umask(mask);
	r = sk_vault_key_create(path);
	umask(old);
	assert_int_equal(r, SK_OK);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(st.st_size, SK_KEY_LEN);
	assert_int_equal(st.st_uid, geteuid());
}

static void
test_create_mode_0600(void **state)
{
	(void)state;
	create_with_umask(0);    /* the umask must not widen it */
	create_with_umask(0777); /* nor narrow it into an unreadable file */
	create_with_umask(022);
}

static void
test_create_random_and_loadable(void **state)
{
	char p1[PATH_MAX], p2[PATH_MAX], why[256];
	uint8_t k1[SK_KEY_LEN], k2[SK_KEY_LEN], raw[64], zero[SK_KEY_LEN] = {0};

	(void)state;
	path_of(p1, sizeof(p1), "k1");
	path_of(p2, sizeof(p2), "k2");
	assert_int_equal(sk_vault_key_create(p1), SK_OK);
	assert_int_equal(sk_vault_key_create(p2), SK_OK);
	why[0] = '\0';
	assert_int_equal(sk_vault_key_load(p1, k1, why, sizeof(why)), SK_OK);
	assert_int_equal(sk_vault_key_load(p2, k2, NULL, 0), SK_OK);
	/* The loaded key is the file's content... */
	assert_int_equal(read_file(p1, raw, sizeof(raw)), SK_KEY_LEN);
	assert_memory_equal(raw, k1, SK_KEY_LEN);
	/* ...and random: two files differ, neither is all zero. */
	assert_memory_not_equal(k1, k2, SK_KEY_LEN);
	assert_memory_not_equal(k1, zero, SK_KEY_LEN);
}

static void
test_create_refuses_overwrite(void **state)
{
	char path[PATH_MAX], link[PATH_MAX];
	uint8_t before[SK_KEY_LEN], after[64];
	uint8_t mine[5] = {1, 2, 3, 4, 5};

	(void)state;
	path_of(path, sizeof(path), "key");
	assert_int_equal(sk_vault_key_create(path), SK_OK);
	assert_int_equal(read_file(path, before, sizeof(before)), SK_KEY_LEN);
	assert_int_equal(sk_vault_key_create(path), SK_ERR_EXISTS);
	assert_int_equal(read_file(path, after, sizeof(after)), SK_KEY_LEN);
	assert_memory_equal(before, after, SK_KEY_LEN);

	/* An unrelated existing file is not clobbered either. */
	path_of(path, sizeof(path), "other");
	write_file(path, mine, sizeof(mine), 0644);
	assert_int_equal(sk_vault_key_create(path), SK_ERR_EXISTS);
	assert_int_equal(read_file(path, after, sizeof(after)), sizeof(mine));
	assert_memory_equal(after, mine, sizeof(mine));

	/* Nor a symlink's target (dangling or not): no file appears behind it. */
	path_of(link, sizeof(link), "dangling");
	path_of(path, sizeof(path), "victim");
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(sk_vault_key_create(link), SK_ERR_EXISTS);
	assert_int_equal(access(path, F_OK), -1);
}

/* Loading must fail with code, leave a sentence containing needle in why. */
static void
load_refused(const char *path, int code, const char *needle)
{
	char why[512];
	uint8_t key[SK_KEY_LEN];

	memset(why, 0, sizeof(why));
	assert_int_equal(sk_vault_key_load(path, key, why, sizeof(why)), code);
	assert_true(strlen(why) > 0);
	if (strstr(why, needle) == NULL)
		fail_msg("why \"%s\" does not mention \"%s\"", why, needle);
	/* A NULL why is allowed. */
	assert_int_equal(sk_vault_key_load(path, key, NULL, 0), code);
}

static void
test_load_refuses_wide_modes(void **state)
{
	static const mode_t modes[] = {0644, 0640, 0604, 0660, 0606, 0610, 0601, 0666};
	char path[PATH_MAX];
	uint8_t key[SK_KEY_LEN];

	(void)state;
	path_of(path, sizeof(path), "key");
	assert_int_equal(sk_vault_key_create(path), SK_OK);
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assert_int_equal(chmod(path, modes[i]), 0);
		load_refused(path, SK_ERR_KEYFILE, "group or others");
	}
	/* Narrower than 0600 but still private is fine. */
	assert_int_equal(chmod(path, 0400), 0);
	assert_int_equal(sk_vault_key_load(path, key, NULL, 0), SK_OK);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(sk_vault_key_load(path, key, NULL, 0), SK_OK);
}

static void
test_load_refuses_symlink(void **state)
{
	char path[PATH_MAX], link[PATH_MAX];

	(void)state;
	path_of(path, sizeof(path), "key");
	path_of(link, sizeof(link), "link");
	assert_int_equal(sk_vault_key_create(path), SK_OK);
	assert_int_equal(symlink(path, link), 0);
	load_refused(link, SK_ERR_KEYFILE, "symbolic link");
}

static void
test_load_refuses_directory_and_fifo(void **state)
{
	char path[PATH_MAX];

	(void)state;
	path_of(path, sizeof(path), "dir");
	assert_int_equal(mkdir(path, 0700), 0);
	load_refused(path, SK_ERR_KEYFILE, "not a regular file");
	/* A FIFO must be refused without blocking on open. */
	path_of(path, sizeof(path), "fifo");
	assert_int_equal(mkfifo(path, 0600), 0);
	load_refused(path, SK_ERR_KEYFILE, "not a regular file");
}

static void
test_load_refuses_wrong_size(void **state)
{
	static const size_t sizes[] = {0, 1, 31, 33, 64};
	uint8_t data[64];
	char path[PATH_MAX];

	(void)state;
	randombytes_buf(data, sizeof(data));
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		path_of(path, sizeof(path), "sized");
		(void)unlink(path);
		write_file(path, data, sizes[i], 0600);
		load_refused(path, SK_ERR_KEYFILE, "size");
	}
	/* The same bytes at the right size load. */
	uint8_t key[SK_KEY_LEN];
	(void)unlink(path);
	write_file(path, data, SK_KEY_LEN, 0600);
	assert_int_equal(sk_vault_key_load(path, key, NULL, 0), SK_OK);
	assert_memory_equal(key, data, SK_KEY_LEN);
}

static void
test_load_missing(void **state)
{
	char path[PATH_MAX];

	(void)state;
	path_of(path, sizeof(path), "nothing-here");
	load_refused(path, SK_ERR_NOTFOUND, "does not exist");
}

static void
test_load_refuses_other_owner(void **state)
{
	char path[PATH_MAX];

	(void)state;
	if (geteuid() != 0)
		skip(); /* only root can give a file away */
	path_of(path, sizeof(path), "key");
	assert_int_equal(sk_vault_key_create(path), SK_OK);
	assert_int_equal(chown(path, 65534, 65534), 0);
	load_refused(path, SK_ERR_KEYFILE, "another user");
}

/* ---- sealing ------------------------------------------------------------ */

static void
test_seal_open_round_trip(void **state)
{
	test_env *t = test_env_new(NULL);
	uint8_t pt[SK_OTP_SECRET_MAX], ct[SK_SEALED_MAX], out[SK_OTP_SECRET_MAX];
	size_t ct_len = 0, out_len = 0;

	(void)state;
	randombytes_buf(pt, sizeof(pt));
	for (size_t len = 0; len <= sizeof(pt); len += 4) {
		assert_int_equal(sk_vault_seal(t->ctx, pt, len, "sekisho-otp:1", ct, sizeof(ct),
					       &ct_len), SK_OK);
		assert_int_equal(ct_len, len + SK_VAULT_OVERHEAD);
		/* The secret does not appear in clear in the sealed form. */
		if (len >= 8)
			assert_null(memmem(ct, ct_len, pt, len));
		memset(out, 0, sizeof(out));
		assert_int_equal(sk_vault_open(t->ctx, ct, ct_len, "sekisho-otp:1", out,
					       sizeof(out), &out_len), SK_OK);
		assert_int_equal(out_len, len);
		if (len > 0)
			assert_memory_equal(out, pt, len);
	}
	test_env_free(t);
}

static void
test_seal_sizes(void **state)
{
	test_env *t = test_env_new(NULL);
	uint8_t pt[20], ct[64], out[20];
	size_t ct_len = 0, out_len = 0;

	(void)state;
	randombytes_buf(pt, sizeof(pt));
	/* out must hold len + overhead. */
	assert_int_equal(sk_vault_seal(t->ctx, pt, sizeof(pt), "ad", ct,
				       sizeof(pt) + SK_VAULT_OVERHEAD - 1, &ct_len),
			 SK_ERR_TOOLONG);
	assert_int_equal(sk_vault_seal(t->ctx, pt, sizeof(pt), "ad", ct,
				       sizeof(pt) + SK_VAULT_OVERHEAD, &ct_len), SK_OK);
	/* open's out must hold the plaintext. */
	assert_int_equal(sk_vault_open(t->ctx, ct, ct_len, "ad", out, sizeof(out) - 1,
				       &out_len), SK_ERR_TOOLONG);
	assert_int_equal(sk_vault_open(t->ctx, ct, ct_len, "ad", out, sizeof(out), &out_len),
			 SK_OK);
	assert_memory_equal(out, pt, sizeof(pt));
	test_env_free(t);
}

static void
test_open_tampered(void **state)
{
	test_env *t = test_env_new(NULL);
	uint8_t pt[20], ct[64], bad[64], out[64];
	size_t ct_len = 0, out_len = 0;

	(void)state;
	randombytes_buf(pt, sizeof(pt));
	assert_int_equal(sk_vault_seal(t->ctx, pt, sizeof(pt), "sekisho-otp:7", ct, sizeof(ct),
				       &ct_len), SK_OK);

	/* Wrong associated data: another account, a prefix, empty. */
	assert_int_equal(sk_vault_open(t->ctx, ct, ct_len, "sekisho-otp:8", out, sizeof(out),
				       &out_len), SK_ERR_TAMPERED);
	assert_int_equal(sk_vault_open(t->ctx, ct, ct_len, "sekisho-otp:", out, sizeof(out),
				       &out_len), SK_ERR_TAMPERED);
	assert_int_equal(sk_vault_open(t->ctx, ct, ct_len, "", out, sizeof(out), &out_len),
			 SK_ERR_TAMPERED);

	/* One flipped bit anywhere: nonce, ciphertext, tag. */
	for (size_t i = 0; i < ct_len; i++) {
		memcpy(bad, ct, ct_len);
		bad[i] ^= 0x01;
		assert_int_equal(sk_vault_open(t->ctx, bad, ct_len, "sekisho-otp:7", out,
					       sizeof(out), &out_len), SK_ERR_TAMPERED);
	}

	/* Truncated by one byte, to the overhead, below it, empty. */
	static const size_t cut[] = {1, 20, 21, 40};
	for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++)
		assert_int_equal(sk_vault_open(t->ctx, ct, ct_len - cut[i], "sekisho-otp:7", out,
					       sizeof(out), &out_len), SK_ERR_TAMPERED);
	assert_int_equal(sk_vault_open(t->ctx, ct, SK_VAULT_OVERHEAD - 1, "sekisho-otp:7", out,
				       sizeof(out), &out_len), SK_ERR_TAMPERED);
	assert_int_equal(sk_vault_open(t->ctx, ct, 0, "sekisho-otp:7", out, sizeof(out),
				       &out_len), SK_ERR_TAMPERED);

	/* Extended by a byte. */
	memcpy(bad, ct, ct_len);
	bad[ct_len] = 0;
	assert_int_equal(sk_vault_open(t->ctx, bad, ct_len + 1, "sekisho-otp:7", out,
				       sizeof(out), &out_len), SK_ERR_TAMPERED);

	/* The untouched original still opens. */
	assert_int_equal(sk_vault_open(t->ctx, ct, ct_len, "sekisho-otp:7", out, sizeof(out),
				       &out_len), SK_OK);
	assert_memory_equal(out, pt, sizeof(pt));
	test_env_free(t);
}

/* Another master key cannot open it; the same master key (new context) can. */
static void
test_open_other_key(void **state)
{
	test_env *a = test_env_new(NULL), *b = test_env_new(NULL), *c;
	sk_store *store = NULL;
	uint8_t pt[20], ct[64], out[64];
	size_t ct_len = 0, out_len = 0;

	(void)state;
	randombytes_buf(pt, sizeof(pt));
	assert_int_equal(sk_vault_seal(a->ctx, pt, sizeof(pt), "ad", ct, sizeof(ct), &ct_len),
			 SK_OK);
	assert_int_equal(sk_vault_open(b->ctx, ct, ct_len, "ad", out, sizeof(out), &out_len),
			 SK_ERR_TAMPERED);

	c = calloc(1, sizeof(*c));
	assert_non_null(c);
	test_config(&c->cfg);
	assert_int_equal(sk_store_sqlite_open(&store, ":memory:", 1), SK_OK);
	assert_int_equal(sk_ctx_new(&c->ctx, &c->cfg, store, a->key), SK_OK);
	assert_int_equal(sk_vault_open(c->ctx, ct, ct_len, "ad", out, sizeof(out), &out_len),
			 SK_OK);
	assert_memory_equal(out, pt, sizeof(pt));
	test_env_free(c);
	test_env_free(b);
	test_env_free(a);
}

static void
test_seal_random_nonce(void **state)
{
	test_env *t = test_env_new(NULL);
	uint8_t pt[20], c1[64], c2[64];
	size_t l1 = 0, l2 = 0;

	(void)state;
	memset(pt, 'x', sizeof(pt));
	assert_int_equal(sk_vault_seal(t->ctx, pt, sizeof(pt), "ad", c1, sizeof(c1), &l1), SK_OK);
	assert_int_equal(sk_vault_seal(t->ctx, pt, sizeof(pt), "ad", c2, sizeof(c2), &l2), SK_OK);
	assert_int_equal(l1, l2);
	assert_memory_not_equal(c1, c2, l1);
	/* The nonces themselves differ (not only the ciphertext after them). */
	assert_memory_not_equal(c1, c2, 24);
	test_env_free(t);
}

static void
test_seal_null_args(void **state)
{
	test_env *t = test_env_new(NULL);
	uint8_t pt[4] = {0}, ct[64];
	size_t l = 0;

	(void)state;
	assert_int_equal(sk_vault_seal(t->ctx, NULL, 4, "ad", ct, sizeof(ct), &l), SK_ERR_INVALID);
	assert_int_equal(sk_vault_seal(t->ctx, pt, 4, NULL, ct, sizeof(ct), &l), SK_ERR_INVALID);
	assert_int_equal(sk_vault_seal(t->ctx, pt, 4, "ad", NULL, sizeof(ct), &l), SK_ERR_INVALID);
	assert_int_equal(sk_vault_open(t->ctx, ct, 44, NULL, pt, sizeof(pt), &l), SK_ERR_INVALID);
	test_env_free(t);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_create_mode_0600),
		T(test_create_random_and_loadable),
		T(test_create_refuses_overwrite),
		T(test_load_refuses_wide_modes),
		T(test_load_refuses_symlink),
		T(test_load_refuses_directory_and_fifo),
		T(test_load_refuses_wrong_size),
		T(test_load_missing),
		T(test_load_refuses_other_owner),
		cmocka_unit_test(test_seal_open_round_trip),
		cmocka_unit_test(test_seal_sizes),
		cmocka_unit_test(test_open_tampered),
		cmocka_unit_test(test_open_other_key),
		cmocka_unit_test(test_seal_random_nonce),
		cmocka_unit_test(test_seal_null_args),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
