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
static int64_t to_approve(struct req *r)
{
	int64_t n = 0;
	db_get_i64(r->db, &n,
		"SELECT count(*) FROM permits p JOIN units au ON au.id = p.unit_id"
		" JOIN permit_chain c ON c.type = p.type AND c.grade = p.grade AND c.step = p.chain_step + 1"
		" WHERE p.state IN ('submitted', 'approving') AND p.applicant_id <> ?1"
		" AND EXISTS (SELECT 1 FROM user_roles ur JOIN roles ro ON ro.id = ur.role_id"
		"  WHERE ur.user_id = ?1 AND (' ' || c.roles || ' ') LIKE ('% ' || ro.code || ' %'))"
		" AND (c.level <> 'unit' OR EXISTS (SELECT 1 FROM users u JOIN units uu ON uu.id = u.unit_id"
		"  WHERE u.id = ?1 AND au.path LIKE uu.path || '%'))"
		" AND NOT EXISTS (SELECT 1 FROM permit_approvals a WHERE a.permit_id = p.id AND a.round = p.round"
		"  AND a.user_id = ?1 AND a.decision = 'approve')", "I", r->who->user_id);
	return n;
}

static int64_t guarded(struct req *r, const char *states)
{
	int64_t n = 0;
	db_get_i64(r->db, &n, "SELECT count(*) FROM permits WHERE guardian_id = ?"
			      " AND (' ' || ? || ' ') LIKE ('% ' || state || ' %')", "It", r->who->user_id, states);
	return n;
}

static int64_t to_start(struct req *r) { return guarded(r, "approved"); }
static int64_t to_close(struct req *r) { return guarded(r, "in_progress suspended"); }

static const struct module_todo todo[] = {
	{15, "/permits?state=submitted", "permit.todo.approve", "permit.approve", to_approve},
	{40, "/permits?state=approved", "permit.todo.guard", "permit.guard", to_start},
	{50, "/permits?state=in_progress", "permit.todo.close", "permit.guard", to_close},
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
	.todo = todo,
	.demo_load = permit_demo_load,
};
