/*
 * check_points_web.c — two records on the entity layer (web/entity.h): checkpoints (巡检点:
 * where a check is proven — a printable QR label of /c/<token> as areas have, an NFC tag id, an
 * optional GPS radius) and devices out of use (停用检修: a risk object stopped from one day to
 * another, with the reason), whose storing suspends the object's open tasks in the period
 * (is_defend). Pages under /checks/points and /checks/stops, API under /api/v1/check/....
 */
#include "check/check.h"
#include "check/check_web.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/text.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/qr.h"

#include <stdio.h>
#include <string.h>

static void area_opts(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT a.id, a.name FROM areas a JOIN units un ON un.id = a.unit_id"
					  " WHERE a.active = 1 AND un.path LIKE ? ORDER BY a.name", "t", auth_company_pattern(r)), selected);
}

static void equip_opts(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT e.id, e.code || ' ' || e.name FROM equipment e JOIN areas a ON a.id = e.area_id"
					  " JOIN units un ON un.id = a.unit_id WHERE un.path LIKE ? ORDER BY e.code", "t", auth_company_pattern(r)), selected);
}

static void object_opts(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT o.id, o.name FROM risk_objects o JOIN units un ON un.id = o.unit_id"
					  " WHERE o.active = 1 AND un.path LIKE ? ORDER BY o.name", "t", auth_scope_pattern(r)), selected);
}

static int exists(struct req *r, const char *sql, int64_t id)
{
	int64_t n = 0;
	return !id || (db_get_i64(r->db, &n, sql, "It", id, auth_company_pattern(r)) == 1 && n);
}

/* ================= 巡检点 ================= */

struct point_row {
	int64_t id, unit_id, area_id, equipment_id, object_id, radius;
	int active, has_gps;
	double lat, lng;
	const char *name, *token, *nfc, *unit_name;
};

#define POINT_COLS "p.id, p.unit_id, COALESCE(p.area_id, 0), COALESCE(p.equipment_id, 0), COALESCE(p.object_id, 0), p.radius_m," \
	" p.active, p.latitude IS NOT NULL, COALESCE(p.latitude, 0), COALESCE(p.longitude, 0), p.name, p.token, COALESCE(p.nfc_id, ''), un.name"
#define POINT_FROM " FROM check_points p JOIN units un ON un.id = p.unit_id"

static void point_from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct point_row *p = row;
	p->id = db_col_i64(st, 0);
	p->unit_id = db_col_i64(st, 1);
	p->area_id = db_col_i64(st, 2);
	p->equipment_id = db_col_i64(st, 3);
	p->object_id = db_col_i64(st, 4);
	p->radius = db_col_i64(st, 5);
	p->active = (int)db_col_i64(st, 6);
	p->has_gps = (int)db_col_i64(st, 7);
	p->lat = db_col_double(st, 8);
	p->lng = db_col_double(st, 9);
	p->name = arena_strdup(&r->arena, db_col_text(st, 10));
	p->token = arena_strdup(&r->arena, db_col_text(st, 11));
	p->nfc = arena_strdup(&r->arena, db_col_text(st, 12));
	p->unit_name = arena_strdup(&r->arena, db_col_text(st, 13));
}

static int point_load(struct req *r, int64_t id, void *row)
{
	return entity_load_scoped(r, "SELECT " POINT_COLS POINT_FROM " WHERE p.id = ? AND un.path LIKE ?", id, point_from_row, row);
}

