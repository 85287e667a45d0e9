/*
 * train_admin.c — what HR and the safety department manage (train.manage): the courses, who
 * must take them (requirements as data), and the exams drawn from their banks. The pages and
 * the API are web/entity.c's; this file declares each record's fields, checks and storage.
 * A course's materials and its question bank live on the course's own page
 * (train_material.c, train_import.c), linked from here.
 */
#include "train/train.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

static const char *num(struct req *r, int64_t v)
{
	return arena_printf(&r->arena, "%lld", (long long)v);
}

static void course_options(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT id, name, code FROM train_courses WHERE active = 1 OR id = ?"
				    " ORDER BY code", "I", selected), selected);
}

static int course_usable(struct req *r, int64_t id)
{
	int64_t n = 0;
	db_get_i64(r->db, &n, "SELECT count(*) FROM train_courses WHERE id = ? AND active = 1", "I", id);
	return n > 0;
}

/* ---- courses ---- */

/* the permit roles and operations a course may qualify for (permit_types.c, and the two
 * roles every permit names) */
static const char *const permit_roles[] = {"guardian", "gas_analyst", "hot_work", "confined_space", "blind_plate",
					   "height", "lifting", "temp_power", "excavation", "road_closure", NULL};

struct course_row {
	int64_t id;
	const char *code, *name, *role, *cert;
	int hours, renew, active;
};

enum { K_CODE, K_NAME, K_HOURS, K_RENEW, K_ROLE, K_CERT };
static const struct form_field course_fields[] = {
	{"code", "train.code", FORM_TEXT, FORM_REQUIRED, .max = 32},
	{"name", "train.course", FORM_TEXT, FORM_REQUIRED, .max = 64},
	{"hours", "train.course_hours", FORM_NUMBER, FORM_REQUIRED, .lo = 1, .hi = 200},
	{"renew_months", "train.renew_months", FORM_NUMBER, 0, .lo = 0, .hi = 120},
	{"permit_role", "train.permit_role", FORM_CHOICE, 0, .choices = permit_roles, .choice_prefix = "train.role."},
	{"cert_category", "train.cert_category", FORM_TEXT, 0, .max = 32},
	{0},
};

#define COURSE_COLS "id, code, name, hours, renew_months, COALESCE(permit_role, ''), COALESCE(cert_category, ''), active"

static void course_from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct course_row *k = row;
	k->id = db_col_i64(st, 0);
	k->code = arena_strdup(&r->arena, db_col_text(st, 1));
	k->name = arena_strdup(&r->arena, db_col_text(st, 2));
	k->hours = (int)db_col_i64(st, 3);
	k->renew = (int)db_col_i64(st, 4);
	k->role = arena_strdup(&r->arena, db_col_text(st, 5));
	k->cert = arena_strdup(&r->arena, db_col_text(st, 6));
	k->active = (int)db_col_i64(st, 7);
}

static int course_load(struct req *r, int64_t id, void *row)
{
	/* courses are the plant's: no data scope (the pattern is bound and ignored) */
	return entity_load_scoped(r, "SELECT " COURSE_COLS " FROM train_courses WHERE id = ? AND ? IS NOT NULL", id,
				  course_from_row, row);
}

static void course_values(struct req *r, const void *row, const char **t)
{
	const struct course_row *k = row;
	t[K_CODE] = k->code;
	t[K_NAME] = k->name;
	t[K_HOURS] = num(r, k->hours);
	t[K_RENEW] = num(r, k->renew);
	t[K_ROLE] = k->role;
	t[K_CERT] = k->cert;
}

static const char *course_title(const void *row)
{
	return ((const struct course_row *)row)->name;
}

static int course_active(const void *row)
{
	return ((const struct course_row *)row)->active;
}

static void course_check(struct req *r, const void *cur, struct form *f)
{
	const struct course_row *k = cur;
	int64_t n = 0;
	db_get_i64(r->db, &n, "SELECT count(*) FROM train_courses WHERE code = ? AND id <> ?", "tI", f->v[K_CODE].text,
		   k ? k->id : 0);
	if (n)
		form_fail(r, f, "code", "train.err.code_taken");
}

