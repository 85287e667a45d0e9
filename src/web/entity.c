/*
 * entity.c — the generic record pages and API handlers of entity.h.
 *
 * Every write goes: load within scope (else 404) → form_read() of the declared fields →
 * the entity's check() → on a problem 422 (the page re-rendered with the values kept and
 * the error under its field; the API names the field) → one transaction holding the
 * store() and its audit entry → redirect, or the stored record as JSON. A failed step
 * rolls back and answers 503, so nothing is half-stored.
 */
#include "web/entity.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "db/db.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"

#include <string.h>

void entity_not_found(struct req *r)
{
	resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
}

int entity_load_scoped(struct req *r, const char *sql, int64_t id,
		       void (*from_row)(struct req *r, struct db_stmt *st, void *row), void *row)
{
	struct db_stmt *st = db_query(r->db, sql, "It", id, auth_scope_pattern(r));
	int found = st && db_step(st) == 1;
	if (found)
		from_row(r, st, row);
	db_done(r->db, st);
	return found ? 0 : -1;
}

int entity_json_rows(struct req *r, struct db_stmt *st,
		     void (*from_row)(struct req *r, struct db_stmt *st, void *row), void *row,
		     json_t *(*json)(struct req *r, const void *row), json_t *items)
{
	while (st && db_step(st) == 1) {
		from_row(r, st, row);
		json_array_append_new(items, json(r, row));
	}
	db_done(r->db, st);
	return 0;
}

static const char **texts(struct req *r, const struct entity *e)
{
	size_t n = 0;
	while (e->fields[n].name)
		n++;
	return arena_alloc(&r->arena, (n + 1) * sizeof(const char *));
}

static const char **stored_texts(struct req *r, const struct entity *e, const void *row)
{
	const char **t = texts(r, e);
	e->values(r, row, t);
	return t;
}

/* The record named by :id, in the arena, for `action`; NULL when out of reach (404
 * answered) or refused by admit() (which answered). */
static void *load_param(struct req *r, const struct entity *e, const char *action)
{
	int64_t id;
	void *row = arena_alloc(&r->arena, e->row_size);
	if (req_param_id(r, "id", &id) || e->load(r, id, row)) {
		entity_not_found(r);
		return NULL;
	}
	return e->admit && e->admit(r, row, action) ? NULL : row;
}

static const char *title_of(struct req *r, const struct entity *e, const void *row)
{
	return e->title_in ? e->title_in(r, row) : e->title(row);
}

static void render(struct req *r, const struct entity *e, const void *row, const struct form *f)
{
	const char *title = row ? title_of(r, e, row) : T(r, e->new_title);
	page_begin(r, title);
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", title);
	if (f->err.field)
		page_notice(r, "error", f->err.msg);
	if (e->show_head)
		e->show_head(r, row);
	int may = auth_has(r, e->edit_perm);
	if (may) {
		if (row)
			html_printf(&r->out, "<form method=\"post\" action=\"%s/%s%s\" class=\"stack\">%r",
				    e->path, req_param(r, "id"), e->edit_suffix ? e->edit_suffix : "",
				    page_csrf(r));
		else
			html_printf(&r->out, "<form method=\"post\" action=\"%s\" class=\"stack\">%r",
				    e->new_action ? e->new_action : e->path, page_csrf(r));
		form_render_fields(r, f);
		if (e->extra_inputs)
			e->extra_inputs(r, row, f);
		if (e->hint)
			html_printf(&r->out, "<p class=\"hint\">%s</p>", T(r, e->hint));
		html_printf(&r->out, "<button class=\"primary\">%s</button></form>", T(r, "form.save"));
		if (row && e->active && e->active(row))
			html_printf(&r->out, "<form method=\"post\" action=\"%s/%s/deactivate\" class=\"actions\">"
					     "%r<button class=\"danger\">%s</button></form>", e->path,
				    req_param(r, "id"), page_csrf(r), T(r, "form.deactivate"));
	}
	if (e->show_tail && row)
		e->show_tail(r, row);
	html_printf(&r->out, "<p><a href=\"%s\">%s</a></p></section>",
		    e->back_path ? e->back_path : e->path, T(r, "form.back"));
	page_end(r);
}

