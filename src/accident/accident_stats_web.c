/*
 * accident_stats_web.c — accident statistics, the hours worked behind them, and the lessons
 * bulletin.
 *
 * Statistics count accidents and near misses by type (GB 6441) and by unit, and the lost-time
 * injury frequency rate: injuries × 1,000,000 / hours worked. A lost-time injury is each
 * death, serious and minor injury of an accident: GB 6441-1986 defines 轻伤 as a lost-workday
 * injury (at least one working day lost), so every counted injury lost time. Hours are
 * entered per unit and month (YYYYMM) on a small form; a period's rate uses the months it
 * overlaps. The same figures go on the dashboard and the monthly report (accident_stats_html).
 *
 * The bulletin is for everyone signed in: the lessons of closed cases (what happened, the
 * root cause, the lessons and measures — never who was to blame) and the people praised for
 * reporting near misses.
 */
#include "accident/accident.h"
#include "accident/accident_web.h"
#include "auth/auth.h"
#include "audit/audit.h"
#include "base/clock.h"
#include "base/day.h"
#include "db/db.h"
#include "web/form.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/page_lang.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* YYYYMM of a UTC instant (local month). */
static int64_t month_of(int64_t t)
{
	int y, m, d;
	day_to_ymd(day_of(t), &y, &m, &d);
	return y * 100 + m;
}

/* ?1 pattern, ?2 from, ?3 to, ?4 first month, ?5 last month */
#define STATS_SQL \
	"SELECT (SELECT count(*) FROM incidents i JOIN units u ON u.id = i.unit_id WHERE u.path LIKE ?1" \
	"   AND i.kind = 'accident' AND i.occurred_at >= ?2 AND i.occurred_at < ?3)," \
	" (SELECT count(*) FROM incidents i JOIN units u ON u.id = i.unit_id WHERE u.path LIKE ?1" \
	"   AND i.kind = 'near_miss' AND i.occurred_at >= ?2 AND i.occurred_at < ?3)," \
	" (SELECT coalesce(sum(i.deaths + i.serious + i.minor), 0) FROM incidents i JOIN units u ON u.id = i.unit_id" \
	"   WHERE u.path LIKE ?1 AND i.kind = 'accident' AND i.occurred_at >= ?2 AND i.occurred_at < ?3)," \
	" (SELECT coalesce(sum(i.deaths), 0) FROM incidents i JOIN units u ON u.id = i.unit_id WHERE u.path LIKE ?1" \
	"   AND i.kind = 'accident' AND i.occurred_at >= ?2 AND i.occurred_at < ?3)," \
	" (SELECT coalesce(sum(h.hours), 0) FROM accident_hours h JOIN units u ON u.id = h.unit_id WHERE u.path LIKE ?1" \
	"   AND h.month >= ?4 AND h.month <= ?5)"

int accident_stats_in(struct db *c, const char *pattern, int64_t from, int64_t to, struct accident_stats *s)
{
	memset(s, 0, sizeof(*s));
	struct db_stmt *st = db_query(c, STATS_SQL, "tIIII", pattern, from, to, month_of(from), month_of(to - 1));
	int rc = -1;
	if (st && db_step(st) == 1) {
		s->accidents = db_col_i64(st, 0);
		s->near_misses = db_col_i64(st, 1);
		s->injuries = db_col_i64(st, 2);
		s->deaths = db_col_i64(st, 3);
		s->hours = db_col_i64(st, 4);
		s->ltifr = accident_ltifr(s->injuries, s->hours);
		rc = 0;
	}
	db_done(c, st);
	return rc;
}

/* One row of the table: the unit's name and its figures as text. */
static void stats_cells(struct req *r, const char **row, const char *name, const struct accident_stats *s)
{
	row[0] = name;
	row[1] = arena_printf(&r->arena, "%lld", (long long)s->accidents);
	row[2] = arena_printf(&r->arena, "%lld", (long long)s->near_misses);
	row[3] = arena_printf(&r->arena, "%lld", (long long)s->injuries);
	row[4] = arena_printf(&r->arena, "%lld", (long long)s->hours);
	row[5] = s->ltifr < 0 ? "—" : arena_printf(&r->arena, "%.2f", s->ltifr);
}

#define STATS_MAX_UNITS 200

