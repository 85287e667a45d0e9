/*
 * accident_web.c — the incident pages and their JSON API: the one-minute report from a phone
 * (near miss or accident, what, where, when, type, casualties, loss, photo), the list of the
 * caller's scope (with the "waiting for me" filters), and an incident's page: its level, the
 * one-hour clock with the time left for the people who must report, the 四不放过 steps,
 * corrective actions and closing. The same handlers answer HTML and /api/v1 (r->is_api).
 *
 * Who sees an incident (data scope): its unit in the caller's scope (the "own" scope: the
 * incidents they reported), its reporter, and the owners of its corrective actions.
 */
#include "accident/accident.h"
#include "accident/accident_web.h"
#include "emerg/emerg.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "db/blobstore.h"
#include "db/db.h"
#include "hazard/hazard.h"
#include "web/entity.h"
#include "web/form.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/page_lang.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- who sees what ---- */

/* The visibility condition on `incidents i JOIN units u ON u.id = i.unit_id`: ?1 the scope
 * pattern, ?2 the "own"-scope owner (0 otherwise), ?3 the caller. */
#define VISIBLE_SQL \
	" ((u.path LIKE ?1 AND (?2 = 0 OR i.reporter_id = ?2)) OR i.reporter_id = ?3" \
	"  OR EXISTS (SELECT 1 FROM incident_actions va WHERE va.incident_id = i.id AND va.owner_id = ?3)) "

int accident_visible(struct req *r, int64_t id)
{
	int64_t n = 0;
	return db_get_i64(r->db, &n, "SELECT count(*) FROM incidents i JOIN units u ON u.id = i.unit_id WHERE i.id = ?4 AND"
			  VISIBLE_SQL, "tIII", auth_scope_pattern(r), auth_scope_owner(r), r->who->user_id, id) == 1 && n;
}

const char *accident_name_col(struct req *r)
{
	return strcmp(r->lang, "en") ? "name_zh" : "name_en";
}

/* ---- the report ---- */

static const char *const kinds[] = {"near_miss", "accident", NULL};

static void area_options(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	form_id_options(r, db_query(r->db, "SELECT id, name FROM areas WHERE active = 1 ORDER BY name LIMIT 2000", NULL),
			selected);
}

/* the types of the edition new reports use (accident.type_edition) */
static void type_options(struct req *r, const char *selected)
{
	struct db_stmt *st = db_query(r->db, strcmp(r->lang, "en")
		? "SELECT code, name_zh FROM accident_types WHERE active = 1 AND edition = ? ORDER BY sort"
		: "SELECT code, name_en FROM accident_types WHERE active = 1 AND edition = ? ORDER BY sort", "t",
		accident_type_edition(r->db));
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", db_col_text(st, 0),
			    !strcmp(selected, db_col_text(st, 0)) ? " selected" : "", db_col_text(st, 1));
	db_done(r->db, st);
}

static const struct form_field report_fields[] = {
	{"kind", "accident.kind", FORM_CHOICE, FORM_REQUIRED, .choices = kinds, .choice_prefix = "accident.kind."},
	{"what", "accident.what", FORM_TEXT, FORM_REQUIRED, .max = 500},
	{"area_id", "accident.area", FORM_ID, FORM_REQUIRED, .options = area_options, .empty = "accident.pick"},
	{"type_code", "accident.type", FORM_CHOICE, FORM_REQUIRED, .choice_options = type_options, .empty = "accident.pick"},
	{"occurred_at", "accident.when", FORM_TEXT, 0, .max = 16, .attrs = "type=\"datetime-local\""},
	{"deaths", "accident.deaths", FORM_NUMBER, 0, .lo = -ACCIDENT_MAX_PEOPLE, .hi = ACCIDENT_MAX_PEOPLE},
	{"serious", "accident.serious", FORM_NUMBER, 0, .lo = -ACCIDENT_MAX_PEOPLE, .hi = ACCIDENT_MAX_PEOPLE},
	{"minor", "accident.minor", FORM_NUMBER, 0, .lo = -ACCIDENT_MAX_PEOPLE, .hi = ACCIDENT_MAX_PEOPLE},
	{"loss_wan", "accident.loss_wan", FORM_NUMBER, 0, .lo = -ACCIDENT_MAX_LOSS_WAN, .hi = ACCIDENT_MAX_LOSS_WAN,
	 .decimals = 2},
	{"reportable", "accident.mark_reportable", FORM_TEXT, 0, .max = 5},
	{0},
};

/* Field → label for errors the domain names (fields outside report_fields too). */
static const char *label_of(const char *field)
{
	static const char *const map[][2] = {
		{"people", "accident.people"}, {"photo", "accident.photo"}, {"note", "accident.note"},
		{"text", "accident.step_text"}, {"root_cause", "accident.root_cause"}, {"step", "accident.step"},
		{"title", "accident.action_title"}, {"owner_id", "accident.owner"}, {"due", "accident.due"},
		{"actions", "accident.actions"}, {"cause", "accident.step.cause"},
		{"responsibility", "accident.step.responsibility"}, {"lessons", "accident.step.lessons"},
		{"measures", "accident.step.measures"}, {"unit_id", "accident.unit"}, {"month", "accident.month"},
		{"hours", "accident.hours"},
	};
	for (size_t i = 0; field && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(map[i][0], field))
			return map[i][1];
	for (const struct form_field *f = report_fields; field && f->name; f++)
		if (!strcmp(f->name, field))
			return f->label;
	return "accident.title";
}

