/*
 * check_coverage.c — coverage, the regulator's key figure of the dual prevention mechanism:
 * per unit and period, the share of control measures whose checks were all done in their
 * window; the tasks due, done and missed (measures, rounds and 包保 alike); failed items; and
 * hazards found by checks against hazards found otherwise.
 *
 * A task counts in the period its window starts in, once its window has closed (an open
 * window is neither done nor missed yet); a suspended task (停用检修) does not count at all.
 * GET /api/v1/check/coverage?from=YYYY-MM-DD&to=YYYY-MM-DD (to inclusive; default: this month
 * so far) and the page /checks/coverage.
 */
#include "check/check.h"
#include "check/check_web.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "db/db.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *new_entry(void)
{
	return json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "measures", 0, "measures_covered", 0, "tasks", 0, "done", 0,
			 "missed", 0, "failed_items", 0, "hazards_by_checks", 0, "hazards_other", 0);
}

static json_t *unit_entry(json_t *map, int64_t id, const char *name)
{
	char key[24];
	snprintf(key, sizeof(key), "%lld", (long long)id);
	json_t *u = json_object_get(map, key);
	if (!u) {
		u = new_entry();
		json_object_set_new(u, "unit_id", json_integer(id));
		json_object_set_new(u, "unit", json_string(name));
		json_object_set_new(map, key, u);
	}
	return u;
}

static void add(json_t *u, const char *k, int64_t n)
{
	json_object_set_new(u, k, json_integer(json_integer_value(json_object_get(u, k)) + n));
}

static void share(json_t *u)
{
	int64_t m = json_integer_value(json_object_get(u, "measures")), c = json_integer_value(json_object_get(u, "measures_covered"));
	/* a percentage with one decimal, null when no measure was due */
	json_object_set_new(u, "coverage", m ? json_real((double)((c * 1000 + m / 2) / m) / 10.0) : json_null());
}

int check_coverage_json(struct req *r, const char *pattern, int64_t from, int64_t to, int64_t now, json_t **out)
{
	json_t *map = json_object(), *tot = NULL;
	struct db_stmt *st = db_query_memo(r->db,
		"SELECT k.unit_id, un.name, count(DISTINCT CASE WHEN k.origin = 'measure' THEN k.measure_id END),"
		" count(DISTINCT CASE WHEN k.origin = 'measure' AND k.status <> 'done' THEN k.measure_id END),"
		" count(*), sum(CASE WHEN k.status = 'done' THEN 1 ELSE 0 END), sum(CASE WHEN k.status = 'missed' THEN 1 ELSE 0 END)"
		" FROM check_tasks k JOIN units un ON un.id = k.unit_id WHERE un.path LIKE ? AND k.window_start >= ?"
		" AND k.window_start < ? AND k.window_end <= ? AND k.status <> 'suspended' GROUP BY k.unit_id, un.name",
		"tIII", pattern, from, to, now);
	while (st && db_step(st) == 1) {
		json_t *u = unit_entry(map, db_col_i64(st, 0), db_col_text(st, 1));
		add(u, "measures", db_col_i64(st, 2));
		add(u, "measures_covered", db_col_i64(st, 2) - db_col_i64(st, 3));
		add(u, "tasks", db_col_i64(st, 4));
		add(u, "done", db_col_i64(st, 5));
		add(u, "missed", db_col_i64(st, 6));
	}
	db_done(r->db, st);
	if (!st)
		goto fail;
	st = db_query_memo(r->db, "SELECT k.unit_id, un.name, count(*) FROM check_results cr JOIN check_records rc ON rc.id = cr.record_id"
			     " JOIN check_tasks k ON k.id = rc.task_id JOIN units un ON un.id = k.unit_id WHERE cr.ok = 0"
			     " AND un.path LIKE ? AND rc.finished_at >= ? AND rc.finished_at < ? GROUP BY k.unit_id, un.name",
		      "tII", pattern, from, to);
	while (st && db_step(st) == 1)
		add(unit_entry(map, db_col_i64(st, 0), db_col_text(st, 1)), "failed_items", db_col_i64(st, 2));
	db_done(r->db, st);
	if (!st)
		goto fail;
	/* the scope as "unit_id IN (…)", not a join on the unit's path: the join walked all of
	 * hazards_rep_kpi (every hazard of every plant, 400 ms at a million), the IN seeks the
	 * period's range of each unit in it; one probe of check_results per hazard, not two */
	st = db_query_memo(r->db, "SELECT h.unit_id, un.name, sum(CASE WHEN EXISTS (SELECT 1 FROM check_results cr WHERE cr.hazard_id = h.id)"
			     " THEN 1 ELSE 0 END), count(*) FROM hazards h JOIN units un ON un.id = h.unit_id"
			     " WHERE h.unit_id IN (SELECT id FROM units WHERE path LIKE ?)"
			     " AND h.reported_at >= ? AND h.reported_at < ? AND h.status <> 'cancelled' GROUP BY h.unit_id, un.name",
		      "tII", pattern, from, to);
	while (st && db_step(st) == 1) {
		json_t *u = unit_entry(map, db_col_i64(st, 0), db_col_text(st, 1));
		add(u, "hazards_by_checks", db_col_i64(st, 2));
		add(u, "hazards_other", db_col_i64(st, 3) - db_col_i64(st, 2));
	}
	db_done(r->db, st);
	if (!st)
		goto fail;
	json_t *units = json_array();
	tot = new_entry();
	const char *k;
	json_t *u;
	json_object_foreach(map, k, u) {
		const char *f;
		json_t *v;
		json_object_foreach(u, f, v)
			if (json_is_integer(v) && strcmp(f, "unit_id"))
				add(tot, f, json_integer_value(v));
		share(u);
		json_array_append(units, u);
	}
	share(tot);
	json_decref(map);
	*out = json_pack("{s:I, s:I, s:o, s:o}", "from", (json_int_t)from, "to", (json_int_t)to, "total", tot, "units", units);
	return 0;
fail:
	json_decref(map);
	return -1;
}

