/*
 * ppe_module.c — the protective-equipment module's entry in the module table
 * (base/module.h): permissions (everyone with a business role holds, confirms and redeems;
 * the store keepers — workshop safety officers and the safety department — receive and
 * issue; the safety department sets the catalogue and the rewards; team leaders and
 * workshop directors decide time off), the menu entry, the job that awards points for near
 * misses and checks, "waiting for me" lines, the API shapes and the demo.
 */
#include "ppe/ppe.h"
#include "base/module.h"

static const struct module_perm perms[] = {
	{"ppe.use", "worker team_leader ws_safety ws_director safety_dept safety_director principal hr equip_manager"},
	{"ppe.view", "team_leader ws_safety ws_director safety_dept safety_director principal hr"},
	{"ppe.issue", "ws_safety safety_dept"},
	{"ppe.manage", "safety_dept"},
	{"ppe.approve", "team_leader ws_director"},
	{0},
};

static const struct module_menu menu[] = {
	{57, "/ppe", "nav.ppe", "ppe.use"},
	{0},
};

static const struct module_job jobs[] = {
	{"ppe", ppe_sched_run},
	{0},
};

static const struct module_todo todo[] = {
	{35, "/ppe?todo=confirm", "ppe.todo.confirm", "ppe.use", ppe_todo_confirm},
	{36, "/ppe/approvals", "ppe.todo.approve", "ppe.approve", ppe_todo_approve},
	{0},
};

#define DAY_OR_NULL "{\"type\":\"string\",\"format\":\"date\",\"nullable\":true}"
#define PERSON_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"user_id\",\"name\",\"earned\",\"spent\",\"balance\",\"holdings\",\"redemptions\"]," \
	"\"properties\":{\"user_id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},\"earned\":{\"type\":\"integer\"}," \
	"\"spent\":{\"type\":\"integer\"},\"balance\":{\"type\":\"integer\",\"minimum\":0},\"redemption_id\":{\"type\":\"integer\"}," \
	"\"holdings\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"id\",\"item_id\",\"state\",\"confirmed\"]," \
	"\"properties\":{\"id\":{\"type\":\"integer\"},\"item_id\":{\"type\":\"integer\"},\"item\":{\"type\":\"string\"}," \
	"\"code\":{\"type\":\"string\"},\"qty\":{\"type\":\"integer\"},\"size\":{\"type\":\"string\"}," \
	"\"issued_on\":" DAY_OR_NULL ",\"due_on\":" DAY_OR_NULL ",\"state\":{\"enum\":[\"ok\",\"due_soon\",\"expired\"]}," \
	"\"confirmed\":{\"type\":\"boolean\"},\"permit_no\":{\"type\":\"string\"},\"uses\":{\"type\":\"integer\"}," \
	"\"cycle_uses\":{\"type\":\"integer\"},\"signed\":{\"type\":\"boolean\"}}}}," \
	"\"redemptions\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"}," \
	"\"reward\":{\"type\":\"string\"},\"cost\":{\"type\":\"integer\"},\"state\":{\"enum\":[\"done\",\"pending\",\"approved\",\"refused\"]}," \
	"\"day\":" DAY_OR_NULL ",\"hours\":{\"type\":\"integer\"}}}}," \
	"\"rewards\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}}"
#define ITEM_REQUEST \
	"{\"type\":\"object\",\"properties\":{\"code\":{\"type\":\"string\",\"maxLength\":40},\"name\":{\"type\":\"string\",\"maxLength\":100}," \
	"\"name_en\":{\"type\":\"string\",\"maxLength\":100},\"kind\":{\"enum\":[\"head\",\"eye_face\",\"hearing\",\"respiratory\",\"hand\"," \
	"\"foot\",\"body\",\"fall\",\"other\"]},\"standard\":{\"type\":\"string\",\"maxLength\":100}," \
	"\"protection_class\":{\"type\":\"string\",\"maxLength\":100},\"sizes\":{\"type\":\"string\",\"maxLength\":100}," \
	"\"cycle_days\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":36500},\"cycle_uses\":{\"type\":\"integer\",\"minimum\":1}," \
	"\"shelf_days\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":36500},\"permit_only\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1}}}"
