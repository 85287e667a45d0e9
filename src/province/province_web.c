/*
 * province_web.c — the provincial upload's pages under /admin/province and their JSON API
 * (province.manage: the safety department):
 *   /admin/province            connection settings, write-only secrets, the mapping of each
 *                              object type (JSON, edited as data), dry run, upload now
 *   /admin/province/log        the batches, newest first; /admin/province/log/:id one batch:
 *                              what was sent and the province's answer per record
 * The password and the AES key are write-only: the inputs are always empty, a blank one keeps
 * the stored value, the page and the API say only whether one is set, they are sealed
 * (notify_secret_seal, DATA/notify.key) before they reach the database, and the audit entry
 * says "replaced", never the value.
 */
#include "province/province.h"
#include "notify/notify_chan.h"
#include "audit/audit.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "db/db.h"
#include "web/form.h"
#include "web/i18n.h"
#include "web/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct form_field set_fields[] = {
	{"base_url", "province.base_url", FORM_TEXT, 0, .max = 300, .attrs = " type=\"url\""},
	{"company_code", "province.company_code", FORM_TEXT, 0, .max = 64},
	{"username", "province.username", FORM_TEXT, 0, .max = 128},
	{"iv_rule", "province.iv_rule", FORM_CHOICE, FORM_REQUIRED, .choices = province_iv_rules,
	 .choice_prefix = "province.iv_"},
	{"page_size", "province.page_size", FORM_NUMBER, FORM_REQUIRED, .lo = 1, .hi = 500},
	{"timeout_ms", "province.timeout_ms", FORM_NUMBER, FORM_REQUIRED, .lo = 100, .hi = 120000},
	{"backoff_s", "province.backoff_s", FORM_NUMBER, FORM_REQUIRED, .lo = 1, .hi = 86400},
	{"backoff_max_s", "province.backoff_max_s", FORM_NUMBER, FORM_REQUIRED, .lo = 1, .hi = 604800},
	{"interval_min", "province.interval_min", FORM_NUMBER, FORM_REQUIRED, .lo = 1, .hi = 10080},
	{"max_pages", "province.max_pages", FORM_NUMBER, FORM_REQUIRED, .lo = 1, .hi = 1000},
	{"enabled", "province.enabled", FORM_NUMBER, FORM_REQUIRED, .lo = 0, .hi = 1},
	{0},
};
#define NSET 11

static void stored_texts(struct req *r, const char **old)
{
	struct province_settings s;
	province_settings_read(r->db, &s);
	old[0] = arena_strdup(&r->arena, s.base_url);
	old[1] = arena_strdup(&r->arena, s.company_code);
	old[2] = arena_strdup(&r->arena, s.username);
	old[3] = arena_strdup(&r->arena, s.iv_rule);
	int64_t nums[] = {s.page_size, s.timeout_ms, s.backoff_s, s.backoff_max_s, s.interval_min, s.max_pages, s.enabled};
	for (int i = 0; i < 7; i++)
		old[4 + i] = arena_printf(&r->arena, "%lld", (long long)nums[i]);
	province_settings_free(&s);
}

static int secret_set(struct req *r, const char *name)
{
	int64_t n = 0;
	db_get_i64(r->db, &n, "SELECT count(*) FROM province_secrets WHERE name = ?", "t", name);
	return n > 0;
}

static int64_t setting_num(struct req *r, const char *key)
{
	char *v = NULL;
	int64_t n = db_get_text(r->db, &v, "SELECT value FROM settings WHERE key = ?", "t", key) == 1 && v ? strtoll(v, NULL, 10) : 0;
	free(v);
	return n;
}

