/*
 * charts.c — the data behind each dashboard chart, as a `struct chart` (report.h).
 *
 * Each query counts hazards of the dashboard's unit subtree in the caller's data scope, the
 * same filter as kpi.c, and each item carries the link of the hazard list filtered to exactly
 * those records (hazard_web.c's parameters: unit_id, status, from/to, closed_from/closed_to,
 * category_id, factor, area_id, repeat), so a click on a bar shows the hazards it counts.
 * "valid" means every status but cancelled, as the KPIs count.
 */
#include "report/report.h"
#include "base/clock.h"
#include "db/db.h"
#include "web/i18n.h"

#include <stdio.h>
#include <string.h>

#define IN_SCOPE " h.unit_id IN (SELECT id FROM units WHERE path LIKE ?1 AND path LIKE ?2)" \
		 " AND (?3 = 0 OR h.reporter_id = ?3)"
#define OPEN "('reported', 'assigned', 'planning', 'plan_review', 'rectifying', 'verifying')"

static const char *day(struct req *r, int64_t t)
{
	char buf[16];
	kpi_format_day(t, buf, sizeof(buf));
	return arena_strdup(&r->arena, buf);
}

static struct chart_item *items(struct req *r, int n)
{
	return arena_alloc(&r->arena, (size_t)(n > 0 ? n : 1) * sizeof(struct chart_item));
}

static int zh(struct req *r)
{
	return strcmp(r->lang, "en") != 0;
}

void chart_trend(struct req *r, const struct dash *d, int days, struct chart *c)
{
	memset(c, 0, sizeof(*c));
	c->kind = CHART_COLUMNS;
	c->id = days == 7 ? "trend7" : "trend30";
	c->title = T(r, days == 7 ? "report.chart.trend7" : "report.chart.trend30");
	c->x_label = T(r, "report.axis.day");
	c->y_label = T(r, "report.axis.hazards");
	c->unit = T(r, "report.unit.items");
	c->series[0] = T(r, "report.series.reported");
	c->series[1] = T(r, "report.series.closed");
	c->nseries = 2;
	c->note = T(r, "report.note.trend");
	/* the last `days` days of the period, not past today; days <= 0: the whole period, day
	 * by day (the monthly report), days still to come left empty */
	int64_t end = kpi_day_start(clock_now()) + 86400, start;
	if (days <= 0) {
		start = d->from;
		end = d->to;
		days = (int)((end - start) / 86400);
		if (days < 1 || days > 400)
			days = 1;
		c->id = "trend-period";
	} else {
		if (d->to < end)
			end = d->to;
		start = end - (int64_t)days * 86400;
	}
	c->n = days;
	c->items = items(r, days);
	for (int i = 0; i < days; i++) {
		int64_t t = start + (int64_t)i * 86400;
		char lbl[8];
		clock_format(t, "%m-%d", lbl, sizeof(lbl));
		c->items[i].label = arena_strdup(&r->arena, lbl);
		const char *ds = day(r, t);
		c->items[i].href[0] = arena_printf(&r->arena, "/hazards?unit_id=%lld&status=valid&from=%s&to=%s",
						   (long long)d->unit_id, ds, ds);
		c->items[i].href[1] = arena_printf(&r->arena, "/hazards?unit_id=%lld&status=closed&closed_from=%s&closed_to=%s",
						   (long long)d->unit_id, ds, ds);
	}
	const struct kpi_scope *s = &d->scope;
	sqlite3_stmt *st = db_query(r->db,
		"SELECT (h.reported_at - ?4) / 86400, count(*) FROM hazards h WHERE h.reported_at >= ?4"
		" AND h.reported_at < ?5 AND h.status <> 'cancelled' AND" IN_SCOPE " GROUP BY 1",
		"ttIII", s->subtree, s->allowed, s->owner, start, end);
	while (st && db_step(st) == 1) {
		int64_t i = db_col_i64(st, 0);
		if (i >= 0 && i < days)
			c->items[i].v[0] = (double)db_col_i64(st, 1);
	}
	db_done(r->db, st);
	st = db_query(r->db,
		"SELECT (h.closed_at - ?4) / 86400, count(*) FROM hazards h WHERE h.closed_at >= ?4"
		" AND h.closed_at < ?5 AND h.status = 'closed' AND" IN_SCOPE " GROUP BY 1",
		"ttIII", s->subtree, s->allowed, s->owner, start, end);
	while (st && db_step(st) == 1) {
		int64_t i = db_col_i64(st, 0);
		if (i >= 0 && i < days)
			c->items[i].v[1] = (double)db_col_i64(st, 1);
	}
	db_done(r->db, st);
}

