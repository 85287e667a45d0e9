/*
 * risk_chain_web.c — the chain's records through web/entity.c: 风险分析对象 (objects), 风险分析
 * 单元 (analysis units), 风险事件 (events) and 管控措施 (measures), each with its list, new,
 * edit and deactivate pages and its /api/v1/risk/... handlers. This file declares the fields,
 * how a record is loaded within the caller's scope and stored, its JSON and its list.
 *
 * Data scope: every record belongs to its object's unit (risk_objects.unit_id); the owner is
 * the object's responsible person, so a person with the "own" scope sees the objects they
 * answer for. Records are deactivated, not deleted, while anything points at them; an event is
 * deleted (closed) only when nothing points at it (risk_chain.c, DELETE /api/v1/risk/events/:id);
 * otherwise it is deactivated, which the entity layer audits.
 */
#include "risk/risk.h"
#include "risk/risk_web.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

/* ---- <option>s ---- */

static void area_opts(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT a.id, a.name FROM areas a JOIN units un ON un.id = a.unit_id"
					  " WHERE a.active = 1 AND un.path LIKE ? ORDER BY a.name", "t", auth_scope_pattern(r)), selected);
}

static void equipment_opts(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT e.id, e.code || ' ' || e.name FROM equipment e JOIN units un ON un.id = e.unit_id"
					  " WHERE e.active = 1 AND un.path LIKE ? ORDER BY e.code", "t", auth_scope_pattern(r)), selected);
}

static void object_opts(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT o.id, o.name FROM risk_objects o JOIN units un ON un.id = o.unit_id"
					  " WHERE o.active = 1 AND un.path LIKE ? ORDER BY o.name", "t", auth_scope_pattern(r)), selected);
}

static void runit_opts(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT u.id, o.name, u.name FROM risk_units u JOIN risk_objects o ON o.id = u.object_id"
					  " JOIN units un ON un.id = o.unit_id WHERE u.active = 1 AND un.path LIKE ?"
					  " ORDER BY o.name, u.name", "t", auth_scope_pattern(r)), selected);
}

static void event_opts(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT e.id, o.name, e.name FROM risk_events e JOIN risk_units u ON u.id = e.risk_unit_id"
					  " JOIN risk_objects o ON o.id = u.object_id JOIN units un ON un.id = o.unit_id"
					  " WHERE e.active = 1 AND un.path LIKE ? ORDER BY o.name, e.name LIMIT 2000", "t",
					  auth_scope_pattern(r)), selected);
}

static void accident_opts(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	int en = !strcmp(r->lang, "en");
	struct db_stmt *st = db_query(r->db, en ? "SELECT id, list, name_en FROM risk_accident_types WHERE active = 1"
						  " ORDER BY list DESC, sort"
						: "SELECT id, list, name_zh FROM risk_accident_types WHERE active = 1"
						  " ORDER BY list DESC, sort", NULL);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<option value=\"%D\"%r>GB 6441-%s · %s</option>", db_col_i64(st, 0),
			    db_col_i64(st, 0) == selected ? " selected" : "", db_col_text(st, 1), db_col_text(st, 2));
	db_done(r->db, st);
}

static void class_opts(struct req *r, int depth, const char *selected)
{
	int en = !strcmp(r->lang, "en");
	struct db_stmt *st = db_query(r->db, en ? "SELECT c.code, COALESCE(p.name_en || ' / ', '') || c.name_en FROM risk_measure_classes c"
						  " LEFT JOIN risk_measure_classes p ON p.code = c.parent WHERE c.depth = ? AND c.active = 1"
						  " ORDER BY c.code"
						: "SELECT c.code, COALESCE(p.name_zh || ' / ', '') || c.name_zh FROM risk_measure_classes c"
						  " LEFT JOIN risk_measure_classes p ON p.code = c.parent WHERE c.depth = ? AND c.active = 1"
						  " ORDER BY c.code", "i", depth);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", db_col_text(st, 0),
			    selected && !strcmp(selected, db_col_text(st, 0)) ? " selected" : "", db_col_text(st, 1));
	db_done(r->db, st);
}
static void class2_opts(struct req *r, const char *selected) { class_opts(r, 2, selected); }
static void class3_opts(struct req *r, const char *selected) { class_opts(r, 3, selected); }

/* ---- shared checks ---- */

static int exists(struct req *r, const char *sql, int64_t id)
{
	int64_t n = 0;
	return !id || (db_get_i64(r->db, &n, sql, "I", id) == 1 && n);
}

static int user_ok(struct req *r, int64_t id)
{
	return exists(r, "SELECT count(*) FROM users WHERE id = ? AND active = 1", id);
}

static int unit_ok(struct req *r, int64_t id)
{
	return !id || auth_scope_allows(r, id, -1);
}

/* ================= 风险分析对象 ================= */

struct obj_row {
	int64_t id, unit_id, area_id, equipment_id, position_id, principal, technical, operations, resp_unit, resp_user;
	int hazard_level, active;
	const char *kind, *code, *name, *description, *hazard_code, *unit_name;
};

#define OBJ_COLS "o.id, o.kind, o.code, o.name, o.description, o.unit_id, COALESCE(o.area_id, 0), COALESCE(o.equipment_id, 0)," \
	" COALESCE(o.position_id, 0), o.hazard_code, COALESCE(o.hazard_level, 0), COALESCE(o.principal_user_id, 0)," \
	" COALESCE(o.technical_user_id, 0), COALESCE(o.operations_user_id, 0), COALESCE(o.resp_unit_id, 0)," \
	" COALESCE(o.resp_user_id, 0), o.active, un.name"
#define OBJ_FROM " FROM risk_objects o JOIN units un ON un.id = o.unit_id"

static void obj_from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct obj_row *o = row;
	o->id = db_col_i64(st, 0);
	o->kind = arena_strdup(&r->arena, db_col_text(st, 1));
	o->code = arena_strdup(&r->arena, db_col_text(st, 2));
	o->name = arena_strdup(&r->arena, db_col_text(st, 3));
	o->description = arena_strdup(&r->arena, db_col_text(st, 4));
	o->unit_id = db_col_i64(st, 5);
	o->area_id = db_col_i64(st, 6);
	o->equipment_id = db_col_i64(st, 7);
	o->position_id = db_col_i64(st, 8);
	o->hazard_code = arena_strdup(&r->arena, db_col_text(st, 9));
	o->hazard_level = (int)db_col_i64(st, 10);
	o->principal = db_col_i64(st, 11);
	o->technical = db_col_i64(st, 12);
	o->operations = db_col_i64(st, 13);
	o->resp_unit = db_col_i64(st, 14);
	o->resp_user = db_col_i64(st, 15);
	o->active = (int)db_col_i64(st, 16);
	o->unit_name = arena_strdup(&r->arena, db_col_text(st, 17));
}

