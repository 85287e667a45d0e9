/*
 * emerg_team_web.c — emergency teams (应急救援队伍) and outside contacts (消防, 医院, 应急管理
 * 部门) of a unit, as entity records (web/entity.h: list, form, API) — a team with its leader,
 * deputy and members each with a role and a phone; a contact with its kind and phone — and
 * the card that shows the teams and contacts of a unit and the units above it, on the
 * commander's page (emergency mode) and the area's on-site response card.
 *
 * 生产安全事故应急条例 (国务院令第708号) Art. 10–11: a unit keeps an emergency rescue team
 * or named part-time rescuers, and knows whom to call. Data scope: the record's unit.
 */
#include "emerg/emerg.h"
#include "emerg/emerg_web.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/text.h"
#include "db/db.h"
#include "org/org.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"

#include <string.h>

#define PHONE_MAX 20	/* as org_check_phone */

/* A phone to call: required here, in the shape the user records use (org_check_phone). */
static int phone_ok(const char *s)
{
	return s && *s && !org_check_phone(s);
}

/* A user the caller's scope reaches, active. */
static int user_in_scope(struct req *r, int64_t id)
{
	int64_t unit = 0;
	return db_get_i64(r->db, &unit, "SELECT unit_id FROM users WHERE id = ? AND active = 1", "I", id) == 1 &&
	       auth_scope_allows(r, unit, -1);
}

/* ---- teams ---- */

enum { T_NAME, T_UNIT, T_DUTY, T_LEADER, T_DEPUTY };
static const struct form_field team_fields[] = {
	{"name", "emerg.team.name", FORM_TEXT, FORM_REQUIRED, .max = 100},
	{"unit_id", "emerg.unit", FORM_ID, FORM_REQUIRED, .options = form_opts_scope_units},
	{"duty", "emerg.team.duty", FORM_TEXT, 0, .max = 200},
	{"leader_id", "emerg.team.leader", FORM_ID, FORM_REQUIRED, .options = form_opts_scope_users},
	{"deputy_id", "emerg.team.deputy", FORM_ID, 0, .options = form_opts_scope_users},
	{0},
};

struct team_row {
	int64_t id, unit_id, leader_id, deputy_id;
	int active;
	const char *name, *duty, *unit, *leader, *deputy;
};

#define TEAM_COLS "t.id, t.unit_id, t.leader_id, COALESCE(t.deputy_id, 0), t.active, t.name, t.duty, u.name," \
		  " COALESCE(l.name, ''), COALESCE(d.name, '')"
#define TEAM_FROM " FROM emerg_teams t JOIN units u ON u.id = t.unit_id LEFT JOIN users l ON l.id = t.leader_id" \
		  " LEFT JOIN users d ON d.id = t.deputy_id"

static void team_from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct team_row *t = row;
	t->id = db_col_i64(st, 0);
	t->unit_id = db_col_i64(st, 1);
	t->leader_id = db_col_i64(st, 2);
	t->deputy_id = db_col_i64(st, 3);
	t->active = (int)db_col_i64(st, 4);
	t->name = arena_strdup(&r->arena, db_col_text(st, 5));
	t->duty = arena_strdup(&r->arena, db_col_text(st, 6));
	t->unit = arena_strdup(&r->arena, db_col_text(st, 7));
	t->leader = arena_strdup(&r->arena, db_col_text(st, 8));
	t->deputy = arena_strdup(&r->arena, db_col_text(st, 9));
}

static int team_load(struct req *r, int64_t id, void *row)
{
	struct db_stmt *st = db_query(r->db, "SELECT " TEAM_COLS TEAM_FROM " WHERE t.id = ?", "I", id);
	int found = st && db_step(st) == 1;
	if (found)
		team_from_row(r, st, row);
	db_done(r->db, st);
	return found && auth_scope_allows(r, ((struct team_row *)row)->unit_id, -1) ? 0 : -1;
}

