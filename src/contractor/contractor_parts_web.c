/*
 * contractor_parts_web.c — the parts of a contractor's page and their writes: qualifications
 * (资质), people with their training state, certificates and entry permission (入厂许可),
 * the permits its people worked on, the hazards found in its work, the guardian's score of
 * each closed permit (作业质量评分: the form on the permit's page and its own page), the
 * yearly ratings, and the threshold setting. Every write reads declared fields (web/form.h):
 * a refusal names the field and keeps what was typed (422), a write is one transaction with
 * its audit entry. The same handlers answer the pages and /api/v1 (r->is_api).
 */
#include "contractor/contractor.h"
#include "contractor/contractor_web.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "train/train.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdlib.h>
#include <string.h>

static const char *day_text(struct req *r, int64_t d)
{
	char b[16];
	return d == DAY_NONE ? "—" : arena_strdup(&r->arena, day_format(d, b));
}

/* ok, warn (within the warning window) or bad (lapsed) for a last valid day */
static const char *end_badge(int64_t until, int64_t today)
{
	return until < today ? "bad" : until - today <= CONTRACTOR_WARN_DAYS ? "warn" : "ok";
}

static void not_found(struct req *r)
{
	entity_not_found(r);
}

/* ---- the sub-forms: one page each, also where a refused inline form comes back ---- */

struct sub {
	const char *title;		/* catalogue key */
	const struct form_field *fields;
	int (*check)(struct req *r, const struct contractor_row *k, int64_t item, struct form *f);
	/* store inside the transaction; the audit summary into sum; the id or -1 */
	int64_t (*store)(struct req *r, const struct contractor_row *k, int64_t item, const struct form *f,
			 struct strbuf *sum);
	const char *audit_entity;
};

static void sub_render(struct req *r, const struct contractor_row *k, const struct sub *s, const struct form *f)
{
	const char *title = arena_printf(&r->arena, "%s · %s", contractor_row_name(k), T(r, s->title));
	page_begin(r, title);
	html_printf(&r->out, "<section class=\"card narrow\"><h1>%s</h1>", title);
	if (f->err.field)
		page_notice(r, "error", f->err.msg);
	html_printf(&r->out, "<form method=\"post\" action=\"%s\" class=\"stack\">%r", r->path, page_csrf(r));
	form_render_fields(r, f);
	html_printf(&r->out, "<button class=\"primary\">%s</button></form><p><a href=\"/contractors/%D\">%s</a></p></section>",
		    T(r, "form.save"), contractor_row_id(k), T(r, "form.back"));
	page_end(r);
}

/* :id (and :item when the route has one) in scope; NULL when answered 404 */
static const struct contractor_row *sub_load(struct req *r, int64_t *item)
{
	int64_t id;
	struct contractor_row *k;
	*item = 0;
	if (req_param_id(r, "id", &id) || contractor_load(r, id, &k) ||
	    (req_param(r, "item") && req_param_id(r, "item", item))) {
		not_found(r);
		return NULL;
	}
	return k;
}

static int sub_page(struct req *r, const struct sub *s)
{
	int64_t item;
	const struct contractor_row *k = sub_load(r, &item);
	if (!k)
		return 0;
	struct form f;
	form_init(r, &f, s->fields, NULL, NULL);
	f.creating = 1;
	sub_render(r, k, s, &f);
	return 0;
}

static int sub_post(struct req *r, const struct sub *s)
{
	int64_t item;
	const struct contractor_row *k = sub_load(r, &item);
	if (!k)
		return 0;
	struct form f;
	form_read(r, &f, s->fields, NULL, NULL);
	if (!form_failed(&f) && s->check(r, k, item, &f) < 0)
		return 0;	/* answered (404 of an item) */
	if (form_failed(&f)) {
		if (r->is_api) {
			form_api_invalid(r, &f.err);
			return 0;
		}
		r->status = f.status ? f.status : FORM_STATUS_INVALID;
		sub_render(r, k, s, &f);
		return 0;
	}
	struct strbuf sum = STRBUF_INIT;
	int64_t id = -1;
	if (db_begin(r->db) == DB_OK) {
		id = s->store(r, k, item, &f, &sum);
		if (id <= 0 || audit_req(r, s->audit_entity, id, "create", sum.buf) != DB_OK || db_commit(r->db) != DB_OK) {
			db_rollback(r->db);
			id = -1;
		}
	}
	sb_release(&sum);
	if (id < 0) {
		form_unavailable(r);
		return 0;
	}
	if (r->is_api)
		resp_json(r, 201, contractor_entity.json(r, k));
	else
		resp_redirect(r, arena_printf(&r->arena, "/contractors/%lld", (long long)contractor_row_id(k)));
	return 0;
}

/* ---- qualifications ---- */