static int obj_load(struct req *r, int64_t id, void *row)
{
	struct obj_row *o = row;
	if (entity_load_scoped(r, "SELECT " OBJ_COLS OBJ_FROM " WHERE o.id = ? AND un.path LIKE ?", id, obj_from_row, row))
		return -1;
	return auth_scope_allows(r, o->unit_id, o->resp_user) ? 0 : -1;
}

static const char *const obj_kinds[] = {"area", "equipment", "facility", "operation", "post", NULL};
enum { O_KIND, O_NAME, O_CODE, O_UNIT, O_AREA, O_EQUIP, O_POS, O_HCODE, O_HLEVEL, O_PRIN, O_TECH, O_OPER, O_RUNIT,
       O_RUSER, O_DESC };
static const struct form_field obj_fields[] = {
	{"kind", "risk.object.kind", FORM_CHOICE, FORM_REQUIRED, .choices = obj_kinds, .choice_prefix = "risk.kind."},
	{"name", "risk.object.name", FORM_TEXT, FORM_REQUIRED, .max = 100},
	{"code", "risk.object.code", FORM_TEXT, 0, .max = 32},
	{"unit_id", "risk.object.unit", FORM_ID, FORM_REQUIRED, .options = form_opts_scope_units},
	{"area_id", "risk.object.area", FORM_ID, 0, .options = area_opts, .empty = "—"},
	{"equipment_id", "risk.object.equipment", FORM_ID, 0, .options = equipment_opts, .empty = "—"},
	{"position_id", "risk.object.position", FORM_ID, 0, .options = form_opts_positions, .empty = "—"},
	{"hazard_code", "risk.object.hazard_code", FORM_TEXT, 0, .max = 32},
	/* GB 18218-2018: a 重大危险源 is graded 一级 to 四级 */
	{"hazard_level", "risk.object.hazard_level", FORM_NUMBER, 0, .lo = 0, .hi = 4},
	{"principal_user_id", "risk.object.principal", FORM_ID, 0, .options = form_opts_scope_users, .empty = "—"},
	{"technical_user_id", "risk.object.technical", FORM_ID, 0, .options = form_opts_scope_users, .empty = "—"},
	{"operations_user_id", "risk.object.operations", FORM_ID, 0, .options = form_opts_scope_users, .empty = "—"},
	{"resp_unit_id", "risk.resp_unit", FORM_ID, 0, .options = form_opts_scope_units, .empty = "—"},
	{"resp_user_id", "risk.resp_user", FORM_ID, 0, .options = form_opts_scope_users, .empty = "—"},
	{"description", "risk.description", FORM_TEXT, 0, .max = 500},
	{0},
};

static void obj_values(struct req *r, const void *row, const char **t)
{
	const struct obj_row *o = row;
	t[O_KIND] = o->kind;
	t[O_NAME] = o->name;
	t[O_CODE] = o->code;
	t[O_UNIT] = entity_id_text(r, o->unit_id);
	t[O_AREA] = entity_id_text(r, o->area_id);
	t[O_EQUIP] = entity_id_text(r, o->equipment_id);
	t[O_POS] = entity_id_text(r, o->position_id);
	t[O_HCODE] = o->hazard_code;
	t[O_HLEVEL] = entity_id_text(r, o->hazard_level);
	t[O_PRIN] = entity_id_text(r, o->principal);
	t[O_TECH] = entity_id_text(r, o->technical);
	t[O_OPER] = entity_id_text(r, o->operations);
	t[O_RUNIT] = entity_id_text(r, o->resp_unit);
	t[O_RUSER] = entity_id_text(r, o->resp_user);
	t[O_DESC] = o->description;
}

static const char *obj_title(const void *row) { return ((const struct obj_row *)row)->name; }
static int obj_active(const void *row) { return ((const struct obj_row *)row)->active; }

static void obj_check(struct req *r, const void *cur, struct form *f)
{
	(void)cur;
	const char *kind = f->v[O_KIND].text;
	if (!unit_ok(r, f->v[O_UNIT].id))
		form_fail(r, f, "unit_id", "form.err_choice");
	if (!exists(r, "SELECT count(*) FROM areas WHERE id = ?", f->v[O_AREA].id))
		form_fail(r, f, "area_id", "form.err_choice");
	if (!exists(r, "SELECT count(*) FROM equipment WHERE id = ?", f->v[O_EQUIP].id))
		form_fail(r, f, "equipment_id", "form.err_choice");
	if (!exists(r, "SELECT count(*) FROM positions WHERE id = ?", f->v[O_POS].id))
		form_fail(r, f, "position_id", "form.err_choice");
	/* each kind names what it is: an area its area, equipment its device, a post its position */
	if (!strcmp(kind, "area") && !f->v[O_AREA].id)
		form_fail(r, f, "area_id", "risk.err.needs_area");
	if (!strcmp(kind, "equipment") && !f->v[O_EQUIP].id)
		form_fail(r, f, "equipment_id", "risk.err.needs_equipment");
	if (!strcmp(kind, "post") && !f->v[O_POS].id)
		form_fail(r, f, "position_id", "risk.err.needs_position");
	if (f->v[O_HLEVEL].num > 0 && !f->v[O_HCODE].present)
		form_fail(r, f, "hazard_code", "risk.err.needs_hazard_code");
	/* 应急厅〔2021〕12号: a 重大危险源 names its three 包保 people */
	if (f->v[O_HCODE].present) {
		if (!f->v[O_PRIN].id)
			form_fail(r, f, "principal_user_id", "risk.err.baobao");
		else if (!f->v[O_TECH].id)
			form_fail(r, f, "technical_user_id", "risk.err.baobao");
		else if (!f->v[O_OPER].id)
			form_fail(r, f, "operations_user_id", "risk.err.baobao");
	}
	static const int users[] = {O_PRIN, O_TECH, O_OPER, O_RUSER};
	for (size_t i = 0; i < 4; i++)
		if (!user_ok(r, f->v[users[i]].id))
			form_fail(r, f, obj_fields[users[i]].name, "form.err_choice");
	if (!unit_ok(r, f->v[O_RUNIT].id))
		form_fail(r, f, "resp_unit_id", "form.err_choice");
}

