/*
 * export.c — the dashboard's tables as CSV and XLSX (/dashboard/export.csv, .xlsx).
 *
 * Each table (KPIs with their formulas, the unit ranking, the 30-day trend, categories,
 * hazard-factor classes, areas, top repeats) is first built as rows of text cells, then
 * written either as one CSV file (base/csv.h: UTF-8 with a BOM, RFC 4180, the formula guard)
 * or as one sheet each of a workbook (libxlsxwriter). The hazard list has its
 * own exports (/hazards/export.csv, .xlsx); the drill-down links lead there.
 */
#include "report/report.h"
#include "base/csv.h"
#include "web/i18n.h"
#include "web/xlsx_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

struct table {
	const char *name;	/* the table= value */
	const char *title;	/* the sheet's name */
	int cols, rows;
	const char **cells;	/* rows × cols, row 0 the header */
};

static void table_new(struct req *r, struct table *t, const char *name, const char *title, int cols, int rows)
{
	t->name = name;
	t->title = title;
	t->cols = cols;
	t->rows = rows;
	t->cells = arena_alloc(&r->arena, (size_t)(cols * rows) * sizeof(*t->cells));
}

static void cell(struct table *t, int row, int col, const char *v)
{
	if (row < t->rows && col < t->cols)
		t->cells[row * t->cols + col] = v;
}

static const char *fmt(struct req *r, enum kpi_id id, const struct kpi *k, const struct kpi *base)
{
	char buf[32];
	kpi_format(id, k, base, buf, sizeof(buf));
	return arena_strdup(&r->arena, buf);
}

static const char *num(struct req *r, double v)
{
	return arena_printf(&r->arena, "%lld", (long long)v);
}

static void kpi_table(struct req *r, const struct dash *d, struct table *t)
{
	table_new(r, t, "kpi", T(r, "report.kpis"), 4, KPI_COUNT + 1);
	cell(t, 0, 0, T(r, "report.kpi"));
	cell(t, 0, 1, T(r, "report.formula"));
	cell(t, 0, 2, d->unit_name);
	cell(t, 0, 3, T(r, "report.baseline"));
	for (int i = 0; i < KPI_COUNT; i++) {
		cell(t, i + 1, 0, T(r, kpi_key(i)));
		cell(t, i + 1, 1, T(r, arena_printf(&r->arena, "%s.f", kpi_key(i))));
		cell(t, i + 1, 2, fmt(r, i, &d->k, &d->base));
		cell(t, i + 1, 3, i == KPI_COMPRESSION ? "" : fmt(r, i, &d->base, NULL));
	}
}

static void ranking_table(struct req *r, const struct dash *d, struct table *t)
{
	struct rank_row *rows;
	int n = dash_rank(r, d, &rows);
	static const char *const head[] = {"report.rank", "report.unit", "report.kpi.reported", "report.kpi.on_time",
					   "report.kpi.closure", "report.kpi.repeat", "report.kpi.response",
					   "report.kpi.overdue", "report.baseline"};
	table_new(r, t, "ranking", T(r, "report.ranking"), 9, n + 1);
	for (int c = 0; c < 9; c++)
		cell(t, 0, c, T(r, head[c]));
	for (int i = 0; i < n; i++) {
		cell(t, i + 1, 0, num(r, i + 1));
		cell(t, i + 1, 1, rows[i].u->name);
		cell(t, i + 1, 2, num(r, (double)rows[i].k.reported));
		cell(t, i + 1, 3, fmt(r, KPI_ON_TIME, &rows[i].k, NULL));
		cell(t, i + 1, 4, fmt(r, KPI_CLOSURE, &rows[i].k, NULL));
		cell(t, i + 1, 5, fmt(r, KPI_REPEAT, &rows[i].k, NULL));
		cell(t, i + 1, 6, fmt(r, KPI_RESPONSE, &rows[i].k, NULL));
		cell(t, i + 1, 7, num(r, (double)rows[i].k.overdue_open));
		cell(t, i + 1, 8, fmt(r, KPI_ON_TIME, &rows[i].prev, NULL));
	}
}

