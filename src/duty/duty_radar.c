/*
 * duty_radar.c — the duty evaluation's radar chart (履职雷达图), written by the server as SVG:
 * one axis per duty of the person's list, rings at 25/50/75/100 % fulfilment, the person's
 * polygon, and each axis labelled with the duty (escaped: titles are typed by people) and its
 * percentage. With fewer than three duties a radar says nothing, so the axes are drawn as
 * bars from the centre.
 */
#include "duty/duty.h"
#include "base/strbuf.h"
#include "web/html.h"

#include <math.h>
#include <stdio.h>

#define R_CX 230.0
#define R_CY 160.0
#define R_RAD 90.0
#define R_LABEL_CHARS 6	/* characters of a duty's title on its axis (the table has it whole) */
/* in viewBox units: the chart is drawn about 300 px wide on a 360-px phone, where 18 units
 * are about 12 px; six characters at that size still fit beside the rings */
#define R_FONT 18

/* the first R_LABEL_CHARS characters of a UTF-8 title, with "…" when cut */
static void short_label(char *out, size_t n, const char *s)
{
	size_t i = 0, chars = 0;
	while (s[i] && chars < R_LABEL_CHARS) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
		chars++;
	}
	snprintf(out, n, "%.*s%s", (int)i, s, s[i] ? "…" : "");
}

static void point(int i, int n, double frac, double *x, double *y)
{
	double a = -M_PI / 2 + 2 * M_PI * i / n;
	*x = R_CX + R_RAD * frac * cos(a);
	*y = R_CY + R_RAD * frac * sin(a);
}

void duty_radar_svg(struct strbuf *out, const struct duty_line *v, int n)
{
	char b[64];
	html_printf(out, "<svg class=\"duty-radar\" viewBox=\"0 0 460 320\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">");
	if (n <= 0) {
		html_printf(out, "</svg>");
		return;
	}
	/* rings */
	for (int ring = 1; ring <= 4; ring++) {
		struct strbuf pts;
		sb_init(&pts, 128);
		for (int i = 0; i < n; i++) {
			double x, y;
			point(i, n, ring / 4.0, &x, &y);
			sb_addf(&pts, "%s%.1f,%.1f", i ? " " : "", x, y);
		}
		html_printf(out, "<polygon class=\"ring\" points=\"%s\" fill=\"none\" stroke=\"#ccc\"/>", pts.buf ? pts.buf : "");
		sb_release(&pts);
	}
	/* axes and labels */
	for (int i = 0; i < n; i++) {
		double x, y, lx, ly;
		point(i, n, 1, &x, &y);
		point(i, n, 1.14, &lx, &ly);
		const char *anchor = lx < R_CX - 5 ? "end" : lx > R_CX + 5 ? "start" : "middle";
		snprintf(b, sizeof b, "%.1f", x);
		html_printf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%s\"", (int)R_CX, (int)R_CY, b);
		snprintf(b, sizeof b, "%.1f", y);
		html_printf(out, " y2=\"%s\" stroke=\"#bbb\"/>", b);
		snprintf(b, sizeof b, "%.1f", lx);
		html_printf(out, "<text class=\"axis\" x=\"%s\"", b);
		/* two lines, the title over its percentage: above the top axis, below the bottom ones,
		 * centred on the axis beside */
		double y1 = ly < R_CY - 5 ? ly - R_FONT : ly > R_CY + 5 ? ly + R_FONT * 0.8 : ly - R_FONT * 0.2;
		snprintf(b, sizeof b, "%.1f", y1);
		char label[64], x2[16], y2[16];
		short_label(label, sizeof label, v[i].title);
		snprintf(x2, sizeof x2, "%.1f", lx);
		snprintf(y2, sizeof y2, "%.1f", y1 + R_FONT * 1.1);
		html_printf(out, " y=\"%s\" text-anchor=\"%s\" font-size=\"%d\"><title>%s</title>%s<tspan x=\"%s\" y=\"%s\">%d%%</tspan></text>",
			    b, anchor, R_FONT, v[i].title, label, x2, y2, v[i].fig.fulfil);
	}
	/* the person's polygon (a bar per axis when there are fewer than three) */
	struct strbuf pts;
	sb_init(&pts, 128);
	for (int i = 0; i < n; i++) {
		double x, y;
		point(i, n, v[i].fig.fulfil / 100.0, &x, &y);
		sb_addf(&pts, "%s%.1f,%.1f", i ? " " : "", x, y);
		if (n < 3) {
			char x2[16], y2[16];
			snprintf(x2, sizeof x2, "%.1f", x);
			snprintf(y2, sizeof y2, "%.1f", y);
			html_printf(out, "<line class=\"bar\" x1=\"%d\" y1=\"%d\" x2=\"%s\" y2=\"%s\" stroke=\"#c0392b\" stroke-width=\"6\"/>",
				    (int)R_CX, (int)R_CY, x2, y2);
		}
	}
	if (n >= 3)
		html_printf(out, "<polygon class=\"score\" points=\"%s\" fill=\"rgba(192,57,43,.25)\" stroke=\"#c0392b\" stroke-width=\"2\"/>",
			    pts.buf ? pts.buf : "");
	sb_release(&pts);
	html_printf(out, "</svg>");
}
