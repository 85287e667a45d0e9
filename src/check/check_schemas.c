/*
 * check_schemas.c — the JSON shapes of the check module's API for the OpenAPI document
 * (struct module_schema, base/module.h), beside the handlers in check_api.c.
 */
#include "check/check.h"
#include "base/module.h"

#define ID "{\"type\":\"integer\",\"minimum\":1}"
#define IDN "{\"type\":\"integer\",\"nullable\":true}"
#define STR "{\"type\":\"string\"}"
#define INT "{\"type\":\"integer\"}"
#define BOOL "{\"type\":\"boolean\"}"
#define LIST(item) "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":" item "}}}"

#define TASK "{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"origin\":{\"type\":\"string\",\"enum\":[\"measure\",\"plan\",\"baobao\",\"resource\"]}," \
	"\"status\":{\"type\":\"string\",\"enum\":[\"open\",\"done\",\"missed\",\"suspended\"]},\"window_start\":" INT ",\"window_end\":" INT "," \
	"\"label\":" STR ",\"point\":" STR ",\"template_id\":" ID ",\"require_scan\":" BOOL ",\"is_defend\":" BOOL "," \
	"\"check_content\":" STR ",\"record_id\":" IDN ",\"plan_id\":" IDN ",\"measure_id\":" IDN ",\"point_id\":" IDN ",\"seq\":" INT "," \
	"\"baobao_role\":{\"type\":\"string\",\"nullable\":true},\"assignee_id\":" IDN "}}"
#define ITEM_IN "{\"type\":\"object\",\"required\":[\"kind\",\"label\"],\"properties\":{" \
	"\"kind\":{\"type\":\"string\",\"enum\":[\"pass_fail\",\"number\",\"choice\",\"text\",\"photo\"]},\"label\":{\"type\":\"string\",\"maxLength\":200}," \
	"\"min\":{\"type\":\"number\",\"nullable\":true},\"max\":{\"type\":\"number\",\"nullable\":true},\"unit\":{\"type\":\"string\",\"maxLength\":20}," \
	"\"choices\":{\"type\":\"string\",\"description\":\"values separated by |\"},\"fail_choices\":" STR "," \
	"\"photo_required\":" BOOL ",\"category_id\":" IDN "}}"
#define TEMPLATE_OUT "{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"name\":" STR ",\"kind\":" STR ",\"source\":" INT "," \
	"\"version\":" INT ",\"require_scan\":" BOOL ",\"active\":" BOOL ",\"unit_id\":" IDN ",\"items\":{\"type\":\"array\"," \
	"\"x-bounded\":\"the checklist's items\",\"items\":" ITEM_IN "}}}"
#define TEMPLATE_IN "{\"type\":\"object\",\"required\":[\"name\",\"kind\",\"unit_id\",\"items\"],\"properties\":{\"name\":" STR "," \
	"\"kind\":{\"type\":\"string\",\"enum\":[\"post_daily\",\"workshop_weekly\",\"company_monthly\",\"seasonal\",\"holiday\"," \
	"\"special_equipment\",\"fire_monthly\",\"measure\",\"round\",\"other\"]},\"unit_id\":" ID ",\"source\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10}," \
	"\"require_scan\":" BOOL ",\"items\":{\"type\":\"array\",\"minItems\":1,\"maxItems\":64,\"items\":" ITEM_IN "}," \
	"\"bindings\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"target\":{\"type\":\"string\"," \
	"\"enum\":[\"area\",\"equipment\",\"object\",\"measure\"]},\"target_id\":" ID "}}}}}"
#define RECORD_IN "{\"type\":\"object\",\"required\":[\"task_id\",\"idem_key\",\"answers\"],\"properties\":{\"task_id\":" ID "," \
	"\"idem_key\":{\"type\":\"string\",\"maxLength\":64},\"scan_id\":" ID ",\"lat\":{\"type\":\"number\"},\"lng\":{\"type\":\"number\"}," \
	"\"gps_acc\":{\"type\":\"number\"},\"captured_at\":{\"type\":\"integer\"},\"note\":{\"type\":\"string\",\"maxLength\":500},\"answers\":{\"type\":\"array\",\"maxItems\":64," \
	"\"items\":{\"type\":\"object\",\"required\":[\"item_id\"],\"properties\":{\"item_id\":" ID ",\"value\":{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"number\"}]}," \
	"\"photo\":{\"type\":\"string\",\"description\":\"SHA-256 from POST /api/v1/photos\"},\"note\":" STR "}}}}}"
#define VOICE "{\"type\":\"object\",\"properties\":{\"url\":" STR ",\"type\":{\"type\":\"string\",\"enum\":[\"audio/webm\",\"audio/ogg\",\"audio/mp4\"]}," \
	"\"seconds\":" INT ",\"by\":" ID ",\"at\":" INT "}}"
#define RECORD_OUT "{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"task_id\":" ID ",\"template_id\":" ID ",\"template_version\":" INT "," \
	"\"user_id\":" ID ",\"scan_id\":" IDN ",\"scanned_at\":" INT ",\"finished_at\":" INT ",\"on_site_seconds\":" IDN "," \
	"\"failed\":" INT ",\"is_defend\":" BOOL ",\"duplicate\":" BOOL ",\"results\":{\"type\":\"array\",\"items\":{\"type\":\"object\"," \
	"\"properties\":{\"item_id\":" ID ",\"label\":" STR ",\"value\":" STR ",\"ok\":" BOOL ",\"photo\":{\"type\":\"string\",\"nullable\":true},\"hazard_id\":" IDN "}}}," \
	"\"captured_at\":{\"type\":\"integer\",\"nullable\":true,\"description\":\"when it was filled on site (a round kept on the phone); null: online\"}," \
	"\"voice\":{\"type\":\"array\",\"items\":" VOICE "}}}"
