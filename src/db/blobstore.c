/*
 * blobstore.c — content-addressed bytes in the database or in files.dir (blobstore.h).
 *
 * The row in `blobs` is written in every mode, in the caller's transaction; only where the
 * bytes go differs. A file is written before its row (inside the same write transaction, so
 * a clean-up on another app server, which also deletes under the write lock, cannot remove
 * it in between): a crash between the two leaves a file without a row, which nothing reads
 * and the next upload of the same bytes reuses; never a row without its file.
 */
#include "db/blobstore.h"
#include "db/db.h"
#include "base/config.h"
#include "base/log.h"
#include "base/strbuf.h"
#include "base/text.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the largest blob read back from a file: a training material's limit is below this */
#define BLOB_FILE_MAX ((size_t)512 * 1024 * 1024)

int blob_store_enabled(void)
{
	return cfg.files_dir && *cfg.files_dir;
}

int blob_sha_valid(const char *sha)
{
	return sha && strlen(sha) == 64 && strspn(sha, "0123456789abcdef") == 64;
}

/* DIR/ab/cd/<sha>; with file == NULL only the directory DIR/ab/cd */
static void blob_path(char *out, size_t cap, const char *dir, const char *sha, int file)
{
	if (file)
		snprintf(out, cap, "%s/%.2s/%.2s/%s", dir, sha, sha + 2, sha);
	else
		snprintf(out, cap, "%s/%.2s/%.2s", dir, sha, sha + 2);
}

static int mkdir_one(const char *p)
{
	return mkdir(p, 0750) == 0 || errno == EEXIST ? 0 : -1;
}

/* fsync a directory, so that a rename or a new entry in it survives a crash */
static void sync_dir(const char *p)
{
	int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int blob_file_read(const char *dir, const char *sha, unsigned char **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (!blob_sha_valid(sha))
		return 0;
	char path[PATH_MAX];
	blob_path(path, sizeof(path), dir, sha, 1);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	struct stat sb;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || (size_t)sb.st_size > BLOB_FILE_MAX) {
		close(fd);
		return -1;
	}
	size_t len = (size_t)sb.st_size, got = 0;
	unsigned char *buf = malloc(len ? len : 1);
	if (!buf) {
		close(fd);
		return -1;
	}
	while (got < len) {
		ssize_t r = read(fd, buf + got, len - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != len) {
		free(buf);
		return -1;
	}
	char h[65];
	text_sha256_hex(buf, len, h);
	if (strcmp(h, sha) != 0) {
		free(buf);
		return -2;
	}
	*out = buf;
	*n = len;
	return 1;
}

int blob_file_write(const char *dir, const char *sha, const void *bytes, size_t n)
{
	if (!blob_sha_valid(sha)) {
		errno = EINVAL;
		return -1;
	}
	/* already there with the right content (a second upload, a resumed export): keep it */
	unsigned char *old = NULL;
	size_t oldn = 0;
	if (blob_file_read(dir, sha, &old, &oldn) == 1) {
		free(old);
		return 0;
	}
	char d1[PATH_MAX], d2[PATH_MAX], path[PATH_MAX], tmp[PATH_MAX + 32];
	snprintf(d1, sizeof(d1), "%s/%.2s", dir, sha);
	blob_path(d2, sizeof(d2), dir, sha, 0);
	blob_path(path, sizeof(path), dir, sha, 1);
	if (mkdir_one(dir) || mkdir_one(d1) || mkdir_one(d2))
		return -1;
	/* a name no other writer uses: the host's pid is unique on the host, the random part
	 * across the app servers sharing the directory */
	unsigned r = 0;
	FILE *u = fopen("/dev/urandom", "rb");
	if (u) {
		if (fread(&r, sizeof(r), 1, u) != 1)
			r = 0;
		fclose(u);
	}
	snprintf(tmp, sizeof(tmp), "%s/.tmp-%s-%ld-%08x", d2, sha, (long)getpid(), r);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0)
		return -1;
	if (write_all(fd, bytes, n) || fsync(fd)) {
		int e = errno;
		close(fd);
		unlink(tmp);
		errno = e;
		return -1;
	}
	if (close(fd) || rename(tmp, path)) {
		int e = errno;
		unlink(tmp);
		errno = e;
		return -1;
	}
	sync_dir(d2);
	return 0;
}

