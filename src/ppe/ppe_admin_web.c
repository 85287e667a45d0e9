/*
 * ppe_admin_web.c — the safety department's pages for what the module takes as data: the
 * catalogue of items (/ppe/admin/items), what each permit type requires with its warn/block
 * level and alternatives (/ppe/admin/permit-items) and the redemption catalogue
 * (/ppe/admin/rewards), each through the entity layer (web/entity.h: a refused form comes
 * back with the error under its field and what was typed, each change is audited); and each
 * position's list (/ppe/admin/positions/:id), one form of quantities per item, where 0 takes
 * the item off the list. The JSON API of the same data stays in ppe_api.c.
 *
 * GB 39800.1-2020 leaves the items and cycles to the employer (chosen from each post's
 * hazards), so none of this is code: a plant edits every row.
 */
#include "ppe/ppe.h"
#include "ppe/ppe_web.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = {"head", "eye_face", "hearing", "respiratory", "hand", "foot", "body", "fall", "other", NULL};
static const char *const yes_no[] = {"0", "1", NULL};
static const char *col(struct req *r, struct db_stmt *st, int i)
{
	return arena_strdup(&r->arena, db_col_text(st, i));
}
static const char *num_text(struct req *r, int64_t n)
{
	return n > 0 ? arena_printf(&r->arena, "%lld", (long long)n) : "";
}

/* ---------------- items ---------------- */

enum { I_CODE, I_NAME, I_NAME_EN, I_KIND, I_STD, I_CLASS, I_SIZES, I_CDAYS, I_CUSES, I_SHELF, I_PERMIT };
static const struct form_field item_fields[] = {
	{"code", "ppe.f.code", FORM_TEXT, FORM_REQUIRED | FORM_CREATE_ONLY, .max = 40},
	{"name", "ppe.f.name", FORM_TEXT, FORM_REQUIRED, .max = 100},
	{"name_en", "ppe.f.name_en", FORM_TEXT, 0, .max = 100},
	{"kind", "ppe.f.kind", FORM_CHOICE, FORM_REQUIRED, .choices = kinds, .choice_prefix = "ppe.kind."},
	{"standard", "ppe.f.standard", FORM_TEXT, 0, .max = 100},
	{"protection_class", "ppe.f.protection_class", FORM_TEXT, 0, .max = 100},
	{"sizes", "ppe.f.sizes", FORM_TEXT, 0, .max = 100},
	/* a cycle of 0 is refused: an item that never wears out is not one the ledger tracks */
	{"cycle_days", "ppe.f.cycle_days", FORM_NUMBER, 0, .lo = 1, .hi = 36500},
	{"cycle_uses", "ppe.f.cycle_uses", FORM_NUMBER, 0, .lo = 1, .hi = 100000},
	{"shelf_days", "ppe.f.shelf_days", FORM_NUMBER, 0, .lo = 1, .hi = 36500},
	{"permit_only", "ppe.f.permit_only", FORM_CHOICE, 0, .choices = yes_no, .choice_prefix = "ppe.yes_no."},
	{0},
};

struct item_row {
	int64_t id, cdays, cuses, shelf;
	int permit_only, active;
	const char *code, *name, *name_en, *kind, *std, *cls, *sizes;
};

static int item_load(struct req *r, int64_t id, void *row)
{
	struct item_row *x = row;
	struct db_stmt *st = db_query(r->db, "SELECT id, code, name, name_en, kind, standard, protection_class, sizes,"
				      " coalesce(cycle_days, 0), coalesce(cycle_uses, 0), coalesce(shelf_days, 0), permit_only, active"
				      " FROM ppe_items WHERE id = ?", "I", id);
	int found = st && db_step(st) == 1;
	if (found) {
		x->id = db_col_i64(st, 0);
		x->code = col(r, st, 1);
		x->name = col(r, st, 2);
		x->name_en = col(r, st, 3);
		x->kind = col(r, st, 4);
		x->std = col(r, st, 5);
		x->cls = col(r, st, 6);
		x->sizes = col(r, st, 7);
		x->cdays = db_col_i64(st, 8);
		x->cuses = db_col_i64(st, 9);
		x->shelf = db_col_i64(st, 10);
		x->permit_only = (int)db_col_i64(st, 11);
		x->active = (int)db_col_i64(st, 12);
	}
	db_done(r->db, st);
	return found ? 0 : -1;	/* the catalogue is the company's: no unit scope */
}

