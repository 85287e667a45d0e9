/*
 * report_schemas.c — the JSON shape of the dashboard API for the OpenAPI document (struct
 * module_schema, base/module.h), beside dashboard_web.c.
 */

#include "report/report.h"
#include "base/module.h"

#define DASH_QUERY "{\"type\":\"object\",\"properties\":{\"unit\":{\"type\":\"integer\",\"minimum\":1," \
	"\"description\":\"the unit and its sub-units; default the caller's scope\"},\"month\":{" \
	"\"type\":\"string\",\"pattern\":\"^[0-9]{4}-[0-9]{2}$\"},\"period\":{\"type\":\"string\"," \
	"\"enum\":[\"30d\",\"month\",\"last_month\"],\"description\":" \
	"\"a named period; wins over month\"},\"from\":{\"type\":\"string\",\"format\":\"date\"}," \
	"\"to\":{\"type\":\"string\",\"format\":\"date\",\"description\":" \
	"\"with from: at most 400 days\"},\"base_from\":{\"type\":\"string\",\"format\":\"date\"," \
	"\"description\":\"the comparison period\"},\"base_to\":{\"type\":\"string\",\"format\":" \
	"\"date\"}}}"
#define DASHBOARD "{\"type\":\"object\",\"properties\":{\"unit_id\":{\"type\":\"integer\"},\"unit\":{\"type\":" \
	"\"string\"},\"from\":{\"type\":\"integer\",\"description\":\"UTC seconds\"},\"to\":{\"type\":" \
	"\"integer\"},\"kpis\":{\"type\":\"object\",\"description\":" \
	"\"the dashboard's indicators; null where the period has nothing to measure\",\"properties\":{" \
	"\"response\":{\"type\":\"number\",\"nullable\":true,\"description\":\"hours," \
	" median report → accept\"},\"closure\":{\"type\":\"number\",\"nullable\":true,\"description\":" \
	"\"days, median report → closed\"},\"on_time\":{\"type\":\"number\",\"nullable\":true," \
	"\"description\":\"share closed by the due date\"},\"repeat\":{\"type\":\"number\"," \
	"\"nullable\":true},\"participation\":{\"type\":\"number\",\"nullable\":true,\"description\":" \
	"\"share of people who reported\"},\"cycle\":{\"type\":\"number\",\"nullable\":true}," \
	"\"compression\":{\"type\":\"number\",\"nullable\":true},\"overdue\":{\"type\":\"number\"," \
	"\"nullable\":true},\"major\":{\"type\":\"number\",\"nullable\":true},\"reported\":{\"type\":" \
	"\"number\",\"nullable\":true},\"cert_expiring\":{\"type\":\"number\",\"nullable\":true}," \
	"\"cert_expired\":{\"type\":\"number\",\"nullable\":true},\"equip_overdue\":{\"type\":" \
	"\"number\",\"nullable\":true},\"permits_active\":{\"type\":\"number\",\"nullable\":true}," \
	"\"permits_stale\":{\"type\":\"number\",\"nullable\":true},\"approval\":{\"type\":\"number\"," \
	"\"nullable\":true}},\"additionalProperties\":{\"type\":\"number\",\"nullable\":true}}," \
	"\"counts\":{\"type\":\"object\",\"description\":" \
	"\"the counts the indicators are computed from\",\"properties\":{\"reported\":{\"type\":" \
	"\"integer\"},\"closed\":{\"type\":\"integer\"},\"on_time\":{\"type\":\"integer\"},\"repeats\":" \
	"{\"type\":\"integer\"},\"responded\":{\"type\":\"integer\"},\"reporters\":{\"type\":" \
	"\"integer\"},\"people\":{\"type\":\"integer\"},\"closed_in_period\":{\"type\":\"integer\"}," \
	"\"open\":{\"type\":\"integer\"},\"overdue_open\":{\"type\":\"integer\"},\"major_open\":{" \
	"\"type\":\"integer\"}}}}}"

const struct module_schema report_schemas[] = {
	{"GET", "/api/v1/dashboard", DASH_QUERY, DASHBOARD},
	{0},
};
