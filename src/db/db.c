/*
 * db.c — connections, cached statements, typed binding and write transactions.
 *
 * Durability: the journal is WAL and `synchronous` is FULL by default, so a commit is on disk
 * before the request that made it is answered; a 2xx survives a crash of the process and a
 * loss of power. NORMAL would survive only the former; it commits 8–14× faster on this machine
 * (bench/sync-cost.sh measures both), but FULL still manages ~2,500 commits/s; the key db.synchronous = NORMAL selects it.
 */
#include "db/db.h"
#include "db/db_sqlite.h"
#include "db/memo.h"
#include "db/pg.h"
#include "base/config.h"
#include "base/log.h"
#include "base/metrics.h"
#include "base/strbuf.h"

#include <pthread.h>
#include <stdio.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

/* The statement cache: each connection keeps up to STMT_CACHE prepared statements, found by
 * a hash of their SQL text (the same text is often assembled afresh, so not by its address)
 * and evicted least recently used first when a new one needs the room. A statement in use
 * (between db_query and db_done) is never evicted; the same SQL wanted twice at once (a
 * nested loop) gets a second cached statement. Sized above the ~200 distinct statements one
 * page can run would be waste: a page runs a few dozen, and the LRU keeps the hot ones. */
#define STMT_CACHE 128
#define STMT_BUCKETS 256	/* a power of two */

struct db_stmt {
	sqlite3_stmt *st;
	char *sql;			/* owned copy; NULL for a statement outside the cache */
	uint32_t hash;
	int in_use;
	struct db_stmt *chain;		/* the next in its hash bucket */
	struct db_stmt *newer, *older;	/* the connection's LRU list */
	struct pg_stmt *pg;	/* a PostgreSQL statement instead (outside this cache) */
	/* db_query_memo: rows replayed from the memo (st is then NULL), or a run being recorded */
	struct memo_rows *memo;
	int memo_row;
	struct memo_rows *rec;
	char *rec_key;
	size_t rec_klen;
	uint64_t rec_stamp;
	int rec_done;
	char (*numtext)[32];	/* a replayed number's text, per column (db_col_text) */
	unsigned steps;		/* since db_query: which steps db_step times */
	double db_s;		/* their time, added to the metric at db_done */
};

struct db {
	sqlite3 *h;
	struct pg_conn *pg;	/* a PostgreSQL connection instead of h (pg.h) */
	int in_tx;
	struct db_stmt *bucket[STMT_BUCKETS];
	struct db_stmt *newest, *oldest;
	int ncache;
	struct db *next_free;	/* pool list */
	sqlite3_int64 changes_seen;	/* sqlite3_total_changes64 when the stamp last moved for it */
	int64_t data_version;	/* PRAGMA data_version when db_stamp last looked */
	int in_read;		/* inside db_request_read_begin's read transaction (SQLite) */
};

/* db_stamp: moves on with every commit that changed a row (see note_writes and db_stamp) */
static _Atomic uint64_t data_stamp = 1;
static void note_writes(struct db *c);
static void read_end(struct db *c);
static void record_row(struct db_stmt *st);

/* SQLite counts the bytes it allocates under one global mutex unless told not to: every
 * page read of every connection took it (6-10 % of a dashboard's time, threads waiting on
 * each other). The counts are not used. Before the library's first use, once. */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;
static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static _Atomic uint64_t cache_hits, cache_misses, cache_evictions, cache_reprepares;

void db_cache_stats(struct db_cache_stats *out)
{
	out->hits = cache_hits;
	out->reprepares = cache_reprepares;
	out->misses = cache_misses;
	out->evictions = cache_evictions;
}

/* The FTS5 side of a module's tokenizer (db.h, struct db_tokenizer): FTS5 hands us the text
 * and a callback; the module's function calls emit, which forwards to that callback and keeps
 * its first error. */
struct tok_ctx {
	void *pctx;
	int (*xToken)(void *, int, const char *, int, int, int);
	int rc;
};

static void fts_emit(void *ctx, const char *tok, int n, int start, int end)
{
	struct tok_ctx *t = ctx;
	if (t->rc == SQLITE_OK && n > 0)
		t->rc = t->xToken(t->pctx, 0, tok, n, start, end);
}

static int fts_create(void *ud, const char **args, int nargs, Fts5Tokenizer **out)
{
	(void)args;
	(void)nargs;
	*out = ud;	/* stateless: the instance is the list entry */
	return SQLITE_OK;
}

static void fts_delete(Fts5Tokenizer *t)
{
	(void)t;
}

static int fts_tokenize(Fts5Tokenizer *t, void *pctx, int flags, const char *text, int len,
			int (*xToken)(void *, int, const char *, int, int, int))
{
	(void)flags;
	const struct db_tokenizer *dt = (const struct db_tokenizer *)(void *)t;
	struct tok_ctx c = {pctx, xToken, SQLITE_OK};
	dt->tokenize(text, len, &c, fts_emit);
	return c.rc;
}

