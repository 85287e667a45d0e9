/*
 * risk_map_web.c — the four-colour map's pages and API: GET /risk/map (the map, its legend,
 * each area linking to its register; ?print=a3 the A3 print view), /risk/map/edit (the admin
 * uploads the plant drawing and places each area on it as a polygon: static/riskmap.js adds a
 * corner at each pointer press, and the points field can be typed by hand without it),
 * /risk/map/areas/:id (an area's register), the drawing itself, the JSON API, and
 * risk_map_panel() for the dashboard and the big screen.
 *
 * Bad input changes nothing: a drawing that is not a PNG/JPEG or is over RISK_MAP_MAX_BYTES,
 * a polygon with fewer than three corners or a corner outside the drawing is refused naming
 * the field ("drawing", "points"), before any write.
 */
#include "risk/risk_map.h"
#include "risk/risk.h"
#include "risk/risk_web.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "db/db.h"
#include "http/static.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

static const char *const print_sizes[] = {"a3", NULL};

/* The company of ?unit_id= (or the caller's): 0 after answering 404. */
static int64_t map_unit(struct req *r)
{
	int64_t unit = 0;
	if (req_query_id(r, "unit_id", &unit) < 0 && r->is_api)
		unit = -1;
	if (!unit && req_field(r, "unit_id"))
		unit = atoll(req_field(r, "unit_id"));
	int64_t id = unit >= 0 ? risk_map_company(r, unit) : 0;
	if (!id)
		resp_error(r, 404, "not_found", T(r, "error.not_found"), "unit_id");
	return id;
}

static void print_css(struct req *r)
{
	html_printf(&r->out, "<link rel=\"stylesheet\" href=\"%s\">", static_url("risk_print.css"));
}

int risk_map_page(struct req *r)
{
	const char *print = "";
	req_query_enum(r, "print", print_sizes, &print);
	int64_t unit = map_unit(r);
	if (!unit)
		return 0;
	struct risk_map m;
	if (risk_map_load(r, unit, &m)) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	struct strbuf *o = &r->out;
	page_begin(r, T(r, "risk.map.title"));
	print_css(r);
	html_printf(o, "<article class=\"risk-map-page%r\"><header class=\"risk-map-head\"><h1>%s · %s</h1>",
		    *print ? " risk-print-a3" : "", T(r, "risk.map.title"), m.unit_name);
	html_printf(o, "<p class=\"actions no-print\"><a class=\"button\" href=\"/risk/map?unit_id=%D&amp;print=a3\">%s</a>"
		       " <a class=\"button\" href=\"/risk\">%s</a>",
		    unit, T(r, "risk.map.print_a3"), T(r, "risk.map.register"));
	if (auth_has(r, "risk.edit"))
		html_printf(o, " <a class=\"button\" href=\"/risk/map/edit?unit_id=%D\">%s</a>", unit, T(r, "risk.map.edit"));
	html_printf(o, "</p>");
	risk_map_legend(r, o, &m);
	html_printf(o, "</header>");
	int unplaced = 0;
	for (int i = 0; i < m.n; i++)
		unplaced += !m.areas[i].points;
	if (m.drawing_id) {
		risk_map_svg(r, o, &m, 1);
		if (unplaced) {
			/* areas not yet drawn still show their colour, beside the picture */
			struct risk_map rest = m;
			rest.areas = arena_alloc(&r->arena, (size_t)unplaced * sizeof(*rest.areas));
			rest.n = 0;
			for (int i = 0; i < m.n; i++)
				if (!m.areas[i].points)
					rest.areas[rest.n++] = m.areas[i];
			html_printf(o, "<h2 class=\"risk-unplaced\">%s</h2>", T(r, "risk.map.unplaced"));
			risk_map_grid(r, o, &rest, 1);
		}
	} else {
		html_printf(o, "<p class=\"hint no-print\">%s</p>", T(r, "risk.map.no_drawing"));
		risk_map_grid(r, o, &m, 1);
	}
	html_printf(o, "<p class=\"risk-map-foot\">%s %s</p></article>", T(r, "risk.map.generated"),
		    page_time(r, clock_now()));
	page_end(r);
	return 0;
}