static int64_t obj_store(struct req *r, const void *cur, const struct form *f)
{
	const struct obj_row *o = cur;
	const struct form_value *v = f->v;
	int64_t now = clock_now();
	int rc;
	if (!o) {
		rc = db_exec(r->db, "INSERT INTO risk_objects (kind, name, code, unit_id, area_id, equipment_id, position_id,"
				    " hazard_code, hazard_level, principal_user_id, technical_user_id, operations_user_id,"
				    " resp_unit_id, resp_user_id, description, created_by, created_at, updated_at) VALUES (?, ?, ?, ?,"
				    " NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0),"
				    " NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?)",
			     "tttIIIItiIIIIItIII", v[O_KIND].text, v[O_NAME].text, v[O_CODE].text, v[O_UNIT].id, v[O_AREA].id,
			     v[O_EQUIP].id, v[O_POS].id, v[O_HCODE].text, (int)v[O_HLEVEL].num, v[O_PRIN].id, v[O_TECH].id,
			     v[O_OPER].id, v[O_RUNIT].id, v[O_RUSER].id, v[O_DESC].text, r->who->user_id, now, now);
		return rc == DB_OK ? db_last_id(r->db) : -1;
	}
	rc = db_exec(r->db, "UPDATE risk_objects SET kind = ?, name = ?, code = ?, unit_id = ?, area_id = NULLIF(?, 0),"
			    " equipment_id = NULLIF(?, 0), position_id = NULLIF(?, 0), hazard_code = ?, hazard_level = NULLIF(?, 0),"
			    " principal_user_id = NULLIF(?, 0), technical_user_id = NULLIF(?, 0), operations_user_id = NULLIF(?, 0),"
			    " resp_unit_id = NULLIF(?, 0), resp_user_id = NULLIF(?, 0), description = ?, updated_at = ? WHERE id = ?",
		     "tttIIIItiIIIIItII", v[O_KIND].text, v[O_NAME].text, v[O_CODE].text, v[O_UNIT].id, v[O_AREA].id,
		     v[O_EQUIP].id, v[O_POS].id, v[O_HCODE].text, (int)v[O_HLEVEL].num, v[O_PRIN].id, v[O_TECH].id,
		     v[O_OPER].id, v[O_RUNIT].id, v[O_RUSER].id, v[O_DESC].text, now, o->id);
	return rc == DB_OK ? o->id : -1;
}

static json_t *obj_json(struct req *r, const void *row)
{
	(void)r;
	const struct obj_row *o = row;
	json_t *j = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:b}", "id", (json_int_t)o->id, "kind", o->kind,
			      "code", o->code, "name", o->name, "description", o->description, "unit_id",
			      (json_int_t)o->unit_id, "unit", o->unit_name, "hazard_code", o->hazard_code, "active", o->active);
	json_object_set_new(j, "area_id", entity_id_json(o->area_id));
	json_object_set_new(j, "equipment_id", entity_id_json(o->equipment_id));
	json_object_set_new(j, "position_id", entity_id_json(o->position_id));
	json_object_set_new(j, "hazard_level", entity_id_json(o->hazard_level));
	json_object_set_new(j, "principal_user_id", entity_id_json(o->principal));
	json_object_set_new(j, "technical_user_id", entity_id_json(o->technical));
	json_object_set_new(j, "operations_user_id", entity_id_json(o->operations));
	json_object_set_new(j, "resp_unit_id", entity_id_json(o->resp_unit));
	json_object_set_new(j, "resp_user_id", entity_id_json(o->resp_user));
	return j;
}

#define OBJ_LIST_WHERE " WHERE un.path LIKE ? AND (? = 0 OR o.resp_user_id = ?) AND (? = '' OR o.kind = ?)"

static void obj_list_html(struct req *r)
{
	const char *kind = "";
	req_query_enum(r, "kind", obj_kinds, &kind);	/* an unknown kind is a 400 naming it */
	html_printf(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
			     "</tr></thead><tbody>", T(r, "risk.object.name"), T(r, "risk.object.kind"), T(r, "risk.object.unit"),
		    T(r, "risk.object.hazard_code"));
	struct db_stmt *st = db_query(r->db, "SELECT " OBJ_COLS OBJ_FROM OBJ_LIST_WHERE " ORDER BY o.active DESC, un.path, o.name",
				    "tIItt", auth_scope_pattern(r), auth_scope_owner(r), auth_scope_owner(r), kind ? kind : "",
				    kind ? kind : "");
	while (st && db_step(st) == 1) {
		struct obj_row o;
		obj_from_row(r, st, &o);
		html_printf(&r->out, "<tr><td><a href=\"/risk/objects/%D\">%s</a>%r</td><td>%s</td><td>%s</td><td>%s</td></tr>",
			    o.id, o.name, o.active ? "" : " <span class=\"badge bad\">×</span>",
			    T(r, arena_printf(&r->arena, "risk.kind.%s", o.kind)), o.unit_name, o.hazard_code);
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div>");
}

static int obj_list_json(struct req *r, json_t *items)
{
	const char *kind = "";
	req_query_enum(r, "kind", obj_kinds, &kind);
	struct db_stmt *st = db_query(r->db, "SELECT " OBJ_COLS OBJ_FROM OBJ_LIST_WHERE " ORDER BY un.path, o.name LIMIT 5000",
				    "tIItt", auth_scope_pattern(r), auth_scope_owner(r), auth_scope_owner(r), kind ? kind : "",
				    kind ? kind : "");
	struct obj_row o;
	return entity_json_rows(r, st, obj_from_row, &o, obj_json, items);
}

static void obj_tail(struct req *r, const void *row)
{
	const struct obj_row *o = row;
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><ul class=\"list\">", T(r, "risk.units"));
	struct db_stmt *st = db_query(r->db, "SELECT id, name, active FROM risk_units WHERE object_id = ? ORDER BY name", "I", o->id);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li><a href=\"/risk/units/%D\">%s</a></li>", db_col_i64(st, 0), db_col_text(st, 1));
	db_done(r->db, st);
	html_printf(&r->out, "</ul></section>");
}

const struct entity risk_object_entity = {
	.name = "risk_object", .path = "/risk/objects", .edit_perm = "risk.edit",
	.list_title = "risk.objects", .new_title = "risk.object.new", .hint = "risk.object.hint",
	.fields = obj_fields, .row_size = sizeof(struct obj_row), .flags = ENTITY_SHOW_CREATED | ENTITY_SHOW_UPDATED,
	.load = obj_load, .values = obj_values, .title = obj_title, .active = obj_active, .check = obj_check,
	.store = obj_store,
	.deactivate_sql = "UPDATE risk_objects SET active = 0 WHERE id = ?", .json = obj_json,
	.list_html = obj_list_html, .list_json = obj_list_json, .show_tail = obj_tail,
};

/* ================= 风险分析单元 ================= */

struct unit_row {
	int64_t id, object_id, unit_id, owner, resp_unit, resp_user;
	int active;
	const char *name, *object_name;
};

#define UNIT_COLS "u.id, u.object_id, o.unit_id, COALESCE(o.resp_user_id, 0), COALESCE(u.resp_unit_id, 0)," \
	" COALESCE(u.resp_user_id, 0), u.active, u.name, o.name"