/* string_agg(value, separator): PostgreSQL's name for SQLite's group_concat, which
 * Debian 12's SQLite (3.40) lacks (3.44 has it), so that module SQL joins texts one way on
 * both backends. NULL values are skipped; no value at all gives NULL. */
static void agg_step(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	struct strbuf *sb = sqlite3_aggregate_context(ctx, sizeof(*sb));
	if (!sb)
		return;
	if (!sb->buf)
		*sb = (struct strbuf)STRBUF_INIT;
	else {
		const unsigned char *sep = sqlite3_value_text(argv[1]);
		sb_adds(sb, sep ? (const char *)sep : "");
	}
	sb_add(sb, sqlite3_value_text(argv[0]), (size_t)sqlite3_value_bytes(argv[0]));
}

static void agg_final(sqlite3_context *ctx)
{
	struct strbuf *sb = sqlite3_aggregate_context(ctx, 0);
	if (!sb || !sb->buf) {
		sqlite3_result_null(ctx);
		return;
	}
	sqlite3_result_text(ctx, sb->buf, (int)sb->len, SQLITE_TRANSIENT);
	sb_release(sb);
}

/* The modules' tokenizers, on every connection and before migrations (a virtual table names
 * its tokenizer): each of db_tokenizers in turn, through the fts5_api pointer. */
