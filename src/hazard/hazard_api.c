/*
 * hazard_api.c — the hazard JSON API under /api/v1: list, get, create, one route per
 * lifecycle action, photo upload, reference data and dispatch rules.
 *
 * The same domain code as the pages (hazard_create, hazard_act, hazard_list_query); only the
 * shape of input and output differs. Errors use the one shape {"error":{code,message,field}}.
 */
#include "hazard/hazard.h"
#include "audit/audit.h"
#include "auth/actor.h"
#include "base/clock.h"
#include "base/json_out.h"
#include "base/text.h"
#include "db/db.h"
#include "web/i18n.h"

#include <stdlib.h>
#include <string.h>

static json_t *str_or_null(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

/* One item of the list, written straight as JSON (base/json_out.h): at a plant group's request
 * rate a jansson tree per row and its dump were a third of the request's CPU. The members and
 * their types are those of the Hazard list item schema (hazard_schemas.c). */
static void list_item(struct req *r, struct db_stmt *st, struct strbuf *o, int first)
{
	int anon = (int)db_col_i64(st, 13);
	sb_adds(o, first ? "{" : ",{");
	json_out_key(o, "id");
	json_out_int(o, db_col_i64(st, 0));
	static const struct {
		const char *key;
		int col;
	} texts[] = {{",\"number", 1}, {",\"status", 2}, {",\"level", 3}, {",\"urgency", 4}, {",\"description", 5},
		     {",\"area", 6}};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		sb_adds(o, texts[i].key);
		sb_add(o, "\":", 2);
		json_out_str(o, db_col_text(st, texts[i].col));
	}
	sb_adds(o, ",");
	json_out_key(o, "category");
	json_out_str(o, strcmp(r->lang, "en") ? db_col_text(st, 7) : db_col_text(st, 8));
	sb_adds(o, ",");
	json_out_key(o, "reported_at");
	json_out_int(o, db_col_i64(st, 9));
	sb_adds(o, ",");
	json_out_key(o, "rectify_due");
	json_out_int(o, db_col_i64(st, 10));
	sb_adds(o, ",");
	json_out_key(o, "overdue");
	json_out_bool(o, db_col_i64(st, 11) != 0);
	sb_adds(o, ",");
	json_out_key(o, "repeat");
	json_out_bool(o, !db_col_null(st, 12));
	sb_adds(o, ",");
	json_out_key(o, "reporter");
	json_out_str_or_null(o, anon ? NULL : db_col_text(st, 14));
	sb_adds(o, ",");
	json_out_key(o, "assignee");
	json_out_str(o, db_col_text(st, 15));
	sb_adds(o, ",");
	json_out_key(o, "unit");
	json_out_str(o, db_col_text(st, 16));
	sb_adds(o, ",");
	json_out_key(o, "near_miss");
	json_out_bool(o, db_col_i64(st, 17) != 0);
	sb_adds(o, ",");
	json_out_key(o, "on_spot");
	json_out_bool(o, db_col_i64(st, 18) != 0);
	sb_adds(o, ",");
	json_out_key(o, "photo");
	json_out_str_or_null(o, db_col_text(st, 21));
	sb_addc(o, '}');
}

struct api_rows {
	struct req *r;
	struct strbuf *items;
	int n;
};

static void api_row(struct db_stmt *st, void *p)
{
	struct api_rows *ar = p;
	list_item(ar->r, st, ar->items, !ar->n++);
}

/* The one list envelope (req_page) with the keyset beside it: next_cursor and prev_cursor
 * (null at either end) page through any depth at the cost of one page; total is null where
 * the list was not counted (hazard_list.c: an unfiltered list of a large table, and every
 * page reached by cursor, whose first page carried the count). */
