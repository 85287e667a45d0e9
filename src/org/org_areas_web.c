/*
 * org_areas_web.c — areas (places in the plant): list, create, edit, deactivate, the
 * printable QR label, the /a/:token scan target, and /api/v1/areas.
 *
 * The QR code encodes /a/<qr_token>, not the area id: the token is unguessable and stays
 * the same when the area is renamed, so labels on the wall never need reprinting. An
 * optional GPS point and radius let the hazard form check that a report was made on site.
 */
#include "org/org.h"
#include "org/org_web.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/text.h"
#include "db/db.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/qr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A radius under 10 m is below what a phone's GPS can tell apart; over 5 km is no longer a
 * place in one plant. */
#define AREA_RADIUS_MIN 10
#define AREA_RADIUS_MAX 5000

struct area_row {
	int64_t id, unit_id;
	const char *name, *unit_name, *qr_token;
	double lat, lng;
	int has_coords, radius, active;
};

#define AREA_COLS "a.id, a.name, a.unit_id, un.name, a.latitude, a.longitude, a.radius_m," \
	" a.qr_token, a.active"
#define AREA_FROM " FROM areas a JOIN units un ON un.id = a.unit_id"

static void area_from_row(struct req *r, sqlite3_stmt *st, struct area_row *a)
{
	a->id = db_col_i64(st, 0);
	a->name = arena_strdup(&r->arena, db_col_text(st, 1));
	a->unit_id = db_col_i64(st, 2);
	a->unit_name = arena_strdup(&r->arena, db_col_text(st, 3));
	a->has_coords = !db_col_null(st, 4) && !db_col_null(st, 5);
	a->lat = db_col_double(st, 4);
	a->lng = db_col_double(st, 5);
	a->radius = (int)db_col_i64(st, 6);
	a->qr_token = arena_strdup(&r->arena, db_col_text(st, 7));
	a->active = (int)db_col_i64(st, 8);
}

static int area_load(struct req *r, int64_t id, struct area_row *a)
{
	sqlite3_stmt *st = db_query(r->db, "SELECT " AREA_COLS AREA_FROM
				    " WHERE a.id = ? AND un.path LIKE ?", "It", id,
				    auth_scope_pattern(r));
	int found = st && db_step(st) == 1;
	if (found)
		area_from_row(r, st, a);
	db_done(r->db, st);
	return found ? 0 : -1;
}

static json_t *area_json(struct req *r, const struct area_row *a)
{
	json_t *o = json_pack("{s:I, s:s, s:I, s:s, s:i, s:s, s:s, s:b}", "id", (json_int_t)a->id,
			      "name", a->name, "unit_id", (json_int_t)a->unit_id, "unit", a->unit_name,
			      "radius_m", a->radius, "qr_token", a->qr_token, "qr_url",
			      arena_printf(&r->arena, "/a/%s", a->qr_token), "active", a->active);
	json_object_set_new(o, "latitude", a->has_coords ? json_real(a->lat) : json_null());
	json_object_set_new(o, "longitude", a->has_coords ? json_real(a->lng) : json_null());
	return o;
}

static const char *fmt_coord(struct req *r, int has, double v)
{
	return has ? arena_printf(&r->arena, "%.6f", v) : "";
}

/* Validate and store a new area (cur NULL) or changes. Returns the id, 0 with e set, or
 * -1 when storing failed. */
