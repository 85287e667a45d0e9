/*
 * pg_copy.c — a plant's SQLite database copied into an empty PostgreSQL database
 * (pg_copy.h; `anquan migrate-to-pg`).
 *
 * The target's schema is made by the same migrations a new PostgreSQL installation runs, so
 * it is exactly what `anquan serve` expects there; the migrations' seed rows (roles,
 * categories, settings, grants) are then emptied and every row comes from the source as it
 * is, ids included, so that references, the audit log's hash chain (which covers each
 * entry's fields) and everything the plant has are the same on both sides.
 *
 * Rows go by COPY … FROM STDIN in its text format, one COPY per table (db/pg.h): PostgreSQL
 * converts each value with its column type's own input function, no SQL is built from values
 * and there is no per-row statement. Names of tables and columns come from the source's
 * catalogue and are checked to be plain lower-case identifiers (ident_ok) before they are
 * written into SQL, quoted. Integers go as decimal, reals with 17 significant digits, blobs
 * as bytea hex text, texts with COPY's four escapes (add_copy_text), NULL as \N.
 *
 * The target's indexes that no constraint uses are dropped before the rows go in and made
 * again from their own definitions (pg_get_indexdef) after the last table, in the same
 * transaction: one sort per index instead of an index update per row, which at a million
 * hazards is most of the copy's time (hazards has 15 indexes, the search table a GIN one).
 * Primary keys and unique constraints stay, and go on checking every row.
 *
 * One transaction for the whole copy: a failure leaves the target with its schema and no
 * rows (the migrations committed on their own), which the next run refuses as non-empty;
 * the message says to recreate the database. Foreign keys are not checked during the copy
 * when the role may set session_replication_role (the source's rows already satisfied
 * them, and SQLite's table order is not a dependency order); otherwise the tables go in the
 * order the migrations created them, which satisfies every reference of the schema today.
 */
#include "db/pg_copy.h"
#include "db/blobstore.h"
#include "db/db.h"
#include "db/pg.h"
#include "base/embed.h"
#include "base/strbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COPY_CHUNK (1u << 20)	/* COPY text sent to the server at a time */

struct table {
	char *name;
	char *tokenizer;	/* a search table (FTS5 on SQLite, tokens tsvector here) */
	int ncols;
	char **cols;
	int64_t rows;
};