int hazard_api_list(struct req *r)
{
	struct hazard_filter f;
	hazard_filter_read(r, &f);
	if (hazard_list_cursor_refused(r, &f))
		return 0;
	struct hazard_list_args a;
	hazard_list_args_of(r, &f, &a);
	struct strbuf o = STRBUF_INIT;
	sb_grow(&o, 16384);
	sb_adds(&o, "{\"items\":[");
	struct api_rows ar = {r, &o, 0};
	struct hazard_list_result res;
	int rc = hazard_list_page(r->db, &a, f.cursor, f.page, f.per_page, api_row, &ar, &res);
	if (rc) {
		sb_release(&o);
		if (rc == -1)
			resp_error(r, 400, "invalid", T(r, "hazard.err_query"), "q");
		else
			resp_error(r, 422, "invalid", T(r, rc == HAZARD_LIST_OTHER_CURSOR ? "hazard.err_cursor_other"
											: "hazard.err_cursor"), "cursor");
		return 0;
	}
	sb_adds(&o, "],");
	json_out_key(&o, "total");
	if (res.total < 0)
		sb_adds(&o, "null");
	else
		json_out_int(&o, res.total);
	sb_adds(&o, ",");
	json_out_key(&o, "total_capped");
	json_out_bool(&o, res.capped);
	sb_adds(&o, ",");
	json_out_key(&o, "page");
	json_out_int(&o, f.cursor && *f.cursor ? 1 : f.page);
	sb_adds(&o, ",");
	json_out_key(&o, "per_page");
	json_out_int(&o, f.per_page);
	sb_adds(&o, ",");
	json_out_key(&o, "next_cursor");
	json_out_str_or_null(&o, res.next);
	sb_adds(&o, ",");
	json_out_key(&o, "prev_cursor");
	json_out_str_or_null(&o, res.prev);
	sb_addc(&o, '}');
	resp_text(r, 200, "application/json; charset=utf-8", o.buf, o.len);
	sb_release(&o);
	return 0;
}

