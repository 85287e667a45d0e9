/*
 * risk_ack.c — 岗位风险告知: everyone knows the risks of their post (安全生产法 2021 Art. 44:
 * the plant tells its people the hazards of their workplace and post, the measures and the
 * emergency actions). When a risk of an area, equipment or post is added or changes level,
 * the people who work there are asked to read it and confirm; the scheduler reminds them, and
 * the team leader's page lists who has not confirmed.
 *
 * Who works there: for a post, the people holding that position within the object's unit and
 * below; for an area, equipment, facility or operation, everyone of the object's unit and
 * below.
 */
#include "risk/risk.h"
#include "auth/actor.h"
#include "db/db.h"
#include "notify/notify.h"

#include <stdio.h>

int risk_ack_ask(struct db *c, int64_t event_id, int64_t now)
{
	int64_t version = 0;
	db_get_i64(c, &version, "SELECT COALESCE(a.version, 0) FROM risk_events e LEFT JOIN risk_assessments a"
			       " ON a.id = e.assessment_id WHERE e.id = ? AND e.level IS NOT NULL", "I", event_id);
	if (!version)
		return 0;
	struct db_stmt *st = db_query(c,
		"SELECT us.id FROM risk_events e JOIN risk_units ru ON ru.id = e.risk_unit_id"
		" JOIN risk_objects o ON o.id = ru.object_id JOIN units ou ON ou.id = o.unit_id"
		" JOIN users us ON us.active = 1 JOIN units uu ON uu.id = us.unit_id AND uu.path LIKE ou.path || '%'"
		" WHERE e.id = ? AND o.active = 1 AND (o.kind <> 'post' OR us.position_id = o.position_id)"
		" AND NOT EXISTS (SELECT 1 FROM risk_acks k WHERE k.event_id = e.id AND k.user_id = us.id AND k.version = ?)"
		" ORDER BY us.id LIMIT 2000", "II", event_id, version);
	int64_t users[2000];
	int n = 0;
	while (st && db_step(st) == 1 && n < 2000)
		users[n++] = db_col_i64(st, 0);
	db_done(c, st);
	if (!st)
		return -1;
	for (int i = 0; i < n; i++) {
		if (db_exec(c, "INSERT INTO risk_acks (event_id, user_id, level, version, asked_at) SELECT id, ?, level, ?, ?"
			       " FROM risk_events WHERE id = ?", "IIII", users[i], version, now, event_id) != DB_OK)
			return -1;
		char link[48], dedup[64];
		snprintf(link, sizeof(link), "/risk/acks");
		/* one message per person per moment: an import or a change touching many risks of
		 * one post asks once, and the phone page lists them all */
		snprintf(dedup, sizeof(dedup), "risk.ack.%lld.%lld", (long long)users[i], (long long)now);
		struct notify_msg m = {.kind = "risk.ack", .title_key = "risk.ack.notify", .body_key = "risk.ack.notify_body",
				       .link = link, .dedup_key = dedup};
		if (notify_send(c, users[i], &m) < 0)
			return -1;
	}
	return n;
}

int risk_ack_confirm(const struct actor *a, int64_t ack_id)
{
	struct db *c = a->db;
	if (db_begin(c) != DB_OK)
		return -2;
	int rc = db_exec(c, "UPDATE risk_acks SET confirmed_at = ? WHERE id = ? AND user_id = ? AND confirmed_at = 0", "III",
			 a->now, ack_id, a->user_id);
	int changed = rc == DB_OK ? db_changes(c) : 0;
	if (rc == DB_OK && changed)
		rc = actor_audit(a, "risk_ack", ack_id, "confirm", "");
	if (rc != DB_OK || !changed) {
		db_rollback(c);
		return rc != DB_OK ? -2 : -1;
	}
	return db_commit(c) == DB_OK ? 0 : -2;
}
