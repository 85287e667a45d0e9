/*
 * train_web.c — the training pages and API: a worker's own page on the phone (my courses with
 * their state, my exams, my file), the exam page (answers saved on the server as they are
 * given, so a reload loses nothing), a person's training file, a unit's matrix of people ×
 * required courses coloured by state, and the same as JSON. Managers (train.view) see the
 * people of their data scope: HR and the safety department the plant, a team leader his team.
 */
#include "train/train.h"
#include "auth/actor.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/entity.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

/* an error page with its status (page_error leaves the status to the caller) */
static void fail_page(struct req *r, int status, const char *message, const char *field)
{
	r->status = status;
	page_error(r, status, message, field);
}

static const char *state_badge(enum train_state s)
{
	return s == TRAIN_OVERDUE ? "bad" : s == TRAIN_DUE ? "warn" : "ok";
}
static const char *state_key(enum train_state s)
{
	return s == TRAIN_OVERDUE ? "train.state.overdue" : s == TRAIN_DUE ? "train.state.due" : "train.state.complete";
}

static json_t *day_json(int64_t d)
{
	char b[16];
	return d == DAY_NONE ? json_null() : json_string(day_format(d, b));
}

int train_in_scope(struct req *r, int64_t person_id)
{
	struct db_stmt *st = db_query(r->db, "SELECT unit_id, COALESCE(user_id, 0) FROM persons WHERE id = ?", "I",
				      person_id);
	int ok = st && db_step(st) == 1 && auth_scope_allows(r, db_col_i64(st, 0), db_col_i64(st, 1));
	db_done(r->db, st);
	if (!ok) {
		if (r->is_api)
			resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		else
			fail_page(r, 404, T(r, "error.not_found"), NULL);
		return -1;
	}
	return 0;
}

/* ---- a person's file: requirements, records, sittings ---- */

static json_t *status_json(struct train_req_status *v, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_pack("{s:I, s:s, s:i, s:s, s:s, s:o, s:o}", "course_id",
			(json_int_t)v[i].course_id, "course", v[i].course, "hours", v[i].hours, "applies", v[i].applies,
			"state", train_state_code(v[i].state), "due", day_json(v[i].due), "done_on", day_json(v[i].done_on)));
	return a;
}

json_t *train_file_json(struct req *r, int64_t id)
{
	struct train_req_status *v;
	int n = train_person_status(r->db, id, day_of(clock_now()), &v);
	if (n < 0)
		return NULL;
	json_t *o = json_pack("{s:o}", "requirements", status_json(v, n));
	train_status_free(v, n);
	json_t *recs = json_array(), *atts = json_array();
	int64_t hours = 0;
	/* a class attended: the sign-in is the proof (when, and where: train_class.c) */
	struct db_stmt *st = db_query(r->db, "SELECT t.course_id, k.name, t.done_on, t.hours, t.source, g.signed_at, a.name"
		" FROM train_records t JOIN train_courses k ON k.id = t.course_id JOIN persons p ON p.id = t.person_id"
		" LEFT JOIN train_signins g ON g.record_id = t.id LEFT JOIN train_classes s ON s.id = t.class_id"
		" LEFT JOIN areas a ON a.id = s.area_id"
		" WHERE (p.id = ? OR p.user_id = ?) ORDER BY t.done_on DESC, t.id DESC LIMIT 500", "II", id, -id);
	while (st && db_step(st) == 1) {
		hours += db_col_i64(st, 3);
		json_t *rec = json_pack("{s:I, s:s, s:o, s:I, s:s}", "course_id", (json_int_t)db_col_i64(st, 0),
			"course", db_col_text(st, 1), "done_on", day_json(db_col_i64(st, 2)), "hours",
			(json_int_t)db_col_i64(st, 3), "source", db_col_text(st, 4));
		if (!db_col_null(st, 5)) {
			json_object_set_new(rec, "signed_at", json_integer(db_col_i64(st, 5)));
			json_object_set_new(rec, "place", json_string(db_col_text(st, 6)));
		}
		json_array_append_new(recs, rec);
	}
	db_done(r->db, st);
	st = db_query(r->db, "SELECT a.id, x.title, a.submitted_at, a.score, a.passed FROM train_attempts a"
		" JOIN train_exams x ON x.id = a.exam_id JOIN persons p ON p.id = a.person_id"
		" WHERE (p.id = ? OR p.user_id = ?) AND a.submitted_at > 0 ORDER BY a.submitted_at DESC, a.id DESC LIMIT 200",
		"II", id, -id);
	while (st && db_step(st) == 1)
		json_array_append_new(atts, json_pack("{s:I, s:s, s:o, s:I, s:b}", "id", (json_int_t)db_col_i64(st, 0),
			"exam", db_col_text(st, 1), "day", day_json(day_of(db_col_i64(st, 2))), "score",
			(json_int_t)db_col_i64(st, 3), "passed", (int)db_col_i64(st, 4)));
	db_done(r->db, st);
	json_object_set_new(o, "records", recs);
	json_object_set_new(o, "exams", atts);
	json_object_set_new(o, "hours", json_integer(hours));
	return o;
}

