/*
 * permit_module.c — the permit-to-work module's entry in the module table (base/module.h):
 * routes, permissions with their default roles, the menu entry, the overdue-permit job and
 * the demo permits.
 */
#include "permit/permit.h"
#include "base/module.h"
#include "db/db.h"
#include "web/page.h"

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


/* "Waiting for me": the permits whose next signature this person may give, by the same
 * rules as permit_check_approver (the step's roles, the area's unit for a unit step, not the
 * applicant, not twice in a round), and those he guards that wait to start or to close. */
static int64_t to_approve(struct req *r) { return permit_todo_count(r, "approve"); }
static int64_t to_start(struct req *r) { return permit_todo_count(r, "guard"); }
static int64_t to_close(struct req *r) { return permit_todo_count(r, "close"); }

static const struct module_todo todo[] = {
	{15, "/permits?todo=approve", "permit.todo.approve", "permit.approve", to_approve},
	{40, "/permits?todo=guard", "permit.todo.guard", "permit.guard", to_start},
	{50, "/permits?todo=close", "permit.todo.close", "permit.guard", to_close},
	{0},
};

static const struct module_job jobs[] = {
	{"permits", permit_sched_run},
	{0},
};

extern const struct module_schema permit_schemas[];	/* permit_schemas.c */

const struct module permit_module = {
	.name = "permit",
	.migrations = "0300-0399",
	.routes = permit_routes,
	.perms = perms,
	.menu = menu,
	.jobs = jobs,
	.todo = todo,
	.schemas = permit_schemas,
	.demo_load = permit_demo_load,
};
