/*
 * risk_card_pdf.c — the risk notice cards of a unit as one PDF, one card a page, A4 or A5,
 * drawn with cairo and pango over the shared PDF layer (web/pdfdoc.h, as the monthly report).
 *
 * A card is one page by design (it is posted at the place): the band in the level's colour,
 * the facts, each risk with its accidents, measures and emergency actions, and at the foot the
 * responsible person, the phone numbers and the QR code of the place's hazard report. What
 * does not fit is cut with a line pointing to the card online, never carried to a second page,
 * so the batch has exactly one page per object.
 */
#include "risk/risk_map.h"
#include "risk/risk.h"
#include "org/org.h"
#include "web/i18n.h"
#include "web/pdfdoc.h"

#include <qrencode.h>
#include <string.h>

struct card_pen {
	struct req *r;
	cairo_t *cr;
	double w, h, m, y, s;	/* page, margin, pen, scale of the text (A5 smaller) */
};

static void level_rgb(const char *level, double *c)
{
	static const struct {
		const char *level;
		double rgb[3];
	} t[] = {{"major", {0.851, 0.149, 0.173}}, {"large", {0.949, 0.549, 0.110}},
		 {"general", {0.961, 0.816, 0.102}}, {"low", {0.184, 0.435, 0.839}}};
	c[0] = c[1] = c[2] = 0.55;
	for (size_t i = 0; i < sizeof(t) / sizeof(*t); i++)
		if (level && !strcmp(level, t[i].level))
			memcpy(c, t[i].rgb, sizeof(t[i].rgb));
}

/* Write a line (wrapping) if it fits above `limit`; 0 when it did not fit. */
static int line(struct card_pen *p, const char *s, double size, int bold, double indent, double limit)
{
	if (p->y + size * p->s * 1.5 > limit)
		return 0;
	p->y += pdfdoc_text(p->cr, p->m + indent, p->y, s, size * p->s, bold, p->w - 2 * p->m - indent, 0) + 2 * p->s;
	return 1;
}

static void qr(cairo_t *cr, const char *text, double x, double y, double size)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return;
	double mod = size / (q->width + 8);	/* a 4-module quiet zone each side */
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	cairo_set_source_rgb(cr, 0, 0, 0);
	for (int j = 0; j < q->width; j++)
		for (int i = 0; i < q->width; i++)
			if (q->data[j * q->width + i] & 1)
				cairo_rectangle(cr, x + (i + 4) * mod, y + (j + 4) * mod, mod, mod);
	cairo_fill(cr);
	QRcode_free(q);
}

