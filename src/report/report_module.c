/*
 * report_module.c — the dashboards and reports module's entry in the module table
 * (base/module.h): routes, permissions with their default roles, the menu entry and the
 * role panel on the home page.
 */
#include "report/report.h"
#include "base/module.h"

static const struct module_perm perms[] = {
	{"dashboard.view", "worker team_leader ws_safety ws_director safety_dept safety_director principal equip_manager hr"},
	{"report.view", "ws_director safety_dept safety_director principal"},
	{0},
};

static const struct module_menu menu[] = {
	{70, "/dashboard", "nav.dashboard", "report.view"},
	{0},
};

static const struct module_panel panels[] = {
	{10, report_home_panel},	/* what this role looks at first (home_web.c) */
	{0},
};

extern const struct module_schema report_schemas[];	/* report_schemas.c */

const struct module report_module = {
	.name = "report",
	.migrations = "0400-0499",
	.routes = report_routes,
	.perms = perms,
	.menu = menu,
	.panels = panels,
	.schemas = report_schemas,
};
