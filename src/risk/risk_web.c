/*
 * risk_web.c — the risk module's route table: the chain's entity pages and API
 * (risk_chain_web.c), a risk's page and assessment (risk_event_web.c), the register and its
 * counts (risk_register_web.c), 岗位风险告知 (risk_ack_web.c), import and export
 * (risk_io_web.c), and the value tables as choices (GET /api/v1/risk/choices).
 */
#include "risk/risk.h"
#include "risk/risk_web.h"
#include "auth/actor.h"
#include "risk/risk_map.h"
#include "db/db.h"
#include "web/entity.h"
#include "web/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ENTITY_HANDLERS(risk_object_entity, obj_list, obj_new, obj_create, obj_edit, obj_update, obj_deact, obj_api_list,
		obj_api_get, obj_api_create, obj_api_update, obj_api_deact)
ENTITY_HANDLERS(risk_unit_entity, unit_list, unit_new, unit_create, unit_edit, unit_update, unit_deact, unit_api_list,
		unit_api_get, unit_api_create, unit_api_update, unit_api_deact)
ENTITY_HANDLERS(risk_event_entity, ev_list, ev_new, ev_create, ev_edit, ev_update, ev_deact, ev_api_list, ev_api_get,
		ev_api_create, ev_api_update, ev_api_deact)
ENTITY_HANDLERS(risk_measure_entity, ms_list, ms_new, ms_create, ms_edit, ms_update, ms_deact, ms_api_list, ms_api_get,
		ms_api_create, ms_api_update, ms_api_deact)

static json_t *choices(struct req *r, const struct risk_choice *t)
{
	json_t *a = json_array();
	for (; t->key; t++)
		json_array_append_new(a, json_pack("{s:f, s:s}", "value", t->value, "label", T(r, t->key)));
	return a;
}

/* The value tables with their words, the levels, the band sets and the data lists: what a
 * client needs to draw the assessment and measure forms. */
int risk_choices_api(struct req *r)
{
	json_t *o = json_pack("{s:{s:o, s:o, s:o}, s:{s:o, s:o}}", "LEC", "l", choices(r, risk_lec_l), "e", choices(r, risk_lec_e),
			      "c", choices(r, risk_lec_c), "LS", "l", choices(r, risk_ls_l), "s", choices(r, risk_ls_s));
	int en = !strcmp(r->lang, "en");
	json_t *sets = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT s.id, s.code, s.method, s.name_zh, s.name_en, s.version, s.builtin"
				    " FROM risk_band_sets s WHERE s.active = 1 ORDER BY s.id", NULL);
	while (st && db_step(st) == 1) {
		struct risk_band_set bs;
		json_t *edges = json_array();
		int64_t id = db_col_i64(st, 0);
		if (!risk_band_set_load(r->db, id, 0, &bs))
			for (int i = 0; i < bs.n; i++)
				json_array_append_new(edges, json_pack("{s:s, s:f, s:b}", "level", bs.bands[i].level, "lower",
								       bs.bands[i].lower, "inclusive", bs.bands[i].inclusive));
		json_array_append_new(sets, json_pack("{s:I, s:s, s:s, s:s, s:i, s:b, s:o}", "id", (json_int_t)id, "code",
			db_col_text(st, 1), "method", db_col_text(st, 2), "name", db_col_text(st, en ? 4 : 3), "version",
			(int)db_col_i64(st, 5), "builtin", (int)db_col_i64(st, 6), "edges", edges));
	}
	db_done(r->db, st);
	json_object_set_new(o, "band_sets", sets);
	json_t *acc = json_array();
	st = db_query(r->db, "SELECT id, list, code, name_zh, name_en FROM risk_accident_types WHERE active = 1 ORDER BY list, sort", NULL);
	while (st && db_step(st) == 1)
		json_array_append_new(acc, json_pack("{s:I, s:s, s:s, s:s}", "id", (json_int_t)db_col_i64(st, 0), "list",
			db_col_text(st, 1), "code", db_col_text(st, 2), "name", db_col_text(st, en ? 4 : 3)));
	db_done(r->db, st);
	json_object_set_new(o, "accident_types", acc);
	json_t *cls = json_array();
	st = db_query(r->db, "SELECT code, parent, depth, name_zh, name_en FROM risk_measure_classes WHERE active = 1 ORDER BY code", NULL);
	while (st && db_step(st) == 1)
		json_array_append_new(cls, json_pack("{s:s, s:s, s:i, s:s}", "code", db_col_text(st, 0), "parent", db_col_text(st, 1),
			"depth", (int)db_col_i64(st, 2), "name", db_col_text(st, en ? 4 : 3)));
	db_done(r->db, st);
	json_object_set_new(o, "measure_classes", cls);
	char *m = NULL;
	db_get_text(r->db, &m, "SELECT value FROM settings WHERE key = 'risk.method'", NULL);
	json_object_set_new(o, "method", json_string(m && !strcmp(m, "LS") ? "LS" : "LEC"));
	free(m);
	resp_json(r, 200, o);
	return 0;
}

