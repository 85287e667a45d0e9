/*
 * sched_jobs.c — the list of scheduled jobs. A module with deadlines adds one line.
 */
#include "sched/sched.h"
#include "base/config.h"
#include "db/db.h"
#include "hazard/hazard.h"
#include "cert/cert.h"
#include "equip/equip.h"
#include "permit/permit.h"

#include <stddef.h>

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

const struct sched_job sched_jobs[] = {
	{"sessions", sweep_sessions},
	{"hazards", hazard_sched_run},
	{"certs", cert_sched_warn}, {"equipment", equip_sched_warn},
	{"permits", permit_sched_run},
	{NULL, NULL},
};
