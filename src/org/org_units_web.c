/*
 * org_units_web.c — units (the organisation tree): the list as an indented tree, create,
 * edit name and head, deactivate; and /api/v1/units.
 *
 * A unit's place in the tree is fixed at creation (its materialised path is what every
 * data-scope check reads), so editing changes only the name and the head person. A unit
 * is deactivated rather than deleted: hazards, permits and audit entries keep pointing at it.
 */
#include "org/org.h"
#include "org/org_web.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/text.h"
#include "db/db.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

struct unit_row {
	int64_t id, parent_id, head_user_id;
	const char *name, *kind, *path, *head_name;
	int active;
};

#define UNIT_COLS "un.id, COALESCE(un.parent_id, 0), un.name, un.kind, un.path," \
	" COALESCE(un.head_user_id, 0), un.active, COALESCE(h.name, '')"
#define UNIT_FROM " FROM units un LEFT JOIN users h ON h.id = un.head_user_id"

static void unit_from_row(struct req *r, sqlite3_stmt *st, struct unit_row *u)
{
	u->id = db_col_i64(st, 0);
	u->parent_id = db_col_i64(st, 1);
	u->name = arena_strdup(&r->arena, db_col_text(st, 2));
	u->kind = arena_strdup(&r->arena, db_col_text(st, 3));
	u->path = arena_strdup(&r->arena, db_col_text(st, 4));
	u->head_user_id = db_col_i64(st, 5);
	u->active = (int)db_col_i64(st, 6);
	u->head_name = arena_strdup(&r->arena, db_col_text(st, 7));
}

/* The unit with this id if it lies in the caller's data scope. 0 found. */
static int unit_load(struct req *r, int64_t id, struct unit_row *u)
{
	sqlite3_stmt *st = db_query(r->db, "SELECT " UNIT_COLS UNIT_FROM
				    " WHERE un.id = ? AND un.path LIKE ?", "It", id,
				    auth_scope_pattern(r));
	int found = st && db_step(st) == 1;
	if (found)
		unit_from_row(r, st, u);
	db_done(r->db, st);
	return found ? 0 : -1;
}

static int depth_of(const char *path)
{
	int d = 0;
	for (; *path; path++)
		d += *path == '/';
	return d - 2;	/* "/1/" is depth 0 */
}

static json_t *unit_json(const struct unit_row *u)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:b}", "id", (json_int_t)u->id,
			 "parent_id", (json_int_t)u->parent_id, "name", u->name, "kind", u->kind,
			 "path", u->path, "head_user_id", (json_int_t)u->head_user_id, "active",
			 u->active);
}

static const char *kind_label(struct req *r, const char *kind)
{
	return T(r, arena_printf(&r->arena, "org.kind_%s", kind));
}

/* Validate and store a new unit (id 0) or changes to unit `cur`. Returns the id, 0 with
 * e set (input), or -1 (storage failed; nothing stored). */