int accident_stats_cells(struct req *r, int64_t unit_id, int64_t from, int64_t to, const char ***cells)
{
	*cells = NULL;
	char *path = NULL;
	if (db_get_text(r->db, &path, "SELECT path FROM units WHERE id = ?", "I", unit_id) != 1) {
		free(path);
		return 0;
	}
	const char **c = arena_alloc(&r->arena, (size_t)(STATS_MAX_UNITS + 2) * ACCIDENT_STATS_COLS * sizeof(*c));
	static const char *const head[ACCIDENT_STATS_COLS] = {"accident.unit", "accident.n_accidents", "accident.n_near_misses",
							      "accident.n_injuries", "accident.hours", "accident.ltifr"};
	for (int i = 0; i < ACCIDENT_STATS_COLS; i++)
		c[i] = T(r, head[i]);
	int rows = 1;
	struct accident_stats s;
	if (!accident_stats_in(r->db, arena_printf(&r->arena, "%s%%", path), from, to, &s))
		stats_cells(r, c + ACCIDENT_STATS_COLS * rows++, T(r, "accident.total"), &s);
	free(path);
	/* each unit right below, with its subtree */
	struct db_stmt *st = db_query(r->db, "SELECT name, path FROM units WHERE parent_id = ? AND active = 1 ORDER BY path LIMIT 200",
				      "I", unit_id);
	const char *names[STATS_MAX_UNITS], *paths[STATS_MAX_UNITS];
	int n = 0;
	while (st && db_step(st) == 1 && n < STATS_MAX_UNITS) {
		names[n] = arena_strdup(&r->arena, db_col_text(st, 0));
		paths[n++] = arena_strdup(&r->arena, db_col_text(st, 1));
	}
	db_done(r->db, st);
	for (int i = 0; i < n; i++)
		if (!accident_stats_in(r->db, arena_printf(&r->arena, "%s%%", paths[i]), from, to, &s) &&
		    (s.accidents || s.near_misses || s.hours))
			stats_cells(r, c + ACCIDENT_STATS_COLS * rows++, names[i], &s);
	*cells = c;
	return rows;
}

void accident_stats_html(struct req *r, int64_t unit_id, int64_t from, int64_t to)
{
	const char **c;
	int rows = accident_stats_cells(r, unit_id, from, to, &c);
	if (!rows)
		return;
	html_printf(&r->out, "<div class=\"table-wrap\"><table class=\"acc-stats\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
			     "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>", c[0], c[1], c[2], c[3], c[4], c[5]);
	for (int i = 1; i < rows; i++) {
		const char **row = c + ACCIDENT_STATS_COLS * i;
		html_printf(&r->out, "<tr%r><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>",
			    i == 1 ? " class=\"total\"" : "", row[0], row[1], row[2], row[3], row[4], row[5]);
	}
	html_printf(&r->out, "</tbody></table></div><p class=\"hint\">%s</p>", T(r, "accident.ltifr_f"));
}

/* The twelve months up to this one: [from, to) in UTC. */
static void last_year(int64_t *from, int64_t *to)
{
	int y, m, d;
	day_to_ymd(day_today(), &y, &m, &d);
	int64_t first = day_from_ymd(y, m, 1);
	*to = day_start_utc(day_add_months(first, 1));
	*from = day_start_utc(day_add_months(first, -11));
}

/* The counts by type: CASE, not sum(i.kind = ...), since a comparison is an integer only in
 * SQLite and PostgreSQL has no sum of booleans. */
static const char *type_name_sql(struct req *r)
{
	/* each type under its own edition (1986 rows of incidents reported before the switch,
	 * 2025 rows after), the edition in force first; only types with incidents appear */
	return strcmp(r->lang, "en")
		? "SELECT t.name_zh, sum(CASE WHEN i.kind = 'accident' THEN 1 ELSE 0 END), sum(CASE WHEN i.kind = 'near_miss' THEN 1 ELSE 0 END),"
		  " t.edition, t.code FROM incidents i"
		  " JOIN units u ON u.id = i.unit_id JOIN accident_types t ON t.code = i.type_code"
		  " WHERE u.path LIKE ? AND i.occurred_at >= ? AND i.occurred_at < ?"
		  " GROUP BY t.code, t.name_zh, t.sort, t.edition ORDER BY CASE WHEN t.edition = ? THEN 0 ELSE 1 END, t.edition DESC, t.sort"
		: "SELECT t.name_en, sum(CASE WHEN i.kind = 'accident' THEN 1 ELSE 0 END), sum(CASE WHEN i.kind = 'near_miss' THEN 1 ELSE 0 END),"
		  " t.edition, t.code FROM incidents i"
		  " JOIN units u ON u.id = i.unit_id JOIN accident_types t ON t.code = i.type_code"
		  " WHERE u.path LIKE ? AND i.occurred_at >= ? AND i.occurred_at < ?"
		  " GROUP BY t.code, t.name_en, t.sort, t.edition ORDER BY CASE WHEN t.edition = ? THEN 0 ELSE 1 END, t.edition DESC, t.sort";
}