static json_t *settings_json(struct req *r)
{
	const char *old[NSET];
	stored_texts(r, old);
	json_t *j = json_object();
	for (int i = 0; i < NSET; i++) {
		if (set_fields[i].kind == FORM_NUMBER)
			json_object_set_new(j, set_fields[i].name, json_integer(strtoll(old[i], NULL, 10)));
		else
			json_object_set_new(j, set_fields[i].name, json_string(old[i]));
	}
	json_object_set_new(j, "password_set", json_boolean(secret_set(r, "password")));
	json_object_set_new(j, "aes_key_set", json_boolean(secret_set(r, "aes_key")));
	json_object_set_new(j, "dry_run_at", json_integer(setting_num(r, "province.dry_run_at")));
	json_object_set_new(j, "last_run_at", json_integer(setting_num(r, "province.last_run_at")));
	json_t *cur = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT type, cursor_at, cursor_id, attempts, next_try_at, last_error"
					     " FROM province_cursors ORDER BY type", NULL);
	while (st && db_step(st) == 1)
		json_array_append_new(cur, json_pack("{s:s,s:I,s:I,s:I,s:I,s:s}", "type", db_col_text(st, 0), "cursor_at",
						     (json_int_t)db_col_i64(st, 1), "cursor_id", (json_int_t)db_col_i64(st, 2),
						     "attempts", (json_int_t)db_col_i64(st, 3), "next_try_at",
						     (json_int_t)db_col_i64(st, 4), "last_error", db_col_text(st, 5)));
	db_done(r->db, st);
	json_object_set_new(j, "cursors", cur);
	return j;
}

static void secret_input(struct req *r, const struct form_err *e, const char *name, const char *label)
{
	html_printf(&r->out, "<label>%s <input type=\"password\" name=\"%s\" autocomplete=\"new-password\" maxlength=\"256\""
			     " value=\"\"><small>%s · %s</small>",
		    T(r, label), name, T(r, secret_set(r, name) ? "province.secret_set" : "province.secret_unset"),
		    T(r, "province.secret_hint"));
	form_field_error(r, e, name);
	html_printf(&r->out, "</label>");
}

static void settings_page(struct req *r, struct form *f, const char *map_type, const char *map_text,
			  const struct form_err *map_err)
{
	page_begin(r, T(r, "province.title"));
	html_printf(&r->out, "<h1>%s</h1><p>%s</p><p><a class=\"button\" href=\"/admin/province/log\">%s</a></p>",
		    T(r, "province.title"), T(r, "province.intro"), T(r, "province.log"));
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/admin/province/dry-run\">%r"
			     "<button>%s</button></form><form method=\"post\" action=\"/admin/province/run\">%r"
			     "<button class=\"primary\">%s</button></form></section>",
		    T(r, "province.actions"), page_csrf(r), T(r, "province.dry_run"), page_csrf(r), T(r, "province.run_now"));
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/admin/province/settings\""
			     " class=\"stack\">%r", T(r, "province.connection"), page_csrf(r));
	form_render_fields(r, f);
	secret_input(r, &f->err, "password", "province.password");
	secret_input(r, &f->err, "aes_key", "province.aes_key");
	html_printf(&r->out, "<button class=\"primary\">%s</button></form></section>", T(r, "province.save"));
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><p>%s</p>", T(r, "province.mapping"), T(r, "province.mapping_hint"));
	struct db_stmt *st = db_query(r->db, "SELECT type, enabled, path, fields FROM province_mappings ORDER BY type", NULL);
	while (st && db_step(st) == 1) {
		const char *type = db_col_text(st, 0);
		int mine = map_type && !strcmp(map_type, type);
		html_printf(&r->out, "<details%r><summary>%s · %s</summary><form method=\"post\" action=\"/admin/province/mappings/%s\""
				     " class=\"stack\">%r<label>%s <input name=\"path\" maxlength=\"200\" value=\"%s\"></label>"
				     "<label>%s <select name=\"enabled\"><option value=\"1\"%r>%s</option><option value=\"0\"%r>%s"
				     "</option></select></label><label>%s <textarea name=\"fields\" rows=\"10\">%s</textarea>",
			    mine ? " open" : "", T(r, arena_printf(&r->arena, "province.type_%s", type)), type, type, page_csrf(r),
			    T(r, "province.path"), db_col_text(st, 2), T(r, "province.enabled"),
			    db_col_i64(st, 1) ? " selected" : "", T(r, "province.yes"), db_col_i64(st, 1) ? "" : " selected",
			    T(r, "province.no"), T(r, "province.fields"), mine && map_text ? map_text : db_col_text(st, 3));
		if (mine && map_err)
			form_field_error(r, map_err, "fields");
		html_printf(&r->out, "</label><button>%s</button></form></details>", T(r, "province.save"));
	}
	db_done(r->db, st);
	html_printf(&r->out, "</section>");
	page_end(r);
}

