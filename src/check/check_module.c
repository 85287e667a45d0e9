/*
 * check_module.c — the check module's entry in the module table (base/module.h): routes,
 * permissions with their default roles, menu entries, the "waiting for me" line (my checks
 * due now), the scheduler job that generates tasks and marks missed ones, the API's schemas
 * and the demo.
 */
#include "check/check.h"
#include "check/check_web.h"
#include "base/clock.h"
#include "base/module.h"
#include "db/db.h"

extern const struct module_schema check_schemas[];	/* check_schemas.c */

static const struct module_perm perms[] = {
	/* everyone who checks: operators on their rounds, the 包保 people, the managers */
	{"check.do", "worker team_leader ws_safety ws_director safety_dept safety_director principal equip_manager"},
	{"check.view", "team_leader ws_safety ws_director safety_dept safety_director principal equip_manager"},
	{"check.manage", "ws_safety safety_dept"},
	{0},
};

static const struct module_menu menu[] = {
	{25, "/checks", "nav.checks", "check.do"},
	{47, "/checks/missed", "nav.check_overview", "check.view"},
	{0},
};

/* my tasks whose window is open now: the length of /checks?todo=due */
static int64_t due_now(struct req *r)
{
	int64_t n = 0, now = clock_now();
	db_get_i64(r->db, &n, "SELECT count(*) FROM check_tasks k" CHECK_MINE CHECK_DUE_NOW, "IItII", r->who ? r->who->user_id : 0, r->who ? check_my_position(r) : 0, CHECK_MY_PATH(r), now, now);
	return n;
}

static const struct module_todo todo[] = {
	{22, "/checks?todo=due", "check.todo.due", "check.do", due_now},
	{0},
};

static const struct module_job jobs[] = {
	{"check", check_sched_run},
	{0},
};

extern const struct entity check_point_entity, check_stop_entity;	/* check_points_web.c */
static const struct entity *const entities[] = {&check_point_entity, &check_stop_entity, NULL};

const struct module check_module = {
	.name = "check",
	.migrations = "0600-0649",
	.routes = check_routes,
	.perms = perms,
	.menu = menu,
	.jobs = jobs,
	.todo = todo,
	.schemas = check_schemas,
	.demo_load = check_demo_load,
	.entities = entities,
};
