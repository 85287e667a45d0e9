/*
 * duty_eval_web.c — the monthly duty evaluation (履职评价): a person's month as a radar chart
 * and a table in which every counted figure links to the list of exactly the records behind
 * it (duty_measure_records); duties without a measure are declared by the person and
 * confirmed by the superior (or another evaluator of the person's scope, never the person);
 * the people of the caller's scope with their scores and the ranking of units by mean
 * fulfilment. Every figure is computed from the records on each request: there is no field
 * in which a score could be typed.
 */
#include "duty/duty.h"
#include "duty/duty_web.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/db.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ?month=YYYY-MM, else the current month */
static int month_arg(struct req *r)
{
	const char *s = req_query(r, "month");
	int m;
	if (s && *s) {
		if (!duty_month_parse(s, &m))
			return m;
		req_bad_param(r, "month");
	}
	return duty_month_of(clock_now());
}

static const char *month_text(struct req *r, int m)
{
	return arena_printf(&r->arena, "%04d-%02d", m / 100, m % 100);
}

static int is_superior(struct req *r, int64_t uid);

/* May the caller see this person's evaluation? Self always; others with duty.evaluate in scope. */
static int person_visible(struct req *r, int64_t uid)
{
	if (r->who && r->who->user_id == uid)
		return 1;
	return auth_has(r, "duty.evaluate") && duty_user_in_scope(r, uid);
}

static int person_arg(struct req *r, int64_t *uid)
{
	if (req_param_id(r, "user", uid) || !person_visible(r, *uid)) {
		duty_fail(r, 404, "error.not_found", NULL);
		return -1;
	}
	return 0;
}

static const char *measure_label(struct req *r, const char *m)
{
	return T(r, arena_printf(&r->arena, "duty.measure.%s", m));
}

/* "4 / 4", "92.3% / 95%" */
static const char *figure_text(struct req *r, const struct duty_line *l)
{
	char a[32], q[32];
	if (!duty_measure_known(l->measure))
		return T(r, l->confirmed ? "duty.confirmed" : l->declared ? "duty.declared" : "duty.not_declared");
	if (!strcmp(l->measure, "hazards")) {
		duty_fmt(q, sizeof q, l->fig.required);
		if (l->fig.no_data)
			return arena_printf(&r->arena, "%s / %s%%", T(r, "duty.none_due"), q);
		duty_fmt(a, sizeof a, l->fig.actual);
		return arena_printf(&r->arena, "%s%% / %s%%", a, q);
	}
	duty_fmt(a, sizeof a, l->fig.actual);
	duty_fmt(q, sizeof q, l->fig.required);
	return arena_printf(&r->arena, "%s / %s", a, q);
}