/* The editor, with an error under the field it names and the values typed kept. */
static void edit_page(struct req *r, int64_t unit, const char *field, const char *why, int64_t area_kept,
		      const char *points_kept)
{
	struct risk_map m;
	if (risk_map_load(r, unit, &m)) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return;
	}
	struct strbuf *o = &r->out;
	if (field)
		r->status = !strcmp(why, "risk.map.drawing_large") ? 413 : 422;
	page_begin(r, T(r, "risk.map.edit"));
	print_css(r);
	html_printf(o, "<section class=\"card risk-map-edit\"><h1>%s · %s</h1><p><a href=\"/risk/map?unit_id=%D\">%s</a></p>",
		    T(r, "risk.map.edit"), m.unit_name, unit, T(r, "risk.map.title"));
	html_printf(o, "<form method=\"post\" action=\"/risk/map/drawing\" enctype=\"multipart/form-data\" class=\"stack\">%r"
		       "<input type=\"hidden\" name=\"unit_id\" value=\"%D\"><label for=\"drawing\">%s</label>"
		       "<input type=\"file\" id=\"drawing\" name=\"drawing\" accept=\"image/png,image/jpeg\" required>",
		    page_csrf(r), unit, T(r, "risk.map.drawing"));
	if (field && !strcmp(field, "drawing"))
		html_printf(o, "<p class=\"error\" role=\"alert\" data-field=\"drawing\">%s</p>", T(r, why));
	html_printf(o, "<p class=\"hint\">%s</p><button>%s</button></form>", T(r, "risk.map.drawing_hint"),
		    T(r, "risk.map.upload"));
	if (!m.drawing_id) {
		html_printf(o, "<p class=\"hint\">%s</p></section>", T(r, "risk.map.no_drawing"));
		page_end(r);
		return;
	}
	html_printf(o, "<div class=\"risk-map-canvas\" data-width=\"%d\" data-height=\"%d\">", m.width, m.height);
	risk_map_svg(r, o, &m, 0);
	html_printf(o, "</div><form method=\"post\" action=\"/risk/map/areas\" class=\"stack\" id=\"risk-place\">%r"
		       "<label for=\"area_id\">%s</label><select id=\"area_id\" name=\"area_id\" required>",
		    page_csrf(r), T(r, "risk.map.area"));
	for (int i = 0; i < m.n; i++)
		html_printf(o, "<option value=\"%D\"%r data-placed=\"%d\">%s · %s%s</option>", m.areas[i].id,
			    m.areas[i].id == area_kept ? " selected" : "", m.areas[i].points ? 1 : 0, m.areas[i].unit_name,
			    m.areas[i].name, m.areas[i].points ? " ✓" : "");
	html_printf(o, "</select><label for=\"points\">%s</label>"
		       "<textarea id=\"points\" name=\"points\" rows=\"3\" required>%s</textarea>",
		    T(r, "risk.map.points"), points_kept ? points_kept : "");
	if (field && !strcmp(field, "points"))
		html_printf(o, "<p class=\"error\" role=\"alert\" data-field=\"points\">%s</p>", T(r, why));
	html_printf(o, "<p class=\"hint\">%s</p><div class=\"actions\"><button class=\"primary\" id=\"place-save\">%s</button>"
		       "<button type=\"button\" data-map=\"undo\" hidden>%s</button>"
		       "<button type=\"button\" data-map=\"clear\" hidden>%s</button>"
		       "</div></form></section><script src=\"%s\" defer></script>",
		    T(r, "risk.map.points_hint"), T(r, "risk.map.place"), T(r, "risk.map.undo"), T(r, "risk.map.clear"),
		    static_url("riskmap.js"));
	page_end(r);
}

int risk_map_edit_page(struct req *r)
{
	int64_t unit = map_unit(r);
	if (unit)
		edit_page(r, unit, NULL, NULL, 0, NULL);
	return 0;
}

