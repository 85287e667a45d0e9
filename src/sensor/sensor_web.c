/*
 * sensor_web.c — the sensor registry on the entity layer (web/entity.h): /sensors pages
 * and /api/v1/sensors, plus a sensor's ingest token, its readings and alarms.
 *
 * A sensor belongs to an area (and so to the area's unit: the data scope), optionally to a
 * piece of equipment. Its three thresholds follow the plant's alarm systems (预警, 报警,
 * 联锁停机) with one direction for all three. The ingest token is a random secret shown
 * once when issued; only its SHA-256 is stored, so a leaked database does not let anyone
 * post readings, and issuing a new one revokes the old.
 */
#include "sensor/sensor.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/text.h"
#include "db/db.h"
#include "http/static.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sensor_row {
	int64_t id, area_id, equipment_id, unit_id, last_at;
	const char *code, *name, *kind, *gas, *uom, *direction, *area_name, *hazard;
	int has[3], level, active, has_last, has_token;
	double th[3], last_value;
};

#define SENSOR_COLS "s.id, s.code, s.name, s.kind, s.gas, s.area_id, COALESCE(s.equipment_id, 0), s.uom," \
	" s.direction, s.warn, s.alarm, s.trip, s.level, s.last_value, s.last_at, s.active, a.name, a.unit_id," \
	" s.token_hash <> '', s.hazard"
#define SENSOR_FROM " FROM sensors s JOIN areas a ON a.id = s.area_id JOIN units un ON un.id = a.unit_id"

static const char *const kinds[] = {"gas", "dust", "temperature", "pressure", NULL};
/* what a gas sensor measures: the names permit_gas_judge() knows (permit_gas_limits) */
static const char *const gases[] = {"combustible", "O2", "H2S", "CO", "NH3", "Cl2", "SO2", "NO2", "HCN",
				    "HCl", "COCl2", NULL};
static const char *const directions[] = {"above", "below", NULL};
static const char *const level_names[] = {"ok", "warn", "alarm", "trip"};
/* a hazard at 报警 (sensor_hazard.c): as the plant's setting, or on/off for this sensor */
static const char *const hazard_modes[] = {"default", "on", "off", NULL};

static void area_opts(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT a.id, a.name FROM areas a JOIN units un ON un.id = a.unit_id"
				    " WHERE a.active = 1 AND un.path LIKE ? ORDER BY a.name", "t",
				    auth_scope_pattern(r)), selected);
}

static void equip_opts(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT e.id, e.code || ' ' || e.name FROM equipment e"
				    " JOIN units un ON un.id = e.unit_id WHERE e.active = 1 AND un.path LIKE ?"
				    " ORDER BY e.code", "t", auth_scope_pattern(r)), selected);
}

enum { F_CODE, F_NAME, F_KIND, F_GAS, F_AREA, F_EQUIP, F_UOM, F_DIR, F_WARN, F_ALARM, F_TRIP, F_HAZARD };
static const struct form_field sensor_fields[] = {
	{"code", "sensor.code", FORM_TEXT, FORM_REQUIRED, .max = 32, .attrs = "placeholder=\"GD-101\""},
	{"name", "sensor.name", FORM_TEXT, FORM_REQUIRED, .max = 100},
	{"kind", "sensor.kind", FORM_CHOICE, FORM_REQUIRED, .choices = kinds, .choice_prefix = "sensor.kind."},
	{"gas", "sensor.gas", FORM_CHOICE, 0, .choices = gases, .choice_prefix = "sensor.gas."},
	{"area_id", "sensor.area", FORM_ID, FORM_REQUIRED, .options = area_opts},
	{"equipment_id", "sensor.equipment", FORM_ID, 0, .options = equip_opts, .empty = "—"},
	{"uom", "sensor.uom", FORM_TEXT, FORM_REQUIRED, .max = 15, .attrs = "placeholder=\"mg/m3\""},
	{"direction", "sensor.direction", FORM_CHOICE, FORM_REQUIRED, .choices = directions,
	 .choice_prefix = "sensor.direction."},
	{"warn", "sensor.warn", FORM_NUMBER, 0, .lo = -1e9, .hi = 1e9, .decimals = 3},
	{"alarm", "sensor.alarm", FORM_NUMBER, 0, .lo = -1e9, .hi = 1e9, .decimals = 3},
	{"trip", "sensor.trip", FORM_NUMBER, 0, .lo = -1e9, .hi = 1e9, .decimals = 3},
	{"hazard", "sensor.hazard", FORM_CHOICE, 0, .choices = hazard_modes, .choice_prefix = "sensor.hazard_mode."},
	{0},
};

