/*
 * feeds_web.c — the feeds' pages under /admin (/admin/feeds/hr for HR, /admin/feeds/eam for
 * the EAM and the health scores: upload with a dry run, pull now, the connection settings,
 * the run log) and their JSON API under /api/v1/feeds/. One set of handlers serves both
 * feeds; which one is read from the path, and the route's permission (feeds.hr, feeds.eam)
 * has already been checked by the router.
 */
#include "feeds/feeds.h"
#include "audit/audit.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/arena.h"
#include "base/clock.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/db.h"
#include "notify/notify_chan.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/page_lang.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum feeds_kind kind_of(struct req *r)
{
	return strstr(r->path, "/eam") ? FEEDS_EAM : FEEDS_HR;
}
static const char *kname(enum feeds_kind k)
{
	return k == FEEDS_HR ? "hr" : "eam";
}

static const struct actor *actor(struct req *r)
{
	struct actor *a = arena_alloc(&r->arena, sizeof(*a));
	actor_from_req(r, a);
	return a;
}

static int flag(struct req *r, const char *name)
{
	const char *v = req_field(r, name);
	return v && (!strcmp(v, "1") || !strcmp(v, "on") || !strcmp(v, "true"));
}

static json_t *result_json(const struct feeds_result *res)
{
	json_t *problems = json_array(), *changes = json_array();
	for (int i = 0; i < res->nproblems_shown; i++)
		json_array_append_new(problems, json_pack("{s:i, s:s, s:s, s:s}", "row", res->problems[i].row, "field",
							  res->problems[i].field, "code", res->problems[i].key, "value",
							  res->problems[i].value));
	for (int i = 0; i < res->nchanges_shown; i++)
		json_array_append_new(changes, json_pack("{s:s, s:s, s:s}", "subject", res->changes[i].subject, "action",
							 res->changes[i].action, "detail", res->changes[i].detail));
	return json_pack("{s:I, s:b, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:b, s:i, s:i, s:o, s:o}",
			 "run_id", (json_int_t)res->run_id, "applied", res->applied, "rows", res->rows, "created",
			 res->created, "updated", res->updated, "deactivated", res->deactivated, "reassigned",
			 res->reassigned, "units_created", res->units_created, "problems_total", res->nproblems,
			 "share_refused", res->share_refused, "leave_pct", res->leave_pct, "leave_limit_pct",
			 res->leave_limit_pct, "problems", problems, "changes", changes);
}

/* The answer of an import or pull: the result, with the API's error shape on failure
 * (409 for a refused share, 422 for problems, 503 for an endpoint that failed). */
static void answer_api(struct req *r, const struct feeds_result *res)
{
	json_t *body = result_json(res);
	int status = 200;
	if (res->fatal_key || res->nproblems) {
		const char *key = res->fatal_key ? res->fatal_key : "feeds.has_problems";
		status = res->share_refused ? 409 : !strcmp(key, "feeds.pull_failed") ? 503 : 422;
		const char *field = res->share_refused ? "confirm"
				    : res->nproblems_shown ? res->problems[0].field : "file";
		json_object_set_new(body, "error", json_pack("{s:s, s:s, s:s}", "code", status == 409 ? "conflict" : status == 503 ? "unavailable" : "invalid",
							     "message", res->fatal_detail
							     ? arena_printf(&r->arena, "%s: %s", T(r, key), res->fatal_detail) : T(r, key),
							     "field", field));
	}
	resp_json(r, status, body);
}

