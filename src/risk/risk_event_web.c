/*
 * risk_event_web.c — a risk's page and its assessment: the chain above it (object → unit →
 * event), its level and colour, the assessment form (LEC's tables as choices with their
 * words, or LS 1–5, by the method the company uses), every version with its approval, its
 * measures, open re-assessment tasks and linked hazards; and the handlers that record a new
 * version (POST /risk/events/:id/assess, /api/v1/risk/events/:id/assessments), approve or
 * reject one (/risk/assessments/:id/approve), and close an event that nothing points at
 * (DELETE /api/v1/risk/events/:id; with measures or open hazards: 409, deactivate instead).
 */
#include "risk/risk.h"
#include "risk/risk_web.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/day.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

html_raw risk_level_badge(struct req *r, const char *level)
{
	if (!risk_level_valid(level))
		return "";
	struct strbuf sb = STRBUF_INIT;
	html_printf(&sb, "<span class=\"badge risk-%s\" data-level=\"%s\">%s</span>", risk_level_colour(level), level,
		    T(r, arena_printf(&r->arena, "risk.level.%s", level)));
	char *out = arena_strdup(&r->arena, sb.buf);
	sb_release(&sb);
	return out;
}

const char *risk_day_s(struct req *r, int64_t day)
{
	char d[16];
	return day ? arena_strdup(&r->arena, day_format(day, d)) : "";
}

static const char *num_s(struct req *r, double v)
{
	return arena_printf(&r->arena, "%g", v);
}

static const char *method_in_use(struct req *r)
{
	char *v = NULL;
	const char *m = "LEC";
	if (db_get_text(r->db, &v, "SELECT value FROM settings WHERE key = 'risk.method'", NULL) == 1 && v && !strcmp(v, "LS"))
		m = "LS";
	free(v);
	return m;
}

json_t *risk_assessments_json(struct req *r, int64_t event_id)
{
	json_t *a = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT a.id, a.version, a.stage, a.method, a.l_value, a.e_value, a.c_value, a.s_value,"
				    " a.value, s.code, a.band_version, a.level, a.control_level, a.reason, a.note,"
				    " COALESCE(a.old_level, ''), COALESCE(u.name, ''), a.assessed_at, a.approval, COALESCE(p.name, ''),"
				    " a.approved_at FROM risk_assessments a JOIN risk_band_sets s ON s.id = a.band_set_id"
				    " LEFT JOIN users u ON u.id = a.assessed_by LEFT JOIN users p ON p.id = a.approver_id"
				    " WHERE a.event_id = ? ORDER BY a.version DESC", "I", event_id);
	while (st && db_step(st) == 1) {
		json_t *o = json_pack("{s:I, s:i, s:s, s:s, s:f, s:f, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:I}",
			"id", (json_int_t)db_col_i64(st, 0), "version", (int)db_col_i64(st, 1), "stage", db_col_text(st, 2),
			"method", db_col_text(st, 3), "l", db_col_double(st, 4), "value", db_col_double(st, 8), "band_set",
			db_col_text(st, 9), "band_version", (int)db_col_i64(st, 10), "level", db_col_text(st, 11),
			"control_level", db_col_text(st, 12), "reason", db_col_text(st, 13), "note", db_col_text(st, 14),
			"assessed_by", db_col_text(st, 16), "assessed_at", (json_int_t)db_col_i64(st, 17), "approval",
			db_col_text(st, 18), "approver", db_col_text(st, 19), "approved_at", (json_int_t)db_col_i64(st, 20));
		json_object_set_new(o, "e", db_col_null(st, 5) ? json_null() : json_real(db_col_double(st, 5)));
		json_object_set_new(o, "c", db_col_null(st, 6) ? json_null() : json_real(db_col_double(st, 6)));
		json_object_set_new(o, "s", db_col_null(st, 7) ? json_null() : json_real(db_col_double(st, 7)));
		json_object_set_new(o, "old_level", *db_col_text(st, 15) ? json_string(db_col_text(st, 15)) : json_null());
		json_array_append_new(a, o);
	}
	db_done(r->db, st);
	return a;
}

