/*
 * permit_schemas.c — the JSON shapes of the work-permit API (applications, actions, gas
 * tests, the catalogue, grading and the calendar) for the OpenAPI document (struct
 * module_schema, base/module.h), beside the handlers in permit_api.c; tests/openapi checks
 * every answer against them.
 */

#include "permit/permit.h"
#include "base/module.h"

#define QUERY "{\"type\":\"object\",\"properties\":{\"state\":" PERMIT_STATE ",\"type\":" PERMIT_TYPE "," \
	"\"area_id\":{\"type\":\"integer\",\"minimum\":1}}}"
#define MONTH "{\"type\":\"object\",\"required\":[\"month\"],\"properties\":{\"month\":{\"type\":\"string\"," \
	"\"pattern\":\"^[0-9]{4}-[0-9]{2}$\",\"description\":\"YYYY-MM in the plant's time zone\"}}}"
#define PERMIT_TYPE "{\"type\":\"string\",\"enum\":[\"hot_work\",\"confined_space\",\"blind_plate\",\"height\"," \
	"\"lifting\",\"temp_power\",\"excavation\",\"road_closure\"],\"description\":" \
	"\"GB 30871-2022 special operations\"}"
#define PERMIT_STATE "{\"type\":\"string\",\"enum\":[\"draft\",\"submitted\",\"approving\",\"approved\",\"refused\"," \
	"\"in_progress\",\"suspended\",\"closed\",\"cancelled\"]}"
#define PERMIT_ROW "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"number\":{\"type\":" \
	"\"string\"},\"type\":" PERMIT_TYPE ",\"grade\":{\"type\":\"string\"},\"state\":" PERMIT_STATE \
	",\"content\":{\"type\":\"string\"},\"area\":{\"type\":\"string\"},\"planned_start\":{\"type\":" \
	"\"integer\",\"description\":\"UTC seconds\"},\"planned_end\":{\"type\":\"integer\"}," \
	"\"area_id\":{\"type\":\"integer\"}}}"
#define GAS_TEST "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"taken_at\":{\"type\":" \
	"\"integer\"},\"analyst_id\":{\"type\":\"integer\"},\"passed\":{\"type\":\"boolean\"}," \
	"\"reason\":{\"type\":\"string\"},\"point\":{\"type\":\"string\"},\"o2\":{\"type\":\"number\"," \
	"\"nullable\":true,\"description\":\"% vol\"},\"combustible\":{\"type\":\"number\"," \
	"\"nullable\":true,\"description\":\"% LEL\"}}}"