#define ITEM_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"id\",\"code\",\"name\",\"kind\",\"cycle_days\",\"cycle_uses\",\"shelf_days\"]," \
	"\"properties\":{\"id\":{\"type\":\"integer\"},\"code\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"}," \
	"\"cycle_days\":{\"type\":\"integer\"},\"cycle_uses\":{\"type\":\"integer\"},\"shelf_days\":{\"type\":\"integer\"}," \
	"\"permit_only\":{\"type\":\"boolean\"}}}"
#define ISSUE_REQUEST \
	"{\"type\":\"object\",\"required\":[\"store_id\",\"item_id\",\"user_id\",\"qty\"],\"properties\":{\"store_id\":{\"type\":\"integer\"}," \
	"\"item_id\":{\"type\":\"integer\"},\"user_id\":{\"type\":\"integer\"},\"qty\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10000}," \
	"\"size\":{\"type\":\"string\",\"maxLength\":32},\"permit_no\":{\"type\":\"string\",\"maxLength\":40}," \
	"\"signature_png\":{\"type\":\"string\",\"maxLength\":273100,\"description\":\"the holder's signature drawn on the store" \
	" keeper's tablet: a PNG (at most 200 KiB) in base64, with or without its data: prefix; it stands for the holder's" \
	" confirmation\"}}}"
#define ISSUE_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"holding_id\",\"user_id\",\"stock\"],\"properties\":{\"holding_id\":{\"type\":\"integer\"}," \
	"\"user_id\":{\"type\":\"integer\"},\"stock\":{\"type\":\"integer\",\"minimum\":0}}}"
#define RECEIPT_REQUEST \
	"{\"type\":\"object\",\"required\":[\"store_id\",\"item_id\",\"qty\"],\"properties\":{\"store_id\":{\"type\":\"integer\"}," \
	"\"item_id\":{\"type\":\"integer\"},\"qty\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10000}," \
	"\"made_on\":{\"type\":\"string\",\"format\":\"date\"}}}"
#define STOCK_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"store_id\",\"item_id\",\"qty\"],\"properties\":{\"store_id\":{\"type\":\"integer\"}," \
	"\"item_id\":{\"type\":\"integer\"},\"qty\":{\"type\":\"integer\",\"minimum\":0}}}"
#define PERMIT_ITEM_REQUEST \
	"{\"type\":\"object\",\"required\":[\"permit_type\",\"item_id\",\"level\"],\"properties\":{\"permit_type\":{\"enum\":[\"hot_work\"," \
	"\"confined_space\",\"blind_plate\",\"height\",\"lifting\",\"temp_power\",\"excavation\",\"road_closure\"]}," \
	"\"item_id\":{\"type\":\"integer\"},\"who\":{\"enum\":[\"workers\",\"guardian\",\"all\"]},\"alt_group\":{\"type\":\"string\",\"maxLength\":40}," \
	"\"level\":{\"enum\":[\"warn\",\"block\"]}}}"
#define POSITION_ITEM_REQUEST \
	"{\"type\":\"object\",\"required\":[\"position_id\",\"item_id\"],\"properties\":{\"position_id\":{\"type\":\"integer\"}," \
	"\"item_id\":{\"type\":\"integer\"},\"qty\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":100}}}"
#define REWARD_REQUEST \
	"{\"type\":\"object\",\"required\":[\"kind\",\"name\",\"cost\"],\"properties\":{\"kind\":{\"enum\":[\"item\",\"time_off\"]}," \
	"\"name\":{\"type\":\"string\",\"maxLength\":100},\"cost\":{\"type\":\"integer\",\"minimum\":1},\"item_id\":{\"type\":\"integer\"}," \
	"\"store_id\":{\"type\":\"integer\"},\"hours\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":80}}}"