/* Parse "YYYY-MM-DDTHH:MM" (a datetime-local input, the plant's zone) into UTC. 0 or -1. */
static int parse_local_time(const char *s, int64_t *out)
{
	int64_t day;
	char d[11];
	int h, m;
	if (strlen(s) != 16 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':')
		return -1;
	memcpy(d, s, 10);
	d[10] = 0;
	if (day_parse(d, &day) || sscanf(s + 11, "%2d:%2d", &h, &m) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
		return -1;
	*out = day_start_utc(day) + h * 3600 + m * 60;
	return 0;
}

static void render_report(struct req *r, const struct form *f, int named_rows)
{
	struct strbuf *o = &r->out;
	page_begin(r, T(r, "accident.report_title"));
	if (form_failed(f))
		page_notice(r, "error", f->err.msg);
	html_printf(o, "<form class=\"card stack acc-report\" method=\"post\" action=\"/incidents\""
		       " enctype=\"multipart/form-data\">%r<h1>%s</h1><p class=\"hint\">%s</p>",
		    page_csrf(r), T(r, "accident.report_title"), T(r, "accident.report_hint"));
	/* near miss first: it is what a worker reports most, and it is praised */
	const char *kind = form_get(f, "kind")->text;
	html_printf(o, "<fieldset class=\"hz-cats acc-kinds\"><legend>%s <b class=\"req\">*</b></legend>", T(r, "accident.kind"));
	for (int i = 0; kinds[i]; i++)
		html_printf(o, "<label class=\"hz-cat acc-kind\"><input type=\"radio\" name=\"kind\" value=\"%s\" required%r>"
			       "<span>%s</span></label>", kinds[i],
			    !strcmp(kind, kinds[i]) || (!*kind && i == 0) ? " checked" : "",
			    T(r, arena_printf(&r->arena, "accident.kind.%s", kinds[i])));
	form_field_error(r, &f->err, "kind");
	html_printf(o, "</fieldset>");
	for (const struct form_field *fd = report_fields + 1; fd->name; fd++) {
		if (!strcmp(fd->name, "deaths"))
			html_printf(o, "<fieldset class=\"acc-counts\"><legend>%s</legend><div class=\"acc-row\">",
				    T(r, "accident.casualties"));
		if (!strcmp(fd->name, "reportable")) {
			html_printf(o, "<label class=\"inline\"><input type=\"checkbox\" name=\"reportable\" value=\"1\"%r>%s</label>",
				    *form_get(f, "reportable")->text ? " checked" : "", T(r, "accident.mark_reportable"));
			continue;
		}
		form_render_field(r, f, fd);
		if (!strcmp(fd->name, "minor"))
			html_printf(o, "</div></fieldset>");
	}
	/* named injured: optional, at most as many of each kind as counted */
	html_printf(o, "<details class=\"acc-people\"%r><summary>%s</summary><div class=\"stack\">",
		    f->err.field && !strcmp(f->err.field, "people") ? " open" : "", T(r, "accident.people"));
	size_t nn = 0, ni = 0;
	const char **names = f->submitted ? req_field_list(r, "person_name", &nn) : NULL;
	const char **inj = f->submitted ? req_field_list(r, "person_injury", &ni) : NULL;
	for (int i = 0; i < named_rows; i++) {
		const char *nm = (size_t)i < nn ? names[i] : "";
		const char *ij = (size_t)i < ni ? inj[i] : "";
		html_printf(o, "<div class=\"acc-row\"><label>%s<input name=\"person_name\" maxlength=\"64\" value=\"%s\"></label>"
			       "<label>%s<select name=\"person_injury\"><option value=\"\"></option>",
			    T(r, "accident.person_name"), nm, T(r, "accident.injury"));
		static const char *const kinds3[] = {"death", "serious", "minor"};
		for (int k = 0; k < 3; k++)
			html_printf(o, "<option value=\"%s\"%r>%s</option>", kinds3[k], !strcmp(ij, kinds3[k]) ? " selected" : "",
				    T(r, arena_printf(&r->arena, "accident.injury.%s", kinds3[k])));
		html_printf(o, "</select></label></div>");
	}
	form_field_error(r, &f->err, "people");
	html_printf(o, "</div></details><label class=\"acc-photo\"><span>%s</span>%r",
		    T(r, "accident.photo"), page_file_input(r, "photo", "form.photo_choose", "accept=\"image/*\" capture=\"environment\""));
	form_field_error(r, &f->err, "photo");
	html_printf(o, "</label><button class=\"primary\" type=\"submit\">%s</button></form>", T(r, "accident.submit"));
	page_end(r);
}

int accident_new_page(struct req *r)
{
	struct form f;
	form_init(r, &f, report_fields, NULL, NULL);
	render_report(r, &f, 3);
	return 0;
}

static void refuse(struct req *r, struct form *f, const char *field, const char *key, int rows)
{
	form_err_set(r, &f->err, field, label_of(field), key);
	if (r->is_api) {
		form_api_invalid(r, &f->err);
		return;
	}
	r->status = FORM_STATUS_INVALID;
	render_report(r, f, rows);
}



/* POST /incidents, POST /api/v1/incidents */
int accident_create_post(struct req *r)
{
	struct form f;
	form_read(r, &f, report_fields, NULL, NULL);
	int rows = 3;
	if (form_failed(&f)) {
		if (r->is_api)
			form_api_invalid(r, &f.err);
		else {
			r->status = FORM_STATUS_INVALID;
			render_report(r, &f, rows);
		}
		return 0;
	}
	struct accident_new in;
	memset(&in, 0, sizeof(in));
	in.near_miss = !strcmp(form_get(&f, "kind")->text, "near_miss");
	in.what = form_get(&f, "what")->text;
	in.area_id = form_get(&f, "area_id")->id;
	in.type_code = form_get(&f, "type_code")->text;
	const char *when = form_get(&f, "occurred_at")->text;
	in.occurred_at = clock_now();
	if (*when && parse_local_time(when, &in.occurred_at)) {
		refuse(r, &f, "occurred_at", "accident.err_when_format", rows);
		return 0;
	}
	static const char *const cn[3] = {"deaths", "serious", "minor"};
	for (int i = 0; i < 3; i++)
		in.counts[i] = (int64_t)form_get(&f, cn[i])->num;
	in.loss_yuan = llround(form_get(&f, "loss_wan")->num * 10000.0);
	const char *rep = form_get(&f, "reportable")->text;
	in.mark_reportable = !strcmp(rep, "1") || !strcmp(rep, "true") || !strcmp(rep, "on");
	size_t nn = 0, ni = 0;
	const char **names = req_field_list(r, "person_name", &nn);
	const char **inj = req_field_list(r, "person_injury", &ni);
	if (nn > ACCIDENT_MAX_NAMED) {
		refuse(r, &f, "people", "accident.err_too_many", rows);
		return 0;
	}
	rows = nn > 3 ? (int)nn : 3;
	for (size_t i = 0; i < nn; i++) {
		const char *ij = i < ni ? inj[i] : "";
		if (!*names[i] && !*ij)
			continue;	/* an empty row of the form */
		in.people[in.npeople].name = names[i];
		in.people[in.npeople].injury = ij;
		in.npeople++;
	}
	/* the photo: a file of the form, or the hash of one uploaded with POST /api/v1/photos */
	struct hazard_image img;
	memset(&img, 0, sizeof(img));
	struct upload *u = req_upload(r, "photo");
	const char *key = NULL, *field = NULL;
	if (u && u->data.len) {
		if (hazard_image_process((const unsigned char *)u->data.buf, u->data.len, &img, &key)) {
			hazard_image_free(&img);
			refuse(r, &f, "photo", key, rows);
			return 0;
		}
		in.image = &img;
	} else {
		const char *sha = req_field(r, "photo_sha");
		in.photo_sha = sha && *sha ? sha : NULL;
	}
	struct actor a;
	actor_from_req(r, &a);
	int64_t id = accident_create(&a, &in, &field, &key);
	hazard_image_free(&img);
	if (id == -1) {
		refuse(r, &f, field, key, rows);
		return 0;
	}
	if (id < 0) {
		form_unavailable(r);
		return 0;
	}
	if (r->is_api) {
		resp_json(r, 201, accident_json(r, id));
		return 0;
	}
	resp_redirect(r, arena_printf(&r->arena, "/incidents/%lld?created=1", (long long)id));
	return 0;
}

/* ---- the list ---- */

static const char *const todos[] = {"report", "actions", NULL};
static const char *const kind_filter[] = {"near_miss", "accident", NULL};

/* The list's WHERE after VISIBLE_SQL: ?4 todo, ?5 the caller's unit path, ?6 kind. */
#define LIST_SQL \
	" FROM incidents i JOIN units u ON u.id = i.unit_id JOIN areas ar ON ar.id = i.area_id WHERE" VISIBLE_SQL \
	" AND (?4 = '' OR (?4 = 'report' AND i.reportable = 1 AND i.ext_reported_at IS NULL AND EXISTS" \
	"   (SELECT 1 FROM units cu WHERE cu.id = i.company_id AND ?5 LIKE cu.path || '%'))" \
	"  OR (?4 = 'actions' AND EXISTS (SELECT 1 FROM incident_actions ta WHERE ta.incident_id = i.id" \
	"   AND ta.owner_id = ?3 AND ta.status = 'open')))" \
	" AND (?6 = '' OR i.kind = ?6)"

static int64_t count_todo(struct req *r, const char *todo)
{
	int64_t n = 0;
	if (db_get_i64(r->db, &n, "SELECT count(*)" LIST_SQL, "tIIttt", auth_scope_pattern(r), auth_scope_owner(r),
		       r->who->user_id, todo, r->who->unit_path ? r->who->unit_path : "", "") != 1)
		return 0;
	return n;
}

int64_t accident_todo_report(struct req *r)
{
	return count_todo(r, "report");
}

int64_t accident_todo_actions(struct req *r)
{
	return count_todo(r, "actions");
}

static json_t *row_json(struct req *r, struct db_stmt *st);

#define ROW_COLS \
	"SELECT i.id, i.kind, i.what, ar.name, i.occurred_at, i.type_code, i.deaths, i.serious, i.minor, i.loss_yuan," \
	" i.level, i.status, i.reportable, coalesce(i.report_due, 0), coalesce(i.ext_reported_at, 0), i.reporter_id," \
	" i.unit_id, i.area_id, coalesce(i.escalated_at, 0), coalesce(i.photo_sha, ''), i.reported_at"

static const char *level_label(struct req *r, const char *code)
{
	return T(r, arena_printf(&r->arena, "accident.level.%s", code));
}

/* "还剩 42 分钟" / "已超时 5 分钟": the clock of a reportable, unreported accident. */
static const char *clock_text(struct req *r, int64_t due)
{
	int64_t left = due - clock_now();
	int64_t mins = (left >= 0 ? left + 59 : -left) / 60;
	return arena_printf(&r->arena, "%s %lld %s", T(r, left >= 0 ? "accident.clock_left" : "accident.clock_over"),
			    (long long)mins, T(r, "accident.minutes"));
}

int accident_list(struct req *r)
{
	const char *todo = NULL, *kind = NULL;
	int page, per_page;
	req_query_enum(r, "todo", todos, &todo);
	req_query_enum(r, "kind", kind_filter, &kind);
	req_page(r, 50, &page, &per_page);
	if (r->bad_param)
		return 0;
	todo = todo ? todo : "";
	kind = kind ? kind : "";
	const char *upath = r->who->unit_path ? r->who->unit_path : "";
	int64_t total = 0;
	db_get_i64(r->db, &total, "SELECT count(*)" LIST_SQL, "tIIttt", auth_scope_pattern(r), auth_scope_owner(r),
		   r->who->user_id, todo, upath, kind);
	struct db_stmt *st = db_query(r->db, ROW_COLS LIST_SQL " ORDER BY i.occurred_at DESC, i.id DESC LIMIT ?7 OFFSET ?8",
				      "tIItttii", auth_scope_pattern(r), auth_scope_owner(r), r->who->user_id, todo, upath,
				      kind, per_page, (page - 1) * per_page);
	if (r->is_api) {
		json_t *items = json_array();
		while (st && db_step(st) == 1)
			json_array_append_new(items, row_json(r, st));
		db_done(r->db, st);
		resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", items, "page", page, "per_page", per_page,
					    "total", (json_int_t)total));
		return 0;
	}
	struct strbuf *o = &r->out;
	page_begin(r, T(r, "accident.list_title"));
	html_printf(o, "<section class=\"card\"><h1>%s</h1><p class=\"acc-links\">", T(r, "accident.list_title"));
	if (auth_has(r, "accident.report"))
		html_printf(o, "<a class=\"button primary\" href=\"/incidents/new\">%s</a> ", T(r, "accident.report_title"));
	html_printf(o, "<a class=\"button\" href=\"/incidents/bulletin\">%s</a> <a class=\"button\" href=\"/incidents/stats\">%s</a></p>"
		       "<nav class=\"tabs\"><a href=\"/incidents\">%s</a> <a href=\"/incidents?kind=near_miss\">%s</a>"
		       " <a href=\"/incidents?kind=accident\">%s</a></nav>",
		    T(r, "accident.bulletin"), T(r, "accident.stats"), T(r, "accident.all"), T(r, "accident.kind.near_miss"),
		    T(r, "accident.kind.accident"));
	if (*todo)
		html_printf(o, "<p class=\"sub\">%s</p>", T(r, arena_printf(&r->arena, "accident.todo.%s", todo)));
	html_printf(o, "<ul class=\"acc-list\">");
	while (st && db_step(st) == 1) {
		int64_t id = db_col_i64(st, 0);
		const char *k = db_col_text(st, 1);
		html_printf(o, "<li class=\"incident-row\"><a href=\"/incidents/%D\"><strong>%s</strong>"
			       "<span class=\"badge acc-%s\">%s</span>", id, db_col_text(st, 2), k,
			    T(r, arena_printf(&r->arena, "accident.kind.%s", k)));
		if (!strcmp(k, "accident"))
			html_printf(o, " <span class=\"badge\">%s</span>", level_label(r, db_col_text(st, 10)));
		html_printf(o, "<small>%s · %s · %s</small>", db_col_text(st, 3), page_time(r, db_col_i64(st, 4)),
			    T(r, arena_printf(&r->arena, "accident.status.%s", db_col_text(st, 11))));
		if (db_col_i64(st, 12) && !db_col_i64(st, 14))
			html_printf(o, "<small class=\"acc-clock\">%s</small>", clock_text(r, db_col_i64(st, 13)));
		html_printf(o, "</a></li>");
	}
	db_done(r->db, st);
	html_printf(o, "</ul>");
	const char *base = *todo ? arena_printf(&r->arena, "/incidents?todo=%s", todo)
				 : *kind ? arena_printf(&r->arena, "/incidents?kind=%s", kind) : "/incidents";
	form_pager(r, base, page, per_page, total);
	html_printf(o, "</section>");
	page_end(r);
	return 0;
}

