/*
 * monthly.c — the monthly safety report (月度安全报告) of a unit: /reports/monthly?unit=&month=
 * as a printable page, and /reports/monthly.pdf as a PDF drawn on the server (pdf.c).
 *
 * The month is a calendar month of the plant's zone; the baseline is the month before, so
 * the arrows and the cycle compression read "against last month". Contents, in the order a
 * safety committee reads them: the KPIs, the month's daily trend, where the hazards were
 * (categories, hazard-factor classes), the unit ranking, the top problems (repeated hazards,
 * the areas with most open hazards) and the open major hazards.
 */
#include "accident/accident.h"
#include "check/check.h"
#include "train/train.h"
#include "report/report.h"
#include "base/clock.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/page_lang.h"

#include <stdio.h>
#include <string.h>

/* Load the unit and month of the query; *month gets "YYYY-MM". 0 or an HTTP status. *d is
 * initialised before anything can fail, so the caller's error path may always free it (a
 * malformed ?unit= used to return first and free an uninitialised struct). */
static int monthly_load(struct req *r, struct dash *d, const char **month)
{
	int64_t unit = 0, from, to, pf, pt;
	memset(d, 0, sizeof(*d));
	if (req_query_id(r, "unit", &unit) < 0)
		return 400;
	int y, m;
	const char *ms = req_query(r, "month");
	if (ms && *ms && kpi_parse_month(ms, &y, &m)) {
		req_bad_param(r, "month");
		return 400;
	}
	if (!ms || !*ms) {
		char buf[16];
		clock_format(clock_now(), "%Y-%m", buf, sizeof(buf));
		kpi_parse_month(buf, &y, &m);
	}
	kpi_month_range(y, m, &from, &to);
	kpi_month_range(m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1, &pf, &pt);
	*month = arena_printf(&r->arena, "%04d-%02d", y, m);
	if (!unit)	/* the root of the caller's scope, as the dashboard */
		unit = dash_scope_root(r);
	return dash_load(r, d, unit, from, to, pf, pt);
}

static void fail(struct req *r, struct dash *d, int rc)
{
	dash_free(d);
	if (rc == 400)
		resp_error(r, 400, "invalid", T(r, "error.bad_param"), r->bad_param);
	else
		resp_error(r, rc, rc == 404 ? "not_found" : "unavailable",
			   T(r, rc == 404 ? "error.not_found" : "error.unavailable"), rc == 404 ? "unit" : NULL);
}

int monthly_page(struct req *r)
{
	struct dash d;
	const char *month;
	int rc = monthly_load(r, &d, &month);
	if (rc) {
		fail(r, &d, rc);
		return 0;
	}
	struct strbuf *o = &r->out;
	struct chart c;
	page_begin(r, T(r, "report.monthly"));
	html_printf(o, "<article class=\"card monthly\"><header><h1>%s</h1><p class=\"sub\">%s · %s</p>"
		       "<p class=\"no-print\"><a class=\"button\" href=\"/reports/monthly.pdf?unit=%D&amp;month=%s\">PDF</a>"
		       " <a href=\"/dashboard?unit=%D&amp;month=%s\">%s</a></p>"
		       "<form class=\"filters no-print\" method=\"get\"><input type=\"hidden\" name=\"unit\" value=\"%D\">"
		       "<label><span>%s</span>",
		    T(r, "report.monthly"), d.unit_name, page_month_name(r, month), d.unit_id, month, d.unit_id, month,
		    T(r, "report.dashboard"), d.unit_id, T(r, "report.month"));
	page_month_select(r, "month", month);
	html_printf(o, "</label><button>%s</button></form></header>", T(r, "report.show"));
	html_printf(o, "<h2>1. %s</h2>", T(r, "report.kpis"));
	dash_kpi_table(r, o, &d, 0);
	html_printf(o, "<h2>2. %s</h2>", T(r, "report.trend_month"));
	chart_trend(r, &d, 0, &c);
	c.title = T(r, "report.trend_month");
	svg_chart(r, o, &c, 760, 280);
	html_printf(o, "<h2>3. %s</h2><div class=\"dash-charts two\">", T(r, "report.distribution"));
	chart_categories(r, &d, &c);
	svg_chart(r, o, &c, 520, 0);
	chart_factors(r, &d, &c);
	svg_chart(r, o, &c, 520, 0);
	html_printf(o, "</div><h2>4. %s</h2>", T(r, "report.ranking"));
	dash_ranking(r, o, &d);
	html_printf(o, "<h2>5. %s</h2><div class=\"dash-charts two\">", T(r, "report.top_problems"));
	chart_repeats(r, &d, &c);
	svg_chart(r, o, &c, 520, 0);
	chart_areas(r, &d, &c, 10);
	svg_chart(r, o, &c, 520, 0);
	html_printf(o, "</div><h2>6. %s</h2>", T(r, "report.major_open"));
	dash_major_list(r, o, &d, 50);
	html_printf(o, "<h2 id=\"check-coverage\">7. %s</h2>", T(r, "check.coverage"));
	check_coverage_html(r, d.unit_id, d.from, d.to);
	html_printf(o, "<h2 id=\"accidents\">8. %s</h2>", T(r, "accident.stats"));
	accident_stats_html(r, d.unit_id, d.from, d.to);
	html_printf(o, "<h2 id=\"train-hours\">9. %s</h2>", T(r, "train.hours_title"));
	train_hours_html(r, d.unit_id, d.from, d.to);
	html_printf(o, "<footer class=\"footnotes\"><h2>%s</h2><dl>", T(r, "report.definitions"));
	for (int i = 0; i < KPI_COUNT; i++)
		html_printf(o, "<dt>%s</dt><dd>%s</dd>", T(r, kpi_key(i)), T(r, arena_printf(&r->arena, "%s.f", kpi_key(i))));
	html_printf(o, "</dl></footer></article>");
	page_end(r);
	dash_free(&d);
	return 0;
}

int monthly_pdf(struct req *r)
{
	struct dash d;
	const char *month;
	int rc = monthly_load(r, &d, &month);
	if (rc) {
		fail(r, &d, rc);
		return 0;
	}
	struct strbuf pdf = STRBUF_INIT;
	if (pdf_monthly(r, &d, month, &pdf)) {
		sb_release(&pdf);
		fail(r, &d, 503);
		return 0;
	}
	resp_text(r, 200, "application/pdf", pdf.buf, pdf.len);
	resp_header(r, "Content-Disposition",
		    arena_printf(&r->arena, "inline; filename=\"monthly-%s-%lld.pdf\"", month, (long long)d.unit_id));
	sb_release(&pdf);
	dash_free(&d);
	return 0;
}
