/*
 * pg.c — the PostgreSQL backend behind db.h, over libpq (pg.h says how db.c reaches it).
 *
 * Statements: the SQL text keeps SQLite's `?`/`?N` placeholders; the first use on a
 * connection rewrites them to `$N` and prepares the statement under a name of its own, cached
 * by SQL text and type string (a statement's parameter types come from the type string: 'i'
 * and 'I' are int8, 'd' float8, 'b' bytea, 't' and 'n' left for the server to infer from the
 * context, as SQLite would). A statement runs at its first pg_step and its rows are read from
 * the result; values travel as text, blobs as binary bytea.
 *
 * Transactions: SQLite's BEGIN IMMEDIATE lets one writer in at a time, and the modules rely
 * on it (a read, a check and a write in one transaction with no retry loop around them). The
 * same guarantee here: db_begin() takes a transaction-scoped advisory lock, one key for the
 * whole database, at READ COMMITTED, so writers of every app server on this database queue
 * one behind another and each sees everything committed before it. Writers never overlap, so
 * no serialisation failure can arise inside a transaction; taking the lock is retried when
 * the server reports one (40001) or a deadlock (40P01), which a statement outside any
 * transaction can still cause.
 *
 * Differences that remain (docs/architecture.md lists them): an error inside a transaction
 * aborts it, so a statement after a failed one fails too (SQLite goes on); db_last_id() is
 * lastval(), the id of the last row this connection inserted into a table with an identity
 * column.
 */
#include "db/pg.h"
#include "db/db.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/strbuf.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_CACHE 256
#define BOOLOID 16
#define BYTEAOID 17
#define INT8OID 20
#define FLOAT8OID 701
#define TSQUERYOID 3615
#define TEXTOID 25
/* the advisory lock every write transaction takes: "anqu" */
#define WRITE_LOCK_KEY 0x616e7175
#define BEGIN_TRIES 20

struct pg_cached {
	uint32_t hash;
	char *key;		/* SQL text, a 0x01 byte, the type string (and a 0x02 byte: replan) */
	char name[24];
	int nparams;
	uint64_t used;
	/* replan (pg_query's argument): not prepared; the text and types are sent with the
	 * values on every run, as the unnamed statement, which PostgreSQL plans with them */
	char *text;
	Oid *oids;
};

struct pg_conn {
	PGconn *h;
	struct pg_cached cache[PG_CACHE];
	int ncache;
	uint64_t tick, seq;
	int changes;
	char err[512];
};

struct pg_stmt {
	struct pg_conn *c;
	const char *name;
	const struct pg_cached *e;	/* for a replanned one: its text and types */
	int nparams;
	char **vals;
	int *lens, *fmts;
	PGresult *res;
	int row, nrows, started;
	unsigned char **blobs;	/* unescaped bytea of the current row, per column */
	size_t *blen;
};

int pg_is_url(const char *s)
{
	return s && (strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0);
}

static void quiet_notices(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;	/* "relation already exists, skipping" and the like: not worth a log line */
}

static void set_err(struct pg_conn *c, const char *msg)
{
	snprintf(c->err, sizeof(c->err), "%s", msg ? msg : "");
	size_t n = strlen(c->err);
	while (n && c->err[n - 1] == '\n')
		c->err[--n] = 0;
}

/* SQLSTATE class 23 is "integrity constraint violation": unique, foreign key, check, not null. */
static int map_result(struct pg_conn *c, PGresult *r)
{
	ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
		return DB_OK;
	set_err(c, r ? PQresultErrorMessage(r) : PQerrorMessage(c->h));
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	return state && strncmp(state, "23", 2) == 0 ? DB_CONSTRAINT : DB_ERROR;
}

static const char *sqlstate(PGresult *r)
{
	const char *s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	return s ? s : "";
}

static int simple(struct pg_conn *c, const char *sql)
{
	PGresult *r = PQexec(c->h, sql);
	int rc = map_result(c, r);
	if (rc != DB_OK)
		log_error("db: %s: %s", sql, c->err);
	PQclear(r);
	return rc;
}

