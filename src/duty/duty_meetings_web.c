/*
 * duty_meetings_web.c — safety meetings: the safety committee (安委会) and the teams'
 * pre-shift meetings (班前会). The meeting's page shows a QR code (web/qr.c) that people scan
 * with their phone to sign in (/duties/m/<token>: signed in as themselves, so nobody signs
 * for another); its minutes; and its resolutions, each a task with an owner and a deadline
 * that the owner marks done (their open ones are a "waiting for me" line). Attendance is
 * what the meetings duty measure counts (duty_measure.c).
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
#include "web/form.h"
#include "web/html.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/qr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MEETING_SQL "SELECT m.id, m.kind, m.title, m.held_at, un.name, m.minutes, m.token, m.unit_id," \
		    " (SELECT count(*) FROM duty_attendance a WHERE a.meeting_id = m.id) FROM duty_meetings m JOIN units un ON un.id = m.unit_id"

static json_t *meeting_json(struct db_stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:I, s:I, s:s, s:s, s:I}", "id", (json_int_t)db_col_i64(st, 0), "kind", db_col_text(st, 1),
			 "title", db_col_text(st, 2), "held_at", (json_int_t)db_col_i64(st, 3), "unit_id", (json_int_t)db_col_i64(st, 7),
			 "unit", db_col_text(st, 4), "minutes", db_col_text(st, 5), "attendees", (json_int_t)db_col_i64(st, 8));
}

static const char *const meeting_kinds[] = {"preshift", "committee", NULL};

/* A new meeting's declared fields (web/form.h): a refusal names its field and the page comes
 * back with what was typed. */
static const struct form_field meeting_fields[] = {
	{"kind", "duty.meeting_kind", FORM_CHOICE, FORM_REQUIRED, .choices = meeting_kinds, .choice_prefix = "duty.kind."},
	{"unit_id", "duty.unit", FORM_ID, FORM_REQUIRED, .options = form_opts_scope_units},
	{"title", "duty.title", FORM_TEXT, FORM_REQUIRED, .max = DUTY_TITLE_MAX},
	{0},
};

/* The meetings page; f: the form of a new one (a refused one with its message). */
static void meetings_render(struct req *r, const struct form *f)
{
	page_begin(r, T(r, "duty.meetings"));
	html_printf(&r->out, "<h1>%s</h1><ul class=\"list duty-meetings\">", T(r, "duty.meetings"));
	struct db_stmt *st = db_query(r->db, MEETING_SQL " WHERE un.path LIKE ? ORDER BY m.held_at DESC, m.id DESC LIMIT 200", "t",
				      auth_scope_pattern(r));
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li><a href=\"/duties/meetings/%D\">%s</a> <span class=\"hint\">%s · %s · %s · %D %s</span></li>",
			    db_col_i64(st, 0), db_col_text(st, 2), T(r, arena_printf(&r->arena, "duty.kind.%s", db_col_text(st, 1))),
			    db_col_text(st, 4), page_time(r, db_col_i64(st, 3)), db_col_i64(st, 8), T(r, "duty.people"));
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
	if (auth_has(r, "duty.meeting")) {
		html_printf(&r->out, "<form method=\"post\" action=\"/duties/meetings\" class=\"card stack\" id=\"duty-new-meeting\">%r<h2>%s</h2>",
			    page_csrf(r), T(r, "duty.new_meeting"));
		if (f->err.field)
			page_notice(r, "error", f->err.msg);
		form_render_fields(r, f);
		html_printf(&r->out, "<button class=\"primary\">%s</button></form>", T(r, "duty.save"));
	}
	page_end(r);
}

/* GET /duties/meetings */
int duty_meetings_page(struct req *r)
{
	const char *start[] = {"preshift", arena_printf(&r->arena, "%lld", (long long)r->who->unit_id), ""};
	struct form f;
	form_init(r, &f, meeting_fields, start, NULL);
	f.creating = 1;
	meetings_render(r, &f);
	return 0;
}

