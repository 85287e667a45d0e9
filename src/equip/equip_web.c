/*
 * equip_web.c — special equipment pages and JSON API: the registry with inspection state
 * and overdue counts, a device's page with its inspection and maintenance records, adding and
 * editing a device, recording an inspection (which moves the due date) or maintenance.
 *
 * The same handler answers the page and the API route (r->is_api picks the answer's shape).
 * Data scope: the device's unit; owner = its responsible person.
 */
#include "equip/equip.h"
#include "feeds/feeds.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/text.h"
#include "cert/cert.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/page_lang.h"

#include <stdlib.h>
#include <string.h>

static int64_t col_day(struct db_stmt *st, int i)
{
	return db_col_null(st, i) ? CERT_NODAY : db_col_i64(st, i);
}

static const char *day_s(struct req *r, int64_t day)
{
	char d[16];
	return arena_strdup(&r->arena, cert_day_format(day, d));
}

static json_t *day_json(int64_t day)
{
	char d[16];
	return day == CERT_NODAY ? json_null() : json_string(cert_day_format(day, d));
}

static html_raw state_badge(struct req *r, enum equip_state s)
{
	struct strbuf sb = STRBUF_INIT;
	char key[32];
	snprintf(key, sizeof(key), "equip.state.%s", equip_state_code(s));
	html_printf(&sb, "<span class=\"badge %s\" data-state=\"%s\">%s</span>", equip_state_badge(s),
		    equip_state_code(s), T(r, key));
	char *out = arena_strdup(&r->arena, sb.buf);
	sb_release(&sb);
	return out;
}

static const char *kind_name(struct req *r, const char *kind)
{
	char *name = NULL;
	int en = !strcmp(r->lang, "en");
	if (db_get_text(r->db, &name, en ? "SELECT name_en FROM equip_kinds WHERE code = ?"
					 : "SELECT name_zh FROM equip_kinds WHERE code = ?", "t", kind) != 1)
		return kind;
	char *s = arena_strdup(&r->arena, name);
	free(name);
	return s;
}

static void not_found(struct req *r)
{
	resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
}

/* 0 if the device exists and is in scope (else 404 answered) */
static int in_scope(struct req *r, int64_t id)
{
	struct db_stmt *st = db_query(r->db, "SELECT unit_id, COALESCE(responsible_user_id, 0) FROM equipment WHERE id = ?",
				    "I", id);
	int ok = st && db_step(st) == 1 && auth_scope_allows(r, db_col_i64(st, 0), db_col_i64(st, 1));
	db_done(r->db, st);
	if (!ok)
		not_found(r);
	return ok ? 0 : -1;
}

#define EQ_COLS "e.id, e.code, e.name, e.kind, e.reg_no, u.name, COALESCE(a.name, e.location), COALESCE(ru.name, '')," \
		" e.last_inspection_on, e.next_inspection_on, COALESCE(e.interval_months, 0), COALESCE(e.safety_grade, 0)," \
		" e.unit_id, COALESCE(e.responsible_user_id, 0), e.location, COALESCE(e.area_id, 0), COALESCE(k.special, 0)"
#define EQ_FROM " FROM equipment e JOIN units u ON u.id = e.unit_id LEFT JOIN areas a ON a.id = e.area_id" \
		" LEFT JOIN users ru ON ru.id = e.responsible_user_id LEFT JOIN equip_kinds k ON k.code = e.kind"

static json_t *eq_json(struct db_stmt *st, int64_t today)
{
	enum equip_state s = equip_state_at(today, col_day(st, 9));
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:i, s:i, s:I, s:I, s:s, s:b}",
		"id", (json_int_t)db_col_i64(st, 0), "code", db_col_text(st, 1), "name", db_col_text(st, 2),
		"kind", db_col_text(st, 3), "reg_no", db_col_text(st, 4), "unit", db_col_text(st, 5),
		"location", db_col_text(st, 6), "responsible", db_col_text(st, 7),
		"last_inspection_on", day_json(col_day(st, 8)), "next_inspection_on", day_json(col_day(st, 9)),
		"interval_months", (int)db_col_i64(st, 10), "safety_grade", (int)db_col_i64(st, 11),
		"unit_id", (json_int_t)db_col_i64(st, 12), "responsible_user_id", (json_int_t)db_col_i64(st, 13),
		"state", equip_state_code(s), "special", db_col_i64(st, 16) != 0);
}

/* ?state=due: the inspections the equipment manager must arrange now — past, or within a
 * month; the home page's "waiting for me" line opens this list and counts it */