static int band_set_post(struct req *r);
static int band_set_use(struct req *r);

#define V "risk.view"
#define E "risk.edit"
const struct route risk_routes[] = {
	{"GET", "/risk", risk_register_page, V, 0, "The risk register by unit, with counts by colour and filters"},
	RISK_MAP_ROUTES,	/* the four-colour map and the notice cards (risk_map.h) */
	{"GET", "/risk/acks", risk_acks_page, NULL, 0, "岗位风险告知: the risks I am asked to confirm, and who in my scope has not"},
	{"POST", "/risk/acks/:id/confirm", risk_ack_confirm_post, NULL, 0, "Confirm that I have read a risk of my post"},
	{"GET", "/risk/settings", risk_settings_get, "risk.approve", 0, "The company's risk settings: method, trigger, deadlines, review, control levels"},
	{"POST", "/risk/settings", risk_settings_post, "risk.approve", 0, "Save the risk settings (each field checked, audited)"},
	{"GET", "/risk/import", risk_import_page, "risk.import", 0, "Import the 风险分级管控清单 (XLSX or CSV): the form"},
	{"POST", "/risk/import", risk_import_post, "risk.import", 0, "Import the register: dry run or commit, all rows or none"},
	{"GET", "/risk/export.xlsx", risk_export_xlsx, V, 0, "The register in the 风险分级管控清单 layout (XLSX)"},
	{"GET", "/risk/export.csv", risk_export_csv, V, 0, "The register in the 风险分级管控清单 layout (CSV)"},
	ENTITY_PAGE_ROUTES("/risk/objects", V, V, E, "Risk analysis object", obj_list, obj_new, obj_create, obj_edit,
			   obj_update, obj_deact),
	ENTITY_PAGE_ROUTES("/risk/units", V, V, E, "Risk analysis unit", unit_list, unit_new, unit_create, unit_edit,
			   unit_update, unit_deact),
	ENTITY_PAGE_ROUTES("/risk/events", V, V, E, "Risk event", ev_list, ev_new, ev_create, ev_edit, ev_update, ev_deact),
	ENTITY_PAGE_ROUTES("/risk/measures", V, V, E, "Control measure", ms_list, ms_new, ms_create, ms_edit, ms_update,
			   ms_deact),
	{"POST", "/risk/events/:id/assess", risk_assess_post, "risk.assess", 0, "Record a new version of a risk's assessment"},
	{"POST", "/risk/assessments/:id/approve", risk_approve_post, "risk.approve", 0, "Approve or reject a 重大/较大 assessment"},
	{"POST", "/risk/events/:id/hazards", risk_hazard_link_post, "risk.assess", 0, "Tie a hazard (by number) to this risk"},
	ENTITY_API_ROUTES("/api/v1/risk/objects", V, E, "Risk analysis object", obj_api_list, obj_api_get, obj_api_create,
			  obj_api_update, obj_api_deact),
	ENTITY_API_ROUTES("/api/v1/risk/units", V, E, "Risk analysis unit", unit_api_list, unit_api_get, unit_api_create,
			  unit_api_update, unit_api_deact),
	ENTITY_API_ROUTES("/api/v1/risk/events", V, E, "Risk event (the register: unit_id, level, kind, overdue)", ev_api_list,
			  ev_api_get, ev_api_create, ev_api_update, ev_api_deact),
	ENTITY_API_ROUTES("/api/v1/risk/measures", V, E, "Control measure", ms_api_list, ms_api_get, ms_api_create,
			  ms_api_update, ms_api_deact),
	{"DELETE", "/api/v1/risk/events/:id", risk_event_delete, E, ROUTE_API,
	 "Delete a risk event nothing points at (409 with measures or hazards: deactivate instead)"},
	{"POST", "/api/v1/risk/events/:id/assessments", risk_assess_post, "risk.assess", ROUTE_API,
	 "Assess a risk event: {method LEC|LS, l, e, c | s, stage, reason, control_level, note, task_id}"},
	{"POST", "/api/v1/risk/assessments/:id/approve", risk_approve_post, "risk.approve", ROUTE_API,
	 "Approve (approve=1) or reject (approve=0) a pending assessment, with a note"},
	{"POST", "/api/v1/risk/events/:id/hazards", risk_hazard_link_post, "risk.assess", ROUTE_API,
	 "Tie a hazard to this risk: {hazard_id | number, measure_id (source 9: the measure failed), source 1–10}"},
	{"POST", "/api/v1/risk/band-sets", band_set_post, "risk.approve", ROUTE_API,
	 "A company's own band set, or a new version of it: {id, code, method, name, major, large, general, inclusive}"},
	{"POST", "/api/v1/risk/band-sets/:id/use", band_set_use, "risk.approve", ROUTE_API, "Use this band set for its method"},
	{"GET", "/api/v1/risk/settings", risk_settings_get, "risk.approve", ROUTE_API, "The company's risk settings"},
	{"PATCH", "/api/v1/risk/settings", risk_settings_post, "risk.approve", ROUTE_API, "Change risk settings: only the fields sent"},
	{"GET", "/api/v1/risk/counts", risk_counts_api, V, ROUTE_API, "Active risks by colour per unit"},
	{"GET", "/api/v1/risk/tasks", risk_tasks_api, V, ROUTE_API | ROUTE_PAGED, "Open re-assessment tasks assigned or escalated to me"},
	{"GET", "/api/v1/risk/choices", risk_choices_api, V, ROUTE_API, "LEC/LS value tables, band sets, accident types, measure classes"},
	{"GET", "/api/v1/risk/acks", risk_acks_page, NULL, ROUTE_API, "My risks to confirm, and who in my scope has not"},
	{"POST", "/api/v1/risk/acks/:id/confirm", risk_ack_confirm_post, NULL, ROUTE_API, "Confirm a risk of my post"},
	{"POST", "/api/v1/risk/import", risk_import_post, "risk.import", ROUTE_API,
	 "Import the register (multipart file or body; dry_run=1): rows, created counts, errors by row and column"},
	{0},
};

