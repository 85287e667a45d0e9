/*
 * risk_register_web.c — the living register: the risk events in the caller's scope by unit,
 * with filters (unit and below, level, object kind, overdue re-assessment), and the counts by
 * colour per unit that the register's head and the dashboard show (GET /risk,
 * /api/v1/risk/events, /api/v1/risk/counts); the re-assessment tasks waiting for the
 * signed-in person (GET /api/v1/risk/tasks, and the home page's panel in risk_module.c).
 *
 * Overdue: a re-assessment asked for (a hazard, a change, a task) whose deadline has passed,
 * or a periodic review day that has come.
 */
#include "risk/risk.h"
#include "risk/risk_web.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "db/db.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

static const char *const level_filter[] = {"major", "large", "general", "low", "none", NULL};
static const char *const kind_filter[] = {"area", "equipment", "facility", "operation", "post", NULL};

struct filters {
	int64_t unit;
	const char *level, *kind, *unit_pattern;
	const char *todo;	/* "tasks" (re-assessments I must do), "approve" (results waiting), or "" */
	int overdue, inactive;
};

/* the home page's "waiting for me" lines open the register filtered by these */
static const char *const todo_filter[] = {"tasks", "approve", NULL};

static void read_filters(struct req *r, struct filters *f)
{
	memset(f, 0, sizeof(*f));
	f->level = f->kind = f->todo = "";
	req_query_id(r, "unit_id", &f->unit);
	req_query_enum(r, "todo", todo_filter, &f->todo);
	req_query_enum(r, "level", level_filter, &f->level);
	req_query_enum(r, "kind", kind_filter, &f->kind);
	f->overdue = req_query_flag(r, "overdue", 0);
	f->inactive = req_query_flag(r, "inactive", 0);
	f->unit_pattern = "%";
	if (f->unit) {
		char *path = NULL;
		if (db_get_text(r->db, &path, "SELECT path FROM units WHERE id = ?", "I", f->unit) == 1 && path)
			f->unit_pattern = arena_printf(&r->arena, "%s%%", path);
		else
			f->unit_pattern = "-";
		free(path);
	}
}

#define REG_COLS "e.id, o.name, o.kind, ru.name, e.name, COALESCE(e.level, ''), COALESCE(e.value, 0), COALESCE(e.method, '')," \
	" COALESCE(e.control_level, ''), e.needs_reassessment, e.reassess_due, e.review_due, un.name, COALESCE(a.name_zh, '')," \
	" COALESCE(a.name_en, ''), COALESCE(us.name, ''), o.hazard_code, e.active, o.id, un.id"
#define REG_FROM " FROM risk_events e JOIN risk_units ru ON ru.id = e.risk_unit_id JOIN risk_objects o ON o.id = ru.object_id" \
	" JOIN units un ON un.id = o.unit_id LEFT JOIN risk_accident_types a ON a.id = e.accident_type_id" \
	" LEFT JOIN users us ON us.id = COALESCE(ru.resp_user_id, o.resp_user_id)"
/* scope, owner ×3, unit subtree, level ×3, kind ×2, overdue, now, today, inactive, todo ×2, me ×2, todo */
#define REG_WHERE " WHERE un.path LIKE ? AND (? = 0 OR o.resp_user_id = ? OR ru.resp_user_id = ?) AND un.path LIKE ?" \
	" AND (? = '' OR (? = 'none' AND e.level IS NULL) OR e.level = ?) AND (? = '' OR o.kind = ?)" \
	" AND (? = 0 OR (e.needs_reassessment = 1 AND e.reassess_due > 0 AND e.reassess_due < ?)" \
	" OR (e.review_due > 0 AND e.review_due <= ?)) AND (? = 1 OR e.active = 1)" \
	" AND (? = '' OR (? = 'tasks' AND e.id IN (SELECT event_id FROM risk_tasks WHERE closed_at = 0" \
	" AND (assignee_id = ? OR escalated_to = ?))) OR (? = 'approve' AND e.id IN" \
	" (SELECT event_id FROM risk_assessments WHERE approval = 'pending')))"
#define REG_ORDER " ORDER BY un.path, COALESCE((SELECT rank FROM risk_levels WHERE code = e.level), 0) DESC, o.name, e.name"

static struct db_stmt *reg_query(struct req *r, const struct filters *f, int64_t limit)
{
	int64_t own = auth_scope_owner(r), now = clock_now(), me = r->who ? r->who->user_id : 0;
	return db_query(r->db, "SELECT " REG_COLS REG_FROM REG_WHERE REG_ORDER " LIMIT ?", "tIIIttttttiIIittIItI",
			auth_scope_pattern(r), own, own, own, f->unit_pattern, f->level, f->level, f->level, f->kind, f->kind,
			f->overdue, now, day_today(), f->inactive, f->todo, f->todo, me, me, f->todo, limit);
}