static void team_values(struct req *r, const void *row, const char **v)
{
	const struct team_row *t = row;
	v[T_NAME] = t->name;
	v[T_UNIT] = entity_id_text(r, t->unit_id);
	v[T_DUTY] = t->duty;
	v[T_LEADER] = entity_id_text(r, t->leader_id);
	v[T_DEPUTY] = entity_id_text(r, t->deputy_id);
}

static const char *team_title(const void *row)
{
	return ((const struct team_row *)row)->name;
}

static int team_active(const void *row)
{
	return ((const struct team_row *)row)->active;
}

static void team_check(struct req *r, const void *cur, struct form *f)
{
	(void)cur;
	if (!auth_scope_allows(r, f->v[T_UNIT].id, -1))
		form_fail(r, f, "unit_id", "form.err_choice");
	if (!user_in_scope(r, f->v[T_LEADER].id))
		form_fail(r, f, "leader_id", "form.err_choice");
	if (f->v[T_DEPUTY].id && !user_in_scope(r, f->v[T_DEPUTY].id))
		form_fail(r, f, "deputy_id", "form.err_choice");
	/* the deputy stands in for the leader: one person cannot be both */
	if (f->v[T_DEPUTY].id && f->v[T_DEPUTY].id == f->v[T_LEADER].id)
		form_fail(r, f, "deputy_id", "emerg.err.deputy_leader");
}

static int64_t team_store(struct req *r, const void *cur, const struct form *f)
{
	const struct team_row *t = cur;
	if (t)
		return db_exec(r->db, "UPDATE emerg_teams SET name = ?, unit_id = ?, duty = ?, leader_id = ?, deputy_id = NULLIF(?, 0)"
				      " WHERE id = ?", "tItIII", f->v[T_NAME].text, f->v[T_UNIT].id, f->v[T_DUTY].text,
			       f->v[T_LEADER].id, f->v[T_DEPUTY].id, t->id) == DB_OK ? t->id : -1;
	if (db_exec(r->db, "INSERT INTO emerg_teams (name, unit_id, duty, leader_id, deputy_id, created_at)"
			   " VALUES (?, ?, ?, ?, NULLIF(?, 0), ?)", "tItIII", f->v[T_NAME].text, f->v[T_UNIT].id,
		    f->v[T_DUTY].text, f->v[T_LEADER].id, f->v[T_DEPUTY].id, clock_now()) != DB_OK)
		return -1;
	return db_last_id(r->db);
}

static json_t *team_json(struct req *r, const void *row)
{
	const struct team_row *t = row;
	json_t *members = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT m.user_id, us.name, m.role, m.phone FROM emerg_team_members m"
				      " JOIN users us ON us.id = m.user_id WHERE m.team_id = ? ORDER BY m.id", "I", t->id);
	while (st && db_step(st) == 1)
		json_array_append_new(members, json_pack("{s:I, s:s, s:s, s:s}", "user_id", (json_int_t)db_col_i64(st, 0),
							 "name", db_col_text(st, 1), "role", db_col_text(st, 2),
							 "phone", db_col_text(st, 3)));
	db_done(r->db, st);
	json_t *j = json_pack("{s:I, s:s, s:I, s:s, s:s, s:I, s:s, s:s, s:b, s:o}", "id", (json_int_t)t->id, "name", t->name,
			      "unit_id", (json_int_t)t->unit_id, "unit", t->unit, "duty", t->duty, "leader_id",
			      (json_int_t)t->leader_id, "leader", t->leader, "deputy", t->deputy, "active", t->active,
			      "members", members);
	json_object_set_new(j, "deputy_id", entity_id_json(t->deputy_id));
	return j;
}

static struct db_stmt *team_query(struct req *r)
{
	return db_query(r->db, "SELECT " TEAM_COLS TEAM_FROM " WHERE t.active = 1 AND u.path LIKE ? ORDER BY u.path, t.name LIMIT 500",
			"t", auth_scope_pattern(r));
}