static json_t *hazard_json(struct req *r, int64_t id)
{
	struct actor who;
	actor_from_req(r, &who);
	struct hazard_row h;
	if (hazard_load(r->db, id, &h))
		return NULL;
	struct db_stmt *st = db_query(r->db,
		"SELECT h.description, h.area_id, a.name, h.category_id, c.code, h.unit_id, h.anonymous,"
		" coalesce(h.reporter_id, 0), h.near_miss, h.on_spot, coalesce(h.equipment_id, 0), h.factor_code,"
		" coalesce(h.criterion_id, 0), h.reported_at, h.accepted_at, h.respond_due, h.rectify_due,"
		" h.submitted_at, h.closed_at, h.overdue, coalesce(h.repeat_of, 0), h.regulator_reported_at,"
		" coalesce(h.duplicate_of, 0)"
		" FROM hazards h JOIN areas a ON a.id = h.area_id JOIN hazard_categories c ON c.id = h.category_id"
		" WHERE h.id = ?", "I", id);
	if (!st || db_step(st) != 1) {
		db_done(r->db, st);
		return NULL;
	}
	int anon = (int)db_col_i64(st, 6);
	json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:I, s:s, s:I, s:s, s:I, s:b, s:o, s:b, s:b}",
		"id", (json_int_t)id, "number", h.number, "status", h.status, "version", (json_int_t)h.version,
		"level", h.level, "urgency", h.urgency, "description", db_col_text(st, 0),
		"area_id", (json_int_t)db_col_i64(st, 1), "area", db_col_text(st, 2),
		"category_id", (json_int_t)db_col_i64(st, 3), "category", db_col_text(st, 4),
		"unit_id", (json_int_t)db_col_i64(st, 5), "anonymous", anon,
		"reporter_id", anon || !db_col_i64(st, 7) ? json_null() : json_integer(db_col_i64(st, 7)),
		"near_miss", db_col_i64(st, 8) != 0, "on_spot", db_col_i64(st, 9) != 0);
	json_object_set_new(o, "equipment_id", db_col_i64(st, 10) ? json_integer(db_col_i64(st, 10)) : json_null());
	json_object_set_new(o, "factor_code", str_or_null(db_col_text(st, 11)));
	json_object_set_new(o, "criterion_id", db_col_i64(st, 12) ? json_integer(db_col_i64(st, 12)) : json_null());
	static const char *const times[] = {"reported_at", "accepted_at", "respond_due", "rectify_due",
					    "submitted_at", "closed_at"};
	for (int i = 0; i < 6; i++)
		json_object_set_new(o, times[i], json_integer(db_col_i64(st, 13 + i)));
	json_object_set_new(o, "overdue", json_boolean(db_col_i64(st, 19)));
	json_object_set_new(o, "repeat_of", db_col_i64(st, 20) ? json_integer(db_col_i64(st, 20)) : json_null());
	json_object_set_new(o, "regulator_reported_at", json_integer(db_col_i64(st, 21)));
	/* a probable duplicate of an open hazard (flagged at report time), or the one it was merged into */
	json_object_set_new(o, "duplicate_of", db_col_i64(st, 22) ? json_integer(db_col_i64(st, 22)) : json_null());
	db_done(r->db, st);
	json_object_set_new(o, "assignee_id", h.assignee_id ? json_integer(h.assignee_id) : json_null());
	json_object_set_new(o, "rectifier_id", h.rectifier_id ? json_integer(h.rectifier_id) : json_null());
	json_object_set_new(o, "verifier_id", h.verifier_id ? json_integer(h.verifier_id) : json_null());

	json_t *events = json_array();
	st = db_query(r->db, "SELECT ev.id, ev.at, ev.action, ev.from_status, ev.to_status, ev.note,"
			     " coalesce(ev.user_id, 0), ev.user_id = h.reporter_id AND h.anonymous = 1"
			     " FROM hazard_events ev JOIN hazards h ON h.id = ev.hazard_id WHERE ev.hazard_id = ? ORDER BY ev.id",
		      "I", id);
	while (st && db_step(st) == 1)
		json_array_append_new(events, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:o}",
			"id", (json_int_t)db_col_i64(st, 0), "at", (json_int_t)db_col_i64(st, 1),
			"action", db_col_text(st, 2), "from", db_col_text(st, 3), "to", db_col_text(st, 4),
			"note", db_col_text(st, 5),
			"user_id", db_col_i64(st, 7) ? json_null() : json_integer(db_col_i64(st, 6))));
	db_done(r->db, st);
	json_object_set_new(o, "events", events);

	json_t *photos = json_array();
	st = db_query(r->db, "SELECT p.sha256, p.kind, coalesce(p.event_id, 0), b.taken_at, b.width, b.height"
			     " FROM hazard_photos p JOIN blobs b ON b.sha256 = p.sha256 WHERE p.hazard_id = ? ORDER BY p.id",
		      "I", id);
	while (st && db_step(st) == 1)
		json_array_append_new(photos, json_pack("{s:s, s:s, s:I, s:I, s:i, s:i}", "sha256", db_col_text(st, 0),
			"kind", db_col_text(st, 1), "event_id", (json_int_t)db_col_i64(st, 2),
			"taken_at", (json_int_t)db_col_i64(st, 3), "width", (int)db_col_i64(st, 4),
			"height", (int)db_col_i64(st, 5)));
	db_done(r->db, st);
	json_object_set_new(o, "photos", photos);

	/* the voice notes (report, rectification, ...): where to play them and whose they are —
	 * an anonymous reporter's stays without a name, as in the events above */
	json_t *voice = json_array();
	st = db_query(r->db, "SELECT v.sha256, b.mime, v.seconds, coalesce(v.user_id, 0), v.at, coalesce(v.event_id, 0),"
			     " v.user_id = h.reporter_id AND h.anonymous = 1"
			     " FROM hazard_voice v JOIN blobs b ON b.sha256 = v.sha256 JOIN hazards h ON h.id = v.hazard_id"
			     " WHERE v.hazard_id = ? ORDER BY v.at, v.sha256", "I", id);
	while (st && db_step(st) == 1) {
		json_t *v = json_pack("{s:s, s:s, s:I, s:I}", "url", arena_printf(&r->arena, "/voice/%s", db_col_text(st, 0)), "type",
				      db_col_text(st, 1), "seconds", (json_int_t)db_col_i64(st, 2), "at", (json_int_t)db_col_i64(st, 4));
		json_object_set_new(v, "by", db_col_i64(st, 3) && !db_col_i64(st, 6) ? json_integer(db_col_i64(st, 3)) : json_null());
		json_object_set_new(v, "event_id", db_col_i64(st, 5) ? json_integer(db_col_i64(st, 5)) : json_null());
		json_array_append_new(voice, v);
	}
	db_done(r->db, st);
	json_object_set_new(o, "voice", voice);

	st = db_query(r->db, "SELECT goal, method, funding, organization, deadline_text, safety, due_at, director_at,"
			     " principal_at FROM hazard_plans WHERE hazard_id = ?", "I", id);
	if (st && db_step(st) == 1)
		json_object_set_new(o, "plan", json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}",
			"goal", db_col_text(st, 0), "method", db_col_text(st, 1), "funding", db_col_text(st, 2),
			"organization", db_col_text(st, 3), "deadline_text", db_col_text(st, 4),
			"safety", db_col_text(st, 5), "due_at", (json_int_t)db_col_i64(st, 6),
			"director_at", (json_int_t)db_col_i64(st, 7), "principal_at", (json_int_t)db_col_i64(st, 8)));
	db_done(r->db, st);

	json_t *acts = json_array();
	const char *list[16];
	int n = hazard_actions_for(&who, &h, list, 16);
	for (int i = 0; i < n; i++)
		json_array_append_new(acts, json_string(list[i]));
	json_object_set_new(o, "actions", acts);
	return o;
}

