/*
 * svg.c — charts as SVG written by the server: no chart library and no script in the browser
 * (the Content-Security-Policy forbids inline script, and pages must work without any).
 *
 * Every chart is a <figure> with a caption (the title), axis labels with their unit, a legend
 * in the page's language, and an <a> around each mark that opens the filtered hazard list
 * behind it. Colours come from CSS classes (static/app.css "dashboard"), so the big screen can
 * darken them and print can turn them to greys; the second series is hatched and every value
 * is also written as text, so a black-and-white printout still reads.
 *
 * Coordinates are whole pixels of the viewBox; html_printf escapes every label.
 */
#include "report/report.h"
#include "web/html.h"
#include "web/i18n.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The first `max` characters of a UTF-8 label, with "…" when cut. */
static const char *cut(struct req *r, const char *s, int max)
{
	int n = 0;
	const char *p = s;
	while (*p) {
		if (n == max) {
			return arena_printf(&r->arena, "%.*s…", (int)(p - s), s);
		}
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
		n++;
	}
	return s;
}

/* Display width of a label in units of a CJK character (ASCII counts half). */
static int text_width(const char *s)
{
	int w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80)
			w += 1;
		else if ((*p & 0xC0) != 0x80)
			w += 2;
	}
	return (w + 1) / 2;
}

static const char *num(struct req *r, double v)
{
	if (v == floor(v) && fabs(v) < 1e15)
		return arena_printf(&r->arena, "%lld", (long long)v);
	return arena_printf(&r->arena, "%.1f", v);
}

/* A round upper bound for an axis of four steps: each step 1, 2 or 5 × 10^k, at least 4. */
static double nice_max(double v)
{
	if (v <= 4)
		return 4;
	double raw = v / 4, p = pow(10, floor(log10(raw))), m = raw / p;
	double step = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
	return step * p * 4;
}

static void begin(struct strbuf *o, const struct chart *c, int w, int h)
{
	html_printf(o, "<figure class=\"chart chart-%s\" data-chart=\"%s\"><figcaption>%s</figcaption>"
		       "<svg viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\" preserveAspectRatio=\"xMidYMid meet\">",
		    c->id, c->id, c->title, w, h, c->title);
	/* the hatch of the second series: lines that survive black-and-white printing */
	html_printf(o, "<defs><pattern id=\"hatch-%s\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\""
		       " patternTransform=\"rotate(45)\"><rect class=\"hatch-bg\" width=\"6\" height=\"6\"/>"
		       "<line class=\"hatch\" x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\"/></pattern></defs>", c->id);
}

static void end(struct strbuf *o, const struct chart *c)
{
	html_printf(o, "</svg>");
	if (c->note)
		html_printf(o, "<p class=\"chart-note\">%s</p>", c->note);
	html_printf(o, "</figure>");
}

static void legend(struct strbuf *o, const struct chart *c, int x, int y)
{
	for (int s = 0; s < c->nseries; s++) {
		int lx = x + s * 110;
		if (s == 0)
			html_printf(o, "<rect class=\"s0\" x=\"%d\" y=\"%d\" width=\"14\" height=\"14\"/>", lx, y - 11);
		else
			html_printf(o, "<rect class=\"s1\" x=\"%d\" y=\"%d\" width=\"14\" height=\"14\" fill=\"url(#hatch-%s)\"/>",
				    lx, y - 11, c->id);
		html_printf(o, "<text class=\"legend\" x=\"%d\" y=\"%d\">%s</text>", lx + 18, y, c->series[s]);
	}
}

