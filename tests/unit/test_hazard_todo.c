/*
 * test_hazard_todo.c — the home page's "waiting for me" counts (src/hazard/hazard_todo.c)
 * seek hazards by the line's narrowing (the person, or one open status) instead of walking
 * every visible hazard, which had cost 750 ms a line at a million hazards; and an unknown
 * line is refused rather than counted as every hazard.
 */
#include "unit.h"
#include "db/db.h"
#include "hazard/hazard.h"

#include <stdio.h>
#include <string.h>

static void plan(struct db *c, const char *sql, char *out, size_t size)
{
	char q[8192];
	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	out[0] = 0;
	struct db_stmt *st = db_query(c, q, "tIII", "/1/%", (int64_t)0, (int64_t)1, (int64_t)10001);
	while (st && db_step(st) == 1) {
		size_t n = strlen(out);
		snprintf(out + n, size - n, "%s | ", db_col_text(st, 3));
	}
	db_done(c, st);
}

TEST(hazard_todo_counts_seek_by_the_line)
{
	struct db *c = unit_db();
	SKIP_ON_PG(c, "SQLite query plans");
	CHECK(c != NULL);
	if (!c)
		return;
	static const struct {
		const char *todo, *seek;
	} want[] = {
		{"rectify", "(assignee_id=?"},
		{"reported", "(reporter_id=?"},
		/* hazards_status or hazards_closed_kpi: both lead with the status */
		{"accept", "(status=?"},
		{"review", "(status=?"},
		{"verify", "(status=?"},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		const char *sql = hazard_todo_sql(want[i].todo);
		CHECK(sql != NULL);
		if (!sql)
			continue;
		char p[4096], m[4400];
		plan(c, sql, p, sizeof(p));
		snprintf(m, sizeof(m), "%s: %s", want[i].todo, p);
		const char *h = strstr(p, "SEARCH h USING ");
		const char *cond = h ? strchr(h, '(') : NULL;
		if (!cond || strncmp(cond, want[i].seek, strlen(want[i].seek)) || strstr(p, "SCAN h"))
			unit_fail(__FILE__, __LINE__, m);
	}
	db_close(c);
}

TEST(hazard_todo_refuses_an_unknown_line)
{
	struct db *c = unit_db();
	CHECK(c != NULL);
	if (!c)
		return;
	int64_t n = 7;
	CHECK(hazard_todo_sql("everything") == NULL);
	CHECK(hazard_todo_count_of(c, "", "/1/%", 0, 1, &n) == -1);
	CHECK(n == 0);
	CHECK(hazard_todo_count_of(c, "accept", "/1/%", 0, 1, &n) == 0);
	CHECK(n == 0);	/* a fresh database: nothing reported */
	db_close(c);
}