static int team_list_json(struct req *r, json_t *items)
{
	struct team_row t;
	return entity_json_rows(r, team_query(r), team_from_row, &t, team_json, items);
}

static void team_list_html(struct req *r)
{
	html_printf(&r->out, "<p class=\"actions\"><a class=\"button\" href=\"/emerg/contacts\">%s</a> "
			     "<a class=\"button\" href=\"/emerg\">%s</a></p><ul class=\"list\">",
		    T(r, "emerg.contacts"), T(r, "emerg.title"));
	struct team_row t;
	struct db_stmt *st = team_query(r);
	while (st && db_step(st) == 1) {
		team_from_row(r, st, &t);
		html_printf(&r->out, "<li data-team=\"%D\"><a href=\"/emerg/teams/%D\"><strong>%s</strong></a><br>"
				     "<small>%s · %s %s · %s %s</small></li>",
			    t.id, t.id, t.name, t.unit, T(r, "emerg.team.leader"), t.leader, T(r, "emerg.team.deputy"),
			    *t.deputy ? t.deputy : "—");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
}

/* The members and, for those who may change the team, the form that adds one. */
static void team_tail(struct req *r, const void *row)
{
	const struct team_row *t = row;
	html_printf(&r->out, "<h2>%s</h2><ul class=\"list emerg-members\">", T(r, "emerg.team.members"));
	struct db_stmt *st = db_query(r->db, "SELECT us.name, m.role, m.phone FROM emerg_team_members m JOIN users us ON us.id = m.user_id"
				      " WHERE m.team_id = ? ORDER BY m.id", "I", t->id);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li>%s · %s <a class=\"button\" href=\"tel:%s\">%s</a></li>", db_col_text(st, 0),
			    db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 2));
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
	if (!auth_has(r, "emerg.manage"))
		return;
	html_printf(&r->out, "<form method=\"post\" action=\"/emerg/teams/%D/members\" class=\"stack\">%r<label>%s<select name=\"user_id\" required>"
			     "<option value=\"\"></option>", t->id, page_csrf(r), T(r, "emerg.team.member"));
	form_opts_scope_users(r, NULL, 0);
	html_printf(&r->out, "</select></label><label>%s<input name=\"role\" maxlength=\"50\" required></label>"
			     "<label>%s<input name=\"phone\" type=\"tel\" maxlength=\"%d\" required></label><button>%s</button></form>",
		    T(r, "emerg.team.role"), T(r, "emerg.phone"), PHONE_MAX, T(r, "emerg.team.add_member"));
}

const struct entity emerg_team_entity = {
	.name = "emerg_team", .path = "/emerg/teams", .edit_perm = "emerg.manage",
	.list_title = "emerg.teams", .new_title = "emerg.team.new", .hint = NULL,
	.fields = team_fields, .row_size = sizeof(struct team_row), .flags = ENTITY_SHOW_CREATED | ENTITY_SHOW_UPDATED,
	.load = team_load, .values = team_values, .title = team_title, .active = team_active, .check = team_check,
	.store = team_store, .deactivate_sql = "UPDATE emerg_teams SET active = 0 WHERE id = ?", .json = team_json,
	.list_html = team_list_html, .list_json = team_list_json, .show_tail = team_tail,
	.api_path = "/api/v1/emerg/teams",
};

ENTITY_HANDLERS(emerg_team_entity, emerg_team_list, emerg_team_new, emerg_team_create, emerg_team_edit, emerg_team_update,
		emerg_team_deact, emerg_team_api_list, emerg_team_api_get, emerg_team_api_create, emerg_team_api_update,
		emerg_team_api_deact)