int hazard_api_get(struct req *r)
{
	struct actor who;
	actor_from_req(r, &who);
	int64_t id;
	json_t *o = NULL;
	if (!req_param_id(r, "id", &id) && hazard_visible(&who, id))
		o = hazard_json(r, id);
	if (!o) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	resp_json(r, 200, o);
	return 0;
}

int hazard_api_create(struct req *r)
{
	struct actor who;
	actor_from_req(r, &who);
	struct hazard_new in;
	const char *field, *key;
	hazard_new_read(r, &in);
	int replayed = 0;
	in.replayed = &replayed;
	int64_t id = hazard_create(&who, &in, &field, &key);
	if (id < 0) {
		/* a photo named by hash that the caller may not use: a well-formed request that
		 * refers to something it may not (422), not a malformed one */
		int status = !field ? 503 : !strcmp(field, "photos") ? 422 : 400;
		resp_error(r, status, field ? "invalid" : "unavailable", T(r, key), field);
		return 0;
	}
	json_t *o = hazard_json(r, id);
	resp_json(r, 201, o ? o : json_pack("{s:I}", "id", (json_int_t)id));
	/* a retry with a known idempotency key: the first answer again, marked as such */
	if (replayed)
		resp_header(r, "Idempotent-Replayed", "true");
	return 0;
}

int hazard_api_action(struct req *r)
{
	struct actor who;
	actor_from_req(r, &who);
	int64_t id;
	struct hazard_action_in in;
	const char *key, *field;
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	/* the action is the route's last segment: one route per action, each with its summary */
	const char *action = strrchr(r->route->pattern, '/') + 1;
	hazard_action_read(r, &in);
	int status = hazard_act(&who, id, action, &in, &key, &field);
	if (status) {
		static const struct {
			int status;
			const char *code;
		} codes[] = {{400, "invalid"}, {403, "forbidden"}, {404, "not_found"}, {409, "conflict"},
			     {422, "invalid"}};
		const char *code = "unavailable";
		for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
			if (codes[i].status == status)
				code = codes[i].code;
		resp_error(r, status, code, T(r, key), field);
		return 0;
	}
	json_t *o = hazard_json(r, id);
	resp_json(r, 200, o ? o : json_pack("{s:I}", "id", (json_int_t)id));
	return 0;
}

int hazard_api_photo(struct req *r)
{
	struct upload *u = req_upload(r, "photo");
	char sha[65];
	const char *key = "hazard.err_photo_required";
	if (!u || !u->data.len) {
		resp_error(r, 400, "invalid", T(r, key), "photo");
		return 0;
	}
	struct hazard_image img;
	if (hazard_image_process((const unsigned char *)u->data.buf, u->data.len, &img, &key)) {
		resp_error(r, 400, "invalid", T(r, key), "photo");
		return 0;
	}
	/* processed once, before the transaction: the write lock is held only to write rows */
	if (db_begin(r->db) != DB_OK || hazard_store_image(r->db, &img, sha) ||
	    hazard_photo_uploaded(r->db, sha, r->who->user_id) != DB_OK ||
	    audit_req(r, "photo", 0, "upload", sha) != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		hazard_image_free(&img);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	int64_t w = 0, h = 0;
	db_get_i64(r->db, &w, "SELECT width FROM blobs WHERE sha256 = ?", "t", sha);
	db_get_i64(r->db, &h, "SELECT height FROM blobs WHERE sha256 = ?", "t", sha);
	hazard_image_free(&img);
	resp_json(r, 201, json_pack("{s:s, s:I, s:I}", "sha256", sha, "width", (json_int_t)w, "height", (json_int_t)h));
	return 0;
}

int hazard_api_meta(struct req *r)
{
	json_t *cats = json_array(), *factors = json_array(), *crit = json_array(), *areas = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT id, code, name_zh, name_en FROM hazard_categories WHERE active = 1"
					   " ORDER BY sort, id", NULL);
	while (st && db_step(st) == 1)
		json_array_append_new(cats, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)db_col_i64(st, 0),
			"code", db_col_text(st, 1), "name_zh", db_col_text(st, 2), "name_en", db_col_text(st, 3)));
	db_done(r->db, st);
	st = db_query(r->db, "SELECT code, parent, name_zh, name_en FROM hazard_factors ORDER BY code", NULL);
	while (st && db_step(st) == 1)
		json_array_append_new(factors, json_pack("{s:s, s:s, s:s, s:s}", "code", db_col_text(st, 0),
			"parent", db_col_text(st, 1), "name_zh", db_col_text(st, 2), "name_en", db_col_text(st, 3)));
	db_done(r->db, st);
	st = db_query(r->db, "SELECT id, article, item, text FROM hazard_criteria ORDER BY article, item", NULL);
	while (st && db_step(st) == 1)
		json_array_append_new(crit, json_pack("{s:I, s:I, s:I, s:s}", "id", (json_int_t)db_col_i64(st, 0),
			"article", (json_int_t)db_col_i64(st, 1), "item", (json_int_t)db_col_i64(st, 2),
			"text", db_col_text(st, 3)));
	db_done(r->db, st);
	st = db_query(r->db, "SELECT id, name, unit_id, latitude, longitude FROM areas WHERE active = 1 ORDER BY name", NULL);
	while (st && db_step(st) == 1)
		json_array_append_new(areas, json_pack("{s:I, s:s, s:I, s:o, s:o}", "id", (json_int_t)db_col_i64(st, 0),
			"name", db_col_text(st, 1), "unit_id", (json_int_t)db_col_i64(st, 2),
			"lat", db_col_null(st, 3) ? json_null() : json_real(db_col_double(st, 3)),
			"lng", db_col_null(st, 4) ? json_null() : json_real(db_col_double(st, 4))));
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o, s:o, s:o, s:o, s:b, s:b}", "categories", cats, "factors", factors,
				    "criteria", crit, "areas", areas,
				    "allow_anonymous", hazard_setting(r->db, "hazard.allow_anonymous", 0) != 0,
				    "allow_near_miss", hazard_setting(r->db, "hazard.allow_near_miss", 0) != 0));
	return 0;
}

