/*
 * check_api.c — the JSON API of checks (/api/v1/check/...): tasks (mine, or a unit's for
 * whoever oversees checks) with the items of their form, scans, records (with the form's
 * idempotency key), checklists as versioned data (a change of items writes the next version),
 * round plans. Coverage is in check_coverage.c. Shapes: check_schemas.c.
 */
#include "check/check.h"
#include "check/check_web.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/text.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void invalid(struct req *r, int status, const char *field, const char *key)
{
	resp_error(r, status, status == 409 ? "conflict" : status == 404 ? "not_found" : status == 503 ? "unavailable" : "invalid",
		   field ? arena_printf(&r->arena, "%s: %s", field, T(r, key)) : T(r, key), field);
}

static json_t *task_json(struct req *r, const struct check_task *t)
{
	json_t *j = json_pack("{s:I, s:s, s:s, s:I, s:I, s:s, s:s, s:I, s:b, s:b, s:s}", "id", (json_int_t)t->id, "origin", t->origin,
			      "status", t->status, "window_start", (json_int_t)t->ws, "window_end", (json_int_t)t->we, "label", t->label,
			      "point", t->point, "template_id", (json_int_t)t->template_id, "require_scan", t->require_scan,
			      "is_defend", t->is_defend, "check_content", t->content);
	(void)r;
	json_object_set_new(j, "record_id", t->record_id ? json_integer(t->record_id) : json_null());
	json_object_set_new(j, "plan_id", t->plan_id ? json_integer(t->plan_id) : json_null());
	json_object_set_new(j, "measure_id", t->measure_id ? json_integer(t->measure_id) : json_null());
	json_object_set_new(j, "point_id", t->point_id ? json_integer(t->point_id) : json_null());
	json_object_set_new(j, "seq", json_integer(t->seq));
	json_object_set_new(j, "baobao_role", *t->role ? json_string(t->role) : json_null());
	json_object_set_new(j, "assignee_id", t->assignee_id ? json_integer(t->assignee_id) : json_null());
	return j;
}

/* GET /api/v1/check/tasks?day=YYYY-MM-DD&status=&unit_id=&all=1 — mine on a day (default today);
 * all=1: every task of the day in the caller's scope (check.view). */
int check_api_tasks(struct req *r)
{
	int64_t day = day_today(), unit = 0;
	const char *ds = req_query(r, "day");
	if (ds && *ds && day_parse(ds, &day)) {
		invalid(r, 400, "day", "error.invalid");
		return 0;
	}
	static const char *const statuses[] = {"open", "done", "missed", "suspended", NULL};
	const char *status = NULL;
	if (req_query_enum(r, "status", statuses, &status) < 0 || req_query_id(r, "unit_id", &unit) < 0)
		return 0;
	int all = req_query_flag(r, "all", 0);
	if (all && !auth_has(r, "check.view")) {
		invalid(r, 403, "all", "error.forbidden");
		return 0;
	}
	int64_t from = day_start_utc(day), to = day_start_utc(day + 1);
	struct db_stmt *st = all
		? db_query(r->db, "SELECT " CHECK_TASK_COLS CHECK_TASK_FROM " JOIN units un ON un.id = k.unit_id"
				  " WHERE un.path LIKE ? AND (? = 0 OR k.unit_id = ?) AND k.window_start < ? AND k.window_end > ?"
				  " AND (? IS NULL OR k.status = ?) ORDER BY k.window_start, COALESCE(k.plan_id, 0), k.seq, k.id LIMIT 5000",
			   "tIIIItt", auth_scope_pattern(r), unit, unit, to, from, status, status)
		: db_query(r->db, "SELECT " CHECK_TASK_COLS CHECK_TASK_FROM CHECK_MINE " AND k.window_start < ? AND k.window_end > ?"
				  " AND (? IS NULL OR k.status = ?) ORDER BY k.window_start, COALESCE(k.plan_id, 0), k.seq, k.id LIMIT 1000",
			   "IItIItt", r->who->user_id, check_my_position(r), CHECK_MY_PATH(r), to, from, status, status);
	json_t *items = json_array();
	struct pager pg;
	pager_start(r, HTTP_PER_PAGE_MAX, &pg);
	while (st && db_step(st) == 1) {
		struct check_task t;
		if (!pager_take(&pg))
			continue;
		check_task_from_row(r, st, &t);
		json_array_append_new(items, task_json(r, &t));
	}
	db_done(r->db, st);
	pager_reply(r, &pg, items, NULL);
	return 0;
}