/* POST /duties/meetings, /api/v1/duty/meetings {kind, unit_id, title}: held now */
int duty_meeting_create(struct req *r)
{
	struct form f;
	form_read(r, &f, meeting_fields, NULL, NULL);
	int64_t unit = form_get(&f, "unit_id")->id, one = 0;
	if (!form_failed(&f) && (db_get_i64(r->db, &one, "SELECT 1 FROM units WHERE id = ? AND active = 1", "I", unit) != 1 ||
				 !auth_scope_allows(r, unit, 0)))
		form_fail(r, &f, "unit_id", "form.err_choice");
	if (form_failed(&f)) {
		if (r->is_api) {
			form_api_invalid(r, &f.err);
			return 0;
		}
		r->status = FORM_STATUS_INVALID;
		meetings_render(r, &f);
		return 0;
	}
	const char *kind = form_get(&f, "kind")->text, *title = form_get(&f, "title")->text;
	char tok[33];
	text_random_token(tok, 16);
	int64_t id = 0;
	if (db_begin(r->db) != DB_OK ||
	    db_exec(r->db, "INSERT INTO duty_meetings (unit_id, kind, title, held_at, token, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
		    "IttItII", unit, kind, title, clock_now(), tok, r->who->user_id, clock_now()) != DB_OK ||
	    (id = db_last_id(r->db), audit_req(r, "duty_meeting", id, "create", kind)) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		form_unavailable(r);
		return 0;
	}
	if (!r->is_api) {
		resp_redirect(r, arena_printf(&r->arena, "/duties/meetings/%lld", (long long)id));
		return 0;
	}
	struct db_stmt *st = db_query(r->db, MEETING_SQL " WHERE m.id = ?", "I", id);
	json_t *o = st && db_step(st) == 1 ? meeting_json(st) : json_object();
	if (json_object_size(o))
		json_object_set_new(o, "attend_path", json_string(arena_printf(&r->arena, "/duties/m/%s", tok)));
	db_done(r->db, st);
	resp_json(r, 201, o);
	return 0;
}

/* A resolution's declared fields: the owner is a person of the caller's scope, due today or later. */
static const struct form_field resolution_fields[] = {
	{"title", "duty.resolution", FORM_TEXT, FORM_REQUIRED, .max = DUTY_TITLE_MAX},
	{"owner_id", "duty.owner", FORM_ID, FORM_REQUIRED, .options = form_opts_scope_users},
	{"due", "duty.due", FORM_DAY, FORM_REQUIRED, .max = 0},
	{0},
};

/* the meeting of :id in the caller's scope: its statement on the row, else answered 404 */
static struct db_stmt *meeting_or_404(struct req *r, int64_t *id)
{
	if (!req_param_id(r, "id", id)) {
		struct db_stmt *st = db_query(r->db, MEETING_SQL " WHERE m.id = ? AND (un.path LIKE ? OR EXISTS (SELECT 1 FROM duty_attendance a"
					      " WHERE a.meeting_id = m.id AND a.user_id = ?))", "ItI", *id, auth_scope_pattern(r), r->who->user_id);
		if (st && db_step(st) == 1)
			return st;
		db_done(r->db, st);
	}
	duty_fail(r, 404, "error.not_found", NULL);
	return NULL;
}

