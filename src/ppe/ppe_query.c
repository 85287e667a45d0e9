/*
 * ppe_query.c — the PPE records read as JSON for the pages and the API (ppe_web.h): a
 * person's holdings and points, stock, new hires not yet equipped, a team's monthly
 * statement, the yearly nomination list and the catalogue. Every list is limited to the
 * caller's data scope (units.path LIKE the scope's pattern).
 */
#include "ppe/ppe.h"
#include "ppe/ppe_web.h"
#include "auth/auth.h"
#include "base/clock.h"
#include "base/day.h"
#include "db/db.h"
#include "web/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_t *ppe_day_json(int64_t d)
{
	char b[16];
	return d == DAY_NONE ? json_null() : json_string(day_format(d, b));
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

int ppe_person_scope(struct req *r, int64_t user_id)
{
	int64_t unit = 0;
	if (db_get_i64(r->db, &unit, "SELECT unit_id FROM users WHERE id = ?", "I", user_id) == 1 &&
	    auth_scope_allows(r, unit, user_id))
		return 0;
	resp_error(r, 404, "not_found", T(r, "error.not_found"), NULL);
	return -1;
}

json_t *ppe_person_json(struct req *r, int64_t uid, int rewards)
{
	struct db *c = r->db;
	char *name = NULL;
	if (db_get_text(c, &name, "SELECT name FROM users WHERE id = ?", "I", uid) != 1)
		return NULL;
	int64_t earned = ppe_user_earned(c, uid), spent = ppe_user_spent(c, uid), today = day_of(clock_now());
	int warn = (int)setting(c, "ppe.due_warn_days", 30);
	json_t *o = json_pack("{s:I, s:s, s:I, s:I, s:I}", "user_id", (json_int_t)uid, "name", name ? name : "", "earned",
			      (json_int_t)earned, "spent", (json_int_t)spent, "balance", (json_int_t)ppe_balance(earned, spent));
	free(name);
	json_t *hold = json_array();
	struct db_stmt *st = db_query(c, "SELECT h.id, i.id, i.name, h.qty, h.size, h.issued_on, coalesce(h.due_on, -1000000),"
		" h.uses, coalesce(i.cycle_uses, 0), h.confirmed_at, h.permit_no, i.code, coalesce(i.cycle_days, 0),"
		" coalesce(h.signature_sha, '') FROM ppe_holdings h"
		" JOIN ppe_items i ON i.id = h.item_id WHERE h.user_id = ? AND h.state = 'held'"
		" ORDER BY h.confirmed_at <> 0, h.due_on, h.id LIMIT 500", "I", uid);
	while (st && db_step(st) == 1) {
		int64_t due = db_col_i64(st, 6) == -1000000 ? DAY_NONE : db_col_i64(st, 6);
		enum ppe_state s = ppe_state_at(today, due, db_col_i64(st, 7), db_col_i64(st, 8),
						ppe_warn_days(warn, db_col_i64(st, 12)));
		json_array_append_new(hold, json_pack("{s:I, s:I, s:s, s:s, s:I, s:s, s:o, s:o, s:s, s:b, s:s}",
			"id", (json_int_t)db_col_i64(st, 0), "item_id", (json_int_t)db_col_i64(st, 1), "item", db_col_text(st, 2),
			"code", db_col_text(st, 11), "qty", (json_int_t)db_col_i64(st, 3), "size", db_col_text(st, 4),
			"issued_on", ppe_day_json(db_col_i64(st, 5)), "due_on", ppe_day_json(due), "state", ppe_state_code(s),
			"confirmed", db_col_i64(st, 9) != 0, "permit_no", db_col_text(st, 10)));
		json_t *hj = json_array_get(hold, json_array_size(hold) - 1);
		json_object_set_new(hj, "uses", json_integer(db_col_i64(st, 7)));
		json_object_set_new(hj, "cycle_uses", json_integer(db_col_i64(st, 8)));
		json_object_set_new(hj, "signed", json_boolean(*db_col_text(st, 13)));
	}
	db_done(c, st);
	json_object_set_new(o, "holdings", hold);
	json_t *red = json_array();
	st = db_query(c, "SELECT d.id, w.name, d.cost, d.state, d.at, coalesce(d.hours, 0) FROM ppe_redemptions d"
		      " JOIN ppe_rewards w ON w.id = d.reward_id WHERE d.user_id = ? ORDER BY d.at DESC, d.id DESC LIMIT 50", "I", uid);
	while (st && db_step(st) == 1)
		json_array_append_new(red, json_pack("{s:I, s:s, s:I, s:s, s:o, s:I}", "id", (json_int_t)db_col_i64(st, 0),
			"reward", db_col_text(st, 1), "cost", (json_int_t)db_col_i64(st, 2), "state", db_col_text(st, 3),
			"day", ppe_day_json(day_of(db_col_i64(st, 4))), "hours", (json_int_t)db_col_i64(st, 5)));
	db_done(c, st);
	json_object_set_new(o, "redemptions", red);
	if (rewards) {
		json_t *rw = json_array();
		st = db_query(c, "SELECT w.id, w.kind, w.name, w.cost, coalesce(w.hours, 0), coalesce(s.qty, 0), coalesce(i.sizes, '')"
			      " FROM ppe_rewards w LEFT JOIN ppe_stock s ON s.store_id = w.store_id AND s.item_id = w.item_id"
			      " LEFT JOIN ppe_items i ON i.id = w.item_id WHERE w.active = 1 ORDER BY w.cost, w.id LIMIT 100", NULL);
		while (st && db_step(st) == 1)
			json_array_append_new(rw, json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:s}", "id", (json_int_t)db_col_i64(st, 0),
				"kind", db_col_text(st, 1), "name", db_col_text(st, 2), "cost", (json_int_t)db_col_i64(st, 3),
				"hours", (json_int_t)db_col_i64(st, 4), "stock", (json_int_t)db_col_i64(st, 5), "sizes", db_col_text(st, 6)));
		db_done(c, st);
		json_object_set_new(o, "rewards", rw);
	}
	return o;
}

