/*
 * emerg_plan_web.c — emergency plans (应急预案, GB/T 29639-2020): comprehensive, special and
 * on-site plans as versioned documents — each approved text an uploaded PDF (checked by its
 * magic bytes, stored as a blob, served as an attachment that no browser renders in place)
 * — with structured parts: scenarios, response levels, roles with named people and phones,
 * the steps of the response, and the 应急处置卡 of each post. A plan is reviewed every
 * review_months (Art. 35 of the plan rules: 3 years by default); the scheduler reminds its
 * owner (emerg_sched.c). The on-site cards of an area open from the area's card label.
 *
 * Data scope: the plan's unit. The area card page is for anyone with emerg.view who scans
 * the label at the place (as the area's own label, org_areas_web.c): no scope.
 */
#include "emerg/emerg.h"
#include "emerg/emerg_web.h"
#include "emerg/emerg_tabletop.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/text.h"
#include "db/blobstore.h"
#include "db/db.h"
#include "org/org.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/qr.h"

#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = {"comprehensive", "special", "onsite", NULL};
static const char *const part_kinds[] = {"scenario", "level", "role", "step", "card", NULL};

static void area_options(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT a.id, a.name FROM areas a JOIN units u ON u.id = a.unit_id"
					   " WHERE a.active = 1 AND u.path LIKE ? ORDER BY a.name", "t", auth_scope_pattern(r)),
			selected);
}

enum { P_TITLE, P_KIND, P_UNIT, P_AREA, P_OWNER, P_APPROVED, P_MONTHS };
static const struct form_field plan_fields[] = {
	{"title", "emerg.plan.title", FORM_TEXT, FORM_REQUIRED, .max = 100},
	{"kind", "emerg.kind", FORM_CHOICE, FORM_REQUIRED, .choices = kinds, .choice_prefix = "emerg.kind."},
	{"unit_id", "emerg.unit", FORM_ID, FORM_REQUIRED, .options = form_opts_scope_units},
	{"area_id", "emerg.plan.area", FORM_ID, 0, .options = area_options, .empty = "emerg.none"},
	{"owner_id", "emerg.owner", FORM_ID, FORM_REQUIRED, .options = form_opts_scope_users},
	{"approved_on", "emerg.plan.approved_on", FORM_DAY, FORM_REQUIRED, .max = 0},
	{"review_months", "emerg.plan.review_months", FORM_NUMBER, FORM_REQUIRED, .lo = 1, .hi = 120},
	{0},
};

struct plan_row {
	int64_t id, unit_id, area_id, owner_id, approved_on;
	int review_months, version, active;
	const char *title, *kind, *unit, *area, *owner;
};

#define PLAN_COLS "p.id, p.unit_id, COALESCE(p.area_id, 0), COALESCE(p.owner_id, 0), p.approved_on, p.review_months," \
		  " p.version, p.active, p.title, p.kind, u.name, COALESCE(a.name, ''), COALESCE(o.name, '')"
#define PLAN_FROM " FROM emerg_plans p JOIN units u ON u.id = p.unit_id LEFT JOIN areas a ON a.id = p.area_id" \
		  " LEFT JOIN users o ON o.id = p.owner_id"

static void plan_from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct plan_row *p = row;
	p->id = db_col_i64(st, 0);
	p->unit_id = db_col_i64(st, 1);
	p->area_id = db_col_i64(st, 2);
	p->owner_id = db_col_i64(st, 3);
	p->approved_on = db_col_i64(st, 4);
	p->review_months = (int)db_col_i64(st, 5);
	p->version = (int)db_col_i64(st, 6);
	p->active = (int)db_col_i64(st, 7);
	p->title = arena_strdup(&r->arena, db_col_text(st, 8));
	p->kind = arena_strdup(&r->arena, db_col_text(st, 9));
	p->unit = arena_strdup(&r->arena, db_col_text(st, 10));
	p->area = arena_strdup(&r->arena, db_col_text(st, 11));
	p->owner = arena_strdup(&r->arena, db_col_text(st, 12));
}

