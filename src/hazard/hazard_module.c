/*
 * hazard_module.c — the hazard module's entry in the module table (base/module.h): its
 * routes, permissions and the default roles that get them, menu entries, home tiles, the
 * deadline and escalation job, and its demo records.
 */
#include "hazard/hazard.h"
#include "base/module.h"
#include "auth/auth.h"
#include "db/db.h"
#include "web/page.h"

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


/* "Waiting for me": each count is the total of the list its line opens (hazard_todo_count),
 * so "3 to verify" opens a list of those 3. */
static int64_t to_rectify(struct req *r) { return hazard_todo_count(r, "rectify"); }
static int64_t to_accept(struct req *r) { return hazard_todo_count(r, "accept"); }
static int64_t to_review(struct req *r) { return hazard_todo_count(r, "review"); }
static int64_t to_verify(struct req *r) { return hazard_todo_count(r, "verify"); }
static int64_t reported_open(struct req *r) { return hazard_todo_count(r, "reported"); }

static const struct module_todo todo[] = {
	{10, "/hazards?todo=rectify", "hazard.todo.rectify", "hazard.rectify", to_rectify},
	{20, "/hazards?todo=accept", "hazard.todo.accept", "hazard.handle", to_accept},
	{25, "/hazards?todo=review", "hazard.todo.review", "hazard.handle", to_review},
	{30, "/hazards?todo=verify", "hazard.todo.verify", "hazard.verify", to_verify},
	{90, "/hazards?todo=reported", "hazard.todo.reported", "hazard.report", reported_open},
	{0},
};

static const struct module_job jobs[] = {
	{"hazards", hazard_sched_run},
	{0},
};

extern const struct module_schema hazard_schemas[];	/* hazard_schemas.c */

const struct module hazard_module = {
	.name = "hazard",
	.migrations = "0100-0199",
	.routes = hazard_routes,
	.perms = perms,
	.menu = menu,
	.tiles = tiles,
	.jobs = jobs,
	.todo = todo,
	.schemas = hazard_schemas,
	.demo_load = hazard_demo_load,
};
