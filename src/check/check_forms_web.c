/*
 * check_forms_web.c — the desktop forms of whoever plans checks (check.manage): a new checklist
 * with its items (/checks/templates/new), the next version of a checklist's items
 * (/checks/templates/:id/edit: a record keeps the version it was made with), and a new round
 * plan (/checks/plans/new: a route of checkpoints for a post or person, a shift and an
 * interval). The head fields are declared on the form layer (web/form.h); the items are rows of
 * repeated inputs, turned into the same JSON the API takes and stored by the same code
 * (check_api.c), so the page and the API refuse the same things. A refused form comes back with
 * the error under its field and every value kept.
 */
#include "check/check.h"
#include "check/check_web.h"
#include "auth/auth.h"
#include "base/text.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define ITEM_ROWS_MAX 64	/* as the API: at most 64 items */
#define ITEM_ROWS_BLANK 4	/* empty rows offered below the items */
#define ROUTE_ROWS 8		/* route steps offered on a new plan */

static const char *const yes_no[] = {"0", "1", NULL};

/* ---------------- checklists ---------------- */

static const struct form_field tmpl_fields[] = {
	{"name", "check.template", FORM_TEXT, FORM_REQUIRED, .max = 100},
	{"kind", "check.kind", FORM_CHOICE, FORM_REQUIRED, .choices = check_template_kinds, .choice_prefix = "check.kind."},
	{"unit_id", "check.unit", FORM_ID, FORM_REQUIRED, .options = form_opts_scope_units},
	{"require_scan", "check.require_scan", FORM_CHOICE, 0, .choices = yes_no, .choice_prefix = "check.yes_no."},
	{0},
};
static const struct form_field version_fields[] = {
	{"require_scan", "check.require_scan", FORM_CHOICE, 0, .choices = yes_no, .choice_prefix = "check.yes_no."},
	{0},
};

/* The item rows as texts: kind, label, min, max, unit, choices, failing choices, photo. */
enum { I_KIND, I_LABEL, I_MIN, I_MAX, I_UNIT, I_CHOICES, I_FAILS, I_PHOTO, I_N };
static const char *const item_names[I_N] = {"item_kind", "item_label", "item_min", "item_max",
					    "item_unit", "item_choices", "item_fails", "item_photo"};
static const char *const item_labels[I_N] = {"check.item_kind", "check.item_label", "check.item_min", "check.item_max",
					     "check.item_unit", "check.item_choices", "check.item_fails", "check.item_photo"};
static const char *const item_kinds[] = {"pass_fail", "number", "choice", "text", "photo", NULL};

struct rows {
	const char **col[I_N];
	size_t n;
};

/* The rows a request carries; every column must have as many values as the labels. */
static int rows_read(struct req *r, struct rows *rw)
{
	size_t n = 0;
	rw->col[I_LABEL] = req_field_list(r, "item_label", &rw->n);
	for (int c = 0; c < I_N; c++) {
		if (c == I_LABEL)
			continue;
		rw->col[c] = req_field_list(r, item_names[c], &n);
		if (n != rw->n)
			return -1;
	}
	return rw->n > ITEM_ROWS_MAX + ITEM_ROWS_BLANK ? -1 : 0;
}

/* The stored items of a version as rows. */
static void rows_stored(struct req *r, int64_t id, int64_t version, struct rows *rw)
{
	for (int c = 0; c < I_N; c++)
		rw->col[c] = arena_alloc(&r->arena, ITEM_ROWS_MAX * sizeof(char *));
	rw->n = 0;
	struct db_stmt *st = db_query(r->db, "SELECT kind, label, COALESCE(CAST(min_value AS TEXT), ''), COALESCE(CAST(max_value AS TEXT), ''),"
				    " unit, choices, fail_choices, photo_required FROM check_template_items WHERE template_id = ? AND version = ?"
				    " ORDER BY seq LIMIT 64", "II", id, version);
	while (st && db_step(st) == 1 && rw->n < ITEM_ROWS_MAX) {
		for (int c = 0; c < I_PHOTO; c++)
			rw->col[c][rw->n] = arena_strdup(&r->arena, db_col_text(st, c));
		rw->col[I_PHOTO][rw->n] = db_col_i64(st, 7) ? "1" : "0";
		rw->n++;
	}
	db_done(r->db, st);
}

