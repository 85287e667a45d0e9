/*
 * contractor_module.c — the contractor module's entry in the module table (base/module.h):
 * routes, permissions (the safety department manages contractors; the workshops and
 * managers see those of their scope), the menu entry, the job (expiry reminders, the
 * year-end rating), the "waiting for me" line, the API shapes and the demo.
 */
#include "contractor/contractor.h"
#include "base/module.h"
#include "web/entity.h"

static const struct module_perm perms[] = {
	{"contractor.view", "team_leader ws_safety ws_director safety_dept safety_director principal"},
	{"contractor.manage", "safety_dept"},
	{0},
};

static const struct module_menu menu[] = {
	{62, "/contractors", "nav.contractors", "contractor.view"},
	{0},
};

static const struct module_job jobs[] = {
	{"contractors", contractor_sched_run},
	{0},
};

static const struct module_todo todo[] = {
	{45, "/contractors?todo=expiring", "contractor.todo.expiring", "contractor.manage", contractor_todo_count},
	{0},
};

#define RATING_REQ \
	"{\"type\":\"object\",\"required\":[\"score\"],\"properties\":{\"score\":{\"type\":\"string\",\"enum\":[\"1\",\"2\",\"3\",\"4\",\"5\"]}," \
	"\"comment\":{\"type\":\"string\",\"maxLength\":200}}}"
#define RATING_RESP \
	"{\"type\":\"object\",\"required\":[\"id\",\"permit_id\",\"contractor_id\",\"score\"],\"properties\":{" \
	"\"id\":{\"type\":\"integer\"},\"permit_id\":{\"type\":\"integer\"},\"contractor_id\":{\"type\":\"integer\"}," \
	"\"score\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5},\"comment\":{\"type\":\"string\"}}}"
#define DAY "{\"type\":\"string\",\"pattern\":\"^[0-9]{4}-[0-9]{2}-[0-9]{2}$\"}"
#define QUAL_REQ \
	"{\"type\":\"object\",\"required\":[\"kind\",\"number\",\"valid_from\",\"valid_to\"],\"properties\":{" \
	"\"kind\":{\"type\":\"string\",\"maxLength\":50},\"number\":{\"type\":\"string\",\"maxLength\":64}," \
	"\"valid_from\":" DAY ",\"valid_to\":" DAY "}}"
#define PERSON_REQ \
	"{\"type\":\"object\",\"required\":[\"entry_until\"],\"properties\":{\"name\":{\"type\":\"string\",\"maxLength\":50}," \
	"\"id_no\":{\"type\":\"string\",\"maxLength\":32},\"username\":{\"type\":\"string\",\"maxLength\":64}," \
	"\"job\":{\"type\":\"string\",\"maxLength\":50},\"entry_until\":" DAY "}}"
#define ENTRY_REQ "{\"type\":\"object\",\"required\":[\"entry_until\"],\"properties\":{\"entry_until\":" DAY "}}"
#define HAZARD_REQ \
	"{\"type\":\"object\",\"required\":[\"number\"],\"properties\":{\"number\":{\"type\":\"string\",\"maxLength\":32}}}"
/* the contractor as GET /api/v1/contractors/:id answers it, after a write to one of its parts */
#define CONTRACTOR_RESP \
	"{\"type\":\"object\",\"required\":[\"id\",\"name\",\"status\",\"qualifications\",\"people\"],\"properties\":{" \
	"\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},\"status\":{\"type\":\"string\",\"enum\":[\"active\",\"suspended\"]}," \
	"\"blocked\":{\"type\":\"string\",\"nullable\":true},\"blocked_detail\":{\"type\":\"string\",\"nullable\":true}," \
	"\"qualifications\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},\"people\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}," \
	"\"years\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}}"

/* the yearly score below which a contractor is suspended for the next year */
#define THRESHOLD_REQ \
	"{\"type\":\"object\",\"required\":[\"threshold\"],\"properties\":{\"threshold\":{\"type\":\"integer\"," \
	"\"minimum\":0,\"maximum\":100}}}"
#define THRESHOLD THRESHOLD_REQ

static const struct module_schema schemas[] = {
	{"POST", "/api/v1/contractors/ratings/:permit", RATING_REQ, RATING_RESP},
	{"GET", "/api/v1/contractors/settings", NULL, THRESHOLD},
	{"PUT", "/api/v1/contractors/settings", THRESHOLD_REQ, THRESHOLD},
	{"POST", "/api/v1/contractors/:id/quals", QUAL_REQ, CONTRACTOR_RESP},
	{"POST", "/api/v1/contractors/:id/people", PERSON_REQ, CONTRACTOR_RESP},
	{"POST", "/api/v1/contractors/:id/people/:item", ENTRY_REQ, CONTRACTOR_RESP},
	{"POST", "/api/v1/contractors/:id/hazards", HAZARD_REQ, CONTRACTOR_RESP},
	{0},
};

static const struct entity *const entities[] = {&contractor_entity, NULL};

const struct module contractor_module = {
	.name = "contractor",
	.migrations = "0950-0999",
	.routes = contractor_routes,
	.perms = perms,
	.menu = menu,
	.jobs = jobs,
	.todo = todo,
	.schemas = schemas,
	.demo_load = contractor_demo_load,
	.entities = entities,
};
