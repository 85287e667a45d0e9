/*
 * sensor_chart.c — a sensor's readings as a line chart the server writes in SVG (no script
 * in the browser, as the dashboard's charts: report/svg.c): the readings since a time (raw,
 * or minute averages where the raw ones have been downsampled), the thresholds as dashed
 * lines (amber 预警, red 报警, dark red 联锁停机), the least and greatest values and the
 * first and last times as text. At most 240 points are drawn: more readings are averaged in
 * equal slices of time. The SVG carries its own colours, so the same markup serves inline
 * (the sensor and area pages) and as an image, GET /sensors/:id/chart.svg, which other
 * modules' pages embed without calling this module (the permit site page).
 */
#include "sensor/sensor.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "http/static.h"
#include "base/text.h"
#include "web/html.h"
#include "web/i18n.h"

#include <math.h>
#include <string.h>
#include <time.h>

/* text of 16 units: about 13 px when the 360-unit chart fills a phone's column */
#define W 360
#define H 200
#define LEFT 64
#define RIGHT 8
#define TOP 12
#define BOTTOM 32
#define SLOTS 240

static const char *clock_text(struct req *r, int64_t t)
{
	time_t tt = (time_t)(t + clock_local_offset());	/* the plant's zone, as every page shows */
	struct tm tm;
	gmtime_r(&tt, &tm);
	return arena_printf(&r->arena, "%02d-%02d %02d:%02d", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

/* The <svg> of sensor s from since to now into out; 0, or -1 when there are no readings. */
static int chart_svg(struct req *r, struct strbuf *out, const struct sensor_info *s, int64_t since, int64_t now)
{
	double sum[SLOTS] = {0};
	int cnt[SLOTS] = {0};
	double lo = INFINITY, hi = -INFINITY;
	int64_t span = now - since > 60 ? now - since : 60;
	struct db_stmt *st = db_query(r->db, "SELECT at, value FROM sensor_readings WHERE sensor_id = ? AND at >= ?"
				       " AND at <= ? UNION ALL SELECT minute, avg FROM sensor_minutes WHERE sensor_id = ?"
				       " AND minute >= ? AND minute <= ?", "IIIIII", s->id, since, now, s->id, since, now);
	int any = 0;
	while (st && db_step(st) == 1) {
		int64_t at = db_col_i64(st, 0);
		double v = db_col_double(st, 1);
		int k = (int)((at - since) * (SLOTS - 1) / span);
		sum[k] += v;
		cnt[k]++;
		any = 1;
	}
	db_done(r->db, st);
	if (!any)
		return -1;
	for (int k = 0; k < SLOTS; k++)
		if (cnt[k]) {
			double v = sum[k] / cnt[k];
			lo = v < lo ? v : lo;
			hi = v > hi ? v : hi;
		}
	/* the thresholds belong on the chart even when the readings stay far from them */
	const double th[3] = {s->warn, s->alarm, s->trip};
	const int has[3] = {s->has_warn, s->has_alarm, s->has_trip};
	for (int i = 0; i < 3; i++)
		if (has[i]) {
			lo = th[i] < lo ? th[i] : lo;
			hi = th[i] > hi ? th[i] : hi;
		}
	if (hi - lo < 1e-9) {
		hi += 1;
		lo -= 1;
	}
	double pad = (hi - lo) * 0.05;
	hi += pad;
	lo -= pad;
	const int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
	html_printf(out, "<svg class=\"sensor-chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s %s %s\""
			 " xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\" font-size=\"16\">"
			 "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#fff\" stroke=\"#bbb\"/>",
		    W, H, T(r, "sensor.chart"), s->code, s->name, LEFT, TOP, pw, ph);
	static const char *const colour[3] = {"#d98e04", "#d0312d", "#7a0c0c"};
	for (int i = 0; i < 3; i++)
		if (has[i]) {
			int y = TOP + (int)lround((hi - th[i]) / (hi - lo) * ph);
			html_printf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-dasharray=\"6 4\"/>",
				    LEFT, LEFT + pw, y, y, colour[i]);
		}
	struct strbuf pts = STRBUF_INIT;
	for (int k = 0; k < SLOTS; k++)
		if (cnt[k]) {
			double v = sum[k] / cnt[k];
			sb_addf(&pts, "%d,%d ", LEFT + k * pw / (SLOTS - 1), TOP + (int)lround((hi - v) / (hi - lo) * ph));
		}
	html_printf(out, "<polyline fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\" points=\"%s\"/>", pts.buf);
	sb_release(&pts);
	html_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
			 "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
			 "<text x=\"%d\" y=\"%d\">%s</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text></svg>",
		    LEFT - 4, TOP + 14, arena_printf(&r->arena, "%.3g", hi), LEFT - 4, TOP + ph,
		    arena_printf(&r->arena, "%.3g", lo), LEFT, H - 8, clock_text(r, since), W - RIGHT, H - 8,
		    clock_text(r, now));
	return 0;
}