static const char *trim(struct req *r, const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return arena_printf(&r->arena, "%.*s", (int)n, s);
}

static const char *cell(const struct rows *rw, int c, size_t i)
{
	return rw && i < rw->n && rw->col[c] ? rw->col[c][i] : "";
}

static void select_of(struct req *r, const char *name, const char *label_key, const char *const *vals, const char *prefix,
		      const char *cur)
{
	html_printf(&r->out, "<label>%s<select name=\"%s\">", T(r, label_key), name);
	for (int k = 0; vals[k]; k++)
		html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", vals[k], !strcmp(vals[k], cur) ? " selected" : "",
			    T(r, arena_printf(&r->arena, "%s%s", prefix, vals[k])));
	html_printf(&r->out, "</select></label>");
}

/* The item rows (the given ones and some empty ones), each a fieldset; a refused row's error
 * is drawn under it (field item_<n>, n from 1). */
static void rows_render(struct req *r, const struct rows *rw, const struct form_err *err)
{
	size_t n = (rw ? rw->n : 0) + ITEM_ROWS_BLANK;
	if (n > ITEM_ROWS_MAX)
		n = ITEM_ROWS_MAX;
	html_printf(&r->out, "<h2>%s</h2><p class=\"hint\">%s</p>", T(r, "check.items"), T(r, "check.items_hint"));
	for (size_t i = 0; i < n; i++) {
		const char *kind = cell(rw, I_KIND, i);
		html_printf(&r->out, "<fieldset class=\"ck-item-row\" id=\"item-%d\"><legend>%d</legend>", (int)i + 1, (int)i + 1);
		select_of(r, "item_kind", "check.item_kind", item_kinds, "check.item.", *kind ? kind : "pass_fail");
		for (int c = I_LABEL; c < I_PHOTO; c++)
			html_printf(&r->out, "<label>%s<input name=\"%s\" value=\"%s\"%r></label>", T(r, item_labels[c]), item_names[c],
				    cell(rw, c, i), c == I_MIN || c == I_MAX ? " inputmode=\"decimal\"" : "");
		const char *ph = cell(rw, I_PHOTO, i);
		select_of(r, "item_photo", "check.item_photo", yes_no, "check.yes_no.", *ph ? ph : "0");
		form_field_error(r, err, arena_printf(&r->arena, "item_%d", (int)i + 1));
		html_printf(&r->out, "</fieldset>");
	}
}

/* The rows as the API's items array; rows without a label are left out. A row that does not
 * read (a limit that is not a number) fails the form under its row; *rowmap[k] is the row of
 * item k, for the errors the store reports by item. */
static json_t *rows_json(struct req *r, const struct rows *rw, struct form *f, int *rowmap)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < rw->n; i++) {
		const char *label = trim(r, cell(rw, I_LABEL, i));
		if (!*label)
			continue;
		json_t *x = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b}", "kind", cell(rw, I_KIND, i), "label", label, "unit",
				      trim(r, cell(rw, I_UNIT, i)), "choices", trim(r, cell(rw, I_CHOICES, i)),
				      "fail_choices", trim(r, cell(rw, I_FAILS, i)), "photo_required",
				      !strcmp(cell(rw, I_PHOTO, i), "1"));
		for (int c = I_MIN; c <= I_MAX; c++) {
			const char *s = trim(r, cell(rw, c, i));
			double d;
			if (!*s)
				continue;
			if (text_parse_double(s, &d)) {
				form_err_set(r, &f->err, arena_printf(&r->arena, "item_%d", (int)i + 1), item_labels[c], "form.err_number");
				json_decref(x);
				return arr;
			}
			json_object_set_new(x, c == I_MIN ? "min" : "max", json_real(d));
		}
		rowmap[json_array_size(arr)] = (int)i + 1;
		json_array_append_new(arr, x);
	}
	return arr;
}

/* A store's refusal as the form's error: an item's under its row, else under the items. */
static void store_error(struct req *r, struct form *f, const char *field, const char *key, const int *rowmap)
{
	size_t k = 0;
	if (field && sscanf(field, "items[%zu]", &k) == 1 && k < ITEM_ROWS_MAX)
		form_err_set(r, &f->err, arena_printf(&r->arena, "item_%d", rowmap[k]), "check.item", key);
	else if (field && !strcmp(field, "items"))
		form_err_set(r, &f->err, "item_1", "check.items", key);
	else
		form_err_set(r, &f->err, field ? field : "name", "check.template", key);
}