static const char *opt_text(const struct form *f, int i)
{
	return f->v[i].present ? f->v[i].text : NULL;
}

static int64_t course_store(struct req *r, const void *cur, const struct form *f)
{
	const struct course_row *k = cur;
	int64_t hours = (int64_t)f->v[K_HOURS].num, renew = (int64_t)f->v[K_RENEW].num;
	if (k)
		return db_exec(r->db, "UPDATE train_courses SET code = ?, name = ?, hours = ?, renew_months = ?,"
			       " permit_role = ?, cert_category = ? WHERE id = ?", "ttIIttI", f->v[K_CODE].text,
			       f->v[K_NAME].text, hours, renew, opt_text(f, K_ROLE), opt_text(f, K_CERT), k->id) == DB_OK
			? k->id : -1;
	if (db_exec(r->db, "INSERT INTO train_courses (code, name, hours, renew_months, permit_role, cert_category,"
		    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", "ttIIttI", f->v[K_CODE].text, f->v[K_NAME].text, hours,
		    renew, opt_text(f, K_ROLE), opt_text(f, K_CERT), clock_now()) != DB_OK)
		return -1;
	return db_last_id(r->db);
}

static json_t *course_json(struct req *r, const void *row)
{
	(void)r;
	const struct course_row *k = row;
	return json_pack("{s:I, s:s, s:s, s:i, s:i, s:s?, s:s?, s:b}", "id", (json_int_t)k->id, "code", k->code, "name",
			 k->name, "hours", k->hours, "renew_months", k->renew, "permit_role", *k->role ? k->role : NULL,
			 "cert_category", *k->cert ? k->cert : NULL, "active", k->active);
}

static struct db_stmt *course_list(struct req *r)
{
	return db_query(r->db, "SELECT " COURSE_COLS " FROM train_courses ORDER BY active DESC, code LIMIT 500", "");
}

static void course_list_html(struct req *r)
{
	html_printf(&r->out, "<div class=\"table-wrap\"><table class=\"train-admin\"><thead><tr><th>%s</th><th>%s</th>"
		    "<th>%s</th><th>%s</th></tr></thead><tbody>", T(r, "train.course"), T(r, "train.code"),
		    T(r, "train.course_hours"), T(r, "train.renew_months"));
	struct db_stmt *st = course_list(r);
	while (st && db_step(st) == 1) {
		struct course_row k;
		course_from_row(r, st, &k);
		html_printf(&r->out, "<tr><td><a href=\"/train/admin/courses/%D\">%s</a>", k.id, k.name);
		if (!k.active)
			html_printf(&r->out, " <span class=\"badge bad\">%s</span>", T(r, "org.inactive"));
		html_printf(&r->out, "</td><td>%s</td><td>%d</td><td>%d</td></tr>", k.code, k.hours, k.renew);
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div>");
}

static int course_list_json(struct req *r, json_t *items)
{
	struct course_row k;
	return entity_json_rows(r, course_list(r), course_from_row, &k, course_json, items);
}

static void course_tail(struct req *r, const void *row)
{
	const struct course_row *k = row;
	int64_t q = 0;
	db_get_i64(r->db, &q, "SELECT count(*) FROM train_questions WHERE course_id = ? AND active = 1", "I", k->id);
	html_printf(&r->out, "<p><a class=\"button\" href=\"/train/courses/%D\">%s · %D %s</a></p>", k->id,
		    T(r, "train.course_page"), q, T(r, "train.questions"));
}

const struct entity train_course_entity = {
	.name = "train_course", .path = "/train/admin/courses", .edit_perm = "train.manage",
	.list_title = "train.admin.courses", .new_title = "train.admin.course_new", .hint = NULL,
	.fields = course_fields, .row_size = sizeof(struct course_row), .flags = ENTITY_SHOW_CREATED,
	.load = course_load, .values = course_values, .title = course_title, .active = course_active,
	.check = course_check, .store = course_store,
	.deactivate_sql = "UPDATE train_courses SET active = 0 WHERE id = ?", .json = course_json,
	.list_html = course_list_html, .list_json = course_list_json, .show_tail = course_tail,
	.api_path = "/api/v1/train/courses",
};

ENTITY_HANDLERS(train_course_entity, train_courses_admin_page, train_course_new_page, train_course_create_post,
		train_course_edit_page, train_course_update_post, train_course_deactivate_post, train_api_courses,
		train_api_course, train_api_course_create, train_api_course_update, train_api_course_deactivate)

/* ---- requirements ---- */

static const char *const applies_kinds[] = {"all", "position", "contractor", "new_hire", "transfer", "return", NULL};

struct req_row {
	int64_t id, course_id, position_id;
	const char *course, *applies, *position;
	int within, active;
};

enum { Q_COURSE, Q_APPLIES, Q_POSITION, Q_WITHIN };
static const struct form_field req_fields[] = {
	{"course_id", "train.course", FORM_ID, FORM_REQUIRED, .options = course_options},
	{"applies", "train.applies", FORM_CHOICE, FORM_REQUIRED, .choices = applies_kinds,
	 .choice_prefix = "train.applies."},
	{"position_id", "train.position", FORM_ID, 0, .options = form_opts_positions, .empty = "—"},
	{"within_days", "train.within_days", FORM_NUMBER, 0, .lo = 0, .hi = 3650},
	{0},
};

#define REQ_COLS "q.id, q.course_id, c.name, q.applies, COALESCE(q.position_id, 0), COALESCE(p.name, ''), q.within_days, q.active"
#define REQ_FROM " FROM train_requirements q JOIN train_courses c ON c.id = q.course_id" \
	" LEFT JOIN positions p ON p.id = q.position_id"

static void req_from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct req_row *q = row;
	q->id = db_col_i64(st, 0);
	q->course_id = db_col_i64(st, 1);
	q->course = arena_strdup(&r->arena, db_col_text(st, 2));
	q->applies = arena_strdup(&r->arena, db_col_text(st, 3));
	q->position_id = db_col_i64(st, 4);
	q->position = arena_strdup(&r->arena, db_col_text(st, 5));
	q->within = (int)db_col_i64(st, 6);
	q->active = (int)db_col_i64(st, 7);
}

