/*
 * check_web.h — what the check module's page and API files share: a task as the pages show
 * it (its columns and joins), who may open it, and the handlers the route table names.
 */
#ifndef ANQUAN_CHECK_WEB_H
#define ANQUAN_CHECK_WEB_H

#include <stdint.h>
#include "http/http.h"

struct db_stmt;

struct check_task {
	int64_t id, ws, we, seq, template_id, record_id, plan_id, unit_id, assignee_id, point_id, measure_id, position_id;
	int require_scan, is_defend;
	const char *origin, *status, *label, *point, *role, *content;
};

/* A task's label: the measure it checks, the round plan's name, or 包保 and the object. */
#define CHECK_TASK_COLS "k.id, k.origin, k.status, k.window_start, k.window_end, k.seq," \
	" COALESCE(m.description, pl.name, '包保 · ' || o.name, '应急物资 · ' || er.name || ' · ' || er.place, ''), COALESCE(cp.name, ''), k.template_id, t.require_scan," \
	" k.is_defend, COALESCE(k.record_id, 0), COALESCE(k.plan_id, 0), COALESCE(k.baobao_role, ''), COALESCE(m.check_content, '')," \
	" k.unit_id, COALESCE(k.assignee_id, 0), COALESCE(k.point_id, 0), COALESCE(k.measure_id, 0), COALESCE(k.position_id, 0)"
#define CHECK_TASK_FROM " FROM check_tasks k JOIN check_templates t ON t.id = k.template_id" \
	" LEFT JOIN risk_measures m ON m.id = k.measure_id LEFT JOIN check_plans pl ON pl.id = k.plan_id" \
	" LEFT JOIN risk_objects o ON o.id = k.object_id LEFT JOIN check_points cp ON cp.id = k.point_id" \
	" LEFT JOIN emerg_resources er ON er.id = k.resource_id"
/* the caller's tasks: theirs by name, or their post's in their unit or a unit above it (a
 * round plan of the tank farm is for the tank farm's operators). Binds the user id, their
 * position and their unit's path. */
#define CHECK_POST_MINE "(k.assignee_id IS NULL AND k.position_id = ? AND EXISTS (SELECT 1 FROM units tu" \
	" WHERE tu.id = k.unit_id AND ? LIKE tu.path || '%'))"
#define CHECK_MINE " WHERE (k.assignee_id = ? OR " CHECK_POST_MINE ")"
/* a task waiting for its person now: open, its window open (two times: now, now) */
#define CHECK_DUE_NOW " AND k.status = 'open' AND k.window_start <= ? AND k.window_end > ?"
#define CHECK_MY_PATH(r) ((r)->who && (r)->who->unit_path ? (r)->who->unit_path : "")

void check_task_from_row(struct req *r, struct db_stmt *st, struct check_task *t);
/* 0 when the caller may see the task (for_doing: may record it), else -1 */
int check_task_load(struct req *r, int64_t id, struct check_task *t, int for_doing);
int check_record_load(struct req *r, int64_t id, struct check_task *t, int64_t *user);
int64_t check_my_position(struct req *r);
const char *check_window_text(struct req *r, int64_t ws, int64_t we);

/* check_web.c */
int check_today_page(struct req *r);
int check_scan_page(struct req *r);
int check_task_page(struct req *r);
int check_task_post(struct req *r);
int check_record_page(struct req *r);
int check_item_hazard_post(struct req *r);
/* check_api.c */
int check_api_tasks(struct req *r);
int check_api_task(struct req *r);
int check_api_scan(struct req *r);
int check_api_record_create(struct req *r);
int check_api_record(struct req *r);
/* A record as JSON (results, capture time, voice notes), for the API and the form's API twin. */
struct json_t *check_record_json(struct req *r, int64_t id);
/* GET /checks/records/:id/voice/:sha — a record's voice note, to those who may see the record. */
int check_record_voice_get(struct req *r);
int check_api_coverage(struct req *r);
int check_api_templates(struct req *r);
int check_api_template(struct req *r);
int check_api_template_create(struct req *r);
int check_api_template_items(struct req *r);
int check_api_plans(struct req *r);
int check_api_plan_create(struct req *r);
/* the stores the API and the desktop forms share (check_api.c): 0/id/version, or -1 with *field
 * and *key naming what is wrong ("error.unavailable": nothing was stored) */
struct json_t;
int check_items_store(struct req *r, int64_t id, int64_t version, struct json_t *arr, const char **field, const char **key);
int64_t check_template_insert(struct req *r, const char *name, const char *kind, int64_t unit, int64_t source, int rs,
			      struct json_t *items, struct json_t *binds, const char **field, const char **key);
int64_t check_template_version(struct req *r, int64_t id, int rs, struct json_t *items, const char **field, const char **key);
int64_t check_plan_insert(struct req *r, const char *name, int64_t unit, int64_t tmpl, int64_t pos, int64_t user, int64_t ss,
			  int64_t se, int64_t every, const int64_t *pts, size_t npts);
extern const char *const check_template_kinds[];
/* check_forms_web.c: the desktop forms of checklists (a new one, a new version) and round plans */
int check_template_new_page(struct req *r);
int check_template_create_post(struct req *r);
int check_template_edit_page(struct req *r);
int check_template_version_post(struct req *r);
int check_plan_new_page(struct req *r);
int check_plan_create_post(struct req *r);
/* check_photo_web.c: a record's photo to those who may see the record */
int check_record_photo_get(struct req *r);
/* check_admin_web.c */
int check_templates_page(struct req *r);
int check_template_page(struct req *r);
int check_plans_page(struct req *r);
int check_calendar_page(struct req *r);
int check_missed_page(struct req *r);
int check_coverage_page(struct req *r);
/* coverage (check_coverage.c): per unit of the pattern and period [from, to) */
int check_coverage_json(struct req *r, const char *pattern, int64_t from, int64_t to, int64_t now, struct json_t **out);

#endif
