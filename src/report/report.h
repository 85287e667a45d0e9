/*
 * report.h — the dashboards and reports module (看板 · 报表): its public face.
 *
 * The files, one job each:
 *   kpi.c            the KPI definitions and their queries (kpi.h)
 *   charts.c         the data behind each chart, as a `struct chart` with drill-down links
 *   svg.c            a `struct chart` drawn as SVG by the server (pages, big screen)
 *   pdf.c            a `struct chart` and text drawn with cairo + pango (the PDF report)
 *   dashboard_web.c  /dashboard, the shared panels, the JSON API, the route table
 *   home_web.c       the role panels of the home page
 *   screen_web.c     /dashboard/screen, the 1920×1080 meeting-room display
 *   period.c         the named periods (last 30 days, this month, last month)
 *   export.c         the KPI tables as CSV (UTF-8 with BOM) and XLSX
 *   monthly.c        the monthly safety report (月度安全报告), page and PDF
 *
 * A chart is data first: charts.c fills it once, svg.c and pdf.c only draw. Every mark of a
 * chart carries the link of the hazard list filtered to the records behind it.
 */
#ifndef ANQUAN_REPORT_H
#define ANQUAN_REPORT_H

#include "http/http.h"
#include "report/kpi.h"
#include "report/period.h"

enum chart_kind {
	CHART_COLUMNS,	/* vertical bars per x label, one or two series (the trends) */
	CHART_BARS,	/* horizontal bars, one series (distributions, top-5) */
	CHART_HEAT,	/* tiles coloured by count and risk colour (areas) */
	CHART_GAUGE,	/* one fraction 0..1 on a half dial (participation) */
};

struct chart_item {
	const char *label;
	double v[2];
	const char *href[2];	/* the filtered hazard list behind each value, or NULL */
	int risk;		/* heat map: 0 蓝 low, 1 黄, 2 橙, 3 红 */
};

struct chart {
	enum chart_kind kind;
	const char *id;		/* "trend7": CSS hook and unique ids inside the SVG */
	const char *title, *x_label, *y_label, *unit;
	const char *series[2];
	int nseries;
	struct chart_item *items;
	int n;
	const char *note;	/* a line under the chart: what was counted */
};

struct dash_breakdown;
struct dash_trend {		/* charts.c: the last daily trend read, for the next chart */
	int64_t start, end;
	double *v[2];
};

/* What a dashboard is about: a unit subtree in the caller's scope and a period. */
struct dash {
	int64_t unit_id;
	const char *unit_name, *unit_path, *unit_kind;
	int64_t from, to;		/* [from, to), local midnights */
	int64_t prev_from, prev_to;	/* the period before, same length: arrows and baseline */
	struct kpi_scope scope;
	struct kpi_units units, prev;	/* per-unit counts of the period and the previous one */
	struct kpi k, base;		/* the subtree's totals */
	struct dash_breakdown *bd;	/* charts.c: the period by category, factor class and
					 * repeated place, read once for three charts (arena) */
	struct dash_trend *tr;
	int period;			/* the named period shown (enum report_period), or -1
					 * for a month or dates chosen by hand */
};

/* Read ?unit= and the period: ?period=30d|month|last_month (period.h), else ?month=YYYY-MM,
 * else ?from=&to= (to inclusive, as on the hazard list), else the last 30 days; and collect. 0, or an HTTP status (404 when the unit is outside the caller's scope). */
int dash_load(struct req *r, struct dash *d, int64_t unit_id, int64_t from, int64_t to, int64_t base_from,
	      int64_t base_to);	/* base_to 0: the period just before */
int dash_from_query(struct req *r, struct dash *d);
int64_t dash_scope_root(struct req *r);	/* the unit a caller's dashboard starts at */
void dash_free(struct dash *d);
/* Query-string fragment "unit_id=5&from=…&to=…" for drill-down links of the dashboard's period. */
const char *dash_list_query(struct req *r, const struct dash *d);
/* The tabs of the named periods (近30天 · 本月 · 上月) as links to `path` for the dashboard's
 * unit, the one shown marked aria-current. */
void dash_period_tabs(struct req *r, struct strbuf *o, const struct dash *d, const char *path);

/* ---- charts.c ---- */
void chart_trend(struct req *r, const struct dash *d, int days, struct chart *c);
void chart_categories(struct req *r, const struct dash *d, struct chart *c);
void chart_factors(struct req *r, const struct dash *d, struct chart *c);
void chart_areas(struct req *r, const struct dash *d, struct chart *c, int max);
void chart_repeats(struct req *r, const struct dash *d, struct chart *c);
void chart_participation(struct req *r, const struct dash *d, struct chart *c);
void chart_permits(struct req *r, const struct dash *d, struct chart *c);	/* in progress by type */

/* ---- svg.c ---- */
/* Draw the chart as an <svg> (with <a> around each mark) inside a <figure>. `dark` for the
 * big screen. */
void svg_chart(struct req *r, struct strbuf *o, const struct chart *c, int width, int height);
/* The same with the text size fs (user units; svg_chart uses 13, the big screen 20, its CSS
 * matching) and, for bars and the heat map, at most max_h tall (0: as tall as needed). */
void svg_chart_sized(struct req *r, struct strbuf *o, const struct chart *c, int width, int height, int max_h,
		     int fs);

/* ---- dashboard_web.c: panels shared by the pages ---- */
void dash_kpi_table(struct req *r, struct strbuf *o, const struct dash *d, int compare_plant);
void dash_ranking(struct req *r, struct strbuf *o, const struct dash *d);
void dash_major_list(struct req *r, struct strbuf *o, const struct dash *d, int limit);
/* The ranking: the unit's children by on-time closure rate, then completion rate, then
 * reports; each with the baseline period's counts. Rows in the arena; returns their number. */
struct rank_row {
	const struct kpi_unit *u;
	struct kpi k, prev;
};
int dash_rank(struct req *r, const struct dash *d, struct rank_row **out);
/* Children of the dashboard's unit to rank (workshops of a plant, teams of a workshop). */
int dash_children(const struct dash *d, const struct kpi_unit **out, int max);
/* The role panel of the home page ("/"): worker, team leader, director, plant, group. */
void report_home_panel(struct req *r);

/* ---- pdf.c ---- */
/* Render the monthly report as PDF into out. 0, or -1. */
int pdf_monthly(struct req *r, const struct dash *d, const char *month, struct strbuf *out);

/* routes (dashboard_web.c, screen_web.c, export.c, monthly.c) */
extern const struct route report_routes[];
/* its entry in the module table (base/module.h), listed in src/modules.c */
struct module;
extern const struct module report_module;
int dash_page(struct req *r);
int screen_page(struct req *r);
int screen_panels(struct req *r);
int report_csv(struct req *r);
int report_xlsx(struct req *r);
int monthly_page(struct req *r);
int monthly_pdf(struct req *r);
int dash_api(struct req *r);

#endif