static void sensor_from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct sensor_row *s = row;
	s->id = db_col_i64(st, 0);
	s->code = arena_strdup(&r->arena, db_col_text(st, 1));
	s->name = arena_strdup(&r->arena, db_col_text(st, 2));
	s->kind = arena_strdup(&r->arena, db_col_text(st, 3));
	s->gas = arena_strdup(&r->arena, db_col_text(st, 4));
	s->area_id = db_col_i64(st, 5);
	s->equipment_id = db_col_i64(st, 6);
	s->uom = arena_strdup(&r->arena, db_col_text(st, 7));
	s->direction = arena_strdup(&r->arena, db_col_text(st, 8));
	for (int i = 0; i < 3; i++) {
		s->has[i] = !db_col_null(st, 9 + i);
		s->th[i] = db_col_double(st, 9 + i);
	}
	s->level = (int)db_col_i64(st, 12);
	if (s->level < 0 || s->level > 3)
		s->level = 0;
	s->has_last = !db_col_null(st, 13);
	s->last_value = db_col_double(st, 13);
	s->last_at = db_col_i64(st, 14);
	s->active = (int)db_col_i64(st, 15);
	s->area_name = arena_strdup(&r->arena, db_col_text(st, 16));
	s->unit_id = db_col_i64(st, 17);
	s->has_token = (int)db_col_i64(st, 18);
	s->hazard = arena_strdup(&r->arena, db_col_text(st, 19));
}

static int sensor_load(struct req *r, int64_t id, void *row)
{
	return entity_load_scoped(r, "SELECT " SENSOR_COLS SENSOR_FROM " WHERE s.id = ? AND un.path LIKE ?", id,
				  sensor_from_row, row);
}

static const char *num_text(struct req *r, int has, double v)
{
	return has ? arena_printf(&r->arena, "%g", v) : "";
}

static void sensor_values(struct req *r, const void *row, const char **t)
{
	const struct sensor_row *s = row;
	t[F_CODE] = s->code;
	t[F_NAME] = s->name;
	t[F_KIND] = s->kind;
	t[F_GAS] = s->gas;
	t[F_AREA] = entity_id_text(r, s->area_id);
	t[F_EQUIP] = entity_id_text(r, s->equipment_id);
	t[F_UOM] = s->uom;
	t[F_DIR] = s->direction;
	t[F_WARN] = num_text(r, s->has[0], s->th[0]);
	t[F_ALARM] = num_text(r, s->has[1], s->th[1]);
	t[F_TRIP] = num_text(r, s->has[2], s->th[2]);
	t[F_HAZARD] = s->hazard;
}

static void sensor_defaults(struct req *r, const char **t)
{
	(void)r;
	t[F_KIND] = "gas";
	t[F_DIR] = "above";
	t[F_HAZARD] = "default";
}

static const char *sensor_title(const void *row)
{
	return ((const struct sensor_row *)row)->name;
}

static int sensor_active(const void *row)
{
	return ((const struct sensor_row *)row)->active;
}

