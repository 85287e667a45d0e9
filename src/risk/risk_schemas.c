/*
 * risk_schemas.c — the JSON shapes of the risk module's API for the OpenAPI document
 * (struct module_schema, base/module.h): each route's request body and success answer as JSON
 * Schema, written once here beside the handlers' field lists (risk_chain_web.c,
 * risk_event_web.c, risk_register_web.c, risk_ack_web.c, risk_io_web.c).
 */
#include "risk/risk.h"
#include "base/module.h"
#include "risk/risk_map_schemas.h"

#define ID "{\"type\":\"integer\",\"minimum\":1}"
#define IDN "{\"type\":\"integer\",\"nullable\":true}"
#define STR "{\"type\":\"string\"}"
#define LEVEL "{\"type\":\"string\",\"nullable\":true,\"enum\":[\"major\",\"large\",\"general\",\"low\",null]}"
#define COLOUR "{\"type\":\"string\",\"nullable\":true,\"enum\":[\"red\",\"orange\",\"yellow\",\"blue\",null]}"
#define CL "{\"type\":\"string\",\"enum\":[\"company\",\"workshop\",\"team\",\"post\"]}"
#define LIST(item) "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":" item "}}}"

#define OBJECT_IN "{\"type\":\"object\",\"required\":[\"kind\",\"name\",\"unit_id\"],\"properties\":{" \
	"\"kind\":{\"type\":\"string\",\"enum\":[\"area\",\"equipment\",\"facility\",\"operation\",\"post\"]}," \
	"\"name\":{\"type\":\"string\",\"maxLength\":100},\"code\":{\"type\":\"string\",\"maxLength\":32},\"unit_id\":" ID "," \
	"\"area_id\":" ID ",\"equipment_id\":" ID ",\"position_id\":" ID ",\"hazard_code\":{\"type\":\"string\",\"maxLength\":32}," \
	"\"hazard_level\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":4},\"principal_user_id\":" ID ",\"technical_user_id\":" ID "," \
	"\"operations_user_id\":" ID ",\"resp_unit_id\":" ID ",\"resp_user_id\":" ID ",\"description\":{\"type\":\"string\",\"maxLength\":500}}}"
#define OBJECT_OUT "{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"kind\":" STR ",\"code\":" STR ",\"name\":" STR "," \
	"\"description\":" STR ",\"unit_id\":" ID ",\"unit\":" STR ",\"area_id\":" IDN ",\"equipment_id\":" IDN ",\"position_id\":" IDN "," \
	"\"hazard_code\":" STR ",\"hazard_level\":" IDN ",\"principal_user_id\":" IDN ",\"technical_user_id\":" IDN "," \
	"\"operations_user_id\":" IDN ",\"resp_unit_id\":" IDN ",\"resp_user_id\":" IDN ",\"active\":{\"type\":\"boolean\"}}}"

#define UNIT_IN "{\"type\":\"object\",\"required\":[\"object_id\",\"name\"],\"properties\":{\"object_id\":" ID "," \
	"\"name\":{\"type\":\"string\",\"maxLength\":100},\"resp_unit_id\":" ID ",\"resp_user_id\":" ID "}}"
#define UNIT_OUT "{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"object_id\":" ID ",\"object\":" STR ",\"name\":" STR "," \
	"\"resp_unit_id\":" IDN ",\"resp_user_id\":" IDN ",\"active\":{\"type\":\"boolean\"}}}"

#define EVENT_IN "{\"type\":\"object\",\"required\":[\"risk_unit_id\",\"name\",\"accident_type_id\"],\"properties\":{" \
	"\"risk_unit_id\":" ID ",\"name\":{\"type\":\"string\",\"maxLength\":200},\"accident_type_id\":" ID "," \
	"\"consequence\":{\"type\":\"string\",\"maxLength\":200},\"emergency\":{\"type\":\"string\",\"maxLength\":1000}," \
	"\"description\":{\"type\":\"string\",\"maxLength\":1000}}}"
#define ASSESSMENT "{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"version\":{\"type\":\"integer\"}," \
	"\"stage\":{\"type\":\"string\",\"enum\":[\"inherent\",\"residual\"]},\"method\":{\"type\":\"string\",\"enum\":[\"LEC\",\"LS\"]}," \
	"\"l\":{\"type\":\"number\"},\"e\":{\"type\":\"number\",\"nullable\":true},\"c\":{\"type\":\"number\",\"nullable\":true}," \
	"\"s\":{\"type\":\"number\",\"nullable\":true},\"value\":{\"type\":\"number\"},\"band_set\":" STR ",\"band_version\":{\"type\":\"integer\"}," \
	"\"level\":" LEVEL ",\"old_level\":" LEVEL ",\"control_level\":" CL ",\"reason\":" STR ",\"note\":" STR "," \
	"\"assessed_by\":" STR ",\"assessed_at\":{\"type\":\"integer\"},\"approval\":{\"type\":\"string\"," \
	"\"enum\":[\"none\",\"pending\",\"approved\",\"rejected\"]},\"approver\":" STR ",\"approved_at\":{\"type\":\"integer\"}}}"