struct pg_conn *pg_open(const char *url, char **err)
{
	PGconn *h = PQconnectdb(url);
	if (!h || PQstatus(h) != CONNECTION_OK) {
		if (err)
			*err = xstrdup(h ? PQerrorMessage(h) : "cannot connect to PostgreSQL");
		PQfinish(h);
		return NULL;
	}
	struct pg_conn *c = xcalloc(1, sizeof(*c));
	c->h = h;
	PQsetNoticeProcessor(h, quiet_notices, NULL);
	/* UTF-8 text both ways; times are integers, so the time zone only matters to the few
	 * date functions the SQL uses, which work in UTC as SQLite's do */
	/* lock_timeout: a statement waiting on a lock gives up after 10 s, as SQLite's busy
	 * timeout does, instead of waiting for ever (a write outside a transaction blocked by the
	 * same thread's open transaction on another connection would) */
	/* max_parallel_workers_per_gather = 0: a request's statement is short and many requests
	 * run at once; parallel workers are processes started for each statement (some 5 ms)
	 * and take the cores the other requests need. A safety officer's "mine, open" list at a
	 * million hazards: 56 ms with them, 28 ms without; detail pages and the JSON list alike */
	if (simple(c, "SET client_encoding = 'UTF8'; SET TIME ZONE 'UTC';"
		      " SET standard_conforming_strings = on; SET lock_timeout = '10s';"
		      " SET max_parallel_workers_per_gather = 0") != DB_OK) {
		if (err)
			*err = xstrdup(c->err);
		pg_close(c);
		return NULL;
	}
	return c;
}

void pg_close(struct pg_conn *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->ncache; i++) {
		free(c->cache[i].key);
		free(c->cache[i].text);
		free(c->cache[i].oids);
	}
	PQfinish(c->h);
	free(c);
}

const char *pg_errmsg(struct pg_conn *c)
{
	return c->err;
}

/* The number of the placeholder whose digits (if any) start at *p: `?N` is N, a bare `?` one
 * more than the largest so far (SQLite's rule). */
static int param_number(const char **p, int *max)
{
	int n = 0;
	if (**p >= '0' && **p <= '9') {
		while (**p >= '0' && **p <= '9')
			n = n * 10 + (*(*p)++ - '0');
	} else {
		n = *max + 1;
	}
	if (n > *max)
		*max = n;
	return n;
}

char *pg_placeholders(const char *sql, int *nparams, uint64_t *tsquery, uint64_t *isnull)
{
	struct strbuf sb = STRBUF_INIT;
	int max = 0;
	uint64_t seen = 0;
	const char *p = sql;
	*tsquery = *isnull = 0;
	while (*p) {
		if (*p == '\'' || *p == '"') {	/* a literal or a quoted name, doubled quotes inside */
			char q = *p;
			sb_addc(&sb, *p++);
			while (*p) {
				if (*p == q && p[1] == q) {
					sb_addc(&sb, *p++);
					sb_addc(&sb, *p++);
				} else if (*p == q) {
					break;
				} else {
					sb_addc(&sb, *p++);
				}
			}
			if (*p)
				sb_addc(&sb, *p++);
		} else if (p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				sb_addc(&sb, *p++);
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			size_t n = e ? (size_t)(e + 2 - p) : strlen(p);
			sb_add(&sb, p, n);
			p += n;
		} else if (strncmp(p, " MATCH ?", 8) == 0) {
			/* a search (db.h, struct db_fts): `t MATCH ?` is `t.tokens @@ ?::tsquery` */
			sb_adds(&sb, ".tokens @@ ");
			p += 8;
			int n = param_number(&p, &max);
			if (n <= 64) {	/* its type is told, as `? IS NULL` before it cannot say */
				*tsquery |= 1ull << (n - 1);
				seen |= 1ull << (n - 1);
			}
			sb_addf(&sb, "$%d::tsquery", n);
		} else if (*p == '?') {
			p++;
			int n = param_number(&p, &max);
			/* `? IS NULL` says nothing of the type, and PostgreSQL cannot prepare a
			 * parameter first met there: such a text parameter is told to be text */
			if (n <= 64 && (strncmp(p, " IS NULL", 8) == 0 || strncmp(p, " IS NOT NULL", 12) == 0))
				*isnull |= 1ull << (n - 1);
			if (n <= 64)
				seen |= 1ull << (n - 1);
			sb_addf(&sb, "$%d", n);
		} else {
			sb_addc(&sb, *p++);
		}
	}
	/* a `?N` the text leaves out (SQL assembled from the pieces a request needs, bound the
	 * same way whichever pieces are in, e.g. the hazard list's filters) has no context to
	 * infer a type from: it is told to be text, like one met only in `? IS NULL` */
	for (int i = 0; i < max && i < 64; i++)
		if (!(seen >> i & 1))
			*isnull |= 1ull << i;
	*nparams = max;
	return sb_detach(&sb, NULL);
}