static void sensor_check(struct req *r, const void *cur, struct form *f)
{
	const struct sensor_row *s = cur;
	int64_t n = 0;
	int gas = !strcmp(f->v[F_KIND].text, "gas");
	/* a gas sensor must say which gas, so its readings can be judged against permits */
	if (gas && !f->v[F_GAS].present)
		form_fail(r, f, "gas", "form.err_required");
	if (!gas && f->v[F_GAS].present)
		form_fail(r, f, "gas", "sensor.err_gas_kind");
	if (db_get_i64(r->db, &n, "SELECT count(*) FROM areas a JOIN units un ON un.id = a.unit_id"
		       " WHERE a.id = ? AND a.active = 1 AND un.path LIKE ?", "It", f->v[F_AREA].id,
		       auth_scope_pattern(r)) != 1 || !n)
		form_fail(r, f, "area_id", "form.err_choice");
	if (f->v[F_EQUIP].id &&
	    (db_get_i64(r->db, &n, "SELECT count(*) FROM equipment e JOIN units un ON un.id = e.unit_id"
			" WHERE e.id = ? AND un.path LIKE ?", "It", f->v[F_EQUIP].id, auth_scope_pattern(r)) != 1 || !n))
		form_fail(r, f, "equipment_id", "form.err_choice");
	if (db_get_i64(r->db, &n, "SELECT count(*) FROM sensors WHERE code = ? AND id <> ?", "tI",
		       f->v[F_CODE].text, s ? s->id : 0) == 1 && n)
		form_fail(r, f, "code", "sensor.err_code_taken");
	/* the thresholds rise (or fall, for "below") from warn to alarm to trip */
	int below = !strcmp(f->v[F_DIR].text, "below");
	const char *names[3] = {"warn", "alarm", "trip"};
	int last = -1;
	for (int i = 0; i < 3; i++) {
		if (!f->v[F_WARN + i].present)
			continue;
		if (last >= 0) {
			double a = f->v[F_WARN + last].num, b = f->v[F_WARN + i].num;
			if (below ? b > a : b < a)
				form_fail(r, f, names[i], "sensor.err_order");
		}
		last = i;
	}
	if (last < 0)
		form_fail(r, f, "warn", "sensor.err_no_threshold");
}

static int64_t sensor_store(struct req *r, const void *cur, const struct form *f)
{
	const struct sensor_row *s = cur;
	const struct form_value *v = f->v;
	/* an absent threshold binds NULL: 'n' via a NULL text */
	const char *th[3];
	for (int i = 0; i < 3; i++)
		th[i] = v[F_WARN + i].present ? v[F_WARN + i].text : NULL;
	const char *gas = !strcmp(v[F_KIND].text, "gas") ? v[F_GAS].text : "";
	const char *hazard = v[F_HAZARD].present ? v[F_HAZARD].text : "default";
	if (!s) {
		if (db_exec(r->db, "INSERT INTO sensors (code, name, kind, gas, area_id, equipment_id, uom, direction,"
				   " warn, alarm, trip, hazard, created_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), ?, ?,"
				   " CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION), CAST(? AS DOUBLE PRECISION), ?, ?)",
			    "ttttIIttttttI", v[F_CODE].text, v[F_NAME].text, v[F_KIND].text, gas, v[F_AREA].id,
			    v[F_EQUIP].id, v[F_UOM].text, v[F_DIR].text, th[0], th[1], th[2], hazard, clock_now()) != DB_OK)
			return -1;
		return db_last_id(r->db);
	}
	if (db_exec(r->db, "UPDATE sensors SET code = ?, name = ?, kind = ?, gas = ?, area_id = ?,"
			   " equipment_id = NULLIF(?, 0), uom = ?, direction = ?, warn = CAST(? AS DOUBLE PRECISION),"
			   " alarm = CAST(? AS DOUBLE PRECISION), trip = CAST(? AS DOUBLE PRECISION), hazard = ? WHERE id = ?",
		    "ttttIIttttttI", v[F_CODE].text, v[F_NAME].text, v[F_KIND].text, gas, v[F_AREA].id, v[F_EQUIP].id,
		    v[F_UOM].text, v[F_DIR].text, th[0], th[1], th[2], hazard, s->id) != DB_OK)
		return -1;
	return s->id;
}

static json_t *num_json(int has, double v)
{
	return has ? json_real(v) : json_null();
}

static json_t *sensor_json(struct req *r, const void *row)
{
	(void)r;
	const struct sensor_row *s = row;
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:b, s:b, s:s}", "id", (json_int_t)s->id,
			      "code", s->code, "name", s->name, "kind", s->kind, "gas", s->gas, "area_id",
			      (json_int_t)s->area_id, "area", s->area_name, "uom", s->uom, "direction", s->direction,
			      "level", level_names[s->level], "active", s->active, "has_token", s->has_token,
			      "hazard", s->hazard);
	json_object_set_new(o, "equipment_id", entity_id_json(s->equipment_id));
	json_object_set_new(o, "warn", num_json(s->has[0], s->th[0]));
	json_object_set_new(o, "alarm", num_json(s->has[1], s->th[1]));
	json_object_set_new(o, "trip", num_json(s->has[2], s->th[2]));
	json_object_set_new(o, "last_value", num_json(s->has_last, s->last_value));
	json_object_set_new(o, "last_at", s->last_at ? json_integer(s->last_at) : json_null());
	return o;
}

