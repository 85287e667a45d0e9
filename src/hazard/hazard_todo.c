/*
 * hazard_todo.c — the counts of the home page's "waiting for me" lines (rectify, accept,
 * review, verify, reported): each the total of the list its line opens (/hazards?todo=NAME,
 * hazard_list.c's todo_terms under the visibility rule), bounded as that list's count is.
 *
 * Why statements of its own: the list's count was one statement for every filter combination
 * ("?N = '' OR …"), which SQLite planned once without knowing the todo, so it walked every
 * hazard the person may see — 750 ms each at a million hazards, four of them on a safety
 * officer's home page (3 s a page, 4 s under the morning peak; bench/results). Every line
 * is narrow by construction (the person's own, or one open status), so each here has its
 * own statement that states that narrowing as a plain conjunct the planner seeks by
 * (hazards_assignee, hazards_reporter, hazards_status) and reads a few hundred rows.
 * The visibility rule and the joins that can drop a row are the list's; the line's terms
 * are the list's todo_terms for that line (the list now assembles its statement from the
 * filters given, so its todo count seeks the same way; these stay without its display joins).
 * tests/http/home_todo.test.mjs compares every line with the list it opens;
 * tests/unit/test_hazard_todo.c keeps the plans seeking.
 */
#include "hazard/hazard.h"
#include "auth/auth.h"
#include "db/db.h"

#include <string.h>

#define TODO_FROM \
	"SELECT count(*) FROM (SELECT 1 FROM hazards h JOIN units u ON u.id = h.unit_id" \
	" JOIN areas a ON a.id = h.area_id JOIN hazard_categories c ON c.id = h.category_id" \
	" WHERE" HAZARD_VISIBLE_SQL " AND "

/* ?1 scope pattern, ?2 scope owner, ?3 the person (HAZARD_VISIBLE_SQL), ?4 the bound */
static const struct {
	const char *name, *sql;
} lines[] = {
	{"rectify", TODO_FROM "h.assignee_id = ?3 AND h.status IN ('assigned', 'planning', 'rectifying') LIMIT ?4) AS matches"},
	{"reported", TODO_FROM "h.reporter_id = ?3 AND h.status NOT IN ('closed', 'cancelled') LIMIT ?4) AS matches"},
	{"accept", TODO_FROM "h.status = 'reported'"
		   " AND (h.assignee_id = ?3 OR (u.path LIKE ?1 AND (?2 = 0 OR h.reporter_id = ?2))) LIMIT ?4) AS matches"},
	{"review", TODO_FROM "h.status = 'plan_review' AND u.path LIKE ?1 AND (?2 = 0 OR h.reporter_id = ?2) LIMIT ?4) AS matches"},
	{"verify", TODO_FROM "h.status = 'verifying' AND coalesce(h.rectifier_id, 0) <> ?3"
		   " AND u.path LIKE ?1 AND (?2 = 0 OR h.reporter_id = ?2) LIMIT ?4) AS matches"},
};

const char *hazard_todo_sql(const char *todo)
{
	for (size_t i = 0; i < sizeof(lines) / sizeof(*lines); i++)
		if (!strcmp(lines[i].name, todo))
			return lines[i].sql;
	return NULL;
}

int hazard_todo_count_of(struct db *c, const char *todo, const char *pattern, int64_t owner, int64_t me,
			 int64_t *total)
{
	*total = 0;
	const char *sql = hazard_todo_sql(todo);
	if (!sql)
		return -1;
	return db_get_i64(c, total, sql, "tIII", pattern, owner, me, (int64_t)HAZARD_COUNT_CAP + 1) == 1 ? 0 : -1;
}

int64_t hazard_todo_count(struct req *r, const char *todo)
{
	int64_t total = 0;
	if (hazard_todo_count_of(r->db, todo, auth_scope_pattern(r), auth_scope_owner(r), r->who->user_id, &total))
		total = 0;
	return total;
}
