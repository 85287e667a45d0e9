/*
 * duty_items_web.c — duty lists (履职清单) per position: the list page (?position_id=), adding
 * a duty with its measure, frequency and target, retiring one, and the same as JSON. The
 * safety department keeps the lists (duty.manage); everyone may read them.
 */
#include "duty/duty.h"
#include "duty/duty_web.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/text.h"
#include "db/db.h"
#include "web/form.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdio.h>
#include <string.h>

static const char *const measures[] = {"none", "checks", "hazards", "training", "meetings", NULL};
static const char *const freqs[] = {"week", "month", NULL};

static json_t *item_json(struct db_stmt *st)
{
	return json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:f, s:b}", "id", (json_int_t)db_col_i64(st, 0), "position_id",
			 (json_int_t)db_col_i64(st, 1), "position", db_col_text(st, 2), "title", db_col_text(st, 3), "measure",
			 db_col_text(st, 4), "frequency", db_col_text(st, 5), "target", db_col_double(st, 6), "active",
			 (int)db_col_i64(st, 7));
}

#define ITEM_SQL "SELECT i.id, i.position_id, p.name, i.title, i.measure, i.frequency, i.target, i.active" \
		 " FROM duty_items i JOIN positions p ON p.id = i.position_id"

/* The new duty's declared fields (web/form.h): a refusal names its field and the lists page
 * comes back with what was typed. measure and frequency left empty mean none and month. */
static const struct form_field item_fields[] = {
	{"position_id", "duty.position", FORM_ID, FORM_REQUIRED, .options = form_opts_positions},
	{"title", "duty.item", FORM_TEXT, FORM_REQUIRED, .max = DUTY_TITLE_MAX},
	{"measure", "duty.measure", FORM_CHOICE, 0, .choices = measures, .choice_prefix = "duty.measure."},
	{"frequency", "duty.frequency", FORM_CHOICE, 0, .choices = freqs, .choice_prefix = "duty.freq."},
	{"target", "duty.target", FORM_NUMBER, 0, .lo = 0.1, .hi = 1000, .decimals = 1},
	{0},
};