#define PERMIT "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"number\":{\"type\":" \
	"\"string\"},\"type\":" PERMIT_TYPE ",\"grade\":{\"type\":\"string\"},\"state\":" PERMIT_STATE \
	",\"area_id\":{\"type\":\"integer\"},\"equipment_id\":{\"type\":\"integer\"},\"unit_id\":{" \
	"\"type\":\"integer\"},\"applicant_id\":{\"type\":\"integer\"},\"guardian_id\":{\"type\":" \
	"\"integer\"},\"work_unit\":{\"type\":\"string\"},\"contractor\":{\"type\":\"boolean\"}," \
	"\"content\":{\"type\":\"string\"},\"hazards\":{\"type\":\"string\"},\"planned_start\":{" \
	"\"type\":\"integer\"},\"planned_end\":{\"type\":\"integer\"},\"chain_step\":{\"type\":" \
	"\"integer\"},\"round\":{\"type\":\"integer\"},\"started_at\":{\"type\":\"integer\"}," \
	"\"suspended_at\":{\"type\":\"integer\"},\"closed_at\":{\"type\":\"integer\"},\"inputs\":{" \
	"\"type\":\"object\",\"description\":\"what the grade was derived from\",\"properties\":{" \
	"\"hot_place\":{\"type\":\"string\"},\"shutdown\":{\"type\":\"boolean\"},\"holiday\":{\"type\":" \
	"\"boolean\"},\"wind\":{\"type\":\"integer\"},\"height_m\":{\"type\":\"number\"},\"factors\":{" \
	"\"type\":\"integer\"},\"load_t\":{\"type\":\"number\"},\"hazardous_area\":{\"type\":" \
	"\"boolean\"},\"oxygen_enriched\":{\"type\":\"boolean\"},\"medium_lel\":{\"type\":\"number\"}," \
	"\"hot_inside\":{\"type\":\"boolean\"}}},\"conflicts\":{\"type\":\"array\",\"items\":{\"type\":" \
	"\"string\"},\"description\":" \
	"\"overlapping work at the same place: a code and the other permit\"},\"workers\":{\"type\":" \
	"\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"user_id\":{\"type\":\"integer\"}," \
	"\"name\":{\"type\":\"string\"},\"role\":{\"type\":\"string\"}}}},\"measures\":{\"type\":" \
	"\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"measure_id\":{\"type\":\"integer\"}" \
	",\"confirmed_by\":{\"type\":\"integer\",\"description\":\"0: not yet confirmed\"}}}}," \
	"\"related\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},\"gas_tests\":{\"type\":" \
	"\"array\",\"items\":" GAS_TEST "},\"approvals\":{\"type\":\"array\",\"items\":{\"type\":" \
	"\"object\",\"properties\":{\"round\":{\"type\":\"integer\"},\"step\":{\"type\":\"integer\"}," \
	"\"level\":{\"type\":\"string\"},\"user_id\":{\"type\":\"integer\"},\"decision\":{\"type\":" \
	"\"string\"},\"reason\":{\"type\":\"string\"},\"at\":{\"type\":\"integer\"},\"conflicts_ack\":{" \
	"\"type\":\"string\"}}}},\"events\":{\"type\":\"array\",\"items\":{\"type\":\"object\"," \
	"\"properties\":{\"at\":{\"type\":\"integer\"},\"user_id\":{\"type\":\"integer\"},\"action\":{" \
	"\"type\":\"string\"},\"from\":{\"type\":\"string\"},\"to\":{\"type\":\"string\"},\"note\":{" \
	"\"type\":\"string\"}}}},\"actions\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}," \
	"\"description\":\"the actions the caller may take now\"},\"passed\":{\"type\":\"boolean\"," \
	"\"description\":\"after a gas test: did it pass\"}}}"
#define APPLY "{\"type\":\"object\",\"required\":[\"type\",\"area_id\",\"content\",\"planned_start\"," \
	"\"planned_end\"],\"properties\":{\"type\":" PERMIT_TYPE ",\"area_id\":{\"type\":\"integer\"," \
	"\"minimum\":1},\"equipment_id\":{\"type\":\"integer\",\"minimum\":1},\"guardian_id\":{" \
	"\"type\":\"integer\",\"minimum\":1,\"description\":" \
	"\"must hold the guardian permission and certificate\"},\"work_unit\":{\"type\":\"string\"}," \
	"\"contractor\":{\"type\":\"boolean\"},\"content\":{\"type\":\"string\",\"maxLength\":2000}," \
	"\"hazards\":{\"type\":\"string\",\"maxLength\":2000},\"planned_start\":{\"oneOf\":[{\"type\":" \
	"\"integer\"},{\"type\":\"string\",\"pattern\":" \
	"\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$\"}],\"description\":" \
	"\"UTC seconds or local \\\"YYYY-MM-DDTHH:MM\\\"\"},\"planned_end\":{\"oneOf\":[{\"type\":" \
	"\"integer\"},{\"type\":\"string\",\"pattern\":" \
	"\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$\"}],\"description\":" \
	"\"UTC seconds or local \\\"YYYY-MM-DDTHH:MM\\\"\"},\"hot_place\":{\"type\":\"string\"," \
	"\"description\":\"hot work: where (grades it)\"},\"shutdown\":{\"type\":\"boolean\"}," \
	"\"holiday\":{\"type\":\"boolean\"},\"wind\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":12" \
	"},\"height_m\":{\"type\":\"number\",\"minimum\":0},\"factors\":{\"type\":\"integer\"," \
	"\"minimum\":0},\"load_t\":{\"type\":\"number\",\"minimum\":0},\"hazardous_area\":{\"type\":" \
	"\"boolean\"},\"oxygen_enriched\":{\"type\":\"boolean\"},\"medium_lel\":{\"type\":\"number\"}," \
	"\"hot_inside\":{\"type\":\"boolean\"},\"workers\":{\"type\":\"array\",\"items\":{\"type\":" \
	"\"object\",\"required\":[\"user_id\"],\"properties\":{\"user_id\":{\"type\":\"integer\"," \
	"\"minimum\":1},\"role\":{\"type\":\"string\"}}},\"maxItems\":12},\"measures\":{\"type\":" \
	"\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"measure_id\":{\"type\":\"integer\"}" \
	",\"confirmed_by\":{\"type\":\"integer\",\"nullable\":true}}}},\"related\":{\"type\":\"array\"," \
	"\"items\":{\"type\":\"integer\",\"minimum\":1}}},\"example\":{\"type\":\"hot_work\"," \
	"\"area_id\":3,\"content\":\"3 号罐出料管线法兰更换焊接\",\"planned_start\":\"2026-12-03T08:00\"," \
	"\"planned_end\":\"2026-12-03T16:00\",\"hot_place\":\"plant\",\"guardian_id\":7,\"workers\":[{" \
	"\"user_id\":9,\"role\":\"焊工\"}]}}"