static int state_match(const char *want, enum equip_state s)
{
	if (!strcmp(want, "due"))
		return s == EQUIP_OVERDUE || s == EQUIP_DUE30;
	return !strcmp(want, equip_state_code(s));
}

static struct db_stmt *list_query(struct req *r, const char *kind, int only_special)
{
	return db_query(r->db, "SELECT " EQ_COLS EQ_FROM
		" WHERE e.active = 1 AND u.path LIKE ? AND (? = 0 OR e.responsible_user_id = ?)"
		" AND (? = '' OR e.kind = ?) AND (? = 0 OR COALESCE(k.special, 0) = 1)"
		" ORDER BY COALESCE(e.next_inspection_on, 99999999), e.code",
		"tIIttI", auth_scope_pattern(r), auth_scope_owner(r), auth_scope_owner(r), kind ? kind : "",
		kind ? kind : "", (int64_t)only_special);
}

int64_t equip_todo_count(struct req *r)
{
	int64_t n = 0, today = cert_today();
	struct db_stmt *st = list_query(r, NULL, 0);	/* every device, as /equipment?state=due&all=1 */
	while (st && db_step(st) == 1)
		n += state_match("due", equip_state_at(today, col_day(st, 9)));
	db_done(r->db, st);
	return n;
}

/* ---- GET /equipment and /api/v1/equipment ---- */
static int equip_list(struct req *r)
{
	int64_t today = cert_today();
	const char *kind = req_query(r, "kind"), *state = req_query(r, "state");
	int only_special = !req_query_flag(r, "all", 0);
	int64_t known = 0;
	/* an unknown kind or state is a 400 naming it (router.c), not an empty list */
	if (kind && *kind && db_get_i64(r->db, &known, "SELECT 1 FROM equip_kinds WHERE code = ?", "t", kind) != 1)
		req_bad_param(r, "kind");
	if (state && *state && strcmp(state, "due")) {
		int s = 0;
		while (s <= EQUIP_UNKNOWN && strcmp(state, equip_state_code((enum equip_state)s)))
			s++;
		if (s > EQUIP_UNKNOWN)
			req_bad_param(r, "state");
	}
	struct db_stmt *st = list_query(r, kind, only_special);
	int counts[5] = {0};
	json_t *items = json_array();
	struct strbuf rows = STRBUF_INIT;
	struct pager pg;
	if (r->is_api)
		pager_start(r, HTTP_PER_PAGE_MAX, &pg);
	while (st && db_step(st) == 1) {
		enum equip_state s = equip_state_at(today, col_day(st, 9));
		counts[s]++;
		if (state && *state && !state_match(state, s))
			continue;
		if (r->is_api) {
			if (pager_take(&pg))
				json_array_append_new(items, eq_json(st, today));
			continue;
		}
		html_printf(&rows, "<tr class=\"eq-%s\"><td><a href=\"/equipment/%D\">%s</a></td><td>%s</td><td>%s</td>"
				   "<td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%r %r</td></tr>",
			    equip_state_code(s), db_col_i64(st, 0), db_col_text(st, 1), db_col_text(st, 2),
			    kind_name(r, db_col_text(st, 3)), db_col_text(st, 4), db_col_text(st, 6), db_col_text(st, 7),
			    day_s(r, col_day(st, 9)), state_badge(r, s), feeds_health_html(r, db_col_i64(st, 0)));
	}
	db_done(r->db, st);
	if (r->is_api) {
		sb_release(&rows);
		pager_reply(r, &pg, items, json_pack("{s:{s:i, s:i, s:i, s:i, s:i}}", "counts",
			"ok", counts[EQUIP_OK], "due60", counts[EQUIP_DUE60], "due30", counts[EQUIP_DUE30],
			"overdue", counts[EQUIP_OVERDUE], "unknown", counts[EQUIP_UNKNOWN]));
		return 0;
	}
	json_decref(items);
	page_begin(r, T(r, "nav.equipment"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><p class=\"eq-counts\">"
			     "<span class=\"badge bad\" data-count=\"overdue\">%s %d</span> "
			     "<span class=\"badge warn\" data-count=\"due30\">%s %d</span> "
			     "<span class=\"badge warn\" data-count=\"due60\">%s %d</span></p>",
		    T(r, "nav.equipment"), T(r, "equip.state.overdue"), counts[EQUIP_OVERDUE], T(r, "equip.state.due30"),
		    counts[EQUIP_DUE30], T(r, "equip.state.due60"), counts[EQUIP_DUE60]);
	if (auth_has(r, "equip.admin"))
		html_printf(&r->out, "<p><a class=\"button\" href=\"/equipment/new\">%s</a></p>", T(r, "equip.add"));
	html_printf(&r->out, "<form class=\"filters\" method=\"get\" action=\"/equipment\"><label>%s<select name=\"state\">"
			     "<option value=\"\">%s</option>", T(r, "equip.state"), T(r, "equip.all_states"));
	static const char *const states[] = {"due", "overdue", "due30", "due60", "ok", "unknown", NULL};
	for (int i = 0; states[i]; i++) {
		char key[32];
		snprintf(key, sizeof(key), "equip.state.%s", states[i]);
		html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", states[i],
			    state && !strcmp(state, states[i]) ? " selected" : "", T(r, key));
	}
	html_printf(&r->out, "</select></label><button>%s</button></form>"
			     "<div class=\"table-wrap\"><table class=\"equipment\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
			     "<th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>%r</tbody></table></div>"
			     "</section>",
		    T(r, "cert.filter"), T(r, "equip.code"), T(r, "equip.name"), T(r, "equip.kind"), T(r, "equip.reg_no"),
		    T(r, "equip.location"), T(r, "equip.responsible"), T(r, "equip.next_inspection"), T(r, "equip.state"),
		    html_raw_sb(&rows));
	sb_release(&rows);
	page_end(r);
	return 0;
}

