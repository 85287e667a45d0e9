/*
 * test_kpi_plan.c — the dashboard's certificate and permit-approval queries (report/kpi_sql.h)
 * read covering indexes (migration 0420): no table row per certificate, person or permit
 * event, which had made the dashboard's cost follow the plant's size with no hazards at all.
 */
#include "unit.h"
#include "db/db.h"
#include "report/kpi_sql.h"

#include <stdio.h>
#include <string.h>

static void plan(struct db *c, const char *sql, int period, char *out, size_t size)
{
	char q[4096];
	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	out[0] = 0;
	struct db_stmt *st = period ? db_query(c, q, "ttIII", "/1/%", "%", (int64_t)0, (int64_t)1, (int64_t)2)
				    : db_query(c, q, "ttI", "/1/%", "%", (int64_t)0);
	while (st && db_step(st) == 1) {
		size_t n = strlen(out);
		snprintf(out + n, size - n, "%s | ", db_col_text(st, 3));
	}
	db_done(c, st);
}

TEST(kpi_certs_and_approvals_read_covering_indexes)
{
	struct db *c = unit_db();
	SKIP_ON_PG(c, "SQLite query plans");
	CHECK(c != NULL);
	if (!c)
		return;
	char p[4096], m[4400];
	plan(c, KPI_SQL_CERTS, 0, p, sizeof(p));
	snprintf(m, sizeof(m), "certificates: %s", p);
	if (!strstr(p, "COVERING INDEX persons_unit_kpi") || !strstr(p, "COVERING INDEX certs_person_kpi"))
		unit_fail(__FILE__, __LINE__, m);
	plan(c, KPI_SQL_APPROVALS, 1, p, sizeof(p));
	snprintf(m, sizeof(m), "approvals: %s", p);
	/* found from the period first, each submission by one probe; no walk of every permit */
	if (!strstr(p, "COVERING INDEX permit_events_approved_kpi (to_state=? AND at>? AND at<?)") ||
	    !strstr(p, "COVERING INDEX permit_events_submit_kpi") || strstr(p, "permits_unit"))
		unit_fail(__FILE__, __LINE__, m);
	db_close(c);
}