static int plan_load(struct req *r, int64_t id, void *row)
{
	struct db_stmt *st = db_query(r->db, "SELECT " PLAN_COLS PLAN_FROM " WHERE p.id = ?", "I", id);
	int found = st && db_step(st) == 1;
	if (found)
		plan_from_row(r, st, row);
	db_done(r->db, st);
	const struct plan_row *p = row;
	return found && auth_scope_allows(r, p->unit_id, p->owner_id) ? 0 : -1;
}

/* the badge class of a review state */
static html_raw review_class(enum emerg_review s)
{
	if (s == EMERG_REVIEW_OVERDUE)
		return "bad";
	return s == EMERG_REVIEW_DUE ? "warn" : "ok";
}

static const char *day_text(struct req *r, int64_t day)
{
	char d[16];
	return arena_strdup(&r->arena, day_format(day, d));
}

static void plan_values(struct req *r, const void *row, const char **t)
{
	const struct plan_row *p = row;
	t[P_TITLE] = p->title;
	t[P_KIND] = p->kind;
	t[P_UNIT] = entity_id_text(r, p->unit_id);
	t[P_AREA] = entity_id_text(r, p->area_id);
	t[P_OWNER] = entity_id_text(r, p->owner_id);
	t[P_APPROVED] = day_text(r, p->approved_on);
	t[P_MONTHS] = arena_printf(&r->arena, "%d", p->review_months);
}

static void plan_defaults(struct req *r, const char **t)
{
	(void)r;
	t[P_KIND] = "onsite";
	t[P_MONTHS] = "36";	/* Art. 35: evaluated every three years */
}

static const char *plan_title(const void *row)
{
	return ((const struct plan_row *)row)->title;
}

static int plan_active(const void *row)
{
	return ((const struct plan_row *)row)->active;
}

static void plan_check(struct req *r, const void *cur, struct form *f)
{
	(void)cur;
	if (!auth_scope_allows(r, f->v[P_UNIT].id, -1))
		form_fail(r, f, "unit_id", "form.err_choice");
	int64_t unit = 0;
	if (f->v[P_AREA].id &&
	    (db_get_i64(r->db, &unit, "SELECT unit_id FROM areas WHERE id = ? AND active = 1", "I", f->v[P_AREA].id) != 1 ||
	     !auth_scope_allows(r, unit, -1)))
		form_fail(r, f, "area_id", "form.err_choice");
	if (db_get_i64(r->db, &unit, "SELECT unit_id FROM users WHERE id = ? AND active = 1", "I", f->v[P_OWNER].id) != 1 ||
	    !auth_scope_allows(r, unit, -1))
		form_fail(r, f, "owner_id", "form.err_choice");
	int64_t day = 0;
	if (day_parse(f->v[P_APPROVED].text, &day) == 0 && day > day_today())
		form_fail(r, f, "approved_on", "emerg.err.future");
}

static int64_t plan_store(struct req *r, const void *cur, const struct form *f)
{
	const struct plan_row *p = cur;
	int64_t day = 0;
	day_parse(f->v[P_APPROVED].text, &day);
	if (p)
		return db_exec(r->db, "UPDATE emerg_plans SET title = ?, kind = ?, unit_id = ?, area_id = NULLIF(?, 0), owner_id = ?,"
				      " approved_on = ?, review_months = ? WHERE id = ?", "ttIIIIiI", f->v[P_TITLE].text,
			       f->v[P_KIND].text, f->v[P_UNIT].id, f->v[P_AREA].id, f->v[P_OWNER].id, day,
			       (int)f->v[P_MONTHS].num, p->id) == DB_OK ? p->id : -1;
	if (db_exec(r->db, "INSERT INTO emerg_plans (unit_id, kind, title, area_id, owner_id, approved_on, review_months, created_at)"
			   " VALUES (?, ?, ?, NULLIF(?, 0), ?, ?, ?, ?)", "IttIIIiI", f->v[P_UNIT].id, f->v[P_KIND].text,
		    f->v[P_TITLE].text, f->v[P_AREA].id, f->v[P_OWNER].id, day, (int)f->v[P_MONTHS].num, clock_now()) != DB_OK)
		return -1;
	int64_t id = db_last_id(r->db);
	return db_exec(r->db, "INSERT INTO emerg_plan_versions (plan_id, version, approved_on, created_by, created_at)"
			      " VALUES (?, 1, ?, ?, ?)", "IIII", id, day, r->who->user_id, clock_now()) == DB_OK ? id : -1;
}