int blob_put(struct db *c, const char *sha, const void *bytes, size_t n, const struct blob_meta *m)
{
	char h[65];
	if (!blob_sha_valid(sha) || !n) {
		log_error("blob store: refused a blob with no bytes or a malformed name");
		return DB_ERROR;
	}
	text_sha256_hex(bytes, n, h);
	if (strcmp(h, sha) != 0) {
		log_error("blob store: bytes given for %.12s hash to %.12s", sha, h);
		return DB_ERROR;
	}
	int in_file = blob_store_enabled();
	if (in_file && blob_file_write(cfg.files_dir, sha, bytes, n)) {
		log_error("blob store: cannot write %.12s under %s: %s", sha, cfg.files_dir, strerror(errno));
		return DB_ERROR;
	}
	return db_exec(c, "INSERT INTO blobs (sha256, mime, bytes, width, height, taken_at, thumb_sha256, created_at)"
			  " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO UPDATE"
			  " SET thumb_sha256 = excluded.thumb_sha256 WHERE blobs.thumb_sha256 IS NULL",
		       "ttbiiItI", sha, m->mime, in_file ? (const void *)"" : bytes, in_file ? (size_t)0 : n,
		       m->width, m->height, m->taken_at, m->thumb_sha, m->created_at);
}

int blob_get(struct db *c, const char *sha, struct blob *out)
{
	memset(out, 0, sizeof(*out));
	if (!blob_sha_valid(sha))
		return 0;
	struct db_stmt *st = db_query(c, "SELECT mime, bytes FROM blobs WHERE sha256 = ?", "t", sha);
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == 1) {
		size_t n = db_col_bytes(st, 1);
		out->mime = xstrdup(db_col_text(st, 0));
		if (n) {
			out->bytes = xmalloc(n);
			memcpy(out->bytes, db_col_blob(st, 1), n);
			out->len = n;
		}
	}
	db_done(c, st);
	if (rc != 1)
		return rc < 0 ? DB_ERROR : 0;
	if (out->len)
		return 1;
	/* the bytes are in the file store */
	if (!blob_store_enabled()) {
		log_error("blob %.12s is in the file store, but files.dir is not set", sha);
		blob_free(out);
		return DB_ERROR;
	}
	int f = blob_file_read(cfg.files_dir, sha, &out->bytes, &out->len);
	if (f == 1)
		return 1;
	if (f == -2)
		log_error("blob store: %s/%.2s/%.2s/%s does not hash to its name: refused", cfg.files_dir, sha,
			  sha + 2, sha);
	else
		log_error("blob store: %.12s: the file under %s is %s", sha, cfg.files_dir,
			  f == 0 ? "missing" : "unreadable");
	blob_free(out);
	return DB_ERROR;
}

int blob_get_range(struct db *c, const char *sha, size_t from, size_t n, struct blob *out)
{
	memset(out, 0, sizeof(*out));
	if (!blob_sha_valid(sha))
		return 0;
	/* PostgreSQL's substr of bytea takes 4-byte integers, and the db layer binds 8-byte ones */
	struct db_stmt *st = db_query(c, "SELECT mime, length(bytes), substr(bytes, CAST(? AS INTEGER), CAST(? AS INTEGER))"
				      " FROM blobs WHERE sha256 = ?", "IIt", (int64_t)from + 1, (int64_t)n, sha);
	if (!st)
		return DB_ERROR;
	int rc = db_step(st), in_file = 0;
	if (rc == 1) {
		size_t got = db_col_bytes(st, 2);
		in_file = db_col_i64(st, 1) == 0;
		out->mime = xstrdup(db_col_text(st, 0));
		out->bytes = xmalloc(got ? got : 1);
		if (got)
			memcpy(out->bytes, db_col_blob(st, 2), got);
		out->len = got;
	}
	db_done(c, st);
	if (rc != 1)
		return rc < 0 ? DB_ERROR : 0;
	if (!in_file)
		return 1;
	blob_free(out);
	struct blob whole;
	int g = blob_get(c, sha, &whole);
	if (g != 1)
		return g;
	size_t a = from < whole.len ? from : whole.len, m = whole.len - a < n ? whole.len - a : n;
	memmove(whole.bytes, whole.bytes + a, m);
	whole.len = m;
	*out = whole;
	return 1;
}

void blob_free(struct blob *b)
{
	free(b->bytes);
	free(b->mime);
	memset(b, 0, sizeof(*b));
}

int blob_exists(struct db *c, const char *sha)
{
	int64_t n = 0;
	int rc = db_get_i64(c, &n, "SELECT count(*) FROM blobs WHERE sha256 = ?", "t", sha);
	return rc < 0 ? rc : n > 0;
}

int blob_delete(struct db *c, const char *sha)
{
	int64_t len = -1;
	if (db_get_i64(c, &len, "SELECT length(bytes) FROM blobs WHERE sha256 = ?", "t", sha) < 0)
		return DB_ERROR;
	if (db_exec(c, "DELETE FROM blobs WHERE sha256 = ?", "t", sha) != DB_OK)
		return DB_ERROR;
	if (len == 0 && blob_store_enabled() && blob_sha_valid(sha)) {
		char path[PATH_MAX];
		blob_path(path, sizeof(path), cfg.files_dir, sha, 1);
		if (unlink(path) && errno != ENOENT)
			log_warn("blob store: cannot remove %s: %s", path, strerror(errno));
	}
	return DB_OK;
}
