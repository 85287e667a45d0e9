/*
 * audit_anchor.c — the two files that keep the audit log honest from outside the database.
 *
 * DATA/audit.key holds the HMAC-SHA256 key of the chain (64 hex digits, mode 0600). It is
 * created once, at the first start, and never stored in the database: whoever can edit
 * anquan.db (a copy of it, a restored backup, a DBA with the sqlite3 shell) but not this file
 * cannot recompute a chain that verifies.
 *
 * DATA/audit.anchor is append-only text, one line per commit that appended audit entries:
 *   "SEQ HASH TIME\n"          the chain's head after that commit
 *   "SEQ HASH TIME restore\n"  written by `anquan restore`: the head starts again from here
 * so deleting the newest rows or emptying the table (which a keyed chain alone cannot show:
 * a shorter chain is still a valid chain) leaves the anchor ahead of the table.
 *
 * Why each commit and not every N seconds: a line per commit costs one write(2) while the
 * write lock is held (microseconds, next to the 0.2–0.4 ms fsync of the commit itself), and
 * leaves no window in which the newest rows can be deleted unnoticed. The line is not fsynced
 * (that would double the cost of a durable commit): a process crash loses nothing (the write
 * has reached the kernel), and a power cut can lose the last lines, which only leaves the
 * anchor a few rows *behind* the table. Verify accepts an anchor behind the table (it reports
 * how many entries are not yet anchored) and fails only on an anchor *ahead* of it, which no
 * crash produces when the commit is durable (db.synchronous = FULL, the default: the commit
 * is on disk before its anchor line is written). With NORMAL a power cut can lose commits
 * whose anchor line survived; docs/operations.md says so.
 *
 * The lines are written after COMMIT, with the process's write lock still held, so within one
 * process they are in order; two processes (the server and `anquan user passwd`) may
 * interleave by a line, which is why the reader takes the highest SEQ, not the last line.
 */
#include "audit/audit.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How much of the anchor file's end the reader looks at: ~700 lines. The newest head is
 * always in it; older lines are history that the keyed chain itself protects. */
#define ANCHOR_TAIL 65536

static unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
static int have_key;
static char key_id[17];
static int anchor_fd = -1;
static char *anchor_file;

static char *path_in(const char *dir, const char *name)
{
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, "%s/%s", dir, name);
	return sb_detach(&sb, NULL);
}

static void set_err(char **err, const char *fmt, const char *a, const char *b)
{
	if (!err)
		return;
	struct strbuf sb = STRBUF_INIT;
	sb_addf(&sb, fmt, a, b);
	*err = sb_detach(&sb, NULL);
}

/* Write a fresh random key under a temporary name and link it into place, so that two
 * processes starting at once agree on one key (link fails for the second) and a crash never
 * leaves a half-written key file under the real name. */
