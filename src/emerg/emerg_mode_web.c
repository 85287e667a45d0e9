/*
 * emerg_mode_web.c — emergency mode: the page a phone opens from the QR code at the muster
 * point (one tap: "I am safe here", time-stamped by the server) and the incident commander's
 * page — who has checked in, who of the expected people has not (with a phone number to
 * call), the key actions with one tap each, supplies near the drill's unit, and the steps of
 * the response ticked off with their times. Both are small pages of live data only: nothing
 * is cached (dynamic answers are Cache-Control: no-store) and each is a handful of indexed
 * queries, so they keep answering when other pages are busy.
 *
 * The QR token is the proof of being at the muster point; any signed-in person with
 * emerg.view may check in with it (a contractor's worker from another unit is safe too), so
 * the check-in is not limited by data scope. Once per person, only while the drill runs.
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

#include <string.h>

/* The drill behind a token: id, title, status, muster point; 0 when none. */
struct by_token {
	int64_t id;
	const char *title, *status, *muster;
	int incident;	/* emergency mode of a real incident: "closed" rather than "the drill ended" */
};

static int drill_of_token(struct req *r, const char *token, struct by_token *b)
{
	memset(b, 0, sizeof *b);
	if (!token || strlen(token) != 32)
		return -1;
	struct db_stmt *st = db_query(r->db, "SELECT id, title, status, muster, incident_id IS NOT NULL FROM emerg_drills WHERE token = ?", "t", token);
	if (st && db_step(st) == 1) {
		b->id = db_col_i64(st, 0);
		b->title = arena_strdup(&r->arena, db_col_text(st, 1));
		b->status = arena_strdup(&r->arena, db_col_text(st, 2));
		b->muster = arena_strdup(&r->arena, db_col_text(st, 3));
		b->incident = (int)db_col_i64(st, 4);
	}
	db_done(r->db, st);
	return b->id ? 0 : -1;
}

/* When the person checked in (0: not yet). */
static int64_t checked_in_at(struct req *r, int64_t drill, int64_t user)
{
	int64_t at = 0;
	db_get_i64(r->db, &at, "SELECT at FROM emerg_checkins WHERE drill_id = ? AND user_id = ?", "II", drill, user);
	return at;
}

/* Check the signed-in person in. 0 done; else the status answered (404, 409, 503). */
static int checkin(struct req *r, const char *token, struct by_token *b)
{
	if (drill_of_token(r, token, b)) {
		entity_not_found(r);
		return 404;
	}
	int64_t at = checked_in_at(r, b->id, r->who->user_id);
	if (at) {	/* a second tap or scan: refused, saying when the first one was */
		resp_error(r, 409, "conflict", arena_printf(&r->arena, "%s %s", T(r, "emerg.err.checked_in"), page_time(r, at)),
			   "token");
		return 409;
	}
	if (strcmp(b->status, "running")) {
		resp_error(r, 409, "conflict", T(r, !strcmp(b->status, "planned") ? "emerg.err.not_started"
						   : b->incident ? "emerg.err.mode_closed" : "emerg.err.ended"), "token");
		return 409;
	}
	if (db_begin(r->db) != DB_OK) {
		form_unavailable(r);
		return 503;
	}
	int rc = db_exec(r->db, "INSERT INTO emerg_checkins (drill_id, user_id, at) SELECT ?, ?, ?"
				" WHERE EXISTS (SELECT 1 FROM emerg_drills WHERE id = ? AND status = 'running')",
			 "IIII", b->id, r->who->user_id, clock_now(), b->id);
	if (rc == DB_OK && db_changes(r->db) < 1)
		rc = DB_NOTFOUND;	/* ended meanwhile */
	if (rc == DB_OK)
		rc = audit_req(r, "emerg_drill", b->id, "checkin", r->who->username);
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		if (rc == DB_CONSTRAINT || rc == DB_NOTFOUND) {
			resp_error(r, 409, "conflict", T(r, rc == DB_CONSTRAINT ? "emerg.err.checked_in" : "emerg.err.ended"), "token");
			return 409;
		}
		form_unavailable(r);
		return 503;
	}
	return 0;
}