#define EVENT_OUT "{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"risk_unit_id\":" ID ",\"object_id\":" ID ",\"object\":" STR "," \
	"\"unit\":" STR ",\"name\":" STR ",\"accident_type_id\":" IDN ",\"consequence\":" STR ",\"emergency\":" STR "," \
	"\"description\":" STR ",\"level\":" LEVEL ",\"colour\":" COLOUR ",\"inherent_level\":" LEVEL ",\"value\":{\"type\":\"number\"," \
	"\"nullable\":true},\"method\":{\"type\":\"string\",\"nullable\":true},\"control_level\":{\"type\":\"string\",\"nullable\":true}," \
	"\"needs_reassessment\":{\"type\":\"boolean\"},\"reassess_reason\":" STR ",\"reassess_due\":{\"type\":\"integer\",\"nullable\":true}," \
	"\"review_due\":{\"type\":\"string\",\"format\":\"date\",\"nullable\":true},\"active\":{\"type\":\"boolean\"}," \
	"\"assessments\":{\"type\":\"array\",\"items\":" ASSESSMENT "},\"measures\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}," \
	"\"hazards\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"number\":" STR ",\"status\":" STR "," \
	"\"via\":" STR "}}}}}"
#define REGISTER_ROW "{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"object_id\":" ID ",\"object\":" STR ",\"kind\":" STR "," \
	"\"risk_unit\":" STR ",\"name\":" STR ",\"unit_id\":" ID ",\"unit\":" STR ",\"accident_type\":" STR ",\"level\":" LEVEL "," \
	"\"colour\":" COLOUR ",\"value\":{\"type\":\"number\",\"nullable\":true},\"method\":{\"type\":\"string\",\"nullable\":true}," \
	"\"control_level\":{\"type\":\"string\",\"nullable\":true},\"responsible\":" STR ",\"hazard_code\":" STR "," \
	"\"needs_reassessment\":{\"type\":\"boolean\"},\"overdue\":{\"type\":\"boolean\"},\"review_due\":{\"type\":\"string\"," \
	"\"nullable\":true},\"active\":{\"type\":\"boolean\"}}}"

#define MEASURE_IN "{\"type\":\"object\",\"required\":[\"event_id\",\"description\",\"classify1\",\"control_level\"],\"properties\":{" \
	"\"event_id\":" ID ",\"description\":{\"type\":\"string\",\"maxLength\":1000},\"classify1\":{\"type\":\"string\"," \
	"\"enum\":[\"eng\",\"maint\",\"oper\",\"emerg\"]},\"classify2\":" STR ",\"classify3\":" STR "," \
	"\"check_content\":{\"type\":\"string\",\"maxLength\":1000},\"control_level\":" CL ",\"resp_user_id\":" ID "," \
	"\"resp_position_id\":" ID ",\"check_cycle\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1000}," \
	"\"check_cycle_unit\":{\"type\":\"string\",\"enum\":[\"hour\",\"day\",\"week\",\"month\",\"year\"]}," \
	"\"work_start\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1440},\"work_end\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1440}," \
	"\"work_day_type\":{\"type\":\"string\",\"enum\":[\"every_day\",\"work_day\"]},\"work_type\":{\"type\":\"string\"," \
	"\"enum\":[\"routine\",\"baobao\"]}}}"
#define MEASURE_OUT "{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"event_id\":" ID ",\"event\":" STR ",\"description\":" STR "," \
	"\"classify1\":" STR ",\"classify2\":{\"type\":\"string\",\"nullable\":true},\"classify3\":{\"type\":\"string\",\"nullable\":true}," \
	"\"check_content\":" STR ",\"control_level\":" CL ",\"resp_user_id\":" IDN ",\"resp_position_id\":" IDN "," \
	"\"check_cycle\":{\"type\":\"integer\"},\"check_cycle_unit\":" STR ",\"work_start\":{\"type\":\"integer\"}," \
	"\"work_end\":{\"type\":\"integer\"},\"work_day_type\":" STR ",\"work_type\":" STR ",\"active\":{\"type\":\"boolean\"}}}"

