/*
 * emerg_tabletop_web.c — tabletop exercises (应急推演) as pages and JSON. An exercise is made
 * from a plan (its scenario, its roles with their named people, its steps with their target
 * times, copied so that a later change of the plan does not rewrite what was exercised); the
 * people named are told in their inbox and join from their phones (the page's QR code or the
 * inbox link); the facilitator injects events, each joined role records its decisions, and
 * the server's clock stamps both. Ending it compares each step with its target
 * (emerg_tt_compare) and raises an action for each step late or missing, owned by the
 * person the plan makes answerable for the step (else the facilitator), due in
 * EMERG_TT_ACTION_DAYS; the job reminds owners of overdue ones.
 *
 * Data scope: an exercise of a unit in the caller's scope, or one the caller has a role in.
 * Running it (start, inject, end) is for its facilitator or whoever may manage drills.
 */
#include "emerg/emerg_tabletop.h"
#include "emerg/emerg.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/text.h"
#include "db/db.h"
#include "notify/notify.h"
#include "org/org.h"
#include "emerg/emerg_web.h"
#include "web/entity.h"
#include "web/form.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/qr.h"

#include <stdlib.h>
#include <string.h>

struct tt {
	int64_t id, plan_id, unit_id, facilitator_id, planned_on, started_at, ended_at;
	const char *title, *scenario, *status, *unit, *plan, *facilitator;
};

struct tt_step {
	int seq, target_min, late_min;	/* target_min -1: none */
	int64_t owner_id, done_at;
	const char *text;
	enum emerg_tt_result result;
};

#define TT_COLS "t.id, t.plan_id, t.unit_id, t.facilitator_id, t.planned_on, t.started_at, t.ended_at, t.title, t.scenario," \
		" t.status, u.name, p.title, COALESCE(f.name, '')"
#define TT_FROM " FROM emerg_tabletops t JOIN units u ON u.id = t.unit_id JOIN emerg_plans p ON p.id = t.plan_id" \
		" LEFT JOIN users f ON f.id = t.facilitator_id"
/* in scope by the unit, or a role of the caller's: binds pattern, owner, owner, me */
#define TT_SCOPE " ((u.path LIKE ? AND (? = 0 OR t.facilitator_id = ?))" \
		 " OR EXISTS (SELECT 1 FROM emerg_tt_roles x WHERE x.tabletop_id = t.id AND x.user_id = ?))"

static const char *const statuses[] = {"planned", "running", "ended", NULL};

static void tt_from_row(struct req *r, struct db_stmt *st, struct tt *t)
{
	t->id = db_col_i64(st, 0);
	t->plan_id = db_col_i64(st, 1);
	t->unit_id = db_col_i64(st, 2);
	t->facilitator_id = db_col_i64(st, 3);
	t->planned_on = db_col_i64(st, 4);
	t->started_at = db_col_i64(st, 5);
	t->ended_at = db_col_i64(st, 6);
	t->title = arena_strdup(&r->arena, db_col_text(st, 7));
	t->scenario = arena_strdup(&r->arena, db_col_text(st, 8));
	t->status = arena_strdup(&r->arena, db_col_text(st, 9));
	t->unit = arena_strdup(&r->arena, db_col_text(st, 10));
	t->plan = arena_strdup(&r->arena, db_col_text(st, 11));
	t->facilitator = arena_strdup(&r->arena, db_col_text(st, 12));
}

/* The caller's role in the exercise: its name (NULL: none) and *joined the time joined. */
static const char *my_role(struct req *r, int64_t id, int64_t *joined)
{
	*joined = 0;
	const char *role = NULL;
	struct db_stmt *st = db_query(r->db, "SELECT role, joined_at FROM emerg_tt_roles WHERE tabletop_id = ? AND user_id = ?",
				      "II", id, r->who->user_id);
	if (st && db_step(st) == 1) {
		role = arena_strdup(&r->arena, db_col_text(st, 0));
		*joined = db_col_i64(st, 1);
	}
	db_done(r->db, st);
	return role;
}

/* The exercise if the caller may see it: 0, else -1. */
static int tt_load(struct req *r, int64_t id, struct tt *t)
{
	struct db_stmt *st = db_query(r->db, "SELECT " TT_COLS TT_FROM " WHERE t.id = ?", "I", id);
	int found = st && db_step(st) == 1;
	if (found)
		tt_from_row(r, st, t);
	db_done(r->db, st);
	if (!found)
		return -1;
	int64_t joined;
	return auth_scope_allows(r, t->unit_id, t->facilitator_id) || my_role(r, id, &joined) ? 0 : -1;
}

static struct tt *tt_param(struct req *r)
{
	int64_t id;
	struct tt *t = arena_alloc(&r->arena, sizeof *t);
	if (req_param_id(r, "id", &id) || tt_load(r, id, t)) {
		entity_not_found(r);
		return NULL;
	}
	return t;
}

/* May the caller run it: its facilitator, or whoever manages drills. */
static int may_run(struct req *r, const struct tt *t)
{
	return auth_has(r, "emerg.command") && (t->facilitator_id == r->who->user_id || auth_has(r, "emerg.manage"));
}

/* The steps with their first decision and what became of them; the count. */
static int tt_steps(struct req *r, const struct tt *t, struct tt_step *v)
{
	struct db_stmt *st = db_query(r->db, "SELECT s.seq, s.text, COALESCE(s.target_min, -1), COALESCE(s.owner_id, 0),"
				      " COALESCE((SELECT min(e.at) FROM emerg_tt_events e WHERE e.tabletop_id = s.tabletop_id"
				      " AND e.kind = 'decision' AND e.step_seq = s.seq), 0)"
				      " FROM emerg_tt_steps s WHERE s.tabletop_id = ? ORDER BY s.seq LIMIT 30", "I", t->id);
	int n = 0;
	while (st && db_step(st) == 1 && n < EMERG_TT_MAX_STEPS) {
		struct tt_step *s = &v[n++];
		s->seq = (int)db_col_i64(st, 0);
		s->text = arena_strdup(&r->arena, db_col_text(st, 1));
		s->target_min = (int)db_col_i64(st, 2);
		s->owner_id = db_col_i64(st, 3);
		s->done_at = db_col_i64(st, 4);
		s->result = emerg_tt_compare(t->started_at, s->target_min, s->done_at, !strcmp(t->status, "ended"), &s->late_min);
	}
	db_done(r->db, st);
	return n;
}

static json_t *opt_i64(int64_t v, int present)
{
	return present ? json_integer(v) : json_null();
}

static json_t *day_json(int64_t day)
{
	char d[16];
	return json_string(day_format(day, d));
}