static json_t *items_json(struct req *r, int64_t tmpl, int64_t version)
{
	json_t *a = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT id, seq, kind, label, min_value, max_value, unit, choices, fail_choices,"
				    " photo_required, COALESCE(category_id, 0) FROM check_template_items"
				    " WHERE template_id = ? AND version = ? ORDER BY seq", "II", tmpl, version);
	while (st && db_step(st) == 1) {
		json_t *i = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:b}", "id", (json_int_t)db_col_i64(st, 0), "seq",
				      (json_int_t)db_col_i64(st, 1), "kind", db_col_text(st, 2), "label", db_col_text(st, 3), "unit",
				      db_col_text(st, 6), "choices", db_col_text(st, 7), "fail_choices", db_col_text(st, 8),
				      "photo_required", (int)db_col_i64(st, 9));
		json_object_set_new(i, "min", db_col_null(st, 4) ? json_null() : json_real(db_col_double(st, 4)));
		json_object_set_new(i, "max", db_col_null(st, 5) ? json_null() : json_real(db_col_double(st, 5)));
		json_object_set_new(i, "category_id", db_col_i64(st, 10) ? json_integer(db_col_i64(st, 10)) : json_null());
		json_array_append_new(a, i);
	}
	db_done(r->db, st);
	return a;
}

/* GET /api/v1/check/tasks/:id — the task and the items of its form */
int check_api_task(struct req *r)
{
	int64_t id, version = 1;
	struct check_task t;
	if (req_param_id(r, "id", &id) || check_task_load(r, id, &t, 0)) {
		entity_not_found(r);
		return 0;
	}
	db_get_i64(r->db, &version, "SELECT version FROM check_templates WHERE id = ?", "I", t.template_id);
	json_t *j = task_json(r, &t);
	json_object_set_new(j, "template_version", json_integer(version));
	json_object_set_new(j, "items", items_json(r, t.template_id, version));
	resp_json(r, 200, j);
	return 0;
}

/* POST /api/v1/check/scans {token | nfc_id, lat, lng, gps_acc} → the scan and my open tasks there */
int check_api_scan(struct req *r)
{
	struct actor a;
	actor_from_req(r, &a);
	const char *field = NULL, *key = NULL;
	int64_t point = 0;
	int64_t scan = check_scan(&a, req_field(r, "token"), req_field(r, "nfc_id"), req_field(r, "lat"), req_field(r, "lng"),
				  req_field(r, "gps_acc"), &point, &field, &key);
	if (scan < 0) {
		invalid(r, key && !strcmp(key, "error.unavailable") ? 503 : 422, field, key ? key : "error.invalid");
		return 0;
	}
	json_t *tasks = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT " CHECK_TASK_COLS CHECK_TASK_FROM CHECK_MINE " AND k.point_id = ?"
				    " AND k.status = 'open' AND k.window_start <= ? AND k.window_end > ? ORDER BY k.window_end, k.seq LIMIT 50",
				    "IItIII", a.user_id, check_my_position(r), CHECK_MY_PATH(r), point, a.now, a.now);
	while (st && db_step(st) == 1) {
		struct check_task t;
		check_task_from_row(r, st, &t);
		json_array_append_new(tasks, task_json(r, &t));
	}
	db_done(r->db, st);
	resp_json(r, 201, json_pack("{s:I, s:I, s:I, s:o}", "scan_id", (json_int_t)scan, "point_id", (json_int_t)point, "at",
				    (json_int_t)a.now, "tasks", tasks));
	return 0;
}