int risk_map_drawing_post(struct req *r)
{
	int64_t unit = map_unit(r), covered = 0;
	if (!unit)
		return 0;
	/* a new drawing unplaces every area of the company: only someone whose scope covers the
	 * whole company (the safety department) may replace it, not a workshop's safety officer:
	 * for them the company is out of scope, 404 as for any record outside it */
	db_get_i64(r->db, &covered, "SELECT count(*) FROM units WHERE id = ? AND path LIKE ?", "It", unit,
		   auth_scope_pattern(r));
	if (!covered) {
		resp_error(r, 404, "not_found", T(r, "risk.map.drawing_scope"), "unit_id");
		return 0;
	}
	struct upload *u = req_upload(r, "drawing");
	const unsigned char *data = NULL;
	size_t len = 0;
	if (u) {
		data = (const unsigned char *)u->data.buf;
		len = u->data.len;
	} else if (r->is_api && !r->json && r->body.len) {
		data = (const unsigned char *)r->body.buf;
		len = r->body.len;
	}
	int64_t id = 0;
	const char *why = "form.err_required";
	int rc = data && len ? risk_map_store_drawing(r, unit, data, len, &id, &why) : -1;
	if (rc == -2) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	if (rc) {
		int status = !strcmp(why, "risk.map.drawing_large") ? 413 : 422;
		if (r->is_api)
			resp_error(r, status, "invalid", arena_printf(&r->arena, "drawing: %s", T(r, why)), "drawing");
		else
			edit_page(r, unit, "drawing", why, 0, NULL);
		return 0;
	}
	if (!r->is_api) {
		resp_redirect(r, arena_printf(&r->arena, "/risk/map/edit?unit_id=%lld", (long long)unit));
		return 0;
	}
	int64_t w = 0, h = 0;
	db_get_i64(r->db, &w, "SELECT width FROM risk_map_drawings WHERE id = ?", "I", id);
	db_get_i64(r->db, &h, "SELECT height FROM risk_map_drawings WHERE id = ?", "I", id);
	resp_json(r, 201, json_pack("{s:I, s:I, s:I, s:I, s:s}", "id", (json_int_t)id, "unit_id", (json_int_t)unit, "width",
				    (json_int_t)w, "height", (json_int_t)h, "url",
				    arena_printf(&r->arena, "/risk/map/drawing/%lld", (long long)id)));
	return 0;
}

int risk_map_drawing_get(struct req *r)
{
	int64_t id, unit = 0;
	if (req_param_id(r, "id", &id) ||
	    db_get_i64(r->db, &unit, "SELECT unit_id FROM risk_map_drawings WHERE id = ?", "I", id) != 1 ||
	    risk_map_company(r, unit) != unit) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	struct db_stmt *st = db_query(r->db, "SELECT jpeg FROM risk_map_drawings WHERE id = ?", "I", id);
	if (st && db_step(st) == 1) {
		resp_text(r, 200, "image/jpeg", db_col_blob(st, 0), db_col_bytes(st, 0));
		resp_header(r, "Cache-Control", "private, max-age=300");
	} else {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
	}
	db_done(r->db, st);
	return 0;
}

/* Place area_id on its company's drawing. 0, else an HTTP status with *field and *why set. */
static int place(struct req *r, int64_t area_id, const char *text, json_t *json, int64_t *unit_out, const char **field,
		 const char **why)
{
	int64_t area_unit = 0, inscope = 0;
	*field = "area_id";
	*why = "error.not_found";
	if (db_get_i64(r->db, &area_unit, "SELECT unit_id FROM areas WHERE id = ? AND active = 1", "I", area_id) != 1)
		return 404;
	db_get_i64(r->db, &inscope, "SELECT count(*) FROM units WHERE id = ? AND path LIKE ?", "It", area_unit,
		   auth_scope_pattern(r));
	int64_t unit = inscope ? risk_map_company(r, area_unit) : 0;
	if (!unit)
		return 404;
	*unit_out = unit;
	int64_t drawing = 0, w = 0, h = 0;
	struct db_stmt *st = db_query(r->db, "SELECT id, width, height FROM risk_map_drawings WHERE unit_id = ?", "I", unit);
	if (st && db_step(st) == 1) {
		drawing = db_col_i64(st, 0);
		w = db_col_i64(st, 1);
		h = db_col_i64(st, 2);
	}
	db_done(r->db, st);
	if (!drawing) {
		*field = "drawing";
		*why = "risk.map.no_drawing";
		return 409;
	}
	const char *norm;
	*field = "points";
	if (risk_map_points(r, text, json, (int)w, (int)h, &norm, why))
		return 422;
	int64_t old = 0;
	db_get_i64(r->db, &old, "SELECT count(*) FROM risk_map_areas WHERE area_id = ?", "I", area_id);
	int64_t me = r->who->user_id;
	if (db_begin(r->db) != DB_OK)
		goto fail;
	if (db_exec(r->db, "INSERT INTO risk_map_areas (area_id, drawing_id, points, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)"
			   " ON CONFLICT (area_id) DO UPDATE SET drawing_id = excluded.drawing_id, points = excluded.points,"
			   " updated_by = excluded.updated_by, updated_at = excluded.updated_at",
		    "IItII", area_id, drawing, norm, me, clock_now()) != DB_OK ||
	    audit_req(r, "risk_map_area", area_id, old ? "redraw" : "place", norm) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		goto fail;
	}
	*field = NULL;
	return 0;
fail:
	*field = NULL;
	*why = "error.unavailable";
	return 503;
}