/* ---- one incident ---- */

static json_t *row_json(struct req *r, struct db_stmt *st)
{
	(void)r;
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:s, s:s, s:b, s:I, s:I, s:I}",
			      "id", (json_int_t)db_col_i64(st, 0), "kind", db_col_text(st, 1), "what", db_col_text(st, 2),
			      "area", db_col_text(st, 3), "occurred_at", (json_int_t)db_col_i64(st, 4), "type_code",
			      db_col_text(st, 5), "deaths", (json_int_t)db_col_i64(st, 6), "serious",
			      (json_int_t)db_col_i64(st, 7), "minor", (json_int_t)db_col_i64(st, 8), "loss_yuan",
			      (json_int_t)db_col_i64(st, 9), "level", db_col_text(st, 10), "status", db_col_text(st, 11),
			      "reportable", (int)db_col_i64(st, 12), "reporter_id", (json_int_t)db_col_i64(st, 15),
			      "unit_id", (json_int_t)db_col_i64(st, 16), "area_id", (json_int_t)db_col_i64(st, 17));
	json_object_set_new(o, "report_due", db_col_i64(st, 13) ? json_integer(db_col_i64(st, 13)) : json_null());
	json_object_set_new(o, "reported_externally_at", db_col_i64(st, 14) ? json_integer(db_col_i64(st, 14)) : json_null());
	json_object_set_new(o, "escalated_at", db_col_i64(st, 18) ? json_integer(db_col_i64(st, 18)) : json_null());
	json_object_set_new(o, "seconds_left", db_col_i64(st, 12) && !db_col_i64(st, 14)
		? json_integer(db_col_i64(st, 13) - clock_now()) : json_null());
	json_object_set_new(o, "has_photo", json_boolean(*db_col_text(st, 19)));
	return o;
}