static void mark(struct req *r, struct strbuf *o, const struct chart *c, const struct chart_item *it, int s,
		 int x, int y, int w, int h)
{
	const char *tip = arena_printf(&r->arena, "%s · %s: %s %s", it->label, c->series[s] ? c->series[s] : "",
				       num(r, it->v[s]), c->unit ? c->unit : "");
	if (it->href[s])
		html_printf(o, "<a href=\"%s\" class=\"mark\" data-count=\"%s\">", it->href[s], num(r, it->v[s]));
	if (s == 0)
		html_printf(o, "<rect class=\"s0\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"><title>%s</title></rect>",
			    x, y, w, h, tip);
	else
		html_printf(o, "<rect class=\"s1\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"url(#hatch-%s)\">"
			       "<title>%s</title></rect>", x, y, w, h, c->id, tip);
	if (it->href[s])
		html_printf(o, "</a>");
}

static void columns(struct req *r, struct strbuf *o, const struct chart *c, int w, int h)
{
	int left = 46, right = 10, top = 30, bottom = 46;
	int pw = w - left - right, ph = h - top - bottom;
	double max = 0;
	for (int i = 0; i < c->n; i++)
		for (int s = 0; s < c->nseries; s++)
			if (c->items[i].v[s] > max)
				max = c->items[i].v[s];
	double top_v = nice_max(max);
	begin(o, c, w, h);
	legend(o, c, left, 16);
	/* the y axis: four steps, with the unit */
	for (int g = 0; g <= 4; g++) {
		int y = top + ph - (int)lround(ph * g / 4.0);
		html_printf(o, "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
			       "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
			    left, y, left + pw, y, left - 4, y + 4, num(r, top_v * g / 4));
	}
	html_printf(o, "<text class=\"axis\" x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">%s（%s）</text>",
		    top + ph / 2, top + ph / 2, c->y_label, c->unit);
	int n = c->n > 0 ? c->n : 1;
	double gw = (double)pw / n;
	int bw = (int)(gw * 0.8 / c->nseries);
	if (bw < 1)
		bw = 1;
	int every = n > 14 ? 5 : 1;
	for (int i = 0; i < c->n; i++) {
		const struct chart_item *it = &c->items[i];
		int gx = left + (int)lround(gw * i + gw * 0.1);
		for (int s = 0; s < c->nseries; s++) {
			int bh = (int)lround(ph * it->v[s] / top_v);
			int x = gx + s * bw, y = top + ph - bh;
			mark(r, o, c, it, s, x, y, bw > 2 ? bw - 1 : bw, bh);
			if (n <= 14 && it->v[s] > 0)
				html_printf(o, "<text class=\"val\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
					    x + bw / 2, y - 3, num(r, it->v[s]));
		}
		if (i % every == 0 || i == c->n - 1)
			html_printf(o, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
				    left + (int)lround(gw * i + gw / 2), top + ph + 16, it->label);
	}
	html_printf(o, "<line class=\"axis-line\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", left, top + ph, left + pw,
		    top + ph);
	html_printf(o, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", left + pw / 2, h - 6,
		    c->x_label);
	end(o, c);
}

static void bars(struct req *r, struct strbuf *o, const struct chart *c, int w)
{
	int lw = 4;
	for (int i = 0; i < c->n; i++) {
		int tw = text_width(c->items[i].label);
		if (tw > lw)
			lw = tw;
	}
	if (lw > 14)
		lw = 14;
	int left = lw * 13 + 12, right = 44, top = 26, row = 26;
	int h = top + (c->n > 0 ? c->n : 1) * row + 34;
	int pw = w - left - right;
	double max = 0;
	for (int i = 0; i < c->n; i++)
		if (c->items[i].v[0] > max)
			max = c->items[i].v[0];
	if (max <= 0)
		max = 1;
	begin(o, c, w, h);
	html_printf(o, "<text class=\"axis\" x=\"4\" y=\"16\">%s</text>", c->y_label);
	if (!c->n)
		html_printf(o, "<text class=\"tick\" x=\"%d\" y=\"%d\">—</text>", left, top + 18);
	for (int i = 0; i < c->n; i++) {
		const struct chart_item *it = &c->items[i];
		int y = top + i * row;
		int bw = (int)lround(pw * it->v[0] / max);
		html_printf(o, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", left - 6, y + 17,
			    cut(r, it->label, 14));
		mark(r, o, c, it, 0, left, y + 4, bw > 0 ? bw : 0, row - 8);
		html_printf(o, "<text class=\"val\" x=\"%d\" y=\"%d\">%s</text>", left + bw + 4, y + 17, num(r, it->v[0]));
	}
	int by = top + c->n * row;
	html_printf(o, "<line class=\"axis-line\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", left, top, left, by);
	html_printf(o, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s（%s）</text>", left + pw / 2,
		    by + 24, c->x_label, c->unit);
	end(o, c);
}

static const char *const risk_keys[4] = {"report.risk.blue", "report.risk.yellow", "report.risk.orange",
					 "report.risk.red"};
static const char *const risk_short[4] = {"report.risk.blue_s", "report.risk.yellow_s", "report.risk.orange_s",
					  "report.risk.red_s"};

static void heat(struct req *r, struct strbuf *o, const struct chart *c, int w)
{
	int cols = w >= 900 ? 8 : 5, gap = 6, top = 8;
	int tw = (w - gap * (cols + 1)) / cols, th = 58;
	int rows = (c->n + cols - 1) / cols;
	int h = top + (rows > 0 ? rows : 1) * (th + gap) + 30;
	double max = 1;
	for (int i = 0; i < c->n; i++)
		if (c->items[i].v[0] > max)
			max = c->items[i].v[0];
	begin(o, c, w, h);
	for (int i = 0; i < c->n; i++) {
		const struct chart_item *it = &c->items[i];
		int x = gap + (i % cols) * (tw + gap), y = top + (i / cols) * (th + gap);
		/* the count sets the strength: 5 steps of the risk colour */
		int step = it->v[0] <= 0 ? 0 : 1 + (int)(3.999 * it->v[0] / max);
		const char *tip = arena_printf(&r->arena, "%s: %s %s · %s", it->label, num(r, it->v[0]), c->unit,
					       T(r, risk_keys[it->risk]));
		if (it->href[0])
			html_printf(o, "<a href=\"%s\" class=\"mark\" data-count=\"%s\">", it->href[0], num(r, it->v[0]));
		html_printf(o, "<rect class=\"tile r%d k%d\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\"><title>%s</title></rect>"
			       "<text class=\"tile-name\" x=\"%d\" y=\"%d\">%s</text>"
			       "<text class=\"tile-val\" x=\"%d\" y=\"%d\">%s %s</text>",
			    it->risk, step, x, y, tw, th, tip, x + 6, y + 20, cut(r, it->label, tw / 14 > 2 ? tw / 14 : 2),
			    x + 6, y + 45, num(r, it->v[0]), T(r, risk_short[it->risk]));
		if (it->href[0])
			html_printf(o, "</a>");
	}
	int ly = h - 10;
	for (int k = 3; k >= 0; k--) {
		int lx = gap + (3 - k) * (w / 4);
		html_printf(o, "<rect class=\"tile r%d k3\" x=\"%d\" y=\"%d\" width=\"14\" height=\"14\"/>"
			       "<text class=\"legend\" x=\"%d\" y=\"%d\">%s</text>",
			    k, lx, ly - 11, lx + 18, ly, T(r, risk_keys[k]));
	}
	end(o, c);
}

static void gauge(struct req *r, struct strbuf *o, const struct chart *c, int w)
{
	int h = 190, cx = w / 2, cy = 150, rad = 110;
	double v = c->n ? c->items[0].v[0] : -1;
	begin(o, c, w, h);
	if (c->n && c->items[0].href[0])
		html_printf(o, "<a href=\"%s\" class=\"mark\">", c->items[0].href[0]);
	html_printf(o, "<path class=\"gauge-bg\" d=\"M %d %d A %d %d 0 0 1 %d %d\"/>", cx - rad, cy, rad, rad, cx + rad, cy);
	if (v > 0) {
		double a = M_PI * (1 - (v > 1 ? 1 : v));
		int ex = cx + (int)lround(rad * cos(a)), ey = cy - (int)lround(rad * sin(a));
		html_printf(o, "<path class=\"gauge-fg\" d=\"M %d %d A %d %d 0 0 1 %d %d\"/>", cx - rad, cy, rad, rad, ex, ey);
	}
	html_printf(o, "<text class=\"gauge-val\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", cx, cy - 20,
		    v < 0 ? "—" : arena_printf(&r->arena, "%.1f%%", v * 100));
	html_printf(o, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s %s</text>", cx, cy + 4,
		    c->items[0].label, T(r, "report.unit.people"));
	if (c->n && c->items[0].href[0])
		html_printf(o, "</a>");
	html_printf(o, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">0%%</text>"
		       "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">100%%</text>",
		    cx - rad, cy + 20, cx + rad, cy + 20);
	end(o, c);
}

void svg_chart(struct req *r, struct strbuf *o, const struct chart *c, int width, int height)
{
	switch (c->kind) {
	case CHART_COLUMNS:
		columns(r, o, c, width, height);
		break;
	case CHART_BARS:
		bars(r, o, c, width);
		break;
	case CHART_HEAT:
		heat(r, o, c, width);
		break;
	case CHART_GAUGE:
		gauge(r, o, c, width);
		break;
	}
}
