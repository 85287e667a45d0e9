/*
 * ppe_points.c — points that buy something (积分兑换). What people earn is the `points`
 * ledger: the hazard module awards reports and on-time rectification; this module's job adds
 * near misses and checks done, once per record (points.ref). What they spend is kept per
 * person in ppe_wallets; a redemption debits it with one conditional UPDATE and, for an item,
 * issues from stock in the same transaction — so the balance never goes below zero, two
 * redemptions racing for the last points cannot both succeed, and a failed issue (no stock)
 * leaves the points where they were. Time off waits for the team leader; refused, the
 * points go back.
 */
#include "ppe/ppe.h"
#include "auth/actor.h"
#include "base/day.h"
#include "base/strbuf.h"
#include "db/db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(struct ppe_err *e, int status, const char *key, const char *field)
{
	e->status = status;
	e->key = key;
	e->field = field;
	return -1;
}

int64_t ppe_user_earned(struct db *c, int64_t user_id)
{
	int64_t n = 0;
	db_get_i64(c, &n, "SELECT coalesce(sum(points), 0) FROM points WHERE user_id = ?", "I", user_id);
	return n;
}

int64_t ppe_user_spent(struct db *c, int64_t user_id)
{
	int64_t n = 0;
	db_get_i64(c, &n, "SELECT spent FROM ppe_wallets WHERE user_id = ?", "I", user_id);
	return n;
}

int64_t ppe_redeem(const struct actor *a, int64_t reward_id, const char *size, struct ppe_err *e)
{
	struct db *c = a->db;
	int64_t item = 0, store = 0, hours = 0, cost = 0, unit = 0;
	char kind[16] = "";
	struct db_stmt *st = db_query(c, "SELECT kind, coalesce(item_id, 0), coalesce(store_id, 0), coalesce(hours, 0), cost"
				      " FROM ppe_rewards WHERE id = ? AND active = 1", "I", reward_id);
	int found = st && db_step(st) == 1;
	if (found) {
		snprintf(kind, sizeof kind, "%s", db_col_text(st, 0));
		item = db_col_i64(st, 1);
		store = db_col_i64(st, 2);
		hours = db_col_i64(st, 3);
		cost = db_col_i64(st, 4);
	}
	db_done(c, st);
	if (!found)
		return fail(e, 422, "ppe.err.reward", "reward_id");
	if (!a->user_id || db_get_i64(c, &unit, "SELECT unit_id FROM users WHERE id = ?", "I", a->user_id) != 1)
		return fail(e, 403, "error.forbidden", NULL);
	if (db_begin(c) != DB_OK)
		return fail(e, 503, "error.unavailable", NULL);
	if (db_exec(c, "INSERT INTO ppe_wallets (user_id, spent) VALUES (?, 0) ON CONFLICT (user_id) DO NOTHING", "I",
		    a->user_id) != DB_OK ||
	    db_exec(c, "UPDATE ppe_wallets SET spent = spent + ? WHERE user_id = ? AND spent + ? <="
		       " (SELECT coalesce(sum(points), 0) FROM points WHERE user_id = ?)", "IIII", cost, a->user_id, cost,
		    a->user_id) != DB_OK) {
		db_rollback(c);
		return fail(e, 503, "error.unavailable", NULL);
	}
	if (db_changes(c) != 1) {
		db_rollback(c);
		return fail(e, 409, "ppe.err.balance", "reward_id");
	}
	int is_item = !strcmp(kind, "item");
	if (db_exec(c, "INSERT INTO ppe_redemptions (user_id, unit_id, reward_id, cost, hours, state, at) VALUES"
		       " (?, ?, ?, ?, NULLIF(?, 0), ?, ?)", "IIIIItI", a->user_id, unit, reward_id, cost, hours,
		    is_item ? "done" : "pending", a->now) != DB_OK) {
		db_rollback(c);
		return fail(e, 503, "error.unavailable", NULL);
	}
	int64_t rid = db_last_id(c);
	if (is_item) {
		struct ppe_issue_in in = {.store_id = store, .item_id = item, .user_id = a->user_id, .qty = 1,
					  .size = size, .permit_no = "", .redemption_id = rid};
		int64_t hid = ppe_issue_tx(a, &in, e);
		if (hid < 0) {
			db_rollback(c);
			if (e->field && !strcmp(e->field, "qty"))
				e->field = "reward_id";	/* the store ran out: the reward is what the person chose */
			return -1;
		}
		if (db_exec(c, "UPDATE ppe_redemptions SET holding_id = ? WHERE id = ?", "II", hid, rid) != DB_OK) {
			db_rollback(c);
			return fail(e, 503, "error.unavailable", NULL);
		}
	}
	char sum[80];
	snprintf(sum, sizeof sum, "reward %lld for %lld points", (long long)reward_id, (long long)cost);
	if (actor_audit(a, "ppe_redemption", rid, "redeem", sum) != DB_OK || db_commit(c) != DB_OK) {
		db_rollback(c);
		return fail(e, 503, "error.unavailable", NULL);
	}
	return rid;
}

