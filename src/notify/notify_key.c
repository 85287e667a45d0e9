/*
 * notify_key.c — the key that seals channel secrets (SMTP passwords, robot secrets, SMS
 * access keys, webhook secrets). DATA/notify.key holds 32 random bytes as hex (mode 0600),
 * created at first use and never stored in the database, as DATA/audit.key is for the audit
 * chain: a copy of anquan.db alone does not give away the plant's credentials.
 *
 * A sealed secret is hex(nonce || crypto_secretbox_easy(secret)); it is opened only when a
 * message is sent, and never shown back on a page.
 */
#include "notify/notify_chan.h"
#include "base/config.h"
#include "base/log.h"
#include "base/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned char key[crypto_secretbox_KEYBYTES];
static int have_key;
static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;

/* Read DATA/notify.key, creating it (temporary name, then link: two processes agree on one
 * key) when it is missing. 0 loaded, -1 not. */
static int key_load(void)
{
	struct strbuf path = STRBUF_INIT, tmp = STRBUF_INIT;
	int rc = -1;
	sb_addf(&path, "%s/notify.key", cfg.data);
	int fd = open(path.buf, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		unsigned char k[sizeof(key)];
		char hex[sizeof(k) * 2 + 2];
		randombytes_buf(k, sizeof(k));
		sodium_bin2hex(hex, sizeof(hex), k, sizeof(k));
		sodium_memzero(k, sizeof(k));
		strcat(hex, "\n");
		sb_addf(&tmp, "%s/.notify.key.%ld", cfg.data, (long)getpid());
		int w = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (w >= 0) {
			size_t n = strlen(hex);
			int ok = write(w, hex, n) == (ssize_t)n && fsync(w) == 0;
			close(w);
			if (ok && link(tmp.buf, path.buf) != 0 && errno != EEXIST)
				log_error("notify: cannot create %s: %s", path.buf, strerror(errno));
			unlink(tmp.buf);
		}
		sodium_memzero(hex, sizeof(hex));
		fd = open(path.buf, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0) {
		log_error("notify: cannot read %s: %s", path.buf, strerror(errno));
		goto done;
	}
	char hex[sizeof(key) * 2 + 8];
	ssize_t n = read(fd, hex, sizeof(hex) - 1);
	close(fd);
	hex[n > 0 ? n : 0] = '\0';
	size_t len = 0;
	if (sodium_hex2bin(key, sizeof(key), hex, strlen(hex), "\n", &len, NULL) == 0 && len == sizeof(key)) {
		have_key = 1;
		rc = 0;
	} else {
		log_error("notify: %s is not a key (64 hex digits)", path.buf);
	}
	sodium_memzero(hex, sizeof(hex));
done:
	sb_release(&path);
	sb_release(&tmp);
	return rc;
}

static int key_ready(void)
{
	pthread_mutex_lock(&key_lock);
	int ok = have_key || key_load() == 0;
	pthread_mutex_unlock(&key_lock);
	return ok;
}

char *notify_secret_seal(const char *secret)
{
	if (!secret || !*secret || !key_ready())
		return NULL;
	size_t mlen = strlen(secret);
	size_t blen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + mlen;
	unsigned char *box = xmalloc(blen);
	randombytes_buf(box, crypto_secretbox_NONCEBYTES);
	crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)secret, mlen, box, key);
	char *hex = xmalloc(blen * 2 + 1);
	sodium_bin2hex(hex, blen * 2 + 1, box, blen);
	free(box);
	return hex;
}

char *notify_secret_open(const char *sealed)
{
	if (!sealed || !*sealed || !key_ready())
		return NULL;
	size_t hl = strlen(sealed), blen = 0;
	unsigned char *box = xmalloc(hl / 2 + 1);
	char *out = NULL;
	if (sodium_hex2bin(box, hl / 2 + 1, sealed, hl, NULL, &blen, NULL) == 0 &&
	    blen >= crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
		size_t mlen = blen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
		out = xmalloc(mlen + 1);
		if (crypto_secretbox_open_easy((unsigned char *)out, box + crypto_secretbox_NONCEBYTES,
					       blen - crypto_secretbox_NONCEBYTES, box, key) != 0) {
			free(out);
			out = NULL;
		} else {
			out[mlen] = '\0';
		}
	}
	free(box);
	return out;
}
