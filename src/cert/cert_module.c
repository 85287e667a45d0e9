/*
 * cert_module.c — the certificate module's entry in the module table (base/module.h):
 * routes, permissions with their default roles, the menu entry, the expiry warnings and
 * the demo certificates.
 */
#include "cert/cert.h"
#include "base/module.h"
#include "db/db.h"
#include "web/page.h"

static const struct module_perm perms[] = {
	{"cert.view", "worker team_leader ws_safety ws_director safety_dept safety_director principal hr"},
	{"cert.admin", "hr"},
	{0},
};

static const struct module_menu menu[] = {
	{50, "/certs", "nav.certs", "cert.view"},
	{0},
};


/* "Waiting for me" for HR: certificates that expire or are due for review within the warning
 * window (CERT_WARN_DAYS), not revoked, expired ones included: each needs a course booked. */
static int64_t expiring(struct req *r) { return cert_todo_count(r); }

static const struct module_todo todo[] = {
	{35, "/certs?status=due", "cert.todo.expiring", "cert.admin", expiring},
	{0},
};

static const struct module_job jobs[] = {
	{"certs", cert_sched_warn},
	{0},
};

extern const struct module_schema cert_schemas[];	/* cert_schemas.c */

const struct module cert_module = {
	.name = "cert",
	.migrations = "0200-0299 (with equip)",
	.routes = cert_routes,
	.perms = perms,
	.menu = menu,
	.jobs = jobs,
	.todo = todo,
	.schemas = cert_schemas,
	.demo_load = cert_demo_load,
};