static int db_register_extensions(sqlite3 *h)
{
	fts5_api *api = NULL;
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(h, "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK)
		return SQLITE_ERROR;
	sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!api || api->iVersion < 2)
		return SQLITE_ERROR;
	if (sqlite3_create_function(h, "string_agg", 2, SQLITE_UTF8, NULL, NULL, agg_step,
				    agg_final) != SQLITE_OK)
		return SQLITE_ERROR;
	static fts5_tokenizer glue = {fts_create, fts_delete, fts_tokenize};
	for (const struct db_tokenizer *e = db_tokenizers; e->name; e++) {
		int rc = api->xCreateTokenizer(api, e->name, (void *)e, &glue, NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

/* One writer at a time in this process; SQLite's own lock guards against other processes. */
static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;

/* Called at the end of every write transaction, still under write_lock (see db.h). */
static void (*tx_hook)(int committed);

void db_set_tx_hook(void (*fn)(int committed))
{
	tx_hook = fn;
}

struct pg_conn *db_pg(struct db *c)
{
	return c->pg;
}

/* A path is an SQLite file; a postgresql:// URL (the key db.url) is a PostgreSQL database. */
struct db *db_open(const char *path, char **err)
{
	if (pg_is_url(path)) {
		struct pg_conn *pc = pg_open(path, err);
		if (!pc)
			return NULL;
		struct db *c = xcalloc(1, sizeof(*c));
		c->pg = pc;
		return c;
	}
	pthread_once(&sqlite_once, sqlite_setup);
	struct db *c = xcalloc(1, sizeof(*c));
	const char *sync = cfg.synchronous;
	int rc = sqlite3_open_v2(path, &c->h,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		if (err)
			*err = xstrdup(c->h ? sqlite3_errmsg(c->h) : "cannot open database");
		sqlite3_close(c->h);
		free(c);
		return NULL;
	}
	if (db_register_extensions(c->h) != SQLITE_OK) {
		if (err)
			*err = xstrdup("cannot register SQLite extensions (FTS5 missing?)");
		sqlite3_close(c->h);
		free(c);
		return NULL;
	}
	/* The query planner's stability guarantee: a plan does not depend on the values bound.
	 * Without it every statement with "LIKE ?" (the data scope: u.path LIKE '/1/2/%') was
	 * compiled again on every run, as SQLite marks it expired whenever that parameter is
	 * bound, in case the pattern allows a prefix range; which it never does here (LIKE is
	 * case-insensitive and the columns are BINARY, and there is no sqlite_stat4), so the
	 * plans stay what they were. The hazard page spent 9 % of its time recompiling. */
	sqlite3_db_config(c->h, SQLITE_DBCONFIG_ENABLE_QPSG, 1, (int *)NULL);
	sqlite3_busy_timeout(c->h, 10000);
	sqlite3_extended_result_codes(c->h, 0);
	struct strbuf sb = STRBUF_INIT;
	sb_adds(&sb, "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
		     " PRAGMA cache_size=-16000;");
	/* The file read through a memory map (db.mmap_mb): in WAL mode a connection empties its
	 * whole page cache whenever another connection has committed, so under a stream of
	 * reports every page a list or a count reads was copied in again with pread(). Mapped,
	 * such a page is the kernel's page-cache page itself. Morning peak at a million hazards,
	 * A/B/A/B: 365 / 414 / 377 / 391 req/s; detail page 12.7 / 14.0 / 12.6 / 13.6 k/s.
	 * The cost: an I/O error while reading the file is a SIGBUS (the process ends and systemd
	 * restarts it) instead of an error code, and the mapped pages count in the process's
	 * RSS although they are the shared page cache (bench/run reports both). */
	sb_addf(&sb, " PRAGMA mmap_size=%lld;", (long long)cfg.mmap_mb << 20);
	sb_addf(&sb, " PRAGMA synchronous=%s;",
		sync && strcmp(sync, "NORMAL") == 0 ? "NORMAL" : "FULL");
	char *msg = NULL;
	rc = sqlite3_exec(c->h, sb.buf, NULL, NULL, &msg);
	sb_release(&sb);
	if (rc != SQLITE_OK) {
		if (err)
			*err = xstrdup(msg ? msg : "cannot configure database");
		sqlite3_free(msg);
		db_close(c);
		return NULL;
	}
	return c;
}

void db_close(struct db *c)
{
	if (!c)
		return;
	if (c->pg) {
		pg_close(c->pg);
		free(c);
		return;
	}
	for (struct db_stmt *e = c->newest, *n; e; e = n) {
		n = e->older;
		sqlite3_finalize(e->st);
		free(e->sql);
		free(e);
	}
	sqlite3_close(c->h);
	free(c);
}

sqlite3 *db_sqlite_handle(struct db *c)
{
	return c->h;
}

const char *db_errmsg(struct db *c)
{
	if (c->pg)
		return pg_errmsg(c->pg);
	return sqlite3_errmsg(c->h);
}

static int map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
		return DB_OK;
	case SQLITE_CONSTRAINT:
		return DB_CONSTRAINT;
	default:
		return DB_ERROR;
	}
}

static int bind_va(sqlite3_stmt *st, const char *types, va_list ap)
{
	int idx = 1, rc = SQLITE_OK;
	/* SQLite binds NULL to a placeholder nothing was bound to, so a type string one letter
	 * short would store NULL without a word: refuse it (tests/check-static catches the literal
	 * cases before they run; this catches SQL assembled from pieces). */
	int want = sqlite3_bind_parameter_count(st);
	if ((int)strlen(types ? types : "") != want) {
		log_error("db: type string \"%s\" has %d letters for %d parameters in: %s", types ? types : "",
			  (int)strlen(types ? types : ""), want, sqlite3_sql(st));
		return DB_ERROR;
	}
	for (const char *t = types ? types : ""; *t && rc == SQLITE_OK; t++, idx++) {
		switch (*t) {
		case 'i':
			rc = sqlite3_bind_int(st, idx, va_arg(ap, int));
			break;
		case 'I':
			rc = sqlite3_bind_int64(st, idx, va_arg(ap, int64_t));
			break;
		case 'd':
			rc = sqlite3_bind_double(st, idx, va_arg(ap, double));
			break;
		case 't': {
			const char *s = va_arg(ap, const char *);
			rc = s ? sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT)
			       : sqlite3_bind_null(st, idx);
			break;
		}
		case 'b': {
			const void *p = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			rc = sqlite3_bind_blob64(st, idx, p ? p : "", n, SQLITE_TRANSIENT);
			break;
		}
		case 'n':
			rc = sqlite3_bind_null(st, idx);
			break;
		default:
			log_error("db: bad bind type '%c'", *t);
			return DB_ERROR;
		}
	}
	return rc == SQLITE_OK ? DB_OK : DB_ERROR;
}

/* XXH3 (libxxhash): a list's SQL is 1–2 KB and every statement of every request is looked up
 * by it; a byte-at-a-time hash (FNV-1a, before) was 3–4 % of a page's CPU. */
static uint32_t sql_hash(const char *s)
{
	return (uint32_t)XXH3_64bits(s, strlen(s));
}

static void lru_unlink(struct db *c, struct db_stmt *e)
{
	if (e->newer)
		e->newer->older = e->older;
	else
		c->newest = e->older;
	if (e->older)
		e->older->newer = e->newer;
	else
		c->oldest = e->newer;
	e->newer = e->older = NULL;
}

static void lru_push(struct db *c, struct db_stmt *e)
{
	e->older = c->newest;
	e->newer = NULL;
	if (c->newest)
		c->newest->newer = e;
	c->newest = e;
	if (!c->oldest)
		c->oldest = e;
}

/* Make room for one more: finalize the least recently used statement not in use. 0 if every
 * cached statement is in use (the new one then lives outside the cache). */