static void item_values(struct req *r, const void *row, const char **t)
{
	const struct item_row *x = row;
	t[I_CODE] = x->code;
	t[I_NAME] = x->name;
	t[I_NAME_EN] = x->name_en;
	t[I_KIND] = x->kind;
	t[I_STD] = x->std;
	t[I_CLASS] = x->cls;
	t[I_SIZES] = x->sizes;
	t[I_CDAYS] = num_text(r, x->cdays);
	t[I_CUSES] = num_text(r, x->cuses);
	t[I_SHELF] = num_text(r, x->shelf);
	t[I_PERMIT] = x->permit_only ? "1" : "0";
}

static void item_defaults(struct req *r, const char **t)
{
	(void)r;
	t[I_PERMIT] = "0";
}

static const char *item_title(const void *row)
{
	return ((const struct item_row *)row)->name;
}

static int item_active(const void *row)
{
	return ((const struct item_row *)row)->active;
}

static void item_check(struct req *r, const void *cur, struct form *f)
{
	/* one cycle at least: in days from the issue, or in uses */
	if (!f->v[I_CDAYS].present && !f->v[I_CUSES].present)
		form_fail(r, f, "cycle_days", "ppe.err.cycle_needed");
	int64_t x = 0;
	if (!cur && db_get_i64(r->db, &x, "SELECT id FROM ppe_items WHERE code = ?", "t", f->v[I_CODE].text) == 1)
		form_fail(r, f, "code", "ppe.err.code_taken");
}

static int64_t opt_num(const struct form_value *v)
{
	return v->present ? (int64_t)v->num : 0;
}

static int64_t item_store(struct req *r, const void *cur, const struct form *f)
{
	const struct item_row *x = cur;
	const struct form_value *v = f->v;
	if (x)
		return db_exec(r->db, "UPDATE ppe_items SET name = ?, name_en = ?, kind = ?, standard = ?, protection_class = ?,"
				      " sizes = ?, cycle_days = NULLIF(?, 0), cycle_uses = NULLIF(?, 0), shelf_days = NULLIF(?, 0),"
				      " permit_only = ? WHERE id = ?", "ttttttIIIiI", v[I_NAME].text, v[I_NAME_EN].text, v[I_KIND].text,
			       v[I_STD].text, v[I_CLASS].text, v[I_SIZES].text, opt_num(&v[I_CDAYS]), opt_num(&v[I_CUSES]),
			       opt_num(&v[I_SHELF]), !strcmp(v[I_PERMIT].text, "1"), x->id) == DB_OK ? x->id : -1;
	if (db_exec(r->db, "INSERT INTO ppe_items (code, name, name_en, kind, standard, protection_class, sizes, cycle_days,"
			   " cycle_uses, shelf_days, permit_only, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, 0),"
			   " NULLIF(?, 0), ?, ?)", "tttttttIIIiI", v[I_CODE].text, v[I_NAME].text, v[I_NAME_EN].text, v[I_KIND].text,
		    v[I_STD].text, v[I_CLASS].text, v[I_SIZES].text, opt_num(&v[I_CDAYS]), opt_num(&v[I_CUSES]),
		    opt_num(&v[I_SHELF]), !strcmp(v[I_PERMIT].text, "1"), clock_now()) != DB_OK)
		return -1;
	return db_last_id(r->db);
}

static const char *item_refuse(struct req *r, const void *row)
{
	const struct item_row *x = row;
	int64_t n = 0;
	/* a reward still offering it would promise what the store may no longer issue */
	db_get_i64(r->db, &n, "SELECT count(*) FROM ppe_rewards WHERE item_id = ? AND active = 1", "I", x->id);
	return n ? "ppe.err.item_in_reward" : NULL;
}

