/*
 * contractor_web.c — the contractor record on web/entity.c's pages and API: the list (with
 * ?todo=expiring, the home page's "waiting for me" line), the company's page with its
 * status and what blocks its people, and its parts below the form (qualifications, people
 * with their training and entry permission, permits, hazards, job scores and yearly
 * ratings; contractor_parts_web.c takes the writes). Suspending and reinstating is a change
 * of the status field, audited as every change is.
 *
 * Data scope: the host unit (属地单位) responsible for the contractor.
 */
#include "contractor/contractor.h"
#include "contractor/contractor_web.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "db/db.h"
#include "train/train.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

struct contractor_row {
	int64_t id, unit_id, manager_id;
	const char *name, *credit_code, *unit_name, *contact_name, *contact_phone, *status, *reason;
	int64_t suspended_on;
	int active;
};

#define K_COLS "k.id, k.name, k.credit_code, k.unit_id, un.name, COALESCE(k.manager_id, 0), k.contact_name," \
	" k.contact_phone, k.status, COALESCE(k.suspended_on, -1000000), k.suspend_reason, k.active"
#define K_FROM " FROM contractors k JOIN units un ON un.id = k.unit_id"
/* something ends within the warning window: a qualification (the newest of its kind) or an
 * active person's entry permission; ?1 today, ?2 the window's last day */
#define K_EXPIRING \
	" (EXISTS (SELECT 1 FROM contractor_quals q WHERE q.contractor_id = k.id AND q.valid_to BETWEEN ?1 AND ?2" \
	"  AND NOT EXISTS (SELECT 1 FROM contractor_quals n WHERE n.contractor_id = q.contractor_id" \
	"   AND n.kind = q.kind AND n.valid_to > q.valid_to))" \
	" OR EXISTS (SELECT 1 FROM contractor_people cp JOIN persons p ON p.id = cp.person_id" \
	"  WHERE cp.contractor_id = k.id AND p.active = 1 AND cp.entry_until BETWEEN ?1 AND ?2))"

static const char *const statuses[] = {"active", "suspended", NULL};

enum { F_NAME, F_CODE, F_UNIT, F_MANAGER, F_CONTACT, F_PHONE, F_STATUS, F_SINCE, F_REASON };
static const struct form_field fields[] = {
	{"name", "contractor.f.name", FORM_TEXT, FORM_REQUIRED, .max = 100},
	{"credit_code", "contractor.f.credit_code", FORM_TEXT, 0, .max = 32},
	{"unit_id", "contractor.f.unit", FORM_ID, FORM_REQUIRED, .options = form_opts_scope_units},
	{"manager_id", "contractor.f.manager", FORM_ID, 0, .options = form_opts_scope_users, .empty = "—"},
	{"contact_name", "contractor.f.contact_name", FORM_TEXT, 0, .max = 50},
	{"contact_phone", "contractor.f.contact_phone", FORM_TEXT, 0, .max = 32, .attrs = "inputmode=\"tel\""},
	{"status", "contractor.f.status", FORM_CHOICE, FORM_REQUIRED, .choices = statuses,
	 .choice_prefix = "contractor.status."},
	{"suspended_on", "contractor.f.suspended_on", FORM_DAY, 0, .max = 0},
	{"suspend_reason", "contractor.f.suspend_reason", FORM_TEXT, 0, .max = 200},
	{0},
};

static void from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct contractor_row *k = row;
	k->id = db_col_i64(st, 0);
	k->name = arena_strdup(&r->arena, db_col_text(st, 1));
	k->credit_code = arena_strdup(&r->arena, db_col_text(st, 2));
	k->unit_id = db_col_i64(st, 3);
	k->unit_name = arena_strdup(&r->arena, db_col_text(st, 4));
	k->manager_id = db_col_i64(st, 5);
	k->contact_name = arena_strdup(&r->arena, db_col_text(st, 6));
	k->contact_phone = arena_strdup(&r->arena, db_col_text(st, 7));
	k->status = arena_strdup(&r->arena, db_col_text(st, 8));
	k->suspended_on = db_col_i64(st, 9) == -1000000 ? DAY_NONE : db_col_i64(st, 9);
	k->reason = arena_strdup(&r->arena, db_col_text(st, 10));
	k->active = (int)db_col_i64(st, 11);
}

static int load(struct req *r, int64_t id, void *row)
{
	return entity_load_scoped(r, "SELECT " K_COLS K_FROM " WHERE k.id = ? AND un.path LIKE ?", id, from_row, row);
}

int contractor_load(struct req *r, int64_t id, struct contractor_row **out)
{
	struct contractor_row *k = arena_alloc(&r->arena, sizeof *k);
	if (load(r, id, k))
		return -1;
	*out = k;
	return 0;
}

