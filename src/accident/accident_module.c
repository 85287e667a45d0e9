/*
 * accident_module.c — the accident module's entry in the module table (base/module.h):
 * routes, permissions (everyone with a business role reports and sees their own; the
 * principal and the safety director make the one-hour external report; the safety staff
 * investigate), the menu entry, the "waiting for me" lines (the external report, one's
 * corrective actions), the clock's job, the API shapes and the demo.
 */
#include "accident/accident.h"
#include "base/module.h"

static const struct module_perm perms[] = {
	{"accident.report", "worker team_leader ws_safety ws_director safety_dept safety_director principal equip_manager hr"},
	{"accident.view", "worker team_leader ws_safety ws_director safety_dept safety_director principal equip_manager hr"},
	{"accident.stats", "team_leader ws_safety ws_director safety_dept safety_director principal"},
	{"accident.investigate", "ws_safety safety_dept safety_director"},
	/* 国务院令第493号 Art. 9: the unit's principal reports within the hour; the safety
	 * director may file it for him */
	{"accident.external", "principal safety_director"},
	{0},
};

static const struct module_menu menu[] = {
	{33, "/incidents", "nav.incidents", "accident.view"},
	{0},
};

static const struct module_todo todo[] = {
	{5, "/incidents?todo=report", "accident.todo.report", "accident.external", accident_todo_report},
	{35, "/incidents?todo=actions", "accident.todo.actions", "accident.view", accident_todo_actions},
	{0},
};

static const struct module_job jobs[] = {
	{"accident", accident_sched_run},
	{0},
};

#define STEP_SCHEMA \
	"{\"type\":\"object\",\"nullable\":true,\"properties\":{\"text\":{\"type\":\"string\"},\"at\":{\"type\":\"integer\"}}}"
#define INCIDENT_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"id\",\"kind\",\"what\",\"level\",\"status\",\"reportable\"],\"properties\":{" \
	"\"id\":{\"type\":\"integer\"},\"kind\":{\"enum\":[\"accident\",\"near_miss\"]},\"what\":{\"type\":\"string\"}," \
	"\"area\":{\"type\":\"string\"},\"area_id\":{\"type\":\"integer\"},\"unit_id\":{\"type\":\"integer\"}," \
	"\"occurred_at\":{\"type\":\"integer\"},\"type_code\":{\"type\":\"string\"}," \
	"\"deaths\":{\"type\":\"integer\"},\"serious\":{\"type\":\"integer\"},\"minor\":{\"type\":\"integer\"}," \
	"\"loss_yuan\":{\"type\":\"integer\"}," \
	"\"level\":{\"enum\":[\"none\",\"general\",\"larger\",\"major\",\"especially_major\"]}," \
	"\"status\":{\"enum\":[\"open\",\"closed\"]},\"reportable\":{\"type\":\"boolean\"}," \
	"\"reporter_id\":{\"type\":\"integer\"},\"report_due\":{\"type\":\"integer\",\"nullable\":true}," \
	"\"reported_externally_at\":{\"type\":\"integer\",\"nullable\":true}," \
	"\"escalated_at\":{\"type\":\"integer\",\"nullable\":true},\"seconds_left\":{\"type\":\"integer\",\"nullable\":true}," \
	"\"has_photo\":{\"type\":\"boolean\"},\"root_cause\":{\"type\":\"string\",\"nullable\":true}," \
	"\"external_note\":{\"type\":\"string\",\"nullable\":true}," \
	"\"steps\":{\"type\":\"object\",\"properties\":{\"cause\":" STEP_SCHEMA ",\"responsibility\":" STEP_SCHEMA \
	",\"lessons\":" STEP_SCHEMA ",\"measures\":" STEP_SCHEMA "}}," \
	"\"people\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}," \
	"\"injury\":{\"enum\":[\"death\",\"serious\",\"minor\"]}}}}," \
	"\"actions\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}," \
	"\"title\":{\"type\":\"string\"},\"owner_id\":{\"type\":\"integer\"},\"due\":{\"type\":\"string\",\"format\":\"date\"}," \
	"\"status\":{\"enum\":[\"open\",\"done\"]},\"done_at\":{\"type\":\"integer\",\"nullable\":true}}}}}}"
#define LIST_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"items\",\"page\",\"per_page\",\"total\"],\"properties\":{" \
	"\"items\":{\"type\":\"array\",\"items\":" INCIDENT_SCHEMA "},\"page\":{\"type\":\"integer\"}," \
	"\"per_page\":{\"type\":\"integer\"},\"total\":{\"type\":\"integer\"}}}"
#define REPORT_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"kind\",\"what\",\"area_id\",\"type_code\"],\"properties\":{" \
	"\"kind\":{\"enum\":[\"accident\",\"near_miss\"]},\"what\":{\"type\":\"string\",\"maxLength\":500}," \
	"\"area_id\":{\"type\":\"integer\"},\"type_code\":{\"type\":\"string\",\"description\":\"a type of the edition in force" \
	" (GET /api/v1/incidents/escalation: type_edition): 2025-01 to 2025-27, or 1986-01 to 1986-20\"}," \
	"\"occurred_at\":{\"type\":\"string\",\"description\":\"YYYY-MM-DDTHH:MM in the plant's zone; empty: now\"}," \
	"\"deaths\":{\"type\":\"integer\",\"minimum\":0},\"serious\":{\"type\":\"integer\",\"minimum\":0}," \
	"\"minor\":{\"type\":\"integer\",\"minimum\":0},\"loss_wan\":{\"type\":\"number\",\"minimum\":0," \
	"\"description\":\"direct economic loss in 万元 (10,000 yuan)\"},\"reportable\":{\"type\":\"string\",\"enum\":[\"\",\"1\"]}," \
	"\"person_name\":{\"type\":\"array\",\"maxItems\":20,\"items\":{\"type\":\"string\",\"maxLength\":64}}," \
	"\"person_injury\":{\"type\":\"array\",\"maxItems\":20,\"items\":{\"enum\":[\"death\",\"serious\",\"minor\"]}}," \
	"\"photo_sha\":{\"type\":\"string\",\"description\":\"SHA-256 from POST /api/v1/photos\"}}}"