static json_t *item_json(struct req *r, const void *row)
{
	(void)r;
	const struct item_row *x = row;
	return json_pack("{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:b, s:b}", "id", (json_int_t)x->id, "code", x->code, "name", x->name,
			 "kind", x->kind, "cycle_days", (json_int_t)x->cdays, "cycle_uses", (json_int_t)x->cuses, "shelf_days",
			 (json_int_t)x->shelf, "permit_only", x->permit_only, "active", x->active);
}

static void item_list_html(struct req *r)
{
	html_printf(&r->out, "<ul class=\"list ppe-admin-items\">");
	struct db_stmt *st = db_query(r->db, "SELECT id, name, code, standard, coalesce(cycle_days, 0), coalesce(cycle_uses, 0), active"
				      " FROM ppe_items ORDER BY active DESC, kind, name LIMIT 1000", NULL);
	while (st && db_step(st) == 1) {
		html_printf(&r->out, "<li data-item=\"%s\"><a href=\"/ppe/admin/items/%D\"><strong>%s</strong></a> · %s",
			    db_col_text(st, 2), db_col_i64(st, 0), db_col_text(st, 1), db_col_text(st, 3));
		if (db_col_i64(st, 4))
			html_printf(&r->out, " · %D %s", db_col_i64(st, 4), T(r, "ppe.days"));
		if (db_col_i64(st, 5))
			html_printf(&r->out, " · %D %s", db_col_i64(st, 5), T(r, "ppe.uses"));
		if (!db_col_i64(st, 6))
			html_printf(&r->out, " <span class=\"badge\">%s</span>", T(r, "ppe.inactive"));
		html_printf(&r->out, "</li>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
}

static int item_list_json(struct req *r, json_t *items)
{
	(void)r;
	(void)items;
	return 0;	/* served by /api/v1/ppe/items */
}

static const struct entity item_entity = {
	.name = "ppe_item",
	.path = "/ppe/admin/items",
	.edit_perm = "ppe.manage",
	.list_title = "ppe.admin.items",
	.new_title = "ppe.admin.new_item",
	.hint = "ppe.admin.items_hint",
	.fields = item_fields,
	.row_size = sizeof(struct item_row),
	.load = item_load,
	.values = item_values,
	.title = item_title,
	.active = item_active,
	.defaults = item_defaults,
	.check = item_check,
	.store = item_store,
	.refuse_deactivate = item_refuse,
	.deactivate_sql = "UPDATE ppe_items SET active = 0 WHERE id = ?",
	.json = item_json,
	.list_html = item_list_html,
	.list_json = item_list_json,
	.back_path = "/ppe/catalogue",
};

/* <option>s of the active items and of the stores */
static void item_options(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT id, name, standard FROM ppe_items WHERE active = 1 OR id = ? ORDER BY kind, name"
				    " LIMIT 1000", "I", selected), selected);
}

static void store_options(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT id, name FROM ppe_stores ORDER BY name LIMIT 500", NULL), selected);
}

/* ---------------- what a permit type requires ---------------- */

static const char *const permit_types[] = {"hot_work", "confined_space", "blind_plate", "height", "lifting", "temp_power",
					   "excavation", "road_closure", NULL};
static const char *const whos[] = {"workers", "guardian", "all", NULL};
static const char *const levels[] = {"warn", "block", NULL};

enum { P_TYPE, P_ITEM, P_WHO, P_GROUP, P_LEVEL };
static const struct form_field pi_fields[] = {
	{"permit_type", "ppe.f.permit_type", FORM_CHOICE, FORM_REQUIRED, .choices = permit_types, .choice_prefix = "permit.type."},
	{"item_id", "ppe.item", FORM_ID, FORM_REQUIRED, .options = item_options},
	{"who", "ppe.f.who", FORM_CHOICE, FORM_REQUIRED, .choices = whos, .choice_prefix = "ppe.who."},
	/* items of one group are alternatives: either suffices (受限空间: 空气呼吸器 or 长管呼吸器) */
	{"alt_group", "ppe.f.alt_group", FORM_TEXT, 0, .max = 40},
	{"level", "ppe.f.level", FORM_CHOICE, FORM_REQUIRED, .choices = levels, .choice_prefix = "ppe.level."},
	{0},
};

