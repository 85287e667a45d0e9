/*
 * emerg_incident_web.c — emergency mode for a real incident (应急状态). The commander opens
 * it from the incident's page; it is a row of emerg_drills of kind 'incident' tied to the
 * incident (incident_id), started at once, so the drill machinery does the rest: the QR
 * check-in at the muster point (once per person, refused after the mode is closed), the
 * commander's page (emerg_mode_web.c: who is safe, who of the incident's unit is missing,
 * supplies nearby, key actions and steps with the server's time stamps), closing with the
 * drill's "end". The steps come from the on-site plan of the incident's area, else the plan
 * of its unit or a unit above, else four general steps.
 *
 * Here: opening (page and API), the mode as JSON, the panel on the incident's page that
 * keeps the record for the investigation (四不放过: the cause is looked for in what really
 * happened, minute by minute), and the part of the commander's page only an incident has
 * (the link back, the QR code, the teams and outside contacts, closing).
 *
 * Scope: the incident's unit (auth_scope_allows, as the incident itself).
 */
#include "emerg/emerg.h"
#include "emerg/emerg_web.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/text.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/qr.h"

#include <string.h>

#define EMERG_MUSTER_MAX 100	/* characters of a muster point */
#define EMERG_DEFAULT_STEPS 4	/* emerg.incident.step.1 … 4 */

struct incident_ref {
	int64_t id, unit_id, area_id, reporter_id;
	const char *what, *area, *unit_path, *status;
};

/* The incident :id if the caller's scope reaches its unit: 0, else -1 (404 answered). */
static int incident_param(struct req *r, struct incident_ref *in)
{
	memset(in, 0, sizeof *in);
	int64_t id;
	if (req_param_id(r, "id", &id)) {
		entity_not_found(r);
		return -1;
	}
	struct db_stmt *st = db_query(r->db, "SELECT i.id, i.unit_id, i.area_id, i.reporter_id, i.what, ar.name, u.path, i.status"
				      " FROM incidents i JOIN areas ar ON ar.id = i.area_id JOIN units u ON u.id = i.unit_id"
				      " WHERE i.id = ?", "I", id);
	if (st && db_step(st) == 1) {
		in->id = db_col_i64(st, 0);
		in->unit_id = db_col_i64(st, 1);
		in->area_id = db_col_i64(st, 2);
		in->reporter_id = db_col_i64(st, 3);
		in->what = arena_strdup(&r->arena, db_col_text(st, 4));
		in->area = arena_strdup(&r->arena, db_col_text(st, 5));
		in->unit_path = arena_strdup(&r->arena, db_col_text(st, 6));
		in->status = arena_strdup(&r->arena, db_col_text(st, 7));
	}
	db_done(r->db, st);
	if (!in->id || !auth_scope_allows(r, in->unit_id, in->reporter_id)) {
		entity_not_found(r);
		return -1;
	}
	return 0;
}

/* The emergency mode of an incident: its drill id, 0 when none was opened. */
static int64_t mode_of(struct db *c, int64_t incident_id)
{
	int64_t id = 0;
	db_get_i64(c, &id, "SELECT id FROM emerg_drills WHERE incident_id = ?", "I", incident_id);
	return id;
}

/* The plan whose steps the response follows: the area's on-site plan first, else the
 * nearest plan of the incident's unit or a unit above it. 0 when none. */
static int64_t plan_for(struct db *c, const struct incident_ref *in)
{
	int64_t id = 0;
	if (db_get_i64(c, &id, "SELECT p.id FROM emerg_plans p WHERE p.active = 1 AND p.area_id = ?"
			       " AND EXISTS (SELECT 1 FROM emerg_plan_parts s WHERE s.plan_id = p.id AND s.kind = 'step')"
			       " ORDER BY p.kind = 'onsite' DESC, p.id LIMIT 1", "I", in->area_id) == 1 && id)
		return id;
	id = 0;
	db_get_i64(c, &id, "SELECT p.id FROM emerg_plans p JOIN units u ON u.id = p.unit_id WHERE p.active = 1"
			   " AND ? LIKE u.path || '%' AND EXISTS (SELECT 1 FROM emerg_plan_parts s WHERE s.plan_id = p.id AND s.kind = 'step')"
			   " ORDER BY length(u.path) DESC, p.kind = 'comprehensive' DESC, p.id LIMIT 1", "t", in->unit_path);
	return id;
}

/* Open the mode: the row, its steps, the audit of both records, in one transaction. The
 * drill id; 0 after answering the refusal. */
