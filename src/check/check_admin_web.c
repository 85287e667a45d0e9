/*
 * check_admin_web.c — the desktop pages of checks for whoever plans and oversees them:
 * checklists with their items and versions (/checks/templates), round plans (/checks/plans),
 * a month's calendar of tasks with done / missed / open per day (/checks/calendar), and the
 * missed checks by unit and by person (/checks/missed). Checklists and plans are written
 * through the API (check_api.c): a checklist is data, edited as a whole version.
 */
#include "check/check.h"
#include "check/check_web.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int check_templates_page(struct req *r)
{
	page_begin(r, T(r, "check.templates"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><p class=\"hint\">%s</p><div class=\"table-wrap\"><table id=\"templates\">"
			     "<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "check.templates"), T(r, "check.templates_hint"), T(r, "check.template"), T(r, "check.kind"), T(r, "check.version"),
		    T(r, "check.items"));
	struct db_stmt *st = db_query(r->db, "SELECT t.id, t.name, t.kind, t.version, (SELECT count(*) FROM check_template_items i"
				    " WHERE i.template_id = t.id AND i.version = t.version) FROM check_templates t"
				    " LEFT JOIN units un ON un.id = t.unit_id WHERE t.active = 1 AND (t.unit_id IS NULL OR un.path LIKE ?)"
				    " ORDER BY t.id LIMIT 1000", "t", auth_company_pattern(r));
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<tr><td><a href=\"/checks/templates/%D\">%s</a></td><td>%s</td><td>v%D</td><td>%D</td></tr>",
			    db_col_i64(st, 0), db_col_text(st, 1), T(r, arena_printf(&r->arena, "check.kind.%s", db_col_text(st, 2))),
			    db_col_i64(st, 3), db_col_i64(st, 4));
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div>");
	if (auth_has(r, "check.manage"))
		html_printf(&r->out, "<p><a class=\"button\" href=\"/checks/templates/new\">%s</a></p>", T(r, "check.new_template"));
	html_printf(&r->out, "<p><a href=\"/checks/plans\">%s</a> · <a href=\"/checks/points\">%s</a> · "
			     "<a href=\"/checks/stops\">%s</a></p></section>",
		    T(r, "check.plans"), T(r, "check.points"), T(r, "check.stops"));
	page_end(r);
	return 0;
}

int check_template_page(struct req *r)
{
	int64_t id, version = 0;
	char *name = NULL;
	if (req_param_id(r, "id", &id) ||
	    db_get_i64(r->db, &version, "SELECT t.version FROM check_templates t LEFT JOIN units un ON un.id = t.unit_id"
					" WHERE t.id = ? AND (t.unit_id IS NULL OR un.path LIKE ?)", "It", id, auth_company_pattern(r)) != 1) {
		entity_not_found(r);
		return 0;
	}
	int64_t shown = version;
	if (req_query_int(r, "version", 1, version, &shown) < 0)
		return 0;
	db_get_text(r->db, &name, "SELECT name FROM check_templates WHERE id = ?", "I", id);
	page_begin(r, name ? name : "");
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><p>%s v%D", name ? name : "", T(r, "check.version"), shown);
	for (int64_t v = version; v >= 1 && v > version - 10; v--)
		if (v != shown)
			html_printf(&r->out, " · <a href=\"/checks/templates/%D?version=%D\">v%D</a>", id, v, v);
	html_printf(&r->out, "</p><ol id=\"items\">");
	free(name);
	struct db_stmt *st = db_query(r->db, "SELECT kind, label, COALESCE(min_value, ''), COALESCE(max_value, ''), unit, choices,"
				    " photo_required FROM check_template_items WHERE template_id = ? AND version = ? ORDER BY seq", "II", id, shown);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li>%s <span class=\"badge\">%s</span> %s%s%s %s%s%s</li>", db_col_text(st, 1),
			    T(r, arena_printf(&r->arena, "check.item.%s", db_col_text(st, 0))), db_col_text(st, 2),
			    *db_col_text(st, 2) || *db_col_text(st, 3) ? "–" : "", db_col_text(st, 3), db_col_text(st, 4), db_col_text(st, 5),
			    db_col_i64(st, 6) ? T(r, "check.photo_required") : "");
	db_done(r->db, st);
	html_printf(&r->out, "</ol>");
	if (auth_has(r, "check.manage"))
		html_printf(&r->out, "<p><a class=\"button\" href=\"/checks/templates/%D/edit\">%s</a></p>", id, T(r, "check.edit_items"));
	html_printf(&r->out, "</section>");
	page_end(r);
	return 0;
}