static void result_html(struct req *r, const struct feeds_result *res)
{
	if (res->fatal_key)
		page_notice(r, "error", res->fatal_detail ? arena_printf(&r->arena, "%s: %s", T(r, res->fatal_key), res->fatal_detail)
					: T(r, res->fatal_key));
	else if (res->nproblems)
		page_notice(r, "error", T(r, "feeds.has_problems"));
	else
		page_notice(r, "ok", T(r, res->applied ? "feeds.applied" : "feeds.dry_run_ok"));
	html_printf(&r->out, "<p class=\"feeds-counts\">%s %d · %s <strong data-created=\"%d\">%d</strong> · %s %d · %s "
			     "<strong data-deactivated=\"%d\">%d</strong> · %s %d</p>",
		    T(r, "feeds.rows"), res->rows, T(r, "feeds.created"), res->created, res->created, T(r, "feeds.updated"),
		    res->updated, T(r, "feeds.deactivated"), res->deactivated, res->deactivated, T(r, "feeds.reassigned"),
		    res->reassigned);
	if (res->share_refused)
		html_printf(&r->out, "<p class=\"hint\">%s %d%% / %d%%</p>", T(r, "feeds.hr.share"), res->leave_pct,
			    res->leave_limit_pct);
	if (res->nproblems_shown) {
		html_printf(&r->out, "<div class=\"table-wrap\"><table class=\"feeds-problems\"><thead><tr><th>%s</th><th>%s</th>"
				     "<th>%s</th><th>%s</th></tr></thead><tbody>", T(r, "feeds.row"), T(r, "feeds.field"),
			    T(r, "feeds.problem"), T(r, "feeds.value"));
		for (int i = 0; i < res->nproblems_shown; i++)
			html_printf(&r->out, "<tr><td>%d</td><td>%s</td><td>%s</td><td>%s</td></tr>", res->problems[i].row,
				    res->problems[i].field, T(r, res->problems[i].key), res->problems[i].value);
		html_printf(&r->out, "</tbody></table></div>");
	}
	if (res->nchanges_shown) {
		html_printf(&r->out, "<ul class=\"list feeds-changes\">");
		for (int i = 0; i < res->nchanges_shown; i++)
			html_printf(&r->out, "<li>%s <strong>%s</strong> <small>%s</small></li>",
				    T(r, arena_printf(&r->arena, "feeds.action.%s", res->changes[i].action)),
				    res->changes[i].subject, res->changes[i].detail);
		html_printf(&r->out, "</ul>");
	}
}

/* ---- import and pull ---- */
static int import_post(struct req *r)
{
	enum feeds_kind k = kind_of(r);
	struct upload *u = req_upload(r, "file");
	if (!u || !u->data.len) {
		resp_error(r, 422, "invalid", T(r, "feeds.empty"), "file");
		return 0;
	}
	struct feeds_opts o = {.dry_run = !flag(r, "commit"), .confirm = flag(r, "confirm"), .via = "file"};
	struct feeds_result res = {0};
	struct feeds_table t = {0};
	const struct actor *a = actor(r);
	if (feeds_table_from_file(k, u->data.buf, u->data.len, &t, &res))
		res.run_id = feeds_run_record(r->db, k, "file", &o, &res, a->user_id, a->now);
	else if (k == FEEDS_HR)
		feeds_hr_apply(a, &t, &o, &res);
	else
		feeds_eam_apply(a, &t, &o, &res);
	feeds_table_free(&t);
	if (r->is_api) {
		answer_api(r, &res);
	} else {
		if (res.fatal_key || res.nproblems)
			r->status = 422;
		page_begin(r, T(r, k == FEEDS_HR ? "feeds.hr.title" : "feeds.eam.title"));
		html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", T(r, o.dry_run ? "feeds.preview" : "feeds.result"));
		result_html(r, &res);
		html_printf(&r->out, "<p><a class=\"button\" href=\"/admin/feeds/%s\">%s</a></p></section>", kname(k),
			    T(r, "feeds.back"));
		page_end(r);
	}
	feeds_result_free(&res);
	return 0;
}