static void file_html(struct req *r, json_t *f)
{
	size_t i;
	json_t *x;
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2>", T(r, "train.requirements"));
	if (!json_array_size(json_object_get(f, "requirements")))
		html_printf(&r->out, "<p class=\"empty\">%s</p>", T(r, "train.none"));
	html_printf(&r->out, "<ul class=\"list train-reqs\">");
	json_array_foreach(json_object_get(f, "requirements"), i, x) {
		const char *s = json_string_value(json_object_get(x, "state"));
		enum train_state st = !strcmp(s, "overdue") ? TRAIN_OVERDUE : !strcmp(s, "due") ? TRAIN_DUE : TRAIN_COMPLETE;
		const char *due = json_string_value(json_object_get(x, "due"));
		html_printf(&r->out, "<li data-state=\"%s\"><strong>%s</strong> <span class=\"badge %s\">%s</span>"
			    " <span class=\"hint\">%d %s%s%s</span></li>", s,
			    json_string_value(json_object_get(x, "course")), state_badge(st), T(r, state_key(st)),
			    (int)json_integer_value(json_object_get(x, "hours")), T(r, "train.hours"), due ? " · " : "",
			    due ? due : "");
	}
	html_printf(&r->out, "</ul></section><section class=\"card\"><h2>%s · %D %s</h2><ul class=\"list train-records\">",
		    T(r, "train.records"), (int64_t)json_integer_value(json_object_get(f, "hours")), T(r, "train.hours"));
	json_array_foreach(json_object_get(f, "records"), i, x) {
		html_printf(&r->out, "<li>%s · %s · %D %s", json_string_value(json_object_get(x, "done_on")),
			    json_string_value(json_object_get(x, "course")),
			    (int64_t)json_integer_value(json_object_get(x, "hours")), T(r, "train.hours"));
		if (json_object_get(x, "signed_at"))
			html_printf(&r->out, " <span class=\"hint train-proof\">%s %s · %s</span>", T(r, "train.signed"),
				    page_time(r, json_integer_value(json_object_get(x, "signed_at"))),
				    json_string_value(json_object_get(x, "place")));
		html_printf(&r->out, "</li>");
	}
	html_printf(&r->out, "</ul></section><section class=\"card\"><h2>%s</h2><ul class=\"list train-exams-done\">",
		    T(r, "train.exam_results"));
	json_array_foreach(json_object_get(f, "exams"), i, x) {
		int ok = json_is_true(json_object_get(x, "passed"));
		html_printf(&r->out, "<li>%s · %s · %D <span class=\"badge %s\">%s</span></li>",
			    json_string_value(json_object_get(x, "day")), json_string_value(json_object_get(x, "exam")),
			    (int64_t)json_integer_value(json_object_get(x, "score")), ok ? "ok" : "bad",
			    T(r, ok ? "train.passed" : "train.failed"));
	}
	html_printf(&r->out, "</ul></section>");
}

/* ---- my page ---- */

static int64_t me(struct req *r)
{
	return -r->who->user_id;
}

