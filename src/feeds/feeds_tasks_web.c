/*
 * feeds_tasks_web.c — the preventive tasks the health score opens (设备预防性维护任务):
 *   /health-tasks            the list: open first (?state=open|closed|all, ?todo=mine)
 *   /health-tasks/:id        a task: the device, its score and each factor with what it
 *                            costs, the task's history, and the form that closes it with a note
 *   POST /health-tasks/:id/close   note (required) and, optionally, "maintenance done today",
 *                            which records an equip_maintenance row so the score can recover
 * and the same under /api/v1/feeds/health-tasks.
 *
 * Who sees a task: its assignee (the device's responsible person, who may hold no equipment
 * permission), or a holder of feeds.eam (the equipment manager) whose data scope holds the
 * device's unit; the same two may close it. Anyone else gets 404, as for a record out of scope.
 * A task closed by hand is not opened again for feeds.health.reopen_days (feeds_health.c).
 */
#include "feeds/feeds.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/db.h"
#include "http/static.h"
#include "web/i18n.h"
#include "web/page.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#define NOTE_MAX 500

/* ?1 the caller, ?2 1 when they hold feeds.eam, ?3 their units pattern */
#define TASK_FROM \
	" FROM feeds_health_tasks t JOIN equipment e ON e.id = t.equipment_id JOIN units un ON un.id = e.unit_id" \
	" LEFT JOIN areas ar ON ar.id = e.area_id LEFT JOIN users au ON au.id = t.assignee_id" \
	" LEFT JOIN users cu ON cu.id = t.closed_by LEFT JOIN feeds_equipment f ON f.equipment_id = e.id" \
	" WHERE (t.assignee_id = ?1 OR (?2 = 1 AND un.path LIKE ?3))"
#define TASK_COLS \
	"SELECT t.id, e.id, e.code, e.name, e.kind, COALESCE(ar.name, ''), t.score, t.opened_at, t.closed_at, t.closed_how," \
	" t.close_note, COALESCE(au.name, ''), COALESCE(cu.name, ''), COALESCE(f.score, -1), COALESCE(f.factors, '')," \
	" COALESCE(f.scored_at, 0), COALESCE(t.assignee_id, 0)"

/* ?4 the state (open, closed, all), ?5 1 for the caller's own only */
#define TASK_FILTER \
	" AND (?4 = 'all' OR (?4 = 'open' AND t.closed_at = 0) OR (?4 = 'closed' AND t.closed_at > 0))" \
	" AND (?5 = 0 OR t.assignee_id = ?1)"

static const char *const states[] = {"open", "closed", "all", NULL};
static const char *const todos[] = {"mine", NULL};

static int manager(struct req *r)
{
	return auth_has(r, "feeds.eam");
}

int64_t feeds_health_todo(struct req *r)
{
	int64_t n = 0;
	if (r->who)
		db_get_i64(r->db, &n, "SELECT count(*) FROM feeds_health_tasks WHERE assignee_id = ? AND closed_at = 0", "I",
			   r->who->user_id);
	return n;
}

static json_t *task_json(struct db_stmt *st)
{
	json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, s:s, s:s, s:b}", "id",
			      (json_int_t)db_col_i64(st, 0), "equipment_id", (json_int_t)db_col_i64(st, 1), "code",
			      db_col_text(st, 2), "name", db_col_text(st, 3), "kind", db_col_text(st, 4), "area",
			      db_col_text(st, 5), "score", (json_int_t)db_col_i64(st, 6), "opened_at",
			      (json_int_t)db_col_i64(st, 7), "closed_how", db_col_text(st, 9), "close_note", db_col_text(st, 10),
			      "assignee", db_col_text(st, 11), "closed_by", db_col_text(st, 12), "open", db_col_i64(st, 8) == 0);
	json_object_set_new(o, "closed_at", db_col_i64(st, 8) ? json_integer(db_col_i64(st, 8)) : json_null());
	json_object_set_new(o, "score_now", db_col_i64(st, 13) >= 0 ? json_integer(db_col_i64(st, 13)) : json_null());
	return o;
}

