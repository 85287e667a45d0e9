/*
 * accident_routes.c — the accident module's route table: pages and /api/v1, the same
 * handlers answering both (r->is_api). Literal paths come before /incidents/:id.
 */
#include "accident/accident.h"
#include "accident/accident_web.h"

const struct route accident_routes[] = {
	{"GET", "/incidents", accident_list, "accident.view", 0, "Incidents and near misses in the caller's scope"},
	{"GET", "/incidents/new", accident_new_page, "accident.report", 0, "Incident: the report form"},
	{"POST", "/incidents", accident_create_post, "accident.report", 0, "Incident: report"},
	{"GET", "/incidents/bulletin", accident_bulletin, NULL, 0, "Lessons bulletin and praised near-miss reporters"},
	{"GET", "/incidents/stats", accident_stats_page, "accident.stats", 0, "Accident statistics and hours worked"},
	{"POST", "/incidents/hours", accident_hours_post, "accident.investigate", 0, "Hours worked of a unit in a month"},
	{"GET", "/incidents/escalation", accident_chain_get, "accident.stats", 0, "The escalation chain of the one-hour clock"},
	{"POST", "/incidents/escalation", accident_chain_post, "accident.external", 0, "Set the escalation chain"},
	{"POST", "/incidents/actions/:id/done", accident_action_done_post, "accident.view", 0, "Corrective action: done"},
	{"GET", "/incidents/:id", accident_show, "accident.view", 0, "Incident: one"},
	{"GET", "/incidents/:id/photo", accident_photo_get, "accident.view", 0, "Incident: its photo"},
	{"POST", "/incidents/:id/report", accident_report_post, "accident.external", 0, "Incident: reported to the authority"},
	{"POST", "/incidents/:id/steps", accident_step_post, "accident.investigate", 0, "Incident: record an investigation step (cause, responsibility, lessons, measures)"},
	{"POST", "/incidents/:id/actions", accident_action_post, "accident.investigate", 0, "Incident: add a corrective action"},
	{"POST", "/incidents/:id/close", accident_close_post, "accident.investigate", 0, "Incident: close"},
	{"GET", "/api/v1/incidents", accident_list, "accident.view", ROUTE_API | ROUTE_PAGED, "Incidents in the caller's scope"},
	{"POST", "/api/v1/incidents", accident_create_post, "accident.report", ROUTE_API, "Report an incident or near miss"},
	{"GET", "/api/v1/incidents/stats", accident_stats_page, "accident.stats", ROUTE_API, "Accident statistics of the last 12 months"},
	{"POST", "/api/v1/incidents/hours", accident_hours_post, "accident.investigate", ROUTE_API, "Set hours worked of a unit in a month"},
	{"GET", "/api/v1/incidents/escalation", accident_chain_get, "accident.stats", ROUTE_API, "The escalation chain of the one-hour clock"},
	{"POST", "/api/v1/incidents/escalation", accident_chain_post, "accident.external", ROUTE_API, "Set the escalation chain"},
	{"POST", "/api/v1/incidents/actions/:id/done", accident_action_done_post, "accident.view", ROUTE_API, "Corrective action: done"},
	{"GET", "/api/v1/incidents/:id", accident_show, "accident.view", ROUTE_API, "Incident: one"},
	{"POST", "/api/v1/incidents/:id/report", accident_report_post, "accident.external", ROUTE_API, "Incident: reported to the authority"},
	{"POST", "/api/v1/incidents/:id/steps", accident_step_post, "accident.investigate", ROUTE_API, "Incident: record an investigation step (cause, responsibility, lessons, measures)"},
	{"POST", "/api/v1/incidents/:id/actions", accident_action_post, "accident.investigate", ROUTE_API, "Incident: add a corrective action"},
	{"POST", "/api/v1/incidents/:id/close", accident_close_post, "accident.investigate", ROUTE_API, "Incident: close"},
	{0},
};