static json_t *tt_json(struct req *r, const struct tt *t)
{
	json_t *roles = json_array(), *steps = json_array(), *injects = json_array(), *events = json_array(), *actions = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT x.role, x.user_id, us.name, x.joined_at FROM emerg_tt_roles x"
				      " JOIN users us ON us.id = x.user_id WHERE x.tabletop_id = ? ORDER BY x.id", "I", t->id);
	while (st && db_step(st) == 1)
		json_array_append_new(roles, json_pack("{s:s, s:I, s:s, s:o}", "role", db_col_text(st, 0), "user_id",
						       (json_int_t)db_col_i64(st, 1), "name", db_col_text(st, 2), "joined_at",
						       opt_i64(db_col_i64(st, 3), db_col_i64(st, 3) != 0)));
	db_done(r->db, st);
	struct tt_step v[EMERG_TT_MAX_STEPS];
	int n = tt_steps(r, t, v);
	for (int i = 0; i < n; i++)
		json_array_append_new(steps, json_pack("{s:i, s:s, s:o, s:o, s:o, s:s, s:i}", "seq", v[i].seq, "text", v[i].text,
						       "target_min", opt_i64(v[i].target_min, v[i].target_min >= 0),
						       "owner_id", opt_i64(v[i].owner_id, v[i].owner_id != 0),
						       "done_at", opt_i64(v[i].done_at, v[i].done_at != 0),
						       "result", emerg_tt_result_code(v[i].result), "late_min", v[i].late_min));
	st = db_query(r->db, "SELECT id, text FROM emerg_tt_injects WHERE plan_id = ? ORDER BY seq LIMIT 50", "I", t->plan_id);
	while (st && db_step(st) == 1)
		json_array_append_new(injects, json_pack("{s:I, s:s}", "id", (json_int_t)db_col_i64(st, 0), "text", db_col_text(st, 1)));
	db_done(r->db, st);
	st = db_query(r->db, "SELECT e.id, e.kind, e.at, e.user_id, us.name, e.role, e.step_seq, e.text FROM emerg_tt_events e"
			     " JOIN users us ON us.id = e.user_id WHERE e.tabletop_id = ? ORDER BY e.at, e.id LIMIT 500", "I", t->id);
	while (st && db_step(st) == 1) {
		int64_t at = db_col_i64(st, 2);
		json_array_append_new(events, json_pack("{s:I, s:s, s:I, s:o, s:I, s:s, s:s, s:o, s:s}", "id",
			(json_int_t)db_col_i64(st, 0), "kind", db_col_text(st, 1), "at", (json_int_t)at,
			"offset_s", opt_i64(at - t->started_at, t->started_at != 0), "user_id", (json_int_t)db_col_i64(st, 3),
			"user", db_col_text(st, 4), "role", db_col_text(st, 5), "step_seq", opt_i64(db_col_i64(st, 6), !db_col_null(st, 6)),
			"text", db_col_text(st, 7)));
	}
	db_done(r->db, st);
	int64_t today = day_today();
	st = db_query(r->db, "SELECT a.id, a.step_seq, a.text, a.owner_id, us.name, a.due_on, a.done_at FROM emerg_tt_actions a"
			     " JOIN users us ON us.id = a.owner_id WHERE a.tabletop_id = ? ORDER BY a.step_seq", "I", t->id);
	while (st && db_step(st) == 1) {
		int64_t due = db_col_i64(st, 5), done = db_col_i64(st, 6);
		json_array_append_new(actions, json_pack("{s:I, s:i, s:s, s:I, s:s, s:o, s:o, s:b}", "id", (json_int_t)db_col_i64(st, 0),
			"step_seq", (int)db_col_i64(st, 1), "text", db_col_text(st, 2), "owner_id", (json_int_t)db_col_i64(st, 3),
			"owner", db_col_text(st, 4), "due_on", day_json(due), "done_at", opt_i64(done, done != 0),
			"overdue", !done && due < today));
	}
	db_done(r->db, st);
	int64_t joined;
	const char *role = my_role(r, t->id, &joined);
	return json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:o, s:I, s:s, s:s, s:o, s:o, s:o, s:b,"
			 " s:o, s:o, s:o, s:o, s:o}",
		"id", (json_int_t)t->id, "plan_id", (json_int_t)t->plan_id, "plan", t->plan, "unit_id", (json_int_t)t->unit_id,
		"unit", t->unit, "title", t->title, "scenario", t->scenario, "planned_on", day_json(t->planned_on),
		"facilitator_id", (json_int_t)t->facilitator_id, "facilitator", t->facilitator, "status", t->status,
		"started_at", opt_i64(t->started_at, t->started_at != 0), "ended_at", opt_i64(t->ended_at, t->ended_at != 0),
		"my_role", role ? json_string(role) : json_null(), "joined", joined != 0,
		"roles", roles, "steps", steps, "injects", injects, "events", events, "actions", actions);
}

/* ---- the exercise's page ---- */

/* "+12:05" from the start */
static const char *offset(struct req *r, const struct tt *t, int64_t at)
{
	if (!t->started_at)
		return "";
	int64_t s = at - t->started_at;
	if (s < 0)
		s = 0;
	return arena_printf(&r->arena, "+%lld:%02lld", (long long)(s / 60), (long long)(s % 60));
}

/* What the QR code on the facilitator's screen holds: this exercise's page, on this server. */
static const char *page_url(struct req *r, const struct tt *t)
{
	const char *area = org_qr_url(r, "x");
	size_t n = strlen(area) - strlen("/a/x");
	return arena_printf(&r->arena, "%.*s/emerg/tabletops/%lld", (int)n, area, (long long)t->id);
}

static void result_badge(struct req *r, const struct tt_step *s)
{
	static const char *const cls[] = {"", "ok", "warn", "bad"};
	char key[40];
	snprintf(key, sizeof key, "emerg.tt.result.%s", emerg_tt_result_code(s->result));
	if (s->result == EMERG_TT_LATE)
		html_printf(&r->out, "<span class=\"badge warn\" data-result=\"late\" data-late=\"%d\">%s %d %s</span>", s->late_min,
			    T(r, key), s->late_min, T(r, "emerg.tt.minutes"));
	else
		html_printf(&r->out, "<span class=\"badge %s\" data-result=\"%s\">%s</span>", cls[s->result],
			    emerg_tt_result_code(s->result), T(r, key));
}

