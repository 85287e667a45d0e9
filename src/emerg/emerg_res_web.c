/*
 * emerg_res_web.c — emergency supplies and equipment (应急物资装备) by place: what, where, how
 * many (and the least there must be), when bought and when it expires, who looks after it,
 * and the monthly check. The add/edit pages and the API are the entity layer's; the list
 * (with ?todo=1: the caller's own supplies that need attention, the home page's line) and
 * the check are here. An expiry before the purchase is refused naming expires_on.
 *
 * Data scope: the supply's unit; owner: the person who looks after it.
 */
#include "emerg/emerg.h"
#include "emerg/emerg_web.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/text.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"

#include <string.h>

static const char *const res_kinds[] = {"breathing_apparatus", "extinguisher", "spill_kit", "first_aid", "gas_detector",
					"protective_suit", "other", NULL};

enum { R_NAME, R_KIND, R_UNIT, R_PLACE, R_QTY, R_MIN, R_BOUGHT, R_EXPIRES, R_OWNER };
static const struct form_field res_fields[] = {
	{"name", "emerg.res.name", FORM_TEXT, FORM_REQUIRED, .max = 100},
	{"kind", "emerg.res.kind", FORM_CHOICE, FORM_REQUIRED, .choices = res_kinds, .choice_prefix = "emerg.res.kind."},
	{"unit_id", "emerg.unit", FORM_ID, FORM_REQUIRED, .options = form_opts_scope_units},
	{"place", "emerg.res.place", FORM_TEXT, FORM_REQUIRED, .max = 100},
	{"quantity", "emerg.res.quantity", FORM_NUMBER, FORM_REQUIRED, .lo = 0, .hi = 100000},
	{"min_quantity", "emerg.res.min_quantity", FORM_NUMBER, 0, .lo = 0, .hi = 100000},
	{"purchased_on", "emerg.res.purchased_on", FORM_DAY, 0, .max = 0},
	{"expires_on", "emerg.res.expires_on", FORM_DAY, 0, .max = 0},
	{"owner_id", "emerg.owner", FORM_ID, FORM_REQUIRED, .options = form_opts_scope_users},
	{0},
};

struct res_row {
	int64_t id, unit_id, owner_id, bought, expires, checked;
	int quantity, min_quantity, active;
	const char *name, *kind, *place, *unit, *owner;
};

#define RES_COLS "e.id, e.unit_id, COALESCE(e.owner_id, 0), e.purchased_on, e.expires_on, e.checked_on, e.quantity," \
		 " e.min_quantity, e.active, e.name, e.kind, e.place, u.name, COALESCE(o.name, '')"
#define RES_FROM " FROM emerg_resources e JOIN units u ON u.id = e.unit_id LEFT JOIN users o ON o.id = e.owner_id"

static int64_t col_day(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? DAY_NONE : db_col_i64(st, i);
}

static void res_from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct res_row *e = row;
	e->id = db_col_i64(st, 0);
	e->unit_id = db_col_i64(st, 1);
	e->owner_id = db_col_i64(st, 2);
	e->bought = col_day(st, 3);
	e->expires = col_day(st, 4);
	e->checked = col_day(st, 5);
	e->quantity = (int)db_col_i64(st, 6);
	e->min_quantity = (int)db_col_i64(st, 7);
	e->active = (int)db_col_i64(st, 8);
	e->name = arena_strdup(&r->arena, db_col_text(st, 9));
	e->kind = arena_strdup(&r->arena, db_col_text(st, 10));
	e->place = arena_strdup(&r->arena, db_col_text(st, 11));
	e->unit = arena_strdup(&r->arena, db_col_text(st, 12));
	e->owner = arena_strdup(&r->arena, db_col_text(st, 13));
}

static int res_load(struct req *r, int64_t id, void *row)
{
	struct db_stmt *st = db_query(r->db, "SELECT " RES_COLS RES_FROM " WHERE e.id = ?", "I", id);
	int found = st && db_step(st) == 1;
	if (found)
		res_from_row(r, st, row);
	db_done(r->db, st);
	const struct res_row *e = row;
	return found && auth_scope_allows(r, e->unit_id, e->owner_id) ? 0 : -1;
}