json_t *check_record_json(struct req *r, int64_t id)
{
	struct db_stmt *st = db_query(r->db, "SELECT task_id, template_id, template_version, user_id, COALESCE(scan_id, 0), scanned_at,"
				    " finished_at, failed, is_defend, latitude, longitude, accuracy_m, latitude IS NOT NULL"
				    " FROM check_records WHERE id = ?", "I", id);
	if (!st || db_step(st) != 1) {
		db_done(r->db, st);
		return NULL;
	}
	int64_t scanned = db_col_i64(st, 5), finished = db_col_i64(st, 6);
	json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:b}", "id", (json_int_t)id, "task_id", (json_int_t)db_col_i64(st, 0),
			      "template_id", (json_int_t)db_col_i64(st, 1), "template_version", (json_int_t)db_col_i64(st, 2),
			      "user_id", (json_int_t)db_col_i64(st, 3), "scanned_at", (json_int_t)scanned, "finished_at",
			      (json_int_t)finished, "failed", (json_int_t)db_col_i64(st, 7), "is_defend", (int)db_col_i64(st, 8));
	json_object_set_new(j, "scan_id", db_col_i64(st, 4) ? json_integer(db_col_i64(st, 4)) : json_null());
	json_object_set_new(j, "on_site_seconds", scanned ? json_integer(finished - scanned) : json_null());
	if (db_col_i64(st, 12))
		json_object_set_new(j, "gps", json_pack("{s:f, s:f, s:f}", "lat", db_col_double(st, 9), "lng", db_col_double(st, 10),
						       "accuracy_m", db_col_double(st, 11)));
	db_done(r->db, st);
	json_t *res = json_array();
	st = db_query(r->db, "SELECT cr.item_id, i.label, cr.value, cr.ok, COALESCE(cr.photo_sha, ''), COALESCE(cr.hazard_id, 0), cr.note"
			     " FROM check_results cr JOIN check_template_items i ON i.id = cr.item_id WHERE cr.record_id = ? ORDER BY i.seq",
		      "I", id);
	while (st && db_step(st) == 1) {
		json_t *x = json_pack("{s:I, s:s, s:s, s:b, s:s}", "item_id", (json_int_t)db_col_i64(st, 0), "label", db_col_text(st, 1),
				      "value", db_col_text(st, 2), "ok", (int)db_col_i64(st, 3), "note", db_col_text(st, 6));
		json_object_set_new(x, "photo", *db_col_text(st, 4) ? json_string(db_col_text(st, 4)) : json_null());
		json_object_set_new(x, "hazard_id", db_col_i64(st, 5) ? json_integer(db_col_i64(st, 5)) : json_null());
		json_array_append_new(res, x);
	}
	db_done(r->db, st);
	json_object_set_new(j, "results", res);
	/* when it was filled on site, for a round kept on the phone without signal (null: online) */
	int64_t cap = 0;
	db_get_i64(r->db, &cap, "SELECT captured_at FROM check_records WHERE id = ?", "I", id);
	json_object_set_new(j, "captured_at", cap ? json_integer(cap) : json_null());
	/* its voice notes, played from /checks/records/:id/voice/:sha */
	json_t *voice = json_array();
	st = db_query(r->db, "SELECT v.sha256, b.mime, v.seconds, v.user_id, v.at FROM check_voice v JOIN blobs b ON b.sha256 = v.sha256"
			     " WHERE v.record_id = ? ORDER BY v.at, v.sha256", "I", id);
	while (st && db_step(st) == 1)
		json_array_append_new(voice, json_pack("{s:s, s:s, s:I, s:I, s:I}", "url",
						       arena_printf(&r->arena, "/checks/records/%lld/voice/%s", (long long)id, db_col_text(st, 0)),
						       "type", db_col_text(st, 1), "seconds", (json_int_t)db_col_i64(st, 2), "by",
						       (json_int_t)db_col_i64(st, 3), "at", (json_int_t)db_col_i64(st, 4)));
	db_done(r->db, st);
	json_object_set_new(j, "voice", voice);
	return j;
}

/* POST /api/v1/check/records {task_id, idem_key, scan_id, lat, lng, gps_acc, note,
 * answers: [{item_id, value, photo, note}]} */