/* A meeting's page; f: the resolution form (a refused one with its message and what was typed). */
static int meeting_render(struct req *r, const struct form *f)
{
	int64_t id;
	struct db_stmt *st = meeting_or_404(r, &id);
	if (!st)
		return 0;
	int hold = auth_has(r, "duty.meeting");
	char *base = NULL;
	db_get_text(r->db, &base, "SELECT value FROM settings WHERE key = 'notify.base_url'", NULL);
	struct strbuf url, qr;
	sb_init(&url, 128);
	sb_init(&qr, 4096);
	sb_addf(&url, "%s/duties/m/%s", base ? base : "", db_col_text(st, 6));
	free(base);
	qr_svg(&qr, url.buf);
	page_begin(r, db_col_text(st, 2));
	html_printf(&r->out, "<h1>%s</h1><p class=\"hint\">%s · %s · %s</p><section class=\"card duty-qr\"><h2>%s</h2>%r<p class=\"hint\">%s</p></section>",
		    db_col_text(st, 2), T(r, arena_printf(&r->arena, "duty.kind.%s", db_col_text(st, 1))), db_col_text(st, 4),
		    page_time(r, db_col_i64(st, 3)), T(r, "duty.scan_to_attend"), html_raw_sb(&qr), url.buf);
	sb_release(&url);
	sb_release(&qr);
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2>", T(r, "duty.minutes"));
	if (hold)
		html_printf(&r->out, "<form method=\"post\" action=\"/duties/meetings/%D/minutes\" class=\"stack\">%r<textarea name=\"minutes\" maxlength=\"%d\""
			    " aria-label=\"%s\">%s</textarea><button>%s</button></form>", id, page_csrf(r), DUTY_TEXT_MAX, T(r, "duty.minutes"),
			    db_col_text(st, 5), T(r, "duty.save"));
	else
		html_printf(&r->out, "<pre>%s</pre>", db_col_text(st, 5));
	db_done(r->db, st);
	html_printf(&r->out, "</section><section class=\"card\"><h2>%s</h2><ul class=\"list duty-attendees\">", T(r, "duty.attendees"));
	st = db_query(r->db, "SELECT u.name, a.at FROM duty_attendance a JOIN users u ON u.id = a.user_id WHERE a.meeting_id = ? ORDER BY a.at, u.id", "I", id);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li>%s <span class=\"hint\">%s</span></li>", db_col_text(st, 0), page_time(r, db_col_i64(st, 1)));
	db_done(r->db, st);
	html_printf(&r->out, "</ul></section><section class=\"card\"><h2>%s</h2><ul class=\"list duty-resolutions\">", T(r, "duty.resolutions"));
	st = db_query(r->db, "SELECT s.title, u.name, s.due_day, s.done_at FROM duty_resolutions s JOIN users u ON u.id = s.owner_id"
			     " WHERE s.meeting_id = ? ORDER BY s.id", "I", id);
	while (st && db_step(st) == 1) {
		char d[16];
		html_printf(&r->out, "<li>%s <span class=\"hint\">%s · %s</span> <span class=\"badge %s\">%s</span></li>", db_col_text(st, 0),
			    db_col_text(st, 1), day_format(db_col_i64(st, 2), d), db_col_i64(st, 3) ? "ok" : "warn",
			    T(r, db_col_i64(st, 3) ? "duty.done" : "duty.open"));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
	if (hold) {
		html_printf(&r->out, "<form method=\"post\" action=\"/duties/meetings/%D/resolutions\" class=\"stack\" id=\"duty-new-resolution\">%r",
			    id, page_csrf(r));
		if (f->err.field)
			page_notice(r, "error", f->err.msg);
		form_render_fields(r, f);
		html_printf(&r->out, "<button>%s</button></form>", T(r, "duty.add"));
	}
	html_printf(&r->out, "</section>");
	page_end(r);
	return 0;
}

/* GET /duties/meetings/:id */
int duty_meeting_page(struct req *r)
{
	char d[16];
	const char *start[] = {"", "", arena_strdup(&r->arena, day_format(day_of(clock_now()) + 7, d))};
	struct form f;
	form_init(r, &f, resolution_fields, start, NULL);
	f.creating = 1;
	return meeting_render(r, &f);
}

static int in_scope_write(struct req *r, int64_t *id)
{
	struct db_stmt *st = meeting_or_404(r, id);
	if (!st)
		return -1;
	db_done(r->db, st);
	return 0;
}

/* POST /duties/meetings/:id/minutes {minutes} */
int duty_meeting_minutes(struct req *r)
{
	int64_t id;
	if (in_scope_write(r, &id))
		return 0;
	const char *m = req_field(r, "minutes");
	if (!m || utf8_chars(m) > DUTY_TEXT_MAX)
		return duty_fail(r, 422, "duty.err.text", "minutes"), 0;
	if (db_begin(r->db) != DB_OK || db_exec(r->db, "UPDATE duty_meetings SET minutes = ? WHERE id = ?", "tI", m, id) != DB_OK ||
	    audit_req(r, "duty_meeting", id, "minutes", "") != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	}
	resp_redirect(r, arena_printf(&r->arena, "/duties/meetings/%lld", (long long)id));
	return 0;
}