static void person_html(struct req *r, int64_t uid, int month)
{
	struct duty_line *v;
	int score;
	char *name = NULL;
	db_get_text(r->db, &name, "SELECT u.name || ' · ' || COALESCE(p.name, '') FROM users u LEFT JOIN positions p ON p.id = u.position_id"
		    " WHERE u.id = ?", "I", uid);
	int n = duty_eval_person(r->db, uid, month, clock_now(), &v, &score);
	const char *mt = month_text(r, month);
	html_printf(&r->out, "<section class=\"card duty-person\" data-user=\"%D\"><h2>%s · %s</h2>", uid, name ? name : "", mt);
	free(name);
	html_printf(&r->out, "<form method=\"get\" class=\"filters\"><label>%s<input type=\"month\" name=\"month\" value=\"%s\"></label>"
		    "<button>%s</button></form>", T(r, "duty.month"), mt, T(r, "duty.show"));
	if (n <= 0) {
		html_printf(&r->out, "<p class=\"empty\">%s</p></section>", T(r, n < 0 ? "error.unavailable" : "duty.no_list"));
		return;
	}
	html_printf(&r->out, "<p class=\"duty-score\">%s <strong>%d%%</strong></p>", T(r, "duty.score"), score);
	int64_t taken = month < duty_month_of(clock_now()) ? duty_snapshot_taken(r->db, month) : 0;
	if (taken)
		html_printf(&r->out, "<p class=\"hint duty-snapshot\">%s %s</p>", T(r, "duty.snapshot_hint"), page_time(r, taken));
	duty_radar_svg(&r->out, v, n);
	int self = r->who && r->who->user_id == uid;
	int confirmer = !self && is_superior(r, uid);
	html_printf(&r->out, "<table class=\"duty-lines\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "duty.item"), T(r, "duty.measure"), T(r, "duty.actual_target"), T(r, "duty.fulfil"));
	for (int i = 0; i < n; i++) {
		struct duty_line *l = &v[i];
		html_printf(&r->out, "<tr data-measure=\"%s\"><td>%s</td><td>%s</td><td>", l->measure, l->title,
			    measure_label(r, l->measure));
		if (duty_measure_known(l->measure))
			html_printf(&r->out, "<a class=\"duty-drill\" href=\"/duties/eval/%D/records?month=%s&amp;item=%D\">%s</a>", uid, mt,
				    l->item_id, figure_text(r, l));
		else {
			html_printf(&r->out, "%s", figure_text(r, l));
			if (self && !l->declared)
				html_printf(&r->out, "<form method=\"post\" action=\"/duties/eval/%D/declare\">%r<input type=\"hidden\" name=\"month\" value=\"%s\">"
					    "<input type=\"hidden\" name=\"item_id\" value=\"%D\"><button>%s</button></form>",
					    uid, page_csrf(r), mt, l->item_id, T(r, "duty.declare"));
			if (confirmer && l->declared && !l->confirmed)
				html_printf(&r->out, "<form method=\"post\" action=\"/duties/eval/%D/confirm\">%r<input type=\"hidden\" name=\"month\" value=\"%s\">"
					    "<input type=\"hidden\" name=\"item_id\" value=\"%D\"><button>%s</button></form>",
					    uid, page_csrf(r), mt, l->item_id, T(r, "duty.confirm"));
		}
		html_printf(&r->out, "</td><td>%d%%</td></tr>", l->fig.fulfil);
	}
	html_printf(&r->out, "</tbody></table></section>");
	duty_lines_free(v, n);
}

/* GET /duties: my own month, and the ways on */
int duty_home_page(struct req *r)
{
	int month = month_arg(r);
	page_begin(r, T(r, "nav.duties"));
	html_printf(&r->out, "<h1>%s</h1><nav class=\"duty-nav tiles\">", T(r, "nav.duties"));
	if (auth_has(r, "duty.evaluate"))
		html_printf(&r->out, "<a class=\"tile\" href=\"/duties/eval\">%s</a>", T(r, "duty.eval"));
	html_printf(&r->out, "<a class=\"tile\" href=\"/duties/lists\">%s</a><a class=\"tile\" href=\"/duties/letters\">%s</a>"
		    "<a class=\"tile\" href=\"/duties/meetings\">%s</a><a class=\"tile\" href=\"/duties/resolutions\">%s</a></nav>",
		    T(r, "duty.lists"), T(r, "duty.letters"), T(r, "duty.meetings"), T(r, "duty.my_resolutions"));
	person_html(r, r->who->user_id, month);
	/* the co-working groups I am in, newest first */
	struct db_stmt *st = db_query(r->db, "SELECT h.id, h.number, h.description FROM duty_group_members m JOIN hazards h ON h.id = m.hazard_id"
				      " WHERE m.user_id = ? ORDER BY m.created_at DESC, h.id DESC LIMIT 20", "I", r->who->user_id);
	int any = 0;
	while (st && db_step(st) == 1) {
		if (!any++)
			html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><ul class=\"list duty-groups\">", T(r, "duty.my_groups"));
		html_printf(&r->out, "<li><a href=\"/duties/hazards/%D\">%s %s</a></li>", db_col_i64(st, 0), db_col_text(st, 1), db_col_text(st, 2));
	}
	db_done(r->db, st);
	if (any)
		html_printf(&r->out, "</ul></section>");
	page_end(r);
	return 0;
}

/* GET /duties/eval/:user */
int duty_person_page(struct req *r)
{
	int64_t uid;
	if (person_arg(r, &uid))
		return 0;
	int month = month_arg(r);
	page_begin(r, T(r, "duty.eval"));
	html_printf(&r->out, "<h1>%s</h1>", T(r, "duty.eval"));
	person_html(r, uid, month);
	page_end(r);
	return 0;
}