/* ---- POST /api/v1/risk/band-sets: a company's own band set, or a new version of it ----
 * {id (to change one), code, method LEC|LS, name, major, large, general: the lower edges,
 * inclusive: 1 for "at least" (LS's way), 0 for "above" (LEC's)}. Earlier assessments keep the
 * version that produced their level. */
static int band_set_post(struct req *r)
{
	const char *code = req_field(r, "code"), *method = req_field(r, "method"), *name = req_field(r, "name");
	const char *idt = req_field(r, "id"), *inc = req_field(r, "inclusive");
	static const char *const names[] = {"major", "large", "general"};
	struct risk_band b[4] = {{"major", 0, 0}, {"large", 0, 0}, {"general", 0, 0}, {"low", 0, 1}};
	int inclusive = inc && !strcmp(inc, "1");
	for (int i = 0; i < 3; i++) {
		const char *v = req_field(r, names[i]);
		char *end = NULL;
		b[i].lower = v ? strtod(v, &end) : -1;
		b[i].inclusive = inclusive;
		if (!v || !*v || !end || *end || b[i].lower > 100000) {
			resp_error(r, 422, "invalid", arena_printf(&r->arena, "%s: %s", names[i], T(r, "form.err_number")), names[i]);
			return 0;
		}
	}
	if (!name || !*name || strlen(name) > 120 || !code || !*code || strlen(code) > 40) {
		const char *f = !name || !*name || strlen(name) > 120 ? "name" : "code";
		resp_error(r, 422, "invalid", arena_printf(&r->arena, "%s: %s", f, T(r, "form.err_required")), f);
		return 0;
	}
	struct actor a;
	actor_from_req(r, &a);
	int64_t id = idt && *idt ? strtoll(idt, NULL, 10) : 0, out = 0;
	const char *field = NULL;
	if (db_begin(r->db) != DB_OK) {
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	int rc = risk_band_set_save(&a, id, code, method ? method : "", name, b, 4, &out, &field);
	if (rc || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		if (rc == -1)
			resp_error(r, 422, "invalid", arena_printf(&r->arena, "%s: %s", field, T(r, "risk.err.bands")), field);
		else
			resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	struct risk_band_set s;
	risk_band_set_load(r->db, out, 0, &s);
	json_t *edges = json_array();
	for (int i = 0; i < s.n; i++)
		json_array_append_new(edges, json_pack("{s:s, s:f, s:b}", "level", s.bands[i].level, "lower", s.bands[i].lower,
						       "inclusive", s.bands[i].inclusive));
	resp_json(r, 201, json_pack("{s:I, s:s, s:s, s:i, s:o}", "id", (json_int_t)out, "code", s.code, "method", s.method,
				    "version", s.version, "edges", edges));
	return 0;
}

/* ---- POST /api/v1/risk/band-sets/:id/use: the set the company's assessments use ---- */
static int band_set_use(struct req *r)
{
	int64_t id;
	char *method = NULL;
	if (req_param_id(r, "id", &id) ||
	    db_get_text(r->db, &method, "SELECT method FROM risk_band_sets WHERE id = ? AND active = 1", "I", id) != 1) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
		return 0;
	}
	struct actor a;
	actor_from_req(r, &a);
	char key[32];
	snprintf(key, sizeof(key), "risk.band_set.%s", method);
	free(method);
	int rc = db_begin(r->db);
	if (rc == DB_OK)
		rc = db_exec(r->db, "UPDATE settings SET value = (SELECT code FROM risk_band_sets WHERE id = ?), updated_at = ?"
				    " WHERE key = ?", "IIt", id, a.now, key);
	if (rc == DB_OK)
		rc = actor_audit(&a, "risk_band_set", id, "use", key);
	if (rc != DB_OK || db_commit(r->db) != DB_OK) {
		db_rollback(r->db);
		resp_error(r, 503, "unavailable", T(r, "error.unavailable"), NULL);
		return 0;
	}
	resp_json(r, 200, json_pack("{s:I, s:s}", "id", (json_int_t)id, "setting", key));
	return 0;
}
