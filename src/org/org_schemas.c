/*
 * org_schemas.c — the JSON shapes of the user API, and the deactivations that take no body,
 * for the OpenAPI document (struct module_schema, base/module.h); units, areas, positions
 * and roles are described by the entity layer from their field declarations.
 */

#include "org/org.h"
#include "base/module.h"

#define USER "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"username\":{\"type\":" \
	"\"string\"},\"name\":{\"type\":\"string\"},\"employee_no\":{\"type\":\"string\"},\"phone\":{" \
	"\"type\":\"string\"},\"unit_id\":{\"type\":\"integer\"},\"unit\":{\"type\":\"string\"}," \
	"\"position_id\":{\"type\":\"integer\",\"description\":\"0: none\"},\"supervisor_id\":{" \
	"\"type\":\"integer\",\"description\":\"0: none\"},\"roles\":{\"type\":\"array\",\"items\":{" \
	"\"type\":\"string\"}},\"active\":{\"type\":\"boolean\"},\"locked\":{\"type\":\"boolean\"," \
	"\"description\":\"locked out after failed sign-ins\"},\"must_change_password\":{\"type\":" \
	"\"boolean\"},\"initial_password\":{\"type\":\"string\",\"description\":" \
	"\"create only: shown once\"},\"hired_on\":{\"type\":\"string\",\"format\":\"date\",\"nullable\":" \
	"true,\"description\":\"入职日期\"}}}"
#define USER_IN "{\"type\":\"object\",\"required\":[\"username\",\"name\",\"unit_id\",\"roles\"]," \
	"\"properties\":{\"username\":{\"type\":\"string\",\"minLength\":3,\"maxLength\":32," \
	"\"pattern\":\"^[a-z0-9_.-]+$\",\"description\":\"create only\"},\"name\":{\"type\":\"string\"," \
	"\"maxLength\":50},\"employee_no\":{\"type\":\"string\",\"maxLength\":32},\"phone\":{\"type\":" \
	"\"string\",\"maxLength\":20},\"unit_id\":{\"type\":\"integer\",\"minimum\":1},\"position_id\":" \
	"{\"type\":\"integer\",\"minimum\":1},\"supervisor_id\":{\"type\":\"integer\",\"minimum\":1}," \
	"\"hired_on\":{\"type\":\"string\",\"format\":\"date\",\"description\":\"入职日期, not after today\"}," \
	"\"roles\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},\"minItems\":1,\"description\":" \
	"\"role codes; an administrator role cannot be combined with a business role (三权分立)\"}}," \
	"\"example\":{\"username\":\"zhangwei\",\"name\":\"张伟\",\"unit_id\":5,\"roles\":[\"worker\"]}}"
#define USERS "{\"type\":\"object\",\"properties\":{\"items\":{\"type\":\"array\",\"items\":" USER "}}}"

const struct module_schema org_schemas[] = {
	{"GET", "/api/v1/users", NULL, USERS},
	{"POST", "/api/v1/users", USER_IN, USER},
	{"GET", "/api/v1/users/:id", NULL, USER},
	{"PATCH", "/api/v1/users/:id", USER_IN, USER},
	{"POST", "/api/v1/users/:id/deactivate", MODULE_NO_BODY, USER},
	{"POST", "/api/v1/units/:id/deactivate", MODULE_NO_BODY, NULL},
	{"POST", "/api/v1/areas/:id/deactivate", MODULE_NO_BODY, NULL},
	{0},
};