enum { P_NAME, P_UNIT, P_AREA, P_EQUIP, P_OBJ, P_NFC, P_LAT, P_LNG, P_RADIUS };
static const struct form_field point_fields[] = {
	{"name", "check.point_name", FORM_TEXT, FORM_REQUIRED, .max = 100},
	{"unit_id", "check.unit", FORM_ID, FORM_REQUIRED, .options = form_opts_scope_units},
	{"area_id", "check.area", FORM_ID, 0, .options = area_opts, .empty = "—"},
	{"equipment_id", "check.equipment", FORM_ID, 0, .options = equip_opts, .empty = "—"},
	{"object_id", "check.object", FORM_ID, 0, .options = object_opts, .empty = "—"},
	{"nfc_id", "check.nfc", FORM_TEXT, 0, .max = 64},
	{"latitude", "check.lat", FORM_NUMBER, 0, .lo = -90, .hi = 90, .decimals = 7, .attrs = " inputmode=\"decimal\""},
	{"longitude", "check.lng", FORM_NUMBER, 0, .lo = -180, .hi = 180, .decimals = 7, .attrs = " inputmode=\"decimal\""},
	{"radius_m", "check.radius", FORM_NUMBER, 0, .lo = 0, .hi = 5000, .attrs = " inputmode=\"numeric\""},
	{0},
};

static void point_values(struct req *r, const void *row, const char **t)
{
	const struct point_row *p = row;
	t[P_NAME] = p->name;
	t[P_UNIT] = entity_id_text(r, p->unit_id);
	t[P_AREA] = entity_id_text(r, p->area_id);
	t[P_EQUIP] = entity_id_text(r, p->equipment_id);
	t[P_OBJ] = entity_id_text(r, p->object_id);
	t[P_NFC] = p->nfc;
	t[P_LAT] = p->has_gps ? arena_printf(&r->arena, "%.7f", p->lat) : "";
	t[P_LNG] = p->has_gps ? arena_printf(&r->arena, "%.7f", p->lng) : "";
	t[P_RADIUS] = arena_printf(&r->arena, "%lld", (long long)p->radius);
}

static const char *point_title(const void *row) { return ((const struct point_row *)row)->name; }
static int point_active(const void *row) { return ((const struct point_row *)row)->active; }

static void point_check(struct req *r, const void *cur, struct form *f)
{
	const struct point_row *p = cur;
	if (!auth_scope_allows(r, f->v[P_UNIT].id, -1))
		form_fail(r, f, "unit_id", "form.err_choice");
	if (!exists(r, "SELECT count(*) FROM areas a JOIN units un ON un.id = a.unit_id WHERE a.id = ? AND un.path LIKE ?", f->v[P_AREA].id))
		form_fail(r, f, "area_id", "form.err_choice");
	if (!exists(r, "SELECT count(*) FROM equipment e JOIN areas a ON a.id = e.area_id JOIN units un ON un.id = a.unit_id"
		       " WHERE e.id = ? AND un.path LIKE ?", f->v[P_EQUIP].id))
		form_fail(r, f, "equipment_id", "form.err_choice");
	if (!exists(r, "SELECT count(*) FROM risk_objects o JOIN units un ON un.id = o.unit_id WHERE o.id = ? AND un.path LIKE ?",
		    f->v[P_OBJ].id))
		form_fail(r, f, "object_id", "form.err_choice");
	if (f->v[P_LAT].present != f->v[P_LNG].present)
		form_fail(r, f, f->v[P_LAT].present ? "longitude" : "latitude", "check.err_both_coords");
	if (f->v[P_RADIUS].num > 0 && !f->v[P_LAT].present)
		form_fail(r, f, "latitude", "check.err_both_coords");
	int64_t other = 0;
	if (f->v[P_NFC].present &&
	    db_get_i64(r->db, &other, "SELECT id FROM check_points WHERE nfc_id = upper(?) AND id <> ?", "tI", f->v[P_NFC].text,
		       p ? p->id : 0) == 1)
		form_fail(r, f, "nfc_id", "check.err_nfc_taken");
}