static int settings_get(struct req *r)
{
	province_mappings_ensure(r->db, clock_now());
	if (r->is_api) {
		resp_json(r, 200, settings_json(r));
		return 0;
	}
	const char *old[NSET];
	stored_texts(r, old);
	struct form f;
	form_init(r, &f, set_fields, old, NULL);
	settings_page(r, &f, NULL, NULL, NULL);
	return 0;
}

static const char *secret_field(struct req *r, struct form *f, const char *name)
{
	const char *s = req_field(r, name);
	if (!s)
		s = "";
	if (strlen(s) > 256)
		form_fail(r, f, name, "province.err_secret_long");
	else if (*s && !strcmp(name, "aes_key") && strlen(s) != 16 && strlen(s) != 24 && strlen(s) != 32)
		form_fail(r, f, name, "province.err_aes_key");
	return s;
}

static int store_secret(struct req *r, const char *name, const char *value, int64_t now)
{
	char *sealed = notify_secret_seal(value);
	int ok = sealed && db_exec(r->db, "INSERT INTO province_secrets (name, sealed, updated_at) VALUES (?, ?, ?)"
					  " ON CONFLICT (name) DO UPDATE SET sealed = excluded.sealed, updated_at = excluded.updated_at",
				   "ttI", name, sealed, now) == DB_OK;
	free(sealed);
	return ok;
}

static int settings_post(struct req *r)
{
	const char *old[NSET];
	stored_texts(r, old);
	struct form f;
	form_read(r, &f, set_fields, old, NULL);
	const char *url = form_get(&f, "base_url")->text;
	if (!form_failed(&f) && *url && strncmp(url, "https://", 8) && strncmp(url, "http://", 7))
		form_fail(r, &f, "base_url", "province.err_url");
	const char *pw = secret_field(r, &f, "password"), *key = secret_field(r, &f, "aes_key");
	if (form_failed(&f)) {
		r->status = FORM_STATUS_INVALID;
		if (r->is_api)
			form_api_invalid(r, &f.err);
		else
			settings_page(r, &f, NULL, NULL, NULL);
		return 0;
	}
	int64_t now = clock_now();
	struct strbuf sum = STRBUF_INIT;
	form_audit_summary(r, &sum, &f, old);
	if (*pw)
		sb_addf(&sum, "%spassword: replaced", sum.len ? "; " : "");
	if (*key)
		sb_addf(&sum, "%saes_key: replaced", sum.len ? "; " : "");
	int ok = db_begin(r->db) == DB_OK;
	for (int i = 0; ok && set_fields[i].name; i++) {
		const char *k = arena_printf(&r->arena, "province.%s", set_fields[i].name);
		ok = db_exec(r->db, "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key)"
				    " DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
			     "ttI", k, form_get(&f, set_fields[i].name)->text, now) == DB_OK;
	}
	ok = ok && (!*pw || store_secret(r, "password", pw, now)) && (!*key || store_secret(r, "aes_key", key, now)) &&
	     audit_req(r, "province_settings", 0, "update", sum.len ? sum.buf : "no change") == DB_OK &&
	     db_commit(r->db) == DB_OK;
	sb_release(&sum);
	if (!ok) {
		db_rollback(r->db);
		form_unavailable(r);
		return 0;
	}
	if (r->is_api)
		resp_json(r, 200, settings_json(r));
	else
		resp_redirect(r, "/admin/province");
	return 0;
}

static int mappings_get(struct req *r)
{
	province_mappings_ensure(r->db, clock_now());
	json_t *items = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT type, enabled, path, fields, updated_at FROM province_mappings ORDER BY type", NULL);
	while (st && db_step(st) == 1)
		json_array_append_new(items, json_pack("{s:s,s:b,s:s,s:o,s:I}", "type", db_col_text(st, 0), "enabled",
						       (int)db_col_i64(st, 1), "path", db_col_text(st, 2), "fields",
						       json_loads(db_col_text(st, 3), 0, NULL), "updated_at",
						       (json_int_t)db_col_i64(st, 4)));
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o}", "items", items));
	return 0;
}