static int req_load(struct req *r, int64_t id, void *row)
{
	return entity_load_scoped(r, "SELECT " REQ_COLS REQ_FROM " WHERE q.id = ? AND ? IS NOT NULL", id, req_from_row, row);
}

static void req_values(struct req *r, const void *row, const char **t)
{
	const struct req_row *q = row;
	t[Q_COURSE] = num(r, q->course_id);
	t[Q_APPLIES] = q->applies;
	t[Q_POSITION] = entity_id_text(r, q->position_id);
	t[Q_WITHIN] = num(r, q->within);
}

static const char *req_title(const void *row)
{
	return ((const struct req_row *)row)->course;
}

static int req_active(const void *row)
{
	return ((const struct req_row *)row)->active;
}

static void req_check(struct req *r, const void *cur, struct form *f)
{
	(void)cur;
	if (!course_usable(r, f->v[Q_COURSE].id))
		form_fail(r, f, "course_id", "form.err_choice");
	int position = !strcmp(f->v[Q_APPLIES].text, "position");
	int64_t n = 0;
	if (position && f->v[Q_POSITION].id)
		db_get_i64(r->db, &n, "SELECT count(*) FROM positions WHERE id = ?", "I", f->v[Q_POSITION].id);
	if (position && !n)
		form_fail(r, f, "position_id", "train.err.position_needed");
	if (!position && f->v[Q_POSITION].id)
		form_fail(r, f, "position_id", "train.err.position_only");
}

static int64_t req_store(struct req *r, const void *cur, const struct form *f)
{
	const struct req_row *q = cur;
	int64_t pos = f->v[Q_POSITION].id, within = (int64_t)f->v[Q_WITHIN].num;
	if (q)
		return db_exec(r->db, "UPDATE train_requirements SET course_id = ?, applies = ?, position_id = NULLIF(?, 0),"
			       " within_days = ? WHERE id = ?", "ItIII", f->v[Q_COURSE].id, f->v[Q_APPLIES].text, pos, within,
			       q->id) == DB_OK ? q->id : -1;
	if (db_exec(r->db, "INSERT INTO train_requirements (course_id, applies, position_id, within_days, created_at)"
		    " VALUES (?, ?, NULLIF(?, 0), ?, ?)", "ItIII", f->v[Q_COURSE].id, f->v[Q_APPLIES].text, pos, within,
		    clock_now()) != DB_OK)
		return -1;
	return db_last_id(r->db);
}