/* ---- the list ---- */
int feeds_task_list(struct req *r)
{
	const char *state = "open", *todo = NULL;
	req_query_enum(r, "state", states, &state);
	req_query_enum(r, "todo", todos, &todo);
	int page, per;
	req_page(r, 50, &page, &per);
	if (r->status >= 400)
		return 0;
	int mine = todo != NULL;
	int64_t me = r->who->user_id;
	int64_t total = 0;
	db_get_i64(r->db, &total, "SELECT count(*)" TASK_FROM TASK_FILTER, "Iitti", me,
		   manager(r), auth_scope_pattern(r), mine ? "open" : state, mine);
	struct db_stmt *st = db_query(r->db, TASK_COLS TASK_FROM TASK_FILTER
				      " ORDER BY (CASE WHEN t.closed_at = 0 THEN 0 ELSE 1 END), t.score, t.opened_at DESC, t.id DESC"
				      " LIMIT ?6 OFFSET ?7",
				      "IittiII", me, manager(r), auth_scope_pattern(r), mine ? "open" : state, mine,
				      (int64_t)per, (int64_t)(page - 1) * per);
	if (r->is_api) {
		json_t *items = json_array();
		while (st && db_step(st) == 1)
			json_array_append_new(items, task_json(st));
		db_done(r->db, st);
		resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", items, "page", page, "per_page", per, "total",
					    (json_int_t)total));
		return 0;
	}
	page_begin(r, T(r, "feeds.tasks.title"));
	html_printf(&r->out, "<link rel=\"stylesheet\" href=\"%s\">", static_url("feeds.css"));
	html_printf(&r->out, "<h1>%s</h1><p class=\"hint\">%s</p><nav class=\"tabs ht-tabs\">", T(r, "feeds.tasks.title"),
		    T(r, "feeds.tasks.hint"));
	for (int i = 0; states[i]; i++)
		html_printf(&r->out, "<a href=\"/health-tasks?state=%s\"%r>%s</a>", states[i],
			    !mine && !strcmp(state, states[i]) ? " aria-current=\"page\"" : "",
			    T(r, arena_printf(&r->arena, "feeds.tasks.state.%s", states[i])));
	html_printf(&r->out, "<a href=\"/health-tasks?todo=mine\"%r>%s</a></nav><ul class=\"list ht-list\">",
		    mine ? " aria-current=\"page\"" : "", T(r, "feeds.tasks.mine"));
	int any = 0;
	while (st && db_step(st) == 1) {
		any = 1;
		int open = db_col_i64(st, 8) == 0;
		html_printf(&r->out, "<li><a class=\"ht-item\" href=\"/health-tasks/%D\"><strong>%s %s</strong>"
				     "<span class=\"badge %s\">%s %D</span><small>%s · %s%s%s</small></a></li>",
			    db_col_i64(st, 0), db_col_text(st, 2), db_col_text(st, 3), open ? "bad" : "ok",
			    T(r, "feeds.health.score"), db_col_i64(st, 6),
			    T(r, open ? "feeds.tasks.state.open" : "feeds.tasks.state.closed"), page_time(r, db_col_i64(st, 7)),
			    *db_col_text(st, 11) ? " · " : "", db_col_text(st, 11));
	}
	db_done(r->db, st);
	if (!any)
		html_printf(&r->out, "<li class=\"muted\">%s</li>", T(r, "feeds.tasks.none"));
	html_printf(&r->out, "</ul>");
	if (total > (int64_t)page * per)
		html_printf(&r->out, "<p><a class=\"button\" href=\"/health-tasks?state=%s&amp;page=%d\">%s</a></p>",
			    mine ? "open" : state, page + 1, T(r, "feeds.tasks.more"));
	page_end(r);
	return 0;
}

/* ---- one task ---- */
struct factor {
	const char *key;
	int value, cost;
};

/* The factors of the last scoring (feeds_health.c writes them as "hazards=.. overdue=.. days=..
 * readings=..") with what each took off the 100, by the current weights. */
static int factors_of(struct db *c, const char *text, struct factor f[4])
{
	int hz = 0, od = 0, days = 0, rd = 0;
	if (sscanf(text, "hazards=%d overdue=%d days=%d readings=%d", &hz, &od, &days, &rd) != 4)
		return -1;
	struct feeds_weights w;
	feeds_weights_load(c, &w);
	int periods = days < 0 ? 1 : days > w.grace_days ? (days - w.grace_days + 29) / 30 : 0;
	f[0] = (struct factor){"feeds.tasks.f_hazards", hz, hz * w.hazard};
	f[1] = (struct factor){"feeds.tasks.f_overdue", od, od ? w.overdue : 0};
	f[2] = (struct factor){"feeds.tasks.f_days", days, periods * w.per_30_days};
	f[3] = (struct factor){"feeds.tasks.f_readings", rd, rd * w.reading};
	return 0;
}

/* The task the caller may see, its row in *st (TASK_COLS); NULL when none. */
static struct db_stmt *task_load(struct req *r, int64_t *id)
{
	if (req_param_id(r, "id", id))
		return NULL;
	struct db_stmt *st = db_query(r->db, TASK_COLS TASK_FROM " AND t.id = ?4", "IitI", r->who->user_id, manager(r),
				      auth_scope_pattern(r), *id);
	if (st && db_step(st) == 1)
		return st;
	db_done(r->db, st);
	return NULL;
}