/* Read, check and store. The id; 0 with f->err set; -1 when storing failed. */
static int64_t save(struct req *r, const struct entity *e, const void *cur, struct form *f)
{
	const char **old = cur ? stored_texts(r, e, cur) : NULL;
	form_read(r, f, e->fields, old, cur);
	if (!form_failed(f) && e->check)
		e->check(r, cur, f);
	if (form_failed(f))
		return 0;
	if (db_begin(r->db) != DB_OK)
		return -1;
	struct strbuf sum = STRBUF_INIT;
	int64_t id = e->store(r, cur, f);
	if (id > 0 && e->verify) {
		e->verify(r, cur, id, f);
		if (form_failed(f)) {	/* refused on what was stored: nothing stays */
			db_rollback(r->db);
			sb_release(&sum);
			return 0;
		}
	}
	if (id > 0 && e->summary)
		e->summary(r, cur, id, f, &sum);
	else
		form_audit_summary(r, &sum, f, old);
	if (id <= 0 || audit_req(r, e->name, id, cur ? "update" : "create", sum.buf) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		id = -1;
	}
	sb_release(&sum);
	return id;
}

/* Deactivate unless refused. NULL when done, else the catalogue key of the reason. */
static const char *deactivate(struct req *r, const struct entity *e, const void *row,
			      int64_t id)
{
	const char *why = e->refuse_deactivate ? e->refuse_deactivate(r, row) : NULL;
	if (why)
		return why;
	if (db_begin(r->db) != DB_OK)
		return "error.unavailable";
	if (db_exec(r->db, e->deactivate_sql, "I", id) != DB_OK ||
	    audit_req(r, e->name, id, "deactivate", title_of(r, e, row)) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return "error.unavailable";
	}
	return NULL;
}

int entity_list_page(struct req *r, const struct entity *e)
{
	page_begin(r, T(r, e->list_title));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", T(r, e->list_title));
	if (auth_has(r, e->edit_perm))
		html_printf(&r->out, "<p><a class=\"button primary\" href=\"%s/new\">%s</a></p>",
			    e->path, T(r, e->new_title));
	e->list_html(r);
	html_printf(&r->out, "</section>");
	page_end(r);
	return 0;
}

int entity_new_page(struct req *r, const struct entity *e)
{
	struct form f;
	const char **t = texts(r, e);
	if (e->defaults)
		e->defaults(r, t);
	form_init(r, &f, e->fields, t, NULL);
	f.creating = 1;
	render(r, e, NULL, &f);
	return 0;
}

/* The answer to a create or update: the form again with its error (422, or the entity's own
 * status), 503 when storing failed, else a redirect to the record (when `show` is among the
 * entity's flags) or to the list. id is save()'s result. */
static void answer_saved(struct req *r, const struct entity *e, void *row, struct form *f, int64_t id,
			 unsigned show)
{
	if (id == 0) {
		r->status = e->invalid_status ? e->invalid_status : FORM_STATUS_INVALID;
		render(r, e, row, f);
	} else if (id < 0) {
		form_unavailable(r);
	} else if (e->flags & show) {
		resp_redirect(r, arena_printf(&r->arena, "%s/%lld", e->path, (long long)id));
	} else {
		resp_redirect(r, e->path);
	}
}

int entity_create_post(struct req *r, const struct entity *e)
{
	struct form f;
	answer_saved(r, e, NULL, &f, save(r, e, NULL, &f), ENTITY_SHOW_CREATED);
	return 0;
}

int entity_edit_page(struct req *r, const struct entity *e)
{
	struct form f;
	void *row = load_param(r, e, "edit");
	if (!row)
		return 0;
	form_init(r, &f, e->fields, stored_texts(r, e, row), row);
	render(r, e, row, &f);
	return 0;
}

int entity_show_refused(struct req *r, const struct entity *e, int status, const char *field, const char *msg)
{
	struct form f;
	void *row = load_param(r, e, "edit");
	if (!row)
		return 0;
	form_init(r, &f, e->fields, stored_texts(r, e, row), row);
	f.err.field = field;
	f.err.msg = msg;
	r->status = status;
	render(r, e, row, &f);
	return 0;
}