static void level_badge(struct req *r, int level)
{
	static const char *const cls[] = {"ok", "warn", "bad", "bad"};
	html_printf(&r->out, "<span class=\"badge %s\">%s</span>", cls[level],
		    T(r, arena_printf(&r->arena, "sensor.level.%s", level_names[level])));
}

/* The list; with ?area_id= the sensors of one area with their charts of the last day (the
 * area's readings page, linked from the permit site page's area). */
static void sensor_list_html(struct req *r)
{
	int64_t area = 0;
	if (req_query_id(r, "area_id", &area) < 0)
		req_bad_param(r, "area_id");
	if (auth_has(r, "sensor.admin"))
		html_printf(&r->out, "<p><a class=\"button\" href=\"/sensors/mqtt\">%s</a></p>", T(r, "sensor.mqtt_link"));
	html_printf(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
			     "<th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "sensor.name"), T(r, "sensor.kind"), T(r, "sensor.area"), T(r, "sensor.last_value"),
		    T(r, "sensor.level"));
	struct db_stmt *st = db_query(r->db, "SELECT " SENSOR_COLS SENSOR_FROM " WHERE un.path LIKE ?"
				    " AND (? = 0 OR s.area_id = ?) ORDER BY s.active DESC, s.level DESC, s.code LIMIT 500",
				    "tII", auth_scope_pattern(r), area, area);
	while (st && db_step(st) == 1) {
		struct sensor_row s;
		sensor_from_row(r, st, &s);
		html_printf(&r->out, "<tr><td><a href=\"/sensors/%D\">%s %s</a>", s.id, s.code, s.name);
		if (!s.active)
			html_printf(&r->out, " <span class=\"badge bad\">%s</span>", T(r, "org.inactive"));
		html_printf(&r->out, "</td><td>%s</td><td><a href=\"/sensors?area_id=%D\">%s</a></td><td>%s %s</td><td>",
			    T(r, arena_printf(&r->arena, "sensor.kind.%s", s.kind)), s.area_id, s.area_name,
			    s.has_last ? arena_printf(&r->arena, "%g", s.last_value) : "—", s.uom);
		level_badge(r, s.level);
		html_printf(&r->out, "</td></tr>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div>");
	/* the area's charts only when the area lies in the caller's scope (the table above is
	 * already filtered; the charts read by area) */
	int64_t in_scope = 0;
	if (area && db_get_i64(r->db, &in_scope, "SELECT count(*) FROM areas a JOIN units un ON un.id = a.unit_id"
			       " WHERE a.id = ? AND un.path LIKE ?", "It", area, auth_scope_pattern(r)) == 1 && in_scope)
		sensor_area_charts(r, area, 86400);
}

static int sensor_list_json(struct req *r, json_t *items)
{
	int64_t area = 0;
	if (req_query_id(r, "area_id", &area) < 0) {
		resp_error(r, 422, "invalid", T(r, "error.invalid"), "area_id");
		return -1;
	}
	struct db_stmt *st = db_query(r->db, "SELECT " SENSOR_COLS SENSOR_FROM " WHERE un.path LIKE ?"
				    " AND (? = 0 OR s.area_id = ?) ORDER BY s.code", "tII", auth_scope_pattern(r), area, area);
	struct sensor_row s;
	return entity_json_rows(r, st, sensor_from_row, &s, sensor_json, items);
}

static void sensor_head(struct req *r, const void *row)
{
	const struct sensor_row *s = row;
	if (!s)
		return;
	html_printf(&r->out, "<p>");
	level_badge(r, s->level);
	html_printf(&r->out, " %s: %s %s</p>", T(r, "sensor.last_value"),
		    s->has_last ? arena_printf(&r->arena, "%g", s->last_value) : "—", s->uom);
	struct sensor_info si;
	int64_t now = clock_now();
	html_printf(&r->out, "<link rel=\"stylesheet\" href=\"%s\">", static_url("sensor.css"));
	if (sensor_info_load(r->db, s->id, &si) == 0)
		sensor_chart_html(r, &si, now - 86400, now);
}

/* The alarms of the sensor, and the button that issues its ingest token. */
static void sensor_tail(struct req *r, const void *row)
{
	const struct sensor_row *s = row;
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><ul class=\"plain\">", T(r, "sensor.alarms"));
	struct db_stmt *st = db_query(r->db, "SELECT a.at, a.level, a.value, a.note, COALESCE(a.permit_id, 0),"
				    " COALESCE(a.hazard_id, 0), COALESCE(h.number, ''), a.hazard_state FROM sensor_alarms a"
				    " LEFT JOIN hazards h ON h.id = a.hazard_id"
				    " WHERE a.sensor_id = ? ORDER BY a.at DESC, a.id DESC LIMIT 20", "I", s->id);
	int any = 0;
	while (st && db_step(st) == 1) {
		any = 1;
		html_printf(&r->out, "<li><strong>%s</strong> %s · %s", T(r, arena_printf(&r->arena, "sensor.alarm_level.%s",
									      db_col_text(st, 1))),
			    page_time(r, db_col_i64(st, 0)), db_col_text(st, 3));
		if (db_col_i64(st, 4))
			html_printf(&r->out, " · <a href=\"/permits/%D\">%s</a>", db_col_i64(st, 4), T(r, "sensor.permit"));
		if (db_col_i64(st, 5))
			html_printf(&r->out, " · %s <a href=\"/hazards/%D\">%s</a>", T(r, "sensor.hazard_link"),
				    db_col_i64(st, 5), db_col_text(st, 6));
		else if (!strcmp(db_col_text(st, 7), "pending") || !strcmp(db_col_text(st, 7), "failed"))
			html_printf(&r->out, " · %s", T(r, arena_printf(&r->arena, "sensor.hazard_state.%s", db_col_text(st, 7))));
		html_printf(&r->out, "</li>");
	}
	db_done(r->db, st);
	if (!any)
		html_printf(&r->out, "<li class=\"muted\">%s</li>", T(r, "sensor.no_alarms"));
	html_printf(&r->out, "</ul></section>");
	if (auth_has(r, "sensor.admin"))
		html_printf(&r->out, "<form method=\"post\" action=\"/sensors/%D/token\" class=\"card stack\">%r"
				     "<p class=\"muted\">%s</p><button type=\"submit\">%s</button></form>",
			    s->id, page_csrf(r), T(r, s->has_token ? "sensor.token_replace_hint" : "sensor.token_hint"),
			    T(r, "sensor.token_issue"));
}

