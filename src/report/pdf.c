/*
 * pdf.c — the monthly safety report as PDF, drawn on the server with cairo and pango.
 *
 * Why cairo and not the page's SVG through librsvg: the SVG takes its colours from the page's
 * stylesheet (classes), which librsvg would not see, and it carries links and tooltips that
 * mean nothing on paper. Drawing the same `struct chart` data with cairo is a page of code,
 * needs no further library, and lets the PDF use hatching and greys that print in black and
 * white. Text goes through pango with the Noto CJK fonts (fonts-noto-cjk), so Chinese is
 * shaped and embedded, never boxes.
 *
 * A4 portrait, 595 × 842 pt, 40 pt margins; the writer moves down the page and starts a new
 * page when the next block does not fit.
 */
#include "report/report.h"
#include "accident/accident.h"
#include "check/check.h"
#include "train/train.h"
#include "base/clock.h"
#include "db/db.h"
#include "web/page.h"
#include "web/i18n.h"
#include "web/pdfdoc.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define PAGE_W 595.0
#define PAGE_H 842.0
#define MARGIN 40.0

struct pdf {
	struct req *r;
	cairo_t *cr;
	double y;
	int page;
};

/* Text at (x, y) in the shared PDF layer (web/pdfdoc.c); returns its height. */
static double text(struct pdf *p, double x, double y, const char *s, double size, int bold, double width,
		   int align_right)
{
	return pdfdoc_text(p->cr, x, y, s, size, bold, width, align_right);
}

static void footer(struct pdf *p)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "— %d —", p->page);
	cairo_set_source_rgb(p->cr, 0.4, 0.4, 0.4);
	text(p, MARGIN, PAGE_H - 28, buf, 8, 0, PAGE_W - 2 * MARGIN, 0);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
}

/* Make room for `h` points: a new page when it does not fit. */
static void need(struct pdf *p, double h)
{
	if (p->y + h <= PAGE_H - MARGIN - 10)
		return;
	footer(p);
	cairo_show_page(p->cr);
	p->page++;
	p->y = MARGIN;
}

static void heading(struct pdf *p, const char *s)
{
	need(p, 200);	/* a heading never ends a page: it keeps the start of its block */
	p->y += 8;
	p->y += text(p, MARGIN, p->y, s, 13, 1, 0, 0) + 6;
}

static const char *num(struct req *r, double v)
{
	return v == floor(v) ? arena_printf(&r->arena, "%lld", (long long)v) : arena_printf(&r->arena, "%.1f", v);
}

/* The hatch of the second series, as on the page. */
static void hatch(cairo_t *cr, double x, double y, double w, double h)
{
	cairo_save(cr);
	cairo_rectangle(cr, x, y, w, h);
	cairo_clip(cr);
	cairo_set_line_width(cr, 0.6);
	for (double k = -h; k < w; k += 3)
		cairo_move_to(cr, x + k, y + h), cairo_line_to(cr, x + k + h, y);
	cairo_stroke(cr);
	cairo_restore(cr);
	cairo_set_line_width(cr, 0.6);
	cairo_rectangle(cr, x, y, w, h);
	cairo_stroke(cr);
}

