/*
 * home_web.c — the role panel of the home page ("/"), below the tiles of home.c.
 *
 * What each person sees first, by what they may do (permissions and data scope, not role
 * names, so an edited role still gets a sensible page):
 *   a worker               their open tasks with deadlines, their points, their reports
 *   a team leader          the open hazards of their unit by deadline (overdue first)
 *   a workshop director    their workshop's KPIs of the last 30 days against the plant's
 *   safety dept, managers  the plant's KPI cards and the workshop ranking
 *   a group                the plants side by side
 */
#include "report/report.h"
#include "hazard/hazard.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "db/db.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

#define OPEN "('reported', 'assigned', 'planning', 'plan_review', 'rectifying', 'verifying')"

static void hazard_rows(struct req *r, struct strbuf *o, struct db_stmt *st)
{
	int n = 0;
	int64_t now = clock_now();
	html_printf(o, "<ul class=\"list task-list\">");
	while (st && db_step(st) == 1) {
		n++;
		int64_t due = db_col_i64(st, 4);
		int late = db_col_i64(st, 5) || (due && due < now);
		html_printf(o, "<li><a href=\"/hazards/%D\"><strong>%s</strong>", db_col_i64(st, 0), db_col_text(st, 1));
		if (late)
			html_printf(o, " <span class=\"badge bad\">%s</span>", T(r, "report.overdue_badge"));
		html_printf(o, "<p>%s</p><small>%s · %s %s</small></a></li>", db_col_text(st, 2), db_col_text(st, 3),
			    T(r, "report.due"), page_time(r, due));
	}
	if (!n)
		html_printf(o, "<li class=\"empty\">%s</li>", T(r, "report.no_tasks"));
	html_printf(o, "</ul>");
}

static void worker_panel(struct req *r, struct strbuf *o)
{
	int64_t me = r->who->user_id, month = 0, total = 0, reported = 0, from, to;
	char buf[16];
	int y, m;
	clock_format(clock_now(), "%Y-%m", buf, sizeof(buf));
	kpi_parse_month(buf, &y, &m);
	kpi_month_range(y, m, &from, &to);
	db_get_i64(r->db, &month, "SELECT coalesce(sum(points), 0) FROM points WHERE user_id = ? AND at >= ? AND at < ?",
		   "III", me, from, to);
	db_get_i64(r->db, &total, "SELECT coalesce(sum(points), 0) FROM points WHERE user_id = ?", "I", me);
	db_get_i64(r->db, &reported, "SELECT count(*) FROM hazards WHERE reporter_id = ? AND reported_at >= ? AND reported_at < ?",
		   "III", me, from, to);
	html_printf(o, "<section class=\"card role-panel role-worker\"><h2>%s</h2><div class=\"kpi-cards small\">"
		       "<a class=\"kpi-card\" href=\"/hazards/ranking\"><span class=\"kpi-name\">%s</span><strong class=\"kpi-val\">%D</strong></a>"
		       "<a class=\"kpi-card\" href=\"/hazards/ranking\"><span class=\"kpi-name\">%s</span><strong class=\"kpi-val\">%D</strong></a>"
		       "<a class=\"kpi-card\" href=\"/hazards?mine=1\"><span class=\"kpi-name\">%s</span><strong class=\"kpi-val\">%D</strong></a></div>",
		    T(r, "report.home.mine"), T(r, "report.home.points_month"), month, T(r, "report.home.points_total"), total,
		    T(r, "report.home.reported_month"), reported);
	html_printf(o, "<h3>%s</h3>", T(r, "report.home.my_tasks"));
	struct db_stmt *st = db_query(r->db,
		"SELECT h.id, h.number, h.description, a.name, h.rectify_due, h.overdue FROM hazards h JOIN areas a ON a.id = h.area_id"
		" WHERE h.assignee_id = ? AND h.status IN ('reported', 'assigned', 'planning', 'rectifying')"
		" ORDER BY h.rectify_due, h.id LIMIT 10", "I", me);
	hazard_rows(r, o, st);
	db_done(r->db, st);
	html_printf(o, "</section>");
}

/* The card's title names the person's own unit kind: a workshop safety officer's card says
 * 本车间, not 本班组. */
