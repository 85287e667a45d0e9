/*
 * org_areas_web.c — areas (places in the plant): list, create, edit, deactivate, the
 * printable QR label, the /a/:token scan target, and /api/v1/areas.
 *
 * The pages and the API are web/entity.c's: this file declares the fields, how an area is
 * loaded within the caller's scope and stored, its JSON and its list.
 *
 * The QR code encodes /a/<qr_token>, not the area id: the token is unguessable and stays
 * the same when the area is renamed, so labels on the wall never need reprinting. An
 * optional GPS point and radius let the hazard form check that a report was made on site.
 */
#include "org/org.h"
#include "org/org_web.h"
#include "auth/auth.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/qr.h"

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

static void area_unit_options(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	org_unit_options(r, selected);
}

enum { F_NAME, F_UNIT, F_LAT, F_LNG, F_RADIUS };
static const struct form_field area_fields[] = {
	{"name", "org.area_name", FORM_TEXT, FORM_REQUIRED, .max = ORG_NAME_MAX},
	{"unit_id", "org.area_unit", FORM_ID, FORM_REQUIRED, .options = area_unit_options},
	{"latitude", "org.area_lat", FORM_NUMBER, 0, .lo = -90, .hi = 90, .decimals = 6,
	 .attrs = "placeholder=\"31.930500\""},
	{"longitude", "org.area_lng", FORM_NUMBER, 0, .lo = -180, .hi = 180, .decimals = 6,
	 .attrs = "placeholder=\"118.841200\""},
	{"radius_m", "org.area_radius", FORM_NUMBER, 0, .lo = AREA_RADIUS_MIN,
	 .hi = AREA_RADIUS_MAX, .attrs = "required"},	/* empty: 100 m (area_check) */
	{0},
};

static void area_from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct area_row *a = row;
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

static int area_load(struct req *r, int64_t id, void *row)
{
	return entity_load_scoped(r, "SELECT " AREA_COLS AREA_FROM " WHERE a.id = ? AND un.path LIKE ?", id,
				  area_from_row, row);
}

static void area_values(struct req *r, const void *row, const char **t)
{
	const struct area_row *a = row;
	t[F_NAME] = a->name;
	t[F_UNIT] = arena_printf(&r->arena, "%lld", (long long)a->unit_id);
	t[F_LAT] = a->has_coords ? arena_printf(&r->arena, "%.6f", a->lat) : "";
	t[F_LNG] = a->has_coords ? arena_printf(&r->arena, "%.6f", a->lng) : "";
	t[F_RADIUS] = arena_printf(&r->arena, "%d", a->radius);
}

static void area_defaults(struct req *r, const char **t)
{
	(void)r;
	t[F_RADIUS] = "100";
}

static const char *area_title(const void *row)
{
	return ((const struct area_row *)row)->name;
}

static int area_active(const void *row)
{
	return ((const struct area_row *)row)->active;
}

static void area_check(struct req *r, const void *cur, struct form *f)
{
	(void)cur;
	const struct form_value *lat = &f->v[F_LAT], *lng = &f->v[F_LNG];
	if (!f->v[F_RADIUS].present) {
		f->v[F_RADIUS].num = 100;
		f->v[F_RADIUS].present = 1;
	}
	if (!org_unit_usable(r, f->v[F_UNIT].id))
		form_fail(r, f, "unit_id", "form.err_choice");
	if (lat->present != lng->present)	/* a point needs both */
		form_fail(r, f, lat->present ? "longitude" : "latitude", "org.err_both_coords");
}

static int64_t area_store(struct req *r, const void *cur, const struct form *f)
{
	const struct area_row *a = cur;
	const char *name = f->v[F_NAME].text;
	int64_t unit = f->v[F_UNIT].id;
	int has = f->v[F_LAT].present;
	double lat = f->v[F_LAT].num, lng = f->v[F_LNG].num;
	int64_t radius = (int64_t)f->v[F_RADIUS].num;
	if (!a)
		return org_area_create(r->db, name, unit, lat, lng, (int)radius, has);
	int rc = has
		? db_exec(r->db, "UPDATE areas SET name = ?, unit_id = ?, latitude = ?, longitude = ?,"
			  " radius_m = ? WHERE id = ?", "tIddII", name, unit, lat, lng, radius, a->id)
		: db_exec(r->db, "UPDATE areas SET name = ?, unit_id = ?, latitude = NULL,"
			  " longitude = NULL, radius_m = ? WHERE id = ?", "tIII", name, unit, radius, a->id);
	return rc == DB_OK ? a->id : -1;
}