/* A chart's data as a table: label and one column per series. */
static void chart_table(struct req *r, const struct chart *c, const char *name, struct table *t)
{
	int ns = c->nseries ? c->nseries : 1;
	table_new(r, t, name, c->title, 1 + ns, c->n + 1);
	cell(t, 0, 0, c->y_label ? c->y_label : c->x_label ? c->x_label : c->title);
	for (int s = 0; s < ns; s++)
		cell(t, 0, 1 + s, c->series[s] ? c->series[s] : c->unit);
	for (int i = 0; i < c->n; i++) {
		cell(t, i + 1, 0, c->items[i].label);
		for (int s = 0; s < ns; s++)
			cell(t, i + 1, 1 + s, num(r, c->items[i].v[s]));
	}
}

#define NTABLES 7

static int build(struct req *r, const struct dash *d, struct table *t)
{
	struct chart c;
	kpi_table(r, d, &t[0]);
	ranking_table(r, d, &t[1]);
	chart_trend(r, d, 30, &c);
	c.y_label = T(r, "report.axis.day");
	chart_table(r, &c, "trend", &t[2]);
	chart_categories(r, d, &c);
	chart_table(r, &c, "category", &t[3]);
	chart_factors(r, d, &c);
	chart_table(r, &c, "factor", &t[4]);
	chart_areas(r, d, &c, 1000);
	c.y_label = T(r, "report.area");
	c.series[0] = T(r, "report.open");
	chart_table(r, &c, "areas", &t[5]);
	chart_repeats(r, d, &c);
	chart_table(r, &c, "repeats", &t[6]);
	return NTABLES;
}

static int load(struct req *r, struct dash *d)
{
	int rc = dash_from_query(r, d);
	if (rc) {
		dash_free(d);
		resp_error(r, rc, rc == 404 ? "not_found" : "unavailable",
			   T(r, rc == 404 ? "error.not_found" : "error.unavailable"), NULL);
	}
	return rc;
}

int report_csv(struct req *r)
{
	struct dash d;
	if (load(r, &d))
		return 0;
	struct table t[NTABLES];
	int n = build(r, &d, t);
	const char *want = req_query(r, "table");
	if (!want || !*want)
		want = "kpi";
	struct table *tb = NULL;
	for (int i = 0; i < n; i++)
		if (!strcmp(t[i].name, want))
			tb = &t[i];
	if (!tb) {
		dash_free(&d);
		resp_error(r, 400, "invalid", T(r, "error.invalid"), "table");
		return 0;
	}
	struct strbuf o = STRBUF_INIT;
	csv_begin(&o);
	for (int row = 0; row < tb->rows; row++)
		csv_row(&o, tb->cols, tb->cells + row * tb->cols);
	resp_text(r, 200, "text/csv; charset=utf-8", o.buf, o.len);
	resp_header(r, "Content-Disposition",
		    arena_printf(&r->arena, "attachment; filename=\"dashboard-%s.csv\"", tb->name));
	sb_release(&o);
	dash_free(&d);
	return 0;
}

int report_xlsx(struct req *r)
{
	struct dash d;
	if (load(r, &d))
		return 0;
	struct table t[NTABLES];
	int n = build(r, &d, t);
	char *path = NULL;
	lxw_workbook *wb = xlsx_open(&path);
	if (!wb) {
		xlsx_finish(NULL, path, NULL);
		dash_free(&d);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	for (int i = 0; i < n; i++) {
		/* sheet names: at most 31 characters, unique; the table key keeps them so */
		lxw_worksheet *ws = workbook_add_worksheet(wb, arena_printf(&r->arena, "%d %s", i + 1, t[i].name));
		if (!ws)
			continue;
		worksheet_set_column(ws, 0, 0, 24, NULL);
		worksheet_set_column(ws, 1, (lxw_col_t)(t[i].cols - 1), 14, NULL);
		for (int row = 0; row < t[i].rows; row++)
			for (int c = 0; c < t[i].cols; c++) {
				const char *v = t[i].cells[row * t[i].cols + c];
				worksheet_write_string(ws, (lxw_row_t)row, (lxw_col_t)c, v ? v : "", row ? NULL : bold);
			}
	}
	struct strbuf data = STRBUF_INIT;
	if (xlsx_finish(wb, path, &data)) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
	} else {
		resp_text(r, 200, XLSX_MIME, data.buf, data.len);
		resp_header(r, "Content-Disposition", "attachment; filename=\"dashboard.xlsx\"");
	}
	sb_release(&data);
	dash_free(&d);
	return 0;
}