static void bars_head(struct req *r, struct chart *c, const char *id, const char *title_key)
{
	memset(c, 0, sizeof(*c));
	c->kind = CHART_BARS;
	c->id = id;
	c->title = T(r, title_key);
	c->x_label = T(r, "report.axis.hazards");
	c->unit = T(r, "report.unit.items");
	c->series[0] = T(r, "report.series.reported");
	c->nseries = 1;
}

void chart_categories(struct req *r, const struct dash *d, struct chart *c)
{
	bars_head(r, c, "category", "report.chart.category");
	c->y_label = T(r, "report.axis.category");
	c->note = T(r, "report.note.period");
	int64_t n = 0;
	db_get_i64(r->db, &n, "SELECT count(*) FROM hazard_categories", NULL);
	c->items = items(r, (int)n);
	const struct kpi_scope *s = &d->scope;
	sqlite3_stmt *st = db_query(r->db,
		"SELECT k.id, k.name_zh, k.name_en, coalesce(x.n, 0) FROM hazard_categories k LEFT JOIN"
		" (SELECT h.category_id AS cid, count(*) AS n FROM hazards h WHERE h.reported_at >= ?4"
		"  AND h.reported_at < ?5 AND h.status <> 'cancelled' AND" IN_SCOPE " GROUP BY h.category_id) x"
		" ON x.cid = k.id ORDER BY 4 DESC, k.sort, k.id",
		"ttIII", s->subtree, s->allowed, s->owner, d->from, d->to);
	const char *lq = dash_list_query(r, d);
	while (st && db_step(st) == 1 && c->n < n) {
		struct chart_item *it = &c->items[c->n++];
		it->label = arena_strdup(&r->arena, db_col_text(st, zh(r) ? 1 : 2));
		it->v[0] = (double)db_col_i64(st, 3);
		it->href[0] = arena_printf(&r->arena, "/hazards?%s&status=valid&category_id=%lld", lq,
					   (long long)db_col_i64(st, 0));
	}
	db_done(r->db, st);
}

void chart_factors(struct req *r, const struct dash *d, struct chart *c)
{
	bars_head(r, c, "factor", "report.chart.factor");
	c->y_label = T(r, "report.axis.factor");
	c->note = T(r, "report.note.factor");
	c->items = items(r, 5);
	const struct kpi_scope *s = &d->scope;
	const char *lq = dash_list_query(r, d);
	/* the four classes of GB/T 13861-2022 (a code's first digit), then the unclassified */
	sqlite3_stmt *st = db_query(r->db, "SELECT code, name_zh, name_en FROM hazard_factors WHERE parent = ''"
					   " ORDER BY code LIMIT 4", NULL);
	while (st && db_step(st) == 1 && c->n < 4) {
		struct chart_item *it = &c->items[c->n++];
		it->label = arena_strdup(&r->arena, db_col_text(st, zh(r) ? 1 : 2));
		it->href[0] = arena_printf(&r->arena, "/hazards?%s&status=valid&factor=%s", lq, db_col_text(st, 0));
		it->risk = db_col_text(st, 0)[0];	/* the class digit, matched below */
	}
	db_done(r->db, st);
	struct chart_item *none = &c->items[c->n++];
	none->label = T(r, "report.factor.none");
	st = db_query(r->db,
		"SELECT coalesce(substr(h.factor_code, 1, 1), ''), count(*) FROM hazards h WHERE h.reported_at >= ?4"
		" AND h.reported_at < ?5 AND h.status <> 'cancelled' AND" IN_SCOPE " GROUP BY 1",
		"ttIII", s->subtree, s->allowed, s->owner, d->from, d->to);
	while (st && db_step(st) == 1) {
		const char *cls = db_col_text(st, 0);
		struct chart_item *it = none;
		for (int i = 0; i < c->n - 1; i++)
			if (*cls && c->items[i].risk == cls[0])
				it = &c->items[i];
		it->v[0] += (double)db_col_i64(st, 1);
	}
	db_done(r->db, st);
	for (int i = 0; i < c->n; i++)
		c->items[i].risk = 0;
}

