/*
 * sensor_chart.c — a sensor's readings as a line chart the server writes in SVG (no script
 * in the browser, as the dashboard's charts: report/svg.c): the readings since a time (raw,
 * or minute averages where the raw ones have been downsampled), the thresholds as dashed
 * lines, the least and greatest values and the first and last times as text. At most 240
 * points are drawn: more readings are averaged in equal slices of time.
 */
#include "sensor/sensor.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "web/html.h"
#include "web/i18n.h"

#include <math.h>
#include <string.h>
#include <time.h>

#define W 360
#define H 180
#define LEFT 44
#define RIGHT 8
#define TOP 10
#define BOTTOM 28
#define SLOTS 240

static const char *clock_text(struct req *r, int64_t t)
{
	time_t tt = (time_t)(t + clock_local_offset());	/* the plant's zone, as every page shows */
	struct tm tm;
	gmtime_r(&tt, &tm);
	return arena_printf(&r->arena, "%02d-%02d %02d:%02d", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

int sensor_chart_html(struct req *r, const struct sensor_info *s, int64_t since, int64_t now)
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
	if (!any) {
		html_printf(&r->out, "<p class=\"muted\">%s</p>", T(r, "sensor.no_readings"));
		return -1;
	}
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
	html_printf(&r->out, "<figure class=\"sensor-chart\"><svg viewBox=\"0 0 %d %d\" role=\"img\""
			     " aria-label=\"%s %s\" xmlns=\"http://www.w3.org/2000/svg\">"
			     "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" class=\"frame\"/>",
		    W, H, T(r, "sensor.chart"), s->name, LEFT, TOP, pw, ph);
	static const char *const cls[3] = {"warn", "alarm", "trip"};
	for (int i = 0; i < 3; i++)
		if (has[i]) {
			int y = TOP + (int)lround((hi - th[i]) / (hi - lo) * ph);
			html_printf(&r->out, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" class=\"th %s\"/>", LEFT,
				    LEFT + pw, y, y, cls[i]);
		}
	struct strbuf pts = STRBUF_INIT;
	for (int k = 0; k < SLOTS; k++)
		if (cnt[k]) {
			double v = sum[k] / cnt[k];
			sb_addf(&pts, "%d,%d ", LEFT + k * pw / (SLOTS - 1),
				TOP + (int)lround((hi - v) / (hi - lo) * ph));
		}
	html_printf(&r->out, "<polyline class=\"line\" points=\"%s\"/>", pts.buf);
	sb_release(&pts);
	html_printf(&r->out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
			     "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
			     "<text x=\"%d\" y=\"%d\">%s</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
			     "</svg><figcaption>%s · %s</figcaption></figure>",
		    LEFT - 4, TOP + 12, arena_printf(&r->arena, "%.4g", hi), LEFT - 4, TOP + ph,
		    arena_printf(&r->arena, "%.4g", lo), LEFT, H - 8, clock_text(r, since), W - RIGHT, H - 8,
		    clock_text(r, now), s->name, s->uom);
	return 0;
}
