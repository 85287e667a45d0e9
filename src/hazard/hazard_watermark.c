/*
 * hazard_watermark.c — the evidence band drawn onto a hazard photo before it is stored: who
 * took it, when (plant time), where (the area) and, when the phone gave one, the GPS position
 * with its accuracy. Plants already use "watermark cameras" for the same purpose; the case
 * studies close a hazard only with before/after photos that carry the checker's place and
 * time, so the band is part of the stored pixels, not an overlay a viewer can switch off.
 *
 * The band covers the bottom of the picture only: the pixels above it are never touched
 * (a unit test checks that). hazard_photo.c keeps the clean re-encoded original beside the
 * marked one for the safety department (photo_originals, hazard.photo_original).
 *
 * Drawing uses cairo + pango, already linked for the PDF report, with the same CJK font.
 */
#include "hazard/hazard.h"
#include "base/clock.h"

#include <pango/pangocairo.h>
#include <stdio.h>
#include <string.h>

#define MARK_FONT "Noto Sans CJK SC"

/* The text lines of the band (2 or 3) into buf; returns how many, pointers in lines[]. */
int hazard_mark_lines(const struct hazard_mark *m, char buf[3][256], const char *lines[3])
{
	char when[32];
	clock_format(m->at, "%Y-%m-%d %H:%M", when, sizeof(when));
	snprintf(buf[0], 256, "%s  %s", when, m->person && *m->person ? m->person : "-");
	snprintf(buf[1], 256, "%s", m->place && *m->place ? m->place : "-");
	int n = 2;
	if (m->has_gps) {
		/* six decimals is ~0.1 m: finer than any phone fix, coarser would hide the accuracy */
		snprintf(buf[2], 256, "GPS %.6f, %.6f  ±%.0f m", m->lat, m->lng, m->acc);
		n = 3;
	}
	for (int i = 0; i < n; i++)
		lines[i] = buf[i];
	return n;
}

/* Font size in pixels: a phone shows a 1600 px photo about 360 px wide, so 1/34 of the width
 * (≈ 47 px → 10–11 CSS px on screen) stays readable; small images keep at least 11 px, and the
 * band never takes more than 40 % of the height. */
static int mark_font_px(int w, int h, int nlines)
{
	int f = w / 34;
	if (f < 11)
		f = 11;
	while (f > 6 && (nlines * f * 14 / 10 + f) * 10 > h * 4)
		f--;
	return f;
}

int hazard_watermark_band(int w, int h, int nlines)
{
	int f = mark_font_px(w, h, nlines);
	int band = nlines * f * 14 / 10 + f;
	return band > h ? h : band;
}

int hazard_watermark_rgb(unsigned char *px, int w, int h, const struct hazard_mark *m)
{
	return hazard_watermark_rows(px, w, h, 0, m);
}

int hazard_watermark_rows(unsigned char *px, int w, int h, int first, const struct hazard_mark *m)
{
	char buf[3][256];
	const char *lines[3];
	int n = hazard_mark_lines(m, buf, lines);
	int f = mark_font_px(w, h, n);
	int band = hazard_watermark_band(w, h, n);
	int y0 = h - band - first;	/* the band's first row in px */
	if (y0 < 0)
		return -1;
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, band);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return -1;
	}
	/* the band's pixels into cairo's native-endian xRGB words, drawn on, and back */
	unsigned char *data = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	cairo_surface_flush(s);
	for (int y = 0; y < band; y++) {
		const unsigned char *p = px + ((size_t)(y0 + y) * w) * 3;
		uint32_t *q = (uint32_t *)(void *)(data + (size_t)y * stride);
		for (int x = 0; x < w; x++, p += 3)
			q[x] = 0xff000000u | (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
	}
	cairo_surface_mark_dirty(s);
	cairo_t *cr = cairo_create(s);
	/* a translucent dark band keeps the scene recognisable and white text readable on any
	 * background (sky, snow, a white tank) */
	cairo_set_source_rgba(cr, 0, 0, 0, 0.6);
	cairo_rectangle(cr, 0, 0, w, band);
	cairo_fill(cr);
	PangoLayout *l = pango_cairo_create_layout(cr);
	PangoFontDescription *fd = pango_font_description_from_string(MARK_FONT);
	pango_font_description_set_absolute_size(fd, f * PANGO_SCALE);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_width(l, (w - f) * PANGO_SCALE);
	pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	cairo_set_source_rgb(cr, 1, 1, 1);
	for (int i = 0; i < n; i++) {
		pango_layout_set_text(l, lines[i], -1);
		cairo_move_to(cr, f / 2.0, f / 2.0 + i * f * 1.4);
		pango_cairo_show_layout(cr, l);
	}
	pango_font_description_free(fd);
	g_object_unref(l);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	for (int y = 0; y < band; y++) {
		unsigned char *p = px + ((size_t)(y0 + y) * w) * 3;
		const uint32_t *q = (const uint32_t *)(const void *)(data + (size_t)y * stride);
		for (int x = 0; x < w; x++, p += 3) {
			p[0] = (unsigned char)(q[x] >> 16);
			p[1] = (unsigned char)(q[x] >> 8);
			p[2] = (unsigned char)q[x];
		}
	}
	cairo_surface_destroy(s);
	return 0;
}