static void card_page(struct card_pen *p, const struct risk_card *c)
{
	struct req *r = p->r;
	cairo_t *cr = p->cr;
	double rgb[3];
	level_rgb(c->level, rgb);
	double band = 64 * p->s;
	cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
	cairo_rectangle(cr, 0, 0, p->w, band);
	cairo_fill(cr);
	/* yellow takes dark text, the other colours white */
	if (!strcmp(c->level, "general"))
		cairo_set_source_rgb(cr, 0.2, 0.15, 0);
	else
		cairo_set_source_rgb(cr, 1, 1, 1);
	pdfdoc_text(cr, p->m, 10 * p->s, T(r, "risk.card.title"), 22 * p->s, 1, p->w - 2 * p->m, 0);
	pdfdoc_text(cr, p->m, 38 * p->s,
		    arena_printf(&r->arena, "%s · %s", c->name,
				 T(r, arena_printf(&r->arena, "risk.map.level.%s", *c->level ? c->level : "none"))),
		    14 * p->s, 1, p->w - 2 * p->m, 0);
	cairo_set_source_rgb(cr, 0, 0, 0);
	p->y = band + 12 * p->s;
	double foot = p->h - p->m - 110 * p->s;	/* the foot's top: person, phones, QR */
	line(p, arena_printf(&r->arena, "%s: %s    %s: %s%s%s", T(r, "risk.card.unit"), c->unit_name, T(r, "risk.card.place"),
			     *c->area_name ? c->area_name : "—", *c->hazard_code ? "    " : "",
			     *c->hazard_code ? arena_printf(&r->arena, "%s: %s", T(r, "risk.card.major_source"), c->hazard_code) : ""),
	     10, 0, 0, foot);
	int cut = 0;
	for (int i = 0; i < c->nevents && !cut; i++) {
		const struct risk_card_event *e = &c->events[i];
		p->y += 6 * p->s;
		double ec[3];
		level_rgb(e->level, ec);
		if (p->y + 16 * p->s > foot) {
			cut = 1;
			break;
		}
		cairo_set_source_rgb(cr, ec[0], ec[1], ec[2]);
		cairo_rectangle(cr, p->m, p->y + 2 * p->s, 6 * p->s, 12 * p->s);
		cairo_fill(cr);
		cairo_set_source_rgb(cr, 0, 0, 0);
		cut |= !line(p, arena_printf(&r->arena, "%s  [%s]", e->name,
					     T(r, arena_printf(&r->arena, "risk.map.level.%s", *e->level ? e->level : "none"))),
			     12, 1, 10 * p->s, foot);
		if (!cut && *e->description)
			cut |= !line(p, arena_printf(&r->arena, "%s: %s", T(r, "risk.card.hazards"), e->description), 9.5, 0, 10 * p->s,
				     foot);
		if (!cut)
			cut |= !line(p, arena_printf(&r->arena, "%s: %s%s%s", T(r, "risk.card.accidents"), e->accidents,
						     *e->accidents && *e->consequence ? " · " : "", e->consequence),
				     9.5, 0, 10 * p->s, foot);
		if (!cut)
			cut |= !line(p, arena_printf(&r->arena, "%s:", T(r, "risk.card.measures")), 9.5, 1, 10 * p->s, foot);
		for (int k = 0; k < e->nmeasures && !cut; k++)
			cut |= !line(p, arena_printf(&r->arena, "• %s", e->measures[k]), 9.5, 0, 18 * p->s, foot);
		if (!cut)
			cut |= !line(p, arena_printf(&r->arena, "%s: %s", T(r, "risk.card.emergency"), *e->emergency ? e->emergency : "—"),
				     9.5, 0, 10 * p->s, foot);
	}
	if (cut) {
		cairo_set_source_rgb(cr, 0.35, 0.35, 0.35);
		pdfdoc_text(cr, p->m, foot - 14 * p->s, T(r, "risk.card.more_online"), 8.5 * p->s, 0, p->w - 2 * p->m, 0);
		cairo_set_source_rgb(cr, 0, 0, 0);
	}
	/* the foot */
	cairo_set_line_width(cr, 0.8);
	cairo_move_to(cr, p->m, foot);
	cairo_line_to(cr, p->w - p->m, foot);
	cairo_stroke(cr);
	double qs = 96 * p->s;
	p->y = foot + 8 * p->s;
	double tw = p->w - 2 * p->m - qs - 10;
	p->y += pdfdoc_text(cr, p->m, p->y, arena_printf(&r->arena, "%s: %s", T(r, "risk.card.responsible"),
							 *c->resp_name ? c->resp_name : "—"), 11 * p->s, 1, tw, 0) + 4;
	p->y += pdfdoc_text(cr, p->m, p->y, arena_printf(&r->arena, "%s: %s", T(r, "risk.card.phone"),
							 *c->resp_phone ? c->resp_phone : "—"), 11 * p->s, 0, tw, 0) + 4;
	p->y += pdfdoc_text(cr, p->m, p->y, arena_printf(&r->arena, "%s: 119 · 120", T(r, "risk.card.emergency_phone")),
			    11 * p->s, 0, tw, 0) + 4;
	if (*c->qr_token) {
		qr(cr, org_qr_url(r, c->qr_token), p->w - p->m - qs, foot + 6 * p->s, qs);
		pdfdoc_text(cr, p->m, p->y, T(r, "risk.card.scan"), 8.5 * p->s, 0, tw, 0);
	}
	cairo_show_page(cr);
}

int risk_card_pdf_render(struct req *r, const struct risk_card *cards, int n, int a5, struct strbuf *out)
{
	/* ISO 216 in points: A4 595 × 842, A5 420 × 595 */
	double w = a5 ? 420 : 595, h = a5 ? 595 : 842;
	struct pdfdoc doc;
	if (pdfdoc_open(&doc, out, w, h, T(r, "risk.card.title"), T(r, "app.name")))
		return -1;
	struct card_pen p = {r, doc.cr, w, h, a5 ? 24 : 36, 0, a5 ? 0.75 : 1};
	for (int i = 0; i < n; i++)
		card_page(&p, &cards[i]);
	return pdfdoc_close(&doc, out);
}