static int64_t point_store(struct req *r, const void *cur, const struct form *f)
{
	const struct point_row *p = cur;
	const struct form_value *v = f->v;
	int64_t now = clock_now();
	int gps = v[P_LAT].present;
	if (!p) {
		char tok[33];
		text_random_token(tok, 16);
		return db_exec(r->db, "INSERT INTO check_points (unit_id, name, area_id, equipment_id, object_id, token, nfc_id, latitude,"
				      " longitude, radius_m, created_by, created_at, updated_at) VALUES (?, ?, NULLIF(?, 0), NULLIF(?, 0),"
				      " NULLIF(?, 0), ?, NULLIF(upper(?), ''), CASE WHEN ? <> 0 THEN ? END, CASE WHEN ? <> 0 THEN ? END, ?, ?, ?, ?)",
			       "ItIIIttididIIII", v[P_UNIT].id, v[P_NAME].text, v[P_AREA].id, v[P_EQUIP].id, v[P_OBJ].id, tok,
			       v[P_NFC].text, gps, v[P_LAT].num, gps, v[P_LNG].num, (int64_t)v[P_RADIUS].num, r->who->user_id, now,
			       now) == DB_OK ? db_last_id(r->db) : -1;
	}
	return db_exec(r->db, "UPDATE check_points SET unit_id = ?, name = ?, area_id = NULLIF(?, 0), equipment_id = NULLIF(?, 0),"
			      " object_id = NULLIF(?, 0), nfc_id = NULLIF(upper(?), ''), latitude = CASE WHEN ? <> 0 THEN ? END,"
			      " longitude = CASE WHEN ? <> 0 THEN ? END, radius_m = ?, updated_at = ? WHERE id = ?",
		       "ItIIItididIII", v[P_UNIT].id, v[P_NAME].text, v[P_AREA].id, v[P_EQUIP].id, v[P_OBJ].id, v[P_NFC].text, gps,
		       v[P_LAT].num, gps, v[P_LNG].num, (int64_t)v[P_RADIUS].num, now, p->id) == DB_OK ? p->id : -1;
}

static json_t *point_json(struct req *r, const void *row)
{
	const struct point_row *p = row;
	json_t *j = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:I, s:b}", "id", (json_int_t)p->id, "name", p->name, "unit_id",
			      (json_int_t)p->unit_id, "unit", p->unit_name, "token", p->token, "qr_url",
			      arena_printf(&r->arena, "/c/%s", p->token), "radius_m", (json_int_t)p->radius, "active", p->active);
	json_object_set_new(j, "area_id", entity_id_json(p->area_id));
	json_object_set_new(j, "equipment_id", entity_id_json(p->equipment_id));
	json_object_set_new(j, "object_id", entity_id_json(p->object_id));
	json_object_set_new(j, "nfc_id", *p->nfc ? json_string(p->nfc) : json_null());
	json_object_set_new(j, "latitude", p->has_gps ? json_real(p->lat) : json_null());
	json_object_set_new(j, "longitude", p->has_gps ? json_real(p->lng) : json_null());
	return j;
}

#define POINT_LIST " WHERE un.path LIKE ? ORDER BY un.path, p.name LIMIT 2000"

static void point_list_html(struct req *r)
{
	html_printf(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "check.point_name"), T(r, "check.unit"), T(r, "check.qr"));
	struct db_stmt *st = db_query(r->db, "SELECT " POINT_COLS POINT_FROM POINT_LIST, "t", auth_scope_pattern(r));
	while (st && db_step(st) == 1) {
		struct point_row p;
		point_from_row(r, st, &p);
		html_printf(&r->out, "<tr><td><a href=\"/checks/points/%D\">%s</a></td><td>%s</td><td>/c/%s</td></tr>", p.id, p.name,
			    p.unit_name, p.token);
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div>");
}

static int point_list_json(struct req *r, json_t *items)
{
	struct db_stmt *st = db_query(r->db, "SELECT " POINT_COLS POINT_FROM POINT_LIST, "t", auth_scope_pattern(r));
	struct point_row p;
	return entity_json_rows(r, st, point_from_row, &p, point_json, items);
}

/* The printable label: the QR code of /c/<token> and the checkpoint's name under it. */
static void point_label(struct req *r, const void *row)
{
	const struct point_row *p = row;
	const char *host = req_header(r, "Host");
	const char *url = arena_printf(&r->arena, "http://%s/c/%s", host && strlen(host) < 200 ? host : "localhost", p->token);
	struct strbuf svg = STRBUF_INIT;
	qr_svg(&svg, url);
	html_printf(&r->out, "<div class=\"qr-label\"><h2>%s</h2>%r<p><strong>%s</strong></p><p><a href=\"/c/%s\">%s</a></p></div>",
		    T(r, "check.qr"), html_raw_sb(&svg), p->name, p->token, url);
	sb_release(&svg);
}