static json_t *plan_json(struct req *r, const void *row)
{
	const struct plan_row *p = row;
	int64_t due;
	enum emerg_review s = emerg_plan_review(p->approved_on, p->review_months, day_today(), &due);
	json_t *parts = json_array(), *versions = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT pp.id, pp.kind, pp.seq, pp.title, pp.body, COALESCE(pp.user_id, 0),"
				    " COALESCE(us.name, ''), pp.phone, COALESCE(pp.position_id, 0), COALESCE(po.name, ''),"
				    " COALESCE(pp.target_min, -1) FROM emerg_plan_parts pp LEFT JOIN users us ON us.id = pp.user_id"
				    " LEFT JOIN positions po ON po.id = pp.position_id WHERE pp.plan_id = ? ORDER BY pp.kind, pp.seq",
				    "I", p->id);
	while (st && db_step(st) == 1) {
		/* a step's target (minutes from the start) is what a tabletop compares its time with;
		 * null when the step has none, and for the other kinds of part */
		int64_t target = db_col_i64(st, 10);
		json_array_append_new(parts, json_pack("{s:I, s:s, s:i, s:s, s:s, s:o, s:s, s:s, s:o, s:s, s:o}",
			"id", (json_int_t)db_col_i64(st, 0), "kind", db_col_text(st, 1), "seq", (int)db_col_i64(st, 2),
			"title", db_col_text(st, 3), "body", db_col_text(st, 4), "user_id", entity_id_json(db_col_i64(st, 5)),
			"person", db_col_text(st, 6), "phone", db_col_text(st, 7), "position_id", entity_id_json(db_col_i64(st, 8)),
			"position", db_col_text(st, 9), "target_min", target >= 0 ? json_integer(target) : json_null()));
	}
	db_done(r->db, st);
	st = db_query(r->db, "SELECT version, approved_on, filename, pdf_sha IS NOT NULL FROM emerg_plan_versions WHERE plan_id = ?"
			     " ORDER BY version DESC", "I", p->id);
	while (st && db_step(st) == 1)
		json_array_append_new(versions, json_pack("{s:i, s:s, s:s, s:b}", "version", (int)db_col_i64(st, 0),
			"approved_on", day_text(r, db_col_i64(st, 1)), "filename", db_col_text(st, 2), "pdf", (int)db_col_i64(st, 3)));
	db_done(r->db, st);
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:o, s:s, s:o, s:s, s:s, s:i, s:i, s:s, s:s, s:b, s:o, s:o}",
		"id", (json_int_t)p->id, "title", p->title, "kind", p->kind, "unit_id", (json_int_t)p->unit_id, "unit", p->unit,
		"area_id", entity_id_json(p->area_id), "area", p->area, "owner_id", entity_id_json(p->owner_id), "owner", p->owner,
		"approved_on", day_text(r, p->approved_on), "review_months", p->review_months, "version", p->version,
		"review_due", day_text(r, due), "review", emerg_review_code(s), "active", p->active, "parts", parts,
		"versions", versions);
}