static int64_t area_save(struct req *r, const struct area_row *cur, struct org_err *e)
{
	const char *name = org_read_text(r, e, "name", "org.area_name", ORG_NAME_MAX, 1,
					 cur ? cur->name : NULL);
	int64_t unit = org_read_id(r, e, "unit_id", "org.area_unit", 1, cur ? cur->unit_id : 0);
	if (unit && !e->field && !org_unit_usable(r, unit))
		org_err_set(r, e, "unit_id", "org.area_unit", "org.err_choice");
	int has_lat, has_lng, has_radius;
	double lat = org_read_number(r, e, "latitude", "org.area_lat", -90, 90, &has_lat,
				     cur ? cur->lat : 0, cur && cur->has_coords);
	double lng = org_read_number(r, e, "longitude", "org.area_lng", -180, 180, &has_lng,
				     cur ? cur->lng : 0, cur && cur->has_coords);
	double radius = org_read_number(r, e, "radius_m", "org.area_radius", AREA_RADIUS_MIN,
					AREA_RADIUS_MAX, &has_radius, cur ? cur->radius : 100, 1);
	if (has_lat != has_lng)	/* a point needs both */
		org_err_set(r, e, has_lat ? "longitude" : "latitude",
			    has_lat ? "org.area_lng" : "org.area_lat", "org.err_both_coords");
	if (!has_radius)
		radius = 100;
	if (radius != (int)radius)
		org_err_set(r, e, "radius_m", "org.area_radius", "org.err_whole");
	if (e->field)
		return 0;
	if (db_begin(r->db) != DB_OK)
		return -1;
	int64_t id;
	int rc = DB_OK;
	struct strbuf sum = STRBUF_INIT;
	if (!cur) {
		id = org_area_create(r->db, name, unit, lat, lng, (int)radius, has_lat);
		sb_addf(&sum, "name: %s; unit: %lld; radius_m: %d", name, (long long)unit, (int)radius);
		if (has_lat)
			sb_addf(&sum, "; point: %.6f,%.6f", lat, lng);
	} else {
		id = cur->id;
		rc = has_lat
			? db_exec(r->db, "UPDATE areas SET name = ?, unit_id = ?, latitude = ?, longitude = ?,"
				  " radius_m = ? WHERE id = ?", "tIddII", name, unit, lat, lng,
				  (int64_t)radius, id)
			: db_exec(r->db, "UPDATE areas SET name = ?, unit_id = ?, latitude = NULL,"
				  " longitude = NULL, radius_m = ? WHERE id = ?", "tIII", name, unit,
				  (int64_t)radius, id);
		org_diff(&sum, "name", cur->name, name);
		org_diff(&sum, "unit_id", arena_printf(&r->arena, "%lld", (long long)cur->unit_id),
			 arena_printf(&r->arena, "%lld", (long long)unit));
		org_diff(&sum, "latitude", fmt_coord(r, cur->has_coords, cur->lat), fmt_coord(r, has_lat, lat));
		org_diff(&sum, "longitude", fmt_coord(r, cur->has_coords, cur->lng), fmt_coord(r, has_lng, lng));
		org_diff(&sum, "radius_m", arena_printf(&r->arena, "%d", cur->radius),
			 arena_printf(&r->arena, "%d", (int)radius));
	}
	if (id <= 0 || rc != DB_OK ||
	    audit_req(r, "area", id, cur ? "update" : "create", sum.buf) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		sb_release(&sum);
		return -1;
	}
	sb_release(&sum);
	return id;
}

static int area_deactivate(struct req *r, const struct area_row *a)
{
	if (db_begin(r->db) != DB_OK)
		return -1;
	if (db_exec(r->db, "UPDATE areas SET active = 0 WHERE id = ?", "I", a->id) != DB_OK ||
	    audit_req(r, "area", a->id, "deactivate", a->name) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return -1;
	}
	return 0;
}

/* ---- pages ---- */