static void exams_html(struct req *r)
{
	int64_t pid = 0;
	db_get_i64(r->db, &pid, "SELECT id FROM persons WHERE user_id = ?", "I", r->who->user_id);
	struct db_stmt *st = db_query(r->db,
		"SELECT x.id, x.title, x.questions, x.minutes, x.pass_mark, x.max_attempts,"
		" (SELECT count(*) FROM train_attempts a WHERE a.exam_id = x.id AND a.person_id = ?),"
		" (SELECT count(*) FROM train_attempts a WHERE a.exam_id = x.id AND a.person_id = ? AND a.passed = 1)"
		" FROM train_exams x WHERE x.active = 1 ORDER BY x.id LIMIT 100", "II", pid, pid);
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><ul class=\"list train-exams\">", T(r, "train.my_exams"));
	while (st && db_step(st) == 1) {
		int64_t used = db_col_i64(st, 6), max = db_col_i64(st, 5);
		html_printf(&r->out, "<li><strong>%s</strong> <span class=\"hint\">%D %s · %D %s · %s %D · %D/%D</span>",
			    db_col_text(st, 1), db_col_i64(st, 2), T(r, "train.questions"), db_col_i64(st, 3),
			    T(r, "train.minutes"), T(r, "train.pass_mark"), db_col_i64(st, 4), used, max);
		if (db_col_i64(st, 7))
			html_printf(&r->out, " <span class=\"badge ok\">%s</span>", T(r, "train.passed"));
		else if (used < max)
			html_printf(&r->out, "<form method=\"post\" action=\"/train/exams/%D/start\" class=\"inline-form\">%r"
				    "<button class=\"primary\">%s</button></form>", db_col_i64(st, 0), page_csrf(r),
				    T(r, "train.start"));
		else
			html_printf(&r->out, " <span class=\"badge bad\">%s</span>", T(r, "train.err.no_attempts_left"));
		html_printf(&r->out, "</li>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul></section>");
}

/* the courses with their materials (train_material.c): a course's page plays its videos */
static void courses_html(struct req *r)
{
	struct db_stmt *st = db_query(r->db, "SELECT k.id, k.name, (SELECT count(*) FROM train_materials m"
		" WHERE m.course_id = k.id AND m.active = 1) FROM train_courses k WHERE k.active = 1 ORDER BY k.code LIMIT 100", "");
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><ul class=\"list train-courses\">", T(r, "train.courses"));
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li><a href=\"/train/courses/%D\">%s</a> <span class=\"hint\">%D</span></li>",
			    db_col_i64(st, 0), db_col_text(st, 1), db_col_i64(st, 2));
	db_done(r->db, st);
	html_printf(&r->out, "</ul></section>");
}

static int train_me_page(struct req *r)
{
	json_t *f = train_file_json(r, me(r));
	if (!f) {
		fail_page(r, 503, T(r, "error.unavailable"), NULL);
		return 0;
	}
	page_begin(r, T(r, "train.title"));
	html_printf(&r->out, "<div class=\"stack train-me\">");
	exams_html(r);
	courses_html(r);
	file_html(r, f);
	html_printf(&r->out, "<p><a class=\"button\" href=\"/train/file.pdf\">%s</a> <a class=\"button\""
		    " href=\"/train/file.xlsx\">%s</a></p>", T(r, "train.print"), T(r, "train.export_xlsx"));
	if (auth_has(r, "train.view"))
		html_printf(&r->out, "<p><a class=\"button\" href=\"/train/matrix\">%s</a>"
			    " <a class=\"button\" href=\"/train/classes\">%s</a></p>", T(r, "train.matrix"),
			    T(r, "train.classes"));
	if (auth_has(r, "train.manage"))
		html_printf(&r->out, "<p><a class=\"button\" href=\"/train/admin/courses\">%s</a>"
			    " <a class=\"button\" href=\"/train/admin/requirements\">%s</a>"
			    " <a class=\"button\" href=\"/train/admin/exams\">%s</a></p>", T(r, "train.admin.courses"),
			    T(r, "train.admin.requirements"), T(r, "train.admin.exams"));
	html_printf(&r->out, "</div>");
	json_decref(f);
	page_end(r);
	return 0;
}

static int train_api_me(struct req *r)
{
	json_t *f = train_file_json(r, me(r));
	if (!f) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_json(r, 200, f);
	return 0;
}

static int train_person_page(struct req *r)
{
	int64_t id;
	if (req_param_id(r, "id", &id)) {
		fail_page(r, 404, T(r, "error.not_found"), NULL);
		return 0;
	}
	if (train_in_scope(r, id))
		return 0;
	json_t *f = train_file_json(r, id);
	char *name = NULL;
	db_get_text(r->db, &name, "SELECT name FROM persons WHERE id = ?", "I", id);
	page_begin(r, T(r, "train.file"));
	html_printf(&r->out, "<h1>%s · %s</h1><p><a class=\"button\" href=\"/train/people/%D/file.pdf\">%s</a>"
		    " <a class=\"button\" href=\"/train/people/%D/file.xlsx\">%s</a></p><div class=\"stack\">",
		    name ? name : "", T(r, "train.file"), id, T(r, "train.print"), id, T(r, "train.export_xlsx"));
	if (f)
		file_html(r, f);
	html_printf(&r->out, "</div>");
	free(name);
	json_decref(f);
	page_end(r);
	return 0;
}