static struct db_stmt *plan_query(struct req *r)
{
	return db_query(r->db, "SELECT " PLAN_COLS PLAN_FROM " WHERE p.active = 1 AND u.path LIKE ? AND (? = 0 OR p.owner_id = ?)"
			       " ORDER BY p.kind, p.title LIMIT 500", "tII", auth_scope_pattern(r), auth_scope_owner(r),
			auth_scope_owner(r));
}

static int plan_list_json(struct req *r, json_t *items)
{
	struct plan_row p;
	return entity_json_rows(r, plan_query(r), plan_from_row, &p, plan_json, items);
}

static void plan_list_html(struct req *r)
{
	struct plan_row p;
	int64_t today = day_today(), due;
	html_printf(&r->out, "<p><a href=\"/emerg\">%s</a></p><ul class=\"list\">", T(r, "emerg.title"));
	struct db_stmt *st = plan_query(r);
	while (st && db_step(st) == 1) {
		plan_from_row(r, st, &p);
		enum emerg_review s = emerg_plan_review(p.approved_on, p.review_months, today, &due);
		char key[40], rkey[40];
		snprintf(key, sizeof key, "emerg.kind.%s", p.kind);
		snprintf(rkey, sizeof rkey, "emerg.review.%s", emerg_review_code(s));
		html_printf(&r->out, "<li data-plan=\"%D\"><a href=\"/emerg/plans/%D\"><strong>%s</strong></a> V%d<br>"
				     "<small>%s · %s · %s %s</small> <span class=\"badge %r\" data-review=\"%s\">%s</span></li>",
			    p.id, p.id, p.title, p.version, T(r, key), p.unit, T(r, "emerg.plan.review_due"), day_text(r, due),
			    review_class(s), emerg_review_code(s), T(r, rkey));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
}

/* The parts of a plan of one kind as a list (a card: the post's name as its title). */
static void parts_html(struct req *r, int64_t plan, const char *kind)
{
	char key[40];
	snprintf(key, sizeof key, "emerg.part.%s", kind);
	html_printf(&r->out, "<h3>%s</h3><ol class=\"list\" data-parts=\"%s\">", T(r, key), kind);
	struct db_stmt *st = db_query(r->db, "SELECT pp.title, pp.body, COALESCE(us.name, ''), pp.phone, COALESCE(po.name, '')"
				    " FROM emerg_plan_parts pp LEFT JOIN users us ON us.id = pp.user_id"
				    " LEFT JOIN positions po ON po.id = pp.position_id WHERE pp.plan_id = ? AND pp.kind = ? ORDER BY pp.seq",
				    "It", plan, kind);
	while (st && db_step(st) == 1) {
		html_printf(&r->out, "<li><strong>%s</strong>", db_col_text(st, 0));
		if (*db_col_text(st, 4))
			html_printf(&r->out, " · %s", db_col_text(st, 4));
		if (*db_col_text(st, 2))
			html_printf(&r->out, " · %s", db_col_text(st, 2));
		if (*db_col_text(st, 3))
			html_printf(&r->out, " <a class=\"button\" href=\"tel:%s\">%s</a>", db_col_text(st, 3), db_col_text(st, 3));
		if (*db_col_text(st, 1))
			html_printf(&r->out, "<br><small>%s</small>", db_col_text(st, 1));
		html_printf(&r->out, "</li>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ol>");
}

static void plan_tail(struct req *r, const void *row)
{
	const struct plan_row *p = row;
	int64_t due;
	enum emerg_review s = emerg_plan_review(p->approved_on, p->review_months, day_today(), &due);
	char rkey[40];
	snprintf(rkey, sizeof rkey, "emerg.review.%s", emerg_review_code(s));
	html_printf(&r->out, "<p>%s %s <span class=\"badge %r\" data-review=\"%s\">%s</span></p>", T(r, "emerg.plan.review_due"),
		    day_text(r, due), review_class(s),
		    emerg_review_code(s), T(r, rkey));
	html_printf(&r->out, "<h2>%s</h2><ul class=\"list\">", T(r, "emerg.plan.versions"));
	struct db_stmt *st = db_query(r->db, "SELECT version, approved_on, filename, pdf_sha IS NOT NULL FROM emerg_plan_versions"
				    " WHERE plan_id = ? ORDER BY version DESC", "I", p->id);
	while (st && db_step(st) == 1) {
		html_printf(&r->out, "<li data-version=\"%D\">V%D · %s", db_col_i64(st, 0), db_col_i64(st, 0),
			    day_text(r, db_col_i64(st, 1)));
		if (db_col_i64(st, 3))
			html_printf(&r->out, " <a class=\"button\" href=\"/emerg/plans/%D/pdf?v=%D\">PDF %s</a>", p->id,
				    db_col_i64(st, 0), db_col_text(st, 2));
		html_printf(&r->out, "</li>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
	int may = auth_has(r, "emerg.manage");
	if (may)
		html_printf(&r->out, "<form method=\"post\" action=\"/emerg/plans/%D/pdf\" enctype=\"multipart/form-data\" class=\"stack\">%r"
				     "<label>%s<input type=\"file\" name=\"pdf\" accept=\"application/pdf\" required></label>"
				     "<label>%s<input type=\"date\" name=\"approved_on\" required></label><button>%s</button></form>",
			    p->id, page_csrf(r), T(r, "emerg.plan.pdf"), T(r, "emerg.plan.approved_on"), T(r, "emerg.plan.upload"));
	html_printf(&r->out, "<h2>%s</h2>", T(r, "emerg.plan.parts"));
	for (int i = 0; part_kinds[i]; i++)
		parts_html(r, p->id, part_kinds[i]);
	if (may) {
		html_printf(&r->out, "<form method=\"post\" action=\"/emerg/plans/%D/parts\" class=\"stack\">%r<label>%s<select name=\"kind\">",
			    p->id, page_csrf(r), T(r, "emerg.part.kind"));
		for (int i = 0; part_kinds[i]; i++) {
			char key[40];
			snprintf(key, sizeof key, "emerg.part.%s", part_kinds[i]);
			html_printf(&r->out, "<option value=\"%s\">%s</option>", part_kinds[i], T(r, key));
		}
		html_printf(&r->out, "</select></label><label>%s<input name=\"title\" maxlength=\"100\" required></label>"
				     "<label>%s<textarea name=\"body\" maxlength=\"2000\"></textarea></label>"
				     "<label>%s<select name=\"user_id\"><option value=\"\">—</option>",
			    T(r, "emerg.part.title"), T(r, "emerg.part.body"), T(r, "emerg.part.person"));
		form_opts_scope_users(r, NULL, 0);
		html_printf(&r->out, "</select></label><label>%s<input name=\"phone\" maxlength=\"20\" inputmode=\"tel\"></label>"
				     "<label>%s<select name=\"position_id\"><option value=\"\">—</option>",
			    T(r, "emerg.part.phone"), T(r, "emerg.part.position"));
		form_opts_positions(r, NULL, 0);
		html_printf(&r->out, "</select></label><label>%s<input type=\"number\" name=\"target_min\" min=\"0\" max=\"1440\" step=\"1\"></label>"
				     "<button>%s</button></form>", T(r, "emerg.tt.target_input"), T(r, "emerg.part.add"));
	}
	emerg_tt_plan_tail(r, p->id, may);	/* targets and injects for tabletop exercises */
	if (p->area_id)
		html_printf(&r->out, "<p><a class=\"button\" href=\"/emerg/areas/%D/card\">%s</a></p>", p->area_id,
			    T(r, "emerg.plan.area_card"));
}

const struct entity emerg_plan_entity = {
	.name = "emerg_plan", .path = "/emerg/plans", .edit_perm = "emerg.manage",
	.list_title = "emerg.plans", .new_title = "emerg.plan.new", .hint = NULL,
	.fields = plan_fields, .row_size = sizeof(struct plan_row), .flags = ENTITY_SHOW_CREATED | ENTITY_SHOW_UPDATED,
	.load = plan_load, .values = plan_values, .title = plan_title, .active = plan_active, .defaults = plan_defaults,
	.check = plan_check, .store = plan_store, .deactivate_sql = "UPDATE emerg_plans SET active = 0 WHERE id = ?",
	.json = plan_json, .list_html = plan_list_html, .list_json = plan_list_json, .show_tail = plan_tail,
	.api_path = "/api/v1/emerg/plans",
};

ENTITY_HANDLERS(emerg_plan_entity, emerg_plan_list, emerg_plan_new, emerg_plan_create, emerg_plan_edit, emerg_plan_update,
		emerg_plan_deact, emerg_plan_api_list, emerg_plan_api_get, emerg_plan_api_create, emerg_plan_api_update,
		emerg_plan_api_deact)

static struct plan_row *plan_param(struct req *r)
{
	int64_t id;
	struct plan_row *p = arena_alloc(&r->arena, sizeof *p);
	if (req_param_id(r, "id", &id) || plan_load(r, id, p)) {
		entity_not_found(r);
		return NULL;
	}
	return p;
}

static void refused(struct req *r, const char *field, const char *key)
{
	resp_error(r, 422, "invalid", arena_printf(&r->arena, "%s: %s", field, T(r, key)), field);
}

static void saved(struct req *r, struct plan_row *p, int status)
{
	if (r->is_api) {
		plan_load(r, p->id, p);
		resp_json(r, status, plan_json(r, p));
	} else {
		resp_redirect(r, arena_printf(&r->arena, "/emerg/plans/%lld", (long long)p->id));
	}
}

/* A new approved version: the PDF (its first bytes must be "%PDF-": a file that only calls
 * itself a PDF is refused) and the day it was approved, which restarts the review cycle. */
int emerg_plan_pdf_post(struct req *r)
{
	struct plan_row *p = plan_param(r);
	if (!p)
		return 0;
	struct upload *u = req_upload(r, "pdf");
	if (!u || u->data.len < 8 || memcmp(u->data.buf, "%PDF-", 5)) {
		refused(r, "pdf", "emerg.err.pdf");
		return 0;
	}
	const char *a = req_field(r, "approved_on");
	int64_t day = 0;
	if (!a || day_parse(a, &day) || day > day_today()) {
		refused(r, "approved_on", "emerg.err.approved_on");
		return 0;
	}
	char sha[65], name[64];
	text_sha256_hex(u->data.buf, u->data.len, sha);
	/* the stored name is ours, never the uploader's (it goes into a header) */
	snprintf(name, sizeof name, "plan-%lld-v%d.pdf", (long long)p->id, p->version + 1);
	if (db_begin(r->db) != DB_OK) {
		form_unavailable(r);
		return 0;
	}
	int64_t now = clock_now();
	const struct blob_meta m = {.mime = "application/pdf", .created_at = now};
	int rc = blob_put(r->db, sha, u->data.buf, u->data.len, &m);
	if (rc == DB_OK)
		rc = db_exec(r->db, "INSERT INTO emerg_plan_versions (plan_id, version, pdf_sha, filename, approved_on, created_by, created_at)"
				    " VALUES (?, ?, ?, ?, ?, ?, ?)", "IittIII", p->id, p->version + 1, sha, name, day,
			     r->who->user_id, now);
	if (rc == DB_OK)
		rc = db_exec(r->db, "UPDATE emerg_plans SET version = version + 1, approved_on = ? WHERE id = ?", "II", day, p->id);
	if (rc == DB_OK)
		rc = audit_req(r, "emerg_plan", p->id, "version", name);
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		form_unavailable(r);
		return 0;
	}
	saved(r, p, 201);
	return 0;
}

/* GET /emerg/plans/:id/pdf?v=N — the stored PDF as a download (never rendered in place; the
 * server sends nosniff with every answer). */
int emerg_plan_pdf_get(struct req *r)
{
	struct plan_row *p = plan_param(r);
	if (!p)
		return 0;
	int64_t v = p->version;
	if (req_query_int(r, "v", 1, 100000, &v) < 0)
		return 0;
	struct db_stmt *st = db_query(r->db, "SELECT pv.pdf_sha, pv.filename FROM emerg_plan_versions pv"
				    " WHERE pv.plan_id = ? AND pv.version = ? AND pv.pdf_sha IS NOT NULL", "II", p->id, v);
	struct blob b = {0};
	const char *filename = NULL;
	if (st && db_step(st) == 1 && blob_get(r->db, db_col_text(st, 0), &b) == 1)
		filename = arena_strdup(&r->arena, db_col_text(st, 1));
	db_done(r->db, st);
	if (!filename) {
		entity_not_found(r);
		return 0;
	}
	resp_header(r, "Content-Disposition", arena_printf(&r->arena, "attachment; filename=\"%s\"", filename));
	resp_header(r, "Content-Security-Policy", "sandbox");
	resp_text(r, 200, "application/pdf", (const char *)b.bytes, b.len);
	blob_free(&b);
	return 0;
}

/* A structured part. A role names its person and phone; a card its post. */
int emerg_plan_part_post(struct req *r)
{
	struct plan_row *p = plan_param(r);
	if (!p)
		return 0;
	const char *kind = req_field(r, "kind"), *title = req_field(r, "title"), *body = req_field(r, "body");
	const char *uid = req_field(r, "user_id"), *phone = req_field(r, "phone"), *pos = req_field(r, "position_id");
	int k = 0;
	while (kind && part_kinds[k] && strcmp(kind, part_kinds[k]))
		k++;
	if (!kind || !part_kinds[k]) {
		refused(r, "kind", "form.err_choice");
		return 0;
	}
	if (!title || !*title || !utf8_valid(title, strlen(title)) || utf8_chars(title) > 100) {
		refused(r, "title", "emerg.err.part_title");
		return 0;
	}
	if (body && (!utf8_valid(body, strlen(body)) || utf8_chars(body) > 2000)) {
		refused(r, "body", "emerg.err.part_body");
		return 0;
	}
	int64_t user = 0, position = 0, unit = 0, n = 0;
	if (uid && *uid && (text_parse_i64(uid, &user) || user <= 0 ||
			    db_get_i64(r->db, &unit, "SELECT unit_id FROM users WHERE id = ? AND active = 1", "I", user) != 1)) {
		refused(r, "user_id", "form.err_choice");
		return 0;
	}
	int phone_ok = phone && *phone && strlen(phone) <= 20;
	for (const char *c = phone; phone_ok && *c; c++)
		phone_ok = (*c >= '0' && *c <= '9') || strchr("+- ", *c);
	if (!strcmp(kind, "role") && (!user || !phone_ok)) {
		refused(r, user ? "phone" : "user_id", "emerg.err.role");
		return 0;
	}
	if (phone && *phone && !phone_ok) {
		refused(r, "phone", "emerg.err.role");
		return 0;
	}
	if (pos && *pos && (text_parse_i64(pos, &position) || position <= 0 ||
			    db_get_i64(r->db, &n, "SELECT count(*) FROM positions WHERE id = ?", "I", position) != 1 || !n)) {
		refused(r, "position_id", "form.err_choice");
		return 0;
	}
	if (!strcmp(kind, "card") && !position) {
		refused(r, "position_id", "emerg.err.card");
		return 0;
	}
	/* a step's target time, for the comparison of a tabletop exercise (emerg_tabletop.h) */
	const char *tm = req_field(r, "target_min");
	int64_t target = -1;
	if (tm && *tm && (strcmp(kind, "step") || text_parse_i64(tm, &target) || target < 0 || target > 1440)) {
		refused(r, "target_min", "emerg.tt.err.target");
		return 0;
	}
	if (db_begin(r->db) != DB_OK) {
		form_unavailable(r);
		return 0;
	}
	int rc = db_exec(r->db, "INSERT INTO emerg_plan_parts (plan_id, kind, seq, title, body, user_id, phone, position_id)"
				" SELECT ?, ?, COALESCE(max(seq), 0) + 1, ?, ?, NULLIF(?, 0), ?, NULLIF(?, 0) FROM emerg_plan_parts"
				" WHERE plan_id = ? AND kind = ?", "ItttItIIt", p->id, kind, title, body ? body : "", user,
			 phone ? phone : "", position, p->id, kind);
	if (rc == DB_OK && target >= 0)
		rc = db_exec(r->db, "UPDATE emerg_plan_parts SET target_min = ? WHERE id = ?", "II", target, db_last_id(r->db));
	if (rc == DB_OK)
		rc = audit_req(r, "emerg_plan", p->id, "part", arena_printf(&r->arena, "%s: %s", kind, title));
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		form_unavailable(r);
		return 0;
	}
	saved(r, p, 201);
	return 0;
}

/* GET /emerg/areas/:id/card — the on-site response cards of an area: what a worker at the
 * place sees after scanning the card label printed here (应急处置卡: per post, the steps). */
int emerg_area_card(struct req *r)
{
	int64_t area;
	char *name = NULL;
	if (req_param_id(r, "id", &area) ||
	    db_get_text(r->db, &name, "SELECT name FROM areas WHERE id = ? AND active = 1", "I", area) != 1) {
		entity_not_found(r);
		return 0;
	}
	const char *aname = arena_strdup(&r->arena, name);
	free(name);
	page_begin(r, T(r, "emerg.plan.area_card"));
	html_printf(&r->out, "<section class=\"card emerg-card\"><h1>%s</h1><p><strong>%s</strong></p>", T(r, "emerg.plan.area_card"), aname);
	struct db_stmt *st = db_query(r->db, "SELECT id, title FROM emerg_plans WHERE area_id = ? AND active = 1 AND kind = 'onsite'"
				    " ORDER BY title LIMIT 20", "I", area);
	int64_t ids[20];
	const char *titles[20];
	int n = 0;
	while (st && db_step(st) == 1 && n < 20) {
		ids[n] = db_col_i64(st, 0);
		titles[n++] = arena_strdup(&r->arena, db_col_text(st, 1));
	}
	db_done(r->db, st);
	if (!n)
		html_printf(&r->out, "<p class=\"hint\">%s</p>", T(r, "emerg.plan.no_card"));
	for (int i = 0; i < n; i++) {
		html_printf(&r->out, "<h2 data-card-plan=\"%D\">%s</h2>", ids[i], titles[i]);
		parts_html(r, ids[i], "card");
		parts_html(r, ids[i], "step");
		parts_html(r, ids[i], "role");
	}
	int64_t unit = 0;	/* whom to call: the teams and contacts of the area's unit and above */
	if (db_get_i64(r->db, &unit, "SELECT unit_id FROM areas WHERE id = ?", "I", area) == 1)
		emerg_contacts_card(r, unit);
	/* the label to print at the place: this page's address as a QR code */
	const char *base = org_qr_url(r, "x");
	const char *url = arena_printf(&r->arena, "%.*s/emerg/areas/%lld/card", (int)(strlen(base) - strlen("/a/x")), base,
				       (long long)area);
	struct strbuf svg = STRBUF_INIT;
	qr_svg(&svg, url);
	html_printf(&r->out, "<div class=\"qr-label\"><h2>%s</h2>%r<p><small>%s</small></p></div></section>",
		    T(r, "emerg.plan.card_label"), html_raw_sb(&svg), url);
	sb_release(&svg);
	page_end(r);
	return 0;
}
