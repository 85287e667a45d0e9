/*
 * risk_chain.c — rules of the chain itself: a risk event may not be closed while active
 * measures or open hazards point at it, nor an object or analysis unit while its events are
 * in use (the rule: deactivate instead, audited — the entity layer's deactivate asks
 * these through refuse_deactivate); and marking an event for re-assessment.
 */
#include "risk/risk.h"
#include "db/db.h"

/* hazards that are not closed: the hazard module's terminal states */
#define OPEN_HAZARD "h.status NOT IN ('closed', 'cancelled')"

int risk_event_in_use(struct db *c, int64_t event_id)
{
	int64_t n = 0;
	if (db_get_i64(c, &n, "SELECT count(*) FROM risk_measures WHERE event_id = ? AND active = 1", "I", event_id) != 1)
		return -1;
	if (n)
		return 1;
	if (db_get_i64(c, &n, "SELECT count(*) FROM hazards h WHERE (h.risk_event_id = ? OR h.measure_id IN"
			      " (SELECT id FROM risk_measures WHERE event_id = ?)) AND " OPEN_HAZARD, "II", event_id,
		       event_id) != 1)
		return -1;
	return n ? 2 : 0;
}

int risk_object_in_use(struct db *c, int64_t object_id)
{
	struct db_stmt *st = db_query(c, "SELECT e.id FROM risk_events e JOIN risk_units u ON u.id = e.risk_unit_id"
				    " WHERE u.object_id = ? AND e.active = 1", "I", object_id);
	int rc = st ? 0 : -1;
	while (st && rc == 0 && db_step(st) == 1) {
		int r = risk_event_in_use(c, db_col_i64(st, 0));
		rc = r ? r : 0;
	}
	db_done(c, st);
	return rc;
}

int risk_event_mark(struct db *c, int64_t event_id, const char *reason, int64_t due, int64_t now)
{
	/* the earliest deadline holds when a second reason arrives before the first is answered */
	return db_exec(c, "UPDATE risk_events SET needs_reassessment = 1, reassess_reason = ?,"
			  " reassess_due = CASE WHEN needs_reassessment = 1 AND reassess_due > 0 AND reassess_due < ?"
			  " THEN reassess_due ELSE ? END, updated_at = ? WHERE id = ?",
		       "tIIII", reason, due, due, now, event_id) == DB_OK ? 0 : -1;
}
