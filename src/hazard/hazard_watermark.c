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
 * The text is drawn by cairo + pango (already linked for the PDF report, with the same CJK
 * font) as a coverage mask, blended here into RGB pixels or straight into the 4:2:0 planes
 * the photo path works on (hazard_pixels.c), which then never go through RGB.
 */
#include "hazard/hazard.h"
#include "base/clock.h"

#include <pango/pangocairo.h>
#include <pthread.h>
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

/* One font map for every thread, used under its lock. Pango's default map is one per thread,
 * and a photo arrives on a thread of its own (server.c: a thread per connection), so each
 * photo loaded and matched the font afresh (reports alone, alternated runs: ~104/s with the
 * default map, ~121/s with this one).
 * A font map may not be used by two threads at once; drawing the band's few lines under the
 * lock takes a fraction of a millisecond. */
static pthread_mutex_t fonts_lock = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *fonts;

/* The text's coverage (0–255) on the w × band rows of the band, as cairo + pango draw it:
 * an A8 surface the caller destroys. The band's darkening is not in it (see the blends). */
static cairo_surface_t *text_mask(int w, int h, const struct hazard_mark *m, int *band_out)
{
	char buf[3][256];
	const char *lines[3];
	int n = hazard_mark_lines(m, buf, lines);
	int f = mark_font_px(w, h, n);
	int band = hazard_watermark_band(w, h, n);
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_A8, w, band);
	if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
		cairo_surface_destroy(s);
		return NULL;
	}
	cairo_t *cr = cairo_create(s);
	pthread_mutex_lock(&fonts_lock);
	if (!fonts)
		fonts = pango_cairo_font_map_new();
	PangoContext *ctx = pango_font_map_create_context(fonts);
	pango_cairo_update_context(cr, ctx);
	PangoLayout *l = pango_layout_new(ctx);
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
	g_object_unref(ctx);
	pthread_mutex_unlock(&fonts_lock);
	cairo_destroy(cr);
	cairo_surface_flush(s);
	*band_out = band;
	return s;
}

/* A translucent dark band (black at 60 %) keeps the scene recognisable and white text
 * readable on any background (sky, snow, a white tank). Over it the text is white at its
 * coverage a: v → v·0.4·(1 − a) + 255·a, in units of 1/255² (0.4 = 102/255). */
#define KEEP 102
#define UNIT (255 * 255)

static unsigned char blend(int v, int a)
{
	return (unsigned char)((v * KEEP * (255 - a) + UNIT * a + UNIT / 2) / UNIT);
}

int hazard_watermark_rgb(unsigned char *px, int w, int h, const struct hazard_mark *m)
{
	int band = 0;
	cairo_surface_t *s = text_mask(w, h, m, &band);
	if (!s)
		return -1;
	const unsigned char *mask = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s);
	for (int y = 0; y < band; y++) {
		unsigned char *p = px + (size_t)(h - band + y) * (size_t)w * 3;
		const unsigned char *a = mask + (size_t)y * (size_t)stride;
		for (int x = 0; x < w; x++, p += 3)
			for (int k = 0; k < 3; k++)
				p[k] = blend(p[k], a[x]);
	}
	cairo_surface_destroy(s);
	return 0;
}

/* The same on 4:2:0 planes, with no RGB in between: YCbCr is RGB through a linear map, so
 * the blend carries over. Luma blends as above (white's luma is 255); chroma is the distance
 * from neutral (128, what black and white both have) scaled by the mean of its 2 × 2 pixels'
 * factors, a pixel above the band keeping all of it. That is the RGB blend averaged the way
 * the encoder's downsampling averages. */
int hazard_watermark_yuv(struct hazard_yuv *img, const struct hazard_mark *m)
{
	int band = 0, w = img->w, h = img->h;
	cairo_surface_t *s = text_mask(w, h, m, &band);
	if (!s)
		return -1;
	const unsigned char *mask = cairo_image_surface_get_data(s);
	int stride = cairo_image_surface_get_stride(s), y0 = h - band;
	/* most of the band has no text on it: the darkening alone, looked up */
	unsigned char dark_y[256], dark_c[256];
	for (int v = 0; v < 256; v++) {
		dark_y[v] = blend(v, 0);
		int d = (v - 128) * KEEP;
		dark_c[v] = (unsigned char)(128 + (d >= 0 ? (d + 127) / 255 : -((-d + 127) / 255)));
	}
	for (int y = y0; y < h; y++) {
		unsigned char *p = img->p[0] + (size_t)y * (size_t)img->stride[0];
		const unsigned char *a = mask + (size_t)(y - y0) * (size_t)stride;
		for (int x = 0; x < w; x++)
			p[x] = a[x] ? blend(p[x], a[x]) : dark_y[p[x]];
	}
	for (int cy = y0 / 2; cy < (h + 1) / 2; cy++) {
		unsigned char *cb = img->p[1] + (size_t)cy * (size_t)img->stride[1];
		unsigned char *cr = img->p[2] + (size_t)cy * (size_t)img->stride[2];
		int whole = cy * 2 >= y0 && cy * 2 + 1 < h;	/* both its luma rows in the band */
		const unsigned char *m0 = whole ? mask + (size_t)(cy * 2 - y0) * (size_t)stride : mask;
		for (int cx = 0; cx < (w + 1) / 2; cx++) {
			if (whole && cx * 2 + 1 < w && !(m0[cx * 2] | m0[cx * 2 + 1] | m0[stride + cx * 2] |
							 m0[stride + cx * 2 + 1])) {
				cb[cx] = dark_c[cb[cx]];
				cr[cx] = dark_c[cr[cx]];
				continue;
			}
			int sum = 0, n = 0;	/* factors in units of 1/255² */
			for (int y = cy * 2; y < cy * 2 + 2 && y < h; y++)
				for (int x = cx * 2; x < cx * 2 + 2 && x < w; x++, n++)
					sum += y < y0 ? UNIT : KEEP * (255 - mask[(size_t)(y - y0) * (size_t)stride + (size_t)x]);
			int64_t den = (int64_t)n * UNIT;
			for (int k = 0; k < 2; k++) {
				unsigned char *c = k ? cr + cx : cb + cx;
				int64_t d = (int64_t)(*c - 128) * sum;
				int64_t q = d >= 0 ? (d + den / 2) / den : -((-d + den / 2) / den);
				*c = (unsigned char)(128 + q);
			}
		}
	}
	cairo_surface_destroy(s);
	hazard_yuv_pad(img, y0 & ~1);
	return 0;
}
