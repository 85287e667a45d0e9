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
#include "auth/auth.h"
#include "base/clock.h"
#include "db/db.h"
#include "web/i18n.h"

#include <stdio.h>
#include <stdlib.h>
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
	/* the 7-day chart is the end of the 30-day one: reuse its counts when they cover it */
	const struct dash_trend *tr = d->tr;
	if (tr && tr->end == end && tr->start <= start) {
		int off = (int)((start - tr->start) / 86400);
		for (int i = 0; i < days; i++) {
			c->items[i].v[0] = tr->v[0][off + i];
			c->items[i].v[1] = tr->v[1][off + i];
		}
		return;
	}
	const struct kpi_scope *s = &d->scope;
	struct db_stmt *st = db_query_memo(r->db,
		"SELECT (h.reported_at - ?4) / 86400, count(*) FROM hazards h WHERE h.reported_at >= ?4"
		" AND h.reported_at < ?5 AND h.status <> 'cancelled' AND" IN_SCOPE " GROUP BY 1",
		"ttIII", s->subtree, s->allowed, s->owner, start, end);
	while (st && db_step(st) == 1) {
		int64_t i = db_col_i64(st, 0);
		if (i >= 0 && i < days)
			c->items[i].v[0] = (double)db_col_i64(st, 1);
	}
	db_done(r->db, st);
	st = db_query_memo(r->db,
		"SELECT (h.closed_at - ?4) / 86400, count(*) FROM hazards h WHERE h.closed_at >= ?4"
		" AND h.closed_at < ?5 AND h.status = 'closed' AND" IN_SCOPE " GROUP BY 1",
		"ttIII", s->subtree, s->allowed, s->owner, start, end);
	while (st && db_step(st) == 1) {
		int64_t i = db_col_i64(st, 0);
		if (i >= 0 && i < days)
			c->items[i].v[1] = (double)db_col_i64(st, 1);
	}
	db_done(r->db, st);
	struct dash_trend *keep = arena_alloc(&r->arena, sizeof(*keep));
	keep->start = start;
	keep->end = end;
	for (int k = 0; k < 2; k++) {
		keep->v[k] = arena_alloc(&r->arena, (size_t)days * sizeof(double));
		for (int i = 0; i < days; i++)
			keep->v[k][i] = c->items[i].v[k];
	}
	((struct dash *)d)->tr = keep;	/* a cache of the dashboard being drawn */
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

/* The period's hazards grouped by category, factor class and — for repeats only — area: one
 * scan of the covering index serves the category, factor and top-5 repeat charts. */
struct bd_row {
	int64_t category_id, area_id;	/* area_id 0 unless the row counts repeats */
	char fclass;			/* '1'..'4', or 0 unclassified */
	int64_t n;
};
struct dash_breakdown {
	struct bd_row *rows;
	int n;
};

static const struct dash_breakdown *breakdown(struct req *r, const struct dash *d)
{
	if (d->bd)
		return d->bd;
	struct dash_breakdown *bd = arena_alloc(&r->arena, sizeof(*bd));
	int cap = 64;
	bd->rows = arena_alloc(&r->arena, (size_t)cap * sizeof(*bd->rows));
	const struct kpi_scope *s = &d->scope;
	struct db_stmt *st = db_query_memo(r->db,
		"SELECT h.category_id, coalesce(substr(h.factor_code, 1, 1), ''),"
		" CASE WHEN h.repeat_of IS NULL THEN 0 ELSE h.area_id END, count(*) FROM hazards h"
		" WHERE h.reported_at >= ?4 AND h.reported_at < ?5 AND h.status <> 'cancelled' AND" IN_SCOPE
		" GROUP BY 1, 2, 3", "ttIII", s->subtree, s->allowed, s->owner, d->from, d->to);
	while (st && db_step(st) == 1) {
		if (bd->n == cap) {
			struct bd_row *more = arena_alloc(&r->arena, (size_t)cap * 2 * sizeof(*more));
			memcpy(more, bd->rows, (size_t)cap * sizeof(*more));
			bd->rows = more;
			cap *= 2;
		}
		struct bd_row *row = &bd->rows[bd->n++];
		row->category_id = db_col_i64(st, 0);
		row->fclass = db_col_text(st, 1)[0];
		row->area_id = db_col_i64(st, 2);
		row->n = db_col_i64(st, 3);
	}
	db_done(r->db, st);
	((struct dash *)d)->bd = bd;	/* a cache of the dashboard being drawn */
	return bd;
}

