/*
 * permit_api.c — the JSON API under /api/v1/permits: the same domain code as the pages
 * (permit_store.c, permit_flow.c), answered as JSON with the one error shape.
 */
#include "permit/permit.h"
#include "auth/actor.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "base/text.h"
#include "db/db.h"
#include "ppe/ppe.h"
#include "web/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SCOPE_SQL " JOIN units u ON u.id = p.unit_id JOIN areas a ON a.id = p.area_id WHERE" \
	" ((u.path LIKE ? AND (? = 0 OR p.applicant_id = ?)) OR p.applicant_id = ? OR p.guardian_id = ?" \
	" OR EXISTS (SELECT 1 FROM permit_workers w WHERE w.permit_id = p.id AND w.user_id = ?))"
#define ROW_COLS "p.id, p.number, p.type, p.grade, p.state, p.content, a.name, p.planned_start, p.planned_end, p.area_id"

static json_t *row_json(struct db_stmt *st)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "id", (json_int_t)db_col_i64(st, 0),
			 "number", db_col_text(st, 1), "type", db_col_text(st, 2), "grade", db_col_text(st, 3),
			 "state", db_col_text(st, 4), "content", db_col_text(st, 5), "area", db_col_text(st, 6),
			 "planned_start", (json_int_t)db_col_i64(st, 7), "planned_end", (json_int_t)db_col_i64(st, 8),
			 "area_id", (json_int_t)db_col_i64(st, 9));
}

int permit_api_list(struct req *r)
{
	const char *state, *type;
	int64_t me = r->who->user_id, own = auth_scope_owner(r), aid = 0;
	permit_list_filters(r, &state, &type);
	if (req_query_id(r, "area_id", &aid) < 0) {
		resp_error(r, 422, "invalid", T(r, "permit.err.area"), "area_id");
		return 0;
	}
	if (r->bad_param) {
		resp_error(r, 422, "invalid", T(r, "error.bad_param"), r->bad_param);
		return 0;
	}
	json_t *items = json_array();
	struct pager pg;
	pager_start(r, 100, &pg);
	struct db_stmt *st = db_query(r->db, "SELECT " ROW_COLS " FROM permits p" SCOPE_SQL
		" AND (? = '' OR p.state = ?) AND (? = '' OR p.type = ?) AND (? = 0 OR p.area_id = ?)"
		" ORDER BY p.id DESC LIMIT 20000", "tIIIIIttttII", auth_scope_pattern(r), own, own, me, me, me,
		state ? state : "", state ? state : "", type ? type : "", type ? type : "", aid, aid);
	while (st && db_step(st) == 1)
		if (pager_take(&pg))
			json_array_append_new(items, row_json(st));
	db_done(r->db, st);
	pager_reply(r, &pg, items, NULL);
	return 0;
}