/* POST /emerg/teams/:id/members and its API: add a member with a role and a phone. */
int emerg_team_member_post(struct req *r)
{
	int64_t id, user = 0;
	struct team_row t;
	if (req_param_id(r, "id", &id) || team_load(r, id, &t)) {
		entity_not_found(r);
		return 0;
	}
	const char *u = req_field(r, "user_id"), *role = req_field(r, "role"), *phone = req_field(r, "phone");
	const char *field = NULL, *key = NULL;
	if (!u || text_parse_i64(u, &user) || !user_in_scope(r, user))
		field = "user_id", key = "form.err_choice";
	else if (!role || !*role || utf8_chars(role) > 50)
		field = "role", key = "emerg.err.team_role";
	else if (!phone || strlen(phone) > PHONE_MAX || !phone_ok(phone))
		field = "phone", key = "emerg.err.phone";
	if (field) {
		resp_error(r, 422, "invalid", arena_printf(&r->arena, "%s: %s", T(r, !strcmp(field, "user_id") ? "emerg.team.member"
											 : !strcmp(field, "role") ? "emerg.team.role" : "emerg.phone"), T(r, key)), field);
		return 0;
	}
	if (db_begin(r->db) != DB_OK) {
		form_unavailable(r);
		return 0;
	}
	int rc = db_exec(r->db, "INSERT INTO emerg_team_members (team_id, user_id, role, phone) VALUES (?, ?, ?, ?)", "IItt",
			 id, user, role, phone);
	if (rc == DB_OK)
		rc = audit_req(r, "emerg_team", id, "member_add", arena_printf(&r->arena, "%lld %s %s", (long long)user, role, phone));
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		if (rc == DB_CONSTRAINT)
			resp_error(r, 409, "conflict", T(r, "emerg.err.member_twice"), "user_id");
		else
			form_unavailable(r);
		return 0;
	}
	if (r->is_api) {
		team_load(r, id, &t);
		resp_json(r, 201, team_json(r, &t));
	} else {
		resp_redirect(r, arena_printf(&r->arena, "/emerg/teams/%lld", (long long)id));
	}
	return 0;
}

/* ---- outside contacts ---- */

static const char *const contact_kinds[] = {"fire", "hospital", "authority", "other", NULL};

enum { C_NAME, C_KIND, C_UNIT, C_PHONE, C_NOTE };
static const struct form_field contact_fields[] = {
	{"name", "emerg.contact.name", FORM_TEXT, FORM_REQUIRED, .max = 100},
	{"kind", "emerg.contact.kind", FORM_CHOICE, FORM_REQUIRED, .choices = contact_kinds, .choice_prefix = "emerg.contact.kind."},
	{"unit_id", "emerg.unit", FORM_ID, FORM_REQUIRED, .options = form_opts_scope_units},
	{"phone", "emerg.phone", FORM_TEXT, FORM_REQUIRED, .max = PHONE_MAX},
	{"note", "emerg.contact.note", FORM_TEXT, 0, .max = 200},
	{0},
};

struct contact_row {
	int64_t id, unit_id;
	int active;
	const char *name, *kind, *phone, *note, *unit;
};

#define CONTACT_COLS "c.id, c.unit_id, c.active, c.name, c.kind, c.phone, c.note, u.name"
#define CONTACT_FROM " FROM emerg_contacts c JOIN units u ON u.id = c.unit_id"

static void contact_from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct contact_row *c = row;
	c->id = db_col_i64(st, 0);
	c->unit_id = db_col_i64(st, 1);
	c->active = (int)db_col_i64(st, 2);
	c->name = arena_strdup(&r->arena, db_col_text(st, 3));
	c->kind = arena_strdup(&r->arena, db_col_text(st, 4));
	c->phone = arena_strdup(&r->arena, db_col_text(st, 5));
	c->note = arena_strdup(&r->arena, db_col_text(st, 6));
	c->unit = arena_strdup(&r->arena, db_col_text(st, 7));
}

static int contact_load(struct req *r, int64_t id, void *row)
{
	struct db_stmt *st = db_query(r->db, "SELECT " CONTACT_COLS CONTACT_FROM " WHERE c.id = ?", "I", id);
	int found = st && db_step(st) == 1;
	if (found)
		contact_from_row(r, st, row);
	db_done(r->db, st);
	return found && auth_scope_allows(r, ((struct contact_row *)row)->unit_id, -1) ? 0 : -1;
}