/* ---- GET /equipment/:id and /api/v1/equipment/:id ---- */

/* A device as the API answers it: the registry's fields with its inspection and maintenance
 * records, newest first. NULL when there is no such device. */
static json_t *device_json(struct req *r, int64_t id)
{
	struct db_stmt *st = db_query(r->db, "SELECT " EQ_COLS EQ_FROM " WHERE e.id = ?", "I", id);
	json_t *j = st && db_step(st) == 1 ? eq_json(st, cert_today()) : NULL;
	db_done(r->db, st);
	if (!j)
		return NULL;
	json_t *insp = json_array(), *maint = json_array();
	st = db_query(r->db, "SELECT inspected_on, kind, agency, report_no, result, next_due_on, note FROM equip_inspections"
			     " WHERE equipment_id = ? ORDER BY inspected_on DESC, id DESC", "I", id);
	while (st && db_step(st) == 1)
		json_array_append_new(insp, json_pack("{s:o, s:s, s:s, s:s, s:s, s:o, s:s}", "inspected_on",
			day_json(col_day(st, 0)), "kind", db_col_text(st, 1), "agency", db_col_text(st, 2), "report_no",
			db_col_text(st, 3), "result", db_col_text(st, 4), "next_due_on", day_json(col_day(st, 5)),
			"note", db_col_text(st, 6)));
	db_done(r->db, st);
	st = db_query(r->db, "SELECT done_on, description, done_by FROM equip_maintenance WHERE equipment_id = ?"
			     " ORDER BY done_on DESC, id DESC", "I", id);
	while (st && db_step(st) == 1)
		json_array_append_new(maint, json_pack("{s:o, s:s, s:s}", "done_on", day_json(col_day(st, 0)),
			"description", db_col_text(st, 1), "done_by", db_col_text(st, 2)));
	db_done(r->db, st);
	json_object_set_new(j, "inspections", insp);
	json_object_set_new(j, "maintenance", maint);
	return j;
}