static json_t *permit_json(struct req *r, const struct permit *p)
{
	json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:s, s:b, s:s, s:s, s:I, s:I,"
			      " s:i, s:i, s:I, s:I, s:I}",
		"id", (json_int_t)p->id, "number", p->number, "type", p->type, "grade", p->grade, "state", p->state,
		"area_id", (json_int_t)p->area_id, "equipment_id", (json_int_t)p->equipment_id, "unit_id", (json_int_t)p->unit_id,
		"applicant_id", (json_int_t)p->applicant_id, "guardian_id", (json_int_t)p->guardian_id,
		"work_unit", p->work_unit, "contractor", p->contractor, "content", p->content, "hazards", p->hazards,
		"planned_start", (json_int_t)p->planned_start, "planned_end", (json_int_t)p->planned_end,
		"chain_step", p->chain_step, "round", p->round, "started_at", (json_int_t)p->started_at,
		"suspended_at", (json_int_t)p->suspended_at, "closed_at", (json_int_t)p->closed_at);
	json_object_set_new(o, "inputs", json_pack("{s:s, s:b, s:b, s:i, s:f, s:i, s:f, s:b, s:b, s:f, s:b}",
		"hot_place", p->hot_place, "shutdown", p->shutdown, "holiday", p->holiday, "wind", p->wind,
		"height_m", p->height_m, "factors", p->factors, "load_t", p->load_t, "hazardous_area", p->hazardous_area,
		"oxygen_enriched", p->oxygen_enriched, "medium_lel", p->medium_lel, "hot_inside", p->hot_inside));
	json_t *conf = json_array();
	char *copy = xstrdup(p->conflicts), *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		json_array_append_new(conf, json_string(line));
	free(copy);
	json_object_set_new(o, "conflicts", conf);
	json_t *w = json_array();
	for (int i = 0; i < p->nworkers; i++)
		json_array_append_new(w, json_pack("{s:I, s:s, s:s}", "user_id", (json_int_t)p->workers[i].user_id,
						   "name", permit_user_name(r, p->workers[i].user_id), "role", p->workers[i].role));
	json_object_set_new(o, "workers", w);
	json_t *m = json_array();
	for (int i = 0; i < p->nmeasures; i++)
		json_array_append_new(m, json_pack("{s:I, s:I}", "measure_id", (json_int_t)p->measures[i].measure_id,
						   "confirmed_by", (json_int_t)p->measures[i].confirmed_by));
	json_object_set_new(o, "measures", m);
	json_t *l = json_array();
	for (int i = 0; i < p->nlinks; i++)
		json_array_append_new(l, json_integer(p->links[i]));
	json_object_set_new(o, "related", l);
	json_t *g = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT id, taken_at, analyst_id, o2, combustible, passed, reason, point,"
					   " o2 IS NULL, combustible IS NULL FROM permit_gas_tests WHERE permit_id = ? ORDER BY taken_at, id",
				    "I", p->id);
	while (st && db_step(st) == 1) {
		json_t *t = json_pack("{s:I, s:I, s:I, s:b, s:s, s:s}", "id", (json_int_t)db_col_i64(st, 0),
				      "taken_at", (json_int_t)db_col_i64(st, 1), "analyst_id", (json_int_t)db_col_i64(st, 2),
				      "passed", (int)db_col_i64(st, 5), "reason", db_col_text(st, 6), "point", db_col_text(st, 7));
		json_object_set_new(t, "o2", db_col_i64(st, 8) ? json_null() : json_real(db_col_double(st, 3)));
		json_object_set_new(t, "combustible", db_col_i64(st, 9) ? json_null() : json_real(db_col_double(st, 4)));
		json_array_append_new(g, t);
	}
	db_done(r->db, st);
	json_object_set_new(o, "gas_tests", g);
	json_t *ap = json_array();
	st = db_query(r->db, "SELECT round, step, level, user_id, decision, reason, at, conflicts_ack FROM permit_approvals"
			     " WHERE permit_id = ? ORDER BY id", "I", p->id);
	while (st && db_step(st) == 1)
		json_array_append_new(ap, json_pack("{s:i, s:i, s:s, s:I, s:s, s:s, s:I, s:s}", "round", (int)db_col_i64(st, 0),
			"step", (int)db_col_i64(st, 1), "level", db_col_text(st, 2), "user_id", (json_int_t)db_col_i64(st, 3),
			"decision", db_col_text(st, 4), "reason", db_col_text(st, 5), "at", (json_int_t)db_col_i64(st, 6),
			"conflicts_ack", db_col_text(st, 7)));
	db_done(r->db, st);
	json_object_set_new(o, "approvals", ap);
	json_t *ev = json_array();
	st = db_query(r->db, "SELECT at, COALESCE(user_id, 0), action, from_state, to_state, note FROM permit_events"
			     " WHERE permit_id = ? ORDER BY id", "I", p->id);
	while (st && db_step(st) == 1)
		json_array_append_new(ev, json_pack("{s:I, s:I, s:s, s:s, s:s, s:s}", "at", (json_int_t)db_col_i64(st, 0),
			"user_id", (json_int_t)db_col_i64(st, 1), "action", db_col_text(st, 2), "from", db_col_text(st, 3),
			"to", db_col_text(st, 4), "note", db_col_text(st, 5)));
	db_done(r->db, st);
	json_object_set_new(o, "events", ev);
	const char *acts[16];
	struct actor me;
	actor_from_req(r, &me);
	int n = permit_actions_for(&me, p, acts, 16);
	json_t *aa = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(aa, json_string(acts[i]));
	json_object_set_new(o, "actions", aa);
	return o;
}

static int load_visible(struct req *r, struct permit **out)
{
	int64_t id;
	struct permit *p = NULL;
	if (req_param_id(r, "id", &id) || !(p = permit_load(r->db, id)) || !permit_visible(r, p)) {
		permit_free(p);
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return -1;
	}
	*out = p;
	return 0;
}

int permit_api_show(struct req *r)
{
	struct permit *p;
	if (load_visible(r, &p))
		return 0;
	resp_json(r, 200, permit_json(r, p));
	permit_free(p);
	return 0;
}