json_t *ppe_stock_json(struct req *r)
{
	json_t *a = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT s.id, s.name, i.id, i.name, k.qty FROM ppe_stock k"
		" JOIN ppe_stores s ON s.id = k.store_id JOIN ppe_items i ON i.id = k.item_id ORDER BY s.id, i.id LIMIT 2000", NULL);
	while (st && db_step(st) == 1)
		json_array_append_new(a, json_pack("{s:I, s:s, s:I, s:s, s:I}", "store_id", (json_int_t)db_col_i64(st, 0),
			"store", db_col_text(st, 1), "item_id", (json_int_t)db_col_i64(st, 2), "item", db_col_text(st, 3),
			"qty", (json_int_t)db_col_i64(st, 4)));
	db_done(r->db, st);
	return a;
}

/* 新员工未配发: hired (users.hired_on, the day HR records — not the account's creation, as
 * accounts are made in bulk) within the window, and some item of their position's
 * list not held in the number the list asks. */
#define UNEQUIPPED_FROM \
	" FROM users u JOIN units n ON n.id = u.unit_id JOIN ppe_position_items pi ON pi.position_id = u.position_id" \
	" JOIN ppe_items i ON i.id = pi.item_id WHERE u.active = 1 AND u.hired_on >= ? AND n.path LIKE ?" \
	" AND (? = 0 OR u.id = ?) AND pi.qty > (SELECT coalesce(sum(h.qty), 0) FROM ppe_holdings h" \
	" WHERE h.user_id = u.id AND h.item_id = pi.item_id AND h.state = 'held')"

json_t *ppe_unequipped_json(struct req *r, int page, int per_page)
{
	/* the window: ?days= (1–3650), else the setting ppe.new_hire_days (90) */
	int64_t days = setting(r->db, "ppe.new_hire_days", 90);
	req_query_int(r, "days", 1, 3650, &days);
	int64_t since = day_of(clock_now()) - days;
	const char *pat = auth_scope_pattern(r);
	int64_t own = auth_scope_owner(r), total = 0;
	db_get_i64(r->db, &total, "SELECT count(DISTINCT u.id)" UNEQUIPPED_FROM, "ItII", since, pat, own, own);
	json_t *items = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT u.id, u.name, n.name, u.hired_on, string_agg(i.name, '、')"
		UNEQUIPPED_FROM " GROUP BY u.id, u.name, n.name, u.hired_on ORDER BY u.hired_on DESC, u.id LIMIT ? OFFSET ?",
		"ItIIii", since, pat, own, own, per_page, (page - 1) * per_page);
	while (st && db_step(st) == 1)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:o, s:s}", "user_id", (json_int_t)db_col_i64(st, 0),
			"name", db_col_text(st, 1), "unit", db_col_text(st, 2), "hired_on", ppe_day_json(db_col_i64(st, 3)),
			"missing", db_col_text(st, 4)));
	db_done(r->db, st);
	return json_pack("{s:o, s:i, s:i, s:I}", "items", items, "page", page, "per_page", per_page, "total", (json_int_t)total);
}