const char *contractor_row_name(const struct contractor_row *k)
{
	return k->name;
}

int64_t contractor_row_id(const struct contractor_row *k)
{
	return k->id;
}

static const char *day_text(struct req *r, int64_t d)
{
	char b[16];
	return d == DAY_NONE ? "" : arena_strdup(&r->arena, day_format(d, b));
}

static void values(struct req *r, const void *row, const char **t)
{
	const struct contractor_row *k = row;
	t[F_NAME] = k->name;
	t[F_CODE] = k->credit_code;
	t[F_UNIT] = entity_id_text(r, k->unit_id);
	t[F_MANAGER] = entity_id_text(r, k->manager_id);
	t[F_CONTACT] = k->contact_name;
	t[F_PHONE] = k->contact_phone;
	t[F_STATUS] = k->status;
	t[F_SINCE] = day_text(r, k->suspended_on);
	t[F_REASON] = k->reason;
}

static void defaults(struct req *r, const char **t)
{
	(void)r;
	t[F_STATUS] = "active";
}

static const char *title(const void *row)
{
	return ((const struct contractor_row *)row)->name;
}

static int active(const void *row)
{
	return ((const struct contractor_row *)row)->active;
}

static void check(struct req *r, const void *cur, struct form *f)
{
	const struct contractor_row *k = cur;
	int64_t other = 0;
	if (!auth_scope_allows(r, f->v[F_UNIT].id, -1))
		form_fail(r, f, "unit_id", "form.err_choice");
	if (f->v[F_MANAGER].id && db_get_i64(r->db, &other, "SELECT count(*) FROM users WHERE id = ? AND active = 1", "I",
					     f->v[F_MANAGER].id) == 1 && !other)
		form_fail(r, f, "manager_id", "form.err_choice");
	if (db_get_i64(r->db, &other, "SELECT id FROM contractors WHERE name = ? AND id != ?", "tI", f->v[F_NAME].text,
		       k ? k->id : 0) == 1)
		form_fail(r, f, "name", "contractor.err.name_taken");
	/* a suspension needs its reason: it is what the contractor is told */
	if (!strcmp(f->v[F_STATUS].text, "suspended") && !f->v[F_REASON].present)
		form_fail(r, f, "suspend_reason", "contractor.err.reason_needed");
}

static int64_t store(struct req *r, const void *cur, const struct form *f)
{
	const struct contractor_row *k = cur;
	int suspended = !strcmp(f->v[F_STATUS].text, "suspended");
	int64_t since = DAY_NONE;
	if (suspended && (!f->v[F_SINCE].present || day_parse(f->v[F_SINCE].text, &since)))
		since = day_of(clock_now());	/* from today unless a day is given */
	int64_t arg = since == DAY_NONE ? -1000000 : since;
	const char *reason = suspended ? f->v[F_REASON].text : "";
	if (!k) {
		if (db_exec(r->db, "INSERT INTO contractors (name, credit_code, unit_id, manager_id, contact_name, contact_phone,"
				   " status, suspended_on, suspend_reason, created_at)"
				   " VALUES (?, ?, ?, NULLIF(?, 0), ?, ?, ?, NULLIF(?, -1000000), ?, ?)",
			    "ttIItttItI", f->v[F_NAME].text, f->v[F_CODE].text, f->v[F_UNIT].id,
			    f->v[F_MANAGER].id, f->v[F_CONTACT].text, f->v[F_PHONE].text, f->v[F_STATUS].text, arg, reason,
			    clock_now()) != DB_OK)
			return -1;
		return db_last_id(r->db);
	}
	if (db_exec(r->db, "UPDATE contractors SET name = ?, credit_code = ?, unit_id = ?, manager_id = NULLIF(?, 0),"
			   " contact_name = ?, contact_phone = ?, status = ?, suspended_on = NULLIF(?, -1000000),"
			   " suspend_reason = ? WHERE id = ?",
		    "ttIItttItI", f->v[F_NAME].text, f->v[F_CODE].text, f->v[F_UNIT].id, f->v[F_MANAGER].id,
		    f->v[F_CONTACT].text, f->v[F_PHONE].text, f->v[F_STATUS].text, arg, reason, k->id) != DB_OK)
		return -1;
	return k->id;
}

/* What blocks the contractor's people today, as the permit module will say it: a catalogue
 * key and its detail (via any one person's answer would need a person; ask the rules on
 * the company's own terms instead). NULL when nothing does. */