int check_api_record_create(struct req *r)
{
	struct actor a;
	actor_from_req(r, &a);
	struct check_record_in in = {0};
	const char *s = req_field(r, "task_id");
	if (!s || text_parse_i64(s, &in.task_id) || in.task_id <= 0) {
		invalid(r, 422, "task_id", "check.err_task");
		return 0;
	}
	s = req_field(r, "scan_id");
	if (s && *s && (text_parse_i64(s, &in.scan_id) || in.scan_id < 0)) {
		invalid(r, 422, "scan_id", "check.err_scan_required");
		return 0;
	}
	in.idem_key = req_field(r, "idem_key");
	in.lat_s = req_field(r, "lat");
	in.lng_s = req_field(r, "lng");
	in.acc_s = req_field(r, "gps_acc");
	in.note = req_field(r, "note");
	s = req_field(r, "captured_at");
	if (s && *s && (text_parse_i64(s, &in.captured_at) || in.captured_at <= 0))
		in.captured_at = -1;	/* refused by the capture-time check, naming the field */
	json_t *arr = r->json ? json_object_get(r->json, "answers") : NULL;
	if (!json_is_array(arr) || json_array_size(arr) > 64) {
		invalid(r, 422, "answers", "check.err_answers");
		return 0;
	}
	struct check_answer ans[64];
	size_t n = json_array_size(arr);
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(arr, i), *v = json_object_get(x, "value");
		json_t *id = json_object_get(x, "item_id");
		if (!json_is_object(x) || !json_is_integer(id)) {
			invalid(r, 422, "answers", "check.err_answers");
			return 0;
		}
		ans[i].item_id = json_integer_value(id);
		/* a reading may come as a JSON number or as text; anything else is not an answer */
		ans[i].value = json_is_string(v) ? json_string_value(v)
			     : json_is_number(v) ? arena_printf(&r->arena, "%.17g", json_number_value(v))
			     : json_is_null(v) || !v ? "" : "\x01";
		if (!strcmp(ans[i].value, "\x01")) {
			invalid(r, 422, arena_printf(&r->arena, "item_%lld", (long long)ans[i].item_id), "check.err_number");
			return 0;
		}
		ans[i].photo = json_string_value(json_object_get(x, "photo"));
		ans[i].note = json_string_value(json_object_get(x, "note"));
	}
	in.answers = ans;
	in.nanswers = n;
	int dup = 0, status = 0;
	const char *field = NULL, *key = NULL;
	int64_t id = check_record_store(&a, &in, &dup, &field, &key, &status);
	if (id < 0) {
		invalid(r, status, field, key ? key : "error.unavailable");
		return 0;
	}
	json_t *j = check_record_json(r, id);
	json_object_set_new(j, "duplicate", json_boolean(dup));
	resp_json(r, dup ? 200 : 201, j);
	/* a retry with a known key: the first answer again, marked as the hazard API marks it */
	if (dup)
		resp_header(r, "Idempotent-Replayed", "true");
	return 0;
}

int check_api_record(struct req *r)
{
	int64_t id, user = 0;
	struct check_task t;
	if (req_param_id(r, "id", &id) || check_record_load(r, id, &t, &user)) {
		entity_not_found(r);
		return 0;
	}
	resp_json(r, 200, check_record_json(r, id));
	return 0;
}

/* ---- checklists ---- */

static json_t *template_json(struct req *r, struct db_stmt *st, int with_items)
{
	int64_t id = db_col_i64(st, 0), version = db_col_i64(st, 4);
	json_t *j = json_pack("{s:I, s:s, s:s, s:I, s:I, s:b, s:b}", "id", (json_int_t)id, "name", db_col_text(st, 1), "kind",
			      db_col_text(st, 2), "source", (json_int_t)db_col_i64(st, 3), "version", (json_int_t)version,
			      "require_scan", (int)db_col_i64(st, 5), "active", (int)db_col_i64(st, 6));
	json_object_set_new(j, "unit_id", db_col_i64(st, 7) ? json_integer(db_col_i64(st, 7)) : json_null());
	if (with_items)
		json_object_set_new(j, "items", items_json(r, id, version));
	return j;
}

#define TEMPLATE_COLS "t.id, t.name, t.kind, t.source, t.version, t.require_scan, t.active, COALESCE(t.unit_id, 0)"
/* a template of the caller's company, or a built-in one */
#define TEMPLATE_SCOPE " FROM check_templates t LEFT JOIN units un ON un.id = t.unit_id WHERE (t.unit_id IS NULL OR un.path LIKE ?)"

int check_api_templates(struct req *r)
{
	json_t *items = json_array();
	struct pager pg;
	pager_start(r, HTTP_PER_PAGE_MAX, &pg);
	struct db_stmt *st = db_query(r->db, "SELECT " TEMPLATE_COLS TEMPLATE_SCOPE " ORDER BY t.id LIMIT 20000", "t",
				    auth_company_pattern(r));
	while (st && db_step(st) == 1)
		if (pager_take(&pg))
			json_array_append_new(items, template_json(r, st, 0));
	db_done(r->db, st);
	pager_reply(r, &pg, items, NULL);
	return 0;
}

int check_api_template(struct req *r)
{
	int64_t id;
	if (req_param_id(r, "id", &id)) {
		entity_not_found(r);
		return 0;
	}
	struct db_stmt *st = db_query(r->db, "SELECT " TEMPLATE_COLS TEMPLATE_SCOPE " AND t.id = ?", "tI", auth_company_pattern(r), id);
	if (!st || db_step(st) != 1) {
		db_done(r->db, st);
		entity_not_found(r);
		return 0;
	}
	json_t *j = template_json(r, st, 1);
	db_done(r->db, st);
	/* an older version on request: ?version=N, as a record made with it shows it */
	int64_t v = 0;
	if (req_query_int(r, "version", 1, 100000, &v) == 1) {
		json_object_set_new(j, "items", items_json(r, id, v));
		json_object_set_new(j, "version", json_integer(v));
	}
	resp_json(r, 200, j);
	return 0;
}