static const char *open_title(struct req *r)
{
	char *kind = NULL;
	const char *key = "report.home.open.unit";
	db_get_text(r->db, &kind, "SELECT kind FROM units WHERE id = ?", "I", r->who->unit_id);
	if (kind && !strcmp(kind, "team"))
		key = "report.home.team_open";
	else if (kind && !strcmp(kind, "workshop"))
		key = "report.home.open.workshop";
	else if (kind && !strcmp(kind, "company"))
		key = "report.home.open.company";
	free(kind);
	return T(r, key);
}

/* The team's open hazards by the one visibility rule (HAZARD_VISIBLE_SQL: the unit and area in
 * scope, and what the person was involved in), so the count agrees with the list it links to:
 * hazards are filed under the workshop, so a count by the hazard's unit alone showed a team
 * leader 0 while his list held his team's reports. */
static void team_panel(struct req *r, struct strbuf *o)
{
	const char *pat = auth_scope_pattern(r);
	int64_t owner = auth_scope_owner(r), open = 0, overdue = 0, soon = 0, now = clock_now();
	struct db_stmt *st = db_query(r->db,
		"SELECT count(*), coalesce(sum(h.overdue), 0), coalesce(sum(CASE WHEN h.overdue = 0 AND h.rectify_due >= ?4"
		" AND h.rectify_due < ?4 + 86400 THEN 1 ELSE 0 END), 0) FROM hazards h JOIN units u ON u.id = h.unit_id"
		" WHERE h.status IN " OPEN " AND " HAZARD_VISIBLE_SQL, "tIII", pat, owner, r->who->user_id, now);
	if (st && db_step(st) == 1) {
		open = db_col_i64(st, 0);
		overdue = db_col_i64(st, 1);
		soon = db_col_i64(st, 2);
	}
	db_done(r->db, st);
	html_printf(o, "<section class=\"card role-panel role-team\"><h2>%s · %s</h2><div class=\"kpi-cards small\">"
		       "<a class=\"kpi-card\" href=\"/hazards?status=open\"><span class=\"kpi-name\">%s</span><strong class=\"kpi-val\">%D</strong></a>"
		       "<a class=\"kpi-card%r\" href=\"/hazards?status=open&amp;overdue=1\"><span class=\"kpi-name\">%s</span><strong class=\"kpi-val\">%D</strong></a>"
		       "<div class=\"kpi-card\"><span class=\"kpi-name\">%s</span><strong class=\"kpi-val\">%D</strong></div></div>",
		    open_title(r), r->who->unit_name, T(r, "report.open"), open,
		    overdue ? " alarm" : "", T(r, "report.kpi.overdue"), overdue, T(r, "report.home.due_24h"), soon);
	html_printf(o, "<h3>%s</h3>", T(r, "report.home.deadlines"));
	st = db_query(r->db,
		"SELECT h.id, h.number, h.description, a.name, h.rectify_due, h.overdue FROM hazards h"
		" JOIN units u ON u.id = h.unit_id JOIN areas a ON a.id = h.area_id"
		" WHERE h.status IN " OPEN " AND " HAZARD_VISIBLE_SQL
		" ORDER BY h.overdue DESC, CASE WHEN h.rectify_due = 0 THEN 1 ELSE 0 END, h.rectify_due, h.id LIMIT 15",
		"tII", pat, owner, r->who->user_id);
	hazard_rows(r, o, st);
	db_done(r->db, st);
	html_printf(o, "</section>");
}

/* The panels show the dashboard's default period (the last 30 days), so that the home page
 * of the 1st of a month is not an empty new month and agrees with the dashboard it links to. */
static int recent(struct req *r, struct dash *d, int64_t unit)
{
	int64_t from, to;
	report_period_range(PERIOD_DEFAULT, clock_now(), &from, &to);
	int rc = dash_load(r, d, unit, from, to, 0, 0);
	d->period = PERIOD_DEFAULT;
	return rc;
}

static void director_panel(struct req *r, struct strbuf *o)
{
	struct dash d;
	if (!recent(r, &d, r->who->unit_id)) {
		html_printf(o, "<section class=\"card role-panel role-director\"><h2>%s · %s</h2><p class=\"sub\">%s</p>",
			    T(r, "report.home.workshop_kpis"), d.unit_name, T(r, "report.home.vs_plant"));
		dash_kpi_table(r, o, &d, 1);
		html_printf(o, "<p><a class=\"button\" href=\"/dashboard?unit=%D\">%s</a></p></section>", d.unit_id,
			    T(r, "report.dashboard"));
	}
	dash_free(&d);
}