int risk_map_area_post(struct req *r)
{
	const char *a = req_form(r, "area_id"), *pts = req_form(r, "points");
	int64_t area = a ? atoll(a) : 0, unit = 0;
	const char *field, *why;
	int st = area > 0 ? place(r, area, pts, NULL, &unit, &field, &why) : 404;
	if (!st) {
		resp_redirect(r, arena_printf(&r->arena, "/risk/map/edit?unit_id=%lld", (long long)unit));
		return 0;
	}
	if (st == 422 && unit) {
		edit_page(r, unit, field, why, area, pts);
		return 0;
	}
	if (st == 404)
		resp_error(r, 404, "not_found", T(r, "error.not_found"), "area_id");
	else
		resp_error(r, st, st == 503 ? "unavailable" : "conflict", T(r, why), field);
	return 0;
}

static json_t *area_json(struct req *r, const struct risk_map_area *a)
{
	json_t *pts = json_null();
	if (a->points) {
		pts = json_array();
		for (const char *p = a->points; *p;) {
			char *end;
			long x = strtol(p, &end, 10), y = strtol(end + 1, &end, 10);
			json_array_append_new(pts, json_pack("[I, I]", (json_int_t)x, (json_int_t)y));
			p = end;
			while (*p == ' ')
				p++;
		}
	}
	const char *lv = risk_map_level(a->rank);
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:I, s:o, s:s}", "id", (json_int_t)a->id, "name", a->name, "unit_id",
			 (json_int_t)a->unit_id, "unit_name", a->unit_name, "level", lv, "colour",
			 a->rank ? risk_level_colour(lv) : "grey", "objects", (json_int_t)a->objects, "points", pts, "href",
			 arena_printf(&r->arena, "/risk/map/areas/%lld", (long long)a->id));
}