#define REDEEM_REQUEST \
	"{\"type\":\"object\",\"required\":[\"reward_id\"],\"properties\":{\"reward_id\":{\"type\":\"integer\"}," \
	"\"size\":{\"type\":\"string\",\"maxLength\":32}}}"
#define DECIDED_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"id\",\"state\"],\"properties\":{\"id\":{\"type\":\"integer\"},\"state\":{\"enum\":[\"approved\",\"refused\"]}}}"
#define STATEMENT_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"unit_id\",\"month\",\"earned\",\"spent\",\"balance\",\"people\"],\"properties\":{" \
	"\"unit_id\":{\"type\":\"integer\"},\"unit\":{\"type\":\"string\"},\"month\":{\"type\":\"string\"},\"earned\":{\"type\":\"integer\"}," \
	"\"spent\":{\"type\":\"integer\"},\"balance\":{\"type\":\"integer\"},\"people\":{\"type\":\"array\",\"items\":{\"type\":\"object\"," \
	"\"properties\":{\"user_id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},\"earned\":{\"type\":\"integer\"}," \
	"\"spent\":{\"type\":\"integer\"},\"balance\":{\"type\":\"integer\"}}}}}}"
#define AWARD_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"unit_id\",\"year\",\"people\"],\"properties\":{\"unit_id\":{\"type\":\"integer\"}," \
	"\"year\":{\"type\":\"integer\"},\"people\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{" \
	"\"user_id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},\"points\":{\"type\":\"integer\"},\"reports\":{\"type\":\"integer\"}," \
	"\"near_misses\":{\"type\":\"integer\"},\"rectified_on_time\":{\"type\":\"integer\"},\"checks\":{\"type\":\"integer\"}," \
	"\"training_hours\":{\"type\":\"integer\"},\"overdue_rectifications\":{\"type\":\"integer\"}," \
	"\"evidence\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}}}}}}"
#define PERMIT_ITEMS_SCHEMA \
	"{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"permit_type\",\"item_id\",\"who\",\"level\"]," \
	"\"properties\":{\"id\":{\"type\":\"integer\"},\"permit_type\":{\"type\":\"string\"},\"item_id\":{\"type\":\"integer\"}," \
	"\"item\":{\"type\":\"string\"},\"who\":{\"enum\":[\"workers\",\"guardian\",\"all\"]},\"alt_group\":{\"type\":\"string\"}," \
	"\"level\":{\"enum\":[\"warn\",\"block\"]}}}}"
#define POSITION_ITEMS_SCHEMA \
	"{\"type\":\"array\",\"items\":{\"type\":\"object\",\"required\":[\"position_id\",\"item_id\",\"qty\"]," \
	"\"properties\":{\"position_id\":{\"type\":\"integer\"},\"position\":{\"type\":\"string\"},\"item_id\":{\"type\":\"integer\"}," \
	"\"item\":{\"type\":\"string\"},\"qty\":{\"type\":\"integer\"}}}}"
#define CATALOGUE_SCHEMA \
	"{\"type\":\"object\",\"required\":[\"items\",\"positions\",\"permits\"],\"properties\":{\"items\":{\"type\":\"array\"," \
	"\"x-bounded\":\"the whole catalogue\",\"items\":" ITEM_SCHEMA "}," \
	"\"positions\":{\"type\":\"array\"},\"permits\":{\"type\":\"array\"}}}"