static json_t *step_json(struct db_stmt *st, int note, int at)
{
	if (db_col_null(st, at))
		return json_null();
	return json_pack("{s:s, s:I}", "text", db_col_text(st, note), "at", (json_int_t)db_col_i64(st, at));
}

json_t *accident_json(struct req *r, int64_t id)
{
	struct db_stmt *st = db_query(r->db, ROW_COLS ", i.cause_note, i.cause_at, i.responsibility_note, i.responsibility_at,"
				      " i.lessons_note, i.lessons_at, i.measures_note, i.measures_at, coalesce(i.root_cause, ''),"
				      " coalesce(i.ext_note, '')"
				      " FROM incidents i JOIN areas ar ON ar.id = i.area_id WHERE i.id = ?", "I", id);
	json_t *o = NULL;
	if (st && db_step(st) == 1) {
		o = row_json(r, st);
		json_object_set_new(o, "steps", json_pack("{s:o, s:o, s:o, s:o}", "cause", step_json(st, 21, 22),
							   "responsibility", step_json(st, 23, 24), "lessons",
							   step_json(st, 25, 26), "measures", step_json(st, 27, 28)));
		json_object_set_new(o, "root_cause", *db_col_text(st, 29) ? json_string(db_col_text(st, 29)) : json_null());
		json_object_set_new(o, "external_note", *db_col_text(st, 30) ? json_string(db_col_text(st, 30)) : json_null());
	}
	db_done(r->db, st);
	if (!o)
		return json_object();
	json_t *people = json_array();
	st = db_query(r->db, "SELECT name, injury FROM incident_people WHERE incident_id = ? ORDER BY id", "I", id);
	while (st && db_step(st) == 1)
		json_array_append_new(people, json_pack("{s:s, s:s}", "name", db_col_text(st, 0), "injury", db_col_text(st, 1)));
	db_done(r->db, st);
	json_object_set_new(o, "people", people);
	json_t *acts = json_array();
	st = db_query(r->db, "SELECT id, title, owner_id, due_day, status, coalesce(done_at, 0) FROM incident_actions"
			     " WHERE incident_id = ? ORDER BY id", "I", id);
	while (st && db_step(st) == 1) {
		char d[16];
		json_t *a = json_pack("{s:I, s:s, s:I, s:s, s:s}", "id", (json_int_t)db_col_i64(st, 0), "title",
				      db_col_text(st, 1), "owner_id", (json_int_t)db_col_i64(st, 2), "due",
				      day_format(db_col_i64(st, 3), d), "status", db_col_text(st, 4));
		json_object_set_new(a, "done_at", db_col_i64(st, 5) ? json_integer(db_col_i64(st, 5)) : json_null());
		json_array_append_new(acts, a);
	}
	db_done(r->db, st);
	json_object_set_new(o, "actions", acts);
	return o;
}