static const struct form_field qual_fields[] = {
	{"kind", "contractor.q.kind", FORM_TEXT, FORM_REQUIRED, .max = 50,
	 .attrs = "placeholder=\"安全生产许可证\""},
	{"number", "contractor.q.number", FORM_TEXT, FORM_REQUIRED, .max = 64},
	{"valid_from", "contractor.q.valid_from", FORM_DAY, FORM_REQUIRED, .max = 0},
	{"valid_to", "contractor.q.valid_to", FORM_DAY, FORM_REQUIRED, .max = 0},
	{0},
};

static int qual_check(struct req *r, const struct contractor_row *k, int64_t item, struct form *f)
{
	(void)k;
	(void)item;
	int64_t from, to;
	if (day_parse(form_get(f, "valid_from")->text, &from) || day_parse(form_get(f, "valid_to")->text, &to))
		form_fail(r, f, "valid_to", "form.err_day");
	else if (to < from)
		form_fail(r, f, "valid_to", "contractor.err.to_before_from");
	return 0;
}

static int64_t qual_store(struct req *r, const struct contractor_row *k, int64_t item, const struct form *f,
			  struct strbuf *sum)
{
	(void)item;
	int64_t from = 0, to = 0;
	day_parse(form_get(f, "valid_from")->text, &from);
	day_parse(form_get(f, "valid_to")->text, &to);
	if (db_exec(r->db, "INSERT INTO contractor_quals (contractor_id, kind, number, valid_from, valid_to, created_at)"
			   " VALUES (?, ?, ?, ?, ?, ?)", "IttIII", contractor_row_id(k), form_get(f, "kind")->text,
		    form_get(f, "number")->text, from, to, clock_now()) != DB_OK)
		return -1;
	sb_addf(sum, "contractor %lld: %s %s %s – %s", (long long)contractor_row_id(k), form_get(f, "kind")->text,
		form_get(f, "number")->text, form_get(f, "valid_from")->text, form_get(f, "valid_to")->text);
	return db_last_id(r->db);
}

static const struct sub qual_sub = {"contractor.q.new", qual_fields, qual_check, qual_store, "contractor_qual"};
static int qual_new(struct req *r) { return sub_page(r, &qual_sub); }
static int qual_create(struct req *r) { return sub_post(r, &qual_sub); }

/* ---- people ---- */

static const struct form_field person_fields[] = {
	{"name", "contractor.p.name", FORM_TEXT, 0, .max = 50},
	{"id_no", "contractor.p.id_no", FORM_TEXT, 0, .max = 32},
	/* a worker who also has a login: his account (the permit pickers list accounts) */
	{"username", "contractor.p.username", FORM_TEXT, 0, .max = 64},
	{"job", "contractor.p.job", FORM_TEXT, 0, .max = 50, .attrs = "placeholder=\"焊工\""},
	{"entry_until", "contractor.p.entry_until", FORM_DAY, FORM_REQUIRED, .max = 0},
	{0},
};

/* the account named, 0 for none, -1 when there is no such username */
static int64_t account(struct req *r, const char *username)
{
	int64_t uid = 0;
	if (*username && db_get_i64(r->db, &uid, "SELECT id FROM users WHERE username = ? AND active = 1", "t",
				    username) != 1)
		return -1;
	return uid;
}

static int person_check(struct req *r, const struct contractor_row *k, int64_t item, struct form *f)
{
	(void)k;
	(void)item;
	int64_t uid = account(r, form_get(f, "username")->text), other = 0;
	if (uid < 0)
		form_fail(r, f, "username", "contractor.err.no_account");
	else if (!uid && !form_get(f, "name")->present)
		form_fail(r, f, "name", "form.err_required");
	else if (uid && db_get_i64(r->db, &other, "SELECT count(*) FROM contractor_people cp JOIN persons p ON p.id = cp.person_id"
						 " WHERE p.user_id = ?", "I", uid) == 1 && other)
		form_fail(r, f, "username", "contractor.err.already");
	return 0;
}

static int64_t person_store(struct req *r, const struct contractor_row *k, int64_t item, const struct form *f,
			    struct strbuf *sum)
{
	(void)item;
	int64_t uid = account(r, form_get(f, "username")->text), pid = 0, until = 0, unit = 0;
	day_parse(form_get(f, "entry_until")->text, &until);
	db_get_i64(r->db, &unit, "SELECT unit_id FROM contractors WHERE id = ?", "I", contractor_row_id(k));
	if (uid > 0 && db_get_i64(r->db, &pid, "SELECT id FROM persons WHERE user_id = ?", "I", uid) == 1) {
		/* an account's person row becomes the contractor's worker */
		if (db_exec(r->db, "UPDATE persons SET contractor = 1, employer = ? WHERE id = ?", "tI",
			    contractor_row_name(k), pid) != DB_OK)
			return -1;
	} else {
		const char *name = form_get(f, "name")->text;
		if (db_exec(r->db, "INSERT INTO persons (user_id, name, id_no, employer, contractor, unit_id, created_at)"
				   " SELECT NULLIF(?, 0), CASE WHEN ? = '' THEN (SELECT name FROM users WHERE id = ?) ELSE ? END,"
				   " NULLIF(?, ''), ?, 1, ?, ?",
			    "ItItttII", uid, name, uid, name, form_get(f, "id_no")->text, contractor_row_name(k), unit,
			    clock_now()) != DB_OK)
			return -1;
		pid = db_last_id(r->db);
		if (!uid && contractor_sign_less_account(r->db, pid, name, unit, clock_now()) != 0)
			return -1;
	}
	if (db_exec(r->db, "INSERT INTO contractor_people (contractor_id, person_id, job, entry_until, created_at)"
			   " VALUES (?, ?, ?, ?, ?)", "IItII", contractor_row_id(k), pid, form_get(f, "job")->text, until,
		    clock_now()) != DB_OK)
		return -1;
	sb_addf(sum, "contractor %lld: person %lld, entry until %s", (long long)contractor_row_id(k), (long long)pid,
		form_get(f, "entry_until")->text);
	return db_last_id(r->db);
}