/* a voice note: played from url; by the person who spoke it */
#define VOICE_FIELDS "\"voice\":{\"type\":\"string\",\"format\":\"binary\",\"description\":\"a voice note: WebM, Ogg or MP4 by its magic bytes\"}," \
	"\"voice_seconds\":{\"type\":\"integer\",\"minimum\":0}"
#define RECORD_FORM "{\"type\":\"object\",\"required\":[\"idem_key\"],\"description\":\"the task form's fields: item_<item id> (the answer)," \
	" photo_<item id> (a photo file) or photo_<item id>_sha, plus these\",\"properties\":{\"idem_key\":{\"type\":\"string\",\"maxLength\":64}," \
	"\"captured_at\":{\"type\":\"integer\",\"description\":\"UTC seconds the check was filled on site\"},\"scan_id\":" ID "," \
	"\"lat\":{\"type\":\"number\"},\"lng\":{\"type\":\"number\"},\"gps_acc\":{\"type\":\"number\"}," VOICE_FIELDS "}," \
	"\"x-media\":\"multipart/form-data\"}"
#define COUNTS "\"measures\":" INT ",\"measures_covered\":" INT ",\"coverage\":{\"type\":\"number\",\"nullable\":true},\"tasks\":" INT "," \
	"\"done\":" INT ",\"missed\":" INT ",\"failed_items\":" INT ",\"hazards_by_checks\":" INT ",\"hazards_other\":" INT
#define COVERAGE "{\"type\":\"object\",\"properties\":{\"from\":" INT ",\"to\":" INT ",\"total\":{\"type\":\"object\",\"properties\":{" COUNTS "}}," \
	"\"units\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"unit_id\":" ID ",\"unit\":" STR "," COUNTS "}}}}}"
#define PLAN_IN "{\"type\":\"object\",\"required\":[\"name\",\"unit_id\",\"template_id\",\"shift_start\",\"shift_end\",\"every_min\",\"points\"]," \
	"\"properties\":{\"name\":" STR ",\"unit_id\":" ID ",\"template_id\":" ID ",\"position_id\":" ID ",\"user_id\":" ID "," \
	"\"shift_start\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1439},\"shift_end\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":1440}," \
	"\"every_min\":{\"type\":\"integer\",\"minimum\":15,\"maximum\":1440},\"points\":{\"type\":\"array\",\"items\":" ID "}}}"
#define PLAN_OUT "{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"name\":" STR ",\"unit_id\":" ID ",\"template_id\":" ID "," \
	"\"position_id\":" IDN ",\"user_id\":" IDN ",\"shift_start\":" INT ",\"shift_end\":" INT ",\"every_min\":" INT "," \
	"\"active\":" BOOL ",\"points\":{\"type\":\"array\",\"items\":" ID "}}}"
#define SCAN_IN "{\"type\":\"object\",\"properties\":{\"token\":" STR ",\"nfc_id\":" STR ",\"lat\":{\"type\":\"number\"},\"lng\":{\"type\":\"number\"}," \
	"\"gps_acc\":{\"type\":\"number\"}}}"
#define SCAN_OUT "{\"type\":\"object\",\"properties\":{\"scan_id\":" ID ",\"point_id\":" ID ",\"at\":" INT ",\"tasks\":{\"type\":\"array\",\"items\":" TASK "}}}"

const struct module_schema check_schemas[] = {
	{"GET", "/api/v1/check/tasks", NULL, LIST(TASK)},
	{"GET", "/api/v1/check/tasks/:id", NULL, TASK},
	{"POST", "/api/v1/check/scans", SCAN_IN, SCAN_OUT},
	{"POST", "/api/v1/check/records", RECORD_IN, RECORD_OUT},
	{"GET", "/api/v1/check/records/:id", NULL, RECORD_OUT},
	{"POST", "/api/v1/check/tasks/:id/record", RECORD_FORM, RECORD_OUT},
	{"POST", "/api/v1/check/records/:id/items/:item/hazard", MODULE_NO_BODY,
	 "{\"type\":\"object\",\"properties\":{\"hazard_id\":" ID ",\"number\":" STR "}}"},
	{"GET", "/api/v1/check/coverage", NULL, COVERAGE},
	{"GET", "/api/v1/check/templates", NULL, LIST(TEMPLATE_OUT)},
	{"POST", "/api/v1/check/templates", TEMPLATE_IN, TEMPLATE_OUT},
	{"GET", "/api/v1/check/templates/:id", NULL, TEMPLATE_OUT},
	{"POST", "/api/v1/check/templates/:id/versions", "{\"type\":\"object\",\"required\":[\"items\"],\"properties\":{\"require_scan\":" BOOL
	 ",\"items\":{\"type\":\"array\",\"items\":" ITEM_IN "}}}", TEMPLATE_OUT},
	{"GET", "/api/v1/check/plans", NULL, LIST(PLAN_OUT)},
	{"POST", "/api/v1/check/plans", PLAN_IN, "{\"type\":\"object\",\"properties\":{\"id\":" ID ",\"name\":" STR "}}"},
	{"POST", "/api/v1/check/points/:id/deactivate", MODULE_NO_BODY, NULL},
	{"POST", "/api/v1/check/stops/:id/deactivate", MODULE_NO_BODY, NULL},
	{0},
};