void risk_event_head(struct req *r, const void *row)
{
	const struct risk_event_row *e = row;
	html_printf(&r->out, "<p class=\"risk-chain\"><a href=\"/risk/objects/%D\">%s</a> → <a href=\"/risk/units/%D\">%s</a> → "
			     "%s %r</p>", e->object_id, e->object_name, e->risk_unit_id, e->unit_name, e->name,
		    risk_level_badge(r, e->level));
	if (!e->active)
		html_printf(&r->out, "<p><span class=\"badge bad\">%s</span></p>", T(r, "risk.inactive"));
	if (e->needs_reassessment)
		html_printf(&r->out, "<p class=\"notice\" data-reassess=\"1\">%s: %s</p>", T(r, "risk.needs_reassessment"),
			    e->reassess_reason);
}

static void choice_select(struct req *r, const char *name, const char *label, const struct risk_choice *t)
{
	html_printf(&r->out, "<label>%s<select name=\"%s\" required>", T(r, label), name);
	for (; t->key; t++)
		html_printf(&r->out, "<option value=\"%s\">%s — %s</option>", num_s(r, t->value), num_s(r, t->value), T(r, t->key));
	html_printf(&r->out, "</select></label>");
}

static void assess_form(struct req *r, const struct risk_event_row *e)
{
	const char *m = method_in_use(r);
	html_printf(&r->out, "<form method=\"post\" action=\"/risk/events/%D/assess\" class=\"stack\" id=\"assess\">%r"
			     "<input type=\"hidden\" name=\"method\" value=\"%s\"><h3>%s (%s)</h3>",
		    e->id, page_csrf(r), m, T(r, "risk.assess"), m);
	if (!strcmp(m, "LEC")) {
		choice_select(r, "l", "risk.lec.l", risk_lec_l);
		choice_select(r, "e", "risk.lec.e", risk_lec_e);
		choice_select(r, "c", "risk.lec.c", risk_lec_c);
	} else {
		choice_select(r, "l", "risk.ls.l", risk_ls_l);
		choice_select(r, "s", "risk.ls.s", risk_ls_s);
	}
	html_printf(&r->out, "<label>%s<select name=\"stage\"><option value=\"residual\">%s</option><option value=\"inherent\">%s"
			     "</option></select></label><label>%s<select name=\"reason\">",
		    T(r, "risk.stage"), T(r, "risk.stage.residual"), T(r, "risk.stage.inherent"), T(r, "risk.reason"));
	static const char *const reasons[] = {"change", "periodic", "hazard", "initial", NULL};
	for (int i = 0; reasons[i]; i++)
		html_printf(&r->out, "<option value=\"%s\">%s</option>", reasons[i],
			    T(r, arena_printf(&r->arena, "risk.reason.%s", reasons[i])));
	html_printf(&r->out, "</select></label><label>%s<select name=\"control_level\"><option value=\"\">%s</option>",
		    T(r, "risk.control_level"), T(r, "risk.cl.default"));
	static const char *const cls[] = {"company", "workshop", "team", "post", NULL};
	for (int i = 0; cls[i]; i++)
		html_printf(&r->out, "<option value=\"%s\">%s</option>", cls[i], T(r, arena_printf(&r->arena, "risk.cl.%s", cls[i])));
	html_printf(&r->out, "</select></label><label>%s<input name=\"note\" maxlength=\"2000\"></label><button>%s</button></form>",
		    T(r, "risk.note"), T(r, "risk.assess.save"));
}