static void fail(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(char **err, const char *fmt, ...)
{
	if (!err || *err)
		return;
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	char buf[1024];
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sb_adds(&sb, buf);
	*err = sb_detach(&sb, NULL);
}

/* what may be written into SQL as a name: the schema's own tables and columns are all so */
static int ident_ok(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && n < 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n && !(s[0] >= '0' && s[0] <= '9');
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* the number of migrations this program carries (embedded like migrate.c reads them) */
static int64_t embedded_migrations(void)
{
	int64_t n = 0;
	const char *dir = "src/db/migrations/";
	for (const struct embedded_file *f = embedded_files; f->name; f++) {
		size_t l = strlen(f->name);
		if (!strncmp(f->name, dir, strlen(dir)) && !strchr(f->name + strlen(dir), '/') && l > 4 &&
		    !strcmp(f->name + l - 4, ".sql"))
			n++;
	}
	return n;
}

/* tokenize = 'name' in a CREATE VIRTUAL TABLE … USING fts5(…) */
static char *fts_tokenizer(const char *sql)
{
	const char *p = strstr(sql, "tokenize");
	if (!p || !(p = strchr(p, '\'')))
		return NULL;
	p++;
	size_t n = strcspn(p, "' ");
	if (!n)
		return NULL;
	char *s = xmalloc(n + 1);
	memcpy(s, p, n);
	s[n] = 0;
	return s;
}

static void tables_free(struct table *t, int n)
{
	for (int i = 0; i < n; i++) {
		for (int k = 0; k < t[i].ncols; k++)
			free(t[i].cols[k]);
		free(t[i].cols);
		free(t[i].name);
		free(t[i].tokenizer);
	}
	free(t);
}

/* The source's tables that the target has too (FTS5's shadow tables it has not), in the
 * order SQLite created them, with their columns. */
static struct table *list_tables(struct db *src, struct db *dst, int *count, char **err)
{
	struct table *t = NULL;
	int n = 0, cap = 0, bad = 0;
	struct db_stmt *st = db_query(src, "SELECT name, coalesce(sql, '') FROM sqlite_master WHERE type = 'table'"
				      " AND name NOT LIKE 'sqlite_%' ORDER BY rowid", NULL);
	while (st && db_step(st) == 1) {
		const char *name = db_col_text(st, 0), *sql = db_col_text(st, 1);
		int64_t there = 0;
		if (!ident_ok(name)) {
			fail(err, "table name %s: not a plain name", name);
			bad = 1;
			break;
		}
		if (db_get_i64(dst, &there, "SELECT count(*) FROM information_schema.tables"
					     " WHERE table_schema = current_schema() AND table_name = ?", "t", name) != 1)
			bad = 1;
		if (!there)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			t = xrealloc(t, (size_t)cap * sizeof(*t));
		}
		memset(&t[n], 0, sizeof(t[n]));
		t[n].name = xstrdup(name);
		if (!strncmp(sql, "CREATE VIRTUAL TABLE", 20))
			t[n].tokenizer = fts_tokenizer(sql);
		n++;
	}
	db_done(src, st);
	for (int i = 0; !bad && i < n; i++) {
		st = db_query(src, "SELECT name FROM pragma_table_info(?) ORDER BY cid", "t", t[i].name);
		int cc = 0;
		while (st && db_step(st) == 1) {
			const char *col = db_col_text(st, 0);
			if (!ident_ok(col)) {
				fail(err, "column %s.%s: not a plain name", t[i].name, col);
				bad = 1;
				break;
			}
			if (t[i].ncols == cc) {
				cc = cc ? 2 * cc : 16;
				t[i].cols = xrealloc(t[i].cols, (size_t)cc * sizeof(char *));
			}
			t[i].cols[t[i].ncols++] = xstrdup(col);
		}
		db_done(src, st);
		if (!t[i].ncols || (t[i].tokenizer && t[i].ncols > 4))
			bad = 1;
	}
	if (bad) {
		fail(err, "cannot read the tables of the source database");
		tables_free(t, n);
		return NULL;
	}
	*count = n;
	return t;
}

/* a checked name (ident_ok), quoted all the same: a column may be named by a keyword */
static void add_name(struct strbuf *sb, const char *name)
{
	sb_addc(sb, '"');
	sb_adds(sb, name);
	sb_addc(sb, '"');
}

/* a text value in COPY's text format: backslash, tab, newline and carriage return escaped */
static void add_copy_text(struct strbuf *sb, const char *s)
{
	if (!s) {
		sb_adds(sb, "\\N");
		return;
	}
	while (*s) {
		size_t n = strcspn(s, "\\\t\n\r");
		sb_add(sb, s, n);
		s += n;
		if (!*s)
			break;
		sb_addc(sb, '\\');
		sb_addc(sb, *s == '\t' ? 't' : *s == '\n' ? 'n' : *s == '\r' ? 'r' : '\\');
		s++;
	}
}

/* bytea's hex input form, its backslash doubled for COPY's text format */
static void add_copy_hex(struct strbuf *sb, const unsigned char *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	sb_grow(sb, 2 * n + 3);
	sb_adds(sb, "\\\\x");
	for (size_t i = 0; i < n; i++) {
		sb->buf[sb->len++] = digits[b[i] >> 4];
		sb->buf[sb->len++] = digits[b[i] & 15];
	}
	sb->buf[sb->len] = 0;
}

struct copy {
	struct db *src, *dst;
	const char *files_dir;
	FILE *out;
	char **err;
	int64_t blobs_to_files, blobs_in_files, blobs_missing;
};

/* the rows gathered so far to the server, inside the table's COPY */
static int flush(struct copy *k, const struct table *t, struct strbuf *rows)
{
	if (!rows->len)
		return 0;
	int rc = pg_copy_in_put(db_pg(k->dst), rows->buf, rows->len);
	sb_reset(rows);
	if (rc != DB_OK) {
		fail(k->err, "table %s: cannot send rows to PostgreSQL: %s", t->name, db_errmsg(k->dst));
		return -1;
	}
	return 0;
}

/* A blob's bytes into the file store, verified; the row then keeps them empty. A row whose
 * bytes are already in a file store must find its file there. 1 moved or found, -1 error. */
static int blob_to_file(struct copy *k, const char *sha, const unsigned char *b, size_t n)
{
	unsigned char *back = NULL;
	size_t m = 0;
	if (n && blob_file_write(k->files_dir, sha, b, n)) {
		fail(k->err, "blob %s: cannot write it under %s", sha, k->files_dir);
		return -1;
	}
	int r = blob_file_read(k->files_dir, sha, &back, &m);
	free(back);
	if (r != 1) {
		if (!n) {	/* already outside in the source, and not in this store: say so, go on */
			k->blobs_missing++;
			fprintf(k->out, "  warning: blob %s is kept outside the database but is not in %s\n", sha,
				k->files_dir);
			return 1;
		}
		fail(k->err, "blob %s: the copy under %s does not read back as written", sha, k->files_dir);
		return -1;
	}
	if (n)
		k->blobs_to_files++;
	else
		k->blobs_in_files++;
	return 1;
}

static int copy_table(struct copy *k, struct table *t)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct strbuf sql = STRBUF_INIT, copy = STRBUF_INIT;
	/* a search table's rows are its rowid and texts (and the tokens made of them here);
	 * another's each value with its type */
	sb_adds(&copy, "COPY ");
	add_name(&copy, t->name);
	if (t->tokenizer) {
		sb_adds(&sql, "SELECT rowid");
		sb_adds(&copy, " (rowid");
		for (int i = 0; i < t->ncols; i++) {
			sb_adds(&sql, ", ");
			add_name(&sql, t->cols[i]);
			sb_adds(&copy, ", ");
			add_name(&copy, t->cols[i]);
		}
		sb_adds(&copy, ", tokens)");
	} else {
		sb_adds(&sql, "SELECT ");
		sb_adds(&copy, " (");
		for (int i = 0; i < t->ncols; i++) {
			sb_adds(&sql, i ? ", typeof(" : "typeof(");
			add_name(&sql, t->cols[i]);
			sb_adds(&sql, "), ");
			add_name(&sql, t->cols[i]);
			if (i)
				sb_adds(&copy, ", ");
			add_name(&copy, t->cols[i]);
		}
		sb_adds(&copy, ")");
	}
	sb_adds(&copy, " FROM STDIN");
	sb_adds(&sql, " FROM ");
	add_name(&sql, t->name);
	int blobs = k->files_dir && !strcmp(t->name, "blobs"), sha_col = -1, bytes_col = -1;
	for (int i = 0; blobs && i < t->ncols; i++) {
		if (!strcmp(t->cols[i], "sha256"))
			sha_col = i;
		if (!strcmp(t->cols[i], "bytes"))
			bytes_col = i;
	}
	struct db_stmt *st = db_query(k->src, sql.buf, NULL);
	sb_release(&sql);
	int rc = st ? 0 : -1, step = 0;
	if (!st)
		fail(k->err, "table %s: cannot read the source: %s", t->name, db_errmsg(k->src));
	if (rc == 0 && pg_copy_in_begin(db_pg(k->dst), copy.buf) != DB_OK) {
		fail(k->err, "table %s: PostgreSQL refused the copy: %s", t->name, db_errmsg(k->dst));
		rc = -1;
	}
	int copying = rc == 0;
	sb_reset(&copy);
	struct strbuf *rows = &copy;	/* the statement sent, the buffer holds rows now */
	while (rc == 0 && (step = db_step(st)) == 1) {
		if (t->tokenizer) {
			const char *texts[4];
			sb_addf(rows, "%lld", (long long)db_col_i64(st, 0));
			for (int i = 0; i < t->ncols; i++) {
				texts[i] = db_col_text(st, i + 1);
				sb_addc(rows, '\t');
				add_copy_text(rows, texts[i]);
			}
			char *vec = db_fts_tsvector(t->tokenizer, texts, t->ncols);
			sb_addc(rows, '\t');
			add_copy_text(rows, vec);
			free(vec);
		}
		for (int i = 0; !t->tokenizer && i < t->ncols && rc == 0; i++) {
			const char *type = db_col_text(st, 2 * i);
			int c = 2 * i + 1;
			if (i)
				sb_addc(rows, '\t');
			if (!strcmp(type, "null")) {
				sb_adds(rows, "\\N");
			} else if (!strcmp(type, "integer")) {
				sb_addf(rows, "%lld", (long long)db_col_i64(st, c));
			} else if (!strcmp(type, "real")) {
				double d = db_col_double(st, c);
				if (!isfinite(d)) {
					fail(k->err, "table %s, column %s: not a finite number", t->name, t->cols[i]);
					rc = -1;
					break;
				}
				sb_addf(rows, "%.17g", d);
			} else if (!strcmp(type, "blob") && i == bytes_col && sha_col >= 0) {
				const char *sha = db_col_text(st, 2 * sha_col + 1);
				if (blob_to_file(k, sha, db_col_blob(st, c), db_col_bytes(st, c)) < 0) {
					rc = -1;
					break;
				}
				add_copy_hex(rows, NULL, 0);
			} else if (!strcmp(type, "blob")) {
				add_copy_hex(rows, db_col_blob(st, c), db_col_bytes(st, c));
			} else {
				add_copy_text(rows, db_col_text(st, c));
			}
		}
		sb_addc(rows, '\n');
		t->rows++;
		if (rc == 0 && rows->len >= COPY_CHUNK)
			rc = flush(k, t, rows);
		if (rc == 0 && t->rows % 100000 == 0) {
			fprintf(k->out, "  %-32s %10lld rows …\n", t->name, (long long)t->rows);
			fflush(k->out);
		}
	}
	if (rc == 0 && step < 0) {
		fail(k->err, "table %s: cannot read the source: %s", t->name, db_errmsg(k->src));
		rc = -1;
	}
	db_done(k->src, st);
	if (rc == 0)
		rc = flush(k, t, rows);
	sb_release(rows);
	/* the end of the COPY is where PostgreSQL says whether it took every row; after a failure
	 * here the COPY is ended as failed, and the transaction is rolled back */
	if (copying && pg_copy_in_end(db_pg(k->dst), rc != 0) != DB_OK && rc == 0) {
		fail(k->err, "table %s: PostgreSQL refused the rows: %s", t->name, db_errmsg(k->dst));
		rc = -1;
	}
	if (rc == 0) {
		fprintf(k->out, "  %-32s %10lld rows  %6.1f s\n", t->name, (long long)t->rows, seconds_since(&t0));
		fflush(k->out);
	}
	return rc;
}