static int64_t unit_save(struct req *r, const struct unit_row *cur, struct org_err *e)
{
	int creating = cur == NULL;
	int64_t parent = 0;
	const char *kind = cur ? cur->kind : NULL;
	char *parent_kind = NULL;
	if (creating) {
		parent = org_read_id(r, e, "parent_id", "org.unit_parent", 1, 0);
		if (parent && !org_unit_usable(r, parent))
			org_err_set(r, e, "parent_id", "org.unit_parent", "org.err_choice");
		kind = org_read_text(r, e, "kind", "org.unit_kind", 16, 1, NULL);
		if (*kind && !org_unit_kind_valid(kind))
			org_err_set(r, e, "kind", "org.unit_kind", "org.err_choice");
	}
	const char *name = org_read_text(r, e, "name", "org.unit_name", ORG_NAME_MAX, 1,
					 cur ? cur->name : NULL);
	int64_t head = org_read_id(r, e, "head_user_id", "org.unit_head", 0,
				   cur ? cur->head_user_id : 0);
	if (e->field)
		return 0;
	if (creating) {
		db_get_text(r->db, &parent_kind, "SELECT kind FROM units WHERE id = ?", "I", parent);
		int fits = org_unit_kind_fits(parent_kind, kind);
		free(parent_kind);
		if (!fits) {
			org_err_set(r, e, "kind", "org.unit_kind", "org.err_kind_level");
			return 0;
		}
	}
	if (head) {
		int64_t ok = 0;
		db_get_i64(r->db, &ok, "SELECT count(*) FROM users u JOIN units un ON un.id = u.unit_id"
			   " WHERE u.id = ? AND u.active = 1 AND un.path LIKE ?", "It", head,
			   auth_scope_pattern(r));
		if (!ok) {
			org_err_set(r, e, "head_user_id", "org.unit_head", "org.err_choice");
			return 0;
		}
	}
	int64_t same = 0;	/* two sibling units with one name would be told apart by nobody */
	db_get_i64(r->db, &same, "SELECT count(*) FROM units WHERE parent_id = ? AND name = ? AND id <> ?",
		   "ItI", creating ? parent : cur->parent_id, name, creating ? 0 : cur->id);
	if (same) {
		org_err_set(r, e, "name", "org.unit_name", "org.err_sibling_name");
		return 0;
	}
	if (db_begin(r->db) != DB_OK)
		return -1;
	int64_t id;
	struct strbuf sum = STRBUF_INIT;
	int rc = DB_OK;
	if (creating) {
		id = org_unit_create(r->db, parent, name, kind);
		if (id > 0 && head)
			rc = db_exec(r->db, "UPDATE units SET head_user_id = ? WHERE id = ?", "II", head, id);
		sb_addf(&sum, "name: %s; kind: %s; parent: %lld", name, kind, (long long)parent);
	} else {
		id = cur->id;
		rc = db_exec(r->db, "UPDATE units SET name = ?, head_user_id = ? WHERE id = ?", "tII",
			     name, head ? head : 0, id);
		if (rc == DB_OK && !head)
			rc = db_exec(r->db, "UPDATE units SET head_user_id = NULL WHERE id = ?", "I", id);
		org_diff(&sum, "name", cur->name, name);
		org_diff(&sum, "head_user_id", arena_printf(&r->arena, "%lld", (long long)cur->head_user_id),
			 arena_printf(&r->arena, "%lld", (long long)head));
	}
	if (id <= 0 || rc != DB_OK ||
	    audit_req(r, "unit", id, creating ? "create" : "update", sum.buf) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		sb_release(&sum);
		return -1;
	}
	sb_release(&sum);
	return id;
}

/* Deactivate, unless people or active sub-units remain. NULL on success, else the
 * catalogue key of the reason. */
static const char *unit_deactivate(struct req *r, const struct unit_row *u)
{
	int64_t people = 0, children = 0;
	db_get_i64(r->db, &people, "SELECT count(*) FROM users x JOIN units un ON un.id = x.unit_id"
		   " WHERE x.active = 1 AND un.path LIKE ? || '%'", "t", u->path);
	if (people)
		return "org.unit_has_users";
	db_get_i64(r->db, &children, "SELECT count(*) FROM units WHERE parent_id = ? AND active = 1",
		   "I", u->id);
	if (children)
		return "org.unit_has_children";
	if (u->id == r->who->unit_id)
		return "org.unit_is_own";
	if (db_begin(r->db) != DB_OK)
		return "error.unavailable";
	if (db_exec(r->db, "UPDATE units SET active = 0 WHERE id = ?", "I", u->id) != DB_OK ||
	    audit_req(r, "unit", u->id, "deactivate", u->name) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return "error.unavailable";
	}
	return NULL;
}

/* ---- pages ---- */