static const struct sub person_sub = {"contractor.p.new", person_fields, person_check, person_store, "contractor_person"};
static int person_new(struct req *r) { return sub_page(r, &person_sub); }
static int person_create(struct req *r) { return sub_post(r, &person_sub); }

/* renewing (or ending) a person's entry permission */
static const struct form_field entry_fields[] = {
	{"entry_until", "contractor.p.entry_until", FORM_DAY, FORM_REQUIRED, .max = 0},
	{0},
};

static int entry_check(struct req *r, const struct contractor_row *k, int64_t item, struct form *f)
{
	(void)f;
	int64_t n = 0;
	if (db_get_i64(r->db, &n, "SELECT count(*) FROM contractor_people WHERE id = ? AND contractor_id = ?", "II", item,
		       contractor_row_id(k)) != 1 || !n) {
		not_found(r);
		return -1;
	}
	return 0;
}

static int64_t entry_store(struct req *r, const struct contractor_row *k, int64_t item, const struct form *f,
			   struct strbuf *sum)
{
	int64_t until = 0;
	day_parse(form_get(f, "entry_until")->text, &until);
	if (db_exec(r->db, "UPDATE contractor_people SET entry_until = ? WHERE id = ? AND contractor_id = ?", "III", until,
		    item, contractor_row_id(k)) != DB_OK || db_changes(r->db) != 1)
		return -1;
	sb_addf(sum, "entry until %s", form_get(f, "entry_until")->text);
	return item;
}

static const struct sub entry_sub = {"contractor.p.renew", entry_fields, entry_check, entry_store, "contractor_person"};
static int entry_page(struct req *r) { return sub_page(r, &entry_sub); }
static int entry_post(struct req *r) { return sub_post(r, &entry_sub); }

/* ---- hazards found in its work ---- */

static const struct form_field hazard_fields[] = {
	{"number", "contractor.h.number", FORM_TEXT, FORM_REQUIRED, .max = 32, .attrs = "placeholder=\"YH-\""},
	{0},
};

static int64_t hazard_named(struct req *r, const char *number)
{
	int64_t id = 0;
	if (db_get_i64(r->db, &id, "SELECT h.id FROM hazards h JOIN units un ON un.id = h.unit_id"
				   " WHERE h.number = ? AND un.path LIKE ?", "tt", number, auth_scope_pattern(r)) != 1)
		return 0;
	return id;
}

static int hazard_check(struct req *r, const struct contractor_row *k, int64_t item, struct form *f)
{
	(void)item;
	int64_t id = hazard_named(r, form_get(f, "number")->text), n = 0;
	if (!id)
		form_fail(r, f, "number", "contractor.err.no_hazard");
	else if (db_get_i64(r->db, &n, "SELECT count(*) FROM contractor_hazards WHERE contractor_id = ? AND hazard_id = ?",
			    "II", contractor_row_id(k), id) == 1 && n)
		form_fail(r, f, "number", "contractor.err.already");
	return 0;
}

static int64_t hazard_store(struct req *r, const struct contractor_row *k, int64_t item, const struct form *f,
			    struct strbuf *sum)
{
	(void)item;
	int64_t id = hazard_named(r, form_get(f, "number")->text);
	if (!id || db_exec(r->db, "INSERT INTO contractor_hazards (contractor_id, hazard_id, linked_by, linked_at)"
				  " VALUES (?, ?, ?, ?)", "IIII", contractor_row_id(k), id, r->who->user_id, clock_now()) != DB_OK)
		return -1;
	sb_addf(sum, "hazard %s found in the work of contractor %lld", form_get(f, "number")->text,
		(long long)contractor_row_id(k));
	return contractor_row_id(k);
}

static const struct sub hazard_sub = {"contractor.h.link", hazard_fields, hazard_check, hazard_store, "contractor"};
static int hazard_new(struct req *r) { return sub_page(r, &hazard_sub); }
static int hazard_create(struct req *r) { return sub_post(r, &hazard_sub); }

/* ---- the page's parts ---- */