#define UNIT_FROM " FROM risk_units u JOIN risk_objects o ON o.id = u.object_id JOIN units un ON un.id = o.unit_id"

static void unit_from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct unit_row *u = row;
	u->id = db_col_i64(st, 0);
	u->object_id = db_col_i64(st, 1);
	u->unit_id = db_col_i64(st, 2);
	u->owner = db_col_i64(st, 3);
	u->resp_unit = db_col_i64(st, 4);
	u->resp_user = db_col_i64(st, 5);
	u->active = (int)db_col_i64(st, 6);
	u->name = arena_strdup(&r->arena, db_col_text(st, 7));
	u->object_name = arena_strdup(&r->arena, db_col_text(st, 8));
}

static int unit_load(struct req *r, int64_t id, void *row)
{
	struct unit_row *u = row;
	if (entity_load_scoped(r, "SELECT " UNIT_COLS UNIT_FROM " WHERE u.id = ? AND un.path LIKE ?", id, unit_from_row, row))
		return -1;
	return auth_scope_allows(r, u->unit_id, u->owner) ? 0 : -1;
}

enum { U_OBJ, U_NAME, U_RUNIT, U_RUSER };
static const struct form_field unit_fields[] = {
	{"object_id", "risk.object", FORM_ID, FORM_REQUIRED, .options = object_opts},
	{"name", "risk.unit.name", FORM_TEXT, FORM_REQUIRED, .max = 100},
	{"resp_unit_id", "risk.resp_unit", FORM_ID, 0, .options = form_opts_scope_units, .empty = "—"},
	{"resp_user_id", "risk.resp_user", FORM_ID, 0, .options = form_opts_scope_users, .empty = "—"},
	{0},
};

static void unit_values(struct req *r, const void *row, const char **t)
{
	const struct unit_row *u = row;
	t[U_OBJ] = entity_id_text(r, u->object_id);
	t[U_NAME] = u->name;
	t[U_RUNIT] = entity_id_text(r, u->resp_unit);
	t[U_RUSER] = entity_id_text(r, u->resp_user);
}

static const char *unit_title(const void *row) { return ((const struct unit_row *)row)->name; }
static int unit_active(const void *row) { return ((const struct unit_row *)row)->active; }

/* Is the object active and in the caller's scope? */
static int object_usable(struct req *r, int64_t id)
{
	int64_t unit = 0;
	return db_get_i64(r->db, &unit, "SELECT unit_id FROM risk_objects WHERE id = ? AND active = 1", "I", id) == 1 &&
	       auth_scope_allows(r, unit, -1);
}

static void unit_check(struct req *r, const void *cur, struct form *f)
{
	(void)cur;
	if (!object_usable(r, f->v[U_OBJ].id))
		form_fail(r, f, "object_id", "form.err_choice");
	if (!unit_ok(r, f->v[U_RUNIT].id))
		form_fail(r, f, "resp_unit_id", "form.err_choice");
	if (!user_ok(r, f->v[U_RUSER].id))
		form_fail(r, f, "resp_user_id", "form.err_choice");
}

static int64_t unit_store(struct req *r, const void *cur, const struct form *f)
{
	const struct unit_row *u = cur;
	const struct form_value *v = f->v;
	int64_t now = clock_now();
	if (!u)
		return db_exec(r->db, "INSERT INTO risk_units (object_id, name, resp_unit_id, resp_user_id, created_by, created_at,"
				      " updated_at) VALUES (?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?)", "ItIIIII", v[U_OBJ].id,
			       v[U_NAME].text, v[U_RUNIT].id, v[U_RUSER].id, r->who->user_id, now, now) == DB_OK
			       ? db_last_id(r->db) : -1;
	return db_exec(r->db, "UPDATE risk_units SET object_id = ?, name = ?, resp_unit_id = NULLIF(?, 0), resp_user_id = NULLIF(?, 0),"
			      " updated_at = ? WHERE id = ?", "ItIIII", v[U_OBJ].id, v[U_NAME].text, v[U_RUNIT].id, v[U_RUSER].id,
		       now, u->id) == DB_OK ? u->id : -1;
}

static json_t *unit_json(struct req *r, const void *row)
{
	(void)r;
	const struct unit_row *u = row;
	json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:b}", "id", (json_int_t)u->id, "object_id", (json_int_t)u->object_id,
			      "object", u->object_name, "name", u->name, "active", u->active);
	json_object_set_new(j, "resp_unit_id", entity_id_json(u->resp_unit));
	json_object_set_new(j, "resp_user_id", entity_id_json(u->resp_user));
	return j;
}

#define UNIT_LIST_WHERE " WHERE un.path LIKE ? AND (? = 0 OR o.resp_user_id = ? OR u.resp_user_id = ?) AND (? = 0 OR u.object_id = ?)"

static void unit_list_html(struct req *r)
{
	int64_t obj = 0;
	req_query_id(r, "object_id", &obj);
	html_printf(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "risk.unit.name"), T(r, "risk.object"));
	int64_t own = auth_scope_owner(r);
	struct db_stmt *st = db_query(r->db, "SELECT " UNIT_COLS UNIT_FROM UNIT_LIST_WHERE " ORDER BY o.name, u.name LIMIT 2000",
				    "tIIIII", auth_scope_pattern(r), own, own, own, obj, obj);
	while (st && db_step(st) == 1) {
		struct unit_row u;
		unit_from_row(r, st, &u);
		html_printf(&r->out, "<tr><td><a href=\"/risk/units/%D\">%s</a></td><td><a href=\"/risk/objects/%D\">%s</a></td></tr>",
			    u.id, u.name, u.object_id, u.object_name);
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div>");
}

static int unit_list_json(struct req *r, json_t *items)
{
	int64_t obj = 0, own = auth_scope_owner(r);
	if (req_query_id(r, "object_id", &obj) < 0) {
		resp_error(r, 422, "invalid", T(r, "error.invalid"), "object_id");
		return -1;
	}
	struct db_stmt *st = db_query(r->db, "SELECT " UNIT_COLS UNIT_FROM UNIT_LIST_WHERE " ORDER BY o.name, u.name LIMIT 5000",
				    "tIIIII", auth_scope_pattern(r), own, own, own, obj, obj);
	struct unit_row u;
	return entity_json_rows(r, st, unit_from_row, &u, unit_json, items);
}