static int unit_in_scope(struct req *r, int64_t unit)
{
	return auth_scope_allows(r, unit, r->who ? r->who->user_id : 0);
}

int ppe_statement_args(struct req *r, int64_t *unit, int *year, int *month)
{
	int y, m, d;
	day_to_ymd(day_of(clock_now()), &y, &m, &d);
	*year = y;
	*month = m;
	*unit = r->who ? r->who->unit_id : 0;
	int64_t u = 0;
	if (req_query_id(r, "unit", &u) == 1)
		*unit = u;
	const char *mo = req_query(r, "month");
	if (mo && *mo) {
		int yy, mm;
		char tail;
		if (sscanf(mo, "%4d-%2d%c", &yy, &mm, &tail) != 2 || yy < 2000 || yy > 2100 || mm < 1 || mm > 12) {
			req_bad_param(r, "month");
			resp_error(r, 400, "invalid", T(r, "ppe.err.month"), "month");
			return -1;
		}
		*year = yy;
		*month = mm;
	}
	if (!unit_in_scope(r, *unit)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), "unit");
		return -1;
	}
	return 0;
}

json_t *ppe_statement_json(struct req *r, int64_t unit, int year, int month)
{
	struct db *c = r->db;
	int64_t from = day_start_utc(day_from_ymd(year, month, 1));
	int64_t to = day_start_utc(day_add_months(day_from_ymd(year, month, 1), 1));
	char *uname = NULL;
	db_get_text(c, &uname, "SELECT name FROM units WHERE id = ?", "I", unit);
	char mo[8];
	snprintf(mo, sizeof mo, "%04d-%02d", year, month);
	json_t *people = json_array();
	int64_t te = 0, ts = 0, tb = 0;
	/* members of the unit itself: a team's statement is its own people */
	struct db_stmt *st = db_query(c, "SELECT u.id, u.name,"
		" (SELECT coalesce(sum(p.points), 0) FROM points p WHERE p.user_id = u.id AND p.at >= ? AND p.at < ?),"
		" (SELECT coalesce(sum(d.cost), 0) FROM ppe_redemptions d WHERE d.user_id = u.id AND d.state <> 'refused'"
		"  AND d.at >= ? AND d.at < ?),"
		" (SELECT coalesce(sum(p.points), 0) FROM points p WHERE p.user_id = u.id AND p.at < ?),"
		" (SELECT coalesce(sum(d.cost), 0) FROM ppe_redemptions d WHERE d.user_id = u.id AND d.state <> 'refused' AND d.at < ?)"
		" FROM users u WHERE u.unit_id = ? AND u.active = 1 ORDER BY u.name, u.id LIMIT 500",
		"IIIIIII", from, to, from, to, to, to, unit);
	while (st && db_step(st) == 1) {
		int64_t e = db_col_i64(st, 2), s = db_col_i64(st, 3), b = ppe_balance(db_col_i64(st, 4), db_col_i64(st, 5));
		te += e;
		ts += s;
		tb += b;
		json_array_append_new(people, json_pack("{s:I, s:s, s:I, s:I, s:I}", "user_id", (json_int_t)db_col_i64(st, 0),
			"name", db_col_text(st, 1), "earned", (json_int_t)e, "spent", (json_int_t)s, "balance", (json_int_t)b));
	}
	db_done(c, st);
	json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:o}", "unit_id", (json_int_t)unit, "unit", uname ? uname : "",
			      "month", mo, "earned", (json_int_t)te, "spent", (json_int_t)ts, "balance", (json_int_t)tb, "people", people);
	free(uname);
	return o;
}