static void quals_html(struct req *r, const struct contractor_row *k, int64_t today, int manage)
{
	html_printf(&r->out, "<h2>%s</h2><div class=\"table-wrap\"><table><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
			     "</tr></thead><tbody>", T(r, "contractor.quals"), T(r, "contractor.q.kind"),
		    T(r, "contractor.q.number"), T(r, "contractor.q.valid_to"));
	struct db_stmt *st = db_query(r->db, "SELECT kind, number, valid_from, valid_to FROM contractor_quals"
				      " WHERE contractor_id = ? ORDER BY kind, valid_to DESC LIMIT 100", "I", contractor_row_id(k));
	while (st && db_step(st) == 1) {
		int64_t to = db_col_i64(st, 3);
		html_printf(&r->out, "<tr><td>%s</td><td>%s</td><td><span class=\"badge %s\">%s – %s</span></td></tr>",
			    db_col_text(st, 0), db_col_text(st, 1), end_badge(to, today), day_text(r, db_col_i64(st, 2)),
			    day_text(r, to));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</tbody></table></div>");
	if (manage)
		html_printf(&r->out, "<p><a class=\"button\" href=\"/contractors/%D/quals/new\">%s</a></p>", contractor_row_id(k),
			    T(r, "contractor.q.new"));
}

static void people_html(struct req *r, const struct contractor_row *k, int64_t today, int manage)
{
	html_printf(&r->out, "<h2>%s</h2><ul class=\"list contractor-people\">", T(r, "contractor.people"));
	struct db_stmt *st = db_query(r->db, "SELECT cp.id, p.id, p.name, cp.job, cp.entry_until FROM contractor_people cp"
				      " JOIN persons p ON p.id = cp.person_id WHERE cp.contractor_id = ? AND p.active = 1"
				      " ORDER BY p.name LIMIT 500", "I", contractor_row_id(k));
	/* collect first: the training state below asks the database per person */
	struct { int64_t cp, pid, until; const char *name, *job; } v[500];
	int n = 0;
	while (st && db_step(st) == 1 && n < 500) {
		v[n].cp = db_col_i64(st, 0);
		v[n].pid = db_col_i64(st, 1);
		v[n].name = arena_strdup(&r->arena, db_col_text(st, 2));
		v[n].job = arena_strdup(&r->arena, db_col_text(st, 3));
		v[n].until = db_col_i64(st, 4);
		n++;
	}
	db_done(r->db, st);
	int certs = auth_has(r, "cert.view"), train = auth_has(r, "train.view");
	for (int i = 0; i < n; i++) {
		html_printf(&r->out, "<li data-person=\"%D\"><strong>%s</strong> <small>%s</small> <span class=\"badge %s\">%s %s</span>",
			    v[i].pid, v[i].name, v[i].job, end_badge(v[i].until, today), T(r, "contractor.p.entry_until"),
			    day_text(r, v[i].until));
		/* site induction and the other requirements of a contractor's worker (train.h) */
		struct train_req_status *s;
		int ns = train_person_status(r->db, v[i].pid, today, &s);
		if (ns > 0)
			html_printf(&r->out, " <span class=\"badge %s\">%s: %s</span>",
				    s[0].state == TRAIN_OVERDUE ? "bad" : s[0].state == TRAIN_DUE ? "warn" : "ok", s[0].course,
				    T(r, s[0].state == TRAIN_OVERDUE ? "contractor.train.overdue"
					 : s[0].state == TRAIN_DUE ? "contractor.train.due" : "contractor.train.complete"));
		if (ns >= 0)
			train_status_free(s, ns);
		html_printf(&r->out, "<br>");
		if (certs)
			html_printf(&r->out, "<a class=\"button\" href=\"/persons/%D\">%s</a> ", v[i].pid, T(r, "contractor.p.certs"));
		if (train)
			html_printf(&r->out, "<a class=\"button\" href=\"/train/people/%D\">%s</a> ", v[i].pid, T(r, "contractor.p.train"));
		if (manage)
			html_printf(&r->out, "<a class=\"button\" href=\"/contractors/%D/people/%D\">%s</a>", contractor_row_id(k),
				    v[i].cp, T(r, "contractor.p.renew"));
		html_printf(&r->out, "</li>");
	}
	if (!n)
		html_printf(&r->out, "<li>%s</li>", T(r, "contractor.none"));
	html_printf(&r->out, "</ul>");
	if (manage)
		html_printf(&r->out, "<p><a class=\"button\" href=\"/contractors/%D/people/new\">%s</a></p>", contractor_row_id(k),
			    T(r, "contractor.p.new"));
}

/* the permits its people worked on, or that name it as the work unit, in the caller's scope */
#define K_PERMITS \
	" FROM permits t JOIN units un ON un.id = t.unit_id WHERE un.path LIKE ?2 AND (EXISTS (SELECT 1 FROM permit_workers w" \
	"  JOIN persons p ON p.user_id = w.user_id JOIN contractor_people cp ON cp.person_id = p.id" \
	"  WHERE w.permit_id = t.id AND cp.contractor_id = ?1)" \
	" OR t.contractor = 1 AND t.work_unit = (SELECT name FROM contractors WHERE id = ?1))"

static void permits_html(struct req *r, const struct contractor_row *k)
{
	html_printf(&r->out, "<h2>%s</h2><ul class=\"list\">", T(r, "contractor.permits"));
	struct db_stmt *st = db_query(r->db, "SELECT t.id, t.number, t.state, t.content,"
				      " (SELECT score FROM contractor_ratings g WHERE g.permit_id = t.id)" K_PERMITS
				      " ORDER BY t.created_at DESC LIMIT 50", "It", contractor_row_id(k), auth_scope_pattern(r));
	int n = 0;
	while (st && db_step(st) == 1) {
		n++;
		html_printf(&r->out, "<li><a href=\"/permits/%D\">%s</a> %s <small>%s</small>", db_col_i64(st, 0),
			    db_col_text(st, 1), db_col_text(st, 3), T(r, arena_printf(&r->arena, "permit.state.%s", db_col_text(st, 2))));
		if (!db_col_null(st, 4))
			html_printf(&r->out, " <span class=\"badge\">%s %D/5</span>", T(r, "contractor.r.score"), db_col_i64(st, 4));
		html_printf(&r->out, "</li>");
	}
	db_done(r->db, st);
	if (!n)
		html_printf(&r->out, "<li>%s</li>", T(r, "contractor.none"));
	html_printf(&r->out, "</ul>");
}

static void hazards_html(struct req *r, const struct contractor_row *k, int manage)
{
	html_printf(&r->out, "<h2>%s</h2><ul class=\"list\">", T(r, "contractor.hazards"));
	struct db_stmt *st = db_query(r->db, "SELECT h.id, h.number, h.level, h.description FROM contractor_hazards l"
				      " JOIN hazards h ON h.id = l.hazard_id JOIN units un ON un.id = h.unit_id"
				      " WHERE l.contractor_id = ? AND un.path LIKE ? ORDER BY h.reported_at DESC LIMIT 50",
				      "It", contractor_row_id(k), auth_scope_pattern(r));
	int n = 0;
	while (st && db_step(st) == 1) {
		n++;
		html_printf(&r->out, "<li><a href=\"/hazards/%D\">%s</a> <span class=\"badge %s\">%s</span> %s</li>",
			    db_col_i64(st, 0), db_col_text(st, 1), strcmp(db_col_text(st, 2), "major") ? "warn" : "bad",
			    T(r, strcmp(db_col_text(st, 2), "major") ? "contractor.h.general" : "contractor.h.major"),
			    db_col_text(st, 3));
	}
	db_done(r->db, st);
	if (!n)
		html_printf(&r->out, "<li>%s</li>", T(r, "contractor.none"));
	html_printf(&r->out, "</ul>");
	if (manage)
		html_printf(&r->out, "<form method=\"post\" action=\"/contractors/%D/hazards\" class=\"stack\">%r"
				     "<label>%s<input name=\"number\" maxlength=\"32\" required placeholder=\"YH-\"></label>"
				     "<button>%s</button></form>", contractor_row_id(k), page_csrf(r),
			    T(r, "contractor.h.number"), T(r, "contractor.h.link"));
}

static void ratings_html(struct req *r, const struct contractor_row *k, int64_t today)
{
	int y, m, d;
	day_to_ymd(today, &y, &m, &d);
	int64_t from = day_start_utc(day_from_ymd(y, 1, 1));
	int64_t jobs = 0, sum = 0, hz = 0, major = 0;
	struct db_stmt *st = db_query(r->db, "SELECT count(*), COALESCE(sum(score), 0) FROM contractor_ratings"
				      " WHERE contractor_id = ? AND rated_at >= ?", "II", contractor_row_id(k), from);
	if (st && db_step(st) == 1) {
		jobs = db_col_i64(st, 0);
		sum = db_col_i64(st, 1);
	}
	db_done(r->db, st);
	st = db_query(r->db, "SELECT count(*), COALESCE(sum(CASE WHEN h.level = 'major' THEN 1 ELSE 0 END), 0)"
			     " FROM contractor_hazards l JOIN hazards h ON h.id = l.hazard_id"
			     " WHERE l.contractor_id = ? AND h.reported_at >= ?", "II", contractor_row_id(k), from);
	if (st && db_step(st) == 1) {
		hz = db_col_i64(st, 0);
		major = db_col_i64(st, 1);
	}
	db_done(r->db, st);
	int score = contractor_year_score((int)jobs, (int)sum, (int)(hz - major), (int)major);
	html_printf(&r->out, "<h2>%s</h2><dl class=\"facts\"><dt>%s %d</dt><dd data-year-score=\"%d\">%s · %s %D · %s %D</dd>",
		    T(r, "contractor.ratings"), T(r, "contractor.r.so_far"), y, score,
		    score < 0 ? T(r, "contractor.r.none") : arena_printf(&r->arena, "%d / 100", score),
		    T(r, "contractor.r.jobs"), jobs, T(r, "contractor.hazards"), hz);
	st = db_query(r->db, "SELECT year, jobs, hazards, COALESCE(score, -1), eligible FROM contractor_years"
			     " WHERE contractor_id = ? ORDER BY year DESC LIMIT 10", "I", contractor_row_id(k));
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<dt>%D</dt><dd>%s · %s %D · %s %D · <span class=\"badge %s\">%s</span></dd>",
			    db_col_i64(st, 0),
			    db_col_i64(st, 3) < 0 ? T(r, "contractor.r.none") : arena_printf(&r->arena, "%lld / 100", (long long)db_col_i64(st, 3)),
			    T(r, "contractor.r.jobs"), db_col_i64(st, 1), T(r, "contractor.hazards"), db_col_i64(st, 2),
			    db_col_i64(st, 4) ? "ok" : "bad", T(r, db_col_i64(st, 4) ? "contractor.r.eligible" : "contractor.r.ineligible"));
	db_done(r->db, st);
	html_printf(&r->out, "</dl><p class=\"hint\">%s</p>",
		    arena_printf(&r->arena, T(r, "contractor.r.rule"), contractor_threshold(r->db)));
}