/* The incident id of the route if the caller may see it; else answered 404 and 0. */
static int64_t visible_id(struct req *r)
{
	int64_t id;
	if (req_param_id(r, "id", &id) || !accident_visible(r, id)) {
		entity_not_found(r);
		return 0;
	}
	return id;
}

static void step_form(struct req *r, int64_t id, int k, const char *text, const char *root)
{
	struct strbuf *o = &r->out;
	const char *step = accident_steps[k];
	html_printf(o, "<form method=\"post\" action=\"/incidents/%D/steps\" class=\"stack\">%r"
		       "<input type=\"hidden\" name=\"step\" value=\"%s\">", id, page_csrf(r), step);
	if (k == 0) {
		html_printf(o, "<label>%s<select name=\"root_cause\" required><option value=\"\"></option>", T(r, "accident.root_cause"));
		struct db_stmt *st = db_query(r->db, strcmp(r->lang, "en") ? "SELECT code, name_zh FROM accident_causes ORDER BY sort"
									    : "SELECT code, name_en FROM accident_causes ORDER BY sort", NULL);
		while (st && db_step(st) == 1)
			html_printf(o, "<option value=\"%s\"%r>%s</option>", db_col_text(st, 0),
				    !strcmp(root, db_col_text(st, 0)) ? " selected" : "", db_col_text(st, 1));
		db_done(r->db, st);
		html_printf(o, "</select></label>");
	}
	html_printf(o, "<label>%s<textarea name=\"text\" rows=\"3\" maxlength=\"4000\" required>%s</textarea></label>"
		       "<button type=\"submit\">%s</button></form>",
		    T(r, arena_printf(&r->arena, "accident.step_hint.%s", step)), text, T(r, "form.save"));
}