/* The page; err_field/err_key: a refusal to show above the forms, which keep what was typed. */
static void tt_render(struct req *r, const struct tt *t, int status, const char *err_field, const char *err_key)
{
	r->status = status;
	page_begin(r, t->title);
	char day[16], st_key[40];
	snprintf(st_key, sizeof st_key, "emerg.status.%s", t->status);
	html_printf(&r->out, "<section class=\"card emerg-tt\" data-tabletop=\"%D\"><h1>%s</h1>"
			     "<p><span class=\"badge\" data-status=\"%s\">%s</span></p>",
		    t->id, t->title, t->status, T(r, st_key));
	if (err_key)
		page_notice(r, "error", arena_printf(&r->arena, "%s: %s", err_field, T(r, err_key)));
	html_printf(&r->out, "<dl class=\"facts\"><dt>%s</dt><dd><a href=\"/emerg/plans/%D\">%s</a></dd><dt>%s</dt><dd>%s</dd>"
			     "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>",
		    T(r, "emerg.plan"), t->plan_id, t->plan, T(r, "emerg.unit"), t->unit, T(r, "emerg.planned_on"),
		    day_format(t->planned_on, day), T(r, "emerg.tt.facilitator"), t->facilitator);
	if (t->started_at)
		html_printf(&r->out, "<dt>%s</dt><dd>%s</dd>", T(r, "emerg.started_at"), page_time(r, t->started_at));
	if (t->ended_at)
		html_printf(&r->out, "<dt>%s</dt><dd>%s</dd>", T(r, "emerg.ended_at"), page_time(r, t->ended_at));
	html_printf(&r->out, "</dl><p>%s</p>", t->scenario);

	int run = may_run(r, t), running = !strcmp(t->status, "running"), ended = !strcmp(t->status, "ended");
	int64_t joined;
	const char *role = my_role(r, t->id, &joined);
	if (role && !joined && !ended)
		html_printf(&r->out, "<form method=\"post\" action=\"/emerg/tabletops/%D/join\">%r<button class=\"primary\">%s · %s</button></form>",
			    t->id, page_csrf(r), T(r, "emerg.tt.join"), role);
	else if (role)
		html_printf(&r->out, "<p class=\"hint\" data-my-role=\"%s\">%s: %s</p>", role, T(r, "emerg.tt.my_role"), role);
	if (run && !strcmp(t->status, "planned"))
		html_printf(&r->out, "<form method=\"post\" action=\"/emerg/tabletops/%D/start\">%r<button class=\"primary\">%s</button></form>",
			    t->id, page_csrf(r), T(r, "emerg.tt.start"));

	/* the people in their roles */
	html_printf(&r->out, "<h2>%s</h2><ul class=\"list\">", T(r, "emerg.tt.roles"));
	struct db_stmt *st = db_query(r->db, "SELECT x.role, us.name, x.joined_at, x.user_id FROM emerg_tt_roles x JOIN users us"
				    " ON us.id = x.user_id WHERE x.tabletop_id = ? ORDER BY x.id", "I", t->id);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li data-role-user=\"%D\"><strong>%s</strong> · %s <span class=\"badge %r\">%s</span></li>",
			    db_col_i64(st, 3), db_col_text(st, 0), db_col_text(st, 1), db_col_i64(st, 2) ? "ok" : "",
			    T(r, db_col_i64(st, 2) ? "emerg.tt.joined" : "emerg.tt.not_joined"));
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");

	struct tt_step v[EMERG_TT_MAX_STEPS];
	int n = tt_steps(r, t, v);
	const char *typed = req_field(r, "text");
	/* which form was refused: its own words come back in it, not in the other one */
	size_t plen = r->path ? strlen(r->path) : 0;
	int inject_refused = err_key && plen > 8 && !strcmp(r->path + plen - 8, "/injects");
	int decision_refused = err_key && plen > 10 && !strcmp(r->path + plen - 10, "/decisions");
	if (running && run) {
		const char *pick = inject_refused ? req_field(r, "inject_id") : NULL;
		int64_t picked = 0;
		if (pick && *pick && text_parse_i64(pick, &picked))
			picked = 0;
		html_printf(&r->out, "<h2>%s</h2><form method=\"post\" action=\"/emerg/tabletops/%D/injects\" class=\"stack\">%r"
				     "<label>%s<select name=\"inject_id\"%r><option value=\"\">%s</option>",
			    T(r, "emerg.tt.inject"), t->id, page_csrf(r), T(r, "emerg.tt.inject_pick"),
			    inject_refused && !strcmp(err_field, "inject_id") ? " aria-invalid=\"true\"" : "", T(r, "emerg.tt.inject_free"));
		st = db_query(r->db, "SELECT id, text FROM emerg_tt_injects WHERE plan_id = ? ORDER BY seq LIMIT 50", "I", t->plan_id);
		while (st && db_step(st) == 1)
			html_printf(&r->out, "<option value=\"%D\"%r>%s</option>", db_col_i64(st, 0),
				    picked && picked == db_col_i64(st, 0) ? " selected" : "", db_col_text(st, 1));
		db_done(r->db, st);
		html_printf(&r->out, "</select></label>");
		if (inject_refused && !strcmp(err_field, "inject_id"))
			html_printf(&r->out, "<span class=\"field-error\" role=\"alert\" data-field=\"inject_id\">%s: %s</span>",
				    T(r, "emerg.tt.inject_pick"), T(r, err_key));
		html_printf(&r->out, "<label>%s<textarea name=\"text\" maxlength=\"500\"%r>%s</textarea></label>",
			    T(r, "emerg.tt.inject_text"), inject_refused && !strcmp(err_field, "text") ? " aria-invalid=\"true\"" : "",
			    inject_refused && typed ? typed : "");
		if (inject_refused && !strcmp(err_field, "text"))
			html_printf(&r->out, "<span class=\"field-error\" role=\"alert\" data-field=\"text\">%s: %s</span>",
				    T(r, "emerg.tt.inject_text"), T(r, err_key));
		html_printf(&r->out, "<button class=\"primary\">%s</button></form>", T(r, "emerg.tt.inject_send"));
	}
	if (running && role && joined) {
		html_printf(&r->out, "<h2>%s</h2><form method=\"post\" action=\"/emerg/tabletops/%D/decisions\" class=\"stack\">%r"
				     "<label>%s<select name=\"step_seq\"><option value=\"\">—</option>",
			    T(r, "emerg.tt.decision"), t->id, page_csrf(r), T(r, "emerg.tt.for_step"));
		for (int i = 0; i < n; i++)
			html_printf(&r->out, "<option value=\"%d\">%d. %s</option>", v[i].seq, v[i].seq, v[i].text);
		html_printf(&r->out, "</select></label><label>%s<textarea name=\"text\" maxlength=\"500\" required>%s</textarea></label>"
				     "<button class=\"primary\">%s</button></form>",
			    T(r, "emerg.tt.decision_text"), decision_refused && typed ? typed : "", T(r, "emerg.tt.decision_send"));
	}

	/* the timeline */
	html_printf(&r->out, "<h2>%s</h2><ul class=\"list emerg-tt-events\">", T(r, "emerg.tt.timeline"));
	st = db_query(r->db, "SELECT e.kind, e.at, us.name, e.role, e.step_seq, e.text FROM emerg_tt_events e JOIN users us"
			     " ON us.id = e.user_id WHERE e.tabletop_id = ? ORDER BY e.at, e.id LIMIT 500", "I", t->id);
	while (st && db_step(st) == 1) {
		int inject = !strcmp(db_col_text(st, 0), "inject");
		html_printf(&r->out, "<li data-event=\"%s\"><span class=\"badge %r\">%s</span> <strong>%s</strong> · %s",
			    db_col_text(st, 0), inject ? "warn" : "ok", offset(r, t, db_col_i64(st, 1)),
			    T(r, inject ? "emerg.tt.kind.inject" : "emerg.tt.kind.decision"),
			    *db_col_text(st, 3) ? db_col_text(st, 3) : db_col_text(st, 2));
		if (!db_col_null(st, 4))
			html_printf(&r->out, " · %s %D", T(r, "emerg.tt.step"), db_col_i64(st, 4));
		html_printf(&r->out, "<br>%s</li>", db_col_text(st, 5));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");

	/* the comparison with the plan */
	html_printf(&r->out, "<h2>%s</h2><div class=\"table-wrap\"><table class=\"emerg-tt-compare\"><thead><tr><th>%s</th>"
			     "<th>%s</th><th>%s</th><th></th></tr></thead><tbody>",
		    T(r, "emerg.tt.compare"), T(r, "emerg.tt.step"), T(r, "emerg.tt.target"), T(r, "emerg.tt.done_at"));
	for (int i = 0; i < n; i++) {
		html_printf(&r->out, "<tr data-step=\"%d\"><td>%d. %s</td><td>", v[i].seq, v[i].seq, v[i].text);
		if (v[i].target_min >= 0)
			html_printf(&r->out, "%d %s", v[i].target_min, T(r, "emerg.tt.minutes"));
		html_printf(&r->out, "</td><td>%s</td><td>", v[i].done_at ? offset(r, t, v[i].done_at) : "—");
		result_badge(r, &v[i]);
		html_printf(&r->out, "</td></tr>");
	}
	html_printf(&r->out, "</tbody></table></div>");
	if (running && run)
		html_printf(&r->out, "<form method=\"post\" action=\"/emerg/tabletops/%D/end\">%r<button class=\"danger\">%s</button></form>",
			    t->id, page_csrf(r), T(r, "emerg.tt.end"));

	/* the gaps as actions */
	if (ended) {
		html_printf(&r->out, "<h2>%s</h2><ul class=\"list\">", T(r, "emerg.tt.gaps"));
		int64_t today = day_today();
		st = db_query(r->db, "SELECT a.id, a.text, us.name, a.due_on, a.done_at, a.owner_id FROM emerg_tt_actions a"
				     " JOIN users us ON us.id = a.owner_id WHERE a.tabletop_id = ? ORDER BY a.step_seq", "I", t->id);
		while (st && db_step(st) == 1) {
			int64_t due = db_col_i64(st, 3), done = db_col_i64(st, 4);
			html_printf(&r->out, "<li data-gap=\"%D\">%s<br><small>%s · %s · %s</small>", db_col_i64(st, 0),
				    db_col_text(st, 1), db_col_text(st, 2), day_format(due, day),
				    T(r, done ? "emerg.action.done" : due < today ? "emerg.action.overdue" : "emerg.action.open"));
			if (!done && db_col_i64(st, 5) == r->who->user_id)
				html_printf(&r->out, "<form method=\"post\" action=\"/emerg/tt-actions/%D/done\">%r<button>%s</button></form>",
					    db_col_i64(st, 0), page_csrf(r), T(r, "emerg.action.close"));
			html_printf(&r->out, "</li>");
		}
		db_done(r->db, st);
		html_printf(&r->out, "</ul>");
	}
	if (run && !ended) {
		const char *url = page_url(r, t);
		struct strbuf svg = STRBUF_INIT;
		qr_svg(&svg, url);
		html_printf(&r->out, "<div class=\"qr-label\"><h2>%s</h2>%r<p><small>%s</small></p></div>",
			    T(r, "emerg.tt.join_qr"), html_raw_sb(&svg), url);
		sb_release(&svg);
	}
	html_printf(&r->out, "<p><a class=\"button\" href=\"/emerg/tabletops\">%s</a></p></section>", T(r, "form.back"));
	page_end(r);
}