static int equip_show(struct req *r)
{
	int64_t id, today = cert_today();
	if (req_param_id(r, "id", &id)) {
		not_found(r);
		return 0;
	}
	if (in_scope(r, id))
		return 0;
	if (r->is_api) {
		json_t *j = device_json(r, id);
		if (j)
			resp_json(r, 200, j);
		else
			not_found(r);
		return 0;
	}
	struct db_stmt *st = db_query(r->db, "SELECT " EQ_COLS EQ_FROM " WHERE e.id = ?", "I", id);
	if (!st || db_step(st) != 1) {
		db_done(r->db, st);
		not_found(r);
		return 0;
	}
	enum equip_state s = equip_state_at(today, col_day(st, 9));
	const char *code = arena_strdup(&r->arena, db_col_text(st, 1));
	page_begin(r, code);
	html_printf(&r->out, "<section class=\"card\"><h1>%s %s %r %r</h1><dl class=\"facts\">"
			     "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
			     "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>",
		    code, db_col_text(st, 2), state_badge(r, s), feeds_health_html(r, id), T(r, "equip.kind"), kind_name(r, db_col_text(st, 3)),
		    T(r, "equip.reg_no"), db_col_text(st, 4), T(r, "cert.unit"), db_col_text(st, 5),
		    T(r, "equip.location"), db_col_text(st, 6), T(r, "equip.responsible"), db_col_text(st, 7),
		    T(r, "equip.last_inspection"), day_s(r, col_day(st, 8)), T(r, "equip.next_inspection"),
		    day_s(r, col_day(st, 9)));
	html_printf(&r->out, "<dt>%s</dt><dd>%D</dd>", T(r, "equip.interval_months"),
		    (int64_t)equip_interval_months(r->db, db_col_text(st, 3), (int)db_col_i64(st, 10),
						   (int)db_col_i64(st, 11)));
	if (db_col_i64(st, 11))
		html_printf(&r->out, "<dt>%s</dt><dd>%D</dd>", T(r, "equip.safety_grade"), db_col_i64(st, 11));
	html_printf(&r->out, "</dl>");
	if (auth_has(r, "equip.admin"))
		html_printf(&r->out, "<p><a class=\"button\" href=\"/equipment/%D/edit\">%s</a></p>", id, T(r, "cert.edit"));
	html_printf(&r->out, "</section>");
	db_done(r->db, st);

	struct strbuf ih = STRBUF_INIT, mh = STRBUF_INIT;
	st = db_query(r->db, "SELECT inspected_on, agency, report_no, result, next_due_on, note FROM equip_inspections"
			     " WHERE equipment_id = ? ORDER BY inspected_on DESC, id DESC", "I", id);
	while (st && db_step(st) == 1) {
		char key[32];
		snprintf(key, sizeof(key), "equip.result.%s", db_col_text(st, 3));
		html_printf(&ih, "<li><strong>%s</strong> %s · %s %s · %s<br><small>%s</small></li>", day_s(r, col_day(st, 0)),
			    T(r, key), db_col_text(st, 1), db_col_text(st, 2), day_s(r, col_day(st, 4)), db_col_text(st, 5));
	}
	db_done(r->db, st);
	st = db_query(r->db, "SELECT done_on, description, done_by FROM equip_maintenance WHERE equipment_id = ?"
			     " ORDER BY done_on DESC, id DESC", "I", id);
	while (st && db_step(st) == 1)
		html_printf(&mh, "<li><strong>%s</strong> %s <small>%s</small></li>", day_s(r, col_day(st, 0)),
			    db_col_text(st, 1), db_col_text(st, 2));
	db_done(r->db, st);
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><ul class=\"list\">%r</ul>", T(r, "equip.inspections"), html_raw_sb(&ih));
	if (auth_has(r, "equip.admin"))
		html_printf(&r->out, "<form method=\"post\" action=\"/equipment/%D/inspections\" class=\"stack\">%r"
				     "<label>%s<input type=\"date\" name=\"inspected_on\" required>%r</label>"
				     "<label>%s<select name=\"result\"><option value=\"pass\">%s</option>"
				     "<option value=\"conditional\">%s</option><option value=\"fail\">%s</option></select></label>"
				     "<label>%s<input name=\"agency\"></label><label>%s<input name=\"report_no\"></label>"
				     "<label>%s<input type=\"date\" name=\"next_due_on\">%r<small>%s</small></label>"
				     "<label>%s<input name=\"note\"></label><button>%s</button></form>",
			    id, page_csrf(r), T(r, "equip.inspected_on"), page_date_hint(r), T(r, "equip.result"),
			    T(r, "equip.result.pass"), T(r, "equip.result.conditional"), T(r, "equip.result.fail"),
			    T(r, "equip.agency"), T(r, "equip.report_no"), T(r, "equip.next_inspection"), page_date_hint(r),
			    T(r, "equip.next_hint"),
			    T(r, "cert.note"), T(r, "equip.record_inspection"));
	html_printf(&r->out, "</section><section class=\"card\"><h2>%s</h2><ul class=\"list\">%r</ul>",
		    T(r, "equip.maintenance"), html_raw_sb(&mh));
	if (auth_has(r, "equip.admin"))
		html_printf(&r->out, "<form method=\"post\" action=\"/equipment/%D/maintenance\" class=\"stack\">%r"
				     "<label>%s<input type=\"date\" name=\"done_on\" required>%r</label>"
				     "<label>%s<input name=\"description\" required></label>"
				     "<label>%s<input name=\"done_by\"></label><button>%s</button></form>",
			    id, page_csrf(r), T(r, "equip.done_on"), page_date_hint(r), T(r, "equip.description"), T(r, "equip.done_by"),
			    T(r, "equip.record_maintenance"));
	html_printf(&r->out, "</section>");
	page_end(r);
	sb_release(&ih);
	sb_release(&mh);
	return 0;
}

