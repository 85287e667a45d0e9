/*
 * permit_module.c — the permit-to-work module's entry in the module table (base/module.h):
 * routes, permissions with their default roles, the menu entry, the overdue-permit job and
 * the demo permits.
 */
#include "permit/permit.h"
#include "base/module.h"

static const struct module_perm perms[] = {
	{"permit.view", "worker team_leader ws_safety ws_director safety_dept safety_director principal equip_manager"},
	{"permit.apply", "team_leader ws_safety"},
	{"permit.guard", "ws_safety"},
	{"permit.approve", "ws_safety ws_director safety_dept safety_director principal equip_manager"},
	{0},
};

static const struct module_menu menu[] = {
	{40, "/permits", "nav.permits", "permit.view"},
	{0},
};

static const struct module_job jobs[] = {
	{"permits", permit_sched_run},
	{0},
};

const struct module permit_module = {
	.name = "permit",
	.migrations = "0300-0399",
	.routes = permit_routes,
	.perms = perms,
	.menu = menu,
	.jobs = jobs,
	.demo_load = permit_demo_load,
};
