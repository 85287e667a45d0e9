/*
 * equip_module.c — the special-equipment module's entry in the module table
 * (base/module.h): routes, permissions with their default roles, the menu entry, the
 * inspection-date warnings and the demo inspection dates.
 */
#include "equip/equip.h"
#include "base/module.h"
#include "base/day.h"
#include "db/db.h"
#include "web/page.h"

static const struct module_perm perms[] = {
	{"equip.view", "team_leader ws_safety ws_director safety_dept safety_director principal equip_manager"},
	{"equip.admin", "equip_manager"},
	{0},
};

static const struct module_menu menu[] = {
	{60, "/equipment", "nav.equipment", "equip.view"},
	{0},
};


/* "Waiting for me" for the equipment manager: devices whose next inspection falls within a
 * month (time to apply, equip.h) or is past. */
static int64_t due(struct req *r) { return equip_todo_count(r); }

static const struct module_todo todo[] = {
	{36, "/equipment?state=due&all=1", "equip.todo.due", "equip.admin", due},
	{0},
};

static const struct module_job jobs[] = {
	{"equipment", equip_sched_warn},
	{0},
};

extern const struct module_schema equip_schemas[];	/* equip_schemas.c */

const struct module equip_module = {
	.name = "equip",
	.migrations = "0200-0299 (with cert)",
	.routes = equip_routes,
	.perms = perms,
	.menu = menu,
	.jobs = jobs,
	.todo = todo,
	.schemas = equip_schemas,
	.demo_load = equip_demo_load,
};