static const char *const item_kinds[] = {"pass_fail", "number", "choice", "text", "photo", NULL};

/* Validate the items array and write them as version `version` of template id (inside the
 * caller's transaction). 0, or -1 with *field and *key set; *field points into r's arena. */
int check_items_store(struct req *r, int64_t id, int64_t version, json_t *arr, const char **field, const char **key)
{
	*key = "check.err_items";
	*field = "items";
	if (!json_is_array(arr) || json_array_size(arr) < 1 || json_array_size(arr) > 64)
		return -1;
	/* every item is checked before the first is written */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < json_array_size(arr); i++) {
			json_t *x = json_array_get(arr, i);
			const char *kind = json_string_value(json_object_get(x, "kind"));
			const char *label = json_string_value(json_object_get(x, "label"));
			const char *unit = json_string_value(json_object_get(x, "unit"));
			const char *choices = json_string_value(json_object_get(x, "choices"));
			const char *fails = json_string_value(json_object_get(x, "fail_choices"));
			json_t *mn = json_object_get(x, "min"), *mx = json_object_get(x, "max"), *cat = json_object_get(x, "category_id");
			int known = 0;
			for (int k = 0; kind && item_kinds[k]; k++)
				known |= !strcmp(kind, item_kinds[k]);
			*field = arena_printf(&r->arena, "items[%zu].kind", i);
			if (!known)
				return -1;
			*field = arena_printf(&r->arena, "items[%zu].label", i);
			if (!label || !*label || utf8_chars(label) > 200)
				return -1;
			*field = arena_printf(&r->arena, "items[%zu].min", i);
			if ((mn && !json_is_null(mn) && !json_is_number(mn)) || (mx && !json_is_null(mx) && !json_is_number(mx)))
				return -1;
			if (!strcmp(kind, "number") && !json_is_number(mn) && !json_is_number(mx))
				return -1;
			if (json_is_number(mn) && json_is_number(mx) && json_number_value(mn) > json_number_value(mx))
				return -1;
			*field = arena_printf(&r->arena, "items[%zu].choices", i);
			if (!strcmp(kind, "choice") && (!choices || !strchr(choices, '|') || strlen(choices) > 500 ||
							 (fails && strlen(fails) > 500)))
				return -1;
			*field = arena_printf(&r->arena, "items[%zu].category_id", i);
			int64_t cid = json_is_integer(cat) ? json_integer_value(cat) : 0, ok = 1;
			if (cat && !json_is_null(cat))
				ok = json_is_integer(cat) &&
				     db_get_i64(r->db, &ok, "SELECT count(*) FROM hazard_categories WHERE id = ? AND active = 1", "I", cid) == 1 && ok;
			if (!ok || (unit && strlen(unit) > 20))
				return -1;
			if (pass == 1 &&
			    db_exec(r->db, "INSERT INTO check_template_items (template_id, version, seq, kind, label, min_value, max_value,"
					   " unit, choices, fail_choices, photo_required, category_id)"
					   " VALUES (?, ?, ?, ?, ?, CASE WHEN ? <> 0 THEN ? END, CASE WHEN ? <> 0 THEN ? END, ?, ?, ?, ?, NULLIF(?, 0))",
				    "IIittididtttiI", id, version, (int)i + 1, kind, label, json_is_number(mn), json_number_value(mn),
				    json_is_number(mx), json_number_value(mx), unit ? unit : "", choices ? choices : "", fails ? fails : "",
				    json_is_true(json_object_get(x, "photo_required")), cid) != DB_OK) {
				*field = NULL;
				*key = "error.unavailable";
				return -1;
			}
		}
	}
	*field = NULL;
	*key = NULL;
	return 0;
}

const char *const check_template_kinds[] = {"post_daily", "workshop_weekly", "company_monthly", "seasonal", "holiday",
					     "special_equipment", "fire_monthly", "measure", "round", "other", NULL};

/* Store a new checklist (version 1) with its items and bindings in one transaction, audited:
 * the id, or -1 with *field and *key (the API and the desktop form share it). */