/* How many rows /risk?todo=<todo> lists for the signed-in person: the home page's count is
 * this very list's length, so the number and the page it opens always agree. */
int64_t risk_register_todo_count(struct req *r, const char *todo)
{
	struct filters f = {.level = "", .kind = "", .unit_pattern = "%", .todo = todo};
	int64_t n = 0;
	struct db_stmt *st = reg_query(r, &f, 2000);
	while (st && db_step(st) == 1)
		n++;
	db_done(r->db, st);
	return n;
}

static int row_overdue(struct db_stmt *st)
{
	int64_t due = db_col_i64(st, 10), review = db_col_i64(st, 11);
	return (db_col_i64(st, 9) && due > 0 && due < clock_now()) || (review > 0 && review <= day_today());
}

void risk_register_table(struct req *r)
{
	struct filters f;
	read_filters(r, &f);
	int en = !strcmp(r->lang, "en");
	/* filters */
	html_printf(&r->out, "<form class=\"filters\" method=\"get\"><label>%s<select name=\"unit_id\"><option value=\"\">%s</option>",
		    T(r, "risk.object.unit"), T(r, "risk.all"));
	struct db_stmt *st = db_query(r->db, "SELECT id, name FROM units WHERE path LIKE ? AND active = 1 ORDER BY path", "t",
				    auth_scope_pattern(r));
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<option value=\"%D\"%r>%s</option>", db_col_i64(st, 0),
			    db_col_i64(st, 0) == f.unit ? " selected" : "", db_col_text(st, 1));
	db_done(r->db, st);
	html_printf(&r->out, "</select></label><label>%s<select name=\"level\"><option value=\"\">%s</option>", T(r, "risk.level"),
		    T(r, "risk.all"));
	for (int i = 0; level_filter[i]; i++)
		html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", level_filter[i],
			    !strcmp(f.level, level_filter[i]) ? " selected" : "",
			    T(r, arena_printf(&r->arena, "risk.level.%s", level_filter[i])));
	html_printf(&r->out, "</select></label><label>%s<select name=\"kind\"><option value=\"\">%s</option>",
		    T(r, "risk.object.kind"), T(r, "risk.all"));
	for (int i = 0; kind_filter[i]; i++)
		html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", kind_filter[i],
			    !strcmp(f.kind, kind_filter[i]) ? " selected" : "",
			    T(r, arena_printf(&r->arena, "risk.kind.%s", kind_filter[i])));
	html_printf(&r->out, "</select></label><label class=\"check\"><input type=\"checkbox\" name=\"overdue\" value=\"1\"%r>%s</label>"
			     "<button>%s</button></form>", f.overdue ? " checked" : "", T(r, "risk.overdue"), T(r, "risk.filter"));
	/* the table, grouped by unit */
	html_printf(&r->out, "<div class=\"table-wrap\"><table class=\"risk-register\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
			     "<th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "risk.object"), T(r, "risk.event"), T(r, "risk.event.accident_type"), T(r, "risk.level"),
		    T(r, "risk.control_level"), T(r, "risk.resp_user"), T(r, "risk.review_due"));
	st = reg_query(r, &f, 2000);
	int64_t last_unit = 0;
	while (st && db_step(st) == 1) {
		if (db_col_i64(st, 19) != last_unit) {
			last_unit = db_col_i64(st, 19);
			html_printf(&r->out, "<tr class=\"group\"><th colspan=\"7\">%s</th></tr>", db_col_text(st, 12));
		}
		const char *cl = db_col_text(st, 8);
		html_printf(&r->out, "<tr data-event=\"%D\"%r><td><a href=\"/risk/objects/%D\">%s</a>%r</td><td><a href=\"/risk/events/%D\">"
				     "%s</a></td><td>%s</td><td>%r</td><td>%s</td><td>%s</td><td>%s%r</td></tr>",
			    db_col_i64(st, 0), row_overdue(st) ? " class=\"overdue\"" : "", db_col_i64(st, 18), db_col_text(st, 1),
			    *db_col_text(st, 16) ? " <span class=\"badge bad\">重大危险源</span>" : "", db_col_i64(st, 0),
			    db_col_text(st, 4), db_col_text(st, en ? 14 : 13), risk_level_badge(r, db_col_text(st, 5)),
			    *cl ? T(r, arena_printf(&r->arena, "risk.cl.%s", cl)) : "", db_col_text(st, 15),
			    risk_day_s(r, db_col_i64(st, 11)),
			    row_overdue(st) ? " <span class=\"badge bad\" data-overdue=\"1\">!</span>" : "");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div>");
}