/* GET /incidents/stats, GET /api/v1/incidents/stats */
int accident_stats_page(struct req *r)
{
	int64_t from, to;
	last_year(&from, &to);
	const char *pattern = auth_scope_pattern(r);
	int64_t root = 0;
	db_get_i64(r->db, &root, "SELECT id FROM units WHERE path LIKE ? ORDER BY length(path), path LIMIT 1", "t", pattern);
	struct accident_stats s;
	if (accident_stats_in(r->db, pattern, from, to, &s)) {
		form_unavailable(r);
		return 0;
	}
	struct db_stmt *st = db_query(r->db, type_name_sql(r), "tIIt", pattern, from, to, accident_type_edition(r->db));
	if (r->is_api) {
		json_t *types = json_array();
		while (st && db_step(st) == 1)
			json_array_append_new(types, json_pack("{s:s, s:s, s:s, s:I, s:I}", "type", db_col_text(st, 0), "code",
							       db_col_text(st, 4), "edition", db_col_text(st, 3), "accidents",
							       (json_int_t)db_col_i64(st, 1), "near_misses",
							       (json_int_t)db_col_i64(st, 2)));
		db_done(r->db, st);
		json_t *o = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}", "from", (json_int_t)from, "to", (json_int_t)to,
				      "accidents", (json_int_t)s.accidents, "near_misses", (json_int_t)s.near_misses,
				      "injuries", (json_int_t)s.injuries, "deaths", (json_int_t)s.deaths, "hours",
				      (json_int_t)s.hours, "by_type", types);
		json_object_set_new(o, "ltifr", s.ltifr < 0 ? json_null() : json_real(s.ltifr));
		resp_json(r, 200, o);
		return 0;
	}
	struct strbuf *o = &r->out;
	page_begin(r, T(r, "accident.stats"));
	html_printf(o, "<p class=\"actions\"><a class=\"button\" href=\"/incidents/escalation\">%s</a></p>", T(r, "accident.chain"));
	html_printf(o, "<section class=\"card\"><h1>%s</h1><p class=\"sub\">%s %s – %s</p><h2>%s</h2>"
		       "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "accident.stats"), T(r, "accident.period"), page_time(r, from), page_time(r, to - 60),
		    T(r, "accident.by_type"), T(r, "accident.type"), T(r, "accident.edition"), T(r, "accident.n_accidents"),
		    T(r, "accident.n_near_misses"));
	while (st && db_step(st) == 1)
		html_printf(o, "<tr data-type=\"%s\"><td>%s</td><td>GB 6441-%s</td><td>%D</td><td>%D</td></tr>", db_col_text(st, 4),
			    db_col_text(st, 0), db_col_text(st, 3), db_col_i64(st, 1), db_col_i64(st, 2));
	db_done(r->db, st);
	html_printf(o, "</tbody></table></div><h2>%s</h2>", T(r, "accident.by_unit"));
	if (root)
		accident_stats_html(r, root, from, to);
	html_printf(o, "</section>");
	if (auth_has(r, "accident.investigate")) {
		char month[8];
		clock_format(clock_now(), "%Y-%m", month, sizeof(month));
		html_printf(o, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/incidents/hours\" class=\"stack\">%r"
			       "<label>%s<select name=\"unit_id\" required><option value=\"\"></option>",
			    T(r, "accident.hours_title"), page_csrf(r), T(r, "accident.unit"));
		form_opts_scope_units(r, NULL, 0);
		html_printf(o, "</select></label><label>%s", T(r, "accident.month"));
		page_month_select(r, "month", month);
		html_printf(o, "</label><label>%s<input name=\"hours\" type=\"number\" min=\"0\" max=\"100000000\" step=\"1\" required></label>"
			       "<button type=\"submit\">%s</button></form></section>", T(r, "accident.hours"), T(r, "form.save"));
	}
	page_end(r);
	return 0;
}

