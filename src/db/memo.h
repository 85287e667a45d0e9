/*
 * memo.h — the rows of earlier reads, kept while the database has not changed (memo.c).
 *
 * db_query_memo (db.h) is the way in; this is the store beneath it, for db.c alone. Every
 * entry belongs to one data stamp (db_stamp): when the stamp moves on, the whole store is
 * stale and is dropped at the next put, so nothing is ever answered from data older than
 * the last commit the caller could know of.
 */
#ifndef ANQUAN_DB_MEMO_H
#define ANQUAN_DB_MEMO_H

#include <stddef.h>
#include <stdint.h>

enum memo_type { MEMO_NULL, MEMO_INT, MEMO_REAL, MEMO_TEXT, MEMO_BLOB };

struct memo_cell {
	enum memo_type type;
	int64_t i;		/* every cell as an integer, a real and text, as SQLite converts them */
	double d;
	size_t off, len;	/* its text (or blob) in the entry's bytes; off 0 is "" */
};

struct memo_rows;	/* one query's result: ncols cells a row */

/* Recording the rows of a run. */
struct memo_rows *memo_rows_new(int ncols);
void memo_rows_add(struct memo_rows *m, const struct memo_cell *row, const char *const *texts);
void memo_rows_free(struct memo_rows *m);	/* one not put */

/* Reading: rows, columns, a cell and the text behind it. */
int memo_rows_count(const struct memo_rows *m);
int memo_rows_cols(const struct memo_rows *m);
const struct memo_cell *memo_cell(const struct memo_rows *m, int row, int col);
const char *memo_text(const struct memo_rows *m, const struct memo_cell *cell);

/* The store: key is the SQL and its parameters; get holds a reference, put gives one up. */
struct memo_rows *memo_get(const char *key, size_t klen, uint64_t stamp);
void memo_put(const char *key, size_t klen, uint64_t stamp, struct memo_rows *m);
void memo_release(struct memo_rows *m);

struct memo_stats {
	uint64_t hits, misses, stored, dropped;
	size_t bytes;
};
void memo_stats(struct memo_stats *out);

#endif
