/*
 * emerg_module.c — the emergency module's entry in the module table (base/module.h): routes,
 * permissions (everyone with a business role may check in and see drills; team leaders up
 * run a drill as its commander; the workshop's safety officer and the safety department
 * plan, evaluate and keep the supplies), the menu entry, the job that warns supply owners,
 * the "waiting for me" lines, the API shapes and the demo.
 */
#include "emerg/emerg.h"
#include "emerg/emerg_web.h"
#include "emerg/emerg_tabletop.h"
#include "base/module.h"

static const struct module_perm perms[] = {
	{"emerg.view", "worker team_leader ws_safety ws_director safety_dept safety_director principal hr equip_manager"},
	{"emerg.command", "team_leader ws_safety ws_director safety_dept safety_director principal"},
	{"emerg.manage", "ws_safety safety_dept safety_director"},
	{0},
};

static const struct module_menu menu[] = {
	{64, "/emerg", "nav.emerg", "emerg.view"},
	{0},
};

static const struct module_job jobs[] = {
	{"emerg", emerg_sched_run},
	{0},
};

static const struct module_todo todo[] = {
	{45, "/emerg/actions?todo=1", "emerg.todo.actions", "emerg.view", emerg_todo_actions},
	{55, "/emerg/resources?todo=1", "emerg.todo.resources", "emerg.view", emerg_todo_resources},
	{46, "/emerg/tabletops?todo=1", "emerg.tt.todo", "emerg.view", emerg_tt_todo},
	{0},
};

#define TIME "{\"type\":\"integer\",\"nullable\":true}"
#define DRILL_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"id\",\"status\",\"marks\",\"times\",\"checked_in\",\"missing\",\"steps\"],\"properties\":{" \
	"\"id\":{\"type\":\"integer\"},\"unit_id\":{\"type\":\"integer\"},\"unit\":{\"type\":\"string\"}," \
	"\"kind\":{\"enum\":[\"comprehensive\",\"special\",\"onsite\",\"incident\"]},\"title\":{\"type\":\"string\"}," \
	"\"scenario\":{\"type\":\"string\"},\"announced\":{\"type\":\"boolean\"},\"planned_on\":{\"type\":\"string\",\"format\":\"date\"}," \
	"\"muster\":{\"type\":\"string\"},\"commander_id\":{\"type\":\"integer\",\"nullable\":true},\"commander\":{\"type\":\"string\"}," \
	"\"status\":{\"enum\":[\"planned\",\"running\",\"ended\",\"cancelled\"]},\"started_at\":" TIME ",\"ended_at\":" TIME "," \
	"\"marks\":{\"type\":\"object\",\"properties\":{\"alarm\":" TIME ",\"first_response\":" TIME ",\"evacuated\":" TIME ",\"headcount\":" TIME "}}," \
	"\"times\":{\"type\":\"object\",\"description\":\"seconds measured by the server: start to alarm, alarm to each action\"," \
	"\"properties\":{\"alarm_s\":" TIME ",\"response_s\":" TIME ",\"evacuation_s\":" TIME ",\"headcount_s\":" TIME "}}," \
	"\"expected\":{\"type\":\"integer\"},\"checked_in_count\":{\"type\":\"integer\"}," \
	"\"checked_in\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"user_id\":{\"type\":\"integer\"}," \
	"\"name\":{\"type\":\"string\"},\"username\":{\"type\":\"string\"},\"at\":{\"type\":\"integer\"}}}}," \
	"\"missing\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"user_id\":{\"type\":\"integer\"}," \
	"\"name\":{\"type\":\"string\"},\"username\":{\"type\":\"string\"}}}}," \
	"\"steps\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"seq\":{\"type\":\"integer\"}," \
	"\"text\":{\"type\":\"string\"},\"done_at\":" TIME "}}}," \
	"\"actions\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}," \
	"\"text\":{\"type\":\"string\"},\"owner_id\":{\"type\":\"integer\"},\"owner\":{\"type\":\"string\"}," \
	"\"due_on\":{\"type\":\"string\",\"format\":\"date\"},\"done_at\":" TIME "}}}," \
	"\"evaluation\":{\"type\":\"object\",\"nullable\":true,\"properties\":{\"score\":{\"type\":\"integer\"}," \
	"\"summary\":{\"type\":\"string\"},\"at\":{\"type\":\"integer\"}}}," \
	"\"plan_id\":{\"type\":\"integer\",\"nullable\":true},\"incident_id\":{\"type\":\"integer\",\"nullable\":true},\"checkin_token\":{\"type\":\"string\",\"nullable\":true}}}"