int org_units_page(struct req *r)
{
	int admin = auth_has(r, "org.admin");
	page_begin(r, T(r, "org.units"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", T(r, "org.units"));
	if (admin)
		html_printf(&r->out, "<p><a class=\"button primary\" href=\"/admin/units/new\">%s</a></p>",
			    T(r, "org.unit_new"));
	html_printf(&r->out, "<ul class=\"tree\">");
	sqlite3_stmt *st = db_query(r->db,
		"SELECT " UNIT_COLS ", (SELECT count(*) FROM users x WHERE x.unit_id = un.id AND x.active = 1)"
		UNIT_FROM " WHERE un.path LIKE ? ORDER BY un.path", "t", auth_scope_pattern(r));
	while (st && db_step(st) == 1) {
		struct unit_row u;
		unit_from_row(r, st, &u);
		html_printf(&r->out, "<li class=\"depth-%d%r\">", depth_of(u.path) > 5 ? 5 : depth_of(u.path),
			    u.active ? "" : " inactive");
		if (admin)
			html_printf(&r->out, "<a href=\"/admin/units/%D\">%s</a>", u.id, u.name);
		else
			html_printf(&r->out, "<span>%s</span>", u.name);
		html_printf(&r->out, " <span class=\"badge\">%s</span> <small>%D %s</small>",
			    kind_label(r, u.kind), db_col_i64(st, 8), T(r, "org.people"));
		if (*u.head_name)
			html_printf(&r->out, " <small>· %s %s</small>", T(r, "org.unit_head"), u.head_name);
		if (!u.active)
			html_printf(&r->out, " <span class=\"badge bad\">%s</span>", T(r, "org.inactive"));
		html_printf(&r->out, "</li>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul></section>");
	page_end(r);
	return 0;
}

static void unit_form(struct req *r, const struct unit_row *u, const struct org_err *e)
{
	page_begin(r, u ? u->name : T(r, "org.unit_new"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", u ? u->name : T(r, "org.unit_new"));
	if (e && e->field)
		page_notice(r, "error", e->msg);
	if (u)
		html_printf(&r->out, "<p class=\"sub\">%s · %s</p><form method=\"post\" action=\"/admin/units/%D\" class=\"stack\">%r",
			    kind_label(r, u->kind), u->active ? T(r, "org.active") : T(r, "org.inactive"),
			    u->id, page_csrf(r));
	else
		html_printf(&r->out, "<form method=\"post\" action=\"/admin/units\" class=\"stack\">%r",
			    page_csrf(r));
	if (!u) {
		int64_t parent = 0;
		if (req_is_write(r))	/* re-shown after a refused POST */
			text_parse_i64(org_value(r, "parent_id", NULL), &parent);
		else
			req_query_id(r, "parent", &parent);	/* "add a unit under this one" */
		html_printf(&r->out, "<label>%s<select name=\"parent_id\" required><option value=\"\"></option>",
			    T(r, "org.unit_parent"));
		org_unit_options(r, parent);
		html_printf(&r->out, "</select>");
		org_field_error(r, e, "parent_id");
		html_printf(&r->out, "</label><label>%s<select name=\"kind\" required>", T(r, "org.unit_kind"));
		const char *kinds[] = {"company", "workshop", "department", "team", "group", NULL};
		const char *sel = org_value(r, "kind", "team");
		for (int i = 0; kinds[i]; i++)
			html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", kinds[i],
				    strcmp(sel, kinds[i]) ? "" : " selected", kind_label(r, kinds[i]));
		html_printf(&r->out, "</select>");
		org_field_error(r, e, "kind");
		html_printf(&r->out, "</label>");
	}
	org_input(r, e, "name", "org.unit_name", org_value(r, "name", u ? u->name : ""),
		  "required maxlength=\"64\"");
	if (u) {
		int64_t head = u->head_user_id;
		if (req_is_write(r))
			text_parse_i64(org_value(r, "head_user_id", ""), &head);
		html_printf(&r->out, "<label>%s<select name=\"head_user_id\"><option value=\"\">—</option>",
			    T(r, "org.unit_head"));
		org_user_options(r, head, u->id);
		html_printf(&r->out, "</select>");
		org_field_error(r, e, "head_user_id");
		html_printf(&r->out, "</label>");
	}
	html_printf(&r->out, "<button class=\"primary\">%s</button></form>", T(r, "org.save"));
	if (u && u->active)
		html_printf(&r->out, "<form method=\"post\" action=\"/admin/units/%D/deactivate\" class=\"actions\">%r"
				     "<button class=\"danger\">%s</button></form>"
				     "<p><a href=\"/admin/units/new?parent=%D\">%s</a></p>",
			    u->id, page_csrf(r), T(r, "org.deactivate"), u->id, T(r, "org.unit_add_child"));
	html_printf(&r->out, "<p><a href=\"/admin/units\">%s</a></p></section>", T(r, "org.back"));
	page_end(r);
}

int org_unit_new_page(struct req *r)
{
	unit_form(r, NULL, NULL);
	return 0;
}

int org_unit_create_post(struct req *r)
{
	struct org_err e = {0};
	int64_t id = unit_save(r, NULL, &e);
	if (id == 0) {
		r->status = 422;
		unit_form(r, NULL, &e);
	} else if (id < 0) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
	} else {
		resp_redirect(r, "/admin/units");
	}
	return 0;
}

int org_unit_edit_page(struct req *r)
{
	int64_t id;
	struct unit_row u;
	if (req_param_id(r, "id", &id) || unit_load(r, id, &u)) {
		org_not_found(r);
		return 0;
	}
	unit_form(r, &u, NULL);
	return 0;
}

int org_unit_update_post(struct req *r)
{
	int64_t id;
	struct unit_row u;
	struct org_err e = {0};
	if (req_param_id(r, "id", &id) || unit_load(r, id, &u)) {
		org_not_found(r);
		return 0;
	}
	int64_t rc = unit_save(r, &u, &e);
	if (rc == 0) {
		r->status = 422;
		unit_form(r, &u, &e);
	} else if (rc < 0) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
	} else {
		resp_redirect(r, "/admin/units");
	}
	return 0;
}

int org_unit_deactivate_post(struct req *r)
{
	int64_t id;
	struct unit_row u;
	if (req_param_id(r, "id", &id) || unit_load(r, id, &u)) {
		org_not_found(r);
		return 0;
	}
	const char *why = unit_deactivate(r, &u);
	if (why) {
		r->status = 409;
		struct org_err e = {"active", T(r, why)};
		unit_form(r, &u, &e);
		return 0;
	}
	resp_redirect(r, "/admin/units");
	return 0;
}

/* ---- API ---- */

int org_api_units(struct req *r)
{
	json_t *items = json_array();
	sqlite3_stmt *st = db_query(r->db, "SELECT " UNIT_COLS UNIT_FROM
				    " WHERE un.path LIKE ? ORDER BY un.path", "t", auth_scope_pattern(r));
	while (st && db_step(st) == 1) {
		struct unit_row u;
		unit_from_row(r, st, &u);
		json_array_append_new(items, unit_json(&u));
	}
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o, s:I}", "items", items, "total",
				    (json_int_t)json_array_size(items)));
	return 0;
}