int check_plans_page(struct req *r)
{
	page_begin(r, T(r, "check.plans"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><div class=\"table-wrap\"><table id=\"plans\"><thead><tr><th>%s</th>"
			     "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "check.plans"), T(r, "check.plan"), T(r, "check.shift"), T(r, "check.every"), T(r, "check.route"));
	struct db_stmt *st = db_query(r->db, "SELECT p.id, p.name, p.shift_start, p.shift_end, p.every_min,"
				    " (SELECT string_agg(cp.name, ' → ') FROM (SELECT x.name FROM check_plan_points pp JOIN check_points x"
				    "  ON x.id = pp.point_id WHERE pp.plan_id = p.id ORDER BY pp.seq) cp)"
				    " FROM check_plans p JOIN units un ON un.id = p.unit_id WHERE p.active = 1 AND un.path LIKE ?"
				    " ORDER BY p.id LIMIT 500", "t", auth_scope_pattern(r));
	while (st && db_step(st) == 1) {
		int ss = (int)db_col_i64(st, 2), se = (int)db_col_i64(st, 3);
		html_printf(&r->out, "<tr><td>%s</td><td>%s</td><td>%D min</td><td>%s</td></tr>", db_col_text(st, 1),
			    arena_printf(&r->arena, "%02d:%02d–%02d:%02d", ss / 60, ss % 60, se / 60 % 24, se % 60), db_col_i64(st, 4),
			    db_col_text(st, 5));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div>");
	if (auth_has(r, "check.manage"))
		html_printf(&r->out, "<p><a class=\"button\" href=\"/checks/plans/new\">%s</a></p>", T(r, "check.new_plan"));
	html_printf(&r->out, "</section>");
	page_end(r);
	return 0;
}

/* A month of tasks in the caller's scope — or of one unit and its subtree (?unit=) — one row per
 * day: done, missed, open, suspended; rows become cards below 600 px. */
int check_calendar_page(struct req *r)
{
	int64_t today = day_today(), unit = 0;
	int y, m, d;
	day_to_ymd(today, &y, &m, &d);
	const char *ms = req_query(r, "month");
	if (ms && *ms && (sscanf(ms, "%d-%d", &y, &m) != 2 || y < 2000 || y > 2100 || m < 1 || m > 12)) {
		req_bad_param(r, "month");
		return 0;
	}
	const char *pattern = auth_scope_pattern(r);
	int rc = req_query_id(r, "unit", &unit);
	if (rc < 0)
		return 0;
	if (rc == 1) {
		char *path = NULL;
		if (!auth_scope_allows(r, unit, -1) || db_get_text(r->db, &path, "SELECT path FROM units WHERE id = ?", "I", unit) != 1) {
			free(path);
			req_bad_param(r, "unit");
			return 0;
		}
		pattern = arena_printf(&r->arena, "%s%%", path);
		free(path);
	}
	int64_t first = day_from_ymd(y, m, 1), next = day_add_months(first, 1);
	page_begin(r, T(r, "check.calendar"));
	int py = m == 1 ? y - 1 : y, pm = m == 1 ? 12 : m - 1, ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
	const char *uq = unit ? arena_printf(&r->arena, "&unit=%lld", (long long)unit) : "";
	html_printf(&r->out, "<section class=\"card\"><h1>%s %s</h1><form method=\"get\" class=\"filters\" id=\"calendar-unit\">"
			     "<input type=\"hidden\" name=\"month\" value=\"%s\"><label><span>%s</span><select name=\"unit\">"
			     "<option value=\"\">%s</option>",
		    T(r, "check.calendar"), arena_printf(&r->arena, "%d-%02d", y, m), arena_printf(&r->arena, "%d-%02d", y, m),
		    T(r, "check.unit"), T(r, "check.all_units"));
	struct db_stmt *st = db_query(r->db, "SELECT id, name FROM units WHERE path LIKE ? AND active = 1 ORDER BY path LIMIT 500", "t",
				    auth_scope_pattern(r));
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<option value=\"%D\"%r>%s</option>", db_col_i64(st, 0), db_col_i64(st, 0) == unit ? " selected" : "",
			    db_col_text(st, 1));
	db_done(r->db, st);
	html_printf(&r->out, "</select></label><button>%s</button></form><p class=\"dash-links\">"
			     "<a class=\"button\" href=\"/checks/calendar?month=%s%s\">← %s</a> "
			     "<a class=\"button\" href=\"/checks/calendar?month=%s%s\">%s →</a></p><div class=\"table-wrap\">"
			     "<table id=\"calendar\" class=\"cards\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "check.show"), arena_printf(&r->arena, "%d-%02d", py, pm), uq, arena_printf(&r->arena, "%d-%02d", py, pm),
		    arena_printf(&r->arena, "%d-%02d", ny, nm), uq, arena_printf(&r->arena, "%d-%02d", ny, nm), T(r, "check.day"),
		    T(r, "check.status.done"), T(r, "check.status.missed"), T(r, "check.status.open"), T(r, "check.status.suspended"));
	int64_t counts[32][4] = {{0}};
	st = db_query(r->db, "SELECT k.window_start, k.status FROM check_tasks k JOIN units un ON un.id = k.unit_id"
			     " WHERE un.path LIKE ? AND k.window_start >= ? AND k.window_start < ? LIMIT 200000", "tII",
		      pattern, day_start_utc(first), day_start_utc(next));
	while (st && db_step(st) == 1) {
		int64_t i = day_of(db_col_i64(st, 0)) - first;
		const char *s = db_col_text(st, 1);
		int k = !strcmp(s, "done") ? 0 : !strcmp(s, "missed") ? 1 : !strcmp(s, "open") ? 2 : 3;
		if (i >= 0 && i < 32)
			counts[i][k]++;
	}
	db_done(r->db, st);
	const char *lab[4] = {T(r, "check.status.done"), T(r, "check.status.missed"), T(r, "check.status.open"),
			      T(r, "check.status.suspended")};
	for (int64_t dd = first; dd < next; dd++) {
		char buf[16];
		int64_t *c = counts[dd - first];
		html_printf(&r->out, "<tr%r data-day=\"%s\"><td>%s</td><td class=\"num\" data-label=\"%s\">%D</td>"
				     "<td class=\"num%r\" data-label=\"%s\">%D</td><td class=\"num\" data-label=\"%s\">%D</td>"
				     "<td class=\"num\" data-label=\"%s\">%D</td></tr>",
			    dd == today ? " class=\"today\"" : "", day_format(dd, buf), buf, lab[0], c[0], c[1] ? " overdue" : "", lab[1], c[1],
			    lab[2], c[2], lab[3], c[3]);
	}
	html_printf(&r->out, "</tbody></table></div></section>");
	page_end(r);
	return 0;
}

/* Missed checks of the period (default: the last 30 days) by unit, then by person. */
int check_missed_page(struct req *r)
{
	int64_t now = clock_now(), days = 30;
	if (req_query_int(r, "days", 1, 366, &days) < 0)
		return 0;
	int64_t from = now - days * 86400;
	page_begin(r, T(r, "check.missed_title"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><p>%s %D</p><h2>%s</h2><div class=\"table-wrap\"><table id=\"missed-units\" class=\"cards\">"
			     "<thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "check.missed_title"), T(r, "check.days"), days, T(r, "check.by_unit"), T(r, "check.unit"), T(r, "check.missed"),
		    T(r, "check.tasks"));
	struct db_stmt *st = db_query(r->db, "SELECT un.name, sum(CASE WHEN k.status = 'missed' THEN 1 ELSE 0 END), count(*)"
				    " FROM check_tasks k JOIN units un ON un.id = k.unit_id WHERE un.path LIKE ? AND k.window_end > ?"
				    " AND k.window_end <= ? AND k.status <> 'suspended' GROUP BY un.id, un.name, un.path ORDER BY un.path",
				    "tII", auth_scope_pattern(r), from, now);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<tr><td>%s</td><td class=\"num\" data-label=\"%s\">%D</td><td class=\"num\" data-label=\"%s\">%D</td></tr>",
			    db_col_text(st, 0), T(r, "check.missed"), db_col_i64(st, 1), T(r, "check.tasks"), db_col_i64(st, 2));
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div><h2>%s</h2><div class=\"table-wrap\"><table id=\"missed-people\" class=\"cards\"><thead><tr><th>%s</th>"
			     "<th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "check.by_person"), T(r, "check.person"), T(r, "check.unit"), T(r, "check.missed"));
	st = db_query(r->db, "SELECT COALESCE(us.name, '—'), un.name, count(*) FROM check_tasks k JOIN units un ON un.id = k.unit_id"
			     " LEFT JOIN users us ON us.id = k.assignee_id WHERE un.path LIKE ? AND k.status = 'missed'"
			     " AND k.window_end > ? AND k.window_end <= ? GROUP BY us.id, us.name, un.name ORDER BY count(*) DESC LIMIT 200",
		      "tII", auth_scope_pattern(r), from, now);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<tr><td>%s</td><td data-label=\"%s\">%s</td><td class=\"num\" data-label=\"%s\">%D</td></tr>",
			    db_col_text(st, 0), T(r, "check.unit"), db_col_text(st, 1), T(r, "check.missed"), db_col_i64(st, 2));
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div><p class=\"dash-links\"><a class=\"button\" href=\"/checks/coverage\">%s</a>"
			     " <a class=\"button\" href=\"/checks/calendar\">%s</a> <a class=\"button\" href=\"/checks/templates\">%s</a>"
			     " <a class=\"button\" href=\"/checks/plans\">%s</a> <a class=\"button\" href=\"/checks/points\">%s</a>"
			     " <a class=\"button\" href=\"/checks/stops\">%s</a></p></section>",
		    T(r, "check.coverage"), T(r, "check.calendar"), T(r, "check.templates"), T(r, "check.plans"), T(r, "check.points"),
		    T(r, "check.stops"));
	page_end(r);
	return 0;
}