static json_t *area_json(struct req *r, const void *row)
{
	const struct area_row *a = row;
	json_t *o = json_pack("{s:I, s:s, s:I, s:s, s:i, s:s, s:s, s:b}", "id", (json_int_t)a->id,
			      "name", a->name, "unit_id", (json_int_t)a->unit_id, "unit", a->unit_name,
			      "radius_m", a->radius, "qr_token", a->qr_token, "qr_url",
			      arena_printf(&r->arena, "/a/%s", a->qr_token), "active", a->active);
	json_object_set_new(o, "latitude", a->has_coords ? json_real(a->lat) : json_null());
	json_object_set_new(o, "longitude", a->has_coords ? json_real(a->lng) : json_null());
	return o;
}

static void area_list_html(struct req *r)
{
	html_printf(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th>"
			     "<th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "org.area_name"), T(r, "org.area_unit"), T(r, "org.area_point"),
		    T(r, "org.area_radius"), T(r, "org.area_qr"));
	struct db_stmt *st = db_query(r->db, "SELECT " AREA_COLS AREA_FROM
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
	html_printf(&r->out, "</tbody></table></div>");
}

static int area_list_json(struct req *r, json_t *items)
{
	int64_t unit = 0;
	if (req_query_id(r, "unit_id", &unit) < 0) {
		resp_error(r, 422, "invalid", T(r, "error.invalid"), "unit_id");
		return -1;
	}
	struct db_stmt *st = db_query(r->db, "SELECT " AREA_COLS AREA_FROM
				    " WHERE un.path LIKE ? AND (? = 0 OR a.unit_id = ?)"
				    " ORDER BY un.path, a.name", "tII", auth_scope_pattern(r), unit, unit);
	struct area_row a;
	return entity_json_rows(r, st, area_from_row, &a, area_json, items);
}

static void area_head(struct req *r, const void *row)
{
	if (row && !area_active(row))
		html_printf(&r->out, "<p><span class=\"badge bad\">%s</span></p>", T(r, "org.inactive"));
}

/* The printable label: the QR code of the scan link, and the area's name under it. */
static void area_label(struct req *r, const void *row)
{
	const struct area_row *a = row;
	const char *url = org_qr_url(r, a->qr_token);
	struct strbuf svg = STRBUF_INIT;
	qr_svg(&svg, url);
	html_printf(&r->out, "<div class=\"qr-label\"><h2>%s</h2>%r<p><strong>%s</strong></p>"
			     "<p><a href=\"/a/%s\">%s</a></p></div>",
		    T(r, "org.area_qr"), html_raw_sb(&svg), a->name, a->qr_token, url);
	sb_release(&svg);
}

const struct entity area_entity = {
	.name = "area", .path = "/admin/areas", .edit_perm = "org.admin",
	.list_title = "org.areas", .new_title = "org.area_new", .hint = "org.area_hint",
	.fields = area_fields, .row_size = sizeof(struct area_row), .flags = ENTITY_SHOW_CREATED,
	.load = area_load, .values = area_values, .title = area_title, .active = area_active,
	.defaults = area_defaults, .check = area_check, .store = area_store,
	.deactivate_sql = "UPDATE areas SET active = 0 WHERE id = ?", .json = area_json,
	.list_html = area_list_html, .list_json = area_list_json, .show_head = area_head,
	.show_tail = area_label,
	.api_path = "/api/v1/areas",
};

ENTITY_HANDLERS(area_entity, org_areas_page, org_area_new_page, org_area_create_post,
		org_area_edit_page, org_area_update_post, org_area_deactivate_post, org_api_areas,
		org_api_area, org_api_area_create, org_api_area_update, org_api_area_deactivate)

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

