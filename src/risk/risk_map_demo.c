/*
 * risk_map_demo.c — the demo plant's drawing (总平面布置图), drawn with cairo at demo load so
 * that no picture is kept in the repository, and its areas placed on it as polygons. Two areas
 * (罐区 装卸站台, 公用工程 空压制氮站) are drawn on the picture but left unplaced, so the editor
 * has work to show and the browser test places them.
 *
 * The picture is 1200 × 800 px (under the 1600 px a re-encoded photo keeps), re-encoded
 * through the hazard photos' path as an upload would be.
 */
#include "risk/risk_map.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "hazard/hazard.h"

#include <cairo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define DEMO_W 1200
#define DEMO_H 800

struct demo_place {
	const char *area;	/* areas.name */
	double x0, y0, x1, y1;	/* the building on the picture */
	int placed;
};

static const struct demo_place places[] = {
	{"合成一车间 反应釜区", 80, 80, 330, 280, 1},
	{"合成一车间 投料平台", 340, 80, 480, 200, 1},
	{"合成二车间 加氢反应区", 80, 340, 330, 540, 1},
	{"合成二车间 离心机房", 340, 340, 480, 460, 1},
	{"精馏车间 精馏塔区", 570, 80, 800, 300, 1},
	{"精馏车间 中控室", 820, 80, 960, 180, 1},
	{"罐区 甲类储罐区", 570, 380, 860, 660, 1},
	{"罐区 装卸站台", 880, 540, 1120, 660, 0},
	{"公用工程 锅炉房", 1000, 80, 1140, 220, 1},
	{"公用工程 配电室", 1000, 240, 1140, 330, 1},
	{"公用工程 空压制氮站", 1000, 360, 1140, 470, 0},
	{"全厂 管廊", 500, 60, 540, 720, 1},
	{NULL, 0, 0, 0, 0, 0},
};

static cairo_status_t png_cb(void *closure, const unsigned char *data, unsigned int len)
{
	sb_add(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

unsigned char *risk_map_demo_png(int w, int h, size_t *len)
{
	cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
	cairo_t *cr = cairo_create(s);
	double kx = w / (double)DEMO_W, ky = h / (double)DEMO_H;
	cairo_scale(cr, kx, ky);
	cairo_set_source_rgb(cr, 0.96, 0.96, 0.93);
	cairo_paint(cr);
	/* roads */
	cairo_set_source_rgb(cr, 0.82, 0.82, 0.80);
	cairo_rectangle(cr, 40, 300, 1120, 30);
	cairo_rectangle(cr, 40, 680, 1120, 40);
	cairo_rectangle(cr, 40, 40, 30, 680);
	cairo_rectangle(cr, 960, 40, 30, 680);
	cairo_fill(cr);
	/* the buildings and the tank farm's bund */
	cairo_set_line_width(cr, 3);
	for (const struct demo_place *p = places; p->area; p++) {
		cairo_rectangle(cr, p->x0, p->y0, p->x1 - p->x0, p->y1 - p->y0);
		cairo_set_source_rgb(cr, 0.88, 0.89, 0.90);
		cairo_fill_preserve(cr);
		cairo_set_source_rgb(cr, 0.35, 0.37, 0.40);
		cairo_stroke(cr);
	}
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 2; j++) {
			cairo_arc(cr, 630 + i * 90, 450 + j * 130, 38, 0, 2 * M_PI);
			cairo_stroke(cr);
		}
	/* a north arrow */
	cairo_move_to(cr, 1130, 700);
	cairo_line_to(cr, 1145, 760);
	cairo_line_to(cr, 1115, 760);
	cairo_close_path(cr);
	cairo_fill(cr);
	cairo_destroy(cr);
	struct strbuf png = STRBUF_INIT;
	cairo_status_t st = cairo_surface_write_to_png_stream(s, png_cb, &png);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		sb_release(&png);
		return NULL;
	}
	return (unsigned char *)sb_detach(&png, len);
}

int risk_map_demo_load(struct db *c)
{
	size_t len = 0;
	unsigned char *png = risk_map_demo_png(DEMO_W, DEMO_H, &len);
	if (!png)
		return -1;
	struct hazard_image img;
	const char *why;
	int rc = hazard_image_process(png, len, &img, &why);
	free(png);
	if (rc)
		return -1;
	int64_t unit = 0, now = clock_now();
	if (db_get_i64(c, &unit, "SELECT id FROM units WHERE kind = 'company' ORDER BY id LIMIT 1", NULL) != 1 ||
	    db_exec(c, "INSERT INTO risk_map_drawings (unit_id, jpeg, width, height, uploaded_at) VALUES (?, ?, ?, ?, ?)",
		    "IbiiI", unit, img.jpeg, img.jpeg_len, img.width, img.height, now) != DB_OK) {
		hazard_image_free(&img);
		return -1;
	}
	hazard_image_free(&img);
	int64_t drawing = db_last_id(c);
	for (const struct demo_place *p = places; p->area; p++) {
		if (!p->placed)
			continue;
		/* a little inside the building's outline, so the picture's walls stay visible */
		char pts[128];
		snprintf(pts, sizeof(pts), "%d,%d %d,%d %d,%d %d,%d", (int)p->x0 + 4, (int)p->y0 + 4, (int)p->x1 - 4,
			 (int)p->y0 + 4, (int)p->x1 - 4, (int)p->y1 - 4, (int)p->x0 + 4, (int)p->y1 - 4);
		if (db_exec(c, "INSERT INTO risk_map_areas (area_id, drawing_id, points, updated_at)"
			       " SELECT id, ?, ?, ? FROM areas WHERE name = ?", "ItIt", drawing, pts, now, p->area) != DB_OK)
			return -1;
	}
	return 0;
}