int emerg_tt_page(struct req *r)
{
	struct tt *t = tt_param(r);
	if (t)
		tt_render(r, t, 200, NULL, NULL);
	return 0;
}

int emerg_tt_api_get(struct req *r)
{
	struct tt *t = tt_param(r);
	if (t)
		resp_json(r, 200, tt_json(r, t));
	return 0;
}

/* A refusal: JSON error naming the field, or the page again with the message (what was typed
 * kept in its form). */
static void refuse(struct req *r, const struct tt *t, int status, const char *field, const char *key)
{
	if (r->is_api || !t)
		resp_error(r, status, status == 409 ? "conflict" : status == 403 ? "forbidden" : status == 503 ? "unavailable" : "invalid",
			   T(r, key), field);
	else
		tt_render(r, t, status, field, key);
}

/* Commit a write with its audit entry (rc: its statements' result), then answer with the
 * exercise (API) or its page. */
static int finish(struct req *r, struct tt *t, int rc, const char *action, const char *summary, int status)
{
	if (rc == DB_OK)
		rc = audit_req(r, "emerg_tabletop", t->id, action, summary);
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		int clash = rc == DB_CONSTRAINT || rc == DB_NOTFOUND;
		refuse(r, t, clash ? 409 : 503, "status", clash ? "emerg.err.twice" : "error.unavailable");
		return -1;
	}
	if (r->is_api) {
		tt_load(r, t->id, t);
		resp_json(r, status, tt_json(r, t));
	} else {
		resp_redirect(r, arena_printf(&r->arena, "/emerg/tabletops/%lld", (long long)t->id));
	}
	return 0;
}

static int begin(struct req *r, struct tt *t)
{
	if (db_begin(r->db) == DB_OK)
		return 0;
	refuse(r, t, 503, NULL, "error.unavailable");
	return -1;
}

/* A changing UPDATE that found nothing to change was raced: DB_NOTFOUND. */
static int changed(struct req *r, int rc)
{
	return rc == DB_OK && db_changes(r->db) < 1 ? DB_NOTFOUND : rc;
}

/* Text of 1..max characters, valid UTF-8. */
static int text_ok(const char *s, size_t max)
{
	return s && *s && utf8_valid(s, strlen(s)) && utf8_chars(s) <= max;
}

/* ---- the list and a new exercise ---- */