int risk_register_json(struct req *r, json_t *items)
{
	struct filters f;
	read_filters(r, &f);
	struct db_stmt *st = reg_query(r, &f, 20000);
	while (st && db_step(st) == 1) {
		const char *level = db_col_text(st, 5);
		json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b}", "id",
			(json_int_t)db_col_i64(st, 0), "object_id", (json_int_t)db_col_i64(st, 18), "object", db_col_text(st, 1),
			"kind", db_col_text(st, 2), "risk_unit", db_col_text(st, 3), "name", db_col_text(st, 4), "unit",
			db_col_text(st, 12), "accident_type", db_col_text(st, 13), "responsible", db_col_text(st, 15),
			"hazard_code", db_col_text(st, 16), "needs_reassessment", (int)db_col_i64(st, 9), "overdue", row_overdue(st),
			"active", (int)db_col_i64(st, 17));
		json_object_set_new(o, "unit_id", json_integer(db_col_i64(st, 19)));
		json_object_set_new(o, "level", *level ? json_string(level) : json_null());
		json_object_set_new(o, "colour", *level ? json_string(risk_level_colour(level)) : json_null());
		json_object_set_new(o, "value", *level ? json_real(db_col_double(st, 6)) : json_null());
		json_object_set_new(o, "method", *level ? json_string(db_col_text(st, 7)) : json_null());
		json_object_set_new(o, "control_level", *db_col_text(st, 8) ? json_string(db_col_text(st, 8)) : json_null());
		json_object_set_new(o, "review_due", db_col_i64(st, 11) ? json_string(risk_day_s(r, db_col_i64(st, 11))) : json_null());
		json_array_append_new(items, o);
	}
	db_done(r->db, st);
	return 0;
}

/* Counts by colour per unit of the caller's scope, within unit_id's subtree when not 0 (active
 * events; unassessed ones apart). */
static json_t *counts(struct req *r, int64_t unit_id)
{
	int64_t own = auth_scope_owner(r);
	char *path = NULL;
	const char *within = "%";
	if (unit_id) {
		within = "-";
		if (db_get_text(r->db, &path, "SELECT path FROM units WHERE id = ?", "I", unit_id) == 1 && path)
			within = arena_printf(&r->arena, "%s%%", path);
		free(path);
	}
	json_t *units = json_array();
	struct db_stmt *st = db_query(r->db,
		"SELECT un.id, un.name, sum(CASE WHEN e.level = 'major' THEN 1 ELSE 0 END),"
		" sum(CASE WHEN e.level = 'large' THEN 1 ELSE 0 END), sum(CASE WHEN e.level = 'general' THEN 1 ELSE 0 END),"
		" sum(CASE WHEN e.level = 'low' THEN 1 ELSE 0 END), sum(CASE WHEN e.level IS NULL THEN 1 ELSE 0 END)"
		" FROM risk_events e JOIN risk_units ru ON ru.id = e.risk_unit_id JOIN risk_objects o ON o.id = ru.object_id"
		" JOIN units un ON un.id = o.unit_id WHERE e.active = 1 AND o.active = 1 AND un.path LIKE ?"
		" AND (? = 0 OR o.resp_user_id = ? OR ru.resp_user_id = ?) AND un.path LIKE ?"
		" GROUP BY un.id, un.name, un.path ORDER BY un.path",
		"tIIIt", auth_scope_pattern(r), own, own, own, within);
	while (st && db_step(st) == 1)
		json_array_append_new(units, json_pack("{s:I, s:s, s:I, s:I, s:I, s:I, s:I}", "unit_id", (json_int_t)db_col_i64(st, 0),
			"unit", db_col_text(st, 1), "red", (json_int_t)db_col_i64(st, 2), "orange", (json_int_t)db_col_i64(st, 3),
			"yellow", (json_int_t)db_col_i64(st, 4), "blue", (json_int_t)db_col_i64(st, 5), "unassessed",
			(json_int_t)db_col_i64(st, 6)));
	db_done(r->db, st);
	return units;
}

int risk_counts_api(struct req *r)
{
	int64_t unit = 0;
	req_query_id(r, "unit_id", &unit);
	resp_json(r, 200, json_pack("{s:o}", "units", counts(r, unit)));
	return 0;
}