/* The people of the caller's scope who have a duty list: (id, name, unit_id, unit, position) */
static struct db_stmt *scope_people(struct req *r)
{
	return db_query(r->db, "SELECT u.id, u.name, un.id, un.name, COALESCE(p.name, '') FROM users u JOIN units un ON un.id = u.unit_id"
		" LEFT JOIN positions p ON p.id = u.position_id WHERE u.active = 1 AND un.path LIKE ?1 AND (?2 = 0 OR u.id = ?2)"
		" AND EXISTS (SELECT 1 FROM duty_items i WHERE i.position_id = u.position_id AND i.active = 1)"
		" ORDER BY un.path, u.name, u.id LIMIT 500", "tI", auth_scope_pattern(r), auth_scope_owner(r));
}

struct person_score {
	int64_t id, unit_id;
	char *name, *unit, *position;
	int score, n;
};
struct unit_rank {
	int64_t unit_id;
	const char *unit;
	int people, sum;
};

/* Everyone of the scope with a score; *ranks: units by mean fulfilment, best first. */
static int scores(struct req *r, int month, struct person_score **out, struct unit_rank **ranks, int *nranks)
{
	struct db_stmt *st = scope_people(r);
	int n = 0, cap = 0;
	struct person_score *v = NULL;
	while (st && db_step(st) == 1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		v[n].id = db_col_i64(st, 0);
		v[n].name = arena_strdup(&r->arena, db_col_text(st, 1));
		v[n].unit_id = db_col_i64(st, 2);
		v[n].unit = arena_strdup(&r->arena, db_col_text(st, 3));
		v[n].position = arena_strdup(&r->arena, db_col_text(st, 4));
		n++;
	}
	db_done(r->db, st);
	int64_t now = clock_now();
	struct unit_rank *u = arena_alloc(&r->arena, sizeof *u * (size_t)(n + 1));
	int nu = 0;
	for (int i = 0; i < n; i++) {
		struct duty_line *l;
		v[i].n = duty_eval_person(r->db, v[i].id, month, now, &l, &v[i].score);
		if (v[i].n > 0)
			duty_lines_free(l, v[i].n);
		int k;
		for (k = 0; k < nu && u[k].unit_id != v[i].unit_id; k++)
			;
		if (k == nu) {
			u[nu].unit_id = v[i].unit_id;
			u[nu].unit = v[i].unit;
			nu++;
		}
		u[k].people++;
		u[k].sum += v[i].score;
	}
	/* best mean first; ties by name order of appearance (insertion sort keeps it stable) */
	for (int i = 1; i < nu; i++) {
		struct unit_rank x = u[i];
		int j = i;
		while (j > 0 && (int64_t)u[j - 1].sum * x.people < (int64_t)x.sum * u[j - 1].people) {
			u[j] = u[j - 1];
			j--;
		}
		u[j] = x;
	}
	*out = v;
	*ranks = u;
	*nranks = nu;
	return n;
}

/* GET /duties/eval (?month=) */
int duty_eval_page(struct req *r)
{
	int month = month_arg(r);
	struct person_score *v;
	struct unit_rank *u;
	int nu, n = scores(r, month, &v, &u, &nu);
	const char *mt = month_text(r, month);
	page_begin(r, T(r, "duty.eval"));
	html_printf(&r->out, "<h1>%s · %s</h1><form method=\"get\" class=\"filters\"><label>%s<input type=\"month\" name=\"month\" value=\"%s\">"
		    "</label><button>%s</button></form>", T(r, "duty.eval"), mt, T(r, "duty.month"), mt, T(r, "duty.show"));
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><ol class=\"duty-rank\">", T(r, "duty.ranking"));
	for (int i = 0; i < nu; i++)
		html_printf(&r->out, "<li data-unit=\"%D\">%s <strong>%d%%</strong> <span class=\"hint\">%d %s</span></li>", u[i].unit_id,
			    u[i].unit, u[i].people ? (u[i].sum + u[i].people / 2) / u[i].people : 0, u[i].people, T(r, "duty.people"));
	html_printf(&r->out, "</ol></section><table class=\"duty-people\"><thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "duty.person"), T(r, "duty.unit"), T(r, "duty.position"), T(r, "duty.score"));
	for (int i = 0; i < n; i++)
		html_printf(&r->out, "<tr><td><a href=\"/duties/eval/%D?month=%s\">%s</a></td><td>%s</td><td>%s</td><td>%d%%</td></tr>",
			    v[i].id, mt, v[i].name, v[i].unit, v[i].position, v[i].score);
	html_printf(&r->out, "</tbody></table>");
	free(v);
	page_end(r);
	return 0;
}