static const char *day_text(struct req *r, int64_t day)
{
	char d[16];
	return arena_strdup(&r->arena, day_format(day, d));
}

static void res_values(struct req *r, const void *row, const char **t)
{
	const struct res_row *e = row;
	t[R_NAME] = e->name;
	t[R_KIND] = e->kind;
	t[R_UNIT] = entity_id_text(r, e->unit_id);
	t[R_PLACE] = e->place;
	t[R_QTY] = arena_printf(&r->arena, "%d", e->quantity);
	t[R_MIN] = arena_printf(&r->arena, "%d", e->min_quantity);
	t[R_BOUGHT] = day_text(r, e->bought);
	t[R_EXPIRES] = day_text(r, e->expires);
	t[R_OWNER] = entity_id_text(r, e->owner_id);
}

static const char *res_title(const void *row)
{
	return ((const struct res_row *)row)->name;
}

static int res_active(const void *row)
{
	return ((const struct res_row *)row)->active;
}

static void res_check(struct req *r, const void *cur, struct form *f)
{
	(void)cur;
	if (!auth_scope_allows(r, f->v[R_UNIT].id, -1))
		form_fail(r, f, "unit_id", "form.err_choice");
	int64_t unit = 0;
	if (db_get_i64(r->db, &unit, "SELECT unit_id FROM users WHERE id = ? AND active = 1", "I", f->v[R_OWNER].id) != 1 ||
	    !auth_scope_allows(r, unit, -1))
		form_fail(r, f, "owner_id", "form.err_choice");
	int64_t bought = DAY_NONE, expires = DAY_NONE;
	if (f->v[R_BOUGHT].present)
		day_parse(f->v[R_BOUGHT].text, &bought);
	if (f->v[R_EXPIRES].present)
		day_parse(f->v[R_EXPIRES].text, &expires);
	if (bought != DAY_NONE && bought > day_today())
		form_fail(r, f, "purchased_on", "emerg.err.future");
	/* a supply cannot expire before it was bought: a typing error to catch, not to store */
	if (bought != DAY_NONE && expires != DAY_NONE && expires < bought)
		form_fail(r, f, "expires_on", "emerg.err.expiry_before_purchase");
}

/* A day as a bound value: NULL for none (the SQL uses NULLIF(?, -1)). */
static int64_t day_arg(const struct form_value *v)
{
	int64_t d = -1;
	if (v->present)
		day_parse(v->text, &d);
	return d;
}

static int64_t res_store(struct req *r, const void *cur, const struct form *f)
{
	const struct res_row *e = cur;
	if (e)
		return db_exec(r->db, "UPDATE emerg_resources SET name = ?, kind = ?, unit_id = ?, place = ?, quantity = ?,"
				      " min_quantity = ?, purchased_on = NULLIF(?, -1), expires_on = NULLIF(?, -1), owner_id = ?"
				      " WHERE id = ?", "ttItiiIIII", f->v[R_NAME].text, f->v[R_KIND].text, f->v[R_UNIT].id,
			       f->v[R_PLACE].text, (int)f->v[R_QTY].num, (int)f->v[R_MIN].num, day_arg(&f->v[R_BOUGHT]),
			       day_arg(&f->v[R_EXPIRES]), f->v[R_OWNER].id, e->id) == DB_OK ? e->id : -1;
	if (db_exec(r->db, "INSERT INTO emerg_resources (name, kind, unit_id, place, quantity, min_quantity, purchased_on,"
			   " expires_on, owner_id, checked_on, created_at) VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, -1), NULLIF(?, -1), ?, ?, ?)",
		    "ttItiiIIIII", f->v[R_NAME].text, f->v[R_KIND].text, f->v[R_UNIT].id, f->v[R_PLACE].text,
		    (int)f->v[R_QTY].num, (int)f->v[R_MIN].num, day_arg(&f->v[R_BOUGHT]), day_arg(&f->v[R_EXPIRES]),
		    f->v[R_OWNER].id, day_today(), clock_now()) != DB_OK)
		return -1;
	return db_last_id(r->db);
}