static void template_form(struct req *r, const char *title, const char *action, const struct form *f, const struct rows *rw)
{
	page_begin(r, title);
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", title);
	if (f->err.field)
		page_notice(r, "error", f->err.msg);
	html_printf(&r->out, "<form method=\"post\" action=\"%s\" class=\"stack\" id=\"template-form\">%r", action, page_csrf(r));
	form_render_fields(r, f);
	rows_render(r, rw, &f->err);
	html_printf(&r->out, "<button type=\"submit\">%s</button></form><p><a href=\"/checks/templates\">%s</a></p></section>",
		    T(r, "form.save"), T(r, "check.templates"));
	page_end(r);
}

int check_template_new_page(struct req *r)
{
	struct form f;
	form_init(r, &f, tmpl_fields, NULL, NULL);
	template_form(r, T(r, "check.new_template"), "/checks/templates", &f, NULL);
	return 0;
}

int check_template_create_post(struct req *r)
{
	struct form f;
	struct rows rw = {0};
	int rowmap[ITEM_ROWS_MAX + ITEM_ROWS_BLANK] = {0};
	form_read(r, &f, tmpl_fields, NULL, NULL);
	if (rows_read(r, &rw))
		form_err_set(r, &f.err, "item_1", "check.items", "check.err_items");
	if (!form_failed(&f) && !auth_scope_allows(r, form_get(&f, "unit_id")->id, -1))
		form_fail(r, &f, "unit_id", "form.err_choice");
	json_t *items = form_failed(&f) ? NULL : rows_json(r, &rw, &f, rowmap);
	if (!form_failed(&f)) {
		const char *field = NULL, *key = NULL;
		int64_t id = check_template_insert(r, form_get(&f, "name")->text, form_get(&f, "kind")->text, form_get(&f, "unit_id")->id, 1,
						   !strcmp(form_get(&f, "require_scan")->text, "1"), items, NULL, &field, &key);
		json_decref(items);
		if (id > 0) {
			resp_redirect(r, arena_printf(&r->arena, "/checks/templates/%lld", (long long)id));
			return 0;
		}
		if (!strcmp(key, "error.unavailable")) {
			form_unavailable(r);
			return 0;
		}
		store_error(r, &f, field, key, rowmap);
	} else {
		json_decref(items);
	}
	r->status = FORM_STATUS_INVALID;
	template_form(r, T(r, "check.new_template"), "/checks/templates", &f, &rw);
	return 0;
}

/* The checklist id if the caller may write its next version: its unit in scope (a built-in
 * one, of no unit, for any holder of check.manage). 0, else 404 answered and -1. */
static int template_admit(struct req *r, int64_t *id, int64_t *version, char **name)
{
	int64_t unit = 0;
	if (req_param_id(r, "id", id) ||
	    db_get_i64(r->db, &unit, "SELECT COALESCE(unit_id, 0) FROM check_templates WHERE id = ? AND active = 1", "I", *id) != 1 ||
	    (unit && !auth_scope_allows(r, unit, -1))) {
		entity_not_found(r);
		return -1;
	}
	db_get_i64(r->db, version, "SELECT version FROM check_templates WHERE id = ?", "I", *id);
	db_get_text(r->db, name, "SELECT name FROM check_templates WHERE id = ?", "I", *id);
	return 0;
}

static const char *version_title(struct req *r, const char *name, int64_t version)
{
	return arena_printf(&r->arena, "%s · %s v%lld", name ? name : "", T(r, "check.new_version"), (long long)version + 1);
}

int check_template_edit_page(struct req *r)
{
	int64_t id, version = 0;
	char *name = NULL;
	if (template_admit(r, &id, &version, &name))
		return 0;
	int64_t rs = 0;
	db_get_i64(r->db, &rs, "SELECT require_scan FROM check_templates WHERE id = ?", "I", id);
	const char *stored[] = {rs ? "1" : "0"};
	struct form f;
	form_init(r, &f, version_fields, stored, NULL);
	struct rows rw;
	rows_stored(r, id, version, &rw);
	const char *title = version_title(r, name, version);
	free(name);
	template_form(r, title, arena_printf(&r->arena, "/checks/templates/%lld/edit", (long long)id), &f, &rw);
	return 0;
}