static void unit_tail(struct req *r, const void *row)
{
	const struct unit_row *u = row;
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><ul class=\"list\">", T(r, "risk.events"));
	struct db_stmt *st = db_query(r->db, "SELECT id, name, COALESCE(level, '') FROM risk_events WHERE risk_unit_id = ?"
				    " ORDER BY name", "I", u->id);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li><a href=\"/risk/events/%D\">%s</a> %r</li>", db_col_i64(st, 0), db_col_text(st, 1),
			    risk_level_badge(r, db_col_text(st, 2)));
	db_done(r->db, st);
	html_printf(&r->out, "</ul></section>");
}

const struct entity risk_unit_entity = {
	.name = "risk_unit", .path = "/risk/units", .edit_perm = "risk.edit",
	.list_title = "risk.units", .new_title = "risk.unit.new",
	.fields = unit_fields, .row_size = sizeof(struct unit_row), .flags = ENTITY_SHOW_CREATED | ENTITY_SHOW_UPDATED,
	.load = unit_load, .values = unit_values, .title = unit_title, .active = unit_active, .check = unit_check,
	.store = unit_store,
	.deactivate_sql = "UPDATE risk_units SET active = 0 WHERE id = ?", .json = unit_json,
	.list_html = unit_list_html, .list_json = unit_list_json, .show_tail = unit_tail,
};

/* ================= 风险事件 ================= */

int risk_event_load(struct req *r, int64_t id, struct risk_event_row *e)
{
	struct db_stmt *st = db_query(r->db, "SELECT e.id, e.risk_unit_id, o.id, o.unit_id, COALESCE(o.resp_user_id, 0),"
				    " COALESCE(ru.resp_user_id, 0), e.name, e.description, COALESCE(e.accident_type_id, 0),"
				    " e.consequence, e.emergency, COALESCE(e.level, ''), COALESCE(e.value, 0), COALESCE(e.method, ''),"
				    " COALESCE(e.control_level, ''), e.needs_reassessment, e.reassess_reason, e.reassess_due,"
				    " e.review_due, e.active, o.name, ru.name, COALESCE(e.inherent_level, ''), e.assessment_id"
				    " FROM risk_events e JOIN risk_units ru ON ru.id = e.risk_unit_id"
				    " JOIN risk_objects o ON o.id = ru.object_id JOIN units un ON un.id = o.unit_id"
				    " WHERE e.id = ? AND un.path LIKE ?", "It", id, auth_scope_pattern(r));
	int found = st && db_step(st) == 1;
	if (found) {
		e->id = db_col_i64(st, 0);
		e->risk_unit_id = db_col_i64(st, 1);
		e->object_id = db_col_i64(st, 2);
		e->unit_id = db_col_i64(st, 3);
		e->owner = db_col_i64(st, 4);
		e->unit_owner = db_col_i64(st, 5);
		e->name = arena_strdup(&r->arena, db_col_text(st, 6));
		e->description = arena_strdup(&r->arena, db_col_text(st, 7));
		e->accident_type_id = db_col_i64(st, 8);
		e->consequence = arena_strdup(&r->arena, db_col_text(st, 9));
		e->emergency = arena_strdup(&r->arena, db_col_text(st, 10));
		snprintf(e->level, sizeof(e->level), "%s", db_col_text(st, 11));
		e->value = db_col_double(st, 12);
		snprintf(e->method, sizeof(e->method), "%s", db_col_text(st, 13));
		snprintf(e->control_level, sizeof(e->control_level), "%s", db_col_text(st, 14));
		e->needs_reassessment = (int)db_col_i64(st, 15);
		e->reassess_reason = arena_strdup(&r->arena, db_col_text(st, 16));
		e->reassess_due = db_col_i64(st, 17);
		e->review_due = db_col_i64(st, 18);
		e->active = (int)db_col_i64(st, 19);
		e->object_name = arena_strdup(&r->arena, db_col_text(st, 20));
		e->unit_name = arena_strdup(&r->arena, db_col_text(st, 21));
		snprintf(e->inherent_level, sizeof(e->inherent_level), "%s", db_col_text(st, 22));
		e->assessment_id = db_col_i64(st, 23);
	}
	db_done(r->db, st);
	if (!found)
		return -1;
	/* with the "own" scope: the events of objects or analysis units the person answers for */
	return auth_scope_allows(r, e->unit_id, e->owner) || auth_scope_allows(r, e->unit_id, e->unit_owner) ? 0 : -1;
}

static int event_load(struct req *r, int64_t id, void *row)
{
	return risk_event_load(r, id, row);
}

enum { E_UNIT, E_NAME, E_ACC, E_CONS, E_EMERG, E_DESC };
static const struct form_field event_fields[] = {
	{"risk_unit_id", "risk.unit", FORM_ID, FORM_REQUIRED, .options = runit_opts},
	{"name", "risk.event.name", FORM_TEXT, FORM_REQUIRED, .max = 200},
	{"accident_type_id", "risk.event.accident_type", FORM_ID, FORM_REQUIRED, .options = accident_opts},
	{"consequence", "risk.event.consequence", FORM_TEXT, 0, .max = 200},
	{"emergency", "risk.event.emergency", FORM_TEXT, 0, .max = 1000},
	{"description", "risk.description", FORM_TEXT, 0, .max = 1000},
	{0},
};

static void event_values(struct req *r, const void *row, const char **t)
{
	const struct risk_event_row *e = row;
	t[E_UNIT] = entity_id_text(r, e->risk_unit_id);
	t[E_NAME] = e->name;
	t[E_ACC] = entity_id_text(r, e->accident_type_id);
	t[E_CONS] = e->consequence;
	t[E_EMERG] = e->emergency;
	t[E_DESC] = e->description;
}

static const char *event_title(const void *row) { return ((const struct risk_event_row *)row)->name; }
static int event_active(const void *row) { return ((const struct risk_event_row *)row)->active; }

static void event_check(struct req *r, const void *cur, struct form *f)
{
	(void)cur;
	int64_t unit = 0;
	if (db_get_i64(r->db, &unit, "SELECT o.unit_id FROM risk_units u JOIN risk_objects o ON o.id = u.object_id"
				   " WHERE u.id = ? AND u.active = 1", "I", f->v[E_UNIT].id) != 1 || !auth_scope_allows(r, unit, -1))
		form_fail(r, f, "risk_unit_id", "form.err_choice");
	if (!exists(r, "SELECT count(*) FROM risk_accident_types WHERE id = ? AND active = 1", f->v[E_ACC].id))
		form_fail(r, f, "accident_type_id", "form.err_choice");
}

