/*
 * dashboard_web.c — the dashboard (/dashboard): KPIs, charts, the unit ranking and the open
 * major hazards of a unit subtree in the caller's data scope, for a period; the panels it is
 * made of (shared with the big screen, the exports and the monthly report); the role panel of
 * the home page; the JSON API; the module's route table.
 *
 * The period is [from, to) of local (UTC+8) days; on the page "to" is the last day shown, as
 * on the hazard list. Unless the query chooses one, it is the last 30 days (period.h), so the
 * dashboard of the 1st of a month is not an empty new month; tabs switch to this month and
 * last month. The baseline (for the cycle compression and the ranking arrows) is the
 * period of the same length just before, unless base_from/base_to choose another.
 */
#include "accident/accident.h"
#include "check/check.h"
#include "report/report.h"
#include "risk/risk.h"
#include "train/train.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "db/db.h"
#include "risk/risk.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/page_lang.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY 86400

/* ---- loading ---- */

/* The unit a caller's dashboard starts at: the root of their data scope. */
int64_t dash_scope_root(struct req *r)
{
	struct actor a;
	actor_from_req(r, &a);
	return actor_scope_root(&a);
}

int dash_load(struct req *r, struct dash *d, int64_t unit_id, int64_t from, int64_t to, int64_t base_from,
	      int64_t base_to)
{
	memset(d, 0, sizeof(*d));
	struct db_stmt *st = db_query(r->db, "SELECT name, path, kind FROM units WHERE id = ?", "I", unit_id);
	if (st && db_step(st) == 1) {
		d->unit_id = unit_id;
		d->unit_name = arena_strdup(&r->arena, db_col_text(st, 0));
		d->unit_path = arena_strdup(&r->arena, db_col_text(st, 1));
		d->unit_kind = arena_strdup(&r->arena, db_col_text(st, 2));
	}
	db_done(r->db, st);
	/* own-scope callers (a worker) have a unit but see only their own records */
	if (!d->unit_id || (strcmp(r->who->scope, "own") && !auth_scope_allows(r, unit_id, 0)) ||
	    (!strcmp(r->who->scope, "own") && unit_id != r->who->unit_id))
		return 404;
	d->from = from;
	d->to = to;
	d->prev_from = base_to ? base_from : from - (to - from);
	d->prev_to = base_to ? base_to : from;
	d->scope.subtree = arena_printf(&r->arena, "%s%%", d->unit_path);
	d->scope.allowed = auth_scope_pattern(r);
	d->scope.owner = auth_scope_owner(r);
	if (kpi_collect(r->db, &d->scope, from, to, &d->units) ||
	    kpi_collect_period(r->db, &d->scope, d->prev_from, d->prev_to, &d->prev, &d->units))
		return 503;
	kpi_rollup(&d->units, NULL, &d->k);
	kpi_rollup(&d->prev, NULL, &d->base);
	return 0;
}

/* A day parameter (YYYY-MM-DD): 0 when absent or empty; a malformed one is recorded, so the
 * request answers 400 naming it (router.c) instead of quietly showing this month. */
static int64_t query_day(struct req *r, const char *name)
{
	const char *v = req_query(r, name);
	int64_t t = kpi_parse_day(v);
	if (v && *v && !t)
		req_bad_param(r, name);
	return t;
}