static int mapping_post(struct req *r)
{
	const char *type = req_param(r, "type");
	const struct province_type *t = province_type_find(type);
	if (!t) {
		resp_error(r, 404, "not_found", T(r, "province.err_type"), NULL);
		return 0;
	}
	province_mappings_ensure(r->db, clock_now());
	/* the fields: a JSON array in the API's body, its text in the form's textarea */
	json_t *fields = NULL;
	const char *text = NULL;
	if (r->json) {
		fields = json_incref(json_object_get(r->json, "fields"));
	} else {
		text = req_field(r, "fields");
		if (text && strlen(text) <= 65536)
			fields = json_loads(text, 0, NULL);
	}
	const char *path = req_field(r, "path"), *en = req_field(r, "enabled");
	json_t *enj = r->json ? json_object_get(r->json, "enabled") : NULL;
	int enabled = enj ? json_is_true(enj) : en ? !strcmp(en, "1") : 1;
	struct form_err e = {0};
	const char *problem = province_mapping_problem(t, fields);
	if (problem)
		form_err_set(r, &e, "fields", "province.fields", problem);
	else if (path && (strlen(path) > 200 || path[0] != '/'))
		form_err_set(r, &e, "path", "province.path", "province.err_path");
	if (e.field) {
		json_decref(fields);
		r->status = FORM_STATUS_INVALID;
		if (r->is_api) {
			form_api_invalid(r, &e);
			return 0;
		}
		const char *old[NSET];
		stored_texts(r, old);
		struct form f;
		form_init(r, &f, set_fields, old, NULL);
		settings_page(r, &f, type, text, &e);
		return 0;
	}
	char *dump = json_dumps(fields, JSON_COMPACT);
	int64_t now = clock_now();
	struct strbuf sum = STRBUF_INIT;
	sb_addf(&sum, "%s: %s%s%s", type, enabled ? "enabled" : "disabled", path ? ", path " : "", path ? path : "");
	int ok = dump && db_begin(r->db) == DB_OK &&
		 db_exec(r->db, "UPDATE province_mappings SET fields = ?, enabled = ?, path = coalesce(?, path), updated_at = ?"
				" WHERE type = ?", "tItIt", dump, (int64_t)enabled, path, now, type) == DB_OK &&
		 audit_req(r, "province_mapping", 0, "update", sum.buf) == DB_OK && db_commit(r->db) == DB_OK;
	if (!ok && db_in_tx(r->db))
		db_rollback(r->db);
	sb_release(&sum);
	free(dump);
	json_decref(fields);
	if (!ok) {
		form_unavailable(r);
		return 0;
	}
	if (r->is_api)
		return mappings_get(r);
	resp_redirect(r, "/admin/province");
	return 0;
}