const struct entity sensor_entity = {
	.name = "sensor", .path = "/sensors", .edit_perm = "sensor.admin",
	.list_title = "sensor.title", .new_title = "sensor.new", .hint = "sensor.hint",
	.fields = sensor_fields, .row_size = sizeof(struct sensor_row), .flags = ENTITY_SHOW_CREATED,
	.load = sensor_load, .values = sensor_values, .title = sensor_title, .active = sensor_active,
	.defaults = sensor_defaults, .check = sensor_check, .store = sensor_store,
	.deactivate_sql = "UPDATE sensors SET active = 0, token_hash = '' WHERE id = ?", .json = sensor_json,
	.list_html = sensor_list_html, .list_json = sensor_list_json, .show_head = sensor_head,
	.show_tail = sensor_tail, .api_path = "/api/v1/sensors",
};

/* the handlers the route table names (not static: the macro writes plain definitions) */
int sensor_list_page(struct req *r);
int sensor_new_page(struct req *r);
int sensor_create_post(struct req *r);
int sensor_edit_page(struct req *r);
int sensor_update_post(struct req *r);
int sensor_deact_post(struct req *r);
int sensor_api_list(struct req *r);
int sensor_api_get(struct req *r);
int sensor_api_create(struct req *r);
int sensor_api_update(struct req *r);
int sensor_api_deact(struct req *r);
ENTITY_HANDLERS(sensor_entity, sensor_list_page, sensor_new_page, sensor_create_post, sensor_edit_page,
		sensor_update_post, sensor_deact_post, sensor_api_list, sensor_api_get, sensor_api_create,
		sensor_api_update, sensor_api_deact)

/* Issue a new ingest token: stored hashed, answered once, the old one no longer works. */
static const char *issue_token(struct req *r, int64_t id)
{
	char tok[65], h[65];
	text_random_token(tok, 32);
	text_sha256_hex(tok, strlen(tok), h);
	if (db_begin(r->db) != DB_OK)
		return NULL;
	if (db_exec(r->db, "UPDATE sensors SET token_hash = ? WHERE id = ?", "tI", h, id) != DB_OK ||
	    audit_req(r, "sensor", id, "token", "") != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return NULL;
	}
	return arena_strdup(&r->arena, tok);
}

