/*
 * hazard_detail.c — the statements of a hazard's page (GET /hazards/:id): the card, the
 * photos, the voice notes, the 治理方案 and the timeline. hazard_web.c draws them;
 * build/bench/sqlloop runs the same functions, so the benchmark's "SQL only" is the SQL the
 * page runs and cannot drift from it. Each returns the stepped-by-caller statement (NULL on
 * error); the caller ends it with db_done. The columns are listed in hazard.h.
 */
#include "hazard/hazard.h"
#include "db/db.h"

struct db_stmt *hazard_detail_row(struct db *c, int64_t id)
{
	return db_query(c,
		"SELECT h.description, a.name, c.name_zh, c.name_en, u.name, coalesce(ru.name, ''), coalesce(au.name, ''),"
		" h.reported_at, h.respond_due, h.rectify_due, h.overdue, h.repeat_of, h.anonymous, h.near_miss, h.on_spot,"
		" coalesce(e.code || ' ' || e.name, ''), coalesce('第' || k.article || '条第' || k.item || '项：' || k.text, ''),"
		" coalesce(f.name_zh, ''), h.closed_at, h.regulator_reported_at, coalesce(rp.number, ''),"
		" coalesce(vu.name, ''), coalesce(xu.name, ''), coalesce(h.duplicate_of, 0), coalesce(dp.number, ''),"
		" coalesce(dp.status, '')"
		" FROM hazards h JOIN areas a ON a.id = h.area_id JOIN hazard_categories c ON c.id = h.category_id"
		" JOIN units u ON u.id = h.unit_id LEFT JOIN users ru ON ru.id = h.reporter_id"
		" LEFT JOIN users au ON au.id = h.assignee_id LEFT JOIN equipment e ON e.id = h.equipment_id"
		" LEFT JOIN hazard_criteria k ON k.id = h.criterion_id LEFT JOIN hazard_factors f ON f.code = h.factor_code"
		" LEFT JOIN hazards rp ON rp.id = h.repeat_of LEFT JOIN users vu ON vu.id = h.verifier_id"
		" LEFT JOIN users xu ON xu.id = h.rectifier_id LEFT JOIN hazards dp ON dp.id = h.duplicate_of"
		" WHERE h.id = ?", "I", id);
}

struct db_stmt *hazard_detail_photos(struct db *c, int64_t id)
{
	return db_query(c, "SELECT p.sha256, p.kind, o.original_sha256 IS NOT NULL, coalesce(p.event_id, 0)"
			   " FROM hazard_photos p LEFT JOIN photo_originals o ON o.sha256 = p.sha256"
			   " WHERE p.hazard_id = ? ORDER BY p.id", "I", id);
}

struct db_stmt *hazard_detail_voice(struct db *c, int64_t id)
{
	return db_query(c, "SELECT v.sha256, CASE WHEN v.user_id = h.reporter_id AND h.anonymous = 1 THEN ''"
			   " ELSE coalesce(u.name, '') END, v.at, v.seconds FROM hazard_voice v JOIN hazards h ON h.id = v.hazard_id"
			   " LEFT JOIN users u ON u.id = v.user_id WHERE v.hazard_id = ? ORDER BY v.at, v.sha256", "I", id);
}

struct db_stmt *hazard_detail_plan(struct db *c, int64_t id)
{
	return db_query(c, "SELECT goal, method, funding, organization, deadline_text, safety, due_at,"
			   " director_at, principal_at FROM hazard_plans WHERE hazard_id = ?", "I", id);
}

struct db_stmt *hazard_detail_events(struct db *c, int64_t id)
{
	return db_query(c, "SELECT ev.id, ev.at, ev.action, ev.from_status, ev.to_status, ev.note,"
			   " coalesce(u.name, ''), h.anonymous, ev.user_id = h.reporter_id FROM hazard_events ev"
			   " JOIN hazards h ON h.id = ev.hazard_id LEFT JOIN users u ON u.id = ev.user_id"
			   " WHERE ev.hazard_id = ? ORDER BY ev.id", "I", id);
}