/* every copied table holds as many rows as the source's, inside the copy's transaction */
static int counts_match(struct copy *k, const struct table *t, int n)
{
	for (int i = 0; i < n; i++) {
		struct strbuf sql = STRBUF_INIT;
		int64_t a = -1, b = -2;
		sb_adds(&sql, "SELECT count(*) FROM ");
		add_name(&sql, t[i].name);
		db_get_i64(k->src, &a, sql.buf, NULL);
		db_get_i64(k->dst, &b, sql.buf, NULL);
		sb_release(&sql);
		if (a != b) {
			fail(k->err, "table %s: %lld rows in the source, %lld in the copy", t[i].name, (long long)a,
			     (long long)b);
			return -1;
		}
	}
	return 0;
}

/* the target's indexes that no constraint uses (a primary key, a unique key, the key a foreign
 * key references): their names and definitions, to drop before the copy and make after it */
struct index_defs {
	int n;
	char **names, **defs;
};

static void index_defs_free(struct index_defs *x)
{
	for (int i = 0; i < x->n; i++) {
		free(x->names[i]);
		free(x->defs[i]);
	}
	free(x->names);
	free(x->defs);
	memset(x, 0, sizeof(*x));
}

static int drop_indexes(struct copy *k, struct index_defs *x)
{
	struct db_stmt *st = db_query(k->dst, "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
					      " JOIN pg_class c ON c.oid = i.indexrelid"
					      " JOIN pg_namespace n ON n.oid = c.relnamespace"
					      " WHERE n.nspname = current_schema()"
					      " AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
					      " ORDER BY c.oid", NULL);
	int cap = 0, rc = st ? 0 : -1, step;
	while (st && (step = db_step(st)) == 1) {
		const char *name = db_col_text(st, 0);
		if (!ident_ok(name)) {
			fail(k->err, "index name %s: not a plain name", name);
			rc = -1;
			break;
		}
		if (x->n == cap) {
			cap = cap ? 2 * cap : 128;
			x->names = xrealloc(x->names, (size_t)cap * sizeof(char *));
			x->defs = xrealloc(x->defs, (size_t)cap * sizeof(char *));
		}
		x->names[x->n] = xstrdup(name);
		x->defs[x->n] = xstrdup(db_col_text(st, 1));
		x->n++;
	}
	if (st && step < 0)
		rc = -1;
	db_done(k->dst, st);
	for (int i = 0; rc == 0 && i < x->n; i++) {
		struct strbuf sql = STRBUF_INIT;
		sb_adds(&sql, "DROP INDEX ");
		add_name(&sql, x->names[i]);
		if (db_exec(k->dst, sql.buf, NULL) != DB_OK)
			rc = -1;
		sb_release(&sql);
	}
	if (rc)
		fail(k->err, "cannot set the target's indexes aside for the copy: %s", db_errmsg(k->dst));
	return rc;
}