static int token_for(struct req *r, int api)
{
	struct sensor_row s;
	int64_t id = 0;
	if (req_param_id(r, "id", &id) != 0 || sensor_load(r, id, &s) || !s.active) {
		entity_not_found(r);
		return 0;
	}
	const char *tok = issue_token(r, id);
	if (!tok) {
		form_unavailable(r);
		return 0;
	}
	if (api) {
		resp_json(r, 201, json_pack("{s:I, s:s}", "sensor_id", (json_int_t)id, "token", tok));
		return 0;
	}
	page_begin(r, s.name);
	html_printf(&r->out, "<link rel=\"stylesheet\" href=\"%s\">", static_url("sensor.css"));
	html_printf(&r->out, "<section class=\"card narrow stack\"><h1>%s</h1><p>%s</p><p><code class=\"token\">%s</code></p>"
			     "<a class=\"button\" href=\"/sensors/%D\">%s</a></section>",
		    s.name, T(r, "sensor.token_once"), tok, id, T(r, "sensor.back"));
	page_end(r);
	return 0;
}

static int token_page(struct req *r) { return token_for(r, 0); }
static int token_api(struct req *r) { return token_for(r, 1); }

/*
 * POST /api/v1/sensor-readings: a JSON array of readings, sent with the sensor's own token
 * (its readings only) or by a signed-in caller or API token holding sensor.ingest (any
 * sensor). 200 with a result per reading; 413 over SENSOR_BATCH_MAX readings.
 */
static int ingest(struct req *r)
{
	int64_t only = 0;
	/* sensor.ingest counts only with a bearer token: the route skips the CSRF check (devices
	 * post without a form), so a browser's cookie must not be able to post readings that
	 * would suspend permits */
	if (!(r->who && r->who->bearer && auth_has(r, "sensor.ingest"))) {
		const char *authz = req_header(r, "Authorization");
		only = authz && !strncmp(authz, "Bearer ", 7) ? sensor_by_token(r->db, authz + 7) : 0;
		if (!only) {
			resp_error(r, 401, "unauthorized", T(r, "sensor.err_token"), "Authorization");
			return 0;
		}
	}
	json_t *batch = r->json;
	if (!json_is_array(batch)) {
		resp_error(r, 422, "invalid", T(r, "sensor.err_batch"), "body");
		return 0;
	}
	if (json_array_size(batch) > SENSOR_BATCH_MAX) {
		resp_error(r, 413, "too_large", T(r, "sensor.err_batch_size"), "body");
		return 0;
	}
	json_t *results = json_array();
	int stored = 0, refused = 0;
	if (sensor_ingest(r->db, batch, only, clock_now(), results, &stored, &refused)) {
		json_decref(results);
		form_unavailable(r);
		return 0;
	}
	resp_json(r, 200, json_pack("{s:i, s:i, s:i, s:o}", "stored", stored, "refused", refused, "duplicate",
				    (int)json_array_size(results) - stored - refused, "results", results));
	return 0;
}

/* GET /api/v1/sensors/:id/readings?since=: raw readings and minute averages, newest first. */
static int readings_api(struct req *r)
{
	struct sensor_row s;
	int64_t id = 0, since = 0;
	if (req_param_id(r, "id", &id) != 0 || sensor_load(r, id, &s)) {
		entity_not_found(r);
		return 0;
	}
	const char *q = req_query(r, "since");
	if (q && (text_parse_i64(q, &since) || since < 1)) {	/* a UTC time; absent: all */
		resp_error(r, 422, "invalid", T(r, "error.invalid"), "since");
		return 0;
	}
	struct pager pg;
	pager_start(r, 100, &pg);
	if (r->status >= 400)
		return 0;
	json_t *items = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT at, value, 'raw' FROM sensor_readings WHERE sensor_id = ? AND at >= ?"
				    " UNION ALL SELECT minute, avg, 'minute' FROM sensor_minutes WHERE sensor_id = ?"
				    " AND minute >= ? ORDER BY 1 DESC LIMIT 100000", "IIII", id, since, id, since);
	while (st && db_step(st) == 1)
		if (pager_take(&pg))
			json_array_append_new(items, json_pack("{s:I, s:f, s:s}", "at", (json_int_t)db_col_i64(st, 0), "value",
							       db_col_double(st, 1), "kind", db_col_text(st, 2)));
	db_done(r->db, st);
	pager_reply(r, &pg, items, NULL);
	return 0;
}