static void task_page(struct req *r, struct db_stmt *st, const char *note, const char *error, int maint)
{
	int64_t id = db_col_i64(st, 0), eq = db_col_i64(st, 1);
	int open = db_col_i64(st, 8) == 0;
	page_begin(r, arena_printf(&r->arena, "%s %s", T(r, "feeds.tasks.one"), db_col_text(st, 2)));
	html_printf(&r->out, "<link rel=\"stylesheet\" href=\"%s\">", static_url("feeds.css"));
	if (req_query_flag(r, "closed", 0))
		page_notice(r, "ok", T(r, "feeds.tasks.closed_ok"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s · %s %s</h1><p><span class=\"badge %s\">%s</span></p>"
			     "<dl class=\"facts\"><dt>%s</dt><dd><a href=\"/equipment/%D\">%s %s</a></dd><dt>%s</dt><dd>%s</dd>"
			     "<dt>%s</dt><dd>%D</dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>",
		    T(r, "feeds.tasks.one"), db_col_text(st, 2), db_col_text(st, 3), open ? "bad" : "ok",
		    T(r, open ? "feeds.tasks.state.open" : "feeds.tasks.state.closed"), T(r, "feeds.tasks.equipment"), eq,
		    db_col_text(st, 2), db_col_text(st, 3), T(r, "feeds.tasks.area"), *db_col_text(st, 5) ? db_col_text(st, 5) : "—",
		    T(r, "feeds.tasks.score_open"), db_col_i64(st, 6), T(r, "feeds.tasks.opened_at"), page_time(r, db_col_i64(st, 7)),
		    T(r, "feeds.tasks.assignee"), *db_col_text(st, 11) ? db_col_text(st, 11) : "—");
	if (!open)
		html_printf(&r->out, "<dt>%s</dt><dd>%s · %s</dd><dt>%s</dt><dd>%s</dd>", T(r, "feeds.tasks.closed_at"),
			    page_time(r, db_col_i64(st, 8)),
			    T(r, !strcmp(db_col_text(st, 9), "closed") ? "feeds.tasks.how_closed" : "feeds.tasks.how_recovered"),
			    T(r, "feeds.tasks.closed_by"),
			    *db_col_text(st, 12) ? db_col_text(st, 12) : T(r, "feeds.tasks.by_job"));
	if (!open && *db_col_text(st, 10))
		html_printf(&r->out, "<dt>%s</dt><dd class=\"ht-note\">%s</dd>", T(r, "feeds.tasks.note"), db_col_text(st, 10));
	html_printf(&r->out, "</dl></section>");
	/* the score now and what each factor takes off it */
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2>", T(r, "feeds.tasks.factors"));
	struct factor f[4];
	if (db_col_i64(st, 13) >= 0 && factors_of(r->db, db_col_text(st, 14), f) == 0) {
		int64_t threshold = feeds_setting_int(r->db, "feeds.health.threshold", 60);
		html_printf(&r->out, "<p><span class=\"badge %s\" data-health=\"%D\">%s %D</span> <small>%s %D · %s</small></p>"
				     "<table class=\"ht-factors\"><thead><tr><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
			    db_col_i64(st, 13) < threshold ? "bad" : "ok", db_col_i64(st, 13), T(r, "feeds.health.score"),
			    db_col_i64(st, 13), T(r, "feeds.tasks.threshold"), threshold, page_time(r, db_col_i64(st, 15)),
			    T(r, "feeds.tasks.factor"), T(r, "feeds.tasks.value"), T(r, "feeds.tasks.cost"));
		for (int i = 0; i < 4; i++) {
			const char *v = i == 2 && f[i].value < 0 ? T(r, "feeds.tasks.never") : arena_printf(&r->arena, "%d", f[i].value);
			html_printf(&r->out, "<tr><td>%s</td><td>%s</td><td>%s</td></tr>", T(r, f[i].key), v,
				    f[i].cost ? arena_printf(&r->arena, "−%d", f[i].cost) : "0");
		}
		html_printf(&r->out, "</tbody></table>");
	} else {
		html_printf(&r->out, "<p class=\"muted\">%s</p>", T(r, "feeds.tasks.no_score"));
	}
	html_printf(&r->out, "</section>");
	if (open) {
		html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/health-tasks/%D/close\""
				     " class=\"stack\">%r", T(r, "feeds.tasks.close"), id, page_csrf(r));
		if (error)
			html_printf(&r->out, "<p class=\"error\" role=\"alert\">%s</p>", error);
		html_printf(&r->out, "<label>%s<textarea name=\"note\" rows=\"4\" maxlength=\"%d\" required%r>%s</textarea></label>"
				     "<label class=\"inline\"><input type=\"checkbox\" name=\"maintenance\" value=\"1\"%r> %s</label>"
				     "<button class=\"primary\">%s</button></form></section>",
			    T(r, "feeds.tasks.note"), NOTE_MAX, error ? " aria-invalid=\"true\"" : "", note ? note : "",
			    maint ? " checked" : "", T(r, "feeds.tasks.maintenance"), T(r, "feeds.tasks.close"));
	}
	html_printf(&r->out, "<p><a class=\"button\" href=\"/health-tasks\">%s</a></p>", T(r, "feeds.tasks.back"));
	page_end(r);
}