int accident_show(struct req *r)
{
	int64_t id = visible_id(r);
	if (!id)
		return 0;
	if (r->is_api) {
		resp_json(r, 200, accident_json(r, id));
		return 0;
	}
	struct db_stmt *st = db_query(r->db, ROW_COLS ", coalesce(i.cause_note, ''), coalesce(i.responsibility_note, ''),"
				      " coalesce(i.lessons_note, ''), coalesce(i.measures_note, ''), coalesce(i.root_cause, ''),"
				      " coalesce(i.ext_note, ''), t.name_zh, t.name_en, us.name, i.cause_at IS NOT NULL,"
				      " i.responsibility_at IS NOT NULL, i.lessons_at IS NOT NULL, i.measures_at IS NOT NULL"
				      " FROM incidents i JOIN areas ar ON ar.id = i.area_id JOIN accident_types t ON t.code = i.type_code"
				      " JOIN users us ON us.id = i.reporter_id WHERE i.id = ?", "I", id);
	if (!st || db_step(st) != 1) {
		db_done(r->db, st);
		entity_not_found(r);
		return 0;
	}
	struct strbuf *o = &r->out;
	const char *kind = db_col_text(st, 1);
	int open = !strcmp(db_col_text(st, 11), "open");
	int reportable = (int)db_col_i64(st, 12);
	int64_t due = db_col_i64(st, 13), ext = db_col_i64(st, 14);
	page_begin(r, db_col_text(st, 2));
	if (req_query_flag(r, "created", 0))
		page_notice(r, "ok", T(r, !strcmp(kind, "near_miss") ? "accident.thanks_near_miss" : "accident.thanks"));
	html_printf(o, "<article class=\"card acc-show\"><h1>%s</h1><p><span class=\"badge acc-%s\">%s</span>", db_col_text(st, 2),
		    kind, T(r, arena_printf(&r->arena, "accident.kind.%s", kind)));
	if (!strcmp(kind, "accident"))
		html_printf(o, " <span class=\"badge acc-level\" data-level=\"%s\">%s</span>", db_col_text(st, 10),
			    level_label(r, db_col_text(st, 10)));
	html_printf(o, " <span class=\"badge\">%s</span></p>", T(r, arena_printf(&r->arena, "accident.status.%s", db_col_text(st, 11))));
	/* the one-hour clock (493号 Art. 9), shown to everyone who may see it, with the button to
	 * those who must report */
	if (reportable && !ext) {
		html_printf(o, "<section class=\"notice notice-error acc-clock-box\" data-seconds-left=\"%D\"><strong>%s</strong>"
			       "<p class=\"acc-clock\">%s · %s %s</p>",
			    due - clock_now(), T(r, "accident.clock_title"), clock_text(r, due), T(r, "accident.clock_due"),
			    page_time(r, due));
		if (auth_has(r, "accident.external") && open)
			html_printf(o, "<form method=\"post\" action=\"/incidents/%D/report\" class=\"stack\">%r<label>%s"
				       "<input name=\"note\" maxlength=\"500\" required placeholder=\"%s\"></label>"
				       "<button class=\"primary\" type=\"submit\">%s</button></form>",
				    id, page_csrf(r), T(r, "accident.note"), T(r, "accident.note_hint"), T(r, "accident.mark_reported"));
		html_printf(o, "</section>");
	} else if (reportable) {
		html_printf(o, "<p class=\"notice notice-ok\">%s %s · %s</p>", T(r, "accident.reported_at"), page_time(r, ext),
			    db_col_text(st, 26));
	}
	html_printf(o, "<dl class=\"acc-facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
		       "<dt>%s</dt><dd>%s</dd>",
		    T(r, "accident.area"), db_col_text(st, 3), T(r, "accident.occurred"), page_time(r, db_col_i64(st, 4)),
		    T(r, "accident.type"), db_col_text(st, strcmp(r->lang, "en") ? 27 : 28), T(r, "accident.reporter"),
		    db_col_text(st, 29));
	if (!strcmp(kind, "accident"))
		html_printf(o, "<dt>%s</dt><dd>%s %D · %s %D · %s %D</dd><dt>%s</dt><dd>%s</dd>", T(r, "accident.casualties"),
			    T(r, "accident.deaths"), db_col_i64(st, 6), T(r, "accident.serious"), db_col_i64(st, 7),
			    T(r, "accident.minor"), db_col_i64(st, 8), T(r, "accident.loss_wan"),
			    arena_printf(&r->arena, "%.2f", (double)db_col_i64(st, 9) / 10000.0));
	html_printf(o, "</dl>");
	if (*db_col_text(st, 19))
		html_printf(o, "<a href=\"/incidents/%D/photo\"><img class=\"acc-photo-img\" src=\"/incidents/%D/photo?thumb=1\" alt=\"%s\"></a>",
			    id, id, T(r, "accident.photo"));
	struct db_stmt *pp = db_query(r->db, "SELECT name, injury FROM incident_people WHERE incident_id = ? ORDER BY id", "I", id);
	int any = 0;
	while (pp && db_step(pp) == 1) {
		html_printf(o, "%r<li>%s · %s</li>", any++ ? "" : "<ul class=\"acc-named\">", db_col_text(pp, 0),
			    T(r, arena_printf(&r->arena, "accident.injury.%s", db_col_text(pp, 1))));
	}
	db_done(r->db, pp);
	if (any)
		html_printf(o, "</ul>");
	html_printf(o, "</article>");
	emerg_incident_panel(r, id);	/* emergency mode: opened here, its record kept for the investigation */
	/* 四不放过 */
	int inv = auth_has(r, "accident.investigate") && open;
	html_printf(o, "<section class=\"card acc-steps\"><h2>%s</h2><ol>", T(r, "accident.four_nots"));
	for (int k = 0; k < 4; k++) {
		int done = (int)db_col_i64(st, 30 + k);
		const char *text = db_col_text(st, 21 + k);
		html_printf(o, "<li data-step=\"%s\" class=\"%s\"><strong>%s</strong>", accident_steps[k], done ? "done" : "todo",
			    T(r, arena_printf(&r->arena, "accident.step.%s", accident_steps[k])));
		if (k == 0 && done && *db_col_text(st, 25))
			html_printf(o, " <span class=\"badge\">%s</span>", T(r, arena_printf(&r->arena, "accident.cause.%s", db_col_text(st, 25))));
		if (done)
			html_printf(o, "<p class=\"step-text\">%s</p>", text);
		else
			html_printf(o, "<p class=\"sub\">%s</p>", T(r, "accident.step_missing"));
		/* a recorded step may be corrected while the case is open; the form folds away */
		if (inv && done)
			html_printf(o, "<details><summary>%s</summary>", T(r, "accident.step_edit"));
		if (inv)
			step_form(r, id, k, text, db_col_text(st, 25));
		if (inv && done)
			html_printf(o, "</details>");
		html_printf(o, "</li>");
	}
	html_printf(o, "</ol></section>");
	db_done(r->db, st);
	/* corrective actions */
	html_printf(o, "<section class=\"card acc-actions\"><h2>%s</h2><ul>", T(r, "accident.actions"));
	st = db_query(r->db, "SELECT a.id, a.title, us.name, a.due_day, a.status, a.owner_id FROM incident_actions a"
			     " JOIN users us ON us.id = a.owner_id WHERE a.incident_id = ? ORDER BY a.id", "I", id);
	while (st && db_step(st) == 1) {
		char d[16];
		int aopen = !strcmp(db_col_text(st, 4), "open");
		int late = aopen && db_col_i64(st, 3) < day_today();
		html_printf(o, "<li data-action=\"%D\" class=\"%s%s\"><strong>%s</strong> <small>%s · %s %s · %s</small>",
			    db_col_i64(st, 0), db_col_text(st, 4), late ? " late" : "", db_col_text(st, 1), db_col_text(st, 2),
			    T(r, "accident.due"), day_format(db_col_i64(st, 3), d),
			    T(r, arena_printf(&r->arena, "accident.action_status.%s", db_col_text(st, 4))));
		if (aopen && (db_col_i64(st, 5) == r->who->user_id || auth_has(r, "accident.investigate")))
			html_printf(o, "<form method=\"post\" action=\"/incidents/actions/%D/done\" class=\"acc-row\">%r"
				       "<label>%s<input name=\"note\" maxlength=\"1000\" required></label><button type=\"submit\">%s</button></form>",
				    db_col_i64(st, 0), page_csrf(r), T(r, "accident.done_note"), T(r, "accident.action_done"));
		html_printf(o, "</li>");
	}
	db_done(r->db, st);
	html_printf(o, "</ul>");
	if (inv) {
		html_printf(o, "<form method=\"post\" action=\"/incidents/%D/actions\" class=\"stack\">%r<h3>%s</h3>"
			       "<label>%s<input name=\"title\" maxlength=\"200\" required></label><label>%s<select name=\"owner_id\" required>"
			       "<option value=\"\"></option>", id, page_csrf(r), T(r, "accident.action_new"), T(r, "accident.action_title"),
			    T(r, "accident.owner"));
		form_opts_scope_users(r, NULL, 0);
		html_printf(o, "</select></label><label>%s<input name=\"due\" type=\"date\" required>%r</label>"
			       "<button type=\"submit\">%s</button></form>", T(r, "accident.due"), page_date_hint(r),
			    T(r, "accident.action_add"));
		html_printf(o, "<form method=\"post\" action=\"/incidents/%D/close\">%r<button class=\"primary\" type=\"submit\">%s</button>"
			       "<small class=\"hint\">%s</small></form>", id, page_csrf(r), T(r, "accident.close"),
			    T(r, "accident.close_hint"));
	}
	html_printf(o, "</section>");
	page_end(r);
	return 0;
}

