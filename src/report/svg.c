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

static void legend(struct strbuf *o, const struct chart *c, int x, int y, int fs)
{
	int lx = x, box = fs + 1;
	for (int s = 0; s < c->nseries; s++) {
		if (s == 0)
			html_printf(o, "<rect class=\"s0\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>", lx,
				    y - fs * 11 / 13, box, box);
		else
			html_printf(o, "<rect class=\"s1\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"url(#hatch-%s)\"/>",
				    lx, y - fs * 11 / 13, box, box, c->id);
		html_printf(o, "<text class=\"legend\" x=\"%d\" y=\"%d\">%s</text>", lx + box + 4, y, c->series[s]);
		/* the next entry after this one's text, at least as far as before (110 at 13 px) */
		int step = box + 4 + text_width(c->series[s]) * fs + fs * 2;
		lx += step > fs * 110 / 13 ? step : fs * 110 / 13;
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

static void columns(struct req *r, struct strbuf *o, const struct chart *c, int w, int h, int fs)
{
	int left = fs * 46 / 13, right = 10, top = fs * 30 / 13, bottom = fs * 46 / 13;
	int pw = w - left - right, ph = h - top - bottom;
	double max = 0;
	for (int i = 0; i < c->n; i++)
		for (int s = 0; s < c->nseries; s++)
			if (c->items[i].v[s] > max)
				max = c->items[i].v[s];
	double top_v = nice_max(max);
	begin(o, c, w, h);
	legend(o, c, left, fs + 3, fs);
	/* the y axis: four steps, with the unit */
	for (int g = 0; g <= 4; g++) {
		int y = top + ph - (int)lround(ph * g / 4.0);
		html_printf(o, "<line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
			       "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>",
			    left, y, left + pw, y, left - 4, y + fs / 3, num(r, top_v * g / 4));
	}
	html_printf(o, "<text class=\"axis\" x=\"%d\" y=\"%d\" transform=\"rotate(-90 %d %d)\" text-anchor=\"middle\">%s（%s）</text>",
		    fs + 2, top + ph / 2, fs + 2, top + ph / 2, c->y_label, c->unit);
	int n = c->n > 0 ? c->n : 1;
	double gw = (double)pw / n;
	int bw = (int)(gw * 0.8 / c->nseries);
	if (bw < 1)
		bw = 1;
	/* a tick label every few columns, as many as fit side by side ("11-03" ≈ 3 CJK widths) */
	int every = n > 14 ? 5 : 1;
	while (every < n && gw * every < fs * 4)
		every++;
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
		if (i % every == 0 || i == c->n - 1) {
			/* a label that would run past the right edge ends at it instead */
			int cx = left + (int)lround(gw * i + gw / 2), half = text_width(it->label) * fs / 2;
			if (cx + half > w)
				html_printf(o, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", w - 1,
					    top + ph + fs + 3, it->label);
			else
				html_printf(o, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", cx,
					    top + ph + fs + 3, it->label);
		}
	}
	html_printf(o, "<line class=\"axis-line\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", left, top + ph, left + pw,
		    top + ph);
	html_printf(o, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>", left + pw / 2, h - 6,
		    c->x_label);
	end(o, c);
}

/* max_h > 0: at most that tall, the rows that do not fit left out (the items come largest
 * first, so the ones left out are the smallest) */
static void bars(struct req *r, struct strbuf *o, const struct chart *c, int w, int max_h, int fs)
{
	int lw = 4;
	for (int i = 0; i < c->n; i++) {
		int tw = text_width(c->items[i].label);
		if (tw > lw)
			lw = tw;
	}
	if (lw > 14)
		lw = 14;
	int left = lw * fs + 12, right = fs * 44 / 13, top = fs * 2, row = fs * 2 > 26 ? fs * 3 / 2 : 26;
	int shown = c->n;
	if (max_h > 0 && top + shown * row + fs * 34 / 13 > max_h)
		shown = (max_h - top - fs * 34 / 13) / row;
	if (shown < 1)
		shown = c->n < 1 ? c->n : 1;
	int h = top + (shown > 0 ? shown : 1) * row + fs * 34 / 13;
	int pw = w - left - right;
	double max = 0;
	for (int i = 0; i < c->n; i++)
		if (c->items[i].v[0] > max)
			max = c->items[i].v[0];
	if (max <= 0)
		max = 1;
	begin(o, c, w, h);
	html_printf(o, "<text class=\"axis\" x=\"4\" y=\"%d\">%s</text>", fs + 3, c->y_label);
	if (!c->n)
		html_printf(o, "<text class=\"tick\" x=\"%d\" y=\"%d\">—</text>", left, top + fs + 5);
	for (int i = 0; i < shown; i++) {
		const struct chart_item *it = &c->items[i];
		int y = top + i * row;
		int bw = (int)lround(pw * it->v[0] / max);
		html_printf(o, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", left - 6,
			    y + row / 2 + fs / 3, cut(r, it->label, 14));
		mark(r, o, c, it, 0, left, y + row * 4 / 26, bw > 0 ? bw : 0, row - row * 8 / 26);
		html_printf(o, "<text class=\"val\" x=\"%d\" y=\"%d\">%s</text>", left + bw + 4, y + row / 2 + fs / 3,
			    num(r, it->v[0]));
	}
	int by = top + shown * row;
	html_printf(o, "<line class=\"axis-line\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", left, top, left, by);
	html_printf(o, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s（%s）</text>", left + pw / 2,
		    by + fs * 24 / 13, c->x_label, c->unit);
	end(o, c);
}

static const char *const risk_keys[4] = {"report.risk.blue", "report.risk.yellow", "report.risk.orange",
					 "report.risk.red"};
static const char *const risk_short[4] = {"report.risk.blue_s", "report.risk.yellow_s", "report.risk.orange_s",
					  "report.risk.red_s"};

/* An area's name on a tile: whole, on one line or, at its first space, on two ("合成一车间 反应釜区"
 * → "合成一车间" / "反应釜区") when it is wider than `fit` CJK widths; *l2 is NULL on one line.
 * Returns the widest line's width in CJK widths. */
static int tile_lines(struct req *r, const char *label, int fit, const char **l1, const char **l2)
{
	const char *sp = strchr(label, ' ');
	*l1 = label;
	*l2 = NULL;
	int whole = text_width(label);
	if (whole <= fit || !sp)
		return whole;
	*l1 = arena_strndup(&r->arena, label, (size_t)(sp - label));
	*l2 = sp + 1;
	int a = text_width(*l1), b = text_width(*l2);
	return a > b ? a : b;
}

/* Tiles as wide as the longest name line needs (names are never cut: a cut name on a wall
 * screen is a riddle), as many columns as fit in w; max_h > 0 keeps the map that tall, the
 * tiles that do not fit left out (the items come with open hazards first, most first). */
static void heat(struct req *r, struct strbuf *o, const struct chart *c, int w, int max_h, int fs)
{
	int gap = 6, top = 8, pad = fs / 2 > 6 ? fs / 2 : 6;
	int need = 4;	/* the widest name line, in CJK widths */
	for (int i = 0; i < c->n; i++) {
		const char *l1, *l2;
		int wide = tile_lines(r, c->items[i].label, 0, &l1, &l2);	/* split wherever it can be */
		if (wide > need)
			need = wide;
	}
	int cols = w >= 900 ? 8 : 5;
	/* fewer columns when a name line would not fit its tile */
	while (cols > 1 && (w - gap * (cols + 1)) / cols < need * fs + 2 * pad)
		cols--;
	int tw = (w - gap * (cols + 1)) / cols;
	int fit = (tw - 2 * pad) / fs;	/* CJK widths that fit on one line */
	int two = 0;
	for (int i = 0; i < c->n; i++) {
		const char *l1, *l2;
		tile_lines(r, c->items[i].label, fit, &l1, &l2);
		two |= l2 != NULL;
	}
	int line = fs * 20 / 13 > fs + 4 ? fs * 20 / 13 : fs + 4;
	int th = pad + (two ? 2 : 1) * line + line + pad / 2;
	if (th < 58)
		th = 58;
	int legend_h = fs + 17;
	int shown = c->n;
	if (max_h > 0) {
		int rows_fit = (max_h - top - legend_h) / (th + gap);
		if (rows_fit < 1)
			rows_fit = 1;
		if (shown > rows_fit * cols)
			shown = rows_fit * cols;
	}
	int rows = (shown + cols - 1) / cols;
	int h = top + (rows > 0 ? rows : 1) * (th + gap) + legend_h;
	double max = 1;
	for (int i = 0; i < c->n; i++)
		if (c->items[i].v[0] > max)
			max = c->items[i].v[0];
	begin(o, c, w, h);
	for (int i = 0; i < shown; i++) {
		const struct chart_item *it = &c->items[i];
		int x = gap + (i % cols) * (tw + gap), y = top + (i / cols) * (th + gap);
		/* the count sets the strength: 5 steps of the risk colour */
		int step = it->v[0] <= 0 ? 0 : 1 + (int)(3.999 * it->v[0] / max);
		const char *tip = arena_printf(&r->arena, "%s: %s %s · %s", it->label, num(r, it->v[0]), c->unit,
					       T(r, risk_keys[it->risk]));
		const char *l1, *l2;
		tile_lines(r, it->label, fit, &l1, &l2);
		if (it->href[0])
			html_printf(o, "<a href=\"%s\" class=\"mark\" data-count=\"%s\">", it->href[0], num(r, it->v[0]));
		html_printf(o, "<rect class=\"tile r%d k%d\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\"><title>%s</title></rect>"
			       "<text class=\"tile-name\" x=\"%d\" y=\"%d\">%s",
			    it->risk, step, x, y, tw, th, tip, x + pad, y + pad / 2 + line * 3 / 4, l1);
		if (l2)
			html_printf(o, "<tspan x=\"%d\" dy=\"%d\">%s</tspan>", x + pad, line, l2);
		html_printf(o, "</text><text class=\"tile-val\" x=\"%d\" y=\"%d\">%s %s</text>",
			    x + pad, y + th - pad, num(r, it->v[0]), T(r, risk_short[it->risk]));
		if (it->href[0])
			html_printf(o, "</a>");
	}
	int ly = h - 10;
	for (int k = 3; k >= 0; k--) {
		int lx = gap + (3 - k) * (w / 4);
		html_printf(o, "<rect class=\"tile r%d k3\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>"
			       "<text class=\"legend\" x=\"%d\" y=\"%d\">%s</text>",
			    k, lx, ly - fs * 11 / 13, fs + 1, fs + 1, lx + fs + 5, ly, T(r, risk_keys[k]));
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
	svg_chart_sized(r, o, c, width, height, 0, 13);
}

void svg_chart_sized(struct req *r, struct strbuf *o, const struct chart *c, int width, int height, int max_h,
		     int fs)
{
	switch (c->kind) {
	case CHART_COLUMNS:
		columns(r, o, c, width, height, fs);
		break;
	case CHART_BARS:
		bars(r, o, c, width, max_h, fs);
		break;
	case CHART_HEAT:
		heat(r, o, c, width, max_h, fs);
		break;
	case CHART_GAUGE:
		gauge(r, o, c, width);
		break;
	}
}