static int save(struct req *r, int64_t id, int status)
{
	struct permit_err e = {0};
	if (!r->json) {
		resp_error(r, 415, "json_required", T(r, "error.json_required"), NULL);
		return 0;
	}
	struct actor a;
	struct permit_input in;
	actor_from_req(r, &a);
	permit_input_req(r, &in);
	if (permit_save_application(&a, &in, &id, &e)) {
		permit_err_respond(r, &e);
		return 0;
	}
	struct permit *p = permit_load(r->db, id);
	resp_json(r, status, permit_json(r, p));
	permit_free(p);
	return 0;
}

int permit_api_create(struct req *r)
{
	return save(r, 0, 201);
}

int permit_api_update(struct req *r)
{
	int64_t id;
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	return save(r, id, 200);
}

int permit_api_act(struct req *r)
{
	struct actor who;
	actor_from_req(r, &who);
	int64_t id;
	struct permit_act_in in;
	struct permit_err e = {0};
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	if (permit_read_act_in(r, &in, &e) || permit_act(&who, id, req_param(r, "action"), &in, &e)) {
		permit_err_respond(r, &e);
		return 0;
	}
	struct permit *p = permit_load(r->db, id);
	resp_json(r, 200, permit_json(r, p));
	permit_free(p);
	return 0;
}

int permit_api_gas(struct req *r)
{
	int64_t id;
	int passed = 0;
	struct permit_err e = {0};
	if (req_param_id(r, "id", &id)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	struct actor a;
	struct permit_input in;
	actor_from_req(r, &a);
	permit_input_req(r, &in);
	if (permit_record_gas(&a, &in, id, &passed, &e)) {
		permit_err_respond(r, &e);
		return 0;
	}
	struct permit *p = permit_load(r->db, id);
	json_t *o = permit_json(r, p);
	json_object_set_new(o, "passed", json_boolean(passed));
	resp_json(r, 201, o);
	permit_free(p);
	return 0;
}

int permit_api_catalogue(struct req *r)
{
	json_t *types = json_array();
	for (const struct permit_type *t = permit_type_list; t->code; t++) {
		json_t *grades = json_array(), *measures = json_array();
		json_t *names = json_array();
		struct db_stmt *st = db_query(r->db, "SELECT grade FROM permit_validity WHERE type = ? ORDER BY sort",
					    "t", t->code);
		while (st && db_step(st) == 1)
			json_array_append_new(names, json_string(db_col_text(st, 0)));
		db_done(r->db, st);
		size_t k;
		json_t *gv;
		json_array_foreach(names, k, gv) {
			const char *grade = json_string_value(gv);
			int interrupt = 0, n = 0;
			int hours = permit_max_hours(r->db, t->code, grade, &interrupt);
			struct permit_step *chain = permit_chain_load(r->db, t->code, grade, &n);
			json_t *steps = json_array();
			for (int i = 0; i < n; i++)
				json_array_append_new(steps, json_pack("{s:i, s:s, s:s}", "step", chain[i].step, "level",
								       chain[i].level, "roles", chain[i].roles));
			permit_chain_free(chain, n);
			json_array_append_new(grades, json_pack("{s:s, s:s, s:i, s:i, s:o}", "grade", grade, "label",
				permit_grade_label(r, t->code, grade), "max_hours", hours, "interrupt_min", interrupt, "chain", steps));
		}
		json_decref(names);
		st = db_query(r->db, "SELECT id, text_zh, text_en FROM permit_measure_std WHERE type = ? ORDER BY sort", "t", t->code);
		while (st && db_step(st) == 1)
			json_array_append_new(measures, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_col_i64(st, 0),
								  "zh", db_col_text(st, 1), "en", db_col_text(st, 2)));
		db_done(r->db, st);
		json_array_append_new(types, json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:o}", "code", t->code, "prefix",
			t->prefix, "operation", t->operation, "name", permit_tr(r, "permit.type", t->code),
			"gas", permit_gas_required(t->code, 1), "grades", grades, "measures", measures));
	}
	json_t *gases = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT gas, name_zh, unit, limit_type, value, applies FROM permit_gas_limits ORDER BY gas, limit_type", NULL);
	while (st && db_step(st) == 1)
		json_array_append_new(gases, json_pack("{s:s, s:s, s:s, s:s, s:f, s:b}", "gas", db_col_text(st, 0), "name",
			db_col_text(st, 1), "unit", db_col_text(st, 2), "limit_type", db_col_text(st, 3), "value",
			db_col_double(st, 4), "applies", (int)db_col_i64(st, 5)));
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o, s:o}", "types", types, "toxic_limits", gases));
	return 0;
}

