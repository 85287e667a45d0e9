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
 * Rows go in batches as one JSON array bound as a single parameter and unpacked by
 * PostgreSQL (`json_populate_recordset(NULL::table, …)`), which converts each value to its
 * column's type: one round trip per few hundred rows and no SQL built from values. Names of
 * tables and columns come from the source's catalogue and are checked to be plain lower-case
 * identifiers (ident_ok) before they are written into SQL, quoted. Integers travel as JSON integers, reals with
 * 17 significant digits (jansson's default), blobs as bytea hex text.
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

#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_ROWS 500
#define BATCH_BYTES (8u << 20)	/* JSON text of one batch */

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

/* bytea's hex input form */
static json_t *hex_value(const unsigned char *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *s = xmalloc(2 * n + 3);
	s[0] = '\\';
	s[1] = 'x';
	for (size_t i = 0; i < n; i++) {
		s[2 + 2 * i] = digits[b[i] >> 4];
		s[3 + 2 * i] = digits[b[i] & 15];
	}
	s[2 + 2 * n] = 0;
	json_t *v = json_stringn_nocheck(s, 2 + 2 * n);
	free(s);
	return v;
}

struct copy {
	struct db *src, *dst;
	const char *files_dir;
	FILE *out;
	char **err;
	int64_t blobs_to_files, blobs_in_files, blobs_missing;
};

static int flush(struct copy *k, const struct table *t, json_t *batch)
{
	if (!json_array_size(batch))
		return 0;
	char *text = json_dumps(batch, JSON_COMPACT);
	json_array_clear(batch);
	if (!text) {
		fail(k->err, "table %s: out of memory", t->name);
		return -1;
	}
	struct strbuf sql = STRBUF_INIT;
	/* the table's name is checked (ident_ok); the rows are the one bound parameter */
	sb_adds(&sql, "INSERT INTO ");
	add_name(&sql, t->name);
	sb_adds(&sql, " SELECT * FROM json_populate_recordset(NULL::");
	add_name(&sql, t->name);
	sb_adds(&sql, ", CAST(? AS json))");
	int rc = db_exec(k->dst, sql.buf, "t", text);
	sb_release(&sql);
	free(text);
	if (rc != DB_OK) {
		fail(k->err, "table %s: PostgreSQL refused a batch of rows: %s", t->name, db_errmsg(k->dst));
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
	struct strbuf sql = STRBUF_INIT;
	/* a search table's rows are its rowid and texts; another's each value with its type */
	if (t->tokenizer) {
		sb_adds(&sql, "SELECT rowid");
		for (int i = 0; i < t->ncols; i++) {
			sb_adds(&sql, ", ");
			add_name(&sql, t->cols[i]);
		}
	} else {
		sb_adds(&sql, "SELECT ");
		for (int i = 0; i < t->ncols; i++) {
			sb_adds(&sql, i ? ", typeof(" : "typeof(");
			add_name(&sql, t->cols[i]);
			sb_adds(&sql, "), ");
			add_name(&sql, t->cols[i]);
		}
	}
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
	json_t *batch = json_array();
	size_t bytes = 0;
	int rc = st ? 0 : -1, step = 0;
	if (!st)
		fail(k->err, "table %s: cannot read the source: %s", t->name, db_errmsg(k->src));
	while (rc == 0 && (step = db_step(st)) == 1) {
		json_t *row = json_object();
		if (t->tokenizer) {
			const char *texts[4];
			json_object_set_new(row, "rowid", json_integer(db_col_i64(st, 0)));
			for (int i = 0; i < t->ncols; i++) {
				texts[i] = db_col_text(st, i + 1);
				json_object_set_new(row, t->cols[i], json_string(texts[i]));
			}
			char *vec = db_fts_tsvector(t->tokenizer, texts, t->ncols);
			json_object_set_new(row, "tokens", json_string(vec));
			free(vec);
		}
		for (int i = 0; !t->tokenizer && i < t->ncols && rc == 0; i++) {
			const char *type = db_col_text(st, 2 * i);
			int c = 2 * i + 1;
			json_t *v;
			if (!strcmp(type, "null")) {
				v = json_null();
			} else if (!strcmp(type, "integer")) {
				v = json_integer(db_col_i64(st, c));
			} else if (!strcmp(type, "real")) {
				double d = db_col_double(st, c);
				v = isfinite(d) ? json_real(d) : NULL;
			} else if (!strcmp(type, "blob") && i == bytes_col && sha_col >= 0) {
				const char *sha = db_col_text(st, 2 * sha_col + 1);
				if (blob_to_file(k, sha, db_col_blob(st, c), db_col_bytes(st, c)) < 0) {
					rc = -1;
					break;
				}
				v = json_string("\\x");
			} else if (!strcmp(type, "blob")) {
				v = hex_value(db_col_blob(st, c), db_col_bytes(st, c));
				bytes += db_col_bytes(st, c);
			} else {
				v = json_string(db_col_text(st, c));
			}
			if (!v) {
				fail(k->err, "table %s, column %s: a value PostgreSQL cannot hold (not UTF-8, or not a"
					     " finite number)", t->name, t->cols[i]);
				rc = -1;
				break;
			}
			if (v->type == JSON_STRING)
				bytes += json_string_length(v);
			json_object_set_new(row, t->cols[i], v);
		}
		json_array_append_new(batch, row);
		t->rows++;
		bytes += 16 * (size_t)t->ncols;
		if (rc == 0 && (json_array_size(batch) >= BATCH_ROWS || bytes >= BATCH_BYTES)) {
			rc = flush(k, t, batch);
			bytes = 0;
		}
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
		rc = flush(k, t, batch);
	json_decref(batch);
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
	if (db_begin(dst) != DB_OK ||
	    db_get_text(dst, &truncate, "SELECT 'TRUNCATE ' || string_agg(quote_ident(table_name), ', ')"
					" FROM information_schema.tables WHERE table_schema = current_schema()"
					" AND table_type = 'BASE TABLE'", NULL) != 1 ||
	    db_exec(dst, truncate, NULL) != DB_OK) {
		fail(k->err, "cannot empty the new schema's seed rows: %s", db_errmsg(dst));
		goto out;
	}
	fprintf(k->out, "rows: %d tables\n", n);
	for (int i = 0; i < n; i++)
		if (copy_table(k, &t[i]))
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