static int train_api_person(struct req *r)
{
	int64_t id;
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	if (train_in_scope(r, id))
		return 0;
	json_t *f = train_file_json(r, id);
	if (!f) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	json_object_set_new(f, "person_id", json_integer(id));
	resp_json(r, 200, f);
	return 0;
}

/* ---- the matrix: the people of the caller's scope × the courses required of any ---- */

#define MATRIX_MAX_PEOPLE 5000

static json_t *matrix_json(struct req *r)
{
	int64_t day = day_of(clock_now());
	json_t *people = json_array(), *courses = json_object();
	struct db_stmt *st = db_query(r->db,
		"SELECT p.id, p.name FROM persons p JOIN units u ON u.id = p.unit_id"
		" WHERE p.active = 1 AND u.path LIKE ? AND (? = 0 OR p.user_id = ?) ORDER BY u.path, p.name, p.id LIMIT ?",
		"tIIi", auth_scope_pattern(r), auth_scope_owner(r), auth_scope_owner(r), MATRIX_MAX_PEOPLE);
	int64_t *ids = NULL;
	int n = 0, cap = 0;
	while (st && db_step(st) == 1) {
		if (n == cap)
			ids = xrealloc(ids, (size_t)(cap = cap ? 2 * cap : 64) * sizeof *ids);
		ids[n++] = db_col_i64(st, 0);
		json_array_append_new(people, json_pack("{s:I, s:s, s:o}", "id", (json_int_t)db_col_i64(st, 0), "name",
			db_col_text(st, 1), "cells", json_object()));
	}
	db_done(r->db, st);
	for (int i = 0; i < n; i++) {
		struct train_req_status *v;
		int k = train_person_status(r->db, ids[i], day, &v);
		json_t *cells = json_object_get(json_array_get(people, (size_t)i), "cells");
		for (int j = 0; j < k; j++) {
			char key[24];
			snprintf(key, sizeof key, "%lld", (long long)v[j].course_id);
			json_object_set_new(cells, key, json_pack("{s:s, s:o}", "state", train_state_code(v[j].state), "due",
				day_json(v[j].due)));
			if (!json_object_get(courses, key))
				json_object_set_new(courses, key, json_string(v[j].course));
		}
		if (k > 0)
			train_status_free(v, k);
	}
	free(ids);
	return json_pack("{s:o, s:o}", "courses", courses, "people", people);
}

static int train_api_matrix(struct req *r)
{
	resp_json(r, 200, matrix_json(r));
	return 0;
}

static int train_matrix_page(struct req *r)
{
	json_t *m = matrix_json(r);
	page_begin(r, T(r, "train.matrix"));
	html_printf(&r->out, "<h1>%s</h1><p class=\"hint\"><span class=\"badge ok\">%s</span> <span class=\"badge warn\">%s"
		    "</span> <span class=\"badge bad\">%s</span></p><div class=\"table-wrap\"><table class=\"train-matrix\">"
		    "<thead><tr><th>%s</th>", T(r, "train.matrix"), T(r, "train.state.complete"), T(r, "train.state.due"),
		    T(r, "train.state.overdue"), T(r, "train.person"));
	const char *key;
	json_t *name;
	json_object_foreach(json_object_get(m, "courses"), key, name)
		html_printf(&r->out, "<th>%s</th>", json_string_value(name));
	html_printf(&r->out, "</tr></thead><tbody>");
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(m, "people"), i, p) {
		html_printf(&r->out, "<tr><th><a href=\"/train/people/%D\">%s</a></th>",
			    (int64_t)json_integer_value(json_object_get(p, "id")), json_string_value(json_object_get(p, "name")));
		json_object_foreach(json_object_get(m, "courses"), key, name) {
			json_t *c = json_object_get(json_object_get(p, "cells"), key);
			const char *s = c ? json_string_value(json_object_get(c, "state")) : NULL;
			if (!s) {
				html_printf(&r->out, "<td></td>");
				continue;
			}
			enum train_state e = !strcmp(s, "overdue") ? TRAIN_OVERDUE : !strcmp(s, "due") ? TRAIN_DUE : TRAIN_COMPLETE;
			const char *due = json_string_value(json_object_get(c, "due"));
			html_printf(&r->out, "<td class=\"cell-%s\"><span class=\"badge %s\">%s</span></td>", s, state_badge(e),
				    due ? due : T(r, state_key(e)));
		}
		html_printf(&r->out, "</tr>");
	}
	html_printf(&r->out, "</tbody></table></div>");
	json_decref(m);
	page_end(r);
	return 0;
}

/* ---- exams ---- */

