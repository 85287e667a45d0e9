/*
 * ppe_ledger.c — the issue ledger (劳动防护用品发放台账): receipts into a store, issues to a
 * person (who then confirms receipt on the phone: 签收), returns to stock and disposals
 * (判废). Each change is one transaction with its ledger row (ppe_moves) and its audit entry;
 * an issue decrements stock with one conditional UPDATE (qty >= n), so two issues racing for
 * the last pieces cannot both succeed and nothing is issued that the store does not hold.
 */
#include "ppe/ppe.h"
#include "auth/actor.h"
#include "base/day.h"
#include "db/db.h"

#include <stdio.h>
#include <string.h>

#define PPE_QTY_MAX 10000

static int fail(struct ppe_err *e, int status, const char *key, const char *field)
{
	e->status = status;
	e->key = key;
	e->field = field;
	return -1;
}

static int person_in_scope(const struct actor *a, int64_t user_id, int64_t *unit_id)
{
	*unit_id = 0;
	if (db_get_i64(a->db, unit_id, "SELECT unit_id FROM users WHERE id = ? AND active = 1", "I", user_id) != 1)
		return 0;
	return actor_scope_allows(a, *unit_id, user_id);
}

int64_t ppe_issue_tx(const struct actor *a, const struct ppe_issue_in *in, struct ppe_err *e)
{
	struct db *c = a->db;
	int64_t unit_id = 0, cycle = 0, shelf = 0, permit_only = 0, x = 0;
	if (in->qty <= 0 || in->qty > PPE_QTY_MAX)
		return fail(e, 422, "ppe.err.qty", "qty");
	struct db_stmt *st = db_query(c, "SELECT coalesce(cycle_days, 0), coalesce(shelf_days, 0), permit_only FROM ppe_items"
				      " WHERE id = ? AND active = 1", "I", in->item_id);
	int found = st && db_step(st) == 1;
	if (found) {
		cycle = db_col_i64(st, 0);
		shelf = db_col_i64(st, 1);
		permit_only = db_col_i64(st, 2);
	}
	db_done(c, st);
	if (!found)
		return fail(e, 422, "ppe.err.item", "item_id");
	if (db_get_i64(c, &x, "SELECT id FROM ppe_stores WHERE id = ?", "I", in->store_id) != 1)
		return fail(e, 422, "ppe.err.store", "store_id");
	if (!in->user_id || !person_in_scope(a, in->user_id, &unit_id))
		return fail(e, 422, "ppe.err.person", "user_id");
	const char *permit_no = in->permit_no ? in->permit_no : "";
	/* an item only a permit needs (breathing apparatus) is issued against a live permit */
	if (permit_only && (!*permit_no || db_get_i64(c, &x, "SELECT id FROM permits WHERE number = ? AND state NOT IN"
						     " ('closed', 'cancelled')", "t", permit_no) != 1))
		return fail(e, 422, "ppe.err.permit_no", "permit_no");
	if (strlen(in->size ? in->size : "") > 32)
		return fail(e, 422, "ppe.err.size", "size");
	int sw, sh;
	if (in->signature && ppe_signature_check(in->signature, in->signature_len, &sw, &sh))
		return fail(e, 422, "ppe.err.signature", "signature");
	if (db_exec(c, "UPDATE ppe_stock SET qty = qty - ? WHERE store_id = ? AND item_id = ? AND qty >= ?", "IIII", in->qty,
		    in->store_id, in->item_id, in->qty) != DB_OK)
		return fail(e, 503, "error.unavailable", NULL);
	if (db_changes(c) != 1)
		return fail(e, 409, "ppe.err.stock", "qty");
	/* the shelf life runs from the oldest receipt still in store: the last receipt's
	 * manufacture day is what the store keeper recorded */
	int64_t made = DAY_NONE, today = day_of(a->now);
	if (shelf && db_get_i64(c, &made, "SELECT made_on FROM ppe_moves WHERE store_id = ? AND item_id = ? AND kind = 'receipt'"
				     " AND made_on IS NOT NULL ORDER BY at DESC, id DESC LIMIT 1", "II", in->store_id, in->item_id) != 1)
		made = today;
	int64_t due = ppe_due_day(today, cycle, made, shelf);
	if (db_exec(c, "INSERT INTO ppe_holdings (user_id, unit_id, item_id, store_id, qty, size, issued_on, due_on, permit_no,"
		       " redemption_id, issued_by, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULLIF(?, -1000000), ?, NULLIF(?, 0), NULLIF(?, 0), ?)",
		    "IIIIItIItIII", in->user_id, unit_id, in->item_id, in->store_id, in->qty, in->size ? in->size : "", today,
		    due == DAY_NONE ? (int64_t)-1000000 : due, permit_no, in->redemption_id, a->user_id, a->now) != DB_OK)
		return fail(e, 503, "error.unavailable", NULL);
	int64_t hid = db_last_id(c);
	char sum[96];
	snprintf(sum, sizeof sum, "item %lld x%lld to user %lld", (long long)in->item_id, (long long)in->qty,
		 (long long)in->user_id);
	if (db_exec(c, "INSERT INTO ppe_moves (store_id, item_id, kind, qty, holder_id, holding_id, note, by_user, at)"
		       " VALUES (?, ?, 'issue', ?, ?, ?, ?, NULLIF(?, 0), ?)", "IIIIItII", in->store_id, in->item_id, in->qty,
		    in->user_id, hid, permit_no, a->user_id, a->now) != DB_OK ||
	    actor_audit(a, "ppe_holding", hid, "issue", sum) != DB_OK ||
	    (in->signature && (ppe_signature_store(c, hid, in->signature, in->signature_len, a->now) != DB_OK ||
			       actor_audit(a, "ppe_holding", hid, "sign", "signed on the store keeper's tablet") != DB_OK)))
		return fail(e, 503, "error.unavailable", NULL);
	return hid;
}