int dash_from_query(struct req *r, struct dash *d)
{
	int64_t unit = 0;
	if (!req_query_id(r, "unit", &unit))
		req_query_id(r, "unit_id", &unit);
	if (!unit)
		unit = dash_scope_root(r);
	int64_t from = query_day(r, "from"), to = query_day(r, "to");
	int y, m;
	const char *month = req_query(r, "month"), *period_s = req_query(r, "period");
	if (month && *month && kpi_parse_month(month, &y, &m))
		req_bad_param(r, "month");
	int period = report_period_parse(period_s);
	if (period_s && *period_s && period < 0)
		req_bad_param(r, "period");
	if (period >= 0) {
		report_period_range(period, clock_now(), &from, &to);
	} else if (!kpi_parse_month(month, &y, &m)) {
		kpi_month_range(y, m, &from, &to);
	} else if (!from || !to || to < from || to - from > 400 * DAY) {
		/* nothing chosen (or nonsense): the default, never an empty new month */
		period = PERIOD_DEFAULT;
		report_period_range(period, clock_now(), &from, &to);
	} else {
		to += DAY;	/* the last day shown is included */
	}
	int64_t bf = query_day(r, "base_from"), bt = query_day(r, "base_to");
	if (!bf || !bt || bt < bf || bt - bf > 400 * DAY)
		bf = bt = 0;
	else
		bt += DAY;
	int rc = dash_load(r, d, unit, from, to, bf, bt);
	d->period = period;
	return rc;
}

void dash_free(struct dash *d)
{
	kpi_units_free(&d->units);
	kpi_units_free(&d->prev);
}

const char *dash_list_query(struct req *r, const struct dash *d)
{
	char a[16], b[16];
	kpi_format_day(d->from, a, sizeof(a));
	kpi_format_day(d->to - 1, b, sizeof(b));
	return arena_printf(&r->arena, "unit_id=%lld&from=%s&to=%s", (long long)d->unit_id, a, b);
}

static const char *period_text(struct req *r, int64_t from, int64_t to)
{
	char a[16], b[16];
	kpi_format_day(from, a, sizeof(a));
	kpi_format_day(to - 1, b, sizeof(b));
	return arena_printf(&r->arena, "%s ~ %s", a, b);
}

/* ---- panels ---- */

static const char *fmt(struct req *r, enum kpi_id id, const struct kpi *k, const struct kpi *base)
{
	char buf[32];
	kpi_format(id, k, base, buf, sizeof(buf));
	return arena_strdup(&r->arena, buf);
}

/* ▲ better, ▼ worse, = the same, blank without a value on either side */
static const char *arrow(enum kpi_id id, const struct kpi *k, const struct kpi *base, const char **cls)
{
	double a, b;
	*cls = "same";
	if (id == KPI_COMPRESSION || !kpi_value(id, k, NULL, &a) || !kpi_value(id, base, NULL, &b))
		return "";
	if (a > b + 1e-9) {
		*cls = kpi_higher_is_better(id) ? "up good" : "up bad";
		return "▲";
	}
	if (a < b - 1e-9) {
		*cls = kpi_higher_is_better(id) ? "down bad" : "down good";
		return "▼";
	}
	return "=";
}

static const char *kpi_href(struct req *r, const struct dash *d, enum kpi_id id)
{
	switch (id) {
	case KPI_REPORTED:
	case KPI_CLOSURE:
	case KPI_ON_TIME:
		return arena_printf(&r->arena, "/hazards?%s&status=valid", dash_list_query(r, d));
	case KPI_REPEAT:
		return arena_printf(&r->arena, "/hazards?%s&status=valid&repeat=1", dash_list_query(r, d));
	case KPI_OVERDUE:
		return arena_printf(&r->arena, "/hazards?unit_id=%lld&status=open&overdue=1", (long long)d->unit_id);
	case KPI_MAJOR:
		return arena_printf(&r->arena, "/hazards?unit_id=%lld&status=open&level=major", (long long)d->unit_id);
	case KPI_CERT_EXPIRING:
		return auth_has(r, "cert.view") ? "/certs/expiring" : NULL;
	case KPI_CERT_EXPIRED:
		return auth_has(r, "cert.view") ? arena_printf(&r->arena, "/certs?unit=%lld&status=expired",
							       (long long)d->unit_id) : NULL;
	case KPI_EQUIP_OVERDUE:
		return auth_has(r, "equip.view") ? "/equipment?state=overdue" : NULL;
	case KPI_PERMITS_ACTIVE:
	case KPI_PERMITS_STALE:
		return auth_has(r, "permit.view") ? "/permits/live" : NULL;
	default:
		return NULL;
	}
}