static uint32_t key_hash(const char *s)
{
	uint32_t h = 2166136261u;	/* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* The cached prepared statement for this SQL and type string, prepared now if new (a
 * replanned one is only translated, and prepared by every run). */
static struct pg_cached *prepared(struct pg_conn *c, const char *sql, const char *types, int replan)
{
	struct strbuf k = STRBUF_INIT;
	sb_adds(&k, sql);
	sb_addc(&k, '\x01');
	sb_adds(&k, types);
	if (replan)
		sb_addc(&k, '\x02');
	uint32_t h = key_hash(k.buf);
	for (int i = 0; i < c->ncache; i++) {
		if (c->cache[i].hash == h && strcmp(c->cache[i].key, k.buf) == 0) {
			c->cache[i].used = ++c->tick;
			sb_release(&k);
			return &c->cache[i];
		}
	}
	int nparams = 0;
	uint64_t tsq = 0, isnull = 0;
	char *text = pg_placeholders(sql, &nparams, &tsq, &isnull);
	if ((int)strlen(types) != nparams) {
		log_error("db: type string \"%s\" has %d letters for %d parameters in: %s", types,
			  (int)strlen(types), nparams, sql);
		free(text);
		sb_release(&k);
		return NULL;
	}
	Oid oids[100];
	if (nparams > 100) {
		log_error("db: more than 100 parameters in: %s", sql);
		free(text);
		sb_release(&k);
		return NULL;
	}
	for (int i = 0; i < nparams; i++)
		oids[i] = types[i] == 'i' || types[i] == 'I' ? INT8OID : types[i] == 'd' ? FLOAT8OID :
			  types[i] == 'b' ? BYTEAOID : i < 64 && (tsq >> i & 1) ? TSQUERYOID :
			  i < 64 && (isnull >> i & 1) ? TEXTOID : 0;
	struct pg_cached *e;
	if (c->ncache < PG_CACHE) {
		e = &c->cache[c->ncache++];
	} else {	/* evict the least recently used */
		e = &c->cache[0];
		for (int i = 1; i < PG_CACHE; i++)
			if (c->cache[i].used < e->used)
				e = &c->cache[i];
		if (!e->text) {
			char dealloc[64];
			snprintf(dealloc, sizeof(dealloc), "DEALLOCATE %s", e->name);
			PQclear(PQexec(c->h, dealloc));
		}
		free(e->key);
		free(e->text);
		free(e->oids);
	}
	memset(e, 0, sizeof(*e));
	if (replan) {
		e->text = text;
		e->oids = xmalloc(sizeof(Oid) * (size_t)(nparams ? nparams : 1));
		memcpy(e->oids, oids, sizeof(Oid) * (size_t)nparams);
		e->key = sb_detach(&k, NULL);
		e->hash = h;
		e->nparams = nparams;
		e->used = ++c->tick;
		return e;
	}
	snprintf(e->name, sizeof(e->name), "s%llu", (unsigned long long)++c->seq);
	PGresult *r = PQprepare(c->h, e->name, text, nparams, oids);
	int rc = map_result(c, r);
	PQclear(r);
	if (rc != DB_OK) {
		log_error("db: prepare failed: %s in: %s", c->err, text);
		free(text);
		sb_release(&k);
		*e = c->cache[--c->ncache];	/* the slot goes back */
		return NULL;
	}
	free(text);
	e->key = sb_detach(&k, NULL);
	e->hash = h;
	e->nparams = nparams;
	e->used = ++c->tick;
	return e;
}

struct pg_stmt *pg_query(struct pg_conn *c, const char *sql, const char *types, int replan, va_list ap)
{
	if (!types)
		types = "";
	struct pg_cached *e = prepared(c, sql, types, replan);
	if (!e)
		return NULL;
	struct pg_stmt *st = xcalloc(1, sizeof(*st));
	st->c = c;
	st->name = e->name;
	st->e = e->text ? e : NULL;
	st->nparams = e->nparams;
	int n = e->nparams ? e->nparams : 1;
	st->vals = xcalloc((size_t)n, sizeof(char *));
	st->lens = xcalloc((size_t)n, sizeof(int));
	st->fmts = xcalloc((size_t)n, sizeof(int));
	for (int i = 0; types[i]; i++) {
		char num[40];
		switch (types[i]) {
		case 'i':
			snprintf(num, sizeof(num), "%d", va_arg(ap, int));
			st->vals[i] = xstrdup(num);
			break;
		case 'I':
			snprintf(num, sizeof(num), "%lld", (long long)va_arg(ap, int64_t));
			st->vals[i] = xstrdup(num);
			break;
		case 'd':
			snprintf(num, sizeof(num), "%.17g", va_arg(ap, double));
			st->vals[i] = xstrdup(num);
			break;
		case 't': {
			const char *s = va_arg(ap, const char *);
			st->vals[i] = s ? xstrdup(s) : NULL;
			break;
		}
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t len = va_arg(ap, size_t);
			st->vals[i] = xmalloc(len ? len : 1);
			if (len)
				memcpy(st->vals[i], p, len);
			st->lens[i] = (int)len;
			st->fmts[i] = 1;
			break;
		}
		case 'n':
			st->vals[i] = NULL;
			break;
		default:
			log_error("db: bad bind type '%c'", types[i]);
			pg_done(st);
			return NULL;
		}
	}
	return st;
}

