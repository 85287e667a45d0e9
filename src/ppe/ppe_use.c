/*
 * ppe_use.c — uses of items replaced by a count of uses (a disposable respirator: its
 * cycle_uses, not days): one recorded by a tap on the holding (the holder on their own page,
 * or a store keeper on the person's page), and one per closed permit for each worker (and
 * the guardian, where the permit type asks it of them) for each counted item the permit type
 * requires. The permit module has no closing hook, so the module's job reads closed permits
 * and marks each in ppe_permit_uses once; a piece issued after the permit closed is not worn
 * on it. The state follows the count (ppe_state_at: the last use warns, past it is expired).
 */
#include "ppe/ppe.h"
#include "auth/actor.h"
#include "db/db.h"

#include <stdio.h>

static int fail(struct ppe_err *e, int status, const char *key, const char *field)
{
	e->status = status;
	e->key = key;
	e->field = field;
	return -1;
}

int ppe_use(const struct actor *a, int64_t holding_id, struct ppe_err *e)
{
	struct db *c = a->db;
	int64_t unit = 0, holder = 0, held = 0, counted = 0;
	struct db_stmt *st = db_query(c, "SELECT h.unit_id, h.user_id, h.state = 'held', coalesce(i.cycle_uses, 0)"
				      " FROM ppe_holdings h JOIN ppe_items i ON i.id = h.item_id WHERE h.id = ?", "I", holding_id);
	int found = st && db_step(st) == 1;
	if (found) {
		unit = db_col_i64(st, 0);
		holder = db_col_i64(st, 1);
		held = db_col_i64(st, 2);
		counted = db_col_i64(st, 3);
	}
	db_done(c, st);
	/* the holder's own piece, or a store keeper's within their scope */
	if (!found || (holder != a->user_id && !(actor_has(a, "ppe.issue") && actor_scope_allows(a, unit, holder))))
		return fail(e, 404, "error.not_found", NULL);
	if (!held)
		return fail(e, 409, "ppe.err.ended", NULL);
	if (!counted)
		return fail(e, 409, "ppe.err.not_counted", NULL);
	if (db_begin(c) != DB_OK)
		return fail(e, 503, "error.unavailable", NULL);
	if (db_exec(c, "UPDATE ppe_holdings SET uses = uses + 1 WHERE id = ? AND state = 'held'", "I", holding_id) != DB_OK ||
	    db_changes(c) != 1 || actor_audit(a, "ppe_holding", holding_id, "use", "one use recorded") != DB_OK ||
	    db_commit(c) != DB_OK) {
		db_rollback(c);
		return fail(e, 503, "error.unavailable", NULL);
	}
	return 0;
}

/* In the caller's transaction: each closed permit not yet counted adds one use to the oldest
 * held piece of each counted item its type requires of each of its people. */
int ppe_permit_uses_run(struct db *c, int64_t now)
{
	int n = 0;
	struct db_stmt *st = db_query(c, "SELECT p.id, p.type, coalesce(p.guardian_id, 0), p.closed_at FROM permits p"
				      " WHERE p.state = 'closed' AND p.closed_at > 0 AND NOT EXISTS"
				      " (SELECT 1 FROM ppe_permit_uses u WHERE u.permit_id = p.id) ORDER BY p.id LIMIT 200", NULL);
	struct pending { int64_t id, guardian, closed; char type[32]; } todo[200];
	int k = 0;
	while (st && db_step(st) == 1 && k < 200) {
		todo[k].id = db_col_i64(st, 0);
		snprintf(todo[k].type, sizeof todo[k].type, "%s", db_col_text(st, 1));
		todo[k].guardian = db_col_i64(st, 2);
		todo[k].closed = db_col_i64(st, 3);
		k++;
	}
	db_done(c, st);
	for (int i = 0; i < k; i++) {
		/* one statement per role: the people of that role, each counted item required of them */
		static const char *const sql =
			"UPDATE ppe_holdings SET uses = uses + 1 WHERE id IN (SELECT (SELECT h.id FROM ppe_holdings h"
			"  WHERE h.user_id = pp.uid AND h.item_id = pi.item_id AND h.state = 'held' AND h.issued_at <= ?"
			"  ORDER BY h.issued_at, h.id LIMIT 1)"
			" FROM (SELECT user_id AS uid, 'workers' AS role FROM permit_workers WHERE permit_id = ?"
			"       UNION SELECT ? AS uid, 'guardian' AS role WHERE ? > 0) pp"
			" JOIN ppe_permit_items pi ON pi.permit_type = ? AND (pi.who = pp.role OR pi.who = 'all')"
			" JOIN ppe_items it ON it.id = pi.item_id AND it.cycle_uses IS NOT NULL)";
		if (db_exec(c, sql, "IIIIt", todo[i].closed, todo[i].id, todo[i].guardian, todo[i].guardian, todo[i].type) != DB_OK)
			return -1;
		n += db_changes(c);
		if (db_exec(c, "INSERT INTO ppe_permit_uses (permit_id, at) VALUES (?, ?)", "II", todo[i].id, now) != DB_OK)
			return -1;
	}
	return n;
}