void contractor_parts_html(struct req *r, const struct contractor_row *k)
{
	int64_t today = day_of(clock_now());
	int manage = auth_has(r, "contractor.manage");
	quals_html(r, k, today, manage);
	people_html(r, k, today, manage);
	permits_html(r, k);
	hazards_html(r, k, manage);
	ratings_html(r, k, today);
}

/* ---- the guardian's score of a closed permit ---- */

static const char *const scores[] = {"5", "4", "3", "2", "1", NULL};
static const struct form_field rating_fields[] = {
	{"score", "contractor.r.score", FORM_CHOICE, FORM_REQUIRED, .choices = scores, .choice_prefix = "contractor.score."},
	{"comment", "contractor.r.comment", FORM_TEXT, 0, .max = 200},
	{0},
};

struct rated_permit {
	int64_t id, guardian_id, contractor_id;
	const char *number, *state;
};

/* The permit :permit in the caller's scope; 404 answered otherwise. */
static int rated_permit(struct req *r, struct rated_permit *p)
{
	int64_t id;
	if (req_param_id(r, "permit", &id)) {
		not_found(r);
		return -1;
	}
	struct db_stmt *st = db_query(r->db, "SELECT t.id, t.number, t.state, COALESCE(t.guardian_id, 0) FROM permits t"
				      " JOIN units un ON un.id = t.unit_id WHERE t.id = ? AND (un.path LIKE ? OR t.guardian_id = ?)",
				      "ItI", id, auth_scope_pattern(r), r->who->user_id);
	int found = st && db_step(st) == 1;
	if (found) {
		p->id = db_col_i64(st, 0);
		p->number = arena_strdup(&r->arena, db_col_text(st, 1));
		p->state = arena_strdup(&r->arena, db_col_text(st, 2));
		p->guardian_id = db_col_i64(st, 3);
	}
	db_done(r->db, st);
	if (!found) {
		not_found(r);
		return -1;
	}
	p->contractor_id = contractor_of_permit(r->db, p->id);
	return 0;
}