static json_t *req_json(struct req *r, const void *row)
{
	(void)r;
	const struct req_row *q = row;
	return json_pack("{s:I, s:I, s:s, s:s, s:o, s:s, s:i, s:b}", "id", (json_int_t)q->id, "course_id",
			 (json_int_t)q->course_id, "course", q->course, "applies", q->applies, "position_id",
			 entity_id_json(q->position_id), "position", q->position, "within_days", q->within, "active", q->active);
}

static struct db_stmt *req_list(struct req *r)
{
	return db_query(r->db, "SELECT " REQ_COLS REQ_FROM " ORDER BY q.active DESC, c.code, q.id LIMIT 500", "");
}

static void req_list_html(struct req *r)
{
	html_printf(&r->out, "<div class=\"table-wrap\"><table class=\"train-admin\"><thead><tr><th>%s</th><th>%s</th>"
		    "<th>%s</th></tr></thead><tbody>", T(r, "train.course"), T(r, "train.applies"), T(r, "train.within_days"));
	struct db_stmt *st = req_list(r);
	while (st && db_step(st) == 1) {
		struct req_row q;
		req_from_row(r, st, &q);
		html_printf(&r->out, "<tr><td><a href=\"/train/admin/requirements/%D\">%s</a>", q.id, q.course);
		if (!q.active)
			html_printf(&r->out, " <span class=\"badge bad\">%s</span>", T(r, "org.inactive"));
		html_printf(&r->out, "</td><td>%s %s</td><td>%d</td></tr>", T(r, arena_printf(&r->arena, "train.applies.%s", q.applies)), q.position,
			    q.within);
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div>");
}

static int req_list_json(struct req *r, json_t *items)
{
	struct req_row q;
	return entity_json_rows(r, req_list(r), req_from_row, &q, req_json, items);
}

const struct entity train_requirement_entity = {
	.name = "train_requirement", .path = "/train/admin/requirements", .edit_perm = "train.manage",
	.list_title = "train.admin.requirements", .new_title = "train.admin.requirement_new",
	.hint = "train.admin.requirement_hint",
	.fields = req_fields, .row_size = sizeof(struct req_row), .flags = 0,
	.load = req_load, .values = req_values, .title = req_title, .active = req_active,
	.check = req_check, .store = req_store,
	.deactivate_sql = "UPDATE train_requirements SET active = 0 WHERE id = ?", .json = req_json,
	.list_html = req_list_html, .list_json = req_list_json,
	.api_path = "/api/v1/train/requirements",
};

ENTITY_HANDLERS(train_requirement_entity, train_requirements_page, train_requirement_new_page,
		train_requirement_create_post, train_requirement_edit_page, train_requirement_update_post,
		train_requirement_deactivate_post, train_api_requirements, train_api_requirement,
		train_api_requirement_create, train_api_requirement_update, train_api_requirement_deactivate)

/* ---- exams ---- */

struct exam_row {
	int64_t id, course_id;
	const char *course, *title, *category;
	int questions, minutes, pass_mark, max_attempts, dmin, dmax, active;
};

enum { X_COURSE, X_TITLE, X_QUESTIONS, X_MINUTES, X_PASS, X_MAX, X_CATEGORY, X_DMIN, X_DMAX };
static const struct form_field exam_fields[] = {
	{"course_id", "train.course", FORM_ID, FORM_REQUIRED, .options = course_options},
	{"title", "train.exam_title", FORM_TEXT, FORM_REQUIRED, .max = 64},
	{"questions", "train.questions", FORM_NUMBER, FORM_REQUIRED, .lo = 1, .hi = TRAIN_MAX_QUESTIONS},
	{"minutes", "train.minutes", FORM_NUMBER, FORM_REQUIRED, .lo = 1, .hi = 240},
	{"pass_mark", "train.pass_mark", FORM_NUMBER, FORM_REQUIRED, .lo = 1, .hi = 100},
	{"max_attempts", "train.max_attempts", FORM_NUMBER, FORM_REQUIRED, .lo = 1, .hi = 10},
	{"category", "train.category", FORM_TEXT, 0, .max = 32},
	{"difficulty_min", "train.difficulty_min", FORM_NUMBER, 0, .lo = 1, .hi = 3},
	{"difficulty_max", "train.difficulty_max", FORM_NUMBER, 0, .lo = 1, .hi = 3},
	{0},
};

#define EXAM_COLS "x.id, x.course_id, c.name, x.title, x.questions, x.minutes, x.pass_mark, x.max_attempts," \
	" COALESCE(x.category, ''), x.difficulty_min, x.difficulty_max, x.active"
#define EXAM_FROM " FROM train_exams x JOIN train_courses c ON c.id = x.course_id"

static void exam_from_row(struct req *r, struct db_stmt *st, void *row)
{
	struct exam_row *x = row;
	x->id = db_col_i64(st, 0);
	x->course_id = db_col_i64(st, 1);
	x->course = arena_strdup(&r->arena, db_col_text(st, 2));
	x->title = arena_strdup(&r->arena, db_col_text(st, 3));
	x->questions = (int)db_col_i64(st, 4);
	x->minutes = (int)db_col_i64(st, 5);
	x->pass_mark = (int)db_col_i64(st, 6);
	x->max_attempts = (int)db_col_i64(st, 7);
	x->category = arena_strdup(&r->arena, db_col_text(st, 8));
	x->dmin = (int)db_col_i64(st, 9);
	x->dmax = (int)db_col_i64(st, 10);
	x->active = (int)db_col_i64(st, 11);
}

static int exam_load(struct req *r, int64_t id, void *row)
{
	return entity_load_scoped(r, "SELECT " EXAM_COLS EXAM_FROM " WHERE x.id = ? AND ? IS NOT NULL", id, exam_from_row,
				  row);
}

static void exam_values(struct req *r, const void *row, const char **t)
{
	const struct exam_row *x = row;
	t[X_COURSE] = num(r, x->course_id);
	t[X_TITLE] = x->title;
	t[X_QUESTIONS] = num(r, x->questions);
	t[X_MINUTES] = num(r, x->minutes);
	t[X_PASS] = num(r, x->pass_mark);
	t[X_MAX] = num(r, x->max_attempts);
	t[X_CATEGORY] = x->category;
	t[X_DMIN] = num(r, x->dmin);
	t[X_DMAX] = num(r, x->dmax);
}

static void exam_defaults(struct req *r, const char **t)
{
	(void)r;
	t[X_QUESTIONS] = "10";
	t[X_MINUTES] = "20";
	t[X_PASS] = "80";
	t[X_MAX] = "3";
	t[X_DMIN] = "1";
	t[X_DMAX] = "3";
}

static const char *exam_title(const void *row)
{
	return ((const struct exam_row *)row)->title;
}

static int exam_active(const void *row)
{
	return ((const struct exam_row *)row)->active;
}

static int dmin_of(const struct form *f)
{
	return f->v[X_DMIN].present ? (int)f->v[X_DMIN].num : 1;
}
static int dmax_of(const struct form *f)
{
	return f->v[X_DMAX].present ? (int)f->v[X_DMAX].num : 3;
}

static void exam_check(struct req *r, const void *cur, struct form *f)
{
	(void)cur;
	if (!course_usable(r, f->v[X_COURSE].id))
		form_fail(r, f, "course_id", "form.err_choice");
	if (dmin_of(f) > dmax_of(f))
		form_fail(r, f, "difficulty_max", "train.err.difficulty_band");
}

static int64_t exam_store(struct req *r, const void *cur, const struct form *f)
{
	const struct exam_row *x = cur;
	int64_t v[4] = {(int64_t)f->v[X_QUESTIONS].num, (int64_t)f->v[X_MINUTES].num, (int64_t)f->v[X_PASS].num,
			(int64_t)f->v[X_MAX].num};
	const char *cat = opt_text(f, X_CATEGORY);
	if (x)
		return db_exec(r->db, "UPDATE train_exams SET course_id = ?, title = ?, questions = ?, minutes = ?, pass_mark = ?,"
			       " max_attempts = ?, category = ?, difficulty_min = ?, difficulty_max = ? WHERE id = ?",
			       "ItIIIItiiI", f->v[X_COURSE].id, f->v[X_TITLE].text, v[0], v[1], v[2], v[3], cat, dmin_of(f),
			       dmax_of(f), x->id) == DB_OK ? x->id : -1;
	if (db_exec(r->db, "INSERT INTO train_exams (course_id, title, questions, minutes, pass_mark, max_attempts, category,"
		    " difficulty_min, difficulty_max, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "ItIIIItiiI",
		    f->v[X_COURSE].id, f->v[X_TITLE].text, v[0], v[1], v[2], v[3], cat, dmin_of(f), dmax_of(f),
		    clock_now()) != DB_OK)
		return -1;
	return db_last_id(r->db);
}

static json_t *exam_json(struct req *r, const void *row)
{
	(void)r;
	const struct exam_row *x = row;
	return json_pack("{s:I, s:I, s:s, s:s, s:i, s:i, s:i, s:i, s:s?, s:i, s:i, s:b}", "id", (json_int_t)x->id,
			 "course_id", (json_int_t)x->course_id, "course", x->course, "title", x->title, "questions",
			 x->questions, "minutes", x->minutes, "pass_mark", x->pass_mark, "max_attempts", x->max_attempts,
			 "category", *x->category ? x->category : NULL, "difficulty_min", x->dmin, "difficulty_max", x->dmax,
			 "active", x->active);
}

static struct db_stmt *exam_list(struct req *r)
{
	return db_query(r->db, "SELECT " EXAM_COLS EXAM_FROM " ORDER BY x.active DESC, c.code, x.id LIMIT 500", "");
}

static void exam_list_html(struct req *r)
{
	html_printf(&r->out, "<div class=\"table-wrap\"><table class=\"train-admin\"><thead><tr><th>%s</th><th>%s</th>"
		    "<th>%s</th><th>%s</th></tr></thead><tbody>", T(r, "train.exam_title"), T(r, "train.course"),
		    T(r, "train.questions"), T(r, "train.pass_mark"));
	struct db_stmt *st = exam_list(r);
	while (st && db_step(st) == 1) {
		struct exam_row x;
		exam_from_row(r, st, &x);
		html_printf(&r->out, "<tr><td><a href=\"/train/admin/exams/%D\">%s</a>", x.id, x.title);
		if (!x.active)
			html_printf(&r->out, " <span class=\"badge bad\">%s</span>", T(r, "org.inactive"));
		html_printf(&r->out, "</td><td>%s</td><td>%d</td><td>%d</td></tr>", x.course, x.questions, x.pass_mark);
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div>");
}

static int exam_list_json(struct req *r, json_t *items)
{
	struct exam_row x;
	return entity_json_rows(r, exam_list(r), exam_from_row, &x, exam_json, items);
}

const struct entity train_exam_entity = {
	.name = "train_exam", .path = "/train/admin/exams", .edit_perm = "train.manage",
	.list_title = "train.admin.exams", .new_title = "train.admin.exam_new", .hint = "train.admin.exam_hint",
	.fields = exam_fields, .row_size = sizeof(struct exam_row), .flags = 0,
	.load = exam_load, .values = exam_values, .title = exam_title, .active = exam_active,
	.defaults = exam_defaults, .check = exam_check, .store = exam_store,
	.deactivate_sql = "UPDATE train_exams SET active = 0 WHERE id = ?", .json = exam_json,
	.list_html = exam_list_html, .list_json = exam_list_json,
	.api_path = "/api/v1/train/exams",
};

ENTITY_HANDLERS(train_exam_entity, train_exams_page, train_exam_new_page, train_exam_create_post, train_exam_edit_page,
		train_exam_update_post, train_exam_deactivate_post, train_api_exams, train_api_exam, train_api_exam_create,
		train_api_exam_update, train_api_exam_deactivate)