static int evict(struct db *c)
{
	struct db_stmt *e = c->oldest;
	while (e && e->in_use)
		e = e->newer;
	if (!e)
		return 0;
	struct db_stmt **p = &c->bucket[e->hash & (STMT_BUCKETS - 1)];
	while (*p != e)
		p = &(*p)->chain;
	*p = e->chain;
	lru_unlink(c, e);
	sqlite3_finalize(e->st);
	free(e->sql);
	free(e);
	c->ncache--;
	cache_evictions++;
	return 1;
}

static struct db_stmt *prepare(struct db *c, const char *sql)
{
	uint32_t h = sql_hash(sql);
	struct db_stmt **b = &c->bucket[h & (STMT_BUCKETS - 1)];
	for (struct db_stmt *e = *b; e; e = e->chain) {
		if (!e->in_use && e->hash == h && strcmp(e->sql, sql) == 0) {
			e->in_use = 1;
			lru_unlink(c, e);
			lru_push(c, e);
			cache_hits++;
			return e;
		}
	}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(c->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		log_error("db: prepare failed: %s in: %s", sqlite3_errmsg(c->h), sql);
		return NULL;
	}
	cache_misses++;
	struct db_stmt *e = xcalloc(1, sizeof(*e));
	e->st = st;
	e->in_use = 1;
	if (c->ncache < STMT_CACHE || evict(c)) {
		e->sql = xstrdup(sql);
		e->hash = h;
		e->chain = *b;
		*b = e;
		lru_push(c, e);
		c->ncache++;
	}
	return e;
}

/* See db.h. */
void db_request_read_begin(struct db *c)
{
	if (!c || c->pg || c->in_tx || c->in_read || !sqlite3_get_autocommit(c->h))
		return;
	/* db_exec, not sqlite3_exec: from the statement cache, where sqlite3_exec parsed the text
	 * on every request (4 % of a hazard page's CPU); so COMMIT below */
	if (db_exec(c, "BEGIN", NULL) == DB_OK)
		c->in_read = 1;
}

/* COMMIT ends a read transaction even under a statement still running (SQLite lets it go
 * on reading: tests/unit/test_db_request_read.c); were it refused, the snapshot stays
 * marked, and db_release ends it once the page's statements are done. */
static void read_end(struct db *c)
{
	if (!sqlite3_get_autocommit(c->h))
		db_exec(c, "COMMIT", NULL);
	c->in_read = !sqlite3_get_autocommit(c->h);
}

void db_request_read_end(struct db *c)
{
	if (c && c->in_read)
		read_end(c);
}

static struct db_stmt *query_va(struct db *c, const char *sql, const char *types, int replan, va_list ap)
{
	if (c->pg) {
		struct pg_stmt *ps = pg_query(c->pg, sql, types, replan, ap);
		if (!ps)
			return NULL;
		struct db_stmt *st = xcalloc(1, sizeof(*st));
		st->pg = ps;
		return st;
	}
	struct db_stmt *st = prepare(c, sql);
	if (!st)
		return NULL;
	if (c->in_read && !sqlite3_stmt_readonly(st->st))
		read_end(c);	/* a write outside db_begin: autocommit, as without the snapshot */
	if (bind_va(st->st, types, ap) != DB_OK) {
		log_error("db: bind failed: %s in: %s", sqlite3_errmsg(c->h), sql);
		db_done(c, st);
		return NULL;
	}
	return st;
}

struct db_stmt *db_query(struct db *c, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *st = query_va(c, sql, types, 0, ap);
	va_end(ap);
	return st;
}

/* See db.h. SQLite plans a statement when it is prepared, without its values, either way. */
struct db_stmt *db_query_replan(struct db *c, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *st = query_va(c, sql, types, 1, ap);
	va_end(ap);
	return st;
}

/* See db.h. The stamp is taken outside any transaction and before the read it keys: a
 * statement under way (a loop around this query) holds a read snapshot that may predate the
 * stamp, so then there is none (0) and the caller reads afresh. PRAGMA data_version moves
 * when another connection, of this process or another, has committed since this one last
 * looked: the stamp moves too, as this process's own note_writes may not have seen it. */
uint64_t db_stamp(struct db *c)
{
	if (c->pg || !sqlite3_get_autocommit(c->h))
		return 0;
	for (sqlite3_stmt *p = sqlite3_next_stmt(c->h, NULL); p; p = sqlite3_next_stmt(c->h, p))
		if (sqlite3_stmt_busy(p))
			return 0;
	int64_t v = 0;
	if (db_get_i64(c, &v, "PRAGMA data_version", NULL) != 1)
		return 0;
	if (v != c->data_version) {
		c->data_version = v;
		data_stamp++;
	}
	return data_stamp;
}