static int dry_run(struct req *r)
{
	json_t *d = province_dry_run(r->db, clock_now());
	/* the dry run unlocks the first upload: on the record who ran it and what it found */
	char sum[96];
	snprintf(sum, sizeof(sum), "settings complete: %s; records complete: %s",
		 json_is_true(json_object_get(d, "ready")) ? "yes" : "no", json_is_true(json_object_get(d, "complete")) ? "yes" : "no");
	if (db_begin(r->db) == DB_OK && audit_req(r, "province_upload", 0, "dry_run", sum) == DB_OK)
		db_commit(r->db);
	else if (db_in_tx(r->db))
		db_rollback(r->db);
	if (r->is_api) {
		resp_json(r, 200, d);
		return 0;
	}
	page_begin(r, T(r, "province.dry_run"));
	html_printf(&r->out, "<p><a href=\"/admin/province\">← %s</a></p><h1>%s</h1>", T(r, "province.title"),
		    T(r, "province.dry_run"));
	size_t i, j;
	json_t *v, *l;
	json_t *miss = json_object_get(d, "settings_missing");
	if (json_array_size(miss)) {
		html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><ul>", T(r, "province.settings_missing"));
		json_array_foreach(miss, i, v) html_printf(&r->out, "<li>%s</li>",
							    T(r, arena_printf(&r->arena, "province.%s", json_string_value(v))));
		html_printf(&r->out, "</ul></section>");
	}
	json_array_foreach(json_object_get(d, "types"), i, v) {
		const char *type = json_string_value(json_object_get(v, "type"));
		html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><p>%s: %D · %s: %D</p><ul>",
			    T(r, arena_printf(&r->arena, "province.type_%s", type)), T(r, "province.records"),
			    (int64_t)json_integer_value(json_object_get(v, "records")), T(r, "province.complete"),
			    (int64_t)json_integer_value(json_object_get(v, "complete")));
		json_array_foreach(json_object_get(v, "lacking"), j, l) {
			struct strbuf vals = STRBUF_INIT;
			size_t k;
			json_t *x;
			json_array_foreach(json_object_get(l, "values"), k, x) sb_addf(&vals, "%s%s", k ? ", " : "", json_string_value(x));
			html_printf(&r->out, "<li>%s (%s) — %s: %D %s</li>", json_string_value(json_object_get(l, "field")),
				    json_string_value(json_object_get(l, "from")),
				    T(r, !strcmp(json_string_value(json_object_get(l, "why")), "code") ? "province.why_code"
												      : "province.why_missing"),
				    (int64_t)json_integer_value(json_object_get(l, "count")), vals.len ? vals.buf : "");
			sb_release(&vals);
		}
		html_printf(&r->out, "</ul></section>");
	}
	page_end(r);
	json_decref(d);
	return 0;
}

static int run_now(struct req *r)
{
	struct province_run out;
	int64_t now = clock_now();
	int rc = province_run(r->db, now, 1, "button", &out);
	if (out.busy) {
		resp_error(r, 409, "busy", T(r, "province.err_busy"), NULL);
		return 0;
	}
	if (out.not_ready) {
		resp_error(r, 409, "not_ready", T(r, "province.err_not_ready"), NULL);
		return 0;
	}
	if (rc < 0) {
		form_unavailable(r);
		return 0;
	}
	struct strbuf sum = STRBUF_INIT;
	sb_addf(&sum, "batches %d, records %d, accepted %d, refused %d, failed %d, incomplete %d", out.batches, out.records,
		out.accepted, out.refused, out.failed, out.skipped);
	if (db_begin(r->db) == DB_OK && audit_req(r, "province_upload", 0, "run", sum.buf) == DB_OK)
		db_commit(r->db);
	else if (db_in_tx(r->db))
		db_rollback(r->db);
	sb_release(&sum);
	if (r->is_api) {
		resp_json(r, 200, json_pack("{s:i,s:i,s:i,s:i,s:i,s:i}", "batches", out.batches, "records", out.records,
					    "accepted", out.accepted, "refused", out.refused, "failed", out.failed,
					    "incomplete", out.skipped));
		return 0;
	}
	resp_redirect(r, "/admin/province/log");
	return 0;
}

static const char *const states[] = {"accepted", "partial", "refused", "failed", "local", NULL};
static const char *const type_names[] = {"objects", "units", "events", "measures", "tasks", "records", "hazards", "stops", NULL};