static int64_t scope_unit(struct req *r)
{
	const char *pat = auth_scope_pattern(r);
	size_t n = strlen(pat);
	int64_t id = 0;
	if (n > 1 && pat[n - 1] == '%')
		db_get_i64(r->db, &id, "SELECT id FROM units WHERE path = ?", "t", arena_strndup(&r->arena, pat, n - 1));
	return id ? id : r->who->unit_id;
}

static void plant_panel(struct req *r, struct strbuf *o)
{
	struct dash d;
	if (!recent(r, &d, scope_unit(r))) {
		html_printf(o, "<section class=\"card role-panel role-plant\"><h2>%s · %s</h2><p class=\"sub\">%s</p>",
			    T(r, "report.kpis"), d.unit_name, T(r, report_period_key(PERIOD_DEFAULT)));
		dash_kpi_table(r, o, &d, 0);
		html_printf(o, "<h3>%s</h3>", T(r, "report.ranking"));
		dash_ranking(r, o, &d);
		html_printf(o, "<p><a class=\"button\" href=\"/dashboard?unit=%D\">%s</a> <a class=\"button\" href=\"/dashboard/screen?unit=%D\">%s</a></p></section>",
			    d.unit_id, T(r, "report.dashboard"), d.unit_id, T(r, "report.screen"));
	}
	dash_free(&d);
}

/* The plants of a group side by side: one row per company. */
static void group_panel(struct req *r, struct strbuf *o)
{
	struct dash d;
	if (recent(r, &d, scope_unit(r))) {
		dash_free(&d);
		return;
	}
	static const enum kpi_id cols[] = {KPI_REPORTED, KPI_CLOSURE, KPI_ON_TIME, KPI_RESPONSE, KPI_REPEAT,
					   KPI_PARTICIPATION, KPI_OVERDUE, KPI_MAJOR};
	html_printf(o, "<section class=\"card role-panel role-group\"><h2>%s · %s</h2><p class=\"sub\">%s</p>"
		       "<div class=\"table-wrap\"><table class=\"plants cards\"><thead><tr><th>%s</th>",
		    T(r, "report.home.plants"), d.unit_name, T(r, report_period_key(PERIOD_DEFAULT)), T(r, "report.unit"));
	for (size_t i = 0; i < sizeof(cols) / sizeof(*cols); i++)
		html_printf(o, "<th><abbr title=\"%s\">%s</abbr></th>", T(r, arena_printf(&r->arena, "%s.f", kpi_key(cols[i]))),
			    T(r, kpi_key(cols[i])));
	html_printf(o, "</tr></thead><tbody>");
	for (int u = 0; u < d.units.n; u++) {
		if (strcmp(d.units.u[u].kind, "company"))
			continue;
		struct kpi k;
		kpi_rollup(&d.units, d.units.u[u].path, &k);
		html_printf(o, "<tr><th scope=\"row\"><a href=\"/dashboard?unit=%D\">%s</a></th>", d.units.u[u].id,
			    d.units.u[u].name);
		for (size_t i = 0; i < sizeof(cols) / sizeof(*cols); i++) {
			char v[32];
			kpi_format(cols[i], &k, NULL, v, sizeof(v));
			/* data-label: the figure's name leads it when the row is a card (phones) */
			html_printf(o, "<td class=\"num\" data-label=\"%s\">%s</td>", T(r, kpi_key(cols[i])), v);
		}
		html_printf(o, "</tr>");
	}
	html_printf(o, "</tbody></table></div></section>");
	dash_free(&d);
}

void report_home_panel(struct req *r)
{
	struct strbuf *o = &r->out;
	if (auth_has(r, "report.view")) {
		char *kind = NULL;
		db_get_text(r->db, &kind, "SELECT kind FROM units WHERE id = ?", "I", r->who->unit_id);
		int group = kind && !strcmp(kind, "group") && !strcmp(r->who->scope, "company");
		free(kind);
		if (group)
			group_panel(r, o);
		else if (!strcmp(r->who->scope, "company"))
			plant_panel(r, o);
		else
			director_panel(r, o);
	} else if (auth_has(r, "hazard.handle")) {
		team_panel(r, o);
	} else if (auth_has_any(r, "hazard.rectify hazard.report")) {
		worker_panel(r, o);
	}
}