int ppe_award_args(struct req *r, int64_t *unit, int *year)
{
	int y, m, d;
	day_to_ymd(day_of(clock_now()), &y, &m, &d);
	int64_t yy = y;
	*unit = r->who ? r->who->unit_id : 0;
	int64_t u = 0;
	if (req_query_id(r, "unit", &u) == 1)
		*unit = u;
	req_query_int(r, "year", 2000, 2100, &yy);
	if (r->bad_param)
		return -1;	/* the router answers 400 or 422 naming it */
	*year = (int)yy;
	if (!unit_in_scope(r, *unit)) {
		resp_error(r, 404, "not_found", T(r, "error.not_found"), "unit");
		return -1;
	}
	return 0;
}

/* 安全贡献奖: everyone of the unit's subtree with points in the year, ranked by them; each
 * with the records behind them (reports, near misses, on-time rectifications, checks),
 * training hours and the permits they were refused for. The committee decides: this is the
 * list it starts from, the evidence linked. */
json_t *ppe_award_json(struct req *r, int64_t unit, int year)
{
	struct db *c = r->db;
	int64_t from = day_start_utc(day_from_ymd(year, 1, 1)), to = day_start_utc(day_from_ymd(year + 1, 1, 1));
	int64_t d0 = day_from_ymd(year, 1, 1), d1 = day_from_ymd(year + 1, 1, 1);
	json_t *people = json_array();
	struct db_stmt *st = db_query(c, "SELECT u.id, u.name, n.name, sum(p.points),"
		" sum(CASE WHEN p.reason = 'report' THEN 1 ELSE 0 END), sum(CASE WHEN p.reason = 'near_miss' THEN 1 ELSE 0 END),"
		" sum(CASE WHEN p.reason = 'rectify' THEN 1 ELSE 0 END), sum(CASE WHEN p.reason = 'check' THEN 1 ELSE 0 END),"
		" (SELECT coalesce(sum(t.hours), 0) FROM train_records t JOIN persons q ON q.id = t.person_id"
		"  WHERE q.user_id = u.id AND t.done_on >= ? AND t.done_on < ?),"
		" (SELECT count(*) FROM hazards h WHERE h.rectifier_id = u.id AND h.overdue = 1 AND h.reported_at >= ? AND h.reported_at < ?)"
		" FROM points p JOIN users u ON u.id = p.user_id JOIN units n ON n.id = u.unit_id"
		" WHERE p.at >= ? AND p.at < ? AND n.path LIKE (SELECT path FROM units WHERE id = ?) || '%'"
		" GROUP BY u.id, u.name, n.name ORDER BY sum(p.points) DESC, u.id LIMIT 50",
		"IIIIIII", d0, d1, from, to, from, to, unit);
	while (st && db_step(st) == 1) {
		int64_t uid = db_col_i64(st, 0);
		json_t *ev = json_array();
		char href[64];
		snprintf(href, sizeof href, "/ppe/people/%lld", (long long)uid);
		json_array_append_new(ev, json_string(href));
		json_array_append_new(people, json_pack("{s:I, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
			"user_id", (json_int_t)uid, "name", db_col_text(st, 1), "unit", db_col_text(st, 2),
			"points", (json_int_t)db_col_i64(st, 3), "reports", (json_int_t)db_col_i64(st, 4),
			"near_misses", (json_int_t)db_col_i64(st, 5), "rectified_on_time", (json_int_t)db_col_i64(st, 6),
			"checks", (json_int_t)db_col_i64(st, 7), "training_hours", (json_int_t)db_col_i64(st, 8),
			"overdue_rectifications", (json_int_t)db_col_i64(st, 9), "evidence", ev));
	}
	db_done(c, st);
	/* the hazards behind each person's points, as links to the records */
	size_t i;
	json_t *p;
	json_array_foreach(people, i, p) {
		json_t *ev = json_object_get(p, "evidence");
		st = db_query(c, "SELECT DISTINCT hazard_id FROM points WHERE user_id = ? AND hazard_id IS NOT NULL AND at >= ?"
			      " AND at < ? ORDER BY hazard_id LIMIT 20", "III",
			      (int64_t)json_integer_value(json_object_get(p, "user_id")), from, to);
		while (st && db_step(st) == 1) {
			char href[48];
			snprintf(href, sizeof href, "/hazards/%lld", (long long)db_col_i64(st, 0));
			json_array_append_new(ev, json_string(href));
		}
		db_done(c, st);
	}
	return json_pack("{s:I, s:i, s:o}", "unit_id", (json_int_t)unit, "year", year, "people", people);
}