static json_t *opt_day(int64_t d)
{
	char b[16];
	return d == DAY_NONE ? json_null() : json_string(day_format(d, b));
}

/* The reasons a supply needs its owner, as codes. */
static json_t *state_json(int s)
{
	json_t *a = json_array();
	if (s & EMERG_RES_SHORT)
		json_array_append_new(a, json_string("short"));
	if (s & EMERG_RES_EXPIRED)
		json_array_append_new(a, json_string("expired"));
	if (s & EMERG_RES_EXPIRING)
		json_array_append_new(a, json_string("expiring"));
	if (s & EMERG_RES_CHECK)
		json_array_append_new(a, json_string("check_due"));
	return a;
}

static json_t *res_json(struct req *r, const void *row)
{
	(void)r;
	const struct res_row *e = row;
	int s = emerg_resource_state(day_today(), e->quantity, e->min_quantity, e->expires, e->checked);
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:i, s:i, s:o, s:o, s:o, s:I, s:s, s:b, s:o}",
			 "id", (json_int_t)e->id, "name", e->name, "kind", e->kind, "unit_id", (json_int_t)e->unit_id,
			 "unit", e->unit, "place", e->place, "quantity", e->quantity, "min_quantity", e->min_quantity,
			 "purchased_on", opt_day(e->bought), "expires_on", opt_day(e->expires), "checked_on", opt_day(e->checked),
			 "owner_id", (json_int_t)e->owner_id, "owner", e->owner, "active", e->active, "attention", state_json(s));
}

/* Supplies in scope; todo: only the caller's own that need attention today. */
static struct db_stmt *res_query(struct req *r, int todo)
{
	int64_t today = day_today();
	return db_query(r->db, "SELECT " RES_COLS RES_FROM " WHERE e.active = 1 AND u.path LIKE ? AND (? = 0 OR e.owner_id = ?)"
			       " AND (? = 0 OR (e.owner_id = ? AND" EMERG_RES_ATTENTION_SQL "))"
			       " ORDER BY u.path, e.place, e.name LIMIT 1000",
			"tIIiIII", auth_scope_pattern(r), auth_scope_owner(r), auth_scope_owner(r), todo, r->who->user_id,
			today, today);
}

int64_t emerg_todo_resources(struct req *r)
{
	int64_t n = 0;
	struct db_stmt *st = res_query(r, 1);
	while (st && db_step(st) == 1)
		n++;
	db_done(r->db, st);
	return n;
}

static int res_list_json(struct req *r, json_t *items)
{
	struct res_row e;
	return entity_json_rows(r, res_query(r, req_query_flag(r, "todo", 0)), res_from_row, &e, res_json, items);
}