void risk_event_tail(struct req *r, const void *row)
{
	const struct risk_event_row *e = row;
	/* current assessment */
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2>", T(r, "risk.current"));
	if (*e->level)
		html_printf(&r->out, "<p>%r %s = %s · %s · %s %s</p>", risk_level_badge(r, e->level), e->method, num_s(r, e->value),
			    T(r, arena_printf(&r->arena, "risk.cl.%s", e->control_level)), T(r, "risk.review_due"),
			    risk_day_s(r, e->review_due));
	else
		html_printf(&r->out, "<p>%s</p>", T(r, "risk.not_assessed"));
	if (auth_has(r, "risk.assess") && e->active)
		assess_form(r, e);
	html_printf(&r->out, "</section>");

	/* history */
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><ul class=\"list\" id=\"history\">", T(r, "risk.history"));
	struct db_stmt *st = db_query(r->db, "SELECT a.id, a.version, a.method, a.value, a.level, COALESCE(a.old_level, ''),"
				    " a.reason, a.approval, COALESCE(u.name, ''), a.assessed_at, a.stage FROM risk_assessments a"
				    " LEFT JOIN users u ON u.id = a.assessed_by WHERE a.event_id = ? ORDER BY a.version DESC",
				    "I", e->id);
	int approver = auth_has(r, "risk.approve");
	while (st && db_step(st) == 1) {
		char d[16];
		html_printf(&r->out, "<li data-version=\"%D\">v%D %s %s=%s %r ← %r · %s · %s · %s %s <span class=\"badge\" "
				     "data-approval=\"%s\">%s</span>",
			    db_col_i64(st, 1), db_col_i64(st, 1), T(r, arena_printf(&r->arena, "risk.stage.%s", db_col_text(st, 10))),
			    db_col_text(st, 2), num_s(r, db_col_double(st, 3)), risk_level_badge(r, db_col_text(st, 4)),
			    risk_level_badge(r, db_col_text(st, 5)),
			    T(r, arena_printf(&r->arena, "risk.reason.%s", db_col_text(st, 6))), db_col_text(st, 8),
			    day_format(day_of(db_col_i64(st, 9)), d), "", db_col_text(st, 7),
			    T(r, arena_printf(&r->arena, "risk.approval.%s", db_col_text(st, 7))));
		if (approver && !strcmp(db_col_text(st, 7), "pending"))
			html_printf(&r->out, "<form method=\"post\" action=\"/risk/assessments/%D/approve\" class=\"inline\">%r"
					     "<input name=\"note\" maxlength=\"500\" aria-label=\"%s\"><button name=\"approve\" value=\"1\">%s</button>"
					     "<button name=\"approve\" value=\"0\">%s</button></form>",
				    db_col_i64(st, 0), page_csrf(r), T(r, "risk.note"), T(r, "risk.approve"), T(r, "risk.reject"));
		html_printf(&r->out, "</li>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul></section>");

	/* measures */
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><ul class=\"list\">", T(r, "risk.measures"));
	st = db_query(r->db, "SELECT id, description, classify1, control_level, check_cycle, check_cycle_unit, active FROM risk_measures"
			     " WHERE event_id = ? ORDER BY sort, id", "I", e->id);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li><a href=\"/risk/measures/%D\">%s</a> · %s · %s · %D %s%r</li>", db_col_i64(st, 0),
			    db_col_text(st, 1), T(r, arena_printf(&r->arena, "risk.class.%s", db_col_text(st, 2))),
			    T(r, arena_printf(&r->arena, "risk.cl.%s", db_col_text(st, 3))), db_col_i64(st, 4),
			    T(r, arena_printf(&r->arena, "risk.cycle.%s", db_col_text(st, 5))),
			    db_col_i64(st, 6) ? "" : " <span class=\"badge bad\">×</span>");
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
	if (auth_has(r, "risk.edit"))
		html_printf(&r->out, "<p><a class=\"button\" href=\"/risk/measures/new?event_id=%D\">%s</a></p>", e->id,
			    T(r, "risk.measure.new"));
	html_printf(&r->out, "</section>");

	/* open tasks */
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><ul class=\"list\" id=\"tasks\">", T(r, "risk.tasks"));
	st = db_query(r->db, "SELECT t.reason, t.due_at, COALESCE(u.name, ''), t.escalation, t.note FROM risk_tasks t"
			     " LEFT JOIN users u ON u.id = t.assignee_id WHERE t.event_id = ? AND t.closed_at = 0 ORDER BY t.due_at",
		      "I", e->id);
	while (st && db_step(st) == 1) {
		char d[16];
		html_printf(&r->out, "<li data-reason=\"%s\">%s · %s %s · %s%r %s</li>", db_col_text(st, 0),
			    T(r, arena_printf(&r->arena, "risk.task.reason.%s", db_col_text(st, 0))), T(r, "risk.due"),
			    day_format(day_of(db_col_i64(st, 1)), d), db_col_text(st, 2),
			    db_col_i64(st, 3) ? " <span class=\"badge bad\">⇡</span>" : "", db_col_text(st, 4));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul></section>");

	/* linked hazards */
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><ul class=\"list\" id=\"hazards\">", T(r, "risk.hazards"));
	st = db_query(r->db, "SELECT h.id, h.number, h.status, h.description FROM hazards h WHERE h.risk_event_id = ?"
			     " OR h.id IN (SELECT hazard_id FROM risk_hazard_links WHERE event_id = ?)"
			     " OR h.measure_id IN (SELECT id FROM risk_measures WHERE event_id = ?) ORDER BY h.id DESC LIMIT 50",
		      "III", e->id, e->id, e->id);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li><a href=\"/hazards/%D\">%s</a> %s · %s</li>", db_col_i64(st, 0), db_col_text(st, 1),
			    T(r, arena_printf(&r->arena, "hazard.status.%s", db_col_text(st, 2))), db_col_text(st, 3));
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
	if (auth_has(r, "risk.assess") && e->active)
		html_printf(&r->out, "<form method=\"post\" action=\"/risk/events/%D/hazards\" class=\"stack\">%r"
				     "<label>%s<input name=\"number\" maxlength=\"32\" placeholder=\"YH-2026-000001\"></label>"
				     "<button>%s</button></form>", e->id, page_csrf(r), T(r, "risk.hazard_number"), T(r, "risk.link_hazard"));
	html_printf(&r->out, "</section>");
}