int64_t emerg_tt_insert(struct db *c, int64_t plan, const char *title, int64_t day, int64_t facilitator, int64_t now)
{
	/* the scenario: the plan's scenario parts, title and description, one after another */
	int rc = db_exec(c, "INSERT INTO emerg_tabletops (plan_id, unit_id, title, scenario, planned_on, facilitator_id, created_by, created_at)"
			    " SELECT p.id, p.unit_id, COALESCE(NULLIF(?, ''), p.title),"
			    " COALESCE((SELECT string_agg(x.title || CASE WHEN x.body = '' THEN '' ELSE '：' || x.body END, '；')"
			    " FROM (SELECT title, body FROM emerg_plan_parts WHERE plan_id = p.id AND kind = 'scenario' ORDER BY seq) x), ''),"
			    " ?, ?, ?, ? FROM emerg_plans p WHERE p.id = ?",
			 "tIIIII", title, day, facilitator, facilitator, now, plan);
	int64_t id = db_last_id(c);
	/* each named person once, in the first role the plan gives them */
	if (rc == DB_OK)
		rc = db_exec(c, "INSERT INTO emerg_tt_roles (tabletop_id, role, user_id) SELECT ?, title, user_id FROM emerg_plan_parts"
				" WHERE id IN (SELECT min(id) FROM emerg_plan_parts WHERE plan_id = ? AND kind = 'role' AND user_id IS NOT NULL"
				" GROUP BY user_id) ORDER BY seq LIMIT 30", "II", id, plan);
	if (rc == DB_OK)
		rc = db_exec(c, "INSERT INTO emerg_tt_steps (tabletop_id, seq, text, target_min, owner_id) SELECT ?, seq, title,"
				" target_min, user_id FROM emerg_plan_parts WHERE plan_id = ? AND kind = 'step' ORDER BY seq LIMIT 30",
			     "II", id, plan);
	return rc == DB_OK ? id : -1;
}

static void plan_options(struct req *r, int64_t selected)
{
	form_id_options(r, db_query(r->db, "SELECT p.id, p.title FROM emerg_plans p JOIN units u ON u.id = p.unit_id"
					   " WHERE p.active = 1 AND u.path LIKE ? ORDER BY p.title LIMIT 200", "t", auth_scope_pattern(r)),
			selected);
}

/* ?todo=1: only the exercises with a gap action of the caller's still open (binds the flag, me) */
#define TT_TODO " (? = 0 OR EXISTS (SELECT 1 FROM emerg_tt_actions a WHERE a.tabletop_id = t.id AND a.owner_id = ? AND a.done_at = 0))"
#define MY_OPEN " FROM emerg_tt_actions a JOIN emerg_tabletops t ON t.id = a.tabletop_id WHERE a.owner_id = ? AND a.done_at = 0"

/* "Waiting for me": the caller's open gap actions (home page line and its list). */
int64_t emerg_tt_todo(struct req *r)
{
	int64_t n = 0;
	db_get_i64(r->db, &n, "SELECT count(*)" MY_OPEN, "I", r->who->user_id);
	return n;
}