static int64_t open_mode(struct req *r, const struct incident_ref *in, const char *muster)
{
	if (db_begin(r->db) != DB_OK) {
		form_unavailable(r);
		return 0;
	}
	int64_t now = clock_now(), plan = plan_for(r->db, in), copied = 0;
	int64_t id = emerg_drill_insert(r->db, in->unit_id, "incident", in->what, "", 1, day_today(), muster,
					r->who->user_id, r->who->user_id, now);
	int rc = id > 0 ? DB_OK : DB_ERROR;
	if (rc == DB_OK)
		rc = db_exec(r->db, "UPDATE emerg_drills SET status = 'running', started_at = ?, incident_id = ?, plan_id = NULLIF(?, 0)"
				    " WHERE id = ?", "IIII", now, in->id, plan, id);
	if (rc == DB_OK && plan)
		rc = db_exec(r->db, "INSERT INTO emerg_steps (drill_id, seq, text) SELECT ?, seq, title FROM emerg_plan_parts"
				    " WHERE plan_id = ? AND kind = 'step' AND seq BETWEEN 1 AND ?", "IIi", id, plan, EMERG_MAX_STEPS);
	if (rc == DB_OK && db_get_i64(r->db, &copied, "SELECT count(*) FROM emerg_steps WHERE drill_id = ?", "I", id) != 1)
		rc = DB_ERROR;
	for (int i = 1; rc == DB_OK && !copied && i <= EMERG_DEFAULT_STEPS; i++)
		rc = db_exec(r->db, "INSERT INTO emerg_steps (drill_id, seq, text) VALUES (?, ?, ?)", "Iit", id, i,
			     T(r, arena_printf(&r->arena, "emerg.incident.step.%d", i)));
	if (rc == DB_OK)
		rc = audit_req(r, "emerg_drill", id, "open_incident", in->what);
	if (rc == DB_OK)
		rc = audit_req(r, "incident", in->id, "emergency_open", muster);
	if (rc == DB_OK && db_commit(r->db) == DB_OK)
		return id;
	db_rollback(r->db);
	if (rc == DB_CONSTRAINT)	/* opened meanwhile by someone else */
		resp_error(r, 409, "conflict", T(r, "emerg.err.mode_open"), "id");
	else
		form_unavailable(r);
	return 0;
}

/* POST /emerg/incidents/:id/mode and its API: open emergency mode (emerg.command). */
int emerg_incident_open(struct req *r)
{
	struct incident_ref in;
	if (incident_param(r, &in))
		return 0;
	int64_t have = mode_of(r->db, in.id);
	if (have) {	/* one per incident: the page goes to it, the API says so */
		if (r->is_api)
			resp_error(r, 409, "conflict", T(r, "emerg.err.mode_open"), "id");
		else
			resp_redirect(r, arena_printf(&r->arena, "/emerg/drills/%lld/command", (long long)have));
		return 0;
	}
	if (strcmp(in.status, "open")) {
		resp_error(r, 409, "conflict", T(r, "emerg.err.incident_closed"), "id");
		return 0;
	}
	const char *muster = req_field(r, "muster");
	if (!muster || !*muster)
		muster = in.area;
	if (utf8_chars(muster) > EMERG_MUSTER_MAX) {
		resp_error(r, 422, "invalid", T(r, "emerg.err.muster"), "muster");
		return 0;
	}
	int64_t id = open_mode(r, &in, muster);
	if (!id)
		return 0;
	if (!r->is_api) {
		resp_redirect(r, arena_printf(&r->arena, "/emerg/drills/%lld/command", (long long)id));
		return 0;
	}
	struct emerg_drill d;
	if (emerg_drill_load(r, id, &d)) {
		entity_not_found(r);
		return 0;
	}
	resp_json(r, 201, emerg_drill_json(r, &d));
	return 0;
}

/* GET /api/v1/emerg/incidents/:id/mode: the record of the incident's emergency mode. */
int emerg_incident_mode_get(struct req *r)
{
	struct incident_ref in;
	if (incident_param(r, &in))
		return 0;
	struct emerg_drill d;
	int64_t id = mode_of(r->db, in.id);
	if (!id || emerg_drill_load(r, id, &d)) {
		entity_not_found(r);
		return 0;
	}
	resp_json(r, 200, emerg_drill_json(r, &d));
	return 0;
}

/* ---- the record on the incident's page ---- */