#define NOTE_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"note\"],\"properties\":{\"note\":{\"type\":\"string\",\"maxLength\":1000}}}"
#define STEP_IN_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"step\",\"text\"],\"properties\":{" \
	"\"step\":{\"enum\":[\"cause\",\"responsibility\",\"lessons\",\"measures\"]},\"text\":{\"type\":\"string\",\"maxLength\":4000}," \
	"\"root_cause\":{\"type\":\"string\",\"description\":\"for step cause: human, thing, environment, management\"}}}"
#define ACTION_IN_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"title\",\"owner_id\",\"due\"],\"properties\":{" \
	"\"title\":{\"type\":\"string\",\"maxLength\":200},\"owner_id\":{\"type\":\"string\",\"description\":\"a user id\"}," \
	"\"due\":{\"type\":\"string\",\"format\":\"date\"}}}"
#define HOURS_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"unit_id\",\"month\",\"hours\"],\"properties\":{" \
	"\"unit_id\":{\"type\":\"string\"},\"month\":{\"type\":\"string\",\"pattern\":\"^[0-9]{4}-[0-9]{2}$\"}," \
	"\"hours\":{\"type\":\"string\"}}}"
/* the editions of GB 6441 accident_types carries (accident_type_editions) */
#define EDITION_ENUM "{\"type\":\"string\",\"enum\":[\"2025\",\"1986\"]}"
#define STATS_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"accidents\",\"near_misses\",\"injuries\",\"hours\",\"ltifr\"],\"properties\":{" \
	"\"from\":{\"type\":\"integer\"},\"to\":{\"type\":\"integer\"},\"accidents\":{\"type\":\"integer\"}," \
	"\"near_misses\":{\"type\":\"integer\"},\"injuries\":{\"type\":\"integer\"},\"deaths\":{\"type\":\"integer\"}," \
	"\"hours\":{\"type\":\"integer\"},\"ltifr\":{\"type\":\"number\",\"nullable\":true}," \
	"\"by_type\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"type\":{\"type\":\"string\"}," \
	"\"code\":{\"type\":\"string\"},\"edition\":" EDITION_ENUM "," \
	"\"accidents\":{\"type\":\"integer\"},\"near_misses\":{\"type\":\"integer\"}}}}}}"

/* the escalation chain of the one-hour clock: as text and as steps (bounded: at most 5) */
#define CHAIN_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"steps\",\"chain\"],\"properties\":{\"steps\":{\"type\":\"string\"}," \
	"\"chain\":{\"type\":\"array\",\"x-bounded\":\"at most 5 steps\",\"maxItems\":5,\"items\":{\"type\":\"object\",\"properties\":{" \
	"\"minutes\":{\"type\":\"integer\"},\"target\":{\"enum\":[\"superior\",\"safety_director\",\"safety_dept\"]}}}}," \
	"\"type_edition\":" EDITION_ENUM "}}"

static const struct module_schema schemas[] = {
	{"GET", "/api/v1/incidents", NULL, LIST_SCHEMA},
	{"GET", "/api/v1/incidents/escalation", NULL, CHAIN_SCHEMA},
	{"POST", "/api/v1/incidents/escalation", "{\"type\":\"object\",\"description\":\"steps, or type_edition alone\",\"properties\":{\"steps\":{\"type\":\"string\","
	 "\"maxLength\":199,\"description\":\"minutes:who, comma-separated, later each, from 60 to 1440 minutes; who: superior, safety_director or safety_dept\","
	 "\"example\":\"60:superior,90:safety_director\"},\"type_edition\":{\"type\":\"string\",\"enum\":[\"2025\",\"1986\"],"
	 "\"description\":\"the edition of GB 6441 whose types new incidents take (sent without steps)\"}}}", CHAIN_SCHEMA},
	{"POST", "/api/v1/incidents", REPORT_SCHEMA, INCIDENT_SCHEMA},
	{"GET", "/api/v1/incidents/:id", NULL, INCIDENT_SCHEMA},
	{"POST", "/api/v1/incidents/:id/report", NOTE_SCHEMA, INCIDENT_SCHEMA},
	{"POST", "/api/v1/incidents/:id/steps", STEP_IN_SCHEMA, INCIDENT_SCHEMA},
	{"POST", "/api/v1/incidents/:id/actions", ACTION_IN_SCHEMA, INCIDENT_SCHEMA},
	{"POST", "/api/v1/incidents/actions/:id/done", NOTE_SCHEMA, INCIDENT_SCHEMA},
	{"POST", "/api/v1/incidents/:id/close", MODULE_NO_BODY, INCIDENT_SCHEMA},
	{"GET", "/api/v1/incidents/stats", NULL, STATS_SCHEMA},
	{"POST", "/api/v1/incidents/hours", HOURS_SCHEMA,
	 "{\"type\":\"object\",\"properties\":{\"unit_id\":{\"type\":\"integer\"},\"month\":{\"type\":\"string\"},\"hours\":{\"type\":\"integer\"}}}"},
	{0},
};

const struct module accident_module = {
	.name = "accident",
	.migrations = "0850-0899",
	.routes = accident_routes,
	.perms = perms,
	.menu = menu,
	.todo = todo,
	.jobs = jobs,
	.schemas = schemas,
	.demo_load = accident_demo_load,
};