/* from/to (local days, to inclusive) of the query, default this month so far; -1 when malformed */
static int period(struct req *r, int64_t *from, int64_t *to)
{
	int64_t today = day_today(), d1, d2;
	int y, m, d;
	day_to_ymd(today, &y, &m, &d);
	d1 = day_from_ymd(y, m, 1);
	d2 = today;
	const char *f = req_query(r, "from"), *t = req_query(r, "to");
	if (f && *f && day_parse(f, &d1)) {
		req_bad_param(r, "from");
		return -1;
	}
	if (t && *t && day_parse(t, &d2)) {
		req_bad_param(r, "to");
		return -1;
	}
	if (d2 < d1 || d2 - d1 > 3660) {
		req_bad_param(r, "to");
		return -1;
	}
	*from = day_start_utc(d1);
	*to = day_start_utc(d2 + 1);
	return 0;
}

/* the pattern of ?unit_id (that unit and below, within the caller's scope), else the scope's */
static const char *unit_pattern(struct req *r)
{
	int64_t unit = 0;
	char *path = NULL;
	int rc = req_query_id(r, "unit_id", &unit);
	if (rc < 0)
		return NULL;
	if (!rc)
		return auth_scope_pattern(r);
	if (!auth_scope_allows(r, unit, -1) || db_get_text(r->db, &path, "SELECT path FROM units WHERE id = ?", "I", unit) != 1) {
		req_bad_param(r, "unit_id");
		return NULL;
	}
	const char *p = arena_printf(&r->arena, "%s%%", path);
	free(path);
	return p;
}

int check_api_coverage(struct req *r)
{
	int64_t from, to;
	json_t *j = NULL;
	const char *pattern = unit_pattern(r);
	if (!pattern || period(r, &from, &to))
		return 0;
	if (check_coverage_json(r, pattern, from, to, clock_now(), &j)) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_json(r, 200, j);
	return 0;
}

/* The coverage table: the total, then each unit. */
static void coverage_table(struct req *r, json_t *j)
{
	html_printf(&r->out, "<div class=\"table-wrap\"><table class=\"coverage\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
			     "<th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "check.unit"), T(r, "check.coverage_share"), T(r, "check.missed"), T(r, "check.failed_items"),
		    T(r, "check.hazards_by_checks"), T(r, "check.hazards_other"));
	json_t *rows = json_array();
	json_t *tot = json_deep_copy(json_object_get(j, "total"));
	json_object_set_new(tot, "unit", json_string(T(r, "check.total")));
	json_array_append_new(rows, tot);
	json_array_extend(rows, json_object_get(j, "units"));
	size_t i;
	json_t *u;
	json_array_foreach(rows, i, u) {
		json_t *c = json_object_get(u, "coverage");
		html_printf(&r->out, "<tr%r><td>%s</td><td>%s</td><td>%D</td><td>%D</td><td>%D</td><td>%D</td></tr>", i ? "" : " class=\"total\"",
			    json_string_value(json_object_get(u, "unit")),
			    json_is_number(c) ? arena_printf(&r->arena, "%.1f%%", json_number_value(c)) : "—",
			    (int64_t)json_integer_value(json_object_get(u, "missed")), (int64_t)json_integer_value(json_object_get(u, "failed_items")),
			    (int64_t)json_integer_value(json_object_get(u, "hazards_by_checks")),
			    (int64_t)json_integer_value(json_object_get(u, "hazards_other")));
	}
	json_decref(rows);
	html_printf(&r->out, "</tbody></table></div>");
}