/* The list the line opens: each open action with its exercise, overdue first, closable here. */
static void todo_page(struct req *r, int page, int per_page)
{
	int64_t total = emerg_tt_todo(r), today = day_today();
	struct db_stmt *st = db_query(r->db, "SELECT a.id, a.text, a.due_on, t.id, t.title" MY_OPEN
				      " ORDER BY a.due_on, a.id LIMIT ? OFFSET ?", "III", r->who->user_id, (int64_t)per_page,
				      (int64_t)(page - 1) * per_page);
	page_begin(r, T(r, "emerg.tt.todo"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><ul class=\"list\">", T(r, "emerg.tt.todo"));
	while (st && db_step(st) == 1) {
		char day[16];
		int64_t due = db_col_i64(st, 2);
		html_printf(&r->out, "<li data-emerg-row=\"%D\"><strong>%s</strong><br><small>%s · %s · <a href=\"/emerg/tabletops/%D\">%s</a></small>"
				     "<form method=\"post\" action=\"/emerg/tt-actions/%D/done\">%r<input type=\"hidden\" name=\"back\" value=\"todo\">"
				     "<button>%s</button></form></li>",
			    db_col_i64(st, 0), db_col_text(st, 1), day_format(due, day),
			    T(r, due < today ? "emerg.action.overdue" : "emerg.action.open"), db_col_i64(st, 3), db_col_text(st, 4),
			    db_col_i64(st, 0), page_csrf(r), T(r, "emerg.action.close"));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
	form_pager(r, "/emerg/tabletops?todo=1", page, per_page, total);
	html_printf(&r->out, "<p><a class=\"button\" href=\"/emerg/tabletops\">%s</a></p></section>", T(r, "emerg.tt.title"));
	page_end(r);
}

static void list_page(struct req *r, int status, const char *err_field, const char *err_key)
{
	int page, per_page;
	req_page(r, 50, &page, &per_page);
	const char *want = NULL;
	req_query_enum(r, "status", statuses, &want);
	int todo = req_query_flag(r, "todo", 0);
	if (r->bad_param)
		return;
	if (todo && !r->is_api) {
		todo_page(r, page, per_page);
		return;
	}
	int64_t total = 0;
	db_get_i64(r->db, &total, "SELECT count(*)" TT_FROM " WHERE" TT_SCOPE " AND (? IS NULL OR t.status = ?) AND" TT_TODO,
		   "tIIIttiI", auth_scope_pattern(r), auth_scope_owner(r), auth_scope_owner(r), r->who->user_id, want, want, todo,
		   r->who->user_id);
	struct db_stmt *st = db_query(r->db, "SELECT " TT_COLS TT_FROM " WHERE" TT_SCOPE " AND (? IS NULL OR t.status = ?) AND" TT_TODO
				      " ORDER BY t.planned_on DESC, t.id DESC LIMIT ? OFFSET ?", "tIIIttiIII",
				      auth_scope_pattern(r), auth_scope_owner(r), auth_scope_owner(r), r->who->user_id, want, want,
				      todo, r->who->user_id, (int64_t)per_page, (int64_t)(page - 1) * per_page);
	if (r->is_api) {
		json_t *items = json_array();
		struct tt t;
		/* the page's ids first: each item's JSON runs its own queries */
		int64_t *ids = arena_alloc(&r->arena, (size_t)per_page * sizeof *ids);
		int k = 0;
		while (st && db_step(st) == 1 && k < per_page)
			ids[k++] = db_col_i64(st, 0);
		db_done(r->db, st);
		for (int i = 0; i < k; i++)
			if (!tt_load(r, ids[i], &t))
				json_array_append_new(items, tt_json(r, &t));
		resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", items, "page", page, "per_page", per_page,
					    "total", (json_int_t)total));
		return;
	}
	r->status = status;
	page_begin(r, T(r, "emerg.tt.title"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><p class=\"hint\">%s</p>", T(r, "emerg.tt.title"), T(r, "emerg.tt.hint"));
	if (err_key)
		page_notice(r, "error", arena_printf(&r->arena, "%s: %s", err_field, T(r, err_key)));
	html_printf(&r->out, "<ul class=\"list\">");
	while (st && db_step(st) == 1) {
		struct tt t;
		tt_from_row(r, st, &t);
		char day[16], key[40];
		snprintf(key, sizeof key, "emerg.status.%s", t.status);
		html_printf(&r->out, "<li data-tabletop=\"%D\"><a href=\"/emerg/tabletops/%D\"><strong>%s</strong></a><br>"
				     "<small>%s · %s · %s</small></li>", t.id, t.id, t.title, day_format(t.planned_on, day), t.unit, T(r, key));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
	form_pager(r, "/emerg/tabletops", page, per_page, total);
	if (auth_has(r, "emerg.command")) {
		const char *plan = req_field(r, "plan_id"), *title = req_field(r, "title"), *day = req_field(r, "planned_on");
		int64_t sel = 0;
		if (plan)
			text_parse_i64(plan, &sel);
		html_printf(&r->out, "<h2>%s</h2><form method=\"post\" action=\"/emerg/tabletops\" class=\"stack\">%r"
				     "<label>%s<select name=\"plan_id\" required><option value=\"\">—</option>",
			    T(r, "emerg.tt.new"), page_csrf(r), T(r, "emerg.plan"));
		plan_options(r, sel);
		html_printf(&r->out, "</select></label><label>%s<input name=\"title\" maxlength=\"100\" value=\"%s\"></label>"
				     "<label>%s<input type=\"date\" name=\"planned_on\" required value=\"%s\"></label>"
				     "<button class=\"primary\">%s</button></form>",
			    T(r, "emerg.tt.name"), title ? title : "", T(r, "emerg.planned_on"), day ? day : "", T(r, "emerg.tt.create"));
	}
	html_printf(&r->out, "<p><a class=\"button\" href=\"/emerg\">%s</a></p></section>", T(r, "form.back"));
	page_end(r);
}

int emerg_tt_list(struct req *r)
{
	list_page(r, 200, NULL, NULL);
	return 0;
}

static void create_refused(struct req *r, int status, const char *field, const char *key)
{
	if (r->is_api)
		resp_error(r, status, status == 503 ? "unavailable" : "invalid", T(r, key), field);
	else
		list_page(r, status, field, key);
}

int emerg_tt_create(struct req *r)
{
	const char *plan_s = req_field(r, "plan_id"), *title = req_field(r, "title"), *day_s = req_field(r, "planned_on");
	int64_t plan = 0, unit = 0, day = 0, steps = 0;
	if (!plan_s || text_parse_i64(plan_s, &plan) || plan <= 0 ||
	    db_get_i64(r->db, &unit, "SELECT unit_id FROM emerg_plans WHERE id = ? AND active = 1", "I", plan) != 1 ||
	    !auth_scope_allows(r, unit, -1)) {
		create_refused(r, 422, "plan_id", "form.err_choice");
		return 0;
	}
	db_get_i64(r->db, &steps, "SELECT count(*) FROM emerg_plan_parts WHERE plan_id = ? AND kind = 'step'", "I", plan);
	if (!steps) {
		create_refused(r, 422, "plan_id", "emerg.tt.err.no_steps");
		return 0;
	}
	if (title && *title && !text_ok(title, 100)) {
		create_refused(r, 422, "title", "emerg.tt.err.title");
		return 0;
	}
	if (!day_s || day_parse(day_s, &day) || day < day_today()) {
		create_refused(r, 422, "planned_on", "emerg.err.past");
		return 0;
	}
	if (db_begin(r->db) != DB_OK) {
		create_refused(r, 503, NULL, "error.unavailable");
		return 0;
	}
	int64_t now = clock_now();
	int64_t id = emerg_tt_insert(r->db, plan, title ? title : "", day, r->who->user_id, now);
	int rc = id > 0 ? DB_OK : DB_ERROR;
	struct tt t = {.id = id};
	if (rc == DB_OK && tt_load(r, id, &t))
		rc = DB_ERROR;
	/* the people named hear of it in their inbox, whose link opens the page with the join button */
	struct db_stmt *st = rc == DB_OK ? db_query(r->db, "SELECT user_id FROM emerg_tt_roles WHERE tabletop_id = ?", "I", id) : NULL;
	int64_t who[EMERG_TT_MAX_ROLES];
	int k = 0;
	while (st && db_step(st) == 1 && k < EMERG_TT_MAX_ROLES)
		who[k++] = db_col_i64(st, 0);
	db_done(r->db, st);
	for (int i = 0; i < k && rc == DB_OK; i++) {
		struct notify_msg m = {.kind = "emerg.tabletop", .title_key = "emerg.tt.notify.invited", .subject = t.title,
				       .body_key = "emerg.tt.notify.invited_body",
				       .link = arena_printf(&r->arena, "/emerg/tabletops/%lld", (long long)id),
				       .dedup_key = arena_printf(&r->arena, "emerg:tt:%lld:%lld", (long long)id, (long long)who[i])};
		if (notify_send(r->db, who[i], &m) < 0)
			rc = DB_ERROR;
	}
	if (rc != DB_OK) {
		db_rollback(r->db);
		create_refused(r, 503, NULL, "error.unavailable");
		return 0;
	}
	finish(r, &t, DB_OK, "create", t.title, 201);
	return 0;
}

/* ---- the exercise's life ---- */

int emerg_tt_start(struct req *r)
{
	struct tt *t = tt_param(r);
	if (!t)
		return 0;
	if (!may_run(r, t)) {
		refuse(r, t, 403, "status", "emerg.tt.err.not_facilitator");
		return 0;
	}
	if (strcmp(t->status, "planned")) {
		refuse(r, t, 409, "status", "emerg.tt.err.not_planned");
		return 0;
	}
	if (begin(r, t))
		return 0;
	finish(r, t, changed(r, db_exec(r->db, "UPDATE emerg_tabletops SET status = 'running', started_at = ? WHERE id = ?"
					       " AND status = 'planned'", "II", clock_now(), t->id)), "start", t->title, 200);
	return 0;
}

/* The end: the comparison is fixed, and each step late or missing becomes an action. */
int emerg_tt_end(struct req *r)
{
	struct tt *t = tt_param(r);
	if (!t)
		return 0;
	if (!may_run(r, t)) {
		refuse(r, t, 403, "status", "emerg.tt.err.not_facilitator");
		return 0;
	}
	if (strcmp(t->status, "running")) {
		refuse(r, t, 409, "status", !strcmp(t->status, "ended") ? "emerg.tt.err.ended" : "emerg.tt.err.not_running");
		return 0;
	}
	if (begin(r, t))
		return 0;
	int64_t now = clock_now(), due = day_of(now) + EMERG_TT_ACTION_DAYS;
	int rc = changed(r, db_exec(r->db, "UPDATE emerg_tabletops SET status = 'ended', ended_at = ? WHERE id = ? AND status = 'running'",
				    "II", now, t->id));
	t->status = "ended";
	t->ended_at = now;
	struct tt_step v[EMERG_TT_MAX_STEPS];
	int n = rc == DB_OK ? tt_steps(r, t, v) : 0, gaps = 0;
	for (int i = 0; i < n && rc == DB_OK; i++) {
		if (v[i].result != EMERG_TT_LATE && v[i].result != EMERG_TT_MISSING)
			continue;
		const char *text = v[i].result == EMERG_TT_LATE
			? arena_printf(&r->arena, "%d. %s — %s %d %s", v[i].seq, v[i].text, T(r, "emerg.tt.result.late"), v[i].late_min,
				       T(r, "emerg.tt.minutes"))
			: arena_printf(&r->arena, "%d. %s — %s", v[i].seq, v[i].text, T(r, "emerg.tt.result.missing"));
		int64_t owner = v[i].owner_id ? v[i].owner_id : t->facilitator_id;
		rc = db_exec(r->db, "INSERT INTO emerg_tt_actions (tabletop_id, step_seq, text, owner_id, due_on, created_at)"
				    " VALUES (?, ?, ?, ?, ?, ?)", "IitIII", t->id, v[i].seq, text, owner, due, now);
		int64_t aid = db_last_id(r->db);
		struct notify_msg m = {.kind = "emerg.action", .title_key = "emerg.notify.action", .subject = t->title, .body = text,
				       .link = arena_printf(&r->arena, "/emerg/tabletops/%lld", (long long)t->id),
				       .dedup_key = arena_printf(&r->arena, "emerg:tt_action:%lld", (long long)aid)};
		if (rc == DB_OK && notify_send(r->db, owner, &m) < 0)
			rc = DB_ERROR;
		gaps++;
	}
	finish(r, t, rc, "end", arena_printf(&r->arena, "%d gaps", gaps), 200);
	return 0;
}

int emerg_tt_join(struct req *r)
{
	struct tt *t = tt_param(r);
	if (!t)
		return 0;
	int64_t joined;
	const char *role = my_role(r, t->id, &joined);
	if (!role) {
		refuse(r, t, 403, "user_id", "emerg.tt.err.not_participant");
		return 0;
	}
	if (!strcmp(t->status, "ended")) {
		refuse(r, t, 409, "status", "emerg.tt.err.ended");
		return 0;
	}
	if (joined) {
		refuse(r, t, 409, "user_id", "emerg.tt.err.joined");
		return 0;
	}
	if (begin(r, t))
		return 0;
	finish(r, t, changed(r, db_exec(r->db, "UPDATE emerg_tt_roles SET joined_at = ? WHERE tabletop_id = ? AND user_id = ?"
					       " AND joined_at = 0", "III", clock_now(), t->id, r->who->user_id)), "join", role, 200);
	return 0;
}

/* Refused when the exercise is not running: ended, or not yet started. */
static int not_running(struct req *r, struct tt *t, const char *field)
{
	if (!strcmp(t->status, "running"))
		return 0;
	refuse(r, t, 409, field, !strcmp(t->status, "ended") ? "emerg.tt.err.ended" : "emerg.tt.err.not_running");
	return 1;
}

static int64_t events_of(struct req *r, int64_t id)
{
	int64_t n = 0;
	db_get_i64(r->db, &n, "SELECT count(*) FROM emerg_tt_events WHERE tabletop_id = ?", "I", id);
	return n;
}

int emerg_tt_inject(struct req *r)
{
	struct tt *t = tt_param(r);
	if (!t)
		return 0;
	if (!may_run(r, t)) {
		refuse(r, t, 403, "status", "emerg.tt.err.not_facilitator");
		return 0;
	}
	if (not_running(r, t, "inject_id"))
		return 0;
	const char *pick = req_field(r, "inject_id"), *text = req_field(r, "text");
	int64_t inject = 0;
	if (text && *text && !text_ok(text, 500)) {
		refuse(r, t, 422, "text", "emerg.tt.err.text");
		return 0;
	}
	if (pick && *pick) {
		char *prepared = NULL;
		struct db_stmt *st = text_parse_i64(pick, &inject) ? NULL
			: db_query(r->db, "SELECT text FROM emerg_tt_injects WHERE id = ? AND plan_id = ?", "II", inject, t->plan_id);
		if (st && db_step(st) == 1)
			prepared = arena_strdup(&r->arena, db_col_text(st, 0));
		db_done(r->db, st);
		if (!prepared) {
			refuse(r, t, 422, "inject_id", "form.err_choice");
			return 0;
		}
		/* a prepared event, with the facilitator's words after it when there are any */
		text = text && *text ? arena_printf(&r->arena, "%s — %s", prepared, text) : prepared;
	}
	if (!text || !*text) {
		refuse(r, t, 422, "text", "emerg.tt.err.text");
		return 0;
	}
	if (events_of(r, t->id) >= EMERG_TT_MAX_EVENTS) {
		refuse(r, t, 409, "text", "emerg.tt.err.too_many");
		return 0;
	}
	if (begin(r, t))
		return 0;
	finish(r, t, db_exec(r->db, "INSERT INTO emerg_tt_events (tabletop_id, kind, at, user_id, role, text) VALUES (?, 'inject', ?, ?, ?, ?)",
			     "IIItt", t->id, clock_now(), r->who->user_id, T(r, "emerg.tt.facilitator"), text), "inject", text, 201);
	return 0;
}

int emerg_tt_decide(struct req *r)
{
	struct tt *t = tt_param(r);
	if (!t)
		return 0;
	int64_t joined;
	const char *role = my_role(r, t->id, &joined);
	if (!role) {
		refuse(r, t, 403, "user_id", "emerg.tt.err.not_participant");
		return 0;
	}
	if (!joined) {
		refuse(r, t, 409, "user_id", "emerg.tt.err.join_first");
		return 0;
	}
	if (not_running(r, t, "text"))
		return 0;
	const char *text = req_field(r, "text"), *seq_s = req_field(r, "step_seq");
	if (!text_ok(text, 500)) {
		refuse(r, t, 422, "text", "emerg.tt.err.text");
		return 0;
	}
	int64_t seq = 0, n = 0;
	if (seq_s && *seq_s &&
	    (text_parse_i64(seq_s, &seq) || seq < 1 || seq > EMERG_TT_MAX_STEPS ||
	     db_get_i64(r->db, &n, "SELECT count(*) FROM emerg_tt_steps WHERE tabletop_id = ? AND seq = ?", "II", t->id, seq) != 1 || !n)) {
		refuse(r, t, 422, "step_seq", "form.err_choice");
		return 0;
	}
	if (events_of(r, t->id) >= EMERG_TT_MAX_EVENTS) {
		refuse(r, t, 409, "text", "emerg.tt.err.too_many");
		return 0;
	}
	if (begin(r, t))
		return 0;
	finish(r, t, db_exec(r->db, "INSERT INTO emerg_tt_events (tabletop_id, kind, at, user_id, role, step_seq, text)"
				    " VALUES (?, 'decision', ?, ?, ?, NULLIF(?, 0), ?)", "IIItIt", t->id, clock_now(), r->who->user_id,
			     role, seq, text), "decision", text, 201);
	return 0;
}

/* The owner closes a gap's action. */
int emerg_tt_action_done(struct req *r)
{
	int64_t id, tid = 0;
	if (req_param_id(r, "id", &id) ||
	    db_get_i64(r->db, &tid, "SELECT tabletop_id FROM emerg_tt_actions WHERE id = ? AND owner_id = ?", "II", id, r->who->user_id) != 1) {
		entity_not_found(r);
		return 0;
	}
	struct tt t = {.id = tid};
	if (db_begin(r->db) != DB_OK) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	int rc = changed(r, db_exec(r->db, "UPDATE emerg_tt_actions SET done_at = ? WHERE id = ? AND done_at = 0", "II", clock_now(), id));
	if (rc == DB_OK)
		rc = audit_req(r, "emerg_tabletop", t.id, "action_done", arena_printf(&r->arena, "%lld", (long long)id));
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		resp_error(r, rc == DB_NOTFOUND ? 409 : 503, rc == DB_NOTFOUND ? "conflict" : "unavailable",
			   T(r, rc == DB_NOTFOUND ? "emerg.err.twice" : "error.unavailable"), "id");
		return 0;
	}
	const char *back = req_field(r, "back");
	if (r->is_api)
		resp_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "done", 1));
	else if (back && !strcmp(back, "todo"))
		resp_redirect(r, "/emerg/tabletops?todo=1");
	else
		resp_redirect(r, arena_printf(&r->arena, "/emerg/tabletops/%lld", (long long)tid));
	return 0;
}