void emerg_incident_panel(struct req *r, int64_t incident_id)
{
	struct strbuf *o = &r->out;
	struct emerg_drill d;
	int64_t id = mode_of(r->db, incident_id);
	html_printf(o, "<section class=\"card emerg-incident\" id=\"emergency\"><h2>%s</h2>", T(r, "emerg.incident.title"));
	if (!id || emerg_drill_load(r, id, &d)) {
		int64_t open = 0;
		db_get_i64(r->db, &open, "SELECT status = 'open' FROM incidents WHERE id = ?", "I", incident_id);
		if (auth_has(r, "emerg.command") && open)
			html_printf(o, "<form method=\"post\" action=\"/emerg/incidents/%D/mode\" class=\"stack\">%r<label>%s"
				       "<input name=\"muster\" maxlength=\"%d\" placeholder=\"%s\"></label>"
				       "<button class=\"primary big\" type=\"submit\">%s</button></form>",
				    incident_id, page_csrf(r), T(r, "emerg.muster"), EMERG_MUSTER_MAX, T(r, "emerg.incident.muster_hint"),
				    T(r, "emerg.incident.open"));
		else
			html_printf(o, "<p class=\"sub\">%s</p>", T(r, "emerg.incident.none"));
		html_printf(o, "</section>");
		return;
	}
	int running = !strcmp(d.status, "running");
	html_printf(o, "<dl class=\"acc-facts\"><dt>%s</dt><dd data-mode=\"%s\">%s</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>",
		    T(r, "emerg.incident.state"), d.status, T(r, running ? "emerg.incident.running" : "emerg.incident.closed"),
		    T(r, "emerg.commander"), d.commander, T(r, "emerg.started_at"), page_time(r, d.started_at));
	if (d.ended_at)
		html_printf(o, "<dt>%s</dt><dd>%s · %s</dd>", T(r, "emerg.incident.closed_at"), page_time(r, d.ended_at),
			    emerg_duration(r, d.ended_at - d.started_at));
	html_printf(o, "<dt>%s</dt><dd>%s</dd></dl>", T(r, "emerg.muster"), d.muster);
	/* who checked in and when, who never did */
	int nin = 0, nout = 0;
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	struct db_stmt *st = db_query(r->db, "SELECT us.name, k.at FROM emerg_checkins k JOIN users us ON us.id = k.user_id"
				      " WHERE k.drill_id = ? ORDER BY k.at, k.id", "I", d.id);
	while (st && db_step(st) == 1)
		html_printf(&in, "%r%s %s", nin++ ? "；" : "", db_col_text(st, 0), page_time(r, db_col_i64(st, 1)));
	db_done(r->db, st);
	st = emerg_missing_query(r->db, &d);
	while (st && db_step(st) == 1)
		html_printf(&out, "%r%s", nout++ ? "、" : "", db_col_text(st, 1));
	db_done(r->db, st);
	html_printf(o, "<p><span class=\"badge ok\" data-count=\"in\">%s %d</span> <span class=\"badge bad\" data-count=\"missing\">%s %d</span></p>"
		       "<p class=\"emerg-in\">%r</p>",
		    T(r, "emerg.safe"), nin, T(r, running ? "emerg.missing" : "emerg.incident.never"), nout, html_raw_sb(&in));
	if (nout)
		html_printf(o, "<p class=\"emerg-missing sub\">%s: %r</p>", T(r, running ? "emerg.missing" : "emerg.incident.never"),
			    html_raw_sb(&out));
	sb_release(&in);
	sb_release(&out);
	/* key actions and steps with the server's times */
	int64_t at[EMERG_NMARKS];
	emerg_marks_of(r->db, d.id, at);
	html_printf(o, "<h3>%s</h3><ul class=\"list emerg-marks\">", T(r, "emerg.key_actions"));
	for (int i = 0; emerg_mark_actions[i]; i++)
		html_printf(o, "<li data-mark=\"%s\">%s %s</li>", emerg_mark_actions[i],
			    T(r, arena_printf(&r->arena, "emerg.mark.%s", emerg_mark_actions[i])), at[i] ? page_time(r, at[i]) : "—");
	html_printf(o, "</ul><h3>%s</h3><ol class=\"list emerg-steps\">", T(r, "emerg.steps"));
	st = db_query(r->db, "SELECT seq, text, done_at FROM emerg_steps WHERE drill_id = ? ORDER BY seq", "I", d.id);
	while (st && db_step(st) == 1)
		html_printf(o, "<li data-step=\"%D\" data-done=\"%d\">%s <small>%s</small></li>", db_col_i64(st, 0),
			    db_col_i64(st, 2) != 0, db_col_text(st, 1),
			    db_col_i64(st, 2) ? page_time(r, db_col_i64(st, 2)) : T(r, "emerg.incident.not_done"));
	db_done(r->db, st);
	html_printf(o, "</ol>");
	if (running && auth_has(r, "emerg.command"))
		html_printf(o, "<p><a class=\"button primary\" href=\"/emerg/drills/%D/command\">%s</a></p>", d.id, T(r, "emerg.mode"));
	html_printf(o, "</section>");
}

/* ---- the commander's page of an incident: what a drill does not have ---- */

void emerg_command_extra(struct req *r, const struct emerg_drill *d)
{
	int64_t incident = 0;
	db_get_i64(r->db, &incident, "SELECT COALESCE(incident_id, 0) FROM emerg_drills WHERE id = ?", "I", d->id);
	if (incident)
		html_printf(&r->out, "<p><a class=\"button\" href=\"/incidents/%D\">%s</a></p>", incident, T(r, "emerg.incident.back"));
	emerg_contacts_card(r, d->unit_id);
	if (!incident || strcmp(d->status, "running"))
		return;
	/* a real incident has no printed label at its muster point: the code is shown here */
	const char *url = emerg_checkin_url(r, d);
	struct strbuf svg = STRBUF_INIT;
	qr_svg(&svg, url);
	html_printf(&r->out, "<details class=\"qr-label\"><summary>%s</summary>%r<p><small>%s</small></p></details>",
		    T(r, "emerg.checkin_qr"), html_raw_sb(&svg), url);
	sb_release(&svg);
	html_printf(&r->out, "<form method=\"post\" action=\"/emerg/drills/%D/end\">%r<input type=\"hidden\" name=\"back\" value=\"command\">"
			     "<button class=\"danger\">%s</button></form>", d->id, page_csrf(r), T(r, "emerg.incident.close"));
}