void chart_categories(struct req *r, const struct dash *d, struct chart *c)
{
	bars_head(r, c, "category", "report.chart.category");
	c->y_label = T(r, "report.axis.category");
	c->note = T(r, "report.note.period");
	const struct dash_breakdown *bd = breakdown(r, d);
	int64_t n = 0;
	db_get_i64(r->db, &n, "SELECT count(*) FROM hazard_categories", NULL);
	c->items = items(r, (int)n);
	int64_t *ids = arena_alloc(&r->arena, (size_t)(n ? n : 1) * sizeof(*ids));
	struct db_stmt *st = db_query(r->db, "SELECT id, name_zh, name_en FROM hazard_categories ORDER BY sort, id", NULL);
	const char *lq = dash_list_query(r, d);
	while (st && db_step(st) == 1 && c->n < n) {
		struct chart_item *it = &c->items[c->n];
		ids[c->n++] = db_col_i64(st, 0);
		it->label = arena_strdup(&r->arena, db_col_text(st, zh(r) ? 1 : 2));
		it->href[0] = arena_printf(&r->arena, "/hazards?%s&status=valid&category_id=%lld", lq,
					   (long long)db_col_i64(st, 0));
	}
	db_done(r->db, st);
	for (int k = 0; k < bd->n; k++)
		for (int i = 0; i < c->n; i++)
			if (ids[i] == bd->rows[k].category_id)
				c->items[i].v[0] += (double)bd->rows[k].n;
	/* most first; ties keep the catalogue's order (a stable insertion sort of ≤ 20 rows) */
	for (int i = 1; i < c->n; i++)
		for (int j = i; j > 0 && c->items[j].v[0] > c->items[j - 1].v[0]; j--) {
			struct chart_item t = c->items[j];
			c->items[j] = c->items[j - 1];
			c->items[j - 1] = t;
		}
}

void chart_factors(struct req *r, const struct dash *d, struct chart *c)
{
	bars_head(r, c, "factor", "report.chart.factor");
	c->y_label = T(r, "report.axis.factor");
	c->note = T(r, "report.note.factor");
	c->items = items(r, 5);
	const char *lq = dash_list_query(r, d);
	const struct dash_breakdown *bd = breakdown(r, d);
	char cls[5] = {0};
	/* the four classes of GB/T 13861-2022 (a code's first digit), then the unclassified */
	struct db_stmt *st = db_query(r->db, "SELECT code, name_zh, name_en FROM hazard_factors WHERE parent = ''"
					   " ORDER BY code LIMIT 4", NULL);
	while (st && db_step(st) == 1 && c->n < 4) {
		struct chart_item *it = &c->items[c->n];
		cls[c->n++] = db_col_text(st, 0)[0];
		it->label = arena_strdup(&r->arena, db_col_text(st, zh(r) ? 1 : 2));
		it->href[0] = arena_printf(&r->arena, "/hazards?%s&status=valid&factor=%s", lq, db_col_text(st, 0));
	}
	db_done(r->db, st);
	struct chart_item *none = &c->items[c->n++];
	none->label = T(r, "report.factor.none");
	for (int k = 0; k < bd->n; k++) {
		struct chart_item *it = none;
		for (int i = 0; i < c->n - 1; i++)
			if (bd->rows[k].fclass && cls[i] == bd->rows[k].fclass)
				it = &c->items[i];
		it->v[0] += (double)bd->rows[k].n;
	}
}

struct area_open {
	int64_t area_id, n, major, overdue;
};

void chart_areas(struct req *r, const struct dash *d, struct chart *c, int max)
{
	memset(c, 0, sizeof(*c));
	c->kind = CHART_HEAT;
	c->id = "areas";
	c->title = T(r, "report.chart.areas");
	c->unit = T(r, "report.unit.items");
	c->note = T(r, "report.note.areas");
	const struct kpi_scope *s = &d->scope;
	/* open hazards by area (one pass of hazards_open_kpi); joined to the areas here rather
	 * than in SQL, where the join would be pushed into the grouping once per area. Grouped
	 * by unit first and summed per area here: grouped by area alone, SQLite read them by
	 * hazards_closed_kpi (status, unit_id, …), which lacks level, overdue and area_id, so a
	 * table row per open hazard (120–180 ms at a million hazards; 2 ms from the index). */
	int64_t na = 0;
	db_get_i64(r->db, &na, "SELECT count(*) FROM areas", NULL);
	struct area_open *open = arena_alloc(&r->arena, (size_t)(na > 0 ? na : 1) * sizeof(*open));
	int no = 0;
	struct db_stmt *st = db_query_memo(r->db,
		"SELECT h.area_id, count(*), max(CASE WHEN h.level = 'major' THEN 1 ELSE 0 END), max(h.overdue)"
		" FROM hazards h WHERE h.status IN " OPEN " AND" IN_SCOPE " GROUP BY h.unit_id, h.area_id",
		"ttI", s->subtree, s->allowed, s->owner);
	while (st && db_step(st) == 1) {
		int64_t id = db_col_i64(st, 0);
		int k = 0;
		while (k < no && open[k].area_id != id)
			k++;
		if (k == no) {
			if (no >= na)
				continue;
			memset(&open[no++], 0, sizeof(*open));
			open[k].area_id = id;
		}
		open[k].n += db_col_i64(st, 1);
		open[k].major |= db_col_i64(st, 2);
		open[k].overdue |= db_col_i64(st, 3);
	}
	db_done(r->db, st);
	/* all areas of the subtree by name; those with open hazards first, most first */
	struct chart_item *all = items(r, (int)na);
	int n = 0;
	st = db_query(r->db, "SELECT id, name FROM areas WHERE active = 1 AND unit_id IN"
			     " (SELECT id FROM units WHERE path LIKE ?1 AND path LIKE ?2) ORDER BY name, id",
		      "tt", s->subtree, s->allowed);
	while (st && db_step(st) == 1 && n < na) {
		struct chart_item *it = &all[n++];
		int64_t id = db_col_i64(st, 0);
		it->label = arena_strdup(&r->arena, db_col_text(st, 1));
		it->href[0] = arena_printf(&r->arena, "/hazards?unit_id=%lld&status=open&area_id=%lld",
					   (long long)d->unit_id, (long long)id);
		for (int k = 0; k < no; k++)
			if (open[k].area_id == id) {
				it->v[0] = (double)open[k].n;
				/* the colour: 红 an open major hazard, 橙 an overdue one, 黄 any open, 蓝 none */
				it->risk = open[k].major ? 3 : open[k].overdue ? 2 : 1;
			}
	}
	db_done(r->db, st);
	for (int a = 1; a < n; a++)	/* stable: equal counts keep the order by name */
		for (int b = a; b > 0 && all[b].v[0] > all[b - 1].v[0]; b--) {
			struct chart_item t = all[b];
			all[b] = all[b - 1];
			all[b - 1] = t;
		}
	c->items = all;
	c->n = n < max ? n : max;
}

