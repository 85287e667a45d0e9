/*
 * test_db_replan.c — db_query_replan (db.h): the same rows as db_query on either backend; on
 * PostgreSQL the statement is not left prepared on the connection (where, after five runs,
 * the server may settle on one generic plan for every value) but sent with its values on
 * each run, while a db_query statement stays prepared. And a connection of pg.c starts no
 * parallel workers for a statement.
 */
#include "unit.h"
#include "db/db.h"

#include <stdint.h>
#include <stdlib.h>

static int64_t count_over(struct db *c, int replan, int64_t id)
{
	/* two texts, so that each way's statement can be looked for on its own */
	const char *sql = replan ? "SELECT count(*) FROM units WHERE id > ?" : "SELECT count(*) FROM units WHERE ? < id";
	struct db_stmt *st = replan ? db_query_replan(c, sql, "I", id) : db_query(c, sql, "I", id);
	int64_t n = -1;
	if (st && db_step(st) == 1)
		n = db_col_i64(st, 0);
	db_done(c, st);
	return n;
}

TEST(db_query_replan_answers_as_db_query_and_is_not_left_prepared_on_postgresql)
{
	struct db *c = unit_db();
	CHECK(db_exec(c, "INSERT INTO units (name, kind, path, created_at) VALUES ('甲', 'company', '/r1/', 0), ('乙', 'company', '/r2/', 0)",
		      NULL) == DB_OK);
	int64_t top = 0;
	CHECK_INT(db_get_i64(c, &top, "SELECT max(id) FROM units", NULL), 1);
	/* more runs than PostgreSQL's five custom plans, with values that change the answer */
	for (int i = 0; i < 8; i++) {
		int64_t id = top - 1 - i % 2;
		CHECK(count_over(c, 1, id) == count_over(c, 0, id));
	}
	CHECK(count_over(c, 1, top - 1) == 1);
	if (db_pg(c)) {
		int64_t n = -1;
		CHECK_INT(db_get_i64(c, &n, "SELECT count(*) FROM pg_prepared_statements WHERE statement ="
					      " 'SELECT count(*) FROM units WHERE $1 < id'", NULL), 1);
		CHECK(n == 1);	/* db_query: prepared */
		CHECK_INT(db_get_i64(c, &n, "SELECT count(*) FROM pg_prepared_statements WHERE statement ="
					      " 'SELECT count(*) FROM units WHERE id > $1'", NULL), 1);
		CHECK(n == 0);	/* db_query_replan: planned with its values each time */
		char *workers = NULL;
		CHECK_INT(db_get_text(c, &workers, "SELECT current_setting('max_parallel_workers_per_gather')", NULL), 1);
		CHECK_STR(workers, "0");
		free(workers);
	}
	db_close(c);
}
