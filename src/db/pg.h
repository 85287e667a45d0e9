/*
 * pg.h — the PostgreSQL backend (pg.c, over libpq), private to src/db.
 *
 * db.c keeps one public API (db.h) and switches on the connection's kind: a struct db opened
 * on a postgresql:// or postgres:// URL carries a struct pg_conn, and each db_* call that
 * touches the database forwards to the pg_* function of the same name here. Everything above
 * src/db stays unaware of which backend it talks to.
 */
#ifndef ANQUAN_DB_PG_H
#define ANQUAN_DB_PG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct pg_conn;
struct pg_stmt;

/* Is this a PostgreSQL connection URL (the value of db.url)? */
int pg_is_url(const char *s);

struct pg_conn *pg_open(const char *url, char **err);
void pg_close(struct pg_conn *c);
const char *pg_errmsg(struct pg_conn *c);

/* Prepare (cached per connection by SQL text and type string) and bind; runs at the first
 * pg_step. replan: not prepared but sent with its values each run, which PostgreSQL then
 * plans for those values (db_query_replan). NULL on error (logged). */
struct pg_stmt *pg_query(struct pg_conn *c, const char *sql, const char *types, int replan, va_list ap);
int pg_step(struct pg_stmt *st);	/* 1 row, 0 done, DB_ERROR or DB_CONSTRAINT */
void pg_done(struct pg_stmt *st);
int pg_exec_script(struct pg_conn *c, const char *sql);
int64_t pg_last_id(struct pg_conn *c);
int pg_changes(struct pg_conn *c);

const char *pg_col_text(struct pg_stmt *st, int i);
int64_t pg_col_i64(struct pg_stmt *st, int i);
double pg_col_double(struct pg_stmt *st, int i);
int pg_col_null(struct pg_stmt *st, int i);
const void *pg_col_blob(struct pg_stmt *st, int i);
size_t pg_col_bytes(struct pg_stmt *st, int i);
int pg_col_count(struct pg_stmt *st);

/* Write transactions (db_begin's mutex already held) and read snapshots. */
int pg_begin(struct pg_conn *c);
int pg_commit(struct pg_conn *c);
void pg_rollback(struct pg_conn *c);
int pg_read_begin(struct pg_conn *c);
void pg_read_end(struct pg_conn *c);

/* SQL text with `?` and `?N` placeholders rewritten to `$N` (db.h states the rule), string
 * literals, quoted names and comments left alone, and a search `t MATCH ?` made
 * `t.tokens @@ $N::tsquery` (db.h, struct db_fts); *nparams gets the highest number, *tsquery
 * a bit for each such search's parameter (1 << (N - 1)), *isnull one for each parameter
 * tested with IS [NOT] NULL or left out of the text below the highest (its type cannot be
 * inferred there). malloc'd. */
char *pg_placeholders(const char *sql, int *nparams, uint64_t *tsquery, uint64_t *isnull);

/* A migration's text in PostgreSQL's dialect (migrate.c): see the comment in pg.c. malloc'd. */
char *pg_dialect(const char *sql);
struct db;
/* The tsvector literal a search table's row gets on PostgreSQL (fts.c), for texts in its
 * columns' order; for copying rows in bulk (pg_copy.c). malloc'd. */
char *db_fts_tsvector(const char *tokenizer, const char *const *texts, int n);
/* COPY … FROM STDIN in text format, for copying rows in bulk (pg_copy.c): begin with the
 * COPY statement, put the rows' text in pieces of any size, end (which reports the server's
 * verdict on every row; with failed set, the client's own failure ends the COPY as failed).
 * DB_OK or DB_ERROR (pg_errmsg says why). */
int pg_copy_in_begin(struct pg_conn *c, const char *sql);
int pg_copy_in_put(struct pg_conn *c, const char *buf, size_t n);
int pg_copy_in_end(struct pg_conn *c, int failed);
/* Move each identity column's sequence past the column's largest value (migrate.c). */
int db_pg_sync_identities(struct db *c);
/* The PostgreSQL connection under a struct db, NULL for SQLite (db.c). */
struct db;
struct pg_conn *db_pg(struct db *c);

#endif