/* POST /incidents/hours, POST /api/v1/incidents/hours: hours worked of a unit in a month. */
int accident_hours_post(struct req *r)
{
	const char *us = req_field(r, "unit_id"), *ms = req_field(r, "month"), *hs = req_field(r, "hours");
	const char *field = NULL, *key = "form.err_required";
	int64_t unit = 0, hours = -1, ok = 0;
	int y = 0, m = 0;
	char *end = NULL;
	if (!us || !*us)
		field = "unit_id";
	else if ((unit = strtoll(us, &end, 10)) <= 0 || *end ||
		 db_get_i64(r->db, &ok, "SELECT count(*) FROM units WHERE id = ? AND path LIKE ?", "It", unit,
			    auth_scope_pattern(r)) != 1 || !ok)
		field = "unit_id", key = "accident.err_unknown";
	else if (!ms || !*ms)
		field = "month";
	else if (strlen(ms) != 7 || sscanf(ms, "%4d-%2d", &y, &m) != 2 || m < 1 || m > 12 || y < 2000 ||
		 day_from_ymd(y, m, 1) > day_today())
		field = "month", key = "accident.err_month";
	else if (!hs || !*hs)
		field = "hours";
	else if ((hours = strtoll(hs, &end, 10)) < 0 || *end || hours > 100000000)
		field = "hours", key = "form.err_range";
	if (field) {
		resp_error(r, 422, "invalid", arena_printf(&r->arena, "%s%s%s", T(r, field[0] == 'u' ? "accident.unit"
								      : field[0] == 'm' ? "accident.month" : "accident.hours"),
							   T(r, "form.colon"), T(r, key)), field);
		return 0;
	}
	int64_t month = y * 100 + m;
	char sum[96];
	snprintf(sum, sizeof(sum), "unit %lld month %lld hours %lld", (long long)unit, (long long)month, (long long)hours);
	if (db_begin(r->db) != DB_OK)
		goto fail;
	if (db_exec(r->db, "INSERT INTO accident_hours (unit_id, month, hours, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)"
			   " ON CONFLICT (unit_id, month) DO UPDATE SET hours = excluded.hours, updated_by = excluded.updated_by,"
			   " updated_at = excluded.updated_at", "IIIII", unit, month, hours, r->who->user_id, clock_now()) != DB_OK ||
	    audit_req(r, "accident_hours", unit, "set", sum) != DB_OK) {
		db_rollback(r->db);
		goto fail;
	}
	if (db_commit(r->db) != DB_OK)
		goto fail;
	if (r->is_api)
		resp_json(r, 200, json_pack("{s:I, s:s, s:I}", "unit_id", (json_int_t)unit, "month", ms, "hours", (json_int_t)hours));
	else
		resp_redirect(r, "/incidents/stats");
	return 0;
fail:
	form_unavailable(r);
	return 0;
}

/* GET /incidents/bulletin: lessons of closed cases and the praised near-miss reporters. */
int accident_bulletin(struct req *r)
{
	int64_t from, to;
	last_year(&from, &to);
	struct strbuf *o = &r->out;
	page_begin(r, T(r, "accident.bulletin"));
	html_printf(o, "<section class=\"card\"><h1>%s</h1><p class=\"hint\">%s</p>", T(r, "accident.bulletin"),
		    T(r, "accident.bulletin_hint"));
	struct db_stmt *st = db_query(r->db, strcmp(r->lang, "en")
		? "SELECT i.id, i.what, i.kind, i.level, t.name_zh, c.name_zh, i.lessons_note, i.measures_note, i.occurred_at"
		  " FROM incidents i JOIN accident_types t ON t.code = i.type_code LEFT JOIN accident_causes c ON c.code = i.root_cause"
		  " WHERE i.status = 'closed' ORDER BY i.closed_at DESC LIMIT 50"
		: "SELECT i.id, i.what, i.kind, i.level, t.name_en, c.name_en, i.lessons_note, i.measures_note, i.occurred_at"
		  " FROM incidents i JOIN accident_types t ON t.code = i.type_code LEFT JOIN accident_causes c ON c.code = i.root_cause"
		  " WHERE i.status = 'closed' ORDER BY i.closed_at DESC LIMIT 50", NULL);
	html_printf(o, "<ul class=\"acc-bulletin\">");
	while (st && db_step(st) == 1)
		html_printf(o, "<li class=\"lesson\"><strong>%s</strong> <span class=\"badge\">%s</span><small>%s · %s · %s</small>"
			       "<p><b>%s</b>%s</p><p><b>%s</b>%s</p></li>",
			    db_col_text(st, 1), T(r, arena_printf(&r->arena, "accident.kind.%s", db_col_text(st, 2))),
			    page_time(r, db_col_i64(st, 8)), db_col_text(st, 4), db_col_text(st, 5), T(r, "accident.lessons_label"),
			    db_col_text(st, 6), T(r, "accident.measures_label"), db_col_text(st, 7));
	db_done(r->db, st);
	html_printf(o, "</ul></section><section class=\"card\"><h2>%s</h2><p class=\"hint\">%s</p><ol class=\"acc-praised\">",
		    T(r, "accident.praised"), T(r, "accident.praised_hint"));
	/* 未遂事件 reported in the last twelve months, per person: counted and thanked */
	st = db_query(r->db, "SELECT us.name, un.name, count(*) FROM incidents i JOIN users us ON us.id = i.reporter_id"
			     " JOIN units un ON un.id = us.unit_id WHERE i.kind = 'near_miss' AND i.occurred_at >= ? AND i.occurred_at < ?"
			     " GROUP BY us.id, us.name, un.name ORDER BY count(*) DESC, us.name LIMIT 20", "II", from, to);
	while (st && db_step(st) == 1)
		html_printf(o, "<li class=\"praised\">%s · %s <strong>%D</strong> %s</li>", db_col_text(st, 0), db_col_text(st, 1),
			    db_col_i64(st, 2), T(r, "accident.praised_count"));
	db_done(r->db, st);
	html_printf(o, "</ol></section>");
	page_end(r);
	return 0;
}