/* Why this person may not score this permit now (a catalogue key and status), or NULL. */
static const char *rating_refused(struct req *r, const struct rated_permit *p, int *status)
{
	int64_t n = 0;
	*status = 409;
	if (!p->contractor_id)
		return "contractor.err.no_contractor";
	if (strcmp(p->state, "closed"))
		return "contractor.err.not_closed";
	if (p->guardian_id != r->who->user_id) {
		*status = 403;
		return "contractor.err.not_guardian";
	}
	if (db_get_i64(r->db, &n, "SELECT count(*) FROM contractor_ratings WHERE permit_id = ?", "I", p->id) == 1 && n)
		return "contractor.err.rated";
	return NULL;
}

static void rating_form(struct req *r, const struct rated_permit *p, const struct form *f)
{
	html_printf(&r->out, "<form method=\"post\" action=\"/contractors/ratings/%D\" class=\"stack\" data-rating=\"1\">%r",
		    p->id, page_csrf(r));
	form_render_fields(r, f);
	html_printf(&r->out, "<button class=\"primary\">%s</button></form>", T(r, "contractor.r.submit"));
}

static void rating_page(struct req *r, const struct rated_permit *p, const struct form *f)
{
	const char *title = arena_printf(&r->arena, "%s · %s", p->number, T(r, "contractor.r.title"));
	page_begin(r, title);
	html_printf(&r->out, "<section class=\"card narrow\"><h1>%s</h1>", title);
	if (f->err.field)
		page_notice(r, "error", f->err.msg);
	rating_form(r, p, f);
	html_printf(&r->out, "<p><a href=\"/permits/%D\">%s</a></p></section>", p->id, T(r, "form.back"));
	page_end(r);
}

static void refuse(struct req *r, int status, const char *key)
{
	if (r->is_api) {
		resp_error(r, status, status == 403 ? "forbidden" : "conflict", T(r, key), NULL);
		return;
	}
	r->status = status;
	page_error(r, status, T(r, key), NULL);
}