#define ASSESS_IN "{\"type\":\"object\",\"required\":[\"l\"],\"properties\":{\"method\":{\"type\":\"string\",\"enum\":[\"LEC\",\"LS\"]}," \
	"\"l\":{\"type\":\"number\",\"description\":\"LEC: 10 6 3 1 0.5 0.2 0.1; LS: 1-5\"}," \
	"\"e\":{\"type\":\"number\",\"enum\":[10,6,3,2,1,0.5]},\"c\":{\"type\":\"number\",\"enum\":[100,40,15,7,3,1]}," \
	"\"s\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":5},\"stage\":{\"type\":\"string\",\"enum\":[\"inherent\",\"residual\"]}," \
	"\"reason\":{\"type\":\"string\",\"enum\":[\"initial\",\"periodic\",\"change\",\"hazard\",\"import\"]},\"control_level\":" CL "," \
	"\"note\":{\"type\":\"string\",\"maxLength\":2000},\"task_id\":" ID "}}"
#define SETTINGS "{\"type\":\"object\",\"properties\":{\"method\":{\"type\":\"string\",\"enum\":[\"LEC\",\"LS\"]}," \
	"\"trigger_count\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100},\"trigger_days\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":366}," \
	"\"task_due_days\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":90},\"task_escalate_hours\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":720}," \
	"\"review_months\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":60},\"review_months_major\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":60}," \
	"\"control_level.major\":{\"type\":\"string\",\"enum\":[\"company\"]},\"control_level.large\":" CL ",\"control_level.general\":" CL "," \
	"\"control_level.low\":" CL ",\"accident_list\":{\"type\":\"string\",\"enum\":[\"1986\",\"2025\"]}," \
	"\"ack_remind_hours\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":720},\"import_max_rows\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":100000}}}"
#define IMPORT_OUT "{\"type\":\"object\",\"properties\":{\"dry_run\":{\"type\":\"boolean\"},\"committed\":{\"type\":\"boolean\"}," \
	"\"rows\":{\"type\":\"integer\"},\"objects\":{\"type\":\"integer\"},\"units\":{\"type\":\"integer\"},\"events\":{\"type\":\"integer\"}," \
	"\"measures\":{\"type\":\"integer\"},\"error_count\":{\"type\":\"integer\"},\"errors\":{\"type\":\"array\",\"items\":{\"type\":\"object\"," \
	"\"properties\":{\"row\":{\"type\":\"integer\"},\"field\":" STR ",\"code\":" STR ",\"message\":" STR "}}}}}"