static int64_t event_store(struct req *r, const void *cur, const struct form *f)
{
	const struct risk_event_row *e = cur;
	const struct form_value *v = f->v;
	int64_t now = clock_now();
	if (!e)
		return db_exec(r->db, "INSERT INTO risk_events (risk_unit_id, name, accident_type_id, consequence, emergency,"
				      " description, needs_reassessment, reassess_reason, created_by, created_at, updated_at)"
				      " VALUES (?, ?, ?, ?, ?, ?, 1, 'initial', ?, ?, ?)", "ItItttIII", v[E_UNIT].id, v[E_NAME].text,
			       v[E_ACC].id, v[E_CONS].text, v[E_EMERG].text, v[E_DESC].text, r->who->user_id, now, now) == DB_OK
			       ? db_last_id(r->db) : -1;
	return db_exec(r->db, "UPDATE risk_events SET risk_unit_id = ?, name = ?, accident_type_id = ?, consequence = ?,"
			      " emergency = ?, description = ?, updated_at = ? WHERE id = ?", "ItItttII", v[E_UNIT].id,
		       v[E_NAME].text, v[E_ACC].id, v[E_CONS].text, v[E_EMERG].text, v[E_DESC].text, now, e->id) == DB_OK
		       ? e->id : -1;
}

json_t *risk_event_json(struct req *r, const struct risk_event_row *e)
{
	json_t *j = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:b}", "id", (json_int_t)e->id,
			      "risk_unit_id", (json_int_t)e->risk_unit_id, "object_id", (json_int_t)e->object_id, "object",
			      e->object_name, "unit", e->unit_name, "name", e->name, "consequence", e->consequence, "emergency",
			      e->emergency, "needs_reassessment", e->needs_reassessment, "reassess_reason", e->reassess_reason,
			      "active", e->active);
	json_object_set_new(j, "description", json_string(e->description));
	json_object_set_new(j, "accident_type_id", entity_id_json(e->accident_type_id));
	json_object_set_new(j, "level", *e->level ? json_string(e->level) : json_null());
	json_object_set_new(j, "colour", *e->level ? json_string(risk_level_colour(e->level)) : json_null());
	json_object_set_new(j, "inherent_level", *e->inherent_level ? json_string(e->inherent_level) : json_null());
	json_object_set_new(j, "value", *e->level ? json_real(e->value) : json_null());
	json_object_set_new(j, "method", *e->method ? json_string(e->method) : json_null());
	json_object_set_new(j, "control_level", *e->control_level ? json_string(e->control_level) : json_null());
	json_object_set_new(j, "reassess_due", e->reassess_due ? json_integer(e->reassess_due) : json_null());
	json_object_set_new(j, "review_due", e->review_due ? json_string(risk_day_s(r, e->review_due)) : json_null());
	return j;
}

static json_t *event_json(struct req *r, const void *row)
{
	const struct risk_event_row *e = row;
	json_t *j = risk_event_json(r, e);
	json_object_set_new(j, "assessments", risk_assessments_json(r, e->id));
	json_t *ms = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT id, description, classify1, control_level, active FROM risk_measures"
				    " WHERE event_id = ? ORDER BY sort, id", "I", e->id);
	while (st && db_step(st) == 1)
		json_array_append_new(ms, json_pack("{s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)db_col_i64(st, 0),
			"description", db_col_text(st, 1), "classify1", db_col_text(st, 2), "control_level", db_col_text(st, 3),
			"active", (int)db_col_i64(st, 4)));
	db_done(r->db, st);
	json_object_set_new(j, "measures", ms);
	json_t *hz = json_array();
	st = db_query(r->db, "SELECT h.id, h.number, h.status, COALESCE(l.via, 'event') FROM hazards h LEFT JOIN risk_hazard_links l"
			     " ON l.hazard_id = h.id AND l.event_id = ? WHERE h.risk_event_id = ? OR l.event_id IS NOT NULL"
			     " ORDER BY h.id DESC LIMIT 100", "II", e->id, e->id);
	while (st && db_step(st) == 1)
		json_array_append_new(hz, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)db_col_i64(st, 0), "number",
			db_col_text(st, 1), "status", db_col_text(st, 2), "via", db_col_text(st, 3)));
	db_done(r->db, st);
	json_object_set_new(j, "hazards", hz);
	return j;
}

static void event_list_html(struct req *r)
{
	risk_register_table(r);
}

static int event_list_json(struct req *r, json_t *items)
{
	return risk_register_json(r, items);
}

static void event_head(struct req *r, const void *row)
{
	if (row)
		risk_event_head(r, row);
}

static void event_tail(struct req *r, const void *row)
{
	risk_event_tail(r, row);
}

const struct entity risk_event_entity = {
	.name = "risk_event", .path = "/risk/events", .edit_perm = "risk.edit",
	.list_title = "risk.events", .new_title = "risk.event.new", .hint = "risk.event.hint",
	.fields = event_fields, .row_size = sizeof(struct risk_event_row), .flags = ENTITY_SHOW_CREATED | ENTITY_SHOW_UPDATED,
	.load = event_load, .values = event_values, .title = event_title, .active = event_active, .check = event_check,
	.store = event_store,
	.deactivate_sql = "UPDATE risk_events SET active = 0 WHERE id = ?", .json = event_json,
	.list_html = event_list_html, .list_json = event_list_json, .show_head = event_head, .show_tail = event_tail,
};

/* ================= 管控措施 ================= */

struct measure_row {
	int64_t id, event_id, unit_id, owner, resp_user, resp_position;
	int check_cycle, work_start, work_end, active;
	const char *description, *classify1, *classify2, *classify3, *check_content, *control_level, *cycle_unit,
		*work_day_type, *work_type, *event_name;
};

#define MEASURE_COLS "m.id, m.event_id, o.unit_id, COALESCE(o.resp_user_id, 0), COALESCE(m.resp_user_id, 0)," \
	" COALESCE(m.resp_position_id, 0), m.check_cycle, m.work_start, m.work_end, m.active, m.description, m.classify1," \
	" COALESCE(m.classify2, ''), COALESCE(m.classify3, ''), m.check_content, m.control_level, m.check_cycle_unit," \
	" m.work_day_type, m.work_type, e.name"
#define MEASURE_FROM " FROM risk_measures m JOIN risk_events e ON e.id = m.event_id JOIN risk_units ru ON ru.id = e.risk_unit_id" \
	" JOIN risk_objects o ON o.id = ru.object_id JOIN units un ON un.id = o.unit_id"

static void measure_from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct measure_row *m = row;
	m->id = db_col_i64(st, 0);
	m->event_id = db_col_i64(st, 1);
	m->unit_id = db_col_i64(st, 2);
	m->owner = db_col_i64(st, 3);
	m->resp_user = db_col_i64(st, 4);
	m->resp_position = db_col_i64(st, 5);
	m->check_cycle = (int)db_col_i64(st, 6);
	m->work_start = (int)db_col_i64(st, 7);
	m->work_end = (int)db_col_i64(st, 8);
	m->active = (int)db_col_i64(st, 9);
	const char **s[] = {&m->description, &m->classify1, &m->classify2, &m->classify3, &m->check_content,
			    &m->control_level, &m->cycle_unit, &m->work_day_type, &m->work_type, &m->event_name};
	for (int i = 0; i < 10; i++)
		*s[i] = arena_strdup(&r->arena, db_col_text(st, 10 + i));
}

