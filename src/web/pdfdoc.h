/*
 * pdfdoc.h — what every PDF the server draws shares (cairo + pango): a document written into a
 * strbuf, text drawn with the Noto CJK fonts (so Chinese is shaped and embedded, never boxes),
 * and the one lock that keeps two PDFs from drawing at once. The monthly report (report/pdf.c)
 * and the risk notice cards (risk/risk_card_pdf.c) draw their pages on top of it.
 */
#ifndef ANQUAN_PDFDOC_H
#define ANQUAN_PDFDOC_H

#include "base/strbuf.h"

#include <cairo.h>

#define PDFDOC_FONT "Noto Sans CJK SC"

struct pdfdoc {
	cairo_surface_t *surface;
	cairo_t *cr;
};

/* Take the lock, then open a document of w × h points writing into out, with its title and
 * creator. 0, or -1 (the lock is released again). */
int pdfdoc_open(struct pdfdoc *d, struct strbuf *out, double w, double h, const char *title,
		const char *creator);
/* Finish the document and release the lock: 0 when out holds a PDF, else -1. */
int pdfdoc_close(struct pdfdoc *d, struct strbuf *out);

/* Draw text at (x, y) with the given size in points; returns its height. width > 0 wraps the
 * text at that width (right-aligned when align_right). */
double pdfdoc_text(cairo_t *cr, double x, double y, const char *s, double size, int bold, double width,
		   int align_right);

#endif
