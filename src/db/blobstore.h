/*
 * blobstore.h — the one place content-addressed bytes (photos and their originals and
 * thumbnails, voice notes, signatures, plan PDFs, training materials) are written and read.
 *
 * Every such blob has a row in `blobs` (sha256, mime, size in pixels, thumbnail, time), named
 * by the SHA-256 of its bytes. Where the bytes live is the store's business, not the
 * modules':
 *   - by default (files.dir unset) in the row's `bytes` column, so one database backup holds
 *     everything (SQLite's embedded default);
 *   - with files.dir set, in a file DIR/ab/cd/<sha256> (two levels of fan-out by the hash's
 *     first four hex digits) and the row's `bytes` empty. The directory may be shared by
 *     several app servers over a network file system; each file is written to a temporary
 *     name, fsync'd and renamed, so a reader sees all of it or nothing, and its hash is
 *     checked on every read, so a file changed on disk is refused rather than served.
 * A row may be in either state whatever the setting (an older database; `anquan files
 * export` moves them out one by one), and a read follows the row: an empty `bytes` means the
 * file. No real blob is empty (every upload path refuses zero bytes), and blob_put refuses
 * one, so the two states cannot be confused.
 *
 * Access checks stay with the callers: they decide who may see a hash, then ask for its
 * bytes here.
 */
#ifndef ANQUAN_BLOBSTORE_H
#define ANQUAN_BLOBSTORE_H

#include <stddef.h>
#include <stdint.h>

struct db;

/* What a blob's row says about it besides its bytes. */
struct blob_meta {
	const char *mime;
	int width, height;		/* pixels, 0 for what is not an image */
	int64_t taken_at;		/* EXIF capture time, 0 when unknown */
	const char *thumb_sha;		/* the thumbnail's hash (itself a blob), or NULL */
	int64_t created_at;
};

/* Store bytes under sha (their SHA-256, checked here). Inside the caller's write
 * transaction. Idempotent: a hash already stored keeps its row, except that a row without a
 * thumbnail gets this one (an original later uploaded as an ordinary photo). DB_OK or an
 * error (logged). */
int blob_put(struct db *c, const char *sha, const void *bytes, size_t n, const struct blob_meta *m);

/* A blob's bytes, read from wherever its row says they are. */
struct blob {
	unsigned char *bytes;	/* malloc'd; blob_free */
	size_t len;
	char *mime;		/* malloc'd */
};
/* 1 found, 0 no such blob, <0 an error: the file is missing, unreadable or its hash is not
 * its name (logged, and counted as a tampered file). */
int blob_get(struct db *c, const char *sha, struct blob *out);
/* Bytes [from, from + n) of a blob (a range request): cut by the database when they are
 * inside it; a file is read and verified whole, then cut. Same answers as blob_get. */
int blob_get_range(struct db *c, const char *sha, size_t from, size_t n, struct blob *out);
void blob_free(struct blob *b);
/* 1 when the blob's row exists, 0 not, <0 error. */
int blob_exists(struct db *c, const char *sha);
/* Delete the row and, when its bytes are in the file store, the file. Inside the caller's
 * write transaction, which serialises it with blob_put's writes on every app server; the
 * file goes at once (a rolled-back delete then finds no file: the caller commits right
 * after, as the clean-up job does). DB_OK or error. */
int blob_delete(struct db *c, const char *sha);

/* The file store itself, for `anquan files export` and `anquan migrate-to-pg`. */
int blob_store_enabled(void);				/* files.dir is set */
/* Write bytes as DIR/ab/cd/<sha> atomically (temporary file, fsync, rename, fsync of the
 * directory); an existing file with the right content is kept. 0 or -1 (errno set). */
int blob_file_write(const char *dir, const char *sha, const void *bytes, size_t n);
/* Read and verify DIR/ab/cd/<sha>: 1 read (out malloc'd), 0 no such file, -1 unreadable,
 * -2 its content does not hash to its name. */
int blob_file_read(const char *dir, const char *sha, unsigned char **out, size_t *n);
/* A well-formed name: 64 lower-case hex digits (nothing else ever becomes a path). */
int blob_sha_valid(const char *sha);

#endif