static int rating_get(struct req *r)
{
	struct rated_permit p;
	if (rated_permit(r, &p))
		return 0;
	int status;
	const char *why = rating_refused(r, &p, &status);
	if (why) {
		refuse(r, status, why);
		return 0;
	}
	struct form f;
	form_init(r, &f, rating_fields, NULL, NULL);
	f.creating = 1;
	rating_page(r, &p, &f);
	return 0;
}

static int rating_post(struct req *r)
{
	struct rated_permit p;
	if (rated_permit(r, &p))
		return 0;
	int status;
	const char *why = rating_refused(r, &p, &status);
	if (why) {
		refuse(r, status, why);
		return 0;
	}
	struct form f;
	form_read(r, &f, rating_fields, NULL, NULL);
	if (form_failed(&f)) {
		if (r->is_api) {
			form_api_invalid(r, &f.err);
			return 0;
		}
		r->status = FORM_STATUS_INVALID;
		rating_page(r, &p, &f);
		return 0;
	}
	int score = atoi(form_get(&f, "score")->text);
	const char *comment = form_get(&f, "comment")->text;
	int64_t id = -1;
	if (db_begin(r->db) == DB_OK) {
		struct strbuf sum = STRBUF_INIT;
		sb_addf(&sum, "permit %s: %d/5 %s", p.number, score, comment);
		if (db_exec(r->db, "INSERT INTO contractor_ratings (contractor_id, permit_id, score, comment, rated_by, rated_at)"
				   " VALUES (?, ?, ?, ?, ?, ?)", "IIitII", p.contractor_id, p.id, score, comment,
			    r->who->user_id, clock_now()) == DB_OK)
			id = db_last_id(r->db);
		if (id <= 0 || audit_req(r, "contractor_rating", id, "create", sum.buf) != DB_OK || db_commit(r->db) != DB_OK) {
			db_rollback(r->db);
			id = -1;
		}
		sb_release(&sum);
	}
	if (id < 0) {
		form_unavailable(r);
		return 0;
	}
	if (r->is_api)
		resp_json(r, 201, json_pack("{s:I, s:I, s:I, s:i, s:s}", "id", (json_int_t)id, "permit_id", (json_int_t)p.id,
					    "contractor_id", (json_int_t)p.contractor_id, "score", score, "comment", comment));
	else
		resp_redirect(r, arena_printf(&r->arena, "/permits/%lld", (long long)p.id));
	return 0;
}