/* POST /duties/meetings/:id/resolutions {title, owner_id, due} */
int duty_resolution_create(struct req *r)
{
	int64_t id, due = 0;
	if (in_scope_write(r, &id))
		return 0;
	struct form f;
	form_read(r, &f, resolution_fields, NULL, NULL);
	int64_t owner = form_get(&f, "owner_id")->id;
	if (!form_failed(&f) && !duty_user_in_scope(r, owner))
		form_fail(r, &f, "owner_id", "form.err_choice");
	if (!form_failed(&f) && (day_parse(form_get(&f, "due")->text, &due) || due < day_of(clock_now())))
		form_fail(r, &f, "due", "duty.err.due_past");
	if (form_failed(&f)) {
		if (r->is_api) {
			form_api_invalid(r, &f.err);
			return 0;
		}
		r->status = FORM_STATUS_INVALID;
		return meeting_render(r, &f);
	}
	const char *title = form_get(&f, "title")->text;
	int64_t rid = 0;
	if (db_begin(r->db) != DB_OK ||
	    db_exec(r->db, "INSERT INTO duty_resolutions (meeting_id, title, owner_id, due_day, created_at) VALUES (?, ?, ?, ?, ?)", "ItIII",
		    id, title, owner, due, clock_now()) != DB_OK ||
	    (rid = db_last_id(r->db), audit_req(r, "duty_resolution", rid, "create", title)) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		form_unavailable(r);
		return 0;
	}
	resp_redirect(r, arena_printf(&r->arena, "/duties/meetings/%lld", (long long)id));
	return 0;
}

/* waiting for me: my open resolutions (the length of /duties/resolutions?todo=open) */
int64_t duty_todo_resolutions(struct req *r)
{
	int64_t n = 0;
	db_get_i64(r->db, &n, "SELECT count(*) FROM duty_resolutions WHERE owner_id = ? AND done_at = 0", "I", r->who->user_id);
	return n;
}