static void contact_values(struct req *r, const void *row, const char **v)
{
	const struct contact_row *c = row;
	v[C_NAME] = c->name;
	v[C_KIND] = c->kind;
	v[C_UNIT] = entity_id_text(r, c->unit_id);
	v[C_PHONE] = c->phone;
	v[C_NOTE] = c->note;
}

static const char *contact_title(const void *row)
{
	return ((const struct contact_row *)row)->name;
}

static int contact_active(const void *row)
{
	return ((const struct contact_row *)row)->active;
}

static void contact_check(struct req *r, const void *cur, struct form *f)
{
	(void)cur;
	if (!auth_scope_allows(r, f->v[C_UNIT].id, -1))
		form_fail(r, f, "unit_id", "form.err_choice");
	if (f->v[C_PHONE].present && !phone_ok(f->v[C_PHONE].text))
		form_fail(r, f, "phone", "emerg.err.phone");
}

static int64_t contact_store(struct req *r, const void *cur, const struct form *f)
{
	const struct contact_row *c = cur;
	if (c)
		return db_exec(r->db, "UPDATE emerg_contacts SET name = ?, kind = ?, unit_id = ?, phone = ?, note = ? WHERE id = ?",
			       "ttIttI", f->v[C_NAME].text, f->v[C_KIND].text, f->v[C_UNIT].id, f->v[C_PHONE].text,
			       f->v[C_NOTE].text, c->id) == DB_OK ? c->id : -1;
	if (db_exec(r->db, "INSERT INTO emerg_contacts (name, kind, unit_id, phone, note, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		    "ttIttI", f->v[C_NAME].text, f->v[C_KIND].text, f->v[C_UNIT].id, f->v[C_PHONE].text, f->v[C_NOTE].text,
		    clock_now()) != DB_OK)
		return -1;
	return db_last_id(r->db);
}

static json_t *contact_json(struct req *r, const void *row)
{
	(void)r;
	const struct contact_row *c = row;
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:b}", "id", (json_int_t)c->id, "name", c->name, "kind", c->kind,
			 "unit_id", (json_int_t)c->unit_id, "unit", c->unit, "phone", c->phone, "note", c->note, "active", c->active);
}

static struct db_stmt *contact_query(struct req *r)
{
	return db_query(r->db, "SELECT " CONTACT_COLS CONTACT_FROM " WHERE c.active = 1 AND u.path LIKE ? ORDER BY u.path, c.kind, c.name"
			       " LIMIT 500", "t", auth_scope_pattern(r));
}

static int contact_list_json(struct req *r, json_t *items)
{
	struct contact_row c;
	return entity_json_rows(r, contact_query(r), contact_from_row, &c, contact_json, items);
}