void risk_colour_table(struct req *r, int64_t unit_id)
{
	json_t *u = counts(r, unit_id);
	html_printf(&r->out, "<div class=\"table-wrap\"><table class=\"risk-counts\"><thead><tr><th>%s</th>"
			     "<th><span class=\"badge risk-red\">%s</span></th><th><span class=\"badge risk-orange\">%s</span></th>"
			     "<th><span class=\"badge risk-yellow\">%s</span></th><th><span class=\"badge risk-blue\">%s</span></th>"
			     "</tr></thead><tbody>", T(r, "risk.object.unit"), T(r, "risk.level.major"), T(r, "risk.level.large"),
		    T(r, "risk.level.general"), T(r, "risk.level.low"));
	size_t i;
	json_t *o;
	json_array_foreach(u, i, o) {
		int64_t id = json_integer_value(json_object_get(o, "unit_id"));
		html_printf(&r->out, "<tr data-unit=\"%D\"><td><a href=\"/risk?unit_id=%D\">%s</a></td><td data-colour=\"red\">%D</td>"
				     "<td data-colour=\"orange\">%D</td><td data-colour=\"yellow\">%D</td><td data-colour=\"blue\">%D</td></tr>",
			    id, id, json_string_value(json_object_get(o, "unit")),
			    (int64_t)json_integer_value(json_object_get(o, "red")),
			    (int64_t)json_integer_value(json_object_get(o, "orange")),
			    (int64_t)json_integer_value(json_object_get(o, "yellow")),
			    (int64_t)json_integer_value(json_object_get(o, "blue")));
	}
	html_printf(&r->out, "</tbody></table></div>");
	json_decref(u);
}

void risk_counts_html(struct req *r)
{
	risk_colour_table(r, 0);
}

int risk_register_page(struct req *r)
{
	page_begin(r, T(r, "risk.register"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", T(r, "risk.register"));
	if (auth_has(r, "risk.edit"))
		html_printf(&r->out, "<p class=\"actions\"><a class=\"button\" href=\"/risk/objects\">%s</a> "
				     "<a class=\"button\" href=\"/risk/events/new\">%s</a></p>", T(r, "risk.objects"),
			    T(r, "risk.event.new"));
	if (auth_has(r, "risk.approve"))
		html_printf(&r->out, "<p class=\"actions\"><a class=\"button\" href=\"/risk/settings\">%s</a></p>", T(r, "risk.settings"));
	if (auth_has(r, "risk.import"))
		html_printf(&r->out, "<p class=\"actions\"><a class=\"button\" href=\"/risk/import\">%s</a> "
				     "<a class=\"button\" href=\"/risk/export.xlsx\">%s</a></p>", T(r, "risk.import"),
			    T(r, "risk.export"));
	risk_counts_html(r);
	html_printf(&r->out, "</section><section class=\"card\">");
	risk_register_table(r);
	html_printf(&r->out, "</section>");
	page_end(r);
	return 0;
}

/* ---- GET /api/v1/risk/tasks: open re-assessment tasks for me (assigned or escalated to) ---- */
int risk_tasks_api(struct req *r)
{
	json_t *items = json_array();
	int64_t me = r->who ? r->who->user_id : 0;
	struct db_stmt *st = db_query(r->db, "SELECT t.id, t.event_id, e.name, t.reason, t.opened_at, t.due_at, t.escalation,"
				    " t.note, COALESCE(t.hazard_id, 0) FROM risk_tasks t JOIN risk_events e ON e.id = t.event_id"
				    " WHERE t.closed_at = 0 AND (t.assignee_id = ? OR t.escalated_to = ?) ORDER BY t.due_at LIMIT 20000",
				    "II", me, me);
	struct pager pg;
	pager_start(r, HTTP_PER_PAGE_MAX, &pg);
	while (st && db_step(st) == 1) {
		if (!pager_take(&pg))
			continue;
		json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:I, s:I, s:i, s:s, s:b}", "id", (json_int_t)db_col_i64(st, 0), "event_id",
			(json_int_t)db_col_i64(st, 1), "event", db_col_text(st, 2), "reason", db_col_text(st, 3), "opened_at",
			(json_int_t)db_col_i64(st, 4), "due_at", (json_int_t)db_col_i64(st, 5), "escalation", (int)db_col_i64(st, 6),
			"note", db_col_text(st, 7), "overdue", db_col_i64(st, 5) < clock_now());
		json_object_set_new(o, "hazard_id", db_col_i64(st, 8) ? json_integer(db_col_i64(st, 8)) : json_null());
		json_array_append_new(items, o);
	}
	db_done(r->db, st);
	pager_reply(r, &pg, items, NULL);
	return 0;
}
