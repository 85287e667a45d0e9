/*
 * equip_schemas.c — the JSON shapes of the special-equipment API (devices, inspections,
 * maintenance) for the OpenAPI document (struct module_schema, base/module.h), beside the
 * handlers in equip_web.c; tests/openapi checks every answer against them.
 */

#include "equip/equip.h"
#include "base/module.h"

#define QUERY "{\"type\":\"object\",\"properties\":{\"state\":{\"type\":\"string\",\"enum\":[\"due\",\"ok\"," \
	"\"due60\",\"due30\",\"overdue\",\"unknown\"],\"description\":" \
	"\"due: overdue or within 30 days\"},\"kind\":{\"type\":\"string\"},\"all\":{\"type\":" \
	"\"string\",\"enum\":[\"0\",\"1\"],\"description\":\"1: every device," \
	" not only special equipment\"}}}"
#define DEVICE "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"code\":{\"type\":" \
	"\"string\"},\"name\":{\"type\":\"string\"},\"kind\":{\"type\":\"string\",\"description\":" \
	"\"an equipment kind code (特种设备目录 where special)\"},\"reg_no\":{\"type\":\"string\"," \
	"\"description\":\"使用登记证编号\"},\"unit\":{\"type\":\"string\"},\"location\":{\"type\":\"string\"}" \
	",\"responsible\":{\"type\":\"string\"},\"last_inspection_on\":{\"type\":\"string\",\"format\":" \
	"\"date\",\"nullable\":true},\"next_inspection_on\":{\"type\":\"string\",\"format\":\"date\"," \
	"\"nullable\":true},\"interval_months\":{\"type\":\"integer\"},\"safety_grade\":{\"type\":" \
	"\"integer\",\"description\":\"pressure vessels: 1–5 (TSG 21-2016), 0 unknown\"},\"unit_id\":{" \
	"\"type\":\"integer\"},\"responsible_user_id\":{\"type\":\"integer\"},\"state\":{\"type\":" \
	"\"string\",\"enum\":[\"ok\",\"due60\",\"due30\",\"overdue\",\"unknown\"],\"description\":" \
	"\"by the next inspection date\"},\"special\":{\"type\":\"boolean\"}}}"
#define INSPECTION "{\"type\":\"object\",\"properties\":{\"inspected_on\":{\"type\":\"string\",\"format\":\"date\"" \
	",\"nullable\":true},\"kind\":{\"type\":\"string\"},\"agency\":{\"type\":\"string\"}," \
	"\"report_no\":{\"type\":\"string\"},\"result\":{\"type\":\"string\",\"enum\":[\"pass\"," \
	"\"conditional\",\"fail\"]},\"next_due_on\":{\"type\":\"string\",\"format\":\"date\"," \
	"\"nullable\":true},\"note\":{\"type\":\"string\"}}}"
#define MAINTENANCE "{\"type\":\"object\",\"properties\":{\"done_on\":{\"type\":\"string\",\"format\":\"date\"," \
	"\"nullable\":true},\"description\":{\"type\":\"string\"},\"done_by\":{\"type\":\"string\"}}}"
#define DEVICE_FULL "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"code\":{\"type\":" \
	"\"string\"},\"name\":{\"type\":\"string\"},\"kind\":{\"type\":\"string\",\"description\":" \
	"\"an equipment kind code (特种设备目录 where special)\"},\"reg_no\":{\"type\":\"string\"," \
	"\"description\":\"使用登记证编号\"},\"unit\":{\"type\":\"string\"},\"location\":{\"type\":\"string\"}" \
	",\"responsible\":{\"type\":\"string\"},\"last_inspection_on\":{\"type\":\"string\",\"format\":" \
	"\"date\",\"nullable\":true},\"next_inspection_on\":{\"type\":\"string\",\"format\":\"date\"," \
	"\"nullable\":true},\"interval_months\":{\"type\":\"integer\"},\"safety_grade\":{\"type\":" \
	"\"integer\",\"description\":\"pressure vessels: 1–5 (TSG 21-2016), 0 unknown\"},\"unit_id\":{" \
	"\"type\":\"integer\"},\"responsible_user_id\":{\"type\":\"integer\"},\"state\":{\"type\":" \
	"\"string\",\"enum\":[\"ok\",\"due60\",\"due30\",\"overdue\",\"unknown\"],\"description\":" \
	"\"by the next inspection date\"},\"special\":{\"type\":\"boolean\"},\"inspections\":{\"type\":" \
	"\"array\",\"items\":" INSPECTION "},\"maintenance\":{\"type\":\"array\",\"items\":" MAINTENANCE \
	"}}}"