int feeds_task_show(struct req *r)
{
	int64_t id = 0;
	struct db_stmt *st = task_load(r, &id);
	if (!st) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	if (r->is_api) {
		json_t *o = task_json(st);
		struct factor f[4];
		if (db_col_i64(st, 13) >= 0 && factors_of(r->db, db_col_text(st, 14), f) == 0) {
			json_t *fs = json_array();
			static const char *const names[] = {"hazards", "overdue", "days_since_maintenance", "readings"};
			for (int i = 0; i < 4; i++)
				json_array_append_new(fs, json_pack("{s:s, s:i, s:i}", "factor", names[i], "value", f[i].value,
								    "cost", f[i].cost));
			json_object_set_new(o, "factors", fs);
		} else {
			json_object_set_new(o, "factors", json_array());
		}
		db_done(r->db, st);
		resp_json(r, 200, o);
		return 0;
	}
	task_page(r, st, NULL, NULL, 0);
	db_done(r->db, st);
	return 0;
}

int feeds_task_close(struct req *r)
{
	int64_t id = 0;
	struct db_stmt *st = task_load(r, &id);
	if (!st) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	int64_t eq = db_col_i64(st, 1);
	int open = db_col_i64(st, 8) == 0;
	const char *note = req_field(r, "note");
	const char *m = req_field(r, "maintenance");
	int maint = m && (!strcmp(m, "1") || !strcmp(m, "on") || !strcmp(m, "true"));
	char *trimmed = arena_strdup(&r->arena, note ? note : "");
	/* trim the note's surrounding blanks: a note of spaces is no note */
	while (*trimmed == ' ' || *trimmed == '\n' || *trimmed == '\r' || *trimmed == '\t')
		trimmed++;
	for (size_t n = strlen(trimmed); n && strchr(" \n\r\t", trimmed[n - 1]); n--)
		trimmed[n - 1] = '\0';
	const char *err = NULL;
	if (!open)
		err = "feeds.tasks.err_closed";
	else if (!*trimmed)
		err = "feeds.tasks.err_note";
	else if (utf8_chars(trimmed) > NOTE_MAX)
		err = "feeds.tasks.err_note_long";
	if (err) {
		int status = open ? 422 : 409;
		if (r->is_api) {
			db_done(r->db, st);
			resp_error(r, status, open ? "invalid" : "conflict", T(r, err), open ? "note" : NULL);
			return 0;
		}
		r->status = status;
		task_page(r, st, note, T(r, err), maint);
		db_done(r->db, st);
		return 0;
	}
	db_done(r->db, st);
	int64_t now = clock_now();
	struct actor a;
	actor_from_req(r, &a);
	int ok = db_begin(r->db) == DB_OK;
	ok = ok && db_exec(r->db, "UPDATE feeds_health_tasks SET closed_at = ?, closed_how = 'closed', closed_by = ?,"
				  " close_note = ? WHERE id = ? AND closed_at = 0", "IItI", now, r->who->user_id, trimmed, id) == DB_OK &&
	     db_changes(r->db) == 1;
	/* maintenance done: the record the score reads (days since maintenance), dated today */
	ok = ok && (!maint || db_exec(r->db, "INSERT INTO equip_maintenance (equipment_id, done_on, description, done_by,"
					   " recorded_by, created_at) VALUES (?, ?, ?, ?, ?, ?)", "IIttII",
				     eq, day_of(now), trimmed, r->who->name ? r->who->name : "", r->who->user_id, now) == DB_OK);
	ok = ok && actor_audit(&a, "feeds_health_task", id, "close", maint ? "closed with maintenance" : "closed") == DB_OK &&
	     db_commit(r->db) == DB_OK;
	if (!ok) {
		db_rollback(r->db);
		resp_error(r, 409, "conflict", T(r, "feeds.tasks.err_closed"), NULL);
		return 0;
	}
	if (r->is_api) {
		st = task_load(r, &id);
		json_t *o = st ? task_json(st) : json_pack("{s:I}", "id", (json_int_t)id);
		db_done(r->db, st);
		resp_json(r, 200, o);
		return 0;
	}
	resp_redirect(r, arena_printf(&r->arena, "/health-tasks/%lld?closed=1", (long long)id));
	return 0;
}
