/*
 * check_web.c — the phone pages of checks: "my checks today" in route order with each round's
 * progress (GET /checks), the checkpoint's QR target (GET /c/:token: records the scan, then
 * opens the task due there), the check form that works with gloves (big pass/fail toggles, the
 * numeric keypad for readings; GET/POST /checks/tasks/:id) and the record with its time on site
 * and a one-tap "file as hazard" on each failed item (GET /checks/records/:id, POST
 * /checks/records/:id/items/:item/hazard).
 */
#include "check/check.h"
#include "check/check_web.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/text.h"
#include "db/db.h"
#include "hazard/hazard.h"
#include "web/entity.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int64_t check_my_position(struct req *r)
{
	int64_t pos = 0;
	db_get_i64(r->db, &pos, "SELECT COALESCE(position_id, 0) FROM users WHERE id = ?", "I", r->who->user_id);
	return pos;
}

void check_task_from_row(struct req *r, struct db_stmt *st, struct check_task *t)
{
	t->id = db_col_i64(st, 0);
	t->origin = arena_strdup(&r->arena, db_col_text(st, 1));
	t->status = arena_strdup(&r->arena, db_col_text(st, 2));
	t->ws = db_col_i64(st, 3);
	t->we = db_col_i64(st, 4);
	t->seq = db_col_i64(st, 5);
	t->label = arena_strdup(&r->arena, db_col_text(st, 6));
	t->point = arena_strdup(&r->arena, db_col_text(st, 7));
	t->template_id = db_col_i64(st, 8);
	t->require_scan = (int)db_col_i64(st, 9);
	t->is_defend = (int)db_col_i64(st, 10);
	t->record_id = db_col_i64(st, 11);
	t->plan_id = db_col_i64(st, 12);
	t->role = arena_strdup(&r->arena, db_col_text(st, 13));
	t->content = arena_strdup(&r->arena, db_col_text(st, 14));
	t->unit_id = db_col_i64(st, 15);
	t->assignee_id = db_col_i64(st, 16);
	t->point_id = db_col_i64(st, 17);
	t->measure_id = db_col_i64(st, 18);
	t->position_id = db_col_i64(st, 19);
}

/* Is the task the caller's to do, or in the scope of someone who oversees checks? */
int check_task_load(struct req *r, int64_t id, struct check_task *t, int for_doing)
{
	struct db_stmt *st = db_query(r->db, "SELECT " CHECK_TASK_COLS CHECK_TASK_FROM " WHERE k.id = ?", "I", id);
	int found = st && db_step(st) == 1;
	if (found)
		check_task_from_row(r, st, t);
	db_done(r->db, st);
	if (!found)
		return -1;
	int64_t me = r->who->user_id;
	int64_t post = 0;
	if (!t->assignee_id && t->position_id && t->position_id == check_my_position(r))
		db_get_i64(r->db, &post, "SELECT count(*) FROM units WHERE id = ? AND ? LIKE path || '%'", "It", t->unit_id, CHECK_MY_PATH(r));
	if (t->assignee_id == me || post)
		return 0;
	if (!for_doing && auth_has(r, "check.view") && auth_scope_allows(r, t->unit_id, -1))
		return 0;
	return !t->assignee_id && !t->position_id && auth_scope_allows(r, t->unit_id, -1) ? 0 : -1;
}

const char *check_window_text(struct req *r, int64_t ws, int64_t we)
{
	char a[16], b[16];
	int64_t d1 = day_of(ws), d2 = day_of(we - 1);
	const char *t1 = page_time(r, ws), *t2 = page_time(r, we);
	if (d1 == d2)	/* one day: the day once, then both times */
		return arena_printf(&r->arena, "%s–%s", t1, strlen(t2) > 11 ? t2 + 11 : t2);
	return arena_printf(&r->arena, "%s – %s", day_format(d1, a), day_format(d2, b));
}