#define MARK_REQ "{\"type\":\"object\",\"required\":[\"action\"],\"properties\":{\"action\":{\"enum\":[\"alarm\",\"first_response\",\"evacuated\",\"headcount\"]}}}"
#define EVAL_REQ \
	"{\"type\":\"object\",\"required\":[\"score\",\"summary\"],\"properties\":{\"score\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100}," \
	"\"summary\":{\"type\":\"string\",\"maxLength\":2000},\"shortcomings\":{\"type\":\"array\",\"maxItems\":10,\"items\":" \
	"{\"type\":\"object\",\"required\":[\"text\",\"owner_id\",\"due_on\"],\"properties\":{\"text\":{\"type\":\"string\",\"maxLength\":200}," \
	"\"owner_id\":{\"type\":\"integer\"},\"due_on\":{\"type\":\"string\",\"format\":\"date\"}}}}}}"
#define CHECKIN_REQ "{\"type\":\"object\",\"required\":[\"token\"],\"properties\":{\"token\":{\"type\":\"string\",\"maxLength\":64}}}"
#define CHECKIN_RESP "{\"type\":\"object\",\"properties\":{\"drill_id\":{\"type\":\"integer\"},\"user_id\":{\"type\":\"integer\"},\"at\":{\"type\":\"integer\"}}}"
#define PLAN_RESP \
	"{\"type\":\"object\",\"required\":[\"year\",\"units\"],\"properties\":{\"year\":{\"type\":\"integer\"},\"added\":{\"type\":\"integer\"}," \
	"\"units\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"unit_id\":{\"type\":\"integer\"},\"unit\":{\"type\":\"string\"}," \
	"\"main\":{\"type\":\"integer\"},\"onsite_h1\":{\"type\":\"integer\"},\"onsite_h2\":{\"type\":\"integer\"},\"short\":{\"type\":\"boolean\"}," \
	"\"short_main\":{\"type\":\"boolean\"},\"short_h1\":{\"type\":\"boolean\"},\"short_h2\":{\"type\":\"boolean\"}}}}}}"
#define PLAN_REQ "{\"type\":\"object\",\"required\":[\"year\"],\"properties\":{\"year\":{\"type\":\"integer\",\"minimum\":2000,\"maximum\":2100}}}"
#define ACTION_ITEM \
	"{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"text\":{\"type\":\"string\"},\"owner\":{\"type\":\"string\"}," \
	"\"due_on\":{\"type\":\"string\",\"format\":\"date\"},\"done_at\":" TIME ",\"drill_id\":{\"type\":\"integer\"}," \
	"\"drill\":{\"type\":\"string\"},\"overdue\":{\"type\":\"boolean\"}}}"
#define PAGE(item) \
	"{\"type\":\"object\",\"required\":[\"items\",\"page\",\"per_page\",\"total\"],\"properties\":{\"items\":{\"type\":\"array\",\"items\":" \
	item "},\"page\":{\"type\":\"integer\"},\"per_page\":{\"type\":\"integer\"},\"total\":{\"type\":\"integer\"}}}"
#define DONE_RESP "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"done\":{\"type\":\"boolean\"}}}"
#define CHECK_REQ "{\"type\":\"object\",\"properties\":{\"quantity\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100000}}}"

/* an answer that is the record as its GET gives it (the entity layer describes that one) */
#define THE_RECORD(what, path) "{\"type\":\"object\",\"description\":\"the " what " as GET /api/v1/emerg/" path "/{id} answers it\"," \
	"\"properties\":{\"id\":{\"type\":\"integer\"}}}"

/* a plan as GET /api/v1/emerg/plans/{id} answers it: the record with its parts (a step's
 * target_min, the minutes from the start a tabletop compares with) and its approved versions */
#define NS(t) "{\"type\":\"" t "\",\"nullable\":true}"
#define PLAN_RECORD \
	"{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"title\":{\"type\":\"string\"}," \
	"\"kind\":{\"enum\":[\"comprehensive\",\"special\",\"onsite\"]},\"unit_id\":{\"type\":\"integer\"},\"unit\":{\"type\":\"string\"}," \
	"\"area_id\":" NS("integer") ",\"area\":{\"type\":\"string\"},\"owner_id\":" NS("integer") ",\"owner\":{\"type\":\"string\"}," \
	"\"approved_on\":{\"type\":\"string\",\"format\":\"date\"},\"review_months\":{\"type\":\"integer\"},\"version\":{\"type\":\"integer\"}," \
	"\"review_due\":{\"type\":\"string\",\"format\":\"date\"},\"review\":{\"enum\":[\"ok\",\"due\",\"overdue\"]},\"active\":{\"type\":\"boolean\"}," \
	"\"parts\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}," \
	"\"kind\":{\"enum\":[\"scenario\",\"level\",\"role\",\"step\",\"card\"]},\"seq\":{\"type\":\"integer\"},\"title\":{\"type\":\"string\"}," \
	"\"body\":{\"type\":\"string\"},\"user_id\":" NS("integer") ",\"person\":{\"type\":\"string\"},\"phone\":{\"type\":\"string\"}," \
	"\"position_id\":" NS("integer") ",\"position\":{\"type\":\"string\"},\"target_min\":{\"type\":\"integer\",\"nullable\":true," \
	"\"minimum\":0,\"maximum\":1440,\"description\":\"a step's target: minutes from the start (null: none, and for the other kinds)\"}}}}," \
	"\"versions\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"version\":{\"type\":\"integer\"}," \
	"\"approved_on\":{\"type\":\"string\",\"format\":\"date\"},\"filename\":{\"type\":\"string\"},\"pdf\":{\"type\":\"boolean\"}}}}}}"

