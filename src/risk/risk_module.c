/*
 * risk_module.c — the risk module's entry in the module table (base/module.h): routes,
 * permissions with their default roles, the menu entry, the "waiting for me" lines (my
 * re-assessments, my risks to confirm, assessments to approve), the home panel listing the
 * re-assessments due for the responsible person, the scheduler job of the living register and
 * the demo register.
 */
#include "risk/risk.h"
#include "risk/risk_web.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/module.h"
#include "base/day.h"
#include "db/db.h"
#include "web/i18n.h"
#include "web/page.h"

extern const struct module_schema risk_schemas[];	/* risk_schemas.c: the API's JSON shapes */

static const struct module_perm perms[] = {
	{"risk.view", "worker team_leader ws_safety ws_director safety_dept safety_director principal equip_manager"},
	{"risk.edit", "ws_safety safety_dept"},
	{"risk.assess", "ws_safety ws_director safety_dept"},
	/* 重大/较大 results are approved by the safety department (安环部, and its director) */
	{"risk.approve", "safety_dept safety_director"},
	{"risk.import", "safety_dept"},
	{0},
};

static const struct module_menu menu[] = {
	{45, "/risk", "nav.risk", "risk.edit risk.assess risk.approve"},
	{0},
};

/* "Waiting for me": each count is the length of the list its line opens */
static int64_t my_tasks(struct req *r) { return risk_register_todo_count(r, "tasks"); }
static int64_t to_approve(struct req *r) { return risk_register_todo_count(r, "approve"); }

static int64_t my_acks(struct req *r)
{
	int64_t n = 0;
	db_get_i64(r->db, &n, "SELECT count(*) FROM risk_acks WHERE user_id = ? AND confirmed_at = 0", "I",
		   r->who ? r->who->user_id : 0);
	return n;
}

static const struct module_todo todo[] = {
	{25, "/risk/acks", "risk.todo.acks", NULL, my_acks},
	{32, "/risk?todo=tasks", "risk.todo.tasks", "risk.view", my_tasks},
	{34, "/risk?todo=approve", "risk.todo.approve", "risk.approve", to_approve},
	{0},
};

/* The home panel of a responsible person: their open re-assessment tasks, most urgent first. */
static void tasks_panel(struct req *r)
{
	if (!r->who || !auth_has(r, "risk.view"))
		return;
	int64_t me = r->who->user_id, now = clock_now();
	struct db_stmt *st = db_query(r->db, "SELECT t.event_id, e.name, t.reason, t.due_at FROM risk_tasks t"
				    " JOIN risk_events e ON e.id = t.event_id WHERE t.closed_at = 0"
				    " AND (t.assignee_id = ? OR t.escalated_to = ?) ORDER BY t.due_at LIMIT 10", "II", me, me);
	int n = 0;
	while (st && db_step(st) == 1) {
		if (!n++)
			html_printf(&r->out, "<section class=\"card\" id=\"risk-due\"><h2>%s</h2><ul class=\"list\">",
				    T(r, "risk.panel.due"));
		char d[16];
		int64_t due = db_col_i64(st, 3);
		html_printf(&r->out, "<li%r><a href=\"/risk/events/%D\">%s</a> · %s · %s %s</li>", due < now ? " class=\"overdue\"" : "",
			    db_col_i64(st, 0), db_col_text(st, 1),
			    T(r, arena_printf(&r->arena, "risk.task.reason.%s", db_col_text(st, 2))), T(r, "risk.due"),
			    day_format(day_of(due), d));
	}
	db_done(r->db, st);
	if (n)
		html_printf(&r->out, "</ul></section>");
}

/* The home page of those who look after the whole plant or a workshop's risks: the four
 * colours per unit, each count linking to the unit's register. */
static void colours_panel(struct req *r)
{
	if (!r->who || !auth_has_any(r, "risk.approve report.view"))
		return;
	html_printf(&r->out, "<section class=\"card\" id=\"risk-colours\"><h2><a href=\"/risk\">%s</a></h2>",
		    T(r, "risk.panel.colours"));
	risk_counts_html(r);
	html_printf(&r->out, "</section>");
}

static const struct module_panel panels[] = {
	{30, tasks_panel},
	{31, colours_panel},
	{0},
};

static const struct module_job jobs[] = {
	{"risk", risk_sched_run},
	{0},
};

const struct module risk_module = {
	.name = "risk",
	.migrations = "0500-0549",
	.routes = risk_routes,
	.perms = perms,
	.menu = menu,
	.panels = panels,
	.jobs = jobs,
	.todo = todo,
	.schemas = risk_schemas,
	.demo_load = risk_demo_load,
};