/* The lists page; f: the add form (a refused one with the message and what was typed). */
static void lists_render(struct req *r, int64_t pos, const struct form *f)
{
	page_begin(r, T(r, "duty.lists"));
	html_printf(&r->out, "<h1>%s</h1><p class=\"hint\">%s</p><form method=\"get\" class=\"filters\"><label>%s<select name=\"position_id\">"
		    "<option value=\"\">%s</option>", T(r, "duty.lists"), T(r, "duty.lists_hint"), T(r, "duty.position"),
		    T(r, "duty.all_positions"));
	form_opts_positions(r, NULL, pos);
	html_printf(&r->out, "</select></label><button>%s</button></form>", T(r, "duty.show"));
	struct db_stmt *st = db_query(r->db, ITEM_SQL " WHERE i.active = 1 AND (?1 = 0 OR i.position_id = ?1)"
				      " ORDER BY p.name, i.id LIMIT 500", "I", pos);
	html_printf(&r->out, "<table class=\"duty-items\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th></th></tr></thead><tbody>",
		    T(r, "duty.position"), T(r, "duty.item"), T(r, "duty.measure"), T(r, "duty.target"));
	int manage = auth_has(r, "duty.manage");
	while (st && db_step(st) == 1) {
		char t[32], key[40], fk[40];
		duty_fmt(t, sizeof t, db_col_double(st, 6));
		snprintf(key, sizeof key, "duty.measure.%s", db_col_text(st, 4));
		snprintf(fk, sizeof fk, "duty.freq.%s", db_col_text(st, 5));
		html_printf(&r->out, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%s %s%s</td><td>", db_col_text(st, 2),
			    db_col_text(st, 3), T(r, key), T(r, fk), t, !strcmp(db_col_text(st, 4), "hazards") ? "%" : "");
		if (manage)
			html_printf(&r->out, "<form method=\"post\" action=\"/duties/items/%D/deactivate\">%r<button>%s</button></form>",
				    db_col_i64(st, 0), page_csrf(r), T(r, "duty.retire"));
		html_printf(&r->out, "</td></tr>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table>");
	if (manage) {
		html_printf(&r->out, "<form method=\"post\" action=\"/duties/items\" class=\"card stack\" id=\"duty-add-item\">%r<h2>%s</h2>",
			    page_csrf(r), T(r, "duty.add_item"));
		if (f->err.field)
			page_notice(r, "error", f->err.msg);
		form_render_fields(r, f);
		html_printf(&r->out, "<button class=\"primary\">%s</button></form>", T(r, "duty.save"));
	}
	page_end(r);
}

/* GET /duties/lists (?position_id=) */
int duty_lists_page(struct req *r)
{
	int64_t pos = 0;
	req_query_id(r, "position_id", &pos);
	const char *start[] = {pos ? arena_printf(&r->arena, "%lld", (long long)pos) : "", "", "none", "month", "1"};
	struct form f;
	form_init(r, &f, item_fields, start, NULL);
	f.creating = 1;
	lists_render(r, pos, &f);
	return 0;
}

/* POST /duties/items and /api/v1/duty/items: {position_id, title, measure, frequency, target} */
int duty_item_create(struct req *r)
{
	struct form f;
	int64_t one = 0;
	form_read(r, &f, item_fields, NULL, NULL);
	int64_t pos = form_get(&f, "position_id")->id;
	const char *measure = form_get(&f, "measure")->present ? form_get(&f, "measure")->text : "none";
	const char *freq = form_get(&f, "frequency")->present ? form_get(&f, "frequency")->text : "month";
	double target = form_get(&f, "target")->present ? form_get(&f, "target")->num : 1;
	if (!form_failed(&f) && db_get_i64(r->db, &one, "SELECT id FROM positions WHERE id = ?", "I", pos) != 1)
		form_fail(r, &f, "position_id", "form.err_choice");
	if (!form_failed(&f) && !strcmp(measure, "hazards") && target > 100)
		form_fail(r, &f, "target", "duty.err.target_rate");
	if (form_failed(&f)) {
		if (r->is_api) {
			form_api_invalid(r, &f.err);
			return 0;
		}
		r->status = FORM_STATUS_INVALID;
		lists_render(r, pos, &f);
		return 0;
	}
	const char *title = form_get(&f, "title")->text;
	int64_t id = 0;
	char sum[256];
	snprintf(sum, sizeof sum, "position %lld: %.120s (%s, %s, %g)", (long long)pos, title, measure, freq, target);
	if (db_begin(r->db) != DB_OK ||
	    db_exec(r->db, "INSERT INTO duty_items (position_id, title, measure, frequency, target, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		    "ItttdI", pos, title, measure, freq, target, clock_now()) != DB_OK ||
	    (id = db_last_id(r->db), audit_req(r, "duty_item", id, "create", sum)) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		form_unavailable(r);
		return 0;
	}
	if (!r->is_api) {
		char loc[64];
		snprintf(loc, sizeof loc, "/duties/lists?position_id=%lld", (long long)pos);
		resp_redirect(r, loc);
		return 0;
	}
	struct db_stmt *st = db_query(r->db, ITEM_SQL " WHERE i.id = ?", "I", id);
	json_t *o = st && db_step(st) == 1 ? item_json(st) : json_object();
	db_done(r->db, st);
	resp_json(r, 201, o);
	return 0;
}

/* POST /duties/items/:id/deactivate */
int duty_item_retire(struct req *r)
{
	int64_t id;
	if (req_param_id(r, "id", &id))
		return duty_fail(r, 404, "error.not_found", NULL), 0;
	if (db_begin(r->db) != DB_OK)
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	if (db_exec(r->db, "UPDATE duty_items SET active = 0 WHERE id = ? AND active = 1", "I", id) != DB_OK) {
		db_rollback(r->db);
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	}
	if (db_changes(r->db) == 0) {
		db_rollback(r->db);
		return duty_fail(r, 404, "error.not_found", NULL), 0;
	}
	if (audit_req(r, "duty_item", id, "deactivate", "") != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	}
	resp_redirect(r, "/duties/lists");
	return 0;
}

/* GET /api/v1/duty/items (?position_id=) */
int duty_api_items(struct req *r)
{
	int64_t pos = 0, total = 0;
	int page, per;
	req_query_id(r, "position_id", &pos);
	req_page(r, 100, &page, &per);
	if (r->bad_param)
		return 0;
	db_get_i64(r->db, &total, "SELECT count(*) FROM duty_items WHERE active = 1 AND (?1 = 0 OR position_id = ?1)", "I", pos);
	json_t *items = json_array();
	struct db_stmt *st = db_query(r->db, ITEM_SQL " WHERE i.active = 1 AND (?1 = 0 OR i.position_id = ?1)"
				      " ORDER BY p.name, i.id LIMIT ?2 OFFSET ?3", "Iii", pos, per, (page - 1) * per);
	while (st && db_step(st) == 1)
		json_array_append_new(items, item_json(st));
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", items, "page", page, "per_page", per, "total", (json_int_t)total));
	return 0;
}