static void contact_list_html(struct req *r)
{
	html_printf(&r->out, "<p class=\"actions\"><a class=\"button\" href=\"/emerg/teams\">%s</a> "
			     "<a class=\"button\" href=\"/emerg\">%s</a></p><ul class=\"list\">",
		    T(r, "emerg.teams"), T(r, "emerg.title"));
	struct contact_row c;
	struct db_stmt *st = contact_query(r);
	while (st && db_step(st) == 1) {
		contact_from_row(r, st, &c);
		html_printf(&r->out, "<li data-contact=\"%D\"><a href=\"/emerg/contacts/%D\"><strong>%s</strong></a> "
				     "<a class=\"button\" href=\"tel:%s\">%s</a><br><small>%s · %s</small></li>",
			    c.id, c.id, c.name, c.phone, c.phone, T(r, arena_printf(&r->arena, "emerg.contact.kind.%s", c.kind)), c.unit);
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
}

const struct entity emerg_contact_entity = {
	.name = "emerg_contact", .path = "/emerg/contacts", .edit_perm = "emerg.manage",
	.list_title = "emerg.contacts", .new_title = "emerg.contact.new", .hint = NULL,
	.fields = contact_fields, .row_size = sizeof(struct contact_row), .flags = ENTITY_SHOW_CREATED | ENTITY_SHOW_UPDATED,
	.load = contact_load, .values = contact_values, .title = contact_title, .active = contact_active,
	.check = contact_check, .store = contact_store, .deactivate_sql = "UPDATE emerg_contacts SET active = 0 WHERE id = ?",
	.json = contact_json, .list_html = contact_list_html, .list_json = contact_list_json,
	.api_path = "/api/v1/emerg/contacts",
};

ENTITY_HANDLERS(emerg_contact_entity, emerg_contact_list, emerg_contact_new, emerg_contact_create, emerg_contact_edit,
		emerg_contact_update, emerg_contact_deact, emerg_contact_api_list, emerg_contact_api_get, emerg_contact_api_create,
		emerg_contact_api_update, emerg_contact_api_deact)

/* ---- the card: teams and contacts of a unit and the units above it ---- */

/* Whoever commands the response needs these numbers whatever his data scope: the card shows
 * the records of the unit in question and its ancestors (the plant's fire brigade number is
 * kept at the plant), not those of the reader's scope. */
void emerg_contacts_card(struct req *r, int64_t unit_id)
{
	const char *path = NULL;
	struct db_stmt *st = db_query(r->db, "SELECT path FROM units WHERE id = ?", "I", unit_id);
	if (st && db_step(st) == 1)
		path = arena_strdup(&r->arena, db_col_text(st, 0));
	db_done(r->db, st);
	if (!path)
		return;
	html_printf(&r->out, "<h2>%s</h2><ul class=\"list emerg-teams\">", T(r, "emerg.teams"));
	st = db_query(r->db, "SELECT t.id, t.name, COALESCE(l.name, ''), COALESCE(l.phone, ''), COALESCE(d.name, ''), COALESCE(d.phone, '')"
			     " FROM emerg_teams t JOIN units u ON u.id = t.unit_id LEFT JOIN users l ON l.id = t.leader_id"
			     " LEFT JOIN users d ON d.id = t.deputy_id WHERE t.active = 1 AND ? LIKE u.path || '%'"
			     " ORDER BY length(u.path) DESC, t.name LIMIT 10", "t", path);
	while (st && db_step(st) == 1) {
		html_printf(&r->out, "<li data-team=\"%D\"><strong>%s</strong><br>%s %s", db_col_i64(st, 0), db_col_text(st, 1),
			    T(r, "emerg.team.leader"), db_col_text(st, 2));
		if (*db_col_text(st, 3))
			html_printf(&r->out, " <a class=\"button\" href=\"tel:%s\">%s</a>", db_col_text(st, 3), db_col_text(st, 3));
		if (*db_col_text(st, 4))
			html_printf(&r->out, "<br>%s %s", T(r, "emerg.team.deputy"), db_col_text(st, 4));
		if (*db_col_text(st, 5))
			html_printf(&r->out, " <a class=\"button\" href=\"tel:%s\">%s</a>", db_col_text(st, 5), db_col_text(st, 5));
		html_printf(&r->out, "</li>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul><h2>%s</h2><ul class=\"list emerg-contacts\">", T(r, "emerg.contacts"));
	st = db_query(r->db, "SELECT c.id, c.kind, c.name, c.phone FROM emerg_contacts c JOIN units u ON u.id = c.unit_id"
			     " WHERE c.active = 1 AND ? LIKE u.path || '%' ORDER BY c.kind, length(u.path) DESC, c.name LIMIT 20",
			"t", path);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li data-contact=\"%D\" data-kind=\"%s\">%s · %s <a class=\"button\" href=\"tel:%s\">%s</a></li>",
			    db_col_i64(st, 0), db_col_text(st, 1), T(r, arena_printf(&r->arena, "emerg.contact.kind.%s", db_col_text(st, 1))),
			    db_col_text(st, 2), db_col_text(st, 3), db_col_text(st, 3));
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
}