/* ---- add / edit: web/entity.c's pages and API over these declared fields ---- */

struct equip_row {
	int64_t id, unit_id, owner, last, next;
	const char *code, *name, *kind, *reg_no, *location, *responsible;
	int interval, grade;
};

static void kind_options(struct req *r, const char *selected)
{
	struct db_stmt *st = db_query(r->db, "SELECT code FROM equip_kinds ORDER BY sort", NULL);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<option value=\"%s\"%r>%s</option>", db_col_text(st, 0),
			    !strcmp(selected, db_col_text(st, 0)) ? " selected" : "", kind_name(r, db_col_text(st, 0)));
	db_done(r->db, st);
}

static void unit_options(struct req *r, const void *row, int64_t selected)
{
	(void)row;
	struct db_stmt *st = db_query(r->db, "SELECT id, name FROM units WHERE path LIKE ? AND active = 1 ORDER BY path", "t",
				    auth_scope_pattern(r));
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<option value=\"%D\"%r>%s</option>", db_col_i64(st, 0),
			    db_col_i64(st, 0) == selected ? " selected" : "", db_col_text(st, 1));
	db_done(r->db, st);
}

enum { F_CODE, F_NAME, F_KIND, F_UNIT, F_REG, F_LOC, F_RESP, F_LAST, F_NEXT, F_MONTHS, F_GRADE };
static const struct form_field equip_fields[] = {
	{"code", "equip.code", FORM_TEXT, FORM_REQUIRED, .max = 32},
	{"name", "equip.name", FORM_TEXT, FORM_REQUIRED, .max = 100},
	{"kind", "equip.kind", FORM_CHOICE, FORM_REQUIRED, .choice_options = kind_options},	/* equip_check */
	{"unit_id", "cert.unit", FORM_ID, FORM_REQUIRED, .options = unit_options},
	{"reg_no", "equip.reg_no", FORM_TEXT, 0, .max = 64},
	{"location", "equip.location", FORM_TEXT, 0, .max = 100},
	{"responsible", "equip.responsible", FORM_TEXT, 0, .max = 64},	/* a username or a user id */
	{"last_inspection_on", "equip.last_inspection", FORM_DAY, 0, .max = 0},
	{"next_inspection_on", "equip.next_inspection", FORM_DAY, 0, .max = 0},	/* empty: last + interval */
	{"interval_months", "equip.interval_months", FORM_NUMBER, 0, .lo = 0, .hi = 1000},
	/* TSG 21-2016 §8.1.6: a pressure vessel's safety grade is 1 to 5 */
	{"safety_grade", "equip.safety_grade", FORM_NUMBER, 0, .lo = 0, .hi = 5},
	{0},
};

/* The device if it is in the caller's scope (its unit; owner: its responsible person). */
static int equip_load(struct req *r, int64_t id, void *row)
{
	struct equip_row *e = row;
	struct db_stmt *st = db_query(r->db, "SELECT e.id, e.code, e.name, e.kind, e.reg_no, e.location,"
				    " COALESCE(u.username, ''), e.last_inspection_on, e.next_inspection_on,"
				    " COALESCE(e.interval_months, 0), COALESCE(e.safety_grade, 0), e.unit_id,"
				    " COALESCE(e.responsible_user_id, 0) FROM equipment e"
				    " LEFT JOIN users u ON u.id = e.responsible_user_id WHERE e.id = ?", "I", id);
	int found = st && db_step(st) == 1;
	if (found) {
		e->id = db_col_i64(st, 0);
		e->code = arena_strdup(&r->arena, db_col_text(st, 1));
		e->name = arena_strdup(&r->arena, db_col_text(st, 2));
		e->kind = arena_strdup(&r->arena, db_col_text(st, 3));
		e->reg_no = arena_strdup(&r->arena, db_col_text(st, 4));
		e->location = arena_strdup(&r->arena, db_col_text(st, 5));
		e->responsible = arena_strdup(&r->arena, db_col_text(st, 6));
		e->last = col_day(st, 7);
		e->next = col_day(st, 8);
		e->interval = (int)db_col_i64(st, 9);
		e->grade = (int)db_col_i64(st, 10);
		e->unit_id = db_col_i64(st, 11);
		e->owner = db_col_i64(st, 12);
	}
	db_done(r->db, st);
	return found && auth_scope_allows(r, e->unit_id, e->owner) ? 0 : -1;
}

static const char *count_s(struct req *r, int n)
{
	return n ? arena_printf(&r->arena, "%d", n) : "";
}