#define DEVICE_IN "{\"type\":\"object\",\"required\":[\"code\",\"name\",\"kind\",\"unit_id\"],\"properties\":{" \
	"\"code\":{\"type\":\"string\",\"maxLength\":32},\"name\":{\"type\":\"string\",\"maxLength\":" \
	"100},\"kind\":{\"type\":\"string\"},\"unit_id\":{\"type\":\"integer\",\"minimum\":1}," \
	"\"reg_no\":{\"type\":\"string\",\"maxLength\":64},\"location\":{\"type\":\"string\"," \
	"\"maxLength\":100},\"responsible\":{\"type\":\"string\",\"maxLength\":64,\"description\":" \
	"\"a username or a user id\"},\"last_inspection_on\":{\"type\":\"string\",\"format\":\"date\"}," \
	"\"next_inspection_on\":{\"type\":\"string\",\"format\":\"date\",\"description\":" \
	"\"empty: the last inspection plus the interval\"},\"interval_months\":{\"type\":\"integer\"," \
	"\"minimum\":0,\"maximum\":1000},\"safety_grade\":{\"type\":\"integer\",\"minimum\":0," \
	"\"maximum\":5}},\"example\":{\"code\":\"R-101\",\"name\":\"反应釜\",\"kind\":\"pressure_vessel\"," \
	"\"unit_id\":4,\"reg_no\":\"容3LJ苏A0123\",\"last_inspection_on\":\"2026-03-10\"," \
	"\"safety_grade\":2}}"
#define INSPECTION_IN "{\"type\":\"object\",\"required\":[\"inspected_on\",\"result\"],\"properties\":{" \
	"\"inspected_on\":{\"type\":\"string\",\"format\":\"date\",\"description\":" \
	"\"not in the future\"},\"result\":{\"type\":\"string\",\"enum\":[\"pass\",\"conditional\"," \
	"\"fail\"]},\"agency\":{\"type\":\"string\",\"maxLength\":100},\"report_no\":{\"type\":" \
	"\"string\",\"maxLength\":64},\"next_due_on\":{\"type\":\"string\",\"format\":\"date\"," \
	"\"description\":\"empty: by the kind's interval and grade\"},\"safety_grade\":{\"type\":" \
	"\"integer\",\"minimum\":0,\"maximum\":5},\"note\":{\"type\":\"string\",\"maxLength\":500}}}"
#define MAINTENANCE_IN "{\"type\":\"object\",\"required\":[\"done_on\",\"description\"],\"properties\":{\"done_on\":{" \
	"\"type\":\"string\",\"format\":\"date\"},\"description\":{\"type\":\"string\",\"maxLength\":" \
	"1000},\"done_by\":{\"type\":\"string\",\"maxLength\":100}}}"
#define DEVICE_LIST "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":" DEVICE "}," \
	"\"counts\":{\"type\":\"object\",\"description\":\"devices in scope by state," \
	" before the state filter\",\"properties\":{\"ok\":{\"type\":\"integer\"},\"due60\":{\"type\":" \
	"\"integer\"},\"due30\":{\"type\":\"integer\"},\"overdue\":{\"type\":\"integer\"},\"unknown\":{" \
	"\"type\":\"integer\"}}}}}"

const struct module_schema equip_schemas[] = {
	{"GET", "/api/v1/equipment", QUERY, DEVICE_LIST},
	{"POST", "/api/v1/equipment", DEVICE_IN, DEVICE_FULL},
	{"GET", "/api/v1/equipment/:id", NULL, DEVICE_FULL},
	{"POST", "/api/v1/equipment/:id", DEVICE_IN, DEVICE_FULL},
	{"POST", "/api/v1/equipment/:id/inspections", INSPECTION_IN, DEVICE_FULL},
	{"POST", "/api/v1/equipment/:id/maintenance", MAINTENANCE_IN, DEVICE_FULL},
	{0},
};
