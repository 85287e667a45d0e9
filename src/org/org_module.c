/*
 * org_module.c — the organization module's entry in the module table (base/module.h):
 * routes (units, areas, positions, users, roles, tokens), the administration permissions
 * and the default roles that get them, the admin menu entry and home tile.
 *
 * The system administrator manages people, units and configuration, the security
 * administrator roles and tokens (GB/T 22239-2019 §8.1.4.2; migration 0003).
 */
#include "org/org.h"
#include "base/module.h"
#include "org/org_web.h"

static const struct module_perm perms[] = {
	{"org.view", "team_leader ws_safety ws_director safety_dept safety_director principal equip_manager hr sysadmin secadmin"},
	{"org.admin", "sysadmin"},
	{"user.view", "team_leader ws_safety ws_director safety_dept safety_director principal equip_manager hr sysadmin secadmin"},
	{"user.admin", "sysadmin"},
	{"role.admin", "secadmin"},
	{"settings.admin", "sysadmin"},
	{"token.admin", "sysadmin secadmin"},
	{0},
};

#define ORG_ADMIN_PERMS "user.admin role.admin token.admin org.admin"

static const struct module_menu menu[] = {
	{90, "/admin", "nav.admin", ORG_ADMIN_PERMS},
	{0},
};

static const struct module_tile tiles[] = {
	{40, "/admin", "nav.admin", "home.admin_hint", ORG_ADMIN_PERMS, 0, NULL},
	{0},
};

/* served by the entity layer: the OpenAPI document describes them from their fields */
static const struct entity *const entities[] = {&unit_entity, &area_entity, NULL};

extern const struct module_schema org_schemas[];	/* org_schemas.c */

const struct module org_module = {
	.name = "org",
	.migrations = "0001-0099 (platform)",
	.routes = org_routes,
	.perms = perms,
	.menu = menu,
	.tiles = tiles,
	.entities = entities,
	.schemas = org_schemas,
};