/* the memo's key: the SQL, the types and each parameter's value, unambiguously */
static void memo_key(struct strbuf *k, const char *sql, const char *types, va_list ap)
{
	sb_add(k, sql, strlen(sql) + 1);
	sb_add(k, types ? types : "", strlen(types ? types : "") + 1);
	for (const char *t = types ? types : ""; *t; t++) {
		switch (*t) {
		case 'i': {
			int v = va_arg(ap, int);
			sb_add(k, (const char *)&v, sizeof v);
			break;
		}
		case 'I': {
			int64_t v = va_arg(ap, int64_t);
			sb_add(k, (const char *)&v, sizeof v);
			break;
		}
		case 'd': {
			double v = va_arg(ap, double);
			sb_add(k, (const char *)&v, sizeof v);
			break;
		}
		case 't': {
			const char *v = va_arg(ap, const char *);
			size_t n = v ? strlen(v) : 0;
			sb_add(k, v ? "T" : "N", 1);
			sb_add(k, (const char *)&n, sizeof n);
			sb_add(k, v ? v : "", n);
			break;
		}
		case 'b': {
			const char *v = va_arg(ap, const void *);
			size_t n = va_arg(ap, size_t);
			sb_add(k, (const char *)&n, sizeof n);
			sb_add(k, v ? v : "", v ? n : 0);
			break;
		}
		default:
			break;
		}
	}
}

struct db_stmt *db_query_memo(struct db *c, const char *sql, const char *types, ...)
{
	va_list ap, key_ap;
	va_start(ap, types);
	/* outside the request's snapshot, as without one: the stamp and the rows it keys are
	 * then of now (under a stream of commits, a snapshot begun earlier could neither use
	 * the rows others keep under the newest stamp nor keep its own) */
	db_request_read_end(c);
	uint64_t stamp = db_stamp(c);
	/* the store serves the whole process: rows are kept under their database's file name,
	 * and a database without one (in memory, temporary) is not memoized */
	const char *file = stamp ? sqlite3_db_filename(c->h, "main") : NULL;
	if (!stamp || !file || !*file) {
		struct db_stmt *st = query_va(c, sql, types, 0, ap);
		va_end(ap);
		return st;
	}
	struct strbuf k = STRBUF_INIT;
	sb_add(&k, file, strlen(file) + 1);
	va_copy(key_ap, ap);
	memo_key(&k, sql, types, key_ap);
	va_end(key_ap);
	struct memo_rows *m = memo_get(k.buf, k.len, stamp);
	if (m) {
		va_end(ap);
		sb_release(&k);
		struct db_stmt *st = xcalloc(1, sizeof(*st));
		st->memo = m;
		st->memo_row = -1;
		return st;
	}
	struct db_stmt *st = query_va(c, sql, types, 0, ap);
	va_end(ap);
	if (!st) {
		sb_release(&k);
		return NULL;
	}
	st->rec = memo_rows_new(sqlite3_column_count(st->st));
	st->rec_key = sb_detach(&k, &st->rec_klen);
	st->rec_stamp = stamp;
	st->rec_done = 0;
	return st;
}

int db_step(struct db_stmt *st)
{
	if (st->memo)
		return ++st->memo_row < memo_rows_count(st->memo) ? 1 : 0;
	if (st->pg)
		return pg_step(st->pg);
	/* The database-time metric: a statement's first 16 steps are timed (an aggregate, a
	 * sort or a grouping does its work there), then every 8th, counted 8 times. Two clock
	 * reads and a shared atomic add around every row were a tenth of a list page's CPU. */
	int timed = st->steps < 16 || (st->steps & 7) == 0;
	double t0 = timed ? metrics_now() : 0;
	int rc = sqlite3_step(st->st);
	if (timed)
		st->db_s += (metrics_now() - t0) * (st->steps < 16 ? 1 : 8);
	st->steps++;
	if (rc == SQLITE_ROW) {
		if (st->rec)
			record_row(st);
		return 1;
	}
	if (rc == SQLITE_DONE) {
		st->rec_done = 1;
		return 0;
	}
	int m = map_rc(rc);
	if (m != DB_CONSTRAINT)
		log_error("db: step failed: %s", sqlite3_errmsg(sqlite3_db_handle(st->st)));
	return m == DB_OK ? DB_ERROR : m;
}

/* After a statement, outside any transaction: if rows changed since the stamp last moved for
 * this connection, they are committed now (autocommit, or the COMMIT just run), so move it.
 * After the commit, never before: a reader that takes the old stamp and then sees the new
 * rows stores newer rows under an older stamp, which the next reader passes over; the other
 * order could keep old rows under the new stamp. */
static void note_writes(struct db *c)
{
	if (!c || !c->h || !sqlite3_get_autocommit(c->h))
		return;
	sqlite3_int64 n = sqlite3_total_changes64(c->h);
	if (n != c->changes_seen) {
		c->changes_seen = n;
		data_stamp++;
	}
}