static int make_indexes(struct copy *k, const struct index_defs *x)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < x->n; i++) {
		if (db_exec(k->dst, x->defs[i], NULL) != DB_OK) {
			fail(k->err, "index %s: cannot make it again on the copied rows: %s", x->names[i],
			     db_errmsg(k->dst));
			return -1;
		}
	}
	fprintf(k->out, "indexes: %d made on the copied rows in %.1f s\n", x->n, seconds_since(&t0));
	fflush(k->out);
	return 0;
}

static int copy_all(struct copy *k, int *refused)
{
	struct db *src = k->src, *dst = k->dst;
	int64_t have = -1, tables = -1;
	if (db_get_i64(src, &have, "SELECT count(*) FROM schema_migrations", NULL) != 1) {
		fail(k->err, "the source is not an anquan database (no schema_migrations)");
		*refused = 1;
		return -1;
	}
	if (have != embedded_migrations()) {
		fail(k->err, "the source database has %lld migrations applied, this anquan has %lld: run this"
			     " anquan's `migrate` on it first (or use the anquan that wrote it)", (long long)have,
		     (long long)embedded_migrations());
		*refused = 1;
		return -1;
	}
	if (db_get_i64(dst, &tables, "SELECT count(*) FROM information_schema.tables"
				     " WHERE table_schema = current_schema()", NULL) != 1) {
		fail(k->err, "cannot read the target's tables: %s", db_errmsg(dst));
		return -1;
	}
	if (tables > 0) {
		fail(k->err, "the target database is not empty (%lld tables): migrate-to-pg copies into a new,"
			     " empty database only, and overwrites nothing", (long long)tables);
		*refused = 1;
		return -1;
	}
	fprintf(k->out, "schema: running the migrations on the target\n");
	if (db_migrate(dst, 0) != DB_OK) {
		fail(k->err, "the migrations failed on the target: %s", db_errmsg(dst));
		return -1;
	}
	int n = 0;
	struct table *t = list_tables(src, dst, &n, k->err);
	if (!t)
		return -1;
	/* foreign keys and triggers off for this session's copy, when the role may */
	int fk_off = db_exec(dst, "SET session_replication_role = replica", NULL) == DB_OK;
	if (!fk_off)
		fprintf(k->out, "note: this role may not set session_replication_role: tables are copied in"
				" creation order with their foreign keys checked\n");
	int rc = -1;
	char *truncate = NULL;
	struct index_defs idx = {0};
	if (db_begin(dst) != DB_OK ||
	    db_get_text(dst, &truncate, "SELECT 'TRUNCATE ' || string_agg(quote_ident(table_name), ', ')"
					" FROM information_schema.tables WHERE table_schema = current_schema()"
					" AND table_type = 'BASE TABLE'", NULL) != 1 ||
	    db_exec(dst, truncate, NULL) != DB_OK) {
		fail(k->err, "cannot empty the new schema's seed rows: %s", db_errmsg(dst));
		goto out;
	}
	/* a larger sort memory for this transaction's index builds (the server's default is 64 MB) */
	db_exec(dst, "SET LOCAL maintenance_work_mem = '256MB'", NULL);
	if (drop_indexes(k, &idx))
		goto out;
	fprintf(k->out, "rows: %d tables\n", n);
	for (int i = 0; i < n; i++)
		if (copy_table(k, &t[i]))
			goto out;
	if (make_indexes(k, &idx))
		goto out;
	if (db_pg_sync_identities(dst) != DB_OK) {
		fail(k->err, "cannot move the identity sequences: %s", db_errmsg(dst));
		goto out;
	}
	if (counts_match(k, t, n))
		goto out;
	rc = db_commit(dst) == DB_OK ? 0 : -1;
	if (rc)
		fail(k->err, "the commit failed: %s", db_errmsg(dst));
out:
	if (rc)
		db_rollback(dst);
	free(truncate);
	index_defs_free(&idx);
	if (fk_off)
		db_exec(dst, "RESET session_replication_role", NULL);
	int64_t rows = 0;
	for (int i = 0; i < n; i++)
		rows += t[i].rows;
	if (!rc)
		fprintf(k->out, "copied %d tables, %lld rows\n", n, (long long)rows);
	tables_free(t, n);
	return rc;
}