/* ---- lifecycle posts ---- */

static int answer(struct req *r, int64_t id, int rc, const struct accident_err *e, int created)
{
	if (rc < 0) {
		const char *msg = e->field ? arena_printf(&r->arena, "%s%s%s", T(r, label_of(e->field)), T(r, "form.colon"), T(r, e->key))
					   : T(r, e->key);
		resp_error(r, e->status, e->status == 422 ? "invalid" : e->status == 409 ? "conflict"
					  : e->status == 404 ? "not_found" : e->status == 403 ? "forbidden" : "unavailable",
			   msg, e->field);
		return 0;
	}
	if (r->is_api)
		resp_json(r, created ? 201 : 200, accident_json(r, id));
	else
		resp_redirect(r, arena_printf(&r->arena, "/incidents/%lld", (long long)id));
	return 0;
}

int accident_report_post(struct req *r)
{
	int64_t id = visible_id(r);
	if (!id)
		return 0;
	struct actor a;
	actor_from_req(r, &a);
	struct accident_err e = {0};
	const char *note = req_field(r, "note");
	return answer(r, id, accident_mark_reported(&a, id, note, &e), &e, 0);
}

int accident_step_post(struct req *r)
{
	int64_t id = visible_id(r);
	if (!id)
		return 0;
	struct actor a;
	actor_from_req(r, &a);
	struct accident_err e = {0};
	int rc = accident_record_step(&a, id, req_field(r, "step"), req_field(r, "text"), req_field(r, "root_cause"), &e);
	return answer(r, id, rc, &e, 0);
}