/* GET /api/v1/sensors/:id/alarms: newest first. */
static int alarms_api(struct req *r)
{
	struct sensor_row s;
	int64_t id = 0;
	if (req_param_id(r, "id", &id) != 0 || sensor_load(r, id, &s)) {
		entity_not_found(r);
		return 0;
	}
	struct pager pg;
	pager_start(r, 50, &pg);
	if (r->status >= 400)
		return 0;
	json_t *items = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT id, at, level, value, threshold, COALESCE(permit_id, 0), note,"
				    " COALESCE(hazard_id, 0), hazard_state FROM sensor_alarms WHERE sensor_id = ? ORDER BY at DESC, id DESC LIMIT 100000", "I", id);
	while (st && db_step(st) == 1)
		if (pager_take(&pg)) {
			json_t *o = json_pack("{s:I, s:I, s:s, s:f, s:s}", "id", (json_int_t)db_col_i64(st, 0), "at",
					      (json_int_t)db_col_i64(st, 1), "level", db_col_text(st, 2), "value",
					      db_col_double(st, 3), "note", db_col_text(st, 6));
			json_object_set_new(o, "threshold", db_col_null(st, 4) ? json_null() : json_real(db_col_double(st, 4)));
			json_object_set_new(o, "permit_id", entity_id_json(db_col_i64(st, 5)));
			json_object_set_new(o, "hazard_id", entity_id_json(db_col_i64(st, 7)));
			json_object_set_new(o, "hazard_state", json_string(db_col_text(st, 8)));
			json_array_append_new(items, o);
		}
	db_done(r->db, st);
	pager_reply(r, &pg, items, NULL);
	return 0;
}

const struct route sensor_routes[] = {
	{"GET", "/sensors/:id/chart.svg", sensor_chart_image, "sensor.view", 0,
	 "Sensor: its readings chart as an SVG image (?hours=1..168)"},
	{"GET", "/sensors/mqtt", sensor_mqtt_get, "sensor.admin", 0, "Readings by MQTT: the subscriber's settings and state"},
	{"POST", "/sensors/mqtt", sensor_mqtt_post, "sensor.admin", 0, "Save the subscriber's settings (the password write-only)"},
	{"GET", "/api/v1/sensor-mqtt", sensor_mqtt_get, "sensor.admin", ROUTE_API, "Readings by MQTT: the subscriber's settings (the password only as set or not) and state"},
	{"POST", "/api/v1/sensor-mqtt", sensor_mqtt_post, "sensor.admin", ROUTE_API, "Save the subscriber's settings; the password is write-only, blank keeps it, clear_password removes it"},
	{"POST", "/sensors/:id/token", token_page, "sensor.admin", 0, "Sensor: issue its ingest token (shown once)"},
	ENTITY_PAGE_ROUTES("/sensors", "sensor.view", "sensor.view", "sensor.admin", "Sensor", sensor_list_page,
			   sensor_new_page, sensor_create_post, sensor_edit_page, sensor_update_post, sensor_deact_post),
	{"POST", "/api/v1/sensor-readings", ingest, NULL, ROUTE_PUBLIC | ROUTE_API | ROUTE_NO_CSRF,
	 "Readings: a batch, with the sensor's token or sensor.ingest"},
	{"GET", "/api/v1/sensors/:id/readings", readings_api, "sensor.view", ROUTE_API | ROUTE_PAGED,
	 "Sensor: its readings, newest first"},
	{"GET", "/api/v1/sensors/:id/alarms", alarms_api, "sensor.view", ROUTE_API | ROUTE_PAGED,
	 "Sensor: its alarms, newest first"},
	{"POST", "/api/v1/sensors/:id/token", token_api, "sensor.admin", ROUTE_API | ROUTE_NO_BODY,
	 "Sensor: issue its ingest token (shown once)"},
	ENTITY_API_ROUTES("/api/v1/sensors", "sensor.view", "sensor.admin", "Sensor", sensor_api_list, sensor_api_get,
			  sensor_api_create, sensor_api_update, sensor_api_deact),
	{0},
};
