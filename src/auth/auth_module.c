/*
 * auth_module.c — sign-in's entry in the module table (base/module.h): the login, logout,
 * password and token routes, the job that deletes expired sessions and the one that deletes
 * sign-in attempts and notifications past their retention (auth_retention.c). It declares no
 * permission: every route of its own is open to anyone signed in (or public).
 */
#include "auth/auth.h"
#include "base/config.h"
#include "base/module.h"
#include "db/db.h"

/* Sessions past their idle or absolute limit are deleted so the table does not grow. */
static int sweep_sessions(struct db *c, int64_t now)
{
	if (db_begin(c) != DB_OK)
		return -1;
	int rc = db_exec(c, "DELETE FROM sessions WHERE created_at < ? OR last_seen < ?", "II",
			 now - cfg.session_absolute, now - cfg.session_idle);
	if (rc != DB_OK || db_commit(c) != DB_OK) {
		db_rollback(c);
		return -1;
	}
	return 0;	/* housekeeping: not counted as actions */
}

static const struct module_job jobs[] = {
	{"sessions", sweep_sessions},
	{"retention", auth_retention_sweep},
	{0},
};

extern const struct module_schema auth_schemas[];	/* auth_schemas.c */

const struct module auth_module = {
	.name = "auth",
	.migrations = "0001-0099 (platform)",
	.routes = auth_routes,
	.jobs = jobs,
	.schemas = auth_schemas,
};
