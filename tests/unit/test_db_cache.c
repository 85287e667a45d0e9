/*
 * test_db_cache.c — the statement cache of src/db/db.c: a bounded number of prepared
 * statements per connection, found by their SQL text, the least recently used evicted first,
 * and never one that is still in use (between db_query and db_done). Statements are told
 * apart by trailing spaces ("SELECT ?" and n spaces), so that no SQL is formatted.
 */
#include "unit.h"
#include "db/db.h"

#include <stdint.h>

#define DISTINCT 300	/* well above the cache's 128 slots */

static const char *nth_sql(char *buf, int n)
{
	memcpy(buf, "SELECT ?", 8);
	memset(buf + 8, ' ', (size_t)n);
	buf[8 + n] = '\0';
	return buf;
}

static int64_t one(struct db *c, const char *sql, int64_t v)
{
	int64_t out = -1;
	return db_get_i64(c, &out, sql, "I", v) == 1 ? out : -1;
}

TEST(statement_cache_evicts_the_least_recently_used_and_keeps_the_hot_one)
{
	struct db *c = unit_db();
	SKIP_ON_PG(c, "the SQLite statement cache");
	char buf[8 + DISTINCT + 1];
	const char *hot = "SELECT ? + 1";
	CHECK_INT(one(c, hot, 1), 2);
	struct db_cache_stats a, b;
	db_cache_stats(&a);
	int wrong = 0;
	for (int i = 1; i <= DISTINCT; i++) {
		wrong += one(c, nth_sql(buf, i), i) != i;
		wrong += one(c, hot, i) != i + 1;
	}
	db_cache_stats(&b);
	CHECK_INT(wrong, 0);
	/* each new statement a miss, the hot one a hit every time: used between any two new
	 * ones, it is never the least recently used */
	CHECK_INT(b.misses - a.misses, DISTINCT);
	CHECK_INT(b.hits - a.hits, DISTINCT);
	/* the cache stays bounded: everything beyond its slots was evicted */
	CHECK(b.evictions - a.evictions >= DISTINCT - 128);
	/* an evicted statement is prepared again, and gives the right answer */
	CHECK_INT(one(c, nth_sql(buf, 1), 7), 7);
	db_close(c);
}

TEST(statement_cache_never_evicts_a_statement_in_use)
{
	struct db *c = unit_db();
	SKIP_ON_PG(c, "the SQLite statement cache");
	char buf[8 + DISTINCT + 1];
	struct db_stmt *open = db_query(c, "SELECT ? * 2", "I", (int64_t)21);
	CHECK(open != NULL);
	int wrong = 0;
	for (int i = 1; i <= DISTINCT; i++)
		wrong += one(c, nth_sql(buf, i), i) != i;
	CHECK_INT(wrong, 0);
	/* under ASan a finalized statement would be a use after free here */
	CHECK(open && db_step(open) == 1);
	CHECK_INT(open ? db_col_i64(open, 0) : 0, 42);
	db_done(c, open);
	db_close(c);
}

TEST(statement_cache_same_sql_twice_at_once_and_more_open_than_slots)
{
	struct db *c = unit_db();
	SKIP_ON_PG(c, "the SQLite statement cache");
	/* a nested loop over the same SQL gets two statements, each with its own binding */
	struct db_stmt *x = db_query(c, "SELECT ?", "I", (int64_t)1);
	struct db_stmt *y = db_query(c, "SELECT ?", "I", (int64_t)2);
	CHECK(x && y && x != y);
	CHECK(x && db_step(x) == 1 && db_col_i64(x, 0) == 1);
	CHECK(y && db_step(y) == 1 && db_col_i64(y, 0) == 2);
	db_done(c, y);
	db_done(c, x);
	/* more statements open at once than the cache holds: the extra ones live outside it and
	 * are finalized by db_done (ASan's leak check sees any left over) */
	enum { OPEN = 140 };
	struct db_stmt *st[OPEN];
	char buf[OPEN][8 + OPEN + 1];
	for (int i = 0; i < OPEN; i++)
		st[i] = db_query(c, nth_sql(buf[i], i), "I", (int64_t)i);
	int wrong = 0;
	for (int i = 0; i < OPEN; i++)
		wrong += !st[i] || db_step(st[i]) != 1 || db_col_i64(st[i], 0) != i;
	CHECK_INT(wrong, 0);
	for (int i = 0; i < OPEN; i++)
		db_done(c, st[i]);
	db_close(c);
}

/* A statement with "LIKE ?" (every data-scope check) runs from the cache as it was compiled:
 * binding its pattern again does not make SQLite compile it again (db.c, QPSG). */
TEST(statement_cache_does_not_recompile_a_like_with_a_bound_pattern)
{
	struct db *c = unit_db();
	SKIP_ON_PG(c, "the SQLite statement cache");
	struct db_cache_stats a, b;
	int wrong = 0;
	db_cache_stats(&a);
	for (int i = 0; i < 50; i++) {
		int64_t n = -1;
		wrong += db_get_i64(c, &n, "SELECT count(*) FROM (SELECT '/1/2/' || ? AS path) WHERE path LIKE ?", "It",
				    (int64_t)i, i % 2 ? "/1/2/%" : "/1/3/%") != 1 || n != (i % 2);
	}
	db_cache_stats(&b);
	CHECK_INT(wrong, 0);
	CHECK_INT((int)(b.reprepares - a.reprepares), 0);
	db_close(c);
}