static int pull_post(struct req *r)
{
	enum feeds_kind k = kind_of(r);
	struct feeds_result res = {0};
	feeds_pull(actor(r), k, !flag(r, "commit"), flag(r, "confirm"), &res);
	if (r->is_api) {
		answer_api(r, &res);
	} else {
		page_begin(r, T(r, k == FEEDS_HR ? "feeds.hr.title" : "feeds.eam.title"));
		html_printf(&r->out, "<section class=\"card\"><h1>%s</h1>", T(r, "feeds.pull_now"));
		result_html(r, &res);
		html_printf(&r->out, "<p><a class=\"button\" href=\"/admin/feeds/%s\">%s</a></p></section>", kname(k),
			    T(r, "feeds.back"));
		page_end(r);
	}
	feeds_result_free(&res);
	return 0;
}

/* ---- settings ---- */
static const char *const health_keys[] = {"w_hazard", "w_overdue", "w_maint", "grace_days", "w_reading", "threshold", NULL};
static const int health_defaults[] = {10, 30, 10, 90, 5, 60};

static json_t *config_json(struct req *r, enum feeds_kind k)
{
	char key[64];
	json_t *o = json_object();
	static const char *const names[] = {"url", "auth_name", "mapping", "interval_min", NULL};
	static const char *const defs[] = {"", "Authorization", "{}", "120"};
	for (int i = 0; names[i]; i++) {
		snprintf(key, sizeof(key), "feeds.%s.%s", kname(k), names[i]);
		char *v = feeds_setting(r->db, key, defs[i]);
		if (!strcmp(names[i], "interval_min")) {
			int64_t n = 120;
			text_parse_i64(v, &n);
			json_object_set_new(o, names[i], json_integer(n));
		} else {
			json_object_set_new(o, names[i], json_string(v));
		}
		free(v);
	}
	snprintf(key, sizeof(key), "feeds.%s.auth", kname(k));
	char *sealed = feeds_setting(r->db, key, "");
	json_object_set_new(o, "auth_set", json_boolean(*sealed));	/* the secret itself never comes back */
	free(sealed);
	if (k == FEEDS_HR) {
		json_object_set_new(o, "max_leave_pct", json_integer(feeds_setting_int(r->db, "feeds.hr.max_leave_pct", 10)));
	} else {
		for (int i = 0; health_keys[i]; i++) {
			snprintf(key, sizeof(key), "feeds.health.%s", health_keys[i]);
			json_object_set_new(o, health_keys[i], json_integer(feeds_setting_int(r->db, key, health_defaults[i])));
		}
	}
	return o;
}

/* Check and store the settings a form or JSON body sends; absent fields keep their value,
 * an empty auth keeps the secret ("clear_auth" removes it). 0, or -1 with the error answered. */