int permit_api_grade(struct req *r)
{
	struct permit_grade_in in = {0};
	struct permit_err e = {0};
	const char *v;
	double d;
	int64_t i;
	in.type = req_field(r, "type");
	in.hot_place = req_field(r, "hot_place");
	in.shutdown = (v = req_field(r, "shutdown")) && !strcmp(v, "1");
	in.night = (v = req_field(r, "night")) && !strcmp(v, "1");
	in.rest_day = (v = req_field(r, "rest_day")) && !strcmp(v, "1");
	if ((v = req_field(r, "wind")) && !text_parse_i64(v, &i))
		in.wind = (int)i;
	if ((v = req_field(r, "height_m")) && !text_parse_double(v, &d))
		in.height_m = d;
	if ((v = req_field(r, "factors")) && !text_parse_i64(v, &i))
		in.factors = (int)i;
	if ((v = req_field(r, "load_t")) && !text_parse_double(v, &d))
		in.load_t = d;
	const char *grade = "";
	if (permit_grade_derive(&in, &grade, &e)) {
		permit_err_respond(r, &e);
		return 0;
	}
	int hours = permit_max_hours(r->db, in.type, grade, NULL);
	resp_json(r, 200, json_pack("{s:s, s:s, s:i}", "grade", grade, "label", permit_grade_label(r, in.type, grade),
				    "max_hours", hours));
	return 0;
}

int permit_api_calendar(struct req *r)
{
	const char *month = req_query(r, "month");
	int y, m;
	char tail;
	if (!month || sscanf(month, "%4d-%2d%c", &y, &m, &tail) != 2 || m < 1 || m > 12 || y < 2000 || y > 2200) {
		resp_error(r, 422, "invalid", T(r, "permit.err.month"), "month");
		return 0;
	}
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = 1};
	int64_t from = (int64_t)timegm(&tm) - clock_local_offset();
	struct tm tn = {.tm_year = (m == 12 ? y + 1 : y) - 1900, .tm_mon = m % 12, .tm_mday = 1};
	int64_t to = (int64_t)timegm(&tn) - clock_local_offset();
	int64_t me = r->who->user_id, own = auth_scope_owner(r);
	json_t *items = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT " ROW_COLS " FROM permits p" SCOPE_SQL
		" AND p.state NOT IN ('cancelled', 'draft') AND p.planned_start < ? AND p.planned_end > ?"
		" ORDER BY p.planned_start", "tIIIIIII", auth_scope_pattern(r), own, own, me, me, me, to, from);
	while (st && db_step(st) == 1)
		json_array_append_new(items, row_json(st));
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:s, s:I, s:I, s:o}", "month", month, "from", (json_int_t)from, "to",
				    (json_int_t)to, "items", items));
	return 0;
}

int permit_api_areas(struct req *r)
{
	int64_t me = r->who->user_id, own = auth_scope_owner(r);
	json_t *areas = json_object();
	struct db_stmt *st = db_query(r->db, "SELECT " ROW_COLS " FROM permits p" SCOPE_SQL
		" AND p.state IN ('submitted', 'approving', 'approved', 'in_progress', 'suspended')"
		" ORDER BY a.name, p.planned_start", "tIIIII", auth_scope_pattern(r), own, own, me, me, me);
	while (st && db_step(st) == 1) {
		const char *name = db_col_text(st, 6);
		json_t *list = json_object_get(areas, name);
		if (!list) {
			list = json_array();
			json_object_set_new(areas, name, list);
		}
		json_array_append_new(list, row_json(st));
	}
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o}", "areas", areas));
	return 0;
}

int permit_api_site(struct req *r)
{
	int64_t aid = 0, me = r->who->user_id, own = auth_scope_owner(r);
	if (db_get_i64(r->db, &aid, "SELECT id FROM areas WHERE qr_token = ? AND active = 1", "t",
		       req_param(r, "qr_token")) != 1) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	json_t *items = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT " ROW_COLS " FROM permits p" SCOPE_SQL
		" AND p.area_id = ? AND p.state IN ('approved', 'in_progress', 'suspended') ORDER BY p.planned_start",
		"tIIIIII", auth_scope_pattern(r), own, own, me, me, me, aid);
	while (st && db_step(st) == 1)
		json_array_append_new(items, row_json(st));
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:I, s:o}", "area_id", (json_int_t)aid, "items", items));
	return 0;
}

