/*
 * pdfdoc.c — the shared ground of the server's PDFs (pdfdoc.h): a cairo PDF surface writing
 * into a strbuf, pango text, and the process-wide lock around both.
 *
 * One PDF at a time: fontconfig's configuration and pango's font map are shared by the
 * process, and their thread safety has varied between versions; PDFs are rare enough (a
 * monthly report, a batch of notice cards) that queueing costs nothing.
 */
#include "web/pdfdoc.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <pthread.h>

static pthread_mutex_t one_at_a_time = PTHREAD_MUTEX_INITIALIZER;

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int len)
{
	sb_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

int pdfdoc_open(struct pdfdoc *d, struct strbuf *out, double w, double h, const char *title,
		const char *creator)
{
	pthread_mutex_lock(&one_at_a_time);
	d->cr = NULL;
	d->surface = cairo_pdf_surface_create_for_stream(write_cb, out, w, h);
	if (cairo_surface_status(d->surface) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(d->surface);
		d->surface = NULL;
		pthread_mutex_unlock(&one_at_a_time);
		return -1;
	}
	if (title)
		cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_TITLE, title);
	if (creator)
		cairo_pdf_surface_set_metadata(d->surface, CAIRO_PDF_METADATA_CREATOR, creator);
	d->cr = cairo_create(d->surface);
	cairo_set_source_rgb(d->cr, 0, 0, 0);
	return 0;
}

int pdfdoc_close(struct pdfdoc *d, struct strbuf *out)
{
	if (!d->surface)
		return -1;
	cairo_destroy(d->cr);
	cairo_surface_finish(d->surface);
	int ok = cairo_surface_status(d->surface) == CAIRO_STATUS_SUCCESS;
	cairo_surface_destroy(d->surface);
	d->surface = NULL;
	d->cr = NULL;
	pthread_mutex_unlock(&one_at_a_time);
	return ok && out->len > 4 ? 0 : -1;
}

double pdfdoc_text(cairo_t *cr, double x, double y, const char *s, double size, int bold, double width,
		   int align_right)
{
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_from_string(PDFDOC_FONT);
	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	if (width > 0) {
		pango_layout_set_width(l, (int)(width * PANGO_SCALE));
		pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
		if (align_right)
			pango_layout_set_alignment(l, PANGO_ALIGN_RIGHT);
	}
	pango_layout_set_text(l, s ? s : "", -1);
	int w, h;
	pango_layout_get_pixel_size(l, &w, &h);
	cairo_move_to(cr, x, y);
	pango_cairo_show_layout(cr, l);
	pango_font_description_free(fd);
	g_object_unref(l);
	return h;
}