static int measure_load(struct req *r, int64_t id, void *row)
{
	struct measure_row *m = row;
	if (entity_load_scoped(r, "SELECT " MEASURE_COLS MEASURE_FROM " WHERE m.id = ? AND un.path LIKE ?", id,
			       measure_from_row, row))
		return -1;
	return auth_scope_allows(r, m->unit_id, m->owner) || auth_scope_allows(r, m->unit_id, m->resp_user) ? 0 : -1;
}

static const char *const classes1[] = {"eng", "maint", "oper", "emerg", NULL};
static const char *const control_levels[] = {"company", "workshop", "team", "post", NULL};
static const char *const cycle_units[] = {"hour", "day", "week", "month", "year", NULL};
static const char *const day_types[] = {"every_day", "work_day", NULL};
static const char *const work_types[] = {"routine", "baobao", NULL};

enum { M_EVENT, M_DESC, M_C1, M_C2, M_C3, M_CHECK, M_CL, M_RUSER, M_RPOS, M_CYCLE, M_CUNIT, M_WSTART, M_WEND, M_DAYT,
       M_WTYPE };
static const struct form_field measure_fields[] = {
	{"event_id", "risk.event", FORM_ID, FORM_REQUIRED, .options = event_opts},
	{"description", "risk.measure.description", FORM_TEXT, FORM_REQUIRED, .max = 1000},
	{"classify1", "risk.measure.classify1", FORM_CHOICE, FORM_REQUIRED, .choices = classes1, .choice_prefix = "risk.class."},
	{"classify2", "risk.measure.classify2", FORM_CHOICE, 0, .choice_options = class2_opts},
	{"classify3", "risk.measure.classify3", FORM_CHOICE, 0, .choice_options = class3_opts},
	{"check_content", "risk.measure.check_content", FORM_TEXT, 0, .max = 1000},
	{"control_level", "risk.control_level", FORM_CHOICE, FORM_REQUIRED, .choices = control_levels, .choice_prefix = "risk.cl."},
	{"resp_user_id", "risk.resp_user", FORM_ID, 0, .options = form_opts_scope_users, .empty = "—"},
	{"resp_position_id", "risk.measure.resp_position", FORM_ID, 0, .options = form_opts_positions, .empty = "—"},
	{"check_cycle", "risk.measure.check_cycle", FORM_NUMBER, 0, .lo = 0, .hi = 1000},
	{"check_cycle_unit", "risk.measure.check_cycle_unit", FORM_CHOICE, 0, .choices = cycle_units, .choice_prefix = "risk.cycle."},
	/* minutes of the day: 0 = 00:00, 1440 = 24:00 */
	{"work_start", "risk.measure.work_start", FORM_NUMBER, 0, .lo = 0, .hi = 1440},
	{"work_end", "risk.measure.work_end", FORM_NUMBER, 0, .lo = 0, .hi = 1440},
	{"work_day_type", "risk.measure.work_day_type", FORM_CHOICE, 0, .choices = day_types, .choice_prefix = "risk.daytype."},
	{"work_type", "risk.measure.work_type", FORM_CHOICE, 0, .choices = work_types, .choice_prefix = "risk.worktype."},
	{0},
};

static void measure_values(struct req *r, const void *row, const char **t)
{
	const struct measure_row *m = row;
	t[M_EVENT] = entity_id_text(r, m->event_id);
	t[M_DESC] = m->description;
	t[M_C1] = m->classify1;
	t[M_C2] = m->classify2;
	t[M_C3] = m->classify3;
	t[M_CHECK] = m->check_content;
	t[M_CL] = m->control_level;
	t[M_RUSER] = entity_id_text(r, m->resp_user);
	t[M_RPOS] = entity_id_text(r, m->resp_position);
	t[M_CYCLE] = arena_printf(&r->arena, "%d", m->check_cycle);
	t[M_CUNIT] = m->cycle_unit;
	t[M_WSTART] = arena_printf(&r->arena, "%d", m->work_start);
	t[M_WEND] = arena_printf(&r->arena, "%d", m->work_end);
	t[M_DAYT] = m->work_day_type;
	t[M_WTYPE] = m->work_type;
}

static void measure_defaults(struct req *r, const char **t)
{
	int64_t ev = 0;
	req_query_id(r, "event_id", &ev);
	t[M_EVENT] = entity_id_text(r, ev);
	t[M_CL] = "team";
	t[M_CYCLE] = "1";
	t[M_CUNIT] = "day";
	t[M_WSTART] = "0";
	t[M_WEND] = "1440";
	t[M_DAYT] = "every_day";
	t[M_WTYPE] = "routine";
}

static const char *measure_title(const void *row) { return ((const struct measure_row *)row)->description; }
static int measure_active(const void *row) { return ((const struct measure_row *)row)->active; }

static void measure_check(struct req *r, const void *cur, struct form *f)
{
	(void)cur;
	int64_t unit = 0;
	if (db_get_i64(r->db, &unit, "SELECT o.unit_id FROM risk_events e JOIN risk_units u ON u.id = e.risk_unit_id"
				   " JOIN risk_objects o ON o.id = u.object_id WHERE e.id = ? AND e.active = 1", "I",
		       f->v[M_EVENT].id) != 1 || !auth_scope_allows(r, unit, -1))
		form_fail(r, f, "event_id", "form.err_choice");
	/* classify2 belongs to classify1, classify3 to classify2 (the data's tree) */
	int64_t n = 0;
	if (f->v[M_C2].present && (db_get_i64(r->db, &n, "SELECT count(*) FROM risk_measure_classes WHERE code = ? AND parent = ?",
					      "tt", f->v[M_C2].text, f->v[M_C1].text) != 1 || !n))
		form_fail(r, f, "classify2", "form.err_choice");
	if (f->v[M_C3].present && (!f->v[M_C2].present ||
				   db_get_i64(r->db, &n, "SELECT count(*) FROM risk_measure_classes WHERE code = ? AND parent = ?",
					      "tt", f->v[M_C3].text, f->v[M_C2].text) != 1 || !n))
		form_fail(r, f, "classify3", "form.err_choice");
	if (!user_ok(r, f->v[M_RUSER].id))
		form_fail(r, f, "resp_user_id", "form.err_choice");
	if (!exists(r, "SELECT count(*) FROM positions WHERE id = ?", f->v[M_RPOS].id))
		form_fail(r, f, "resp_position_id", "form.err_choice");
	if (f->v[M_WSTART].present && f->v[M_WEND].present && f->v[M_WEND].num <= f->v[M_WSTART].num)
		form_fail(r, f, "work_end", "risk.err.work_window");
	if (f->v[M_CYCLE].num > 0 && !f->v[M_CUNIT].present)
		form_fail(r, f, "check_cycle_unit", "form.err_required");
}