/* Why an event may not be added to a plan's injects: NULL when it may, else the message key
 * (*status 422, or 409 when the plan has its 50). */
static const char *plan_inject_refusal(struct req *r, int64_t plan, const char *text, int *status)
{
	int64_t n = 0;
	*status = 422;
	if (!text_ok(text, 500))
		return "emerg.tt.err.text";
	db_get_i64(r->db, &n, "SELECT count(*) FROM emerg_tt_injects WHERE plan_id = ?", "I", plan);
	*status = 409;
	return n >= 50 ? "emerg.tt.err.too_many" : NULL;
}

/* The refusal as the field's label and the problem ("新的突发事件: 请填写…"). */
static const char *inject_message(struct req *r, const char *label_key, const char *key)
{
	return arena_printf(&r->arena, "%s: %s", T(r, label_key), T(r, key));
}

/* An event to inject, prepared with a plan's scenario (at most 50 a plan). A refused one on
 * the plan's page shows the page again, the error under the field, the words kept. */
int emerg_tt_plan_inject(struct req *r)
{
	int64_t plan, unit = 0;
	if (req_param_id(r, "id", &plan) ||
	    db_get_i64(r->db, &unit, "SELECT unit_id FROM emerg_plans WHERE id = ? AND active = 1", "I", plan) != 1 ||
	    !auth_scope_allows(r, unit, -1)) {
		entity_not_found(r);
		return 0;
	}
	const char *text = req_field(r, "text");
	int status;
	const char *why = plan_inject_refusal(r, plan, text, &status);
	if (why) {
		if (r->is_api)
			resp_error(r, status, status == 409 ? "conflict" : "invalid",
				   status == 409 ? T(r, why) : arena_printf(&r->arena, "text: %s", T(r, why)), "text");
		else
			entity_show_refused(r, &emerg_plan_entity, status, "text", inject_message(r, "emerg.tt.inject_new", why));
		return 0;
	}
	if (db_begin(r->db) != DB_OK) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	int rc = db_exec(r->db, "INSERT INTO emerg_tt_injects (plan_id, seq, text) SELECT ?, COALESCE(max(seq), 0) + 1, ?"
				" FROM emerg_tt_injects WHERE plan_id = ?", "ItI", plan, text, plan);
	int64_t id = db_last_id(r->db), seq = 0;
	if (rc == DB_OK)
		rc = db_get_i64(r->db, &seq, "SELECT seq FROM emerg_tt_injects WHERE id = ?", "I", id) == 1 ? DB_OK : DB_ERROR;
	if (rc == DB_OK)
		rc = audit_req(r, "emerg_plan", plan, "inject", text);
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	if (r->is_api)
		resp_json(r, 201, json_pack("{s:I, s:I, s:I, s:s}", "id", (json_int_t)id, "plan_id", (json_int_t)plan, "seq",
					    (json_int_t)seq, "text", text));
	else
		resp_redirect(r, arena_printf(&r->arena, "/emerg/plans/%lld", (long long)plan));
	return 0;
}