static const struct module_schema schemas[] = {
	{"GET", "/api/v1/emerg/plans/:id", NULL, PLAN_RECORD},
	{"GET", "/api/v1/emerg/drills", NULL, PAGE(DRILL_SCHEMA)},
	{"GET", "/api/v1/emerg/drills/:id", NULL, DRILL_SCHEMA},
	/* created and changed through the entity layer (its request schema from the fields), answered
	 * with the whole drill */
	{"POST", "/api/v1/emerg/drills", NULL, DRILL_SCHEMA},
	{"PATCH", "/api/v1/emerg/drills/:id", NULL, DRILL_SCHEMA},
	{"POST", "/api/v1/emerg/drills/:id/start", MODULE_NO_BODY, DRILL_SCHEMA},
	{"POST", "/api/v1/emerg/drills/:id/end", MODULE_NO_BODY, DRILL_SCHEMA},
	{"POST", "/api/v1/emerg/drills/:id/marks", MARK_REQ, DRILL_SCHEMA},
	{"POST", "/api/v1/emerg/drills/:id/steps/:seq", MODULE_NO_BODY, DRILL_SCHEMA},
	{"POST", "/api/v1/emerg/drills/:id/evaluate", EVAL_REQ, DRILL_SCHEMA},
	{"POST", "/api/v1/emerg/checkin", CHECKIN_REQ, CHECKIN_RESP},
	{"POST", "/api/v1/emerg/incidents/:id/mode", "{\"type\":\"object\",\"properties\":{\"muster\":{\"type\":\"string\",\"maxLength\":100}}}", DRILL_SCHEMA},
	{"GET", "/api/v1/emerg/incidents/:id/mode", NULL, DRILL_SCHEMA},
	{"POST", "/api/v1/emerg/teams/:id/members", "{\"type\":\"object\",\"required\":[\"user_id\",\"role\",\"phone\"],\"properties\":{"
	 "\"user_id\":{\"type\":\"integer\"},\"role\":{\"type\":\"string\",\"maxLength\":50},\"phone\":{\"type\":\"string\",\"maxLength\":20}}}",
	 THE_RECORD("team", "teams")},
	{"GET", "/api/v1/emerg/plan", NULL, PLAN_RESP},
	{"POST", "/api/v1/emerg/plan", PLAN_REQ, PLAN_RESP},
	{"GET", "/api/v1/emerg/actions", NULL, PAGE(ACTION_ITEM)},
	{"POST", "/api/v1/emerg/actions/:id/done", MODULE_NO_BODY, DONE_RESP},
	{"POST", "/api/v1/emerg/resources/:id/check", CHECK_REQ, THE_RECORD("supply", "resources")},
	{"POST", "/api/v1/emerg/plans/:id/pdf", "{\"type\":\"object\",\"x-media\":\"multipart/form-data\",\"required\":[\"pdf\"],"
	 "\"properties\":{\"pdf\":{\"type\":\"string\",\"format\":\"binary\",\"description\":\"the approved text, checked as PDF by its first bytes\"},"
	 "\"approved_on\":{\"type\":\"string\",\"format\":\"date\"}}}", PLAN_RECORD},
	{"POST", "/api/v1/emerg/plans/:id/parts", "{\"type\":\"object\",\"required\":[\"kind\",\"title\"],\"properties\":{"
	 "\"kind\":{\"type\":\"string\",\"description\":\"scenario, level, role, step or card\"},\"title\":{\"type\":\"string\"},"
	 "\"body\":{\"type\":\"string\"},\"user_id\":{\"type\":\"integer\",\"description\":\"a role's person\"},"
	 "\"phone\":{\"type\":\"string\"},\"position_id\":{\"type\":\"integer\",\"description\":\"a card's post\"},"
	 "\"target_min\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1440,\"description\":\"a step's target: minutes from the start\"}}}", PLAN_RECORD},
	EMERG_TABLETOP_SCHEMAS
	{0},
};

static const struct entity *const entities[] = {&emerg_drill_entity, &emerg_plan_entity, &emerg_resource_entity,
						&emerg_team_entity, &emerg_contact_entity, NULL};

const struct module emerg_module = {
	.name = "emerg",
	.migrations = "0800-0849",
	.routes = emerg_routes,
	.perms = perms,
	.menu = menu,
	.jobs = jobs,
	.todo = todo,
	.schemas = schemas,
	.demo_load = emerg_demo_load,
	.entities = entities,
	.check_recorded = emerg_res_check_recorded,	/* the supplies' monthly checks (emerg_res_check.c) */
};
