/*
 * cmd_files.c — `anquan files export`: move the bytes of an existing database's photos and
 * files out into the file store of files.dir (db/blobstore.h).
 *
 * Resumable and idempotent: a blob is moved when its row still holds its bytes, in batches
 * each committed on its own, so an interrupted run goes on where it stopped and a second run
 * finds nothing to do. Each copy is read back and its SHA-256 checked against its name before
 * the row's bytes are emptied; a row whose stored bytes do not hash to its name is left as it
 * is and reported. The server may keep running (with files.dir set: a row it reads may be
 * either way, blob_get follows the row).
 */
#include "cli/cli.h"
#include "base/config.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/blobstore.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT_BATCH 100

static void usage(FILE *f)
{
	fprintf(f, "usage: anquan files export   (with files.dir set, e.g. --files.dir=DIR)\n\n"
		   "Move the bytes of every photo, voice note, signature, PDF and training material still\n"
		   "inside the database to the file store DIR (files.dir, also set in the configuration\n"
		   "file or as ANQUAN_FILES_DIR), named by their SHA-256 as DIR/ab/cd/<sha256>. Each copy\n"
		   "is written atomically, read back and checked before the database's bytes are removed.\n"
		   "Safe to interrupt and run again; the server may keep running if it has files.dir.\n");
}

/* Move one blob's bytes: 1 moved, 0 left (its stored bytes are not its name's), -1 error. */
static int move_one(struct db *c, const char *sha, size_t *moved_bytes)
{
	struct db_stmt *st = db_query(c, "SELECT bytes FROM blobs WHERE sha256 = ?", "t", sha);
	int rc = -1;
	if (st && db_step(st) == 1) {
		const void *b = db_col_blob(st, 0);
		size_t n = db_col_bytes(st, 0);
		char h[65];
		text_sha256_hex(b, n, h);
		if (!n) {
			rc = 1;	/* moved meanwhile (another run, or stored anew by a server) */
		} else if (strcmp(h, sha)) {
			fprintf(stderr, "anquan files export: blob %s: its stored bytes hash to %s: left inside\n", sha, h);
			rc = 0;
		} else if (blob_file_write(cfg.files_dir, sha, b, n)) {
			perror("anquan files export: write");
		} else {
			unsigned char *back = NULL;
			size_t m = 0;
			int r = blob_file_read(cfg.files_dir, sha, &back, &m);
			free(back);
			if (r == 1 && m == n) {
				*moved_bytes += n;
				rc = 1;
			} else {
				fprintf(stderr, "anquan files export: blob %s: the copy does not read back as written\n", sha);
			}
		}
	}
	db_done(c, st);
	return rc;
}

static int files_export(void)
{
	struct db *c = cli_open_db();
	if (!c)
		return 1;
	int64_t total = 0, total_bytes = 0;
	db_get_i64(c, &total, "SELECT count(*) FROM blobs WHERE length(bytes) > 0", NULL);
	db_get_i64(c, &total_bytes, "SELECT coalesce(sum(length(bytes)), 0) FROM blobs WHERE length(bytes) > 0", NULL);
	if (!total) {
		printf("files export: nothing to move: every blob is already in the file store\n");
		db_close(c);
		return 0;
	}
	printf("files export: %lld blobs (%.1f MB) to move to %s\n", (long long)total, (double)total_bytes / 1e6,
	       cfg.files_dir);
	char after[65] = "";
	int64_t moved = 0, left = 0;
	size_t moved_bytes = 0;
	int rc = 0;
	for (;;) {
		char shas[EXPORT_BATCH][65];
		int n = 0;
		/* in hash order, past the last batch: a blob left inside is not met again */
		struct db_stmt *st = db_query(c, "SELECT sha256 FROM blobs WHERE length(bytes) > 0 AND sha256 > ?"
						 " ORDER BY sha256 LIMIT ?", "ti", after, EXPORT_BATCH);
		while (st && db_step(st) == 1 && n < EXPORT_BATCH)
			snprintf(shas[n++], 65, "%s", db_col_text(st, 0));
		db_done(c, st);
		if (!st) {
			rc = 1;
			break;
		}
		if (!n)
			break;
		snprintf(after, sizeof(after), "%s", shas[n - 1]);
		int ok[EXPORT_BATCH];
		for (int i = 0; i < n; i++) {
			ok[i] = move_one(c, shas[i], &moved_bytes);
			if (ok[i] < 0)
				rc = 1;
			if (ok[i] == 0)
				left++;
		}
		/* the files are on disk and checked: now the rows let go of their bytes */
		if (db_begin(c) != DB_OK) {
			rc = 1;
			break;
		}
		int bad = 0;
		for (int i = 0; i < n && !bad; i++)
			if (ok[i] == 1)
				bad = db_exec(c, "UPDATE blobs SET bytes = ? WHERE sha256 = ? AND length(bytes) > 0", "bt",
					      (const void *)"", (size_t)0, (const char *)shas[i]) != DB_OK;
		if (bad || db_commit(c) != DB_OK) {
			db_rollback(c);
			rc = 1;
			break;
		}
		for (int i = 0; i < n; i++)
			moved += ok[i] == 1;
		printf("files export: %lld/%lld moved (%.1f MB)\n", (long long)moved, (long long)total,
		       (double)moved_bytes / 1e6);
		fflush(stdout);
		if (rc)
			break;
	}
	db_close(c);
	if (rc) {
		fprintf(stderr, "anquan files export: stopped after an error; run it again to go on\n");
		return 1;
	}
	printf("files export: done: %lld moved%s", (long long)moved, left ? "" : "\n");
	if (left)
		printf(", %lld left inside (their bytes do not match their name; see above)\n", (long long)left);
	return left ? 1 : 0;
}

int cmd_files(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		usage(stdout);
		return 0;
	}
	if (argc != 2 || strcmp(argv[1], "export")) {
		usage(stderr);
		return 2;
	}
	if (!blob_store_enabled()) {
		fprintf(stderr, "anquan files export: files.dir is not set: give --files.dir=DIR (the directory"
				" every app server will read)\n");
		return 2;
	}
	return files_export();
}