/* The KPI table: name (formula under <abbr title>), value, baseline, arrow; with
 * compare_plant, a column of the caller's plant as a whole (rates only, no records). */
void dash_kpi_table(struct req *r, struct strbuf *o, const struct dash *d, int compare_plant)
{
	struct kpi plant;
	int have_plant = 0;
	if (compare_plant) {
		char *cpath = NULL;
		db_get_text(r->db, &cpath, "SELECT path FROM units WHERE kind = 'company' AND ? LIKE path || '%'"
					   " ORDER BY length(path) DESC LIMIT 1", "t", d->unit_path);
		if (cpath && strcmp(cpath, d->unit_path)) {
			/* the plant's totals are shown to a workshop director as a yardstick: counts and
			 * rates of the whole plant, never its records (no links) */
			struct kpi_scope ps = {arena_printf(&r->arena, "%s%%", cpath), "%", 0};
			have_plant = !kpi_compute(r->db, &ps, d->from, d->to, &plant);
		}
		free(cpath);
	}
	/* "cards": below 600 px each figure is a card, its cells led by their column's name */
	html_printf(o, "<div class=\"table-wrap\"><table class=\"kpi-table cards\"><thead><tr><th>%s</th><th>%s</th>"
		       "<th>%s</th><th>%s</th>",
		    T(r, "report.kpi"), d->unit_name, T(r, "report.baseline"), T(r, "report.trend"));
	if (have_plant)
		html_printf(o, "<th>%s</th>", T(r, "report.plant"));
	html_printf(o, "</tr></thead><tbody>");
	/* most urgent first: what is wrong now (overdue and major hazards, lapsed certificates,
	 * stale permits, equipment past inspection) with a count above zero, then the same at zero,
	 * then the rates and counts of the period — a director reads the top rows and stops */
	static const enum kpi_id urgent[] = {KPI_OVERDUE, KPI_MAJOR, KPI_CERT_EXPIRED, KPI_PERMITS_STALE,
					     KPI_EQUIP_OVERDUE, KPI_CERT_EXPIRING};
	static const enum kpi_id rest[] = {KPI_ON_TIME, KPI_CLOSURE, KPI_RESPONSE, KPI_REPEAT, KPI_CYCLE,
					   KPI_COMPRESSION, KPI_REPORTED, KPI_PARTICIPATION, KPI_PERMITS_ACTIVE, KPI_APPROVAL};
	_Static_assert(sizeof(urgent) / sizeof(*urgent) + sizeof(rest) / sizeof(*rest) == KPI_COUNT,
		       "every key figure has its place in the table");
	enum kpi_id order[KPI_COUNT];
	int alarm[KPI_COUNT] = {0}, n = 0;
	const size_t nu = sizeof(urgent) / sizeof(*urgent);
	for (int pass = 0; pass < 2; pass++)
		for (size_t u = 0; u < nu; u++) {
			double v = 0;
			int on = kpi_value(urgent[u], &d->k, &d->base, &v) && v > 0;
			if (on == !pass) {
				alarm[n] = on;
				order[n++] = urgent[u];
			}
		}
	for (size_t u = 0; u < sizeof(rest) / sizeof(*rest) && n < KPI_COUNT; u++)
		order[n++] = rest[u];
	for (int j = 0; j < n; j++) {
		enum kpi_id i = order[j];
		const char *cls, *key = kpi_key(i), *href = kpi_href(r, d, i);
		const char *ar = arrow(i, &d->k, &d->base, &cls);
		html_printf(o, "<tr data-kpi=\"%s\"%r><th scope=\"row\"><abbr title=\"%s\">%s</abbr></th><td class=\"num\" data-label=\"%s\">",
			    key + strlen("report.kpi."), alarm[j] ? " class=\"alarm\"" : "",
			    T(r, arena_printf(&r->arena, "%s.f", key)), T(r, key), d->unit_name);
		if (href)
			html_printf(o, "<a href=\"%s\">%s</a>", href, fmt(r, i, &d->k, &d->base));
		else
			html_printf(o, "%s", fmt(r, i, &d->k, &d->base));
		html_printf(o, "</td><td class=\"num\" data-label=\"%s\">%s</td><td class=\"arrow %s\" data-label=\"%s\">%s</td>",
			    T(r, "report.baseline"), i == KPI_COMPRESSION ? "" : fmt(r, i, &d->base, NULL), cls,
			    T(r, "report.trend"), ar);
		if (have_plant)
			html_printf(o, "<td class=\"num\" data-label=\"%s\">%s</td>", T(r, "report.plant"),
				    i == KPI_COMPRESSION ? "" : fmt(r, i, &plant, NULL));
		html_printf(o, "</tr>");
	}
	html_printf(o, "</tbody></table></div>");
}