int check_template_version_post(struct req *r)
{
	int64_t id, version = 0;
	char *name = NULL;
	if (template_admit(r, &id, &version, &name))
		return 0;
	const char *title = version_title(r, name, version);
	free(name);
	struct form f;
	struct rows rw = {0};
	int rowmap[ITEM_ROWS_MAX + ITEM_ROWS_BLANK] = {0};
	form_read(r, &f, version_fields, NULL, NULL);
	if (rows_read(r, &rw))
		form_err_set(r, &f.err, "item_1", "check.items", "check.err_items");
	json_t *items = form_failed(&f) ? NULL : rows_json(r, &rw, &f, rowmap);
	if (!form_failed(&f)) {
		const char *field = NULL, *key = NULL;
		int64_t v = check_template_version(r, id, !strcmp(form_get(&f, "require_scan")->text, "1"), items, &field, &key);
		json_decref(items);
		if (v > 0) {
			resp_redirect(r, arena_printf(&r->arena, "/checks/templates/%lld", (long long)id));
			return 0;
		}
		if (!strcmp(key, "error.unavailable")) {
			form_unavailable(r);
			return 0;
		}
		store_error(r, &f, field, key, rowmap);
	} else {
		json_decref(items);
	}
	r->status = FORM_STATUS_INVALID;
	template_form(r, title, arena_printf(&r->arena, "/checks/templates/%lld/edit", (long long)id), &f, &rw);
	return 0;
}

/* ---------------- round plans ---------------- */

static void template_opts(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT t.id, t.name FROM check_templates t LEFT JOIN units un ON un.id = t.unit_id"
					  " WHERE t.active = 1 AND (t.unit_id IS NULL OR un.path LIKE ?) ORDER BY t.name LIMIT 1000", "t",
					  auth_company_pattern(r)), selected);
}

static const struct form_field plan_fields[] = {
	{"name", "check.plan", FORM_TEXT, FORM_REQUIRED, .max = 100},
	{"unit_id", "check.unit", FORM_ID, FORM_REQUIRED, .options = form_opts_scope_units},
	{"template_id", "check.template", FORM_ID, FORM_REQUIRED, .options = template_opts},
	{"position_id", "check.position", FORM_ID, 0, .options = form_opts_positions, .empty = "—"},
	{"user_id", "check.person", FORM_ID, 0, .options = form_opts_scope_users, .empty = "—"},
	{"shift_start", "check.shift_start", FORM_TEXT, FORM_REQUIRED, .max = 5, .attrs = " placeholder=\"08:00\""},
	{"shift_end", "check.shift_end", FORM_TEXT, FORM_REQUIRED, .max = 5, .attrs = " placeholder=\"20:00\""},
	{"every_min", "check.every_min", FORM_NUMBER, FORM_REQUIRED, .lo = 15, .hi = 1440, .attrs = " inputmode=\"numeric\""},
	{0},
};

/* "HH:MM" as minutes of the day (24:00 only as an end): 0, else -1. */
static int hhmm(const char *s, int end, int64_t *out)
{
	int h, m;
	char tail;
	if (sscanf(s, "%d:%d%c", &h, &m, &tail) != 2 || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && (m || !end)))
		return -1;
	*out = h * 60 + m;
	return 0;
}