int64_t ppe_issue(const struct actor *a, const struct ppe_issue_in *in, struct ppe_err *e)
{
	if (db_begin(a->db) != DB_OK)
		return fail(e, 503, "error.unavailable", NULL);
	int64_t id = ppe_issue_tx(a, in, e);
	if (id < 0 || db_commit(a->db) != DB_OK) {
		db_rollback(a->db);
		if (id >= 0)
			fail(e, 503, "error.unavailable", NULL);
		return -1;
	}
	return id;
}

int ppe_receive(const struct actor *a, int64_t store_id, int64_t item_id, int64_t qty, int64_t made_on, struct ppe_err *e)
{
	struct db *c = a->db;
	int64_t x = 0;
	if (qty <= 0 || qty > PPE_QTY_MAX)
		return fail(e, 422, "ppe.err.qty", "qty");
	if (db_get_i64(c, &x, "SELECT id FROM ppe_items WHERE id = ? AND active = 1", "I", item_id) != 1)
		return fail(e, 422, "ppe.err.item", "item_id");
	if (db_get_i64(c, &x, "SELECT unit_id FROM ppe_stores WHERE id = ?", "I", store_id) != 1 ||
	    !actor_scope_allows(a, x, 0))
		return fail(e, 422, "ppe.err.store", "store_id");
	if (made_on != DAY_NONE && made_on > day_of(a->now))
		return fail(e, 422, "ppe.err.made_on", "made_on");
	char sum[80];
	snprintf(sum, sizeof sum, "item %lld x%lld", (long long)item_id, (long long)qty);
	if (db_begin(c) != DB_OK)
		return fail(e, 503, "error.unavailable", NULL);
	if (db_exec(c, "INSERT INTO ppe_stock (store_id, item_id, qty) VALUES (?, ?, ?) ON CONFLICT (store_id, item_id)"
		       " DO UPDATE SET qty = ppe_stock.qty + excluded.qty", "III", store_id, item_id, qty) != DB_OK ||
	    db_exec(c, "INSERT INTO ppe_moves (store_id, item_id, kind, qty, made_on, by_user, at) VALUES"
		       " (?, ?, 'receipt', ?, NULLIF(?, -1000000), NULLIF(?, 0), ?)", "IIIIII", store_id, item_id, qty,
		    made_on == DAY_NONE ? (int64_t)-1000000 : made_on, a->user_id, a->now) != DB_OK ||
	    actor_audit(a, "ppe_store", store_id, "receipt", sum) != DB_OK || db_commit(c) != DB_OK) {
		db_rollback(c);
		return fail(e, 503, "error.unavailable", NULL);
	}
	return 0;
}

