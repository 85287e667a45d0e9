/*
 * test_db_memo.c — db_query_memo (src/db/memo.c): rows replayed only while nothing has been
 * committed since they were read, whoever committed it: the same connection, another
 * connection of this process, or another process (a child writing to the same file).
 * Every value type survives replay.
 */
#include "unit.h"
#include "db/db.h"
#include "db/memo.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static int64_t total(struct db *c)
{
	struct db_stmt *st = db_query_memo(c, "SELECT coalesce(sum(x), 0) FROM t WHERE x > ?", "I", (int64_t)0);
	int64_t v = -1;
	if (st && db_step(st) == 1)
		v = db_col_i64(st, 0);
	db_done(c, st);
	return v;
}

static uint64_t hits(void)
{
	struct memo_stats s;
	memo_stats(&s);
	return s.hits;
}

/* another process's commit, or its rolled-back transaction */
static int in_child(const char *sql, int rollback)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct db *c = unit_file_open();
		int ok = db_begin(c) == DB_OK && db_exec(c, sql, NULL) == DB_OK;
		if (rollback)
			db_rollback(c);
		else
			ok = ok && db_commit(c) == DB_OK;
		db_close(c);
		_exit(ok ? 0 : 1);
	}
	int status = 0;
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static const char *path;	/* the test's database file */

static void setup(void)
{
	path = unit_file_new("memo");
	struct db *c = unit_file_open();
	db_exec(c, "CREATE TABLE t (x INTEGER, r REAL, s TEXT, b BLOB)", NULL);
	db_exec(c, "INSERT INTO t (x) VALUES (1)", NULL);
	db_close(c);
}

TEST(memo_replays_until_a_commit_by_anyone)
{
	setup();
	struct db *a = unit_file_open(), *b = unit_file_open();
	/* a connection's first look moves the stamp: what was committed before it opened may
	 * be newer than anything read so far */
	CHECK_INT(total(b), 1);
	CHECK_INT(total(a), 1);
	uint64_t h = hits();
	CHECK_INT(total(a), 1);
	CHECK_INT(total(b), 1);	/* another connection, nothing committed: the same rows */
	CHECK_INT(hits() - h, 2);

	/* the same connection, outside a transaction */
	db_exec(a, "INSERT INTO t (x) VALUES (2)", NULL);
	CHECK_INT(total(a), 3);
	CHECK_INT(total(b), 3);

	/* another connection, in a transaction: nothing new before the commit, then the new sum */
	CHECK(db_begin(b) == DB_OK);
	db_exec(b, "INSERT INTO t (x) VALUES (4)", NULL);
	CHECK_INT(total(a), 3);
	CHECK(db_commit(b) == DB_OK);
	CHECK_INT(total(a), 7);

	/* another process: its commit is known here only through the file */
	CHECK_INT(total(a), 7);
	CHECK(in_child("INSERT INTO t (x) VALUES (8)", 0));
	CHECK_INT(total(a), 15);
	CHECK_INT(total(b), 15);
	/* a rolled-back change leaves the figure as it was */
	CHECK(in_child("INSERT INTO t (x) VALUES (16)", 1));
	CHECK_INT(total(a), 15);
	db_close(a);
	db_close(b);
	unit_file_remove();
}

TEST(memo_is_not_used_inside_a_transaction_or_under_a_running_statement)
{
	setup();
	struct db *a = unit_file_open();
	CHECK(db_stamp(a) != 0);
	CHECK(db_begin(a) == DB_OK);
	CHECK_INT((int64_t)db_stamp(a), 0);	/* its own uncommitted rows must be seen */
	db_exec(a, "INSERT INTO t (x) VALUES (5)", NULL);
	CHECK_INT(total(a), 6);
	db_rollback(a);
	CHECK_INT(total(a), 1);
	/* an outer loop holds a read snapshot that may be older than any stamp */
	struct db_stmt *outer = db_query(a, "SELECT x FROM t", NULL);
	CHECK(outer && db_step(outer) == 1);
	CHECK_INT((int64_t)db_stamp(a), 0);
	db_done(a, outer);
	CHECK(db_stamp(a) != 0);
	db_close(a);
	unit_file_remove();
}