json_t *ppe_catalogue_json(struct req *r)
{
	struct db *c = r->db;
	json_t *items = json_array(), *pos = json_array(), *per = json_array();
	struct db_stmt *st = db_query(c, "SELECT id, code, name, name_en, kind, standard, protection_class, sizes,"
		" coalesce(cycle_days, 0), coalesce(cycle_uses, 0), coalesce(shelf_days, 0), permit_only FROM ppe_items"
		" WHERE active = 1 ORDER BY id LIMIT 500", NULL);
	while (st && db_step(st) == 1)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:b}",
			"id", (json_int_t)db_col_i64(st, 0), "code", db_col_text(st, 1), "name", db_col_text(st, 2),
			"name_en", db_col_text(st, 3), "kind", db_col_text(st, 4), "standard", db_col_text(st, 5),
			"protection_class", db_col_text(st, 6), "sizes", db_col_text(st, 7), "cycle_days", (json_int_t)db_col_i64(st, 8),
			"cycle_uses", (json_int_t)db_col_i64(st, 9), "shelf_days", (json_int_t)db_col_i64(st, 10),
			"permit_only", (int)db_col_i64(st, 11)));
	db_done(c, st);
	st = db_query(c, "SELECT p.id, p.name, i.id, i.name, x.qty FROM ppe_position_items x JOIN positions p ON p.id = x.position_id"
		      " JOIN ppe_items i ON i.id = x.item_id ORDER BY p.id, i.id LIMIT 2000", NULL);
	while (st && db_step(st) == 1)
		json_array_append_new(pos, json_pack("{s:I, s:s, s:I, s:s, s:I}", "position_id", (json_int_t)db_col_i64(st, 0),
			"position", db_col_text(st, 1), "item_id", (json_int_t)db_col_i64(st, 2), "item", db_col_text(st, 3),
			"qty", (json_int_t)db_col_i64(st, 4)));
	db_done(c, st);
	st = db_query(c, "SELECT q.id, q.permit_type, i.id, i.name, q.who, q.alt_group, q.level FROM ppe_permit_items q"
		      " JOIN ppe_items i ON i.id = q.item_id ORDER BY q.permit_type, q.id LIMIT 500", NULL);
	while (st && db_step(st) == 1)
		json_array_append_new(per, json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s}", "id", (json_int_t)db_col_i64(st, 0),
			"permit_type", db_col_text(st, 1), "item_id", (json_int_t)db_col_i64(st, 2), "item", db_col_text(st, 3),
			"who", db_col_text(st, 4), "alt_group", db_col_text(st, 5), "level", db_col_text(st, 6)));
	db_done(c, st);
	return json_pack("{s:o, s:o, s:o}", "items", items, "positions", pos, "permits", per);
}

json_t *ppe_pending_json(struct req *r)
{
	json_t *a = json_array();
	struct db_stmt *st = db_query(r->db, "SELECT d.id, u.name, w.name, coalesce(d.hours, 0), d.cost, d.at FROM ppe_redemptions d"
		" JOIN users u ON u.id = d.user_id JOIN units n ON n.id = d.unit_id JOIN ppe_rewards w ON w.id = d.reward_id"
		" WHERE d.state = 'pending' AND n.path LIKE ? AND d.user_id <> ? ORDER BY d.at, d.id LIMIT 200", "tI",
		auth_scope_pattern(r), r->who ? r->who->user_id : 0);
	while (st && db_step(st) == 1)
		json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:I, s:I, s:o}", "id", (json_int_t)db_col_i64(st, 0),
			"name", db_col_text(st, 1), "reward", db_col_text(st, 2), "hours", (json_int_t)db_col_i64(st, 3),
			"cost", (json_int_t)db_col_i64(st, 4), "day", ppe_day_json(day_of(db_col_i64(st, 5)))));
	db_done(r->db, st);
	return a;
}