/* Only the holder confirms receipt (签收): the ledger's signature is theirs. */
int ppe_confirm(const struct actor *a, int64_t holding_id, struct ppe_err *e)
{
	struct db *c = a->db;
	if (db_begin(c) != DB_OK)
		return fail(e, 503, "error.unavailable", NULL);
	int rc = db_exec(c, "UPDATE ppe_holdings SET confirmed_at = ? WHERE id = ? AND user_id = ? AND confirmed_at = 0"
			    " AND state = 'held'", "III", a->now, holding_id, a->user_id);
	if (rc == DB_OK && db_changes(c) != 1) {
		db_rollback(c);
		int64_t x = 0;
		if (db_get_i64(c, &x, "SELECT id FROM ppe_holdings WHERE id = ? AND user_id = ?", "II", holding_id, a->user_id) == 1)
			return fail(e, 409, "ppe.err.confirmed", NULL);
		return fail(e, 404, "error.not_found", NULL);
	}
	if (rc != DB_OK || actor_audit(a, "ppe_holding", holding_id, "confirm", "receipt confirmed") != DB_OK ||
	    db_commit(c) != DB_OK) {
		db_rollback(c);
		return fail(e, 503, "error.unavailable", NULL);
	}
	return 0;
}

int ppe_end(const struct actor *a, int64_t holding_id, const char *kind, struct ppe_err *e)
{
	struct db *c = a->db;
	int ret = !strcmp(kind, "return");
	int64_t store = 0, item = 0, qty = 0, unit = 0, holder = 0, held = 0;
	struct db_stmt *st = db_query(c, "SELECT store_id, item_id, qty, unit_id, user_id, state = 'held' FROM ppe_holdings"
				      " WHERE id = ?", "I", holding_id);
	int found = st && db_step(st) == 1;
	if (found) {
		store = db_col_i64(st, 0);
		item = db_col_i64(st, 1);
		qty = db_col_i64(st, 2);
		unit = db_col_i64(st, 3);
		holder = db_col_i64(st, 4);
		held = db_col_i64(st, 5);
	}
	db_done(c, st);
	if (!found || !actor_scope_allows(a, unit, holder))
		return fail(e, 404, "error.not_found", NULL);
	if (!held)
		return fail(e, 409, "ppe.err.ended", NULL);
	if (db_begin(c) != DB_OK)
		return fail(e, 503, "error.unavailable", NULL);
	/* state = 'held' again inside the transaction: a second return finds nothing */
	int rc = db_exec(c, "UPDATE ppe_holdings SET state = ?, ended_at = ? WHERE id = ? AND state = 'held'", "tII",
			 ret ? "returned" : "disposed", a->now, holding_id);
	if (rc == DB_OK && db_changes(c) != 1) {
		db_rollback(c);
		return fail(e, 409, "ppe.err.ended", NULL);
	}
	if (rc != DB_OK ||
	    (ret && db_exec(c, "INSERT INTO ppe_stock (store_id, item_id, qty) VALUES (?, ?, ?) ON CONFLICT (store_id, item_id)"
				" DO UPDATE SET qty = ppe_stock.qty + excluded.qty", "III", store, item, qty) != DB_OK) ||
	    db_exec(c, "INSERT INTO ppe_moves (store_id, item_id, kind, qty, holder_id, holding_id, by_user, at) VALUES"
		       " (?, ?, ?, ?, ?, ?, NULLIF(?, 0), ?)", "IItIIIII", store, item, ret ? "return" : "dispose", qty, holder,
		    holding_id, a->user_id, a->now) != DB_OK ||
	    actor_audit(a, "ppe_holding", holding_id, ret ? "return" : "dispose", kind) != DB_OK || db_commit(c) != DB_OK) {
		db_rollback(c);
		return fail(e, 503, "error.unavailable", NULL);
	}
	return 0;
}