static const char *company_block(struct req *r, const struct contractor_row *k, char **detail)
{
	int64_t today = day_of(clock_now());
	*detail = NULL;
	if (!k->active || (!strcmp(k->status, "suspended") && (k->suspended_on == DAY_NONE || k->suspended_on <= today))) {
		*detail = arena_printf(&r->arena, "%s%s%s", k->name, k->suspended_on == DAY_NONE ? "" : " · ",
				       day_text(r, k->suspended_on));
		return "contractor.reason.suspended";
	}
	struct db_stmt *st = db_query(r->db,
		"SELECT q.kind, q.number, q.valid_to FROM contractor_quals q WHERE q.contractor_id = ? AND q.valid_to < ?"
		" AND NOT EXISTS (SELECT 1 FROM contractor_quals n WHERE n.contractor_id = q.contractor_id"
		"  AND n.kind = q.kind AND n.valid_to >= ?) ORDER BY q.valid_to DESC LIMIT 1", "III", k->id, today, today);
	const char *key = NULL;
	if (st && db_step(st) == 1) {
		*detail = arena_printf(&r->arena, "%s · %s %s · %s", k->name, db_col_text(st, 0), db_col_text(st, 1),
				       day_text(r, db_col_i64(st, 2)));
		key = "contractor.reason.qual_expired";
	}
	db_done(r->db, st);
	return key;
}

static json_t *day_json(int64_t d)
{
	char b[16];
	return d == DAY_NONE ? json_null() : json_string(day_format(d, b));
}

static json_t *to_json(struct req *r, const void *row)
{
	const struct contractor_row *k = row;
	char *detail = NULL;
	const char *block = company_block(r, k, &detail);
	json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:s, s:o, s:s, s:s, s:s, s:o, s:s, s:b, s:o}", "id",
			      (json_int_t)k->id, "name", k->name, "credit_code", k->credit_code, "unit_id",
			      (json_int_t)k->unit_id, "unit", k->unit_name, "manager_id", entity_id_json(k->manager_id),
			      "contact_name", k->contact_name, "contact_phone", k->contact_phone, "status", k->status,
			      "suspended_on", day_json(k->suspended_on), "suspend_reason", k->reason, "active", k->active,
			      "blocked", block ? json_string(T(r, block)) : json_null());
	json_object_set_new(o, "blocked_detail", detail ? json_string(detail) : json_null());
	json_t *quals = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT id, kind, number, valid_from, valid_to FROM contractor_quals"
				      " WHERE contractor_id = ? ORDER BY kind, valid_to DESC LIMIT 100", "I", k->id);
	while (st && db_step(st) == 1)
		json_array_append_new(quals, json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)db_col_i64(st, 0),
						       "kind", db_col_text(st, 1), "number", db_col_text(st, 2), "valid_from",
						       day_json(db_col_i64(st, 3)), "valid_to", day_json(db_col_i64(st, 4))));
	db_done(r->db, st);
	json_object_set_new(o, "qualifications", quals);
	json_t *people = json_array();
	st = db_query(r->db, "SELECT cp.id, p.id, p.name, cp.job, cp.entry_until, COALESCE(p.user_id, 0) FROM contractor_people cp"
			     " JOIN persons p ON p.id = cp.person_id WHERE cp.contractor_id = ? AND p.active = 1"
			     " ORDER BY p.name LIMIT 500", "I", k->id);
	while (st && db_step(st) == 1)
		json_array_append_new(people, json_pack("{s:I, s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)db_col_i64(st, 0),
							"person_id", (json_int_t)db_col_i64(st, 1), "name", db_col_text(st, 2),
							"job", db_col_text(st, 3), "entry_until", day_json(db_col_i64(st, 4)),
							"user_id", entity_id_json(db_col_i64(st, 5))));
	db_done(r->db, st);
	json_object_set_new(o, "people", people);
	json_t *years = json_array();
	st = db_query(r->db, "SELECT year, jobs, hazards, major_hazards, COALESCE(score, -1), eligible FROM contractor_years"
			     " WHERE contractor_id = ? ORDER BY year DESC LIMIT 20", "I", k->id);
	while (st && db_step(st) == 1)
		json_array_append_new(years, json_pack("{s:I, s:I, s:I, s:I, s:o, s:b}", "year", (json_int_t)db_col_i64(st, 0),
						       "jobs", (json_int_t)db_col_i64(st, 1), "hazards", (json_int_t)db_col_i64(st, 2),
						       "major_hazards", (json_int_t)db_col_i64(st, 3), "score",
						       db_col_i64(st, 4) < 0 ? json_null() : json_integer(db_col_i64(st, 4)),
						       "eligible", (int)db_col_i64(st, 5)));
	db_done(r->db, st);
	json_object_set_new(o, "years", years);
	return o;
}