int org_api_unit(struct req *r)
{
	int64_t id;
	struct unit_row u;
	if (req_param_id(r, "id", &id) || unit_load(r, id, &u)) {
		org_not_found(r);
		return 0;
	}
	resp_json(r, 200, unit_json(&u));
	return 0;
}

static int api_unit_write(struct req *r, int creating)
{
	int64_t id = 0;
	struct unit_row u;
	struct org_err e = {0};
	if (!r->json) {
		resp_error(r, 415, "bad_request", T(r, "error.json_required"), "body");
		return 0;
	}
	if (!creating && (req_param_id(r, "id", &id) || unit_load(r, id, &u))) {
		org_not_found(r);
		return 0;
	}
	int64_t rc = unit_save(r, creating ? NULL : &u, &e);
	if (rc == 0) {
		org_api_invalid(r, &e);
		return 0;
	}
	if (rc < 0 || unit_load(r, rc, &u)) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_json(r, creating ? 201 : 200, unit_json(&u));
	return 0;
}

int org_api_unit_create(struct req *r)
{
	return api_unit_write(r, 1);
}

int org_api_unit_update(struct req *r)
{
	return api_unit_write(r, 0);
}

int org_api_unit_deactivate(struct req *r)
{
	int64_t id;
	struct unit_row u;
	if (req_param_id(r, "id", &id) || unit_load(r, id, &u)) {
		org_not_found(r);
		return 0;
	}
	const char *why = unit_deactivate(r, &u);
	if (why) {
		org_refuse(r, "active", T(r, why));
		return 0;
	}
	unit_load(r, id, &u);
	resp_json(r, 200, unit_json(&u));
	return 0;
}