void check_coverage_html(struct req *r, int64_t unit_id, int64_t from, int64_t to)
{
	char *path = NULL;
	json_t *j = NULL;
	if (db_get_text(r->db, &path, "SELECT path FROM units WHERE id = ?", "I", unit_id) != 1) {
		free(path);
		return;
	}
	int64_t now = clock_now();
	int rc = check_coverage_json(r, arena_printf(&r->arena, "%s%%", path), from, to < now ? to : now, now, &j);
	free(path);
	if (rc)
		return;
	coverage_table(r, j);
	json_decref(j);
}

int check_coverage_cells(struct req *r, int64_t unit_id, int64_t from, int64_t to, const char ***cells)
{
	char *path = NULL;
	json_t *j = NULL;
	*cells = NULL;
	if (db_get_text(r->db, &path, "SELECT path FROM units WHERE id = ?", "I", unit_id) != 1) {
		free(path);
		return 0;
	}
	int64_t now = clock_now();
	int rc = check_coverage_json(r, arena_printf(&r->arena, "%s%%", path), from, to < now ? to : now, now, &j);
	free(path);
	if (rc)
		return 0;
	json_t *units = json_object_get(j, "units");
	size_t n = json_array_size(units) + 2;
	const char **c = arena_alloc(&r->arena, n * CHECK_COVERAGE_COLS * sizeof(*c));
	static const char *const head[CHECK_COVERAGE_COLS] = {"check.unit", "check.coverage_share", "check.missed", "check.failed_items",
							     "check.hazards_by_checks", "check.hazards_other"};
	for (int k = 0; k < CHECK_COVERAGE_COLS; k++)
		c[k] = T(r, head[k]);
	for (size_t i = 1; i < n; i++) {
		json_t *u = i == 1 ? json_object_get(j, "total") : json_array_get(units, i - 2), *cov = json_object_get(u, "coverage");
		const char **row = c + i * CHECK_COVERAGE_COLS;
		row[0] = i == 1 ? T(r, "check.total") : arena_strdup(&r->arena, json_string_value(json_object_get(u, "unit")));
		row[1] = json_is_number(cov) ? arena_printf(&r->arena, "%.1f%%", json_number_value(cov)) : "—";
		row[2] = arena_printf(&r->arena, "%lld", (long long)json_integer_value(json_object_get(u, "missed")));
		row[3] = arena_printf(&r->arena, "%lld", (long long)json_integer_value(json_object_get(u, "failed_items")));
		row[4] = arena_printf(&r->arena, "%lld", (long long)json_integer_value(json_object_get(u, "hazards_by_checks")));
		row[5] = arena_printf(&r->arena, "%lld", (long long)json_integer_value(json_object_get(u, "hazards_other")));
	}
	json_decref(j);
	*cells = c;
	return (int)n;
}

int check_coverage_page(struct req *r)
{
	int64_t from, to;
	json_t *j = NULL;
	const char *pattern = unit_pattern(r);
	if (!pattern || period(r, &from, &to))
		return 0;
	if (check_coverage_json(r, pattern, from, to, clock_now(), &j)) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	char a[16], b[16];
	page_begin(r, T(r, "check.coverage"));
	html_printf(&r->out, "<section class=\"card\" id=\"coverage\"><h1>%s</h1><p>%s – %s</p>", T(r, "check.coverage"),
		    day_format(day_of(from), a), day_format(day_of(to) - 1, b));
	coverage_table(r, j);
	html_printf(&r->out, "<p class=\"hint\">%s</p></section>", T(r, "check.coverage_hint"));
	json_decref(j);
	page_end(r);
	return 0;
}