void chart_areas(struct req *r, const struct dash *d, struct chart *c, int max)
{
	memset(c, 0, sizeof(*c));
	c->kind = CHART_HEAT;
	c->id = "areas";
	c->title = T(r, "report.chart.areas");
	c->unit = T(r, "report.unit.items");
	c->note = T(r, "report.note.areas");
	c->items = items(r, max);
	const struct kpi_scope *s = &d->scope;
	/* areas with open hazards first (most first), then quiet areas of the subtree */
	sqlite3_stmt *st = db_query(r->db,
		"SELECT a.id, a.name, coalesce(o.n, 0), coalesce(o.major, 0), coalesce(o.overdue, 0) FROM areas a"
		" LEFT JOIN (SELECT h.area_id AS area_id, count(*) AS n, max(CASE WHEN h.level = 'major' THEN 1 ELSE 0 END) AS major,"
		"  max(h.overdue) AS overdue FROM hazards h WHERE h.status IN " OPEN " AND" IN_SCOPE
		"  GROUP BY h.area_id) o ON o.area_id = a.id"
		" WHERE a.active = 1 AND a.unit_id IN (SELECT id FROM units WHERE path LIKE ?1 AND path LIKE ?2)"
		" ORDER BY 3 DESC, a.name LIMIT ?4",
		"ttIi", s->subtree, s->allowed, s->owner, max);
	while (st && db_step(st) == 1 && c->n < max) {
		struct chart_item *it = &c->items[c->n++];
		int64_t n = db_col_i64(st, 2);
		it->label = arena_strdup(&r->arena, db_col_text(st, 1));
		it->v[0] = (double)n;
		/* the colour: 红 an open major hazard, 橙 an overdue one, 黄 any open, 蓝 none */
		it->risk = db_col_i64(st, 3) ? 3 : db_col_i64(st, 4) ? 2 : n ? 1 : 0;
		it->href[0] = arena_printf(&r->arena, "/hazards?unit_id=%lld&status=open&area_id=%lld",
					   (long long)d->unit_id, (long long)db_col_i64(st, 0));
	}
	db_done(r->db, st);
}

void chart_repeats(struct req *r, const struct dash *d, struct chart *c)
{
	bars_head(r, c, "repeats", "report.chart.repeats");
	c->y_label = T(r, "report.axis.place_category");
	c->note = T(r, "report.note.repeats");
	c->items = items(r, 5);
	const struct kpi_scope *s = &d->scope;
	const char *lq = dash_list_query(r, d);
	sqlite3_stmt *st = db_query(r->db,
		"SELECT x.area_id, x.category_id, x.n, a.name, k.name_zh, k.name_en FROM"
		" (SELECT h.area_id AS area_id, h.category_id AS category_id, count(*) AS n FROM hazards h"
		"  WHERE h.reported_at >= ?4 AND h.reported_at < ?5 AND h.repeat_of IS NOT NULL"
		"  AND h.status <> 'cancelled' AND" IN_SCOPE " GROUP BY h.area_id, h.category_id) x"
		" JOIN areas a ON a.id = x.area_id JOIN hazard_categories k ON k.id = x.category_id"
		" ORDER BY x.n DESC, a.name, k.sort LIMIT 5",
		"ttIII", s->subtree, s->allowed, s->owner, d->from, d->to);
	while (st && db_step(st) == 1 && c->n < 5) {
		struct chart_item *it = &c->items[c->n++];
		it->label = arena_printf(&r->arena, "%s · %s", db_col_text(st, 3), db_col_text(st, zh(r) ? 4 : 5));
		it->v[0] = (double)db_col_i64(st, 2);
		it->href[0] = arena_printf(&r->arena, "/hazards?%s&status=valid&repeat=1&area_id=%lld&category_id=%lld",
					   lq, (long long)db_col_i64(st, 0), (long long)db_col_i64(st, 1));
	}
	db_done(r->db, st);
}

void chart_participation(struct req *r, const struct dash *d, struct chart *c)
{
	memset(c, 0, sizeof(*c));
	c->kind = CHART_GAUGE;
	c->id = "participation";
	c->title = T(r, "report.chart.participation");
	c->unit = "%";
	c->note = T(r, "report.kpi.participation.f");
	c->items = items(r, 1);
	c->n = 1;
	c->items[0].label = arena_printf(&r->arena, "%lld / %lld", (long long)d->k.reporters, (long long)d->k.people);
	double v = 0;
	c->items[0].v[0] = kpi_value(KPI_PARTICIPATION, &d->k, NULL, &v) ? v : -1;
	c->items[0].href[0] = arena_printf(&r->arena, "/hazards?%s&status=valid", dash_list_query(r, d));
}
