/*
 * db.h — the database layer every module uses (SQLite behind it, in db.c).
 *
 * A `struct db` is one connection, used by one thread at a time; the pool hands one to each
 * request. Statements are prepared once per connection and cached by their SQL text.
 *
 * Binding is by a type string, one letter per `?`:
 *   'i' int   'I' int64_t   'd' double   't' const char * (NULL binds NULL)
 *   'b' const void *, size_t (blob)     'n' nothing (binds NULL)
 *
 * Placeholders are `?`, numbered in order, or `?N` where one value is used more than once
 * (the optional-filter idiom `(?4 = '' OR h.status = ?4)`); a bare `?` after `?N` takes one more
 * than the largest number before it (SQLite's rule). A second backend rewrites both forms to
 * its own ($N for PostgreSQL), so the SQL text stays one for both.
 *
 * SQLite is the default; a postgresql:// URL (db.url) opens PostgreSQL instead (pg.c). Both
 * run the same SQL: write it in the subset they share (docs/architecture.md lists it).
 *
 * Nothing above this layer names SQLite: a statement is the opaque `struct db_stmt`, read with
 * db_col_*; tests/check-static fails on any sqlite3_ outside src/db.
 *
 * Writes go inside db_begin()/db_commit(): BEGIN IMMEDIATE behind a process-wide mutex, so
 * that writers queue in the process instead of spinning on SQLITE_BUSY and no "database is
 * locked" error reaches a user. Keep SQL in the subset PostgreSQL also accepts (no INSERT OR
 * REPLACE, no backtick quoting; use ON CONFLICT and RETURNING, which both support).
 */
#ifndef ANQUAN_DB_H
#define ANQUAN_DB_H

#include <stddef.h>
#include <stdint.h>

enum {
	DB_OK = 0,
	DB_ERROR = -1,
	DB_CONSTRAINT = -2,	/* a UNIQUE/FOREIGN KEY/CHECK violation: usually the user's input */
	DB_NOTFOUND = -3,
};

struct db;
struct db_stmt;		/* a prepared statement of the backend, owned by its connection */

struct db *db_open(const char *path, char **err);	/* a file or a postgresql:// URL; err is malloc'd */
void db_close(struct db *c);
const char *db_errmsg(struct db *c);

/* Prepare (or reuse) and bind. Returns NULL on error (logged). Step with db_step, end with db_done. */
struct db_stmt *db_query(struct db *c, const char *sql, const char *types, ...);
/* db_query for a statement whose best plan depends on its values (a list whose filters and
 * the person's data scope decide which index leads and how many rows it meets). PostgreSQL
 * plans a prepared statement for its values five times, then settles on one generic plan
 * if that looks no dearer; for the hazard list's "mine, open" it was 11 times slower (28 →
 * 310 ms at a million hazards). This one it plans with its values on every run. */
struct db_stmt *db_query_replan(struct db *c, const char *sql, const char *types, ...);
int db_step(struct db_stmt *st);		/* 1 row, 0 done, <0 error */
/* A read whose rows depend on nothing but the database and its parameters (no clock, no
 * random() in the SQL: pass the time as a parameter, or use db_query): on SQLite its rows
 * are kept (memo.c) and replayed to the next caller of the same SQL and parameters while no
 * row has been committed anywhere since, by this process or another. Inside a transaction,
 * under another statement's loop, or on PostgreSQL it is db_query. */
struct db_stmt *db_query_memo(struct db *c, const char *sql, const char *types, ...);
/* A number that moves on whenever a row of the database may have changed; 0 where none can
 * be known (PostgreSQL, inside a transaction or under a running statement). */
uint64_t db_stamp(struct db *c);
void db_done(struct db *c, struct db_stmt *st);

/* Run a statement that returns no rows (or ignore them). Returns DB_OK or an error. */
int db_exec(struct db *c, const char *sql, const char *types, ...);
/* Run a script of several statements, no parameters (migrations). */
int db_exec_script(struct db *c, const char *sql);
int64_t db_last_id(struct db *c);
int db_changes(struct db *c);

/* One-value queries: 1 found, 0 no row, <0 error. Text is malloc'd (caller frees). */
int db_get_i64(struct db *c, int64_t *out, const char *sql, const char *types, ...);
int db_get_text(struct db *c, char **out, const char *sql, const char *types, ...);