struct pi_row {
	int64_t id, item_id;
	const char *type, *who, *group, *level, *item;
};

static int pi_load(struct req *r, int64_t id, void *row)
{
	struct pi_row *x = row;
	struct db_stmt *st = db_query(r->db, "SELECT p.id, p.permit_type, p.item_id, p.who, p.alt_group, p.level, i.name"
				      " FROM ppe_permit_items p JOIN ppe_items i ON i.id = p.item_id WHERE p.id = ?", "I", id);
	int found = st && db_step(st) == 1;
	if (found) {
		x->id = db_col_i64(st, 0);
		x->type = col(r, st, 1);
		x->item_id = db_col_i64(st, 2);
		x->who = col(r, st, 3);
		x->group = col(r, st, 4);
		x->level = col(r, st, 5);
		x->item = col(r, st, 6);
	}
	db_done(r->db, st);
	return found ? 0 : -1;
}

static void pi_values(struct req *r, const void *row, const char **t)
{
	const struct pi_row *x = row;
	t[P_TYPE] = x->type;
	t[P_ITEM] = entity_id_text(r, x->item_id);
	t[P_WHO] = x->who;
	t[P_GROUP] = x->group;
	t[P_LEVEL] = x->level;
}

static void pi_defaults(struct req *r, const char **t)
{
	(void)r;
	t[P_WHO] = "workers";
	t[P_LEVEL] = "warn";
}

static const char *pi_title(const void *row)
{
	return ((const struct pi_row *)row)->item;
}

static int pi_active(const void *row)
{
	(void)row;
	return 1;	/* a requirement is there or not: "deactivate" takes it away */
}

static void pi_check(struct req *r, const void *cur, struct form *f)
{
	const struct pi_row *x = cur;
	int64_t id = 0;
	if (db_get_i64(r->db, &id, "SELECT id FROM ppe_items WHERE id = ? AND active = 1", "I", f->v[P_ITEM].id) != 1)
		form_fail(r, f, "item_id", "form.err_choice");
	if (db_get_i64(r->db, &id, "SELECT id FROM ppe_permit_items WHERE permit_type = ? AND item_id = ? AND who = ? AND id <> ?",
		       "tItI", f->v[P_TYPE].text, f->v[P_ITEM].id, f->v[P_WHO].text, x ? x->id : (int64_t)0) == 1)
		form_fail(r, f, "item_id", "ppe.err.required_twice");
}

static int64_t pi_store(struct req *r, const void *cur, const struct form *f)
{
	const struct pi_row *x = cur;
	const struct form_value *v = f->v;
	if (x)
		return db_exec(r->db, "UPDATE ppe_permit_items SET permit_type = ?, item_id = ?, who = ?, alt_group = ?, level = ?"
				      " WHERE id = ?", "tItttI", v[P_TYPE].text, v[P_ITEM].id, v[P_WHO].text, v[P_GROUP].text,
			       v[P_LEVEL].text, x->id) == DB_OK ? x->id : -1;
	if (db_exec(r->db, "INSERT INTO ppe_permit_items (permit_type, item_id, who, alt_group, level) VALUES (?, ?, ?, ?, ?)",
		    "tIttt", v[P_TYPE].text, v[P_ITEM].id, v[P_WHO].text, v[P_GROUP].text, v[P_LEVEL].text) != DB_OK)
		return -1;
	return db_last_id(r->db);
}

static json_t *pi_json(struct req *r, const void *row)
{
	(void)r;
	const struct pi_row *x = row;
	return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s}", "id", (json_int_t)x->id, "permit_type", x->type, "item_id",
			 (json_int_t)x->item_id, "who", x->who, "alt_group", x->group, "level", x->level);
}

