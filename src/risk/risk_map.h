/*
 * risk_map.h — the four-colour map (四色分布图) and the risk notice card (风险告知卡) inside the
 * risk module: what their files share (not a public header; other modules call
 * risk_map_panel() through risk.h).
 *
 *   risk_map.c       the map's data (each area's highest current level), polygons, the SVG
 *   risk_map_web.c   the map page, its A3 print view, the editor, the drawing, the JSON API
 *   risk_card_web.c  the notice card of an object as an A4/A5 print page
 *   risk_card_pdf.c  the cards of a unit as one PDF (cairo/pango over web/pdfdoc.h)
 *   risk_map_demo.c  the demo plant's drawing, drawn with cairo, and its areas placed
 */
#ifndef ANQUAN_RISK_MAP_H
#define ANQUAN_RISK_MAP_H

#include "http/http.h"

/* A drawing is re-encoded as a hazard photo (at most 1600 px a side); the upload itself may be
 * up to 8 MiB (a scanned site plan), above which it is refused before decoding. */
#define RISK_MAP_MAX_BYTES (8u << 20)
/* Enough corners for any plant area drawn by hand; more is a mistake or an attack. */
#define RISK_MAP_MAX_POINTS 200

struct risk_map_area {
	int64_t id, unit_id, objects;
	const char *name, *unit_name, *points;	/* points "x,y x,y ..." or NULL: not placed */
	int rank;				/* 4 重大 … 1 低; 0: no assessed risk */
};

struct risk_map {
	int64_t unit_id, drawing_id;		/* the company unit; its drawing or 0 */
	const char *unit_name, *unit_path;
	int width, height;
	struct risk_map_area *areas;		/* in the arena, by unit then name */
	int n;
};

/* The company unit whose map the caller asks for (unit_id, or the caller's own company when 0):
 * the unit if it is a company, else the company above it. 0 when none or out of scope. */
int64_t risk_map_company(struct req *r, int64_t unit_id);
/* Load the map of a company unit: its drawing and the areas in the caller's scope with their
 * highest current level. 0, or -1 (database error). */
int risk_map_load(struct req *r, int64_t unit_id, struct risk_map *m);
/* Rank to level code / colour ("none" for 0). */
const char *risk_map_level(int rank);
/* Draw the map: the drawing with the placed areas, else a grid of the areas by unit. links 1
 * makes each area a link to its register (/risk/map/areas/:id). */
void risk_map_svg(struct req *r, struct strbuf *o, const struct risk_map *m, int links);
void risk_map_grid(struct req *r, struct strbuf *o, const struct risk_map *m, int links);
void risk_map_legend(struct req *r, struct strbuf *o, const struct risk_map *m);

/* Parse and check a polygon against a w × h drawing: text "x,y x,y ..." or a JSON array of
 * [x, y] pairs (json non-NULL). 0 with *norm the points as "x,y x,y ..." (arena), or -1 with
 * *why the catalogue key of the reason (the field is always "points"). */
int risk_map_points(struct req *r, const char *text, json_t *json, int w, int h, const char **norm,
		    const char **why);

/* Store a drawing for a company unit (the bytes as uploaded) and drop the polygons drawn on
 * the one it replaces; audited. 0, -1 with *why (not an image, too large: nothing stored), -2
 * database error. */
int risk_map_store_drawing(struct req *r, int64_t unit_id, const unsigned char *data, size_t len,
			   int64_t *drawing_id, const char **why);

/* The content of a risk notice card (风险告知卡): the object, its risks with their accidents,
 * measures and emergency actions, the responsible person and the place to report at. */
struct risk_card_event {
	const char *name, *description, *level, *accidents, *consequence, *emergency;
	const char **measures;
	int nmeasures;
};
struct risk_card {
	int64_t id, unit_id, area_id;
	const char *name, *kind, *code, *unit_name, *area_name, *hazard_code, *resp_name, *resp_phone, *qr_token;
	const char *level;		/* the highest current level, or "" */
	struct risk_card_event *events;
	int nevents;
};
/* Load object `id` in the caller's scope (arena). 0, 404, or 503. */
int risk_card_load(struct req *r, int64_t id, struct risk_card *c);
/* The objects of a unit subtree in the caller's scope, by unit and name (arena); how many. */
int risk_card_objects(struct req *r, int64_t unit_id, int64_t **ids);
/* The cards as one PDF, a page each, A4 or A5 (a5 1). 0, or -1. */
int risk_card_pdf_render(struct req *r, const struct risk_card *cards, int n, int a5, struct strbuf *out);

/* The demo drawing (risk_map_demo.c) as PNG bytes (malloc'd), and placing the demo's areas. */
unsigned char *risk_map_demo_png(int w, int h, size_t *len);
int risk_map_demo_load(struct db *c);

/* Handlers (risk_map_web.c, risk_card_web.c, risk_card_pdf.c), named by RISK_MAP_ROUTES. */
int risk_map_page(struct req *r);
int risk_map_edit_page(struct req *r);
int risk_map_drawing_post(struct req *r);
int risk_map_drawing_get(struct req *r);
int risk_map_area_post(struct req *r);
int risk_map_area_page(struct req *r);
int risk_map_api(struct req *r);
int risk_map_area_put(struct req *r);
int risk_card_page(struct req *r);
int risk_card_json(struct req *r);
int risk_cards_pdf(struct req *r);

/* The map's and cards' entries of the risk module's route table (risk_web.c). */
#define RISK_MAP_ROUTES \
	{"GET", "/risk/map", risk_map_page, "risk.view", 0, "四色分布图: the areas coloured by their highest current risk (?unit_id=, ?print=a3)"}, \
	{"GET", "/risk/map/edit", risk_map_edit_page, "risk.edit", 0, "Upload the plant drawing and draw each area on it"}, \
	{"POST", "/risk/map/drawing", risk_map_drawing_post, "risk.edit", 0, "Upload the plant drawing (PNG or JPEG, re-encoded)"}, \
	{"GET", "/risk/map/drawing/:id", risk_map_drawing_get, "risk.view", 0, "The plant drawing as stored (JPEG)"}, \
	{"POST", "/risk/map/areas", risk_map_area_post, "risk.edit", 0, "Place an area on the drawing: area_id and points \"x,y x,y ...\""}, \
	{"GET", "/risk/map/areas/:id", risk_map_area_page, "risk.view", 0, "An area's register: its objects and risks by level, with their notice cards"}, \
	{"GET", "/risk/objects/:id/card", risk_card_page, "risk.view", 0, "风险告知卡 of an object, to print on A4 or A5 (?size=a4|a5)"}, \
	{"GET", "/risk/cards.pdf", risk_cards_pdf, "risk.view", 0, "The notice cards of a unit's objects as one PDF, a page each (?unit_id=, ?size=a4|a5)"}, \
	{"GET", "/api/v1/risk/map", risk_map_api, "risk.view", ROUTE_API, "The four-colour map's data: the drawing and each area's polygon, level and colour"}, \
	{"POST", "/api/v1/risk/map/drawing", risk_map_drawing_post, "risk.edit", ROUTE_API, "Upload the plant drawing (multipart field drawing, or the image as the body; ?unit_id=)"}, \
	{"PUT", "/api/v1/risk/map/areas/:id", risk_map_area_put, "risk.edit", ROUTE_API, "Place an area on its unit's drawing: {points: [[x, y], ...]} in drawing pixels"}, \
	{"GET", "/api/v1/risk/objects/:id/card", risk_card_json, "risk.view", ROUTE_API, "The content of an object's risk notice card"}

#endif