static int batches_list(struct req *r)
{
	const char *state = NULL, *type = NULL;
	req_query_enum(r, "state", states, &state);
	req_query_enum(r, "type", type_names, &type);
	if (!type)
		type = "";
	if (!state)
		state = "";
	int page, per_page;
	req_page(r, 20, &page, &per_page);
	if (r->bad_param)
		return 0;
	int64_t total = 0;
	db_get_i64(r->db, &total, "SELECT count(*) FROM province_batches WHERE (? = '' OR state = ?) AND (? = '' OR type = ?)",
		   "tttt", state, state, type, type);
	json_t *items = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT id, type, origin, state, started_at, records, accepted, refused,"
					     " http_status, error FROM province_batches WHERE (? = '' OR state = ?)"
					     " AND (? = '' OR type = ?) ORDER BY id DESC LIMIT ? OFFSET ?",
				      "ttttII", state, state, type, type, (int64_t)per_page, (int64_t)(page - 1) * per_page);
	while (st && db_step(st) == 1)
		json_array_append_new(items, json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:s}", "id",
						       (json_int_t)db_col_i64(st, 0), "type", db_col_text(st, 1), "origin",
						       db_col_text(st, 2), "state", db_col_text(st, 3), "started_at",
						       (json_int_t)db_col_i64(st, 4), "records", (json_int_t)db_col_i64(st, 5),
						       "accepted", (json_int_t)db_col_i64(st, 6), "refused",
						       (json_int_t)db_col_i64(st, 7), "http_status", (json_int_t)db_col_i64(st, 8),
						       "error", db_col_text(st, 9)));
	db_done(r->db, st);
	if (r->is_api) {
		resp_json(r, 200, json_pack("{s:o,s:i,s:i,s:I}", "items", items, "page", page, "per_page", per_page, "total",
					    (json_int_t)total));
		return 0;
	}
	page_begin(r, T(r, "province.log"));
	html_printf(&r->out, "<p><a href=\"/admin/province\">← %s</a></p><h1>%s</h1><div class=\"table-wrap\"><table class=\"list cards\">"
			     "<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead><tbody>",
		    T(r, "province.title"), T(r, "province.log"), T(r, "province.batch"), T(r, "province.type"),
		    T(r, "province.state"), T(r, "province.records"), T(r, "province.accepted"), T(r, "province.refused"));
	size_t i;
	json_t *b;
	json_array_foreach(items, i, b) {
		const char *ty = json_string_value(json_object_get(b, "type")), *sta = json_string_value(json_object_get(b, "state"));
		html_printf(&r->out, "<tr><td><a href=\"/admin/province/log/%D\">#%D · %s</a></td><td data-label=\"%s\">%s</td>"
				     "<td data-label=\"%s\">%s %s</td><td data-label=\"%s\">%D</td><td data-label=\"%s\">%D</td>"
				     "<td data-label=\"%s\">%D</td></tr>",
			    (int64_t)json_integer_value(json_object_get(b, "id")), (int64_t)json_integer_value(json_object_get(b, "id")),
			    page_time(r, json_integer_value(json_object_get(b, "started_at"))), T(r, "province.type"),
			    T(r, arena_printf(&r->arena, "province.type_%s", ty)), T(r, "province.state"),
			    T(r, arena_printf(&r->arena, "province.state_%s", sta)), json_string_value(json_object_get(b, "error")),
			    T(r, "province.records"), (int64_t)json_integer_value(json_object_get(b, "records")),
			    T(r, "province.accepted"), (int64_t)json_integer_value(json_object_get(b, "accepted")),
			    T(r, "province.refused"), (int64_t)json_integer_value(json_object_get(b, "refused")));
	}
	html_printf(&r->out, "</tbody></table></div>");
	form_pager(r, "/admin/province/log", page, per_page, total);
	page_end(r);
	json_decref(items);
	return 0;
}