static int config_store(struct req *r, enum feeds_kind k)
{
	char key[64];
	const char *url = req_field(r, "url"), *mapping = req_field(r, "mapping"), *aname = req_field(r, "auth_name");
	const char *auth = req_field(r, "auth");
	if (url && *url && (strlen(url) > 1000 || (strncmp(url, "http://", 7) && strncmp(url, "https://", 8)))) {
		resp_error(r, 422, "invalid", T(r, "feeds.bad_url"), "url");
		return -1;
	}
	if (mapping) {
		json_t *m = strlen(mapping) <= 4000 ? json_loads(mapping, 0, NULL) : NULL;
		int ok = json_is_object(m);
		const char *f;
		json_t *v;
		json_object_foreach(m, f, v) ok &= json_is_string(v);
		json_decref(m);
		if (!ok) {
			resp_error(r, 422, "invalid", T(r, "feeds.bad_mapping"), "mapping");
			return -1;
		}
	}
	if (aname && (strlen(aname) > 64 || strpbrk(aname, ": \r\n"))) {
		resp_error(r, 422, "invalid", T(r, "feeds.bad_value"), "auth_name");
		return -1;
	}
	if (auth && (strlen(auth) > 2000 || strpbrk(auth, "\r\n"))) {
		resp_error(r, 422, "invalid", T(r, "feeds.bad_value"), "auth");
		return -1;
	}
	/* the numbers: name, lowest, highest */
	struct num { const char *field, *key; int64_t lo, hi; } nums[9];
	int nn = 0;
	nums[nn++] = (struct num){"interval_min", k == FEEDS_HR ? "feeds.hr.interval_min" : "feeds.eam.interval_min", 5, 10080};
	if (k == FEEDS_HR)
		nums[nn++] = (struct num){"max_leave_pct", "feeds.hr.max_leave_pct", 0, 100};
	else
		for (int i = 0; health_keys[i]; i++)
			nums[nn++] = (struct num){health_keys[i], arena_printf(&r->arena, "feeds.health.%s", health_keys[i]),
						       0, i == 3 ? 3650 : 100};
	int64_t vals[9];
	for (int i = 0; i < nn; i++) {
		const char *v = req_field(r, nums[i].field);
		vals[i] = -1;
		if (v && *v && (text_parse_i64(v, &vals[i]) || vals[i] < nums[i].lo || vals[i] > nums[i].hi)) {
			resp_error(r, 422, "invalid", T(r, "feeds.bad_number"), nums[i].field);
			return -1;
		}
	}
	char *sealed = auth && *auth ? notify_secret_seal(auth) : NULL;
	if (auth && *auth && !sealed) {
		resp_error(r, 503, "unavailable", T(r, "feeds.secret_unreadable"), "auth");
		return -1;
	}
	int64_t now = clock_now();
	int ok = db_begin(r->db) == DB_OK;
	struct strbuf sum = STRBUF_INIT;
#define PUT(name, value)                                                                            \
	do {                                                                                        \
		snprintf(key, sizeof(key), "feeds.%s.%s", kname(k), name);                          \
		ok = ok && feeds_setting_put(r->db, key, value, now) == DB_OK;                      \
		sb_addf(&sum, "%s ", name);                                                         \
	} while (0)
	if (url) {
		PUT("url", url);
		/* the first scheduled pull comes one interval after the URL is set ("pull now" for
		 * at once), never while the person is still checking it with a dry run */
		char stamp[24];
		snprintf(stamp, sizeof(stamp), "%lld", (long long)now);
		PUT("last_pull", stamp);
	}
	if (mapping)
		PUT("mapping", mapping);
	if (aname && *aname)
		PUT("auth_name", aname);
	if (sealed)
		PUT("auth", sealed);
	else if (flag(r, "clear_auth"))
		PUT("auth", "");
#undef PUT
	for (int i = 0; i < nn; i++)
		if (vals[i] >= 0) {
			char num[24];
			snprintf(num, sizeof(num), "%lld", (long long)vals[i]);
			ok = ok && feeds_setting_put(r->db, nums[i].key, num, now) == DB_OK;
			sb_addf(&sum, "%s=%s ", nums[i].field, num);
		}
	ok = ok && audit_req(r, "feeds", 0, "config", arena_printf(&r->arena, "%s: %s", kname(k), sum.buf ? sum.buf : "")) == DB_OK &&
	     db_commit(r->db) == DB_OK;
	sb_release(&sum);
	free(sealed);
	if (!ok) {
		db_rollback(r->db);
		resp_error(r, 503, "unavailable", T(r, "feeds.db_error"), NULL);
		return -1;
	}
	return 0;
}

static int config_get(struct req *r)
{
	resp_json(r, 200, config_json(r, kind_of(r)));
	return 0;
}

static int config_post(struct req *r)
{
	enum feeds_kind k = kind_of(r);
	if (config_store(r, k))
		return 0;
	if (r->is_api)
		resp_json(r, 200, config_json(r, k));
	else
		resp_redirect(r, arena_printf(&r->arena, "/admin/feeds/%s", kname(k)));
	return 0;
}

