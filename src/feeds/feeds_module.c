/*
 * feeds_module.c — the feeds module's entry in the module table (base/module.h): HR imports
 * belong to HR (feeds.hr), equipment imports and the health settings to the equipment
 * manager (feeds.eam); the job that pulls when due and scores the equipment; the API shapes.
 * Its pages sit under /admin (a link on the admin page), not in the main menu.
 */
#include "feeds/feeds.h"
#include "base/module.h"

static const struct module_perm perms[] = {
	{"feeds.hr", "hr"},
	{"feeds.eam", "equip_manager"},
	{0},
};

/* the caller's open preventive tasks (feeds_tasks_web.c), the same query as ?todo=mine */
static const struct module_todo todo[] = {
	{45, "/health-tasks?todo=mine", "feeds.todo.health", NULL, feeds_health_todo},
	{0},
};

static const struct module_job jobs[] = {
	{"feeds", feeds_sched_run},
	{0},
};

#define S "{\"type\":\"string\"}"
#define I "{\"type\":\"integer\"}"
#define B "{\"type\":\"boolean\"}"
#define IMPORT_IN "{\"type\":\"object\",\"required\":[\"file\"],\"x-media\":\"multipart/form-data\",\"properties\":{" \
	"\"file\":{\"type\":\"string\",\"format\":\"binary\",\"description\":\"XLSX or UTF-8 CSV\"}," \
	"\"commit\":{\"type\":\"string\",\"enum\":[\"0\",\"1\"],\"description\":\"1: apply; otherwise a dry run\"}," \
	"\"confirm\":{\"type\":\"string\",\"enum\":[\"0\",\"1\"],\"description\":\"1: accept more leavers than the configured share\"}}}"
#define PULL_IN "{\"type\":\"object\",\"properties\":{\"commit\":{\"type\":\"string\",\"enum\":[\"0\",\"1\"]}," \
	"\"confirm\":{\"type\":\"string\",\"enum\":[\"0\",\"1\"]}}}"
#define RESULT "{\"type\":\"object\",\"required\":[\"run_id\",\"applied\",\"rows\",\"problems\",\"changes\"],\"properties\":{" \
	"\"run_id\":" I ",\"applied\":" B ",\"rows\":" I ",\"created\":" I ",\"updated\":" I ",\"deactivated\":" I "," \
	"\"reassigned\":" I ",\"units_created\":" I ",\"problems_total\":" I ",\"share_refused\":" B "," \
	"\"leave_pct\":" I ",\"leave_limit_pct\":" I "," \
	"\"problems\":{\"type\":\"array\",\"x-bounded\":true,\"items\":{\"type\":\"object\",\"properties\":{\"row\":" I "," \
	"\"field\":" S ",\"code\":" S ",\"value\":" S "}}}," \
	"\"changes\":{\"type\":\"array\",\"x-bounded\":true,\"items\":{\"type\":\"object\",\"properties\":{\"subject\":" S "," \
	"\"action\":" S ",\"detail\":" S "}}}}}"
#define CONFIG_IN "{\"type\":\"object\",\"properties\":{\"url\":{\"type\":\"string\",\"maxLength\":1000}," \
	"\"auth_name\":{\"type\":\"string\",\"maxLength\":64},\"auth\":{\"type\":\"string\",\"maxLength\":2000," \
	"\"writeOnly\":true,\"description\":\"the auth header's value; sealed, never returned\"}," \
	"\"clear_auth\":{\"type\":\"string\",\"enum\":[\"0\",\"1\"]},\"mapping\":{\"type\":\"string\",\"maxLength\":4000," \
	"\"description\":\"JSON object: field -> member path, _items, _next\"},\"interval_min\":" I "," \
	"\"max_leave_pct\":" I ",\"w_hazard\":" I ",\"w_overdue\":" I ",\"w_maint\":" I ",\"grace_days\":" I "," \
	"\"w_reading\":" I ",\"threshold\":" I "}}"
#define CONFIG_OUT "{\"type\":\"object\",\"required\":[\"url\",\"auth_set\",\"mapping\",\"interval_min\"],\"properties\":{" \
	"\"url\":" S ",\"auth_name\":" S ",\"auth_set\":" B ",\"mapping\":" S ",\"interval_min\":" I "," \
	"\"max_leave_pct\":" I ",\"w_hazard\":" I ",\"w_overdue\":" I ",\"w_maint\":" I ",\"grace_days\":" I "," \
	"\"w_reading\":" I ",\"threshold\":" I "}}"
