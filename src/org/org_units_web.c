/*
 * org_units_web.c — units (the organisation tree): the list as an indented tree, create,
 * edit name and head, deactivate; and /api/v1/units. The pages and the API are
 * web/entity.c's; this file declares the fields, the rules and the tree.
 *
 * A unit's place in the tree is fixed at creation (its materialised path is what every
 * data-scope check reads), so editing changes only the name and the head person. A unit
 * is deactivated rather than deleted: hazards, permits and audit entries keep pointing at it.
 */
#include "org/org.h"
#include "org/org_web.h"
#include "auth/auth.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>

struct unit_row {
	int64_t id, parent_id, head_user_id;
	const char *name, *kind, *path, *head_name;
	int active;
};

#define UNIT_COLS "un.id, COALESCE(un.parent_id, 0), un.name, un.kind, un.path," \
	" COALESCE(un.head_user_id, 0), un.active, COALESCE(h.name, '')"
#define UNIT_FROM " FROM units un LEFT JOIN users h ON h.id = un.head_user_id"

static void unit_parents(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	org_unit_options(r, selected);
}

/* the head is one of the unit's own people (or of the units below it) */
static void unit_heads(struct req *r, const void *row, int64_t selected)
{
	org_user_options(r, selected, row ? ((const struct unit_row *)row)->id : 0);
}

static const char *const unit_kinds[] = {"company", "workshop", "department", "team", "group", NULL};

enum { F_PARENT, F_KIND, F_NAME, F_HEAD };
static const struct form_field unit_fields[] = {
	{"parent_id", "org.unit_parent", FORM_ID, FORM_REQUIRED | FORM_CREATE_ONLY,
	 .options = unit_parents},
	{"kind", "org.unit_kind", FORM_CHOICE, FORM_REQUIRED | FORM_CREATE_ONLY,
	 .choices = unit_kinds, .choice_prefix = "org.kind_"},
	{"name", "org.unit_name", FORM_TEXT, FORM_REQUIRED, .max = ORG_NAME_MAX},
	{"head_user_id", "org.unit_head", FORM_ID, FORM_EDIT_ONLY, .options = unit_heads},
	{0},
};

static void unit_from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct unit_row *u = row;
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
static int unit_load(struct req *r, int64_t id, void *row)
{
	return entity_load_scoped(r, "SELECT " UNIT_COLS UNIT_FROM " WHERE un.id = ? AND un.path LIKE ?", id,
				  unit_from_row, row);
}

static void unit_values(struct req *r, const void *row, const char **t)
{
	const struct unit_row *u = row;
	t[F_PARENT] = arena_printf(&r->arena, "%lld", (long long)u->parent_id);
	t[F_KIND] = u->kind;
	t[F_NAME] = u->name;
	t[F_HEAD] = arena_printf(&r->arena, "%lld", (long long)u->head_user_id);
}

/* "add a unit under this one" links to /admin/units/new?parent=ID */
static void unit_defaults(struct req *r, const char **t)
{
	int64_t parent = 0;
	req_query_id(r, "parent", &parent);
	t[F_PARENT] = arena_printf(&r->arena, "%lld", (long long)parent);
	t[F_KIND] = "team";
}

static const char *unit_title(const void *row)
{
	return ((const struct unit_row *)row)->name;
}

static int unit_active(const void *row)
{
	return ((const struct unit_row *)row)->active;
}

static int depth_of(const char *path)
{
	int d = 0;
	for (; *path; path++)
		d += *path == '/';
	return d - 2;	/* "/1/" is depth 0 */
}

static const char *kind_label(struct req *r, const char *kind)
{
	return T(r, arena_printf(&r->arena, "org.kind_%s", kind));
}

static void unit_check(struct req *r, const void *cur, struct form *f)
{
	const struct unit_row *u = cur;
	int64_t parent = u ? u->parent_id : f->v[F_PARENT].id, head = f->v[F_HEAD].id, ok = 0;
	if (!u) {
		char *parent_kind = NULL;
		if (!org_unit_usable(r, parent))
			form_fail(r, f, "parent_id", "form.err_choice");
		db_get_text(r->db, &parent_kind, "SELECT kind FROM units WHERE id = ?", "I", parent);
		if (!org_unit_kind_fits(parent_kind, f->v[F_KIND].text))
			form_fail(r, f, "kind", "org.err_kind_level");
		free(parent_kind);
	}
	if (head && (db_get_i64(r->db, &ok, "SELECT count(*) FROM users u JOIN units un ON"
				" un.id = u.unit_id WHERE u.id = ? AND u.active = 1 AND un.path LIKE ?",
				"It", head, auth_scope_pattern(r)) != 1 || !ok))
		form_fail(r, f, "head_user_id", "form.err_choice");
	int64_t same = 0;	/* two sibling units with one name would be told apart by nobody */
	db_get_i64(r->db, &same, "SELECT count(*) FROM units WHERE parent_id = ? AND name = ? AND id <> ?",
		   "ItI", parent, f->v[F_NAME].text, u ? u->id : 0);
	if (same)
		form_fail(r, f, "name", "org.err_sibling_name");
}