static void answer_err(struct req *r, const struct train_err *e)
{
	if (r->is_api)
		resp_error(r, e->status, e->status == 409 ? "conflict" : e->status == 404 ? "not_found" : "invalid",
			   T(r, e->key), e->field);
	else
		fail_page(r, e->status, T(r, e->key), e->field);
}

static int start(struct req *r, int64_t *attempt)
{
	int64_t exam;
	struct train_err e = {404, "error.not_found", NULL};
	struct actor a;
	actor_from_req(r, &a);
	if (req_param_id(r, "id", &exam) || (*attempt = train_attempt_start(&a, exam, &e)) < 0) {
		answer_err(r, &e);
		return -1;
	}
	return 0;
}

static int train_api_start(struct req *r)
{
	int64_t id;
	if (start(r, &id))
		return 0;
	struct actor a;
	actor_from_req(r, &a);
	resp_json(r, 201, train_attempt_json(&a, id));
	return 0;
}

static int train_start_page(struct req *r)
{
	int64_t id;
	if (start(r, &id))
		return 0;
	char loc[64];
	snprintf(loc, sizeof loc, "/train/attempts/%lld", (long long)id);
	resp_redirect(r, loc);
	return 0;
}

static json_t *attempt_or_404(struct req *r, int64_t *id)
{
	struct actor a;
	actor_from_req(r, &a);
	json_t *o = req_param_id(r, "id", id) ? NULL : train_attempt_json(&a, *id);
	if (!o) {
		struct train_err e = {404, "error.not_found", NULL};
		answer_err(r, &e);
	}
	return o;
}

static int train_api_attempt(struct req *r)
{
	int64_t id;
	json_t *o = attempt_or_404(r, &id);
	if (o)
		resp_json(r, 200, o);
	return 0;
}

static int api_write(struct req *r, int submit)
{
	int64_t id;
	struct actor a;
	actor_from_req(r, &a);
	struct train_err e = {0};
	json_t *answers = r->json ? json_object_get(r->json, "answers") : NULL;
	if (req_param_id(r, "id", &id)) {
		e = (struct train_err){404, "error.not_found", NULL};
		answer_err(r, &e);
		return 0;
	}
	if (!submit && !answers) {
		e = (struct train_err){422, "train.err.answers", "answers"};
		answer_err(r, &e);
		return 0;
	}
	if ((submit ? train_attempt_submit(&a, id, answers, &e) : train_attempt_save(&a, id, answers, &e))) {
		answer_err(r, &e);
		return 0;
	}
	resp_json(r, 200, train_attempt_json(&a, id));
	return 0;
}
static int train_api_answers(struct req *r) { return api_write(r, 0); }
static int train_api_submit(struct req *r) { return api_write(r, 1); }

/* The exam page's answers: q<ID> for one choice, true/false and fill-in, q<ID>_<key> per box
 * of a multiple choice. */
static json_t *form_answers(struct req *r, json_t *att)
{
	json_t *out = json_object(), *q;
	size_t i;
	json_array_foreach(json_object_get(att, "questions"), i, q) {
		int64_t qid = json_integer_value(json_object_get(q, "id"));
		const char *kind = json_string_value(json_object_get(q, "kind"));
		char name[48], id[24];
		snprintf(id, sizeof id, "%lld", (long long)qid);
		snprintf(name, sizeof name, "q%lld", (long long)qid);
		if (!strcmp(kind, "multi")) {
			json_t *set = json_array(), *o;
			size_t k;
			json_array_foreach(json_object_get(q, "options"), k, o) {
				char n2[64];
				snprintf(n2, sizeof n2, "q%lld_%lld", (long long)qid, (long long)json_integer_value(json_object_get(o, "key")));
				if (req_form(r, n2))
					json_array_append_new(set, json_integer(json_integer_value(json_object_get(o, "key"))));
			}
			if (json_array_size(set))
				json_object_set_new(out, id, set);
			else
				json_decref(set);
			continue;
		}
		const char *v = req_form(r, name);
		if (!v || !*v)
			continue;
		if (!strcmp(kind, "fill"))
			json_object_set_new(out, id, json_string(v));
		else if (!strcmp(kind, "judge"))
			json_object_set_new(out, id, json_boolean(!strcmp(v, "1")));
		else
			json_object_set_new(out, id, json_integer(atoi(v)));
	}
	return out;
}