int emerg_checkin_page(struct req *r)
{
	struct by_token b;
	if (drill_of_token(r, req_param(r, "checkin"), &b)) {
		entity_not_found(r);
		return 0;
	}
	int64_t at = checked_in_at(r, b.id, r->who->user_id);
	page_begin(r, T(r, "emerg.checkin"));
	html_printf(&r->out, "<section class=\"card emerg-checkin\"><h1>%s</h1><p><strong>%s</strong></p><p>%s %s</p>",
		    T(r, "emerg.checkin"), b.title, T(r, "emerg.muster"), b.muster);
	if (at)
		html_printf(&r->out, "<p class=\"notice ok\" data-checked-in=\"1\">%s %s</p>", T(r, "emerg.checked_in"), page_time(r, at));
	else if (!strcmp(b.status, "running"))
		html_printf(&r->out, "<form method=\"post\" action=\"/emerg/c/%s\">%r<button class=\"primary big\">%s</button></form>",
			    req_param(r, "checkin"), page_csrf(r), T(r, "emerg.checkin_button"));
	else
		html_printf(&r->out, "<p class=\"notice warn\">%s</p>",
			    T(r, !strcmp(b.status, "planned") ? "emerg.err.not_started" : b.incident ? "emerg.err.mode_closed" : "emerg.err.ended"));
	html_printf(&r->out, "</section>");
	page_end(r);
	return 0;
}

int emerg_checkin_post(struct req *r)
{
	struct by_token b;
	if (checkin(r, req_param(r, "checkin"), &b))
		return 0;
	resp_redirect(r, arena_printf(&r->arena, "/emerg/c/%s", req_param(r, "checkin")));
	return 0;
}

int emerg_api_checkin(struct req *r)
{
	struct by_token b;
	const char *token = req_field(r, "token");
	if (!token || !*token) {
		resp_error(r, 422, "invalid", T(r, "emerg.err.token"), "token");
		return 0;
	}
	if (checkin(r, token, &b))
		return 0;
	resp_json(r, 201, json_pack("{s:I, s:I, s:I}", "drill_id", (json_int_t)b.id, "user_id", (json_int_t)r->who->user_id,
				    "at", (json_int_t)checked_in_at(r, b.id, r->who->user_id)));
	return 0;
}

/* ---- the commander's page ---- */