void chart_repeats(struct req *r, const struct dash *d, struct chart *c)
{
	bars_head(r, c, "repeats", "report.chart.repeats");
	c->y_label = T(r, "report.axis.place_category");
	c->note = T(r, "report.note.repeats");
	c->items = items(r, 5);
	const char *lq = dash_list_query(r, d);
	const struct dash_breakdown *bd = breakdown(r, d);
	/* sum the repeat rows by area × category (over factor classes), keep the five largest */
	struct { int64_t area, cat, n; } top[5];
	int nt = 0;
	for (int k = 0; k < bd->n; k++) {
		if (!bd->rows[k].area_id)
			continue;
		int64_t a = bd->rows[k].area_id, cat = bd->rows[k].category_id, n = 0;
		int seen = 0;
		for (int j = 0; j < k && !seen; j++)
			seen = bd->rows[j].area_id == a && bd->rows[j].category_id == cat;
		if (seen)
			continue;
		for (int j = k; j < bd->n; j++)
			if (bd->rows[j].area_id == a && bd->rows[j].category_id == cat)
				n += bd->rows[j].n;
		int pos = nt;
		while (pos > 0 && (top[pos - 1].n < n || (top[pos - 1].n == n && top[pos - 1].area > a)))
			pos--;
		if (pos >= 5)
			continue;
		if (nt < 5)
			nt++;
		for (int j = nt - 1; j > pos; j--)
			top[j] = top[j - 1];
		top[pos].area = a;
		top[pos].cat = cat;
		top[pos].n = n;
	}
	for (int i = 0; i < nt; i++) {
		char *area = NULL, *cat = NULL;
		db_get_text(r->db, &area, "SELECT name FROM areas WHERE id = ?", "I", top[i].area);
		db_get_text(r->db, &cat, zh(r) ? "SELECT name_zh FROM hazard_categories WHERE id = ?"
					       : "SELECT name_en FROM hazard_categories WHERE id = ?", "I", top[i].cat);
		struct chart_item *it = &c->items[c->n++];
		it->label = arena_printf(&r->arena, "%s · %s", area ? area : "", cat ? cat : "");
		it->v[0] = (double)top[i].n;
		it->href[0] = arena_printf(&r->arena, "/hazards?%s&status=valid&repeat=1&area_id=%lld&category_id=%lld",
					   lq, (long long)top[i].area, (long long)top[i].cat);
		free(area);
		free(cat);
	}
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

struct permit_acc {
	struct req *r;
	struct chart *c;
	int64_t unit_id;
	int max;
};

static void permit_row(void *ctx, const char *type, int64_t n)
{
	struct permit_acc *a = ctx;
	if (a->c->n >= a->max)
		return;
	struct chart_item *it = &a->c->items[a->c->n++];
	it->label = T(a->r, arena_printf(&a->r->arena, "permit.type.%s", type));
	it->v[0] = (double)n;
	it->href[0] = arena_printf(&a->r->arena, "/permits?state=in_progress&type=%s", type);
}

void chart_permits(struct req *r, const struct dash *d, struct chart *c)
{
	bars_head(r, c, "permits", "report.chart.permits");
	c->y_label = T(r, "report.axis.permit_type");
	c->x_label = T(r, "report.axis.permits");
	c->unit = T(r, "report.unit.permits");
	c->series[0] = T(r, "report.kpi.permits_active");
	c->note = T(r, "report.note.permits");
	c->items = items(r, 16);
	struct permit_acc a = {r, c, d->unit_id, 16};
	kpi_permits_by_type(r->db, &d->scope, permit_row, &a);
	if (!auth_has(r, "permit.view"))	/* the numbers, without links to pages they cannot open */
		for (int i = 0; i < c->n; i++)
			c->items[i].href[0] = NULL;
}