int accident_action_post(struct req *r)
{
	int64_t id = visible_id(r);
	if (!id)
		return 0;
	struct actor a;
	actor_from_req(r, &a);
	struct accident_err e = {0};
	int64_t owner = 0, due = 0;
	const char *os = req_field(r, "owner_id"), *ds = req_field(r, "due");
	char *end = NULL;
	if (os && *os) {
		owner = strtoll(os, &end, 10);
		if (*end || owner <= 0)
			owner = -1;
	}
	if (ds && *ds && day_parse(ds, &due)) {
		e = (struct accident_err){422, "form.err_day", "due"};
		return answer(r, id, -1, &e, 0);
	}
	if (owner < 0) {
		e = (struct accident_err){422, "accident.err_unknown", "owner_id"};
		return answer(r, id, -1, &e, 0);
	}
	/* the owner must be someone the investigator may put on it: in their data scope */
	if (owner > 0) {
		int64_t ok = 0;
		db_get_i64(r->db, &ok, "SELECT count(*) FROM users us JOIN units un ON un.id = us.unit_id WHERE us.id = ?"
				       " AND un.path LIKE ?", "It", owner, auth_scope_pattern(r));
		if (!ok) {
			e = (struct accident_err){422, "accident.err_unknown", "owner_id"};
			return answer(r, id, -1, &e, 0);
		}
	}
	/* a day as the API's JSON sends it is the day's number too: day_parse accepts the text */
	int64_t aid = accident_action_add(&a, id, req_field(r, "title"), owner, due ? due : 0, &e);
	return answer(r, id, aid < 0 ? -1 : 0, &e, 1);
}

int accident_action_done_post(struct req *r)
{
	int64_t aid, incident = 0;
	if (req_param_id(r, "id", &aid) ||
	    db_get_i64(r->db, &incident, "SELECT incident_id FROM incident_actions WHERE id = ?", "I", aid) != 1 ||
	    !accident_visible(r, incident)) {
		entity_not_found(r);
		return 0;
	}
	struct actor a;
	actor_from_req(r, &a);
	struct accident_err e = {0};
	return answer(r, incident, accident_action_done(&a, aid, req_field(r, "note"), &e), &e, 0);
}

int accident_close_post(struct req *r)
{
	int64_t id = visible_id(r);
	if (!id)
		return 0;
	struct actor a;
	actor_from_req(r, &a);
	struct accident_err e = {0};
	return answer(r, id, accident_close(&a, id, &e), &e, 0);
}

int accident_photo_get(struct req *r)
{
	int64_t id = visible_id(r);
	if (!id)
		return 0;
	struct db_stmt *st = db_query(r->db, req_query_flag(r, "thumb", 0)
		? "SELECT b.thumb_sha256 FROM incidents i JOIN blobs b ON b.sha256 = i.photo_sha WHERE i.id = ? AND b.thumb_sha256 IS NOT NULL"
		: "SELECT photo_sha FROM incidents WHERE id = ? AND photo_sha IS NOT NULL", "I", id);
	struct blob b = {0};
	int got = st && db_step(st) == 1 ? blob_get(r->db, db_col_text(st, 0), &b) : 0;
	db_done(r->db, st);
	if (got == 1) {
		resp_text(r, 200, "image/jpeg", (const char *)b.bytes, b.len);
		resp_header(r, "Content-Disposition", "inline");
		resp_header(r, "Cache-Control", "private, max-age=3600");
	} else {
		entity_not_found(r);
	}
	blob_free(&b);
	return 0;
}