int org_areas_page(struct req *r)
{
	int admin = auth_has(r, "org.admin");
	page_begin(r, T(r, "org.areas"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", T(r, "org.areas"));
	if (admin)
		html_printf(&r->out, "<p><a class=\"button primary\" href=\"/admin/areas/new\">%s</a></p>",
			    T(r, "org.area_new"));
	html_printf(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th>"
			     "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "org.area_name"), T(r, "org.area_unit"), T(r, "org.area_point"),
		    T(r, "org.area_radius"), T(r, "org.area_qr"));
	sqlite3_stmt *st = db_query(r->db, "SELECT " AREA_COLS AREA_FROM
				    " WHERE un.path LIKE ? ORDER BY a.active DESC, un.path, a.name",
				    "t", auth_scope_pattern(r));
	while (st && db_step(st) == 1) {
		struct area_row a;
		area_from_row(r, st, &a);
		html_printf(&r->out, "<tr><td><a href=\"/admin/areas/%D\">%s</a>", a.id, a.name);
		if (!a.active)
			html_printf(&r->out, " <span class=\"badge bad\">%s</span>", T(r, "org.inactive"));
		html_printf(&r->out, "</td><td>%s</td><td>%s</td><td>%d m</td>"
				     "<td><a href=\"/a/%s\">/a/%s</a></td></tr>",
			    a.unit_name,
			    a.has_coords ? arena_printf(&r->arena, "%.5f, %.5f", a.lat, a.lng) : "—",
			    a.radius, a.qr_token, a.qr_token);
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div></section>");
	page_end(r);
	return 0;
}

static void area_form(struct req *r, const struct area_row *a, const struct org_err *e)
{
	int admin = auth_has(r, "org.admin");
	page_begin(r, a ? a->name : T(r, "org.area_new"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", a ? a->name : T(r, "org.area_new"));
	if (e && e->field)
		page_notice(r, "error", e->msg);
	if (a && !a->active)
		html_printf(&r->out, "<p><span class=\"badge bad\">%s</span></p>", T(r, "org.inactive"));
	if (admin) {
		if (a)
			html_printf(&r->out, "<form method=\"post\" action=\"/admin/areas/%D\" class=\"stack\">%r",
				    a->id, page_csrf(r));
		else
			html_printf(&r->out, "<form method=\"post\" action=\"/admin/areas\" class=\"stack\">%r",
				    page_csrf(r));
		org_input(r, e, "name", "org.area_name", org_value(r, "name", a ? a->name : ""),
			  "required maxlength=\"64\"");
		int64_t unit = a ? a->unit_id : 0;
		if (req_is_write(r))
			text_parse_i64(org_value(r, "unit_id", ""), &unit);
		html_printf(&r->out, "<label>%s<select name=\"unit_id\" required><option value=\"\"></option>",
			    T(r, "org.area_unit"));
		org_unit_options(r, unit);
		html_printf(&r->out, "</select>");
		org_field_error(r, e, "unit_id");
		html_printf(&r->out, "</label>");
		org_input(r, e, "latitude", "org.area_lat",
			  org_value(r, "latitude", a ? fmt_coord(r, a->has_coords, a->lat) : ""),
			  "inputmode=\"decimal\" maxlength=\"32\" placeholder=\"31.930500\"");
		org_input(r, e, "longitude", "org.area_lng",
			  org_value(r, "longitude", a ? fmt_coord(r, a->has_coords, a->lng) : ""),
			  "inputmode=\"decimal\" maxlength=\"32\" placeholder=\"118.841200\"");
		org_input(r, e, "radius_m", "org.area_radius",
			  org_value(r, "radius_m", a ? arena_printf(&r->arena, "%d", a->radius) : "100"),
			  "type=\"number\" min=\"10\" max=\"5000\" step=\"1\" required");
		html_printf(&r->out, "<p class=\"hint\">%s</p><button class=\"primary\">%s</button></form>",
			    T(r, "org.area_hint"), T(r, "org.save"));
	}
	if (a) {
		const char *url = org_qr_url(r, a->qr_token);
		struct strbuf svg = STRBUF_INIT;
		qr_svg(&svg, url);
		html_printf(&r->out, "<div class=\"qr-label\"><h2>%s</h2>%r<p><strong>%s</strong></p>"
				     "<p><a href=\"/a/%s\">%s</a></p></div>",
			    T(r, "org.area_qr"), html_raw_sb(&svg), a->name, a->qr_token, url);
		sb_release(&svg);
		if (admin && a->active)
			html_printf(&r->out, "<form method=\"post\" action=\"/admin/areas/%D/deactivate\">%r"
					     "<button class=\"danger\">%s</button></form>",
				    a->id, page_csrf(r), T(r, "org.deactivate"));
	}
	html_printf(&r->out, "<p><a href=\"/admin/areas\">%s</a></p></section>", T(r, "org.back"));
	page_end(r);
}

int org_area_new_page(struct req *r)
{
	area_form(r, NULL, NULL);
	return 0;
}

int org_area_create_post(struct req *r)
{
	struct org_err e = {0};
	int64_t id = area_save(r, NULL, &e);
	if (id == 0) {
		r->status = 422;
		area_form(r, NULL, &e);
	} else if (id < 0) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
	} else {
		resp_redirect(r, arena_printf(&r->arena, "/admin/areas/%lld", (long long)id));
	}
	return 0;
}

int org_area_edit_page(struct req *r)
{
	int64_t id;
	struct area_row a;
	if (req_param_id(r, "id", &id) || area_load(r, id, &a)) {
		org_not_found(r);
		return 0;
	}
	area_form(r, &a, NULL);
	return 0;
}

int org_area_update_post(struct req *r)
{
	int64_t id;
	struct area_row a;
	struct org_err e = {0};
	if (req_param_id(r, "id", &id) || area_load(r, id, &a)) {
		org_not_found(r);
		return 0;
	}
	int64_t rc = area_save(r, &a, &e);
	if (rc == 0) {
		r->status = 422;
		area_form(r, &a, &e);
	} else if (rc < 0) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
	} else {
		resp_redirect(r, "/admin/areas");
	}
	return 0;
}

int org_area_deactivate_post(struct req *r)
{
	int64_t id;
	struct area_row a;
	if (req_param_id(r, "id", &id) || area_load(r, id, &a)) {
		org_not_found(r);
		return 0;
	}
	if (area_deactivate(r, &a)) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_redirect(r, "/admin/areas");
	return 0;
}

/* GET /a/:token — what a phone opens after scanning an area's label. Any signed-in person
 * may scan any label (a worker reports what they see wherever they are), so no data scope
 * applies. A worker goes straight on to the hazard form (the report must stay within five
 * taps); a guardian (permit.guard), scanning where permits are approved or running, is
 * offered the permit site page too — that is how work is started on site. */
int org_area_scan(struct req *r)
{
	const char *tok = req_param(r, "token");
	int64_t id = 0, live = 0;
	if (!tok || strlen(tok) > 64 ||
	    db_get_i64(r->db, &id, "SELECT id FROM areas WHERE qr_token = ? AND active = 1", "t", tok) != 1) {
		org_not_found(r);
		return 0;
	}
	const char *report = arena_printf(&r->arena, "/hazards/new?area=%lld", (long long)id);
	if (auth_has(r, "permit.guard"))
		db_get_i64(r->db, &live, "SELECT count(*) FROM permits WHERE area_id = ?"
			   " AND state IN ('approved', 'in_progress', 'suspended')", "I", id);
	if (!live) {
		resp_redirect(r, report);
		return 0;
	}
	char *name = NULL;
	db_get_text(r->db, &name, "SELECT name FROM areas WHERE id = ?", "I", id);
	page_begin(r, name ? name : "");
	html_printf(&r->out, "<section class=\"card narrow stack\"><h1>%s</h1>"
			     "<a class=\"button primary\" href=\"/permits/site/%s\">%s (%D)</a>"
			     "<a class=\"button\" href=\"%s\">%s</a></section>",
		    name ? name : "", tok, T(r, "org.scan_permits"), live, report, T(r, "org.scan_report"));
	free(name);
	page_end(r);
	return 0;
}

/* ---- API ---- */

int org_api_areas(struct req *r)
{
	json_t *items = json_array();
	int64_t unit = 0;
	if (req_query_id(r, "unit_id", &unit) < 0) {
		resp_error(r, 422, "invalid", T(r, "error.invalid"), "unit_id");
		json_decref(items);
		return 0;
	}
	sqlite3_stmt *st = db_query(r->db, "SELECT " AREA_COLS AREA_FROM
				    " WHERE un.path LIKE ? AND (? = 0 OR a.unit_id = ?)"
				    " ORDER BY un.path, a.name", "tII", auth_scope_pattern(r), unit, unit);
	while (st && db_step(st) == 1) {
		struct area_row a;
		area_from_row(r, st, &a);
		json_array_append_new(items, area_json(r, &a));
	}
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total",
				    (json_int_t)json_array_size(items)));
	return 0;
}

int org_api_area(struct req *r)
{
	int64_t id;
	struct area_row a;
	if (req_param_id(r, "id", &id) || area_load(r, id, &a)) {
		org_not_found(r);
		return 0;
	}
	resp_json(r, 200, area_json(r, &a));
	return 0;
}

static int api_area_write(struct req *r, int creating)
{
	int64_t id = 0;
	struct area_row a;
	struct org_err e = {0};
	if (!r->json) {
		resp_error(r, 415, "bad_request", T(r, "error.json_required"), "body");
		return 0;
	}
	if (!creating && (req_param_id(r, "id", &id) || area_load(r, id, &a))) {
		org_not_found(r);
		return 0;
	}
	int64_t rc = area_save(r, creating ? NULL : &a, &e);
	if (rc == 0) {
		org_api_invalid(r, &e);
		return 0;
	}
	if (rc < 0 || area_load(r, rc, &a)) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_json(r, creating ? 201 : 200, area_json(r, &a));
	return 0;
}

int org_api_area_create(struct req *r)
{
	return api_area_write(r, 1);
}

int org_api_area_update(struct req *r)
{
	return api_area_write(r, 0);
}

int org_api_area_deactivate(struct req *r)
{
	int64_t id;
	struct area_row a;
	if (req_param_id(r, "id", &id) || area_load(r, id, &a)) {
		org_not_found(r);
		return 0;
	}
	if (area_deactivate(r, &a) || area_load(r, id, &a)) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_json(r, 200, area_json(r, &a));
	return 0;
}