/* ---- POST /risk/events/:id/assess, /api/v1/risk/events/:id/assessments ---- */

/* A number field: 0 and *v set when present and numeric, 1 when absent, -1 when malformed. */
static int num_field(struct req *r, const char *name, double *v)
{
	const char *s = req_field(r, name);
	if (!s || !*s)
		return 1;
	char *end = NULL;
	*v = strtod(s, &end);
	return end && !*end && isfinite(*v) && strlen(s) < 16 ? 0 : -1;
}

int risk_assess_post(struct req *r)
{
	int64_t id;
	struct risk_event_row e;
	if (req_param_id(r, "id", &id) || risk_event_load(r, id, &e)) {
		entity_not_found(r);
		return 0;
	}
	struct risk_assess_in in = {.event_id = id, .stage = req_field(r, "stage"), .reason = req_field(r, "reason"),
				    .note = req_field(r, "note"), .control_level = req_field(r, "control_level")};
	const char *m = req_field(r, "method");
	snprintf(in.scores.method, sizeof(in.scores.method), "%s", m && *m ? m : method_in_use(r));
	const char *field = NULL;
	/* L always; E and C for LEC, S for LS: absent or malformed names the field */
	int lec = !strcmp(in.scores.method, "LEC");
	if (strlen(m ? m : "") > 3 || (strcmp(in.scores.method, "LEC") && strcmp(in.scores.method, "LS")))
		field = "method";
	else if (num_field(r, "l", &in.scores.l))
		field = "l";
	else if (lec && num_field(r, "e", &in.scores.e))
		field = "e";
	else if (lec && num_field(r, "c", &in.scores.c))
		field = "c";
	else if (!lec && num_field(r, "s", &in.scores.s))
		field = "s";
	int64_t task = 0;
	const char *t = req_field(r, "task_id");
	if (!field && t && *t) {
		task = strtoll(t, NULL, 10);
		if (task <= 0)
			field = "task_id";
	}
	in.task_id = task;
	int64_t aid = 0;
	int rc = -1;
	if (!field) {
		struct actor a;
		actor_from_req(r, &a);
		rc = risk_assess(&a, &in, &aid, &field);
	}
	if (rc == -3) {
		entity_not_found(r);
		return 0;
	}
	if (rc == -2) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	if (rc) {
		const char *key = !strcmp(field, "control_level") ? "risk.err.major_company" : "risk.err.score";
		resp_error(r, 422, "invalid", arena_printf(&r->arena, "%s: %s", field, T(r, key)), field);
		return 0;
	}
	if (!r->is_api) {
		resp_redirect(r, arena_printf(&r->arena, "/risk/events/%lld", (long long)id));
		return 0;
	}
	struct risk_event_row now;
	risk_event_load(r, id, &now);
	json_t *j = risk_event_json(r, &now);
	json_object_set_new(j, "assessment_id", json_integer(aid));
	json_object_set_new(j, "assessments", risk_assessments_json(r, id));
	resp_json(r, 201, j);
	return 0;
}

