/*
 * auth_schemas.c — the JSON shapes of sign-in, sign-out, password change and "who am I" for
 * the OpenAPI document (struct module_schema, base/module.h), beside auth_web.c.
 */

#include "auth/auth.h"
#include "base/module.h"

#define LOGIN_IN "{\"type\":\"object\",\"required\":[\"username\",\"password\"],\"properties\":{\"username\":{" \
	"\"type\":\"string\",\"maxLength\":64},\"password\":{\"type\":\"string\",\"maxLength\":1024," \
	"\"format\":\"password\"}},\"example\":{\"username\":\"anquanke\",\"password\":\"••••••••\"}}"
#define LOGIN "{\"type\":\"object\",\"properties\":{\"token\":{\"type\":\"string\",\"description\":" \
	"\"send as \\\"Authorization: Bearer TOKEN\\\"; the session's limits apply\"}," \
	"\"must_change_password\":{\"type\":\"boolean\",\"description\":" \
	"\"only POST /api/v1/auth/password and sign-out are allowed until it is changed\"}}}"
#define OK "{\"type\":\"object\",\"properties\":{\"ok\":{\"type\":\"boolean\"}}}"
#define PASSWORD_IN "{\"type\":\"object\",\"required\":[\"current\",\"new\"],\"properties\":{\"current\":{\"type\":" \
	"\"string\",\"format\":\"password\"},\"new\":{\"type\":\"string\",\"format\":\"password\"," \
	"\"description\":\"the password policy applies (auth.password_min_length, classes)\"}}}"
#define ME "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"integer\"},\"username\":{\"type\":" \
	"\"string\"},\"name\":{\"type\":\"string\"},\"unit_id\":{\"type\":\"integer\"},\"unit\":{" \
	"\"type\":\"string\"},\"scope\":{\"type\":\"string\",\"description\":\"data scope: own, team," \
	" unit, company, all\"},\"permissions\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}," \
	"\"must_change_password\":{\"type\":\"boolean\"}}}"

const struct module_schema auth_schemas[] = {
	{"POST", "/api/v1/auth/login", LOGIN_IN, LOGIN},
	{"POST", "/api/v1/auth/logout", MODULE_NO_BODY, OK},
	{"POST", "/api/v1/auth/password", PASSWORD_IN, OK},
	{"GET", "/api/v1/me", NULL, ME},
	{0},
};