const struct module_schema risk_schemas[] = {
	{"GET", "/api/v1/risk/objects", NULL, LIST(OBJECT_OUT)},
	{"GET", "/api/v1/risk/objects/:id", NULL, OBJECT_OUT},
	{"POST", "/api/v1/risk/objects", OBJECT_IN, OBJECT_OUT},
	{"PATCH", "/api/v1/risk/objects/:id", OBJECT_IN, OBJECT_OUT},
	{"POST", "/api/v1/risk/objects/:id/deactivate", MODULE_NO_BODY, OBJECT_OUT},
	{"GET", "/api/v1/risk/units", NULL, LIST(UNIT_OUT)},
	{"GET", "/api/v1/risk/units/:id", NULL, UNIT_OUT},
	{"POST", "/api/v1/risk/units", UNIT_IN, UNIT_OUT},
	{"PATCH", "/api/v1/risk/units/:id", UNIT_IN, UNIT_OUT},
	{"POST", "/api/v1/risk/units/:id/deactivate", MODULE_NO_BODY, UNIT_OUT},
	{"GET", "/api/v1/risk/events", NULL, LIST(REGISTER_ROW)},
	{"GET", "/api/v1/risk/events/:id", NULL, EVENT_OUT},
	{"POST", "/api/v1/risk/events", EVENT_IN, EVENT_OUT},
	{"PATCH", "/api/v1/risk/events/:id", EVENT_IN, EVENT_OUT},
	{"POST", "/api/v1/risk/events/:id/deactivate", MODULE_NO_BODY, EVENT_OUT},
	{"DELETE", "/api/v1/risk/events/:id", NULL, "{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"deleted\":{\"type\":\"boolean\"}}}"},
	{"POST", "/api/v1/risk/events/:id/assessments", ASSESS_IN, EVENT_OUT},
	{"POST", "/api/v1/risk/assessments/:id/approve", "{\"type\":\"object\",\"required\":[\"approve\"],\"properties\":{"
	 "\"approve\":{\"type\":\"string\",\"enum\":[\"1\",\"0\",\"true\",\"false\"]},\"note\":{\"type\":\"string\",\"maxLength\":1500}}}",
	 EVENT_OUT},
	{"POST", "/api/v1/risk/events/:id/hazards", "{\"type\":\"object\",\"properties\":{\"hazard_id\":" ID ",\"number\":" STR ","
	 "\"measure_id\":" ID ",\"source\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10}}}", EVENT_OUT},
	{"GET", "/api/v1/risk/measures", NULL, LIST(MEASURE_OUT)},
	{"GET", "/api/v1/risk/measures/:id", NULL, MEASURE_OUT},
	{"POST", "/api/v1/risk/measures", MEASURE_IN, MEASURE_OUT},
	{"PATCH", "/api/v1/risk/measures/:id", MEASURE_IN, MEASURE_OUT},
	{"POST", "/api/v1/risk/measures/:id/deactivate", MODULE_NO_BODY, MEASURE_OUT},
	{"GET", "/api/v1/risk/counts", NULL, "{\"type\":\"object\",\"properties\":{\"units\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	 "\"properties\":{\"unit_id\":" ID ",\"unit\":" STR ",\"red\":{\"type\":\"integer\"},\"orange\":{\"type\":\"integer\"},"
	 "\"yellow\":{\"type\":\"integer\"},\"blue\":{\"type\":\"integer\"},\"unassessed\":{\"type\":\"integer\"}}}}}}"},
	{"GET", "/api/v1/risk/tasks", NULL, LIST("{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"event_id\":" ID ",\"event\":" STR ","
	 "\"reason\":{\"type\":\"string\",\"enum\":[\"hazard_count\",\"measure_failure\",\"hazard\",\"periodic\",\"change\"]},"
	 "\"opened_at\":{\"type\":\"integer\"},\"due_at\":{\"type\":\"integer\"},\"escalation\":{\"type\":\"integer\"},\"note\":" STR ","
	 "\"overdue\":{\"type\":\"boolean\"},\"hazard_id\":" IDN "}}")},
	{"GET", "/api/v1/risk/choices", NULL, "{\"type\":\"object\",\"properties\":{\"method\":{\"type\":\"string\",\"enum\":[\"LEC\",\"LS\"]},"
	 "\"LEC\":{\"type\":\"object\"},\"LS\":{\"type\":\"object\"},\"band_sets\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}},"
	 "\"accident_types\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"list\":{\"type\":\"string\","
	 "\"enum\":[\"1986\",\"2025\"]},\"code\":" STR ",\"name\":" STR "}}},\"measure_classes\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}}"},
	{"GET", "/api/v1/risk/acks", NULL, "{\"type\":\"object\",\"properties\":{\"mine\":{\"type\":\"array\",\"items\":{\"type\":\"object\","
	 "\"properties\":{\"id\":" ID ",\"event_id\":" ID ",\"event\":" STR ",\"level\":" LEVEL ",\"emergency\":" STR ",\"object\":" STR ","
	 "\"asked_at\":{\"type\":\"integer\"}}}},\"unconfirmed\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{"
	 "\"user_id\":" ID ",\"name\":" STR ",\"unit\":" STR ",\"pending\":{\"type\":\"integer\"},\"since\":{\"type\":\"integer\"}}}}}}"},
	{"POST", "/api/v1/risk/acks/:id/confirm", MODULE_NO_BODY, "{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"confirmed\":{\"type\":\"boolean\"}}}"},
	{"POST", "/api/v1/risk/import", "{\"type\":\"object\",\"x-media\":\"multipart/form-data\",\"required\":[\"file\",\"unit_id\"],"
	 "\"properties\":{\"file\":{\"type\":\"string\",\"format\":\"binary\",\"description\":\"XLSX or CSV\"},\"unit_id\":" ID ","
	 "\"dry_run\":{\"type\":\"string\",\"enum\":[\"0\",\"1\"],\"description\":\"1: check only\"}}}",
	 IMPORT_OUT},
	{"POST", "/api/v1/risk/band-sets", "{\"type\":\"object\",\"required\":[\"code\",\"method\",\"name\",\"major\",\"large\",\"general\"],"
	 "\"properties\":{\"id\":" ID ",\"code\":" STR ",\"method\":{\"type\":\"string\",\"enum\":[\"LEC\",\"LS\"]},\"name\":" STR ","
	 "\"major\":{\"type\":\"number\"},\"large\":{\"type\":\"number\"},\"general\":{\"type\":\"number\"},"
	 "\"inclusive\":{\"type\":\"string\",\"enum\":[\"0\",\"1\"]}}}",
	 "{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"code\":" STR ",\"method\":" STR ",\"version\":{\"type\":\"integer\"},"
	 "\"edges\":{\"type\":\"array\",\"items\":{\"type\":\"object\"}}}}"},
	{"POST", "/api/v1/risk/band-sets/:id/use", MODULE_NO_BODY, "{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"setting\":" STR "}}"},
	{"GET", "/api/v1/risk/settings", NULL, SETTINGS},
	{"PATCH", "/api/v1/risk/settings", SETTINGS, SETTINGS},
	RISK_MAP_SCHEMAS,	/* the four-colour map and the notice card (risk_map_schemas.h) */
	{0},
};