/* ---- POST /risk/assessments/:id/approve ---- */
int risk_approve_post(struct req *r)
{
	int64_t id, event = 0;
	struct risk_event_row e;
	if (req_param_id(r, "id", &id) ||
	    db_get_i64(r->db, &event, "SELECT event_id FROM risk_assessments WHERE id = ?", "I", id) != 1 ||
	    risk_event_load(r, event, &e)) {
		entity_not_found(r);
		return 0;
	}
	const char *ap = req_field(r, "approve"), *note = req_field(r, "note");
	if (!ap || (strcmp(ap, "1") && strcmp(ap, "0") && strcmp(ap, "true") && strcmp(ap, "false"))) {
		resp_error(r, 422, "invalid", arena_printf(&r->arena, "approve: %s", T(r, "form.err_choice")), "approve");
		return 0;
	}
	if (note && strlen(note) > 1500) {
		resp_error(r, 422, "invalid", arena_printf(&r->arena, "note: %s", T(r, "form.err_too_long")), "note");
		return 0;
	}
	struct actor a;
	actor_from_req(r, &a);
	int rc = risk_approve(&a, id, !strcmp(ap, "1") || !strcmp(ap, "true"), note);
	if (rc == -1) {
		resp_error(r, 409, "conflict", T(r, "risk.err.not_pending"), NULL);
		return 0;
	}
	if (rc) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	if (!r->is_api) {
		resp_redirect(r, arena_printf(&r->arena, "/risk/events/%lld", (long long)event));
		return 0;
	}
	struct risk_event_row now;
	risk_event_load(r, event, &now);
	json_t *j = risk_event_json(r, &now);
	json_object_set_new(j, "assessments", risk_assessments_json(r, event));
	resp_json(r, 200, j);
	return 0;
}

/* ---- DELETE /api/v1/risk/events/:id: only an event nothing points at ---- */
int risk_event_delete(struct req *r)
{
	int64_t id;
	struct risk_event_row e;
	if (req_param_id(r, "id", &id) || risk_event_load(r, id, &e)) {
		entity_not_found(r);
		return 0;
	}
	int use = risk_event_in_use(r->db, id);
	int64_t n = 0;
	db_get_i64(r->db, &n, "SELECT (SELECT count(*) FROM risk_measures WHERE event_id = ?) + (SELECT count(*) FROM hazards"
			      " WHERE risk_event_id = ?) + (SELECT count(*) FROM risk_hazard_links WHERE event_id = ?)", "III",
		   id, id, id);
	if (use || n) {
		resp_error(r, 409, "in_use", T(r, use == 2 ? "risk.err.has_hazards" : "risk.err.has_measures"), NULL);
		return 0;
	}
	struct actor a;
	actor_from_req(r, &a);
	if (db_begin(r->db) != DB_OK) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	int rc = DB_OK;
	static const char *const sql[] = {
		"DELETE FROM risk_acks WHERE event_id = ?", "UPDATE risk_events SET assessment_id = NULL WHERE id = ?",
		"UPDATE risk_tasks SET assessment_id = NULL WHERE event_id = ?",
		"DELETE FROM risk_assessments WHERE event_id = ?", "DELETE FROM risk_tasks WHERE event_id = ?",
		"DELETE FROM risk_event_accidents WHERE event_id = ?", "DELETE FROM risk_events WHERE id = ?", NULL};
	for (int i = 0; sql[i] && rc == DB_OK; i++)
		rc = db_exec(r->db, sql[i], "I", id);
	if (rc == DB_OK)
		rc = actor_audit(&a, "risk_event", id, "delete", e.name);
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "deleted", 1));
	return 0;
}

