/*
 * audit_module.c — the audit log's entry in the module table (base/module.h): its pages,
 * the one permission to read it (the audit administrator's alone, GB/T 22239-2019), the
 * menu entry and home tile.
 */
#include "audit/audit.h"
#include "base/module.h"

static const struct module_perm perms[] = {
	{"audit.read", "auditor"},
	{0},
};

static const struct module_menu menu[] = {
	{100, "/audit", "nav.audit", "audit.read"},
	{0},
};

static const struct module_tile tiles[] = {
	{50, "/audit", "nav.audit", "home.audit_hint", "audit.read", 0, NULL},
	{0},
};

/* GET /api/v1/audit/verify in the OpenAPI document (the list is described by its envelope) */
#define VERIFY "{\"type\":\"object\",\"properties\":{\"intact\":{\"type\":\"boolean\"},\"checked\":{\"type\":" \
	"\"integer\",\"description\":\"entries checked\"},\"broken_id\":{\"type\":\"integer\"," \
	"\"description\":\"the first entry whose hash does not chain\"},\"reason\":{\"type\":\"string\"" \
	"}}}"

static const struct module_schema audit_schemas[] = {
	{"GET", "/api/v1/audit/verify", NULL, VERIFY},
	{0},
};

const struct module audit_module = {
	.name = "audit",
	.migrations = "0001-0099 (platform)",
	.routes = audit_routes,
	.perms = perms,
	.menu = menu,
	.tiles = tiles,
	.schemas = audit_schemas,
};