/* KPI cards for the big screen and the plant home panel. */
static void kpi_cards(struct req *r, struct strbuf *o, const struct dash *d)
{
	static const enum kpi_id shown[] = {KPI_REPORTED, KPI_CLOSURE, KPI_ON_TIME, KPI_RESPONSE, KPI_OVERDUE,
					    KPI_MAJOR, KPI_REPEAT, KPI_CYCLE, KPI_CERT_EXPIRED, KPI_EQUIP_OVERDUE,
					    KPI_PERMITS_ACTIVE, KPI_PERMITS_STALE};
	html_printf(o, "<div class=\"kpi-cards\">");
	for (size_t i = 0; i < sizeof(shown) / sizeof(*shown); i++) {
		enum kpi_id id = shown[i];
		const char *cls, *key = kpi_key(id), *href = kpi_href(r, d, id);
		const char *ar = arrow(id, &d->k, &d->base, &cls);
		int alarm = (id == KPI_OVERDUE && d->k.overdue_open) || (id == KPI_MAJOR && d->k.major_open) ||
			    (id == KPI_CERT_EXPIRED && d->k.certs_expired) || (id == KPI_EQUIP_OVERDUE && d->k.equip_overdue) ||
			    (id == KPI_PERMITS_STALE && d->k.permits_stale);
		html_printf(o, "<a class=\"kpi-card%r\" href=\"%s\" data-kpi=\"%s\"><span class=\"kpi-name\">"
			       "<abbr title=\"%s\">%s</abbr></span><strong class=\"kpi-val\">%s</strong>"
			       "<span class=\"arrow %s\">%s %s</span></a>",
			    alarm ? " alarm" : "", href ? href : "#", key + strlen("report.kpi."),
			    T(r, arena_printf(&r->arena, "%s.f", key)), T(r, key), fmt(r, id, &d->k, &d->base), cls, ar,
			    fmt(r, id, &d->base, NULL));
	}
	html_printf(o, "</div>");
}

static int child_cmp_score(const struct kpi *a, const struct kpi *b)
{
	double x = -1, y = -1;
	kpi_value(KPI_ON_TIME, a, NULL, &x);
	kpi_value(KPI_ON_TIME, b, NULL, &y);
	if (x != y)
		return x > y ? -1 : 1;
	x = y = -1;
	kpi_value(KPI_CLOSURE, a, NULL, &x);
	kpi_value(KPI_CLOSURE, b, NULL, &y);
	if (x != y)
		return x > y ? -1 : 1;
	return a->reported > b->reported ? -1 : a->reported < b->reported;
}

static int rank_cmp(const void *a, const void *b)
{
	const struct rank_row *x = a, *y = b;
	return child_cmp_score(&x->k, &y->k);
}

int dash_children(const struct dash *d, const struct kpi_unit **out, int max)
{
	int n = 0;
	for (int i = 0; i < d->units.n && n < max; i++)
		if (d->units.u[i].parent_id == d->unit_id)
			out[n++] = &d->units.u[i];
	return n;
}

