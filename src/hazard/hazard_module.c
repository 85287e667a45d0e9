/*
 * hazard_module.c — the hazard module's entry in the module table (base/module.h): its
 * routes, permissions and the default roles that get them, menu entries, home tiles, the
 * deadline and escalation job, and its demo records.
 */
#include "hazard/hazard.h"
#include "base/module.h"

static const struct module_perm perms[] = {
	{"hazard.report", "worker team_leader ws_safety ws_director safety_dept safety_director principal equip_manager"},
	{"hazard.view", "worker team_leader ws_safety ws_director safety_dept safety_director principal equip_manager"},
	{"hazard.handle", "team_leader ws_safety ws_director safety_dept safety_director"},
	{"hazard.rectify", "worker team_leader ws_safety"},
	{"hazard.verify", "team_leader ws_safety ws_director safety_dept safety_director"},
	{"hazard.export", "team_leader ws_safety ws_director safety_dept safety_director principal"},
	{"hazard.config", "safety_dept"},
	/* the photos without their evidence watermark (hazard_watermark.c) */
	{"hazard.photo_original", "safety_dept"},
	/* major hazards are governed by the principal and the safety director (DOMAIN.md) */
	{"hazard.major", "safety_director principal"},
	{0},
};

static const struct module_menu menu[] = {
	{20, "/hazards/new", "nav.report", "hazard.report"},
	{30, "/hazards", "nav.hazards", "hazard.view"},
	{0},
};

static const struct module_tile tiles[] = {
	{10, "/hazards/new", "nav.report", "home.report_hint", "hazard.report", 1, NULL},
	{20, "/hazards?mine=1&status=open", "hazard.home_tasks", "hazard.tab_mine", "hazard.view", 0, NULL},
	{0},
};

static const struct module_job jobs[] = {
	{"hazards", hazard_sched_run},
	{0},
};

const struct module hazard_module = {
	.name = "hazard",
	.migrations = "0100-0199",
	.routes = hazard_routes,
	.perms = perms,
	.menu = menu,
	.tiles = tiles,
	.jobs = jobs,
	.demo_load = hazard_demo_load,
};