static void columns(struct pdf *p, const struct chart *c)
{
	double w = PAGE_W - 2 * MARGIN, h = 190, left = 36, top = 24, bottom = 30;
	need(p, h + 20);
	double x0 = MARGIN, y0 = p->y, pw = w - left - 6, ph = h - top - bottom;
	double max = 0;
	for (int i = 0; i < c->n; i++)
		for (int s = 0; s < c->nseries; s++)
			if (c->items[i].v[s] > max)
				max = c->items[i].v[s];
	double top_v = max <= 4 ? 4 : ceil(max / 4) * 4;
	text(p, x0, y0, c->title, 10, 1, 0, 0);
	/* legend */
	for (int s = 0; s < c->nseries; s++) {
		double lx = x0 + w - 200 + s * 100;
		if (s == 0) {
			cairo_set_source_rgb(p->cr, 0.25, 0.25, 0.25);
			cairo_rectangle(p->cr, lx, y0 + 3, 10, 10);
			cairo_fill(p->cr);
		} else {
			cairo_set_source_rgb(p->cr, 0, 0, 0);
			hatch(p->cr, lx, y0 + 3, 10, 10);
		}
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		text(p, lx + 14, y0, c->series[s], 8, 0, 0, 0);
	}
	for (int g = 0; g <= 4; g++) {
		double y = y0 + top + ph - ph * g / 4;
		cairo_set_source_rgb(p->cr, 0.8, 0.8, 0.8);
		cairo_set_line_width(p->cr, 0.4);
		cairo_move_to(p->cr, x0 + left, y);
		cairo_line_to(p->cr, x0 + left + pw, y);
		cairo_stroke(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		text(p, x0, y - 6, num(p->r, top_v * g / 4), 7, 0, left - 4, 1);
	}
	double gw = c->n ? pw / c->n : pw, bw = gw * 0.8 / (c->nseries ? c->nseries : 1);
	for (int i = 0; i < c->n; i++) {
		double gx = x0 + left + gw * i + gw * 0.1;
		for (int s = 0; s < c->nseries; s++) {
			double bh = ph * c->items[i].v[s] / top_v, bx = gx + s * bw, by = y0 + top + ph - bh;
			if (bh <= 0)
				continue;
			if (s == 0) {
				cairo_set_source_rgb(p->cr, 0.25, 0.25, 0.25);
				cairo_rectangle(p->cr, bx, by, bw * 0.9, bh);
				cairo_fill(p->cr);
			} else {
				cairo_set_source_rgb(p->cr, 0, 0, 0);
				hatch(p->cr, bx, by, bw * 0.9, bh);
			}
		}
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		if (c->n <= 14 || i % 5 == 0)
			text(p, gx - 4, y0 + top + ph + 3, c->items[i].label, 6.5, 0, 0, 0);
	}
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	text(p, x0 + left + pw / 2 - 20, y0 + h - 12, arena_printf(&p->r->arena, "%s · %s（%s）", c->x_label, c->y_label,
								     c->unit), 7.5, 0, 0, 0);
	p->y += h + 6;
}

static void bars(struct pdf *p, const struct chart *c, double x0, double w)
{
	double row = 16, label = 150, y0 = p->y;
	double max = 0;
	for (int i = 0; i < c->n; i++)
		if (c->items[i].v[0] > max)
			max = c->items[i].v[0];
	if (max <= 0)
		max = 1;
	text(p, x0, y0, c->title, 10, 1, 0, 0);
	y0 += 18;
	for (int i = 0; i < c->n; i++) {
		double y = y0 + i * row, bw = (w - label - 40) * c->items[i].v[0] / max;
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		text(p, x0, y + 1, c->items[i].label, 7.5, 0, label - 6, 0);
		cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
		cairo_rectangle(p->cr, x0 + label, y + 3, bw, row - 6);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		text(p, x0 + label + bw + 4, y + 1, num(p->r, c->items[i].v[0]), 7.5, 0, 0, 0);
	}
	if (!c->n)
		text(p, x0, y0, "—", 8, 0, 0, 0);
	text(p, x0 + label, y0 + (c->n ? c->n : 1) * row + 2, arena_printf(&p->r->arena, "%s（%s）", c->x_label, c->unit),
	     7, 0, 0, 0);
}

/* Two bar charts side by side. */
static void bars_pair(struct pdf *p, const struct chart *a, const struct chart *b)
{
	int n = a->n > b->n ? a->n : b->n;
	double h = 18 + (n ? n : 1) * 16 + 22;
	need(p, h);
	double w = (PAGE_W - 2 * MARGIN - 20) / 2;
	bars(p, a, MARGIN, w);
	bars(p, b, MARGIN + w + 20, w);
	p->y += h + 6;
}

/* A table: column widths in points; with `header`, row 0 is the header; bit c of `right`
 * marks column c as numbers, right-aligned; `lines` text lines per row. */
static void table(struct pdf *p, int cols, const double *widths, const char **cells, int rows, int header,
		  unsigned right, int lines)
{
	double rh = 6 + 10.5 * lines;
	for (int row = 0; row < rows; row++) {
		need(p, rh + 2);
		double x = MARGIN;
		int head = header && row == 0;
		if (head) {
			cairo_set_source_rgb(p->cr, 0.9, 0.9, 0.9);
			cairo_rectangle(p->cr, MARGIN, p->y - 1, PAGE_W - 2 * MARGIN, rh);
			cairo_fill(p->cr);
		}
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		for (int c = 0; c < cols; c++) {
			const char *v = cells[row * cols + c];
			text(p, x + 2, p->y + 2, v ? v : "", 7.5, head, widths[c] - 6, ((right >> c) & 1) && !head);
			x += widths[c];
		}
		cairo_set_source_rgb(p->cr, 0.75, 0.75, 0.75);
		cairo_set_line_width(p->cr, 0.3);
		cairo_move_to(p->cr, MARGIN, p->y + rh - 1);
		cairo_line_to(p->cr, PAGE_W - MARGIN, p->y + rh - 1);
		cairo_stroke(p->cr);
		cairo_set_source_rgb(p->cr, 0, 0, 0);
		p->y += rh;
	}
	p->y += 4;
}

static const char *fmt(struct req *r, enum kpi_id id, const struct kpi *k, const struct kpi *base)
{
	char buf[32];
	kpi_format(id, k, base, buf, sizeof(buf));
	return arena_strdup(&r->arena, buf);
}

static void render(struct req *r, const struct dash *d, const char *month, cairo_t *cr);

/* The drawing lock, surface and fonts are the shared PDF layer's (web/pdfdoc.c). */
int pdf_monthly(struct req *r, const struct dash *d, const char *month, struct strbuf *out)
{
	struct pdfdoc doc;
	if (pdfdoc_open(&doc, out, PAGE_W, PAGE_H,
			arena_printf(&r->arena, "%s %s %s", T(r, "report.monthly"), d->unit_name, month), T(r, "app.name")))
		return -1;
	render(r, d, month, doc.cr);
	return pdfdoc_close(&doc, out);
}

static void render(struct req *r, const struct dash *d, const char *month, cairo_t *cr)
{
	struct pdf p = {r, cr, MARGIN, 1};
	cairo_set_source_rgb(p.cr, 0, 0, 0);
	p.y += text(&p, MARGIN, p.y, arena_printf(&r->arena, "%s · %s", d->unit_name, T(r, "report.monthly")), 18, 1, 0, 0);
	char a[16], b[16], now[32];
	kpi_format_day(d->from, a, sizeof(a));
	kpi_format_day(d->to - 1, b, sizeof(b));
	clock_format(clock_now(), "%Y-%m-%d %H:%M", now, sizeof(now));
	p.y += text(&p, MARGIN, p.y + 4, arena_printf(&r->arena, "%s %s ~ %s · %s %s", T(r, "report.period"), a, b,
						      T(r, "report.generated"), now), 9, 0, 0, 0) + 8;

	/* 1. KPIs */
	heading(&p, arena_printf(&r->arena, "1. %s", T(r, "report.kpis")));
	const char **cells = arena_alloc(&r->arena, (size_t)(KPI_COUNT + 1) * 4 * sizeof(*cells));
	cells[0] = T(r, "report.kpi");
	cells[1] = month;
	cells[2] = T(r, "report.baseline");
	cells[3] = T(r, "report.formula");
	for (int i = 0; i < KPI_COUNT; i++) {
		cells[(i + 1) * 4] = T(r, kpi_key(i));
		cells[(i + 1) * 4 + 1] = fmt(r, i, &d->k, &d->base);
		cells[(i + 1) * 4 + 2] = i == KPI_COMPRESSION ? "" : fmt(r, i, &d->base, NULL);
		cells[(i + 1) * 4 + 3] = T(r, arena_printf(&r->arena, "%s.f", kpi_key(i)));
	}
	static const double kw[4] = {110, 60, 60, 285};
	cairo_set_source_rgb(p.cr, 0, 0, 0);
	/* the formula column wraps: each row has room for two lines */
	table(&p, 4, kw, cells, KPI_COUNT + 1, 1, 0x6, 2);

	/* 2. trend */
	struct chart c, c2;
	heading(&p, arena_printf(&r->arena, "2. %s", T(r, "report.trend_month")));
	chart_trend(r, d, 0, &c);
	c.title = T(r, "report.trend_month");
	columns(&p, &c);

	/* 3. distribution */
	heading(&p, arena_printf(&r->arena, "3. %s", T(r, "report.distribution")));
	chart_categories(r, d, &c);
	chart_factors(r, d, &c2);
	bars_pair(&p, &c, &c2);

	/* 4. ranking */
	heading(&p, arena_printf(&r->arena, "4. %s", T(r, "report.ranking")));
	struct rank_row *rows;
	int n = dash_rank(r, d, &rows);
	const char **rc = arena_alloc(&r->arena, (size_t)(n + 1) * 7 * sizeof(*rc));
	static const char *const rh[7] = {"report.rank", "report.unit", "report.kpi.reported", "report.kpi.on_time",
					  "report.kpi.closure", "report.kpi.repeat", "report.kpi.overdue"};
	for (int i = 0; i < 7; i++)
		rc[i] = T(r, rh[i]);
	for (int i = 0; i < n; i++) {
		const char **row = rc + (i + 1) * 7;
		row[0] = arena_printf(&r->arena, "%d", i + 1);
		row[1] = rows[i].u->name;
		row[2] = arena_printf(&r->arena, "%lld", (long long)rows[i].k.reported);
		row[3] = fmt(r, KPI_ON_TIME, &rows[i].k, NULL);
		row[4] = fmt(r, KPI_CLOSURE, &rows[i].k, NULL);
		row[5] = fmt(r, KPI_REPEAT, &rows[i].k, NULL);
		row[6] = arena_printf(&r->arena, "%lld", (long long)rows[i].k.overdue_open);
	}
	static const double rw[7] = {24, 161, 60, 70, 70, 65, 65};
	table(&p, 7, rw, rc, n + 1, 1, 0x7c, 1);

	/* 5. top problems */
	heading(&p, arena_printf(&r->arena, "5. %s", T(r, "report.top_problems")));
	chart_repeats(r, d, &c);
	chart_areas(r, d, &c2, 8);
	c2.x_label = T(r, "report.open");
	c2.y_label = T(r, "report.area");
	bars_pair(&p, &c, &c2);

	/* 6. open major hazards */
	heading(&p, arena_printf(&r->arena, "6. %s", T(r, "report.major_open")));
	struct db_stmt *st = db_query(r->db,
		"SELECT h.number, h.description, a.name, u.name, h.rectify_due FROM hazards h"
		" JOIN units u ON u.id = h.unit_id JOIN areas a ON a.id = h.area_id"
		" WHERE h.id IN (SELECT o.id FROM hazards o WHERE o.status IN"
		"  ('reported', 'assigned', 'planning', 'plan_review', 'rectifying', 'verifying') AND o.level = 'major'"
		"  AND o.unit_id IN (SELECT id FROM units WHERE path LIKE ?1 AND path LIKE ?2)"
		"  AND (?3 = 0 OR o.reporter_id = ?3)) ORDER BY h.rectify_due, h.id LIMIT 30",
		"ttI", d->scope.subtree, d->scope.allowed, d->scope.owner);
	int m = 0;
	while (st && db_step(st) == 1) {
		const char *row[4] = {db_col_text(st, 0), db_col_text(st, 1),
				      arena_printf(&r->arena, "%s · %s", db_col_text(st, 2), db_col_text(st, 3)),
				      page_time(r, db_col_i64(st, 4))};
		static const double mw[4] = {90, 215, 140, 70};
		const char *cp[4];
		for (int i = 0; i < 4; i++)
			cp[i] = arena_strdup(&r->arena, row[i]);
		table(&p, 4, mw, cp, 1, 0, 0, 2);
		m++;
	}
	db_done(r->db, st);
	if (!m)
		p.y += text(&p, MARGIN, p.y, T(r, "report.no_major"), 9, 0, 0, 0);

	/* 7. check coverage (the check module; 双重预防 排查, DOMAIN.md §7), as the HTML report has it */
	heading(&p, arena_printf(&r->arena, "7. %s", T(r, "check.coverage")));
	const char **cov;
	int nc = check_coverage_cells(r, d->unit_id, d->from, d->to, &cov);
	static const double cw[CHECK_COVERAGE_COLS] = {165, 70, 70, 70, 70, 70};
	if (nc)
		table(&p, CHECK_COVERAGE_COLS, cw, cov, nc, 1, 0x3e, 2);

	/* 8. training hours (the training module), as the HTML report has them */
	struct train_hours th;
	if (!train_hours(r, d->unit_id, d->from, d->to, &th)) {
		heading(&p, arena_printf(&r->arena, "8. %s", T(r, "train.hours_title")));
		p.y += text(&p, MARGIN, p.y, arena_printf(&r->arena, "%s %lld %s · %s %lld · %s %lld", T(r, "train.period_hours"),
			    (long long)th.hours, T(r, "train.hours"), T(r, "train.people_trained"), (long long)th.people,
			    T(r, "train.classes_held"), (long long)th.classes), 10, 0, 0, 0) + 4;
		const char *months[12];
		for (int i = 0; i < 6; i++) {
			months[i] = arena_printf(&r->arena, "%d-%02d", th.month[i] / 100, th.month[i] % 100);
			months[6 + i] = arena_printf(&r->arena, "%lld", (long long)th.month_hours[i]);
		}
		static const double tw[6] = {85, 85, 85, 85, 85, 85};
		table(&p, 6, tw, months, 2, 1, 0, 2);
	}
	/* 9. accident statistics (the accident module), the table the HTML report has */
	const char **acc;
	int na = accident_stats_cells(r, d->unit_id, d->from, d->to, &acc);
	if (na) {
		heading(&p, arena_printf(&r->arena, "9. %s", T(r, "accident.stats")));
		static const double aw[ACCIDENT_STATS_COLS] = {165, 70, 70, 70, 70, 70};
		table(&p, ACCIDENT_STATS_COLS, aw, acc, na, 1, 0x3e, 1);
		p.y += text(&p, MARGIN, p.y, T(r, "accident.ltifr_f"), 8, 0, PAGE_W - 2 * MARGIN, 0) + 4;
	}
	footer(&p);
	cairo_show_page(p.cr);
}