/* ---- lists ---- */
static int runs_api(struct req *r)
{
	enum feeds_kind k = kind_of(r);
	int page, per;
	req_page(r, 50, &page, &per);
	int64_t total = 0;
	db_get_i64(r->db, &total, "SELECT count(*) FROM feeds_runs WHERE feed = ?", "t", kname(k));
	json_t *items = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT id, via, dry_run, outcome, rows_read, created, updated, deactivated,"
				      " reassigned, problems, message, at FROM feeds_runs WHERE feed = ? ORDER BY id DESC"
				      " LIMIT ? OFFSET ?", "tII", kname(k), (int64_t)per, (int64_t)(page - 1) * per);
	while (st && db_step(st) == 1)
		json_array_append_new(items, json_pack("{s:I, s:s, s:b, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:I}",
			"id", (json_int_t)db_col_i64(st, 0), "via", db_col_text(st, 1), "dry_run", (int)db_col_i64(st, 2),
			"outcome", db_col_text(st, 3), "rows", (json_int_t)db_col_i64(st, 4), "created",
			(json_int_t)db_col_i64(st, 5), "updated", (json_int_t)db_col_i64(st, 6), "deactivated",
			(json_int_t)db_col_i64(st, 7), "reassigned", (json_int_t)db_col_i64(st, 8), "problems",
			(json_int_t)db_col_i64(st, 9), "message", db_col_text(st, 10), "at", (json_int_t)db_col_i64(st, 11)));
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", items, "page", page, "per_page", per, "total",
				    (json_int_t)total));
	return 0;
}

#define HEALTH_SQL \
	" FROM equipment e JOIN feeds_equipment f ON f.equipment_id = e.id JOIN units u ON u.id = e.unit_id" \
	" WHERE e.active = 1 AND f.score IS NOT NULL AND u.path LIKE ?"

static int health_api(struct req *r)
{
	int page, per;
	req_page(r, 50, &page, &per);
	const char *pat = auth_scope_pattern(r);
	int64_t total = 0;
	db_get_i64(r->db, &total, "SELECT count(*)" HEALTH_SQL, "t", pat);
	json_t *items = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT e.id, e.code, e.name, f.score, f.factors, f.scored_at, f.eam_type,"
				      " (SELECT t.id FROM feeds_health_tasks t WHERE t.equipment_id = e.id AND t.closed_at = 0)"
				      HEALTH_SQL " ORDER BY f.score, e.code LIMIT ? OFFSET ?", "tII", pat, (int64_t)per,
				      (int64_t)(page - 1) * per);
	while (st && db_step(st) == 1) {
		json_t *it = json_pack("{s:I, s:s, s:s, s:I, s:s, s:I, s:s}", "equipment_id", (json_int_t)db_col_i64(st, 0),
				       "code", db_col_text(st, 1), "name", db_col_text(st, 2), "score",
				       (json_int_t)db_col_i64(st, 3), "factors", db_col_text(st, 4), "scored_at",
				       (json_int_t)db_col_i64(st, 5), "type", db_col_text(st, 6));
		json_object_set_new(it, "task_id", db_col_null(st, 7) ? json_null() : json_integer(db_col_i64(st, 7)));
		json_array_append_new(items, it);
	}
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o, s:i, s:i, s:I}", "items", items, "page", page, "per_page", per, "total",
				    (json_int_t)total));
	return 0;
}

/* ---- the page ---- */
static void field_row(struct req *r, const char *label, const char *name, const char *value, const char *type)
{
	html_printf(&r->out, "<label>%s<input type=\"%s\" name=\"%s\" value=\"%s\" maxlength=\"1000\"></label>", T(r, label),
		    type, name, value);
}