static void record_row(struct db_stmt *st)
{
	int n = memo_rows_cols(st->rec);
	struct memo_cell cells[n > 0 ? n : 1];
	const char *texts[n > 0 ? n : 1];
	for (int i = 0; i < n; i++) {
		int t = sqlite3_column_type(st->st, i);
		cells[i] = (struct memo_cell){.type = t == SQLITE_INTEGER ? MEMO_INT
						      : t == SQLITE_FLOAT ? MEMO_REAL
						      : t == SQLITE_BLOB  ? MEMO_BLOB
						      : t == SQLITE_NULL  ? MEMO_NULL
									  : MEMO_TEXT};
		cells[i].i = sqlite3_column_int64(st->st, i);
		cells[i].d = sqlite3_column_double(st->st, i);
		/* numbers keep no text: made when asked for (db_col_text), which is rare */
		int has_text = t == SQLITE_TEXT || t == SQLITE_BLOB;
		texts[i] = !has_text	       ? NULL
			   : t == SQLITE_BLOB ? (const char *)sqlite3_column_blob(st->st, i)
					      : (const char *)sqlite3_column_text(st->st, i);
		cells[i].len = has_text ? (size_t)sqlite3_column_bytes(st->st, i) : 0;
	}
	memo_rows_add(st->rec, cells, texts);
}

void db_done(struct db *c, struct db_stmt *st)
{
	if (!st)
		return;
	if (st->memo) {
		memo_release(st->memo);
		free(st->numtext);
		free(st);
		return;
	}
	if (st->rec) {
		/* a caller that read the one row it wanted has not seen the end: look for it (one
		 * step); a run left with rows unread is not kept */
		if (!st->rec_done && st->st && sqlite3_step(st->st) == SQLITE_DONE)
			st->rec_done = 1;
		if (st->rec_done)
			memo_put(st->rec_key, st->rec_klen, st->rec_stamp, st->rec);
		else
			memo_rows_free(st->rec);
		free(st->rec_key);
		st->rec = NULL;
		st->rec_key = NULL;
	}
	st->rec_done = 0;
	if (st->db_s > 0)
		metrics_db_time(st->db_s);
	st->db_s = 0;
	st->steps = 0;
	if (st->pg) {
		pg_done(st->pg);
		free(st);
		return;
	}
	if (st->sql) {
		cache_reprepares += (uint64_t)sqlite3_stmt_status(st->st, SQLITE_STMTSTATUS_REPREPARE, 1);
		sqlite3_reset(st->st);
		sqlite3_clear_bindings(st->st);
		st->in_use = 0;
		note_writes(c);
		return;
	}
	sqlite3_finalize(st->st);	/* outside the cache: every slot was in use */
	free(st);
	note_writes(c);
}

int db_exec(struct db *c, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *st = query_va(c, sql, types, 0, ap);
	va_end(ap);
	if (!st)
		return DB_ERROR;
	int rc;
	while ((rc = db_step(st)) == 1)
		;
	db_done(c, st);
	return rc;
}

int db_exec_script(struct db *c, const char *sql)
{
	if (c->pg)
		return pg_exec_script(c->pg, sql);
	char *msg = NULL;
	db_request_read_end(c);
	int rc = sqlite3_exec(c->h, sql, NULL, NULL, &msg);
	note_writes(c);
	if (rc != SQLITE_OK) {
		log_error("db: %s", msg ? msg : sqlite3_errmsg(c->h));
		sqlite3_free(msg);
		return map_rc(rc) == DB_OK ? DB_ERROR : map_rc(rc);
	}
	return DB_OK;
}

int64_t db_last_id(struct db *c)
{
	if (c->pg)
		return pg_last_id(c->pg);
	return sqlite3_last_insert_rowid(c->h);
}

int db_changes(struct db *c)
{
	if (c->pg)
		return pg_changes(c->pg);
	return sqlite3_changes(c->h);
}

int db_get_i64(struct db *c, int64_t *out, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *st = query_va(c, sql, types, 0, ap);
	va_end(ap);
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == 1)
		*out = db_col_i64(st, 0);
	db_done(c, st);
	return rc;
}

int db_get_text(struct db *c, char **out, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	struct db_stmt *st = query_va(c, sql, types, 0, ap);
	va_end(ap);
	*out = NULL;
	if (!st)
		return DB_ERROR;
	int rc = db_step(st);
	if (rc == 1)
		*out = xstrdup(db_col_text(st, 0));
	db_done(c, st);
	return rc;
}