static int key_create(const char *dir, const char *path, char **err)
{
	unsigned char k[sizeof(key)];
	char hex[sizeof(k) * 2 + 2];
	randombytes_buf(k, sizeof(k));
	sodium_bin2hex(hex, sizeof(hex), k, sizeof(k));
	sodium_memzero(k, sizeof(k));
	strcat(hex, "\n");
	struct strbuf tmp = STRBUF_INIT;
	sb_addf(&tmp, "%s/.audit.key.%ld", dir, (long)getpid());
	int fd = open(tmp.buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int rc = -1;
	if (fd < 0) {
		set_err(err, "cannot create %s: %s", tmp.buf, strerror(errno));
		goto done;
	}
	size_t n = strlen(hex);
	if (write(fd, hex, n) != (ssize_t)n || fsync(fd) != 0) {
		set_err(err, "cannot write %s: %s", tmp.buf, strerror(errno));
		close(fd);
		goto done;
	}
	close(fd);
	if (link(tmp.buf, path) != 0 && errno != EEXIST) {
		set_err(err, "cannot create %s: %s", path, strerror(errno));
		goto done;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	rc = 0;
done:
	unlink(tmp.buf);
	sodium_memzero(hex, sizeof(hex));
	sb_release(&tmp);
	return rc;
}

static int key_read(const char *path, char **err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		set_err(err, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	struct stat sbuf;
	if (fstat(fd, &sbuf) == 0 && (sbuf.st_mode & 077))
		log_warn("audit: %s is readable by others (mode %03o); chmod 600 it",
			 path, (unsigned)(sbuf.st_mode & 0777));
	char hex[sizeof(key) * 2 + 8];
	ssize_t n = read(fd, hex, sizeof(hex) - 1);
	close(fd);
	if (n < 0)
		n = 0;
	hex[n] = '\0';
	size_t bin_len = 0;
	const char *end = NULL;
	int rc = sodium_hex2bin(key, sizeof(key), hex, (size_t)n, "\n", &bin_len, &end);
	sodium_memzero(hex, sizeof(hex));
	if (rc != 0 || bin_len != sizeof(key)) {
		set_err(err, "%s is not an audit key (64 hex digits)%s", path, "");
		return -1;
	}
	/* the id names the key in the database without revealing it */
	unsigned char id[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256(id, (const unsigned char *)"anquan audit key id", 19, key);
	sodium_bin2hex(key_id, sizeof(key_id), id, 8);
	have_key = 1;
	return 0;
}

int audit_open(const char *data_dir, int *created, char **err)
{
	audit_close();
	char *kpath = path_in(data_dir, "audit.key");
	int rc = -1;
	if (created)
		*created = 0;
	if (access(kpath, F_OK) != 0 && errno == ENOENT) {
		if (key_create(data_dir, kpath, err))
			goto done;
		if (created)
			*created = 1;
	}
	if (key_read(kpath, err))
		goto done;
	anchor_file = path_in(data_dir, "audit.anchor");
	anchor_fd = open(anchor_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (anchor_fd < 0) {
		set_err(err, "cannot open %s: %s", anchor_file, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	free(kpath);
	if (rc)
		audit_close();
	return rc;
}

void audit_close(void)
{
	if (anchor_fd >= 0) {
		fsync(anchor_fd);
		close(anchor_fd);
	}
	anchor_fd = -1;
	free(anchor_file);
	anchor_file = NULL;
	sodium_memzero(key, sizeof(key));
	have_key = 0;
	key_id[0] = '\0';
}

const unsigned char *audit_key(void)
{
	return have_key ? key : NULL;
}

const char *audit_key_id(void)
{
	return have_key ? key_id : NULL;
}

const char *audit_anchor_path(void)
{
	return anchor_file;
}

int audit_anchor_write(int64_t seq, const char *hash, const char *tag)
{
	if (anchor_fd < 0)
		return 0;	/* no data directory (unit tests on :memory:) */
	char line[128];
	int n = snprintf(line, sizeof(line), "%lld %s %lld%s%s\n", (long long)seq, hash,
			 (long long)clock_now(), tag ? " " : "", tag ? tag : "");
	if (n <= 0 || (size_t)n >= sizeof(line) || write(anchor_fd, line, (size_t)n) != n) {
		log_error("audit: cannot append to %s: %s", anchor_file, strerror(errno));
		return -1;
	}
	return 0;
}

void audit_anchor_sync(void)
{
	if (anchor_fd >= 0)
		fsync(anchor_fd);
}

/* The head the anchor file records: the highest SEQ among the lines after the last
 * "restore" line in its tail. A torn last line (power cut mid-write) does not parse and is
 * skipped. Returns 0 (found), 1 (no line yet), -1 (cannot read). */
int audit_anchor_read(const char *path, struct audit_head *out)
{
	memset(out, 0, sizeof(*out));
	if (!path)
		return 1;
	FILE *f = fopen(path, "r");
	if (!f)
		return errno == ENOENT ? 1 : -1;
	long start = 0;
	if (fseek(f, 0, SEEK_END) == 0) {
		long size = ftell(f);
		start = size > ANCHOR_TAIL ? size - ANCHOR_TAIL : 0;
	}
	fseek(f, start, SEEK_SET);
	char line[256];
	int first = start > 0, found = 0;
	while (fgets(line, sizeof(line), f)) {
		size_t len = strlen(line);
		if (first) {	/* the tail starts mid-line */
			first = 0;
			continue;
		}
		if (!len || line[len - 1] != '\n')
			continue;
		long long seq = 0, at = 0;
		char hash[65], tag[16] = "";
		int k = sscanf(line, "%lld %64[0-9a-f] %lld %15s", &seq, hash, &at, tag);
		int restore = k == 4 && strcmp(tag, "restore") == 0;
		if (k < 3 || seq < 0 || (seq == 0 && !restore) || strlen(hash) != 64)
			continue;
		if (restore || !found || seq > out->seq) {
			out->seq = seq;
			out->at = at;
			memcpy(out->hash, hash, sizeof(out->hash));
			found = 1;
		}
	}
	fclose(f);
	return found ? 0 : 1;
}