int pg_copy_from_sqlite(const char *src_path, const char *url, const char *files_dir, FILE *progress, char **err)
{
	*err = NULL;
	struct copy k = {.files_dir = files_dir && *files_dir ? files_dir : NULL, .out = progress, .err = err};
	if (pg_is_url(src_path)) {
		fail(err, "the source must be an SQLite file, not a URL");
		return 1;
	}
	if (!pg_is_url(url)) {
		fail(err, "the target must be a postgresql:// URL");
		return 1;
	}
	char *e = NULL;
	k.src = db_open_readonly(src_path, &e);
	if (!k.src) {
		fail(err, "cannot open %s: %s", src_path, e ? e : "?");
		free(e);
		return -1;
	}
	k.dst = db_open(url, &e);
	if (!k.dst) {
		fail(err, "cannot connect to the target: %s", e ? e : "?");
		free(e);
		db_close(k.src);
		return -1;
	}
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	int refused = 0;
	/* one snapshot of the source, even while its server goes on writing */
	db_read_begin(k.src);
	int rc = copy_all(&k, &refused);
	db_read_end(k.src);
	if (rc == 0) {
		/* the copied tables have no statistics yet, and until autovacuum gets round to them
		 * the planner guesses: at a million hazards it chose to read every hazard event of
		 * the signed-in person for each list (660 ms instead of 1 ms). PostgreSQL's own
		 * advice after a bulk load (pg_restore, "Populating a Database"): ANALYZE. */
		struct timespec ta;
		clock_gettime(CLOCK_MONOTONIC, &ta);
		if (db_exec(k.dst, "ANALYZE", NULL) == DB_OK)
			fprintf(progress, "statistics: ANALYZE in %.1f s\n", seconds_since(&ta));
		else
			fprintf(progress, "statistics: ANALYZE failed (%s): run it before serving\n", db_errmsg(k.dst));
		if (k.files_dir)
			fprintf(progress, "blobs: %lld written to %s, %lld already there, %lld missing\n",
				(long long)k.blobs_to_files, k.files_dir, (long long)k.blobs_in_files,
				(long long)k.blobs_missing);
		else
			fprintf(progress, "blobs: copied inside PostgreSQL (files.dir is not set)\n");
		fprintf(progress, "done in %.1f s\n", seconds_since(&t0));
	} else if (!refused && *err) {
		char *more = NULL;
		struct strbuf sb = STRBUF_INIT;
		sb_addf(&sb, "%s; the target keeps its schema and no rows: drop and create it again before the"
			     " next run", *err);
		more = sb_detach(&sb, NULL);
		free(*err);
		*err = more;
	}
	db_close(k.dst);
	db_close(k.src);
	return rc == 0 ? 0 : refused ? 1 : -1;
}