static int item_arg(struct req *r, int64_t uid, char *measure, size_t mlen, char **title)
{
	int64_t item = 0;
	struct db_stmt *st = NULL;
	int ok = req_query_id(r, "item", &item) == 1;
	if (ok) {
		st = db_query(r->db, "SELECT i.measure, i.title FROM duty_items i JOIN users u ON u.position_id = i.position_id"
			      " WHERE i.id = ? AND u.id = ?", "II", item, uid);
		ok = st && db_step(st) == 1 && duty_measure_known(db_col_text(st, 0));
		if (ok) {
			snprintf(measure, mlen, "%s", db_col_text(st, 0));
			*title = arena_strdup(&r->arena, db_col_text(st, 1));
		}
		db_done(r->db, st);
	}
	if (!ok) {
		duty_fail(r, 404, "error.not_found", "item");
		return -1;
	}
	return 0;
}

/* the page of one record behind a figure */
static const char *record_href(struct req *r, const char *measure, int64_t id, int64_t person)
{
	if (!strcmp(measure, "checks"))
		return arena_printf(&r->arena, "/checks/records/%lld", (long long)id);
	if (!strcmp(measure, "hazards"))
		return arena_printf(&r->arena, "/hazards/%lld", (long long)id);
	if (!strcmp(measure, "training"))
		return arena_printf(&r->arena, "/train/people/%lld", (long long)person);
	return arena_printf(&r->arena, "/duties/meetings/%lld", (long long)id);
}

/* GET /duties/eval/:user/records?month=&item= : exactly the records behind one figure */
int duty_records_page(struct req *r)
{
	int64_t uid, person = 0;
	char measure[16];
	char *title;
	if (person_arg(r, &uid) || item_arg(r, uid, measure, sizeof measure, &title))
		return 0;
	int month = month_arg(r);
	db_get_i64(r->db, &person, "SELECT id FROM persons WHERE user_id = ?", "I", uid);
	page_begin(r, title);
	html_printf(&r->out, "<h1>%s</h1><p class=\"hint\">%s · %s</p><ul class=\"list duty-records\" data-measure=\"%s\">", title,
		    measure_label(r, measure), month_text(r, month), measure);
	struct db_stmt *st = duty_measure_records(r->db, measure, uid, month, clock_now());
	int n = 0;
	while (st && db_step(st) == 1) {
		char d[16];
		int64_t at = db_col_i64(st, 2), day = db_col_i64(st, 4);
		const char *when = at ? page_time(r, at) : day_format(day, d);
		int ok = (int)db_col_i64(st, 3);
		html_printf(&r->out, "<li><a href=\"%s\">%s</a> <span class=\"hint\">%s</span>", record_href(r, measure, db_col_i64(st, 0), person),
			    db_col_text(st, 1), when);
		if (!strcmp(measure, "hazards"))
			html_printf(&r->out, " <span class=\"badge %s\">%s</span>", ok ? "ok" : "bad", T(r, ok ? "duty.on_time" : "duty.late"));
		html_printf(&r->out, "</li>");
		n++;
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul><p class=\"duty-count\">%s %d</p><p><a href=\"/duties/eval/%D?month=%s\">%s</a></p>", T(r, "duty.total"), n,
		    uid, month_text(r, month), T(r, "duty.back"));
	page_end(r);
	return 0;
}

/*
 * Who confirms a person's self-declared duty: their superior — the supervisor named on their
 * account, an evaluator placed in a unit above theirs (a workshop director for his teams), or
 * an evaluator of the whole plant (safety department, safety director, principal). Never the
 * person, nor a colleague of the same unit.
 */