static const struct module_schema schemas[] = {
	{"GET", "/api/v1/ppe/me", NULL, PERSON_SCHEMA},
	{"GET", "/api/v1/ppe/people/:id", NULL, PERSON_SCHEMA},
	{"GET", "/api/v1/ppe/catalogue", NULL, CATALOGUE_SCHEMA},
	{"POST", "/api/v1/ppe/items", ITEM_REQUEST, ITEM_SCHEMA},
	{"POST", "/api/v1/ppe/items/:id", ITEM_REQUEST, ITEM_SCHEMA},
	{"POST", "/api/v1/ppe/permit-items", PERMIT_ITEM_REQUEST, PERMIT_ITEMS_SCHEMA},
	{"POST", "/api/v1/ppe/position-items", POSITION_ITEM_REQUEST, POSITION_ITEMS_SCHEMA},
	{"POST", "/api/v1/ppe/receipts", RECEIPT_REQUEST, STOCK_SCHEMA},
	{"POST", "/api/v1/ppe/issues", ISSUE_REQUEST, ISSUE_SCHEMA},
	{"POST", "/api/v1/ppe/holdings/:id/confirm", MODULE_NO_BODY, PERSON_SCHEMA},
	{"POST", "/api/v1/ppe/holdings/:id/return", MODULE_NO_BODY, PERSON_SCHEMA},
	{"POST", "/api/v1/ppe/holdings/:id/dispose", MODULE_NO_BODY, PERSON_SCHEMA},
	{"POST", "/api/v1/ppe/holdings/:id/use", MODULE_NO_BODY, PERSON_SCHEMA},
	{"POST", "/api/v1/ppe/rewards", REWARD_REQUEST,
	 "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"kind\":{\"type\":\"string\",\"enum\":[\"item\",\"time_off\"]},"
	 "\"name\":{\"type\":\"string\"},\"cost\":{\"type\":\"integer\"}}}"},
	{"POST", "/api/v1/ppe/redemptions", REDEEM_REQUEST, PERSON_SCHEMA},
	{"POST", "/api/v1/ppe/redemptions/:id/approve", MODULE_NO_BODY, DECIDED_SCHEMA},
	{"POST", "/api/v1/ppe/redemptions/:id/refuse", MODULE_NO_BODY, DECIDED_SCHEMA},
	{"GET", "/api/v1/ppe/statement", NULL, STATEMENT_SCHEMA},
	{"GET", "/api/v1/ppe/ledger",
	 "{\"type\":\"object\",\"properties\":{\"month\":{\"type\":\"string\",\"pattern\":\"^[0-9]{4}-[0-9]{2}$\"}}}",
	 "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	 "\"required\":[\"holding_id\",\"issued_on\",\"person\",\"item\",\"qty\",\"signed\"],\"properties\":{"
	 "\"holding_id\":{\"type\":\"integer\"},\"issued_on\":" DAY_OR_NULL ",\"person\":{\"type\":\"string\"},"
	 "\"item\":{\"type\":\"string\"},\"qty\":{\"type\":\"integer\"},\"size\":{\"type\":\"string\"},"
	 "\"store\":{\"type\":\"string\"},\"permit_no\":{\"type\":\"string\"},\"state\":{\"enum\":[\"held\",\"returned\","
	 "\"disposed\"]},\"signed\":{\"type\":\"boolean\"},\"signature_url\":{\"type\":\"string\",\"nullable\":true},"
	 "\"confirmed_at\":{\"type\":\"integer\",\"nullable\":true}}}}}}"},
	{"GET", "/api/v1/ppe/unequipped",
	 "{\"type\":\"object\",\"properties\":{\"days\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":3650,"
	 "\"description\":\"hired within so many days (default: the setting ppe.new_hire_days)\"}}}",
	 "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	 "\"user_id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"},\"unit\":{\"type\":\"string\"},"
	 "\"hired_on\":" DAY_OR_NULL ",\"missing\":{\"type\":\"string\"}}}}}}"},
	{"GET", "/api/v1/ppe/award", NULL, AWARD_SCHEMA},
	{0},
};

const struct module ppe_module = {
	.name = "ppe",
	.migrations = "1000-1049",
	.routes = ppe_routes,
	.perms = perms,
	.menu = menu,
	.jobs = jobs,
	.todo = todo,
	.schemas = schemas,
	.demo_load = ppe_demo_load,
};