#define PAGED(item) "{\"type\":\"object\",\"required\":[\"items\",\"page\",\"per_page\",\"total\"],\"properties\":{" \
	"\"items\":{\"type\":\"array\",\"items\":" item "},\"page\":" I ",\"per_page\":" I ",\"total\":" I "}}"
#define RUN "{\"type\":\"object\",\"required\":[\"id\",\"via\",\"outcome\"],\"properties\":{\"id\":" I ",\"via\":{\"enum\":[\"file\",\"pull\"]}," \
	"\"dry_run\":" B ",\"outcome\":{\"enum\":[\"applied\",\"dry_run\",\"refused\",\"failed\"]},\"rows\":" I ",\"created\":" I "," \
	"\"updated\":" I ",\"deactivated\":" I ",\"reassigned\":" I ",\"problems\":" I ",\"message\":" S ",\"at\":" I "}}"
#define HEALTH "{\"type\":\"object\",\"required\":[\"equipment_id\",\"code\",\"score\"],\"properties\":{\"equipment_id\":" I "," \
	"\"code\":" S ",\"name\":" S ",\"score\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100},\"factors\":" S "," \
	"\"scored_at\":" I ",\"type\":" S ",\"task_id\":{\"type\":\"integer\",\"nullable\":true}}}"
#define NOQ "{\"type\":\"object\",\"properties\":{}}"
#define TASK "{\"type\":\"object\",\"required\":[\"id\",\"equipment_id\",\"code\",\"score\",\"open\"],\"properties\":{" \
	"\"id\":" I ",\"equipment_id\":" I ",\"code\":" S ",\"name\":" S ",\"kind\":" S ",\"area\":" S "," \
	"\"score\":{\"type\":\"integer\",\"description\":\"the score when the task was opened\"}," \
	"\"score_now\":{\"type\":\"integer\",\"nullable\":true},\"opened_at\":" I "," \
	"\"closed_at\":{\"type\":\"integer\",\"nullable\":true},\"open\":" B ",\"closed_how\":{\"enum\":[\"\",\"closed\"," \
	"\"recovered\"]},\"close_note\":" S ",\"assignee\":" S ",\"closed_by\":" S "," \
	"\"factors\":{\"type\":\"array\",\"x-bounded\":true,\"items\":{\"type\":\"object\",\"properties\":{" \
	"\"factor\":{\"enum\":[\"hazards\",\"overdue\",\"days_since_maintenance\",\"readings\"]},\"value\":" I "," \
	"\"cost\":" I "}}}}}"
#define TASK_Q "{\"type\":\"object\",\"properties\":{\"state\":{\"enum\":[\"open\",\"closed\",\"all\"]}," \
	"\"todo\":{\"enum\":[\"mine\"],\"description\":\"the caller's open tasks (the home page's line)\"}}}"
#define CLOSE_IN "{\"type\":\"object\",\"required\":[\"note\"],\"properties\":{\"note\":{\"type\":\"string\"," \
	"\"minLength\":1,\"maxLength\":500,\"description\":\"what was done\"},\"maintenance\":{\"type\":\"boolean\"," \
	"\"description\":\"maintenance done today: recorded, so the score can recover\"}}}"

#define FEED_SCHEMAS(k) \
	{"POST", "/api/v1/feeds/" k "/import", IMPORT_IN, RESULT}, \
	{"POST", "/api/v1/feeds/" k "/pull", PULL_IN, RESULT}, \
	{"GET", "/api/v1/feeds/" k "/config", NOQ, CONFIG_OUT}, \
	{"POST", "/api/v1/feeds/" k "/config", CONFIG_IN, CONFIG_OUT}, \
	{"GET", "/api/v1/feeds/" k "/runs", NOQ, PAGED(RUN)}

static const struct module_schema schemas[] = {
	FEED_SCHEMAS("hr"),
	FEED_SCHEMAS("eam"),
	{"GET", "/api/v1/feeds/health", NOQ, PAGED(HEALTH)},
	{"GET", "/api/v1/feeds/health-tasks", TASK_Q, PAGED(TASK)},
	{"GET", "/api/v1/feeds/health-tasks/:id", NOQ, TASK},
	{"POST", "/api/v1/feeds/health-tasks/:id/close", CLOSE_IN, TASK},
	{0},
};

const struct module feeds_module = {
	.name = "feeds",
	.migrations = "1200-1249",
	.routes = feeds_routes,
	.perms = perms,
	.jobs = jobs,
	.todo = todo,
	.schemas = schemas,
};