/* What an application form needs: areas (with the on-site link) and active people — only
 * what the caller may put on a permit. Those who fill in permits (permit.apply: applicant;
 * permit.guard: the guardian names the gas analyst) get the people and areas of their plant:
 * a permit's workers, guardian (GB 30871-2022 §4.10, often the workshop's) and analyst come
 * from other teams and departments of the same plant, so a team leader's own team would be
 * too narrow, and nobody needs names from another plant. Anyone else (a worker) gets only themselves and no areas.
 * The on-site link carries the area's QR token, which stands for being at the place; it is
 * shown only to those who may see the area's QR label (org.view, within their data scope). */
/* One person's protective equipment for a permit type and role (ppe/ppe.h) */
static json_t *ppe_state(struct req *r, const char *type, const char *role, int64_t uid, int64_t day)
{
	const char *why = NULL;
	char *detail = NULL;
	int ok = ppe_permit_check(r->db, type, role, uid, day, &why, &detail);
	json_t *o = json_pack("{s:s}", "level", ok == 1 ? "ok" : ok == 2 ? "warn" : "block");
	if (ok != 1)
		json_object_set_new(o, "missing", json_string(detail ? detail : ""));
	free(detail);
	return o;
}

int permit_api_options(struct req *r)
{
	json_t *areas = json_array(), *people = json_array();
	int fills = auth_has_any(r, "permit.apply permit.guard");
	int qr = auth_has(r, "org.view");
	const char *plant = auth_company_pattern(r), *scope = auth_scope_pattern(r);
	int own = auth_scope_owner(r) != 0;
	struct db_stmt *st = fills ? db_query(r->db,
		"SELECT a.id, a.name, a.unit_id, a.latitude, a.longitude, a.radius_m, a.qr_token,"
		" a.latitude IS NULL, u.path LIKE ? FROM areas a JOIN units u ON u.id = a.unit_id"
		" WHERE a.active = 1 AND u.path LIKE ? ORDER BY a.id", "tt", scope, plant) : NULL;
	while (st && db_step(st) == 1) {
		json_t *a = json_pack("{s:I, s:s, s:I, s:I}", "id", (json_int_t)db_col_i64(st, 0), "name",
				      db_col_text(st, 1), "unit_id", (json_int_t)db_col_i64(st, 2), "radius_m",
				      (json_int_t)db_col_i64(st, 5));
		if (qr && !own && db_col_i64(st, 8))
			json_object_set_new(a, "site_url", json_string(arena_printf(&r->arena, "/permits/site/%s",
										    db_col_text(st, 6))));
		json_object_set_new(a, "latitude", db_col_i64(st, 7) ? json_null() : json_real(db_col_double(st, 3)));
		json_object_set_new(a, "longitude", db_col_i64(st, 7) ? json_null() : json_real(db_col_double(st, 4)));
		json_array_append_new(areas, a);
	}
	db_done(r->db, st);
	st = fills ? db_query(r->db, "SELECT us.id, us.username, us.name FROM users us JOIN units u ON u.id = us.unit_id"
				     " WHERE us.active = 1 AND u.path LIKE ? ORDER BY us.id", "t", plant)
		   : db_query(r->db, "SELECT id, username, name FROM users WHERE id = ? AND active = 1", "I",
			      r->who->user_id);
	/* ?type= (and day=): what the picker marks, each person's protective equipment for it */
	static const char *const types[] = {"hot_work", "confined_space", "blind_plate", "height", "lifting", "temp_power",
					    "excavation", "road_closure", NULL};
	const char *type = NULL, *dq = req_query(r, "day");
	int64_t day = permit_cert_day(clock_now());
	req_query_enum(r, "type", types, &type);
	if (dq && *dq && day_parse(dq, &day))
		req_bad_param(r, "day");
	while (st && db_step(st) == 1) {
		json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)db_col_i64(st, 0), "username", db_col_text(st, 1),
				      "name", db_col_text(st, 2));
		if (type)
			json_object_set_new(o, "ppe", json_pack("{s:o, s:o}", "workers", ppe_state(r, type, "workers",
				db_col_i64(st, 0), day), "guardian", ppe_state(r, type, "guardian", db_col_i64(st, 0), day)));
		json_array_append_new(people, o);
	}
	db_done(r->db, st);
	resp_json(r, 200, json_pack("{s:o, s:o}", "areas", areas, "people", people));
	return 0;
}