static void equip_values(struct req *r, const void *row, const char **t)
{
	const struct equip_row *e = row;
	t[F_CODE] = e->code;
	t[F_NAME] = e->name;
	t[F_KIND] = e->kind;
	t[F_UNIT] = arena_printf(&r->arena, "%lld", (long long)e->unit_id);
	t[F_REG] = e->reg_no;
	t[F_LOC] = e->location;
	t[F_RESP] = e->responsible;
	t[F_LAST] = day_s(r, e->last);
	t[F_NEXT] = day_s(r, e->next);
	t[F_MONTHS] = count_s(r, e->interval);
	t[F_GRADE] = count_s(r, e->grade);
}

static const char *equip_title(const void *row)
{
	return ((const struct equip_row *)row)->code;
}

/* The user named by a username or an id; 0 for none; -1 when nobody is. */
static int64_t responsible_id(struct req *r, const char *who)
{
	int64_t id = 0;
	if (*who && db_get_i64(r->db, &id, "SELECT id FROM users WHERE username = ? OR CAST(id AS TEXT) = ?",
			       "tt", who, who) != 1)
		return -1;
	return id;
}

static void equip_check(struct req *r, const void *cur, struct form *f)
{
	const struct equip_row *e = cur;
	int64_t n = 0;
	if (db_get_i64(r->db, &n, "SELECT count(*) FROM equip_kinds WHERE code = ?", "t", f->v[F_KIND].text) != 1 || !n)
		form_fail(r, f, "kind", "form.err_choice");
	if (!auth_scope_allows(r, f->v[F_UNIT].id, -1))
		form_fail(r, f, "unit_id", "form.err_choice");
	if (responsible_id(r, f->v[F_RESP].text) < 0)
		form_fail(r, f, "responsible", "equip.error.no_user");
	if (!form_failed(f) &&
	    db_get_i64(r->db, &n, "SELECT count(*) FROM equipment WHERE code = ? AND id != ?", "tI",
		       f->v[F_CODE].text, e ? e->id : 0) == 1 && n) {
		form_fail(r, f, "code", "equip.error.duplicate");
		f->status = 409;	/* the API has answered a clash of codes with 409 */
	}
}

static int64_t equip_store(struct req *r, const void *cur, const struct form *f)
{
	const struct equip_row *e = cur;
	int64_t last = CERT_NODAY, next = CERT_NODAY;
	int months = (int)f->v[F_MONTHS].num, grade = (int)f->v[F_GRADE].num;
	if (f->v[F_LAST].present)
		cert_parse_date(f->v[F_LAST].text, &last);
	if (f->v[F_NEXT].present)
		cert_parse_date(f->v[F_NEXT].text, &next);
	if (next == CERT_NODAY && last != CERT_NODAY) {
		int m = equip_interval_months(r->db, f->v[F_KIND].text, months, grade);
		if (m)
			next = cert_day_add_months(last, m);
	}
	int64_t resp = responsible_id(r, f->v[F_RESP].text);
	const char *code = f->v[F_CODE].text, *name = f->v[F_NAME].text, *kind = f->v[F_KIND].text;
	const char *reg = f->v[F_REG].text, *loc = f->v[F_LOC].text;
	int64_t unit = f->v[F_UNIT].id;
	if (!e) {
		if (db_exec(r->db, "INSERT INTO equipment (code, name, kind, unit_id, reg_no, location, responsible_user_id,"
				   " last_inspection_on, next_inspection_on, interval_months, safety_grade, created_at)"
				   " VALUES (?, ?, ?, ?, ?, ?, NULLIF(?, 0), NULLIF(?, -1000000), NULLIF(?, -1000000),"
				   " NULLIF(?, 0), NULLIF(?, 0), ?)",
			    "tttIttIIIiiI", code, name, kind, unit, reg, loc, resp, cert_day_arg(last),
			    cert_day_arg(next), months, grade, clock_now()) != DB_OK)
			return -1;
		return db_last_id(r->db);
	}
	return db_exec(r->db, "UPDATE equipment SET code = ?, name = ?, kind = ?, unit_id = ?, reg_no = ?, location = ?,"
			      " responsible_user_id = NULLIF(?, 0), last_inspection_on = NULLIF(?, -1000000),"
			      " next_inspection_on = NULLIF(?, -1000000), interval_months = NULLIF(?, 0),"
			      " safety_grade = NULLIF(?, 0) WHERE id = ?",
		       "tttIttIIIiiI", code, name, kind, unit, reg, loc, resp, cert_day_arg(last),
		       cert_day_arg(next), months, grade, e->id) == DB_OK ? e->id : -1;
}