int64_t check_template_insert(struct req *r, const char *name, const char *kind, int64_t unit, int64_t source, int rs, json_t *items,
			      json_t *binds, const char **field, const char **key)
{
	struct actor a;
	actor_from_req(r, &a);
	*field = NULL;
	*key = "error.unavailable";
	if (db_begin(r->db) != DB_OK)
		return -1;
	if (db_exec(r->db, "INSERT INTO check_templates (unit_id, name, kind, source, version, require_scan, created_by, created_at,"
			   " updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)", "IttIiIII", unit, name, kind, source, rs, a.user_id, a.now,
		    a.now) != DB_OK)
		goto fail;
	int64_t id = db_last_id(r->db);
	if (check_items_store(r, id, 1, items, field, key))
		goto fail;
	static const char *const targets[] = {"area", "equipment", "object", "measure", NULL};
	for (size_t i = 0; binds && i < json_array_size(binds); i++) {
		json_t *b = json_array_get(binds, i);
		const char *tg = json_string_value(json_object_get(b, "target"));
		json_t *tid = json_object_get(b, "target_id");
		int ok = 0;
		for (int k = 0; tg && targets[k]; k++)
			ok |= !strcmp(tg, targets[k]);
		*field = arena_printf(&r->arena, "bindings[%zu]", i);
		*key = "form.err_choice";
		if (!ok || !json_is_integer(tid) ||
		    db_exec(r->db, "INSERT INTO check_bindings (template_id, target, target_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
			    "ItI", id, tg, (int64_t)json_integer_value(tid)) != DB_OK)
			goto fail;
	}
	if (actor_audit(&a, "check_template", id, "create", arena_printf(&r->arena, "%s v1", name)) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		*field = NULL;
		*key = "error.unavailable";
		goto fail;
	}
	return id;
fail:
	db_rollback(r->db);
	return -1;
}

/* POST /api/v1/check/templates {name, kind, unit_id, source, require_scan, items: [...],
 * bindings: [{target, target_id}]} — version 1 */
int check_api_template_create(struct req *r)
{
	const char *name = req_field(r, "name"), *kind = req_field(r, "kind"), *src = req_field(r, "source");
	int64_t unit = 0, source = 1;
	const char *us = req_field(r, "unit_id");
	if (!name || !*name || utf8_chars(name) > 100) {
		invalid(r, 422, "name", "check.err_required");
		return 0;
	}
	int known = 0;
	for (int k = 0; kind && check_template_kinds[k]; k++)
		known |= !strcmp(kind, check_template_kinds[k]);
	if (!known) {
		invalid(r, 422, "kind", "form.err_choice");
		return 0;
	}
	if (!us || text_parse_i64(us, &unit) || !auth_scope_allows(r, unit, -1)) {
		invalid(r, 422, "unit_id", "form.err_choice");
		return 0;
	}
	if (src && *src && (text_parse_i64(src, &source) || source < 1 || source > 10)) {
		invalid(r, 422, "source", "form.err_choice");
		return 0;
	}
	json_t *binds = r->json ? json_object_get(r->json, "bindings") : NULL;
	if (binds && (!json_is_array(binds) || json_array_size(binds) > 200)) {
		invalid(r, 422, "bindings", "form.err_choice");
		return 0;
	}
	const char *field = NULL, *key = "error.unavailable";
	int64_t id = check_template_insert(r, name, kind, unit, source, json_is_true(r->json ? json_object_get(r->json, "require_scan") : NULL),
					   r->json ? json_object_get(r->json, "items") : NULL, binds, &field, &key);
	if (id < 0) {
		invalid(r, !strcmp(key, "error.unavailable") ? 503 : 422, field, key);
		return 0;
	}
	struct db_stmt *st = db_query(r->db, "SELECT " TEMPLATE_COLS " FROM check_templates t WHERE t.id = ?", "I", id);
	json_t *j = st && db_step(st) == 1 ? template_json(r, st, 1) : json_object();
	db_done(r->db, st);
	resp_json(r, 201, j);
	return 0;
}

/* The next version of checklist id with these items (rs: require_scan, -1 keeps it), in one
 * transaction, audited; records made with earlier versions keep theirs. The version, or -1
 * with *field and *key. */
int64_t check_template_version(struct req *r, int64_t id, int rs, json_t *items, const char **field, const char **key)
{
	struct actor a;
	actor_from_req(r, &a);
	int64_t version = 0;
	*field = NULL;
	*key = "error.unavailable";
	if (db_begin(r->db) != DB_OK)
		return -1;
	if (db_get_i64(r->db, &version, "UPDATE check_templates SET version = version + 1, updated_at = ?,"
					" require_scan = CASE WHEN ? <> 0 THEN ? ELSE require_scan END WHERE id = ? RETURNING version",
		       "IiiI", a.now, rs >= 0, rs > 0, id) != 1)
		goto fail;
	if (check_items_store(r, id, version, items, field, key))
		goto fail;
	if (actor_audit(&a, "check_template", id, "version", arena_printf(&r->arena, "v%lld", (long long)version)) != DB_OK ||
	    db_commit(r->db) != DB_OK) {
		*field = NULL;
		*key = "error.unavailable";
		goto fail;
	}
	return version;
fail:
	db_rollback(r->db);
	return -1;
}