static int feeds_page(struct req *r)
{
	enum feeds_kind k = kind_of(r);
	const char *kn = kname(k);
	json_t *cfg = config_json(r, k);
	page_begin(r, T(r, k == FEEDS_HR ? "feeds.hr.title" : "feeds.eam.title"));
	html_printf(&r->out, "<section class=\"card\"><h1>%s</h1><p class=\"hint\">%s</p>"
			     "<form method=\"post\" action=\"/admin/feeds/%s/import\" enctype=\"multipart/form-data\" class=\"stack\">%r"
			     "<label>%s%r</label>"
			     "<label class=\"inline\"><input type=\"checkbox\" name=\"commit\" value=\"1\">%s</label>"
			     "<label class=\"inline\"><input type=\"checkbox\" name=\"confirm\" value=\"1\">%s</label>"
			     "<button class=\"primary\">%s</button></form>"
			     "<form method=\"post\" action=\"/admin/feeds/%s/pull\" class=\"stack\">%r"
			     "<input type=\"hidden\" name=\"commit\" value=\"1\"><button>%s</button></form></section>",
		    T(r, k == FEEDS_HR ? "feeds.hr.title" : "feeds.eam.title"),
		    T(r, k == FEEDS_HR ? "feeds.hr.hint" : "feeds.eam.hint"), kn, page_csrf(r), T(r, "feeds.file"),
		    page_file_input(r, "file", "form.file_choose", "required accept=\".xlsx,.csv\""), T(r, "feeds.commit"),
		    T(r, "feeds.confirm"), T(r, "feeds.upload"), kn, page_csrf(r), T(r, "feeds.pull_now"));
	/* settings */
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><form method=\"post\" action=\"/admin/feeds/%s/config\""
			     " class=\"stack\">%r", T(r, "feeds.settings"), kn, page_csrf(r));
	field_row(r, "feeds.url", "url", json_string_value(json_object_get(cfg, "url")), "url");
	field_row(r, "feeds.auth_name", "auth_name", json_string_value(json_object_get(cfg, "auth_name")), "text");
	html_printf(&r->out, "<label>%s<input type=\"password\" name=\"auth\" autocomplete=\"off\" placeholder=\"%s\"></label>"
			     "<label>%s<textarea name=\"mapping\" rows=\"3\" maxlength=\"4000\">%s</textarea></label>",
		    T(r, "feeds.auth"), json_is_true(json_object_get(cfg, "auth_set")) ? T(r, "feeds.auth_kept") : "",
		    T(r, "feeds.mapping"), json_string_value(json_object_get(cfg, "mapping")));
	const char *nums[] = {"interval_min", k == FEEDS_HR ? "max_leave_pct" : NULL, NULL};
	const char *const *list = k == FEEDS_HR ? nums : (const char *const[]){"interval_min", "w_hazard", "w_overdue",
								"w_maint", "grace_days", "w_reading", "threshold", NULL};
	for (int i = 0; list[i]; i++)
		html_printf(&r->out, "<label>%s<input type=\"number\" name=\"%s\" value=\"%D\" min=\"0\"></label>",
			    T(r, arena_printf(&r->arena, "feeds.set.%s", list[i])), list[i],
			    (int64_t)json_integer_value(json_object_get(cfg, list[i])));
	html_printf(&r->out, "<button class=\"primary\">%s</button></form></section>", T(r, "feeds.save"));
	json_decref(cfg);
	/* health */
	if (k == FEEDS_EAM) {
		html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><ul class=\"list feeds-health\">", T(r, "feeds.health.title"));
		struct db_stmt *st = db_query(r->db, "SELECT e.id, e.code, e.name, f.score,"
					      " (SELECT count(*) FROM feeds_health_tasks t WHERE t.equipment_id = e.id AND t.closed_at = 0)"
					      HEALTH_SQL " ORDER BY f.score, e.code LIMIT 50", "t", auth_scope_pattern(r));
		while (st && db_step(st) == 1)
			html_printf(&r->out, "<li><a href=\"/equipment/%D\">%s %s</a> <strong>%D</strong>%s</li>",
				    db_col_i64(st, 0), db_col_text(st, 1), db_col_text(st, 2), db_col_i64(st, 3),
				    db_col_i64(st, 4) ? T(r, "feeds.health.task_open") : "");
		html_printf(&r->out, "</ul><p><a class=\"button\" href=\"/health-tasks\">%s</a></p><ul class=\"list\">",
			    T(r, "feeds.tasks.title"));
		db_done(r->db, st);
		html_printf(&r->out, "</ul></section>");
	}
	/* the log */
	html_printf(&r->out, "<section class=\"card\"><h2>%s</h2><ul class=\"list feeds-runs\">", T(r, "feeds.runs"));
	struct db_stmt *st = db_query(r->db, "SELECT at, via, outcome, rows_read, created, updated, deactivated, message"
				      " FROM feeds_runs WHERE feed = ? ORDER BY id DESC LIMIT 20", "t", kn);
	while (st && db_step(st) == 1)
		html_printf(&r->out, "<li data-outcome=\"%s\">%s · %s · <strong>%s</strong> · %D/%D/%D/%D <small>%s</small></li>",
			    db_col_text(st, 2), page_time(r, db_col_i64(st, 0)), T(r, arena_printf(&r->arena, "feeds.via.%s", db_col_text(st, 1))),
			    T(r, arena_printf(&r->arena, "feeds.outcome.%s", db_col_text(st, 2))), db_col_i64(st, 3), db_col_i64(st, 4),
			    db_col_i64(st, 5), db_col_i64(st, 6), db_col_text(st, 7));
	db_done(r->db, st);
	html_printf(&r->out, "</ul></section>");
	page_end(r);
	return 0;
}

