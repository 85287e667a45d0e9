/*
 * fts.c — full-text search tables on both backends (db.h, struct db_fts).
 *
 * SQLite: an FTS5 virtual table that names the module's tokenizer (db.c registers it), so
 * FTS5 tokenizes on insert and on MATCH. PostgreSQL: a plain table with a `tokens tsvector`
 * column and a GIN index (pg_schema.c makes it from the same CREATE VIRTUAL TABLE line); the
 * same module tokenizer runs here in C, and each token becomes a lexeme at its position, so
 * a phrase query (`'a' <-> 'b'`) matches exactly the adjacent tokens an FTS5 phrase does:
 * 1- and 2-character Chinese substrings are found the same way on both. Lexemes go in as
 * tsvector/tsquery literals, never through to_tsvector, so no stemming or stop words apply.
 *
 * A search is written `table MATCH ?` in the SQL of both; pg.c reads it as
 * `table.tokens @@ ?::tsquery` when it rewrites the placeholders, and db_fts_query gives the
 * query text in the backend's syntax.
 */
#include "db/db.h"
#include "db/pg.h"
#include "base/strbuf.h"

#include <stdlib.h>
#include <string.h>

static const struct db_tokenizer *find_tokenizer(const char *name)
{
	for (const struct db_tokenizer *e = db_tokenizers; e->name; e++)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

/* A lexeme in a tsvector or tsquery literal: quoted, with ' and \ doubled or escaped. */
static void add_lexeme(struct strbuf *sb, const char *tok, int n)
{
	sb_addc(sb, '\'');
	for (int i = 0; i < n; i++) {
		if (tok[i] == '\'' || tok[i] == '\\')
			sb_addc(sb, tok[i] == '\'' ? '\'' : '\\');
		sb_addc(sb, tok[i]);
	}
	sb_addc(sb, '\'');
}

struct vec {
	struct strbuf *sb;
	int pos;	/* 1-based; PostgreSQL keeps positions up to 16383 */
};

static void vec_emit(void *ctx, const char *tok, int n, int start, int end)
{
	(void)start;
	(void)end;
	struct vec *v = ctx;
	if (n <= 0 || n > 2000)	/* a lexeme is at most 2 kB */
		return;
	if (v->sb->len)
		sb_addc(v->sb, ' ');
	add_lexeme(v->sb, tok, n);
	sb_addf(v->sb, ":%d", v->pos < 16383 ? v->pos : 16383);
	v->pos++;
}

/* The tsvector literal of a row's texts: each column's tokens at their positions, a gap
 * between columns so that no phrase spans two, as in FTS5. */
static void fts_vector(struct strbuf *vec, const char *tokenizer, const char *const *texts, int n)
{
	const struct db_tokenizer *tk = find_tokenizer(tokenizer);
	struct vec v = {vec, 1};
	for (int i = 0; tk && i < n; i++) {
		const char *s = texts[i] ? texts[i] : "";
		tk->tokenize(s, (int)strlen(s), &v, vec_emit);
		v.pos++;
	}
}

char *db_fts_tsvector(const char *tokenizer, const char *const *texts, int n)
{
	struct strbuf vec = STRBUF_INIT;
	fts_vector(&vec, tokenizer, texts, n);
	return sb_detach(&vec, NULL);
}

/* The SQL names only identifiers of the module's static struct db_fts (a table and its
 * columns, fixed at compile time), never a value: every value is bound. */
int db_fts_put(struct db *c, const struct db_fts *t, int64_t rowid, const char *const *texts)
{
	if (t->ncols < 1 || t->ncols > 4 || db_fts_delete(c, t, rowid) != DB_OK)
		return DB_ERROR;
	struct strbuf sql = STRBUF_INIT, vec = STRBUF_INIT;
	int n = t->ncols, pg = db_pg(c) != NULL;
	sb_adds(&sql, "INSERT INTO ");
	sb_adds(&sql, t->table);
	sb_adds(&sql, " (rowid");
	for (int i = 0; i < n; i++) {
		sb_adds(&sql, ", ");
		sb_adds(&sql, t->cols[i]);
	}
	sb_adds(&sql, pg ? ", tokens) VALUES (?" : ") VALUES (?");
	for (int i = 0; i < n; i++)
		sb_adds(&sql, ", ?");
	const char *a[5] = {0};
	for (int i = 0; i < n; i++)
		a[i] = texts[i] ? texts[i] : "";
	if (pg) {
		fts_vector(&vec, t->tokenizer, a, n);
		sb_adds(&sql, ", ?::tsvector");
		a[n] = vec.buf;
	}
	sb_adds(&sql, ")");
	int rc;
	switch (n + pg) {	/* one type string per count of texts (unused arguments are ignored) */
	case 1:
		rc = db_exec(c, sql.buf, "It", rowid, a[0]);
		break;
	case 2:
		rc = db_exec(c, sql.buf, "Itt", rowid, a[0], a[1]);
		break;
	case 3:
		rc = db_exec(c, sql.buf, "Ittt", rowid, a[0], a[1], a[2]);
		break;
	case 4:
		rc = db_exec(c, sql.buf, "Itttt", rowid, a[0], a[1], a[2], a[3]);
		break;
	default:
		rc = db_exec(c, sql.buf, "Ittttt", rowid, a[0], a[1], a[2], a[3], a[4]);
		break;
	}
	sb_release(&sql);
	sb_release(&vec);
	return rc;
}

int db_fts_delete(struct db *c, const struct db_fts *t, int64_t rowid)
{
	struct strbuf sql = STRBUF_INIT;
	sb_adds(&sql, "DELETE FROM ");
	sb_adds(&sql, t->table);
	sb_adds(&sql, " WHERE rowid = ?");
	int rc = db_exec(c, sql.buf, "I", rowid);
	sb_release(&sql);
	return rc;
}

struct query {
	struct strbuf *sb;
	int n;
};

static void query_emit(void *ctx, const char *tok, int n, int start, int end)
{
	(void)start;
	(void)end;
	struct query *q = ctx;
	if (n <= 0 || n > 2000)
		return;
	if (q->n++)
		sb_adds(q->sb, " <-> ");
	add_lexeme(q->sb, tok, n);
}

char *db_fts_query(struct db *c, const struct db_fts *t, const char *text)
{
	const struct db_tokenizer *tk = find_tokenizer(t->tokenizer);
	struct strbuf out = STRBUF_INIT, piece = STRBUF_INIT;
	const char *p = text;
	while (tk && p && *p) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		const char *start = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		if (p == start)
			continue;
		/* each whitespace-separated piece is a phrase of its tokens; a piece with no token
		 * (only spaces or control characters) is dropped, so it cannot match everything */
		sb_reset(&piece);
		struct query q = {&piece, 0};
		tk->tokenize(start, (int)(p - start), &q, query_emit);
		if (!q.n)
			continue;
		if (out.len)
			sb_adds(&out, db_pg(c) ? " & " : " ");
		if (db_pg(c)) {
			sb_addf(&out, "(%s)", piece.buf);
		} else {	/* an FTS5 phrase: "..." with quotes doubled, so no query syntax leaks in */
			sb_addc(&out, '"');
			for (const char *s = start; s < p; s++) {
				if (*s == '"')
					sb_addc(&out, '"');
				sb_addc(&out, *s);
			}
			sb_addc(&out, '"');
		}
	}
	sb_release(&piece);
	if (!out.len) {
		sb_release(&out);
		return NULL;
	}
	return sb_detach(&out, NULL);
}