void contractor_permit_panel(struct req *r, int64_t permit_id, int64_t guardian_id, int closed)
{
	int64_t kid = contractor_of_permit(r->db, permit_id);
	if (!kid || !closed)
		return;
	char *name = NULL;
	db_get_text(r->db, &name, "SELECT name FROM contractors WHERE id = ?", "I", kid);
	html_printf(&r->out, "<section class=\"card\" id=\"rating\"><h2>%s</h2><p>%s</p>", T(r, "contractor.r.title"),
		    name ? name : "");
	free(name);
	struct db_stmt *st = db_query(r->db, "SELECT g.score, g.comment, u.name FROM contractor_ratings g"
				      " JOIN users u ON u.id = g.rated_by WHERE g.permit_id = ?", "I", permit_id);
	if (st && db_step(st) == 1) {
		html_printf(&r->out, "<p data-score=\"%D\"><span class=\"badge ok\">%s %D/5</span> %s <small>%s</small></p>",
			    db_col_i64(st, 0), T(r, "contractor.r.score"), db_col_i64(st, 0), db_col_text(st, 1), db_col_text(st, 2));
	} else if (r->who && r->who->user_id == guardian_id) {
		struct rated_permit p = {.id = permit_id};
		struct form f;
		form_init(r, &f, rating_fields, NULL, NULL);
		f.creating = 1;
		rating_form(r, &p, &f);
	} else {
		html_printf(&r->out, "<p class=\"hint\">%s</p>", T(r, "contractor.r.waiting"));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</section>");
}

/* ---- the threshold ---- */

static const struct form_field setting_fields[] = {
	{"threshold", "contractor.s.threshold", FORM_NUMBER, FORM_REQUIRED, .lo = 0, .hi = 100},
	{0},
};

static void settings_render(struct req *r, const struct form *f)
{
	page_begin(r, T(r, "contractor.settings"));
	html_printf(&r->out, "<section class=\"card narrow\"><h1>%s</h1>", T(r, "contractor.settings"));
	if (f->err.field)
		page_notice(r, "error", f->err.msg);
	html_printf(&r->out, "<form method=\"post\" action=\"/contractors/settings\" class=\"stack\">%r", page_csrf(r));
	form_render_fields(r, f);
	html_printf(&r->out, "<p class=\"hint\">%s</p><button class=\"primary\">%s</button></form>"
			     "<p><a href=\"/contractors\">%s</a></p></section>",
		    T(r, "contractor.s.hint"), T(r, "form.save"), T(r, "form.back"));
	page_end(r);
}

static int settings_get(struct req *r)
{
	if (r->is_api) {
		resp_json(r, 200, json_pack("{s:i}", "threshold", contractor_threshold(r->db)));
		return 0;
	}
	const char *t[1] = {arena_printf(&r->arena, "%d", contractor_threshold(r->db))};
	struct form f;
	form_init(r, &f, setting_fields, t, NULL);
	settings_render(r, &f);
	return 0;
}

static int settings_post(struct req *r)
{
	struct form f;
	form_read(r, &f, setting_fields, NULL, NULL);
	if (form_failed(&f) && r->is_api) {
		form_api_invalid(r, &f.err);
		return 0;
	}
	if (form_failed(&f)) {
		r->status = FORM_STATUS_INVALID;
		settings_render(r, &f);
		return 0;
	}
	const char *v = arena_printf(&r->arena, "%d", (int)form_get(&f, "threshold")->num);
	struct strbuf sum = STRBUF_INIT;
	sb_addf(&sum, "contractor.threshold: %d → %s", contractor_threshold(r->db), v);
	int ok = db_begin(r->db) == DB_OK &&
		 db_exec(r->db, "INSERT INTO settings (key, value, updated_at) VALUES ('contractor.threshold', ?, ?)"
				" ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
			 "tI", v, clock_now()) == DB_OK &&
		 audit_req(r, "settings", 0, "contractor", sum.buf) == DB_OK && db_commit(r->db) == DB_OK;
	sb_release(&sum);
	if (!ok) {
		db_rollback(r->db);
		form_unavailable(r);
		return 0;
	}
	if (r->is_api)
		resp_json(r, 200, json_pack("{s:i}", "threshold", (int)form_get(&f, "threshold")->num));
	else
		resp_redirect(r, "/contractors");
	return 0;
}

const struct route contractor_routes[] = {
	{"GET", "/contractors/settings", settings_get, "contractor.manage", 0, "The yearly rating's threshold"},
	{"POST", "/contractors/settings", settings_post, "contractor.manage", 0, "Save the threshold"},
	{"GET", "/contractors/ratings/:permit", rating_get, "permit.guard", 0, "The guardian's score of a closed permit's work"},
	{"POST", "/contractors/ratings/:permit", rating_post, "permit.guard", 0, "Score a closed permit's work (guardian)"},
	ENTITY_PAGE_ROUTES("/contractors", "contractor.view", "contractor.view", "contractor.manage", "Contractor",
			   contractor_list_page, contractor_new_page, contractor_create_post, contractor_edit_page,
			   contractor_update_post, contractor_deactivate_post),
	{"GET", "/contractors/:id/quals/new", qual_new, "contractor.manage", 0, "Add a qualification: the form"},
	{"POST", "/contractors/:id/quals", qual_create, "contractor.manage", 0, "Add a qualification"},
	{"GET", "/contractors/:id/people/new", person_new, "contractor.manage", 0, "Add a person: the form"},
	{"POST", "/contractors/:id/people", person_create, "contractor.manage", 0, "Add a person"},
	{"GET", "/contractors/:id/people/:item", entry_page, "contractor.manage", 0, "Renew a person's entry permission: the form"},
	{"POST", "/contractors/:id/people/:item", entry_post, "contractor.manage", 0, "Renew a person's entry permission"},
	{"GET", "/contractors/:id/hazards/new", hazard_new, "contractor.manage", 0, "Link a hazard found in its work: the form"},
	{"POST", "/contractors/:id/hazards", hazard_create, "contractor.manage", 0, "Link a hazard found in its work"},
	/* the threshold as JSON; before /api/v1/contractors/:id, which would take "settings" as an id */
	{"GET", "/api/v1/contractors/settings", settings_get, "contractor.manage", ROUTE_API, "The yearly rating's threshold"},
	{"PUT", "/api/v1/contractors/settings", settings_post, "contractor.manage", ROUTE_API, "Set the yearly rating's threshold (0–100)"},
	ENTITY_API_ROUTES("/api/v1/contractors", "contractor.view", "contractor.manage", "Contractor", contractor_api_list,
			  contractor_api_get, contractor_api_create, contractor_api_update, contractor_api_deactivate),
	{"POST", "/api/v1/contractors/ratings/:permit", rating_post, "permit.guard", ROUTE_API, "Score a closed permit's work (guardian)"},
	{"POST", "/api/v1/contractors/:id/quals", qual_create, "contractor.manage", ROUTE_API, "Add a qualification"},
	{"POST", "/api/v1/contractors/:id/people", person_create, "contractor.manage", ROUTE_API, "Add a person"},
	{"POST", "/api/v1/contractors/:id/people/:item", entry_post, "contractor.manage", ROUTE_API, "Renew a person's entry permission"},
	{"POST", "/api/v1/contractors/:id/hazards", hazard_create, "contractor.manage", ROUTE_API, "Link a hazard found in its work"},
	{0},
};