static void pi_list_html(struct req *r)
{
	html_printf(&r->out, "<ul class=\"list ppe-admin-permit-items\">");
	struct db_stmt *st = db_query(r->db, "SELECT p.id, p.permit_type, i.name, p.who, p.alt_group, p.level FROM ppe_permit_items p"
				      " JOIN ppe_items i ON i.id = p.item_id ORDER BY p.permit_type, p.alt_group, i.name LIMIT 1000", NULL);
	while (st && db_step(st) == 1) {
		char tk[48], wk[32], lk[32];
		snprintf(tk, sizeof tk, "permit.type.%s", db_col_text(st, 1));
		snprintf(wk, sizeof wk, "ppe.who.%s", db_col_text(st, 3));
		snprintf(lk, sizeof lk, "ppe.level.%s", db_col_text(st, 5));
		html_printf(&r->out, "<li data-permit-item=\"%D\"><a href=\"/ppe/admin/permit-items/%D\"><strong>%s</strong> · %s</a>"
			    " · %s%s%s <span class=\"badge %s\">%s</span></li>", db_col_i64(st, 0), db_col_i64(st, 0), T(r, tk),
			    db_col_text(st, 2), T(r, wk), *db_col_text(st, 4) ? " · " : "", db_col_text(st, 4),
			    strcmp(db_col_text(st, 5), "block") ? "warn" : "bad", T(r, lk));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
}

static int none_json(struct req *r, json_t *items)
{
	(void)r;
	(void)items;
	return 0;
}

static const struct entity pi_entity = {
	.name = "ppe_permit_item",
	.path = "/ppe/admin/permit-items",
	.edit_perm = "ppe.manage",
	.list_title = "ppe.admin.permit_items",
	.new_title = "ppe.admin.new_permit_item",
	.hint = "ppe.admin.permit_items_hint",
	.fields = pi_fields,
	.row_size = sizeof(struct pi_row),
	.load = pi_load,
	.values = pi_values,
	.title = pi_title,
	.active = pi_active,
	.defaults = pi_defaults,
	.check = pi_check,
	.store = pi_store,
	.deactivate_sql = "DELETE FROM ppe_permit_items WHERE id = ?",
	.json = pi_json,
	.list_html = pi_list_html,
	.list_json = none_json,
	.back_path = "/ppe/catalogue",
};

/* ---------------- the redemption catalogue ---------------- */

static const char *const reward_kinds[] = {"item", "time_off", NULL};
enum { W_KIND, W_NAME, W_ITEM, W_STORE, W_HOURS, W_COST };
static const struct form_field reward_fields[] = {
	{"kind", "ppe.f.reward_kind", FORM_CHOICE, FORM_REQUIRED, .choices = reward_kinds, .choice_prefix = "ppe.reward_kind."},
	{"name", "ppe.f.name", FORM_TEXT, FORM_REQUIRED, .max = 100},
	{"item_id", "ppe.item", FORM_ID, 0, .options = item_options, .empty = "ppe.none_choice"},
	{"store_id", "ppe.store", FORM_ID, 0, .options = store_options, .empty = "ppe.none_choice"},
	{"hours", "ppe.f.hours", FORM_NUMBER, 0, .lo = 1, .hi = 80},
	{"cost", "ppe.f.cost", FORM_NUMBER, FORM_REQUIRED, .lo = 1, .hi = 100000},
	{0},
};

struct reward_row {
	int64_t id, item_id, store_id, hours, cost;
	int active;
	const char *kind, *name;
};

static int reward_load(struct req *r, int64_t id, void *row)
{
	struct reward_row *x = row;
	struct db_stmt *st = db_query(r->db, "SELECT id, kind, name, coalesce(item_id, 0), coalesce(store_id, 0), coalesce(hours, 0),"
				      " cost, active FROM ppe_rewards WHERE id = ?", "I", id);
	int found = st && db_step(st) == 1;
	if (found) {
		x->id = db_col_i64(st, 0);
		x->kind = col(r, st, 1);
		x->name = col(r, st, 2);
		x->item_id = db_col_i64(st, 3);
		x->store_id = db_col_i64(st, 4);
		x->hours = db_col_i64(st, 5);
		x->cost = db_col_i64(st, 6);
		x->active = (int)db_col_i64(st, 7);
	}
	db_done(r->db, st);
	return found ? 0 : -1;
}

static void reward_values(struct req *r, const void *row, const char **t)
{
	const struct reward_row *x = row;
	t[W_KIND] = x->kind;
	t[W_NAME] = x->name;
	t[W_ITEM] = entity_id_text(r, x->item_id);
	t[W_STORE] = entity_id_text(r, x->store_id);
	t[W_HOURS] = num_text(r, x->hours);
	t[W_COST] = num_text(r, x->cost);
}

static const char *reward_title(const void *row)
{
	return ((const struct reward_row *)row)->name;
}

static int reward_active(const void *row)
{
	return ((const struct reward_row *)row)->active;
}

/* an item comes from a store's stock; time off is a number of hours */
static void reward_check(struct req *r, const void *cur, struct form *f)
{
	(void)cur;
	int64_t x = 0;
	if (!strcmp(f->v[W_KIND].text, "item")) {
		if (db_get_i64(r->db, &x, "SELECT id FROM ppe_items WHERE id = ? AND active = 1", "I", f->v[W_ITEM].id) != 1)
			form_fail(r, f, "item_id", "form.err_required");
		if (db_get_i64(r->db, &x, "SELECT id FROM ppe_stores WHERE id = ?", "I", f->v[W_STORE].id) != 1)
			form_fail(r, f, "store_id", "form.err_required");
	} else if (!f->v[W_HOURS].present)
		form_fail(r, f, "hours", "form.err_required");
}

static int64_t reward_store(struct req *r, const void *cur, const struct form *f)
{
	const struct reward_row *x = cur;
	const struct form_value *v = f->v;
	int item = !strcmp(v[W_KIND].text, "item");
	int64_t it = item ? v[W_ITEM].id : 0, so = item ? v[W_STORE].id : 0, hours = item ? 0 : opt_num(&v[W_HOURS]);
	if (x)
		return db_exec(r->db, "UPDATE ppe_rewards SET kind = ?, name = ?, item_id = NULLIF(?, 0), store_id = NULLIF(?, 0),"
				      " hours = NULLIF(?, 0), cost = ? WHERE id = ?", "ttIIIII", v[W_KIND].text, v[W_NAME].text, it, so,
			       hours, (int64_t)v[W_COST].num, x->id) == DB_OK ? x->id : -1;
	if (db_exec(r->db, "INSERT INTO ppe_rewards (kind, name, item_id, store_id, hours, cost, created_at) VALUES"
			   " (?, ?, NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?, ?)", "ttIIIII", v[W_KIND].text, v[W_NAME].text,
		    it, so, hours, (int64_t)v[W_COST].num, clock_now()) != DB_OK)
		return -1;
	return db_last_id(r->db);
}

static json_t *reward_json(struct req *r, const void *row)
{
	(void)r;
	const struct reward_row *x = row;
	return json_pack("{s:I, s:s, s:s, s:I, s:b}", "id", (json_int_t)x->id, "kind", x->kind, "name", x->name, "cost",
			 (json_int_t)x->cost, "active", x->active);
}

static void reward_list_html(struct req *r)
{
	html_printf(&r->out, "<ul class=\"list ppe-admin-rewards\">");
	struct db_stmt *st = db_query(r->db, "SELECT id, name, cost, active FROM ppe_rewards ORDER BY active DESC, cost, id LIMIT 500", NULL);
	while (st && db_step(st) == 1) {
		html_printf(&r->out, "<li data-reward=\"%D\"><a href=\"/ppe/admin/rewards/%D\"><strong>%s</strong></a> · %D %s",
			    db_col_i64(st, 0), db_col_i64(st, 0), db_col_text(st, 1), db_col_i64(st, 2), T(r, "ppe.pts"));
		if (!db_col_i64(st, 3))
			html_printf(&r->out, " <span class=\"badge\">%s</span>", T(r, "ppe.inactive"));
		html_printf(&r->out, "</li>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
}

static const struct entity reward_entity = {
	.name = "ppe_reward",
	.path = "/ppe/admin/rewards",
	.edit_perm = "ppe.manage",
	.list_title = "ppe.admin.rewards",
	.new_title = "ppe.admin.new_reward",
	.hint = "ppe.admin.rewards_hint",
	.fields = reward_fields,
	.row_size = sizeof(struct reward_row),
	.load = reward_load,
	.values = reward_values,
	.title = reward_title,
	.active = reward_active,
	.check = reward_check,
	.store = reward_store,
	.deactivate_sql = "UPDATE ppe_rewards SET active = 0 WHERE id = ?",
	.json = reward_json,
	.list_html = reward_list_html,
	.list_json = none_json,
	.back_path = "/ppe/catalogue",
};

/* The page handlers of each entity (its JSON stays in ppe_api.c's routes). */
#define PPE_ENTITY_PAGES(ent, pfx)                                                          \
	int pfx##_list(struct req *r) { return entity_list_page(r, &(ent)); }              \
	int pfx##_new(struct req *r) { return entity_new_page(r, &(ent)); }                \
	int pfx##_create(struct req *r) { return entity_create_post(r, &(ent)); }          \
	int pfx##_edit(struct req *r) { return entity_edit_page(r, &(ent)); }              \
	int pfx##_update(struct req *r) { return entity_update_post(r, &(ent)); }          \
	int pfx##_deact(struct req *r) { return entity_deactivate_post(r, &(ent)); }
PPE_ENTITY_PAGES(item_entity, ppe_adm_item)
PPE_ENTITY_PAGES(pi_entity, ppe_adm_pi)
PPE_ENTITY_PAGES(reward_entity, ppe_adm_reward)

/* ---------------- a position's list ---------------- */

/* GET /ppe/admin/positions: each position and how many items its list has */
int ppe_adm_positions(struct req *r)
{
	page_begin(r, T(r, "ppe.admin.positions"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><p class=\"hint\">%s</p><ul class=\"list ppe-admin-positions\">",
		    T(r, "ppe.admin.positions"), T(r, "ppe.admin.positions_hint"));
	struct db_stmt *st = db_query(r->db, "SELECT p.id, p.name, (SELECT count(*) FROM ppe_position_items x WHERE x.position_id = p.id)"
				      " FROM positions p ORDER BY p.name LIMIT 1000", NULL);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li><a href=\"/ppe/admin/positions/%D\"><strong>%s</strong></a> · %D %s</li>", db_col_i64(st, 0),
			    db_col_text(st, 1), db_col_i64(st, 2), T(r, "ppe.items"));
	db_done(r->db, st);
	html_printf(&r->out, "</ul><p><a class=\"button\" href=\"/ppe/catalogue\">%s</a></p></section>", T(r, "ppe.nav.catalogue"));
	page_end(r);
	return 0;
}

/* The form: one quantity per active item (0 or empty: not on the list). After a refused
 * save (err set) the quantities typed are shown again, the error under its item. */
static void position_form(struct req *r, int64_t pos, const char *pos_name, const struct form_err *err)
{
	page_begin(r, pos_name);
	html_printf(&r->out, "<section class=\"card\"><h1>%s · %s</h1><p class=\"hint\">%s</p>", pos_name,
		    T(r, "ppe.admin.position_list"), T(r, "ppe.admin.position_hint"));
	int edit = auth_has(r, "ppe.manage");
	if (edit)
		html_printf(&r->out, "<form method=\"post\" action=\"/ppe/admin/positions/%D\" class=\"stack ppe-position-form\">%r",
			    pos, page_csrf(r));
	struct db_stmt *st = db_query(r->db, "SELECT i.id, i.name, i.standard, coalesce(x.qty, 0) FROM ppe_items i LEFT JOIN"
				      " ppe_position_items x ON x.item_id = i.id AND x.position_id = ? WHERE i.active = 1 OR x.qty IS NOT NULL"
				      " ORDER BY i.kind, i.name LIMIT 1000", "I", pos);
	while (st && db_step(st) == 1) {
		char name[32];
		snprintf(name, sizeof name, "qty_%lld", (long long)db_col_i64(st, 0));
		const char *typed = err ? req_form(r, name) : NULL;
		const char *val = typed ? typed : db_col_i64(st, 3) ? arena_printf(&r->arena, "%lld", (long long)db_col_i64(st, 3)) : "";
		if (edit) {
			html_printf(&r->out, "<label>%s <small>%s</small><input type=\"number\" inputmode=\"numeric\" name=\"%s\" min=\"0\""
				    " max=\"100\" step=\"1\" value=\"%s\"></label>", db_col_text(st, 1), db_col_text(st, 2), name, val);
			if (err)
				form_field_error(r, err, name);
		} else if (db_col_i64(st, 3))
			html_printf(&r->out, "<p>%s × %D</p>", db_col_text(st, 1), db_col_i64(st, 3));
	}
	db_done(r->db, st);
	if (edit)
		html_printf(&r->out, "<button class=\"primary\">%s</button></form>", T(r, "form.save"));
	html_printf(&r->out, "<p><a class=\"button\" href=\"/ppe/admin/positions\">%s</a></p></section>", T(r, "ppe.admin.positions"));
	page_end(r);
}

static int position_name(struct req *r, int64_t *pos, char **name)
{
	if (req_param_id(r, "id", pos) || db_get_text(r->db, name, "SELECT name FROM positions WHERE id = ?", "I", *pos) != 1) {
		entity_not_found(r);
		return -1;
	}
	return 0;
}

int ppe_adm_position(struct req *r)
{
	int64_t pos;
	char *name = NULL;
	if (position_name(r, &pos, &name))
		return 0;
	position_form(r, pos, arena_strdup(&r->arena, name), NULL);
	free(name);
	return 0;
}

/* POST /ppe/admin/positions/:id: every quantity checked first (a whole number 0–100, a
 * negative one refused naming the item), then the list replaced in one transaction with its
 * audit entry; nothing stored when any is wrong. */
int ppe_adm_position_save(struct req *r)
{
	int64_t pos;
	char *name = NULL;
	if (position_name(r, &pos, &name))
		return 0;
	const char *pname = arena_strdup(&r->arena, name);
	free(name);
	struct want { int64_t item, qty; } want[256];
	int n = 0;
	struct form_err err = {0};
	struct db_stmt *st = db_query(r->db, "SELECT id, name FROM ppe_items ORDER BY id LIMIT 1000", NULL);
	while (st && db_step(st) == 1) {
		char field[32];
		snprintf(field, sizeof field, "qty_%lld", (long long)db_col_i64(st, 0));
		const char *v = req_form(r, field);
		if (!v || !*v)
			continue;
		char *end = NULL;
		long long q = strtoll(v, &end, 10);
		if (!end || *end || q < 0 || q > 100) {
			if (!err.field) {	/* the first problem is the one reported, naming the item */
				err.field = arena_strdup(&r->arena, field);
				err.msg = arena_printf(&r->arena, "%s%s%s", db_col_text(st, 1), T(r, "form.colon"),
						       T(r, "ppe.err.position_qty"));
			}
			continue;
		}
		if (q > 0 && n < 256)
			want[n++] = (struct want){db_col_i64(st, 0), q};
	}
	db_done(r->db, st);
	if (err.field) {
		r->status = FORM_STATUS_INVALID;
		position_form(r, pos, pname, &err);
		return 0;
	}
	struct strbuf sum = STRBUF_INIT;
	int rc = db_begin(r->db);
	if (rc == DB_OK)
		rc = db_exec(r->db, "DELETE FROM ppe_position_items WHERE position_id = ?", "I", pos);
	for (int i = 0; i < n && rc == DB_OK; i++) {
		rc = db_exec(r->db, "INSERT INTO ppe_position_items (position_id, item_id, qty) VALUES (?, ?, ?)", "III", pos,
			     want[i].item, want[i].qty);
		sb_addf(&sum, "%s%lld×%lld", i ? ", " : "", (long long)want[i].item, (long long)want[i].qty);
	}
	if (rc == DB_OK)
		rc = audit_req(r, "ppe_position", pos, "update", sum.len ? sum.buf : "(empty)");
	sb_release(&sum);
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		form_unavailable(r);
		return 0;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/ppe/admin/positions/%lld?done=saved", (long long)pos);
	resp_redirect(r, loc);
	return 0;
}
