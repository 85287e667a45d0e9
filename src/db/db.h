/*
 * db.h — the thin SQLite layer every module uses.
 *
 * A `struct db` is one connection, used by one thread at a time; the pool hands one to each
 * request. Statements are prepared once per connection and cached by their SQL text.
 *
 * Binding is by a type string, one letter per `?`:
 *   'i' int   'I' int64_t   'd' double   't' const char * (NULL binds NULL)
 *   'b' const void *, size_t (blob)     'n' nothing (binds NULL)
 *
 * Writes go inside db_begin()/db_commit(): BEGIN IMMEDIATE behind a process-wide mutex, so
 * that writers queue in the process instead of spinning on SQLITE_BUSY and no "database is
 * locked" error reaches a user. Keep SQL in the subset PostgreSQL also accepts (no INSERT OR
 * REPLACE, no backtick quoting; use ON CONFLICT and RETURNING, which both support).
 */
#ifndef ANQUAN_DB_H
#define ANQUAN_DB_H

#include <sqlite3.h>
#include <stdint.h>

enum {
	DB_OK = 0,
	DB_ERROR = -1,
	DB_CONSTRAINT = -2,	/* a UNIQUE/FOREIGN KEY/CHECK violation: usually the user's input */
	DB_NOTFOUND = -3,
};

struct db;

struct db *db_open(const char *path, char **err);	/* err is malloc'd */
void db_close(struct db *c);
sqlite3 *db_handle(struct db *c);
const char *db_errmsg(struct db *c);

/* Prepare (or reuse) and bind. Returns NULL on error (logged). Step with db_step, end with db_done. */
sqlite3_stmt *db_query(struct db *c, const char *sql, const char *types, ...);
int db_step(sqlite3_stmt *st);		/* 1 row, 0 done, <0 error */
void db_done(struct db *c, sqlite3_stmt *st);

/* Run a statement that returns no rows (or ignore them). Returns DB_OK or an error. */
int db_exec(struct db *c, const char *sql, const char *types, ...);
/* Run a script of several statements, no parameters (migrations). */
int db_exec_script(struct db *c, const char *sql);
int64_t db_last_id(struct db *c);
int db_changes(struct db *c);

/* One-value queries: 1 found, 0 no row, <0 error. Text is malloc'd (caller frees). */
int db_get_i64(struct db *c, int64_t *out, const char *sql, const char *types, ...);
int db_get_text(struct db *c, char **out, const char *sql, const char *types, ...);

const char *db_col_text(sqlite3_stmt *st, int i);	/* never NULL: "" for NULL */
int64_t db_col_i64(sqlite3_stmt *st, int i);
double db_col_double(sqlite3_stmt *st, int i);
int db_col_null(sqlite3_stmt *st, int i);

int db_begin(struct db *c);		/* BEGIN IMMEDIATE, holds the write lock */
int db_commit(struct db *c);
void db_rollback(struct db *c);
int db_in_tx(struct db *c);
/* A function called after each COMMIT (committed = 1) or ROLLBACK (0) of a db_begin()
 * transaction, with the write lock still held, so calls come in commit order. The audit log
 * writes its head outside the database with it; one hook, set by the audit module. */
void db_set_tx_hook(void (*fn)(int committed));

/* A module's SQL functions or FTS5 tokenizers, registered on every connection before the
 * migrations run (a virtual table names its tokenizer); returns SQLITE_OK. db sits below the
 * modules, so it walks this list, ended by NULL, which app/registry.c fills. */
typedef int (*db_extension_fn)(sqlite3 *h);
extern const db_extension_fn db_extensions[];

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