static void free_blobs(struct pg_stmt *st)
{
	if (!st->blobs)
		return;
	int n = st->res ? PQnfields(st->res) : 0;
	for (int i = 0; i < n; i++)
		PQfreemem(st->blobs[i]);
	memset(st->blobs, 0, (size_t)n * sizeof(*st->blobs));
}

/* A command's row count, kept for db_changes() as sqlite3_changes() keeps it: only an
 * INSERT, UPDATE or DELETE sets it. */
static void note_changes(struct pg_conn *c, PGresult *r)
{
	const char *s = PQcmdStatus(r);
	if (strncmp(s, "INSERT", 6) == 0 || strncmp(s, "UPDATE", 6) == 0 ||
	    strncmp(s, "DELETE", 6) == 0)
		c->changes = atoi(PQcmdTuples(r));
}

int pg_step(struct pg_stmt *st)
{
	if (!st->started) {
		st->started = 1;
		double t0 = metrics_now();
		st->res = st->e ? PQexecParams(st->c->h, st->e->text, st->nparams, st->e->oids,
					       (const char *const *)st->vals, st->lens, st->fmts, 0)
				: PQexecPrepared(st->c->h, st->name, st->nparams, (const char *const *)st->vals,
						 st->lens, st->fmts, 0);
		metrics_db_time(metrics_now() - t0);
		int rc = map_result(st->c, st->res);
		if (rc != DB_OK) {
			if (rc != DB_CONSTRAINT)
				log_error("db: step failed: %s", st->c->err);
			return rc;
		}
		note_changes(st->c, st->res);
		st->nrows = PQntuples(st->res);
		st->row = -1;
	}
	if (!st->res || PQresultStatus(st->res) != PGRES_TUPLES_OK)
		return 0;
	free_blobs(st);
	if (st->row + 1 >= st->nrows) {
		st->row = st->nrows;
		return 0;
	}
	st->row++;
	return 1;
}

