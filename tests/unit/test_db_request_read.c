/*
 * test_db_request_read.c — db_request_read_begin (src/db/db.c): a GET request's reads share one
 * snapshot; a write (db_begin, or a writing statement outside it) ends the snapshot first and
 * is committed as without it; a memoized read (db_query_memo) ends it too, so the memo never
 * keeps rows of an older snapshot under the newest stamp.
 */
#include "unit.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void setup(void)
{
	unit_file_new("rread");
	struct db *c = unit_file_open();
	db_exec(c, "CREATE TABLE t (x INTEGER)", NULL);
	db_exec(c, "INSERT INTO t (x) VALUES (1)", NULL);
	db_close(c);
}

static int64_t sum(struct db *c)
{
	int64_t v = -1;
	db_get_i64(c, &v, "SELECT coalesce(sum(x), 0) FROM t", NULL);
	return v;
}

static int64_t memo_sum(struct db *c)
{
	struct db_stmt *st = db_query_memo(c, "SELECT coalesce(sum(x), 0) FROM t WHERE x > ?", "I", (int64_t)0);
	int64_t v = -1;
	if (st && db_step(st) == 1)
		v = db_col_i64(st, 0);
	db_done(c, st);
	return v;
}

static int commit_insert(struct db *c, int x)
{
	return db_begin(c) == DB_OK && db_exec(c, "INSERT INTO t (x) VALUES (?)", "i", x) == DB_OK &&
	       db_commit(c) == DB_OK;
}

TEST(request_read_is_one_snapshot_and_a_write_ends_it)
{
	setup();
	struct db *a = unit_file_open(), *b = unit_file_open();
	db_request_read_begin(a);
	CHECK_INT(sum(a), 1);
	CHECK(commit_insert(b, 2));
	CHECK_INT(sum(a), 1);	/* the snapshot: b's commit is not seen yet */
	/* db_begin ends it: the write starts from the newest data */
	CHECK(commit_insert(a, 4));
	CHECK_INT(sum(a), 7);
	/* a writing statement outside db_begin ends it too, and is committed at once */
	db_request_read_begin(a);
	CHECK_INT(sum(a), 7);
	CHECK(db_exec(a, "INSERT INTO t (x) VALUES (8)", NULL) == DB_OK);
	CHECK_INT(sum(b), 15);	/* before the request's end */
	db_request_read_end(a);
	/* a snapshot of its own (an export) inside a request's starts afresh */
	db_request_read_begin(a);
	CHECK_INT(sum(a), 15);
	CHECK(commit_insert(b, 16));
	CHECK(db_read_begin(a) == DB_OK);
	CHECK_INT(sum(a), 31);
	db_read_end(a);
	db_request_read_end(a);
	db_close(a);
	db_close(b);
	unit_file_remove();
}

TEST(request_read_ends_before_a_memoized_read)
{
	setup();
	struct db *a = unit_file_open(), *b = unit_file_open();
	CHECK_INT(memo_sum(b), 1);
	db_request_read_begin(a);
	CHECK_INT(sum(a), 1);	/* the snapshot is taken here */
	CHECK_INT((int64_t)db_stamp(a), 0);	/* no stamp inside it: its rows may be older */
	CHECK(commit_insert(b, 2));
	CHECK_INT(sum(a), 1);
	/* the memoized read leaves the snapshot: the newest sum, kept under the newest stamp */
	CHECK_INT(memo_sum(a), 3);
	CHECK_INT(sum(a), 3);
	CHECK(db_stamp(a) == db_stamp(b));
	CHECK_INT(memo_sum(b), 3);
	db_request_read_end(a);
	db_close(a);
	db_close(b);
	unit_file_remove();
}

/* a memoized read inside a loop over another statement: the snapshot still ends cleanly, and
 * the connection goes back to the pool able to write */
TEST(request_read_ends_under_a_running_statement)
{
	setup();
	struct db *a = unit_file_open(), *b = unit_file_open();
	db_request_read_begin(a);
	struct db_stmt *outer = db_query(a, "SELECT x FROM t", NULL);
	CHECK(outer && db_step(outer) == 1);
	CHECK(commit_insert(b, 2));
	CHECK(memo_sum(a) >= 1);
	db_done(a, outer);
	db_request_read_end(a);
	CHECK(commit_insert(a, 4));
	CHECK_INT(sum(b), 7);
	db_close(a);
	db_close(b);
	unit_file_remove();
}