#define ACT "{\"type\":\"object\",\"properties\":{\"password\":{\"type\":\"string\",\"description\":" \
	"\"the signature: approve, refuse, close, extend\"},\"reason\":{\"type\":\"string\"," \
	"\"maxLength\":500},\"ack_conflicts\":{\"type\":\"boolean\"},\"site_clear\":{\"type\":" \
	"\"boolean\",\"description\":\"close: the site was left clean and safe\"},\"lat\":{\"type\":" \
	"\"number\",\"minimum\":-90,\"maximum\":90},\"lng\":{\"type\":\"number\",\"minimum\":-180," \
	"\"maximum\":180},\"new_end\":{\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"string\"," \
	"\"pattern\":\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$\"}],\"description\":" \
	"\"UTC seconds or local \\\"YYYY-MM-DDTHH:MM\\\"\"}}}"
#define GAS_IN "{\"type\":\"object\",\"required\":[\"analyst_id\"],\"properties\":{\"analyst_id\":{\"type\":" \
	"\"integer\",\"minimum\":1},\"point\":{\"type\":\"string\"},\"taken_at\":{\"oneOf\":[{\"type\":" \
	"\"integer\"},{\"type\":\"string\",\"pattern\":" \
	"\"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$\"}],\"description\":" \
	"\"UTC seconds or local \\\"YYYY-MM-DDTHH:MM\\\"\"},\"o2\":{\"type\":\"number\",\"minimum\":0," \
	"\"maximum\":100},\"combustible\":{\"type\":\"number\",\"minimum\":0},\"toxic\":{\"type\":" \
	"\"object\",\"additionalProperties\":{\"type\":\"number\",\"minimum\":0},\"description\":" \
	"\"gas code → reading (confined space)\"}}}"
#define GRADE_IN "{\"type\":\"object\",\"required\":[\"type\"],\"properties\":{\"type\":" PERMIT_TYPE "," \
	"\"hot_place\":{\"type\":\"string\"},\"shutdown\":{\"type\":\"boolean\"},\"night\":{\"type\":" \
	"\"boolean\"},\"rest_day\":{\"type\":\"boolean\"},\"wind\":{\"type\":\"integer\"},\"height_m\":" \
	"{\"type\":\"number\"},\"factors\":{\"type\":\"integer\"},\"load_t\":{\"type\":\"number\"}}}"
#define GRADE "{\"type\":\"object\",\"properties\":{\"grade\":{\"type\":\"string\"},\"label\":{\"type\":" \
	"\"string\"},\"max_hours\":{\"type\":\"integer\"}}}"
#define CATALOGUE "{\"type\":\"object\",\"properties\":{\"types\":{\"type\":\"array\",\"items\":{\"type\":" \
	"\"object\",\"properties\":{\"code\":{\"type\":\"string\"},\"prefix\":{\"type\":\"string\"}," \
	"\"operation\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},\"gas\":{\"type\":" \
	"\"boolean\"},\"grades\":{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{" \
	"\"grade\":{\"type\":\"string\"},\"label\":{\"type\":\"string\"},\"max_hours\":{\"type\":" \
	"\"integer\"},\"interrupt_min\":{\"type\":\"integer\"},\"chain\":{\"type\":\"array\",\"items\":" \
	"{\"type\":\"object\",\"properties\":{\"step\":{\"type\":\"integer\"},\"level\":{\"type\":" \
	"\"string\"},\"roles\":{\"type\":\"string\"}}}}}}},\"measures\":{\"type\":\"array\",\"items\":{" \
	"\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"zh\":{\"type\":\"string\"}" \
	",\"en\":{\"type\":\"string\"}}}}}}},\"toxic_limits\":{\"type\":\"array\",\"items\":{\"type\":" \
	"\"object\",\"properties\":{\"gas\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"}," \
	"\"unit\":{\"type\":\"string\"},\"limit_type\":{\"type\":\"string\"},\"value\":{\"type\":" \
	"\"number\"},\"applies\":{\"type\":\"boolean\"}}}}}}"