/* ?todo=expiring: the contractors of the "waiting for me" line, no more and no fewer */
static int todo_filter(struct req *r)
{
	static const char *const todo[] = {"expiring", NULL};
	const char *v = "";
	req_query_enum(r, "todo", todo, &v);	/* another value: the 400 that names it */
	return !strcmp(v, "expiring");
}

int64_t contractor_todo_count(struct req *r)
{
	int64_t today = day_of(clock_now()), n = 0;
	db_get_i64(r->db, &n, "SELECT count(*)" K_FROM " WHERE k.active = 1 AND un.path LIKE ?3 AND" K_EXPIRING,
		   "IIt", today, today + CONTRACTOR_WARN_DAYS, auth_scope_pattern(r));
	return n;
}

static struct db_stmt *list_query(struct req *r)
{
	int64_t today = day_of(clock_now());
	return db_query(r->db, "SELECT " K_COLS K_FROM " WHERE un.path LIKE ?3 AND (?4 = 0 OR k.active = 1 AND" K_EXPIRING ")"
			" ORDER BY k.active DESC, k.status, k.name LIMIT 1000",
			"IIti", today, today + CONTRACTOR_WARN_DAYS, auth_scope_pattern(r), todo_filter(r));
}

static void list_html(struct req *r)
{
	if (todo_filter(r))
		html_printf(&r->out, "<p class=\"hint\">%s · <a href=\"/contractors\">%s</a></p>",
			    T(r, "contractor.todo.expiring"), T(r, "contractor.all"));
	html_printf(&r->out, "<div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
			     "</tr></thead><tbody>", T(r, "contractor.f.name"), T(r, "contractor.f.status"),
		    T(r, "contractor.f.unit"), T(r, "contractor.people"));
	struct db_stmt *st = list_query(r);
	while (st && db_step(st) == 1) {
		struct contractor_row k;
		from_row(r, st, &k);
		int64_t people = 0;
		db_get_i64(r->db, &people, "SELECT count(*) FROM contractor_people cp JOIN persons p ON p.id = cp.person_id"
					   " WHERE cp.contractor_id = ? AND p.active = 1", "I", k.id);
		char *detail;
		const char *block = company_block(r, &k, &detail);
		html_printf(&r->out, "<tr data-contractor=\"%D\"><td><a href=\"/contractors/%D\">%s</a></td>"
				     "<td><span class=\"badge %s\">%s</span></td><td>%s</td><td>%D</td></tr>",
			    k.id, k.id, k.name, block ? "bad" : "ok",
			    !k.active ? T(r, "org.inactive") : block ? T(r, block) : T(r, "contractor.status.active"),
			    k.unit_name, people);
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div>");
	if (auth_has(r, "contractor.manage"))
		html_printf(&r->out, "<p><a href=\"/contractors/settings\">%s</a></p>", T(r, "contractor.settings"));
}

static int list_json(struct req *r, json_t *items)
{
	struct contractor_row k;
	return entity_json_rows(r, list_query(r), from_row, &k, to_json, items);
}

static void head(struct req *r, const void *row)
{
	const struct contractor_row *k = row;
	if (!k)
		return;
	char *detail;
	const char *block = company_block(r, k, &detail);
	if (block)
		html_printf(&r->out, "<p class=\"notice notice-error\" data-block=\"1\">%s: %s</p>", T(r, block), detail);
	else
		html_printf(&r->out, "<p><span class=\"badge ok\">%s</span></p>", T(r, "contractor.status.active"));
	if (*k->reason)
		html_printf(&r->out, "<p class=\"hint\">%s: %s</p>", T(r, "contractor.f.suspend_reason"), k->reason);
}

static void tail(struct req *r, const void *row)
{
	contractor_parts_html(r, (const struct contractor_row *)row);
}

const struct entity contractor_entity = {
	.name = "contractor", .path = "/contractors", .edit_perm = "contractor.manage",
	.list_title = "contractor.title", .new_title = "contractor.new", .hint = "contractor.hint",
	.fields = fields, .row_size = sizeof(struct contractor_row), .flags = ENTITY_SHOW_CREATED | ENTITY_SHOW_UPDATED,
	.load = load, .values = values, .title = title, .active = active, .defaults = defaults,
	.check = check, .store = store, .deactivate_sql = "UPDATE contractors SET active = 0 WHERE id = ?",
	.json = to_json, .list_html = list_html, .list_json = list_json, .show_head = head, .show_tail = tail,
	.api_path = "/api/v1/contractors",
};

ENTITY_HANDLERS(contractor_entity, contractor_list_page, contractor_new_page, contractor_create_post,
		contractor_edit_page, contractor_update_post, contractor_deactivate_post, contractor_api_list,
		contractor_api_get, contractor_api_create, contractor_api_update, contractor_api_deactivate)