/* POST /api/v1/check/templates/:id/versions {items: [...], require_scan} — the next version;
 * records made with earlier versions keep theirs. */
int check_api_template_items(struct req *r)
{
	int64_t id, unit = 0;
	if (req_param_id(r, "id", &id) ||
	    db_get_i64(r->db, &unit, "SELECT COALESCE(unit_id, 0) FROM check_templates WHERE id = ?", "I", id) != 1 ||
	    (unit ? !auth_scope_allows(r, unit, -1) : !auth_has(r, "check.manage"))) {
		entity_not_found(r);
		return 0;
	}
	const char *field = NULL, *key = "error.unavailable";
	json_t *rs = r->json ? json_object_get(r->json, "require_scan") : NULL;
	if (check_template_version(r, id, rs ? json_is_true(rs) : -1, r->json ? json_object_get(r->json, "items") : NULL, &field, &key) < 0) {
		invalid(r, !strcmp(key, "error.unavailable") ? 503 : 422, field, key);
		return 0;
	}
	struct db_stmt *st = db_query(r->db, "SELECT " TEMPLATE_COLS " FROM check_templates t WHERE t.id = ?", "I", id);
	json_t *j = st && db_step(st) == 1 ? template_json(r, st, 1) : json_object();
	db_done(r->db, st);
	resp_json(r, 200, j);
	return 0;
}

/* ---- round plans ---- */

int check_api_plans(struct req *r)
{
	json_t *items = json_array();
	struct pager pg;
	pager_start(r, HTTP_PER_PAGE_MAX, &pg);
	struct db_stmt *st = db_query(r->db, "SELECT p.id, p.name, p.unit_id, p.template_id, COALESCE(p.position_id, 0), COALESCE(p.user_id, 0),"
				    " p.shift_start, p.shift_end, p.every_min, p.active FROM check_plans p JOIN units un ON un.id = p.unit_id"
				    " WHERE un.path LIKE ? ORDER BY p.id LIMIT 20000", "t", auth_scope_pattern(r));
	while (st && db_step(st) == 1) {
		if (!pager_take(&pg))
			continue;
		int64_t id = db_col_i64(st, 0);
		json_t *j = json_pack("{s:I, s:s, s:I, s:I, s:I, s:I, s:I, s:b}", "id", (json_int_t)id, "name", db_col_text(st, 1), "unit_id",
				      (json_int_t)db_col_i64(st, 2), "template_id", (json_int_t)db_col_i64(st, 3), "shift_start",
				      (json_int_t)db_col_i64(st, 6), "shift_end", (json_int_t)db_col_i64(st, 7), "every_min",
				      (json_int_t)db_col_i64(st, 8), "active", (int)db_col_i64(st, 9));
		json_object_set_new(j, "position_id", db_col_i64(st, 4) ? json_integer(db_col_i64(st, 4)) : json_null());
		json_object_set_new(j, "user_id", db_col_i64(st, 5) ? json_integer(db_col_i64(st, 5)) : json_null());
		json_t *pts = json_array();
		struct db_stmt *ps = db_query(r->db, "SELECT point_id FROM check_plan_points WHERE plan_id = ? ORDER BY seq", "I", id);
		while (ps && db_step(ps) == 1)
			json_array_append_new(pts, json_integer(db_col_i64(ps, 0)));
		db_done(r->db, ps);
		json_object_set_new(j, "points", pts);
		json_array_append_new(items, j);
	}
	db_done(r->db, st);
	pager_reply(r, &pg, items, NULL);
	return 0;
}

static int field_int(struct req *r, const char *name, int64_t lo, int64_t hi, int64_t *out, int required)
{
	const char *s = req_field(r, name);
	if (!s || !*s)
		return required ? -1 : 0;
	return text_parse_i64(s, out) || *out < lo || *out > hi ? -1 : 0;
}

/* Store a round plan (checked by the caller) with its route, in one transaction, audited:
 * the id, or -1 (nothing stored). */