const struct entity check_point_entity = {
	.name = "check_point", .path = "/checks/points", .edit_perm = "check.manage",
	.list_title = "check.points", .new_title = "check.point_new", .hint = "check.point_hint",
	.fields = point_fields, .row_size = sizeof(struct point_row), .flags = ENTITY_SHOW_CREATED | ENTITY_SHOW_UPDATED,
	.load = point_load, .values = point_values, .title = point_title, .active = point_active, .check = point_check,
	.store = point_store, .deactivate_sql = "UPDATE check_points SET active = 0 WHERE id = ?", .json = point_json,
	.list_html = point_list_html, .list_json = point_list_json, .show_tail = point_label,
	.api_path = "/api/v1/check/points",
};

/* ================= 停用检修 ================= */

struct stop_row {
	int64_t id, object_id, unit_id, start_at, end_at;
	int active;
	const char *reason, *object_name;
};

#define STOP_COLS "s.id, s.object_id, o.unit_id, s.start_at, s.end_at, s.active, s.reason, o.name"
#define STOP_FROM " FROM check_stops s JOIN risk_objects o ON o.id = s.object_id JOIN units un ON un.id = o.unit_id"

static void stop_from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct stop_row *s = row;
	s->id = db_col_i64(st, 0);
	s->object_id = db_col_i64(st, 1);
	s->unit_id = db_col_i64(st, 2);
	s->start_at = db_col_i64(st, 3);
	s->end_at = db_col_i64(st, 4);
	s->active = (int)db_col_i64(st, 5);
	s->reason = arena_strdup(&r->arena, db_col_text(st, 6));
	s->object_name = arena_strdup(&r->arena, db_col_text(st, 7));
}

static int stop_load(struct req *r, int64_t id, void *row)
{
	return entity_load_scoped(r, "SELECT " STOP_COLS STOP_FROM " WHERE s.id = ? AND un.path LIKE ?", id, stop_from_row, row);
}

enum { S_OBJ, S_START, S_END, S_REASON };
static const struct form_field stop_fields[] = {
	{"object_id", "check.object", FORM_ID, FORM_REQUIRED, .options = object_opts},
	{"start", "check.stop_start", FORM_DAY, FORM_REQUIRED, .max = 10},
	{"end", "check.stop_end", FORM_DAY, FORM_REQUIRED, .max = 10},
	{"reason", "check.stop_reason", FORM_TEXT, FORM_REQUIRED, .max = 200},
	{0},
};

static void stop_values(struct req *r, const void *row, const char **t)
{
	const struct stop_row *s = row;
	char a[16], b[16];
	t[S_OBJ] = entity_id_text(r, s->object_id);
	t[S_START] = arena_strdup(&r->arena, day_format(day_of(s->start_at), a));
	t[S_END] = arena_strdup(&r->arena, day_format(day_of(s->end_at) - 1, b));
	t[S_REASON] = s->reason;
}

static const char *stop_title(const void *row) { return ((const struct stop_row *)row)->object_name; }
static int stop_active(const void *row) { return ((const struct stop_row *)row)->active; }

/* the period in UTC: from the first day's local midnight to the end of the last day */
static int stop_period(const struct form *f, int64_t *from, int64_t *to)
{
	int64_t d1, d2;
	if (day_parse(f->v[S_START].text, &d1) || day_parse(f->v[S_END].text, &d2))
		return -1;
	*from = day_start_utc(d1);
	*to = day_start_utc(d2 + 1);
	return 0;
}