static int64_t unit_store(struct req *r, const void *cur, const struct form *f)
{
	const struct unit_row *u = cur;
	int64_t head = f->v[F_HEAD].id;
	int64_t id = u ? u->id : org_unit_create(r->db, f->v[F_PARENT].id, f->v[F_NAME].text,
						   f->v[F_KIND].text);
	if (id <= 0)
		return -1;
	int rc = head ? db_exec(r->db, "UPDATE units SET name = ?, head_user_id = ? WHERE id = ?",
				"tII", f->v[F_NAME].text, head, id)
		      : db_exec(r->db, "UPDATE units SET name = ?, head_user_id = NULL WHERE id = ?",
				"tI", f->v[F_NAME].text, id);
	return rc == DB_OK ? id : -1;
}

/* Deactivate, unless people or active sub-units remain, or it is the caller's own unit. */
static const char *unit_refuse(struct req *r, const void *row)
{
	const struct unit_row *u = row;
	int64_t people = 0, children = 0;
	db_get_i64(r->db, &people, "SELECT count(*) FROM users x JOIN units un ON un.id = x.unit_id"
		   " WHERE x.active = 1 AND un.path LIKE ? || '%'", "t", u->path);
	if (people)
		return "org.unit_has_users";
	db_get_i64(r->db, &children, "SELECT count(*) FROM units WHERE parent_id = ? AND active = 1",
		   "I", u->id);
	if (children)
		return "org.unit_has_children";
	return u->id == r->who->unit_id ? "org.unit_is_own" : NULL;
}

static json_t *unit_json(struct req *r, const void *row)
{
	const struct unit_row *u = row;
	(void)r;
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:b}", "id", (json_int_t)u->id,
			 "parent_id", (json_int_t)u->parent_id, "name", u->name, "kind", u->kind,
			 "path", u->path, "head_user_id", (json_int_t)u->head_user_id, "active",
			 u->active);
}

static void unit_list_html(struct req *r)
{
	int admin = auth_has(r, "org.admin");
	html_printf(&r->out, "<ul class=\"tree\">");
	struct db_stmt *st = db_query(r->db,
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
	html_printf(&r->out, "</ul>");
}

static int unit_list_json(struct req *r, json_t *items)
{
	struct db_stmt *st = db_query(r->db, "SELECT " UNIT_COLS UNIT_FROM
				    " WHERE un.path LIKE ? ORDER BY un.path", "t", auth_scope_pattern(r));
	struct unit_row u;
	return entity_json_rows(r, st, unit_from_row, &u, unit_json, items);
}

static void unit_head(struct req *r, const void *row)
{
	const struct unit_row *u = row;
	if (u)
		html_printf(&r->out, "<p class=\"sub\">%s · %s</p>", kind_label(r, u->kind),
			    u->active ? T(r, "org.active") : T(r, "org.inactive"));
}

static void unit_tail(struct req *r, const void *row)
{
	const struct unit_row *u = row;
	if (u->active)
		html_printf(&r->out, "<p><a href=\"/admin/units/new?parent=%D\">%s</a></p>", u->id,
			    T(r, "org.unit_add_child"));
}

const struct entity unit_entity = {
	.name = "unit", .path = "/admin/units", .edit_perm = "org.admin",
	.list_title = "org.units", .new_title = "org.unit_new",
	.fields = unit_fields, .row_size = sizeof(struct unit_row),
	.load = unit_load, .values = unit_values, .title = unit_title, .active = unit_active,
	.defaults = unit_defaults, .check = unit_check, .store = unit_store,
	.refuse_deactivate = unit_refuse, .deactivate_sql = "UPDATE units SET active = 0 WHERE id = ?",
	.json = unit_json, .list_html = unit_list_html, .list_json = unit_list_json,
	.show_head = unit_head, .show_tail = unit_tail,
	.api_path = "/api/v1/units",
};

ENTITY_HANDLERS(unit_entity, org_units_page, org_unit_new_page, org_unit_create_post,
		org_unit_edit_page, org_unit_update_post, org_unit_deactivate_post, org_api_units,
		org_api_unit, org_api_unit_create, org_api_unit_update, org_api_unit_deactivate)