static json_t *equip_json(struct req *r, const void *row)
{
	json_t *j = device_json(r, ((const struct equip_row *)row)->id);
	return j ? j : json_object();
}

/* The list and the record's page stay this file's (state counts, inspection records); the
 * entity gives the add and edit pages and the API's create and update. Refusals stay 400
 * (a clash of codes 409 in the API) as the module's clients have always been answered. */
static const struct entity equip_entity = {
	.name = "equipment", .path = "/equipment", .edit_perm = "equip.admin",
	.list_title = "nav.equipment", .new_title = "equip.add", .hint = "equip.next_hint",
	.fields = equip_fields, .row_size = sizeof(struct equip_row),
	.flags = ENTITY_SHOW_CREATED | ENTITY_SHOW_UPDATED,
	.load = equip_load, .values = equip_values, .title = equip_title, .check = equip_check,
	.store = equip_store, .json = equip_json, .new_action = "/equipment/new", .edit_suffix = "/edit",
	.invalid_status = 400,
};

static int equip_new(struct req *r) { return entity_new_page(r, &equip_entity); }
static int equip_create(struct req *r) { return r->is_api ? entity_api_create(r, &equip_entity) : entity_create_post(r, &equip_entity); }
static int equip_edit(struct req *r) { return entity_edit_page(r, &equip_entity); }
static int equip_update(struct req *r) { return r->is_api ? entity_api_update(r, &equip_entity) : entity_update_post(r, &equip_entity); }

static int parse_day_field(struct req *r, const char *name, int64_t *day)
{
	const char *v = req_field(r, name);
	*day = CERT_NODAY;
	return v && *v ? cert_parse_date(v, day) : 0;
}

static int64_t opt_int(struct req *r, const char *name, int *bad)
{
	const char *v = req_field(r, name);
	int64_t n = 0;
	if (v && *v && (text_parse_i64(v, &n) || n < 0 || n > 1000))
		*bad = 1;
	return n;
}

static int field_ok(const char *v, size_t max)
{
	return v && *v && utf8_valid(v, strlen(v)) && utf8_chars(v) <= max;
}

/* An inspection moves the device's dates: last = this one, next = the report's date or
 * this one plus the interval (by the grade the inspection found, for pressure vessels). */
static int equip_inspect(struct req *r)
{
	int64_t id, on, next;
	if (req_param_id(r, "id", &id)) {
		not_found(r);
		return 0;
	}
	if (in_scope(r, id))
		return 0;
	const char *result = req_field(r, "result"), *agency = req_field(r, "agency"), *report = req_field(r, "report_no");
	const char *note = req_field(r, "note");
	int bad = 0;
	int grade = (int)opt_int(r, "safety_grade", &bad);
	if (parse_day_field(r, "inspected_on", &on) || on == CERT_NODAY || on > cert_today()) {
		resp_error(r, 400, "invalid", T(r, "cert.error.date"), "inspected_on");
		return 0;
	}
	if (parse_day_field(r, "next_due_on", &next)) {
		resp_error(r, 400, "invalid", T(r, "cert.error.date"), "next_due_on");
		return 0;
	}
	if (!result || (strcmp(result, "pass") && strcmp(result, "conditional") && strcmp(result, "fail"))) {
		resp_error(r, 400, "invalid", T(r, "equip.error.invalid"), "result");
		return 0;
	}
	if (bad || grade > 5 || (agency && *agency && !field_ok(agency, 100)) || (report && *report && !field_ok(report, 64)) ||
	    (note && *note && !field_ok(note, 500))) {
		resp_error(r, 400, "invalid", T(r, "equip.error.invalid"), bad || grade > 5 ? "safety_grade" : "note");
		return 0;
	}
	char *kind = NULL;
	int64_t own = 0, oldgrade = 0;
	db_get_text(r->db, &kind, "SELECT kind FROM equipment WHERE id = ?", "I", id);
	db_get_i64(r->db, &own, "SELECT COALESCE(interval_months, 0) FROM equipment WHERE id = ?", "I", id);
	db_get_i64(r->db, &oldgrade, "SELECT COALESCE(safety_grade, 0) FROM equipment WHERE id = ?", "I", id);
	if (next == CERT_NODAY) {
		int m = equip_interval_months(r->db, kind, (int)own, grade ? grade : (int)oldgrade);
		if (m)
			next = cert_day_add_months(on, m);
	}
	free(kind);
	if (db_begin(r->db) != DB_OK) {
		resp_error(r, 500, "internal", T(r, "cert.error.db"), NULL);
		return 0;
	}
	int rc = db_exec(r->db, "INSERT INTO equip_inspections (equipment_id, inspected_on, agency, report_no, result,"
				" safety_grade, next_due_on, note, recorded_by, created_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, 0),"
				" NULLIF(?, -1000000), ?, ?, ?)",
			 "IItttiItII", id, on, agency ? agency : "", report ? report : "", result, grade,
			 cert_day_arg(next), note ? note : "", r->who->user_id, clock_now());
	if (rc == DB_OK)
		rc = db_exec(r->db, "UPDATE equipment SET last_inspection_on = ?, next_inspection_on = NULLIF(?, -1000000),"
				    " safety_grade = COALESCE(NULLIF(?, 0), safety_grade) WHERE id = ?",
			     "IIiI", on, cert_day_arg(next), grade, id);
	if (rc == DB_OK)
		rc = audit_req(r, "equipment", id, "inspection", result);
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		resp_error(r, 500, "internal", T(r, "cert.error.db"), NULL);
		return 0;
	}
	if (r->is_api) {
		equip_show(r);
		r->status = 201;
	} else {
		resp_redirect(r, arena_printf(&r->arena, "/equipment/%lld", (long long)id));
	}
	return 0;
}