static int is_superior(struct req *r, int64_t uid)
{
	int64_t sup = 0;
	char *path = NULL;
	if (!auth_has(r, "duty.evaluate") || !duty_user_in_scope(r, uid))
		return 0;
	struct db_stmt *st = db_query(r->db, "SELECT COALESCE(u.supervisor_id, 0), un.path FROM users u JOIN units un ON un.id = u.unit_id"
				      " WHERE u.id = ?", "I", uid);
	if (st && db_step(st) == 1) {
		sup = db_col_i64(st, 0);
		path = arena_strdup(&r->arena, db_col_text(st, 1));
	}
	db_done(r->db, st);
	if (sup == r->who->user_id || !strcmp(r->who->scope, "company"))
		return 1;
	size_t n = strlen(r->who->unit_path);
	return path && strlen(path) > n && !strncmp(path, r->who->unit_path, n);
}

/* declare (self) or confirm (the superior, not the person): {item_id, month} */
static int declaration(struct req *r, int confirm)
{
	int64_t uid, item = 0, one;
	int month;
	if (person_arg(r, &uid))
		return 0;
	int self = r->who->user_id == uid;
	if (confirm ? self || !is_superior(r, uid) : !self)
		return duty_fail(r, 403, "duty.err.not_yours", NULL), 0;
	const char *is = req_field(r, "item_id"), *ms = req_field(r, "month"), *note = req_field(r, "note");
	if (!is || text_parse_i64(is, &item) ||
	    db_get_i64(r->db, &one, "SELECT i.id FROM duty_items i JOIN users u ON u.position_id = i.position_id"
		       " WHERE i.id = ? AND u.id = ? AND i.measure = 'none' AND i.active = 1", "II", item, uid) != 1)
		return duty_fail(r, 422, "duty.err.item", "item_id"), 0;
	if (duty_month_parse(ms, &month) || month > duty_month_of(clock_now()))
		return duty_fail(r, 422, "duty.err.month", "month"), 0;
	if (note && utf8_chars(note) > DUTY_TEXT_MAX)
		return duty_fail(r, 422, "duty.err.text", "note"), 0;
	int64_t now = clock_now(), id = 0;
	if (db_begin(r->db) != DB_OK)
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	int rc;
	if (confirm)
		rc = db_exec(r->db, "UPDATE duty_declarations SET confirmed_by = ?, confirmed_at = ? WHERE user_id = ? AND item_id = ?"
				    " AND month = ? AND confirmed_at = 0", "IIIIi", r->who->user_id, now, uid, item, month);
	else
		rc = db_exec(r->db, "INSERT INTO duty_declarations (user_id, item_id, month, note, declared_at) VALUES (?, ?, ?, ?, ?)"
				    " ON CONFLICT (user_id, item_id, month) DO NOTHING", "IIitI", uid, item, month, note ? note : "", now);
	if (rc == DB_OK && db_changes(r->db) == 0) {
		db_rollback(r->db);
		return duty_fail(r, 409, confirm ? "duty.err.not_declared" : "duty.err.declared", "item_id"), 0;
	}
	char sum[96];
	snprintf(sum, sizeof sum, "user %lld, item %lld, %d", (long long)uid, (long long)item, month);
	if (rc != DB_OK ||
	    db_get_i64(r->db, &id, "SELECT id FROM duty_declarations WHERE user_id = ? AND item_id = ? AND month = ?", "IIi", uid, item, month) != 1 ||
	    audit_req(r, "duty_declaration", id, confirm ? "confirm" : "declare", sum) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	}
	if (r->is_api) {
		resp_json(r, 200, json_pack("{s:I, s:b, s:b}", "id", (json_int_t)id, "declared", 1, "confirmed", confirm));
		return 0;
	}
	resp_redirect(r, arena_printf(&r->arena, "/duties/eval/%lld?month=%04d-%02d", (long long)uid, month / 100, month % 100));
	return 0;
}
int duty_declare_post(struct req *r)
{
	return declaration(r, 0);
}
int duty_confirm_post(struct req *r)
{
	return declaration(r, 1);
}

/* ---- JSON ---- */

static json_t *lines_json(struct duty_line *v, int n)
{
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		struct duty_line *l = &v[i];
		int counted = duty_measure_known(l->measure);
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:s, s:f, s:o, s:o, s:I, s:b, s:i, s:b, s:b}", "item_id",
			(json_int_t)l->item_id, "title", l->title, "measure", l->measure, "frequency", l->frequency, "target", l->target,
			"actual", counted && !l->fig.no_data ? json_real(l->fig.actual) : json_null(),
			"required", counted ? json_real(l->fig.required) : json_null(), "records", (json_int_t)l->fig.rows,
			"no_data", l->fig.no_data, "fulfil", l->fig.fulfil, "declared", l->declared, "confirmed", l->confirmed));
	}
	return a;
}