#define FEEDS_ROUTES(k, perm)                                                                                       \
	{"GET", "/admin/feeds/" k, feeds_page, perm, 0, "The " k " feed: upload, pull now, settings, log"},          \
	{"POST", "/admin/feeds/" k "/import", import_post, perm, 0, "Upload a " k " file: dry run or apply"},         \
	{"POST", "/admin/feeds/" k "/pull", pull_post, perm, 0, "Pull the " k " feed now"},                          \
	{"POST", "/admin/feeds/" k "/config", config_post, perm, 0, "Save the " k " feed settings"},                 \
	{"POST", "/api/v1/feeds/" k "/import", import_post, perm, ROUTE_API, "Import a " k " file (commit=1 applies)"}, \
	{"POST", "/api/v1/feeds/" k "/pull", pull_post, perm, ROUTE_API, "Pull the " k " feed now (commit=1 applies)"}, \
	{"GET", "/api/v1/feeds/" k "/config", config_get, perm, ROUTE_API, "The " k " feed settings (secrets never)"}, \
	{"POST", "/api/v1/feeds/" k "/config", config_post, perm, ROUTE_API, "Change the " k " feed settings"},       \
	{"GET", "/api/v1/feeds/" k "/runs", runs_api, perm, ROUTE_API | ROUTE_PAGED, "The " k " feed's runs, newest first"}

const struct route feeds_routes[] = {
	FEEDS_ROUTES("hr", "feeds.hr"),
	FEEDS_ROUTES("eam", "feeds.eam"),
	{"GET", "/api/v1/feeds/health", health_api, "feeds.eam", ROUTE_API | ROUTE_PAGED,
	 "Equipment health scores, lowest first, with the open preventive task"},
	/* the preventive tasks (feeds_tasks_web.c): the assignee or an equipment manager in scope */
	{"GET", "/health-tasks", feeds_task_list, NULL, ROUTE_PAGED,
	 "Preventive tasks of the health score: the equipment manager's in scope, or the caller's own"},
	{"GET", "/health-tasks/:id", feeds_task_show, NULL, 0, "A preventive task: the device, its score factors, close form"},
	{"POST", "/health-tasks/:id/close", feeds_task_close, NULL, 0, "Close a preventive task with a note"},
	{"GET", "/api/v1/feeds/health-tasks", feeds_task_list, NULL, ROUTE_API | ROUTE_PAGED,
	 "Preventive tasks of the health score (?state=open|closed|all, ?todo=mine)"},
	{"GET", "/api/v1/feeds/health-tasks/:id", feeds_task_show, NULL, ROUTE_API, "A preventive task with its score factors"},
	{"POST", "/api/v1/feeds/health-tasks/:id/close", feeds_task_close, NULL, ROUTE_API,
	 "Close a preventive task with a note; maintenance=1 records the maintenance done today"},
	{0},
};
