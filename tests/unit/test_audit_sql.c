/*
 * test_audit_sql.c — the audit log's filter queries (src/audit/audit_sql.h) use an index: the
 * plan of each variant (by object, account, action, start date) searches its index instead of
 * reading the whole log, and the drop-downs' distinct values are index searches too.
 */
#include "unit.h"
#include "audit/audit_sql.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

/* The query plan's lines joined by " | ". */
static void plan(struct db *c, const char *sql, int nparams, char *out, size_t size)
{
	char q[4096];
	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	out[0] = 0;
	/* the plan does not depend on the values bound */
	struct db_stmt *st = nparams == 8 ? db_query(c, q, AUDIT_TYPES "ii", "hazard", (int64_t)1, "anhuan", "close",
						     (int64_t)1, (int64_t)2, 50, 0)
			     : nparams == 6 ? db_query(c, q, AUDIT_TYPES, "hazard", (int64_t)1, "anhuan", "close",
						       (int64_t)1, (int64_t)2)
					    : db_query(c, q, NULL);
	while (st && db_step(st) == 1) {
		size_t n = strlen(out);
		snprintf(out + n, size - n, "%s | ", db_col_text(st, 3));
	}
	db_done(c, st);
}

/* Does the plan read the whole log anywhere (a SCAN of audit_log without an index)? */
static int full_scan(const char *p)
{
	for (const char *s = p; (s = strstr(s, "SCAN ")); s++) {
		const char *end = strstr(s, " | ");
		size_t n = end ? (size_t)(end - s) : strlen(s);
		char line[256];
		snprintf(line, sizeof(line), "%.*s", (int)n, s);
		/* "SCAN a" is the page of at most 500 entries read back, not the log */
		if (strstr(line, "audit_log") && !strstr(line, "INDEX"))
			return 1;
	}
	return 0;
}

TEST(audit_filters_use_an_index)
{
	struct db *c = unit_db();
	SKIP_ON_PG(c, "SQLite query plans");
	CHECK(c != NULL);
	if (!c)
		return;
	static const struct {
		const char *sql, *index;
		int nparams;
	} cases[] = {
		{AUDIT_COUNT_HEAD AUDIT_BY_ENTITY, "audit_entity", 6},
		{AUDIT_LIST_HEAD AUDIT_BY_ENTITY AUDIT_LIST_TAIL, "audit_entity", 8},
		{AUDIT_PAGE_HEAD AUDIT_BY_ENTITY AUDIT_PAGE_TAIL, "audit_entity", 8},
		{AUDIT_COUNT_HEAD AUDIT_BY_USER, "audit_username", 6},
		{AUDIT_LIST_HEAD AUDIT_BY_USER AUDIT_LIST_TAIL, "audit_username", 8},
		{AUDIT_PAGE_HEAD AUDIT_BY_USER AUDIT_PAGE_TAIL, "audit_username", 8},
		{AUDIT_COUNT_HEAD AUDIT_BY_ACTION, "audit_action", 6},
		{AUDIT_LIST_HEAD AUDIT_BY_ACTION AUDIT_LIST_TAIL, "audit_action", 8},
		{AUDIT_PAGE_HEAD AUDIT_BY_ACTION AUDIT_PAGE_TAIL, "audit_action", 8},
		{AUDIT_COUNT_HEAD AUDIT_BY_FROM, "audit_at", 6},
		{AUDIT_ACTIONS_SQL, "audit_action", 0},
		{AUDIT_ENTITIES_SQL, "audit_entity", 0},
		{AUDIT_USERS_SQL, "audit_username", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char p[4096];
		plan(c, cases[i].sql, cases[i].nparams, p, sizeof(p));
		char m[4400];
		snprintf(m, sizeof(m), "case %zu uses %s: %s", i, cases[i].index, p);
		if (!strstr(p, cases[i].index) || full_scan(p))
			unit_fail(__FILE__, __LINE__, m);
	}
	db_close(c);
}