int dash_rank(struct req *r, const struct dash *d, struct rank_row **out)
{
	const struct kpi_unit *kids[256];
	int n = dash_children(d, kids, 256);
	struct rank_row *rows = arena_alloc(&r->arena, (size_t)(n ? n : 1) * sizeof(*rows));
	for (int i = 0; i < n; i++) {
		rows[i].u = kids[i];
		kpi_rollup(&d->units, kids[i]->path, &rows[i].k);
		kpi_rollup(&d->prev, kids[i]->path, &rows[i].prev);
	}
	qsort(rows, (size_t)n, sizeof(*rows), rank_cmp);
	*out = rows;
	return n;
}

/* The ranking of the unit's children by on-time closure rate (then completion rate, then
 * reports), with the arrow against the baseline period. */
void dash_ranking(struct req *r, struct strbuf *o, const struct dash *d)
{
	struct rank_row *rows;
	int n = dash_rank(r, d, &rows);
	html_printf(o, "<div class=\"table-wrap\"><table class=\"ranking\"><caption>%s</caption><thead><tr><th>#</th>"
		       "<th>%s</th><th>%s</th><th><abbr title=\"%s\">%s</abbr></th><th><abbr title=\"%s\">%s</abbr></th>"
		       "<th><abbr title=\"%s\">%s</abbr></th><th><abbr title=\"%s\">%s</abbr></th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "report.ranking_caption"), T(r, "report.unit"), T(r, "report.kpi.reported"),
		    T(r, "report.kpi.on_time.f"), T(r, "report.kpi.on_time"), T(r, "report.kpi.closure.f"),
		    T(r, "report.kpi.closure"), T(r, "report.kpi.repeat.f"), T(r, "report.kpi.repeat"),
		    T(r, "report.kpi.response.f"), T(r, "report.kpi.response"), T(r, "report.kpi.overdue"),
		    T(r, "report.trend"));
	const char *lq = dash_list_query(r, d);
	char a[16], b[16];
	kpi_format_day(d->from, a, sizeof(a));
	kpi_format_day(d->to - 1, b, sizeof(b));
	for (int i = 0; i < n; i++) {
		const char *cls, *ar = arrow(KPI_ON_TIME, &rows[i].k, &rows[i].prev, &cls);
		(void)lq;
		html_printf(o, "<tr><td>%d</td><td><a href=\"/dashboard?unit=%D&amp;from=%s&amp;to=%s\">%s</a></td>"
			       "<td class=\"num\"><a href=\"/hazards?unit_id=%D&amp;status=valid&amp;from=%s&amp;to=%s\">%D</a></td>"
			       "<td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
			       "<td class=\"num\"><a href=\"/hazards?unit_id=%D&amp;status=open&amp;overdue=1\">%D</a></td>"
			       "<td class=\"arrow %s\" title=\"%s\">%s</td></tr>",
			    i + 1, rows[i].u->id, a, b, rows[i].u->name, rows[i].u->id, a, b, rows[i].k.reported,
			    fmt(r, KPI_ON_TIME, &rows[i].k, NULL), fmt(r, KPI_CLOSURE, &rows[i].k, NULL),
			    fmt(r, KPI_REPEAT, &rows[i].k, NULL), fmt(r, KPI_RESPONSE, &rows[i].k, NULL), rows[i].u->id,
			    rows[i].k.overdue_open, cls, fmt(r, KPI_ON_TIME, &rows[i].prev, NULL), ar);
	}
	if (!n)
		html_printf(o, "<tr><td colspan=\"9\">%s</td></tr>", T(r, "report.none"));
	html_printf(o, "</tbody></table></div>");
}

/* The open major hazards of the scope by deadline. The ids come from the covering index of
 * open hazards (hazards_open_kpi), so only the few major rows are read from the table. */