static void stop_check(struct req *r, const void *cur, struct form *f)
{
	(void)cur;
	int64_t unit = 0, a, b;
	if (db_get_i64(r->db, &unit, "SELECT unit_id FROM risk_objects WHERE id = ? AND active = 1", "I", f->v[S_OBJ].id) != 1 ||
	    !auth_scope_allows(r, unit, -1))
		form_fail(r, f, "object_id", "form.err_choice");
	if (!form_failed(f) && (stop_period(f, &a, &b) || b <= a || b - a > 366 * 86400LL))
		form_fail(r, f, "end", "check.err_stop_period");
}

static int64_t stop_store(struct req *r, const void *cur, const struct form *f)
{
	const struct stop_row *s = cur;
	int64_t now = clock_now(), from = 0, to = 0, id;
	stop_period(f, &from, &to);
	if (!s) {
		if (db_exec(r->db, "INSERT INTO check_stops (object_id, start_at, end_at, reason, created_by, created_at, updated_at)"
				   " VALUES (?, ?, ?, ?, ?, ?, ?)", "IIItIII", f->v[S_OBJ].id, from, to, f->v[S_REASON].text,
			    r->who->user_id, now, now) != DB_OK)
			return -1;
		id = db_last_id(r->db);
	} else {
		if (db_exec(r->db, "UPDATE check_stops SET object_id = ?, start_at = ?, end_at = ?, reason = ?, updated_at = ? WHERE id = ?",
			    "IIItII", f->v[S_OBJ].id, from, to, f->v[S_REASON].text, now, s->id) != DB_OK)
			return -1;
		id = s->id;
	}
	/* the object's open tasks in the period are suspended: neither due nor missed (isDefend) */
	if (db_exec(r->db, "UPDATE check_tasks SET status = 'suspended', is_defend = 1 WHERE object_id = ? AND status = 'open'"
			   " AND window_start < ? AND window_end > ?", "III", f->v[S_OBJ].id, to, from) != DB_OK)
		return -1;
	return id;
}

static json_t *stop_json(struct req *r, const void *row)
{
	(void)r;
	const struct stop_row *s = row;
	return json_pack("{s:I, s:I, s:s, s:I, s:I, s:s, s:b}", "id", (json_int_t)s->id, "object_id", (json_int_t)s->object_id, "object",
			 s->object_name, "start_at", (json_int_t)s->start_at, "end_at", (json_int_t)s->end_at, "reason", s->reason,
			 "active", s->active);
}

#define STOP_LIST " WHERE un.path LIKE ? ORDER BY s.start_at DESC LIMIT 1000"

static void stop_list_html(struct req *r)
{
	html_printf(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "check.object"), T(r, "check.stop_start"), T(r, "check.stop_reason"));
	struct db_stmt *st = db_query(r->db, "SELECT " STOP_COLS STOP_FROM STOP_LIST, "t", auth_scope_pattern(r));
	while (st && db_step(st) == 1) {
		struct stop_row s;
		stop_from_row(r, st, &s);
		html_printf(&r->out, "<tr><td><a href=\"/checks/stops/%D\">%s</a></td><td>%s</td><td>%s</td></tr>", s.id, s.object_name,
			    check_window_text(r, s.start_at, s.end_at), s.reason);
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div>");
}

static int stop_list_json(struct req *r, json_t *items)
{
	struct db_stmt *st = db_query(r->db, "SELECT " STOP_COLS STOP_FROM STOP_LIST, "t", auth_scope_pattern(r));
	struct stop_row s;
	return entity_json_rows(r, st, stop_from_row, &s, stop_json, items);
}

const struct entity check_stop_entity = {
	.name = "check_stop", .path = "/checks/stops", .edit_perm = "check.manage",
	.list_title = "check.stops", .new_title = "check.stop_new", .hint = "check.stop_hint",
	.fields = stop_fields, .row_size = sizeof(struct stop_row), .flags = ENTITY_SHOW_UPDATED,
	.load = stop_load, .values = stop_values, .title = stop_title, .active = stop_active, .check = stop_check,
	.store = stop_store, .deactivate_sql = "UPDATE check_stops SET active = 0 WHERE id = ?", .json = stop_json,
	.list_html = stop_list_html, .list_json = stop_list_json,
	.api_path = "/api/v1/check/stops",
};