/* ---- POST /risk/events/:id/hazards, /api/v1/risk/events/:id/hazards ----
 * A hazard tied to this risk from the risk's side, so that the hazard module needs to know
 * nothing of risks: {hazard_id or number, measure_id (a measure of this event that failed: the
 * hazard's source becomes 9, 管控措施失效), source 1–10}. Linked as the scheduler would link it
 * (marks the event, checks the triggers), audited on the hazard. */
int risk_hazard_link_post(struct req *r)
{
	int64_t id, hid = 0, unit = 0, mid = 0;
	struct risk_event_row e;
	if (req_param_id(r, "id", &id) || risk_event_load(r, id, &e)) {
		entity_not_found(r);
		return 0;
	}
	const char *h = req_field(r, "hazard_id"), *num = req_field(r, "number"), *m = req_field(r, "measure_id");
	const char *src = req_field(r, "source");
	if (h && *h)
		hid = strtoll(h, NULL, 10);
	else if (num && *num && strlen(num) < 40)
		db_get_i64(r->db, &hid, "SELECT id FROM hazards WHERE number = ?", "t", num);
	if (hid <= 0 || db_get_i64(r->db, &unit, "SELECT unit_id FROM hazards WHERE id = ?", "I", hid) != 1 ||
	    !auth_scope_allows(r, unit, -1)) {
		const char *f = h && *h ? "hazard_id" : "number";
		resp_error(r, 422, "invalid", arena_printf(&r->arena, "%s: %s", f, T(r, "form.err_choice")), f);
		return 0;
	}
	if (m && *m) {
		int64_t n = 0;
		mid = strtoll(m, NULL, 10);
		if (mid <= 0 || db_get_i64(r->db, &n, "SELECT count(*) FROM risk_measures WHERE id = ? AND event_id = ?", "II", mid,
					   id) != 1 || !n) {
			resp_error(r, 422, "invalid", arena_printf(&r->arena, "measure_id: %s", T(r, "form.err_choice")), "measure_id");
			return 0;
		}
	}
	int64_t source = mid ? 9 : 0;
	if (src && *src) {
		source = strtoll(src, NULL, 10);
		/* dangerSrc 1–10; 9 (a control-measure failure) names the measure that failed */
		if (source < 1 || source > 10 || (source == 9 && !mid)) {
			resp_error(r, 422, "invalid", arena_printf(&r->arena, "source: %s", T(r, "form.err_choice")), "source");
			return 0;
		}
	}
	struct actor a;
	actor_from_req(r, &a);
	if (db_begin(r->db) != DB_OK) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	int rc = db_exec(r->db, "UPDATE hazards SET risk_event_id = ?, measure_id = COALESCE(NULLIF(?, 0), measure_id),"
				" source = CASE WHEN ? > 0 THEN ? ELSE source END WHERE id = ?", "IIIII", id, mid, source, source, hid);
	if (rc == DB_OK && risk_hazard_link(r->db, hid, a.now) < 0)
		rc = DB_ERROR;
	if (rc == DB_OK)
		rc = actor_audit(&a, "hazard", hid, "risk_link", arena_printf(&r->arena, "event %lld measure %lld source %lld",
									   (long long)id, (long long)mid, (long long)source));
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	if (!r->is_api) {
		resp_redirect(r, arena_printf(&r->arena, "/risk/events/%lld", (long long)id));
		return 0;
	}
	struct risk_event_row now;
	risk_event_load(r, id, &now);
	resp_json(r, 200, risk_event_json(r, &now));
	return 0;
}