static int batch_get(struct req *r)
{
	int64_t id = 0;
	if (req_param_id(r, "id", &id) != 0) {
		resp_error(r, 404, "not_found", T(r, "province.err_batch"), NULL);
		return 0;
	}
	json_t *b = NULL;
	struct db_stmt *st = db_query(r->db, "SELECT type, origin, state, started_at, records, accepted, refused, http_status,"
					     " error, sent FROM province_batches WHERE id = ?", "I", id);
	if (st && db_step(st) == 1) {
		json_t *sent = json_loads(db_col_text(st, 9), 0, NULL);
		b = json_pack("{s:I,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:s,s:o}", "id", (json_int_t)id, "type", db_col_text(st, 0),
			      "origin", db_col_text(st, 1), "state", db_col_text(st, 2), "started_at",
			      (json_int_t)db_col_i64(st, 3), "records", (json_int_t)db_col_i64(st, 4), "accepted",
			      (json_int_t)db_col_i64(st, 5), "refused", (json_int_t)db_col_i64(st, 6), "http_status",
			      (json_int_t)db_col_i64(st, 7), "error", db_col_text(st, 8), "sent", sent ? sent : json_array());
	}
	db_done(r->db, st);
	if (!b) {
		resp_error(r, 404, "not_found", T(r, "province.err_batch"), NULL);
		return 0;
	}
	json_t *items = json_array();
	st = db_query(r->db, "SELECT record_id, status, reason FROM province_items WHERE batch_id = ? ORDER BY record_id", "I", id);
	while (st && db_step(st) == 1)
		json_array_append_new(items, json_pack("{s:I,s:s,s:s}", "record_id", (json_int_t)db_col_i64(st, 0), "status",
						       db_col_text(st, 1), "reason", db_col_text(st, 2)));
	db_done(r->db, st);
	json_object_set_new(b, "items", items);
	if (r->is_api) {
		resp_json(r, 200, b);
		return 0;
	}
	const char *type = json_string_value(json_object_get(b, "type"));
	page_begin(r, T(r, "province.batch"));
	html_printf(&r->out, "<p><a href=\"/admin/province/log\">← %s</a></p><h1>%s #%D · %s</h1><p>%s %s · HTTP %D</p>",
		    T(r, "province.log"), T(r, "province.batch"), id, T(r, arena_printf(&r->arena, "province.type_%s", type)),
		    T(r, arena_printf(&r->arena, "province.state_%s", json_string_value(json_object_get(b, "state")))),
		    json_string_value(json_object_get(b, "error")), (int64_t)json_integer_value(json_object_get(b, "http_status")));
	html_printf(&r->out, "<div class=\"table-wrap\"><table class=\"list cards\"><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
			     "</tr></thead><tbody>", T(r, "province.record"), T(r, "province.state"), T(r, "province.reason"));
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) html_printf(&r->out, "<tr><td>%D</td><td data-label=\"%s\">%s</td><td data-label=\"%s\">%s</td></tr>",
						     (int64_t)json_integer_value(json_object_get(it, "record_id")), T(r, "province.state"),
						     T(r, arena_printf(&r->arena, "province.item_%s",
								       json_string_value(json_object_get(it, "status")))),
						     T(r, "province.reason"), json_string_value(json_object_get(it, "reason")));
	char *sent = json_dumps(json_object_get(b, "sent"), JSON_INDENT(1));
	html_printf(&r->out, "</tbody></table></div><section class=\"card\"><h2>%s</h2><pre class=\"wrap\">%s</pre></section>",
		    T(r, "province.sent"), sent ? sent : "");
	free(sent);
	page_end(r);
	json_decref(b);
	return 0;
}

const struct route province_routes[] = {
	{"GET", "/admin/province", settings_get, "province.manage", 0, "Provincial upload settings and mapping"},
	{"POST", "/admin/province/settings", settings_post, "province.manage", 0, "Change the upload settings"},
	{"POST", "/admin/province/mappings/:type", mapping_post, "province.manage", 0, "Change one object type's mapping"},
	{"POST", "/admin/province/dry-run", dry_run, "province.manage", 0, "Dry run: what the province requires that we lack"},
	{"POST", "/admin/province/run", run_now, "province.manage", 0, "Upload now"},
	{"GET", "/admin/province/log", batches_list, "province.manage", 0, "The upload log"},
	{"GET", "/admin/province/log/:id", batch_get, "province.manage", 0, "One batch: sent records and the answers"},
	{"GET", "/api/v1/province/settings", settings_get, "province.manage", ROUTE_API, "Upload settings (secrets only as set or not)"},
	{"POST", "/api/v1/province/settings", settings_post, "province.manage", ROUTE_API, "Change the upload settings"},
	{"GET", "/api/v1/province/mappings", mappings_get, "province.manage", ROUTE_API, "The mapping of every object type"},
	{"POST", "/api/v1/province/mappings/:type", mapping_post, "province.manage", ROUTE_API, "Change one object type's mapping"},
	{"POST", "/api/v1/province/dry-run", dry_run, "province.manage", ROUTE_API | ROUTE_NO_BODY, "Dry run"},
	{"POST", "/api/v1/province/run", run_now, "province.manage", ROUTE_API | ROUTE_NO_BODY, "Upload now"},
	{"GET", "/api/v1/province/batches", batches_list, "province.manage", ROUTE_API | ROUTE_PAGED, "The upload log"},
	{"GET", "/api/v1/province/batches/:id", batch_get, "province.manage", ROUTE_API, "One batch with its answers"},
	{0},
};
