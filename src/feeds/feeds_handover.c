/*
 * feeds_handover.c — what a person who leaves still had to do, and who takes it: the open
 * work of the modules that name one person as its doer, moved to the leaver's team leader
 * when an HR import deactivates them (feeds_hr.c).
 *
 * The list below is the one place that knows those columns: a hazard assigned, being
 * rectified or waiting for verification (hazards.assignee_id / rectifier_id / verifier_id
 * while not closed or cancelled), an open check task (check_tasks.assignee_id), and a live
 * permit they guard (permits.guardian_id: under GB 30871-2022 the guardian (监护人) stays on the
 * site throughout, so a permit without one cannot go on). Permit approvals are by role, not by person,
 * and need no handover. A module adding person-assigned work adds its line here.
 */
#include "feeds/feeds.h"
#include "db/db.h"

#include <stdlib.h>

static const char *const handover_sql[] = {
	"UPDATE hazards SET assignee_id = ?1, version = version + 1 WHERE assignee_id = ?2"
	" AND status NOT IN ('closed', 'cancelled')",
	"UPDATE hazards SET rectifier_id = ?1, version = version + 1 WHERE rectifier_id = ?2"
	" AND status NOT IN ('closed', 'cancelled')",
	"UPDATE hazards SET verifier_id = ?1, version = version + 1 WHERE verifier_id = ?2"
	" AND status NOT IN ('closed', 'cancelled')",
	"UPDATE check_tasks SET assignee_id = ?1 WHERE assignee_id = ?2 AND status = 'open'",
	"UPDATE permits SET guardian_id = ?1 WHERE guardian_id = ?2 AND state NOT IN ('closed', 'cancelled', 'draft')",
	NULL,
};

int feeds_handover(struct db *c, int64_t leaver, int64_t successor)
{
	int moved = 0;
	for (int i = 0; handover_sql[i]; i++) {
		if (db_exec(c, handover_sql[i], "II", successor, leaver) != DB_OK)
			return -1;
		moved += db_changes(c);
	}
	return moved;
}

int64_t feeds_team_leader(struct db *c, int64_t user_id)
{
	int64_t id = 0;
	if (db_get_i64(c, &id, "SELECT s.id FROM users u JOIN users s ON s.id = u.supervisor_id"
			       " WHERE u.id = ? AND s.active = 1 AND s.id <> u.id", "I", user_id) == 1)
		return id;
	/* the head of the unit, else of the nearest unit above: the longest path that is a
	 * prefix of the person's unit's path */
	if (db_get_i64(c, &id, "SELECT h.id FROM users u JOIN units mine ON mine.id = u.unit_id"
			       " JOIN units up ON mine.path LIKE up.path || '%' JOIN users h ON h.id = up.head_user_id"
			       " WHERE u.id = ?1 AND h.active = 1 AND h.id <> ?1 ORDER BY length(up.path) DESC LIMIT 1",
		       "I", user_id) == 1)
		return id;
	return 0;
}
