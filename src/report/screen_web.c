/*
 * screen_web.c — the big screen (大屏): /dashboard/screen for a 1920×1080 meeting-room
 * display, dark, large type, no scrolling, no navigation.
 *
 * The page is the frame; its panels come from /dashboard/screen/panels as an HTML fragment.
 * static/screen.js fetches that fragment every minute and swaps it in place, so the screen
 * never flickers through a full reload and holds no inline script (CSP). Without JavaScript
 * the page still shows the panels as of loading.
 */
#include "report/report.h"
#include "check/check.h"
#include "risk/risk.h"
#include "base/clock.h"
#include "http/static.h"
#include "web/html.h"
#include "web/i18n.h"

#include <string.h>

/* the drawing area of the grid's cells at 1920×1080, less each figure's padding and caption:
 * with the risk module's four-colour map as a fourth column (static/risk_print.css: 640, 460
 * and 300 px columns) — the narrowest layout, so that no chart is ever shrunk below its 20-px
 * text; without the map (static/app.css .scr-grid: 780 and 540 px) they widen to their cells.
 * Rows of 150, 350 and the rest. */
#define SCR_FS 20
#define SCR_A_W 616
#define SCR_B_W 436
#define SCR_C_W 276
#define SCR_TOP_H 268
#define SCR_BOTTOM_H 390

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

static void panels(struct req *r, struct strbuf *o, struct dash *d)
{
	char now[32];
	clock_format(clock_now(), "%Y-%m-%d %H:%M", now, sizeof(now));
	html_printf(o, "<div class=\"scr-grid\" data-updated=\"%s\">", now);
	html_printf(o, "<section class=\"scr-kpis\">");
	/* the same cards as the dashboard, big */
	struct chart c;
	html_printf(o, "<div class=\"kpi-cards\">");
	static const enum kpi_id shown[] = {KPI_REPORTED, KPI_CLOSURE, KPI_ON_TIME, KPI_RESPONSE, KPI_OVERDUE, KPI_MAJOR};
	for (size_t i = 0; i < sizeof(shown) / sizeof(*shown); i++) {
		char v[32];
		kpi_format(shown[i], &d->k, &d->base, v, sizeof(v));
		int alarm = (shown[i] == KPI_OVERDUE && d->k.overdue_open) || (shown[i] == KPI_MAJOR && d->k.major_open);
		html_printf(o, "<div class=\"kpi-card%r\" data-kpi=\"%s\"><span class=\"kpi-name\"><abbr title=\"%s\">%s</abbr></span>"
			       "<strong class=\"kpi-val\">%s</strong></div>",
			    alarm ? " alarm" : "", kpi_key(shown[i]) + strlen("report.kpi."),
			    T(r, arena_printf(&r->arena, "%s.f", kpi_key(shown[i]))), T(r, kpi_key(shown[i])), v);
	}
	html_printf(o, "</div></section>");
	/* Each chart drawn at the size of its cell (static/app.css "big screen"), so one unit of
	 * the SVG is one CSS pixel and its 20-unit text reads as 20 px from across the room; the
	 * bars and the heat map leave out what does not fit rather than shrink. */
	html_printf(o, "<section class=\"scr-a\">");
	chart_trend(r, d, 30, &c);
	svg_chart_sized(r, o, &c, SCR_A_W, SCR_TOP_H, 0, SCR_FS);
	html_printf(o, "</section><section class=\"scr-b\">");
	chart_categories(r, d, &c);
	svg_chart_sized(r, o, &c, SCR_B_W, 0, SCR_TOP_H, SCR_FS);
	html_printf(o, "</section><section class=\"scr-c\">");
	chart_participation(r, d, &c);
	svg_chart_sized(r, o, &c, SCR_C_W, 0, 0, SCR_FS);
	html_printf(o, "</section><section class=\"scr-d\">");
	chart_areas(r, d, &c, 24);
	svg_chart_sized(r, o, &c, SCR_A_W, 0, SCR_BOTTOM_H, SCR_FS);
	html_printf(o, "</section><section class=\"scr-e\"><h2>%s</h2>", T(r, "report.ranking"));
	dash_ranking(r, o, d);
	html_printf(o, "</section><section class=\"scr-f\"><h2>%s</h2>", T(r, "report.major_open"));
	dash_major_list(r, o, d, 5);
	html_printf(o, "</section>");
	risk_map_panel(r, o, d->unit_id, 1);	/* 四色分布图 (risk module): a fourth column */
	html_printf(o, "</div>");
}

int screen_page(struct req *r)
{
	struct dash d;
	if (load(r, &d))
		return 0;
	struct strbuf *o = &r->out;
	r->resp_type = "text/html; charset=utf-8";
	char now[32];
	clock_format(clock_now(), "%Y-%m-%d %H:%M", now, sizeof(now));
	const char *q = req_query(r, "unit") ? arena_printf(&r->arena, "unit=%lld", (long long)d.unit_id) : "";
	if (report_period_parse(req_query(r, "period")) >= 0)	/* the refresh keeps the period chosen */
		q = arena_printf(&r->arena, "%s%speriod=%s", q, *q ? "&" : "", report_period_name(d.period));
	html_printf(o, "<!doctype html><html lang=\"%s\" class=\"screen\"><head><meta charset=\"utf-8\">"
		       "<meta name=\"viewport\" content=\"width=1920\"><title>%s · %s</title>"
		       "<link rel=\"icon\" href=\"%s\" type=\"image/svg+xml\"><link rel=\"stylesheet\" href=\"%s\">"
		       "<script src=\"%s\" defer></script></head><body class=\"screen\">",
		    strcmp(r->lang, "en") ? "zh-CN" : "en", T(r, "report.screen"), d.unit_name,
		    static_url("favicon.svg"), static_url("app.css"), static_url("screen.js"));
	html_printf(o, "<header class=\"scr-head\"><h1>%s · %s</h1><p>%s <time class=\"scr-time\">%s</time>",
		    d.unit_name, T(r, "report.screen_title"), T(r, "report.updated"), now);
	/* the check module's coverage of the period (双重预防 排查): the share and the misses, in the
	 * header line, so the grid's cells (and the charts sized to them) keep their size */
	const char **cov;
	if (check_coverage_cells(r, d.unit_id, d.from, d.to, &cov) > 1)
		html_printf(o, " · <span id=\"check-coverage\">%s <strong>%s</strong> · %s <strong>%s</strong></span>", T(r, "check.coverage"),
			    cov[CHECK_COVERAGE_COLS + 1], T(r, "check.missed"), cov[CHECK_COVERAGE_COLS + 2]);
	html_printf(o, " · <a href=\"/dashboard?%s\">%s</a></p></header>", q, T(r, "report.dashboard"));
	html_printf(o, "<main id=\"scr-panels\" data-src=\"/dashboard/screen/panels?%s\" data-every=\"60\">", q);
	panels(r, o, &d);
	html_printf(o, "</main></body></html>");
	dash_free(&d);
	return 0;
}

int screen_panels(struct req *r)
{
	struct dash d;
	if (load(r, &d))
		return 0;
	r->resp_type = "text/html; charset=utf-8";
	panels(r, &r->out, &d);
	resp_header(r, "Cache-Control", "no-store");
	dash_free(&d);
	return 0;
}