/* GET /api/v1/duty/eval/:user?month= */
int duty_api_person(struct req *r)
{
	int64_t uid;
	if (person_arg(r, &uid))
		return 0;
	int month = month_arg(r), score;
	if (r->bad_param)
		return 0;
	struct duty_line *v;
	int n = duty_eval_person(r->db, uid, month, clock_now(), &v, &score);
	if (n < 0)
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	int64_t taken = month < duty_month_of(clock_now()) ? duty_snapshot_taken(r->db, month) : 0;
	resp_json(r, 200, json_pack("{s:I, s:s, s:i, s:o, s:I}", "user_id", (json_int_t)uid, "month", month_text(r, month), "score", score,
				    "items", lines_json(v, n), "snapshot_at", (json_int_t)taken));
	duty_lines_free(v, n);
	return 0;
}

/* GET /api/v1/duty/eval/:user/records?month=&item= */
int duty_api_records(struct req *r)
{
	int64_t uid;
	char measure[16];
	char *title;
	int page, per;
	if (person_arg(r, &uid) || item_arg(r, uid, measure, sizeof measure, &title))
		return 0;
	int month = month_arg(r);
	req_page(r, 100, &page, &per);
	if (r->bad_param)
		return 0;
	json_t *items = json_array();
	int64_t total = 0;
	struct db_stmt *st = duty_measure_records(r->db, measure, uid, month, clock_now());
	while (st && db_step(st) == 1) {
		if (total >= (int64_t)(page - 1) * per && total < (int64_t)page * per) {
			char d[16];
			int64_t day = db_col_i64(st, 4);
			json_array_append_new(items, json_pack("{s:I, s:s, s:I, s:o, s:b}", "id", (json_int_t)db_col_i64(st, 0), "label",
				db_col_text(st, 1), "at", (json_int_t)db_col_i64(st, 2), "day", day ? json_string(day_format(day, d)) : json_null(),
				"ok", (int)db_col_i64(st, 3)));
		}
		total++;
	}
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I, s:s}", "items", items, "page", page, "per_page", per, "total", (json_int_t)total,
				    "measure", measure));
	return 0;
}

/* GET /api/v1/duty/eval?month= : the people of the scope with their scores */
int duty_api_eval(struct req *r)
{
	int month = month_arg(r), page, per;
	req_page(r, 100, &page, &per);
	if (r->bad_param)
		return 0;
	struct person_score *v;
	struct unit_rank *u;
	int nu, n = scores(r, month, &v, &u, &nu);
	json_t *items = json_array();
	for (int i = (page - 1) * per; i < n && i < page * per; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:I, s:s, s:s, s:i, s:i}", "user_id", (json_int_t)v[i].id, "name",
			v[i].name, "unit_id", (json_int_t)v[i].unit_id, "unit", v[i].unit, "position", v[i].position, "score", v[i].score,
			"duties", v[i].n));
	free(v);
	resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:i, s:s}", "items", items, "page", page, "per_page", per, "total", n, "month",
				    month_text(r, month)));
	return 0;
}

/* GET /api/v1/duty/ranking?month= : units by mean fulfilment, best first */
int duty_api_ranking(struct req *r)
{
	int month = month_arg(r);
	if (r->bad_param)
		return 0;
	struct person_score *v;
	struct unit_rank *u;
	int nu;
	scores(r, month, &v, &u, &nu);
	free(v);
	json_t *a = json_array();
	for (int i = 0; i < nu; i++)
		json_array_append_new(a, json_pack("{s:i, s:I, s:s, s:i, s:i}", "rank", i + 1, "unit_id", (json_int_t)u[i].unit_id, "unit",
			u[i].unit, "people", u[i].people, "fulfil", u[i].people ? (u[i].sum + u[i].people / 2) / u[i].people : 0));
	resp_json(r, 200, json_pack("{s:s, s:o}", "month", month_text(r, month), "units", a));
	return 0;
}
