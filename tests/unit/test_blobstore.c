/*
 * test_blobstore.c — the blob store (src/db/blobstore.c): files named by their hash under a
 * two-level fan-out, read back only when their content still hashes to the name, and the
 * rows of `blobs` holding the bytes or not according to files.dir.
 */
#include "unit.h"
#include "base/config.h"
#include "base/text.h"
#include "db/blobstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *tmpdir_new(void)
{
	char tmpl[] = "/tmp/anquan-blob-XXXXXX";
	char *d = mkdtemp(tmpl);
	return d ? strdup(d) : NULL;
}

static void rm_rf(const char *d)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", d);
}

TEST(blob_file_is_named_by_its_hash_fanned_out_and_refused_when_changed)
{
	char *dir = tmpdir_new();
	CHECK(dir != NULL);
	const char *text = "安全 photo bytes";
	char sha[65], path[512];
	text_sha256_hex(text, strlen(text), sha);
	CHECK_INT(blob_file_write(dir, sha, text, strlen(text)), 0);
	snprintf(path, sizeof(path), "%s/%.2s/%.2s/%s", dir, sha, sha + 2, sha);
	struct stat sb;
	CHECK(stat(path, &sb) == 0 && (size_t)sb.st_size == strlen(text));
	unsigned char *out = NULL;
	size_t n = 0;
	CHECK_INT(blob_file_read(dir, sha, &out, &n), 1);
	CHECK(n == strlen(text) && out && !memcmp(out, text, n));
	free(out);
	/* written again with the same bytes: kept, still one file */
	CHECK_INT(blob_file_write(dir, sha, text, strlen(text)), 0);
	/* changed on disk: refused */
	FILE *f = fopen(path, "r+b");
	CHECK(f != NULL);
	if (f) {
		fputc('X', f);
		fclose(f);
	}
	CHECK_INT(blob_file_read(dir, sha, &out, &n), -2);
	CHECK(out == NULL);
	/* a name that is not a hash never becomes a path */
	CHECK_INT(blob_file_read(dir, "../../etc/passwd", &out, &n), 0);
	CHECK(blob_file_write(dir, "../x", text, 3) != 0);
	char other[65];
	text_sha256_hex("other", 5, other);
	CHECK_INT(blob_file_read(dir, other, &out, &n), 0);
	rm_rf(dir);
	free(dir);
}

TEST(blob_put_keeps_bytes_in_the_row_by_default_and_in_files_with_files_dir)
{
	struct db *c = unit_db();
	const char *saved = cfg.files_dir;
	char *dir = tmpdir_new();
	const char *a = "bytes kept inside", *b = "bytes kept in a file";
	char sa[65], sbh[65];
	text_sha256_hex(a, strlen(a), sa);
	text_sha256_hex(b, strlen(b), sbh);
	const struct blob_meta m = {.mime = "application/octet-stream", .created_at = 1};

	cfg.files_dir = "";
	CHECK_INT(blob_put(c, sa, a, strlen(a), &m), DB_OK);
	int64_t len = -1;
	db_get_i64(c, &len, "SELECT length(bytes) FROM blobs WHERE sha256 = ?", "t", sa);
	CHECK_INT(len, (int64_t)strlen(a));
	/* the wrong bytes for a name, and no bytes at all, are refused */
	CHECK(blob_put(c, sa, b, strlen(b), &m) != DB_OK);
	CHECK(blob_put(c, sbh, "", 0, &m) != DB_OK);

	cfg.files_dir = dir;
	CHECK_INT(blob_put(c, sbh, b, strlen(b), &m), DB_OK);
	db_get_i64(c, &len, "SELECT length(bytes) FROM blobs WHERE sha256 = ?", "t", sbh);
	CHECK_INT(len, 0);
	struct blob got;
	CHECK_INT(blob_get(c, sbh, &got), 1);
	CHECK(got.len == strlen(b) && !memcmp(got.bytes, b, got.len));
	CHECK_STR(got.mime, "application/octet-stream");
	blob_free(&got);
	/* a row still holding its bytes is read from the row, whatever the setting */
	CHECK_INT(blob_get(c, sa, &got), 1);
	CHECK(got.len == strlen(a) && !memcmp(got.bytes, a, got.len));
	blob_free(&got);
	/* a range of a file's bytes */
	CHECK_INT(blob_get_range(c, sbh, 6, 4, &got), 1);
	CHECK(got.len == 4 && !memcmp(got.bytes, "kept", 4));
	blob_free(&got);
	/* deleting removes the file with the row */
	char path[512];
	snprintf(path, sizeof(path), "%s/%.2s/%.2s/%s", dir, sbh, sbh + 2, sbh);
	CHECK(access(path, F_OK) == 0);
	CHECK_INT(blob_delete(c, sbh), DB_OK);
	CHECK(access(path, F_OK) != 0);
	CHECK_INT(blob_exists(c, sbh), 0);
	CHECK_INT(blob_get(c, sbh, &got), 0);

	cfg.files_dir = saved;
	rm_rf(dir);
	free(dir);
	db_close(c);
}