int risk_map_area_put(struct req *r)
{
	int64_t area, unit = 0;
	if (req_param_id(r, "id", &area)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	json_t *pts = r->json ? json_object_get(r->json, "points") : NULL;
	const char *field, *why;
	int st = place(r, area, json_is_string(pts) ? json_string_value(pts) : NULL,
		       json_is_string(pts) ? NULL : (pts ? pts : json_null()), &unit, &field, &why);
	if (st) {
		resp_error(r, st, st == 404 ? "not_found" : st == 409 ? "conflict" : st == 422 ? "invalid" : "unavailable",
			   arena_printf(&r->arena, "%s: %s", field ? field : "", T(r, why)), field);
		return 0;
	}
	struct risk_map m;
	if (risk_map_load(r, unit, &m) == 0)
		for (int i = 0; i < m.n; i++)
			if (m.areas[i].id == area) {
				resp_json(r, 200, area_json(r, &m.areas[i]));
				return 0;
			}
	resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
	return 0;
}

int risk_map_api(struct req *r)
{
	int64_t unit = map_unit(r);
	if (!unit)
		return 0;
	struct risk_map m;
	if (risk_map_load(r, unit, &m)) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	json_t *areas = json_array();
	for (int i = 0; i < m.n; i++)
		json_array_append_new(areas, area_json(r, &m.areas[i]));
	json_t *drawing = m.drawing_id ? json_pack("{s:I, s:i, s:i, s:s}", "id", (json_int_t)m.drawing_id, "width", m.width,
						   "height", m.height, "url",
						   arena_printf(&r->arena, "/risk/map/drawing/%lld", (long long)m.drawing_id))
				       : json_null();
	resp_json(r, 200, json_pack("{s:I, s:s, s:o, s:o}", "unit_id", (json_int_t)unit, "unit_name", m.unit_name, "drawing",
				    drawing, "areas", areas));
	return 0;
}

int risk_map_area_page(struct req *r)
{
	int64_t id;
	struct db_stmt *st = NULL;
	char *name = NULL, *unit = NULL;
	if (req_param_id(r, "id", &id) ||
	    db_get_text(r->db, &name, "SELECT a.name FROM areas a JOIN units un ON un.id = a.unit_id WHERE a.id = ?"
				      " AND un.path LIKE ?", "It", id, auth_scope_pattern(r)) != 1) {
		free(name);
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	db_get_text(r->db, &unit, "SELECT un.name FROM areas a JOIN units un ON un.id = a.unit_id WHERE a.id = ?", "I", id);
	struct strbuf *o = &r->out;
	page_begin(r, name);
	html_printf(o, "<section class=\"card\"><h1>%s</h1><p>%s · <a href=\"/risk/map\">%s</a></p>", name, unit ? unit : "",
		    T(r, "risk.map.title"));
	st = db_query(r->db, "SELECT o.id, o.name, o.kind, e.id, e.name, COALESCE(e.level, '') FROM risk_objects o"
			     " LEFT JOIN equipment eq ON eq.id = o.equipment_id"
			     " LEFT JOIN risk_units ru ON ru.object_id = o.id AND ru.active = 1"
			     " LEFT JOIN risk_events e ON e.risk_unit_id = ru.id AND e.active = 1"
			     " LEFT JOIN risk_levels l ON l.code = e.level JOIN units ou ON ou.id = o.unit_id"
			     " WHERE o.active = 1 AND COALESCE(o.area_id, eq.area_id) = ?"
			     " AND ou.path LIKE ? AND (? = 0 OR o.resp_user_id = ?)"	/* the objects in scope, as their cards */
			     " ORDER BY o.id, COALESCE(l.rank, 0) DESC, e.id",
		      "ItII", id, auth_scope_pattern(r), auth_scope_owner(r), auth_scope_owner(r));
	int64_t obj = 0;
	int n = 0;
	html_printf(o, "<ul class=\"list risk-area-register\">");
	while (st && db_step(st) == 1) {
		if (db_col_i64(st, 0) != obj) {
			obj = db_col_i64(st, 0);
			html_printf(o, "%r<li data-object=\"%D\"><a href=\"/risk/objects/%D\"><strong>%s</strong></a> · %s"
				       " · <a class=\"button\" href=\"/risk/objects/%D/card\">%s</a><ul>",
				    n++ ? "</ul></li>" : "", obj, obj, db_col_text(st, 1),
				    T(r, arena_printf(&r->arena, "risk.kind.%s", db_col_text(st, 2))), obj,
				    T(r, "risk.card.title"));
		}
		if (!db_col_null(st, 3))
			html_printf(o, "<li><a href=\"/risk/events/%D\">%s</a> %r</li>", db_col_i64(st, 3), db_col_text(st, 4),
				    risk_level_badge(r, db_col_text(st, 5)));
	}
	db_done(r->db, st);
	if (n)
		html_printf(o, "</ul></li>");
	else
		html_printf(o, "<li class=\"empty\">%s</li>", T(r, "risk.map.area_empty"));
	html_printf(o, "</ul></section>");
	free(name);
	free(unit);
	page_end(r);
	return 0;
}

void risk_map_panel(struct req *r, struct strbuf *o, int64_t unit_id, int big)
{
	if (!r->who || !auth_has(r, "risk.view"))
		return;
	int64_t unit = risk_map_company(r, unit_id);
	struct risk_map m;
	if (!unit || risk_map_load(r, unit, &m))
		return;
	html_printf(o, "<link rel=\"stylesheet\" href=\"%s\"><section class=\"%s risk-map-panel\" id=\"risk-map-panel\">"
		       "<h2><a href=\"/risk/map?unit_id=%D\">%s</a></h2>",
		    static_url("risk_print.css"), big ? "scr-map" : "card", unit, T(r, "risk.map.title"));
	risk_map_legend(r, o, &m);
	if (m.drawing_id)
		risk_map_svg(r, o, &m, !big);
	else
		risk_map_grid(r, o, &m, !big);
	html_printf(o, "</section>");
}