const char *db_col_text(struct db_stmt *st, int i);	/* never NULL: "" for NULL */
int64_t db_col_i64(struct db_stmt *st, int i);
double db_col_double(struct db_stmt *st, int i);
int db_col_null(struct db_stmt *st, int i);
/* A blob column: its bytes (valid until the next step or db_done; NULL when empty) and length. */
const void *db_col_blob(struct db_stmt *st, int i);
size_t db_col_bytes(struct db_stmt *st, int i);
int db_col_count(struct db_stmt *st);

/* The statement cache, summed over every connection of the process: a hit reuses a prepared
 * statement, a miss prepares one, an eviction finalizes the least recently used to make room.
 * The server logs them when it stops; bench/sqlloop prints them. */
struct db_cache_stats {
	uint64_t hits, misses, evictions;
	uint64_t reprepares;	/* cached statements SQLite compiled again before a run */
};
void db_cache_stats(struct db_cache_stats *out);

/* One read snapshot for a run of reads (a GET request: router.c): BEGIN, so that its
 * statements share one WAL read transaction instead of opening and closing one each, and
 * see one state of the data. db_begin, a writing statement or a memoized read
 * (db_query_memo) ends it first, and runs as without it. SQLite only; no-ops otherwise. */
void db_request_read_begin(struct db *c);
void db_request_read_end(struct db *c);
int db_begin(struct db *c);		/* BEGIN IMMEDIATE, holds the write lock */
int db_commit(struct db *c);
void db_rollback(struct db *c);
int db_in_tx(struct db *c);
/* A function called after each COMMIT (committed = 1) or ROLLBACK (0) of a db_begin()
 * transaction, with the write lock still held, so calls come in commit order. The audit log
 * writes its head outside the database with it; one hook, set by the audit module. */
void db_set_tx_hook(void (*fn)(int committed));

/* A module's full-text tokenizer, registered by name on every connection before the
 * migrations run (a search table names its tokenizer). The module's function splits text and
 * calls emit once per token with its byte offsets; the backend does the rest (an FTS5
 * tokenizer for SQLite). db sits below the modules, so it walks this list, ended by an entry
 * with a NULL name, which app/registry.c fills. */
typedef void (*db_token_emit)(void *ctx, const char *tok, int n, int start, int end);
struct db_tokenizer {
	const char *name;
	void (*tokenize)(const char *text, int len, void *ctx, db_token_emit emit);
};
extern const struct db_tokenizer db_tokenizers[];

/* A search table: `CREATE VIRTUAL TABLE t USING fts5(cols..., tokenize = 'name')` in a
 * migration (on PostgreSQL a table with a tsvector column, fts.c says how), written with
 * db_fts_put (up to 4 columns) and searched with `t MATCH ?` bound to db_fts_query's text, in
 * the same SQL on both backends. The query keeps the search's meaning on both: each
 * whitespace-separated piece of what the user typed is a phrase of its tokens, all pieces
 * must match. */
struct db_fts {
	const char *table, *tokenizer;
	const char *const *cols;
	int ncols;
};
int db_fts_put(struct db *c, const struct db_fts *t, int64_t rowid, const char *const *texts);
int db_fts_delete(struct db *c, const struct db_fts *t, int64_t rowid);
char *db_fts_query(struct db *c, const struct db_fts *t, const char *text);	/* NULL: nothing to find */

/* Migrations embedded from src/db/migrations/NNNN_name.sql, applied in order, then the
 * registered modules' default grants (db_grant_defaults). */
int db_migrate(struct db *c, int verbose);
/* Give each module's new permissions to their default roles, once per (permission, role),
 * recorded in module_grants so that a grant an administrator removed is not made again
 * (grants.c). */
int db_grant_defaults(struct db *c, int verbose);

/* The pool of connections for the server's threads. */
int db_pool_init(const char *path, int size, char **err);
struct db *db_acquire(void);
void db_release(struct db *c);
void db_pool_close(void);
const char *db_path(void);

/* Copy the database to dest (a new or empty file) in one pass: inside db_read_begin() the
 * copy is the snapshot that transaction sees, while writers go on. The copy is a
 * self-contained rollback-journal file, synced. */
int db_backup(struct db *c, const char *dest, char **err);
/* A read transaction: its snapshot starts at the first statement and lasts until the end. */
int db_read_begin(struct db *c);
void db_read_end(struct db *c);
/* Open a database file only to read it (a backup being checked): no WAL switch, no writes. */
struct db *db_open_readonly(const char *path, char **err);
/* Checkpoint and truncate the WAL (shutdown, and periodically from the scheduler). */
void db_checkpoint(struct db *c);

#endif