/* " ok", " bad" or "": the badge class of a task's status */
static const char *status_class(const char *status)
{
	return !strcmp(status, "done") ? " ok" : !strcmp(status, "missed") ? " bad" : "";
}

/* ---- GET /checks: my checks today, in route order ---- */
int check_today_page(struct req *r)
{
	int64_t day = day_today(), me = r->who->user_id, pos = check_my_position(r);
	int64_t from = day_start_utc(day), to = day_start_utc(day + 1);
	/* ?todo=due: only what the home page's "waiting for me" line counts (open, window open now) */
	static const char *const todo_filter[] = {"due", NULL};
	const char *todo = "";
	req_query_enum(r, "todo", todo_filter, &todo);
	int64_t now = clock_now();
	page_begin(r, T(r, "check.today"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><p class=\"hint\">%s</p>", T(r, "check.today"),
		    T(r, "check.today_hint"));
	struct db_stmt *st = *todo
		? db_query(r->db, "SELECT " CHECK_TASK_COLS CHECK_TASK_FROM CHECK_MINE CHECK_DUE_NOW
				  " ORDER BY k.window_start, COALESCE(k.plan_id, 0), k.seq, k.id LIMIT 300",
			   "IItII", me, pos, CHECK_MY_PATH(r), now, now)
		: db_query(r->db, "SELECT " CHECK_TASK_COLS CHECK_TASK_FROM CHECK_MINE
				  " AND k.window_start < ? AND k.window_end > ? AND (k.window_end > ? OR k.status = 'done')"
				  " ORDER BY k.window_start, COALESCE(k.plan_id, 0), k.seq, k.id LIMIT 300",
			   "IItIII", me, pos, CHECK_MY_PATH(r), to, from, now);
	int n = 0;
	int64_t round_plan = -1, round_ws = -1;
	html_printf(&r->out, "<ul class=\"list\" id=\"my-checks\">");
	while (st && db_step(st) == 1) {
		struct check_task t;
		check_task_from_row(r, st, &t);
		n++;
		if (t.plan_id && (t.plan_id != round_plan || t.ws != round_ws)) {
			/* a round's heading with its progress */
			int64_t done = 0, all = 0;
			db_get_i64(r->db, &all, "SELECT count(*) FROM check_tasks WHERE plan_id = ? AND window_start = ?", "II", t.plan_id, t.ws);
			db_get_i64(r->db, &done, "SELECT count(*) FROM check_tasks WHERE plan_id = ? AND window_start = ? AND status = 'done'",
				   "II", t.plan_id, t.ws);
			html_printf(&r->out, "<li class=\"round\"><strong>%s</strong> · %s · <span class=\"badge\" data-progress>%s %D/%D</span></li>",
				    t.label, check_window_text(r, t.ws, t.we), T(r, "check.progress"), done, all);
			round_plan = t.plan_id;
			round_ws = t.ws;
		}
		html_printf(&r->out, "<li data-task=\"%D\" data-status=\"%s\"><a href=\"/checks/tasks/%D\">%s%s%s</a> · %s "
				     "<span class=\"badge%s\">%s</span>%s</li>",
			    t.id, t.status, t.id, t.plan_id ? arena_printf(&r->arena, "%lld. ", (long long)t.seq) : "",
			    t.plan_id ? t.point : t.label, !t.plan_id && *t.point ? arena_printf(&r->arena, " @ %s", t.point) : "",
			    check_window_text(r, t.ws, t.we), status_class(t.status),
			    T(r, arena_printf(&r->arena, "check.status.%s", t.status)), t.is_defend ? T(r, "check.defend_mark") : "");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
	if (!n)
		html_printf(&r->out, "<p>%s</p>", T(r, "check.none_today"));
	html_printf(&r->out, "</section>");
	page_end(r);
	return 0;
}

/* ---- GET /c/:point_token — a checkpoint's QR label: the scan is recorded, then the task due
 * here (the caller's open task at this checkpoint whose window is open) opens with the scan.
 * A plain link carries no location: a checkpoint with a GPS radius is scanned through the API
 * (POST /api/v1/check/scans with the phone's fix), and refuses this one naming "lat". ---- */
int check_scan_page(struct req *r)
{
	struct actor a;
	actor_from_req(r, &a);
	const char *field = NULL, *key = NULL;
	int64_t point = 0;
	int64_t scan = check_scan(&a, req_param(r, "point_token"), NULL, NULL, NULL, NULL, &point, &field, &key);
	if (scan < 0) {
		if (key && !strcmp(key, "check.err_point")) {
			entity_not_found(r);
			return 0;
		}
		resp_error(r, key && !strcmp(key, "error.unavailable") ? 503 : 422, "invalid", T(r, key ? key : "error.invalid"), field);
		return 0;
	}
	int64_t me = r->who->user_id, pos = check_my_position(r), task = 0;
	db_get_i64(r->db, &task, "SELECT k.id FROM check_tasks k WHERE k.point_id = ? AND k.status IN ('open', 'suspended')"
				 " AND k.record_id IS NULL AND k.window_start <= ?"
				 " AND k.window_end > ? AND (k.assignee_id = ? OR " CHECK_POST_MINE ")"
				 " ORDER BY k.window_end, k.seq, k.id LIMIT 1", "IIIIIt", point, a.now, a.now, me, pos, CHECK_MY_PATH(r));
	if (task)
		resp_redirect(r, arena_printf(&r->arena, "/checks/tasks/%lld?scan=%lld", (long long)task, (long long)scan));
	else
		resp_redirect(r, arena_printf(&r->arena, "/checks?scanned=%lld", (long long)point));
	return 0;
}

/* The form of a task: one block per item of the template's current version. */
static void form_html(struct req *r, const struct check_task *t, int64_t scan, const char *err_field, const char *err)
{
	int64_t version = 1;
	db_get_i64(r->db, &version, "SELECT version FROM check_templates WHERE id = ?", "I", t->template_id);
	char idem[33];
	const char *prev = req_field(r, "idem_key");
	if (prev && strlen(prev) == 32)
		snprintf(idem, sizeof(idem), "%s", prev);
	else
		text_random_token(idem, 16);
	html_printf(&r->out, "<form method=\"post\" action=\"/checks/tasks/%D\" enctype=\"multipart/form-data\" class=\"stack ck-form\">"
			     "%r<input type=\"hidden\" name=\"idem_key\" value=\"%s\"><input type=\"hidden\" name=\"scan_id\" value=\"%D\">",
		    t->id, page_csrf(r), idem, scan);
	if (err && (!err_field || strncmp(err_field, "item_", 5)))
		html_printf(&r->out, "<p class=\"notice notice-error\" role=\"alert\" data-field=\"%s\">%s</p>", err_field ? err_field : "", err);
	struct db_stmt *st = db_query(r->db, "SELECT id, kind, label, min_value, max_value, unit, choices, photo_required,"
				    " min_value IS NOT NULL, max_value IS NOT NULL FROM check_template_items"
				    " WHERE template_id = ? AND version = ? ORDER BY seq LIMIT 64", "II", t->template_id, version);
	int n = 0;
	while (st && db_step(st) == 1) {
		int64_t id = db_col_i64(st, 0);
		const char *kind = db_col_text(st, 1), *label = db_col_text(st, 2);
		const char *name = arena_printf(&r->arena, "item_%lld", (long long)id);
		const char *val = req_field(r, name);
		val = val ? val : "";
		n++;
		html_printf(&r->out, "<fieldset class=\"hz-cats ck-item\" data-item=\"%D\" data-kind=\"%s\"><legend>%d. %s", id, kind, n, label);
		if (!strcmp(kind, "number")) {
			const char *lim = arena_printf(&r->arena, "%s%s%s %s",
						       db_col_i64(st, 8) ? arena_printf(&r->arena, "%g", db_col_double(st, 3)) : "",
						       "–", db_col_i64(st, 9) ? arena_printf(&r->arena, "%g", db_col_double(st, 4)) : "",
						       db_col_text(st, 5));
			html_printf(&r->out, " <span class=\"hint\">(%s)</span>", lim);
		}
		html_printf(&r->out, "</legend>");
		if (!strcmp(kind, "pass_fail")) {
			html_printf(&r->out, "<label class=\"hz-cat\"><input type=\"radio\" name=\"%s\" value=\"pass\"%r><span>%s</span></label>"
					     "<label class=\"hz-cat\"><input type=\"radio\" name=\"%s\" value=\"fail\"%r><span>%s</span></label>",
				    name, !strcmp(val, "pass") ? " checked" : "", T(r, "check.pass"), name,
				    !strcmp(val, "fail") ? " checked" : "", T(r, "check.fail"));
		} else if (!strcmp(kind, "number")) {
			html_printf(&r->out, "<label><span>%s</span><input name=\"%s\" value=\"%s\" inputmode=\"decimal\" maxlength=\"32\""
					     " autocomplete=\"off\"></label>", T(r, "check.reading"), name, val);
		} else if (!strcmp(kind, "choice")) {
			const char *p = db_col_text(st, 6);
			while (*p) {
				const char *e = strchr(p, '|');
				size_t len = e ? (size_t)(e - p) : strlen(p);
				char *opt = arena_printf(&r->arena, "%.*s", (int)len, p);
				html_printf(&r->out, "<label class=\"hz-cat\"><input type=\"radio\" name=\"%s\" value=\"%s\"%r><span>%s</span></label>",
					    name, opt, !strcmp(val, opt) ? " checked" : "", opt);
				p = e ? e + 1 : p + len;
			}
		} else if (!strcmp(kind, "text")) {
			html_printf(&r->out, "<label><span>%s</span><input name=\"%s\" value=\"%s\" maxlength=\"500\"></label>",
				    T(r, "check.text"), name, val);
		}
		const char *shaf = arena_printf(&r->arena, "photo_%lld_sha", (long long)id);
		const char *sha = req_field(r, shaf);
		int need = db_col_i64(st, 7) || !strcmp(kind, "photo");
		html_printf(&r->out, "<label class=\"ck-photo%s\"><span>%s%s</span><input type=\"file\" name=\"photo_%D\" accept=\"image/*\""
				     " capture=\"environment\"></label>", need ? " ck-need" : "", T(r, "check.photo"),
			    need ? T(r, "check.photo_required") : T(r, "check.photo_if_failed"), id);
		if (sha && strlen(sha) == 64)
			html_printf(&r->out, "<input type=\"hidden\" name=\"%s\" value=\"%s\">", shaf, sha);
		if (err && err_field && !strcmp(err_field, name))
			html_printf(&r->out, "<span class=\"field-error\" role=\"alert\" data-field=\"%s\">%s</span>", name, err);
		html_printf(&r->out, "</fieldset>");
	}
	db_done(r->db, st);
	/* a spoken note with the round (gloves on): the hazard form's recorder, its clip in the form */
	hazard_voice_box(r, &r->out, 1);
	html_printf(&r->out, "<button class=\"primary\" type=\"submit\">%s</button></form>", T(r, "check.submit"));
}

static void task_head(struct req *r, const struct check_task *t)
{
	html_printf(&r->out, "<h1>%s</h1><p>%s%s · %s</p>", t->label, *t->point ? t->point : "", *t->point ? "" : "",
		    check_window_text(r, t->ws, t->we));
	if (*t->role)
		html_printf(&r->out, "<p>%s</p>", T(r, arena_printf(&r->arena, "check.baobao.%s", t->role)));
	if (*t->content)
		html_printf(&r->out, "<p class=\"hint\">%s：%s</p>", T(r, "check.content"), t->content);
}

static void task_page(struct req *r, const struct check_task *t, const char *err_field, const char *err)
{
	page_begin(r, t->label);
	html_printf(&r->out, "<section class=\"card narrow\">");
	task_head(r, t);
	int64_t scan = 0, now = clock_now();
	const char *s = req_field(r, "scan_id");	/* a refused form keeps its scan */
	if (!strcmp(r->method, "POST") && s && *s)
		text_parse_i64(s, &scan);
	else if (req_query_id(r, "scan", &scan) < 0)
		return;
	int defend_open = !strcmp(t->status, "suspended") && !t->record_id && now >= t->ws && now < t->we;
	if (defend_open) {
		/* out of use: the person may record what they found; the record says so (isDefend) */
		html_printf(&r->out, "<p class=\"notice notice-warn\" id=\"defend\">%s</p>", T(r, "check.defend_record"));
		form_html(r, t, scan, err_field, err);
	} else if (strcmp(t->status, "open")) {
		html_printf(&r->out, "<p><span class=\"badge\">%s</span>%s</p>", T(r, arena_printf(&r->arena, "check.status.%s", t->status)),
			    t->is_defend ? T(r, "check.defend_mark") : "");
		if (t->record_id)
			html_printf(&r->out, "<p><a class=\"button\" href=\"/checks/records/%D\">%s</a></p>", t->record_id, T(r, "check.record"));
	} else if (now < t->ws || now >= t->we) {
		html_printf(&r->out, "<p class=\"notice notice-warn\">%s</p>", T(r, "check.err_window"));
	} else if (t->require_scan && !scan) {
		html_printf(&r->out, "<p class=\"notice notice-warn\" id=\"scan-first\">%s</p>", T(r, "check.scan_first"));
	} else
		form_html(r, t, scan, err_field, err);
	html_printf(&r->out, "<p><a href=\"/checks\">%s</a></p></section>", T(r, "check.today"));
	page_end(r);
}

int check_task_page(struct req *r)
{
	int64_t id;
	struct check_task t;
	if (req_param_id(r, "id", &id) || check_task_load(r, id, &t, 0)) {
		entity_not_found(r);
		return 0;
	}
	task_page(r, &t, NULL, NULL);
	return 0;
}

/* A refused form: the page again with the error under its field, or (the API twin, used by a
 * phone's offline queue) the error as JSON naming the field, in the user's words. */
static void post_refused(struct req *r, const struct check_task *t, int64_t id, int status, const char *field, const char *key)
{
	r->status = status;
	if (r->is_api) {
		resp_error(r, status, status == 409 ? "conflict" : status == 404 ? "not_found" : status == 503 ? "unavailable" : "invalid",
			   T(r, key ? key : "error.unavailable"), field);
		return;
	}
	struct check_task cur;
	if (check_task_load(r, id, &cur, 0))
		cur = *t;
	task_page(r, &cur, field, T(r, key ? key : "error.unavailable"));
}

/* ---- POST /checks/tasks/:id — the form; photos come as uploads photo_<item>, a voice note as
 * voice. POST /api/v1/check/tasks/:id/record takes the same multipart body and answers JSON:
 * what static/offline.js sends for a check filled without signal (idem_key, captured_at). ---- */
int check_task_post(struct req *r)
{
	int64_t id;
	struct check_task t;
	if (req_param_id(r, "id", &id) || check_task_load(r, id, &t, 1)) {
		entity_not_found(r);
		return 0;
	}
	struct actor a;
	actor_from_req(r, &a);
	struct check_answer ans[64];
	size_t n = 0;
	int64_t version = 1;
	db_get_i64(r->db, &version, "SELECT version FROM check_templates WHERE id = ?", "I", t.template_id);
	struct db_stmt *st = db_query(r->db, "SELECT id FROM check_template_items WHERE template_id = ? AND version = ? ORDER BY seq LIMIT 64",
				    "II", t.template_id, version);
	while (st && db_step(st) == 1 && n < 64) {
		int64_t item = db_col_i64(st, 0);
		ans[n].item_id = item;
		ans[n].value = req_field(r, arena_printf(&r->arena, "item_%lld", (long long)item));
		ans[n].photo = req_field(r, arena_printf(&r->arena, "photo_%lld_sha", (long long)item));
		ans[n].note = NULL;
		n++;
	}
	db_done(r->db, st);
	struct check_record_in in = {.task_id = id, .idem_key = req_field(r, "idem_key"), .lat_s = req_field(r, "lat"),
				     .lng_s = req_field(r, "lng"), .acc_s = req_field(r, "gps_acc"), .answers = ans, .nanswers = n};
	/* a retry of a stored submission answers with the first record before anything is
	 * uploaded again (the photos of a lost answer's request are already stored) */
	int64_t have = 0, owner = 0;
	if (in.idem_key && *in.idem_key && db_get_i64(r->db, &have, "SELECT id FROM check_records WHERE idem_key = ?", "t", in.idem_key) == 1 &&
	    db_get_i64(r->db, &owner, "SELECT user_id FROM check_records WHERE id = ?", "I", have) == 1 && owner == a.user_id) {
		if (!r->is_api) {
			resp_redirect(r, arena_printf(&r->arena, "/checks/records/%lld", (long long)have));
			return 0;
		}
		json_t *j = check_record_json(r, have);
		json_object_set_new(j, "duplicate", json_true());
		resp_json(r, 200, j);
		resp_header(r, "Idempotent-Replayed", "true");
		return 0;
	}
	/* uploaded photos go in through the hazard module's photo path (re-encoded, stored by
	 * hash, their upload recorded), then the record names them by hash; each is decoded and
	 * re-encoded before its transaction, which then only writes rows */
	for (size_t i = 0; i < n; i++) {
		struct upload *u = req_upload(r, arena_printf(&r->arena, "photo_%lld", (long long)ans[i].item_id));
		if (!u || !u->data.len)
			continue;
		char sha[65];
		const char *key = NULL;
		struct hazard_image img;
		int bad = hazard_image_process((const unsigned char *)u->data.buf, u->data.len, &img, &key);
		if (bad || db_begin(r->db) != DB_OK || hazard_store_image(r->db, &img, sha) ||
		    hazard_photo_uploaded(r->db, sha, a.user_id) != DB_OK || db_commit(r->db) != DB_OK) {
			db_rollback(r->db);	/* nothing when no transaction was begun */
			hazard_image_free(&img);
			post_refused(r, &t, id, 422, arena_printf(&r->arena, "item_%lld", (long long)ans[i].item_id), key);
			return 0;
		}
		hazard_image_free(&img);
		ans[i].photo = arena_strdup(&r->arena, sha);
		/* kept across a refusal: the re-rendered form carries it as photo_<id>_sha */
		struct kv *kv = arena_alloc(&r->arena, sizeof(*kv));
		kv->key = arena_printf(&r->arena, "photo_%lld_sha", (long long)ans[i].item_id);
		kv->val = ans[i].photo;
		kv->len = strlen(ans[i].photo);
		kv->next = r->form;
		r->form = kv;
	}
	const char *s = req_field(r, "scan_id");
	if (s && *s && text_parse_i64(s, &in.scan_id))
		in.scan_id = -1;
	s = req_field(r, "captured_at");
	if (s && *s && (text_parse_i64(s, &in.captured_at) || in.captured_at <= 0))
		in.captured_at = -1;	/* refused by the capture-time check, naming the field */
	struct upload *voice = req_upload(r, "voice");
	if (voice && voice->data.len) {
		in.voice = (const unsigned char *)voice->data.buf;
		in.voice_len = voice->data.len;
		in.voice_seconds = hazard_voice_seconds(r->db, req_field(r, "voice_seconds"));
	}
	int dup = 0, status = 0;
	const char *field = NULL, *key = NULL;
	int64_t rid = check_record_store(&a, &in, &dup, &field, &key, &status);
	if (rid < 0) {
		post_refused(r, &t, id, status, field, key);
		return 0;
	}
	if (r->is_api) {
		json_t *j = check_record_json(r, rid);
		json_object_set_new(j, "duplicate", json_boolean(dup));
		resp_json(r, dup ? 200 : 201, j);
		if (dup)
			resp_header(r, "Idempotent-Replayed", "true");
		return 0;
	}
	resp_redirect(r, arena_printf(&r->arena, "/checks/records/%lld", (long long)rid));
	return 0;
}

/* The record within the caller's reach: made by them, or a task they may see. */
int check_record_load(struct req *r, int64_t id, struct check_task *t, int64_t *user)
{
	int64_t task = 0;
	if (db_get_i64(r->db, &task, "SELECT task_id FROM check_records WHERE id = ?", "I", id) != 1)
		return -1;
	db_get_i64(r->db, user, "SELECT user_id FROM check_records WHERE id = ?", "I", id);
	struct db_stmt *st = db_query(r->db, "SELECT " CHECK_TASK_COLS CHECK_TASK_FROM " WHERE k.id = ?", "I", task);
	int found = st && db_step(st) == 1;
	if (found)
		check_task_from_row(r, st, t);
	db_done(r->db, st);
	if (!found)
		return -1;
	if (*user == r->who->user_id || check_task_load(r, task, t, 0) == 0)
		return 0;
	return -1;
}

int check_record_page(struct req *r)
{
	int64_t id, user = 0;
	struct check_task t;
	if (req_param_id(r, "id", &id) || check_record_load(r, id, &t, &user)) {
		entity_not_found(r);
		return 0;
	}
	struct db_stmt *st = db_query(r->db, "SELECT r.template_version, r.scanned_at, r.finished_at, r.failed, r.is_defend, u.name,"
				    " t.name FROM check_records r JOIN users u ON u.id = r.user_id JOIN check_templates t"
				    " ON t.id = r.template_id WHERE r.id = ?", "I", id);
	if (!st || db_step(st) != 1) {
		db_done(r->db, st);
		entity_not_found(r);
		return 0;
	}
	int64_t version = db_col_i64(st, 0), scanned = db_col_i64(st, 1), finished = db_col_i64(st, 2), failed = db_col_i64(st, 3);
	int defend = (int)db_col_i64(st, 4);
	const char *who = arena_strdup(&r->arena, db_col_text(st, 5)), *tname = arena_strdup(&r->arena, db_col_text(st, 6));
	db_done(r->db, st);
	page_begin(r, T(r, "check.record"));
	html_printf(&r->out, "<section class=\"card narrow\">");
	task_head(r, &t);
	html_printf(&r->out, "<dl><dt>%s</dt><dd>%s (v%D)</dd><dt>%s</dt><dd>%s · %s</dd>", T(r, "check.template"), tname, version,
		    T(r, "check.by"), who, page_time(r, finished));
	if (scanned)
		html_printf(&r->out, "<dt>%s</dt><dd>%s</dd><dt>%s</dt><dd id=\"on-site\">%D %s</dd>", T(r, "check.scanned_at"),
			    page_time(r, scanned), T(r, "check.on_site"), (finished - scanned + 59) / 60, T(r, "check.minutes"));
	html_printf(&r->out, "<dt>%s</dt><dd id=\"failed-count\">%D</dd></dl>", T(r, "check.failed_items"), failed);
	if (defend)
		html_printf(&r->out, "<p class=\"notice notice-warn\">%s</p>", T(r, "check.defend"));
	html_printf(&r->out, "<ul class=\"list\" id=\"results\">");
	st = db_query(r->db, "SELECT i.id, i.label, cr.value, cr.ok, COALESCE(cr.hazard_id, 0), COALESCE(h.number, ''), i.unit,"
			     " COALESCE(cr.photo_sha, '')"
			     " FROM check_results cr JOIN check_template_items i ON i.id = cr.item_id"
			     " LEFT JOIN hazards h ON h.id = cr.hazard_id WHERE cr.record_id = ? ORDER BY i.seq", "I", id);
	while (st && db_step(st) == 1) {
		int ok = (int)db_col_i64(st, 3);
		const char *v = db_col_text(st, 2);
		html_printf(&r->out, "<li data-item=\"%D\"%r>%s：%s%s <span class=\"badge%s\">%s</span>", db_col_i64(st, 0),
			    ok ? "" : " class=\"overdue\"", db_col_text(st, 1),
			    !strcmp(v, "pass") ? T(r, "check.pass") : !strcmp(v, "fail") ? T(r, "check.fail") : v, db_col_text(st, 6),
			    ok ? " ok" : " bad", ok ? T(r, "check.ok") : T(r, "check.not_ok"));
		if (*db_col_text(st, 7))
			html_printf(&r->out, " <a class=\"ck-shot\" href=\"/checks/records/%D/photos/%s\"><img src=\"/checks/records/%D/photos/%s?thumb=1\""
					     " alt=\"%s\" loading=\"lazy\" width=\"64\" height=\"64\"></a>",
				    id, db_col_text(st, 7), id, db_col_text(st, 7), T(r, "check.photo"));
		if (!ok && db_col_i64(st, 4))
			html_printf(&r->out, " <a href=\"/hazards/%D\">%s</a>", db_col_i64(st, 4), db_col_text(st, 5));
		else if (!ok && user == r->who->user_id && auth_has(r, "hazard.report"))
			html_printf(&r->out, "<form method=\"post\" action=\"/checks/records/%D/items/%D/hazard\">%r"
					     "<button class=\"primary\" type=\"submit\">%s</button></form>",
				    id, db_col_i64(st, 0), page_csrf(r), T(r, "check.to_hazard"));
		html_printf(&r->out, "</li>");
	}
	db_done(r->db, st);
	html_printf(&r->out, "</ul>");
	/* the voice notes spoken with the record, played here */
	st = db_query(r->db, "SELECT v.sha256, u.name, v.at FROM check_voice v JOIN users u ON u.id = v.user_id WHERE v.record_id = ?"
			     " ORDER BY v.at, v.sha256", "I", id);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<p class=\"hz-voice-note\"><span>%s · %s · %s</span><audio controls preload=\"none\""
				     " src=\"/checks/records/%D/voice/%s\"></audio></p>",
			    T(r, "hazard.voice"), db_col_text(st, 1), page_time(r, db_col_i64(st, 2)), id, db_col_text(st, 0));
	db_done(r->db, st);
	html_printf(&r->out, "<p><a href=\"/checks\">%s</a></p></section>", T(r, "check.today"));
	page_end(r);
	return 0;
}

/* ---- POST /checks/records/:id/items/:item/hazard (also /api/v1/...) ---- */
int check_item_hazard_post(struct req *r)
{
	int64_t id, item, user = 0;
	struct check_task t;
	if (req_param_id(r, "id", &id) || req_param_id(r, "item", &item) || check_record_load(r, id, &t, &user)) {
		entity_not_found(r);
		return 0;
	}
	struct actor a;
	actor_from_req(r, &a);
	const char *field = NULL, *key = NULL;
	int64_t hid = check_item_hazard(&a, id, item, &field, &key);
	if (hid < 0) {
		resp_error(r, key && !strcmp(key, "error.unavailable") ? 503 : 422, "invalid",
			   arena_printf(&r->arena, "%s: %s", field ? field : "item_id", T(r, key ? key : "error.invalid")), field);
		return 0;
	}
	if (r->is_api) {
		char *num = NULL;
		db_get_text(r->db, &num, "SELECT number FROM hazards WHERE id = ?", "I", hid);
		resp_json(r, 201, json_pack("{s:I, s:s}", "hazard_id", (json_int_t)hid, "number", num ? num : ""));
		free(num);
		return 0;
	}
	resp_redirect(r, arena_printf(&r->arena, "/hazards/%lld", (long long)hid));
	return 0;
}