static void attempt_html(struct req *r, json_t *o, int64_t id)
{
	page_begin(r, json_string_value(json_object_get(o, "title")));
	html_printf(&r->out, "<h1>%s</h1>", json_string_value(json_object_get(o, "title")));
	if (json_is_true(json_object_get(o, "submitted"))) {
		int ok = json_is_true(json_object_get(o, "passed"));
		html_printf(&r->out, "<section class=\"card train-result\"><p class=\"train-score\">%s %D</p>"
			    "<p><span class=\"badge %s\">%s</span></p><p><a class=\"button\" href=\"/train\">%s</a></p></section>",
			    T(r, "train.score"), (int64_t)json_integer_value(json_object_get(o, "score")), ok ? "ok" : "bad",
			    T(r, ok ? "train.passed" : "train.failed"), T(r, "train.back"));
		page_end(r);
		return;
	}
	int64_t left = json_integer_value(json_object_get(o, "seconds_left"));
	html_printf(&r->out, "<p class=\"hint train-left\" data-deadline=\"%D\">%s %D %s</p>"
		    "<form method=\"post\" action=\"/train/attempts/%D\" class=\"stack train-paper\">%r",
		    (int64_t)json_integer_value(json_object_get(o, "deadline")), T(r, "train.time_left"),
		    (left + 59) / 60, T(r, "train.minutes"), id, page_csrf(r));
	size_t i;
	json_t *q;
	json_array_foreach(json_object_get(o, "questions"), i, q) {
		int64_t qid = json_integer_value(json_object_get(q, "id"));
		const char *kind = json_string_value(json_object_get(q, "kind"));
		json_t *given = json_object_get(q, "answer");
		html_printf(&r->out, "<fieldset class=\"card train-q\"><legend>%d. %s <span class=\"hint\">%s</span></legend>",
			    (int)i + 1, json_string_value(json_object_get(q, "stem")), T(r, !strcmp(kind, "multi") ? "train.kind.multi"
				: !strcmp(kind, "judge") ? "train.kind.judge" : !strcmp(kind, "fill") ? "train.kind.fill" : "train.kind.single"));
		if (!strcmp(kind, "fill")) {
			html_printf(&r->out, "<input name=\"q%D\" maxlength=\"%d\" value=\"%s\" aria-label=\"%s\">", qid,
				    TRAIN_MAX_ANSWER, json_is_string(given) ? json_string_value(given) : "", T(r, "train.kind.fill"));
		} else if (!strcmp(kind, "judge")) {
			for (int v = 1; v >= 0; v--)
				html_printf(&r->out, "<label class=\"train-choice\"><input type=\"radio\" name=\"q%D\" value=\"%d\"%s> %s</label>",
					    qid, v, json_is_boolean(given) && json_is_true(given) == v ? " checked" : "",
					    T(r, v ? "train.true" : "train.false"));
		} else {
			static const char *const letter[26] = {"A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L",
				"M", "N", "O", "P", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z"};
			size_t k;
			json_t *opt;
			json_array_foreach(json_object_get(q, "options"), k, opt) {
				int64_t key = json_integer_value(json_object_get(opt, "key"));
				int checked = 0;
				if (json_is_integer(given))
					checked = json_integer_value(given) == key;
				size_t g;
				json_t *gv;
				json_array_foreach(json_is_array(given) ? given : NULL, g, gv) checked |= json_integer_value(gv) == key;
				if (!strcmp(kind, "multi"))
					html_printf(&r->out, "<label class=\"train-choice\"><input type=\"checkbox\" name=\"q%D_%D\" value=\"1\"%s> %s. %s</label>",
						    qid, key, checked ? " checked" : "", letter[k % 26], json_string_value(json_object_get(opt, "text")));
				else
					html_printf(&r->out, "<label class=\"train-choice\"><input type=\"radio\" name=\"q%D\" value=\"%D\"%s> %s. %s</label>",
						    qid, key, checked ? " checked" : "", letter[k % 26], json_string_value(json_object_get(opt, "text")));
			}
		}
		html_printf(&r->out, "</fieldset>");
	}
	html_printf(&r->out, "<div class=\"train-actions\"><button name=\"do\" value=\"save\">%s</button>"
		    " <button class=\"primary\" name=\"do\" value=\"submit\">%s</button></div></form>",
		    T(r, "train.save"), T(r, "train.submit"));
	page_end(r);
}

static int train_attempt_page(struct req *r)
{
	int64_t id;
	json_t *o = attempt_or_404(r, &id);
	if (!o)
		return 0;
	attempt_html(r, o, id);
	json_decref(o);
	return 0;
}

static int train_attempt_post(struct req *r)
{
	int64_t id;
	json_t *o = attempt_or_404(r, &id);
	if (!o)
		return 0;
	json_t *ans = form_answers(r, o);
	json_decref(o);
	struct actor a;
	actor_from_req(r, &a);
	struct train_err e = {0};
	const char *what = req_form(r, "do");
	int submit = what && !strcmp(what, "submit");
	int rc = submit ? train_attempt_submit(&a, id, ans, &e) : train_attempt_save(&a, id, ans, &e);
	json_decref(ans);
	if (rc) {
		answer_err(r, &e);
		return 0;
	}
	char loc[64];
	snprintf(loc, sizeof loc, "/train/attempts/%lld", (long long)id);
	resp_redirect(r, loc);
	return 0;
}

/* ---- records entered by HR or the safety department (a class held, a course outside) ---- */

/* POST /api/v1/train/records {person_id, course_id, done_on?, hours?}: one completed course.
 * done_on defaults to today and may not lie in the future; hours default to the course's. */
static int train_api_record(struct req *r)
{
	json_t *b = r->json;
	json_t *pj = json_object_get(b, "person_id"), *cj = json_object_get(b, "course_id");
	json_t *dj = json_object_get(b, "done_on"), *hj = json_object_get(b, "hours");
	int64_t today = day_of(clock_now()), day = today, course_hours = 0;
	if (!json_is_integer(pj) || json_integer_value(pj) <= 0) {
		resp_error(r, 422, "invalid", T(r, "train.err.person"), "person_id");
		return 0;
	}
	if (!json_is_integer(cj) || db_get_i64(r->db, &course_hours, "SELECT hours FROM train_courses WHERE id = ? AND active = 1",
						  "I", (int64_t)json_integer_value(cj)) != 1) {
		resp_error(r, 422, "invalid", T(r, "train.err.course"), "course_id");
		return 0;
	}
	if (dj && !json_is_null(dj) && (!json_is_string(dj) || day_parse(json_string_value(dj), &day) || day > today)) {
		resp_error(r, 422, "invalid", T(r, "train.err.done_on"), "done_on");
		return 0;
	}
	if (hj && !json_is_null(hj) && (!json_is_integer(hj) || json_integer_value(hj) < 1 || json_integer_value(hj) > 200)) {
		resp_error(r, 422, "invalid", T(r, "train.err.hours"), "hours");
		return 0;
	}
	int64_t person = json_integer_value(pj), hours = hj && json_is_integer(hj) ? json_integer_value(hj) : course_hours;
	if (train_in_scope(r, person))
		return 0;
	char sum[96];
	snprintf(sum, sizeof sum, "course %lld, %lld h", (long long)json_integer_value(cj), (long long)hours);
	if (db_begin(r->db) != DB_OK ||
	    db_exec(r->db, "INSERT INTO train_records (person_id, course_id, done_on, hours, source, created_at)"
			   " VALUES (?, ?, ?, ?, 'entered', ?)", "IIIII", person, (int64_t)json_integer_value(cj), day, hours,
		    clock_now()) != DB_OK ||
	    audit_req(r, "train_record", db_last_id(r->db), "create", sum) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	json_t *f = train_file_json(r, person);
	resp_json(r, 201, f ? f : json_object());
	return 0;
}

const struct route train_routes[] = {
	{"GET", "/train", train_me_page, "train.take", 0, "My training: courses, exams, file"},
	{"GET", "/train/matrix", train_matrix_page, "train.view", 0, "A unit's training matrix"},
	{"GET", "/train/people/:id", train_person_page, "train.view", 0, "A person's training file"},
	{"POST", "/train/exams/:id/start", train_start_page, "train.take", 0, "Start or resume an exam"},
	{"GET", "/train/attempts/:id", train_attempt_page, "train.take", 0, "An exam sitting"},
	{"POST", "/train/attempts/:id", train_attempt_post, "train.take", 0, "Save or hand in an exam sitting"},
	{"GET", "/api/v1/train/me", train_api_me, "train.take", ROUTE_API, "My training status"},
	{"GET", "/api/v1/train/matrix", train_api_matrix, "train.view", ROUTE_API, "Training matrix of the caller's scope"},
	{"GET", "/api/v1/train/people/:id", train_api_person, "train.view", ROUTE_API, "A person's training file"},
	{"POST", "/api/v1/train/exams/:id/attempts", train_api_start, "train.take", ROUTE_API, "Start or resume an exam"},
	{"GET", "/api/v1/train/attempts/:id", train_api_attempt, "train.take", ROUTE_API, "An exam sitting"},
	{"POST", "/api/v1/train/attempts/:id/answers", train_api_answers, "train.take", ROUTE_API, "Save answers"},
	{"POST", "/api/v1/train/attempts/:id/submit", train_api_submit, "train.take", ROUTE_API, "Hand in the answer sheet"},
	{"POST", "/api/v1/train/records", train_api_record, "train.manage", ROUTE_API, "Record a completed course"},
	ENTITY_PAGE_ROUTES("/train/classes", "train.view", "train.view", "train.manage", "Class",
			   train_classes_page, train_class_new_page, train_class_create_post, train_class_edit_page,
			   train_class_update_post, train_class_deactivate_post),
	ENTITY_API_ROUTES("/api/v1/train/classes", "train.view", "train.manage", "Class",
			  train_api_classes, train_api_class, train_api_class_create, train_api_class_update,
			  train_api_class_deactivate),
	{"GET", "/train/courses/:id", train_course_page, "train.take", 0, "A course and its materials"},
	{"POST", "/train/courses/:id/materials", train_material_post, "train.manage", 0, "Upload a course material"},
	{"GET", "/train/materials/:id", train_material_get, "train.take", 0, "A material's file (Range supported)"},
	{"GET", "/api/v1/train/courses/:id/materials", train_api_materials, "train.take", ROUTE_API | ROUTE_PAGED,
	 "A course's materials"},
	{"POST", "/api/v1/train/courses/:id/materials", train_api_material_create, "train.manage", ROUTE_API,
	 "Upload a course material (multipart: kind, title, file)"},
	{"POST", "/train/courses/:id/questions/import", train_bank_import_post, "train.manage", 0,
	 "Import a question bank from XLSX/CSV (dry_run=1 checks only)"},
	{"POST", "/api/v1/train/courses/:id/questions/import", train_api_bank_import, "train.manage", ROUTE_API,
	 "Import a question bank (multipart file; dry_run=1): counts, errors by row and column"},
	ENTITY_PAGE_ROUTES("/train/admin/courses", "train.manage", "train.manage", "train.manage", "Course",
			   train_courses_admin_page, train_course_new_page, train_course_create_post, train_course_edit_page,
			   train_course_update_post, train_course_deactivate_post),
	ENTITY_API_ROUTES("/api/v1/train/courses", "train.manage", "train.manage", "Course", train_api_courses,
			  train_api_course, train_api_course_create, train_api_course_update, train_api_course_deactivate),
	ENTITY_PAGE_ROUTES("/train/admin/requirements", "train.manage", "train.manage", "train.manage", "Training requirement",
			   train_requirements_page, train_requirement_new_page, train_requirement_create_post,
			   train_requirement_edit_page, train_requirement_update_post, train_requirement_deactivate_post),
	ENTITY_API_ROUTES("/api/v1/train/requirements", "train.manage", "train.manage", "Training requirement",
			  train_api_requirements, train_api_requirement, train_api_requirement_create,
			  train_api_requirement_update, train_api_requirement_deactivate),
	ENTITY_PAGE_ROUTES("/train/admin/exams", "train.manage", "train.manage", "train.manage", "Exam", train_exams_page,
			   train_exam_new_page, train_exam_create_post, train_exam_edit_page, train_exam_update_post,
			   train_exam_deactivate_post),
	ENTITY_API_ROUTES("/api/v1/train/exams", "train.manage", "train.manage", "Exam", train_api_exams, train_api_exam,
			  train_api_exam_create, train_api_exam_update, train_api_exam_deactivate),
	{"GET", "/train/file.pdf", train_my_file_pdf, "train.take", 0, "My training file, A4 PDF"},
	{"GET", "/train/file.xlsx", train_my_file_xlsx, "train.take", 0, "My training file, XLSX"},
	{"GET", "/train/people/:id/file.pdf", train_file_pdf, "train.view", 0, "A person's training file, A4 PDF"},
	{"GET", "/train/people/:id/file.xlsx", train_file_xlsx, "train.view", 0, "A person's training file, XLSX"},
	{"POST", "/api/v1/train/courses/:id/study", train_api_study, "train.take", ROUTE_API,
	 "A heartbeat of the course page while it is visible (self-study time)"},
	{"GET", "/train/signin/:id", train_signin_page, "train.take", 0, "A class's sign-in (the QR's link)"},
	{"POST", "/train/signin/:id", train_signin_post, "train.take", 0, "Sign in to a class"},
	{"POST", "/api/v1/train/classes/:id/signin", train_api_signin, "train.take", ROUTE_API, "Sign in to a class"},
	{0},
};