void pg_done(struct pg_stmt *st)
{
	if (!st)
		return;
	free_blobs(st);
	free(st->blobs);
	free(st->blen);
	for (int i = 0; i < st->nparams; i++)
		free(st->vals[i]);
	free(st->vals);
	free(st->lens);
	free(st->fmts);
	PQclear(st->res);
	free(st);
}

int pg_exec_script(struct pg_conn *c, const char *sql)
{
	PGresult *r = PQexec(c->h, sql);
	int rc = map_result(c, r);
	if (rc != DB_OK)
		log_error("db: %s", c->err);
	PQclear(r);
	return rc;
}

int pg_copy_in_begin(struct pg_conn *c, const char *sql)
{
	PGresult *r = PQexec(c->h, sql);
	int rc = DB_OK;
	if (!r || PQresultStatus(r) != PGRES_COPY_IN) {
		map_result(c, r);
		if (!c->err[0])
			set_err(c, "COPY did not start");
		rc = DB_ERROR;
	}
	PQclear(r);
	return rc;
}

int pg_copy_in_put(struct pg_conn *c, const char *buf, size_t n)
{
	while (n) {	/* PQputCopyData takes an int */
		int piece = n > (1u << 30) ? 1 << 30 : (int)n;
		if (PQputCopyData(c->h, buf, piece) != 1) {
			set_err(c, PQerrorMessage(c->h));
			return DB_ERROR;
		}
		buf += piece;
		n -= (size_t)piece;
	}
	return DB_OK;
}

int pg_copy_in_end(struct pg_conn *c, int failed)
{
	if (PQputCopyEnd(c->h, failed ? "the copy failed on the client's side" : NULL) != 1) {
		set_err(c, PQerrorMessage(c->h));
		return DB_ERROR;
	}
	int rc = DB_OK;
	PGresult *r;
	while ((r = PQgetResult(c->h))) {	/* the COPY's result, then NULL */
		if (failed)
			rc = DB_ERROR;
		else if (rc == DB_OK && map_result(c, r) != DB_OK)
			rc = DB_ERROR;
		else if (rc == DB_OK)
			c->changes = atoi(PQcmdTuples(r));
		PQclear(r);
	}
	return rc;
}

int64_t pg_last_id(struct pg_conn *c)
{
	PGresult *r = PQexec(c->h, "SELECT lastval()");
	int64_t id = 0;
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		id = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	else
		log_error("db: lastval: %s", PQresultErrorMessage(r));
	PQclear(r);
	return id;
}

int pg_changes(struct pg_conn *c)
{
	return c->changes;
}

static int has_cell(struct pg_stmt *st, int i)
{
	return st->res && st->row >= 0 && st->row < st->nrows && i >= 0 && i < PQnfields(st->res);
}

const char *pg_col_text(struct pg_stmt *st, int i)
{
	if (!has_cell(st, i) || PQgetisnull(st->res, st->row, i))
		return "";
	const char *v = PQgetvalue(st->res, st->row, i);
	if (PQftype(st->res, i) == BOOLOID)	/* SQLite's comparisons are 1 and 0 */
		return *v == 't' ? "1" : "0";
	return v;
}

int64_t pg_col_i64(struct pg_stmt *st, int i)
{
	if (!has_cell(st, i) || PQgetisnull(st->res, st->row, i))
		return 0;
	const char *v = PQgetvalue(st->res, st->row, i);
	if (PQftype(st->res, i) == BOOLOID)
		return *v == 't';
	char *end;
	long long n = strtoll(v, &end, 10);
	if (*end == '.' || *end == 'e' || *end == 'E')	/* a numeric or float: truncated, as SQLite */
		return (int64_t)strtod(v, NULL);
	return n;
}