int emerg_command_page(struct req *r)
{
	int64_t id;
	struct emerg_drill d;
	if (req_param_id(r, "id", &id) || emerg_drill_load(r, id, &d)) {
		entity_not_found(r);
		return 0;
	}
	int64_t now = clock_now();
	page_begin(r, T(r, "emerg.mode"));
	char key[40];
	snprintf(key, sizeof key, "emerg.status.%s", d.status);
	html_printf(&r->out, "<section class=\"card emerg-command\"><h1>%s</h1><p><strong>%s</strong> "
			     "<span class=\"badge\" data-status=\"%s\">%s</span></p>",
		    T(r, "emerg.mode"), d.title, d.status, T(r, key));
	if (d.started_at)
		html_printf(&r->out, "<p>%s %s · %s %s</p>", T(r, "emerg.started_at"), page_time(r, d.started_at),
			    T(r, "emerg.elapsed"), emerg_duration(r, (d.ended_at ? d.ended_at : now) - d.started_at));
	/* who is safe, who is missing */
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	int nin = 0, nout = 0;
	struct db_stmt *st = db_query(r->db, "SELECT us.name, k.at FROM emerg_checkins k JOIN users us ON us.id = k.user_id"
				    " WHERE k.drill_id = ? ORDER BY k.at, k.id", "I", d.id);
	while (st && db_step(st) == 1) {
		nin++;
		html_printf(&in, "<li data-in>%s <small>%s</small></li>", db_col_text(st, 0), page_time(r, db_col_i64(st, 1)));
	}
	db_done(r->db, st);
	st = emerg_missing_query(r->db, &d);
	while (st && db_step(st) == 1) {
		nout++;
		if (*db_col_text(st, 2))
			html_printf(&out, "<li data-missing=\"%s\">%s <a class=\"button\" href=\"tel:%s\">%s</a></li>", db_col_text(st, 3),
				    db_col_text(st, 1), db_col_text(st, 2), db_col_text(st, 2));
		else
			html_printf(&out, "<li data-missing=\"%s\">%s</li>", db_col_text(st, 3), db_col_text(st, 1));
	}
	db_done(r->db, st);
	html_printf(&r->out, "<p class=\"emerg-counts\"><span class=\"badge ok\" data-count=\"in\">%s %d</span> "
			     "<span class=\"badge bad\" data-count=\"missing\">%s %d</span></p>"
			     "<h2>%s</h2><ul class=\"list emerg-missing\">%r</ul><h2>%s</h2><ul class=\"list emerg-in\">%r</ul>",
		    T(r, "emerg.safe"), nin, T(r, "emerg.missing"), nout, T(r, "emerg.missing"), html_raw_sb(&out),
		    T(r, "emerg.safe"), html_raw_sb(&in));
	sb_release(&in);
	sb_release(&out);
	html_printf(&r->out, "<p><a class=\"button\" href=\"/emerg/drills/%D/command\">%s</a></p>", d.id, T(r, "emerg.refresh"));
	/* key actions */
	html_printf(&r->out, "<h2>%s</h2>", T(r, "emerg.key_actions"));
	emerg_taps(r, &d, "command");
	/* the steps of the response */
	html_printf(&r->out, "<h2>%s</h2><ol class=\"list emerg-steps\">", T(r, "emerg.steps"));
	st = db_query(r->db, "SELECT seq, text, done_at FROM emerg_steps WHERE drill_id = ? ORDER BY seq", "I", d.id);
	int running = !strcmp(d.status, "running");
	while (st && db_step(st) == 1) {
		int64_t seq = db_col_i64(st, 0), done = db_col_i64(st, 2);
		html_printf(&r->out, "<li data-step=\"%D\">%s ", seq, db_col_text(st, 1));
		if (done)
			html_printf(&r->out, "<span class=\"badge ok\">✓ %s</span>", page_time(r, done));
		else if (running)
			html_printf(&r->out, "<form method=\"post\" action=\"/emerg/drills/%D/steps/%D\">%r"
					     "<input type=\"hidden\" name=\"back\" value=\"command\"><button>%s</button></form>",
				    d.id, seq, page_csrf(r), T(r, "emerg.step_done"));
		html_printf(&r->out, "</li>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ol>");
	/* supplies of the drill's unit and the units around it (its ancestors and those below) */
	html_printf(&r->out, "<h2>%s</h2><ul class=\"list emerg-near\">", T(r, "emerg.resources_near"));
	st = db_query(r->db, "SELECT e.name, e.place, e.quantity FROM emerg_resources e JOIN units u ON u.id = e.unit_id"
			     " WHERE e.active = 1 AND (u.path LIKE ? || '%' OR ? LIKE u.path || '%')"
			     " ORDER BY length(u.path) DESC, e.place, e.name LIMIT 30", "tt", d.unit_path, d.unit_path);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li>%s × %D <small>%s</small></li>", db_col_text(st, 0), db_col_i64(st, 2), db_col_text(st, 1));
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
	emerg_command_extra(r, &d);	/* an incident's link, QR code and closing; teams and contacts */
	html_printf(&r->out, "<p><a href=\"/emerg/drills/%D\">%s</a></p></section>", d.id, T(r, "form.back"));
	page_end(r);
	return 0;
}
