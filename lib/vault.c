/* lib/vault.c - key file handling and XChaCha20-Poly1305 sealing of secrets. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "internal.h"
#include "sekisho/vault.h"

#define NONCE_LEN crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_LEN crypto_aead_xchacha20poly1305_ietf_ABYTES
_Static_assert(SK_VAULT_OVERHEAD == NONCE_LEN + TAG_LEN, "vault overhead");

static void
say(char *why, size_t size, const char *path, const char *what)
{
	if (why != NULL && size > 0)
		snprintf(why, size, "key file %s: %s", path, what);
}

int
sk_vault_key_create(const char *path)
{
	uint8_t key[SK_KEY_LEN];
	int fd, r = SK_ERR_IO;

	if (sodium_init() < 0)
		return SK_ERR_CRYPTO;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? SK_ERR_EXISTS : SK_ERR_IO;
	randombytes_buf(key, sizeof(key));
	/* fchmod: the umask must not make the file wider or narrower than 0600. */
	if (fchmod(fd, 0600) == 0 && write(fd, key, sizeof(key)) == (ssize_t)sizeof(key) &&
	    fsync(fd) == 0)
		r = SK_OK;
	sodium_memzero(key, sizeof(key));
	if (close(fd) != 0)
		r = SK_ERR_IO;
	if (r != SK_OK)
		(void)unlink(path);
	return r;
}

int
sk_vault_key_load(const char *path, uint8_t key[SK_KEY_LEN], char *why, size_t why_size)
{
	struct stat st;
	int fd, r = SK_ERR_KEYFILE;
	ssize_t n;
	uint8_t extra;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT) {
			say(why, why_size, path, "does not exist (run `sekisho init`)");
			return SK_ERR_NOTFOUND;
		}
		say(why, why_size, path, errno == ELOOP ? "is a symbolic link" : strerror(errno));
		return SK_ERR_KEYFILE;
	}
	if (fstat(fd, &st) != 0) {
		say(why, why_size, path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		say(why, why_size, path, "is not a regular file");
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		say(why, why_size, path,
		    "is accessible by group or others; run `chmod 600` on it");
		goto out;
	}
	if (st.st_uid != geteuid()) {
		say(why, why_size, path, "belongs to another user");
		goto out;
	}
	if (st.st_size != SK_KEY_LEN) {
		say(why, why_size, path, "has the wrong size (expected 32 bytes)");
		goto out;
	}
	n = read(fd, key, SK_KEY_LEN);
	if (n != SK_KEY_LEN || read(fd, &extra, 1) != 0) {
		sodium_memzero(key, SK_KEY_LEN);
		say(why, why_size, path, "could not be read completely");
		goto out;
	}
	r = SK_OK;
out:
	close(fd);
	return r;
}

int
sk_vault_seal(const sk_ctx *ctx, const uint8_t *pt, size_t len, const char *ad,
	      uint8_t *out, size_t out_size, size_t *out_len)
{
	unsigned long long clen = 0;

	if (pt == NULL || ad == NULL || out == NULL || out_len == NULL)
		return SK_ERR_INVALID;
	if (len > out_size || out_size - len < SK_VAULT_OVERHEAD)
		return SK_ERR_TOOLONG;
	randombytes_buf(out, NONCE_LEN);
	if (crypto_aead_xchacha20poly1305_ietf_encrypt(
		    out + NONCE_LEN, &clen, pt, len, (const uint8_t *)ad, strlen(ad),
		    NULL, out, ctx->seal_key) != 0)
		return SK_ERR_CRYPTO;
	*out_len = NONCE_LEN + (size_t)clen;
	return SK_OK;
}

int
sk_vault_open(const sk_ctx *ctx, const uint8_t *ct, size_t len, const char *ad,
	      uint8_t *out, size_t out_size, size_t *out_len)
{
	unsigned long long plen = 0;

	if (ct == NULL || ad == NULL || out == NULL || out_len == NULL)
		return SK_ERR_INVALID;
	if (len < SK_VAULT_OVERHEAD)
		return SK_ERR_TAMPERED;
	if (len - SK_VAULT_OVERHEAD > out_size)
		return SK_ERR_TOOLONG;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
		    out, &plen, NULL, ct + NONCE_LEN, len - NONCE_LEN,
		    (const uint8_t *)ad, strlen(ad), ct, ctx->seal_key) != 0)
		return SK_ERR_TAMPERED;
	*out_len = (size_t)plen;
	return SK_OK;
}