int hazard_api_rules(struct req *r)
{
	json_t *items = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT id, coalesce(area_id, 0), coalesce(category_id, 0),"
					   " coalesce(position_id, 0), coalesce(user_id, 0) FROM hazard_rules ORDER BY id", NULL);
	struct pager pg;
	pager_start(r, HTTP_PER_PAGE_MAX, &pg);
	while (st && db_step(st) == 1) {
		if (!pager_take(&pg))
			continue;
		json_t *o = json_pack("{s:I}", "id", (json_int_t)db_col_i64(st, 0));
		static const char *const names[] = {"area_id", "category_id", "position_id", "user_id"};
		for (int i = 0; i < 4; i++)
			json_object_set_new(o, names[i], db_col_i64(st, i + 1) ? json_integer(db_col_i64(st, i + 1)) : json_null());
		json_array_append_new(items, o);
	}
	db_done(r->db, st);
	pager_reply(r, &pg, items, NULL);
	return 0;
}

int hazard_api_rule_add(struct req *r)
{
	static const char *const names[] = {"area_id", "category_id", "position_id", "user_id"};
	static const char *const tables[] = {"SELECT count(*) FROM areas WHERE id = ?",
					     "SELECT count(*) FROM hazard_categories WHERE id = ?",
					     "SELECT count(*) FROM positions WHERE id = ?",
					     "SELECT count(*) FROM users WHERE id = ? AND active = 1"};
	int64_t v[4] = {0};
	for (int i = 0; i < 4; i++) {
		const char *s = req_field(r, names[i]);
		int64_t ok = 0;
		if (!s || !*s)
			continue;
		if (text_parse_i64(s, &v[i]) || v[i] <= 0 || db_get_i64(r->db, &ok, tables[i], "I", v[i]) != 1 || !ok) {
			resp_error(r, 400, "invalid", T(r, "hazard.err_rule_ref"), names[i]);
			return 0;
		}
	}
	if (!v[2] && !v[3]) {
		resp_error(r, 400, "invalid", T(r, "hazard.err_rule_target"), "user_id");
		return 0;
	}
	if (db_begin(r->db) != DB_OK)
		goto fail;
	if (db_exec(r->db, "INSERT INTO hazard_rules (area_id, category_id, position_id, user_id, created_at)"
			   " VALUES (NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, 0), ?)", "IIIII",
		    v[0], v[1], v[2], v[3], clock_now()) != DB_OK)
		goto fail;
	int64_t id = db_last_id(r->db);
	if (audit_req(r, "hazard_rule", id, "create", "dispatch rule") != DB_OK || db_commit(r->db) != DB_OK)
		goto fail;
	resp_json(r, 201, json_pack("{s:I}", "id", (json_int_t)id));
	return 0;
fail:
	db_rollback(r->db);
	resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
	return 0;
}