const char *db_col_text(struct db_stmt *st, int i)
{
	if (st->memo) {
		const struct memo_cell *m = memo_cell(st->memo, st->memo_row, i);
		if (m->type != MEMO_INT && m->type != MEMO_REAL)
			return memo_text(st->memo, m);
		/* as SQLite renders a number asked for as text */
		if (!st->numtext)
			st->numtext = xcalloc((size_t)memo_rows_cols(st->memo), sizeof(*st->numtext));
		if (m->type == MEMO_INT)
			snprintf(st->numtext[i], sizeof(st->numtext[i]), "%lld", (long long)m->i);
		else {	/* SQLite writes a whole real as "3.0" */
			char *b = st->numtext[i];
			snprintf(b, sizeof(st->numtext[i]), "%.15g", m->d);
			if (!strpbrk(b, ".eEni"))
				strcat(b, ".0");
		}
		return st->numtext[i];
	}
	if (st->pg)
		return pg_col_text(st->pg, i);
	const unsigned char *s = sqlite3_column_text(st->st, i);
	return s ? (const char *)s : "";
}

int64_t db_col_i64(struct db_stmt *st, int i)
{
	if (st->memo)
		return memo_cell(st->memo, st->memo_row, i)->i;
	if (st->pg)
		return pg_col_i64(st->pg, i);
	return sqlite3_column_int64(st->st, i);
}

double db_col_double(struct db_stmt *st, int i)
{
	if (st->memo)
		return memo_cell(st->memo, st->memo_row, i)->d;
	if (st->pg)
		return pg_col_double(st->pg, i);
	return sqlite3_column_double(st->st, i);
}

int db_col_null(struct db_stmt *st, int i)
{
	if (st->memo)
		return memo_cell(st->memo, st->memo_row, i)->type == MEMO_NULL;
	if (st->pg)
		return pg_col_null(st->pg, i);
	return sqlite3_column_type(st->st, i) == SQLITE_NULL;
}

const void *db_col_blob(struct db_stmt *st, int i)
{
	if (st->memo) {
		const struct memo_cell *m = memo_cell(st->memo, st->memo_row, i);
		return m->len ? memo_text(st->memo, m) : NULL;
	}
	if (st->pg)
		return pg_col_blob(st->pg, i);
	return sqlite3_column_blob(st->st, i);
}

size_t db_col_bytes(struct db_stmt *st, int i)
{
	if (st->memo)
		return memo_cell(st->memo, st->memo_row, i)->len;
	if (st->pg)
		return pg_col_bytes(st->pg, i);
	int n = sqlite3_column_bytes(st->st, i);
	return n > 0 ? (size_t)n : 0;
}

int db_col_count(struct db_stmt *st)
{
	if (st->memo)
		return memo_rows_cols(st->memo);
	if (st->pg)
		return pg_col_count(st->pg);
	return sqlite3_column_count(st->st);
}

int db_begin(struct db *c)
{
	if (c->in_tx) {
		log_error("db: nested transaction");
		return DB_ERROR;
	}
	db_request_read_end(c);	/* a write starts from the newest data, not the request's snapshot */
	pthread_mutex_lock(&write_lock);
	int rc = c->pg ? pg_begin(c->pg) : db_exec(c, "BEGIN IMMEDIATE", NULL);
	if (rc != DB_OK) {
		pthread_mutex_unlock(&write_lock);
		return rc;
	}
	c->in_tx = 1;
	return DB_OK;
}

int db_commit(struct db *c)
{
	if (!c->in_tx)
		return DB_ERROR;
	int rc = c->pg ? pg_commit(c->pg) : db_exec(c, "COMMIT", NULL);
	if (rc != DB_OK) {
		db_rollback(c);
		return rc;
	}
	c->in_tx = 0;
	/* a write transaction may change what no row count sees (a blob written in place) */
	if (!c->pg)
		data_stamp++;
	if (tx_hook)
		tx_hook(1);
	pthread_mutex_unlock(&write_lock);
	return DB_OK;
}

void db_rollback(struct db *c)
{
	if (!c->in_tx)
		return;
	if (c->pg)
		pg_rollback(c->pg);
	else if (sqlite3_get_autocommit(c->h) == 0)
		sqlite3_exec(c->h, "ROLLBACK", NULL, NULL, NULL);
	c->in_tx = 0;
	if (tx_hook)
		tx_hook(0);
	pthread_mutex_unlock(&write_lock);
}

int db_in_tx(struct db *c)
{
	return c->in_tx;
}

/* One pass, not steps: sqlite3_backup_step(b, N) with N pages at a time starts again from
 * the first page whenever another connection commits between two steps, so under one write
 * every half second a 400 MB copy never finished. One step of -1 copies every page under
 * the read transaction the caller holds (db_read_begin), and in WAL mode that blocks no
 * writer. The copy is then made a rollback-journal database, so that it is one
 * self-contained file (no -wal needed to read it), and flushed. */