void dash_major_list(struct req *r, struct strbuf *o, const struct dash *d, int limit)
{
	struct db_stmt *st = db_query(r->db,
		"SELECT h.id, h.number, h.description, a.name, u.name, h.rectify_due, h.overdue FROM hazards h"
		" JOIN units u ON u.id = h.unit_id JOIN areas a ON a.id = h.area_id"
		" WHERE h.id IN (SELECT o.id FROM hazards o WHERE o.status IN"
		"  ('reported', 'assigned', 'planning', 'plan_review', 'rectifying', 'verifying') AND o.level = 'major'"
		"  AND o.unit_id IN (SELECT id FROM units WHERE path LIKE ?1 AND path LIKE ?2)"
		"  AND (?3 = 0 OR o.reporter_id = ?3)) ORDER BY h.rectify_due, h.id LIMIT ?4",
		"ttIi", d->scope.subtree, d->scope.allowed, d->scope.owner, limit);
	int n = 0;
	html_printf(o, "<ul class=\"list major-list\">");
	while (st && db_step(st) == 1) {
		n++;
		html_printf(o, "<li><a href=\"/hazards/%D\"><strong>%s</strong> %r<p>%s</p><small>%s · %s · %s %s</small></a></li>",
			    db_col_i64(st, 0), db_col_text(st, 1),
			    db_col_i64(st, 6) ? "<span class=\"badge bad\">!</span>" : "", db_col_text(st, 2),
			    db_col_text(st, 3), db_col_text(st, 4), T(r, "report.due"), page_time(r, db_col_i64(st, 5)));
	}
	db_done(r->db, st);
	if (!n)
		html_printf(o, "<li class=\"empty\">%s</li>", T(r, "report.no_major"));
	html_printf(o, "</ul>");
}

/* ---- the page ---- */

void dash_period_tabs(struct req *r, struct strbuf *o, const struct dash *d, const char *path)
{
	html_printf(o, "<nav class=\"period-tabs\" aria-label=\"%s\">", T(r, "report.period"));
	for (int p = 0; p < PERIOD_COUNT; p++)
		html_printf(o, "<a href=\"%s?unit=%D&amp;period=%s\" data-period=\"%s\"%r>%s</a>", path, d->unit_id,
			    report_period_name(p), report_period_name(p), p == d->period ? " aria-current=\"page\"" : "",
			    T(r, report_period_key(p)));
	html_printf(o, "</nav>");
}

static void period_form(struct req *r, struct strbuf *o, const struct dash *d, const char *action)
{
	char a[16], b[16];
	kpi_format_day(d->from, a, sizeof(a));
	kpi_format_day(d->to - 1, b, sizeof(b));
	html_printf(o, "<form class=\"filters dash-filters\" method=\"get\" action=\"%s\"><label><span>%s</span>"
		       "<select name=\"unit\">", action, T(r, "report.unit"));
	struct db_stmt *st = db_query(r->db, "SELECT id, name, path FROM units WHERE active = 1 AND path LIKE ?"
					   " AND kind <> 'team' ORDER BY path", "t",
				    strcmp(r->who->scope, "own") ? auth_scope_pattern(r) : r->who->unit_path);
	while (st && db_step(st) == 1)
		html_printf(o, "<option value=\"%D\"%r>%s</option>", db_col_i64(st, 0),
			    db_col_i64(st, 0) == d->unit_id ? " selected" : "", db_col_text(st, 1));
	db_done(r->db, st);
	html_printf(o, "</select></label><label><span>%s</span><input type=\"date\" name=\"from\" value=\"%s\">%r</label>"
		       "<label><span>%s</span><input type=\"date\" name=\"to\" value=\"%s\">%r</label>"
		       "<button>%s</button></form>",
		    T(r, "report.from"), a, page_date_hint(r), T(r, "report.to"), b, page_date_hint(r), T(r, "report.show"));
}