TEST(memo_replays_every_type_as_read)
{
	setup();
	struct db *a = unit_file_open();
	db_exec(a, "INSERT INTO t (x, r, s, b) VALUES (42, 2.5, '隐患 hazard', x'00ff10')", NULL);
	const char *sql = "SELECT x, r, s, b, NULL FROM t WHERE x = ?";
	for (int round = 0; round < 2; round++) {	/* the run recorded, then its replay */
		uint64_t h = hits();
		struct db_stmt *st = db_query_memo(a, sql, "I", (int64_t)42);
		CHECK(st && db_step(st) == 1);
		CHECK_INT(db_col_count(st), 5);
		CHECK_INT(db_col_i64(st, 0), 42);
		CHECK_STR(db_col_text(st, 0), "42");
		CHECK(db_col_double(st, 1) == 2.5);
		CHECK_STR(db_col_text(st, 1), "2.5");
		CHECK_STR(db_col_text(st, 2), "隐患 hazard");
		CHECK_INT((int64_t)db_col_bytes(st, 3), 3);
		const unsigned char *blob = db_col_blob(st, 3);
		CHECK(blob && blob[0] == 0 && blob[1] == 0xff && blob[2] == 0x10);
		CHECK(db_col_null(st, 4));
		CHECK_STR(db_col_text(st, 4), "");
		CHECK(!db_col_null(st, 0));
		CHECK_INT(db_step(st), 0);
		db_done(a, st);
		CHECK_INT(hits() - h, round);
	}
	/* a whole real reads back as SQLite writes it */
	for (int round = 0; round < 2; round++) {
		struct db_stmt *st = db_query_memo(a, "SELECT 3.0, -7", NULL);
		CHECK(st && db_step(st) == 1);
		CHECK_STR(st ? db_col_text(st, 0) : "", "3.0");
		CHECK_STR(st ? db_col_text(st, 1) : "", "-7");
		db_done(a, st);
	}
	/* another database file with the same table: its own rows, never these */
	{
		char other[80];
		snprintf(other, sizeof other, "%s.other", path);
		unlink(other);
		char *err = NULL;
		struct db *o = db_open(other, &err);
		CHECK(o != NULL);
		if (o) {
			db_exec(o, "CREATE TABLE t (x INTEGER, r REAL, s TEXT, b BLOB)", NULL);
			db_exec(o, "INSERT INTO t (x, s) VALUES (42, 'other')", NULL);
			/* both connections have looked: no commit moves the stamp from here on */
			CHECK(db_stamp(o) != 0 && db_stamp(a) != 0);
			uint64_t s0 = db_stamp(a);
			struct db_stmt *st = db_query_memo(a, sql, "I", (int64_t)42);	/* a's, kept */
			CHECK(st && db_step(st) == 1);
			db_done(a, st);
			st = db_query_memo(o, sql, "I", (int64_t)42);
			CHECK(st && db_step(st) == 1);
			CHECK_STR(st ? db_col_text(st, 2) : "", "other");
			db_done(o, st);
			CHECK(db_stamp(o) == s0);	/* the same stamp: only the file told them apart */
			db_close(o);
		}
		free(err);
		unlink(other);
		snprintf(other, sizeof other, "%s.other-wal", path);
		unlink(other);
		snprintf(other, sizeof other, "%s.other-shm", path);
		unlink(other);
	}
	/* other parameters are another result */
	struct db_stmt *st = db_query_memo(a, sql, "I", (int64_t)1);
	CHECK(st && db_step(st) == 1);
	CHECK_INT(st ? db_col_i64(st, 0) : 0, 1);
	db_done(a, st);
	/* a run stopped early is not kept: the next caller gets every row */
	st = db_query_memo(a, "SELECT x FROM t ORDER BY x", NULL);
	CHECK(st && db_step(st) == 1);
	db_done(a, st);
	st = db_query_memo(a, "SELECT x FROM t ORDER BY x", NULL);
	int n = 0;
	while (st && db_step(st) == 1)
		n++;
	db_done(a, st);
	CHECK_INT(n, 2);
	db_close(a);
	unit_file_remove();
}