#define PPE_STATE "{\"type\":\"object\",\"required\":[\"level\"],\"properties\":{\"level\":{\"enum\":[\"ok\"," \
	"\"warn\",\"block\"]},\"missing\":{\"type\":\"string\"}}}"
#define OPTIONS "{\"type\":\"object\",\"properties\":{\"areas\":{\"type\":\"array\",\"items\":{\"type\":" \
	"\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"name\":{\"type\":\"string\"}," \
	"\"unit_id\":{\"type\":\"integer\"},\"radius_m\":{\"type\":\"integer\"},\"site_url\":{\"type\":" \
	"\"string\"},\"latitude\":{\"type\":\"number\",\"nullable\":true},\"longitude\":{\"type\":" \
	"\"number\",\"nullable\":true}}}},\"people\":{\"type\":\"array\",\"items\":{\"type\":\"object\"" \
	",\"properties\":{\"id\":{\"type\":\"integer\"},\"username\":{\"type\":\"string\"},\"name\":{" \
	"\"type\":\"string\"},\"ppe\":{\"type\":\"object\",\"description\":\"with ?type=: the protective equipment the" \
	" type asks of each role, held or not (ok, warn: missing at warn, block: missing at block)\",\"properties\":{" \
	"\"workers\":" PPE_STATE ",\"guardian\":" PPE_STATE "}}}}}}}"
#define OPTIONS_IN "{\"type\":\"object\",\"properties\":{\"type\":" PERMIT_TYPE ",\"day\":{\"type\":\"string\"," \
	"\"format\":\"date\",\"description\":\"the planned start day the equipment is judged on (default today)\"}}}"
#define CALENDAR "{\"type\":\"object\",\"properties\":{\"month\":{\"type\":\"string\"},\"from\":{\"type\":" \
	"\"integer\"},\"to\":{\"type\":\"integer\"},\"items\":{\"type\":\"array\",\"items\":" PERMIT_ROW \
	",\"x-bounded\":\"the permits of one month\"}}}"
#define AREAS "{\"type\":\"object\",\"properties\":{\"areas\":{\"type\":\"object\",\"additionalProperties\":{" \
	"\"type\":\"array\",\"items\":" PERMIT_ROW "},\"description\":\"area name → its live permits\"}" \
	"}}"
#define SITE "{\"type\":\"object\",\"properties\":{\"area_id\":{\"type\":\"integer\"},\"items\":{\"type\":" \
	"\"array\",\"items\":" PERMIT_ROW ",\"x-bounded\":\"the live permits of one area\"}}}"
#define ROWS "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":" PERMIT_ROW "}}}"

const struct module_schema permit_schemas[] = {
	{"GET", "/api/v1/permits", QUERY, ROWS},
	{"POST", "/api/v1/permits", APPLY, PERMIT},
	{"GET", "/api/v1/permits/catalogue", NULL, CATALOGUE},
	{"GET", "/api/v1/permits/options", OPTIONS_IN, OPTIONS},
	{"POST", "/api/v1/permits/grade", GRADE_IN, GRADE},
	{"GET", "/api/v1/permits/calendar", MONTH, CALENDAR},
	{"GET", "/api/v1/permits/areas", NULL, AREAS},
	{"GET", "/api/v1/permits/site/:qr_token", NULL, SITE},
	{"GET", "/api/v1/permits/:id", NULL, PERMIT},
	{"POST", "/api/v1/permits/:id", APPLY, PERMIT},
	{"POST", "/api/v1/permits/:id/actions/:action", ACT, PERMIT},
	{"POST", "/api/v1/permits/:id/gas", GAS_IN, PERMIT},
	{0},
};