int db_backup(struct db *c, const char *dest, char **err)
{
	if (c->pg) {	/* PostgreSQL has its own: pg_dump, or base backups with WAL archiving */
		if (err)
			*err = xstrdup("anquan backup copies an SQLite database; for PostgreSQL use pg_dump");
		return DB_ERROR;
	}
	sqlite3 *out = NULL;
	int rc = sqlite3_open_v2(dest, &out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_backup *b = sqlite3_backup_init(out, "main", c->h, "main");
		if (b) {
			rc = sqlite3_backup_step(b, -1);
			int fin = sqlite3_backup_finish(b);
			if (rc == SQLITE_DONE)
				rc = fin;
			else if (rc == SQLITE_OK)	/* cannot be after -1; never report it as done */
				rc = SQLITE_ERROR;
		} else {
			rc = sqlite3_errcode(out);
		}
	}
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(out, "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;"
				       " BEGIN IMMEDIATE; COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK && err)
		*err = xstrdup(out ? sqlite3_errmsg(out) : "cannot open backup file");
	if (sqlite3_close(out) != SQLITE_OK && rc == SQLITE_OK) {
		rc = SQLITE_ERROR;
		if (err)
			*err = xstrdup("cannot close the backup file");
	}
	return rc == SQLITE_OK ? DB_OK : DB_ERROR;
}

struct db *db_open_readonly(const char *path, char **err)
{
	if (pg_is_url(path)) {
		if (err)
			*err = xstrdup("a PostgreSQL database is checked with its own tools");
		return NULL;
	}
	struct db *c = xcalloc(1, sizeof(*c));
	int rc = sqlite3_open_v2(path, &c->h, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		rc = db_register_extensions(c->h);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(c->h, "PRAGMA query_only=ON", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		if (err)
			*err = xstrdup(c->h ? sqlite3_errmsg(c->h) : "cannot open database");
		sqlite3_close(c->h);
		free(c);
		return NULL;
	}
	sqlite3_busy_timeout(c->h, 10000);
	return c;
}

int db_read_begin(struct db *c)
{
	if (c->pg)
		return pg_read_begin(c->pg);
	db_request_read_end(c);	/* its snapshot starts now, not at the request's start */
	return db_exec(c, "BEGIN DEFERRED", NULL);
}

void db_read_end(struct db *c)
{
	if (c->pg) {
		pg_read_end(c->pg);
		return;
	}
	if (sqlite3_get_autocommit(c->h) == 0)
		sqlite3_exec(c->h, "COMMIT", NULL, NULL, NULL);
}

void db_checkpoint(struct db *c)
{
	if (c->pg)
		return;	/* PostgreSQL checkpoints on its own */
	sqlite3_wal_checkpoint_v2(c->h, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}

/* ---- pool ---- */

static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static struct db *pool_free;
static char *pool_path;

int db_pool_init(const char *path, int size, char **err)
{
	pool_path = xstrdup(path);
	for (int i = 0; i < size; i++) {
		struct db *c = db_open(path, err);
		if (!c)
			return DB_ERROR;
		c->next_free = pool_free;
		pool_free = c;
	}
	return DB_OK;
}

const char *db_path(void)
{
	return pool_path;
}

struct db *db_acquire(void)
{
	pthread_mutex_lock(&pool_lock);
	struct db *c = pool_free;
	if (c)
		pool_free = c->next_free;
	pthread_mutex_unlock(&pool_lock);
	if (!c) {	/* more threads than pooled connections: open another */
		char *err = NULL;
		c = db_open(pool_path, &err);
		if (!c) {
			log_error("db: %s", err ? err : "open failed");
			free(err);
		}
	}
	return c;
}

void db_release(struct db *c)
{
	if (!c)
		return;
	if (c->in_tx) {
		log_error("db: connection released inside a transaction; rolled back");
		db_rollback(c);
	}
	db_request_read_end(c);
	pthread_mutex_lock(&pool_lock);
	c->next_free = pool_free;
	pool_free = c;
	pthread_mutex_unlock(&pool_lock);
}

void db_pool_close(void)
{
	pthread_mutex_lock(&pool_lock);
	struct db *c = pool_free, *n;
	if (c)
		db_checkpoint(c);
	for (; c; c = n) {
		n = c->next_free;
		db_close(c);
	}
	pool_free = NULL;
	pthread_mutex_unlock(&pool_lock);
	uint64_t all = cache_hits + cache_misses;
	log_info("db: statement cache %llu hits, %llu misses, %llu evictions: hit rate %.1f%%; %llu recompiled",
		 (unsigned long long)cache_hits, (unsigned long long)cache_misses,
		 (unsigned long long)cache_evictions, all ? 100.0 * (double)cache_hits / (double)all : 0.0,
		 (unsigned long long)cache_reprepares);
	free(pool_path);
	pool_path = NULL;
}