double pg_col_double(struct pg_stmt *st, int i)
{
	if (!has_cell(st, i) || PQgetisnull(st->res, st->row, i))
		return 0;
	const char *v = PQgetvalue(st->res, st->row, i);
	if (PQftype(st->res, i) == BOOLOID)
		return *v == 't';
	return strtod(v, NULL);
}

int pg_col_null(struct pg_stmt *st, int i)
{
	return !has_cell(st, i) || PQgetisnull(st->res, st->row, i);
}

static void load_blob(struct pg_stmt *st, int i)
{
	int n = PQnfields(st->res);
	if (!st->blobs) {
		st->blobs = xcalloc((size_t)n, sizeof(*st->blobs));
		st->blen = xcalloc((size_t)n, sizeof(*st->blen));
	}
	if (st->blobs[i])
		return;
	const char *v = PQgetvalue(st->res, st->row, i);
	if (PQftype(st->res, i) == BYTEAOID) {
		size_t len = 0;
		st->blobs[i] = PQunescapeBytea((const unsigned char *)v, &len);
		st->blen[i] = st->blobs[i] ? len : 0;
	} else {	/* text read as a blob: its bytes, as SQLite gives them */
		size_t len = (size_t)PQgetlength(st->res, st->row, i);
		st->blobs[i] = malloc(len + 1);	/* PQfreemem is free() */
		if (st->blobs[i])
			memcpy(st->blobs[i], v, len + 1);
		st->blen[i] = st->blobs[i] ? len : 0;
	}
}

const void *pg_col_blob(struct pg_stmt *st, int i)
{
	if (!has_cell(st, i) || PQgetisnull(st->res, st->row, i))
		return NULL;
	load_blob(st, i);
	return st->blen[i] ? st->blobs[i] : NULL;
}

size_t pg_col_bytes(struct pg_stmt *st, int i)
{
	if (!has_cell(st, i) || PQgetisnull(st->res, st->row, i))
		return 0;
	load_blob(st, i);
	return st->blen[i];
}

int pg_col_count(struct pg_stmt *st)
{
	return st->res && PQresultStatus(st->res) == PGRES_TUPLES_OK ? PQnfields(st->res) : 0;
}

int pg_begin(struct pg_conn *c)
{
	for (int tries = 0;; tries++) {
		PGresult *r = PQexec(c->h, "BEGIN ISOLATION LEVEL READ COMMITTED");
		int rc = map_result(c, r);
		PQclear(r);
		if (rc != DB_OK)
			return rc;
		r = PQexec(c->h, "SELECT pg_advisory_xact_lock(" /* WRITE_LOCK_KEY */ "1634627957)");
		rc = map_result(c, r);
		int retry = rc != DB_OK && tries < BEGIN_TRIES &&
			    (strcmp(sqlstate(r), "40001") == 0 || strcmp(sqlstate(r), "40P01") == 0);
		PQclear(r);
		if (rc == DB_OK)
			return DB_OK;
		PQclear(PQexec(c->h, "ROLLBACK"));
		if (!retry) {
			log_error("db: cannot take the write lock: %s", c->err);
			return rc;
		}
	}
}

int pg_commit(struct pg_conn *c)
{
	PGresult *r = PQexec(c->h, "COMMIT");
	int rc = map_result(c, r);
	/* COMMIT of a transaction that an error aborted "succeeds" as a ROLLBACK */
	if (rc == DB_OK && strcmp(PQcmdStatus(r), "COMMIT") != 0) {
		set_err(c, "the transaction was rolled back after an error");
		rc = DB_ERROR;
	}
	if (rc != DB_OK)
		log_error("db: commit failed: %s", c->err);
	PQclear(r);
	return rc;
}

void pg_rollback(struct pg_conn *c)
{
	if (PQtransactionStatus(c->h) != PQTRANS_IDLE)
		PQclear(PQexec(c->h, "ROLLBACK"));
}

int pg_read_begin(struct pg_conn *c)
{
	return simple(c, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
}

void pg_read_end(struct pg_conn *c)
{
	if (PQtransactionStatus(c->h) != PQTRANS_IDLE)
		PQclear(PQexec(c->h, "COMMIT"));
}