static void plan_form(struct req *r, const struct form *f, const char **route, size_t nroute)
{
	page_begin(r, T(r, "check.new_plan"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", T(r, "check.new_plan"));
	if (f->err.field)
		page_notice(r, "error", f->err.msg);
	html_printf(&r->out, "<form method=\"post\" action=\"/checks/plans\" class=\"stack\" id=\"plan-form\">%r", page_csrf(r));
	form_render_fields(r, f);
	html_printf(&r->out, "<h2>%s</h2><p class=\"hint\">%s</p>", T(r, "check.route"), T(r, "check.route_hint"));
	for (size_t i = 0; i < ROUTE_ROWS; i++) {
		int64_t sel = 0;
		if (i < nroute && route[i] && *route[i])
			text_parse_i64(route[i], &sel);
		html_printf(&r->out, "<label>%s %d<select name=\"points\"><option value=\"\">—</option>", T(r, "check.point"), (int)i + 1);
		struct db_stmt *st = db_query(r->db, "SELECT p.id, p.name FROM check_points p JOIN units un ON un.id = p.unit_id"
					    " WHERE p.active = 1 AND un.path LIKE ? ORDER BY p.name LIMIT 1000", "t", auth_scope_pattern(r));
		while (st && db_step(st) == 1)
			html_printf(&r->out, "<option value=\"%D\"%r>%s</option>", db_col_i64(st, 0),
				    db_col_i64(st, 0) == sel ? " selected" : "", db_col_text(st, 1));
		db_done(r->db, st);
		html_printf(&r->out, "</select></label>");
	}
	form_field_error(r, &f->err, "points");
	html_printf(&r->out, "<button type=\"submit\">%s</button></form><p><a href=\"/checks/plans\">%s</a></p></section>",
		    T(r, "form.save"), T(r, "check.plans"));
	page_end(r);
}

int check_plan_new_page(struct req *r)
{
	struct form f;
	form_init(r, &f, plan_fields, NULL, NULL);
	plan_form(r, &f, NULL, 0);
	return 0;
}

int check_plan_create_post(struct req *r)
{
	struct form f;
	form_read(r, &f, plan_fields, NULL, NULL);
	size_t nroute = 0;
	const char **route = req_field_list(r, "points", &nroute);
	int64_t ss = 0, se = 0, n = 0, pts[ROUTE_ROWS];
	size_t npts = 0;
	int64_t unit = form_get(&f, "unit_id")->id, tmpl = form_get(&f, "template_id")->id;
	int64_t pos = form_get(&f, "position_id")->id, user = form_get(&f, "user_id")->id;
	if (!form_failed(&f) && !auth_scope_allows(r, unit, -1))
		form_fail(r, &f, "unit_id", "form.err_choice");
	if (!form_failed(&f) && (db_get_i64(r->db, &n, "SELECT count(*) FROM check_templates t LEFT JOIN units un ON un.id = t.unit_id"
						   " WHERE t.id = ? AND t.active = 1 AND (t.unit_id IS NULL OR un.path LIKE ?)", "It", tmpl,
						   auth_company_pattern(r)) != 1 || !n))
		form_fail(r, &f, "template_id", "form.err_choice");
	if (!form_failed(&f) && pos && (db_get_i64(r->db, &n, "SELECT count(*) FROM positions WHERE id = ?", "I", pos) != 1 || !n))
		form_fail(r, &f, "position_id", "form.err_choice");
	if (!form_failed(&f) && user &&
	    (db_get_i64(r->db, &n, "SELECT count(*) FROM users us JOIN units un ON un.id = us.unit_id WHERE us.id = ? AND us.active = 1"
				   " AND un.path LIKE ?", "It", user, auth_scope_pattern(r)) != 1 || !n))
		form_fail(r, &f, "user_id", "form.err_choice");
	if (!form_failed(&f) && !pos && !user)
		form_fail(r, &f, "position_id", "check.err_post_or_person");
	if (!form_failed(&f) && hhmm(form_get(&f, "shift_start")->text, 0, &ss))
		form_fail(r, &f, "shift_start", "check.err_time");
	if (!form_failed(&f) && hhmm(form_get(&f, "shift_end")->text, 1, &se))
		form_fail(r, &f, "shift_end", "check.err_time");
	for (size_t i = 0; !form_failed(&f) && i < nroute; i++) {
		int64_t pid = 0, pu = 0;
		if (!route[i] || !*route[i])
			continue;
		if (npts >= ROUTE_ROWS || text_parse_i64(route[i], &pid) ||
		    db_get_i64(r->db, &pu, "SELECT unit_id FROM check_points WHERE id = ? AND active = 1", "I", pid) != 1 ||
		    !auth_scope_allows(r, pu, -1))
			form_fail(r, &f, "points", "form.err_choice");
		else
			pts[npts++] = pid;
	}
	if (!form_failed(&f) && !npts)
		form_err_set(r, &f.err, "points", "check.route", "check.err_points");
	if (form_failed(&f)) {
		r->status = FORM_STATUS_INVALID;
		plan_form(r, &f, route, nroute);
		return 0;
	}
	if (check_plan_insert(r, form_get(&f, "name")->text, unit, tmpl, pos, user, ss, se, (int64_t)form_get(&f, "every_min")->num, pts,
			      npts) < 0) {
		form_unavailable(r);
		return 0;
	}
	resp_redirect(r, "/checks/plans");
	return 0;
}
