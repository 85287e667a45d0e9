/*
 * check_routes.c — the check module's route table: the phone pages and the record
 * (check_web.c), the desktop pages (check_admin_web.c, check_coverage.c), checkpoints and
 * stops on the entity layer (check_points_web.c), the forms of checklists and plans
 * (check_forms_web.c) and the JSON API (check_api.c).
 */
#include "check/check.h"
#include "check/check_web.h"
#include "web/entity.h"

extern const struct entity check_point_entity, check_stop_entity;

ENTITY_HANDLERS(check_point_entity, pt_list, pt_new, pt_create, pt_edit, pt_update, pt_deact, pt_api_list, pt_api_get,
		pt_api_create, pt_api_update, pt_api_deact)
ENTITY_HANDLERS(check_stop_entity, sp_list, sp_new, sp_create, sp_edit, sp_update, sp_deact, sp_api_list, sp_api_get,
		sp_api_create, sp_api_update, sp_api_deact)

const struct route check_routes[] = {
	{"GET", "/checks", check_today_page, "check.do", 0, "My checks today, in route order, with each round's progress"},
	{"GET", "/c/:point_token", check_scan_page, "check.do", 0, "A checkpoint's QR label: records the scan and opens the task due there"},
	{"GET", "/checks/tasks/:id", check_task_page, "check.do", 0, "A check task and its form"},
	{"POST", "/checks/tasks/:id", check_task_post, "check.do", 0, "Record a check (multipart form, photos per item)"},
	{"GET", "/checks/records/:id", check_record_page, "check.do", 0, "A check record: results, time on site, failed items"},
	{"GET", "/checks/records/:id/photos/:sha", check_record_photo_get, "check.do", 0,
	 "A check record's photo (?thumb=1) to those who may see the record"},
	{"GET", "/checks/records/:id/voice/:sha", check_record_voice_get, "check.do", 0,
	 "A check record's voice note (audio/webm, ogg or mp4) to those who may see the record"},
	{"POST", "/checks/records/:id/items/:item/hazard", check_item_hazard_post, "hazard.report", 0,
	 "File a failed item as a hazard, pre-filled and linked"},
	{"GET", "/checks/templates", check_templates_page, "check.view", 0, "Checklists"},
	{"GET", "/checks/templates/new", check_template_new_page, "check.manage", 0, "The form for a new checklist with its items"},
	{"POST", "/checks/templates", check_template_create_post, "check.manage", 0, "Create a checklist (version 1) from the form"},
	{"GET", "/checks/templates/:id/edit", check_template_edit_page, "check.manage", 0, "The form for a checklist's next version"},
	{"POST", "/checks/templates/:id/edit", check_template_version_post, "check.manage", 0,
	 "Write a checklist's next version from the form (records keep theirs)"},
	{"GET", "/checks/templates/:id", check_template_page, "check.view", 0, "A checklist's items (?version=N)"},
	{"GET", "/checks/plans", check_plans_page, "check.view", 0, "Round plans"},
	{"GET", "/checks/plans/new", check_plan_new_page, "check.manage", 0, "The form for a new round plan"},
	{"POST", "/checks/plans", check_plan_create_post, "check.manage", 0, "Create a round plan from the form"},
	{"GET", "/checks/calendar", check_calendar_page, "check.view", 0, "A month of check tasks by day"},
	{"GET", "/checks/missed", check_missed_page, "check.view", 0, "Missed checks by unit and person"},
	{"GET", "/checks/coverage", check_coverage_page, "check.view", 0, "Check coverage per unit"},
	ENTITY_PAGE_ROUTES("/checks/points", "check.view", "check.view", "check.manage", "Checkpoint", pt_list, pt_new, pt_create,
			   pt_edit, pt_update, pt_deact),
	ENTITY_PAGE_ROUTES("/checks/stops", "check.view", "check.view", "check.manage", "Out-of-use period", sp_list, sp_new,
			   sp_create, sp_edit, sp_update, sp_deact),
	{"GET", "/api/v1/check/tasks", check_api_tasks, "check.do", ROUTE_API | ROUTE_PAGED, "My check tasks of a day (?day, ?status; ?all=1 the scope's)"},
	{"GET", "/api/v1/check/tasks/:id", check_api_task, "check.do", ROUTE_API, "A check task with its form's items"},
	{"POST", "/api/v1/check/scans", check_api_scan, "check.do", ROUTE_API, "Scan a checkpoint (QR token or NFC tag id, GPS)"},
	{"POST", "/api/v1/check/records", check_api_record_create, "check.do", ROUTE_API, "Record a check (idempotent by idem_key)"},
	{"POST", "/api/v1/check/tasks/:id/record", check_task_post, "check.do", ROUTE_API,
	 "Record a check as the form does (multipart: item_<id>, photo_<id>, voice; idempotent by idem_key; captured_at): a round kept on the phone without signal"},
	{"GET", "/api/v1/check/records/:id", check_api_record, "check.do", ROUTE_API, "A check record with its results"},
	{"POST", "/api/v1/check/records/:id/items/:item/hazard", check_item_hazard_post, "hazard.report", ROUTE_API,
	 "File a failed item as a hazard"},
	{"GET", "/api/v1/check/coverage", check_api_coverage, "check.view", ROUTE_API, "Coverage per unit (?from, ?to)"},
	{"GET", "/api/v1/check/templates", check_api_templates, "check.view", ROUTE_API | ROUTE_PAGED, "Checklists"},
	{"POST", "/api/v1/check/templates", check_api_template_create, "check.manage", ROUTE_API, "Create a checklist (version 1)"},
	{"GET", "/api/v1/check/templates/:id", check_api_template, "check.view", ROUTE_API, "A checklist with its items (?version)"},
	{"POST", "/api/v1/check/templates/:id/versions", check_api_template_items, "check.manage", ROUTE_API,
	 "New items for a checklist: its next version"},
	{"GET", "/api/v1/check/plans", check_api_plans, "check.view", ROUTE_API | ROUTE_PAGED, "Round plans"},
	{"POST", "/api/v1/check/plans", check_api_plan_create, "check.manage", ROUTE_API, "Create a round plan"},
	ENTITY_API_ROUTES("/api/v1/check/points", "check.view", "check.manage", "Checkpoint", pt_api_list, pt_api_get, pt_api_create,
			  pt_api_update, pt_api_deact),
	ENTITY_API_ROUTES("/api/v1/check/stops", "check.view", "check.manage", "Out-of-use period", sp_api_list, sp_api_get,
			  sp_api_create, sp_api_update, sp_api_deact),
	{0},
};