static const char *or_default(const struct form_value *v, const char *def)
{
	return v->present ? v->text : def;
}

static int64_t measure_store(struct req *r, const void *cur, const struct form *f)
{
	const struct measure_row *m = cur;
	const struct form_value *v = f->v;
	int64_t now = clock_now();
	int start = v[M_WSTART].present ? (int)v[M_WSTART].num : 0, end = v[M_WEND].present ? (int)v[M_WEND].num : 1440;
	const char *c2 = v[M_C2].present ? v[M_C2].text : NULL, *c3 = v[M_C3].present ? v[M_C3].text : NULL;
	if (!m)
		return db_exec(r->db, "INSERT INTO risk_measures (event_id, description, classify1, classify2, classify3, check_content,"
				      " control_level, resp_user_id, resp_position_id, check_cycle, check_cycle_unit, work_start,"
				      " work_end, work_day_type, work_type, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?,"
				      " ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       "IttttttIIitiittIII", v[M_EVENT].id, v[M_DESC].text, v[M_C1].text, c2, c3, v[M_CHECK].text,
			       v[M_CL].text, v[M_RUSER].id, v[M_RPOS].id, (int)v[M_CYCLE].num, or_default(&v[M_CUNIT], "day"),
			       start, end, or_default(&v[M_DAYT], "every_day"), or_default(&v[M_WTYPE], "routine"),
			       r->who->user_id, now, now) == DB_OK ? db_last_id(r->db) : -1;
	return db_exec(r->db, "UPDATE risk_measures SET event_id = ?, description = ?, classify1 = ?, classify2 = ?, classify3 = ?,"
			      " check_content = ?, control_level = ?, resp_user_id = NULLIF(?, 0), resp_position_id = NULLIF(?, 0),"
			      " check_cycle = ?, check_cycle_unit = ?, work_start = ?, work_end = ?, work_day_type = ?, work_type = ?,"
			      " updated_at = ? WHERE id = ?",
		       "IttttttIIitiittII", v[M_EVENT].id, v[M_DESC].text, v[M_C1].text, c2, c3, v[M_CHECK].text,
		       v[M_CL].text, v[M_RUSER].id, v[M_RPOS].id, (int)v[M_CYCLE].num, or_default(&v[M_CUNIT], "day"), start,
		       end, or_default(&v[M_DAYT], "every_day"), or_default(&v[M_WTYPE], "routine"), now, m->id) == DB_OK
		       ? m->id : -1;
}

static json_t *measure_json(struct req *r, const void *row)
{
	(void)r;
	const struct measure_row *m = row;
	json_t *j = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:i, s:i, s:s, s:s, s:b}", "id", (json_int_t)m->id,
			      "event_id", (json_int_t)m->event_id, "event", m->event_name, "description", m->description,
			      "classify1", m->classify1, "check_content", m->check_content, "control_level", m->control_level,
			      "check_cycle", m->check_cycle, "check_cycle_unit", m->cycle_unit, "work_start", m->work_start,
			      "work_end", m->work_end, "work_day_type", m->work_day_type, "work_type", m->work_type, "active",
			      m->active);
	json_object_set_new(j, "classify2", *m->classify2 ? json_string(m->classify2) : json_null());
	json_object_set_new(j, "classify3", *m->classify3 ? json_string(m->classify3) : json_null());
	json_object_set_new(j, "resp_user_id", entity_id_json(m->resp_user));
	json_object_set_new(j, "resp_position_id", entity_id_json(m->resp_position));
	return j;
}

#define MEASURE_LIST_WHERE " WHERE un.path LIKE ? AND (? = 0 OR o.resp_user_id = ? OR m.resp_user_id = ?) AND (? = 0 OR m.event_id = ?)"

static void measure_list_html(struct req *r)
{
	int64_t ev = 0, own = auth_scope_owner(r);
	req_query_id(r, "event_id", &ev);
	html_printf(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr>"
			     "</thead><tbody>", T(r, "risk.measure.description"), T(r, "risk.event"),
		    T(r, "risk.measure.classify1"), T(r, "risk.control_level"));
	struct db_stmt *st = db_query(r->db, "SELECT " MEASURE_COLS MEASURE_FROM MEASURE_LIST_WHERE " ORDER BY e.name, m.sort, m.id"
				    " LIMIT 2000", "tIIIII", auth_scope_pattern(r), own, own, own, ev, ev);
	while (st && db_step(st) == 1) {
		struct measure_row m;
		measure_from_row(r, st, &m);
		html_printf(&r->out, "<tr><td><a href=\"/risk/measures/%D\">%s</a></td><td><a href=\"/risk/events/%D\">%s</a></td>"
				     "<td>%s</td><td>%s</td></tr>", m.id, m.description, m.event_id, m.event_name,
			    T(r, arena_printf(&r->arena, "risk.class.%s", m.classify1)),
			    T(r, arena_printf(&r->arena, "risk.cl.%s", m.control_level)));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div>");
}

static int measure_list_json(struct req *r, json_t *items)
{
	int64_t ev = 0, own = auth_scope_owner(r);
	if (req_query_id(r, "event_id", &ev) < 0) {
		resp_error(r, 422, "invalid", T(r, "error.invalid"), "event_id");
		return -1;
	}
	struct db_stmt *st = db_query(r->db, "SELECT " MEASURE_COLS MEASURE_FROM MEASURE_LIST_WHERE " ORDER BY e.name, m.sort, m.id"
				    " LIMIT 10000", "tIIIII", auth_scope_pattern(r), own, own, own, ev, ev);
	struct measure_row m;
	return entity_json_rows(r, st, measure_from_row, &m, measure_json, items);
}

const struct entity risk_measure_entity = {
	.name = "risk_measure", .path = "/risk/measures", .edit_perm = "risk.edit",
	.list_title = "risk.measures", .new_title = "risk.measure.new",
	.fields = measure_fields, .row_size = sizeof(struct measure_row), .flags = ENTITY_SHOW_CREATED | ENTITY_SHOW_UPDATED,
	.load = measure_load, .values = measure_values, .title = measure_title, .active = measure_active,
	.defaults = measure_defaults, .check = measure_check, .store = measure_store,
	.deactivate_sql = "UPDATE risk_measures SET active = 0 WHERE id = ?", .json = measure_json,
	.list_html = measure_list_html, .list_json = measure_list_json,
};