int64_t check_plan_insert(struct req *r, const char *name, int64_t unit, int64_t tmpl, int64_t pos, int64_t user, int64_t ss, int64_t se,
			  int64_t every, const int64_t *pts, size_t npts)
{
	struct actor a;
	actor_from_req(r, &a);
	if (db_begin(r->db) != DB_OK)
		return -1;
	int rc = db_exec(r->db, "INSERT INTO check_plans (unit_id, name, template_id, position_id, user_id, shift_start, shift_end,"
				" every_min, created_by, created_at, updated_at) VALUES (?, ?, ?, NULLIF(?, 0), NULLIF(?, 0), ?, ?, ?, ?, ?, ?)",
			 "ItIIIIIIIII", unit, name, tmpl, pos, user, ss, se, every, a.user_id, a.now, a.now);
	int64_t id = rc == DB_OK ? db_last_id(r->db) : -1;
	for (size_t i = 0; rc == DB_OK && i < npts; i++)
		rc = db_exec(r->db, "INSERT INTO check_plan_points (plan_id, seq, point_id) VALUES (?, ?, ?)", "IiI", id, (int)i + 1, pts[i]);
	if (rc != DB_OK || actor_audit(&a, "check_plan", id, "create", name) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		return -1;
	}
	return id;
}

/* POST /api/v1/check/plans {name, unit_id, template_id, position_id | user_id, shift_start,
 * shift_end (minutes of the day), every_min, points: [checkpoint ids in route order]} */
int check_api_plan_create(struct req *r)
{
	const char *name = req_field(r, "name");
	int64_t unit = 0, tmpl = 0, pos = 0, user = 0, ss = 0, se = 0, every = 0, n = 0;
	if (!name || !*name || utf8_chars(name) > 100) {
		invalid(r, 422, "name", "check.err_required");
		return 0;
	}
	if (field_int(r, "unit_id", 1, INT64_MAX, &unit, 1) || !auth_scope_allows(r, unit, -1)) {
		invalid(r, 422, "unit_id", "form.err_choice");
		return 0;
	}
	if (field_int(r, "template_id", 1, INT64_MAX, &tmpl, 1) ||
	    db_get_i64(r->db, &n, "SELECT count(*) FROM check_templates WHERE id = ? AND active = 1", "I", tmpl) != 1 || !n) {
		invalid(r, 422, "template_id", "form.err_choice");
		return 0;
	}
	if (field_int(r, "position_id", 1, INT64_MAX, &pos, 0) ||
	    (pos && (db_get_i64(r->db, &n, "SELECT count(*) FROM positions WHERE id = ?", "I", pos) != 1 || !n))) {
		invalid(r, 422, "position_id", "form.err_choice");
		return 0;
	}
	if (field_int(r, "user_id", 1, INT64_MAX, &user, 0) ||
	    (user && (db_get_i64(r->db, &n, "SELECT count(*) FROM users WHERE id = ? AND active = 1", "I", user) != 1 || !n)) ||
	    (!user && !pos)) {
		invalid(r, 422, user || pos ? "user_id" : "position_id", user || pos ? "form.err_choice" : "check.err_required");
		return 0;
	}
	if (field_int(r, "shift_start", 0, 1439, &ss, 1)) {
		invalid(r, 422, "shift_start", "check.err_minutes");
		return 0;
	}
	if (field_int(r, "shift_end", 0, 1440, &se, 1)) {
		invalid(r, 422, "shift_end", "check.err_minutes");
		return 0;
	}
	if (field_int(r, "every_min", 15, 1440, &every, 1)) {
		invalid(r, 422, "every_min", "check.err_every");
		return 0;
	}
	json_t *pts = r->json ? json_object_get(r->json, "points") : NULL;
	if (!json_is_array(pts) || json_array_size(pts) < 1 || json_array_size(pts) > 100) {
		invalid(r, 422, "points", "check.err_points");
		return 0;
	}
	for (size_t i = 0; i < json_array_size(pts); i++) {
		json_t *p = json_array_get(pts, i);
		int64_t pu = 0;
		if (!json_is_integer(p) || db_get_i64(r->db, &pu, "SELECT unit_id FROM check_points WHERE id = ? AND active = 1", "I",
						       (int64_t)json_integer_value(p)) != 1 || !auth_scope_allows(r, pu, -1)) {
			invalid(r, 422, arena_printf(&r->arena, "points[%zu]", i), "form.err_choice");
			return 0;
		}
	}
	int64_t *ids = arena_alloc(&r->arena, json_array_size(pts) * sizeof *ids);
	for (size_t i = 0; i < json_array_size(pts); i++)
		ids[i] = (int64_t)json_integer_value(json_array_get(pts, i));
	int64_t id = check_plan_insert(r, name, unit, tmpl, pos, user, ss, se, every, ids, json_array_size(pts));
	if (id < 0) {
		invalid(r, 503, NULL, "error.unavailable");
		return 0;
	}
	resp_json(r, 201, json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name));
	return 0;
}