void emerg_tt_plan_tail(struct req *r, int64_t plan, int may)
{
	html_printf(&r->out, "<h2>%s</h2><h3>%s</h3><ol class=\"list\" data-targets>", T(r, "emerg.tt.title"), T(r, "emerg.tt.targets"));
	struct db_stmt *st = db_query(r->db, "SELECT title, target_min FROM emerg_plan_parts WHERE plan_id = ? AND kind = 'step'"
				      " ORDER BY seq", "I", plan);
	while (st && db_step(st) == 1) {
		html_printf(&r->out, "<li>%s · ", db_col_text(st, 0));
		if (db_col_null(st, 1))
			html_printf(&r->out, "%s</li>", T(r, "emerg.tt.no_target"));
		else
			html_printf(&r->out, "%D %s</li>", db_col_i64(st, 1), T(r, "emerg.tt.minutes"));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ol><h3>%s</h3><ol class=\"list\" data-injects>", T(r, "emerg.tt.injects"));
	st = db_query(r->db, "SELECT text FROM emerg_tt_injects WHERE plan_id = ? ORDER BY seq LIMIT 50", "I", plan);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li>%s</li>", db_col_text(st, 0));
	db_done(r->db, st);
	html_printf(&r->out, "</ol>");
	if (may) {
		/* after a refused inject (emerg_tt_plan_inject): the words typed, the error under them */
		const char *typed = NULL, *why = NULL;
		int status;
		if (!strcmp(r->method, "POST") && r->status >= 400 && (typed = req_field(r, "text")))
			why = plan_inject_refusal(r, plan, typed, &status);
		html_printf(&r->out, "<form method=\"post\" action=\"/emerg/plans/%D/injects\" class=\"stack\">%r"
				     "<label>%s<input name=\"text\" maxlength=\"500\" required value=\"%s\"%r></label>",
			    plan, page_csrf(r), T(r, "emerg.tt.inject_new"), typed ? typed : "", why ? " aria-invalid=\"true\"" : "");
		if (why)
			html_printf(&r->out, "<span class=\"field-error\" role=\"alert\" data-field=\"text\">%s</span>",
				    inject_message(r, "emerg.tt.inject_new", why));
		html_printf(&r->out, "<button>%s</button></form>", T(r, "emerg.tt.inject_add"));
	}
	html_printf(&r->out, "<p><a class=\"button\" href=\"/emerg/tabletops\">%s</a></p>", T(r, "emerg.tt.title"));
}