static int equip_maintain(struct req *r)
{
	int64_t id, on;
	if (req_param_id(r, "id", &id)) {
		not_found(r);
		return 0;
	}
	if (in_scope(r, id))
		return 0;
	const char *desc = req_field(r, "description"), *by = req_field(r, "done_by");
	if (parse_day_field(r, "done_on", &on) || on == CERT_NODAY) {
		resp_error(r, 400, "invalid", T(r, "cert.error.date"), "done_on");
		return 0;
	}
	if (!field_ok(desc, 1000) || (by && *by && !field_ok(by, 100))) {
		resp_error(r, 400, "invalid", T(r, "equip.error.invalid"), field_ok(desc, 1000) ? "done_by" : "description");
		return 0;
	}
	if (db_begin(r->db) != DB_OK) {
		resp_error(r, 500, "internal", T(r, "cert.error.db"), NULL);
		return 0;
	}
	int rc = db_exec(r->db, "INSERT INTO equip_maintenance (equipment_id, done_on, description, done_by, recorded_by,"
				" created_at) VALUES (?, ?, ?, ?, ?, ?)", "IIttII", id, on, desc, by ? by : "",
			 r->who->user_id, clock_now());
	if (rc == DB_OK)
		rc = audit_req(r, "equipment", id, "maintenance", desc);
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		resp_error(r, 500, "internal", T(r, "cert.error.db"), NULL);
		return 0;
	}
	if (r->is_api) {
		equip_show(r);
		r->status = 201;
	} else {
		resp_redirect(r, arena_printf(&r->arena, "/equipment/%lld", (long long)id));
	}
	return 0;
}

const struct route equip_routes[] = {
	{"GET", "/equipment", equip_list, "equip.view", 0, "Special equipment with inspection state and overdue counts"},
	{"GET", "/equipment/new", equip_new, "equip.admin", 0, "Add a device"},
	{"POST", "/equipment/new", equip_create, "equip.admin", 0, "Create a device"},
	{"GET", "/equipment/:id", equip_show, "equip.view", 0, "A device with its inspections and maintenance"},
	{"GET", "/equipment/:id/edit", equip_edit, "equip.admin", 0, "Edit a device"},
	{"POST", "/equipment/:id/edit", equip_update, "equip.admin", 0, "Save a device"},
	{"POST", "/equipment/:id/inspections", equip_inspect, "equip.admin", 0, "Record a periodic inspection"},
	{"POST", "/equipment/:id/maintenance", equip_maintain, "equip.admin", 0, "Record maintenance"},
	{"GET", "/api/v1/equipment", equip_list, "equip.view", ROUTE_API | ROUTE_PAGED, "Devices in scope (state, kind; all=1 for non-special)"},
	{"POST", "/api/v1/equipment", equip_create, "equip.admin", ROUTE_API, "Create a device"},
	{"GET", "/api/v1/equipment/:id", equip_show, "equip.view", ROUTE_API, "One device with its records"},
	{"POST", "/api/v1/equipment/:id", equip_update, "equip.admin", ROUTE_API, "Update a device"},
	{"POST", "/api/v1/equipment/:id/inspections", equip_inspect, "equip.admin", ROUTE_API, "Record an inspection"},
	{"POST", "/api/v1/equipment/:id/maintenance", equip_maintain, "equip.admin", ROUTE_API, "Record maintenance"},
	{0},
};