int dash_page(struct req *r)
{
	struct dash d;
	int rc = dash_from_query(r, &d);
	if (rc) {
		dash_free(&d);
		resp_error(r, rc, rc == 404 ? "not_found" : "unavailable",
			   T(r, rc == 404 ? "error.not_found" : "error.unavailable"), NULL);
		return 0;
	}
	struct strbuf *o = &r->out;
	const char *lq = dash_list_query(r, &d);
	char month[8];
	clock_format(d.from, "%Y-%m", month, sizeof(month));
	page_begin(r, T(r, "report.dashboard"));
	html_printf(o, "<section class=\"card dash-head\"><h1>%s · %s</h1><p class=\"sub\">%s %s · %s %s</p>",
		    T(r, "report.dashboard"), d.unit_name, T(r, "report.period"), period_text(r, d.from, d.to),
		    T(r, "report.baseline"), period_text(r, d.prev_from, d.prev_to));
	dash_period_tabs(r, o, &d, "/dashboard");
	period_form(r, o, &d, "/dashboard");
	html_printf(o, "<p class=\"dash-links\"><a class=\"button\" href=\"/dashboard/screen?unit=%D%s%s\">%s</a>"
		       " <a class=\"button\" href=\"/reports/monthly?unit=%D&amp;month=%s\">%s</a>"
		       " <a href=\"/dashboard/export.xlsx?%s\">Excel</a> · <a href=\"/dashboard/export.csv?%s&amp;table=kpi\">CSV</a>"
		       " · <a href=\"/dashboard/export.csv?%s&amp;table=ranking\">%s CSV</a></p></section>",
		    d.unit_id, d.period >= 0 ? "&period=" : "", d.period >= 0 ? report_period_name(d.period) : "",
		    T(r, "report.screen"), d.unit_id, month, T(r, "report.monthly"), lq, lq, lq,
		    T(r, "report.ranking"));
	html_printf(o, "<section class=\"card\"><h2>%s</h2>", T(r, "report.kpis"));
	kpi_cards(r, o, &d);
	dash_kpi_table(r, o, &d, 0);
	/* the risk half of the dual prevention mechanism: the four colours per unit (risk module) */
	html_printf(o, "</section><section class=\"card\" id=\"dash-risk\"><h2>%s</h2>", T(r, "risk.panel.colours"));
	risk_colour_table(r, d.unit_id);
	/* the check module's coverage of control measures (双重预防: 排查), DOMAIN.md §7 */
	html_printf(o, "</section><section class=\"card\" id=\"check-coverage\"><h2>%s</h2>", T(r, "check.coverage"));
	check_coverage_html(r, d.unit_id, d.from, d.to);
	/* incidents, near misses and the lost-time injury frequency rate (accident module) */
	html_printf(o, "</section><section class=\"card\" id=\"dash-accidents\"><h2>%s</h2>", T(r, "accident.stats"));
	accident_stats_html(r, d.unit_id, d.from, d.to);
	/* training hours (安全教育培训: the training module) */
	html_printf(o, "</section><section class=\"card\" id=\"train-hours\"><h2>%s</h2>", T(r, "train.hours_title"));
	train_hours_html(r, d.unit_id, d.from, d.to);
	html_printf(o, "</section><section class=\"dash-charts\">");
	struct chart c;
	struct chart c7;
	chart_trend(r, &d, 30, &c);	/* the 30 days first: the 7 days are their end */
	chart_trend(r, &d, 7, &c7);
	svg_chart(r, o, &c7, 640, 280);
	svg_chart(r, o, &c, 640, 280);
	chart_categories(r, &d, &c);
	svg_chart(r, o, &c, 640, 0);
	chart_factors(r, &d, &c);
	svg_chart(r, o, &c, 640, 0);
	chart_repeats(r, &d, &c);
	svg_chart(r, o, &c, 640, 0);
	chart_participation(r, &d, &c);
	svg_chart(r, o, &c, 320, 0);
	chart_permits(r, &d, &c);
	svg_chart(r, o, &c, 640, 0);
	chart_areas(r, &d, &c, 40);
	svg_chart(r, o, &c, 1280, 0);
	html_printf(o, "</section><section class=\"card\"><h2>%s</h2>", T(r, "report.ranking"));
	dash_ranking(r, o, &d);
	html_printf(o, "</section><section class=\"card\"><h2>%s</h2>", T(r, "report.major_open"));
	dash_major_list(r, o, &d, 20);
	html_printf(o, "</section>");
	risk_map_panel(r, o, d.unit_id, 0);	/* 四色分布图 of the unit's company (risk module) */
	html_printf(o, "<section class=\"card footnotes\"><h2>%s</h2><dl>", T(r, "report.definitions"));
	for (int i = 0; i < KPI_COUNT; i++)
		html_printf(o, "<dt>%s</dt><dd>%s</dd>", T(r, kpi_key(i)),
			    T(r, arena_printf(&r->arena, "%s.f", kpi_key(i))));
	html_printf(o, "</dl></section>");
	page_end(r);
	dash_free(&d);
	return 0;
}