int ppe_decide(const struct actor *a, int64_t redemption_id, int approve, struct ppe_err *e)
{
	struct db *c = a->db;
	int64_t user = 0, unit = 0, cost = 0;
	struct db_stmt *st = db_query(c, "SELECT user_id, unit_id, cost FROM ppe_redemptions WHERE id = ? AND state = 'pending'",
				      "I", redemption_id);
	int found = st && db_step(st) == 1;
	if (found) {
		user = db_col_i64(st, 0);
		unit = db_col_i64(st, 1);
		cost = db_col_i64(st, 2);
	}
	db_done(c, st);
	if (!found || !actor_scope_allows(a, unit, 0))
		return fail(e, 404, "error.not_found", NULL);
	if (user == a->user_id)
		return fail(e, 409, "ppe.err.own", NULL);	/* nobody approves their own time off */
	if (db_begin(c) != DB_OK)
		return fail(e, 503, "error.unavailable", NULL);
	int rc = db_exec(c, "UPDATE ppe_redemptions SET state = ?, decided_by = ?, decided_at = ? WHERE id = ? AND state = 'pending'",
			 "tIII", approve ? "approved" : "refused", a->user_id, a->now, redemption_id);
	if (rc == DB_OK && db_changes(c) != 1) {
		db_rollback(c);
		return fail(e, 409, "ppe.err.decided", NULL);
	}
	if (rc != DB_OK ||
	    (!approve && db_exec(c, "UPDATE ppe_wallets SET spent = spent - ? WHERE user_id = ? AND spent >= ?", "III", cost,
				 user, cost) != DB_OK) ||
	    actor_audit(a, "ppe_redemption", redemption_id, approve ? "approve" : "refuse", "time off") != DB_OK ||
	    db_commit(c) != DB_OK) {
		db_rollback(c);
		return fail(e, 503, "error.unavailable", NULL);
	}
	return 0;
}

static int64_t setting(struct db *c, const char *key, int64_t def)
{
	char *v = NULL;
	int64_t n = def;
	if (db_get_text(c, &v, "SELECT value FROM settings WHERE key = ?", "t", key) == 1 && v)
		n = strtoll(v, NULL, 10);
	free(v);
	return n;
}

/* Near misses reported (未遂事件, by name: anonymous reports stay anonymous) and checks done
 * earn points, once per record (points.ref): a batch per call, so a large backlog spreads
 * over minutes. Inside the caller's transaction; the number of awards, or -1. */
int ppe_award_records(struct db *c, int64_t now)
{
	int64_t pc = setting(c, "ppe.points.check", 1), pn = setting(c, "ppe.points.near_miss", 2);
	int n = 0;
	if (pn > 0) {
		if (db_exec(c, "INSERT INTO points (user_id, unit_id, hazard_id, reason, points, at, ref)"
			       " SELECT h.reporter_id, u.unit_id, h.id, 'near_miss', ?, ?, 'near_miss:' || h.id FROM hazards h"
			       " JOIN users u ON u.id = h.reporter_id WHERE h.near_miss = 1 AND h.anonymous = 0"
			       " AND h.status <> 'cancelled' AND NOT EXISTS (SELECT 1 FROM points p WHERE p.ref = 'near_miss:' || h.id"
			       " AND p.user_id = h.reporter_id) ORDER BY h.id LIMIT 500 ON CONFLICT DO NOTHING", "II", pn, now) != DB_OK)
			return -1;
		n += db_changes(c);
	}
	/* checks: one award per person per local day with a check done (rounds every two hours
	 * would otherwise drown every other way of earning); records read past a watermark */
	int64_t mark = setting(c, "ppe.check_awarded_id", 0), last = mark;
	struct db_stmt *st = db_query(c, "SELECT r.id, r.user_id, u.unit_id, r.finished_at FROM check_records r"
				      " JOIN users u ON u.id = r.user_id WHERE r.id > ? AND r.finished_at > 0 ORDER BY r.id LIMIT 2000",
				      "I", mark);
	struct award { int64_t id, user, unit, at; } *v = NULL;
	int nv = 0, cap = 0;
	while (st && db_step(st) == 1) {
		if (nv == cap) {
			cap = cap ? cap * 2 : 64;
			v = xrealloc(v, (size_t)cap * sizeof *v);
		}
		v[nv++] = (struct award){db_col_i64(st, 0), db_col_i64(st, 1), db_col_i64(st, 2), db_col_i64(st, 3)};
	}
	db_done(c, st);
	for (int i = 0; i < nv; i++) {
		char ref[64];
		snprintf(ref, sizeof ref, "check:%lld", (long long)day_of(v[i].at));
		if (pc > 0 && db_exec(c, "INSERT INTO points (user_id, unit_id, reason, points, at, ref) VALUES (?, ?, 'check', ?, ?, ?)"
				      " ON CONFLICT DO NOTHING", "IIIIt", v[i].user, v[i].unit, pc, v[i].at, ref) != DB_OK) {
			free(v);
			return -1;
		}
		n += pc > 0 ? db_changes(c) : 0;
		last = v[i].id;
	}
	free(v);
	if (last != mark && db_exec(c, "INSERT INTO settings (key, value) VALUES ('ppe.check_awarded_id', ?) ON CONFLICT (key)"
				    " DO UPDATE SET value = excluded.value", "I", last) != DB_OK)
		return -1;
	if (last != mark && n == 0)
		n = 1;	/* records read: the caller's loop goes on */
	return n;
}

int ppe_sched_run(struct db *c, int64_t now)
{
	if (db_begin(c) != DB_OK)
		return -1;
	int n = ppe_award_records(c, now);
	int u = n < 0 ? -1 : ppe_permit_uses_run(c, now);
	if (n < 0 || u < 0 || db_commit(c) != DB_OK) {
		db_rollback(c);
		return -1;
	}
	return n + u;
}