int entity_update_post(struct req *r, const struct entity *e)
{
	struct form f;
	void *row = load_param(r, e, "update");
	if (!row)
		return 0;
	answer_saved(r, e, row, &f, save(r, e, row, &f), ENTITY_SHOW_UPDATED);
	return 0;
}

int entity_deactivate_post(struct req *r, const struct entity *e)
{
	int64_t id = 0;
	void *row = load_param(r, e, "deactivate");
	if (!row)
		return 0;
	req_param_id(r, "id", &id);
	const char *why = deactivate(r, e, row, id);
	if (why && !strcmp(why, "error.unavailable")) {
		form_unavailable(r);
	} else if (why) {	/* refused by a rule: the record's page says why */
		struct form f;
		form_init(r, &f, e->fields, stored_texts(r, e, row), row);
		f.err.field = "active";
		f.err.msg = T(r, why);
		r->status = 409;
		render(r, e, row, &f);
	} else {
		resp_redirect(r, e->path);
	}
	return 0;
}

int entity_api_list(struct req *r, const struct entity *e)
{
	/* the one pagination (req_page); these lists are short (units, areas, roles), so the
	 * page is cut from the whole list, and a page past the end is empty */
	int page, per_page;
	req_page(r, HTTP_PER_PAGE_MAX, &page, &per_page);
	json_t *items = json_array();
	if (r->bad_param || e->list_json(r, items) < 0) {
		json_decref(items);
		return 0;
	}
	size_t total = json_array_size(items), from = (size_t)(page - 1) * (size_t)per_page;
	json_t *cut = json_array();
	for (size_t i = from; i < total && i < from + (size_t)per_page; i++)
		json_array_append(cut, json_array_get(items, i));
	json_decref(items);
	resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", cut, "page", page, "per_page",
				    per_page, "total", (json_int_t)total));
	return 0;
}

int entity_api_get(struct req *r, const struct entity *e)
{
	void *row = load_param(r, e, "view");
	if (row)
		resp_json(r, 200, e->json(r, row));
	return 0;
}

static int api_write(struct req *r, const struct entity *e, int creating)
{
	struct form f;
	void *row = NULL;
	if (!r->json) {
		resp_error(r, 415, "bad_request", T(r, "error.json_required"), "body");
		return 0;
	}
	if (!creating && !(row = load_param(r, e, "update")))
		return 0;
	int64_t id = save(r, e, row, &f);
	if (id == 0) {
		int status = f.status ? f.status : e->invalid_status;
		if (status)	/* a clash, or a module that has always answered 400 */
			resp_error(r, status, "invalid", f.err.msg, f.err.field);
		else
			form_api_invalid(r, &f.err);
		return 0;
	}
	void *now = arena_alloc(&r->arena, e->row_size);
	if (id < 0 || e->load(r, id, now)) {
		form_unavailable(r);
		return 0;
	}
	resp_json(r, creating ? 201 : 200, e->json(r, now));
	return 0;
}

int entity_api_create(struct req *r, const struct entity *e)
{
	return api_write(r, e, 1);
}

int entity_api_update(struct req *r, const struct entity *e)
{
	return api_write(r, e, 0);
}

int entity_api_deactivate(struct req *r, const struct entity *e)
{
	int64_t id = 0;
	void *row = load_param(r, e, "deactivate");
	if (!row)
		return 0;
	req_param_id(r, "id", &id);
	const char *why = deactivate(r, e, row, id);
	if (why && !strcmp(why, "error.unavailable")) {
		form_unavailable(r);
		return 0;
	}
	if (why) {
		resp_error(r, 409, "refused", T(r, why), "active");
		return 0;
	}
	if (e->load(r, id, row)) {
		form_unavailable(r);
		return 0;
	}
	resp_json(r, 200, e->json(r, row));
	return 0;
}

const char *entity_id_text(struct req *r, int64_t id)
{
	return id ? arena_printf(&r->arena, "%lld", (long long)id) : "";
}

json_t *entity_id_json(int64_t id)
{
	return id ? json_integer(id) : json_null();
}