int sensor_chart_html(struct req *r, const struct sensor_info *s, int64_t since, int64_t now)
{
	html_printf(&r->out, "<figure class=\"sensor-chart\">");
	int rc = chart_svg(r, &r->out, s, since, now);
	if (rc)
		html_printf(&r->out, "<p class=\"muted\">%s</p>", T(r, "sensor.no_readings"));
	/* the dashed lines named, with their values: the chart reads in black and white too */
	html_printf(&r->out, "<figcaption>%s %s · %s", s->code, s->name, s->uom);
	static const char *const keys[3] = {"sensor.warn", "sensor.alarm", "sensor.trip"};
	const double th[3] = {s->warn, s->alarm, s->trip};
	const int has[3] = {s->has_warn, s->has_alarm, s->has_trip};
	for (int i = 0; i < 3; i++)
		if (has[i])
			html_printf(&r->out, " · ╌ %s %s", T(r, keys[i]), arena_printf(&r->arena, "%g", th[i]));
	html_printf(&r->out, "</figcaption></figure>");
	return rc;
}

void sensor_area_charts(struct req *r, int64_t area_id, int64_t seconds)
{
	int64_t ids[20];
	int n = 0;
	struct db_stmt *st = db_query(r->db, "SELECT id FROM sensors WHERE area_id = ? AND active = 1"
				       " ORDER BY kind <> 'gas', code LIMIT 20", "I", area_id);
	while (st && db_step(st) == 1)
		ids[n++] = db_col_i64(st, 0);
	db_done(r->db, st);
	if (!n)
		return;
	int64_t now = clock_now();
	html_printf(&r->out, "<link rel=\"stylesheet\" href=\"%s\"><section class=\"sensor-charts\"><h2>%s</h2>",
		    static_url("sensor.css"), T(r, "sensor.area_readings"));
	for (int i = 0; i < n; i++) {
		struct sensor_info s;
		if (sensor_info_load(r->db, ids[i], &s) == 0)
			sensor_chart_html(r, &s, now - seconds, now);
	}
	html_printf(&r->out, "</section>");
}

/* GET /sensors/:id/chart.svg?hours=N (1–168, default 24): the chart as an image, within the
 * caller's data scope; a sensor without readings answers an empty frame with the note. */
int sensor_chart_image(struct req *r)
{
	int64_t id = 0, hours = 24;
	struct sensor_info s;
	int64_t n = 0;
	const char *h = req_query(r, "hours");
	if (h && (text_parse_i64(h, &hours) || hours < 1 || hours > 168)) {
		resp_error(r, 422, "invalid", T(r, "error.invalid"), "hours");
		return 0;
	}
	if (req_param_id(r, "id", &id) != 0 || sensor_info_load(r->db, id, &s) ||
	    db_get_i64(r->db, &n, "SELECT count(*) FROM areas a JOIN units un ON un.id = a.unit_id"
		       " WHERE a.id = ? AND un.path LIKE ?", "It", s.area_id, auth_scope_pattern(r)) != 1 || !n) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	struct strbuf svg = STRBUF_INIT;
	int64_t now = clock_now();
	if (chart_svg(r, &svg, &s, now - hours * 3600, now))
		html_printf(&svg, "<svg viewBox=\"0 0 %d %d\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"sans-serif\""
				  " font-size=\"14\"><text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text></svg>",
			    W, 40, W / 2, 24, T(r, "sensor.no_readings"));
	resp_text(r, 200, "image/svg+xml", svg.buf, svg.len);
	sb_release(&svg);
	return 0;
}
