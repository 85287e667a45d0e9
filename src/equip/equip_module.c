/*
 * equip_module.c — the special-equipment module's entry in the module table
 * (base/module.h): routes, permissions with their default roles, the menu entry, the
 * inspection-date warnings and the demo inspection dates.
 */
#include "equip/equip.h"
#include "base/module.h"

static const struct module_perm perms[] = {
	{"equip.view", "team_leader ws_safety ws_director safety_dept safety_director principal equip_manager"},
	{"equip.admin", "equip_manager"},
	{0},
};

static const struct module_menu menu[] = {
	{60, "/equipment", "nav.equipment", "equip.view"},
	{0},
};

static const struct module_job jobs[] = {
	{"equipment", equip_sched_warn},
	{0},
};

const struct module equip_module = {
	.name = "equip",
	.migrations = "0200-0299 (with cert)",
	.routes = equip_routes,
	.perms = perms,
	.menu = menu,
	.jobs = jobs,
	.demo_load = equip_demo_load,
};