/* GET /duties/resolutions (?todo=open: only the open ones) */
int duty_resolutions_page(struct req *r)
{
	static const char *const todos[] = {"open", NULL};
	const char *todo = NULL;
	req_query_enum(r, "todo", todos, &todo);
	page_begin(r, T(r, "duty.my_resolutions"));
	html_printf(&r->out, "<h1>%s</h1><ul class=\"list duty-my-resolutions\">", T(r, "duty.my_resolutions"));
	struct db_stmt *st = db_query(r->db, "SELECT s.id, s.title, s.due_day, s.done_at, m.id, m.title FROM duty_resolutions s"
		" JOIN duty_meetings m ON m.id = s.meeting_id WHERE s.owner_id = ? AND (? = 0 OR s.done_at = 0) ORDER BY s.done_at > 0, s.due_day, s.id LIMIT 500",
		"Ii", r->who->user_id, todo != NULL);
	while (st && db_step(st) == 1) {
		char d[16];
		html_printf(&r->out, "<li data-resolution=\"%D\">%s <span class=\"hint\">%s · <a href=\"/duties/meetings/%D\">%s</a></span>",
			    db_col_i64(st, 0), db_col_text(st, 1), day_format(db_col_i64(st, 2), d), db_col_i64(st, 4), db_col_text(st, 5));
		if (!db_col_i64(st, 3))
			html_printf(&r->out, "<form method=\"post\" action=\"/duties/resolutions/%D/done\">%r<button>%s</button></form>",
				    db_col_i64(st, 0), page_csrf(r), T(r, "duty.mark_done"));
		else
			html_printf(&r->out, " <span class=\"badge ok\">%s</span>", T(r, "duty.done"));
		html_printf(&r->out, "</li>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
	page_end(r);
	return 0;
}

/* POST /duties/resolutions/:id/done: the owner alone */
int duty_resolution_done(struct req *r)
{
	int64_t id;
	if (req_param_id(r, "id", &id))
		return duty_fail(r, 404, "error.not_found", NULL), 0;
	if (db_begin(r->db) != DB_OK)
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	if (db_exec(r->db, "UPDATE duty_resolutions SET done_at = ? WHERE id = ? AND owner_id = ? AND done_at = 0", "III", clock_now(), id,
		    r->who->user_id) != DB_OK) {
		db_rollback(r->db);
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	}
	if (db_changes(r->db) != 1) {
		db_rollback(r->db);
		return duty_fail(r, 404, "error.not_found", NULL), 0;
	}
	if (audit_req(r, "duty_resolution", id, "done", "") != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	}
	resp_redirect(r, "/duties/resolutions");
	return 0;
}

/* the meeting of a QR token: (id, title), or answered 404 */
static int token_meeting(struct req *r, int64_t *id, char **title)
{
	const char *tok = req_param(r, "meeting_token");
	struct db_stmt *st = db_query(r->db, "SELECT id, title FROM duty_meetings WHERE token = ?", "t", tok ? tok : "");
	int ok = st && db_step(st) == 1;
	if (ok) {
		*id = db_col_i64(st, 0);
		*title = arena_strdup(&r->arena, db_col_text(st, 1));
	}
	db_done(r->db, st);
	if (!ok)
		duty_fail(r, 404, "error.not_found", NULL);
	return ok ? 0 : -1;
}

/* GET /duties/m/:token: the scanned QR code asks to confirm the sign-in */
int duty_attend_page(struct req *r)
{
	int64_t id;
	char *title;
	if (token_meeting(r, &id, &title))
		return 0;
	page_begin(r, title);
	html_printf(&r->out, "<h1>%s</h1><form method=\"post\" class=\"stack\">%r<button class=\"primary\">%s</button></form>", title,
		    page_csrf(r), T(r, "duty.attend"));
	page_end(r);
	return 0;
}

/* POST /duties/m/:token, /api/v1/duty/attend/:token: I attend (once) */
int duty_attend_post(struct req *r)
{
	int64_t id;
	char *title;
	if (token_meeting(r, &id, &title))
		return 0;
	if (db_begin(r->db) != DB_OK ||
	    db_exec(r->db, "INSERT INTO duty_attendance (meeting_id, user_id, at) VALUES (?, ?, ?) ON CONFLICT (meeting_id, user_id) DO NOTHING",
		    "III", id, r->who->user_id, clock_now()) != DB_OK ||
	    (db_changes(r->db) == 1 && audit_req(r, "duty_meeting", id, "attend", "") != DB_OK) || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return duty_fail(r, 503, "error.unavailable", NULL), 0;
	}
	if (r->is_api) {
		resp_json(r, 200, json_pack("{s:I, s:b}", "meeting_id", (json_int_t)id, "attended", 1));
		return 0;
	}
	page_begin(r, title);
	html_printf(&r->out, "<h1>%s</h1><p class=\"notice ok duty-attended\">%s</p>", title, T(r, "duty.attended"));
	page_end(r);
	return 0;
}

/* GET /api/v1/duty/meetings */
int duty_api_meetings(struct req *r)
{
	int page, per;
	int64_t total = 0;
	req_page(r, 100, &page, &per);
	if (r->bad_param)
		return 0;
	db_get_i64(r->db, &total, "SELECT count(*) FROM duty_meetings m JOIN units un ON un.id = m.unit_id WHERE un.path LIKE ?", "t",
		   auth_scope_pattern(r));
	json_t *items = json_array();
	struct db_stmt *st = db_query(r->db, MEETING_SQL " WHERE un.path LIKE ? ORDER BY m.held_at DESC, m.id DESC LIMIT ? OFFSET ?", "tii",
				      auth_scope_pattern(r), per, (page - 1) * per);
	while (st && db_step(st) == 1)
		json_array_append_new(items, meeting_json(st));
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", items, "page", page, "per_page", per, "total", (json_int_t)total));
	return 0;
}