static void res_list_html(struct req *r)
{
	int todo = req_query_flag(r, "todo", 0);
	int64_t today = day_today();
	html_printf(&r->out, "<p><a href=\"/emerg/resources?todo=1\">%s</a> · <a href=\"/emerg\">%s</a></p><ul class=\"list\">",
		    T(r, "emerg.res.mine"), T(r, "emerg.title"));
	struct res_row e;
	struct db_stmt *st = res_query(r, todo);
	while (st && db_step(st) == 1) {
		res_from_row(r, st, &e);
		int s = emerg_resource_state(today, e.quantity, e.min_quantity, e.expires, e.checked);
		html_printf(&r->out, "<li data-emerg-row=\"%D\"><a href=\"/emerg/resources/%D\"><strong>%s</strong></a> × %d"
				     "<br><small>%s · %s · %s %s</small> ",
			    e.id, e.id, e.name, e.quantity, e.place, e.owner, T(r, "emerg.res.expires_on"), day_text(r, e.expires));
		if (s & EMERG_RES_SHORT)
			html_printf(&r->out, "<span class=\"badge bad\" data-state=\"short\">%s</span> ", T(r, "emerg.res.short"));
		if (s & EMERG_RES_EXPIRED)
			html_printf(&r->out, "<span class=\"badge bad\" data-state=\"expired\">%s</span> ", T(r, "emerg.res.expired"));
		if (s & EMERG_RES_EXPIRING)
			html_printf(&r->out, "<span class=\"badge warn\" data-state=\"expiring\">%s</span> ", T(r, "emerg.res.expiring"));
		if (s & EMERG_RES_CHECK)
			html_printf(&r->out, "<span class=\"badge warn\" data-state=\"check_due\">%s</span>", T(r, "emerg.res.check_due"));
		html_printf(&r->out, "</li>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
}

static void res_tail(struct req *r, const void *row)
{
	const struct res_row *e = row;
	html_printf(&r->out, "<h2>%s</h2><p>%s %s</p><form method=\"post\" action=\"/emerg/resources/%D/check\" class=\"stack\">%r"
			     "<label>%s<input type=\"number\" name=\"quantity\" min=\"0\" max=\"100000\" step=\"1\" value=\"%d\"></label>"
			     "<button class=\"primary\">%s</button></form>",
		    T(r, "emerg.res.monthly_check"), T(r, "emerg.res.checked_on"), day_text(r, e->checked), e->id, page_csrf(r),
		    T(r, "emerg.res.quantity_found"), e->quantity, T(r, "emerg.res.check"));
	emerg_res_check_panel(r, e->id);
}

const struct entity emerg_resource_entity = {
	.name = "emerg_resource", .path = "/emerg/resources", .edit_perm = "emerg.manage",
	.list_title = "emerg.resources", .new_title = "emerg.res.new", .hint = NULL,
	.fields = res_fields, .row_size = sizeof(struct res_row), .flags = ENTITY_SHOW_CREATED | ENTITY_SHOW_UPDATED,
	.load = res_load, .values = res_values, .title = res_title, .active = res_active, .check = res_check,
	.store = res_store, .deactivate_sql = "UPDATE emerg_resources SET active = 0 WHERE id = ?", .json = res_json,
	.list_html = res_list_html, .list_json = res_list_json, .show_tail = res_tail,
	.api_path = "/api/v1/emerg/resources",
};

ENTITY_HANDLERS(emerg_resource_entity, emerg_resource_list_page, emerg_res_new, emerg_res_create, emerg_res_edit,
		emerg_res_update, emerg_res_deact, emerg_res_api_list, emerg_res_api_get, emerg_res_api_create,
		emerg_res_api_update, emerg_res_api_deact)

/* The monthly check: the owner (or anyone who may see it) records that it is there, with the
 * quantity found. */
int emerg_resource_check(struct req *r)
{
	int64_t id;
	struct res_row e;
	if (req_param_id(r, "id", &id) || res_load(r, id, &e)) {
		entity_not_found(r);
		return 0;
	}
	const char *q = req_field(r, "quantity");
	int64_t qty = e.quantity;
	if (q && *q && (text_parse_i64(q, &qty) || qty < 0 || qty > 100000)) {
		resp_error(r, 422, "invalid", arena_printf(&r->arena, "%s: %s", T(r, "emerg.res.quantity_found"),
							   T(r, "emerg.err.quantity")), "quantity");
		return 0;
	}
	if (db_begin(r->db) != DB_OK) {
		form_unavailable(r);
		return 0;
	}
	if (db_exec(r->db, "UPDATE emerg_resources SET checked_on = ?, quantity = ? WHERE id = ?", "III", day_today(), qty, id) != DB_OK ||
	    audit_req(r, "emerg_resource", id, "check", arena_printf(&r->arena, "quantity %lld", (long long)qty)) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		form_unavailable(r);
		return 0;
	}
	if (r->is_api) {
		res_load(r, id, &e);
		resp_json(r, 200, res_json(r, &e));
	} else {
		resp_redirect(r, arena_printf(&r->arena, "/emerg/resources/%lld", (long long)id));
	}
	return 0;
}