/* GET /api/v1/dashboard: the KPIs of a unit and period as numbers (null without a value). */
int dash_api(struct req *r)
{
	struct dash d;
	int rc = dash_from_query(r, &d);
	if (rc) {
		dash_free(&d);
		resp_error(r, rc, rc == 404 ? "not_found" : "unavailable",
			   T(r, rc == 404 ? "error.not_found" : "error.unavailable"), NULL);
		return 0;
	}
	json_t *k = json_object(), *raw = json_object();
	for (int i = 0; i < KPI_COUNT; i++) {
		double v;
		json_object_set_new(k, kpi_key(i) + strlen("report.kpi."),
				    kpi_value(i, &d.k, &d.base, &v) ? json_real(v) : json_null());
	}
	json_object_set_new(raw, "reported", json_integer(d.k.reported));
	json_object_set_new(raw, "closed", json_integer(d.k.closed));
	json_object_set_new(raw, "on_time", json_integer(d.k.on_time));
	json_object_set_new(raw, "repeats", json_integer(d.k.repeats));
	json_object_set_new(raw, "responded", json_integer(d.k.responded));
	json_object_set_new(raw, "reporters", json_integer(d.k.reporters));
	json_object_set_new(raw, "people", json_integer(d.k.people));
	json_object_set_new(raw, "closed_in_period", json_integer(d.k.cycle_n));
	json_object_set_new(raw, "open", json_integer(d.k.open));
	json_object_set_new(raw, "overdue_open", json_integer(d.k.overdue_open));
	json_object_set_new(raw, "major_open", json_integer(d.k.major_open));
	resp_json(r, 200, json_pack("{s:I, s:s, s:I, s:I, s:o, s:o}", "unit_id", (json_int_t)d.unit_id, "unit",
				    d.unit_name, "from", (json_int_t)d.from, "to", (json_int_t)d.to, "kpis", k, "counts", raw));
	dash_free(&d);
	return 0;
}

const struct route report_routes[] = {
	{"GET", "/dashboard", dash_page, "report.view", 0, "Safety dashboard of a unit: KPIs, charts, ranking, major hazards"},
	{"GET", "/dashboard/screen", screen_page, "report.view", 0, "Big-screen dashboard for a 1920×1080 meeting-room display"},
	{"GET", "/dashboard/screen/panels", screen_panels, "report.view", 0, "The big screen's panels as an HTML fragment (refreshed each minute)"},
	{"GET", "/dashboard/export.csv", report_csv, "report.view", 0, "A dashboard table as CSV (UTF-8 with BOM): table=kpi|ranking|category|factor|areas|repeats"},
	{"GET", "/dashboard/export.xlsx", report_xlsx, "report.view", 0, "The dashboard's tables as an Excel workbook"},
	{"GET", "/reports/monthly", monthly_page, "report.view", 0, "Monthly safety report of a unit (printable page)"},
	{"GET", "/reports/monthly.pdf", monthly_pdf, "report.view", 0, "Monthly safety report of a unit as PDF"},
	{"GET", "/api/v1/dashboard", dash_api, "report.view", ROUTE_API, "KPIs of a unit for a period (unit, from, to or month)"},
	{0},
};
